/* cmd_serve.c: ereje serve --db FILE [--listen HOST:PORT] ... */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "server.h"

const char cmd_serve_usage[] =
    "usage: ereje serve --db FILE [--listen HOST:PORT] [--threads N]\n"
    "                   [--max-body BYTES] [--key-file KEY] [--model FILE]\n"
    "                   [--webhook-url URL --webhook-secret-file FILE\n"
    "                    [--webhook-max-attempts N]] [--drain-timeout S]\n"
    "                   [--enforce-drafts]\n"
    "       ereje serve --list-routes\n"
    "\n"
    "Run the HTTP/JSON service until SIGTERM or SIGINT (then it answers\n"
    "new requests 503 SHUTTING_DOWN, finishes those in flight, commits\n"
    "what is queued, and closes the listening socket). Requests whose body\n"
    "is still coming in after --drain-timeout seconds (default 30) are\n"
    "closed unanswered (nothing of theirs was recorded), and a reply still\n"
    "being read then is cut off.\n"
    "\n"
    "  --db FILE          SQLite database (created and migrated if needed)\n"
    "  --listen HOST:PORT address to bind (default 127.0.0.1:8080; port 0\n"
    "                     picks a free port, printed on the first line)\n"
    "  --threads N        request threads (default: the number of cores)\n"
    "  --max-body BYTES   largest request body (default 65536; POST\n"
    "                     /v1/events takes up to 16 MiB)\n"
    "  --key-file KEY     identity-data key (ereje keys init): needed to\n"
    "                     ingest identity data and to export it\n"
    "  --model FILE       content model for /v1/content/check and\n"
    "                     content.published (default: $EREJE_MODEL or the\n"
    "                     built one; when that cannot be loaded, content\n"
    "                     labelling is off: 503 CONTENT_MODEL_MISSING; a\n"
    "                     --model that cannot be loaded stops the start)\n"
    "  --webhook-url URL  POST decisions, alerts and breaches to URL\n"
    "                     (registration.checked, content.checked,\n"
    "                     case.escalated, order.alert, order.breach,\n"
    "                     complaint.decided), each signed with an\n"
    "                     HMAC-SHA256 of the secret (--webhook-secret-file:\n"
    "                     16 to 256 bytes, mode 600); retried with backoff\n"
    "                     (1 s, 2 s, 4 s ... at most 1 h), failed after N\n"
    "                     attempts (--webhook-max-attempts, default 8). An\n"
    "                     endpoint that is down never holds up a decision.\n"
    "                     ereje webhook list|replay show and retry them.\n"
    "  --list-routes      print METHOD PATH ROLES for every endpoint\n"
    "\n"
    "Every /v1 call needs 'Authorization: Bearer KEY' (ereje keys create).\n"
    "Endpoints: docs/API.md and docs/openapi.yaml.\n";

static void print_routes(void)
{
    for (size_t i = 0; i < srv_n_routes; i++) {
        const struct route *r = &srv_routes[i];
        printf("%s %s ", r->method, r->path);
        if (!r->roles)
            printf("-");
        bool first = true;
        for (unsigned b = 1; b <= EJ_ROLE_ADMIN; b <<= 1)
            if (r->roles & b) {
                printf("%s%s", first ? "" : ",",
                       ej_role_name((enum ej_role)b));
                first = false;
            }
        printf("\n");
    }
}

int cmd_serve(struct cli_ctx *ctx, int argc, char **argv)
{
    struct srv_opts o = {0};
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if (strcmp(argv[i], "--list-routes") == 0) {
            print_routes();
            return EXIT_OK;
        } else if ((v = cli_opt(argc, argv, &i, "--db", &missing))) {
            o.db = v;
        } else if ((v = cli_opt(argc, argv, &i, "--key-file", &missing))) {
            o.key_file = v;
        } else if ((v = cli_opt(argc, argv, &i, "--model", &missing))) {
            o.model = v;
        } else if ((v = cli_opt(argc, argv, &i, "--webhook-url", &missing))) {
            o.webhook_url = v;
        } else if ((v = cli_opt(argc, argv, &i, "--webhook-secret-file",
                                &missing))) {
            o.webhook_secret_file = v;
        } else if ((v = cli_opt(argc, argv, &i, "--webhook-max-attempts",
                                &missing))) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 100) {
                cli_err("serve: --webhook-max-attempts '%s': expected 1 to "
                        "100", v);
                return EXIT_BADINPUT;
            }
            o.webhook_max_attempts = (int)n;
        } else if ((v = cli_opt(argc, argv, &i, "--listen", &missing))) {
            o.listen = v;
        } else if ((v = cli_opt(argc, argv, &i, "--threads", &missing))) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || n < 1 || n > 64) {
                cli_err("serve: --threads '%s': expected 1 to 64", v);
                return EXIT_BADINPUT;
            }
            o.threads = (unsigned)n;
        } else if ((v = cli_opt(argc, argv, &i, "--drain-timeout",
                                &missing))) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*v < '0' || *v > '9' || *end || n < 1 || n > 3600) {
                cli_err("serve: --drain-timeout '%s': expected 1 to 3600 "
                        "seconds", v);
                return EXIT_BADINPUT;
            }
            o.drain_s = (unsigned)n;
        } else if ((v = cli_opt(argc, argv, &i, "--max-body", &missing))) {
            char *end;
            unsigned long long n = strtoull(v, &end, 10);
            if (*end || n < 1024 || n > SRV_MAX_BODY_LIMIT) {
                cli_err("serve: --max-body '%s': expected 1024 to %d", v,
                        SRV_MAX_BODY_LIMIT);
                return EXIT_BADINPUT;
            }
            o.max_body = (size_t)n;
        } else {
            cli_err(missing ? "serve: %s needs a value"
                            : "serve: unexpected '%s' (see --help)",
                    argv[i]);
            return EXIT_BADINPUT;
        }
    }
    if (!o.db) {
        cli_err("serve: --db FILE is required");
        return EXIT_BADINPUT;
    }
    struct ej_policy *p;
    int st = cli_load_policy(ctx, NULL, 0, &p);
    if (st != EXIT_OK)
        return st;
    st = srv_run(p, &o);
    ej_policy_free(p);
    return st;
}
