/* cmd_report.c: ereje report audience --db FILE --month YYYY-MM */
#include "cli.h"

#include <string.h>

#include "ereje/store.h"

const char cmd_report_usage[] =
    "usage: ereje report audience --db FILE --month YYYY-MM\n"
    "\n"
    "The legal-representative threshold of Law 18-VIII Art. 9(1): the\n"
    "monthly average of daily unique users in Kazakhstan, from the\n"
    "audience.daily events of that month, compared with the threshold of\n"
    "the pack's audience_threshold rule (more than 100,000). Prints JSON:\n"
    "month, days_in_month, days_reported, complete (every day reported),\n"
    "sum, average, threshold, exceeds, rule. The average is over the days\n"
    "reported; the comparison is exact (no rounding).\n";

int cmd_report(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *month = NULL;
    if (argc < 2 || strcmp(argv[1], "audience") != 0) {
        fputs(cmd_report_usage, stderr);
        return EXIT_BADINPUT;
    }
    const struct cli_optdef defs[] = {{"--db", &db, NULL},
                                      {"--month", &month, NULL}};
    if (cli_parse_opts(argc, argv, 2, defs, 2, "report") != EXIT_OK)
        return EXIT_BADINPUT;
    struct ej_date first;
    char buf[16];
    if (!db || !month) {
        cli_err("report audience: --db and --month are required");
        return EXIT_BADINPUT;
    }
    snprintf(buf, sizeof buf, "%s-01", month);
    if (strlen(month) != 7 || ej_date_parse(buf, 10, &first) != EJ_OK) {
        cli_err("report audience: --month '%s': expected YYYY-MM", month);
        return EXIT_BADINPUT;
    }
    struct ej_policy *p;
    int st = cli_load_policy(ctx, NULL, 0, &p);
    if (st != EXIT_OK)
        return st;
    st = EXIT_BADINPUT;
    const struct ej_rule *rule = NULL;
    for (size_t i = 0; !rule && i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++)
            if (strcmp(ej_rule_kind(ej_pack_rule(k, j)),
                       "audience_threshold") == 0) {
                rule = ej_pack_rule(k, j);
                break;
            }
    }
    int64_t threshold;
    if (!rule || ej_rule_param_int(rule, "threshold", &threshold) != EJ_OK) {
        cli_err("report audience: no audience_threshold rule in the packs");
        ej_policy_free(p);
        return EXIT_BADINPUT;
    }
    const struct ej_value *cmp = ej_rule_param(rule, "comparison");
    bool or_equal = cmp && strcmp(cmp->u.s, "greater_or_equal") == 0;
    struct ej_store *s;
    if (cli_open_store("report audience", db, false, &s) != EXIT_OK) {
        ej_policy_free(p);
        return EXIT_ENV;
    }
    enum ej_err rc;
    struct ej_audience_month m = {.year = first.year, .month = first.month};
    int32_t d0 = (int32_t)ej_date_to_days(first);
    int32_t d1 = d0 + ej_date_month_days(first.year, first.month) - 1;
    rc = ej_store_ops_of(s)->audience_sum(s, d0, d1, &m.sum,
                                          &m.days_reported);
    if (rc != EJ_OK) {
        cli_err("report: cannot read %s: %s", db, ej_strerror(rc));
        st = EXIT_ENV;
    } else {
        ej_audience_evaluate(&m, threshold, or_equal);
        st = cli_json_println(json_pack(
                 "{s:s,s:i,s:i,s:b,s:I,s:I,s:I,s:b,s:s}", "month", month,
                 "days_in_month", m.days_in_month, "days_reported",
                 m.days_reported, "complete", m.complete, "sum",
                 (json_int_t)m.sum, "average", (json_int_t)m.average,
                 "threshold", (json_int_t)threshold, "exceeds", m.exceeds,
                 "rule", ej_rule_id(rule)))
                 ? EXIT_OK
                 : EXIT_ENV;
    }
    ej_store_close(s);
    ej_policy_free(p);
    return st;
}
