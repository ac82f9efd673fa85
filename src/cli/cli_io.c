/* cli_io.c: file reading and messages for the CLI. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "ereje/store.h"

void cli_err(const char *fmt, ...)
{
    va_list ap;
    fputs("ereje: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

enum ej_err cli_read_file(const char *path, size_t max, char **out,
                          size_t *out_len)
{
    enum ej_err rc = EJ_IO;
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;

    if (!f)
        return EJ_IO;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 64 * 1024;
            if (ncap > max + 1)
                ncap = max + 1;
            if (ncap <= len) {
                rc = EJ_TOO_BIG;
                goto out;
            }
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                rc = EJ_NOMEM;
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len > max) {
            rc = EJ_TOO_BIG;
            goto out;
        }
        if (n == 0) {
            if (ferror(f))
                goto out;
            break;
        }
    }
    buf[len] = '\0';
    rc = EJ_OK;
out:
    if (!is_stdin) {
        int e = errno;
        fclose(f);
        errno = e;
    }
    if (rc != EJ_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = len;
    return EJ_OK;
}

const char *cli_opt(int argc, char **argv, int *i, const char *name,
                    bool *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

int64_t cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cli_parse_opts(int argc, char **argv, int start,
                   const struct cli_optdef *defs, size_t n, const char *cmd)
{
    for (int i = start; i < argc; i++) {
        bool missing = false, known = false;
        for (size_t d = 0; d < n && !known; d++) {
            if (defs[d].flag) {
                if (strcmp(argv[i], defs[d].name) == 0) {
                    *defs[d].flag = true;
                    known = true;
                }
                continue;
            }
            const char *v = cli_opt(argc, argv, &i, defs[d].name, &missing);
            if (v) {
                *defs[d].value = v;
                known = true;
            } else if (missing) {
                cli_err("%s: %s needs a value", cmd, argv[i]);
                return EXIT_BADINPUT;
            }
        }
        if (!known) {
            cli_err("%s: unexpected '%s' (see --help)", cmd, argv[i]);
            return EXIT_BADINPUT;
        }
    }
    return EXIT_OK;
}

int cli_open_store(const char *cmd, const char *db, bool create,
                   struct ej_store **out)
{
    if (!create) {
        struct stat sb;
        if (stat(db, &sb) != 0) {
            cli_err("%s: %s: %s", cmd, db,
                    errno == ENOENT ? "no such database" : strerror(errno));
            return EXIT_ENV;
        }
        if (!S_ISREG(sb.st_mode) || sb.st_size == 0) {
            cli_err("%s: %s: %s", cmd, db,
                    S_ISREG(sb.st_mode) ? "an empty file, not a database"
                                        : "not a regular file");
            return EXIT_ENV;
        }
    }
    struct ej_store *st;
    enum ej_err rc = ej_store_open(ej_store_sqlite(), db, &st);
    if (rc != EJ_OK) {
        cli_err("%s: cannot open %s: %s", cmd, db, ej_strerror(rc));
        return EXIT_ENV;
    }
    *out = st;
    return EXIT_OK;
}
