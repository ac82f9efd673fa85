/* server.h: the HTTP/JSON service (libmicrohttpd). Shared by its files;
 * the CLI starts it through srv_run. */
#ifndef EJ_SERVER_H
#define EJ_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "ereje/ereje.h"
#include "ereje/store.h"
#include "jw.h"
#include "regjson.h"
#include "vault.h"

#define SRV_MAX_BODY_DEFAULT (64 * 1024)
#define SRV_MAX_BODY_LIMIT (16 * 1024 * 1024)
#define SRV_MAX_HEADER_BYTES (8 * 1024)
#define SRV_JSON_DEPTH 32
/* An oversize body is read and discarded up to this much, then cut off. */
#define SRV_DISCARD_LIMIT (16 * 1024 * 1024)
#define SRV_SCRATCH_MAX 64 /* pooled classification scratches */

struct srv_opts {
    const char *db;        /* SQLite file */
    const char *key_file;  /* identity-data key (keys init), or NULL */
    const char *listen;    /* "127.0.0.1:8080"; port 0 picks a free one */
    unsigned threads;      /* MHD thread pool; 0 = number of cores */
    size_t max_body;       /* bytes */
    const char *model;     /* content model (--model), or NULL: default */
    const char *webhook_url;         /* or NULL: no webhooks */
    const char *webhook_secret_file;
    int webhook_max_attempts;        /* 0: 8 */
    unsigned drain_s;      /* on SIGTERM, wait at most this long for
                              uploads still coming in; 0: 30 */
};

/* Run until SIGTERM or SIGINT; returns a CLI exit status. p stays owned by
 * the caller and must outlive the call. */
int srv_run(struct ej_policy *p, const struct srv_opts *o);

/* --- pieces ------------------------------------------------------------- */

struct srv;
struct reupload;
struct req;

/* A route: dispatch is data (router.c holds the table). */
struct route {
    const char *method;
    const char *path;      /* a final "{id}" matches one path segment */
    unsigned roles;        /* EJ_ROLE_* bits allowed; 0 = no key needed */
    void (*handler)(struct srv *s, struct req *r);
    const char *summary;
    size_t max_body;       /* 0: the server's --max-body */
};

extern const struct route srv_routes[];
extern const size_t srv_n_routes;

/* Find the route for method and path; *status is 404 or 405 when none.
 * For a "{id}" route the segment is copied to param (at most 128 bytes,
 * else no match). */
const struct route *router_find(const char *method, const char *path,
                                int *status, char param[129]);
/* The methods the routes of path take, as an Allow header value ("GET,
 * POST"); "" when none. */
void router_allow(const char *path, char out[48]);

/* --- metrics (metrics.c) ------------------------------------------------ */

#define MET_ROUTES 32 /* routes + one slot for "no route" (the last) */
#define MET_NO_ROUTE (MET_ROUTES - 1)
#define MET_BUCKETS 12
#define MET_CODES 13
#define MET_MAX_RULES 8

struct metrics {
    atomic_ullong requests[MET_ROUTES][MET_CODES]; /* [route][code index] */
    atomic_ullong latency[MET_ROUTES][MET_BUCKETS]; /* cumulative-free */
    atomic_ullong latency_sum_us[MET_ROUTES];
    atomic_ullong decisions[3];              /* by final decision */
    atomic_ullong rule_outcomes[MET_MAX_RULES][2][3]; /* [rule][mode][out] */
    atomic_ullong events_committed, commit_batches, commit_errors;
};

void metrics_request(struct metrics *m, size_t route, int status,
                     double seconds);
/* Prometheus text format into a new string (free()). */
char *metrics_render(struct metrics *m, const struct ej_regcheck *gate,
                     const struct ej_policy *p, size_t *len);

/* --- API keys (keys.c) -------------------------------------------------- */

#define KEY_TEXT_LEN 68 /* "ejk_" + 64 hex */

/* A new random key (NUL-terminated) and its hash and id. */
void keys_generate(char key[KEY_TEXT_LEN + 1], char id[17],
                   unsigned char hash[EJ_HASH_LEN]);
void keys_hash(const char *key, size_t len, unsigned char hash[EJ_HASH_LEN]);

struct keycache;
enum ej_err keycache_new(const char *db, struct keycache **out);
void keycache_free(struct keycache *k);
/* Role of a bearer key; EJ_NOT_FOUND for an unknown key. Thread-safe. */
enum ej_err keycache_lookup(struct keycache *k, const char *key, size_t len,
                            enum ej_role *role, char key_id[65]);

/* --- group commit (committer.c) ----------------------------------------- */

/* An event waiting to be committed, and who to wake when it is. Every
 * string ev points to must live here (or be static): the writer thread
 * reads them after the handler has returned. */
struct pending {
    struct ej_event ev;
    char id[EJ_EVENT_ID_MAX + 1];
    char subject[EJ_EVENT_ID_MAX + 1];
    char *rules, *body;    /* owned (free()) */
    enum ej_err result;
    void (*done)(struct pending *p, void *ctx);
    void *ctx;
    /* Or, instead of an event, work to run on the writer's store in its
     * own transaction(s): ingest, registry reads that record events. */
    enum ej_err (*job)(struct ej_store *st, void *ctx);
    struct pending *next;
};

struct committer;
enum ej_err committer_new(const char *db, struct metrics *m,
                          struct committer **out);
/* Queue p; done(p, ctx) is called from the writer thread after the commit
 * (or failure). */
void committer_submit(struct committer *c, struct pending *p);
/* Commit what is queued, then stop the thread and close the store. */
void committer_free(struct committer *c);

/* --- the server and requests (server.c, http.c) ------------------------- */

struct srv {
    struct ej_policy *policy;
    struct vault *vault;   /* NULL without --key-file */
    struct ej_regcheck *gate;
    struct committer *cm;
    struct keycache *keys;
    struct metrics metrics;
    struct srv_opts opts;
    struct MHD_Daemon *daemon;
    atomic_int active;     /* requests in flight */
    atomic_int committing; /* of those, handed to the committer and not
                              yet replying */
    atomic_bool no_commit; /* drain time is up: refuse to commit */
    atomic_bool stopping;  /* SIGTERM seen: refuse new requests */
    char id_prefix[17];    /* random per process, hex */
    atomic_ullong id_seq;
    /* Content labelling; NULL when the model could not be loaded (the
     * content routes then answer 503). */
    struct ej_classifier *cls;
    struct ej_labeler *lab;
    struct reupload *reup; /* fingerprints of removed content */
    struct webhooks *wh;   /* NULL without --webhook-url */
    pthread_mutex_t scratch_lock;
    struct ej_content_scratch *scratch[SRV_SCRATCH_MAX];
    size_t n_scratch;
};

/* Run fn on the writer's connection (a job) and wait for it; its
 * result. For threads other than MHD's (webhooks, sweeps). */
enum ej_err srv_job_now(struct srv *s,
                        enum ej_err (*fn)(struct ej_store *st, void *ctx),
                        void *ctx);

/* Webhook deliveries (webhooks.c): start the thread (an exit status: 0,
 * or 2 for bad options with a message) and stop it. */
struct webhooks;
int webhooks_start(struct srv *s, const char *url, const char *secret_file,
                   int max_attempts, struct webhooks **out);
void webhooks_stop(struct webhooks *w);

/* Per-request classification memory, pooled (api_content.c). NULL when
 * out of memory. */
struct ej_content_scratch *srv_scratch_get(struct srv *s);
void srv_scratch_put(struct srv *s, struct ej_content_scratch *sc);
void srv_scratch_free_all(struct srv *s);

/* A new event id: prefix, the process's random prefix, a counter; unique
 * across restarts without a system call per id. out holds
 * EJ_EVENT_ID_MAX + 1 bytes. */
void srv_event_id(struct srv *s, const char *prefix, char *out);

enum req_state { REQ_NEW, REQ_BODY, REQ_WAITING, REQ_DONE };

struct req {
    struct srv *srv;
    struct MHD_Connection *conn;
    const struct route *route;
    size_t route_index;
    int route_status;      /* 404/405 when no route */
    enum req_state state;
    char *body;
    size_t len, cap;
    bool too_big;
    bool denied;           /* the key was refused: the body is discarded */
    bool counted;          /* counted in srv.committing */
    char allow[48];        /* a 405's Allow header (router_allow) */
    size_t discarded;      /* bytes of an oversize body thrown away */
    bool sent;             /* a response was queued */
    bool close;            /* ask the client to close the connection */
    bool committing;       /* handed to the committer (request thread) */
    void (*finish)(struct req *r); /* builds the reply after the commit */
    char param[129];       /* the {id} of the route */
    void *work;            /* a handler's own state (freed by free_work) */
    void (*free_work)(void *work);
    double t0;
    enum ej_role role;
    char key_id[65];
    int status;            /* reply status once known */
    json_t *reply;         /* reply body once known */
    struct jw out;         /* or a reply written as text ... */
    bool open_reply;       /* ... still open for the committed event */
    char *raw;             /* or a non-JSON body (free()), with ... */
    size_t raw_len;
    const char *raw_type;  /* ... its content type */
    struct pending pend;
};

/* Set the reply: status and a JSON body (reference stolen). */
void req_reply(struct req *r, int status, json_t *body);
/* A reply written with jw (a newline is added); 500 when it failed. */
void req_reply_jw(struct req *r, int status, struct jw *w);
/* {"error":{"code":...,"message":...}} */
void req_error(struct req *r, int status, const char *code,
               const char *message);
/* A parser's refusal as "field: message" with its code: 413 for TOO_BIG,
 * 500 for INTERNAL (no memory), else 400. */
void req_error_field(struct req *r, const struct rj_error *e);
/* Parse the body as a JSON object within the depth limit; on failure
 * replies 400 and returns NULL. */
json_t *req_json(struct req *r);
/* Parse an ISO 8601 instant with an offset from a request's field; it
 * must be writable as a date in UTC (years 0001-9999). Replies 400 (the
 * error's code, naming field) and returns false otherwise. */
bool req_instant(struct req *r, const char *field, const char *text,
                 size_t len, int64_t *out);
/* Any JSON value within the depth limit; replies 400 and returns NULL. */
json_t *req_json_any(struct req *r);
bool json_depth_ok(const char *s, size_t n);
/* Hand r->pend (an event, or a job when r->pend.job is set) to the
 * committer and suspend the connection until done. */
void req_commit(struct req *r);
/* Wall-clock time in ms (the server's, never the core's). */
int64_t srv_now_ms(void);

/* Handlers. */
void api_healthz(struct srv *s, struct req *r);
void api_metrics(struct srv *s, struct req *r);
void api_registration_check(struct srv *s, struct req *r);
void api_events(struct srv *s, struct req *r);
void api_registry(struct srv *s, struct req *r);
void api_account(struct srv *s, struct req *r);
void api_order_add(struct srv *s, struct req *r);
void api_order_list(struct srv *s, struct req *r);
void api_order_show(struct srv *s, struct req *r);
void api_order_pause(struct srv *s, struct req *r);
void api_order_resume(struct srv *s, struct req *r);
void api_order_close(struct srv *s, struct req *r);
void api_complaint_add(struct srv *s, struct req *r);
void api_complaint_show(struct srv *s, struct req *r);
void api_complaint_decide(struct srv *s, struct req *r);
void api_complaint_notified(struct srv *s, struct req *r);
void api_content_check(struct srv *s, struct req *r);
void api_author_quals_add(struct srv *s, struct req *r);
void api_author_quals_list(struct srv *s, struct req *r);

enum MHD_Result http_handler(void *cls, struct MHD_Connection *conn,
                             const char *url, const char *method,
                             const char *version, const char *upload_data,
                             size_t *upload_data_size, void **con_cls);
void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe);

#endif
