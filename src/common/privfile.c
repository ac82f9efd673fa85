/* privfile.c: see privfile.h. */
#include "privfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

enum ej_err privfile_read(const char *path, void *buf, size_t cap,
                          size_t *n, const char **why)
{
    struct stat st;
    *why = NULL;
    /* O_NONBLOCK: a FIFO must not hang the caller before the check
     * below refuses it (reads from a regular file ignore the flag) */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return EJ_IO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        *why = "not a regular file";
        return EJ_INVALID;
    }
    if (st.st_mode & 077) {
        close(fd);
        *why = "readable or writable by group or others: chmod 600 it";
        return EJ_INVALID;
    }
    ssize_t r = read(fd, buf, cap);
    close(fd);
    if (r < 0)
        return EJ_IO;
    *n = (size_t)r;
    return EJ_OK;
}
