/* cmd_export.c: ereje export sor --db FILE --from D --to D (orders and
 * complaints as statements of reasons; src/common/sor.c) */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "jw.h"
#include "sor.h"

const char cmd_export_usage[] =
    "usage: ereje export sor --db FILE --from YYYY-MM-DD --to YYYY-MM-DD\n"
    "\n"
    "Statements of reasons for the orders closed, the complaints upheld\n"
    "with an action, and the content decisions that took effect (re-uploads\n"
    "restricted, labels and holds of enforced rules; not what shadow mode\n"
    "only advised), from --from to --to (local dates in the pack's zone,\n"
    "both included), as JSON lines in the schema of the EU DSA\n"
    "Transparency Database: puid (an order's or complaint's id; evt-SEQ\n"
    "for a content decision), decision_visibility\n"
    "(DECISION_VISIBILITY_CONTENT_REMOVED | _DISABLED | _LABELLED | _OTHER\n"
    "with decision_visibility_other) or decision_account\n"
    "(DECISION_ACCOUNT_SUSPENDED), decision_ground (ILLEGAL_CONTENT with\n"
    "illegal_content_legal_ground and _explanation; INCOMPATIBLE_CONTENT\n"
    "with incompatible_content_ground, _explanation and _illegal for a\n"
    "draft rule the platform enforces ahead of adoption), decision_facts,\n"
    "category (STATEMENT_CATEGORY_*), content_type, content_date,\n"
    "application_date, source_type (SOURCE_TYPE_OTHER_NOTIFICATION for\n"
    "orders and complaints, SOURCE_VOLUNTARY for the platform's own\n"
    "checks), source_identity (an order's issuer; never a complainant),\n"
    "automated_detection, automated_decision.\n"
    "Mapping: src/common/sor.c. One that cannot be mapped (a complaint of\n"
    "category other, a re-upload whose order is unknown) is reported on\n"
    "stderr and left out.\n"
    "Exit status: 0 all exported, 1 some left out, 2 bad usage,\n"
    "3 the database could not be read.\n";

struct ctx {
    const struct ej_policy *p;
    struct ej_store *st;
    const struct ej_tz *tz;
    struct ej_date from, to;
    size_t written, skipped;
    bool io_error;
};

static bool in_range(const struct ctx *c, int64_t ms)
{
    struct ej_date d;
    return ej_tz_local_date(c->tz, ms, &d) == EJ_OK &&
           ej_date_cmp(d, c->from) >= 0 && ej_date_cmp(d, c->to) <= 0;
}

/* Write the statement in w (or count it left out); 1 to stop. */
static int emit(struct ctx *c, struct jw *w, bool made, const char *what,
                const char *id, const char *cat)
{
    if (!made) {
        cli_err("export sor: %s %s: '%s' has no DSA category "
                "(src/common/sor.c); left out",
                what, id, cat);
        c->skipped++;
        jw_free(w);
        return 0;
    }
    jw_end_line(w);
    size_t len;
    char *s = jw_take(w, &len);
    if (!s || fwrite(s, 1, len, stdout) != len)
        c->io_error = true;
    free(s);
    c->written++;
    return c->io_error;
}

static int one(const struct ej_order_row *r, void *vctx)
{
    struct ctx *c = vctx;
    if (r->order.state != EJ_ORDER_CLOSED || !in_range(c, r->order.closed_ms))
        return 0;
    struct jw w;
    jw_init(&w, 1 << 16);
    return emit(c, &w, sor_order(&w, r, c->tz), "order", r->id, r->basis);
}

static int one_complaint(const struct ej_complaint_row *r, void *vctx)
{
    struct ctx *c = vctx;
    if (!sor_complaint_applies(r) || !in_range(c, r->decided_ms))
        return 0;
    struct jw w;
    jw_init(&w, 1 << 16);
    return emit(c, &w, sor_complaint(&w, r, c->tz), "complaint", r->id,
                r->category);
}

/* A content decision that took effect (content.checked in the log). */
static int one_content(const struct ej_event *ev, void *vctx)
{
    struct ctx *c = vctx;
    char oid[EJ_EVENT_ID_MAX + 1];
    if (strcmp(ev->type, "content.checked") != 0 || !in_range(c, ev->at_ms))
        return 0;
    enum sor_content_kind k = sor_content_kind(ev, oid);
    if (k == SOR_CONTENT_NONE)
        return 0;
    struct ej_order_row order, *o = NULL;
    if (k == SOR_CONTENT_REUPLOAD && oid[0] &&
        ej_store_ops_of(c->st)->order_get(c->st, oid, &order) == EJ_OK)
        o = &order;
    struct jw w;
    const char *why = NULL;
    jw_init(&w, 1 << 16);
    bool made = sor_content(&w, ev, c->p, o, c->tz, &why);
    if (o)
        ej_order_row_free(o);
    if (!made) {
        cli_err("export sor: content decision %s: %s; left out", ev->id,
                why);
        c->skipped++;
        jw_free(&w);
        return 0;
    }
    return emit(c, &w, true, "content decision", ev->id, "");
}

int cmd_export(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *db = NULL, *from = NULL, *to = NULL;
    if (argc < 2 || strcmp(argv[1], "sor") != 0) {
        fputs(cmd_export_usage, stderr);
        return EXIT_BADINPUT;
    }
    const struct cli_optdef defs[] = {
        {"--db", &db, NULL}, {"--from", &from, NULL}, {"--to", &to, NULL}};
    int status = cli_parse_opts(argc, argv, 2, defs, 3, "export sor");
    if (status != EXIT_OK)
        return status;
    if (!db || !from || !to) {
        cli_err("export sor: --db, --from and --to are required");
        return EXIT_BADINPUT;
    }
    struct ctx c;
    memset(&c, 0, sizeof c);
    if (ej_date_parse(from, strlen(from), &c.from) != EJ_OK ||
        ej_date_parse(to, strlen(to), &c.to) != EJ_OK) {
        cli_err("export sor: --from and --to are dates YYYY-MM-DD");
        return EXIT_BADINPUT;
    }
    if (ej_date_cmp(c.from, c.to) > 0) {
        cli_err("export sor: --from is after --to");
        return EXIT_BADINPUT;
    }
    struct ej_policy *p = NULL;
    struct ej_store *st = NULL;
    status = cli_load_policy(ctx, NULL, 0, &p);
    if (status != EXIT_OK)
        return status;
    status = EXIT_ENV;
    const struct ej_pack *k = cli_pick_pack(p, NULL);
    c.tz = k ? ej_pack_tz(p, k) : NULL;
    if (!c.tz) {
        cli_err("export sor: no pack with a time zone");
        goto out;
    }
    if (cli_open_store("export sor", db, false, &st) != EXIT_OK)
        goto out;
    enum ej_err rc = ej_store_ops_of(st)->orders_scan(st, one, &c);
    if (rc == EJ_OK && !c.io_error)
        rc = ej_store_ops_of(st)->complaints_scan(st, one_complaint, &c);
    c.p = p;
    c.st = st;
    if (rc == EJ_OK && !c.io_error)
        rc = ej_store_scan(st, 0, one_content, &c);
    if (rc != EJ_OK || c.io_error) {
        cli_err("export sor: %s", c.io_error ? "error writing output"
                                             : ej_strerror(rc));
        goto out;
    }
    fprintf(stderr, "export sor: %zu statement(s), %zu left out\n",
            c.written, c.skipped);
    status = c.skipped ? EXIT_FINDING : EXIT_OK;
out:
    if (st)
        ej_store_close(st);
    ej_policy_free(p);
    return status;
}
