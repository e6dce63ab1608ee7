#include "io/vault.h"

#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define MAGIC "OBWALLET"
#define MAGIC_LEN 8
#define BACKUP_VERSION 1
#define KDF_SCRYPT 1
#define WRAP_AAD "obkit wallet data key v1"
#define TAG_INFO "obkit wallet lookup tags v1"

ob_code ob_vault_random(unsigned char *out, size_t len, ob_error *err)
{
	if (RAND_bytes(out, (int)len) != 1)
		return ob_fail_ssl(err, "random bytes");
	return OB_OK;
}

ob_code ob_vault_kdf_new(ob_vault_kdf *k, unsigned log2n, ob_error *err)
{
	memset(k, 0, sizeof(*k));
	k->log2n = log2n;
	k->r = OB_VAULT_SCRYPT_R;
	k->p = OB_VAULT_SCRYPT_P;
	if (ob_vault_kdf_check(k, err))
		return err->code;
	return ob_vault_random(k->salt, sizeof(k->salt), err);
}

ob_code ob_vault_kdf_check(const ob_vault_kdf *k, ob_error *err)
{
	/* memory is 128 * r * N, time r * N * p: at most 128 MiB (vault.h) */
	if (k->log2n < OB_VAULT_LOG2N_MIN || k->log2n > OB_VAULT_LOG2N_MAX ||
	    k->r != OB_VAULT_SCRYPT_R || k->p != OB_VAULT_SCRYPT_P)
		return ob_fail(err, OB_EPARSE, "unsupported scrypt parameters (N=2^%u r=%u p=%u): "
			       "obkit accepts N=2^%d to 2^%d with r=%d p=%d", k->log2n, k->r, k->p,
			       OB_VAULT_LOG2N_MIN, OB_VAULT_LOG2N_MAX, OB_VAULT_SCRYPT_R,
			       OB_VAULT_SCRYPT_P);
	return OB_OK;
}

ob_code ob_vault_derive(const ob_vault_kdf *k, const char *pass, size_t passlen,
			unsigned char kek[OB_VAULT_KEY_LEN], ob_error *err)
{
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[7], *p = params;
	uint64_t n, maxmem;
	uint32_t r, pp;
	ob_code rc = OB_OK;

	if (ob_vault_kdf_check(k, err))
		return err->code;
	n = (uint64_t)1 << k->log2n;
	r = k->r;
	pp = k->p;
	/* OpenSSL's own cap as a second guard: V (128 r (N + 2)) and B
	 * (128 r p) at the largest accepted cost, plus slack */
	maxmem = 128ull * OB_VAULT_SCRYPT_R * ((1ull << OB_VAULT_LOG2N_MAX) + 2 + OB_VAULT_SCRYPT_P) +
		 (1ull << 20);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pass, passlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)k->salt,
						 sizeof(k->salt));
	*p++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	*p++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	*p++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &pp);
	*p++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
	*p = OSSL_PARAM_construct_end();
	if (!(kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL)) || !(ctx = EVP_KDF_CTX_new(kdf)) ||
	    EVP_KDF_derive(ctx, kek, OB_VAULT_KEY_LEN, params) != 1) {
		OPENSSL_cleanse(kek, OB_VAULT_KEY_LEN);
		rc = ob_fail_ssl(err, "scrypt");
	}
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

static ob_code gcm(int enc, const unsigned char *key, const unsigned char *nonce,
		   const void *aad, size_t aadlen, const unsigned char *in, size_t len,
		   unsigned char *out, unsigned char *tag, ob_error *err)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0, ok;

	if (len > INT32_MAX || aadlen > INT32_MAX) {
		EVP_CIPHER_CTX_free(ctx);
		return ob_fail(err, OB_EUSAGE, "record too large to encrypt");
	}
	ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, OB_VAULT_NONCE_LEN, NULL) == 1 &&
	     EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) == 1 &&
	     (!aadlen || EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) == 1) &&
	     (!len || EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1) &&
	     (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, OB_VAULT_TAG_LEN, tag) == 1);
	if (!ok) {
		EVP_CIPHER_CTX_free(ctx);
		return ob_fail_ssl(err, "AES-256-GCM");
	}
	fin = EVP_CipherFinal_ex(ctx, out + (len ? n : 0), &n);
	if (fin == 1 && enc)
		fin = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, OB_VAULT_TAG_LEN, tag);
	EVP_CIPHER_CTX_free(ctx);
	if (fin != 1) {
		if (enc)
			return ob_fail_ssl(err, "AES-256-GCM");
		ERR_clear_error();
		return OB_EINVALID; /* tag mismatch: the caller names it */
	}
	return OB_OK;
}

ob_code ob_vault_seal(const unsigned char key[OB_VAULT_KEY_LEN], const void *aad, size_t aadlen,
		      const void *pt, size_t len, ob_buf *out, ob_error *err)
{
	size_t start = out->len;
	unsigned char *p;
	ob_code rc;

	if (ob_buf_grow(out, len + OB_VAULT_OVERHEAD) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	p = (unsigned char *)out->data + start;
	if ((rc = ob_vault_random(p, OB_VAULT_NONCE_LEN, err)))
		return rc;
	rc = gcm(1, key, p, aad, aadlen, pt, len, p + OB_VAULT_NONCE_LEN,
		 p + OB_VAULT_NONCE_LEN + len, err);
	if (rc)
		return rc == OB_EINVALID ? ob_fail(err, OB_ECRYPTO, "encryption failed") : rc;
	out->len = start + len + OB_VAULT_OVERHEAD;
	out->data[out->len] = '\0';
	return OB_OK;
}

ob_code ob_vault_open(const unsigned char key[OB_VAULT_KEY_LEN], const void *aad, size_t aadlen,
		      const void *blob, size_t len, const char *what, ob_buf *out, ob_error *err)
{
	const unsigned char *b = blob;
	size_t start = out->len, n;
	ob_code rc;

	if (len < OB_VAULT_OVERHEAD)
		return ob_fail(err, OB_EINVALID, "cannot decrypt %s: it is truncated", what);
	n = len - OB_VAULT_OVERHEAD;
	if (ob_buf_grow(out, n + 1) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = gcm(0, key, b, aad, aadlen, b + OB_VAULT_NONCE_LEN, n,
		 (unsigned char *)out->data + start, (unsigned char *)b + OB_VAULT_NONCE_LEN + n, err);
	if (rc) {
		OPENSSL_cleanse(out->data + start, n);
		out->data[start] = '\0';
		return rc == OB_EINVALID ? ob_fail(err, OB_EINVALID, "cannot decrypt %s: it was "
						   "modified or belongs elsewhere", what) : rc;
	}
	out->len = start + n;
	out->data[out->len] = '\0';
	return OB_OK;
}

/* The KDF parameters, bound to the wrapped key as associated data. */
static void kdf_aad(const ob_vault_kdf *k, unsigned char aad[sizeof(WRAP_AAD) + 11 + OB_VAULT_SALT_LEN])
{
	unsigned char *p = aad;

	memcpy(p, WRAP_AAD, sizeof(WRAP_AAD));
	p += sizeof(WRAP_AAD);
	*p++ = KDF_SCRYPT;
	*p++ = (unsigned char)k->log2n;
	*p++ = (unsigned char)(k->r >> 24); *p++ = (unsigned char)(k->r >> 16);
	*p++ = (unsigned char)(k->r >> 8);  *p++ = (unsigned char)k->r;
	*p++ = (unsigned char)(k->p >> 24); *p++ = (unsigned char)(k->p >> 16);
	*p++ = (unsigned char)(k->p >> 8);  *p++ = (unsigned char)k->p;
	*p++ = 0;
	memcpy(p, k->salt, OB_VAULT_SALT_LEN);
}

ob_code ob_vault_wrap(const unsigned char kek[OB_VAULT_KEY_LEN], const ob_vault_kdf *k,
		      const unsigned char dk[OB_VAULT_KEY_LEN], ob_buf *out, ob_error *err)
{
	unsigned char aad[sizeof(WRAP_AAD) + 11 + OB_VAULT_SALT_LEN];

	kdf_aad(k, aad);
	return ob_vault_seal(kek, aad, sizeof(aad), dk, OB_VAULT_KEY_LEN, out, err);
}

ob_code ob_vault_unwrap(const unsigned char kek[OB_VAULT_KEY_LEN], const ob_vault_kdf *k,
			const void *wrapped, size_t len, unsigned char dk[OB_VAULT_KEY_LEN],
			ob_error *err)
{
	unsigned char aad[sizeof(WRAP_AAD) + 11 + OB_VAULT_SALT_LEN];
	ob_buf b = OB_BUF_INIT;
	ob_error e = { 0 };
	ob_code rc;

	kdf_aad(k, aad);
	rc = ob_vault_open(kek, aad, sizeof(aad), wrapped, len, "the data key", &b, &e);
	if (rc == OB_EINVALID)
		rc = ob_fail(err, OB_EINVALID, "wrong passphrase");
	else if (rc)
		rc = ob_fail(err, rc, "%s", e.msg);
	else if (b.len != OB_VAULT_KEY_LEN)
		rc = ob_fail(err, OB_EINVALID, "the wrapped data key has the wrong length");
	else
		memcpy(dk, b.data, OB_VAULT_KEY_LEN);
	ob_buf_release_secret(&b);
	return rc;
}

ob_code ob_vault_tag(const unsigned char dk[OB_VAULT_KEY_LEN], const char *label,
		     const void *data, size_t len, unsigned char out[32], ob_error *err)
{
	unsigned char sub[32];
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *mctx = NULL;
	OSSL_PARAM params[4], *p = params;
	size_t outl = 0;
	ob_code rc = OB_OK;

	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)dk, OB_VAULT_KEY_LEN);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, TAG_INFO, strlen(TAG_INFO));
	*p = OSSL_PARAM_construct_end();
	if (!(kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) || !(ctx = EVP_KDF_CTX_new(kdf)) ||
	    EVP_KDF_derive(ctx, sub, sizeof(sub), params) != 1) {
		rc = ob_fail_ssl(err, "HKDF");
		goto out;
	}
	p = params;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
	*p = OSSL_PARAM_construct_end();
	if (!(mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) || !(mctx = EVP_MAC_CTX_new(mac)) ||
	    EVP_MAC_init(mctx, sub, sizeof(sub), params) != 1 ||
	    EVP_MAC_update(mctx, (const unsigned char *)label, strlen(label) + 1) != 1 ||
	    EVP_MAC_update(mctx, data, len) != 1 || EVP_MAC_final(mctx, out, &outl, 32) != 1 ||
	    outl != 32)
		rc = ob_fail_ssl(err, "HMAC");
out:
	OPENSSL_cleanse(sub, sizeof(sub));
	EVP_MAC_CTX_free(mctx);
	EVP_MAC_free(mac);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

static void put32(ob_buf *b, unsigned v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	ob_buf_add(b, x, 4);
}

static unsigned get32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

ob_code ob_vault_backup_seal(const ob_vault_kdf *k, const void *wrapped, size_t wlen,
			     const unsigned char dk[OB_VAULT_KEY_LEN], const void *payload,
			     size_t plen, ob_buf *out, ob_error *err)
{
	size_t start = out->len;
	unsigned char x[3] = { BACKUP_VERSION, KDF_SCRYPT, (unsigned char)k->log2n };
	unsigned char wl[2] = { (unsigned char)(wlen >> 8), (unsigned char)wlen };
	ob_code rc;

	if (wlen > 0xffff)
		return ob_fail(err, OB_EUSAGE, "wrapped key too long");
	ob_buf_add(out, MAGIC, MAGIC_LEN);
	ob_buf_add(out, x, 3);
	put32(out, k->r);
	put32(out, k->p);
	ob_buf_add(out, k->salt, OB_VAULT_SALT_LEN);
	ob_buf_add(out, wl, 2);
	ob_buf_add(out, wrapped, wlen);
	if (out->oom) {
		ob_buf_truncate(out, start);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	/* the header is copied: sealing may move out->data */
	{
		size_t hlen = out->len - start;
		unsigned char *hdr = OPENSSL_memdup(out->data + start, hlen);

		if (!hdr) {
			ob_buf_truncate(out, start);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
		rc = ob_vault_seal(dk, hdr, hlen, payload, plen, out, err);
		OPENSSL_free(hdr);
	}
	if (rc)
		ob_buf_truncate(out, start);
	return rc;
}

ob_code ob_vault_backup_parse(const void *data, size_t len, ob_vault_backup *b, ob_error *err)
{
	const unsigned char *p = data;
	size_t fixed = MAGIC_LEN + 3 + 8 + OB_VAULT_SALT_LEN + 2;

	memset(b, 0, sizeof(*b));
	if (len < MAGIC_LEN || memcmp(p, MAGIC, MAGIC_LEN) != 0)
		return ob_fail(err, OB_EPARSE, "not an ob-wallet backup");
	if (len < fixed)
		return ob_fail(err, OB_EPARSE, "backup is truncated");
	if (p[MAGIC_LEN] != BACKUP_VERSION)
		return ob_fail(err, OB_EPARSE, "backup format version %u is not supported",
			       p[MAGIC_LEN]);
	if (p[MAGIC_LEN + 1] != KDF_SCRYPT)
		return ob_fail(err, OB_EPARSE, "backup uses an unknown key derivation (%u)",
			       p[MAGIC_LEN + 1]);
	b->kdf.log2n = p[MAGIC_LEN + 2];
	b->kdf.r = get32(p + MAGIC_LEN + 3);
	b->kdf.p = get32(p + MAGIC_LEN + 7);
	memcpy(b->kdf.salt, p + MAGIC_LEN + 11, OB_VAULT_SALT_LEN);
	if (ob_vault_kdf_check(&b->kdf, err))
		return err->code;
	b->wrapped_len = (size_t)p[fixed - 2] << 8 | p[fixed - 1];
	if (len < fixed + b->wrapped_len + OB_VAULT_OVERHEAD)
		return ob_fail(err, OB_EPARSE, "backup is truncated");
	b->wrapped = p + fixed;
	b->header_len = fixed + b->wrapped_len;
	return OB_OK;
}

ob_code ob_vault_backup_open(const void *data, size_t len, const ob_vault_backup *b,
			     const unsigned char dk[OB_VAULT_KEY_LEN], ob_buf *payload,
			     ob_error *err)
{
	const unsigned char *p = data;

	return ob_vault_open(dk, p, b->header_len, p + b->header_len, len - b->header_len,
			     "the backup", payload, err);
}
