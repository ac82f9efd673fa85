/* cmd_fingerprint.c: ereje fingerprint FILE... — the fingerprints the
 * re-upload bank keeps for media, so that a platform (or its auditor)
 * sees what an order's closing recorded and can compute the same for a
 * file it holds. */
#include "cli.h"

#include <errno.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "image.h"
#include "mediafp.h"

const char cmd_fingerprint_usage[] =
    "usage: ereje fingerprint FILE...\n"
    "\n"
    "Print, as one JSON line per file, the fingerprints the re-upload bank\n"
    "keeps for removed media: file, bytes, sha256 (of the bytes), and for a\n"
    "JPEG or PNG image format, width, height, pdq (the 256-bit PDQ\n"
    "perceptual hash in its 64-hex-digit form, the same as Meta's\n"
    "reference) and quality (PDQ's 0-100; under 50 the image is too flat\n"
    "to match on and the bank keeps only its SHA-256). note says why an\n"
    "image has no usable PDQ hash. Two images match when their PDQ hashes\n"
    "differ in 31 bits or fewer.\n"
    "Files are read whole, at most 32 MiB each. A file that cannot be read\n"
    "is reported on stderr and as a line with error; the others go on.\n"
    "Exit status: 0, or 3 when a file could not be read.\n";

int cmd_fingerprint(struct cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    if (argc < 2) {
        fputs(cmd_fingerprint_usage, stderr);
        return EXIT_BADINPUT;
    }
    int status = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            continue;
        char *buf = NULL;
        size_t len = 0;
        struct mediafp m;
        enum ej_err rc = cli_read_file(argv[i], IMAGE_MAX_BYTES, &buf, &len);
        int rerr = rc == EJ_IO ? errno : 0; /* "No such file ..." */
        if (rc == EJ_OK)
            rc = mediafp_compute((const unsigned char *)buf, len, &m);
        free(buf);
        if (rc != EJ_OK) {
            const char *why = rc == EJ_TOO_BIG ? "larger than 32 MiB"
                              : rerr           ? strerror(rerr)
                                               : ej_strerror(rc);
            cli_err("fingerprint: %s: %s", argv[i], why);
            status = EXIT_ENV;
            json_t *e = json_pack("{s:s,s:s,s:s}", "file", argv[i], "error",
                                  ej_errname(rc), "message", why);
            if (e && !cli_json_println(e))
                return EXIT_ENV;
            continue;
        }
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, m.sha256, 32);
        json_t *o = json_pack("{s:s,s:I,s:s}", "file", argv[i], "bytes",
                              (json_int_t)len, "sha256", hex);
        if (!o) {
            /* jansson takes UTF-8 only: such a name goes to stderr */
            cli_err("fingerprint: a file name that is not UTF-8 (sha256 "
                    "%s); its line is left out",
                    hex);
            status = EXIT_ENV;
            continue;
        }
        if (m.format) {
            json_object_set_new(o, "format", json_string(m.format));
            if (m.width) {
                json_object_set_new(o, "width", json_integer(m.width));
                json_object_set_new(o, "height", json_integer(m.height));
            }
        }
        if (m.has_pdq) {
            sodium_bin2hex(hex, sizeof hex, m.pdq, 32);
            json_object_set_new(o, "pdq", json_string(hex));
            json_object_set_new(o, "quality", json_integer(m.quality));
        }
        if (m.note[0])
            json_object_set_new(o, "note", json_string(m.note));
        if (!cli_json_println(o))
            return EXIT_ENV;
    }
    return status;
}
