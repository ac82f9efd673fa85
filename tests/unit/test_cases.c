/* test_cases.c: runs the data-driven case files under tests/cases/.
 *
 *   idnum/ *.tsv     input, valid, kind, error, birth_date, sex,
 *                    registered, entity_type, branch_type ('-' = empty)
 *   deadline/ *.tsv  from, add, calendar, due (UTC or an error code),
 *                    last_day, moved; calendars from the shipped tables
 *                    and deadline/ *.yaml
 *   registration/ *.tsv  policy, service, at, birth_date, iin, assurance,
 *                    enforce_drafts, decision (or an error code), mode,
 *                    advisory, reasons (comma list), age_band; policy is
 *                    "kz" (the shipped packs) or a pack file in that
 *                    folder loaded with the shipped tables only
 *   anon/ *.tsv      scenarios of one account under a follower_threshold
 *                    rule: policy, scenario, at, op, arg, then expected
 *                    change, case_state, listed, overdue, due ('-' = not
 *                    checked); rows of one scenario run in order
 *   pack/ *.yaml     a policy file with '# expect: LINE:COL: text' lines;
 *                    loading it (with the shipped tables) must give exactly
 *                    those diagnostics; '# expect: none' for a valid file.
 * Every row failing is reported with its file and line before the test
 * fails, so one run shows all broken cases.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 12
#define MAX_FILES 64

static int failures;

#define CASE_FAIL(file, line, ...)                             \
    do {                                                       \
        fprintf(stderr, "%s:%d: ", file, line);                \
        fprintf(stderr, __VA_ARGS__);                          \
        fputc('\n', stderr);                                   \
        failures++;                                            \
    } while (0)

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted paths of files in dir ending with suffix; returns the count. */
static size_t list_dir(const char *dir, const char *suffix,
                       char *out[MAX_FILES])
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d)
        fail_msg("cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_FILES) {
        size_t l = strlen(e->d_name), sl = strlen(suffix);
        if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0) {
            size_t sz = strlen(dir) + l + 2;
            out[n] = malloc(sz);
            assert_non_null(out[n]);
            snprintf(out[n], sz, "%s/%s", dir, e->d_name);
            n++;
        }
    }
    closedir(d);
    qsort(out, n, sizeof *out, cmp_str);
    return n;
}

/* Split a TSV line in place. */
static int split(char *line, char *f[MAX_FIELDS])
{
    int n = 0;
    char *s = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < MAX_FIELDS) {
        f[n++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = '\0';
        s = t + 1;
    }
    return n;
}

static bool dash(const char *s) { return strcmp(s, "-") == 0; }

/* Calls fn for every data row of every TSV in dir; returns rows seen. */
static int each_row(const char *dir, int want_fields,
                     void (*fn)(const char *file, int line, char **f,
                                void *ctx),
                     void *ctx)
{
    char *files[MAX_FILES];
    size_t nf = list_dir(dir, ".tsv", files);
    int rows = 0;
    for (size_t i = 0; i < nf; i++) {
        FILE *fp = fopen(files[i], "r");
        char line[1024];
        int ln = 0;
        assert_non_null(fp);
        while (fgets(line, sizeof line, fp)) {
            ln++;
            if (line[0] == '#' || line[0] == '\n' || line[0] == '\0')
                continue;
            char *f[MAX_FIELDS];
            int n = split(line, f);
            if (n != want_fields) {
                CASE_FAIL(files[i], ln, "%d fields, want %d", n, want_fields);
                continue;
            }
            fn(files[i], ln, f, ctx);
            rows++;
        }
        fclose(fp);
        free(files[i]);
    }
    return rows;
}

/* --- idnum ------------------------------------------------------------- */

static void idnum_row(const char *file, int ln, char **f, void *ctx)
{
    (void)ctx;
    struct ej_idnum id;
    enum ej_idnum_kind kind;
    enum ej_err rc = ej_idnum_parse(f[0], strlen(f[0]), &id, &kind);
    bool valid = strcmp(f[1], "1") == 0;
    const char *kn = ej_idnum_kind_name(rc == EJ_OK ? id.kind : kind);
    if ((rc == EJ_OK) != valid)
        CASE_FAIL(file, ln, "%s: valid=%d, want %s (%s)", f[0], rc == EJ_OK,
                  f[1], ej_errname(rc));
    if (strcmp(kn ? kn : "-", f[2]) != 0)
        CASE_FAIL(file, ln, "%s: kind %s, want %s", f[0], kn ? kn : "-",
                  f[2]);
    if (rc != EJ_OK) {
        if (strcmp(ej_errname(rc), f[3]) != 0)
            CASE_FAIL(file, ln, "%s: error %s, want %s", f[0], ej_errname(rc),
                      f[3]);
        return;
    }
    if (!dash(f[3]))
        CASE_FAIL(file, ln, "%s: valid, but the case expects %s", f[0], f[3]);
    char buf[32];
    if (id.kind == EJ_IDNUM_IIN) {
        ej_date_format(id.birth_date, buf);
        if (strcmp(buf, f[4]) != 0)
            CASE_FAIL(file, ln, "%s: birth_date %s, want %s", f[0], buf, f[4]);
        const char *sex = id.sex == EJ_SEX_MALE ? "male" : "female";
        if (strcmp(sex, f[5]) != 0)
            CASE_FAIL(file, ln, "%s: sex %s, want %s", f[0], sex, f[5]);
    } else {
        snprintf(buf, sizeof buf, "%04d-%02d", id.reg_year, id.reg_month);
        if (strcmp(buf, f[6]) != 0)
            CASE_FAIL(file, ln, "%s: registered %s, want %s", f[0], buf, f[6]);
        if (strcmp(ej_bin_entity_name(id.entity), f[7]) != 0)
            CASE_FAIL(file, ln, "%s: entity %s, want %s", f[0],
                      ej_bin_entity_name(id.entity), f[7]);
        if (strcmp(ej_bin_branch_name(id.branch), f[8]) != 0)
            CASE_FAIL(file, ln, "%s: branch %s, want %s", f[0],
                      ej_bin_branch_name(id.branch), f[8]);
    }
}

static void idnum_cases(void **state)
{
    (void)state;
    failures = 0;
    int rows = each_row(EJ_SOURCE_DIR "/tests/cases/idnum", 9, idnum_row,
                        NULL);
    fprintf(stderr, "idnum: %d cases\n", rows);
    assert_true(rows >= 50);
    assert_int_equal(failures, 0);
}

/* --- deadlines ---------------------------------------------------------- */

struct dl_ctx {
    struct ej_policy *p;
    const struct ej_tz *tz;
};

static void deadline_row(const char *file, int ln, char **f, void *vctx)
{
    struct dl_ctx *c = vctx;
    int64_t from;
    struct ej_duration dur;
    struct ej_deadline dl;
    enum ej_err rc = ej_instant_parse(f[0], strlen(f[0]), &from, NULL);
    if (rc != EJ_OK) {
        CASE_FAIL(file, ln, "from '%s': %s", f[0], ej_errname(rc));
        return;
    }
    rc = ej_duration_parse(f[1], strlen(f[1]), &dur);
    if (rc != EJ_OK) {
        CASE_FAIL(file, ln, "add '%s': %s", f[1], ej_errname(rc));
        return;
    }
    const struct ej_calendar *cal = ej_policy_calendar(c->p, f[2]);
    if (!cal) {
        CASE_FAIL(file, ln, "no calendar '%s'", f[2]);
        return;
    }
    rc = ej_deadline_compute(from, dur, c->tz, cal, &dl);
    if (rc != EJ_OK) {
        if (strcmp(ej_errname(rc), f[3]) != 0)
            CASE_FAIL(file, ln, "%s + %s: error %s, want %s", f[0], f[1],
                      ej_errname(rc), f[3]);
        return;
    }
    char due[EJ_INSTANT_TEXT_MAX], last[EJ_DATE_TEXT_MAX] = "-";
    ej_instant_format(dl.due_ms, 0, due);
    if (dl.has_last_day)
        ej_date_format(dl.last_day, last);
    const char *moved = dur.unit == EJ_DUR_DAYS ? (dl.moved ? "1" : "0") : "-";
    if (strcmp(due, f[3]) != 0 || strcmp(last, f[4]) != 0 ||
        strcmp(moved, f[5]) != 0)
        CASE_FAIL(file, ln, "%s + %s: due %s last %s moved %s, want %s %s %s",
                  f[0], f[1], due, last, moved, f[3], f[4], f[5]);
}

static void deadline_cases(void **state)
{
    (void)state;
    char *extra[MAX_FILES];
    size_t n = list_dir(EJ_SOURCE_DIR "/tests/cases/deadline", ".yaml", extra);
    struct dl_ctx c;
    c.p = tu_policy((const char *const *)extra, n);
    c.tz = ej_policy_tz(c.p, "Asia/Almaty");
    failures = 0;
    int rows = each_row(EJ_SOURCE_DIR "/tests/cases/deadline", 6,
                        deadline_row, &c);
    fprintf(stderr, "deadline: %d cases\n", rows);
    assert_true(rows >= 30);
    assert_int_equal(failures, 0);
    for (size_t i = 0; i < n; i++)
        free(extra[i]);
    ej_policy_free(c.p);
}

/* --- registration gate ------------------------------------------------- */

static struct ej_policy *reg_policy(const char *name)
{
    if (strcmp(name, "kz") == 0)
        return tu_policy(NULL, 0);
    char path[512];
    struct ej_policy *p;
    snprintf(path, sizeof path, "%s/tests/cases/registration/%s",
             EJ_SOURCE_DIR, name);
    assert_int_equal(ej_policy_new(&p), EJ_OK);
    const char *files[] = {EJ_SOURCE_DIR "/policies/kz/tables.yaml", path};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *buf = tu_read(files[i], &len);
        ej_policy_add_yaml(p, files[i], buf, len);
        free(buf);
    }
    assert_int_equal(ej_policy_attach_tz(p, tu_zone("Asia/Almaty")), EJ_OK);
    if (ej_policy_resolve(p) != EJ_OK) {
        for (size_t i = 0; i < ej_policy_diag_count(p); i++)
            fprintf(stderr, "%s\n", ej_policy_diag(p, i));
        fail_msg("case pack %s does not load", name);
    }
    return p;
}

static void reg_row(const char *file, int ln, char **f, void *ctx)
{
    (void)ctx;
    struct ej_policy *p = reg_policy(f[0]);
    struct ej_regcheck *g = NULL;
    struct ej_registration in;
    memset(&in, 0, sizeof in);
    ej_policy_enforce_drafts(p, strcmp(f[6], "1") == 0);
    if (ej_regcheck_new(p, &g) != EJ_OK) {
        CASE_FAIL(file, ln, "no gate for policy %s", f[0]);
        goto out;
    }
    if (!ej_service_parse(f[1], strlen(f[1]), &in.service)) {
        CASE_FAIL(file, ln, "bad service %s", f[1]);
        goto out;
    }
    in.at_ms = tu_instant(f[2]);
    if (!dash(f[3])) {
        in.has_birth_date = true;
        in.birth_date = tu_date(f[3]);
    }
    if (!dash(f[4])) {
        in.iin = f[4];
        in.iin_len = strlen(f[4]);
    }
    if (!dash(f[5])) {
        char *c1 = strchr(f[5], ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2 || !ej_assurance_level_parse(c1 + 1, (size_t)(c2 - c1 - 1),
                                             &in.assurance_level)) {
            CASE_FAIL(file, ln, "bad assurance %s", f[5]);
            goto out;
        }
        in.has_assurance = true;
        snprintf(in.assurance_method, sizeof in.assurance_method, "%.*s",
                 (int)(c1 - f[5]), f[5]);
        in.assurance_over = strcmp(c2 + 1, "over") == 0;
    }
    struct ej_reg_decision d;
    enum ej_err rc = ej_regcheck_eval(g, &in, &d);
    if (rc != EJ_OK) {
        if (strcmp(ej_errname(rc), f[7]) != 0)
            CASE_FAIL(file, ln, "error %s, want %s", ej_errname(rc), f[7]);
        goto out;
    }
    char reasons[512] = "";
    size_t o = 0;
    for (size_t i = 0; i < d.n_reasons && o < sizeof reasons; i++) {
        int n = snprintf(reasons + o, sizeof reasons - o, "%s%s",
                         i ? "," : "", ej_reason_code(d.reasons[i].code));
        if (n > 0)
            o += (size_t)n;
    }
    if (!d.n_reasons)
        snprintf(reasons, sizeof reasons, "-");
    const char *adv = d.has_advisory ? ej_decision_name(d.advisory) : "-";
    if (strcmp(ej_decision_name(d.decision), f[7]) != 0 ||
        strcmp(ej_mode_name(d.mode), f[8]) != 0 || strcmp(adv, f[9]) != 0 ||
        strcmp(reasons, f[10]) != 0 || strcmp(d.age_band, f[11]) != 0)
        CASE_FAIL(file, ln,
                  "got %s %s %s %s %s, want %s %s %s %s %s",
                  ej_decision_name(d.decision), ej_mode_name(d.mode), adv,
                  reasons, d.age_band, f[7], f[8], f[9], f[10], f[11]);
out:
    ej_regcheck_free(g);
    ej_policy_free(p);
}

static void registration_cases(void **state)
{
    (void)state;
    failures = 0;
    int rows = each_row(EJ_SOURCE_DIR "/tests/cases/registration", 12,
                        reg_row, NULL);
    fprintf(stderr, "registration: %d cases\n", rows);
    assert_true(rows >= 40);
    assert_int_equal(failures, 0);
}

/* --- anonymous accounts -------------------------------------------------- */

#define ANON_DAYS 400

struct anon_ctx {
    char scenario[128];
    char policy[128];
    struct ej_policy *p;
    struct ej_anon_rule rule;
    const struct ej_tz *tz;
    const struct ej_calendar *cal;
    struct ej_account acc;
    int32_t first_day;
    uint32_t daily[ANON_DAYS]; /* last count of each day, by day offset */
    bool has[ANON_DAYS];
};

static void anon_reset(struct anon_ctx *c, const char *policy,
                       const char *scenario)
{
    if (!c->p || strcmp(c->policy, policy) != 0) {
        ej_policy_free(c->p);
        if (strcmp(policy, "kz") == 0) {
            c->p = tu_policy(NULL, 0);
        } else {
            char path[512];
            snprintf(path, sizeof path, "%s/tests/cases/anon/%s",
                     EJ_SOURCE_DIR, policy);
            const char *extra[] = {path};
            c->p = tu_policy(extra, 1);
        }
        snprintf(c->policy, sizeof c->policy, "%s", policy);
        const struct ej_rule *r = NULL;
        const struct ej_pack *k = NULL;
        for (size_t i = 0; !r && i < ej_policy_pack_count(c->p); i++) {
            const struct ej_pack *pk = ej_policy_pack(c->p, i);
            for (size_t j = 0; j < ej_pack_rule_count(pk); j++)
                if (strcmp(ej_rule_kind(ej_pack_rule(pk, j)),
                           "follower_threshold") == 0 &&
                    (strcmp(policy, "kz") == 0 ||
                     strcmp(ej_pack_id(pk), "kz.draft-2025") != 0)) {
                    r = ej_pack_rule(pk, j);
                    k = pk;
                    break;
                }
        }
        assert_non_null(r);
        assert_int_equal(ej_anon_rule_from(r, k, &c->rule), EJ_OK);
        c->tz = ej_pack_tz(c->p, k);
        c->cal = ej_pack_calendar(k);
    }
    snprintf(c->scenario, sizeof c->scenario, "%s", scenario);
    ej_account_init(&c->acc);
    c->first_day = INT32_MIN;
    memset(c->has, 0, sizeof c->has);
}

static int32_t local_day(const struct anon_ctx *c, int64_t ms)
{
    struct ej_date d;
    assert_int_equal(ej_tz_local_date(c->tz, ms, &d), EJ_OK);
    return (int32_t)ej_date_to_days(d);
}

static void anon_row(const char *file, int ln, char **f, void *vctx)
{
    struct anon_ctx *c = vctx;
    if (!c->p || strcmp(c->policy, f[0]) != 0 ||
        strcmp(c->scenario, f[1]) != 0)
        anon_reset(c, f[0], f[1]);
    int64_t at = tu_instant(f[2]);
    int32_t day = local_day(c, at);
    enum ej_anon_change ch = EJ_ANON_NO_CHANGE;
    enum ej_err rc = EJ_OK;
    const char *op = f[3], *arg = f[4];

    if (strcmp(op, "followers") == 0) {
        unsigned long n = strtoul(arg, NULL, 10);
        uint16_t share = EJ_KZ_SHARE_UNKNOWN;
        const char *at_sign = strchr(arg, '@');
        if (at_sign)
            share = (uint16_t)strtoul(at_sign + 1, NULL, 10);
        if (c->first_day == INT32_MIN)
            c->first_day = day;
        int32_t off = day - c->first_day;
        if (off < 0 || off >= ANON_DAYS) {
            CASE_FAIL(file, ln, "day out of the scenario's range");
            return;
        }
        c->daily[off] = (uint32_t)n;
        c->has[off] = true;
        /* The window: the last window_days days that have a count. */
        uint32_t win[ANON_DAYS];
        size_t nw = 0;
        for (int32_t d = off - c->rule.window_days + 1; d <= off; d++)
            if (d >= 0 && c->has[d])
                win[nw++] = c->daily[d];
        uint32_t m = ej_anon_measure(&c->rule, win, nw);
        rc = ej_anon_observe(&c->rule, &c->acc, m, share, at, day, c->tz,
                             c->cal, &ch);
    } else if (strcmp(op, "identity") == 0) {
        enum ej_identity st;
        if (!ej_identity_parse(arg, strlen(arg), &st)) {
            CASE_FAIL(file, ln, "bad identity status %s", arg);
            return;
        }
        rc = ej_anon_identity(&c->rule, &c->acc, st, at, c->tz, c->cal, &ch);
    } else if (strcmp(op, "notified") == 0) {
        rc = ej_anon_notified(&c->acc);
    } else if (strcmp(op, "closed") == 0) {
        ej_anon_closed(&c->acc, &ch);
    } else if (strcmp(op, "check") != 0) {
        CASE_FAIL(file, ln, "unknown op %s", op);
        return;
    }
    if (rc != EJ_OK) {
        if (strcmp(f[5], ej_errname(rc)) != 0)
            CASE_FAIL(file, ln, "%s %s: error %s, want %s", op, arg,
                      ej_errname(rc), f[5]);
        return;
    }
    static const char *const chn[] = {"none", "entered", "left"};
    if (!dash(f[5]) && strcmp(chn[ch], f[5]) != 0)
        CASE_FAIL(file, ln, "%s: change %s, want %s", c->scenario, chn[ch],
                  f[5]);
    if (!dash(f[6]) &&
        strcmp(ej_case_state_name((enum ej_case_state)c->acc.case_state),
               f[6]) != 0)
        CASE_FAIL(file, ln, "%s: case %s, want %s", c->scenario,
                  ej_case_state_name((enum ej_case_state)c->acc.case_state),
                  f[6]);
    if (!dash(f[7]) &&
        ej_anon_listed(&c->rule, &c->acc, day) != (strcmp(f[7], "1") == 0))
        CASE_FAIL(file, ln, "%s: listed %d, want %s", c->scenario,
                  ej_anon_listed(&c->rule, &c->acc, day), f[7]);
    if (!dash(f[8]) &&
        ej_anon_overdue(&c->acc, at) != (strcmp(f[8], "1") == 0))
        CASE_FAIL(file, ln, "%s: overdue %d, want %s", c->scenario,
                  ej_anon_overdue(&c->acc, at), f[8]);
    if (!dash(f[9])) {
        char due[EJ_INSTANT_TEXT_MAX] = "none";
        if (c->acc.case_due_ms)
            ej_instant_format(c->acc.case_due_ms, 0, due);
        if (strcmp(due, f[9]) != 0)
            CASE_FAIL(file, ln, "%s: due %s, want %s", c->scenario, due,
                      f[9]);
    }
}

static void anon_cases(void **state)
{
    (void)state;
    struct anon_ctx c;
    memset(&c, 0, sizeof c);
    failures = 0;
    int rows = each_row(EJ_SOURCE_DIR "/tests/cases/anon", 10, anon_row, &c);
    ej_policy_free(c.p);
    fprintf(stderr, "anon: %d cases\n", rows);
    assert_true(rows >= 30);
    assert_int_equal(failures, 0);
}

/* --- pack validation ---------------------------------------------------- */

static void pack_case(const char *path)
{
    size_t len;
    char *buf = tu_read(path, &len);
    char *tables = tu_read(EJ_SOURCE_DIR "/policies/kz/tables.yaml", NULL);
    struct ej_policy *p;
    assert_int_equal(ej_policy_new(&p), EJ_OK);
    assert_int_equal(ej_policy_add_yaml(p, "tables.yaml", tables,
                                        strlen(tables)),
                     EJ_OK);
    ej_policy_add_yaml(p, "case.yaml", buf, len);
    ej_policy_resolve(p);

    size_t expected = 0;
    bool none = false;
    int ln = 0;
    for (char *s = buf; *s;) {
        char *nl = strchr(s, '\n');
        size_t l = nl ? (size_t)(nl - s) : strlen(s);
        ln++;
        static const char tag[] = "# expect: ";
        if (l > sizeof tag - 1 && strncmp(s, tag, sizeof tag - 1) == 0) {
            char want[512];
            size_t wl = l - (sizeof tag - 1);
            if (wl >= sizeof want)
                wl = sizeof want - 1;
            memcpy(want, s + sizeof tag - 1, wl);
            want[wl] = '\0';
            if (strcmp(want, "none") == 0) {
                none = true;
            } else {
                /* "LINE:COL: text": match the position exactly and the text
                 * as a substring. */
                char *colon2 = strstr(want, ": ");
                bool found = false;
                if (colon2) {
                    *colon2 = '\0';
                    char pos[600];
                    snprintf(pos, sizeof pos, "case.yaml:%s: ", want);
                    for (size_t i = 0; i < ej_policy_diag_count(p); i++) {
                        const char *d = ej_policy_diag(p, i);
                        if (strncmp(d, pos, strlen(pos)) == 0 &&
                            strstr(d + strlen(pos), colon2 + 2))
                            found = true;
                    }
                }
                if (!found)
                    CASE_FAIL(path, ln, "no diagnostic '%s: %s'", want,
                              colon2 ? colon2 + 2 : "");
                expected++;
            }
        }
        s = nl ? nl + 1 : s + l;
    }
    if (!none && expected == 0)
        CASE_FAIL(path, 1, "case has no '# expect:' line");
    if (ej_policy_diag_count(p) != expected) {
        CASE_FAIL(path, 1, "%zu diagnostics, %zu expected:",
                  ej_policy_diag_count(p), expected);
        for (size_t i = 0; i < ej_policy_diag_count(p); i++)
            fprintf(stderr, "    %s\n", ej_policy_diag(p, i));
    }
    ej_policy_free(p);
    free(buf);
    free(tables);
}

static void pack_cases(void **state)
{
    (void)state;
    char *files[MAX_FILES];
    size_t n = list_dir(EJ_SOURCE_DIR "/tests/cases/pack", ".yaml", files);
    failures = 0;
    for (size_t i = 0; i < n; i++) {
        pack_case(files[i]);
        free(files[i]);
    }
    fprintf(stderr, "pack: %zu cases\n", n);
    assert_true(n >= 8);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idnum_cases),
        cmocka_unit_test(deadline_cases),
        cmocka_unit_test(registration_cases),
        cmocka_unit_test(anon_cases),
        cmocka_unit_test(pack_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
