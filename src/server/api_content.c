/* api_content.c: content labelling over HTTP.
 *   POST /v1/content/check: classify a post (on the request thread, with a
 *     pooled scratch), then on the writer: the author's qualifications,
 *     the label decision and its content.checked event, committed before
 *     the reply;
 *   POST /v1/authors/{id}/qualifications: record one (author.qualification
 *     event);
 *   GET  /v1/authors/{id}/qualifications: list them. */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "authors.h"
#include "contentjson.h"
#include "reupload.h"

struct ej_content_scratch *srv_scratch_get(struct srv *s)
{
    struct ej_content_scratch *sc = NULL;
    pthread_mutex_lock(&s->scratch_lock);
    if (s->n_scratch)
        sc = s->scratch[--s->n_scratch];
    pthread_mutex_unlock(&s->scratch_lock);
    if (!sc && ej_content_scratch_new(s->cls, CJ_TEXT_DEFAULT_MAX, &sc) !=
                   EJ_OK)
        return NULL;
    return sc;
}

void srv_scratch_put(struct srv *s, struct ej_content_scratch *sc)
{
    pthread_mutex_lock(&s->scratch_lock);
    if (s->n_scratch < SRV_SCRATCH_MAX) {
        s->scratch[s->n_scratch++] = sc;
        sc = NULL;
    }
    pthread_mutex_unlock(&s->scratch_lock);
    ej_content_scratch_free(sc);
}

void srv_scratch_free_all(struct srv *s)
{
    for (size_t i = 0; i < s->n_scratch; i++)
        ej_content_scratch_free(s->scratch[i]);
    s->n_scratch = 0;
}

enum work_kind { W_CHECK, W_QUAL_ADD, W_QUAL_LIST };

struct work {
    struct srv *srv;
    enum work_kind kind;
    /* check */
    char content[CJ_ID_MAX + 1];
    char author[EJ_QUAL_TEXT];
    bool has_author;
    char *text;
    size_t len;
    int64_t at_ms, now_ms;
    struct ej_classification c;
    struct ej_label_result lr;
    struct cj_quals quals;
    bool inline_quals;
    char event_id[EJ_EVENT_ID_MAX + 1];
    uint64_t seq;
    struct cj_media media;
    struct reupload_match m;
    /* qualifications */
    struct ej_qual_row row;
    size_t nrows;
    enum ej_err rc;
};

static void free_work(void *p)
{
    struct work *w = p;
    if (w)
        free(w->text);
    free(w);
}

static enum ej_err run(struct ej_store *st, void *ctx)
{
    struct req *r = ctx;
    struct work *w = r->work;
    struct srv *s = w->srv;
    switch (w->kind) {
    case W_QUAL_ADD:
        w->rc = authors_put(st, &w->row, r->key_id, w->now_ms);
        return w->rc == EJ_TOO_BIG ? EJ_OK : w->rc;
    case W_QUAL_LIST:
        w->rc = ej_store_ops_of(st)->quals_get(st, w->author, w->quals.rows,
                                               EJ_QUAL_ROWS_MAX, &w->nrows);
        return w->rc == EJ_TOO_BIG ? EJ_OK : w->rc;
    case W_CHECK:
        break;
    }
    if (!w->inline_quals && w->has_author) {
        enum ej_err rc = authors_get(st, w->author, &w->quals);
        if (rc != EJ_OK && rc != EJ_TOO_BIG)
            return rc;
    }
    w->rc = ej_label_decide(s->lab, &w->c, w->quals.q, w->quals.n, w->at_ms,
                            &w->lr);
    if (w->rc != EJ_OK)
        return EJ_OK; /* answered as 400 */
    struct jw bw, rw;
    jw_init(&bw, EJ_EVENT_FIELD_MAX);
    jw_init(&rw, EJ_EVENT_FIELD_MAX);
    cj_decision_event(&bw, &rw, w->content, w->has_author ? w->author : NULL,
                      w->text, w->len, &w->c, &w->lr, &w->m, &w->media,
                      ej_classifier_version(s->cls));
    char *body = jw_take(&bw, NULL), *rules = jw_take(&rw, NULL);
    enum ej_err rc = EJ_NOMEM;
    if (body && rules) {
        const struct ej_pack *k = cj_decision_pack(s->policy, &w->lr);
        srv_event_id(s, "cnt_", w->event_id);
        struct ej_event ev = {
            .id = w->event_id, .type = "content.checked", .at_ms = w->at_ms,
            .recorded_ms = w->now_ms, .subject = w->content,
            .pack_id = k ? ej_pack_id(k) : "",
            .pack_version = k ? ej_pack_version(k) : "", .rules = rules,
            .body = body};
        rc = ej_store_append(st, &ev, 1, NULL);
        w->seq = ev.seq;
    }
    free(body);
    free(rules);
    return rc;
}

static void finish(struct req *r)
{
    struct work *w = r->work;
    if (r->pend.result != EJ_OK) {
        req_error(r, 503, "STORE_UNAVAILABLE",
                  "the decision could not be recorded; retry");
        return;
    }
    struct jw out;
    /* a control character in the text is 6 bytes escaped */
    jw_init(&out, (size_t)w->len * 6 + (1 << 20));
    switch (w->kind) {
    case W_QUAL_ADD:
        if (w->rc == EJ_TOO_BIG) {
            jw_free(&out);
            req_error(r, 409, "TOO_MANY_QUALIFICATIONS",
                      "the author has 64 documents on record; replace one "
                      "(same type and number)");
            return;
        }
        jw_obj(&out);
        jw_kstr(&out, "author", w->row.author);
        cj_qual_members(&out, &w->row);
        jw_end_obj(&out);
        req_reply_jw(r, 201, &out);
        return;
    case W_QUAL_LIST:
        jw_obj(&out);
        jw_kstr(&out, "author", w->author);
        jw_key(&out, "qualifications");
        jw_arr(&out);
        for (size_t i = 0; i < w->nrows; i++) {
            jw_obj(&out);
            cj_qual_members(&out, &w->quals.rows[i]);
            jw_end_obj(&out);
        }
        jw_end_arr(&out);
        jw_end_obj(&out);
        req_reply_jw(r, 200, &out);
        return;
    case W_CHECK:
        break;
    }
    if (w->rc != EJ_OK) {
        jw_free(&out);
        req_error(r, 400, ej_errname(w->rc), ej_strerror(w->rc));
        return;
    }
    jw_obj(&out);
    jw_kstr(&out, "id", w->content);
    cj_classification_members(&out, &w->c);
    cj_label_members(&out, &w->lr, &w->m, w->text, w->len);
    cj_media_members(&out, &w->media);
    jw_kstr(&out, "model", ej_classifier_version(w->srv->cls));
    jw_key(&out, "event");
    jw_obj(&out);
    jw_kstr(&out, "id", w->event_id);
    jw_kint(&out, "seq", (int64_t)w->seq);
    jw_end_obj(&out);
    jw_end_obj(&out);
    req_reply_jw(r, 200, &out);
}

static struct work *new_work(struct srv *s, struct req *r,
                             enum work_kind kind)
{
    if (!s->cls && kind == W_CHECK) {
        req_error(r, 503, "CONTENT_MODEL_MISSING",
                  "content labelling is off: the service has no content "
                  "model (make train; ereje serve --model FILE)");
        return NULL;
    }
    struct work *w = calloc(1, sizeof *w);
    if (!w) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return NULL;
    }
    r->work = w;
    r->free_work = free_work;
    w->srv = s;
    w->kind = kind;
    w->now_ms = w->at_ms = srv_now_ms();
    return w;
}

static void submit(struct req *r)
{
    r->finish = finish;
    r->pend.job = run;
    req_commit(r);
}

/* A string member: required or not, 1..max-1 bytes, no NUL. */
static bool member(struct req *r, const json_t *o, const char *key,
                   bool required, size_t max, char *out)
{
    const json_t *v = json_object_get(o, key);
    out[0] = '\0';
    if (!v || json_is_null(v)) {
        if (required)
            req_error(r, 400, "FIELD_MISSING", key);
        return !required;
    }
    size_t n = json_is_string(v) ? json_string_length(v) : 0;
    if (!json_is_string(v) || n == 0 || n >= max ||
        memchr(json_string_value(v), 0, n)) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s must be a string of 1 to %zu bytes",
                 key, max - 1);
        req_error(r, 400, "FIELD_TYPE", msg);
        return false;
    }
    memcpy(out, json_string_value(v), n + 1);
    return true;
}

void api_content_check(struct srv *s, struct req *r)
{
    struct work *w = new_work(s, r, W_CHECK);
    if (!w)
        return;
    json_t *body = req_json(r);
    if (!body)
        return;
    bool ok = member(r, body, "id", true, sizeof w->content, w->content) &&
              member(r, body, "author", false, sizeof w->author, w->author);
    w->has_author = ok && w->author[0];
    const json_t *t = json_object_get(body, "text");
    if (ok && !json_is_string(t)) {
        req_error(r, 400, t ? "FIELD_TYPE" : "FIELD_MISSING",
                  "text must be a string");
        ok = false;
    }
    if (ok && json_string_length(t) > CJ_TEXT_DEFAULT_MAX) {
        req_error(r, 413, "TOO_BIG", "text is over 65536 bytes");
        ok = false;
    }
    const json_t *at = json_object_get(body, "at");
    if (ok && at && !json_is_null(at)) {
        if (!json_is_string(at)) {
            req_error(r, 400, ej_errname(EJ_TIME_SYNTAX),
                      ej_strerror(EJ_TIME_SYNTAX));
            ok = false;
        } else if (!req_instant(r, "at", json_string_value(at),
                                json_string_length(at), &w->at_ms)) {
            ok = false;
        }
    }
    if (ok) {
        struct rj_error e;
        if (!cj_parse_media(body, true, &w->media, &e)) {
            req_error_field(r, &e);
            ok = false;
        }
    }
    const json_t *qs = json_object_get(body, "qualifications");
    if (ok && qs && !json_is_null(qs)) {
        if (!json_is_array(qs) || json_array_size(qs) > EJ_QUAL_ROWS_MAX) {
            req_error(r, 400, "FIELD_TYPE",
                      "qualifications must be a list of at most 64");
            ok = false;
        }
        for (size_t i = 0; ok && i < json_array_size(qs); i++) {
            struct rj_error e;
            if (!cj_parse_qualification(json_array_get(qs, i),
                                        w->has_author ? w->author : "-",
                                        &w->quals.rows[i], &e)) {
                char msg[400];
                snprintf(msg, sizeof msg, "qualifications[%zu].%.40s: %.200s",
                         i, e.field, e.message);
                req_error(r, 400, e.code, msg);
                ok = false;
            }
            w->quals.n = i + 1;
        }
        if (ok) {
            cj_quals_decode(&w->quals);
            w->inline_quals = true;
        }
    }
    if (ok) {
        w->len = json_string_length(t);
        w->text = malloc(w->len + 1);
        if (!w->text) {
            req_error(r, 500, "INTERNAL", "out of memory");
            ok = false;
        } else {
            memcpy(w->text, json_string_value(t), w->len + 1);
        }
    }
    json_decref(body);
    if (!ok)
        return;
    struct ej_content_scratch *sc = srv_scratch_get(s);
    if (!sc) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    size_t bad = 0;
    enum ej_err rc = ej_classify(s->cls, sc, w->text, w->len, &w->c, &bad);
    srv_scratch_put(s, sc);
    if (rc != EJ_OK) {
        req_error(r, 400, ej_errname(rc), ej_strerror(rc));
        return;
    }
    /* removed under an order before? (the bank is read-locked) */
    reupload_check(s->reup, w->text, w->len,
                   w->media.has_sha256 ? w->media.sha256 : NULL,
                   w->media.has_pdq ? w->media.pdq : NULL, &w->m);
    submit(r);
}

static bool author_param(struct req *r, struct work *w)
{
    size_t n = strlen(r->param);
    if (n == 0 || n >= sizeof w->author) {
        req_error(r, 400, "FIELD_VALUE", "an author id is 1 to 128 bytes");
        return false;
    }
    memcpy(w->author, r->param, n + 1);
    return true;
}

void api_author_quals_add(struct srv *s, struct req *r)
{
    struct work *w = new_work(s, r, W_QUAL_ADD);
    if (!w || !author_param(r, w))
        return;
    json_t *body = req_json(r);
    if (!body)
        return;
    struct rj_error e;
    bool ok = cj_parse_qualification(body, w->author, &w->row, &e);
    json_decref(body);
    if (!ok) {
        req_error_field(r, &e);
        return;
    }
    submit(r);
}

void api_author_quals_list(struct srv *s, struct req *r)
{
    struct work *w = new_work(s, r, W_QUAL_LIST);
    if (!w || !author_param(r, w))
        return;
    submit(r);
}
