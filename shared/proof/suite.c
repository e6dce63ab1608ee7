#include "proof/suite.h"

#include <string.h>
#include <time.h>

#include "base/codec.h"
#include "base/dates.h"
#include "base/json.h"
#include "proof/suite_ecdsa_sd.h"

#define CTX_V1 "https://www.w3.org/2018/credentials/v1"
#define CTX_DI "https://w3id.org/security/data-integrity/v2"

extern const ob_suite ob_suite_ed25519_2018; /* suite_2018.c, verify only */

static const ob_suite *const suites[] = {
	&ob_suite_eddsa_jcs_2022,
	&ob_suite_eddsa_rdfc_2022,
	&ob_suite_ed25519_2020,
	&ob_suite_ecdsa_rdfc_2019,
	&ob_suite_ecdsa_jcs_2019,
	&ob_suite_ecdsa_sd, /* suite_ecdsa_sd.c */
	&ob_suite_ed25519_2018,
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

const ob_suite *ob_suite_for_proof(const json_t *proof)
{
	size_t i;

	for (i = 0; i < NSUITES; i++)
		if (suites[i]->matches(proof))
			return suites[i];
	return NULL;
}

const ob_suite *ob_suite_by_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < NSUITES; i++)
		if (strcmp(suites[i]->name, name) == 0)
			return suites[i];
	return NULL;
}

const char *ob_suite_names(void)
{
	return "eddsa-jcs-2022";
}

/* VC-DI 2.4.2: a VC 1.1 document signed with a DataIntegrityProof needs
 * the data-integrity context; the reference appends it (vc-di.md 3). */
static int add_di_context(json_t *doc)
{
	json_t *ctx = json_object_get(doc, "@context");

	if (!json_is_array(ctx) || !ob_json_has_value(json_array_get(ctx, 0), CTX_V1))
		return 0;
	if (ob_json_has_value(ctx, CTX_DI))
		return 0;
	return json_array_append_new(ctx, json_string(CTX_DI));
}

/* A suite that needs its own context appends it (Ed25519Signature2020). */
static int add_context(json_t *doc, const char *url)
{
	json_t *ctx = json_object_get(doc, "@context");

	if (ob_json_has_value(ctx, url))
		return 0;
	if (json_is_array(ctx))
		return json_array_append_new(ctx, json_string(url));
	if (ctx)
		return json_object_set_new(doc, "@context", json_pack("[O, s]", ctx, url));
	return json_object_set_new(doc, "@context", json_pack("[s]", url));
}

ob_code ob_proof_value_decode(const json_t *proof, unsigned char sig[64], ob_error *err)
{
	const char *pv = ob_json_str(proof, "proofValue");
	ob_buf b = OB_BUF_INIT;
	ob_error derr = { 0 };
	ob_code rc = OB_OK;

	if (!pv || pv[0] != 'z')
		return ob_fail(err, OB_EINVALID, "proofValue missing or not base58btc multibase");
	if (ob_multibase_decode(&b, pv, &derr))
		rc = ob_fail(err, OB_EINVALID, "proofValue does not decode: %s", derr.msg);
	else if (b.len != 64)
		rc = ob_fail(err, OB_EINVALID, "proofValue is %zu bytes, an Ed25519 signature is 64", b.len);
	else
		memcpy(sig, b.data, 64);
	ob_buf_release(&b);
	return rc;
}

ob_code ob_proof_value_set(json_t *proof, const unsigned char *sig, size_t len, ob_error *err)
{
	ob_buf pv = OB_BUF_INIT;
	ob_code rc = OB_OK;

	if (ob_multibase_encode(&pv, 'z', sig, len) < 0 ||
	    json_object_set_new(proof, "proofValue", json_string(pv.data)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	ob_buf_release(&pv);
	return rc;
}

ob_code ob_proof_add(json_t *doc, const ob_suite *suite, const ob_key *key,
		     const ob_proof_opts *opts, ob_error *err)
{
	json_t *proof = NULL, *unsecured = NULL, *existing;
	char now[32];
	ob_code rc;
	time_t t;

	if (!suite->implemented || !suite->create)
		return ob_fail(err, OB_EUNSUPPORTED, "suite not supported yet: %s", suite->name);
	if (!json_is_object(doc))
		return ob_fail(err, OB_EINVALID, "document to sign is not a JSON object");
	if (!opts->verification_method)
		return ob_fail(err, OB_EUSAGE, "no verification method to sign with");
	if (opts->created && ob_date_parse(opts->created, &t, NULL) < 0)
		return ob_fail(err, OB_EUSAGE, "invalid created time '%s'", opts->created);
	if (suite->cryptosuite && add_di_context(doc) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (suite->context && add_context(doc, suite->context) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	ob_date_format(time(NULL), now);
	/* member order as the reference writes it */
	proof = json_pack("{s:s, s:s, s:s}",
			  "type", suite->proof_type,
			  "created", opts->created ? opts->created : now,
			  "verificationMethod", opts->verification_method);
	if (!proof)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if ((suite->cryptosuite && json_object_set_new(proof, "cryptosuite", json_string(suite->cryptosuite))) ||
	    json_object_set_new(proof, "proofPurpose",
				json_string(opts->proof_purpose ? opts->proof_purpose : "assertionMethod"))) {
		json_decref(proof);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	if ((opts->challenge && json_object_set_new(proof, "challenge", json_string(opts->challenge))) ||
	    (opts->domain && json_object_set_new(proof, "domain", json_string(opts->domain)))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	/* the signature covers the document without any proof */
	unsecured = json_copy(doc);
	if (!unsecured) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	json_object_del(unsecured, "proof");
	if ((rc = suite->create(unsecured, proof, key, opts->loader, err)))
		goto out;
	existing = json_object_get(doc, "proof");
	if (json_is_array(existing))
		rc = json_array_append(existing, proof) ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
	else if (json_is_object(existing)) {
		json_t *set = json_pack("[O, O]", existing, proof);
		rc = !set || json_object_set_new(doc, "proof", set) ?
			ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
	} else
		rc = json_object_set(doc, "proof", proof) ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
out:
	json_decref(proof);
	json_decref(unsecured);
	return rc;
}

/* VC-DI 4.4: domain is a string or a set; with an expected domain the
 * sets must be equal. */
static int domain_matches(const json_t *d, const char *want)
{
	if (json_is_string(d))
		return strcmp(json_string_value(d), want) == 0;
	return json_is_array(d) && json_array_size(d) == 1 &&
	       json_is_string(json_array_get(d, 0)) &&
	       strcmp(json_string_value(json_array_get(d, 0)), want) == 0;
}

ob_code ob_proof_check_options(const json_t *proof, const char *expected_purpose,
			       const char *challenge, const char *domain, ob_error *err)
{
	const char *purpose;

	if (!json_is_object(proof))
		return ob_fail(err, OB_EINVALID, "proof is not an object");
	if (!ob_json_str(proof, "type"))
		return ob_fail(err, OB_EINVALID, "proof has no type");
	if (!ob_json_str(proof, "verificationMethod"))
		return ob_fail(err, OB_EINVALID, "proof has no verificationMethod");
	purpose = ob_json_str(proof, "proofPurpose");
	if (!purpose)
		return ob_fail(err, OB_EINVALID, "proof has no proofPurpose");
	if (expected_purpose && strcmp(purpose, expected_purpose) != 0)
		return ob_fail(err, OB_EINVALID, "proof purpose is '%s', expected '%s'",
			       purpose, expected_purpose);
	if (challenge) {
		const char *c = ob_json_str(proof, "challenge");
		if (!c)
			return ob_fail(err, OB_EINVALID, "proof has no challenge, expected '%s'", challenge);
		if (strcmp(c, challenge) != 0)
			return ob_fail(err, OB_EINVALID, "challenge '%s' does not match the expected '%s'",
				       c, challenge);
	}
	if (domain) {
		const json_t *d = json_object_get(proof, "domain");
		if (!d)
			return ob_fail(err, OB_EINVALID, "proof has no domain, expected '%s'", domain);
		if (!domain_matches(d, domain))
			return ob_fail(err, OB_EINVALID, "proof domain does not match the expected '%s'", domain);
	}
	return OB_OK;
}
