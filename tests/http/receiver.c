/* receiver.c: a webhook endpoint for the tests (libmicrohttpd). It checks
 * each POST's signature on its own (libsodium HMAC-SHA256 of
 * "timestamp.body" under the secret) and appends one line a request to
 * LOG: "EVENT DELIVERY sig=ok|bad BODY", or "refused ..." while the file
 * FAIL exists, when it answers 503 instead of 200.
 * Usage: ereje-test-receiver SECRET_FILE LOG PORT_FILE FAIL */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

static unsigned char key[512];
static size_t keylen;
static const char *log_path, *fail_path;

struct body {
    char *p;
    size_t n;
};

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *data,
                               size_t *size, void **state)
{
    (void)cls;
    (void)url;
    (void)version;
    struct body *b = *state;
    if (!b) {
        b = calloc(1, sizeof *b);
        *state = b;
        return MHD_YES;
    }
    if (*size) {
        b->p = realloc(b->p, b->n + *size + 1);
        memcpy(b->p + b->n, data, *size);
        b->n += *size;
        b->p[b->n] = '\0';
        *size = 0;
        return MHD_YES;
    }
    const char *ts = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "X-Ereje-Timestamp");
    const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                  "X-Ereje-Signature");
    const char *ev = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "X-Ereje-Event");
    const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "X-Ereje-Delivery");
    bool ok = false;
    if (ts && sig && strncmp(sig, "v1=", 3) == 0 && strlen(sig) == 67) {
        crypto_auth_hmacsha256_state s;
        unsigned char mac[32];
        char hex[65];
        crypto_auth_hmacsha256_init(&s, key, keylen);
        crypto_auth_hmacsha256_update(&s, (const unsigned char *)ts,
                                      strlen(ts));
        crypto_auth_hmacsha256_update(&s, (const unsigned char *)".", 1);
        crypto_auth_hmacsha256_update(&s, (const unsigned char *)b->p,
                                      b->n);
        crypto_auth_hmacsha256_final(&s, mac);
        sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
        ok = strcmp(hex, sig + 3) == 0;
    }
    bool refuse = access(fail_path, F_OK) == 0;
    FILE *f = fopen(log_path, "a");
    if (f) {
        fprintf(f, "%s%s %s %s sig=%s %s\n", refuse ? "refused " : "",
                method, ev ? ev : "-", id ? id : "-", ok ? "ok" : "bad",
                b->p ? b->p : "");
        fclose(f);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(
        2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result res = MHD_queue_response(c, refuse ? 503 : 200, r);
    MHD_destroy_response(r);
    return res;
}

static void done(void *cls, struct MHD_Connection *c, void **state,
                 enum MHD_RequestTerminationCode t)
{
    (void)cls;
    (void)c;
    (void)t;
    struct body *b = *state;
    if (b) {
        free(b->p);
        free(b);
    }
    *state = NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5 || sodium_init() < 0)
        return 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 2;
    keylen = fread(key, 1, sizeof key, f);
    fclose(f);
    while (keylen && (key[keylen - 1] == '\n' || key[keylen - 1] == '\r'))
        keylen--;
    log_path = argv[2];
    fail_path = argv[4];
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(0x7F000001);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL,
        MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
        MHD_OPTION_END);
    if (!d)
        return 3;
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    f = fopen(argv[3], "w");
    if (!f)
        return 3;
    fprintf(f, "%u\n", info->port);
    fclose(f);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    sigprocmask(SIG_BLOCK, &s, NULL);
    int sig;
    sigwait(&s, &sig);
    MHD_stop_daemon(d);
    return 0;
}
