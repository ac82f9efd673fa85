/* bench_content.c: content labelling figures (issue 5).
 *   - classification throughput per core in MB/s of post text, with a
 *     same-process baseline: a utf8proc_tolower loop over the same bytes
 *     (the per-code-point fold deps.md §3b measured at 254 MB/s), so the
 *     ratio travels between machines;
 *   - the phrase layer alone (normalize + Hyperscan) in MB/s, and the same
 *     text written to BIG_TXT (one post a line) for bench/run.sh to time
 *     ripgrep on with the same phrases.
 * Usage: ereje-bench-content OUT.json MODEL POSTS.txt BIG_TXT
 * POSTS.txt holds one post a line; they are repeated to about 32 MB. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "ereje/ereje.h"
#include "bench.h"


struct text {
    const char *p;
    size_t n;
};

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: ereje-bench-content OUT.json MODEL POSTS.txt "
                        "BIG_TXT\n");
        return 2;
    }
    json_error_t jerr;
    results = json_load_file(argv[1], 0, &jerr);
    if (!json_is_array(results))
        results = json_array();
    size_t mlen, plen, line = 0;
    char *model = read_all(argv[2], &mlen);
    char *posts = read_all(argv[3], &plen);
    struct ej_classifier *c;
    enum ej_err rc = ej_classifier_new(model, mlen, &c, &line);
    if (rc != EJ_OK) {
        fprintf(stderr, "%s:%zu: %s\n", argv[2], line, ej_strerror(rc));
        return 2;
    }
    struct ej_content_scratch *s;
    if (ej_content_scratch_new(c, 1u << 16, &s) != EJ_OK)
        return 2;

    /* The posts, repeated to about 32 MB. */
    size_t np = 0, cap = 1024;
    struct text *t = malloc(cap * sizeof *t);
    for (char *p = posts; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) {
            if (np == cap)
                t = realloc(t, (cap *= 2) * sizeof *t);
            t[np++] = (struct text){p, n};
        }
        p += n + (nl != NULL);
    }
    size_t base = np, total = 0;
    for (size_t i = 0; i < base; i++)
        total += t[i].n;
    if (!base)
        return 2;
    size_t reps = (32u << 20) / total + 1;
    FILE *big = fopen(argv[4], "w");
    if (!big) {
        perror(argv[4]);
        return 2;
    }
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < base; i++) {
            fwrite(t[i].p, 1, t[i].n, big);
            fputc('\n', big);
        }
    fclose(big);
    double mb = (double)(total * reps) / 1e6;

    /* Baseline: utf8proc_iterate + utf8proc_tolower over the same bytes. */
    double best_base = 1e9, best_cls = 1e9, best_phr = 1e9;
    for (int round = 0; round < 3; round++) {
        double t0 = now_s();
        uint64_t acc = 0;
        for (size_t r = 0; r < reps; r++)
            for (size_t i = 0; i < base; i++) {
                const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t[i].p;
                utf8proc_ssize_t left = (utf8proc_ssize_t)t[i].n;
                while (left > 0) {
                    utf8proc_int32_t cp;
                    utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
                    if (k <= 0)
                        break;
                    acc += (uint64_t)utf8proc_tolower(cp);
                    p += k;
                    left -= k;
                }
            }
        sink += acc;
        double t1 = now_s();
        if (t1 - t0 < best_base)
            best_base = t1 - t0;

        t0 = now_s();
        size_t occ = 0;
        for (size_t r = 0; r < reps; r++)
            for (size_t i = 0; i < base; i++) {
                struct ej_classification cl;
                size_t bad;
                if (ej_classify(c, s, t[i].p, t[i].n, &cl, &bad) == EJ_OK)
                    occ += cl.is_occult;
            }
        sink += occ;
        t1 = now_s();
        if (t1 - t0 < best_cls)
            best_cls = t1 - t0;

        t0 = now_s();
        uint64_t hits_total = 0;
        for (size_t r = 0; r < reps; r++)
            for (size_t i = 0; i < base; i++) {
                uint32_t hits[EJ_PC_COUNT];
                if (ej_phrase_scan(c, s, t[i].p, t[i].n, hits) == EJ_OK)
                    hits_total += hits[0] + hits[1];
            }
        sink += hits_total;
        t1 = now_s();
        if (t1 - t0 < best_phr)
            best_phr = t1 - t0;
    }
    printf("bench: %zu posts x %zu = %.1f MB\n", base, reps, mb);
    report("content_classify_mb_per_s", mb / best_cls, "MB/s");
    report("content_tolower_loop_mb_per_s", mb / best_base, "MB/s");
    report("content_classify_vs_tolower_loop", best_base / best_cls, "x");
    report("content_classify_posts_per_s",
           (double)(base * reps) / best_cls, "/s");
    report("content_phrase_layer_mb_per_s", mb / best_phr, "MB/s");
    json_dump_file(results, argv[1], JSON_INDENT(1));
    ej_content_scratch_free(s);
    ej_classifier_free(c);
    free(t);
    free(model);
    free(posts);
    return 0;
}
