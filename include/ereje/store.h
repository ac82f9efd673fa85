/* store.h: where ereje keeps what it decided: an append-only event stream
 * with a hash chain, and API keys.
 *
 * One versioned interface (struct ej_store_ops) with one backend per
 * database; SQLite is built in, PostgreSQL follows behind the same
 * operations. Callers use the ej_store_* functions only.
 *
 * Events follow Ozone's model: subjects (an account, a piece of content, a
 * registration attempt) and an append-only stream of events about them,
 * from which state is folded. Each event carries
 *   hash = SHA-256(prev_hash || canonical bytes of the event)
 * so that editing, deleting, inserting or reordering any event breaks the
 * chain (ej_store_verify). The chain is unkeyed: it shows tampering by
 * anyone who cannot also rewrite every later hash and the head, so the
 * head must be recorded outside the database from time to time
 * (docs/API.md, "The audit log"). The canonical bytes are, for each field in the
 * order seq, id, type, at_ms, recorded_ms, subject, pack_id, pack_version,
 * rules, body: the field's length as 8 bytes big-endian, then its bytes
 * (integers as decimal text). The first event's prev_hash is 32 zero bytes.
 */
#ifndef EREJE_STORE_H
#define EREJE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/anon.h"
#include "ereje/err.h"
#include "ereje/order.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EJ_HASH_LEN 32
#define EJ_EVENT_ID_MAX 128
#define EJ_EVENT_TYPE_MAX 64
#define EJ_EVENT_FIELD_MAX (256 * 1024)

struct ej_store;

/* One event. Strings are NUL-terminated; subject, pack_id, pack_version
 * may be "" when not applicable; rules is a JSON array text, body a JSON
 * object text. */
struct ej_event {
    uint64_t seq;          /* set by the store on append */
    const char *id;        /* unique; a replayed id is not appended twice */
    const char *type;      /* e.g. "registration.checked" */
    int64_t at_ms;         /* when it happened */
    int64_t recorded_ms;   /* when the store got it */
    const char *subject;
    const char *pack_id;
    const char *pack_version;
    const char *rules;
    const char *body;
    unsigned char prev_hash[EJ_HASH_LEN]; /* set by the store */
    unsigned char hash[EJ_HASH_LEN];      /* set by the store */
    bool malformed;        /* scan: a stored field holds bytes no string
                              written by ereje can (a NUL) */
};

/* A row of encrypted identity data (see lib/store/migrations/0002). */
#define EJ_NONCE_LEN 24
#define EJ_IDENTITY_CT_MAX 4096
struct ej_identity_row {
    int status;                          /* enum ej_identity */
    char method[64];
    bool has_iin_hash;
    unsigned char iin_hash[EJ_HASH_LEN];
    bool has_ciphertext;
    unsigned char nonce[EJ_NONCE_LEN];
    unsigned char ciphertext[EJ_IDENTITY_CT_MAX];
    size_t ct_len;
    int64_t updated_ms;
};

/* An order as stored (lib/store/migrations/0003). Strings are owned by
 * the row: ej_order_row_free. */
struct ej_order_row {
    char *id, *issuer, *number, *basis, *action, *targets;
    char *close_action, *evidence;
    int64_t acked_ms;
    struct ej_order order;
};
EJ_EXTERN void ej_order_row_free(struct ej_order_row *r);

/* A user complaint (lib/store/migrations/0005). Strings are fixed-size
 * copies. */
#define EJ_CMP_FIELD 513
struct ej_complaint_row {
    char id[64];
    int64_t received_ms;
    char category[65];
    char target[EJ_CMP_FIELD];
    char reporter[EJ_CMP_FIELD];
    int64_t decide_due_ms;
    char decision[16];
    char action[32];
    char reason[EJ_CMP_FIELD];
    int64_t decided_ms;
    bool urgent;
    int64_t notify_due_ms;
    int64_t notified_ms;
    char notified_to[EJ_CMP_FIELD];
    char notified_ref[EJ_CMP_FIELD];
};

/* An author's qualification (lib/store/migrations/0007). */
#define EJ_QUAL_TEXT 257
#define EJ_QUAL_ROWS_MAX 64 /* per author, as EJ_QUALS_MAX */
struct ej_qual_row {
    char author[EJ_QUAL_TEXT];
    char doc_type[16];
    char number[EJ_QUAL_TEXT];
    char issuer[EJ_QUAL_TEXT];
    char fields[EJ_QUAL_TEXT];     /* comma-separated */
    char valid_until[11];          /* YYYY-MM-DD or "" */
    char status[16];
    int64_t updated_ms;
};

/* A fingerprint of removed content (lib/store/migrations/0008). */
enum ej_fp_kind { EJ_FP_SHA256, EJ_FP_TEXT, EJ_FP_PDQ /* 0010 */ };
struct ej_fp_row {
    uint64_t seq;            /* set by the store */
    char order_id[EJ_EVENT_ID_MAX + 1];
    enum ej_fp_kind kind;
    unsigned char digest[EJ_HASH_LEN]; /* EJ_FP_SHA256, EJ_FP_PDQ */
    uint64_t simhash;                  /* EJ_FP_TEXT */
    int64_t added_ms;
};

/* A webhook delivery (lib/store/migrations/0009). */
struct ej_wh_row {
    int64_t id;            /* set by the store on add */
    uint64_t event_seq;
    char event_id[EJ_EVENT_ID_MAX + 1];
    char type[64];
    char status[16];       /* pending | delivered | failed */
    int attempts;
    int64_t next_at_ms;
    int last_status;       /* HTTP status of the last attempt, 0: none */
    char last_error[256];
    int64_t delivered_ms;
    int64_t created_ms;
};

enum ej_role {
    EJ_ROLE_PLATFORM = 1,
    EJ_ROLE_MODERATOR = 2,
    EJ_ROLE_AUDITOR = 4,
    EJ_ROLE_ADMIN = 8,
};

/* One account's whole folded state, as written behind (acc_delta_add,
 * acc_flush). id at most EJ_EVENT_ID_MAX bytes, service at most 31. */
struct ej_acc_state {
    const char *id;
    const char *service;
    struct ej_account a;
};

struct ej_store_ops {
    int version; /* 2: version 1 plus the account write-behind (acc_*) */
    const char *name;
    enum ej_err (*open)(const char *path, struct ej_store **out);
    void (*close)(struct ej_store *s);
    /* Append events in one transaction, in order; sets seq and hashes.
     * An event whose id is already stored is skipped (its seq stays 0).
     * *n_added counts the appended ones. Nothing is appended on error,
     * also inside a caller's transaction (a savepoint is rolled back). */
    enum ej_err (*append)(struct ej_store *s, struct ej_event *ev, size_t n,
                          size_t *n_added);
    /* Calls fn for each event with seq >= from_seq (from_seq 0: every row,
     * whatever its seq), in seq order, until fn returns non-zero (then
     * EJ_OK). Event strings live until fn returns. */
    enum ej_err (*scan)(struct ej_store *s, uint64_t from_seq,
                        int (*fn)(const struct ej_event *ev, void *ctx),
                        void *ctx);
    /* The last event's seq and hash as recorded in the chain head (0 and
     * zeros for an empty stream). */
    enum ej_err (*head)(struct ej_store *s, uint64_t *seq,
                        unsigned char hash[EJ_HASH_LEN]);
    enum ej_err (*key_add)(struct ej_store *s, const char *key_id,
                           enum ej_role role,
                           const unsigned char hash[EJ_HASH_LEN],
                           const char *label, int64_t created_ms);
    /* EJ_NOT_FOUND when no key has this hash. key_id gets up to 64 bytes
     * with its NUL. */
    enum ej_err (*key_find)(struct ej_store *s,
                            const unsigned char hash[EJ_HASH_LEN],
                            enum ej_role *role, char key_id[65]);

    /* Transactions spanning several operations (ingest): append inside an
     * open transaction joins it. */
    enum ej_err (*begin)(struct ej_store *s);
    enum ej_err (*commit)(struct ej_store *s);
    void (*rollback)(struct ej_store *s);
    /* A read transaction: every read until read_end sees one snapshot
     * (verify reads the head and the stream consistently while a service
     * writes). */
    enum ej_err (*read_begin)(struct ej_store *s);
    void (*read_end)(struct ej_store *s);
    /* Mark a key revoked; EJ_NOT_FOUND when no live key has this id. */
    enum ej_err (*key_revoke)(struct ej_store *s, const char *key_id,
                              int64_t at_ms);

    /* Folded account state. service gets up to 31 bytes and its NUL. */
    enum ej_err (*account_get)(struct ej_store *s, const char *id,
                               struct ej_account *a, char service[32],
                               bool *found);
    /* service NULL keeps the stored one. */
    enum ej_err (*account_put)(struct ej_store *s, const char *id,
                               const struct ej_account *a,
                               const char *service);
    /* Each account with its state (only those in the registry when
     * registry_only), in id order, until fn returns non-zero. */
    enum ej_err (*accounts_scan)(struct ej_store *s, bool registry_only,
                                 int (*fn)(const char *id,
                                           const struct ej_account *a,
                                           void *ctx),
                                 void *ctx);
    enum ej_err (*daily_put)(struct ej_store *s, const char *id, int32_t day,
                             uint32_t followers);
    /* The counts of days from_day..to_day that have one, oldest first. */
    enum ej_err (*daily_window)(struct ej_store *s, const char *id,
                                int32_t from_day, int32_t to_day,
                                uint32_t *out, size_t cap, size_t *n);
    enum ej_err (*identity_put)(struct ej_store *s, const char *account,
                                const struct ej_identity_row *row);
    enum ej_err (*identity_get)(struct ej_store *s, const char *account,
                                struct ej_identity_row *row, bool *found);
    /* Orders: insert or replace by id; get (EJ_NOT_FOUND); scan by
     * received time. The row's strings are copied. */
    enum ej_err (*order_put)(struct ej_store *s, const struct ej_order_row *r);
    enum ej_err (*order_get)(struct ej_store *s, const char *id,
                             struct ej_order_row *out);
    enum ej_err (*orders_scan)(struct ej_store *s,
                               int (*fn)(const struct ej_order_row *r,
                                         void *ctx),
                               void *ctx);
    /* Complaints: insert or replace; get (EJ_NOT_FOUND). */
    enum ej_err (*complaint_put)(struct ej_store *s,
                                 const struct ej_complaint_row *r);
    enum ej_err (*complaint_get)(struct ej_store *s, const char *id,
                                 struct ej_complaint_row *out);
    /* The accounts whose identity carries this keyed IIN hash. */
    enum ej_err (*identity_find)(struct ej_store *s,
                                 const unsigned char iin_hash[EJ_HASH_LEN],
                                 int (*fn)(const char *account, void *ctx),
                                 void *ctx);
    /* The day's unique users, unless a report with a later at_ms is
     * already stored. */
    enum ej_err (*audience_put)(struct ej_store *s, int32_t day,
                                int64_t users, int64_t at_ms);
    /* Sum and count of the reported days from_day..to_day. */
    enum ej_err (*audience_sum)(struct ej_store *s, int32_t from_day,
                                int32_t to_day, uint64_t *sum, int *days);
    /* Qualifications: insert or replace by (author, doc_type, number);
     * an author's rows into out, verified ones first, then oldest first;
     * EJ_TOO_BIG with *n = max when there are more. */
    enum ej_err (*qual_put)(struct ej_store *s, const struct ej_qual_row *r);
    enum ej_err (*quals_get)(struct ej_store *s, const char *author,
                             struct ej_qual_row *out, size_t max,
                             size_t *n);
    /* Fingerprints: append one; call fn for each with seq > after, in
     * seq order (fn returns non-zero to stop). */
    enum ej_err (*fp_add)(struct ej_store *s, const struct ej_fp_row *r);
    enum ej_err (*fp_scan)(struct ej_store *s, uint64_t after,
                           int (*fn)(const struct ej_fp_row *r, void *ctx),
                           void *ctx);
    /* Webhooks: the cursor (last event seq considered; EJ_NOT_FOUND
     * before the first set);
     * add a delivery (an event_seq already queued is skipped); the due
     * pending ones (at most max); update one by id; all, or those with a
     * status, in id order. */
    enum ej_err (*wh_cursor)(struct ej_store *s, uint64_t *seq);
    enum ej_err (*wh_set_cursor)(struct ej_store *s, uint64_t seq);
    enum ej_err (*wh_add)(struct ej_store *s, struct ej_wh_row *r);
    enum ej_err (*wh_due)(struct ej_store *s, int64_t now_ms,
                          struct ej_wh_row *out, size_t max, size_t *n);
    /* ... update only while its attempts are expect_attempts (-1: any);
     * EJ_NOT_FOUND otherwise */
    enum ej_err (*wh_update)(struct ej_store *s, const struct ej_wh_row *r,
                             int expect_attempts);
    enum ej_err (*wh_scan)(struct ej_store *s, const char *status,
                           int (*fn)(const struct ej_wh_row *r, void *ctx),
                           void *ctx);
    /* Every complaint, in receipt order (fn returns non-zero to stop). */
    enum ej_err (*complaints_scan)(struct ej_store *s,
                                   int (*fn)(const struct ej_complaint_row *r,
                                             void *ctx),
                                   void *ctx);

    /* Account write-behind (version 2). An ingest folds accounts in memory
     * and records, with each batch's events, the new state of every
     * account the batch changed: a delta. The accounts table with the
     * deltas applied in order is the current state, so:
     *  - a reader of account_get or accounts_scan calls acc_sync first
     *    (not inside read_begin): it applies the deltas to the table and
     *    deletes them, in its own write transaction unless one is open;
     *  - a writer that changes accounts other than through its own deltas
     *    calls acc_own inside its write transaction: it syncs and moves
     *    the generation on, and returns the new one;
     *  - an ingest keeps its in-memory copy only while acc_gen is still the
     *    generation its own acc_own returned; acc_flush, in its write
     *    transaction, then writes the copy's changed accounts and deletes
     *    the deltas (all of them are its own).
     * A crash loses no state: the deltas are committed with the events.
     * A delta that is damaged (it carries a BLAKE2b tag) makes acc_sync
     * and acc_own fail with EJ_IO, applying none of it. */
    enum ej_err (*acc_delta_add)(struct ej_store *s,
                                 const struct ej_acc_state *v, size_t n);
    enum ej_err (*acc_sync)(struct ej_store *s);
    enum ej_err (*acc_own)(struct ej_store *s, uint64_t *gen);
    enum ej_err (*acc_gen)(struct ej_store *s, uint64_t *gen);
    enum ej_err (*acc_flush)(struct ej_store *s,
                             const struct ej_acc_state *v, size_t n);
};

/* The SQLite backend (WAL, numbered migrations). */
EJ_EXTERN const struct ej_store_ops *ej_store_sqlite(void);

/* Open the store at path with the backend; creates and migrates. */
EJ_EXTERN enum ej_err ej_store_open(const struct ej_store_ops *ops,
                                    const char *path, struct ej_store **out);
EJ_EXTERN void ej_store_close(struct ej_store *s);
EJ_EXTERN enum ej_err ej_store_append(struct ej_store *s, struct ej_event *ev,
                                      size_t n, size_t *n_added);
EJ_EXTERN enum ej_err ej_store_scan(struct ej_store *s, uint64_t from_seq,
                                    int (*fn)(const struct ej_event *ev,
                                              void *ctx),
                                    void *ctx);
EJ_EXTERN enum ej_err ej_store_key_add(struct ej_store *s, const char *key_id,
                                       enum ej_role role,
                                       const unsigned char hash[EJ_HASH_LEN],
                                       const char *label, int64_t created_ms);
EJ_EXTERN enum ej_err ej_store_key_find(struct ej_store *s,
                                        const unsigned char hash[EJ_HASH_LEN],
                                        enum ej_role *role, char key_id[65]);
/* The operations table of an open store (for the account and identity
 * operations above, called as ej_store_ops_of(s)->account_get(s, ...)). */
EJ_EXTERN const struct ej_store_ops *ej_store_ops_of(const struct ej_store *s);

/* Hash of an event given its prev_hash: SHA-256 (libcrypto) over prev_hash
 * and the canonical bytes. EJ_IO when libcrypto fails. */
EJ_EXTERN enum ej_err ej_event_hash(const struct ej_event *ev,
                                    const unsigned char prev[EJ_HASH_LEN],
                                    unsigned char out[EJ_HASH_LEN]);

/* Result of checking the chain. */
struct ej_verify_result {
    bool ok;
    uint64_t events;       /* events checked */
    uint64_t bad_seq;      /* first bad event's seq (or the seq expected) */
    char bad_id[EJ_EVENT_ID_MAX + 1];
    const char *problem;   /* static text: what is wrong */
    unsigned char head[EJ_HASH_LEN];
};

/* Walk every row of the stream: seq must run 1, 2, 3, ... up to the chain
 * head's seq; each prev_hash must be the previous hash; each hash must
 * match the event's bytes; the last hash must match the chain head. */
EJ_EXTERN enum ej_err ej_store_verify(struct ej_store *s,
                                      struct ej_verify_result *out);

EJ_EXTERN const char *ej_role_name(enum ej_role r);
EJ_EXTERN bool ej_role_parse(const char *s, enum ej_role *out);

#ifdef __cplusplus
}
#endif
#endif
