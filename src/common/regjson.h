/* regjson.h: the registration check in JSON, shared by the CLI and the
 * HTTP service so that both speak exactly the same shapes. */
#ifndef EJ_REGJSON_H
#define EJ_REGJSON_H

#include <jansson.h>

#include "ereje/ereje.h"
#include "ereje/store.h"
#include "jw.h"

/* A client error found while reading a request: a stable code, the field
 * it concerns and a message. */
struct rj_error {
    const char *code; /* e.g. "FIELD_TYPE", "IDNUM_CHECKSUM" */
    char field[64];
    char message[256];
};

/* Storage for the strings a parsed request points into. */
struct rj_request {
    struct ej_registration reg;
    char iin[16];
    char subject[EJ_EVENT_ID_MAX + 1];
    bool has_at;
};

/* Read a request object. Unknown fields are ignored. Returns false with
 * *err filled on a wrong type, a missing or impossible value. When "at" is
 * absent, has_at is false and the caller supplies the time. */
bool rj_parse_request(const json_t *obj, struct rj_request *out,
                      struct rj_error *err);

/* Write the decision's members (decision, mode, advisory, rules, fired,
 * reasons, service, evidence, age, age_band, at) into w, which must be
 * inside an open object: the CLI closes it at once, the service first adds
 * the committed event. */
void rj_decision_members(struct jw *w, const struct ej_reg_decision *d,
                         const struct ej_registration *in);

/* Write the event body to store (the decision, the kind of evidence and
 * the age band; never the birth date or the IIN) into body, and the JSON
 * array of the applied rule ids into rules. */
void rj_event_body(struct jw *body, struct jw *rules,
                   const struct ej_reg_decision *d,
                   const struct ej_registration *in);

#endif
