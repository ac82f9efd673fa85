/* deadline.c: legal periods (exact, calendar days, working days) and
 * pausable clocks; see deadline.h for the counting rules. */
#include "internal.h"

static const struct {
    const char *suffix;
    enum ej_duration_unit unit;
    int64_t max;
    int64_t ms;
} units[] = {
    {"s", EJ_DUR_SECONDS, 315360000, 1000},
    {"min", EJ_DUR_MINUTES, 5256000, 60000},
    {"h", EJ_DUR_HOURS, 87600, 3600000},
    {"d", EJ_DUR_DAYS, 3660, 0},
    {"wd", EJ_DUR_WORKING_DAYS, 2600, 0},
};

enum ej_err ej_duration_parse(const char *s, size_t len,
                              struct ej_duration *out)
{
    size_t i = 0;
    int64_t n = 0;
    while (i < len && ej__is_digit(s[i])) {
        n = n * 10 + (s[i] - '0');
        if (n > 1000000000)
            return EJ_RANGE;
        i++;
    }
    if (i == 0 || i == len)
        return EJ_DURATION_SYNTAX;
    for (size_t u = 0; u < EJ_ARRAY_LEN(units); u++) {
        size_t sl = strlen(units[u].suffix);
        if (len - i == sl && memcmp(s + i, units[u].suffix, sl) == 0) {
            if (n < 1 || n > units[u].max)
                return EJ_RANGE;
            out->count = n;
            out->unit = units[u].unit;
            return EJ_OK;
        }
    }
    return EJ_DURATION_SYNTAX;
}

void ej_duration_format(struct ej_duration d, char buf[EJ_DURATION_TEXT_MAX])
{
    char tmp[24];
    size_t n = 0, o = 0;
    int64_t v = d.count < 0 ? 0 : d.count;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof tmp);
    while (n)
        buf[o++] = tmp[--n];
    const char *suf = "?";
    for (size_t u = 0; u < EJ_ARRAY_LEN(units); u++)
        if (units[u].unit == d.unit)
            suf = units[u].suffix;
    for (; *suf && o < EJ_DURATION_TEXT_MAX - 1; suf++)
        buf[o++] = *suf;
    buf[o] = '\0';
}

bool ej_duration_is_exact(struct ej_duration d)
{
    return d.unit == EJ_DUR_SECONDS || d.unit == EJ_DUR_MINUTES ||
           d.unit == EJ_DUR_HOURS;
}

int64_t ej_duration_ms(struct ej_duration d)
{
    for (size_t u = 0; u < EJ_ARRAY_LEN(units); u++)
        if (units[u].unit == d.unit)
            return d.count * units[u].ms;
    return 0;
}

enum ej_err ej_deadline_compute(int64_t from_ms, struct ej_duration dur,
                                const struct ej_tz *tz,
                                const struct ej_calendar *cal,
                                struct ej_deadline *out)
{
    struct ej_deadline r = {0};
    struct ej_date day, last;
    enum ej_err rc;

    if (!tz || dur.count < 1)
        return EJ_INVALID;
    if (from_ms > INT64_MAX / 4 || from_ms < INT64_MIN / 4)
        return EJ_RANGE;
    if (ej_duration_is_exact(dur)) {
        r.due_ms = from_ms + ej_duration_ms(dur);
        *out = r;
        return EJ_OK;
    }
    if (!cal)
        return EJ_INVALID;
    rc = ej_tz_local_date(tz, from_ms, &day);
    if (rc != EJ_OK)
        return rc;
    if (dur.unit == EJ_DUR_DAYS) {
        struct ej_date nominal;
        rc = ej_date_add_days(day, dur.count, &nominal);
        if (rc != EJ_OK)
            return EJ_CALENDAR_RANGE;
        rc = ej_calendar_next_working(cal, nominal, &last);
        if (rc != EJ_OK)
            return rc;
        r.moved = ej_date_cmp(nominal, last) != 0;
    } else {
        last = day;
        for (int64_t k = 0; k < dur.count; k++) {
            rc = ej_date_add_days(last, 1, &last);
            if (rc != EJ_OK)
                return EJ_CALENDAR_RANGE;
            rc = ej_calendar_next_working(cal, last, &last);
            if (rc != EJ_OK)
                return rc;
        }
    }
    rc = ej_tz_local_to_instant(tz, last, EJ_MS_PER_DAY, &r.due_ms);
    if (rc != EJ_OK)
        return rc;
    r.has_last_day = true;
    r.last_day = last;
    *out = r;
    return EJ_OK;
}

enum ej_err ej_clock_start(int64_t from_ms, struct ej_duration dur,
                           const struct ej_tz *tz,
                           const struct ej_calendar *cal, struct ej_clock *out)
{
    struct ej_clock c = {0};
    enum ej_err rc = ej_deadline_compute(from_ms, dur, tz, cal, &c.base);
    if (rc != EJ_OK)
        return rc;
    c.started_ms = from_ms;
    c.last_ms = from_ms;
    *out = c;
    return EJ_OK;
}

enum ej_err ej_clock_pause(struct ej_clock *c, int64_t at_ms)
{
    if (c->paused || at_ms < c->last_ms)
        return EJ_INVALID;
    c->paused = true;
    c->paused_since_ms = at_ms;
    c->last_ms = at_ms;
    return EJ_OK;
}

enum ej_err ej_clock_resume(struct ej_clock *c, int64_t at_ms)
{
    int64_t d;
    if (!c->paused || at_ms < c->paused_since_ms)
        return EJ_INVALID;
    if (__builtin_sub_overflow(at_ms, c->paused_since_ms, &d) ||
        d > INT64_MAX / 4 || c->paused_ms > INT64_MAX / 4 - d)
        return EJ_OVERFLOW;
    c->paused_ms += d;
    c->paused = false;
    c->last_ms = at_ms;
    return EJ_OK;
}

enum ej_err ej_clock_due(const struct ej_clock *c, int64_t now_ms,
                         int64_t *out_due_ms)
{
    if (now_ms < c->last_ms)
        return EJ_INVALID;
    int64_t paused = c->paused_ms, d;
    if (c->paused) {
        if (__builtin_sub_overflow(now_ms, c->paused_since_ms, &d) ||
            d > INT64_MAX / 4)
            return EJ_OVERFLOW;
        paused += d;
    }
    if (paused > INT64_MAX / 4 ||
        c->base.due_ms > INT64_MAX - paused)
        return EJ_OVERFLOW;
    *out_due_ms = c->base.due_ms + paused;
    return EJ_OK;
}
