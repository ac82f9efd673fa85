/* bench_fp.c: re-upload blocking figures (issue 6): exact-digest lookups
 * against a bank of 10 million entries; near-duplicate queries against 1
 * million text SimHashes and 1 million image PDQ hashes, through the
 * multi-index (lib/hamidx.c) and, as the same-process baseline, a linear
 * scan; text fingerprints per second; PDQ hashes per second per core, of
 * decoded pixels and of JPEG bytes (decoding included), with the bare
 * luminance pass and the decoding alone as baselines.
 * Usage: ereje-bench-fp OUT.json [BANK_ENTRIES] */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ereje/ereje.h"
#include "bench.h"
#include "image.h"
#include "imgsynth.h"


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

static int popd(const uint8_t *a, const uint8_t *b, size_t n)
{
    int d = 0;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        d += __builtin_popcountll(x ^ y);
    }
    return d;
}

/* Queries against n random codes of `words` 16-bit words: half are an
 * entry with a few bits flipped (a re-upload), half random (new content).
 * The multi-index, then the linear scan it replaces (fewer queries). */
static void near_dup(const char *kind, int words, int radius, size_t n)
{
    size_t nb = (size_t)words * 2;
    uint8_t *codes = malloc(n * nb);
    struct ej_hamidx *x;
    if (!codes || ej_hamidx_new(words, radius, &x) != EJ_OK)
        exit(3);
    for (size_t i = 0; i < n * nb; i += 8) {
        uint64_t r = next();
        memcpy(codes + i, &r, 8);
    }
    for (size_t i = 0; i < n; i++)
        if (ej_hamidx_add(x, codes + i * nb, (uint32_t)i) != EJ_OK)
            exit(3);
    if (ej_hamidx_build(x) != EJ_OK)
        exit(3);
    enum { NQ = 20000, NSCAN = 100 };
    uint8_t(*qs)[32] = malloc(NQ * 32);
    if (!qs)
        exit(3);
    for (int q = 0; q < NQ; q++) {
        if (q & 1) {
            for (size_t i = 0; i < nb; i++)
                qs[q][i] = (uint8_t)next();
        } else {
            memcpy(qs[q], codes + (next() % n) * nb, nb);
            for (int f = 0; f < radius / 2; f++) {
                size_t bit = next() % (nb * 8);
                qs[q][bit / 8] ^= (uint8_t)(1u << (bit % 8));
            }
        }
    }
    double t0 = now_s();
    size_t hits = 0;
    for (int q = 0; q < NQ; q++) {
        uint32_t v;
        int d;
        hits += ej_hamidx_nearest(x, qs[q], &v, &d) == EJ_OK;
    }
    double idx_rate = NQ / (now_s() - t0);
    t0 = now_s();
    for (int q = 0; q < NSCAN; q++) {
        int best = radius + 1;
        for (size_t i = 0; i < n; i++) {
            int d = popd(qs[q], codes + i * nb, nb);
            if (d < best)
                best = d;
        }
        hits += best <= radius;
    }
    double scan_rate = NSCAN / (now_s() - t0);
    sink += hits;
    char name[96];
    snprintf(name, sizeof name, "fp_%s_queries_per_s_%zuM", kind,
             n / 1000000);
    report(name, idx_rate, "1/s");
    snprintf(name, sizeof name, "fp_%s_scan_queries_per_s_%zuM", kind,
             n / 1000000);
    report(name, scan_rate, "1/s");
    snprintf(name, sizeof name, "fp_%s_index_vs_scan", kind);
    report(name, idx_rate / scan_rate, "x");
    free(qs);
    free(codes);
    ej_hamidx_free(x);
}

/* PDQ of a 1024x768 picture: from pixels, and from JPEG bytes. */
static void pdq_rates(void)
{
    enum { W = 1024, H = 768, N = 40 };
    unsigned char *rgb = synth_scene(7, W, H), *jpg = NULL;
    size_t jlen = 0;
    if (!rgb || synth_jpeg(rgb, W, H, 85, &jpg, &jlen) != 0)
        exit(3);
    float *luma = malloc((size_t)W * H * sizeof *luma);
    if (!luma)
        exit(3);
    /* baseline: the luminance pass every hash starts with */
    double t0 = now_s();
    for (int k = 0; k < N; k++) {
        for (size_t i = 0; i < (size_t)W * H; i++)
            luma[i] = 0.299f * rgb[3 * i] + 0.587f * rgb[3 * i + 1] +
                      0.114f * rgb[3 * i + 2];
        sink += (uint64_t)luma[(size_t)k * 997];
    }
    double luma_rate = N / (now_s() - t0);
    uint8_t h[32];
    int q;
    t0 = now_s();
    for (int k = 0; k < N; k++) {
        if (ej_pdq(rgb, W, H, (size_t)W * 3, 3, h, &q) != EJ_OK)
            exit(3);
        sink += h[k % 32];
    }
    double px_rate = N / (now_s() - t0);
    struct image im;
    char why[128];
    t0 = now_s();
    for (int k = 0; k < N; k++) {
        if (image_decode(jpg, jlen, &im, why, sizeof why) != EJ_OK)
            exit(3);
        sink += im.px[k];
        image_free(&im);
    }
    double dec_rate = N / (now_s() - t0);
    t0 = now_s();
    for (int k = 0; k < N; k++) {
        if (image_decode(jpg, jlen, &im, why, sizeof why) != EJ_OK ||
            ej_pdq(im.px, im.width, im.height, im.stride, im.channels, h,
                   &q) != EJ_OK)
            exit(3);
        sink += h[k % 32];
        image_free(&im);
    }
    double jpg_rate = N / (now_s() - t0);
    report("pdq_hashes_per_s_1024x768_pixels", px_rate, "1/s");
    report("pdq_vs_luma_pass", px_rate / luma_rate, "x");
    report("pdq_hashes_per_s_1024x768_jpeg", jpg_rate, "1/s");
    report("pdq_jpeg_vs_decode_alone", jpg_rate / dec_rate, "x");
    free(luma);
    free(jpg);
    free(rgb);
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

    /* --- near-duplicate text and images ------------------------------- */
    near_dup("text", 4, EJ_TEXTFP_NEAR, 1000000);
    near_dup("pdq", 16, EJ_PDQ_NEAR, 1000000);

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

    /* --- PDQ hashes ------------------------------------------------------ */
    pdq_rates();

    if (json_dump_file(results, out, JSON_INDENT(2)) != 0)
        return 4;
    return 0;
}
