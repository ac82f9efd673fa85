/* image.c: see image.h. JPEG through libjpeg(-turbo), with its errors
 * turned into a return (setjmp) and its warnings counted, not printed (a
 * service must not write a decoder's chatter to stderr): a JPEG with
 * corrupt data is refused rather than hashed half grey. PNG through
 * libpng's low-level API (see decode_png). Grey images stay one channel (PDQ's reference
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

/* PNG through libpng's low-level API. Its simplified API would convert a
 * file with a gAMA chunk from that gamma to sRGB; Meta's reference takes
 * the stored samples as they are, and so does this (no png_set_gamma):
 * a file that says gamma 1.0 hashes as its bytes do. The rest matches
 * what the simplified API gives for a file without gAMA (the unit test
 * compares the two): palettes expanded, grey below 8 bits scaled up,
 * 16-bit samples scaled to 8 (rounded), transparency as an alpha
 * channel, grey without alpha as one channel, everything else RGBA.
 * One exception, where this reader is the right one: Debian 12's libpng
 * decodes 16-bit Adam7-interlaced files wrongly through the simplified
 * API (libpng issue 853), so such files now hash as their non-interlaced
 * twins do, and not as the old decoder hashed them. Reading stops after
 * the image data: trailing chunks (IEND included) are not required. */
struct png_src {
    const unsigned char *p;
    size_t len, off;
};

struct png_err {
    char *why;
    size_t whylen;
};

static void png_read_mem(png_structp pp, png_bytep out, size_t n)
{
    struct png_src *s = png_get_io_ptr(pp);
    if (n > s->len - s->off)
        png_error(pp, "the data ends early");
    memcpy(out, s->p + s->off, n);
    s->off += n;
}

static void png_fail(png_structp pp, png_const_charp msg)
{
    struct png_err *e = png_get_error_ptr(pp);
    snprintf(e->why, e->whylen, "PNG: %s", msg);
    png_longjmp(pp, 1);
}

static void png_quiet(png_structp pp, png_const_charp msg)
{
    (void)pp;
    (void)msg;
}

static enum ej_err decode_png(const unsigned char *buf, size_t len,
                              struct image *out, char *why, size_t whylen)
{
    struct png_err e = {why, whylen};
    struct png_src src = {buf, len, 0};
    png_structp pp =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, &e, png_fail, png_quiet);
    png_infop ip = pp ? png_create_info_struct(pp) : NULL;
    /* volatile: read after a longjmp */
    unsigned char *volatile px = NULL;
    png_bytep *volatile rows = NULL;
    enum ej_err volatile rc = EJ_INVALID;
    if (!ip) {
        png_destroy_read_struct(pp ? &pp : NULL, NULL, NULL);
        return EJ_NOMEM;
    }
    if (setjmp(png_jmpbuf(pp)))
        goto out;
    png_set_read_fn(pp, &src, png_read_mem);
    png_read_info(pp, ip);
    png_uint_32 w, h;
    int depth, ctype;
    png_get_IHDR(pp, ip, &w, &h, &depth, &ctype, NULL, NULL, NULL);
    if (too_many(w, h, len, why, whylen, "PNG")) {
        rc = EJ_TOO_BIG;
        goto out;
    }
    bool trns = png_get_valid(pp, ip, PNG_INFO_tRNS) != 0;
    bool colour = (ctype & PNG_COLOR_MASK_COLOR) != 0; /* palette too */
    bool grey = !colour && !(ctype & PNG_COLOR_MASK_ALPHA) && !trns;
    if (ctype == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(pp);
    if (!colour && depth < 8)
        png_set_expand_gray_1_2_4_to_8(pp);
    if (trns)
        png_set_tRNS_to_alpha(pp);
    if (depth == 16)
        png_set_scale_16(pp);
    if (!grey) {
        if (!colour)
            png_set_gray_to_rgb(pp);
        if (!(ctype & PNG_COLOR_MASK_ALPHA) && !trns)
            png_set_add_alpha(pp, 0xFF, PNG_FILLER_AFTER);
    }
    png_set_interlace_handling(pp);
    png_read_update_info(pp, ip);
    int nc = grey ? 1 : 4;
    size_t stride = (size_t)w * (size_t)nc;
    if (png_get_rowbytes(pp, ip) != stride) {
        snprintf(why, whylen, "PNG: unexpected row size");
        goto out;
    }
    px = malloc(stride * h + 1);
    rows = malloc((size_t)h * sizeof *rows + 1);
    if (!px || !rows) {
        rc = EJ_NOMEM;
        goto out;
    }
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = px + (size_t)y * stride;
    png_read_image(pp, rows);
    out->px = px;
    out->width = (int)w;
    out->height = (int)h;
    out->channels = nc;
    out->stride = stride;
    out->format = "png";
    px = NULL;
    rc = EJ_OK;
out:
    png_destroy_read_struct(&pp, &ip, NULL);
    free(rows);
    free(px);
    return rc;
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
