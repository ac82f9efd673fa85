/* fingerprint.h: fingerprints of removed content, for re-upload blocking.
 *
 * Two kinds, both pure (the caller hashes bytes with its crypto library
 * and keeps the banks):
 *   - an exact bank: 32-byte digests (SHA-256 of the content's bytes)
 *     mapped to a caller's 32-bit value (e.g. an index of the order that
 *     removed it), in an open-addressing table;
 *   - a text fingerprint: a 64-bit SimHash of the normalized text, which
 *     survives case, spacing, punctuation, Latin/Cyrillic look-alike
 *     letters and small edits; two texts are near-duplicates when their
 *     fingerprints differ in few bits (ej_textfp_distance);
 *   - an image fingerprint: the 256-bit PDQ perceptual hash (Meta's
 *     open standard for sharing image hashes), which survives
 *     re-encoding, resizing and small edits; PDQ matches at a Hamming
 *     distance of EJ_PDQ_NEAR or less.
 * The service keeps them in src/common/reupload.c (store table
 * fingerprints, filled when an order is closed with the removed content).
 */
#ifndef EREJE_FINGERPRINT_H
#define EREJE_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "ereje/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EJ_FPBANK_MAX 200000000u /* entries: a hard maximum */
#define EJ_TEXTFP_MAX_BYTES (1u << 20) /* text longer than this: TOO_BIG */
#define EJ_TEXTFP_MIN_CHARS 8

struct ej_fpbank;

/* A bank sized for about expect entries (it grows as needed). The caller
 * owns *out and frees it with ej_fpbank_free. */
EJ_EXTERN enum ej_err ej_fpbank_new(size_t expect, struct ej_fpbank **out);
EJ_EXTERN void ej_fpbank_free(struct ej_fpbank *b);
/* Add digest -> value; a digest already present keeps its first value
 * (EJ_OK either way). EJ_TOO_BIG past EJ_FPBANK_MAX entries. */
EJ_EXTERN enum ej_err ej_fpbank_add(struct ej_fpbank *b,
                                    const uint8_t digest[32], uint32_t value);
/* EJ_OK and *value when present, else EJ_NOT_FOUND. */
EJ_EXTERN enum ej_err ej_fpbank_find(const struct ej_fpbank *b,
                                     const uint8_t digest[32],
                                     uint32_t *value);
EJ_EXTERN size_t ej_fpbank_count(const struct ej_fpbank *b);

/* The SimHash of UTF-8 text. EJ_INVALID for text that is not UTF-8 or has
 * fewer than EJ_TEXTFP_MIN_CHARS letters or digits once normalized (too
 * short to compare);
 * EJ_TOO_BIG past EJ_TEXTFP_MAX_BYTES. */
EJ_EXTERN enum ej_err ej_textfp(const char *text, size_t len, uint64_t *out);
/* Bits that differ; EJ_TEXTFP_NEAR or fewer means a near-duplicate. Two
 * unrelated texts differ in about 32 bits; by chance alone 10 or fewer
 * happens about once in 10^8 pairs. */
EJ_EXTERN int ej_textfp_distance(uint64_t a, uint64_t b);
#define EJ_TEXTFP_NEAR 10

#define EJ_PDQ_BYTES 32
#define EJ_PDQ_NEAR 31        /* PDQ's recommended match threshold */
#define EJ_PDQ_MIN_QUALITY 50 /* below: too featureless to match on */
#define EJ_PDQ_MIN_DIM 5
#define EJ_PDQ_MAX_PIXELS 25000000u /* 8 bytes a pixel of scratch */

/* The PDQ hash of an image of 8-bit pixels: channels 1 (grey), 3 (RGB)
 * or 4 (RGBA; alpha ignored), height rows of stride bytes. out gets the
 * 256 bits as 32 bytes in the order of PDQ's 64-digit hex form; *quality
 * PDQ's 0-100 figure (below EJ_PDQ_MIN_QUALITY the image is too flat for
 * its hash to mean much). EJ_INVALID for a side under EJ_PDQ_MIN_DIM or
 * bad channels or stride, EJ_TOO_BIG past EJ_PDQ_MAX_PIXELS, EJ_NOMEM.
 * Allocates 8 bytes a pixel of scratch, freed before it returns. */
EJ_EXTERN enum ej_err ej_pdq(const uint8_t *px, int width, int height,
                             size_t stride, int channels,
                             uint8_t out[EJ_PDQ_BYTES], int *quality);
/* Bits that differ (0-256); unrelated images differ in about 128. */
EJ_EXTERN int ej_pdq_distance(const uint8_t a[EJ_PDQ_BYTES],
                              const uint8_t b[EJ_PDQ_BYTES]);

/* A multi-index over codes of `words` 16-bit words (4: a SimHash, as 8
 * little-endian bytes; 16: a PDQ hash's 32 bytes) for the nearest code
 * within `radius` bits, exact (what a linear scan finds) and far faster
 * on large banks; radius / words must be at most 3. Entries map to a
 * caller's 32-bit value. Memory: the code, 4 bytes, and 12 bytes a word
 * once built (about 52 bytes an entry for SimHashes, 230 for PDQ), plus
 * 256 KiB a word of offsets. The caller owns *out (ej_hamidx_free). */
#define EJ_HAMIDX_MAX_WORDS 16
#define EJ_HAMIDX_MAX 100000000u /* entries: a hard maximum */
struct ej_hamidx;
EJ_EXTERN enum ej_err ej_hamidx_new(int words, int radius,
                                    struct ej_hamidx **out);
EJ_EXTERN void ej_hamidx_free(struct ej_hamidx *x);
/* EJ_TOO_BIG past EJ_HAMIDX_MAX entries; EJ_NOMEM. */
EJ_EXTERN enum ej_err ej_hamidx_add(struct ej_hamidx *x, const uint8_t *code,
                                    uint32_t value);
/* The nearest entry within the radius (ties: the first added): EJ_OK
 * with *value and *distance, else EJ_NOT_FOUND. */
EJ_EXTERN enum ej_err ej_hamidx_nearest(const struct ej_hamidx *x,
                                        const uint8_t *code, uint32_t *value,
                                        int *distance);
EJ_EXTERN size_t ej_hamidx_count(const struct ej_hamidx *x);
/* Fold the entries added since the last build into the sorted arrays
 * (queries scan them until then; adding folds them in by itself once
 * they are over max(4096, n/4)). Call after adding a batch. EJ_NOMEM
 * leaves the index as it was (still correct). */
EJ_EXTERN enum ej_err ej_hamidx_build(struct ej_hamidx *x);

#ifdef __cplusplus
}
#endif
#endif
