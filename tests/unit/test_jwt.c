/* test_jwt: VC-JWT decode, signature, claims and signing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/codec.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "proof/jwt.h"
#include "proof/keys.h"
#include "base/obkit.h"

/* 2026-01-01T00:00:00Z: inside every vector's validity window */
#define NOW ((time_t)1767225600)

static char *read_vec(const char *rel)
{
	char path[4096];
	ob_error err = { OB_OK, "" };
	char *text = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/vectors/%s", shared_dir(), rel);
	if (ob_file_read(path, 1 << 20, &text, &len, &err)) {
		fprintf(stderr, "%s: %s\n", rel, err.msg);
		return NULL;
	}
	return text;
}

static ob_key *load_key(const char *name)
{
	char path[4096];
	ob_error err = { OB_OK, "" };
	ob_key *k;

	snprintf(path, sizeof(path), "%s/vectors/keys/%s", shared_dir(), name);
	if (!(k = ob_key_load(path, &err)))
		fprintf(stderr, "%s: %s\n", name, err.msg);
	return k;
}

static int contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "  message: '%s'\n  wanted:  '%s'\n", hay, needle);
		return 0;
	}
	return 1;
}

/* What a verifier does for did:key: the multibase between "did:key:"
 * and '#' is the key. */
static ob_key *key_from_kid(const char *kid)
{
	ob_error err = { OB_OK, "" };
	char mb[256];
	const char *p, *hash;
	ob_key *k;

	if (!kid || strncmp(kid, "did:key:", 8) != 0)
		return NULL;
	p = kid + 8;
	hash = strchr(p, '#');
	snprintf(mb, sizeof(mb), "%.*s", hash ? (int)(hash - p) : (int)strlen(p), p);
	if (!(k = ob_key_from_multikey(mb, &err)))
		fprintf(stderr, "kid %s: %s\n", kid, err.msg);
	return k;
}

static ob_code decode_str(const char *tok, ob_jwt *jwt, ob_error *err)
{
	ob_error_clear(err);
	return ob_jwt_decode(tok, strlen(tok), jwt, err);
}

/* decode, key (out of band, else kid did:key, else jwk), signature, claims */
static ob_code verify_token(const char *tok, const ob_key *oob, time_t now, ob_error *err)
{
	ob_jwt jwt;
	ob_key *k = NULL;
	ob_code rc;

	if ((rc = decode_str(tok, &jwt, err)))
		return rc;
	if (!oob)
		k = jwt.kid ? key_from_kid(jwt.kid) : ob_key_from_jwk(jwt.jwk, err);
	if (!oob && !k)
		rc = ob_fail(err, OB_EINVALID, "no key");
	else if (!(rc = ob_jwt_verify_signature(&jwt, oob ? oob : k, err)))
		rc = ob_jwt_check_claims(&jwt, now, err);
	ob_key_free(k);
	ob_jwt_release(&jwt);
	return rc;
}

static void test_vectors(void)
{
	char *t04 = read_vec("signed/04-ob3-v2-vc-jwt-eddsa.jwt");
	char *t05 = read_vec("signed/05-ob3-v2-vc-jwt-es256.jwt");
	char *t06 = read_vec("signed/06-ob3-v2-vc-jwt-rs256.jwt");
	char *neg = read_vec("invalid/neg-08-jwt-tampered-payload.jwt");
	ob_key *issuer = load_key("issuer-ed25519.json"), *p256 = load_key("issuer-p256.json");
	ob_key *rsa_pub = load_key("issuer-rsa.public.jwk.json"), *k;
	ob_error err = { OB_OK, "" };
	ob_jwt jwt;

	CHECK(t04 && t05 && t06 && neg && issuer && p256 && rsa_pub);
	if (!t04 || !t05 || !t06 || !neg)
		goto out;
	CHECK(ob_jwt_sniff(t04, strlen(t04)) == 1);
	CHECK(ob_jwt_sniff(t06, strlen(t06)) == 1);

	/* 04: EdDSA, vc claim, kid = issuer did:key VM */
	CHECK(decode_str(t04, &jwt, &err) == OB_OK);
	CHECK_STR(jwt.alg, "EdDSA");
	CHECK_STR(jwt.kid, "did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT"
		  "#z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT");
	CHECK(jwt.jwk == NULL);
	CHECK(jwt.credential && jwt.credential != jwt.payload);
	CHECK(jwt.credential == json_object_get(jwt.payload, "vc"));
	CHECK_STR(ob_json_str(jwt.credential, "id"), "urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a04");
	CHECK(jwt.siglen == 64);
	k = key_from_kid(jwt.kid);
	CHECK(k && ob_key_equal_public(k, issuer));
	CHECK(ob_jwt_verify_signature(&jwt, k, &err) == OB_OK);
	CHECK(ob_jwt_check_claims(&jwt, NOW, &err) == OB_OK);
	ob_key_free(k);
	ob_jwt_release(&jwt);
	CHECK(jwt.header == NULL && jwt.sig == NULL);
	CHECK(verify_token(t04, NULL, NOW, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "04: %s\n", err.msg);

	/* 05: ES256 with a P-256 did:key */
	CHECK(decode_str(t05, &jwt, &err) == OB_OK);
	CHECK_STR(jwt.alg, "ES256");
	CHECK(jwt.siglen == 64);
	k = key_from_kid(jwt.kid);
	CHECK(k && ob_key_get_type(k) == OB_KEY_P256 && ob_key_equal_public(k, p256));
	ob_key_free(k);
	ob_jwt_release(&jwt);
	CHECK(verify_token(t05, NULL, NOW, &err) == OB_OK);
	CHECK(verify_token(t05, p256, NOW, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "05: %s\n", err.msg);

	/* 06: RS256, key in the jwk header, and the same key out of band */
	CHECK(decode_str(t06, &jwt, &err) == OB_OK);
	CHECK_STR(jwt.alg, "RS256");
	CHECK(jwt.kid == NULL && jwt.jwk != NULL);
	k = ob_key_from_jwk(jwt.jwk, &err);
	CHECK(k && ob_key_equal_public(k, rsa_pub));
	ob_key_free(k);
	ob_jwt_release(&jwt);
	CHECK(verify_token(t06, NULL, NOW, &err) == OB_OK);
	CHECK(verify_token(t06, rsa_pub, NOW, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "06: %s\n", err.msg);

	/* neg-08: payload edited, signature kept */
	CHECK(verify_token(neg, NULL, NOW, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "invalid JWS signature"));

	/* the wrong key */
	CHECK(verify_token(t05, issuer, NOW, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "alg 'ES256' does not match the key (Ed25519)"));
	{
		ob_key *other = load_key("other-ed25519.json");
		CHECK(verify_token(t04, other, NOW, &err) == OB_EINVALID);
		CHECK(contains(err.msg, "does not verify"));
		ob_key_free(other);
	}

	/* claims at the edges of the window */
	CHECK(verify_token(t04, NULL, 2064268800, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "expired (exp 2035-06-01T00:00:00Z)"));
	CHECK(verify_token(t04, NULL, 2064268799, &err) == OB_OK);
	CHECK(verify_token(t05, NULL, 1748735999, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "not yet valid (nbf 2025-06-01T00:00:00Z)"));
	CHECK(verify_token(t05, NULL, 1748736000, &err) == OB_OK);
out:
	free(t04);
	free(t05);
	free(t06);
	free(neg);
	ob_key_free(issuer);
	ob_key_free(p256);
	ob_key_free(rsa_pub);
}

/* b64url(JSON text) */
static void add_part(ob_buf *b, const char *json)
{
	ob_base64url_encode(b, (const unsigned char *)json, strlen(json));
}

/* The i-th part (0..2) of a token, decoded. */
static char *part(const char *tok, int i)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { OB_OK, "" };
	const char *s = tok, *e;

	while (i-- > 0)
		s = strchr(s, '.') + 1;
	e = strchr(s, '.');
	if (!e)
		e = s + strlen(s);
	ob_base64url_decode(&b, s, (size_t)(e - s), &err);
	return ob_buf_detach(&b, NULL);
}

static const char *PAYLOAD = "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
	"\"type\":[\"VerifiableCredential\"],\"iss\":\"did:example:1\","
	"\"issuer\":\"did:example:1\",\"credentialSubject\":{\"id\":\"did:example:2\"}}";

static void expect_decode_fail(const char *tok, ob_code code, const char *msg)
{
	ob_error err = { OB_OK, "" };
	ob_jwt jwt;

	CHECK(decode_str(tok, &jwt, &err) == code);
	CHECK(err.code == code);
	CHECK(contains(err.msg, msg));
	CHECK(jwt.header == NULL && jwt.payload == NULL && jwt.sig == NULL);
	ob_jwt_release(&jwt);
}

/* header JSON + PAYLOAD + a 64-byte dummy signature */
static void expect_header_code(const char *header, ob_code code, const char *msg)
{
	ob_buf b = OB_BUF_INIT;
	unsigned char sig[64] = { 1 };

	add_part(&b, header);
	ob_buf_addc(&b, '.');
	add_part(&b, PAYLOAD);
	ob_buf_addc(&b, '.');
	ob_base64url_encode(&b, sig, sizeof(sig));
	expect_decode_fail(b.data, code, msg);
	ob_buf_release(&b);
}

static void expect_header_fail(const char *header, const char *msg)
{
	expect_header_code(header, OB_EINVALID, msg);
}

static void test_refusals(void)
{
	char *t04 = read_vec("signed/04-ob3-v2-vc-jwt-eddsa.jwt");
	ob_key *p256 = load_key("issuer-p256.json");
	ob_error err = { OB_OK, "" };
	ob_buf b = OB_BUF_INIT;
	ob_jwt jwt;
	size_t len;
	char *d1, *d2;

	if (!t04 || !p256)
		goto out;
	len = strlen(t04);
	while (len && (t04[len - 1] == '\n' || t04[len - 1] == '\r'))
		t04[--len] = '\0';
	d1 = strchr(t04, '.');
	d2 = strchr(d1 + 1, '.');

	/* alg none: empty signature, and every spelling */
	add_part(&b, "{\"alg\":\"none\",\"typ\":\"JWT\"}");
	ob_buf_addc(&b, '.');
	add_part(&b, PAYLOAD);
	ob_buf_addc(&b, '.');
	CHECK(ob_jwt_sniff(b.data, b.len) == 1);
	expect_decode_fail(b.data, OB_EINVALID, "alg 'none' is not allowed");
	ob_buf_release(&b);
	expect_header_fail("{\"alg\":\"NONE\"}", "alg 'NONE' is not allowed");
	expect_header_fail("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "HMAC algorithm 'HS256' is not allowed");
	expect_header_fail("{\"alg\":\"HS512\"}", "HMAC algorithm 'HS512' is not allowed");
	expect_header_fail("{\"alg\":\"PS256\"}", "unsupported alg 'PS256'");
	expect_header_fail("{\"alg\":\"ES256K\"}", "unsupported alg 'ES256K'");
	expect_header_fail("{\"typ\":\"JWT\"}", "JWS header has no alg");
	expect_header_fail("{\"alg\":7}", "JWS header has no alg");
	expect_header_fail("{\"alg\":\"EdDSA\",\"typ\":\"vc+jwt\"}", "typ 'vc+jwt' is not allowed");
	expect_header_fail("{\"alg\":\"EdDSA\",\"typ\":7}", "typ '(not a string)' is not allowed");
	/* typ is a media type: case-insensitive, "application/" optional */
	add_part(&b, "{\"alg\":\"EdDSA\",\"typ\":\"application/JWT\"}");
	ob_buf_addc(&b, '.');
	add_part(&b, PAYLOAD);
	ob_buf_adds(&b, ".AAAA");
	CHECK(decode_str(b.data, &jwt, &err) == OB_OK);
	ob_jwt_release(&jwt);
	ob_buf_release(&b);
	expect_header_fail("{\"alg\":\"EdDSA\",\"crit\":[\"b64\"],\"b64\":false}", "crit");
	expect_header_fail("{\"alg\":\"EdDSA\",\"kid\":5}", "kid is not a string");
	expect_header_fail("{\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\","
			   "\"x\":\"u7j2KMzG5K--uvwIlpCeeV8_rFqqJatbsiy4Cf2jRys\","
			   "\"y\":\"hYlTiyKZtuA8ZS0TFUNfuERpqVhK_oez11YAV_44N2U\","
			   "\"d\":\"Fqcp-wCnw7miDA1xW3bneYnCbppC8YrA-JkLrcwrrWo\"}}",
			   "jwk contains private key member 'd'");
	expect_header_code("{\"alg\":\"EdDSA\",\"alg\":\"none\"}", OB_EPARSE,
			   "JWS header: invalid JSON: duplicate object key");
	expect_header_code("[\"EdDSA\"]", OB_EPARSE, "JWS header is not a JSON object");

	/* framing */
	ob_buf_add(&b, t04, (size_t)(d2 - t04) / 2);
	expect_decode_fail(b.data, OB_EPARSE, "not a compact JWS: 2 parts, want 3");
	CHECK(ob_jwt_sniff(b.data, b.len) == 0);
	ob_buf_release(&b);
	ob_buf_adds(&b, t04);
	ob_buf_adds(&b, ".AAAA");
	expect_decode_fail(b.data, OB_EPARSE, "not a compact JWS: 4 parts, want 3");
	CHECK(ob_jwt_sniff(b.data, b.len) == 0);
	ob_buf_release(&b);
	expect_decode_fail("", OB_EPARSE, "1 part, want 3");
	expect_decode_fail("..", OB_EPARSE, "JWS header is empty");
	/* a bad character in the header */
	ob_buf_adds(&b, t04);
	b.data[5] = '!';
	expect_decode_fail(b.data, OB_EPARSE, "JWS header: invalid base64url character '!'");
	CHECK(ob_jwt_sniff(b.data, b.len) == 0);
	/* padding is not base64url */
	ob_buf_release(&b);
	ob_buf_adds(&b, t04);
	ob_buf_adds(&b, "==");
	expect_decode_fail(b.data, OB_EPARSE, "JWS signature: invalid base64url character '='");
	ob_buf_release(&b);
	/* whitespace inside the token */
	ob_buf_adds(&b, t04);
	b.data[d2 - t04 + 3] = ' ';
	expect_decode_fail(b.data, OB_EPARSE, "JWS signature: invalid base64url character ' '");
	ob_buf_release(&b);
	/* truncated signature: decodes, then fails on length */
	ob_buf_add(&b, t04, len - 4);
	CHECK(decode_str(b.data, &jwt, &err) == OB_OK);
	{
		ob_key *k = key_from_kid(jwt.kid);
		ob_error_clear(&err);
		CHECK(ob_jwt_verify_signature(&jwt, k, &err) == OB_EINVALID);
		CHECK(contains(err.msg, "signature is 61 bytes, want 64"));
		ob_key_free(k);
	}
	ob_jwt_release(&jwt);
	ob_buf_release(&b);
	/* no signature at all */
	ob_buf_add(&b, t04, (size_t)(d2 - t04) + 1);
	expect_decode_fail(b.data, OB_EINVALID, "JWS has no signature");
	ob_buf_release(&b);

	/* payloads */
	ob_buf_add(&b, t04, (size_t)(d1 - t04) + 1);
	add_part(&b, "{\"iss\":\"x\"}");
	ob_buf_adds(&b, d2);
	expect_decode_fail(b.data, OB_EINVALID, "neither a vc claim nor credential members");
	ob_buf_release(&b);
	ob_buf_add(&b, t04, (size_t)(d1 - t04) + 1);
	add_part(&b, "{\"vc\":\"x\"}");
	ob_buf_adds(&b, d2);
	expect_decode_fail(b.data, OB_EINVALID, "vc claim is not an object");
	ob_buf_release(&b);
	ob_buf_add(&b, t04, (size_t)(d1 - t04) + 1);
	add_part(&b, "[1]");
	ob_buf_adds(&b, d2);
	expect_decode_fail(b.data, OB_EPARSE, "JWS payload is not a JSON object");
	ob_buf_release(&b);
	ob_buf_add(&b, t04, (size_t)(d1 - t04) + 1);
	add_part(&b, "{\"vc\":{},\"vc\":{}}");
	ob_buf_adds(&b, d2);
	expect_decode_fail(b.data, OB_EPARSE, "JWS payload: invalid JSON");
	ob_buf_release(&b);

	/* alg / key mismatch: an EdDSA token checked with a P-256 key */
	CHECK(decode_str(t04, &jwt, &err) == OB_OK);
	ob_error_clear(&err);
	CHECK(ob_jwt_verify_signature(&jwt, p256, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "alg 'EdDSA' does not match the key (P-256)"));
	ob_jwt_release(&jwt);

	/* surrounding whitespace (a .jwt file's newline) is fine */
	ob_buf_adds(&b, "\n  ");
	ob_buf_adds(&b, t04);
	ob_buf_adds(&b, "\r\n");
	CHECK(ob_jwt_sniff(b.data, b.len) == 1);
	CHECK(verify_token(b.data, NULL, NOW, &err) == OB_OK);
	ob_buf_release(&b);

	CHECK(ob_jwt_sniff("{\"a\":1}", 7) == 0);
	CHECK(ob_jwt_sniff("a.b", 3) == 0);
	CHECK(ob_jwt_sniff("a..c", 4) == 0);
out:
	free(t04);
	ob_key_free(p256);
}

/* The credential inside vector 04, as the input to our signer. */
static json_t *credential_04(void)
{
	char *t04 = read_vec("signed/04-ob3-v2-vc-jwt-eddsa.jwt");
	ob_error err = { OB_OK, "" };
	json_t *cred = NULL;
	ob_jwt jwt;

	if (t04 && decode_str(t04, &jwt, &err) == OB_OK) {
		cred = json_deep_copy(jwt.credential);
		ob_jwt_release(&jwt);
	}
	free(t04);
	return cred;
}

static void sign_round_trip(const char *keyfile, const char *alg, int with_kid)
{
	json_t *cred = credential_04();
	ob_key *k = load_key(keyfile);
	ob_buf tok = OB_BUF_INIT, vm = OB_BUF_INIT, did = OB_BUF_INIT, want = OB_BUF_INIT;
	ob_error err = { OB_OK, "" };
	char *header = NULL;
	ob_jwt jwt;

	CHECK(cred && k);
	if (!cred || !k)
		goto out;
	if (ob_key_get_type(k) != OB_KEY_RSA) {
		CHECK(ob_key_did(k, &did, &vm, &err) == OB_OK);
		/* make the issuer this key */
		json_object_set_new(json_object_get(cred, "issuer"), "id", json_string(did.data));
	} else {
		ob_buf_adds(&did, "https://riverbend.example.edu/issuers/main");
		json_object_set_new(json_object_get(cred, "issuer"), "id", json_string(did.data));
	}
	CHECK(ob_jwt_sign(cred, k, with_kid ? vm.data : NULL, &tok, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "sign: %s\n", err.msg);
	CHECK(tok.data && ob_jwt_sniff(tok.data, tok.len));
	if (!tok.data)
		goto out;

	/* header: exactly {"alg","typ","kid"} in that order, compact */
	header = part(tok.data, 0);
	if (with_kid) {
		ob_buf_addf(&want, "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}", alg, vm.data);
		CHECK_STR(header, want.data);
	} else {
		ob_buf_addf(&want, "{\"alg\":\"%s\",\"typ\":\"JWT\",\"jwk\":{", alg);
		CHECK(header && strncmp(header, want.data, want.len) == 0);
	}

	CHECK(decode_str(tok.data, &jwt, &err) == OB_OK);
	/* the flat OB 3.0 form: the payload is the credential plus claims */
	CHECK(jwt.credential == jwt.payload);
	CHECK(json_object_get(jwt.payload, "vc") == NULL);
	CHECK_STR(ob_json_str(jwt.payload, "iss"), did.data);
	CHECK_STR(ob_json_str(jwt.payload, "jti"), "urn:uuid:5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a04");
	CHECK_STR(ob_json_str(jwt.payload, "sub"),
		  "did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP");
	CHECK(json_number_value(json_object_get(jwt.payload, "nbf")) == 1748736000.0);
	CHECK(json_number_value(json_object_get(jwt.payload, "exp")) == 2064268800.0);
	/* every credential member survives, unchanged */
	{
		json_t *copy = json_deep_copy(jwt.payload);
		const char *claims[] = { "iss", "jti", "sub", "nbf", "exp" };
		size_t i;
		for (i = 0; i < 5; i++)
			json_object_del(copy, claims[i]);
		CHECK(json_equal(copy, cred));
		json_decref(copy);
	}
	CHECK(ob_jwt_verify_signature(&jwt, k, &err) == OB_OK);
	CHECK(ob_jwt_check_claims(&jwt, NOW, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "verify: %s\n", err.msg);
	ob_jwt_release(&jwt);
	CHECK(verify_token(tok.data, NULL, NOW, &err) == OB_OK);

	/* tampered payload: the credential's name changed, signature kept */
	{
		char *pl = part(tok.data, 1), *hit = strstr(pl, "Welding Fundamentals Certificate");
		const char *d1 = strchr(tok.data, '.'), *d2 = strchr(d1 + 1, '.');
		ob_buf t = OB_BUF_INIT;
		CHECK(hit != NULL);
		if (hit)
			hit[0] = 'Y';
		ob_buf_add(&t, tok.data, (size_t)(d1 - tok.data) + 1);
		add_part(&t, pl);
		ob_buf_adds(&t, d2);
		CHECK(verify_token(t.data, NULL, NOW, &err) == OB_EINVALID);
		CHECK(contains(err.msg, "invalid JWS signature"));
		ob_buf_release(&t);
		free(pl);
	}
out:
	free(header);
	ob_buf_release(&tok);
	ob_buf_release(&vm);
	ob_buf_release(&did);
	ob_buf_release(&want);
	json_decref(cred);
	ob_key_free(k);
}

static void test_sign(void)
{
	json_t *cred = credential_04();
	ob_key *k = load_key("issuer-ed25519.json"), *pub;
	ob_buf tok = OB_BUF_INIT, tok2 = OB_BUF_INIT;
	ob_error err = { OB_OK, "" };

	sign_round_trip("issuer-ed25519.json", "EdDSA", 1);
	sign_round_trip("issuer-p256.json", "ES256", 1);
	sign_round_trip("issuer-rsa.json", "RS256", 0);
	sign_round_trip("issuer-ed25519.json", "EdDSA", 0);

	/* Ed25519 is deterministic: same input, same token */
	CHECK(cred && k);
	if (!cred || !k)
		goto out;
	CHECK(ob_jwt_sign(cred, k, "did:key:x#x", &tok, &err) == OB_OK);
	CHECK(ob_jwt_sign(cred, k, "did:key:x#x", &tok2, &err) == OB_OK);
	CHECK_STR(tok.data, tok2.data);

	/* refusals */
	pub = ob_key_from_multikey("z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT", &err);
	ob_buf_release(&tok);
	ob_error_clear(&err);
	CHECK(ob_jwt_sign(cred, pub, "k", &tok, &err) == OB_EUSAGE);
	ob_key_free(pub);
	json_object_del(cred, "id");
	ob_error_clear(&err);
	CHECK(ob_jwt_sign(cred, k, "k", &tok, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "no id (needed for jti)"));
	json_object_set_new(cred, "id", json_string("urn:x"));
	json_object_del(cred, "validFrom");
	ob_error_clear(&err);
	CHECK(ob_jwt_sign(cred, k, "k", &tok, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "no validFrom (needed for nbf)"));
	json_object_set_new(cred, "validFrom", json_string("yesterday"));
	ob_error_clear(&err);
	CHECK(ob_jwt_sign(cred, k, "k", &tok, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "validFrom 'yesterday' is not a valid date-time"));
	json_object_del(cred, "issuer");
	ob_error_clear(&err);
	CHECK(ob_jwt_sign(cred, k, "k", &tok, &err) == OB_EINVALID);
	CHECK(contains(err.msg, "no issuer id"));
	CHECK(tok.len == 0);
out:
	ob_buf_release(&tok);
	ob_buf_release(&tok2);
	json_decref(cred);
	ob_key_free(k);
}

/* Edits one claim of a decoded token and checks the claims. */
static void expect_claim_fail(const char *tok, const char *claim, json_t *value, time_t now,
			      const char *msg)
{
	ob_error err = { OB_OK, "" };
	ob_jwt jwt;

	CHECK(decode_str(tok, &jwt, &err) == OB_OK);
	if (value)
		json_object_set_new(jwt.payload, claim, value);
	else
		json_object_del(jwt.payload, claim);
	ob_error_clear(&err);
	CHECK(ob_jwt_check_claims(&jwt, now, &err) == OB_EINVALID);
	CHECK(contains(err.msg, msg));
	ob_jwt_release(&jwt);
}

static void test_claims(void)
{
	char *t04 = read_vec("signed/04-ob3-v2-vc-jwt-eddsa.jwt");
	ob_error err = { OB_OK, "" };
	ob_jwt jwt;

	if (!t04)
		return;
	expect_claim_fail(t04, "iss", json_string("did:example:evil"), NOW,
			  "iss 'did:example:evil' does not match issuer id "
			  "'did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT'");
	expect_claim_fail(t04, "iss", NULL, NOW, "JWT has no iss claim");
	expect_claim_fail(t04, "iss", json_integer(1), NOW, "iss claim is not a string");
	expect_claim_fail(t04, "jti", json_string("urn:uuid:other"), NOW,
			  "jti 'urn:uuid:other' does not match credential id");
	expect_claim_fail(t04, "jti", NULL, NOW, "JWT has no jti claim");
	expect_claim_fail(t04, "sub", json_string("did:example:someone"), NOW,
			  "sub 'did:example:someone' does not match credentialSubject.id");
	expect_claim_fail(t04, "nbf", json_real(1748736001), NOW,
			  "nbf 1748736001 does not match validFrom '2025-06-01T00:00:00Z'");
	expect_claim_fail(t04, "exp", json_real(2064268801), NOW,
			  "exp 2064268801 does not match validUntil '2035-06-01T00:00:00Z'");
	expect_claim_fail(t04, "nbf", json_string("2025-06-01"), NOW, "nbf claim is not a NumericDate");
	expect_claim_fail(t04, "exp", json_real(1e300), NOW, "exp claim is not a NumericDate");
	expect_claim_fail(t04, "exp", json_real(2064268800), 2064268800,
			  "expired (exp 2035-06-01T00:00:00Z)");
	expect_claim_fail(t04, "nbf", json_real(1748736000), 1700000000,
			  "not yet valid (nbf 2025-06-01T00:00:00Z)");

	/* missing sub is tolerated (1EdTech samples), and so are missing
	 * nbf / exp: the credential's own dates are checked elsewhere */
	CHECK(decode_str(t04, &jwt, &err) == OB_OK);
	json_object_del(jwt.payload, "sub");
	json_object_del(jwt.payload, "nbf");
	json_object_del(jwt.payload, "exp");
	CHECK(ob_jwt_check_claims(&jwt, NOW, &err) == OB_OK);
	/* a fractional NumericDate is the same second */
	json_object_set_new(jwt.payload, "nbf", json_real(1748736000.75));
	CHECK(ob_jwt_check_claims(&jwt, NOW, &err) == OB_OK);
	/* issuer given as a plain string */
	json_object_set_new(jwt.credential, "issuer",
			    json_string("did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT"));
	CHECK(ob_jwt_check_claims(&jwt, NOW, &err) == OB_OK);
	ob_jwt_release(&jwt);
	if (err.code)
		fprintf(stderr, "claims: %s\n", err.msg);
	free(t04);
}

/* The 1EdTech validator's own VC-JWT sample (flat form, RS256 with an
 * inline jwk, aud and no sub), baked into an SVG. */
static void test_1edtech_sample(void)
{
	char *svg = NULL, *s, *e;
	size_t len;
	ob_error err = { OB_OK, "" };
	ob_buf path = OB_BUF_INIT;
	ob_jwt jwt;

	ob_buf_addf(&path, "%s/1edtech-validator-samples/ob30/simple-jwt.svg", conformance_dir());
	if (ob_file_read(path.data, 1 << 22, &svg, &len, &err)) {
		printf("test_jwt: skip 1EdTech sample (%s)\n", err.msg);
		ob_buf_release(&path);
		return;
	}
	ob_buf_release(&path);
	s = strstr(svg, "eyJ");
	CHECK(s != NULL);
	if (!s)
		goto out;
	for (e = s; *e && (strchr("-_.", *e) || (*e >= '0' && *e <= '9') ||
			   ((*e | 32) >= 'a' && (*e | 32) <= 'z')); e++)
		;
	*e = '\0';
	CHECK(decode_str(s, &jwt, &err) == OB_OK);
	CHECK(jwt.credential == jwt.payload);
	CHECK(json_object_get(jwt.payload, "sub") == NULL);
	ob_jwt_release(&jwt);
	CHECK(verify_token(s, NULL, NOW, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "1EdTech sample: %s\n", err.msg);
out:
	free(svg);
}

int main(void)
{
	ob_init();
	test_vectors();
	test_refusals();
	test_sign();
	test_claims();
	test_1edtech_sample();
	return check_done("test_jwt");
}
