/* registry.h: the registry of large anonymous accounts, as lines of JSON
 * or CSV, shared by `ereje registry export` and GET /v1/registry/anonymous.
 * With identity data, every account whose data is read gets an
 * identity.read event naming the reader and the key. */
#ifndef EJ_REGISTRY_H
#define EJ_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ereje/ereje.h"
#include "ereje/store.h"
#include "vault.h"

struct registry_opts {
    int64_t at_ms;         /* listed at this instant */
    bool csv;              /* CSV with a header line, else JSON lines */
    const struct vault *identity; /* non-NULL: include identity data */
    const char *reader;    /* who reads, for identity.read events */
};

/* Calls emit(line, len, ctx) for each line (no newline; NUL-terminated).
 * With identity data the identity.read events are committed only when the
 * whole export succeeds; a caller that must not show a partial export
 * buffers the lines until this returns EJ_OK.
 * EJ_INVALID with *why when the policy has no follower_threshold rule or
 * asks for an unknown field; store errors as they come. */
enum ej_err registry_export(struct ej_store *st, const struct ej_policy *p,
                            const struct registry_opts *o,
                            void (*emit)(const char *line, size_t len,
                                         void *ctx),
                            void *ctx, char *why, size_t why_cap,
                            size_t *rows);

#endif
