/* jcanon.h: the event log's body text of a jansson value, the same byte
 * for byte as json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) (keys in the
 * order of memcmp, then length, as jansson 2.14 sorts them; jansson's
 * escapes), written into a jw buffer that a whole batch shares instead
 * of a string allocated per value. The stored bytes and so the chain's
 * hashes do not depend on which of the two wrote them (tests/unit/
 * test_jcanon.c holds the two to each other). */
#ifndef EJ_JCANON_H
#define EJ_JCANON_H

#include <stddef.h>

#include <jansson.h>

#include "ereje/err.h"
#include "jw.h"

/* Nesting and keys per object this writer handles itself; past them it
 * leaves the value to json_dumps. JCANON_MAX_DEPTH stays below
 * JW_MAX_DEPTH. */
#define JCANON_MAX_DEPTH 12
#define JCANON_MAX_KEYS 64

/* Append the text of v to w as one text (jw_next_text: NUL-terminated)
 * and set *off to where it starts in w->buf. EJ_OK when written; any
 * other code when v holds what this writer leaves to jansson (a real,
 * whose digits are jansson's own; nesting past JCANON_MAX_DEPTH; more
 * than JCANON_MAX_KEYS keys in an object; a string that is not UTF-8; a
 * top level that is neither object nor array) or w failed (its maximum,
 * memory). On failure w is as it was and *off is untouched. w->buf may
 * move with every write: keep offsets, take pointers at the end. */
enum ej_err jcanon_write(struct jw *w, const json_t *v, size_t *off);

/* jcanon_write, or json_dumps where that declines: *off is set for a text
 * in w, or *own to json_dumps' text (the caller frees it with free()) and
 * *off to SIZE_MAX. EJ_NOMEM when json_dumps fails too (as it does on a
 * real NaN, a string that is not UTF-8, a value that is not a container or
 * no memory); then *own is NULL. */
enum ej_err jcanon_put(struct jw *w, const json_t *v, size_t *off,
                       char **own);

/* The text jcanon_put made: own when set, else at off in w (valid until
 * w is written again). */
const char *jcanon_text(const struct jw *w, size_t off, const char *own);

#endif
