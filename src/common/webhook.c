/* webhook.c: see webhook.h. */
#include "webhook.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "privfile.h"

static const char *const delivered[] = {
    "registration.checked", "content.checked", "case.escalated",
    "order.alert",          "order.breach",    "complaint.decided"};

bool webhook_delivered_type(const char *type)
{
    for (size_t i = 0; i < sizeof delivered / sizeof *delivered; i++)
        if (strcmp(type, delivered[i]) == 0)
            return true;
    return false;
}

struct enq {
    struct ej_store *st;
    int64_t now_ms;
    uint64_t last;
    size_t seen, added;
    enum ej_err rc;
};

static int enqueue_one(const struct ej_event *ev, void *ctx)
{
    struct enq *q = ctx;
    q->last = ev->seq;
    if (webhook_delivered_type(ev->type)) {
        struct ej_wh_row r;
        memset(&r, 0, sizeof r);
        r.event_seq = ev->seq;
        snprintf(r.event_id, sizeof r.event_id, "%s", ev->id);
        snprintf(r.type, sizeof r.type, "%s", ev->type);
        snprintf(r.status, sizeof r.status, "pending");
        r.next_at_ms = q->now_ms;
        r.created_ms = q->now_ms;
        q->rc = ej_store_ops_of(q->st)->wh_add(q->st, &r);
        if (q->rc != EJ_OK)
            return 1;
        q->added++;
    }
    return ++q->seen >= WEBHOOK_SCAN_MAX;
}

enum ej_err webhook_enqueue(struct ej_store *st, int64_t now_ms,
                            size_t *added)
{
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    uint64_t cursor;
    unsigned char hash[EJ_HASH_LEN];
    enum ej_err rc = ops->begin(st);
    if (rc != EJ_OK)
        return rc;
    rc = ops->wh_cursor(st, &cursor);
    if (rc == EJ_NOT_FOUND) {
        /* switched on now: from the head of the log */
        rc = ops->head(st, &cursor, hash);
        if (rc == EJ_OK)
            rc = ops->wh_set_cursor(st, cursor);
        *added = 0;
        goto done;
    }
    if (rc != EJ_OK)
        goto done;
    struct enq q = {st, now_ms, cursor, 0, 0, EJ_OK};
    rc = ej_store_scan(st, cursor + 1, enqueue_one, &q);
    if (rc == EJ_OK)
        rc = q.rc;
    if (rc == EJ_OK && q.last != cursor)
        rc = ops->wh_set_cursor(st, q.last);
    *added = q.added;
done:
    if (rc != EJ_OK) {
        ops->rollback(st);
        return rc;
    }
    return ops->commit(st);
}

/* The event as the platform receives it: the log entry, with its body and
 * rules as JSON. */
struct body_ctx {
    char *json;
};

static int body_of(const struct ej_event *ev, void *ctx)
{
    struct body_ctx *b = ctx;
    char at[EJ_INSTANT_TEXT_MAX], rec[EJ_INSTANT_TEXT_MAX];
    char h[EJ_HASH_LEN * 2 + 1];
    ej_instant_format(ev->at_ms, 0, at);
    ej_instant_format(ev->recorded_ms, 0, rec);
    sodium_bin2hex(h, sizeof h, ev->hash, EJ_HASH_LEN);
    json_t *body = json_loads(ev->body, 0, NULL);
    json_t *rules = json_loads(ev->rules, 0, NULL);
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s}",
                          "seq", (json_int_t)ev->seq, "id", ev->id, "type",
                          ev->type, "at", at, "recorded_at", rec, "subject",
                          ev->subject, "pack_id", ev->pack_id, "pack_version",
                          ev->pack_version,
                          "rules", rules ? rules : json_array(), "body",
                          body ? body : json_object(), "hash", h);
    b->json = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return 1; /* the one event */
}

enum ej_err webhook_due(struct ej_store *st, int64_t now_ms,
                        struct webhook_item *out, size_t max, size_t *n)
{
    struct ej_wh_row rows[WEBHOOK_BATCH];
    size_t k = 0;
    if (max > WEBHOOK_BATCH)
        max = WEBHOOK_BATCH;
    enum ej_err rc = ej_store_ops_of(st)->wh_due(st, now_ms, rows, max, &k);
    if (rc != EJ_OK)
        return rc;
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        struct body_ctx b = {NULL};
        rc = ej_store_scan(st, rows[i].event_seq, body_of, &b);
        if (rc != EJ_OK) {
            free(b.json);
            webhook_items_free(out, m);
            return rc;
        }
        if (!b.json) {
            /* an event that cannot be rendered (bytes no ereje string
             * has) must not hold up the others: say so instead */
            json_t *o = json_pack("{s:I,s:s,s:s}", "seq",
                                  (json_int_t)rows[i].event_seq, "type",
                                  "ereje.unrenderable", "error",
                                  "the logged event could not be rendered "
                                  "as JSON; see ereje audit export");
            b.json = o ? json_dumps(o, JSON_COMPACT) : NULL;
            json_decref(o);
            if (!b.json) {
                webhook_items_free(out, m);
                return EJ_NOMEM;
            }
        }
        out[m].row = rows[i];
        out[m].read_attempts = rows[i].attempts;
        out[m].body = b.json;
        m++;
    }
    *n = m;
    return EJ_OK;
}

void webhook_items_free(struct webhook_item *it, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(it[i].body);
        it[i].body = NULL;
    }
}

void webhook_attempt(struct ej_wh_row *r, int http_status, const char *error,
                     int64_t now_ms, int max_attempts)
{
    r->attempts++;
    r->last_status = http_status;
    snprintf(r->last_error, sizeof r->last_error, "%s", error ? error : "");
    if (http_status >= 200 && http_status < 300) {
        snprintf(r->status, sizeof r->status, "delivered");
        r->delivered_ms = now_ms;
        return;
    }
    if (r->attempts >= max_attempts) {
        snprintf(r->status, sizeof r->status, "failed");
        return;
    }
    int64_t wait = 1000;
    for (int i = 1; i < r->attempts && wait < WEBHOOK_BACKOFF_MAX_MS; i++)
        wait *= 2;
    if (wait > WEBHOOK_BACKOFF_MAX_MS)
        wait = WEBHOOK_BACKOFF_MAX_MS;
    r->next_at_ms = now_ms + wait;
}

struct replay_ctx {
    struct ej_store *st;
    int64_t now_ms;
    size_t n;
    enum ej_err rc;
};

static int replay_one(const struct ej_wh_row *r, void *ctx)
{
    struct replay_ctx *c = ctx;
    struct ej_wh_row w = *r;
    snprintf(w.status, sizeof w.status, "pending");
    w.attempts = 0;
    w.next_at_ms = c->now_ms;
    c->rc = ej_store_ops_of(c->st)->wh_update(c->st, &w, -1);
    c->n += c->rc == EJ_OK;
    return c->rc != EJ_OK;
}

static int find_id(const struct ej_wh_row *r, void *ctx)
{
    struct ej_wh_row *want = ctx;
    if (r->id != want->id)
        return 0;
    *want = *r;
    want->event_seq = 1; /* found */
    return 1;
}

enum ej_err webhook_replay(struct ej_store *st, int64_t id, int64_t now_ms,
                           size_t *n)
{
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    struct replay_ctx c = {st, now_ms, 0, EJ_OK};
    enum ej_err rc = ops->begin(st);
    if (rc != EJ_OK)
        return rc;
    if (id > 0) {
        struct ej_wh_row want;
        memset(&want, 0, sizeof want);
        want.id = id;
        rc = ops->wh_scan(st, NULL, find_id, &want);
        if (rc == EJ_OK && !want.event_seq)
            rc = EJ_NOT_FOUND;
        if (rc == EJ_OK) {
            replay_one(&want, &c);
            rc = c.rc;
        }
    } else {
        rc = ops->wh_scan(st, "failed", replay_one, &c);
        if (rc == EJ_OK)
            rc = c.rc;
    }
    if (rc != EJ_OK) {
        ops->rollback(st);
        return rc;
    }
    *n = c.n;
    return ops->commit(st);
}

void webhook_sign(const unsigned char *key, size_t keylen, const char *ts,
                  const char *body, size_t len, char out[68])
{
    crypto_auth_hmacsha256_state s;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&s, key, keylen);
    crypto_auth_hmacsha256_update(&s, (const unsigned char *)ts, strlen(ts));
    crypto_auth_hmacsha256_update(&s, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&s, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&s, mac);
    memcpy(out, "v1=", 3);
    sodium_bin2hex(out + 3, 65, mac, sizeof mac);
}

enum ej_err webhook_secret_load(const char *path, unsigned char *out,
                                size_t *len, const char **why)
{
    size_t n = 0;
    /* two bytes more than a secret: room for one final line break, and a
     * longer file shows as too long instead of being cut */
    enum ej_err rc = privfile_read(path, out, WEBHOOK_SECRET_MAX + 3, &n,
                                   why);
    if (rc == EJ_IO && !*why)
        *why = strerror(errno);
    if (rc != EJ_OK)
        return rc;
    if (n > 0 && out[n - 1] == '\n')
        n--;
    if (n > 0 && out[n - 1] == '\r')
        n--;
    if (n < WEBHOOK_SECRET_MIN || n > WEBHOOK_SECRET_MAX) {
        *why = "the secret is 16 to 256 bytes";
        return EJ_INVALID;
    }
    *len = n;
    return EJ_OK;
}
