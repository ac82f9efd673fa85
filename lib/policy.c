/* policy.c: the loaded policy: accessors, modes, cross-file references.
 * The YAML loader that fills it is policy_load.c. */
#include "policy_int.h"

#include <stdarg.h>
#include <stdio.h>

enum ej_err ej_policy_new(struct ej_policy **out)
{
    struct ej_policy *p = ej__calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        return EJ_NOMEM;
    p->arena.max_total = EJ__POLICY_ARENA_MAX;
    *out = p;
    return EJ_OK;
}

void ej_policy_free(struct ej_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_calendars; i++)
        ej_calendar_free(p->calendars[i]);
    for (size_t i = 0; i < p->n_tzs; i++)
        ej_tz_free(p->tzs[i]);
    for (size_t i = 0; i < p->n_diags; i++)
        ej__free(p->diags[i]);
    ej__free(p->calendars);
    ej__free(p->tzs);
    ej__free(p->diags);
    ej__free(p->packs);
    ej__free(p->bad_packs);
    ej__free(p->tables);
    ej__arena_free(&p->arena);
    ej__free(p);
}

enum ej_err ej__policy_push(void ***arr, size_t *n, void *item, size_t max)
{
    if (*n >= max)
        return EJ_TOO_BIG;
    void **na = ej__realloc(*arr, (*n + 1) * sizeof *na);
    if (!na)
        return EJ_NOMEM;
    na[(*n)++] = item;
    *arr = na;
    return EJ_OK;
}

void ej__policy_diagf(struct ej_policy *p, const char *file, struct ej__pos pos,
                      const char *fmt, ...)
{
    char msg[512], line[768];
    va_list ap;
    if (p->n_diags >= EJ_POLICY_DIAG_MAX) {
        p->dropped++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Keep each diagnostic on one line whatever the YAML held. */
    for (char *c = msg; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    int n = snprintf(line, sizeof line, "%s:%d:%d: %s", file, pos.line,
                     pos.col, msg);
    char *d = ej__strndup(line, n < 0 ? 0 : strlen(line));
    if (!d || ej__policy_push((void ***)&p->diags, &p->n_diags, d,
                              EJ_POLICY_DIAG_MAX) != EJ_OK) {
        ej__free(d);
        p->dropped++;
    }
}

enum ej_err ej_policy_add_diag(struct ej_policy *p, const char *file, int line,
                               int col, const char *msg)
{
    ej__policy_diagf(p, file, (struct ej__pos){line, col}, "%s", msg);
    return EJ_OK;
}

size_t ej_policy_diag_count(const struct ej_policy *p) { return p->n_diags; }
const char *ej_policy_diag(const struct ej_policy *p, size_t i)
{
    return i < p->n_diags ? p->diags[i] : NULL;
}
size_t ej_policy_diag_dropped(const struct ej_policy *p) { return p->dropped; }

void ej_policy_enforce_drafts(struct ej_policy *p, bool on)
{
    p->enforce_drafts = on;
}

enum ej_err ej_policy_attach_tz(struct ej_policy *p, struct ej_tz *tz)
{
    if (ej_policy_tz(p, ej_tz_name(tz))) {
        ej_tz_free(tz);
        return EJ_INVALID;
    }
    enum ej_err rc = ej__policy_push((void ***)&p->tzs, &p->n_tzs, tz, 64);
    if (rc != EJ_OK)
        ej_tz_free(tz);
    return rc;
}

const struct ej_tz *ej_policy_tz(const struct ej_policy *p, const char *name)
{
    for (size_t i = 0; i < p->n_tzs; i++)
        if (strcmp(ej_tz_name(p->tzs[i]), name) == 0)
            return p->tzs[i];
    return NULL;
}

size_t ej_policy_tables_count(const struct ej_policy *p)
{
    return p->n_tables;
}

const char *ej_policy_tables_id(const struct ej_policy *p, size_t i)
{
    return i < p->n_tables ? p->tables[i]->id : NULL;
}

bool ej_policy_has_tables(const struct ej_policy *p, const char *id)
{
    for (size_t i = 0; i < p->n_tables; i++)
        if (strcmp(p->tables[i]->id, id) == 0)
            return true;
    return false;
}

const struct ej_calendar *ej_policy_calendar(const struct ej_policy *p,
                                             const char *id)
{
    for (size_t i = 0; i < p->n_calendars; i++)
        if (strcmp(ej_calendar_id(p->calendars[i]), id) == 0)
            return p->calendars[i];
    return NULL;
}

static void resolve_pack(struct ej_policy *p, struct ej_pack *k)
{
    if (k->calendar_id) {
        k->calendar = ej_policy_calendar(p, k->calendar_id);
        if (!k->calendar)
            ej__policy_diagf(p, k->file, k->calendar_pos,
                             "pack '%s' names calendar '%s', which no loaded "
                             "tables file defines",
                             k->id ? k->id : "?", k->calendar_id);
    }
    if (k->mci_id) {
        k->mci = NULL;
        for (size_t t = 0; t < p->n_tables; t++)
            if (strcmp(p->tables[t]->id, k->mci_id) == 0)
                k->mci = p->tables[t];
        if (!k->mci)
            ej__policy_diagf(p, k->file, k->mci_pos,
                             "pack '%s' names MCI table '%s', which no loaded "
                             "tables file defines",
                             k->id ? k->id : "?", k->mci_id);
        else if (k->mci->n_mci == 0)
            ej__policy_diagf(p, k->file, k->mci_pos,
                             "tables '%s' named as the MCI table of pack "
                             "'%s' has no 'mci' rows",
                             k->mci_id, k->id ? k->id : "?");
    }
}

enum ej_err ej_policy_resolve(struct ej_policy *p)
{
    for (size_t i = 0; i < p->n_packs; i++)
        resolve_pack(p, p->packs[i]);
    for (size_t i = 0; i < p->n_bad_packs; i++)
        resolve_pack(p, p->bad_packs[i]);
    return p->n_diags || p->dropped ? EJ_PACK_INVALID : EJ_OK;
}

size_t ej_policy_pack_count(const struct ej_policy *p) { return p->n_packs; }
const struct ej_pack *ej_policy_pack(const struct ej_policy *p, size_t i)
{
    return i < p->n_packs ? p->packs[i] : NULL;
}

const struct ej_pack *ej_policy_find_pack(const struct ej_policy *p,
                                          const char *id)
{
    for (size_t i = 0; i < p->n_packs; i++)
        if (strcmp(p->packs[i]->id, id) == 0)
            return p->packs[i];
    return NULL;
}

const char *ej_pack_id(const struct ej_pack *k) { return k->id; }
const char *ej_pack_version(const struct ej_pack *k) { return k->version; }
const char *ej_pack_jurisdiction(const struct ej_pack *k)
{
    return k->jurisdiction;
}
const char *ej_pack_time_zone(const struct ej_pack *k) { return k->time_zone; }
enum ej_rule_status ej_pack_status(const struct ej_pack *k)
{
    return k->status;
}
const char *ej_pack_file(const struct ej_pack *k) { return k->file; }
void ej_pack_time_zone_pos(const struct ej_pack *k, int *line, int *col)
{
    *line = k->tz_pos.line;
    *col = k->tz_pos.col;
}
const struct ej_calendar *ej_pack_calendar(const struct ej_pack *k)
{
    return k->calendar;
}
const struct ej_tz *ej_pack_tz(const struct ej_policy *p,
                               const struct ej_pack *k)
{
    return ej_policy_tz(p, k->time_zone);
}
size_t ej_pack_rule_count(const struct ej_pack *k) { return k->n_rules; }
const struct ej_rule *ej_pack_rule(const struct ej_pack *k, size_t i)
{
    return i < k->n_rules ? &k->rules[i] : NULL;
}

enum ej_err ej_pack_mci(const struct ej_policy *p, const struct ej_pack *k,
                        int year, int64_t *out_kzt)
{
    (void)p;
    if (!k->mci)
        return EJ_NOT_FOUND;
    for (size_t i = 0; i < k->mci->n_mci; i++)
        if (k->mci->mci[i].year == year) {
            *out_kzt = k->mci->mci[i].kzt;
            return EJ_OK;
        }
    return EJ_NOT_FOUND;
}

const struct ej_rule *ej_policy_find_rule(const struct ej_policy *p,
                                          const char *id,
                                          const struct ej_pack **pack_out)
{
    for (size_t i = 0; i < p->n_packs; i++)
        for (size_t j = 0; j < p->packs[i]->n_rules; j++)
            if (strcmp(p->packs[i]->rules[j].id, id) == 0) {
                if (pack_out)
                    *pack_out = p->packs[i];
                return &p->packs[i]->rules[j];
            }
    return NULL;
}

const char *ej_rule_id(const struct ej_rule *r) { return r->id; }
const char *ej_rule_kind(const struct ej_rule *r) { return r->kind; }
const char *ej_rule_title(const struct ej_rule *r, enum ej_lang l)
{
    return l == EJ_LANG_KK ? r->title.kk
           : l == EJ_LANG_RU ? r->title.ru
                             : r->title.en;
}
enum ej_rule_status ej_rule_status(const struct ej_rule *r)
{
    return r->status;
}
bool ej_rule_effective_from(const struct ej_rule *r, struct ej_date *out)
{
    if (r->has_effective_from)
        *out = r->effective_from;
    return r->has_effective_from;
}
enum ej_mode ej_rule_default_mode(const struct ej_rule *r) { return r->mode; }

enum ej_mode ej_rule_mode(const struct ej_policy *p, const struct ej_rule *r)
{
    if (p->enforce_drafts && r->status == EJ_STATUS_DRAFT &&
        r->mode != EJ_MODE_OFF)
        return EJ_MODE_ENFORCE;
    return r->mode;
}

enum ej_mode ej_rule_mode_on(const struct ej_policy *p, const struct ej_rule *r,
                             struct ej_date d)
{
    if (r->has_effective_from && ej_date_cmp(d, r->effective_from) < 0)
        return EJ_MODE_OFF;
    return ej_rule_mode(p, r);
}

size_t ej_rule_citation_count(const struct ej_rule *r)
{
    return r->n_citations;
}
const struct ej_citation *ej_rule_citation(const struct ej_rule *r, size_t i)
{
    return i < r->n_citations ? &r->citations[i] : NULL;
}

const struct ej_value *ej_rule_param(const struct ej_rule *r, const char *name)
{
    for (size_t i = 0; i < r->n_params; i++)
        if (strcmp(r->params[i].name, name) == 0)
            return &r->params[i].value;
    return NULL;
}

const char *ej_rule_assumption(const struct ej_rule *r, const char *param)
{
    for (size_t i = 0; i < r->n_assumptions; i++)
        if (strcmp(r->assumptions[i].param, param) == 0)
            return r->assumptions[i].note;
    return NULL;
}

enum ej_err ej_rule_param_int(const struct ej_rule *r, const char *name,
                              int64_t *out)
{
    const struct ej_value *v = ej_rule_param(r, name);
    if (!v)
        return EJ_PARAM_NOT_FOUND;
    if (v->type != EJ_VAL_INT)
        return EJ_PARAM_TYPE;
    *out = v->u.i;
    return EJ_OK;
}

enum ej_err ej_rule_param_duration(const struct ej_rule *r, const char *name,
                                   struct ej_duration *out)
{
    const struct ej_value *v = ej_rule_param(r, name);
    if (!v)
        return EJ_PARAM_NOT_FOUND;
    if (v->type != EJ_VAL_DURATION)
        return EJ_PARAM_TYPE;
    *out = v->u.dur;
    return EJ_OK;
}

const char *ej_mode_name(enum ej_mode m)
{
    return m == EJ_MODE_ENFORCE ? "enforce"
           : m == EJ_MODE_SHADOW ? "shadow"
                                 : "off";
}

const char *ej_status_name(enum ej_rule_status s)
{
    return s == EJ_STATUS_IN_FORCE ? "in_force" : "draft";
}
