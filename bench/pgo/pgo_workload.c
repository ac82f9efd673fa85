/* pgo_workload.c: the workload of the classifier's profile-guided build
 * (CMakeLists.txt, EJ_PGO). Linked with the instrumented copy of the hot
 * files, it classifies every post of our labelled sets once; the counts
 * it leaves are what the optimized build of those files is tuned for.
 * Usage: ereje-pgo-workload MODEL POSTS.tsv...
 * Each TSV has a header line and the post's text in its 4th column, with
 * line breaks written as \n (data/posts/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ereje/ereje.h"

#define MAX_FILE (64u << 20) /* bytes of one input file */
#define PGO_TEXT_MAX 65536u /* bytes of one post, as ereje classify */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && (unsigned long)n <= MAX_FILE && fseek(f, 0, SEEK_SET) == 0 &&
            (buf = malloc((size_t)n + 1)) != NULL) {
            if (fread(buf, 1, (size_t)n, f) == (size_t)n) {
                buf[n] = '\0';
                *len = (size_t)n;
            } else {
                free(buf);
                buf = NULL;
            }
        }
    }
    fclose(f);
    return buf;
}

/* The 4th tab-separated field of line [p, end), unescaped into out (at
 * most cap bytes); its length. */
static size_t text_field(const char *p, const char *end, char *out, size_t cap)
{
    for (int tabs = 0; tabs < 3; tabs++) {
        const char *t = memchr(p, '\t', (size_t)(end - p));
        if (!t)
            return 0;
        p = t + 1;
    }
    size_t n = 0;
    for (; p < end && *p != '\t' && n < cap; p++) {
        if (p[0] == '\\' && p + 1 < end && p[1] == 'n') {
            out[n++] = '\n';
            p++;
        } else {
            out[n++] = *p;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: ereje-pgo-workload MODEL POSTS.tsv...\n");
        return 2;
    }
    size_t mlen, line = 0;
    char *model = read_file(argv[1], &mlen);
    struct ej_classifier *c = NULL;
    struct ej_content_scratch *s = NULL;
    enum ej_err rc = model ? ej_classifier_new(model, mlen, &c, &line)
                           : EJ_IO;
    free(model);
    if (rc == EJ_OK)
        rc = ej_content_scratch_new(c, PGO_TEXT_MAX, &s);
    if (rc != EJ_OK) {
        fprintf(stderr, "%s:%zu: %s\n", argv[1], line, ej_strerror(rc));
        return 1;
    }
    static char text[PGO_TEXT_MAX];
    size_t posts = 0;
    int status = 0;
    for (int a = 2; a < argc && status == 0; a++) {
        size_t len;
        char *buf = read_file(argv[a], &len);
        if (!buf) {
            fprintf(stderr, "ereje-pgo-workload: cannot read %s\n", argv[a]);
            status = 1;
            break;
        }
        const char *p = memchr(buf, '\n', len); /* after the header */
        const char *end = buf + len;
        while (p && p < end) {
            p++;
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl : end;
            size_t n = text_field(p, le, text, sizeof text);
            struct ej_classification o;
            size_t bad;
            if (n && ej_classify(c, s, text, n, &o, &bad) == EJ_OK)
                posts++;
            p = nl;
        }
        free(buf);
    }
    ej_content_scratch_free(s);
    ej_classifier_free(c);
    if (status == 0 && posts == 0) {
        fprintf(stderr, "ereje-pgo-workload: no post was classified\n");
        status = 1;
    }
    return status;
}
