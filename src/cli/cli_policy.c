/* cli_policy.c: finds, reads and loads the policy files and the zones
 * they name; the library only ever sees bytes. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DIR_FILES 256
#define MAX_DEPTH 4

struct paths {
    char *v[MAX_DIR_FILES];
    size_t n;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Every *.yaml / *.yml below dir, depth-limited. */
static enum ej_err scan(const char *dir, int depth, struct paths *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return EJ_IO;
    struct dirent *e;
    enum ej_err rc = EJ_OK;
    while (rc == EJ_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof path)
            continue;
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
            rc = scan(path, depth + 1, out);
        } else if (S_ISREG(st.st_mode) &&
                   (ends_with(path, ".yaml") || ends_with(path, ".yml"))) {
            if (out->n == MAX_DIR_FILES) {
                rc = EJ_TOO_BIG;
                break;
            }
            if (!(out->v[out->n] = strdup(path)))
                rc = EJ_NOMEM;
            else
                out->n++;
        }
    }
    closedir(d);
    return rc;
}

static void paths_free(struct paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    p->n = 0;
}

/* Read and add one file; false when it could not be read at all. */
static bool add_file(struct ej_policy *p, const char *path)
{
    char *buf;
    size_t len;
    enum ej_err rc = cli_read_file(path, EJ_POLICY_FILE_MAX, &buf, &len);
    if (rc != EJ_OK) {
        cli_err("%s: %s", path,
                rc == EJ_IO ? strerror(errno) : ej_strerror(rc));
        return false;
    }
    rc = ej_policy_add_yaml(p, path, buf, len);
    free(buf);
    if (rc == EJ_NOMEM || rc == EJ_TOO_BIG) {
        cli_err("%s: %s", path, ej_strerror(rc));
        return false;
    }
    return true;
}

enum ej_err cli_load_tz(const struct cli_ctx *ctx, const char *name,
                        struct ej_tz **out)
{
    char path[PATH_MAX], *buf;
    size_t len;
    if (!ej_tz_name_valid(name))
        return EJ_TZ_UNKNOWN;
    int n = snprintf(path, sizeof path, "%s/%s", ctx->tzdir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return EJ_TZ_UNKNOWN;
    enum ej_err rc = cli_read_file(path, EJ_TZ_MAX_BYTES, &buf, &len);
    if (rc == EJ_IO)
        return EJ_TZ_UNKNOWN;
    if (rc != EJ_OK)
        return rc;
    rc = ej_tz_parse(name, (const unsigned char *)buf, len, out);
    free(buf);
    return rc;
}

/* Add the tables files of the policy directory (MCI, calendars) whose ids
 * the given files do not define, so that a pack checked on its own still
 * resolves its references. */
static bool add_dir_tables(const struct cli_ctx *ctx, struct ej_policy *p,
                           char **given, size_t n_given)
{
    struct paths dir = {0};
    bool ok = true;
    if (scan(ctx->policy_dir, 0, &dir) != EJ_OK) {
        paths_free(&dir);
        return true; /* resolve will name what is missing */
    }
    qsort(dir.v, dir.n, sizeof *dir.v, cmp_str);
    for (size_t i = 0; i < dir.n && ok; i++) {
        char a[PATH_MAX], b[PATH_MAX];
        bool same = false;
        for (size_t j = 0; j < n_given; j++)
            if (realpath(dir.v[i], a) && realpath(given[j], b) &&
                strcmp(a, b) == 0)
                same = true;
        if (same)
            continue;
        /* Load into a scratch policy to learn what the file defines. */
        struct ej_policy *scratch;
        if (ej_policy_new(&scratch) != EJ_OK) {
            ok = false;
            break;
        }
        bool wanted = add_file(scratch, dir.v[i]) &&
                      ej_policy_diag_count(scratch) == 0 &&
                      ej_policy_pack_count(scratch) == 0 &&
                      ej_policy_tables_count(scratch) > 0;
        for (size_t k = 0; wanted && k < ej_policy_tables_count(scratch); k++)
            if (ej_policy_has_tables(p, ej_policy_tables_id(scratch, k)))
                wanted = false;
        ej_policy_free(scratch);
        if (wanted)
            ok = add_file(p, dir.v[i]);
    }
    paths_free(&dir);
    return ok;
}

int cli_load_policy(const struct cli_ctx *ctx, char **extra, size_t n_extra,
                    struct ej_policy **out)
{
    struct ej_policy *p = NULL;
    struct paths dir = {0};
    int status = EXIT_ENV;

    if (ej_policy_new(&p) != EJ_OK) {
        cli_err("out of memory");
        return EXIT_ENV;
    }
    if (n_extra) {
        for (size_t i = 0; i < n_extra; i++)
            if (!add_file(p, extra[i]))
                goto out;
        if (!add_dir_tables(ctx, p, extra, n_extra))
            goto out;
    } else if (ctx->n_policy_files) {
        for (size_t i = 0; i < ctx->n_policy_files; i++)
            if (!add_file(p, ctx->policy_files[i]))
                goto out;
    } else {
        enum ej_err rc = scan(ctx->policy_dir, 0, &dir);
        if (rc != EJ_OK || dir.n == 0) {
            cli_err("%s: %s", ctx->policy_dir,
                    rc == EJ_IO   ? strerror(errno)
                    : rc != EJ_OK ? ej_strerror(rc)
                                  : "no *.yaml policy files");
            goto out;
        }
        qsort(dir.v, dir.n, sizeof *dir.v, cmp_str);
        for (size_t i = 0; i < dir.n; i++)
            if (!add_file(p, dir.v[i]))
                goto out;
    }

    /* Zones the packs name, read from tzdata. */
    for (size_t i = 0; i < ej_policy_pack_count(p); i++) {
        const struct ej_pack *k = ej_policy_pack(p, i);
        struct ej_tz *tz;
        if (ej_pack_tz(p, k))
            continue;
        enum ej_err rc = cli_load_tz(ctx, ej_pack_time_zone(k), &tz);
        if (rc == EJ_OK) {
            ej_policy_attach_tz(p, tz);
        } else {
            int line, col;
            char msg[300];
            ej_pack_time_zone_pos(k, &line, &col);
            snprintf(msg, sizeof msg,
                     "time_zone '%s': %s (looked in %s; install tzdata)",
                     ej_pack_time_zone(k), ej_strerror(rc), ctx->tzdir);
            ej_policy_add_diag(p, ej_pack_file(k), line, col, msg);
        }
    }
    if (ej_policy_resolve(p) != EJ_OK) {
        for (size_t i = 0; i < ej_policy_diag_count(p); i++)
            fprintf(stderr, "%s\n", ej_policy_diag(p, i));
        if (ej_policy_diag_dropped(p))
            fprintf(stderr, "ereje: ... and %zu more errors\n",
                    ej_policy_diag_dropped(p));
        status = EXIT_BADINPUT;
        goto out;
    }
    ej_policy_enforce_drafts(p, ctx->enforce_drafts);
    status = EXIT_OK;
out:
    paths_free(&dir);
    if (status != EXIT_OK) {
        ej_policy_free(p);
        p = NULL;
    }
    *out = p;
    return status;
}

const struct ej_pack *cli_pick_pack(const struct ej_policy *p, const char *id)
{
    if (id) {
        const struct ej_pack *k = ej_policy_find_pack(p, id);
        if (!k)
            cli_err("no pack '%s' is loaded (see: ereje policy list)", id);
        return k;
    }
    for (size_t i = 0; i < ej_policy_pack_count(p); i++)
        if (ej_pack_status(ej_policy_pack(p, i)) == EJ_STATUS_IN_FORCE)
            return ej_policy_pack(p, i);
    if (ej_policy_pack_count(p))
        return ej_policy_pack(p, 0);
    cli_err("no policy pack is loaded");
    return NULL;
}
