/* test_writebehind.c: account state written behind (store.h version 2,
 * ingest.h). The same random event stream is ingested
 *  - as the reference: a new ingest per batch, written back after each,
 *    so every batch folds from the accounts table alone;
 *  - under test: batches taken in turn by two ingests on one store, with
 *    readers syncing, writers taking the accounts over, ingests dropped
 *    without writing back (a crash), and a tiny cache that fills up;
 * and the two must end with the same accounts and the same case events.
 * Also: another writer's change is not undone by an ingest's stale copy,
 * a crash leaves the state in the deltas, and a damaged delta is an error
 * rather than a wrong state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

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

/* Another writer changes an account an ingest holds in memory; the
 * ingest's next batch must fold from that change, not from its copy. */
static void takeover_is_seen(void **state)
{
    (void)state;
    char path[64];
    struct ej_store *st = open_temp(path, sizeof path);
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    struct ingest *g;
    assert_int_equal(ingest_new(st, pol, NULL, &g), EJ_OK);
    json_t *e1 = followers("t1", "x", 6000, 1);
    ingest_some(g, &e1, 1);

    /* What the sweep does: take over, mark escalated. */
    uint64_t gen;
    struct ej_account acc;
    bool found;
    assert_int_equal(ops->begin(st), EJ_OK);
    assert_int_equal(ops->acc_own(st, &gen), EJ_OK);
    assert_int_equal(ops->account_get(st, "x", &acc, NULL, &found), EJ_OK);
    assert_true(found);
    assert_int_equal(acc.followers, 6000);
    acc.flags |= EJ_ACC_ESCALATED;
    assert_int_equal(ops->account_put(st, "x", &acc, NULL), EJ_OK);
    assert_int_equal(ops->commit(st), EJ_OK);

    json_t *e2 = followers("t2", "x", 6100, 2);
    ingest_some(g, &e2, 1);
    assert_int_equal(ingest_flush(g), EJ_OK);
    assert_int_equal(ops->acc_sync(st), EJ_OK);
    assert_int_equal(ops->account_get(st, "x", &acc, NULL, &found), EJ_OK);
    assert_int_equal(acc.followers, 6100);
    assert_true(acc.flags & EJ_ACC_ESCALATED);
    ingest_free(g);
    json_decref(e1);
    json_decref(e2);
    ej_store_close(st);
    remove_db(path);
}

static sqlite3 *raw(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
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
    /* A copy with the delta cut short. */
    char bad[80];
    snprintf(bad, sizeof bad, "%s.bad", path);
    char sql[200];
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", bad);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    db = raw(bad);
    assert_int_equal(
        sqlite3_exec(db,
                     "UPDATE account_deltas SET states = "
                     "substr(states, 1, length(states) - 3)",
                     NULL, NULL, NULL),
        SQLITE_OK);
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

    assert_int_equal(ej_store_open(ej_store_sqlite(), bad, &st), EJ_OK);
    ops = ej_store_ops_of(st);
    assert_int_equal(ops->acc_sync(st), EJ_IO);
    /* Nothing applied, the delta kept. */
    ej_store_close(st);
    db = raw(bad);
    assert_int_equal(count(db, "SELECT count(*) FROM accounts"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM account_deltas"), 1);
    sqlite3_close(db);
    json_decref(e[0]);
    json_decref(e[1]);
    remove_db(path);
    remove_db(bad);
}

int main(void)
{
    pol = tu_policy(NULL, 0);
    t0 = tu_instant("2026-03-02T09:00:00+05:00");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_reference),
        cmocka_unit_test(takeover_is_seen),
        cmocka_unit_test(crash_and_damage),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ej_policy_free(pol);
    return rc;
}
