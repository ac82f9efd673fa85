/* tz.c: a reader of TZif files (RFC 8536) and POSIX TZ rule strings.
 *
 * Written by hand because the C library's zone support (localtime_r, TZ)
 * keeps one process-wide zone in global state and reads files itself, and
 * the core must be pure and able to hold several zones at once. ICU could do
 * it but is 100x the size for this one need. The format is small and
 * stable: a header, transition times, local-time types, and a POSIX TZ
 * string footer for instants after the last transition.
 */
#include "internal.h"

#define MAX_TRANSITIONS 4096
#define MAX_TYPES 256
#define POSIX_MAX 128

enum rule_kind { RULE_JULIAN1, RULE_JULIAN0, RULE_MWD };

struct posix_rule {
    enum rule_kind kind;
    int day;   /* Jn: 1..365; n: 0..365; M: weekday 0..6 (0 = Sunday) */
    int month; /* M only */
    int week;  /* M only, 1..5 */
    int32_t time_s; /* local time of the change, may be negative or > 24h */
};

struct posix_tz {
    bool present;
    int32_t std_off; /* seconds east of UTC */
    bool has_dst;
    int32_t dst_off;
    struct posix_rule start, end;
};

struct ej_tz {
    char *name;
    size_t n_trans;
    int64_t *trans_s;      /* transition instants, seconds, ascending */
    unsigned char *trans_type;
    size_t n_types;
    int32_t *type_off;
    struct posix_tz footer;
};

const char *ej_tz_name(const struct ej_tz *tz) { return tz->name; }

void ej_tz_free(struct ej_tz *tz)
{
    if (!tz)
        return;
    ej__free(tz->name);
    ej__free(tz->trans_s);
    ej__free(tz->trans_type);
    ej__free(tz->type_off);
    ej__free(tz);
}

bool ej_tz_name_valid(const char *name)
{
    size_t n = strlen(name), comp = 0;
    if (n == 0 || n > EJ_TZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/')
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = name[i];
        if (c == '/' || c == '\0') {
            if (comp == 0)
                return false;
            if (name[i - comp] == '.')
                return false; /* ".", "..", hidden files */
            comp = 0;
            continue;
        }
        if (!(ej__is_alpha(c) || ej__is_digit(c) || c == '_' || c == '-' ||
              c == '+' || c == '.'))
            return false;
        comp++;
    }
    return true;
}

/* --- POSIX TZ strings ---------------------------------------------------- */

struct cur {
    const char *s;
    size_t i, n;
};

static int peek(const struct cur *c) { return c->i < c->n ? c->s[c->i] : -1; }

static bool parse_num(struct cur *c, int max, int *out)
{
    int v = 0, nd = 0;
    while (ej__is_digit(peek(c))) {
        v = v * 10 + (c->s[c->i++] - '0');
        if (++nd > 4 || v > max)
            return false;
    }
    *out = v;
    return nd > 0;
}

static bool parse_abbr(struct cur *c)
{
    size_t start = c->i;
    if (peek(c) == '<') {
        c->i++;
        while (peek(c) != '>' && peek(c) != -1)
            c->i++;
        if (peek(c) != '>' || c->i - start < 4)
            return false;
        c->i++;
        return true;
    }
    while (ej__is_alpha(peek(c)))
        c->i++;
    return c->i - start >= 3;
}

/* [+-]hh[:mm[:ss]]; hours up to max_h. */
static bool parse_hms(struct cur *c, int max_h, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;
    if (peek(c) == '+' || peek(c) == '-')
        sign = c->s[c->i++] == '-' ? -1 : 1;
    if (!parse_num(c, max_h, &h))
        return false;
    if (peek(c) == ':') {
        c->i++;
        if (!parse_num(c, 59, &m))
            return false;
        if (peek(c) == ':') {
            c->i++;
            if (!parse_num(c, 59, &s))
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return true;
}

static bool parse_rule(struct cur *c, struct posix_rule *r)
{
    r->time_s = 7200;
    if (peek(c) == 'J') {
        c->i++;
        r->kind = RULE_JULIAN1;
        if (!parse_num(c, 365, &r->day) || r->day < 1)
            return false;
    } else if (peek(c) == 'M') {
        c->i++;
        r->kind = RULE_MWD;
        if (!parse_num(c, 12, &r->month) || r->month < 1 || peek(c) != '.')
            return false;
        c->i++;
        if (!parse_num(c, 5, &r->week) || r->week < 1 || peek(c) != '.')
            return false;
        c->i++;
        if (!parse_num(c, 6, &r->day))
            return false;
    } else {
        r->kind = RULE_JULIAN0;
        if (!parse_num(c, 365, &r->day))
            return false;
    }
    if (peek(c) == '/') {
        c->i++;
        if (!parse_hms(c, 167, &r->time_s))
            return false;
    }
    return true;
}

static enum ej_err parse_posix(const char *s, size_t n, struct posix_tz *out)
{
    struct cur c = {s, 0, n};
    struct posix_tz p = {0};
    int32_t off;
    if (!parse_abbr(&c) || !parse_hms(&c, 24, &off))
        return EJ_TZ_FORMAT;
    p.std_off = -off;
    if (c.i < c.n) {
        if (!parse_abbr(&c))
            return EJ_TZ_FORMAT;
        p.has_dst = true;
        p.dst_off = p.std_off + 3600;
        if (peek(&c) != ',' && c.i < c.n) {
            if (!parse_hms(&c, 24, &off))
                return EJ_TZ_FORMAT;
            p.dst_off = -off;
        }
        if (peek(&c) == ',') {
            c.i++;
            if (!parse_rule(&c, &p.start) || peek(&c) != ',')
                return EJ_TZ_FORMAT;
            c.i++;
            if (!parse_rule(&c, &p.end))
                return EJ_TZ_FORMAT;
        } else {
            /* POSIX leaves the default rule to the implementation; glibc
             * and tzcode use the US rule. */
            p.start = (struct posix_rule){RULE_MWD, 0, 3, 2, 7200};
            p.end = (struct posix_rule){RULE_MWD, 0, 11, 1, 7200};
        }
    }
    if (c.i != c.n)
        return EJ_TZ_FORMAT;
    p.present = true;
    *out = p;
    return EJ_OK;
}

/* Seconds since the epoch, in local wall time, at which rule r fires in
 * year y (local wall-clock seconds, not yet shifted by an offset). */
static int64_t rule_local_s(const struct posix_rule *r, int y)
{
    int64_t jan1 = ej_date_to_days((struct ej_date){y, 1, 1});
    int64_t day;
    switch (r->kind) {
    case RULE_JULIAN1: /* 1..365, Feb 29 never counted */
        day = jan1 + r->day - 1 +
              (ej_date_is_leap(y) && r->day >= 60 ? 1 : 0);
        break;
    case RULE_JULIAN0:
        day = jan1 + r->day;
        break;
    default: {
        int64_t first = ej_date_to_days((struct ej_date){y, r->month, 1});
        /* weekday of the first, 0 = Sunday */
        int wd = (int)(((first % 7) + 7 + 4) % 7);
        int64_t d = first + (r->day - wd + 7) % 7 + 7 * (r->week - 1);
        int64_t last = first + ej_date_month_days(y, r->month) - 1;
        while (d > last)
            d -= 7;
        day = d;
    }
    }
    return day * 86400 + r->time_s;
}

static int32_t posix_offset_at(const struct posix_tz *p, int64_t t)
{
    if (!p->has_dst)
        return p->std_off;
    struct ej_date d;
    int64_t days = (t + p->std_off) / 86400 - ((t + p->std_off) % 86400 < 0);
    if (ej_date_from_days(days, &d) != EJ_OK)
        return p->std_off;
    int64_t start = rule_local_s(&p->start, d.year) - p->std_off;
    int64_t end = rule_local_s(&p->end, d.year) - p->dst_off;
    bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? p->dst_off : p->std_off;
}

/* --- TZif ---------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct hdr {
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
    int version;
};

static bool read_hdr(const unsigned char *d, size_t len, size_t at,
                     struct hdr *h)
{
    if (len < at || len - at < 44 || memcmp(d + at, "TZif", 4) != 0)
        return false;
    h->version = d[at + 4] == 0 ? 1 : d[at + 4] - '0';
    if (h->version < 1 || h->version > 9)
        return false;
    const unsigned char *c = d + at + 20;
    h->isutcnt = be32(c);
    h->isstdcnt = be32(c + 4);
    h->leapcnt = be32(c + 8);
    h->timecnt = be32(c + 12);
    h->typecnt = be32(c + 16);
    h->charcnt = be32(c + 20);
    if (h->timecnt > MAX_TRANSITIONS || h->typecnt == 0 ||
        h->typecnt > MAX_TYPES || h->charcnt > 65536 || h->leapcnt > 65536 ||
        (h->isutcnt && h->isutcnt != h->typecnt) ||
        (h->isstdcnt && h->isstdcnt != h->typecnt))
        return false;
    return true;
}

static size_t block_len(const struct hdr *h, int tsize)
{
    return (size_t)h->timecnt * (size_t)tsize + h->timecnt +
           (size_t)h->typecnt * 6 + h->charcnt +
           (size_t)h->leapcnt * (size_t)(tsize + 4) + h->isstdcnt +
           h->isutcnt;
}

static enum ej_err tz_alloc(const char *name, struct ej_tz **out)
{
    if (!name || !ej_tz_name_valid(name))
        return EJ_INVALID;
    struct ej_tz *tz = ej__calloc(1, sizeof *tz);
    if (!tz)
        return EJ_NOMEM;
    tz->name = ej__strndup(name, strlen(name));
    if (!tz->name) {
        ej__free(tz);
        return EJ_NOMEM;
    }
    *out = tz;
    return EJ_OK;
}

enum ej_err ej_tz_parse(const char *name, const unsigned char *data, size_t len,
                        struct ej_tz **out)
{
    enum ej_err rc = EJ_TZ_FORMAT;
    struct ej_tz *tz = NULL;
    struct hdr h;
    size_t at = 0;
    int tsize = 4;

    *out = NULL;
    if (len > EJ_TZ_MAX_BYTES)
        return EJ_TOO_BIG;
    if (!read_hdr(data, len, 0, &h))
        return EJ_TZ_FORMAT;
    if (h.version >= 2) {
        /* Skip the 32-bit block; use the 64-bit one that follows. */
        at = 44 + block_len(&h, 4);
        if (!read_hdr(data, len, at, &h))
            return EJ_TZ_FORMAT;
        tsize = 8;
    }
    at += 44;
    if (len - at < block_len(&h, tsize))
        return EJ_TZ_FORMAT;

    rc = tz_alloc(name, &tz);
    if (rc != EJ_OK)
        goto out;
    rc = EJ_NOMEM;
    tz->n_trans = h.timecnt;
    tz->n_types = h.typecnt;
    tz->trans_s = ej__calloc(h.timecnt, sizeof *tz->trans_s);
    tz->trans_type = ej__calloc(h.timecnt, 1);
    tz->type_off = ej__calloc(h.typecnt, sizeof *tz->type_off);
    if (!tz->trans_s || !tz->trans_type || !tz->type_off)
        goto out;
    rc = EJ_TZ_FORMAT;

    const unsigned char *p = data + at;
    for (size_t i = 0; i < h.timecnt; i++, p += tsize) {
        tz->trans_s[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
        if (i > 0 && tz->trans_s[i] <= tz->trans_s[i - 1])
            goto out;
    }
    for (size_t i = 0; i < h.timecnt; i++, p++) {
        if (*p >= h.typecnt)
            goto out;
        tz->trans_type[i] = *p;
    }
    for (size_t i = 0; i < h.typecnt; i++, p += 6) {
        int32_t off = (int32_t)be32(p);
        if (off <= -89999 || off >= 93600) /* RFC 8536: -25h..+26h */
            goto out;
        tz->type_off[i] = off;
    }
    at += block_len(&h, tsize);

    if (h.version >= 2) {
        /* Footer: "\n" POSIX-TZ "\n"; an empty string means none. */
        if (at >= len || data[at] != '\n')
            goto out;
        size_t s = at + 1, e = s;
        while (e < len && data[e] != '\n')
            e++;
        if (e >= len || e - s > POSIX_MAX)
            goto out;
        if (e > s && parse_posix((const char *)data + s, e - s,
                                 &tz->footer) != EJ_OK)
            goto out;
    }
    rc = EJ_OK;
out:
    if (rc != EJ_OK) {
        ej_tz_free(tz);
        tz = NULL;
    }
    *out = tz;
    return rc;
}

enum ej_err ej_tz_from_posix(const char *name, const char *posix,
                             struct ej_tz **out)
{
    struct ej_tz *tz = NULL;
    size_t n = strlen(posix);
    *out = NULL;
    if (n == 0 || n > POSIX_MAX)
        return EJ_TZ_FORMAT;
    enum ej_err rc = tz_alloc(name, &tz);
    if (rc != EJ_OK)
        return rc;
    rc = parse_posix(posix, n, &tz->footer);
    if (rc != EJ_OK) {
        ej_tz_free(tz);
        return rc;
    }
    *out = tz;
    return EJ_OK;
}

static int64_t floor_div_ms(int64_t ms)
{
    return ms / 1000 - (ms % 1000 < 0);
}

int ej_tz_offset_at(const struct ej_tz *tz, int64_t ms)
{
    int64_t t = floor_div_ms(ms);
    if (tz->n_trans == 0)
        return tz->footer.present ? posix_offset_at(&tz->footer, t)
                                  : tz->type_off[0];
    if (t < tz->trans_s[0])
        return tz->type_off[0];
    if (t >= tz->trans_s[tz->n_trans - 1] && tz->footer.present)
        return posix_offset_at(&tz->footer, t);
    /* Last transition at or before t. */
    size_t lo = 0, hi = tz->n_trans;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans_s[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->type_off[tz->trans_type[lo]];
}

enum ej_err ej_tz_local_to_instant(const struct ej_tz *tz, struct ej_date d,
                                   int64_t ms_of_day, int64_t *out_ms)
{
    if (!ej_date_valid(d) || ms_of_day < 0 || ms_of_day > EJ_MS_PER_DAY)
        return EJ_RANGE;
    int64_t local = ej_date_to_days(d) * EJ_MS_PER_DAY + ms_of_day;
    /* Offsets never exceed a day, and zones do not change twice within two
     * days, so the offsets in effect around the answer are among these. */
    int cand[3] = {ej_tz_offset_at(tz, local - EJ_MS_PER_DAY),
                   ej_tz_offset_at(tz, local),
                   ej_tz_offset_at(tz, local + EJ_MS_PER_DAY)};
    bool found = false;
    int64_t best = 0;
    for (int i = 0; i < 3; i++) {
        int64_t u = local - (int64_t)cand[i] * EJ_MS_PER_SEC;
        if (ej_tz_offset_at(tz, u) == cand[i] && (!found || u < best)) {
            best = u;
            found = true;
        }
    }
    if (!found) /* in a gap: read with the offset before it */
        best = local - (int64_t)cand[0] * EJ_MS_PER_SEC;
    *out_ms = best;
    return EJ_OK;
}

enum ej_err ej_tz_local_date(const struct ej_tz *tz, int64_t ms,
                             struct ej_date *out)
{
    int64_t tod;
    return ej_instant_split(ms, ej_tz_offset_at(tz, ms), out, &tod);
}
