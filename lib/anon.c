/* anon.c: the follower threshold, the registry of anonymous accounts and
 * the identification case lifecycle; the audience threshold. See anon.h. */
#include "internal.h"

_Static_assert(sizeof(struct ej_account) <= 64,
               "the hot account state must stay within 64 bytes");

enum ej_err ej_anon_rule_from(const struct ej_rule *r, const struct ej_pack *k,
                              struct ej_anon_rule *out)
{
    struct ej_anon_rule a;
    int64_t v;
    memset(&a, 0, sizeof a);
    if (strcmp(ej_rule_kind(r), "follower_threshold") != 0)
        return EJ_PARAM_TYPE;
    a.rule = r;
    a.pack = k;
    if (ej_rule_param_int(r, "threshold", &a.threshold) != EJ_OK ||
        ej_rule_param_int(r, "window_days", &v) != EJ_OK)
        return EJ_PARAM_NOT_FOUND;
    a.window_days = (int)v;
    if (ej_rule_param_int(r, "hysteresis_days", &v) != EJ_OK)
        return EJ_PARAM_NOT_FOUND;
    a.hysteresis_days = (int)v;
    if (ej_rule_param_duration(r, "identification_deadline", &a.deadline) !=
        EJ_OK)
        return EJ_PARAM_NOT_FOUND;
    const struct ej_value *c = ej_rule_param(r, "comparison");
    a.or_equal = c && strcmp(c->u.s, "greater_or_equal") == 0;
    const struct ej_value *m = ej_rule_param(r, "counting");
    a.counting = !m                         ? EJ_COUNT_CURRENT
                 : strcmp(m->u.s, "max") == 0     ? EJ_COUNT_MAX
                 : strcmp(m->u.s, "average") == 0 ? EJ_COUNT_AVERAGE
                                                  : EJ_COUNT_CURRENT;
    const struct ej_value *s = ej_rule_param(r, "min_kz_share");
    if (s && s->type == EJ_VAL_NUMBER) {
        a.has_min_kz_share = true;
        a.min_kz_share_pm = (uint16_t)(s->u.num * 1000 + 0.5);
    }
    const struct ej_value *e = ej_rule_param(r, "escalation");
    for (size_t i = 0; e && i < e->u.list.n && i < EJ_ANON_MAX_ESCALATIONS;
         i++)
        a.escalation[a.n_escalation++] = e->u.list.items[i].u.s;
    *out = a;
    return EJ_OK;
}

void ej_account_init(struct ej_account *a)
{
    memset(a, 0, sizeof *a);
    a->kz_share_pm = EJ_KZ_SHARE_UNKNOWN;
    a->below_since = -1;
}

bool ej_anon_above(const struct ej_anon_rule *r, uint32_t measure,
                   uint16_t kz_share_pm)
{
    bool over = r->or_equal ? (int64_t)measure >= r->threshold
                            : (int64_t)measure > r->threshold;
    if (over && r->has_min_kz_share && kz_share_pm != EJ_KZ_SHARE_UNKNOWN &&
        kz_share_pm < r->min_kz_share_pm)
        over = false;
    return over;
}

uint32_t ej_anon_measure(const struct ej_anon_rule *r, const uint32_t *daily,
                         size_t n)
{
    if (n == 0)
        return 0;
    switch (r->counting) {
    case EJ_COUNT_MAX: {
        uint32_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (daily[i] > m)
                m = daily[i];
        return m;
    }
    case EJ_COUNT_AVERAGE: {
        /* Rounded so that ej_anon_above compares the exact mean: for an
         * integer threshold T, mean > T exactly when ceil(mean) > T, and
         * mean >= T exactly when floor(mean) >= T. Rounding down for a
         * strict rule would keep {5000, 5001} (5000.5) below 5,000. */
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += daily[i];
        return (uint32_t)(r->or_equal ? sum / n : (sum + n - 1) / n);
    }
    case EJ_COUNT_CURRENT:
        break;
    }
    return daily[n - 1];
}

/* The deadline of a period starting at at_ms; 0 when the calendar does
 * not cover it yet (the case still opens: a missing holiday table must
 * not hide an account; the deadline is computed when the account is seen
 * again after the table is extended, and the sweep counts such cases). */
static enum ej_err due_of(const struct ej_anon_rule *r, int64_t at_ms,
                          const struct ej_tz *tz,
                          const struct ej_calendar *cal, int64_t *due)
{
    struct ej_deadline dl;
    enum ej_err rc = ej_deadline_compute(at_ms, r->deadline, tz, cal, &dl);
    if (rc == EJ_CALENDAR_RANGE) {
        *due = 0;
        return EJ_OK;
    }
    if (rc != EJ_OK)
        return rc;
    *due = dl.due_ms;
    return EJ_OK;
}

static enum ej_err open_case(const struct ej_anon_rule *r,
                             struct ej_account *a, int64_t at_ms,
                             const struct ej_tz *tz,
                             const struct ej_calendar *cal)
{
    int64_t due;
    enum ej_err rc = due_of(r, at_ms, tz, cal, &due);
    if (rc != EJ_OK)
        return rc;
    a->case_state = EJ_CASE_OPENED;
    a->case_opened_ms = at_ms;
    a->case_due_ms = due;
    a->flags &= (uint8_t)~EJ_ACC_ESCALATED;
    return EJ_OK;
}

static void leave(struct ej_account *a, enum ej_anon_change *out)
{
    if (a->flags & EJ_ACC_IN_REGISTRY)
        *out = EJ_ANON_LEFT;
    a->flags &= (uint8_t)~EJ_ACC_IN_REGISTRY;
    a->below_since = -1;
    if (a->case_state != EJ_CASE_NONE && a->case_state != EJ_CASE_VERIFIED)
        a->case_state = EJ_CASE_CLOSED;
    a->case_due_ms = 0;
}

enum ej_err ej_anon_observe(const struct ej_anon_rule *r, struct ej_account *a,
                            uint32_t measure, uint16_t kz_share_pm,
                            int64_t at_ms, int32_t day, const struct ej_tz *tz,
                            const struct ej_calendar *cal,
                            enum ej_anon_change *out)
{
    *out = EJ_ANON_NO_CHANGE;
    a->measure = measure;
    if (kz_share_pm != EJ_KZ_SHARE_UNKNOWN)
        a->kz_share_pm = kz_share_pm;
    if (at_ms > a->last_ms)
        a->last_ms = at_ms;
    if (a->flags & EJ_ACC_CLOSED || a->identity == EJ_ID_VERIFIED)
        return EJ_OK; /* not anonymous, or gone */
    bool above = ej_anon_above(r, measure, a->kz_share_pm);
    if (a->flags & EJ_ACC_IN_REGISTRY) {
        /* A deadline not known when the case opened (calendar too short)
         * is computed as soon as the calendar covers it. */
        if (a->case_due_ms == 0 &&
            (a->case_state == EJ_CASE_OPENED ||
             a->case_state == EJ_CASE_NOTIFIED)) {
            enum ej_err rc = due_of(r, a->case_opened_ms, tz, cal,
                                    &a->case_due_ms);
            if (rc != EJ_OK)
                return rc;
        }
        if (above) {
            a->below_since = -1;
        } else {
            if (a->below_since < 0)
                a->below_since = day;
            if (day - a->below_since >= r->hysteresis_days)
                leave(a, out);
        }
        return EJ_OK;
    }
    if (!above)
        return EJ_OK;
    enum ej_err rc = open_case(r, a, at_ms, tz, cal);
    if (rc != EJ_OK)
        return rc;
    a->flags |= EJ_ACC_IN_REGISTRY;
    a->above_since = day;
    a->below_since = -1;
    *out = EJ_ANON_ENTERED;
    return EJ_OK;
}

enum ej_err ej_anon_identity(const struct ej_anon_rule *r,
                             struct ej_account *a, enum ej_identity status,
                             int64_t at_ms, const struct ej_tz *tz,
                             const struct ej_calendar *cal,
                             enum ej_anon_change *out)
{
    *out = EJ_ANON_NO_CHANGE;
    if (status < EJ_ID_SUBMITTED || status > EJ_ID_REJECTED)
        return EJ_INVALID;
    a->identity = (uint8_t)status;
    if (at_ms > a->last_ms)
        a->last_ms = at_ms;
    bool open = a->case_state != EJ_CASE_NONE &&
                a->case_state != EJ_CASE_CLOSED &&
                a->case_state != EJ_CASE_VERIFIED;
    switch (status) {
    case EJ_ID_SUBMITTED:
        if (open)
            a->case_state = EJ_CASE_SUBMITTED;
        break;
    case EJ_ID_VERIFIED:
        if (a->case_state != EJ_CASE_NONE)
            a->case_state = EJ_CASE_VERIFIED;
        if (a->flags & EJ_ACC_IN_REGISTRY)
            *out = EJ_ANON_LEFT;
        a->flags &= (uint8_t)~EJ_ACC_IN_REGISTRY;
        a->below_since = -1;
        a->case_due_ms = 0;
        break;
    case EJ_ID_REJECTED:
        if (open) {
            int64_t due;
            enum ej_err rc = due_of(r, at_ms, tz, cal, &due);
            if (rc != EJ_OK)
                return rc;
            a->case_state = EJ_CASE_REJECTED;
            a->case_due_ms = due;
            a->flags &= (uint8_t)~EJ_ACC_ESCALATED;
        }
        break;
    default:
        break;
    }
    return EJ_OK;
}

enum ej_err ej_anon_notified(struct ej_account *a)
{
    if (a->case_state != EJ_CASE_OPENED)
        return EJ_INVALID;
    a->case_state = EJ_CASE_NOTIFIED;
    return EJ_OK;
}

void ej_anon_closed(struct ej_account *a, enum ej_anon_change *out)
{
    *out = EJ_ANON_NO_CHANGE;
    a->flags |= EJ_ACC_CLOSED;
    leave(a, out);
}

bool ej_anon_listed(const struct ej_anon_rule *r, const struct ej_account *a,
                    int32_t day)
{
    if (!(a->flags & EJ_ACC_IN_REGISTRY))
        return false;
    return a->below_since < 0 || day - a->below_since < r->hysteresis_days;
}

bool ej_anon_overdue(const struct ej_account *a, int64_t now_ms)
{
    return (a->case_state == EJ_CASE_OPENED ||
            a->case_state == EJ_CASE_NOTIFIED ||
            a->case_state == EJ_CASE_REJECTED) &&
           a->case_due_ms > 0 && now_ms >= a->case_due_ms;
}

const char *ej_case_state_name(enum ej_case_state s)
{
    static const char *const n[] = {"none",     "opened",   "notified",
                                    "submitted", "verified", "rejected",
                                    "closed"};
    return (unsigned)s < EJ_ARRAY_LEN(n) ? n[s] : "?";
}

static const char *const id_names[] = {"none", "submitted", "verified",
                                       "rejected"};

const char *ej_identity_name(enum ej_identity s)
{
    return (unsigned)s < EJ_ARRAY_LEN(id_names) ? id_names[s] : "?";
}

bool ej_identity_parse(const char *s, size_t len, enum ej_identity *out)
{
    for (size_t i = 1; i < EJ_ARRAY_LEN(id_names); i++)
        if (strlen(id_names[i]) == len && memcmp(id_names[i], s, len) == 0) {
            *out = (enum ej_identity)i;
            return true;
        }
    return false;
}

void ej_audience_evaluate(struct ej_audience_month *m, int64_t threshold,
                          bool or_equal)
{
    m->days_in_month = ej_date_month_days(m->year, m->month);
    m->complete = m->days_reported == m->days_in_month;
    m->average = m->days_reported ? m->sum / (uint64_t)m->days_reported : 0;
    /* Compare the sum, not the rounded average: 100,000.5 on average is
     * more than 100,000. */
    uint64_t bar = (uint64_t)(threshold < 0 ? 0 : threshold) *
                   (uint64_t)m->days_reported;
    m->exceeds = m->days_reported > 0 &&
                 (or_equal ? m->sum >= bar : m->sum > bar);
}
