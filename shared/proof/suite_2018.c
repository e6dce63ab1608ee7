/* Ed25519Signature2018 (W3C CCG Ed25519 Signature 2018; the suite of VC
 * 1.1 badges such as the Jobs for the Future plugfest ones): verify
 * only. The proof carries a detached JWS (RFC 7797, "b64": false):
 *   jws = base64url(header) ".." base64url(signature)
 * and the signature is Ed25519 over
 *   ASCII(base64url(header)) "." SHA-256(c14n proof options) || SHA-256(c14n document)
 * where the proof options are the proof without jws, signatureValue and
 * proofValue, under the document's @context (jsonld-signatures
 * LinkedDataSignature.canonizeProof / createVerifyData and
 * JwsLinkedDataSignature.verifySignature, read in
 * @digitalbazaar/jws-linked-data-signature 3 and jsonld-signatures 11.6).
 * Canonicalization is URDNA2015 as the VC 1.1 suites ran it (no
 * rdfDirection, the legacy escaping of rdf-canonize 3.x that
 * Ed25519Signature2020 uses too); jsonld-signatures 11 (rdf-canonize 5)
 * escapes literals as RDFC-1.0 does (a tab, a control character), so a
 * signature that does not match the first form is tried against that
 * one: either is the same document's data, signed by the same key. */
#include "proof/suite.h"

#include <string.h>

#include "base/codec.h"
#include "base/hash.h"
#include "base/json.h"
#include "proof/keys.h"

/* A JWS header is three short members; anything much longer is not one. */
#define MAX_HEADER_B64 512

/* The header must say EdDSA over unencoded content: {"alg":"EdDSA",
 * "b64":false,"crit":["b64"]}. The reference's test lets a header with
 * other members through (its length check sits outside the condition);
 * we demand the three values and, like it in effect, tolerate extra
 * members: the header's bytes are signed, so they cannot be swapped. */
static ob_code check_header(const char *b64, size_t len, ob_error *err)
{
	ob_buf raw = OB_BUF_INIT;
	ob_error e = { 0 };
	json_t *h = NULL, *crit;
	ob_code rc = OB_OK;

	if (len == 0 || len > MAX_HEADER_B64 || ob_base64url_decode(&raw, b64, len, &e) ||
	    !(h = ob_json_parse(raw.data ? raw.data : "", raw.len, &e)) || !json_is_object(h)) {
		rc = ob_fail(err, OB_EINVALID, "the jws header does not decode%s%s", e.msg[0] ? ": " : "", e.msg);
		goto out;
	}
	crit = json_object_get(h, "crit");
	if (!ob_json_str(h, "alg") || strcmp(ob_json_str(h, "alg"), "EdDSA") != 0 ||
	    !json_is_false(json_object_get(h, "b64")) || !json_is_array(crit) || json_array_size(crit) != 1 ||
	    !json_is_string(json_array_get(crit, 0)) || strcmp(json_string_value(json_array_get(crit, 0)), "b64") != 0)
		rc = ob_fail(err, OB_EINVALID, "the jws header is not {\"alg\":\"EdDSA\",\"b64\":false,\"crit\":[\"b64\"]}");
out:
	json_decref(h);
	ob_buf_release(&raw);
	return rc;
}

/* The proof options as the reference canonizes them: the document's
 * @context (a proof's own @context wins, as in {'@context': ..., ...proof}),
 * without the signature members. New reference or NULL. */
static json_t *proof_options(const json_t *doc, const json_t *proof)
{
	json_t *o = json_copy((json_t *)proof);

	if (!o)
		return NULL;
	json_object_del(o, "jws");
	json_object_del(o, "signatureValue");
	json_object_del(o, "proofValue");
	if (!json_object_get(o, "@context") && json_object_get(doc, "@context") &&
	    json_object_set(o, "@context", json_object_get(doc, "@context"))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* SHA-256 of doc's canonical N-Quads (legacy: toRdf and escaping as
 * URDNA2015 in rdf-canonize 3.x; else RDFC-1.0's). */
static ob_code hash_canon(const json_t *doc, ob_loader *loader, int legacy, unsigned char out[32],
			  ob_error *err)
{
	ob_buf c = OB_BUF_INIT;
	ob_code rc = ob_rdfc_canonize_json(doc, loader, legacy, 0, &c, err);

	if (!rc)
		ob_sha256((const unsigned char *)(c.data ? c.data : ""), c.len, out);
	ob_buf_release(&c);
	return rc;
}

static ob_code verify(const json_t *doc, const json_t *proof, const ob_key *key, ob_loader *loader,
		      ob_error *err)
{
	const char *jws = ob_json_str(proof, "jws"), *dot1, *dot2;
	unsigned char hashes[64], first[64] = { 0 };
	ob_buf sig = OB_BUF_INIT, data = OB_BUF_INIT;
	ob_error e = { 0 };
	json_t *opts = NULL;
	ob_code rc;
	int legacy;

	if (!jws)
		return ob_fail(err, OB_EINVALID, "the proof has no jws");
	/* detached: header, an empty payload, signature */
	dot1 = strchr(jws, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot1 || !dot2 || dot2 != dot1 + 1 || strchr(dot2 + 1, '.'))
		return ob_fail(err, OB_EINVALID, "the jws is not a detached JWS (header..signature)");
	if ((rc = check_header(jws, (size_t)(dot1 - jws), err)))
		return rc;
	if (ob_key_get_type(key) != OB_KEY_ED25519)
		return ob_fail(err, OB_EINVALID, "the key is not an Ed25519 key");
	if (ob_base64url_decode(&sig, dot2 + 1, strlen(dot2 + 1), &e) || sig.len != 64) {
		rc = ob_fail(err, e.code == OB_ENOMEM ? OB_ENOMEM : OB_EINVALID,
			     "the jws signature is not a base64url Ed25519 signature");
		goto out;
	}
	if (!(opts = proof_options(doc, proof))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (legacy = 1; legacy >= 0; legacy--) {
		ob_error ve = { 0 };

		if ((rc = hash_canon(opts, loader, legacy, hashes, &ve)) ||
		    (rc = hash_canon(doc, loader, legacy, hashes + 32, &ve))) {
			/* the second form is only a second chance */
			if (legacy || rc == OB_ENOMEM) {
				ob_fail(err, rc, "%s", ve.msg);
				goto out;
			}
			break;
		}
		/* the same canonical forms: nothing new to try */
		if (!legacy && !memcmp(first, hashes, sizeof(hashes)))
			break;
		memcpy(first, hashes, sizeof(hashes));
		data.len = 0;
		ob_buf_add(&data, jws, (size_t)(dot1 - jws) + 1);
		ob_buf_add(&data, hashes, sizeof(hashes));
		if (data.oom) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		rc = ob_key_verify(key, (const unsigned char *)data.data, data.len,
				   (const unsigned char *)sig.data, sig.len, &ve);
		if (rc != OB_EINVALID) {
			if (rc)
				ob_fail(err, rc, "%s", ve.msg);
			goto out;
		}
	}
	rc = ob_fail(err, OB_EINVALID, "Ed25519 signature does not verify");
out:
	json_decref(opts);
	ob_buf_release(&sig);
	ob_buf_release(&data);
	return rc;
}

static int matches(const json_t *proof)
{
	const char *t = ob_json_str(proof, "type");

	return t && !strcmp(t, "Ed25519Signature2018");
}

const ob_suite ob_suite_ed25519_2018 = {
	.name = "Ed25519Signature2018",
	.proof_type = "Ed25519Signature2018",
	.context = "https://w3id.org/security/suites/ed25519-2018/v1",
	.matches = matches,
	.verify = verify,
	.implemented = 1,
	.signs_rdf = 1,
	.rdf_legacy = 1,
};
