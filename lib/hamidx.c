/* hamidx.c: a multi-index for near neighbours in Hamming space (Norouzi,
 * Punjani and Fleet, "Fast search in Hamming space with multi-index
 * hashing", CVPR 2012), for the re-upload bank's SimHashes and PDQ
 * hashes. Written here because no Debian package offers one for C (FAISS
 * is a C++ framework far beyond this need).
 *
 * A code of W 16-bit words is indexed under each of its W words. Two
 * codes within distance r differ, by the pigeonhole principle, in at most
 * t = floor(r / W) bits in at least one word, so a query probes, per
 * word, every 16-bit key within t bits of its own (1, 17, 137 or 697
 * keys for t = 0..3) and checks the full distance of the entries found.
 *
 * Layout, for few cache misses a query: per word, the entries sorted by
 * key in one array (offsets per key, counting sort), each entry with its
 * index and a 64-bit sketch of the code (the four words after the probed
 * one): the sketch's distance is a lower bound of the full distance, and
 * for 4-word codes it is the distance, so most candidates are settled
 * without touching the code itself. Entries added since the last build
 * sit in a tail that queries scan; the tail is folded in by
 * ej_hamidx_build, and automatically once it exceeds max(4096, n/4)
 * (so n additions cost O(n) rebuilding in all). Exact: it finds what a
 * linear scan finds, the nearest within r (ties: the first added). */
#include "internal.h"

#include <stdlib.h>

#include "ereje/fingerprint.h"

#define NIL UINT32_MAX
#define KEYS 65536u
#define TAIL_MIN 4096u

struct entry {
    uint32_t id;
    uint32_t sk_lo, sk_hi; /* the sketch, as two halves: 12 bytes */
};

struct ej_hamidx {
    int words, radius, tol;
    size_t n, cap;
    uint8_t *codes;   /* n * 2 * words bytes */
    uint32_t *values; /* n */
    size_t built;     /* entries 0..built-1 are in the sorted arrays */
    uint32_t *off;    /* words * (KEYS + 1), or NULL before a build */
    struct entry *ent; /* words * built */
    uint16_t probes[KEYS];
    size_t nprobes;
};

static size_t bytes_of(const struct ej_hamidx *x)
{
    return (size_t)x->words * 2;
}

static uint16_t word_of(const uint8_t *code, int words, int w)
{
    w %= words;
    return (uint16_t)(code[2 * w] | (code[2 * w + 1] << 8));
}

/* The four words after word w (cyclic), as 64 bits. */
static uint64_t sketch_of(const uint8_t *code, int words, int w)
{
    uint64_t s = 0;
    for (int k = 0; k < 4; k++)
        s |= (uint64_t)word_of(code, words, w + 1 + k) << (16 * k);
    return s;
}

enum ej_err ej_hamidx_new(int words, int radius, struct ej_hamidx **out)
{
    if (words < 1 || words > EJ_HAMIDX_MAX_WORDS || radius < 0 ||
        radius / words > 3)
        return EJ_INVALID;
    struct ej_hamidx *x = ej__calloc(1, sizeof *x);
    if (!x)
        return EJ_NOMEM;
    x->words = words;
    x->radius = radius;
    x->tol = radius / words;
    for (uint32_t m = 0; m < KEYS; m++)
        if (__builtin_popcount(m) <= x->tol)
            x->probes[x->nprobes++] = (uint16_t)m;
    *out = x;
    return EJ_OK;
}

void ej_hamidx_free(struct ej_hamidx *x)
{
    if (!x)
        return;
    ej__free(x->codes);
    ej__free(x->values);
    ej__free(x->off);
    ej__free(x->ent);
    ej__free(x);
}

enum ej_err ej_hamidx_build(struct ej_hamidx *x)
{
    if (x->built == x->n)
        return EJ_OK;
    size_t nb = bytes_of(x), n = x->n, W = (size_t)x->words;
    uint32_t *off = x->off;
    if (!off) {
        off = ej__malloc(W * (KEYS + 1) * sizeof *off);
        if (!off)
            return EJ_NOMEM;
    }
    struct entry *ent = ej__malloc(W * n * sizeof *ent);
    if (!ent) {
        if (!x->off)
            ej__free(off);
        return EJ_NOMEM;
    }
    for (size_t w = 0; w < W; w++) {
        uint32_t *o = off + w * (KEYS + 1);
        memset(o, 0, (KEYS + 1) * sizeof *o);
        for (size_t i = 0; i < n; i++)
            o[word_of(x->codes + i * nb, x->words, (int)w) + 1]++;
        for (size_t k = 0; k < KEYS; k++)
            o[k + 1] += o[k];
        /* fill in order of i: each bucket lists its entries by index */
        struct entry *e = ent + w * n;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *c = x->codes + i * nb;
            uint32_t *slot = &o[word_of(c, x->words, (int)w)];
            uint64_t s = sketch_of(c, x->words, (int)w);
            e[(*slot)++] = (struct entry){(uint32_t)i, (uint32_t)s,
                                          (uint32_t)(s >> 32)};
        }
        /* the fill moved each offset to its bucket's end: shift back */
        memmove(o + 1, o, KEYS * sizeof *o);
        o[0] = 0;
    }
    ej__free(x->ent);
    x->off = off;
    x->ent = ent;
    x->built = n;
    return EJ_OK;
}

static enum ej_err grow(struct ej_hamidx *x)
{
    size_t cap = x->cap ? x->cap * 2 : 1024;
    if (cap > EJ_HAMIDX_MAX)
        cap = EJ_HAMIDX_MAX;
    if (cap <= x->n)
        return EJ_TOO_BIG;
    uint8_t *codes = ej__realloc(x->codes, cap * bytes_of(x));
    if (!codes)
        return EJ_NOMEM;
    x->codes = codes;
    uint32_t *values = ej__realloc(x->values, cap * sizeof *values);
    if (!values)
        return EJ_NOMEM;
    x->values = values;
    x->cap = cap;
    return EJ_OK;
}

enum ej_err ej_hamidx_add(struct ej_hamidx *x, const uint8_t *code,
                          uint32_t value)
{
    if (x->n == x->cap) {
        enum ej_err rc = grow(x);
        if (rc != EJ_OK)
            return rc;
    }
    memcpy(x->codes + x->n * bytes_of(x), code, bytes_of(x));
    x->values[x->n++] = value;
    size_t tail = x->n - x->built;
    if (tail > TAIL_MIN && tail > x->n / 4) {
        /* on no memory the entry stays in the tail: still found */
        enum ej_err rc = ej_hamidx_build(x);
        if (rc != EJ_OK && rc != EJ_NOMEM)
            return rc;
    }
    return EJ_OK;
}

static int distance(const uint8_t *a, const uint8_t *b, size_t n)
{
    int d = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t p, q;
        memcpy(&p, a + i, 8);
        memcpy(&q, b + i, 8);
        d += __builtin_popcountll(p ^ q);
    }
    for (; i < n; i++)
        d += __builtin_popcount((unsigned)(a[i] ^ b[i]));
    return d;
}

/* Keep i when nearer, or as near and added before. */
static void consider(int d, uint32_t i, int *best, uint32_t *best_i)
{
    if (d < *best || (d == *best && *best_i != NIL && i < *best_i)) {
        *best = d;
        *best_i = i;
    }
}

enum ej_err ej_hamidx_nearest(const struct ej_hamidx *x, const uint8_t *code,
                              uint32_t *value, int *dist)
{
    int best = x->radius + 1;
    uint32_t best_i = NIL;
    size_t nb = bytes_of(x), W = (size_t)x->words;
    /* 4 words: the sketch is the whole code (rotated), its distance the
     * distance; more: a lower bound; fewer: no sketch (it repeats words) */
    bool exact = x->words == 4, bound = x->words >= 4;
    for (size_t w = 0; x->built && w < W && best > 0; w++) {
        uint16_t key = word_of(code, x->words, (int)w);
        uint64_t qs = sketch_of(code, x->words, (int)w);
        const uint32_t *o = x->off + w * (KEYS + 1);
        const struct entry *e = x->ent + w * x->built;
        for (size_t p = 0; p < x->nprobes; p++) {
            uint16_t k = (uint16_t)(key ^ x->probes[p]);
            for (uint32_t j = o[k]; j < o[k + 1]; j++) {
                int d = 0;
                if (bound) {
                    uint64_t s = e[j].sk_lo | (uint64_t)e[j].sk_hi << 32;
                    d = __builtin_popcountll(s ^ qs);
                    if (d > best)
                        continue;
                }
                if (!exact)
                    d = distance(code, x->codes + (size_t)e[j].id * nb, nb);
                consider(d, e[j].id, &best, &best_i);
            }
        }
    }
    for (size_t i = x->built; i < x->n; i++)
        consider(distance(code, x->codes + i * nb, nb), (uint32_t)i, &best,
                 &best_i);
    if (best_i == NIL)
        return EJ_NOT_FOUND;
    *value = x->values[best_i];
    *dist = best;
    return EJ_OK;
}

size_t ej_hamidx_count(const struct ej_hamidx *x) { return x->n; }
