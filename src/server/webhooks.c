/* webhooks.c: the service's delivery thread. Each round, on the writer's
 * connection (a job): queue the new delivered events and take the due
 * deliveries with their bodies; then, outside any lock or transaction,
 * POST each with libcurl (short timeouts); then record the attempts. A
 * down endpoint slows only this thread: decisions are committed and
 * answered without it. Bodies are signed: X-Ereje-Signature is "v1=" and
 * the hex HMAC-SHA256, under the secret, of X-Ereje-Timestamp "." body. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "webhook.h"

struct webhooks {
    struct srv *srv;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, started;
    char *url;
    unsigned char key[WEBHOOK_SECRET_MAX + 3];
    size_t keylen;
    int max_attempts;
    /* the round in flight */
    struct webhook_item items[WEBHOOK_BATCH];
    size_t n;
};

static enum ej_err prepare(struct ej_store *st, void *ctx)
{
    struct webhooks *w = ctx;
    size_t added;
    int64_t now = srv_now_ms();
    enum ej_err rc = webhook_enqueue(st, now, &added);
    if (rc == EJ_OK)
        rc = webhook_due(st, now, w->items, WEBHOOK_BATCH, &w->n);
    return rc;
}

/* The first enqueue: sets the cursor (at the head of the log when it is
 * new) before any request is served, so no decision slips before it. */
static enum ej_err init_cursor(struct ej_store *st, void *ctx)
{
    size_t added;
    (void)ctx;
    return webhook_enqueue(st, srv_now_ms(), &added);
}

static enum ej_err record(struct ej_store *st, void *ctx)
{
    struct webhooks *w = ctx;
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    enum ej_err rc = ops->begin(st);
    for (size_t i = 0; rc == EJ_OK && i < w->n; i++) {
        /* unless replayed meanwhile (then the replay stands) */
        rc = ops->wh_update(st, &w->items[i].row, w->items[i].read_attempts);
        if (rc == EJ_NOT_FOUND)
            rc = EJ_OK;
    }
    if (rc == EJ_OK)
        return ops->commit(st);
    ops->rollback(st);
    return rc;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

/* One POST; the HTTP status (0 when none) and an error text. */
static int post(struct webhooks *w, const struct webhook_item *it,
                char *err, size_t errcap)
{
    CURL *c = curl_easy_init();
    long code = 0;
    err[0] = '\0';
    if (!c) {
        snprintf(err, errcap, "curl_easy_init failed");
        return 0;
    }
    char ts[24], sig[68], h_ts[64], h_sig[96], h_ev[128], h_id[64];
    snprintf(ts, sizeof ts, "%lld", (long long)(srv_now_ms() / 1000));
    webhook_sign(w->key, w->keylen, ts, it->body, strlen(it->body), sig);
    snprintf(h_ts, sizeof h_ts, "X-Ereje-Timestamp: %s", ts);
    snprintf(h_sig, sizeof h_sig, "X-Ereje-Signature: %s", sig);
    snprintf(h_ev, sizeof h_ev, "X-Ereje-Event: %s", it->row.type);
    snprintf(h_id, sizeof h_id, "X-Ereje-Delivery: %lld",
             (long long)it->row.id);
    struct curl_slist *hs = NULL;
    hs = curl_slist_append(hs, "Content-Type: application/json");
    hs = curl_slist_append(hs, h_ts);
    hs = curl_slist_append(hs, h_sig);
    hs = curl_slist_append(hs, h_ev);
    hs = curl_slist_append(hs, h_id);
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, w->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, it->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(it->body));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    else
        snprintf(err, errcap, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
    if (rc == CURLE_OK && (code < 200 || code > 299))
        snprintf(err, errcap, "HTTP %ld", code);
    curl_slist_free_all(hs);
    curl_easy_cleanup(c);
    return (int)code;
}

static void *run(void *arg)
{
    struct webhooks *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        bool stop = w->stop;
        pthread_mutex_unlock(&w->mu);
        if (stop)
            break;
        w->n = 0;
        enum ej_err rc = srv_job_now(w->srv, prepare, w);
        if (rc != EJ_OK)
            fprintf(stderr, "ereje: webhooks: %s\n", ej_strerror(rc));
        for (size_t i = 0; rc == EJ_OK && i < w->n; i++) {
            /* stopping: the rest stay pending for the next start */
            pthread_mutex_lock(&w->mu);
            bool stopping = w->stop;
            pthread_mutex_unlock(&w->mu);
            if (stopping)
                break;
            char err[256];
            int code = post(w, &w->items[i], err, sizeof err);
            webhook_attempt(&w->items[i].row, code, err, srv_now_ms(),
                            w->max_attempts);
        }
        if (rc == EJ_OK && w->n) {
            rc = srv_job_now(w->srv, record, w);
            if (rc != EJ_OK)
                fprintf(stderr, "ereje: webhooks: recording: %s\n",
                        ej_strerror(rc));
        }
        /* a failed round pauses too: with the store busy, the same batch
         * must not be posted again at once */
        bool full = rc == EJ_OK && w->n == WEBHOOK_BATCH;
        webhook_items_free(w->items, w->n);
        w->n = 0;
        if (full)
            continue; /* more are due: no pause */
        /* a short pause, cut short by stop */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 300 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_mutex_lock(&w->mu);
        if (!w->stop)
            pthread_cond_timedwait(&w->cv, &w->mu, &until);
        pthread_mutex_unlock(&w->mu);
    }
    return NULL;
}

int webhooks_start(struct srv *s, const char *url, const char *secret_file,
                   int max_attempts, struct webhooks **out)
{
    const char *why = NULL;
    struct webhooks *w = calloc(1, sizeof *w);
    if (!w)
        return 3;
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        fprintf(stderr, "ereje: serve: --webhook-url '%s': an http:// or "
                        "https:// URL\n",
                url);
        free(w);
        return 2;
    }
    enum ej_err rc = webhook_secret_load(secret_file, w->key, &w->keylen,
                                         &why);
    if (rc != EJ_OK) {
        fprintf(stderr, "ereje: serve: --webhook-secret-file %s: %s\n",
                secret_file, why);
        free(w);
        return rc == EJ_INVALID ? 2 : 3;
    }
    w->srv = s;
    w->url = strdup(url);
    w->max_attempts = max_attempts > 0 ? max_attempts : 8;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    rc = srv_job_now(s, init_cursor, w);
    if (rc != EJ_OK)
        fprintf(stderr, "ereje: serve: webhooks: %s\n", ej_strerror(rc));
    if (rc != EJ_OK || !w->url || pthread_create(&w->th, NULL, run, w) != 0) {
        webhooks_stop(w);
        return 3;
    }
    w->started = true;
    *out = w;
    return 0;
}

void webhooks_stop(struct webhooks *w)
{
    if (!w)
        return;
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        w->stop = true;
        pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->th, NULL);
    }
    sodium_memzero(w->key, sizeof w->key);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w->url);
    free(w);
}
