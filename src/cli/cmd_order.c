/* cmd_order.c: ereje order add|list|show|pause|resume|close|sweep */
#include "cli.h"

#include <errno.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "image.h"
#include "mediafp.h"
#include "orders.h"

const char cmd_order_usage[] =
    "usage: ereje order add --db FILE --body ISSUER --number N --basis CATEGORY\n"
    "                  --target ID [--target ID]... --action ACTION\n"
    "                  --received-at T\n"
    "       ereje order list --db FILE [--state open|overdue|closed|all]\n"
    "                  [--at T]\n"
    "       ereje order show --db FILE --id ID [--at T]\n"
    "       ereje order pause --db FILE --id ID --at T    (clarification asked)\n"
    "       ereje order resume --db FILE --id ID --at T   (clarification came)\n"
    "       ereje order close --db FILE --id ID --action ACTION --evidence TEXT\n"
    "                  --at T [--by WHO] [--snapshot-hash SHA256HEX]\n"
    "                  [--content-file FILE] [--media-file FILE]\n"
    "                  [--media-pdq HEX]\n"
    "       ereje order sweep --db FILE [--at T]\n"
    "\n"
    "The register of orders of the authorized body, a court or another state\n"
    "body about unlawful content. An order is acknowledged automatically\n"
    "when recorded (acknowledged_at) and gets two clocks from the packs: to\n"
    "consider it within 24 hours of receipt (Law 18-VIII Art. 9(4)(2); exact\n"
    "hours, no working-day shift) and to give effect to it within the\n"
    "removal deadline (the draft's order_compliance rule: 24 hours, an\n"
    "assumption; advisory while that draft rule is in shadow mode).\n"
    "pause/resume stop and restart both clocks while a clarification is\n"
    "awaited (unless the pack's pause_on_clarification is false); the\n"
    "deadlines move by the time stopped. A clock already past its deadline\n"
    "runs on: asking for a clarification late does not undo the breach.\n"
    "An order closes only with an action and evidence. The same issuer and\n"
    "number give the same order (recording it twice changes nothing).\n"
    "\n"
    "  --basis     a category of the pack's unlawful_content taxonomy\n"
    "  --action    remove, restrict_kz or suspend_account_kz\n"
    "  --content-file  the removed text (at most 64 KiB): closing with\n"
    "              remove or restrict_kz puts its fingerprints (SHA-256,\n"
    "              and a SimHash that survives small edits) and the\n"
    "              snapshot hash into the re-upload bank, which\n"
    "              /v1/content/check and content.published consult\n"
    "  --media-file  the removed media (an image, a video: at most 32 MiB):\n"
    "              the SHA-256 of its bytes and, for a JPEG or PNG, its PDQ\n"
    "              perceptual hash (matched at 31 bits or fewer, so that\n"
    "              re-encoded or resized copies are caught) go into the bank\n"
    "              likewise; an image too flat for PDQ (quality under 50)\n"
    "              keeps only its SHA-256, and the evidence says why\n"
    "  --media-pdq   a PDQ hash the platform computed (64 hex digits)\n"
    "  sweep       log the alerts (6 h and 1 h before each deadline) and\n"
    "              breaches (at the deadline) that have fallen due by T\n"
    "\n"
    "Orders print as JSON: id, issuer, number, basis, action, targets,\n"
    "state (open|clarifying|closed), received_at, acknowledged_at,\n"
    "consider_due, effect_due, effect_mode (enforce|shadow: a shadow effect\n"
    "clock is advisory), overdue, paused_s; closed orders add\n"
    "closed_at, closed_with and evidence. list prints JSON lines.\n"
    "Exit status: 2 for refused input (unknown basis: UNKNOWN_BASIS; no\n"
    "target: NO_TARGETS; closing without evidence: EVIDENCE_REQUIRED).\n";

#define MAX_TARGETS ORDER_MAX_TARGETS

static bool print_order(const struct ej_order_rules *rules,
                        const struct ej_order_row *r, int64_t now)
{
    struct jw w;
    jw_init(&w, 1 << 20);
    order_json(&w, rules, r, now);
    size_t len;
    char *t = jw_take(&w, &len);
    bool ok = t && fwrite(t, 1, len, stdout) == len && putchar('\n') != EOF;
    free(t);
    return ok;
}

struct list_ctx {
    const struct ej_order_rules *rules;
    const char *state;
    int64_t at;
    bool ok;
};

static int list_one(const struct ej_order_row *r, void *vctx)
{
    struct list_ctx *c = vctx;
    const char *s = c->state;
    bool overdue = ej_order_overdue(c->rules, &r->order, c->at);
    bool closed = r->order.state == EJ_ORDER_CLOSED;
    if ((strcmp(s, "open") == 0 && closed) ||
        (strcmp(s, "closed") == 0 && !closed) ||
        (strcmp(s, "overdue") == 0 && !overdue))
        return 0;
    if (!print_order(c->rules, r, c->at)) {
        c->ok = false;
        return 1;
    }
    return 0;
}

static bool parse_at(const char *what, const char *s, int64_t *out)
{
    enum ej_err rc = ej_instant_parse(s, strlen(s), out, NULL);
    if (rc != EJ_OK) {
        cli_err("order: %s '%s': %s [%s]", what, s, ej_strerror(rc),
                ej_errname(rc));
        return false;
    }
    return true;
}

int cmd_order(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *issuer = NULL, *number = NULL, *basis = NULL,
               *action = NULL, *received = NULL, *state = "open", *at = NULL,
               *id = NULL, *evidence = NULL, *by = NULL, *snapshot = NULL,
               *content_file = NULL, *media_file = NULL, *media_pdq = NULL;
    char *content = NULL;
    struct mediafp mfp;
    unsigned char pdq_in[EJ_PDQ_BYTES];
    bool has_mfp = false, has_pdq_in = false;
    size_t content_len = 0;
    const char *targets[MAX_TARGETS];
    size_t n_targets = 0;
    if (argc < 2) {
        fputs(cmd_order_usage, stderr);
        return EXIT_BADINPUT;
    }
    const char *verb = argv[1];
    for (int i = 2; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--target", &missing))) {
            if (n_targets == MAX_TARGETS) {
                cli_err("order: at most %d targets", MAX_TARGETS);
                return EXIT_BADINPUT;
            }
            targets[n_targets++] = v;
            continue;
        }
        if (missing) {
            cli_err("order: %s needs a value", argv[i]);
            return EXIT_BADINPUT;
        }
        const struct cli_optdef defs[] = {
            {"--db", &db, NULL},           {"--body", &issuer, NULL},
            {"--number", &number, NULL},   {"--basis", &basis, NULL},
            {"--action", &action, NULL},   {"--received-at", &received, NULL},
            {"--state", &state, NULL},     {"--at", &at, NULL},
            {"--id", &id, NULL},           {"--evidence", &evidence, NULL},
            {"--by", &by, NULL},           {"--snapshot-hash", &snapshot, NULL},
            {"--content-file", &content_file, NULL},
            {"--media-file", &media_file, NULL},
            {"--media-pdq", &media_pdq, NULL}};
        /* One argument (and its value) at a time through the table. */
        int end = i + 1 < argc && argv[i][0] == '-' && !strchr(argv[i], '=')
                      ? i + 2
                      : i + 1;
        if (end > argc)
            end = argc;
        if (cli_parse_opts(end, argv, i, defs, sizeof defs / sizeof *defs,
                           "order") != EXIT_OK)
            return EXIT_BADINPUT;
        i = end - 1;
    }
    if (!db) {
        cli_err("order: --db FILE is required");
        return EXIT_BADINPUT;
    }
    int64_t now = cli_now_ms(), at_ms = now;
    if (at && !parse_at("--at", at, &at_ms))
        return EXIT_BADINPUT;

    struct ej_policy *p = NULL;
    struct ej_store *st = NULL;
    int status = cli_load_policy(ctx, NULL, 0, &p);
    if (status != EXIT_OK)
        return status;
    status = EXIT_ENV;
    if (cli_open_store(strcmp(verb, "add") == 0 ? "order add" : "order", db,
                       strcmp(verb, "add") == 0, &st) != EXIT_OK)
        goto out;
    enum ej_err rc;
    struct ej_order_row row;
    struct order_error err = {0};
    /* Without an authority_request rule orders cannot be added; those
     * recorded are shown with no effect clock. */
    struct ej_order_rules rules;
    if (ej_order_rules_from(p, &rules) != EJ_OK)
        memset(&rules, 0, sizeof rules);
    status = EXIT_BADINPUT;
    if (strcmp(verb, "add") == 0) {
        struct order_input in = {issuer, number, basis, action, targets,
                                 n_targets, 0};
        bool existed;
        if (!received) {
            cli_err("order add: --received-at is required (when the order "
                    "was received)");
            goto out;
        }
        if (!parse_at("--received-at", received, &in.received_ms))
            goto out;
        rc = orders_add(st, p, &in, now, &row, &existed, &err);
        if (rc == EJ_OK) {
            if (existed)
                fprintf(stderr, "ereje: order %s is already recorded; "
                                "shown as it stands\n", row.id);
            status = print_order(&rules, &row, at ? at_ms : now) ? EXIT_OK : EXIT_ENV;
            ej_order_row_free(&row);
        }
    } else if (strcmp(verb, "list") == 0) {
        if (strcmp(state, "open") && strcmp(state, "overdue") &&
            strcmp(state, "closed") && strcmp(state, "all")) {
            cli_err("order list: --state is open, overdue, closed or all");
            goto out;
        }
        struct list_ctx lc = {&rules, state, at_ms, true};
        rc = ej_store_ops_of(st)->orders_scan(st, list_one, &lc);
        status = rc == EJ_OK && lc.ok ? EXIT_OK : EXIT_ENV;
    } else if (strcmp(verb, "show") == 0) {
        if (!id) {
            cli_err("order show: --id is required");
            goto out;
        }
        rc = ej_store_ops_of(st)->order_get(st, id, &row);
        if (rc == EJ_OK) {
            status = print_order(&rules, &row, at_ms) ? EXIT_OK : EXIT_ENV;
            ej_order_row_free(&row);
        }
    } else if (strcmp(verb, "pause") == 0 || strcmp(verb, "resume") == 0 ||
               strcmp(verb, "close") == 0) {
        if (!id || !at) {
            cli_err("order %s: --id and --at are required", verb);
            goto out;
        }
        char who[96];
        if (!by) {
            struct passwd *pw = getpwuid(getuid());
            snprintf(who, sizeof who, "cli:%s", pw ? pw->pw_name : "?");
            by = who;
        }
        if (content_file) {
            enum ej_err frc = cli_read_file(content_file, ORDER_CONTENT_MAX,
                                            &content, &content_len);
            if (frc != EJ_OK) {
                cli_err("order close: --content-file %s: %s", content_file,
                        frc == EJ_TOO_BIG ? "larger than 64 KiB"
                        : frc == EJ_IO    ? strerror(errno)
                                          : ej_strerror(frc));
                status = frc == EJ_TOO_BIG ? EXIT_BADINPUT : EXIT_ENV;
                goto out;
            }
        }
        if (media_file) {
            char *mb = NULL;
            size_t ml = 0;
            enum ej_err frc = cli_read_file(media_file, IMAGE_MAX_BYTES, &mb,
                                            &ml);
            int rerr = frc == EJ_IO ? errno : 0;
            if (frc == EJ_OK)
                frc = mediafp_compute((const unsigned char *)mb, ml, &mfp);
            free(mb);
            if (frc != EJ_OK) {
                cli_err("order close: --media-file %s: %s", media_file,
                        frc == EJ_TOO_BIG ? "larger than 32 MiB"
                        : rerr            ? strerror(rerr)
                                          : ej_strerror(frc));
                status = frc == EJ_TOO_BIG ? EXIT_BADINPUT : EXIT_ENV;
                goto out;
            }
            has_mfp = true;
        }
        if (media_pdq) {
            size_t bin = 0;
            if (strlen(media_pdq) != 64 ||
                sodium_hex2bin(pdq_in, sizeof pdq_in, media_pdq, 64, NULL,
                               &bin, NULL) != 0 ||
                bin != EJ_PDQ_BYTES) {
                cli_err("order close: --media-pdq is 64 hex digits (a PDQ "
                        "hash)");
                goto out;
            }
            has_pdq_in = true;
        }
        struct order_close c = {action, evidence, by, snapshot, content,
                                content_len, at_ms, NULL, NULL, NULL};
        if (has_mfp) {
            c.media_sha256 = mfp.sha256;
            c.media_pdq = mediafp_pdq_usable(&mfp) ? mfp.pdq : NULL;
            c.media_note = mfp.note;
        }
        if (has_pdq_in && has_mfp && mfp.has_pdq &&
            memcmp(pdq_in, mfp.pdq, EJ_PDQ_BYTES) != 0) {
            cli_err("order close: --media-pdq is not the PDQ hash of "
                    "--media-file");
            goto out;
        }
        if (has_pdq_in)
            c.media_pdq = pdq_in;
        enum order_op op = verb[0] == 'p'   ? ORDER_PAUSE
                           : verb[0] == 'r' ? ORDER_RESUME
                                            : ORDER_CLOSE;
        rc = orders_change(st, p, id, op, at_ms, &c, now, &row, &err);
        if (rc == EJ_OK) {
            status = print_order(&rules, &row, at_ms) ? EXIT_OK : EXIT_ENV;
            ej_order_row_free(&row);
        }
    } else if (strcmp(verb, "sweep") == 0) {
        size_t alerts, breaches;
        rc = orders_sweep(st, p, at_ms, &alerts, &breaches);
        if (rc == EJ_OK)
            status = cli_json_println(json_pack("{s:I,s:I}", "alerts",
                                                (json_int_t)alerts,
                                                "breaches",
                                                (json_int_t)breaches))
                         ? EXIT_OK
                         : EXIT_ENV;
    } else {
        cli_err("order: unknown subcommand '%s' (see --help)", verb);
        goto out;
    }
    if (rc == EJ_INVALID && err.code)
        cli_err("order %s: %s [%s]", verb, err.message, err.code);
    else if (rc == EJ_NOT_FOUND)
        cli_err("order %s: no order '%s'", verb, id ? id : "?");
    else if (rc != EJ_OK) {
        cli_err("order %s: %s", verb, ej_strerror(rc));
        status = EXIT_ENV;
    }
out:
    free(content);
    ej_store_close(st);
    ej_policy_free(p);
    return status;
}
