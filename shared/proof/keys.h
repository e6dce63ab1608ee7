/* keys: Ed25519, P-256, P-384 and RSA keys in OpenSSL EVP, their files, did:key
 * and JWK forms, and raw sign/verify as the proof suites and JOSE use them.
 *
 * Key file format (read and written): the JSON the reference JavaScript
 * stack uses (../shared/vectors/keys):
 *   Ed25519: {"type":"Multikey","keyType":"Ed25519","id","controller",
 *             "publicKeyMultibase":"z6Mk...","secretKeyMultibase":"zrv..."}
 *            (secret = 0x80 0x26 + seed || public, 64 bytes);
 *   P-256:   {"type":"JsonWebKey","keyType":"P-256","id","controller",
 *             "publicKeyMultibase":"zDn...","publicKeyJwk","privateKeyJwk"};
 *   P-384:   the same with "keyType":"P-384", "z82..." and crv P-384;
 *   RSA:     {"type":"JsonWebKey","keyType":"RSA","publicKeyJwk","privateKeyJwk"}.
 * Reading also accepts the 32-byte seed-only secretKeyMultibase (and
 * secretKeyMultibaseSeedOnly), the P-256 / P-384 Multikey secrets
 * (0x86 0x26 / 0x87 0x26 + scalar, as the W3C ECDSA vectors'
 * p256KeyPair.json / p384KeyPair.json), any one of the members alone, and a bare
 * JWK object (private or public). When several forms are present they must
 * all name the same key, and keyType must match it.
 */
#ifndef OB_KEYS_H
#define OB_KEYS_H

#include <stddef.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

typedef enum { OB_KEY_ED25519 = 1, OB_KEY_P256, OB_KEY_RSA, OB_KEY_P384 } ob_key_type;

typedef struct ob_key ob_key;

/* Largest raw signature this module makes (RSA-4096). */
#define OB_SIG_MAX 512

/* Parses "ed25519" / "p256" (also "P-256") / "p384" ("P-384") / "rsa",
 * case-insensitive, and the JOSE names "EdDSA" / "ES256" / "ES384" /
 * "RS256". Returns 0 when unknown. */
ob_key_type ob_key_type_parse(const char *name);
/* "Ed25519", "P-256", "P-384", "RSA" */
const char *ob_key_type_name(ob_key_type t);

/* New private key (RSA: 3072 bits). */
ob_key *ob_key_generate(ob_key_type type, ob_error *err);
/* Loads a key file (private or public); see the format above. Files over
 * 32 KiB are refused; parse errors are prefixed with the path. */
ob_key *ob_key_load(const char *path, ob_error *err);
/* Parses the same JSON from memory. */
ob_key *ob_key_parse(const char *text, size_t len, ob_error *err);
/* Writes a private key file in the format above, mode 0600
 * (O_EXCL|O_NOFOLLOW); an existing file (or symlink) is OB_EIO "exists"
 * unless force, then it is replaced atomically (temp, fsync, rename).
 * A public-only key is OB_EUSAGE. */
ob_code ob_key_save(const ob_key *key, const char *path, int force, ob_error *err);

/* Public key from a Multikey publicKeyMultibase ("z6Mk..." Ed25519,
 * "zDn..." P-256 or "z82..." P-384 compressed, checked to be on the curve). A malformed value
 * (not 'z', bad base58, wrong length, off the curve) is OB_EPARSE; another
 * multicodec header is OB_EUNSUPPORTED "unsupported multikey header 0x.. 0x..". */
ob_key *ob_key_from_multikey(const char *mb, ob_error *err);
/* Public key from a JWK (OKP/Ed25519, EC/P-256 or P-384, RSA 2048 to 4096 bits).
 * A JWK with "d" (or any other private member) is OB_EINVALID: public keys
 * must never carry private parts. jwk NULL is OB_EPARSE. RSA keys must
 * pass OpenSSL's SP 800-56B public check (odd e >= 65537). */
ob_key *ob_key_from_jwk(const json_t *jwk, ob_error *err);

void ob_key_free(ob_key *key);

ob_key_type ob_key_get_type(const ob_key *key);
int ob_key_has_private(const ob_key *key);
/* Returns 1 when both hold the same public key. */
int ob_key_equal_public(const ob_key *a, const ob_key *b);

/* Appends the Multikey publicKeyMultibase (Ed25519 / P-256 / P-384). */
ob_code ob_key_multikey(const ob_key *key, ob_buf *out, ob_error *err);
/* Appends "did:key:<mb>" to did and, if vm is not NULL,
 * "did:key:<mb>#<mb>" to vm. */
ob_code ob_key_did(const ob_key *key, ob_buf *did, ob_buf *vm, ob_error *err);
/* New public JWK object (never contains "d"). */
json_t *ob_key_public_jwk(const ob_key *key, ob_error *err);

/* The JOSE alg this key signs with: "EdDSA", "ES256", "ES384" or
 * "RS256". */
const char *ob_key_jose_alg(const ob_key *key);

/* Signs msg. Ed25519: pure EdDSA, 64 bytes. P-256: ECDSA over SHA-256 with
 * the raw r||s form JOSE uses (64 bytes); P-384: ECDSA over SHA-384, r||s
 * (96 bytes). RSA: RSASSA-PKCS1-v1_5 SHA-256.
 * sig must hold OB_SIG_MAX bytes; *siglen gets the length. */
ob_code ob_key_sign(const ob_key *key, const unsigned char *msg, size_t len,
		    unsigned char *sig, size_t *siglen, ob_error *err);
/* OB_OK when sig is a valid signature of msg; OB_EINVALID when it is not
 * (including a signature of the wrong length: ES256 must be raw r||s). */
ob_code ob_key_verify(const ob_key *key, const unsigned char *msg, size_t len,
		      const unsigned char *sig, size_t siglen, ob_error *err)
	__attribute__((warn_unused_result));

#endif
