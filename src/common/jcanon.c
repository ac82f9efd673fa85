/* jcanon.c: see jcanon.h. */
#include "jcanon.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct member {
    const char *key;
    size_t len;
    json_t *value;
};

/* jansson's key order: memcmp over the shorter length, then the shorter
 * first. */
static int key_cmp(const struct member *a, const struct member *b)
{
    int c = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static enum ej_err value(struct jw *w, const json_t *v, int depth);

static enum ej_err object(struct jw *w, const json_t *v, int depth)
{
    struct member m[JCANON_MAX_KEYS];
    size_t n = 0;
    if (json_object_size(v) > JCANON_MAX_KEYS)
        return EJ_TOO_BIG;
    /* Insertion sort: objects here have a handful of keys. */
    for (void *it = json_object_iter((json_t *)v); it;
         it = json_object_iter_next((json_t *)v, it)) {
        if (n == JCANON_MAX_KEYS)
            return EJ_TOO_BIG;
        struct member x = {json_object_iter_key(it),
                           json_object_iter_key_len(it),
                           json_object_iter_value(it)};
        size_t j = n++;
        for (; j > 0 && key_cmp(&m[j - 1], &x) > 0; j--)
            m[j] = m[j - 1];
        m[j] = x;
    }
    jw_obj(w);
    for (size_t i = 0; i < n; i++) {
        jw_jkey(w, m[i].key, m[i].len);
        enum ej_err rc = value(w, m[i].value, depth + 1);
        if (rc != EJ_OK)
            return rc;
    }
    jw_end_obj(w);
    return EJ_OK;
}

static enum ej_err value(struct jw *w, const json_t *v, int depth)
{
    if (depth >= JCANON_MAX_DEPTH)
        return EJ_TOO_BIG;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return object(w, v, depth);
    case JSON_ARRAY:
        jw_arr(w);
        for (size_t i = 0; i < json_array_size(v); i++) {
            enum ej_err rc = value(w, json_array_get(v, i), depth + 1);
            if (rc != EJ_OK)
                return rc;
        }
        jw_end_arr(w);
        return EJ_OK;
    case JSON_STRING:
        jw_jstrn(w, json_string_value(v), json_string_length(v));
        return EJ_OK;
    case JSON_INTEGER:
        jw_int(w, json_integer_value(v)); /* "%lld", as jansson's */
        return EJ_OK;
    case JSON_TRUE:
        jw_bool(w, true);
        return EJ_OK;
    case JSON_FALSE:
        jw_bool(w, false);
        return EJ_OK;
    case JSON_NULL:
        jw_null(w);
        return EJ_OK;
    case JSON_REAL:
    default:
        return EJ_INVALID;
    }
}

enum ej_err jcanon_write(struct jw *w, const json_t *v, size_t *off)
{
    size_t mark = jw_mark(w);
    enum ej_err rc = EJ_INVALID;
    if (!json_is_object(v) && !json_is_array(v))
        goto out;
    rc = value(w, v, 0);
    if (rc != EJ_OK)
        goto out;
    jw_next_text(w);
    if (w->err)
        rc = EJ_TOO_BIG;
out:
    if (rc != EJ_OK)
        jw_rewind(w, mark);
    else
        *off = mark;
    return rc;
}

enum ej_err jcanon_put(struct jw *w, const json_t *v, size_t *off,
                       char **own)
{
    *own = NULL;
    if (jcanon_write(w, v, off) == EJ_OK)
        return EJ_OK;
    *off = SIZE_MAX;
    *own = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    return *own ? EJ_OK : EJ_NOMEM;
}

const char *jcanon_text(const struct jw *w, size_t off, const char *own)
{
    return own ? own : w->buf + off;
}
