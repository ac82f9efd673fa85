/* contentjson.h: content labelling in JSON, shared by the CLI (classify,
 * label, audit content, author) and the HTTP service (/v1/content/check,
 * /v1/authors/{id}/qualifications, content.published events), so that
 * both speak exactly the same shapes; and the model file's loading. */
#ifndef EJ_CONTENTJSON_H
#define EJ_CONTENTJSON_H

#include <jansson.h>

#include "ereje/ereje.h"
#include "ereje/store.h"
#include "jw.h"
#include "mediafp.h"
#include "regjson.h"
#include "reupload.h"

struct cj_media;

/* Default text limit of a post (bytes); --max-text / the server's option
 * may set up to EJ_CONTENT_TEXT_MAX. */
#define CJ_TEXT_DEFAULT_MAX (64u * 1024u)
#define CJ_ID_MAX 256

/* The model file: --model, else $EREJE_MODEL, else the one built in
 * (models/content.model of the source tree). */
const char *cj_model_path(const char *opt);
/* Read and build the classifier. On failure *msg (static or in buf) says
 * why, with the line for a malformed file. */
enum ej_err cj_model_load(const char *path, struct ej_classifier **out,
                          char *buf, size_t cap);

/* An author's qualifications, decoded for ej_label_decide; the strings
 * point into rows. */
struct cj_quals {
    struct ej_qual_row rows[EJ_QUAL_ROWS_MAX];
    struct ej_qualification q[EJ_QUAL_ROWS_MAX];
    size_t n;
};
/* Decode rows[0..n) in place into q (rows already validated on input;
 * a row that does not decode is skipped). */
void cj_quals_decode(struct cj_quals *qs);

/* Read a qualification object: type, number, issuer, fields (list),
 * valid_until (YYYY-MM-DD, optional), status (default pending). */
bool cj_parse_qualification(const json_t *obj, const char *author,
                            struct ej_qual_row *out, struct rj_error *err);

/* Members of a classification (inside an open object): lang, mixed,
 * labels, occult {score, practice}, educational {score, field},
 * disclaimer_present. */
void cj_classification_members(struct jw *w,
                               const struct ej_classification *c);
/* Members of a label decision: decision, advisory, rules (per rule: id,
 * mode, decision, reason, qualification), label_texts (texts to add), and
 * labelled_text (the text with the labels that take effect); and reupload
 * (the matched order, or null). A re-upload of content removed under an
 * order (m->found) is block_kz, above every label. m may be NULL. */
void cj_label_members(struct jw *w, const struct ej_label_result *r,
                      const struct reupload_match *m, const char *text,
                      size_t len);
/* The content.checked event for one decision: body members (content,
 * author, text_sha256, text_bytes, the classification, the decision,
 * model) into body (a whole object) and the rule ids that applied into
 * rules (a whole array). The text itself is not kept, only its digest. */
void cj_decision_event(struct jw *body, struct jw *rules,
                       const char *content_id, const char *author,
                       const char *text, size_t len,
                       const struct ej_classification *c,
                       const struct ej_label_result *r,
                       const struct reupload_match *m,
                       const struct cj_media *media,
                       const char *model_version);
/* The media of a post, by its fingerprints. */
struct cj_media {
    bool has_sha256, has_pdq;
    unsigned char sha256[32], pdq[EJ_PDQ_BYTES];
    bool from_bytes;  /* media_base64 was given: fp is what it gave */
    struct mediafp fp;
};
/* Read media_sha256 and media_pdq (64 hex digits each, as PDQ's hex
 * form) and, with allow_bytes, media_base64: the bytes themselves (at most
 * IMAGE_MAX_BYTES), whose SHA-256 and, for a JPEG or PNG, PDQ hash are
 * computed here; a media_sha256 or media_pdq beside them must agree with
 * what the bytes give. A PDQ hash from bytes of quality under
 * EJ_PDQ_MIN_QUALITY is not used (fp.note says so). false with *err. */
bool cj_parse_media(const json_t *obj, bool allow_bytes, struct cj_media *m,
                    struct rj_error *err);
/* "media": {sha256, pdq, quality, format, width, height, note} (what is
 * known) into an open object; nothing when there are no media. */
void cj_media_members(struct jw *w, const struct cj_media *m);

/* The pack of the rules that applied (for the event's pack_id and
 * pack_version); NULL when none applied. */
const struct ej_pack *cj_decision_pack(const struct ej_policy *p,
                                       const struct ej_label_result *r);

/* A qualification as JSON members of an open object. */
void cj_qual_members(struct jw *w, const struct ej_qual_row *r);

#endif
