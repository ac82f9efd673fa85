/* alloc.c: the core's allocation wrappers (see internal.h). */
#include "internal.h"

#include <stdlib.h>

void *ej__malloc(size_t n) { return malloc(n ? n : 1); }

void *ej__calloc(size_t count, size_t n)
{
    return calloc(count ? count : 1, n ? n : 1);
}

void *ej__realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }

void ej__free(void *p) { free(p); }

char *ej__strndup(const char *s, size_t n)
{
    char *d = ej__malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}
