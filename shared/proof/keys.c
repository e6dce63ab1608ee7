#include "proof/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/sha.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "base/codec.h"
#include "base/hash.h"
#include "base/fsutil.h"
#include "base/json.h"

/* Ed25519 keeps EVP contexts ready for one more EVP_DigestSign or
 * EVP_DigestVerify (pure EdDSA keeps no state between messages), which
 * saves building one per signature (an algorithm fetch and a key
 * context). They live in the key and die with it, so a key freed and
 * another allocated at the same address never meets them. Keys are shared
 * across threads: a thread takes a context by swapping NULL into its
 * slot, so none is used by two at once, and puts it back after use. */
#define KEY_CTX_SLOTS 4
enum { CTX_SIGN, CTX_VERIFY };

struct ob_key {
	EVP_PKEY *pkey;
	ob_key_type type;
	int priv; /* holds the private half */
	_Atomic(EVP_MD_CTX *) ctx[2][KEY_CTX_SLOTS]; /* CTX_SIGN, CTX_VERIFY */
};

/* multicodec codes (multiformats table) */
#define MC_ED25519_PUB 0xed
#define MC_ED25519_PRIV 0x1300
#define MC_P256_PUB 0x1200
#define MC_P384_PUB 0x1201
#define MC_P256_PRIV 0x1306
#define MC_P384_PRIV 0x1307

#define ED25519_LEN 32
#define P256_LEN 32
#define EC_MAX 48 /* P-384's coordinate and scalar size, the largest */
#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS (OB_SIG_MAX * 8)
#define RSA_GEN_BITS 3072
/* below ob_file_read's first buffer (64 KiB), so the key text is never
 * copied by a realloc that would leave an unwiped copy behind */
#define KEYFILE_MAX (32u * 1024)

/* JWK members that only a private key has (RFC 7518 6.2.2, 6.3.2, 6.4) */
static const char *const jwk_private_members[] = { "d", "p", "q", "dp", "dq", "qi", "oth", "k" };

ob_key_type ob_key_type_parse(const char *name)
{
	if (!name)
		return 0;
	if (!strcasecmp(name, "ed25519") || !strcasecmp(name, "eddsa"))
		return OB_KEY_ED25519;
	if (!strcasecmp(name, "p256") || !strcasecmp(name, "p-256") || !strcasecmp(name, "es256"))
		return OB_KEY_P256;
	if (!strcasecmp(name, "p384") || !strcasecmp(name, "p-384") || !strcasecmp(name, "es384"))
		return OB_KEY_P384;
	if (!strcasecmp(name, "rsa") || !strcasecmp(name, "rs256"))
		return OB_KEY_RSA;
	return 0;
}

const char *ob_key_type_name(ob_key_type t)
{
	switch (t) {
	case OB_KEY_ED25519:
		return "Ed25519";
	case OB_KEY_P256:
		return "P-256";
	case OB_KEY_P384:
		return "P-384";
	case OB_KEY_RSA:
		return "RSA";
	}
	return "unknown";
}

static ob_key *key_take(EVP_PKEY *pkey, ob_key_type type, int priv, ob_error *err)
{
	ob_key *k = calloc(1, sizeof(*k));

	if (!k) {
		EVP_PKEY_free(pkey);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	k->pkey = pkey;
	k->type = type;
	k->priv = priv;
	return k;
}

void ob_key_free(ob_key *key)
{
	size_t i, j;

	if (!key)
		return;
	for (i = 0; i < 2; i++)
		for (j = 0; j < KEY_CTX_SLOTS; j++)
			EVP_MD_CTX_free(atomic_load(&key->ctx[i][j]));
	EVP_PKEY_free(key->pkey);
	free(key);
}

ob_key_type ob_key_get_type(const ob_key *key)
{
	return key ? key->type : 0;
}

int ob_key_has_private(const ob_key *key)
{
	return key && key->priv;
}

int ob_key_equal_public(const ob_key *a, const ob_key *b)
{
	return a && b && a->type == b->type && EVP_PKEY_eq(a->pkey, b->pkey) == 1;
}

const char *ob_key_jose_alg(const ob_key *key)
{
	switch (ob_key_get_type(key)) {
	case OB_KEY_ED25519:
		return "EdDSA";
	case OB_KEY_P256:
		return "ES256";
	case OB_KEY_RSA:
		return "RS256";
	case OB_KEY_P384:
		/* ob_key_sign signs with SHA-384, r || s of 48 bytes each */
		return "ES384";
	}
	return NULL;
}

ob_key *ob_key_generate(ob_key_type type, ob_error *err)
{
	EVP_PKEY *pkey = NULL;

	switch (type) {
	case OB_KEY_ED25519:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case OB_KEY_P256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case OB_KEY_P384:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case OB_KEY_RSA:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)RSA_GEN_BITS);
		break;
	default:
		ob_fail(err, OB_EUSAGE, "unknown key type %d", (int)type);
		return NULL;
	}
	if (!pkey) {
		ob_fail_ssl(err, "cannot generate key");
		return NULL;
	}
	return key_take(pkey, type, 1, err);
}

/* ---- raw public forms ---- */

static ob_code ed25519_raw_public(const ob_key *key, unsigned char pub[ED25519_LEN],
				  ob_error *err)
{
	size_t n = ED25519_LEN;

	if (EVP_PKEY_get_raw_public_key(key->pkey, pub, &n) != 1 || n != ED25519_LEN)
		return ob_fail_ssl(err, "cannot read Ed25519 public key");
	return OB_OK;
}

static ob_code bn_param(const EVP_PKEY *pkey, const char *name, unsigned char *out,
			size_t want, ob_error *err)
{
	BIGNUM *bn = NULL;
	ob_code rc = OB_OK;

	if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
		return ob_fail_ssl(err, "cannot read key parameter");
	if (BN_bn2binpad(bn, out, (int)want) < 0)
		rc = ob_fail(err, OB_ECRYPTO, "key parameter '%s' too large", name);
	BN_clear_free(bn);
	return rc;
}

/* Appends base64url of a BIGNUM parameter (unpadded big-endian, as JWK
 * wants for RSA; secret ones are wiped). */
static ob_code add_bn_b64(const EVP_PKEY *pkey, const char *name, ob_buf *out,
			  ob_error *err)
{
	BIGNUM *bn = NULL;
	unsigned char *bin = NULL;
	int n;
	ob_code rc = OB_OK;

	if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
		return ob_fail_ssl(err, "cannot read key parameter");
	n = BN_num_bytes(bn);
	bin = OPENSSL_malloc(n > 0 ? (size_t)n : 1);
	if (!bin) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	BN_bn2bin(bn, bin);
	if (ob_base64url_encode(out, bin, (size_t)n) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	OPENSSL_clear_free(bin, n > 0 ? (size_t)n : 1);
	BN_clear_free(bn);
	return rc;
}

static int is_ec(ob_key_type t)
{
	return t == OB_KEY_P256 || t == OB_KEY_P384;
}

/* Coordinate (and scalar) size of an EC key type's curve. */
static size_t ec_len(ob_key_type t)
{
	return t == OB_KEY_P384 ? 48 : P256_LEN;
}

static const char *ec_curve(ob_key_type t)
{
	return t == OB_KEY_P384 ? "P-384" : "P-256";
}

/* x and y, each ec_len(key->type) bytes */
static ob_code ec_xy(const ob_key *key, unsigned char *x, unsigned char *y, ob_error *err)
{
	ob_code rc;

	if ((rc = bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, x, ec_len(key->type), err)))
		return rc;
	return bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, y, ec_len(key->type), err);
}

ob_code ob_key_multikey(const ob_key *key, ob_buf *out, ob_error *err)
{
	unsigned char raw[2 + 1 + EC_MAX], x[EC_MAX], y[EC_MAX];
	size_t n, cl;
	ob_code rc;

	switch (ob_key_get_type(key)) {
	case OB_KEY_ED25519:
		n = ob_varint_encode(MC_ED25519_PUB, raw);
		if ((rc = ed25519_raw_public(key, raw + n, err)))
			return rc;
		n += ED25519_LEN;
		break;
	case OB_KEY_P256:
	case OB_KEY_P384:
		/* did.md, ecdsa.md 1: EC multikeys carry the compressed SEC1 point */
		cl = ec_len(key->type);
		n = ob_varint_encode(key->type == OB_KEY_P384 ? MC_P384_PUB : MC_P256_PUB, raw);
		if ((rc = ec_xy(key, x, y, err)))
			return rc;
		raw[n++] = 0x02 | (y[cl - 1] & 1);
		memcpy(raw + n, x, cl);
		n += cl;
		break;
	case OB_KEY_RSA:
		return ob_fail(err, OB_EUNSUPPORTED, "RSA keys have no Multikey form");
	default:
		return ob_fail(err, OB_EUSAGE, "no key");
	}
	if (ob_multibase_encode(out, 'z', raw, n) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

ob_code ob_key_did(const ob_key *key, ob_buf *did, ob_buf *vm, ob_error *err)
{
	ob_buf mb = OB_BUF_INIT;
	ob_code rc;

	if ((rc = ob_key_multikey(key, &mb, err)))
		goto out;
	if (ob_buf_addf(did, "did:key:%s", mb.data) < 0 ||
	    (vm && ob_buf_addf(vm, "did:key:%s#%s", mb.data, mb.data) < 0))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	ob_buf_release(&mb);
	return rc;
}

static int set_b64(json_t *o, const char *name, const unsigned char *bin, size_t n)
{
	ob_buf b = OB_BUF_INIT;
	int r = -1;

	if (ob_base64url_encode(&b, bin, n) == 0 && b.data)
		r = json_object_set_new(o, name, json_string(b.data));
	ob_buf_release(&b);
	return r;
}

static int set_bn_b64(json_t *o, const char *name, const EVP_PKEY *pkey, const char *param,
		      ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	int r = -1;

	if (add_bn_b64(pkey, param, &b, err) == OB_OK && b.data)
		r = json_object_set_new(o, name, json_string(b.data));
	ob_buf_release(&b);
	return r;
}

json_t *ob_key_public_jwk(const ob_key *key, ob_error *err)
{
	unsigned char a[EC_MAX], b[EC_MAX];
	json_t *jwk = json_object();
	int bad = !jwk;

	if (bad)
		goto out;
	switch (ob_key_get_type(key)) {
	case OB_KEY_ED25519:
		if (ed25519_raw_public(key, a, err))
			goto fail;
		bad |= json_object_set_new(jwk, "kty", json_string("OKP"));
		bad |= json_object_set_new(jwk, "crv", json_string("Ed25519"));
		bad |= set_b64(jwk, "x", a, ED25519_LEN);
		break;
	case OB_KEY_P256:
	case OB_KEY_P384:
		if (ec_xy(key, a, b, err))
			goto fail;
		bad |= json_object_set_new(jwk, "kty", json_string("EC"));
		bad |= json_object_set_new(jwk, "crv", json_string(ec_curve(key->type)));
		bad |= set_b64(jwk, "x", a, ec_len(key->type));
		bad |= set_b64(jwk, "y", b, ec_len(key->type));
		break;
	case OB_KEY_RSA:
		bad |= json_object_set_new(jwk, "kty", json_string("RSA"));
		if (set_bn_b64(jwk, "n", key->pkey, OSSL_PKEY_PARAM_RSA_N, err) ||
		    set_bn_b64(jwk, "e", key->pkey, OSSL_PKEY_PARAM_RSA_E, err))
			goto fail;
		break;
	default:
		ob_fail(err, OB_EUSAGE, "no key");
		goto fail;
	}
out:
	if (!bad)
		return jwk;
	ob_fail(err, OB_ENOMEM, "out of memory");
fail:
	json_decref(jwk);
	return NULL;
}

/* ---- building keys from raw parts ---- */

static EVP_PKEY *fromdata(const char *type, int selection, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (!params)
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	/* private BIGNUMs were pushed as BN_secure_new ones: their block is
	 * freed with OPENSSL_secure_clear_free */
	OSSL_PARAM_free(params);
	return pkey;
}

/* Runs the public (and, for a key pair, the pairwise) consistency check. */
static int pkey_check(EVP_PKEY *pkey, int priv)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	int ok;

	if (!ctx)
		return 0;
	ok = EVP_PKEY_public_check(ctx) == 1 && (!priv || EVP_PKEY_pairwise_check(ctx) == 1);
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/* pub is a SEC1 point (compressed or not) on type's curve; d (ec_len
 * bytes) is NULL for a public key. */
static ob_key *ec_from_parts(ob_key_type type, const unsigned char *pub, size_t publen,
			     const unsigned char *d, ob_error *err)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn = NULL;
	EVP_PKEY *pkey = NULL;

	if (!bld)
		goto nomem;
	if (d && (!(bn = BN_secure_new()) || !BN_bin2bn(d, (int)ec_len(type), bn)))
		goto nomem;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, ec_curve(type), 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen) ||
	    (bn && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn)))
		goto nomem;
	/* EC_POINT_oct2point inside fromdata refuses points off the curve */
	pkey = fromdata("EC", d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld);
	if (!pkey || !pkey_check(pkey, d != NULL)) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
		ERR_clear_error();
		ob_fail(err, OB_EPARSE, d ? "invalid %s key pair (d does not match the point)"
			: "invalid %s public key: not a point on the curve", ec_curve(type));
	}
	goto out;
nomem:
	ob_fail(err, OB_ENOMEM, "out of memory");
out:
	BN_clear_free(bn);
	OSSL_PARAM_BLD_free(bld);
	return pkey ? key_take(pkey, type, d != NULL, err) : NULL;
}

/* The key pair of secret scalar d (ec_len(type) bytes): its public point
 * is d·G (a Multikey secret carries no public half). */
static ob_key *ec_from_secret(ob_key_type type, const unsigned char *d, ob_error *err)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(type == OB_KEY_P384 ? NID_secp384r1
					       : NID_X9_62_prime256v1);
	EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
	BIGNUM *bn = BN_secure_new();
	unsigned char pub[1 + 2 * EC_MAX];
	size_t n = 0;
	ob_key *key = NULL;

	if (!g || !pt || !bn || !BN_bin2bn(d, (int)ec_len(type), bn)) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (BN_is_zero(bn) || BN_cmp(bn, EC_GROUP_get0_order(g)) >= 0 ||
	    EC_POINT_mul(g, pt, bn, NULL, NULL, NULL) != 1 ||
	    !(n = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof(pub), NULL))) {
		ERR_clear_error();
		ob_fail(err, OB_EPARSE, "invalid %s secret key", ec_curve(type));
		goto out;
	}
	key = ec_from_parts(type, pub, n, d, err);
out:
	BN_clear_free(bn);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	return key;
}

static ob_key *ed25519_from_seed(const unsigned char seed[ED25519_LEN], ob_error *err)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, ED25519_LEN);

	if (!pkey) {
		ob_fail_ssl(err, "cannot load Ed25519 private key");
		return NULL;
	}
	return key_take(pkey, OB_KEY_ED25519, 1, err);
}

static ob_key *ed25519_from_pub(const unsigned char pub[ED25519_LEN], ob_error *err)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, ED25519_LEN);

	if (!pkey) {
		ob_fail_ssl(err, "cannot load Ed25519 public key");
		return NULL;
	}
	return key_take(pkey, OB_KEY_ED25519, 0, err);
}

/* ---- Multikey ---- */

/* Decodes a base58btc multibase value into out (pre-grown so no realloc
 * leaves copies of secret bytes behind). what names it in messages. */
static ob_code multibase_z(const char *mb, const char *what, ob_buf *out, ob_error *err)
{
	ob_error e = { OB_OK, "" };
	size_t len;

	if (!mb || !*mb)
		return ob_fail(err, OB_EPARSE, "empty %s", what);
	if (mb[0] != 'z')
		return ob_fail(err, OB_EPARSE, "unsupported multibase prefix '%c' in %s (want 'z')",
			       mb[0] >= 32 && mb[0] < 127 ? mb[0] : '?', what);
	len = strlen(mb);
	if (len > 1024)
		return ob_fail(err, OB_EPARSE, "%s too long", what);
	if (ob_buf_grow(out, len) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (ob_base58_decode(out, mb + 1, len - 1, &e))
		return ob_fail(err, e.code, "invalid %s: %s", what, e.msg);
	return OB_OK;
}

/* Splits a multicodec header off; returns its length or 0. */
static size_t multicodec(const ob_buf *b, uint64_t *codec)
{
	return b->len ? ob_varint_decode((const unsigned char *)b->data, b->len, codec) : 0;
}

static ob_code bad_header(const ob_buf *b, ob_error *err)
{
	const unsigned char *p = (const unsigned char *)b->data;

	if (b->len < 2)
		return ob_fail(err, OB_EPARSE, "multikey too short: %zu bytes", b->len);
	return ob_fail(err, OB_EUNSUPPORTED, "unsupported multikey header 0x%02x 0x%02x%s",
		       p[0], p[1], p[0] == 0x80 && p[1] == 0x26 ? " (a secret key)" : "");
}

ob_key *ob_key_from_multikey(const char *mb, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	ob_key *key = NULL;
	uint64_t codec = 0;
	size_t h, n;
	const unsigned char *p;

	if (multibase_z(mb, "publicKeyMultibase", &b, err))
		goto out;
	h = multicodec(&b, &codec);
	if (!h || (codec != MC_ED25519_PUB && codec != MC_P256_PUB && codec != MC_P384_PUB)) {
		bad_header(&b, err);
		goto out;
	}
	p = (const unsigned char *)b.data + h;
	n = b.len - h;
	if (codec == MC_ED25519_PUB) {
		if (n != ED25519_LEN) {
			ob_fail(err, OB_EPARSE, "wrong key length: %zu bytes, want %d", n, ED25519_LEN);
			goto out;
		}
		key = ed25519_from_pub(p, err);
	} else {
		ob_key_type t = codec == MC_P384_PUB ? OB_KEY_P384 : OB_KEY_P256;

		if (n != 1 + ec_len(t)) {
			ob_fail(err, OB_EPARSE, "wrong key length: %zu bytes, want %zu", n, 1 + ec_len(t));
			goto out;
		}
		if (p[0] != 0x02 && p[0] != 0x03) {
			ob_fail(err, OB_EPARSE, "%s multikey is not a compressed point", ec_curve(t));
			goto out;
		}
		key = ec_from_parts(t, p, n, NULL, err);
	}
out:
	ob_buf_release(&b);
	return key;
}

/* Ed25519 secretKeyMultibase: 0x80 0x26 + 32-byte seed, or + seed||public
 * (the Digital Bazaar form, 64 bytes; the public half must match).
 * P-256 / P-384: 0x86 0x26 / 0x87 0x26 + the secret scalar (ecdsa.md 1). */
static ob_key *from_secret_multikey(const char *mb, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	ob_key *key = NULL;
	unsigned char pub[ED25519_LEN];
	uint64_t codec = 0;
	size_t h, n;
	const unsigned char *p;

	if (multibase_z(mb, "secretKeyMultibase", &b, err))
		goto out;
	h = multicodec(&b, &codec);
	if (h && (codec == MC_P256_PRIV || codec == MC_P384_PRIV)) {
		ob_key_type t = codec == MC_P384_PRIV ? OB_KEY_P384 : OB_KEY_P256;

		if (b.len - h != ec_len(t))
			ob_fail(err, OB_EPARSE, "wrong %s secret key length: %zu bytes, want %zu",
				ec_curve(t), b.len - h, ec_len(t));
		else
			key = ec_from_secret(t, (const unsigned char *)b.data + h, err);
		goto out;
	}
	if (!h || codec != MC_ED25519_PRIV) {
		const unsigned char *q = (const unsigned char *)b.data;
		if (b.len < 2)
			ob_fail(err, OB_EPARSE, "secretKeyMultibase too short");
		else
			ob_fail(err, OB_EUNSUPPORTED, "unsupported secret multikey header 0x%02x 0x%02x",
				q[0], q[1]);
		goto out;
	}
	p = (const unsigned char *)b.data + h;
	n = b.len - h;
	if (n != ED25519_LEN && n != 2 * ED25519_LEN) {
		ob_fail(err, OB_EPARSE, "wrong secret key length: %zu bytes, want 32 or 64", n);
		goto out;
	}
	if (!(key = ed25519_from_seed(p, err)))
		goto out;
	if (n == 2 * ED25519_LEN) {
		if (ed25519_raw_public(key, pub, err) ||
		    CRYPTO_memcmp(pub, p + ED25519_LEN, ED25519_LEN) != 0) {
			ob_fail(err, OB_EINVALID,
				"secretKeyMultibase: public half does not match the seed");
			ob_key_free(key);
			key = NULL;
		}
	}
out:
	ob_buf_release_secret(&b);
	return key;
}

/* ---- JWK ---- */

/* Decodes a base64url JWK member. want 0 accepts any non-zero length. */
static ob_code jwk_bytes(const json_t *jwk, const char *name, size_t want, ob_buf *out,
			 ob_error *err)
{
	const char *s = ob_json_str(jwk, name);
	ob_error e = { OB_OK, "" };
	size_t len;

	if (!s)
		return ob_fail(err, OB_EPARSE, "JWK has no '%s' string", name);
	len = strlen(s);
	if (len > 4096)
		return ob_fail(err, OB_EPARSE, "JWK '%s' too long", name);
	if (ob_buf_grow(out, len) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (ob_base64url_decode(out, s, len, &e))
		return ob_fail(err, e.code, "JWK '%s': %s", name, e.msg);
	if (!want && !out->len)
		return ob_fail(err, OB_EPARSE, "JWK '%s' is empty", name);
	if (want && out->len != want)
		return ob_fail(err, OB_EPARSE, "JWK '%s' is %zu bytes, want %zu", name, out->len, want);
	return OB_OK;
}

static ob_key *jwk_okp(const json_t *jwk, int priv, ob_error *err)
{
	ob_buf x = OB_BUF_INIT, d = OB_BUF_INIT;
	unsigned char pub[ED25519_LEN];
	const char *crv = ob_json_str(jwk, "crv");
	ob_key *key = NULL;

	if (!crv || strcmp(crv, "Ed25519") != 0) {
		ob_fail(err, OB_EUNSUPPORTED, "unsupported OKP curve '%s'", crv ? crv : "(none)");
		goto out;
	}
	if (jwk_bytes(jwk, "x", ED25519_LEN, &x, err))
		goto out;
	if (!priv) {
		key = ed25519_from_pub((unsigned char *)x.data, err);
		goto out;
	}
	if (jwk_bytes(jwk, "d", ED25519_LEN, &d, err) ||
	    !(key = ed25519_from_seed((unsigned char *)d.data, err)))
		goto out;
	if (ed25519_raw_public(key, pub, err) || CRYPTO_memcmp(pub, x.data, ED25519_LEN) != 0) {
		ob_fail(err, OB_EINVALID, "JWK 'x' does not match 'd'");
		ob_key_free(key);
		key = NULL;
	}
out:
	ob_buf_release(&x);
	ob_buf_release_secret(&d);
	return key;
}

static ob_key *jwk_ec(const json_t *jwk, int priv, ob_error *err)
{
	ob_buf x = OB_BUF_INIT, y = OB_BUF_INIT, d = OB_BUF_INIT;
	unsigned char pt[1 + 2 * EC_MAX];
	const char *crv = ob_json_str(jwk, "crv");
	ob_key *key = NULL;
	ob_key_type t;
	size_t cl;

	if (!crv || (strcmp(crv, "P-256") != 0 && strcmp(crv, "P-384") != 0)) {
		ob_fail(err, OB_EUNSUPPORTED, "unsupported EC curve '%s'", crv ? crv : "(none)");
		goto out;
	}
	t = strcmp(crv, "P-384") == 0 ? OB_KEY_P384 : OB_KEY_P256;
	cl = ec_len(t);
	if (jwk_bytes(jwk, "x", cl, &x, err) || jwk_bytes(jwk, "y", cl, &y, err))
		goto out;
	if (priv && jwk_bytes(jwk, "d", cl, &d, err))
		goto out;
	pt[0] = 0x04;
	memcpy(pt + 1, x.data, cl);
	memcpy(pt + 1 + cl, y.data, cl);
	key = ec_from_parts(t, pt, 1 + 2 * cl, priv ? (unsigned char *)d.data : NULL, err);
out:
	ob_buf_release(&x);
	ob_buf_release(&y);
	ob_buf_release_secret(&d);
	return key;
}

/* Pushes a JWK member as a BIGNUM (secure and wiped when secret).
 * Returns 1 pushed, 0 absent (when optional), -1 failed (err filled). */
static int push_bn(OSSL_PARAM_BLD *bld, BIGNUM **keep, const json_t *jwk, const char *name,
		   const char *param, int secret, int optional, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	BIGNUM *bn = NULL;
	int r = -1;

	if (optional && !json_object_get(jwk, name))
		return 0;
	if (jwk_bytes(jwk, name, 0, &b, err))
		goto out;
	bn = secret ? BN_secure_new() : BN_new();
	if (!bn || !BN_bin2bn((unsigned char *)b.data, (int)b.len, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, param, bn)) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		BN_clear_free(bn);
		goto out;
	}
	*keep = bn; /* the builder references bn until to_param */
	r = 1;
out:
	ob_buf_release_secret(&b);
	return r;
}

static ob_key *jwk_rsa(const json_t *jwk, int priv, ob_error *err)
{
	static const struct { const char *jwk, *param; } crt[] = {
		{ "p", OSSL_PKEY_PARAM_RSA_FACTOR1 },
		{ "q", OSSL_PKEY_PARAM_RSA_FACTOR2 },
		{ "dp", OSSL_PKEY_PARAM_RSA_EXPONENT1 },
		{ "dq", OSSL_PKEY_PARAM_RSA_EXPONENT2 },
		{ "qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
	};
	BIGNUM *bns[8] = { NULL };
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pkey = NULL;
	size_t i, ncrt = 0;
	int bits;

	if (!bld) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (push_bn(bld, &bns[0], jwk, "n", OSSL_PKEY_PARAM_RSA_N, 0, 0, err) < 0 ||
	    push_bn(bld, &bns[1], jwk, "e", OSSL_PKEY_PARAM_RSA_E, 0, 0, err) < 0)
		goto out;
	bits = BN_num_bits(bns[0]);
	if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
		ob_fail(err, OB_EUNSUPPORTED, "RSA key of %d bits not supported (%d to %d)",
			bits, RSA_MIN_BITS, RSA_MAX_BITS);
		goto out;
	}
	if (priv) {
		if (push_bn(bld, &bns[2], jwk, "d", OSSL_PKEY_PARAM_RSA_D, 1, 0, err) < 0)
			goto out;
		for (i = 0; i < sizeof(crt) / sizeof(crt[0]); i++) {
			int r = push_bn(bld, &bns[3 + i], jwk, crt[i].jwk, crt[i].param, 1, 1, err);
			if (r < 0)
				goto out;
			ncrt += (size_t)r;
		}
		if (ncrt != 0 && ncrt != 5) {
			ob_fail(err, OB_EPARSE, "RSA JWK has some but not all of p, q, dp, dq, qi");
			goto out;
		}
	}
	pkey = fromdata("RSA", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld);
	/* the pairwise test needs the factors */
	if (!pkey || !pkey_check(pkey, priv && ncrt)) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
		ERR_clear_error();
		ob_fail(err, OB_EPARSE, "invalid RSA %s", priv ? "key pair" : "public key");
	}
out:
	for (i = 0; i < sizeof(bns) / sizeof(bns[0]); i++)
		BN_clear_free(bns[i]);
	OSSL_PARAM_BLD_free(bld);
	return pkey ? key_take(pkey, OB_KEY_RSA, priv, err) : NULL;
}

static ob_key *jwk_to_key(const json_t *jwk, int allow_private, ob_error *err)
{
	const char *kty;
	size_t i;
	int priv = 0;

	if (!json_is_object(jwk)) {
		ob_fail(err, OB_EPARSE, "JWK is not a JSON object");
		return NULL;
	}
	for (i = 0; i < sizeof(jwk_private_members) / sizeof(jwk_private_members[0]); i++) {
		if (!json_object_get(jwk, jwk_private_members[i]))
			continue;
		if (!allow_private) {
			ob_fail(err, OB_EINVALID, "public JWK contains private member '%s'",
				jwk_private_members[i]);
			return NULL;
		}
		priv = 1;
	}
	kty = ob_json_str(jwk, "kty");
	if (!kty) {
		ob_fail(err, OB_EPARSE, "JWK has no 'kty'");
		return NULL;
	}
	if (!strcmp(kty, "OKP"))
		return jwk_okp(jwk, priv, err);
	if (!strcmp(kty, "EC"))
		return jwk_ec(jwk, priv, err);
	if (!strcmp(kty, "RSA"))
		return jwk_rsa(jwk, priv, err);
	ob_fail(err, OB_EUNSUPPORTED, "unsupported JWK kty '%s'", kty);
	return NULL;
}

ob_key *ob_key_from_jwk(const json_t *jwk, ob_error *err)
{
	if (!jwk) {
		ob_fail(err, OB_EPARSE, "missing JWK");
		return NULL;
	}
	return jwk_to_key(jwk, 0, err);
}

/* ---- key files ---- */

/* Every other key form in the file must name the same public key. */
static ob_code check_member(const json_t *o, const char *name, const ob_key *key,
			    ob_error *err)
{
	const json_t *v = json_object_get(o, name);
	ob_error e = { OB_OK, "" };
	ob_key *other;
	ob_code rc = OB_OK;

	if (!v)
		return OB_OK;
	if (!strcmp(name, "publicKeyMultibase"))
		other = ob_key_from_multikey(json_string_value(v), &e);
	else if (!strcmp(name, "secretKeyMultibase") || !strcmp(name, "secretKeyMultibaseSeedOnly"))
		other = from_secret_multikey(json_string_value(v), &e);
	else
		other = jwk_to_key(v, !strcmp(name, "privateKeyJwk"), &e);
	if (!other)
		rc = ob_fail(err, e.code, "key file '%s': %s", name, e.msg);
	else if (!ob_key_equal_public(key, other))
		rc = ob_fail(err, OB_EINVALID, "key file '%s' does not match the key", name);
	ob_key_free(other);
	return rc;
}

static ob_key *parse_obj(const json_t *o, ob_error *err)
{
	static const char *const members[] = { "secretKeyMultibase", "secretKeyMultibaseSeedOnly",
		"privateKeyJwk", "publicKeyMultibase", "publicKeyJwk" };
	const char *kt = ob_json_str(o, "keyType");
	ob_key *key = NULL;
	size_t i;

	if (!json_is_object(o)) {
		ob_fail(err, OB_EPARSE, "key file is not a JSON object");
		return NULL;
	}
	if (json_object_get(o, "kty"))
		return jwk_to_key(o, 1, err);
	/* the first form present, strongest first, is the key */
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		const json_t *v = json_object_get(o, members[i]);
		if (!v)
			continue;
		if (i < 2 || i == 3) {
			if (!json_is_string(v)) {
				ob_fail(err, OB_EPARSE, "key file '%s' is not a string", members[i]);
				return NULL;
			}
			key = i < 2 ? from_secret_multikey(json_string_value(v), err)
				: ob_key_from_multikey(json_string_value(v), err);
		} else {
			key = jwk_to_key(v, i == 2, err);
		}
		break;
	}
	if (i == sizeof(members) / sizeof(members[0])) {
		ob_fail(err, OB_EPARSE, "no key in key file (want secretKeyMultibase, "
			"privateKeyJwk, publicKeyMultibase or publicKeyJwk)");
		return NULL;
	}
	if (!key)
		return NULL;
	for (i++; i < sizeof(members) / sizeof(members[0]); i++) {
		if (check_member(o, members[i], key, err))
			goto fail;
	}
	if (kt && ob_key_type_parse(kt) != key->type) {
		ob_fail(err, OB_EINVALID, "key file keyType '%s' does not match its %s key", kt,
			ob_key_type_name(key->type));
		goto fail;
	}
	return key;
fail:
	ob_key_free(key);
	return NULL;
}

ob_key *ob_key_parse(const char *text, size_t len, ob_error *err)
{
	json_t *o = ob_json_parse(text, len, err);
	ob_key *key;

	if (!o)
		return NULL;
	key = parse_obj(o, err);
	/* the json_t strings held secrets: ob_init's allocator wipes them */
	json_decref(o);
	return key;
}

ob_key *ob_key_load(const char *path, ob_error *err)
{
	ob_error e = { OB_OK, "" };
	char *text = NULL;
	size_t len = 0;
	ob_key *key;

	if (ob_file_read(path, KEYFILE_MAX, &text, &len, err))
		return NULL;
	key = ob_key_parse(text, len, &e);
	OPENSSL_cleanse(text, len);
	free(text);
	if (!key)
		ob_fail(err, e.code, "key file '%s': %s", path, e.msg);
	return key;
}

/* ---- saving ---- */

static ob_code add_b64_bytes(ob_buf *out, const unsigned char *p, size_t n, ob_error *err)
{
	if (ob_base64url_encode(out, p, n) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* The key file text, in the vectors' layout. Holds secrets: the caller
 * releases it with ob_buf_release_secret. */
static ob_code key_file_text(const ob_key *key, ob_buf *out, ob_error *err)
{
	static const struct { const char *jwk, *param; } rsa_priv[] = {
		{ "d", OSSL_PKEY_PARAM_RSA_D },
		{ "p", OSSL_PKEY_PARAM_RSA_FACTOR1 },
		{ "q", OSSL_PKEY_PARAM_RSA_FACTOR2 },
		{ "dp", OSSL_PKEY_PARAM_RSA_EXPONENT1 },
		{ "dq", OSSL_PKEY_PARAM_RSA_EXPONENT2 },
		{ "qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
	};
	unsigned char sk[2 + 2 * ED25519_LEN], x[EC_MAX], y[EC_MAX], d[EC_MAX];
	size_t cl = ec_len(key->type);
	ob_buf mb = OB_BUF_INIT, did = OB_BUF_INIT;
	size_t n, i;
	int pass;
	ob_code rc = OB_OK;

	if (key->type != OB_KEY_RSA) {
		if ((rc = ob_key_multikey(key, &mb, err)) || (rc = ob_key_did(key, &did, NULL, err)))
			goto out;
	}
	ob_buf_addf(out, "{\n  \"type\": \"%s\",\n  \"keyType\": \"%s\",\n",
		    key->type == OB_KEY_ED25519 ? "Multikey" : "JsonWebKey", ob_key_type_name(key->type));
	if (key->type != OB_KEY_RSA)
		ob_buf_addf(out, "  \"id\": \"%s#%s\",\n  \"controller\": \"%s\",\n"
			    "  \"publicKeyMultibase\": \"%s\"", did.data, mb.data, did.data, mb.data);
	switch (key->type) {
	case OB_KEY_ED25519:
		n = ob_varint_encode(MC_ED25519_PRIV, sk);
		i = ED25519_LEN;
		if (EVP_PKEY_get_raw_private_key(key->pkey, sk + n, &i) != 1 || i != ED25519_LEN) {
			rc = ob_fail_ssl(err, "cannot read Ed25519 private key");
			goto out;
		}
		if ((rc = ed25519_raw_public(key, sk + n + ED25519_LEN, err)))
			goto out;
		/* the Digital Bazaar 64-byte form (seed || public) */
		ob_buf_adds(out, ",\n  \"secretKeyMultibase\": \"");
		if (ob_multibase_encode(out, 'z', sk, n + 2 * ED25519_LEN) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		ob_buf_adds(out, "\"\n}\n");
		break;
	case OB_KEY_P256:
	case OB_KEY_P384:
		if ((rc = ec_xy(key, x, y, err)) ||
		    (rc = bn_param(key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, d, cl, err)))
			goto out;
		for (pass = 0; pass < 2; pass++) {
			ob_buf_addf(out, ",\n  \"%s\": {\n    \"kty\": \"EC\",\n    \"crv\": \"%s\",\n"
				    "    \"x\": \"", pass ? "privateKeyJwk" : "publicKeyJwk", ec_curve(key->type));
			add_b64_bytes(out, x, cl, err);
			ob_buf_adds(out, "\",\n    \"y\": \"");
			add_b64_bytes(out, y, cl, err);
			if (pass) {
				ob_buf_adds(out, "\",\n    \"d\": \"");
				add_b64_bytes(out, d, cl, err);
			}
			ob_buf_adds(out, "\"\n  }");
		}
		ob_buf_adds(out, "\n}\n");
		break;
	case OB_KEY_RSA:
		for (pass = 0; pass < 2; pass++) {
			ob_buf_addf(out, "%s  \"%s\": {\n    \"kty\": \"RSA\",\n    \"n\": \"",
				    pass ? ",\n" : "", pass ? "privateKeyJwk" : "publicKeyJwk");
			if ((rc = add_bn_b64(key->pkey, OSSL_PKEY_PARAM_RSA_N, out, err)))
				goto out;
			ob_buf_adds(out, "\",\n    \"e\": \"");
			if ((rc = add_bn_b64(key->pkey, OSSL_PKEY_PARAM_RSA_E, out, err)))
				goto out;
			for (i = 0; pass && i < sizeof(rsa_priv) / sizeof(rsa_priv[0]); i++) {
				ob_buf_addf(out, "\",\n    \"%s\": \"", rsa_priv[i].jwk);
				if ((rc = add_bn_b64(key->pkey, rsa_priv[i].param, out, err)))
					goto out;
			}
			ob_buf_adds(out, "\"\n  }");
		}
		ob_buf_adds(out, "\n}\n");
		break;
	}
	if (out->oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	OPENSSL_cleanse(sk, sizeof(sk));
	OPENSSL_cleanse(d, sizeof(d));
	ob_buf_release(&mb);
	ob_buf_release(&did);
	return rc;
}

/* O_EXCL create: never follows a link, never replaces a file. */
static ob_code write_new(const char *path, const char *data, size_t len, ob_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	char *dcopy;
	int dfd;

	if (fd < 0) {
		if (errno == EEXIST)
			return ob_fail(err, OB_EIO, "'%s' exists (use --force to replace it)", path);
		return ob_fail(err, OB_EIO, "cannot create '%s': %s", path, strerror(errno));
	}
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		data += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	if ((dcopy = strdup(path))) {
		if ((dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dcopy);
	}
	return OB_OK;
fail:
	ob_fail(err, OB_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(path);
	return OB_EIO;
}

ob_code ob_key_save(const ob_key *key, const char *path, int force, ob_error *err)
{
	ob_buf text = OB_BUF_INIT;
	ob_code rc;

	if (!key || !key->priv)
		return ob_fail(err, OB_EUSAGE, "cannot save '%s': not a private key", path);
	/* grown once up front: a realloc would leave secret copies behind */
	if (ob_buf_grow(&text, 8192) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if ((rc = key_file_text(key, &text, err)))
		goto out;
	if (force)
		rc = ob_write_file_atomic(path, text.data, text.len, 0600, 1, err);
	else
		rc = write_new(path, text.data, text.len, err);
out:
	ob_buf_release_secret(&text);
	return rc;
}

/* ---- signatures ---- */

/* An Ed25519 context of the key's, ready for use (see struct ob_key), or
 * a new one; NULL when out of memory or OpenSSL fails. */
static EVP_MD_CTX *ed_ctx_take(const ob_key *key, int which)
{
	ob_key *k = (ob_key *)key; /* the slots are the key's own cache */
	EVP_MD_CTX *ctx;
	size_t i;
	int ok;

	for (i = 0; i < KEY_CTX_SLOTS; i++)
		if (atomic_load_explicit(&k->ctx[which][i], memory_order_relaxed) &&
		    (ctx = atomic_exchange(&k->ctx[which][i], NULL)) != NULL)
			return ctx;
	if (!(ctx = EVP_MD_CTX_new()))
		return NULL;
	ok = which == CTX_SIGN ? EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey)
			       : EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key->pkey);
	if (ok != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Puts a context that served well back into a free slot (or frees it). */
static void ed_ctx_give(const ob_key *key, int which, EVP_MD_CTX *ctx)
{
	ob_key *k = (ob_key *)key;
	size_t i;

	for (i = 0; i < KEY_CTX_SLOTS; i++) {
		EVP_MD_CTX *none = NULL;

		if (atomic_compare_exchange_strong(&k->ctx[which][i], &none, ctx))
			return;
	}
	EVP_MD_CTX_free(ctx);
}

static ob_code ed_sign(const ob_key *key, const unsigned char *msg, size_t len,
		       unsigned char *sig, size_t *siglen, ob_error *err)
{
	EVP_MD_CTX *ctx = ed_ctx_take(key, CTX_SIGN);
	size_t n = OB_SIG_MAX;

	if (!ctx)
		return ob_fail_ssl(err, "cannot sign");
	if (EVP_DigestSign(ctx, sig, &n, msg, len) != 1) {
		EVP_MD_CTX_free(ctx);
		return ob_fail_ssl(err, "cannot sign");
	}
	ed_ctx_give(key, CTX_SIGN, ctx);
	*siglen = n;
	return OB_OK;
}

ob_code ob_key_sign(const ob_key *key, const unsigned char *msg, size_t len,
		    unsigned char *sig, size_t *siglen, ob_error *err)
{
	EVP_MD_CTX *ctx = NULL;
	ECDSA_SIG *es = NULL;
	unsigned char der[128];
	const unsigned char *p;
	const BIGNUM *r, *s;
	size_t n, cl = ec_len(key ? key->type : 0);
	ob_code rc = OB_OK;

	*siglen = 0;
	if (!key || !key->priv)
		return ob_fail(err, OB_EUSAGE, "cannot sign: not a private key");
	if (EVP_PKEY_get_size(key->pkey) > OB_SIG_MAX)
		return ob_fail(err, OB_EUNSUPPORTED, "key too large to sign with");
	if (key->type == OB_KEY_ED25519)
		return ed_sign(key, msg, len, sig, siglen, err);
	if (!(ctx = EVP_MD_CTX_new()))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	/* P-384 signs with SHA-384 (ES384; ecdsa.md 1.3), the others SHA-256 */
	if (EVP_DigestSignInit(ctx, NULL, key->type == OB_KEY_P384 ? EVP_sha384() : EVP_sha256(),
			       NULL, key->pkey) != 1) {
		rc = ob_fail_ssl(err, "cannot sign");
		goto out;
	}
	if (!is_ec(key->type)) {
		n = OB_SIG_MAX;
		if (EVP_DigestSign(ctx, sig, &n, msg, len) != 1) {
			rc = ob_fail_ssl(err, "cannot sign");
			goto out;
		}
		*siglen = n;
		goto out;
	}
	/* ES256/ES384 (RFC 7518 3.4), IEEE P1363: DER -> fixed-size r || s */
	n = sizeof(der);
	p = der;
	if (EVP_DigestSign(ctx, der, &n, msg, len) != 1) {
		rc = ob_fail_ssl(err, "cannot sign");
		goto out;
	}
	if (!(es = d2i_ECDSA_SIG(NULL, &p, (long)n))) {
		rc = ob_fail_ssl(err, "cannot decode ECDSA signature");
		goto out;
	}
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, sig, (int)cl) < 0 || BN_bn2binpad(s, sig + cl, (int)cl) < 0) {
		rc = ob_fail(err, OB_ECRYPTO, "ECDSA signature out of range");
		goto out;
	}
	*siglen = 2 * cl;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* Raw r || s (cl bytes each) -> DER for EVP. Returns the DER length or 0. */
static size_t ec_raw_to_der(const unsigned char *sig, size_t cl, unsigned char **der)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)cl, NULL);
	BIGNUM *s = BN_bin2bn(sig + cl, (int)cl, NULL);
	int n = 0;

	*der = NULL;
	if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
		r = s = NULL; /* owned by es now */
		n = i2d_ECDSA_SIG(es, der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return n > 0 ? (size_t)n : 0;
}

ob_code ob_key_verify(const ob_key *key, const unsigned char *msg, size_t len,
		      const unsigned char *sig, size_t siglen, ob_error *err)
{
	EVP_MD_CTX *ctx = NULL;
	unsigned char *der = NULL;
	size_t want;
	int r;
	ob_code rc = OB_OK;

	if (!key)
		return ob_fail(err, OB_EUSAGE, "no key");
	want = key->type == OB_KEY_RSA ? (size_t)EVP_PKEY_get_size(key->pkey) :
	       is_ec(key->type) ? 2 * ec_len(key->type) : 64;
	if (siglen != want)
		return ob_fail(err, OB_EINVALID, "%s signature is %zu bytes, want %zu",
			       ob_key_type_name(key->type), siglen, want);
	if (is_ec(key->type)) {
		if (!(siglen = ec_raw_to_der(sig, ec_len(key->type), &der)))
			return ob_fail_ssl(err, "cannot encode ECDSA signature");
		sig = der;
	}
	if (key->type == OB_KEY_ED25519) {
		if (!(ctx = ed_ctx_take(key, CTX_VERIFY))) {
			rc = ob_fail_ssl(err, "cannot verify");
			goto out;
		}
	} else if (!(ctx = EVP_MD_CTX_new())) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	} else if (EVP_DigestVerifyInit(ctx, NULL, key->type == OB_KEY_P384 ? EVP_sha384() : EVP_sha256(),
					NULL, key->pkey) != 1) {
		rc = ob_fail_ssl(err, "cannot verify");
		goto out;
	}
	r = EVP_DigestVerify(ctx, sig, siglen, msg, len);
	if (r == 1 && key->type == OB_KEY_ED25519) {
		/* a context that verified goes back to the key */
		ed_ctx_give(key, CTX_VERIFY, ctx);
		ctx = NULL;
	}
	if (r != 1) {
		/* 0 is a bad signature; OpenSSL reports malformed ones (an r or
		 * s out of range, a value above the modulus) as -1: bad too */
		ERR_clear_error();
		rc = ob_fail(err, OB_EINVALID, "%s signature does not verify",
			     ob_key_type_name(key->type));
	}
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(ctx);
	return rc;
}
