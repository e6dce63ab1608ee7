/* fuzz target "bake": baked badge images (bake.h). Sniffs and extracts
 * from a PNG or SVG; then bakes a credential into the same image and
 * checks the property the format promises: extracting from what ob_bake
 * made gives back exactly the credential baked (one chunk or element,
 * replaced, never duplicated). */
#include "io/bake.h"
#include "fuzz.h"

static const char cred[] = "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
			   "\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],"
			   "\"name\":\"<fuzz> & ]]> \\\"x\\\"\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	ob_image_kind kind = ob_bake_sniff(d, size);
	ob_buf out = OB_BUF_INIT, baked = OB_BUF_INIT, again = OB_BUF_INIT;
	ob_error err = { 0 }, e2 = { 0 };

	ob_bake_extract(d, size, &out, &err);
	if (kind != OB_IMAGE_NONE && ob_bake(d, size, cred, sizeof(cred) - 1, &baked, &e2) == OB_OK) {
		ob_error e3 = { 0 };
		ob_code rc;

		FUZZ_ASSERT(ob_bake_sniff(baked.data, baked.len) == kind,
			    "a baked image is no longer sniffed as the same kind");
		rc = ob_bake_extract(baked.data, baked.len, &again, &e3);
		/* a budget may still stop a huge image; any other refusal, or
		 * other text, breaks the round trip */
		if (rc != OB_ELIMIT) {
			if (rc != OB_OK)
				fprintf(stderr, "extract after bake: %s\n", e3.msg);
			FUZZ_ASSERT(rc == OB_OK, "cannot extract what ob_bake baked");
			FUZZ_ASSERT(again.len == sizeof(cred) - 1 && !memcmp(again.data, cred, again.len),
				    "extracted text differs from the credential baked");
		}
	}
	ob_buf_release(&out);
	ob_buf_release(&baked);
	ob_buf_release(&again);
	return 0;
}
