/* cmd_audit.c: ereje audit verify|export --db FILE */
#include "cli.h"

#include <errno.h>

#include <string.h>

#include "ereje/store.h"

const char cmd_audit_usage[] =
    "usage: ereje audit verify --db FILE\n"
    "       ereje audit export --db FILE [--from-seq N]\n"
    "       ereje audit content [OPTIONS] FILE.jsonl (see: ereje audit "
    "content --help)\n"
    "\n"
    "verify  Walk the hash chain of the event log: every event's hash must\n"
    "        match its contents and link to the previous event, sequence\n"
    "        numbers must have no gaps, and the last event must match the\n"
    "        chain head. Exit 0 with the head hash when intact; exit 1\n"
    "        naming the first bad event when any event was edited,\n"
    "        deleted, inserted or reordered.\n"
    "export  Write the log as JSON lines, oldest first: seq, id, type, at,\n"
    "        recorded_at, subject, pack_id, pack_version, rules, body,\n"
    "        prev_hash, hash (hex).\n";

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static json_t *json_or_text(const char *s)
{
    json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
    return v ? v : cli_json_bytes(s, strlen(s));
}

static int export_one(const struct ej_event *ev, void *ctx)
{
    bool *ok = ctx;
    char ph[EJ_HASH_LEN * 2 + 1], h[EJ_HASH_LEN * 2 + 1];
    hex(ev->prev_hash, EJ_HASH_LEN, ph);
    hex(ev->hash, EJ_HASH_LEN, h);
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer((json_int_t)ev->seq));
    json_object_set_new(o, "id", cli_json_bytes(ev->id, strlen(ev->id)));
    json_object_set_new(o, "type", cli_json_bytes(ev->type, strlen(ev->type)));
    json_object_set_new(o, "at", cli_json_instant(ev->at_ms, 0));
    json_object_set_new(o, "recorded_at", cli_json_instant(ev->recorded_ms, 0));
    json_object_set_new(o, "subject",
                        cli_json_bytes(ev->subject, strlen(ev->subject)));
    json_object_set_new(o, "pack_id",
                        cli_json_bytes(ev->pack_id, strlen(ev->pack_id)));
    json_object_set_new(o, "pack_version", cli_json_bytes(
                                               ev->pack_version,
                                               strlen(ev->pack_version)));
    json_object_set_new(o, "rules", json_or_text(ev->rules));
    json_object_set_new(o, "body", json_or_text(ev->body));
    json_object_set_new(o, "prev_hash", json_string(ph));
    json_object_set_new(o, "hash", json_string(h));
    if (!cli_json_println(o)) {
        *ok = false;
        return 1;
    }
    return 0;
}

int cmd_audit(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL;
    unsigned long long from = 1;
    if (argc >= 2 && strcmp(argv[1], "content") == 0)
        return cmd_audit_content(ctx, argc, argv);
    if (argc < 2 || (strcmp(argv[1], "verify") != 0 &&
                     strcmp(argv[1], "export") != 0)) {
        fputs(cmd_audit_usage, stderr);
        return EXIT_BADINPUT;
    }
    bool verify = strcmp(argv[1], "verify") == 0;
    for (int i = 2; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--db", &missing)))
            db = v;
        else if (!verify &&
                 (v = cli_opt(argc, argv, &i, "--from-seq", &missing))) {
            char *end;
            errno = 0;
            from = strtoull(v, &end, 10);
            /* strtoull takes "-5" (it wraps) and leading blanks. */
            if (*v < '0' || *v > '9' || *end || errno || from < 1) {
                cli_err("audit export: --from-seq '%s': expected a number "
                        ">= 1", v);
                return EXIT_BADINPUT;
            }
        } else {
            cli_err(missing ? "audit: %s needs a value"
                            : "audit: unexpected '%s' (see --help)",
                    argv[i]);
            return EXIT_BADINPUT;
        }
    }
    if (!db) {
        cli_err("audit: --db FILE is required");
        return EXIT_BADINPUT;
    }
    struct ej_store *st;
    if (cli_open_store("audit", db, false, &st) != EXIT_OK)
        return EXIT_ENV;
    enum ej_err rc;
    int status = EXIT_ENV;
    if (verify) {
        struct ej_verify_result r;
        rc = ej_store_verify(st, &r);
        if (rc != EJ_OK) {
            cli_err("audit verify: cannot read the log: %s", ej_strerror(rc));
        } else if (r.ok) {
            char h[EJ_HASH_LEN * 2 + 1];
            hex(r.head, EJ_HASH_LEN, h);
            printf("ok: %llu events, chain head %s\n",
                   (unsigned long long)r.events, h);
            status = EXIT_OK;
        } else {
            printf("TAMPERED: event seq %llu%s%s%s: %s (%llu events before "
                   "it are intact)\n",
                   (unsigned long long)r.bad_seq, r.bad_id[0] ? " (id " : "",
                   r.bad_id, r.bad_id[0] ? ")" : "", r.problem,
                   (unsigned long long)r.events);
            status = EXIT_FINDING;
        }
    } else {
        bool ok = true;
        rc = ej_store_scan(st, from, export_one, &ok);
        status = rc == EJ_OK && ok ? EXIT_OK : EXIT_ENV;
        if (rc != EJ_OK)
            cli_err("audit export: cannot read the log: %s", ej_strerror(rc));
    }
    ej_store_close(st);
    return status;
}
