/* page: HTML for `ob-verifier serve` (see page.h). */
#include "page.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

/* Contrast: body text #1b1b1b on white is 17:1; the verdict colours on
 * their tints are all above 7:1 (WCAG AAA). The verdict is also spelled
 * out, never shown by colour alone. */
static const char style[] =
	"body{font:1rem/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fff;"
	"max-width:48rem;margin:0 auto;padding:1rem}"
	"h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}"
	"label{display:block;font-weight:600;margin:1rem 0 .25rem}"
	"textarea{width:100%;box-sizing:border-box;font:.9rem/1.4 monospace}"
	"button{font-size:1rem;padding:.5rem 1.5rem;margin-top:1rem;background:#0b3d91;"
	"color:#fff;border:0;border-radius:4px}"
	"button:focus,input:focus,textarea:focus,a:focus{outline:3px solid #ff9f1c;outline-offset:2px}"
	".verdict{padding:1rem;border-left:8px solid;margin:1rem 0}"
	".valid{background:#e7f4ea;border-color:#0a5c26;color:#0a3d1a}"
	".invalid{background:#fbe9e9;border-color:#a30d0d;color:#6b0606}"
	".undecided{background:#fff4d6;border-color:#8a5a00;color:#4d3200}"
	".verdict h1,.verdict p{margin:.25rem 0}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}"
	"dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;vertical-align:top;padding:.4rem;border-bottom:1px solid #bbb}"
	"td{overflow-wrap:anywhere}"
	".passed{color:#0a5c26}.failed{color:#a30d0d;font-weight:700}.not-checked{color:#6b4500}"
	"td.passed,td.failed,td.not-checked{white-space:nowrap}"
	"code{font-size:.9rem}footer{margin-top:3rem;color:#444;font-size:.9rem}";

static char csp[256];
static pthread_once_t csp_once = PTHREAD_ONCE_INIT;

static void make_csp(void)
{
	unsigned char md[32], b64[48];
	unsigned int n = 0;

	if (!EVP_Digest(style, strlen(style), md, &n, EVP_sha256(), NULL) || n != 32) {
		/* cannot hash: fall back to allowing inline styles only */
		snprintf(csp, sizeof(csp), "default-src 'none'; style-src 'unsafe-inline'; "
			 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
		return;
	}
	EVP_EncodeBlock(b64, md, 32);
	snprintf(csp, sizeof(csp), "default-src 'none'; style-src 'sha256-%s'; "
		 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'", b64);
}

const char *page_csp(void)
{
	pthread_once(&csp_once, make_csp);
	return csp;
}

int page_escape(ob_buf *out, const char *s)
{
	const char *p, *run;

	for (run = p = s; *p; p++) {
		const char *rep;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		ob_buf_add(out, run, (size_t)(p - run));
		ob_buf_adds(out, rep);
		run = p + 1;
	}
	ob_buf_add(out, run, (size_t)(p - run));
	return out->oom ? -1 : 0;
}

static void head(ob_buf *o, const char *title)
{
	ob_buf_adds(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	page_escape(o, title);
	ob_buf_adds(o, " - obkit verifier</title>\n<style>");
	ob_buf_adds(o, style);
	ob_buf_adds(o, "</style>\n</head>\n<body>\n<main>\n");
}

static void foot(ob_buf *o)
{
	ob_buf_adds(o, "</main>\n<footer><p>obkit " OB_VERSION " verifier. Nothing you send is stored. "
		    "Programs can POST a credential to <code>/api/verify</code> and get the "
		    "report as JSON.</p></footer>\n</body>\n</html>\n");
}

int page_form(ob_buf *o)
{
	head(o, "Check an Open Badge");
	ob_buf_adds(o,
		"<h1>Check an Open Badge</h1>\n"
		"<p>Find out whether a badge or credential is genuine, who issued it, and whether "
		"it is still valid. Paste the credential, or upload the badge image or a photo of "
		"its QR code.</p>\n"
		"<form method=\"post\" action=\"/verify\" enctype=\"multipart/form-data\">\n"
		"<label for=\"credential\">Credential (JSON, VC-JWT or QR code text)</label>\n"
		"<textarea id=\"credential\" name=\"credential\" rows=\"10\" spellcheck=\"false\" "
		"aria-describedby=\"credential-help\"></textarea>\n"
		"<p id=\"credential-help\">Leave this empty when you upload a file.</p>\n"
		"<label for=\"file\">Badge image or QR code photo (PNG, SVG or JPEG)</label>\n"
		"<input type=\"file\" id=\"file\" name=\"file\" "
		"accept=\".png,.svg,.jpg,.jpeg,.json,.jwt,image/png,image/svg+xml,image/jpeg,application/json\">\n"
		"<div><button type=\"submit\">Verify</button></div>\n"
		"</form>\n");
	foot(o);
	return o->oom ? -1 : 0;
}

/* Check ids in plain words; "proof[1]" reads as "proof". */
static const char *check_name(const char *id)
{
	static const struct { const char *id, *name; } names[] = {
		{ "structure", "Format" },
		{ "openbadges", "Open Badges fields" },
		{ "clr", "Comprehensive Learner Record" },
		{ "key", "Signing key" },
		{ "proof", "Signature" },
		{ "signature", "Signature" },
		{ "claims", "Token claims" },
		{ "issuer", "Issuer" },
		{ "registry", "Issuer registry" },
		{ "dates", "Validity dates" },
		{ "status", "Revocation status" },
		{ "challenge", "Challenge" },
		{ "credentials", "Credentials inside" },
		{ "image", "Badge image" },
	};
	size_t i, n = strcspn(id, "[");

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].id) == n && !strncmp(names[i].id, id, n))
			return names[i].name;
	return id;
}

static void item(ob_buf *o, const char *term, const char *value)
{
	if (!value)
		return;
	ob_buf_addf(o, "<dt>%s</dt><dd>", term);
	page_escape(o, value);
	ob_buf_adds(o, "</dd>\n");
}

static const ob_check *find_check(const ob_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].id, id))
			return &r->checks[i];
	return NULL;
}

static void summary(ob_buf *o, const ob_report *r)
{
	const ob_check *reg = find_check(r, "registry");

	ob_buf_adds(o, "<dl>\n");
	item(o, "Learner", r->learner);
	item(o, "Achievement", r->achievement_name);
	if (r->issuer_name || r->issuer_id) {
		ob_buf_adds(o, "<dt>Issuer</dt><dd>");
		if (r->issuer_name) {
			page_escape(o, r->issuer_name);
			ob_buf_adds(o, "<br>");
		}
		if (r->issuer_id) {
			ob_buf_adds(o, "<code>");
			page_escape(o, r->issuer_id);
			ob_buf_adds(o, "</code>");
		}
		if (reg) {
			ob_buf_adds(o, "<br>");
			page_escape(o, reg->message);
		}
		ob_buf_adds(o, "</dd>\n");
	}
	item(o, "Valid from", r->valid_from);
	item(o, "Valid until", r->valid_until);
	item(o, "Credential id", r->credential_id);
	ob_buf_adds(o, "</dl>\n");
}

static void checks(ob_buf *o, const ob_report *r, const char *caption)
{
	static const char *const cls[] = { "passed", "failed", "not-checked" };
	static const char *const words[] = { "&#10003; passed", "&#10007; failed", "? not checked" };
	size_t i;

	ob_buf_adds(o, "<table>\n<caption>");
	page_escape(o, caption);
	ob_buf_adds(o, "</caption>\n<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Result</th>"
		    "<th scope=\"col\">What we found</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->nchecks; i++) {
		const ob_check *c = &r->checks[i];
		ob_buf_adds(o, "<tr><th scope=\"row\">");
		page_escape(o, check_name(c->id));
		ob_buf_addf(o, "</th><td class=\"%s\">%s</td><td>", cls[c->outcome], words[c->outcome]);
		page_escape(o, c->message ? c->message : "");
		ob_buf_adds(o, "</td></tr>\n");
	}
	ob_buf_adds(o, "</tbody>\n</table>\n");
}

static void verdict(ob_buf *o, const ob_report *r, const char *how)
{
	static const char *const cls[] = { "valid", "invalid", "undecided" };
	static const char *const title[] = {
		"Valid: this credential is genuine",
		"Not valid: do not trust this credential",
		"Could not decide: this credential could not be fully checked",
	};
	const ob_check *why = ob_report_first_problem(r);
	const char *what = !strcmp(r->kind, "presentation") ? "presentation" : "credential";

	ob_buf_addf(o, "<section class=\"verdict %s\" aria-labelledby=\"verdict\">\n"
		    "<h1 id=\"verdict\">%s</h1>\n<p>", cls[r->verdict], title[r->verdict]);
	if (r->verdict == OB_VALID) {
		ob_buf_addf(o, "Every check on this %s passed.", what);
	} else if (why) {
		ob_buf_adds(o, r->verdict == OB_INVALID ? "A check failed: " : "Not checked: ");
		page_escape(o, why->message ? why->message : check_name(why->id));
	}
	ob_buf_adds(o, "</p>\n");
	if (how) {
		ob_buf_adds(o, "<p>Read from: ");
		page_escape(o, how);
		ob_buf_adds(o, ".</p>\n");
	}
	ob_buf_adds(o, "</section>\n");
}

int page_report(ob_buf *o, const ob_report *r, const char *how)
{
	size_t i;

	head(o, r->verdict == OB_VALID ? "Valid" : r->verdict == OB_INVALID ? "Not valid" : "Could not decide");
	verdict(o, r, how);
	ob_buf_adds(o, "<h2>Details</h2>\n");
	summary(o, r);
	checks(o, r, "Checks");
	for (i = 0; i < r->nnested; i++) {
		const ob_report *n = r->nested[i];
		char cap[64];

		ob_buf_addf(o, "<h2>Credential %zu in the presentation: %s</h2>\n", i + 1,
			    n->verdict == OB_VALID ? "valid" : n->verdict == OB_INVALID ? "not valid" : "could not decide");
		summary(o, n);
		snprintf(cap, sizeof(cap), "Checks on credential %zu", i + 1);
		checks(o, n, cap);
	}
	ob_buf_adds(o, "<p><a href=\"/\">Check another credential</a></p>\n");
	foot(o);
	return o->oom ? -1 : 0;
}

int page_error(ob_buf *o, const char *title, const char *msg)
{
	head(o, title);
	ob_buf_adds(o, "<section class=\"verdict undecided\" aria-labelledby=\"verdict\">\n<h1 id=\"verdict\">");
	page_escape(o, title);
	ob_buf_adds(o, "</h1>\n<p>");
	page_escape(o, msg);
	ob_buf_adds(o, "</p>\n</section>\n<p><a href=\"/\">Back to the form</a></p>\n");
	foot(o);
	return o->oom ? -1 : 0;
}
