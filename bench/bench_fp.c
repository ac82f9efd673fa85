/* bench_fp.c: re-upload blocking figures (issue 6): exact-digest lookups
 * against a bank of 10 million entries, near-duplicate text queries
 * against 1 million fingerprints, and text fingerprints per second. Each
 * has a same-process baseline of the bare memory work it cannot avoid.
 * Usage: ereje-bench-fp OUT.json [BANK_ENTRIES] */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ereje/ereje.h"
#include "bench.h"


static uint64_t rng = 88172645463325252u;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void digest_of(uint64_t i, uint8_t d[32])
{
    uint64_t x = i * 0x9E3779B97F4A7C15u + 1;
    for (int k = 0; k < 4; k++) {
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9u;
        x ^= x >> 32;
        memcpy(d + 8 * k, &x, 8);
    }
}

int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "build/bench.json";
    size_t n_bank = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
    json_error_t jerr;
    results = json_load_file(out, 0, &jerr);
    if (!json_is_array(results))
        results = json_array();

    /* --- exact digests --------------------------------------------------- */
    struct ej_fpbank *b;
    if (ej_fpbank_new(n_bank, &b) != EJ_OK)
        return 3;
    uint8_t d[32];
    for (size_t i = 0; i < n_bank; i++) {
        digest_of(i, d);
        if (ej_fpbank_add(b, d, (uint32_t)i) != EJ_OK)
            return 3;
    }
    enum { Q = 2000000 };
    uint8_t(*qs)[32] = malloc((size_t)Q * 32);
    uint8_t(*flat)[32] = malloc(n_bank * 32);
    if (!qs || !flat)
        return 3;
    for (size_t i = 0; i < n_bank; i++)
        digest_of(i, flat[i]);
    for (size_t i = 0; i < Q; i++) /* half present, half absent */
        digest_of(i & 1 ? next() % n_bank : n_bank + next() % n_bank, qs[i]);
    /* Baseline: one random 32-byte read from a flat array of the same
     * entries, compared with the query (the cache miss a lookup pays). */
    double t0 = now_s();
    uint64_t hit = 0;
    for (size_t i = 0; i < Q; i++)
        hit += memcmp(flat[next() % n_bank], qs[i], 32) == 0;
    double base = Q / (now_s() - t0);
    t0 = now_s();
    uint32_t v;
    for (size_t i = 0; i < Q; i++)
        hit += ej_fpbank_find(b, qs[i], &v) == EJ_OK;
    double look = Q / (now_s() - t0);
    sink += hit;
    char name[96];
    snprintf(name, sizeof name, "fp_exact_lookups_per_s_%zuM",
             n_bank / 1000000);
    report(name, look, "1/s");
    report("fp_exact_vs_random_read", look / base, "x");
    free(flat);
    free(qs);
    ej_fpbank_free(b);

    /* --- near-duplicate text --------------------------------------------- */
    enum { N_TXT = 1000000, NQ = 200 };
    uint64_t *bank = malloc(N_TXT * sizeof *bank);
    if (!bank)
        return 3;
    for (size_t i = 0; i < N_TXT; i++)
        bank[i] = next();
    /* Baseline: the same scan, summing instead of comparing. */
    t0 = now_s();
    uint64_t s = 0;
    for (int q = 0; q < NQ; q++)
        for (size_t i = 0; i < N_TXT; i++)
            s += bank[i] ^ (uint64_t)q;
    double sum_rate = NQ / (now_s() - t0);
    sink += s;
    t0 = now_s();
    size_t near = 0;
    for (int q = 0; q < NQ; q++) {
        uint64_t f = bank[next() % N_TXT] ^ 0x7; /* 3 bits from an entry */
        for (size_t i = 0; i < N_TXT; i++)
            near += ej_textfp_distance(f, bank[i]) <= EJ_TEXTFP_NEAR;
    }
    double qrate = NQ / (now_s() - t0);
    sink += near;
    report("fp_text_queries_per_s_1M", qrate, "1/s");
    report("fp_text_query_vs_scan", qrate / sum_rate, "x");
    free(bank);

    /* --- fingerprinting ------------------------------------------------- */
    static const char post[] =
        "Продам поддельные документы: паспорт, водительское удостоверение и "
        "диплом любого вуза. Быстро, недорого, доставка по всему "
        "Казахстану. Жеткізу бүкіл Қазақстан бойынша. Write to me.";
    enum { NF = 200000 };
    t0 = now_s();
    uint64_t f = 0;
    for (int i = 0; i < NF; i++) {
        if (ej_textfp(post, sizeof post - 1, &f) != EJ_OK)
            return 3;
        sink += f;
    }
    double dt = now_s() - t0;
    report("fp_text_fingerprints_per_s", NF / dt, "1/s");
    report("fp_text_mb_per_s", NF * (double)(sizeof post - 1) / dt / 1e6,
           "MB/s");

    if (json_dump_file(results, out, JSON_INDENT(2)) != 0)
        return 4;
    return 0;
}
