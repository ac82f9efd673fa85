/* demo.h: a synthetic platform for demos and benchmarks. Follower counts
 * follow a log-normal distribution fitted to shared/reference/
 * follower_stats.tsv: median 61 (Twitter 2013, accounts active in the last
 * 30 days) and about 4% at 1,000 or more (same source; the 4.3% of
 * Kazakhstan's 10.45M Instagram users who were influencers in 2020-2023
 * agrees), which gives sigma = 1.6 and about 0.3% of accounts above 5,000.
 * Deterministic for a seed. */
#ifndef EJ_DEMO_H
#define EJ_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct demo_rng {
    uint64_t s;
};

void demo_seed(struct demo_rng *r, uint64_t seed);
uint64_t demo_next(struct demo_rng *r);
/* Uniform in [0, 1). */
double demo_uniform(struct demo_rng *r);
/* A follower count from the fitted distribution (capped at 50 million). */
uint32_t demo_followers(struct demo_rng *r);

struct demo_opts {
    uint64_t accounts;   /* accounts on the platform */
    int days;            /* days of daily follower reports */
    uint64_t seed;
    const char *start;   /* first day, YYYY-MM-DD */
    /* Called after every 65,536 events with the count so far, or NULL. */
    void (*progress)(int64_t n, void *ctx);
    void *progress_ctx;
};

/* Whether every instant the events would carry (registrations up to 300
 * days before the start, the last day's audience after it) can be written
 * as a date: false for a start too near 0001 or 9999. */
bool demo_dates_ok(const struct demo_opts *o);

/* Write the platform's events as JSON lines: every account registered,
 * a daily follower count for each (a random walk of a few percent a day),
 * identity submissions and verifications for some large accounts, and the
 * daily audience in Kazakhstan. Returns the number of events, or -1 on a
 * write error, a bad start date or dates out of range (demo_dates_ok). */
int64_t demo_generate(FILE *out, const struct demo_opts *o);

#endif
