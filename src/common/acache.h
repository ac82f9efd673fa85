/* acache.h: an ingest's in-memory copy of the accounts it folds, the
 * write-behind of store.h (version 2): account id -> folded state and
 * service, whether the store has the account, and whether the copy has
 * changed since it was last written to the accounts table.
 *
 * Entries stay at one address until acache_clear, so a batch may keep
 * pointers to the ones it changed. Ids are hashed with libsodium's keyed
 * SipHash (a random key per cache), so ids a client chooses cannot make
 * every lookup collide. */
#ifndef EJ_ACACHE_H
#define EJ_ACACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/anon.h"
#include "ereje/err.h"

/* Most accounts a cache holds before its ingest writes them back and
 * starts again (about 150 bytes each, id included). */
#define ACACHE_MAX 262144

struct acache_ent {
    char *id;             /* owned by the cache */
    struct ej_account a;
    char service[32];
    bool exists;          /* the store has this account */
    bool dirty;           /* changed since last written to the table */
    uint64_t batch;       /* the last batch that changed it, 0: none */
    /* The cache's own: the id's hash (kept for growing the table), and
     * room for a short id, so that most lookups touch no third line. */
    uint64_t hash;
    char id_short[24];
};

struct acache;

/* Owned by the caller: acache_free. */
enum ej_err acache_new(struct acache **out);
void acache_free(struct acache *c);
/* Forget every entry (their addresses become invalid). */
void acache_clear(struct acache *c);
size_t acache_count(const struct acache *c);
/* The entry for id, or NULL. */
struct acache_ent *acache_find(struct acache *c, const char *id);
/* A new entry for id, which must not be in the cache, with the state of
 * ej_account_init, no service, neither stored nor changed: *out is owned
 * by the cache. EJ_INVALID for an id longer than max_id bytes, EJ_TOO_BIG
 * past 2^32 - 2 entries, EJ_NOMEM. */
enum ej_err acache_add(struct acache *c, const char *id, size_t max_id,
                       struct acache_ent **out);
/* The changed entries, sorted by id (so that writing them back walks the
 * accounts table in order). *out is owned by the caller (free); the
 * entries by the cache. */
enum ej_err acache_dirty(const struct acache *c, struct acache_ent ***out,
                         size_t *n);
/* Mark every entry unchanged (after they were written back). */
void acache_clean(struct acache *c);

#endif
