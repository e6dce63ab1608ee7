/* vault: the wallet's encryption at rest, all through OpenSSL.
 *
 * A passphrase derives a key-encryption key (KEK) with scrypt; a random
 * 256-bit data key (DK), wrapped (AES-256-GCM) by the KEK, encrypts every
 * record with AES-256-GCM, a random 96-bit nonce and the record's identity
 * as associated data. A sealed blob is nonce (12) || ciphertext || tag (16).
 *
 * Backup file (all integers big-endian):
 *   "OBWALLET" | version u8 (1) | kdf u8 (1 = scrypt) | log2(N) u8 |
 *   r u32 | p u32 | salt (16) | wrapped-key length u16 | wrapped key |
 *   sealed payload (under the DK, the whole header as associated data).
 */
#ifndef OB_VAULT_H
#define OB_VAULT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define OB_VAULT_KEY_LEN 32
#define OB_VAULT_SALT_LEN 16
#define OB_VAULT_NONCE_LEN 12
#define OB_VAULT_TAG_LEN 16
#define OB_VAULT_OVERHEAD (OB_VAULT_NONCE_LEN + OB_VAULT_TAG_LEN)

/* Default scrypt cost: N = 2^16, r = 8, p = 1: 64 MiB and about 0.3 s to
 * unlock on the 2-core build machine (2^17 took 0.6-1 s there). */
#define OB_VAULT_LOG2N_DEFAULT 16
/* The cost `--kdf-cost test` asks for: N = 2^10. Recorded in the wallet,
 * so a test wallet says it is one; never used unless asked for. */
#define OB_VAULT_LOG2N_TEST 10

/* The parameters a wallet or backup may carry. They come from the file
 * before the passphrase is checked, so they must not let the file choose
 * its own cost: obkit writes only N = 2^10 or 2^16 with r = 8, p = 1, and
 * accepts N up to 2^17 (one step above the default) with exactly that r
 * and p. Worst case 128 * r * N = 128 MiB (140 MB peak RSS) and 0.6-0.9 s
 * of scrypt on the build machine; 2^20 would be 1 GiB and 7 s. */
#define OB_VAULT_LOG2N_MIN 10
#define OB_VAULT_LOG2N_MAX 17
#define OB_VAULT_SCRYPT_R 8
#define OB_VAULT_SCRYPT_P 1

typedef struct {
	unsigned log2n;  /* scrypt N = 2^log2n */
	unsigned r, p;
	unsigned char salt[OB_VAULT_SALT_LEN];
} ob_vault_kdf;

/* Fills k with the cost log2n (r 8, p 1) and a fresh random salt. */
ob_code ob_vault_kdf_new(ob_vault_kdf *k, unsigned log2n, ob_error *err);

/* Checks stored parameters are within the bounds above (a tampered header
 * must not ask for gigabytes): OB_EPARSE "unsupported scrypt parameters
 * ..." otherwise. Costs nothing; ob_vault_derive and
 * ob_vault_backup_parse call it first. */
ob_code ob_vault_kdf_check(const ob_vault_kdf *k, ob_error *err);

/* Derives the KEK from the passphrase. kek is secret: cleanse it. */
ob_code ob_vault_derive(const ob_vault_kdf *k, const char *pass, size_t passlen,
			unsigned char kek[OB_VAULT_KEY_LEN], ob_error *err);

/* len random bytes from the OpenSSL DRBG. */
ob_code ob_vault_random(unsigned char *out, size_t len, ob_error *err);

/* Encrypts pt with key, aad authenticated, and appends nonce || ct || tag
 * to out. */
ob_code ob_vault_seal(const unsigned char key[OB_VAULT_KEY_LEN], const void *aad, size_t aadlen,
		      const void *pt, size_t len, ob_buf *out, ob_error *err);
/* Decrypts a sealed blob and appends the plaintext to out (a secret buffer:
 * release it with ob_buf_release_secret). A blob that does not
 * authenticate (wrong key, tampered, other aad) is OB_EINVALID "cannot
 * decrypt: <what> was modified or belongs elsewhere"; out unchanged. */
ob_code ob_vault_open(const unsigned char key[OB_VAULT_KEY_LEN], const void *aad, size_t aadlen,
		      const void *blob, size_t len, const char *what, ob_buf *out,
		      ob_error *err) __attribute__((warn_unused_result));

/* Wraps the data key with the KEK; the KDF parameters are associated data. */
ob_code ob_vault_wrap(const unsigned char kek[OB_VAULT_KEY_LEN], const ob_vault_kdf *k,
		      const unsigned char dk[OB_VAULT_KEY_LEN], ob_buf *out, ob_error *err);
/* Unwraps it: OB_EINVALID "wrong passphrase" when it does not authenticate. */
ob_code ob_vault_unwrap(const unsigned char kek[OB_VAULT_KEY_LEN], const ob_vault_kdf *k,
			const void *wrapped, size_t len, unsigned char dk[OB_VAULT_KEY_LEN],
			ob_error *err) __attribute__((warn_unused_result));

/* A lookup tag: HMAC-SHA256 of label || 0 || data under a key derived
 * (HKDF) from the data key, so the database can find a credential by id
 * or content without holding either in clear. */
ob_code ob_vault_tag(const unsigned char dk[OB_VAULT_KEY_LEN], const char *label,
		     const void *data, size_t len, unsigned char out[32], ob_error *err);

/* Appends a backup file: header (k, wrapped) then payload sealed under dk
 * with the header as associated data. */
ob_code ob_vault_backup_seal(const ob_vault_kdf *k, const void *wrapped, size_t wlen,
			     const unsigned char dk[OB_VAULT_KEY_LEN], const void *payload,
			     size_t plen, ob_buf *out, ob_error *err);

typedef struct {
	ob_vault_kdf kdf;
	const unsigned char *wrapped; /* borrowed from the file data */
	size_t wrapped_len;
	size_t header_len;
} ob_vault_backup;

/* Parses a backup's header, its KDF parameters checked with
 * ob_vault_kdf_check, so a restore refuses a forged cost before it asks
 * for the passphrase or runs scrypt. OB_EPARSE "not an ob-wallet backup"
 * or a description of what is wrong. */
ob_code ob_vault_backup_parse(const void *data, size_t len, ob_vault_backup *b, ob_error *err);
/* Decrypts the payload (a secret buffer); OB_EINVALID when the file was
 * modified. */
ob_code ob_vault_backup_open(const void *data, size_t len, const ob_vault_backup *b,
			     const unsigned char dk[OB_VAULT_KEY_LEN], ob_buf *payload,
			     ob_error *err) __attribute__((warn_unused_result));

#endif
