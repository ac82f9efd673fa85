/* textnorm.c: normalization of post text for matching; see content.h.
 *
 * Unicode work is utf8proc's: every code point outside the ranges that
 * are folded here directly (ASCII, Kazakh Latin letters, Cyrillic) goes
 * through utf8proc_decompose_char with compatibility decomposition, case
 * folding and mark stripping, so fullwidth and "fancy" letters
 * (𝓽𝓪𝓻𝓸), ligatures and accented letters fold as NFKC_Casefold would.
 * The direct paths exist because they are the hot path (deps.md §3b: a
 * per-code-point table runs 3x utf8proc's loop) and because no library
 * has the rest: the Kazakh/Russian skeleton, look-alike letters in
 * mixed-script words, and transliteration of Kazakh Latin (2021 and
 * informal ASCII) and of Russian written in Latin letters.
 *
 * Decomposed and composed input give the same output: marks are dropped
 * and the skeleton has no letter that needs one (й→и, ё→е).
 *
 * Most words take a faster road than the code-point buffer: word_fast()
 * writes plain ASCII and Cyrillic words straight to the views, from
 * tables read off the general path's functions, and hands everything
 * else to the general path; tests/unit/test_content.c holds the two to
 * each other byte for byte.
 */
#include "content_int.h"

#include <utf8proc.h>

#include "ereje/content.h"

#define TOKEN_CPS_MAX 64u /* a longer run of letters is split */

struct ej_norm {
    size_t max_bytes, cap;
    unsigned char *view, *cyr;
    struct ej_token *tokens;
    uint32_t tokcap;
    /* the token being built, as folded code points */
    uint32_t cp[TOKEN_CPS_MAX];
    uint32_t ncp;
    uint32_t nlat, ncyr, ndig, flags; /* of the token being built */
    bool has_q;
    bool in_hashtag;
    bool dropped; /* a token did not fit (tokcap) */
    /* Two-byte Cyrillic (lead D0..D3) for word_fast(): by (lead - D0)
     * << 6 | continuation & 3F, 0x8000 | token flags << 8 | skeleton
     * byte, or 0 where the general path must decide. Built by
     * ej_norm_new() from fold_direct(), note() and skel_table, so that
     * both paths agree by construction. */
    uint16_t cyr2[256];
    /* ASCII for word_fast(): the lower-case letter or the digit, 0 for a
     * byte that ends a word, 1 for one it leaves to the general path
     * (' # q). */
    unsigned char ascii[128];
    uint16_t tl[26 * 27]; /* transliteration, see build_translit() */
    bool no_fast; /* tests: the general path only */
};

static void build_word_tables(struct ej_norm *n);
static void build_translit(struct ej_norm *n);

enum ej_err ej_norm_new(size_t max_bytes, struct ej_norm **out)
{
    if (max_bytes == 0 || max_bytes > EJ_CONTENT_TEXT_MAX)
        return EJ_RANGE;
    struct ej_norm *n = ej__calloc(1, sizeof *n);
    if (!n)
        return EJ_NOMEM;
    n->max_bytes = max_bytes;
    n->cap = 2 * max_bytes + 64;
    n->view = ej__malloc(n->cap);
    n->cyr = ej__malloc(n->cap);
    size_t ntok = max_bytes / 2 + 2;
    if (ntok > EJ_NORM_TOKENS_MAX)
        ntok = EJ_NORM_TOKENS_MAX;
    n->tokens = ej__malloc(ntok * sizeof *n->tokens);
    n->tokcap = (uint32_t)ntok;
    if (!n->view || !n->cyr || !n->tokens) {
        ej_norm_free(n);
        return EJ_NOMEM;
    }
    build_word_tables(n);
    build_translit(n);
    *out = n;
    return EJ_OK;
}

void ej_norm_free(struct ej_norm *n)
{
    if (!n)
        return;
    ej__free(n->view);
    ej__free(n->cyr);
    ej__free(n->tokens);
    ej__free(n);
}

/* ---- character classes ------------------------------------------------ */

static bool is_cyr(uint32_t c) { return c >= 0x400 && c <= 0x4FF; }
static bool is_latin(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || c == 0xE4 || c == 0xF6 || c == 0xFC ||
           c == 0xF1 || c == 0xE7 || c == 0x11F || c == 0x15F ||
           c == 0x16B || c == 0x131;
}
static bool is_emoji(uint32_t c)
{
    return (c >= 0x1F000 && c <= 0x1FAFF && !(c >= 0x1F3FB && c <= 0x1F3FF)) ||
           (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF) ||
           (c >= 0x20A0 && c <= 0x20CF) || (c >= 0x2300 && c <= 0x23FF);
}
/* Dropped without breaking a word: marks, joiners, variation selectors,
 * soft hyphen, apostrophes (translit soft sign, "don't"). */
static bool is_silent(uint32_t c)
{
    return (c >= 0x300 && c <= 0x36F) || (c >= 0x483 && c <= 0x489) ||
           c == 0x200D || c == 0x200C || (c >= 0xFE00 && c <= 0xFE0F) ||
           c == 0xAD || c == '\'' || c == 0x2019 || c == 0x2BC ||
           (c >= 0x1F3FB && c <= 0x1F3FF);
}

/* Lower case of the letters folded directly; 0 for other code points. */
static uint32_t fold_direct(uint32_t c)
{
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            return c + 0x20;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            return c;
        return 0;
    }
    if (c >= 0x410 && c <= 0x42F)
        return c + 0x20;
    if (c >= 0x430 && c <= 0x44F)
        return c;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c >= 0x450 && c <= 0x45F)
        return c;
    switch (c) {
    case 0x4D8: case 0x4D9: return 0x4D9; /* ә */
    case 0x492: case 0x493: return 0x493; /* ғ */
    case 0x49A: case 0x49B: return 0x49B; /* қ */
    case 0x4A2: case 0x4A3: return 0x4A3; /* ң */
    case 0x4E8: case 0x4E9: return 0x4E9; /* ө */
    case 0x4B0: case 0x4B1: return 0x4B1; /* ұ */
    case 0x4AE: case 0x4AF: return 0x4AF; /* ү */
    case 0x4BA: case 0x4BB: return 0x4BB; /* һ */
    case 0xC4: case 0xE4: return 0xE4;    /* ä */
    case 0xD6: case 0xF6: return 0xF6;    /* ö */
    case 0xDC: case 0xFC: return 0xFC;    /* ü */
    case 0xD1: case 0xF1: return 0xF1;    /* ñ */
    case 0xC7: case 0xE7: return 0xE7;    /* ç */
    case 0x11E: case 0x11F: return 0x11F; /* ğ */
    case 0x15E: case 0x15F: return 0x15F; /* ş */
    case 0x16A: case 0x16B: return 0x16B; /* ū */
    case 0x130: return 'i';               /* İ */
    case 0x131: return 0x131;             /* ı */
    default: return 0;
    }
}

/* Skeleton byte of a folded Cyrillic letter U+0400..U+04FF (generated
 * from the mapping in content.h: ә→а, ғ→г, қ→к, ң→н, ө→о, ұ ү ў→у, һ→х,
 * і ї й→и, ё э є→е, а..я → 0xE0..0xFF); 0 = dropped (ъ ь), 1 = not a
 * letter of the skeleton. */
static const unsigned char skel_table[256] = {
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE8, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF,
    0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0x00, 0xFB, 0x00, 0xE5, 0xFE, 0xFF,
    0x01, 0xE5, 0x01, 0x01, 0xE5, 0x01, 0xE8, 0xE8, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xF3, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0xE3, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xEA, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0xED, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xF3,
    0x01, 0xF3, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xF5, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xE0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xEE, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
};

static unsigned char skel_cyr(uint32_t c)
{
    return c >= 0x400 && c <= 0x4FF ? skel_table[c - 0x400] : 1;
}

/* Latin look-alikes of Cyrillic letters, both ways. */
static uint32_t latin_to_cyr(uint32_t c)
{
    switch (c) {
    case 'a': return 0x430; case 'b': return 0x432; case 'c': return 0x441;
    case 'e': return 0x435; case 'h': return 0x43D; case 'k': return 0x43A;
    case 'm': return 0x43C; case 'o': return 0x43E; case 'p': return 0x440;
    case 't': return 0x442; case 'x': return 0x445; case 'y': return 0x443;
    case 'i': return 0x456;
    default: return c;
    }
}
static uint32_t cyr_to_latin(uint32_t c)
{
    switch (c) {
    case 0x430: return 'a'; case 0x432: return 'b'; case 0x441: return 'c';
    case 0x435: return 'e'; case 0x43D: return 'h'; case 0x43A: return 'k';
    case 0x43C: return 'm'; case 0x43E: return 'o'; case 0x440: return 'p';
    case 0x442: return 't'; case 0x445: return 'x'; case 0x443: return 'y';
    case 0x456: return 'i';
    default: return c;
    }
}

/* ---- output ------------------------------------------------------------ */

struct outbuf {
    unsigned char *p;
    size_t len, cap;
    bool full;
};

static void put(struct outbuf *o, unsigned char b)
{
    if (o->len + 2 > o->cap) { /* keep room for the final space */
        o->full = true;
        return;
    }
    o->p[o->len++] = b;
}

static void put_hex(struct outbuf *o, uint32_t c)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[8];
    int k = 0;
    do {
        tmp[k++] = hex[c & 15];
        c >>= 4;
    } while (c && k < 8);
    put(o, '~');
    while (k > 0)
        put(o, (unsigned char)tmp[--k]);
}

/* Transliteration of an ASCII Latin word (Kazakh Latin already reduced
 * to ASCII) to the Cyrillic skeleton. Longest rule first: shch, sch, sh;
 * ch, zh, kh, ts, gh; ya, yu, yo, ye. */
#define DG(a, b) [((a) - 'a') * 26 + ((b) - 'a')]
static const uint16_t digraph[26 * 26] = {
    DG('s', 'h') = 0x448, DG('c', 'h') = 0x447, DG('z', 'h') = 0x436,
    DG('k', 'h') = 0x445, DG('t', 's') = 0x446, DG('y', 'a') = 0x44F,
    DG('y', 'u') = 0x44E, DG('y', 'o') = 0x435, DG('y', 'e') = 0x435,
    DG('g', 'h') = 0x433,
};
#undef DG
/* j is always ж: Kazakh typed in ASCII writes jana, jaqsy (жаңа, жақсы);
 * Russian transliteration writes я, ю as ya, yu. */
static const uint32_t single[26] = {
    0x430, 0x431, 0x446, 0x434, 0x435, 0x444, 0x433, 0x445, 0x438,
    0x436, 0x43A, 0x43B, 0x43C, 0x43D, 0x43E, 0x43F, 0x43A, 0x440,
    0x441, 0x442, 0x443, 0x432, 0x443, 0x445, 0x44B, 0x437,
};

/* n->tl: a letter and the byte after it (column 26: not a letter, or the
 * end) as the skeleton byte out, the letters it takes (TL_USED), and
 * whether s may start shch or sch (TL_S) or a lone y may be й (TL_Y). */
#define TL_USED(e) (((e) >> 8) & 3u)
#define TL_S 0x400u
#define TL_Y 0x800u

static void build_translit(struct ej_norm *n)
{
    for (uint32_t c = 0; c < 26; c++)
        for (uint32_t d = 0; d <= 26; d++) {
            uint32_t cy = d < 26 ? digraph[c * 26 + d] : 0, used = 2;
            uint32_t e = 0;
            if (!cy) {
                cy = single[c];
                used = 1;
                if (c == 'y' - 'a')
                    e |= TL_Y;
            }
            if (c == 's' - 'a' && (d == 'h' - 'a' || d == 'c' - 'a'))
                e |= TL_S;
            n->tl[c * 27 + d] = (uint16_t)(e | used << 8 | skel_cyr(cy));
        }
}

/* One table look-up a letter, not a scan of the rules (the scan's
 * branches were a seventh of the normalizer's mispredictions; testing
 * the rules in turn cost the whole classifier 3.4% more instructions
 * than the table does). */
static void translit(const struct ej_norm *n, struct outbuf *o,
                     const unsigned char *w, size_t len)
{
    /* At most a byte out for each byte in: flush has reserved the room
     * (two bytes a code point), so the writes are unchecked. */
    unsigned char *op = o->p + o->len;
    for (size_t i = 0; i < len;) {
        uint32_t c = w[i], ci = c - 'a';
        if (ci >= 26) {
            if (c - '0' < 10u)
                *op++ = (unsigned char)c;
            i++;
            continue;
        }
        uint32_t di = i + 1 < len ? (uint32_t)w[i + 1] - 'a' : 26;
        if (di > 26)
            di = 26;
        uint32_t e = n->tl[ci * 27 + di];
        unsigned char b = (unsigned char)e;
        size_t used = TL_USED(e);
        if (e & TL_S) {
            if (di == 'h' - 'a' && i + 3 < len && w[i + 2] == 'c' &&
                w[i + 3] == 'h') {
                b = skel_cyr(0x449);
                used = 4;
            } else if (di == 'c' - 'a' && i + 2 < len && w[i + 2] == 'h') {
                b = skel_cyr(0x449);
                used = 3;
            }
        } else if (e & TL_Y && i > 0) {
            /* y after a vowel is й (moy, novyi), not ы */
            uint32_t p = w[i - 1];
            if (p == 'a' || p == 'e' || p == 'i' || p == 'o' || p == 'u')
                b = skel_cyr(0x439);
        }
        *op = b;
        op += b > 1;
        i += used;
    }
    o->len = (size_t)(op - o->p);
}

/* Count a letter of the token being built and note its clues. */
static inline void note(struct ej_norm *n, uint32_t c)
{
    if (c >= 0x430 && c <= 0x44F) {
        n->ncyr++;
        if (c == 0x44A || c == 0x449 || c == 0x44D)
            n->flags |= EJ_TOK_RU_LETTER;
    } else if (c >= 'a' && c <= 'z') {
        n->nlat++;
        n->has_q |= c == 'q';
    } else if (c >= '0' && c <= '9') {
        n->ndig++;
    } else if (is_latin(c)) {
        n->nlat++;
        n->flags |= EJ_TOK_KK_LATIN;
    } else if (is_cyr(c)) {
        n->ncyr++;
        switch (c) {
        case 0x4D9: case 0x493: case 0x49B: case 0x4A3: case 0x4E9:
        case 0x4B1: case 0x4AF: case 0x4BB: case 0x456:
            n->flags |= EJ_TOK_KK_LETTER;
            break;
        case 0x451:
            n->flags |= EJ_TOK_RU_LETTER;
            break;
        default:
            break;
        }
    }
}

static void emit_token(struct ej_norm *n, struct outbuf *v, struct outbuf *cy,
                       uint32_t *ntok, bool *any_latin, size_t voff,
                       size_t coff, uint32_t flags);

/* Emit the token in n->cp as view and cyr bytes and record it. */
static void flush(struct ej_norm *n, struct outbuf *v, struct outbuf *cy,
                  uint32_t *ntok, bool *any_latin)
{
    if (n->ncp == 0)
        return;
    /* Counts and clues were noted as the letters came (note()). */
    uint32_t flags = n->flags | (n->in_hashtag ? EJ_TOK_HASHTAG : 0);
    uint32_t nlat = n->nlat, ncyr = n->ncyr, ndig = n->ndig;
    n->nlat = n->ncyr = n->ndig = 0;
    n->flags = 0;
    if (n->has_q)
        for (uint32_t i = 0; i < n->ncp; i++)
            /* q is Kazakh Latin unless it is English qu */
            if (n->cp[i] == 'q' && (i + 1 == n->ncp || n->cp[i + 1] != 'u'))
                flags |= EJ_TOK_KK_LATIN;
    n->has_q = false;
    /* A mixed-script word is read in its main script: look-alike letters
     * of the other script are converted (ties go to Cyrillic). */
    if (nlat && ncyr) {
        bool to_cyr = ncyr >= nlat;
        nlat = ncyr = 0;
        for (uint32_t i = 0; i < n->ncp; i++) {
            uint32_t c = to_cyr ? latin_to_cyr(n->cp[i])
                                : cyr_to_latin(n->cp[i]);
            n->cp[i] = c;
            nlat += is_latin(c);
            ncyr += is_cyr(c);
        }
    }
    if (nlat > ncyr)
        flags |= EJ_TOK_LATIN;
    else if (ncyr)
        flags |= EJ_TOK_CYRILLIC;
    if (ndig == n->ncp)
        flags |= EJ_TOK_DIGITS;

    size_t voff = v->len, coff = cy->len;
    /* Room for the worst case (2 bytes a code point, a separator, the
     * final space) is checked once; the writes below are unchecked. */
    if (v->len + 2 * (size_t)n->ncp + 3 > v->cap ||
        cy->len + 2 * (size_t)n->ncp + 3 > cy->cap) {
        v->full = cy->full = true;
        n->ncp = 0;
        return;
    }
    unsigned char *vp = v->p + v->len;
    for (uint32_t i = 0; i < n->ncp; i++) {
        uint32_t c = n->cp[i];
        if (c < 0x80) {
            *vp++ = (unsigned char)c;
        } else if (c <= 0x4FF && c >= 0x400) {
            unsigned char b = skel_table[c - 0x400];
            if (b > 1)
                *vp++ = b;
        } else {
            switch (c) {
            case 0xE4: *vp++ = 'a'; break;
            case 0xF6: *vp++ = 'o'; break;
            case 0xFC: case 0x16B: *vp++ = 'u'; break;
            case 0xF1: *vp++ = 'n'; break;
            case 0x11F: *vp++ = 'g'; *vp++ = 'h'; break;
            case 0x131: *vp++ = 'i'; break;
            case 0x15F: *vp++ = 's'; *vp++ = 'h'; break;
            case 0xE7: *vp++ = 'c'; *vp++ = 'h'; break;
            default: break; /* another script: not matched */
            }
        }
    }
    v->len = (size_t)(vp - v->p);
    n->ncp = 0;
    emit_token(n, v, cy, ntok, any_latin, voff, coff, flags);
}

/* Record the token whose view bytes are v->p[voff..v->len): its cyr
 * bytes (transliterated when it is Latin), the token, and a space after
 * it in both views. The caller has checked the room (2 bytes a code
 * point, a separator, the final space). */
static void emit_token(struct ej_norm *n, struct outbuf *v, struct outbuf *cy,
                       uint32_t *ntok, bool *any_latin, size_t voff,
                       size_t coff, uint32_t flags)
{
    if (v->len == voff || v->full || *ntok >= n->tokcap) {
        n->dropped |= v->len != voff;
        v->len = voff;
        return;
    }
    if (flags & EJ_TOK_LATIN) {
        translit(n, cy, v->p + voff, v->len - voff);
        *any_latin = true;
    } else {
        size_t wl = v->len - voff;
        /* Most words fit 16 bytes: a fixed-size copy (one load, one
         * store) when both buffers have the room, not memcpy's size
         * dispatch. */
        if (wl <= 16 && cy->len + 16 <= cy->cap && voff + 16 <= v->cap)
            memcpy(cy->p + cy->len, v->p + voff, 16);
        else
            memcpy(cy->p + cy->len, v->p + voff, wl);
        cy->len += wl;
    }
    if (cy->full || cy->len == coff) {
        v->len = voff;
        cy->len = coff;
        return;
    }
    n->tokens[*ntok] = (struct ej_token){
        (uint32_t)voff, (uint32_t)(v->len - voff), (uint32_t)coff,
        (uint32_t)(cy->len - coff), flags};
    (*ntok)++;
    v->p[v->len++] = ' ';
    cy->p[cy->len++] = ' ';
}

/* word_fast()'s tables (n->ascii, n->cyr2), read off the general path's
 * own functions: fold_direct(), is_silent(), note() and skel_table. note()
 * counts into n's token counters, which are free while no text runs. */
static void build_word_tables(struct ej_norm *n)
{
    for (uint32_t b = 0; b < 128; b++) {
        uint32_t f = fold_direct(b);
        n->ascii[b] = is_silent(b) || b == '#' || f == 'q' ? 1
                      : f                                   ? (unsigned char)f
                                                            : 0;
    }
    for (uint32_t k = 0; k < 256; k++) {
        uint32_t c = 0x400 + k; /* lead D0 + (k >> 6), continuation k & 3F */
        uint32_t f = fold_direct(c);
        n->cyr2[k] = 0;
        if (!f || !is_cyr(f))
            continue;
        /* what note() records for the letter */
        n->ncyr = n->nlat = n->ndig = n->flags = 0;
        n->has_q = false;
        note(n, f);
        if (n->ncyr != 1 || n->nlat || n->ndig || n->has_q)
            continue;
        n->cyr2[k] = (uint16_t)(0x8000u | n->flags << 8 | skel_cyr(f));
    }
    n->ncyr = n->nlat = n->ndig = n->flags = 0;
    n->has_q = false;
}

/* Does the general path end a word at c (not ASCII, not Cyrillic of the
 * cyr2 table), leaving c to be read on its own? It does for pictographs
 * and for the punctuation and spaces of Latin-1, General Punctuation and
 * CJK Symbols, minus the code points that join a word silently. */
static bool ends_word(uint32_t c)
{
    return !is_silent(c) && !fold_direct(c) &&
           (is_emoji(c) || (c >= 0xA0 && c <= 0xBF) ||
            (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F));
}

void ej__norm_set_fast(struct ej_norm *n, bool on) { n->no_fast = !on; }

/* The common case without the code point buffer: words of ASCII letters
 * and digits, or of Cyrillic letters and digits, between bytes that end
 * words. From s[*pi], with no token begun and outside a hashtag, it
 * writes such words straight to the views (each exactly as flush()
 * would) and skips the bytes between them. It stops before the first
 * word it cannot take whole (another script or letter, a mixed-script
 * word, q, an apostrophe, a hashtag, invalid UTF-8, a word longer than
 * TOKEN_CPS_MAX) or the first non-ASCII byte after a word; the general
 * path reads on from there. Returns whether it read anything. */
static bool word_fast(struct ej_norm *n, const unsigned char *s, size_t len,
                      size_t *pi, struct outbuf *v, struct outbuf *cy,
                      uint32_t *ntok, bool *any_latin)
{
    size_t i = *pi;
    for (;;) {
        while (i < len && s[i] < 0x80 && n->ascii[s[i]] == 0)
            i++;
        if (i >= len)
            break;
        /* Room for the longest word flush() would take; else the general
         * path decides (and marks the views full). */
        if (v->len + 2 * (size_t)TOKEN_CPS_MAX + 3 > v->cap ||
            cy->len + 2 * (size_t)TOKEN_CPS_MAX + 3 > cy->cap)
            break;
        size_t start = i;
        unsigned char *vp = v->p + v->len;
        uint32_t ncp = 0, ndig = 0, lat = 0, cyf = 0;
        bool stop = false;
        while (i < len) {
            uint32_t b = s[i];
            if (b < 0x80) {
                uint32_t t = n->ascii[b];
                if (t == 0)
                    break;
                if (t == 1) { /* ' # q: the general path takes the word */
                    ncp = TOKEN_CPS_MAX + 1;
                    break;
                }
                *vp++ = (unsigned char)t;
                lat |= t >= 'a';
                ndig += t < 'a';
                i++;
            } else {
                uint32_t hi = b - 0xD0u;
                uint32_t e = 0;
                if (hi <= 3u && i + 1 < len && (s[i + 1] & 0xC0) == 0x80)
                    e = n->cyr2[hi << 6 | (s[i + 1] & 0x3Fu)];
                if (!e) {
                    uint32_t c;
                    stop = true; /* this byte goes to the general path */
                    if (ej__utf8_next(s + i, len - i, &c) == 0 ||
                        !ends_word(c))
                        ncp = TOKEN_CPS_MAX + 1; /* not a word of ours */
                    break;
                }
                cyf |= e;
                unsigned char sk = (unsigned char)e;
                *vp = sk;
                vp += sk > 1;
                i += 2;
            }
            if (++ncp > TOKEN_CPS_MAX)
                break;
        }
        if (ncp == 0 || ncp > TOKEN_CPS_MAX || (lat && (cyf & 0x8000u))) {
            i = start;
            break;
        }
        uint32_t flags = (cyf >> 8) & (EJ_TOK_KK_LETTER | EJ_TOK_RU_LETTER);
        flags |= lat ? EJ_TOK_LATIN : (cyf & 0x8000u) ? EJ_TOK_CYRILLIC : 0;
        if (ndig == ncp)
            flags |= EJ_TOK_DIGITS;
        size_t voff = v->len, coff = cy->len;
        v->len = (size_t)(vp - v->p);
        emit_token(n, v, cy, ntok, any_latin, voff, coff, flags);
        if (stop)
            break;
    }
    bool read = i != *pi;
    *pi = i;
    return read;
}

static void add_cp(struct ej_norm *n, struct outbuf *v, struct outbuf *cy,
                   uint32_t *ntok, bool *any_latin, uint32_t c)
{
    if (n->ncp == TOKEN_CPS_MAX)
        flush(n, v, cy, ntok, any_latin);
    n->cp[n->ncp++] = c;
    note(n, c);
}

static void emit_emoji(struct ej_norm *n, struct outbuf *v, struct outbuf *cy,
                       uint32_t *ntok, uint32_t c)
{
    if (*ntok >= n->tokcap) {
        n->dropped = true;
        return;
    }
    size_t voff = v->len, coff = cy->len;
    put_hex(v, c);
    put_hex(cy, c);
    if (v->full || cy->full) {
        v->len = voff;
        cy->len = coff;
        return;
    }
    n->tokens[*ntok] = (struct ej_token){
        (uint32_t)voff, (uint32_t)(v->len - voff), (uint32_t)coff,
        (uint32_t)(cy->len - coff), EJ_TOK_EMOJI};
    (*ntok)++;
    put(v, ' ');
    put(cy, ' ');
}

enum ej_err ej_norm_run(struct ej_norm *n, const char *text, size_t len,
                        struct ej_norm_text *out, size_t *bad_at)
{
    if (len > n->max_bytes)
        return EJ_TOO_BIG;
    const unsigned char *s = (const unsigned char *)text;
    struct outbuf v = {n->view, 0, n->cap, false};
    struct outbuf cy = {n->cyr, 0, n->cap, false};
    uint32_t ntok = 0;
    bool any_latin = false;
    uint32_t prev = 0; /* the previous code point, before folding */

    n->ncp = 0;
    n->nlat = n->ncyr = n->ndig = n->flags = 0;
    n->has_q = false;
    n->in_hashtag = false;
    n->dropped = false;
    put(&v, ' ');
    put(&cy, ' ');
    for (size_t i = 0; i < len;) {
        uint32_t c;
        if (n->ncp == 0 && !n->in_hashtag && !n->no_fast) {
            if (word_fast(n, s, len, &i, &v, &cy, &ntok, &any_latin))
                prev = 0;
            if (i >= len)
                break;
        }
        /* Run of lower-case Cyrillic а..я (D0 B0..D0 BF, D1 80..D1 8F):
         * most of a Russian or Kazakh post, decoded without the general
         * path. */
        if ((s[i] | 1u) == 0xD1u) {
            /* One test a letter, not a branch a byte: а..п are D0 B0..BF
             * and р..я D1 80..8F, which alternate at random in a word, so
             * the letter's index k (0..31) is picked without a branch.
             * The counters are kept in locals (stores to n->cp could
             * alias them), and what note() does for а..я is done here
             * without branches: count it; ъ щ э (bits 0x1A 0x19 0x1D of
             * the letter's index) are Russian-only. */
            uint32_t ncp = n->ncp, ncyr = n->ncyr, ru = 0, last = 0;
            while (i + 1 < len && ncp < TOKEN_CPS_MAX) {
                uint32_t hi = (uint32_t)s[i] - 0xD0u; /* D0: 0, D1: 1 */
                if (hi > 1u)
                    break;
                uint32_t k = (uint32_t)s[i + 1] - 0xB0u + hi * 0x30u;
                if (k >= 16u)
                    break;
                k += hi * 16u;
                last = 0x430u + k;
                n->cp[ncp++] = last;
                ncyr++;
                ru |= (0x26000000u >> k) & 1u;
                i += 2;
            }
            if (last) {
                prev = last;
                n->ncp = ncp;
                n->ncyr = ncyr;
                if (ru)
                    n->flags |= EJ_TOK_RU_LETTER;
            }
        }
        if (i >= len)
            break;
        size_t k = ej__utf8_next(s + i, len - i, &c);
        if (k == 0) {
            if (bad_at)
                *bad_at = i;
            return EJ_UTF8;
        }
        i += k;
        /* Fast paths: ASCII letters and digits, Cyrillic а..я А..Я. */
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            (c >= 0x430 && c <= 0x44F)) {
            if (n->ncp == TOKEN_CPS_MAX)
                flush(n, &v, &cy, &ntok, &any_latin);
            n->cp[n->ncp++] = c;
            note(n, c);
            prev = c;
            continue;
        }
        if (c == ' ' || c == ',' || c == '.' || c == '\n') {
            if (n->ncp)
                flush(n, &v, &cy, &ntok, &any_latin);
            n->in_hashtag = false;
            prev = 0;
            continue;
        }
        if (is_silent(c))
            continue;
        uint32_t f = fold_direct(c);
        if (f) {
            /* #ТароАлматы: a hashtag splits where lower case meets upper */
            if (n->in_hashtag && n->ncp && f != c && prev &&
                fold_direct(prev) == prev && !(prev >= '0' && prev <= '9'))
                flush(n, &v, &cy, &ntok, &any_latin);
            add_cp(n, &v, &cy, &ntok, &any_latin, f);
            prev = c;
            continue;
        }
        if (c == '#') {
            flush(n, &v, &cy, &ntok, &any_latin);
            n->in_hashtag = true;
            prev = 0;
            continue;
        }
        if (c == '_' && n->in_hashtag) {
            flush(n, &v, &cy, &ntok, &any_latin);
            prev = 0;
            continue;
        }
        if (is_emoji(c)) {
            flush(n, &v, &cy, &ntok, &any_latin);
            n->in_hashtag = false;
            emit_emoji(n, &v, &cy, &ntok, c);
            prev = 0;
            continue;
        }
        /* Latin-1 and general punctuation and spaces break words; the
         * rest goes through utf8proc. */
        if (c >= 0x80 && !(c >= 0xA0 && c <= 0xBF) &&
            !(c >= 0x2000 && c <= 0x206F) && !(c >= 0x3000 && c <= 0x303F)) {
            /* Everything else: NFKC_Casefold with marks stripped. */
            utf8proc_int32_t d[18];
            int lbc = 0;
            utf8proc_ssize_t m = utf8proc_decompose_char(
                (utf8proc_int32_t)c, d, 18,
                UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                    UTF8PROC_STRIPMARK,
                &lbc);
            bool letter = false;
            for (utf8proc_ssize_t j = 0; j < m && j < 18; j++) {
                uint32_t g = fold_direct((uint32_t)d[j]);
                if (!g && (is_cyr((uint32_t)d[j]) ||
                           utf8proc_category(d[j]) <= UTF8PROC_CATEGORY_LO))
                    g = (uint32_t)d[j]; /* a letter of another script */
                if (g) {
                    add_cp(n, &v, &cy, &ntok, &any_latin, g);
                    letter = true;
                }
            }
            if (letter) {
                prev = c;
                continue;
            }
        }
        flush(n, &v, &cy, &ntok, &any_latin);
        /* a hashtag ends at anything but a letter, digit or '_' */
        n->in_hashtag = false;
        prev = 0;
    }
    flush(n, &v, &cy, &ntok, &any_latin);
    /* the final space was reserved by put() */
    if (v.len == 0 || v.p[v.len - 1] != ' ')
        v.p[v.len++] = ' ';
    if (cy.len == 0 || cy.p[cy.len - 1] != ' ')
        cy.p[cy.len++] = ' ';
    out->view = n->view;
    out->view_len = v.len;
    out->cyr = any_latin ? n->cyr : n->view;
    out->cyr_len = any_latin ? cy.len : v.len;
    out->tokens = n->tokens;
    out->ntokens = ntok;
    out->truncated = v.full || cy.full || n->dropped;
    return EJ_OK;
}

size_t ej_norm_render(const unsigned char *v, size_t len, char *buf,
                      size_t cap)
{
    size_t o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = v[i];
        if (b >= 0xE0) {
            uint32_t c = 0x430 + (b - 0xE0);
            if (o + 3 > cap)
                break;
            buf[o++] = (char)(0xC0 | (c >> 6));
            buf[o++] = (char)(0x80 | (c & 0x3F));
        } else if (b < 0x80) {
            if (o + 2 > cap)
                break;
            buf[o++] = (char)b;
        }
    }
    buf[o] = '\0';
    return o;
}
