/* test_fingerprint.c: the exact-digest bank and the text fingerprint for
 * re-upload blocking. The texts are made up here. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void digest_of(uint32_t i, uint8_t d[32])
{
    /* Distinct, spread-out digests (a real caller passes SHA-256). */
    uint64_t x = i * 0x9E3779B97F4A7C15u + 1;
    for (int k = 0; k < 4; k++) {
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9u;
        memcpy(d + 8 * k, &x, 8);
    }
}

static void bank_add_find_grow(void **state)
{
    (void)state;
    struct ej_fpbank *b;
    uint8_t d[32];
    uint32_t v;
    assert_int_equal(ej_fpbank_new(4, &b), EJ_OK);
    for (uint32_t i = 0; i < 100000; i++) {
        digest_of(i, d);
        assert_int_equal(ej_fpbank_add(b, d, i * 3), EJ_OK);
    }
    assert_int_equal(ej_fpbank_count(b), 100000);
    for (uint32_t i = 0; i < 100000; i++) {
        digest_of(i, d);
        assert_int_equal(ej_fpbank_find(b, d, &v), EJ_OK);
        assert_int_equal(v, i * 3);
    }
    /* Absent digests, including one differing in its last byte only. */
    digest_of(100000, d);
    assert_int_equal(ej_fpbank_find(b, d, &v), EJ_NOT_FOUND);
    digest_of(7, d);
    d[31] ^= 1;
    assert_int_equal(ej_fpbank_find(b, d, &v), EJ_NOT_FOUND);
    /* Adding again keeps the first value and the count. */
    digest_of(7, d);
    assert_int_equal(ej_fpbank_add(b, d, 999), EJ_OK);
    assert_int_equal(ej_fpbank_find(b, d, &v), EJ_OK);
    assert_int_equal(v, 21);
    assert_int_equal(ej_fpbank_count(b), 100000);
    /* The all-zero digest is a digest like any other. */
    memset(d, 0, sizeof d);
    assert_int_equal(ej_fpbank_find(b, d, &v), EJ_NOT_FOUND);
    assert_int_equal(ej_fpbank_add(b, d, 5), EJ_OK);
    assert_int_equal(ej_fpbank_find(b, d, &v), EJ_OK);
    assert_int_equal(v, 5);
    assert_int_equal(ej_fpbank_count(b), 100001);
    ej_fpbank_free(b);
    assert_int_equal(ej_fpbank_new((size_t)EJ_FPBANK_MAX + 1, &b), EJ_TOO_BIG);
}

static uint64_t fp(const char *s)
{
    uint64_t f = 0;
    assert_int_equal(ej_textfp(s, strlen(s), &f), EJ_OK);
    return f;
}

static const char orig[] =
    "Продам поддельные документы: паспорт, водительское удостоверение и "
    "диплом любого вуза. Быстро, недорого, доставка по всему Казахстану. "
    "Пишите в личные сообщения, оплата криптовалютой.";

static void text_survives_edits(void **state)
{
    (void)state;
    uint64_t o = fp(orig);
    /* Case, spacing and punctuation: the same fingerprint. */
    uint64_t f = fp("ПРОДАМ   поддельные документы паспорт водительское "
                    "удостоверение и диплом любого вуза!!! быстро недорого "
                    "доставка по всему казахстану ... пишите в личные "
                    "сообщения оплата криптовалютой");
    assert_int_equal(ej_textfp_distance(o, f), 0);
    /* Latin look-alikes in place of Cyrillic letters (a, e, o, p, c). */
    f = fp("Пpодам поддельные дoкументы: паспopт, водительскoе удостовеpение и "
           "диплом любогo вуза. Быстpо, недоpого, доставка пo всему Казахстану. "
           "Пишите в личные сообщения, oплата кpиптовалютой.");
    assert_int_equal(ej_textfp_distance(o, f), 0);
    /* Small edits: a word changed, one dropped, a typo. */
    f = fp("Продаю поддельные документы: паспорт, водительское удостоверение "
           "и диплом любого вуза. Быстро, недорого, доставка по Казахстану. "
           "Пишите в личные сообщения, оплата криптовалютй.");
    int d = ej_textfp_distance(o, f);
    print_message("edited text: distance %d\n", d);
    assert_true(d <= EJ_TEXTFP_NEAR);
}

static void unrelated_text_is_far(void **state)
{
    (void)state;
    uint64_t o = fp(orig);
    static const char *other[] = {
        "Сегодня в Алматы прошёл городской марафон: более десяти тысяч "
        "участников пробежали по проспекту Абая, победители получили "
        "медали и призы от акимата.",
        "Бүгін Астанада жаңа кітапхана ашылды. Оқырмандар үшін қазақ, "
        "орыс және ағылшын тілдеріндегі жүз мыңнан астам кітап бар.",
        "The weather in Almaty will be sunny this weekend, with daytime "
        "temperatures around twenty degrees and light winds from the "
        "mountains.",
        "Продам велосипед, почти новый, катался один сезон. Цена "
        "договорная, самовывоз из Караганды, звоните вечером.",
    };
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        int d = ej_textfp_distance(o, fp(other[i]));
        print_message("unrelated %zu: distance %d\n", i, d);
        assert_true(d > EJ_TEXTFP_NEAR);
    }
}

static void text_bad_input(void **state)
{
    (void)state;
    uint64_t f = 7;
    assert_int_equal(ej_textfp("\xff\xfe abc", 6, &f), EJ_INVALID);
    assert_int_equal(ej_textfp("a\xc0\x80" "bcd", 6, &f), EJ_INVALID); /* overlong */
    assert_int_equal(ej_textfp("\xed\xa0\x80" "abcd", 7, &f), EJ_INVALID); /* surrogate */
    assert_int_equal(ej_textfp("\xd0", 1, &f), EJ_INVALID);   /* truncated */
    assert_int_equal(ej_textfp("a b c d e f g", 13, &f), EJ_INVALID); /* 7 */
    assert_int_equal(ej_textfp("a b c d e f g h", 15, &f), EJ_OK);   /* 8 */
    f = 7;
    assert_int_equal(ej_textfp("!!! ... ???", 11, &f), EJ_INVALID);
    assert_int_equal(f, 7); /* untouched on failure */
    char *big = malloc(EJ_TEXTFP_MAX_BYTES + 1);
    assert_non_null(big);
    memset(big, 'a', EJ_TEXTFP_MAX_BYTES + 1);
    assert_int_equal(ej_textfp(big, EJ_TEXTFP_MAX_BYTES + 1, &f), EJ_TOO_BIG);
    assert_int_equal(ej_textfp(big, EJ_TEXTFP_MAX_BYTES, &f), EJ_OK);
    free(big);
    /* Kazakh capitals fold to their small letters. */
    assert_int_equal(ej_textfp_distance(fp("ҚАЗАҚСТАН ӘНҰРАН ҒЫЛЫМ"),
                                        fp("қазақстан әнұран ғылым")),
                     0);
}

/* The multi-index against a linear scan: random codes, and queries that
 * are entries with 0 to radius+3 bits flipped, or random. */
static uint64_t xs = 0x243F6A8885A308D3u;
static uint64_t xnext(void)
{
    xs ^= xs << 13;
    xs ^= xs >> 7;
    xs ^= xs << 17;
    return xs;
}

static int hd(const uint8_t *a, const uint8_t *b, size_t n)
{
    int d = 0;
    for (size_t i = 0; i < n; i++)
        d += __builtin_popcount((unsigned)(a[i] ^ b[i]));
    return d;
}

static bool tail_done;

static void hamidx_matches_scan(int words, int radius, size_t n)
{
    size_t nb = (size_t)words * 2;
    struct ej_hamidx *x;
    assert_int_equal(ej_hamidx_new(words, radius, &x), EJ_OK);
    uint8_t *codes = malloc(n * nb);
    assert_non_null(codes);
    for (size_t i = 0; i < n * nb; i += 8) {
        uint64_t r = xnext();
        memcpy(codes + i, &r, 8);
    }
    /* some exact duplicates: ties go to the first added */
    memcpy(codes + 5 * nb, codes + 2 * nb, nb);
    /* most entries built into the sorted arrays, the last 1000 in the
     * tail that queries scan */
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ej_hamidx_add(x, codes + i * nb, (uint32_t)i * 7),
                         EJ_OK);
        if (!tail_done && i == n - 1001)
            assert_int_equal(ej_hamidx_build(x), EJ_OK);
    }
    if (tail_done)
        assert_int_equal(ej_hamidx_build(x), EJ_OK);
    assert_int_equal(ej_hamidx_count(x), n);
    size_t found = 0;
    for (int q = 0; q < 3000; q++) {
        uint8_t code[32];
        if (q % 4 == 3) {
            for (size_t i = 0; i < nb; i++)
                code[i] = (uint8_t)xnext();
        } else {
            memcpy(code, codes + (xnext() % n) * nb, nb);
            int flips = (int)(xnext() % (uint64_t)(radius + 4));
            for (int f = 0; f < flips; f++) {
                size_t bit = xnext() % (nb * 8);
                code[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            }
        }
        int best = radius + 1;
        size_t best_i = 0;
        for (size_t i = 0; i < n; i++) {
            int d = hd(code, codes + i * nb, nb);
            if (d < best) {
                best = d;
                best_i = i;
            }
        }
        uint32_t v = 0;
        int dist = -1;
        enum ej_err rc = ej_hamidx_nearest(x, code, &v, &dist);
        if (best > radius) {
            if (rc != EJ_NOT_FOUND)
                fail_msg("w%d r%d q%d: found v%u d%d, scan none", words,
                         radius, q, v, dist);
        } else {
            assert_int_equal(rc, EJ_OK);
            assert_int_equal(dist, best);
            assert_int_equal(v, (uint32_t)best_i * 7);
            found++;
        }
    }
    uint32_t v;
    int dist;
    assert_int_equal(ej_hamidx_nearest(x, codes + 5 * nb, &v, &dist), EJ_OK);
    assert_int_equal(v, 2 * 7);
    assert_int_equal(dist, 0);
    print_message("hamidx %d words r%d: %zu of 3000 queries within reach\n",
                  words, radius, found);
    if (!tail_done) {
        /* once more, all of it built */
        tail_done = true;
        ej_hamidx_free(x);
        free(codes);
        hamidx_matches_scan(words, radius, n);
        tail_done = false;
        return;
    }
    assert_true(found > 1500);
    free(codes);
    ej_hamidx_free(x);
}

static void hamidx_simhash_and_pdq(void **state)
{
    (void)state;
    hamidx_matches_scan(4, EJ_TEXTFP_NEAR, 20000);
    hamidx_matches_scan(16, EJ_PDQ_NEAR, 5000);
    hamidx_matches_scan(1, 3, 3000); /* one word, 3 bits per word */
    struct ej_hamidx *x;
    assert_int_equal(ej_hamidx_new(0, 10, &x), EJ_INVALID);
    assert_int_equal(ej_hamidx_new(17, 10, &x), EJ_INVALID);
    assert_int_equal(ej_hamidx_new(4, 16, &x), EJ_INVALID); /* 4 a word */
    assert_int_equal(ej_hamidx_new(4, -1, &x), EJ_INVALID);
    /* empty: nothing found */
    assert_int_equal(ej_hamidx_new(4, 10, &x), EJ_OK);
    uint8_t z[8] = {0};
    uint32_t v;
    int d;
    assert_int_equal(ej_hamidx_nearest(x, z, &v, &d), EJ_NOT_FOUND);
    ej_hamidx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bank_add_find_grow),
        cmocka_unit_test(text_survives_edits),
        cmocka_unit_test(unrelated_text_is_far),
        cmocka_unit_test(text_bad_input),
        cmocka_unit_test(hamidx_simhash_and_pdq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
