/* label.c: label decisions for occult and educational content under the
 * packs' occult_disclaimer and educational_qualification rules.
 *
 * Occult (a practice the rule covers): allow when the text already
 * carries an entertainment disclaimer (the phrase layer's `disclaimer`
 * class, which includes the pack's texts), else label with the pack's
 * disclaimer in the post's language.
 * Educational (a field the rule covers): the author's qualifications are
 * searched for one of an accepted document type whose fields cover the
 * detected field (itself, or by the rule's field_coverage); a verified one
 * valid at publication gives label with the notice; otherwise the rule's
 * missing_action, with the reason: none on record, none for the field,
 * expired, or not verified.
 * A rule that is off, or not yet effective on the local publication date,
 * does not apply; a shadow rule's decision is an advisory only.
 */
#include "content_int.h"

struct prepared {
    const struct ej_rule *rule;
    const struct ej_tz *tz;
    struct ej_text text; /* disclaimer or notice */
    uint32_t covered;    /* practices or fields, bit each */
    uint32_t docs;       /* accepted document types */
    uint32_t coverage[EJ_FIELD_COUNT]; /* have -> bits of want */
    enum ej_label_decision missing;
};

struct ej_labeler {
    const struct ej_policy *p;
    bool has_occ, has_edu;
    struct prepared occ, edu;
};

static const char *const decision_names[] = {"allow", "label", "hold"};
static const char *const reason_names[] = {
    "not_covered",     "occult_disclaimer", "occult_has_disclaimer",
    "qualified",       "no_qualification",  "no_matching_field",
    "expired",         "unverified",        "not_in_force"};
static const char *const doc_names[] = {"diploma", "certificate", "license"};
static const char *const status_names[] = {"pending", "verified", "rejected"};

const char *ej_label_decision_name(enum ej_label_decision d)
{
    return (unsigned)d < EJ_ARRAY_LEN(decision_names) ? decision_names[d]
                                                      : "allow";
}
const char *ej_label_reason_name(enum ej_label_reason r)
{
    return (unsigned)r < EJ_ARRAY_LEN(reason_names) ? reason_names[r]
                                                    : "not_covered";
}
const char *ej_doc_type_name(enum ej_doc_type t)
{
    return (unsigned)t < EJ_ARRAY_LEN(doc_names) ? doc_names[t] : "diploma";
}
const char *ej_qual_status_name(enum ej_qual_status s)
{
    return (unsigned)s < EJ_ARRAY_LEN(status_names) ? status_names[s]
                                                    : "pending";
}

static bool find(const char *const *names, size_t n, const char *s,
                 size_t len, size_t *out)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
            *out = i;
            return true;
        }
    return false;
}

bool ej_doc_type_parse(const char *s, size_t len, enum ej_doc_type *out)
{
    size_t i;
    if (!find(doc_names, EJ_ARRAY_LEN(doc_names), s, len, &i))
        return false;
    *out = (enum ej_doc_type)i;
    return true;
}
bool ej_qual_status_parse(const char *s, size_t len,
                          enum ej_qual_status *out)
{
    size_t i;
    if (!find(status_names, EJ_ARRAY_LEN(status_names), s, len, &i))
        return false;
    *out = (enum ej_qual_status)i;
    return true;
}

static enum ej_err prepare(const struct ej_policy *p, const struct ej_pack *k,
                           const struct ej_rule *r, bool occult,
                           struct prepared *pr)
{
    memset(pr, 0, sizeof *pr);
    pr->rule = r;
    pr->tz = ej_pack_tz(p, k);
    if (!pr->tz)
        return EJ_INVALID;
    const struct ej_value *t = ej_rule_param(r, occult ? "disclaimer"
                                                       : "notice");
    if (!t || t->type != EJ_VAL_TEXT)
        return EJ_INVALID;
    pr->text = t->u.text;
    const struct ej_value *l = ej_rule_param(r, occult ? "practices"
                                                       : "fields");
    if (l && l->type == EJ_VAL_LIST) {
        for (size_t i = 0; i < l->u.list.n; i++) {
            const char *s = l->u.list.items[i].u.s;
            enum ej_practice pc;
            enum ej_field fd;
            if (occult && ej_practice_parse(s, strlen(s), &pc))
                pr->covered |= 1u << pc;
            else if (!occult && ej_field_parse(s, strlen(s), &fd))
                pr->covered |= 1u << fd;
        }
    } else {
        pr->covered = occult ? (1u << EJ_PRACTICE_COUNT) - 1
                             : (1u << EJ_FIELD_COUNT) - 1;
    }
    if (occult)
        return EJ_OK;
    const struct ej_value *d = ej_rule_param(r, "document_types");
    for (size_t i = 0; d && d->type == EJ_VAL_LIST && i < d->u.list.n; i++) {
        const char *s = d->u.list.items[i].u.s;
        enum ej_doc_type dt;
        if (ej_doc_type_parse(s, strlen(s), &dt))
            pr->docs |= 1u << dt;
    }
    const struct ej_value *c = ej_rule_param(r, "field_coverage");
    for (size_t i = 0; c && c->type == EJ_VAL_LIST && i < c->u.list.n; i++) {
        const char *s = c->u.list.items[i].u.s;
        const char *gt = strchr(s, '>');
        enum ej_field have, want;
        if (gt && ej_field_parse(s, (size_t)(gt - s), &have) &&
            ej_field_parse(gt + 1, strlen(gt + 1), &want))
            pr->coverage[have] |= 1u << want;
    }
    const struct ej_value *m = ej_rule_param(r, "missing_action");
    pr->missing = EJ_LABEL_HOLD;
    if (m && m->type == EJ_VAL_ENUM) {
        size_t i;
        if (find(decision_names, EJ_ARRAY_LEN(decision_names), m->u.s,
                 strlen(m->u.s), &i))
            pr->missing = (enum ej_label_decision)i;
    }
    return EJ_OK;
}

enum ej_err ej_labeler_new(const struct ej_policy *p, struct ej_labeler **out)
{
    struct ej_labeler *l = ej__calloc(1, sizeof *l);
    enum ej_err rc = EJ_OK;
    if (!l)
        return EJ_NOMEM;
    l->p = p;
    /* The first rule of each kind across the packs is used: the packs
     * ship one of each. */
    for (size_t i = 0; rc == EJ_OK && i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; rc == EJ_OK && j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            const char *kind = ej_rule_kind(r);
            if (!l->has_occ && strcmp(kind, "occult_disclaimer") == 0) {
                rc = prepare(p, k, r, true, &l->occ);
                l->has_occ = rc == EJ_OK;
            } else if (!l->has_edu &&
                       strcmp(kind, "educational_qualification") == 0) {
                rc = prepare(p, k, r, false, &l->edu);
                l->has_edu = rc == EJ_OK;
            }
        }
    }
    if (rc == EJ_OK && !l->has_occ && !l->has_edu)
        rc = EJ_NOT_FOUND;
    if (rc != EJ_OK) {
        ej__free(l);
        return rc;
    }
    *out = l;
    return EJ_OK;
}

void ej_labeler_free(struct ej_labeler *l) { ej__free(l); }

bool ej_label_field_covers(const struct ej_labeler *l, enum ej_field have,
                           enum ej_field want)
{
    if (have == want)
        return true;
    if ((unsigned)have >= EJ_FIELD_COUNT || (unsigned)want >= EJ_FIELD_COUNT)
        return false;
    return (l->edu.coverage[have] >> want) & 1u;
}

static const char *text_in(const struct ej_text *t, enum ej_lang lang)
{
    return lang == EJ_LANG_KK ? t->kk : lang == EJ_LANG_EN ? t->en : t->ru;
}

/* The rule's mode on the local date of at_ms, and that date. */
static enum ej_err mode_at(const struct ej_labeler *l,
                           const struct prepared *pr, int64_t at_ms,
                           enum ej_mode *out, struct ej_date *day)
{
    enum ej_err rc = ej_tz_local_date(pr->tz, at_ms, day);
    if (rc != EJ_OK)
        return rc;
    *out = ej_rule_mode_on(l->p, pr->rule, *day);
    return EJ_OK;
}

static enum ej_label_decision worst(enum ej_label_decision a,
                                    enum ej_label_decision b)
{
    return a > b ? a : b;
}

enum ej_err ej_label_decide(const struct ej_labeler *l,
                            const struct ej_classification *cls,
                            const struct ej_qualification *quals,
                            size_t nquals, int64_t at_ms,
                            struct ej_label_result *out)
{
    struct ej_label_result o;
    enum ej_err rc;
    if (nquals > EJ_QUALS_MAX || (nquals && !quals))
        return EJ_INVALID;
    memset(&o, 0, sizeof o);
    o.lang = cls->lang.known ? cls->lang.lang : EJ_LANG_RU;

    if (l->has_occ) {
        struct ej_label_part *pt = &o.occult;
        pt->rule_id = ej_rule_id(l->occ.rule);
        pt->reason = EJ_LR_NOT_COVERED;
        if (cls->is_occult && ((l->occ.covered >> cls->practice) & 1u)) {
            struct ej_date day;
            if ((rc = mode_at(l, &l->occ, at_ms, &pt->mode, &day)) != EJ_OK)
                return rc;
            if (pt->mode == EJ_MODE_OFF) {
                pt->reason = EJ_LR_NOT_IN_FORCE;
            } else {
                pt->applies = true;
                if (cls->has_disclaimer) {
                    pt->reason = EJ_LR_OCCULT_HAS_DISCLAIMER;
                } else {
                    pt->decision = EJ_LABEL_LABEL;
                    pt->reason = EJ_LR_OCCULT_DISCLAIMER;
                    o.disclaimer = text_in(&l->occ.text, o.lang);
                }
            }
        }
    }
    if (l->has_edu) {
        struct ej_label_part *pt = &o.educational;
        const struct prepared *pr = &l->edu;
        pt->rule_id = ej_rule_id(pr->rule);
        pt->reason = EJ_LR_NOT_COVERED;
        if (cls->is_educational && ((pr->covered >> cls->field) & 1u)) {
            struct ej_date day;
            if ((rc = mode_at(l, pr, at_ms, &pt->mode, &day)) != EJ_OK)
                return rc;
            if (pt->mode == EJ_MODE_OFF) {
                pt->reason = EJ_LR_NOT_IN_FORCE;
            } else {
                pt->applies = true;
                const struct ej_qualification *valid = NULL;
                bool any_match = false, expired = false;
                for (size_t i = 0; i < nquals && !valid; i++) {
                    const struct ej_qualification *q = &quals[i];
                    bool covers = false;
                    if (!((pr->docs >> q->type) & 1u))
                        continue;
                    for (uint32_t f = 0; f < q->nfields &&
                                         f < EJ_QUAL_FIELDS_MAX; f++)
                        covers |= ej_label_field_covers(l, q->fields[f],
                                                        cls->field);
                    if (!covers)
                        continue;
                    any_match = true;
                    if (q->status != EJ_QUAL_VERIFIED)
                        continue;
                    /* valid through valid_until, on the local date */
                    if (q->has_valid_until &&
                        ej_date_cmp(day, q->valid_until) > 0) {
                        expired = true;
                        continue;
                    }
                    valid = q;
                }
                if (valid) {
                    pt->decision = EJ_LABEL_LABEL;
                    pt->reason = EJ_LR_QUALIFIED;
                    pt->qualification = valid;
                    o.notice_template = text_in(&pr->text, o.lang);
                } else {
                    pt->decision = pr->missing;
                    pt->reason = expired ? EJ_LR_EXPIRED
                                 : any_match ? EJ_LR_UNVERIFIED
                                 : nquals ? EJ_LR_NO_MATCHING_FIELD
                                          : EJ_LR_NO_QUALIFICATION;
                }
            }
        }
    }
    o.decision = EJ_LABEL_ALLOW;
    o.advisory = EJ_LABEL_ALLOW;
    const struct ej_label_part *parts[2] = {&o.occult, &o.educational};
    for (int i = 0; i < 2; i++) {
        if (!parts[i]->applies)
            continue;
        o.advisory = worst(o.advisory, parts[i]->decision);
        if (parts[i]->mode == EJ_MODE_ENFORCE)
            o.decision = worst(o.decision, parts[i]->decision);
    }
    *out = o;
    return EJ_OK;
}
