/* cmd_check.c: ereje check registration ... */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "regjson.h"

const char cmd_check_usage[] =
    "usage: ereje check registration --service TYPE --at ISO8601\n"
    "           [--birth-date YYYY-MM-DD] [--iin NUMBER]\n"
    "           [--assurance METHOD:LEVEL:over|under] [--enforce-drafts]\n"
    "\n"
    "Decide whether a user may register, under the minimum-age rules of the\n"
    "loaded packs (kind min_registration_age), and print the decision as\n"
    "JSON: service, at, decision (allow|deny|verify), mode, advisory (what enforcing\n"
    "would decide, when a rule runs in shadow mode), rules, fired, reasons\n"
    "in kk/ru/en, evidence, age, age_band.\n"
    "\n"
    "  --service TYPE   social_network, video_hosting, instant_messaging,\n"
    "                   online_game or other\n"
    "  --at T           the registration instant, ISO 8601 with an offset\n"
    "  --birth-date D   the user's birth date\n"
    "  --iin N          the user's IIN (its birth date is used)\n"
    "  --assurance M:L:R  an age-assurance result: method (e.g. egov), level\n"
    "                   (asserted|standard|enhanced|strict), and whether the\n"
    "                   user is over or under the threshold\n"
    "Evidence may be combined; evidence that disagrees gives 'verify'. No\n"
    "evidence gives 'verify'. The draft rule runs in shadow mode unless\n"
    "--enforce-drafts is given.\n"
    "\n"
    "Exit status: 0 allow, 1 deny or verify, 2 bad input.\n";

int cmd_check(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "registration") != 0) {
        fputs(cmd_check_usage, stderr);
        return EXIT_BADINPUT;
    }
    json_t *req = json_object();
    int st = EXIT_BADINPUT;
    struct ej_policy *p = NULL;
    struct ej_regcheck *g = NULL;
    for (int i = 2; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--service", &missing)))
            json_object_set_new(req, "service", json_string(v));
        else if ((v = cli_opt(argc, argv, &i, "--at", &missing)))
            json_object_set_new(req, "at", json_string(v));
        else if ((v = cli_opt(argc, argv, &i, "--birth-date", &missing)))
            json_object_set_new(req, "birth_date", json_string(v));
        else if ((v = cli_opt(argc, argv, &i, "--iin", &missing)))
            json_object_set_new(req, "iin", json_string(v));
        else if ((v = cli_opt(argc, argv, &i, "--assurance", &missing))) {
            const char *c1 = strchr(v, ':');
            const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (!c2 || (strcmp(c2 + 1, "over") != 0 &&
                        strcmp(c2 + 1, "under") != 0)) {
                cli_err("check: --assurance '%s': expected "
                        "METHOD:LEVEL:over|under", v);
                goto out;
            }
            json_object_set_new(
                req, "assurance",
                json_pack("{s:s%,s:s%,s:b}", "method", v, (size_t)(c1 - v),
                          "level", c1 + 1, (size_t)(c2 - c1 - 1),
                          "over_threshold", strcmp(c2 + 1, "over") == 0));
        } else {
            cli_err(missing ? "check: %s needs a value"
                            : "check: unexpected '%s' (see --help)",
                    argv[i]);
            goto out;
        }
    }
    if (!json_object_get(req, "at")) {
        cli_err("check: --at is required (the registration instant)");
        goto out;
    }
    struct rj_request r;
    struct rj_error e;
    if (!rj_parse_request(req, &r, &e)) {
        cli_err("check: %s [%s]", e.message, e.code);
        goto out;
    }
    st = cli_load_policy(ctx, NULL, 0, &p);
    if (st != EXIT_OK)
        goto out;
    st = EXIT_BADINPUT;
    enum ej_err rc = ej_regcheck_new(p, &g);
    if (rc != EJ_OK) {
        cli_err("check: no usable min_registration_age rule in the packs "
                "[%s]", ej_errname(rc));
        goto out;
    }
    struct ej_reg_decision d;
    rc = ej_regcheck_eval(g, &r.reg, &d);
    if (rc != EJ_OK) {
        cli_err("check: %s [%s]",
                rc == EJ_TIME_RANGE ? "the birth date is after the "
                                      "registration date"
                                    : ej_strerror(rc),
                ej_errname(rc));
        goto out;
    }
    struct jw w;
    jw_init(&w, 1 << 20);
    jw_obj(&w);
    rj_decision_members(&w, &d, &r.reg);
    jw_end_obj(&w);
    char *text = jw_take(&w, NULL);
    if (!text || puts(text) == EOF) {
        free(text);
        st = EXIT_ENV;
        goto out;
    }
    free(text);
    st = d.decision == EJ_ALLOW ? EXIT_OK : EXIT_FINDING;
out:
    json_decref(req);
    ej_regcheck_free(g);
    ej_policy_free(p);
    return st;
}
