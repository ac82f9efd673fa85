/* fpbank.c: the exact-digest bank; see fingerprint.h.
 *
 * Open addressing with linear probing over slots of {digest, value}; the
 * digest is already uniform (SHA-256), so its first 8 bytes are the hash.
 * An all-zero digest marks an empty slot, so a real all-zero digest is
 * kept aside in its own flag. Load stays at or below 1/2.
 */
#include "internal.h"

#include <stdlib.h>

#include "ereje/fingerprint.h"

struct slot {
    uint8_t d[32];
    uint32_t value;
};

struct ej_fpbank {
    struct slot *s;
    size_t mask, n;
    bool has_zero;
    uint32_t zero_value;
};

static const uint8_t zero[32];

static size_t home(const uint8_t d[32], size_t mask)
{
    uint64_t h;
    memcpy(&h, d, sizeof h);
    return (size_t)h & mask;
}

static enum ej_err alloc_slots(size_t cap, struct slot **out)
{
    struct slot *s = calloc(cap, sizeof *s);
    if (!s)
        return EJ_NOMEM;
    *out = s;
    return EJ_OK;
}

enum ej_err ej_fpbank_new(size_t expect, struct ej_fpbank **out)
{
    if (expect > EJ_FPBANK_MAX)
        return EJ_TOO_BIG;
    size_t cap = 16;
    while (cap < expect * 2)
        cap <<= 1;
    struct ej_fpbank *b = calloc(1, sizeof *b);
    if (!b)
        return EJ_NOMEM;
    if (alloc_slots(cap, &b->s) != EJ_OK) {
        free(b);
        return EJ_NOMEM;
    }
    b->mask = cap - 1;
    *out = b;
    return EJ_OK;
}

void ej_fpbank_free(struct ej_fpbank *b)
{
    if (!b)
        return;
    free(b->s);
    free(b);
}

static void put(struct slot *s, size_t mask, const uint8_t d[32], uint32_t v)
{
    size_t i = home(d, mask);
    while (memcmp(s[i].d, zero, 32) != 0) {
        if (memcmp(s[i].d, d, 32) == 0)
            return;
        i = (i + 1) & mask;
    }
    memcpy(s[i].d, d, 32);
    s[i].value = v;
}

static enum ej_err grow(struct ej_fpbank *b)
{
    size_t cap = (b->mask + 1) * 2;
    struct slot *s;
    if (alloc_slots(cap, &s) != EJ_OK)
        return EJ_NOMEM;
    for (size_t i = 0; i <= b->mask; i++)
        if (memcmp(b->s[i].d, zero, 32) != 0)
            put(s, cap - 1, b->s[i].d, b->s[i].value);
    free(b->s);
    b->s = s;
    b->mask = cap - 1;
    return EJ_OK;
}

enum ej_err ej_fpbank_add(struct ej_fpbank *b, const uint8_t digest[32],
                          uint32_t value)
{
    uint32_t v;
    if (ej_fpbank_find(b, digest, &v) == EJ_OK)
        return EJ_OK;
    if (b->n >= EJ_FPBANK_MAX)
        return EJ_TOO_BIG;
    if (memcmp(digest, zero, 32) == 0) {
        b->has_zero = true;
        b->zero_value = value;
        b->n++;
        return EJ_OK;
    }
    if ((b->n + 1) * 2 > b->mask + 1) {
        enum ej_err rc = grow(b);
        if (rc != EJ_OK)
            return rc;
    }
    put(b->s, b->mask, digest, value);
    b->n++;
    return EJ_OK;
}

enum ej_err ej_fpbank_find(const struct ej_fpbank *b,
                           const uint8_t digest[32], uint32_t *value)
{
    if (memcmp(digest, zero, 32) == 0) {
        if (!b->has_zero)
            return EJ_NOT_FOUND;
        *value = b->zero_value;
        return EJ_OK;
    }
    size_t i = home(digest, b->mask);
    while (memcmp(b->s[i].d, zero, 32) != 0) {
        if (memcmp(b->s[i].d, digest, 32) == 0) {
            *value = b->s[i].value;
            return EJ_OK;
        }
        i = (i + 1) & b->mask;
    }
    return EJ_NOT_FOUND;
}

size_t ej_fpbank_count(const struct ej_fpbank *b) { return b->n; }
