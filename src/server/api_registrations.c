/* api_registrations.c: POST /v1/registrations/check. The decision is made
 * by the core, recorded as a registration.checked event (decision, kind of
 * evidence, age band; never the birth date or the IIN), and returned only
 * after the event is committed. */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include "regjson.h"

/* Index of a min_registration_age rule in pack order, as metrics.c lists
 * them; MET_MAX_RULES when not found. */
static size_t rule_index(const struct ej_policy *p, const struct ej_rule *want)
{
    size_t ri = 0;
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        for (size_t j = 0; j < ej_pack_rule_count(k); j++) {
            const struct ej_rule *r = ej_pack_rule(k, j);
            if (strcmp(ej_rule_kind(r), "min_registration_age") != 0)
                continue;
            if (r == want)
                return ri;
            ri++;
        }
    }
    return MET_MAX_RULES;
}

void api_registration_check(struct srv *s, struct req *r)
{
    json_t *body = req_json(r);
    if (!body)
        return;
    struct rj_request q;
    struct rj_error e;
    bool ok = rj_parse_request(body, &q, &e);
    json_decref(body);
    if (!ok) {
        req_error(r, 400, e.code, e.message);
        return;
    }
    int64_t now = srv_now_ms();
    if (!q.has_at)
        q.reg.at_ms = now;

    struct ej_reg_decision d;
    enum ej_err rc = ej_regcheck_eval(s->gate, &q.reg, &d);
    if (rc != EJ_OK) {
        req_error(r, 400, ej_errname(rc),
                  rc == EJ_TIME_RANGE
                      ? "the birth date is after the registration date"
                      : ej_strerror(rc));
        return;
    }

    struct pending *p = &r->pend;
    struct jw bw, rw;
    jw_init(&bw, EJ_EVENT_FIELD_MAX);
    jw_init(&rw, EJ_EVENT_FIELD_MAX);
    rj_event_body(&bw, &rw, &d, &q.reg);
    srv_event_id(s, "reg_", p->id);
    p->body = jw_take(&bw, NULL);
    p->rules = jw_take(&rw, NULL);
    if (!p->body || !p->rules) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    p->ev.id = p->id;
    p->ev.type = "registration.checked";
    p->ev.at_ms = q.reg.at_ms;
    p->ev.recorded_ms = now;
    memcpy(p->subject, q.subject, sizeof p->subject);
    p->ev.subject = p->subject;
    p->ev.pack_id = d.n_rules ? ej_pack_id(d.rules[0].pack) : "";
    p->ev.pack_version = d.n_rules ? ej_pack_version(d.rules[0].pack) : "";
    p->ev.rules = p->rules;
    p->ev.body = p->body;

    atomic_fetch_add(&s->metrics.decisions[d.decision], 1);
    for (size_t i = 0; i < d.n_rules; i++) {
        size_t ri = rule_index(s->policy, d.rules[i].rule);
        if (ri < MET_MAX_RULES)
            atomic_fetch_add(
                &s->metrics.rule_outcomes[ri][d.rules[i].mode ==
                                              EJ_MODE_ENFORCE]
                                         [d.rules[i].outcome],
                1);
    }
    /* The reply is written now, open: the committed event's id, seq and
     * hash are added when the commit is done (http.c). */
    jw_init(&r->out, 1 << 20);
    jw_obj(&r->out);
    rj_decision_members(&r->out, &d, &q.reg);
    r->status = 200;
    r->open_reply = true;
    req_commit(r);
}
