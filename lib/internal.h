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
 * set, or 0 when the bytes are not valid UTF-8 (utf8.c). */
size_t ej__utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* ASCII-only helpers: the core never consults the C locale. */
static inline bool ej__is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool ej__is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

#endif
