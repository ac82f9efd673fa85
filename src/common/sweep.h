/* sweep.h: escalation of overdue identification cases. A case whose
 * deadline has passed while it is opened, notified or rejected gets one
 * case.escalated event carrying the pack's escalation actions (for
 * example limit_reach, suspend_monetization, report_to_authority), as a
 * decision for the platform to carry out; the account is marked so that
 * it is escalated once. Run by `ereje cases sweep` and, every minute, by
 * the service. */
#ifndef EJ_SWEEP_H
#define EJ_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "ereje/ereje.h"
#include "ereje/store.h"

/* One transaction. *escalated counts the cases escalated now;
 * *deadline_unknown (may be NULL) the open cases whose deadline could not
 * be computed because the calendar does not cover it yet (add the next
 * year's non-working days to policies/kz/tables.yaml). */
enum ej_err cases_sweep(struct ej_store *st, const struct ej_policy *p,
                        int64_t now_ms, int64_t recorded_ms,
                        size_t *escalated, size_t *deadline_unknown);

#endif
