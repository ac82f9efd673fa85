/* committer.c: group commit. Request threads queue events; one writer
 * thread appends everything queued in one transaction and then wakes each
 * request, which replies only after its event is committed. Under load
 * this turns thousands of commits a second into a few large ones. */
#include "server.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#define MAX_BATCH 4096
#ifndef GATHER_MIN
#define GATHER_MIN 32
#endif
#ifndef GATHER_US
#define GATHER_US 200
#endif

struct committer {
    struct ej_store *store;
    struct metrics *m;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pending *head, *tail;
    size_t qlen;
    bool stopping;
    pthread_t thread;
    struct ej_event *evs;  /* the writer's batch buffers */
    struct pending **ps;
};

#ifdef EJ_BENCH_NO_STORE
/* Only in bench/'s ereje-bench-nostore, which bench/run.sh runs to measure
 * what a decision costs over HTTP without its append: the events are
 * numbered and dropped. Never in ereje itself. */
static enum ej_err append(struct ej_store *st, struct ej_event *ev, size_t n,
                          size_t *added)
{
    (void)st;
    for (size_t i = 0; i < n; i++)
        ev[i].seq = i + 1;
    *added = n;
    return EJ_OK;
}
#else
static enum ej_err append(struct ej_store *st, struct ej_event *ev, size_t n,
                          size_t *added)
{
    return ej_store_append(st, ev, n, added);
}
#endif

static void *writer(void *arg)
{
    struct committer *c = arg;
    struct ej_event *evs = c->evs;
    struct pending **ps = c->ps;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        while (!c->head && !c->stopping)
            pthread_cond_wait(&c->cv, &c->mu);
        if (!c->head && c->stopping) {
            pthread_mutex_unlock(&c->mu);
            break;
        }
        /* Under load, wait a moment for more events so that one
         * transaction carries many: each commit costs page writes and
         * locks whatever its size. Bounded, so a lone request waits at
         * most GATHER_US. */
        if (c->qlen < GATHER_MIN && !c->stopping) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += GATHER_US * 1000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&c->cv, &c->mu, &ts);
        }
        size_t n = 0;
        while (c->head && n < MAX_BATCH) {
            ps[n++] = c->head;
            c->head = c->head->next;
            c->qlen--;
        }
        if (!c->head)
            c->tail = NULL;
        pthread_mutex_unlock(&c->mu);

        /* In queue order: runs of events go in one transaction; a job runs
         * alone, after the events queued before it. */
        for (size_t i = 0; i < n;) {
            if (ps[i]->job) {
                struct pending *p = ps[i++];
                p->result = p->job(c->store, p->ctx);
                if (p->result != EJ_OK)
                    atomic_fetch_add(&c->m->commit_errors, 1);
                p->done(p, p->ctx);
                continue;
            }
            size_t j = i;
            while (j < n && !ps[j]->job)
                j++;
            size_t added = 0;
            for (size_t k = i; k < j; k++)
                evs[k - i] = ps[k]->ev;
            enum ej_err rc = append(c->store, evs, j - i, &added);
            atomic_fetch_add(&c->m->commit_batches, 1);
            if (rc == EJ_OK)
                atomic_fetch_add(&c->m->events_committed, added);
            else
                atomic_fetch_add(&c->m->commit_errors, 1);
            for (size_t k = i; k < j; k++) {
                struct pending *p = ps[k];
                if (rc == EJ_OK) {
                    p->ev.seq = evs[k - i].seq;
                    memcpy(p->ev.hash, evs[k - i].hash, EJ_HASH_LEN);
                }
                p->result = rc;
                p->done(p, p->ctx);
            }
            i = j;
        }
    }
    return NULL;
}

enum ej_err committer_new(const char *db, struct metrics *m,
                          struct committer **out)
{
    struct committer *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c)
        return EJ_NOMEM;
    c->evs = malloc(MAX_BATCH * sizeof *c->evs);
    c->ps = malloc(MAX_BATCH * sizeof *c->ps);
    if (!c->evs || !c->ps) {
        free(c->evs);
        free(c->ps);
        free(c);
        return EJ_NOMEM;
    }
    enum ej_err rc = ej_store_open(ej_store_sqlite(), db, &c->store);
    if (rc != EJ_OK) {
        free(c->evs);
        free(c->ps);
        free(c);
        return rc;
    }
    c->m = m;
#ifdef EJ_BENCH_NO_STORE
    fputs("ereje-bench-nostore: decisions and events are NOT stored\n",
          stderr);
#endif
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, writer, c) != 0) {
        ej_store_close(c->store);
        free(c->evs);
        free(c->ps);
        free(c);
        return EJ_NOMEM;
    }
    *out = c;
    return EJ_OK;
}

void committer_submit(struct committer *c, struct pending *p)
{
    p->next = NULL;
    pthread_mutex_lock(&c->mu);
    if (c->tail)
        c->tail->next = p;
    else
        c->head = p;
    c->tail = p;
    if (++c->qlen == 1 || c->qlen == GATHER_MIN)
        pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

void committer_free(struct committer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stopping = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    ej_store_close(c->store);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c->evs);
    free(c->ps);
    free(c);
}
