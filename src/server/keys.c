/* keys.c: API keys. A key is "ejk_" and 64 hex digits from libsodium's
 * random generator; only its SHA-256 is stored. The server keeps the keys
 * it has seen in memory and asks the database only for unknown ones, so
 * that a key created while the server runs works at once. */
#include "server.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define CACHE_MAX 1024

/* A cached key is trusted for this long; then the database is asked
 * again, so a revoked key stops working within this time. */
#define CACHE_TTL_S 30

struct cached {
    unsigned char hash[EJ_HASH_LEN];
    enum ej_role role;
    char id[65];
    time_t checked; /* CLOCK_MONOTONIC seconds */
};

static time_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

struct keycache {
    pthread_mutex_t mu;
    struct ej_store *store; /* read connection, used under mu */
    struct cached v[CACHE_MAX];
    size_t n;
};

void keys_hash(const char *key, size_t len, unsigned char hash[EJ_HASH_LEN])
{
    crypto_hash_sha256(hash, (const unsigned char *)key, len);
}

void keys_generate(char key[KEY_TEXT_LEN + 1], char id[17],
                   unsigned char hash[EJ_HASH_LEN])
{
    unsigned char raw[32], rid[8];
    randombytes_buf(raw, sizeof raw);
    randombytes_buf(rid, sizeof rid);
    memcpy(key, "ejk_", 4);
    sodium_bin2hex(key + 4, 65, raw, sizeof raw);
    sodium_bin2hex(id, 17, rid, sizeof rid);
    keys_hash(key, KEY_TEXT_LEN, hash);
    sodium_memzero(raw, sizeof raw);
}

enum ej_err keycache_new(const char *db, struct keycache **out)
{
    struct keycache *k = calloc(1, sizeof *k);
    *out = NULL;
    if (!k)
        return EJ_NOMEM;
    enum ej_err rc = ej_store_open(ej_store_sqlite(), db, &k->store);
    if (rc != EJ_OK) {
        free(k);
        return rc;
    }
    pthread_mutex_init(&k->mu, NULL);
    *out = k;
    return EJ_OK;
}

void keycache_free(struct keycache *k)
{
    if (!k)
        return;
    ej_store_close(k->store);
    pthread_mutex_destroy(&k->mu);
    sodium_memzero(k->v, sizeof k->v);
    free(k);
}

enum ej_err keycache_lookup(struct keycache *k, const char *key, size_t len,
                            enum ej_role *role, char key_id[65])
{
    unsigned char h[EJ_HASH_LEN];
    enum ej_err rc = EJ_NOT_FOUND;
    if (len != KEY_TEXT_LEN)
        return EJ_NOT_FOUND;
    keys_hash(key, len, h);
    time_t now = mono_now();
    pthread_mutex_lock(&k->mu);
    size_t slot = k->n;
    for (size_t i = 0; i < k->n; i++)
        if (sodium_memcmp(k->v[i].hash, h, EJ_HASH_LEN) == 0) {
            if (now - k->v[i].checked < CACHE_TTL_S) {
                *role = k->v[i].role;
                memcpy(key_id, k->v[i].id, sizeof k->v[i].id);
                rc = EJ_OK;
                goto out;
            }
            slot = i; /* stale: ask the database again */
            break;
        }
    rc = ej_store_key_find(k->store, h, role, key_id);
    if (rc == EJ_NOT_FOUND && slot < k->n) {
        /* Revoked since it was cached: forget it. */
        k->v[slot] = k->v[--k->n];
    } else if (rc == EJ_OK && (slot < k->n || k->n < CACHE_MAX)) {
        if (slot == k->n)
            k->n++;
        memcpy(k->v[slot].hash, h, EJ_HASH_LEN);
        k->v[slot].role = *role;
        memcpy(k->v[slot].id, key_id, 65);
        k->v[slot].checked = now;
    }
out:
    pthread_mutex_unlock(&k->mu);
    return rc;
}
