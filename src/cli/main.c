/* main.c: the ereje command: global options and the subcommand table. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_cmd commands[] = {
    {"policy", cmd_policy, "check and list policy packs", cmd_policy_usage},
    {"idnum", cmd_idnum, "validate and parse IIN/BIN numbers",
     cmd_idnum_usage},
    {"deadline", cmd_deadline, "compute a legal deadline",
     cmd_deadline_usage},
    {"check", cmd_check, "decide a registration under the age rules",
     cmd_check_usage},
    {"serve", cmd_serve, "run the HTTP/JSON service", cmd_serve_usage},
    {"ingest", cmd_ingest, "apply platform events (JSON lines)",
     cmd_ingest_usage},
    {"registry", cmd_registry, "export the registry of anonymous accounts",
     cmd_registry_usage},
    {"cases", cmd_cases, "escalate overdue identification cases",
     cmd_cases_usage},
    {"order", cmd_order, "orders about unlawful content, on the clock",
     cmd_order_usage},
    {"fingerprint", cmd_fingerprint, "fingerprints of media: SHA-256, PDQ",
     cmd_fingerprint_usage},
    {"classify", cmd_classify, "classify posts: occult, educational, language",
     cmd_classify_usage},
    {"label", cmd_label, "decide labels: disclaimers, qualification notices",
     cmd_label_usage},
    {"author", cmd_author, "record authors' qualifications",
     cmd_author_usage},
    {"webhook", cmd_webhook, "the webhook delivery log: list, replay",
     cmd_webhook_usage},
    {"export", cmd_export, "export statements of reasons (EU DSA schema)",
     cmd_export_usage},
    {"identity", cmd_identity, "find one person's accounts by IIN",
     cmd_identity_usage},
    {"demo", cmd_demo, "generate a synthetic platform's events",
     cmd_demo_usage},
    {"report", cmd_report, "reports: the legal-representative audience",
     cmd_report_usage},
    {"keys", cmd_keys, "create API keys; create the identity-data key",
     cmd_keys_usage},
    {"audit", cmd_audit,
     "verify and export the tamper-evident log; audit a content export",
     cmd_audit_usage},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ereje [GLOBAL OPTIONS] COMMAND [ARGS]\n"
            "\n"
            "ereje applies Kazakhstan's online-platform law (Law 18-VIII and "
            "the 2025 draft)\nas versioned policy packs: rules are data, "
            "drafts run in shadow mode.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "Global options (anywhere on the line):\n"
            "  --policy-dir DIR    load every *.yaml under DIR (default: "
            "$EREJE_POLICY_DIR,\n"
            "                      else %s)\n"
            "  --policy-file FILE  load FILE instead of the directory "
            "(repeatable)\n"
            "  --enforce-drafts    switch every draft rule that is not off "
            "to enforce\n"
            "  -h, --help          this help; 'ereje COMMAND --help' for a "
            "command\n"
            "  --version           print the version\n"
            "\n"
            "Time zones are read from $TZDIR, else /usr/share/zoneinfo.\n"
            "\n"
            "Exit status: 0 success; 1 the command found what it reports; "
            "2 usage error\nor malformed input (pack, number, date, "
            "duration); 3 environment error\n(unreadable file, a database "
            "that does not exist, out of memory).\n",
            EJ_DEFAULT_POLICY_DIR);
}

int main(int argc, char **argv)
{
    struct cli_ctx ctx = {0};
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;

    if (!rest)
        return EXIT_ENV;
    ctx.policy_dir = getenv("EREJE_POLICY_DIR");
    if (!ctx.policy_dir || !*ctx.policy_dir)
        ctx.policy_dir = EJ_DEFAULT_POLICY_DIR;
    ctx.tzdir = getenv("TZDIR");
    if (!ctx.tzdir || !*ctx.tzdir)
        ctx.tzdir = "/usr/share/zoneinfo";

    bool help = false;
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc)
                rest[nrest++] = argv[i++];
            break;
        } else if (strcmp(argv[i], "--enforce-drafts") == 0) {
            ctx.enforce_drafts = true;
        } else if ((v = cli_opt(argc, argv, &i, "--policy-dir", &missing))) {
            ctx.policy_dir = v;
        } else if ((v = cli_opt(argc, argv, &i, "--policy-file",
                                &missing))) {
            if (ctx.n_policy_files == CLI_MAX_POLICY_FILES) {
                cli_err("at most %d --policy-file options",
                        CLI_MAX_POLICY_FILES);
                free(rest);
                return EXIT_BADINPUT;
            }
            ctx.policy_files[ctx.n_policy_files++] = v;
        } else if (missing) {
            cli_err("%s needs a value", argv[i]);
            free(rest);
            return EXIT_BADINPUT;
        } else if (strcmp(argv[i], "--version") == 0 && nrest == 0) {
            printf("ereje %s\n", EJ_VERSION_STRING);
            free(rest);
            return EXIT_OK;
        } else if ((strcmp(argv[i], "--help") == 0 ||
                    strcmp(argv[i], "-h") == 0) &&
                   nrest == 0) {
            help = true;
        } else {
            rest[nrest++] = argv[i];
        }
    }

    int status = EXIT_BADINPUT;
    if (nrest == 0) {
        usage(help ? stdout : stderr);
        status = help ? EXIT_OK : EXIT_BADINPUT;
        goto out;
    }
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++) {
        if (strcmp(rest[0], commands[c].name) != 0)
            continue;
        if (help) {
            fputs(commands[c].usage, stdout);
            status = EXIT_OK;
            goto out;
        }
        for (int i = 1; i < nrest; i++)
            if (strcmp(rest[i], "--help") == 0 || strcmp(rest[i], "-h") == 0) {
                /* audit content has its own page */
                bool content = commands[c].run == cmd_audit && nrest > 1 &&
                               strcmp(rest[1], "content") == 0;
                fputs(content ? cmd_audit_content_usage : commands[c].usage,
                      stdout);
                status = EXIT_OK;
                goto out;
            }
        status = commands[c].run(&ctx, nrest, rest);
        /* ferror as well as fflush: a command that flushed on its own
         * (classify, label) has already met the error, and its later
         * flush of an empty buffer succeeds. Lost output is an
         * environment error whatever the command found. */
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_err("error writing output: %s",
                    errno ? strerror(errno) : "write failed");
            status = EXIT_ENV;
        }
        goto out;
    }
    cli_err("unknown command '%s' (see: ereje --help)", rest[0]);
out:
    free(rest);
    return status;
}
