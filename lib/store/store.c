/* store.c: the backend-independent part of the store: dispatch through the
 * versioned ops table, the event hash, and chain verification. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "ereje/store.h"
#include "store_int.h"

enum ej_err ej_store_open(const struct ej_store_ops *ops, const char *path,
                          struct ej_store **out)
{
    *out = NULL;
    if (!ops || ops->version != 2)
        return EJ_INVALID;
    if (sodium_init() < 0)
        return EJ_IO;
    enum ej_err rc = ops->open(path, out);
    if (rc == EJ_OK)
        (*out)->ops = ops;
    return rc;
}

const struct ej_store_ops *ej_store_ops_of(const struct ej_store *s)
{
    return s->ops;
}

void ej_store_close(struct ej_store *s)
{
    if (s)
        s->ops->close(s);
}

enum ej_err ej_store_append(struct ej_store *s, struct ej_event *ev, size_t n,
                            size_t *n_added)
{
    return s->ops->append(s, ev, n, n_added);
}

enum ej_err ej_store_scan(struct ej_store *s, uint64_t from_seq,
                          int (*fn)(const struct ej_event *, void *), void *ctx)
{
    return s->ops->scan(s, from_seq, fn, ctx);
}

enum ej_err ej_store_key_add(struct ej_store *s, const char *key_id,
                             enum ej_role role,
                             const unsigned char hash[EJ_HASH_LEN],
                             const char *label, int64_t created_ms)
{
    return s->ops->key_add(s, key_id, role, hash, label, created_ms);
}

enum ej_err ej_store_key_find(struct ej_store *s,
                              const unsigned char hash[EJ_HASH_LEN],
                              enum ej_role *role, char key_id[65])
{
    return s->ops->key_find(s, hash, role, key_id);
}

/* The event hash is SHA-256 through OpenSSL's libcrypto rather than
 * libsodium: the digest is the same, but libcrypto uses the CPU's SHA
 * instructions where it has them, which on the append path is 3 to 4
 * times faster (event appends are bounded by it: bench_core, and the
 * HTTP and ingest figures of `make bench`). */

/* Canonical bytes are gathered in this buffer and handed to the digest a
 * block at a time; a field longer than the room left goes straight in. */
#define HASH_BUF 2048

struct hbuf {
    EVP_MD_CTX *ctx;
    unsigned char b[HASH_BUF];
    size_t n;
    bool ok;
};

static void hb_flush(struct hbuf *h)
{
    if (h->n && EVP_DigestUpdate(h->ctx, h->b, h->n) != 1)
        h->ok = false;
    h->n = 0;
}

static void hb_put(struct hbuf *h, const void *p, size_t n)
{
    if (n > HASH_BUF - h->n) {
        hb_flush(h);
        if (n > HASH_BUF) {
            if (EVP_DigestUpdate(h->ctx, p, n) != 1)
                h->ok = false;
            return;
        }
    }
    memcpy(h->b + h->n, p, n);
    h->n += n;
}

static void put_field(struct hbuf *h, const char *p, size_t n)
{
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
    hb_put(h, len, 8);
    hb_put(h, p, n);
}

static void put_int(struct hbuf *h, int64_t v, bool is_signed)
{
    char buf[24];
    size_t n = 0;
    uint64_t u = is_signed && v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char t[24];
    size_t k = 0;
    do {
        t[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (is_signed && v < 0)
        buf[n++] = '-';
    while (k)
        buf[n++] = t[--k];
    put_field(h, buf, n);
}

static void put_str(struct hbuf *h, const char *s, size_t n)
{
    put_field(h, s ? s : "", n);
}

static size_t len_of(const char *s) { return s ? strlen(s) : 0; }

void ej__event_lens_of(const struct ej_event *ev, struct ej__event_lens *out)
{
    out->id = len_of(ev->id);
    out->type = len_of(ev->type);
    out->subject = len_of(ev->subject);
    out->pack_id = len_of(ev->pack_id);
    out->pack_version = len_of(ev->pack_version);
    out->rules = len_of(ev->rules);
    out->body = len_of(ev->body);
}

enum ej_err ej__hasher_new(struct ej__hasher **out)
{
    struct ej__hasher *h = calloc(1, sizeof *h);
    *out = NULL;
    if (!h)
        return EJ_NOMEM;
    h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    h->ctx = EVP_MD_CTX_new();
    if (!h->md || !h->ctx) {
        ej__hasher_free(h);
        return EJ_NOMEM;
    }
    *out = h;
    return EJ_OK;
}

void ej__hasher_free(struct ej__hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->md);
    free(h);
}

enum ej_err ej__event_hash(struct ej__hasher *hs, const struct ej_event *ev,
                           const struct ej__event_lens *lens,
                           const unsigned char prev[EJ_HASH_LEN],
                           unsigned char out[EJ_HASH_LEN])
{
    struct ej__event_lens mine;
    if (!lens) {
        ej__event_lens_of(ev, &mine);
        lens = &mine;
    }
    struct hbuf h;
    h.ctx = hs->ctx;
    h.n = 0;
    h.ok = EVP_DigestInit_ex(hs->ctx, hs->md, NULL) == 1;
    hb_put(&h, prev, EJ_HASH_LEN);
    put_int(&h, (int64_t)ev->seq, false);
    put_str(&h, ev->id, lens->id);
    put_str(&h, ev->type, lens->type);
    put_int(&h, ev->at_ms, true);
    put_int(&h, ev->recorded_ms, true);
    put_str(&h, ev->subject, lens->subject);
    put_str(&h, ev->pack_id, lens->pack_id);
    put_str(&h, ev->pack_version, lens->pack_version);
    put_str(&h, ev->rules, lens->rules);
    put_str(&h, ev->body, lens->body);
    hb_flush(&h);
    unsigned int len = 0;
    if (!h.ok || EVP_DigestFinal_ex(hs->ctx, out, &len) != 1 ||
        len != EJ_HASH_LEN)
        return EJ_IO;
    return EJ_OK;
}

enum ej_err ej_event_hash(const struct ej_event *ev,
                          const unsigned char prev[EJ_HASH_LEN],
                          unsigned char out[EJ_HASH_LEN])
{
    struct ej__hasher *h;
    enum ej_err rc = ej__hasher_new(&h);
    if (rc != EJ_OK)
        return rc;
    rc = ej__event_hash(h, ev, NULL, prev, out);
    ej__hasher_free(h);
    return rc;
}

struct verify_ctx {
    struct ej_verify_result *r;
    struct ej__hasher *hasher;
    enum ej_err err;       /* the hash could not be computed */
    uint64_t expect_seq;
    uint64_t head_seq;
    unsigned char prev[EJ_HASH_LEN];
};

static void mark_bad(struct ej_verify_result *r, uint64_t seq, const char *id,
                     const char *problem)
{
    r->ok = false;
    r->bad_seq = seq;
    r->problem = problem;
    size_t n = id ? strlen(id) : 0;
    if (n > EJ_EVENT_ID_MAX)
        n = EJ_EVENT_ID_MAX;
    if (n)
        memcpy(r->bad_id, id, n);
    r->bad_id[n] = '\0';
}

static int verify_one(const struct ej_event *ev, void *vctx)
{
    struct verify_ctx *c = vctx;
    struct ej_verify_result *r = c->r;
    unsigned char h[EJ_HASH_LEN];
    const char *problem = NULL;

    if (ev->seq == 0)
        problem = "sequence number out of range (inserted)";
    else if (ev->seq > c->head_seq && ev->seq == c->expect_seq)
        problem = "event beyond the chain head (appended outside ereje)";
    else if (ev->seq != c->expect_seq)
        problem = ev->seq > c->expect_seq
                      ? "an event is missing before this one (deleted)"
                      : "sequence numbers out of order";
    else if (ev->malformed)
        problem = "a field holds a NUL byte (edited)";
    else if (memcmp(ev->prev_hash, c->prev, EJ_HASH_LEN) != 0)
        problem = "prev_hash does not link to the previous event "
                  "(inserted, deleted or reordered)";
    else {
        enum ej_err rc = ej__event_hash(c->hasher, ev, NULL, c->prev, h);
        if (rc != EJ_OK) {
            c->err = rc;
            return 1;
        }
        if (memcmp(h, ev->hash, EJ_HASH_LEN) != 0)
            problem = "hash does not match the event's contents (edited)";
    }
    if (problem) {
        mark_bad(r, ev->seq, ev->id, problem);
        return 1;
    }
    memcpy(c->prev, ev->hash, EJ_HASH_LEN);
    c->expect_seq++;
    r->events++;
    return 0;
}

enum ej_err ej_store_verify(struct ej_store *s, struct ej_verify_result *out)
{
    struct ej_verify_result r;
    struct verify_ctx c;
    unsigned char head[EJ_HASH_LEN];
    memset(&r, 0, sizeof r);
    memset(&c, 0, sizeof c);
    r.ok = true;
    c.r = &r;
    c.expect_seq = 1;
    enum ej_err rc = ej__hasher_new(&c.hasher);
    if (rc != EJ_OK)
        return rc;
    /* Head and stream from one snapshot, or a service appending between
     * the two reads would look like tampering. */
    rc = s->ops->read_begin(s);
    if (rc != EJ_OK)
        goto out;
    rc = s->ops->head(s, &c.head_seq, head);
    if (rc == EJ_OK)
        rc = s->ops->scan(s, 0, verify_one, &c);
    s->ops->read_end(s);
    if (rc == EJ_OK)
        rc = c.err;
    if (rc != EJ_OK)
        goto out;
    if (r.ok) {
        if (c.head_seq > c.expect_seq - 1)
            mark_bad(&r, c.expect_seq, NULL,
                     "the newest events were deleted (the chain head is "
                     "ahead of the stream)");
        else if (memcmp(head, c.prev, EJ_HASH_LEN) != 0)
            mark_bad(&r, c.head_seq, NULL,
                     "the chain head does not match the last event");
        memcpy(r.head, c.prev, EJ_HASH_LEN);
    }
    *out = r;
out:
    ej__hasher_free(c.hasher);
    return rc;
}

void ej_order_row_free(struct ej_order_row *r)
{
    if (!r)
        return;
    free(r->id);
    free(r->issuer);
    free(r->number);
    free(r->basis);
    free(r->action);
    free(r->targets);
    free(r->close_action);
    free(r->evidence);
    memset(r, 0, sizeof *r);
}

const char *ej_role_name(enum ej_role r)
{
    switch (r) {
    case EJ_ROLE_PLATFORM:
        return "platform";
    case EJ_ROLE_MODERATOR:
        return "moderator";
    case EJ_ROLE_AUDITOR:
        return "auditor";
    case EJ_ROLE_ADMIN:
        return "admin";
    }
    return "?";
}

bool ej_role_parse(const char *s, enum ej_role *out)
{
    static const enum ej_role all[] = {EJ_ROLE_PLATFORM, EJ_ROLE_MODERATOR,
                                       EJ_ROLE_AUDITOR, EJ_ROLE_ADMIN};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (strcmp(s, ej_role_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

/* Account deltas. A blob is the byte 1 (the layout's version), the
 * number of accounts (4 bytes), then per account: the id's length (2
 * bytes) and bytes, the service's length (1 byte) and bytes, then the
 * state's fields in struct ej_account's order (padding left out):
 * followers and measure 4 bytes, kz_share_pm 2, identity, case_state and
 * flags 1 each, above_since and below_since 4, case_opened_ms,
 * case_due_ms and last_ms 8; integers little-endian. Last, a 16-byte
 * BLAKE2b (libsodium) of all that, so that a damaged or cut blob is
 * refused rather than applied in part. Written by hand: it is a fixed
 * record of integers that only the store reads back, and a JSON body
 * would cost a parse per account on every sync. */
#define DELTA_VERSION 1
#define DELTA_HEAD 5
#define DELTA_TAG 16
#define DELTA_FIXED 45
#define DELTA_SERVICE_MAX 31
#define DELTA_MAX_ACCOUNTS 0xffffffffu

static unsigned char *put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        *p++ = (unsigned char)(v >> (8 * i));
    return p;
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

enum ej_err ej__acc_delta_encode(const struct ej_acc_state *v, size_t n,
                                 unsigned char **out, size_t *len)
{
    if (n > DELTA_MAX_ACCOUNTS)
        return EJ_TOO_BIG;
    size_t total = DELTA_HEAD + DELTA_TAG;
    for (size_t i = 0; i < n; i++) {
        size_t il = strlen(v[i].id), sl = v[i].service ? strlen(v[i].service)
                                                       : 0;
        if (il > EJ_EVENT_ID_MAX || sl > DELTA_SERVICE_MAX)
            return EJ_INVALID;
        total += 2 + il + 1 + sl + DELTA_FIXED;
    }
    unsigned char *b = malloc(total), *p = b;
    if (!b)
        return EJ_NOMEM;
    *p++ = DELTA_VERSION;
    p = put_le(p, n, 4);
    for (size_t i = 0; i < n; i++) {
        const struct ej_account *a = &v[i].a;
        size_t il = strlen(v[i].id), sl = v[i].service ? strlen(v[i].service)
                                                       : 0;
        p = put_le(p, il, 2);
        memcpy(p, v[i].id, il);
        p += il;
        *p++ = (unsigned char)sl;
        if (sl)
            memcpy(p, v[i].service, sl);
        p += sl;
        p = put_le(p, a->followers, 4);
        p = put_le(p, a->measure, 4);
        p = put_le(p, a->kz_share_pm, 2);
        *p++ = a->identity;
        *p++ = a->case_state;
        *p++ = a->flags;
        p = put_le(p, (uint32_t)a->above_since, 4);
        p = put_le(p, (uint32_t)a->below_since, 4);
        p = put_le(p, (uint64_t)a->case_opened_ms, 8);
        p = put_le(p, (uint64_t)a->case_due_ms, 8);
        p = put_le(p, (uint64_t)a->last_ms, 8);
    }
    crypto_generichash(p, DELTA_TAG, b, (size_t)(p - b), NULL, 0);
    *out = b;
    *len = total;
    return EJ_OK;
}

static enum ej_err delta_walk(const unsigned char *b, size_t len,
                              int (*fn)(const struct ej_acc_state *st,
                                        void *ctx),
                              void *ctx);

enum ej_err ej__acc_delta_decode(const unsigned char *b, size_t len,
                                 int (*fn)(const struct ej_acc_state *st,
                                           void *ctx),
                                 void *ctx)
{
    unsigned char tag[DELTA_TAG];
    if (len < DELTA_HEAD + DELTA_TAG || b[0] != DELTA_VERSION)
        return EJ_IO;
    len -= DELTA_TAG;
    crypto_generichash(tag, DELTA_TAG, b, len, NULL, 0);
    if (memcmp(tag, b + len, DELTA_TAG) != 0)
        return EJ_IO;
    /* Every account is checked before the first is handed over. */
    for (int pass = 0; pass < 2; pass++) {
        enum ej_err rc = delta_walk(b, len, pass ? fn : NULL, ctx);
        if (rc != EJ_OK)
            return rc;
    }
    return EJ_OK;
}

/* Walk a tagged blob's records (len without the tag); fn NULL: only
 * check them. */
static enum ej_err delta_walk(const unsigned char *b, size_t len,
                              int (*fn)(const struct ej_acc_state *st,
                                        void *ctx),
                              void *ctx)
{
    uint64_t count = get_le(b + 1, 4), seen = 0;
    size_t at = DELTA_HEAD;
    char id[EJ_EVENT_ID_MAX + 1], service[DELTA_SERVICE_MAX + 1];
    while (at < len) {
        if (len - at < 2 || seen == count)
            return EJ_IO;
        size_t il = (size_t)get_le(b + at, 2);
        at += 2;
        if (il > EJ_EVENT_ID_MAX || len - at < il + 1)
            return EJ_IO;
        memcpy(id, b + at, il);
        id[il] = '\0';
        at += il;
        size_t sl = b[at++];
        if (sl > DELTA_SERVICE_MAX || len - at < sl + DELTA_FIXED)
            return EJ_IO;
        memcpy(service, b + at, sl);
        service[sl] = '\0';
        at += sl;
        /* A NUL inside would cut the string: never written by encode. */
        if (strlen(id) != il || strlen(service) != sl)
            return EJ_IO;
        const unsigned char *p = b + at;
        struct ej_acc_state st = {.id = id, .service = service};
        ej_account_init(&st.a);
        st.a.followers = (uint32_t)get_le(p, 4);
        st.a.measure = (uint32_t)get_le(p + 4, 4);
        st.a.kz_share_pm = (uint16_t)get_le(p + 8, 2);
        st.a.identity = p[10];
        st.a.case_state = p[11];
        st.a.flags = p[12];
        st.a.above_since = (int32_t)(uint32_t)get_le(p + 13, 4);
        st.a.below_since = (int32_t)(uint32_t)get_le(p + 17, 4);
        st.a.case_opened_ms = (int64_t)get_le(p + 21, 8);
        st.a.case_due_ms = (int64_t)get_le(p + 29, 8);
        st.a.last_ms = (int64_t)get_le(p + 37, 8);
        at += DELTA_FIXED;
        seen++;
        if (fn && fn(&st, ctx))
            return EJ_OK;
    }
    return seen == count ? EJ_OK : EJ_IO;
}
