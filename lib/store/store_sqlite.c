/* store_sqlite.c: the SQLite backend of the store (see store.h).
 *
 * WAL journal with synchronous=FULL: the WAL is synced at every commit, so
 * a committed transaction survives a crash of the process and of the
 * machine. With the service's group commit that is one sync per batch,
 * which measured at a few percent of throughput here (make bench).
 * Schema changes are the numbered
 * files in lib/store/migrations, applied in order and counted in
 * PRAGMA user_version. All SQL uses prepared statements with bound
 * parameters. One struct ej_store is one connection: use it from one thread
 * at a time.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ereje/store.h"
#include "store_int.h"
#include "migrations.h"

struct sqlite_store {
    struct ej_store base;
    sqlite3 *db;
    sqlite3_stmt *insert, *set_head, *get_head, *scan, *key_add, *key_find;
    sqlite3_stmt *acc_get, *acc_put, *acc_scan, *acc_scan_reg, *daily_put,
        *daily_win, *id_put, *id_get, *aud_put, *aud_sum;
    sqlite3_stmt *dl_add, *dl_scan, *dl_clear, *dl_any, *gen_get, *gen_bump;
    bool in_txn;  /* a begin() or read_begin() is open */
    bool in_read; /* ... and it is read_begin()'s */
    struct ej__hasher *hasher; /* event hashes on append */
};

static enum ej_err exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? EJ_OK
                                                                : EJ_IO;
}

/* Apply the migrations this database lacks. The version is read inside
 * the write transaction, so two processes upgrading the same file at once
 * do not both apply the same step. */
static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static enum ej_err migrate(sqlite3 *db)
{
    int n = (int)(sizeof migrations / sizeof *migrations);
    /* Up to date (the usual case): no write lock is taken. */
    int v = user_version(db);
    if (v == n)
        return EJ_OK;
    if (v > n)
        return EJ_INVALID; /* a newer ereje made this database */
    for (;;) {
        sqlite3_stmt *st;
        int have = 0;
        if (exec(db, "BEGIN IMMEDIATE") != EJ_OK)
            return EJ_IO;
        if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
            SQLITE_OK) {
            exec(db, "ROLLBACK");
            return EJ_IO;
        }
        if (sqlite3_step(st) == SQLITE_ROW)
            have = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (have > n) {
            exec(db, "ROLLBACK");
            return EJ_INVALID; /* a newer ereje made this database */
        }
        if (have == n)
            return exec(db, "COMMIT");
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", have + 1);
        if (exec(db, migrations[have].sql) != EJ_OK ||
            exec(db, pragma) != EJ_OK) {
            exec(db, "ROLLBACK");
            return EJ_IO;
        }
        if (exec(db, "COMMIT") != EJ_OK)
            return EJ_IO;
    }
}

static void sq_close(struct ej_store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (!s)
        return;
    sqlite3_finalize(s->insert);
    sqlite3_finalize(s->set_head);
    sqlite3_finalize(s->get_head);
    sqlite3_finalize(s->scan);
    sqlite3_finalize(s->key_add);
    sqlite3_finalize(s->key_find);
    sqlite3_stmt *more[] = {s->acc_get, s->acc_put, s->acc_scan,
                            s->acc_scan_reg, s->daily_put, s->daily_win,
                            s->id_put, s->id_get, s->aud_put, s->aud_sum,
                            s->dl_add, s->dl_scan, s->dl_clear, s->dl_any,
                            s->gen_get, s->gen_bump};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        sqlite3_finalize(more[i]);
    sqlite3_close(s->db);
    ej__hasher_free(s->hasher);
    free(s);
}

static enum ej_err sq_open(const char *path, struct ej_store **out)
{
    enum ej_err rc = EJ_IO;
    struct sqlite_store *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s)
        return EJ_NOMEM;
    if (ej__hasher_new(&s->hasher) != EJ_OK) {
        free(s);
        return EJ_NOMEM;
    }
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        goto out;
    sqlite3_busy_timeout(s->db, 10000);
    if (exec(s->db, "PRAGMA journal_mode = WAL") != EJ_OK ||
        exec(s->db, "PRAGMA synchronous = FULL") != EJ_OK ||
        exec(s->db, "PRAGMA cache_size = -16384") != EJ_OK ||
        exec(s->db, "PRAGMA wal_autocheckpoint = 4000") != EJ_OK)
        goto out;
    rc = migrate(s->db);
    if (rc != EJ_OK)
        goto out;
    rc = EJ_IO;
    static const struct {
        size_t off;
        const char *sql;
    } stmts[] = {
        {offsetof(struct sqlite_store, insert),
         /* A replayed id is skipped; any other conflict (a seq already
          * taken: the chain head was moved behind the stream) fails the
          * whole transaction rather than drop an event silently. */
         "INSERT INTO events (seq, id, type, at_ms, recorded_ms, "
         "subject, pack_id, pack_version, rules, body, prev_hash, hash) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING"},
        {offsetof(struct sqlite_store, set_head),
         "UPDATE chain_head SET seq = ?, hash = ? WHERE one = 1"},
        {offsetof(struct sqlite_store, get_head),
         "SELECT seq, hash FROM chain_head WHERE one = 1"},
        {offsetof(struct sqlite_store, scan),
         "SELECT seq, id, type, at_ms, recorded_ms, subject, pack_id, "
         "pack_version, rules, body, prev_hash, hash FROM events "
         "WHERE seq >= ?1 OR ?1 = 0 ORDER BY seq"},
        {offsetof(struct sqlite_store, key_add),
         "INSERT INTO api_keys (id, role, hash, label, created_ms) "
         "VALUES (?,?,?,?,?)"},
        {offsetof(struct sqlite_store, key_find),
         "SELECT id, role FROM api_keys WHERE hash = ? AND revoked_ms IS NULL"},
#define ACC_COLS                                                            \
    "followers, measure, kz_share_pm, identity, case_state, flags, "       \
    "above_since, below_since, case_opened_ms, case_due_ms, last_ms"
        {offsetof(struct sqlite_store, acc_get),
         "SELECT " ACC_COLS ", service FROM accounts WHERE id = ?"},
        {offsetof(struct sqlite_store, acc_put),
         "INSERT INTO accounts (id, service, " ACC_COLS ") "
         "VALUES (?1, coalesce(?2, ''), ?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) "
         "ON CONFLICT (id) DO UPDATE SET service = coalesce(?2, service), "
         "followers = ?3, measure = ?4, kz_share_pm = ?5, identity = ?6, "
         "case_state = ?7, flags = ?8, above_since = ?9, below_since = ?10, "
         "case_opened_ms = ?11, case_due_ms = ?12, last_ms = ?13"},
        {offsetof(struct sqlite_store, acc_scan),
         "SELECT " ACC_COLS ", id FROM accounts ORDER BY id"},
        {offsetof(struct sqlite_store, acc_scan_reg),
         "SELECT " ACC_COLS ", id FROM accounts WHERE (flags & 2) != 0 "
         "ORDER BY id"},
        {offsetof(struct sqlite_store, daily_put),
         "INSERT INTO follower_daily (account, day, followers) "
         "VALUES (?,?,?) ON CONFLICT (account, day) "
         "DO UPDATE SET followers = excluded.followers"},
        {offsetof(struct sqlite_store, daily_win),
         "SELECT followers FROM follower_daily WHERE account = ? "
         "AND day BETWEEN ? AND ? ORDER BY day"},
        {offsetof(struct sqlite_store, id_put),
         "INSERT INTO identities (account, status, method, iin_hash, nonce, "
         "ciphertext, updated_ms) VALUES (?1,?2,?3,?4,?5,?6,?7) "
         "ON CONFLICT (account) DO UPDATE SET status = ?2, method = ?3, "
         "iin_hash = coalesce(?4, iin_hash), nonce = coalesce(?5, nonce), "
         "ciphertext = coalesce(?6, ciphertext), updated_ms = ?7"},
        {offsetof(struct sqlite_store, id_get),
         "SELECT status, method, iin_hash, nonce, ciphertext, updated_ms "
         "FROM identities WHERE account = ?"},
        {offsetof(struct sqlite_store, aud_put),
         "INSERT INTO audience_daily (day, users, at_ms) VALUES (?,?,?) "
         "ON CONFLICT (day) DO UPDATE SET users = excluded.users, "
         "at_ms = excluded.at_ms WHERE excluded.at_ms >= audience_daily.at_ms"},
        {offsetof(struct sqlite_store, dl_add),
         "INSERT INTO account_deltas (states) VALUES (?)"},
        {offsetof(struct sqlite_store, dl_scan),
         "SELECT states FROM account_deltas ORDER BY seq"},
        {offsetof(struct sqlite_store, dl_clear),
         "DELETE FROM account_deltas"},
        {offsetof(struct sqlite_store, dl_any),
         "SELECT EXISTS (SELECT 1 FROM account_deltas)"},
        {offsetof(struct sqlite_store, gen_get),
         "SELECT gen FROM account_fold WHERE one = 1"},
        {offsetof(struct sqlite_store, gen_bump),
         "UPDATE account_fold SET gen = gen + 1 WHERE one = 1"},
        {offsetof(struct sqlite_store, aud_sum),
         "SELECT coalesce(sum(users), 0), count(*) FROM audience_daily "
         "WHERE day BETWEEN ? AND ?"},
    };
    for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++)
        if (sqlite3_prepare_v3(s->db, stmts[i].sql, -1,
                               SQLITE_PREPARE_PERSISTENT,
                               (sqlite3_stmt **)((char *)s + stmts[i].off),
                               NULL) != SQLITE_OK)
            goto out;
    rc = EJ_OK;
out:
    if (rc != EJ_OK) {
        sq_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return EJ_OK;
}

static enum ej_err read_head(struct sqlite_store *s, uint64_t *seq,
                             unsigned char hash[EJ_HASH_LEN])
{
    enum ej_err rc = EJ_IO;
    if (sqlite3_step(s->get_head) == SQLITE_ROW &&
        sqlite3_column_bytes(s->get_head, 1) == EJ_HASH_LEN) {
        *seq = (uint64_t)sqlite3_column_int64(s->get_head, 0);
        memcpy(hash, sqlite3_column_blob(s->get_head, 1), EJ_HASH_LEN);
        rc = EJ_OK;
    }
    sqlite3_reset(s->get_head);
    return rc;
}

static enum ej_err sq_head(struct ej_store *base, uint64_t *seq,
                           unsigned char hash[EJ_HASH_LEN])
{
    return read_head((struct sqlite_store *)base, seq, hash);
}

static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
    return sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

/* bind_text with the length known (ej__event_lens_of). */
static int bind_text_n(sqlite3_stmt *st, int i, const char *v, size_t n)
{
    return sqlite3_bind_text64(st, i, v ? v : "", n, SQLITE_STATIC,
                               SQLITE_UTF8);
}

static enum ej_err sq_append(struct ej_store *base, struct ej_event *ev,
                             size_t n, size_t *n_added)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    uint64_t seq;
    unsigned char prev[EJ_HASH_LEN];
    size_t added = 0;
    enum ej_err rc = EJ_IO;

    bool own = !s->in_txn;
    if (exec(s->db, own ? "BEGIN IMMEDIATE" : "SAVEPOINT ej_append") !=
        EJ_OK)
        return EJ_IO;
    /* The head is read inside the write transaction: no other writer can
     * move it until COMMIT. */
    if (read_head(s, &seq, prev) != EJ_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct ej_event *e = &ev[i];
        /* Each string is measured once, for the hash and the row. */
        struct ej__event_lens l;
        ej__event_lens_of(e, &l);
        e->seq = seq + 1;
        memcpy(e->prev_hash, prev, EJ_HASH_LEN);
        if (ej__event_hash(s->hasher, e, &l, prev, e->hash) != EJ_OK)
            goto out;
        /* Every parameter is bound again for each row, so the bindings
         * are not cleared; a failed bind (a string over SQLite's length
         * limit) fails the append rather than leave the previous row's
         * value, which may point at freed memory, bound. */
        sqlite3_stmt *st = s->insert;
        int bound =
            sqlite3_bind_int64(st, 1, (sqlite3_int64)e->seq) |
            bind_text_n(st, 2, e->id, l.id) |
            bind_text_n(st, 3, e->type, l.type) |
            sqlite3_bind_int64(st, 4, e->at_ms) |
            sqlite3_bind_int64(st, 5, e->recorded_ms) |
            bind_text_n(st, 6, e->subject, l.subject) |
            bind_text_n(st, 7, e->pack_id, l.pack_id) |
            bind_text_n(st, 8, e->pack_version, l.pack_version) |
            bind_text_n(st, 9, e->rules, l.rules) |
            bind_text_n(st, 10, e->body, l.body) |
            sqlite3_bind_blob(st, 11, e->prev_hash, EJ_HASH_LEN,
                              SQLITE_STATIC) |
            sqlite3_bind_blob(st, 12, e->hash, EJ_HASH_LEN, SQLITE_STATIC);
        if (bound != SQLITE_OK) {
            sqlite3_clear_bindings(st);
            goto out;
        }
        int step = sqlite3_step(st);
        sqlite3_reset(st);
        if (step != SQLITE_DONE)
            goto out;
        if (sqlite3_changes(s->db) == 1) {
            seq = e->seq;
            memcpy(prev, e->hash, EJ_HASH_LEN);
            added++;
        } else {
            e->seq = 0; /* replayed id: already stored */
        }
    }
    sqlite3_bind_int64(s->set_head, 1, (sqlite3_int64)seq);
    sqlite3_bind_blob(s->set_head, 2, prev, EJ_HASH_LEN, SQLITE_STATIC);
    int step = sqlite3_step(s->set_head);
    sqlite3_reset(s->set_head);
    if (step != SQLITE_DONE)
        goto out;
    if (exec(s->db, own ? "COMMIT" : "RELEASE ej_append") != EJ_OK)
        goto out;
    rc = EJ_OK;
out:
    if (rc != EJ_OK) {
        if (own) {
            exec(s->db, "ROLLBACK");
        } else {
            exec(s->db, "ROLLBACK TO ej_append");
            exec(s->db, "RELEASE ej_append");
        }
        for (size_t i = 0; i < n; i++)
            ev[i].seq = 0;
        return rc;
    }
    if (n_added)
        *n_added = added;
    return EJ_OK;
}

/* Column text; *nul is set when the stored value holds a NUL byte, which
 * a C string would silently cut (ereje never writes one). */
static const char *col_text_n(sqlite3_stmt *st, int i, bool *nul)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return "";
    if (strlen((const char *)t) != (size_t)sqlite3_column_bytes(st, i))
        *nul = true;
    return (const char *)t;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    bool nul = false;
    return col_text_n(st, i, &nul);
}

static enum ej_err sq_scan(struct ej_store *base, uint64_t from_seq,
                           int (*fn)(const struct ej_event *, void *),
                           void *ctx)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->scan;
    enum ej_err rc = EJ_OK;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)from_seq);
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        struct ej_event e;
        memset(&e, 0, sizeof e);
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        bool nul = false;
        e.seq = seq < 0 ? 0 : (uint64_t)seq; /* 0 is never valid */
        e.id = col_text_n(st, 1, &nul);
        e.type = col_text_n(st, 2, &nul);
        e.at_ms = sqlite3_column_int64(st, 3);
        e.recorded_ms = sqlite3_column_int64(st, 4);
        e.subject = col_text_n(st, 5, &nul);
        e.pack_id = col_text_n(st, 6, &nul);
        e.pack_version = col_text_n(st, 7, &nul);
        e.rules = col_text_n(st, 8, &nul);
        e.body = col_text_n(st, 9, &nul);
        e.malformed = nul;
        /* A hash column of the wrong size reads as zeros: it will not
         * match, which is the point. */
        if (sqlite3_column_bytes(st, 10) == EJ_HASH_LEN)
            memcpy(e.prev_hash, sqlite3_column_blob(st, 10), EJ_HASH_LEN);
        if (sqlite3_column_bytes(st, 11) == EJ_HASH_LEN)
            memcpy(e.hash, sqlite3_column_blob(st, 11), EJ_HASH_LEN);
        if (fn(&e, ctx))
            break;
    }
    sqlite3_reset(st);
    return rc;
}

static enum ej_err sq_key_add(struct ej_store *base, const char *key_id,
                              enum ej_role role,
                              const unsigned char hash[EJ_HASH_LEN],
                              const char *label, int64_t created_ms)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->key_add;
    bind_text(st, 1, key_id);
    sqlite3_bind_int(st, 2, (int)role);
    sqlite3_bind_blob(st, 3, hash, EJ_HASH_LEN, SQLITE_STATIC);
    bind_text(st, 4, label);
    sqlite3_bind_int64(st, 5, created_ms);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return step == SQLITE_DONE ? EJ_OK : EJ_IO;
}

static enum ej_err sq_key_find(struct ej_store *base,
                               const unsigned char hash[EJ_HASH_LEN],
                               enum ej_role *role, char key_id[65])
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->key_find;
    enum ej_err rc = EJ_NOT_FOUND;
    sqlite3_bind_blob(st, 1, hash, EJ_HASH_LEN, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *id = col_text(st, 0);
        size_t n = strlen(id);
        if (n > 64)
            n = 64;
        memcpy(key_id, id, n);
        key_id[n] = '\0';
        *role = (enum ej_role)sqlite3_column_int(st, 1);
        rc = EJ_OK;
    } else if (step != SQLITE_DONE) {
        rc = EJ_IO;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static enum ej_err sq_begin(struct ej_store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (s->in_txn)
        return EJ_INVALID;
    if (exec(s->db, "BEGIN IMMEDIATE") != EJ_OK)
        return EJ_IO;
    s->in_txn = true;
    return EJ_OK;
}

static enum ej_err sq_commit(struct ej_store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (!s->in_txn)
        return EJ_INVALID;
    if (exec(s->db, "COMMIT") != EJ_OK) {
        exec(s->db, "ROLLBACK");
        s->in_txn = false;
        s->in_read = false;
        return EJ_IO;
    }
    s->in_txn = false;
    s->in_read = false;
    return EJ_OK;
}

static enum ej_err sq_read_begin(struct ej_store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (s->in_txn)
        return EJ_INVALID;
    /* A deferred transaction takes its snapshot at the first read. */
    if (exec(s->db, "BEGIN") != EJ_OK ||
        exec(s->db, "SELECT seq FROM chain_head") != EJ_OK) {
        exec(s->db, "ROLLBACK");
        return EJ_IO;
    }
    s->in_txn = true;
    s->in_read = true;
    return EJ_OK;
}

static void sq_read_end(struct ej_store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (s->in_txn)
        exec(s->db, "COMMIT");
    s->in_txn = false;
    s->in_read = false;
}

static enum ej_err sq_key_revoke(struct ej_store *base, const char *key_id,
                                 int64_t at_ms)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE api_keys SET revoked_ms = ? WHERE id = ? "
                           "AND revoked_ms IS NULL",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    sqlite3_bind_int64(st, 1, at_ms);
    bind_text(st, 2, key_id);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return EJ_IO;
    return sqlite3_changes(s->db) == 1 ? EJ_OK : EJ_NOT_FOUND;
}

static void sq_rollback(struct ej_store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (s->in_txn)
        exec(s->db, "ROLLBACK");
    s->in_txn = false;
    s->in_read = false;
}

/* Run a statement to completion and reset it. */
static enum ej_err done(sqlite3_stmt *st)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return step == SQLITE_DONE ? EJ_OK : EJ_IO;
}

static void read_account(sqlite3_stmt *st, struct ej_account *a)
{
    ej_account_init(a);
    a->followers = (uint32_t)sqlite3_column_int64(st, 0);
    a->measure = (uint32_t)sqlite3_column_int64(st, 1);
    a->kz_share_pm = (uint16_t)sqlite3_column_int(st, 2);
    a->identity = (uint8_t)sqlite3_column_int(st, 3);
    a->case_state = (uint8_t)sqlite3_column_int(st, 4);
    a->flags = (uint8_t)sqlite3_column_int(st, 5);
    a->above_since = sqlite3_column_int(st, 6);
    a->below_since = sqlite3_column_int(st, 7);
    a->case_opened_ms = sqlite3_column_int64(st, 8);
    a->case_due_ms = sqlite3_column_int64(st, 9);
    a->last_ms = sqlite3_column_int64(st, 10);
}

static enum ej_err sq_account_get(struct ej_store *base, const char *id,
                                  struct ej_account *a, char service[32],
                                  bool *found)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->acc_get;
    enum ej_err rc = EJ_OK;
    bind_text(st, 1, id);
    int step = sqlite3_step(st);
    *found = step == SQLITE_ROW;
    if (step == SQLITE_ROW) {
        read_account(st, a);
        if (service) {
            snprintf(service, 32, "%s", col_text(st, 11));
        }
    } else if (step != SQLITE_DONE) {
        rc = EJ_IO;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static enum ej_err sq_account_put(struct ej_store *base, const char *id,
                                  const struct ej_account *a,
                                  const char *service)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->acc_put;
    bind_text(st, 1, id);
    if (service)
        bind_text(st, 2, service);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_int64(st, 3, a->followers);
    sqlite3_bind_int64(st, 4, a->measure);
    sqlite3_bind_int(st, 5, a->kz_share_pm);
    sqlite3_bind_int(st, 6, a->identity);
    sqlite3_bind_int(st, 7, a->case_state);
    sqlite3_bind_int(st, 8, a->flags);
    sqlite3_bind_int(st, 9, a->above_since);
    sqlite3_bind_int(st, 10, a->below_since);
    sqlite3_bind_int64(st, 11, a->case_opened_ms);
    sqlite3_bind_int64(st, 12, a->case_due_ms);
    sqlite3_bind_int64(st, 13, a->last_ms);
    return done(st);
}

static enum ej_err sq_accounts_scan(struct ej_store *base, bool registry_only,
                                    int (*fn)(const char *,
                                              const struct ej_account *,
                                              void *),
                                    void *ctx)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = registry_only ? s->acc_scan_reg : s->acc_scan;
    enum ej_err rc = EJ_OK;
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        struct ej_account a;
        read_account(st, &a);
        if (fn(col_text(st, 11), &a, ctx))
            break;
    }
    sqlite3_reset(st);
    return rc;
}

static enum ej_err sq_daily_put(struct ej_store *base, const char *id,
                                int32_t day, uint32_t followers)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    bind_text(s->daily_put, 1, id);
    sqlite3_bind_int(s->daily_put, 2, day);
    sqlite3_bind_int64(s->daily_put, 3, followers);
    return done(s->daily_put);
}

static enum ej_err sq_daily_window(struct ej_store *base, const char *id,
                                   int32_t from_day, int32_t to_day,
                                   uint32_t *out, size_t cap, size_t *n)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->daily_win;
    enum ej_err rc = EJ_OK;
    size_t k = 0;
    bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, from_day);
    sqlite3_bind_int(st, 3, to_day);
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        if (k < cap)
            out[k++] = (uint32_t)sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    *n = k;
    return rc;
}

static enum ej_err sq_identity_put(struct ej_store *base, const char *account,
                                   const struct ej_identity_row *r)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->id_put;
    bind_text(st, 1, account);
    sqlite3_bind_int(st, 2, r->status);
    bind_text(st, 3, r->method);
    if (r->has_iin_hash)
        sqlite3_bind_blob(st, 4, r->iin_hash, EJ_HASH_LEN, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    if (r->has_ciphertext && r->ct_len > EJ_IDENTITY_CT_MAX) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return EJ_TOO_BIG;
    }
    if (r->has_ciphertext) {
        sqlite3_bind_blob(st, 5, r->nonce, EJ_NONCE_LEN, SQLITE_STATIC);
        sqlite3_bind_blob(st, 6, r->ciphertext, (int)r->ct_len,
                          SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, 5);
        sqlite3_bind_null(st, 6);
    }
    sqlite3_bind_int64(st, 7, r->updated_ms);
    return done(st);
}

static enum ej_err sq_identity_get(struct ej_store *base, const char *account,
                                   struct ej_identity_row *r, bool *found)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->id_get;
    enum ej_err rc = EJ_OK;
    memset(r, 0, sizeof *r);
    bind_text(st, 1, account);
    int step = sqlite3_step(st);
    *found = step == SQLITE_ROW;
    if (step == SQLITE_ROW) {
        r->status = sqlite3_column_int(st, 0);
        snprintf(r->method, sizeof r->method, "%s", col_text(st, 1));
        if (sqlite3_column_bytes(st, 2) == EJ_HASH_LEN) {
            memcpy(r->iin_hash, sqlite3_column_blob(st, 2), EJ_HASH_LEN);
            r->has_iin_hash = true;
        }
        int ct = sqlite3_column_bytes(st, 4);
        if (sqlite3_column_bytes(st, 3) == EJ_NONCE_LEN && ct > 0 &&
            (size_t)ct <= EJ_IDENTITY_CT_MAX) {
            memcpy(r->nonce, sqlite3_column_blob(st, 3), EJ_NONCE_LEN);
            memcpy(r->ciphertext, sqlite3_column_blob(st, 4), (size_t)ct);
            r->ct_len = (size_t)ct;
            r->has_ciphertext = true;
        }
        r->updated_ms = sqlite3_column_int64(st, 5);
    } else if (step != SQLITE_DONE) {
        rc = EJ_IO;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

#define ORDER_COLS                                                           \
    "id, issuer, number, basis, action, targets, state, received_ms, "      \
    "acked_ms, has_effect, c_due_ms, c_paused_ms, c_paused, "               \
    "c_paused_since, c_last_ms, e_due_ms, e_paused_ms, e_paused, "          \
    "e_paused_since, e_last_ms, emitted, closed_ms, close_action, evidence"

static enum ej_err sq_order_put(struct ej_store *base,
                                const struct ej_order_row *r)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO orders (" ORDER_COLS ") "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                           "?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    const struct ej_order *o = &r->order;
    const char *txt[6] = {r->id, r->issuer, r->number,
                          r->basis, r->action, r->targets};
    for (int i = 0; i < 6; i++)
        bind_text(st, i + 1, txt[i]);
    sqlite3_bind_int(st, 7, (int)o->state);
    sqlite3_bind_int64(st, 8, o->received_ms);
    sqlite3_bind_int64(st, 9, r->acked_ms);
    sqlite3_bind_int(st, 10, o->has_effect);
    const struct ej_clock *c[2] = {&o->consider, &o->effect};
    for (int k = 0; k < 2; k++) {
        sqlite3_bind_int64(st, 11 + k * 5, c[k]->base.due_ms);
        sqlite3_bind_int64(st, 12 + k * 5, c[k]->paused_ms);
        sqlite3_bind_int(st, 13 + k * 5, c[k]->paused);
        sqlite3_bind_int64(st, 14 + k * 5, c[k]->paused_since_ms);
        sqlite3_bind_int64(st, 15 + k * 5, c[k]->last_ms);
    }
    sqlite3_bind_int64(st, 21, o->emitted);
    sqlite3_bind_int64(st, 22, o->closed_ms);
    bind_text(st, 23, r->close_action);
    bind_text(st, 24, r->evidence);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? EJ_OK : EJ_IO;
}

static bool read_order(sqlite3_stmt *st, struct ej_order_row *r)
{
    memset(r, 0, sizeof *r);
    char **txt[6] = {&r->id, &r->issuer, &r->number,
                     &r->basis, &r->action, &r->targets};
    for (int i = 0; i < 6; i++)
        if (!(*txt[i] = strdup(col_text(st, i))))
            return false;
    struct ej_order *o = &r->order;
    o->state = (enum ej_order_state)sqlite3_column_int(st, 6);
    o->received_ms = sqlite3_column_int64(st, 7);
    r->acked_ms = sqlite3_column_int64(st, 8);
    o->has_effect = sqlite3_column_int(st, 9) != 0;
    struct ej_clock *c[2] = {&o->consider, &o->effect};
    for (int k = 0; k < 2; k++) {
        c[k]->started_ms = o->received_ms;
        c[k]->base.due_ms = sqlite3_column_int64(st, 10 + k * 5);
        c[k]->paused_ms = sqlite3_column_int64(st, 11 + k * 5);
        c[k]->paused = sqlite3_column_int(st, 12 + k * 5) != 0;
        c[k]->paused_since_ms = sqlite3_column_int64(st, 13 + k * 5);
        c[k]->last_ms = sqlite3_column_int64(st, 14 + k * 5);
    }
    o->emitted = (uint32_t)sqlite3_column_int64(st, 20);
    o->closed_ms = sqlite3_column_int64(st, 21);
    return (r->close_action = strdup(col_text(st, 22))) &&
           (r->evidence = strdup(col_text(st, 23)));
}

static enum ej_err sq_order_get(struct ej_store *base, const char *id,
                                struct ej_order_row *out)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    enum ej_err rc = EJ_NOT_FOUND;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " ORDER_COLS " FROM orders WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    bind_text(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        rc = read_order(st, out) ? EJ_OK : EJ_NOMEM;
        if (rc != EJ_OK)
            ej_order_row_free(out);
    } else if (step != SQLITE_DONE) {
        rc = EJ_IO;
    }
    sqlite3_finalize(st);
    return rc;
}

static enum ej_err sq_orders_scan(struct ej_store *base,
                                  int (*fn)(const struct ej_order_row *,
                                            void *),
                                  void *ctx)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    enum ej_err rc = EJ_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " ORDER_COLS " FROM orders "
                           "ORDER BY received_ms, id",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        struct ej_order_row r;
        if (!read_order(st, &r)) {
            ej_order_row_free(&r);
            rc = EJ_NOMEM;
            break;
        }
        int stop = fn(&r, ctx);
        ej_order_row_free(&r);
        if (stop)
            break;
    }
    sqlite3_finalize(st);
    return rc;
}

#define QUAL_COLS                                                           \
    "author, doc_type, number, issuer, fields, valid_until, status, "       \
    "updated_ms"

static enum ej_err sq_qual_put(struct ej_store *base,
                               const struct ej_qual_row *r)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO qualifications (" QUAL_COLS
                           ") VALUES (?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    bind_text(st, 1, r->author);
    bind_text(st, 2, r->doc_type);
    bind_text(st, 3, r->number);
    bind_text(st, 4, r->issuer);
    bind_text(st, 5, r->fields);
    bind_text(st, 6, r->valid_until);
    bind_text(st, 7, r->status);
    sqlite3_bind_int64(st, 8, r->updated_ms);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? EJ_OK : EJ_IO;
}

static enum ej_err sq_quals_get(struct ej_store *base, const char *author,
                                struct ej_qual_row *out, size_t max,
                                size_t *n)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    enum ej_err rc = EJ_OK;
    size_t k = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " QUAL_COLS " FROM qualifications "
                           "WHERE author = ? ORDER BY status = 'verified' "
                           "DESC, updated_ms, doc_type, number",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    bind_text(st, 1, author);
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        if (k == max) {
            rc = EJ_TOO_BIG;
            break;
        }
        struct ej_qual_row *r = &out[k++];
        memset(r, 0, sizeof *r);
        snprintf(r->author, sizeof r->author, "%s", col_text(st, 0));
        snprintf(r->doc_type, sizeof r->doc_type, "%s", col_text(st, 1));
        snprintf(r->number, sizeof r->number, "%s", col_text(st, 2));
        snprintf(r->issuer, sizeof r->issuer, "%s", col_text(st, 3));
        snprintf(r->fields, sizeof r->fields, "%s", col_text(st, 4));
        snprintf(r->valid_until, sizeof r->valid_until, "%s",
                 col_text(st, 5));
        snprintf(r->status, sizeof r->status, "%s", col_text(st, 6));
        r->updated_ms = sqlite3_column_int64(st, 7);
    }
    sqlite3_finalize(st);
    if (rc == EJ_OK || rc == EJ_TOO_BIG)
        *n = k; /* TOO_BIG: the first max rows, verified ones first */
    return rc;
}

static enum ej_err sq_fp_add(struct ej_store *base, const struct ej_fp_row *r)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO fingerprints (order_id, kind, digest, "
                           "simhash, added_ms) VALUES (?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    bind_text(st, 1, r->order_id);
    bind_text(st, 2, r->kind == EJ_FP_SHA256 ? "sha256"
                     : r->kind == EJ_FP_PDQ  ? "pdq"
                                             : "text");
    if (r->kind != EJ_FP_TEXT) {
        sqlite3_bind_blob(st, 3, r->digest, EJ_HASH_LEN, SQLITE_STATIC);
        sqlite3_bind_null(st, 4);
    } else {
        sqlite3_bind_null(st, 3);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)r->simhash);
    }
    sqlite3_bind_int64(st, 5, r->added_ms);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? EJ_OK : EJ_IO;
}

static enum ej_err sq_fp_scan(struct ej_store *base, uint64_t after,
                              int (*fn)(const struct ej_fp_row *r, void *ctx),
                              void *ctx)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    enum ej_err rc = EJ_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT seq, order_id, kind, digest, simhash, "
                           "added_ms FROM fingerprints WHERE seq > ? "
                           "ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)after);
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        struct ej_fp_row r;
        memset(&r, 0, sizeof r);
        r.seq = (uint64_t)sqlite3_column_int64(st, 0);
        snprintf(r.order_id, sizeof r.order_id, "%s", col_text(st, 1));
        const char *kind = col_text(st, 2);
        if (strcmp(kind, "sha256") == 0)
            r.kind = EJ_FP_SHA256;
        else if (strcmp(kind, "pdq") == 0)
            r.kind = EJ_FP_PDQ;
        else if (strcmp(kind, "text") == 0)
            r.kind = EJ_FP_TEXT;
        else
            continue; /* not written by ereje */
        if (r.kind != EJ_FP_TEXT) {
            if (sqlite3_column_bytes(st, 3) != EJ_HASH_LEN)
                continue; /* not written by ereje */
            memcpy(r.digest, sqlite3_column_blob(st, 3), EJ_HASH_LEN);
        } else {
            r.simhash = (uint64_t)sqlite3_column_int64(st, 4);
        }
        r.added_ms = sqlite3_column_int64(st, 5);
        if (fn(&r, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc;
}

#define WH_COLS                                                             \
    "id, event_seq, event_id, type, status, attempts, next_at_ms, "         \
    "last_status, last_error, delivered_ms, created_ms"

static enum ej_err sq_wh_cursor(struct ej_store *base, uint64_t *seq)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT seq FROM webhook_cursor WHERE k = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    int step = sqlite3_step(st);
    *seq = step == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return step == SQLITE_ROW ? EJ_OK : step == SQLITE_DONE ? EJ_NOT_FOUND
                                                            : EJ_IO;
}

static enum ej_err sq_wh_set_cursor(struct ej_store *base, uint64_t seq)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO webhook_cursor (k, seq) "
                           "VALUES (1, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? EJ_OK : EJ_IO;
}

static enum ej_err sq_wh_add(struct ej_store *base, struct ej_wh_row *r)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR IGNORE INTO webhook_deliveries "
                           "(event_seq, event_id, type, status, attempts, "
                           "next_at_ms, created_ms) VALUES (?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)r->event_seq);
    bind_text(st, 2, r->event_id);
    bind_text(st, 3, r->type);
    bind_text(st, 4, r->status);
    sqlite3_bind_int(st, 5, r->attempts);
    sqlite3_bind_int64(st, 6, r->next_at_ms);
    sqlite3_bind_int64(st, 7, r->created_ms);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return EJ_IO;
    /* 0 when the event was queued already (the insert was ignored) */
    r->id = sqlite3_changes(s->db) ? sqlite3_last_insert_rowid(s->db) : 0;
    return EJ_OK;
}

static void wh_row_of(sqlite3_stmt *st, struct ej_wh_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->event_seq = (uint64_t)sqlite3_column_int64(st, 1);
    snprintf(r->event_id, sizeof r->event_id, "%s", col_text(st, 2));
    snprintf(r->type, sizeof r->type, "%s", col_text(st, 3));
    snprintf(r->status, sizeof r->status, "%s", col_text(st, 4));
    r->attempts = sqlite3_column_int(st, 5);
    r->next_at_ms = sqlite3_column_int64(st, 6);
    r->last_status = sqlite3_column_int(st, 7);
    snprintf(r->last_error, sizeof r->last_error, "%s", col_text(st, 8));
    r->delivered_ms = sqlite3_column_int64(st, 9);
    r->created_ms = sqlite3_column_int64(st, 10);
}

static enum ej_err sq_wh_due(struct ej_store *base, int64_t now_ms,
                             struct ej_wh_row *out, size_t max, size_t *n)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    size_t k = 0;
    enum ej_err rc = EJ_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " WH_COLS " FROM webhook_deliveries "
                           "WHERE status = 'pending' AND next_at_ms <= ? "
                           "ORDER BY next_at_ms, id LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW || k == max) {
            rc = step == SQLITE_ROW ? EJ_OK : EJ_IO;
            break;
        }
        wh_row_of(st, &out[k++]);
    }
    sqlite3_finalize(st);
    *n = k;
    return rc;
}

static enum ej_err sq_wh_update(struct ej_store *base,
                                const struct ej_wh_row *r,
                                int expect_attempts)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE webhook_deliveries SET status = ?, "
                           "attempts = ?, next_at_ms = ?, last_status = ?, "
                           "last_error = ?, delivered_ms = ? WHERE id = ? "
                           "AND (? < 0 OR attempts = ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    bind_text(st, 1, r->status);
    sqlite3_bind_int(st, 2, r->attempts);
    sqlite3_bind_int64(st, 3, r->next_at_ms);
    sqlite3_bind_int(st, 4, r->last_status);
    bind_text(st, 5, r->last_error);
    sqlite3_bind_int64(st, 6, r->delivered_ms);
    sqlite3_bind_int64(st, 7, r->id);
    sqlite3_bind_int(st, 8, expect_attempts);
    sqlite3_bind_int(st, 9, expect_attempts);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return EJ_IO;
    return sqlite3_changes(s->db) ? EJ_OK : EJ_NOT_FOUND;
}

static enum ej_err sq_wh_scan(struct ej_store *base, const char *status,
                              int (*fn)(const struct ej_wh_row *r, void *ctx),
                              void *ctx)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    enum ej_err rc = EJ_OK;
    if (sqlite3_prepare_v2(s->db,
                           status ? "SELECT " WH_COLS " FROM "
                                    "webhook_deliveries WHERE status = ? "
                                    "ORDER BY id"
                                  : "SELECT " WH_COLS " FROM "
                                    "webhook_deliveries ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    if (status)
        bind_text(st, 1, status);
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        struct ej_wh_row r;
        wh_row_of(st, &r);
        if (fn(&r, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc;
}

#define CMP_COLS                                                            \
    "id, received_ms, category, target, reporter, decide_due_ms, "          \
    "decision, action, reason, decided_ms, urgent, notify_due_ms, "         \
    "notified_ms, notified_to, notified_ref"

static enum ej_err sq_complaint_put(struct ej_store *base,
                                    const struct ej_complaint_row *r)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO complaints (" CMP_COLS ") "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    bind_text(st, 1, r->id);
    sqlite3_bind_int64(st, 2, r->received_ms);
    bind_text(st, 3, r->category);
    bind_text(st, 4, r->target);
    bind_text(st, 5, r->reporter);
    sqlite3_bind_int64(st, 6, r->decide_due_ms);
    bind_text(st, 7, r->decision);
    bind_text(st, 8, r->action);
    bind_text(st, 9, r->reason);
    sqlite3_bind_int64(st, 10, r->decided_ms);
    sqlite3_bind_int(st, 11, r->urgent);
    sqlite3_bind_int64(st, 12, r->notify_due_ms);
    sqlite3_bind_int64(st, 13, r->notified_ms);
    bind_text(st, 14, r->notified_to);
    bind_text(st, 15, r->notified_ref);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? EJ_OK : EJ_IO;
}

static void complaint_row_of(sqlite3_stmt *st, struct ej_complaint_row *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", col_text(st, 0));
    r->received_ms = sqlite3_column_int64(st, 1);
    snprintf(r->category, sizeof r->category, "%s", col_text(st, 2));
    snprintf(r->target, sizeof r->target, "%s", col_text(st, 3));
    snprintf(r->reporter, sizeof r->reporter, "%s", col_text(st, 4));
    r->decide_due_ms = sqlite3_column_int64(st, 5);
    snprintf(r->decision, sizeof r->decision, "%s", col_text(st, 6));
    snprintf(r->action, sizeof r->action, "%s", col_text(st, 7));
    snprintf(r->reason, sizeof r->reason, "%s", col_text(st, 8));
    r->decided_ms = sqlite3_column_int64(st, 9);
    r->urgent = sqlite3_column_int(st, 10) != 0;
    r->notify_due_ms = sqlite3_column_int64(st, 11);
    r->notified_ms = sqlite3_column_int64(st, 12);
    snprintf(r->notified_to, sizeof r->notified_to, "%s", col_text(st, 13));
    snprintf(r->notified_ref, sizeof r->notified_ref, "%s",
             col_text(st, 14));
}

static enum ej_err sq_complaint_get(struct ej_store *base, const char *id,
                                    struct ej_complaint_row *r)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    enum ej_err rc = EJ_NOT_FOUND;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " CMP_COLS " FROM complaints WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    bind_text(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        complaint_row_of(st, r);
        rc = EJ_OK;
    } else if (step != SQLITE_DONE) {
        rc = EJ_IO;
    }
    sqlite3_finalize(st);
    return rc;
}

static enum ej_err sq_complaints_scan(
    struct ej_store *base,
    int (*fn)(const struct ej_complaint_row *r, void *ctx), void *ctx)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    enum ej_err rc = EJ_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " CMP_COLS " FROM complaints "
                           "ORDER BY received_ms, id",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        struct ej_complaint_row r;
        complaint_row_of(st, &r);
        if (fn(&r, ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc;
}

static enum ej_err sq_identity_find(struct ej_store *base,
                                    const unsigned char h[EJ_HASH_LEN],
                                    int (*fn)(const char *, void *),
                                    void *ctx)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st;
    enum ej_err rc = EJ_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT account FROM identities WHERE iin_hash = ? "
                           "ORDER BY account",
                           -1, &st, NULL) != SQLITE_OK)
        return EJ_IO;
    sqlite3_bind_blob(st, 1, h, EJ_HASH_LEN, SQLITE_STATIC);
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = EJ_IO;
            break;
        }
        if (fn(col_text(st, 0), ctx))
            break;
    }
    sqlite3_finalize(st);
    return rc;
}

static enum ej_err sq_audience_put(struct ej_store *base, int32_t day,
                                   int64_t users, int64_t at_ms)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_bind_int(s->aud_put, 1, day);
    sqlite3_bind_int64(s->aud_put, 2, users);
    sqlite3_bind_int64(s->aud_put, 3, at_ms);
    return done(s->aud_put);
}

static enum ej_err sq_audience_sum(struct ej_store *base, int32_t from_day,
                                   int32_t to_day, uint64_t *sum, int *days)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *st = s->aud_sum;
    enum ej_err rc = EJ_IO;
    sqlite3_bind_int(st, 1, from_day);
    sqlite3_bind_int(st, 2, to_day);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *sum = (uint64_t)sqlite3_column_int64(st, 0);
        *days = sqlite3_column_int(st, 1);
        rc = EJ_OK;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* --- account write-behind (store.h, version 2) -------------------------- */

static enum ej_err sq_acc_delta_add(struct ej_store *base,
                                    const struct ej_acc_state *v, size_t n)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    unsigned char *b;
    size_t len;
    if (!s->in_txn || s->in_read)
        return EJ_INVALID;
    if (n == 0)
        return EJ_OK;
    enum ej_err rc = ej__acc_delta_encode(v, n, &b, &len);
    if (rc != EJ_OK)
        return rc;
    rc = EJ_IO;
    if (sqlite3_bind_blob64(s->dl_add, 1, b, len, SQLITE_STATIC) == SQLITE_OK)
        rc = done(s->dl_add);
    else
        sqlite3_clear_bindings(s->dl_add);
    free(b);
    return rc;
}

struct put_ctx {
    struct sqlite_store *s;
    enum ej_err rc;
};

static enum ej_err sq_account_put(struct ej_store *base, const char *id,
                                  const struct ej_account *a,
                                  const char *service);

static int put_state(const struct ej_acc_state *st, void *ctx)
{
    struct put_ctx *c = ctx;
    c->rc = sq_account_put(&c->s->base, st->id, &st->a, st->service);
    return c->rc != EJ_OK;
}

/* Apply every delta, in order, to the accounts table, then delete them;
 * inside the caller's write transaction. */
static enum ej_err apply_deltas(struct sqlite_store *s)
{
    struct put_ctx c = {s, EJ_OK};
    sqlite3_stmt *st = s->dl_scan;
    int step;
    enum ej_err rc = EJ_OK;
    while (rc == EJ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        rc = ej__acc_delta_decode(b, b ? (size_t)len : 0, put_state, &c);
        if (rc == EJ_OK)
            rc = c.rc;
    }
    if (rc == EJ_OK && step != SQLITE_DONE)
        rc = EJ_IO;
    sqlite3_reset(st);
    if (rc == EJ_OK)
        rc = done(s->dl_clear);
    return rc;
}

static enum ej_err sq_acc_sync(struct ej_store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (s->in_read)
        return EJ_INVALID;
    if (s->in_txn)
        return apply_deltas(s);
    /* Most reads find none: no write transaction for them. */
    int step = sqlite3_step(s->dl_any);
    bool any = step == SQLITE_ROW && sqlite3_column_int(s->dl_any, 0);
    sqlite3_reset(s->dl_any);
    if (step != SQLITE_ROW)
        return EJ_IO;
    if (!any)
        return EJ_OK;
    if (exec(s->db, "BEGIN IMMEDIATE") != EJ_OK)
        return EJ_IO;
    enum ej_err rc = apply_deltas(s);
    if (rc == EJ_OK && exec(s->db, "COMMIT") != EJ_OK)
        rc = EJ_IO;
    if (rc != EJ_OK)
        exec(s->db, "ROLLBACK");
    return rc;
}

static enum ej_err sq_acc_gen(struct ej_store *base, uint64_t *gen)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    int step = sqlite3_step(s->gen_get);
    if (step == SQLITE_ROW)
        *gen = (uint64_t)sqlite3_column_int64(s->gen_get, 0);
    sqlite3_reset(s->gen_get);
    return step == SQLITE_ROW ? EJ_OK : EJ_IO;
}

static enum ej_err sq_acc_own(struct ej_store *base, uint64_t *gen)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (!s->in_txn || s->in_read)
        return EJ_INVALID;
    enum ej_err rc = apply_deltas(s);
    if (rc == EJ_OK)
        rc = done(s->gen_bump);
    if (rc == EJ_OK)
        rc = sq_acc_gen(base, gen);
    return rc;
}

static enum ej_err sq_acc_flush(struct ej_store *base,
                                const struct ej_acc_state *v, size_t n)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (!s->in_txn || s->in_read)
        return EJ_INVALID;
    enum ej_err rc = EJ_OK;
    for (size_t i = 0; rc == EJ_OK && i < n; i++)
        rc = sq_account_put(base, v[i].id, &v[i].a, v[i].service);
    if (rc == EJ_OK)
        rc = done(s->dl_clear);
    return rc;
}

static const struct ej_store_ops sqlite_ops = {
    .version = 2,
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .append = sq_append,
    .scan = sq_scan,
    .head = sq_head,
    .key_add = sq_key_add,
    .key_find = sq_key_find,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .key_revoke = sq_key_revoke,
    .account_get = sq_account_get,
    .account_put = sq_account_put,
    .accounts_scan = sq_accounts_scan,
    .daily_put = sq_daily_put,
    .daily_window = sq_daily_window,
    .identity_put = sq_identity_put,
    .identity_get = sq_identity_get,
    .identity_find = sq_identity_find,
    .complaint_put = sq_complaint_put,
    .complaint_get = sq_complaint_get,
    .qual_put = sq_qual_put,
    .quals_get = sq_quals_get,
    .fp_add = sq_fp_add,
    .fp_scan = sq_fp_scan,
    .wh_cursor = sq_wh_cursor,
    .wh_set_cursor = sq_wh_set_cursor,
    .wh_add = sq_wh_add,
    .wh_due = sq_wh_due,
    .wh_update = sq_wh_update,
    .wh_scan = sq_wh_scan,
    .complaints_scan = sq_complaints_scan,
    .order_put = sq_order_put,
    .order_get = sq_order_get,
    .orders_scan = sq_orders_scan,
    .audience_put = sq_audience_put,
    .audience_sum = sq_audience_sum,
    .acc_delta_add = sq_acc_delta_add,
    .acc_sync = sq_acc_sync,
    .acc_own = sq_acc_own,
    .acc_gen = sq_acc_gen,
    .acc_flush = sq_acc_flush,
};

const struct ej_store_ops *ej_store_sqlite(void) { return &sqlite_ops; }
