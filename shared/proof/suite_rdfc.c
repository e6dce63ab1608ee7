/* eddsa-rdfc-2022 (Data Integrity EdDSA Cryptosuites v1.0, 3.2) and the
 * legacy Ed25519Signature2020 (same document, Appendix A): both sign the
 * RDFC-1.0 canonical N-Quads of the JSON-LD document and of the proof
 * configuration. */
#include "proof/suite.h"
#include "base/hash.h"

#include <string.h>

#include <openssl/sha.h>

#include "canon/contexts.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "canon/jsonld.h"
#include "proof/keys.h"
#include "canon/rdfc.h"

#define CTX_ED2020 "https://w3id.org/security/suites/ed25519-2020/v1"

/* One processor per thread keeps processed contexts between calls (a
 * roster signs thousands of credentials on the same contexts). It only
 * knows the contexts shipped with obkit; a document that needs one given
 * with --doc gets a processor of its own for that call. */
static _Thread_local ob_jsonld *shared_proc;
static _Thread_local ob_loader *shipped_only; /* an empty map: shipped contexts */
/* the last proof configuration hashed on this thread (config_hash) */
static _Thread_local json_t *memo_config;
static _Thread_local int memo_legacy;
static _Thread_local unsigned char memo_hash[32];

void ob_suite_thread_release(void)
{
	ob_jsonld_free(shared_proc);
	shared_proc = NULL;
	ob_loader_free(shipped_only);
	shipped_only = NULL;
	json_decref(memo_config);
	memo_config = NULL;
}

/* JSON-LD toRdf (safe mode, base null) then RDFC-1.0 into canon. */
static ob_code canonize_with(ob_jsonld *proc, const json_t *doc, int legacy, ob_rdfc_hash hash,
			     int work_factor, ob_buf *canon, ob_error *err)
{
	ob_jsonld_opts o;
	ob_rdf_dataset *ds = ob_rdf_dataset_new();
	ob_code rc;

	if (!ds)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	ob_jsonld_opts_init(&o);
	/* Ed25519Signature2020's reference runs without rdfDirection, so
	 * @direction is data loss there (vc-di.md 7) */
	if (legacy)
		o.rdf_direction = OB_JSONLD_DIR_NONE;
	rc = ob_jsonld_to_dataset(proc, doc, &o, ds, err);
	if (!rc) {
		/* legacy: URDNA2015 literal escaping as rdf-canonize 3.x; we
		 * keep the work limit that reference lacks */
		ob_rdfc_opts ro = { hash, work_factor, legacy };
		rc = ob_rdfc_canonize_ex(ds, &ro, canon, NULL, err);
	}
	ob_rdf_dataset_free(ds);
	return rc;
}

ob_code ob_rdfc_canonize_json(const json_t *doc, ob_loader *loader, int legacy, int sha384,
			      ob_buf *canon, ob_error *err)
{
	return ob_rdfc_canonize_json_wf(doc, loader, legacy, sha384, OB_RDFC_WORK_FACTOR, canon, err);
}

ob_code ob_rdfc_canonize_json_wf(const json_t *doc, ob_loader *loader, int legacy, int sha384,
				 int work_factor, ob_buf *canon, ob_error *err)
{
	ob_error first = { 0 };
	ob_jsonld *own;
	ob_code rc;

	if (!shipped_only && !(shipped_only = ob_contexts_loader_new()))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!shared_proc && !(shared_proc = ob_jsonld_new(shipped_only)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = canonize_with(shared_proc, doc, legacy, sha384 ? OB_RDFC_SHA384 : OB_RDFC_SHA256,
			   work_factor, canon, &first);
	if (rc != OB_ENET || !loader) {
		if (rc)
			ob_fail(err, rc, "%s", first.msg);
		return rc;
	}
	/* a context outside the shipped set: try the caller's documents */
	if (!(own = ob_jsonld_new(loader)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = canonize_with(own, doc, legacy, sha384 ? OB_RDFC_SHA384 : OB_RDFC_SHA256, work_factor,
			   canon, err);
	ob_jsonld_free(own);
	return rc;
}

/* DI-EdDSA 3.2.4: SHA-256(canonical proof config) || SHA-256(canonical
 * document), proof hash first. The proof configuration is the proof
 * without proofValue, with the document's @context (3.2.5). */
json_t *ob_proof_config(const json_t *doc, const json_t *proof)
{
	json_t *config = json_copy((json_t *)proof);

	if (!config)
		return NULL;
	json_object_del(config, "proofValue");
	if (json_object_get(doc, "@context") &&
	    json_object_set(config, "@context", json_object_get(doc, "@context"))) {
		json_decref(config);
		return NULL;
	}
	return config;
}

/* The last proof configuration this thread hashed: a batch signs many
 * credentials with the same proof options (suite, key, purpose, created
 * to the second), so its canonical hash is computed once, not per
 * credential. Only configurations whose contexts all ship with obkit are
 * remembered: their meaning cannot depend on the caller's loader. */

static ob_code config_hash(const json_t *config, int legacy, ob_loader *loader,
			   unsigned char out[32], ob_error *err)
{
	ob_buf c = OB_BUF_INIT;
	int memo = ob_contexts_all_shipped(json_object_get(config, "@context"));
	ob_code rc;

	/* json_equal compares without serializing; legacy is part of the
	 * key: it escapes differently */
	if (memo && memo_config && memo_legacy == legacy && json_equal(memo_config, config)) {
		memcpy(out, memo_hash, 32);
		return OB_OK;
	}
	rc = ob_rdfc_canonize_json(config, loader, legacy, 0, &c, err);
	if (!rc) {
		ob_sha256((const unsigned char *)c.data, c.len, out);
		if (memo) {
			json_t *copy = json_deep_copy(config);

			/* failing to remember is harmless */
			if (copy) {
				json_decref(memo_config);
				memo_config = copy;
				memo_legacy = legacy;
				memcpy(memo_hash, out, 32);
			}
		}
	}
	ob_buf_release(&c);
	return rc;
}

/* DI-EdDSA 3.2.4: SHA-256(canonical proof config) || SHA-256(canonical
 * document), proof hash first. */
static ob_code hash_data(const json_t *doc, const json_t *proof, int legacy, ob_loader *loader,
			 unsigned char out[64], ob_error *err)
{
	json_t *config = ob_proof_config(doc, proof);
	ob_buf c = OB_BUF_INIT;
	ob_code rc;

	if (!config)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = config_hash(config, legacy, loader, out, err);
	if (!rc) {
		/* a credential's canonical form is about 12 KB: one allocation
		 * instead of doubling up from 64 bytes */
		ob_buf_grow(&c, 16384);
		rc = ob_rdfc_canonize_json(doc, loader, legacy, 0, &c, err);
		if (!rc)
			ob_sha256((const unsigned char *)c.data, c.len, out + 32);
	}
	json_decref(config);
	ob_buf_release(&c);
	return rc;
}

static ob_code create(const json_t *doc, json_t *proof, const ob_key *key, ob_loader *loader,
		      int legacy, ob_error *err)
{
	unsigned char hash[64], sig[OB_SIG_MAX];
	size_t siglen;
	ob_code rc;

	if (ob_key_get_type(key) != OB_KEY_ED25519)
		return ob_fail(err, OB_EUSAGE, "%s needs an Ed25519 key",
			       legacy ? "Ed25519Signature2020" : "eddsa-rdfc-2022");
	if ((rc = hash_data(doc, proof, legacy, loader, hash, err)))
		return rc;
	if ((rc = ob_key_sign(key, hash, sizeof(hash), sig, &siglen, err)))
		return rc;
	return ob_proof_value_set(proof, sig, siglen, err);
}

static ob_code verify(const json_t *doc, const json_t *proof, const ob_key *key, ob_loader *loader,
		      int legacy, ob_error *err)
{
	unsigned char hash[64], sig[64];
	ob_code rc;

	if ((rc = ob_proof_value_decode(proof, sig, err)))
		return rc;
	if (ob_key_get_type(key) != OB_KEY_ED25519)
		return ob_fail(err, OB_EINVALID, "the key is not an Ed25519 key");
	if ((rc = hash_data(doc, proof, legacy, loader, hash, err)))
		return rc;
	rc = ob_key_verify(key, hash, sizeof(hash), sig, sizeof(sig), err);
	if (rc == OB_EINVALID)
		ob_fail(err, OB_EINVALID, "signature does not verify");
	return rc;
}

static int rdfc_matches(const json_t *proof)
{
	const char *t = ob_json_str(proof, "type"), *cs = ob_json_str(proof, "cryptosuite");

	/* "eddsa-2022" is the pre-REC name of the same algorithm (ob3.md 2) */
	return t && cs && !strcmp(t, "DataIntegrityProof") &&
	       (!strcmp(cs, "eddsa-rdfc-2022") || !strcmp(cs, "eddsa-2022"));
}

static ob_code rdfc_create(const json_t *doc, json_t *proof, const ob_key *key, ob_loader *loader,
			   ob_error *err)
{
	return create(doc, proof, key, loader, 0, err);
}

static ob_code rdfc_verify(const json_t *doc, const json_t *proof, const ob_key *key,
			   ob_loader *loader, ob_error *err)
{
	return verify(doc, proof, key, loader, 0, err);
}

static int ed2020_matches(const json_t *proof)
{
	const char *t = ob_json_str(proof, "type");

	return t && !strcmp(t, "Ed25519Signature2020");
}

static ob_code ed2020_create(const json_t *doc, json_t *proof, const ob_key *key,
			     ob_loader *loader, ob_error *err)
{
	return create(doc, proof, key, loader, 1, err);
}

static ob_code ed2020_verify(const json_t *doc, const json_t *proof, const ob_key *key,
			     ob_loader *loader, ob_error *err)
{
	return verify(doc, proof, key, loader, 1, err);
}

const ob_suite ob_suite_eddsa_rdfc_2022 = {
	.name = "eddsa-rdfc-2022",
	.proof_type = "DataIntegrityProof",
	.cryptosuite = "eddsa-rdfc-2022",
	.matches = rdfc_matches,
	.create = rdfc_create,
	.verify = rdfc_verify,
	.implemented = 1,
	.signs_rdf = 1,
};

const ob_suite ob_suite_ed25519_2020 = {
	.name = "Ed25519Signature2020",
	.proof_type = "Ed25519Signature2020",
	.context = CTX_ED2020,
	.matches = ed2020_matches,
	.create = ed2020_create,
	.verify = ed2020_verify,
	.implemented = 1,
	.signs_rdf = 1,
	.rdf_legacy = 1,
};
