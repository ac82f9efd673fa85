/* bench_core.c: benchmarks of the pure core. Each figure is printed as
 * "bench: NAME VALUE UNIT" and all are written to the JSON file named on
 * the command line. Machines here are shared and noisy, so every rate comes
 * with a ratio against a baseline run in the same process, interleaved
 * round by round; the median of the rounds is reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <yaml.h>

#include "ereje/ereje.h"
#include "bench.h"

#define ROUNDS 7


static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return v[n / 2];
}

/* --- identity numbers ----------------------------------------------------- */

#define N_IDS 4096
static char ids[N_IDS][12];

static void make_ids(void)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < N_IDS; i++) {
        unsigned char d[12];
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* A plausible IIN: YYMMDD, century digit, serial, check digit. */
        d[0] = (unsigned char)(x % 10);
        d[1] = (unsigned char)(x / 10 % 10);
        d[2] = 0;
        d[3] = (unsigned char)(1 + x / 100 % 9);
        d[4] = (unsigned char)(x / 1000 % 3);
        d[5] = (unsigned char)(1 + x / 10000 % 9);
        d[6] = (unsigned char)(3 + x / 100000 % 4);
        for (int k = 7; k < 11; k++)
            d[k] = (unsigned char)(x >> (k * 4) & 7);
        int c = ej_idnum_check_digit(d);
        d[11] = (unsigned char)(c < 0 ? 0 : c);
        for (int k = 0; k < 12; k++)
            ids[i][k] = (char)('0' + d[k]);
    }
}

static double run_idnum(long iters)
{
    double t = now_s();
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        struct ej_idnum id;
        acc += (uint64_t)ej_idnum_parse(ids[i & (N_IDS - 1)], 12, &id, NULL);
    }
    sink += acc;
    return (double)iters / (now_s() - t);
}

/* Baseline: read the same 12 digits into an integer, the least any
 * validator must do. */
static double run_digits(long iters)
{
    double t = now_s();
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        const char *s = ids[i & (N_IDS - 1)];
        uint64_t v = 0;
        for (int k = 0; k < 12; k++)
            v = v * 10 + (uint64_t)(s[k] - '0');
        acc += v;
    }
    sink += acc;
    return (double)iters / (now_s() - t);
}

/* --- deadlines -------------------------------------------------------------- */

static double run_deadline(const struct ej_tz *tz,
                           const struct ej_calendar *cal,
                           struct ej_duration d, long iters)
{
    int64_t base = 1735689600000; /* 2025-01-01T00:00Z */
    double t = now_s();
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        struct ej_deadline dl;
        /* Starts spread over 2025, one every ~13 hours. */
        int64_t from = base + (i % 600) * 47000000;
        if (ej_deadline_compute(from, d, tz, cal, &dl) == EJ_OK)
            acc += (uint64_t)dl.due_ms;
    }
    sink += acc;
    return (double)iters / (now_s() - t);
}

/* --- policy loading --------------------------------------------------------- */

static const char *const files[] = {"policies/kz/tables.yaml",
                                    "policies/kz/law-18-viii.yaml",
                                    "policies/kz/draft-2025.yaml"};
static char *texts[3];
static size_t lens[3];

static double run_policy(int iters)
{
    double t = now_s();
    for (int i = 0; i < iters; i++) {
        struct ej_policy *p;
        if (ej_policy_new(&p) != EJ_OK)
            exit(3);
        for (int f = 0; f < 3; f++)
            if (ej_policy_add_yaml(p, files[f], texts[f], lens[f]) != EJ_OK)
                exit(3);
        ej_policy_free(p);
    }
    return iters / (now_s() - t);
}

/* Baseline: libyaml building the same documents, with no validation. */
static double run_yaml(int iters)
{
    double t = now_s();
    for (int i = 0; i < iters; i++)
        for (int f = 0; f < 3; f++) {
            yaml_parser_t parser;
            yaml_document_t doc;
            yaml_parser_initialize(&parser);
            yaml_parser_set_input_string(
                &parser, (const unsigned char *)texts[f], lens[f]);
            if (!yaml_parser_load(&parser, &doc))
                exit(3);
            yaml_document_delete(&doc);
            yaml_parser_delete(&parser);
        }
    return iters / (now_s() - t);
}

/* --- registration decisions ------------------------------------------------ */

#define N_REGS 1024
static struct ej_registration regs[N_REGS];

static void make_regs(void)
{
    uint64_t x = 0xD1B54A32D192ED03ull;
    int64_t base = 1767225600000; /* 2026-01-01T00:00Z */
    for (int i = 0; i < N_REGS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        struct ej_registration *r = &regs[i];
        memset(r, 0, sizeof *r);
        r->service = (enum ej_service)(x % 5);
        r->at_ms = base + (int64_t)(x >> 8 & 0x7FFFFFFFF) % 31536000000;
        if (x % 3 != 0) {
            r->has_birth_date = true;
            r->birth_date = (struct ej_date){
                1990 + (int)(x >> 20 & 31), 1 + (int)(x >> 30 % 12 & 7),
                1 + (int)(x >> 40 & 15)};
        } else {
            r->has_assurance = true;
            r->assurance_level = (enum ej_assurance_level)(1 + (x >> 12) % 4);
            r->assurance_over = x >> 16 & 1;
        }
    }
}

static double run_regcheck(const struct ej_regcheck *g, long iters)
{
    double t = now_s();
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        struct ej_reg_decision d;
        if (ej_regcheck_eval(g, &regs[i & (N_REGS - 1)], &d) == EJ_OK)
            acc += (uint64_t)d.decision + (uint64_t)d.advisory;
    }
    sink += acc;
    return (double)iters / (now_s() - t);
}

/* Baseline: only the local date of each registration, the least work an
 * age decision in the pack's zone needs. */
static double run_local_date(const struct ej_tz *tz, long iters)
{
    double t = now_s();
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        struct ej_date d;
        if (ej_tz_local_date(tz, regs[i & (N_REGS - 1)].at_ms, &d) == EJ_OK)
            acc += (uint64_t)d.day;
    }
    sink += acc;
    return (double)iters / (now_s() - t);
}

/* bench --append FILE NAME VALUE UNIT...: add figures measured elsewhere
 * (bench/run.sh) to the JSON file, through jansson. */
static int append_mode(int argc, char **argv)
{
    json_error_t err;
    json_t *arr = json_load_file(argv[2], 0, &err);
    if (!json_is_array(arr)) {
        fprintf(stderr, "bench: %s: %s\n", argv[2], err.text);
        return 3;
    }
    for (int i = 3; i + 2 < argc; i += 3) {
        char *end;
        double v = strtod(argv[i + 1], &end);
        if (*end) {
            fprintf(stderr, "bench: not a number: %s\n", argv[i + 1]);
            return 2;
        }
        printf("bench: %s %.6g %s\n", argv[i], v, argv[i + 2]);
        json_array_append_new(arr, json_pack("{s:s,s:f,s:s}", "name",
                                             argv[i], "value", v, "unit",
                                             argv[i + 2]));
    }
    int rc = json_dump_file(arr, argv[2], JSON_INDENT(2));
    json_decref(arr);
    return rc ? 3 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--append") == 0)
        return append_mode(argc, argv);
    const char *out = argc > 1 ? argv[1] : "build/bench.json";
    results = json_array();
    make_ids();
    make_regs();

    double r_id[ROUNDS], r_dig[ROUNDS], ratio_id[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        r_id[r] = run_idnum(4000000);
        r_dig[r] = run_digits(4000000);
        ratio_id[r] = r_id[r] / r_dig[r];
    }
    report("idnum_parse_rate", median(r_id, ROUNDS), "/s");
    report("idnum_parse_vs_digit_read", median(ratio_id, ROUNDS), "x");

    /* Zone and calendar from the real tzdata and the shipped tables. */
    size_t zl;
    char *zone = read_all("/usr/share/zoneinfo/Asia/Almaty", &zl);
    struct ej_tz *tz;
    if (ej_tz_parse("Asia/Almaty", (unsigned char *)zone, zl, &tz) != EJ_OK)
        return 3;
    char path[512];
    for (int f = 0; f < 3; f++) {
        snprintf(path, sizeof path, "%s/%s", EJ_SOURCE_DIR, files[f]);
        texts[f] = read_all(path, &lens[f]);
    }
    struct ej_policy *p;
    ej_policy_new(&p);
    for (int f = 0; f < 3; f++)
        ej_policy_add_yaml(p, files[f], texts[f], lens[f]);
    const struct ej_calendar *cal = ej_policy_calendar(p, "kz.5day");
    if (!cal)
        return 3;

    struct ej_duration h24 = {24, EJ_DUR_HOURS}, wd10 = {10, EJ_DUR_WORKING_DAYS},
                       d10 = {10, EJ_DUR_DAYS};
    double r_h[ROUNDS], r_wd[ROUNDS], r_d[ROUNDS], q_wd[ROUNDS], q_d[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        r_h[r] = run_deadline(tz, cal, h24, 2000000);
        r_wd[r] = run_deadline(tz, cal, wd10, 200000);
        r_d[r] = run_deadline(tz, cal, d10, 500000);
        q_wd[r] = r_wd[r] / r_h[r];
        q_d[r] = r_d[r] / r_h[r];
    }
    report("deadline_24h_rate", median(r_h, ROUNDS), "/s");
    report("deadline_10wd_rate", median(r_wd, ROUNDS), "/s");
    report("deadline_10d_rate", median(r_d, ROUNDS), "/s");
    report("deadline_10wd_vs_24h", median(q_wd, ROUNDS), "x");
    report("deadline_10d_vs_24h", median(q_d, ROUNDS), "x");

    double r_p[ROUNDS], r_y[ROUNDS], q_p[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        r_p[r] = run_policy(200);
        r_y[r] = run_yaml(200);
        q_p[r] = r_p[r] / r_y[r];
    }
    report("policy_load_rate", median(r_p, ROUNDS), "/s");
    report("policy_load_vs_yaml_parse", median(q_p, ROUNDS), "x");

    /* The gate as the shipped packs define it, drafts enforced. */
    struct ej_regcheck *g;
    ej_policy_attach_tz(p, tz);
    tz = NULL; /* owned by the policy now */
    if (ej_policy_resolve(p) != EJ_OK) {
        fprintf(stderr, "bench: shipped policy does not resolve\n");
        return 3;
    }
    ej_policy_enforce_drafts(p, true);
    if (ej_regcheck_new(p, &g) != EJ_OK)
        return 3;
    const struct ej_tz *ptz = ej_policy_tz(p, "Asia/Almaty");
    double r_g[ROUNDS], r_l[ROUNDS], q_g[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        r_g[r] = run_regcheck(g, 4000000);
        r_l[r] = run_local_date(ptz, 4000000);
        q_g[r] = r_g[r] / r_l[r];
    }
    report("registration_decisions_per_core", median(r_g, ROUNDS), "/s");
    report("registration_vs_local_date", median(q_g, ROUNDS), "x");
    ej_regcheck_free(g);

    ej_policy_free(p);
    ej_tz_free(tz);
    free(zone);
    for (int f = 0; f < 3; f++)
        free(texts[f]);
    if (json_dump_file(results, out, JSON_INDENT(2)) != 0) {
        fprintf(stderr, "bench: cannot write %s\n", out);
        return 3;
    }
    json_decref(results);
    fprintf(stderr, "results written to %s\n", out);
    return (int)(sink & 0);
}
