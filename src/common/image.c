/* image.c: see image.h. JPEG through libjpeg(-turbo), with its errors
 * turned into a return (setjmp) and its warnings counted, not printed (a
 * service must not write a decoder's chatter to stderr): a JPEG with
 * corrupt data is refused rather than hashed half grey. PNG through
 * libpng's simplified API. Grey images stay one channel (PDQ's reference
 * takes grey values as they are); colour ones are 8-bit RGB(A), 16-bit
 * samples scaled as sRGB (not as linear light) and Adobe CMYK JPEGs
 * converted to RGB, so a re-saved copy hashes like its original. The
 * size in pixels is checked from the header before any pixel buffer is
 * allocated, and against the input's size: more than
 * IMAGE_MAX_PIXELS_PER_BYTE pixels a byte is a decompression bomb, not a
 * photo. */
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

/* Over the pixel cap, or more pixels a byte than any real image. */
static bool too_many(unsigned long w, unsigned long h, size_t len, char *why,
                     size_t whylen, const char *fmt)
{
    unsigned long long px = (unsigned long long)w * h;
    if (px > EJ_PDQ_MAX_PIXELS) {
        snprintf(why, whylen, "%s of %lux%lu is over %u pixels", fmt, w, h,
                 EJ_PDQ_MAX_PIXELS);
        return true;
    }
    if (px > (unsigned long long)len * IMAGE_MAX_PIXELS_PER_BYTE) {
        snprintf(why, whylen,
                 "%s of %lux%lu in %zu bytes: over %u pixels a byte (a "
                 "decompression bomb)",
                 fmt, w, h, len, IMAGE_MAX_PIXELS_PER_BYTE);
        return true;
    }
    return false;
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
    if (too_many(d.image_width, d.image_height, len, why, whylen, "JPEG")) {
        rc = EJ_TOO_BIG;
        goto out;
    }
    bool cmyk = d.jpeg_color_space == JCS_CMYK ||
                d.jpeg_color_space == JCS_YCCK;
    d.out_color_space = d.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE
                        : cmyk                             ? JCS_CMYK
                                                           : JCS_RGB;
    jpeg_start_decompress(&d);
    int nc = d.output_components; /* 1, 3 or 4 */
    size_t stride = (size_t)d.output_width * (size_t)nc;
    px = malloc(stride * d.output_height + 1);
    if (!px) {
        rc = EJ_NOMEM;
        goto out;
    }
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = px + (size_t)d.output_scanline * stride;
        jpeg_read_scanlines(&d, &row, 1);
    }
    if (e.pub.num_warnings > 0) {
        char msg[JMSG_LENGTH_MAX];
        e.pub.format_message((j_common_ptr)&d, msg);
        snprintf(why, whylen, "JPEG: %s", msg);
        goto out;
    }
    if (cmyk) {
        /* Adobe's inverted CMYK, as Photoshop writes it: R = C K / 255 */
        size_t n = (size_t)d.output_width * d.output_height;
        for (size_t i = 0; i < n; i++) {
            unsigned k = px[4 * i + 3];
            px[3 * i] = (unsigned char)(px[4 * i] * k / 255);
            px[3 * i + 1] = (unsigned char)(px[4 * i + 1] * k / 255);
            px[3 * i + 2] = (unsigned char)(px[4 * i + 2] * k / 255);
        }
        nc = 3;
        stride = (size_t)d.output_width * 3;
    }
    jpeg_finish_decompress(&d);
    out->px = px;
    out->width = (int)d.output_width;
    out->height = (int)d.output_height;
    out->channels = nc;
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
    if (too_many(im.width, im.height, len, why, whylen, "PNG")) {
        png_image_free(&im);
        return EJ_TOO_BIG;
    }
    bool grey = !(im.format & PNG_FORMAT_FLAG_COLOR) &&
                !(im.format & PNG_FORMAT_FLAG_ALPHA);
    im.format = grey ? PNG_FORMAT_GRAY : PNG_FORMAT_RGBA;
    im.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
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
    out->channels = grey ? 1 : 4;
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
