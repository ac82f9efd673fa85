/* vault.c: see vault.h. */
#include "vault.h"

#include "privfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

static void derive(const unsigned char master[32], struct vault *v)
{
    static const char ctx[crypto_kdf_CONTEXTBYTES] = {'e', 'r', 'e', 'j',
                                                      'e', '-', 'i', 'd'};
    unsigned char h[8];
    crypto_kdf_derive_from_key(v->enc, sizeof v->enc, 1, ctx, master);
    crypto_kdf_derive_from_key(v->mac, sizeof v->mac, 2, ctx, master);
    crypto_generichash(h, sizeof h, master, 32, NULL, 0);
    sodium_bin2hex(v->key_id, sizeof v->key_id, h, sizeof h);
}

enum ej_err vault_init_file(const char *path, char key_id[17])
{
    unsigned char master[32];
    char hex[65];
    if (sodium_init() < 0)
        return EJ_IO;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return errno == EEXIST ? EJ_INVALID : EJ_IO;
    randombytes_buf(master, sizeof master);
    sodium_bin2hex(hex, sizeof hex, master, sizeof master);
    hex[64] = '\n';
    bool ok = write(fd, hex, 65) == 65 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    struct vault v;
    derive(master, &v);
    memcpy(key_id, v.key_id, 17);
    sodium_memzero(master, sizeof master);
    sodium_memzero(hex, sizeof hex);
    vault_wipe(&v);
    if (!ok) {
        unlink(path);
        return EJ_IO;
    }
    return EJ_OK;
}

enum ej_err vault_load(const char *path, struct vault *v, const char **why)
{
    char hex[80];
    unsigned char master[32];
    size_t bin_len;
    *why = NULL;
    if (sodium_init() < 0)
        return EJ_IO;
    size_t n = 0;
    enum ej_err rc = privfile_read(path, hex, sizeof hex - 1, &n, why);
    if (rc != EJ_OK)
        return rc;
    if (n < 64) {
        *why = "too short: expected 64 hex digits";
        return EJ_INVALID;
    }
    hex[n] = '\0';
    if (sodium_hex2bin(master, sizeof master, hex, 64, NULL, &bin_len,
                       NULL) != 0 ||
        bin_len != 32 || (n > 64 && hex[64] != '\n')) {
        sodium_memzero(hex, sizeof hex);
        *why = "malformed: expected 64 hex digits";
        return EJ_INVALID;
    }
    derive(master, v);
    sodium_memzero(master, sizeof master);
    sodium_memzero(hex, sizeof hex);
    return EJ_OK;
}

void vault_wipe(struct vault *v) { sodium_memzero(v, sizeof *v); }

void vault_iin_hash(const struct vault *v, const char *iin, size_t len,
                    unsigned char out[EJ_HASH_LEN])
{
    crypto_generichash(out, EJ_HASH_LEN, (const unsigned char *)iin, len,
                       v->mac, sizeof v->mac);
}

enum ej_err vault_seal(const struct vault *v, const char *account,
                       const char *plain, size_t len,
                       struct ej_identity_row *row)
{
    unsigned long long ct_len;
    if (len + crypto_aead_xchacha20poly1305_ietf_ABYTES > EJ_IDENTITY_CT_MAX)
        return EJ_TOO_BIG;
    randombytes_buf(row->nonce, EJ_NONCE_LEN);
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        row->ciphertext, &ct_len, (const unsigned char *)plain, len,
        (const unsigned char *)account, strlen(account), NULL, row->nonce,
        v->enc);
    row->ct_len = (size_t)ct_len;
    row->has_ciphertext = true;
    return EJ_OK;
}

enum ej_err vault_open(const struct vault *v, const char *account,
                       const struct ej_identity_row *row, char **plain,
                       size_t *len)
{
    unsigned long long n;
    if (!row->has_ciphertext ||
        row->ct_len < crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return EJ_NOT_FOUND;
    char *out = malloc(row->ct_len + 1);
    if (!out)
        return EJ_NOMEM;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            (unsigned char *)out, &n, NULL, row->ciphertext, row->ct_len,
            (const unsigned char *)account, strlen(account), row->nonce,
            v->enc) != 0) {
        free(out);
        return EJ_INVALID;
    }
    out[n] = '\0';
    *plain = out;
    *len = (size_t)n;
    return EJ_OK;
}
