/* mkimg.c: ereje-test-mkimg, images for the shell tests (test_orders.sh):
 *   mkimg scene SEED W H OUT.(png|jpg) [QUALITY]  a picture from a seed
 *   mkimg resize IN W H OUT.(png|jpg) [QUALITY]   IN resized, re-encoded
 *   mkimg flat W H OUT.png                        one grey
 * Drawing and encoding in tests/unit/imgsynth.c; IN is decoded with the
 * service's own decoder (src/common/image.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "imgsynth.h"

/* A whole number of 1..100000 (sizes, seeds, qualities); exits 2 on
 * anything else. */
static int num(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end || v < 1 || v > 100000) {
        fprintf(stderr, "mkimg: '%s' is not a number of 1..100000\n", s);
        exit(2);
    }
    return (int)v;
}

static int write_out(const char *path, const unsigned char *rgb, int w, int h,
                     int quality)
{
    unsigned char *buf;
    size_t len;
    size_t n = strlen(path);
    int rc = n > 4 && strcmp(path + n - 4, ".png") == 0
                 ? synth_png(rgb, w, h, &buf, &len)
                 : synth_jpeg(rgb, w, h, quality, &buf, &len);
    if (rc != 0)
        return 1;
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        free(buf);
        return 1;
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "scene") == 0) {
        int w = num(argv[3]), h = num(argv[4]);
        unsigned char *rgb = synth_scene((unsigned)num(argv[2]), w, h);
        int rc = !rgb || write_out(argv[5], rgb, w, h,
                                   argc > 6 ? num(argv[6]) : 90);
        free(rgb);
        return rc;
    }
    if (argc >= 6 && strcmp(argv[1], "resize") == 0) {
        FILE *f = fopen(argv[2], "rb");
        static unsigned char in[IMAGE_MAX_BYTES];
        size_t len = f ? fread(in, 1, sizeof in, f) : 0;
        if (f)
            fclose(f);
        struct image im;
        char why[128];
        if (image_decode(in, len, &im, why, sizeof why) != 0) {
            fprintf(stderr, "mkimg: %s: %s\n", argv[2], why);
            return 1;
        }
        /* to RGB, then the area-average resize */
        unsigned char *rgb = malloc((size_t)im.width * im.height * 3);
        for (int y = 0; rgb && y < im.height; y++)
            for (int x = 0; x < im.width; x++)
                for (int c = 0; c < 3; c++)
                    rgb[((size_t)y * im.width + x) * 3 + c] =
                        im.px[y * im.stride + (size_t)x * im.channels +
                              (im.channels == 1 ? 0 : c)];
        int w = num(argv[3]), h = num(argv[4]);
        unsigned char *r = rgb ? synth_resize(rgb, im.width, im.height, w, h)
                               : NULL;
        int rc = !r || write_out(argv[5], r, w, h,
                                 argc > 6 ? num(argv[6]) : 90);
        image_free(&im);
        free(rgb);
        free(r);
        return rc;
    }
    if (argc == 5 && strcmp(argv[1], "flat") == 0) {
        int w = num(argv[2]), h = num(argv[3]);
        unsigned char *rgb = synth_flat(w, h, 128);
        int rc = !rgb || write_out(argv[4], rgb, w, h, 90);
        free(rgb);
        return rc;
    }
    fputs("usage: mkimg scene SEED W H OUT [Q] | resize IN W H OUT [Q] | "
          "flat W H OUT.png\n",
          stderr);
    return 2;
}
