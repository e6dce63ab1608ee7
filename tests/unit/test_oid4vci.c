/* test_oid4vci: offer links, well-known addresses and `jwt` key proofs
 * (shared/vc/oid4vci.c). */
#include <time.h>

#include "base/obkit.h"
#include "check.h"
#include "proof/keys.h"
#include "vc/oid4vci.h"

static void test_links(void)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	int by_value = -1;

	CHECK(ob_oid4vci_offer_link("https://i.example/offers/a b", &b, &err) == OB_OK);
	CHECK_STR(b.data, "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Foffers%2Fa%20b");
	ob_buf_truncate(&b, 0);
	CHECK(ob_oid4vci_offer_parse_link("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Foffers%2Fx",
					  &by_value, &b, &err) == OB_OK);
	CHECK(by_value == 0);
	CHECK_STR(b.data, "https://i.example/offers/x");
	ob_buf_truncate(&b, 0);
	CHECK(ob_oid4vci_offer_parse_link("openid-credential-offer://?x=1&credential_offer=%7B%22a%22%3A1%7D#frag",
					  &by_value, &b, &err) == OB_OK);
	CHECK(by_value == 1);
	CHECK_STR(b.data, "{\"a\":1}");
	/* refusals */
	ob_buf_truncate(&b, 0);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_offer_parse_link("openid-credential-offer://?credential_offer=1&credential_offer_uri=2",
					  &by_value, &b, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_offer_parse_link("openid-credential-offer://?credential_offer_uri=a&credential_offer_uri=b",
					  &by_value, &b, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_offer_parse_link("openid-credential-offer://", &by_value, &b, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_offer_parse_link("openid-credential-offer://?credential_offer_uri=%zz", &by_value, &b,
					  &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_offer_parse_link("openid-credential-offer://?credential_offer_uri=a%00b", &by_value, &b,
					  &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_offer_parse_link("openid-credential-offer://?credential_offer_uri=%4", &by_value, &b,
					  &err) == OB_EINVALID);
	ob_buf_release(&b);
}

static void test_wellknown(void)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };

	CHECK(ob_oid4vci_wellknown("https://i.example", "openid-credential-issuer", &b, &err) == OB_OK);
	CHECK_STR(b.data, "https://i.example/.well-known/openid-credential-issuer");
	ob_buf_truncate(&b, 0);
	/* VCI: the suffix goes between the host and the path */
	CHECK(ob_oid4vci_wellknown("https://i.example:8443/tenant", "oauth-authorization-server", &b, &err) == OB_OK);
	CHECK_STR(b.data, "https://i.example:8443/.well-known/oauth-authorization-server/tenant");
	ob_buf_truncate(&b, 0);
	CHECK(ob_oid4vci_wellknown("http://i.example", "x", &b, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_wellknown("https://i.example?q", "x", &b, &err) == OB_EINVALID);
	ob_buf_release(&b);
}

static void test_offer_check(void)
{
	const char *iss, *code;
	int tx;
	ob_error err = { 0 };
	json_t *o = json_loads("{\"credential_issuer\":\"https://i.example\",\"credential_configuration_ids\":[\"a\"],"
			       "\"grants\":{\"" OB_OID4VCI_PREAUTH "\":{\"pre-authorized_code\":\"c\",\"tx_code\":{}}}}",
			       0, NULL);

	CHECK(ob_oid4vci_offer_check(o, &iss, &code, &tx, &err) == OB_OK);
	CHECK_STR(iss, "https://i.example");
	CHECK_STR(code, "c");
	CHECK(tx == 1); /* an empty tx_code object still asks for a PIN */
	json_object_set_new(o, "credential_configuration_ids", json_array());
	CHECK(ob_oid4vci_offer_check(o, &iss, &code, &tx, &err) == OB_EINVALID);
	json_decref(o);
	ob_error_clear(&err);
	o = json_loads("{\"credential_issuer\":\"https://i.example\",\"credential_configuration_ids\":[\"a\"],"
		       "\"grants\":{\"authorization_code\":{}}}", 0, NULL);
	CHECK(ob_oid4vci_offer_check(o, &iss, &code, &tx, &err) == OB_EUNSUPPORTED);
	json_decref(o);
}

static void test_proofs(void)
{
	ob_key *k = ob_key_generate(OB_KEY_ED25519, NULL), *p = ob_key_generate(OB_KEY_P256, NULL);
	ob_buf did = OB_BUF_INIT, kid = OB_BUF_INIT, pdid = OB_BUF_INIT, pkid = OB_BUF_INIT, jwt = OB_BUF_INIT;
	ob_oid4vci_proof pr = { 0 };
	ob_error err = { 0 };
	time_t now = time(NULL);

	CHECK(k && p);
	if (!k || !p)
		goto out;
	CHECK(ob_key_did(k, &did, &kid, &err) == OB_OK);
	CHECK(ob_key_did(p, &pdid, &pkid, &err) == OB_OK);
	CHECK(ob_oid4vci_proof_sign(k, kid.data, "https://i.example", "n1", now, &jwt, &err) == OB_OK);
	CHECK(ob_oid4vci_proof_check(jwt.data, jwt.len, "https://i.example", now, &pr, &err) == OB_OK);
	CHECK_STR(pr.holder, did.data);
	CHECK_STR(pr.nonce, "n1");
	ob_oid4vci_proof_release(&pr);
	/* the wrong audience, a stale or future iat, a changed byte */
	CHECK(ob_oid4vci_proof_check(jwt.data, jwt.len, "https://other.example", now, &pr, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_proof_check(jwt.data, jwt.len, "https://i.example", now + 400, &pr, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_oid4vci_proof_check(jwt.data, jwt.len, "https://i.example", now - 400, &pr, &err) == OB_EINVALID);
	ob_error_clear(&err);
	jwt.data[jwt.len - 2] = jwt.data[jwt.len - 2] == 'A' ? 'B' : 'A';
	CHECK(ob_oid4vci_proof_check(jwt.data, jwt.len, "https://i.example", now, &pr, &err) == OB_EINVALID);
	ob_error_clear(&err);
	/* ES256 from a P-256 did:key */
	ob_buf_truncate(&jwt, 0);
	CHECK(ob_oid4vci_proof_sign(p, pkid.data, "https://i.example", NULL, now, &jwt, &err) == OB_OK);
	CHECK(ob_oid4vci_proof_check(jwt.data, jwt.len, "https://i.example", now, &pr, &err) == OB_OK);
	CHECK_STR(pr.holder, pdid.data);
	CHECK(pr.nonce == NULL);
	ob_oid4vci_proof_release(&pr);
	/* a kid naming another key than the one that signed */
	ob_buf_truncate(&jwt, 0);
	CHECK(ob_oid4vci_proof_sign(k, pkid.data, "https://i.example", "n", now, &jwt, &err) == OB_OK);
	CHECK(ob_oid4vci_proof_check(jwt.data, jwt.len, "https://i.example", now, &pr, &err) == OB_EINVALID);
	ob_error_clear(&err);
	/* no JWS, too long, alg none */
	CHECK(ob_oid4vci_proof_check("a.b", 3, "https://i.example", now, &pr, &err) == OB_EINVALID);
	ob_error_clear(&err);
	{
		char big[OB_OID4VCI_MAX_PROOF + 2];

		memset(big, 'a', sizeof(big));
		CHECK(ob_oid4vci_proof_check(big, sizeof(big), "https://i.example", now, &pr, &err) == OB_ELIMIT);
		ob_error_clear(&err);
	}
	{
		/* {"alg":"none","typ":"openid4vci-proof+jwt"} . {"aud":"https://i.example","iat":0} . */
		const char *none = "eyJhbGciOiJub25lIiwidHlwIjoib3BlbmlkNHZjaS1wcm9vZitqd3QifQ."
				   "eyJhdWQiOiJodHRwczovL2kuZXhhbXBsZSIsImlhdCI6MH0.";
		CHECK(ob_oid4vci_proof_check(none, strlen(none), "https://i.example", 0, &pr, &err) == OB_EINVALID);
		CHECK(strstr(err.msg, "alg") != NULL);
	}
out:
	ob_key_free(k);
	ob_key_free(p);
	ob_buf_release(&did);
	ob_buf_release(&kid);
	ob_buf_release(&pdid);
	ob_buf_release(&pkid);
	ob_buf_release(&jwt);
}

int main(void)
{
	ob_init();
	test_links();
	test_wellknown();
	test_offer_check();
	test_proofs();
	return check_done("test_oid4vci");
}
