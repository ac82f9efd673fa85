/* idnum.c: IIN and BIN validation and parsing; see idnum.h for the rules.
 *
 * BIN years: YY >= 50 is read as 19YY (entities registered in Soviet and
 * early independent Kazakhstan kept their registration dates, e.g. 1994),
 * YY < 50 as 20YY. This pivot is an assumption, documented in docs/.
 */
#include "internal.h"

static const unsigned char w1[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static const unsigned char w2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};

int ej_idnum_check_digit(const unsigned char d[11])
{
    unsigned s1 = 0, s2 = 0;
    for (int i = 0; i < 11; i++) {
        s1 += (unsigned)d[i] * w1[i];
        s2 += (unsigned)d[i] * w2[i];
    }
    if (s1 % 11 != 10)
        return (int)(s1 % 11);
    if (s2 % 11 != 10)
        return (int)(s2 % 11);
    return -1;
}

static int two(const unsigned char *d) { return d[0] * 10 + d[1]; }

enum ej_err ej_idnum_parse(const char *s, size_t len, struct ej_idnum *out,
                           enum ej_idnum_kind *kind_out)
{
    unsigned char d[12];
    struct ej_idnum r = {0};
    enum ej_err rc;

    if (kind_out)
        *kind_out = EJ_IDNUM_UNKNOWN;
    if (len != 12) {
        for (size_t i = 0; i < len; i++)
            if (!ej__is_digit(s[i]))
                return EJ_IDNUM_NOT_DIGITS;
        return EJ_IDNUM_LENGTH;
    }
    for (size_t i = 0; i < 12; i++) {
        if (!ej__is_digit(s[i]))
            return EJ_IDNUM_NOT_DIGITS;
        d[i] = (unsigned char)(s[i] - '0');
    }

    if (d[4] >= 4 && d[4] <= 6) {
        r.kind = EJ_IDNUM_BIN;
        if (kind_out)
            *kind_out = r.kind;
        int yy = two(d), mm = two(d + 2);
        if (mm < 1 || mm > 12)
            return EJ_IDNUM_DATE;
        if (d[5] > 3)
            return EJ_IDNUM_BIN_BRANCH;
        r.reg_year = yy >= 50 ? 1900 + yy : 2000 + yy;
        r.reg_month = mm;
        r.entity = (enum ej_bin_entity)d[4];
        r.branch = (enum ej_bin_branch)d[5];
    } else if (d[4] <= 3) {
        r.kind = EJ_IDNUM_IIN;
        if (kind_out)
            *kind_out = r.kind;
        if (d[6] < 1 || d[6] > 6)
            return EJ_IDNUM_CENTURY;
        r.birth_date.year = 1800 + 100 * ((d[6] - 1) / 2) + two(d);
        r.birth_date.month = two(d + 2);
        r.birth_date.day = two(d + 4);
        if (!ej_date_valid(r.birth_date))
            return EJ_IDNUM_DATE;
        r.sex = d[6] % 2 ? EJ_SEX_MALE : EJ_SEX_FEMALE;
    } else {
        /* Digit 5 of 7-9: neither a day's tens nor an entity type. */
        return EJ_IDNUM_BIN_ENTITY;
    }

    int cd = ej_idnum_check_digit(d);
    if (cd < 0)
        return EJ_IDNUM_CHECK_UNDEFINED;
    if (cd != d[11])
        return EJ_IDNUM_CHECKSUM;
    rc = EJ_OK;
    *out = r;
    return rc;
}

const char *ej_idnum_kind_name(enum ej_idnum_kind k)
{
    switch (k) {
    case EJ_IDNUM_IIN:
        return "iin";
    case EJ_IDNUM_BIN:
        return "bin";
    default:
        return NULL;
    }
}

const char *ej_bin_entity_name(enum ej_bin_entity e)
{
    switch (e) {
    case EJ_BIN_RESIDENT:
        return "resident";
    case EJ_BIN_NONRESIDENT:
        return "non_resident";
    case EJ_BIN_JOINT_ENTREPRENEUR:
        return "joint_entrepreneur";
    }
    return NULL;
}

const char *ej_bin_branch_name(enum ej_bin_branch b)
{
    switch (b) {
    case EJ_BIN_HEAD:
        return "head";
    case EJ_BIN_BRANCH:
        return "branch";
    case EJ_BIN_REPRESENTATIVE:
        return "representative";
    case EJ_BIN_PEASANT_FARM:
        return "peasant_farm";
    }
    return NULL;
}
