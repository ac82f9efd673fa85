/* err.h: the one error enum of ereje.
 *
 * Every fallible function returns enum ej_err. EJ_OK is 0. Numbers are
 * frozen once published: new codes are appended, none is reused. The stable
 * name (ej_errname) is what the CLI prints and what the API puts in
 * {"error":{"code":...}}; the text (ej_strerror) is for people.
 */
#ifndef EREJE_ERR_H
#define EREJE_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

#ifndef EJ_EXTERN
#define EJ_EXTERN __attribute__((visibility("default")))
#endif

#define EJ_ERR_MAP(X)                                                        \
    X(OK, 0, "success")                                                      \
    X(NOMEM, 1, "out of memory")                                             \
    X(INVALID, 2, "invalid argument")                                        \
    X(RANGE, 3, "value out of range")                                        \
    X(IO, 4, "input/output error")                                           \
    X(TOO_BIG, 5, "input exceeds its size limit")                            \
    X(NOT_FOUND, 6, "not found")                                             \
    X(IDNUM_LENGTH, 10, "an IIN/BIN has exactly 12 digits")                  \
    X(IDNUM_NOT_DIGITS, 11, "an IIN/BIN consists of digits only")            \
    X(IDNUM_CHECKSUM, 12, "check digit does not match")                      \
    X(IDNUM_CHECK_UNDEFINED, 13,                                             \
      "both check-digit passes give 10: no valid number has these digits")   \
    X(IDNUM_DATE, 14, "impossible birth or registration date")               \
    X(IDNUM_CENTURY, 15, "IIN digit 7 (century and sex) is not 1-6")         \
    X(IDNUM_BIN_ENTITY, 16, "BIN digit 5 (entity type) is not 4, 5 or 6")    \
    X(IDNUM_BIN_BRANCH, 17, "BIN digit 6 (branch type) is not 0-3")          \
    X(TIME_SYNTAX, 20, "not an ISO 8601 date-time")                          \
    X(TIME_NO_OFFSET, 21, "date-time has no UTC offset (add Z or +05:00)")   \
    X(TIME_RANGE, 22, "impossible date or time")                             \
    X(DATE_SYNTAX, 23, "not a YYYY-MM-DD date")                              \
    X(DURATION_SYNTAX, 24,                                                   \
      "not a duration: use a count and a unit s, min, h, d or wd")           \
    X(TZ_FORMAT, 25, "not a valid TZif time-zone file")                      \
    X(TZ_UNKNOWN, 26, "unknown time zone")                                   \
    X(CALENDAR_RANGE, 27, "date outside the years the calendar covers")      \
    X(PACK_INVALID, 30, "policy pack is invalid")                            \
    X(PACK_YAML, 31, "policy file is not valid YAML")                        \
    X(RULE_NOT_FOUND, 32, "no such rule in the loaded packs")                \
    X(PARAM_NOT_FOUND, 33, "rule has no such parameter")                     \
    X(PARAM_TYPE, 34, "parameter has another type")                          \
    X(OVERFLOW, 35, "arithmetic overflow")                                   \
    X(UTF8, 40, "text is not valid UTF-8")                                   \
    X(MODEL_INVALID, 41, "content model file is invalid")

enum ej_err {
#define EJ_ERR_ENUM(name, num, text) EJ_##name = num,
    EJ_ERR_MAP(EJ_ERR_ENUM)
#undef EJ_ERR_ENUM
};

/* Stable name without the EJ_ prefix, e.g. "IDNUM_CHECKSUM"; a static
 * string, never NULL ("UNKNOWN" for a number that is not in the enum). */
EJ_EXTERN const char *ej_errname(enum ej_err err);

/* Human-readable text; a static string, never NULL. */
EJ_EXTERN const char *ej_strerror(enum ej_err err);

#ifdef __cplusplus
}
#endif
#endif
