/* test_tz.c: TZif zones from the system's tzdata and POSIX TZ rules. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void almaty_offsets(void **state)
{
    (void)state;
    struct ej_tz *tz = tu_zone("Asia/Almaty");
    assert_string_equal(ej_tz_name(tz), "Asia/Almaty");
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2024-01-01T00:00:00Z")),
                     6 * 3600);
    /* The change: 2024-03-01 00:00 +06 became 2024-02-29 23:00 +05. */
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2024-02-29T17:59:59Z")),
                     6 * 3600);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2024-02-29T18:00:00Z")),
                     5 * 3600);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-06-01T00:00:00Z")),
                     5 * 3600);
    /* Far past the last transition: the footer "<+05>-5". */
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2090-01-01T00:00:00Z")),
                     5 * 3600);
    /* Almaty kept DST until 2004 (+07 in summer 2003). */
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2003-07-01T00:00:00Z")),
                     7 * 3600);
    ej_tz_free(tz);
}

static void almaty_local_midnights(void **state)
{
    (void)state;
    struct ej_tz *tz = tu_zone("Asia/Almaty");
    int64_t ms;
    char buf[EJ_INSTANT_TEXT_MAX];
    /* 29 Feb 2024 lasted 25 hours: it began at +06 and ended at +05. */
    assert_int_equal(ej_tz_local_to_instant(tz, (struct ej_date){2024, 2, 29},
                                            0, &ms),
                     EJ_OK);
    ej_instant_format(ms, 0, buf);
    assert_string_equal(buf, "2024-02-28T18:00:00Z");
    assert_int_equal(ej_tz_local_to_instant(tz, (struct ej_date){2024, 2, 29},
                                            EJ_MS_PER_DAY, &ms),
                     EJ_OK);
    ej_instant_format(ms, 0, buf);
    assert_string_equal(buf, "2024-02-29T19:00:00Z");
    /* 23:30 on 29 Feb occurred twice; the earlier instant is chosen. */
    assert_int_equal(ej_tz_local_to_instant(tz, (struct ej_date){2024, 2, 29},
                                            (23 * 60 + 30) * 60000, &ms),
                     EJ_OK);
    ej_instant_format(ms, 0, buf);
    assert_string_equal(buf, "2024-02-29T17:30:00Z");
    struct ej_date d;
    assert_int_equal(ej_tz_local_date(tz, tu_instant("2026-11-28T19:30:00Z"),
                                      &d),
                     EJ_OK);
    assert_int_equal(d.day, 29);
    ej_tz_free(tz);
}

static void posix_rules(void **state)
{
    (void)state;
    struct ej_tz *tz;
    int64_t ms;
    char buf[EJ_INSTANT_TEXT_MAX];
    assert_int_equal(ej_tz_from_posix("Test/Berlin",
                                      "CET-1CEST,M3.5.0,M10.5.0/3", &tz),
                     EJ_OK);
    /* 2026: DST from Sun 29 Mar 01:00Z to Sun 25 Oct 01:00Z. */
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-03-29T00:59:59Z")),
                     3600);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-03-29T01:00:00Z")),
                     7200);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-10-25T00:59:59Z")),
                     7200);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-10-25T01:00:00Z")),
                     3600);
    /* 02:30 on 29 Mar does not exist: read with the offset before the gap,
     * it lands after it (03:30 CEST). */
    assert_int_equal(ej_tz_local_to_instant(tz, (struct ej_date){2026, 3, 29},
                                            150 * 60000, &ms),
                     EJ_OK);
    ej_instant_format(ms, 0, buf);
    assert_string_equal(buf, "2026-03-29T01:30:00Z");
    ej_tz_free(tz);

    /* Southern hemisphere: DST spans the new year. */
    assert_int_equal(ej_tz_from_posix("Test/Sydney",
                                      "AEST-10AEDT,M10.1.0,M4.1.0/3", &tz),
                     EJ_OK);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-01-15T00:00:00Z")),
                     11 * 3600);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-07-15T00:00:00Z")),
                     10 * 3600);
    ej_tz_free(tz);

    static const char *const bad[] = {"", "X-1", "CET", "CET-1CEST,M13.1.0,M1.1.0",
                                      "CET-1CEST,M3.5.0", "<+05", "CET-1x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (ej_tz_from_posix("Test/Bad", bad[i], &tz) != EJ_TZ_FORMAT)
            fail_msg("accepted bad POSIX TZ '%s'", bad[i]);
}

static void system_zones_agree_with_posix(void **state)
{
    (void)state;
    /* A DST zone from tzdata: New York's footer and transitions. */
    struct ej_tz *tz = tu_zone("America/New_York");
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-07-01T12:00:00Z")),
                     -4 * 3600);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2026-12-01T12:00:00Z")),
                     -5 * 3600);
    assert_int_equal(ej_tz_offset_at(tz, tu_instant("2150-07-01T12:00:00Z")),
                     -4 * 3600);
    ej_tz_free(tz);
}

static void bad_tzif(void **state)
{
    (void)state;
    size_t len;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", "/usr/share/zoneinfo", "Asia/Almaty");
    char *buf = tu_read(path, &len);
    struct ej_tz *tz = (struct ej_tz *)1;
    /* Every truncation is refused cleanly, never read past the end. */
    for (size_t cut = 0; cut < len; cut++) {
        enum ej_err rc = ej_tz_parse("Asia/Almaty", (unsigned char *)buf, cut,
                                     &tz);
        assert_int_equal(rc, EJ_TZ_FORMAT);
        assert_null(tz);
    }
    /* A flipped magic byte. */
    buf[0] = 'X';
    assert_int_equal(ej_tz_parse("Asia/Almaty", (unsigned char *)buf, len, &tz),
                     EJ_TZ_FORMAT);
    free(buf);
    assert_false(ej_tz_name_valid("../etc/passwd"));
    assert_false(ej_tz_name_valid("Asia/../../x"));
    assert_false(ej_tz_name_valid("/Asia/Almaty"));
    assert_false(ej_tz_name_valid(""));
    assert_true(ej_tz_name_valid("Etc/GMT+5"));
    assert_true(ej_tz_name_valid("America/Port-au-Prince"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(almaty_offsets),
        cmocka_unit_test(almaty_local_midnights),
        cmocka_unit_test(posix_rules),
        cmocka_unit_test(system_zones_agree_with_posix),
        cmocka_unit_test(bad_tzif),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
