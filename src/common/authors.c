/* authors.c: see authors.h. */
#include "authors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

enum ej_err authors_put(struct ej_store *st, const struct ej_qual_row *r,
                        const char *key_id, int64_t now_ms)
{
    const struct ej_store_ops *ops = ej_store_ops_of(st);
    /* At most EJ_QUAL_ROWS_MAX documents an author (a replacement of one
     * of them is always allowed). */
    static _Thread_local struct ej_qual_row have[EJ_QUAL_ROWS_MAX];
    size_t n = 0;
    enum ej_err hrc = ops->quals_get(st, r->author, have, EJ_QUAL_ROWS_MAX,
                                     &n);
    if (hrc != EJ_OK && hrc != EJ_TOO_BIG)
        return hrc;
    if (n >= EJ_QUAL_ROWS_MAX) {
        bool replaces = false;
        for (size_t i = 0; i < n; i++)
            replaces |= strcmp(have[i].doc_type, r->doc_type) == 0 &&
                        strcmp(have[i].number, r->number) == 0;
        if (!replaces)
            return EJ_TOO_BIG;
    }
    struct ej_qual_row row = *r;
    row.updated_ms = now_ms;
    struct jw w;
    jw_init(&w, 1 << 14);
    jw_obj(&w);
    jw_kstr(&w, "author", row.author);
    cj_qual_members(&w, &row);
    jw_kstr(&w, "by", key_id ? key_id : "");
    jw_end_obj(&w);
    char *body = jw_take(&w, NULL);
    if (!body)
        return EJ_NOMEM;
    /* One event per change: the id is a digest of the document's key
     * (author, type, number: up to 530 bytes, past the id limit) and the
     * time. */
    uint64_t h = 14695981039346656037u;
    const char *parts[3] = {row.author, row.doc_type, row.number};
    for (int i = 0; i < 3; i++)
        for (const char *c = parts[i];; c++) {
            h = (h ^ (unsigned char)*c) * 1099511628211u;
            if (!*c)
                break;
        }
    /* a random suffix: two changes in one millisecond are two events */
    unsigned char rb[8];
    char rnd[17];
    randombytes_buf(rb, sizeof rb);
    sodium_bin2hex(rnd, sizeof rnd, rb, sizeof rb);
    char id[EJ_EVENT_ID_MAX + 1];
    snprintf(id, sizeof id, "qual#%016llx#%lld#%s", (unsigned long long)h,
             (long long)now_ms, rnd);
    struct ej_event ev = {.id = id, .type = "author.qualification",
                          .at_ms = now_ms, .recorded_ms = now_ms,
                          .subject = row.author, .pack_id = "",
                          .pack_version = "", .rules = "[]", .body = body};
    enum ej_err rc = ops->begin(st);
    if (rc == EJ_OK) {
        rc = ops->qual_put(st, &row);
        if (rc == EJ_OK)
            rc = ej_store_append(st, &ev, 1, NULL);
        if (rc == EJ_OK)
            rc = ops->commit(st);
        else
            ops->rollback(st);
    }
    free(body);
    return rc;
}

enum ej_err authors_get(struct ej_store *st, const char *author,
                        struct cj_quals *qs)
{
    size_t n = 0;
    enum ej_err rc = ej_store_ops_of(st)->quals_get(st, author, qs->rows,
                                                    EJ_QUAL_ROWS_MAX, &n);
    if (rc != EJ_OK && rc != EJ_TOO_BIG) /* TOO_BIG: the first 64 */
        return rc;
    qs->n = n;
    cj_quals_decode(qs);
    return EJ_OK;
}
