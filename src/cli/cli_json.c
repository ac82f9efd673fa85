/* cli_json.c: JSON output helpers for the CLI (jansson does the writing;
 * nothing here formats JSON by hand). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

bool cli_json_println(json_t *v)
{
    if (!v)
        return false;
    int rc = json_dumpf(v, stdout, JSON_COMPACT);
    json_decref(v);
    return rc == 0 && fputc('\n', stdout) != EOF;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    uint32_t cp = len == 2 ? (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu)
                  : len == 3 ? (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 |
                                   (s[2] & 0x3Fu)
                             : (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 |
                                   (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

json_t *cli_json_bytes(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    char *buf = malloc(len * 3 + 1);
    size_t o = 0;
    if (!buf)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(u + i, len - i);
        if (n == 0 || (n == 1 && u[i] == 0)) {
            memcpy(buf + o, "\xEF\xBF\xBD", 3); /* U+FFFD */
            o += 3;
            i += 1;
        } else {
            memcpy(buf + o, u + i, n);
            o += n;
            i += n;
        }
    }
    json_t *v = json_stringn(buf, o);
    free(buf);
    return v;
}

json_t *cli_json_instant(int64_t ms, int offset_s)
{
    char buf[EJ_INSTANT_TEXT_MAX];
    if (ej_instant_format(ms, offset_s, buf) != EJ_OK)
        return json_null();
    return json_string(buf);
}

json_t *cli_json_date(struct ej_date d)
{
    char buf[EJ_DATE_TEXT_MAX];
    ej_date_format(d, buf);
    return json_string(buf);
}
