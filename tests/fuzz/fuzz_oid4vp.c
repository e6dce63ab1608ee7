/* fuzz target "oid4vp": what a wallet and ob-verifier read from a stranger
 * in OpenID4VP and in DCC QR codes (shared/vc/oid4vp.c, shared/io/vp1.c).
 * The first byte picks:
 *   0 a wallet link (ob_oid4vp_parse_link, and ob_oid4vp_link_params for
 *     one by value)
 *   1 a request object (ob_oid4vp_request_read against a fixed client_id)
 *   2 a VP1- payload (ob_vp1_decode)
 *   3 a credential view and its DCQL match (ob_oid4vp_vc_view,
 *     ob_oid4vp_match)
 *   4 a direct_post body (ob_oid4vp_form_get of vp_token and state)
 * Properties: a VP1- payload that decodes encodes again to one that
 * decodes to the same JSON; a link that parses by reference gives the same
 * client_id and request_uri back after ob_oid4vp_link. */
#include "base/json.h"
#include "fuzz.h"
#include "io/vp1.h"
#include "vc/oid4vp.h"

#define CID "redirect_uri:https://v.example/oid4vp/response"

static void link_case(const char *s)
{
	ob_error err = { 0 };
	char *cid = NULL, *uri = NULL, *cid2 = NULL, *uri2 = NULL;
	ob_buf again = OB_BUF_INIT;

	if (ob_oid4vp_parse_link(s, &cid, &uri, &err) == OB_OK) {
		if (uri) {
			FUZZ_ASSERT(ob_oid4vp_link(cid, uri, &again, &err) == OB_OK, "link made");
			FUZZ_ASSERT(ob_oid4vp_parse_link(again.data, &cid2, &uri2, &err) == OB_OK ||
				    err.code == OB_ELIMIT, "link parses again");
			if (cid2)
				FUZZ_ASSERT(!strcmp(cid, cid2) && uri2 && !strcmp(uri, uri2), "same link back");
		} else {
			json_t *p = ob_oid4vp_link_params(s, &err);

			json_decref(p);
		}
	}
	free(cid);
	free(uri);
	free(cid2);
	free(uri2);
	ob_buf_release(&again);
}

static void vp1_case(const char *s, size_t n)
{
	ob_error err = { 0 };
	ob_buf out = OB_BUF_INIT, enc = OB_BUF_INIT, out2 = OB_BUF_INIT;

	if (ob_vp1_decode(s, n, &out, &err) == OB_OK) {
		FUZZ_ASSERT(ob_vp1_encode(out.data, out.len, &enc, &err) == OB_OK || err.code == OB_EPARSE,
			    "decoded JSON encodes");
		if (!err.code) {
			FUZZ_ASSERT(ob_vp1_decode(enc.data, enc.len, &out2, &err) == OB_OK || err.code == OB_ELIMIT,
				    "encoded payload decodes");
			if (!err.code)
				FUZZ_ASSERT(out2.len == out.len && !memcmp(out2.data, out.data, out.len), "same JSON back");
		}
	}
	ob_buf_release(&out);
	ob_buf_release(&enc);
	ob_buf_release(&out2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_error err = { 0 };
	const char *d = (const char *)data + 1;
	char *s;

	if (size < 1)
		return 0;
	if (!(s = fuzz_strndup(data + 1, size - 1)))
		return 0;
	switch (data[0] % 5) {
	case 0:
		link_case(s);
		break;
	case 1: {
		json_t *r = ob_oid4vp_request_read(d, size - 1, CID, &err);
		const char *a, *i;

		if (r)
			(void)ob_oid4vp_dcql_wants(json_object_get(r, "dcql_query"), &a, &i);
		json_decref(r);
		break;
	}
	case 2:
		vp1_case(d, size - 1);
		break;
	case 3: {
		json_t *vc = ob_oid4vp_vc_view(d, size - 1);
		char why[128];

		if (vc)
			(void)ob_oid4vp_match(vc, "https://e.example/a/1", "did:key:z6Mk", why, sizeof(why));
		json_decref(vc);
		break;
	}
	default: {
		ob_buf v = OB_BUF_INIT;

		(void)ob_oid4vp_form_get(d, size - 1, "vp_token", &v, &err);
		ob_error_clear(&err);
		(void)ob_oid4vp_form_get(d, size - 1, "state", &v, &err);
		ob_buf_release(&v);
	}
	}
	free(s);
	return 0;
}
