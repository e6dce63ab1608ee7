#include "verify.h"

#include <zlib.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bake.h"
#include "clr.h"
#include "codec.h"
#include "dates.h"
#include "did.h"
#include "jcs.h"
#include "json.h"
#include "jwt.h"
#include "ob3.h"
#include "status.h"
#include "suite.h"

#define CTX_V1 "https://www.w3.org/2018/credentials/v1"
#define CTX_V2 "https://www.w3.org/ns/credentials/v2"

/* Nested presentations and credentials deeper than this are refused. */
#define MAX_NESTING 4

static ob_report *verify_doc(const json_t *doc, const ob_verify_opts *opts, int depth);

const char *ob_verdict_name(ob_verdict v)
{
	return v == OB_VALID ? "valid" : v == OB_INVALID ? "invalid" : "undecided";
}

const char *ob_outcome_name(ob_outcome o)
{
	return o == OB_PASSED ? "passed" : o == OB_FAILED ? "failed" : "not checked";
}

const ob_check *ob_report_first_problem(const ob_report *r)
{
	const ob_check *c;
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].outcome == OB_FAILED)
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
	free(r);
}

/* Appends a check. Allocation failure drops the message but never the
 * outcome: a failed check must not vanish, so it is kept as oom. */
static void add(ob_report *r, const char *id, ob_outcome o, int blocking, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void add(ob_report *r, const char *id, ob_outcome o, int blocking, const char *fmt, ...)
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
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Plain-words name of a value that may be a string or a language map. */
static const char *text_of(const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v))
		return text_of(json_array_get(v, 0));
	if (json_is_object(v))
		return ob_json_str(v, "@value");
	return NULL;
}

static void fill_summary(ob_report *r, const json_t *cred)
{
	const json_t *iss = json_object_get(cred, "issuer");
	const json_t *subj = ob3_subject(cred), *ach;
	const char *from, *until;

	r->credential_id = dup_or_null(ob_json_str(cred, "id"));
	r->issuer_id = dup_or_null(ob3_issuer_id(cred));
	if (json_is_object(iss))
		r->issuer_name = dup_or_null(text_of(json_object_get(iss, "name")));
	ach = json_object_get(subj, "achievement");
	if (json_is_array(ach))
		ach = json_array_get(ach, 0);
	r->achievement_name = dup_or_null(text_of(json_object_get(ach, "name")));
	if (!r->achievement_name)
		r->achievement_name = dup_or_null(text_of(json_object_get(cred, "name")));
	if (text_of(json_object_get(subj, "name")))
		r->learner = dup_or_null(text_of(json_object_get(subj, "name")));
	else if (ob_json_str(subj, "id"))
		r->learner = dup_or_null(ob_json_str(subj, "id"));
	else if (json_object_get(subj, "identifier")) {
		const json_t *io = json_array_get(json_object_get(subj, "identifier"), 0);
		char buf[128];
		snprintf(buf, sizeof(buf), "identified by %s%s",
			 ob_json_str(io, "identityType") ? ob_json_str(io, "identityType") : "identifier",
			 json_is_true(json_object_get(io, "hashed")) ? " (hashed)" : "");
		r->learner = strdup(buf);
	}
	from = ob_json_str(cred, "validFrom");
	if (!from)
		from = ob_json_str(cred, "issuanceDate");
	until = ob_json_str(cred, "validUntil");
	if (!until)
		until = ob_json_str(cred, "expirationDate");
	r->valid_from = dup_or_null(from);
	r->valid_until = dup_or_null(until);
}

/* VCDM 2.0 4.3, 4.5, 4.7, 4.8 (and 1.1 for older badges). */
static int check_vc_structure(ob_report *r, const json_t *cred)
{
	const json_t *ctx = json_object_get(cred, "@context");
	const char *first = json_string_value(json_array_get(ctx, 0));

	if (!json_is_array(ctx) || !first || (strcmp(first, CTX_V2) && strcmp(first, CTX_V1))) {
		add(r, "structure", OB_FAILED, 0, "@context must be an array starting with %s", CTX_V2);
		return -1;
	}
	if (!ob_json_has_value(json_object_get(cred, "type"), "VerifiableCredential")) {
		add(r, "structure", OB_FAILED, 0, "type must include VerifiableCredential");
		return -1;
	}
	if (!ob3_issuer_id(cred)) {
		add(r, "structure", OB_FAILED, 0, "missing required field issuer (a URI or an object with id)");
		return -1;
	}
	if (!json_is_object(ob3_subject(cred))) {
		add(r, "structure", OB_FAILED, 0, "missing required field credentialSubject");
		return -1;
	}
	add(r, "structure", OB_PASSED, 0, "a Verifiable Credential (%s)",
	    strcmp(first, CTX_V2) ? "VC data model 1.1" : "VC data model 2.0");
	return 0;
}

static void check_openbadge(ob_report *r, const json_t *cred)
{
	ob_error e = { 0 };

	if (!ob3_is_openbadge(cred)) {
		add(r, "openbadges", OB_NOT_CHECKED, 0,
		    "not an Open Badges credential; Open Badges fields not checked");
		return;
	}
	if (ob3_check_required(cred, &e))
		add(r, "openbadges", OB_FAILED, 0, "%s", e.msg);
	else
		add(r, "openbadges", OB_PASSED, 0, "every field Open Badges 3.0 requires is present");
}

static void check_dates(ob_report *r, const json_t *cred, const ob_verify_opts *opts)
{
	time_t now = ob_date_now(opts->now), from, until;
	const char *f = r->valid_from, *u = r->valid_until;
	int zone;

	if (f && ob_date_parse(f, &from, &zone) < 0) {
		add(r, "dates", OB_FAILED, 0, "validFrom '%s' is not a valid date-time", f);
		return;
	}
	if (u && ob_date_parse(u, &until, &zone) < 0) {
		add(r, "dates", OB_FAILED, 0, "validUntil '%s' is not a valid date-time", u);
		return;
	}
	if (f && now < from) {
		add(r, "dates", OB_FAILED, 0, "not yet valid: valid from %s", f);
		return;
	}
	if (u && now >= until) {
		add(r, "dates", OB_FAILED, 0, "expired on %s", u);
		return;
	}
	(void)cred;
	if (u)
		add(r, "dates", OB_PASSED, 0, "within its validity period (%s to %s)", f ? f : "-", u);
	else
		add(r, "dates", OB_PASSED, 0, "valid from %s, no end date", f ? f : "-");
}

/* Bitstring Status List 1.0 3.2: fetch the list credential, verify it,
 * check issuer and purpose, read bit i (MSB first: index 0 is the high bit
 * of byte 0). Anything that stops the check leaves the verdict open; only
 * a set bit makes the credential invalid. */
static void check_status_entry(ob_report *r, const json_t *cred, const json_t *st,
			       const ob_verify_opts *opts, int depth)
{
	const char *type = ob_json_str(st, "type");
	const char *url = ob_json_str(st, "statusListCredential");
	const char *purpose = ob_json_str(st, "statusPurpose");
	const json_t *idx = json_object_get(st, "statusListIndex"), *list, *subj;
	const char *list_issuer, *enc;
	ob_report *lr = NULL;
	ob_buf bits = OB_BUF_INIT;
	ob_error e = { 0 };
	long long i = -1;
	char *end;
	int bit;

	if (!type || (strcmp(type, "BitstringStatusListEntry") && strcmp(type, "StatusList2021Entry"))) {
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s is not supported",
		    type ? type : "a status entry without a type");
		return;
	}
	/* the index is a base-10 string; the 1EdTech sample has a number */
	if (json_is_string(idx)) {
		const char *v = json_string_value(idx);
		if (*v >= '0' && *v <= '9') {
			i = strtoll(v, &end, 10);
			if (*end)
				i = -1;
		}
	} else if (json_is_number(idx) && json_number_value(idx) >= 0 &&
		   json_number_value(idx) == (double)(long long)json_number_value(idx))
		i = (long long)json_number_value(idx);
	if (!url || !purpose || i < 0) {
		add(r, "status", OB_FAILED, 0, "malformed %s: needs statusListCredential, statusPurpose and a statusListIndex", type);
		return;
	}
	if (depth >= MAX_NESTING) {
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: status lists nested too deep");
		return;
	}
	if (!(list = ob_loader_get_remote(opts->loader, url, &e))) {
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s", e.msg);
		return;
	}
	lr = verify_doc(list, opts, depth + 1);
	if (!lr || lr->verdict != OB_VALID) {
		const ob_check *why = lr ? ob_report_first_problem(lr) : NULL;
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s does not verify%s%s%s%s%s",
		    url, why ? " (" : "", why ? why->id : "", why ? ": " : "", why ? why->message : "", why ? ")" : "");
		goto out;
	}
	list_issuer = ob3_issuer_id(list);
	if (!list_issuer || !ob3_issuer_id(cred) || strcmp(list_issuer, ob3_issuer_id(cred)) != 0) {
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s was issued by %s, not by the credential's issuer",
		    url, list_issuer ? list_issuer : "(nobody)");
		goto out;
	}
	subj = ob3_subject(list);
	if (!ob_json_has_value(json_object_get(subj, "statusPurpose"), purpose)) {
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s is not for %s", url, purpose);
		goto out;
	}
	if (!(enc = ob_json_str(subj, "encodedList")) || ob_status_decode(enc, &bits, &e)) {
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s", e.msg[0] ? e.msg : "no encodedList");
		goto out;
	}
	if ((unsigned long long)i / 8 >= bits.len) {
		add(r, "status", OB_FAILED, 0, "status index %lld is outside the status list (%zu entries)", i, bits.len * 8);
		goto out;
	}
	bit = ((unsigned char)bits.data[i / 8] >> (7 - i % 8)) & 1;
	if (bit)
		add(r, "status", OB_FAILED, 0, "%s: the issuer has %s this credential (%s, index %lld)",
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : purpose,
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : "flagged",
		    url, i);
	else
		add(r, "status", OB_PASSED, 0, "not %s (%s, index %lld)",
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : purpose,
		    url, i);
out:
	ob_report_free(lr);
	ob_buf_release(&bits);
}

/* Issuer registries (--registry) say who an issuer is. A miss is worth
 * a warning, not a failure: it is "not checked" and never blocks, so it
 * neither passes nor fails the credential. */
static void check_registry(ob_report *r, const ob_verify_opts *opts)
{
	ob_registry_entry e;

	if (!ob_registry_count(opts->registries))
		return;
	if (!r->issuer_id)
		add(r, "registry", OB_NOT_CHECKED, 0, "warning: no issuer to look up in the registries");
	else if (ob_registry_lookup(opts->registries, r->issuer_id, &e))
		add(r, "registry", OB_PASSED, 0, "issuer known as %s (registry %s)%s%s", e.name, e.registry,
		    e.url ? ", " : "", e.url ? e.url : "");
	else
		add(r, "registry", OB_NOT_CHECKED, 0, "warning: issuer not in any registry (%zu searched)",
		    ob_registry_count(opts->registries));
}

static void check_status(ob_report *r, const json_t *cred, const ob_verify_opts *opts, int depth)
{
	const json_t *st = json_object_get(cred, "credentialStatus"), *e;
	size_t i;

	if (!st) {
		add(r, "status", OB_PASSED, 0, "no status entry: the issuer cannot revoke this credential");
		return;
	}
	if (!json_is_array(st)) {
		check_status_entry(r, cred, st, opts, depth);
		return;
	}
	json_array_foreach(st, i, e)
		check_status_entry(r, cred, e, opts, depth);
}

/* 1 when doc cannot be turned into RDF without losing data (safe mode). */
static int data_loss(const json_t *doc, const ob_suite *s, const ob_verify_opts *opts, ob_error *e)
{
	ob_buf canon = OB_BUF_INIT;
	ob_error ce = { 0 };
	ob_code rc = ob_rdfc_canonize_json(doc, opts->loader, s == &ob_suite_ed25519_2020, 0, &canon, &ce);

	ob_buf_release(&canon);
	if (rc != OB_EINVALID && rc != OB_EPARSE)
		return 0;
	ob_error_clear(e);
	ob_fail(e, OB_EINVALID, "%s: %s", s->name, ce.msg);
	return 1;
}

/* Checks every proof of doc (VC-DI 4.4/4.5). expected_controller is the
 * issuer (credentials) or holder (presentations; NULL when absent). */
static void check_proofs(ob_report *r, const json_t *doc, const char *purpose,
			 const char *expected_controller, const ob_verify_opts *opts)
{
	const json_t *proofs = json_object_get(doc, "proof");
	size_t n, i, passed = 0, failed = 0, first_open = r->nchecks;
	json_t *unsecured;

	if (!proofs) {
		add(r, "proof", OB_FAILED, 0, "no proof: the document is not signed");
		return;
	}
	n = json_is_array(proofs) ? json_array_size(proofs) : 1;
	if (n == 0) {
		add(r, "proof", OB_FAILED, 0, "no proof: the proof list is empty");
		return;
	}
	unsecured = json_copy((json_t *)doc);
	if (!unsecured) {
		add(r, "proof", OB_FAILED, 0, "out of memory");
		return;
	}
	json_object_del(unsecured, "proof");
	for (i = 0; i < n; i++) {
		const json_t *p = json_is_array(proofs) ? json_array_get(proofs, i) : proofs;
		const ob_suite *s;
		ob_error e = { 0 };
		ob_vm vm;
		char id[32], kid[32];

		snprintf(id, sizeof(id), n > 1 ? "proof[%zu]" : "proof", i);
		snprintf(kid, sizeof(kid), n > 1 ? "key[%zu]" : "key", i);
		if (!json_is_object(p)) {
			add(r, id, OB_FAILED, 0, "proof is not an object");
			failed++;
			continue;
		}
		s = ob_suite_for_proof(p);
		if (!s) {
			const char *t = ob_json_str(p, "type"), *cs = ob_json_str(p, "cryptosuite");
			add(r, id, OB_NOT_CHECKED, 1, "unknown proof type %s%s%s", t ? t : "(none)",
			    cs ? "/" : "", cs ? cs : "");
			continue;
		}
		if (!s->implemented) {
			add(r, id, OB_NOT_CHECKED, 1, "suite not supported: %s", s->name);
			continue;
		}
		if (ob_proof_check_options(p, purpose, opts->challenge, opts->domain, &e)) {
			add(r, id, OB_FAILED, 0, "%s", e.msg);
			failed++;
			continue;
		}
		if (ob_did_resolve(ob_json_str(p, "verificationMethod"), purpose, opts->loader, &vm, &e)) {
			if (e.code == OB_ENET || e.code == OB_EUNSUPPORTED) {
				add(r, kid, OB_NOT_CHECKED, 1, "could not resolve the key: %s", e.msg);
				/* without the key the signature stays unchecked, but a
				 * document that cannot be canonicalized (data loss) is
				 * broken whoever signed it */
				if (s != &ob_suite_eddsa_jcs_2022 && data_loss(unsecured, s, opts, &e)) {
					add(r, id, OB_FAILED, 0, "%s", e.msg);
					failed++;
				}
			} else {
				add(r, kid, OB_FAILED, 0, "%s", e.msg);
				failed++;
			}
			continue;
		}
		add(r, kid, OB_PASSED, 0, "key %s resolved", vm.id);
		/* VC-DI 2.6: the method's controller must be the issuer/holder */
		if (expected_controller && strcmp(vm.controller, expected_controller) != 0) {
			add(r, id, OB_FAILED, 0, "the signing key belongs to %s, not to %s %s",
			    vm.controller, strcmp(purpose, "authentication") ? "the issuer" : "the holder",
			    expected_controller);
			failed++;
		} else if (s->verify(unsecured, p, vm.key, opts->loader, &e)) {
			add(r, id, e.code == OB_EINVALID ? OB_FAILED : OB_NOT_CHECKED, 1,
			    "%s: %s", s->name, e.msg);
			if (e.code == OB_EINVALID)
				failed++;
		} else {
			add(r, id, OB_PASSED, 0, "%s signature verifies%s", s->name,
			    expected_controller ? (strcmp(purpose, "authentication") ?
						   ", made by the issuer's key" : ", made by the holder's key") : "");
			passed++;
		}
		ob_vm_release(&vm);
	}
	json_decref(unsecured);
	/* OB 3.0 8: with several proofs one valid proof suffices, as long
	 * as none is wrong; proofs we cannot check then do not block. */
	if (passed && !failed)
		for (i = first_open; i < r->nchecks; i++)
			r->checks[i].blocking = 0;
}

static void verdict_from_checks(ob_report *r)
{
	size_t i;
	int open = 0;

	if (r->verdict == OB_INVALID)
		return;
	for (i = 0; i < r->nchecks; i++) {
		if (r->checks[i].outcome == OB_FAILED) {
			r->verdict = OB_INVALID;
			return;
		}
		if (r->checks[i].blocking)
			open = 1;
	}
	for (i = 0; i < r->nnested; i++) {
		if (r->nested[i]->verdict == OB_INVALID) {
			r->verdict = OB_INVALID;
			return;
		}
		if (r->nested[i]->verdict == OB_UNDECIDED)
			open = 1;
	}
	r->verdict = open ? OB_UNDECIDED : OB_VALID;
}

static ob_report *verify_jwt_text(const char *text, size_t len, const ob_verify_opts *opts, int depth);

/* Verifies each credential a presentation or a CLR holds, on its own,
 * into r->nested; a bad one makes the container invalid
 * (verdict_from_checks). The challenge and domain belong to the outer
 * document only. */
static void verify_nested(ob_report *r, const json_t *vcs, size_t n, const ob_verify_opts *opts,
			  int depth)
{
	ob_verify_opts inner = *opts;
	size_t i;

	inner.challenge = inner.domain = NULL;
	r->nested = calloc(n, sizeof(*r->nested));
	if (!r->nested) {
		r->verdict = OB_INVALID;
		return;
	}
	for (i = 0; i < n; i++) {
		const json_t *vc = json_is_array(vcs) ? json_array_get(vcs, i) : vcs;
		const char *jid = ob_json_str(vc, "id");
		ob_report *nr;

		if (jid && ob_json_has_value(json_object_get(vc, "type"), "EnvelopedVerifiableCredential") &&
		    !strncmp(jid, "data:application/vc+jwt,", 24))
			nr = verify_jwt_text(jid + 24, strlen(jid + 24), &inner, depth + 1);
		else
			nr = verify_doc(vc, &inner, depth + 1);
		if (!nr) {
			r->verdict = OB_INVALID;
			break;
		}
		r->nested[r->nnested++] = nr;
	}
}

/* CLR 2.0 (spec/clr2.md): the record's own shape, then every credential
 * it bundles, each verified with the full procedure. One bad nested
 * credential makes the whole record invalid: a transcript that vouches
 * for a forged or revoked badge cannot be trusted as a whole (the
 * per-item reports say which one). */
static void check_clr(ob_report *r, const json_t *cred, const ob_verify_opts *opts, int depth)
{
	const json_t *vcs;
	ob_error e = { 0 };
	size_t n;

	if (ob_clr_check_required(cred, &e)) {
		add(r, "clr", OB_FAILED, 0, "%s", e.msg);
		return;
	}
	vcs = ob_clr_credentials(cred, &n);
	if (depth >= MAX_NESTING) {
		add(r, "clr", OB_FAILED, 0, "credentials nested deeper than %d levels", MAX_NESTING);
		return;
	}
	verify_nested(r, vcs, n, opts, depth);
	add(r, "clr", OB_PASSED, 0, "a Comprehensive Learner Record of %zu credential%s, each verified below%s",
	    r->nnested, r->nnested == 1 ? "" : "s",
	    json_is_true(json_object_get(cred, "partial")) ? " (marked partial by its issuer)" : "");
}

static void verify_credential(ob_report *r, const json_t *cred, const ob_verify_opts *opts, int depth)
{
	r->kind = "credential";
	fill_summary(r, cred);
	if (check_vc_structure(r, cred) < 0)
		return;
	if (ob_clr_is_clr(cred)) {
		r->kind = "clr";
		check_clr(r, cred, opts, depth);
	} else {
		check_openbadge(r, cred);
	}
	check_proofs(r, cred, "assertionMethod", ob3_issuer_id(cred), opts);
	check_dates(r, cred, opts);
	check_status(r, cred, opts, depth);
	check_registry(r, opts);
}


static void verify_presentation(ob_report *r, const json_t *vp, const ob_verify_opts *opts, int depth)
{
	const json_t *vcs = json_object_get(vp, "verifiableCredential"), *holder;
	const char *holder_id;
	size_t n;

	r->kind = "presentation";
	holder = json_object_get(vp, "holder");
	holder_id = json_is_string(holder) ? json_string_value(holder) : ob_json_str(holder, "id");
	r->learner = dup_or_null(holder_id);
	add(r, "structure", OB_PASSED, 0, "a Verifiable Presentation%s%s",
	    holder_id ? " by " : "", holder_id ? holder_id : "");
	check_proofs(r, vp, "authentication", holder_id, opts);
	if (!opts->challenge)
		add(r, "challenge", OB_NOT_CHECKED, 0,
		    "no challenge was expected (--challenge), so this presentation could be replayed");
	n = json_is_array(vcs) ? json_array_size(vcs) : vcs ? 1 : 0;
	if (n == 0) {
		add(r, "credentials", OB_NOT_CHECKED, 0, "the presentation holds no credential");
		return;
	}
	verify_nested(r, vcs, n, opts, depth);
	add(r, "credentials", OB_PASSED, 0, "%zu credential%s inside, each verified below",
	    r->nnested, r->nnested == 1 ? "" : "s");
}

static ob_report *new_report(void)
{
	ob_report *r = calloc(1, sizeof(*r));

	if (r)
		r->verdict = OB_VALID;
	return r;
}

static ob_report *verify_doc(const json_t *doc, const ob_verify_opts *opts, int depth)
{
	ob_report *r = new_report();

	if (!r)
		return NULL;
	r->kind = "credential";
	if (!json_is_object(doc)) {
		add(r, "structure", OB_FAILED, 0, "not a JSON object");
		goto out;
	}
	r->document = json_incref((json_t *)doc);
	if (depth > MAX_NESTING) {
		add(r, "structure", OB_FAILED, 0, "presentations nested deeper than %d levels", MAX_NESTING);
		goto out;
	}
	if (ob_json_has_value(json_object_get(doc, "type"), "VerifiablePresentation"))
		verify_presentation(r, doc, opts, depth);
	else
		verify_credential(r, doc, opts, depth);
out:
	verdict_from_checks(r);
	return r;
}

/* A presentation as a JWT (VC Data Model 1.1 6.3.1, as ob-wallet present
 * --suite vc-jwt makes it): iss is the holder, kid one of the holder's
 * authentication keys, nonce the verifier's challenge, aud its domain. */
static void verify_vp_jwt(ob_report *r, const ob_jwt *jwt, const ob_verify_opts *opts, int depth)
{
	const json_t *vp = jwt->presentation, *h = json_object_get(vp, "holder");
	const json_t *vcs = json_object_get(vp, "verifiableCredential");
	const char *iss = ob_json_str(jwt->payload, "iss"), *nonce = ob_json_str(jwt->payload, "nonce");
	const char *holder = json_is_string(h) ? json_string_value(h) : ob_json_str(h, "id");
	double exp = json_number_value(json_object_get(jwt->payload, "exp"));
	ob_error e = { 0 };
	ob_vm vm = { 0 };
	size_t n;

	r->kind = "presentation";
	r->document = json_incref(jwt->presentation);
	if (!holder)
		holder = iss;
	r->learner = dup_or_null(holder);
	if (!ob_json_has_value(json_object_get(vp, "type"), "VerifiablePresentation")) {
		add(r, "structure", OB_FAILED, 0, "the JWT's vp claim is not a VerifiablePresentation");
		return;
	}
	add(r, "structure", OB_PASSED, 0, "a Verifiable Presentation as a JWT%s%s",
	    holder ? " by " : "", holder ? holder : "");
	if (!iss || strcmp(iss, holder) != 0) {
		add(r, "proof", OB_FAILED, 0, "iss %s is not the holder %s", iss ? iss : "(none)", holder);
	} else if (!jwt->kid) {
		add(r, "key", OB_NOT_CHECKED, 1, "the VP-JWT names no key (no kid header)");
	} else if (ob_did_resolve(jwt->kid, "authentication", opts->loader, &vm, &e)) {
		add(r, "key", e.code == OB_ENET || e.code == OB_EUNSUPPORTED ? OB_NOT_CHECKED : OB_FAILED, 1,
		    "could not resolve kid %s: %s", jwt->kid, e.msg);
	} else {
		add(r, "key", OB_PASSED, 0, "key %s resolved", vm.id);
		if (strcmp(vm.controller, holder) != 0)
			add(r, "proof", OB_FAILED, 0, "the signing key belongs to %s, not to the holder %s",
			    vm.controller, holder);
		else if (ob_jwt_verify_signature(jwt, vm.key, &e))
			add(r, "proof", OB_FAILED, 0, "%s", e.msg);
		else
			add(r, "proof", OB_PASSED, 0, "%s signature verifies, made by the holder's key", jwt->alg);
	}
	if (!opts->challenge)
		add(r, "challenge", OB_NOT_CHECKED, 0,
		    "no challenge was expected (--challenge), so this presentation could be replayed");
	else if (!nonce || strcmp(nonce, opts->challenge) != 0)
		add(r, "challenge", OB_FAILED, 0, "the nonce %s is not the expected challenge",
		    nonce ? nonce : "(none)");
	else
		add(r, "challenge", OB_PASSED, 0, "the nonce is the expected challenge");
	if (opts->domain) {
		if (!ob_json_has_value(json_object_get(jwt->payload, "aud"), opts->domain))
			add(r, "domain", OB_FAILED, 0, "the audience (aud) is not the expected domain %s",
			    opts->domain);
		else
			add(r, "domain", OB_PASSED, 0, "the audience is the expected domain");
	}
	if (json_is_number(json_object_get(jwt->payload, "exp")) && exp <= (double)ob_date_now(opts->now))
		add(r, "dates", OB_FAILED, 0, "the presentation has expired (exp)");
	ob_vm_release(&vm);
	n = json_is_array(vcs) ? json_array_size(vcs) : vcs ? 1 : 0;
	if (n == 0) {
		add(r, "credentials", OB_NOT_CHECKED, 0, "the presentation holds no credential");
		return;
	}
	if (depth >= MAX_NESTING) {
		add(r, "structure", OB_FAILED, 0, "presentations nested deeper than %d levels", MAX_NESTING);
		return;
	}
	verify_nested(r, vcs, n, opts, depth);
	add(r, "credentials", OB_PASSED, 0, "%zu credential%s inside, each verified below",
	    r->nnested, r->nnested == 1 ? "" : "s");
}

static ob_report *verify_jwt_text(const char *text, size_t len, const ob_verify_opts *opts, int depth)
{
	ob_report *r = new_report();
	ob_jwt jwt;
	ob_error e = { 0 };
	ob_key *owned = NULL;
	const ob_key *key = NULL;
	ob_vm vm = { 0 };
	const char *iss;

	if (!r)
		return NULL;
	r->kind = "vc-jwt";
	memset(&jwt, 0, sizeof(jwt));
	r->jwt = strndup(text, len);
	if (ob_jwt_decode(text, len, &jwt, &e)) {
		add(r, "structure", OB_FAILED, 0, "%s", e.msg);
		goto out;
	}
	if (jwt.presentation) {
		verify_vp_jwt(r, &jwt, opts, depth);
		goto out;
	}
	r->document = json_incref(jwt.credential);
	fill_summary(r, jwt.credential);
	if (check_vc_structure(r, jwt.credential) < 0)
		goto out;
	check_openbadge(r, jwt.credential);
	iss = ob_json_str(jwt.payload, "iss");
	/* key: out of band first, then the jwk header, then kid */
	if (opts->jwt_key) {
		key = opts->jwt_key;
		add(r, "key", OB_PASSED, 0, "key given out of band (--jwk)");
	} else if (jwt.jwk) {
		if (!(key = owned = ob_key_from_jwk(jwt.jwk, &e)))
			add(r, "key", OB_FAILED, 0, "jwk header: %s", e.msg);
		else
			add(r, "key", OB_PASSED, 0, "key taken from the JWT's jwk header");
	} else if (jwt.kid) {
		if (ob_did_resolve(jwt.kid, "assertionMethod", opts->loader, &vm, &e))
			add(r, "key", e.code == OB_ENET || e.code == OB_EUNSUPPORTED ? OB_NOT_CHECKED : OB_FAILED, 1,
			    "could not resolve kid %s: %s", jwt.kid, e.msg);
		else {
			key = vm.key;
			add(r, "key", OB_PASSED, 0, "key %s resolved", vm.id);
		}
	} else
		add(r, "key", OB_NOT_CHECKED, 1, "the JWT names no key (no kid or jwk header); give one with --jwk");
	if (!key)
		goto dates;
	ob_error_clear(&e);
	if (ob_jwt_verify_signature(&jwt, key, &e)) {
		add(r, "signature", OB_FAILED, 0, "%s", e.msg);
		goto dates;
	}
	add(r, "signature", OB_PASSED, 0, "%s signature verifies", jwt.alg);
	if (vm.controller) {
		if (!iss || strcmp(iss, vm.controller) != 0)
			add(r, "issuer", OB_FAILED, 0, "the signing key belongs to %s, not to the issuer %s",
			    vm.controller, iss ? iss : "(no iss)");
		else
			add(r, "issuer", OB_PASSED, 0, "signed with the issuer's key");
	} else
		add(r, "issuer", OB_NOT_CHECKED, 0,
		    "the key was given directly, so it is not tied to the issuer's identifier");
dates:
	ob_error_clear(&e);
	if (ob_jwt_check_claims(&jwt, ob_date_now(opts->now), &e))
		add(r, "claims", OB_FAILED, 0, "%s", e.msg);
	else
		add(r, "claims", OB_PASSED, 0, "JWT claims match the credential");
	check_dates(r, jwt.credential, opts);
	check_status(r, jwt.credential, opts, depth);
	check_registry(r, opts);
out:
	ob_vm_release(&vm);
	ob_key_free(owned);
	ob_jwt_release(&jwt);
	verdict_from_checks(r);
	return r;
}

ob_report *ob_verify_json(const json_t *doc, const ob_verify_opts *opts, ob_error *err)
{
	ob_verify_opts none = { 0 };
	ob_report *r = verify_doc(doc, opts ? opts : &none, 0);

	if (!r)
		ob_fail(err, OB_ENOMEM, "out of memory");
	return r;
}

static ob_report *verify_text(const char *data, size_t len, const ob_verify_opts *opts, ob_error *err);

/* A baked badge (OB 3.0 5.3): the credential inside the image is what is
 * verified; the image only carries it. */
static ob_report *verify_image(const char *data, size_t len, ob_image_kind kind,
			       const ob_verify_opts *opts, ob_error *err)
{
	const char *what = kind == OB_IMAGE_PNG ? "PNG" : "SVG";
	ob_buf text = OB_BUF_INIT;
	ob_error e = { 0 };
	ob_report *r;

	if (ob_bake_extract(data, len, &text, &e)) {
		if (!(r = new_report())) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			return NULL;
		}
		r->kind = "credential";
		add(r, "structure", OB_FAILED, 0, "%s", e.msg);
		verdict_from_checks(r);
	} else if ((r = verify_text(text.data ? text.data : "", text.len, opts, err))) {
		add(r, "image", OB_PASSED, 0, "credential read from a baked %s badge", what);
	}
	ob_buf_release(&text);
	return r;
}

ob_report *ob_verify_bytes(const char *data, size_t len, const ob_verify_opts *opts, ob_error *err)
{
	ob_image_kind kind = ob_bake_sniff(data, len);

	if (kind != OB_IMAGE_NONE)
		return verify_image(data, len, kind, opts, err);
	return verify_text(data, len, opts, err);
}

static ob_report *verify_text(const char *data, size_t len, const ob_verify_opts *opts, ob_error *err)
{
	ob_verify_opts none = { 0 };
	ob_report *r = NULL;
	ob_error e = { 0 };
	json_t *doc;

	if (!opts)
		opts = &none;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3;
		len -= 3;
	}
	while (len && (*data == ' ' || *data == '\n' || *data == '\r' || *data == '\t')) {
		data++;
		len--;
	}
	while (len && (data[len - 1] == ' ' || data[len - 1] == '\n' || data[len - 1] == '\r' ||
		       data[len - 1] == '\t'))
		len--;
	if (len && (data[0] == '{' || data[0] == '[')) {
		doc = ob_json_parse(data, len, &e);
		if (!doc) {
			if (!(r = new_report()))
				goto oom;
			r->kind = "credential";
			add(r, "structure", OB_FAILED, 0, "%s", e.msg);
			verdict_from_checks(r);
			return r;
		}
		r = verify_doc(doc, opts, 0);
		json_decref(doc);
	} else if (ob_jwt_sniff(data, len)) {
		r = verify_jwt_text(data, len, opts, 0);
	} else {
		if (!(r = new_report()))
			goto oom;
		r->kind = "credential";
		if (len == 0)
			add(r, "structure", OB_FAILED, 0, "empty input");
		else
			add(r, "structure", OB_FAILED, 0,
			    "not a credential: expected JSON, a compact VC-JWT or a baked PNG/SVG badge");
		verdict_from_checks(r);
	}
	if (r)
		return r;
oom:
	ob_fail(err, OB_ENOMEM, "out of memory");
	return NULL;
}

/* ---- rendering ---- */

static void render_text(const ob_report *r, ob_buf *o, const char *indent)
{
	size_t i;
	static const char *const words[] = { "VALID", "INVALID", "UNDECIDED" };
	static const char *const marks[] = { "passed     ", "FAILED     ", "not checked" };

	ob_buf_addf(o, "%s%s: %s%s\n", indent, words[r->verdict],
		    !strcmp(r->kind, "presentation") ? "presentation" :
		    !strcmp(r->kind, "vc-jwt") ? "credential (VC-JWT)" : "credential",
		    r->verdict == OB_UNDECIDED ? " (could not check everything)" : "");
	if (r->achievement_name)
		ob_buf_addf(o, "%s  Achievement: %s\n", indent, r->achievement_name);
	if (r->issuer_id)
		ob_buf_addf(o, "%s  Issuer:      %s%s%s%s\n", indent,
			    r->issuer_name ? r->issuer_name : r->issuer_id,
			    r->issuer_name ? " (" : "", r->issuer_name ? r->issuer_id : "",
			    r->issuer_name ? ")" : "");
	if (r->learner)
		ob_buf_addf(o, "%s  %s %s\n", indent,
			    !strcmp(r->kind, "presentation") ? "Holder:     " : "Learner:    ", r->learner);
	if (r->valid_from)
		ob_buf_addf(o, "%s  Valid from:  %s\n", indent, r->valid_from);
	if (r->valid_until)
		ob_buf_addf(o, "%s  Valid until: %s\n", indent, r->valid_until);
	if (r->credential_id)
		ob_buf_addf(o, "%s  Id:          %s\n", indent, r->credential_id);
	ob_buf_addf(o, "%s  Checks:\n", indent);
	for (i = 0; i < r->nchecks; i++)
		ob_buf_addf(o, "%s    %s  %-10s %s\n", indent, marks[r->checks[i].outcome],
			    r->checks[i].id, r->checks[i].message);
	for (i = 0; i < r->nnested; i++) {
		char in[64];
		snprintf(in, sizeof(in), "%s    ", indent);
		ob_buf_addf(o, "%s  Credential %zu of %zu:\n", indent, i + 1, r->nnested);
		render_text(r->nested[i], o, in);
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

json_t *ob_report_to_json(const ob_report *r)
{
	json_t *o = json_object(), *sum = json_object(), *checks = json_array(), *nested = NULL;
	size_t i;
	int bad = !o || !sum || !checks;

	bad |= json_object_set_new(o, "verified", json_boolean(r->verdict == OB_VALID));
	bad |= json_object_set_new(o, "verdict", json_string(ob_verdict_name(r->verdict)));
	bad |= json_object_set_new(o, "kind", json_string(r->kind));
	bad |= set_str(sum, "id", r->credential_id);
	bad |= set_str(sum, "issuer", r->issuer_id);
	bad |= set_str(sum, "issuerName", r->issuer_name);
	bad |= set_str(sum, "achievement", r->achievement_name);
	bad |= set_str(sum, !strcmp(r->kind, "presentation") ? "holder" : "learner", r->learner);
	bad |= set_str(sum, "validFrom", r->valid_from);
	bad |= set_str(sum, "validUntil", r->valid_until);
	bad |= json_object_set(o, "summary", sum);
	for (i = 0; i < r->nchecks; i++)
		bad |= json_array_append_new(checks, json_pack("{s:s, s:s, s:s}",
			"id", r->checks[i].id ? r->checks[i].id : "",
			"outcome", ob_outcome_name(r->checks[i].outcome),
			"message", r->checks[i].message ? r->checks[i].message : ""));
	bad |= json_object_set(o, "checks", checks);
	if (r->nnested) {
		nested = json_array();
		for (i = 0; nested && i < r->nnested; i++)
			bad |= json_array_append_new(nested, ob_report_to_json(r->nested[i]));
		bad |= json_object_set(o, "credentials", nested);
	}
	json_decref(sum);
	json_decref(checks);
	json_decref(nested);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
