/* phrase.c: the phrase layer: a lexicon of stems and phrases matched as
 * Hyperscan literals (hs_compile_lit_multi, block mode) on the narrowed
 * one-byte-per-letter views of textnorm.c, as deps.md §3 measured (8x
 * Hyperscan on UTF-8, where every Cyrillic letter shares a lead byte).
 *
 * Each phrase is normalized like a post, so "Натальная карта", "natalnaya
 * karta" and "натальной карты" share one literal: " натальн карт". A
 * phrase matches at a word start (the literal begins with the views'
 * word separator); it is a stem, so inflected endings match too, unless
 * the lexicon line ends in '$' (whole word: the literal ends in a space).
 * Phrases written in Latin letters match the Latin view only, the others
 * the Cyrillic skeleton view (where Kazakh Latin and transliteration
 * land).
 */
#include "content_int.h"

#include <hs/hs.h>
#include <stdlib.h>

struct ej_phrases {
    struct ej_phrase *p;
    uint32_t n;
    hs_database_t *db_lat; /* Latin phrases, scanned on view */
    hs_database_t *db_cyr; /* Cyrillic phrases, scanned on cyr */
};

struct ej_phrase_scratch {
    hs_scratch_t *hs;
    uint8_t *seen;  /* bit per phrase */
    uint32_t *ids;
    uint32_t nids, cap;
};

static const char *const class_names[EJ_PC_COUNT] = {
    "occult", "educational", "disclaimer", "negative"};

void ej__phrases_free(struct ej_phrases *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < p->n; i++)
        ej__free(p->p[i].text);
    ej__free(p->p);
    hs_free_database(p->db_lat);
    hs_free_database(p->db_cyr);
    ej__free(p);
}

uint32_t ej__phrases_count(const struct ej_phrases *p) { return p->n; }
const struct ej_phrase *ej__phrase(const struct ej_phrases *p, uint32_t id)
{
    return id < p->n ? &p->p[id] : NULL;
}

/* Split s[0..len) at tabs into at most max fields. */
static size_t split_tabs(const char *s, size_t len, const char **f,
                         size_t *fl, size_t max)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= len && k < max; i++) {
        if (i == len || s[i] == '\t') {
            f[k] = s + start;
            fl[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    return k;
}

struct lits {
    char **exprs;
    unsigned *ids, *flags;
    size_t *lens;
    size_t n;
};

static void lits_free(struct lits *l)
{
    for (size_t i = 0; i < l->n; i++)
        ej__free(l->exprs[i]);
    ej__free(l->exprs);
    ej__free(l->ids);
    ej__free(l->flags);
    ej__free(l->lens);
}

static enum ej_err compile(struct lits *l, hs_database_t **db)
{
    hs_compile_error_t *err = NULL;
    *db = NULL;
    if (l->n == 0)
        return EJ_OK;
    if (hs_compile_lit_multi((const char *const *)l->exprs, l->flags, l->ids,
                             l->lens, (unsigned)l->n, HS_MODE_BLOCK, NULL,
                             db, &err) != HS_SUCCESS) {
        hs_free_compile_error(err);
        return EJ_MODEL_INVALID;
    }
    return EJ_OK;
}

enum ej_err ej__phrases_new(const char *text, size_t len, struct ej_norm *n,
                            struct ej_phrases **out, size_t *line)
{
    struct ej_phrases *p = ej__calloc(1, sizeof *p);
    struct lits lat = {0}, cyr = {0};
    enum ej_err rc = EJ_NOMEM;
    size_t lineno = 0, cap = 0;
    if (!p)
        return EJ_NOMEM;
    for (size_t pos = 0; pos < len;) {
        const char *ls = text + pos;
        const char *nl = memchr(ls, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - ls) : len - pos;
        pos += ll + 1;
        lineno++;
        if (ll > 0 && ls[ll - 1] == '\r')
            ll--;
        if (ll == 0 || ls[0] == '#')
            continue;
        const char *f[4];
        size_t fl[4];
        rc = EJ_MODEL_INVALID;
        if (split_tabs(ls, ll, f, fl, 4) != 4 || fl[3] == 0 ||
            fl[3] > EJ_PHRASE_MAX_BYTES || p->n >= EJ_PHRASES_MAX)
            goto fail;
        struct ej_phrase ph = {.sub = -1};
        size_t c;
        for (c = 0; c < EJ_PC_COUNT; c++)
            if (strlen(class_names[c]) == fl[0] &&
                memcmp(class_names[c], f[0], fl[0]) == 0)
                break;
        if (c == EJ_PC_COUNT)
            goto fail;
        ph.cls = (enum ej_phrase_class)c;
        if (!(fl[1] == 1 && f[1][0] == '-')) {
            enum ej_practice pr;
            enum ej_field fd;
            if (ph.cls == EJ_PC_OCCULT && ej_practice_parse(f[1], fl[1], &pr))
                ph.sub = (int)pr;
            else if (ph.cls == EJ_PC_EDUCATIONAL &&
                     ej_field_parse(f[1], fl[1], &fd))
                ph.sub = (int)fd;
            else if (ph.cls == EJ_PC_NEGATIVE || ph.cls == EJ_PC_DISCLAIMER)
                ph.sub = -1; /* a free tag, kept for people */
            else
                goto fail;
        }
        char num[32];
        if (fl[2] == 0 || fl[2] >= sizeof num)
            goto fail;
        memcpy(num, f[2], fl[2]);
        num[fl[2]] = '\0';
        char *end;
        ph.weight = strtof(num, &end);
        if (*end != '\0' || !(ph.weight > 0 && ph.weight <= 100))
            goto fail;
        bool whole = f[3][fl[3] - 1] == '$';
        struct ej_norm_text t;
        if (ej_norm_run(n, f[3], fl[3] - whole, &t, NULL) != EJ_OK ||
            t.ntokens == 0)
            goto fail;
        /* Latin phrases: the view; others: the Cyrillic skeleton. */
        bool latin = true;
        for (uint32_t k = 0; k < t.ntokens; k++)
            if (!(t.tokens[k].flags & (EJ_TOK_LATIN | EJ_TOK_DIGITS |
                                       EJ_TOK_EMOJI)))
                latin = false;
        const unsigned char *src = latin ? t.view : t.cyr;
        size_t slen = latin ? t.view_len : t.cyr_len;
        /* The view is " tok tok "; the literal keeps the leading space and
         * the trailing one only for whole words. */
        size_t litlen = whole ? slen : slen - 1;
        struct lits *L = latin ? &lat : &cyr;
        rc = EJ_NOMEM;
        if (p->n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            struct ej_phrase *np = ej__realloc(p->p, nc * sizeof *np);
            if (!np)
                goto fail;
            p->p = np;
            char **ne = ej__realloc(lat.exprs, nc * sizeof *ne);
            if (ne) lat.exprs = ne;
            unsigned *ni = ej__realloc(lat.ids, nc * sizeof *ni);
            if (ni) lat.ids = ni;
            unsigned *nf = ej__realloc(lat.flags, nc * sizeof *nf);
            if (nf) lat.flags = nf;
            size_t *nl2 = ej__realloc(lat.lens, nc * sizeof *nl2);
            if (nl2) lat.lens = nl2;
            char **ce = ej__realloc(cyr.exprs, nc * sizeof *ce);
            if (ce) cyr.exprs = ce;
            unsigned *ci = ej__realloc(cyr.ids, nc * sizeof *ci);
            if (ci) cyr.ids = ci;
            unsigned *cf = ej__realloc(cyr.flags, nc * sizeof *cf);
            if (cf) cyr.flags = cf;
            size_t *cl = ej__realloc(cyr.lens, nc * sizeof *cl);
            if (cl) cyr.lens = cl;
            if (!ne || !ni || !nf || !nl2 || !ce || !ci || !cf || !cl)
                goto fail;
            cap = nc;
        }
        char *lit = ej__malloc(litlen);
        ph.text = ej__strndup(f[3], fl[3]);
        if (!lit || !ph.text) {
            ej__free(lit);
            ej__free(ph.text);
            goto fail;
        }
        memcpy(lit, src, litlen);
        L->exprs[L->n] = lit;
        L->ids[L->n] = p->n;
        L->flags[L->n] = 0;
        L->lens[L->n] = litlen;
        L->n++;
        p->p[p->n++] = ph;
        rc = EJ_OK;
    }
    rc = compile(&lat, &p->db_lat);
    if (rc == EJ_OK)
        rc = compile(&cyr, &p->db_cyr);
    if (rc != EJ_OK) {
        lineno = 0;
        goto fail;
    }
    lits_free(&lat);
    lits_free(&cyr);
    *out = p;
    return EJ_OK;
fail:
    if (line)
        *line = lineno;
    lits_free(&lat);
    lits_free(&cyr);
    ej__phrases_free(p);
    return rc;
}

enum ej_err ej__phrase_scratch_new(const struct ej_phrases *p,
                                   struct ej_phrase_scratch **out)
{
    struct ej_phrase_scratch *s = ej__calloc(1, sizeof *s);
    if (!s)
        return EJ_NOMEM;
    s->cap = p->n ? p->n : 1;
    s->seen = ej__calloc((s->cap + 7) / 8, 1);
    s->ids = ej__malloc(s->cap * sizeof *s->ids);
    if (!s->seen || !s->ids ||
        (p->db_lat && hs_alloc_scratch(p->db_lat, &s->hs) != HS_SUCCESS) ||
        (p->db_cyr && hs_alloc_scratch(p->db_cyr, &s->hs) != HS_SUCCESS)) {
        ej__phrase_scratch_free(s);
        return EJ_NOMEM;
    }
    *out = s;
    return EJ_OK;
}

void ej__phrase_scratch_free(struct ej_phrase_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    ej__free(s->seen);
    ej__free(s->ids);
    ej__free(s);
}

static int on_match(unsigned int id, unsigned long long from,
                    unsigned long long to, unsigned int flags, void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    struct ej_phrase_scratch *s = ctx;
    if (!(s->seen[id >> 3] & (1u << (id & 7)))) {
        s->seen[id >> 3] |= (uint8_t)(1u << (id & 7));
        if (s->nids < s->cap)
            s->ids[s->nids++] = id;
    }
    return 0;
}

enum ej_err ej__phrases_scan(const struct ej_phrases *p,
                             struct ej_phrase_scratch *s,
                             const struct ej_norm_text *t,
                             const uint32_t **ids, uint32_t *n)
{
    for (uint32_t i = 0; i < s->nids; i++)
        s->seen[s->ids[i] >> 3] = 0;
    s->nids = 0;
    if (t->view_len > UINT32_MAX)
        return EJ_TOO_BIG;
    if (p->db_lat &&
        hs_scan(p->db_lat, (const char *)t->view, (unsigned)t->view_len, 0,
                s->hs, on_match, s) != HS_SUCCESS)
        return EJ_INVALID;
    if (p->db_cyr &&
        hs_scan(p->db_cyr, (const char *)t->cyr, (unsigned)t->cyr_len, 0,
                s->hs, on_match, s) != HS_SUCCESS)
        return EJ_INVALID;
    *ids = s->ids;
    *n = s->nids;
    return EJ_OK;
}
