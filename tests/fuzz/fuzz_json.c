/* fuzz target "json": the strict JSON reader (json.h) and our one writer
 * (jcs.h). Properties: what ob_json_parse accepts, ob_json_write writes,
 * and that text parses again to an equal document; the JCS form of both
 * is the same bytes. */
#include "fuzz.h"
#include "canon/jcs.h"
#include "base/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_error err = { 0 }, err2 = { 0 };
	json_t *doc = ob_json_parse((const char *)data, size, &err), *again = NULL;
	ob_buf out = OB_BUF_INIT, c1 = OB_BUF_INIT, c2 = OB_BUF_INIT;

	if (!doc)
		return 0;
	(void)ob_json_str(doc, "id");
	(void)ob_json_has_value(json_object_get(doc, "type"), "VerifiableCredential");
	/* the depth and value budgets keep what parsed writable */
	if (ob_json_write(&out, doc, OB_JSON_PRETTY) == 0) {
		again = ob_json_parse(out.data, out.len, &err2);
		FUZZ_ASSERT(again != NULL, "ob_json_write output does not parse again");
		FUZZ_ASSERT(json_equal(doc, again), "JSON round trip changed the document");
		FUZZ_ASSERT(ob_jcs_canonicalize(doc, &c1, &err2) == OB_OK &&
			    ob_jcs_canonicalize(again, &c2, &err2) == OB_OK,
			    "JCS refused a parsed document");
		FUZZ_ASSERT(c1.len == c2.len && !memcmp(c1.data, c2.data, c1.len),
			    "JCS form changed over a round trip");
	}
	json_decref(again);
	json_decref(doc);
	ob_buf_release(&out);
	ob_buf_release(&c1);
	ob_buf_release(&c2);
	return 0;
}
