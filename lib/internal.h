/* internal.h: private to lib; the first include of every lib .c file.
 *
 * Holds the allocation wrappers and small helpers shared across the core.
 * Nothing here may do I/O, read a clock or the locale, or keep state.
 */
#ifndef EJ_INTERNAL_H
#define EJ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#include "ereje/ereje.h"

#define EJ_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation goes through these so that one place can count or fail them. */
void *ej__malloc(size_t n);
void *ej__calloc(size_t count, size_t n);
void *ej__realloc(void *p, size_t n);
void ej__free(void *p);
/* Copy of the first n bytes of s plus a NUL; caller frees with ej__free. */
char *ej__strndup(const char *s, size_t n);

/* Decode one UTF-8 sequence at s[0..n) (n >= 1): its length with *cp
 * set, or 0 when the bytes are not valid UTF-8: overlong forms,
 * surrogates and code points past U+10FFFF are invalid. Inline: the text
 * code calls it once a character. */
static inline size_t ej__utf8_next(const unsigned char *s, size_t n,
                                   uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || len > n)
        return 0;
    uint32_t c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* ASCII-only helpers: the core never consults the C locale. */
static inline bool ej__is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool ej__is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

#endif
