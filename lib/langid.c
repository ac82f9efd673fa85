/* langid.c: language identification for kk / ru / en and mixtures.
 *
 * Each word votes: a Kazakh-only letter (ә ғ қ ң ө ұ ү һ і) or a Kazakh
 * Latin letter (ä ğ ñ ö ū ü ı ş ç, q not before u) votes kk; ё ъ щ э vote
 * ru; a word of the function-word lists below votes its language (Latin
 * words are looked up as English first, then by their transliteration,
 * so "jane", "ushin" vote kk and "ochen", "pishite" vote ru); failing
 * those, common suffixes give half a vote. Cyrillic words without any
 * clue are shared between kk and ru in the proportion of the clear votes
 * (a Kazakh sentence has many words without a Kazakh letter). The main
 * language has the most votes; a text is mixed when a second language has
 * at least 20% of them and two words.
 *
 * Written by hand: no Debian library identifies Kazakh written in Latin
 * letters or Russian transliteration (cld2/cld3 are not packaged for C
 * and do not know either); the lists are small and the accuracy is
 * measured by `make eval`.
 */
#include "content_int.h"

#define SET_BITS 11 /* 2048 slots for the ~600 words and suffixes: 10 KiB */

#define FILTER_BITS 14 /* a bit per hash class: 2 KiB (with the set, in L1) */

struct ej_langid {
    uint32_t key[1u << SET_BITS];
    uint8_t lang[1u << SET_BITS]; /* 1 + enum ej_lang; 0 = empty */
    /* Which hash classes hold a key: most words and suffixes looked up
     * are in no list, and one bit answers them without probing (the
     * probe's hit-or-miss branch was most of this file's time). */
    uint64_t filter[(1u << FILTER_BITS) / 64];
};

static const char *const words_en[] = {
    "the", "and", "of", "to", "a", "in", "is", "it", "you", "that", "he",
    "was", "for", "on", "are", "with", "as", "his", "they", "be", "at",
    "one", "have", "this", "from", "or", "had", "by", "but", "what",
    "some", "we", "can", "out", "other", "were", "all", "there", "when",
    "up", "use", "your", "how", "said", "an", "each", "she", "which", "do",
    "their", "time", "if", "will", "way", "about", "many", "then", "them",
    "would", "like", "so", "these", "her", "see", "him", "has", "more",
    "could", "go", "come", "did", "my", "no", "most", "who", "over", "know",
    "than", "call", "first", "down", "been", "now", "find", "new", "only",
    "me", "our", "us", "get", "just", "not", "free", "link", "today", "book",
    "now", "here", "why", "learn", "course", "reading", "card", "week",
    "love", "life", "money", "dm", "bio", "i", "am", "im", "don", "dont",
    "into", "also", "after", "before", "where", "while", "should", "need",
    "want", "help", "make", "every", "never", "always", "people", "day",
    "year", "work", "good", "best", "better", "because", "any", "those",
    "through", "its", "itself", "own", "same", "such", "very", "too",
    "under", "again", "off", "being", "having", "does", "doing", "until",
    "against", "between", "during", "without", "within", "tips", "how",
    "the", "it's", "let", "lets", "join", "sign", "start", "spots", "left",
};
static const char *const words_ru[] = {
    "и", "в", "во", "что", "он", "на", "я", "с", "со", "как", "то", "все",
    "она", "так", "его", "но", "ты", "к", "у", "же", "вы", "за", "бы", "по",
    "только", "ее", "мне", "было", "вот", "от", "меня", "еще", "нет", "о",
    "из", "ему", "теперь", "когда", "даже", "ну", "вдруг", "ли", "если",
    "уже", "или", "ни", "быть", "был", "него", "до", "вас", "нибудь",
    "опять", "уж", "вам", "ведь", "там", "потом", "себя", "ничего", "ей",
    "может", "они", "тут", "где", "есть", "надо", "ней", "для", "мы",
    "тебя", "их", "чем", "была", "сам", "чтоб", "без", "будто", "чего",
    "раз", "тоже", "себе", "под", "будет", "тогда", "кто", "этот", "того",
    "потому", "этого", "какой", "совсем", "ним", "здесь", "этом", "один",
    "почти", "мой", "тем", "чтобы", "нее", "сейчас", "были", "куда",
    "зачем", "всех", "никогда", "можно", "при", "наконец", "два", "об",
    "другой", "хоть", "после", "над", "больше", "тот", "через", "эти",
    "нас", "про", "всего", "них", "какая", "много", "разве", "три", "эту",
    "моя", "впрочем", "хорошо", "свою", "этой", "перед", "иногда",
    "лучше", "чуть", "том", "нельзя", "такой", "им", "более", "всегда",
    "конечно", "всю", "между", "это", "очень", "свои", "вашей", "ваш",
    "ваша", "вашего", "пишите", "запись", "сегодня", "завтра", "день",
    "неделя", "год", "цена", "стоимость", "бесплатно", "друзья", "ждем",
    "который", "которые", "также", "чтобы", "также", "вместе", "время",
    "сразу", "каждый", "каждого", "своих", "своей", "нужно", "хочу",
    "хотите", "вопрос", "ответ", "жизнь", "человек", "люди",
};
/* No word here may equal a Russian word on the skeleton (ты, ни, день,
 * эту...), nor an English one written in Latin letters (men, bar):
 * tests/cases/content/lang.tsv has sentences made of such words. */
static const char *const words_kk[] = {
    "және", "бұл", "бір", "деп", "үшін", "ма", "ме", "ба", "бе",
    "па", "пе", "ғой", "қой", "ол", "сіз", "біз", "жоқ", "емес", "болып",
    "болады", "керек", "осы", "сол", "көп", "жақсы", "енді", "тек", "әр",
    "барлық", "кейін", "дейін", "арқылы", "туралы", "бойынша", "сіздің",
    "біздің", "сен", "бірақ", "немесе", "өте", "ең", "қазір", "жыл", "күн",
    "уақыт", "жаңа", "үлкен", "қандай", "қалай", "неге", "кім", "бізде",
    "сізге", "бізге", "оның", "менің", "сенің", "бала", "балалар", "жас",
    "адам", "адамдар", "жол", "жер", "су", "ай", "апта", "бүгін", "ертең",
    "кеше", "жаз", "жазыңыз", "жазылыңыз", "тегін", "бағасы", "баға",
    "тенге", "ақша", "мұнда", "сонда", "қазақ", "қазақша", "тіл", "тілі",
    "білім", "сабақ", "оқу", "мектеп", "үй", "отбасы", "ана", "әке", "жан",
    "рахмет", "сәлем", "иә", "жоқ", "келіңіз", "келді", "барады",
    "болса", "болған", "болды", "еді", "екен", "екенін", "деген", "дегенде",
    "соң", "бен", "пен", "бірге", "басқа",
    "сондай", "осындай", "біреу", "ештеңе", "барша", "алу", "беру",
    "жасау", "қазан", "желтоқсан", "қаңтар", "наурыз", "сәуір",
    "сатылады", "сатамын", "таза", "тау", "жеткізу", "бүгін", "сатып",
    "керемет", "үлкен", "кішкентай", "бәрі", "бәріне", "көп", "аз",
};

static uint32_t slot_of(uint32_t h) { return (h * 2654435761u) >> (32 - SET_BITS); }
static uint32_t filter_of(uint32_t h) { return (h ^ (h >> 16)) & ((1u << FILTER_BITS) - 1); }

static void set_add(struct ej_langid *l, uint32_t h, enum ej_lang lang)
{
    uint32_t mask = (1u << SET_BITS) - 1;
    l->filter[filter_of(h) / 64] |= (uint64_t)1 << (filter_of(h) % 64);
    for (uint32_t i = slot_of(h);; i = (i + 1) & mask) {
        if (!l->lang[i]) {
            l->key[i] = h;
            l->lang[i] = (uint8_t)(1 + lang);
            return;
        }
        if (l->key[i] == h)
            return; /* first list wins */
    }
}

static int set_get(const struct ej_langid *l, uint32_t h)
{
    uint32_t f = filter_of(h);
    if (!((l->filter[f / 64] >> (f % 64)) & 1))
        return -1;
    uint32_t mask = (1u << SET_BITS) - 1;
    for (uint32_t i = slot_of(h);; i = (i + 1) & mask) {
        if (!l->lang[i])
            return -1;
        if (l->key[i] == h)
            return l->lang[i] - 1;
    }
}

/* Hash of a token's bytes in one view: namespace 'e' for English words
 * (Latin view), 'w' for the Cyrillic skeleton: the word feature's hash
 * (lib/classify.c), so that ej_classify hands over the hashes it made
 * rather than hashing every word twice. */
static uint32_t word_hash(char ns, const unsigned char *p, size_t n)
{
    unsigned char b = (unsigned char)ns;
    return ej__fnv(ej__fnv(EJ_FNV_SEED, &b, 1), p, n);
}

static enum ej_err add_list(struct ej_langid *l, struct ej_norm *n,
                            const char *const *w, size_t count,
                            enum ej_lang lang, char ns)
{
    for (size_t i = 0; i < count; i++) {
        struct ej_norm_text t;
        enum ej_err rc = ej_norm_run(n, w[i], strlen(w[i]), &t, NULL);
        if (rc != EJ_OK)
            return rc;
        for (uint32_t k = 0; k < t.ntokens; k++) {
            const struct ej_token *tk = &t.tokens[k];
            if (ns == 'e')
                set_add(l, word_hash('e', t.view + tk->off, tk->len), lang);
            else
                set_add(l, word_hash('w', t.cyr + tk->cyr_off, tk->cyr_len),
                        lang);
        }
    }
    return EJ_OK;
}

/* Suffix clues, looked up by the last 4, 3 and 2 letters of a word that
 * leaves a stem of 2+ letters (longest first). Cyrillic suffixes are
 * matched on the skeleton, Latin ones on the Latin view. */
static const char *const sfx_kk[] = {
    "лар", "лер", "дар", "дер", "тар", "тер", "ның", "нің", "дың", "дің",
    "тың", "тің", "мыз", "міз", "сыз", "сіз", "ңыз", "ңіз", "дағы", "дегі",
    "ған", "ген", "қан", "кен", "ыды", "іді", "мын", "мін"};
static const char *const sfx_ru[] = {
    "ого", "его", "ая", "ое", "ые", "ых", "их", "тся", "ция", "ние", "ость",
    "ами", "ями", "ешь", "ишь", "ует", "ов", "ев", "ому", "ться"};
static const char *const sfx_kk_lat[] = {
    "lar", "ler", "dar", "der", "tar", "ter", "dyn", "din", "nyn", "nin",
    "myz", "miz", "syz", "siz", "nyz", "niz", "ghan", "gen", "dagy", "degi",
    "ydy", "idi", "ady", "edi", "myn", "min"};
static const char *const sfx_ru_lat[] = {"ogo", "ego", "aya", "oye", "iya",
                                         "tsya", "tsia", "nie", "stvo",
                                         "yesh", "ish", "yte", "ite"};
static const char *const sfx_en[] = {"ing", "tion", "ness", "ly", "ed",
                                     "ment", "ous", "ful", "able"};

static enum ej_err add_suffixes(struct ej_langid *l, struct ej_norm *n,
                                const char *const *w, size_t count,
                                enum ej_lang lang, char ns)
{
    for (size_t i = 0; i < count; i++) {
        struct ej_norm_text t;
        enum ej_err rc = ej_norm_run(n, w[i], strlen(w[i]), &t, NULL);
        if (rc != EJ_OK)
            return rc;
        if (t.ntokens != 1)
            return EJ_INVALID;
        const struct ej_token *tk = &t.tokens[0];
        /* Latin suffixes in the Latin view, Cyrillic in the skeleton */
        if (ns == 'l')
            set_add(l, word_hash('l', t.view + tk->off, tk->len), lang);
        else
            set_add(l, word_hash('s', t.cyr + tk->cyr_off, tk->cyr_len),
                    lang);
    }
    return EJ_OK;
}

/* The word's last 4, 3 or 2 letters, longest first, each only when two
 * letters are left before it. Written out so that each hash has a fixed
 * length (no loop exits to mispredict). */
static int suffix_vote(const struct ej_langid *l, const unsigned char *p,
                       size_t n, char ns)
{
    int lang;
    if (n >= 6 && (lang = set_get(l, word_hash(ns, p + n - 4, 4))) >= 0)
        return lang;
    if (n >= 5 && (lang = set_get(l, word_hash(ns, p + n - 3, 3))) >= 0)
        return lang;
    if (n >= 4 && (lang = set_get(l, word_hash(ns, p + n - 2, 2))) >= 0)
        return lang;
    return -1;
}

enum ej_err ej__langid_new(struct ej_norm *n, struct ej_langid **out)
{
    struct ej_langid *l = ej__calloc(1, sizeof *l);
    enum ej_err rc;
    if (!l)
        return EJ_NOMEM;
    /* Kazakh before Russian: a word in both lists (the skeleton makes
     * some coincide) counts as Kazakh only if it is Kazakh-specific; the
     * lists above leave out the shared ones (да, не, та, те, а). */
    if ((rc = add_list(l, n, words_en, EJ_ARRAY_LEN(words_en), EJ_LANG_EN,
                       'e')) != EJ_OK ||
        (rc = add_list(l, n, words_kk, EJ_ARRAY_LEN(words_kk), EJ_LANG_KK,
                       'w')) != EJ_OK ||
        (rc = add_list(l, n, words_ru, EJ_ARRAY_LEN(words_ru), EJ_LANG_RU,
                       'w')) != EJ_OK ||
        (rc = add_suffixes(l, n, sfx_en, EJ_ARRAY_LEN(sfx_en), EJ_LANG_EN,
                           'l')) != EJ_OK ||
        (rc = add_suffixes(l, n, sfx_kk_lat, EJ_ARRAY_LEN(sfx_kk_lat),
                           EJ_LANG_KK, 'l')) != EJ_OK ||
        (rc = add_suffixes(l, n, sfx_ru_lat, EJ_ARRAY_LEN(sfx_ru_lat),
                           EJ_LANG_RU, 'l')) != EJ_OK ||
        (rc = add_suffixes(l, n, sfx_kk, EJ_ARRAY_LEN(sfx_kk), EJ_LANG_KK,
                           's')) != EJ_OK ||
        (rc = add_suffixes(l, n, sfx_ru, EJ_ARRAY_LEN(sfx_ru), EJ_LANG_RU,
                           's')) != EJ_OK) {
        ej__free(l);
        return rc;
    }
    *out = l;
    return EJ_OK;
}

void ej__langid_free(struct ej_langid *l) { ej__free(l); }

void ej__langid_run(const struct ej_langid *l, const struct ej_norm_text *t,
                    const uint32_t *whash, struct ej_lang_result *out)
{
    float v[EJ_LANG_COUNT] = {0};
    float cyr_unknown = 0, lat_unknown = 0;
    uint32_t words[EJ_LANG_COUNT] = {0};

    for (uint32_t i = 0; i < t->ntokens; i++) {
        const struct ej_token *tk = &t->tokens[i];
        const unsigned char *vp = t->view + tk->off;
        const unsigned char *cp = t->cyr + tk->cyr_off;
        int lang = -1;
        float w = 1.0f;
        if (tk->flags & (EJ_TOK_EMOJI | EJ_TOK_DIGITS))
            continue;
        if (tk->flags & (EJ_TOK_KK_LETTER | EJ_TOK_KK_LATIN)) {
            lang = EJ_LANG_KK;
        } else if (tk->flags & EJ_TOK_RU_LETTER) {
            lang = EJ_LANG_RU;
        } else if (tk->flags & EJ_TOK_LATIN) {
            lang = set_get(l, word_hash('e', vp, tk->len));
            if (lang < 0)
                lang = set_get(l, whash ? whash[i]
                                        : word_hash('w', cp, tk->cyr_len));
            if (lang < 0) {
                lang = suffix_vote(l, vp, tk->len, 'l');
                w = 0.5f;
            }
            if (lang < 0) {
                lat_unknown += 0.3f;
                continue;
            }
        } else if (tk->flags & EJ_TOK_CYRILLIC) {
            lang = set_get(l, whash ? whash[i]
                                    : word_hash('w', cp, tk->cyr_len));
            if (lang == EJ_LANG_EN)
                lang = -1;
            if (lang < 0) {
                lang = suffix_vote(l, cp, tk->cyr_len, 's');
                w = 0.5f;
            }
            if (lang < 0) {
                cyr_unknown += 0.5f;
                continue;
            }
        } else {
            continue;
        }
        v[lang] += w;
        words[lang]++;
    }
    /* Unclear Cyrillic words follow the clear Cyrillic votes; unclear
     * Latin words count as English unless the Latin words are clearly
     * Kazakh or Russian transliteration. */
    float kr = v[EJ_LANG_KK] + v[EJ_LANG_RU];
    if (cyr_unknown > 0) {
        if (kr > 0) {
            v[EJ_LANG_KK] += cyr_unknown * v[EJ_LANG_KK] / kr;
            v[EJ_LANG_RU] += cyr_unknown * v[EJ_LANG_RU] / kr;
        } else {
            v[EJ_LANG_RU] += cyr_unknown;
        }
    }
    v[EJ_LANG_EN] += lat_unknown;
    float total = v[0] + v[1] + v[2];
    memset(out, 0, sizeof *out);
    if (total <= 0) {
        out->known = false;
        out->lang = EJ_LANG_RU;
        return;
    }
    int best = 0, second = -1;
    for (int k = 1; k < EJ_LANG_COUNT; k++)
        if (v[k] > v[best])
            best = k;
    for (int k = 0; k < EJ_LANG_COUNT; k++)
        if (k != best && (second < 0 || v[k] > v[second]))
            second = k;
    for (int k = 0; k < EJ_LANG_COUNT; k++)
        out->share[k] = v[k] / total;
    out->known = true;
    out->lang = (enum ej_lang)best;
    out->second = (enum ej_lang)second;
    out->mixed = second >= 0 && out->share[second] >= 0.2f &&
                 words[second] >= 2;
}

const char *ej_lang_code(enum ej_lang l)
{
    return l == EJ_LANG_KK ? "kk" : l == EJ_LANG_RU ? "ru"
                               : l == EJ_LANG_EN ? "en" : "";
}

bool ej_lang_parse(const char *s, size_t len, enum ej_lang *out)
{
    static const char *const names[] = {"kk", "ru", "en"};
    for (size_t i = 0; i < EJ_ARRAY_LEN(names); i++)
        if (len == 2 && memcmp(s, names[i], 2) == 0) {
            *out = (enum ej_lang)i;
            return true;
        }
    return false;
}
