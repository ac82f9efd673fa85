/* image.h: images decoded for their PDQ hash (JPEG with libjpeg, PNG with
 * libpng), from bytes in memory, with hard limits on what they may cost. */
#ifndef EJ_IMAGE_H
#define EJ_IMAGE_H

#include <stddef.h>

#include "ereje/ereje.h"

#define IMAGE_MAX_BYTES (32u * 1024u * 1024u)
/* Pixels a byte of input at most: a flat 4000x4000 PNG is about 100 a
 * byte; a decompression bomb is thousands. */
#define IMAGE_MAX_PIXELS_PER_BYTE 1024u

struct image {
    unsigned char *px; /* owned; free with image_free */
    int width, height, channels; /* 1 (grey), 3 (RGB) or 4 (RGBA) */
    size_t stride;
    const char *format; /* "jpeg" | "png" (static) */
};

/* "jpeg", "png", or NULL when the bytes are neither (by their magic). */
const char *image_format(const unsigned char *buf, size_t len);

/* Decode buf into *out (the caller frees it with image_free).
 * EJ_INVALID when it is not a JPEG or PNG, or is corrupt (why says what
 * the decoder said); EJ_TOO_BIG past IMAGE_MAX_BYTES or
 * EJ_PDQ_MAX_PIXELS pixels (checked before the pixels are allocated);
 * EJ_NOMEM. */
enum ej_err image_decode(const unsigned char *buf, size_t len,
                         struct image *out, char *why, size_t whylen);
void image_free(struct image *im);

#endif
