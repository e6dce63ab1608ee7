/* fuzz target "oid4vp_jar": a signed OpenID4VP request object (JAR, RFC
 * 9101) as a wallet reads it from a stranger (ob_oid4vp_request_check in
 * shared/vc/oid4vp.c): the header rules, the kid's DID URL, did:key
 * resolution, the signature, exp, then the claims. No loader: a did:web
 * verifier cannot be checked (OB_ENET), never passed. The first byte picks
 * the link's client_id:
 *   0 decentralized_identifier: the did:key of the key that signed
 *     corpus/oid4vp_jar/signed (so mutations start from a valid object)
 *   1 decentralized_identifier:did:web:v.example
 *   2 redirect_uri:https://v.example/oid4vp/response
 * Properties: an object taken from a DID client was signed by that DID
 * (the signer out names it) and carries the link's client_id; one taken
 * from a redirect_uri: client names no signer. */
#include "base/json.h"
#include "fuzz.h"
#include "vc/oid4vp.h"

#define KEY_DID "did:key:z6Mkj8BTVEjXgYG3gxVcpwmmLvDcoUxSACVjvJuoGQvmxWtD"

static const char *const cids[] = {
	OB_OID4VP_DID_PREFIX KEY_DID,
	OB_OID4VP_DID_PREFIX "did:web:v.example",
	"redirect_uri:https://v.example/oid4vp/response",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_error err = { 0 };
	ob_oid4vp_signer who = { 0 };
	const char *cid;
	json_t *r;

	if (size < 1)
		return 0;
	cid = cids[data[0] % 3];
	r = ob_oid4vp_request_check((const char *)data + 1, size - 1, cid, NULL, FUZZ_NOW, &who, &err);
	if (r) {
		FUZZ_ASSERT(!strcmp(ob_json_str(r, "client_id"), cid), "the link's client_id");
		if (data[0] % 3 == 2)
			FUZZ_ASSERT(!who.did && !who.kid, "no signer for redirect_uri:");
		else
			FUZZ_ASSERT(who.did && !strcmp(who.did, cid + strlen(OB_OID4VP_DID_PREFIX)) && who.kid &&
				    !strncmp(who.kid, who.did, strlen(who.did)), "signed by the client's DID");
		FUZZ_ASSERT(data[0] % 3 != 1, "a did:web key is never had without a loader");
	} else {
		FUZZ_ASSERT(err.code && !who.did && !who.kid, "a refusal says why and names no signer");
	}
	json_decref(r);
	ob_oid4vp_signer_release(&who);
	return 0;
}
