#include "vc/issue.h"

#include <string.h>

#include "canon/jcs.h"
#include "proof/jwt.h"
#include "proof/suite.h"

const char *ob_issue_suites(void)
{
	return ob_suite_eddsa_rdfc_2022.implemented ?
	       "eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020, vc-jwt" : "eddsa-jcs-2022, vc-jwt";
}

const char *ob_issue_default_suite(void)
{
	return ob_suite_eddsa_rdfc_2022.implemented ? "eddsa-rdfc-2022" : "eddsa-jcs-2022";
}

int ob_issue_suite_known(const char *name)
{
	const ob_suite *s = ob_suite_by_name(name);

	return !strcmp(name, "vc-jwt") || (s && s->implemented);
}

ob_code ob_issue_sign(json_t *doc, const ob_key *key, const ob_sign_opts *opts,
		      ob_buf *out, ob_error *err)
{
	const char *suite_name = opts->suite ? opts->suite : ob_issue_default_suite();
	ob_buf vm = OB_BUF_INIT, did = OB_BUF_INIT;
	const char *vmid = opts->verification_method;
	ob_code rc = OB_OK;

	if (!json_is_object(doc))
		return ob_fail(err, OB_EINVALID, "the document to sign is not a JSON object");
	if (!ob_key_has_private(key))
		return ob_fail(err, OB_EUSAGE, "the key file holds no private key");
	/* a VC-JWT by a key with no did:key form (RSA) and no method named
	 * carries the public key in its jwk header: it verifies, but nothing
	 * ties it to the issuer until a verifier is given the key */
	if (!vmid && !(!strcmp(suite_name, "vc-jwt") && ob_key_get_type(key) == OB_KEY_RSA)) {
		if ((rc = ob_key_did(key, &did, &vm, err)))
			goto out;
		vmid = vm.data;
	}
	if (!strcmp(suite_name, "vc-jwt")) {
		if ((rc = ob_jwt_sign(doc, key, vmid, out, err)))
			goto out;
		ob_buf_addc(out, '\n');
	} else {
		const ob_suite *s = ob_suite_by_name(suite_name);
		ob_proof_opts po = {
			.verification_method = vmid,
			.proof_purpose = opts->proof_purpose,
			.created = opts->created,
			.challenge = opts->challenge,
			.domain = opts->domain,
		};
		if (!s) {
			rc = ob_fail(err, OB_EUSAGE, "unknown suite '%s' (choose from %s)", suite_name,
				     ob_issue_suites());
			goto out;
		}
		if ((rc = ob_proof_add(doc, s, key, &po, err)))
			goto out;
		if (ob_json_write(out, doc, OB_JSON_PRETTY) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "cannot serialize the signed document");
			goto out;
		}
		ob_buf_addc(out, '\n');
	}
	if (out->oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	ob_buf_release(&vm);
	ob_buf_release(&did);
	return rc;
}
