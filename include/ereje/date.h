/* date.h: civil (proleptic Gregorian) dates and UTC instants.
 *
 * An instant is int64 milliseconds since 1970-01-01T00:00:00Z (UTC; leap
 * seconds are not counted, as in POSIX). A civil date is a struct ej_date.
 * Only years 0001-9999 are accepted anywhere.
 */
#ifndef EREJE_DATE_H
#define EREJE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EJ_MS_PER_SEC INT64_C(1000)
#define EJ_MS_PER_DAY INT64_C(86400000)

struct ej_date {
    int year;  /* 1..9999 */
    int month; /* 1..12 */
    int day;   /* 1..31 */
};

/* Weekday numbers: 1 = Monday ... 7 = Sunday (ISO 8601). */
enum ej_weekday {
    EJ_MON = 1, EJ_TUE, EJ_WED, EJ_THU, EJ_FRI, EJ_SAT, EJ_SUN
};

/* Longest text ej_instant_format writes, with its NUL:
 * "9999-12-31T23:59:59.999+14:00". */
#define EJ_INSTANT_TEXT_MAX 32
/* "YYYY-MM-DD" and its NUL. */
#define EJ_DATE_TEXT_MAX 11

EJ_EXTERN bool ej_date_is_leap(int year);
/* Days in the month, 0 when month is not 1..12. */
EJ_EXTERN int ej_date_month_days(int year, int month);
/* True when the fields name a real date in 0001..9999. */
EJ_EXTERN bool ej_date_valid(struct ej_date d);
/* Days since 1970-01-01 (negative before). d must be valid. */
EJ_EXTERN int64_t ej_date_to_days(struct ej_date d);
/* Inverse of ej_date_to_days; EJ_RANGE outside 0001..9999. */
EJ_EXTERN enum ej_err ej_date_from_days(int64_t days, struct ej_date *out);
/* d plus n days; EJ_RANGE when the result leaves 0001..9999. */
EJ_EXTERN enum ej_err ej_date_add_days(struct ej_date d, int64_t n,
                                       struct ej_date *out);
EJ_EXTERN enum ej_weekday ej_date_weekday(struct ej_date d);
/* <0, 0, >0 like strcmp. */
EJ_EXTERN int ej_date_cmp(struct ej_date a, struct ej_date b);

/* Parse exactly "YYYY-MM-DD" (len bytes, no NUL needed). Errors:
 * EJ_DATE_SYNTAX, EJ_TIME_RANGE for an impossible date such as 2025-02-29. */
EJ_EXTERN enum ej_err ej_date_parse(const char *s, size_t len,
                                    struct ej_date *out);
/* Write "YYYY-MM-DD" into buf (EJ_DATE_TEXT_MAX bytes). */
EJ_EXTERN void ej_date_format(struct ej_date d, char buf[EJ_DATE_TEXT_MAX]);

/* Parse an ISO 8601 / RFC 3339 date-time with a UTC offset:
 * YYYY-MM-DDThh:mm[:ss[.fff...]](Z|+hh:mm|-hh:mm|+hhmm|+hh). A space may
 * stand for T and t/z are accepted. Fractions beyond milliseconds are
 * truncated. On success *out_ms is the instant and, when out_offset_s is
 * not NULL, *out_offset_s the offset written in the text.
 * Errors: EJ_TIME_SYNTAX, EJ_TIME_NO_OFFSET, EJ_TIME_RANGE. */
EJ_EXTERN enum ej_err ej_instant_parse(const char *s, size_t len,
                                       int64_t *out_ms, int *out_offset_s);

/* Format an instant as seen at a fixed offset (seconds east of UTC), e.g.
 * "2026-03-31T19:00:00Z" for offset 0 or "2026-04-01T00:00:00+05:00".
 * Milliseconds are written only when not zero. EJ_RANGE when the local
 * date leaves 0001..9999. */
EJ_EXTERN enum ej_err ej_instant_format(int64_t ms, int offset_s,
                                        char buf[EJ_INSTANT_TEXT_MAX]);

/* Split an instant into the civil date and the milliseconds since that
 * date's midnight, both at the given offset. */
EJ_EXTERN enum ej_err ej_instant_split(int64_t ms, int offset_s,
                                       struct ej_date *out_date,
                                       int64_t *out_ms_of_day);

#ifdef __cplusplus
}
#endif
#endif
