/* policy_load.c: reads policy YAML (packs and shared tables) into the model
 * of policy_int.h, validating as it goes.
 *
 * libyaml builds the node graph (with line and column marks); this file
 * walks it against a fixed schema for the file, the pack and the tables,
 * and against the kind table of kind.c for rule parameters. Every problem
 * becomes a diagnostic; the walk goes on so that one run reports them all.
 * Plain scalars are typed (integers, booleans, dates, null); quoted scalars
 * are always strings, so "5000" where a count is expected is an error.
 */
#include "policy_int.h"

#include <yaml.h>

#define MAX_STRING 4096
#define MAX_LIST 4096
#define MAX_VISITS 200000

struct ld {
    struct ej_policy *p;
    yaml_document_t *doc;
    const char *file; /* arena copy */
    size_t errors;
    size_t visits;
    bool oom;
};

static struct ej__pos pos_of(const yaml_node_t *n)
{
    return (struct ej__pos){(int)n->start_mark.line + 1,
                            (int)n->start_mark.column + 1};
}

#define DIAG(l, node, ...)                                              \
    do {                                                                \
        (l)->errors++;                                                  \
        ej__policy_diagf((l)->p, (l)->file, pos_of(node), __VA_ARGS__); \
    } while (0)

static void *alloc(struct ld *l, size_t n)
{
    void *m = ej__arena_alloc(&l->p->arena, n);
    if (!m)
        l->oom = true;
    return m;
}

/* Node by index; NULL once the walk has visited MAX_VISITS nodes, which
 * bounds the work an aliased ("billion laughs") document can cause. */
static yaml_node_t *node(struct ld *l, int idx)
{
    if (++l->visits > MAX_VISITS)
        return NULL;
    return yaml_document_get_node(l->doc, idx);
}

static const char *type_word(const yaml_node_t *n)
{
    return n->type == YAML_MAPPING_NODE    ? "a mapping"
           : n->type == YAML_SEQUENCE_NODE ? "a list"
                                           : "a scalar";
}

static bool is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE &&
           n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static bool is_null(const yaml_node_t *n)
{
    if (!is_plain(n))
        return false;
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    return len == 0 || (len == 1 && s[0] == '~') ||
           (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
                         !memcmp(s, "NULL", 4)));
}

/* Scalar text, or NULL with a diagnostic naming what was expected. */
static const char *scalar(struct ld *l, yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE) {
        DIAG(l, n, "%s must be a scalar, not %s", what, type_word(n));
        return NULL;
    }
    if (n->data.scalar.length > MAX_STRING) {
        DIAG(l, n, "%s is longer than %d bytes", what, MAX_STRING);
        return NULL;
    }
    if (memchr(n->data.scalar.value, '\0', n->data.scalar.length)) {
        DIAG(l, n, "%s contains a NUL character", what);
        return NULL;
    }
    return (const char *)n->data.scalar.value;
}

/* A non-empty string (plain or quoted) copied into the arena. */
static const char *string(struct ld *l, yaml_node_t *n, const char *what)
{
    const char *s = scalar(l, n, what);
    if (!s)
        return NULL;
    if (is_null(n)) {
        DIAG(l, n, "%s must not be empty", what);
        return NULL;
    }
    return ej__arena_strndup(&l->p->arena, s, n->data.scalar.length);
}

/* Identifier: [a-z0-9][a-z0-9._-]*, at most 64 bytes. */
static const char *ident(struct ld *l, yaml_node_t *n, const char *what)
{
    const char *s = scalar(l, n, what);
    if (!s)
        return NULL;
    size_t len = n->data.scalar.length;
    bool ok = len > 0 && len <= 64 && (ej__is_digit(s[0]) ||
                                       (s[0] >= 'a' && s[0] <= 'z'));
    for (size_t i = 0; ok && i < len; i++)
        ok = ej__is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') ||
             s[i] == '.' || s[i] == '_' || s[i] == '-';
    if (!ok) {
        DIAG(l, n,
             "%s '%.*s' is not an identifier (lower-case letters, digits, "
             "'.', '_' and '-', at most 64)",
             what, (int)(len > 64 ? 64 : len), s);
        return NULL;
    }
    return ej__arena_strndup(&l->p->arena, s, len);
}

static int enum_index(const char *const *vals, const char *s, size_t len)
{
    for (int i = 0; vals[i]; i++)
        if (strlen(vals[i]) == len && memcmp(vals[i], s, len) == 0)
            return i;
    return -1;
}

static void join_values(const char *const *vals, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; vals[i] && o + 2 < cap; i++) {
        int n = snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", vals[i]);
        if (n < 0)
            break;
        o += (size_t)n;
    }
}

/* Index into vals of an enum scalar, or -1 with a diagnostic. */
static int enum_of(struct ld *l, yaml_node_t *n, const char *what,
                   const char *const *vals)
{
    const char *s = scalar(l, n, what);
    if (!s)
        return -1;
    int i = enum_index(vals, s, n->data.scalar.length);
    if (i < 0) {
        char list[400];
        join_values(vals, list, sizeof list);
        DIAG(l, n, "%s '%.*s' is not one of: %s", what,
             (int)(n->data.scalar.length > 64 ? 64 : n->data.scalar.length),
             s, list);
    }
    return i;
}

/* --- mappings ------------------------------------------------------------ */

struct field {
    const char *key;
    bool required;
    yaml_node_t *value; /* out */
    yaml_node_t *key_node;
};

/* Match the keys of mapping n to fields; unknown, duplicate and missing
 * keys are diagnostics. Returns false when n is not a mapping. */
static bool fields(struct ld *l, yaml_node_t *n, const char *what,
                   struct field *f, size_t nf)
{
    for (size_t i = 0; i < nf; i++)
        f[i].value = f[i].key_node = NULL;
    if (n->type != YAML_MAPPING_NODE) {
        DIAG(l, n, "%s must be a mapping, not %s", what, type_word(n));
        return false;
    }
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
         pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
        if (!k || !v)
            continue;
        const char *ks = k->type == YAML_SCALAR_NODE
                             ? (const char *)k->data.scalar.value
                             : NULL;
        size_t kl = ks ? k->data.scalar.length : 0;
        size_t i = 0;
        for (; ks && i < nf; i++)
            if (strlen(f[i].key) == kl && memcmp(f[i].key, ks, kl) == 0)
                break;
        if (!ks || i == nf) {
            char list[400];
            size_t o = 0;
            list[0] = '\0';
            for (size_t j = 0; j < nf && o + 2 < sizeof list; j++) {
                int w = snprintf(list + o, sizeof list - o, "%s%s",
                                 j ? ", " : "", f[j].key);
                if (w < 0)
                    break;
                o += (size_t)w;
            }
            DIAG(l, k, "unknown key '%.*s' in %s (known: %s)",
                 (int)(kl > 64 ? 64 : kl), ks ? ks : "?", what, list);
            continue;
        }
        if (f[i].value) {
            DIAG(l, k, "duplicate key '%s' in %s (first at line %d)",
                 f[i].key, what, pos_of(f[i].key_node).line);
            continue;
        }
        f[i].value = v;
        f[i].key_node = k;
    }
    for (size_t i = 0; i < nf; i++)
        if (f[i].required && !f[i].value)
            DIAG(l, n, "%s lacks required key '%s'", what, f[i].key);
    return true;
}

/* --- typed values --------------------------------------------------------- */

static bool parse_i64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    int64_t v = 0;
    if (len && s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == len)
        return false;
    for (; i < len; i++) {
        if (!ej__is_digit(s[i]) || v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

/* Decimal number [-]d+[.d+]; locale-free. */
static bool parse_num(const char *s, size_t len, double *out)
{
    size_t i = 0;
    double v = 0, scale = 1;
    bool neg = false, digits = false, dot = false;
    if (len && s[0] == '-') {
        neg = true;
        i = 1;
    }
    for (; i < len; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!ej__is_digit(s[i]) || (digits && v > 1e15))
            return false;
        digits = true;
        if (dot) {
            scale /= 10;
            v += (s[i] - '0') * scale;
        } else {
            v = v * 10 + (s[i] - '0');
        }
    }
    if (!digits || (dot && s[len - 1] == '.'))
        return false;
    *out = neg ? -v : v;
    return true;
}

static bool int_value(struct ld *l, yaml_node_t *n, const char *what,
                      double lo, double hi, int64_t *out)
{
    const char *s = scalar(l, n, what);
    if (!s)
        return false;
    if (!is_plain(n) || !parse_i64(s, n->data.scalar.length, out)) {
        DIAG(l, n, "%s must be an integer%s", what,
             is_plain(n) ? "" : " (not a quoted string)");
        return false;
    }
    if ((double)*out < lo || (double)*out > hi) {
        DIAG(l, n, "%s %lld is out of range %.0f..%.0f", what,
             (long long)*out, lo, hi);
        return false;
    }
    return true;
}

static bool date_value(struct ld *l, yaml_node_t *n, const char *what,
                       struct ej_date *out)
{
    const char *s = scalar(l, n, what);
    if (!s)
        return false;
    enum ej_err rc = ej_date_parse(s, n->data.scalar.length, out);
    if (rc != EJ_OK) {
        DIAG(l, n, "%s '%.*s': %s", what,
             (int)(n->data.scalar.length > 40 ? 40 : n->data.scalar.length),
             s, rc == EJ_TIME_RANGE ? "no such date" : "expected YYYY-MM-DD");
        return false;
    }
    return true;
}

static bool text_value(struct ld *l, yaml_node_t *n, const char *what,
                       struct ej_text *out)
{
    struct field f[] = {{"kk", true, 0, 0}, {"ru", true, 0, 0},
                        {"en", true, 0, 0}};
    size_t before = l->errors;
    if (!fields(l, n, what, f, EJ_ARRAY_LEN(f)))
        return false;
    const char **dst[] = {&out->kk, &out->ru, &out->en};
    for (size_t i = 0; i < 3; i++)
        if (f[i].value)
            *dst[i] = string(l, f[i].value, f[i].key);
    return l->errors == before;
}

static bool citation_value(struct ld *l, yaml_node_t *n,
                           struct ej_citation *out)
{
    struct field f[] = {{"url", true, 0, 0}, {"quote", true, 0, 0}};
    size_t before = l->errors;
    if (!fields(l, n, "citation", f, EJ_ARRAY_LEN(f)))
        return false;
    if (f[0].value && (out->url = string(l, f[0].value, "url")) &&
        strncmp(out->url, "https://", 8) != 0 &&
        strncmp(out->url, "http://", 7) != 0)
        DIAG(l, f[0].value, "url '%.60s' must start with https:// or http://",
             out->url);
    if (f[1].value && (out->quote = string(l, f[1].value, "quote")) &&
        strlen(out->quote) > 1000)
        DIAG(l, f[1].value, "quote is longer than 1000 bytes: cite, do not "
                            "copy");
    return l->errors == before;
}

static bool citations(struct ld *l, yaml_node_t *n, struct ej_citation **out,
                      size_t *n_out)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        DIAG(l, n, "citations must be a list, not %s", type_word(n));
        return false;
    }
    size_t cnt = (size_t)(n->data.sequence.items.top -
                          n->data.sequence.items.start);
    if (cnt == 0 || cnt > 64) {
        DIAG(l, n, "citations must list 1 to 64 sources");
        return false;
    }
    struct ej_citation *c = alloc(l, cnt * sizeof *c);
    if (!c)
        return false;
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *it = node(l, n->data.sequence.items.start[i]);
        if (it)
            citation_value(l, it, &c[i]);
    }
    *out = c;
    *n_out = cnt;
    return true;
}

static const char *const fine_subjects[] = {
    "individual", "official", "small", "medium", "large", "npo", NULL};

static bool fines_value(struct ld *l, yaml_node_t *n, const char *what,
                        struct ej_value *out)
{
    if (n->type != YAML_MAPPING_NODE) {
        DIAG(l, n, "%s must be a mapping of subject class to "
                   "{first, repeat}, not %s", what, type_word(n));
        return false;
    }
    size_t cnt = (size_t)(n->data.mapping.pairs.top -
                          n->data.mapping.pairs.start);
    if (cnt == 0 || cnt > 6) {
        DIAG(l, n, "%s must list 1 to 6 subject classes", what);
        return false;
    }
    struct ej_fine *f = alloc(l, cnt * sizeof *f);
    if (!f)
        return false;
    size_t before = l->errors;
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
        yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
        if (!k || !v)
            continue;
        int si = enum_of(l, k, "subject class", fine_subjects);
        if (si < 0)
            continue;
        for (size_t j = 0; j < i; j++)
            if (f[j].subject && strcmp(f[j].subject, fine_subjects[si]) == 0)
                DIAG(l, k, "subject class '%s' is listed twice",
                     fine_subjects[si]);
        f[i].subject = fine_subjects[si];
        struct field ff[] = {{"first", true, 0, 0}, {"repeat", true, 0, 0}};
        f[i].repeat = -1;
        if (!fields(l, v, "fine", ff, 2) || !ff[0].value || !ff[1].value)
            continue;
        if (int_value(l, ff[0].value, "first", 0, 100000, &f[i].first) &&
            !is_null(ff[1].value) &&
            int_value(l, ff[1].value, "repeat", 0, 100000, &f[i].repeat) &&
            f[i].repeat < f[i].first)
            DIAG(l, ff[1].value, "repeat fine %lld MCI is less than the "
                                 "first-offence fine %lld MCI",
                 (long long)f[i].repeat, (long long)f[i].first);
    }
    out->type = EJ_VAL_FINES;
    out->u.fines.items = f;
    out->u.fines.n = cnt;
    return l->errors == before;
}

static bool band_value(struct ld *l, yaml_node_t *n, const char *what,
                       struct ej_band *out)
{
    struct field f[] = {{"min", true, 0, 0}, {"max", true, 0, 0}};
    if (!fields(l, n, what, f, 2) || !f[0].value || !f[1].value)
        return false;
    if (!int_value(l, f[0].value, "min", 0, 100000, &out->min) ||
        !int_value(l, f[1].value, "max", 0, 100000, &out->max))
        return false;
    if (out->min > out->max) {
        DIAG(l, n, "%s: min %lld is above max %lld", what,
             (long long)out->min, (long long)out->max);
        return false;
    }
    return true;
}

/* One value of type t (list elements use the spec's elem type). */
static bool typed_value(struct ld *l, yaml_node_t *n,
                        const struct ej_param_spec *sp, enum ej_value_type t,
                        struct ej_value *out)
{
    const char *what = sp->name;
    out->type = t;
    switch (t) {
    case EJ_VAL_INT:
        return int_value(l, n, what, sp->min, sp->max, &out->u.i);
    case EJ_VAL_NUMBER: {
        const char *s = scalar(l, n, what);
        if (!s)
            return false;
        if (!is_plain(n) ||
            !parse_num(s, n->data.scalar.length, &out->u.num)) {
            DIAG(l, n, "%s must be a number", what);
            return false;
        }
        if (out->u.num < sp->min || out->u.num > sp->max) {
            DIAG(l, n, "%s %g is out of range %g..%g", what, out->u.num,
                 sp->min, sp->max);
            return false;
        }
        return true;
    }
    case EJ_VAL_BOOL: {
        const char *s = scalar(l, n, what);
        if (!s)
            return false;
        size_t len = n->data.scalar.length;
        if (is_plain(n) && len == 4 && !memcmp(s, "true", 4))
            out->u.b = true;
        else if (is_plain(n) && len == 5 && !memcmp(s, "false", 5))
            out->u.b = false;
        else {
            DIAG(l, n, "%s must be true or false", what);
            return false;
        }
        return true;
    }
    case EJ_VAL_STRING:
        return (out->u.s = string(l, n, what)) != NULL;
    case EJ_VAL_ENUM: {
        int i = enum_of(l, n, what, sp->values);
        if (i < 0)
            return false;
        out->u.s = sp->values[i];
        return true;
    }
    case EJ_VAL_DURATION: {
        const char *s = scalar(l, n, what);
        if (!s)
            return false;
        enum ej_err rc =
            ej_duration_parse(s, n->data.scalar.length, &out->u.dur);
        if (rc != EJ_OK) {
            DIAG(l, n, "%s '%.*s': %s", what,
                 (int)(n->data.scalar.length > 40 ? 40
                                                  : n->data.scalar.length),
                 s, rc == EJ_RANGE ? "count out of range"
                                   : ej_strerror(EJ_DURATION_SYNTAX));
            return false;
        }
        return true;
    }
    case EJ_VAL_DATE:
        return date_value(l, n, what, &out->u.date);
    case EJ_VAL_TEXT:
        return text_value(l, n, what, &out->u.text);
    case EJ_VAL_FINES:
        return fines_value(l, n, what, out);
    case EJ_VAL_BAND:
        return band_value(l, n, what, &out->u.band);
    case EJ_VAL_LIST: {
        if (n->type != YAML_SEQUENCE_NODE) {
            DIAG(l, n, "%s must be a list, not %s", what, type_word(n));
            return false;
        }
        size_t cnt = (size_t)(n->data.sequence.items.top -
                              n->data.sequence.items.start);
        if (cnt > MAX_LIST || (double)cnt < sp->min ||
            (sp->max > 0 && (double)cnt > sp->max)) {
            DIAG(l, n, "%s must have %.0f to %.0f items, not %zu", what,
                 sp->min, sp->max, cnt);
            return false;
        }
        struct ej_value *items = cnt ? alloc(l, cnt * sizeof *items) : NULL;
        if (cnt && !items)
            return false;
        bool ok = true;
        for (size_t i = 0; i < cnt; i++) {
            yaml_node_t *it = node(l, n->data.sequence.items.start[i]);
            if (!it || !typed_value(l, it, sp, sp->elem, &items[i]))
                ok = false;
        }
        out->u.list.items = items;
        out->u.list.n = cnt;
        return ok;
    }
    case EJ_VAL_NULL:
        break;
    }
    return false;
}

/* --- rules ----------------------------------------------------------------- */

static const char *const statuses[] = {"in_force", "draft", NULL};
static const char *const modes[] = {"off", "shadow", "enforce", NULL};

static void rule_params(struct ld *l, yaml_node_t *rn, yaml_node_t *pn,
                        const struct ej_kind_spec *ks, struct ej_rule *r)
{
    size_t np = ks->n_params;
    r->params = alloc(l, np * sizeof *r->params);
    if (!r->params)
        return;
    if (pn && pn->type != YAML_MAPPING_NODE) {
        DIAG(l, pn, "params must be a mapping, not %s", type_word(pn));
        return;
    }
    struct field *f = alloc(l, np * sizeof *f);
    if (!f)
        return;
    for (size_t i = 0; i < np; i++) {
        f[i].key = ks->params[i].name;
        f[i].required = ks->params[i].required;
    }
    if (!pn) {
        for (size_t i = 0; i < np; i++)
            if (f[i].required)
                DIAG(l, rn, "rule '%s' of kind %s lacks params (it needs "
                            "'%s')", r->id ? r->id : "?", ks->name,
                     f[i].key);
        return;
    }
    char what[128];
    snprintf(what, sizeof what, "params of kind %s", ks->name);
    fields(l, pn, what, f, np);
    for (size_t i = 0; i < np; i++) {
        const struct ej_param_spec *sp = &ks->params[i];
        if (!f[i].value)
            continue;
        struct ej__named_value *nv = &r->params[r->n_params];
        nv->name = sp->name;
        if (is_null(f[i].value)) {
            if (!sp->nullable) {
                DIAG(l, f[i].value, "%s must have a value (%s)", sp->name,
                     ej_value_type_name(sp->type));
                continue;
            }
            nv->value.type = EJ_VAL_NULL;
            r->n_params++;
            continue;
        }
        if (typed_value(l, f[i].value, sp, sp->type, &nv->value))
            r->n_params++;
    }
}

static void rule_assumptions(struct ld *l, yaml_node_t *an,
                             const struct ej_kind_spec *ks, struct ej_rule *r)
{
    if (an->type != YAML_MAPPING_NODE) {
        DIAG(l, an, "assumptions must be a mapping of parameter name to "
                    "note, not %s", type_word(an));
        return;
    }
    size_t cnt = (size_t)(an->data.mapping.pairs.top -
                          an->data.mapping.pairs.start);
    r->assumptions = alloc(l, (cnt ? cnt : 1) * sizeof *r->assumptions);
    if (!r->assumptions)
        return;
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_pair_t *pr = &an->data.mapping.pairs.start[i];
        yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
        if (!k || !v)
            continue;
        const char *name = string(l, k, "assumption key");
        const char *note = string(l, v, "assumption note");
        if (!name || !note)
            continue;
        bool known = false;
        for (size_t j = 0; j < ks->n_params; j++)
            known |= strcmp(ks->params[j].name, name) == 0;
        if (!known) {
            DIAG(l, k, "assumption names '%s', which is not a parameter of "
                       "kind %s", name, ks->name);
            continue;
        }
        if (!ej_rule_param(r, name)) {
            DIAG(l, k, "assumption names '%s', which this rule does not "
                       "set", name);
            continue;
        }
        r->assumptions[r->n_assumptions++] =
            (struct ej__assumption){name, note};
    }
}

static void load_rule(struct ld *l, yaml_node_t *n, const struct ej_pack *k,
                      struct ej_rule *r)
{
    struct field f[] = {
        {"id", true, 0, 0},         {"kind", true, 0, 0},
        {"title", true, 0, 0},      {"status", true, 0, 0},
        {"effective_from", false, 0, 0}, {"mode", false, 0, 0},
        {"citations", true, 0, 0},  {"params", false, 0, 0},
        {"assumptions", false, 0, 0}, {"notes", false, 0, 0},
    };
    r->file = l->file;
    r->pos = pos_of(n);
    if (!fields(l, n, "rule", f, EJ_ARRAY_LEN(f)))
        return;
    if (f[0].value && (r->id = ident(l, f[0].value, "rule id"))) {
        const struct ej_pack *other = NULL;
        const struct ej_rule *dup = ej_policy_find_rule(l->p, r->id, &other);
        if (dup)
            DIAG(l, f[0].value, "rule id '%s' is already defined at %s:%d",
                 r->id, dup->file, dup->pos.line);
        for (size_t i = 0; i < k->n_rules; i++)
            if (&k->rules[i] != r && k->rules[i].id &&
                strcmp(k->rules[i].id, r->id) == 0)
                DIAG(l, f[0].value, "rule id '%s' is already defined at "
                                    "line %d", r->id, k->rules[i].pos.line);
    }
    if (f[2].value)
        text_value(l, f[2].value, "title", &r->title);
    int st = f[3].value ? enum_of(l, f[3].value, "status", statuses) : -1;
    r->status = st == 1 ? EJ_STATUS_DRAFT : EJ_STATUS_IN_FORCE;
    if (st == 0 && k->status == EJ_STATUS_DRAFT)
        DIAG(l, f[3].value, "rule '%s' is in_force but its pack '%s' is a "
                            "draft", r->id ? r->id : "?", k->id);
    if (f[4].value && !is_null(f[4].value))
        r->has_effective_from =
            date_value(l, f[4].value, "effective_from", &r->effective_from);
    else if (st == 0)
        DIAG(l, f[4].value ? f[4].value : n,
             "in_force rule '%s' needs an effective_from date",
             r->id ? r->id : "?");
    r->mode = r->status == EJ_STATUS_DRAFT ? EJ_MODE_SHADOW : EJ_MODE_ENFORCE;
    if (f[5].value) {
        int m = enum_of(l, f[5].value, "mode", modes);
        if (m >= 0)
            r->mode = (enum ej_mode)m;
    }
    if (f[6].value)
        citations(l, f[6].value, &r->citations, &r->n_citations);
    if (f[9].value)
        string(l, f[9].value, "notes");
    if (!f[1].value)
        return;
    const char *kind = scalar(l, f[1].value, "kind");
    const struct ej_kind_spec *ks = NULL;
    if (kind && !(ks = ej_kind_find(kind))) {
        char list[400];
        size_t o = 0;
        list[0] = '\0';
        for (size_t i = 0; i < ej_kind_count() && o + 2 < sizeof list; i++) {
            int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                             ej_kind(i)->name);
            if (w < 0)
                break;
            o += (size_t)w;
        }
        DIAG(l, f[1].value, "unknown rule kind '%.64s' (known: %s)", kind,
             list);
    }
    if (!ks)
        return;
    r->kind = ks->name;
    rule_params(l, n, f[7].value, ks, r);
    if (f[8].value)
        rule_assumptions(l, f[8].value, ks, r);
}

/* --- packs ---------------------------------------------------------------- */

static bool jurisdiction_ok(const char *s)
{
    return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
           s[1] <= 'Z';
}

/* A version is any scalar text, e.g. 1.0.0 or 2026.1 (kept as written). */
static const char *version_text(struct ld *l, yaml_node_t *n)
{
    return string(l, n, "version");
}

static void load_pack(struct ld *l, yaml_node_t *pn, yaml_node_t *rn)
{
    struct field f[] = {
        {"id", true, 0, 0},           {"version", true, 0, 0},
        {"jurisdiction", true, 0, 0}, {"time_zone", true, 0, 0},
        {"status", true, 0, 0},       {"calendar", true, 0, 0},
        {"mci", true, 0, 0},          {"title", true, 0, 0},
        {"notes", false, 0, 0},
    };
    struct ej_pack *k = alloc(l, sizeof *k);
    if (!k)
        return;
    k->file = l->file;
    if (!fields(l, pn, "pack", f, EJ_ARRAY_LEN(f)))
        return;
    k->id = f[0].value ? ident(l, f[0].value, "pack id") : NULL;
    if (k->id && ej_policy_find_pack(l->p, k->id))
        DIAG(l, f[0].value, "pack id '%s' is already loaded from %s", k->id,
             ej_policy_find_pack(l->p, k->id)->file);
    k->version = f[1].value ? version_text(l, f[1].value) : NULL;
    if (f[2].value && (k->jurisdiction = string(l, f[2].value,
                                                "jurisdiction")) &&
        !jurisdiction_ok(k->jurisdiction))
        DIAG(l, f[2].value, "jurisdiction '%.16s' must be an ISO 3166 "
                            "alpha-2 code such as KZ", k->jurisdiction);
    if (f[3].value) {
        k->tz_pos = pos_of(f[3].value);
        if ((k->time_zone = string(l, f[3].value, "time_zone")) &&
            !ej_tz_name_valid(k->time_zone))
            DIAG(l, f[3].value, "time_zone '%.64s' is not an IANA zone name "
                                "such as Asia/Almaty", k->time_zone);
    }
    int st = f[4].value ? enum_of(l, f[4].value, "status", statuses) : -1;
    k->status = st == 1 ? EJ_STATUS_DRAFT : EJ_STATUS_IN_FORCE;
    if (f[5].value) {
        k->calendar_pos = pos_of(f[5].value);
        k->calendar_id = ident(l, f[5].value, "calendar");
    }
    if (f[6].value) {
        k->mci_pos = pos_of(f[6].value);
        k->mci_id = ident(l, f[6].value, "mci");
    }
    struct ej_text title;
    if (f[7].value)
        text_value(l, f[7].value, "title", &title);
    if (f[8].value)
        string(l, f[8].value, "notes");

    if (!rn) {
        DIAG(l, pn, "a pack file needs a 'rules' list");
        return;
    }
    if (rn->type != YAML_SEQUENCE_NODE) {
        DIAG(l, rn, "rules must be a list, not %s", type_word(rn));
        return;
    }
    size_t cnt = (size_t)(rn->data.sequence.items.top -
                          rn->data.sequence.items.start);
    if (cnt == 0 || cnt > 1024) {
        DIAG(l, rn, "rules must list 1 to 1024 rules");
        return;
    }
    k->rules = alloc(l, cnt * sizeof *k->rules);
    if (!k->rules)
        return;
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *r = node(l, rn->data.sequence.items.start[i]);
        k->n_rules = i + 1; /* visible to the duplicate check */
        if (r)
            load_rule(l, r, k, &k->rules[i]);
    }
    /* A pack with any error is not used: nothing half-valid decides.
     * It is still kept aside so that resolve can report its references. */
    bool good = l->errors == 0 && k->id && k->version && k->time_zone &&
                k->calendar_id && k->mci_id;
    enum ej_err rc = good ? ej__policy_push((void ***)&l->p->packs,
                                            &l->p->n_packs, k,
                                            EJ__POLICY_MAX_PACKS)
                          : ej__policy_push((void ***)&l->p->bad_packs,
                                            &l->p->n_bad_packs, k,
                                            EJ__POLICY_MAX_PACKS);
    if (rc != EJ_OK)
        DIAG(l, pn, "too many packs (at most %d)", EJ__POLICY_MAX_PACKS);
}

/* --- tables --------------------------------------------------------------- */

static const char *const weekdays[] = {"mon", "tue", "wed", "thu", "fri",
                                       "sat", "sun", NULL};
static const char *const day_statuses[] = {"non_working", "working", NULL};
static const char *const day_kinds[] = {
    "state_holiday", "national_holiday", "religious_day_off",
    "transferred_day_off", "working_day_by_transfer", "other", NULL};

static void load_mci(struct ld *l, yaml_node_t *n, struct ej__tables *t)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        DIAG(l, n, "mci must be a list, not %s", type_word(n));
        return;
    }
    size_t cnt = (size_t)(n->data.sequence.items.top -
                          n->data.sequence.items.start);
    if (cnt > 200) {
        DIAG(l, n, "mci lists more than 200 years");
        return;
    }
    t->mci = cnt ? alloc(l, cnt * sizeof *t->mci) : NULL;
    if (cnt && !t->mci)
        return;
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *it = node(l, n->data.sequence.items.start[i]);
        struct field f[] = {{"year", true, 0, 0}, {"kzt", true, 0, 0},
                            {"citations", true, 0, 0}};
        int64_t year, kzt;
        if (!it || !fields(l, it, "mci row", f, 3) || !f[0].value ||
            !f[1].value)
            continue;
        if (f[2].value) {
            struct ej_citation *c;
            size_t nc;
            citations(l, f[2].value, &c, &nc);
        }
        bool ok_year = int_value(l, f[0].value, "year", 1992, 2200, &year);
        bool ok_kzt = int_value(l, f[1].value, "kzt", 1, 10000000, &kzt);
        if (!ok_year || !ok_kzt)
            continue;
        for (size_t j = 0; j < t->n_mci; j++)
            if (t->mci[j].year == year)
                DIAG(l, f[0].value, "MCI for %lld is listed twice",
                     (long long)year);
        t->mci[t->n_mci++] = (struct ej__mci){(int)year, kzt};
    }
}

static void load_calendar(struct ld *l, yaml_node_t *n)
{
    struct field f[] = {
        {"id", true, 0, 0},   {"title", true, 0, 0},
        {"weekend", true, 0, 0}, {"from", true, 0, 0},
        {"to", true, 0, 0},   {"days", true, 0, 0},
        {"citations", true, 0, 0},
    };
    size_t before = l->errors;
    if (!fields(l, n, "calendar", f, EJ_ARRAY_LEN(f)))
        return;
    const char *id = f[0].value ? ident(l, f[0].value, "calendar id") : NULL;
    if (id && ej_policy_calendar(l->p, id))
        DIAG(l, f[0].value, "calendar '%s' is already loaded", id);
    struct ej_text title;
    if (f[1].value)
        text_value(l, f[1].value, "title", &title);
    if (f[6].value) {
        struct ej_citation *c;
        size_t nc;
        citations(l, f[6].value, &c, &nc);
    }
    unsigned mask = 0;
    if (f[2].value && f[2].value->type != YAML_SEQUENCE_NODE)
        DIAG(l, f[2].value, "weekend must be a list of days such as "
                            "[sat, sun]");
    else if (f[2].value)
        for (yaml_node_item_t *it = f[2].value->data.sequence.items.start;
             it < f[2].value->data.sequence.items.top; it++) {
            yaml_node_t *d = node(l, *it);
            int w = d ? enum_of(l, d, "weekend day", weekdays) : -1;
            if (w >= 0)
                mask |= EJ_WEEKDAY_BIT(w + 1);
        }
    struct ej_date from, to;
    bool have = f[3].value && f[4].value &&
                date_value(l, f[3].value, "from", &from) &&
                date_value(l, f[4].value, "to", &to);
    if (have && ej_date_cmp(from, to) > 0) {
        DIAG(l, f[4].value, "calendar ends before it starts");
        have = false;
    }
    if (have && ej_date_to_days(to) - ej_date_to_days(from) > 366 * 50) {
        DIAG(l, f[4].value, "calendar covers more than 50 years");
        have = false;
    }
    if (mask == 0xFEu) {
        DIAG(l, f[2].value, "a week with no working day");
        mask = 0;
    }
    struct ej_calendar *cal = NULL;
    /* Days are checked even when the header had errors, so that one run
     * reports them all; the calendar is kept only when nothing failed. */
    if (!have)
        return;
    if (ej_calendar_new(id ? id : "?", from, to, mask, &cal) != EJ_OK) {
        l->oom = true;
        return;
    }
    yaml_node_t *dn = f[5].value;
    if (!dn)
        goto out; /* reported as a missing key */
    if (dn->type != YAML_SEQUENCE_NODE) {
        DIAG(l, dn, "days must be a list, not %s", type_word(dn));
        goto out;
    }
    for (yaml_node_item_t *it = dn->data.sequence.items.start;
         it < dn->data.sequence.items.top; it++) {
        yaml_node_t *d = node(l, *it);
        struct field df[] = {{"date", true, 0, 0}, {"status", true, 0, 0},
                             {"kind", true, 0, 0}, {"name", true, 0, 0},
                             {"note", false, 0, 0}};
        struct ej_date date;
        if (!d || !fields(l, d, "calendar day", df, EJ_ARRAY_LEN(df)) ||
            !df[0].value || !df[1].value)
            continue;
        int st = enum_of(l, df[1].value, "day status", day_statuses);
        if (df[2].value)
            enum_of(l, df[2].value, "day kind", day_kinds);
        if (df[3].value)
            string(l, df[3].value, "name");
        if (df[4].value)
            string(l, df[4].value, "note");
        if (!date_value(l, df[0].value, "date", &date) || st < 0)
            continue;
        bool weekend = mask & EJ_WEEKDAY_BIT(ej_date_weekday(date));
        if (st == 1 && !weekend) {
            DIAG(l, df[1].value, "%04d-%02d-%02d is listed as working but is "
                                 "a working weekday already",
                 date.year, date.month, date.day);
            continue;
        }
        enum ej_err rc = ej_calendar_set_day(cal, date, st == 1);
        if (rc == EJ_RANGE)
            DIAG(l, df[0].value, "%04d-%02d-%02d is outside the calendar's "
                                 "from..to", date.year, date.month, date.day);
        else if (rc == EJ_INVALID)
            DIAG(l, df[0].value, "%04d-%02d-%02d is listed twice", date.year,
                 date.month, date.day);
        else if (rc != EJ_OK)
            DIAG(l, df[0].value, "%s", ej_strerror(rc));
    }
    if (l->errors == before && id &&
        ej__policy_push((void ***)&l->p->calendars, &l->p->n_calendars, cal,
                        EJ__POLICY_MAX_CALENDARS) == EJ_OK)
        cal = NULL;
    else if (l->errors == before && id)
        DIAG(l, n, "too many calendars (at most %d)",
             EJ__POLICY_MAX_CALENDARS);
out:
    ej_calendar_free(cal);
}

static void load_tables(struct ld *l, yaml_node_t *tn)
{
    struct field f[] = {{"id", true, 0, 0},      {"version", true, 0, 0},
                        {"mci", false, 0, 0},    {"calendars", false, 0, 0},
                        {"notes", false, 0, 0}};
    struct ej__tables *t = alloc(l, sizeof *t);
    if (!t || !fields(l, tn, "tables", f, EJ_ARRAY_LEN(f)))
        return;
    t->file = l->file;
    t->id = f[0].value ? ident(l, f[0].value, "tables id") : NULL;
    if (t->id && ej_policy_has_tables(l->p, t->id))
        DIAG(l, f[0].value, "tables id '%s' is already loaded", t->id);
    t->version = f[1].value ? version_text(l, f[1].value) : NULL;
    if (f[4].value)
        string(l, f[4].value, "notes");
    if (f[2].value)
        load_mci(l, f[2].value, t);
    if (f[3].value && f[3].value->type != YAML_SEQUENCE_NODE)
        DIAG(l, f[3].value, "calendars must be a list");
    else if (f[3].value)
        for (yaml_node_item_t *it = f[3].value->data.sequence.items.start;
             it < f[3].value->data.sequence.items.top; it++) {
            yaml_node_t *c = node(l, *it);
            if (c)
                load_calendar(l, c);
        }
    if (l->errors == 0 && t->id && t->version &&
        ej__policy_push((void ***)&l->p->tables, &l->p->n_tables, t,
                        EJ__POLICY_MAX_PACKS) != EJ_OK)
        DIAG(l, tn, "too many tables files");
}

/* --- entry ---------------------------------------------------------------- */

enum ej_err ej_policy_add_yaml(struct ej_policy *p, const char *file,
                               const char *buf, size_t len)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct ld l = {p, &doc, NULL, 0, 0, false};
    enum ej_err rc = EJ_NOMEM;
    bool have_doc = false;

    if (len > EJ_POLICY_FILE_MAX)
        return EJ_TOO_BIG;
    l.file = ej__arena_strndup(&p->arena, file, strlen(file));
    if (!l.file)
        return EJ_NOMEM;
    if (!yaml_parser_initialize(&parser))
        return EJ_NOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    if (!yaml_parser_load(&parser, &doc)) {
        ej__policy_diagf(p, l.file,
                         (struct ej__pos){(int)parser.problem_mark.line + 1,
                                          (int)parser.problem_mark.column + 1},
                         "YAML: %s%s%s", parser.problem ? parser.problem : "?",
                         parser.context ? " " : "",
                         parser.context ? parser.context : "");
        rc = EJ_PACK_INVALID;
        goto out;
    }
    have_doc = true;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        ej__policy_diagf(p, l.file, (struct ej__pos){1, 1},
                         "empty file: expected 'pack' and 'rules', or "
                         "'tables'");
        rc = EJ_PACK_INVALID;
        goto out;
    }
    /* Only one document per file. */
    {
        yaml_document_t extra;
        if (yaml_parser_load(&parser, &extra)) {
            bool more = yaml_document_get_root_node(&extra) != NULL;
            yaml_document_delete(&extra);
            if (more)
                DIAG(&l, root, "a policy file holds one YAML document");
        }
    }
    struct field f[] = {{"pack", false, 0, 0}, {"rules", false, 0, 0},
                        {"tables", false, 0, 0}};
    if (fields(&l, root, "the file", f, 3)) {
        if (f[0].value && f[2].value)
            DIAG(&l, f[2].key_node, "a file is either a pack or tables, "
                                    "not both");
        else if (f[0].value)
            load_pack(&l, f[0].value, f[1].value);
        else if (f[2].value) {
            if (f[1].value)
                DIAG(&l, f[1].key_node, "a tables file has no rules");
            load_tables(&l, f[2].value);
        } else
            DIAG(&l, root, "expected 'pack' and 'rules', or 'tables'");
    }
    if (l.visits > MAX_VISITS)
        DIAG(&l, root, "document too large or too deeply aliased");
    rc = l.oom ? EJ_NOMEM : l.errors ? EJ_PACK_INVALID : EJ_OK;
out:
    if (have_doc)
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}
