/* content_int.h: private to lib; shared by the content files
 * (textnorm, langid, phrase, classify, label). */
#ifndef EJ_CONTENT_INT_H
#define EJ_CONTENT_INT_H

#include "internal.h"

#include "ereje/content.h"

/* FNV-1a 32-bit over bytes, seeded with a namespace byte. */
static inline uint32_t ej__fnv(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}
#define EJ_FNV_SEED 2166136261u

/* textnorm.c: turn the word fast path off (on is the default), so that
 * tests can check it against the general path on the same input. */
void ej__norm_set_fast(struct ej_norm *n, bool on);

/* langid.c: word lists by language, hashed on the skeleton views. */
struct ej_langid;
enum ej_err ej__langid_new(struct ej_norm *n, struct ej_langid **out);
void ej__langid_free(struct ej_langid *l);
/* whash: for each token, the hash of its cyr bytes in namespace 'w' (the
 * word feature's, lib/classify.c), or NULL to compute them here. */
void ej__langid_run(const struct ej_langid *l, const struct ej_norm_text *t,
                    const uint32_t *whash, struct ej_lang_result *out);

/* phrase.c: the phrase layer on Hyperscan literals. */
struct ej_phrase {
    enum ej_phrase_class cls;
    int sub;          /* practice or field, -1 when none */
    float weight;
    char *text;       /* as written in the lexicon */
};
struct ej_phrases;
/* Parse the lexicon ("class<TAB>sub<TAB>weight<TAB>phrase" lines, '#'
 * comments) and compile it. *line is set on EJ_MODEL_INVALID. */
enum ej_err ej__phrases_new(const char *text, size_t len, struct ej_norm *n,
                            struct ej_phrases **out, size_t *line);
void ej__phrases_free(struct ej_phrases *p);
uint32_t ej__phrases_count(const struct ej_phrases *p);
const struct ej_phrase *ej__phrase(const struct ej_phrases *p, uint32_t id);
struct ej_phrase_scratch;
enum ej_err ej__phrase_scratch_new(const struct ej_phrases *p,
                                   struct ej_phrase_scratch **out);
void ej__phrase_scratch_free(struct ej_phrase_scratch *s);
/* Scan both views; the ids of the distinct phrases found are in
 * *ids (n of them), valid until the next scan with s. */
enum ej_err ej__phrases_scan(const struct ej_phrases *p,
                             struct ej_phrase_scratch *s,
                             const struct ej_norm_text *t,
                             const uint32_t **ids, uint32_t *n);

#endif
