/* api_complaints.c: user complaints over HTTP (src/common/complaints.c
 * does the work, as a job on the writer's connection). */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include "complaints.h"

enum cmp_kind { C_ADD, C_SHOW, C_DECIDE, C_NOTIFIED };

struct cmp_work {
    struct srv *srv;
    enum cmp_kind kind;
    json_t *body;
    char id[129];
    int64_t at_ms, now_ms;
    struct ej_complaint_row row;
    enum ej_err rc;
    struct order_error err;
};

static void free_work(void *p)
{
    struct cmp_work *w = p;
    if (w)
        json_decref(w->body);
    free(w);
}

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static enum ej_err run(struct ej_store *st, void *ctx)
{
    struct req *r = ctx;
    struct cmp_work *w = r->work;
    const struct ej_policy *p = w->srv->policy;
    switch (w->kind) {
    case C_ADD: {
        struct complaint_input in = {str(w->body, "category"),
                                     str(w->body, "target"),
                                     str(w->body, "reporter")};
        w->rc = complaints_add(st, p, &in, w->now_ms, &w->row, &w->err);
        break;
    }
    case C_SHOW:
        w->rc = ej_store_ops_of(st)->complaint_get(st, w->id, &w->row);
        break;
    case C_DECIDE:
        w->rc = complaints_decide(st, p, w->id, str(w->body, "decision"),
                                  str(w->body, "action"),
                                  str(w->body, "reason"), w->at_ms,
                                  w->now_ms, &w->row, &w->err);
        break;
    case C_NOTIFIED:
        w->rc = complaints_notified(st, p, w->id, str(w->body, "to"),
                                    str(w->body, "reference"), w->at_ms,
                                    w->now_ms, &w->row, &w->err);
        break;
    }
    return w->rc == EJ_INVALID || w->rc == EJ_NOT_FOUND ? EJ_OK : w->rc;
}

static void finish(struct req *r)
{
    struct cmp_work *w = r->work;
    if (r->pend.result != EJ_OK) {
        req_error(r, 503, "STORE_UNAVAILABLE", "the complaint could not be "
                                               "recorded; retry");
        return;
    }
    if (w->rc == EJ_NOT_FOUND) {
        req_error(r, 404, "NOT_FOUND", "no such complaint");
        return;
    }
    if (w->rc == EJ_INVALID) {
        bool conflict = w->err.code && strncmp(w->err.code, "ALREADY", 7) == 0;
        bool config = w->err.code && strcmp(w->err.code, "NO_RULE") == 0;
        req_error(r, conflict ? 409 : config ? 500 : 400,
                  w->err.code ? w->err.code : "FIELD_VALUE", w->err.message);
        return;
    }
    struct jw out;
    jw_init(&out, 1 << 20);
    complaint_json(&out, &w->row, srv_now_ms());
    req_reply_jw(r, w->kind == C_ADD ? 201 : 200, &out);
}

static void go(struct srv *s, struct req *r, enum cmp_kind kind, bool body,
               bool need_at)
{
    struct cmp_work *w = calloc(1, sizeof *w);
    if (!w) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    r->work = w;
    r->free_work = free_work;
    w->srv = s;
    w->kind = kind;
    w->now_ms = w->at_ms = srv_now_ms();
    memcpy(w->id, r->param, sizeof w->id);
    if (body && !(w->body = req_json(r)))
        return;
    if (need_at) {
        const char *at = str(w->body, "at");
        /* default: now */
        if (at && !req_instant(r, "at", at, strlen(at), &w->at_ms))
            return;
    }
    r->finish = finish;
    r->pend.job = run;
    req_commit(r);
}

void api_complaint_add(struct srv *s, struct req *r)
{
    go(s, r, C_ADD, true, false);
}
void api_complaint_show(struct srv *s, struct req *r)
{
    go(s, r, C_SHOW, false, false);
}
void api_complaint_decide(struct srv *s, struct req *r)
{
    go(s, r, C_DECIDE, true, true);
}
void api_complaint_notified(struct srv *s, struct req *r)
{
    go(s, r, C_NOTIFIED, true, true);
}
