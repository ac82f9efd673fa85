/* cmd_keys.c: ereje keys create --db FILE --role ROLE [--label TEXT] */
#include "cli.h"
#include "jw.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "vault.h"

const char cmd_keys_usage[] =
    "usage: ereje keys create --db FILE --role ROLE [--label TEXT]\n"
    "       ereje keys revoke --db FILE --id KEY_ID\n"
    "       ereje keys init --key-file FILE\n"
    "\n"
    "Create an API key and print it once, as JSON {id, role, label, key}.\n"
    "Only its SHA-256 is stored: keep the key now, it cannot be shown\n"
    "again. The creation is recorded in the audit log (without the key).\n"
    "\n"
    "Roles (docs/API.md has the table):\n"
    "  platform   registration checks, events, accounts, orders, complaints\n"
    "  moderator  accounts, orders, complaint decisions and notices\n"
    "  auditor    reads: registry (no identity data), accounts, orders,\n"
    "             complaints\n"
    "  admin      everything, including identity data in the registry\n"
    "\n"
    "revoke  Revoke a key by its id (the 'id' printed by create). A running\n"
    "        service stops accepting it within 30 seconds. Recorded in the\n"
    "        audit log.\n"
    "\n"
    "init    Create the key that encrypts identity data at rest (a random\n"
    "        256-bit key, written as hex to FILE with mode 0600; refuses to\n"
    "        overwrite). Prints the key's id. Keep FILE outside the database\n"
    "        and its backups; without it identity data cannot be read.\n";

static int keys_revoke(int argc, char **argv)
{
    const char *db = NULL, *id = NULL;
    const struct cli_optdef defs[] = {{"--db", &db, NULL},
                                      {"--id", &id, NULL}};
    if (cli_parse_opts(argc, argv, 2, defs, 2, "keys revoke") != EXIT_OK)
        return EXIT_BADINPUT;
    if (!db || !id || strlen(id) > 64) {
        cli_err("keys revoke: --db and --id are required");
        return EXIT_BADINPUT;
    }
    struct ej_store *st;
    if (cli_open_store("keys revoke", db, false, &st) != EXIT_OK)
        return EXIT_ENV;
    enum ej_err rc;
    int64_t now = cli_now_ms();
    int status = EXIT_ENV;
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    if (ops->begin(st) != EJ_OK)
        goto out;
    rc = ops->key_revoke(st, id, now);
    if (rc == EJ_NOT_FOUND) {
        ops->rollback(st);
        cli_err("keys revoke: no live key with id '%s'", id);
        status = EXIT_BADINPUT;
        goto out;
    }
    json_t *body = json_pack("{s:s}", "key_id", id);
    char *btext = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    char evid[96];
    snprintf(evid, sizeof evid, "keyrevoke_%s_%lld", id, (long long)now);
    struct ej_event ev = {.id = evid, .type = "key.revoked", .at_ms = now,
                          .recorded_ms = now, .subject = id, .pack_id = "",
                          .pack_version = "", .rules = "[]", .body = btext};
    if (rc == EJ_OK && btext && ej_store_append(st, &ev, 1, NULL) == EJ_OK &&
        ops->commit(st) == EJ_OK) {
        printf("revoked %s\n", id);
        status = EXIT_OK;
    } else {
        ops->rollback(st);
        cli_err("keys revoke: cannot record the revocation");
    }
    free(btext);
out:
    ej_store_close(st);
    return status;
}

static int keys_init(int argc, char **argv)
{
    const char *file = NULL;
    const struct cli_optdef defs[] = {{"--key-file", &file, NULL}};
    if (cli_parse_opts(argc, argv, 2, defs, 1, "keys init") != EXIT_OK)
        return EXIT_BADINPUT;
    if (!file) {
        cli_err("keys init: --key-file FILE is required");
        return EXIT_BADINPUT;
    }
    char id[17];
    enum ej_err rc = vault_init_file(file, id);
    if (rc == EJ_INVALID) {
        cli_err("keys init: %s exists; not overwritten", file);
        return EXIT_BADINPUT;
    }
    if (rc != EJ_OK) {
        cli_err("keys init: cannot write %s", file);
        return EXIT_ENV;
    }
    return cli_json_println(json_pack("{s:s,s:s}", "key_file", file,
                                      "key_id", id))
               ? EXIT_OK
               : EXIT_ENV;
}

int cmd_keys(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *role_s = NULL, *label = "";
    (void)ctx;
    if (argc >= 2 && strcmp(argv[1], "init") == 0)
        return keys_init(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
        return keys_revoke(argc, argv);
    if (argc < 2 || strcmp(argv[1], "create") != 0) {
        fputs(cmd_keys_usage, stderr);
        return EXIT_BADINPUT;
    }
    const struct cli_optdef defs[] = {{"--db", &db, NULL},
                                      {"--role", &role_s, NULL},
                                      {"--label", &label, NULL}};
    if (cli_parse_opts(argc, argv, 2, defs, 3, "keys create") != EXIT_OK)
        return EXIT_BADINPUT;
    enum ej_role role;
    if (!db || !role_s) {
        cli_err("keys create: --db and --role are required");
        return EXIT_BADINPUT;
    }
    if (!ej_role_parse(role_s, &role)) {
        cli_err("keys create: --role '%s': expected platform, moderator, "
                "auditor or admin", role_s);
        return EXIT_BADINPUT;
    }
    if (strlen(label) > 200) {
        cli_err("keys create: --label is longer than 200 bytes");
        return EXIT_BADINPUT;
    }
    if (!jw_utf8_valid(label)) {
        cli_err("keys create: --label is not UTF-8 text");
        return EXIT_BADINPUT;
    }
    struct ej_store *st;
    if (cli_open_store("keys create", db, true, &st) != EXIT_OK)
        return EXIT_ENV;
    enum ej_err rc;
    char key[KEY_TEXT_LEN + 1], id[17];
    unsigned char hash[EJ_HASH_LEN];
    keys_generate(key, id, hash);
    int64_t now = cli_now_ms();
    /* The key and its key.created event commit together: no live key
     * without its record in the audit log. */
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    int status = EXIT_ENV;
    rc = ops->begin(st);
    if (rc == EJ_OK)
        rc = ej_store_key_add(st, id, role, hash, label, now);
    if (rc != EJ_OK) {
        ops->rollback(st);
        cli_err("keys: cannot store the key: %s", ej_strerror(rc));
        goto out;
    }
    /* The creation goes into the audit log; the key itself does not. */
    json_t *body = json_pack("{s:s,s:s,s:s}", "key_id", id, "role",
                             ej_role_name(role), "label", label);
    char *btext = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    char evid[40] = "key_";
    memcpy(evid + 4, id, 17);
    struct ej_event ev = {.id = evid, .type = "key.created", .at_ms = now,
                          .recorded_ms = now, .subject = evid + 4,
                          .pack_id = "", .pack_version = "", .rules = "[]",
                          .body = btext};
    rc = btext ? ej_store_append(st, &ev, 1, NULL) : EJ_NOMEM;
    free(btext);
    if (rc == EJ_OK)
        rc = ops->commit(st);
    if (rc != EJ_OK) {
        ops->rollback(st);
        cli_err("keys: cannot record the creation: %s", ej_strerror(rc));
        goto out;
    }
    if (!cli_json_println(json_pack("{s:s,s:s,s:s,s:s}", "id", id, "role",
                                    ej_role_name(role), "label", label, "key",
                                    key)))
        goto out;
    fprintf(stderr, "ereje: keep this key now: only its hash is stored\n");
    status = EXIT_OK;
out:
    ej_store_close(st);
    return status;
}
