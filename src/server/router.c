/* router.c: the route table. Dispatch is data: every endpoint is one row
 * here, and docs/openapi.yaml must describe each (a test checks). */
#include "server.h"

#include <string.h>

#define PLATFORM EJ_ROLE_PLATFORM
#define ADMIN EJ_ROLE_ADMIN

const struct route srv_routes[] = {
    {"GET", "/healthz", 0, api_healthz, "liveness and loaded packs"},
    {"GET", "/metrics", 0, api_metrics, "Prometheus metrics"},
    {"POST", "/v1/registrations/check", PLATFORM | ADMIN,
     api_registration_check, "decide a registration under the age rules"},
};
const size_t srv_n_routes = sizeof srv_routes / sizeof *srv_routes;

const struct route *router_find(const char *method, const char *path,
                                int *status)
{
    bool path_known = false;
    for (size_t i = 0; i < srv_n_routes; i++) {
        if (strcmp(srv_routes[i].path, path) != 0)
            continue;
        path_known = true;
        if (strcmp(srv_routes[i].method, method) == 0)
            return &srv_routes[i];
    }
    *status = path_known ? 405 : 404;
    return NULL;
}
