/* eddsa-jcs-2022 (Data Integrity EdDSA Cryptosuites v1.0, 3.3). */
#include "proof/suite.h"
#include "base/hash.h"

#include <string.h>

#include <openssl/crypto.h>

#include "base/codec.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "proof/keys.h"

static int jcs_matches(const json_t *proof)
{
	const char *t = ob_json_str(proof, "type"), *cs = ob_json_str(proof, "cryptosuite");

	return t && cs && !strcmp(t, "DataIntegrityProof") && !strcmp(cs, "eddsa-jcs-2022");
}

static ob_code sha256_jcs(const json_t *v, unsigned char out[32], ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	ob_code rc = ob_jcs_canonicalize(v, &b, err);

	if (!rc)
		ob_sha256((const unsigned char *)b.data, b.len, out);
	ob_buf_release(&b);
	return rc;
}

/* 3.3.4 hashing: SHA-256(JCS(proof config)) || SHA-256(JCS(document)),
 * proof hash first. */
static ob_code hash_data(const json_t *doc, const json_t *config, unsigned char out[64],
			 ob_error *err)
{
	ob_code rc = sha256_jcs(config, out, err);

	return rc ? rc : sha256_jcs(doc, out + 32, err);
}

static ob_code jcs_create(const json_t *doc, json_t *proof, const ob_key *key, ob_loader *loader,
			  ob_error *err)
{
	unsigned char hash[64], sig[OB_SIG_MAX];
	size_t siglen;
	json_t *ctx = json_object_get(doc, "@context");
	ob_code rc;

	(void)loader; /* JCS needs no outside document */
	if (ob_key_get_type(key) != OB_KEY_ED25519)
		return ob_fail(err, OB_EUSAGE, "eddsa-jcs-2022 needs an Ed25519 key");
	/* 3.3.1 step 2: the proof carries the document's @context */
	if (ctx && json_object_set(proof, "@context", ctx))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if ((rc = hash_data(doc, proof, hash, err)))
		return rc;
	if ((rc = ob_key_sign(key, hash, sizeof(hash), sig, &siglen, err)))
		return rc;
	return ob_proof_value_set(proof, sig, siglen, err);
}

/* 3.3.2: the document's @context must start with the proof's entries, in
 * order. The reference compares entries with JS !==, so an inline context
 * object never matches there; we compare by value (json_equal), which is
 * what the spec text says. */
static int context_prefix(const json_t *doc_ctx, const json_t *proof_ctx)
{
	size_t i;

	if (!json_is_array(proof_ctx))
		return json_is_array(doc_ctx) ? json_equal(json_array_get(doc_ctx, 0), proof_ctx)
					      : json_equal(doc_ctx, proof_ctx);
	if (!json_is_array(doc_ctx))
		return json_array_size(proof_ctx) == 1 && json_equal(json_array_get(proof_ctx, 0), doc_ctx);
	if (json_array_size(proof_ctx) > json_array_size(doc_ctx))
		return 0;
	for (i = 0; i < json_array_size(proof_ctx); i++)
		if (!json_equal(json_array_get(doc_ctx, i), json_array_get(proof_ctx, i)))
			return 0;
	return 1;
}

static ob_code jcs_verify(const json_t *doc, const json_t *proof, const ob_key *key,
			  ob_loader *loader, ob_error *err)
{
	json_t *config = NULL, *unsecured = NULL;
	const json_t *pctx = json_object_get(proof, "@context");
	unsigned char hash[64], sig[64];
	ob_code rc;

	(void)loader;
	if ((rc = ob_proof_value_decode(proof, sig, err)))
		return rc;
	if (ob_key_get_type(key) != OB_KEY_ED25519)
		return ob_fail(err, OB_EINVALID, "eddsa-jcs-2022 needs an Ed25519 key");
	config = json_copy((json_t *)proof);
	unsecured = json_copy((json_t *)doc);
	if (!config || !unsecured) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	json_object_del(config, "proofValue");
	if (pctx) {
		if (!context_prefix(json_object_get(doc, "@context"), pctx)) {
			rc = ob_fail(err, OB_EINVALID, "document @context does not start with the proof's @context");
			goto out;
		}
		if (json_object_set(unsecured, "@context", (json_t *)pctx)) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((rc = hash_data(unsecured, config, hash, err)))
		goto out;
	rc = ob_key_verify(key, hash, sizeof(hash), sig, sizeof(sig), err);
	if (rc == OB_EINVALID)
		ob_fail(err, OB_EINVALID, "signature does not verify");
out:
	json_decref(config);
	json_decref(unsecured);
	return rc;
}

const ob_suite ob_suite_eddsa_jcs_2022 = {
	.name = "eddsa-jcs-2022",
	.proof_type = "DataIntegrityProof",
	.cryptosuite = "eddsa-jcs-2022",
	.matches = jcs_matches,
	.create = jcs_create,
	.verify = jcs_verify,
	.implemented = 1,
};
