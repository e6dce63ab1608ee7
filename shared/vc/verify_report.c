/* verify_report: the report the checks fill in (its checks, verdict and
 * dimensions) and its renderers: the headline, the text report and the
 * JSON object. */
#include "vc/verify_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "vc/display.h"

const char *ob_verdict_name(ob_verdict v)
{
	return v == OB_VALID ? "valid" : v == OB_INVALID ? "invalid" : "undecided";
}

const char *ob_outcome_name(ob_outcome o)
{
	return o == OB_PASSED ? "passed" : o == OB_FAILED ? "failed" : "not checked";
}

const char *ob_dim_name(ob_dim d)
{
	static const char *const names[OB_NDIMS] = { "none", "authentic", "current", "conformant", "holder" };

	return (unsigned)d < OB_NDIMS ? names[d] : "none";
}

const char *ob_identity_name(ob_identity i)
{
	return i == OB_IDENTITY_DOMAIN ? "domain" : i == OB_IDENTITY_REGISTRY ? "registry" : "self-asserted";
}

/* Which question a check answers, by its id ("proof[1]" is "proof"). */
static ob_dim dim_of(const char *id)
{
	static const struct { const char *id; ob_dim dim; } map[] = {
		{ "structure", OB_DIM_AUTHENTIC }, { "format", OB_DIM_AUTHENTIC },
		{ "key", OB_DIM_AUTHENTIC }, { "proof", OB_DIM_AUTHENTIC },
		{ "signature", OB_DIM_AUTHENTIC }, { "issuer", OB_DIM_AUTHENTIC },
		{ "claims", OB_DIM_AUTHENTIC }, { "challenge", OB_DIM_AUTHENTIC },
		{ "domain", OB_DIM_AUTHENTIC },
		/* Open Badges 2.0: the BadgeClass leads to the issuer and its key */
		{ "badge", OB_DIM_AUTHENTIC },
		{ "dates", OB_DIM_CURRENT }, { "status", OB_DIM_CURRENT },
		{ "vc", OB_DIM_CONFORMANT }, { "openbadges", OB_DIM_CONFORMANT },
		{ "clr", OB_DIM_CONFORMANT },
		{ "holder", OB_DIM_HOLDER }, { "recipient", OB_DIM_HOLDER },
	};
	size_t i, n = strcspn(id, "[");

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].id) == n && !strncmp(map[i].id, id, n))
			return map[i].dim;
	return OB_DIM_NONE;
}

ob_outcome ob_report_dimension(const ob_report *r, ob_dim d, const ob_check **why)
{
	const ob_check *open = NULL, *quiet = NULL, *c;
	size_t i;
	int passed = 0;

	if (why)
		*why = NULL;
	for (i = 0; i < r->nchecks; i++) {
		c = &r->checks[i];
		if (c->dim != d)
			continue;
		if (c->outcome == OB_FAILED) {
			if (why)
				*why = c;
			return OB_FAILED;
		}
		if (c->blocking && !open)
			open = c;
		else if (c->outcome == OB_NOT_CHECKED && !quiet)
			quiet = c;
		passed |= c->outcome == OB_PASSED;
	}
	/* a shape error anywhere in a CLR or presentation is the whole
	 * document's warning */
	if (d == OB_DIM_CONFORMANT)
		for (i = 0; i < r->nnested; i++)
			if (ob_report_dimension(r->nested[i], d, &c) == OB_FAILED) {
				if (why)
					*why = c;
				return OB_FAILED;
			}
	if (open || !passed) {
		if (why)
			*why = open ? open : quiet;
		return OB_NOT_CHECKED;
	}
	return OB_PASSED;
}

/* A failed check that makes the verdict invalid: conformance errors
 * are warnings unless --strict. */
static int decisive(const ob_report *r, const ob_check *c)
{
	return c->outcome == OB_FAILED && (c->dim != OB_DIM_CONFORMANT || r->strict);
}

const ob_check *ob_report_first_problem(const ob_report *r)
{
	const ob_check *c;
	size_t i;

	if (r->verdict == OB_VALID)
		return NULL;
	for (i = 0; i < r->nchecks; i++)
		if (decisive(r, &r->checks[i]))
			return &r->checks[i];
	for (i = 0; i < r->nnested; i++)
		if (r->nested[i]->verdict == OB_INVALID && (c = ob_report_first_problem(r->nested[i])))
			return c;
	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].blocking)
			return &r->checks[i];
	for (i = 0; i < r->nnested; i++)
		if ((c = ob_report_first_problem(r->nested[i])))
			return c;
	return NULL;
}

int ob_report_exit_code(const ob_report *r)
{
	return r->verdict == OB_VALID ? 0 : r->verdict == OB_INVALID ? 1 : 3;
}

void ob_report_free(ob_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nchecks; i++) {
		free(r->checks[i].id);
		free(r->checks[i].message);
	}
	free(r->checks);
	for (i = 0; i < r->nnested; i++)
		ob_report_free(r->nested[i]);
	free(r->nested);
	json_decref(r->document);
	free(r->jwt);
	free(r->credential_id);
	free(r->issuer_id);
	free(r->issuer_name);
	free(r->achievement_name);
	free(r->learner);
	free(r->valid_from);
	free(r->valid_until);
	free(r->issuer_domain);
	free(r->registry_name);
	free(r->registered_name);
	ob_display_free(r->display);
	free(r);
}

void ob_verify_add(ob_report *r, const char *id, ob_outcome o, int blocking, const char *fmt, ...)
{
	ob_check *c;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c = realloc(r->checks, (r->nchecks + 1) * sizeof(*c));
	if (!c) {
		/* cannot record it: make sure the verdict still reflects it */
		r->verdict = OB_INVALID;
		return;
	}
	r->checks = c;
	c += r->nchecks++;
	c->id = strdup(id);
	c->message = strdup(msg);
	c->outcome = o;
	c->blocking = o == OB_NOT_CHECKED && blocking;
	c->dim = dim_of(id);
}

/* The verdict from the dimensions: a failed check (conformance only
 * under --strict) or a bad nested credential is invalid; a blocking
 * "not checked" one leaves it undecided; VALID needs a signature that
 * verified (a report with none is never valid). */
void ob_verify_settle(ob_report *r)
{
	size_t i;
	int open = 0, signed_ok = 0;

	if (r->verdict == OB_INVALID)
		return;
	for (i = 0; i < r->nchecks; i++) {
		const ob_check *c = &r->checks[i];
		if (decisive(r, c)) {
			r->verdict = OB_INVALID;
			return;
		}
		if (c->blocking)
			open = 1;
		if (c->outcome == OB_PASSED && (!strncmp(c->id, "proof", 5) || !strcmp(c->id, "signature")))
			signed_ok = 1;
	}
	for (i = 0; i < r->nnested; i++) {
		if (r->nested[i]->verdict == OB_INVALID) {
			r->verdict = OB_INVALID;
			return;
		}
		if (r->nested[i]->verdict == OB_UNDECIDED)
			open = 1;
	}
	if (!open && !signed_ok) {
		ob_verify_add(r, "proof", OB_NOT_CHECKED, 1, "no signature could be verified");
		open = 1;
	}
	r->verdict = open ? OB_UNDECIDED : OB_VALID;
}

ob_report *ob_verify_new_report(void)
{
	ob_report *r = calloc(1, sizeof(*r));

	if (r)
		r->verdict = OB_VALID;
	return r;
}

/* ---- rendering ---- */

static const char *kind_words(const ob_report *r)
{
	if (r->display && r->display->endorsement)
		return !strcmp(r->kind, "vc-jwt") ? "endorsement (EndorsementCredential, VC-JWT)" :
		       "endorsement (EndorsementCredential)";
	return !strcmp(r->kind, "presentation") ? "presentation" :
	       !strcmp(r->kind, "vc-jwt") ? "credential (VC-JWT)" :
	       !strcmp(r->kind, "clr") ? "Comprehensive Learner Record" :
	       !strcmp(r->kind, "ob2") ? "Open Badges 2.0 assertion" : "credential";
}

/* "calls itself 'NAME'" or "is known only as ID": the self-asserted
 * issuer, never shown as fact. */
static void claimed_issuer(const ob_report *r, ob_buf *o)
{
	if (r->issuer_name) {
		ob_buf_adds(o, "it calls itself '");
		ob_text_add_safe(o, r->issuer_name);
		ob_buf_adds(o, "'");
	} else {
		ob_buf_adds(o, "it is known only as ");
		ob_text_add_safe(o, r->issuer_id ? r->issuer_id : "(no issuer)");
	}
}

int ob_report_headline(const ob_report *r, ob_buf *o)
{
	const ob_check *why = ob_report_first_problem(r);

	if (r->verdict == OB_INVALID || r->verdict == OB_UNDECIDED) {
		ob_buf_adds(o, r->verdict == OB_INVALID ? "INVALID: " : "UNDECIDED: ");
		ob_text_add_safe(o, why && why->message ? why->message :
				 r->verdict == OB_INVALID ? "a check failed" : "could not check everything");
	} else if (!strcmp(r->kind, "presentation")) {
		ob_buf_adds(o, "VALID: presentation signed by its holder ");
		ob_text_add_safe(o, r->learner ? r->learner : "(unnamed)");
		if (r->nnested == 1)
			ob_buf_adds(o, ", to whom its credential was issued");
		else if (r->nnested)
			ob_buf_addf(o, ", to whom each of its %zu credentials was issued", r->nnested);
	} else if (r->identity == OB_IDENTITY_DOMAIN) {
		ob_buf_adds(o, "VALID: issued by ");
		ob_text_add_safe(o, r->issuer_domain);
		ob_buf_adds(o, " (domain verified)");
	} else if (r->identity == OB_IDENTITY_REGISTRY) {
		ob_buf_adds(o, "VALID: issued by ");
		ob_text_add_safe(o, r->registered_name);
		ob_buf_adds(o, " (listed in ");
		ob_text_add_safe(o, r->registry_name);
		ob_buf_adds(o, ")");
	} else {
		ob_buf_adds(o, "VALID signature; the issuer's identity is not verified: ");
		claimed_issuer(r, o);
	}
	return o->oom ? -1 : 0;
}

/* A passed check worth naming when dimension d passed: for
 * authenticity the signature and the issuer binding, not the parsing. */
static int explains(const ob_check *c, ob_dim d)
{
	if (c->dim != d || c->outcome != OB_PASSED)
		return 0;
	return d != OB_DIM_AUTHENTIC || !strncmp(c->id, "proof", 5) || !strcmp(c->id, "signature") ||
	       !strcmp(c->id, "issuer") || !strcmp(c->id, "challenge") || !strcmp(c->id, "domain");
}

/* "yes: ...", "NO: ...", "not checked: ...", "WARNING: ..." for one
 * dimension; nothing when it does not apply. */
static void dim_line(const ob_report *r, ob_dim d, const char *label, ob_buf *o, const char *indent)
{
	const ob_check *why;
	ob_outcome out = ob_report_dimension(r, d, &why);
	size_t i;
	int first = 1;

	if (out == OB_NOT_CHECKED && !why)
		return;
	ob_buf_addf(o, "%s  %-12s ", indent, label);
	if (out == OB_FAILED)
		ob_buf_adds(o, d == OB_DIM_CONFORMANT && !r->strict ? "WARNING: " : "NO: ");
	else if (out == OB_NOT_CHECKED)
		ob_buf_adds(o, "not checked: ");
	else
		ob_buf_adds(o, "yes: ");
	if (why) {
		ob_text_add_safe(o, why->message);
	} else {
		for (i = 0; i < r->nchecks; i++)
			if (explains(&r->checks[i], d)) {
				if (!first)
					ob_buf_adds(o, "; ");
				ob_text_add_safe(o, r->checks[i].message);
				first = 0;
			}
	}
	ob_buf_addc(o, '\n');
}

static void field(ob_buf *o, const char *indent, const char *label, const char *value)
{
	if (!value)
		return;
	ob_buf_addf(o, "%s  %-12s ", indent, label);
	ob_text_add_safe(o, value);
	ob_buf_addc(o, '\n');
}

/* 1 when the report shows a field of the Displayer's view. */
static int claims_shown(const ob_report *r)
{
	const ob_display *d = r->display;

	return d && (d->description || d->image || d->criteria || d->criteria_url || d->awarded || d->name ||
		     d->endorses || d->comment || d->evidence || d->results || d->alignments);
}

/* The image in words: a data: URI by its media type and size (the page
 * shows it), a URL as written. */
static void image_field(ob_buf *o, const char *indent, const char *label, const char *img)
{
	const char *comma;

	if (!img)
		return;
	ob_buf_addf(o, "%s  %-12s ", indent, label);
	if (ob_display_image_kind(img) == OB_IMAGE_SHOW_INLINE && (comma = strchr(img, ','))) {
		char *type = strndup(img + 5, (size_t)(comma - img - 5));
		ob_text_add_safe(o, type ? type : "image");
		ob_buf_addf(o, " (embedded, %zu bytes)", strlen(comma + 1));
		free(type);
	} else {
		ob_text_add_safe(o, img);
		if (ob_display_image_kind(img) == OB_IMAGE_SHOW_NONE)
			ob_buf_adds(o, " (not shown: neither an https URL nor a data:image URI)");
	}
	ob_buf_addc(o, '\n');
}

/* The Displayer's single fields: an endorsement's name, subject and
 * comment; description, criteria, image, awarded date. */
static void display_fields(const ob_report *r, ob_buf *o, const char *indent, int fact)
{
	const ob_display *d = r->display;

	if (!d)
		return;
	if (d->endorsement) {
		field(o, indent, fact ? "Endorsement:" : "Endorsement?", d->name);
		field(o, indent, fact ? "Endorses:" : "Endorses?", d->endorses);
		field(o, indent, fact ? "Comment:" : "Comment?", d->comment);
	}
	field(o, indent, fact ? "Description:" : "Description?", d->description);
	field(o, indent, fact ? "Criteria:" : "Criteria?", d->criteria);
	field(o, indent, fact ? "Criteria at:" : "Criteria at?", d->criteria_url);
	image_field(o, indent, fact ? "Image:" : "Image?", d->image);
	field(o, indent, fact ? "Awarded:" : "Awarded?", d->awarded);
}

/* One line per item of evidence, results and alignments. */
static void display_lists(const ob_report *r, ob_buf *o, const char *indent, int fact)
{
	const ob_display *d = r->display;
	const json_t *v;
	ob_buf line = OB_BUF_INIT;
	size_t i;

	if (!d)
		return;
	json_array_foreach(d->evidence, i, v) {
		ob_buf_truncate(&line, 0);
		if (!ob_display_evidence(v, &line) && line.len)
			field(o, indent, fact ? "Evidence:" : "Evidence?", line.data);
	}
	json_array_foreach(d->results, i, v) {
		ob_buf_truncate(&line, 0);
		if (!ob_display_result(d, v, &line) && line.len)
			field(o, indent, fact ? "Result:" : "Result?", line.data);
	}
	json_array_foreach(d->alignments, i, v) {
		ob_buf_truncate(&line, 0);
		if (!ob_display_alignment(v, &line) && line.len)
			field(o, indent, fact ? "Aligned to:" : "Aligned to?", line.data);
	}
	ob_buf_release(&line);
}

/* "Endorsed:    2 endorsements: 1 VALID, 1 INVALID (...)": each is
 * shown below with its own report. */
static void endorsed_line(const ob_report *r, ob_buf *o, const char *indent)
{
	const ob_display *d = r->display;
	size_t i, n[3] = { 0, 0, 0 };

	if (!d || !d->nendorsements)
		return;
	for (i = 0; i < d->nendorsements; i++)
		n[d->endorsements[i]->verdict]++;
	ob_buf_addf(o, "%s  %-12s %zu endorsement%s:", indent, "Endorsed:", d->nendorsements,
		    d->nendorsements == 1 ? "" : "s");
	if (n[OB_VALID])
		ob_buf_addf(o, " %zu VALID", n[OB_VALID]);
	if (n[OB_INVALID])
		ob_buf_addf(o, "%s %zu INVALID", n[OB_VALID] ? "," : "", n[OB_INVALID]);
	if (n[OB_UNDECIDED])
		ob_buf_addf(o, "%s %zu UNDECIDED", n[OB_VALID] || n[OB_INVALID] ? "," : "", n[OB_UNDECIDED]);
	ob_buf_adds(o, n[OB_VALID] == d->nendorsements ? " (each shown below)\n" :
		    " (each shown below; the verdict above does not depend on them)\n");
}

static void render_text(const ob_report *r, ob_buf *o, const char *indent)
{
	static const char *const marks[] = { "passed     ", "FAILED     ", "not checked" };
	const int pres = !strcmp(r->kind, "presentation"), fact = r->verdict == OB_VALID;
	size_t i;

	ob_buf_adds(o, indent);
	ob_report_headline(r, o);
	ob_buf_addc(o, '\n');
	ob_buf_addf(o, "%s  %-12s %s\n", indent, "What:", kind_words(r));
	dim_line(r, OB_DIM_AUTHENTIC, "Authentic:", o, indent);
	if (!pres && r->issuer_id) {
		ob_buf_addf(o, "%s  %-12s ", indent, "Issuer:");
		if (r->identity == OB_IDENTITY_REGISTRY) {
			ob_text_add_safe(o, r->registered_name);
			ob_buf_adds(o, " (listed in ");
			ob_text_add_safe(o, r->registry_name);
			ob_buf_adds(o, "); ");
		} else if (r->identity == OB_IDENTITY_DOMAIN) {
			ob_text_add_safe(o, r->issuer_domain);
			ob_buf_adds(o, " (domain verified); ");
		} else {
			ob_buf_adds(o, fact ? "not verified: " : "claimed: ");
		}
		claimed_issuer(r, o);
		if (r->issuer_name) {
			ob_buf_adds(o, "; ");
			ob_text_add_safe(o, r->issuer_id);
		}
		ob_buf_addc(o, '\n');
	}
	dim_line(r, OB_DIM_CURRENT, "Current:", o, indent);
	dim_line(r, OB_DIM_CONFORMANT, "Conformant:", o, indent);
	dim_line(r, OB_DIM_HOLDER, pres ? "Holder:" : "Recipient:", o, indent);
	endorsed_line(r, o, indent);
	field(o, indent, fact ? "Achievement:" : "Achievement?", r->achievement_name);
	display_fields(r, o, indent, fact);
	if (!r->display || !r->display->endorsement) /* an endorsement's subject is "Endorses" */
		field(o, indent, pres ? "Holder id:" : fact ? "Learner:" : "Learner?", r->learner);
	display_lists(r, o, indent, fact);
	field(o, indent, "Valid from:", r->valid_from);
	field(o, indent, "Valid until:", r->valid_until);
	field(o, indent, "Id:", r->credential_id);
	if (!fact && (r->achievement_name || r->learner || claims_shown(r)))
		ob_buf_addf(o, "%s  (a ? marks what the document claims; nothing vouches for it)\n", indent);
	ob_buf_addf(o, "%s  Checks:\n", indent);
	for (i = 0; i < r->nchecks; i++) {
		ob_buf_addf(o, "%s    %s  %-10s ", indent, marks[r->checks[i].outcome], r->checks[i].id);
		ob_text_add_safe(o, r->checks[i].message);
		ob_buf_addc(o, '\n');
	}
	for (i = 0; i < r->nnested; i++) {
		char in[64];
		snprintf(in, sizeof(in), "%s    ", indent);
		ob_buf_addf(o, "%s  Credential %zu of %zu:\n", indent, i + 1, r->nnested);
		render_text(r->nested[i], o, in);
	}
	for (i = 0; r->display && i < r->display->nendorsements; i++) {
		char in[64];
		snprintf(in, sizeof(in), "%s    ", indent);
		ob_buf_addf(o, "%s  Endorsement %zu of %zu (of the %s):\n", indent, i + 1, r->display->nendorsements,
			    ob_endorsed_name(r->display->where[i]));
		render_text(r->display->endorsements[i], o, in);
	}
}

int ob_report_render_text(const ob_report *r, ob_buf *out)
{
	render_text(r, out, "");
	return out->oom ? -1 : 0;
}

static int set_str(json_t *o, const char *k, const char *v)
{
	return v ? json_object_set_new(o, k, json_string(v)) : 0;
}

/* {"outcome", "reason"} of one dimension; conformance adds "errors". */
static json_t *dim_json(const ob_report *r, ob_dim d)
{
	const ob_check *why;
	ob_outcome out = ob_report_dimension(r, d, &why);
	json_t *o = json_object(), *errs = NULL;
	ob_buf reason = OB_BUF_INIT;
	size_t i;
	int bad = !o;

	if (why)
		ob_buf_adds(&reason, why->message ? why->message : "");
	else
		for (i = 0; i < r->nchecks; i++)
			if (explains(&r->checks[i], d)) {
				if (reason.len)
					ob_buf_adds(&reason, "; ");
				ob_buf_adds(&reason, r->checks[i].message ? r->checks[i].message : "");
			}
	bad |= reason.oom;
	bad |= json_object_set_new(o, "outcome", json_string(ob_outcome_name(out)));
	bad |= json_object_set_new(o, "reason", json_stringn(reason.data ? reason.data : "", reason.len));
	if (d == OB_DIM_CONFORMANT) {
		errs = json_array();
		bad |= !errs;
		for (i = 0; errs && i < r->nchecks; i++)
			if (r->checks[i].dim == d && r->checks[i].outcome == OB_FAILED)
				bad |= json_array_append_new(errs, json_string(r->checks[i].message ? r->checks[i].message : ""));
		bad |= json_object_set_new(o, "errors", errs);
		bad |= json_object_set_new(o, "severity", json_string(r->strict ? "error" : "warning"));
	}
	ob_buf_release(&reason);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* An array of the plain-words texts of a list (evidence, results,
 * alignments); fmt makes one. */
static int list_json(json_t *sum, const char *key, const ob_display *d, const json_t *list,
		     int (*fmt)(const ob_display *d, const json_t *v, ob_buf *out))
{
	json_t *a;
	const json_t *v;
	ob_buf line = OB_BUF_INIT;
	size_t i;
	int bad = 0;

	if (!json_array_size(list))
		return 0;
	if (!(a = json_array()))
		return -1;
	json_array_foreach(list, i, v) {
		ob_buf_truncate(&line, 0);
		bad |= fmt(d, v, &line);
		bad |= json_array_append_new(a, json_stringn(line.data ? line.data : "", line.len));
	}
	ob_buf_release(&line);
	bad |= json_object_set_new(sum, key, a);
	return bad ? -1 : 0;
}

static int fmt_evidence(const ob_display *d, const json_t *v, ob_buf *out)
{
	(void)d;
	return ob_display_evidence(v, out);
}

static int fmt_alignment(const ob_display *d, const json_t *v, ob_buf *out)
{
	(void)d;
	return ob_display_alignment(v, out);
}

/* The Displayer's fields in the summary (new members only, so older
 * consumers read the summary as before). */
static int display_json(const ob_display *d, json_t *sum)
{
	static const char *const show[] = { "none", "inline", "link" };
	json_t *crit, *e;
	int bad = 0;

	if (!d)
		return 0;
	if (d->endorsement) {
		e = json_object();
		bad |= !e;
		bad |= set_str(e, "name", d->name);
		bad |= set_str(e, "endorses", d->endorses);
		bad |= set_str(e, "comment", d->comment);
		bad |= json_object_set_new(sum, "endorsement", e);
	}
	bad |= set_str(sum, "description", d->description);
	if (d->image) {
		bad |= set_str(sum, "image", d->image);
		bad |= set_str(sum, "imageDisplay", show[ob_display_image_kind(d->image)]);
	}
	if (d->criteria || d->criteria_url) {
		crit = json_object();
		bad |= !crit;
		bad |= set_str(crit, "narrative", d->criteria);
		bad |= set_str(crit, "id", d->criteria_url);
		bad |= json_object_set_new(sum, "criteria", crit);
	}
	bad |= set_str(sum, "awardedDate", d->awarded);
	bad |= list_json(sum, "evidence", d, d->evidence, fmt_evidence);
	bad |= list_json(sum, "results", d, d->results, ob_display_result);
	bad |= list_json(sum, "alignments", d, d->alignments, fmt_alignment);
	return bad ? -1 : 0;
}

/* "endorsements": each embedded endorsement's own report, with where it
 * sits ("endorsed": "issuer", ...). */
static int endorsements_json(const ob_display *d, json_t *o)
{
	json_t *a, *e;
	size_t i;
	int bad = 0;

	if (!d || !d->nendorsements)
		return 0;
	if (!(a = json_array()))
		return -1;
	for (i = 0; i < d->nendorsements; i++) {
		e = ob_report_to_json(d->endorsements[i]);
		bad |= !e;
		bad |= json_object_set_new(e, "endorsed", json_string(ob_endorsed_name(d->where[i])));
		bad |= json_array_append_new(a, e);
	}
	bad |= json_object_set_new(o, "endorsements", a);
	return bad ? -1 : 0;
}

json_t *ob_report_to_json(const ob_report *r)
{
	json_t *o = json_object(), *sum = json_object(), *checks = json_array(), *nested = NULL;
	ob_buf head = OB_BUF_INIT;
	const ob_check *hw;
	size_t i;
	int bad = !o || !sum || !checks;
	const int pres = !strcmp(r->kind, "presentation");

	bad |= json_object_set_new(o, "verified", json_boolean(r->verdict == OB_VALID));
	bad |= json_object_set_new(o, "verdict", json_string(ob_verdict_name(r->verdict)));
	bad |= json_object_set_new(o, "kind", json_string(r->kind));
	bad |= ob_report_headline(r, &head) < 0;
	bad |= json_object_set_new(o, "headline", json_stringn(head.data ? head.data : "", head.len));
	ob_buf_release(&head);
	bad |= json_object_set_new(o, "authentic", dim_json(r, OB_DIM_AUTHENTIC));
	bad |= json_object_set_new(o, "current", dim_json(r, OB_DIM_CURRENT));
	bad |= json_object_set_new(o, "conformant", dim_json(r, OB_DIM_CONFORMANT));
	if (pres || ob_report_dimension(r, OB_DIM_HOLDER, &hw) != OB_NOT_CHECKED || hw)
		bad |= json_object_set_new(o, "holder", dim_json(r, OB_DIM_HOLDER));
	if (!pres) {
		bad |= json_object_set_new(o, "issuerIdentity", json_string(ob_identity_name(r->identity)));
		bad |= set_str(o, "issuerIdentityBasis", r->identity == OB_IDENTITY_DOMAIN ? r->issuer_domain :
			       r->identity == OB_IDENTITY_REGISTRY ? r->registry_name : NULL);
		bad |= set_str(o, "issuerRegisteredName", r->identity == OB_IDENTITY_REGISTRY ? r->registered_name : NULL);
		bad |= set_str(o, "issuerDomain", r->identity != OB_IDENTITY_SELF ? r->issuer_domain : NULL);
	}
	bad |= set_str(sum, "id", r->credential_id);
	bad |= set_str(sum, "issuer", r->issuer_id);
	bad |= set_str(sum, "issuerName", r->issuer_name);
	bad |= set_str(sum, "achievement", r->achievement_name);
	bad |= set_str(sum, pres ? "holder" : "learner", r->learner);
	bad |= set_str(sum, "validFrom", r->valid_from);
	bad |= set_str(sum, "validUntil", r->valid_until);
	bad |= display_json(r->display, sum);
	bad |= json_object_set_new(sum, "claimsOnly", json_boolean(r->verdict != OB_VALID));
	bad |= json_object_set(o, "summary", sum);
	for (i = 0; i < r->nchecks; i++)
		bad |= json_array_append_new(checks, json_pack("{s:s, s:s, s:s, s:s}",
			"id", r->checks[i].id ? r->checks[i].id : "",
			"outcome", ob_outcome_name(r->checks[i].outcome),
			"message", r->checks[i].message ? r->checks[i].message : "",
			"dimension", ob_dim_name(r->checks[i].dim)));
	bad |= json_object_set(o, "checks", checks);
	if (r->nnested) {
		nested = json_array();
		for (i = 0; nested && i < r->nnested; i++)
			bad |= json_array_append_new(nested, ob_report_to_json(r->nested[i]));
		bad |= json_object_set(o, "credentials", nested);
	}
	bad |= endorsements_json(r->display, o);
	json_decref(sum);
	json_decref(checks);
	json_decref(nested);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
