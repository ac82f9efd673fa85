/* textfp.c: the text fingerprint; see fingerprint.h.
 *
 * Normalization is written here rather than taken from utf8proc: it
 * needs only ASCII, Latin-1 and Cyrillic (ru, kk) case folding, which are
 * regular ranges, plus a look-alike map no library provides (Cyrillic
 * letters that look Latin are read as the Latin letter), and the pure
 * core keeps libyaml as its only dependency. Other scripts keep their
 * code points, unfolded.
 *
 * Every character that is not a letter or digit (spaces, punctuation,
 * symbols, emoji, combining marks) is dropped, so spacing and punctuation
 * edits change nothing. The fingerprint is a 64-bit SimHash over
 * overlapping 3-character shingles (3 rather than 4: an edit touches
 * fewer shingles; on the test's texts an edited copy was 7 bits away
 * with 3 and 11 with 4, unrelated texts 28-33 either way): a small edit changes a few shingles,
 * and so few bits.
 */
#include "internal.h"

#include "ereje/fingerprint.h"

static bool dropped(uint32_t c)
{
    return c < 0x30 || (c > 0x39 && c < 0x41) || (c > 0x5A && c < 0x61) ||
           (c > 0x7A && c < 0xC0) || c == 0xD7 || c == 0xF7 ||
           (c >= 0x300 && c <= 0x36F) || (c >= 0x483 && c <= 0x489) ||
           (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
           (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF ||
           (c >= 0x1F000 && c <= 0x1FAFF);
}

static uint32_t fold(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 0x20;
    if (c >= 0xC0 && c <= 0xDE)
        return c + 0x20;
    if (c >= 0x410 && c <= 0x42F)
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c == 0x4C0)
        return 0x4CF;
    if (c >= 0x4C1 && c <= 0x4CE)
        return c & 1 ? c + 1 : c;
    if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4FF))
        return c & 1 ? c : c + 1;
    return c;
}

/* Lower-case Cyrillic letters that look like a Latin letter. */
static uint32_t lookalike(uint32_t c)
{
    switch (c) {
    case 0x430: return 'a'; /* а */
    case 0x432: return 'b'; /* в */
    case 0x435: return 'e'; /* е */
    case 0x451: return 'e'; /* ё */
    case 0x43A: return 'k'; /* к */
    case 0x49B: return 'k'; /* қ */
    case 0x43C: return 'm'; /* м */
    case 0x43D: return 'h'; /* н */
    case 0x4BB: return 'h'; /* һ */
    case 0x43E: return 'o'; /* о */
    case 0x440: return 'p'; /* р */
    case 0x441: return 'c'; /* с */
    case 0x442: return 't'; /* т */
    case 0x443: return 'y'; /* у */
    case 0x4AF: return 'y'; /* ү */
    case 0x4B1: return 'y'; /* ұ */
    case 0x445: return 'x'; /* х */
    case 0x456: return 'i'; /* і */
    case 0x458: return 'j'; /* ј */
    case 0x455: return 's'; /* ѕ */
    default: return c;
    }
}

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

enum ej_err ej_textfp(const char *text, size_t len, uint64_t *out)
{
    if (len > EJ_TEXTFP_MAX_BYTES)
        return EJ_TOO_BIG;
    const unsigned char *s = (const unsigned char *)text;
    int32_t v[64] = {0};
    uint32_t w[3] = {0};
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = ej__utf8_next(s + i, len - i, &c);
        if (k == 0)
            return EJ_INVALID;
        i += k;
        if (dropped(c))
            continue;
        c = lookalike(fold(c));
        w[0] = w[1];
        w[1] = w[2];
        w[2] = c;
        if (++n < 3)
            continue;
        uint64_t h = mix(((uint64_t)w[0] << 42) | ((uint64_t)w[1] << 21) |
                         w[2]);
        for (int b = 0; b < 64; b++)
            v[b] += (int32_t)((h >> b) & 1) * 2 - 1;
    }
    if (n < EJ_TEXTFP_MIN_CHARS)
        return EJ_INVALID;
    uint64_t f = 0;
    for (int b = 0; b < 64; b++)
        if (v[b] > 0)
            f |= (uint64_t)1 << b;
    *out = f;
    return EJ_OK;
}

int ej_textfp_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}
