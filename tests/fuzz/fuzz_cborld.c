/* fuzz target "cborld": compressed CBOR-LD as a stranger's QR code holds
 * it (shared/io/cborld.c, cborld_ctx.c, cborld_enc.c), with the shipped
 * contexts only. The first byte picks:
 *   0 the bytes after the tag d9 05 01 (ob_cborld_decode)
 *   1 a JSON document to compress (ob_cborld_encode)
 *   2 a VP1- payload (ob_vp1_decode, either form)
 * Property: a decoded document that compresses again and decodes back is
 * the same document (JCS form). That it decodes back at all is not one:
 * cborld 4.3.4's own decoder refuses some of what its encoder writes (a
 * type naming a term that carries a scoped context loads that context at
 * different points; tests/fuzz/regress/cborld/upstream-asymmetry, where
 * cborld's decode fails the same way), which is why
 * ob_vp1_encode_compressed checks that its payload decodes back. */
#include "base/json.h"
#include "canon/contexts.h"
#include "canon/jcs.h"
#include "fuzz.h"
#include "io/cborld.h"
#include "io/vp1.h"

static ob_loader *loader;

static void drop_loader(void)
{
	ob_loader_free(loader);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* the contexts are parsed once, not per input */
	loader = ob_contexts_loader_new();
	atexit(drop_loader);
	return 0;
}

static int same_jcs(const json_t *a, const json_t *b)
{
	ob_buf x = OB_BUF_INIT, y = OB_BUF_INIT;
	ob_error err = { 0 };
	int same = !ob_jcs_canonicalize(a, &x, &err) && !ob_jcs_canonicalize(b, &y, &err) && x.len == y.len &&
		   !memcmp(x.data, y.data, x.len);

	ob_buf_release(&x);
	ob_buf_release(&y);
	return same;
}

/* compresses doc; when that decodes back and want_same, to doc */
static void again(const json_t *doc, int want_same)
{
	ob_buf enc = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *back;

	if (ob_cborld_encode(doc, loader, &enc, &err) == OB_OK) {
		FUZZ_ASSERT(enc.len >= 3, "a tag and a map");
		back = ob_cborld_decode((const unsigned char *)enc.data + 3, enc.len - 3, loader, &err);
		if (back && want_same)
			FUZZ_ASSERT(same_jcs(doc, back), "decoded, compressed and decoded again: the same document");
		json_decref(back);
	}
	ob_buf_release(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_error err = { 0 };
	json_t *j;
	ob_buf out = OB_BUF_INIT;

	if (size < 1 || !loader)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if ((j = ob_cborld_decode(data + 1, size - 1, loader, &err))) {
			FUZZ_ASSERT(json_is_object(j), "a document is an object");
			again(j, 1);
		}
		json_decref(j);
		break;
	case 1:
		if ((j = ob_json_parse((const char *)data + 1, size - 1, &err)))
			again(j, 0);
		json_decref(j);
		break;
	default:
		(void)ob_vp1_decode((const char *)data + 1, size - 1, &out, &err);
		ob_buf_release(&out);
	}
	return 0;
}
