/* sor.c: see sor.h.
 *
 * What ereje knows of a closed order maps onto the statement so:
 *   puid                   the order id (ord_ + hex: [A-Za-z0-9_-])
 *   decision_visibility    remove -> DECISION_VISIBILITY_CONTENT_REMOVED,
 *                          restrict_kz -> DECISION_VISIBILITY_CONTENT_DISABLED
 *   decision_account       suspend_account_kz -> DECISION_ACCOUNT_SUSPENDED
 *   decision_ground        DECISION_GROUND_ILLEGAL_CONTENT (an order of a
 *                          state body under the law)
 *   illegal_content_legal_ground / _explanation   Law 18-VIII and the basis;
 *                          the issuer, number and targets
 *   decision_facts         the closing evidence (what was done, by whom)
 *   category               from the basis (table below)
 *   content_type           CONTENT_TYPE_TEXT when the removed text was
 *                          fingerprinted, else CONTENT_TYPE_OTHER
 *   content_date           the order's receipt (the content's own date is
 *                          not known to ereje), application_date the close
 *   source_type            SOURCE_TYPE_OTHER_NOTIFICATION (an order, not an
 *                          Article 16 notice), source_identity the issuer
 *   automated_detection    No; automated_decision AUTOMATED_DECISION_NOT_AUTOMATED
 * territorial_scope is left out: the TDB takes EU/EEA country codes and a
 * restriction in Kazakhstan has none.
 * An upheld complaint with an action maps the same way, with the
 * complaint as the source (SOURCE_TYPE_OTHER_NOTIFICATION, no identity:
 * the reporter is a person), its reason as the facts, and its receipt and
 * decision dates.
 *
 * A content decision that took effect (content.checked, from
 * /v1/content/check or content.published) maps so:
 *   puid                   evt-<seq> of the event (its id may hold '#')
 *   block_kz (a re-upload) DECISION_VISIBILITY_CONTENT_DISABLED, ground
 *                          ILLEGAL_CONTENT with the matched order's basis
 *                          and category, the match as the facts
 *   label                  DECISION_VISIBILITY_CONTENT_LABELLED
 *   hold                   DECISION_VISIBILITY_OTHER ("publication
 *                          withheld until ...")
 *   label/hold ground      a rule in force: ILLEGAL_CONTENT, the rule's
 *                          title and citation; a draft rule the platform
 *                          enforces ahead of adoption: INCOMPATIBLE_CONTENT
 *                          (its own terms), incompatible_content_illegal No
 *   category               label/hold: SCOPE_OF_PLATFORM_SERVICE (the TDB's
 *                          nearest: a condition on what may be published)
 *   content_type           TEXT; IMAGE when matched by PDQ; OTHER (media)
 *                          when matched by the media's SHA-256
 *   source_type            SOURCE_VOLUNTARY (the platform's own check)
 *   automated_detection    Yes; automated_decision AUTOMATED_DECISION_FULLY
 * Decisions only advised (shadow mode) changed nothing and give none.
 */
#include "sor.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

static const struct {
    const char *basis, *category;
} categories[] = {
    {"violent_change_of_constitutional_order",
     "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"},
    {"territorial_integrity", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"},
    {"state_security", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"},
    {"separatism", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"},
    {"war_propaganda", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"},
    {"social_racial_national_religious_discord",
     "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"},
    {"cruelty_and_violence", "STATEMENT_CATEGORY_VIOLENCE"},
    {"suicide", "STATEMENT_CATEGORY_SELF_HARM"},
    {"pornography", "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"},
    {"narcotics", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"},
    {"fraud", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"},
    {"false_information",
     "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"},
    {"child_cyberbullying", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"},
    {"lgbt_paedophilia_propaganda", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"},
    /* complaint categories besides the taxonomy */
    {"threat_to_life", "STATEMENT_CATEGORY_VIOLENCE"},
    {"threat_to_safety", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"},
};

const char *sor_category(const char *basis)
{
    for (size_t i = 0; i < sizeof categories / sizeof *categories; i++)
        if (strcmp(categories[i].basis, basis) == 0)
            return categories[i].category;
    return NULL;
}

static void date_of(int64_t ms, const struct ej_tz *tz, char out[16])
{
    struct ej_date d;
    if (ej_tz_local_date(tz, ms, &d) == EJ_OK)
        ej_date_format(d, out);
    else
        snprintf(out, 16, "%s", "");
}

/* s cut to at most max bytes on a UTF-8 boundary. */
static void str_max(struct jw *w, const char *k, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    jw_key(w, k);
    jw_strn(w, s, n);
}

/* decision_visibility or decision_account for an action. */
static void decision_of(struct jw *w, const char *action)
{
    if (strcmp(action, "suspend_account_kz") == 0) {
        jw_kstr(w, "decision_account", "DECISION_ACCOUNT_SUSPENDED");
        return;
    }
    jw_key(w, "decision_visibility");
    jw_arr(w);
    jw_str(w, strcmp(action, "restrict_kz") == 0
                  ? "DECISION_VISIBILITY_CONTENT_DISABLED"
                  : "DECISION_VISIBILITY_CONTENT_REMOVED");
    jw_end_arr(w);
}

/* Open the statement: puid, the decision, the ground and its legal
 * basis. */
static void opening(struct jw *w, const char *puid, const char *action,
                    const char *basis)
{
    char buf[600];
    jw_obj(w);
    jw_kstr(w, "puid", puid);
    decision_of(w, action);
    jw_kstr(w, "decision_ground", "DECISION_GROUND_ILLEGAL_CONTENT");
    snprintf(buf, sizeof buf,
             "Law of the Republic of Kazakhstan No. 18-VIII \"On online "
             "platforms and online advertising\", Art. 9; unlawful content: "
             "%s",
             basis);
    str_max(w, "illegal_content_legal_ground", buf, 500);
}

bool sor_complaint_applies(const struct ej_complaint_row *r)
{
    return strcmp(r->decision, "upheld") == 0 && r->action[0] &&
           strcmp(r->action, "none") != 0;
}

bool sor_complaint(struct jw *w, const struct ej_complaint_row *r,
                   const struct ej_tz *tz)
{
    const char *cat = sor_category(r->category);
    if (!cat)
        return false;
    char received[16], decided[16], buf[1200];
    date_of(r->received_ms, tz, received);
    date_of(r->decided_ms, tz, decided);
    opening(w, r->id, r->action, r->category);
    snprintf(buf, sizeof buf, "A user's complaint (%s) about %s, upheld",
             r->category, r->target);
    str_max(w, "illegal_content_explanation", buf, 2000);
    str_max(w, "decision_facts", r->reason, 5000);
    jw_kstr(w, "category", cat);
    jw_key(w, "content_type");
    jw_arr(w);
    jw_str(w, "CONTENT_TYPE_OTHER");
    jw_end_arr(w);
    jw_kstr(w, "content_type_other", "content named in a complaint");
    jw_kstr(w, "content_date", received);
    jw_kstr(w, "application_date", decided);
    jw_kstr(w, "source_type", "SOURCE_TYPE_OTHER_NOTIFICATION");
    jw_kstr(w, "automated_detection", "No");
    jw_kstr(w, "automated_decision", "AUTOMATED_DECISION_NOT_AUTOMATED");
    jw_end_obj(w);
    return true;
}

bool sor_order(struct jw *w, const struct ej_order_row *r,
               const struct ej_tz *tz)
{
    const char *cat = sor_category(r->basis);
    if (!cat)
        return false;
    json_t *ev = json_loads(r->evidence, 0, NULL);
    const char *text = json_string_value(json_object_get(ev, "text"));
    const char *by = json_string_value(json_object_get(ev, "by"));
    json_t *fps = json_object_get(ev, "fingerprints");
    bool has_text = false;
    size_t i;
    json_t *e;
    json_array_foreach(fps, i, e)
    {
        if (json_is_string(e) &&
            strncmp(json_string_value(e), "text", 4) == 0)
            has_text = true;
    }
    char received[16], closed[16], buf[5200]; /* > the longest field */
    date_of(r->order.received_ms, tz, received);
    date_of(r->order.closed_ms, tz, closed);

    opening(w, r->id, r->close_action, r->basis);
    snprintf(buf, sizeof buf, "Order %s of %s (%s); targets: %s", r->number,
             r->issuer, r->basis, r->targets);
    str_max(w, "illegal_content_explanation", buf, 2000);
    snprintf(buf, sizeof buf, "%s (by %s)", text ? text : "",
             by ? by : "unknown");
    str_max(w, "decision_facts", buf, 5000);
    jw_kstr(w, "category", cat);
    jw_key(w, "content_type");
    jw_arr(w);
    jw_str(w, has_text ? "CONTENT_TYPE_TEXT" : "CONTENT_TYPE_OTHER");
    jw_end_arr(w);
    if (!has_text)
        jw_kstr(w, "content_type_other", "content named in a state order");
    jw_kstr(w, "content_date", received);
    jw_kstr(w, "application_date", closed);
    jw_kstr(w, "source_type", "SOURCE_TYPE_OTHER_NOTIFICATION");
    str_max(w, "source_identity", r->issuer, 500);
    jw_kstr(w, "automated_detection", "No");
    jw_kstr(w, "automated_decision", "AUTOMATED_DECISION_NOT_AUTOMATED");
    jw_end_obj(w);
    json_decref(ev);
    return true;
}

enum sor_content_kind sor_content_kind(const struct ej_event *ev,
                                       char *order_id)
{
    if (strcmp(ev->type, "content.checked") != 0 || !ev->body)
        return SOR_CONTENT_NONE;
    json_t *b = json_loads(ev->body, 0, NULL);
    const char *d = json_string_value(json_object_get(b, "decision"));
    enum sor_content_kind k = SOR_CONTENT_NONE;
    if (d && strcmp(d, "block_kz") == 0) {
        const char *o = json_string_value(
            json_object_get(json_object_get(b, "reupload"), "order"));
        snprintf(order_id, EJ_EVENT_ID_MAX + 1, "%s", o ? o : "");
        k = SOR_CONTENT_REUPLOAD;
    } else if (d && (strcmp(d, "label") == 0 || strcmp(d, "hold") == 0)) {
        k = SOR_CONTENT_LABEL;
    }
    json_decref(b);
    return k;
}

/* The enforced rule entries of the body that gave the decision. */
static const json_t *deciding_rule(const json_t *body, const char *decision)
{
    const json_t *rules = json_object_get(body, "rules"), *r;
    size_t i;
    json_array_foreach(rules, i, r)
    {
        const char *m = json_string_value(json_object_get(r, "mode"));
        const char *d = json_string_value(json_object_get(r, "decision"));
        if (m && d && strcmp(m, "enforce") == 0 && strcmp(d, decision) == 0)
            return r;
    }
    return NULL;
}

static void content_common(struct jw *w, const struct ej_event *ev,
                           const struct ej_tz *tz, const char *content_type)
{
    char day[16];
    date_of(ev->at_ms, tz, day);
    jw_key(w, "content_type");
    jw_arr(w);
    jw_str(w, content_type);
    jw_end_arr(w);
    if (strcmp(content_type, "CONTENT_TYPE_OTHER") == 0)
        jw_kstr(w, "content_type_other", "media (image or video)");
    jw_kstr(w, "content_date", day);
    jw_kstr(w, "application_date", day);
    jw_kstr(w, "source_type", "SOURCE_VOLUNTARY");
    jw_kstr(w, "automated_detection", "Yes");
    jw_kstr(w, "automated_decision", "AUTOMATED_DECISION_FULLY");
    jw_end_obj(w);
}

static bool sor_reupload(struct jw *w, const struct ej_event *ev,
                         const json_t *body, const struct ej_order_row *o,
                         const struct ej_tz *tz, const char **why)
{
    const char *cat = o ? sor_category(o->basis) : NULL;
    if (!cat) {
        *why = o ? "the matched order's basis has no DSA category"
                 : "the matched order is not in the register";
        return false;
    }
    const json_t *m = json_object_get(body, "reupload");
    const char *by = json_string_value(json_object_get(m, "by"));
    const char *match = json_string_value(json_object_get(m, "match"));
    json_int_t dist = json_integer_value(json_object_get(m, "distance"));
    const char *content =
        json_string_value(json_object_get(body, "content"));
    char puid[40], buf[1200];
    snprintf(puid, sizeof puid, "evt-%llu", (unsigned long long)ev->seq);
    opening(w, puid, "restrict_kz", o->basis);
    snprintf(buf, sizeof buf,
             "A re-upload of content removed under order %s of %s (%s); "
             "targets: %s",
             o->number, o->issuer, o->basis, o->targets);
    str_max(w, "illegal_content_explanation", buf, 2000);
    snprintf(buf, sizeof buf,
             "Content %s was restricted in Kazakhstan on publication: its "
             "%s matched the fingerprints of the removed content (%s, %lld "
             "bits apart)",
             content ? content : "?", by ? by : "fingerprint",
             match ? match : "?", (long long)dist);
    str_max(w, "decision_facts", buf, 5000);
    jw_kstr(w, "category", cat);
    content_common(w, ev, tz,
                   by && strcmp(by, "media_pdq") == 0 ? "CONTENT_TYPE_IMAGE"
                   : by && strcmp(by, "media_sha256") == 0
                       ? "CONTENT_TYPE_OTHER"
                       : "CONTENT_TYPE_TEXT");
    return true;
}

/* The label reason of a hold, in words. */
static const char *reason_words(const char *reason)
{
    static const struct {
        const char *code, *words;
    } m[] = {{"no_qualification", "none is on record"},
             {"no_matching_field", "none on record is in this field"},
             {"expired", "the one on record has expired"},
             {"unverified", "the one on record is not verified"}};
    for (size_t i = 0; reason && i < sizeof m / sizeof *m; i++)
        if (strcmp(reason, m[i].code) == 0)
            return m[i].words;
    return reason ? reason : "not found";
}

static bool sor_label(struct jw *w, const struct ej_event *ev,
                      const json_t *body, const struct ej_policy *p,
                      const struct ej_tz *tz, const char **why)
{
    const char *decision =
        json_string_value(json_object_get(body, "decision"));
    const json_t *r = deciding_rule(body, decision);
    const char *rid = json_string_value(json_object_get(r, "rule"));
    const struct ej_rule *rule = rid ? ej_policy_find_rule(p, rid, NULL)
                                     : NULL;
    if (!rule) {
        *why = "the rule that decided is not in the loaded packs";
        return false;
    }
    bool hold = strcmp(decision, "hold") == 0;
    const char *kind = json_string_value(json_object_get(r, "kind"));
    const char *reason = json_string_value(json_object_get(r, "reason"));
    const char *content =
        json_string_value(json_object_get(body, "content"));
    const char *field = json_string_value(json_object_get(
        json_object_get(body, "educational"), "field"));
    const char *title = ej_rule_title(rule, EJ_LANG_EN);
    const char *practice = json_string_value(
        json_object_get(json_object_get(body, "occult"), "practice"));
    char puid[40], buf[1200];
    snprintf(puid, sizeof puid, "evt-%llu", (unsigned long long)ev->seq);
    jw_obj(w);
    jw_kstr(w, "puid", puid);
    jw_key(w, "decision_visibility");
    jw_arr(w);
    jw_str(w, hold ? "DECISION_VISIBILITY_OTHER"
                   : "DECISION_VISIBILITY_CONTENT_LABELLED");
    jw_end_arr(w);
    if (hold) {
        snprintf(buf, sizeof buf,
                 "Publication withheld until the author's qualification%s%s "
                 "is shown and verified",
                 field ? " in " : "", field ? field : "");
        str_max(w, "decision_visibility_other", buf, 500);
    }
    if (kind && strcmp(kind, "occult_disclaimer") == 0)
        snprintf(buf, sizeof buf,
                 "Occult content (%s) must carry a disclaimer that it is "
                 "for entertainment and has no scientific basis",
                 practice ? practice : "practice not named");
    else
        snprintf(buf, sizeof buf,
                 "Educational content%s%s must show the author's "
                 "qualification: %s",
                 field ? " in " : "", field ? field : "",
                 reason_words(reason));
    if (ej_rule_status(rule) == EJ_STATUS_IN_FORCE) {
        char ground[700];
        const struct ej_citation *c =
            ej_rule_citation_count(rule) ? ej_rule_citation(rule, 0) : NULL;
        snprintf(ground, sizeof ground, "%s (%s)%s%s", title, rid,
                 c ? "; " : "", c && c->url ? c->url : "");
        jw_kstr(w, "decision_ground", "DECISION_GROUND_ILLEGAL_CONTENT");
        str_max(w, "illegal_content_legal_ground", ground, 500);
        str_max(w, "illegal_content_explanation", buf, 2000);
    } else {
        char ground[700];
        snprintf(ground, sizeof ground,
                 "The platform's terms, which apply the draft rule \"%s\" "
                 "(%s) of the Ministry of Culture and Information of "
                 "Kazakhstan ahead of its adoption",
                 title, rid);
        jw_kstr(w, "decision_ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT");
        str_max(w, "incompatible_content_ground", ground, 500);
        str_max(w, "incompatible_content_explanation", buf, 2000);
        jw_kstr(w, "incompatible_content_illegal", "No");
    }
    if (hold)
        snprintf(buf, sizeof buf,
                 "Content %s was not published: of the author's "
                 "qualifications %s",
                 content ? content : "?", reason_words(reason));
    else
        snprintf(buf, sizeof buf,
                 "Content %s was published with the %s appended",
                 content ? content : "?",
                 kind && strcmp(kind, "occult_disclaimer") == 0
                     ? "disclaimer"
                     : "notice of the author's qualification");
    str_max(w, "decision_facts", buf, 5000);
    jw_kstr(w, "category", "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE");
    content_common(w, ev, tz, "CONTENT_TYPE_TEXT");
    return true;
}

bool sor_content(struct jw *w, const struct ej_event *ev,
                 const struct ej_policy *p, const struct ej_order_row *order,
                 const struct ej_tz *tz, const char **why)
{
    json_t *body = json_loads(ev->body, 0, NULL);
    const char *d = json_string_value(json_object_get(body, "decision"));
    bool ok;
    *why = "the event is not a content decision that took effect";
    if (d && strcmp(d, "block_kz") == 0)
        ok = sor_reupload(w, ev, body, order, tz, why);
    else if (d && (strcmp(d, "label") == 0 || strcmp(d, "hold") == 0))
        ok = sor_label(w, ev, body, p, tz, why);
    else
        ok = false;
    json_decref(body);
    return ok;
}
