/* jw.h: a streaming JSON text writer with escaping, for the hot paths
 * (decision replies and event bodies), where building a jansson tree and
 * dumping it cost a third of the service's CPU per request (measured with
 * perf; see docs/ARCHITECTURE.md). Strings are always escaped; the output
 * is valid JSON by construction. Cold paths keep using jansson. */
#ifndef EJ_JW_H
#define EJ_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 16

struct jw {
    char *buf;
    size_t len, cap, max;  /* max: hard limit; past it the writer fails */
    bool err;              /* out of memory or over max */
    int depth;
    bool first[JW_MAX_DEPTH];
    bool after_key;
};

void jw_init(struct jw *w, size_t max);
void jw_free(struct jw *w);
void jw_obj(struct jw *w);
void jw_end_obj(struct jw *w);
void jw_arr(struct jw *w);
void jw_end_arr(struct jw *w);
/* Object key (a literal of the program, not checked as UTF-8); the next
 * call writes its value. */
void jw_key(struct jw *w, const char *k);
/* A string value; bytes that are not valid UTF-8 become U+FFFD. */
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
/* A string known to be valid UTF-8 (static tables, loaded packs): only
 * escaped, not checked. */
void jw_strv(struct jw *w, const char *s);
void jw_int(struct jw *w, int64_t v);
/* A number with exactly 4 decimals (scores); null when not finite. */
void jw_fixed4(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Shorthands for key and value. */
void jw_kstr(struct jw *w, const char *k, const char *v);
void jw_kint(struct jw *w, const char *k, int64_t v);
void jw_kstrv(struct jw *w, const char *k, const char *v);
/* Length of the valid UTF-8 sequence at s (1..4; n >= 1 bytes left), 0
 * when it is not valid UTF-8 (overlong, surrogate, past U+10FFFF, cut). */
size_t jw_utf8_len(const unsigned char *s, size_t n);
/* Whether the NUL-terminated s is valid UTF-8. */
bool jw_utf8_valid(const char *s);

/* A key and a string value escaped the way jansson's json_dumps escapes
 * them, so that a text can be the same byte for byte as jansson's: '"' and
 * '\\' after a backslash, \b \f \n \r \t, other controls as \u00XX in
 * capitals, '/' and all other UTF-8 as they are. Bytes that are not valid
 * UTF-8 fail the writer (json_dumps fails on them too). */
void jw_jkey(struct jw *w, const char *k, size_t n);
void jw_jstrn(struct jw *w, const char *s, size_t n);

/* Several texts in one buffer (a batch's event bodies): jw_next_text ends
 * the text just written with a NUL, and the next value starts a new text.
 * jw_mark is where the text ends now; jw_rewind(w, mark) drops what came
 * after it, clears a failure and starts a new text there (mark 0: the
 * buffer is empty again, its memory kept). */
void jw_next_text(struct jw *w);
size_t jw_mark(const struct jw *w);
void jw_rewind(struct jw *w, size_t mark);

/* A raw newline after the value (JSON lines, replies for curl). */
void jw_end_line(struct jw *w);

/* The text so far (NUL-terminated) and its ownership: the caller frees it
 * with free(); the writer is reset. NULL when the writer failed. */
char *jw_take(struct jw *w, size_t *len);

#endif
