/* suite_2018: Ed25519Signature2018 verification against a sample the
 * reference (jsonld-signatures 11 + @digitalbazaar/ed25519-signature-2018)
 * signed (tests/data/legacy/README.md), and the ways it must fail: a
 * changed document or proof option, a changed signature, a header other
 * than {"alg":"EdDSA","b64":false,"crit":["b64"]}, an attached payload,
 * another key. Run from the repository root. */
#include <string.h>

#include "check.h"
#include "base/json.h"
#include "proof/key_2018.h"
#include "proof/keys.h"
#include "proof/suite.h"

#define SAMPLE "tests/data/legacy/vc11-ed25519-2018.json"
#define ISSUER "z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT"
#define OTHER "z6MkntRDLJazP7Awz611T1PYkvzPfS8YdFatkG2zQzkbu3vx"

static json_t *doc_and_proof(json_t **proof)
{
	ob_error err = { 0 };
	json_t *doc = ob_json_load_file(SAMPLE, &err);

	CHECK(doc != NULL);
	if (!doc)
		return NULL;
	*proof = json_deep_copy(json_object_get(doc, "proof"));
	json_object_del(doc, "proof");
	return doc;
}

/* verify after changing the proof's jws to jws (NULL: unchanged) */
static ob_code run(const json_t *doc, json_t *proof, const char *jws, const ob_key *key)
{
	json_t *p = json_deep_copy(proof);
	ob_error err = { 0 };
	const ob_suite *s;
	ob_code rc;

	if (jws)
		json_object_set_new(p, "jws", json_string(jws));
	s = ob_suite_for_proof(p);
	rc = s ? s->verify(doc, p, key, NULL, &err) : OB_EUNSUPPORTED;
	json_decref(p);
	return rc;
}

static void verifies(void)
{
	ob_error err = { 0 };
	ob_key *key = ob_key_from_multikey(ISSUER, &err), *other = ob_key_from_multikey(OTHER, &err);
	ob_key *p256 = ob_key_generate(OB_KEY_P256, &err);
	json_t *proof = NULL, *doc = doc_and_proof(&proof), *d2, *p2;
	const ob_suite *s = ob_suite_by_name("Ed25519Signature2018");
	char jws[512];
	const char *orig;
	size_t n;

	CHECK(key && other && p256 && doc && proof);
	if (!key || !other || !p256 || !doc || !proof)
		goto out;
	CHECK(s && s->implemented && s->create == NULL && s->signs_rdf && s->rdf_legacy);
	CHECK(ob_suite_for_proof(proof) == s);
	CHECK(run(doc, proof, NULL, key) == OB_OK);
	CHECK(run(doc, proof, NULL, other) == OB_EINVALID);
	CHECK(run(doc, proof, NULL, p256) == OB_EINVALID);
	/* the document and the proof options are both signed */
	d2 = json_deep_copy(doc);
	json_object_set_new(d2, "name", json_string("Welding Fundamentals Diploma"));
	CHECK(run(d2, proof, NULL, key) == OB_EINVALID);
	json_decref(d2);
	p2 = json_deep_copy(proof);
	json_object_set_new(p2, "created", json_string("2025-06-02T00:00:00Z"));
	CHECK(run(doc, p2, NULL, key) == OB_EINVALID);
	json_decref(p2);
	/* the signature: one character changed */
	orig = ob_json_str(proof, "jws");
	n = strlen(orig);
	CHECK(n < sizeof(jws));
	snprintf(jws, sizeof(jws), "%s", orig);
	jws[n - 5] = jws[n - 5] == 'A' ? 'B' : 'A';
	CHECK(run(doc, proof, jws, key) == OB_EINVALID);
	/* not detached, no signature, truncated signature */
	snprintf(jws, sizeof(jws), "%.*s.e30.%s", (int)(strchr(orig, '.') - orig), orig, strrchr(orig, '.') + 1);
	CHECK(run(doc, proof, jws, key) == OB_EINVALID);
	snprintf(jws, sizeof(jws), "%.*s..", (int)(strchr(orig, '.') - orig), orig);
	CHECK(run(doc, proof, jws, key) == OB_EINVALID);
	snprintf(jws, sizeof(jws), "%.*s", (int)(n - 4), orig);
	CHECK(run(doc, proof, jws, key) == OB_EINVALID);
	/* headers: {"alg":"ES256","b64":false,"crit":["b64"]}, {"alg":"EdDSA"} (b64 true) */
	snprintf(jws, sizeof(jws), "eyJhbGciOiJFUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19%s", strchr(orig, '.'));
	CHECK(run(doc, proof, jws, key) == OB_EINVALID);
	snprintf(jws, sizeof(jws), "eyJhbGciOiJFZERTQSJ9%s", strchr(orig, '.'));
	CHECK(run(doc, proof, jws, key) == OB_EINVALID);
	snprintf(jws, sizeof(jws), "!!!%s", strchr(orig, '.'));
	CHECK(run(doc, proof, jws, key) == OB_EINVALID);
	p2 = json_deep_copy(proof);
	json_object_del(p2, "jws");
	CHECK(run(doc, p2, NULL, key) == OB_EINVALID);
	json_decref(p2);
	/* verify only: signing is refused */
	{
		ob_proof_opts o = { .verification_method = "did:key:" ISSUER "#" ISSUER };
		CHECK(ob_proof_add(doc, s, key, &o, &err) == OB_EUNSUPPORTED);
	}
out:
	json_decref(doc);
	json_decref(proof);
	ob_key_free(key);
	ob_key_free(other);
	ob_key_free(p256);
}

/* Ed25519VerificationKey2018: the issuer's key as publicKeyBase58 */
static void base58_methods(void)
{
	ob_error err = { 0 };
	ob_key *mk = ob_key_from_multikey(ISSUER, &err), *k;
	json_t *vm = json_pack("{s:s, s:s}", "type", "Ed25519VerificationKey2018",
			       "publicKeyBase58", "GtwMdj3kexw2DW2UHdDZ1unzWJeXqr38xumajygFaYy5");

	k = ob_key_from_base58_vm(vm, &err);
	CHECK(mk && k && ob_key_equal_public(mk, k));
	ob_key_free(k);
	json_object_del(vm, "type");
	CHECK((k = ob_key_from_base58_vm(vm, &err)) != NULL);
	ob_key_free(k);
	json_object_set_new(vm, "type", json_string("EcdsaSecp256k1VerificationKey2019"));
	err = (ob_error){ 0 };
	CHECK(ob_key_from_base58_vm(vm, &err) == NULL && err.code == OB_EUNSUPPORTED);
	json_object_set_new(vm, "type", json_string("Ed25519VerificationKey2018"));
	json_object_set_new(vm, "publicKeyBase58", json_string("GtwMdj3kexw2DW2UHdDZ1unzWJeXqr38xumajygFaY"));
	err = (ob_error){ 0 };
	CHECK(ob_key_from_base58_vm(vm, &err) == NULL && err.code == OB_EPARSE);
	json_object_set_new(vm, "publicKeyBase58", json_string("0OIl"));
	err = (ob_error){ 0 };
	CHECK(ob_key_from_base58_vm(vm, &err) == NULL && err.code == OB_EPARSE);
	json_object_del(vm, "publicKeyBase58");
	err = (ob_error){ 0 };
	CHECK(ob_key_from_base58_vm(vm, &err) == NULL && err.code == OB_EPARSE);
	json_decref(vm);
	ob_key_free(mk);
}

/* A literal that URDNA2015 (rdf-canonize 3.x) and RDFC-1.0 escape
 * differently: signed by jsonld-signatures 11, it verifies in the second
 * form, and a change still fails in both. */
static void escapes(void)
{
	ob_error err = { 0 };
	ob_key *key = ob_key_from_multikey(ISSUER, &err);
	json_t *doc = ob_json_load_file("tests/data/legacy/vc11-ed25519-2018-rdfc-escapes.json", &err), *proof;

	CHECK(key && doc);
	if (!key || !doc)
		goto out;
	proof = json_deep_copy(json_object_get(doc, "proof"));
	json_object_del(doc, "proof");
	CHECK(strchr(ob_json_str(doc, "name"), '\t') != NULL);
	CHECK(run(doc, proof, NULL, key) == OB_OK);
	json_object_set_new(doc, "name", json_string("Welding\tFundamentals \002 Certificate"));
	CHECK(run(doc, proof, NULL, key) == OB_EINVALID);
	json_decref(proof);
out:
	json_decref(doc);
	ob_key_free(key);
}

int main(void)
{
	escapes();
	verifies();
	base58_methods();
	ob_suite_thread_release();
	return check_done("test_suite_2018");
}
