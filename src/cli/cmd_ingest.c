/* cmd_ingest.c: ereje ingest --db FILE [--key-file KEY] FILE.jsonl|- */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "contentjson.h"
#include "ingest.h"

const char cmd_ingest_usage[] =
    "usage: ereje ingest --db FILE [--key-file KEY] [--batch N]\n"
    "                    [--model FILE] FILE.jsonl|-\n"
    "\n"
    "Apply platform events, one JSON object per line (docs/EVENTS.md):\n"
    "account.registered, account.followers, account.identity,\n"
    "account.notified, account.closed, audience.daily, content.published.\n"
    "Events are idempotent by id: ingesting the same file twice changes\n"
    "nothing.\n"
    "Lines are applied in batches of N (default 10000), one transaction\n"
    "each; a line that is not a valid event is reported on stderr as\n"
    "'line N: CODE: message' and skipped, the rest of its batch applies.\n"
    "A crash loses at most the batch in flight; run the same file again.\n"
    "\n"
    "  --key-file KEY  key for identity data (ereje keys init); without it\n"
    "                  events carrying identity data are rejected\n"
    "  --model FILE    content model for content.published (default:\n"
    "                  $EREJE_MODEL or the built one; without a model\n"
    "                  those events are rejected, CONTENT_MODEL_MISSING)\n"
    "\n"
    "Progress goes to stderr on a terminal; a JSON summary to stdout.\n"
    "Exit status: 0 all applied, 1 some lines rejected, 2 bad usage,\n"
    "3 the database failed (nothing of the failing batch was applied).\n";

#define MAX_LINE (1024 * 1024)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_ingest(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *key_file = NULL, *input = NULL, *model = NULL;
    size_t batch = INGEST_MAX_BATCH;
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--db", &missing)))
            db = v;
        else if ((v = cli_opt(argc, argv, &i, "--key-file", &missing)))
            key_file = v;
        else if ((v = cli_opt(argc, argv, &i, "--model", &missing)))
            model = v;
        else if ((v = cli_opt(argc, argv, &i, "--batch", &missing))) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || n < 1 || n > INGEST_MAX_BATCH) {
                cli_err("ingest: --batch '%s': expected 1 to %d", v,
                        INGEST_MAX_BATCH);
                return EXIT_BADINPUT;
            }
            batch = n;
        } else if (missing) {
            cli_err("ingest: %s needs a value", argv[i]);
            return EXIT_BADINPUT;
        } else if (!input && (argv[i][0] != '-' || !argv[i][1])) {
            input = argv[i];
        } else {
            cli_err("ingest: unexpected '%s' (see --help)", argv[i]);
            return EXIT_BADINPUT;
        }
    }
    if (!db || !input) {
        cli_err("ingest: --db FILE and an input file (or -) are required");
        return EXIT_BADINPUT;
    }
    FILE *in = strcmp(input, "-") == 0 ? stdin : fopen(input, "r");
    if (!in) {
        cli_err("ingest: cannot open %s", input);
        return EXIT_ENV;
    }
    struct vault vault, *vp = NULL;
    if (key_file) {
        const char *why;
        enum ej_err rc = vault_load(key_file, &vault, &why);
        if (rc != EJ_OK) {
            cli_err("ingest: key file %s: %s", key_file,
                    why ? why : "cannot be read");
            if (in != stdin)
                fclose(in);
            return rc == EJ_INVALID ? EXIT_BADINPUT : EXIT_ENV;
        }
        vp = &vault;
    }
    struct ej_policy *p = NULL;
    struct ej_store *st = NULL;
    struct ingest *g = NULL;
    struct ej_classifier *cls = NULL;
    struct ej_labeler *lab = NULL;
    struct reupload *reup = NULL;
    int status = cli_load_policy(ctx, NULL, 0, &p);
    if (status != EXIT_OK)
        goto out;
    status = EXIT_ENV;
    if (cli_open_store("ingest", db, true, &st) != EXIT_OK)
        goto out;
    enum ej_err rc;
    if (ingest_new(st, p, vp, &g) != EJ_OK)
        goto out;
    /* content.published is checked against the re-upload bank too */
    if (reupload_new(&reup) != EJ_OK || reupload_load(reup, st) != EJ_OK) {
        cli_err("ingest: cannot read the re-upload bank of %s", db);
        goto out;
    }
    ingest_set_reupload(g, reup);
    /* content.published needs the model; it is optional unless named. */
    char why[512] = "the packs have no occult or educational rule";
    if (cj_model_load(cj_model_path(model), &cls, why, sizeof why) ==
            EJ_OK &&
        ej_labeler_new(p, &lab) == EJ_OK) {
        if (ingest_set_content(g, cls, lab) != EJ_OK)
            goto out;
    } else if (model) {
        cli_err("ingest: %s", why);
        status = EXIT_BADINPUT;
        goto out;
    }

    size_t n = 0;
    json_t **evs = calloc(batch, sizeof *evs);
    char **errs = calloc(batch, sizeof *errs);
    size_t *lines = calloc(batch, sizeof *lines);
    struct ingest_result *res = calloc(batch, sizeof *res);
    char *line = malloc(MAX_LINE + 2);
    if (!evs || !errs || !lines || !res || !line) {
        cli_err("ingest: out of memory");
        goto done;
    }
    struct ingest_stats stats = {0};
    size_t lineno = 0;
    bool tty = isatty(2), eof = false;
    double t0 = now_s(), last = t0;
    status = EXIT_OK;
    while (!eof) {
        /* Fill a batch. */
        while (n < batch) {
            if (!fgets(line, MAX_LINE + 2, in)) {
                eof = true;
                break;
            }
            lineno++;
            size_t len = strlen(line);
            bool too_long = len > MAX_LINE && line[len - 1] != '\n';
            if (too_long) {
                int c;
                while ((c = fgetc(in)) != EOF && c != '\n')
                    ;
            }
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                len--;
            if (len == 0 && !too_long)
                continue; /* blank line */
            json_error_t jerr;
            lines[n] = lineno;
            errs[n] = NULL;
            evs[n] = too_long ? NULL
                              : json_loadb(line, len, JSON_REJECT_DUPLICATES,
                                           &jerr);
            if (!evs[n]) {
                char msg[200];
                snprintf(msg, sizeof msg, "%s",
                         too_long ? "line longer than 1 MiB" : jerr.text);
                errs[n] = strdup(msg);
            }
            n++;
        }
        if (n == 0)
            break;
        rc = ingest_batch(g, evs, n, (const char *const *)errs, cli_now_ms(),
                          res, &stats);
        for (size_t i = 0; i < n; i++) {
            if (rc == EJ_OK && res[i].status == INGEST_REJECTED)
                fprintf(stderr, "line %zu: %s: %s\n", lines[i], res[i].code,
                        res[i].message);
            json_decref(evs[i]);
            free(errs[i]);
            evs[i] = NULL;
            errs[i] = NULL;
        }
        if (rc != EJ_OK) {
            cli_err("ingest: the batch ending at line %zu failed (%s); "
                    "nothing of it was applied; everything before it is "
                    "committed",
                    lineno, ej_strerror(rc));
            status = EXIT_ENV;
            break;
        }
        n = 0;
        double t = now_s();
        if (tty && t - last > 0.25) {
            fprintf(stderr, "\ringested %zu lines (%.0f/s)", lineno,
                    (double)lineno / (t - t0));
            last = t;
        }
    }
    if (tty)
        fprintf(stderr, "\r%60s\r", "");
    /* The accounts folded in memory into their table (without it they are
     * still safe, as deltas: ingest.h). */
    if (status != EXIT_ENV && (rc = ingest_flush(g)) != EJ_OK) {
        cli_err("ingest: writing the accounts back: %s", ej_strerror(rc));
        status = EXIT_ENV;
    }
    if (ferror(in)) {
        cli_err("ingest: error reading %s", input);
        status = EXIT_ENV;
    }
    if (status == EXIT_OK && stats.rejected)
        status = EXIT_FINDING;
    cli_json_println(json_pack("{s:I,s:I,s:I,s:I,s:I}", "lines",
                               (json_int_t)lineno, "accepted",
                               (json_int_t)stats.accepted, "duplicates",
                               (json_int_t)stats.duplicates, "rejected",
                               (json_int_t)stats.rejected, "transitions",
                               (json_int_t)stats.transitions));
done:
    for (size_t i = 0; evs && i < n; i++) {
        json_decref(evs[i]);
        free(errs[i]);
    }
    free(evs);
    free(errs);
    free(lines);
    free(res);
    free(line);
out:
    ingest_free(g);
    reupload_free(reup);
    ej_labeler_free(lab);
    ej_classifier_free(cls);
    ej_store_close(st);
    ej_policy_free(p);
    if (vp)
        vault_wipe(vp);
    if (in != stdin)
        fclose(in);
    return status;
}
