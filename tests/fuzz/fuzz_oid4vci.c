/* fuzz target "oid4vci": what a wallet and ob-issuer serve read from a
 * stranger in OpenID4VCI (shared/vc/oid4vci.c). The first byte picks:
 *   0 an offer link (ob_oid4vci_offer_parse_link)
 *   1 an offer object (strict JSON, then ob_oid4vci_offer_check)
 *   2 a jwt key proof (ob_oid4vci_proof_check, aud https://i.example)
 *   3 a credential issuer identifier (ob_oid4vci_wellknown)
 * Property: a link that parses to a URI gives the same URI back after
 * ob_oid4vci_offer_link and a second parse. */
#include "base/json.h"
#include "fuzz.h"
#include "vc/oid4vci.h"

static void link_case(const char *s)
{
	ob_buf out = OB_BUF_INIT, again = OB_BUF_INIT, uri = OB_BUF_INIT;
	ob_error err = { 0 };
	int by_value = 0, by2 = 1;

	if (ob_oid4vci_offer_parse_link(s, &by_value, &out, &err) == OB_OK && !by_value &&
	    !memchr(out.data, '\0', out.len) && out.len < OB_OID4VCI_MAX_LINK / 4) {
		FUZZ_ASSERT(ob_oid4vci_offer_link(out.data, &again, &err) == OB_OK, "link made");
		FUZZ_ASSERT(ob_oid4vci_offer_parse_link(again.data, &by2, &uri, &err) == OB_OK, "link parses again");
		FUZZ_ASSERT(!by2 && uri.len == out.len && !memcmp(uri.data, out.data, out.len), "same URI back");
	}
	ob_buf_release(&out);
	ob_buf_release(&again);
	ob_buf_release(&uri);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_error err = { 0 };
	ob_buf b = OB_BUF_INIT;
	char *s;

	if (size < 1)
		return 0;
	if (!(s = fuzz_strndup(data + 1, size - 1)))
		return 0;
	switch (data[0] % 4) {
	case 0:
		link_case(s);
		break;
	case 1: {
		json_t *o = ob_json_parse((const char *)data + 1, size - 1, &err);
		const char *iss, *code;
		int tx;

		if (o)
			(void)ob_oid4vci_offer_check(o, &iss, &code, &tx, &err);
		json_decref(o);
		break;
	}
	case 2: {
		ob_oid4vci_proof pr;

		if (ob_oid4vci_proof_check((const char *)data + 1, size - 1, "https://i.example", FUZZ_NOW, &pr,
					   &err) == OB_OK) {
			FUZZ_ASSERT(pr.holder && !strncmp(pr.holder, "did:key:", 8), "holder is a did:key");
			ob_oid4vci_proof_release(&pr);
		}
		break;
	}
	default:
		(void)ob_oid4vci_wellknown(s, "openid-credential-issuer", &b, &err);
	}
	ob_buf_release(&b);
	free(s);
	return 0;
}
