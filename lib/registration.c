/* registration.c: the minimum-age gate; see registration.h. */
#include "internal.h"

#define MAX_RULES EJ_REG_MAX_RULES

struct prepared {
    const struct ej_rule *rule;
    const struct ej_pack *pack;
    const struct ej_tz *tz;
    enum ej_mode mode;
    bool has_eff;
    struct ej_date eff;
    int min_age;
    unsigned exempt; /* bit per enum ej_service */
    enum ej_assurance_level min_level;
};

struct ej_regcheck {
    struct prepared r[MAX_RULES];
    size_t n;
};

static const char *const service_names[] = {
    "social_network", "video_hosting", "instant_messaging", "online_game",
    "other"};
static const char *const level_names[] = {"asserted", "standard", "enhanced",
                                          "strict"};

const char *ej_service_name(enum ej_service s)
{
    return (unsigned)s < EJ_ARRAY_LEN(service_names) ? service_names[s] : "?";
}

static bool name_index(const char *const *names, size_t n, const char *s,
                       size_t len, size_t *out)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
            *out = i;
            return true;
        }
    return false;
}

bool ej_service_parse(const char *s, size_t len, enum ej_service *out)
{
    size_t i;
    if (!s || !name_index(service_names, EJ_ARRAY_LEN(service_names), s, len,
                          &i))
        return false;
    *out = (enum ej_service)i;
    return true;
}

const char *ej_assurance_level_name(enum ej_assurance_level l)
{
    return l >= EJ_AL_ASSERTED && l <= EJ_AL_STRICT ? level_names[l - 1]
                                                     : "?";
}

bool ej_assurance_level_parse(const char *s, size_t len,
                              enum ej_assurance_level *out)
{
    size_t i;
    if (!s || !name_index(level_names, EJ_ARRAY_LEN(level_names), s, len, &i))
        return false;
    *out = (enum ej_assurance_level)(i + 1);
    return true;
}

const char *ej_decision_name(enum ej_decision d)
{
    return d == EJ_DENY ? "deny" : d == EJ_VERIFY ? "verify" : "allow";
}

void ej_regcheck_free(struct ej_regcheck *g) { ej__free(g); }

enum ej_err ej_regcheck_new(const struct ej_policy *p,
                            struct ej_regcheck **out)
{
    struct ej_regcheck *g = ej__calloc(1, sizeof *g);
    enum ej_err rc = EJ_NOT_FOUND;
    *out = NULL;
    if (!g)
        return EJ_NOMEM;
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            if (strcmp(ej_rule_kind(r), "min_registration_age") != 0)
                continue;
            if (g->n == MAX_RULES) {
                rc = EJ_TOO_BIG;
                goto out;
            }
            struct prepared *pr = &g->r[g->n];
            int64_t v;
            pr->rule = r;
            pr->pack = k;
            pr->tz = ej_pack_tz(p, k);
            if (!pr->tz) {
                rc = EJ_INVALID;
                goto out;
            }
            pr->mode = ej_rule_mode(p, r);
            pr->has_eff = ej_rule_effective_from(r, &pr->eff);
            if (ej_rule_param_int(r, "min_age", &v) != EJ_OK) {
                rc = EJ_INVALID;
                goto out;
            }
            pr->min_age = (int)v;
            const struct ej_value *ex = ej_rule_param(r, "exempt_services");
            for (size_t e = 0; ex && e < ex->u.list.n; e++) {
                enum ej_service s;
                const char *name = ex->u.list.items[e].u.s;
                /* Service types the gate does not know (email, ...) never
                 * register users here; they need no bit. */
                if (ej_service_parse(name, strlen(name), &s))
                    pr->exempt |= 1u << s;
            }
            const struct ej_value *lv = ej_rule_param(r, "min_assurance_level");
            pr->min_level = EJ_AL_STANDARD;
            if (lv && lv->type == EJ_VAL_ENUM)
                ej_assurance_level_parse(lv->u.s, strlen(lv->u.s),
                                         &pr->min_level);
            g->n++;
        }
    }
    if (g->n > 0)
        rc = EJ_OK;
out:
    if (rc != EJ_OK) {
        ej__free(g);
        g = NULL;
    }
    *out = g;
    return rc;
}

int ej_age_on(struct ej_date b, struct ej_date d)
{
    int age = d.year - b.year;
    if (d.month < b.month || (d.month == b.month && d.day < b.day))
        age--;
    return age;
}

static void add_reason(struct ej_reg_decision *o, enum ej_reason code,
                       const struct prepared *pr, int age)
{
    if (o->n_reasons < EJ_REG_MAX_REASONS)
        o->reasons[o->n_reasons++] =
            (struct ej_reg_reason){code, pr->rule, pr->min_age, age};
}

static const char *band_of(int age)
{
    return age < 13 ? "under_13" : age < 16 ? "13_15" : age < 18 ? "16_17"
                                                                 : "18_plus";
}

enum ej_err ej_regcheck_eval(const struct ej_regcheck *g,
                             const struct ej_registration *in,
                             struct ej_reg_decision *out)
{
    struct ej_reg_decision o;
    struct ej_date ev_date = {0, 0, 0};
    bool have_date = false, dates_conflict = false;

    if ((unsigned)in->service >= EJ_ARRAY_LEN(service_names) ||
        (in->has_assurance && (in->assurance_level < EJ_AL_ASSERTED ||
                               in->assurance_level > EJ_AL_STRICT)))
        return EJ_INVALID;
    o.decision = EJ_ALLOW;
    o.has_advisory = false;
    o.advisory = EJ_ALLOW;
    o.mode = EJ_MODE_OFF;
    o.n_rules = 0;
    o.n_reasons = 0;
    o.evidence = 0;
    o.age = -1;
    o.age_band = "unknown";

    /* Evidence that does not depend on the rule. */
    if (in->iin) {
        struct ej_idnum id;
        enum ej_err rc = ej_idnum_parse(in->iin, in->iin_len, &id, NULL);
        if (rc != EJ_OK)
            return rc;
        if (id.kind != EJ_IDNUM_IIN)
            return EJ_IDNUM_BIN_ENTITY; /* a BIN is no person's age */
        ev_date = id.birth_date;
        have_date = true;
        o.evidence |= EJ_EV_IIN;
    }
    if (in->has_birth_date) {
        if (!ej_date_valid(in->birth_date))
            return EJ_TIME_RANGE;
        if (have_date && ej_date_cmp(ev_date, in->birth_date) != 0)
            dates_conflict = true;
        if (!have_date)
            ev_date = in->birth_date;
        have_date = true;
        o.evidence |= EJ_EV_BIRTH_DATE;
    }
    if (in->has_assurance)
        o.evidence |= EJ_EV_ASSURANCE;

    enum ej_decision enforce_d = EJ_ALLOW, shadow_d = EJ_ALLOW;
    bool any_enforce = false, any_shadow = false;
    for (size_t i = 0; i < g->n; i++) {
        const struct prepared *pr = &g->r[i];
        struct ej_date local;
        enum ej_err rc = ej_tz_local_date(pr->tz, in->at_ms, &local);
        if (rc != EJ_OK)
            return rc;
        if (have_date && ej_date_cmp(ev_date, local) > 0)
            return EJ_TIME_RANGE; /* born after registering */
        if (pr->mode == EJ_MODE_OFF)
            continue;
        if (pr->has_eff && ej_date_cmp(local, pr->eff) < 0) {
            add_reason(&o, EJ_R_NOT_YET_EFFECTIVE, pr, -1);
            continue;
        }
        enum ej_decision d;
        if (pr->exempt & (1u << in->service)) {
            d = EJ_ALLOW;
            add_reason(&o, EJ_R_EXEMPT_SERVICE, pr, -1);
        } else if (dates_conflict) {
            d = EJ_VERIFY;
            add_reason(&o, EJ_R_CONFLICTING_EVIDENCE, pr, -1);
        } else if (have_date) {
            int age = ej_age_on(ev_date, local);
            bool over = age >= pr->min_age;
            o.age = age;
            o.age_band = band_of(age);
            if (in->has_assurance && in->assurance_level >= pr->min_level &&
                in->assurance_over != over) {
                d = EJ_VERIFY;
                add_reason(&o, EJ_R_CONFLICTING_EVIDENCE, pr, -1);
            } else {
                d = over ? EJ_ALLOW : EJ_DENY;
                add_reason(&o, over ? EJ_R_MEETS_MIN_AGE : EJ_R_BELOW_MIN_AGE,
                           pr, age);
            }
        } else if (in->has_assurance) {
            if (in->assurance_level < pr->min_level) {
                d = EJ_VERIFY;
                add_reason(&o, EJ_R_ASSURANCE_TOO_WEAK, pr, -1);
            } else {
                d = in->assurance_over ? EJ_ALLOW : EJ_DENY;
                o.age_band = in->assurance_over ? "over_threshold"
                                                : "under_threshold";
                add_reason(&o, in->assurance_over ? EJ_R_ASSURANCE_OVER
                                                  : EJ_R_ASSURANCE_UNDER,
                           pr, -1);
            }
        } else {
            d = EJ_VERIFY;
            add_reason(&o, EJ_R_NO_EVIDENCE, pr, -1);
        }
        if (pr->mode == EJ_MODE_ENFORCE) {
            any_enforce = true;
            if (d > enforce_d)
                enforce_d = d;
        } else {
            any_shadow = true;
            if (d > shadow_d)
                shadow_d = d;
        }
        o.rules[o.n_rules++] = (struct ej_reg_rule_outcome){
            pr->rule, pr->pack, pr->mode, d, pr->min_age};
    }
    o.decision = enforce_d;
    if (any_shadow) {
        o.has_advisory = true;
        o.advisory = shadow_d > enforce_d ? shadow_d : enforce_d;
    }
    o.mode = any_enforce ? EJ_MODE_ENFORCE
             : any_shadow ? EJ_MODE_SHADOW
                          : EJ_MODE_OFF;
    *out = o;
    return EJ_OK;
}

/* --- reasons ------------------------------------------------------------ */

static const struct {
    const char *code;
    const char *text[3]; /* kk, ru, en */
} reasons[] = {
    [EJ_R_MEETS_MIN_AGE] = {"meets_min_age",
                            {"Жасы ({age}) тіркелудің ең төменгі жасына "
                             "({min_age}) сәйкес келеді.",
                             "Возраст ({age}) не меньше минимального для "
                             "регистрации ({min_age}).",
                             "Age {age} meets the minimum age of {min_age} "
                             "for registration."}},
    [EJ_R_BELOW_MIN_AGE] = {"below_min_age",
                            {"Жасы ({age}) тіркелудің ең төменгі жасынан "
                             "({min_age}) кіші.",
                             "Возраст ({age}) меньше минимального для "
                             "регистрации ({min_age}).",
                             "Age {age} is below the minimum age of "
                             "{min_age} for registration."}},
    [EJ_R_EXEMPT_SERVICE] = {"exempt_service",
                             {"Бұл қызмет түріне жас шектеуі қолданылмайды.",
                              "Возрастное ограничение не распространяется "
                              "на этот вид сервиса.",
                              "The age limit does not apply to this type of "
                              "service."}},
    [EJ_R_NOT_YET_EFFECTIVE] = {"not_yet_effective",
                                {"Тіркеу ереже күшіне енгенге дейін болды.",
                                 "Регистрация произошла до вступления "
                                 "правила в силу.",
                                 "The registration predates the rule's "
                                 "effective date."}},
    [EJ_R_NO_EVIDENCE] = {"no_evidence",
                          {"Жасты растайтын дерек жоқ: жасты тексеру қажет.",
                           "Нет данных о возрасте: требуется проверка "
                           "возраста.",
                           "No evidence of age: age verification is "
                           "needed."}},
    [EJ_R_CONFLICTING_EVIDENCE] = {"conflicting_evidence",
                                   {"Жас туралы деректер бір-біріне қайшы: "
                                    "тексеру қажет.",
                                    "Данные о возрасте противоречат друг "
                                    "другу: требуется проверка.",
                                    "The evidence of age is contradictory: "
                                    "verification is needed."}},
    [EJ_R_ASSURANCE_TOO_WEAK] = {"assurance_too_weak",
                                 {"Жасты растау деңгейі жеткіліксіз: "
                                  "тексеру қажет.",
                                  "Уровень подтверждения возраста "
                                  "недостаточен: требуется проверка.",
                                  "The age-assurance level is too weak: "
                                  "verification is needed."}},
    [EJ_R_ASSURANCE_OVER] = {"assurance_over",
                             {"Жасты растау: пайдаланушы {min_age} жастан "
                              "асқан.",
                              "Подтверждение возраста: пользователю не "
                              "меньше {min_age} лет.",
                              "Age assurance: the user is at least "
                              "{min_age}."}},
    [EJ_R_ASSURANCE_UNDER] = {"assurance_under",
                              {"Жасты растау: пайдаланушы {min_age} жасқа "
                               "толмаған.",
                               "Подтверждение возраста: пользователю меньше "
                               "{min_age} лет.",
                               "Age assurance: the user is under "
                               "{min_age}."}},
};

const char *ej_reason_code(enum ej_reason r)
{
    return (unsigned)r < EJ_ARRAY_LEN(reasons) ? reasons[r].code : "?";
}

/* Decimal digits of v (>= 0) into b; returns the count. */
static size_t put_int(char *b, int v)
{
    char t[12];
    size_t n = 0, o = 0;
    if (v < 0)
        v = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof t);
    while (n)
        b[o++] = t[--n];
    return o;
}

const char *ej_reason_text(const struct ej_reg_reason *r, enum ej_lang lang,
                           char *buf, size_t cap)
{
    const char *t = (unsigned)r->code < EJ_ARRAY_LEN(reasons)
                        ? reasons[r->code].text[lang]
                        : "?";
    size_t o = 0;
    if (cap == 0)
        return buf;
    while (*t && o + 1 < cap) {
        const char *key = NULL;
        int v = 0;
        if (*t != '{') {
            buf[o++] = *t++;
            continue;
        }
        if (strncmp(t, "{min_age}", 9) == 0) {
            key = "{min_age}";
            v = r->min_age;
        } else if (strncmp(t, "{age}", 5) == 0) {
            key = "{age}";
            v = r->age;
        }
        if (key) {
            char num[12];
            size_t n = put_int(num, v);
            if (o + n + 1 > cap)
                break;
            memcpy(buf + o, num, n);
            o += n;
            t += strlen(key);
        } else {
            buf[o++] = *t++;
        }
    }
    if (*t) {
        /* Truncated: do not leave half a UTF-8 character at the end. */
        while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 0 && (unsigned char)buf[o - 1] >= 0xC0)
            o--;
    }
    buf[o] = '\0';
    return buf;
}
