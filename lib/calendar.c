/* calendar.c: working-day calendars; see calendar.h.
 *
 * Days are stored as a sorted array of (day number, working flag) so that a
 * lookup is a binary search and the structure is immutable once loaded.
 */
#include "internal.h"

struct day_entry {
    int64_t day;
    bool working;
};

struct ej_calendar {
    char *id;
    struct ej_date from, to;
    int64_t from_day, to_day;
    unsigned weekend;
    struct day_entry *days;
    size_t n, cap;
};

enum ej_err ej_calendar_new(const char *id, struct ej_date from,
                            struct ej_date to, unsigned weekend_mask,
                            struct ej_calendar **out)
{
    *out = NULL;
    if (!ej_date_valid(from) || !ej_date_valid(to) ||
        ej_date_cmp(from, to) > 0 || (weekend_mask & ~0xFEu) ||
        weekend_mask == 0xFEu)
        return EJ_INVALID;
    struct ej_calendar *c = ej__calloc(1, sizeof *c);
    if (!c)
        return EJ_NOMEM;
    c->id = ej__strndup(id, strlen(id));
    if (!c->id) {
        ej__free(c);
        return EJ_NOMEM;
    }
    c->from = from;
    c->to = to;
    c->from_day = ej_date_to_days(from);
    c->to_day = ej_date_to_days(to);
    c->weekend = weekend_mask;
    *out = c;
    return EJ_OK;
}

void ej_calendar_free(struct ej_calendar *c)
{
    if (!c)
        return;
    ej__free(c->id);
    ej__free(c->days);
    ej__free(c);
}

const char *ej_calendar_id(const struct ej_calendar *c) { return c->id; }

void ej_calendar_range(const struct ej_calendar *c, struct ej_date *from,
                       struct ej_date *to)
{
    *from = c->from;
    *to = c->to;
}

/* Index of the first entry with day >= z. */
static size_t lower_bound(const struct ej_calendar *c, int64_t z)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->days[mid].day < z)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

enum ej_err ej_calendar_set_day(struct ej_calendar *c, struct ej_date d,
                                bool working)
{
    if (!ej_date_valid(d))
        return EJ_RANGE;
    int64_t z = ej_date_to_days(d);
    if (z < c->from_day || z > c->to_day)
        return EJ_RANGE;
    size_t at = lower_bound(c, z);
    if (at < c->n && c->days[at].day == z)
        return EJ_INVALID;
    if (c->n == EJ_CALENDAR_MAX_DAYS)
        return EJ_TOO_BIG;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct day_entry *nd = ej__realloc(c->days, cap * sizeof *nd);
        if (!nd)
            return EJ_NOMEM;
        c->days = nd;
        c->cap = cap;
    }
    memmove(c->days + at + 1, c->days + at, (c->n - at) * sizeof *c->days);
    c->days[at] = (struct day_entry){z, working};
    c->n++;
    return EJ_OK;
}

enum ej_err ej_calendar_is_working(const struct ej_calendar *c,
                                   struct ej_date d, bool *out)
{
    if (!ej_date_valid(d))
        return EJ_RANGE;
    int64_t z = ej_date_to_days(d);
    if (z < c->from_day || z > c->to_day)
        return EJ_CALENDAR_RANGE;
    size_t at = lower_bound(c, z);
    if (at < c->n && c->days[at].day == z)
        *out = c->days[at].working;
    else
        *out = !(c->weekend & EJ_WEEKDAY_BIT(ej_date_weekday(d)));
    return EJ_OK;
}

enum ej_err ej_calendar_next_working(const struct ej_calendar *c,
                                     struct ej_date d, struct ej_date *out)
{
    for (;;) {
        bool w;
        enum ej_err rc = ej_calendar_is_working(c, d, &w);
        if (rc != EJ_OK)
            return rc;
        if (w) {
            *out = d;
            return EJ_OK;
        }
        rc = ej_date_add_days(d, 1, &d);
        if (rc != EJ_OK)
            return EJ_CALENDAR_RANGE;
    }
}
