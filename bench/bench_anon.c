/* bench_anon.c: the anonymous-account figures of `make bench`.
 *  - follower updates applied in memory per second on one core, over
 *    10 million accounts of 48 bytes of hot state each (peak RSS
 *    reported), against a baseline that only stores the count;
 *  - durable ingestion of follower events into SQLite through the real
 *    ingest path, against a plain batched SQLite insert of the same rows
 *    in the same run; and, as the ceiling of any ingest that keeps the
 *    hash-chained log, the log append alone (the same events as the log
 *    rows ingest writes, without validation or account state). The log
 *    leg serializes the bodies as ingest does (jcanon_put into one buffer
 *    kept from batch to batch, the same bytes as json_dumps), so that the
 *    two figures keep measuring the same serializer. Under that, SQLite's
 *    own share: the rows the log leg stored (same schema, pragmas, ids,
 *    bodies and hashes), inserted again into a fresh database with nothing
 *    computed in the timed loop; and the time of the final write-back of
 *    the accounts (all of them here: the cache never fills).
 * Usage: ereje-bench-anon OUT.json (appends to the file bench_core made)
 * [ACCOUNTS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "demo.h"
#include "ereje/ereje.h"
#include "bench.h"
#include "ereje/store.h"
#include "ingest.h"
#include "jcanon.h"


static struct ej_policy *load_policy(void)
{
    static const char *const files[] = {"policies/kz/tables.yaml",
                                        "policies/kz/law-18-viii.yaml",
                                        "policies/kz/draft-2025.yaml"};
    struct ej_policy *p;
    char path[512];
    size_t len;
    if (ej_policy_new(&p) != EJ_OK)
        return NULL;
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", EJ_SOURCE_DIR, files[i]);
        char *b = read_all(path, &len);
        if (!b || ej_policy_add_yaml(p, files[i], b, len) != EJ_OK)
            return NULL;
        free(b);
    }
    char *z = read_all("/usr/share/zoneinfo/Asia/Almaty", &len);
    struct ej_tz *tz;
    if (!z || ej_tz_parse("Asia/Almaty", (unsigned char *)z, len, &tz) != EJ_OK)
        return NULL;
    free(z);
    ej_policy_attach_tz(p, tz);
    return ej_policy_resolve(p) == EJ_OK ? p : NULL;
}

int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "build/bench.json";
    size_t n_acc = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
    json_error_t jerr;
    results = json_load_file(out, 0, &jerr);
    if (!json_is_array(results))
        results = json_array();

    struct ej_policy *p = load_policy();
    if (!p) {
        fprintf(stderr, "bench: the shipped policy does not load\n");
        return 3;
    }
    const struct ej_pack *k = ej_policy_find_pack(p, "kz.draft-2025");
    const struct ej_rule *r =
        ej_policy_find_rule(p, "kz.draft.anonymous_identification", NULL);
    struct ej_anon_rule rule;
    if (!k || !r || ej_anon_rule_from(r, k, &rule) != EJ_OK)
        return 3;
    const struct ej_tz *tz = ej_pack_tz(p, k);
    const struct ej_calendar *cal = ej_pack_calendar(k);

    /* --- in memory ------------------------------------------------------ */
    struct ej_account *acc = malloc(n_acc * sizeof *acc);
    uint32_t *plain = malloc(n_acc * sizeof *plain);
    enum { N_UPD = 1 << 22 };
    uint32_t *idx = malloc(N_UPD * sizeof *idx), *val = malloc(N_UPD * 4);
    if (!acc || !plain || !idx || !val) {
        fprintf(stderr, "bench: out of memory\n");
        return 3;
    }
    struct demo_rng g;
    demo_seed(&g, 7);
    for (size_t i = 0; i < n_acc; i++) {
        ej_account_init(&acc[i]);
        plain[i] = 0;
    }
    for (size_t i = 0; i < N_UPD; i++) {
        idx[i] = (uint32_t)(demo_next(&g) % n_acc);
        val[i] = demo_followers(&g);
    }
    int64_t t0 = 1780000000000; /* 2026-05-28 */
    int32_t day0 = (int32_t)(t0 / 86400000);
    double best_upd = 0, best_plain = 0, ratios[5];
    for (int round = 0; round < 5; round++) {
        double t = now_s();
        for (size_t i = 0; i < N_UPD; i++) {
            enum ej_anon_change ch;
            int64_t at = t0 + (int64_t)(round * N_UPD + i) * 10;
            ej_anon_observe(&rule, &acc[idx[i]], val[i], EJ_KZ_SHARE_UNKNOWN,
                            at, day0 + (int32_t)(at / 86400000 - t0 / 86400000),
                            tz, cal, &ch);
        }
        double upd = N_UPD / (now_s() - t);
        t = now_s();
        for (size_t i = 0; i < N_UPD; i++)
            plain[idx[i]] = val[i];
        double pl = N_UPD / (now_s() - t);
        sink += plain[idx[N_UPD - 1]];
        ratios[round] = upd / pl;
        if (upd > best_upd)
            best_upd = upd;
        if (pl > best_plain)
            best_plain = pl;
    }
    /* median of the ratios */
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            if (ratios[j] < ratios[i]) {
                double t = ratios[i];
                ratios[i] = ratios[j];
                ratios[j] = t;
            }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    report("follower_updates_in_memory_per_core", best_upd, "/s");
    report("follower_updates_vs_plain_store", ratios[2], "x");
    report("account_hot_state_bytes", (double)sizeof(struct ej_account), "B");
    report("accounts_in_memory", (double)n_acc, "accounts");
    report("peak_rss_in_memory_phase", (double)ru.ru_maxrss / 1024.0, "MiB");
    free(acc);
    free(plain);
    free(idx);
    free(val);

    /* --- durable ingestion ------------------------------------------------ */
    enum { N_EV = 200000, BATCH = 10000 };
    char dir[] = "/tmp/ereje-bench-XXXXXX";
    if (!mkdtemp(dir))
        return 3;
    char db1[300], db2[300], db3[300], db4[300];
    snprintf(db1, sizeof db1, "%s/ingest.db", dir);
    snprintf(db2, sizeof db2, "%s/plain.db", dir);
    snprintf(db3, sizeof db3, "%s/log.db", dir);
    snprintf(db4, sizeof db4, "%s/rows.db", dir);
    json_t **evs = malloc(BATCH * sizeof *evs);
    struct ingest_result *res = malloc(BATCH * sizeof *res);
    struct ej_store *st, *lst, *rst;
    struct ingest *ing;
    struct ej_event *lev = malloc(BATCH * sizeof *lev);
    char **lbody = malloc(BATCH * sizeof *lbody);
    size_t *loff = malloc(BATCH * sizeof *loff);
    struct jw lbuf;
    jw_init(&lbuf, 64u * 1024 * 1024);
    if (!evs || !res || !lev || !lbody || !loff ||
        ej_store_open(ej_store_sqlite(), db1, &st) != EJ_OK ||
        ej_store_open(ej_store_sqlite(), db3, &lst) != EJ_OK ||
        ej_store_open(ej_store_sqlite(), db4, &rst) != EJ_OK ||
        ingest_new(st, p, NULL, &ing) != EJ_OK)
        return 3;
    demo_seed(&g, 11);
    size_t n_acc2 = 100000;
    double t_ingest = 0, t_plain = 0, t_log = 0, t_rows = 0;
    sqlite3 *pdb;
    sqlite3_stmt *ins;
    if (sqlite3_open(db2, &pdb) != SQLITE_OK ||
        sqlite3_exec(pdb,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE plain (id TEXT PRIMARY KEY, account TEXT, "
                     "followers INTEGER, at TEXT)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(pdb, "INSERT INTO plain VALUES (?,?,?,?)", -1,
                           &ins, NULL) != SQLITE_OK)
        return 3;
    /* rows.db has the store's schema (made by ej_store_open above) and is
     * written with the store's pragmas (store_sqlite.c). */
    ej_store_close(rst);
    sqlite3 *rdb;
    sqlite3_stmt *rins;
    if (sqlite3_open(db4, &rdb) != SQLITE_OK ||
        sqlite3_exec(rdb,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "PRAGMA cache_size=-16384; PRAGMA wal_autocheckpoint=4000",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(rdb,
                           "INSERT INTO events (seq, id, type, at_ms, "
                           "recorded_ms, subject, pack_id, pack_version, "
                           "rules, body, prev_hash, hash) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &rins, NULL) != SQLITE_OK)
        return 3;
    struct ingest_stats stats = {0};
    for (size_t b = 0; b < N_EV / BATCH; b++) {
        char id[64], acct[32], at[EJ_INSTANT_TEXT_MAX];
        uint32_t fol[BATCH];
        for (size_t i = 0; i < BATCH; i++) {
            size_t n = b * BATCH + i;
            snprintf(id, sizeof id, "bench-%zu", n);
            snprintf(acct, sizeof acct, "a%zu", (size_t)(demo_next(&g) % n_acc2));
            ej_instant_format(t0 + (int64_t)n * 1000, 18000, at);
            fol[i] = demo_followers(&g);
            evs[i] = json_pack("{s:s,s:s,s:s,s:i,s:s}", "id", id, "type",
                               "account.followers", "account", acct,
                               "followers", (int)fol[i], "at", at);
        }
        /* The same rows, as JSON text parsed by ingest, and as a plain
         * insert: both from the same parsed objects. */
        double t = now_s();
        if (ingest_batch(ing, evs, BATCH, NULL, t0, res, &stats) != EJ_OK)
            return 3;
        t_ingest += now_s() - t;
        t = now_s();
        sqlite3_exec(pdb, "BEGIN", NULL, NULL, NULL);
        for (size_t i = 0; i < BATCH; i++) {
            sqlite3_bind_text(ins, 1,
                              json_string_value(json_object_get(evs[i], "id")),
                              -1, SQLITE_STATIC);
            sqlite3_bind_text(
                ins, 2, json_string_value(json_object_get(evs[i], "account")),
                -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 3, fol[i]);
            sqlite3_bind_text(ins, 4,
                              json_string_value(json_object_get(evs[i], "at")),
                              -1, SQLITE_STATIC);
            sqlite3_step(ins);
            sqlite3_reset(ins);
        }
        sqlite3_exec(pdb, "COMMIT", NULL, NULL, NULL);
        t_plain += now_s() - t;
        /* The log append alone: the rows ingest appends (sorted compact
         * body, subject = account), timed with the body's serialization,
         * done as ingest does it. */
        t = now_s();
        jw_rewind(&lbuf, 0);
        for (size_t i = 0; i < BATCH; i++) {
            json_t *o = evs[i];
            if (jcanon_put(&lbuf, o, &loff[i], &lbody[i]) != EJ_OK)
                return 3;
            lev[i] = (struct ej_event){
                .id = json_string_value(json_object_get(o, "id")),
                .type = "account.followers", .at_ms = t0,
                .recorded_ms = t0,
                .subject = json_string_value(json_object_get(o, "account")),
                .pack_id = "", .pack_version = "", .rules = "[]"};
        }
        for (size_t i = 0; i < BATCH; i++)
            lev[i].body = jcanon_text(&lbuf, loff[i], lbody[i]);
        if (ej_store_append(lst, lev, BATCH, NULL) != EJ_OK)
            return 3;
        t_log += now_s() - t;
        t = now_s();
        sqlite3_exec(rdb, "BEGIN", NULL, NULL, NULL);
        for (size_t i = 0; i < BATCH; i++) {
            const struct ej_event *e = &lev[i];
            sqlite3_bind_int64(rins, 1, (sqlite3_int64)e->seq);
            sqlite3_bind_text(rins, 2, e->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(rins, 3, e->type, -1, SQLITE_STATIC);
            sqlite3_bind_int64(rins, 4, e->at_ms);
            sqlite3_bind_int64(rins, 5, e->recorded_ms);
            sqlite3_bind_text(rins, 6, e->subject, -1, SQLITE_STATIC);
            sqlite3_bind_text(rins, 7, e->pack_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(rins, 8, e->pack_version, -1, SQLITE_STATIC);
            sqlite3_bind_text(rins, 9, e->rules, -1, SQLITE_STATIC);
            sqlite3_bind_text(rins, 10, e->body, -1, SQLITE_STATIC);
            sqlite3_bind_blob(rins, 11, e->prev_hash, EJ_HASH_LEN,
                              SQLITE_STATIC);
            sqlite3_bind_blob(rins, 12, e->hash, EJ_HASH_LEN, SQLITE_STATIC);
            if (sqlite3_step(rins) != SQLITE_DONE)
                return 3;
            sqlite3_reset(rins);
        }
        if (sqlite3_exec(rdb, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            return 3;
        t_rows += now_s() - t;
        for (size_t i = 0; i < BATCH; i++)
            free(lbody[i]);
        for (size_t i = 0; i < BATCH; i++)
            json_decref(evs[i]);
    }
    /* Ingest writes account state behind: writing it all back into the
     * accounts table counts toward ingest's time. */
    double tf = now_s();
    if (ingest_flush(ing) != EJ_OK)
        return 3;
    tf = now_s() - tf;
    t_ingest += tf;
    report("ingest_durable_rate", N_EV / t_ingest, "/s");
    report("plain_batched_insert_rate", N_EV / t_plain, "/s");
    report("ingest_vs_plain_insert", t_plain / t_ingest, "x");
    report("log_append_only_vs_plain_insert", t_plain / t_log, "x");
    report("event_rows_insert_only_vs_plain_insert", t_plain / t_rows, "x");
    /* The accounts' write-back, in units of the plain insert's time: with
     * the rows' own insert above, what SQLite alone takes of ingest's
     * budget (a ratio of 0.5 allows ingest twice the plain time). */
    report("account_writeback_time_vs_plain_insert_time", tf / t_plain, "x");
    sqlite3_finalize(ins);
    sqlite3_close(pdb);
    sqlite3_finalize(rins);
    sqlite3_close(rdb);
    ingest_free(ing);
    ej_store_close(st);
    ej_store_close(lst);
    free(evs);
    free(res);
    free(lev);
    free(lbody);
    free(loff);
    jw_free(&lbuf);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "%s/ingest.db", dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/ingest.db-wal", dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/ingest.db-shm", dir);
    unlink(cmd);
    unlink(db2);
    unlink(db3);
    snprintf(cmd, sizeof cmd, "%s/log.db-wal", dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/log.db-shm", dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/plain.db-wal", dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/plain.db-shm", dir);
    unlink(cmd);
    unlink(db4);
    snprintf(cmd, sizeof cmd, "%s/rows.db-wal", dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/rows.db-shm", dir);
    unlink(cmd);
    rmdir(dir);
    ej_policy_free(p);
    if (json_dump_file(results, out, JSON_INDENT(2)) != 0)
        return 3;
    json_decref(results);
    return (int)(sink & 0);
}
