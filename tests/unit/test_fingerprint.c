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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bank_add_find_grow),
        cmocka_unit_test(text_survives_edits),
        cmocka_unit_test(unrelated_text_is_far),
        cmocka_unit_test(text_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
