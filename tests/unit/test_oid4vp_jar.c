/* test_oid4vp_jar: signed OpenID4VP request objects (JAR, RFC 9101) of a
 * decentralized_identifier: client, and the unsigned ones of a
 * redirect_uri: client: ob_oid4vp_request_sign and ob_oid4vp_request_check
 * (shared/vc/oid4vp.c), with did:key verifiers (no network). */
#include <string.h>
#include <time.h>

#include "base/codec.h"
#include "base/obkit.h"
#include "canon/jcs.h"
#include "check.h"
#include "proof/keys.h"
#include "vc/oid4vp.h"

#define NOW 1900000000

struct verifier {
	ob_key *key;
	ob_buf did, kid, cid;
};

static void verifier_new(struct verifier *v, ob_key_type t)
{
	ob_error err = { 0 };

	memset(v, 0, sizeof(*v));
	v->key = ob_key_generate(t, &err);
	CHECK(v->key && ob_key_did(v->key, &v->did, &v->kid, &err) == OB_OK);
	ob_buf_addf(&v->cid, OB_OID4VP_DID_PREFIX "%s", v->did.data);
}

static void verifier_free(struct verifier *v)
{
	ob_key_free(v->key);
	ob_buf_release(&v->did);
	ob_buf_release(&v->kid);
	ob_buf_release(&v->cid);
}

static json_t *claims(const char *cid, json_int_t exp)
{
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "client_id", cid, "response_type", "vp_token",
			      "response_mode", "direct_post", "response_uri", "https://v.example/oid4vp/response",
			      "nonce", "n0nce", "state", "st", "dcql_query", ob_oid4vp_dcql(NULL, NULL), "exp", exp);
	return c;
}

/* Signs c with key and kid; the check's code (and its message in msg). */
static ob_code sign_check(const json_t *c, const ob_key *key, const char *kid, const char *link_cid,
			  ob_oid4vp_signer *who, char *msg, size_t n)
{
	ob_buf jwt = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *r = NULL;

	if (ob_oid4vp_request_sign(c, key, kid, &jwt, &err) == OB_OK)
		r = ob_oid4vp_request_check(jwt.data, jwt.len, link_cid, NULL, NOW, who, &err);
	snprintf(msg, n, "%s", err.msg);
	json_decref(r);
	ob_buf_release(&jwt);
	return err.code;
}

/* base64url(JSON h) "." base64url(JSON p) "." sig, as a forger would. */
static void forge(ob_buf *out, const char *h, const json_t *p, const char *sig)
{
	char *ps = ob_json_dumps(p, 0);

	ob_base64url_encode(out, (const unsigned char *)h, strlen(h));
	ob_buf_addc(out, '.');
	ob_base64url_encode(out, (const unsigned char *)ps, strlen(ps));
	ob_buf_addf(out, ".%s", sig);
	free(ps);
}

static void test_sign_verify(void)
{
	struct verifier a, b, p;
	ob_oid4vp_signer who = { 0 };
	json_t *c;
	char msg[512];

	verifier_new(&a, OB_KEY_ED25519);
	verifier_new(&b, OB_KEY_ED25519);
	verifier_new(&p, OB_KEY_P256);
	c = claims(a.cid.data, NOW + 60);
	CHECK(sign_check(c, a.key, a.kid.data, a.cid.data, &who, msg, sizeof(msg)) == OB_OK);
	CHECK_STR(who.did, a.did.data);
	CHECK_STR(who.kid, a.kid.data);
	ob_oid4vp_signer_release(&who);
	CHECK(!who.did && !who.kid);
	/* ES256 with a P-256 did:key */
	json_decref(c);
	c = claims(p.cid.data, NOW + 60);
	CHECK(sign_check(c, p.key, p.kid.data, p.cid.data, &who, msg, sizeof(msg)) == OB_OK);
	CHECK_STR(who.did, p.did.data);
	ob_oid4vp_signer_release(&who);
	/* another DID's kid and key */
	json_decref(c);
	c = claims(a.cid.data, NOW + 60);
	CHECK(sign_check(c, b.key, b.kid.data, a.cid.data, &who, msg, sizeof(msg)) == OB_EINVALID);
	CHECK(strstr(msg, "is not a key of the verifier's DID") != NULL);
	CHECK(!who.did);
	/* a's DID, b's key: the did:key fragment names the key */
	{
		ob_buf kid = OB_BUF_INIT;

		ob_buf_addf(&kid, "%s#%s", a.did.data, strchr(b.kid.data, '#') + 1);
		CHECK(sign_check(c, b.key, kid.data, a.cid.data, NULL, msg, sizeof(msg)) == OB_EINVALID);
		CHECK(strstr(msg, "fragment does not match") != NULL);
		ob_buf_release(&kid);
	}
	/* a's kid, b's key: the signature does not verify */
	CHECK(sign_check(c, b.key, a.kid.data, a.cid.data, NULL, msg, sizeof(msg)) == OB_EINVALID);
	CHECK(strstr(msg, "signature does not verify") != NULL);
	/* the link names another client */
	CHECK(sign_check(c, a.key, a.kid.data, b.cid.data, NULL, msg, sizeof(msg)) == OB_EINVALID);
	CHECK(strstr(msg, "is not a key of the verifier's DID") != NULL);
	/* expired, by the clock given */
	json_decref(c);
	c = claims(a.cid.data, NOW);
	CHECK(sign_check(c, a.key, a.kid.data, a.cid.data, NULL, msg, sizeof(msg)) == OB_EINVALID);
	CHECK(strstr(msg, "has expired") != NULL);
	json_decref(c);
	/* the claims checks still apply: an http response_uri */
	c = claims(a.cid.data, NOW + 60);
	json_object_set_new(c, "response_uri", json_string("http://v.example/r"));
	CHECK(sign_check(c, a.key, a.kid.data, a.cid.data, NULL, msg, sizeof(msg)) == OB_EINVALID);
	CHECK(strstr(msg, "not an https URL") != NULL);
	json_decref(c);
	verifier_free(&a);
	verifier_free(&b);
	verifier_free(&p);
}

static void test_sign_refusals(void)
{
	struct verifier a;
	ob_key *rsa;
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *c;

	verifier_new(&a, OB_KEY_ED25519);
	c = claims(a.cid.data, NOW + 60);
	CHECK(ob_oid4vp_request_sign(c, a.key, "https://v.example/key", &out, &err) == OB_EUSAGE);
	CHECK(out.len == 0);
	ob_error_clear(&err);
	CHECK(ob_oid4vp_request_sign(c, a.key, a.did.data, &out, &err) == OB_EUSAGE); /* no fragment */
	ob_error_clear(&err);
	rsa = ob_key_generate(OB_KEY_RSA, &err);
	CHECK(rsa && ob_oid4vp_request_sign(c, rsa, a.kid.data, &out, &err) == OB_EUSAGE);
	CHECK(out.len == 0);
	ob_key_free(rsa);
	json_decref(c);
	verifier_free(&a);
}

static void test_headers(void)
{
	struct verifier a;
	ob_buf jwt = OB_BUF_INIT, h = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *c, *r;
	char *js;

	verifier_new(&a, OB_KEY_ED25519);
	c = claims(a.cid.data, NOW + 60);
	/* a good one, then its header changed */
	CHECK(ob_oid4vp_request_sign(c, a.key, a.kid.data, &jwt, &err) == OB_OK);
	r = ob_oid4vp_request_check(jwt.data, jwt.len, a.cid.data, NULL, NOW, NULL, &err);
	CHECK(r != NULL);
	json_decref(r);
	/* alg none, no signature */
	ob_buf_truncate(&jwt, 0);
	forge(&jwt, "{\"alg\":\"none\",\"typ\":\"oauth-authz-req+jwt\"}", c, "");
	CHECK(!ob_oid4vp_request_check(jwt.data, jwt.len, a.cid.data, NULL, NOW, NULL, &err));
	CHECK(err.code == OB_EINVALID && strstr(err.msg, "not signed (alg none)"));
	ob_error_clear(&err);
	/* the same, read for a redirect_uri: client whose URL it names: taken */
	json_object_set_new(c, "client_id", json_string("redirect_uri:https://v.example/oid4vp/response"));
	r = ob_oid4vp_request_check(jwt.data, jwt.len, "redirect_uri:https://v.example/oid4vp/response", NULL, NOW,
				    NULL, &err);
	CHECK(r == NULL); /* the forged payload still says the DID client */
	ob_error_clear(&err);
	ob_buf_truncate(&jwt, 0);
	forge(&jwt, "{\"alg\":\"none\",\"typ\":\"oauth-authz-req+jwt\"}", c, "");
	r = ob_oid4vp_request_check(jwt.data, jwt.len, "redirect_uri:https://v.example/oid4vp/response", NULL, NOW,
				    NULL, &err);
	CHECK(r != NULL && !err.code);
	json_decref(r);
	/* a redirect_uri: client's signed object is refused */
	ob_buf_truncate(&jwt, 0);
	CHECK(ob_oid4vp_request_sign(c, a.key, a.kid.data, &jwt, &err) == OB_OK);
	CHECK(!ob_oid4vp_request_check(jwt.data, jwt.len, "redirect_uri:https://v.example/oid4vp/response", NULL, NOW,
				       NULL, &err));
	CHECK(err.code == OB_EINVALID && strstr(err.msg, "which a redirect_uri: client cannot do"));
	ob_error_clear(&err);
	json_object_set_new(c, "client_id", json_string(a.cid.data));
	/* JSON for a DID client */
	js = ob_json_dumps(c, 0);
	CHECK(!ob_oid4vp_request_check(js, strlen(js), a.cid.data, NULL, NOW, NULL, &err));
	CHECK(err.code == OB_EINVALID && strstr(err.msg, "must be a signed request object"));
	ob_error_clear(&err);
	free(js);
	/* typ: JWT refused; the media type with application/ and in capitals taken */
	{
		static const char *const typs[] = { "JWT", "application/oauth-authz-req+jwt", "OAUTH-AUTHZ-REQ+JWT" };
		size_t i;

		for (i = 0; i < 3; i++) {
			ob_buf si = OB_BUF_INIT, sigb = OB_BUF_INIT;
			unsigned char sig[OB_SIG_MAX];
			size_t siglen = 0;

			ob_buf_truncate(&h, 0);
			ob_buf_addf(&h, "{\"alg\":\"EdDSA\",\"typ\":\"%s\",\"kid\":\"%s\"}", typs[i], a.kid.data);
			forge(&si, h.data, c, "");
			si.data[--si.len] = '\0'; /* the '.' before the signature */
			CHECK(ob_key_sign(a.key, (const unsigned char *)si.data, si.len, sig, &siglen, &err) == OB_OK);
			ob_base64url_encode(&sigb, sig, siglen);
			ob_buf_addf(&si, ".%s", sigb.data);
			r = ob_oid4vp_request_check(si.data, si.len, a.cid.data, NULL, NOW, NULL, &err);
			CHECK(i == 0 ? r == NULL && strstr(err.msg, "typ is JWT") : r != NULL);
			json_decref(r);
			ob_error_clear(&err);
			ob_buf_release(&si);
			ob_buf_release(&sigb);
		}
	}
	/* HS256 and crit */
	ob_buf_truncate(&jwt, 0);
	forge(&jwt, "{\"alg\":\"HS256\",\"typ\":\"oauth-authz-req+jwt\",\"kid\":\"x\"}", c, "AAAA");
	CHECK(!ob_oid4vp_request_check(jwt.data, jwt.len, a.cid.data, NULL, NOW, NULL, &err));
	CHECK(strstr(err.msg, "alg HS256 is not one this wallet takes") != NULL);
	ob_error_clear(&err);
	ob_buf_truncate(&h, 0);
	ob_buf_addf(&h, "{\"alg\":\"EdDSA\",\"typ\":\"oauth-authz-req+jwt\",\"kid\":\"%s\",\"crit\":[\"x\"]}", a.kid.data);
	ob_buf_truncate(&jwt, 0);
	forge(&jwt, h.data, c, "AAAA");
	CHECK(!ob_oid4vp_request_check(jwt.data, jwt.len, a.cid.data, NULL, NOW, NULL, &err));
	CHECK(strstr(err.msg, "has crit") != NULL);
	ob_error_clear(&err);
	/* a did:web verifier with no loader: could not check (OB_ENET), not invalid */
	{
		const char *wcid = OB_OID4VP_DID_PREFIX "did:web:v.example";

		json_object_set_new(c, "client_id", json_string(wcid));
		ob_buf_truncate(&h, 0);
		ob_buf_adds(&h, "{\"alg\":\"EdDSA\",\"typ\":\"oauth-authz-req+jwt\",\"kid\":\"did:web:v.example#k\"}");
		ob_buf_truncate(&jwt, 0);
		forge(&jwt, h.data, c, "AAAA");
		CHECK(!ob_oid4vp_request_check(jwt.data, jwt.len, wcid, NULL, NOW, NULL, &err));
		CHECK(err.code == OB_ENET);
		ob_error_clear(&err);
	}
	/* neither prefix */
	CHECK(!ob_oid4vp_request_check(jwt.data, jwt.len, "x509_san_dns:v.example", NULL, NOW, NULL, &err));
	CHECK(err.code == OB_EINVALID && strstr(err.msg, "has neither"));
	ob_error_clear(&err);
	ob_buf_release(&jwt);
	ob_buf_release(&h);
	json_decref(c);
	verifier_free(&a);
}

static void test_dcql_id(void)
{
	json_t *d = ob_oid4vp_dcql(NULL, NULL);
	json_t *lib = json_pack("{s:[{s:s, s:s, s:{s:[[s,s]]}}]}", "credentials", "id", "badge", "format", "ldp_vc",
				"meta", "type_values", "https://www.w3.org/2018/credentials#VerifiableCredential",
				"https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential");

	CHECK_STR(ob_oid4vp_dcql_id(d, "ldp_vc"), OB_OID4VP_LDP_ID);
	CHECK_STR(ob_oid4vp_dcql_id(d, "jwt_vc_json"), OB_OID4VP_JWT_ID);
	CHECK_STR(ob_oid4vp_dcql_id(lib, "ldp_vc"), "badge");
	CHECK(ob_oid4vp_dcql_id(lib, "jwt_vc_json") == NULL);
	CHECK(ob_oid4vp_dcql_id(NULL, "ldp_vc") == NULL);
	json_decref(d);
	json_decref(lib);
}

int main(void)
{
	ob_init();
	test_sign_verify();
	test_sign_refusals();
	test_headers();
	test_dcql_id();
	return check_done("test_oid4vp_jar");
}
