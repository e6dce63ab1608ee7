#include "vc/issue.h"

#include <string.h>

#include "base/json.h"
#include "canon/jcs.h"
#include "proof/jwt.h"
#include "proof/suite.h"

/* $defs.Achievement.achievementType of the OB 3.0 JSON Schema, in its order */
static const char *const achievement_types[] = {
	"Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
	"Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
	"CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma",
	"DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate",
	"LearningProgram", "License", "Membership", "ProfessionalDoctorate",
	"QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential",
	"ResearchDoctorate", "SecondarySchoolDiploma",
};

static int alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int ob_issue_achievement_type_ok(const char *type)
{
	const char *p;
	size_t i;

	if (!type)
		return 0;
	/* the schema's other branch is the pattern (ext:)[a-z|A-Z|0-9|.|-|_]+,
	 * unanchored, so it would take "Fooext:x" too; held to what it means
	 * (ob3.md 1: "ext:" + name), the whole value */
	if (!strncmp(type, "ext:", 4)) {
		if (!alnum(type[4]))
			return 0;
		for (p = type + 5; *p; p++)
			if (!alnum(*p) && *p != '.' && *p != '-' && *p != '_')
				return 0;
		return 1;
	}
	for (i = 0; i < sizeof(achievement_types) / sizeof(*achievement_types); i++)
		if (!strcmp(type, achievement_types[i]))
			return 1;
	return 0;
}

/* Every credentialSubject's achievement.achievementType, when present,
 * must be one the schema accepts: refused here, before anything is
 * signed, for catalog entries added before `achievement add` checked. */
static ob_code check_achievement_types(const json_t *doc, ob_error *err)
{
	const json_t *subj = json_object_get(doc, "credentialSubject"), *s, *t;
	size_t i, n = json_is_array(subj) ? json_array_size(subj) : 1;

	for (i = 0; i < n; i++) {
		s = json_is_array(subj) ? json_array_get(subj, i) : subj;
		t = json_object_get(json_object_get(s, "achievement"), "achievementType");
		if (t && !ob_issue_achievement_type_ok(json_string_value(t)))
			return ob_fail(err, OB_EINVALID,
				       "achievementType '%s' is not an OB 3.0 achievement type "
				       "(Badge, Certificate, Course, ... or ext:NAME)",
				       json_is_string(t) ? json_string_value(t) : "(not a string)");
	}
	return OB_OK;
}

/* The form of the 1EdTech OB 3.0 JSON Schema
 * (ob_v3p0_achievementcredential_schema.json, what credentialSchema names
 * and 1EdTech's validator checks), for what opts->schema_form signs:
 *
 * - credentialStatus is $defs.CredentialStatus, an object: the data
 *   model's CredentialStatus [0..1]. A single entry held in an array
 *   becomes the entry. The issuer makes one entry even with --suspension
 *   (statusPurpose "message", statusSize 2: valid, revoked, suspended;
 *   issuer/state.c; before, it made a revocation and suspension pair).
 *   Several entries have no form the schema takes and stay an array:
 *   dropping one would silently break revoke or suspend.
 * - proof is an array even of one (the schema's type array; 1EdTech's
 *   own VC 2.0 samples do the same). The spec's compacted form allows a
 *   single object and verifiers take both; a proof is outside what it
 *   signs, so the form changes no signature.
 *
 * Sets *made when it added an empty proof array for the new proof. */
static ob_code schema_form(json_t *doc, int embedded, int *made, ob_error *err)
{
	json_t *st = json_object_get(doc, "credentialStatus"), *proof;
	ob_code rc;

	*made = 0;
	if ((rc = check_achievement_types(doc, err)))
		return rc;
	if (json_is_array(st) && json_array_size(st) == 1 &&
	    json_object_set(doc, "credentialStatus", json_array_get(st, 0)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!embedded)
		return OB_OK;
	/* ob_proof_add appends to an array */
	proof = json_object_get(doc, "proof");
	if (!proof) {
		if (json_object_set_new(doc, "proof", json_array()))
			return ob_fail(err, OB_ENOMEM, "out of memory");
		*made = 1;
	} else if (json_is_object(proof) && json_object_set_new(doc, "proof", json_pack("[O]", proof)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

const char *ob_issue_suites(void)
{
	return ob_suite_eddsa_rdfc_2022.implemented ?
	       "eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020, ecdsa-rdfc-2019, ecdsa-jcs-2019, ecdsa-sd-2023, vc-jwt" :
	       "eddsa-jcs-2022, vc-jwt";
}

const char *ob_issue_default_suite(const ob_key *key)
{
	/* a P-256 / P-384 key has no eddsa proof: its Data Integrity suite is
	 * ecdsa-rdfc-2019 (a did:key issuer's status lists too) */
	if (key && (ob_key_get_type(key) == OB_KEY_P256 || ob_key_get_type(key) == OB_KEY_P384))
		return "ecdsa-rdfc-2019";
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
	const char *suite_name = opts->suite ? opts->suite : ob_issue_default_suite(key);
	ob_buf vm = OB_BUF_INIT, did = OB_BUF_INIT;
	const char *vmid = opts->verification_method;
	int made = 0;
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
	if (opts->schema_form && (rc = schema_form(doc, strcmp(suite_name, "vc-jwt") != 0, &made, err)))
		goto out;
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
	/* a failed signature leaves no empty proof array behind */
	if (rc && made && !json_array_size(json_object_get(doc, "proof")))
		json_object_del(doc, "proof");
	ob_buf_release(&vm);
	ob_buf_release(&did);
	return rc;
}
