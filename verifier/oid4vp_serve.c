/* oid4vp_serve: the OpenID4VP routes of ob-verifier serve (oid4vp.h):
 * the request store, the request object, the direct_post endpoint and
 * the waiting page. The presentation is verified by a worker like any
 * POST /api/verify body (with the request's nonce as challenge and its
 * client_id as domain); what the DCQL query asked is checked here, on
 * the worker's report and the presentation. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include <openssl/evp.h>

#include "base/codec.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "base/rand.h"
#include "canon/jcs.h"
#include "cli/cli.h"
#include "io/qr.h"
#include "oid4vp.h"
#include "page.h"
#include "vc/oid4vp.h"

#define HTML "text/html; charset=utf-8"
#define JSON "application/json"

enum { PENDING, VERIFYING, DONE };

struct vreq {
	char id[44];          /* 256 random bits, base64url: the state too */
	char nonce[44];
	char *base;           /* the public https URL of this server */
	char *client_id;
	char *achievement, *issuer;
	time_t expires;
	int state;
	char verdict[16];
	char *result;         /* JSON, once DONE */
	struct vreq *next;
};

static pthread_mutex_t vp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vreq *vp_reqs;
static size_t vp_nreqs;

/* serve --client-id did: the key that signs request objects, its DID and
 * the DID URL of its verification method (set before the threads start,
 * read-only after). */
static ob_key *vp_key;
static char *vp_did, *vp_kid;

ob_code oid4vp_signer_init(const char *path, ob_error *err)
{
	char *home = NULL, *file = NULL;
	ob_buf did = OB_BUF_INIT, vm = OB_BUF_INIT;
	struct stat sb;
	const char *alg;

	if (!path) {
		if (!(home = ob_home_dir(NULL, "OBKIT_VERIFIER_HOME", "verifier", err)))
			goto out;
		if (!(file = ob_path_join(home, "client-key.json"))) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		path = file;
	}
	if (lstat(path, &sb) == 0) {
		if (!(vp_key = ob_key_load(path, err)))
			goto out;
		if (!ob_key_has_private(vp_key)) {
			ob_fail(err, OB_EUSAGE, "%s: a public key cannot sign requests", path);
			goto out;
		}
		if ((sb.st_mode & 077) != 0)
			fprintf(stderr, "%s: warning: the key file %s can be read by others (chmod 600 it)\n",
				ob_cli_prog(), path);
	} else {
		/* the verifier's own key, made once and kept (0600) */
		if (home && ob_mkdir_p(home, err))
			goto out;
		if (!(vp_key = ob_key_generate(OB_KEY_ED25519, err)) || ob_key_save(vp_key, path, 0, err))
			goto out;
		fprintf(stderr, "%s: made the verifier's request-signing key %s\n", ob_cli_prog(), path);
	}
	alg = ob_key_jose_alg(vp_key);
	if (!alg || (strcmp(alg, "EdDSA") && strcmp(alg, "ES256") && strcmp(alg, "ES384"))) {
		ob_fail(err, OB_EUSAGE, "%s: requests are signed with an Ed25519, P-256 or P-384 key", path);
		goto out;
	}
	if (ob_key_did(vp_key, &did, &vm, err))
		goto out;
	vp_did = ob_buf_detach(&did, NULL);
	vp_kid = ob_buf_detach(&vm, NULL);
	if (!vp_did || !vp_kid)
		ob_fail(err, OB_ENOMEM, "out of memory");
out:
	if (err->code)
		oid4vp_signer_free();
	ob_buf_release(&did);
	ob_buf_release(&vm);
	free(home);
	free(file);
	return err->code;
}

const char *oid4vp_signer_did(void)
{
	return vp_did;
}

void oid4vp_signer_free(void)
{
	ob_key_free(vp_key);
	free(vp_did);
	free(vp_kid);
	vp_key = NULL;
	vp_did = vp_kid = NULL;
}

static void vp_vreq_free(struct vreq *q)
{
	if (!q)
		return;
	free(q->base);
	free(q->client_id);
	free(q->achievement);
	free(q->issuer);
	free(q->result);
	free(q);
}

/* Drops expired requests (a DONE one is kept until its expiry too, for
 * its page). Under vp_lock. */
static void vp_prune(time_t now)
{
	struct vreq **p = &vp_reqs;

	while (*p) {
		struct vreq *q = *p;

		if (q->state != VERIFYING && q->expires <= now) {
			*p = q->next;
			vp_vreq_free(q);
			vp_nreqs--;
		} else {
			p = &q->next;
		}
	}
}

static struct vreq *vp_find(const char *id)
{
	struct vreq *q;

	for (q = vp_reqs; q; q = q->next)
		if (!strcmp(q->id, id))
			return q;
	return NULL;
}

int oid4vp_route(const char *url)
{
	return !strcmp(url, "/request") || !strncmp(url, "/request/", 9) ||
	       !strncmp(url, "/oid4vp/request/", 16) || !strcmp(url, "/oid4vp/response");
}

/* ---- answers ---- */

static enum MHD_Result vp_send_text(struct MHD_Connection *c, unsigned status, const char *type, ob_buf *b,
				 const char *location)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = 0;
	char *data;

	if (b->oom || !(data = ob_buf_detach(b, &len))) {
		ob_buf_release(b);
		return MHD_NO;
	}
	if (!(resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE))) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "Content-Security-Policy", page_csp());
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result vp_send_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
	ob_buf b = OB_BUF_INIT;
	char *s = j ? ob_json_dumps(j, OB_JSON_PRETTY) : NULL;

	json_decref(j);
	if (!s)
		return MHD_NO;
	ob_buf_adds(&b, s);
	ob_buf_addc(&b, '\n');
	free(s);
	return vp_send_text(c, status, JSON, &b, NULL);
}

/* An OAuth-style error (VP 8.5: invalid_request for a response the
 * verifier cannot take). */
static enum MHD_Result vp_send_oauth_error(struct MHD_Connection *c, unsigned status, const char *code,
					const char *msg)
{
	return vp_send_json(c, status, json_pack("{s:s, s:s}", "error", code, "error_description", msg));
}

static enum MHD_Result vp_send_page_error(struct MHD_Connection *c, unsigned status, const char *title,
				       const char *msg)
{
	ob_buf b = OB_BUF_INIT;

	page_error(&b, title, msg);
	return vp_send_text(c, status, HTML, &b, NULL);
}

/* ---- creating a request ---- */

static int vp_good_id(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n > max)
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 127 || *s == '"' || *s == '<' || *s == '>')
			return 0;
	return 1;
}

static int vp_random_id(char out[44], ob_error *err)
{
	unsigned char raw[32];
	ob_buf b = OB_BUF_INIT;

	if (ob_random(raw, sizeof(raw), err))
		return -1;
	if (ob_base64url_encode(&b, raw, sizeof(raw)) < 0 || b.len >= 44) {
		ob_buf_release(&b);
		return -1;
	}
	memcpy(out, b.data, b.len + 1);
	ob_buf_release(&b);
	return 0;
}

/* The public URL requests name: public_url when given, else https:// and
 * the Host header (TLS comes from a reverse proxy in front). */
static char *vp_public_base(struct MHD_Connection *c, const char *given)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	ob_buf b = OB_BUF_INIT;

	if (given) {
		ob_buf_adds(&b, given);
		while (b.len && b.data[b.len - 1] == '/')
			b.data[--b.len] = '\0';
	} else if (host && vp_good_id(host, 255)) {
		ob_buf_addf(&b, "https://%s", host);
	} else {
		return NULL;
	}
	return ob_buf_detach(&b, NULL);
}

/* The request's object (VP 5.1): built each time it is fetched. */
static json_t *vp_request_object(const struct vreq *q)
{
	json_t *dcql = ob_oid4vp_dcql(q->achievement, q->issuer);
	ob_buf ruri = OB_BUF_INIT;
	json_t *o;

	ob_buf_addf(&ruri, "%s/oid4vp/response", q->base);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s, s:{s:{s:[s], s:[s,s]}, s:{s:[s,s]}}}, s:s}",
		      "client_id", q->client_id, "response_type", "vp_token", "response_mode", "direct_post",
		      "response_uri", ruri.data ? ruri.data : "", "nonce", q->nonce, "state", q->id,
		      "dcql_query", dcql, "client_metadata", "client_name", "obkit verifier",
		      "vp_formats_supported", "ldp_vc", "proof_type_values", "DataIntegrityProof",
		      "cryptosuite_values", "eddsa-rdfc-2022", "eddsa-jcs-2022", "jwt_vc_json", "alg_values",
		      "EdDSA", "ES256", "aud", "https://self-issued.me/v2");
	ob_buf_release(&ruri);
	/* a signed object says when it was made and until when it holds
	 * (RFC 9101 10.2: a wallet refuses an expired one) */
	if (o && vp_key && (json_object_set_new(o, "iat", json_integer((json_int_t)time(NULL))) ||
			    json_object_set_new(o, "exp", json_integer((json_int_t)q->expires)))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

static json_t *vp_request_summary(const struct vreq *q)
{
	ob_buf link = OB_BUF_INIT, ruri = OB_BUF_INIT, page = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *o = NULL;

	ob_buf_addf(&ruri, "%s/oid4vp/request/%s", q->base, q->id);
	ob_buf_addf(&page, "%s/request/%s", q->base, q->id);
	if (!ruri.oom && !page.oom && !ob_oid4vp_link(q->client_id, ruri.data, &link, &err))
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", q->id, "link", link.data,
			      "client_id", q->client_id, "request_uri", ruri.data, "page", page.data,
			      "nonce", q->nonce, "expires_in", (json_int_t)(q->expires - time(NULL)));
	if (o && q->achievement)
		json_object_set_new(o, "achievement", json_string(q->achievement));
	if (o && q->issuer)
		json_object_set_new(o, "issuer", json_string(q->issuer));
	if (o && !vp_key) {
		/* the same request by value, for wallets that take a
		 * redirect_uri: client's request only so (a signed request
		 * goes by reference only) */
		json_t *obj = vp_request_object(q);
		ob_buf bv = OB_BUF_INIT;

		if (obj && !ob_oid4vp_link_by_value(obj, &bv, &err))
			json_object_set_new(o, "link_by_value", json_string(bv.data));
		json_decref(obj);
		ob_buf_release(&bv);
	}
	ob_buf_release(&link);
	ob_buf_release(&ruri);
	ob_buf_release(&page);
	return o;
}

/* The creation parameters, from a JSON body or a form. 0, or -1 with msg. */
struct vp_create {
	ob_buf ach, iss, base, ttl;
	int form;
};

static int vp_create_params(const struct request *r, struct MHD_Connection *c, struct vp_create *p, const char **msg)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *body = r->body.data ? r->body.data : "";
	ob_error err = { 0 };

	if (r->body.len > OID4VP_MAX_CREATE) {
		*msg = "the request parameters are too long";
		return -1;
	}
	if (ct && !strncmp(ct, "application/x-www-form-urlencoded", 33)) {
		p->form = 1;
		if (ob_oid4vp_form_get(body, r->body.len, "achievement", &p->ach, &err) < 0 ||
		    ob_oid4vp_form_get(body, r->body.len, "issuer", &p->iss, &err) < 0) {
			*msg = "the form could not be read";
			return -1;
		}
		return 0;
	}
	if (r->body.len) {
		json_t *j = ob_json_parse(body, r->body.len, &err);
		const char *a = ob_json_str(j, "achievement"), *i = ob_json_str(j, "issuer");
		const char *u = ob_json_str(j, "public_url");
		json_t *t = json_object_get(j, "expires_in");

		if (!json_is_object(j)) {
			json_decref(j);
			*msg = "the body is not a JSON object";
			return -1;
		}
		if (a)
			ob_buf_adds(&p->ach, a);
		if (i)
			ob_buf_adds(&p->iss, i);
		if (u)
			ob_buf_adds(&p->base, u);
		if (t && (!json_is_number(t) || json_number_value(t) < 1 ||
			  json_number_value(t) > OID4VP_MAX_TTL)) {
			json_decref(j);
			*msg = "expires_in is a number of seconds, 1 to 3600";
			return -1;
		}
		if (t)
			ob_buf_addf(&p->ttl, "%ld", (long)json_number_value(t));
		json_decref(j);
	}
	return 0;
}

static enum MHD_Result vp_create(struct MHD_Connection *c, struct request *r)
{
	struct vp_create p = { OB_BUF_INIT, OB_BUF_INIT, OB_BUF_INIT, OB_BUF_INIT, 0 };
	struct vreq *q = calloc(1, sizeof(*q));
	ob_error err = { 0 };
	const char *msg = NULL;
	enum MHD_Result ret;
	time_t now = time(NULL);
	ob_buf page = OB_BUF_INIT;

	if (!q)
		return MHD_NO;
	if (vp_create_params(r, c, &p, &msg))
		goto bad;
	if ((p.ach.len && !vp_good_id(p.ach.data, OB_OID4VP_MAX_ID)) || (p.iss.len && !vp_good_id(p.iss.data, OB_OID4VP_MAX_ID))) {
		msg = "an achievement or issuer id is 1 to 256 printable characters, without blanks";
		goto bad;
	}
	if (p.base.len && (strncmp(p.base.data, "https://", 8) || !vp_good_id(p.base.data, 512))) {
		msg = "public_url must be an https URL";
		goto bad;
	}
	if (!(q->base = vp_public_base(c, p.base.len ? p.base.data : NULL))) {
		msg = "no Host header to name this server by; give public_url";
		goto bad;
	}
	if (vp_random_id(q->id, &err) || vp_random_id(q->nonce, &err)) {
		vp_vreq_free(q);
		ret = vp_send_oauth_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "server_error", "no randomness");
		goto out;
	}
	{
		ob_buf cid = OB_BUF_INIT;

		if (vp_did)
			ob_buf_addf(&cid, OB_OID4VP_DID_PREFIX "%s", vp_did);
		else
			ob_buf_addf(&cid, OB_OID4VP_PREFIX "%s/oid4vp/response", q->base);
		q->client_id = ob_buf_detach(&cid, NULL);
	}
	q->achievement = p.ach.len ? strdup(p.ach.data) : NULL;
	q->issuer = p.iss.len ? strdup(p.iss.data) : NULL;
	q->expires = now + (p.ttl.len ? atol(p.ttl.data) : OID4VP_TTL);
	if (!q->client_id || (p.ach.len && !q->achievement) || (p.iss.len && !q->issuer)) {
		vp_vreq_free(q);
		ret = MHD_NO;
		goto out;
	}
	pthread_mutex_lock(&vp_lock);
	vp_prune(now);
	if (vp_nreqs >= OID4VP_MAX_PENDING) {
		pthread_mutex_unlock(&vp_lock);
		vp_vreq_free(q);
		ret = vp_send_oauth_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "temporarily_unavailable",
				       "too many requests are waiting for an answer; try again later");
		goto out;
	}
	q->next = vp_reqs;
	vp_reqs = q;
	vp_nreqs++;
	if (p.form) {
		/* the employer's form: on to the waiting page */
		ob_buf_addf(&page, "/request/%s", q->id);
		pthread_mutex_unlock(&vp_lock);
		{
			ob_buf b = OB_BUF_INIT;

			ob_buf_adds(&b, "See other\n");
			ret = vp_send_text(c, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8", &b, page.data);
		}
		goto out;
	}
	{
		json_t *sum = vp_request_summary(q);

		pthread_mutex_unlock(&vp_lock);
		ret = sum ? vp_send_json(c, MHD_HTTP_CREATED, sum) : MHD_NO;
	}
	goto out;
bad:
	vp_vreq_free(q);
	ret = p.form ? vp_send_page_error(c, MHD_HTTP_BAD_REQUEST, "Bad request", msg)
		     : vp_send_oauth_error(c, MHD_HTTP_BAD_REQUEST, "invalid_request", msg);
out:
	ob_buf_release(&p.ach);
	ob_buf_release(&p.iss);
	ob_buf_release(&p.base);
	ob_buf_release(&p.ttl);
	ob_buf_release(&page);
	return ret;
}

/* GET /oid4vp/request/ID: the request object, an unsecured JWT, or one
 * signed by the verifier's key (--client-id did). */
static enum MHD_Result vp_send_request_object(struct MHD_Connection *c, const char *id)
{
	struct vreq *q;
	json_t *o = NULL;
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	int state = -1;

	pthread_mutex_lock(&vp_lock);
	vp_prune(time(NULL));
	if ((q = vp_find(id)) && (state = q->state) == PENDING)
		o = vp_request_object(q);
	pthread_mutex_unlock(&vp_lock);
	if (!q)
		return vp_send_oauth_error(c, MHD_HTTP_NOT_FOUND, "invalid_request", "no such request, or it has expired");
	if (state != PENDING)
		return vp_send_oauth_error(c, MHD_HTTP_GONE, "invalid_request", "this request has been answered already");
	if (!o || (vp_key ? ob_oid4vp_request_sign(o, vp_key, vp_kid, &b, &err) : ob_oid4vp_request_jwt(o, &b, &err))) {
		json_decref(o);
		ob_buf_release(&b);
		return MHD_NO;
	}
	json_decref(o);
	return vp_send_text(c, MHD_HTTP_OK, "application/" OB_OID4VP_REQ_TYP, &b, NULL);
}

/* ---- the wallet's answer ---- */

/* The presentation in vp_token (VP 8.1: an object keyed by the DCQL
 * credential query id, each an array of one presentation), as text into
 * out. NULL, or what is wrong. */
static const char *vp_token_presentation(const char *tok, size_t len, ob_buf *out)
{
	ob_error err = { 0 };
	json_t *t = ob_json_parse(tok, len, &err), *arr = NULL, *p;
	const char *why = NULL, *key;
	int ldp = 0;
	char *s;

	if (!json_is_object(t))
		why = "vp_token is not a JSON object keyed by the query's credential ids";
	else if (json_object_size(t) != 1)
		why = "vp_token must answer exactly one of the query's credential ids";
	else {
		json_object_foreach(t, key, arr) {
			ldp = !strcmp(key, OB_OID4VP_LDP_ID);
			if (!ldp && strcmp(key, OB_OID4VP_JWT_ID))
				why = "vp_token answers a credential id the query does not have";
			break;
		}
		p = json_array_get(arr, 0);
		if (why)
			;
		else if (!json_is_array(arr) || json_array_size(arr) != 1)
			why = "vp_token's entry is not an array of one presentation";
		else if (ldp && !json_is_object(p))
			why = "the ldp_vc answer is not a presentation object";
		else if (!ldp && !json_is_string(p))
			why = "the jwt_vc_json answer is not a compact JWT";
		else if (ldp) {
			if (!(s = ob_json_dumps(p, 0)))
				why = "out of memory";
			else
				ob_buf_adds(out, s);
			free(s);
		} else {
			ob_buf_adds(out, json_string_value(p));
		}
	}
	json_decref(t);
	return why;
}

/* Checks the credentials of presentation text pres against what q asked
 * (its DCQL claims). NULL when they answer it, else why not (in why). */
static const char *vp_dcql_check(const char *pres, size_t len, const char *ach, const char *iss, char *why,
			      size_t n)
{
	json_t *vp = ob_oid4vp_vc_view(pres, len), *vcs, *v, *inner;
	json_t *jvp;
	size_t i, good = 0;
	const char *res = NULL;

	if (!vp)
		return "the presentation could not be read";
	/* a VP-JWT's view is its payload: the presentation is in vp */
	jvp = json_object_get(vp, "vp");
	vcs = json_object_get(json_is_object(jvp) ? jvp : vp, "verifiableCredential");
	if (json_is_object(vcs) || json_is_string(vcs)) {
		json_t *a = json_array();

		json_array_append(a, vcs);
		vcs = a;
	} else {
		json_incref(vcs);
	}
	json_array_foreach(vcs, i, v) {
		const char *id = ob_json_str(v, "id");

		inner = NULL;
		if (json_is_string(v))
			inner = ob_oid4vp_vc_view(json_string_value(v), strlen(json_string_value(v)));
		else if (id && !strncmp(id, "data:application/vc+jwt,", 24))
			inner = ob_oid4vp_vc_view(id + 24, strlen(id + 24));
		else if (json_is_object(v))
			inner = json_incref(v);
		if (!inner || !ob_oid4vp_match(inner, ach, iss, why, n)) {
			if (!inner)
				snprintf(why, n, "credential %zu could not be read", i + 1);
			res = why;
			json_decref(inner);
			break;
		}
		json_decref(inner);
		good++;
	}
	if (!res && !good)
		res = "the presentation holds no credential";
	json_decref(vcs);
	json_decref(vp);
	return res;
}

/* The holder-binding checks of a presentation report: the proof by the
 * holder (a Data Integrity proof is checked with the request's nonce as
 * challenge and client_id as domain, so it passes only with both; a
 * VP-JWT's nonce and aud get their own checks), and every credential
 * issued to that holder. NULL, or the first that did not pass. */
static const char *vp_binding_check(const json_t *rep)
{
	static const char *const need[] = { "proof", "holder", "challenge", "domain" };
	const json_t *checks = json_object_get(rep, "checks"), *c;
	size_t i, k;
	int seen[4] = { 0 };

	if (!ob_json_str(rep, "kind") || strcmp(ob_json_str(rep, "kind"), "presentation"))
		return "presentation";
	json_array_foreach(checks, i, c) {
		const char *id = ob_json_str(c, "id"), *out = ob_json_str(c, "outcome");

		for (k = 0; id && k < 4; k++)
			if (!strncmp(id, need[k], strlen(need[k])) &&
			    (!id[strlen(need[k])] || id[strlen(need[k])] == '[')) {
				if (!out || strcmp(out, "passed"))
					return need[k];
				seen[k] = 1;
			}
	}
	for (k = 0; k < 2; k++)
		if (!seen[k])
			return need[k];
	return NULL;
}

/* The worker's report in, the request's result out: stores it and
 * answers the wallet. */
static enum MHD_Result vp_finish(struct MHD_Connection *c, struct request *r)
{
	ob_error err = { 0 };
	json_t *rep = r->ans.json && r->ans.status == MHD_HTTP_OK
		      ? ob_json_parse(r->ans.body.data ? r->ans.body.data : "", r->ans.body.len, &err) : NULL;
	const char *verdict = rep ? ob_json_str(rep, "verdict") : NULL, *unmet = NULL, *unbound = NULL;
	const char *id = r->recipient.data;
	char why[300] = "", vbuf[16];
	json_t *res;
	struct vreq *q;
	char *js;

	pthread_mutex_lock(&vp_lock);
	q = vp_find(id);
	if (q && rep) {
		unmet = vp_dcql_check(r->body.data, r->body.len, q->achievement, q->issuer, why, sizeof(why));
		unbound = vp_binding_check(rep);
	}
	if (!verdict)
		verdict = "undecided";
	else if (unmet || unbound)
		verdict = "invalid";
	snprintf(vbuf, sizeof(vbuf), "%s", verdict);
	verdict = vbuf; /* rep goes into res, and res away below */
	res = json_pack("{s:s, s:b, s:s*, s:s*, s:o*}", "verdict", verdict, "verified", !strcmp(verdict, "valid"),
			"query", unmet, "binding", unbound ? unbound : NULL, "report", rep);
	if (unbound)
		json_object_set_new(res, "binding", json_sprintf("the %s check did not pass", unbound));
	if (q) {
		q->state = DONE;
		snprintf(q->verdict, sizeof(q->verdict), "%s", verdict);
		js = res ? ob_json_dumps(res, OB_JSON_PRETTY) : NULL;
		free(q->result);
		q->result = js;
		if (q->expires < time(NULL) + 60)
			q->expires = time(NULL) + 60; /* its page stays a while */
	}
	pthread_mutex_unlock(&vp_lock);
	json_decref(res);
	return vp_send_json(c, MHD_HTTP_OK, json_pack("{s:s}", "verdict", verdict));
}

static enum MHD_Result vp_respond(const struct server *s, struct MHD_Connection *c, struct request *r)
{
	const char *body = r->body.data ? r->body.data : "", *why = NULL;
	ob_buf tok = OB_BUF_INIT, state = OB_BUF_INIT, werr = OB_BUF_INIT, pres = OB_BUF_INIT;
	ob_error err = { 0 };
	struct vreq *q;
	enum MHD_Result ret;
	int has_tok, has_state, has_err, st = -1;
	time_t now = time(NULL);

	if ((has_tok = ob_oid4vp_form_get(body, r->body.len, "vp_token", &tok, &err)) < 0 ||
	    (has_state = ob_oid4vp_form_get(body, r->body.len, "state", &state, &err)) < 0 ||
	    (has_err = ob_oid4vp_form_get(body, r->body.len, "error", &werr, &err)) < 0) {
		ret = vp_send_oauth_error(c, MHD_HTTP_BAD_REQUEST, "invalid_request", err.msg);
		goto out;
	}
	if (!has_state || !state.len || state.len > OB_OID4VP_MAX_ID) {
		ret = vp_send_oauth_error(c, MHD_HTTP_BAD_REQUEST, "invalid_request", "no state: which request is this?");
		goto out;
	}
	if (!has_tok && !has_err) {
		ret = vp_send_oauth_error(c, MHD_HTTP_BAD_REQUEST, "invalid_request", "no vp_token");
		goto out;
	}
	pthread_mutex_lock(&vp_lock);
	q = vp_find(state.data);
	if (q && (st = q->state) == PENDING && q->expires > now)
		q->state = VERIFYING; /* single use: taken now, whatever comes of it */
	if (q)
		ob_buf_adds(&r->challenge, q->nonce), ob_buf_adds(&r->domain, q->client_id);
	pthread_mutex_unlock(&vp_lock);
	if (!q || (st == PENDING && q->expires <= now)) {
		ret = vp_send_oauth_error(c, MHD_HTTP_BAD_REQUEST, "invalid_request",
				       q ? "this request has expired" : "no such request, or it has expired");
		goto out;
	}
	if (st != PENDING) {
		ret = vp_send_oauth_error(c, MHD_HTTP_BAD_REQUEST, "invalid_request",
				       "this request has been answered already (a replay?)");
		goto out;
	}
	ob_buf_adds(&r->recipient, state.data);
	if (has_err || (why = vp_token_presentation(tok.data ? tok.data : "", tok.len, &pres))) {
		json_t *res = json_pack("{s:s, s:b, s:s}", "verdict", has_err ? "declined" : "invalid", "verified", 0,
					"error", has_err ? werr.data : why);
		pthread_mutex_lock(&vp_lock);
		if ((q = vp_find(state.data))) {
			q->state = DONE;
			snprintf(q->verdict, sizeof(q->verdict), "%s", has_err ? "declined" : "invalid");
			free(q->result);
			q->result = res ? ob_json_dumps(res, OB_JSON_PRETTY) : NULL;
		}
		pthread_mutex_unlock(&vp_lock);
		json_decref(res);
		ret = has_err ? vp_send_json(c, MHD_HTTP_OK, json_object())
			      : vp_send_oauth_error(c, MHD_HTTP_BAD_REQUEST, "invalid_request", why);
		goto out;
	}
	/* the presentation replaces the form in r->body: the job's data */
	ob_buf_release(&r->body);
	r->body = pres;
	pres = (ob_buf)OB_BUF_INIT;
	r->job.kind = J_API;
	r->job.data = r->body.data ? r->body.data : "";
	r->job.len = r->body.len;
	r->job.challenge = r->challenge.data;
	r->job.domain = r->domain.data;
	if (!s->pool) {
		serve_run_job(s, &r->job, &r->ans);
		ret = vp_finish(c, r);
	} else if (serve_pool_queue(s->pool, c, r)) {
		ret = MHD_YES;
	} else {
		serve_answer_unavailable(&r->ans, &r->job, "the server is stopping");
		ret = vp_finish(c, r);
	}
out:
	ob_buf_release(&tok);
	ob_buf_release(&state);
	ob_buf_release(&werr);
	ob_buf_release(&pres);
	return ret;
}

/* ---- the employer's pages ---- */

#define PAGE_HEAD "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">" \
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"

/* The QR code of text as an <img> with an SVG data: URI (the page's CSP
 * allows data: images only). */
static int vp_qr_img(ob_buf *b, const char *text)
{
	ob_error err = { 0 };
	ob_qr *qr = ob_qr_encode(text, 'M', 40, &err);
	ob_buf svg = OB_BUF_INIT;
	unsigned char *b64 = NULL;
	int w, x, y, rc = -1;

	if (!qr)
		return -1;
	w = ob_qr_width(qr);
	ob_buf_addf(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
		    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", w + 8, w + 8, w + 8, w + 8);
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x++)
			if (ob_qr_module(qr, x, y))
				ob_buf_addf(&svg, "M%d %dh1v1h-1z", x + 4, y + 4);
	ob_buf_adds(&svg, "\"/></svg>");
	if (!svg.oom && (b64 = malloc(4 * (svg.len / 3 + 1) + 1))) {
		EVP_EncodeBlock(b64, (const unsigned char *)svg.data, (int)svg.len);
		ob_buf_addf(b, "<img alt=\"QR code of the request\" width=\"320\" height=\"320\" "
			    "src=\"data:image/svg+xml;base64,%s\">", (char *)b64);
		rc = 0;
	}
	free(b64);
	ob_buf_release(&svg);
	ob_qr_free(qr);
	return rc;
}

/* The verified result, from the stored JSON. */
static void vp_result_html(ob_buf *b, const char *result)
{
	ob_error err = { 0 };
	json_t *j = result ? ob_json_parse(result, strlen(result), &err) : NULL;
	const json_t *rep = json_object_get(j, "report"), *cs, *c;
	const char *v = ob_json_str(j, "verdict"), *head = ob_json_str(rep, "headline");
	size_t i;

	ob_buf_adds(b, "<h2 id=\"verdict\">");
	page_escape(b, v && !strcmp(v, "valid") ? "VALID" : v && !strcmp(v, "declined") ? "DECLINED"
		    : v && !strcmp(v, "invalid") ? "INVALID" : "UNDECIDED");
	ob_buf_adds(b, "</h2>\n");
	if (head) {
		ob_buf_adds(b, "<p id=\"headline\">");
		page_escape(b, head);
		ob_buf_adds(b, "</p>\n");
	}
	if (ob_json_str(j, "query")) {
		ob_buf_adds(b, "<p>Not what was asked: ");
		page_escape(b, ob_json_str(j, "query"));
		ob_buf_adds(b, "</p>\n");
	}
	if (ob_json_str(j, "binding")) {
		ob_buf_adds(b, "<p>Holder binding: ");
		page_escape(b, ob_json_str(j, "binding"));
		ob_buf_adds(b, "</p>\n");
	}
	if (ob_json_str(j, "error")) {
		ob_buf_adds(b, "<p>");
		page_escape(b, ob_json_str(j, "error"));
		ob_buf_adds(b, "</p>\n");
	}
	cs = json_object_get(rep, "checks");
	if (json_array_size(cs)) {
		ob_buf_adds(b, "<ul id=\"checks\">\n");
		json_array_foreach(cs, i, c) {
			ob_buf_adds(b, "<li>");
			page_escape(b, ob_json_str(c, "outcome") ? ob_json_str(c, "outcome") : "");
			ob_buf_adds(b, ": ");
			page_escape(b, ob_json_str(c, "message") ? ob_json_str(c, "message") : "");
			ob_buf_adds(b, "</li>\n");
		}
		ob_buf_adds(b, "</ul>\n");
	}
	json_decref(j);
}

/* GET /request/ID (the waiting page) and /request/ID.json. */
static enum MHD_Result vp_send_status(struct MHD_Connection *c, const char *rest)
{
	char id[64];
	size_t n = strcspn(rest, ".");
	int as_json = !strcmp(rest + n, ".json");
	struct vreq *q;
	json_t *sum = NULL, *res = NULL;
	ob_buf b = OB_BUF_INIT, link = OB_BUF_INIT, ruri = OB_BUF_INIT;
	ob_error err = { 0 };
	int state = PENDING;
	char *result = NULL;

	if (n == 0 || n >= sizeof(id) || (rest[n] && !as_json))
		return vp_send_page_error(c, MHD_HTTP_NOT_FOUND, "Not found", "There is no page at this address.");
	memcpy(id, rest, n);
	id[n] = '\0';
	pthread_mutex_lock(&vp_lock);
	vp_prune(time(NULL));
	if ((q = vp_find(id))) {
		state = q->state;
		sum = vp_request_summary(q);
		result = q->result ? strdup(q->result) : NULL;
	}
	pthread_mutex_unlock(&vp_lock);
	if (!q) {
		if (as_json)
			return vp_send_oauth_error(c, MHD_HTTP_NOT_FOUND, "invalid_request", "no such request, or it has expired");
		return vp_send_page_error(c, MHD_HTTP_NOT_FOUND, "No such request",
				       "This request does not exist or has expired.");
	}
	if (as_json) {
		json_object_set_new(sum, "status", json_string(state == DONE ? "answered" : state == VERIFYING
							      ? "verifying" : "waiting"));
		if (result && (res = ob_json_parse(result, strlen(result), &err)))
			json_object_set_new(sum, "result", res);
		json_object_del(sum, "nonce");
		free(result);
		return vp_send_json(c, MHD_HTTP_OK, sum);
	}
	ob_buf_adds(&b, PAGE_HEAD);
	if (state != DONE)
		ob_buf_adds(&b, "<meta http-equiv=\"refresh\" content=\"2\">");
	ob_buf_adds(&b, "<title>Presentation request</title></head><body>\n<h1>Presentation request</h1>\n");
	if (state == PENDING) {
		const char *l = ob_json_str(sum, "link");

		ob_buf_adds(&b, "<p id=\"ask\">Scan this with your wallet.</p>\n");
		if (vp_did) {
			/* what the learner's wallet will show as the asker */
			ob_buf_adds(&b, "<p id=\"signer\">The request is signed by <code>");
			page_escape(&b, vp_did);
			ob_buf_adds(&b, "</code>: the wallet shows this DID as who asks.</p>\n");
		}
		if (!l || vp_qr_img(&b, l))
			ob_buf_adds(&b, "<p>(no QR code could be drawn)</p>\n");
		ob_buf_adds(&b, "\n<p>Or open this link in the wallet:<br><code id=\"link\">");
		page_escape(&b, l ? l : "");
		ob_buf_adds(&b, "</code></p>\n<p>Asked for: an Open Badge");
		if (ob_json_str(sum, "achievement")) {
			ob_buf_adds(&b, " for the achievement ");
			page_escape(&b, ob_json_str(sum, "achievement"));
		}
		if (ob_json_str(sum, "issuer")) {
			ob_buf_adds(&b, " from the issuer ");
			page_escape(&b, ob_json_str(sum, "issuer"));
		}
		ob_buf_adds(&b, ".</p>\n<p id=\"status\">Waiting for the wallet&hellip;</p>\n");
	} else if (state == VERIFYING) {
		ob_buf_adds(&b, "<p id=\"status\">The wallet has answered; verifying&hellip;</p>\n");
	} else {
		ob_buf_adds(&b, "<p id=\"status\">The wallet has answered.</p>\n");
		vp_result_html(&b, result);
	}
	ob_buf_adds(&b, "<p><a href=\"/request\">Ask for another</a></p>\n</body></html>\n");
	free(result);
	json_decref(sum);
	ob_buf_release(&link);
	ob_buf_release(&ruri);
	return vp_send_text(c, MHD_HTTP_OK, HTML, &b, NULL);
}

static enum MHD_Result vp_send_form(struct MHD_Connection *c)
{
	ob_buf b = OB_BUF_INIT;

	ob_buf_adds(&b, PAGE_HEAD "<title>Ask a wallet for a badge</title></head><body>\n"
		    "<h1>Ask a wallet for a badge</h1>\n"
		    "<form method=\"post\" action=\"/request\">\n"
		    "<p><label>Achievement id (optional)<br><input name=\"achievement\" size=\"60\"></label></p>\n"
		    "<p><label>Issuer id (optional)<br><input name=\"issuer\" size=\"60\"></label></p>\n"
		    "<p><button type=\"submit\" id=\"ask\">Make a request</button></p>\n</form>\n</body></html>\n");
	return vp_send_text(c, MHD_HTTP_OK, HTML, &b, NULL);
}

static enum MHD_Result vp_send_405(struct MHD_Connection *c, const char *allow)
{
	ob_buf b = OB_BUF_INIT;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *data;

	page_error(&b, "Method not allowed", "This address does not take that kind of request.");
	if (b.oom || !(data = ob_buf_detach(&b, &len)))
		return MHD_NO;
	if (!(resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE))) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, HTML);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	MHD_add_response_header(resp, "Content-Security-Policy", page_csp());
	ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result oid4vp_handler(const struct server *s, struct MHD_Connection *c, const char *url,
			       const char *method, const char *upload, size_t *upload_size,
			       struct request *r)
{
	int get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
	int post = !strcmp(method, MHD_HTTP_METHOD_POST);
	size_t cap = !strcmp(url, "/request") ? OID4VP_MAX_CREATE : OB_OID4VP_MAX_TOKEN * 3 + 4096;

	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (r->too_big || !post)
			return MHD_YES;
		/* the budget: the server's --max-body, and the route's own
		 * (a vp_token is at most OB_OID4VP_MAX_TOKEN, URL-encoded) */
		if (n > s->max_body - r->received || n > cap - r->received) {
			r->too_big = 1;
			ob_buf_release(&r->body);
			return MHD_YES;
		}
		r->received += n;
		return ob_buf_add(&r->body, upload, n) < 0 ? MHD_NO : MHD_YES;
	}
	if (r->state == ANSWERED)
		return vp_finish(c, r);
	if (r->state == QUEUED)
		return MHD_YES;
	if (r->too_big)
		return vp_send_oauth_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "invalid_request", "the request body is too large");
	if (!strcmp(url, "/request")) {
		if (get)
			return vp_send_form(c);
		return post ? vp_create(c, r) : vp_send_405(c, "GET, HEAD, POST");
	}
	if (!strcmp(url, "/oid4vp/response"))
		return post ? vp_respond(s, c, r) : vp_send_405(c, "POST");
	if (!get)
		return vp_send_405(c, "GET, HEAD");
	if (!strncmp(url, "/oid4vp/request/", 16))
		return vp_send_request_object(c, url + 16);
	return vp_send_status(c, url + 9);
}
