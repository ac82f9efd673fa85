/* ingest.h: platform events into the store, idempotent by event id.
 *
 * A batch is applied in one transaction: each valid event is appended to
 * the audit chain (identity data replaced by its keyed hash; the data
 * itself goes encrypted into the identities table) and folded into the
 * account state; every case transition it causes is appended as its own
 * event with the rule and pack version. An invalid event is rejected
 * alone; a replayed id changes nothing. Event types and fields:
 * docs/EVENTS.md. */
#ifndef EJ_INGEST_H
#define EJ_INGEST_H

#include <jansson.h>

#include "ereje/ereje.h"
#include "ereje/store.h"
#include "reupload.h"
#include "vault.h"

#define INGEST_MAX_BATCH 10000

enum ingest_status { INGEST_ACCEPTED, INGEST_DUPLICATE, INGEST_REJECTED };

struct ingest_result {
    enum ingest_status status;
    const char *code;      /* when rejected: a stable code */
    char message[200];
};

struct ingest_stats {
    size_t accepted, duplicates, rejected, transitions;
};

struct ingest;

/* st and p must outlive the ingest; v may be NULL (then events carrying
 * identity data are rejected with IDENTITY_KEY_MISSING). */
enum ej_err ingest_new(struct ej_store *st, const struct ej_policy *p,
                       const struct vault *v, struct ingest **out);
/* Frees g without writing its accounts back: nothing is lost, the
 * batches' deltas hold them (ingest_flush). */
void ingest_free(struct ingest *g);
/* Check content.published against the re-upload bank too (r outlives g). */
void ingest_set_reupload(struct ingest *g, struct reupload *r);
/* Check content.published events with this classifier and labeler (both
 * must outlive g); without it they are rejected (CONTENT_MODEL_MISSING). */
enum ej_err ingest_set_content(struct ingest *g,
                               const struct ej_classifier *cls,
                               const struct ej_labeler *lab);

/* Apply n events (JSON objects; a NULL entry is rejected as BAD_JSON with
 * parse_errors[i] as its message when given) in one transaction. results
 * gets one entry per event. EJ_OK when the transaction committed;
 * otherwise nothing was applied. */
enum ej_err ingest_batch(struct ingest *g, json_t *const *events, size_t n,
                         const char *const *parse_errors,
                         int64_t recorded_ms, struct ingest_result *results,
                         struct ingest_stats *stats);

/* Account state is written behind (store.h, version 2): ingest_batch
 * folds accounts in memory and commits, with each batch, one delta of the
 * accounts it changed; readers bring the accounts table up to date first
 * (acc_sync). Write the accounts changed since g took them over into the
 * table and drop the deltas, in one transaction: what a long ingest does
 * at its end so that the database is left tidy. Also done by ingest_batch
 * past a bound (ingest_set_cache_max). */
enum ej_err ingest_flush(struct ingest *g);
/* Write back once more than n accounts are held, or more than n account
 * states were recorded as deltas since the last write-back (ACACHE_MAX
 * unless set; the tests set a small one). */
void ingest_set_cache_max(struct ingest *g, size_t n);
/* Write each batch's accounts to the table in the batch's transaction,
 * with no delta: for an ingest that lives for one request (the service's
 * POST /v1/events), so that the database it leaves carries no delta and
 * its readers need not write. */
void ingest_set_write_through(struct ingest *g);

#endif
