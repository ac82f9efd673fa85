/* cmd_demo.c: ereje demo generate [--accounts N] [--days D] [--seed S]
 *             [--start YYYY-MM-DD] */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"

const char cmd_demo_usage[] =
    "usage: ereje demo generate [--accounts N] [--days D] [--seed S]\n"
    "                           [--start YYYY-MM-DD]\n"
    "\n"
    "Write a synthetic platform's events to stdout as JSON lines, ready for\n"
    "`ereje ingest`: N accounts (default 2000) registered, a follower count\n"
    "for each on each of D days (default 30) from --start (default\n"
    "2026-11-01), identity verifications for some large accounts, and the\n"
    "daily audience in Kazakhstan. Follower counts are log-normal, fitted\n"
    "to shared/reference/follower_stats.tsv (median 61, about 4% at 1,000\n"
    "or more, about 0.3% above 5,000). The same seed gives the same\n"
    "events. On a terminal, stderr shows how many have been written.\n";

static void progress(int64_t n, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\rgenerated %lld events", (long long)n);
}

int cmd_demo(struct cli_ctx *ctx, int argc, char **argv)
{
    struct demo_opts o = {.accounts = 2000, .days = 30, .seed = 1,
                          .start = "2026-11-01"};
    (void)ctx;
    if (argc < 2 || strcmp(argv[1], "generate") != 0) {
        fputs(cmd_demo_usage, stderr);
        return EXIT_BADINPUT;
    }
    for (int i = 2; i < argc; i++) {
        bool missing = false;
        const char *v;
        char *end = NULL;
        if ((v = cli_opt(argc, argv, &i, "--accounts", &missing))) {
            o.accounts = strtoull(v, &end, 10);
            if (*end || o.accounts < 1 || o.accounts > 100000000ull) {
                cli_err("demo: --accounts '%s': 1 to 100,000,000", v);
                return EXIT_BADINPUT;
            }
        } else if ((v = cli_opt(argc, argv, &i, "--days", &missing))) {
            long d = strtol(v, &end, 10);
            if (*end || d < 0 || d > 3660) {
                cli_err("demo: --days '%s': 0 to 3660", v);
                return EXIT_BADINPUT;
            }
            o.days = (int)d;
        } else if ((v = cli_opt(argc, argv, &i, "--seed", &missing))) {
            o.seed = strtoull(v, &end, 10);
            if (*end) {
                cli_err("demo: --seed '%s': a number", v);
                return EXIT_BADINPUT;
            }
        } else if ((v = cli_opt(argc, argv, &i, "--start", &missing))) {
            struct ej_date d;
            if (ej_date_parse(v, strlen(v), &d) != EJ_OK) {
                cli_err("demo: --start '%s': YYYY-MM-DD", v);
                return EXIT_BADINPUT;
            }
            o.start = v;
        } else {
            cli_err(missing ? "demo: %s needs a value"
                            : "demo: unexpected '%s' (see --help)",
                    argv[i]);
            return EXIT_BADINPUT;
        }
    }
    if (!demo_dates_ok(&o)) {
        cli_err("demo: --start %s with --days %d puts events outside the "
                "years 0001-9999 (registrations go back 300 days)",
                o.start, o.days);
        return EXIT_BADINPUT;
    }
    bool tty = isatty(STDERR_FILENO);
    if (tty)
        o.progress = progress;
    int64_t n = demo_generate(stdout, &o);
    if (tty && n >= 65536)
        fprintf(stderr, "\rgenerated %lld events\n", (long long)n);
    else if (tty && n < 0)
        fputc('\n', stderr); /* end a progress line before the error */
    if (n < 0 || fflush(stdout) != 0) {
        cli_err("demo: cannot write the events");
        return EXIT_ENV;
    }
    return EXIT_OK;
}
