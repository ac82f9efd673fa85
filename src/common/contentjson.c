/* contentjson.c: see contentjson.h. */
#include "contentjson.h"
#include "image.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EJ_DEFAULT_MODEL
#define EJ_DEFAULT_MODEL "models/content.model"
#endif

const char *cj_model_path(const char *opt)
{
    if (opt && *opt)
        return opt;
    const char *env = getenv("EREJE_MODEL");
    return env && *env ? env : EJ_DEFAULT_MODEL;
}

enum ej_err cj_model_load(const char *path, struct ej_classifier **out,
                          char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t len = 0, line = 0;
    enum ej_err rc = EJ_IO;
    if (!f) {
        snprintf(buf, cap, "%s: %s (build it with `make train`, or name "
                           "one with --model or $EREJE_MODEL)",
                 path, strerror(errno));
        return EJ_IO;
    }
    data = malloc(EJ_MODEL_MAX_BYTES + 1);
    if (!data) {
        fclose(f);
        snprintf(buf, cap, "out of memory");
        return EJ_NOMEM;
    }
    len = fread(data, 1, EJ_MODEL_MAX_BYTES + 1, f);
    if (ferror(f)) {
        snprintf(buf, cap, "%s: read error", path);
        goto out;
    }
    if (len > EJ_MODEL_MAX_BYTES) {
        snprintf(buf, cap, "%s: larger than %u bytes", path,
                 EJ_MODEL_MAX_BYTES);
        rc = EJ_TOO_BIG;
        goto out;
    }
    rc = ej_classifier_new(data, len, out, &line);
    if (rc != EJ_OK)
        snprintf(buf, cap, "%s:%zu: %s", path, line, ej_strerror(rc));
out:
    fclose(f);
    free(data);
    return rc;
}

/* ---- qualifications ------------------------------------------------- */

static void set_err(struct rj_error *e, const char *code, const char *field,
                    const char *msg)
{
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field);
    snprintf(e->message, sizeof e->message, "%s", msg);
}

/* A required or optional string member of at most max-1 bytes. */
static bool get_str(const json_t *obj, const char *key, bool required,
                    char *out, size_t max, struct rj_error *err)
{
    const json_t *v = json_object_get(obj, key);
    out[0] = '\0';
    if (!v || json_is_null(v)) {
        if (required) {
            set_err(err, "FIELD_MISSING", key, "required");
            return false;
        }
        return true;
    }
    if (!json_is_string(v)) {
        set_err(err, "FIELD_TYPE", key, "must be a string");
        return false;
    }
    size_t n = json_string_length(v);
    if (n == 0 && required) {
        set_err(err, "FIELD_MISSING", key, "must not be empty");
        return false;
    }
    if (n >= max) {
        set_err(err, "TOO_BIG", key, "too long");
        return false;
    }
    memcpy(out, json_string_value(v), n);
    out[n] = '\0';
    if (memchr(out, '\0', n)) {
        set_err(err, "FIELD_TYPE", key, "must not contain NUL");
        return false;
    }
    return true;
}

bool cj_parse_qualification(const json_t *obj, const char *author,
                            struct ej_qual_row *out, struct rj_error *err)
{
    struct ej_qual_row r;
    memset(&r, 0, sizeof r);
    if (!json_is_object(obj)) {
        set_err(err, "FIELD_TYPE", "", "a qualification is a JSON object");
        return false;
    }
    if (strlen(author) == 0 || strlen(author) >= sizeof r.author) {
        set_err(err, "INVALID", "author", "an author id is 1..256 bytes");
        return false;
    }
    snprintf(r.author, sizeof r.author, "%s", author);
    if (!get_str(obj, "type", true, r.doc_type, sizeof r.doc_type, err) ||
        !get_str(obj, "number", true, r.number, sizeof r.number, err) ||
        !get_str(obj, "issuer", true, r.issuer, sizeof r.issuer, err) ||
        !get_str(obj, "valid_until", false, r.valid_until,
                 sizeof r.valid_until, err) ||
        !get_str(obj, "status", false, r.status, sizeof r.status, err))
        return false;
    enum ej_doc_type dt;
    if (!ej_doc_type_parse(r.doc_type, strlen(r.doc_type), &dt)) {
        set_err(err, "INVALID", "type",
                "one of diploma, certificate, license");
        return false;
    }
    if (!r.status[0])
        snprintf(r.status, sizeof r.status, "pending");
    enum ej_qual_status qs;
    if (!ej_qual_status_parse(r.status, strlen(r.status), &qs)) {
        set_err(err, "INVALID", "status", "one of pending, verified, "
                                          "rejected");
        return false;
    }
    if (r.valid_until[0]) {
        struct ej_date d;
        enum ej_err rc = ej_date_parse(r.valid_until, strlen(r.valid_until),
                                       &d);
        if (rc != EJ_OK) {
            set_err(err, ej_errname(rc), "valid_until",
                    "a date YYYY-MM-DD");
            return false;
        }
    }
    const json_t *fs = json_object_get(obj, "fields");
    if (!json_is_array(fs) || json_array_size(fs) == 0 ||
        json_array_size(fs) > EJ_QUAL_FIELDS_MAX) {
        set_err(err, fs ? "FIELD_TYPE" : "FIELD_MISSING", "fields",
                "a list of 1..8 fields (medicine, psychology, nutrition, "
                "fitness, finance, law, it, languages, school, parenting, "
                "beauty, other)");
        return false;
    }
    size_t pos = 0;
    for (size_t i = 0; i < json_array_size(fs); i++) {
        const json_t *f = json_array_get(fs, i);
        enum ej_field fd;
        if (!json_is_string(f) ||
            !ej_field_parse(json_string_value(f), json_string_length(f),
                            &fd)) {
            set_err(err, "INVALID", "fields",
                    "unknown field (medicine, psychology, nutrition, "
                    "fitness, finance, law, it, languages, school, "
                    "parenting, beauty, other)");
            return false;
        }
        const char *name = ej_field_name(fd);
        size_t nl = strlen(name);
        if (pos + nl + 2 > sizeof r.fields)
            break;
        if (pos)
            r.fields[pos++] = ',';
        memcpy(r.fields + pos, name, nl);
        pos += nl;
        r.fields[pos] = '\0';
    }
    *out = r;
    return true;
}

void cj_quals_decode(struct cj_quals *qs)
{
    size_t k = 0;
    for (size_t i = 0; i < qs->n && i < EJ_QUAL_ROWS_MAX; i++) {
        const struct ej_qual_row *r = &qs->rows[i];
        struct ej_qualification q;
        memset(&q, 0, sizeof q);
        if (!ej_doc_type_parse(r->doc_type, strlen(r->doc_type), &q.type) ||
            !ej_qual_status_parse(r->status, strlen(r->status), &q.status))
            continue;
        q.number = r->number;
        q.issuer = r->issuer;
        if (r->valid_until[0]) {
            if (ej_date_parse(r->valid_until, strlen(r->valid_until),
                              &q.valid_until) != EJ_OK)
                continue;
            q.has_valid_until = true;
        }
        const char *p = r->fields;
        while (*p && q.nfields < EJ_QUAL_FIELDS_MAX) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            enum ej_field fd;
            if (ej_field_parse(p, n, &fd))
                q.fields[q.nfields++] = fd;
            p += n + (c != NULL);
        }
        qs->q[k++] = q;
    }
    qs->n = k;
}

void cj_qual_members(struct jw *w, const struct ej_qual_row *r)
{
    jw_kstr(w, "type", r->doc_type);
    jw_kstr(w, "number", r->number);
    jw_kstr(w, "issuer", r->issuer);
    jw_key(w, "fields");
    jw_arr(w);
    const char *p = r->fields;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        jw_strn(w, p, n);
        p += n + (c != NULL);
    }
    jw_end_arr(w);
    jw_key(w, "valid_until");
    if (r->valid_until[0])
        jw_str(w, r->valid_until);
    else
        jw_null(w);
    jw_kstr(w, "status", r->status);
}

/* ---- classification and decisions ----------------------------------- */

void cj_classification_members(struct jw *w,
                               const struct ej_classification *c)
{
    jw_key(w, "lang");
    if (c->lang.known)
        jw_str(w, ej_lang_code(c->lang.lang));
    else
        jw_null(w);
    jw_key(w, "mixed");
    if (c->lang.known && c->lang.mixed) {
        jw_arr(w);
        jw_str(w, ej_lang_code(c->lang.lang));
        jw_str(w, ej_lang_code(c->lang.second));
        jw_end_arr(w);
    } else {
        jw_null(w);
    }
    jw_key(w, "labels");
    jw_arr(w);
    if (c->is_occult)
        jw_str(w, "occult");
    if (c->is_educational)
        jw_str(w, "educational");
    jw_end_arr(w);
    jw_key(w, "occult");
    jw_obj(w);
    jw_key(w, "score");
    jw_fixed4(w, c->occult);
    jw_key(w, "practice");
    if (c->is_occult)
        jw_str(w, ej_practice_name(c->practice));
    else
        jw_null(w);
    jw_end_obj(w);
    jw_key(w, "educational");
    jw_obj(w);
    jw_key(w, "score");
    jw_fixed4(w, c->educational);
    jw_key(w, "field");
    if (c->is_educational)
        jw_str(w, ej_field_name(c->field));
    else
        jw_null(w);
    jw_end_obj(w);
    jw_key(w, "disclaimer_present");
    jw_bool(w, c->has_disclaimer);
}

/* Document names for the notice, by language (kk, ru, en). */
static const char *doc_word(enum ej_doc_type t, enum ej_lang l)
{
    static const char *const names[3][3] = {
        {"диплом", "сертификат", "лицензия"},
        {"диплом", "сертификат", "лицензия"},
        {"diploma", "certificate", "licence"}};
    return names[l <= EJ_LANG_EN ? l : EJ_LANG_RU][t <= EJ_DOC_LICENSE ? t : 0];
}

/* Append s to buf (cap bytes, NUL kept), truncating. */
static void cat(char *buf, size_t cap, size_t *pos, const char *s, size_t n)
{
    if (*pos + 1 >= cap)
        return;
    if (n > cap - 1 - *pos)
        n = cap - 1 - *pos;
    memcpy(buf + *pos, s, n);
    *pos += n;
    buf[*pos] = '\0';
}

/* The notice with {qualification} replaced, e.g. "Квалификация автора:
 * диплом № 123, КазНМУ". */
static void render_notice(const char *tmpl, const struct ej_qualification *q,
                          enum ej_lang lang, char *buf, size_t cap)
{
    size_t pos = 0;
    buf[0] = '\0';
    const char *ph = strstr(tmpl, "{qualification}");
    if (!ph) {
        cat(buf, cap, &pos, tmpl, strlen(tmpl));
        return;
    }
    cat(buf, cap, &pos, tmpl, (size_t)(ph - tmpl));
    const char *word = doc_word(q->type, lang);
    const char *no = lang == EJ_LANG_EN ? " No. " : " № ";
    cat(buf, cap, &pos, word, strlen(word));
    cat(buf, cap, &pos, no, strlen(no));
    cat(buf, cap, &pos, q->number, strlen(q->number));
    if (q->issuer && q->issuer[0]) {
        cat(buf, cap, &pos, ", ", 2);
        cat(buf, cap, &pos, q->issuer, strlen(q->issuer));
    }
    const char *rest = ph + strlen("{qualification}");
    cat(buf, cap, &pos, rest, strlen(rest));
}

static void part_members(struct jw *w, const struct ej_label_part *p,
                         const char *kind)
{
    jw_obj(w);
    jw_kstrv(w, "rule", p->rule_id);
    jw_kstr(w, "kind", kind);
    jw_kstr(w, "mode", ej_mode_name(p->mode));
    jw_kstr(w, "decision", ej_label_decision_name(p->decision));
    jw_kstr(w, "reason", ej_label_reason_name(p->reason));
    if (p->qualification) {
        jw_key(w, "qualification");
        jw_obj(w);
        jw_kstr(w, "type", ej_doc_type_name(p->qualification->type));
        jw_kstr(w, "number", p->qualification->number);
        jw_kstr(w, "issuer", p->qualification->issuer);
        jw_end_obj(w);
    }
    jw_end_obj(w);
}

void cj_label_members(struct jw *w, const struct ej_label_result *r,
                      const struct reupload_match *m, const char *text,
                      size_t len)
{
    char notice[1024];
    const char *added[2] = {NULL, NULL};
    bool enforced[2] = {false, false};
    bool block = m && m->found;
    jw_kstr(w, "decision",
            block ? "block_kz" : ej_label_decision_name(r->decision));
    jw_kstr(w, "advisory",
            block ? "block_kz" : ej_label_decision_name(r->advisory));
    jw_key(w, "reupload");
    if (block) {
        jw_obj(w);
        jw_kstr(w, "order", m->order_id);
        jw_kstr(w, "match", m->exact ? "exact" : "near");
        jw_kstr(w, "by", m->by);
        jw_kint(w, "distance", m->distance);
        jw_end_obj(w);
    } else {
        jw_null(w);
    }
    jw_kstr(w, "label_lang", ej_lang_code(r->lang));
    jw_key(w, "rules");
    jw_arr(w);
    if (r->occult.applies)
        part_members(w, &r->occult, "occult_disclaimer");
    if (r->educational.applies)
        part_members(w, &r->educational, "educational_qualification");
    jw_end_arr(w);
    jw_key(w, "label_texts");
    jw_arr(w);
    if (r->occult.applies && r->occult.decision == EJ_LABEL_LABEL &&
        r->disclaimer) {
        added[0] = r->disclaimer;
        enforced[0] = r->occult.mode == EJ_MODE_ENFORCE;
        jw_obj(w);
        jw_kstr(w, "kind", "disclaimer");
        jw_kstrv(w, "rule", r->occult.rule_id);
        jw_kstr(w, "mode", ej_mode_name(r->occult.mode));
        jw_kstrv(w, "text", r->disclaimer);
        jw_end_obj(w);
    }
    if (r->educational.applies && r->educational.qualification &&
        r->notice_template) {
        render_notice(r->notice_template, r->educational.qualification,
                      r->lang, notice, sizeof notice);
        added[1] = notice;
        enforced[1] = r->educational.mode == EJ_MODE_ENFORCE;
        jw_obj(w);
        jw_kstr(w, "kind", "qualification_notice");
        jw_kstrv(w, "rule", r->educational.rule_id);
        jw_kstr(w, "mode", ej_mode_name(r->educational.mode));
        jw_kstr(w, "text", notice);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    /* The text as published: the labels that take effect, each after a
     * blank line; a held text is unchanged (it is not published). */
    jw_key(w, "labelled_text");
    if (block || r->decision == EJ_LABEL_HOLD || !text) {
        jw_null(w);
        return;
    }
    size_t total = len;
    for (int i = 0; i < 2; i++)
        if (added[i] && enforced[i])
            total += 2 + strlen(added[i]);
    char *out = malloc(total + 1);
    if (!out) {
        jw_null(w);
        return;
    }
    size_t pos = 0;
    memcpy(out, text, len);
    pos = len;
    for (int i = 0; i < 2; i++)
        if (added[i] && enforced[i]) {
            memcpy(out + pos, "\n\n", 2);
            pos += 2;
            memcpy(out + pos, added[i], strlen(added[i]));
            pos += strlen(added[i]);
        }
    jw_strn(w, out, pos);
    free(out);
}

void cj_decision_event(struct jw *body, struct jw *rules,
                       const char *content_id, const char *author,
                       const char *text, size_t len,
                       const struct ej_classification *c,
                       const struct ej_label_result *r,
                       const struct reupload_match *m,
                       const struct cj_media *media,
                       const char *model_version)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(h, (const unsigned char *)text, len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    jw_obj(body);
    jw_kstr(body, "content", content_id);
    jw_key(body, "author");
    if (author)
        jw_str(body, author);
    else
        jw_null(body);
    jw_kstr(body, "text_sha256", hex);
    jw_kint(body, "text_bytes", (int64_t)len);
    cj_media_members(body, media);
    cj_classification_members(body, c);
    cj_label_members(body, r, m, NULL, 0);
    jw_kstr(body, "model", model_version);
    jw_end_obj(body);
    jw_arr(rules);
    if (r->occult.applies)
        jw_strv(rules, r->occult.rule_id);
    if (r->educational.applies)
        jw_strv(rules, r->educational.rule_id);
    jw_end_arr(rules);
}

const struct ej_pack *cj_decision_pack(const struct ej_policy *p,
                                       const struct ej_label_result *r)
{
    const char *id = r->occult.applies        ? r->occult.rule_id
                     : r->educational.applies ? r->educational.rule_id
                                              : NULL;
    const struct ej_pack *k = NULL;
    if (id)
        ej_policy_find_rule(p, id, &k);
    return k;
}

/* A member of 64 hex digits (either case) into 32 bytes. */
static bool get_hex32(const json_t *obj, const char *key, unsigned char *out,
                      bool *has, struct rj_error *err, const char *what)
{
    const json_t *v = json_object_get(obj, key);
    *has = false;
    if (!v || json_is_null(v))
        return true;
    size_t bin = 0;
    if (!json_is_string(v) || json_string_length(v) != 64 ||
        sodium_hex2bin(out, 32, json_string_value(v), 64, NULL, &bin,
                       NULL) != 0 ||
        bin != 32) {
        set_err(err, "FIELD_VALUE", key, what);
        return false;
    }
    *has = true;
    return true;
}

bool cj_parse_media(const json_t *obj, bool allow_bytes, struct cj_media *m,
                    struct rj_error *err)
{
    memset(m, 0, sizeof *m);
    if (!get_hex32(obj, "media_sha256", m->sha256, &m->has_sha256, err,
                   "64 hex digits: the SHA-256 of the media's bytes") ||
        !get_hex32(obj, "media_pdq", m->pdq, &m->has_pdq, err,
                   "64 hex digits: the PDQ hash of the image"))
        return false;
    const json_t *b = json_object_get(obj, "media_base64");
    if (!b || json_is_null(b))
        return true;
    if (!allow_bytes) {
        set_err(err, "FIELD_VALUE", "media_base64",
                "not taken here: give media_sha256 and media_pdq");
        return false;
    }
    if (!json_is_string(b)) {
        set_err(err, "FIELD_TYPE", "media_base64", "must be a string");
        return false;
    }
    size_t n = json_string_length(b), len = 0;
    if (n / 4 * 3 > IMAGE_MAX_BYTES + 3) {
        set_err(err, "TOO_BIG", "media_base64", "the media are over 32 MiB");
        return false;
    }
    unsigned char *bytes = malloc(n / 4 * 3 + 3);
    if (!bytes) {
        set_err(err, "INTERNAL", "media_base64", "out of memory");
        return false;
    }
    bool ok = false;
    if (sodium_base642bin(bytes, n / 4 * 3 + 3, json_string_value(b), n,
                          " \r\n", &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len == 0) {
        set_err(err, "FIELD_VALUE", "media_base64",
                "not standard base64 (RFC 4648, with padding) of the "
                "media's bytes");
    } else {
        enum ej_err rc = mediafp_compute(bytes, len, &m->fp);
        if (rc != EJ_OK)
            set_err(err, rc == EJ_TOO_BIG ? "TOO_BIG" : "INTERNAL",
                    "media_base64",
                    rc == EJ_TOO_BIG ? "the media are over 32 MiB"
                                     : "out of memory");
        else if (m->has_sha256 &&
                 memcmp(m->sha256, m->fp.sha256, 32) != 0)
            set_err(err, "FIELD_VALUE", "media_sha256",
                    "does not match the SHA-256 of media_base64");
        else if (m->has_pdq && !(m->fp.has_pdq &&
                                 memcmp(m->pdq, m->fp.pdq, 32) == 0))
            set_err(err, "FIELD_VALUE", "media_pdq",
                    "does not match the PDQ hash of media_base64");
        else
            ok = true;
    }
    free(bytes);
    if (!ok)
        return false;
    m->from_bytes = true;
    m->has_sha256 = true;
    memcpy(m->sha256, m->fp.sha256, 32);
    m->has_pdq = mediafp_pdq_usable(&m->fp);
    if (m->has_pdq)
        memcpy(m->pdq, m->fp.pdq, 32);
    return true;
}

void cj_media_members(struct jw *w, const struct cj_media *m)
{
    if (!m || (!m->has_sha256 && !m->has_pdq && !m->from_bytes))
        return;
    char hex[65];
    jw_key(w, "media");
    jw_obj(w);
    if (m->has_sha256) {
        sodium_bin2hex(hex, sizeof hex, m->sha256, 32);
        jw_kstr(w, "sha256", hex);
    }
    if (m->from_bytes && m->fp.has_pdq) {
        sodium_bin2hex(hex, sizeof hex, m->fp.pdq, 32);
        jw_kstr(w, "pdq", hex);
        jw_kint(w, "quality", m->fp.quality);
    } else if (m->has_pdq) {
        sodium_bin2hex(hex, sizeof hex, m->pdq, 32);
        jw_kstr(w, "pdq", hex);
    }
    if (m->from_bytes) {
        if (m->fp.format) {
            jw_kstr(w, "format", m->fp.format);
            if (m->fp.width) {
                jw_kint(w, "width", m->fp.width);
                jw_kint(w, "height", m->fp.height);
            }
        }
        if (m->fp.note[0])
            jw_kstr(w, "note", m->fp.note);
    }
    jw_end_obj(w);
}
