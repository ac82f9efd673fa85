/* server.c: starts and stops the service: the store connections, the
 * gate, libmicrohttpd with an epoll thread pool bound to the given address
 * (127.0.0.1 unless told otherwise), and a graceful stop on SIGTERM or
 * SIGINT: stop accepting, finish requests in flight, commit what is
 * queued, close the store. */
#include "server.h"

#include "contentjson.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>
#include <sodium.h>

#include "orders.h"
#include <curl/curl.h>

#include "reupload.h"
#include "sweep.h"

void srv_event_id(struct srv *s, const char *prefix, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned long long n = atomic_fetch_add(&s->id_seq, 1) + 1;
    size_t o = strlen(prefix);
    memcpy(out, prefix, o);
    memcpy(out + o, s->id_prefix, 16);
    o += 16;
    out[o++] = '_';
    char t[20];
    size_t k = 0;
    do {
        t[k++] = hex[n & 15];
        n >>= 4;
    } while (n);
    while (k)
        out[o++] = t[--k];
    out[o] = '\0';
}

#define SWEEP_EVERY_S 60

struct sweep_job {
    struct pending pend;
    struct srv *srv;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
    size_t escalated, alerts, breaches, unknown;
};

static enum ej_err sweep_job(struct ej_store *st, void *ctx)
{
    struct sweep_job *j = ctx;
    int64_t now = srv_now_ms();
    enum ej_err rc = cases_sweep(st, j->srv->policy, now, now, &j->escalated,
                                 &j->unknown);
    if (rc == EJ_OK)
        rc = orders_sweep(st, j->srv->policy, now, &j->alerts, &j->breaches);
    /* fingerprints from orders closed by the CLI meanwhile */
    if (rc == EJ_OK)
        rc = reupload_load(j->srv->reup, st);
    return rc;
}

static enum ej_err bank_job(struct ej_store *st, void *ctx)
{
    struct sweep_job *j = ctx;
    return reupload_load(j->srv->reup, st);
}

static void sweep_done(struct pending *p, void *ctx)
{
    struct sweep_job *j = ctx;
    (void)p;
    pthread_mutex_lock(&j->mu);
    j->done = true;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
}

/* Run a job on the writer's connection and wait for it. */
static void job_now(struct sweep_job *j,
                    enum ej_err (*fn)(struct ej_store *st, void *ctx))
{
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    j->pend.job = fn;
    j->pend.done = sweep_done;
    j->pend.ctx = j;
    committer_submit(j->srv->cm, &j->pend);
    pthread_mutex_lock(&j->mu);
    while (!j->done)
        pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
}

struct now_job {
    struct sweep_job j; /* the waiting machinery */
    enum ej_err (*fn)(struct ej_store *st, void *ctx);
    void *ctx;
};

static enum ej_err now_run(struct ej_store *st, void *ctx)
{
    struct now_job *n = ctx;
    return n->fn(st, n->ctx);
}

enum ej_err srv_job_now(struct srv *s,
                        enum ej_err (*fn)(struct ej_store *st, void *ctx),
                        void *ctx)
{
    struct now_job n;
    memset(&n, 0, sizeof n);
    n.j.srv = s;
    n.fn = fn;
    n.ctx = ctx;
    pthread_mutex_init(&n.j.mu, NULL);
    pthread_cond_init(&n.j.cv, NULL);
    n.j.pend.job = now_run;
    n.j.pend.done = sweep_done;
    n.j.pend.ctx = &n;
    committer_submit(s->cm, &n.j.pend);
    pthread_mutex_lock(&n.j.mu);
    while (!n.j.done)
        pthread_cond_wait(&n.j.cv, &n.j.mu);
    pthread_mutex_unlock(&n.j.mu);
    pthread_cond_destroy(&n.j.cv);
    pthread_mutex_destroy(&n.j.mu);
    return n.j.pend.result;
}

/* Load the re-upload bank before serving. */
static enum ej_err load_bank(struct srv *s)
{
    struct sweep_job j;
    memset(&j, 0, sizeof j);
    j.srv = s;
    job_now(&j, bank_job);
    return j.pend.result;
}

/* Run one sweep on the writer's connection and wait for it. */
static void sweep_now(struct srv *s)
{
    struct sweep_job j;
    memset(&j, 0, sizeof j);
    j.srv = s;
    job_now(&j, sweep_job);
    if (j.pend.result != EJ_OK)
        fprintf(stderr, "ereje: case sweep failed: %s\n",
                ej_strerror(j.pend.result));
    if (j.pend.result == EJ_OK && j.unknown)
        fprintf(stderr,
                "ereje: %zu open case(s) have no deadline: the calendar "
                "does not cover it; add the next year's non-working days\n",
                j.unknown);
    if (j.pend.result != EJ_OK)
        ;
    else if (j.escalated || j.alerts || j.breaches)
        fprintf(stderr,
                "ereje: sweep: %zu case(s) escalated, %zu order alert(s), "
                "%zu order breach(es)\n",
                j.escalated, j.alerts, j.breaches);
}

/* "HOST:PORT" or "[V6]:PORT" into a socket address. */
static bool parse_listen(const char *s, struct sockaddr_storage *ss,
                         socklen_t *sl)
{
    char host[64];
    const char *colon;
    memset(ss, 0, sizeof *ss);
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host)
            return false;
        memcpy(host, s + 1, (size_t)(end - s - 1));
        host[end - s - 1] = '\0';
        colon = end + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof host)
            return false;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
    }
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (errno || *end || colon[1] == '\0' || port > 65535)
        return false;
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *sl = sizeof *v4;
        return true;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *sl = sizeof *v6;
        return true;
    }
    return false;
}

int srv_run(struct ej_policy *p, const struct srv_opts *o)
{
    struct srv *s = calloc(1, sizeof *s);
    struct sockaddr_storage ss;
    socklen_t sl;
    int status = 3;
    sigset_t sigs;

    if (!s)
        return 3;
    if (o->webhook_url && curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        free(s);
        return 3;
    }
    s->policy = p;
    s->opts = *o;
    {
        unsigned char rnd[8];
        if (sodium_init() < 0)
            goto out;
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(s->id_prefix, sizeof s->id_prefix, rnd, sizeof rnd);
    }
    if (!s->opts.listen)
        s->opts.listen = "127.0.0.1:8080";
    if (!s->opts.max_body)
        s->opts.max_body = SRV_MAX_BODY_DEFAULT;
    if (!s->opts.threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->opts.threads = n < 1 ? 2 : n > 64 ? 64 : (unsigned)n;
    }
    if (!parse_listen(s->opts.listen, &ss, &sl)) {
        fprintf(stderr, "ereje: serve: --listen '%s': expected HOST:PORT, "
                        "e.g. 127.0.0.1:8080\n", s->opts.listen);
        status = 2;
        goto out;
    }
    pthread_mutex_init(&s->scratch_lock, NULL);
    {
        /* The content model is optional: without it the content routes
         * answer 503 and content.published events are rejected. */
        char why[512];
        const char *mp = cj_model_path(s->opts.model);
        enum ej_err mrc = cj_model_load(mp, &s->cls, why, sizeof why);
        if (mrc != EJ_OK) {
            /* A model asked for by name must load; the default may be
             * missing (make train not run). As classify: a file that
             * cannot be read is 3, one that is not a model 2. */
            if (s->opts.model) {
                fprintf(stderr, "ereje: serve: --model: %s\n", why);
                status = mrc == EJ_IO ? 3 : 2;
                goto out;
            }
            fprintf(stderr, "ereje: serve: content labelling off: %s\n",
                    why);
        } else if (ej_labeler_new(p, &s->lab) != EJ_OK) {
            fprintf(stderr, "ereje: serve: content labelling off: the packs "
                            "have no occult or educational rule\n");
            ej_classifier_free(s->cls);
            s->cls = NULL;
        }
    }
    enum ej_err rc = ej_regcheck_new(p, &s->gate);
    if (rc != EJ_OK) {
        fprintf(stderr, "ereje: serve: no usable min_registration_age rule "
                        "[%s]\n", ej_errname(rc));
        status = 2;
        goto out;
    }
    /* Signals are taken by sigwait below, never by a worker thread. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (o->key_file) {
        const char *why;
        s->vault = calloc(1, sizeof *s->vault);
        if (!s->vault || vault_load(o->key_file, s->vault, &why) != EJ_OK) {
            fprintf(stderr, "ereje: serve: key file %s: %s\n", o->key_file,
                    s->vault && why ? why : "cannot be read");
            status = 2;
            goto out;
        }
    }
    if ((rc = committer_new(o->db, &s->metrics, &s->cm)) != EJ_OK ||
        (rc = keycache_new(o->db, &s->keys)) != EJ_OK ||
        (rc = reupload_new(&s->reup)) != EJ_OK ||
        (rc = load_bank(s)) != EJ_OK) {
        fprintf(stderr, "ereje: serve: cannot open %s: %s\n", o->db,
                ej_strerror(rc));
        goto out;
    }
    if (o->webhook_url) {
        if (!o->webhook_secret_file) {
            fprintf(stderr, "ereje: serve: --webhook-url needs "
                            "--webhook-secret-file\n");
            status = 2;
            goto out;
        }
        int ws = webhooks_start(s, o->webhook_url, o->webhook_secret_file,
                                o->webhook_max_attempts, &s->wh);
        if (ws != 0) {
            status = ws;
            goto out;
        }
    }
    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, http_handler, s, MHD_OPTION_SOCK_ADDR, &ss,
        MHD_OPTION_THREAD_POOL_SIZE, s->opts.threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_MAX_HEADER_BYTES,
        MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_CONNECTION_TIMEOUT,
        30u, MHD_OPTION_NOTIFY_COMPLETED, http_completed, s,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
    if (!s->daemon) {
        fprintf(stderr, "ereje: serve: cannot listen on %s: %s\n",
                s->opts.listen, strerror(errno));
        goto out;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    char host[64];
    if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host,
                  sizeof host);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
                  sizeof host);
    /* One line tests and scripts can wait for. */
    printf("ereje: listening on http://%s%s%s:%u (db %s, %u threads)\n",
           ss.ss_family == AF_INET6 ? "[" : "", host,
           ss.ss_family == AF_INET6 ? "]" : "", port, o->db,
           s->opts.threads);
    fflush(stdout);

    /* Wait for a signal; meanwhile, every minute, escalate overdue cases and
 * log the orders' alerts and breaches. */
    int sig = 0;
    for (;;) {
        struct timespec tmo = {SWEEP_EVERY_S, 0};
        sig = sigtimedwait(&sigs, NULL, &tmo);
        if (sig > 0)
            break;
        sweep_now(s);
    }
    fprintf(stderr, "ereje: %s: stopping\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");

    /* Refuse new requests (503 SHUTTING_DOWN, see http.c) and let those
     * in flight finish: the committer resumes every suspended one, after
     * its commit or its failure (SQLite gives up on a locked database
     * after its busy timeout), so this wait ends. MHD must not be stopped
     * while any connection is suspended. The listen socket is left to
     * MHD_stop_daemon: MHD_quiesce_daemon races with its own epoll worker
     * threads in libmicrohttpd 0.9.75 (both remove the socket from a
     * worker's epoll set; the loser panics, "Failed to remove listen FD
     * from epoll set", and the process aborts with replies unsent). */
    atomic_store(&s->stopping, true);
    /* A client that sends its body a byte at a time would hold this wait
     * forever (each byte restarts MHD's idle timeout). After drain_s,
     * requests that have not reached a commit are refused one (503) and
     * the rest is waited for: those handed to the committer finish, and
     * MHD_stop_daemon closes the connections still uploading (nothing
     * they sent was recorded) and any reply still being read slowly (its
     * event, if it had one, is committed). */
    long drain_ticks = (long)(o->drain_s ? o->drain_s : 30) * 100;
    for (long i = 1; atomic_load(&s->active) > 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (i % 1000 == 0)
            fprintf(stderr, "ereje: waiting for %d request(s) to finish\n",
                    atomic_load(&s->active));
        if (i == drain_ticks) {
            atomic_store(&s->no_commit, true);
            /* Commits end within SQLite's busy timeout; a reply being
             * read slowly no longer counts (http.c send_reply). */
            for (long j = 1; atomic_load(&s->committing) > 0; j++) {
                nanosleep(&ts, NULL);
                if (j % 1000 == 0)
                    fprintf(stderr, "ereje: waiting for %d commit(s)\n",
                            atomic_load(&s->committing));
            }
            fprintf(stderr,
                    "ereje: closing %d request(s) still incoming after %ld s\n",
                    atomic_load(&s->active), drain_ticks / 100);
            break;
        }
    }
    /* The delivery thread submits jobs: stop it before the writer. */
    webhooks_stop(s->wh);
    s->wh = NULL;
    /* Join the writer before stopping MHD: it may still be inside
     * MHD_resume_connection for the last request. */
    committer_free(s->cm);
    s->cm = NULL;
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    status = 0;
out:
    webhooks_stop(s->wh);
    committer_free(s->cm);
    keycache_free(s->keys);
    ej_regcheck_free(s->gate);
    srv_scratch_free_all(s);
    reupload_free(s->reup);
    ej_labeler_free(s->lab);
    ej_classifier_free(s->cls);
    pthread_mutex_destroy(&s->scratch_lock);
    if (s->vault) {
        vault_wipe(s->vault);
        free(s->vault);
    }
    if (o->webhook_url)
        curl_global_cleanup();
    free(s);
    return status;
}
