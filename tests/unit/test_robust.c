/* test_robust.c: malformed input never crashes the core. Truncated and
 * mutated policy files, zone files and random strings go through the
 * parsers; each must return a result or an error, cleanly (this test is
 * what the ASan+UBSan build leans on). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ROUNDS_POLICY
#define ROUNDS_POLICY 300
#endif

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void load_bytes(const char *buf, size_t len)
{
    struct ej_policy *p;
    assert_int_equal(ej_policy_new(&p), EJ_OK);
    enum ej_err rc = ej_policy_add_yaml(p, "fuzz.yaml", buf, len);
    assert_true(rc == EJ_OK || rc == EJ_PACK_INVALID);
    /* Either it loaded cleanly or it said why. */
    assert_true((rc == EJ_OK) == (ej_policy_diag_count(p) == 0));
    ej_policy_resolve(p);
    ej_policy_free(p);
}

static void policy_mutations(void **state)
{
    (void)state;
    static const char *const files[] = {"policies/kz/law-18-viii.yaml",
                                        "policies/kz/draft-2025.yaml",
                                        "policies/kz/tables.yaml"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        char path[512];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", EJ_SOURCE_DIR, files[f]);
        char *orig = tu_read(path, &len);
        char *buf = malloc(len + 1);
        assert_non_null(buf);
        /* Truncations at many points. */
        for (size_t cut = 0; cut < len; cut += 1 + len / 300)
            load_bytes(orig, cut);
        /* Random byte edits, with YAML-significant characters favoured. */
        static const char special[] = ":-[]{}#&*!|>'\"%@` \n\t\0x9";
        for (int round = 0; round < ROUNDS_POLICY; round++) {
            memcpy(buf, orig, len);
            int edits = 1 + (int)(next() % 4);
            for (int e = 0; e < edits; e++) {
                size_t at = (size_t)(next() % len);
                buf[at] = next() % 2 ? special[next() % (sizeof special - 1)]
                                     : (char)next();
            }
            load_bytes(buf, len);
        }
        free(buf);
        free(orig);
    }
}

static void parser_garbage(void **state)
{
    (void)state;
    char s[40];
    for (int i = 0; i < 200000; i++) {
        size_t n = (size_t)(next() % sizeof s);
        for (size_t k = 0; k < n; k++) {
            uint64_t r = next();
            /* Mostly digits and time punctuation, sometimes anything. */
            s[k] = r % 4 ? "0123456789-:T+Z.wdhmins"[r / 4 % 23] : (char)r;
        }
        int64_t ms;
        struct ej_date d;
        struct ej_duration dur;
        struct ej_idnum id;
        char buf[EJ_INSTANT_TEXT_MAX];
        if (ej_instant_parse(s, n, &ms, NULL) == EJ_OK) {
            /* Anything accepted formats back and parses to the same. */
            int64_t again;
            assert_int_equal(ej_instant_format(ms, 0, buf), EJ_OK);
            assert_int_equal(ej_instant_parse(buf, strlen(buf), &again, NULL),
                             EJ_OK);
            assert_int_equal(again, ms);
        }
        if (ej_date_parse(s, n, &d) == EJ_OK)
            assert_true(ej_date_valid(d));
        (void)ej_duration_parse(s, n, &dur);
        (void)ej_idnum_parse(s, n, &id, NULL);
    }
}

static void tzif_mutations(void **state)
{
    (void)state;
    size_t len;
    char *orig = tu_read("/usr/share/zoneinfo/Asia/Almaty", &len);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    for (int round = 0; round < 3000; round++) {
        memcpy(buf, orig, len);
        int edits = 1 + (int)(next() % 3);
        for (int e = 0; e < edits; e++)
            buf[next() % len] = (unsigned char)next();
        struct ej_tz *tz = NULL;
        if (ej_tz_parse("Asia/Almaty", buf, len, &tz) == EJ_OK) {
            /* A zone that parsed answers every query without crashing. */
            struct ej_date d;
            int64_t ms;
            for (int q = 0; q < 20; q++) {
                int64_t t = (int64_t)(next() % 8000000000ull) * 1000 -
                            2000000000000ll;
                (void)ej_tz_offset_at(tz, t);
                (void)ej_tz_local_date(tz, t, &d);
                (void)ej_tz_local_to_instant(tz, (struct ej_date){2024, 2, 29},
                                             (int64_t)(next() % 86400001),
                                             &ms);
            }
            ej_tz_free(tz);
        } else {
            assert_null(tz);
        }
    }
    free(buf);
    free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_mutations),
        cmocka_unit_test(parser_garbage),
        cmocka_unit_test(tzif_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
