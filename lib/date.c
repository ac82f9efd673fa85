/* date.c: civil-date arithmetic and ISO 8601 parsing and formatting.
 *
 * Written by hand: the C library's mktime/gmtime/strptime read global state
 * (TZ, locale) or use static buffers, which the pure core may not. The day
 * arithmetic is Howard Hinnant's days_from_civil/civil_from_days.
 */
#include "internal.h"

#define MIN_DAYS (-719162) /* 0001-01-01 */
#define MAX_DAYS 2932896   /* 9999-12-31 */

bool ej_date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int ej_date_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return days[m - 1] + (m == 2 && ej_date_is_leap(y));
}

bool ej_date_valid(struct ej_date d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 &&
           d.day >= 1 && d.day <= ej_date_month_days(d.year, d.month);
}

int64_t ej_date_to_days(struct ej_date d)
{
    int64_t y = d.year - (d.month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d.month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

enum ej_err ej_date_from_days(int64_t z, struct ej_date *out)
{
    if (z < MIN_DAYS || z > MAX_DAYS)
        return EJ_RANGE;
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int)(yoe + era * 400 + (m <= 2));
    out->month = (int)m;
    out->day = (int)d;
    return EJ_OK;
}

enum ej_err ej_date_add_days(struct ej_date d, int64_t n, struct ej_date *out)
{
    if (!ej_date_valid(d) || n > MAX_DAYS - MIN_DAYS || n < MIN_DAYS - MAX_DAYS)
        return EJ_RANGE;
    return ej_date_from_days(ej_date_to_days(d) + n, out);
}

enum ej_weekday ej_date_weekday(struct ej_date d)
{
    int64_t z = ej_date_to_days(d); /* 1970-01-01 was a Thursday */
    int64_t w = (z % 7 + 7 + 3) % 7; /* 0 = Monday */
    return (enum ej_weekday)(w + 1);
}

int ej_date_cmp(struct ej_date a, struct ej_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

/* Read exactly n digits at s[*i]; false when any is not a digit. */
static bool digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int v = 0;
    if (*i + (size_t)n > len)
        return false;
    for (int k = 0; k < n; k++) {
        char c = s[*i + (size_t)k];
        if (!ej__is_digit(c))
            return false;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)n;
    *out = v;
    return true;
}

static bool date_fields(const char *s, size_t len, size_t *i,
                        struct ej_date *d)
{
    return digits(s, len, i, 4, &d->year) && *i < len && s[(*i)++] == '-' &&
           digits(s, len, i, 2, &d->month) && *i < len &&
           s[(*i)++] == '-' && digits(s, len, i, 2, &d->day);
}

enum ej_err ej_date_parse(const char *s, size_t len, struct ej_date *out)
{
    struct ej_date d;
    size_t i = 0;
    if (!date_fields(s, len, &i, &d) || i != len)
        return EJ_DATE_SYNTAX;
    if (!ej_date_valid(d))
        return EJ_TIME_RANGE;
    *out = d;
    return EJ_OK;
}

void ej_date_format(struct ej_date d, char buf[EJ_DATE_TEXT_MAX])
{
    int v[3] = {d.year, d.month, d.day};
    int w[3] = {4, 2, 2};
    size_t o = 0;
    for (int f = 0; f < 3; f++) {
        int x = v[f];
        for (int k = w[f] - 1; k >= 0; k--) {
            buf[o + (size_t)k] = (char)('0' + x % 10);
            x /= 10;
        }
        o += (size_t)w[f];
        if (f < 2)
            buf[o++] = '-';
    }
    buf[o] = '\0';
}

enum ej_err ej_instant_parse(const char *s, size_t len, int64_t *out_ms,
                             int *out_offset_s)
{
    struct ej_date d;
    int hh, mm, ss = 0, ms = 0, off = 0;
    size_t i = 0;

    if (!date_fields(s, len, &i, &d))
        return EJ_TIME_SYNTAX;
    if (i == len)
        return EJ_TIME_SYNTAX; /* a date alone is not an instant */
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        return EJ_TIME_SYNTAX;
    i++;
    if (!digits(s, len, &i, 2, &hh) || i >= len || s[i++] != ':' ||
        !digits(s, len, &i, 2, &mm))
        return EJ_TIME_SYNTAX;
    if (i < len && s[i] == ':') {
        i++;
        if (!digits(s, len, &i, 2, &ss))
            return EJ_TIME_SYNTAX;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            int nd = 0;
            i++;
            while (i < len && ej__is_digit(s[i])) {
                if (nd < 3)
                    ms = ms * 10 + (s[i] - '0');
                nd++;
                i++;
            }
            if (nd == 0 || nd > 9)
                return EJ_TIME_SYNTAX;
            for (; nd < 3; nd++)
                ms *= 10;
        }
    }
    if (i == len)
        return EJ_TIME_NO_OFFSET;
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i++] == '-' ? -1 : 1, oh, om = 0;
        if (!digits(s, len, &i, 2, &oh))
            return EJ_TIME_SYNTAX;
        if (i < len && s[i] == ':') {
            i++;
            if (!digits(s, len, &i, 2, &om))
                return EJ_TIME_SYNTAX;
        } else if (i < len && !digits(s, len, &i, 2, &om)) {
            return EJ_TIME_SYNTAX;
        }
        if (oh > 23 || om > 59)
            return EJ_TIME_RANGE;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return EJ_TIME_SYNTAX;
    }
    if (i != len)
        return EJ_TIME_SYNTAX;
    /* 24:00:00 is not accepted; a leap second (:60) is not representable. */
    if (!ej_date_valid(d) || hh > 23 || mm > 59 || ss > 59)
        return EJ_TIME_RANGE;

    *out_ms = (ej_date_to_days(d) * 86400 + hh * 3600 + mm * 60 + ss - off) *
                  EJ_MS_PER_SEC +
              ms;
    if (out_offset_s)
        *out_offset_s = off;
    return EJ_OK;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

enum ej_err ej_instant_split(int64_t ms, int offset_s, struct ej_date *out_date,
                             int64_t *out_ms_of_day)
{
    if (ms > INT64_MAX / 2 || ms < INT64_MIN / 2)
        return EJ_RANGE;
    int64_t local = ms + (int64_t)offset_s * EJ_MS_PER_SEC;
    int64_t days = floor_div(local, EJ_MS_PER_DAY);
    struct ej_date d;
    enum ej_err rc = ej_date_from_days(days, &d);
    if (rc != EJ_OK)
        return rc;
    *out_date = d;
    *out_ms_of_day = local - days * EJ_MS_PER_DAY;
    return EJ_OK;
}

static size_t put2(char *b, size_t o, int v)
{
    b[o] = (char)('0' + v / 10);
    b[o + 1] = (char)('0' + v % 10);
    return o + 2;
}

enum ej_err ej_instant_format(int64_t ms, int offset_s,
                              char buf[EJ_INSTANT_TEXT_MAX])
{
    struct ej_date d;
    int64_t tod;
    if (offset_s <= -86400 || offset_s >= 86400)
        return EJ_RANGE;
    enum ej_err rc = ej_instant_split(ms, offset_s, &d, &tod);
    if (rc != EJ_OK)
        return rc;
    ej_date_format(d, buf);
    size_t o = 10;
    int secs = (int)(tod / 1000), frac = (int)(tod % 1000);
    buf[o++] = 'T';
    o = put2(buf, o, secs / 3600);
    buf[o++] = ':';
    o = put2(buf, o, secs / 60 % 60);
    buf[o++] = ':';
    o = put2(buf, o, secs % 60);
    if (frac) {
        buf[o++] = '.';
        buf[o++] = (char)('0' + frac / 100);
        o = put2(buf, o, frac % 100);
    }
    if (offset_s == 0) {
        buf[o++] = 'Z';
    } else {
        int a = offset_s < 0 ? -offset_s : offset_s;
        buf[o++] = offset_s < 0 ? '-' : '+';
        o = put2(buf, o, a / 3600);
        buf[o++] = ':';
        o = put2(buf, o, a / 60 % 60);
        /* Offsets with seconds (LMT before 1924) are rounded down to the
         * minute in text; the instant itself stays exact. */
    }
    buf[o] = '\0';
    return EJ_OK;
}
