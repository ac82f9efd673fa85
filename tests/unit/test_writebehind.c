/* test_writebehind.c: account state written behind (store.h version 2,
 * ingest.h). The same random event stream is ingested
 *  - as the reference: a new ingest per batch, written back after each,
 *    so every batch folds from the accounts table alone;
 *  - under test: batches taken in turn by two ingests on one store, with
 *    readers syncing, writers taking the accounts over, ingests dropped
 *    without writing back (a crash), and a tiny cache that fills up;
 * and the two must end with the same accounts and the same case events.
 * Also: another writer's change is not undone by an ingest's stale copy;
 * a crash leaves the state in the deltas; a damaged delta (cut, or one
 * byte changed) is an error for readers and ingests rather than a wrong
 * state; a late event is not folded into an account this ingest created;
 * a failed batch leaves nothing in memory; the deltas stay bounded, and
 * write-through leaves none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "acache.h"
#include "ereje/store.h"
#include "ingest.h"
#include "testutil.h"

#define N_ACC 40
#define N_EV 3000

static struct ej_policy *pol;
static int64_t t0;

static char *temp_db(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/ereje-wb-XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
    unlink(buf);
    return buf;
}

/* A new store in a new file named into path. */
static struct ej_store *open_temp(char *path, size_t cap)
{
    struct ej_store *st;
    temp_db(path, cap);
    assert_int_equal(ej_store_open(ej_store_sqlite(), path, &st), EJ_OK);
    return st;
}

static void remove_db(const char *path)
{
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* The i-th event of a repeatable stream over N_ACC accounts. */
static json_t *event(size_t i, uint64_t *x)
{
    char id[32], acct[16], at[EJ_INSTANT_TEXT_MAX];
    snprintf(id, sizeof id, "e%zu", i);
    snprintf(acct, sizeof acct, "a%u", (unsigned)(tu_xorshift(x) % N_ACC));
    /* An hour apart, now and then out of order. */
    int64_t ms = t0 + (int64_t)i * 3600000;
    if (tu_xorshift(x) % 10 == 0)
        ms -= 3 * 3600000;
    assert_int_equal(ej_instant_format(ms, 18000, at), EJ_OK);
    unsigned r = (unsigned)(tu_xorshift(x) % 100);
    if (r < 5)
        return json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "type",
                         "account.registered", "account", acct, "service",
                         r < 3 ? "social_network" : "video_hosting", "at",
                         at);
    if (r < 10) {
        static const char *const st[] = {"submitted", "verified",
                                         "rejected"};
        return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", id, "type",
                         "account.identity", "account", acct, "status",
                         st[tu_xorshift(x) % 3], "method", "egov", "at", at);
    }
    if (r < 13)
        return json_pack("{s:s,s:s,s:s,s:s}", "id", id, "type",
                         "account.notified", "account", acct, "at", at);
    if (r < 14)
        return json_pack("{s:s,s:s,s:s,s:s}", "id", id, "type",
                         "account.closed", "account", acct, "at", at);
    /* Around the threshold, so that cases open and lapse. */
    return json_pack("{s:s,s:s,s:s,s:i,s:s}", "id", id, "type",
                     "account.followers", "account", acct, "followers",
                     4000 + (int)(tu_xorshift(x) % 2000), "at", at);
}

/* The stream, with now and then an event repeated (a replay). */
static json_t **stream(size_t *n)
{
    json_t **v = malloc(N_EV * 2 * sizeof *v);
    assert_non_null(v);
    uint64_t x = 0x9e3779b97f4a7c15u;
    size_t k = 0;
    for (size_t i = 0; i < N_EV; i++) {
        v[k++] = event(i, &x);
        if (i > 10 && tu_xorshift(&x) % 50 == 0) {
            json_t *again = v[k - 5];
            v[k++] = json_incref(again);
        }
    }
    *n = k;
    return v;
}

static void ingest_some(struct ingest *g, json_t **ev, size_t n)
{
    struct ingest_result res[64];
    assert_true(n <= 64);
    assert_int_equal(ingest_batch(g, ev, n, NULL, t0, res, NULL), EJ_OK);
}

/* Everything a reader can see: each account's state and service, and the
 * case events in order. */
struct dump {
    char *text;
    size_t len, cap;
};

static void put(struct dump *d, const char *s)
{
    size_t n = strlen(s);
    if (d->len + n + 1 > d->cap) {
        d->cap = (d->len + n + 1) * 2;
        d->text = realloc(d->text, d->cap);
        assert_non_null(d->text);
    }
    memcpy(d->text + d->len, s, n + 1);
    d->len += n;
}

static int dump_account(const char *id, const struct ej_account *a,
                        void *ctx)
{
    char line[400];
    snprintf(line, sizeof line,
             "%s f=%u m=%u kz=%u id=%u case=%u fl=%u above=%d below=%d "
             "opened=%lld due=%lld last=%lld\n",
             id, a->followers, a->measure, a->kz_share_pm, a->identity,
             a->case_state, a->flags, a->above_since, a->below_since,
             (long long)a->case_opened_ms, (long long)a->case_due_ms,
             (long long)a->last_ms);
    put(ctx, line);
    return 0;
}

static int dump_event(const struct ej_event *e, void *ctx)
{
    if (strncmp(e->type, "case.", 5) != 0)
        return 0;
    char line[600];
    snprintf(line, sizeof line, "%s %s %s\n", e->id, e->type, e->body);
    put(ctx, line);
    return 0;
}

static char *dump(struct ej_store *st)
{
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    struct dump d = {0};
    put(&d, "");
    assert_int_equal(ops->acc_sync(st), EJ_OK);
    assert_int_equal(ops->accounts_scan(st, false, dump_account, &d), EJ_OK);
    for (int i = 0; i < N_ACC; i++) {
        char id[16], service[32], line[64];
        struct ej_account a;
        bool found;
        snprintf(id, sizeof id, "a%d", i);
        assert_int_equal(ops->account_get(st, id, &a, service, &found),
                         EJ_OK);
        snprintf(line, sizeof line, "%s service=%s\n", id,
                 found ? service : "-");
        put(&d, line);
    }
    assert_int_equal(ej_store_scan(st, 1, dump_event, &d), EJ_OK);
    return d.text;
}

static void same_as_reference(void **state)
{
    (void)state;
    size_t n;
    json_t **ev = stream(&n);
    char ref_path[64], sut_path[64];
    struct ej_store *ref = open_temp(ref_path, sizeof ref_path);
    struct ej_store *sut = open_temp(sut_path, sizeof sut_path);
    const struct ej_store_ops *ops = ej_store_ops_of(sut);

    /* Batches of 1 to 40 events, the same cut for both. */
    uint64_t x = 77;
    size_t cuts[N_EV * 2 + 1], n_cuts = 0;
    for (size_t at = 0; at < n; n_cuts++) {
        cuts[n_cuts] = at;
        at += 1 + tu_xorshift(&x) % 40;
        if (at > n)
            at = n;
    }
    cuts[n_cuts] = n;

    for (size_t c = 0; c < n_cuts; c++) {
        struct ingest *g;
        assert_int_equal(ingest_new(ref, pol, NULL, &g), EJ_OK);
        ingest_some(g, ev + cuts[c], cuts[c + 1] - cuts[c]);
        assert_int_equal(ingest_flush(g), EJ_OK);
        ingest_free(g);
    }

    struct ingest *a, *b;
    assert_int_equal(ingest_new(sut, pol, NULL, &a), EJ_OK);
    assert_int_equal(ingest_new(sut, pol, NULL, &b), EJ_OK);
    ingest_set_cache_max(b, 8); /* fills up: written back mid-stream */
    size_t crashes = 0, takeovers = 0, syncs = 0, flushes = 0;
    for (size_t c = 0; c < n_cuts; c++) {
        unsigned r = (unsigned)(tu_xorshift(&x) % 100);
        struct ingest *g = r < 60 ? a : b;
        ingest_some(g, ev + cuts[c], cuts[c + 1] - cuts[c]);
        r = (unsigned)(tu_xorshift(&x) % 100);
        if (r < 5) { /* a crash: dropped without writing back */
            ingest_free(a);
            assert_int_equal(ingest_new(sut, pol, NULL, &a), EJ_OK);
            crashes++;
        } else if (r < 10) { /* a reader */
            assert_int_equal(ops->acc_sync(sut), EJ_OK);
            syncs++;
        } else if (r < 15) { /* another writer takes the accounts */
            uint64_t gen;
            assert_int_equal(ops->begin(sut), EJ_OK);
            assert_int_equal(ops->acc_own(sut, &gen), EJ_OK);
            assert_int_equal(ops->commit(sut), EJ_OK);
            takeovers++;
        } else if (r < 18) {
            assert_int_equal(ingest_flush(a), EJ_OK);
            flushes++;
        }
    }
    assert_true(crashes && syncs && takeovers && flushes);
    ingest_free(a);
    ingest_free(b);

    char *want = dump(ref), *got = dump(sut);
    /* The stream does reach the cases. */
    assert_non_null(strstr(want, "case.opened"));
    assert_string_equal(got, want);
    free(want);
    free(got);
    ej_store_close(ref);
    ej_store_close(sut);
    remove_db(ref_path);
    remove_db(sut_path);
    for (size_t i = 0; i < n; i++)
        json_decref(ev[i]);
    free(ev);
}

static json_t *followers(const char *id, const char *acct, int n, int hour)
{
    char at[EJ_INSTANT_TEXT_MAX];
    ej_instant_format(t0 + (int64_t)hour * 3600000, 18000, at);
    return json_pack("{s:s,s:s,s:s,s:i,s:s}", "id", id, "type",
                     "account.followers", "account", acct, "followers", n,
                     "at", at);
}

static sqlite3 *raw(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

/* A copy of db at path, changed by sql. */
static void copy_db(sqlite3 *db, const char *path, const char *sql)
{
    char q[200];
    snprintf(q, sizeof q, "VACUUM INTO '%s'", path);
    assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
    sqlite3 *c = raw(path);
    assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(c);
}

static int count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* A crash after a commit: the table lacks the account, the delta has it,
 * a reader gets it; a damaged delta is refused, never half-read. */
static void crash_and_damage(void **state)
{
    (void)state;
    char path[64];
    struct ej_store *st = open_temp(path, sizeof path);
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    struct ingest *g;
    assert_int_equal(ingest_new(st, pol, NULL, &g), EJ_OK);
    json_t *e[2] = {followers("c1", "y", 7000, 1),
                    followers("c2", "z", 100, 1)};
    ingest_some(g, e, 2);
    ingest_free(g); /* no write back */
    ej_store_close(st);

    sqlite3 *db = raw(path);
    assert_int_equal(count(db, "SELECT count(*) FROM accounts"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM account_deltas"), 1);
    /* Copies with the delta damaged: cut short, one byte changed. */
    char cut[80], flip[80];
    snprintf(cut, sizeof cut, "%s.cut", path);
    snprintf(flip, sizeof flip, "%s.flip", path);
    copy_db(db, cut,
            "UPDATE account_deltas SET states = "
            "substr(states, 1, length(states) - 3)");
    copy_db(db, flip,
            "UPDATE account_deltas SET states = substr(states, 1, 20) || "
            "x'ff' || substr(states, 22)");
    sqlite3_close(db);

    assert_int_equal(ej_store_open(ej_store_sqlite(), path, &st), EJ_OK);
    ops = ej_store_ops_of(st);
    assert_int_equal(ops->acc_sync(st), EJ_OK);
    struct ej_account acc;
    bool found;
    assert_int_equal(ops->account_get(st, "y", &acc, NULL, &found), EJ_OK);
    assert_true(found);
    assert_int_equal(acc.followers, 7000);
    assert_true(acc.case_state != EJ_CASE_NONE);
    assert_int_equal(ops->account_get(st, "z", &acc, NULL, &found), EJ_OK);
    assert_true(found);
    assert_int_equal(acc.followers, 100);
    ej_store_close(st);
    db = raw(path);
    assert_int_equal(count(db, "SELECT count(*) FROM account_deltas"), 0);
    sqlite3_close(db);

    const char *const damaged[] = {cut, flip};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ej_store_open(ej_store_sqlite(), damaged[i], &st),
                         EJ_OK);
        ops = ej_store_ops_of(st);
        assert_int_equal(ops->acc_sync(st), EJ_IO);
        /* An ingest does not fold from the stale table either: the batch
         * fails whole, whether it would add a delta or write back. */
        for (int wb = 0; wb < 2; wb++) {
            assert_int_equal(ingest_new(st, pol, NULL, &g), EJ_OK);
            if (wb)
                ingest_set_cache_max(g, 0);
            json_t *more = followers(wb ? "c4" : "c3", "y", 7100, 2);
            struct ingest_result res;
            assert_int_equal(ingest_batch(g, &more, 1, NULL, t0, &res, NULL),
                             EJ_IO);
            json_decref(more);
            ingest_free(g);
        }
        ej_store_close(st);
        /* Nothing applied, nothing appended, the delta kept. */
        db = raw(damaged[i]);
        assert_int_equal(count(db, "SELECT count(*) FROM accounts"), 0);
        assert_int_equal(count(db, "SELECT count(*) FROM account_deltas"), 1);
        assert_int_equal(count(db, "SELECT count(*) FROM events "
                                   "WHERE id IN ('c3', 'c4')"),
                         0);
        sqlite3_close(db);
        remove_db(damaged[i]);
    }
    json_decref(e[0]);
    json_decref(e[1]);
    remove_db(path);
}

/* A store in a new file and an ingest on it. */
struct fx {
    char path[64];
    struct ej_store *st;
    const struct ej_store_ops *ops;
    struct ingest *g;
};

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->st = open_temp(f->path, sizeof f->path);
    f->ops = ej_store_ops_of(f->st);
    assert_int_equal(ingest_new(f->st, pol, NULL, &f->g), EJ_OK);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    ingest_free(f->g);
    ej_store_close(f->st);
    remove_db(f->path);
    free(f);
    return 0;
}

/* One follower count as a batch of its own; the batch's result. */
static enum ej_err feed(struct ingest *g, const char *id, const char *acct,
                        int n, int hour)
{
    json_t *e = followers(id, acct, n, hour);
    struct ingest_result res;
    enum ej_err rc = ingest_batch(g, &e, 1, NULL, t0, &res, NULL);
    json_decref(e);
    return rc;
}

/* What a reader sees of a stored account. */
static struct ej_account stored(struct fx *f, const char *id)
{
    struct ej_account a;
    bool found;
    assert_int_equal(f->ops->acc_sync(f->st), EJ_OK);
    assert_int_equal(f->ops->account_get(f->st, id, &a, NULL, &found),
                     EJ_OK);
    assert_true(found);
    return a;
}

/* Another writer changes an account an ingest holds in memory; the
 * ingest's next batch must fold from that change, not from its copy. */
static void takeover_is_seen(void **state)
{
    struct fx *f = *state;
    assert_int_equal(feed(f->g, "t1", "x", 6000, 1), EJ_OK);
    /* What the sweep does: take over, mark escalated. */
    uint64_t gen;
    assert_int_equal(f->ops->begin(f->st), EJ_OK);
    assert_int_equal(f->ops->acc_own(f->st, &gen), EJ_OK);
    struct ej_account acc = stored(f, "x");
    assert_int_equal(acc.followers, 6000);
    acc.flags |= EJ_ACC_ESCALATED;
    assert_int_equal(f->ops->account_put(f->st, "x", &acc, NULL), EJ_OK);
    assert_int_equal(f->ops->commit(f->st), EJ_OK);

    assert_int_equal(feed(f->g, "t2", "x", 6100, 2), EJ_OK);
    assert_int_equal(ingest_flush(f->g), EJ_OK);
    acc = stored(f, "x");
    assert_int_equal(acc.followers, 6100);
    assert_true(acc.flags & EJ_ACC_ESCALATED);
}

/* An event older than what an account reflects is kept in the log but not
 * folded, also when this ingest created the account a batch earlier. */
static void late_event_after_create(void **state)
{
    struct fx *f = *state;
    assert_int_equal(feed(f->g, "n1", "late", 6000, 10), EJ_OK);
    assert_int_equal(feed(f->g, "n0", "late", 100, 5), EJ_OK);
    assert_int_equal(ingest_flush(f->g), EJ_OK);
    assert_int_equal(stored(f, "late").followers, 6000);
}

/* A batch that fails after folding leaves no trace in the next one: the
 * in-memory copy that held it is dropped. */
static void failed_batch_forgotten(void **state)
{
    struct fx *f = *state;
    assert_int_equal(feed(f->g, "f1", "q", 100, 1), EJ_OK);
    /* The next delta cannot be written: the batch fails after folding. */
    sqlite3 *db = raw(f->path);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER no_delta BEFORE INSERT ON "
                                  "account_deltas BEGIN SELECT RAISE(ABORT, "
                                  "'no'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(feed(f->g, "f2", "q", 9000, 2), EJ_IO);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER no_delta", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    /* Had the copy kept 9,000 (and the later time), this older count
     * would be skipped and a case would be open. */
    assert_int_equal(feed(f->g, "f3", "q", 200, 1), EJ_OK);
    assert_int_equal(ingest_flush(f->g), EJ_OK);
    struct ej_account acc = stored(f, "q");
    assert_int_equal(acc.followers, 200);
    assert_int_equal(acc.case_state, EJ_CASE_NONE);
}

/* The deltas stay bounded by the cap, however many events go to few
 * accounts; the write-through mode leaves none. */
static void deltas_bounded(void **state)
{
    struct fx *f = *state;
    ingest_set_cache_max(f->g, 10);
    sqlite3 *db = raw(f->path);
    int most = 0;
    for (int i = 0; i < 60; i++) {
        char id[16];
        json_t *e[3];
        for (int k = 0; k < 3; k++) {
            snprintf(id, sizeof id, "d%d-%d", i, k);
            e[k] = followers(id, k ? "d1" : "d0", 10 * i + k, i);
        }
        ingest_some(f->g, e, 3);
        for (int k = 0; k < 3; k++)
            json_decref(e[k]);
        int rows = count(db, "SELECT count(*) FROM account_deltas");
        if (rows > most)
            most = rows;
    }
    /* 2 states a batch, at most 10 between write-backs. */
    assert_int_equal(most, 5);

    ingest_free(f->g);
    assert_int_equal(ingest_new(f->st, pol, NULL, &f->g), EJ_OK);
    ingest_set_write_through(f->g);
    assert_int_equal(feed(f->g, "w1", "d0", 5, 100), EJ_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM account_deltas"), 0);
    assert_int_equal(count(db, "SELECT followers FROM accounts "
                               "WHERE id = 'd0'"),
                     5);
    sqlite3_close(db);
}

/* The i-th test id: "<i>-" padded with 'p' to 6 + (i % 123) bytes, so
 * that every length from 6 to 128 comes back, on both sides of the
 * entry's inline room. */
static void cache_id(int i, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%d-", i);
    size_t want = 6 + (size_t)(i % 123);
    while ((size_t)n < want && (size_t)n + 1 < cap)
        buf[n++] = 'p';
    buf[n] = '\0';
}

/* The in-memory table itself: 20,000 ids of every length, through
 * several growths and blocks; every one found, others not; the changed
 * ones come back sorted; a clear empties it. */
static void cache_table(void **state)
{
    (void)state;
    struct acache *c;
    assert_int_equal(acache_new(&c), EJ_OK);
    char id[200];
    enum { N = 20000 };
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            cache_id(i, id, sizeof id);
            struct acache_ent *e;
            assert_null(acache_find(c, id));
            assert_int_equal(acache_add(c, id, EJ_EVENT_ID_MAX, &e), EJ_OK);
            assert_string_equal(e->id, id);
            assert_false(e->exists);
            assert_int_equal(e->a.below_since, -1);
            e->a.followers = (uint32_t)i;
            e->dirty = i % 7 == 0;
        }
        assert_int_equal(acache_count(c), N);
        for (int i = 0; i < N; i++) {
            cache_id(i, id, sizeof id);
            struct acache_ent *e = acache_find(c, id);
            assert_non_null(e);
            assert_int_equal(e->a.followers, (uint32_t)i);
            snprintf(id, sizeof id, "other-%d", i);
            assert_null(acache_find(c, id));
        }
        struct acache_ent **d;
        size_t n;
        assert_int_equal(acache_dirty(c, &d, &n), EJ_OK);
        assert_int_equal(n, (N + 6) / 7);
        for (size_t i = 1; i < n; i++)
            assert_true(strcmp(d[i - 1]->id, d[i]->id) < 0);
        free(d);
        acache_clean(c);
        assert_int_equal(acache_dirty(c, &d, &n), EJ_OK);
        assert_int_equal(n, 0);
        free(d);
        memset(id, 'x', EJ_EVENT_ID_MAX + 1);
        id[EJ_EVENT_ID_MAX + 1] = '\0';
        struct acache_ent *e;
        assert_int_equal(acache_add(c, id, EJ_EVENT_ID_MAX, &e), EJ_INVALID);
        acache_clear(c);
        assert_int_equal(acache_count(c), 0);
        cache_id(1, id, sizeof id);
        assert_null(acache_find(c, id));
    }
    acache_free(c);
}

int main(void)
{
    pol = tu_policy(NULL, 0);
    t0 = tu_instant("2026-03-02T09:00:00+05:00");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_reference),
        cmocka_unit_test(crash_and_damage),
        cmocka_unit_test(cache_table),
        cmocka_unit_test_setup_teardown(takeover_is_seen, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(late_event_after_create, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(failed_batch_forgotten, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(deltas_bounded, fx_setup,
                                        fx_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ej_policy_free(pol);
    return rc;
}
