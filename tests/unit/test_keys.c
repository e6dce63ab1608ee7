/* test_keys: key files, Multikey / did:key / JWK forms, sign and verify. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "check.h"
#include "base/codec.h"
#include "base/hash.h"
#include "base/json.h"
#include "proof/keys.h"
#include "base/obkit.h"

static char *vec(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/vectors/keys/%s", shared_dir(), name);
	return path;
}

static ob_key *load(const char *name)
{
	ob_error err = { OB_OK, "" };
	ob_key *k = ob_key_load(vec(name), &err);

	if (!k)
		fprintf(stderr, "load %s: %s\n", name, err.msg);
	return k;
}

static json_t *load_json(const char *name)
{
	ob_error err = { OB_OK, "" };
	json_t *v = ob_json_load_file(vec(name), &err);

	if (!v)
		fprintf(stderr, "load %s: %s\n", name, err.msg);
	return v;
}

static int contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "  message: '%s'\n  wanted:  '%s'\n", hay, needle);
		return 0;
	}
	return 1;
}

static const struct {
	const char *file;
	ob_key_type type;
	int priv;
	const char *did; /* NULL: no did:key (RSA) */
} vectors[] = {
	{ "issuer-ed25519.json", OB_KEY_ED25519, 1,
	  "did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT" },
	{ "holder-ed25519.json", OB_KEY_ED25519, 1,
	  "did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP" },
	{ "other-ed25519.json", OB_KEY_ED25519, 1,
	  "did:key:z6MkntRDLJazP7Awz611T1PYkvzPfS8YdFatkG2zQzkbu3vx" },
	{ "issuer-p256.json", OB_KEY_P256, 1,
	  "did:key:zDnaevJ5EiJPmR7LvUtUfnQtqynkTvdvzhtjcXcCUoRdWsWqQ" },
	{ "1edtech-kat-ed25519.json", OB_KEY_ED25519, 1,
	  "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi" },
	{ "issuer-rsa.json", OB_KEY_RSA, 1, NULL },
	{ "issuer-rsa.public.jwk.json", OB_KEY_RSA, 0, NULL },
};

static void test_vectors(void)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		ob_error err = { OB_OK, "" };
		ob_buf did = OB_BUF_INIT, vm = OB_BUF_INIT, want_vm = OB_BUF_INIT;
		json_t *file = load_json(vectors[i].file), *jwk, *want;
		ob_key *k = load(vectors[i].file), *pub = NULL;

		CHECK(k != NULL && file != NULL);
		if (!k || !file)
			goto next;
		CHECK(ob_key_get_type(k) == vectors[i].type);
		CHECK(ob_key_has_private(k) == vectors[i].priv);
		if (vectors[i].did) {
			CHECK(ob_key_did(k, &did, &vm, &err) == OB_OK);
			CHECK_STR(did.data, vectors[i].did);
			ob_buf_addf(&want_vm, "%s#%s", vectors[i].did, vectors[i].did + 8);
			CHECK_STR(vm.data, want_vm.data);
			CHECK_STR(vm.data, ob_json_str(file, "id"));
			CHECK_STR(did.data, ob_json_str(file, "controller"));
			/* the same key back from its publicKeyMultibase */
			pub = ob_key_from_multikey(vectors[i].did + 8, &err);
			CHECK(pub && ob_key_equal_public(k, pub));
			CHECK(pub && !ob_key_has_private(pub));
		} else {
			CHECK(ob_key_did(k, &did, NULL, &err) == OB_EUNSUPPORTED);
		}
		/* our public JWK is the file's, member for member */
		jwk = ob_key_public_jwk(k, &err);
		want = json_object_get(file, "publicKeyJwk");
		if (!want)
			want = file; /* the bare JWK file */
		CHECK(jwk && json_equal(jwk, want));
		CHECK(jwk && !json_object_get(jwk, "d"));
		json_decref(jwk);
		CHECK(ob_key_jose_alg(k) != NULL);
next:
		ob_key_free(k);
		ob_key_free(pub);
		json_decref(file);
		ob_buf_release(&did);
		ob_buf_release(&vm);
		ob_buf_release(&want_vm);
	}

	{
		ob_key *a = load("issuer-rsa.json"), *b = load("issuer-rsa.public.jwk.json");
		ob_key *c = load("issuer-ed25519.json"), *d = load("other-ed25519.json");
		CHECK(ob_key_equal_public(a, b));
		CHECK(!ob_key_equal_public(a, c));
		CHECK(!ob_key_equal_public(c, d));
		CHECK(!ob_key_equal_public(c, NULL));
		ob_key_free(a);
		ob_key_free(b);
		ob_key_free(c);
		ob_key_free(d);
	}
}

static ob_key *parse_str(const char *text, ob_error *err)
{
	return ob_key_parse(text, strlen(text), err);
}

/* {"<member>": "<value>"} */
static ob_key *parse_member(const char *member, const char *value, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	ob_key *k;

	ob_buf_addf(&b, "{\"%s\": \"%s\"}", member, value);
	k = parse_str(b.data, err);
	ob_buf_release(&b);
	return k;
}

static void test_secret_forms(void)
{
	json_t *file = load_json("issuer-ed25519.json"), *other = load_json("other-ed25519.json");
	const char *full = ob_json_str(file, "secretKeyMultibase");
	const char *seed = ob_json_str(file, "secretKeyMultibaseSeedOnly");
	ob_error err = { OB_OK, "" };
	ob_key *a, *b, *c;
	unsigned char sa[OB_SIG_MAX], sb[OB_SIG_MAX], sc[OB_SIG_MAX];
	size_t la = 0, lb = 0, lc = 0;
	const unsigned char msg[] = "seed forms";
	ob_buf raw = OB_BUF_INIT, mb = OB_BUF_INIT, text = OB_BUF_INIT;
	char *jwk;

	CHECK(full && seed);
	CHECK(full && strncmp(full, "zr", 2) == 0);
	CHECK(seed && strncmp(seed, "z3u2", 4) == 0);
	a = parse_member("secretKeyMultibase", full, &err);
	b = parse_member("secretKeyMultibase", seed, &err);
	jwk = json_dumps(json_object_get(file, "privateKeyJwk"), 0);
	ob_buf_addf(&text, "{\"privateKeyJwk\": %s}", jwk);
	c = parse_str(text.data, &err);
	free(jwk);
	CHECK(a && b && c);
	CHECK(ob_key_has_private(a) && ob_key_has_private(b) && ob_key_has_private(c));
	CHECK(ob_key_equal_public(a, b) && ob_key_equal_public(a, c));
	/* Ed25519 is deterministic: one key, one signature */
	CHECK(ob_key_sign(a, msg, sizeof(msg), sa, &la, &err) == OB_OK);
	CHECK(ob_key_sign(b, msg, sizeof(msg), sb, &lb, &err) == OB_OK);
	CHECK(ob_key_sign(c, msg, sizeof(msg), sc, &lc, &err) == OB_OK);
	CHECK(la == 64 && lb == 64 && lc == 64);
	CHECK(memcmp(sa, sb, 64) == 0 && memcmp(sa, sc, 64) == 0);
	ob_key_free(a);
	ob_key_free(b);
	ob_key_free(c);

	/* 64-byte form whose public half is another key's */
	CHECK(ob_multibase_decode(&raw, full, &err) == OB_OK && raw.len == 66);
	CHECK(ob_multibase_decode(&raw, ob_json_str(other, "publicKeyMultibase"), &err) == OB_OK);
	if (raw.len == 66 + 34) {
		memcpy(raw.data + 34, raw.data + 66 + 2, 32);
		ob_multibase_encode(&mb, 'z', (unsigned char *)raw.data, 66);
		ob_error_clear(&err);
		CHECK(parse_member("secretKeyMultibase", mb.data, &err) == NULL);
		CHECK(err.code == OB_EINVALID);
		CHECK(contains(err.msg, "public half does not match"));
	}
	ob_buf_release_secret(&raw);
	ob_buf_release_secret(&mb);

	/* a key file whose members disagree */
	ob_buf_release(&text);
	ob_buf_addf(&text, "{\"publicKeyMultibase\": \"%s\", \"secretKeyMultibase\": \"%s\"}",
		    ob_json_str(other, "publicKeyMultibase"), full);
	ob_error_clear(&err);
	CHECK(parse_str(text.data, &err) == NULL);
	CHECK(err.code == OB_EINVALID && contains(err.msg, "'publicKeyMultibase' does not match"));

	ob_buf_release(&text);
	ob_buf_addf(&text, "{\"keyType\": \"P-256\", \"secretKeyMultibase\": \"%s\"}", full);
	ob_error_clear(&err);
	CHECK(parse_str(text.data, &err) == NULL);
	CHECK(contains(err.msg, "keyType 'P-256' does not match"));

	ob_error_clear(&err);
	CHECK(parse_str("{\"type\": \"Multikey\"}", &err) == NULL);
	CHECK(err.code == OB_EPARSE && contains(err.msg, "no key in key file"));
	ob_error_clear(&err);
	CHECK(parse_str("[1, 2]", &err) == NULL);
	CHECK(err.code == OB_EPARSE);
	ob_error_clear(&err);
	CHECK(parse_str("{\"secretKeyMultibase\": ", &err) == NULL);
	CHECK(err.code == OB_EPARSE && contains(err.msg, "invalid JSON"));
	ob_error_clear(&err);
	CHECK(ob_key_load("/nonexistent/key.json", &err) == NULL && err.code == OB_EIO);

	ob_buf_release(&text);
	json_decref(file);
	json_decref(other);
}

/* z + base58(header || n bytes of fill) */
static void make_mk(ob_buf *out, unsigned char h0, unsigned char h1, size_t n, unsigned char fill)
{
	unsigned char raw[80];

	raw[0] = h0;
	raw[1] = h1;
	memset(raw + 2, fill, n);
	ob_buf_release(out);
	ob_multibase_encode(out, 'z', raw, n + 2);
}

static void expect_mk_fail(const char *mb, ob_code code, const char *msg)
{
	ob_error err = { OB_OK, "" };
	ob_key *k = ob_key_from_multikey(mb, &err);

	CHECK(k == NULL);
	CHECK(err.code == code);
	CHECK(contains(err.msg, msg));
	ob_key_free(k);
}

static void test_bad_multikeys(void)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { OB_OK, "" };
	int good = 0, off = 0;
	unsigned x;

	expect_mk_fail("z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmk0", OB_EPARSE,
		       "invalid base58 character '0'");
	expect_mk_fail("z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkl", OB_EPARSE,
		       "invalid base58 character 'l'");
	expect_mk_fail("uZm9v", OB_EPARSE, "unsupported multibase prefix 'u'");
	expect_mk_fail("", OB_EPARSE, "empty publicKeyMultibase");
	expect_mk_fail(NULL, OB_EPARSE, "empty publicKeyMultibase");
	make_mk(&b, 0xed, 0x01, 31, 7);
	expect_mk_fail(b.data, OB_EPARSE, "wrong key length: 31 bytes, want 32");
	make_mk(&b, 0xed, 0x01, 33, 7);
	expect_mk_fail(b.data, OB_EPARSE, "wrong key length: 33 bytes, want 32");
	make_mk(&b, 0xe7, 0x01, 33, 2); /* secp256k1 */
	expect_mk_fail(b.data, OB_EUNSUPPORTED, "unsupported multikey header 0xe7 0x01");
	make_mk(&b, 0xec, 0x01, 32, 9); /* X25519 */
	expect_mk_fail(b.data, OB_EUNSUPPORTED, "unsupported multikey header 0xec 0x01");
	make_mk(&b, 0x80, 0x26, 32, 9); /* a secret key where a public one goes */
	expect_mk_fail(b.data, OB_EUNSUPPORTED, "unsupported multikey header 0x80 0x26 (a secret key)");
	make_mk(&b, 0x80, 0x24, 32, 2);
	expect_mk_fail(b.data, OB_EPARSE, "wrong key length: 32 bytes, want 33");
	make_mk(&b, 0x80, 0x24, 33, 4); /* 0x04 prefix: not compressed */
	expect_mk_fail(b.data, OB_EPARSE, "not a compressed point");
	expect_mk_fail("z1", OB_EPARSE, "multikey too short");

	/* about half of all x have no point on P-256 */
	for (x = 1; x <= 16; x++) {
		unsigned char raw[35] = { 0x80, 0x24, 0x02 };
		ob_key *k;
		raw[34] = (unsigned char)x;
		ob_buf_release(&b);
		ob_multibase_encode(&b, 'z', raw, sizeof(raw));
		ob_error_clear(&err);
		k = ob_key_from_multikey(b.data, &err);
		if (k)
			good++;
		else if (strstr(err.msg, "not a point on the curve"))
			off++;
		else
			fprintf(stderr, "  unexpected: %s\n", err.msg);
		ob_key_free(k);
	}
	CHECK(good > 0 && off > 0 && good + off == 16);
	ob_buf_release(&b);
}

static void test_jwk(void)
{
	json_t *ed = load_json("issuer-ed25519.json"), *ec = load_json("issuer-p256.json");
	json_t *rsa = load_json("issuer-rsa.json"), *j;
	ob_error err = { OB_OK, "" };
	ob_key *k;

	/* public JWKs load */
	k = ob_key_from_jwk(json_object_get(ed, "publicKeyJwk"), &err);
	CHECK(k && ob_key_get_type(k) == OB_KEY_ED25519 && !ob_key_has_private(k));
	ob_key_free(k);
	k = ob_key_from_jwk(json_object_get(ec, "publicKeyJwk"), &err);
	CHECK(k && ob_key_get_type(k) == OB_KEY_P256 && !ob_key_has_private(k));
	ob_key_free(k);
	k = ob_key_from_jwk(json_object_get(rsa, "publicKeyJwk"), &err);
	CHECK(k && ob_key_get_type(k) == OB_KEY_RSA && !ob_key_has_private(k));
	ob_key_free(k);

	/* a JWK with private parts is never a public key */
	ob_error_clear(&err);
	CHECK(ob_key_from_jwk(json_object_get(ed, "privateKeyJwk"), &err) == NULL);
	CHECK(err.code == OB_EINVALID && contains(err.msg, "private member 'd'"));
	ob_error_clear(&err);
	CHECK(ob_key_from_jwk(json_object_get(ec, "privateKeyJwk"), &err) == NULL);
	CHECK(contains(err.msg, "private member 'd'"));
	ob_error_clear(&err);
	CHECK(ob_key_from_jwk(json_object_get(rsa, "privateKeyJwk"), &err) == NULL);
	CHECK(contains(err.msg, "private member 'd'"));
	ob_error_clear(&err);
	CHECK(ob_key_from_jwk(NULL, &err) == NULL && err.code == OB_EPARSE);

	/* malformed ones */
	j = json_deep_copy(json_object_get(ed, "publicKeyJwk"));
	json_object_set_new(j, "x", json_string("7C1iqTb2Nq4Fm6BHHt63n0FsNa03gSlJkWd_gSb4bX"));
	ob_error_clear(&err);
	CHECK(ob_key_from_jwk(j, &err) == NULL && contains(err.msg, "JWK 'x'"));
	json_object_set_new(j, "crv", json_string("X25519"));
	ob_error_clear(&err);
	CHECK(ob_key_from_jwk(j, &err) == NULL && contains(err.msg, "unsupported OKP curve 'X25519'"));
	json_object_set_new(j, "kty", json_string("oct"));
	ob_error_clear(&err);
	CHECK(ob_key_from_jwk(j, &err) == NULL && contains(err.msg, "unsupported JWK kty 'oct'"));
	json_decref(j);

	j = json_deep_copy(json_object_get(ec, "publicKeyJwk"));
	/* x of the key with y of nothing: off the curve */
	json_object_set_new(j, "y", json_string("u7j2KMzG5K--uvwIlpCeeV8_rFqqJatbsiy4Cf2jRys"));
	ob_error_clear(&err);
	CHECK(ob_key_from_jwk(j, &err) == NULL && contains(err.msg, "not a point on the curve"));
	json_decref(j);

	/* private JWK whose x is another key's */
	j = json_deep_copy(json_object_get(ed, "privateKeyJwk"));
	json_object_set_new(j, "x", json_string("fU9hw_med8KU9RMOpUR0E5gG9RxGizCCPRYppC3ewWE"));
	{
		char *t = json_dumps(j, 0);
		ob_error_clear(&err);
		CHECK(parse_str(t, &err) == NULL && contains(err.msg, "'x' does not match 'd'"));
		free(t);
	}
	json_decref(j);

	/* P-256 private JWK whose d is not the point's */
	j = json_deep_copy(json_object_get(ec, "privateKeyJwk"));
	json_object_set_new(j, "d", json_string("t_Gd_gxwh6HtiI4_dY4XftqufV0V3EJNqF6EbzqpCEs"));
	{
		char *t = json_dumps(j, 0);
		ob_error_clear(&err);
		CHECK(parse_str(t, &err) == NULL && contains(err.msg, "invalid P-256 key pair"));
		free(t);
	}
	json_decref(j);

	/* RSA private JWK with d altered: the pairwise check catches it */
	j = json_deep_copy(json_object_get(rsa, "privateKeyJwk"));
	{
		char *d = strdup(ob_json_str(j, "d")), *t;
		d[10] = d[10] == 'A' ? 'B' : 'A';
		json_object_set_new(j, "d", json_string(d));
		t = json_dumps(j, 0);
		ob_error_clear(&err);
		CHECK(parse_str(t, &err) == NULL && contains(err.msg, "invalid RSA key pair"));
		free(t);
		free(d);
	}
	json_decref(j);

	json_decref(ed);
	json_decref(ec);
	json_decref(rsa);
}

static void hex(const char *s, unsigned char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static void sign_verify(ob_key *k, ob_key *pub, size_t want_len)
{
	const unsigned char msg[] = "hello", bad[] = "hellp";
	unsigned char sig[OB_SIG_MAX];
	size_t len = 0;
	ob_error err = { OB_OK, "" };

	CHECK(ob_key_sign(k, msg, sizeof(msg), sig, &len, &err) == OB_OK);
	CHECK(len == want_len);
	CHECK(ob_key_verify(k, msg, sizeof(msg), sig, len, &err) == OB_OK);
	CHECK(ob_key_verify(pub, msg, sizeof(msg), sig, len, &err) == OB_OK);
	ob_error_clear(&err);
	CHECK(ob_key_verify(pub, bad, sizeof(bad), sig, len, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "signature does not verify"));
	sig[len / 2] ^= 1;
	ob_error_clear(&err);
	CHECK(ob_key_verify(pub, msg, sizeof(msg), sig, len, &err) == OB_EINVALID);
	sig[len / 2] ^= 1;
	ob_error_clear(&err);
	CHECK(ob_key_verify(pub, msg, sizeof(msg), sig, len - 1, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "bytes, want"));
	/* a public key cannot sign */
	ob_error_clear(&err);
	CHECK(ob_key_sign(pub, msg, sizeof(msg), sig, &len, &err) == OB_EUSAGE);
}

static void test_sign_verify(void)
{
	static const char *const files[] = { "issuer-ed25519.json", "issuer-p256.json",
		"issuer-rsa.json" };
	static const size_t lens[] = { 64, 64, 256 };
	unsigned char msg[64], want[64], sig[OB_SIG_MAX];
	size_t i, len = 0;
	ob_error err = { OB_OK, "" };
	ob_key *k, *pub;
	json_t *jwk;

	for (i = 0; i < 3; i++) {
		k = load(files[i]);
		jwk = k ? ob_key_public_jwk(k, &err) : NULL;
		pub = jwk ? ob_key_from_jwk(jwk, &err) : NULL;
		CHECK(k && pub);
		if (k && pub)
			sign_verify(k, pub, lens[i]);
		json_decref(jwk);
		ob_key_free(k);
		ob_key_free(pub);
	}

	/* vectors/debug/01-rdfc-2022-steps.json: Ed25519 over
	 * proofHash || documentHash reproduces the published signature */
	hex("5f0576407cade600abe891c4a76a6a68d540463beb9e48a0ae87cdd0612a810b"
	    "bda86727de5c38c37257f734c0f6422b07535ba569362f3a411c73eb093c6731", msg, 64);
	hex("fd910b3c87be153994bc99019e20dfc8149e4d98f2a1f82d4b9de8a5a793f1fb"
	    "c3825688052b1b4edca44d579c58a17e763781e7916fd30ef32d2816584fef0b", want, 64);
	k = load("issuer-ed25519.json");
	CHECK(k && ob_key_sign(k, msg, 64, sig, &len, &err) == OB_OK);
	CHECK(len == 64 && memcmp(sig, want, 64) == 0);
	pub = ob_key_from_multikey("z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT", &err);
	CHECK(pub && ob_key_verify(pub, msg, 64, want, 64, &err) == OB_OK);
	/* the signature of another key does not verify */
	ob_key_free(pub);
	pub = load("other-ed25519.json");
	ob_error_clear(&err);
	CHECK(pub && ob_key_verify(pub, msg, 64, want, 64, &err) == OB_EINVALID);
	ob_key_free(pub);
	ob_key_free(k);
}

static int mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void round_trip(ob_key_type type, const char *dir)
{
	char path[4096], link_path[4096];
	ob_error err = { OB_OK, "" };
	ob_key *k = ob_key_generate(type, &err), *back = NULL, *k2 = NULL;
	ob_buf did = OB_BUF_INIT;
	json_t *file = NULL;
	const unsigned char msg[] = "round trip";
	unsigned char sig[OB_SIG_MAX];
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s.json", dir, ob_key_type_name(type));
	snprintf(link_path, sizeof(link_path), "%s/%s.link", dir, ob_key_type_name(type));
	CHECK(k && ob_key_get_type(k) == type && ob_key_has_private(k));
	if (!k)
		return;
	CHECK(ob_key_save(k, path, 0, &err) == OB_OK);
	CHECK(mode_of(path) == 0600);
	back = ob_key_load(path, &err);
	CHECK(back && ob_key_equal_public(k, back) && ob_key_has_private(back));
	CHECK(back && ob_key_sign(back, msg, sizeof(msg), sig, &len, &err) == OB_OK);
	CHECK(ob_key_verify(k, msg, sizeof(msg), sig, len, &err) == OB_OK);

	/* the file has the vectors' layout */
	file = ob_json_load_file(path, &err);
	CHECK(file != NULL);
	CHECK_STR(ob_json_str(file, "keyType"), ob_key_type_name(type));
	if (type == OB_KEY_ED25519) {
		CHECK_STR(ob_json_str(file, "type"), "Multikey");
		ob_buf sk = OB_BUF_INIT;
		/* the 64-byte Digital Bazaar form: 0x80 0x26 + seed || public */
		CHECK(ob_multibase_decode(&sk, ob_json_str(file, "secretKeyMultibase"), &err) == OB_OK);
		CHECK(sk.len == 66 && (unsigned char)sk.data[0] == 0x80 &&
		      (unsigned char)sk.data[1] == 0x26);
		ob_buf_release_secret(&sk);
	} else {
		CHECK_STR(ob_json_str(file, "type"), "JsonWebKey");
		CHECK(json_object_get(json_object_get(file, "privateKeyJwk"), "d") != NULL);
		CHECK(json_object_get(json_object_get(file, "publicKeyJwk"), "d") == NULL);
	}
	if (type != OB_KEY_RSA) {
		CHECK(ob_key_did(k, &did, NULL, &err) == OB_OK);
		CHECK_STR(ob_json_str(file, "controller"), did.data);
		CHECK(strncmp(ob_json_str(file, "publicKeyMultibase"),
			      type == OB_KEY_ED25519 ? "z6Mk" : type == OB_KEY_P384 ? "z82" : "zDn",
			      type == OB_KEY_ED25519 ? 4 : 3) == 0);
	}

	/* no overwrite without force */
	k2 = ob_key_generate(type, &err);
	ob_error_clear(&err);
	CHECK(ob_key_save(k2, path, 0, &err) == OB_EIO);
	CHECK(contains(err.msg, "exists"));
	ob_key_free(back);
	back = ob_key_load(path, &err);
	CHECK(back && ob_key_equal_public(k, back));
	ob_error_clear(&err);
	CHECK(ob_key_save(k2, path, 1, &err) == OB_OK);
	CHECK(mode_of(path) == 0600);
	ob_key_free(back);
	back = ob_key_load(path, &err);
	CHECK(back && ob_key_equal_public(k2, back) && !ob_key_equal_public(k, back));

	/* a symlink in the way is not followed */
	CHECK(symlink(path, link_path) == 0);
	ob_error_clear(&err);
	CHECK(ob_key_save(k, link_path, 0, &err) == OB_EIO);
	unlink(link_path);

	/* a public key is not saved as a private key file */
	{
		json_t *jwk = ob_key_public_jwk(k, &err);
		ob_key *pub = ob_key_from_jwk(jwk, &err);
		ob_error_clear(&err);
		CHECK(pub && ob_key_save(pub, link_path, 0, &err) == OB_EUSAGE);
		CHECK(access(link_path, F_OK) != 0);
		ob_key_free(pub);
		json_decref(jwk);
	}

	unlink(path);
	json_decref(file);
	ob_buf_release(&did);
	ob_key_free(back);
	ob_key_free(k);
	ob_key_free(k2);
}

static void test_generate_save(void)
{
	char dir[] = "/tmp/test_keys.XXXXXX";

	CHECK(mkdtemp(dir) != NULL);
	round_trip(OB_KEY_ED25519, dir);
	round_trip(OB_KEY_P256, dir);
	round_trip(OB_KEY_P384, dir);
	round_trip(OB_KEY_RSA, dir);
	CHECK(rmdir(dir) == 0);
}

/* compressed points of both parities come back as the same key */
static void test_p256_parity(void)
{
	int i, seen[2] = { 0, 0 };

	for (i = 0; i < 12; i++) {
		ob_error err = { OB_OK, "" };
		ob_key *k = ob_key_generate(OB_KEY_P256, &err), *back = NULL;
		ob_buf mb = OB_BUF_INIT, raw = OB_BUF_INIT;

		CHECK(k && ob_key_multikey(k, &mb, &err) == OB_OK);
		CHECK(mb.data && strncmp(mb.data, "zDn", 3) == 0);
		CHECK(mb.data && ob_multibase_decode(&raw, mb.data, &err) == OB_OK && raw.len == 35);
		if (raw.len == 35 && (raw.data[2] == 2 || raw.data[2] == 3))
			seen[raw.data[2] - 2]++;
		back = mb.data ? ob_key_from_multikey(mb.data, &err) : NULL;
		CHECK(back && ob_key_equal_public(k, back));
		ob_key_free(k);
		ob_key_free(back);
		ob_buf_release(&mb);
		ob_buf_release(&raw);
	}
	CHECK(seen[0] + seen[1] == 12);
}

static void test_names(void)
{
	CHECK(ob_key_type_parse("ed25519") == OB_KEY_ED25519);
	CHECK(ob_key_type_parse("Ed25519") == OB_KEY_ED25519);
	CHECK(ob_key_type_parse("p256") == OB_KEY_P256);
	CHECK(ob_key_type_parse("P-256") == OB_KEY_P256);
	CHECK(ob_key_type_parse("rsa") == OB_KEY_RSA);
	CHECK(ob_key_type_parse("p384") == OB_KEY_P384);
	CHECK(ob_key_type_parse("P-384") == OB_KEY_P384);
	CHECK_STR(ob_key_type_name(OB_KEY_P384), "P-384");
	CHECK(ob_key_type_parse("secp256k1") == 0);
	CHECK(ob_key_type_parse(NULL) == 0);
	CHECK_STR(ob_key_type_name(OB_KEY_ED25519), "Ed25519");
	CHECK_STR(ob_key_type_name(OB_KEY_P256), "P-256");
	CHECK_STR(ob_key_type_name(OB_KEY_RSA), "RSA");
}

/* ob_sha256: the FIPS 180-2 "abc" vector, the empty string, and agreement
 * with OpenSSL's SHA256() over lengths around the block size */
static void test_sha256(void)
{
	static const char abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	static const char empty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	unsigned char h[32], r[32], data[200];
	ob_buf hex = OB_BUF_INIT;
	size_t n;
	int same = 1;

	ob_sha256("abc", 3, h);
	ob_hex_encode(&hex, h, 32);
	CHECK_STR(hex.data, abc);
	hex.len = 0;
	ob_sha256("", 0, h);
	ob_hex_encode(&hex, h, 32);
	CHECK_STR(hex.data, empty);
	ob_buf_release(&hex);
	for (n = 0; n < sizeof(data); n++)
		data[n] = (unsigned char)(n * 7 + 3);
	for (n = 0; n <= sizeof(data); n++) {
		ob_sha256(data, n, h);
		SHA256(data, n, r);
		same &= !memcmp(h, r, 32);
	}
	CHECK(same);
}

/* Ed25519 keeps signing and verifying contexts inside the key: a key
 * freed and another allocated (likely at the same address) must sign
 * with its own key, and threads sharing a key must each get a context of
 * their own. */
struct ctx_run {
	const ob_key *key, *pub;
	const unsigned char *want; /* the signature of msg by key */
	int bad;
};

static const unsigned char ctx_msg[64] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void *ctx_worker(void *arg)
{
	struct ctx_run *r = arg;
	unsigned char sig[OB_SIG_MAX], bad[64];
	size_t len, i;
	ob_error err = { OB_OK, "" };

	for (i = 0; i < 300; i++) {
		if (ob_key_sign(r->key, ctx_msg, sizeof(ctx_msg), sig, &len, &err) || len != 64 ||
		    memcmp(sig, r->want, 64))
			r->bad++;
		if (ob_key_verify(r->pub, ctx_msg, sizeof(ctx_msg), sig, len, &err))
			r->bad++;
		memcpy(bad, sig, 64);
		bad[i % 64] ^= 1;
		ob_error_clear(&err);
		if (ob_key_verify(r->pub, ctx_msg, sizeof(ctx_msg), bad, 64, &err) != OB_EINVALID)
			r->bad++;
		ob_error_clear(&err);
	}
	return NULL;
}

static void test_ctx_reuse(void)
{
	unsigned char first[64], sig[OB_SIG_MAX];
	struct ctx_run runs[4];
	pthread_t th[4];
	size_t len = 0, i;
	ob_error err = { OB_OK, "" };
	ob_key *k = load("issuer-ed25519.json"), *pub, *other, *opub;
	ob_buf mk = OB_BUF_INIT;

	CHECK(k && ob_key_multikey(k, &mk, &err) == OB_OK);
	pub = ob_key_from_multikey(mk.data, &err);
	ob_buf_release(&mk);
	CHECK(pub != NULL);
	/* the same signature from a reused context (Ed25519 is deterministic) */
	CHECK(ob_key_sign(k, ctx_msg, sizeof(ctx_msg), first, &len, &err) == OB_OK && len == 64);
	for (i = 0; i < 3; i++) {
		CHECK(ob_key_sign(k, ctx_msg, sizeof(ctx_msg), sig, &len, &err) == OB_OK);
		CHECK(len == 64 && memcmp(sig, first, 64) == 0);
		CHECK(ob_key_verify(pub, ctx_msg, sizeof(ctx_msg), sig, len, &err) == OB_OK);
	}
	/* threads sharing the key and its public half */
	for (i = 0; i < 4; i++) {
		runs[i] = (struct ctx_run){ k, pub, first, 0 };
		CHECK(pthread_create(&th[i], NULL, ctx_worker, &runs[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(runs[i].bad == 0);
	}
	/* freed keys and new ones, over and over: each signs as itself */
	for (i = 0; i < 16; i++) {
		other = ob_key_generate(OB_KEY_ED25519, &err);
		CHECK(other && ob_key_multikey(other, &mk, &err) == OB_OK);
		opub = ob_key_from_multikey(mk.data, &err);
		ob_buf_release(&mk);
		CHECK(opub && ob_key_sign(other, ctx_msg, sizeof(ctx_msg), sig, &len, &err) == OB_OK);
		CHECK(memcmp(sig, first, 64) != 0);
		CHECK(ob_key_verify(opub, ctx_msg, sizeof(ctx_msg), sig, len, &err) == OB_OK);
		ob_error_clear(&err);
		CHECK(ob_key_verify(pub, ctx_msg, sizeof(ctx_msg), sig, len, &err) == OB_EINVALID);
		ob_error_clear(&err);
		ob_key_free(opub);
		ob_key_free(other);
	}
	ob_key_free(k);
	ob_key_free(pub);
	/* another key loaded (perhaps where k was) signs as itself, not as k */
	k = load("other-ed25519.json");
	CHECK(k && ob_key_sign(k, ctx_msg, sizeof(ctx_msg), sig, &len, &err) == OB_OK);
	CHECK(memcmp(sig, first, 64) != 0);
	ob_key_free(k);
}

/* The W3C ECDSA vectors' key pairs: Multikey secrets (0x86 0x26 / 0x87
 * 0x26 + scalar) whose public halves are the published Multikeys; P-384
 * signs with SHA-384 into 96 bytes of r || s. */
static void test_ecdsa_multikeys(void)
{
	static const struct { const char *file; ob_key_type type; size_t siglen; } kp[] = {
		{ "p256KeyPair.json", OB_KEY_P256, 64 },
		{ "p384KeyPair.json", OB_KEY_P384, 96 },
	};
	static const unsigned char msg[] = "hashData";
	unsigned char sig[OB_SIG_MAX];
	size_t i, len;

	for (i = 0; i < 2; i++) {
		char path[4200];
		ob_error err = { OB_OK, "" };
		ob_key *k, *pub = NULL, *wrong;
		json_t *file, *jwk = NULL;
		ob_buf mb = OB_BUF_INIT;
		const char *txt;

		snprintf(path, sizeof(path), "%s/vc-di-ecdsa/%s", conformance_dir(), kp[i].file);
		k = ob_key_load(path, &err);
		file = ob_json_load_file(path, &err);
		CHECK(k && ob_key_get_type(k) == kp[i].type && ob_key_has_private(k));
		if (!k || !file) {
			ob_key_free(k);
			json_decref(file);
			continue;
		}
		CHECK(ob_key_multikey(k, &mb, &err) == OB_OK);
		CHECK_STR(mb.data, ob_json_str(file, "publicKeyMultibase"));
		pub = ob_key_from_multikey(ob_json_str(file, "publicKeyMultibase"), &err);
		CHECK(pub && ob_key_equal_public(k, pub) && !ob_key_has_private(pub));
		CHECK(ob_key_sign(k, msg, sizeof(msg), sig, &len, &err) == OB_OK && len == kp[i].siglen);
		CHECK(ob_key_verify(pub, msg, sizeof(msg), sig, len, &err) == OB_OK);
		sig[5] ^= 1;
		ob_error_clear(&err);
		CHECK(ob_key_verify(pub, msg, sizeof(msg), sig, len, &err) == OB_EINVALID);
		ob_error_clear(&err);
		CHECK(ob_key_verify(pub, msg, sizeof(msg), sig, 64 + 96 - len, &err) == OB_EINVALID);
		/* the JWK form says the curve and comes back as the same key */
		jwk = ob_key_public_jwk(k, &err);
		CHECK_STR(ob_json_str(jwk, "crv"), ob_key_type_name(kp[i].type));
		wrong = ob_key_from_jwk(jwk, &err);
		CHECK(wrong && ob_key_equal_public(wrong, k));
		ob_key_free(wrong);
		CHECK_STR(ob_key_jose_alg(k), kp[i].type == OB_KEY_P256 ? "ES256" : "ES384");
		/* a key file whose members disagree on the curve is refused:
		 * a P-256 secret with a P-384 public key, or keyType P-384 */
		ob_error_clear(&err);
		txt = i ? "{\"secretKeyMultibase\":\"z42twTcNeSYcnqg1FLuSFs2bsGH3ZqbRHFmvS9XMsYhjxvHN\","
				     "\"publicKeyMultibase\":\"z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ\"}"
				   : "{\"secretKeyMultibase\":\"z42twTcNeSYcnqg1FLuSFs2bsGH3ZqbRHFmvS9XMsYhjxvHN\","
				     "\"keyType\":\"P-384\"}";
		wrong = ob_key_parse(txt, strlen(txt), &err);
		CHECK(wrong == NULL && err.code == OB_EINVALID);
		ob_key_free(wrong);
		json_decref(jwk);
		json_decref(file);
		ob_buf_release(&mb);
		ob_key_free(pub);
		ob_key_free(k);
	}
}

/* EC Multikey secrets that are no key: scalar 0, the group order or
 * above, the wrong length for the curve. */
static void test_bad_ec_secrets(void)
{
	static const unsigned char p256_order[32] = {
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	struct { unsigned char h0, h1; size_t n; int fill; } cases[] = {
		{ 0x86, 0x26, 32, 0 },    /* P-256, zero */
		{ 0x86, 0x26, 32, 1 },    /* P-256, the order */
		{ 0x86, 0x26, 32, 0xff }, /* P-256, above the order */
		{ 0x86, 0x26, 48, 7 },    /* P-256 header, 48 bytes */
		{ 0x87, 0x26, 32, 7 },    /* P-384 header, 32 bytes */
		{ 0x87, 0x26, 48, 0 },    /* P-384, zero */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char raw[2 + 48];
		ob_buf mb = OB_BUF_INIT, txt = OB_BUF_INIT;
		ob_error err = { OB_OK, "" };
		ob_key *k;

		raw[0] = cases[i].h0;
		raw[1] = cases[i].h1;
		if (cases[i].fill == 1)
			memcpy(raw + 2, p256_order, 32);
		else
			memset(raw + 2, cases[i].fill, cases[i].n);
		CHECK(ob_multibase_encode(&mb, 'z', raw, 2 + cases[i].n) == 0);
		ob_buf_addf(&txt, "{\"secretKeyMultibase\":\"%s\"}", mb.data);
		k = ob_key_parse(txt.data, txt.len, &err);
		CHECK(k == NULL && err.code == OB_EPARSE);
		if (k)
			fprintf(stderr, "  case %zu gave a key\n", i);
		ob_key_free(k);
		ob_buf_release(&mb);
		ob_buf_release(&txt);
	}
}

int main(void)
{
	ob_init();
	test_ecdsa_multikeys();
	test_bad_ec_secrets();
	test_sha256();
	test_names();
	test_vectors();
	test_secret_forms();
	test_bad_multikeys();
	test_jwk();
	test_sign_verify();
	test_ctx_reuse();
	test_generate_save();
	test_p256_parity();
	return check_done("test_keys");
}
