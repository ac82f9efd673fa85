/* registration.h: the minimum-age gate at account registration.
 *
 * The draft law forbids registering users under 16 on online platforms,
 * except instant-messaging services; existing accounts are not affected.
 * The numbers come from rules of kind min_registration_age in the loaded
 * packs. A gate is prepared once from a policy (ej_regcheck_new) and then
 * decides many registrations without allocating (ej_regcheck_eval).
 */
#ifndef EREJE_REGISTRATION_H
#define EREJE_REGISTRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/date.h"
#include "ereje/err.h"
#include "ereje/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ej_service {
    EJ_SVC_SOCIAL_NETWORK,
    EJ_SVC_VIDEO_HOSTING,
    EJ_SVC_INSTANT_MESSAGING,
    EJ_SVC_ONLINE_GAME,
    EJ_SVC_OTHER,
};

/* IEEE 2089.1 levels of confidence, weakest first. */
enum ej_assurance_level {
    EJ_AL_ASSERTED = 1,
    EJ_AL_STANDARD,
    EJ_AL_ENHANCED,
    EJ_AL_STRICT,
};

enum ej_decision { EJ_ALLOW, EJ_VERIFY, EJ_DENY }; /* ordered by severity */

#define EJ_ASSURANCE_METHOD_MAX 64

/* One registration attempt. Any mix of evidence may be given. */
struct ej_registration {
    enum ej_service service;
    int64_t at_ms;              /* the registration instant, UTC */
    bool has_birth_date;
    struct ej_date birth_date;
    const char *iin;            /* NULL when none; 12 digits */
    size_t iin_len;
    bool has_assurance;
    char assurance_method[EJ_ASSURANCE_METHOD_MAX]; /* e.g. "egov" */
    enum ej_assurance_level assurance_level;
    bool assurance_over;        /* the provider says: at or over the age */
};

enum ej_reason {
    EJ_R_MEETS_MIN_AGE,        /* age {age} meets the minimum {min_age} */
    EJ_R_BELOW_MIN_AGE,        /* age {age} is below {min_age} */
    EJ_R_EXEMPT_SERVICE,       /* the service type is exempt */
    EJ_R_NOT_YET_EFFECTIVE,    /* registration before effective_from */
    EJ_R_NO_EVIDENCE,          /* no usable evidence of age */
    EJ_R_CONFLICTING_EVIDENCE, /* birth date, IIN, assurance disagree */
    EJ_R_ASSURANCE_TOO_WEAK,   /* assurance level below the pack's */
    EJ_R_ASSURANCE_OVER,       /* assurance: at or over {min_age} */
    EJ_R_ASSURANCE_UNDER,      /* assurance: under {min_age} */
};

/* Evidence kinds, as a bit set in ej_reg_decision.evidence. */
#define EJ_EV_BIRTH_DATE 1u
#define EJ_EV_IIN 2u
#define EJ_EV_ASSURANCE 4u

#define EJ_REG_MAX_RULES 8
#define EJ_REG_MAX_REASONS 16

struct ej_reg_rule_outcome {
    const struct ej_rule *rule;
    const struct ej_pack *pack;
    enum ej_mode mode;          /* enforce or shadow (off rules are absent) */
    enum ej_decision outcome;   /* what this rule decides */
    int min_age;
};

struct ej_reg_reason {
    enum ej_reason code;
    const struct ej_rule *rule;
    int min_age;
    int age;                    /* as this rule computed it; -1 unknown */
};

struct ej_reg_decision {
    enum ej_decision decision;  /* what the platform must do */
    bool has_advisory;          /* a shadow rule applied: ... */
    enum ej_decision advisory;  /* ... what enforcing it would decide */
    enum ej_mode mode;          /* strongest mode among applied rules; off
                                   when no rule applied */
    struct ej_reg_rule_outcome rules[EJ_REG_MAX_RULES]; /* applied rules */
    size_t n_rules;
    struct ej_reg_reason reasons[EJ_REG_MAX_REASONS];
    size_t n_reasons;
    unsigned evidence;          /* EJ_EV_* bits of the evidence given */
    int age;                    /* full years; -1 when not known */
    const char *age_band;       /* "under_13", "13_15", "16_17",
                                   "18_plus", "over_threshold",
                                   "under_threshold" or "unknown" */
};

struct ej_regcheck;

/* Prepare a gate from every rule of kind min_registration_age in p, with
 * the modes in effect now (--enforce-drafts included). p must outlive the
 * gate. Free with ej_regcheck_free. EJ_NOT_FOUND when no pack has such a
 * rule, EJ_INVALID when a pack's zone is not attached. */
EJ_EXTERN enum ej_err ej_regcheck_new(const struct ej_policy *p,
                                      struct ej_regcheck **out);
EJ_EXTERN void ej_regcheck_free(struct ej_regcheck *g);

/* Decide one registration. Errors (the input is at fault): an IIN that is
 * not valid gives its EJ_IDNUM_* code; EJ_TIME_RANGE for a birth date
 * after the registration's local date; EJ_INVALID for an out-of-range
 * enum. Does not allocate. */
EJ_EXTERN enum ej_err ej_regcheck_eval(const struct ej_regcheck *g,
                                       const struct ej_registration *in,
                                       struct ej_reg_decision *out);

/* Full years between birth and the local date d (someone born on 29 Feb
 * turns a year older on 1 Mar in common years). */
EJ_EXTERN int ej_age_on(struct ej_date birth, struct ej_date d);

/* Names used in JSON and the CLI; NULL-safe parse functions return false
 * for an unknown name. */
EJ_EXTERN const char *ej_service_name(enum ej_service s);
EJ_EXTERN bool ej_service_parse(const char *s, size_t len,
                                enum ej_service *out);
EJ_EXTERN const char *ej_assurance_level_name(enum ej_assurance_level l);
EJ_EXTERN bool ej_assurance_level_parse(const char *s, size_t len,
                                        enum ej_assurance_level *out);
EJ_EXTERN const char *ej_decision_name(enum ej_decision d);
EJ_EXTERN const char *ej_reason_code(enum ej_reason r);

/* The reason in a language, with {min_age} and {age} filled in, written
 * into buf (NUL-terminated, truncated to cap at a character boundary).
 * Returns buf. */
EJ_EXTERN const char *ej_reason_text(const struct ej_reg_reason *r,
                                     enum ej_lang lang, char *buf,
                                     size_t cap);

#ifdef __cplusplus
}
#endif
#endif
