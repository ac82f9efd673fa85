/* webhook.h: deliveries of decisions, alerts and breaches to the
 * platform's endpoint. The log is the source: events of the delivered
 * types are queued (store table webhook_deliveries) from a cursor over
 * the event sequence, so a decision is never held up by the endpoint and
 * none is lost when it is down; each delivery is retried with backoff and
 * can be replayed. The HTTP POST itself is the service's
 * (src/server/webhooks.c). */
#ifndef EJ_WEBHOOK_H
#define EJ_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/ereje.h"
#include "ereje/store.h"

#define WEBHOOK_BATCH 32          /* deliveries attempted per round */
#define WEBHOOK_SCAN_MAX 5000     /* events considered per round */
#define WEBHOOK_BACKOFF_MAX_MS 3600000 /* retries at most an hour apart */
#define WEBHOOK_SECRET_MIN 16
#define WEBHOOK_SECRET_MAX 256

/* Types delivered: registration.checked, content.checked, case.escalated,
 * order.alert, order.breach, complaint.decided. */
bool webhook_delivered_type(const char *type);

/* Queue the delivered events after the cursor (at most WEBHOOK_SCAN_MAX)
 * and move it, in one transaction. A new cursor starts at the head of
 * the log: events from before webhooks were switched on are not sent. */
enum ej_err webhook_enqueue(struct ej_store *st, int64_t now_ms,
                            size_t *added);

struct webhook_item {
    struct ej_wh_row row;
    int read_attempts; /* attempts when taken: the update is conditional */
    char *body;        /* the event as JSON (free()) */
};
/* The due pending deliveries with their bodies (at most max). */
enum ej_err webhook_due(struct ej_store *st, int64_t now_ms,
                        struct webhook_item *out, size_t max, size_t *n);
void webhook_items_free(struct webhook_item *it, size_t n);

/* Record an attempt in r: http_status 2xx is delivered; otherwise the
 * next try is 2^(attempts-1) seconds later (1 s, 2 s, 4 s ..., at most
 * an hour), and after max_attempts the delivery is failed. error may be
 * NULL. */
void webhook_attempt(struct ej_wh_row *r, int http_status, const char *error,
                     int64_t now_ms, int max_attempts);

/* Back to pending, due now: one delivery (id > 0) or every failed one
 * (id 0). *n counts them. EJ_NOT_FOUND for an unknown id. */
enum ej_err webhook_replay(struct ej_store *st, int64_t id, int64_t now_ms,
                           size_t *n);

/* The signature header value: "v1=" and the hex HMAC-SHA256, under key,
 * of the timestamp, a dot and the body. out holds 68 bytes. */
void webhook_sign(const unsigned char *key, size_t keylen, const char *ts,
                  const char *body, size_t len, char out[68]);

/* Read the secret file (src/common/privfile.c): WEBHOOK_SECRET_MIN..MAX
 * bytes (one final line break is not part of it). out holds
 * WEBHOOK_SECRET_MAX + 3 bytes. *why says what is wrong. */
enum ej_err webhook_secret_load(const char *path, unsigned char *out,
                                size_t *len, const char **why);

#endif
