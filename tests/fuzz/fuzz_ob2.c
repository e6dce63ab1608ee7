/* fuzz target "ob2": Open Badges 2.0 verification (vc/ob2.h) on untrusted
 * bytes. The input is the assertion (JSON, or a compact JWS through
 * ob_verify_bytes) and, through a loader that answers every URL with the
 * input itself, also its BadgeClass, issuer Profile, key and revocation
 * list, so the whole hosted and signed chain runs on fuzzed documents.
 * Then the scope and recipient rules on the input's own fields, and every
 * renderer of the report. Not in the Makefile's FUZZ_TARGETS yet: run it
 * with make fuzz FUZZ_TARGETS=ob2 (or build O/tests/fuzz/fuzz_ob2). */
#include <time.h>

#include "fuzz.h"
#include "base/json.h"
#include "canon/jcs.h"
#include "vc/ob2.h"
#include "vc/verify.h"

struct echo_loader {
	struct ob_loader base;
	json_t *doc;          /* the input, parsed, or NULL */
	const char *data;
	size_t len;
};

static const json_t *echo_get(ob_loader *l, const char *url, ob_error *err)
{
	(void)l;
	ob_loader_unavailable(url, err);
	return NULL;
}

static const json_t *echo_get_remote(ob_loader *l, const char *url, ob_error *err)
{
	struct echo_loader *e = (struct echo_loader *)l;

	if (!e->doc)
		ob_loader_unavailable(url, err);
	return e->doc;
}

static ob_code echo_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err)
{
	struct echo_loader *e = (struct echo_loader *)l;

	(void)url;
	if (ob_buf_add(out, e->data, e->len) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

static void echo_free(ob_loader *l)
{
	(void)l;
}

static const struct ob_loader_ops echo_ops = { echo_get, echo_get_remote, echo_fetch, echo_free };

static void render(ob_report *r)
{
	ob_buf text = OB_BUF_INIT;
	json_t *j;
	char *js;

	(void)ob_report_exit_code(r);
	ob_report_headline(r, &text);
	ob_report_render_text(r, &text);
	if ((j = ob_report_to_json(r))) {
		if ((js = ob_json_dumps(j, OB_JSON_PRETTY)))
			free(js);
		json_decref(j);
	}
	ob_buf_release(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct echo_loader l = { { &echo_ops }, NULL, (const char *)data, size };
	ob_verify_opts o = { 0 };
	ob_error err = { 0 };
	ob_report *r;
	const char *why;
	char buf[512];

	l.doc = ob_json_parse((const char *)data, size, &err);
	o.now = FUZZ_NOW;
	o.loader = &l.base;
	o.recipient = "nobody@example.org";
	if ((r = ob_verify_bytes((const char *)data, size, &o, &err))) {
		render(r);
		ob_report_free(r);
	}
	if (json_is_object(l.doc)) {
		const json_t *v = json_object_get(l.doc, "verification");
		(void)ob2_sniff(l.doc);
		(void)ob2_recipient_matches(json_object_get(l.doc, "recipient"), "nobody@example.org", &why);
		(void)ob2_in_scope(ob_json_str(l.doc, "id"), ob_json_str(l.doc, "issuer"), v, buf, sizeof(buf));
	}
	json_decref(l.doc);
	return 0;
}
