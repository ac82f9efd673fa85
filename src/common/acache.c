/* acache.c: see acache.h. Open addressing with linear probing over
 * pointers to entries, which live in fixed blocks so that growing the
 * table never moves them. Written here rather than taken from a library:
 * the table is 80 lines, and the one it needs (string keys, stable entry
 * addresses, a keyed hash) is not in Debian's C libraries we use. */
#include "acache.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define BLOCK 4096 /* entries per block */

struct acache {
    unsigned char key[crypto_shorthash_KEYBYTES];
    struct acache_ent **slots; /* NULL: empty */
    size_t cap;                /* a power of two */
    size_t n;
    struct acache_ent **blocks;
    size_t n_blocks, blocks_cap;
};

enum ej_err acache_new(struct acache **out)
{
    *out = NULL;
    if (sodium_init() < 0)
        return EJ_IO;
    struct acache *c = calloc(1, sizeof *c);
    if (!c)
        return EJ_NOMEM;
    randombytes_buf(c->key, sizeof c->key);
    *out = c;
    return EJ_OK;
}

void acache_clear(struct acache *c)
{
    if (!c)
        return;
    for (size_t b = 0; b < c->n_blocks; b++) {
        size_t used = b + 1 < c->n_blocks ? BLOCK : c->n - b * BLOCK;
        for (size_t i = 0; i < used; i++)
            free(c->blocks[b][i].id);
        free(c->blocks[b]);
    }
    free(c->blocks);
    free(c->slots);
    c->blocks = NULL;
    c->slots = NULL;
    c->n_blocks = c->blocks_cap = c->cap = c->n = 0;
}

void acache_free(struct acache *c)
{
    acache_clear(c);
    free(c);
}

size_t acache_count(const struct acache *c)
{
    return c->n;
}

static size_t hash_of(const struct acache *c, const char *id, size_t len)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)id, len, c->key);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return (size_t)v;
}

struct acache_ent *acache_find(struct acache *c, const char *id)
{
    if (!c->cap)
        return NULL;
    size_t mask = c->cap - 1;
    for (size_t i = hash_of(c, id, strlen(id)) & mask;; i = (i + 1) & mask) {
        struct acache_ent *e = c->slots[i];
        if (!e)
            return NULL;
        if (strcmp(e->id, id) == 0)
            return e;
    }
}

static void place(struct acache *c, struct acache_ent *e)
{
    size_t mask = c->cap - 1;
    size_t i = hash_of(c, e->id, strlen(e->id)) & mask;
    while (c->slots[i])
        i = (i + 1) & mask;
    c->slots[i] = e;
}

/* Keep the load at or below one half. */
static enum ej_err grow(struct acache *c)
{
    if ((c->n + 1) * 2 <= c->cap)
        return EJ_OK;
    size_t cap = c->cap ? c->cap * 2 : 1024;
    struct acache_ent **old = c->slots;
    size_t old_cap = c->cap;
    if (!(c->slots = calloc(cap, sizeof *c->slots))) {
        c->slots = old;
        return EJ_NOMEM;
    }
    c->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            place(c, old[i]);
    free(old);
    return EJ_OK;
}

enum ej_err acache_add(struct acache *c, const char *id, size_t max_id,
                       struct acache_ent **out)
{
    size_t len = strlen(id);
    if (len > max_id)
        return EJ_INVALID;
    if (grow(c) != EJ_OK)
        return EJ_NOMEM;
    if (c->n == c->n_blocks * BLOCK) {
        if (c->n_blocks == c->blocks_cap) {
            size_t bc = c->blocks_cap ? c->blocks_cap * 2 : 16;
            struct acache_ent **v = realloc(c->blocks, bc * sizeof *v);
            if (!v)
                return EJ_NOMEM;
            c->blocks = v;
            c->blocks_cap = bc;
        }
        if (!(c->blocks[c->n_blocks] = malloc(BLOCK * sizeof **c->blocks)))
            return EJ_NOMEM;
        c->n_blocks++;
    }
    struct acache_ent *e = &c->blocks[c->n / BLOCK][c->n % BLOCK];
    memset(e, 0, sizeof *e);
    if (!(e->id = malloc(len + 1)))
        return EJ_NOMEM;
    memcpy(e->id, id, len + 1);
    ej_account_init(&e->a);
    c->n++;
    place(c, e);
    *out = e;
    return EJ_OK;
}

static int by_id(const void *x, const void *y)
{
    const struct acache_ent *a = *(struct acache_ent *const *)x;
    const struct acache_ent *b = *(struct acache_ent *const *)y;
    return strcmp(a->id, b->id);
}

enum ej_err acache_dirty(const struct acache *c, struct acache_ent ***out,
                         size_t *n)
{
    struct acache_ent **v = malloc((c->n ? c->n : 1) * sizeof *v);
    if (!v)
        return EJ_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct acache_ent *e = &c->blocks[i / BLOCK][i % BLOCK];
        if (e->dirty)
            v[k++] = e;
    }
    qsort(v, k, sizeof *v, by_id);
    *out = v;
    *n = k;
    return EJ_OK;
}

void acache_clean(struct acache *c)
{
    for (size_t i = 0; i < c->n; i++)
        c->blocks[i / BLOCK][i % BLOCK].dirty = false;
}
