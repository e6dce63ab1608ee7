/* fuzz target "certificate": ob_certificate_render_json on a report whose
 * fields come from the input. The first byte picks what the rest is: 'P'
 * the bytes of the badge image (sent as a data:image/png;base64 URI:
 * the IHDR budget, then cairo's and libpng's reader), anything else text
 * for every field the page draws and wraps (learner, achievement,
 * description, issuer, dates, a CLR's items). The page goes to a PDF in
 * $TMPDIR, removed after. */
#include <unistd.h>

#include "fuzz.h"
#include "base/codec.h"
#include "cli/certificate.h"

static json_t *report(const char *text, const char *image)
{
	json_t *sum = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "learner", text,
				"achievement", text, "description", text, "issuer", text, "issuerName",
				text, "validFrom", text, "validUntil", text, "id", text);
	json_t *r = json_pack("{s:b, s:s, s:s, s:s, s:s}", "verified", text[0] & 1, "kind",
			      text[0] & 2 ? "clr" : "credential", "headline", text,
			      "issuerIdentity", text[0] & 4 ? "domain" : "self-asserted",
			      "issuerIdentityBasis", text);

	if (!sum || !r) {
		json_decref(sum);
		json_decref(r);
		return NULL;
	}
	if (image)
		json_object_set_new(sum, "image", json_string(image));
	json_object_set_new(r, "summary", sum);
	if (text[0] & 2)
		json_object_set_new(r, "credentials", json_pack("[{s:s, s:{s:s}}, {s:s}]", "verdict",
				    text, "summary", "achievement", text, "verdict", "valid"));
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ob_cert_opts o = { OB_CERT_A4, OB_CERT_PDF, NULL, 1 };
	ob_buf uri = OB_BUF_INIT, b64 = OB_BUF_INIT;
	char path[] = "/tmp/fuzz-certificate-XXXXXX";
	ob_error err = { 0 };
	json_t *rep = NULL;
	char *text = NULL;
	const char *dir = getenv("TMPDIR");
	char tpl[512];
	int fd;

	if (size < 1 || size > (1u << 20))
		return 0;
	snprintf(tpl, sizeof(tpl), "%s/fuzz-certificate-XXXXXX", dir && *dir ? dir : "/tmp");
	if (strlen(tpl) < sizeof(path))
		memcpy(path, tpl, strlen(tpl) + 1);
	if ((fd = mkstemp(path)) < 0)
		return 0;
	close(fd);
	if (data[0] == 'P') {
		/* standard base64, as a credential carries it */
		ob_base64url_encode(&b64, data + 1, size - 1);
		ob_buf_adds(&uri, "data:image/png;base64,");
		for (size_t i = 0; b64.data && i < b64.len; i++)
			ob_buf_addc(&uri, b64.data[i] == '-' ? '+' : b64.data[i] == '_' ? '/' : b64.data[i]);
		rep = report("A badge", uri.data);
	} else if ((text = fuzz_strndup(data, size))) {
		json_t *probe = json_string(text); /* NULL unless valid UTF-8 */

		if (probe) {
			json_decref(probe);
			rep = report(text, NULL);
			o.qr_text = size > 1 && data[1] == 'Q' ? text : NULL;
		}
	}
	if (rep)
		ob_certificate_render_json(NULL, rep, &o, path, &err);
	unlink(path);
	json_decref(rep);
	free(text);
	ob_buf_release(&uri);
	ob_buf_release(&b64);
	ob_certificate_cleanup();
	return 0;
}
