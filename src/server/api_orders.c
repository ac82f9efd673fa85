/* api_orders.c: the orders register over HTTP (src/common/orders.c does
 * the work, as a job on the writer's connection). */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include "contentjson.h"
#include "orders.h"
#include "reupload.h"

enum job_kind { J_ADD, J_LIST, J_SHOW, J_PAUSE, J_RESUME, J_CLOSE };

struct order_work {
    struct srv *srv;
    enum job_kind kind;
    json_t *body;              /* the request, for add and close */
    char id[129];
    const char *state;         /* list */
    int64_t at_ms, now_ms;
    struct order_input in;
    const char *targets[ORDER_MAX_TARGETS];
    struct order_close close;
    struct cj_media media;
    char by[600];
    /* results */
    enum ej_err rc;
    struct order_error err;
    bool existed;
    struct jw out;             /* the reply text */
};

static void free_work(void *p)
{
    struct order_work *w = p;
    if (!w)
        return;
    json_decref(w->body);
    jw_free(&w->out);
    free(w);
}

struct list_ctx {
    struct order_work *w;
    const struct ej_order_rules *rules;
};

static int list_one(const struct ej_order_row *r, void *vctx)
{
    struct list_ctx *c = vctx;
    const char *s = c->w->state;
    bool overdue = ej_order_overdue(c->rules, &r->order, c->w->at_ms);
    bool closed = r->order.state == EJ_ORDER_CLOSED;
    if ((strcmp(s, "open") == 0 && closed) ||
        (strcmp(s, "closed") == 0 && !closed) ||
        (strcmp(s, "overdue") == 0 && !overdue))
        return 0;
    order_json(&c->w->out, c->rules, r, c->w->at_ms);
    return c->w->out.err;
}

static enum ej_err run(struct ej_store *st, void *ctx)
{
    struct req *r = ctx;
    struct order_work *w = r->work;
    const struct ej_policy *p = w->srv->policy;
    struct ej_order_row row;
    /* Without an authority_request rule orders cannot be added; those
     * recorded are shown with no effect clock. */
    struct ej_order_rules rules;
    if (ej_order_rules_from(p, &rules) != EJ_OK)
        memset(&rules, 0, sizeof rules);
    jw_init(&w->out, 64u * 1024 * 1024);
    switch (w->kind) {
    case J_ADD:
        w->rc = orders_add(st, p, &w->in, w->now_ms, &row, &w->existed,
                           &w->err);
        break;
    case J_LIST: {
        struct list_ctx c = {w, &rules};
        jw_arr(&w->out);
        w->rc = ej_store_ops_of(st)->orders_scan(st, list_one, &c);
        jw_end_arr(&w->out);
        return w->rc;
    }
    case J_SHOW:
        w->rc = ej_store_ops_of(st)->order_get(st, w->id, &row);
        break;
    default: {
        enum order_op op = w->kind == J_PAUSE    ? ORDER_PAUSE
                           : w->kind == J_RESUME ? ORDER_RESUME
                                                 : ORDER_CLOSE;
        w->rc = orders_change(st, p, w->id, op, w->at_ms, &w->close,
                              w->now_ms, &row, &w->err);
        /* a closed order's fingerprints block re-uploads from now on */
        if (w->rc == EJ_OK && op == ORDER_CLOSE)
            reupload_load(w->srv->reup, st);
    }
    }
    if (w->rc == EJ_OK) {
        order_json(&w->out, &rules, &row, w->kind == J_ADD || w->kind == J_SHOW
                                      ? w->now_ms
                                      : w->at_ms);
        ej_order_row_free(&row);
    }
    /* Refusals are answers, not store failures. */
    return w->rc == EJ_INVALID || w->rc == EJ_NOT_FOUND ? EJ_OK : w->rc;
}

static void finish(struct req *r)
{
    struct order_work *w = r->work;
    if (r->pend.result != EJ_OK) {
        req_error(r, 503, "STORE_UNAVAILABLE", "the register could not be "
                                               "read or written; retry");
        return;
    }
    if (w->rc == EJ_NOT_FOUND) {
        req_error(r, 404, "NOT_FOUND", "no such order");
        return;
    }
    if (w->rc == EJ_INVALID) {
        req_error(r, w->err.code && strcmp(w->err.code, "ORDER_STATE") == 0
                         ? 409
                     : w->err.code && strcmp(w->err.code, "NO_RULE") == 0
                         ? 500
                         : 400,
                  w->err.code ? w->err.code : "FIELD_VALUE", w->err.message);
        return;
    }
    req_reply_jw(r, w->kind == J_ADD && !w->existed ? 201 : 200, &w->out);
}

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static struct order_work *start(struct srv *s, struct req *r,
                                enum job_kind kind, bool body)
{
    struct order_work *w = calloc(1, sizeof *w);
    if (!w) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return NULL;
    }
    r->work = w;
    r->free_work = free_work;
    w->srv = s;
    w->kind = kind;
    w->now_ms = w->at_ms = srv_now_ms();
    memcpy(w->id, r->param, sizeof w->id);
    if (body && !(w->body = req_json(r)))
        return NULL;
    return w;
}

static void submit(struct req *r)
{
    r->finish = finish;
    r->pend.job = run;
    req_commit(r);
}

/* "at" of a body: required for changes (when it happened). */
static bool body_at(struct req *r, struct order_work *w, const char *key)
{
    const char *at = str(w->body, key);
    if (!at) {
        req_error(r, 400, "FIELD_MISSING", key);
        return false;
    }
    return req_instant(r, key, at, strlen(at), &w->at_ms);
}

void api_order_add(struct srv *s, struct req *r)
{
    struct order_work *w = start(s, r, J_ADD, true);
    if (!w)
        return;
    json_t *t = json_object_get(w->body, "targets");
    if (t && !json_is_array(t)) {
        req_error(r, 400, "FIELD_TYPE", "targets must be an array of strings");
        return;
    }
    for (size_t i = 0; t && i < json_array_size(t); i++) {
        json_t *v = json_array_get(t, i);
        if (!json_is_string(v) || i >= ORDER_MAX_TARGETS) {
            req_error(r, 400, "FIELD_TYPE",
                      "targets: at most 1000 strings");
            return;
        }
        w->targets[w->in.n_targets++] = json_string_value(v);
    }
    w->in.issuer = str(w->body, "issuer");
    w->in.number = str(w->body, "number");
    w->in.basis = str(w->body, "basis");
    w->in.action = str(w->body, "action");
    w->in.targets = w->targets;
    if (!body_at(r, w, "received_at"))
        return;
    w->in.received_ms = w->at_ms;
    submit(r);
}

void api_order_list(struct srv *s, struct req *r)
{
    struct order_work *w = start(s, r, J_LIST, false);
    if (!w)
        return;
    const char *st = MHD_lookup_connection_value(r->conn,
                                                 MHD_GET_ARGUMENT_KIND,
                                                 "state");
    const char *at = MHD_lookup_connection_value(r->conn,
                                                 MHD_GET_ARGUMENT_KIND, "at");
    w->state = st ? st : "open";
    if (strcmp(w->state, "open") && strcmp(w->state, "overdue") &&
        strcmp(w->state, "closed") && strcmp(w->state, "all")) {
        req_error(r, 400, "FIELD_VALUE",
                  "state: open, overdue, closed or all");
        return;
    }
    if (at && !req_instant(r, "at (ISO 8601 with an offset, + as %2B)", at,
                           strlen(at), &w->at_ms))
        return;
    submit(r);
}

void api_order_show(struct srv *s, struct req *r)
{
    if (start(s, r, J_SHOW, false))
        submit(r);
}

static void change(struct srv *s, struct req *r, enum job_kind k)
{
    struct order_work *w = start(s, r, k, true);
    if (!w || !body_at(r, w, "at"))
        return;
    if (k == J_CLOSE) {
        w->close.action = str(w->body, "action");
        w->close.evidence = str(w->body, "evidence");
        w->close.snapshot_hash = str(w->body, "snapshot_hash");
        json_t *ct = json_object_get(w->body, "content_text");
        if (ct && !json_is_null(ct)) {
            if (!json_is_string(ct)) {
                req_error(r, 400, "FIELD_TYPE", "content_text is a string");
                return;
            }
            w->close.content_text = json_string_value(ct);
            w->close.content_len = json_string_length(ct);
        }
        struct rj_error e;
        if (!cj_parse_media(w->body, true, &w->media, &e)) {
            req_error_field(r, &e);
            return;
        }
        w->close.media_sha256 = w->media.has_sha256 ? w->media.sha256 : NULL;
        w->close.media_pdq = w->media.has_pdq ? w->media.pdq : NULL;
        w->close.media_note = w->media.from_bytes ? w->media.fp.note : NULL;
        /* The key is always recorded; a "by" names the person too. */
        const char *by = str(w->body, "by");
        if (by && (by[0] == '\0' || strlen(by) > ORDER_BY_MAX)) {
            req_error(r, 400, "FIELD_VALUE", "by is 1 to 256 bytes");
            return;
        }
        if (by)
            snprintf(w->by, sizeof w->by, "%s (api:%s)", by, r->key_id);
        else
            snprintf(w->by, sizeof w->by, "api:%s", r->key_id);
        w->close.by = w->by;
        w->close.at_ms = w->at_ms;
    }
    submit(r);
}

void api_order_pause(struct srv *s, struct req *r) { change(s, r, J_PAUSE); }
void api_order_resume(struct srv *s, struct req *r)
{
    change(s, r, J_RESUME);
}
void api_order_close(struct srv *s, struct req *r) { change(s, r, J_CLOSE); }
