/* cmd_idnum.c: ereje idnum check NUMBER... | - */
#include "cli.h"

#include <string.h>

const char cmd_idnum_usage[] =
    "usage: ereje idnum check NUMBER...\n"
    "       ereje idnum check -        (one number per line on stdin)\n"
    "\n"
    "Validate Kazakhstan IIN and BIN numbers and print one JSON object per\n"
    "input: input, valid, kind (\"iin\", \"bin\" or null), error (a stable\n"
    "code) and message (its text), only when invalid; for an IIN birth_date (YYYY-MM-DD) and sex\n"
    "(male|female); for a BIN registered (YYYY-MM), entity_type\n"
    "(resident|non_resident|joint_entrepreneur) and branch_type\n"
    "(head|branch|representative|peasant_farm). Surrounding spaces are\n"
    "ignored; blank stdin lines are skipped.\n"
    "\n"
    "Error codes: IDNUM_LENGTH, IDNUM_NOT_DIGITS, IDNUM_CENTURY, IDNUM_DATE,\n"
    "IDNUM_BIN_ENTITY, IDNUM_BIN_BRANCH, IDNUM_CHECK_UNDEFINED,\n"
    "IDNUM_CHECKSUM.\n"
    "\n"
    "Exit status: 0 when every input is valid, 2 when any is not.\n";

#define MAX_LINE 4096

/* Print the JSON line for one input; returns false for an invalid one. */
static bool check_one(const char *s, size_t len, bool *io_ok)
{
    struct ej_idnum id;
    enum ej_idnum_kind kind;
    enum ej_err rc = ej_idnum_parse(s, len, &id, &kind);
    const char *kn = ej_idnum_kind_name(rc == EJ_OK ? id.kind : kind);
    json_t *o = json_object();
    json_object_set_new(o, "input", cli_json_bytes(s, len));
    json_object_set_new(o, "valid", json_boolean(rc == EJ_OK));
    json_object_set_new(o, "kind", kn ? json_string(kn) : json_null());
    if (rc != EJ_OK) {
        json_object_set_new(o, "error", json_string(ej_errname(rc)));
        json_object_set_new(o, "message", json_string(ej_strerror(rc)));
    } else if (id.kind == EJ_IDNUM_IIN) {
        json_object_set_new(o, "birth_date", cli_json_date(id.birth_date));
        json_object_set_new(o, "sex", json_string(id.sex == EJ_SEX_MALE
                                                      ? "male"
                                                      : "female"));
    } else {
        char reg[8] = {(char)('0' + id.reg_year / 1000),
                       (char)('0' + id.reg_year / 100 % 10),
                       (char)('0' + id.reg_year / 10 % 10),
                       (char)('0' + id.reg_year % 10), '-',
                       (char)('0' + id.reg_month / 10),
                       (char)('0' + id.reg_month % 10), '\0'};
        json_object_set_new(o, "registered", json_string(reg));
        json_object_set_new(o, "entity_type",
                            json_string(ej_bin_entity_name(id.entity)));
        json_object_set_new(o, "branch_type",
                            json_string(ej_bin_branch_name(id.branch)));
    }
    if (!cli_json_println(o))
        *io_ok = false;
    return rc == EJ_OK;
}

static void trim(const char **s, size_t *len)
{
    while (*len && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
                    (*s)[*len - 1] == '\r' || (*s)[*len - 1] == '\n'))
        (*len)--;
}

int cmd_idnum(struct cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    bool all_valid = true, io_ok = true;
    if (argc < 3 || strcmp(argv[1], "check") != 0) {
        fputs(cmd_idnum_usage, stderr);
        return EXIT_BADINPUT;
    }
    if (argc == 3 && strcmp(argv[2], "-") == 0) {
        char line[MAX_LINE + 2];
        while (fgets(line, sizeof line, stdin)) {
            size_t len = strlen(line);
            if (len == sizeof line - 1 && line[len - 1] != '\n') {
                /* An over-long line: report it and skip its rest. */
                int c;
                while ((c = getchar()) != EOF && c != '\n')
                    ;
                json_t *o = json_pack("{s:o,s:b,s:n,s:s,s:s}", "input",
                                      cli_json_bytes(line, 32), "valid", 0,
                                      "kind", "error", "IDNUM_LENGTH",
                                      "message", "line too long");
                io_ok &= cli_json_println(o);
                all_valid = false;
                continue;
            }
            const char *s = line;
            trim(&s, &len);
            if (len == 0)
                continue;
            all_valid &= check_one(s, len, &io_ok);
        }
        if (ferror(stdin)) {
            cli_err("idnum: error reading standard input");
            return EXIT_ENV;
        }
    } else {
        for (int i = 2; i < argc; i++) {
            const char *s = argv[i];
            size_t len = strlen(s);
            trim(&s, &len);
            all_valid &= check_one(s, len, &io_ok);
        }
    }
    if (!io_ok)
        return EXIT_ENV;
    return all_valid ? EXIT_OK : EXIT_BADINPUT;
}
