/* demo.c: see demo.h. */
#include "demo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ereje/ereje.h"
#include "jw.h"

void demo_seed(struct demo_rng *r, uint64_t seed)
{
    r->s = seed ? seed : 0x9E3779B97F4A7C15ull;
}

/* splitmix64 */
uint64_t demo_next(struct demo_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double demo_uniform(struct demo_rng *r)
{
    return (double)(demo_next(r) >> 11) / 9007199254740992.0;
}

uint32_t demo_followers(struct demo_rng *r)
{
    /* Box-Muller for one standard normal. */
    double u1 = demo_uniform(r), u2 = demo_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    double v = exp(log(61.0) + 1.6 * z);
    if (v > 5e7)
        v = 5e7;
    return (uint32_t)v;
}

static void put_line(FILE *out, struct jw *w, bool *ok)
{
    size_t len;
    char *t = jw_take(w, &len);
    if (!t || fwrite(t, 1, len, out) != len || fputc('\n', out) == EOF)
        *ok = false;
    free(t);
}

/* Noon in Almaty on the first day, as an instant. */
static int64_t first_noon(struct ej_date start)
{
    return (ej_date_to_days(start) * 86400 + 7 * 3600) * 1000;
}

bool demo_dates_ok(const struct demo_opts *o)
{
    struct ej_date start;
    char at[EJ_INSTANT_TEXT_MAX];
    if (ej_date_parse(o->start, strlen(o->start), &start) != EJ_OK)
        return false;
    int64_t t0 = first_noon(start);
    return ej_instant_format(t0 - 300 * 86400000LL, 18000, at) == EJ_OK &&
           ej_instant_format(t0 + ((int64_t)o->days + 1) * 86400000, 18000,
                             at) == EJ_OK;
}

static void put_line_n(FILE *out, struct jw *w, bool *ok, int64_t *n,
                       const struct demo_opts *o)
{
    put_line(out, w, ok);
    if ((++*n & 0xffff) == 0 && o->progress)
        o->progress(*n, o->progress_ctx);
}

int64_t demo_generate(FILE *out, const struct demo_opts *o)
{
    struct demo_rng r;
    struct ej_date start, d;
    char id[64], acc[32], at[EJ_INSTANT_TEXT_MAX], date[EJ_DATE_TEXT_MAX];
    int64_t n = 0;
    bool ok = true;
    if (ej_date_parse(o->start, strlen(o->start), &start) != EJ_OK ||
        !demo_dates_ok(o))
        return -1;
    demo_seed(&r, o->seed);
    uint32_t *f = malloc((o->accounts ? o->accounts : 1) * sizeof *f);
    if (!f)
        return -1;
    int64_t day0 = ej_date_to_days(start);
    int64_t t0 = first_noon(start);
    for (uint64_t i = 0; i < o->accounts && ok; i++) {
        struct jw w;
        f[i] = demo_followers(&r);
        snprintf(acc, sizeof acc, "acct%07llu", (unsigned long long)i);
        snprintf(id, sizeof id, "reg-%s", acc);
        ej_instant_format(t0 - 86400000 * (int64_t)(1 + i % 300), 18000, at);
        jw_init(&w, 1024);
        jw_obj(&w);
        jw_kstr(&w, "id", id);
        jw_kstr(&w, "type", "account.registered");
        jw_kstr(&w, "account", acc);
        static const char *const svc[] = {"social_network", "video_hosting",
                                          "instant_messaging"};
        jw_kstr(&w, "service", svc[i % 3]);
        jw_kstr(&w, "at", at);
        jw_end_obj(&w);
        put_line_n(out, &w, &ok, &n, o);
    }
    for (int day = 0; day < o->days && ok; day++) {
        ej_date_from_days(day0 + day, &d);
        ej_date_format(d, date);
        for (uint64_t i = 0; i < o->accounts && ok; i++) {
            struct jw w;
            /* A random walk: -3% .. +5% a day. */
            double g = 0.97 + 0.08 * demo_uniform(&r);
            double nf = f[i] * g + (demo_uniform(&r) < 0.5 ? 1 : 0);
            f[i] = nf > 5e7 ? 50000000u : (uint32_t)nf;
            snprintf(acc, sizeof acc, "acct%07llu", (unsigned long long)i);
            snprintf(id, sizeof id, "f-%s-%d", acc, day);
            ej_instant_format(t0 + (int64_t)day * 86400000 +
                                  (int64_t)(i % 3600) * 1000,
                              18000, at);
            jw_init(&w, 1024);
            jw_obj(&w);
            jw_kstr(&w, "id", id);
            jw_kstr(&w, "type", "account.followers");
            jw_kstr(&w, "account", acc);
            jw_kint(&w, "followers", f[i]);
            jw_kstr(&w, "at", at);
            jw_end_obj(&w);
            put_line_n(out, &w, &ok, &n, o);
            /* Some large accounts identify themselves through eGov. */
            if (f[i] > 5000 && day == o->days / 2 && i % 3 == 0) {
                snprintf(id, sizeof id, "id-%s", acc);
                jw_init(&w, 1024);
                jw_obj(&w);
                jw_kstr(&w, "id", id);
                jw_kstr(&w, "type", "account.identity");
                jw_kstr(&w, "account", acc);
                jw_kstr(&w, "status", "verified");
                jw_kstr(&w, "method", "egov");
                jw_kstr(&w, "at", at);
                jw_end_obj(&w);
                put_line_n(out, &w, &ok, &n, o);
            }
        }
        /* The day's unique users in Kazakhstan: about a third of the
         * accounts, so a demo of 300,000 accounts needs a representative. */
        struct jw w;
        snprintf(id, sizeof id, "aud-%s", date);
        ej_instant_format(t0 + (int64_t)(day + 1) * 86400000, 18000, at);
        jw_init(&w, 1024);
        jw_obj(&w);
        jw_kstr(&w, "id", id);
        jw_kstr(&w, "type", "audience.daily");
        jw_kstr(&w, "date", date);
        jw_kint(&w, "users_kz",
                (int64_t)(o->accounts / 3 + demo_next(&r) % (o->accounts / 20 + 1)));
        jw_kstr(&w, "at", at);
        jw_end_obj(&w);
        put_line_n(out, &w, &ok, &n, o);
    }
    free(f);
    return ok ? n : -1;
}
