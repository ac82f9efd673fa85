/* regjson.c: JSON in and out for the registration check (jansson only; no
 * JSON is built by hand). */
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
            json_string_length(m) >= EJ_ASSURANCE_METHOD_MAX)
            return fail(e, m ? "FIELD_TYPE" : "FIELD_MISSING",
                        "assurance.method",
                        "must be a non-empty string of at most 63 bytes");
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
        if (len == 0 || len > EJ_EVENT_ID_MAX)
            return fail(e, "FIELD_VALUE", "subject",
                        "must be 1 to 128 bytes");
        memcpy(out->subject, s, len);
        out->subject[len] = '\0';
    }
    return true;
}

static json_t *evidence_list(unsigned ev)
{
    json_t *a = json_array();
    if (ev & EJ_EV_BIRTH_DATE)
        json_array_append_new(a, json_string("birth_date"));
    if (ev & EJ_EV_IIN)
        json_array_append_new(a, json_string("iin"));
    if (ev & EJ_EV_ASSURANCE)
        json_array_append_new(a, json_string("assurance"));
    return a;
}

json_t *rj_decision_json(const struct ej_reg_decision *d,
                         const struct ej_registration *in)
{
    json_t *o = json_object();
    json_object_set_new(o, "decision",
                        json_string(ej_decision_name(d->decision)));
    json_object_set_new(o, "mode", json_string(ej_mode_name(d->mode)));
    if (d->has_advisory)
        json_object_set_new(o, "advisory",
                            json_pack("{s:s}", "decision",
                                      ej_decision_name(d->advisory)));
    json_t *rules = json_array(), *fired = json_array();
    for (size_t i = 0; i < d->n_rules; i++) {
        const struct ej_reg_rule_outcome *r = &d->rules[i];
        json_array_append_new(
            rules, json_pack("{s:s,s:s,s:s,s:s,s:s,s:i}", "id",
                             ej_rule_id(r->rule), "pack", ej_pack_id(r->pack),
                             "pack_version", ej_pack_version(r->pack), "mode",
                             ej_mode_name(r->mode), "outcome",
                             ej_decision_name(r->outcome), "min_age",
                             r->min_age));
        if (r->outcome != EJ_ALLOW)
            json_array_append_new(fired, json_string(ej_rule_id(r->rule)));
    }
    json_object_set_new(o, "rules", rules);
    json_object_set_new(o, "fired", fired);
    json_t *reasons = json_array();
    for (size_t i = 0; i < d->n_reasons; i++) {
        char kk[512], ru[512], en[512];
        const struct ej_reg_reason *r = &d->reasons[i];
        json_array_append_new(
            reasons,
            json_pack("{s:s,s:s,s:{s:s,s:s,s:s}}", "code",
                      ej_reason_code(r->code), "rule", ej_rule_id(r->rule),
                      "text", "kk",
                      ej_reason_text(r, d->age, EJ_LANG_KK, kk, sizeof kk),
                      "ru",
                      ej_reason_text(r, d->age, EJ_LANG_RU, ru, sizeof ru),
                      "en",
                      ej_reason_text(r, d->age, EJ_LANG_EN, en,
                                     sizeof en)));
    }
    json_object_set_new(o, "reasons", reasons);
    json_object_set_new(o, "service", json_string(ej_service_name(in->service)));
    json_object_set_new(o, "evidence", evidence_list(d->evidence));
    json_object_set_new(o, "age", d->age >= 0 ? json_integer(d->age)
                                              : json_null());
    json_object_set_new(o, "age_band", json_string(d->age_band));
    char at[EJ_INSTANT_TEXT_MAX];
    if (ej_instant_format(in->at_ms, 0, at) == EJ_OK)
        json_object_set_new(o, "at", json_string(at));
    return o;
}

json_t *rj_event_body(const struct ej_reg_decision *d,
                      const struct ej_registration *in, json_t **rules_out)
{
    json_t *b = json_object();
    json_object_set_new(b, "decision",
                        json_string(ej_decision_name(d->decision)));
    json_object_set_new(b, "mode", json_string(ej_mode_name(d->mode)));
    if (d->has_advisory)
        json_object_set_new(b, "advisory",
                            json_string(ej_decision_name(d->advisory)));
    json_object_set_new(b, "service", json_string(ej_service_name(in->service)));
    json_object_set_new(b, "evidence", evidence_list(d->evidence));
    if (in->has_assurance)
        json_object_set_new(
            b, "assurance",
            json_pack("{s:s,s:s}", "method", in->assurance_method, "level",
                      ej_assurance_level_name(in->assurance_level)));
    json_object_set_new(b, "age_band", json_string(d->age_band));
    json_t *reasons = json_array(), *outcomes = json_array();
    for (size_t i = 0; i < d->n_reasons; i++)
        json_array_append_new(reasons,
                              json_string(ej_reason_code(d->reasons[i].code)));
    json_t *rules = json_array();
    for (size_t i = 0; i < d->n_rules; i++) {
        const struct ej_reg_rule_outcome *r = &d->rules[i];
        json_array_append_new(rules, json_string(ej_rule_id(r->rule)));
        json_array_append_new(
            outcomes, json_pack("{s:s,s:s,s:s,s:s}", "rule",
                                ej_rule_id(r->rule), "pack_version",
                                ej_pack_version(r->pack), "mode",
                                ej_mode_name(r->mode), "outcome",
                                ej_decision_name(r->outcome)));
    }
    json_object_set_new(b, "reasons", reasons);
    json_object_set_new(b, "outcomes", outcomes);
    *rules_out = rules;
    return b;
}
