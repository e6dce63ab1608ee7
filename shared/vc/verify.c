#include "vc/verify.h"

#include <zlib.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/bake.h"
#include "vc/clr.h"
#include "base/codec.h"
#include "base/dates.h"
#include "proof/did.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "proof/jwt.h"
#include "vc/ob3.h"
#include "vc/status.h"
#include "proof/suite.h"
#include "base/text.h"

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
	c->dim = dim_of(id);
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

/* An Open Badges 2.0 assertion (spec/ob2.md): not a Verifiable
 * Credential, and not supported yet. */
static int is_ob2(const json_t *cred)
{
	const json_t *ctx = json_object_get(cred, "@context"), *v;
	size_t i;

	if (json_is_string(ctx) && !strncmp(json_string_value(ctx), "https://w3id.org/openbadges/v2", 30))
		return 1;
	json_array_foreach(ctx, i, v)
		if (json_is_string(v) && !strncmp(json_string_value(v), "https://w3id.org/openbadges/v2", 30))
			return 1;
	return ob_json_has_value(json_object_get(cred, "type"), "Assertion") &&
	       json_object_get(cred, "recipient") && json_object_get(cred, "badge");
}

/* VCDM 2.0 4.3, 4.5, 4.7, 4.8 (and 1.1 for older badges). What stops
 * every other check (no VC context, no issuer) fails "structure"; a
 * flaw that leaves the signature checkable is a conformance error
 * ("vc"), a warning on an authentic credential. */
static int check_vc_structure(ob_report *r, const json_t *cred)
{
	const json_t *ctx = json_object_get(cred, "@context");
	const char *first = json_string_value(json_array_get(ctx, 0));
	int flaws = 0;

	if (!json_is_array(ctx) || !first || (strcmp(first, CTX_V2) && strcmp(first, CTX_V1))) {
		if (is_ob2(cred))
			add(r, "format", OB_NOT_CHECKED, 1, "an Open Badges 2.0 assertion: this version is "
			    "not supported yet (Open Badges 3.0 and CLR 2.0 credentials are)");
		else
			add(r, "structure", OB_FAILED, 0, "not a Verifiable Credential: @context must be an array starting with %s", CTX_V2);
		return -1;
	}
	if (!ob3_issuer_id(cred)) {
		add(r, "structure", OB_FAILED, 0, "missing required field issuer (a URI or an object with id): "
		    "nobody can be said to have signed it");
		return -1;
	}
	add(r, "structure", OB_PASSED, 0, "a Verifiable Credential (%s)",
	    strcmp(first, CTX_V2) ? "VC data model 1.1" : "VC data model 2.0");
	if (!ob_json_has_value(json_object_get(cred, "type"), "VerifiableCredential")) {
		add(r, "vc", OB_FAILED, 0, "type must include VerifiableCredential");
		flaws++;
	}
	if (!json_is_object(ob3_subject(cred))) {
		add(r, "vc", OB_FAILED, 0, "missing required field credentialSubject");
		flaws++;
	}
	return flaws;
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
		add(r, "openbadges", OB_FAILED, 0, "does not conform to Open Badges 3.0: %s", e.msg);
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
	const int legacy = type && !strcmp(type, "StatusList2021Entry");
	const char *want_cred = legacy ? "StatusList2021Credential" : "BitstringStatusListCredential";
	const char *want_subj = legacy ? "StatusList2021" : "BitstringStatusList";
	ob_verify_opts inner;
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
	/* the list is checked for what it is, not by the employer's policy
	 * for badges: no recipient, no strictness, no registry demand */
	inner = *opts;
	inner.recipient = NULL;
	inner.strict = inner.require_trusted = 0;
	lr = verify_doc(list, &inner, depth + 1);
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
	/* Bitstring Status List 1.0 2.2: the list credential and its
	 * subject say what they are; anything else is not a status list,
	 * whatever bits it carries */
	if (!ob_json_has_value(json_object_get(list, "type"), want_cred)) {
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s is not a %s", url, want_cred);
		goto out;
	}
	if (!ob_json_has_value(json_object_get(subj, "type"), want_subj)) {
		add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the subject of %s is not a %s",
		    url, want_subj);
		goto out;
	}
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
	ob_code rc = ob_rdfc_canonize_json(doc, opts->loader, s->rdf_legacy, 0, &canon, &ce);

	ob_buf_release(&canon);
	if (rc != OB_EINVALID && rc != OB_EPARSE)
		return 0;
	ob_error_clear(e);
	ob_fail(e, OB_EINVALID, "%s: %s", s->name, ce.msg);
	return 1;
}

/* Remembers the domain a resolved issuer key proved control of: the key
 * came from a document at the issuer's own origin (did:web, https). */
static void note_domain(ob_report *r, const ob_vm *vm, const char *issuer)
{
	ob_buf d = OB_BUF_INIT;

	if (r->issuer_domain || !vm->fetched || !issuer)
		return;
	if (ob_did_domain(issuer, &d) == 0 && !d.oom)
		r->issuer_domain = strdup(d.data);
	ob_buf_release(&d);
}

/* Checks every proof of doc (VC-DI 4.4/4.5). expected_controller is the
 * issuer (credentials) or holder (presentations; NULL when absent). The
 * controller of the first key whose proof verifies goes to *signer
 * (owned; may stay NULL). */
static void check_proofs(ob_report *r, const json_t *doc, const char *purpose,
			 const char *expected_controller, const ob_verify_opts *opts, char **signer)
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
				if (s->signs_rdf && data_loss(unsecured, s, opts, &e)) {
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
		if (expected_controller && !ob_vm_bound_to(&vm, expected_controller)) {
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
			if (expected_controller && !strcmp(purpose, "assertionMethod"))
				note_domain(r, &vm, expected_controller);
			if (signer && !*signer)
				*signer = strdup(expected_controller ? expected_controller : vm.controller);
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

/* The verdict from the dimensions: a failed check (conformance only
 * under --strict) or a bad nested credential is invalid; a blocking
 * "not checked" one leaves it undecided; VALID needs a signature that
 * verified (a report with none is never valid). */
static void verdict_from_checks(ob_report *r)
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
		add(r, "proof", OB_NOT_CHECKED, 1, "no signature could be verified");
		open = 1;
	}
	r->verdict = open ? OB_UNDECIDED : OB_VALID;
}

/* OB 3.0 (ob3.md 1): an e-mail IdentityObject's identityHash is
 * "sha256$" + hex(SHA-256(lower-cased address || salt)), or the address
 * itself when hashed is false. 1 when one matches email, 0 when none
 * does; *seen counts the e-mail identifiers there were. */
static int email_matches(const json_t *subj, const char *email, int *seen)
{
	const json_t *ids = json_object_get(subj, "identifier"), *io;
	char *lower = strdup(email);
	size_t i, n = json_is_array(ids) ? json_array_size(ids) : ids ? 1 : 0;
	int match = 0;

	*seen = 0;
	if (!lower)
		return 0;
	for (i = 0; lower[i]; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] + 32);
	for (i = 0; i < n && !match; i++) {
		const char *type, *hash;
		io = json_is_array(ids) ? json_array_get(ids, i) : ids;
		type = ob_json_str(io, "identityType");
		hash = ob_json_str(io, "identityHash");
		if (!type || strcmp(type, "emailAddress") || !hash)
			continue;
		(*seen)++;
		if (json_is_true(json_object_get(io, "hashed"))) {
			ob_buf h = OB_BUF_INIT;
			ob_error e = { 0 };
			if (!ob3_identity_hash(lower, ob_json_str(io, "salt"), &h, &e) &&
			    strlen(hash) == h.len && !strncasecmp(hash, h.data, h.len))
				match = 1;
			ob_buf_release(&h);
		} else if (!strcasecmp(hash, lower)) {
			match = 1;
		}
	}
	free(lower);
	return match;
}

/* --recipient on a credential: was it issued to that address? */
static void check_recipient(ob_report *r, const json_t *cred, const ob_verify_opts *opts)
{
	int seen;

	if (!opts->recipient)
		return;
	if (email_matches(ob3_subject(cred), opts->recipient, &seen))
		add(r, "recipient", OB_PASSED, 0, "issued to %s (the credential's hashed e-mail address matches)",
		    opts->recipient);
	else if (seen)
		add(r, "recipient", OB_FAILED, 0, "not issued to %s: the credential's e-mail address is another one",
		    opts->recipient);
	else
		add(r, "recipient", OB_NOT_CHECKED, 1, "the credential names no e-mail recipient to compare with %s",
		    opts->recipient);
}

/* A presentation proves who holds its credentials only when the signer
 * is each one's subject (or, for a learner known by a hashed e-mail
 * address, when the employer's --recipient matches it). */
static void check_holders(ob_report *r, const char *signer, const ob_verify_opts *opts)
{
	size_t i;

	if (!signer)
		return;
	for (i = 0; i < r->nnested; i++) {
		const ob_report *n = r->nested[i];
		const json_t *subj = ob3_subject(n->document);
		const char *sid = ob_json_str(subj, "id");
		char id[32];
		int seen = 0;

		snprintf(id, sizeof(id), r->nnested > 1 ? "holder[%zu]" : "holder", i);
		if (!strcmp(n->kind, "presentation"))
			add(r, id, OB_NOT_CHECKED, 1, "credential %zu is itself a presentation", i + 1);
		else if (sid && !strcmp(sid, signer))
			add(r, id, OB_PASSED, 0, "credential %zu was issued to the holder %s", i + 1, signer);
		else if (opts->recipient && email_matches(subj, opts->recipient, &seen))
			add(r, id, OB_PASSED, 0, "credential %zu was issued to %s (its hashed e-mail address matches)",
			    i + 1, opts->recipient);
		else if (opts->recipient && seen)
			add(r, id, OB_FAILED, 0, "credential %zu was not issued to %s: its e-mail address is another one",
			    i + 1, opts->recipient);
		else if (sid)
			add(r, id, OB_FAILED, 0, "credential %zu was issued to %s, not to the holder %s who signed the presentation",
			    i + 1, sid, signer);
		else
			add(r, id, OB_NOT_CHECKED, 1, "credential %zu names its learner only by %s; give their address "
			    "with --recipient to check it", i + 1,
			    json_object_get(subj, "identifier") ? "a hashed e-mail address" : "nothing the holder can prove");
	}
}

/* Who the issuer is, beyond its own word: a registry that lists it, else
 * the domain its key proved, else nothing. Only an authentic credential
 * says anything about its issuer. */
static void settle_identity(ob_report *r, const ob_verify_opts *opts)
{
	ob_registry_entry e;

	r->identity = OB_IDENTITY_SELF;
	if (ob_report_dimension(r, OB_DIM_AUTHENTIC, NULL) == OB_PASSED) {
		if (r->issuer_id && ob_registry_lookup(opts->registries, r->issuer_id, &e)) {
			r->identity = OB_IDENTITY_REGISTRY;
			r->registry_name = dup_or_null(e.registry);
			r->registered_name = dup_or_null(e.name);
		} else if (r->issuer_domain) {
			r->identity = OB_IDENTITY_DOMAIN;
		}
	}
	if (opts->require_trusted && r->identity == OB_IDENTITY_SELF)
		add(r, "identity", OB_NOT_CHECKED, 1, "the issuer's identity is not verified (no registry lists it, "
		    "no domain vouches for its key) and a trusted issuer is required");
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

	/* the challenge, domain and recipient belong to the outer document */
	inner.challenge = inner.domain = inner.recipient = NULL;
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

	if (ob_clr_check_required(cred, &e))
		add(r, "clr", OB_FAILED, 0, "does not conform to CLR 2.0: %s", e.msg);
	vcs = ob_clr_credentials(cred, &n);
	if (depth >= MAX_NESTING) {
		add(r, "structure", OB_FAILED, 0, "credentials nested deeper than %d levels", MAX_NESTING);
		return;
	}
	verify_nested(r, vcs, n, opts, depth);
	add(r, "credentials", OB_PASSED, 0, "a Comprehensive Learner Record of %zu credential%s, each verified below%s",
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
	check_proofs(r, cred, "assertionMethod", ob3_issuer_id(cred), opts, NULL);
	check_dates(r, cred, opts);
	check_status(r, cred, opts, depth);
	check_recipient(r, cred, opts);
	check_registry(r, opts);
	settle_identity(r, opts);
}


static void verify_presentation(ob_report *r, const json_t *vp, const ob_verify_opts *opts, int depth)
{
	const json_t *vcs = json_object_get(vp, "verifiableCredential"), *holder;
	const char *holder_id;
	char *signer = NULL;
	size_t n;

	r->kind = "presentation";
	holder = json_object_get(vp, "holder");
	holder_id = json_is_string(holder) ? json_string_value(holder) : ob_json_str(holder, "id");
	r->learner = dup_or_null(holder_id);
	add(r, "structure", OB_PASSED, 0, "a Verifiable Presentation%s%s",
	    holder_id ? " by " : "", holder_id ? holder_id : "");
	check_proofs(r, vp, "authentication", holder_id, opts, &signer);
	if (!opts->challenge)
		add(r, "challenge", OB_NOT_CHECKED, 0,
		    "no challenge was expected (--challenge), so this presentation could be replayed");
	n = json_is_array(vcs) ? json_array_size(vcs) : vcs ? 1 : 0;
	if (n == 0) {
		add(r, "credentials", OB_NOT_CHECKED, 0, "the presentation holds no credential");
		goto out;
	}
	verify_nested(r, vcs, n, opts, depth);
	add(r, "credentials", OB_PASSED, 0, "%zu credential%s inside, each verified below",
	    r->nnested, r->nnested == 1 ? "" : "s");
	check_holders(r, signer, opts);
out:
	free(signer);
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
	r->strict = opts->strict;
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
	const char *signer = NULL;
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
		if (!ob_vm_bound_to(&vm, holder))
			add(r, "proof", OB_FAILED, 0, "the signing key belongs to %s, not to the holder %s",
			    vm.controller, holder);
		else if (ob_jwt_verify_signature(jwt, vm.key, &e))
			add(r, "proof", OB_FAILED, 0, "%s", e.msg);
		else {
			add(r, "proof", OB_PASSED, 0, "%s signature verifies, made by the holder's key", jwt->alg);
			signer = holder;
		}
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
	check_holders(r, signer, opts);
}

/* A key carried in the JWT's own jwk header proves nothing about who
 * made the token, unless the issuer's identifier is that very key
 * (did:jwk, did:key). 1 when it is. */
static int header_key_is_issuer(const ob_key *key, const char *iss, const ob_verify_opts *opts)
{
	ob_vm vm;
	ob_error e = { 0 };
	int same;

	if (!iss || (strncmp(iss, "did:jwk:", 8) && strncmp(iss, "did:key:", 8)))
		return 0;
	if (ob_did_resolve(iss, NULL, opts->loader, &vm, &e))
		return 0;
	same = ob_key_equal_public(vm.key, key);
	ob_vm_release(&vm);
	return same;
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
	enum { NONE, OUT_OF_BAND, HEADER, RESOLVED } from = NONE;

	if (!r)
		return NULL;
	r->kind = "vc-jwt";
	r->strict = opts->strict;
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
	/* key: out of band first, then kid (which can tie the key to the
	 * issuer), then the jwk header (which alone cannot) */
	if (opts->jwt_key) {
		key = opts->jwt_key;
		from = OUT_OF_BAND;
		add(r, "key", OB_PASSED, 0, "key given out of band (--jwk)");
	} else if (jwt.kid) {
		if (ob_did_resolve(jwt.kid, "assertionMethod", opts->loader, &vm, &e))
			add(r, "key", e.code == OB_ENET || e.code == OB_EUNSUPPORTED ? OB_NOT_CHECKED : OB_FAILED, 1,
			    "could not resolve kid %s: %s", jwt.kid, e.msg);
		else {
			key = vm.key;
			from = RESOLVED;
			add(r, "key", OB_PASSED, 0, "key %s resolved%s", vm.id,
			    vm.bare_jwk ? " (a JWK served at that URL)" : "");
		}
	} else if (jwt.jwk) {
		if (!(key = owned = ob_key_from_jwk(jwt.jwk, &e)))
			add(r, "key", OB_FAILED, 0, "jwk header: %s", e.msg);
		else {
			from = HEADER;
			add(r, "key", OB_PASSED, 0, "key taken from the JWT's jwk header");
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
	if (from == RESOLVED) {
		if (!iss || !ob_vm_bound_to(&vm, iss))
			add(r, "issuer", OB_FAILED, 0, "the signing key belongs to %s, not to the issuer %s",
			    vm.controller, iss ? iss : "(no iss)");
		else {
			add(r, "issuer", OB_PASSED, 0, "signed with the issuer's key%s",
			    vm.bare_jwk ? " (served from the issuer's own origin)" : "");
			note_domain(r, &vm, iss);
		}
	} else if (from == OUT_OF_BAND) {
		add(r, "issuer", OB_PASSED, 0, "you gave this key (--jwk) as the issuer's");
	} else if (header_key_is_issuer(key, iss, opts)) {
		add(r, "issuer", OB_PASSED, 0, "the jwk header is the issuer's own key (%s)", iss);
	} else {
		/* trust: the reference stack accepts this; anyone can mint such
		 * a token for any issuer, so we do not (vectors row 06) */
		add(r, "issuer", OB_NOT_CHECKED, 1, "nothing ties the key in the JWT's jwk header to the issuer %s: "
		    "anyone can make such a token; give the issuer's key with --jwk", iss ? iss : "(no iss)");
	}
dates:
	ob_error_clear(&e);
	if (ob_jwt_check_claims(&jwt, ob_date_now(opts->now), &e))
		/* exp and nbf say whether it is current, not whether it is genuine */
		add(r, !strncmp(e.msg, "expired", 7) || !strncmp(e.msg, "not yet valid", 13) ? "dates" : "claims",
		    OB_FAILED, 0, "%s", e.msg);
	else
		add(r, "claims", OB_PASSED, 0, "JWT claims match the credential");
	check_dates(r, jwt.credential, opts);
	check_status(r, jwt.credential, opts, depth);
	check_recipient(r, jwt.credential, opts);
	check_registry(r, opts);
	settle_identity(r, opts);
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
		/* OB 2.0 bakes under other names: not supported yet, so
		 * undecided, never "forged" */
		if ((kind == OB_IMAGE_PNG && (memmem(data, len, "iTXtopenbadges\0", 15) ||
					      memmem(data, len, "tEXtopenbadges\0", 15))) ||
		    (kind == OB_IMAGE_SVG && memmem(data, len, "<openbadges:assertion", 21)))
			add(r, "format", OB_NOT_CHECKED, 1, "an Open Badges 2.0 baked badge: this version is "
			    "not supported yet (Open Badges 3.0 and CLR 2.0 credentials are)");
		else
			add(r, "structure", e.code == OB_ELIMIT ? OB_NOT_CHECKED : OB_FAILED, 1, "%s", e.msg);
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
			/* over a budget: not checked, never "forged" */
			add(r, "structure", e.code == OB_ELIMIT ? OB_NOT_CHECKED : OB_FAILED, 1, "%s", e.msg);
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

static const char *kind_words(const ob_report *r)
{
	return !strcmp(r->kind, "presentation") ? "presentation" :
	       !strcmp(r->kind, "vc-jwt") ? "credential (VC-JWT)" :
	       !strcmp(r->kind, "clr") ? "Comprehensive Learner Record" : "credential";
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
	field(o, indent, fact ? "Achievement:" : "Achievement?", r->achievement_name);
	field(o, indent, pres ? "Holder id:" : fact ? "Learner:" : "Learner?", r->learner);
	field(o, indent, "Valid from:", r->valid_from);
	field(o, indent, "Valid until:", r->valid_until);
	field(o, indent, "Id:", r->credential_id);
	if (!fact && (r->achievement_name || r->learner))
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
	json_decref(sum);
	json_decref(checks);
	json_decref(nested);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
