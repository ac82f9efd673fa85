/* bench.h: what every benchmark program shares: the clock, and the
 * "bench: NAME VALUE UNIT" line each figure prints and appends to the
 * JSON array `results` that the program writes out at the end. */
#ifndef EJ_BENCH_H
#define EJ_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

static json_t *results;
static volatile uint64_t sink; /* keeps measured work from being dropped */

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void report(const char *name, double value, const char *unit)
{
    printf("bench: %s %.6g %s\n", name, value, unit);
    json_array_append_new(results, json_pack("{s:s,s:f,s:s}", "name", name,
                                             "value", value, "unit", unit));
}

/* A whole file, NUL-terminated (free()); exits 3 when it cannot be read
 * (the benchmarks' inputs are the project's own files). */
static inline char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(3);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(3);
    }
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

#endif
