/* cmd_policy.c: ereje policy check|list|kinds. */
#include "cli.h"

#include <string.h>

const char cmd_policy_usage[] =
    "usage: ereje policy check [FILE...]\n"
    "       ereje policy list [--format text|json]\n"
    "       ereje policy kinds\n"
    "\n"
    "check  Validate policy files: types, ranges, dates, references, the\n"
    "       time zone. Without FILE, every file of the policy directory.\n"
    "       With FILE, those files, plus the directory's tables (MCI,\n"
    "       calendars) they reference. Each error is printed as\n"
    "       file:line:col: message; exit status 2 when there is any. Warns\n"
    "       (exit 0) when a calendar ends within 90 days.\n"
    "list   One line per rule: pack, rule id, status, mode in effect (after\n"
    "       --enforce-drafts), effective date ('-' when a draft has none),\n"
    "       kind. --format json prints one JSON object per rule instead.\n"
    "kinds  The kinds of rule and the parameters each takes, with types.\n";

static int check(struct cli_ctx *ctx, int argc, char **argv)
{
    struct ej_policy *p;
    int st = cli_load_policy(ctx, argv, (size_t)argc, &p);
    if (st != EXIT_OK)
        return st;
    size_t rules = 0;
    for (size_t i = 0; i < ej_policy_pack_count(p); i++)
        rules += ej_pack_rule_count(ej_policy_pack(p, i));
    printf("ok: %zu pack(s), %zu rule(s), %zu tables file(s)\n",
           ej_policy_pack_count(p), rules, ej_policy_tables_count(p));
    /* A calendar that ends soon makes day deadlines unknown: say so while
     * there is time to add the next year. */
    int64_t now = cli_now_ms();
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_calendar *cal = ej_pack_calendar(ej_policy_pack(p, i));
        struct ej_date from, to, today;
        if (!cal || ej_instant_split(now, 0, &today, &(int64_t){0}) != EJ_OK)
            continue;
        ej_calendar_range(cal, &from, &to);
        int64_t left = ej_date_to_days(to) - ej_date_to_days(today);
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= ej_pack_calendar(ej_policy_pack(p, j)) == cal;
        if (!seen && left < 90)
            fprintf(stderr,
                    "ereje: warning: calendar '%s' ends on %04d-%02d-%02d "
                    "(%lld days from today): deadlines in days that run past "
                    "it cannot be computed; add the next year's non-working "
                    "days to the tables\n",
                    ej_calendar_id(cal), to.year, to.month, to.day,
                    (long long)left);
    }
    ej_policy_free(p);
    return EXIT_OK;
}

static int list(struct cli_ctx *ctx, int argc, char **argv)
{
    bool json = false;
    for (int i = 0; i < argc; i++) {
        bool missing = false;
        const char *v = cli_opt(argc, argv, &i, "--format", &missing);
        if (v && (strcmp(v, "json") == 0 || strcmp(v, "text") == 0)) {
            json = strcmp(v, "json") == 0;
        } else {
            cli_err("policy list: unexpected '%s' (--format text|json)",
                    argv[i]);
            return EXIT_BADINPUT;
        }
    }
    struct ej_policy *p;
    int st = cli_load_policy(ctx, NULL, 0, &p);
    if (st != EXIT_OK)
        return st;
    if (!json)
        printf("%-16s %-40s %-8s %-7s %-10s %s\n", "PACK", "RULE", "STATUS",
               "MODE", "EFFECTIVE", "KIND");
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            struct ej_date eff;
            bool has = ej_rule_effective_from(r, &eff);
            char effs[EJ_DATE_TEXT_MAX] = "-";
            if (has)
                ej_date_format(eff, effs);
            const char *mode = ej_mode_name(ej_rule_mode(p, r));
            if (json) {
                json_t *o = json_pack(
                    "{s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s}", "pack",
                    ej_pack_id(k), "pack_version", ej_pack_version(k), "rule",
                    ej_rule_id(r), "status",
                    ej_status_name(ej_rule_status(r)), "mode", mode,
                    "effective_from", has ? json_string(effs) : json_null(),
                    "kind", ej_rule_kind(r), "title",
                    ej_rule_title(r, EJ_LANG_EN));
                if (!cli_json_println(o)) {
                    ej_policy_free(p);
                    return EXIT_ENV;
                }
            } else {
                printf("%-16s %-40s %-8s %-7s %-10s %s\n", ej_pack_id(k),
                       ej_rule_id(r), ej_status_name(ej_rule_status(r)), mode,
                       effs, ej_rule_kind(r));
            }
        }
    }
    ej_policy_free(p);
    return EXIT_OK;
}

static int kinds(void)
{
    for (size_t i = 0; i < ej_kind_count(); i++) {
        const struct ej_kind_spec *k = ej_kind(i);
        printf("%s: %s\n", k->name, k->doc);
        for (size_t j = 0; j < k->n_params; j++) {
            const struct ej_param_spec *sp = &k->params[j];
            char type[64];
            if (sp->type == EJ_VAL_LIST)
                snprintf(type, sizeof type, "list of %s",
                         ej_value_type_name(sp->elem));
            else
                snprintf(type, sizeof type, "%s",
                         ej_value_type_name(sp->type));
            printf("  %-28s %-18s %s%s%s\n", sp->name, type,
                   sp->required ? "" : "(optional) ",
                   sp->nullable ? "(may be null) " : "", sp->doc);
            if (sp->values) {
                printf("  %-28s %-18s one of:", "", "");
                for (size_t v = 0; sp->values[v]; v++)
                    printf(" %s", sp->values[v]);
                printf("\n");
            }
        }
    }
    return EXIT_OK;
}

int cmd_policy(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2) {
        fputs(cmd_policy_usage, stderr);
        return EXIT_BADINPUT;
    }
    if (strcmp(argv[1], "check") == 0)
        return check(ctx, argc - 2, argv + 2);
    if (strcmp(argv[1], "list") == 0)
        return list(ctx, argc - 2, argv + 2);
    if (strcmp(argv[1], "kinds") == 0 && argc == 2)
        return kinds();
    if (strcmp(argv[1], "kinds") == 0) {
        cli_err("policy kinds: takes no arguments");
        return EXIT_BADINPUT;
    }
    cli_err("policy: unknown subcommand '%s' (check, list, kinds)", argv[1]);
    return EXIT_BADINPUT;
}
