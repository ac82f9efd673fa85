/* policy_int.h: the policy model shared by policy.c (accessors, resolve)
 * and policy_load.c (the YAML loader). Private to lib/. */
#ifndef EJ_POLICY_INT_H
#define EJ_POLICY_INT_H

#include "internal.h"
#include "arena.h"

/* A loaded policy may use at most this many bytes of arena. */
#define EJ__POLICY_ARENA_MAX (64u * 1024 * 1024)
#define EJ__POLICY_MAX_PACKS 256
#define EJ__POLICY_MAX_CALENDARS 64

struct ej__pos {
    int line, col; /* 1-based */
};

struct ej__named_value {
    const char *name;
    struct ej_value value;
};

struct ej__assumption {
    const char *param;
    const char *note;
};

struct ej_rule {
    const char *id;
    const char *kind;
    struct ej_text title;
    enum ej_rule_status status;
    bool has_effective_from;
    struct ej_date effective_from;
    enum ej_mode mode;
    struct ej_citation *citations;
    size_t n_citations;
    struct ej__named_value *params;
    size_t n_params;
    struct ej__assumption *assumptions;
    size_t n_assumptions;
    const char *file;
    struct ej__pos pos;
};

struct ej_pack {
    const char *file;
    const char *id, *version, *jurisdiction, *time_zone;
    struct ej__pos tz_pos;
    enum ej_rule_status status;
    const char *calendar_id, *mci_id;
    struct ej__pos calendar_pos, mci_pos;
    const struct ej_calendar *calendar; /* set by resolve */
    const struct ej__tables *mci;       /* set by resolve */
    struct ej_rule *rules;
    size_t n_rules;
};

struct ej__mci {
    int year;
    int64_t kzt;
};

struct ej__tables {
    const char *file;
    const char *id, *version;
    struct ej__mci *mci;
    size_t n_mci;
};

struct ej_policy {
    struct ej__arena arena;
    struct ej_pack **packs;
    size_t n_packs;
    struct ej_pack **bad_packs; /* had errors: only checked, never used */
    size_t n_bad_packs;
    struct ej__tables **tables;
    size_t n_tables;
    struct ej_calendar **calendars;
    size_t n_calendars;
    struct ej_tz **tzs;
    size_t n_tzs;
    char **diags;
    size_t n_diags, dropped;
    bool enforce_drafts;
};

/* Append a formatted diagnostic "file:line:col: msg". */
void ej__policy_diagf(struct ej_policy *p, const char *file,
                      struct ej__pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Grow-by-one helpers for the policy's pointer arrays. */
enum ej_err ej__policy_push(void ***arr, size_t *n, void *item, size_t max);

#endif
