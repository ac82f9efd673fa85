/* reupload.c: see reupload.h. The exact digests are in the core's
 * open-addressing bank (lib/fpbank.c); the text SimHashes and the image
 * PDQ hashes in its multi-index (lib/hamidx.c), which finds the nearest
 * within EJ_TEXTFP_NEAR or EJ_PDQ_NEAR bits without a scan (bench_fp
 * measures both against a million). */
#include "reupload.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

struct reupload {
    pthread_rwlock_t lock;
    struct ej_fpbank *digests; /* -> index into orders */
    struct ej_hamidx *texts;   /* SimHash (8 bytes, little-endian) -> idx */
    struct ej_hamidx *pdqs;    /* PDQ hash -> idx */
    char (*orders)[EJ_EVENT_ID_MAX + 1];
    size_t norders, caporders;
    uint64_t last_seq;
};

static void simhash_bytes(uint64_t h, uint8_t out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(h >> (8 * i));
}

enum ej_err reupload_new(struct reupload **out)
{
    struct reupload *r = calloc(1, sizeof *r);
    if (!r)
        return EJ_NOMEM;
    enum ej_err rc = ej_fpbank_new(1024, &r->digests);
    if (rc == EJ_OK)
        rc = ej_hamidx_new(4, EJ_TEXTFP_NEAR, &r->texts);
    if (rc == EJ_OK)
        rc = ej_hamidx_new(EJ_PDQ_BYTES / 2, EJ_PDQ_NEAR, &r->pdqs);
    if (rc != EJ_OK) {
        ej_fpbank_free(r->digests);
        ej_hamidx_free(r->texts);
        free(r);
        return rc;
    }
    pthread_rwlock_init(&r->lock, NULL);
    *out = r;
    return EJ_OK;
}

void reupload_free(struct reupload *r)
{
    if (!r)
        return;
    ej_fpbank_free(r->digests);
    ej_hamidx_free(r->texts);
    ej_hamidx_free(r->pdqs);
    free(r->orders);
    pthread_rwlock_destroy(&r->lock);
    free(r);
}

/* Index of the order id, added when new (the last one is the usual). */
static bool order_index(struct reupload *r, const char *id, uint32_t *out)
{
    if (r->norders && strcmp(r->orders[r->norders - 1], id) == 0) {
        *out = (uint32_t)(r->norders - 1);
        return true;
    }
    if (r->norders == r->caporders) {
        size_t cap = r->caporders ? r->caporders * 2 : 64;
        void *p = realloc(r->orders, cap * sizeof *r->orders);
        if (!p)
            return false;
        r->orders = p;
        r->caporders = cap;
    }
    snprintf(r->orders[r->norders], sizeof r->orders[0], "%s", id);
    *out = (uint32_t)r->norders++;
    return true;
}

/* Add one row: EJ_NOMEM, or EJ_TOO_BIG when the bank is full. */
static enum ej_err add_row(struct reupload *r, const struct ej_fp_row *row)
{
    uint32_t idx;
    if (!order_index(r, row->order_id, &idx))
        return EJ_NOMEM;
    enum ej_err rc;
    if (row->kind == EJ_FP_SHA256) {
        rc = ej_fpbank_add(r->digests, row->digest, idx);
    } else if (row->kind == EJ_FP_PDQ) {
        rc = ej_hamidx_add(r->pdqs, row->digest, idx);
    } else {
        uint8_t b[8];
        simhash_bytes(row->simhash, b);
        rc = ej_hamidx_add(r->texts, b, idx);
    }
    if (rc != EJ_OK)
        return rc;
    r->last_seq = row->seq;
    return EJ_OK;
}

struct rows {
    struct ej_fp_row *v;
    size_t n, cap;
    bool oom;
};

static int collect(const struct ej_fp_row *row, void *ctx)
{
    struct rows *rs = ctx;
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        void *p = realloc(rs->v, cap * sizeof *rs->v);
        if (!p) {
            rs->oom = true;
            return 1;
        }
        rs->v = p;
        rs->cap = cap;
    }
    rs->v[rs->n++] = *row;
    return 0;
}

/* The scan runs outside the lock (checks go on meanwhile); only the
 * merge takes the write lock. Loads are not concurrent with each other:
 * the service runs them on its writer thread, the CLI has one thread. */
enum ej_err reupload_load(struct reupload *r, struct ej_store *st)
{
    struct rows rs = {0};
    enum ej_err rc = ej_store_ops_of(st)->fp_scan(st, r->last_seq, collect,
                                                  &rs);
    if (rc == EJ_OK && rs.oom)
        rc = EJ_NOMEM;
    if (rc == EJ_OK && rs.n) {
        pthread_rwlock_wrlock(&r->lock);
        /* on an error the rest is tried again at the next load */
        for (size_t i = 0; i < rs.n && rc == EJ_OK; i++)
            rc = add_row(r, &rs.v[i]);
        /* a failed build leaves the new entries scanned: still found */
        ej_hamidx_build(r->texts);
        ej_hamidx_build(r->pdqs);
        pthread_rwlock_unlock(&r->lock);
    }
    free(rs.v);
    return rc;
}

size_t reupload_count(struct reupload *r)
{
    pthread_rwlock_rdlock(&r->lock);
    size_t n = ej_fpbank_count(r->digests) + ej_hamidx_count(r->texts) +
               ej_hamidx_count(r->pdqs);
    pthread_rwlock_unlock(&r->lock);
    return n;
}

void reupload_check(struct reupload *r, const char *text, size_t len,
                    const unsigned char *media_sha256,
                    const unsigned char *media_pdq,
                    struct reupload_match *out)
{
    unsigned char d[crypto_hash_sha256_BYTES];
    uint32_t idx = 0;
    memset(out, 0, sizeof *out);
    crypto_hash_sha256(d, (const unsigned char *)text, len);
    uint64_t f = 0;
    bool has_f = ej_textfp(text, len, &f) == EJ_OK;
    pthread_rwlock_rdlock(&r->lock);
    if (media_sha256 &&
        ej_fpbank_find(r->digests, media_sha256, &idx) == EJ_OK) {
        out->found = out->exact = true;
        out->by = "media_sha256";
    } else if (len > 0 && ej_fpbank_find(r->digests, d, &idx) == EJ_OK) {
        out->found = out->exact = true;
        out->by = "text_sha256";
    }
    int dist;
    if (!out->found && media_pdq &&
        ej_hamidx_nearest(r->pdqs, media_pdq, &idx, &dist) == EJ_OK) {
        out->found = true;
        out->by = "media_pdq";
        out->distance = dist;
    }
    uint8_t fb[8];
    simhash_bytes(f, fb);
    if (!out->found && has_f &&
        ej_hamidx_nearest(r->texts, fb, &idx, &dist) == EJ_OK) {
        out->found = true;
        out->by = "text_simhash";
        out->distance = dist;
    }
    if (out->found)
        snprintf(out->order_id, sizeof out->order_id, "%s", r->orders[idx]);
    pthread_rwlock_unlock(&r->lock);
}
