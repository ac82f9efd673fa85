/* testutil.h: helpers shared by the unit tests and the case runner. */
#ifndef EJ_TESTUTIL_H
#define EJ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ereje/ereje.h"

/* Whole file into a new NUL-terminated buffer (free()); aborts the test on
 * failure. */
char *tu_read(const char *path, size_t *len);
/* The system's Asia/Almaty (or any) zone from tzdata; fails the test when
 * it cannot be read. */
struct ej_tz *tu_zone(const char *name);
/* The shipped policy (policies/kz/ *.yaml) plus extra files, resolved,
 * with zones attached. Fails the test on any diagnostic. */
struct ej_policy *tu_policy(const char *const *extra, size_t n_extra);
/* Parse an instant or fail the test. */
int64_t tu_instant(const char *s);
/* Parse a date or fail the test. */
struct ej_date tu_date(const char *s);
/* One step of xorshift64 on *x (never 0), for repeatable random tests. */
uint64_t tu_xorshift(uint64_t *x);
/* Random text for differential tests: up to max_parts - 1 pieces drawn
 * from atoms[0..na) with *x, joined into buf (at most cap - 1 bytes,
 * NUL-terminated). Returns the length. max_parts, na and cap must be at
 * least 1; an atom ends at its first NUL (put NULs in afterwards). */
size_t tu_random_text(const char *const *atoms, size_t na, size_t max_parts,
                      uint64_t *x, char *buf, size_t cap);

#endif
