/* api_health.c: GET /healthz and GET /metrics. */
#include "server.h"

#include <stdlib.h>
#include <string.h>

void api_healthz(struct srv *s, struct req *r)
{
    json_t *packs = json_array();
    for (size_t i = 0; i < ej_policy_pack_count(s->policy); i++) {
        const struct ej_pack *k = ej_policy_pack(s->policy, i);
        json_array_append_new(
            packs, json_pack("{s:s,s:s,s:s}", "id", ej_pack_id(k), "version",
                             ej_pack_version(k), "status",
                             ej_status_name(ej_pack_status(k))));
    }
    req_reply(r, 200,
              json_pack("{s:s,s:s,s:o}", "status", "ok", "version",
                        EJ_VERSION_STRING, "packs", packs));
}

void api_metrics(struct srv *s, struct req *r)
{
    size_t len;
    char *text = metrics_render(&s->metrics, s->gate, s->policy, &len);
    if (!text) {
        req_error(r, 500, "INTERNAL", "out of memory");
        return;
    }
    r->status = 200;
    r->raw = text;
    r->raw_len = len;
    r->raw_type = "text/plain; version=0.0.4; charset=utf-8";
}
