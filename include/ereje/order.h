/* order.h: orders of the authorized body, a court or another state body
 * about unlawful content, on the legal clock.
 *
 * Law 18-VIII Art. 9(4)(2): consider a request of the authorized body
 * within twenty-four hours of receipt (exact hours, no working-day shift);
 * giving effect to it runs on the pack's removal deadline (a parameter:
 * the draft sets none). Both clocks stop while the platform awaits a
 * clarification it asked for, and move by the time stopped. Alerts fall
 * at the pack's points before each deadline; a breach at the deadline.
 * An order closes only with an action and evidence.
 *
 * Pure: the caller stores struct ej_order and passes "now".
 */
#ifndef EREJE_ORDER_H
#define EREJE_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/deadline.h"
#include "ereje/err.h"
#include "ereje/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ej_order_action {
    EJ_OACT_REMOVE,
    EJ_OACT_RESTRICT_KZ,
    EJ_OACT_SUSPEND_ACCOUNT_KZ,
};

enum ej_order_state {
    EJ_ORDER_OPEN,
    EJ_ORDER_CLARIFYING, /* clocks stopped: awaiting a clarification */
    EJ_ORDER_CLOSED,
};

#define EJ_ORDER_MAX_ALERTS 8

/* The parameters of the rules that set the clocks. */
struct ej_order_rules {
    const struct ej_rule *consider_rule; /* kind authority_request */
    const struct ej_pack *consider_pack;
    struct ej_duration consider_within;
    const struct ej_rule *effect_rule;   /* order_compliance or the same */
    const struct ej_pack *effect_pack;
    bool has_effect;
    struct ej_duration effect_within;
    enum ej_mode effect_mode;            /* shadow: advisory, see below */
    bool pause_on_clarification;         /* the rule's; true when unset */
    struct ej_duration alerts[EJ_ORDER_MAX_ALERTS];
    size_t n_alerts;
};

/* Find the clocks' rules in the policy: the authority_request rule (in
 * force) for the consideration clock and its alert points; for the effect
 * clock the first rule, of kind authority_request or order_compliance,
 * whose effect_within is set and whose mode is not off. A shadow rule's
 * effect clock (the draft's order_compliance unless drafts are enforced) is
 * advisory: it is computed and its alerts are raised marked shadow, for
 * the record, but it never makes an order overdue.
 * EJ_NOT_FOUND without an authority_request rule. */
EJ_EXTERN enum ej_err ej_order_rules_from(const struct ej_policy *p,
                                          struct ej_order_rules *out);

struct ej_order {
    enum ej_order_state state;
    int64_t received_ms;
    struct ej_clock consider;
    bool has_effect;
    struct ej_clock effect;
    uint32_t emitted;      /* alert/breach bits already emitted */
    int64_t closed_ms;
};

/* Open the clocks of an order received at received_ms. tz and cal are the
 * pack's (day periods need them). */
EJ_EXTERN enum ej_err ej_order_open(const struct ej_order_rules *r,
                                    int64_t received_ms,
                                    const struct ej_tz *tz,
                                    const struct ej_calendar *cal,
                                    struct ej_order *out);

/* The platform asked for a clarification at at_ms: both clocks stop, or,
 * when r->pause_on_clarification is false, the order awaits it with its
 * clocks running. A clock already past its due at at_ms runs on: a
 * clarification asked after a deadline does not undo the breach.
 * EJ_INVALID unless open. */
EJ_EXTERN enum ej_err ej_order_pause(const struct ej_order_rules *r,
                                     struct ej_order *o, int64_t at_ms);
/* The clarification arrived: stopped clocks run again, their due instants
 * moved by the time stopped. EJ_INVALID unless clarifying. */
EJ_EXTERN enum ej_err ej_order_resume(struct ej_order *o, int64_t at_ms);
/* Close with an action and evidence (both required, checked by the
 * caller for content; here only the state). Closing while clarifying
 * stops the clocks at at_ms. EJ_INVALID when closed, or when at_ms is
 * before receipt or the last pause or resume. */
EJ_EXTERN enum ej_err ej_order_close(struct ej_order *o, int64_t at_ms);

/* Due instants as known at now_ms (while clarifying they keep moving). */
EJ_EXTERN enum ej_err ej_order_dues(const struct ej_order *o, int64_t now_ms,
                                    int64_t *consider_due,
                                    int64_t *effect_due);

/* Overdue at now_ms: open or clarifying past the consideration due, or
 * past the effect due when r's effect rule is enforced. */
EJ_EXTERN bool ej_order_overdue(const struct ej_order_rules *r,
                                const struct ej_order *o, int64_t now_ms);

/* One alert or breach that is due. */
struct ej_order_alert {
    uint32_t bit;          /* its bit in ej_order.emitted */
    bool breach;           /* the deadline itself, not an alert before it */
    bool effect;           /* the effect clock, else the consideration */
    bool shadow;           /* on an advisory (shadow-mode) clock */
    struct ej_duration before; /* for an alert: how long before */
    int64_t at_ms;         /* when it fell due */
};

/* The alerts and breaches that have fallen due by now_ms and are not in
 * o->emitted, oldest first (at most cap). A stopped clock (an order
 * awaiting a clarification) raises none; a clock that had run out when
 * the clarification was asked runs on and still does. */
EJ_EXTERN size_t ej_order_alerts(const struct ej_order_rules *r,
                                 const struct ej_order *o, int64_t now_ms,
                                 struct ej_order_alert *out, size_t cap);

EJ_EXTERN const char *ej_order_action_name(enum ej_order_action a);
EJ_EXTERN bool ej_order_action_parse(const char *s, enum ej_order_action *out);
EJ_EXTERN const char *ej_order_state_name(enum ej_order_state s);

#ifdef __cplusplus
}
#endif
#endif
