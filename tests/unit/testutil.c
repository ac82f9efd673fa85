/* testutil.c: see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t r = fread(buf + n, 1, 4096, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

struct ej_tz *tu_zone(const char *name)
{
    char path[512];
    const char *dir = getenv("TZDIR");
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
             name);
    size_t len;
    char *buf = tu_read(path, &len);
    struct ej_tz *tz = NULL;
    assert_int_equal(ej_tz_parse(name, (unsigned char *)buf, len, &tz), EJ_OK);
    free(buf);
    return tz;
}

static void add(struct ej_policy *p, const char *path)
{
    size_t len;
    char *buf = tu_read(path, &len);
    enum ej_err rc = ej_policy_add_yaml(p, path, buf, len);
    free(buf);
    if (rc != EJ_OK) {
        for (size_t i = 0; i < ej_policy_diag_count(p); i++)
            fprintf(stderr, "%s\n", ej_policy_diag(p, i));
        fail_msg("loading %s: %s", path, ej_errname(rc));
    }
}

struct ej_policy *tu_policy(const char *const *extra, size_t n_extra)
{
    static const char *const shipped[] = {"policies/kz/tables.yaml",
                                          "policies/kz/law-18-viii.yaml",
                                          "policies/kz/draft-2025.yaml"};
    struct ej_policy *p;
    char path[512];
    assert_int_equal(ej_policy_new(&p), EJ_OK);
    for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++) {
        snprintf(path, sizeof path, "%s/%s", EJ_SOURCE_DIR, shipped[i]);
        add(p, path);
    }
    for (size_t i = 0; i < n_extra; i++)
        add(p, extra[i]);
    assert_int_equal(ej_policy_attach_tz(p, tu_zone("Asia/Almaty")), EJ_OK);
    if (ej_policy_resolve(p) != EJ_OK) {
        for (size_t i = 0; i < ej_policy_diag_count(p); i++)
            fprintf(stderr, "%s\n", ej_policy_diag(p, i));
        fail_msg("policy does not resolve");
    }
    return p;
}

int64_t tu_instant(const char *s)
{
    int64_t ms;
    enum ej_err rc = ej_instant_parse(s, strlen(s), &ms, NULL);
    if (rc != EJ_OK)
        fail_msg("bad instant '%s': %s", s, ej_errname(rc));
    return ms;
}

struct ej_date tu_date(const char *s)
{
    struct ej_date d;
    enum ej_err rc = ej_date_parse(s, strlen(s), &d);
    if (rc != EJ_OK)
        fail_msg("bad date '%s': %s", s, ej_errname(rc));
    return d;
}

uint64_t tu_xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

size_t tu_random_text(const char *const *atoms, size_t na, size_t max_parts,
                      uint64_t *x, char *buf, size_t cap)
{
    if (max_parts == 0 || na == 0 || cap == 0)
        fail_msg("tu_random_text: max_parts, na and cap must be positive");
    size_t n = 0, parts = tu_xorshift(x) % max_parts;
    for (size_t k = 0; k < parts; k++) {
        const char *a = atoms[tu_xorshift(x) % na];
        size_t l = strlen(a);
        if (n + l >= cap)
            break;
        memcpy(buf + n, a, l);
        n += l;
    }
    buf[n] = '\0';
    return n;
}
