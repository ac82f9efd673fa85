/* metrics.c: counters kept with atomics and rendered in the Prometheus
 * text format (version 0.0.4). Label values come from the route table and
 * the loaded packs, which hold only identifier characters, so no escaping
 * beyond the format's own is needed. */
#include "server.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The statuses the service answers; 0 counts any other. */
static const int codes[MET_CODES] = {200, 201, 400, 401, 403, 404, 405,
                                     409, 413, 431, 500, 503, 0};
static const double bounds[MET_BUCKETS - 1] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};

void metrics_request(struct metrics *m, size_t route, int status,
                     double seconds)
{
    size_t ci = MET_CODES - 1;
    for (size_t i = 0; i < MET_CODES - 1; i++)
        if (codes[i] == status)
            ci = i;
    if (route > MET_NO_ROUTE)
        route = MET_NO_ROUTE;
    atomic_fetch_add(&m->requests[route][ci], 1);
    size_t b = 0;
    while (b < MET_BUCKETS - 1 && seconds > bounds[b])
        b++;
    atomic_fetch_add(&m->latency[route][b], 1);
    atomic_fetch_add(&m->latency_sum_us[route],
                     (unsigned long long)(seconds * 1e6));
}

struct out {
    char *buf;
    size_t len, cap;
    bool oom;
};

static void outf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void outf(struct out *o, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = o->cap - o->len;
        va_start(ap, fmt);
        int n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->buf ? room : 0,
                          fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->oom = true;
            return;
        }
        if (o->buf && (size_t)n < room) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = o->cap ? o->cap * 2 : 8192;
        while (cap < o->len + (size_t)n + 1)
            cap *= 2;
        char *b = realloc(o->buf, cap);
        if (!b) {
            o->oom = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
}

/* Routes share paths (GET and POST /v1/orders): the method is a label
 * too, so that no two series have the same labels. */
static const char *route_label(size_t i)
{
    return i < srv_n_routes ? srv_routes[i].path : "(none)";
}

static const char *method_label(size_t i)
{
    return i < srv_n_routes ? srv_routes[i].method : "";
}

char *metrics_render(struct metrics *m, const struct ej_regcheck *gate,
                     const struct ej_policy *p, size_t *len)
{
    struct out o = {0};
    (void)gate;
    outf(&o, "# HELP ereje_http_requests_total HTTP requests by route and "
             "status.\n# TYPE ereje_http_requests_total counter\n");
    for (size_t r = 0; r < MET_ROUTES; r++)
        for (size_t c = 0; c < MET_CODES; c++) {
            unsigned long long v = atomic_load(&m->requests[r][c]);
            if (v)
                outf(&o,
                     "ereje_http_requests_total{route=\"%s\",method=\"%s\","
                     "code=\"%d\"} %llu\n",
                     route_label(r), method_label(r), codes[c], v);
        }
    outf(&o, "# HELP ereje_http_request_duration_seconds Time from request "
             "to reply.\n# TYPE ereje_http_request_duration_seconds "
             "histogram\n");
    for (size_t r = 0; r < srv_n_routes; r++) {
        unsigned long long cum = 0;
        for (size_t b = 0; b < MET_BUCKETS; b++) {
            cum += atomic_load(&m->latency[r][b]);
            if (b < MET_BUCKETS - 1)
                outf(&o,
                     "ereje_http_request_duration_seconds_bucket{route=\"%s\","
                     "method=\"%s\",le=\"%g\"} %llu\n",
                     route_label(r), method_label(r), bounds[b], cum);
            else
                outf(&o,
                     "ereje_http_request_duration_seconds_bucket{route=\"%s\","
                     "method=\"%s\",le=\"+Inf\"} %llu\n",
                     route_label(r), method_label(r), cum);
        }
        outf(&o,
             "ereje_http_request_duration_seconds_sum{route=\"%s\","
             "method=\"%s\"} %.6f\n"
             "ereje_http_request_duration_seconds_count{route=\"%s\","
             "method=\"%s\"} %llu\n",
             route_label(r), method_label(r),
             (double)atomic_load(&m->latency_sum_us[r]) / 1e6, route_label(r),
             method_label(r), cum);
    }
    static const char *const dn[3] = {"allow", "verify", "deny"};
    outf(&o, "# HELP ereje_registration_decisions_total Registration "
             "decisions returned.\n# TYPE ereje_registration_decisions_total "
             "counter\n");
    for (int d = 0; d < 3; d++)
        outf(&o, "ereje_registration_decisions_total{decision=\"%s\"} %llu\n",
             dn[d], atomic_load(&m->decisions[d]));
    outf(&o, "# HELP ereje_rule_outcomes_total Outcomes by rule and mode "
             "(shadow outcomes are what enforcing would have done).\n"
             "# TYPE ereje_rule_outcomes_total counter\n");
    size_t ri = 0;
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            if (strcmp(ej_rule_kind(r), "min_registration_age") != 0)
                continue;
            if (ri >= MET_MAX_RULES)
                break;
            for (int mo = 0; mo < 2; mo++)
                for (int d = 0; d < 3; d++)
                    outf(&o,
                         "ereje_rule_outcomes_total{rule=\"%s\",mode=\"%s\","
                         "outcome=\"%s\"} %llu\n",
                         ej_rule_id(r), mo ? "enforce" : "shadow", dn[d],
                         atomic_load(&m->rule_outcomes[ri][mo][d]));
            ri++;
        }
    }
    outf(&o, "# HELP ereje_events_committed_total Events appended to the "
             "audit log.\n# TYPE ereje_events_committed_total counter\n"
             "ereje_events_committed_total %llu\n"
             "# HELP ereje_commit_batches_total Transactions of the group "
             "committer.\n# TYPE ereje_commit_batches_total counter\n"
             "ereje_commit_batches_total %llu\n"
             "# HELP ereje_commit_errors_total Failed transactions.\n"
             "# TYPE ereje_commit_errors_total counter\n"
             "ereje_commit_errors_total %llu\n",
         atomic_load(&m->events_committed), atomic_load(&m->commit_batches),
         atomic_load(&m->commit_errors));
    if (o.oom) {
        free(o.buf);
        return NULL;
    }
    *len = o.len;
    return o.buf;
}
