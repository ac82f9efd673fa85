/* cmd_cases.c: ereje cases sweep --db FILE [--at T] */
#include "cli.h"

#include <string.h>

#include "sweep.h"

const char cmd_cases_usage[] =
    "usage: ereje cases sweep --db FILE [--at T]\n"
    "\n"
    "Escalate identification cases that are overdue at T (default now):\n"
    "opened, notified or rejected past their deadline. Each gets one\n"
    "case.escalated event with the pack's escalation actions, for the\n"
    "platform to carry out. A running service does this every minute.\n"
    "Accounts no longer listed (hysteresis run out) are not escalated.\n"
    "Prints {\"escalated\":N,\"deadline_unknown\":M}: M open cases whose\n"
    "deadline runs past the calendar (add the next year's days).\n";

int cmd_cases(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *at = NULL;
    if (argc < 2 || strcmp(argv[1], "sweep") != 0) {
        fputs(cmd_cases_usage, stderr);
        return EXIT_BADINPUT;
    }
    const struct cli_optdef defs[] = {{"--db", &db, NULL},
                                      {"--at", &at, NULL}};
    if (cli_parse_opts(argc, argv, 2, defs, 2, "cases") != EXIT_OK)
        return EXIT_BADINPUT;
    if (!db) {
        cli_err("cases sweep: --db FILE is required");
        return EXIT_BADINPUT;
    }
    int64_t wall = cli_now_ms();
    int64_t now = wall;
    if (at) {
        enum ej_err rc = ej_instant_parse(at, strlen(at), &now, NULL);
        if (rc != EJ_OK) {
            cli_err("cases sweep: --at '%s': %s [%s]", at, ej_strerror(rc),
                    ej_errname(rc));
            return EXIT_BADINPUT;
        }
    }
    struct ej_policy *p;
    int st = cli_load_policy(ctx, NULL, 0, &p);
    if (st != EXIT_OK)
        return st;
    struct ej_store *s;
    if (cli_open_store("cases sweep", db, false, &s) != EXIT_OK) {
        ej_policy_free(p);
        return EXIT_ENV;
    }
    enum ej_err rc;
    size_t n, unknown;
    rc = cases_sweep(s, p, now, wall, &n, &unknown);
    if (rc != EJ_OK) {
        cli_err("cases sweep: %s", ej_strerror(rc));
        st = EXIT_ENV;
    } else {
        if (unknown)
            cli_err("cases sweep: %zu open case(s) have no deadline: the "
                    "calendar does not cover it; add the next year's "
                    "non-working days to the policy",
                    unknown);
        st = cli_json_println(json_pack("{s:I,s:I}", "escalated",
                                        (json_int_t)n, "deadline_unknown",
                                        (json_int_t)unknown))
                 ? EXIT_OK
                 : EXIT_ENV;
    }
    ej_store_close(s);
    ej_policy_free(p);
    return st;
}
