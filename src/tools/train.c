/* train.c: ereje-train, which trains the content model (make train),
 * evaluates it (make eval) and exports the same data for fastText (make
 * bench).
 *
 * Data:
 *   - the shared corpus (../shared/corpus/topics.tsv): only rows whose
 *     split is "train" are ever trained on; "test" rows are only scored;
 *   - our own posts, the .tsv files of data/posts (label, sub, lang, text; "\n" in a
 *     text is a line break). A post is held out when the FNV-1a hash of
 *     its text is 0 mod 5 (20%, fixed by the text, so adding posts never
 *     moves old ones between the parts).
 * Training is logistic regression (liblinear, L2, primal trust-region
 * Newton: deterministic) over the hashed features of lib/classify.c; the
 * weights are written as text with fixed precision, so the same inputs
 * give the same model file byte for byte.
 */
#include <dirent.h>
#include <errno.h>
#include <linear.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ereje/content.h"

#define TEXT_MAX (64u * 1024u)
/* Weights below this are left out of the model file, and the rest keep 3
 * significant digits: the file shrinks from 8 MB to 3.5 MB and the
 * macro-F1 of `make eval` did not move (0.935 / 0.851 either way, measured
 * when this was set). */
#define PRUNE 0.1
#define ROWS_MAX 200000u

enum cls { C_OCCULT, C_EDU, C_OTHER, C_COUNT };
static const char *const cls_names[C_COUNT] = {"occult", "educational",
                                               "other"};

struct row {
    enum cls cls;
    int sub;       /* practice / field, -1 unknown */
    char lang[8];  /* kk, ru, en, kk-ru, ru-en ... */
    char *text;
    size_t len;
    int part;      /* 0 train, 1 test/held-out */
    int source;    /* 0 corpus, 1 posts */
};

struct rows {
    struct row *r;
    size_t n, cap;
};

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ereje-train: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 1 << 20;
            if (cap > (256u << 20))
                die("%s: larger than 256 MiB", path);
            buf = realloc(buf, cap + 1);
            if (!buf)
                die("out of memory");
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static uint32_t fnv(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static void push(struct rows *rs, struct row r)
{
    if (rs->n == ROWS_MAX)
        die("more than %u rows", ROWS_MAX);
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 1024;
        rs->r = realloc(rs->r, rs->cap * sizeof *rs->r);
        if (!rs->r)
            die("out of memory");
    }
    rs->r[rs->n++] = r;
}

/* Split a line at tabs in place; returns the field count. */
static size_t fields(char *line, char **f, size_t max)
{
    size_t k = 0;
    f[k++] = line;
    for (char *p = line; *p && k < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[k++] = p + 1;
        }
    return k;
}

static int corpus_practice(const char *sub)
{
    if (strcmp(sub, "occult/horoscope") == 0)
        return EJ_PRACTICE_ASTROLOGY;
    if (strncmp(sub, "occult/tarot", 12) == 0)
        return EJ_PRACTICE_TAROT;
    if (strcmp(sub, "occult/iching") == 0)
        return EJ_PRACTICE_FORTUNE_TELLING;
    return -1;
}

static bool parse_cls(const char *s, enum cls *out)
{
    for (int c = 0; c < C_COUNT; c++)
        if (strcmp(s, cls_names[c]) == 0) {
            *out = (enum cls)c;
            return true;
        }
    return false;
}

static void load_corpus(const char *path, struct rows *rs)
{
    size_t len;
    char *buf = slurp(path, &len), *save = NULL;
    size_t lineno = 0;
    for (char *line = strtok_r(buf, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[8];
        if (++lineno == 1)
            continue; /* header */
        if (fields(line, f, 8) != 7)
            die("%s:%zu: expected 7 fields", path, lineno);
        struct row r = {0};
        if (!parse_cls(f[1], &r.cls))
            die("%s:%zu: unknown label %s", path, lineno, f[1]);
        r.part = strcmp(f[0], "train") == 0 ? 0 : 1;
        r.sub = r.cls == C_OCCULT ? corpus_practice(f[2]) : -1;
        snprintf(r.lang, sizeof r.lang, "%s", f[3]);
        r.text = strdup(f[6]);
        r.len = strlen(r.text);
        r.source = 0;
        push(rs, r);
    }
    free(buf);
}

static void load_posts_file(const char *path, struct rows *rs)
{
    size_t len;
    char *buf = slurp(path, &len), *save = NULL;
    size_t lineno = 0;
    for (char *line = strtok_r(buf, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[5];
        if (++lineno == 1 && strncmp(line, "label\t", 6) == 0)
            continue;
        size_t nf = fields(line, f, 5);
        if (nf != 4)
            die("%s:%zu: expected 4 fields, got %zu", path, lineno, nf);
        struct row r = {0};
        if (!parse_cls(f[0], &r.cls))
            die("%s:%zu: unknown label %s", path, lineno, f[0]);
        r.sub = -1;
        if (r.cls == C_OCCULT) {
            enum ej_practice p;
            if (!ej_practice_parse(f[1], strlen(f[1]), &p))
                die("%s:%zu: unknown practice %s", path, lineno, f[1]);
            r.sub = (int)p;
        } else if (r.cls == C_EDU) {
            enum ej_field fd;
            if (!ej_field_parse(f[1], strlen(f[1]), &fd))
                die("%s:%zu: unknown field %s", path, lineno, f[1]);
            r.sub = (int)fd;
        }
        snprintf(r.lang, sizeof r.lang, "%s", f[2]);
        /* unescape \n */
        char *t = strdup(f[3]), *w = t;
        for (const char *p = f[3]; *p; p++) {
            if (p[0] == '\\' && p[1] == 'n') {
                *w++ = '\n';
                p++;
            } else {
                *w++ = *p;
            }
        }
        *w = '\0';
        r.text = t;
        r.len = (size_t)(w - t);
        r.part = fnv(r.text, r.len) % 5 == 0 ? 1 : 0;
        r.source = 1;
        push(rs, r);
    }
    free(buf);
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_posts(const char *dir, struct rows *rs)
{
    DIR *d = opendir(dir);
    if (!d)
        die("%s: %s", dir, strerror(errno));
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".tsv") == 0 && n < 256)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmpstr); /* a fixed order */
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        load_posts_file(path, rs);
        free(names[i]);
    }
}

/* ---- features ----------------------------------------------------------- */

struct featset {
    struct feature_node **x; /* per row, -1 terminated, bias appended */
};

/* A liblinear vector: the n buckets of f (mod buckets), ascending, each
 * 1/sqrt(n) (a bucket hit twice after folding counts twice), then the
 * bias feature. */
static struct feature_node *vector(const uint32_t *f, uint32_t n,
                                   uint32_t buckets)
{
    uint32_t *sorted = malloc((n + 1) * sizeof *sorted);
    for (uint32_t i = 0; i < n; i++)
        sorted[i] = f[i] & (buckets - 1);
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = sorted[i], j = i;
        while (j > 0 && sorted[j - 1] > v) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = v;
    }
    struct feature_node *x = malloc((n + 2) * sizeof *x);
    double v = n ? 1.0 / sqrt((double)n) : 0;
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (m > 0 && x[m - 1].index == (int)sorted[i] + 1) {
            x[m - 1].value += v; /* folded onto the same bucket */
            continue;
        }
        x[m++] = (struct feature_node){(int)sorted[i] + 1, v};
    }
    x[m] = (struct feature_node){(int)buckets + 1, 1.0};
    x[m + 1] = (struct feature_node){-1, 0};
    free(sorted);
    return x;
}

/* Both feature vectors of a row: all features (binary heads) into *all,
 * words/pairs/phrases (sub-label heads) into *words. */
static void row_features(const struct ej_classifier *c,
                         struct ej_content_scratch *s, const struct row *r,
                         struct feature_node **all,
                         struct feature_node **words)
{
    struct ej_classification cl;
    size_t bad;
    enum ej_err rc = ej_classify(c, s, r->text, r->len, &cl, &bad);
    if (rc != EJ_OK)
        die("a text does not classify: %s", ej_errname(rc));
    uint32_t n, nw;
    const uint32_t *f = ej_content_features(s, &n, &nw);
    *all = vector(f, n, ej_classifier_buckets(c));
    *words = vector(f, nw, ej_classifier_sub_buckets(c));
}
static void quiet(const char *s) { (void)s; }

/* Train one head on the rows selected by want; y from label(). Writes
 * it to out in the model format. */
/* The training problem of a head: each selected row once, or our posts
 * reps times. */
static void build_problem(struct problem *prob, int reps_max,
                          const struct rows *rs, struct feature_node **x,
                          uint32_t buckets, int (*label)(const struct row *))
{
    memset(prob, 0, sizeof *prob);
    prob->n = (int)buckets + 1;
    prob->bias = -1; /* the bias is the extra feature appended above */
    prob->y = malloc(rs->n * (size_t)reps_max * sizeof *prob->y);
    prob->x = malloc(rs->n * (size_t)reps_max * sizeof *prob->x);
    for (size_t i = 0; i < rs->n; i++) {
        int y = label(&rs->r[i]);
        if (rs->r[i].part != 0 || y < 0)
            continue;
        int reps = rs->r[i].source == 1 ? reps_max : 1;
        for (int q = 0; q < reps; q++) {
            prob->y[prob->l] = y;
            prob->x[prob->l] = x[i];
            prob->l++;
        }
    }
}

/* Feature scaling of a binary head (in the manner of NBSVM, Wang and
 * Manning 2012): each bucket j is multiplied by
 *     r_j = 1/2 + 1/2 |log((p_j/|p|) / (q_j/|q|))|,
 * p_j (q_j) the number of positive (negative) training rows with the
 * bucket, plus 1. Buckets that tell the classes apart get a weaker L2
 * prior than buckets common to both. The weights are multiplied by r after
 * training, so the model file and inference are unchanged: w_j r_j x_j.
 * Chosen by `ereje-train cv` (docs/CONTENT.md): with feature set 2, at
 * posts x2 and threshold 0.5, it raised the cross-validated macro-F1 on
 * our posts from 0.867 to 0.877 and on the corpus from 0.931 to 0.937
 * (beta 1, plain NBSVM scaling, was worse than none; alpha 0.5 or 2 and
 * beta 0.4 or 0.6 moved it by less than 0.004). */
#define NB_ALPHA 1.0
#define NB_BETA 0.5

struct nbscale {
    double *r;                  /* per feature index, 1..n */
    struct feature_node **orig; /* the problem's own rows */
};

/* Replace prob->x by scaled copies (rows repeated for our posts share
 * one copy). */
static void nb_scale(struct problem *prob, struct nbscale *ns)
{
    int nf = prob->n; /* buckets + 1: the last index is the bias */
    double *p = calloc((size_t)nf + 1, sizeof *p);
    double *q = calloc((size_t)nf + 1, sizeof *q);
    ns->r = malloc(((size_t)nf + 1) * sizeof *ns->r);
    if (!p || !q || !ns->r)
        die("out of memory");
    for (int i = 0; i < prob->l; i++)
        for (const struct feature_node *f = prob->x[i]; f->index != -1; f++)
            if (f->index < nf)
                (prob->y[i] > 0.5 ? p : q)[f->index] += 1;
    double sp = 0, sq = 0;
    for (int j = 1; j < nf; j++) {
        p[j] += NB_ALPHA;
        q[j] += NB_ALPHA;
        sp += p[j];
        sq += q[j];
    }
    ns->r[0] = 1;
    for (int j = 1; j < nf; j++)
        ns->r[j] = (1 - NB_BETA) +
                   NB_BETA * fabs(log((p[j] / sp) / (q[j] / sq)));
    ns->r[nf] = 1; /* the bias */
    free(p);
    free(q);
    ns->orig = prob->x;
    struct feature_node **xs = malloc((size_t)prob->l * sizeof *xs);
    if (!xs)
        die("out of memory");
    for (int i = 0; i < prob->l; i++) {
        if (i > 0 && ns->orig[i] == ns->orig[i - 1]) {
            xs[i] = xs[i - 1];
            continue;
        }
        size_t n = 0;
        while (ns->orig[i][n].index != -1)
            n++;
        xs[i] = malloc((n + 1) * sizeof **xs);
        if (!xs[i])
            die("out of memory");
        for (size_t k = 0; k <= n; k++) {
            xs[i][k] = ns->orig[i][k];
            if (xs[i][k].index != -1)
                xs[i][k].value *= ns->r[xs[i][k].index];
        }
    }
    prob->x = xs;
}

/* Fold r into a binary model's weights: it then scores unscaled rows. */
static void nb_fold(struct model *m, const struct nbscale *ns)
{
    for (int j = 1; j <= m->nr_feature; j++)
        m->w[j - 1] *= ns->r[j];
}

/* Give prob its own rows back. */
static void nb_free(struct problem *prob, struct nbscale *ns)
{
    for (int i = 0; i < prob->l; i++)
        if (i == 0 || prob->x[i] != prob->x[i - 1])
            free(prob->x[i]);
    free(prob->x);
    prob->x = ns->orig;
    free(ns->r);
}

/* k-fold cross-validation of a binary head trained on scaled rows, each
 * fold's scale taken from its own training rows only (scaling all rows
 * first and then cross-validating would let a held-out fold's labels
 * reach its model through r). Row i is in fold i % folds. pred[i] is the
 * predicted label, as liblinear's cross_validation gives it. */
static void cv_scaled(const struct problem *prob,
                      const struct parameter *par, int folds, double *pred)
{
    struct problem sub = *prob;
    sub.x = malloc((size_t)prob->l * sizeof *sub.x);
    sub.y = malloc((size_t)prob->l * sizeof *sub.y);
    if (!sub.x || !sub.y)
        die("out of memory");
    for (int f = 0; f < folds; f++) {
        sub.l = 0;
        for (int i = 0; i < prob->l; i++)
            if (i % folds != f) {
                sub.x[sub.l] = prob->x[i];
                sub.y[sub.l] = prob->y[i];
                sub.l++;
            }
        struct nbscale ns;
        nb_scale(&sub, &ns);
        struct model *m = train(&sub, par);
        nb_fold(m, &ns);
        nb_free(&sub, &ns);
        for (int i = f; i < prob->l; i += folds)
            pred[i] = predict(m, prob->x[i]);
        free_and_destroy_model(&m);
    }
    free(sub.x);
    free(sub.y);
}

/* Balanced class weights of a binary problem into wv[1]. */
static void balance(const struct problem *prob, double wv[2])
{
    size_t pos = 0;
    for (int i = 0; i < prob->l; i++)
        pos += prob->y[i] > 0.5;
    wv[0] = 1;
    wv[1] = pos > 0 && pos < (size_t)prob->l
                ? (double)(prob->l - (int)pos) / (double)pos
                : 1;
}

/* Train one head on the rows selected by want; y from label(). Writes
 * it to out in the model format. C is chosen by cross-validation over
 * each row once (copies of one post in several folds would leak); the
 * final fit counts our posts dup times. */
static void train_head(FILE *out, const char *name, int k, double C,
                       int dup, const struct rows *rs,
                       struct feature_node **x, uint32_t buckets,
                       int (*label)(const struct row *))
{
    struct problem prob, cvprob;
    build_problem(&prob, dup > 1 ? dup : 1, rs, x, buckets, label);
    build_problem(&cvprob, 1, rs, x, buckets, label);
    struct parameter par = {0};
    int wl[2] = {0, 1};
    double wv[2] = {1, 1};
    par.solver_type = L2R_LR;
    par.eps = 0.01;
    par.C = C > 0 ? C : 1;
    if (k == 1) {
        /* Balanced class weights: the positives are the rarer class. */
        balance(&cvprob, wv);
        par.nr_weight = 2;
        par.weight_label = wl;
        par.weight = wv;
    }
    const char *err = check_parameter(&prob, &par);
    if (err)
        die("%s: %s", name, err);
    struct nbscale ns;
    if (C <= 0) {
        /* Choose C by 5-fold cross-validation on the training rows only
         * (F1 of the positive class, or accuracy for a multi-class head).
         * A binary head's rows are scaled as in the final fit, each fold
         * with r of its own training rows (cv_scaled). */
        static const double grid[] = {1, 4, 16, 64, 256};
        double *pred = malloc((size_t)cvprob.l * sizeof *pred), best = -1;
        for (size_t g = 0; g < sizeof grid / sizeof *grid; g++) {
            par.C = grid[g];
            if (k == 1)
                cv_scaled(&cvprob, &par, 5, pred);
            else
                cross_validation(&cvprob, &par, 5, pred);
            double tp = 0, fp = 0, fn = 0, ok = 0;
            for (int i = 0; i < cvprob.l; i++) {
                bool py = pred[i] > 0.5 && k == 1, ty = cvprob.y[i] > 0.5;
                ok += pred[i] == cvprob.y[i];
                if (k == 1) {
                    tp += py && ty;
                    fp += py && !ty;
                    fn += !py && ty;
                }
            }
            double score = k == 1 ? (tp ? 2 * tp / (2 * tp + fp + fn) : 0)
                                  : ok / cvprob.l;
            fprintf(stderr, "  head %-12s C=%-4g cv %s %.4f\n", name, grid[g],
                    k == 1 ? "F1" : "accuracy", score);
            if (score > best + 1e-9) {
                best = score;
                C = grid[g];
            }
        }
        free(pred);
        par.C = C;
    }
    if (k == 1)
        balance(&prob, wv);
    free(cvprob.y);
    free(cvprob.x);
    if (k == 1)
        nb_scale(&prob, &ns);
    struct model *m = train(&prob, &par);
    if (k == 1) {
        nb_fold(m, &ns);
        nb_free(&prob, &ns);
    }
    int nc = get_nr_class(m);
    int labels[64];
    get_labels(m, labels);
    /* column j of the file is class j (binary: the positive class 1) */
    int col_of[EJ_FIELD_COUNT];
    for (int j = 0; j < k; j++) {
        col_of[j] = -1;
        int want = k == 1 ? 1 : j;
        for (int q = 0; q < nc; q++)
            if (labels[q] == want)
                col_of[j] = q;
    }
    fprintf(out, "head %s %d\nbias", name, k);
    for (int j = 0; j < k; j++) {
        double b = 0;
        if (col_of[j] >= 0)
            b = get_decfun_coef(m, (int)buckets + 1,
                                nc == 2 ? (col_of[j] == 0 ? 0 : 1)
                                        : col_of[j]);
        if (nc == 2 && k == 1 && col_of[j] == 1)
            b = -get_decfun_coef(m, (int)buckets + 1, 0);
        if (col_of[j] < 0)
            b = -20; /* a class never seen in training */
        fprintf(out, " %.5g", b);
    }
    fputc('\n', out);
    size_t kept = 0;
    for (uint32_t f = 0; f < buckets; f++) {
        double w[EJ_FIELD_COUNT];
        bool any = false;
        for (int j = 0; j < k; j++) {
            w[j] = 0;
            if (col_of[j] < 0)
                continue;
            if (nc == 2) {
                /* liblinear keeps one vector for label[0] */
                double w0 = get_decfun_coef(m, (int)f + 1, 0);
                w[j] = col_of[j] == 0 ? w0 : -w0;
            } else {
                w[j] = get_decfun_coef(m, (int)f + 1, col_of[j]);
            }
            if (fabs(w[j]) >= PRUNE)
                any = true;
        }
        if (!any)
            continue;
        fprintf(out, "%u", f);
        for (int j = 0; j < k; j++) {
            if (fabs(w[j]) >= PRUNE)
                fprintf(out, " %.3g", w[j]);
            else
                fputs(" 0", out);
        }
        fputc('\n', out);
        kept++;
    }
    fprintf(out, "end\n");
    fprintf(stderr, "  head %-12s C=%g, %d rows, %zu rows of weights\n",
            name, C, prob.l, kept);
    free_and_destroy_model(&m);
    free(prob.y);
    free(prob.x);
}

static int y_occult(const struct row *r) { return r->cls == C_OCCULT; }
static int y_edu(const struct row *r) { return r->cls == C_EDU; }
static int y_practice(const struct row *r)
{
    return r->cls == C_OCCULT ? r->sub : -1;
}
static int y_field(const struct row *r)
{
    return r->cls == C_EDU ? r->sub : -1;
}

struct opts {
    const char *phrases, *corpus, *posts, *model, *out;
    double C, threshold;
    int dup;
    bool show_errors;
};

static void usage(FILE *f)
{
    fputs(
        "usage: ereje-train train --phrases FILE --corpus TSV --posts DIR "
        "--out MODEL\n"
        "                         [--C X] [--dup-posts N] [--threshold T]\n"
        "       ereje-train eval --model MODEL --corpus TSV --posts DIR\n"
        "       ereje-train fasttext --corpus TSV --posts DIR --out DIR\n"
        "       ereje-train cv --phrases FILE --corpus TSV --posts DIR\n"
        "                      [--C X] [--dup-posts N] [--threshold T]\n"
        "                      [--show-errors]\n"
        "\n"
        "train     fit the content model on the corpus's train split and "
        "the\n"
        "          training part of our posts; write MODEL (text). Each\n"
        "          head's C is chosen by 5-fold cross-validation on the\n"
        "          training rows unless --C is given; --dup-posts N counts\n"
        "          each of our posts N times; --threshold T is the score\n"
        "          at which a label is given (default 0.5). make train\n"
        "          uses posts x3 at 0.4: the best mean macro-F1 of the two\n"
        "          `cv` sets (docs/CONTENT.md)\n"
        "eval      precision, recall, F1 by class and language, and the\n"
        "          confusion matrix, on the corpus's test split and on the\n"
        "          held-out part of our posts (1 in 5, by a hash of the "
        "text)\n"
        "cv        5-fold cross-validation of the occult and educational\n"
        "          heads on the training rows only (for choosing settings\n"
        "          without looking at the held-out posts or the test split)\n"
        "fasttext  write the same splits as fastText files (train.txt,\n"
        "          test_corpus.txt, test_posts.txt) for the benchmark\n",
        f);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
    o->C = 0; /* chosen by cross-validation */
    o->threshold = 0.5;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(a, "--show-errors") == 0) {
            o->show_errors = true;
            continue;
        }
        if (i + 1 >= argc)
            die("%s needs a value (see --help)", a);
        const char *v = argv[++i];
        if (strcmp(a, "--phrases") == 0)
            o->phrases = v;
        else if (strcmp(a, "--corpus") == 0)
            o->corpus = v;
        else if (strcmp(a, "--posts") == 0)
            o->posts = v;
        else if (strcmp(a, "--model") == 0)
            o->model = v;
        else if (strcmp(a, "--out") == 0)
            o->out = v;
        else if (strcmp(a, "--C") == 0) {
            char *end;
            o->C = strtod(v, &end);
            if (*end || !(o->C > 0 && o->C <= 1e6))
                die("--C '%s': a positive number", v);
        }
        else if (strcmp(a, "--dup-posts") == 0) {
            char *end;
            long d = strtol(v, &end, 10);
            if (*end || d < 1 || d > 10)
                die("--dup-posts '%s': expected 1 to 10", v);
            o->dup = (int)d;
        }
        else if (strcmp(a, "--threshold") == 0) {
            char *end;
            o->threshold = strtod(v, &end);
            if (*end || !(o->threshold > 0 && o->threshold < 1))
                die("--threshold '%s': a number between 0 and 1", v);
        }
        else
            die("unknown option %s (see --help)", a);
    }
}

static void load_all(const struct opts *o, struct rows *rs)
{
    if (!o->corpus || !o->posts)
        die("--corpus and --posts are required");
    load_corpus(o->corpus, rs);
    load_posts(o->posts, rs);
}

static int cmd_train(const struct opts *o)
{
    struct rows rs = {0};
    if (!o->phrases || !o->out)
        die("--phrases and --out are required");
    load_all(o, &rs);
    size_t plen;
    char *lex = slurp(o->phrases, &plen);
    struct ej_classifier *c;
    size_t line = 0;
    enum ej_err rc = ej_classifier_new_untrained(lex, plen, &c, &line);
    if (rc != EJ_OK)
        die("%s:%zu: %s", o->phrases, line, ej_strerror(rc));
    struct ej_content_scratch *s;
    if (ej_content_scratch_new(c, TEXT_MAX, &s) != EJ_OK)
        die("out of memory");
    struct feature_node **x = malloc(rs.n * sizeof *x);
    struct feature_node **xw = malloc(rs.n * sizeof *xw);
    size_t ntrain = 0;
    uint32_t digest = 2166136261u;
    for (size_t i = 0; i < rs.n; i++) {
        row_features(c, s, &rs.r[i], &x[i], &xw[i]);
        if (rs.r[i].part == 0) {
            ntrain++;
            digest ^= fnv(rs.r[i].text, rs.r[i].len) + (uint32_t)rs.r[i].cls;
            digest *= 16777619u;
        }
    }
    set_print_string_function(quiet);
    uint32_t buckets = ej_classifier_buckets(c);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", o->out);
    FILE *out = fopen(tmp, "w");
    if (!out)
        die("%s: %s", tmp, strerror(errno));
    size_t nlex = 0;
    for (size_t i = 0; i < plen; i++)
        nlex += lex[i] == '\n';
    if (plen && lex[plen - 1] != '\n')
        nlex++;
    fprintf(out, "ereje-content-model 1\n");
    fprintf(out, "id lr rows%zu posts-x%d data%08x\n", ntrain,
            o->dup > 1 ? o->dup : 1, digest);
    fprintf(out, "buckets %u\nsub_buckets %u\n", buckets,
            ej_classifier_sub_buckets(c));
    if (ej_classifier_features(c) > 1)
        fprintf(out, "features %u\n", ej_classifier_features(c));
    fprintf(out, "threshold %g\nphrases %zu\n", o->threshold, nlex);
    fwrite(lex, 1, plen, out);
    if (plen && lex[plen - 1] != '\n')
        fputc('\n', out);
    fprintf(stderr, "ereje-train: %zu training rows (of %zu)\n", ntrain,
            rs.n);
    train_head(out, "occult", 1, o->C, o->dup, &rs, x, buckets, y_occult);
    train_head(out, "educational", 1, o->C, o->dup, &rs, x, buckets, y_edu);
    uint32_t sub = ej_classifier_sub_buckets(c);
    train_head(out, "practice", EJ_PRACTICE_COUNT, o->C, o->dup, &rs, xw,
               sub, y_practice);
    train_head(out, "field", EJ_FIELD_COUNT, o->C, o->dup, &rs, xw, sub,
               y_field);
    if (fclose(out) != 0 || rename(tmp, o->out) != 0)
        die("%s: %s", o->out, strerror(errno));
    fprintf(stderr, "ereje-train: wrote %s\n", o->out);
    for (size_t i = 0; i < rs.n; i++) {
        free(x[i]);
        free(xw[i]);
        free(rs.r[i].text);
    }
    free(x);
    free(xw);
    free(rs.r);
    free(lex);
    ej_content_scratch_free(s);
    ej_classifier_free(c);
    return 0;
}

/* ---- evaluation --------------------------------------------------------- */

static enum cls predicted(const struct ej_classification *cl)
{
    if (cl->is_occult && (!cl->is_educational || cl->occult >= cl->educational))
        return C_OCCULT;
    if (cl->is_educational)
        return C_EDU;
    return C_OTHER;
}

struct conf {
    size_t m[C_COUNT][C_COUNT];
    size_t n;
};

static double report(const char *title, const struct conf *cf, bool matrix)
{
    double f1sum = 0;
    int ncls = 0;
    printf("%s: %zu texts\n", title, cf->n);
    printf("  %-12s %9s %9s %9s %7s\n", "class", "precision", "recall", "F1",
           "support");
    for (int c = 0; c < C_COUNT; c++) {
        size_t tp = cf->m[c][c], fp = 0, fn = 0;
        for (int k = 0; k < C_COUNT; k++) {
            if (k == c)
                continue;
            fp += cf->m[k][c];
            fn += cf->m[c][k];
        }
        size_t support = tp + fn;
        double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
        double r = support ? (double)tp / (double)support : 0;
        double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
        if (support == 0) {
            printf("  %-12s %9s %9s %9s %7zu\n", cls_names[c], "-", "-", "-",
                   support);
            continue;
        }
        printf("  %-12s %9.3f %9.3f %9.3f %7zu\n", cls_names[c], p, r, f,
               support);
        f1sum += f;
        ncls++;
    }
    double macro = ncls ? f1sum / ncls : 0;
    printf("  macro-F1 %.3f (over %d classes present)\n", macro, ncls);
    if (matrix) {
        printf("  confusion (rows: true, columns: predicted)\n");
        printf("  %-12s", "");
        for (int c = 0; c < C_COUNT; c++)
            printf(" %11s", cls_names[c]);
        putchar('\n');
        for (int c = 0; c < C_COUNT; c++) {
            printf("  %-12s", cls_names[c]);
            for (int k = 0; k < C_COUNT; k++)
                printf(" %11zu", cf->m[c][k]);
            putchar('\n');
        }
    }
    return macro;
}

static int lang_group(const char *lang)
{
    if (strcmp(lang, "kk") == 0) return 0;
    if (strcmp(lang, "ru") == 0) return 1;
    if (strcmp(lang, "en") == 0) return 2;
    return 3; /* mixed */
}
static const char *const group_names[4] = {"kk", "ru", "en", "mixed"};

static double eval_set(const struct ej_classifier *c,
                       struct ej_content_scratch *s, const struct rows *rs,
                       int source, const char *title)
{
    struct conf all, by[4];
    memset(&all, 0, sizeof all);
    memset(by, 0, sizeof by);
    size_t lang_ok = 0, lang_n = 0, mix_ok = 0, mix_n = 0;
    size_t sub_ok[2] = {0}, sub_n[2] = {0};
    struct timespec t0, t1;
    size_t bytes = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < rs->n; i++) {
        const struct row *r = &rs->r[i];
        if (r->source != source || r->part != 1)
            continue;
        struct ej_classification cl;
        size_t bad;
        if (ej_classify(c, s, r->text, r->len, &cl, &bad) != EJ_OK)
            die("a text does not classify");
        bytes += r->len;
        enum cls p = predicted(&cl);
        all.m[r->cls][p]++;
        all.n++;
        int g = lang_group(r->lang);
        by[g].m[r->cls][p]++;
        by[g].n++;
        if (g < 3) {
            lang_n++;
            lang_ok += cl.lang.known && (int)cl.lang.lang == g;
        } else {
            mix_n++;
            mix_ok += cl.lang.mixed;
        }
        if (r->cls == C_OCCULT && r->sub >= 0 && p == C_OCCULT) {
            sub_n[0]++;
            sub_ok[0] += (int)cl.practice == r->sub;
        }
        if (r->cls == C_EDU && r->sub >= 0 && p == C_EDU) {
            sub_n[1]++;
            sub_ok[1] += (int)cl.field == r->sub;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("\n== %s ==\n", title);
    double macro = report("all languages", &all, true);
    for (int g = 0; g < 4; g++)
        if (by[g].n) {
            char t[64];
            snprintf(t, sizeof t, "language %s", group_names[g]);
            report(t, &by[g], false);
        }
    if (lang_n)
        printf("language identification: %.3f correct on %zu "
               "single-language texts\n",
               (double)lang_ok / (double)lang_n, lang_n);
    if (mix_n)
        printf("mixture detection: %.3f of %zu code-switched posts flagged "
               "mixed\n",
               (double)mix_ok / (double)mix_n, mix_n);
    if (sub_n[0])
        printf("practice: %.3f correct on %zu occult texts with a known "
               "practice\n",
               (double)sub_ok[0] / (double)sub_n[0], sub_n[0]);
    if (sub_n[1])
        printf("field: %.3f correct on %zu educational texts with a known "
               "field\n",
               (double)sub_ok[1] / (double)sub_n[1], sub_n[1]);
    double sec = (double)(t1.tv_sec - t0.tv_sec) +
                 (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("(classified %zu bytes in %.3f s)\n", bytes, sec);
    return macro;
}

static int cmd_eval(const struct opts *o)
{
    struct rows rs = {0};
    if (!o->model)
        die("--model is required");
    load_all(o, &rs);
    size_t mlen, line = 0;
    char *m = slurp(o->model, &mlen);
    struct ej_classifier *c;
    enum ej_err rc = ej_classifier_new(m, mlen, &c, &line);
    if (rc != EJ_OK)
        die("%s:%zu: %s", o->model, line, ej_strerror(rc));
    struct ej_content_scratch *s;
    if (ej_content_scratch_new(c, TEXT_MAX, &s) != EJ_OK)
        die("out of memory");
    printf("model: %s (%s)\n", o->model, ej_classifier_version(c));
    double a = eval_set(c, s, &rs, 0,
                        "shared corpus, test split (never trained on)");
    double b = eval_set(c, s, &rs, 1, "our posts, held-out part");
    printf("\nmacro-F1: corpus test %.3f, held-out posts %.3f (target >= "
           "0.90 on both)\n",
           a, b);
    ej_content_scratch_free(s);
    ej_classifier_free(c);
    free(m);
    for (size_t i = 0; i < rs.n; i++)
        free(rs.r[i].text);
    free(rs.r);
    return 0;
}

/* ---- cross-validation on the training rows only ---------------------- */

/* Train one binary head on rows where sel(i) and return the model. */
static struct model *fit_binary(const struct rows *rs,
                                struct feature_node **x, uint32_t buckets,
                                double C, int dup_posts,
                                int (*label)(const struct row *),
                                const int *fold, int skip)
{
    struct problem prob = {0};
    size_t cap = rs->n * (size_t)(dup_posts > 1 ? dup_posts : 1);
    prob.n = (int)buckets + 1;
    prob.bias = -1;
    prob.y = malloc(cap * sizeof *prob.y);
    prob.x = malloc(cap * sizeof *prob.x);
    size_t pos = 0;
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->r[i].part != 0 || fold[i] == skip)
            continue;
        int reps = rs->r[i].source == 1 && dup_posts > 1 ? dup_posts : 1;
        for (int k = 0; k < reps; k++) {
            prob.y[prob.l] = label(&rs->r[i]);
            prob.x[prob.l] = x[i];
            prob.l++;
        }
        pos += label(&rs->r[i]) * reps;
    }
    struct parameter par = {0};
    int wl[2] = {0, 1};
    double wv[2] = {1, pos ? (double)(prob.l - (int)pos) / (double)pos : 1};
    par.solver_type = L2R_LR;
    par.eps = 0.01;
    par.C = C;
    par.nr_weight = 2;
    par.weight_label = wl;
    par.weight = wv;
    struct nbscale ns;
    nb_scale(&prob, &ns);
    struct model *m = train(&prob, &par);
    nb_fold(m, &ns);
    nb_free(&prob, &ns);
    free(prob.y);
    free(prob.x);
    return m;
}

static double prob_pos(const struct model *m, const struct feature_node *x)
{
    double dv;
    predict_values(m, x, &dv);
    /* dv is for label[0] */
    if (m->label[0] != 1)
        dv = -dv;
    return 1.0 / (1.0 + exp(-dv));
}

static int cmd_cv(const struct opts *o)
{
    struct rows rs = {0};
    if (!o->phrases)
        die("--phrases is required");
    load_all(o, &rs);
    size_t plen, line = 0;
    char *lex = slurp(o->phrases, &plen);
    struct ej_classifier *c;
    if (ej_classifier_new_untrained(lex, plen, &c, &line) != EJ_OK)
        die("%s:%zu: bad lexicon", o->phrases, line);
    struct ej_content_scratch *s;
    if (ej_content_scratch_new(c, TEXT_MAX, &s) != EJ_OK)
        die("out of memory");
    struct feature_node **x = malloc(rs.n * sizeof *x);
    int *fold = malloc(rs.n * sizeof *fold);
    for (size_t i = 0; i < rs.n; i++) {
        struct feature_node *xw;
        row_features(c, s, &rs.r[i], &x[i], &xw);
        free(xw);
        fold[i] = (int)((fnv(rs.r[i].text, rs.r[i].len) / 5) % 5);
    }
    set_print_string_function(quiet);
    double C = o->C > 0 ? o->C : 64;
    struct conf cf[2];
    memset(cf, 0, sizeof cf);
    for (int f = 0; f < 5; f++) {
        struct model *mo = fit_binary(&rs, x, ej_classifier_buckets(c), C,
                                      o->dup, y_occult, fold, f);
        struct model *me = fit_binary(&rs, x, ej_classifier_buckets(c), C,
                                      o->dup, y_edu, fold, f);
        for (size_t i = 0; i < rs.n; i++) {
            if (rs.r[i].part != 0 || fold[i] != f)
                continue;
            struct ej_classification cl;
            memset(&cl, 0, sizeof cl);
            cl.occult = (float)prob_pos(mo, x[i]);
            cl.educational = (float)prob_pos(me, x[i]);
            cl.is_occult = cl.occult >= o->threshold;
            cl.is_educational = cl.educational >= o->threshold;
            struct conf *k = &cf[rs.r[i].source];
            if (o->show_errors && rs.r[i].source == 1 &&
                predicted(&cl) != rs.r[i].cls)
                printf("ERR %s->%s o=%.2f e=%.2f %s | %.160s\n",
                       cls_names[rs.r[i].cls], cls_names[predicted(&cl)],
                       cl.occult, cl.educational, rs.r[i].lang, rs.r[i].text);
            k->m[rs.r[i].cls][predicted(&cl)]++;
            k->n++;
        }
        free_and_destroy_model(&mo);
        free_and_destroy_model(&me);
    }
    printf("5-fold CV on the training rows, C=%g, posts x%d, threshold "
           "%.2f\n", C, o->dup > 1 ? o->dup : 1, o->threshold);
    report("corpus train split (CV)", &cf[0], false);
    report("our training posts (CV)", &cf[1], true);
    for (size_t i = 0; i < rs.n; i++) {
        free(x[i]);
        free(rs.r[i].text);
    }
    free(x);
    free(fold);
    free(rs.r);
    free(lex);
    ej_content_scratch_free(s);
    ej_classifier_free(c);
    return 0;
}

/* ---- fastText export ---------------------------------------------------- */

static void ft_line(FILE *f, const struct row *r)
{
    fprintf(f, "__label__%s ", cls_names[r->cls]);
    for (size_t i = 0; i < r->len; i++) {
        char ch = r->text[i];
        fputc(ch == '\n' || ch == '\t' || ch == '\r' ? ' ' : ch, f);
    }
    fputc('\n', f);
}

static int cmd_fasttext(const struct opts *o)
{
    struct rows rs = {0};
    if (!o->out)
        die("--out DIR is required");
    load_all(o, &rs);
    const char *names[3] = {"train.txt", "test_corpus.txt", "test_posts.txt"};
    FILE *f[3];
    for (int k = 0; k < 3; k++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", o->out, names[k]);
        if (!(f[k] = fopen(p, "w")))
            die("%s: %s", p, strerror(errno));
    }
    for (size_t i = 0; i < rs.n; i++) {
        const struct row *r = &rs.r[i];
        ft_line(f[r->part == 0 ? 0 : r->source == 0 ? 1 : 2], r);
    }
    for (int k = 0; k < 3; k++)
        fclose(f[k]);
    for (size_t i = 0; i < rs.n; i++)
        free(rs.r[i].text);
    free(rs.r);
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    parse_opts(argc, argv, &o);
    if (strcmp(argv[1], "train") == 0)
        return cmd_train(&o);
    if (strcmp(argv[1], "eval") == 0)
        return cmd_eval(&o);
    if (strcmp(argv[1], "fasttext") == 0)
        return cmd_fasttext(&o);
    if (strcmp(argv[1], "cv") == 0)
        return cmd_cv(&o);
    die("unknown command %s (see --help)", argv[1]);
}
