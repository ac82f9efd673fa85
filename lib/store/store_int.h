/* store_int.h: what every backend's struct ej_store starts with. */
#ifndef EJ_STORE_INT_H
#define EJ_STORE_INT_H

#include <openssl/evp.h>

#include "ereje/store.h"

struct ej_store {
    const struct ej_store_ops *ops; /* set by ej_store_open */
};

/* A SHA-256 context for event hashes, made once per store (or per
 * verification) so that appends do not look the digest up each time. */
struct ej__hasher {
    EVP_MD *md;
    EVP_MD_CTX *ctx;
};

/* Owned by the caller: ej__hasher_free. */
enum ej_err ej__hasher_new(struct ej__hasher **out);
void ej__hasher_free(struct ej__hasher *h);
/* The byte lengths of an event's strings (NULL counts as ""), measured
 * once where both the hash and the row need them. */
struct ej__event_lens {
    size_t id, type, subject, pack_id, pack_version, rules, body;
};
void ej__event_lens_of(const struct ej_event *ev, struct ej__event_lens *out);

/* ej_event_hash with a hasher; one thread at a time per hasher. lens:
 * ev's lengths from ej__event_lens_of, or NULL to measure them here.
 * EJ_IO when libcrypto fails. */
enum ej_err ej__event_hash(struct ej__hasher *h, const struct ej_event *ev,
                           const struct ej__event_lens *lens,
                           const unsigned char prev[EJ_HASH_LEN],
                           unsigned char out[EJ_HASH_LEN]);

/* Account deltas (store.c): one blob per batch. Encode: *out is owned by
 * the caller (free); EJ_INVALID for an id over EJ_EVENT_ID_MAX bytes or a
 * service over 31. Decode calls fn for each state in order (its strings
 * live until fn returns; fn returns non-zero to stop with EJ_OK); EJ_IO
 * for a blob that is not a well-formed delta. */
enum ej_err ej__acc_delta_encode(const struct ej_acc_state *v, size_t n,
                                 unsigned char **out, size_t *len);
enum ej_err ej__acc_delta_decode(const unsigned char *b, size_t len,
                                 int (*fn)(const struct ej_acc_state *st,
                                           void *ctx),
                                 void *ctx);

#endif
