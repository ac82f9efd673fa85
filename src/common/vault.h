/* vault.h: the key that protects identity data at rest, and what it does
 * (libsodium). One 32-byte master key lives in a file of mode 0600 made by
 * `ereje keys init`; from it two subkeys are derived: one encrypts
 * identity data (XChaCha20-Poly1305, the account id as associated data, so
 * a ciphertext cannot be moved to another account), one makes the keyed
 * BLAKE2b hash of an IIN that finds one person's accounts without
 * decrypting. */
#ifndef EJ_VAULT_H
#define EJ_VAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "ereje/ereje.h"
#include "ereje/store.h"

struct vault {
    unsigned char enc[32];
    unsigned char mac[32];
    char key_id[17];     /* hex of a hash of the master key: names it */
};

/* Create a new key file (refuses to overwrite). */
enum ej_err vault_init_file(const char *path, char key_id[17]);
/* Load a key file; EJ_INVALID (with *why) when group or others may read
 * it or it is malformed, EJ_IO when it cannot be read. */
enum ej_err vault_load(const char *path, struct vault *v, const char **why);
void vault_wipe(struct vault *v);

/* Keyed hash of an IIN. */
void vault_iin_hash(const struct vault *v, const char *iin, size_t len,
                    unsigned char out[EJ_HASH_LEN]);
/* Encrypt plaintext for account into row (nonce, ciphertext). EJ_TOO_BIG
 * past EJ_IDENTITY_CT_MAX. */
enum ej_err vault_seal(const struct vault *v, const char *account,
                       const char *plain, size_t len,
                       struct ej_identity_row *row);
/* Decrypt row into a new NUL-terminated buffer (free()). EJ_INVALID when
 * the key is wrong or the data was altered. */
enum ej_err vault_open(const struct vault *v, const char *account,
                       const struct ej_identity_row *row, char **plain,
                       size_t *len);

#endif
