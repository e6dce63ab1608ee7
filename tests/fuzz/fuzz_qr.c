/* fuzz target "qr": what a scanned code or a pasted text turns into.
 * ob_qr_payload_decode on the bytes (the "VC1-" + Base45(zlib) offline
 * form), then ob_source_unwrap, which peels baked images, QR codes in
 * PNG/JPEG (zbar), VC1- payloads and links, with a loader that has no
 * network. Property: what ob_qr_payload_encode makes of decoded text
 * decodes again. */
#include "fuzz.h"
#include "io/loader.h"
#include "io/qr.h"
#include "io/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	ob_buf text = OB_BUF_INIT, enc = OB_BUF_INIT, back = OB_BUF_INIT, un = OB_BUF_INIT;
	ob_error err = { 0 }, e2 = { 0 };
	ob_loader *l = ob_loader_new();
	const char *how = NULL;

	if (ob_qr_payload_decode(d, size, &text, &err) == OB_OK &&
	    ob_qr_payload_encode(text.data ? text.data : "", text.len, &enc, &e2) == OB_OK) {
		ob_error e3 = { 0 };
		ob_code rc = ob_qr_payload_decode(enc.data, enc.len, &back, &e3);

		/* the inflate budget may still refuse a very large document */
		FUZZ_ASSERT(rc == OB_OK || rc == OB_ELIMIT, "ob_qr_payload_encode output does not decode");
	}
	if (l) {
		ob_error e4 = { 0 };

		ob_source_unwrap(d, size, l, &un, &how, &e4);
		ob_loader_free(l);
	}
	ob_buf_release(&text);
	ob_buf_release(&enc);
	ob_buf_release(&back);
	ob_buf_release(&un);
	return 0;
}
