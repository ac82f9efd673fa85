/* cmd_content.c: content labelling from the command line:
 *   ereje classify [FILE|-]          classification per JSON line
 *   ereje label [--db FILE] [FILE|-] classification and label decision
 *   ereje author add|list            authors' qualifications
 *   ereje audit content FILE.jsonl   batch audit of a content export
 *                                    (dispatched from cmd_audit.c)
 * All read JSON lines {"id","text",...}; a bad line is reported (on
 * stdout in the output stream, and on stderr) and never stops a batch. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authors.h"
#include "contentjson.h"
#include "reupload.h"

#define LINE_MAX_BYTES (4u * 1024u * 1024u)

const char cmd_classify_usage[] =
    "usage: ereje classify [--model FILE] [--max-text BYTES] [FILE|-]\n"
    "\n"
    "Classify posts, one JSON object per line {\"id\": ..., \"text\": ...}\n"
    "(stdin when no file). Writes one JSON line per input line:\n"
    "  id, lang (kk|ru|en), mixed ([main, second] or null), labels (a\n"
    "  list of occult / educational), occult {score, practice},\n"
    "  educational {score, field}, disclaimer_present.\n"
    "A line that is not valid (not JSON, invalid UTF-8, no text, a text\n"
    "over --max-text, default 65536 bytes, at most 1 MiB) gives\n"
    "  {\"id\": ..., \"line\": N, \"error\": {\"code\", \"message\"}}\n"
    "and the batch goes on. The model is models/content.model (make\n"
    "train), or --model, or $EREJE_MODEL.\n"
    "Exit status: 0 every line classified, 1 some lines were errors,\n"
    "2 bad usage, 3 the model or the input could not be read.\n";

const char cmd_label_usage[] =
    "usage: ereje label [--db FILE] [--model FILE] [--at ISO8601]\n"
    "                   [--max-text BYTES] [FILE|-]\n"
    "\n"
    "Classify posts and decide their labels under the packs' occult and\n"
    "educational rules (draft: shadow unless --enforce-drafts). Input lines\n"
    "are {\"id\", \"text\", \"author\"?, \"at\"?, \"qualifications\"?,\n"
    "\"media_sha256\"?, \"media_pdq\"?} (64 hex digits each: the SHA-256 of\n"
    "the post's media bytes, an image's PDQ hash; see ereje fingerprint); the\n"
    "author's qualifications come from the line, else from --db (ereje\n"
    "author add). Output lines add to classify's fields:\n"
    "  decision (allow | label | hold | block_kz), advisory (what enforcing\n"
    "  every rule gives), reupload (with --db: the order under which the\n"
    "  same or nearly the same text or media were removed, then\n"
    "  block_kz, with match, by and distance),\n"
    "  label_lang, rules [{rule, kind, mode, decision, reason,\n"
    "  qualification}], label_texts [{kind, rule, mode, text}],\n"
    "  labelled_text\n"
    "  (the text with the labels that take effect; null when held).\n"
    "--at is the publication time when a line has no \"at\" (default now).\n"
    "Exit status as classify.\n";

const char cmd_author_usage[] =
    "usage: ereje author add --db FILE --id AUTHOR --type TYPE --number N\n"
    "                        --issuer ISSUER --fields F1,F2\n"
    "                        [--valid-until YYYY-MM-DD] [--status S]\n"
    "       ereje author list --db FILE --id AUTHOR\n"
    "\n"
    "Record an author's qualification for educational content: TYPE is\n"
    "diploma, certificate or license; fields are medicine, psychology,\n"
    "nutrition, fitness, finance, law, it, languages, school, parenting,\n"
    "beauty, other; status is pending (default), verified or rejected.\n"
    "Only a verified qualification valid on the publication date labels a\n"
    "post. Each change is an author.qualification event in the audit log.\n"
    "list prints the author's qualifications as JSON lines.\n";

struct run {
    struct ej_classifier *cls;
    struct ej_content_scratch *scr;
    struct ej_labeler *lab;
    struct ej_store *st;
    struct reupload *reup; /* with --db: the re-upload bank */
    size_t max_text;
    int64_t default_at;
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_model(const char *opt, size_t max_text, struct run *r)
{
    char msg[512];
    enum ej_err rc = cj_model_load(cj_model_path(opt), &r->cls, msg,
                                   sizeof msg);
    if (rc != EJ_OK) {
        cli_err("%s", msg);
        return rc == EJ_MODEL_INVALID ? EXIT_BADINPUT : EXIT_ENV;
    }
    if (ej_content_scratch_new(r->cls, max_text, &r->scr) != EJ_OK) {
        cli_err("out of memory");
        return EXIT_ENV;
    }
    r->max_text = max_text;
    return EXIT_OK;
}

static void run_free(struct run *r)
{
    ej_content_scratch_free(r->scr);
    ej_classifier_free(r->cls);
    ej_labeler_free(r->lab);
    reupload_free(r->reup);
    if (r->st)
        ej_store_close(r->st);
}

static bool parse_max(const char *v, size_t *out)
{
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (*end || n < 1 || n > EJ_CONTENT_TEXT_MAX)
        return false;
    *out = n;
    return true;
}

/* An error line in the output stream, and on stderr. */
static void line_error(size_t lineno, const json_t *id, const char *code,
                       const char *msg)
{
    fprintf(stderr, "line %zu: %s: %s\n", lineno, code, msg);
    struct jw w;
    jw_init(&w, 4096);
    jw_obj(&w);
    jw_key(&w, "id");
    if (json_is_string(id))
        jw_strn(&w, json_string_value(id), json_string_length(id));
    else
        jw_null(&w);
    jw_kint(&w, "line", (int64_t)lineno);
    jw_key(&w, "error");
    jw_obj(&w);
    jw_kstr(&w, "code", code);
    jw_kstr(&w, "message", msg);
    jw_end_obj(&w);
    jw_end_obj(&w);
    jw_end_line(&w);
    size_t len;
    char *s = jw_take(&w, &len);
    if (s)
        fwrite(s, 1, len, stdout);
    free(s);
}

/* One input post. */
struct post {
    const json_t *id;
    const char *text;
    size_t len;
    const char *author;
    int64_t at_ms;
    const json_t *quals;
    struct cj_media media;
};

/* Read the common members; false with code and message on a bad line. */
static bool read_post(const json_t *o, const struct run *r, struct post *p,
                      const char **code, char *msg, size_t cap)
{
    memset(p, 0, sizeof *p);
    if (!json_is_object(o)) {
        *code = "FIELD_TYPE";
        snprintf(msg, cap, "a line is one JSON object");
        return false;
    }
    p->id = json_object_get(o, "id");
    if (p->id && !json_is_string(p->id)) {
        *code = "FIELD_TYPE";
        snprintf(msg, cap, "id must be a string");
        return false;
    }
    if (p->id && json_string_length(p->id) > CJ_ID_MAX) {
        *code = "TOO_BIG";
        snprintf(msg, cap, "id is longer than %u bytes", CJ_ID_MAX);
        return false;
    }
    const json_t *t = json_object_get(o, "text");
    if (!json_is_string(t)) {
        *code = t ? "FIELD_TYPE" : "FIELD_MISSING";
        snprintf(msg, cap, "text must be a string");
        return false;
    }
    p->text = json_string_value(t);
    p->len = json_string_length(t);
    if (p->len > r->max_text) {
        *code = "TOO_BIG";
        snprintf(msg, cap, "text is %zu bytes, over the limit of %zu",
                 p->len, r->max_text);
        return false;
    }
    const json_t *a = json_object_get(o, "author");
    if (a && !json_is_null(a)) {
        if (!json_is_string(a) || json_string_length(a) == 0 ||
            json_string_length(a) >= EJ_QUAL_TEXT) {
            *code = "FIELD_TYPE";
            snprintf(msg, cap, "author must be a string of 1..256 bytes");
            return false;
        }
        p->author = json_string_value(a);
    }
    p->at_ms = r->default_at;
    const json_t *at = json_object_get(o, "at");
    if (at && !json_is_null(at)) {
        int off;
        enum ej_err rc = json_is_string(at)
                             ? ej_instant_parse(json_string_value(at),
                                                json_string_length(at),
                                                &p->at_ms, &off)
                             : EJ_TIME_SYNTAX;
        if (rc != EJ_OK) {
            *code = ej_errname(rc);
            snprintf(msg, cap, "at: %s", ej_strerror(rc));
            return false;
        }
    }
    p->quals = json_object_get(o, "qualifications");
    if (p->quals && !json_is_null(p->quals) &&
        (!json_is_array(p->quals) ||
         json_array_size(p->quals) > EJ_QUAL_ROWS_MAX)) {
        *code = "FIELD_TYPE";
        snprintf(msg, cap, "qualifications must be a list of at most %d",
                 EJ_QUAL_ROWS_MAX);
        return false;
    }
    struct rj_error me;
    if (!cj_parse_media(o, false, &p->media, &me)) {
        *code = me.code;
        snprintf(msg, cap, "%.40s: %.200s", me.field, me.message);
        return false;
    }
    return true;
}

/* The author's qualifications for p: the line's, else the store's. */
static bool post_quals(const struct run *r, const struct post *p,
                       struct cj_quals *qs, const char **code, char *msg,
                       size_t cap)
{
    qs->n = 0;
    if (p->quals && json_is_array(p->quals)) {
        for (size_t i = 0; i < json_array_size(p->quals); i++) {
            struct rj_error e;
            if (!cj_parse_qualification(json_array_get(p->quals, i),
                                        p->author ? p->author : "-",
                                        &qs->rows[qs->n], &e)) {
                *code = e.code;
                snprintf(msg, cap, "qualifications[%zu].%.40s: %.200s", i,
                         e.field, e.message);
                return false;
            }
            qs->n++;
        }
        cj_quals_decode(qs);
        return true;
    }
    if (p->author && r->st) {
        enum ej_err rc = authors_get(r->st, p->author, qs);
        if (rc != EJ_OK) {
            *code = ej_errname(rc);
            snprintf(msg, cap, "reading the author's qualifications: %s",
                     ej_strerror(rc));
            return false;
        }
    }
    return true;
}

enum mode { M_CLASSIFY, M_LABEL, M_AUDIT };

struct audit_stats {
    size_t posts, errors, occult, occult_missing, edu, edu_missing;
    size_t reuploads;
    size_t lang_posts[4], lang_occ_missing[4], lang_edu_missing[4];
};

static void audit_finding(struct jw *w, const struct post *p, size_t lineno,
                          const char *kind,
                          const struct ej_classification *c,
                          const struct ej_label_part *part)
{
    jw_obj(w);
    jw_key(w, "id");
    if (p->id)
        jw_strn(w, json_string_value(p->id), json_string_length(p->id));
    else
        jw_null(w);
    jw_kint(w, "line", (int64_t)lineno);
    jw_kstr(w, "finding", kind);
    jw_kstr(w, "rule", part->rule_id);
    jw_kstr(w, "reason", ej_label_reason_name(part->reason));
    if (p->author)
        jw_kstr(w, "author", p->author);
    cj_classification_members(w, c);
    jw_end_obj(w);
    jw_end_line(w);
}

/* Process one parsed line; false when it is an error line. */
static bool one_line(struct run *r, enum mode m, const json_t *o,
                     size_t lineno, struct audit_stats *as)
{
    struct post p;
    const char *code = NULL;
    char msg[320];
    static struct cj_quals qs; /* large: one per process, reused */
    if (!read_post(o, r, &p, &code, msg, sizeof msg)) {
        line_error(lineno, json_object_get(o, "id"), code, msg);
        return false;
    }
    struct ej_classification c;
    size_t bad = 0;
    enum ej_err rc = ej_classify(r->cls, r->scr, p.text, p.len, &c, &bad);
    if (rc != EJ_OK) {
        snprintf(msg, sizeof msg, "text: %s", ej_strerror(rc));
        line_error(lineno, p.id, ej_errname(rc), msg);
        return false;
    }
    struct ej_label_result lr;
    struct reupload_match rm;
    memset(&lr, 0, sizeof lr);
    memset(&rm, 0, sizeof rm);
    if (m != M_CLASSIFY) {
        if (!post_quals(r, &p, &qs, &code, msg, sizeof msg)) {
            line_error(lineno, p.id, code, msg);
            return false;
        }
        rc = ej_label_decide(r->lab, &c, qs.q, qs.n, p.at_ms, &lr);
        if (rc != EJ_OK) {
            snprintf(msg, sizeof msg, "label: %s", ej_strerror(rc));
            line_error(lineno, p.id, ej_errname(rc), msg);
            return false;
        }
        if (r->reup)
            reupload_check(r->reup, p.text, p.len,
                           p.media.has_sha256 ? p.media.sha256 : NULL,
                           p.media.has_pdq ? p.media.pdq : NULL, &rm);
    }
    struct jw w;
    /* a control character in the text is 6 bytes escaped */
    jw_init(&w, (size_t)p.len * 6 + 65536);
    if (m == M_AUDIT) {
        int g = c.lang.known ? (int)c.lang.lang : 3;
        as->posts++;
        as->lang_posts[g]++;
        as->occult += lr.occult.applies;
        as->edu += lr.educational.applies;
        if (rm.found) {
            as->reuploads++;
            jw_obj(&w);
            jw_key(&w, "id");
            if (p.id)
                jw_strn(&w, json_string_value(p.id),
                        json_string_length(p.id));
            else
                jw_null(&w);
            jw_kint(&w, "line", (int64_t)lineno);
            jw_kstr(&w, "finding", "reupload_of_removed_content");
            jw_kstr(&w, "order", rm.order_id);
            jw_kstr(&w, "match", rm.exact ? "exact" : "near");
            jw_kstr(&w, "by", rm.by);
            jw_kint(&w, "distance", rm.distance);
            jw_end_obj(&w);
            jw_end_line(&w);
        }
        /* The audit judges against every rule as if enforced. */
        if (lr.occult.applies && lr.occult.decision != EJ_LABEL_ALLOW) {
            as->occult_missing++;
            as->lang_occ_missing[g]++;
            audit_finding(&w, &p, lineno, "occult_without_disclaimer", &c,
                          &lr.occult);
        }
        if (lr.educational.applies &&
            lr.educational.reason != EJ_LR_QUALIFIED) {
            as->edu_missing++;
            as->lang_edu_missing[g]++;
            audit_finding(&w, &p, lineno,
                          "educational_without_qualification", &c,
                          &lr.educational);
        }
    } else {
        jw_obj(&w);
        jw_key(&w, "id");
        if (p.id)
            jw_strn(&w, json_string_value(p.id), json_string_length(p.id));
        else
            jw_null(&w);
        cj_classification_members(&w, &c);
        if (m == M_LABEL)
            cj_label_members(&w, &lr, &rm, p.text, p.len);
        jw_end_obj(&w);
        jw_end_line(&w);
    }
    if (w.err) { /* over the writer's limit, or out of memory */
        jw_free(&w);
        line_error(lineno, p.id, "NOMEM", "the output line could not be "
                                          "written");
        return false;
    }
    size_t len;
    char *s = jw_take(&w, &len);
    if (s && len) /* an audit line without findings writes nothing */
        fwrite(s, 1, len, stdout);
    free(s);
    return true;
}

/* Read JSON lines from path and process each. */
static int run_lines(struct run *r, enum mode m, const char *path,
                     struct audit_stats *as)
{
    FILE *in = !path || strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in) {
        cli_err("cannot open %s", path);
        return EXIT_ENV;
    }
    char *line = malloc(LINE_MAX_BYTES + 2);
    if (!line) {
        cli_err("out of memory");
        if (in != stdin)
            fclose(in);
        return EXIT_ENV;
    }
    size_t lineno = 0, errors = 0;
    bool tty = isatty(2);
    double t0 = mono_s(), last = t0;
    while (fgets(line, LINE_MAX_BYTES + 2, in)) {
        lineno++;
        size_t len = strlen(line);
        bool too_long = len > LINE_MAX_BYTES && line[len - 1] != '\n';
        if (too_long) {
            int ch;
            while ((ch = fgetc(in)) != EOF && ch != '\n')
                ;
            line_error(lineno, NULL, "TOO_BIG", "line longer than 4 MiB");
            errors++;
            continue;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(line, len, 0, &jerr);
        if (!o) {
            bool utf8 = json_error_code(&jerr) == json_error_invalid_utf8;
            line_error(lineno, NULL, utf8 ? "UTF8" : "JSON_SYNTAX",
                       utf8 ? "the line is not valid UTF-8" : jerr.text);
            errors++;
            continue;
        }
        if (!one_line(r, m, o, lineno, as))
            errors++;
        json_decref(o);
        double t = mono_s();
        if (tty && t - last > 0.25) {
            fprintf(stderr, "\r%zu lines (%.0f/s)", lineno,
                    (double)lineno / (t - t0));
            last = t;
        }
    }
    if (tty && t0 != last)
        fprintf(stderr, "\r%40s\r", "");
    bool rerr = ferror(in);
    if (in != stdin)
        fclose(in);
    free(line);
    fflush(stdout);
    if (as)
        as->errors = errors;
    if (rerr) {
        cli_err("error reading %s", path ? path : "stdin");
        return EXIT_ENV;
    }
    return errors ? EXIT_FINDING : EXIT_OK;
}

/* Options shared by classify, label and audit content. */
struct copts {
    const char *model, *db, *at, *max_text, *input, *summary;
};

static int parse_copts(int argc, char **argv, int start, const char *cmd,
                       bool label, bool audit, struct copts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = start; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = cli_opt(argc, argv, &i, "--model", &missing)))
            o->model = v;
        else if ((v = cli_opt(argc, argv, &i, "--max-text", &missing)))
            o->max_text = v;
        else if (label && (v = cli_opt(argc, argv, &i, "--db", &missing)))
            o->db = v;
        else if (label && (v = cli_opt(argc, argv, &i, "--at", &missing)))
            o->at = v;
        else if (audit &&
                 (v = cli_opt(argc, argv, &i, "--summary", &missing)))
            o->summary = v;
        else if (missing) {
            cli_err("%s: %s needs a value", cmd, argv[i]);
            return EXIT_BADINPUT;
        } else if (!o->input && (argv[i][0] != '-' || !argv[i][1])) {
            o->input = argv[i];
        } else {
            cli_err("%s: unexpected '%s' (see --help)", cmd, argv[i]);
            return EXIT_BADINPUT;
        }
    }
    return EXIT_OK;
}

static int setup(struct cli_ctx *ctx, const struct copts *o, const char *cmd,
                 bool label, struct ej_policy **pol, struct run *r)
{
    size_t max_text = CJ_TEXT_DEFAULT_MAX;
    memset(r, 0, sizeof *r);
    if (o->max_text && !parse_max(o->max_text, &max_text)) {
        cli_err("%s: --max-text '%s': expected 1 to %u bytes", cmd,
                o->max_text, EJ_CONTENT_TEXT_MAX);
        return EXIT_BADINPUT;
    }
    r->default_at = cli_now_ms();
    if (o->at) {
        int off;
        enum ej_err rc = ej_instant_parse(o->at, strlen(o->at),
                                          &r->default_at, &off);
        if (rc != EJ_OK) {
            cli_err("%s: --at '%s': %s", cmd, o->at, ej_strerror(rc));
            return EXIT_BADINPUT;
        }
    }
    int status = open_model(o->model, max_text, r);
    if (status != EXIT_OK || !label)
        return status;
    status = cli_load_policy(ctx, NULL, 0, pol);
    if (status != EXIT_OK)
        return status;
    enum ej_err rc = ej_labeler_new(*pol, &r->lab);
    if (rc != EJ_OK) {
        cli_err("%s: the packs have no occult_disclaimer or "
                "educational_qualification rule (%s)",
                cmd, ej_strerror(rc));
        return EXIT_BADINPUT;
    }
    if (o->db) {
        if (cli_open_store(cmd, o->db, false, &r->st) != EXIT_OK)
            return EXIT_ENV;
        rc = reupload_new(&r->reup);
        if (rc == EJ_OK)
            rc = reupload_load(r->reup, r->st);
        if (rc != EJ_OK) {
            cli_err("%s: cannot read the fingerprint bank in %s: %s", cmd,
                    o->db, ej_strerror(rc));
            return EXIT_ENV;
        }
    }
    return EXIT_OK;
}

int cmd_classify(struct cli_ctx *ctx, int argc, char **argv)
{
    struct copts o;
    struct run r;
    int status = parse_copts(argc, argv, 1, "classify", false, false, &o);
    if (status != EXIT_OK)
        return status;
    status = setup(ctx, &o, "classify", false, NULL, &r);
    if (status == EXIT_OK)
        status = run_lines(&r, M_CLASSIFY, o.input, NULL);
    run_free(&r);
    return status;
}

int cmd_label(struct cli_ctx *ctx, int argc, char **argv)
{
    struct copts o;
    struct run r;
    struct ej_policy *p = NULL;
    int status = parse_copts(argc, argv, 1, "label", true, false, &o);
    if (status != EXIT_OK)
        return status;
    status = setup(ctx, &o, "label", true, &p, &r);
    if (status == EXIT_OK)
        status = run_lines(&r, M_LABEL, o.input, NULL);
    run_free(&r);
    ej_policy_free(p);
    return status;
}

const char cmd_audit_content_usage[] =
    "usage: ereje audit content [--db FILE] [--model FILE] [--at ISO8601]\n"
    "                           [--summary OUT.json] FILE.jsonl|-\n"
    "\n"
    "Audit a content export (JSON lines {\"id\", \"text\", \"author\"?,\n"
    "\"at\"?, \"qualifications\"?}) against the occult and educational\n"
    "rules as if they were enforced. Findings go to stdout as JSON lines:\n"
    "  {id, line, finding: occult_without_disclaimer |\n"
    "   educational_without_qualification, rule, reason, author?, lang,\n"
    "   labels, occult, educational, ...}\n"
    "  {id, line, finding: reupload_of_removed_content, order, match,\n"
    "   distance} (with --db: content removed under a closed order)\n"
    "and a summary (posts, occult without disclaimer, educational without\n"
    "qualification, by language) to stderr, and as JSON to --summary.\n"
    "Authors' qualifications come from the line or from --db. Bad lines\n"
    "are reported and skipped. Progress on a terminal.\n"
    "Exit status: 0 no findings, 1 findings or bad lines, 2 bad usage,\n"
    "3 the model, the input or the database could not be read.\n";

int cmd_audit_content(struct cli_ctx *ctx, int argc, char **argv)
{
    struct copts o;
    struct run r;
    struct ej_policy *p = NULL;
    struct audit_stats as;
    memset(&as, 0, sizeof as);
    int status = parse_copts(argc, argv, 2, "audit content", true, true, &o);
    if (status != EXIT_OK)
        return status;
    if (!o.input) {
        cli_err("audit content: an input file (or -) is required");
        return EXIT_BADINPUT;
    }
    status = setup(ctx, &o, "audit content", true, &p, &r);
    if (status == EXIT_OK)
        status = run_lines(&r, M_AUDIT, o.input, &as);
    if (status == EXIT_OK || status == EXIT_FINDING) {
        static const char *const lg[4] = {"kk", "ru", "en", "unknown"};
        fprintf(stderr,
                "posts %zu (bad lines %zu)\n"
                "occult %zu, without disclaimer %zu\n"
                "educational %zu, without qualification %zu\n"
                "re-uploads of content removed under an order %zu\n",
                as.posts, as.errors, as.occult, as.occult_missing, as.edu,
                as.edu_missing, as.reuploads);
        json_t *by = json_object();
        for (int g = 0; g < 4; g++) {
            if (!as.lang_posts[g])
                continue;
            fprintf(stderr, "  %-7s posts %zu, occult without disclaimer "
                            "%zu, educational without qualification %zu\n",
                    lg[g], as.lang_posts[g], as.lang_occ_missing[g],
                    as.lang_edu_missing[g]);
            json_object_set_new(
                by, lg[g],
                json_pack("{s:I,s:I,s:I}", "posts",
                          (json_int_t)as.lang_posts[g],
                          "occult_without_disclaimer",
                          (json_int_t)as.lang_occ_missing[g],
                          "educational_without_qualification",
                          (json_int_t)as.lang_edu_missing[g]));
        }
        json_t *sum = json_pack(
            "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:s}", "posts",
            (json_int_t)as.posts, "bad_lines", (json_int_t)as.errors,
            "occult", (json_int_t)as.occult, "occult_without_disclaimer",
            (json_int_t)as.occult_missing, "educational",
            (json_int_t)as.edu, "educational_without_qualification",
            (json_int_t)as.edu_missing, "reuploads",
            (json_int_t)as.reuploads, "by_lang", by, "model",
            ej_classifier_version(r.cls));
        if (o.summary && sum &&
            json_dump_file(sum, o.summary, JSON_COMPACT) != 0) {
            cli_err("audit content: cannot write %s", o.summary);
            status = EXIT_ENV;
        }
        json_decref(sum);
        if (status == EXIT_OK &&
            (as.occult_missing || as.edu_missing || as.reuploads))
            status = EXIT_FINDING;
    }
    run_free(&r);
    ej_policy_free(p);
    return status;
}

/* One qualification as a JSON line on stdout; false on an output error. */
static bool print_qual(const struct ej_qual_row *r)
{
    struct jw w;
    jw_init(&w, 1 << 14);
    jw_obj(&w);
    jw_kstr(&w, "author", r->author);
    cj_qual_members(&w, r);
    jw_end_obj(&w);
    jw_end_line(&w);
    size_t len;
    char *s = jw_take(&w, &len);
    bool ok = s && fwrite(s, 1, len, stdout) == len;
    free(s);
    return ok;
}

int cmd_author(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *id = NULL, *type = NULL, *number = NULL,
               *issuer = NULL, *fields = NULL, *valid = NULL,
               *status_s = NULL;
    (void)ctx;
    if (argc < 2 ||
        (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0)) {
        fputs(cmd_author_usage, stderr);
        return EXIT_BADINPUT;
    }
    bool add = strcmp(argv[1], "add") == 0;
    const struct cli_optdef defs[] = {
        {"--db", &db, NULL},         {"--id", &id, NULL},
        {"--type", &type, NULL},     {"--number", &number, NULL},
        {"--issuer", &issuer, NULL}, {"--fields", &fields, NULL},
        {"--valid-until", &valid, NULL}, {"--status", &status_s, NULL},
    };
    int status = cli_parse_opts(argc, argv, 2, defs,
                                add ? 8 : 2, add ? "author add" : "author list");
    if (status != EXIT_OK)
        return status;
    if (!db || !id || (add && (!type || !number || !issuer || !fields))) {
        cli_err(add ? "author add: --db, --id, --type, --number, --issuer "
                      "and --fields are required"
                    : "author list: --db and --id are required");
        return EXIT_BADINPUT;
    }
    struct ej_store *st = NULL;
    if (cli_open_store(add ? "author add" : "author list", db, add, &st) !=
        EXIT_OK)
        return EXIT_ENV;
    enum ej_err rc;
    status = EXIT_OK;
    if (add) {
        /* The same validation as the API: build the JSON object. */
        json_t *fl = json_array();
        for (const char *p = fields; *p;) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            json_array_append_new(fl, json_stringn(p, n));
            p += n + (c != NULL);
        }
        json_t *obj = json_pack("{s:s,s:s,s:s,s:o}", "type", type, "number",
                                number, "issuer", issuer, "fields", fl);
        if (obj && valid)
            json_object_set_new(obj, "valid_until", json_string(valid));
        if (obj && status_s)
            json_object_set_new(obj, "status", json_string(status_s));
        struct ej_qual_row row;
        struct rj_error e;
        if (!obj || !cj_parse_qualification(obj, id, &row, &e)) {
            cli_err("author add: %s: %s: %s", obj ? e.code : "INVALID",
                    obj ? e.field : "", obj ? e.message : "not UTF-8");
            status = EXIT_BADINPUT;
        } else if ((rc = authors_put(st, &row, "", cli_now_ms())) != EJ_OK) {
            cli_err("author add: %s",
                    rc == EJ_TOO_BIG ? "the author has 64 documents on "
                                       "record; replace one (same type and "
                                       "number)"
                                     : ej_strerror(rc));
            status = rc == EJ_TOO_BIG ? EXIT_BADINPUT : EXIT_ENV;
        } else {
            if (!print_qual(&row))
                status = EXIT_ENV;
        }
        json_decref(obj);
    } else {
        static struct cj_quals qs;
        size_t nrows = 0;
        rc = ej_store_ops_of(st)->quals_get(st, id, qs.rows,
                                            EJ_QUAL_ROWS_MAX, &nrows);
        if (rc == EJ_TOO_BIG) {
            cli_err("author list: more than %d documents; the first %d "
                    "shown (verified first)",
                    EJ_QUAL_ROWS_MAX, EJ_QUAL_ROWS_MAX);
            rc = EJ_OK;
        } else if (rc != EJ_OK) {
            cli_err("author list: %s", ej_strerror(rc));
            status = EXIT_ENV;
        }
        for (size_t i = 0; rc == EJ_OK && i < nrows; i++)
            if (!print_qual(&qs.rows[i]))
                status = EXIT_ENV;
    }
    ej_store_close(st);
    return status;
}
