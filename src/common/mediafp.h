/* mediafp.h: the fingerprints of a piece of media (the bytes of an image,
 * a video, ...): the SHA-256 of its bytes always, and for a JPEG or PNG
 * image its PDQ hash, for the re-upload bank and `ereje fingerprint`. */
#ifndef EJ_MEDIAFP_H
#define EJ_MEDIAFP_H

#include <stdbool.h>
#include <stddef.h>

#include "ereje/ereje.h"
#include "ereje/fingerprint.h"

struct mediafp {
    unsigned char sha256[32];
    bool has_pdq;            /* an image that decoded */
    unsigned char pdq[EJ_PDQ_BYTES];
    int quality;             /* PDQ's 0-100, when has_pdq */
    const char *format;      /* "jpeg" | "png" | NULL (static) */
    int width, height;
    char note[160];          /* why there is no PDQ hash, or "" */
};

/* Always EJ_OK for bytes up to IMAGE_MAX_BYTES (an image that does not
 * decode only leaves has_pdq false, with the reason in note); EJ_TOO_BIG
 * past it; EJ_NOMEM. */
enum ej_err mediafp_compute(const unsigned char *buf, size_t len,
                            struct mediafp *out);
/* has_pdq and quality at least EJ_PDQ_MIN_QUALITY: worth a bank entry */
bool mediafp_pdq_usable(const struct mediafp *m);

#endif
