/* test_calendar.c: working-day calendars, built directly and from the
 * shipped tables. */
#include "testutil.h"

static void basic(void **state)
{
    (void)state;
    struct ej_calendar *c;
    unsigned we = EJ_WEEKDAY_BIT(EJ_SAT) | EJ_WEEKDAY_BIT(EJ_SUN);
    assert_int_equal(ej_calendar_new("t", tu_date("2026-01-01"),
                                     tu_date("2026-12-31"), we, &c),
                     EJ_OK);
    bool w;
    assert_int_equal(ej_calendar_is_working(c, tu_date("2026-11-27"), &w),
                     EJ_OK);
    assert_true(w); /* Friday */
    assert_int_equal(ej_calendar_is_working(c, tu_date("2026-11-28"), &w),
                     EJ_OK);
    assert_false(w); /* Saturday */
    assert_int_equal(ej_calendar_set_day(c, tu_date("2026-11-27"), false),
                     EJ_OK);
    assert_int_equal(ej_calendar_set_day(c, tu_date("2026-11-28"), true),
                     EJ_OK);
    assert_int_equal(ej_calendar_set_day(c, tu_date("2026-11-28"), true),
                     EJ_INVALID);
    assert_int_equal(ej_calendar_set_day(c, tu_date("2027-01-01"), false),
                     EJ_RANGE);
    assert_int_equal(ej_calendar_is_working(c, tu_date("2026-11-27"), &w),
                     EJ_OK);
    assert_false(w);
    assert_int_equal(ej_calendar_is_working(c, tu_date("2026-11-28"), &w),
                     EJ_OK);
    assert_true(w);
    assert_int_equal(ej_calendar_is_working(c, tu_date("2025-12-31"), &w),
                     EJ_CALENDAR_RANGE);
    struct ej_date d;
    assert_int_equal(ej_calendar_next_working(c, tu_date("2026-12-26"), &d),
                     EJ_OK);
    assert_int_equal(d.day, 28);
    /* Sat 2026-12-26 .. no working day left after Thu 31 Dec? Fri 25 is
     * working, but from Sat 2027-01-02 there is no knowledge. */
    assert_int_equal(ej_calendar_set_day(c, tu_date("2026-12-31"), false),
                     EJ_OK);
    assert_int_equal(ej_calendar_next_working(c, tu_date("2026-12-31"), &d),
                     EJ_CALENDAR_RANGE);
    ej_calendar_free(c);
    assert_int_equal(ej_calendar_new("t", tu_date("2026-12-31"),
                                     tu_date("2026-01-01"), we, &c),
                     EJ_INVALID);
    assert_int_equal(ej_calendar_new("t", tu_date("2026-01-01"),
                                     tu_date("2026-12-31"), 0xFE, &c),
                     EJ_INVALID);
    ej_calendar_free(NULL);
}

static void shipped_kz(void **state)
{
    (void)state;
    struct ej_policy *p = tu_policy(NULL, 0);
    const struct ej_calendar *c = ej_policy_calendar(p, "kz.5day");
    assert_non_null(c);
    static const struct {
        const char *date;
        bool working;
    } days[] = {
        {"2025-01-03", false}, /* transferred from Sun 5 Jan */
        {"2025-01-05", true},  /* the working Sunday */
        {"2025-03-24", false}, {"2025-06-06", false}, {"2025-12-16", false},
        {"2026-01-02", false}, {"2026-01-05", true},  {"2026-01-07", false},
        {"2026-03-09", false}, {"2026-03-23", false}, {"2026-03-25", false},
        {"2026-03-26", true},  {"2026-05-11", false}, {"2026-05-27", false},
        {"2026-08-31", true},  /* 30 Aug no longer a holiday in 2026 */
        {"2026-10-26", false}, {"2026-12-16", false}, {"2026-12-17", true},
    };
    for (size_t i = 0; i < sizeof days / sizeof *days; i++) {
        bool w;
        assert_int_equal(ej_calendar_is_working(c, tu_date(days[i].date), &w),
                         EJ_OK);
        if (w != days[i].working)
            fail_msg("%s: working=%d, want %d", days[i].date, w,
                     days[i].working);
    }
    ej_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic),
        cmocka_unit_test(shipped_kz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
