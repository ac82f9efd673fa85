/* imgsynth.c: see imgsynth.h. */
#include "imgsynth.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

static unsigned lcg(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static double unit(unsigned *s) { return (lcg(s) & 0xFFFF) / 65535.0; }

struct shape {
    int kind; /* 0 rect, 1 disc */
    double x0, y0, x1, y1;
    unsigned char c[3];
};

unsigned char *synth_scene(unsigned seed, int width, int height)
{
    unsigned s = seed * 2654435761u + 1;
    unsigned char *px = malloc((size_t)width * (size_t)height * 3);
    if (!px)
        return NULL;
    double gx = unit(&s) * 2 - 1, gy = unit(&s) * 2 - 1;
    double f = 2 + unit(&s) * 6, ph = unit(&s) * 6.28;
    unsigned char base[3] = {(unsigned char)(lcg(&s) & 0xFF),
                             (unsigned char)(lcg(&s) & 0xFF),
                             (unsigned char)(lcg(&s) & 0xFF)};
    struct shape sh[12];
    for (int k = 0; k < 12; k++) {
        sh[k].kind = (int)(lcg(&s) & 1);
        double a = unit(&s), b = unit(&s), c = unit(&s) * 0.4 + 0.05,
               d = unit(&s) * 0.4 + 0.05;
        sh[k].x0 = a;
        sh[k].y0 = b;
        sh[k].x1 = a + c;
        sh[k].y1 = b + d;
        for (int j = 0; j < 3; j++)
            sh[k].c[j] = (unsigned char)(lcg(&s) & 0xFF);
    }
    for (int y = 0; y < height; y++) {
        double v = (y + 0.5) / height;
        for (int x = 0; x < width; x++) {
            double u = (x + 0.5) / width;
            double g = 60 * (gx * u + gy * v) + 25 * sin(f * u * 3.1 + ph) *
                                                     cos(f * v * 2.3);
            unsigned char *p = px + ((size_t)y * (size_t)width + (size_t)x) * 3;
            for (int j = 0; j < 3; j++) {
                double c = base[j] * 0.6 + 50 + g;
                p[j] = (unsigned char)(c < 0 ? 0 : c > 255 ? 255 : c);
            }
            for (int k = 0; k < 12; k++) {
                bool in;
                if (sh[k].kind == 0) {
                    in = u >= sh[k].x0 && u < sh[k].x1 && v >= sh[k].y0 &&
                         v < sh[k].y1;
                } else {
                    double cx = (sh[k].x0 + sh[k].x1) / 2,
                           cy = (sh[k].y0 + sh[k].y1) / 2,
                           r = (sh[k].x1 - sh[k].x0) / 2;
                    in = (u - cx) * (u - cx) + (v - cy) * (v - cy) < r * r;
                }
                if (in)
                    memcpy(p, sh[k].c, 3);
            }
        }
    }
    return px;
}

unsigned char *synth_flat(int width, int height, unsigned char v)
{
    size_t n = (size_t)width * (size_t)height * 3;
    unsigned char *px = malloc(n);
    if (px)
        memset(px, v, n);
    return px;
}

unsigned char *synth_resize(const unsigned char *rgb, int w, int h, int nw,
                            int nh)
{
    unsigned char *out = malloc((size_t)nw * (size_t)nh * 3);
    if (!out)
        return NULL;
    for (int y = 0; y < nh; y++) {
        int y0 = y * h / nh, y1 = (y + 1) * h / nh;
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int x = 0; x < nw; x++) {
            int x0 = x * w / nw, x1 = (x + 1) * w / nw;
            if (x1 <= x0)
                x1 = x0 + 1;
            for (int j = 0; j < 3; j++) {
                unsigned long sum = 0, n = 0;
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++, n++)
                        sum += rgb[((size_t)yy * (size_t)w + (size_t)xx) * 3 +
                                   (size_t)j];
                out[((size_t)y * (size_t)nw + (size_t)x) * 3 + (size_t)j] =
                    (unsigned char)((sum + n / 2) / n);
            }
        }
    }
    return out;
}

int synth_png(const unsigned char *rgb, int w, int h, unsigned char **out,
              size_t *len)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    im.width = (png_uint_32)w;
    im.height = (png_uint_32)h;
    im.format = PNG_FORMAT_RGB;
    png_alloc_size_t n = 0;
    if (!png_image_write_to_memory(&im, NULL, &n, 0, rgb, 0, NULL))
        return -1;
    *out = malloc(n);
    if (!*out)
        return -1;
    if (!png_image_write_to_memory(&im, *out, &n, 0, rgb, 0, NULL)) {
        free(*out);
        return -1;
    }
    *len = n;
    return 0;
}

int synth_jpeg(const unsigned char *rgb, int w, int h, int quality,
               unsigned char **out, size_t *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    unsigned char *buf = NULL;
    unsigned long n = 0;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &buf, &n);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)c.next_scanline * (size_t)w * 3);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    *out = buf;
    *len = n;
    return 0;
}
