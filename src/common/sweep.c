/* sweep.c: see sweep.h. */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jw.h"

#define MAX_PER_SWEEP 100000

struct collect {
    const struct ej_anon_rule *rule;
    int32_t day;           /* local day of now */
    size_t unknown;        /* open cases whose deadline is not known */
    int64_t now_ms;
    char **ids;
    size_t n, cap;
    bool oom;
};

static int collect(const char *id, const struct ej_account *a, void *ctx)
{
    struct collect *c = ctx;
    /* An account whose hysteresis has run out is no longer listed: its
     * case lapses with it and is not escalated. */
    if (!ej_anon_listed(c->rule, a, c->day))
        return 0;
    if ((a->case_state == EJ_CASE_OPENED || a->case_state == EJ_CASE_NOTIFIED ||
         a->case_state == EJ_CASE_REJECTED) &&
        a->case_due_ms == 0)
        c->unknown++;
    if (!ej_anon_overdue(a, c->now_ms) || (a->flags & EJ_ACC_ESCALATED))
        return 0;
    if (c->n == MAX_PER_SWEEP)
        return 1; /* the next sweep takes the rest */
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        char **v = realloc(c->ids, cap * sizeof *v);
        if (!v) {
            c->oom = true;
            return 1;
        }
        c->ids = v;
        c->cap = cap;
    }
    if (!(c->ids[c->n] = strdup(id))) {
        c->oom = true;
        return 1;
    }
    c->n++;
    return 0;
}

enum ej_err cases_sweep(struct ej_store *st, const struct ej_policy *p,
                        int64_t now_ms, int64_t recorded_ms,
                        size_t *escalated, size_t *unknown_out)
{
    if (unknown_out)
        *unknown_out = 0;
    struct ej_anon_rule rule;
    bool have = false;
    *escalated = 0;
    for (size_t i = 0; !have && i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++)
            if (ej_anon_rule_from(ej_pack_rule(k, j), k, &rule) == EJ_OK &&
                ej_rule_mode(p, ej_pack_rule(k, j)) != EJ_MODE_OFF) {
                have = true;
                break;
            }
    }
    if (!have)
        return EJ_OK;
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    struct collect c = {&rule, 0, 0, now_ms, NULL, 0, 0, false};
    struct ej_date today;
    const struct ej_tz *tz = ej_pack_tz(p, rule.pack);
    if (!tz || ej_tz_local_date(tz, now_ms, &today) != EJ_OK)
        return EJ_INVALID;
    c.day = (int32_t)ej_date_to_days(today);
    enum ej_err rc = ops->begin(st);
    if (rc != EJ_OK)
        return rc;
    /* It writes accounts itself: it takes them over from any ingest, which
     * brings the table up to date and tells the ingest its copy is stale
     * (store.h, account write-behind). */
    uint64_t gen;
    rc = ops->acc_own(st, &gen);
    if (rc == EJ_OK)
        rc = ops->accounts_scan(st, true, collect, &c);
    if (rc == EJ_OK && c.oom)
        rc = EJ_NOMEM;
    for (size_t i = 0; rc == EJ_OK && i < c.n; i++) {
        struct ej_account a;
        bool found;
        rc = ops->account_get(st, c.ids[i], &a, NULL, &found);
        if (rc != EJ_OK || !found)
            continue;
        a.flags |= EJ_ACC_ESCALATED;
        struct jw w, rw;
        char due[EJ_INSTANT_TEXT_MAX] = "";
        ej_instant_format(a.case_due_ms, 0, due);
        jw_init(&w, 4096);
        jw_init(&rw, 512);
        jw_obj(&w);
        jw_kstr(&w, "account", c.ids[i]);
        jw_kstrv(&w, "case_state",
                 ej_case_state_name((enum ej_case_state)a.case_state));
        jw_kstr(&w, "due", due);
        jw_kstrv(&w, "mode", ej_mode_name(ej_rule_mode(p, rule.rule)));
        jw_key(&w, "actions");
        jw_arr(&w);
        for (size_t k = 0; k < rule.n_escalation; k++)
            jw_strv(&w, rule.escalation[k]);
        jw_end_arr(&w);
        jw_end_obj(&w);
        jw_arr(&rw);
        jw_strv(&rw, ej_rule_id(rule.rule));
        jw_end_arr(&rw);
        char *body = jw_take(&w, NULL), *rules = jw_take(&rw, NULL);
        char id[200];
        /* One escalation per deadline: a rejection gives a new one. '#'
         * keeps the id out of the platform's namespace. */
        snprintf(id, sizeof id, "%s#escalated#%lld", c.ids[i],
                 (long long)a.case_due_ms);
        struct ej_event ev = {.id = id, .type = "case.escalated",
                              .at_ms = a.case_due_ms,
                              .recorded_ms = recorded_ms,
                              .subject = c.ids[i],
                              .pack_id = ej_pack_id(rule.pack),
                              .pack_version = ej_pack_version(rule.pack),
                              .rules = rules, .body = body};
        rc = body && rules ? ej_store_append(st, &ev, 1, NULL) : EJ_NOMEM;
        if (rc == EJ_OK)
            rc = ops->account_put(st, c.ids[i], &a, NULL);
        if (rc == EJ_OK)
            (*escalated)++;
        free(body);
        free(rules);
    }
    for (size_t i = 0; i < c.n; i++)
        free(c.ids[i]);
    free(c.ids);
    if (unknown_out)
        *unknown_out = c.unknown;
    if (rc != EJ_OK) {
        ops->rollback(st);
        *escalated = 0;
        return rc;
    }
    return ops->commit(st);
}
