/* test_policy.c: the shipped packs load, say what the law says, and the
 * mode rules hold; docs/POLICY.md documents every kind and parameter. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void shipped_values(void **state)
{
    (void)state;
    struct ej_policy *p = tu_policy(NULL, 0);
    const struct ej_pack *k;
    const struct ej_rule *r;
    int64_t v;
    struct ej_duration d;

    assert_int_equal(ej_policy_pack_count(p), 2);
    r = ej_policy_find_rule(p, "kz.18viii.authority_request", &k);
    assert_non_null(r);
    assert_string_equal(ej_pack_id(k), "kz.law-18-viii");
    assert_int_equal(ej_rule_param_duration(r, "consider_within", &d), EJ_OK);
    assert_int_equal(d.count, 24);
    assert_int_equal(d.unit, EJ_DUR_HOURS);
    assert_int_equal(ej_rule_param(r, "effect_within")->type, EJ_VAL_NULL);
    assert_int_equal(ej_rule_param_int(r, "consider_within", &v),
                     EJ_PARAM_TYPE);
    assert_int_equal(ej_rule_param_int(r, "nope", &v), EJ_PARAM_NOT_FOUND);

    r = ej_policy_find_rule(p, "kz.18viii.legal_representative", NULL);
    assert_int_equal(ej_rule_param_int(r, "threshold", &v), EJ_OK);
    assert_int_equal(v, 100000);

    r = ej_policy_find_rule(p, "kz.koap.456-2", NULL);
    const struct ej_value *f = ej_rule_param(r, "fines");
    assert_int_equal(f->type, EJ_VAL_FINES);
    bool large = false;
    for (size_t i = 0; i < f->u.fines.n; i++)
        if (strcmp(f->u.fines.items[i].subject, "large") == 0) {
            assert_int_equal(f->u.fines.items[i].first, 100);
            assert_int_equal(f->u.fines.items[i].repeat, 200);
            large = true;
        }
    assert_true(large);

    r = ej_policy_find_rule(p, "kz.draft.anonymous_identification", NULL);
    assert_int_equal(ej_rule_param_int(r, "threshold", &v), EJ_OK);
    assert_int_equal(v, 5000);
    assert_int_equal(ej_rule_param_duration(r, "identification_deadline", &d),
                     EJ_OK);
    assert_int_equal(d.unit, EJ_DUR_WORKING_DAYS);
    assert_non_null(ej_rule_assumption(r, "identification_deadline"));
    assert_null(ej_rule_assumption(r, "threshold"));

    r = ej_policy_find_rule(p, "kz.draft.min_registration_age", NULL);
    assert_int_equal(ej_rule_param_int(r, "min_age", &v), EJ_OK);
    assert_int_equal(v, 16);
    const struct ej_value *ex = ej_rule_param(r, "exempt_services");
    assert_int_equal(ex->u.list.n, 1);
    assert_string_equal(ex->u.list.items[0].u.s, "instant_messaging");

    r = ej_policy_find_rule(p, "kz.draft.occult_disclaimer", NULL);
    const struct ej_value *t = ej_rule_param(r, "disclaimer");
    assert_int_equal(t->type, EJ_VAL_TEXT);
    assert_non_null(strstr(t->u.text.ru, "развлекательный"));
    assert_non_null(ej_rule_assumption(r, "disclaimer"));

    k = ej_policy_find_pack(p, "kz.law-18-viii");
    assert_int_equal(ej_pack_mci(p, k, 2025, &v), EJ_OK);
    assert_int_equal(v, 3932);
    assert_int_equal(ej_pack_mci(p, k, 2026, &v), EJ_OK);
    assert_int_equal(v, 4325);
    assert_int_equal(ej_pack_mci(p, k, 2027, &v), EJ_NOT_FOUND);
    ej_policy_free(p);
}

static void modes(void **state)
{
    (void)state;
    struct ej_policy *p = tu_policy(NULL, 0);
    const struct ej_rule *draft =
        ej_policy_find_rule(p, "kz.draft.min_registration_age", NULL);
    const struct ej_rule *law =
        ej_policy_find_rule(p, "kz.18viii.ad_labels", NULL);
    struct ej_date eff;

    assert_int_equal(ej_rule_status(draft), EJ_STATUS_DRAFT);
    assert_false(ej_rule_effective_from(draft, &eff));
    assert_int_equal(ej_rule_mode(p, draft), EJ_MODE_SHADOW);
    /* A draft with no date applies whenever it is switched on. */
    assert_int_equal(ej_rule_mode_on(p, draft, tu_date("2000-01-01")),
                     EJ_MODE_SHADOW);
    assert_int_equal(ej_rule_mode(p, law), EJ_MODE_ENFORCE);
    assert_true(ej_rule_effective_from(law, &eff));
    assert_int_equal(ej_rule_mode_on(p, law, tu_date("2024-03-01")),
                     EJ_MODE_OFF);
    assert_int_equal(ej_rule_mode_on(p, law, tu_date("2024-03-02")),
                     EJ_MODE_ENFORCE);

    ej_policy_enforce_drafts(p, true);
    assert_int_equal(ej_rule_mode(p, draft), EJ_MODE_ENFORCE);
    assert_int_equal(ej_rule_default_mode(draft), EJ_MODE_SHADOW);
    assert_int_equal(ej_rule_mode(p, law), EJ_MODE_ENFORCE);
    ej_policy_enforce_drafts(p, false);
    assert_int_equal(ej_rule_mode(p, draft), EJ_MODE_SHADOW);
    ej_policy_free(p);
}

static void draft_off_stays_off(void **state)
{
    (void)state;
    static const char yaml[] =
        "pack:\n"
        "  id: t.off\n  version: '1'\n  jurisdiction: KZ\n"
        "  time_zone: Asia/Almaty\n  status: draft\n  calendar: kz.5day\n"
        "  mci: kz.tables\n  title: {kk: a, ru: b, en: c}\n"
        "rules:\n"
        "  - id: t.off.age\n    kind: min_registration_age\n"
        "    title: {kk: a, ru: b, en: c}\n    status: draft\n    mode: off\n"
        "    citations: [{url: 'https://example.org', quote: q}]\n"
        "    params: {min_age: 13, exempt_services: [],"
        " applies_to_existing_accounts: false,"
        " min_assurance_level: standard}\n";
    FILE *f = fopen("t-off.yaml", "w");
    assert_non_null(f);
    fputs(yaml, f);
    fclose(f);
    const char *extra[] = {"t-off.yaml"};
    struct ej_policy *p = tu_policy(extra, 1);
    const struct ej_rule *r = ej_policy_find_rule(p, "t.off.age", NULL);
    ej_policy_enforce_drafts(p, true);
    assert_int_equal(ej_rule_mode(p, r), EJ_MODE_OFF);
    ej_policy_free(p);
    remove("t-off.yaml");
}

static void docs_cover_schema(void **state)
{
    (void)state;
    char *doc = tu_read(EJ_SOURCE_DIR "/docs/POLICY.md", NULL);
    for (size_t i = 0; i < ej_kind_count(); i++) {
        const struct ej_kind_spec *k = ej_kind(i);
        char needle[128];
        snprintf(needle, sizeof needle, "### `%s`", k->name);
        if (!strstr(doc, needle))
            fail_msg("docs/POLICY.md lacks a section '%s'", needle);
        const char *sec = strstr(doc, needle);
        const char *end = strstr(sec + 1, "\n### ");
        for (size_t j = 0; j < k->n_params; j++) {
            snprintf(needle, sizeof needle, "| `%s` |", k->params[j].name);
            const char *at = strstr(sec, needle);
            if (!at || (end && at > end))
                fail_msg("docs/POLICY.md: kind %s lacks parameter row %s",
                         k->name, needle);
        }
    }
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_values),
        cmocka_unit_test(modes),
        cmocka_unit_test(draft_off_stays_off),
        cmocka_unit_test(docs_cover_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
