/* eddsa-rdfc-2022 and Ed25519Signature2020: recognised so a verifier can
 * say "not checked: suite not supported" instead of guessing; both need
 * JSON-LD -> RDF -> RDFC-1.0 canonicalization, which comes in a later
 * change. */
#include "suite.h"

#include <string.h>

#include "json.h"

static int rdfc_matches(const json_t *proof)
{
	const char *t = ob_json_str(proof, "type"), *cs = ob_json_str(proof, "cryptosuite");

	return t && cs && !strcmp(t, "DataIntegrityProof") &&
	       (!strcmp(cs, "eddsa-rdfc-2022") || !strcmp(cs, "eddsa-2022"));
}

static int ed2020_matches(const json_t *proof)
{
	const char *t = ob_json_str(proof, "type");

	return t && !strcmp(t, "Ed25519Signature2020");
}

const ob_suite ob_suite_eddsa_rdfc_2022 = {
	.name = "eddsa-rdfc-2022",
	.matches = rdfc_matches,
	.implemented = 0,
};

const ob_suite ob_suite_ed25519_2020 = {
	.name = "Ed25519Signature2020",
	.matches = ed2020_matches,
	.implemented = 0,
};
