/* endorse: EndorsementCredentials, standalone and embedded
 * (vc/endorse.h, spec/endorsements.md). */
#include "vc/endorse.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "vc/display.h"
#include "vc/ob3.h"
#include "vc/verify_impl.h"

/* Budget: endorsements verified per credential (each one is a full
 * verification, canonicalization and all); more are reported, not
 * verified. */
#define MAX_ENDORSEMENTS 16
/* Budget: how deep in the credential endorsements are looked for. */
#define MAX_WALK 64

int ob_endorse_is_endorsement(const json_t *cred)
{
	return ob_json_has_value(json_object_get(cred, "type"), "EndorsementCredential");
}

void ob_endorse_check_shape(ob_report *r, const json_t *cred)
{
	const json_t *subj = ob3_subject(cred), *iss = json_object_get(cred, "issuer");
	const char *why = NULL;

	if (!json_is_string(json_object_get(cred, "id")))
		why = "missing required field id";
	else if (!json_object_get(cred, "name"))
		why = "missing required field name (an EndorsementCredential must have one)";
	else if (!json_is_object(subj))
		why = "missing required field credentialSubject";
	else if (!json_is_string(json_object_get(subj, "id")))
		why = "missing required field credentialSubject.id (what is endorsed)";
	else if (!ob_json_has_value(json_object_get(subj, "type"), "EndorsementSubject"))
		why = "credentialSubject.type must include EndorsementSubject";
	else if (json_is_object(iss) && !ob_json_has_value(json_object_get(iss, "type"), "Profile"))
		why = "issuer.type must include Profile";
	else if (!json_is_string(json_object_get(cred, "validFrom")) &&
		 !json_is_string(json_object_get(cred, "issuanceDate")))
		why = "missing required field validFrom";
	if (why)
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "does not conform to Open Badges 3.0: "
		    "EndorsementCredential: %s", why);
	else
		ob_verify_add(r, "openbadges", OB_PASSED, 0,
		    "an Open Badges 3.0 EndorsementCredential with every field it requires");
}

typedef struct {
	ob_report *r;
	const ob_verify_opts *opts;
	int depth;      /* the credential's nesting depth */
	size_t skipped; /* over the budget */
	size_t deep;    /* nested too deep to verify */
} walk_ctx;

/* Where the keys of an object in context c lead. */
enum { AT_CREDENTIAL, AT_ISSUER, AT_SUBJECT, AT_ACHIEVEMENT, AT_CREATOR, AT_OTHER };

static ob_endorsed endorsed_at(int at)
{
	return at == AT_CREDENTIAL ? OB_ENDORSED_CREDENTIAL : at == AT_ISSUER ? OB_ENDORSED_ISSUER :
	       at == AT_ACHIEVEMENT ? OB_ENDORSED_ACHIEVEMENT : at == AT_CREATOR ? OB_ENDORSED_CREATOR :
	       OB_ENDORSED_OTHER;
}

static int next_at(int at, const char *key)
{
	if (at == AT_CREDENTIAL && !strcmp(key, "issuer"))
		return AT_ISSUER;
	if (at == AT_CREDENTIAL && !strcmp(key, "credentialSubject"))
		return AT_SUBJECT;
	if (at == AT_SUBJECT && !strcmp(key, "achievement"))
		return AT_ACHIEVEMENT;
	if (at == AT_ACHIEVEMENT && !strcmp(key, "creator"))
		return AT_CREATOR;
	return AT_OTHER;
}

/* Verifies one endorsement (an object, or a compact JWS for jwt) and
 * records it with its check. */
static void verify_one(walk_ctx *w, const json_t *e, int jwt, ob_endorsed where)
{
	ob_display *d = w->r->display;
	ob_verify_opts inner = *w->opts;
	ob_report *er, **nv;
	ob_endorsed *nw;
	const ob_check *why;
	char id[32];
	size_t i = d->nendorsements;

	if (w->depth >= MAX_NESTING) {
		w->deep++;
		return;
	}
	if (i >= MAX_ENDORSEMENTS) {
		w->skipped++;
		return;
	}
	/* the challenge, domain and recipient belong to the outer document */
	inner.challenge = inner.domain = inner.recipient = NULL;
	if (jwt)
		er = ob_verify_jwt_depth(json_string_value(e), json_string_length(e), &inner, w->depth + 1);
	else
		er = ob_verify_doc(e, &inner, w->depth + 1);
	nv = er ? realloc(d->endorsements, (i + 1) * sizeof(*nv)) : NULL;
	if (nv)
		d->endorsements = nv;
	nw = nv ? realloc(d->where, (i + 1) * sizeof(*nw)) : NULL;
	if (!nw) {
		ob_report_free(er);
		/* cannot keep it: say so rather than drop it silently */
		ob_verify_add(w->r, "endorsement", OB_NOT_CHECKED, 0, "warning: an endorsement could not be verified "
		    "(out of memory)");
		return;
	}
	d->where = nw;
	d->endorsements[i] = er;
	d->where[i] = where;
	d->nendorsements++;
	snprintf(id, sizeof(id), "endorsement[%zu]", i);
	why = ob_report_first_problem(er);
	if (er->verdict == OB_VALID)
		ob_verify_add(w->r, id, OB_PASSED, 0, "endorsement %zu (of the %s%s) by %s: VALID", i + 1,
		    ob_endorsed_name(where), jwt ? ", a VC-JWT" : "", er->issuer_id ? er->issuer_id : "(no issuer)");
	else
		ob_verify_add(w->r, id, OB_NOT_CHECKED, 0, "warning: endorsement %zu (of the %s%s) by %s is %s: %s "
		    "(the credential's own verdict does not depend on it)", i + 1, ob_endorsed_name(where),
		    jwt ? ", a VC-JWT" : "", er->issuer_id ? er->issuer_id : "(no issuer)",
		    er->verdict == OB_INVALID ? "INVALID" : "UNDECIDED",
		    why && why->message ? why->message : "a check failed");
}

static void walk(walk_ctx *w, const json_t *v, int at, int level)
{
	const json_t *x, *e;
	const char *key;
	size_t i;

	if (level > MAX_WALK)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			walk(w, x, at, level + 1);
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach((json_t *)v, key, x) {
		if (!strcmp(key, "endorsement")) {
			if (json_is_array(x)) {
				json_array_foreach(x, i, e)
					verify_one(w, e, 0, endorsed_at(at));
			} else if (json_is_object(x)) {
				verify_one(w, x, 0, endorsed_at(at));
			}
		} else if (!strcmp(key, "endorsementJwt")) {
			if (json_is_array(x)) {
				json_array_foreach(x, i, e)
					if (json_is_string(e))
						verify_one(w, e, 1, endorsed_at(at));
			} else if (json_is_string(x)) {
				verify_one(w, x, 1, endorsed_at(at));
			}
		} else if (strcmp(key, "proof") && strcmp(key, "@context") && strcmp(key, "verifiableCredential")) {
			/* a CLR's or presentation's credentials are verified on
			 * their own, with their endorsements */
			walk(w, x, next_at(at, key), level + 1);
		}
	}
}

void ob_endorse_verify_embedded(ob_report *r, const json_t *cred, const ob_verify_opts *opts, int depth)
{
	walk_ctx w = { r, opts, depth, 0, 0 };

	if (!r->display || !json_is_object(cred))
		return;
	walk(&w, cred, AT_CREDENTIAL, 0);
	if (w.deep)
		ob_verify_add(r, "endorsement", OB_NOT_CHECKED, 0, "warning: %zu endorsement%s nested deeper than "
		    "%d levels not verified", w.deep, w.deep == 1 ? "" : "s", MAX_NESTING);
	if (w.skipped)
		ob_verify_add(r, "endorsement", OB_NOT_CHECKED, 0, "warning: %zu more endorsement%s not verified "
		    "(at most %d are)", w.skipped, w.skipped == 1 ? "" : "s", MAX_ENDORSEMENTS);
}
