/* orders.c: see orders.h. */
#include "orders.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

static bool refuse(struct order_error *e, const char *code, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
static bool refuse(struct order_error *e, const char *code, const char *fmt,
                   ...)
{
    va_list ap;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return false;
}

static bool field_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= ORDER_FIELD_MAX && jw_utf8_valid(s);
}

/* The taxonomy rule: is basis one of its categories? */
static bool basis_known(const struct ej_policy *p, const char *basis,
                        const struct ej_rule **rule)
{
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            if (strcmp(ej_rule_kind(r), "unlawful_content") != 0)
                continue;
            const struct ej_value *c = ej_rule_param(r, "categories");
            for (size_t m = 0; c && m < c->u.list.n; m++)
                if (strcmp(c->u.list.items[m].u.s, basis) == 0) {
                    *rule = r;
                    return true;
                }
        }
    }
    return false;
}

static enum ej_err log_event(struct ej_store *st, const char *id,
                             const char *type, int64_t at_ms, int64_t now_ms,
                             const char *subject,
                             const struct ej_order_rules *rules,
                             struct jw *body)
{
    struct jw rw;
    jw_init(&rw, 1024);
    jw_arr(&rw);
    jw_strv(&rw, ej_rule_id(rules->consider_rule));
    if (rules->has_effect && rules->effect_rule != rules->consider_rule)
        jw_strv(&rw, ej_rule_id(rules->effect_rule));
    jw_end_arr(&rw);
    char *b = jw_take(body, NULL), *r = jw_take(&rw, NULL);
    enum ej_err rc = EJ_NOMEM;
    if (b && r) {
        struct ej_event ev = {
            .id = id, .type = type, .at_ms = at_ms, .recorded_ms = now_ms,
            .subject = subject, .pack_id = ej_pack_id(rules->consider_pack),
            .pack_version = ej_pack_version(rules->consider_pack),
            .rules = r, .body = b};
        rc = ej_store_append(st, &ev, 1, NULL);
    }
    free(b);
    free(r);
    return rc;
}

static void put_instant(struct jw *w, const char *key, int64_t ms)
{
    char buf[EJ_INSTANT_TEXT_MAX];
    jw_key(w, key);
    if (ms && ej_instant_format(ms, 0, buf) == EJ_OK)
        jw_str(w, buf);
    else
        jw_null(w);
}

void order_json(struct jw *w, const struct ej_order_rules *rules,
                const struct ej_order_row *r, int64_t now_ms)
{
    const struct ej_order *o = &r->order;
    int64_t cdue = 0, edue = 0;
    ej_order_dues(o, now_ms, &cdue, &edue);
    jw_obj(w);
    jw_kstr(w, "id", r->id);
    jw_kstr(w, "issuer", r->issuer);
    jw_kstr(w, "number", r->number);
    jw_kstr(w, "basis", r->basis);
    jw_kstr(w, "action", r->action);
    json_t *t = json_loads(r->targets, 0, NULL);
    jw_key(w, "targets");
    jw_arr(w);
    for (size_t i = 0; json_is_array(t) && i < json_array_size(t); i++)
        jw_str(w, json_string_value(json_array_get(t, i)));
    jw_end_arr(w);
    json_decref(t);
    jw_kstrv(w, "state", ej_order_state_name(o->state));
    put_instant(w, "received_at", o->received_ms);
    put_instant(w, "acknowledged_at", r->acked_ms);
    put_instant(w, "consider_due", cdue);
    bool effect = o->has_effect && rules->has_effect;
    put_instant(w, "effect_due", effect ? edue : 0);
    jw_key(w, "effect_mode");
    if (effect)
        jw_str(w, ej_mode_name(rules->effect_mode));
    else
        jw_null(w);
    jw_key(w, "overdue");
    jw_bool(w, ej_order_overdue(rules, o, now_ms));
    jw_kint(w, "paused_s",
            (o->consider.paused_ms +
             (o->consider.paused && now_ms > o->consider.paused_since_ms
                  ? now_ms - o->consider.paused_since_ms
                  : 0)) /
                1000);
    if (o->state == EJ_ORDER_CLOSED) {
        put_instant(w, "closed_at", o->closed_ms);
        jw_kstr(w, "closed_with", r->close_action);
        json_t *ev = json_loads(r->evidence, 0, NULL);
        jw_key(w, "evidence");
        jw_obj(w);
        const char *k;
        json_t *v;
        json_object_foreach(ev, k, v)
        {
            jw_key(w, k);
            if (json_is_string(v)) {
                jw_str(w, json_string_value(v));
            } else if (json_is_array(v)) { /* fingerprints: strings */
                jw_arr(w);
                size_t i;
                json_t *e;
                json_array_foreach(v, i, e)
                {
                    if (json_is_string(e))
                        jw_str(w, json_string_value(e));
                }
                jw_end_arr(w);
            } else {
                jw_null(w);
            }
        }
        jw_end_obj(w);
        json_decref(ev);
    }
    jw_end_obj(w);
}

static enum ej_err zone(const struct ej_policy *p,
                        const struct ej_order_rules *r,
                        const struct ej_tz **tz,
                        const struct ej_calendar **cal)
{
    *tz = ej_pack_tz(p, r->consider_pack);
    *cal = ej_pack_calendar(r->consider_pack);
    return *tz ? EJ_OK : EJ_INVALID;
}

enum ej_err orders_add(struct ej_store *st, const struct ej_policy *p,
                       const struct order_input *in, int64_t now_ms,
                       struct ej_order_row *out, bool *existed,
                       struct order_error *err)
{
    struct ej_order_rules rules;
    const struct ej_rule *tax = NULL;
    enum ej_order_action act;
    *existed = false;
    memset(out, 0, sizeof *out);
    if (!field_ok(in->issuer) || !field_ok(in->number))
        return refuse(err, "FIELD_MISSING", "issuer and number are required "
                                            "(1 to %d bytes of UTF-8)",
                      ORDER_FIELD_MAX),
               EJ_INVALID;
    if (!in->basis || !basis_known(p, in->basis, &tax))
        return refuse(err, "UNKNOWN_BASIS",
                      "basis '%.64s' is not a category of the pack's "
                      "unlawful_content taxonomy (ereje policy list)",
                      in->basis ? in->basis : ""),
               EJ_INVALID;
    if (!in->action || !ej_order_action_parse(in->action, &act))
        return refuse(err, "FIELD_VALUE", "action must be remove, "
                                          "restrict_kz or suspend_account_kz"),
               EJ_INVALID;
    if (in->n_targets == 0)
        return refuse(err, "NO_TARGETS", "an order names at least one "
                                         "target (content id, URL, account)"),
               EJ_INVALID;
    if (in->n_targets > ORDER_MAX_TARGETS)
        return refuse(err, "FIELD_VALUE", "at most %d targets",
                      ORDER_MAX_TARGETS),
               EJ_INVALID;
    for (size_t i = 0; i < in->n_targets; i++)
        if (!field_ok(in->targets[i]))
            return refuse(err, "FIELD_VALUE", "a target is empty, longer "
                                              "than %d bytes, or not UTF-8",
                          ORDER_FIELD_MAX),
                   EJ_INVALID;
    if (ej_order_rules_from(p, &rules) != EJ_OK)
        return refuse(err, "NO_RULE", "no authority_request rule in the "
                                      "packs"),
               EJ_INVALID;
    const struct ej_tz *tz;
    const struct ej_calendar *cal;
    if (zone(p, &rules, &tz, &cal) != EJ_OK)
        return refuse(err, "NO_RULE", "the pack's time zone is not loaded"),
               EJ_INVALID;

    /* The id names the order by its issuer and number: the same order
     * sent twice is one order. */
    unsigned char h[12];
    crypto_generichash_state hs;
    crypto_generichash_init(&hs, NULL, 0, sizeof h);
    crypto_generichash_update(&hs, (const unsigned char *)in->issuer,
                              strlen(in->issuer) + 1);
    crypto_generichash_update(&hs, (const unsigned char *)in->number,
                              strlen(in->number));
    crypto_generichash_final(&hs, h, sizeof h);
    char id[32] = "ord_";
    sodium_bin2hex(id + 4, sizeof id - 4, h, sizeof h);

    const struct ej_store_ops *ops = ej_store_ops_of(st);
    enum ej_err rc = ops->begin(st);
    if (rc != EJ_OK)
        return rc;
    rc = ops->order_get(st, id, out);
    if (rc == EJ_OK) {
        ops->rollback(st);
        *existed = true;
        return EJ_OK;
    }
    if (rc != EJ_NOT_FOUND)
        goto fail;
    memset(out, 0, sizeof *out);
    rc = ej_order_open(&rules, in->received_ms, tz, cal, &out->order);
    if (rc != EJ_OK) {
        refuse(err, ej_errname(rc), "the clocks cannot be computed: %s",
               ej_strerror(rc));
        ops->rollback(st);
        return EJ_INVALID;
    }
    /* An order whose receipt or deadlines cannot be written as dates
     * (before 0001 or after 9999 in UTC) would be stored with null times
     * and never fall due: refused. */
    int64_t cdue, edue;
    char tb[EJ_INSTANT_TEXT_MAX];
    if (ej_order_dues(&out->order, in->received_ms, &cdue, &edue) != EJ_OK ||
        ej_instant_format(in->received_ms, 0, tb) != EJ_OK ||
        ej_instant_format(cdue, 0, tb) != EJ_OK ||
        (out->order.has_effect && ej_instant_format(edue, 0, tb) != EJ_OK)) {
        refuse(err, "RANGE", "%s",
               "received_at: the receipt or its deadlines fall outside the "
               "years 0001-9999 (UTC)");
        ops->rollback(st);
        return EJ_INVALID;
    }
    json_t *ta = json_array();
    for (size_t i = 0; i < in->n_targets; i++)
        json_array_append_new(ta, json_string(in->targets[i]));
    out->targets = json_dumps(ta, JSON_COMPACT);
    json_decref(ta);
    out->id = strdup(id);
    out->issuer = strdup(in->issuer);
    out->number = strdup(in->number);
    out->basis = strdup(in->basis);
    out->action = strdup(in->action);
    out->close_action = strdup("");
    out->evidence = strdup("");
    out->acked_ms = now_ms; /* the automatic acknowledgement of receipt */
    rc = EJ_NOMEM;
    if (!out->targets || !out->id || !out->issuer || !out->number ||
        !out->basis || !out->action || !out->close_action || !out->evidence)
        goto fail;
    rc = ops->order_put(st, out);
    if (rc != EJ_OK)
        goto fail;
    struct jw w;
    jw_init(&w, 1 << 20);
    order_json(&w, &rules, out, now_ms);
    char evid[64];
    snprintf(evid, sizeof evid, "%s#received", id);
    rc = log_event(st, evid, "order.received", in->received_ms, now_ms, id,
                   &rules, &w);
    if (rc != EJ_OK)
        goto fail;
    rc = ops->commit(st);
    if (rc == EJ_OK)
        return EJ_OK;
fail:
    ops->rollback(st);
    ej_order_row_free(out);
    return rc;
}

/* The fingerprints of closed content into the store (same transaction);
 * their kinds are listed in kinds. */
static enum ej_err add_fingerprints(struct ej_store *st, const char *id,
                                    const struct order_close *c,
                                    int64_t now_ms, json_t *kinds)
{
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    struct ej_fp_row r;
    enum ej_err rc = EJ_OK;
    memset(&r, 0, sizeof r);
    snprintf(r.order_id, sizeof r.order_id, "%s", id);
    r.added_ms = now_ms;
    unsigned char snap[EJ_HASH_LEN] = {0};
    if (c->snapshot_hash) {
        r.kind = EJ_FP_SHA256;
        sodium_hex2bin(snap, sizeof snap, c->snapshot_hash, 64, NULL, NULL,
                       NULL);
        memcpy(r.digest, snap, sizeof snap);
        rc = ops->fp_add(st, &r);
        json_array_append_new(kinds, json_string("snapshot_sha256"));
    }
    if (rc == EJ_OK && c->media_sha256) {
        r.kind = EJ_FP_SHA256;
        memcpy(r.digest, c->media_sha256, EJ_HASH_LEN);
        rc = ops->fp_add(st, &r);
        json_array_append_new(kinds, json_string("media_sha256"));
    }
    if (rc == EJ_OK && c->media_pdq) {
        r.kind = EJ_FP_PDQ;
        memcpy(r.digest, c->media_pdq, EJ_PDQ_BYTES);
        rc = ops->fp_add(st, &r);
        json_array_append_new(kinds, json_string("media_pdq"));
    }
    if (rc == EJ_OK && c->content_text && c->content_len > 0) {
        unsigned char d[EJ_HASH_LEN];
        crypto_hash_sha256(d, (const unsigned char *)c->content_text,
                           c->content_len);
        if (!c->snapshot_hash || memcmp(d, snap, sizeof d) != 0) {
            r.kind = EJ_FP_SHA256;
            memcpy(r.digest, d, sizeof d);
            rc = ops->fp_add(st, &r);
            json_array_append_new(kinds, json_string("text_sha256"));
        }
        uint64_t f;
        /* too short or not UTF-8: no text fingerprint, the digest stays */
        if (rc == EJ_OK &&
            ej_textfp(c->content_text, c->content_len, &f) == EJ_OK) {
            r.kind = EJ_FP_TEXT;
            r.simhash = f;
            rc = ops->fp_add(st, &r);
            json_array_append_new(kinds, json_string("text_simhash"));
        }
    }
    return rc;
}

enum ej_err orders_change(struct ej_store *st, const struct ej_policy *p,
                          const char *id, enum order_op op, int64_t at_ms,
                          const struct order_close *c, int64_t now_ms,
                          struct ej_order_row *out, struct order_error *err)
{
    struct ej_order_rules rules;
    enum ej_order_action act;
    memset(out, 0, sizeof *out);
    if (op == ORDER_CLOSE) {
        if (!c || !c->evidence || !*c->evidence)
            return refuse(err, "EVIDENCE_REQUIRED",
                          "an order closes only with evidence of what was "
                          "done"),
                   EJ_INVALID;
        if (!c->action || !ej_order_action_parse(c->action, &act))
            return refuse(err, "FIELD_VALUE",
                          "the action taken must be remove, restrict_kz or "
                          "suspend_account_kz"),
                   EJ_INVALID;
        if (strlen(c->evidence) > 4096 || !jw_utf8_valid(c->evidence))
            return refuse(err, "FIELD_VALUE", "evidence is at most 4096 "
                                              "bytes of UTF-8"),
                   EJ_INVALID;
        if (c->by && (!field_ok(c->by)))
            return refuse(err, "FIELD_VALUE", "by is 1 to %d bytes of UTF-8",
                          ORDER_FIELD_MAX),
                   EJ_INVALID;
        if (c->content_text &&
            (c->content_len > ORDER_CONTENT_MAX ||
             memchr(c->content_text, 0, c->content_len)))
            return refuse(err, "FIELD_VALUE", "content_text is at most "
                                              "65536 bytes of UTF-8"),
                   EJ_INVALID;
        if (c->snapshot_hash) {
            size_t n = strlen(c->snapshot_hash);
            bool hex = n == 64;
            for (size_t i = 0; hex && i < n; i++)
                hex = strchr("0123456789abcdef", c->snapshot_hash[i]) != NULL;
            if (!hex)
                return refuse(err, "FIELD_VALUE",
                              "snapshot_hash is 64 lower-case hex digits "
                              "(SHA-256 of the content)"),
                       EJ_INVALID;
        }
    }
    if (ej_order_rules_from(p, &rules) != EJ_OK)
        return refuse(err, "NO_RULE", "no authority_request rule in the "
                                      "packs"),
               EJ_INVALID;
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    enum ej_err rc = ops->begin(st);
    if (rc != EJ_OK)
        return rc;
    rc = ops->order_get(st, id, out);
    if (rc != EJ_OK) {
        ops->rollback(st);
        return rc;
    }
    const char *type;
    switch (op) {
    case ORDER_PAUSE:
        rc = ej_order_pause(&rules, &out->order, at_ms);
        type = "order.clarification_asked";
        break;
    case ORDER_RESUME:
        rc = ej_order_resume(&out->order, at_ms);
        type = "order.clarification_received";
        break;
    default:
        rc = ej_order_close(&out->order, at_ms);
        type = "order.closed";
        break;
    }
    if (rc != EJ_OK) {
        refuse(err, "ORDER_STATE",
               "the order is %s%s; times must not go back",
               ej_order_state_name(out->order.state),
               op == ORDER_RESUME ? " (no clarification is awaited)" : "");
        ops->rollback(st);
        ej_order_row_free(out);
        return EJ_INVALID;
    }
    if (op == ORDER_CLOSE) {
        json_t *ev = json_pack("{s:s,s:s}", "text", c->evidence, "by",
                               c->by ? c->by : "");
        if (c->snapshot_hash)
            json_object_set_new(ev, "snapshot_hash",
                                json_string(c->snapshot_hash));
        char hex[2 * EJ_HASH_LEN + 1];
        if (c->media_sha256) {
            sodium_bin2hex(hex, sizeof hex, c->media_sha256, EJ_HASH_LEN);
            json_object_set_new(ev, "media_sha256", json_string(hex));
        }
        if (c->media_pdq) {
            sodium_bin2hex(hex, sizeof hex, c->media_pdq, EJ_PDQ_BYTES);
            json_object_set_new(ev, "media_pdq", json_string(hex));
        }
        if (c->media_note && *c->media_note)
            json_object_set_new(ev, "media_note",
                                json_string(c->media_note));
        /* Removed content is fingerprinted against re-uploads. */
        if (act == EJ_OACT_REMOVE || act == EJ_OACT_RESTRICT_KZ) {
            json_t *kinds = json_array();
            rc = add_fingerprints(st, id, c, now_ms, kinds);
            if (json_array_size(kinds))
                json_object_set_new(ev, "fingerprints", kinds);
            else
                json_decref(kinds);
            if (rc != EJ_OK) {
                json_decref(ev);
                goto fail;
            }
        }
        char at[EJ_INSTANT_TEXT_MAX];
        ej_instant_format(at_ms, 0, at);
        json_object_set_new(ev, "at", json_string(at));
        free(out->evidence);
        free(out->close_action);
        out->evidence = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
        out->close_action = strdup(c->action);
        json_decref(ev);
        if (!out->evidence || !out->close_action) {
            rc = EJ_NOMEM;
            goto fail;
        }
    }
    rc = ops->order_put(st, out);
    if (rc != EJ_OK)
        goto fail;
    struct jw w;
    jw_init(&w, 1 << 20);
    order_json(&w, &rules, out, at_ms);
    /* Several changes may share an instant: a random suffix keeps each
     * its own log entry. */
    char evid[128], rnd[17];
    unsigned char rb[8];
    randombytes_buf(rb, sizeof rb);
    sodium_bin2hex(rnd, sizeof rnd, rb, sizeof rb);
    snprintf(evid, sizeof evid, "%s#%s#%lld#%s", id, type + 6,
             (long long)at_ms, rnd);
    rc = log_event(st, evid, type, at_ms, now_ms, id, &rules, &w);
    if (rc != EJ_OK)
        goto fail;
    rc = ops->commit(st);
    if (rc == EJ_OK)
        return EJ_OK;
fail:
    ops->rollback(st);
    ej_order_row_free(out);
    return rc;
}

struct sweep_ctx {
    struct ej_order_row *rows;
    size_t n, cap;
    int64_t now_ms;
    const struct ej_order_rules *rules;
    bool oom;
};

static int collect(const struct ej_order_row *r, void *vctx)
{
    struct sweep_ctx *c = vctx;
    struct ej_order_alert a[1];
    if (ej_order_alerts(c->rules, &r->order, c->now_ms, a, 1) == 0)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct ej_order_row *v = realloc(c->rows, cap * sizeof *v);
        if (!v) {
            c->oom = true;
            return 1;
        }
        c->rows = v;
        c->cap = cap;
    }
    struct ej_order_row *d = &c->rows[c->n];
    *d = *r;
    d->id = strdup(r->id);
    d->issuer = strdup(r->issuer);
    d->number = strdup(r->number);
    d->basis = strdup(r->basis);
    d->action = strdup(r->action);
    d->targets = strdup(r->targets);
    d->close_action = strdup(r->close_action);
    d->evidence = strdup(r->evidence);
    c->n++;
    if (!d->id || !d->issuer || !d->number || !d->basis || !d->action ||
        !d->targets || !d->close_action || !d->evidence) {
        c->oom = true;
        return 1;
    }
    return 0;
}

enum ej_err orders_sweep(struct ej_store *st, const struct ej_policy *p,
                         int64_t now_ms, size_t *alerts, size_t *breaches)
{
    struct ej_order_rules rules;
    *alerts = *breaches = 0;
    if (ej_order_rules_from(p, &rules) != EJ_OK)
        return EJ_OK;
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    struct sweep_ctx c = {NULL, 0, 0, now_ms, &rules, false};
    enum ej_err rc = ops->begin(st);
    if (rc != EJ_OK)
        return rc;
    rc = ops->orders_scan(st, collect, &c);
    if (rc == EJ_OK && c.oom)
        rc = EJ_NOMEM;
    for (size_t i = 0; rc == EJ_OK && i < c.n; i++) {
        struct ej_order_row *r = &c.rows[i];
        struct ej_order_alert a[2 * (EJ_ORDER_MAX_ALERTS + 1)];
        size_t n = ej_order_alerts(&rules, &r->order, now_ms, a,
                                   sizeof a / sizeof *a);
        for (size_t k = 0; rc == EJ_OK && k < n; k++) {
            struct jw w;
            char evid[96], dur[EJ_DURATION_TEXT_MAX] = "";
            jw_init(&w, 4096);
            jw_obj(&w);
            jw_kstr(&w, "order", r->id);
            jw_kstrv(&w, "clock", a[k].effect ? "effect" : "consider");
            jw_kstrv(&w, "mode", a[k].shadow ? "shadow" : "enforce");
            put_instant(&w, "due",
                        a[k].breach ? a[k].at_ms
                                    : a[k].at_ms + ej_duration_ms(a[k].before));
            if (!a[k].breach) {
                ej_duration_format(a[k].before, dur);
                jw_kstr(&w, "before", dur);
            }
            jw_end_obj(&w);
            snprintf(evid, sizeof evid, "%s#%s#%u", r->id,
                     a[k].breach ? "breach" : "alert", a[k].bit);
            rc = log_event(st, evid, a[k].breach ? "order.breach"
                                                 : "order.alert",
                           a[k].at_ms, now_ms, r->id, &rules, &w);
            r->order.emitted |= a[k].bit;
            if (a[k].breach && !a[k].shadow)
                (*breaches)++;
            else
                (*alerts)++;
        }
        if (rc == EJ_OK)
            rc = ops->order_put(st, r);
    }
    for (size_t i = 0; i < c.n; i++)
        ej_order_row_free(&c.rows[i]);
    free(c.rows);
    if (rc != EJ_OK) {
        ops->rollback(st);
        *alerts = *breaches = 0;
        return rc;
    }
    return ops->commit(st);
}
