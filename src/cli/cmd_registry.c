/* cmd_registry.c: ereje registry export --db FILE --format csv|json
 *                 [--at T] [--include-identity --key-file KEY] */
#include "cli.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ereje/store.h"
#include "jw.h"
#include "vault.h"

const char cmd_registry_usage[] =
    "usage: ereje registry export --db FILE [--format json|csv] [--at T]\n"
    "           [--include-identity --key-file KEY]\n"
    "\n"
    "The registry of large anonymous accounts for the authorized body:\n"
    "every account above the threshold of the pack's follower_threshold\n"
    "rule at instant T (default now), one JSON object per line or CSV with\n"
    "a header. The fields are the rule's registry_fields, in order; known\n"
    "fields: account, followers, measure, kz_share, case_state, overdue,\n"
    "deadline, opened_at, identity_status, listed_since.\n"
    "\n"
    "  --include-identity  add iin, name, contact and method, decrypted\n"
    "                      with --key-file; each account read is recorded\n"
    "                      in the audit log as an identity.read event\n";

enum field { F_ACCOUNT, F_FOLLOWERS, F_MEASURE, F_KZ_SHARE, F_CASE, F_OVERDUE,
             F_DEADLINE, F_OPENED, F_IDENTITY, F_SINCE, F_N };
static const char *const field_names[F_N] = {
    "account", "followers", "measure", "kz_share", "case_state", "overdue",
    "deadline", "opened_at", "identity_status", "listed_since"};
static const char *const id_fields[] = {"iin", "name", "contact", "method"};

struct export {
    const struct ej_anon_rule *rule;
    int fields[32];
    size_t n_fields;
    bool csv, identity;
    int64_t at_ms;
    int32_t day;
    struct ej_store *st;
    const struct vault *vault;
    char reader[96];
    size_t rows, reads;
    bool failed;
};

/* One CSV cell: quoted when needed; a text that a spreadsheet would run as
 * a formula is prefixed with a quote. */
static void csv_cell(const char *s, bool first)
{
    if (!first)
        putchar(',');
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
    if (quote)
        putchar('"');
    if (formula)
        putchar('\'');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    if (quote)
        putchar('"');
}

static void value_text(const struct export *x, int f, const char *id,
                       const struct ej_account *a, char *buf, size_t cap,
                       bool *is_null)
{
    *is_null = false;
    buf[0] = '\0';
    switch (f) {
    case F_ACCOUNT:
        snprintf(buf, cap, "%s", id);
        break;
    case F_FOLLOWERS:
        snprintf(buf, cap, "%u", a->followers);
        break;
    case F_MEASURE:
        snprintf(buf, cap, "%u", a->measure);
        break;
    case F_KZ_SHARE:
        if (a->kz_share_pm == EJ_KZ_SHARE_UNKNOWN)
            *is_null = true;
        else
            snprintf(buf, cap, "%u.%03u", a->kz_share_pm / 1000,
                     a->kz_share_pm % 1000);
        break;
    case F_CASE:
        snprintf(buf, cap, "%s",
                 ej_case_state_name((enum ej_case_state)a->case_state));
        break;
    case F_OVERDUE:
        snprintf(buf, cap, "%s",
                 ej_anon_overdue(a, x->at_ms) ? "true" : "false");
        break;
    case F_DEADLINE:
    case F_OPENED: {
        int64_t t = f == F_DEADLINE ? a->case_due_ms : a->case_opened_ms;
        char ts[EJ_INSTANT_TEXT_MAX];
        if (t && ej_instant_format(t, 0, ts) == EJ_OK)
            snprintf(buf, cap, "%s", ts);
        else
            *is_null = true;
        break;
    }
    case F_IDENTITY:
        snprintf(buf, cap, "%s",
                 ej_identity_name((enum ej_identity)a->identity));
        break;
    case F_SINCE: {
        struct ej_date d;
        char ds[EJ_DATE_TEXT_MAX];
        if (ej_date_from_days(a->above_since, &d) == EJ_OK) {
            ej_date_format(d, ds);
            snprintf(buf, cap, "%s", ds);
        } else {
            *is_null = true;
        }
        break;
    }
    }
}

/* Decrypt an account's identity data and record the read. */
static json_t *read_identity(struct export *x, const char *id)
{
    struct ej_identity_row row;
    bool found;
    const struct ej_store_ops *ops = ej_store_ops_of(x->st);
    if (ops->identity_get(x->st, id, &row, &found) != EJ_OK || !found)
        return NULL;
    char *plain = NULL;
    size_t len;
    json_t *data = NULL;
    enum ej_err rc = vault_open(x->vault, id, &row, &plain, &len);
    if (rc == EJ_OK) {
        data = json_loadb(plain, len, 0, NULL);
        free(plain);
    } else if (rc == EJ_INVALID) {
        cli_err("registry: identity data of %s does not open with this key "
                "(wrong key, or the data was altered)", id);
        x->failed = true;
        return NULL;
    }
    if (!data)
        data = json_object();
    json_object_set_new(data, "method", json_string(row.method));
    /* The read itself goes into the audit log. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    char evid[96];
    snprintf(evid, sizeof evid, "idread_%lld_%zu_%s", (long long)now,
             x->reads, id);
    struct jw w;
    jw_init(&w, 4096);
    jw_obj(&w);
    jw_kstr(&w, "account", id);
    jw_kstr(&w, "reader", x->reader);
    jw_kstr(&w, "key_id", x->vault->key_id);
    jw_kstrv(&w, "purpose", "registry export");
    jw_end_obj(&w);
    char *body = jw_take(&w, NULL);
    struct ej_event ev = {.id = evid, .type = "identity.read", .at_ms = now,
                          .recorded_ms = now, .subject = id, .pack_id = "",
                          .pack_version = "", .rules = "[]", .body = body};
    if (!body || ej_store_append(x->st, &ev, 1, NULL) != EJ_OK) {
        cli_err("registry: cannot record the identity read; stopping");
        x->failed = true;
        json_decref(data);
        data = NULL;
    }
    free(body);
    x->reads++;
    return data;
}

static int row(const char *id, const struct ej_account *a, void *ctx)
{
    struct export *x = ctx;
    if (!ej_anon_listed(x->rule, a, x->day))
        return 0;
    json_t *ident = x->identity ? read_identity(x, id) : NULL;
    if (x->failed)
        return 1;
    char buf[160];
    bool is_null;
    if (x->csv) {
        for (size_t i = 0; i < x->n_fields; i++) {
            value_text(x, x->fields[i], id, a, buf, sizeof buf, &is_null);
            csv_cell(is_null ? "" : buf, i == 0);
        }
        if (x->identity)
            for (size_t i = 0; i < 4; i++) {
                json_t *v = json_object_get(ident, id_fields[i]);
                csv_cell(json_is_string(v) ? json_string_value(v) : "",
                         false);
            }
        putchar('\n');
    } else {
        json_t *o = json_object();
        for (size_t i = 0; i < x->n_fields; i++) {
            int f = x->fields[i];
            value_text(x, f, id, a, buf, sizeof buf, &is_null);
            json_t *v = is_null ? json_null()
                        : f == F_FOLLOWERS || f == F_MEASURE
                            ? json_integer(f == F_FOLLOWERS ? a->followers
                                                            : a->measure)
                        : f == F_OVERDUE ? json_boolean(strcmp(buf, "true") == 0)
                        : f == F_KZ_SHARE ? json_real(a->kz_share_pm / 1000.0)
                                          : json_string(buf);
            json_object_set_new(o, field_names[f], v);
        }
        if (x->identity)
            for (size_t i = 0; i < 4; i++) {
                json_t *v = json_object_get(ident, id_fields[i]);
                json_object_set(o, id_fields[i], v ? v : json_null());
            }
        cli_json_println(o);
    }
    json_decref(ident);
    x->rows++;
    return 0;
}

int cmd_registry(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *format = "json", *at = NULL, *key_file = NULL;
    bool identity = false;
    if (argc < 2 || strcmp(argv[1], "export") != 0) {
        fputs(cmd_registry_usage, stderr);
        return EXIT_BADINPUT;
    }
    for (int i = 2; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--db", &missing)))
            db = v;
        else if ((v = cli_opt(argc, argv, &i, "--format", &missing)))
            format = v;
        else if ((v = cli_opt(argc, argv, &i, "--at", &missing)))
            at = v;
        else if ((v = cli_opt(argc, argv, &i, "--key-file", &missing)))
            key_file = v;
        else if (strcmp(argv[i], "--include-identity") == 0)
            identity = true;
        else {
            cli_err(missing ? "registry: %s needs a value"
                            : "registry: unexpected '%s' (see --help)",
                    argv[i]);
            return EXIT_BADINPUT;
        }
    }
    struct export x;
    memset(&x, 0, sizeof x);
    if (!db || (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)) {
        cli_err("registry export: --db is required; --format is json or csv");
        return EXIT_BADINPUT;
    }
    x.csv = strcmp(format, "csv") == 0;
    x.identity = identity;
    if (identity && !key_file) {
        cli_err("registry export: --include-identity needs --key-file");
        return EXIT_BADINPUT;
    }
    if (at) {
        enum ej_err rc = ej_instant_parse(at, strlen(at), &x.at_ms, NULL);
        if (rc != EJ_OK) {
            cli_err("registry export: --at '%s': %s [%s]", at,
                    ej_strerror(rc), ej_errname(rc));
            return EXIT_BADINPUT;
        }
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        x.at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    struct vault vault;
    if (identity) {
        const char *why;
        enum ej_err rc = vault_load(key_file, &vault, &why);
        if (rc != EJ_OK) {
            cli_err("registry: key file %s: %s", key_file,
                    why ? why : "cannot be read");
            return rc == EJ_INVALID ? EXIT_BADINPUT : EXIT_ENV;
        }
        x.vault = &vault;
        struct passwd *pw = getpwuid(getuid());
        snprintf(x.reader, sizeof x.reader, "cli:%s",
                 pw ? pw->pw_name : "?");
    }
    struct ej_policy *p;
    int st = cli_load_policy(ctx, NULL, 0, &p);
    if (st != EXIT_OK)
        goto wipe;
    st = EXIT_BADINPUT;
    struct ej_anon_rule rule;
    const struct ej_pack *pack = NULL;
    bool have = false;
    for (size_t i = 0; !have && i < ej_policy_pack_count(p); i++) {
        pack = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(pack); j++)
            if (ej_anon_rule_from(ej_pack_rule(pack, j), pack, &rule) ==
                EJ_OK) {
                have = true;
                break;
            }
    }
    if (!have) {
        cli_err("registry: no follower_threshold rule in the packs");
        goto done;
    }
    x.rule = &rule;
    struct ej_date d;
    ej_tz_local_date(ej_pack_tz(p, pack), x.at_ms, &d);
    x.day = (int32_t)ej_date_to_days(d);
    const struct ej_value *rf = ej_rule_param(rule.rule, "registry_fields");
    for (size_t i = 0; rf && i < rf->u.list.n && x.n_fields < 32; i++) {
        const char *name = rf->u.list.items[i].u.s;
        int f = -1;
        for (int k = 0; k < F_N; k++)
            if (strcmp(field_names[k], name) == 0)
                f = k;
        if (f < 0) {
            cli_err("registry: the pack asks for field '%s', which ereje "
                    "does not know (known: account, followers, measure, "
                    "kz_share, case_state, overdue, deadline, opened_at, "
                    "identity_status, listed_since)", name);
            goto done;
        }
        x.fields[x.n_fields++] = f;
    }
    enum ej_err rc = ej_store_open(ej_store_sqlite(), db, &x.st);
    if (rc != EJ_OK) {
        cli_err("registry: cannot open %s: %s", db, ej_strerror(rc));
        st = EXIT_ENV;
        goto done;
    }
    if (x.csv) {
        for (size_t i = 0; i < x.n_fields; i++)
            csv_cell(field_names[x.fields[i]], i == 0);
        if (identity)
            for (size_t i = 0; i < 4; i++)
                csv_cell(id_fields[i], false);
        putchar('\n');
    }
    rc = ej_store_ops_of(x.st)->accounts_scan(x.st, true, row, &x);
    st = rc == EJ_OK && !x.failed ? EXIT_OK : EXIT_ENV;
    if (rc != EJ_OK)
        cli_err("registry: cannot read %s: %s", db, ej_strerror(rc));
    ej_store_close(x.st);
done:
    ej_policy_free(p);
wipe:
    if (identity)
        vault_wipe(&vault);
    return st;
}
