/* cmd_registry.c: ereje registry export --db FILE --format csv|json
 *                 [--at T] [--include-identity --key-file KEY] */
#include "cli.h"

#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <stdlib.h>

#include "registry.h"

const char cmd_registry_usage[] =
    "usage: ereje registry export --db FILE [--format json|csv] [--at T]\n"
    "           [--include-identity --key-file KEY]\n"
    "\n"
    "The registry of large anonymous accounts for the authorized body:\n"
    "every account above the threshold of the pack's follower_threshold\n"
    "rule at instant T (default now; hysteresis applied), one JSON object\n"
    "per line or CSV with a header. The fields are the rule's\n"
    "registry_fields, in order; known fields: account, followers, measure,\n"
    "kz_share, case_state, overdue, deadline, opened_at, identity_status,\n"
    "listed_since. CSV cells that a spreadsheet would run as a formula\n"
    "(starting with = + - @) get a leading quote.\n"
    "\n"
    "  --include-identity  add iin, name, contact and method, decrypted\n"
    "                      with --key-file; each account read is recorded\n"
    "                      in the audit log as an identity.read event\n";

/* Lines go straight out, or, with identity data, into a buffer printed
 * only when the whole export succeeded (its reads are then recorded). */
struct out {
    bool buffer;
    char *buf;
    size_t len, cap;
    bool oom;
};

static void print_line(const char *line, size_t len, void *ctx)
{
    struct out *o = ctx;
    if (!o->buffer) {
        fwrite(line, 1, len, stdout);
        putchar('\n');
        return;
    }
    if (o->oom)
        return;
    if (o->len + len + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 65536;
        while (cap < o->len + len + 1)
            cap *= 2;
        char *b = realloc(o->buf, cap);
        if (!b) {
            o->oom = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, line, len);
    o->len += len;
    o->buf[o->len++] = '\n';
}

int cmd_registry(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *format = "json", *at = NULL, *key_file = NULL;
    bool identity = false;
    if (argc < 2 || strcmp(argv[1], "export") != 0) {
        fputs(cmd_registry_usage, stderr);
        return EXIT_BADINPUT;
    }
    const struct cli_optdef defs[] = {
        {"--db", &db, NULL},           {"--format", &format, NULL},
        {"--at", &at, NULL},           {"--key-file", &key_file, NULL},
        {"--include-identity", NULL, &identity}};
    if (cli_parse_opts(argc, argv, 2, defs, 5, "registry") != EXIT_OK)
        return EXIT_BADINPUT;
    struct registry_opts o = {0};
    if (!db || (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)) {
        cli_err("registry export: --db is required; --format is json or csv");
        return EXIT_BADINPUT;
    }
    o.csv = strcmp(format, "csv") == 0;
    if (identity && !key_file) {
        cli_err("registry export: --include-identity needs --key-file");
        return EXIT_BADINPUT;
    }
    if (at) {
        enum ej_err rc = ej_instant_parse(at, strlen(at), &o.at_ms, NULL);
        if (rc != EJ_OK) {
            cli_err("registry export: --at '%s': %s [%s]", at,
                    ej_strerror(rc), ej_errname(rc));
            return EXIT_BADINPUT;
        }
    } else {
        o.at_ms = cli_now_ms();
    }
    struct vault vault;
    char reader[96];
    if (identity) {
        const char *why;
        enum ej_err rc = vault_load(key_file, &vault, &why);
        if (rc != EJ_OK) {
            cli_err("registry: key file %s: %s", key_file,
                    why ? why : "cannot be read");
            return rc == EJ_INVALID ? EXIT_BADINPUT : EXIT_ENV;
        }
        struct passwd *pw = getpwuid(getuid());
        snprintf(reader, sizeof reader, "cli:%s", pw ? pw->pw_name : "?");
        o.identity = &vault;
        o.reader = reader;
    }
    struct ej_policy *p = NULL;
    struct ej_store *st = NULL;
    int status = cli_load_policy(ctx, NULL, 0, &p);
    if (status != EXIT_OK)
        goto out;
    status = cli_open_store("registry export", db, false, &st);
    if (status != EXIT_OK)
        goto out;
    enum ej_err rc;
    char why[300] = "";
    struct out out = {identity, NULL, 0, 0, false};
    rc = registry_export(st, p, &o, print_line, &out, why, sizeof why, NULL);
    if (rc == EJ_OK && out.oom)
        rc = EJ_NOMEM;
    if (rc == EJ_OK && out.len)
        fwrite(out.buf, 1, out.len, stdout);
    if (out.buf) {
        sodium_memzero(out.buf, out.len);
        free(out.buf);
    }
    if (rc == EJ_INVALID) {
        cli_err("registry: %s", why);
        status = EXIT_BADINPUT;
    } else if (rc != EJ_OK) {
        cli_err("registry: %s", ej_strerror(rc));
        status = EXIT_ENV;
    }
out:
    ej_store_close(st);
    ej_policy_free(p);
    if (identity)
        vault_wipe(&vault);
    return status;
}
