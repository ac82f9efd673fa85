/* cli_json.c: JSON output helpers for the CLI (jansson does the writing;
 * nothing here formats JSON by hand). */
#include "cli.h"
#include "jw.h"

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

json_t *cli_json_bytes(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    char *buf = malloc(len * 3 + 1);
    size_t o = 0;
    if (!buf)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t n = jw_utf8_len(u + i, len - i);
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
