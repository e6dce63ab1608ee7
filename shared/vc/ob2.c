/* ob2: Open Badges 2.0 verification (spec/ob2.md), hosted and signed,
 * into the one report (vc/verify.h). */
#include "vc/ob2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/codec.h"
#include "base/dates.h"
#include "base/json.h"
#include "base/text.h"
#include "proof/keys.h"
#include "vc/display.h"
#include "vc/ob3.h"
#include "vc/verify_impl.h"

#define OB1_CONTEXT "https://w3id.org/openbadges/v1"

/* ---- small helpers ---- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int is_http(const char *s)
{
	return s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7));
}

/* A string, or an object's id (a linked node given either way). */
static const char *iri_of(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : ob_json_str(v, "id");
}

static const char *text_of(const json_t *v)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	return json_is_string(v) ? json_string_value(v) : ob_json_str(v, "@value");
}

/* The authority (host[:port]) of an http(s) URL into out; 0, or -1. */
static int host_of(const char *url, char *out, size_t n)
{
	const char *p, *e;

	if (!is_http(url))
		return -1;
	p = strstr(url, "://") + 3;
	e = p + strcspn(p, "/?#");
	if (e == p || (size_t)(e - p) >= n)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

static int same_host(const char *a, const char *b)
{
	char ha[256], hb[256];

	return !host_of(a, ha, sizeof(ha)) && !host_of(b, hb, sizeof(hb)) && !strcasecmp(ha, hb);
}

/* 2 for the OB 2.0 context, 1 for 1.x, 0 for neither (ob2.md 1.1). */
static int context_version(const json_t *doc)
{
	const json_t *ctx = json_object_get(doc, "@context"), *v;
	size_t i, n = json_is_array(ctx) ? json_array_size(ctx) : 1;
	int ver = 0;

	for (i = 0; i < n; i++) {
		const char *s;
		v = json_is_array(ctx) ? json_array_get(ctx, i) : ctx;
		/* an inline copy of the OB 2.0 context (the reference's samples) */
		if (json_is_object(v) && ob_json_str(v, "obi") && !strcmp(ob_json_str(v, "obi"), "https://w3id.org/openbadges#"))
			return 2;
		if (!(s = json_string_value(v)))
			continue;
		if (!strncmp(s, OB2_CONTEXT, strlen(OB2_CONTEXT)))
			return 2;
		if (!strncmp(s, OB1_CONTEXT, strlen(OB1_CONTEXT)))
			ver = 1;
	}
	return ver;
}

int ob2_sniff(const json_t *doc)
{
	const json_t *ctx = json_object_get(doc, "@context");
	const char *first = json_is_array(ctx) ? json_string_value(json_array_get(ctx, 0)) : NULL;

	if (!json_is_object(doc))
		return 0;
	/* a Verifiable Credential that also names an OB context is a VC */
	if (first && (!strcmp(first, "https://www.w3.org/ns/credentials/v2") ||
		      !strcmp(first, "https://www.w3.org/2018/credentials/v1")))
		return 0;
	if (context_version(doc))
		return 1;
	return ob_json_has_value(json_object_get(doc, "type"), "Assertion") &&
	       json_object_get(doc, "recipient") && json_object_get(doc, "badge");
}

/* ---- recipient (ob2.md 2) ---- */

ob_code ob2_identity_hash(const char *alg, const char *identity, const char *salt, ob_buf *out,
			  ob_error *err)
{
	const EVP_MD *md = !strcasecmp(alg, "sha256") ? EVP_sha256() : !strcasecmp(alg, "md5") ? EVP_md5() : NULL;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hn = 0;
	EVP_MD_CTX *c;
	int ok;

	if (!md)
		return ob_fail(err, OB_EINVALID, "hash algorithm '%s' is not sha256 or md5", alg);
	if (!(c = EVP_MD_CTX_new()))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	ok = EVP_DigestInit_ex(c, md, NULL) == 1 && EVP_DigestUpdate(c, identity, strlen(identity)) == 1 &&
	     EVP_DigestUpdate(c, salt ? salt : "", salt ? strlen(salt) : 0) == 1 &&
	     EVP_DigestFinal_ex(c, h, &hn) == 1;
	EVP_MD_CTX_free(c);
	if (!ok)
		return ob_fail(err, OB_ECRYPTO, "cannot compute %s", alg);
	ob_buf_addf(out, "%s$", md == EVP_md5() ? "md5" : "sha256");
	ob_hex_encode(out, h, hn);
	return out->oom ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

/* "sha256$hex" / "md5$hex": the algorithm's length into *alen, or 0. */
static size_t hash_shaped(const char *v)
{
	const char *d = v ? strchr(v, '$') : NULL;
	size_t alen = d ? (size_t)(d - v) : 0, i;

	if (!d || !((alen == 6 && !strncasecmp(v, "sha256", 6)) || (alen == 3 && !strncasecmp(v, "md5", 3))))
		return 0;
	for (i = 1; d[i]; i++)
		if (ob_hex_digit(d[i]) < 0)
			return 0;
	return i == (alen == 3 ? 33u : 65u) ? alen : 0;
}

static int hash_matches(const char *value, const char *email, const char *salt)
{
	size_t alen = hash_shaped(value);
	char alg[8];
	ob_buf h = OB_BUF_INIT;
	ob_error e = { 0 };
	int match;

	memcpy(alg, value, alen);
	alg[alen] = '\0';
	match = !ob2_identity_hash(alg, email, salt, &h, &e) && h.len == strlen(value) &&
		!strcasecmp(h.data, value);
	ob_buf_release(&h);
	return match;
}

int ob2_recipient_matches(const json_t *recipient, const char *email, const char **why)
{
	const char *type = ob_json_str(recipient, "type"), *value = ob_json_str(recipient, "identity");
	const char *salt = ob_json_str(recipient, "salt");
	char *lower;
	int match, i;

	*why = NULL;
	if (!type || strcmp(type, "email") || !value) {
		*why = "the badge names no e-mail recipient";
		return -1;
	}
	if (!json_is_true(json_object_get(recipient, "hashed")))
		return !strcasecmp(value, email);
	if (!hash_shaped(value)) {
		*why = "the badge's hashed recipient is not sha256$... or md5$...";
		return -1;
	}
	if (hash_matches(value, email, salt))
		return 1;
	if (!(lower = strdup(email)))
		return 0;
	for (i = 0; lower[i]; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] + 32);
	match = strcmp(lower, email) && hash_matches(value, lower, salt);
	free(lower);
	return match;
}

/* ---- the hosted scope (ob2.md 3.2) ---- */

/* 1 when s matches one value of v (a string or an array of strings):
 * prefix (startsWith) or, case-insensitively, equal (allowedOrigins). */
static int any_of(const json_t *v, const char *s, int prefix)
{
	size_t i, n = json_is_array(v) ? json_array_size(v) : 1;

	for (i = 0; i < n; i++) {
		const char *x = json_string_value(json_is_array(v) ? json_array_get(v, i) : v);
		if (x && (prefix ? !strncmp(s, x, strlen(x)) : !strcasecmp(s, x)))
			return 1;
	}
	return 0;
}

int ob2_in_scope(const char *aid, const char *iid, const json_t *verification, char *why, size_t n)
{
	const json_t *sw = json_object_get(verification, "startsWith");
	const json_t *ao = json_object_get(verification, "allowedOrigins");
	char host[256], ihost[256];

	if (!aid || host_of(aid, host, sizeof(host))) {
		snprintf(why, n, "the hosted assertion's id %s is not an HTTP(S) URL", aid ? aid : "(none)");
		return 0;
	}
	/* trust: the reference passes a non-HTTP issuer with a warning
	 * (ob2.md 1.6, 3.2); then no host of the issuer's vouches for the
	 * assertion, so we leave it open */
	if (!iid || host_of(iid, ihost, sizeof(ihost))) {
		snprintf(why, n, "the issuer's id %s is not an HTTP(S) URL: nothing ties the assertion's host %s "
			 "to the issuer", iid ? iid : "(none)", host);
		return -1;
	}
	if (sw && !any_of(sw, aid, 1)) {
		snprintf(why, n, "the assertion's URL %s does not start with what the issuer allows (startsWith)", aid);
		return 0;
	}
	if (ao ? !any_of(ao, host, 0) : strcasecmp(host, ihost)) {
		snprintf(why, n, "the assertion is hosted on %s, not on %s", host,
			 ao ? "an origin the issuer allows (allowedOrigins)" : "the issuer's host");
		return 0;
	}
	snprintf(why, n, "hosted on %s, within the issuer's verification scope (%s)", host,
		 sw ? "startsWith" : ao ? "allowedOrigins" : "the issuer's own host");
	return 1;
}

/* ---- documents ---- */

/* Fetches url through the loader; NULL after a blocking "not checked"
 * check (the network's or the mapping's fault, never the badge's). */
static const json_t *fetch(ob_report *r, const char *check, const char *what, const char *url,
			   const ob_verify_opts *opts)
{
	ob_error e = { 0 };
	const json_t *d = ob_loader_get_remote(opts->loader, url, &e);

	if (!d)
		ob_verify_add(r, check, OB_NOT_CHECKED, 1, "could not fetch the Open Badges 2.0 %s at %s: %s", what, url,
		    e.msg);
	else if (!json_is_object(d)) {
		ob_verify_add(r, check, OB_NOT_CHECKED, 1, "the Open Badges 2.0 %s at %s is not a JSON object", what, url);
		d = NULL;
	}
	return d;
}

/* A linked node (ob2.md 1.2): an embedded object, or an IRI fetched.
 * *from gets the URL it was fetched from (NULL when embedded). A fetched
 * document whose id is another URL was redirected: a warning. */
static const json_t *linked(ob_report *r, const json_t *v, const char *check, const char *what,
			    const ob_verify_opts *opts, const char **from)
{
	const json_t *d;
	const char *id;

	*from = NULL;
	if (json_is_object(v))
		return v;
	if (!json_is_string(v)) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "the Open Badges 2.0 %s is missing", what);
		return NULL;
	}
	if (!(d = fetch(r, check, what, json_string_value(v), opts)))
		return NULL;
	*from = json_string_value(v);
	id = ob_json_str(d, "id");
	if (id && strcmp(id, *from))
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the %s fetched from %s calls itself %s (redirected)", what,
		    *from, id);
	return d;
}

/* Known OB 2.0 classes (the context's terms) or an IRI. */
static int type_value_ok(const char *t)
{
	static const char *const known[] = {
		"AlignmentObject", "Assertion", "BadgeClass", "Criteria", "CryptographicKey", "Endorsement",
		"Evidence", "Extension", "FrameValidation", "HostedBadge", "hosted", "IdentityObject", "Image",
		"Issuer", "Profile", "RevocationList", "SignedBadge", "signed", "TypeValidation",
		"VerificationObject",
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(t, known[i]))
			return 1;
	return strchr(t, ':') != NULL;
}

/* ob2.md 1.5: type is a string or a non-empty array of known classes or
 * IRIs. Adds a conformance failure naming what; 0 ok, -1 not. */
static int check_types(ob_report *r, const json_t *doc, const char *what)
{
	const json_t *t = json_object_get(doc, "type");
	size_t i, n = json_is_array(t) ? json_array_size(t) : 1;

	if (!t || (json_is_array(t) && n == 0)) {
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the %s has no type", what);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_is_array(t) ? json_array_get(t, i) : t);
		if (!s || !type_value_ok(s)) {
			ob_verify_add(r, "openbadges", OB_FAILED, 0, "the %s's type %s is not an Open Badges 2.0 class or an IRI",
			    what, s ? s : "(not a string)");
			return -1;
		}
	}
	return 0;
}

/* Required fields (ob2.md 1.4) as conformance failures; the count. */
static int require(ob_report *r, const json_t *doc, const char *what, const char *const *fields)
{
	int missing = 0;

	for (; *fields; fields++)
		if (!json_object_get(doc, *fields)) {
			ob_verify_add(r, "openbadges", OB_FAILED, 0, "the %s lacks %s, which Open Badges 2.0 requires", what,
			    *fields);
			missing++;
		}
	return missing;
}

static int check_class(ob_report *r, const json_t *doc, const char *what, const char *cls, const char *alt,
		       const char *const *fields)
{
	int bad = check_types(r, doc, what) < 0;
	const json_t *t = json_object_get(doc, "type");

	if (!bad && !ob_json_has_value(t, cls) && !(alt && ob_json_has_value(t, alt))) {
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the %s is not of type %s", what, cls);
		bad = 1;
	}
	return bad + require(r, doc, what, fields);
}

/* image too in the spec; the reference passes a BadgeClass without one
 * (conformance/ob2 rdf-validation/valid-badge-class.json) */
static const char *const badge_fields[] = { "id", "name", "description", "criteria", "issuer", NULL };
static const char *const issuer_fields[] = { "id", "name", "url", "email", NULL };

/* Assertion fields beyond those structure() demands (ob2.md 1.4, 2.4). */
static int check_assertion_fields(ob_report *r, const json_t *a)
{
	static const char *const fields[] = { "recipient", "badge", "verification", "issuedOn", NULL };
	const json_t *rc = json_object_get(a, "recipient");
	const char *img = iri_of(json_object_get(a, "image")), *v = ob_json_str(rc, "identity");
	int bad = check_types(r, a, "assertion") < 0;

	bad += require(r, a, "assertion", fields);
	if (img && !strncmp(img, "data:", 5)) {
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the assertion's image is a data: URI; Open Badges 2.0 wants an IRI");
		bad++;
	}
	if (rc && (!json_is_object(rc) || !v || !ob_json_str(rc, "type"))) {
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the recipient needs identity and type");
		bad++;
	} else if (v && json_is_true(json_object_get(rc, "hashed")) && !hash_shaped(v)) {
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the recipient is marked hashed but is not sha256$... or md5$...");
		bad++;
	} else if (v && !json_is_true(json_object_get(rc, "hashed")) && hash_shaped(v)) {
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the recipient looks hashed but is marked hashed: false");
		bad++;
	} else if (v && !json_is_true(json_object_get(rc, "hashed")) && !strcmp(ob_json_str(rc, "type"), "email") &&
		   !ob3_is_email(v)) {
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the recipient's e-mail address is not one");
		bad++;
	}
	return bad;
}

/* ---- the report's summary, dates, recipient ---- */

static void set_summary(ob_report *r, const json_t *a, const json_t *badge, const json_t *issuer)
{
	const json_t *rc = json_object_get(a, "recipient");
	char buf[128];

	free(r->credential_id);
	free(r->valid_from);
	free(r->valid_until);
	r->credential_id = dup_or_null(ob_json_str(a, "id"));
	r->valid_from = dup_or_null(ob_json_str(a, "issuedOn"));
	r->valid_until = dup_or_null(ob_json_str(a, "expires"));
	if (badge && !r->achievement_name)
		r->achievement_name = dup_or_null(text_of(json_object_get(badge, "name")));
	if (badge && !r->issuer_id)
		r->issuer_id = dup_or_null(iri_of(json_object_get(badge, "issuer")));
	if (issuer && !r->issuer_name)
		r->issuer_name = dup_or_null(text_of(json_object_get(issuer, "name")));
	if (!r->learner && json_is_object(rc)) {
		snprintf(buf, sizeof(buf), "identified by %.40s%s", ob_json_str(rc, "type") ? ob_json_str(rc, "type") : "identifier",
			 json_is_true(json_object_get(rc, "hashed")) ? " (hashed)" : "");
		r->learner = strdup(buf);
	}
}

/* An ISO 8601 date-time without seconds ("2017-10-01T00:00Z", as the
 * OB 2.0 endorsement samples write) gets ":00" so ob_date_parse reads
 * it; anything else is copied as it is. */
static const char *with_seconds(const char *v, char out[64])
{
	size_t n = v ? strlen(v) : 0;

	if (n < 17 || n > 40 || v[10] != 'T' || v[13] != ':' || (v[16] != 'Z' && v[16] != '+' && v[16] != '-'))
		return v;
	snprintf(out, 64, "%.16s:00%s", v, v + 16);
	return out;
}

/* ob2.md 6.5: issuedOn in the future, expires before issuedOn, expired. */
static void check_dates(ob_report *r, const ob_verify_opts *opts)
{
	time_t now = ob_date_now(opts->now), from, until = 0;
	char fb[64], ub[64];
	const char *f = r->valid_from, *u = r->valid_until;
	const char *fs = with_seconds(f, fb), *us = with_seconds(u, ub);
	int zf = 1, zu = 1;

	if (!f) {
		ob_verify_add(r, "dates", OB_NOT_CHECKED, 0, "the assertion has no issuedOn date");
		return;
	}
	if (ob_date_parse(fs, &from, &zf) < 0 || (u && ob_date_parse(us, &until, &zu) < 0)) {
		ob_verify_add(r, "dates", OB_FAILED, 0, "issuedOn '%s'%s%s is not a valid date-time", f, u ? " or expires " : "",
		    u ? u : "");
		return;
	}
	if (!zf || !zu)
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "a date without a time zone (Open Badges 2.0 wants one)");
	if (now < from)
		ob_verify_add(r, "dates", OB_FAILED, 0, "issued in the future: issuedOn %s", f);
	else if (u && until < from)
		ob_verify_add(r, "dates", OB_FAILED, 0, "expires (%s) before it was issued (%s)", u, f);
	else if (u && now >= until)
		ob_verify_add(r, "dates", OB_FAILED, 0, "expired on %s", u);
	else
		ob_verify_add(r, "dates", OB_PASSED, 0, "issued on %s, %s%s", f, u ? "expires " : "no expiry date",
		    u ? u : "");
}

static void check_recipient(ob_report *r, const json_t *a, const ob_verify_opts *opts)
{
	const char *why;
	int m;

	if (!opts->recipient)
		return;
	m = ob2_recipient_matches(json_object_get(a, "recipient"), opts->recipient, &why);
	if (m > 0)
		ob_verify_add(r, "recipient", OB_PASSED, 0, "issued to %s (the badge's %s e-mail address matches)",
		    opts->recipient, json_is_true(json_object_get(json_object_get(a, "recipient"), "hashed")) ? "hashed" : "");
	else if (m == 0)
		ob_verify_add(r, "recipient", OB_FAILED, 0, "not issued to %s: the badge's e-mail address is another one",
		    opts->recipient);
	else
		ob_verify_add(r, "recipient", OB_NOT_CHECKED, 1, "%s to compare with %s", why, opts->recipient);
}

/* ---- hosted (ob2.md 3) ---- */

/* The issuer's own word on its scope: an issuer fetched from a URL on
 * another host than its id is not its own word (trust: the reference
 * does not ask). */
static void check_hosted(ob_report *r, const json_t *a, const json_t *issuer, const char *issuer_from)
{
	const char *aid = ob_json_str(a, "id"), *iid = ob_json_str(issuer, "id");
	char why[512], host[256];
	int s;

	ob_verify_add(r, "proof", OB_PASSED, 0, "hosted verification: the assertion was fetched from its id %s", aid);
	if (issuer_from && is_http(iid) && !same_host(issuer_from, iid)) {
		ob_verify_add(r, "issuer", OB_NOT_CHECKED, 1, "the issuer profile fetched from %s calls itself %s, "
		    "on another host: it does not speak for that issuer", issuer_from, iid);
		return;
	}
	s = ob2_in_scope(aid, iid, json_object_get(issuer, "verification"), why, sizeof(why));
	if (s < 0) {
		ob_verify_add(r, "issuer", OB_NOT_CHECKED, 1, "%s", why);
		return;
	}
	ob_verify_add(r, "issuer", s ? OB_PASSED : OB_FAILED, 0, "%s", why);
	/* bound to a domain: the assertion and the issuer on one https host */
	if (s && !strncmp(aid, "https://", 8) && !strncmp(iid, "https://", 8) && same_host(aid, iid) &&
	    !host_of(iid, host, sizeof(host)) && !r->issuer_domain)
		r->issuer_domain = strdup(host);
}

/* The hosted copy is the truth (ob2.md 3.1, 8.4): fetch it again. NULL
 * when it could not be had or is revoked (the checks say which). */
static const json_t *refetch(ob_report *r, const json_t *given, const ob_verify_opts *opts)
{
	const char *id = ob_json_str(given, "id");
	ob_error e = { 0 };
	const json_t *a;

	if (!is_http(id)) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "a hosted Open Badges 2.0 assertion needs an HTTP(S) id, not %s",
		    id ? id : "none");
		return NULL;
	}
	if (!(a = ob_loader_get_remote(opts->loader, id, &e))) {
		/* ob2.md 3.3: 410 Gone is how a hosted assertion is revoked */
		if (strstr(e.msg, "HTTP 410"))
			ob_verify_add(r, "status", OB_FAILED, 0, "revoked: the issuer's server answers 410 Gone for %s", id);
		else
			ob_verify_add(r, "proof", OB_NOT_CHECKED, 1, "could not fetch the hosted Open Badges 2.0 assertion "
			    "at its id %s, which is its only proof: %s", id, e.msg);
		return NULL;
	}
	if (!json_is_object(a)) {
		ob_verify_add(r, "proof", OB_NOT_CHECKED, 1, "the copy hosted at %s is not a JSON object", id);
		return NULL;
	}
	if (json_is_true(json_object_get(a, "revoked"))) {
		ob_verify_add(r, "status", OB_FAILED, 0, "revoked by its issuer%s%s",
		    ob_json_str(a, "revocationReason") ? ": " : "",
		    ob_json_str(a, "revocationReason") ? ob_json_str(a, "revocationReason") : "");
		return NULL;
	}
	if (!json_equal((json_t *)a, (json_t *)given))
		ob_verify_add(r, "hosted", OB_PASSED, 0, "the copy given differs from the one hosted at %s; the hosted "
		    "one is what was verified", id);
	return a;
}

/* ---- signed (ob2.md 4) ---- */

static ob_key *key_from_pem(const char *pem, ob_error *err)
{
	BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
	EVP_PKEY *pk = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
	BIGNUM *n = NULL, *e = NULL;
	unsigned char pt[133];
	size_t ptn = 0;
	ob_buf x = OB_BUF_INIT, y = OB_BUF_INIT;
	json_t *jwk = NULL;
	ob_key *k = NULL;
	char group[32];

	if (!pk) {
		ob_fail(err, OB_EINVALID, "publicKeyPem is not a PEM public key");
		goto out;
	}
	if (EVP_PKEY_is_a(pk, "RSA") && EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) == 1) {
		unsigned char *nb = malloc((size_t)BN_num_bytes(n)), *eb = malloc((size_t)BN_num_bytes(e));
		if (nb && eb) {
			ob_base64url_encode(&x, nb, (size_t)BN_bn2bin(n, nb));
			ob_base64url_encode(&y, eb, (size_t)BN_bn2bin(e, eb));
		}
		free(nb);
		free(eb);
		jwk = x.data && y.data ? json_pack("{s:s, s:s, s:s}", "kty", "RSA", "n", x.data, "e", y.data) : NULL;
	} else if (EVP_PKEY_is_a(pk, "EC") &&
		   EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL) == 1 &&
		   !strcmp(group, "prime256v1") &&
		   EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt), &ptn) == 1 &&
		   ptn == 65 && pt[0] == 4) {
		ob_base64url_encode(&x, pt + 1, 32);
		ob_base64url_encode(&y, pt + 33, 32);
		jwk = x.data && y.data ? json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", x.data,
						   "y", y.data) : NULL;
	} else {
		ob_fail(err, OB_EUNSUPPORTED, "publicKeyPem is neither an RSA nor a P-256 key");
		goto out;
	}
	if (!jwk)
		ob_fail(err, OB_ENOMEM, "out of memory");
	else
		k = ob_key_from_jwk(jwk, err);
out:
	json_decref(jwk);
	ob_buf_release(&x);
	ob_buf_release(&y);
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(pk);
	BIO_free(b);
	return k;
}

/* The issuer's keys (its publicKey: IRIs or objects with an id), at most
 * OB2_MAX_KEYS. */
static size_t issuer_keys(const json_t *issuer, const char **ids)
{
	const json_t *pk = json_object_get(issuer, "publicKey");
	size_t i, n = json_is_array(pk) ? json_array_size(pk) : pk ? 1 : 0, k = 0;

	for (i = 0; i < n && k < OB2_MAX_KEYS; i++) {
		const char *id = iri_of(json_is_array(pk) ? json_array_get(pk, i) : pk);
		if (id)
			ids[k++] = id;
	}
	return k;
}

/* One candidate key: fetched, owned by the issuer, and the signature. 1
 * verified, 0 a signature it does not verify, -1 no usable key (the
 * check already added when blocking). */
static int try_key(ob_report *r, const ob_jwt *jwt, const char *kid, const char *iid,
		   const ob_verify_opts *opts, ob_error *sig_err)
{
	const json_t *kd = fetch(r, "key", "CryptographicKey", kid, opts);
	const char *owner = iri_of(json_object_get(kd, "owner"));
	ob_error e = { 0 };
	ob_key *key;
	int ok;

	if (!kd)
		return -1;
	/* ob2.md 4.3: the key names the issuer as its owner, exactly */
	if (!owner || strcmp(owner, iid)) {
		ob_verify_add(r, "issuer", OB_FAILED, 0, "the key %s belongs to %s, not to the issuer %s", kid,
		    owner ? owner : "nobody", iid);
		return -1;
	}
	if (!(key = key_from_pem(ob_json_str(kd, "publicKeyPem"), &e))) {
		ob_verify_add(r, "key", e.code == OB_EUNSUPPORTED ? OB_NOT_CHECKED : OB_FAILED, 1, "the key %s: %s", kid, e.msg);
		return -1;
	}
	ok = !ob_jwt_verify_signature(jwt, key, sig_err);
	ob_key_free(key);
	return ok;
}

/* ob2.md 4.5: the issuer's revocation list, when it has one. */
static void check_revocation(ob_report *r, const json_t *a, const json_t *issuer, const ob_verify_opts *opts)
{
	const char *url = iri_of(json_object_get(issuer, "revocationList")), *aid = ob_json_str(a, "id");
	const char *uid = ob_json_str(a, "uid");
	const json_t *list, *ra, *e;
	size_t i;

	if (!url) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 0, "the issuer publishes no revocation list");
		return;
	}
	if (!(list = fetch(r, "status", "revocation list", url, opts)))
		return;
	ra = json_object_get(list, "revokedAssertions");
	if (!ob_json_has_value(json_object_get(list, "type"), "RevocationList") || !json_is_array(ra)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "the document at %s is not a RevocationList with revokedAssertions",
		    url);
		return;
	}
	if (json_array_size(ra) > OB2_MAX_REVOKED) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "over budget: a revocation list of more than %d entries",
		    OB2_MAX_REVOKED);
		return;
	}
	json_array_foreach(ra, i, e) {
		const char *id = json_is_string(e) ? json_string_value(e) : ob_json_str(e, "id");
		const char *eu = ob_json_str(e, "uid");
		if ((id && aid && !strcmp(id, aid)) || (eu && uid && !strcmp(eu, uid))) {
			ob_verify_add(r, "status", OB_FAILED, 0, "revoked by its issuer%s%s", ob_json_str(e, "revocationReason") ?
			    ": " : "", ob_json_str(e, "revocationReason") ? ob_json_str(e, "revocationReason") : "");
			return;
		}
	}
	ob_verify_add(r, "status", OB_PASSED, 0, "not in the issuer's revocation list");
}

/* ob2.md 4.2 steps 4-7: a key linked both ways with the issuer (its
 * publicKey lists it, the key names the issuer its owner) that verifies
 * the JWS. */
static void check_signed(ob_report *r, const ob_jwt *jwt, const json_t *a, const json_t *issuer,
			 const char *issuer_from, const ob_verify_opts *opts)
{
	const char *ids[OB2_MAX_KEYS], *iid = ob_json_str(issuer, "id");
	const char *creator = iri_of(json_object_get(json_object_get(a, "verification"), "creator"));
	char host[256];
	size_t n = issuer_keys(issuer, ids), i;
	ob_error se = { 0 };
	int got = -1, k;

	/* trust: only the issuer's own document (fetched from its id's
	 * host) says which keys are its */
	if (!iid || !issuer_from || !same_host(issuer_from, iid)) {
		ob_verify_add(r, "issuer", OB_NOT_CHECKED, 1, "the issuer profile %s was not fetched from its own host, so "
		    "its keys do not speak for it", iid ? iid : "(no id)");
		return;
	}
	if (creator) {
		for (i = 0; i < n && strcmp(ids[i], creator); i++)
			;
		if (i == n) {
			ob_verify_add(r, "issuer", OB_FAILED, 0, "the signing key %s is not one of the issuer's keys (publicKey)",
			    creator);
			return;
		}
		ids[0] = creator;
		n = 1;
	}
	if (!n) {
		ob_verify_add(r, "key", OB_NOT_CHECKED, 1, "the issuer %s lists no key (publicKey) to check the signature with",
		    iid);
		return;
	}
	for (i = 0; i < n && got != 1; i++)
		if ((k = try_key(r, jwt, ids[i], iid, opts, &se)) >= 0)
			got = k;
	if (got < 0)
		return;
	if (!got) {
		ob_verify_add(r, "signature", OB_FAILED, 0, "%s", se.msg[0] ? se.msg : "the signature does not verify");
		return;
	}
	ob_verify_add(r, "signature", OB_PASSED, 0, "%s signature verifies with the issuer's key %s", jwt->alg, ids[i - 1]);
	ob_verify_add(r, "issuer", OB_PASSED, 0, "the key is the issuer's: listed in its profile, and it names the issuer as "
	    "its owner");
	if (!strncmp(iid, "https://", 8) && !strncmp(ids[i - 1], "https://", 8) && same_host(iid, ids[i - 1]) &&
	    !host_of(iid, host, sizeof(host)) && !r->issuer_domain)
		r->issuer_domain = strdup(host);
	check_revocation(r, a, issuer, opts);
}

/* ---- the assertion ---- */

/* What stops every other check: no OB 2.0 context, not an Assertion. */
static int structure(ob_report *r, const json_t *a)
{
	int ver = context_version(a);

	if (!json_is_object(a)) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "the Open Badges 2.0 assertion is not a JSON object");
		return -1;
	}
	if (ver == 1) {
		ob_verify_add(r, "format", OB_NOT_CHECKED, 1, "an Open Badges 1.x assertion: only 2.0 assertions are "
		    "verified (and Open Badges 3.0 credentials)");
		return -1;
	}
	if (ver != 2) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "not an Open Badges 2.0 assertion: its @context is not %s",
		    OB2_CONTEXT);
		return -1;
	}
	if (!ob_json_has_value(json_object_get(a, "type"), "Assertion")) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "not an Open Badges 2.0 assertion: its type is not Assertion");
		return -1;
	}
	return 0;
}

static const char *verification_type(const json_t *a)
{
	const json_t *v = json_object_get(a, "verification");
	const char *t = json_is_object(v) ? ob_json_str(v, "type") : NULL;

	if (t && (!strcmp(t, "hosted") || !strcmp(t, "HostedBadge")))
		return "hosted";
	if (t && (!strcmp(t, "signed") || !strcmp(t, "SignedBadge")))
		return "signed";
	return NULL;
}

/* The issuer profile the badge links to; an embedded one is fetched
 * again from its id when it has an HTTP one (only the issuer's own
 * document speaks for it). */
static const json_t *issuer_of(ob_report *r, const json_t *badge, const ob_verify_opts *opts, const char **from)
{
	const json_t *v = json_object_get(badge, "issuer"), *d;
	const char *id = ob_json_str(v, "id");
	ob_error e = { 0 };

	if (json_is_object(v) && is_http(id) && (d = ob_loader_get_remote(opts->loader, id, &e)) && json_is_object(d)) {
		*from = id;
		return d;
	}
	return linked(r, v, "issuer", "issuer profile", opts, from);
}

/* ---- endorsements (endorsements.md 7) ---- */

/* Budget: OB 2.0 endorsements verified per badge (each may fetch its
 * copy and its issuer); more are named, not verified. */
#define MAX_ENDORSEMENTS2 16

static const char *const endorsement_fields[] = { "id", "claim", "issuer", "issuedOn", "verification", NULL };

/* An Endorsement, verified like a hosted assertion without a badge: its
 * hosted copy (revoked, 410), its issuer's profile and origin rules, its
 * dates. A signed one is not checked (undecided). */
static void verify_endorsement(ob_report *r, const json_t *e, const ob_verify_opts *opts)
{
	const json_t *issuer, *claim;
	const char *vt, *from = NULL;

	r->kind = "ob2";
	r->credential_id = dup_or_null(ob_json_str(e, "id"));
	r->issuer_id = dup_or_null(iri_of(json_object_get(e, "issuer")));
	if (context_version(e) != 2) {
		ob_verify_add(r, "structure", OB_FAILED, 0, "not an Open Badges 2.0 endorsement: its @context is not %s",
		    OB2_CONTEXT);
		return;
	}
	check_class(r, e, "endorsement", "Endorsement", NULL, endorsement_fields);
	vt = verification_type(e);
	ob_verify_add(r, "format", OB_PASSED, 0, "an Open Badges 2.0 endorsement (%s verification)", vt ? vt : "no");
	if (!vt || strcmp(vt, "hosted")) {
		ob_verify_add(r, "proof", OB_NOT_CHECKED, 1, "only hosted Open Badges 2.0 endorsements are verified");
		return;
	}
	if (!(e = refetch(r, e, opts)))
		return;
	claim = json_object_get(e, "claim");
	if (!json_is_object(claim) || !ob_json_str(claim, "id"))
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the endorsement's claim has no id (what it endorses)");
	free(r->credential_id);
	r->credential_id = dup_or_null(ob_json_str(e, "id"));
	r->valid_from = dup_or_null(ob_json_str(e, "issuedOn"));
	r->valid_until = dup_or_null(ob_json_str(e, "expires"));
	if (!r->display)
		r->display = ob_display_new_ob2_endorsement(e);
	if ((issuer = linked(r, json_object_get(e, "issuer"), "issuer", "issuer profile", opts, &from))) {
		check_class(r, issuer, "issuer profile", "Issuer", "Profile", issuer_fields);
		free(r->issuer_id);
		r->issuer_id = dup_or_null(ob_json_str(issuer, "id"));
		r->issuer_name = dup_or_null(text_of(json_object_get(issuer, "name")));
		check_hosted(r, e, issuer, from);
	}
	check_dates(r, opts);
}

/* One endorsement of the assertion, its BadgeClass or its issuer (an
 * IRI or an embedded object), as a nested report with its own verdict. */
static void endorsement_one(ob_report *r, const json_t *v, ob_endorsed where, const ob_verify_opts *opts)
{
	ob_display *d = r->display;
	ob_report *er = ob_verify_new_report(), **nv;
	ob_endorsed *nw;
	const ob_check *why;
	const json_t *doc = v;
	size_t i = d->nendorsements;
	char id[32];

	if (!er)
		goto oom;
	er->kind = "ob2";
	if (json_is_string(v))
		doc = fetch(er, "proof", "endorsement", json_string_value(v), opts);
	else if (!json_is_object(v)) {
		ob_verify_add(er, "structure", OB_FAILED, 0, "an endorsement is neither an IRI nor an object");
		doc = NULL;
	}
	if (doc)
		verify_endorsement(er, doc, opts);
	ob_verify_settle(er);
	if (!(nv = realloc(d->endorsements, (i + 1) * sizeof(*nv))))
		goto oom;
	d->endorsements = nv;
	if (!(nw = realloc(d->where, (i + 1) * sizeof(*nw))))
		goto oom;
	d->where = nw;
	d->endorsements[i] = er;
	d->where[i] = where;
	d->nendorsements++;
	snprintf(id, sizeof(id), "endorsement[%zu]", i);
	why = ob_report_first_problem(er);
	if (er->verdict == OB_VALID)
		ob_verify_add(r, id, OB_PASSED, 0, "endorsement %zu (of the %s) by %s: VALID", i + 1,
		    where == OB_ENDORSED_ACHIEVEMENT ? "BadgeClass" : ob_endorsed_name(where),
		    er->issuer_id ? er->issuer_id : "(no issuer)");
	else
		ob_verify_add(r, id, OB_NOT_CHECKED, 0, "warning: endorsement %zu (of the %s) by %s is %s: %s (the "
		    "badge's own verdict does not depend on it)", i + 1,
		    where == OB_ENDORSED_ACHIEVEMENT ? "BadgeClass" : ob_endorsed_name(where),
		    er->issuer_id ? er->issuer_id : "(no issuer)", er->verdict == OB_INVALID ? "INVALID" : "UNDECIDED",
		    why && why->message ? why->message : "a check failed");
	return;
oom:
	ob_report_free(er);
	ob_verify_add(r, "endorsement", OB_NOT_CHECKED, 0, "warning: an endorsement could not be verified (out of memory)");
}

/* Every endorsement of the assertion, its BadgeClass and its issuer,
 * each verified on its own; never silently ignored. */
static void verify_endorsements(ob_report *r, const json_t *a, const json_t *badge, const json_t *issuer,
				const ob_verify_opts *opts)
{
	const json_t *nodes[3] = { a, badge, issuer }, *e, *v;
	static const ob_endorsed where[3] = { OB_ENDORSED_CREDENTIAL, OB_ENDORSED_ACHIEVEMENT, OB_ENDORSED_ISSUER };
	size_t i, k, n, skipped = 0;

	for (i = 0; i < 3; i++) {
		if (!(e = json_object_get(nodes[i], "endorsement")))
			continue;
		if (!r->display && !(r->display = ob_display_new_ob2(a, badge))) {
			ob_verify_add(r, "endorsement", OB_NOT_CHECKED, 0, "warning: endorsements not verified (out of memory)");
			return;
		}
		n = json_is_array(e) ? json_array_size(e) : 1;
		for (k = 0; k < n; k++) {
			v = json_is_array(e) ? json_array_get(e, k) : e;
			if (r->display->nendorsements >= MAX_ENDORSEMENTS2)
				skipped++;
			else
				endorsement_one(r, v, where[i], opts);
		}
	}
	if (skipped)
		ob_verify_add(r, "endorsement", OB_NOT_CHECKED, 0, "warning: %zu more endorsement%s not verified (at most "
		    "%d are)", skipped, skipped == 1 ? "" : "s", MAX_ENDORSEMENTS2);
}

/* Both ways: jwt NULL is hosted (a re-fetched, given the copy), else
 * signed with a the JWS payload. */
static void verify_assertion(ob_report *r, const json_t *a, const ob_jwt *jwt, const ob_verify_opts *opts)
{
	const json_t *badge = NULL, *issuer = NULL;
	const char *vt, *badge_from, *issuer_from = NULL;

	r->kind = "ob2";
	set_summary(r, a, NULL, NULL);
	if (structure(r, a) < 0)
		return;
	vt = verification_type(a);
	ob_verify_add(r, "format", OB_PASSED, 0, "an Open Badges 2.0 assertion (%s verification)", jwt ? "signed" : "hosted");
	if (!jwt && vt && !strcmp(vt, "signed")) {
		ob_verify_add(r, "proof", OB_NOT_CHECKED, 1, "a signed Open Badges 2.0 assertion given without its "
		    "signature: verify the JWS or the baked image instead");
		return;
	}
	if (jwt && (!vt || strcmp(vt, "signed")))
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "a signed assertion whose verification type is not signed");
	if (!jwt && !(a = refetch(r, a, opts)))
		return;
	if (!jwt && structure(r, a) < 0)
		return;
	set_summary(r, a, NULL, NULL);
	check_assertion_fields(r, a);
	if ((badge = linked(r, json_object_get(a, "badge"), "badge", "BadgeClass", opts, &badge_from))) {
		check_class(r, badge, "BadgeClass", "BadgeClass", NULL, badge_fields);
		issuer = issuer_of(r, badge, opts, &issuer_from);
	}
	if (issuer)
		check_class(r, issuer, "issuer profile", "Issuer", "Profile", issuer_fields);
	set_summary(r, a, badge, issuer);
	/* what a Displayer shows, as for a 3.0 badge (vc/display.h) */
	if (!r->display)
		r->display = ob_display_new_ob2(a, badge);
	if (issuer && ob_json_str(issuer, "id") && !is_http(ob_json_str(issuer, "id")))
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "the issuer's id %s is not an HTTP(S) URL",
		    ob_json_str(issuer, "id"));
	if (issuer && jwt)
		check_signed(r, jwt, a, issuer, issuer_from, opts);
	else if (issuer)
		check_hosted(r, a, issuer, issuer_from);
	check_dates(r, opts);
	check_recipient(r, a, opts);
	verify_endorsements(r, a, badge, issuer, opts);
	if (badge && issuer && ob_report_dimension(r, OB_DIM_CONFORMANT, NULL) != OB_FAILED)
		ob_verify_add(r, "openbadges", OB_PASSED, 0, "the assertion, its BadgeClass and its issuer have every field "
		    "Open Badges 2.0 requires");
}

/* Another OB 2.0 class alone (a BadgeClass, a Profile, ...): its shape,
 * and never valid, for nothing is issued to anyone. */
static void verify_other(ob_report *r, const json_t *doc, const ob_verify_opts *opts)
{
	const json_t *t = json_object_get(doc, "type"), *issuer;
	const char *what = json_is_string(t) ? json_string_value(t) : text_of(t), *from;
	int bad;

	r->kind = "ob2";
	r->credential_id = dup_or_null(ob_json_str(doc, "id"));
	ob_verify_add(r, "format", OB_NOT_CHECKED, 1, "an Open Badges 2.0 %.60s, not an assertion: nothing is issued to "
	    "anyone or signed here", what ? what : "document");
	if (context_version(doc) != 2)
		ob_verify_add(r, "openbadges", OB_FAILED, 0, "its @context is not %s", OB2_CONTEXT);
	if (ob_json_has_value(t, "BadgeClass")) {
		r->achievement_name = dup_or_null(text_of(json_object_get(doc, "name")));
		r->issuer_id = dup_or_null(iri_of(json_object_get(doc, "issuer")));
		bad = check_class(r, doc, "BadgeClass", "BadgeClass", NULL, badge_fields);
		if (!r->display)
			r->display = ob_display_new_ob2(NULL, doc);
		if ((issuer = linked(r, json_object_get(doc, "issuer"), "issuer", "issuer profile", opts, &from))) {
			bad += check_class(r, issuer, "issuer profile", "Issuer", "Profile", issuer_fields);
			r->issuer_name = dup_or_null(text_of(json_object_get(issuer, "name")));
		}
	} else if (ob_json_has_value(t, "Issuer") || ob_json_has_value(t, "Profile")) {
		r->issuer_id = dup_or_null(ob_json_str(doc, "id"));
		r->issuer_name = dup_or_null(text_of(json_object_get(doc, "name")));
		bad = check_class(r, doc, "issuer profile", "Issuer", "Profile", issuer_fields);
	} else {
		bad = check_types(r, doc, "document") < 0;
	}
	if (!bad)
		ob_verify_add(r, "openbadges", OB_PASSED, 0, "its fields conform to Open Badges 2.0");
}

void ob2_verify_doc(ob_report *r, const json_t *doc, const ob_verify_opts *opts)
{
	const json_t *t = json_object_get(doc, "type");

	if (ob_json_has_value(t, "Assertion") || context_version(doc) != 2 || json_object_get(doc, "recipient") ||
	    json_object_get(doc, "badge"))
		verify_assertion(r, doc, NULL, opts);
	else if (ob_json_has_value(t, "Endorsement"))
		verify_endorsement(r, doc, opts);
	else
		verify_other(r, doc, opts);
}

void ob2_verify_jws(ob_report *r, const ob_jwt *jwt, const ob_verify_opts *opts)
{
	verify_assertion(r, jwt->payload, jwt, opts);
}

void ob2_verify_url(ob_report *r, const char *url, const ob_verify_opts *opts)
{
	const json_t *a;

	r->kind = "ob2";
	if (!(a = fetch(r, "proof", "assertion", url, opts)))
		return;
	r->document = json_incref((json_t *)a);
	verify_assertion(r, a, NULL, opts);
}
