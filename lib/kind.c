/* kind.c: the kinds of rule a policy pack may use and the schema of their
 * parameters. One table drives the loader's validation, `ereje policy
 * kinds`, and the check that docs/POLICY.md names every parameter. */
#include "internal.h"

static const char *const services[] = {
    "social_network", "video_hosting", "instant_messaging", "online_game",
    "other", "corporate_messaging", "email", NULL};
static const char *const comparisons[] = {"greater", "greater_or_equal", NULL};
static const char *const countings[] = {"current", "max", "average", NULL};
static const char *const escalations[] = {
    "limit_reach", "suspend_monetization", "report_to_authority",
    "restrict_kz", "suspend_account_kz", NULL};
static const char *const doc_types[] = {"diploma", "certificate", "license",
                                        NULL};
static const char *const practices[] = {
    "astrology", "tarot", "numerology", "magic_spells", "fortune_telling",
    "psychic", "esoteric_healing", "other", NULL};
static const char *const edu_fields[] = {
    "medicine", "psychology", "nutrition", "fitness", "finance", "law",
    "it", "languages", "school", "parenting", "beauty", "other", NULL};
/* "have>want": a qualification in `have` also covers content in `want`. */
static const char *const field_pairs[] = {
    "medicine>psychology", "medicine>nutrition", "medicine>fitness",
    "medicine>finance", "medicine>law", "medicine>it", "medicine>languages",
    "medicine>school", "medicine>parenting", "medicine>beauty",
    "medicine>other", "psychology>medicine", "psychology>nutrition",
    "psychology>fitness", "psychology>finance", "psychology>law",
    "psychology>it", "psychology>languages", "psychology>school",
    "psychology>parenting", "psychology>beauty", "psychology>other",
    "nutrition>medicine", "nutrition>psychology", "nutrition>fitness",
    "nutrition>finance", "nutrition>law", "nutrition>it",
    "nutrition>languages", "nutrition>school", "nutrition>parenting",
    "nutrition>beauty", "nutrition>other", "fitness>medicine",
    "fitness>psychology", "fitness>nutrition", "fitness>finance",
    "fitness>law", "fitness>it", "fitness>languages", "fitness>school",
    "fitness>parenting", "fitness>beauty", "fitness>other",
    "finance>medicine", "finance>psychology", "finance>nutrition",
    "finance>fitness", "finance>law", "finance>it", "finance>languages",
    "finance>school", "finance>parenting", "finance>beauty", "finance>other",
    "law>medicine", "law>psychology", "law>nutrition", "law>fitness",
    "law>finance", "law>it", "law>languages", "law>school", "law>parenting",
    "law>beauty", "law>other", "it>medicine", "it>psychology",
    "it>nutrition", "it>fitness", "it>finance", "it>law", "it>languages",
    "it>school", "it>parenting", "it>beauty", "it>other",
    "languages>medicine", "languages>psychology", "languages>nutrition",
    "languages>fitness", "languages>finance", "languages>law",
    "languages>it", "languages>school", "languages>parenting",
    "languages>beauty", "languages>other", "school>medicine",
    "school>psychology", "school>nutrition", "school>fitness",
    "school>finance", "school>law", "school>it", "school>languages",
    "school>parenting", "school>beauty", "school>other",
    "parenting>medicine", "parenting>psychology", "parenting>nutrition",
    "parenting>fitness", "parenting>finance", "parenting>law",
    "parenting>it", "parenting>languages", "parenting>school",
    "parenting>beauty", "parenting>other", "beauty>medicine",
    "beauty>psychology", "beauty>nutrition", "beauty>fitness",
    "beauty>finance", "beauty>law", "beauty>it", "beauty>languages",
    "beauty>school", "beauty>parenting", "beauty>other", "other>medicine",
    "other>psychology", "other>nutrition", "other>fitness", "other>finance",
    "other>law", "other>it", "other>languages", "other>school",
    "other>parenting", "other>beauty", NULL};
static const char *const ack_modes[] = {"automatic", NULL};
static const char *const measures[] = {"monthly_average_daily", NULL};
static const char *const positions[] = {"start", NULL};
static const char *const missing_actions[] = {"hold", "label", "allow", NULL};
static const char *const assurance_levels[] = {"asserted", "standard",
                                               "enhanced", "strict", NULL};

#define P(n, t, req, doc) {n, t, EJ_VAL_NULL, req, false, 0, 0, NULL, doc}
#define PN(n, t, doc) {n, t, EJ_VAL_NULL, true, true, 0, 0, NULL, doc}
#define PI(n, req, lo, hi, doc) {n, EJ_VAL_INT, EJ_VAL_NULL, req, false, lo, hi, NULL, doc}
#define PE(n, vals, doc) {n, EJ_VAL_ENUM, EJ_VAL_NULL, true, false, 0, 0, vals, doc}
#define PL(n, el, req, lo, hi, vals, doc) {n, EJ_VAL_LIST, el, req, false, lo, hi, vals, doc}

static const struct ej_param_spec authority_request[] = {
    P("consider_within", EJ_VAL_DURATION, true,
      "time to consider a request of the authorized body, from receipt"),
    PN("effect_within", EJ_VAL_DURATION,
       "time to give effect to an order (null: the law sets none)"),
    PL("alerts_before", EJ_VAL_DURATION, true, 0, 8, NULL,
       "alerts raised this long before each deadline"),
    P("pause_on_clarification", EJ_VAL_BOOL, true,
      "whether the clock stops while a clarification is awaited"),
};

static const struct ej_param_spec complaint_handling[] = {
    PE("acknowledge", ack_modes, "how receipt of a complaint is confirmed"),
    P("ack_within", EJ_VAL_DURATION, true,
      "longest time from submission to the acknowledgement"),
    PN("decide_within", EJ_VAL_DURATION,
       "time to decide on a complaint (null: not known)"),
};

static const struct ej_param_spec audience_threshold[] = {
    PI("threshold", true, 1, 1e12, "users per day the measure is compared to"),
    PE("comparison", comparisons, "greater: strictly more than threshold"),
    PE("measure", measures, "how daily users are aggregated"),
    P("region", EJ_VAL_STRING, true, "where users are counted (ISO 3166)"),
    PL("excluded_services", EJ_VAL_ENUM, true, 0, 8, services,
       "service types the duty does not apply to"),
};

static const struct ej_param_spec ad_labels[] = {
    PL("labels", EJ_VAL_STRING, true, 1, 64, NULL,
       "approved text labels for advertising"),
    PE("av_position", positions, "where audio/video ads carry the label"),
};

static const struct ej_param_spec fine_schedule[] = {
    P("article", EJ_VAL_STRING, true, "Administrative Code article"),
    P("fines", EJ_VAL_FINES, true,
      "MCI per subject class: first offence and repeat"),
    {"repeat_within_months", EJ_VAL_INT, EJ_VAL_NULL, true, true, 1, 120,
     NULL, "window in which a second offence counts as repeat"},
    {"max_mci", EJ_VAL_INT, EJ_VAL_NULL, false, true, 1, 100000, NULL,
     "upper bound of any fine under the article, when stated"},
};

static const struct ej_param_spec follower_threshold[] = {
    PI("threshold", true, 1, 1e12, "followers the count is compared to"),
    PE("comparison", comparisons, "greater: strictly more than threshold"),
    PE("counting", countings,
       "current count, or max/average over window (the exact mean is "
       "compared: 5000.5 is above 5,000)"),
    PI("window_days", true, 1, 366, "days for max and average counting"),
    {"min_kz_share", EJ_VAL_NUMBER, EJ_VAL_NULL, true, true, 0, 1, NULL,
     "least share of the audience in Kazakhstan (null: any)"},
    PI("hysteresis_days", true, 0, 3660,
       "days at or below the threshold before leaving the registry"),
    P("identification_deadline", EJ_VAL_DURATION, true,
      "time the owner has to provide identification data"),
    PL("escalation", EJ_VAL_ENUM, true, 0, 8, escalations,
       "actions emitted when the deadline passes, in order"),
    PL("registry_fields", EJ_VAL_STRING, true, 1, 64, NULL,
       "fields of the registry export, as the Ministry will define them"),
    P("fines", EJ_VAL_FINES, true, "MCI per subject class"),
};

static const struct ej_param_spec educational_qualification[] = {
    PL("document_types", EJ_VAL_ENUM, true, 1, 3, doc_types,
       "documents accepted as proof of qualification"),
    P("notice", EJ_VAL_TEXT, true,
      "notice shown with the content, {qualification} is replaced"),
    PE("missing_action", missing_actions,
       "decision when the author has no matching valid qualification"),
    PL("fields", EJ_VAL_ENUM, false, 1, 12, edu_fields,
       "educational fields the duty covers (absent: all)"),
    PL("field_coverage", EJ_VAL_ENUM, false, 0, 132, field_pairs,
       "have>want: a qualification in have also covers content in want"),
};

static const struct ej_param_spec occult_disclaimer[] = {
    P("disclaimer", EJ_VAL_TEXT, true, "disclaimer text per language"),
    PL("practices", EJ_VAL_ENUM, true, 1, 8, practices,
       "practices the disclaimer duty covers"),
};

static const struct ej_param_spec min_registration_age[] = {
    PI("min_age", true, 1, 25, "youngest age, in full years, to register"),
    PL("exempt_services", EJ_VAL_ENUM, true, 0, 8, services,
       "service types where registration is not restricted"),
    P("applies_to_existing_accounts", EJ_VAL_BOOL, true,
      "whether accounts registered before effective_from are affected"),
    PE("min_assurance_level", assurance_levels,
       "weakest age-assurance level (IEEE 2089.1) accepted as evidence"),
};

static const struct ej_param_spec order_compliance[] = {
    PN("effect_within", EJ_VAL_DURATION,
       "time to remove or restrict content on an order (null: none set)"),
    PL("fine_bands", EJ_VAL_BAND, true, 0, 8, NULL,
       "ranges of fines in MCI announced for the new offences"),
    P("restrict_access_on_noncompliance", EJ_VAL_BOOL, true,
      "whether an unmet order can lead to access restriction in KZ"),
};

static const struct ej_param_spec unlawful_content[] = {
    PL("categories", EJ_VAL_STRING, true, 1, 64, NULL,
       "identifiers of the categories of unlawful content (the legal basis "
       "an order names)"),
    PL("complaint_based", EJ_VAL_STRING, true, 0, 64, NULL,
       "categories enforced only on a complaint"),
};

static const struct ej_param_spec urgent_notification[] = {
    P("notify_within", EJ_VAL_DURATION, true,
      "time to notify law enforcement of a threat to life or safety"),
    PL("categories", EJ_VAL_STRING, true, 1, 16, NULL,
       "complaint categories that open a notification task"),
};

#define K(n, doc, arr) {n, doc, arr, EJ_ARRAY_LEN(arr)}
static const struct ej_kind_spec kinds[] = {
    K("authority_request", "clocks on requests and orders of state bodies",
      authority_request),
    K("complaint_handling", "acknowledgement and handling of user complaints",
      complaint_handling),
    K("audience_threshold",
      "a duty that starts above an average daily audience",
      audience_threshold),
    K("ad_labels", "the approved labels for advertising", ad_labels),
    K("fine_schedule", "fines in MCI by subject class", fine_schedule),
    K("follower_threshold",
      "identification of anonymous accounts above a follower count",
      follower_threshold),
    K("educational_qualification",
      "qualification notice on educational content",
      educational_qualification),
    K("occult_disclaimer", "disclaimer on occult content", occult_disclaimer),
    K("min_registration_age", "minimum age to register an account",
      min_registration_age),
    K("order_compliance", "giving effect to orders on unlawful content",
      order_compliance),
    K("unlawful_content", "the taxonomy of unlawful content orders name",
      unlawful_content),
    K("urgent_notification",
      "notifying law enforcement of threats to life or safety",
      urgent_notification),
};

size_t ej_kind_count(void) { return EJ_ARRAY_LEN(kinds); }

const struct ej_kind_spec *ej_kind(size_t i)
{
    return i < EJ_ARRAY_LEN(kinds) ? &kinds[i] : NULL;
}

const struct ej_kind_spec *ej_kind_find(const char *name)
{
    for (size_t i = 0; i < EJ_ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

const char *ej_value_type_name(enum ej_value_type t)
{
    static const char *const names[] = {
        "null", "integer", "number", "boolean", "string", "enum",
        "duration", "date", "text", "list", "fines", "band"};
    return (size_t)t < EJ_ARRAY_LEN(names) ? names[t] : "?";
}
