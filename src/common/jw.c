/* jw.c: streaming JSON writer; see jw.h for why it exists. */
#include "jw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void jw_init(struct jw *w, size_t max)
{
    memset(w, 0, sizeof *w);
    w->max = max;
    w->first[0] = true;
}

void jw_free(struct jw *w)
{
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

/* Make room for n more bytes plus the final NUL. */
static bool reserve(struct jw *w, size_t n)
{
    if (w->err)
        return false;
    if (w->len + n + 1 <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap : 2048;
    while (cap < w->len + n + 1)
        cap *= 2;
    if (cap > w->max + 1) {
        if (w->len + n + 1 > w->max + 1) {
            w->err = true;
            return false;
        }
        cap = w->max + 1;
    }
    char *b = realloc(w->buf, cap);
    if (!b) {
        w->err = true;
        return false;
    }
    w->buf = b;
    w->cap = cap;
    return true;
}

static inline void put(struct jw *w, const char *s, size_t n)
{
    if (reserve(w, n)) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
    }
}

static inline void putc1(struct jw *w, char c)
{
    if (reserve(w, 1))
        w->buf[w->len++] = c;
}

/* Separator before a value (or key) at the current level. */
static void sep(struct jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        putc1(w, ',');
    w->first[w->depth] = false;
}

static void open_(struct jw *w, char c)
{
    sep(w);
    putc1(w, c);
    if (w->depth + 1 >= JW_MAX_DEPTH) {
        w->err = true;
        return;
    }
    w->first[++w->depth] = true;
}

static void close_(struct jw *w, char c)
{
    putc1(w, c);
    if (w->depth > 0)
        w->depth--;
}

void jw_obj(struct jw *w) { open_(w, '{'); }
void jw_end_obj(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open_(w, '['); }
void jw_end_arr(struct jw *w) { close_(w, ']'); }

size_t jw_utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (len == 3) {
        unsigned cp = (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6;
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
    } else if (len == 4) {
        unsigned cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12;
        if (cp < 0x10000 || cp > 0x10FFFF)
            return 0;
    }
    return len;
}

/* Eight bytes that need no escape and are ASCII: none below 0x20, none
 * '"' or '\\', none with the high bit (the classic has-zero-byte test on
 * each condition). */
static inline bool plain8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t lt20 = v - ones * 0x20;                /* high bit: byte < 0x20 */
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    uint64_t eq = ((q - ones) & ~q) | ((b - ones) & ~b);
    return ((lt20 | eq | v) & high) == 0;
}

/* How string() escapes: jw's own way (every control as \u00xx, a byte
 * that is not UTF-8 as U+FFFD), for s known to be valid UTF-8 (static
 * tables, loaded packs: only escapes are looked for), or jansson's way
 * (see jw_jstrn). */
enum esc { ESC_CHECK, ESC_VERIFIED, ESC_JANSSON };

/* jansson's short escapes (json_dumps), 0 where it writes \u00XX. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    default:
        return 0;
    }
}

/* Write s as a JSON string, escaped as mode says. */
static void string(struct jw *w, const char *s, size_t n, enum esc mode)
{
    static const char hex[] = "0123456789abcdef", HEX[] = "0123456789ABCDEF";
    bool verified = mode == ESC_VERIFIED;
    const unsigned char *u = (const unsigned char *)s;
    putc1(w, '"');
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < n;) {
        if (i + 8 <= n && plain8(u + i)) {
            i += 8;
            continue;
        }
        unsigned char c = u[i];
        if (c >= 0x20 && c != '"' && c != '\\' &&
            (c < 0x80 || verified)) {
            i++;
            continue;
        }
        /* Two-byte UTF-8 (Cyrillic, Kazakh letters) without the call. */
        if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (u[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        size_t ul = c >= 0x80 ? jw_utf8_len(u + i, n - i) : 0;
        if (ul) {
            i += ul;
            continue;
        }
        put(w, s + run, i - run);
        char sh = mode == ESC_JANSSON && c < 0x20 ? short_escape(c) : 0;
        if (c == '"' || c == '\\' || sh) {
            char e[2] = {'\\', sh ? sh : (char)c};
            put(w, e, 2);
        } else if (c < 0x20) {
            const char *x = mode == ESC_JANSSON ? HEX : hex;
            char e[6] = {'\\', 'u', '0', '0', x[c >> 4], x[c & 15]};
            put(w, e, 6);
        } else if (mode == ESC_JANSSON) {
            w->err = true; /* json_dumps fails on it too */
            return;
        } else {
            put(w, "\xEF\xBF\xBD", 3); /* U+FFFD for a bad byte */
        }
        i++;
        run = i;
    }
    put(w, s + run, n - run);
    putc1(w, '"');
}

void jw_key(struct jw *w, const char *k)
{
    sep(w);
    string(w, k, strlen(k), ESC_VERIFIED);
    putc1(w, ':');
    w->after_key = true;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
    sep(w);
    string(w, s, n, ESC_CHECK);
}

void jw_strv(struct jw *w, const char *s)
{
    sep(w);
    string(w, s, strlen(s), ESC_VERIFIED);
}

void jw_kstrv(struct jw *w, const char *k, const char *v)
{
    jw_key(w, k);
    jw_strv(w, v);
}

void jw_str(struct jw *w, const char *s) { jw_strn(w, s, strlen(s)); }

void jw_jkey(struct jw *w, const char *k, size_t n)
{
    sep(w);
    string(w, k, n, ESC_JANSSON);
    putc1(w, ':');
    w->after_key = true;
}

void jw_jstrn(struct jw *w, const char *s, size_t n)
{
    sep(w);
    string(w, s, n, ESC_JANSSON);
}

size_t jw_mark(const struct jw *w) { return w->len; }

void jw_rewind(struct jw *w, size_t mark)
{
    if (mark < w->len)
        w->len = mark;
    w->err = false;
    w->depth = 0;
    w->first[0] = true;
    w->after_key = false;
}

void jw_next_text(struct jw *w)
{
    putc1(w, '\0');
    w->depth = 0;
    w->first[0] = true;
    w->after_key = false;
}

void jw_int(struct jw *w, int64_t v)
{
    char t[24];
    size_t k = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        t[sizeof t - 1 - k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        t[sizeof t - 1 - k++] = '-';
    sep(w);
    put(w, t + sizeof t - k, k);
}

void jw_fixed4(struct jw *w, double v)
{
    /* [0, 1] scores and the like: sign, integer part, 4 decimals; values
     * that are not finite are written as null (JSON has no NaN). */
    if (!(v == v) || v > 9e15 || v < -9e15) {
        jw_null(w);
        return;
    }
    bool neg = v < 0;
    double a = neg ? -v : v;
    uint64_t scaled = (uint64_t)(a * 10000.0 + 0.5);
    char t[32];
    size_t k = 0;
    for (int i = 0; i < 4; i++) {
        t[sizeof t - 1 - k++] = (char)('0' + scaled % 10);
        scaled /= 10;
    }
    t[sizeof t - 1 - k++] = '.';
    do {
        t[sizeof t - 1 - k++] = (char)('0' + scaled % 10);
        scaled /= 10;
    } while (scaled);
    if (neg)
        t[sizeof t - 1 - k++] = '-';
    sep(w);
    put(w, t + sizeof t - k, k);
}

void jw_bool(struct jw *w, bool v)
{
    sep(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
    sep(w);
    put(w, "null", 4);
}

void jw_kstr(struct jw *w, const char *k, const char *v)
{
    jw_key(w, k);
    jw_str(w, v);
}

void jw_kint(struct jw *w, const char *k, int64_t v)
{
    jw_key(w, k);
    jw_int(w, v);
}

void jw_end_line(struct jw *w) { putc1(w, '\n'); }

bool jw_utf8_valid(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t l = jw_utf8_len(u + i, n - i);
        if (l == 0)
            return false;
        i += l;
    }
    return true;
}

char *jw_take(struct jw *w, size_t *len)
{
    if (w->err || !w->buf) {
        jw_free(w);
        return NULL;
    }
    char *b = w->buf;
    b[w->len] = '\0';
    if (len)
        *len = w->len;
    w->buf = NULL;
    w->len = w->cap = 0;
    return b;
}
