/* tz.h: IANA time zones from TZif data (RFC 8536).
 *
 * The core does no I/O: the caller reads the zone file (for example
 * /usr/share/zoneinfo/Asia/Almaty from the system's tzdata) and hands its
 * bytes to ej_tz_parse. The result answers "what is the UTC offset at this
 * instant" and "which instant is this local wall-clock time" for any date,
 * including dates past the file's last transition (from its POSIX TZ
 * footer, e.g. "<+05>-5" for Almaty).
 */
#ifndef EREJE_TZ_H
#define EREJE_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "ereje/date.h"
#include "ereje/err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ej_tz;

/* Largest TZif file accepted, in bytes. */
#define EJ_TZ_MAX_BYTES (256 * 1024)
/* Longest zone name, e.g. "America/Argentina/ComodRivadavia". */
#define EJ_TZ_NAME_MAX 64

/* Parse TZif bytes. name is copied (e.g. "Asia/Almaty"). On success *out
 * owns a new zone the caller frees with ej_tz_free. Errors: EJ_TZ_FORMAT,
 * EJ_TOO_BIG, EJ_NOMEM, EJ_INVALID. */
EJ_EXTERN enum ej_err ej_tz_parse(const char *name, const unsigned char *data,
                                  size_t len, struct ej_tz **out);

/* Parse a bare POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3" as a
 * zone (tests and fixed-offset zones). Same ownership as ej_tz_parse. */
EJ_EXTERN enum ej_err ej_tz_from_posix(const char *name, const char *posix,
                                       struct ej_tz **out);

/* Frees a zone; NULL is allowed. */
EJ_EXTERN void ej_tz_free(struct ej_tz *tz);

/* The zone's name; owned by tz. */
EJ_EXTERN const char *ej_tz_name(const struct ej_tz *tz);

/* True when name is a safe relative IANA zone name: letters, digits, '_',
 * '-', '+' and '/' between components, no "." or ".." component, at most
 * EJ_TZ_NAME_MAX bytes. */
EJ_EXTERN bool ej_tz_name_valid(const char *name);

/* UTC offset in seconds east of UTC in effect at instant ms. */
EJ_EXTERN int ej_tz_offset_at(const struct ej_tz *tz, int64_t ms);

/* The instant at which the local wall clock shows date d at ms_of_day
 * (0 <= ms_of_day <= 86,400,000; 86,400,000 means 24:00, the end of d).
 * A wall time that occurs twice (clocks set back) gives the earlier
 * instant; one that does not occur (clocks set forward) is read with the
 * offset in effect before the gap, which lands after the gap. */
EJ_EXTERN enum ej_err ej_tz_local_to_instant(const struct ej_tz *tz,
                                             struct ej_date d,
                                             int64_t ms_of_day,
                                             int64_t *out_ms);

/* Local civil date at instant ms. */
EJ_EXTERN enum ej_err ej_tz_local_date(const struct ej_tz *tz, int64_t ms,
                                       struct ej_date *out);

#ifdef __cplusplus
}
#endif
#endif
