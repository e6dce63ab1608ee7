/* page: HTML for `ob-verifier serve` (see page.h). */
#include "page.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "vc/display.h"

/* Images: only data: URIs of raster or SVG types are shown, through
 * <img> (where an SVG's scripts never run), and the policy allows no
 * other source (img-src data:); an https image is a link, never
 * fetched by the page. */
/* Contrast: body text #1b1b1b on white is 17:1; the verdict colours on
 * their tints are all above 7:1 (WCAG AAA). The verdict is also spelled
 * out, never shown by colour alone. A valid signature from an issuer
 * nobody vouches for ("unverified") wears the amber of "could not
 * decide", with a double border, not the green of a verified issuer. */
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
	".unverified{background:#fff4d6;border-color:#8a5a00;color:#4d3200;border-left-style:double}"
	".verdict h1,.verdict p{margin:.25rem 0}.verdict ul{margin:.25rem 0;padding-left:1.5rem}"
	".dims{border:1px solid #bbb;padding:.75rem}"
	"input[type=email],input[type=text]{width:100%;box-sizing:border-box;font-size:1rem;padding:.3rem}"
	".none{background:#eef0f3;border-color:#4a5563;color:#1b1b1b}"
	"fieldset{border:1px solid #bbb;margin:1rem 0}pre{white-space:pre-wrap;overflow-wrap:anywhere}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}"
	"dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;vertical-align:top;padding:.4rem;border-bottom:1px solid #bbb}"
	"td{overflow-wrap:anywhere}"
	".passed{color:#0a5c26}.failed{color:#a30d0d;font-weight:700}.not-checked{color:#6b4500}"
	".warning{color:#6b4500;font-weight:700}"
	"td.passed,td.failed,td.not-checked{white-space:nowrap}"
	"code{font-size:.9rem}footer{margin-top:3rem;color:#444;font-size:.9rem}"
	"img.badge{max-width:12rem;max-height:12rem;border:1px solid #bbb}";

static char csp[256];
static pthread_once_t csp_once = PTHREAD_ONCE_INIT;

static void make_csp(void)
{
	unsigned char md[32], b64[48];
	unsigned int n = 0;

	if (!EVP_Digest(style, strlen(style), md, &n, EVP_sha256(), NULL) || n != 32) {
		/* cannot hash: fall back to allowing inline styles only */
		snprintf(csp, sizeof(csp), "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
			 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
		return;
	}
	EVP_EncodeBlock(b64, md, 32);
	snprintf(csp, sizeof(csp), "default-src 'none'; style-src 'sha256-%s'; img-src data:; "
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

/* A text field of the form, with its value (escaped) when there is one. */
static void field(ob_buf *o, const char *name, const char *label, const char *value, int max,
		  const char *help)
{
	ob_buf_addf(o, "<label for=\"%s\">%s</label>\n<input type=\"%s\" id=\"%s\" name=\"%s\" "
		    "maxlength=\"%d\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"%s-help\"",
		    name, label, strcmp(name, "recipient") ? "text" : "email", name, name, max, name);
	if (value && *value) {
		ob_buf_adds(o, " value=\"");
		page_escape(o, value);
		ob_buf_adds(o, "\"");
	}
	ob_buf_addf(o, ">\n<p id=\"%s-help\">%s</p>\n", name, help);
}

int page_form(ob_buf *o, const char *challenge, const char *domain)
{
	head(o, "Check an Open Badge");
	ob_buf_adds(o,
		"<h1>Check an Open Badge</h1>\n"
		"<p>Find out whether a badge or credential is genuine, who issued it, and whether "
		"it is still valid. Paste the credential, or upload the badge image or a photo of "
		"its QR code.</p>\n");
	if (challenge && *challenge) {
		ob_buf_adds(o, "<section class=\"verdict none\" aria-labelledby=\"fresh\">\n"
			    "<h2 id=\"fresh\">Your challenge: <code>");
		page_escape(o, challenge);
		ob_buf_adds(o, "</code></h2>\n<p>Send it to the candidate and ask for a presentation made "
			    "with it. With obkit's wallet they run:</p>\n<pre>ob-wallet present CREDENTIAL-ID "
			    "--challenge ");
		page_escape(o, challenge);
		if (domain && *domain) {
			ob_buf_adds(o, " --domain ");
			page_escape(o, domain);
		}
		ob_buf_adds(o, " -o presentation.json</pre>\n<p>When it comes back, check it here with the "
			    "challenge below (it is filled in; keep this page, or note the challenge). A "
			    "presentation made for anyone else, or copied, fails.</p>\n</section>\n");
	}
	ob_buf_adds(o,
		"<form method=\"post\" action=\"/verify\" enctype=\"multipart/form-data\">\n"
		"<label for=\"credential\">Credential or presentation (JSON, VC-JWT or QR code text)</label>\n"
		"<textarea id=\"credential\" name=\"credential\" rows=\"10\" spellcheck=\"false\" "
		"aria-describedby=\"credential-help\"></textarea>\n"
		"<p id=\"credential-help\">Leave this empty when you upload a file.</p>\n"
		"<label for=\"file\">Badge image, QR code photo or credential file (PNG, SVG, JPEG or JSON)</label>\n"
		"<input type=\"file\" id=\"file\" name=\"file\" "
		"accept=\".png,.svg,.jpg,.jpeg,.json,.jwt,image/png,image/svg+xml,image/jpeg,application/json\">\n");
	field(o, "recipient", "Recipient e-mail address (optional)", NULL, MAX_PAGE_EMAIL,
	      "To check a badge issued to a hashed e-mail address: give the address the learner says "
	      "is theirs, and the page checks that the badge was issued to it.");
	ob_buf_adds(o, "<fieldset>\n<legend>For a presentation (optional)</legend>\n");
	field(o, "challenge", "Challenge", challenge, MAX_PAGE_CHALLENGE,
	      "The challenge you sent the candidate: the presentation must answer it, so a copy of one "
	      "made for someone else fails. <a href=\"/challenge\">Generate a new challenge</a>.");
	field(o, "domain", "Domain", domain, MAX_PAGE_CHALLENGE,
	      "The domain you asked the presentation to be made for, if you gave one.");
	ob_buf_adds(o, "</fieldset>\n<div><button type=\"submit\">Verify</button></div>\n</form>\n");
	foot(o);
	return o->oom ? -1 : 0;
}

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
		{ "identity", "Issuer identity" },
		{ "vc", "Credential fields" },
		{ "domain", "Domain" },
		{ "holder", "Holder" },
		{ "recipient", "Recipient" },
		{ "dates", "Validity dates" },
		{ "status", "Revocation status" },
		{ "challenge", "Challenge" },
		{ "credentials", "Credentials inside" },
		{ "image", "Badge image" },
		{ "endorsement", "Endorsement" },
	};
	size_t i, n = strcspn(id, "[");

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].id) == n && !strncmp(names[i].id, id, n))
			return names[i].name;
	return id;
}

static int is_presentation(const ob_report *r)
{
	return !strcmp(r->kind, "presentation");
}

static const char *doc_word(const ob_report *r)
{
	if (r->display && r->display->endorsement)
		return "endorsement";
	return is_presentation(r) ? "presentation" :
	       !strcmp(r->kind, "clr") ? "Comprehensive Learner Record" : "credential";
}

static const ob_check *find_check(const ob_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].id, id))
			return &r->checks[i];
	return NULL;
}

/* The issuer as the document names it, never as fact: "it calls itself
 * 'NAME'" or "it is known only as ID". */
static void claimed_issuer(ob_buf *o, const ob_report *r)
{
	if (r->issuer_name) {
		ob_buf_adds(o, "it calls itself &#39;");
		page_escape(o, r->issuer_name);
		ob_buf_adds(o, "&#39;");
	} else {
		ob_buf_adds(o, "it is known only as ");
		page_escape(o, r->issuer_id ? r->issuer_id : "(no issuer)");
	}
}

/* Which credential of a presentation a "holder" or "holder[i]" check is
 * about, counted from 1. */
static size_t holder_index(const ob_check *c)
{
	size_t i = 0;

	if (sscanf(c->id, "holder[%zu]", &i) == 1)
		return i + 1;
	return 1;
}

/* The verdict in one line: what an employer acts on (the meaning of
 * ob_report_headline, in plain words). */
static void title(ob_buf *o, const ob_report *r)
{
	const ob_check *why = ob_report_first_problem(r);
	const int pres = is_presentation(r);
	const int holder = why && why->dim == OB_DIM_HOLDER;

	if (r->verdict == OB_VALID) {
		if (pres) {
			ob_buf_adds(o, "Valid: signed by its holder");
			if (ob_report_dimension(r, OB_DIM_HOLDER, NULL) == OB_PASSED)
				ob_buf_adds(o, r->nnested == 1 ? ", to whom its credential was issued"
						: ", to whom every credential was issued");
		} else if (r->identity == OB_IDENTITY_DOMAIN) {
			ob_buf_adds(o, "Valid: issued by ");
			page_escape(o, r->issuer_domain ? r->issuer_domain : "?");
			ob_buf_adds(o, " (domain verified)");
		} else if (r->identity == OB_IDENTITY_REGISTRY) {
			ob_buf_adds(o, "Valid: issued by ");
			page_escape(o, r->registered_name ? r->registered_name : r->issuer_id ? r->issuer_id : "?");
			ob_buf_adds(o, " (listed in ");
			page_escape(o, r->registry_name ? r->registry_name : "a registry");
			ob_buf_adds(o, ")");
		} else {
			ob_buf_adds(o, "Valid signature, but the issuer&#39;s identity is not verified: ");
			claimed_issuer(o, r);
		}
	} else if (r->verdict == OB_INVALID) {
		if (holder && pres)
			ob_buf_addf(o, "Not valid: credential %zu was issued to someone else, "
				    "not to the holder who signed the presentation", holder_index(why));
		else if (holder)
			ob_buf_adds(o, "Not valid: this credential was issued to someone else");
		else
			ob_buf_addf(o, "Not valid: do not trust this %s", doc_word(r));
	} else {
		if (holder && pres)
			ob_buf_addf(o, "Could not decide whether credential %zu was issued to the holder "
				    "who signed the presentation", holder_index(why));
		else if (holder)
			ob_buf_adds(o, "Could not decide whether this credential was issued to that e-mail address");
		else if (why && !strcmp(why->id, "identity"))
			ob_buf_adds(o, "Could not decide: the issuer&#39;s identity is not verified");
		else
			ob_buf_addf(o, "Could not decide: this %s could not be fully checked", doc_word(r));
	}
}

/* The sentence under the title: why. */
static void reason(ob_buf *o, const ob_report *r)
{
	const ob_check *why = ob_report_first_problem(r);

	if (r->verdict == OB_VALID) {
		if (is_presentation(r)) {
			ob_buf_adds(o, "The holder&#39;s signature is genuine");
			if (r->nnested)
				ob_buf_adds(o, " and every credential inside is valid on its own");
			ob_buf_adds(o, ".");
		} else if (r->identity == OB_IDENTITY_DOMAIN) {
			ob_buf_adds(o, "The signature is genuine, and the key that made it is published by ");
			page_escape(o, r->issuer_domain ? r->issuer_domain : "?");
			ob_buf_adds(o, ".");
		} else if (r->identity == OB_IDENTITY_REGISTRY) {
			ob_buf_adds(o, "The signature is genuine, and ");
			page_escape(o, r->registry_name ? r->registry_name : "a registry");
			ob_buf_adds(o, " lists the issuer that made it.");
		} else {
			ob_buf_adds(o, "The signature is genuine, but nothing except the credential itself says "
				    "who made it: anyone can give themselves any name. Ask the issuer whether "
				    "<code>");
			page_escape(o, r->issuer_id ? r->issuer_id : "?");
			ob_buf_adds(o, "</code> is theirs.");
		}
	} else if (why && !strcmp(why->id, "identity")) {
		ob_buf_adds(o, "This page accepts only issuers whose domain is verified or whom a registry "
			    "it trusts lists; this issuer is neither: ");
		claimed_issuer(o, r);
		ob_buf_adds(o, ".");
	} else if (why) {
		ob_buf_adds(o, r->verdict == OB_INVALID ? "A check failed: " : "Not checked: ");
		page_escape(o, why->message ? why->message : check_name(why->id));
	}
}

/* A passed check that says why dimension d passed: for authenticity the
 * signature and the issuer binding, not the parsing. */
static int explains(const ob_check *c, ob_dim d)
{
	if (c->dim != d || c->outcome != OB_PASSED)
		return 0;
	return d != OB_DIM_AUTHENTIC || !strncmp(c->id, "proof", 5) || !strcmp(c->id, "signature") ||
	       !strcmp(c->id, "issuer") || !strcmp(c->id, "challenge") || !strcmp(c->id, "domain");
}

static void dim_open(ob_buf *o, const char *label, const char *cls, const char *word)
{
	ob_buf_adds(o, "<dt>");
	page_escape(o, label);
	ob_buf_addf(o, "</dt><dd><span class=\"%s\">%s</span>: ", cls, word);
}

/* Strips "does not conform to X: " from a conformance message. */
static const char *rule_text(const char *msg, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(msg, prefix, n) ? msg + n : msg;
}

/* One dimension: "Yes", "No", "Not checked" or, for conformance errors
 * that do not decide the verdict, "Warning". Nothing when no check
 * answered it. */
static void dimension(ob_buf *o, const ob_report *r, ob_dim d, const char *label)
{
	const ob_check *why;
	ob_outcome out = ob_report_dimension(r, d, &why);
	size_t i;
	int first = 1;

	if (out == OB_NOT_CHECKED && !why)
		return;
	if (out == OB_PASSED)
		dim_open(o, label, "passed", "&#10003; Yes");
	else if (out == OB_NOT_CHECKED)
		dim_open(o, label, "not-checked", "? Not checked");
	else if (d == OB_DIM_CONFORMANT && !r->strict)
		dim_open(o, label, "warning", "&#9888; WARNING");
	else
		dim_open(o, label, "failed", "&#10007; No");
	if (out == OB_FAILED && d == OB_DIM_CONFORMANT) {
		const char *msg = why->message ? why->message : "";
		const int clr = !strncmp(why->id, "clr", 3);

		if (is_presentation(r))
			ob_buf_adds(o, "A credential in this presentation");
		else
			ob_buf_addf(o, "This %s", doc_word(r));
		ob_buf_addf(o, " does not follow the %s rules: ", clr ? "CLR 2.0" : "Open Badges 3.0");
		page_escape(o, rule_text(rule_text(msg, "does not conform to Open Badges 3.0: "),
					 "does not conform to CLR 2.0: "));
		if (!r->strict)
			ob_buf_adds(o, " (a warning: the verdict does not depend on it)");
	} else if (why) {
		page_escape(o, why->message ? why->message : check_name(why->id));
	} else {
		for (i = 0; i < r->nchecks; i++)
			if (explains(&r->checks[i], d)) {
				if (!first)
					ob_buf_adds(o, "; ");
				page_escape(o, r->checks[i].message ? r->checks[i].message : "");
				first = 0;
			}
	}
	ob_buf_adds(o, "</dd>\n");
}

/* Who the issuer is: verified (domain, registry), or only its own word. */
static void identity(ob_buf *o, const ob_report *r, const char *label)
{
	const ob_check *demand = find_check(r, "identity");

	if (!r->issuer_id && !r->issuer_name)
		return;
	if (ob_report_dimension(r, OB_DIM_AUTHENTIC, NULL) != OB_PASSED) {
		dim_open(o, label, "not-checked", "? Unknown");
		ob_buf_adds(o, "the credential is not shown to be authentic, so nothing vouches for its issuer; ");
		claimed_issuer(o, r);
	} else if (r->identity == OB_IDENTITY_DOMAIN) {
		dim_open(o, label, "passed", "&#10003; Verified");
		ob_buf_adds(o, "the key that signed it is published by ");
		page_escape(o, r->issuer_domain ? r->issuer_domain : "?");
		ob_buf_adds(o, " (domain verified); ");
		claimed_issuer(o, r);
	} else if (r->identity == OB_IDENTITY_REGISTRY) {
		dim_open(o, label, "passed", "&#10003; Verified");
		page_escape(o, r->registry_name ? r->registry_name : "a registry");
		ob_buf_adds(o, " lists <code>");
		page_escape(o, r->issuer_id ? r->issuer_id : "?");
		ob_buf_adds(o, "</code> as ");
		page_escape(o, r->registered_name ? r->registered_name : "?");
	} else {
		dim_open(o, label, "warning", "&#9888; Not verified");
		ob_buf_adds(o, "no registry lists the issuer and no domain vouches for its key; ");
		claimed_issuer(o, r);
		if (demand)
			ob_buf_adds(o, "; this page requires a verified issuer");
	}
	ob_buf_adds(o, "</dd>\n");
}

static void dimensions(ob_buf *o, const ob_report *r)
{
	size_t i;

	ob_buf_adds(o, "<dl class=\"dims\">\n");
	dimension(o, r, OB_DIM_AUTHENTIC, "Authentic");
	if (is_presentation(r)) {
		for (i = 0; i < r->nnested; i++) {
			char label[64];
			snprintf(label, sizeof(label), "Issuer of credential %zu", i + 1);
			identity(o, r->nested[i], label);
		}
	} else {
		identity(o, r, "Issuer identity");
	}
	dimension(o, r, OB_DIM_CURRENT, "Current");
	dimension(o, r, OB_DIM_CONFORMANT, "Conformant");
	dimension(o, r, OB_DIM_HOLDER, is_presentation(r) ? "Holder" : "Recipient");
	ob_buf_adds(o, "</dl>\n");
}

static void item(ob_buf *o, const char *term, const char *value)
{
	if (!value)
		return;
	ob_buf_addf(o, "<dt>%s</dt><dd>", term);
	page_escape(o, value);
	ob_buf_adds(o, "</dd>\n");
}

/* The badge image: a data:image URI inline through <img> (an SVG's
 * scripts do not run there), an https URL as a link the page does not
 * follow, anything else named only. */
static void image(ob_buf *o, const char *img, int fact)
{
	ob_image_show how = ob_display_image_kind(img);

	if (!img)
		return;
	ob_buf_addf(o, "<dt>%s</dt><dd>", fact ? "Image" : "Claims the image");
	if (how == OB_IMAGE_SHOW_INLINE) {
		ob_buf_adds(o, "<img class=\"badge\" alt=\"The badge image\" src=\"");
		page_escape(o, img);
		ob_buf_adds(o, "\">");
	} else if (how == OB_IMAGE_SHOW_LINK) {
		ob_buf_adds(o, "<a href=\"");
		page_escape(o, img);
		ob_buf_adds(o, "\" rel=\"noopener noreferrer nofollow\">");
		page_escape(o, img);
		ob_buf_adds(o, "</a> (not loaded by this page)");
	} else {
		ob_buf_adds(o, "not shown (neither an https URL nor a data:image URI): <code>");
		page_escape(o, strlen(img) > 200 ? "(a long value)" : img);
		ob_buf_adds(o, "</code>");
	}
	ob_buf_adds(o, "</dd>\n");
}

/* One <dt>/<dd> per item of a list (evidence, results, alignments). */
static void list_items(ob_buf *o, const char *term, const ob_display *d, const json_t *list, int which)
{
	ob_buf line = OB_BUF_INIT;
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v) {
		ob_buf_truncate(&line, 0);
		if (which == 0)
			ob_display_evidence(v, &line);
		else if (which == 1)
			ob_display_result(d, v, &line);
		else
			ob_display_alignment(v, &line);
		if (line.len)
			item(o, term, line.data);
	}
	ob_buf_release(&line);
}

/* What a Displayer must show (image, description, criteria, awarded
 * date) and may (evidence, results, alignments). */
static void display_items(ob_buf *o, const ob_report *r, int fact)
{
	const ob_display *d = r->display;

	if (!d)
		return;
	if (d->endorsement) {
		item(o, fact ? "Endorsement" : "Claims the endorsement", d->name);
		item(o, fact ? "Endorses" : "Claims to endorse", d->endorses);
		item(o, fact ? "Comment" : "Claims the comment", d->comment);
	}
	image(o, d->image, fact);
	item(o, fact ? "Description" : "Claims the description", d->description);
	item(o, fact ? "Criteria" : "Claims the criteria", d->criteria);
	item(o, fact ? "Criteria at" : "Claims the criteria at", d->criteria_url);
	item(o, fact ? "Awarded on" : "Claims to be awarded on", d->awarded);
	list_items(o, fact ? "Evidence" : "Claims the evidence", d, d->evidence, 0);
	list_items(o, fact ? "Result" : "Claims the result", d, d->results, 1);
	list_items(o, fact ? "Aligned to" : "Claims alignment to", d, d->alignments, 2);
}

/* What the document says. Unless the verdict is valid, all of it is
 * a claim and labelled so; the issuer's name always is. */
static void summary(ob_buf *o, const ob_report *r)
{
	const int fact = r->verdict == OB_VALID;

	ob_buf_adds(o, "<dl>\n");
	if (is_presentation(r)) {
		item(o, fact ? "Signed by its holder" : "Claims to be signed by", r->learner);
	} else {
		if (!r->display || !r->display->endorsement) /* its subject is what it endorses */
			item(o, fact ? "Learner" : "Claims to be issued to", r->learner);
		item(o, fact ? "Achievement" : "Claims the achievement", r->achievement_name);
		display_items(o, r, fact);
	}
	if (r->issuer_name || r->issuer_id) {
		ob_buf_addf(o, "<dt>%s</dt><dd>", fact ? "Issuer" : "Claims to be issued by");
		if (fact && r->identity == OB_IDENTITY_DOMAIN) {
			page_escape(o, r->issuer_domain ? r->issuer_domain : "?");
			ob_buf_adds(o, " (domain verified)<br>");
		} else if (fact && r->identity == OB_IDENTITY_REGISTRY) {
			page_escape(o, r->registered_name ? r->registered_name : "?");
			ob_buf_adds(o, " (listed in ");
			page_escape(o, r->registry_name ? r->registry_name : "a registry");
			ob_buf_adds(o, ")<br>");
		}
		if (r->issuer_name) {
			ob_buf_adds(o, fact ? "calls itself &#39;" : "an issuer that calls itself &#39;");
			page_escape(o, r->issuer_name);
			ob_buf_adds(o, "&#39;<br>");
		}
		if (r->issuer_id) {
			ob_buf_adds(o, "<code>");
			page_escape(o, r->issuer_id);
			ob_buf_adds(o, "</code>");
		}
		ob_buf_adds(o, "</dd>\n");
	}
	item(o, "Valid from", r->valid_from);
	item(o, "Valid until", r->valid_until);
	item(o, "Credential id", r->credential_id);
	ob_buf_adds(o, "</dl>\n");
	if (!fact && (r->learner || r->achievement_name || r->issuer_name || (r->display && (r->display->description ||
	    r->display->image || r->display->name))))
		ob_buf_adds(o, "<p>These are the document&#39;s own claims; nothing vouches for them.</p>\n");
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

/* valid, valid but from an issuer nobody vouches for, invalid, undecided */
static const char *verdict_class(const ob_report *r)
{
	if (r->verdict == OB_VALID)
		return !is_presentation(r) && r->identity == OB_IDENTITY_SELF ? "unverified" : "valid";
	return r->verdict == OB_INVALID ? "invalid" : "undecided";
}

/* What the visitor asked the page to check against. */
static void asked(ob_buf *o, const ob_report *r, const struct page_ask *ask)
{
	const ob_check *ch = find_check(r, "challenge");
	int n = 0;

	if (is_presentation(r) && ch && ch->outcome == OB_NOT_CHECKED)
		ob_buf_adds(o, "<p>Note: no challenge was given, so this page cannot tell this presentation "
			    "from a copy of one made for someone else. <a href=\"/challenge\">Generate a "
			    "challenge</a>, send it to the holder, and check what comes back with it.</p>\n");
	else if (is_presentation(r) && ask->challenge && !ask->ignored &&
		 ob_report_dimension(r, OB_DIM_AUTHENTIC, NULL) == OB_PASSED)
		ob_buf_adds(o, "<p>Made for this check: the holder signed it with your challenge, so it is "
			    "no copy of a presentation made for someone else.</p>\n");
	if (ask->ignored)
		ob_buf_adds(o, "<p>Note: a challenge and a domain apply to presentations; this is a single "
			    "credential, which carries neither, so they were not checked.</p>\n");
	if (!((ask->challenge || ask->domain) && !ask->ignored) && !ask->recipient)
		return;
	ob_buf_adds(o, "<p>Checked against:");
	if (ask->challenge && !ask->ignored) {
		ob_buf_adds(o, " challenge <code>");
		page_escape(o, ask->challenge);
		ob_buf_adds(o, "</code>");
		n++;
	}
	if (ask->domain && !ask->ignored) {
		ob_buf_addf(o, "%s domain <code>", n++ ? "," : "");
		page_escape(o, ask->domain);
		ob_buf_adds(o, "</code>");
	}
	if (ask->recipient) {
		ob_buf_addf(o, "%s recipient <code>", n++ ? "," : "");
		page_escape(o, ask->recipient);
		ob_buf_adds(o, "</code>");
	}
	ob_buf_adds(o, ".</p>\n");
}

static void verdict(ob_buf *o, const ob_report *r, const struct page_ask *ask)
{
	size_t i;

	ob_buf_addf(o, "<section class=\"verdict %s\" aria-labelledby=\"verdict\">\n<h1 id=\"verdict\">",
		    verdict_class(r));
	title(o, r);
	ob_buf_adds(o, "</h1>\n<p>");
	reason(o, r);
	ob_buf_adds(o, "</p>\n");
	if (is_presentation(r) && r->nnested) {
		ob_buf_adds(o, "<ul>\n");
		for (i = 0; i < r->nnested; i++) {
			ob_buf_addf(o, "<li>Credential %zu: ", i + 1);
			title(o, r->nested[i]);
			ob_buf_adds(o, "</li>\n");
		}
		ob_buf_adds(o, "</ul>\n");
	}
	asked(o, r, ask);
	if (ask->how) {
		ob_buf_adds(o, "<p>Read from: ");
		page_escape(o, ask->how);
		ob_buf_adds(o, ".</p>\n");
	}
	ob_buf_adds(o, "</section>\n");
	dimensions(o, r);
}

/* Each embedded endorsement with its own verdict: one that fails is a
 * warning, not a verdict on the credential. */
static void endorsements(ob_buf *o, const ob_report *r)
{
	const ob_display *d = r->display;
	size_t i;

	if (!d || !d->nendorsements)
		return;
	ob_buf_addf(o, "<h2>Endorsements (%zu)</h2>\n<p>Others vouching for this credential, its "
		    "issuer or its achievement. Each is verified on its own; one that is not valid "
		    "does not change the verdict above.</p>\n", d->nendorsements);
	for (i = 0; i < d->nendorsements; i++) {
		const ob_report *n = d->endorsements[i];
		char cap[80];

		ob_buf_addf(o, "<h3>Endorsement %zu, of the %s</h3>\n<div class=\"verdict %s\"><p><strong>", i + 1,
			    ob_endorsed_name(d->where[i]), verdict_class(n));
		title(o, n);
		ob_buf_adds(o, "</strong></p>\n<p>");
		reason(o, n);
		ob_buf_adds(o, "</p></div>\n");
		summary(o, n);
		snprintf(cap, sizeof(cap), "Checks on endorsement %zu", i + 1);
		checks(o, n, cap);
	}
}

int page_report(ob_buf *o, const ob_report *r, const struct page_ask *ask)
{
	size_t i;

	head(o, r->verdict == OB_VALID ? "Valid" : r->verdict == OB_INVALID ? "Not valid" : "Could not decide");
	verdict(o, r, ask);
	ob_buf_adds(o, "<h2>Details</h2>\n");
	summary(o, r);
	checks(o, r, "Checks");
	for (i = 0; i < r->nnested; i++) {
		const ob_report *n = r->nested[i];
		char cap[64];

		ob_buf_addf(o, "<h2>Credential %zu in the presentation</h2>\n"
			    "<div class=\"verdict %s\"><p><strong>", i + 1, verdict_class(n));
		title(o, n);
		ob_buf_adds(o, "</strong></p>\n<p>");
		reason(o, n);
		ob_buf_adds(o, "</p></div>\n");
		dimensions(o, n);
		summary(o, n);
		snprintf(cap, sizeof(cap), "Checks on credential %zu", i + 1);
		checks(o, n, cap);
	}
	endorsements(o, r);
	for (i = 0; i < r->nnested; i++)
		endorsements(o, r->nested[i]);
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

int page_not_credential(ob_buf *o, const char *what, const char *how)
{
	head(o, "Not a credential");
	ob_buf_adds(o, "<section class=\"verdict none\" aria-labelledby=\"verdict\">\n"
		    "<h1 id=\"verdict\">This is not a credential</h1>\n<p>");
	if (what) {
		ob_buf_adds(o, "It is ");
		page_escape(o, what);
		ob_buf_adds(o, ". ");
	}
	ob_buf_adds(o, "Nothing was verified: there is no badge here to trust or distrust. A credential "
		    "is a JSON document or a VC-JWT, or a badge image with one baked in, or a QR code "
		    "that carries one. Ask the person who sent it for the badge itself.</p>\n");
	if (how) {
		ob_buf_adds(o, "<p>Read from: ");
		page_escape(o, how);
		ob_buf_adds(o, ".</p>\n");
	}
	ob_buf_adds(o, "</section>\n<p><a href=\"/\">Check another credential</a></p>\n");
	foot(o);
	return o->oom ? -1 : 0;
}
