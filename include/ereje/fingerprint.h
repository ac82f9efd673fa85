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
 *     fingerprints differ in few bits (ej_textfp_distance).
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

#ifdef __cplusplus
}
#endif
#endif
