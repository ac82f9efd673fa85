/* content.h: content labelling for the draft's occult and educational
 * rules: text normalization, language identification, the classifier and
 * its model, and the label decision.
 *
 * Pipeline (all pure; the caller reads files and passes bytes):
 *   text --ej_norm_run--> tokens in two matching views
 *        --ej_lang_*-->   kk / ru / en and mixtures
 *        --phrase layer (Hyperscan literals) + hashed n-gram features-->
 *        --linear heads of the model--> occult score and practice,
 *                                        educational score and field
 *   classification + pack rule + author's qualifications + now
 *        --ej_label_decide--> allow | label | hold, with the text to show.
 *
 * Threads: an ej_classifier (model, phrase database) is immutable after
 * ej_classifier_new and shared by all threads; each thread classifies with
 * its own ej_content_scratch.
 */
#ifndef EREJE_CONTENT_H
#define EREJE_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/date.h"
#include "ereje/err.h"
#include "ereje/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hard maxima. A text over the caller's configured limit (at most
 * EJ_CONTENT_TEXT_MAX bytes) is EJ_TOO_BIG and is never classified. */
#define EJ_CONTENT_TEXT_MAX (1u << 20)
#define EJ_MODEL_MAX_BYTES (64u << 20)
#define EJ_PHRASES_MAX 20000u
#define EJ_PHRASE_MAX_BYTES 200u

/* ---- normalization --------------------------------------------------- */

/* Token scripts and the letters that hint at a language. */
enum ej_token_flag {
    EJ_TOK_LATIN = 1 << 0,    /* written in Latin letters */
    EJ_TOK_CYRILLIC = 1 << 1, /* written in Cyrillic letters */
    EJ_TOK_KK_LETTER = 1 << 2, /* ә ғ қ ң ө ұ ү һ і (Cyrillic) */
    EJ_TOK_RU_LETTER = 1 << 3, /* ё ъ щ э (rare in native Kazakh) */
    EJ_TOK_KK_LATIN = 1 << 4,  /* ä ğ ñ ö ū ü ı ş ç q (Kazakh Latin) */
    EJ_TOK_EMOJI = 1 << 5,     /* a pictograph, kept as one token */
    EJ_TOK_HASHTAG = 1 << 6,   /* a part of a #hashtag */
    EJ_TOK_DIGITS = 1 << 7,    /* digits only */
};

struct ej_token {
    uint32_t off, len;         /* in view */
    uint32_t cyr_off, cyr_len; /* in cyr */
    uint32_t flags;            /* enum ej_token_flag bits */
};

/* The normalized text, in two views of one byte per letter:
 *   view: case-folded, NFKC-compatible, marks stripped, Kazakh and
 *         Russian letters reduced to a shared Cyrillic skeleton
 *         (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ ү→у, һ→х, і→и, ё→е, й→и),
 *         look-alike letters of mixed-script words read in the word's
 *         main script, Kazakh Latin ş ç → sh ch; Latin words stay Latin;
 *   cyr:  the same tokens with every Latin word transliterated to the
 *         Cyrillic skeleton (Kazakh Latin, informal ASCII Kazakh and
 *         Russian transliteration all land on the Cyrillic spelling).
 * Cyrillic skeleton letters а..я are the bytes 0xE0..0xFF; ASCII letters
 * and digits are themselves; an emoji is "~" and its hex code point.
 * Tokens are separated by one space, and each view starts and ends with a
 * space, so " word" is a word start and "word " a word end. */
struct ej_norm_text {
    const unsigned char *view;
    size_t view_len;
    const unsigned char *cyr; /* == view when the text has no Latin word */
    size_t cyr_len;
    const struct ej_token *tokens;
    uint32_t ntokens;
    bool truncated; /* more than EJ_NORM_TOKENS_MAX tokens: the rest dropped */
};

#define EJ_NORM_TOKENS_MAX 65536u

struct ej_norm;
/* A reusable normalizer for texts up to max_bytes (<= EJ_CONTENT_TEXT_MAX).
 * The caller owns *out; free with ej_norm_free. */
EJ_EXTERN enum ej_err ej_norm_new(size_t max_bytes, struct ej_norm **out);
EJ_EXTERN void ej_norm_free(struct ej_norm *n);
/* Normalize text. EJ_TOO_BIG over max_bytes; EJ_UTF8 with *bad_at the
 * byte offset of the first invalid sequence. On success *out points into
 * n and stays valid until the next ej_norm_run or ej_norm_free. */
EJ_EXTERN enum ej_err ej_norm_run(struct ej_norm *n, const char *text,
                                  size_t len, struct ej_norm_text *out,
                                  size_t *bad_at);
/* Render a narrowed view as UTF-8 (skeleton letters as Cyrillic, the rest
 * as is) into buf of cap bytes; returns the bytes written (at most cap-1,
 * NUL-terminated). For tests and diagnostics. */
EJ_EXTERN size_t ej_norm_render(const unsigned char *v, size_t len,
                                char *buf, size_t cap);

/* ---- language identification ---------------------------------------- */

/* enum ej_lang (kk, ru, en) is policy.h's: the languages of the law. */
#define EJ_LANG_COUNT 3

struct ej_lang_result {
    bool known;                 /* false when the text has no words */
    enum ej_lang lang;          /* the main language */
    bool mixed;                 /* a second language holds >= 20% of votes */
    enum ej_lang second;        /* meaningful when mixed */
    float share[EJ_LANG_COUNT]; /* votes by language, summing to 1 */
};

EJ_EXTERN const char *ej_lang_code(enum ej_lang l); /* "kk", "ru", "en" */
EJ_EXTERN bool ej_lang_parse(const char *s, size_t len, enum ej_lang *out);

/* ---- the classifier -------------------------------------------------- */

enum ej_practice {
    EJ_PRACTICE_ASTROLOGY, EJ_PRACTICE_TAROT, EJ_PRACTICE_NUMEROLOGY,
    EJ_PRACTICE_MAGIC_SPELLS, EJ_PRACTICE_FORTUNE_TELLING,
    EJ_PRACTICE_PSYCHIC, EJ_PRACTICE_ESOTERIC_HEALING, EJ_PRACTICE_OTHER,
    EJ_PRACTICE_COUNT
};
enum ej_field {
    EJ_FIELD_MEDICINE, EJ_FIELD_PSYCHOLOGY, EJ_FIELD_NUTRITION,
    EJ_FIELD_FITNESS, EJ_FIELD_FINANCE, EJ_FIELD_LAW, EJ_FIELD_IT,
    EJ_FIELD_LANGUAGES, EJ_FIELD_SCHOOL, EJ_FIELD_PARENTING,
    EJ_FIELD_BEAUTY, EJ_FIELD_OTHER, EJ_FIELD_COUNT
};
EJ_EXTERN const char *ej_practice_name(enum ej_practice p);
EJ_EXTERN bool ej_practice_parse(const char *s, size_t len,
                                 enum ej_practice *out);
EJ_EXTERN const char *ej_field_name(enum ej_field f);
EJ_EXTERN bool ej_field_parse(const char *s, size_t len, enum ej_field *out);

/* Phrase classes of the lexicon (models/phrases.tsv). */
enum ej_phrase_class {
    EJ_PC_OCCULT, EJ_PC_EDUCATIONAL, EJ_PC_DISCLAIMER, EJ_PC_NEGATIVE,
    EJ_PC_COUNT
};

struct ej_classification {
    struct ej_lang_result lang;
    float occult, educational; /* probabilities in [0, 1] */
    bool is_occult, is_educational; /* score >= the model's threshold */
    enum ej_practice practice; /* meaningful when is_occult */
    enum ej_field field;       /* meaningful when is_educational */
    bool has_disclaimer;       /* an entertainment disclaimer is present */
    uint32_t phrase_hits[EJ_PC_COUNT]; /* distinct phrases found by class */
    uint32_t tokens;
};

struct ej_classifier;
struct ej_content_scratch;

/* Build a classifier from the bytes of a model file (the format is in
 * docs/CONTENT.md; `make train` writes models/content.model). Compiles the
 * phrase layer. EJ_MODEL_INVALID with *line (1-based) set when the file
 * is malformed. The caller owns *out; free with ej_classifier_free. */
EJ_EXTERN enum ej_err ej_classifier_new(const char *model, size_t len,
                                        struct ej_classifier **out,
                                        size_t *line);
EJ_EXTERN void ej_classifier_free(struct ej_classifier *c);
/* The model's id line (e.g. its training data digest); static in c. */
EJ_EXTERN const char *ej_classifier_version(const struct ej_classifier *c);

/* Per-thread working memory for texts up to max_bytes. */
EJ_EXTERN enum ej_err ej_content_scratch_new(const struct ej_classifier *c,
                                             size_t max_bytes,
                                             struct ej_content_scratch **out);
EJ_EXTERN void ej_content_scratch_free(struct ej_content_scratch *s);

/* Classify one text (UTF-8). Errors as ej_norm_run. */
EJ_EXTERN enum ej_err ej_classify(const struct ej_classifier *c,
                                  struct ej_content_scratch *s,
                                  const char *text, size_t len,
                                  struct ej_classification *out,
                                  size_t *bad_at);

/* The phrase layer alone (for the benchmark against grep tools): counts
 * distinct phrase hits by class into hits. */
EJ_EXTERN enum ej_err ej_phrase_scan(const struct ej_classifier *c,
                                     struct ej_content_scratch *s,
                                     const char *text, size_t len,
                                     uint32_t hits[EJ_PC_COUNT]);

/* ---- training support (used by ereje-train, not on the hot path) ----- */

/* The hashed features of the last text classified with s: nfeat bucket
 * occurrences (a bucket may repeat; repeats add up), each worth
 * 1/sqrt(nfeat) for the occult and educational heads; the first nword of
 * them (words, word pairs, phrases) worth 1/sqrt(nword) for the practice
 * and field heads. Valid until the next call with s. */
EJ_EXTERN const uint32_t *ej_content_features(const struct ej_content_scratch *s,
                                              uint32_t *nfeat, uint32_t *nword);
/* Build a classifier with a phrase lexicon and no trained heads (every
 * score 0), to extract features for training. */
EJ_EXTERN enum ej_err ej_classifier_new_untrained(const char *phrases,
                                                  size_t len,
                                                  struct ej_classifier **out,
                                                  size_t *line);
EJ_EXTERN uint32_t ej_classifier_buckets(const struct ej_classifier *c);
/* The practice and field heads see each word feature as bucket mod this. */
EJ_EXTERN uint32_t ej_classifier_sub_buckets(const struct ej_classifier *c);
/* The feature set of the model (the "features" line of the model file):
 * 1 for files without it, EJ_FEATURES_CURRENT for an untrained
 * classifier (what the trainer writes). */
#define EJ_FEATURES_CURRENT 2u
EJ_EXTERN uint32_t ej_classifier_features(const struct ej_classifier *c);

/* ---- label decisions ------------------------------------------------- */

#define EJ_QUAL_FIELDS_MAX 8
#define EJ_QUALS_MAX 64

enum ej_doc_type { EJ_DOC_DIPLOMA, EJ_DOC_CERTIFICATE, EJ_DOC_LICENSE };
enum ej_qual_status { EJ_QUAL_PENDING, EJ_QUAL_VERIFIED, EJ_QUAL_REJECTED };
EJ_EXTERN const char *ej_doc_type_name(enum ej_doc_type t);
EJ_EXTERN bool ej_doc_type_parse(const char *s, size_t len,
                                 enum ej_doc_type *out);
EJ_EXTERN const char *ej_qual_status_name(enum ej_qual_status s);
EJ_EXTERN bool ej_qual_status_parse(const char *s, size_t len,
                                    enum ej_qual_status *out);

/* One qualification of an author; strings are borrowed. */
struct ej_qualification {
    enum ej_doc_type type;
    const char *number, *issuer; /* for the notice */
    enum ej_field fields[EJ_QUAL_FIELDS_MAX];
    uint32_t nfields;
    bool has_valid_until;
    struct ej_date valid_until; /* valid through this local date */
    enum ej_qual_status status;
};

enum ej_label_decision { EJ_LABEL_ALLOW, EJ_LABEL_LABEL, EJ_LABEL_HOLD };
EJ_EXTERN const char *ej_label_decision_name(enum ej_label_decision d);

enum ej_label_reason {
    EJ_LR_NOT_COVERED,        /* neither occult nor educational */
    EJ_LR_OCCULT_DISCLAIMER,  /* occult: disclaimer to add */
    EJ_LR_OCCULT_HAS_DISCLAIMER, /* occult: already carries one */
    EJ_LR_QUALIFIED,          /* educational: a matching qualification */
    EJ_LR_NO_QUALIFICATION,   /* educational: none on record */
    EJ_LR_NO_MATCHING_FIELD,  /* qualifications exist, none for the field */
    EJ_LR_EXPIRED,            /* the matching qualification expired */
    EJ_LR_UNVERIFIED,         /* the matching qualification is not verified */
    EJ_LR_NOT_IN_FORCE,       /* the rule is off or not yet effective */
};
EJ_EXTERN const char *ej_label_reason_name(enum ej_label_reason r);

/* The outcome of one rule (occult or educational) on one text. */
struct ej_label_part {
    bool applies;                 /* the rule looked at this text */
    const char *rule_id;          /* static in the pack set */
    enum ej_mode mode;
    enum ej_label_decision decision; /* what enforce mode decides */
    enum ej_label_reason reason;
    const struct ej_qualification *qualification; /* the match, or NULL */
};

struct ej_label_result {
    enum ej_label_decision decision; /* effective: shadow rules never act */
    enum ej_label_decision advisory; /* what enforcing every rule gives */
    enum ej_lang lang;               /* language of the texts to show */
    struct ej_label_part occult, educational;
    /* Texts from the pack (borrowed from the pack set), NULL when none is
     * added: the disclaimer and the notice template ({qualification}). */
    const char *disclaimer;
    const char *notice_template;
};

/* The occult_disclaimer and educational_qualification rules of a loaded
 * policy, prepared for decisions. p must outlive *out (borrowed texts).
 * EJ_NOT_FOUND when the policy has neither rule. */
struct ej_labeler;
EJ_EXTERN enum ej_err ej_labeler_new(const struct ej_policy *p,
                                     struct ej_labeler **out);
EJ_EXTERN void ej_labeler_free(struct ej_labeler *l);

/* Decide the labels of one classified text. quals (nquals <=
 * EJ_QUALS_MAX) are the author's qualifications; at_ms is the
 * publication instant (effective dates and expiry are judged on it).
 * The result borrows from l and quals. */
EJ_EXTERN enum ej_err ej_label_decide(const struct ej_labeler *l,
                                      const struct ej_classification *cls,
                                      const struct ej_qualification *quals,
                                      size_t nquals, int64_t at_ms,
                                      struct ej_label_result *out);

/* Whether a qualification in field have covers content in field want
 * under l's rule (the rule's field_coverage, e.g. medicine covers
 * nutrition); a field always covers itself. */
EJ_EXTERN bool ej_label_field_covers(const struct ej_labeler *l,
                                     enum ej_field have, enum ej_field want);

#ifdef __cplusplus
}
#endif
#endif
