/* vcapi_flow: the VC-API exchange of ob-issuer serve (oid4vci.h;
 * ../shared/spec/exchange.md 3.2), the way the DCC Learner Credential
 * Wallet receives a credential bound to its DID:
 *
 *   POST SERVER/exchanges/XREF {}
 *     -> {"verifiablePresentationRequest": {"query": [{"type": "DIDAuthentication", ...}],
 *         "challenge", "domain", "interact": {"service": [...]}}}
 *   POST SERVER/exchanges/XREF {"verifiablePresentation": DIDAuth VP}
 *     -> {"verifiablePresentation": {"verifiableCredential": [VC]}}
 *
 * XREF is the offer's exchange reference (db_offer.h); the exchange
 * lives as long as its offer and shares its one use with the OID4VCI
 * path. A challenge is a one-time value (ONCE_CHALLENGE, stored as the
 * SHA-256 of the exchange's reference and the challenge, so it answers
 * that exchange only) that lives VCAPI_CHALLENGE_TTL, never past the
 * offer. The presentation is checked first (vc/verify.h: the holder a
 * did:key, the proof for authentication by the holder's own key, with
 * the challenge and, when it names one, our domain); only a presentation
 * that verifies takes its challenge and then the offer, so a failed
 * attempt uses up nothing; the challenge and the offer are spent in the
 * transaction that logs the credential, so a delivery that fails uses
 * up nothing either. Errors are Problem Details (RFC 9457) JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "base/codec.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/rand.h"
#include "db_offer.h"
#include "oid4vci.h"
#include "vc/verify.h"

/* A Problem Details answer; type is a short name under urn:obkit:vcapi:. */
static void problem(vci_answer *a, unsigned status, const char *type, const char *title, const char *detail)
{
	json_decref(a->body);
	a->status = status;
	a->body = json_pack("{s:s+,s:s,s:s}", "type", "urn:obkit:vcapi:", type, "title", title, "detail", detail);
	if (!a->body) {
		a->status = 500;
		a->body = json_pack("{s:s}", "title", "out of memory");
	}
}

static void server_problem(vci_answer *a, const ob_error *e)
{
	fprintf(stderr, "ob-issuer: serve: exchange: %s\n", e->msg);
	problem(a, 500, "server-error", "Server error", "the issuer could not complete the request");
}

/* The host of the issuer identifier url (https://HOST[:port][/path]),
 * the domain a presentation may name, into out (n bytes); -1 when too
 * long. */
static int url_host(const char *url, char *out, size_t n)
{
	const char *h = strstr(url, "://"), *end;
	size_t len;

	h = h ? h + 3 : url;
	if (*h == '[')
		end = strchr(h, ']') ? strchr(h, ']') + 1 : h + strlen(h);
	else
		end = h + strcspn(h, ":/");
	len = (size_t)(end - h);
	if (len >= n)
		return -1;
	memcpy(out, h, len);
	out[len] = '\0';
	return 0;
}

/* The stored form of a challenge of exchange xref. */
static void challenge_hash(const char *xref, const char *challenge, unsigned char out[32])
{
	ob_buf b = OB_BUF_INIT;

	ob_buf_adds(&b, xref);
	ob_buf_addc(&b, '\n');
	ob_buf_adds(&b, challenge);
	ob_sha256(b.data ? b.data : "", b.len, out);
	ob_buf_release_secret(&b);
}

/* The offer of exchange xref, open: 0, else a has the refusal. */
static int exchange_offer(vci_server *s, const char *xref, offer_rec *o, vci_answer *a)
{
	ob_error err = { 0 };
	const char *why;
	int found = 0;

	if (offer_db_find(s->st.db, "xref", xref, o, &found, &err)) {
		server_problem(a, &err);
		return -1;
	}
	if (!found) {
		problem(a, 404, "unknown-exchange", "No such exchange", "no exchange has this address");
		return -1;
	}
	if ((why = vci_offer_refusal(o, time(NULL)))) {
		problem(a, 410, "exchange-gone", "The exchange is over", why);
		return -1;
	}
	return 0;
}

/* POST {}: a new challenge and the DIDAuthentication request. */
static void start(vci_server *s, const offer_rec *o, vci_answer *a)
{
	unsigned char r[32], hash[32];
	ob_buf ch = OB_BUF_INIT, url = OB_BUF_INIT;
	ob_error err = { 0 };
	time_t now = time(NULL), until = now + VCAPI_CHALLENGE_TTL;
	char domain[256];
	int dup = 0;

	if (until > o->expires)
		until = o->expires;
	if (url_host(s->issuer_url, domain, sizeof(domain)) < 0) {
		ob_fail(&err, OB_EUSAGE, "the issuer URL's host is too long");
		goto fail;
	}
	if (ob_random(r, sizeof(r), &err))
		goto fail;
	if (ob_base64url_encode(&ch, r, sizeof(r)) < 0 || issuer_offer_exchange_url(s->issuer_url, o->xref, &url, &err)) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	challenge_hash(o->xref, ch.data, hash);
	if (offer_db_once_add(s->st.db, ONCE_CHALLENGE, hash, until, now, &dup, &err))
		goto fail;
	json_decref(a->body);
	a->status = 200;
	a->body = json_pack("{s:{s:[{s:s,s:[{s:s}]}],s:s,s:s,s:{s:[{s:s,s:s}]}}}",
			    "verifiablePresentationRequest",
			    "query", "type", "DIDAuthentication", "acceptedMethods", "method", "key",
			    "challenge", ch.data, "domain", domain,
			    "interact", "service", "type", "UnmediatedPresentationService2021",
			    "serviceEndpoint", url.data);
	if (!a->body)
		problem(a, 500, "server-error", "Server error", "out of memory");
	goto out;
fail:
	server_problem(a, &err);
out:
	OPENSSL_cleanse(r, sizeof(r));
	ob_buf_release(&ch);
	ob_buf_release(&url);
}

/* The DIDAuth presentation's shape, before any signature is checked:
 * its holder (a did:key), its one proof's challenge, and whether that
 * proof names a domain (which must then be ours). 0, else a has the
 * refusal. */
static int read_vp(const json_t *vp, const char *domain, const char **holder, const char **challenge,
		   int *has_domain, vci_answer *a)
{
	const json_t *h = json_object_get(vp, "holder"), *proof = json_object_get(vp, "proof"), *d;
	size_t i;

	if (!json_is_object(vp) || !ob_json_has_value(json_object_get(vp, "type"), "VerifiablePresentation")) {
		problem(a, 400, "bad-presentation", "Not a presentation",
			"verifiablePresentation must be a Verifiable Presentation object");
		return -1;
	}
	*holder = json_is_string(h) ? json_string_value(h) : ob_json_str(h, "id");
	if (!*holder || strncmp(*holder, "did:key:", 8)) {
		problem(a, 400, "bad-presentation", "The holder is not a did:key",
			"the presentation's holder must be the wallet's did:key (DIDAuthentication, method key)");
		return -1;
	}
	if (json_object_get(vp, "verifiableCredential")) {
		problem(a, 400, "bad-presentation", "Credentials were sent",
			"a DIDAuthentication presentation carries no credentials");
		return -1;
	}
	if (json_is_array(proof) && json_array_size(proof) == 1)
		proof = json_array_get(proof, 0);
	if (!json_is_object(proof)) {
		problem(a, 400, "bad-presentation", "One proof is needed",
			"the presentation must carry one proof, by the holder, for authentication");
		return -1;
	}
	*challenge = ob_json_str(proof, "challenge");
	if (!*challenge || !**challenge || strlen(*challenge) > VCAPI_MAX_CHALLENGE) {
		problem(a, 400, "bad-challenge", "No challenge",
			"the proof must carry the challenge of this exchange (POST {} for one)");
		return -1;
	}
	d = json_object_get(proof, "domain");
	*has_domain = d != NULL;
	if (!d)
		return 0;
	if (json_is_string(d) && !strcmp(json_string_value(d), domain))
		return 0;
	if (json_is_array(d))
		for (i = 0; i < json_array_size(d); i++)
			if (json_is_string(json_array_get(d, i)) && !strcmp(json_string_value(json_array_get(d, i)), domain))
				return 0;
	problem(a, 400, "wrong-domain", "Wrong domain", "the proof's domain is not this issuer's");
	return -1;
}

/* Verifies the presentation (its proof by the holder's key, for
 * authentication, with the challenge and the domain): 0, else a has the
 * refusal (403). */
static int verify_vp(const json_t *vp, const char *challenge, const char *domain, vci_answer *a)
{
	ob_verify_opts vo = { .challenge = challenge, .domain = domain };
	ob_error err = { 0 };
	ob_report *r = ob_verify_json(vp, &vo, &err);
	const ob_check *why;
	char detail[400];
	int rc = 0;

	if (!r) {
		server_problem(a, &err);
		return -1;
	}
	if (r->verdict != OB_VALID) {
		why = ob_report_first_problem(r);
		snprintf(detail, sizeof(detail), "the presentation does not verify: %s",
			 why && why->message ? why->message : "no proof by the holder");
		problem(a, 403, "presentation-refused", "The DID authentication failed", detail);
		rc = -1;
	}
	ob_report_free(r);
	return rc;
}

/* The challenge, taken in the issuing transaction (vci_issue_with): a
 * delivery that fails leaves it to be used again. */
struct spend_challenge {
	unsigned char hash[32];
	int unknown;
};

static ob_code spend_challenge(vci_server *s, void *ctx, ob_error *err)
{
	struct spend_challenge *sc = ctx;
	int ok = 0;

	if (offer_db_once_take(s->st.db, ONCE_CHALLENGE, sc->hash, time(NULL), &ok, err))
		return err->code;
	if (!ok) {
		sc->unknown = 1;
		return ob_fail(err, OB_EINVALID, "unknown challenge");
	}
	return OB_OK;
}

/* POST {"verifiablePresentation": VP}: checked, then the credential. */
static void deliver(vci_server *s, const char *xref, const json_t *vp, vci_answer *a)
{
	offer_rec o = { 0 };
	ob_error err = { 0 };
	ob_buf out = OB_BUF_INIT;
	struct spend_challenge sc = { .unknown = 0 };
	const char *holder, *challenge;
	char domain[256];
	json_t *vc;
	int has_domain = 0, locked = 0;

	if (url_host(s->issuer_url, domain, sizeof(domain)) < 0) {
		ob_fail(&err, OB_EUSAGE, "the issuer URL's host is too long");
		server_problem(a, &err);
		return;
	}
	if (read_vp(vp, domain, &holder, &challenge, &has_domain, a) ||
	    verify_vp(vp, challenge, has_domain ? domain : NULL, a))
		goto out;
	/* the signature holds: now the challenge, then the offer */
	pthread_mutex_lock(&s->lock);
	locked = 1;
	if (exchange_offer(s, xref, &o, a))
		goto out;
	challenge_hash(xref, challenge, sc.hash);
	if (vci_issue_with(s, &o, holder, 0, 1, spend_challenge, &sc, &out, &err)) {
		if (sc.unknown)
			problem(a, 400, "bad-challenge", "Unknown challenge",
				"the challenge is not one this exchange gave, was used already or has expired (POST {} "
				"for a new one)");
		else if (err.code == OB_EINVALID)
			problem(a, 410, "exchange-gone", "The exchange is over", "the offer was already used");
		else
			server_problem(a, &err);
		goto out;
	}
	if (!(vc = ob_json_parse(out.data, out.len, &err))) {
		server_problem(a, &err);
		goto out;
	}
	json_decref(a->body);
	a->status = 200;
	a->body = json_pack("{s:{s:[s],s:[s],s:[o]}}", "verifiablePresentation",
			    "@context", "https://www.w3.org/ns/credentials/v2", "type", "VerifiablePresentation",
			    "verifiableCredential", vc);
	if (!a->body)
		problem(a, 500, "server-error", "Server error", "out of memory");
out:
	if (locked)
		pthread_mutex_unlock(&s->lock);
	ob_buf_release(&out);
	offer_rec_release(&o);
}

void vcapi_exchange(vci_server *s, const char *xref, const char *body, size_t len, vci_answer *a)
{
	offer_rec o = { 0 };
	ob_error err = { 0 };
	json_t *req = ob_json_parse(body, len, &err);
	const json_t *vp;

	memset(a, 0, sizeof(*a));
	if (!req || !json_is_object(req)) {
		problem(a, 400, "bad-request", "Bad request",
			req ? "the body must be a JSON object ({} to start)" : err.msg);
		goto out;
	}
	if ((vp = json_object_get(req, "verifiablePresentation"))) {
		/* an unknown or closed exchange is said before any signature work */
		pthread_mutex_lock(&s->lock);
		if (!exchange_offer(s, xref, &o, a)) {
			pthread_mutex_unlock(&s->lock);
			deliver(s, xref, vp, a);
		} else
			pthread_mutex_unlock(&s->lock);
		goto out;
	}
	pthread_mutex_lock(&s->lock);
	if (!exchange_offer(s, xref, &o, a))
		start(s, &o, a);
	pthread_mutex_unlock(&s->lock);
out:
	json_decref(req);
	offer_rec_release(&o);
}
