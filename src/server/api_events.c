/* api_events.c: POST /v1/events: platform events as a JSON array or JSON
 * lines, up to 10,000 a request, applied by the writer thread in one
 * transaction (src/common/ingest.c); the reply says what was accepted and
 * why anything was rejected, by index and line. */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include "ingest.h"

struct events_work {
    struct srv *srv;
    json_t **evs;
    char **errs;
    size_t *lines;         /* JSON lines: the line of each event */
    size_t n;
    struct ingest_result *res;
    struct ingest_stats stats;
    int64_t recorded_ms;
};

static void free_events(void *p)
{
    struct events_work *w = p;
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        json_decref(w->evs[i]);
        free(w->errs[i]);
    }
    free(w->evs);
    free(w->errs);
    free(w->lines);
    free(w->res);
    free(w);
}

static enum ej_err run(struct ej_store *st, void *ctx)
{
    struct req *r = ctx;
    struct events_work *w = r->work;
    struct ingest *g;
    enum ej_err rc = ingest_new(st, w->srv->policy, w->srv->vault, &g);
    if (rc == EJ_OK && w->srv->cls)
        rc = ingest_set_content(g, w->srv->cls, w->srv->lab);
    if (rc == EJ_OK) {
        ingest_set_reupload(g, w->srv->reup);
        /* One request, one ingest: nothing to gain from deltas. */
        ingest_set_write_through(g);
    }
    if (rc != EJ_OK) {
        ingest_free(g);
        return rc;
    }
    rc = ingest_batch(g, w->evs, w->n, (const char *const *)w->errs,
                      w->recorded_ms, w->res, &w->stats);
    ingest_free(g);
    return rc;
}

static void finish(struct req *r)
{
    struct events_work *w = r->work;
    if (r->pend.result != EJ_OK) {
        req_error(r, 503, "STORE_UNAVAILABLE",
                  "the events could not be applied; nothing of this request "
                  "was; retry");
        return;
    }
    json_t *errors = json_array();
    for (size_t i = 0; i < w->n; i++) {
        if (w->res[i].status != INGEST_REJECTED)
            continue;
        json_t *e = json_pack("{s:I,s:s,s:s}", "index", (json_int_t)i, "code",
                              w->res[i].code, "message", w->res[i].message);
        if (w->lines)
            json_object_set_new(e, "line", json_integer((json_int_t)w->lines[i]));
        json_array_append_new(errors, e);
    }
    req_reply(r, 200,
              json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "received",
                        (json_int_t)w->n, "accepted",
                        (json_int_t)w->stats.accepted, "duplicates",
                        (json_int_t)w->stats.duplicates, "rejected",
                        (json_int_t)w->stats.rejected, "transitions",
                        (json_int_t)w->stats.transitions, "errors", errors));
}

/* Append one parsed (or failed) item. */
static bool push(struct events_work *w, json_t *v, const char *err,
                 size_t line)
{
    if (w->n == INGEST_MAX_BATCH)
        return false;
    w->evs[w->n] = v;
    w->errs[w->n] = err ? strdup(err) : NULL;
    if (w->lines)
        w->lines[w->n] = line;
    w->n++;
    return true;
}

void api_events(struct srv *s, struct req *r)
{
    struct events_work *w = calloc(1, sizeof *w);
    if (!w) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    r->work = w;
    r->free_work = free_events;
    w->srv = s;
    w->evs = calloc(INGEST_MAX_BATCH, sizeof *w->evs);
    w->errs = calloc(INGEST_MAX_BATCH, sizeof *w->errs);
    w->res = calloc(INGEST_MAX_BATCH, sizeof *w->res);
    if (!w->evs || !w->errs || !w->res) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    size_t i = 0;
    while (i < r->len && (r->body[i] == ' ' || r->body[i] == '\n' ||
                          r->body[i] == '\r' || r->body[i] == '\t'))
        i++;
    if (i == r->len) {
        req_error(r, 400, "BAD_JSON", "no events in the body");
        return;
    }
    if (r->body[i] == '[') {
        json_t *arr = req_json_any(r);
        if (!arr)
            return;
        if (!json_is_array(arr)) {
            json_decref(arr);
            req_error(r, 400, "FIELD_TYPE",
                      "the body is a JSON array or JSON lines of events");
            return;
        }
        if (json_array_size(arr) > INGEST_MAX_BATCH) {
            json_decref(arr);
            req_error(r, 413, "TOO_MANY_EVENTS",
                      "at most 10,000 events a request");
            return;
        }
        for (size_t k = 0; k < json_array_size(arr); k++)
            push(w, json_incref(json_array_get(arr, k)), NULL, 0);
        json_decref(arr);
    } else {
        w->lines = calloc(INGEST_MAX_BATCH, sizeof *w->lines);
        if (!w->lines) {
            req_error(r, 500, "INTERNAL", "out of memory");
            return;
        }
        size_t line = 0;
        for (size_t at = 0; at < r->len;) {
            const char *nl = memchr(r->body + at, '\n', r->len - at);
            size_t end = nl ? (size_t)(nl - r->body) : r->len;
            line++;
            size_t len = end - at;
            while (len && (r->body[at + len - 1] == '\r' ||
                           r->body[at + len - 1] == ' '))
                len--;
            if (len) {
                json_error_t e;
                json_t *v = NULL;
                const char *err = NULL;
                if (json_depth_ok(r->body + at, len))
                    v = json_loadb(r->body + at, len, JSON_REJECT_DUPLICATES,
                                   &e);
                else
                    err = "JSON nests deeper than 32 levels";
                if (!v && !err)
                    err = e.text;
                if (!push(w, v, err, line)) {
                    json_decref(v);
                    req_error(r, 413, "TOO_MANY_EVENTS",
                              "at most 10,000 events a request");
                    return;
                }
            }
            at = end + 1;
        }
    }
    w->recorded_ms = srv_now_ms();
    r->finish = finish;
    r->pend.job = run;
    req_commit(r);
}
