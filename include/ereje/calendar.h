/* calendar.h: a working-day calendar (weekends, holidays, transfers).
 *
 * A calendar covers a closed range of dates. Inside it a day is working
 * unless it is a weekend day or listed as non-working; a weekend day listed
 * as working (a day off moved by decree) is working. Outside the range the
 * calendar does not know, and says so with EJ_CALENDAR_RANGE rather than
 * guess: a legal deadline computed on a guessed holiday list is worse than
 * an error that asks for the next year's table.
 */
#ifndef EREJE_CALENDAR_H
#define EREJE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "ereje/date.h"
#include "ereje/err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ej_calendar;

/* Most dates one calendar may list (holidays plus working overrides). */
#define EJ_CALENDAR_MAX_DAYS 4096

/* Bit for a weekday in a weekend mask: EJ_WEEKDAY_BIT(EJ_SAT). */
#define EJ_WEEKDAY_BIT(wd) (1u << (wd))

/* New empty calendar covering [from, to]. weekend_mask is an OR of
 * EJ_WEEKDAY_BIT values. *out is owned by the caller: ej_calendar_free. */
EJ_EXTERN enum ej_err ej_calendar_new(const char *id, struct ej_date from,
                                      struct ej_date to,
                                      unsigned weekend_mask,
                                      struct ej_calendar **out);
EJ_EXTERN void ej_calendar_free(struct ej_calendar *cal);

/* List d as non-working (working = false) or as a working weekend day
 * (working = true). EJ_RANGE outside the covered range, EJ_INVALID when d
 * is already listed, EJ_TOO_BIG past EJ_CALENDAR_MAX_DAYS. */
EJ_EXTERN enum ej_err ej_calendar_set_day(struct ej_calendar *cal,
                                          struct ej_date d, bool working);

EJ_EXTERN const char *ej_calendar_id(const struct ej_calendar *cal);
EJ_EXTERN void ej_calendar_range(const struct ej_calendar *cal,
                                 struct ej_date *from, struct ej_date *to);

/* *out = whether d is a working day. EJ_CALENDAR_RANGE outside the range. */
EJ_EXTERN enum ej_err ej_calendar_is_working(const struct ej_calendar *cal,
                                             struct ej_date d, bool *out);

/* First working day on or after d. EJ_CALENDAR_RANGE when none is known. */
EJ_EXTERN enum ej_err ej_calendar_next_working(const struct ej_calendar *cal,
                                               struct ej_date d,
                                               struct ej_date *out);

#ifdef __cplusplus
}
#endif
#endif
