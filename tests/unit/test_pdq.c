/* test_pdq.c: the PDQ image hash (lib/pdq.c), the image decoders
 * (src/common/image.c) and media fingerprints (src/common/mediafp.c), on
 * images drawn here (imgsynth.c), re-encoded and resized here. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "image.h"
#include "imgsynth.h"
#include "mediafp.h"

static void hash_rgb(const unsigned char *rgb, int w, int h, uint8_t out[32],
                     int *q)
{
    assert_int_equal(ej_pdq(rgb, w, h, (size_t)w * 3, 3, out, q), EJ_OK);
}

/* The PDQ hash of encoded bytes, through the decoders. */
static void hash_bytes(const unsigned char *buf, size_t len, uint8_t out[32],
                       int *q)
{
    struct mediafp m;
    assert_int_equal(mediafp_compute(buf, len, &m), EJ_OK);
    assert_true(m.has_pdq);
    memcpy(out, m.pdq, 32);
    *q = m.quality;
}

/* Two of the pictures the reference hashes were taken from (integer
 * arithmetic only, so every platform draws the same pixels). */
static uint32_t lcg_state;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static void put(uint8_t *p, int w, int x, int y, int r, int g, int b)
{
    uint8_t *q = p + 3 * ((size_t)y * (size_t)w + (size_t)x);
    q[0] = (uint8_t)r;
    q[1] = (uint8_t)g;
    q[2] = (uint8_t)b;
}

static void draw_rects(uint8_t *p, int w, int h, int seed)
{
    lcg_state = 12345u + (uint32_t)seed;
    memset(p, 40, (size_t)w * (size_t)h * 3);
    for (int k = 0; k < 12; k++) {
        int x0 = (int)(lcg() % (uint32_t)w), y0 = (int)(lcg() % (uint32_t)h);
        int rw = 1 + (int)(lcg() % (uint32_t)(w / 2 + 1)),
            rh = 1 + (int)(lcg() % (uint32_t)(h / 2 + 1));
        int r = (int)(lcg() >> 24), g = (int)(lcg() >> 24),
            b = (int)(lcg() >> 24);
        for (int y = y0; y < y0 + rh && y < h; y++)
            for (int x = x0; x < x0 + rw && x < w; x++)
                put(p, w, x, y, r, g, b);
    }
}

static void draw_noise(uint8_t *p, int w, int h, int seed)
{
    lcg_state = 42u + (uint32_t)seed;
    for (size_t i = 0; i < (size_t)w * (size_t)h * 3; i++)
        p[i] = (uint8_t)(lcg() >> 24);
}

/* tests/cases/pdq/reference.tsv: the bits of Meta's reference. */
static void same_bits_as_the_reference(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/tests/cases/pdq/reference.tsv",
             EJ_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char kind[16], hex[80];
        int w, h, seed, quality;
        assert_int_equal(sscanf(line, "%15s %d %d %d %79s %d", kind, &w, &h,
                                &seed, hex, &quality),
                         6);
        uint8_t *px = malloc((size_t)w * (size_t)h * 3);
        assert_non_null(px);
        if (strcmp(kind, "rect") == 0)
            draw_rects(px, w, h, seed);
        else
            draw_noise(px, w, h, seed);
        uint8_t out[32];
        int q;
        hash_rgb(px, w, h, out, &q);
        char got[65];
        for (int i = 0; i < 32; i++)
            snprintf(got + 2 * i, 3, "%02x", out[i]);
        if (strcmp(got, hex) != 0 || q != quality)
            fail_msg("%s %dx%d seed %d: got %s q%d, want %s q%d", kind, w, h,
                     seed, got, q, hex, quality);
        free(px);
        n++;
    }
    fclose(f);
    assert_true(n >= 8);
}

static void rejects_bad_input(void **state)
{
    (void)state;
    uint8_t px[64 * 64 * 4] = {0}, h[32];
    int q;
    assert_int_equal(ej_pdq(px, 4, 64, 12, 3, h, &q), EJ_INVALID);
    assert_int_equal(ej_pdq(px, 64, 4, 192, 3, h, &q), EJ_INVALID);
    assert_int_equal(ej_pdq(px, 64, 64, 128, 2, h, &q), EJ_INVALID);
    assert_int_equal(ej_pdq(px, 64, 64, 100, 3, h, &q), EJ_INVALID);
    assert_int_equal(ej_pdq(NULL, 64, 64, 192, 3, h, &q), EJ_INVALID);
    /* refused from the size alone, before any pixel is read */
    assert_int_equal(ej_pdq(px, 10000, 10000, 30000, 3, h, &q), EJ_TOO_BIG);
}

static void grey_is_rgb_of_equal_parts(void **state)
{
    (void)state;
    int w = 120, hgt = 90;
    unsigned char *rgb = synth_scene(3, w, hgt);
    unsigned char *grey = malloc((size_t)w * hgt);
    assert_non_null(rgb);
    assert_non_null(grey);
    for (int i = 0; i < w * hgt; i++) {
        grey[i] = rgb[i * 3];
        rgb[i * 3 + 1] = rgb[i * 3 + 2] = rgb[i * 3];
    }
    uint8_t a[32], b[32];
    int qa, qb;
    hash_rgb(rgb, w, hgt, a, &qa);
    assert_int_equal(ej_pdq(grey, w, hgt, (size_t)w, 1, b, &qb), EJ_OK);
    assert_memory_equal(a, b, 32);
    assert_int_equal(qa, qb);
    free(rgb);
    free(grey);
}

/* A grey PNG is hashed from its grey values, as the reference does for
 * grey input (not through the RGB weights, which round some values). */
static void grey_png_is_hashed_as_grey(void **state)
{
    (void)state;
    int w = 96, hgt = 80;
    unsigned char *rgb = synth_scene(9, w, hgt), *buf;
    unsigned char *grey = malloc((size_t)w * hgt);
    assert_non_null(grey);
    for (int i = 0; i < w * hgt; i++)
        grey[i] = rgb[i * 3 + 1];
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    im.width = (png_uint_32)w;
    im.height = (png_uint_32)hgt;
    im.format = PNG_FORMAT_GRAY;
    png_alloc_size_t n = 0;
    assert_true(png_image_write_to_memory(&im, NULL, &n, 0, grey, 0, NULL));
    buf = malloc(n);
    assert_non_null(buf);
    assert_true(png_image_write_to_memory(&im, buf, &n, 0, grey, 0, NULL));
    uint8_t want[32], got[32];
    int qw, qg;
    assert_int_equal(ej_pdq(grey, w, hgt, (size_t)w, 1, want, &qw), EJ_OK);
    hash_bytes(buf, n, got, &qg);
    assert_memory_equal(want, got, 32);
    assert_int_equal(qw, qg);
    struct image di;
    char why[128];
    assert_int_equal(image_decode(buf, n, &di, why, sizeof why), EJ_OK);
    assert_int_equal(di.channels, 1);
    image_free(&di);
    free(buf);
    free(grey);
    free(rgb);
}

/* ---- the PNG decoder against libpng's simplified API ------------------ */

/* A PNG written with libpng's low-level API: colour type, bit depth,
 * interlacing, and optionally a gAMA chunk, a tRNS chunk (colour key) and
 * a palette of 16 colours. Samples come from a seeded LCG. */
struct png_spec {
    int ctype, depth;
    bool interlace, trns;
    double gamma; /* 0: no gAMA chunk */
};

struct mem_out {
    unsigned char *p;
    size_t len, cap;
};

static void mem_write(png_structp pp, png_bytep d, size_t n)
{
    struct mem_out *m = png_get_io_ptr(pp);
    if (m->len + n > m->cap) {
        m->cap = (m->len + n) * 2;
        m->p = realloc(m->p, m->cap);
        assert_non_null(m->p);
    }
    memcpy(m->p + m->len, d, n);
    m->len += n;
}

static void mem_flush(png_structp pp) { (void)pp; }

static unsigned char *write_png(const struct png_spec *sp, int w, int h,
                                uint32_t seed, size_t *len)
{
    png_structp pp =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop ip = png_create_info_struct(pp);
    assert_non_null(ip);
    struct mem_out m = {NULL, 0, 0};
    png_set_write_fn(pp, &m, mem_write, mem_flush);
    png_set_IHDR(pp, ip, (png_uint_32)w, (png_uint_32)h, sp->depth,
                 sp->ctype,
                 sp->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (sp->ctype == PNG_COLOR_TYPE_PALETTE) {
        png_color pal[16];
        for (int i = 0; i < 16; i++)
            pal[i] = (png_color){(png_byte)(i * 16), (png_byte)(255 - i * 9),
                                 (png_byte)(i * i)};
        png_set_PLTE(pp, ip, pal, 16);
        if (sp->trns) {
            png_byte a[4] = {0, 64, 128, 200};
            png_set_tRNS(pp, ip, a, 4, NULL);
        }
    } else if (sp->trns) {
        png_color_16 key = {0, 7, 7, 7, 7};
        png_set_tRNS(pp, ip, NULL, 0, &key);
    }
    if (sp->gamma > 0)
        png_set_gAMA(pp, ip, sp->gamma);
    png_write_info(pp, ip);
    if (sp->depth == 16)
        png_set_swap(pp); /* rows below are host-order 16-bit */
    int ch = png_get_channels(pp, ip);
    size_t rb = png_get_rowbytes(pp, ip);
    unsigned char *px = malloc(rb * (size_t)h);
    png_bytep *rows = malloc((size_t)h * sizeof *rows);
    assert_non_null(px);
    assert_non_null(rows);
    lcg_state = seed;
    for (int y = 0; y < h; y++) {
        rows[y] = px + (size_t)y * rb;
        if (sp->depth == 16) {
            uint16_t *r = (uint16_t *)(void *)rows[y];
            for (int x = 0; x < w * ch; x++)
                r[x] = (uint16_t)(lcg() >> 8);
        } else if (sp->depth == 8) {
            for (size_t x = 0; x < rb; x++)
                rows[y][x] = sp->ctype == PNG_COLOR_TYPE_PALETTE
                                 ? (png_byte)((lcg() >> 16) % 16)
                                 : (png_byte)(lcg() >> 20);
        } else { /* grey of 1, 2 or 4 bits: any byte is valid */
            for (size_t x = 0; x < rb; x++)
                rows[y][x] = (png_byte)(lcg() >> 24);
        }
    }
    png_write_image(pp, rows);
    png_write_end(pp, NULL);
    png_destroy_write_struct(&pp, &ip);
    free(rows);
    free(px);
    *len = m.len;
    return m.p;
}

/* What the simplified API gives, as the decoder used it before: grey
 * without alpha as one channel, else RGBA; 16-bit samples as sRGB. */
static unsigned char *simplified(const unsigned char *buf, size_t len,
                                 int *channels)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_memory(&im, buf, len));
    bool grey = !(im.format & PNG_FORMAT_FLAG_COLOR) &&
                !(im.format & PNG_FORMAT_FLAG_ALPHA);
    im.format = grey ? PNG_FORMAT_GRAY : PNG_FORMAT_RGBA;
    im.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(im));
    assert_non_null(px);
    assert_true(png_image_finish_read(&im, NULL, px, 0, NULL));
    *channels = grey ? 1 : 4;
    png_image_free(&im);
    return px;
}

/* Without gAMA, every kind of PNG decodes to the simplified API's pixels;
 * with gAMA, to the stored samples (not gamma-corrected), as Meta's
 * reference reads them. */
static void png_decoder_matches(void **state)
{
    (void)state;
    static const struct png_spec specs[] = {
        {PNG_COLOR_TYPE_RGB, 8, false, false, 0},
        {PNG_COLOR_TYPE_RGB, 8, true, false, 0},
        {PNG_COLOR_TYPE_RGB_ALPHA, 8, false, false, 0},
        {PNG_COLOR_TYPE_GRAY, 8, false, false, 0},
        {PNG_COLOR_TYPE_GRAY, 1, false, false, 0},
        {PNG_COLOR_TYPE_GRAY, 2, true, false, 0},
        {PNG_COLOR_TYPE_GRAY, 4, false, false, 0},
        {PNG_COLOR_TYPE_GRAY_ALPHA, 8, false, false, 0},
        {PNG_COLOR_TYPE_GRAY, 8, false, true, 0},
        {PNG_COLOR_TYPE_RGB, 8, false, true, 0},
        {PNG_COLOR_TYPE_PALETTE, 8, false, false, 0},
        {PNG_COLOR_TYPE_PALETTE, 8, false, true, 0},
        {PNG_COLOR_TYPE_RGB, 16, false, false, 0},
        {PNG_COLOR_TYPE_GRAY, 16, false, false, 0},
    };
    int w = 37, h = 23;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        size_t len;
        unsigned char *buf = write_png(&specs[i], w, h, 1000u + (uint32_t)i,
                                       &len);
        int ch;
        unsigned char *want = simplified(buf, len, &ch);
        struct image im;
        char why[128];
        assert_int_equal(image_decode(buf, len, &im, why, sizeof why), EJ_OK);
        if (im.channels != ch ||
            memcmp(im.px, want, (size_t)w * h * (size_t)ch) != 0)
            fail_msg("PNG spec %zu (colour type %d, depth %d): pixels "
                     "differ from libpng's simplified API",
                     i, specs[i].ctype, specs[i].depth);
        image_free(&im);
        free(want);
        free(buf);
    }

    /* Interlacing does not change the pixels, 16-bit ones included: the
     * simplified API of the libpng in Debian 12 does not get this right
     * for 16-bit Adam7 files (libpng issue 853), the low-level reader
     * does. */
    static const struct png_spec pairs[] = {
        {PNG_COLOR_TYPE_RGB, 16, false, false, 0},
        {PNG_COLOR_TYPE_RGB_ALPHA, 16, false, false, 0},
        {PNG_COLOR_TYPE_GRAY, 16, false, false, 0},
        {PNG_COLOR_TYPE_GRAY_ALPHA, 16, false, false, 0},
        {PNG_COLOR_TYPE_PALETTE, 8, false, true, 0},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        struct png_spec il = pairs[i];
        il.interlace = true;
        size_t l1, l2;
        unsigned char *b1 = write_png(&pairs[i], w, h, 500u + (uint32_t)i,
                                      &l1);
        unsigned char *b2 = write_png(&il, w, h, 500u + (uint32_t)i, &l2);
        struct image i1, i2;
        char why[128];
        assert_int_equal(image_decode(b1, l1, &i1, why, sizeof why), EJ_OK);
        assert_int_equal(image_decode(b2, l2, &i2, why, sizeof why), EJ_OK);
        assert_int_equal(i1.channels, i2.channels);
        if (memcmp(i1.px, i2.px, (size_t)w * h * (size_t)i1.channels) != 0)
            fail_msg("PNG pair %zu: interlaced pixels differ", i);
        image_free(&i1);
        image_free(&i2);
        free(b1);
        free(b2);
    }

    /* gamma 1.0 in the file: the stored bytes, unchanged */
    struct png_spec g = {PNG_COLOR_TYPE_RGB, 8, false, false, 1.0};
    size_t len;
    unsigned char *buf = write_png(&g, w, h, 77, &len);
    struct png_spec plain = g;
    plain.gamma = 0;
    size_t plen;
    unsigned char *pbuf = write_png(&plain, w, h, 77, &plen);
    struct image a, b;
    char why[128];
    assert_int_equal(image_decode(buf, len, &a, why, sizeof why), EJ_OK);
    assert_int_equal(image_decode(pbuf, plen, &b, why, sizeof why), EJ_OK);
    assert_memory_equal(a.px, b.px, (size_t)w * h * 4);
    int ch;
    unsigned char *corrected = simplified(buf, len, &ch);
    /* the simplified API would have changed them: the chunk matters */
    assert_true(memcmp(corrected, a.px, (size_t)w * h * 4) != 0);
    free(corrected);
    image_free(&a);
    image_free(&b);
    free(buf);
    free(pbuf);
}

static void half_the_bits_are_set(void **state)
{
    (void)state;
    unsigned char *rgb = synth_scene(11, 300, 200);
    uint8_t h[32], z[32] = {0};
    int q;
    hash_rgb(rgb, 300, 200, h, &q);
    /* above the median of 256 values: 128 bits (ties aside) */
    int ones = ej_pdq_distance(h, z);
    assert_in_range(ones, 120, 128);
    assert_true(q >= EJ_PDQ_MIN_QUALITY);
    free(rgb);
}

static void survives_reencoding_and_resizing(void **state)
{
    (void)state;
    int w = 640, hgt = 480;
    unsigned char *rgb = synth_scene(7, w, hgt);
    uint8_t orig[32], h[32];
    int q, q2;
    hash_rgb(rgb, w, hgt, orig, &q);
    assert_true(q >= EJ_PDQ_MIN_QUALITY);

    unsigned char *buf;
    size_t len;
    /* PNG is lossless: the very same hash */
    assert_int_equal(synth_png(rgb, w, hgt, &buf, &len), 0);
    hash_bytes(buf, len, h, &q2);
    assert_memory_equal(orig, h, 32);
    free(buf);

    struct {
        int nw, nh, quality; /* quality 0: PNG */
    } v[] = {{640, 480, 90}, {640, 480, 30}, {320, 240, 0},
             {320, 240, 60}, {213, 160, 40}, {1024, 768, 75},
             {480, 480, 85} /* squashed: the aspect ratio changed */};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        unsigned char *r = v[i].nw == w && v[i].nh == hgt
                               ? rgb
                               : synth_resize(rgb, w, hgt, v[i].nw, v[i].nh);
        assert_non_null(r);
        if (v[i].quality)
            assert_int_equal(synth_jpeg(r, v[i].nw, v[i].nh, v[i].quality,
                                        &buf, &len),
                             0);
        else
            assert_int_equal(synth_png(r, v[i].nw, v[i].nh, &buf, &len), 0);
        hash_bytes(buf, len, h, &q2);
        int d = ej_pdq_distance(orig, h);
        print_message("  %dx%d %s q%d: distance %d\n", v[i].nw, v[i].nh,
                      v[i].quality ? "jpeg" : "png", v[i].quality, d);
        assert_true(d <= EJ_PDQ_NEAR);
        free(buf);
        if (r != rgb)
            free(r);
    }
    /* the same picture drawn again at another size */
    unsigned char *big = synth_scene(7, 1200, 900);
    hash_rgb(big, 1200, 900, h, &q2);
    assert_true(ej_pdq_distance(orig, h) <= EJ_PDQ_NEAR);
    free(big);
    free(rgb);
}

static void different_pictures_are_far(void **state)
{
    (void)state;
    enum { N = 16 };
    uint8_t h[N][32];
    int q;
    for (int i = 0; i < N; i++) {
        unsigned char *rgb = synth_scene(100 + (unsigned)i, 200, 150);
        hash_rgb(rgb, 200, 150, h[i], &q);
        free(rgb);
    }
    int min = 256;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) {
            int d = ej_pdq_distance(h[i], h[j]);
            if (d < min)
                min = d;
        }
    print_message("  closest of %d different pictures: %d bits\n", N, min);
    assert_true(min > 2 * EJ_PDQ_NEAR);
}

static void flat_images_are_not_matched_on(void **state)
{
    (void)state;
    unsigned char *flat = synth_flat(100, 100, 128), *buf;
    size_t len;
    assert_int_equal(synth_png(flat, 100, 100, &buf, &len), 0);
    struct mediafp m;
    assert_int_equal(mediafp_compute(buf, len, &m), EJ_OK);
    assert_true(m.has_pdq);
    assert_true(m.quality < EJ_PDQ_MIN_QUALITY);
    assert_false(mediafp_pdq_usable(&m));
    assert_non_null(strstr(m.note, "quality"));
    assert_string_equal(m.format, "png");
    assert_int_equal(m.width, 100);
    free(buf);
    free(flat);
}

static void decoder_errors_are_clear(void **state)
{
    (void)state;
    struct image im;
    char why[128];
    struct mediafp m;
    const unsigned char junk[] = "GIF89a not an image we decode";
    assert_int_equal(image_decode(junk, sizeof junk, &im, why, sizeof why),
                     EJ_INVALID);
    assert_non_null(strstr(why, "not a JPEG or PNG"));
    /* media that are not images: a SHA-256 only */
    assert_int_equal(mediafp_compute(junk, sizeof junk, &m), EJ_OK);
    assert_false(m.has_pdq);
    assert_null(m.format);

    unsigned char *rgb = synth_scene(5, 64, 48), *buf;
    size_t len;
    assert_int_equal(synth_jpeg(rgb, 64, 48, 80, &buf, &len), 0);
    /* cut inside the scan: corrupt data is refused, not hashed half grey */
    assert_int_equal(image_decode(buf, len - len / 3, &im, why, sizeof why),
                     EJ_INVALID);
    assert_non_null(strstr(why, "JPEG: "));
    /* cut inside the header: the decoder's own message, no crash */
    assert_int_equal(image_decode(buf, 20, &im, why, sizeof why), EJ_INVALID);
    assert_non_null(strstr(why, "JPEG: "));
    assert_int_equal(mediafp_compute(buf, 20, &m), EJ_OK);
    assert_false(m.has_pdq);
    assert_string_equal(m.format, "jpeg");
    /* a frame header claiming 65280x65280: refused before allocating */
    for (size_t i = 0; i + 9 < len; i++)
        if (buf[i] == 0xFF && buf[i + 1] == 0xC0) {
            const unsigned char dims[4] = {0xFF, 0x00, 0xFF, 0x00};
            memcpy(buf + i + 5, dims, 4);
            break;
        }
    assert_int_equal(image_decode(buf, len, &im, why, sizeof why),
                     EJ_TOO_BIG);
    assert_non_null(strstr(why, "65280x65280"));
    /* 4000x4000 claimed by a file of a few KB: within the pixel cap, but
     * thousands of pixels a byte (a decompression bomb) */
    for (size_t i = 0; i + 9 < len; i++)
        if (buf[i] == 0xFF && buf[i + 1] == 0xC0) {
            const unsigned char dims[4] = {0x0F, 0xA0, 0x0F, 0xA0};
            memcpy(buf + i + 5, dims, 4);
            break;
        }
    assert_int_equal(image_decode(buf, len, &im, why, sizeof why),
                     EJ_TOO_BIG);
    assert_non_null(strstr(why, "decompression bomb"));
    free(buf);

    assert_int_equal(synth_png(rgb, 64, 48, &buf, &len), 0);
    buf[20] ^= 0x55; /* inside IHDR: its CRC no longer matches */
    assert_int_equal(image_decode(buf, len, &im, why, sizeof why),
                     EJ_INVALID);
    assert_non_null(strstr(why, "PNG: "));
    free(buf);
    /* over the byte limit */
    assert_int_equal(image_decode(rgb, (size_t)IMAGE_MAX_BYTES + 1, &im, why,
                                  sizeof why),
                     EJ_TOO_BIG);
    free(rgb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_bits_as_the_reference),
        cmocka_unit_test(rejects_bad_input),
        cmocka_unit_test(grey_is_rgb_of_equal_parts),
        cmocka_unit_test(grey_png_is_hashed_as_grey),
        cmocka_unit_test(png_decoder_matches),
        cmocka_unit_test(half_the_bits_are_set),
        cmocka_unit_test(survives_reencoding_and_resizing),
        cmocka_unit_test(different_pictures_are_far),
        cmocka_unit_test(flat_images_are_not_matched_on),
        cmocka_unit_test(decoder_errors_are_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
