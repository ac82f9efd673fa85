/* ingest.c: see ingest.h. */
#include "ingest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "acache.h"
#include "contentjson.h"
#include "jcanon.h"
#include "jw.h"

#define WINDOW_MAX 400
/* The stored bodies of one batch, in one buffer kept from batch to batch;
 * a body that does not fit is made by json_dumps alone (jcanon.h). */
#define BODIES_MAX (64u * 1024 * 1024)

struct ingest {
    int64_t now_ms;        /* the batch's recorded time */
    struct ej_store *st;
    const struct ej_store_ops *ops;
    const struct ej_policy *p;
    const struct vault *vault;
    bool has_rule;
    struct ej_anon_rule rule;
    const struct ej_tz *tz;
    const struct ej_calendar *cal;
    /* content.published: NULL until ingest_set_content */
    const struct ej_classifier *cls;
    const struct ej_labeler *lab;
    struct ej_content_scratch *scr;
    struct cj_quals *quals;
    struct reupload *reup; /* NULL: no re-upload check */
    struct jw bodies;      /* the batch's stored bodies (jcanon_put) */
    /* The accounts folded since this ingest took them over (store.h,
     * account write-behind): valid while the store's generation is gen. */
    struct acache *acc;
    size_t cache_max;            /* ACACHE_MAX unless set */
    size_t delta_states;         /* states in deltas since the last flush */
    bool write_through;          /* no deltas: write each batch's accounts */
    bool owner;
    uint64_t gen;
    uint64_t batch_no;           /* the batch being folded, from 1 */
    struct acache_ent **touched; /* the accounts this batch changed */
    size_t n_touched;
};

enum ej_err ingest_new(struct ej_store *st, const struct ej_policy *p,
                       const struct vault *v, struct ingest **out)
{
    struct ingest *g = calloc(1, sizeof *g);
    *out = NULL;
    if (!g)
        return EJ_NOMEM;
    g->st = st;
    g->ops = ej_store_ops_of(st);
    g->p = p;
    g->vault = v;
    jw_init(&g->bodies, BODIES_MAX);
    g->cache_max = ACACHE_MAX;
    enum ej_err rc = acache_new(&g->acc);
    if (rc != EJ_OK ||
        !(g->touched = malloc(INGEST_MAX_BATCH * sizeof *g->touched))) {
        ingest_free(g);
        return rc != EJ_OK ? rc : EJ_NOMEM;
    }
    /* The first follower_threshold rule that is not off decides; with no
     * such rule, platform events are still recorded. */
    for (size_t i = 0; !g->has_rule && i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            if (strcmp(ej_rule_kind(r), "follower_threshold") != 0 ||
                ej_rule_mode(p, r) == EJ_MODE_OFF)
                continue;
            if (ej_anon_rule_from(r, k, &g->rule) == EJ_OK &&
                ej_pack_tz(p, k) && ej_pack_calendar(k)) {
                g->has_rule = true;
                g->tz = ej_pack_tz(p, k);
                g->cal = ej_pack_calendar(k);
                break;
            }
        }
    }
    if (!g->tz) {
        /* Local days for audience.daily still need the zone. */
        for (size_t i = 0; i < ej_policy_pack_count(p) && !g->tz; i++)
            g->tz = ej_pack_tz(p, ej_policy_pack(p, i));
    }
    *out = g;
    return EJ_OK;
}

void ingest_free(struct ingest *g)
{
    if (!g)
        return;
    ej_content_scratch_free(g->scr);
    free(g->quals);
    jw_free(&g->bodies);
    acache_free(g->acc);
    free(g->touched);
    free(g);
}

void ingest_set_reupload(struct ingest *g, struct reupload *r)
{
    g->reup = r;
}

enum ej_err ingest_set_content(struct ingest *g,
                               const struct ej_classifier *cls,
                               const struct ej_labeler *lab)
{
    enum ej_err rc = ej_content_scratch_new(cls, CJ_TEXT_DEFAULT_MAX,
                                            &g->scr);
    if (rc != EJ_OK)
        return rc;
    if (!(g->quals = calloc(1, sizeof *g->quals))) {
        ej_content_scratch_free(g->scr);
        g->scr = NULL;
        return EJ_NOMEM;
    }
    g->cls = cls;
    g->lab = lab;
    return EJ_OK;
}

/* --- validation ------------------------------------------------------- */

static bool reject(struct ingest_result *r, const char *code, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
static bool reject(struct ingest_result *r, const char *code, const char *fmt,
                   ...)
{
    va_list ap;
    r->status = INGEST_REJECTED;
    r->code = code;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    return false;
}

/* A required non-empty string of at most max bytes without NUL. */
static bool str_field(const json_t *o, const char *key, size_t max,
                      const char **out, struct ingest_result *r)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return reject(r, "FIELD_MISSING", "%s is required", key);
    if (!json_is_string(v))
        return reject(r, "FIELD_TYPE", "%s must be a string", key);
    size_t n = json_string_length(v);
    if (n == 0 || n > max || memchr(json_string_value(v), 0, n))
        return reject(r, "FIELD_VALUE", "%s must be 1 to %zu bytes without NUL",
                      key, max);
    *out = json_string_value(v);
    return true;
}

static const char *const types[] = {
    "account.registered", "account.followers", "account.identity",
    "account.notified",   "account.closed",    "audience.daily",
    "content.published"};

struct parsed {
    const char *id, *type, *account;
    int tix;
    int64_t at_ms;
    int32_t day;
    /* per type */
    enum ej_service service;
    int64_t followers;
    uint16_t kz_share_pm;
    enum ej_identity status;
    const char *method;
    const json_t *identity;
    const char *iin;
    size_t iin_len;
    struct ej_date date;
    int64_t users;
    /* content.published */
    const char *content, *author, *text;
    size_t text_len;
    struct cj_media media;
};

static bool parse_event(const struct ingest *g, const json_t *o,
                        struct parsed *e, struct ingest_result *r)
{
    memset(e, 0, sizeof *e);
    e->kz_share_pm = EJ_KZ_SHARE_UNKNOWN;
    if (!json_is_object(o))
        return reject(r, "FIELD_TYPE", "%s", "an event is a JSON object");
    if (!str_field(o, "id", EJ_EVENT_ID_MAX - 16, &e->id, r) ||
        !str_field(o, "type", EJ_EVENT_TYPE_MAX, &e->type, r))
        return false;
    /* '#' is reserved for the events ereje derives ("<id>#case", ...), so
     * that no platform id can take one's place. */
    if (strchr(e->id, '#'))
        return reject(r, "FIELD_VALUE", "%s",
                      "id must not contain '#' (reserved for ereje's own "
                      "events)");
    e->tix = -1;
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strcmp(types[i], e->type) == 0)
            e->tix = (int)i;
    if (e->tix < 0)
        return reject(r, "UNKNOWN_TYPE",
                      "type '%.64s' is not one of: account.registered, "
                      "account.followers, account.identity, "
                      "account.notified, account.closed, audience.daily, "
                      "content.published",
                      e->type);
    const char *at;
    if (!str_field(o, "at", 64, &at, r))
        return false;
    enum ej_err rc = ej_instant_parse(at, strlen(at), &e->at_ms, NULL);
    if (rc != EJ_OK)
        return reject(r, ej_errname(rc), "at: %s", ej_strerror(rc));
    /* A typo such as year 9999 would freeze the account (later events
     * would all look older); a year ahead is already nonsense. */
    if (e->at_ms > g->now_ms + 366 * EJ_MS_PER_DAY)
        return reject(r, "TIME_RANGE", "%s",
                      "at is more than a year in the future");
    if (g->tz) {
        struct ej_date d;
        if (ej_tz_local_date(g->tz, e->at_ms, &d) != EJ_OK)
            return reject(r, "TIME_RANGE", "%s", "at: out of range");
        e->day = (int32_t)ej_date_to_days(d);
    }
    if (e->tix == 5) { /* audience.daily */
        const char *date;
        if (!str_field(o, "date", 10, &date, r))
            return false;
        rc = ej_date_parse(date, strlen(date), &e->date);
        if (rc != EJ_OK)
            return reject(r, ej_errname(rc), "%s",
                          "date: expected an existing YYYY-MM-DD");
        json_t *u = json_object_get(o, "users_kz");
        if (!u)
            return reject(r, "FIELD_MISSING", "%s", "users_kz is required");
        if (!json_is_integer(u) || json_integer_value(u) < 0)
            return reject(r, "FIELD_TYPE", "%s",
                          "users_kz must be a non-negative integer");
        e->users = json_integer_value(u);
        return true;
    }
    if (e->tix == 6) { /* content.published */
        if (!g->cls)
            return reject(r, "CONTENT_MODEL_MISSING", "%s",
                          "content.published needs the content model "
                          "(make train; --model)");
        if (!str_field(o, "content", EJ_EVENT_ID_MAX, &e->content, r))
            return false;
        json_t *a = json_object_get(o, "author");
        if (a && !json_is_null(a) &&
            !str_field(o, "author", EJ_QUAL_TEXT - 1, &e->author, r))
            return false;
        json_t *t = json_object_get(o, "text");
        if (!t)
            return reject(r, "FIELD_MISSING", "%s", "text is required");
        if (!json_is_string(t))
            return reject(r, "FIELD_TYPE", "%s", "text must be a string");
        e->text = json_string_value(t);
        e->text_len = json_string_length(t);
        if (e->text_len > CJ_TEXT_DEFAULT_MAX)
            return reject(r, "TOO_BIG", "text is %zu bytes, over %u",
                          e->text_len, CJ_TEXT_DEFAULT_MAX);
        struct rj_error me;
        if (!cj_parse_media(o, false, &e->media, &me))
            return reject(r, me.code, "%s: %s", me.field, me.message);
        e->account = e->author;
        return true;
    }
    if (!str_field(o, "account", EJ_EVENT_ID_MAX, &e->account, r))
        return false;
    switch (e->tix) {
    case 0: { /* account.registered */
        const char *svc;
        if (!str_field(o, "service", 32, &svc, r))
            return false;
        if (!ej_service_parse(svc, strlen(svc), &e->service))
            return reject(r, "FIELD_VALUE", "%s",
                          "service must be social_network, video_hosting, "
                          "instant_messaging, online_game or other");
        return true;
    }
    case 1: { /* account.followers */
        json_t *f = json_object_get(o, "followers");
        if (!f)
            return reject(r, "FIELD_MISSING", "%s", "followers is required");
        if (!json_is_integer(f))
            return reject(r, "FIELD_TYPE", "%s",
                          "followers must be an integer");
        e->followers = json_integer_value(f);
        if (e->followers < 0 || e->followers > 4000000000LL)
            return reject(r, "FIELD_VALUE", "%s",
                          "followers must be 0 to 4,000,000,000");
        json_t *k = json_object_get(o, "kz_share");
        if (k && !json_is_null(k)) {
            if (!json_is_number(k))
                return reject(r, "FIELD_TYPE", "%s",
                              "kz_share must be a number from 0 to 1");
            double v = json_number_value(k);
            if (!(v >= 0 && v <= 1))
                return reject(r, "FIELD_VALUE", "%s",
                              "kz_share must be from 0 to 1");
            e->kz_share_pm = (uint16_t)(v * 1000 + 0.5);
        }
        return true;
    }
    case 2: { /* account.identity */
        const char *st;
        if (!str_field(o, "status", 16, &st, r))
            return false;
        if (!ej_identity_parse(st, strlen(st), &e->status))
            return reject(r, "FIELD_VALUE", "%s",
                          "status must be submitted, verified or rejected");
        if (!str_field(o, "method", 63, &e->method, r))
            return false;
        e->identity = json_object_get(o, "identity");
        if (e->identity && json_is_null(e->identity))
            e->identity = NULL;
        if (e->identity) {
            if (!json_is_object(e->identity))
                return reject(r, "FIELD_TYPE", "%s",
                              "identity must be an object {iin, name, "
                              "contact}");
            json_t *iin = json_object_get(e->identity, "iin");
            if (iin && !json_is_null(iin)) {
                if (!json_is_string(iin))
                    return reject(r, "FIELD_TYPE", "%s",
                                  "identity.iin must be a string");
                struct ej_idnum id;
                rc = ej_idnum_parse(json_string_value(iin),
                                    json_string_length(iin), &id, NULL);
                if (rc != EJ_OK)
                    return reject(r, ej_errname(rc), "identity.iin: %s",
                                  ej_strerror(rc));
                if (id.kind != EJ_IDNUM_IIN)
                    return reject(r, "IDNUM_BIN_ENTITY", "%s",
                                  "identity.iin is a BIN, not an IIN");
                e->iin = json_string_value(iin);
                e->iin_len = 12;
            }
            if (!g->vault)
                return reject(r, "IDENTITY_KEY_MISSING", "%s",
                              "identity data needs the key file "
                              "(ereje keys init; --key-file)");
            char *plain = json_dumps(e->identity,
                                     JSON_COMPACT | JSON_SORT_KEYS);
            size_t plen = plain ? strlen(plain) : 0;
            if (plain) {
                sodium_memzero(plain, plen);
                free(plain);
            }
            if (!plain || plen + 64 > EJ_IDENTITY_CT_MAX)
                return reject(r, "IDENTITY_TOO_LARGE", "%s",
                              "identity data is limited to about 4 KB");
        } else if (e->status == EJ_ID_SUBMITTED) {
            return reject(r, "FIELD_MISSING", "%s",
                          "identity is required when status is submitted");
        }
        return true;
    }
    default:
        return true;
    }
}

/* --- applying ----------------------------------------------------------- */

/* A derived event waiting to be appended at the end of the batch. */
struct derived {
    char *id, *type, *subject, *body, *rules;
    int64_t at_ms;
    bool own_pack;              /* else: the follower rule's pack */
    const struct ej_pack *pack; /* may be NULL: no pack */
};

struct batch {
    struct ingest *g;
    int64_t recorded_ms;
    struct ingest_stats *stats;
    struct derived *derived;
    size_t n_derived, cap_derived;
};

static void free_derived(struct batch *b)
{
    for (size_t i = 0; i < b->n_derived; i++) {
        free(b->derived[i].id);
        free(b->derived[i].type);
        free(b->derived[i].subject);
        free(b->derived[i].body);
        free(b->derived[i].rules);
    }
    free(b->derived);
    b->derived = NULL;
    b->n_derived = b->cap_derived = 0;
}

/* Queue a derived event (takes body and rules). */
static enum ej_err add_derived(struct batch *b, const char *id,
                               const char *type, const char *subject,
                               char *body, char *rules, int64_t at_ms,
                               bool own_pack, const struct ej_pack *pack)
{
    if (b->n_derived == b->cap_derived) {
        size_t cap = b->cap_derived ? b->cap_derived * 2 : 256;
        struct derived *d = realloc(b->derived, cap * sizeof *d);
        if (!d) {
            free(body);
            free(rules);
            return EJ_NOMEM;
        }
        b->derived = d;
        b->cap_derived = cap;
    }
    struct derived *d = &b->derived[b->n_derived++];
    d->id = strdup(id);
    d->type = strdup(type);
    d->subject = strdup(subject);
    d->body = body;
    d->rules = rules;
    d->at_ms = at_ms;
    d->own_pack = own_pack;
    d->pack = pack;
    if (!d->id || !d->type || !d->subject || !body || !rules)
        return EJ_NOMEM;
    return EJ_OK;
}

/* The case transition as its own event, with the rule and pack version. */
static enum ej_err transition(struct batch *b, const struct parsed *e,
                              enum ej_case_state from,
                              const struct ej_account *a, const char *cause)
{
    struct ingest *g = b->g;
    if (!g->has_rule || from == a->case_state)
        return EJ_OK;
    char id[EJ_EVENT_ID_MAX + 32], type[48];
    snprintf(id, sizeof id, "%s#case", e->id);
    snprintf(type, sizeof type, "case.%s",
             ej_case_state_name((enum ej_case_state)a->case_state));
    struct jw w, rw;
    jw_init(&w, 4096);
    jw_init(&rw, 1024);
    jw_obj(&w);
    jw_kstr(&w, "account", e->account);
    jw_kstrv(&w, "from", ej_case_state_name(from));
    jw_kstrv(&w, "to", ej_case_state_name((enum ej_case_state)a->case_state));
    jw_kstrv(&w, "cause", cause);
    /* shadow: a record of what the rule would do; the platform acts only
     * on enforce. */
    jw_kstrv(&w, "mode", ej_mode_name(ej_rule_mode(g->p, g->rule.rule)));
    jw_kint(&w, "measure", a->measure);
    jw_kint(&w, "threshold", g->rule.threshold);
    jw_key(&w, "due");
    char due[EJ_INSTANT_TEXT_MAX];
    if (a->case_due_ms && ej_instant_format(a->case_due_ms, 0, due) == EJ_OK)
        jw_str(&w, due);
    else
        jw_null(&w);
    jw_end_obj(&w);
    jw_arr(&rw);
    jw_strv(&rw, ej_rule_id(g->rule.rule));
    jw_end_arr(&rw);
    char *body = jw_take(&w, NULL), *rules = jw_take(&rw, NULL);
    b->stats->transitions++;
    return add_derived(b, id, type, e->account, body, rules, e->at_ms, false,
                       NULL);
}

/* content.published: classify, decide under the packs with the author's
 * qualifications on record, and log the decision as <id>#content. */
static enum ej_err check_content(struct batch *b, const struct parsed *e)
{
    struct ingest *g = b->g;
    struct ej_classification c;
    struct ej_label_result lr;
    size_t bad;
    enum ej_err rc = ej_classify(g->cls, g->scr, e->text, e->text_len, &c,
                                 &bad);
    if (rc != EJ_OK)
        return rc == EJ_UTF8 || rc == EJ_TOO_BIG ? EJ_OK : rc;
    g->quals->n = 0;
    if (e->author) {
        size_t n = 0;
        rc = g->ops->quals_get(g->st, e->author, g->quals->rows,
                               EJ_QUAL_ROWS_MAX, &n);
        if (rc != EJ_OK && rc != EJ_TOO_BIG)
            return rc;
        g->quals->n = n;
        cj_quals_decode(g->quals);
    }
    rc = ej_label_decide(g->lab, &c, g->quals->q, g->quals->n, e->at_ms,
                         &lr);
    if (rc != EJ_OK)
        return rc;
    struct reupload_match m;
    memset(&m, 0, sizeof m);
    if (g->reup)
        reupload_check(g->reup, e->text, e->text_len,
                       e->media.has_sha256 ? e->media.sha256 : NULL,
                       e->media.has_pdq ? e->media.pdq : NULL, &m);
    struct jw w, rw;
    jw_init(&w, 1 << 16);
    jw_init(&rw, 1024);
    cj_decision_event(&w, &rw, e->content, e->author, e->text, e->text_len,
                      &c, &lr, &m, &e->media, ej_classifier_version(g->cls));
    char *body = jw_take(&w, NULL), *rules = jw_take(&rw, NULL);
    char id[EJ_EVENT_ID_MAX + 32];
    snprintf(id, sizeof id, "%s#content", e->id);
    return add_derived(b, id, "content.checked", e->content, body, rules,
                       e->at_ms, true, cj_decision_pack(g->p, &lr));
}

/* The event as stored in the chain: as received, sorted, with identity
 * data replaced by what may be kept in the clear. Written into g->bodies
 * at *off, or by json_dumps into *own (the caller frees it): see
 * jcanon_put. */
static enum ej_err stored_body(struct ingest *g, const json_t *o,
                               const struct parsed *e, size_t *off,
                               char **own)
{
    *own = NULL;
    if (e->tix != 2 && e->tix != 6)
        return jcanon_put(&g->bodies, o, off, own);
    json_t *c = json_deep_copy(o);
    if (!c)
        return EJ_NOMEM;
    if (e->tix == 6) {
        /* The post's text is not kept in the log: its digest and size. */
        unsigned char h[crypto_hash_sha256_BYTES];
        char hex[2 * crypto_hash_sha256_BYTES + 1];
        crypto_hash_sha256(h, (const unsigned char *)e->text, e->text_len);
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        json_object_del(c, "text");
        json_object_set_new(c, "text_sha256", json_string(hex));
        json_object_set_new(c, "text_bytes",
                            json_integer((json_int_t)e->text_len));
    } else {
        json_object_del(c, "identity");
        json_object_set_new(c, "identity_data", json_boolean(e->identity));
        if (e->iin && g->vault) {
            unsigned char h[EJ_HASH_LEN];
            char hex[EJ_HASH_LEN * 2 + 1];
            vault_iin_hash(g->vault, e->iin, e->iin_len, h);
            sodium_bin2hex(hex, sizeof hex, h, sizeof h);
            json_object_set_new(c, "iin_hash", json_string(hex));
        }
    }
    enum ej_err rc = jcanon_put(&g->bodies, c, off, own);
    json_decref(c);
    return rc;
}

static enum ej_err measure_of(struct batch *b, const struct parsed *e,
                              uint32_t *out)
{
    struct ingest *g = b->g;
    if (!g->has_rule || g->rule.counting == EJ_COUNT_CURRENT) {
        *out = (uint32_t)e->followers;
        return EJ_OK;
    }
    enum ej_err rc = g->ops->daily_put(g->st, e->account, e->day,
                                       (uint32_t)e->followers);
    if (rc != EJ_OK)
        return rc;
    uint32_t win[WINDOW_MAX];
    size_t n = 0;
    int w = g->rule.window_days > WINDOW_MAX ? WINDOW_MAX
                                             : g->rule.window_days;
    rc = g->ops->daily_window(g->st, e->account, e->day - w + 1, e->day, win,
                              WINDOW_MAX, &n);
    if (rc != EJ_OK)
        return rc;
    *out = ej_anon_measure(&g->rule, win, n);
    return EJ_OK;
}

/* --- account write-behind ----------------------------------------------- */

/* Inside the batch's write transaction: keep the in-memory accounts if no
 * other writer has taken the accounts over since this ingest did, else
 * forget them and take over (which brings the table up to date). */
static enum ej_err own_accounts(struct ingest *g)
{
    enum ej_err rc;
    if (g->owner) {
        uint64_t gen;
        rc = g->ops->acc_gen(g->st, &gen);
        if (rc != EJ_OK || gen == g->gen)
            return rc;
    }
    acache_clear(g->acc);
    g->owner = false;
    g->delta_states = 0; /* acc_own applies every delta */
    rc = g->ops->acc_own(g->st, &g->gen);
    if (rc == EJ_OK)
        g->owner = true;
    return rc;
}

/* The in-memory account, read from the store on first use. */
static enum ej_err account_of(struct ingest *g, const char *id,
                              struct acache_ent **out)
{
    struct acache_ent *e = acache_find(g->acc, id);
    if (e) {
        *out = e;
        return EJ_OK;
    }
    struct ej_account a;
    char service[32];
    bool found;
    enum ej_err rc = g->ops->account_get(g->st, id, &a, service, &found);
    if (rc == EJ_OK)
        rc = acache_add(g->acc, id, EJ_EVENT_ID_MAX, &e);
    if (rc != EJ_OK)
        return rc;
    if (found) {
        e->a = a;
        memcpy(e->service, service, sizeof e->service);
        e->exists = true;
    }
    *out = e;
    return EJ_OK;
}

static void state_of(const struct acache_ent *e, struct ej_acc_state *out)
{
    *out = (struct ej_acc_state){.id = e->id, .service = e->service,
                                 .a = e->a};
}

/* Write these accounts to the table and drop the deltas, which are all
 * this ingest's (it owns the accounts). */
static enum ej_err write_back(struct ingest *g, struct acache_ent *const *e,
                              size_t n)
{
    struct ej_acc_state *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return EJ_NOMEM;
    for (size_t i = 0; i < n; i++)
        state_of(e[i], &v[i]);
    enum ej_err rc = g->ops->acc_flush(g->st, v, n);
    free(v);
    return rc;
}

/* Write every changed account back. */
static enum ej_err write_back_all(struct ingest *g)
{
    struct acache_ent **d;
    size_t n;
    enum ej_err rc = acache_dirty(g->acc, &d, &n);
    if (rc == EJ_OK)
        rc = write_back(g, d, n);
    free(d);
    return rc;
}

/* Record what this batch changed: written straight to the table in
 * write-through mode; else as a delta, unless the cache holds more than
 * cache_max accounts or the deltas since the last write-back more than
 * cache_max states (which bounds both memory and the deltas' size): then
 * every changed account is written back (*flushed). */
static enum ej_err record_accounts(struct ingest *g, bool *flushed)
{
    *flushed = false;
    if (g->n_touched == 0)
        return EJ_OK;
    if (g->write_through)
        return write_back(g, g->touched, g->n_touched);
    if (acache_count(g->acc) <= g->cache_max &&
        g->delta_states + g->n_touched <= g->cache_max) {
        struct ej_acc_state *v = malloc(g->n_touched * sizeof *v);
        if (!v)
            return EJ_NOMEM;
        for (size_t i = 0; i < g->n_touched; i++)
            state_of(g->touched[i], &v[i]);
        enum ej_err rc = g->ops->acc_delta_add(g->st, v, g->n_touched);
        free(v);
        return rc;
    }
    enum ej_err rc = write_back_all(g);
    if (rc == EJ_OK)
        *flushed = true;
    return rc;
}

void ingest_set_write_through(struct ingest *g)
{
    g->write_through = true;
}

void ingest_set_cache_max(struct ingest *g, size_t n)
{
    g->cache_max = n;
}

enum ej_err ingest_flush(struct ingest *g)
{
    if (!g->owner || acache_count(g->acc) == 0)
        return EJ_OK;
    enum ej_err rc = g->ops->begin(g->st);
    if (rc != EJ_OK)
        return rc;
    uint64_t gen;
    rc = g->ops->acc_gen(g->st, &gen);
    if (rc == EJ_OK && gen != g->gen) {
        /* Another writer took over, applying our deltas on the way. */
        g->ops->rollback(g->st);
        acache_clear(g->acc);
        g->owner = false;
        return EJ_OK;
    }
    if (rc == EJ_OK)
        rc = write_back_all(g);
    if (rc == EJ_OK)
        rc = g->ops->commit(g->st);
    else
        g->ops->rollback(g->st);
    if (rc == EJ_OK) {
        acache_clean(g->acc);
        g->delta_states = 0;
    }
    return rc;
}

/* Fold an accepted event (already appended) into the state. */
static enum ej_err apply(struct batch *b, const struct parsed *e)
{
    struct ingest *g = b->g;
    enum ej_err rc;
    if (e->tix == 6)
        return check_content(b, e);
    if (e->tix == 5) {
        rc = g->ops->audience_put(g->st, (int32_t)ej_date_to_days(e->date),
                                  e->users, e->at_ms);
        return rc;
    }
    struct acache_ent *ent;
    rc = account_of(g, e->account, &ent);
    if (rc != EJ_OK)
        return rc;
    struct ej_account a = ent->a;
    bool found = ent->exists;
    enum ej_case_state from = (enum ej_case_state)a.case_state;
    enum ej_anon_change ch = EJ_ANON_NO_CHANGE;
    const char *service = NULL, *cause = e->type;
    switch (e->tix) {
    case 0:
        service = ej_service_name(e->service);
        if (e->at_ms > a.last_ms)
            a.last_ms = e->at_ms;
        break;
    case 1:
        if (e->at_ms < a.last_ms && found) {
            /* Older than what the state already reflects: kept in the
             * chain, not folded (nor written over the day's history). */
            return EJ_OK;
        }
        a.followers = (uint32_t)e->followers;
        if (g->has_rule) {
            uint32_t m;
            rc = measure_of(b, e, &m);
            if (rc == EJ_OK)
                rc = ej_anon_observe(&g->rule, &a, m, e->kz_share_pm,
                                     e->at_ms, e->day, g->tz, g->cal, &ch);
        } else {
            a.measure = a.followers;
            a.last_ms = e->at_ms;
        }
        break;
    case 2: {
        if (e->at_ms < a.last_ms && found)
            return EJ_OK; /* a late retry must not undo a newer status */
        struct ej_identity_row row;
        memset(&row, 0, sizeof row);
        row.status = (int)e->status;
        snprintf(row.method, sizeof row.method, "%s", e->method);
        row.updated_ms = e->at_ms;
        if (e->identity) {
            char *plain = json_dumps(e->identity,
                                     JSON_COMPACT | JSON_SORT_KEYS);
            if (!plain)
                return EJ_NOMEM;
            rc = vault_seal(g->vault, e->account, plain, strlen(plain), &row);
            sodium_memzero(plain, strlen(plain));
            free(plain);
            if (e->iin) {
                vault_iin_hash(g->vault, e->iin, e->iin_len, row.iin_hash);
                row.has_iin_hash = true;
            }
        }
        if (rc == EJ_OK)
            rc = g->ops->identity_put(g->st, e->account, &row);
        if (rc == EJ_OK) {
            if (g->has_rule)
                rc = ej_anon_identity(&g->rule, &a, e->status, e->at_ms,
                                      g->tz, g->cal, &ch);
            else
                a.identity = (uint8_t)e->status;
        }
        break;
    }
    case 3:
        /* A notification for no open case is recorded, not folded. */
        (void)ej_anon_notified(&a);
        break;
    case 4:
        ej_anon_closed(&a, &ch);
        break;
    }
    if (rc != EJ_OK)
        return rc;
    ent->a = a;
    if (service)
        snprintf(ent->service, sizeof ent->service, "%s", service);
    ent->exists = true;
    ent->dirty = true;
    if (ent->batch != g->batch_no) {
        ent->batch = g->batch_no;
        g->touched[g->n_touched++] = ent;
    }
    return transition(b, e, from, &a, cause);
}

enum ej_err ingest_batch(struct ingest *g, json_t *const *events, size_t n,
                         const char *const *parse_errors, int64_t recorded_ms,
                         struct ingest_result *results,
                         struct ingest_stats *stats)
{
    struct ingest_stats local = {0};
    struct batch b = {g, recorded_ms, &local, NULL, 0, 0};
    if (n > INGEST_MAX_BATCH)
        return EJ_TOO_BIG;
    g->now_ms = recorded_ms;
    size_t cap = n ? n : 1;
    struct parsed *ps = calloc(cap, sizeof *ps);
    struct ej_event *evs = calloc(cap, sizeof *evs);
    size_t *which = calloc(cap, sizeof *which);
    size_t *off = calloc(cap, sizeof *off);
    char **own = calloc(cap, sizeof *own); /* bodies json_dumps made */
    size_t nv = 0;
    enum ej_err rc = EJ_NOMEM;
    if (!ps || !evs || !which || !off || !own)
        goto out;
    jw_rewind(&g->bodies, 0);

    /* 1. Validate; the valid events become log entries. */
    for (size_t i = 0; i < n; i++) {
        struct ingest_result *r = &results[i];
        memset(r, 0, sizeof *r);
        if (!events[i]) {
            reject(r, "BAD_JSON", "%s",
                   parse_errors && parse_errors[i] ? parse_errors[i]
                                                   : "not JSON");
            local.rejected++;
            continue;
        }
        if (!parse_event(g, events[i], &ps[i], r)) {
            local.rejected++;
            continue;
        }
        if (stored_body(g, events[i], &ps[i], &off[nv], &own[nv]) != EJ_OK)
            goto out;
        const struct parsed *e = &ps[i];
        evs[nv] = (struct ej_event){.id = e->id, .type = e->type,
                                    .at_ms = e->at_ms,
                                    .recorded_ms = recorded_ms,
                                    .subject = e->account ? e->account : "",
                                    .pack_id = "", .pack_version = "",
                                    .rules = "[]"};
        which[nv++] = i;
    }
    /* The buffer has stopped moving: the bodies' addresses. */
    for (size_t k = 0; k < nv; k++)
        evs[k].body = jcanon_text(&g->bodies, off[k], own[k]);

    rc = g->ops->begin(g->st);
    if (rc != EJ_OK)
        goto out;
    g->batch_no++;
    g->n_touched = 0;
    if (nv)
        rc = own_accounts(g);
    /* 2. Append them in one go: a replayed id comes back with seq 0. */
    if (rc == EJ_OK && nv)
        rc = ej_store_append(g->st, evs, nv, NULL);
    /* 3. Fold the new ones, in order; case transitions are collected. */
    for (size_t k = 0; rc == EJ_OK && k < nv; k++) {
        struct ingest_result *r = &results[which[k]];
        if (evs[k].seq == 0) {
            r->status = INGEST_DUPLICATE;
            local.duplicates++;
            continue;
        }
        r->status = INGEST_ACCEPTED;
        local.accepted++;
        rc = apply(&b, &ps[which[k]]);
    }
    /* 4. The accounts it changed: one delta, or written to the table
     * (write-through, or past the bound). */
    bool flushed = false;
    if (rc == EJ_OK)
        rc = record_accounts(g, &flushed);
    /* 5. The transitions, after the events that caused them. */
    if (rc == EJ_OK && b.n_derived) {
        struct ej_event *dv = calloc(b.n_derived, sizeof *dv);
        if (!dv) {
            rc = EJ_NOMEM;
        } else {
            for (size_t k = 0; k < b.n_derived; k++) {
                struct derived *d = &b.derived[k];
                const struct ej_pack *pk =
                    d->own_pack ? d->pack : g->has_rule ? g->rule.pack : NULL;
                dv[k] = (struct ej_event){
                    .id = d->id, .type = d->type, .at_ms = d->at_ms,
                    .recorded_ms = recorded_ms, .subject = d->subject,
                    .pack_id = pk ? ej_pack_id(pk) : "",
                    .pack_version = pk ? ej_pack_version(pk) : "",
                    .rules = d->rules, .body = d->body};
            }
            rc = ej_store_append(g->st, dv, b.n_derived, NULL);
            free(dv);
        }
    }
    if (rc != EJ_OK) {
        g->ops->rollback(g->st);
        /* The in-memory accounts hold what was rolled back. */
        acache_clear(g->acc);
        g->owner = false;
        goto out;
    }
    rc = g->ops->commit(g->st);
    if (rc != EJ_OK) {
        acache_clear(g->acc);
        g->owner = false;
    } else if (g->write_through) {
        for (size_t i = 0; i < g->n_touched; i++)
            g->touched[i]->dirty = false;
    } else if (flushed) {
        /* All written back: over the cap, start again. */
        g->delta_states = 0;
        if (acache_count(g->acc) > g->cache_max)
            acache_clear(g->acc);
        else
            acache_clean(g->acc);
    } else {
        g->delta_states += g->n_touched;
    }
    if (rc == EJ_OK && stats) {
        stats->accepted += local.accepted;
        stats->duplicates += local.duplicates;
        stats->rejected += local.rejected;
        stats->transitions += local.transitions;
    }
out:
    for (size_t k = 0; own && k < nv; k++)
        free(own[k]);
    free(own);
    free(off);
    free(which);
    free(evs);
    free(ps);
    free_derived(&b);
    return rc;
}
