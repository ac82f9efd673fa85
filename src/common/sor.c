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
