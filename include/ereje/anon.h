/* anon.h: large anonymous accounts (draft: identification above 5,000
 * followers) and the legal-representative audience threshold (Law 18-VIII
 * Art. 9(1): more than 100,000 average daily users in a month).
 *
 * Pure functions over small structs: the caller folds platform events
 * (registered, followers, identity, closed) into a struct ej_account and
 * asks what changed. Parameters come from a rule of kind
 * follower_threshold (ej_anon_rule_from).
 */
#ifndef EREJE_ANON_H
#define EREJE_ANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/deadline.h"
#include "ereje/err.h"
#include "ereje/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ej_counting { EJ_COUNT_CURRENT, EJ_COUNT_MAX, EJ_COUNT_AVERAGE };

#define EJ_ANON_MAX_ESCALATIONS 8

/* The parameters of a follower_threshold rule, unpacked once. */
struct ej_anon_rule {
    const struct ej_rule *rule;
    const struct ej_pack *pack;
    int64_t threshold;
    bool or_equal;              /* comparison greater_or_equal */
    enum ej_counting counting;
    int window_days;
    bool has_min_kz_share;
    uint16_t min_kz_share_pm;   /* per mille */
    int hysteresis_days;
    struct ej_duration deadline;
    const char *escalation[EJ_ANON_MAX_ESCALATIONS];
    size_t n_escalation;
};

/* Unpack r (kind follower_threshold). EJ_PARAM_TYPE when it is not one. */
EJ_EXTERN enum ej_err ej_anon_rule_from(const struct ej_rule *r,
                                        const struct ej_pack *k,
                                        struct ej_anon_rule *out);

/* Identification case states, in lifecycle order. */
enum ej_case_state {
    EJ_CASE_NONE = 0,
    EJ_CASE_OPENED,    /* threshold crossed; the owner must be notified */
    EJ_CASE_NOTIFIED,  /* the platform told the owner */
    EJ_CASE_SUBMITTED, /* identity data submitted, awaiting verification */
    EJ_CASE_VERIFIED,  /* identity verified: the account is not anonymous */
    EJ_CASE_REJECTED,  /* submission rejected; the owner may resubmit */
    EJ_CASE_CLOSED,    /* the account left the registry or was closed */
};

enum ej_identity {
    EJ_ID_NONE = 0,
    EJ_ID_SUBMITTED,
    EJ_ID_VERIFIED,
    EJ_ID_REJECTED,
};

#define EJ_KZ_SHARE_UNKNOWN 0xFFFFu

/* The hot, folded state of one account: 48 bytes. */
struct ej_account {
    uint32_t followers;         /* last reported count */
    uint32_t measure;           /* the count the rule compares */
    uint16_t kz_share_pm;       /* audience share in KZ, per mille */
    uint8_t identity;           /* enum ej_identity */
    uint8_t case_state;         /* enum ej_case_state */
    uint8_t flags;              /* EJ_ACC_* */
    uint8_t pad[3];
    int32_t above_since;        /* day number entered the registry */
    int32_t below_since;        /* day number fell to or below, or -1 */
    int64_t case_opened_ms;
    int64_t case_due_ms;        /* identification deadline, 0 when none */
    int64_t last_ms;            /* latest event applied */
};

#define EJ_ACC_CLOSED 1u
#define EJ_ACC_IN_REGISTRY 2u
#define EJ_ACC_ESCALATED 4u

/* What one observation changed. */
enum ej_anon_change {
    EJ_ANON_NO_CHANGE = 0,
    EJ_ANON_ENTERED,   /* crossed the threshold: registry + case opened */
    EJ_ANON_LEFT,      /* left the registry (hysteresis, identity, close) */
};

EJ_EXTERN void ej_account_init(struct ej_account *a);

/* Whether a measure is above the rule's threshold (strictly greater unless
 * the rule says greater_or_equal) and, when the rule sets a minimum share
 * of the audience in Kazakhstan, whether the share (per mille, or
 * EJ_KZ_SHARE_UNKNOWN) reaches it; an unknown share counts as meeting it,
 * so that missing data never hides an account. */
EJ_EXTERN bool ej_anon_above(const struct ej_anon_rule *r, uint32_t measure,
                             uint16_t kz_share_pm);

/* The measure from a window of daily counts, oldest first (current: the
 * last; max; average, rounded up for a strictly-greater rule and down for
 * greater_or_equal, so that ej_anon_above compares the exact mean with the
 * threshold). n >= 1. */
EJ_EXTERN uint32_t ej_anon_measure(const struct ej_anon_rule *r,
                                   const uint32_t *daily, size_t n);

/* Apply a new measure observed at instant at_ms (local day `day` in the
 * pack's zone). Opens a case with its deadline (tz and cal are the pack's)
 * when the account enters the registry; closes it when the account leaves.
 * When the calendar does not cover the deadline yet, the case opens with
 * case_due_ms 0 (deadline unknown). Returns the change in *out. */
EJ_EXTERN enum ej_err ej_anon_observe(const struct ej_anon_rule *r,
                                      struct ej_account *a, uint32_t measure,
                                      uint16_t kz_share_pm, int64_t at_ms,
                                      int32_t day, const struct ej_tz *tz,
                                      const struct ej_calendar *cal,
                                      enum ej_anon_change *out);

/* An identity event: submitted, verified or rejected. Verified takes the
 * account out of the registry (EJ_ANON_LEFT). A rejection gives the owner
 * a fresh deadline of the same length (an assumption: the draft says
 * nothing). */
EJ_EXTERN enum ej_err ej_anon_identity(const struct ej_anon_rule *r,
                                       struct ej_account *a,
                                       enum ej_identity status, int64_t at_ms,
                                       const struct ej_tz *tz,
                                       const struct ej_calendar *cal,
                                       enum ej_anon_change *out);

/* The platform reports that it notified the owner. EJ_INVALID unless the
 * case is opened. */
EJ_EXTERN enum ej_err ej_anon_notified(struct ej_account *a);

/* The account was closed: it leaves the registry, its case closes. */
EJ_EXTERN void ej_anon_closed(struct ej_account *a, enum ej_anon_change *out);

/* Is the account in the registry at local day `day` (hysteresis applied
 * to the time passed since the last event)? */
EJ_EXTERN bool ej_anon_listed(const struct ej_anon_rule *r,
                              const struct ej_account *a, int32_t day);

/* Is its identification overdue at now_ms (open, notified or rejected past
 * the deadline)? */
EJ_EXTERN bool ej_anon_overdue(const struct ej_account *a, int64_t now_ms);

EJ_EXTERN const char *ej_case_state_name(enum ej_case_state s);
EJ_EXTERN const char *ej_identity_name(enum ej_identity s);
EJ_EXTERN bool ej_identity_parse(const char *s, size_t len,
                                 enum ej_identity *out);

/* --- audience (legal representative) ------------------------------------- */

struct ej_audience_month {
    int year, month;
    int days_in_month;
    int days_reported;
    uint64_t sum;          /* of the reported days */
    uint64_t average;      /* sum / days_reported, rounded down */
    bool complete;         /* every day of the month reported */
    bool exceeds;          /* average compared to the threshold */
};

/* Average of daily users over the reported days of a month and whether it
 * exceeds threshold (strictly, unless or_equal), compared exactly (sum
 * against threshold times days), not on the rounded average. Set year,
 * month, days_reported and sum first. */
EJ_EXTERN void ej_audience_evaluate(struct ej_audience_month *m,
                                    int64_t threshold, bool or_equal);

#ifdef __cplusplus
}
#endif
#endif
