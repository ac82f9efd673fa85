/* regjson.h: the registration check in JSON, shared by the CLI and the
 * HTTP service so that both speak exactly the same shapes. */
#ifndef EJ_REGJSON_H
#define EJ_REGJSON_H

#include <jansson.h>

#include "ereje/ereje.h"
#include "ereje/store.h"

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

/* The decision as the JSON object the CLI prints and the API returns. */
json_t *rj_decision_json(const struct ej_reg_decision *d,
                         const struct ej_registration *in);

/* The event body to store: the decision, the kind of evidence and the age
 * band; never the birth date or the IIN. rules_out receives the JSON array
 * of the applied rule ids. Both new references. */
json_t *rj_event_body(const struct ej_reg_decision *d,
                      const struct ej_registration *in, json_t **rules_out);

#endif
