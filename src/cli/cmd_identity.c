/* cmd_identity.c: ereje identity find --db FILE --key-file KEY --iin N */
#include "cli.h"

#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "ereje/store.h"
#include "jw.h"
#include "vault.h"

const char cmd_identity_usage[] =
    "usage: ereje identity find --db FILE --key-file KEY --iin NUMBER|-\n"
    "\n"
    "Every account whose submitted identity data carries this IIN, found\n"
    "by the IIN's keyed hash without decrypting anything. Prints one JSON\n"
    "line per account. The lookup itself is recorded in the audit log as\n"
    "an identity.lookup event (with the hash, not the IIN). With --iin -\n"
    "the IIN is read from the first line of stdin, so that it does not\n"
    "show in the process list.\n";

static int print_account(const char *account, void *ctx)
{
    size_t *n = ctx;
    (*n)++;
    return cli_json_println(json_pack("{s:s}", "account", account)) ? 0 : 1;
}

int cmd_identity(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *key_file = NULL, *iin = NULL;
    (void)ctx;
    if (argc < 2 || strcmp(argv[1], "find") != 0) {
        fputs(cmd_identity_usage, stderr);
        return EXIT_BADINPUT;
    }
    const struct cli_optdef defs[] = {{"--db", &db, NULL},
                                      {"--key-file", &key_file, NULL},
                                      {"--iin", &iin, NULL}};
    if (cli_parse_opts(argc, argv, 2, defs, 3, "identity") != EXIT_OK)
        return EXIT_BADINPUT;
    if (!db || !key_file || !iin) {
        cli_err("identity find: --db, --key-file and --iin are required");
        return EXIT_BADINPUT;
    }
    char line[64];
    if (strcmp(iin, "-") == 0) {
        if (!fgets(line, sizeof line, stdin)) {
            cli_err("identity find: no IIN on stdin");
            return EXIT_BADINPUT;
        }
        line[strcspn(line, "\r\n")] = '\0';
        iin = line;
    }
    struct ej_idnum id;
    enum ej_err rc = ej_idnum_parse(iin, strlen(iin), &id, NULL);
    if (rc != EJ_OK || id.kind != EJ_IDNUM_IIN) {
        cli_err("identity find: --iin: %s [%s]",
                rc != EJ_OK ? ej_strerror(rc) : "a BIN, not an IIN",
                ej_errname(rc != EJ_OK ? rc : EJ_IDNUM_BIN_ENTITY));
        return EXIT_BADINPUT;
    }
    struct vault v;
    const char *why;
    rc = vault_load(key_file, &v, &why);
    if (rc != EJ_OK) {
        cli_err("identity: key file %s: %s", key_file,
                why ? why : "cannot be read");
        return rc == EJ_INVALID ? EXIT_BADINPUT : EXIT_ENV;
    }
    unsigned char h[EJ_HASH_LEN];
    vault_iin_hash(&v, iin, 12, h);
    sodium_memzero(line, sizeof line);
    struct ej_store *st;
    if (cli_open_store("identity find", db, false, &st) != EXIT_OK) {
        vault_wipe(&v);
        return EXIT_ENV;
    }
    /* Record the lookup first: no lookup without its record. */
    char hex[EJ_HASH_LEN * 2 + 1], evid[96], reader[96];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    struct passwd *pw = getpwuid(getuid());
    snprintf(reader, sizeof reader, "cli:%s", pw ? pw->pw_name : "?");
    int64_t now = cli_now_ms();
    snprintf(evid, sizeof evid, "#identity_lookup#%lld#%.16s", (long long)now,
             hex);
    struct jw w;
    jw_init(&w, 2048);
    jw_obj(&w);
    jw_kstr(&w, "iin_hash", hex);
    jw_kstr(&w, "reader", reader);
    jw_kstr(&w, "key_id", v.key_id);
    jw_end_obj(&w);
    char *body = jw_take(&w, NULL);
    struct ej_event ev = {.id = evid, .type = "identity.lookup", .at_ms = now,
                          .recorded_ms = now, .subject = "", .pack_id = "",
                          .pack_version = "", .rules = "[]", .body = body};
    int status = EXIT_ENV;
    rc = body ? ej_store_append(st, &ev, 1, NULL) : EJ_NOMEM;
    free(body);
    if (rc != EJ_OK) {
        cli_err("identity: cannot record the lookup: %s", ej_strerror(rc));
        goto out;
    }
    size_t n = 0;
    rc = ej_store_ops_of(st)->identity_find(st, h, print_account, &n);
    status = rc == EJ_OK ? EXIT_OK : EXIT_ENV;
out:
    ej_store_close(st);
    vault_wipe(&v);
    return status;
}
