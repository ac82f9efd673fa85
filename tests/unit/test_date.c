/* test_date.c: civil dates and ISO 8601 instants. */
#include "testutil.h"

#include <string.h>

static void days_round_trip(void **state)
{
    (void)state;
    /* Every day from 1600 to 2400 maps to a day number and back, and
     * consecutive days have consecutive numbers. */
    struct ej_date d = {1600, 1, 1}, back;
    int64_t prev = ej_date_to_days(d) - 1;
    while (d.year < 2400) {
        int64_t z = ej_date_to_days(d);
        assert_int_equal(z, prev + 1);
        assert_int_equal(ej_date_from_days(z, &back), EJ_OK);
        assert_int_equal(ej_date_cmp(back, d), 0);
        prev = z;
        assert_int_equal(ej_date_add_days(d, 1, &d), EJ_OK);
    }
    assert_int_equal(ej_date_to_days((struct ej_date){1970, 1, 1}), 0);
    assert_int_equal(ej_date_from_days(-719163, &back), EJ_RANGE);
}

static void leap_and_weekday(void **state)
{
    (void)state;
    assert_true(ej_date_is_leap(2000));
    assert_false(ej_date_is_leap(1900));
    assert_true(ej_date_is_leap(2024));
    assert_false(ej_date_valid((struct ej_date){2025, 2, 29}));
    assert_true(ej_date_valid((struct ej_date){2024, 2, 29}));
    assert_false(ej_date_valid((struct ej_date){2026, 4, 31}));
    assert_int_equal(ej_date_weekday((struct ej_date){2026, 11, 28}), EJ_SAT);
    assert_int_equal(ej_date_weekday((struct ej_date){2026, 3, 19}), EJ_THU);
    assert_int_equal(ej_date_weekday((struct ej_date){1970, 1, 1}), EJ_THU);
    assert_int_equal(ej_date_weekday((struct ej_date){1969, 12, 28}), EJ_SUN);
}

static void date_parse(void **state)
{
    (void)state;
    struct ej_date d;
    assert_int_equal(ej_date_parse("2024-02-29", 10, &d), EJ_OK);
    assert_int_equal(d.day, 29);
    assert_int_equal(ej_date_parse("2025-02-29", 10, &d), EJ_TIME_RANGE);
    assert_int_equal(ej_date_parse("2025-2-01", 9, &d), EJ_DATE_SYNTAX);
    assert_int_equal(ej_date_parse("2025-02-01x", 11, &d), EJ_DATE_SYNTAX);
    assert_int_equal(ej_date_parse("", 0, &d), EJ_DATE_SYNTAX);
    char buf[EJ_DATE_TEXT_MAX];
    ej_date_format((struct ej_date){7, 3, 9}, buf);
    assert_string_equal(buf, "0007-03-09");
}

static void instant_parse(void **state)
{
    (void)state;
    int64_t ms;
    int off;
    assert_int_equal(
        ej_instant_parse("2026-06-01T00:00:00+05:00", 25, &ms, &off), EJ_OK);
    char buf[EJ_INSTANT_TEXT_MAX];
    assert_int_equal(ej_instant_format(ms, 0, buf), EJ_OK);
    assert_string_equal(buf, "2026-05-31T19:00:00Z");
    assert_int_equal(off, 18000);
    static const struct {
        const char *in;
        enum ej_err rc;
        const char *utc;
    } cases[] = {
        {"2026-11-28T10:00Z", EJ_OK, "2026-11-28T10:00:00Z"},
        {"2026-11-28t10:00:00.5z", EJ_OK, "2026-11-28T10:00:00.500Z"},
        {"2026-11-28 10:00:00.123456-03:30", EJ_OK,
         "2026-11-28T13:30:00.123Z"},
        {"2026-11-28T10:00:00+0500", EJ_OK, "2026-11-28T05:00:00Z"},
        {"2026-11-28T10:00:00+05", EJ_OK, "2026-11-28T05:00:00Z"},
        {"2026-11-28T10:00:00", EJ_TIME_NO_OFFSET, NULL},
        {"2026-11-28", EJ_TIME_SYNTAX, NULL},
        {"2026-11-28T24:00:00Z", EJ_TIME_RANGE, NULL},
        {"2026-11-28T23:59:60Z", EJ_TIME_RANGE, NULL},
        {"2026-02-30T10:00:00Z", EJ_TIME_RANGE, NULL},
        {"2026-11-28T10:00:00+25:00", EJ_TIME_RANGE, NULL},
        {"2026-11-28T10:00:00.Z", EJ_TIME_SYNTAX, NULL},
        {"2026-11-28T10:00:00Zjunk", EJ_TIME_SYNTAX, NULL},
        {"now", EJ_TIME_SYNTAX, NULL},
        {"", EJ_TIME_SYNTAX, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        enum ej_err rc =
            ej_instant_parse(cases[i].in, strlen(cases[i].in), &ms, NULL);
        if (rc != cases[i].rc)
            fail_msg("%s: got %s, want %s", cases[i].in, ej_errname(rc),
                     ej_errname(cases[i].rc));
        if (cases[i].utc) {
            assert_int_equal(ej_instant_format(ms, 0, buf), EJ_OK);
            assert_string_equal(buf, cases[i].utc);
        }
    }
}

static void instant_format_offsets(void **state)
{
    (void)state;
    char buf[EJ_INSTANT_TEXT_MAX];
    int64_t ms = tu_instant("2024-02-29T18:00:00Z");
    assert_int_equal(ej_instant_format(ms, 18000, buf), EJ_OK);
    assert_string_equal(buf, "2024-02-29T23:00:00+05:00");
    assert_int_equal(ej_instant_format(ms, -12600, buf), EJ_OK);
    assert_string_equal(buf, "2024-02-29T14:30:00-03:30");
    assert_int_equal(ej_instant_format(INT64_MAX, 0, buf), EJ_RANGE);
    /* The longest text fits the declared buffer. */
    ms = tu_instant("9999-12-31T23:59:59.999+14:00");
    assert_int_equal(ej_instant_format(ms, 50400, buf), EJ_OK);
    assert_string_equal(buf, "9999-12-31T23:59:59.999+14:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(days_round_trip),
        cmocka_unit_test(leap_and_weekday),
        cmocka_unit_test(date_parse),
        cmocka_unit_test(instant_parse),
        cmocka_unit_test(instant_format_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
