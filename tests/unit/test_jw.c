/* test_jw.c: the streaming JSON writer's string escaping. The writer
 * skips plain bytes eight at a time and two-byte UTF-8 inline; these tests
 * hold it to a byte-at-a-time reference written from the rules (escape '"',
 * '\' and controls; keep valid UTF-8; one U+FFFD per byte that is not), on
 * fixed cases and on random strings that put every kind of byte at every
 * offset of an eight-byte block, and check that jansson reads back what
 * was written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "jw.h"
#include "testutil.h"

/* The reference: one byte at a time. */
static size_t ref_escape(const unsigned char *s, size_t n, bool verified,
                         char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
            i++;
        } else if (c < 0x20) {
            memcpy(out + o, "\\u00", 4);
            o += 4;
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
            i++;
        } else if (c < 0x80 || verified) {
            out[o++] = (char)c;
            i++;
        } else {
            size_t l = jw_utf8_len(s + i, n - i);
            if (l) {
                memcpy(out + o, s + i, l);
                o += l;
                i += l;
            } else {
                memcpy(out + o, "\xEF\xBF\xBD", 3);
                o += 3;
                i++;
            }
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    return o;
}

static char *written(const char *s, size_t n, bool verified)
{
    struct jw w;
    jw_init(&w, 1 << 20);
    if (verified)
        jw_strv(&w, s);
    else
        jw_strn(&w, s, n);
    char *t = jw_take(&w, NULL);
    assert_non_null(t);
    return t;
}

static void check(const char *s, size_t n, bool verified)
{
    char want[8 * 1024];
    assert_true(n * 6 + 3 < sizeof want);
    ref_escape((const unsigned char *)s, n, verified, want);
    char *got = written(s, n, verified);
    assert_string_equal(got, want);
    free(got);
}

static void test_fixed(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",
        "plain ascii text, longer than eight bytes",
        "quote \" and backslash \\ in the middle of a block",
        "\"starts with a quote",
        "ends with a backslash\\",
        "tab\tnewline\ncr\rnul-free controls \x01\x1f end",
        "Жасы (16) тіркелудің ең төменгі жасына (16) сәйкес келеді.",
        "Возраст (16) не меньше минимального для регистрации (16).",
        "mixed: ascii then қазақша then \"quoted\" then 😀 emoji",
        "12345678\"12345678\\12345678\x7f" "12345678",
        "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x20\x20\x20\x20\x20\x20\x20\x20",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check(cases[i], strlen(cases[i]), false);
        check(cases[i], strlen(cases[i]), true);
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "\xff",                     /* never valid */
        "abc\xc0\xafxyz",           /* overlong '/' */
        "\xd0",                     /* truncated two-byte at the end */
        "\xd0\x41 two-byte lead, ASCII continuation",
        "\xe2\x82",                 /* truncated three-byte */
        "\xed\xa0\x80 surrogate",   /* UTF-16 surrogate */
        "\xf4\x90\x80\x80 above U+10FFFF",
        "\xc1\xbf overlong two-byte",
        "12345678\xd0\xb0\xd0",     /* valid, then a cut one at the end */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check(cases[i], strlen(cases[i]), false);
        char *t = written(cases[i], strlen(cases[i]), false);
        json_error_t e;
        json_t *v = json_loads(t, JSON_DECODE_ANY, &e);
        assert_non_null(v); /* the output is valid JSON whatever came in */
        json_decref(v);
        free(t);
    }
}

/* Random strings over bytes chosen to hit every branch: ASCII letters,
 * the escaped characters, controls, Cyrillic, three- and four-byte
 * characters, and stray bytes; with every alignment. */
static void test_random(void **state)
{
    (void)state;
    static const char *const atoms[] = {
        "a", "Z", " ", "0", "\"", "\\", "\n", "\x01", "\x1f", "\x7f", "/",
        "ж", "қ", "ә", "€", "😀", "\x80", "\xc3", "\xe2\x82", "\xff",
        "abcdefgh", "ijklmnop",
    };
    size_t na = sizeof atoms / sizeof *atoms;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    char buf[512];
    for (int round = 0; round < 20000; round++) {
        size_t n = tu_random_text(atoms, na, 24, &x, buf, sizeof buf);
        check(buf, n, false);
        /* Valid input reads back as itself. */
        bool valid = true;
        for (size_t i = 0; i < n && valid;) {
            size_t l = jw_utf8_len((const unsigned char *)buf + i, n - i);
            valid = l != 0;
            i += l;
        }
        if (valid) {
            char *t = written(buf, n, false);
            json_error_t e;
            json_t *v = json_loads(t, JSON_DECODE_ANY, &e);
            assert_non_null(v);
            assert_int_equal(json_string_length(v), n);
            assert_memory_equal(json_string_value(v), buf, n);
            json_decref(v);
            free(t);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
