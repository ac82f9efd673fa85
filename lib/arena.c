/* arena.c: bump allocator; see arena.h. */
#include "internal.h"
#include "arena.h"

#define CHUNK_MIN (16 * 1024)

struct ej__arena_chunk {
    struct ej__arena_chunk *next;
    size_t size, used;
    _Alignas(max_align_t) unsigned char data[];
};

void *ej__arena_alloc(struct ej__arena *a, size_t n)
{
    size_t align = _Alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0 || n > a->max_total - a->used_total)
        return NULL;
    struct ej__arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        c = ej__malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = a->head;
        c->size = size;
        c->used = 0;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->used_total += n;
    memset(p, 0, n);
    return p;
}

char *ej__arena_strndup(struct ej__arena *a, const char *s, size_t n)
{
    char *d = ej__arena_alloc(a, n + 1);
    if (d)
        memcpy(d, s, n);
    return d;
}

void ej__arena_free(struct ej__arena *a)
{
    struct ej__arena_chunk *c = a->head;
    while (c) {
        struct ej__arena_chunk *next = c->next;
        ej__free(c);
        c = next;
    }
    a->head = NULL;
    a->used_total = 0;
}
