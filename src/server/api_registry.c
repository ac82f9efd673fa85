/* api_registry.c: GET /v1/registry/anonymous and GET /v1/accounts/{id}.
 * Both read through the writer's connection (a job): the registry may
 * record identity.read events, and both then see every committed event. */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "registry.h"

struct registry_work {
    struct srv *srv;
    struct registry_opts opts;
    char reader[96];
    char *buf;             /* the lines, newline-terminated */
    size_t len, cap;
    bool oom;
    char why[300];
    enum ej_err rc;
};

static void free_registry(void *p)
{
    struct registry_work *w = p;
    if (w && w->buf) {
        sodium_memzero(w->buf, w->len);
        free(w->buf);
    }
    free(w);
}

static void add_line(const char *line, size_t len, void *ctx)
{
    struct registry_work *w = ctx;
    if (w->oom)
        return;
    if (w->len + len + 2 > w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16384;
        while (cap < w->len + len + 2)
            cap *= 2;
        char *b = realloc(w->buf, cap);
        if (!b) {
            w->oom = true;
            return;
        }
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, line, len);
    w->len += len;
    w->buf[w->len++] = '\n';
    w->buf[w->len] = '\0';
}

static enum ej_err run_registry(struct ej_store *st, void *ctx)
{
    struct req *r = ctx;
    struct registry_work *w = r->work;
    w->rc = registry_export(st, w->srv->policy, &w->opts, add_line, w,
                            w->why, sizeof w->why, NULL);
    if (w->oom)
        w->rc = EJ_NOMEM;
    return w->rc == EJ_INVALID ? EJ_OK : w->rc;
}

static void finish_registry(struct req *r)
{
    struct registry_work *w = r->work;
    if (w->rc == EJ_INVALID) {
        req_error(r, 500, "REGISTRY_UNAVAILABLE", w->why);
        return;
    }
    if (r->pend.result != EJ_OK) {
        req_error(r, 503, "STORE_UNAVAILABLE", "the registry could not be read");
        return;
    }
    r->status = 200;
    r->raw = w->buf ? w->buf : strdup("");
    r->raw_len = w->buf ? w->len : 0;
    r->raw_type = w->opts.csv ? "text/csv; charset=utf-8"
                              : "application/x-ndjson";
    w->buf = NULL;
}

static const char *arg(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

void api_registry(struct srv *s, struct req *r)
{
    struct registry_work *w = calloc(1, sizeof *w);
    if (!w) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    r->work = w;
    r->free_work = free_registry;
    w->srv = s;
    const char *at = arg(r, "at"), *format = arg(r, "format"),
               *ident = arg(r, "include_identity");
    if (at) {
        if (!req_instant(r, "at (ISO 8601 with an offset, + as %2B)", at,
                         strlen(at), &w->opts.at_ms))
            return;
    } else {
        w->opts.at_ms = srv_now_ms();
    }
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
        req_error(r, 400, "FIELD_VALUE", "format: json or csv");
        return;
    }
    w->opts.csv = format && strcmp(format, "csv") == 0;
    if (ident && strcmp(ident, "1") != 0 && strcmp(ident, "true") != 0 &&
        strcmp(ident, "0") != 0 && strcmp(ident, "false") != 0) {
        req_error(r, 400, "FIELD_VALUE", "include_identity: true or false");
        return;
    }
    if (ident && (strcmp(ident, "1") == 0 || strcmp(ident, "true") == 0)) {
        if (r->role != EJ_ROLE_ADMIN) {
            req_error(r, 403, "FORBIDDEN",
                      "identity data may be read by an admin key only");
            return;
        }
        if (!s->vault) {
            req_error(r, 409, "IDENTITY_KEY_MISSING",
                      "the service was started without --key-file");
            return;
        }
        snprintf(w->reader, sizeof w->reader, "api:%s", r->key_id);
        w->opts.identity = s->vault;
        w->opts.reader = w->reader;
    }
    r->finish = finish_registry;
    r->pend.job = run_registry;
    req_commit(r);
}

/* --- one account ---------------------------------------------------------- */

struct account_work {
    struct srv *srv;
    char id[129];
    bool found;
    struct ej_account a;
    char service[32];
    bool has_identity;
    struct ej_identity_row row; /* status and method only are used */
};

static enum ej_err run_account(struct ej_store *st, void *ctx)
{
    struct req *r = ctx;
    struct account_work *w = r->work;
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    /* The accounts table with the ingests' deltas applied (store.h). */
    enum ej_err rc = ops->acc_sync(st);
    if (rc == EJ_OK)
        rc = ops->account_get(st, w->id, &w->a, w->service, &w->found);
    if (rc == EJ_OK && w->found)
        rc = ops->identity_get(st, w->id, &w->row, &w->has_identity);
    return rc;
}

static json_t *instant_or_null(int64_t ms)
{
    char buf[EJ_INSTANT_TEXT_MAX];
    if (!ms || ej_instant_format(ms, 0, buf) != EJ_OK)
        return json_null();
    return json_string(buf);
}

/* Listed now under the rule (hysteresis applied to the time passed). */
static bool account_listed(const struct account_work *w, int64_t now)
{
    const struct ej_policy *p = w->srv->policy;
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            struct ej_anon_rule rule;
            struct ej_date d;
            if (ej_anon_rule_from(ej_pack_rule(k, j), k, &rule) != EJ_OK ||
                ej_tz_local_date(ej_pack_tz(p, k), now, &d) != EJ_OK)
                continue;
            return ej_anon_listed(&rule, &w->a, (int32_t)ej_date_to_days(d));
        }
    }
    return false;
}

static void finish_account(struct req *r)
{
    struct account_work *w = r->work;
    if (r->pend.result != EJ_OK) {
        req_error(r, 503, "STORE_UNAVAILABLE", "the account could not be read");
        return;
    }
    if (!w->found) {
        req_error(r, 404, "NOT_FOUND", "no events about this account");
        return;
    }
    const struct ej_account *a = &w->a;
    int64_t now = srv_now_ms();
    bool open = a->case_state == EJ_CASE_OPENED ||
                a->case_state == EJ_CASE_NOTIFIED ||
                a->case_state == EJ_CASE_SUBMITTED ||
                a->case_state == EJ_CASE_REJECTED;
    json_t *cases = json_array();
    if (a->case_state != EJ_CASE_NONE)
        json_array_append_new(
            cases,
            json_pack("{s:s,s:b,s:o,s:o,s:b,s:b}", "state",
                      ej_case_state_name((enum ej_case_state)a->case_state),
                      "open", open, "opened_at",
                      instant_or_null(a->case_opened_ms), "deadline",
                      instant_or_null(a->case_due_ms), "overdue",
                      ej_anon_overdue(a, now), "escalated",
                      (a->flags & EJ_ACC_ESCALATED) != 0));
    json_t *o = json_pack(
        "{s:s,s:s,s:I,s:I,s:o,s:s,s:b,s:b,s:o,s:o}", "account", w->id,
        "service", w->service, "followers", (json_int_t)a->followers,
        "measure", (json_int_t)a->measure, "kz_share",
        a->kz_share_pm == EJ_KZ_SHARE_UNKNOWN
            ? json_null()
            : json_real(a->kz_share_pm / 1000.0),
        "identity_status", ej_identity_name((enum ej_identity)a->identity),
        "in_registry", account_listed(w, now), "closed",
        (a->flags & EJ_ACC_CLOSED) != 0, "last_event_at",
        instant_or_null(a->last_ms), "cases", cases);
    if (w->has_identity)
        json_object_set_new(o, "identity_method", json_string(w->row.method));
    req_reply(r, 200, o);
}

void api_account(struct srv *s, struct req *r)
{
    struct account_work *w = calloc(1, sizeof *w);
    if (!w) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    r->work = w;
    r->free_work = free;
    w->srv = s;
    memcpy(w->id, r->param, sizeof w->id);
    r->finish = finish_account;
    r->pend.job = run_account;
    req_commit(r);
}
