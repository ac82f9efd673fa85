/* complaints.c: see complaints.h. */
#include "complaints.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static enum ej_err refuse(struct order_error *e, const char *code,
                          const char *msg)
{
    e->code = code;
    snprintf(e->message, sizeof e->message, "%s", msg);
    return EJ_INVALID;
}

/* The first rule of a kind that is not off. */
static const struct ej_rule *rule_of(const struct ej_policy *p,
                                     const char *kind,
                                     const struct ej_pack **pk)
{
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            if (strcmp(ej_rule_kind(r), kind) == 0 &&
                ej_rule_mode(p, r) != EJ_MODE_OFF) {
                if (pk)
                    *pk = k;
                return r;
            }
        }
    }
    return NULL;
}

static bool in_list(const struct ej_rule *r, const char *param,
                    const char *s)
{
    const struct ej_value *v = r ? ej_rule_param(r, param) : NULL;
    for (size_t i = 0; v && v->type == EJ_VAL_LIST && i < v->u.list.n; i++)
        if (strcmp(v->u.list.items[i].u.s, s) == 0)
            return true;
    return false;
}

static bool text_ok(const char *s, size_t max)
{
    return s && *s && strlen(s) < max && jw_utf8_valid(s);
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

void complaint_json(struct jw *w, const struct ej_complaint_row *r,
                    int64_t now_ms)
{
    jw_obj(w);
    jw_kstr(w, "id", r->id);
    put_instant(w, "received_at", r->received_ms);
    jw_key(w, "acknowledged");
    jw_bool(w, true);
    jw_kstr(w, "category", r->category);
    jw_kstr(w, "target", r->target);
    jw_kstr(w, "reporter", r->reporter);
    put_instant(w, "decision_due", r->decide_due_ms);
    jw_key(w, "decision");
    if (r->decided_ms) {
        jw_obj(w);
        jw_kstr(w, "decision", r->decision);
        jw_kstr(w, "action", r->action);
        jw_kstr(w, "reason", r->reason);
        put_instant(w, "at", r->decided_ms);
        jw_end_obj(w);
    } else {
        jw_null(w);
    }
    jw_key(w, "urgent");
    if (r->urgent) {
        jw_obj(w);
        put_instant(w, "notify_due", r->notify_due_ms);
        put_instant(w, "notified_at", r->notified_ms);
        jw_kstr(w, "notified_to", r->notified_to);
        jw_kstr(w, "reference", r->notified_ref);
        jw_key(w, "overdue");
        jw_bool(w, !r->notified_ms && now_ms >= r->notify_due_ms);
        jw_end_obj(w);
    } else {
        jw_null(w);
    }
    jw_end_obj(w);
}

/* Append the complaint's event with the rules involved. */
static enum ej_err log_event(struct ej_store *st, const struct ej_policy *p,
                             const struct ej_complaint_row *r,
                             const char *type, int64_t at_ms, int64_t now_ms)
{
    const struct ej_pack *k = NULL, *ku = NULL;
    const struct ej_rule *ack = rule_of(p, "complaint_handling", &k);
    const struct ej_rule *urg =
        r->urgent ? rule_of(p, "urgent_notification", &ku) : NULL;
    struct jw w, rw;
    jw_init(&w, 1 << 16);
    jw_init(&rw, 1024);
    complaint_json(&w, r, at_ms);
    jw_arr(&rw);
    if (ack)
        jw_strv(&rw, ej_rule_id(ack));
    if (urg)
        jw_strv(&rw, ej_rule_id(urg));
    jw_end_arr(&rw);
    char *body = jw_take(&w, NULL), *rules = jw_take(&rw, NULL);
    char id[128];
    snprintf(id, sizeof id, "%s#%s#%lld", r->id, type + 10, (long long)at_ms);
    enum ej_err rc = EJ_NOMEM;
    if (body && rules) {
        struct ej_event ev = {
            .id = id, .type = type, .at_ms = at_ms, .recorded_ms = now_ms,
            .subject = r->id, .pack_id = k ? ej_pack_id(k) : "",
            .pack_version = k ? ej_pack_version(k) : "", .rules = rules,
            .body = body};
        rc = ej_store_append(st, &ev, 1, NULL);
    }
    free(body);
    free(rules);
    return rc;
}

/* Run fn's change to one complaint in a transaction with its event. */
static enum ej_err commit_change(struct ej_store *st,
                                 const struct ej_policy *p,
                                 const struct ej_complaint_row *r,
                                 const char *type, int64_t at_ms,
                                 int64_t now_ms)
{
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    enum ej_err rc = ops->begin(st);
    if (rc != EJ_OK)
        return rc;
    rc = ops->complaint_put(st, r);
    if (rc == EJ_OK)
        rc = log_event(st, p, r, type, at_ms, now_ms);
    if (rc != EJ_OK) {
        ops->rollback(st);
        return rc;
    }
    return ops->commit(st);
}

enum ej_err complaints_add(struct ej_store *st, const struct ej_policy *p,
                           const struct complaint_input *in, int64_t now_ms,
                           struct ej_complaint_row *out,
                           struct order_error *err)
{
    const struct ej_pack *k = NULL, *ku = NULL;
    const struct ej_rule *ack = rule_of(p, "complaint_handling", &k);
    const struct ej_rule *urg = rule_of(p, "urgent_notification", &ku);
    const struct ej_rule *tax = rule_of(p, "unlawful_content", NULL);
    if (!in->category || !text_ok(in->category, sizeof out->category))
        return refuse(err, "FIELD_MISSING", "category is required");
    bool urgent = in_list(urg, "categories", in->category);
    if (!urgent && strcmp(in->category, "other") != 0 &&
        !in_list(tax, "categories", in->category))
        return refuse(err, "UNKNOWN_CATEGORY",
                      "category must be a category of the unlawful_content "
                      "taxonomy, an urgent one (threat_to_life, "
                      "threat_to_safety) or other");
    if (!text_ok(in->target, sizeof out->target))
        return refuse(err, "FIELD_MISSING",
                      "target (the content or account) is required, at most "
                      "512 bytes");
    if (in->reporter && (strlen(in->reporter) >= sizeof out->reporter ||
                         !jw_utf8_valid(in->reporter)))
        return refuse(err, "FIELD_VALUE", "reporter is at most 512 bytes of "
                                          "UTF-8");
    if (!k)
        return refuse(err, "NO_RULE", "no complaint_handling rule in the "
                                      "packs");
    memset(out, 0, sizeof *out);
    unsigned char rnd[12];
    randombytes_buf(rnd, sizeof rnd);
    memcpy(out->id, "cmp_", 4);
    sodium_bin2hex(out->id + 4, sizeof out->id - 4, rnd, sizeof rnd);
    out->received_ms = now_ms;
    snprintf(out->category, sizeof out->category, "%s", in->category);
    snprintf(out->target, sizeof out->target, "%s", in->target);
    snprintf(out->reporter, sizeof out->reporter, "%s",
             in->reporter ? in->reporter : "");
    struct ej_duration d;
    const struct ej_tz *tz = ej_pack_tz(p, k);
    const struct ej_calendar *cal = ej_pack_calendar(k);
    struct ej_deadline dl;
    if (ack && ej_rule_param_duration(ack, "decide_within", &d) == EJ_OK &&
        ej_deadline_compute(now_ms, d, tz, cal, &dl) == EJ_OK)
        out->decide_due_ms = dl.due_ms;
    if (urgent) {
        out->urgent = true;
        if (ej_rule_param_duration(urg, "notify_within", &d) != EJ_OK ||
            ej_deadline_compute(now_ms, d, ej_pack_tz(p, ku),
                                ej_pack_calendar(ku), &dl) != EJ_OK)
            return refuse(err, "NO_RULE", "the notification deadline cannot "
                                          "be computed");
        out->notify_due_ms = dl.due_ms;
    }
    return commit_change(st, p, out, "complaint.received", now_ms, now_ms);
}

static const char *const actions[] = {"none", "remove", "restrict_kz",
                                      "suspend_account_kz", NULL};

enum ej_err complaints_decide(struct ej_store *st, const struct ej_policy *p,
                              const char *id, const char *decision,
                              const char *action, const char *reason,
                              int64_t at_ms, int64_t now_ms,
                              struct ej_complaint_row *out,
                              struct order_error *err)
{
    if (!decision || (strcmp(decision, "upheld") != 0 &&
                      strcmp(decision, "dismissed") != 0))
        return refuse(err, "FIELD_VALUE", "decision is upheld or dismissed");
    if (!text_ok(reason, sizeof out->reason))
        return refuse(err, "FIELD_MISSING",
                      "reason is required (at most 512 bytes): a decision "
                      "states why");
    bool known = false;
    for (size_t i = 0; action && actions[i]; i++)
        known |= strcmp(actions[i], action) == 0;
    if (action && !known)
        return refuse(err, "FIELD_VALUE", "action is none, remove, "
                                          "restrict_kz or suspend_account_kz");
    enum ej_err rc = ej_store_ops_of(st)->complaint_get(st, id, out);
    if (rc != EJ_OK)
        return rc;
    if (out->decided_ms)
        return refuse(err, "ALREADY_DECIDED", "the complaint is decided");
    if (at_ms < out->received_ms)
        return refuse(err, "TIME_RANGE", "decided before it was received");
    snprintf(out->decision, sizeof out->decision, "%s", decision);
    snprintf(out->action, sizeof out->action, "%s", action ? action : "none");
    snprintf(out->reason, sizeof out->reason, "%s", reason);
    out->decided_ms = at_ms;
    return commit_change(st, p, out, "complaint.decided", at_ms, now_ms);
}

enum ej_err complaints_notified(struct ej_store *st, const struct ej_policy *p,
                                const char *id, const char *to,
                                const char *reference, int64_t at_ms,
                                int64_t now_ms, struct ej_complaint_row *out,
                                struct order_error *err)
{
    if (!text_ok(to, sizeof out->notified_to))
        return refuse(err, "FIELD_MISSING",
                      "to (the law-enforcement body notified) is required");
    if (reference && (strlen(reference) >= sizeof out->notified_ref ||
                      !jw_utf8_valid(reference)))
        return refuse(err, "FIELD_VALUE", "reference is at most 512 bytes of "
                                          "UTF-8");
    enum ej_err rc = ej_store_ops_of(st)->complaint_get(st, id, out);
    if (rc != EJ_OK)
        return rc;
    if (!out->urgent)
        return refuse(err, "NOT_URGENT", "the complaint opened no "
                                         "notification task");
    if (out->notified_ms)
        return refuse(err, "ALREADY_NOTIFIED", "the notice is recorded");
    if (at_ms < out->received_ms)
        return refuse(err, "TIME_RANGE", "notified before it was received");
    snprintf(out->notified_to, sizeof out->notified_to, "%s", to);
    snprintf(out->notified_ref, sizeof out->notified_ref, "%s",
             reference ? reference : "");
    out->notified_ms = at_ms;
    return commit_change(st, p, out, "complaint.law_enforcement_notified",
                         at_ms, now_ms);
}
