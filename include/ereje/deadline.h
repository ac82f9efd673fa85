/* deadline.h: legal periods and the clocks that run them.
 *
 * Three ways to count, as the law does:
 *  - exact time (s, min, h): due = start + the period, no calendar shift
 *    (Law 18-VIII Art. 9(4)(2): "within twenty-four hours after receipt");
 *  - calendar days (d): counted from the day after the start, in the zone
 *    of the pack; a last day that is not a working day moves to the next
 *    working day; the period ends at 24:00 local of the last day;
 *  - working days (wd): the n-th working day after the start's local date;
 *    the period ends at 24:00 local of that day.
 * Dates are always local dates in the pack's zone, read from tzdata.
 */
#ifndef EREJE_DEADLINE_H
#define EREJE_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/calendar.h"
#include "ereje/date.h"
#include "ereje/err.h"
#include "ereje/tz.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ej_duration_unit {
    EJ_DUR_SECONDS,
    EJ_DUR_MINUTES,
    EJ_DUR_HOURS,
    EJ_DUR_DAYS,
    EJ_DUR_WORKING_DAYS,
};

struct ej_duration {
    int64_t count; /* >= 1, at most about ten years in its unit */
    enum ej_duration_unit unit;
};

/* "24h", "90min", "30s", "10d", "5wd" (no spaces, count >= 1, at most ten
 * years: 315360000s, 5256000min, 87600h, 3660d, 2600wd). */
#define EJ_DURATION_TEXT_MAX 24
EJ_EXTERN enum ej_err ej_duration_parse(const char *s, size_t len,
                                        struct ej_duration *out);
/* Canonical text of d, e.g. "5wd". */
EJ_EXTERN void ej_duration_format(struct ej_duration d,
                                  char buf[EJ_DURATION_TEXT_MAX]);
/* True for s, min and h: periods measured on the clock, not the calendar. */
EJ_EXTERN bool ej_duration_is_exact(struct ej_duration d);
/* Milliseconds of an exact duration (0 for d and wd). */
EJ_EXTERN int64_t ej_duration_ms(struct ej_duration d);

struct ej_deadline {
    int64_t due_ms;         /* the instant the period ends (exclusive) */
    bool has_last_day;      /* d and wd: the period's last day is set */
    struct ej_date last_day;/* local date of the last day */
    bool moved;             /* d: the last day was moved off a day off */
};

/* Deadline of a period of length dur starting at from_ms. tz is required;
 * cal is required for d and wd (EJ_INVALID when NULL) and unused for exact
 * periods. EJ_CALENDAR_RANGE when the count runs past the calendar. */
EJ_EXTERN enum ej_err ej_deadline_compute(int64_t from_ms,
                                          struct ej_duration dur,
                                          const struct ej_tz *tz,
                                          const struct ej_calendar *cal,
                                          struct ej_deadline *out);

/* A clock that runs a deadline and can be paused (for example while the
 * platform awaits a clarification it asked for). Pausing moves the due
 * instant by exactly the time spent paused. Plain value: no allocation. */
struct ej_clock {
    int64_t started_ms;
    struct ej_deadline base; /* deadline with no pause */
    int64_t paused_ms;       /* total time spent paused, closed pauses */
    bool paused;
    int64_t paused_since_ms;
    int64_t last_ms;         /* last start/pause/resume instant */
};

EJ_EXTERN enum ej_err ej_clock_start(int64_t from_ms, struct ej_duration dur,
                                     const struct ej_tz *tz,
                                     const struct ej_calendar *cal,
                                     struct ej_clock *out);
/* EJ_INVALID when already paused or at_ms is before the clock's last
 * event. */
EJ_EXTERN enum ej_err ej_clock_pause(struct ej_clock *c, int64_t at_ms);
/* EJ_INVALID when not paused or at_ms is before the pause. */
EJ_EXTERN enum ej_err ej_clock_resume(struct ej_clock *c, int64_t at_ms);
/* Due instant as known at now_ms: while paused the due keeps moving, so it
 * is computed as if the clock resumed at now_ms. The time paused is added
 * to the due instant, which is exact for periods of clock time (the order
 * clocks); for d and wd periods, which end at 24:00, `ereje deadline`
 * instead counts the period again from its start plus the time paused
 * (ej_deadline_compute). EJ_INVALID when now_ms is before the clock's last
 * event. */
EJ_EXTERN enum ej_err ej_clock_due(const struct ej_clock *c, int64_t now_ms,
                                   int64_t *out_due_ms);

#ifdef __cplusplus
}
#endif
#endif
