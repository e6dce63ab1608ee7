/* ecdsa-rdfc-2019 and ecdsa-jcs-2019 (Data Integrity ECDSA Cryptosuites
 * v1.0, "ecdsa-rdfc-2019" and "ecdsa-jcs-2019"; ../shared/spec/ecdsa.md 2).
 * The curve of the key decides the hash everywhere (ecdsa.md 1.3): P-256
 * SHA-256, P-384 SHA-384, for the document, the proof configuration, the
 * blank-node labels inside RDFC-1.0 and the ECDSA step itself, which
 * signs hashData = H(proof configuration) || H(document) as ES256/ES384
 * do (IEEE P1363 r || s, multibase base58btc). */
#include "proof/suite.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "base/codec.h"
#include "base/hash.h"
#include "base/json.h"
#include "canon/contexts.h"
#include "canon/jcs.h"
#include "proof/keys.h"

#define CS_RDFC "ecdsa-rdfc-2019"
#define CS_JCS "ecdsa-jcs-2019"

static int is_ecdsa_key(const ob_key *key)
{
	ob_key_type t = ob_key_get_type(key);

	return t == OB_KEY_P256 || t == OB_KEY_P384;
}

/* H of the curve: SHA-256 (32 bytes) or SHA-384 (48). Returns its size. */
static size_t hash_bytes(int sha384, const ob_buf *b, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)(b->data ? b->data : "");

	if (sha384) {
		SHA384(p, b->len, out);
		return 48;
	}
	ob_sha256(p, b->len, out);
	return 32;
}

/* The last ecdsa-rdfc-2019 proof configuration this thread canonicalized:
 * a batch signs many credentials with the same options (key, purpose,
 * created to the second), so its RDFC-1.0 form is made once. Kept in
 * fixed thread-local arrays (no heap, so nothing to free when a thread
 * ends); a configuration too large for them is not remembered, nor one
 * whose contexts do not all ship with obkit (its meaning could then
 * depend on the caller's loader). */
#define MEMO_KEY_MAX 2048
#define MEMO_CANON_MAX 4096
static _Thread_local char memo_key[MEMO_KEY_MAX];
static _Thread_local char memo_canon[MEMO_CANON_MAX];
static _Thread_local size_t memo_canon_len;

/* RDFC-1.0 of a proof configuration into out, through the memo. */
static ob_code config_canon(const json_t *config, ob_loader *loader, int sha384, ob_buf *out,
			    ob_error *err)
{
	ob_buf key = OB_BUF_INIT;
	int memo = 0;
	ob_code rc;

	/* the curve's hash is part of the key: it labels blank nodes */
	if (ob_contexts_all_shipped(json_object_get(config, "@context")) &&
	    ob_buf_addc(&key, sha384 ? '4' : '2') == 0 &&
	    ob_json_write(&key, config, OB_JSON_SORTED) == 0 && key.len < MEMO_KEY_MAX) {
		memo = 1;
		if (memcmp(memo_key, key.data, key.len + 1) == 0) {
			ob_buf_release(&key);
			if (ob_buf_add(out, memo_canon, memo_canon_len) < 0)
				return ob_fail(err, OB_ENOMEM, "out of memory");
			return OB_OK;
		}
	}
	rc = ob_rdfc_canonize_json(config, loader, 0, sha384, out, err);
	if (!rc && memo && out->len < MEMO_CANON_MAX) {
		memcpy(memo_canon, out->data, out->len);
		memo_canon_len = out->len;
		memcpy(memo_key, key.data, key.len + 1);
	}
	ob_buf_release(&key);
	return rc;
}

void ob_ecdsa_steps_release(ob_ecdsa_steps *st)
{
	if (!st)
		return;
	ob_buf_release(&st->doc);
	ob_buf_release(&st->config);
	memset(st, 0, sizeof(*st));
}

ob_code ob_ecdsa_steps_make(const ob_suite *suite, const json_t *doc, const json_t *proof,
			    ob_key_type curve, ob_loader *loader, ob_ecdsa_steps *st, ob_error *err)
{
	int sha384 = curve == OB_KEY_P384, jcs;
	json_t *config = NULL;
	ob_code rc;
	size_t n;

	memset(st, 0, sizeof(*st));
	if (curve != OB_KEY_P256 && curve != OB_KEY_P384)
		return ob_fail(err, OB_EUSAGE, "ECDSA suites need a P-256 or P-384 key");
	jcs = suite == &ob_suite_ecdsa_jcs_2019;
	if (!jcs && suite != &ob_suite_ecdsa_rdfc_2019)
		return ob_fail(err, OB_EUSAGE, "not an ECDSA suite");
	if (jcs) {
		/* ecdsa-jcs-2019: the proof options as they are (the proof
		 * carries its own @context), less the proofValue */
		if ((config = json_copy((json_t *)proof)))
			json_object_del(config, "proofValue");
	} else {
		/* ecdsa-rdfc-2019 Proof Configuration: @context = the document's */
		config = ob_proof_config(doc, proof);
	}
	if (!config)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (jcs) {
		rc = ob_jcs_canonicalize(config, &st->config, err);
		if (!rc)
			rc = ob_jcs_canonicalize(doc, &st->doc, err);
	} else {
		/* RDFC-1.0 with the curve's hash (ecdsa.md 1.3, 2.6-2.7) */
		rc = config_canon(config, loader, sha384, &st->config, err);
		if (!rc) {
			ob_buf_grow(&st->doc, 16384);
			rc = ob_rdfc_canonize_json(doc, loader, 0, sha384, &st->doc, err);
		}
	}
	json_decref(config);
	if (rc) {
		ob_ecdsa_steps_release(st);
		return rc;
	}
	/* Hashing: proof hash first (ecdsa.md 2.4) */
	n = hash_bytes(sha384, &st->config, st->hash);
	st->hash_len = n + hash_bytes(sha384, &st->doc, st->hash + n);
	return OB_OK;
}

static ob_code create(const ob_suite *suite, const json_t *doc, json_t *proof, const ob_key *key,
		      ob_loader *loader, ob_error *err)
{
	unsigned char sig[OB_SIG_MAX];
	ob_ecdsa_steps st;
	size_t siglen;
	ob_code rc;

	if (!is_ecdsa_key(key))
		return ob_fail(err, OB_EUSAGE, "%s needs a P-256 or P-384 key", suite->name);
	if ((rc = ob_ecdsa_steps_make(suite, doc, proof, ob_key_get_type(key), loader, &st, err)))
		return rc;
	rc = ob_key_sign(key, st.hash, st.hash_len, sig, &siglen, err);
	ob_ecdsa_steps_release(&st);
	return rc ? rc : ob_proof_value_set(proof, sig, siglen, err);
}

/* proofValue: "z" + base58btc of r || s, 64 bytes (P-256) or 96 (P-384). */
static ob_code decode_sig(const json_t *proof, const ob_key *key, ob_buf *sig, ob_error *err)
{
	const char *pv = ob_json_str(proof, "proofValue");
	size_t want = ob_key_get_type(key) == OB_KEY_P384 ? 96 : 64;
	ob_error derr = { 0 };

	if (!pv || pv[0] != 'z')
		return ob_fail(err, OB_EINVALID, "proofValue missing or not base58btc multibase");
	if (strlen(pv) > 256 || ob_multibase_decode(sig, pv, &derr))
		return ob_fail(err, OB_EINVALID, "proofValue does not decode%s%s",
			       derr.msg[0] ? ": " : "", derr.msg);
	if (sig->len != want)
		return ob_fail(err, OB_EINVALID, "proofValue is %zu bytes, a %s signature is %zu",
			       sig->len, ob_key_type_name(ob_key_get_type(key)), want);
	return OB_OK;
}

static ob_code verify_hash(const ob_suite *suite, const json_t *doc, const json_t *proof,
			   const ob_key *key, ob_loader *loader, ob_error *err)
{
	ob_buf sig = OB_BUF_INIT;
	ob_ecdsa_steps st = { 0 };
	ob_code rc;

	if (!is_ecdsa_key(key))
		return ob_fail(err, OB_EINVALID, "%s needs a P-256 or P-384 key, the key is %s",
			       suite->name, ob_key_type_name(ob_key_get_type(key)));
	if ((rc = decode_sig(proof, key, &sig, err)))
		goto out;
	if ((rc = ob_ecdsa_steps_make(suite, doc, proof, ob_key_get_type(key), loader, &st, err)))
		goto out;
	rc = ob_key_verify(key, st.hash, st.hash_len, (const unsigned char *)sig.data, sig.len, err);
	if (rc == OB_EINVALID)
		ob_fail(err, OB_EINVALID, "signature does not verify");
out:
	ob_ecdsa_steps_release(&st);
	ob_buf_release(&sig);
	return rc;
}

static int matches(const json_t *proof, const char *cryptosuite)
{
	const char *t = ob_json_str(proof, "type"), *cs = ob_json_str(proof, "cryptosuite");

	return t && cs && !strcmp(t, "DataIntegrityProof") && !strcmp(cs, cryptosuite);
}

/* ---- ecdsa-rdfc-2019 ---- */

static int rdfc_matches(const json_t *proof)
{
	return matches(proof, CS_RDFC);
}

static ob_code rdfc_create(const json_t *doc, json_t *proof, const ob_key *key, ob_loader *loader,
			   ob_error *err)
{
	return create(&ob_suite_ecdsa_rdfc_2019, doc, proof, key, loader, err);
}

static ob_code rdfc_verify(const json_t *doc, const json_t *proof, const ob_key *key,
			   ob_loader *loader, ob_error *err)
{
	return verify_hash(&ob_suite_ecdsa_rdfc_2019, doc, proof, key, loader, err);
}

/* ---- ecdsa-jcs-2019 ---- */

static int jcs_matches(const json_t *proof)
{
	return matches(proof, CS_JCS);
}

static ob_code jcs_create(const json_t *doc, json_t *proof, const ob_key *key, ob_loader *loader,
			  ob_error *err)
{
	json_t *ctx = json_object_get(doc, "@context");

	/* ecdsa.md 2.10: the proof carries the document's @context */
	if (is_ecdsa_key(key) && ctx && json_object_set(proof, "@context", ctx))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return create(&ob_suite_ecdsa_jcs_2019, doc, proof, key, loader, err);
}

/* ecdsa.md 2.11: the document's @context must start with the proof's
 * entries, in order (compared by value, as suite_jcs.c does). */
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
	const json_t *pctx = json_object_get(proof, "@context");
	json_t *unsecured;
	ob_code rc;

	if (!pctx)
		return verify_hash(&ob_suite_ecdsa_jcs_2019, doc, proof, key, loader, err);
	if (!context_prefix(json_object_get(doc, "@context"), pctx))
		return ob_fail(err, OB_EINVALID, "document @context does not start with the proof's @context");
	if (!(unsecured = json_copy((json_t *)doc)) ||
	    json_object_set(unsecured, "@context", (json_t *)pctx)) {
		json_decref(unsecured);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	rc = verify_hash(&ob_suite_ecdsa_jcs_2019, unsecured, proof, key, loader, err);
	json_decref(unsecured);
	return rc;
}

const ob_suite ob_suite_ecdsa_rdfc_2019 = {
	.name = CS_RDFC,
	.proof_type = "DataIntegrityProof",
	.cryptosuite = CS_RDFC,
	.matches = rdfc_matches,
	.create = rdfc_create,
	.verify = rdfc_verify,
	.implemented = 1,
	.signs_rdf = 1,
};

const ob_suite ob_suite_ecdsa_jcs_2019 = {
	.name = CS_JCS,
	.proof_type = "DataIntegrityProof",
	.cryptosuite = CS_JCS,
	.matches = jcs_matches,
	.create = jcs_create,
	.verify = jcs_verify,
	.implemented = 1,
};
