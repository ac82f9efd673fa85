/* reupload.h: the re-upload bank of the service and the CLI: every
 * fingerprint of content removed under an order (store table
 * fingerprints: SHA-256 digests, text SimHashes, image PDQ hashes), in
 * memory, for /v1/content/check and content.published.
 * Thread-safe: checks take a read lock, loads a write lock. */
#ifndef EJ_REUPLOAD_H
#define EJ_REUPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/ereje.h"
#include "ereje/store.h"

struct reupload;

struct reupload_match {
    bool found;
    bool exact;        /* the same bytes (SHA-256); else near */
    const char *by;    /* media_sha256 | text_sha256 | media_pdq |
                        * text_simhash (static) */
    int distance;      /* bits apart: SimHash or PDQ (0 when exact) */
    char order_id[EJ_EVENT_ID_MAX + 1];
};

enum ej_err reupload_new(struct reupload **out);
void reupload_free(struct reupload *r);
/* Load the fingerprints added since the last load (all on the first). */
enum ej_err reupload_load(struct reupload *r, struct ej_store *st);
/* Match, in this order: the SHA-256 of the content's media bytes (when
 * given), the SHA-256 of the text, the media's PDQ hash (when given)
 * within EJ_PDQ_NEAR bits, the text's SimHash within EJ_TEXTFP_NEAR bits.
 * The near matches take the closest entry. */
void reupload_check(struct reupload *r, const char *text, size_t len,
                    const unsigned char *media_sha256,
                    const unsigned char *media_pdq,
                    struct reupload_match *out);
size_t reupload_count(struct reupload *r);

#endif
