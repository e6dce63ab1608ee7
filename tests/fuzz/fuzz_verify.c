/* fuzz target "verify": the whole verifier on untrusted bytes
 * (ob_verify_bytes sniffs a credential, a presentation or a VC-JWT), then
 * every renderer of the report, as ob-verifier verify [--json] does.
 * The loader has no network (no ob_loader_set_http): did:web issuers,
 * status lists and remote contexts are "not available offline". */
#include <time.h>

#include "fuzz.h"
#include "canon/jcs.h"
#include "io/loader.h"
#include "vc/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_loader *l = ob_loader_new();
	ob_verify_opts o = { 0 };
	ob_error err = { 0 };
	ob_report *r;
	ob_buf text = OB_BUF_INIT;
	json_t *j;
	char *js;
	int d;

	if (!l)
		return 0;
	o.now = FUZZ_NOW;
	o.loader = l;
	/* an expected challenge fails every proof without one, before any
	 * hashing: ask for the presentation vector's challenge and domain
	 * only when the input has a challenge to check */
	if (memmem(data, size, "\"challenge\"", 11)) {
		o.challenge = "7c1e2b0a-9d3f-4e1a-8b6c-2f5a9e0d4c71";
		o.domain = "hiring.example.com";
	}
	o.recipient = "learner@example.com";
	r = ob_verify_bytes((const char *)data, size, &o, &err);
	if (r) {
		(void)ob_report_exit_code(r);
		(void)ob_report_first_problem(r);
		for (d = 0; d < 5; d++) {
			const ob_check *why = NULL;

			(void)ob_report_dimension(r, (ob_dim)d, &why);
		}
		ob_report_headline(r, &text);
		ob_report_render_text(r, &text);
		if ((j = ob_report_to_json(r))) {
			if ((js = ob_json_dumps(j, OB_JSON_PRETTY)))
				free(js);
			json_decref(j);
		}
		ob_report_free(r);
	}
	ob_buf_release(&text);
	ob_loader_free(l);
	return 0;
}
