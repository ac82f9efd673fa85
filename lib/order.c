/* order.c: clocks on orders about unlawful content; see order.h. */
#include "internal.h"

/* Alert bits: k < EJ_ORDER_MAX_ALERTS and the breach at 15, per clock. */
_Static_assert(EJ_ORDER_MAX_ALERTS <= 15, "alert bits must not collide");

static const struct ej_rule *find_kind(const struct ej_policy *p,
                                       const char *kind,
                                       const struct ej_pack **pk,
                                       bool need_effect)
{
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            if (strcmp(ej_rule_kind(r), kind) != 0 ||
                ej_rule_mode(p, r) == EJ_MODE_OFF)
                continue;
            if (need_effect) {
                const struct ej_value *v = ej_rule_param(r, "effect_within");
                if (!v || v->type != EJ_VAL_DURATION)
                    continue;
            }
            *pk = k;
            return r;
        }
    }
    return NULL;
}

enum ej_err ej_order_rules_from(const struct ej_policy *p,
                                struct ej_order_rules *out)
{
    struct ej_order_rules r;
    memset(&r, 0, sizeof r);
    r.consider_rule = find_kind(p, "authority_request", &r.consider_pack,
                                false);
    if (!r.consider_rule ||
        ej_rule_param_duration(r.consider_rule, "consider_within",
                               &r.consider_within) != EJ_OK)
        return EJ_NOT_FOUND;
    /* Optional; ereje's default (the pack's assumption) is to pause. */
    const struct ej_value *pc = ej_rule_param(r.consider_rule,
                                              "pause_on_clarification");
    r.pause_on_clarification = !pc || pc->type != EJ_VAL_BOOL || pc->u.b;
    const struct ej_value *al = ej_rule_param(r.consider_rule,
                                              "alerts_before");
    for (size_t i = 0; al && i < al->u.list.n && i < EJ_ORDER_MAX_ALERTS; i++)
        r.alerts[r.n_alerts++] = al->u.list.items[i].u.dur;
    /* The effect clock: the in-force rule if it sets one, else the
     * draft's order_compliance. */
    r.effect_rule = find_kind(p, "authority_request", &r.effect_pack, true);
    if (!r.effect_rule)
        r.effect_rule = find_kind(p, "order_compliance", &r.effect_pack,
                                  true);
    if (r.effect_rule &&
        ej_rule_param_duration(r.effect_rule, "effect_within",
                               &r.effect_within) == EJ_OK) {
        r.has_effect = true;
        r.effect_mode = ej_rule_mode(p, r.effect_rule);
    }
    *out = r;
    return EJ_OK;
}

enum ej_err ej_order_open(const struct ej_order_rules *r, int64_t received_ms,
                          const struct ej_tz *tz,
                          const struct ej_calendar *cal, struct ej_order *out)
{
    struct ej_order o;
    memset(&o, 0, sizeof o);
    o.state = EJ_ORDER_OPEN;
    o.received_ms = received_ms;
    enum ej_err rc = ej_clock_start(received_ms, r->consider_within, tz, cal,
                                    &o.consider);
    if (rc != EJ_OK)
        return rc;
    if (r->has_effect) {
        rc = ej_clock_start(received_ms, r->effect_within, tz, cal,
                            &o.effect);
        if (rc != EJ_OK)
            return rc;
        o.has_effect = true;
    }
    *out = o;
    return EJ_OK;
}

/* A pause of no length: the clock runs on, but at_ms becomes its last
 * event, so that later changes cannot go back before it. */
static enum ej_err touch(struct ej_clock *c, int64_t at_ms)
{
    enum ej_err rc = ej_clock_pause(c, at_ms);
    return rc == EJ_OK ? ej_clock_resume(c, at_ms) : rc;
}

/* Stop a clock for a clarification (stop), unless it has already run out:
 * a clarification asked after a deadline does not undo its breach. The
 * pause is ereje's assumption; the law counts from receipt. */
static enum ej_err pause_clock(bool stop, struct ej_clock *c, int64_t at_ms)
{
    int64_t due;
    if (stop && ej_clock_due(c, at_ms, &due) == EJ_OK && at_ms < due)
        return ej_clock_pause(c, at_ms);
    return touch(c, at_ms);
}

enum ej_err ej_order_pause(const struct ej_order_rules *r,
                           struct ej_order *o, int64_t at_ms)
{
    if (o->state != EJ_ORDER_OPEN)
        return EJ_INVALID;
    struct ej_order n = *o;
    bool stop = r->pause_on_clarification;
    if (pause_clock(stop, &n.consider, at_ms) != EJ_OK ||
        (n.has_effect && pause_clock(stop, &n.effect, at_ms) != EJ_OK))
        return EJ_INVALID;
    n.state = EJ_ORDER_CLARIFYING;
    *o = n;
    return EJ_OK;
}

enum ej_err ej_order_resume(struct ej_order *o, int64_t at_ms)
{
    if (o->state != EJ_ORDER_CLARIFYING)
        return EJ_INVALID;
    struct ej_order n = *o;
    /* Each clock was stopped at the pause, or ran on (a pack whose
     * pause_on_clarification is false, or a clock already run out). */
    enum ej_err rc = (n.consider.paused ? ej_clock_resume : touch)(
        &n.consider, at_ms);
    if (rc == EJ_OK && n.has_effect)
        rc = (n.effect.paused ? ej_clock_resume : touch)(&n.effect, at_ms);
    if (rc != EJ_OK)
        return rc;
    n.state = EJ_ORDER_OPEN;
    *o = n;
    return EJ_OK;
}

enum ej_err ej_order_close(struct ej_order *o, int64_t at_ms)
{
    /* Not before receipt, nor before the last pause or resume. */
    if (o->state == EJ_ORDER_CLOSED || at_ms < o->received_ms ||
        at_ms < o->consider.last_ms)
        return EJ_INVALID;
    /* Closed while clarifying: the clocks stop moving at the close. */
    if (o->state == EJ_ORDER_CLARIFYING && ej_order_resume(o, at_ms) != EJ_OK)
        return EJ_INVALID;
    o->state = EJ_ORDER_CLOSED;
    o->closed_ms = at_ms;
    return EJ_OK;
}

enum ej_err ej_order_dues(const struct ej_order *o, int64_t now_ms,
                          int64_t *consider_due, int64_t *effect_due)
{
    /* A clock's due is asked at its last event at least. */
    int64_t t1 = now_ms < o->consider.last_ms ? o->consider.last_ms : now_ms;
    enum ej_err rc = ej_clock_due(&o->consider, t1, consider_due);
    if (rc != EJ_OK)
        return rc;
    *effect_due = 0;
    if (o->has_effect) {
        int64_t t2 = now_ms < o->effect.last_ms ? o->effect.last_ms : now_ms;
        rc = ej_clock_due(&o->effect, t2, effect_due);
    }
    return rc;
}

static bool effect_enforced(const struct ej_order_rules *r,
                            const struct ej_order *o)
{
    return o->has_effect && r->has_effect &&
           r->effect_mode == EJ_MODE_ENFORCE;
}

bool ej_order_overdue(const struct ej_order_rules *r,
                      const struct ej_order *o, int64_t now_ms)
{
    int64_t c, e;
    if (o->state == EJ_ORDER_CLOSED || ej_order_dues(o, now_ms, &c, &e))
        return false;
    /* Past either enforced deadline: a missed consideration counts even
     * when the effect deadline is later. */
    return now_ms >= c || (effect_enforced(r, o) && now_ms >= e);
}

size_t ej_order_alerts(const struct ej_order_rules *r, const struct ej_order *o,
                       int64_t now_ms, struct ej_order_alert *out, size_t cap)
{
    int64_t dues[2];
    size_t n = 0;
    if (o->state == EJ_ORDER_CLOSED || cap == 0 ||
        ej_order_dues(o, now_ms, &dues[0], &dues[1]) != EJ_OK)
        return 0;
    /* Bits: clock c (0 consider, 1 effect) alert k -> c*16 + k; the
     * breach -> c*16 + 15. */
    for (int c = 0; c < 2; c++) {
        if (c == 1 && !(o->has_effect && r->has_effect))
            break;
        /* A stopped clock raises nothing; one that ran out before the
         * clarification was asked runs on (ej_order_pause). */
        if ((c == 0 ? &o->consider : &o->effect)->paused)
            continue;
        for (size_t k = 0; k <= r->n_alerts; k++) {
            bool breach = k == r->n_alerts;
            uint32_t bit = 1u << (c * 16 + (breach ? 15 : (int)k));
            int64_t at = breach ? dues[c]
                                : dues[c] - ej_duration_ms(r->alerts[k]);
            if (!breach && !ej_duration_is_exact(r->alerts[k]))
                continue;
            if ((o->emitted & bit) || at > now_ms || n == cap)
                continue;
            struct ej_order_alert a = {bit, breach, c == 1,
                                       c == 1 && !effect_enforced(r, o),
                                       breach ? (struct ej_duration){0, 0}
                                              : r->alerts[k],
                                       at};
            /* Keep the list ordered by time. */
            size_t i = n++;
            while (i > 0 && out[i - 1].at_ms > at) {
                out[i] = out[i - 1];
                i--;
            }
            out[i] = a;
        }
    }
    return n;
}

static const char *const actions[] = {"remove", "restrict_kz",
                                      "suspend_account_kz"};

const char *ej_order_action_name(enum ej_order_action a)
{
    return (unsigned)a < EJ_ARRAY_LEN(actions) ? actions[a] : "?";
}

bool ej_order_action_parse(const char *s, enum ej_order_action *out)
{
    for (size_t i = 0; i < EJ_ARRAY_LEN(actions); i++)
        if (strcmp(actions[i], s) == 0) {
            *out = (enum ej_order_action)i;
            return true;
        }
    return false;
}

const char *ej_order_state_name(enum ej_order_state s)
{
    return s == EJ_ORDER_OPEN ? "open"
           : s == EJ_ORDER_CLARIFYING ? "clarifying"
                                      : "closed";
}
