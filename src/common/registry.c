/* registry.c: see registry.h. */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "jw.h"

enum field { F_ACCOUNT, F_FOLLOWERS, F_MEASURE, F_KZ_SHARE, F_CASE, F_OVERDUE,
             F_DEADLINE, F_OPENED, F_IDENTITY, F_SINCE, F_N };
static const char *const field_names[F_N] = {
    "account", "followers", "measure", "kz_share", "case_state", "overdue",
    "deadline", "opened_at", "identity_status", "listed_since"};
static const char *const id_fields[] = {"iin", "name", "contact", "method"};

#define LINE_MAX_BYTES (64 * 1024)

struct export {
    struct ej_anon_rule rule;
    int fields[32];
    size_t n_fields;
    const struct registry_opts *o;
    int32_t day;
    struct ej_store *st;
    void (*emit)(const char *, size_t, void *);
    void *ctx;
    size_t rows, reads;
    enum ej_err rc;
};

/* A CSV cell into w's buffer: quoted when needed; a text a spreadsheet
 * would run as a formula gets a leading quote. */
static void csv_cell(char *buf, size_t cap, size_t *o, const char *s,
                     bool first)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
#define PUT(c)                      \
    do {                            \
        if (*o + 1 < cap)           \
            buf[(*o)++] = (c);      \
    } while (0)
    if (!first)
        PUT(',');
    if (quote)
        PUT('"');
    if (formula)
        PUT('\'');
    for (; *s; s++) {
        if (*s == '"')
            PUT('"');
        PUT(*s);
    }
    if (quote)
        PUT('"');
#undef PUT
    buf[*o] = '\0';
}
static void value_text(const struct export *x, int f, const char *id,
                       const struct ej_account *a, char *buf, size_t cap,
                       bool *is_null)
{
    *is_null = false;
    buf[0] = '\0';
    switch (f) {
    case F_ACCOUNT:
        snprintf(buf, cap, "%s", id);
        break;
    case F_FOLLOWERS:
        snprintf(buf, cap, "%u", a->followers);
        break;
    case F_MEASURE:
        snprintf(buf, cap, "%u", a->measure);
        break;
    case F_KZ_SHARE:
        if (a->kz_share_pm == EJ_KZ_SHARE_UNKNOWN)
            *is_null = true;
        else
            snprintf(buf, cap, "%u.%03u", a->kz_share_pm / 1000,
                     a->kz_share_pm % 1000);
        break;
    case F_CASE:
        snprintf(buf, cap, "%s",
                 ej_case_state_name((enum ej_case_state)a->case_state));
        break;
    case F_OVERDUE:
        snprintf(buf, cap, "%s",
                 ej_anon_overdue(a, x->o->at_ms) ? "true" : "false");
        break;
    case F_DEADLINE:
    case F_OPENED: {
        int64_t t = f == F_DEADLINE ? a->case_due_ms : a->case_opened_ms;
        char ts[EJ_INSTANT_TEXT_MAX];
        if (t && ej_instant_format(t, 0, ts) == EJ_OK)
            snprintf(buf, cap, "%s", ts);
        else
            *is_null = true;
        break;
    }
    case F_IDENTITY:
        snprintf(buf, cap, "%s",
                 ej_identity_name((enum ej_identity)a->identity));
        break;
    case F_SINCE: {
        struct ej_date d;
        char ds[EJ_DATE_TEXT_MAX];
        if (ej_date_from_days(a->above_since, &d) == EJ_OK) {
            ej_date_format(d, ds);
            snprintf(buf, cap, "%s", ds);
        } else {
            *is_null = true;
        }
        break;
    }
    }
}

/* Decrypt an account's identity data and record the read. */
static json_t *read_identity(struct export *x, const char *id)
{
    struct ej_identity_row row;
    bool found;
    const struct ej_store_ops *ops = ej_store_ops_of(x->st);
    enum ej_err rc = ops->identity_get(x->st, id, &row, &found);
    if (rc != EJ_OK) {
        x->rc = rc;
        return NULL;
    }
    if (!found)
        return NULL;
    if (!row.has_ciphertext) {
        /* A status without data (verified or rejected by method only):
         * nothing is decrypted, so nothing is read or recorded. */
        return json_pack("{s:s}", "method", row.method);
    }
    char *plain = NULL;
    size_t len;
    json_t *data = NULL;
    rc = vault_open(x->o->identity, id, &row, &plain, &len);
    if (rc == EJ_OK) {
        data = json_loadb(plain, len, 0, NULL);
        sodium_memzero(plain, len);
        free(plain);
    } else {
        /* Wrong key or altered data: stop rather than export a gap. */
        x->rc = rc == EJ_NOT_FOUND ? EJ_INVALID : rc;
        return NULL;
    }
    if (!data)
        data = json_object();
    json_object_set_new(data, "method", json_string(row.method));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    char evid[200];
    snprintf(evid, sizeof evid, "%s#identity_read#%lld#%zu", id,
             (long long)now, x->reads);
    struct jw w;
    jw_init(&w, 4096);
    jw_obj(&w);
    jw_kstr(&w, "account", id);
    jw_kstr(&w, "reader", x->o->reader ? x->o->reader : "?");
    jw_kstr(&w, "key_id", x->o->identity->key_id);
    jw_kstrv(&w, "purpose", "registry export");
    jw_end_obj(&w);
    char *body = jw_take(&w, NULL);
    struct ej_event ev = {.id = evid, .type = "identity.read", .at_ms = now,
                          .recorded_ms = now, .subject = id, .pack_id = "",
                          .pack_version = "", .rules = "[]", .body = body};
    rc = body ? ej_store_append(x->st, &ev, 1, NULL) : EJ_NOMEM;
    free(body);
    if (rc != EJ_OK) {
        /* No read without its record. */
        x->rc = rc;
        json_decref(data);
        return NULL;
    }
    x->reads++;
    return data;
}

static int row(const char *id, const struct ej_account *a, void *ctx)
{
    struct export *x = ctx;
    /* The current state seen from day T: an account that entered after T
     * is left out (not a full replay of the history). */
    if (!ej_anon_listed(&x->rule, a, x->day) || a->above_since > x->day)
        return 0;
    json_t *ident = x->o->identity ? read_identity(x, id) : NULL;
    if (x->rc != EJ_OK)
        return 1;
    char buf[160];
    bool is_null;
    if (x->o->csv) {
        char *line = malloc(LINE_MAX_BYTES);
        size_t o = 0;
        if (!line) {
            x->rc = EJ_NOMEM;
            json_decref(ident);
            return 1;
        }
        line[0] = '\0';
        for (size_t i = 0; i < x->n_fields; i++) {
            value_text(x, x->fields[i], id, a, buf, sizeof buf, &is_null);
            csv_cell(line, LINE_MAX_BYTES, &o, is_null ? "" : buf, i == 0);
        }
        if (x->o->identity)
            for (size_t i = 0; i < 4; i++) {
                json_t *v = json_object_get(ident, id_fields[i]);
                csv_cell(line, LINE_MAX_BYTES, &o,
                         json_is_string(v) ? json_string_value(v) : "",
                         false);
            }
        x->emit(line, o, x->ctx);
        free(line);
    } else {
        json_t *obj = json_object();
        for (size_t i = 0; i < x->n_fields; i++) {
            int f = x->fields[i];
            value_text(x, f, id, a, buf, sizeof buf, &is_null);
            json_t *v = is_null ? json_null()
                        : f == F_FOLLOWERS ? json_integer(a->followers)
                        : f == F_MEASURE   ? json_integer(a->measure)
                        : f == F_OVERDUE
                            ? json_boolean(strcmp(buf, "true") == 0)
                        : f == F_KZ_SHARE ? json_real(a->kz_share_pm / 1000.0)
                                          : json_string(buf);
            json_object_set_new(obj, field_names[f], v);
        }
        if (x->o->identity)
            for (size_t i = 0; i < 4; i++) {
                json_t *v = json_object_get(ident, id_fields[i]);
                json_object_set(obj, id_fields[i], v ? v : json_null());
            }
        char *text = json_dumps(obj, JSON_COMPACT);
        json_decref(obj);
        if (!text) {
            x->rc = EJ_NOMEM;
            json_decref(ident);
            return 1;
        }
        x->emit(text, strlen(text), x->ctx);
        free(text);
    }
    json_decref(ident);
    x->rows++;
    return 0;
}

enum ej_err registry_export(struct ej_store *st, const struct ej_policy *p,
                            const struct registry_opts *o,
                            void (*emit)(const char *, size_t, void *),
                            void *ctx, char *why, size_t why_cap,
                            size_t *rows)
{
    struct export x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.st = st;
    x.emit = emit;
    x.ctx = ctx;
    const struct ej_pack *pack = NULL;
    bool have = false;
    for (size_t i = 0; !have && i < ej_policy_pack_count(p); i++) {
        pack = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(pack); j++)
            if (ej_anon_rule_from(ej_pack_rule(pack, j), pack, &x.rule) ==
                EJ_OK) {
                have = true;
                break;
            }
    }
    if (!have) {
        snprintf(why, why_cap, "no follower_threshold rule in the packs");
        return EJ_INVALID;
    }
    struct ej_date d;
    if (ej_tz_local_date(ej_pack_tz(p, pack), o->at_ms, &d) != EJ_OK) {
        snprintf(why, why_cap, "the instant is out of range");
        return EJ_INVALID;
    }
    x.day = (int32_t)ej_date_to_days(d);
    const struct ej_value *rf = ej_rule_param(x.rule.rule, "registry_fields");
    for (size_t i = 0; rf && i < rf->u.list.n && x.n_fields < 32; i++) {
        const char *name = rf->u.list.items[i].u.s;
        int f = -1;
        for (int k = 0; k < F_N; k++)
            if (strcmp(field_names[k], name) == 0)
                f = k;
        if (f < 0) {
            snprintf(why, why_cap,
                     "the pack asks for field '%s', which ereje does not "
                     "know (known: account, followers, measure, kz_share, "
                     "case_state, overdue, deadline, opened_at, "
                     "identity_status, listed_since)",
                     name);
            return EJ_INVALID;
        }
        x.fields[x.n_fields++] = f;
    }
    if (o->csv) {
        char line[1024];
        size_t n = 0;
        line[0] = '\0';
        for (size_t i = 0; i < x.n_fields; i++)
            csv_cell(line, sizeof line, &n, field_names[x.fields[i]], i == 0);
        if (o->identity)
            for (size_t i = 0; i < 4; i++)
                csv_cell(line, sizeof line, &n, id_fields[i], false);
        emit(line, n, ctx);
    }
    /* One write transaction: the ingests' deltas applied (store.h) and the
     * accounts read in one snapshot; identity reads are recorded in it,
     * so they commit only if the whole export succeeds. */
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    enum ej_err rc = ops->begin(st);
    if (rc != EJ_OK)
        return rc;
    rc = ops->acc_sync(st);
    if (rc == EJ_OK)
        rc = ops->accounts_scan(st, true, row, &x);
    if (rc == EJ_OK)
        rc = x.rc;
    if (rc == EJ_OK)
        rc = ops->commit(st);
    else
        ops->rollback(st);
    if (rc == EJ_INVALID && x.rc == EJ_INVALID)
        snprintf(why, why_cap, "identity data does not open with this key "
                               "(wrong key, or the data was altered)");
    if (rows)
        *rows = x.rows;
    return rc;
}
