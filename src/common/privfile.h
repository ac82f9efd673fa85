/* privfile.h: reading a private file (a key, a secret): a regular file
 * (not a FIFO or a device), not a symbolic link (so a mounted secret must
 * be copied or named by its real path), and neither readable nor
 * writable by group or others. Shared by the identity key (vault.c) and the webhook secret. */
#ifndef EJ_PRIVFILE_H
#define EJ_PRIVFILE_H

#include <stddef.h>

#include "ereje/ereje.h"

/* Up to cap bytes of path into buf; *n the count. EJ_IO (errno kept) when
 * it cannot be opened, EJ_INVALID with *why when it is not private. */
enum ej_err privfile_read(const char *path, void *buf, size_t cap,
                          size_t *n, const char **why);

#endif
