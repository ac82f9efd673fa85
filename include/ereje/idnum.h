/* idnum.h: Kazakhstan's individual (IIN) and business (BIN) identification
 * numbers.
 *
 * Both are 12 digits; the 12th is a check digit computed by a weighted sum
 * mod 11 with weights 1..11, and when that gives 10, a second pass with
 * weights 3..11,1,2; when the second pass gives 10 too, no valid number has
 * these first 11 digits.
 *
 * IIN: YYMMDD birth date, digit 7 = century and sex (1/2 = 1800s male/
 * female, 3/4 = 1900s, 5/6 = 2000s), digits 8-11 serial.
 * BIN: YYMM registration year and month, digit 5 = entity type (4 resident
 * legal entity, 5 non-resident legal entity, 6 individual entrepreneur in
 * joint entrepreneurship), digit 6 = branch type (0 head office, 1 branch,
 * 2 representative office, 3 peasant farm in joint entrepreneurship),
 * digits 7-11 serial. A number whose digit 5 is 4, 5 or 6 is read as a BIN
 * (an IIN's digit 5 is the tens of the birth day, 0-3).
 */
#ifndef EREJE_IDNUM_H
#define EREJE_IDNUM_H

#include <stddef.h>

#include "ereje/date.h"
#include "ereje/err.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ej_idnum_kind { EJ_IDNUM_UNKNOWN = 0, EJ_IDNUM_IIN, EJ_IDNUM_BIN };
enum ej_sex { EJ_SEX_MALE = 1, EJ_SEX_FEMALE = 2 };
enum ej_bin_entity {
    EJ_BIN_RESIDENT = 4,
    EJ_BIN_NONRESIDENT = 5,
    EJ_BIN_JOINT_ENTREPRENEUR = 6,
};
enum ej_bin_branch {
    EJ_BIN_HEAD = 0,
    EJ_BIN_BRANCH = 1,
    EJ_BIN_REPRESENTATIVE = 2,
    EJ_BIN_PEASANT_FARM = 3,
};

struct ej_idnum {
    enum ej_idnum_kind kind;
    struct ej_date birth_date;   /* IIN */
    enum ej_sex sex;             /* IIN */
    int reg_year, reg_month;     /* BIN */
    enum ej_bin_entity entity;   /* BIN */
    enum ej_bin_branch branch;   /* BIN */
};

/* Check digit of the first 11 digits d[0..10] (values 0..9), or -1 when
 * both passes give 10. */
EJ_EXTERN int ej_idnum_check_digit(const unsigned char d[11]);

/* Validate and parse s (len bytes, exactly 12 ASCII digits). On EJ_OK *out
 * holds the parsed fields. When the number is well-formed enough to tell
 * its kind but invalid, *kind_out (if not NULL) still says which kind it
 * looked like (else EJ_IDNUM_UNKNOWN).
 * Errors: EJ_IDNUM_LENGTH, EJ_IDNUM_NOT_DIGITS, EJ_IDNUM_CENTURY,
 * EJ_IDNUM_DATE, EJ_IDNUM_BIN_ENTITY, EJ_IDNUM_BIN_BRANCH,
 * EJ_IDNUM_CHECK_UNDEFINED, EJ_IDNUM_CHECKSUM. */
EJ_EXTERN enum ej_err ej_idnum_parse(const char *s, size_t len,
                                     struct ej_idnum *out,
                                     enum ej_idnum_kind *kind_out);

/* "iin", "bin" or NULL; "resident", "non_resident", "joint_entrepreneur";
 * "head", "branch", "representative", "peasant_farm". */
EJ_EXTERN const char *ej_idnum_kind_name(enum ej_idnum_kind k);
EJ_EXTERN const char *ej_bin_entity_name(enum ej_bin_entity e);
EJ_EXTERN const char *ej_bin_branch_name(enum ej_bin_branch b);

#ifdef __cplusplus
}
#endif
#endif
