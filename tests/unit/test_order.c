/* test_order.c: the clocks of orders about unlawful content under the
 * shipped packs: 24 hours exact, pauses while a clarification is awaited,
 * alerts at 6 h and 1 h before, breaches at the deadline. */
#include "testutil.h"

#include <string.h>

struct fx {
    struct ej_policy *p;
    struct ej_order_rules r;
    const struct ej_tz *tz;
    const struct ej_calendar *cal;
};

static void setup(struct fx *f)
{
    f->p = tu_policy(NULL, 0);
    assert_int_equal(ej_order_rules_from(f->p, &f->r), EJ_OK);
    f->tz = ej_pack_tz(f->p, f->r.consider_pack);
    f->cal = ej_pack_calendar(f->r.consider_pack);
}

static char *iso(int64_t ms, char buf[EJ_INSTANT_TEXT_MAX])
{
    ej_instant_format(ms, 18000, buf);
    return buf;
}

static void rules_from_packs(void **state)
{
    (void)state;
    struct fx f;
    setup(&f);
    assert_string_equal(ej_rule_id(f.r.consider_rule),
                        "kz.18viii.authority_request");
    assert_int_equal(f.r.consider_within.count, 24);
    assert_int_equal(f.r.consider_within.unit, EJ_DUR_HOURS);
    /* The in-force rule sets no effect clock; the draft's does. */
    assert_true(f.r.has_effect);
    assert_string_equal(ej_rule_id(f.r.effect_rule),
                        "kz.draft.order_compliance");
    assert_int_equal(f.r.effect_mode, EJ_MODE_SHADOW);
    assert_int_equal(f.r.n_alerts, 2);
    ej_policy_free(f.p);
}

/* A shadow (draft) effect clock is computed and alerts, marked shadow, but
 * never makes an order overdue; enforced, it does. */
static void shadow_effect_is_advisory(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    struct ej_order_alert a[8];
    setup(&f);
    f.r.effect_within = (struct ej_duration){12, EJ_DUR_HOURS};
    int64_t rcv = tu_instant("2026-03-04T10:00:00+05:00");
    int64_t past_effect = tu_instant("2026-03-04T22:00:00+05:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    assert_false(ej_order_overdue(&f.r, &o, past_effect));
    size_t n = ej_order_alerts(&f.r, &o, past_effect, a, 8);
    size_t shadow_breaches = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(a[i].shadow == a[i].effect);
        shadow_breaches += a[i].shadow && a[i].breach;
    }
    assert_int_equal(shadow_breaches, 1);
    f.r.effect_mode = EJ_MODE_ENFORCE;
    assert_true(ej_order_overdue(&f.r, &o, past_effect));
    n = ej_order_alerts(&f.r, &o, past_effect, a, 8);
    for (size_t i = 0; i < n; i++)
        assert_false(a[i].shadow);
    ej_policy_free(f.p);
}

static void saturday_evening(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    char b[EJ_INSTANT_TEXT_MAX];
    int64_t c, e;
    setup(&f);
    /* Received Saturday 2026-11-28 21:30 local: due Sunday 21:30, no
     * shift to a working day. */
    int64_t rcv = tu_instant("2026-11-28T21:30:00+05:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    assert_int_equal(ej_order_dues(&o, rcv, &c, &e), EJ_OK);
    assert_string_equal(iso(c, b), "2026-11-29T21:30:00+05:00");
    assert_string_equal(iso(e, b), "2026-11-29T21:30:00+05:00");
    assert_false(ej_order_overdue(&f.r, &o, tu_instant("2026-11-29T21:29:59+05:00")));
    assert_true(ej_order_overdue(&f.r, &o, tu_instant("2026-11-29T21:30:00+05:00")));

    /* Alerts 6 h and 1 h before, then the breach, each once. */
    struct ej_order_alert a[8];
    size_t n = ej_order_alerts(&f.r, &o,
                               tu_instant("2026-11-29T15:29:59+05:00"), a, 8);
    assert_int_equal(n, 0);
    n = ej_order_alerts(&f.r, &o, tu_instant("2026-11-29T15:30:00+05:00"), a,
                        8);
    assert_int_equal(n, 2); /* both clocks' 6 h alerts */
    assert_false(a[0].breach);
    assert_int_equal(a[0].before.count, 6);
    for (size_t i = 0; i < n; i++)
        o.emitted |= a[i].bit;
    n = ej_order_alerts(&f.r, &o, tu_instant("2026-11-29T21:30:00+05:00"), a,
                        8);
    assert_int_equal(n, 4); /* 1 h alerts and breaches of both clocks */
    assert_true(a[2].breach && a[3].breach);
    assert_true(a[0].at_ms <= a[1].at_ms && a[1].at_ms <= a[2].at_ms);
    for (size_t i = 0; i < n; i++)
        o.emitted |= a[i].bit;
    assert_int_equal(ej_order_alerts(&f.r, &o,
                                     tu_instant("2026-12-01T00:00:00+05:00"),
                                     a, 8),
                     0);
    ej_policy_free(f.p);
}

static void pause_and_resume(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    char b[EJ_INSTANT_TEXT_MAX];
    int64_t c, e;
    struct ej_order_alert a[8];
    setup(&f);
    int64_t rcv = tu_instant("2026-03-20T10:00:00+05:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    assert_int_equal(ej_order_resume(&o, rcv), EJ_INVALID);
    assert_int_equal(ej_order_pause(&f.r, &o, tu_instant("2026-03-20T12:00:00+05:00")),
                     EJ_OK);
    assert_int_equal(ej_order_pause(&f.r, &o, tu_instant("2026-03-20T13:00:00+05:00")),
                     EJ_INVALID);
    /* While clarifying, nothing alerts and the due keeps moving. */
    int64_t later = tu_instant("2026-03-21T20:00:00+05:00");
    assert_int_equal(ej_order_alerts(&f.r, &o, later, a, 8), 0);
    assert_false(ej_order_overdue(&f.r, &o, tu_instant("2026-03-21T10:30:00+05:00")));
    /* The clarification comes 30 hours later: due moves by 30 hours. */
    assert_int_equal(ej_order_resume(&o, tu_instant("2026-03-21T18:00:00+05:00")),
                     EJ_OK);
    assert_int_equal(ej_order_dues(&o, later, &c, &e), EJ_OK);
    assert_string_equal(iso(c, b), "2026-03-22T16:00:00+05:00");
    assert_false(ej_order_overdue(&f.r, &o, tu_instant("2026-03-22T15:59:59+05:00")));
    assert_true(ej_order_overdue(&f.r, &o, tu_instant("2026-03-22T16:00:00+05:00")));
    /* Going back in time is refused. */
    assert_int_equal(ej_order_pause(&f.r, &o, tu_instant("2026-03-21T00:00:00+05:00")),
                     EJ_INVALID);
    assert_int_equal(ej_order_close(&o, tu_instant("2026-03-22T17:00:00+05:00")),
                     EJ_OK);
    assert_false(ej_order_overdue(&f.r, &o, tu_instant("2026-03-23T00:00:00+05:00")));
    assert_int_equal(ej_order_close(&o, tu_instant("2026-03-22T18:00:00+05:00")),
                     EJ_INVALID);
    ej_policy_free(f.p);
}

/* A pack that does not stop the clocks for a clarification: the order
 * awaits it, its deadlines stay where they were and alerts still come. */
static void clarification_without_pause(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    struct ej_order_alert a[8];
    int64_t c, e;
    char b[EJ_INSTANT_TEXT_MAX];
    setup(&f);
    assert_true(f.r.pause_on_clarification);
    f.r.pause_on_clarification = false;
    int64_t rcv = tu_instant("2026-03-20T10:00:00+05:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    assert_int_equal(ej_order_pause(&f.r, &o,
                                    tu_instant("2026-03-20T12:00:00+05:00")),
                     EJ_OK);
    assert_int_equal(o.state, EJ_ORDER_CLARIFYING);
    int64_t late = tu_instant("2026-03-21T10:00:00+05:00");
    assert_int_equal(ej_order_dues(&o, late, &c, &e), EJ_OK);
    assert_string_equal(iso(c, b), "2026-03-21T10:00:00+05:00");
    assert_true(ej_order_overdue(&f.r, &o, late));
    assert_true(ej_order_alerts(&f.r, &o, late, a, 8) > 0);
    /* Still no going back before the request for clarification. */
    assert_int_equal(ej_order_resume(&o, tu_instant("2026-03-20T11:00:00+05:00")),
                     EJ_INVALID);
    assert_int_equal(ej_order_resume(&o, tu_instant("2026-03-20T15:00:00+05:00")),
                     EJ_OK);
    assert_int_equal(ej_order_dues(&o, late, &c, &e), EJ_OK);
    assert_string_equal(iso(c, b), "2026-03-21T10:00:00+05:00");
    assert_int_equal(o.consider.paused_ms, 0);
    ej_policy_free(f.p);
}

static void close_while_clarifying(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    int64_t c1, e1, c2, e2;
    setup(&f);
    int64_t rcv = tu_instant("2026-03-04T10:00:00+05:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    assert_int_equal(ej_order_pause(&f.r, &o, tu_instant("2026-03-04T12:00:00+05:00")),
                     EJ_OK);
    /* Not before the pause. */
    assert_int_equal(ej_order_close(&o, tu_instant("2026-03-04T11:00:00+05:00")),
                     EJ_INVALID);
    assert_int_equal(ej_order_close(&o, tu_instant("2026-03-05T12:00:00+05:00")),
                     EJ_OK);
    /* Read a day and three months later: the dues no longer move. */
    assert_int_equal(ej_order_dues(&o, tu_instant("2026-03-06T00:00:00Z"), &c1,
                                   &e1),
                     EJ_OK);
    assert_int_equal(ej_order_dues(&o, tu_instant("2026-06-01T00:00:00Z"), &c2,
                                   &e2),
                     EJ_OK);
    assert_int_equal(c1, c2);
    assert_int_equal(e1, e2);
    char b[EJ_INSTANT_TEXT_MAX];
    assert_string_equal(iso(c1, b), "2026-03-06T10:00:00+05:00");
    ej_policy_free(f.p);
}

/* A clarification asked after the 24 hours ran out does not undo the
 * breach: the run-out clock runs on through the pause and the resume; a
 * clock still running (the longer effect clock) stops as usual. */
static void pause_after_deadline_keeps_breach(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    struct ej_order_alert a[8];
    int64_t c, e;
    char b[EJ_INSTANT_TEXT_MAX];
    setup(&f);
    f.r.has_effect = true;
    f.r.effect_within = (struct ej_duration){72, EJ_DUR_HOURS};
    f.r.effect_mode = EJ_MODE_ENFORCE;
    int64_t rcv = tu_instant("2026-11-20T20:00:00+05:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    int64_t late = tu_instant("2026-11-22T20:00:00+05:00");
    assert_true(ej_order_overdue(&f.r, &o, late));
    assert_int_equal(ej_order_pause(&f.r, &o, late), EJ_OK);
    assert_true(o.state == EJ_ORDER_CLARIFYING);
    assert_false(o.consider.paused);
    assert_true(o.effect.paused);
    int64_t later = tu_instant("2026-12-10T00:00:00+05:00");
    assert_true(ej_order_overdue(&f.r, &o, later));
    assert_int_equal(ej_order_resume(&o, tu_instant("2026-12-20T22:00:00+05:00")),
                     EJ_OK);
    assert_int_equal(ej_order_dues(&o, later, &c, &e), EJ_OK);
    assert_string_equal(iso(c, b), "2026-11-21T20:00:00+05:00");
    /* The effect clock stopped for the 28 days 2 hours of the pause. */
    assert_string_equal(iso(e, b), "2026-12-21T22:00:00+05:00");
    assert_true(ej_order_overdue(&f.r, &o, later));
    /* The consideration breach is still there to be reported. */
    size_t n = ej_order_alerts(&f.r, &o, later, a, 8);
    bool breach = false;
    for (size_t i = 0; i < n; i++)
        breach |= a[i].breach && !a[i].effect;
    assert_true(breach);
    ej_policy_free(f.p);
}

/* The reverse: an effect clock shorter than the consideration one has run
 * out when the clarification is asked. The consideration clock stops and
 * raises nothing; the effect breach is still reported. */
static void effect_breach_reported_while_clarifying(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    struct ej_order_alert a[8];
    setup(&f);
    f.r.consider_within = (struct ej_duration){72, EJ_DUR_HOURS};
    f.r.has_effect = true;
    f.r.effect_within = (struct ej_duration){24, EJ_DUR_HOURS};
    f.r.effect_mode = EJ_MODE_ENFORCE;
    f.r.n_alerts = 0;
    int64_t rcv = tu_instant("2026-11-20T20:00:00+05:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    assert_int_equal(ej_order_pause(&f.r, &o,
                                    tu_instant("2026-11-22T20:00:00+05:00")),
                     EJ_OK);
    assert_true(o.consider.paused);
    assert_false(o.effect.paused);
    int64_t later = tu_instant("2026-11-30T00:00:00+05:00");
    size_t n = ej_order_alerts(&f.r, &o, later, a, 8);
    assert_int_equal(n, 1);
    assert_true(a[0].breach && a[0].effect);
    ej_policy_free(f.p);
}

static void overdue_on_either_clock(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    setup(&f);
    /* An effect clock longer than the consideration one. */
    f.r.effect_within = (struct ej_duration){48, EJ_DUR_HOURS};
    int64_t rcv = tu_instant("2026-03-04T10:00:00+05:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    assert_false(ej_order_overdue(&f.r, &o, tu_instant("2026-03-05T09:59:59+05:00")));
    assert_true(ej_order_overdue(&f.r, &o, tu_instant("2026-03-05T10:00:00+05:00")));
    ej_policy_free(f.p);
}

static void across_zone_change(void **state)
{
    (void)state;
    struct fx f;
    struct ej_order o;
    char b[EJ_INSTANT_TEXT_MAX];
    int64_t c, e;
    setup(&f);
    /* 24 hours are 24 hours across the 2024-03-01 change to UTC+5. */
    int64_t rcv = tu_instant("2024-02-29T12:00:00+06:00");
    assert_int_equal(ej_order_open(&f.r, rcv, f.tz, f.cal, &o), EJ_OK);
    assert_int_equal(ej_order_dues(&o, rcv, &c, &e), EJ_OK);
    ej_instant_format(c, 0, b);
    assert_string_equal(b, "2024-03-01T06:00:00Z");
    assert_string_equal(iso(c, b), "2024-03-01T11:00:00+05:00");
    ej_policy_free(f.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_from_packs),
        cmocka_unit_test(shadow_effect_is_advisory),
        cmocka_unit_test(saturday_evening),
        cmocka_unit_test(pause_and_resume),
        cmocka_unit_test(clarification_without_pause),
        cmocka_unit_test(close_while_clarifying),
        cmocka_unit_test(pause_after_deadline_keeps_breach),
        cmocka_unit_test(effect_breach_reported_while_clarifying),
        cmocka_unit_test(overdue_on_either_clock),
        cmocka_unit_test(across_zone_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
