/* sor.h: statements of reasons in the schema of the EU DSA Transparency
 * Database (anchors.md §1.6), projected from ereje's closed orders: the
 * enum values are the TDB's (app/Models/Statement.php of
 * digital-services-act/transparency-database), so a platform that also
 * operates in the EU can submit the same decisions. */
#ifndef EJ_SOR_H
#define EJ_SOR_H

#include <stdbool.h>

#include "ereje/ereje.h"
#include "ereje/store.h"
#include "jw.h"

/* The TDB category of a basis of the pack's unlawful_content taxonomy;
 * NULL when the basis has no mapping (the export reports it). */
const char *sor_category(const char *basis);

/* One statement (a whole JSON object) for a closed order. false when the
 * order's basis has no category. */
bool sor_order(struct jw *w, const struct ej_order_row *r,
               const struct ej_tz *tz);

/* Whether a complaint gives a statement: upheld, with an action. */
bool sor_complaint_applies(const struct ej_complaint_row *r);
/* One statement for such a complaint; false when its category has no
 * DSA category. The reporter is never written (the TDB takes no
 * personal data). */
bool sor_complaint(struct jw *w, const struct ej_complaint_row *r,
                   const struct ej_tz *tz);

/* What a content.checked event gives (sor_content_kind): nothing (an
 * allow, or a decision only advised in shadow mode), a re-upload block
 * (which needs the order it matched), or an enforced label or hold. */
enum sor_content_kind { SOR_CONTENT_NONE, SOR_CONTENT_REUPLOAD,
                        SOR_CONTENT_LABEL };
/* The kind, and for a re-upload the id of the order matched (into
 * order_id, EJ_EVENT_ID_MAX + 1 bytes). */
enum sor_content_kind sor_content_kind(const struct ej_event *ev,
                                       char *order_id);
/* One statement for a content.checked event that gives one; order is the
 * matched order for a re-upload (NULL otherwise). false (with *why, a
 * static text) when it cannot be mapped: a re-upload whose order or
 * basis has no category, a label whose rules are not in the packs. */
bool sor_content(struct jw *w, const struct ej_event *ev,
                 const struct ej_policy *p, const struct ej_order_row *order,
                 const struct ej_tz *tz, const char **why);

#endif
