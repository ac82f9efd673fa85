/* regjson.c: JSON in and out for the registration check: requests are
 * read with jansson, decisions and event bodies written with the escaping
 * writer jw (never with printf). */
#include "regjson.h"

#include <stdio.h>
#include <string.h>

static bool fail(struct rj_error *e, const char *code, const char *field,
                 const char *msg)
{
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field);
    snprintf(e->message, sizeof e->message, "%s: %s", field, msg);
    return false;
}

static bool get_string(const json_t *obj, const char *key, const char **out,
                       size_t *len, bool *present, struct rj_error *e)
{
    json_t *v = json_object_get(obj, key);
    *present = v && !json_is_null(v);
    if (!*present)
        return true;
    if (!json_is_string(v))
        return fail(e, "FIELD_TYPE", key, "must be a string");
    *out = json_string_value(v);
    *len = json_string_length(v);
    return true;
}

bool rj_parse_request(const json_t *obj, struct rj_request *out,
                      struct rj_error *e)
{
    const char *s;
    size_t len;
    bool present;
    memset(out, 0, sizeof *out);

    if (!json_is_object(obj))
        return fail(e, "FIELD_TYPE", "(body)", "must be a JSON object");

    if (!get_string(obj, "service", &s, &len, &present, e))
        return false;
    if (!present)
        return fail(e, "FIELD_MISSING", "service",
                    "required: social_network, video_hosting, "
                    "instant_messaging, online_game or other");
    if (!ej_service_parse(s, len, &out->reg.service))
        return fail(e, "FIELD_VALUE", "service",
                    "must be social_network, video_hosting, "
                    "instant_messaging, online_game or other");

    if (!get_string(obj, "at", &s, &len, &present, e))
        return false;
    if (present) {
        enum ej_err rc = ej_instant_parse(s, len, &out->reg.at_ms, NULL);
        if (rc != EJ_OK)
            return fail(e, ej_errname(rc), "at", ej_strerror(rc));
        out->has_at = true;
    }

    if (!get_string(obj, "birth_date", &s, &len, &present, e))
        return false;
    if (present) {
        enum ej_err rc = ej_date_parse(s, len, &out->reg.birth_date);
        if (rc != EJ_OK)
            return fail(e, ej_errname(rc), "birth_date",
                        rc == EJ_TIME_RANGE ? "no such date"
                                            : "expected YYYY-MM-DD");
        out->reg.has_birth_date = true;
    }

    if (!get_string(obj, "iin", &s, &len, &present, e))
        return false;
    if (present) {
        struct ej_idnum id;
        enum ej_err rc = ej_idnum_parse(s, len, &id, NULL);
        if (rc != EJ_OK)
            return fail(e, ej_errname(rc), "iin", ej_strerror(rc));
        if (id.kind != EJ_IDNUM_IIN)
            return fail(e, ej_errname(EJ_IDNUM_BIN_ENTITY), "iin",
                        "is a BIN (a business number), not an IIN");
        memcpy(out->iin, s, 12);
        out->iin[12] = '\0';
        out->reg.iin = out->iin;
        out->reg.iin_len = 12;
    }

    json_t *a = json_object_get(obj, "assurance");
    if (a && !json_is_null(a)) {
        if (!json_is_object(a))
            return fail(e, "FIELD_TYPE", "assurance",
                        "must be an object {method, level, over_threshold}");
        json_t *m = json_object_get(a, "method");
        json_t *l = json_object_get(a, "level");
        json_t *o = json_object_get(a, "over_threshold");
        if (!json_is_string(m) || json_string_length(m) == 0 ||
            json_string_length(m) >= EJ_ASSURANCE_METHOD_MAX ||
            memchr(json_string_value(m), 0, json_string_length(m)))
            return fail(e, m ? "FIELD_TYPE" : "FIELD_MISSING",
                        "assurance.method",
                        "must be a non-empty string of at most 63 bytes, "
                        "without NUL");
        if (!json_is_string(l) ||
            !ej_assurance_level_parse(json_string_value(l),
                                      json_string_length(l),
                                      &out->reg.assurance_level))
            return fail(e, l ? "FIELD_VALUE" : "FIELD_MISSING",
                        "assurance.level",
                        "must be asserted, standard, enhanced or strict");
        if (!json_is_boolean(o))
            return fail(e, o ? "FIELD_TYPE" : "FIELD_MISSING",
                        "assurance.over_threshold", "must be true or false");
        memcpy(out->reg.assurance_method, json_string_value(m),
               json_string_length(m) + 1);
        out->reg.assurance_over = json_is_true(o);
        out->reg.has_assurance = true;
    }

    if (!get_string(obj, "subject", &s, &len, &present, e))
        return false;
    if (present) {
        if (len == 0 || len > EJ_EVENT_ID_MAX || memchr(s, 0, len))
            return fail(e, "FIELD_VALUE", "subject",
                        "must be 1 to 128 bytes, without NUL");
        memcpy(out->subject, s, len);
        out->subject[len] = '\0';
    }
    return true;
}

static void evidence_list(struct jw *w, unsigned ev)
{
    jw_arr(w);
    if (ev & EJ_EV_BIRTH_DATE)
        jw_strv(w, "birth_date");
    if (ev & EJ_EV_IIN)
        jw_strv(w, "iin");
    if (ev & EJ_EV_ASSURANCE)
        jw_strv(w, "assurance");
    jw_end_arr(w);
}

void rj_decision_members(struct jw *w, const struct ej_reg_decision *d,
                         const struct ej_registration *in)
{
    jw_kstrv(w, "decision", ej_decision_name(d->decision));
    jw_kstrv(w, "mode", ej_mode_name(d->mode));
    if (d->has_advisory) {
        jw_key(w, "advisory");
        jw_obj(w);
        jw_kstrv(w, "decision", ej_decision_name(d->advisory));
        jw_end_obj(w);
    }
    jw_key(w, "rules");
    jw_arr(w);
    for (size_t i = 0; i < d->n_rules; i++) {
        const struct ej_reg_rule_outcome *r = &d->rules[i];
        jw_obj(w);
        jw_kstrv(w, "id", ej_rule_id(r->rule));
        jw_kstrv(w, "pack", ej_pack_id(r->pack));
        jw_kstrv(w, "pack_version", ej_pack_version(r->pack));
        jw_kstrv(w, "mode", ej_mode_name(r->mode));
        jw_kstrv(w, "outcome", ej_decision_name(r->outcome));
        jw_kint(w, "min_age", r->min_age);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "fired");
    jw_arr(w);
    for (size_t i = 0; i < d->n_rules; i++)
        if (d->rules[i].outcome != EJ_ALLOW)
            jw_strv(w, ej_rule_id(d->rules[i].rule));
    jw_end_arr(w);
    jw_key(w, "reasons");
    jw_arr(w);
    static const char *const langs[3] = {"kk", "ru", "en"};
    for (size_t i = 0; i < d->n_reasons; i++) {
        const struct ej_reg_reason *r = &d->reasons[i];
        char text[512];
        jw_obj(w);
        jw_kstrv(w, "code", ej_reason_code(r->code));
        jw_kstrv(w, "rule", ej_rule_id(r->rule));
        jw_key(w, "text");
        jw_obj(w);
        for (int l = 0; l < 3; l++)
            jw_kstrv(w, langs[l],
                    ej_reason_text(r, (enum ej_lang)l, text, sizeof text));
        jw_end_obj(w);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_kstrv(w, "service", ej_service_name(in->service));
    jw_key(w, "evidence");
    evidence_list(w, d->evidence);
    jw_key(w, "age");
    if (d->age >= 0)
        jw_int(w, d->age);
    else
        jw_null(w);
    jw_kstrv(w, "age_band", d->age_band);
    char at[EJ_INSTANT_TEXT_MAX];
    if (ej_instant_format(in->at_ms, 0, at) == EJ_OK)
        jw_kstrv(w, "at", at);
}

void rj_event_body(struct jw *b, struct jw *rules,
                   const struct ej_reg_decision *d,
                   const struct ej_registration *in)
{
    jw_obj(b);
    jw_kstrv(b, "decision", ej_decision_name(d->decision));
    jw_kstrv(b, "mode", ej_mode_name(d->mode));
    if (d->has_advisory)
        jw_kstrv(b, "advisory", ej_decision_name(d->advisory));
    jw_kstrv(b, "service", ej_service_name(in->service));
    jw_key(b, "evidence");
    evidence_list(b, d->evidence);
    if (in->has_assurance) {
        jw_key(b, "assurance");
        jw_obj(b);
        jw_kstr(b, "method", in->assurance_method);
        jw_kstrv(b, "level", ej_assurance_level_name(in->assurance_level));
        jw_end_obj(b);
    }
    jw_kstrv(b, "age_band", d->age_band);
    jw_key(b, "reasons");
    jw_arr(b);
    for (size_t i = 0; i < d->n_reasons; i++)
        jw_strv(b, ej_reason_code(d->reasons[i].code));
    jw_end_arr(b);
    jw_key(b, "outcomes");
    jw_arr(b);
    jw_arr(rules);
    for (size_t i = 0; i < d->n_rules; i++) {
        const struct ej_reg_rule_outcome *r = &d->rules[i];
        jw_strv(rules, ej_rule_id(r->rule));
        jw_obj(b);
        jw_kstrv(b, "rule", ej_rule_id(r->rule));
        jw_kstrv(b, "pack_version", ej_pack_version(r->pack));
        jw_kstrv(b, "mode", ej_mode_name(r->mode));
        jw_kstrv(b, "outcome", ej_decision_name(r->outcome));
        jw_end_obj(b);
    }
    jw_end_arr(rules);
    jw_end_arr(b);
    jw_end_obj(b);
}
