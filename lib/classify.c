/* classify.c: the content classifier: hashed features, the model file,
 * and the linear heads (occult, educational, practice, field).
 *
 * Features of a text (each a bucket of a hashed space, binary, the vector
 * L2-normalized), all taken from the Cyrillic skeleton view so that
 * Kazakh Latin, transliterated Russian and Cyrillic spellings share them:
 *   - words (digits by their length only), and pairs of adjacent words;
 *   - character 4-grams of each word with its boundaries, which carry
 *     Kazakh and Russian endings and unseen inflections;
 *   - each phrase of the lexicon found, its class, and its class with its
 *     practice or field;
 *   - since feature set 2: character 5-grams of each word with its
 *     boundaries, and the word's first 5 letters (a crude stem: Kazakh
 *     suffixes and Russian endings vary after it).
 * The occult and educational heads use them all; the practice and field
 * heads only words, pairs and phrases (a fifth of the features, and what
 * names a practice or a field).
 * The weights are trained by ereje-train with liblinear (logistic
 * regression) and written to the model file; inference here is a sparse
 * dot product, so the core needs no liblinear and no file access.
 *
 * Model file (text, one record a line):
 *   ereje-content-model 1
 *   id TEXT                  provenance of the weights (free text)
 *   buckets N                a power of two, 2^10..2^22
 *   sub_buckets N            the same for the practice and field heads
 *                            (their features are bucket mod N)
 *   features N               optional, the feature set: 1 (absent) or 2
 *   threshold X              score at or above which a label is given
 *   phrases N                then N lexicon lines (see phrase.c)
 *   head NAME K              NAME occult|educational (K=1), practice
 *                            (K=8), field (K=12), in the enum order
 *   bias B1..BK
 *   BUCKET W1..WK            non-zero rows only
 *   end
 */
#include "content_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#define FEAT_MAX 16384u /* set 2 has about 1.7x the features of set 1 */

enum { HEAD_OCCULT, HEAD_EDU, HEAD_PRACTICE, HEAD_FIELD, HEAD_COUNT };
static const char *const head_names[HEAD_COUNT] = {"occult", "educational",
                                                   "practice", "field"};
static const uint32_t head_k[HEAD_COUNT] = {1, 1, EJ_PRACTICE_COUNT,
                                            EJ_FIELD_COUNT};

struct ej_classifier {
    struct ej_phrases *phrases;
    struct ej_langid *langid;
    uint32_t buckets; /* power of two */
    uint32_t sub_buckets; /* the sub-label heads' space: features folded
                             into it, so their weights stay in cache */
    uint32_t features;    /* the feature set, 1 or 2 */
    float threshold;
    float *w[HEAD_COUNT]; /* buckets * k, row-major, while loading */
    int16_t *wq[HEAD_COUNT]; /* practice, field: multiples of qscale */
    float qscale[HEAD_COUNT];
    int16_t *wbin;        /* the two binary heads interleaved, as
                             multiples of wscale: half the memory of
                             floats, and this lookup is the classifier's
                             main cache cost */
    float wscale;
    float bias[HEAD_COUNT][EJ_FIELD_COUNT];
    bool trained;
    char *id;
};

struct ej_content_scratch {
    struct ej_norm *norm;
    struct ej_phrase_scratch *ps;
    uint32_t feat[FEAT_MAX];
    uint32_t nfeat, nword;
    uint32_t *whash;   /* each token's word hash, for langid */
    uint32_t whash_cap;
};

static const char *const practice_names[EJ_PRACTICE_COUNT] = {
    "astrology", "tarot", "numerology", "magic_spells", "fortune_telling",
    "psychic", "esoteric_healing", "other"};
static const char *const field_names[EJ_FIELD_COUNT] = {
    "medicine", "psychology", "nutrition", "fitness", "finance", "law",
    "it", "languages", "school", "parenting", "beauty", "other"};

static bool parse_name(const char *const *names, size_t n, const char *s,
                       size_t len, size_t *out)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
            *out = i;
            return true;
        }
    return false;
}

const char *ej_practice_name(enum ej_practice p)
{
    return (unsigned)p < EJ_PRACTICE_COUNT ? practice_names[p] : "other";
}
bool ej_practice_parse(const char *s, size_t len, enum ej_practice *out)
{
    size_t i;
    if (!parse_name(practice_names, EJ_PRACTICE_COUNT, s, len, &i))
        return false;
    *out = (enum ej_practice)i;
    return true;
}
const char *ej_field_name(enum ej_field f)
{
    return (unsigned)f < EJ_FIELD_COUNT ? field_names[f] : "other";
}
bool ej_field_parse(const char *s, size_t len, enum ej_field *out)
{
    size_t i;
    if (!parse_name(field_names, EJ_FIELD_COUNT, s, len, &i))
        return false;
    *out = (enum ej_field)i;
    return true;
}

/* ---- model file ------------------------------------------------------ */

struct reader {
    const char *s;
    size_t len, pos, line;
};

/* Next line (without '\n'); false at the end. */
static bool next_line(struct reader *r, const char **ls, size_t *ll)
{
    if (r->pos >= r->len)
        return false;
    *ls = r->s + r->pos;
    const char *nl = memchr(*ls, '\n', r->len - r->pos);
    *ll = nl ? (size_t)(nl - *ls) : r->len - r->pos;
    r->pos += *ll + (nl != NULL); /* never past the end */
    r->line++;
    return true;
}

/* Copy a line into a NUL-terminated buffer for strto*. */
static bool line_buf(const char *ls, size_t ll, char *buf, size_t cap)
{
    if (ll >= cap)
        return false;
    memcpy(buf, ls, ll);
    buf[ll] = '\0';
    return true;
}

/* The line is "word VALUE": the keyword, a space and at least one more
 * byte (a bare keyword has no value to parse). */
static bool starts(const char *ls, size_t ll, const char *word)
{
    size_t k = strlen(word);
    return ll > k + 1 && memcmp(ls, word, k) == 0 && ls[k] == ' ';
}

/* Parse up to k floats after the first field of buf into out. */
static bool parse_floats(char *p, float *out, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++) {
        char *end;
        double d = strtod(p, &end);
        if (end == p || !isfinite(d) || fabs(d) > 1e6)
            return false;
        out[i] = (float)d;
        p = end;
    }
    while (*p == ' ')
        p++;
    return *p == '\0';
}

static enum ej_err classifier_alloc(struct ej_classifier **out)
{
    struct ej_classifier *c = ej__calloc(1, sizeof *c);
    if (!c)
        return EJ_NOMEM;
    c->threshold = 0.5f;
    c->buckets = 1u << 18;
    c->sub_buckets = 1u << 15;
    c->features = 1; /* a model file without a "features" line */
    *out = c;
    return EJ_OK;
}

/* The lexicon and language lists, with a temporary normalizer. */
static enum ej_err build_text_parts(struct ej_classifier *c, const char *lex,
                                    size_t lexlen, size_t *line)
{
    struct ej_norm *n = NULL;
    enum ej_err rc = ej_norm_new(EJ_PHRASE_MAX_BYTES * 4, &n);
    if (rc != EJ_OK)
        return rc;
    rc = ej__langid_new(n, &c->langid);
    if (rc == EJ_OK)
        rc = ej__phrases_new(lex, lexlen, n, &c->phrases, line);
    ej_norm_free(n);
    return rc;
}

enum ej_err ej_classifier_new_untrained(const char *phrases, size_t len,
                                        struct ej_classifier **out,
                                        size_t *line)
{
    struct ej_classifier *c;
    enum ej_err rc = classifier_alloc(&c);
    if (rc != EJ_OK)
        return rc;
    c->features = EJ_FEATURES_CURRENT;
    rc = build_text_parts(c, phrases, len, line);
    c->id = ej__strndup("untrained", 9);
    if (rc == EJ_OK && !c->id)
        rc = EJ_NOMEM;
    if (rc != EJ_OK) {
        ej_classifier_free(c);
        return rc;
    }
    *out = c;
    return EJ_OK;
}

/* A header number: decimal digits only (strtoul alone would take spaces,
 * a sign, and wrap a negative number around). */
static bool header_count(const char *s, unsigned long *out)
{
    if (*s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno)
        return false;
    *out = v;
    return true;
}

enum ej_err ej_classifier_new(const char *model, size_t len,
                              struct ej_classifier **out, size_t *line)
{
    struct ej_classifier *c = NULL;
    struct reader r = {model, len, 0, 0};
    const char *ls;
    size_t ll, sub_line = 0;
    char buf[512];
    enum ej_err rc;
    bool seen[HEAD_COUNT] = {false};
    unsigned hdr_seen = 0; /* each header line at most once */
    enum { H_BUCKETS = 1, H_SUB = 2, H_FEATURES = 4, H_THRESHOLD = 8 };

    if (len > EJ_MODEL_MAX_BYTES) {
        if (line)
            *line = 0;
        return EJ_TOO_BIG;
    }
    if ((rc = classifier_alloc(&c)) != EJ_OK)
        return rc;
    rc = EJ_MODEL_INVALID;
    if (!next_line(&r, &ls, &ll) ||
        !(ll == 21 && memcmp(ls, "ereje-content-model 1", 21) == 0))
        goto fail;
    /* header */
    uint32_t nphr = 0;
    for (;;) {
        if (!next_line(&r, &ls, &ll))
            goto fail;
        if (starts(ls, ll, "id") && ll > 3) {
            ej__free(c->id);
            c->id = ej__strndup(ls + 3, ll - 3);
            if (!c->id) {
                rc = EJ_NOMEM;
                goto fail;
            }
        } else if (starts(ls, ll, "buckets")) {
            unsigned long b;
            if ((hdr_seen & H_BUCKETS) || !line_buf(ls, ll, buf, sizeof buf) ||
                !header_count(buf + 8, &b) || b < (1u << 10) ||
                b > (1u << 22) || (b & (b - 1)))
                goto fail;
            hdr_seen |= H_BUCKETS;
            c->buckets = (uint32_t)b;
        } else if (starts(ls, ll, "sub_buckets")) {
            unsigned long b;
            if ((hdr_seen & H_SUB) || !line_buf(ls, ll, buf, sizeof buf) ||
                !header_count(buf + 12, &b) || b < (1u << 10) ||
                b > (1u << 22) || (b & (b - 1)))
                goto fail;
            hdr_seen |= H_SUB;
            c->sub_buckets = (uint32_t)b;
        } else if (starts(ls, ll, "features")) {
            unsigned long f;
            if ((hdr_seen & H_FEATURES) ||
                !line_buf(ls, ll, buf, sizeof buf) ||
                !header_count(buf + 9, &f) || f < 1 ||
                f > EJ_FEATURES_CURRENT)
                goto fail;
            hdr_seen |= H_FEATURES;
            c->features = (uint32_t)f;
        } else if (starts(ls, ll, "threshold")) {
            if ((hdr_seen & H_THRESHOLD) ||
                !line_buf(ls, ll, buf, sizeof buf) ||
                !parse_floats(buf + 10, &c->threshold, 1) ||
                !(c->threshold > 0 && c->threshold < 1))
                goto fail;
            hdr_seen |= H_THRESHOLD;
        } else if (starts(ls, ll, "phrases")) {
            unsigned long k;
            if (!line_buf(ls, ll, buf, sizeof buf) ||
                !header_count(buf + 8, &k) || k > EJ_PHRASES_MAX)
                goto fail;
            nphr = (uint32_t)k;
            break;
        } else {
            goto fail;
        }
    }
    /* the lexicon: the next nphr lines, parsed by phrase.c */
    size_t lex_start = r.pos, lex_line = r.line;
    for (uint32_t i = 0; i < nphr; i++)
        if (!next_line(&r, &ls, &ll))
            goto fail;
    rc = build_text_parts(c, model + lex_start, r.pos - lex_start, &sub_line);
    if (rc != EJ_OK) {
        r.line = lex_line + sub_line;
        goto fail;
    }
    rc = EJ_MODEL_INVALID;
    /* heads */
    while (next_line(&r, &ls, &ll)) {
        if (ll == 0)
            continue;
        if (!starts(ls, ll, "head") || !line_buf(ls, ll, buf, sizeof buf))
            goto fail;
        char *name = buf + 5, *sp = strchr(name, ' ');
        if (!sp)
            goto fail;
        *sp = '\0';
        size_t h;
        if (!parse_name(head_names, HEAD_COUNT, name, strlen(name), &h) ||
            seen[h] || strtoul(sp + 1, NULL, 10) != head_k[h])
            goto fail;
        seen[h] = true;
        uint32_t k = head_k[h];
        uint32_t nb = h >= HEAD_PRACTICE ? c->sub_buckets : c->buckets;
        c->w[h] = ej__calloc((size_t)nb * k, sizeof(float));
        if (!c->w[h]) {
            rc = EJ_NOMEM;
            goto fail;
        }
        if (!next_line(&r, &ls, &ll) || !starts(ls, ll, "bias") ||
            !line_buf(ls, ll, buf, sizeof buf) ||
            !parse_floats(buf + 5, c->bias[h], k))
            goto fail;
        for (;;) {
            if (!next_line(&r, &ls, &ll))
                goto fail;
            if (ll == 3 && memcmp(ls, "end", 3) == 0)
                break;
            if (!line_buf(ls, ll, buf, sizeof buf))
                goto fail;
            char *end;
            unsigned long b = strtoul(buf, &end, 10);
            if (end == buf || b >= nb ||
                !parse_floats(end, c->w[h] + (size_t)b * k, k))
                goto fail;
        }
    }
    for (size_t h = 0; h < HEAD_COUNT; h++)
        if (!seen[h])
            goto fail;
    c->wbin = ej__malloc((size_t)c->buckets * 2 * sizeof *c->wbin);
    if (!c->wbin) {
        rc = EJ_NOMEM;
        goto fail;
    }
    float wmax = 1e-6f;
    for (uint32_t b = 0; b < c->buckets; b++) {
        float a = fabsf(c->w[HEAD_OCCULT][b]), e = fabsf(c->w[HEAD_EDU][b]);
        wmax = a > wmax ? a : wmax;
        wmax = e > wmax ? e : wmax;
    }
    /* 16-bit steps of wmax/32767: at most half a step of error a weight
     * (|w| <= 1e6 is checked on input) */
    c->wscale = wmax / 32767.0f;
    for (uint32_t b = 0; b < c->buckets; b++) {
        c->wbin[2 * b] =
            (int16_t)lrintf(c->w[HEAD_OCCULT][b] / c->wscale);
        c->wbin[2 * b + 1] = (int16_t)lrintf(c->w[HEAD_EDU][b] / c->wscale);
    }
    ej__free(c->w[HEAD_OCCULT]);
    ej__free(c->w[HEAD_EDU]);
    c->w[HEAD_OCCULT] = c->w[HEAD_EDU] = NULL;
    for (int h = HEAD_PRACTICE; h <= HEAD_FIELD; h++) {
        size_t n = (size_t)c->sub_buckets * head_k[h];
        float m = 1e-6f;
        for (size_t i = 0; i < n; i++)
            m = fabsf(c->w[h][i]) > m ? fabsf(c->w[h][i]) : m;
        c->qscale[h] = m / 32767.0f;
        if (!(c->wq[h] = ej__malloc(n * sizeof *c->wq[h]))) {
            rc = EJ_NOMEM;
            goto fail;
        }
        for (size_t i = 0; i < n; i++)
            c->wq[h][i] = (int16_t)lrintf(c->w[h][i] / c->qscale[h]);
        ej__free(c->w[h]);
        c->w[h] = NULL;
    }
    if (!c->id && !(c->id = ej__strndup("unnamed", 7))) {
        rc = EJ_NOMEM;
        goto fail;
    }
    c->trained = true;
    *out = c;
    return EJ_OK;
fail:
    if (line)
        *line = r.line;
    ej_classifier_free(c);
    return rc;
}

void ej_classifier_free(struct ej_classifier *c)
{
    if (!c)
        return;
    ej__phrases_free(c->phrases);
    ej__langid_free(c->langid);
    for (size_t h = 0; h < HEAD_COUNT; h++) {
        ej__free(c->w[h]);
        ej__free(c->wq[h]);
    }
    ej__free(c->wbin);
    ej__free(c->id);
    ej__free(c);
}

const char *ej_classifier_version(const struct ej_classifier *c)
{
    return c->id;
}
uint32_t ej_classifier_buckets(const struct ej_classifier *c)
{
    return c->buckets;
}
uint32_t ej_classifier_sub_buckets(const struct ej_classifier *c)
{
    return c->sub_buckets;
}
uint32_t ej_classifier_features(const struct ej_classifier *c)
{
    return c->features;
}

enum ej_err ej_content_scratch_new(const struct ej_classifier *c,
                                   size_t max_bytes,
                                   struct ej_content_scratch **out)
{
    struct ej_content_scratch *s = ej__calloc(1, sizeof *s);
    enum ej_err rc;
    if (!s)
        return EJ_NOMEM;
    /* As many tokens as the normalizer makes at most (textnorm.c). */
    size_t ntok = max_bytes / 2 + 2;
    if (ntok > EJ_NORM_TOKENS_MAX)
        ntok = EJ_NORM_TOKENS_MAX;
    if ((rc = ej_norm_new(max_bytes, &s->norm)) != EJ_OK ||
        (rc = ej__phrase_scratch_new(c->phrases, &s->ps)) != EJ_OK ||
        !(s->whash = ej__malloc(ntok * sizeof *s->whash))) {
        if (rc == EJ_OK)
            rc = EJ_NOMEM;
        ej_content_scratch_free(s);
        return rc;
    }
    s->whash_cap = (uint32_t)ntok;
    *out = s;
    return EJ_OK;
}

void ej_content_scratch_free(struct ej_content_scratch *s)
{
    if (!s)
        return;
    ej_norm_free(s->norm);
    ej__phrase_scratch_free(s->ps);
    ej__free(s->whash);
    ej__free(s);
}

/* ---- features -------------------------------------------------------- */

/* Features are counted, not deduplicated: a bucket seen twice weighs
 * twice. The vector is scaled by 1/sqrt(n) for n occurrences, which the
 * trainer reproduces exactly. */
struct fsink {
    uint32_t *feat;
    uint32_t n, mask;
    /* Each feature's row of the binary heads (NULL: untrained) is
     * prefetched as the feature is made: by the time binary_scores reads
     * the rows they are in cache (measured: 20 -> 6 cycles a feature). */
    const int16_t *pf;
};

/* The sink is a local of features(): its count stays in a register (a
 * count in the scratch was reloaded after every store to feat[], which
 * may alias it). */
static inline void feat_add(struct fsink *f, uint32_t h)
{
    if (f->n < FEAT_MAX) {
        uint32_t b = h & f->mask;
        f->feat[f->n++] = b;
        if (f->pf)
            __builtin_prefetch(f->pf + (size_t)b * 2);
    }
}

static uint32_t mix32(uint32_t x)
{
    x *= 0x9E3779B1u;
    x ^= x >> 15;
    x *= 0x85EBCA77u;
    x ^= x >> 13;
    return x;
}

static uint32_t h1(char ns) { unsigned char b = (unsigned char)ns;
    return ej__fnv(EJ_FNV_SEED, &b, 1); }

static uint32_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    x ^= x >> 33;
    return (uint32_t)x;
}

/* Words, word pairs and phrases first (the first s->nword features:
 * the sub-label heads use only these), then character n-grams. pf: the
 * binary heads' rows to prefetch, or NULL. */
static void features(struct ej_content_scratch *s, const int16_t *pf,
                     uint32_t buckets, uint32_t set,
                     const struct ej_norm_text *t,
                     const struct ej_phrases *p, const uint32_t *ids,
                     uint32_t nids)
{
    struct fsink f = {s->feat, 0, buckets - 1, pf};
    uint32_t *whash = s->whash, whash_cap = s->whash_cap;
    uint32_t prev = 0;
    for (uint32_t i = 0; i < t->ntokens; i++) {
        const struct ej_token *tk = &t->tokens[i];
        const unsigned char *w = t->cyr + tk->cyr_off;
        uint32_t wl = tk->cyr_len;
        uint32_t hw;
        if (tk->flags & EJ_TOK_DIGITS) {
            unsigned char len = (unsigned char)(wl > 9 ? 9 : wl);
            hw = ej__fnv(h1('n'), &len, 1);
        } else {
            hw = ej__fnv(h1('w'), w, wl);
        }
        if (i < whash_cap)
            whash[i] = hw;
        feat_add(&f, hw);
        if (i > 0)
            feat_add(&f, (prev * 31u) ^ hw ^ 0x9E3779B9u);
        prev = hw;
    }
    for (uint32_t i = 0; i < nids; i++) {
        const struct ej_phrase *ph = ej__phrase(p, ids[i]);
        unsigned char cls = (unsigned char)ph->cls;
        unsigned char sub = (unsigned char)(ph->sub + 1);
        uint32_t id = ids[i];
        feat_add(&f, ej__fnv(h1('P'), &cls, 1));
        feat_add(&f, ej__fnv(ej__fnv(h1('S'), &cls, 1), &sub, 1));
        feat_add(&f,
                 ej__fnv(h1('Q'), (const unsigned char *)&id, sizeof id));
    }
    s->nword = f.n;
    for (uint32_t i = 0; i < t->ntokens; i++) {
        const struct ej_token *tk = &t->tokens[i];
        if (tk->flags & (EJ_TOK_DIGITS | EJ_TOK_EMOJI))
            continue;
        /* " word " is w-1 .. w+wl: the views put a space either side.
         * A 4-gram is packed into 32 bits and mixed. (3-grams as well
         * gave no better cross-validated F1 on the training rows, for
         * 40% more features.) */
        const unsigned char *g = t->cyr + tk->cyr_off - 1;
        uint32_t gl = tk->cyr_len + 2;
        if (set < 2) {
            uint32_t x = (uint32_t)g[0] << 16 | (uint32_t)g[1] << 8 | g[2];
            for (uint32_t k = 3; k < gl; k++) {
                x = x << 8 | g[k];
                feat_add(&f, mix32(x ^ 0x5bd1e995u));
            }
            continue;
        }
        /* Set 2 adds the 5-grams (5 bytes of a 64-bit window) and the
         * stem, the first 5 letters (the whole word if shorter). With the
         * trainer's feature scaling these raised the cross-validated
         * macro-F1 on our posts (docs/CONTENT.md). They come after
         * s->nword: the practice and field heads do not see them. The
         * 4-grams and 5-grams are made in one pass over the word (the
         * window's low 32 bits are the 4-gram), each 5-gram right after
         * the 4-gram that ends where it ends. */
        if (gl >= 4) { /* a word of one letter has no 4-gram */
            uint64_t y = (uint64_t)g[0] << 24 | (uint64_t)g[1] << 16 |
                         (uint64_t)g[2] << 8 | g[3];
            feat_add(&f, mix32((uint32_t)y ^ 0x5bd1e995u));
            for (uint32_t k = 4; k < gl; k++) {
                y = (y << 8 | g[k]) & 0xFFFFFFFFFFull;
                feat_add(&f, mix32((uint32_t)y ^ 0x5bd1e995u));
                feat_add(&f, mix64(y ^ 0x27D4EB2F165667C5ull));
            }
        }
        uint32_t sl = tk->cyr_len < 5 ? tk->cyr_len : 5;
        feat_add(&f, ej__fnv(h1('s'), g + 1, sl));
    }
    s->nfeat = f.n;
}

const uint32_t *ej_content_features(const struct ej_content_scratch *s,
                                    uint32_t *nfeat, uint32_t *nword)
{
    *nfeat = s->nfeat;
    *nword = s->nword;
    return s->feat;
}

/* ---- inference ------------------------------------------------------- */

/* Both binary heads in one pass over the features: their weights are
 * interleaved (wbin[2b], wbin[2b+1]), one cache line a feature. */
static void binary_scores(const struct ej_classifier *c,
                          const struct ej_content_scratch *s, float out[2])
{
    float v = s->nfeat ? 1.0f / sqrtf((float)s->nfeat) : 0.0f;
    int32_t a = 0, b = 0; /* FEAT_MAX * 32767 fits */
    if (c->wbin)
        for (uint32_t i = 0; i < s->nfeat; i++) {
            const int16_t *row = c->wbin + (size_t)s->feat[i] * 2;
            a += row[0];
            b += row[1];
        }
    out[0] = (float)a * c->wscale * v + c->bias[HEAD_OCCULT][0];
    out[1] = (float)b * c->wscale * v + c->bias[HEAD_EDU][0];
}

/* The sub-label rows are read at random in tables of 0.5-0.75 MB (L2 is
 * 512 KB): all of a text's rows for a head are prefetched as soon as the
 * binary heads say the head will run, and language identification runs
 * while they arrive (measured: 1.04x to 1.05x the classification throughput,
 * against prefetching each row 8 features ahead in the sum). */
static void prefetch_rows(const int16_t *w, uint32_t k, uint32_t smask,
                          const uint32_t *feat, uint32_t n)
{
    if (!w)
        return;
    for (uint32_t i = 0; i < n; i++) {
        const int16_t *row = w + (size_t)(feat[i] & smask) * k;
        __builtin_prefetch(row);
        /* A 24-byte row (the field head) crosses a cache line one time
         * in four: its last element too. */
        __builtin_prefetch(row + k - 1);
    }
}

/* Sum the rows of a K-wide head for the word features. K is a constant
 * in each instance, so the compiler unrolls the row and adds it with
 * vector instructions: with a run-time k the inner loop was a seventh
 * of the classifier's time. */
#define HEAD_SUM(K)                                                         \
    static void head_sum_##K(const int16_t *w, uint32_t smask,              \
                             const uint32_t *feat, uint32_t n,              \
                             int32_t *acc)                                  \
    {                                                                       \
        int32_t a[K] = {0};                                                 \
        for (uint32_t i = 0; i < n; i++) {                                  \
            const int16_t *row = w + (size_t)(feat[i] & smask) * K;         \
            for (uint32_t j = 0; j < K; j++)                                \
                a[j] += row[j];                                             \
        }                                                                   \
        memcpy(acc, a, sizeof a);                                           \
    }
HEAD_SUM(8)
HEAD_SUM(12)

/* A sub-label head over the word and phrase features only. */
static void head_scores(const struct ej_classifier *c, int h,
                        const struct ej_content_scratch *s, float *out)
{
    enum { K = EJ_FIELD_COUNT }; /* the widest head */
    uint32_t k = head_k[h];
    int32_t acc[K] = {0};
    float v = s->nword ? 1.0f / sqrtf((float)s->nword) : 0.0f;
    uint32_t smask = c->sub_buckets - 1;
    if (c->wq[h]) {
        if (k == 8)
            head_sum_8(c->wq[h], smask, s->feat, s->nword, acc);
        else if (k == 12)
            head_sum_12(c->wq[h], smask, s->feat, s->nword, acc);
        else
            for (uint32_t i = 0; i < s->nword; i++) {
                const int16_t *row =
                    c->wq[h] + (size_t)(s->feat[i] & smask) * k;
                for (uint32_t j = 0; j < k; j++)
                    acc[j] += row[j];
            }
    }
    for (uint32_t j = 0; j < k; j++)
        out[j] = (float)acc[j] * c->qscale[h] * v + c->bias[h][j];
}

static float sigmoid(float z) { return 1.0f / (1.0f + expf(-z)); }

static uint32_t argmax(const float *v, uint32_t k)
{
    uint32_t b = 0;
    for (uint32_t j = 1; j < k; j++)
        if (v[j] > v[b])
            b = j;
    return b;
}

enum ej_err ej_phrase_scan(const struct ej_classifier *c,
                           struct ej_content_scratch *s, const char *text,
                           size_t len, uint32_t hits[EJ_PC_COUNT])
{
    struct ej_norm_text t;
    const uint32_t *ids;
    uint32_t n;
    enum ej_err rc = ej_norm_run(s->norm, text, len, &t, NULL);
    if (rc == EJ_OK)
        rc = ej__phrases_scan(c->phrases, s->ps, &t, &ids, &n);
    if (rc != EJ_OK)
        return rc;
    memset(hits, 0, EJ_PC_COUNT * sizeof *hits);
    for (uint32_t i = 0; i < n; i++)
        hits[ej__phrase(c->phrases, ids[i])->cls]++;
    return EJ_OK;
}

enum ej_err ej_classify(const struct ej_classifier *c,
                        struct ej_content_scratch *s, const char *text,
                        size_t len, struct ej_classification *out,
                        size_t *bad_at)
{
    struct ej_norm_text t;
    const uint32_t *ids;
    uint32_t nids;
    struct ej_classification o;
    enum ej_err rc = ej_norm_run(s->norm, text, len, &t, bad_at);
    if (rc != EJ_OK)
        return rc;
    if ((rc = ej__phrases_scan(c->phrases, s->ps, &t, &ids, &nids)) != EJ_OK)
        return rc;
    memset(&o, 0, sizeof o);
    o.tokens = t.ntokens;
    float pv[EJ_PRACTICE_COUNT] = {0}, fv[EJ_FIELD_COUNT] = {0};
    for (uint32_t i = 0; i < nids; i++) {
        const struct ej_phrase *ph = ej__phrase(c->phrases, ids[i]);
        o.phrase_hits[ph->cls]++;
        if (ph->cls == EJ_PC_OCCULT && ph->sub >= 0)
            pv[ph->sub] += ph->weight;
        else if (ph->cls == EJ_PC_EDUCATIONAL && ph->sub >= 0)
            fv[ph->sub] += ph->weight;
    }
    o.has_disclaimer = o.phrase_hits[EJ_PC_DISCLAIMER] > 0;
    features(s, c->wbin, c->buckets, c->features, &t, c->phrases, ids, nids);
    float z[EJ_FIELD_COUNT];
    binary_scores(c, s, z);
    o.occult = c->trained ? sigmoid(z[0]) : 0.0f;
    o.educational = c->trained ? sigmoid(z[1]) : 0.0f;
    o.is_occult = c->trained && o.occult >= c->threshold;
    o.is_educational = c->trained && o.educational >= c->threshold;
    uint32_t smask = c->sub_buckets - 1;
    if (o.is_occult)
        prefetch_rows(c->wq[HEAD_PRACTICE], EJ_PRACTICE_COUNT, smask, s->feat,
                      s->nword);
    if (o.is_educational)
        prefetch_rows(c->wq[HEAD_FIELD], EJ_FIELD_COUNT, smask, s->feat,
                      s->nword);
    /* The language after the features: it reuses their word hashes (all
     * tokens have one when there are fewer than whash_cap). */
    ej__langid_run(c->langid, &t, t.ntokens <= s->whash_cap ? s->whash : NULL,
                   &o.lang);
    o.practice = EJ_PRACTICE_OTHER;
    o.field = EJ_FIELD_OTHER;
    /* The sub-label heads run only for a positive text. A practice or
     * field named outright by the lexicon outweighs the head's guess
     * (each phrase adds its weight to the logit); the catch-all "other"
     * gets no phrase votes, since its phrases (course, webinar) say only
     * that a text is educational. */
    if (o.is_occult) {
        head_scores(c, HEAD_PRACTICE, s, z);
        for (uint32_t j = 0; j < EJ_PRACTICE_OTHER; j++)
            z[j] += pv[j];
        o.practice = (enum ej_practice)argmax(z, EJ_PRACTICE_COUNT);
    }
    if (o.is_educational) {
        head_scores(c, HEAD_FIELD, s, z);
        for (uint32_t j = 0; j < EJ_FIELD_OTHER; j++)
            z[j] += fv[j];
        o.field = (enum ej_field)argmax(z, EJ_FIELD_COUNT);
    }
    *out = o;
    return EJ_OK;
}
