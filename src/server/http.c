/* http.c: the libmicrohttpd access handler: reads bodies within limits,
 * authenticates, dispatches through the route table, and sends replies.
 * A handler that must wait for a commit suspends the connection; the
 * committer resumes it and the reply goes out only after the commit. */
#include "server.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

int64_t srv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void req_reply(struct req *r, int status, json_t *body)
{
    json_decref(r->reply);
    r->status = status;
    r->reply = body;
}

void req_error(struct req *r, int status, const char *code,
               const char *message)
{
    req_reply(r, status,
              json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
                        message));
}

bool req_instant(struct req *r, const char *field, const char *text,
                 size_t len, int64_t *out)
{
    int64_t ms;
    char tb[EJ_INSTANT_TEXT_MAX], msg[200];
    enum ej_err rc = ej_instant_parse(text, len, &ms, NULL);
    if (rc == EJ_OK && ej_instant_format(ms, 0, tb) != EJ_OK)
        rc = EJ_RANGE;
    if (rc != EJ_OK) {
        snprintf(msg, sizeof msg, "%.40s: %s", field,
                 rc == EJ_RANGE ? "outside the years 0001-9999 in UTC"
                                : ej_strerror(rc));
        req_error(r, 400, ej_errname(rc), msg);
        return false;
    }
    *out = ms;
    return true;
}

void req_error_field(struct req *r, const struct rj_error *e)
{
    char msg[400];
    snprintf(msg, sizeof msg, "%.40s: %.200s", e->field, e->message);
    req_error(r,
              strcmp(e->code, "TOO_BIG") == 0    ? 413
              : strcmp(e->code, "INTERNAL") == 0 ? 500
                                                 : 400,
              e->code, msg);
}

/* Nesting depth of JSON text, counting [ and { outside strings. */
static int json_depth(const char *s, size_t n, int limit)
{
    int depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max && (max = depth) > limit)
                return max;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

bool json_depth_ok(const char *s, size_t n)
{
    return json_depth(s, n, SRV_JSON_DEPTH) <= SRV_JSON_DEPTH;
}

json_t *req_json_any(struct req *r)
{
    if (!json_depth_ok(r->body, r->len)) {
        req_error(r, 400, "JSON_TOO_DEEP",
                  "JSON nests deeper than 32 levels");
        return NULL;
    }
    json_error_t err;
    json_t *v = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &err);
    if (!v) {
        char msg[300];
        snprintf(msg, sizeof msg, "line %d, column %d: %s", err.line,
                 err.column, err.text);
        req_error(r, 400, "BAD_JSON", msg);
    }
    return v;
}

json_t *req_json(struct req *r)
{
    if (r->len == 0) {
        req_error(r, 400, "BAD_JSON", "the request needs a JSON body");
        return NULL;
    }
    json_t *v = req_json_any(r);
    if (v && !json_is_object(v)) {
        json_decref(v);
        req_error(r, 400, "FIELD_TYPE", "the body must be a JSON object");
        return NULL;
    }
    return v;
}

/* Runs in the writer thread while the request is suspended: only record
 * the outcome; the reply is finished in the request's own thread. */
static void commit_done(struct pending *p, void *ctx)
{
    struct req *r = ctx;
    (void)p;
    r->state = REQ_DONE;
    MHD_resume_connection(r->conn);
}

/* Close an open reply with the committed event, or turn it into an error
 * when the commit failed. */
static void finish_open_reply(struct req *r)
{
    struct pending *p = &r->pend;
    r->open_reply = false;
    if (p->result != EJ_OK) {
        jw_free(&r->out);
        req_error(r, 503, "STORE_UNAVAILABLE",
                  "the decision could not be recorded; retry");
        return;
    }
    char hex[EJ_HASH_LEN * 2 + 1];
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < EJ_HASH_LEN; i++) {
        hex[2 * i] = digits[p->ev.hash[i] >> 4];
        hex[2 * i + 1] = digits[p->ev.hash[i] & 15];
    }
    hex[EJ_HASH_LEN * 2] = '\0';
    jw_key(&r->out, "event");
    jw_obj(&r->out);
    jw_kstr(&r->out, "id", p->ev.id);
    jw_kint(&r->out, "seq", (int64_t)p->ev.seq);
    jw_kstr(&r->out, "hash", hex);
    jw_end_obj(&r->out);
    jw_end_obj(&r->out);
    req_reply_jw(r, 200, &r->out);
}

void req_commit(struct req *r)
{
    /* Counted before the flag is read (see srv_run's drain): once the
     * main thread has set no_commit and seen no commit in flight, every
     * later request sees the flag and is refused, so none is suspended
     * when MHD stops. */
    atomic_fetch_add(&r->srv->committing, 1);
    r->counted = true;
    if (atomic_load(&r->srv->no_commit)) {
        r->finish = NULL;
        if (r->open_reply) {
            jw_free(&r->out);
            r->open_reply = false;
        }
        r->close = true;
        req_error(r, 503, "SHUTTING_DOWN",
                  "the service is stopping; nothing was recorded, retry "
                  "elsewhere or later");
        return;
    }
    r->pend.done = commit_done;
    r->pend.ctx = r;
    r->pend.result = EJ_IO; /* until the writer says otherwise */
    r->state = REQ_WAITING;
    /* Read only by this request's thread: after the submit below, state
     * belongs to the writer thread until the connection is resumed. */
    r->committing = true;
    /* Suspend first: the committer may finish before this handler
     * returns, and resume must find the connection suspended. */
    MHD_suspend_connection(r->conn);
    committer_submit(r->srv->cm, &r->pend);
}

void req_reply_jw(struct req *r, int status, struct jw *w)
{
    jw_end_line(w);
    size_t len;
    char *text = jw_take(w, &len);
    if (!text) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    r->status = status;
    r->raw = text;
    r->raw_len = len;
    r->raw_type = "application/json";
}

static size_t req_max_body(const struct req *r)
{
    return r->route && r->route->max_body ? r->route->max_body
                                          : r->srv->opts.max_body;
}

static enum MHD_Result send_reply(struct req *r)
{
    if (r->sent)
        return MHD_YES;
    r->sent = true;
    /* No longer suspended nor about to be: the drain (srv_run) need not
     * wait for this reply to be read, however slowly. */
    if (r->counted) {
        r->counted = false;
        atomic_fetch_sub(&r->srv->committing, 1);
    }
    if (r->open_reply)
        finish_open_reply(r);
    if (r->finish) {
        void (*f)(struct req *) = r->finish;
        r->finish = NULL;
        f(r);
    }
    struct MHD_Response *resp;
    const char *type = "application/json";
    if (r->raw) {
        resp = MHD_create_response_from_buffer(r->raw_len, r->raw,
                                               MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->raw = NULL;
        type = r->raw_type;
    } else {
        char *text = r->reply ? json_dumps(r->reply, JSON_COMPACT) : NULL;
        size_t len = text ? strlen(text) : 0;
        if (text) {
            /* One trailing newline, for people reading with curl. */
            char *t2 = realloc(text, len + 2);
            if (t2) {
                text = t2;
                text[len++] = '\n';
                text[len] = '\0';
            }
        }
        resp = MHD_create_response_from_buffer(len, text ? text : (char *)"",
                                               text ? MHD_RESPMEM_MUST_FREE
                                                    : MHD_RESPMEM_PERSISTENT);
        if (!resp)
            free(text);
    }
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->close)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (r->status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer");
    if (r->status == 405 && r->allow[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    enum MHD_Result ok =
        MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    /* Counted only when queued: libmicrohttpd refuses a reply in the
     * middle of an upload (a body cut off past SRV_DISCARD_LIMIT), and
     * the connection is then closed with no reply at all. */
    if (ok == MHD_YES)
        metrics_request(&r->srv->metrics,
                        r->route ? r->route_index : MET_NO_ROUTE, r->status,
                        mono_s() - r->t0);
    return ok;
}

/* Check the bearer key against the route's roles; replies on failure. */
static bool authorize(struct req *r)
{
    const char *h = MHD_lookup_connection_value(
        r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncmp(h, "Bearer ", 7) != 0 || !h[7]) {
        req_error(r, 401, "UNAUTHORIZED",
                  "send Authorization: Bearer KEY (ereje keys create)");
        return false;
    }
    const char *key = h + 7;
    enum ej_err rc = keycache_lookup(r->srv->keys, key, strlen(key),
                                     &r->role, r->key_id);
    if (rc == EJ_NOT_FOUND) {
        req_error(r, 401, "UNAUTHORIZED", "unknown or revoked API key");
        return false;
    }
    if (rc != EJ_OK) {
        req_error(r, 503, "STORE_UNAVAILABLE", "cannot check the API key");
        return false;
    }
    if (!(r->route->roles & (unsigned)r->role)) {
        char msg[160];
        snprintf(msg, sizeof msg, "role '%s' may not call %s %s",
                 ej_role_name(r->role), r->route->method, r->route->path);
        req_error(r, 403, "FORBIDDEN", msg);
        return false;
    }
    return true;
}

enum MHD_Result http_handler(void *cls, struct MHD_Connection *conn,
                             const char *url, const char *method,
                             const char *version, const char *upload_data,
                             size_t *upload_data_size, void **con_cls)
{
    struct srv *s = cls;
    struct req *r = *con_cls;
    (void)version;

    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->srv = s;
        r->conn = conn;
        r->t0 = mono_s();
        r->route = router_find(method, url, &r->route_status, r->param);
        if (!r->route && r->route_status == 405)
            router_allow(url, r->allow);
        r->route_index = r->route ? (size_t)(r->route - srv_routes)
                                   : MET_NO_ROUTE;
        r->state = REQ_BODY;
        *con_cls = r;
        /* Counted before the stop flag is read: once the main thread has
         * set the flag and seen no request in flight, every later request
         * sees the flag and is refused, so none is left suspended. */
        atomic_fetch_add(&s->active, 1);
        if (atomic_load(&s->stopping)) {
            req_error(r, 503, "SHUTTING_DOWN",
                      "the service is stopping; retry elsewhere or later");
            r->close = true;
            r->state = REQ_DONE;
            return send_reply(r);
        }
        /* Refuse a declared oversize body before reading it. */
        const char *cl = MHD_lookup_connection_value(
            conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > req_max_body(r)) {
            req_error(r, 413, "BODY_TOO_LARGE", "the body exceeds the limit");
            r->state = REQ_DONE;
            return send_reply(r);
        }
        /* The key is checked on the headers, before any body is kept: a
         * client without a valid key must not make the server hold up to
         * max-body bytes per connection. Its body is read and discarded
         * like an oversize one, and the 401 or 403 goes out at its end. */
        if (r->route && r->route->roles && !authorize(r))
            r->denied = true;
        return MHD_YES;
    }
    if (r->state == REQ_BODY && *upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->denied) {
            r->discarded += n;
            if (r->discarded > SRV_DISCARD_LIMIT) {
                r->state = REQ_DONE;
                r->close = true;
                return send_reply(r);
            }
            return MHD_YES;
        }
        if (r->too_big || r->len + n > req_max_body(r)) {
            /* Read the rest and discard it, so that the client gets its
             * 413 at the end (a reply sent mid-upload is lost to the
             * connection reset of most clients); but a body that goes on
             * past a hard bound is cut off at once. */
            r->too_big = true;
            r->discarded += n;
            if (r->discarded > SRV_DISCARD_LIMIT) {
                r->state = REQ_DONE;
                r->close = true;
                req_error(r, 413, "BODY_TOO_LARGE",
                          "the body exceeds the limit");
                return send_reply(r);
            }
            return MHD_YES;
        }
        if (r->len + n + 1 > r->cap) {
            size_t cap = r->cap ? r->cap : 4096;
            while (cap < r->len + n + 1)
                cap *= 2;
            char *b = realloc(r->body, cap);
            if (!b)
                return MHD_NO;
            r->body = b;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload_data, n);
        r->len += n;
        r->body[r->len] = '\0';
        return MHD_YES;
    }
    /* The reply was decided before the body ended (503 on stop, a
     * declared oversize body): the rest is read and dropped. Leaving it
     * unconsumed makes libmicrohttpd warn of a hung connection and can
     * lose the reply. */
    if (r->state != REQ_BODY)
        *upload_data_size = 0;
    if (r->state == REQ_WAITING)
        return MHD_YES; /* spurious call while suspended */
    if (r->state == REQ_DONE)
        return send_reply(r);

    /* The whole request is here. */
    r->state = REQ_DONE;
    if (r->denied) {
        /* the 401 or 403 authorize() prepared */
    } else if (r->too_big) {
        req_error(r, 413, "BODY_TOO_LARGE", "the body exceeds the limit");
    } else if (!r->route) {
        req_error(r, r->route_status,
                  r->route_status == 405 ? "METHOD_NOT_ALLOWED" : "NOT_FOUND",
                  r->route_status == 405 ? "this path takes another method"
                                         : "no such endpoint");
    } else {
        r->route->handler(s, r);
        if (r->committing)
            return MHD_YES; /* the resumed call sends the reply */
    }
    if (!r->reply && !r->raw && !r->open_reply && !r->finish)
        req_error(r, 500, "INTERNAL", "no reply was produced");
    return send_reply(r);
}

void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    struct srv *s = cls;
    struct req *r = *con_cls;
    (void)conn;
    (void)toe;
    if (!r)
        return;
    json_decref(r->reply);
    free(r->raw);
    jw_free(&r->out);
    if (r->free_work)
        r->free_work(r->work);
    /* Bodies may carry identity data: wiped, not just freed. */
    if (r->body)
        sodium_memzero(r->body, r->cap);
    free(r->body);
    free(r->pend.rules);
    free(r->pend.body);
    if (r->counted)
        atomic_fetch_sub(&s->committing, 1);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->active, 1);
}
