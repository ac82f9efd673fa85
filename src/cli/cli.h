/* cli.h: shared pieces of the ereje command-line tool. */
#ifndef EJ_CLI_H
#define EJ_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "ereje/ereje.h"

/* Exit statuses, the same for every subcommand (see `ereje --help`). */
enum {
    EXIT_OK = 0,
    EXIT_FINDING = 1, /* the command ran and found what it reports */
    EXIT_BADINPUT = 2, /* usage, or malformed input: pack, number, date */
    EXIT_ENV = 3,      /* environment: a file unreadable, out of memory */
};

#define CLI_MAX_POLICY_FILES 64

/* Options every subcommand accepts, anywhere on the line. */
struct cli_ctx {
    const char *policy_dir;   /* --policy-dir, $EREJE_POLICY_DIR, built-in */
    const char *policy_files[CLI_MAX_POLICY_FILES]; /* --policy-file */
    size_t n_policy_files;
    bool enforce_drafts;      /* --enforce-drafts */
    const char *tzdir;        /* $TZDIR or /usr/share/zoneinfo */
};

struct cli_cmd {
    const char *name;
    int (*run)(struct cli_ctx *ctx, int argc, char **argv);
    const char *summary;
    const char *usage; /* full help text of the subcommand */
};

/* The subcommand table (main.c) and the handlers. */
int cmd_policy(struct cli_ctx *ctx, int argc, char **argv);
int cmd_idnum(struct cli_ctx *ctx, int argc, char **argv);
int cmd_deadline(struct cli_ctx *ctx, int argc, char **argv);
int cmd_check(struct cli_ctx *ctx, int argc, char **argv);
int cmd_keys(struct cli_ctx *ctx, int argc, char **argv);
int cmd_audit(struct cli_ctx *ctx, int argc, char **argv);
int cmd_serve(struct cli_ctx *ctx, int argc, char **argv);
int cmd_ingest(struct cli_ctx *ctx, int argc, char **argv);
int cmd_registry(struct cli_ctx *ctx, int argc, char **argv);
int cmd_report(struct cli_ctx *ctx, int argc, char **argv);
int cmd_cases(struct cli_ctx *ctx, int argc, char **argv);
int cmd_demo(struct cli_ctx *ctx, int argc, char **argv);
int cmd_identity(struct cli_ctx *ctx, int argc, char **argv);
int cmd_order(struct cli_ctx *ctx, int argc, char **argv);
int cmd_fingerprint(struct cli_ctx *ctx, int argc, char **argv);
int cmd_classify(struct cli_ctx *ctx, int argc, char **argv);
int cmd_label(struct cli_ctx *ctx, int argc, char **argv);
int cmd_author(struct cli_ctx *ctx, int argc, char **argv);
int cmd_audit_content(struct cli_ctx *ctx, int argc, char **argv);
int cmd_export(struct cli_ctx *ctx, int argc, char **argv);
int cmd_webhook(struct cli_ctx *ctx, int argc, char **argv);
extern const char cmd_policy_usage[];
extern const char cmd_idnum_usage[];
extern const char cmd_deadline_usage[];
extern const char cmd_check_usage[];
extern const char cmd_keys_usage[];
extern const char cmd_audit_usage[];
extern const char cmd_serve_usage[];
extern const char cmd_ingest_usage[];
extern const char cmd_registry_usage[];
extern const char cmd_report_usage[];
extern const char cmd_cases_usage[];
extern const char cmd_demo_usage[];
extern const char cmd_identity_usage[];
extern const char cmd_order_usage[];
extern const char cmd_fingerprint_usage[];
extern const char cmd_classify_usage[];
extern const char cmd_label_usage[];
extern const char cmd_author_usage[];
extern const char cmd_audit_content_usage[];
extern const char cmd_export_usage[];
extern const char cmd_webhook_usage[];

/* Print "ereje: " and the message to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file (path "-" is stdin) of at most max bytes into a new
 * NUL-terminated buffer the caller frees. EJ_IO (errno kept), EJ_TOO_BIG. */
enum ej_err cli_read_file(const char *path, size_t max, char **out,
                          size_t *out_len);

/* Load the policy: the --policy-file files, else every *.yaml under the
 * policy directory, attach the zones the packs name from tzdata, resolve,
 * and apply --enforce-drafts. extra_files are added (policy check FILE...),
 * in which case the directory only supplies the tables they reference.
 * Diagnostics go to stderr. Returns an exit status; *out only on EXIT_OK. */
int cli_load_policy(const struct cli_ctx *ctx, char **extra_files,
                    size_t n_extra, struct ej_policy **out);

struct ej_store;

/* Open the SQLite store at db for cmd. A command that reads or acts on
 * what is recorded passes create false: a missing or empty file is then an
 * error, not a new empty database that answers "nothing found" to a
 * mistyped path. Commands that record something new (keys create, ingest,
 * order add, author add) pass true. Returns EXIT_OK or EXIT_ENV (message
 * printed); *out, owned by the caller (ej_store_close), only on EXIT_OK. */
int cli_open_store(const char *cmd, const char *db, bool create,
                   struct ej_store **out);

/* Load a zone from tzdata. EJ_TZ_UNKNOWN when the file does not exist. */
enum ej_err cli_load_tz(const struct cli_ctx *ctx, const char *name,
                        struct ej_tz **out);

/* The pack a command works under: by id, or the first in-force pack, or
 * the first pack. NULL with a message on stderr when there is none. */
const struct ej_pack *cli_pick_pack(const struct ej_policy *p, const char *id);

/* JSON output: write v compactly plus a newline to stdout and release it.
 * Returns false on an output error. */
bool cli_json_println(json_t *v);
/* A JSON string from arbitrary bytes: invalid UTF-8 bytes become U+FFFD. */
json_t *cli_json_bytes(const char *s, size_t len);
/* An instant as text at an offset, or JSON null when out of range. */
json_t *cli_json_instant(int64_t ms, int offset_s);
json_t *cli_json_date(struct ej_date d);

/* Wall-clock time in ms (the CLI's; the core never reads a clock). */
int64_t cli_now_ms(void);

/* One option of a subcommand: a value option sets *value, a flag sets
 * *flag. */
struct cli_optdef {
    const char *name;
    const char **value;
    bool *flag;
};

/* Parse argv[start..argc) against defs; any other argument is an error
 * naming cmd. Returns EXIT_OK or EXIT_BADINPUT (message printed). */
int cli_parse_opts(int argc, char **argv, int start,
                   const struct cli_optdef *defs, size_t n, const char *cmd);

/* Parse "--name value" and "--name=value". Returns the value when argv[*i]
 * is that option (advancing *i past a separate value), else NULL. Sets
 * *missing when the option is there without a value. */
const char *cli_opt(int argc, char **argv, int *i, const char *name,
                    bool *missing);

#endif
