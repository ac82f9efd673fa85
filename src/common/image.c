/* image.c: see image.h. JPEG through libjpeg(-turbo), with its errors
 * turned into a return (setjmp) and its warnings kept quiet (a service
 * must not write a decoder's chatter to stderr); PNG through libpng's
 * simplified API, as 8-bit RGBA (PDQ ignores alpha, as its reference
 * does). The size in pixels is checked from the header before any pixel
 * buffer is allocated. */
#include "image.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "ereje/fingerprint.h"

const char *image_format(const unsigned char *buf, size_t len)
{
    if (len >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF)
        return "jpeg";
    if (len >= 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "png";
    return NULL;
}

void image_free(struct image *im)
{
    if (!im)
        return;
    free(im->px);
    im->px = NULL;
}

struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];
};

static void jerr_exit(j_common_ptr c)
{
    struct jerr *e = (struct jerr *)c->err;
    c->err->format_message(c, e->msg);
    longjmp(e->jb, 1);
}

static void jerr_quiet(j_common_ptr c) { (void)c; }

static bool too_many(unsigned long w, unsigned long h)
{
    return (unsigned long long)w * h > EJ_PDQ_MAX_PIXELS;
}

static enum ej_err decode_jpeg(const unsigned char *buf, size_t len,
                               struct image *out, char *why, size_t whylen)
{
    struct jpeg_decompress_struct d;
    struct jerr e;
    /* volatile: read after a longjmp */
    unsigned char *volatile px = NULL;
    enum ej_err volatile rc = EJ_INVALID;
    memset(&d, 0, sizeof d);
    d.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = jerr_exit;
    e.pub.output_message = jerr_quiet;
    e.msg[0] = '\0';
    if (setjmp(e.jb)) {
        snprintf(why, whylen, "JPEG: %s", e.msg);
        goto out;
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, buf, (unsigned long)len);
    jpeg_read_header(&d, TRUE);
    if (too_many(d.image_width, d.image_height)) {
        snprintf(why, whylen, "JPEG of %ux%u is over %u pixels",
                 (unsigned)d.image_width, (unsigned)d.image_height,
                 EJ_PDQ_MAX_PIXELS);
        rc = EJ_TOO_BIG;
        goto out;
    }
    d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&d);
    size_t stride = (size_t)d.output_width * 3;
    px = malloc(stride * d.output_height + 1);
    if (!px) {
        rc = EJ_NOMEM;
        goto out;
    }
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = px + (size_t)d.output_scanline * stride;
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    out->px = px;
    out->width = (int)d.output_width;
    out->height = (int)d.output_height;
    out->channels = 3;
    out->stride = stride;
    out->format = "jpeg";
    px = NULL;
    rc = EJ_OK;
out:
    jpeg_destroy_decompress(&d);
    free(px);
    return rc;
}

static enum ej_err decode_png(const unsigned char *buf, size_t len,
                              struct image *out, char *why, size_t whylen)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&im, buf, len)) {
        snprintf(why, whylen, "PNG: %s", im.message);
        png_image_free(&im);
        return EJ_INVALID;
    }
    if (too_many(im.width, im.height)) {
        snprintf(why, whylen, "PNG of %ux%u is over %u pixels",
                 (unsigned)im.width, (unsigned)im.height, EJ_PDQ_MAX_PIXELS);
        png_image_free(&im);
        return EJ_TOO_BIG;
    }
    im.format = PNG_FORMAT_RGBA;
    size_t stride = (size_t)PNG_IMAGE_ROW_STRIDE(im);
    unsigned char *px = malloc(stride * im.height + 1);
    if (!px) {
        png_image_free(&im);
        return EJ_NOMEM;
    }
    if (!png_image_finish_read(&im, NULL, px, (png_int_32)stride, NULL)) {
        snprintf(why, whylen, "PNG: %s", im.message);
        png_image_free(&im);
        free(px);
        return EJ_INVALID;
    }
    out->px = px;
    out->width = (int)im.width;
    out->height = (int)im.height;
    out->channels = 4;
    out->stride = stride;
    out->format = "png";
    png_image_free(&im);
    return EJ_OK;
}

enum ej_err image_decode(const unsigned char *buf, size_t len,
                         struct image *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (whylen)
        why[0] = '\0';
    if (len > IMAGE_MAX_BYTES) {
        snprintf(why, whylen, "over %u bytes", IMAGE_MAX_BYTES);
        return EJ_TOO_BIG;
    }
    const char *f = image_format(buf, len);
    if (!f) {
        snprintf(why, whylen, "not a JPEG or PNG image");
        return EJ_INVALID;
    }
    return f[0] == 'j' ? decode_jpeg(buf, len, out, why, whylen)
                       : decode_png(buf, len, out, why, whylen);
}
