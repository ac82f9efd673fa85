/* authors.h: authors' qualifications in the store, each change recorded
 * as an `author.qualification` event in the hash-chained log. */
#ifndef EJ_AUTHORS_H
#define EJ_AUTHORS_H

#include "contentjson.h"
#include "ereje/ereje.h"
#include "ereje/store.h"

/* Store r (insert or replace by author, type, number) with its event, in
 * one transaction. key_id names who added it ("" for the CLI). EJ_TOO_BIG
 * when the author already has EJ_QUAL_ROWS_MAX other documents. */
enum ej_err authors_put(struct ej_store *st, const struct ej_qual_row *r,
                        const char *key_id, int64_t now_ms);
/* The author's qualifications, decoded (qs->n may be 0). */
enum ej_err authors_get(struct ej_store *st, const char *author,
                        struct cj_quals *qs);

#endif
