/* router.c: the route table. Dispatch is data: every endpoint is one row
 * here, and docs/openapi.yaml must describe each (a test checks). */
#include "server.h"

#include <string.h>

#define PLATFORM EJ_ROLE_PLATFORM
#define ADMIN EJ_ROLE_ADMIN

#define MODERATOR EJ_ROLE_MODERATOR
#define AUDITOR EJ_ROLE_AUDITOR

/* Events may carry 10,000 objects of identity data: 16 MiB. */
#define EVENTS_MAX_BODY (16u * 1024 * 1024)

const struct route srv_routes[] = {
    {"GET", "/healthz", 0, api_healthz, "liveness and loaded packs", 0},
    {"GET", "/metrics", 0, api_metrics, "Prometheus metrics", 0},
    {"POST", "/v1/registrations/check", PLATFORM | ADMIN,
     api_registration_check, "decide a registration under the age rules", 0},
    {"POST", "/v1/events", PLATFORM | ADMIN, api_events,
     "ingest platform events (JSON array or JSON lines)", EVENTS_MAX_BODY},
    {"GET", "/v1/registry/anonymous", AUDITOR | ADMIN, api_registry,
     "the registry of large anonymous accounts", 0},
    {"GET", "/v1/accounts/{id}", PLATFORM | MODERATOR | AUDITOR | ADMIN,
     api_account, "an account's folded state and open case", 0},
    {"POST", "/v1/orders", PLATFORM | MODERATOR | ADMIN, api_order_add,
     "record an order about unlawful content", 0},
    {"GET", "/v1/orders", PLATFORM | MODERATOR | AUDITOR | ADMIN,
     api_order_list, "orders by state (open, overdue, closed, all)", 0},
    {"GET", "/v1/orders/{id}", PLATFORM | MODERATOR | AUDITOR | ADMIN,
     api_order_show, "one order with its clocks", 0},
    {"POST", "/v1/orders/{id}/pause", PLATFORM | MODERATOR | ADMIN,
     api_order_pause, "a clarification was asked: stop the clocks", 0},
    {"POST", "/v1/orders/{id}/resume", PLATFORM | MODERATOR | ADMIN,
     api_order_resume, "the clarification came: restart the clocks", 0},
    {"POST", "/v1/orders/{id}/close", PLATFORM | MODERATOR | ADMIN,
     api_order_close, "close an order with an action and evidence", 0},
    {"POST", "/v1/complaints", PLATFORM | ADMIN, api_complaint_add,
     "record and acknowledge a user complaint", 0},
    {"GET", "/v1/complaints/{id}", PLATFORM | MODERATOR | AUDITOR | ADMIN,
     api_complaint_show, "one complaint", 0},
    {"POST", "/v1/complaints/{id}/decision", MODERATOR | ADMIN,
     api_complaint_decide, "record the decision on a complaint", 0},
    {"POST", "/v1/complaints/{id}/notified", MODERATOR | ADMIN,
     api_complaint_notified, "record the notice to law enforcement", 0},
    {"POST", "/v1/content/check", PLATFORM | ADMIN, api_content_check,
     "classify a post and decide its labels", 0},
    {"POST", "/v1/authors/{id}/qualifications", PLATFORM | MODERATOR | ADMIN,
     api_author_quals_add, "record an author's qualification", 0},
    {"GET", "/v1/authors/{id}/qualifications",
     PLATFORM | MODERATOR | AUDITOR | ADMIN, api_author_quals_list,
     "an author's qualifications", 0},
};
const size_t srv_n_routes = sizeof srv_routes / sizeof *srv_routes;
/* metrics.c keeps a slot per route and one for "no route". */
_Static_assert(sizeof srv_routes / sizeof *srv_routes < MET_ROUTES,
               "raise MET_ROUTES");

/* Does path match the route's pattern? "{id}" matches one non-empty
 * segment (copied to param), anywhere in the pattern. */
static bool match(const char *pattern, const char *path, char param[129])
{
    const char *brace = strstr(pattern, "{id}");
    if (!brace)
        return strcmp(pattern, path) == 0;
    size_t pre = (size_t)(brace - pattern);
    const char *suffix = brace + 4;
    if (strncmp(pattern, path, pre) != 0)
        return false;
    const char *seg = path + pre;
    const char *end = strchr(seg, '/');
    size_t n = end ? (size_t)(end - seg) : strlen(seg);
    if (n == 0 || n > 128 || strcmp(end ? end : "", suffix) != 0)
        return false;
    memcpy(param, seg, n);
    param[n] = '\0';
    return true;
}

const struct route *router_find(const char *method, const char *path,
                                int *status, char param[129])
{
    bool path_known = false;
    for (size_t i = 0; i < srv_n_routes; i++) {
        if (!match(srv_routes[i].path, path, param))
            continue;
        path_known = true;
        if (strcmp(srv_routes[i].method, method) == 0)
            return &srv_routes[i];
    }
    *status = path_known ? 405 : 404;
    return NULL;
}

void router_allow(const char *path, char out[48])
{
    char param[129];
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < srv_n_routes; i++) {
        if (!match(srv_routes[i].path, path, param))
            continue;
        const char *m = srv_routes[i].method;
        size_t ml = strlen(m);
        /* a method once, even when two routes share it */
        bool seen = false;
        for (const char *p = out; (p = strstr(p, m)) != NULL; p += ml)
            if ((p == out || p[-1] == ' ') && (p[ml] == ',' || !p[ml]))
                seen = true;
        if (seen || n + ml + 3 > 48)
            continue;
        if (n) {
            memcpy(out + n, ", ", 2);
            n += 2;
        }
        memcpy(out + n, m, ml + 1);
        n += ml;
    }
}
