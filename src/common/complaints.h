/* complaints.h: user complaints (Law 18-VIII Art. 9(3)(2): automatic
 * confirmation of receipt), their decision, and the notice to law
 * enforcement a threat to life or safety requires (Art. 9(4)(5)). Each
 * change is one transaction with its event. */
#ifndef EJ_COMPLAINTS_H
#define EJ_COMPLAINTS_H

#include "ereje/ereje.h"
#include "ereje/store.h"
#include "jw.h"
#include "orders.h"

struct complaint_input {
    const char *category;  /* a taxonomy category, an urgent one, or other */
    const char *target;    /* the content or account complained of */
    const char *reporter;  /* optional: the platform's reference */
};

/* Record and acknowledge a complaint received at now_ms. */
enum ej_err complaints_add(struct ej_store *st, const struct ej_policy *p,
                           const struct complaint_input *in, int64_t now_ms,
                           struct ej_complaint_row *out,
                           struct order_error *err);

/* The decision: upheld or dismissed, with a reason and the action taken
 * (none, remove, restrict_kz, suspend_account_kz). EJ_NOT_FOUND, or
 * EJ_INVALID with *err (ALREADY_DECIDED when decided). */
enum ej_err complaints_decide(struct ej_store *st, const struct ej_policy *p,
                              const char *id, const char *decision,
                              const char *action, const char *reason,
                              int64_t at_ms, int64_t now_ms,
                              struct ej_complaint_row *out,
                              struct order_error *err);

/* Law enforcement was notified (urgent complaints only). */
enum ej_err complaints_notified(struct ej_store *st, const struct ej_policy *p,
                                const char *id, const char *to,
                                const char *reference, int64_t at_ms,
                                int64_t now_ms, struct ej_complaint_row *out,
                                struct order_error *err);

void complaint_json(struct jw *w, const struct ej_complaint_row *r,
                    int64_t now_ms);

#endif
