/* orders.h: the register of orders about unlawful content, shared by
 * `ereje order` and (later) the HTTP API. Every change is one transaction
 * that also appends its event (order.received, order.clarification_asked,
 * order.clarification_received, order.closed, order.alert, order.breach)
 * with the rule and pack version of the clock. */
#ifndef EJ_ORDERS_H
#define EJ_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/ereje.h"
#include "ereje/store.h"
#include "jw.h"

#define ORDER_MAX_TARGETS 1000
#define ORDER_FIELD_MAX 512
#define ORDER_BY_MAX 256 /* a closer's name; the API appends its key id */

struct order_input {
    const char *issuer, *number, *basis, *action;
    const char *const *targets;
    size_t n_targets;
    int64_t received_ms;
};

struct order_close {
    const char *action;        /* what was done: remove, restrict_kz, ... */
    const char *evidence;      /* required: what was done, in words */
    const char *by;            /* who did it */
    const char *snapshot_hash; /* optional: hex SHA-256 of the content */
    /* optional: the removed content's text; with remove or restrict_kz
     * its fingerprints (SHA-256 of the text, SimHash of the normalized
     * text) and the snapshot_hash go into the re-upload bank */
    const char *content_text;
    size_t content_len;
    int64_t at_ms;
    /* optional: the removed media's fingerprints (32 bytes each: see
     * mediafp.h), into the bank likewise; media_note says why an image
     * has no usable PDQ hash, for the record */
    const unsigned char *media_sha256, *media_pdq;
    const char *media_note;
};
#define ORDER_CONTENT_MAX (64u * 1024u)

/* A refusal: a stable code and a message. */
struct order_error {
    const char *code;
    char message[256];
};

/* Record an order (idempotent: the same issuer and number give the same
 * order back, *existed set). EJ_INVALID with *err for bad input. */
enum ej_err orders_add(struct ej_store *st, const struct ej_policy *p,
                       const struct order_input *in, int64_t now_ms,
                       struct ej_order_row *out, bool *existed,
                       struct order_error *err);

enum order_op { ORDER_PAUSE, ORDER_RESUME, ORDER_CLOSE };

/* Pause, resume or close. EJ_NOT_FOUND, or EJ_INVALID with *err. */
enum ej_err orders_change(struct ej_store *st, const struct ej_policy *p,
                          const char *id, enum order_op op, int64_t at_ms,
                          const struct order_close *c, int64_t now_ms,
                          struct ej_order_row *out, struct order_error *err);

/* Log the alerts and breaches that have fallen due by now_ms. A breach on
 * a shadow (advisory) clock is logged with "mode": "shadow" and counted
 * in *alerts, not *breaches. */
enum ej_err orders_sweep(struct ej_store *st, const struct ej_policy *p,
                         int64_t now_ms, size_t *alerts, size_t *breaches);

/* The order as a JSON object, with its dues, the effect clock's mode and
 * the overdue flag at now_ms under rules (ej_order_rules_from). */
void order_json(struct jw *w, const struct ej_order_rules *rules,
                const struct ej_order_row *r, int64_t now_ms);

#endif
