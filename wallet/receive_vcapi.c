/* ob-wallet receive, the VC-API exchange client (exchange.md section 3):
 * the links the DCC Learner Credential Wallet (LCW) takes, and the
 * exchange behind them.
 *
 *   https://lcw.app/request?request=JSON        (also request.html?request=,
 *   dccrequest://request?request=JSON            dccrequest:// and
 *   org.dcconsortium://request?request=JSON      org.dcconsortium://)
 *     JSON = {"credentialRequestOrigin": ..., "protocols": {"vcapi": URL,
 *             "OID4VCI": offer link, ...}}: vcapi is preferred, an
 *             OID4VCI-only request goes to the OpenID4VCI client
 *   ...?issuer=...&auth_type=bearer&challenge=...&vc_request_url=URL
 *     the legacy credential request: the DIDAuth presentation is POSTed
 *     as the body to vc_request_url
 *
 * The exchange: POST {} -> a verifiablePresentationRequest asking for
 * DIDAuthentication (or LCW's legacy DIDAuth) with a challenge; the
 * wallet signs a presentation with its holder key (holder = its DID,
 * proof purpose authentication, the challenge and domain of the request)
 * and POSTs {"verifiablePresentation": VP} to the request's service
 * endpoint; the answer is another request (at most VCAPI_MAX_ROUNDS
 * POSTs in all) or the delivery, a presentation whose
 * verifiableCredential are the issued credentials (or a bare credential).
 * Each is verified as `add` verifies, must be bound to the wallet's DID
 * (credentialSubject.id), and all are stored in one transaction: on any
 * failure nothing is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/codec.h"
#include "base/dates.h"
#include "base/json.h"
#include "base/text.h"
#include "canon/jcs.h"
#include "cli/cli.h"
#include "io/http_post.h"
#include "io/qrscan.h"
#include "proof/suite.h"
#include "vc/ob3.h"
#include "vc/present.h"
#include "vc/verify.h"
#include "wallet.h"

#define VCAPI_MAX_LINK (16u * 1024)          /* a link, its request JSON */
#define VCAPI_MAX_INPUT (16u * 1024 * 1024)  /* a QR code photo */
#define VCAPI_MAX_ANSWER (1024u * 1024)      /* one answer of the exchange */
#define VCAPI_MAX_URL 2048
#define VCAPI_MAX_CHALLENGE 1024
#define VCAPI_MAX_ROUNDS 4                   /* POSTs to the exchange */
#define VCAPI_MAX_CREDS 16                   /* credentials in one delivery */
#define CTX_VC1 "https://www.w3.org/2018/credentials/v1"
#define ENVELOPED "data:application/vc+jwt,"

/* The link forms LCW takes (exchange.md 3.1), up to the query. */
static const char *const lcw_prefixes[] = {
	"https://lcw.app/request?",
	"https://lcw.app/request.html?",
	"dccrequest://request?",
	"org.dcconsortium://request?",
};

/* What a link asks for. */
struct lcw {
	char *vcapi;      /* the exchange URL */
	char *oid4vci;    /* an OpenID4VCI offer link (when there is no vcapi) */
	char *legacy;     /* the legacy vc_request_url */
	char *challenge;  /* the legacy link's challenge */
};

/* One credential received, on its way into the wallet. */
struct got {
	ob_buf text;
	ob_report *rep;
	json_t *sum, *rj, *row;
	ob_buf newid;
	const char *id;   /* borrowed: the report's or newid */
	unsigned char dedup[32];
};

/* ---- text ---- */

/* s with control characters as '?', cut to fit n (untrusted text going
 * into a one-line message). */
static const char *clean(const char *s, char *out, size_t n)
{
	size_t i;

	if (!s)
		s = "";
	for (i = 0; s[i] && i + 1 < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[i] = '\0';
	if (s[i] && n > 4)
		memcpy(out + n - 4, "...", 4);
	return out;
}

/* Appends the percent-decoded s[0..len) ('+' is a space, as
 * URLSearchParams reads it). */
static ob_code urldecode(const char *s, size_t len, ob_buf *out, ob_error *err)
{
	switch (ob_url_decode(s, len, (size_t)-1, out)) {
	case 0:
		return OB_OK;
	case OB_URL_BAD_ESCAPE:
		return ob_fail(err, OB_EINVALID, "the link has a bad %%-escape");
	case OB_URL_NUL:
		return ob_fail(err, OB_EINVALID, "the link holds a NUL byte");
	default:
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
}

/* The query parameter name of the query q (after '?', up to '#'),
 * decoded into a heap string *out (NULL when absent). Twice is an error. */
static ob_code param(const char *q, const char *name, char **out, ob_error *err)
{
	size_t nlen = strlen(name);
	const char *p, *end, *val = NULL;
	size_t vlen = 0;
	ob_buf b = OB_BUF_INIT;
	ob_code rc;

	*out = NULL;
	for (p = q; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&#");
		if ((size_t)(end - p) > nlen && p[nlen] == '=' && !strncmp(p, name, nlen)) {
			if (val)
				return ob_fail(err, OB_EINVALID, "the link has %s twice", name);
			val = p + nlen + 1;
			vlen = (size_t)(end - val);
		}
		if (*end == '#')
			break;
	}
	if (!val)
		return OB_OK;
	if (!(rc = urldecode(val, vlen, &b, err)) && ob_buf_addc(&b, '\0') < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	if (!rc)
		*out = strdup(b.data);
	if (!rc && !*out)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	ob_buf_release(&b);
	return rc;
}

/* 1 when u is an https URL this client will POST to: no blank or
 * control character, a host, within VCAPI_MAX_URL. */
static int https_url(const char *u)
{
	const char *p;

	if (!u || strncmp(u, "https://", 8) || strlen(u) > VCAPI_MAX_URL || !u[8] || strchr("/?#", u[8]))
		return 0;
	for (p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* The length of u's origin (scheme://host[:port]). */
static size_t origin_len(const char *u)
{
	return 8 + strcspn(u + 8, "/?#");
}

static char *dup_or_null(const char *s, int *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = 1;
	return d;
}

/* ---- the link ---- */

/* The query of text when it starts with one of LCW's link forms. */
static const char *lcw_query(const char *text)
{
	size_t i, n;

	for (i = 0; i < sizeof(lcw_prefixes) / sizeof(*lcw_prefixes); i++) {
		n = strlen(lcw_prefixes[i]);
		if (!strncasecmp(text, lcw_prefixes[i], n))
			return text + n;
	}
	return NULL;
}

/* The wallet API request's JSON (exchange.md 3.1 item 2). */
static ob_code read_request(const char *js, struct lcw *l, ob_error *err)
{
	ob_error e = { 0 };
	json_t *j = ob_json_parse(js, strlen(js), &e);
	const json_t *prot = json_object_get(j, "protocols");
	const char *vcapi, *vci;
	ob_code rc = OB_OK;
	int oom = 0;

	if (!j || !json_is_object(j)) {
		rc = ob_fail(err, OB_EINVALID, "the link's request is not a JSON object%s%s", e.msg[0] ? ": " : "",
			     e.msg);
		goto out;
	}
	if (!ob_json_str(j, "credentialRequestOrigin") || !json_is_object(prot)) {
		rc = ob_fail(err, OB_EINVALID, "the link's request lacks credentialRequestOrigin or protocols");
		goto out;
	}
	vcapi = ob_json_str(prot, "vcapi");
	vci = ob_json_str(prot, "OID4VCI");
	if ((json_object_get(prot, "vcapi") && !vcapi) || (json_object_get(prot, "OID4VCI") && !vci)) {
		rc = ob_fail(err, OB_EINVALID, "the link's protocols are not strings");
		goto out;
	}
	if (!vcapi && !vci) {
		rc = json_object_get(prot, "OID4VP")
			? ob_fail(err, OB_EUNSUPPORTED, "the link asks for a presentation (OID4VP), not to receive a "
				  "credential: answer it with 'ob-wallet respond'")
			: ob_fail(err, OB_EUNSUPPORTED, "the link's request names no protocol this wallet receives "
				  "with (vcapi, OID4VCI)");
		goto out;
	}
	if (vcapi && !https_url(vcapi)) {
		rc = ob_fail(err, OB_EUSAGE, "refusing the exchange: its URL is not https");
		goto out;
	}
	l->vcapi = dup_or_null(vcapi, &oom);
	if (!vcapi)
		l->oid4vci = dup_or_null(vci, &oom);
	if (oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	json_decref(j);
	return rc;
}

/* Reads an LCW link (text, trimmed): into l, or OB_EINVALID saying what
 * is wrong with it. */
static ob_code parse_link(const char *text, struct lcw *l, ob_error *err)
{
	const char *q = lcw_query(text);
	char *req = NULL, *url = NULL, *iss = NULL, *auth = NULL;
	ob_code rc;

	if ((rc = param(q, "request", &req, err)) || (rc = param(q, "vc_request_url", &url, err)) ||
	    (rc = param(q, "issuer", &iss, err)) || (rc = param(q, "auth_type", &auth, err)) ||
	    (rc = param(q, "challenge", &l->challenge, err)))
		goto out;
	if (req) {
		rc = read_request(req, l, err);
		goto out;
	}
	if (!url) {
		if (strstr(q, "credential_offer")) {
			/* an OpenID4VCI offer link under LCW's address: that client's */
			if (!(l->oid4vci = strdup(text)))
				rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		rc = ob_fail(err, OB_EINVALID, "the LCW link has neither request= nor vc_request_url=");
		goto out;
	}
	/* the legacy credential request (exchange.md 3.1 item 1) */
	if (!iss)
		rc = ob_fail(err, OB_EINVALID, "the LCW credential request has no issuer=");
	else if (auth && strcmp(auth, "bearer"))
		rc = ob_fail(err, OB_EUNSUPPORTED, "the LCW credential request's auth_type is not bearer");
	else if (!l->challenge || !*l->challenge || strlen(l->challenge) > VCAPI_MAX_CHALLENGE)
		rc = ob_fail(err, OB_EINVALID, "the LCW credential request has no challenge=");
	else if (!https_url(url))
		rc = ob_fail(err, OB_EUSAGE, "refusing the credential request: its vc_request_url is not https");
	else {
		l->legacy = url;
		url = NULL;
	}
out:
	free(req);
	free(url);
	free(iss);
	free(auth);
	return rc;
}

/* The link arg names, trimmed (the text, or a file holding it or a QR
 * code image of it), into text. */
static ob_code read_input(const char *arg, ob_buf *text, ob_error *err)
{
	ob_buf raw = OB_BUF_INIT;
	char *data = NULL;
	size_t len = 0, n;
	const char *s;
	ob_code rc = OB_OK;

	if (!strchr(arg, '?') && access(arg, F_OK) == 0) {
		if ((rc = ob_file_read(arg, VCAPI_MAX_INPUT, &data, &len, err)))
			goto out;
		if (ob_qrscan_sniff(data, len))
			rc = ob_qrscan_image(data, len, &raw, err);
		else if (ob_buf_add(&raw, data, len) < 0)
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	} else if (ob_buf_adds(&raw, arg) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	if (rc)
		goto out;
	s = raw.data ? raw.data : "";
	n = raw.len;
	ob_trim(&s, &n);
	if (ob_buf_add(text, s, n) < 0 || ob_buf_addc(text, '\0') < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		text->len = n;
out:
	free(data);
	ob_buf_release(&raw);
	return rc;
}

/* ---- the exchange ---- */

struct xch {
	ob_http_opts http;
	const ob_key *key;
	const char *did;
	json_t *creds;      /* what was delivered: objects and compact JWTs */
};

/* POSTs body (JSON) to url: the answer, a JSON object, or NULL with err
 * (the issuer's ProblemDetails title and detail named). */
static json_t *post(struct xch *x, const char *what, const char *url, const char *body, size_t len, ob_error *err)
{
	ob_http_req req = { .method = "POST", .content_type = "application/json", .body = body, .len = len };
	ob_buf ans = OB_BUF_INIT;
	json_t *j = NULL;
	ob_error e = { 0 };
	long status = 0;
	char t[96], d[160];

	if (ob_http_send(url, &req, &x->http, &status, &ans, NULL, &e)) {
		ob_fail(err, e.code, "%s: %s", what, e.msg);
		goto out;
	}
	j = ob_json_parse(ans.data ? ans.data : "", ans.len, &e);
	if (status != 200 && status != 201) {
		const char *title = ob_json_str(j, "title"), *detail = ob_json_str(j, "detail");

		if (!title)
			title = ob_json_str(j, "error");
		if (!detail)
			detail = ob_json_str(j, "error_description");
		ob_fail(err, status >= 500 ? OB_ENET : OB_EINVALID, "%s: the issuer said %ld%s%s%s%s", what, status,
			title ? " " : "", title ? clean(title, t, sizeof(t)) : "", detail ? ": " : "",
			detail ? clean(detail, d, sizeof(d)) : "");
		json_decref(j);
		j = NULL;
	} else if (!json_is_object(j)) {
		ob_fail(err, OB_EINVALID, "%s: the answer is not a JSON object%s%s", what, e.msg[0] ? ": " : "", e.msg);
		json_decref(j);
		j = NULL;
	}
out:
	ob_buf_release_secret(&ans);
	return j;
}

/* Checks a verifiablePresentationRequest (exchange.md 3.2 item 5): a
 * DIDAuthentication (or DIDAuth) query that takes did:key, a challenge.
 * Borrowed: the challenge, the domain (NULL when none) and where to
 * answer (the service endpoint, else the exchange URL; same origin as
 * the exchange). */
static ob_code read_vpr(const json_t *vpr, const char *exchange, const char **challenge, const char **domain,
			const char **endpoint, ob_error *err)
{
	const json_t *q = json_object_get(vpr, "query"), *one, *am;
	const char *type, *ep;
	size_t i, k, n = json_is_array(q) ? json_array_size(q) : 1;
	int auth = 0, key;
	char c[64];

	if (!json_is_object(vpr) || (!json_is_array(q) && !json_is_object(q)))
		return ob_fail(err, OB_EINVALID, "the issuer's presentation request has no query");
	for (i = 0; i < n; i++) {
		one = json_is_array(q) ? json_array_get(q, i) : q;
		type = ob_json_str(one, "type");
		if (!type || (strcmp(type, "DIDAuthentication") && strcmp(type, "DIDAuth")))
			return ob_fail(err, OB_EUNSUPPORTED, "the issuer asks for %s%s: ob-wallet receive answers only "
				       "DID authentication", type ? "credentials, a query of type " : "an untyped query",
				       type ? clean(type, c, sizeof(c)) : "");
		am = json_object_get(one, "acceptedMethods");
		for (k = 0, key = !am; k < json_array_size(am); k++)
			key |= !strcmp(ob_json_str(json_array_get(am, k), "method") ?
				       ob_json_str(json_array_get(am, k), "method") : "", "key");
		if (!key)
			return ob_fail(err, OB_EUNSUPPORTED, "the issuer does not accept a did:key DID "
				       "(this wallet's)");
		auth = 1;
	}
	if (!auth)
		return ob_fail(err, OB_EINVALID, "the issuer's presentation request has an empty query");
	*challenge = ob_json_str(vpr, "challenge");
	if (!*challenge || !**challenge || strlen(*challenge) > VCAPI_MAX_CHALLENGE)
		return ob_fail(err, OB_EINVALID, "the issuer's presentation request has no challenge");
	*domain = ob_json_str(vpr, "domain");
	if (json_object_get(vpr, "domain") && (!*domain || strlen(*domain) > VCAPI_MAX_URL))
		return ob_fail(err, OB_EINVALID, "the issuer's presentation request has a domain that is not a string");
	ep = ob_json_str(json_array_get(json_object_get(json_object_get(vpr, "interact"), "service"), 0),
			 "serviceEndpoint");
	if (!ep)
		ep = exchange;
	else if (!https_url(ep) || origin_len(ep) != origin_len(exchange) ||
		 strncmp(ep, exchange, origin_len(ep)))
		return ob_fail(err, OB_EINVALID, "the issuer's presentation request sends the answer elsewhere "
			       "(its serviceEndpoint is not on the exchange's https origin)");
	*endpoint = ep;
	return OB_OK;
}

/* The DID authentication (exchange.md 3.1 item 1, 3.2 item 6): a
 * presentation without credentials, holder the wallet's DID, signed for
 * authentication with challenge and domain. As LCW signs it:
 * Ed25519Signature2020 over a VC 1.1 presentation when the key is
 * Ed25519 and this build has the suite; else eddsa-rdfc-2022 (the
 * default for the key) over a VCDM 2.0 one. Appends its JSON to out. */
static ob_code didauth(const struct xch *x, const char *challenge, const char *domain, ob_buf *out, ob_error *err)
{
	ob_present_opts po = { .challenge = challenge, .domain = domain };
	json_t *vp = ob_present_build(x->did, NULL, NULL, 0, err);
	ob_code rc;

	if (!vp)
		return err->code;
	json_object_del(vp, "verifiableCredential");
	if (ob_key_get_type(x->key) == OB_KEY_ED25519 && ob_suite_ed25519_2020.implemented) {
		po.suite = ob_suite_ed25519_2020.name;
		if (json_object_set_new(vp, "@context", json_pack("[s]", CTX_VC1))) {
			json_decref(vp);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
	}
	rc = ob_present_sign(vp, x->key, &po, out, err);
	json_decref(vp);
	return rc;
}

/* One delivered credential into x->creds: a JSON object as it is, a
 * compact VC-JWT string, or an EnvelopedVerifiableCredential's JWT. */
static ob_code take_one(struct xch *x, const json_t *c, ob_error *err)
{
	const char *id = ob_json_str(c, "id");
	json_t *v;

	if (json_array_size(x->creds) >= VCAPI_MAX_CREDS)
		return ob_fail(err, OB_ELIMIT, "the issuer delivered more than %d credentials", VCAPI_MAX_CREDS);
	if (json_is_string(c))
		v = json_incref((json_t *)c);
	else if (!json_is_object(c))
		return ob_fail(err, OB_EINVALID, "the issuer delivered something that is not a credential");
	else if (id && !strncmp(id, ENVELOPED, sizeof(ENVELOPED) - 1))
		v = json_string(id + sizeof(ENVELOPED) - 1);
	else
		v = json_incref((json_t *)c);
	if (!v || json_array_append_new(x->creds, v))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* The credentials of a delivery (a presentation's verifiableCredential,
 * one or an array; or a bare credential). */
static ob_code take(struct xch *x, const json_t *ans, ob_error *err)
{
	const json_t *vp = json_object_get(ans, "verifiablePresentation"), *vcs;
	size_t i;
	ob_code rc = OB_OK;

	if (!vp && ob_json_has_value(json_object_get(ans, "type"), "VerifiablePresentation"))
		vp = ans;
	if (!vp)
		return json_object_get(ans, "credentialSubject") ? take_one(x, ans, err)
			: ob_fail(err, OB_EINVALID, "the exchange ended without a credential");
	vcs = json_object_get(vp, "verifiableCredential");
	if (!json_is_array(vcs))
		return vcs ? take_one(x, vcs, err)
			: ob_fail(err, OB_EINVALID, "the issuer's presentation holds no credential");
	for (i = 0; !rc && i < json_array_size(vcs); i++)
		rc = take_one(x, json_array_get(vcs, i), err);
	if (!rc && !json_array_size(x->creds))
		rc = ob_fail(err, OB_EINVALID, "the issuer's presentation holds no credential");
	return rc;
}

/* The VC-API exchange at url (exchange.md 3.2): into x->creds. */
static ob_code run_exchange(struct xch *x, const char *url, ob_error *err)
{
	ob_buf vp = OB_BUF_INIT, body = OB_BUF_INIT;
	const char *challenge = NULL, *domain = NULL, *ep = NULL;
	char *next = NULL;   /* where the next answer goes, when not url */
	json_t *ans = NULL;
	const json_t *vpr;
	ob_code rc = OB_OK;
	int round;

	if (ob_buf_adds(&body, "{}") < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (round = 1;; round++) {
		json_decref(ans);
		if (!(ans = post(x, round == 1 ? "the exchange" : "the exchange's answer", next ? next : url, body.data,
				 body.len, err))) {
			rc = err->code;
			break;
		}
		if (!(vpr = json_object_get(ans, "verifiablePresentationRequest"))) {
			rc = take(x, ans, err);
			break;
		}
		if (round == VCAPI_MAX_ROUNDS) {
			rc = ob_fail(err, OB_ELIMIT, "the exchange asked more than %d times: given up",
				     VCAPI_MAX_ROUNDS - 1);
			break;
		}
		if ((rc = read_vpr(vpr, url, &challenge, &domain, &ep, err)))
			break;
		ob_buf_truncate(&vp, 0);
		ob_buf_truncate(&body, 0);
		if ((rc = didauth(x, challenge, domain, &vp, err)))
			break;
		if (ob_buf_adds(&body, "{\"verifiablePresentation\": ") < 0 || ob_buf_add(&body, vp.data, vp.len) < 0 ||
		    ob_buf_adds(&body, "}") < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			break;
		}
		/* ep points into ans (or is url): keep it past ans */
		if (ep != url) {
			char *keep = strdup(ep);

			if (!keep) {
				rc = ob_fail(err, OB_ENOMEM, "out of memory");
				break;
			}
			free(next);
			next = keep;
		} else {
			free(next);
			next = NULL;
		}
	}
	free(next);
	json_decref(ans);
	ob_buf_release(&vp);
	ob_buf_release(&body);
	return rc;
}

/* The legacy credential request: the bare DIDAuth VP POSTed to url, the
 * answer a credential or a presentation of them. */
static ob_code run_legacy(struct xch *x, const char *url, const char *challenge, ob_error *err)
{
	ob_buf vp = OB_BUF_INIT;
	json_t *ans = NULL;
	ob_code rc;

	if (!(rc = didauth(x, challenge, NULL, &vp, err))) {
		if (!(ans = post(x, "the credential request", url, vp.data, vp.len, err)))
			rc = err->code;
		else
			rc = take(x, ans, err);
	}
	json_decref(ans);
	ob_buf_release(&vp);
	return rc;
}

/* ---- into the wallet ---- */

static void got_release(struct got *g)
{
	ob_buf_release_secret(&g->text);
	ob_report_free(g->rep);
	json_decref(g->sum);
	json_decref(g->rj);
	json_decref(g->row);
	ob_buf_release(&g->newid);
}

/* Verifies one delivered credential as add does, and checks that it is
 * bound to the wallet's DID; fills g for the store. */
static ob_code check_one(wallet *w, const json_t *c, const char *holder, const char *source, const char *origin,
			 const ob_verify_opts *vo, int json, struct got *g, ob_error *err)
{
	const char *subject;
	char checked[32], added[32], s[96];
	ob_code rc;

	if (json_is_string(c) ? ob_buf_adds(&g->text, json_string_value(c)) < 0
	    : ob_json_write(&g->text, c, OB_JSON_PRETTY) < 0 || ob_buf_addc(&g->text, '\n') < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (json && !(g->row = json_pack("{s:s, s:s}", "issuer", origin, "protocol", "vcapi")))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!(g->rep = ob_verify_bytes(g->text.data, g->text.len, vo, err)))
		return err->code;
	if (!g->rep->document || !strcmp(g->rep->kind, "presentation"))
		return ob_fail(err, OB_EINVALID, "the issuer sent something that is not a credential: %s",
			       wallet_reason(g->rep));
	if (g->row && json_object_set_new(g->row, "verdict", json_string(ob_verdict_name(g->rep->verdict))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (g->rep->verdict != OB_VALID)
		return ob_fail(err, g->rep->verdict == OB_INVALID ? OB_EINVALID : OB_EIO, "the credential received %s: %s",
			       g->rep->verdict == OB_INVALID ? "is invalid" : "could not be verified",
			       wallet_reason(g->rep));
	subject = ob_json_str(ob3_subject(g->rep->document), "id");
	if (!subject || strcmp(subject, holder))
		return ob_fail(err, OB_EINVALID, "the issuer sent a credential bound to %s, not to this wallet's DID: "
			       "refused", subject ? clean(subject, s, sizeof(s)) : "no one");
	if (wallet_warning(g->rep))
		fprintf(stderr, "%s: warning: the credential does not follow the Open Badges rules: %s\n", ob_cli_prog(),
			wallet_warning(g->rep));
	if ((g->id = g->rep->credential_id))
		rc = wallet_id_tag(w, g->id, g->dedup, err);
	else if (!(rc = ob_vault_tag(w->dk, "content", g->text.data, g->text.len, g->dedup, err)) &&
		 !(rc = ob3_new_uuid(&g->newid, err)))
		g->id = g->newid.data;
	if (rc)
		return rc;
	ob_date_format(ob_date_now(vo->now), checked);
	ob_date_format(time(NULL), added);
	if (!(g->sum = json_object()) || wallet_summary_set(g->sum, g->rep, g->id, checked, 1) ||
	    json_object_set_new(g->sum, "addedAt", json_string(added)) ||
	    json_object_set_new(g->sum, "source", json_string(source)) || !(g->rj = ob_report_to_json(g->rep)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* Stores every checked credential in one transaction. */
static ob_code store_all(wallet *w, struct got *g, size_t n, ob_error *err)
{
	size_t i;
	ob_code rc;

	if ((rc = ob_store_begin(w->db, err)))
		return rc;
	for (i = 0; i < n && !rc; i++)
		rc = wallet_rec_insert(w, g[i].sum, g[i].text.data, g[i].text.len, g[i].rj, g[i].dedup, err);
	if (!rc)
		rc = wallet_census_update(w, err);
	if (rc) {
		ob_store_rollback(w->db);
		return rc;
	}
	return ob_store_commit(w->db, err);
}

/* Prints the outcome: each id on stdout, or --json's {"credentials":
 * [rows]} (each row's "added"; on a failed run the error, on the row of
 * the credential that failed, or on every row when failed is n). */
static void report(struct got *g, size_t n, size_t failed, int json, ob_error *err)
{
	json_t *o = NULL, *rows;
	ob_error e = { 0 };
	size_t i;

	if (!json) {
		for (i = 0; !err->code && i < n; i++)
			printf("%s\n", g[i].id);
		return;
	}
	if (!(o = json_pack("{s:[]}", "credentials")))
		goto oom;
	rows = json_object_get(o, "credentials");
	for (i = 0; i < n; i++) {
		if (!g[i].row)
			continue;
		if ((!err->code && g[i].id && json_object_set_new(g[i].row, "id", json_string(g[i].id))) ||
		    json_object_set_new(g[i].row, "added", json_boolean(!err->code)) ||
		    (err->code && (failed == n || i == failed) &&
		     json_object_set_new(g[i].row, "error", json_string(err->msg))) ||
		    json_array_append(rows, g[i].row))
			goto oom;
	}
	wallet_json_print(o, &e);
	json_decref(o);
	if (e.code && !err->code)
		*err = e;
	return;
oom:
	json_decref(o);
	if (!err->code)
		ob_fail(err, OB_ENOMEM, "out of memory");
}

/* Verifies and stores what x->creds holds, all or nothing. */
static ob_code keep(wallet *w, struct xch *x, const char *url, const ob_verify_opts *vo, int json, ob_error *err)
{
	size_t i, n = json_array_size(x->creds), failed = n;
	struct got *g = calloc(n ? n : 1, sizeof(*g));
	ob_buf src = OB_BUF_INIT, origin = OB_BUF_INIT;
	ob_code rc = OB_OK;

	if (!g || ob_buf_add(&origin, url, origin_len(url)) < 0 || ob_buf_addc(&origin, '\0') < 0 ||
	    ob_buf_addf(&src, "VC-API %s", origin.data) < 0) {
		free(g);
		ob_buf_release(&origin);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	fprintf(stderr, "%s: received %zu credential%s from %s\n", ob_cli_prog(), n, n == 1 ? "" : "s", origin.data);
	for (i = 0; i < n && !rc; i++)
		if ((rc = check_one(w, json_array_get(x->creds, i), x->did, src.data, origin.data, vo, json, &g[i], err)))
			failed = i;
	if (!rc)
		rc = store_all(w, g, n, err);
	if (err->code != OB_ENOMEM)
		report(g, n, failed, json, err);
	for (i = 0; i < n; i++)
		got_release(&g[i]);
	free(g);
	ob_buf_release(&src);
	ob_buf_release(&origin);
	return err->code;
}

/* ---- the command's entry ---- */

static void lcw_release(struct lcw *l)
{
	free(l->vcapi);
	free(l->oid4vci);
	free(l->legacy);
	free(l->challenge);
}

/* The wallet's part: unlock (before anything is spent), the exchange,
 * the store. */
static ob_code exchange(const struct lcw *l, const ob_http_opts *http, const ob_verify_opts *vo, int json,
			ob_error *err)
{
	wallet w = { 0 };
	ob_key *key = NULL;
	ob_buf did = OB_BUF_INIT;
	struct xch x = { .http = *http };
	const char *url = l->vcapi ? l->vcapi : l->legacy;

	x.http.cache_dir = NULL;
	x.http.offline = 0;
	x.http.max_bytes = VCAPI_MAX_ANSWER;
	if (wallet_unlock(&w, err) || !(key = wallet_holder_key(&w, err)) || ob_key_did(key, &did, NULL, err))
		goto out;
	x.key = key;
	x.did = did.data;
	if (!(x.creds = json_array())) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (!(l->vcapi ? run_exchange(&x, url, err) : run_legacy(&x, url, l->challenge, err)))
		keep(&w, &x, url, vo, json, err);
out:
	json_decref(x.creds);
	ob_key_free(key);
	ob_buf_release(&did);
	wallet_close(&w);
	return err->code;
}

ob_code wallet_vcapi_receive(const char *arg, const ob_http_opts *http, const ob_verify_opts *vo, int json,
			     int *done, char **oid4vci, ob_error *err)
{
	ob_buf text = OB_BUF_INIT;
	struct lcw l = { 0 };
	ob_code rc;

	*done = 0;
	*oid4vci = NULL;
	if ((rc = read_input(arg, &text, err)))
		goto out;
	if (!lcw_query(text.data))
		goto out; /* not an LCW link: the OpenID4VCI client's */
	*done = 1;
	if (text.len > VCAPI_MAX_LINK || memchr(text.data, '\0', text.len)) {
		rc = ob_fail(err, OB_ELIMIT, "the LCW link is longer than %u bytes", VCAPI_MAX_LINK);
		goto out;
	}
	if ((rc = parse_link(text.data, &l, err)))
		goto out;
	if (l.oid4vci) {
		/* no exchange: the OpenID4VCI offer it names */
		*done = 0;
		*oid4vci = l.oid4vci;
		l.oid4vci = NULL;
		goto out;
	}
	rc = exchange(&l, http, vo, json, err);
out:
	lcw_release(&l);
	ob_buf_release(&text);
	return rc;
}
