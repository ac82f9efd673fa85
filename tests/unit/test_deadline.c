/* test_deadline.c: duration syntax and pausable clocks. The deadline
 * arithmetic itself is covered row by row in tests/cases/deadline/. */
#include "testutil.h"

#include <string.h>

static void durations(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        enum ej_err rc;
        int64_t count;
        enum ej_duration_unit unit;
    } cases[] = {
        {"24h", EJ_OK, 24, EJ_DUR_HOURS},
        {"90min", EJ_OK, 90, EJ_DUR_MINUTES},
        {"30s", EJ_OK, 30, EJ_DUR_SECONDS},
        {"10d", EJ_OK, 10, EJ_DUR_DAYS},
        {"5wd", EJ_OK, 5, EJ_DUR_WORKING_DAYS},
        {"2600wd", EJ_OK, 2600, EJ_DUR_WORKING_DAYS},
        {"2601wd", EJ_RANGE, 0, 0},
        {"0h", EJ_RANGE, 0, 0},
        {"99999999999h", EJ_RANGE, 0, 0},
        {"h", EJ_DURATION_SYNTAX, 0, 0},
        {"24", EJ_DURATION_SYNTAX, 0, 0},
        {"24 h", EJ_DURATION_SYNTAX, 0, 0},
        {"-1h", EJ_DURATION_SYNTAX, 0, 0},
        {"1w", EJ_DURATION_SYNTAX, 0, 0},
        {"1m", EJ_DURATION_SYNTAX, 0, 0},
        {"", EJ_DURATION_SYNTAX, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct ej_duration d;
        enum ej_err rc = ej_duration_parse(cases[i].in, strlen(cases[i].in),
                                           &d);
        if (rc != cases[i].rc)
            fail_msg("%s: got %s", cases[i].in, ej_errname(rc));
        if (rc == EJ_OK) {
            char buf[EJ_DURATION_TEXT_MAX];
            assert_int_equal(d.count, cases[i].count);
            assert_int_equal(d.unit, cases[i].unit);
            ej_duration_format(d, buf);
            assert_string_equal(buf, cases[i].in);
        }
    }
}

static void clock_pause_resume(void **state)
{
    (void)state;
    struct ej_policy *p = tu_policy(NULL, 0);
    const struct ej_pack *k = ej_policy_find_pack(p, "kz.law-18-viii");
    const struct ej_tz *tz = ej_pack_tz(p, k);
    const struct ej_calendar *cal = ej_pack_calendar(k);
    struct ej_clock c;
    struct ej_duration d24 = {24, EJ_DUR_HOURS};
    int64_t t0 = tu_instant("2026-11-28T10:00:00+05:00"), due;

    assert_int_equal(ej_clock_start(t0, d24, tz, cal, &c), EJ_OK);
    assert_int_equal(ej_clock_due(&c, t0, &due), EJ_OK);
    assert_int_equal(due, tu_instant("2026-11-29T10:00:00+05:00"));
    /* Paused 2 h: while paused the due keeps moving with the time. */
    assert_int_equal(ej_clock_pause(&c, tu_instant("2026-11-28T12:00:00+05:00")),
                     EJ_OK);
    assert_int_equal(ej_clock_pause(&c, tu_instant("2026-11-28T12:30:00+05:00")),
                     EJ_INVALID);
    assert_int_equal(ej_clock_due(&c, tu_instant("2026-11-28T13:00:00+05:00"),
                                  &due),
                     EJ_OK);
    assert_int_equal(due, tu_instant("2026-11-29T11:00:00+05:00"));
    assert_int_equal(ej_clock_resume(&c, tu_instant("2026-11-28T11:00:00+05:00")),
                     EJ_INVALID);
    assert_int_equal(ej_clock_resume(&c, tu_instant("2026-11-28T14:00:00+05:00")),
                     EJ_OK);
    assert_int_equal(ej_clock_resume(&c, tu_instant("2026-11-28T15:00:00+05:00")),
                     EJ_INVALID);
    assert_int_equal(ej_clock_due(&c, tu_instant("2026-11-28T20:00:00+05:00"),
                                  &due),
                     EJ_OK);
    assert_int_equal(due, tu_instant("2026-11-29T12:00:00+05:00"));
    /* A second pause adds up. */
    assert_int_equal(ej_clock_pause(&c, tu_instant("2026-11-28T20:00:00+05:00")),
                     EJ_OK);
    assert_int_equal(ej_clock_resume(&c, tu_instant("2026-11-28T20:30:00+05:00")),
                     EJ_OK);
    assert_int_equal(ej_clock_due(&c, tu_instant("2026-11-28T21:00:00+05:00"),
                                  &due),
                     EJ_OK);
    assert_int_equal(due, tu_instant("2026-11-29T12:30:00+05:00"));
    /* Asking with a 'now' before the last event is refused. */
    assert_int_equal(ej_clock_due(&c, tu_instant("2026-11-28T20:00:00+05:00"),
                                  &due),
                     EJ_INVALID);
    /* Days need a calendar; exact periods do not. */
    struct ej_deadline dl;
    assert_int_equal(ej_deadline_compute(t0, (struct ej_duration){1, EJ_DUR_DAYS},
                                         tz, NULL, &dl),
                     EJ_INVALID);
    assert_int_equal(ej_deadline_compute(t0, d24, tz, NULL, &dl), EJ_OK);
    assert_false(dl.has_last_day);
    ej_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(durations),
        cmocka_unit_test(clock_pause_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
