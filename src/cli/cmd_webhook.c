/* cmd_webhook.c: ereje webhook list | replay (the delivery log of the
 * service's webhooks; src/common/webhook.c). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "jw.h"
#include "webhook.h"

const char cmd_webhook_usage[] =
    "usage: ereje webhook list --db FILE [--status pending|delivered|failed]\n"
    "       ereje webhook replay --db FILE (--id N | --failed)\n"
    "\n"
    "The delivery log of `ereje serve --webhook-url`: one line a delivery\n"
    "(id, event_seq, event_id, type, status, attempts, next_at,\n"
    "last_status, last_error, delivered_at). replay puts a delivery, or\n"
    "every failed one, back to pending, due now; a running service sends\n"
    "it within a second.\n";

static void instant(struct jw *w, const char *k, int64_t ms)
{
    char t[EJ_INSTANT_TEXT_MAX];
    jw_key(w, k);
    if (ms > 0 && ej_instant_format(ms, 0, t) == EJ_OK)
        jw_str(w, t);
    else
        jw_null(w);
}

static int print_one(const struct ej_wh_row *r, void *ctx)
{
    bool *ok = ctx;
    struct jw w;
    jw_init(&w, 1 << 14);
    jw_obj(&w);
    jw_kint(&w, "id", r->id);
    jw_kint(&w, "event_seq", (int64_t)r->event_seq);
    jw_kstr(&w, "event_id", r->event_id);
    jw_kstr(&w, "type", r->type);
    jw_kstr(&w, "status", r->status);
    jw_kint(&w, "attempts", r->attempts);
    instant(&w, "next_at", strcmp(r->status, "pending") == 0 ? r->next_at_ms
                                                             : 0);
    jw_kint(&w, "last_status", r->last_status);
    jw_kstr(&w, "last_error", r->last_error);
    instant(&w, "delivered_at", r->delivered_ms);
    jw_end_obj(&w);
    jw_end_line(&w);
    size_t len;
    char *s = jw_take(&w, &len);
    if (!s || fwrite(s, 1, len, stdout) != len)
        *ok = false;
    free(s);
    return !*ok;
}

int cmd_webhook(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *status_s = NULL, *id_s = NULL;
    bool failed = false;
    (void)ctx;
    if (argc < 2 ||
        (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "replay") != 0)) {
        fputs(cmd_webhook_usage, stderr);
        return EXIT_BADINPUT;
    }
    bool list = strcmp(argv[1], "list") == 0;
    const struct cli_optdef defs[] = {{"--db", &db, NULL},
                                      {"--status", &status_s, NULL},
                                      {"--id", &id_s, NULL},
                                      {"--failed", NULL, &failed}};
    int status = cli_parse_opts(argc, argv, 2, defs, 4,
                                list ? "webhook list" : "webhook replay");
    if (status != EXIT_OK)
        return status;
    if (!db) {
        cli_err("webhook: --db is required");
        return EXIT_BADINPUT;
    }
    if (list && status_s && strcmp(status_s, "pending") &&
        strcmp(status_s, "delivered") && strcmp(status_s, "failed")) {
        cli_err("webhook list: --status is pending, delivered or failed");
        return EXIT_BADINPUT;
    }
    int64_t id = 0;
    if (!list) {
        if ((id_s != NULL) == failed) {
            cli_err("webhook replay: give --id N or --failed");
            return EXIT_BADINPUT;
        }
        if (id_s) {
            char *end;
            long long v = strtoll(id_s, &end, 10);
            if (*end || v < 1) {
                cli_err("webhook replay: --id '%s': a delivery id", id_s);
                return EXIT_BADINPUT;
            }
            id = v;
        }
    }
    struct ej_store *st = NULL;
    if (cli_open_store(list ? "webhook list" : "webhook replay", db, false,
                       &st) != EXIT_OK)
        return EXIT_ENV;
    enum ej_err rc;
    if (list) {
        bool ok = true;
        rc = ej_store_ops_of(st)->wh_scan(st, status_s, print_one, &ok);
        status = rc == EJ_OK && ok ? EXIT_OK : EXIT_ENV;
    } else {
        size_t n = 0;
        rc = webhook_replay(st, id, cli_now_ms(), &n);
        if (rc == EJ_NOT_FOUND) {
            cli_err("webhook replay: no delivery %lld", (long long)id);
            status = EXIT_BADINPUT;
        } else if (rc != EJ_OK) {
            cli_err("webhook replay: %s", ej_strerror(rc));
            status = EXIT_ENV;
        } else {
            status = cli_json_println(json_pack("{s:I}", "replayed",
                                                (json_int_t)n))
                         ? EXIT_OK
                         : EXIT_ENV;
        }
    }
    ej_store_close(st);
    return status;
}
