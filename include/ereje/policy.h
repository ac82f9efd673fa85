/* policy.h: policy packs, the rules as data.
 *
 * A policy is a set of YAML files loaded together: packs (a pack has an id,
 * a version, a jurisdiction, a time zone, a calendar, an MCI table and
 * rules) and shared tables (MCI by year, working-day calendars). Each rule
 * has a kind; the kind fixes the names, types and ranges of its parameters
 * (docs/POLICY.md lists them, `ereje policy kinds` prints them).
 *
 * Loading never stops at the first problem: every error is recorded as a
 * diagnostic "file:line:col: message" and the policy is unusable until a
 * load and ej_policy_resolve report none.
 *
 * Lifetime: everything returned by the accessors is owned by the policy and
 * lives until ej_policy_free.
 */
#ifndef EREJE_POLICY_H
#define EREJE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/calendar.h"
#include "ereje/date.h"
#include "ereje/deadline.h"
#include "ereje/err.h"
#include "ereje/tz.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ej_policy;
struct ej_pack;
struct ej_rule;

/* Largest policy file accepted, in bytes. */
#define EJ_POLICY_FILE_MAX (1024 * 1024)
/* Most diagnostics kept; later ones are counted but dropped. */
#define EJ_POLICY_DIAG_MAX 200

enum ej_rule_status { EJ_STATUS_IN_FORCE, EJ_STATUS_DRAFT };
enum ej_mode { EJ_MODE_OFF, EJ_MODE_SHADOW, EJ_MODE_ENFORCE };
enum ej_lang { EJ_LANG_KK, EJ_LANG_RU, EJ_LANG_EN };

enum ej_value_type {
    EJ_VAL_NULL,
    EJ_VAL_INT,
    EJ_VAL_NUMBER,
    EJ_VAL_BOOL,
    EJ_VAL_STRING,
    EJ_VAL_ENUM,
    EJ_VAL_DURATION,
    EJ_VAL_DATE,
    EJ_VAL_TEXT,
    EJ_VAL_LIST,
    EJ_VAL_FINES,
    EJ_VAL_BAND,
};

/* Text in the three languages of the law; all three are required. */
struct ej_text {
    const char *kk, *ru, *en;
};

/* One line of a fine schedule, in MCI. */
struct ej_fine {
    const char *subject; /* individual, official, small, medium, large, npo */
    int64_t first;       /* first offence */
    int64_t repeat;      /* repeat within the rule's repeat window; -1
                            when the source states none (YAML null) */
};

/* A range of MCI a fine may take. */
struct ej_band {
    int64_t min, max;
};

struct ej_value {
    enum ej_value_type type;
    union {
        int64_t i;
        double num;
        bool b;
        const char *s; /* STRING and ENUM */
        struct ej_duration dur;
        struct ej_date date;
        struct ej_text text;
        struct ej_band band;
        struct {
            const struct ej_value *items;
            size_t n;
        } list;
        struct {
            const struct ej_fine *items;
            size_t n;
        } fines;
    } u;
};

struct ej_citation {
    const char *url;
    const char *quote;
};

/* --- loading ------------------------------------------------------------ */

/* New empty policy; free with ej_policy_free. */
EJ_EXTERN enum ej_err ej_policy_new(struct ej_policy **out);
EJ_EXTERN void ej_policy_free(struct ej_policy *p);

/* Parse one YAML file's bytes (file is the name used in diagnostics).
 * EJ_OK when the file added no diagnostic, EJ_PACK_INVALID when it did,
 * EJ_TOO_BIG past EJ_POLICY_FILE_MAX, EJ_NOMEM. A file that declares a pack
 * or table id already loaded is a diagnostic. */
EJ_EXTERN enum ej_err ej_policy_add_yaml(struct ej_policy *p, const char *file,
                                         const char *buf, size_t len);

/* Tables files loaded, and the id of the i-th. */
EJ_EXTERN size_t ej_policy_tables_count(const struct ej_policy *p);
EJ_EXTERN const char *ej_policy_tables_id(const struct ej_policy *p,
                                          size_t i);
/* True when a tables file with this id is loaded. */
EJ_EXTERN bool ej_policy_has_tables(const struct ej_policy *p,
                                    const char *id);

/* Check references between files (a pack's calendar and MCI table must be
 * loaded). Call after the last ej_policy_add_yaml. EJ_OK when the policy
 * has no diagnostic at all, else EJ_PACK_INVALID. */
EJ_EXTERN enum ej_err ej_policy_resolve(struct ej_policy *p);

/* Diagnostics, each "file:line:col: message", in the order found. */
EJ_EXTERN size_t ej_policy_diag_count(const struct ej_policy *p);
EJ_EXTERN const char *ej_policy_diag(const struct ej_policy *p, size_t i);
/* Diagnostics found beyond EJ_POLICY_DIAG_MAX. */
EJ_EXTERN size_t ej_policy_diag_dropped(const struct ej_policy *p);
/* Add a diagnostic found outside the loader (e.g. a zone file missing). */
EJ_EXTERN enum ej_err ej_policy_add_diag(struct ej_policy *p, const char *file,
                                         int line, int col, const char *msg);

/* Switch every draft rule whose mode is not off to enforce (the
 * --enforce-drafts option). */
EJ_EXTERN void ej_policy_enforce_drafts(struct ej_policy *p, bool on);

/* Attach a zone a pack names; the policy takes ownership of tz. EJ_INVALID
 * when a zone of that name is already attached (tz is then freed). */
EJ_EXTERN enum ej_err ej_policy_attach_tz(struct ej_policy *p,
                                          struct ej_tz *tz);
EJ_EXTERN const struct ej_tz *ej_policy_tz(const struct ej_policy *p,
                                           const char *name);

/* --- packs and tables --------------------------------------------------- */

EJ_EXTERN size_t ej_policy_pack_count(const struct ej_policy *p);
EJ_EXTERN const struct ej_pack *ej_policy_pack(const struct ej_policy *p,
                                               size_t i);
EJ_EXTERN const struct ej_pack *ej_policy_find_pack(const struct ej_policy *p,
                                                    const char *id);

EJ_EXTERN const char *ej_pack_id(const struct ej_pack *k);
EJ_EXTERN const char *ej_pack_version(const struct ej_pack *k);
EJ_EXTERN const char *ej_pack_jurisdiction(const struct ej_pack *k);
EJ_EXTERN const char *ej_pack_time_zone(const struct ej_pack *k);
EJ_EXTERN enum ej_rule_status ej_pack_status(const struct ej_pack *k);
EJ_EXTERN const char *ej_pack_file(const struct ej_pack *k);
/* Line and column (1-based) of the pack's time_zone, for diagnostics. */
EJ_EXTERN void ej_pack_time_zone_pos(const struct ej_pack *k, int *line,
                                     int *col);
/* The pack's calendar and zone, NULL before a successful resolve or when
 * the zone was not attached. */
EJ_EXTERN const struct ej_calendar *ej_pack_calendar(const struct ej_pack *k);
EJ_EXTERN const struct ej_tz *ej_pack_tz(const struct ej_policy *p,
                                         const struct ej_pack *k);
EJ_EXTERN size_t ej_pack_rule_count(const struct ej_pack *k);
EJ_EXTERN const struct ej_rule *ej_pack_rule(const struct ej_pack *k,
                                             size_t i);

/* Calendar by id, NULL when none. */
EJ_EXTERN const struct ej_calendar *ej_policy_calendar(
    const struct ej_policy *p, const char *id);

/* MCI in tenge for a year, from the table the pack names. EJ_NOT_FOUND
 * when the table has no such year. */
EJ_EXTERN enum ej_err ej_pack_mci(const struct ej_policy *p,
                                  const struct ej_pack *k, int year,
                                  int64_t *out_kzt);

/* --- rules -------------------------------------------------------------- */

/* Rule by id across all packs; NULL when none. *pack_out (if not NULL) is
 * the pack that holds it. */
EJ_EXTERN const struct ej_rule *ej_policy_find_rule(
    const struct ej_policy *p, const char *id, const struct ej_pack **pack_out);

EJ_EXTERN const char *ej_rule_id(const struct ej_rule *r);
EJ_EXTERN const char *ej_rule_kind(const struct ej_rule *r);
EJ_EXTERN const char *ej_rule_title(const struct ej_rule *r, enum ej_lang l);
EJ_EXTERN enum ej_rule_status ej_rule_status(const struct ej_rule *r);
/* false when the rule has no effective_from (a draft with no known date). */
EJ_EXTERN bool ej_rule_effective_from(const struct ej_rule *r,
                                      struct ej_date *out);
/* The mode the pack sets (or the default: enforce for in_force rules,
 * shadow for drafts). */
EJ_EXTERN enum ej_mode ej_rule_default_mode(const struct ej_rule *r);
/* The mode in effect: the default mode, or enforce for a draft rule when
 * drafts are enforced and the rule is not off. */
EJ_EXTERN enum ej_mode ej_rule_mode(const struct ej_policy *p,
                                    const struct ej_rule *r);
/* The mode for an act on local date d: off before effective_from, else
 * ej_rule_mode. */
EJ_EXTERN enum ej_mode ej_rule_mode_on(const struct ej_policy *p,
                                       const struct ej_rule *r,
                                       struct ej_date d);
EJ_EXTERN size_t ej_rule_citation_count(const struct ej_rule *r);
EJ_EXTERN const struct ej_citation *ej_rule_citation(const struct ej_rule *r,
                                                     size_t i);
/* Parameter by name; NULL when the rule has none of that name. */
EJ_EXTERN const struct ej_value *ej_rule_param(const struct ej_rule *r,
                                               const char *name);
/* Note of the assumption made for a parameter, NULL when the value is not
 * marked as an assumption. */
EJ_EXTERN const char *ej_rule_assumption(const struct ej_rule *r,
                                         const char *param);

/* Typed getters: EJ_PARAM_NOT_FOUND, EJ_PARAM_TYPE. */
EJ_EXTERN enum ej_err ej_rule_param_int(const struct ej_rule *r,
                                        const char *name, int64_t *out);
EJ_EXTERN enum ej_err ej_rule_param_duration(const struct ej_rule *r,
                                             const char *name,
                                             struct ej_duration *out);

EJ_EXTERN const char *ej_mode_name(enum ej_mode m);
EJ_EXTERN const char *ej_status_name(enum ej_rule_status s);

/* --- schema ------------------------------------------------------------- */

/* The kinds of rule the loader knows, with their parameters, for help and
 * documentation. Strings are static. */
struct ej_param_spec {
    const char *name;
    enum ej_value_type type;
    enum ej_value_type elem;   /* element type of a LIST */
    bool required;
    bool nullable;
    double min, max;           /* INT/NUMBER range; LIST length */
    const char *const *values; /* ENUM (and LIST of ENUM) values, NULL-ended */
    const char *doc;
};

struct ej_kind_spec {
    const char *name;
    const char *doc;
    const struct ej_param_spec *params;
    size_t n_params;
};

EJ_EXTERN size_t ej_kind_count(void);
EJ_EXTERN const struct ej_kind_spec *ej_kind(size_t i);
EJ_EXTERN const struct ej_kind_spec *ej_kind_find(const char *name);
EJ_EXTERN const char *ej_value_type_name(enum ej_value_type t);

#ifdef __cplusplus
}
#endif
#endif
