/* pdq.c: the PDQ perceptual image hash (Meta, "The TMK+PDQF and PDQ
 * hashing algorithms", 2017-10-09), for re-upload blocking of images.
 *
 * Written here because no Debian package ships PDQ; the reference is C++
 * (facebook/ThreatExchange pdq/cpp). The steps follow it so that our
 * hashes compare with those of other PDQ implementations:
 *   1. luminance Y = 0.299 R + 0.587 G + 0.114 B, as floats;
 *   2. a tent blur: two X,Y passes of 1-D box filters of window
 *      ceil(dim / 128) (Jarosz), then decimation to 64x64 at the centres;
 *   3. a quality figure from the 64x64 gradients (0-100);
 *   4. the 16x16 lowest non-DC frequencies of the 2-D DCT of the 64x64;
 *   5. one bit each: above the median (the 128th smallest) of the 256.
 * Bit k (row i, column j, k = 16 i + j) is bit k of a 256-bit number
 * whose big-endian bytes are out[0..31]: out in hex is PDQ's hex form.
 * Pure: no I/O, no globals; the caller decodes the image (libjpeg, libpng
 * in src/common/image.c). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

#include "ereje/fingerprint.h"

/* Box filter along one vector (the reference's four phases: grow the
 * window, write with a half window, slide, shrink), in float as the
 * reference does, so the rounding is the same. */
static void box1d(const float *in, float *out, int n, int stride, int win)
{
    int half = (win + 2) / 2;
    int p1 = half - 1, p2 = win - half + 1, p3 = n - win, p4 = half - 1;
    int li = 0, ri = 0, oi = 0, cur = 0;
    float sum = 0.0f;
    for (int i = 0; i < p1; i++) {
        sum += in[ri];
        cur++;
        ri += stride;
    }
    for (int i = 0; i < p2; i++) {
        sum += in[ri];
        cur++;
        out[oi] = sum / (float)cur;
        ri += stride;
        oi += stride;
    }
    for (int i = 0; i < p3; i++) {
        sum += in[ri];
        sum -= in[li];
        out[oi] = sum / (float)cur;
        li += stride;
        ri += stride;
        oi += stride;
    }
    for (int i = 0; i < p4; i++) {
        sum -= in[li];
        cur--;
        out[oi] = sum / (float)cur;
        li += stride;
        oi += stride;
    }
}

/* box1d down every column at once, a row at a time (the same operations
 * in the same order for each column, so the same bits, without striding
 * through memory a column at a time); sum is cols floats of scratch. */
static void box_cols(const float *in, float *out, int rows, int cols,
                     int win, float *sum)
{
    int half = (win + 2) / 2;
    int p1 = half - 1, p2 = win - half + 1, p3 = rows - win, p4 = half - 1;
    size_t c = (size_t)cols;
    const float *ri = in, *li = in;
    float *o = out;
    int cur = 0;
    for (int j = 0; j < cols; j++)
        sum[j] = 0.0f;
    for (int i = 0; i < p1; i++, ri += c) {
        for (int j = 0; j < cols; j++)
            sum[j] += ri[j];
        cur++;
    }
    for (int i = 0; i < p2; i++, ri += c, o += c) {
        cur++;
        for (int j = 0; j < cols; j++) {
            sum[j] += ri[j];
            o[j] = sum[j] / (float)cur;
        }
    }
    for (int i = 0; i < p3; i++, ri += c, li += c, o += c)
        for (int j = 0; j < cols; j++) {
            sum[j] += ri[j];
            sum[j] -= li[j];
            o[j] = sum[j] / (float)cur;
        }
    for (int i = 0; i < p4; i++, li += c, o += c) {
        cur--;
        for (int j = 0; j < cols; j++) {
            sum[j] -= li[j];
            o[j] = sum[j] / (float)cur;
        }
    }
}

static int window_of(int dim) { return (dim + 2 * 64 - 1) / (2 * 64); }

/* The 64x64 downsample of the rows x cols luma in a (b and sum: scratch). */
static void downsample(float *a, float *b, float *sum, int rows, int cols,
                       float out[64][64])
{
    int wr = window_of(cols), wc = window_of(rows);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < rows; i++)
            box1d(a + (size_t)i * (size_t)cols, b + (size_t)i * (size_t)cols,
                  cols, 1, wr);
        box_cols(b, a, rows, cols, wc, sum);
    }
    for (int oi = 0; oi < 64; oi++) {
        int ii = (int)(((oi + 0.5) * rows) / 64);
        for (int oj = 0; oj < 64; oj++) {
            int jj = (int)(((oj + 0.5) * cols) / 64);
            out[oi][oj] = a[(size_t)ii * (size_t)cols + (size_t)jj];
        }
    }
}

/* The reference's heuristic: significant gradients, scaled to 0-100. */
static int quality_of(float m[64][64])
{
    int sum = 0;
    for (int i = 0; i < 63; i++)
        for (int j = 0; j < 64; j++) {
            int d = (int)(((m[i][j] - m[i + 1][j]) * 100) / 255);
            sum += abs(d);
        }
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 63; j++) {
            int d = (int)(((m[i][j] - m[i][j + 1]) * 100) / 255);
            sum += abs(d);
        }
    int q = sum / 90;
    return q > 100 ? 100 : q;
}

/* B = D A D^T with D the 16x64 DCT-II rows 1..16 (no DC). */
static void dct64to16(float a[64][64], float b[16][16])
{
    static const double pi = 3.14159265358979323846;
    float d[16][64], t[16][64];
    const float scale = (float)sqrt(2.0 / 64.0);
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 64; j++)
            d[i][j] = (float)(scale * cos((pi / 2.0 / 64.0) * (i + 1) *
                                          (2 * j + 1)));
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 64; j++) {
            float s = 0.0f;
            for (int k = 0; k < 64; k++)
                s += d[i][k] * a[k][j];
            t[i][j] = s;
        }
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            float s = 0.0f;
            for (int k = 0; k < 64; k++)
                s += t[i][k] * d[j][k];
            b[i][j] = s;
        }
}

static int cmp_float(const void *x, const void *y)
{
    float a = *(const float *)x, b = *(const float *)y;
    return (a > b) - (a < b);
}

enum ej_err ej_pdq(const uint8_t *px, int width, int height, size_t stride,
                   int channels, uint8_t out[EJ_PDQ_BYTES], int *quality)
{
    if (!px || width < EJ_PDQ_MIN_DIM || height < EJ_PDQ_MIN_DIM ||
        (channels != 1 && channels != 3 && channels != 4) ||
        stride < (size_t)width * (size_t)channels)
        return EJ_INVALID;
    if ((uint64_t)width * (uint64_t)height > EJ_PDQ_MAX_PIXELS)
        return EJ_TOO_BIG;
    size_t n = (size_t)width * (size_t)height;
    float *a = ej__malloc(n * sizeof *a), *b = ej__malloc(n * sizeof *b),
          *sum = ej__malloc((size_t)width * sizeof *sum);
    if (!a || !b || !sum) {
        ej__free(a);
        ej__free(b);
        ej__free(sum);
        return EJ_NOMEM;
    }
    for (int i = 0; i < height; i++) {
        const uint8_t *row = px + (size_t)i * stride;
        float *dst = a + (size_t)i * (size_t)width;
        if (channels == 1)
            for (int j = 0; j < width; j++)
                dst[j] = (float)row[j];
        else
            for (int j = 0; j < width; j++) {
                const uint8_t *p = row + (size_t)j * (size_t)channels;
                dst[j] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
            }
    }
    float m[64][64], f[16][16], sorted[256];
    if (width == 64 && height == 64) {
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++)
                m[i][j] = a[i * 64 + j];
    } else {
        downsample(a, b, sum, height, width, m);
    }
    ej__free(a);
    ej__free(b);
    ej__free(sum);
    int q = quality_of(m);
    dct64to16(m, f);
    memcpy(sorted, f, sizeof sorted);
    qsort(sorted, 256, sizeof *sorted, cmp_float);
    float median = sorted[127];
    memset(out, 0, EJ_PDQ_BYTES);
    for (int k = 0; k < 256; k++)
        if (f[k / 16][k % 16] > median)
            out[31 - k / 8] |= (uint8_t)(1u << (k % 8));
    *quality = q;
    return EJ_OK;
}

int ej_pdq_distance(const uint8_t a[EJ_PDQ_BYTES],
                    const uint8_t b[EJ_PDQ_BYTES])
{
    int d = 0;
    for (int i = 0; i < EJ_PDQ_BYTES; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        d += __builtin_popcountll(x ^ y);
    }
    return d;
}
