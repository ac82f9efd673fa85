/* test_jcanon.c: the event log's body writer against jansson. Every text
 * jcanon writes must be json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) byte
 * for byte (the log's hashes are over those bytes): on fixed cases (every
 * ASCII byte, escapes, big integers, keys that sort on their high bytes, on
 * their length or on a NUL), on 20,000 generated trees of nested objects
 * and arrays with Unicode, controls, escapes, integers at their limits,
 * true/false/null and empty containers, several texts to a buffer as a
 * batch writes them; and where it declines (reals, depth, width, bytes
 * that are not UTF-8, a full buffer) jcanon_put must hand back exactly
 * what json_dumps gives, NULL included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "jcanon.h"
#include "testutil.h"

#define FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

/* v through jcanon_put into w, compared with json_dumps; whether jcanon
 * wrote it itself (not through json_dumps). */
static bool same_as_jansson(struct jw *w, const json_t *v)
{
    char *want = json_dumps(v, FLAGS), *own = NULL;
    size_t off = 0;
    enum ej_err rc = jcanon_put(w, v, &off, &own);
    if (!want) {
        assert_int_not_equal(rc, EJ_OK);
        assert_null(own);
        return false;
    }
    assert_int_equal(rc, EJ_OK);
    assert_string_equal(jcanon_text(w, off, own), want);
    bool mine = own == NULL;
    free(own);
    free(want);
    return mine;
}

static bool check(const json_t *v)
{
    struct jw w;
    jw_init(&w, 1 << 20);
    bool mine = same_as_jansson(&w, v);
    jw_free(&w);
    return mine;
}

static void test_bytes(void **state)
{
    (void)state;
    /* Every ASCII byte alone, in a value and in a key; then runs long
     * enough for the eight-byte skip, with the byte at each offset. */
    for (int c = 1; c < 0x80; c++) {
        char s[24];
        json_t *o = json_object();
        json_object_set_new(o, (char[]){(char)c, 0}, json_integer(c));
        json_object_set_new(o, "v", json_stringn((char[]){(char)c}, 1));
        for (int at = 0; at < 16; at++) {
            memset(s, 'x', sizeof s);
            s[at] = (char)c;
            char k[8];
            snprintf(k, sizeof k, "r%02d", at);
            json_object_set_new(o, k, json_stringn(s, sizeof s));
        }
        assert_true(check(o));
        json_decref(o);
    }
    /* NUL inside strings and keys (jansson 2.14 keeps lengths). */
    json_t *o = json_object();
    json_object_set_new(o, "s", json_stringn("a\0b", 3));
    json_object_setn_new_nocheck(o, "k\0z", 3, json_true());
    json_object_setn_new_nocheck(o, "k", 1, json_false());
    json_object_setn_new_nocheck(o, "k\0a", 3, json_null());
    assert_true(check(o));
    json_decref(o);
}

static void test_fixed(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{}",
        "[]",
        "[[],{},[[]],{\"a\":{}}]",
        "{\"b\":1,\"a\":2,\"ab\":3,\"B\":4,\"\":5,\"a b\":6}",
        "{\"z\":\"/slash/ not escaped\",\"q\":\"\\\"quoted\\\" back\\\\slash\"}",
        "{\"ctl\":\"\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\\u007f\"}",
        "{\"int\":[0,-1,1,9223372036854775807,-9223372036854775808,"
        "4000000000,-4000000000,100]}",
        "{\"lit\":[true,false,null],\"e\":\"\"}",
        "{\"ru\":\"Возраст\",\"kk\":\"Жасы қазақша\",\"emoji\":\"😀 €\","
        "\"esc\":\"\\u00e9\\ud83d\\ude00\"}",
        "{\"я\":1,\"z\":2,\"é\":3,\"😀\":4,\"\\u0001\":5,\"~\":6}",
        "{\"id\":\"ev-1\",\"type\":\"account.followers\",\"account\":\"a1\","
        "\"followers\":120000,\"at\":\"2026-05-28T10:00:00+05:00\"}",
        "{\"a\":{\"b\":{\"c\":{\"d\":[1,[2,[3,{\"e\":null}]]]}}}}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        json_error_t e;
        json_t *v = json_loads(texts[i], JSON_ALLOW_NUL, &e);
        assert_non_null(v);
        assert_true(check(v));
        json_decref(v);
    }
}

/* What jcanon leaves to json_dumps still comes out as json_dumps' text. */
static void test_declined(void **state)
{
    (void)state;
    json_error_t e;
    static const char *const reals[] = {
        "{\"kz_share\":0.5}", "[1e300,-0.0,0.1,3.0,1.5e-7]",
        "{\"a\":[{\"b\":2.25}]}"};
    for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
        json_t *v = json_loads(reals[i], 0, &e);
        assert_non_null(v);
        assert_false(check(v));
        json_decref(v);
    }
    /* Nesting past the maximum, and one level inside it. */
    for (int d = JCANON_MAX_DEPTH - 1; d <= JCANON_MAX_DEPTH + 2; d++) {
        json_t *v = json_array();
        for (int k = 1; k < d; k++) {
            json_t *o = json_object();
            json_object_set_new(o, "x", v);
            v = o;
        }
        json_t *top = json_object();
        json_object_set_new(top, "deep", v);
        bool mine = check(top);
        assert_int_equal(mine, d < JCANON_MAX_DEPTH);
        json_decref(top);
    }
    /* Wider than the maximum: 65 keys; 64 are written. */
    for (int n = JCANON_MAX_KEYS; n <= JCANON_MAX_KEYS + 1; n++) {
        json_t *o = json_object();
        for (int k = 0; k < n; k++) {
            char key[16];
            snprintf(key, sizeof key, "k%03d", (k * 37) % 101);
            json_object_set_new(o, key, json_integer(k));
        }
        assert_int_equal(check(o), n <= JCANON_MAX_KEYS);
        json_decref(o);
    }
    /* Not UTF-8: json_dumps fails, and so does jcanon_put. */
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "bad", json_stringn_nocheck("a\xff", 2));
    assert_false(check(o));
    json_decref(o);
    /* A top level that is not a container: json_dumps refuses it. */
    json_t *s = json_string("x");
    assert_false(check(s));
    json_decref(s);
}

/* --- generated trees ----------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void) { return tu_xorshift(&rng); }

static void gen_text(char *buf, size_t cap, size_t *len)
{
    static const char *const atoms[] = {
        "a",  "Z",  " ",  "0",  "\"", "\\", "/",  "\n", "\r", "\t", "\b",
        "\f", "\x01", "\x1f", "\x7f", "ж", "қ", "ә", "€", "😀", "abcdefgh",
        "\xc2\x80", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "~", "id", "",
    };
    size_t na = sizeof atoms / sizeof *atoms;
    size_t n = tu_random_text(atoms, na, 12, &rng, buf, cap);
    if (next() % 16 == 0 && n + 1 < cap)
        buf[n++] = '\0'; /* a NUL in the text */
    buf[n] = '\0';
    *len = n;
}

static json_t *gen(int depth)
{
    static const json_int_t ints[] = {
        0, 1, -1, 9, 10, -10, 65535, 4000000000LL, INT32_MAX, INT32_MIN,
        INT64_MAX, INT64_MIN, INT64_MIN + 1, 1234567890123LL};
    char buf[256];
    size_t n;
    unsigned kind = (unsigned)(next() % (depth < 6 ? 9 : 6));
    switch (kind) {
    case 0:
        return json_true();
    case 1:
        return json_false();
    case 2:
        return json_null();
    case 3:
        if (next() % 2)
            return json_integer((json_int_t)next());
        return json_integer(ints[next() % (sizeof ints / sizeof *ints)]);
    case 4:
    case 5:
        gen_text(buf, sizeof buf, &n);
        return json_stringn(buf, n);
    case 6:
    case 7: {
        json_t *o = json_object();
        size_t keys = next() % 9;
        for (size_t k = 0; k < keys; k++) {
            gen_text(buf, sizeof buf, &n);
            json_object_setn_new(o, buf, n, gen(depth + 1));
        }
        return o;
    }
    default: {
        json_t *a = json_array();
        size_t items = next() % 6;
        for (size_t k = 0; k < items; k++)
            json_array_append_new(a, gen(depth + 1));
        return a;
    }
    }
}

static void test_generated(void **state)
{
    (void)state;
    /* A batch's worth at a time into one buffer: the texts before a
     * growth (the buffer moves) are read through their offsets after. */
    enum { BATCH = 50 };
    struct jw w;
    jw_init(&w, 1 << 24);
    size_t mine = 0;
    for (int round = 0; round < 20000 / BATCH; round++) {
        json_t *v[BATCH];
        char *want[BATCH], *own[BATCH];
        size_t off[BATCH];
        jw_rewind(&w, 0);
        for (int i = 0; i < BATCH; i++) {
            v[i] = json_object();
            size_t keys = next() % 10;
            for (size_t k = 0; k < keys; k++) {
                char buf[64];
                size_t n;
                gen_text(buf, sizeof buf, &n);
                json_object_setn_new(v[i], buf, n, gen(1));
            }
            want[i] = json_dumps(v[i], FLAGS);
            assert_non_null(want[i]);
            assert_int_equal(jcanon_put(&w, v[i], &off[i], &own[i]), EJ_OK);
        }
        for (int i = 0; i < BATCH; i++) {
            assert_string_equal(jcanon_text(&w, off[i], own[i]), want[i]);
            mine += own[i] == NULL;
            free(own[i]);
            free(want[i]);
            json_decref(v[i]);
        }
    }
    assert_int_equal(mine, 20000); /* no real or deep value generated */
    jw_free(&w);
}

/* A buffer that fills: the text that does not fit comes from json_dumps,
 * and the ones before it stay as they were. */
static void test_full(void **state)
{
    (void)state;
    struct jw w;
    jw_init(&w, 100);
    json_t *small = json_pack("{s:s,s:i}", "id", "e1", "n", 7);
    json_t *big = json_pack("{s:s}", "t",
                            "0123456789012345678901234567890123456789"
                            "0123456789012345678901234567890123456789");
    char *want_s = json_dumps(small, FLAGS), *want_b = json_dumps(big, FLAGS);
    size_t o1, o2, o3;
    char *w1, *w2, *w3;
    assert_int_equal(jcanon_put(&w, small, &o1, &w1), EJ_OK);
    assert_int_equal(jcanon_put(&w, big, &o2, &w2), EJ_OK);
    assert_int_equal(jcanon_put(&w, small, &o3, &w3), EJ_OK);
    assert_null(w1);
    assert_non_null(w2);
    assert_null(w3);
    assert_string_equal(jcanon_text(&w, o1, w1), want_s);
    assert_string_equal(jcanon_text(&w, o2, w2), want_b);
    assert_string_equal(jcanon_text(&w, o3, w3), want_s);
    free(w2);
    free(want_s);
    free(want_b);
    json_decref(small);
    json_decref(big);
    jw_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes),     cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_declined),  cmocka_unit_test(test_generated),
        cmocka_unit_test(test_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
