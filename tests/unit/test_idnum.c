/* test_idnum.c: IIN/BIN parsing beyond the case files: the check-digit
 * function over many prefixes and the API's out-parameter contract. */
#include "testutil.h"

#include <string.h>

/* Reference check digit written from the specification, not the library. */
static int ref_check(const unsigned char d[11])
{
    int s = 0;
    for (int i = 0; i < 11; i++)
        s += d[i] * (i + 1);
    if (s % 11 != 10)
        return s % 11;
    static const int w[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
    s = 0;
    for (int i = 0; i < 11; i++)
        s += d[i] * w[i];
    return s % 11 == 10 ? -1 : s % 11;
}

static void check_digit_matches_reference(void **state)
{
    (void)state;
    unsigned char d[11];
    uint64_t x = 88172645463325252ull;
    int second_pass = 0, undefined = 0;
    for (int n = 0; n < 200000; n++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t v = x;
        for (int i = 0; i < 11; i++, v /= 10)
            d[i] = (unsigned char)(v % 10);
        int want = ref_check(d);
        assert_int_equal(ej_idnum_check_digit(d), want);
        int s = 0;
        for (int i = 0; i < 11; i++)
            s += d[i] * (i + 1);
        second_pass += s % 11 == 10;
        undefined += want < 0;
    }
    /* Both branches were exercised. */
    assert_true(second_pass > 1000);
    assert_true(undefined > 10);
}

static void contract(void **state)
{
    (void)state;
    struct ej_idnum id = {.kind = EJ_IDNUM_BIN};
    enum ej_idnum_kind k = EJ_IDNUM_BIN;
    /* Failure leaves *out untouched and reports the kind it looked like. */
    assert_int_equal(ej_idnum_parse("900101300188", 12, &id, &k),
                     EJ_IDNUM_CHECKSUM);
    assert_int_equal(id.kind, EJ_IDNUM_BIN);
    assert_int_equal(k, EJ_IDNUM_IIN);
    assert_int_equal(ej_idnum_parse("12345", 5, &id, &k), EJ_IDNUM_LENGTH);
    assert_int_equal(k, EJ_IDNUM_UNKNOWN);
    assert_int_equal(ej_idnum_parse("1234a", 5, &id, NULL),
                     EJ_IDNUM_NOT_DIGITS);
    /* A NUL inside the length is not a digit. */
    assert_int_equal(ej_idnum_parse("94074000\0" "911", 12, &id, NULL),
                     EJ_IDNUM_NOT_DIGITS);
    assert_int_equal(ej_idnum_parse("940740000911", 12, &id, &k), EJ_OK);
    assert_int_equal(id.kind, EJ_IDNUM_BIN);
    assert_int_equal(id.reg_year, 1994);
    assert_int_equal(id.reg_month, 7);
    assert_string_equal(ej_bin_entity_name(id.entity), "resident");
    assert_string_equal(ej_bin_branch_name(id.branch), "head");
    assert_null(ej_idnum_kind_name(EJ_IDNUM_UNKNOWN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_digit_matches_reference),
        cmocka_unit_test(contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
