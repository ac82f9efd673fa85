/* bench.h: what every benchmark program shares: the clock, and the
 * "bench: NAME VALUE UNIT" line each figure prints and appends to the
 * JSON array `results` that the program writes out at the end. */
#ifndef EJ_BENCH_H
#define EJ_BENCH_H

#include <stdint.h>
#include <stdio.h>
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

#endif
