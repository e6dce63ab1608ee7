/* verify: every check a verifier runs on a credential, a presentation or
 * a VC-JWT, into one report (vc/verify.h). The proofs are in
 * verify_proof.c, the status lists in verify_status.c, the report and its
 * renderers in verify_report.c. */
#include "vc/verify_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/bake.h"
#include "vc/clr.h"
#include "vc/display.h"
#include "vc/endorse.h"
#include "base/codec.h"
#include "base/dates.h"
#include "proof/did.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "proof/jwt.h"
#include "vc/ob2.h"
#include "vc/ob3.h"
#include "vc/status.h"
#include "proof/suite.h"
#include "base/text.h"

#define CTX_V1 "https://www.w3.org/2018/credentials/v1"
#define CTX_V2 "https://www.w3.org/ns/credentials/v2"

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
	if (!r->achievement_name && !ob_endorse_is_endorsement(cred)) /* an endorsement's name is its own */
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
	r->display = ob_display_new(cred);
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
			ob_verify_add(r, "format", OB_NOT_CHECKED, 1, "an Open Badges 2.0 assertion: this version is "
			    "not supported yet (Open Badges 3.0 and CLR 2.0 credentials are)");
		else
			ob_verify_add(r, "structure", OB_FAILED, 0, "not a Verifiable Credential: @context must be an array starting with %s", CTX_V2);
		return -1;
	}
	if (!ob3_issuer_id(cred)) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "missing required field issuer (a URI or an object with id): "
		    "nobody can be said to have signed it");
		return -1;
	}
	ob_verify_add(r, "structure", OB_PASSED, 0, "a Verifiable Credential (%s)",
	    strcmp(first, CTX_V2) ? "VC data model 1.1" : "VC data model 2.0");
	if (!ob_json_has_value(json_object_get(cred, "type"), "VerifiableCredential")) {
		ob_verify_add(r, "vc", OB_FAILED, 0, "type must include VerifiableCredential");
		flaws++;
	}
	if (!json_is_object(ob3_subject(cred))) {
		ob_verify_add(r, "vc", OB_FAILED, 0, "missing required field credentialSubject");
		flaws++;
	}
	return flaws;
}

static void check_openbadge(ob_report *r, const json_t *cred)
{
	ob_error e = { 0 };

	if (ob_endorse_is_endorsement(cred)) {
		ob_endorse_check_shape(r, cred);
		return;
	}
	if (!ob3_is_openbadge(cred)) {
		ob_verify_add(r, "openbadges", OB_NOT_CHECKED, 0,
		    "not an Open Badges credential; Open Badges fields not checked");
		return;
	}
	if (ob3_check_required(cred, &e))
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "does not conform to Open Badges 3.0: %s", e.msg);
	else
		ob_verify_add(r, "openbadges", OB_PASSED, 0, "every field Open Badges 3.0 requires is present");
}

static void check_dates(ob_report *r, const json_t *cred, const ob_verify_opts *opts)
{
	time_t now = ob_date_now(opts->now), from, until;
	const char *f = r->valid_from, *u = r->valid_until;
	int zone;

	if (f && ob_date_parse(f, &from, &zone) < 0) {
		ob_verify_add(r, "dates", OB_FAILED, 0, "validFrom '%s' is not a valid date-time", f);
		return;
	}
	if (u && ob_date_parse(u, &until, &zone) < 0) {
		ob_verify_add(r, "dates", OB_FAILED, 0, "validUntil '%s' is not a valid date-time", u);
		return;
	}
	if (f && now < from) {
		ob_verify_add(r, "dates", OB_FAILED, 0, "not yet valid: valid from %s", f);
		return;
	}
	if (u && now >= until) {
		ob_verify_add(r, "dates", OB_FAILED, 0, "expired on %s", u);
		return;
	}
	(void)cred;
	if (u)
		ob_verify_add(r, "dates", OB_PASSED, 0, "within its validity period (%s to %s)", f ? f : "-", u);
	else
		ob_verify_add(r, "dates", OB_PASSED, 0, "valid from %s, no end date", f ? f : "-");
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
		ob_verify_add(r, "registry", OB_NOT_CHECKED, 0, "warning: no issuer to look up in the registries");
	else if (ob_registry_lookup(opts->registries, r->issuer_id, &e))
		ob_verify_add(r, "registry", OB_PASSED, 0, "issuer known as %s (registry %s)%s%s", e.name, e.registry,
		    e.url ? ", " : "", e.url ? e.url : "");
	else
		ob_verify_add(r, "registry", OB_NOT_CHECKED, 0, "warning: issuer not in any registry (%zu searched)",
		    ob_registry_count(opts->registries));
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
		ob_verify_add(r, "recipient", OB_PASSED, 0, "issued to %s (the credential's hashed e-mail address matches)",
		    opts->recipient);
	else if (seen)
		ob_verify_add(r, "recipient", OB_FAILED, 0, "not issued to %s: the credential's e-mail address is another one",
		    opts->recipient);
	else
		ob_verify_add(r, "recipient", OB_NOT_CHECKED, 1, "the credential names no e-mail recipient to compare with %s",
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
			ob_verify_add(r, id, OB_NOT_CHECKED, 1, "credential %zu is itself a presentation", i + 1);
		else if (sid && !strcmp(sid, signer))
			ob_verify_add(r, id, OB_PASSED, 0, "credential %zu was issued to the holder %s", i + 1, signer);
		else if (opts->recipient && email_matches(subj, opts->recipient, &seen))
			ob_verify_add(r, id, OB_PASSED, 0, "credential %zu was issued to %s (its hashed e-mail address matches)",
			    i + 1, opts->recipient);
		else if (opts->recipient && seen)
			ob_verify_add(r, id, OB_FAILED, 0, "credential %zu was not issued to %s: its e-mail address is another one",
			    i + 1, opts->recipient);
		else if (sid)
			ob_verify_add(r, id, OB_FAILED, 0, "credential %zu was issued to %s, not to the holder %s who signed the presentation",
			    i + 1, sid, signer);
		else
			ob_verify_add(r, id, OB_NOT_CHECKED, 1, "credential %zu names its learner only by %s; give their address "
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
		ob_verify_add(r, "identity", OB_NOT_CHECKED, 1, "the issuer's identity is not verified (no registry lists it, "
		    "no domain vouches for its key) and a trusted issuer is required");
}

static ob_report *verify_jwt_text(const char *text, size_t len, const ob_verify_opts *opts, int depth);

/* Verifies each credential a presentation or a CLR holds, on its own,
 * into r->nested; a bad one makes the container invalid
 * (ob_verify_settle). The challenge and domain belong to the outer
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
			nr = ob_verify_doc(vc, &inner, depth + 1);
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
		ob_verify_add(r, "clr", OB_FAILED, 0, "does not conform to CLR 2.0: %s", e.msg);
	vcs = ob_clr_credentials(cred, &n);
	if (depth >= MAX_NESTING) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "credentials nested deeper than %d levels", MAX_NESTING);
		return;
	}
	verify_nested(r, vcs, n, opts, depth);
	ob_verify_add(r, "credentials", OB_PASSED, 0, "a Comprehensive Learner Record of %zu credential%s, each verified below%s",
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
	ob_verify_check_proofs(r, cred, "assertionMethod", ob3_issuer_id(cred), opts, NULL);
	check_dates(r, cred, opts);
	ob_verify_check_status(r, cred, opts, depth);
	check_recipient(r, cred, opts);
	check_registry(r, opts);
	settle_identity(r, opts);
	ob_endorse_verify_embedded(r, cred, opts, depth);
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
	ob_verify_add(r, "structure", OB_PASSED, 0, "a Verifiable Presentation%s%s",
	    holder_id ? " by " : "", holder_id ? holder_id : "");
	ob_verify_check_proofs(r, vp, "authentication", holder_id, opts, &signer);
	if (!opts->challenge)
		ob_verify_add(r, "challenge", OB_NOT_CHECKED, 0,
		    "no challenge was expected (--challenge), so this presentation could be replayed");
	n = json_is_array(vcs) ? json_array_size(vcs) : vcs ? 1 : 0;
	if (n == 0) {
		ob_verify_add(r, "credentials", OB_NOT_CHECKED, 0, "the presentation holds no credential");
		goto out;
	}
	verify_nested(r, vcs, n, opts, depth);
	ob_verify_add(r, "credentials", OB_PASSED, 0, "%zu credential%s inside, each verified below",
	    r->nnested, r->nnested == 1 ? "" : "s");
	check_holders(r, signer, opts);
out:
	free(signer);
}

ob_report *ob_verify_doc(const json_t *doc, const ob_verify_opts *opts, int depth)
{
	ob_report *r = ob_verify_new_report();

	if (!r)
		return NULL;
	r->kind = "credential";
	if (!json_is_object(doc)) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "not a JSON object");
		goto out;
	}
	r->document = json_incref((json_t *)doc);
	r->strict = opts->strict;
	if (depth > MAX_NESTING) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "presentations nested deeper than %d levels", MAX_NESTING);
		goto out;
	}
	if (ob_json_has_value(json_object_get(doc, "type"), "VerifiablePresentation"))
		verify_presentation(r, doc, opts, depth);
	else if (ob2_sniff(doc)) {
		/* Open Badges 2.0 (vc/ob2.h): hosted, or another class alone */
		ob2_verify_doc(r, doc, opts);
		check_registry(r, opts);
		settle_identity(r, opts);
	} else
		verify_credential(r, doc, opts, depth);
out:
	ob_verify_settle(r);
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
		ob_verify_add(r, "structure", OB_FAILED, 0, "the JWT's vp claim is not a VerifiablePresentation");
		return;
	}
	ob_verify_add(r, "structure", OB_PASSED, 0, "a Verifiable Presentation as a JWT%s%s",
	    holder ? " by " : "", holder ? holder : "");
	if (!iss || strcmp(iss, holder) != 0) {
		ob_verify_add(r, "proof", OB_FAILED, 0, "iss %s is not the holder %s", iss ? iss : "(none)", holder);
	} else if (!jwt->kid) {
		ob_verify_add(r, "key", OB_NOT_CHECKED, 1, "the VP-JWT names no key (no kid header)");
	} else if (ob_did_resolve(jwt->kid, "authentication", opts->loader, &vm, &e)) {
		ob_verify_add(r, "key", e.code == OB_ENET || e.code == OB_EUNSUPPORTED ? OB_NOT_CHECKED : OB_FAILED, 1,
		    "could not resolve kid %s: %s", jwt->kid, e.msg);
	} else {
		ob_verify_add(r, "key", OB_PASSED, 0, "key %s resolved", vm.id);
		if (!ob_vm_bound_to(&vm, holder))
			ob_verify_add(r, "proof", OB_FAILED, 0, "the signing key belongs to %s, not to the holder %s",
			    vm.controller, holder);
		else if (ob_jwt_verify_signature(jwt, vm.key, &e))
			ob_verify_add(r, "proof", OB_FAILED, 0, "%s", e.msg);
		else {
			ob_verify_add(r, "proof", OB_PASSED, 0, "%s signature verifies, made by the holder's key", jwt->alg);
			signer = holder;
		}
	}
	if (!opts->challenge)
		ob_verify_add(r, "challenge", OB_NOT_CHECKED, 0,
		    "no challenge was expected (--challenge), so this presentation could be replayed");
	else if (!nonce || strcmp(nonce, opts->challenge) != 0)
		ob_verify_add(r, "challenge", OB_FAILED, 0, "the nonce %s is not the expected challenge",
		    nonce ? nonce : "(none)");
	else
		ob_verify_add(r, "challenge", OB_PASSED, 0, "the nonce is the expected challenge");
	if (opts->domain) {
		if (!ob_json_has_value(json_object_get(jwt->payload, "aud"), opts->domain))
			ob_verify_add(r, "domain", OB_FAILED, 0, "the audience (aud) is not the expected domain %s",
			    opts->domain);
		else
			ob_verify_add(r, "domain", OB_PASSED, 0, "the audience is the expected domain");
	}
	if (json_is_number(json_object_get(jwt->payload, "exp")) && exp <= (double)ob_date_now(opts->now))
		ob_verify_add(r, "dates", OB_FAILED, 0, "the presentation has expired (exp)");
	ob_vm_release(&vm);
	n = json_is_array(vcs) ? json_array_size(vcs) : vcs ? 1 : 0;
	if (n == 0) {
		ob_verify_add(r, "credentials", OB_NOT_CHECKED, 0, "the presentation holds no credential");
		return;
	}
	if (depth >= MAX_NESTING) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "presentations nested deeper than %d levels", MAX_NESTING);
		return;
	}
	verify_nested(r, vcs, n, opts, depth);
	ob_verify_add(r, "credentials", OB_PASSED, 0, "%zu credential%s inside, each verified below",
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
	ob_report *r = ob_verify_new_report();
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
		ob_verify_add(r, "structure", OB_FAILED, 0, "%s", e.msg);
		goto out;
	}
	if (jwt.presentation) {
		verify_vp_jwt(r, &jwt, opts, depth);
		goto out;
	}
	if (!json_object_get(jwt.payload, "vc") && ob2_sniff(jwt.payload)) {
		/* a signed Open Badges 2.0 assertion (vc/ob2.h) */
		r->document = json_incref(jwt.payload);
		ob2_verify_jws(r, &jwt, opts);
		check_registry(r, opts);
		settle_identity(r, opts);
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
		ob_verify_add(r, "key", OB_PASSED, 0, "key given out of band (--jwk)");
	} else if (jwt.kid) {
		if (ob_did_resolve(jwt.kid, "assertionMethod", opts->loader, &vm, &e))
			ob_verify_add(r, "key", e.code == OB_ENET || e.code == OB_EUNSUPPORTED ? OB_NOT_CHECKED : OB_FAILED, 1,
			    "could not resolve kid %s: %s", jwt.kid, e.msg);
		else {
			key = vm.key;
			from = RESOLVED;
			ob_verify_add(r, "key", OB_PASSED, 0, "key %s resolved%s", vm.id,
			    vm.bare_jwk ? " (a JWK served at that URL)" : "");
		}
	} else if (jwt.jwk) {
		if (!(key = owned = ob_key_from_jwk(jwt.jwk, &e)))
			ob_verify_add(r, "key", OB_FAILED, 0, "jwk header: %s", e.msg);
		else {
			from = HEADER;
			ob_verify_add(r, "key", OB_PASSED, 0, "key taken from the JWT's jwk header");
		}
	} else
		ob_verify_add(r, "key", OB_NOT_CHECKED, 1, "the JWT names no key (no kid or jwk header); give one with --jwk");
	if (!key)
		goto dates;
	ob_error_clear(&e);
	if (ob_jwt_verify_signature(&jwt, key, &e)) {
		ob_verify_add(r, "signature", OB_FAILED, 0, "%s", e.msg);
		goto dates;
	}
	ob_verify_add(r, "signature", OB_PASSED, 0, "%s signature verifies", jwt.alg);
	if (from == RESOLVED) {
		if (!iss || !ob_vm_bound_to(&vm, iss))
			ob_verify_add(r, "issuer", OB_FAILED, 0, "the signing key belongs to %s, not to the issuer %s",
			    vm.controller, iss ? iss : "(no iss)");
		else {
			ob_verify_add(r, "issuer", OB_PASSED, 0, "signed with the issuer's key%s",
			    vm.bare_jwk ? " (served from the issuer's own origin)" : "");
			ob_verify_note_domain(r, &vm, iss);
		}
	} else if (from == OUT_OF_BAND) {
		ob_verify_add(r, "issuer", OB_PASSED, 0, "you gave this key (--jwk) as the issuer's");
	} else if (header_key_is_issuer(key, iss, opts)) {
		ob_verify_add(r, "issuer", OB_PASSED, 0, "the jwk header is the issuer's own key (%s)", iss);
	} else {
		/* trust: the reference stack accepts this; anyone can mint such
		 * a token for any issuer, so we do not (vectors row 06) */
		ob_verify_add(r, "issuer", OB_NOT_CHECKED, 1, "nothing ties the key in the JWT's jwk header to the issuer %s: "
		    "anyone can make such a token; give the issuer's key with --jwk", iss ? iss : "(no iss)");
	}
dates:
	ob_error_clear(&e);
	if (ob_jwt_check_claims(&jwt, ob_date_now(opts->now), &e))
		/* exp and nbf say whether it is current, not whether it is genuine */
		ob_verify_add(r, !strncmp(e.msg, "expired", 7) || !strncmp(e.msg, "not yet valid", 13) ? "dates" : "claims",
		    OB_FAILED, 0, "%s", e.msg);
	else
		ob_verify_add(r, "claims", OB_PASSED, 0, "JWT claims match the credential");
	check_dates(r, jwt.credential, opts);
	ob_verify_check_status(r, jwt.credential, opts, depth);
	check_recipient(r, jwt.credential, opts);
	check_registry(r, opts);
	settle_identity(r, opts);
	ob_endorse_verify_embedded(r, jwt.credential, opts, depth);
out:
	ob_vm_release(&vm);
	ob_key_free(owned);
	ob_jwt_release(&jwt);
	ob_verify_settle(r);
	return r;
}

ob_report *ob_verify_jwt_depth(const char *text, size_t len, const ob_verify_opts *opts, int depth)
{
	return verify_jwt_text(text, len, opts, depth);
}

ob_report *ob_verify_json(const json_t *doc, const ob_verify_opts *opts, ob_error *err)
{
	ob_verify_opts none = { 0 };
	ob_report *r = ob_verify_doc(doc, opts ? opts : &none, 0);

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
		if (!(r = ob_verify_new_report())) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			return NULL;
		}
		r->kind = "credential";
		ob_verify_add(r, "structure", e.code == OB_ELIMIT ? OB_NOT_CHECKED : OB_FAILED, 1, "%s", e.msg);
		ob_verify_settle(r);
	} else if (text.len > 7 && (!strncmp(text.data, "https://", 8) || !strncmp(text.data, "http://", 7)) &&
		   !memchr(text.data, ' ', text.len)) {
		/* an Open Badges 2.0 legacy bake: the hosted assertion's URL */
		if ((r = ob_verify_new_report())) {
			const ob_verify_opts none = { 0 }, *o = opts ? opts : &none;

			r->strict = o->strict;
			ob2_verify_url(r, text.data, o);
			check_registry(r, o);
			settle_identity(r, o);
			ob_verify_add(r, "image", OB_PASSED, 0, "assertion URL read from a baked %s badge", what);
			ob_verify_settle(r);
		} else
			ob_fail(err, OB_ENOMEM, "out of memory");
	} else if ((r = verify_text(text.data ? text.data : "", text.len, opts, err))) {
		ob_verify_add(r, "image", OB_PASSED, 0, "credential read from a baked %s badge", what);
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
			if (!(r = ob_verify_new_report()))
				goto oom;
			r->kind = "credential";
			/* over a budget: not checked, never "forged" */
			ob_verify_add(r, "structure", e.code == OB_ELIMIT ? OB_NOT_CHECKED : OB_FAILED, 1, "%s", e.msg);
			ob_verify_settle(r);
			return r;
		}
		r = ob_verify_doc(doc, opts, 0);
		json_decref(doc);
	} else if (ob_jwt_sniff(data, len)) {
		r = verify_jwt_text(data, len, opts, 0);
	} else {
		if (!(r = ob_verify_new_report()))
			goto oom;
		r->kind = "credential";
		if (len == 0)
			ob_verify_add(r, "structure", OB_FAILED, 0, "empty input");
		else
			ob_verify_add(r, "structure", OB_FAILED, 0,
			    "not a credential: expected JSON, a compact VC-JWT or a baked PNG/SVG badge");
		ob_verify_settle(r);
	}
	if (r)
		return r;
oom:
	ob_fail(err, OB_ENOMEM, "out of memory");
	return NULL;
}
