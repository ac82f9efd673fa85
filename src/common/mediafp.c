/* mediafp.c: see mediafp.h. */
#include "mediafp.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "image.h"

enum ej_err mediafp_compute(const unsigned char *buf, size_t len,
                            struct mediafp *out)
{
    memset(out, 0, sizeof *out);
    if (len > IMAGE_MAX_BYTES)
        return EJ_TOO_BIG;
    crypto_hash_sha256(out->sha256, buf, len);
    out->format = image_format(buf, len);
    if (!out->format) {
        snprintf(out->note, sizeof out->note, "not a JPEG or PNG image");
        return EJ_OK;
    }
    struct image im;
    char why[128];
    enum ej_err rc = image_decode(buf, len, &im, why, sizeof why);
    if (rc == EJ_NOMEM)
        return rc;
    if (rc != EJ_OK) {
        snprintf(out->note, sizeof out->note, "%s", why);
        return EJ_OK;
    }
    out->width = im.width;
    out->height = im.height;
    rc = ej_pdq(im.px, im.width, im.height, im.stride, im.channels,
                out->pdq, &out->quality);
    image_free(&im);
    if (rc == EJ_NOMEM)
        return rc;
    if (rc != EJ_OK)
        snprintf(out->note, sizeof out->note, "image too small for PDQ "
                 "(%dx%d; at least %dx%d)", out->width, out->height,
                 EJ_PDQ_MIN_DIM, EJ_PDQ_MIN_DIM);
    else {
        out->has_pdq = true;
        if (out->quality < EJ_PDQ_MIN_QUALITY)
            snprintf(out->note, sizeof out->note,
                     "PDQ quality %d is below %d: too featureless to match "
                     "on", out->quality, EJ_PDQ_MIN_QUALITY);
    }
    return EJ_OK;
}

bool mediafp_pdq_usable(const struct mediafp *m)
{
    return m->has_pdq && m->quality >= EJ_PDQ_MIN_QUALITY;
}
