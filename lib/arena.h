/* arena.h: a bump allocator for data that lives and dies together (a
 * loaded policy). Private to lib/. */
#ifndef EJ_ARENA_H
#define EJ_ARENA_H

#include <stddef.h>

struct ej__arena_chunk;
struct ej__arena {
    struct ej__arena_chunk *head;
    size_t used_total; /* bytes handed out, for the size limit */
    size_t max_total;  /* hard maximum; allocations past it fail */
};

/* Zeroed memory aligned for any type, or NULL (out of memory or over
 * max_total). Freed only by ej__arena_free. */
void *ej__arena_alloc(struct ej__arena *a, size_t n);
/* Copy of s[0..n) plus a NUL in the arena, or NULL. */
char *ej__arena_strndup(struct ej__arena *a, const char *s, size_t n);
void ej__arena_free(struct ej__arena *a);

#endif
