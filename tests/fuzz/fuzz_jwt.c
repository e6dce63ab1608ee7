/* fuzz target "jwt": VC-JWT decoding (ob_jwt_decode), the key a JWT
 * names (its kid through ob_did_resolve with no loader, or its jwk
 * header), the signature check and the OB 3.0 8.2.4 claims check, at a
 * fixed time. */
#include <time.h>

#include "proof/did.h"
#include "fuzz.h"
#include "proof/jwt.h"
#include "proof/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_jwt jwt;
	ob_error err = { 0 }, e = { 0 };
	ob_key *key = NULL;
	ob_vm vm;
	int have_vm = 0;

	(void)ob_jwt_sniff((const char *)data, size);
	if (ob_jwt_decode((const char *)data, size, &jwt, &err) != OB_OK)
		return 0;
	if (jwt.kid && ob_did_resolve(jwt.kid, "assertionMethod", NULL, &vm, &e) == OB_OK)
		have_vm = 1;
	else if (jwt.jwk)
		key = ob_key_from_jwk(jwt.jwk, &e);
	if (have_vm || key) {
		ob_error se = { 0 };

		if (ob_jwt_verify_signature(&jwt, have_vm ? vm.key : key, &se) == OB_OK)
			(void)0; /* a mutated token that still verifies: fine, claims next */
	}
	{
		ob_error ce = { 0 };

		if (ob_jwt_check_claims(&jwt, FUZZ_NOW, &ce) == OB_OK)
			(void)0;
	}
	if (have_vm) {
		(void)ob_vm_bound_to(&vm, json_string_value(json_object_get(jwt.payload, "iss")));
		ob_vm_release(&vm);
	}
	ob_key_free(key);
	ob_jwt_release(&jwt);
	return 0;
}
