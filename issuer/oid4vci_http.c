/* oid4vci_http: ob-issuer serve's requests as libmicrohttpd hands them
 * over: routes, the body budget (VCI_MAX_BODY; a larger Content-Length
 * is answered 413 before the body is read), framing that could smuggle
 * a request (refused as verifier/serve_http.c refuses it), the token
 * endpoint's form (libmicrohttpd's post processor), and the JSON
 * answers with their security headers. What each endpoint answers is
 * oid4vci_flow.c's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pthread.h>

#include "base/buf.h"
#include "canon/jcs.h"
#include "oid4vci.h"
#include "proof/suite.h"

/* The linked-data suites keep a JSON-LD processor per thread: a thread
 * of libmicrohttpd's pool that signed frees it as it ends (the key's
 * destructor runs when MHD_stop_daemon joins it). */
static pthread_key_t suite_key;
static pthread_once_t suite_once = PTHREAD_ONCE_INIT;

static void suite_release(void *p)
{
	(void)p;
	ob_suite_thread_release();
}

static void suite_key_make(void)
{
	(void)pthread_key_create(&suite_key, suite_release);
}

enum route {
	R_NOT_FOUND, R_BAD_METHOD, R_META, R_AS_META, R_OFFER, R_TOKEN, R_NONCE, R_CREDENTIAL, R_EXCHANGE
};

struct vreq {
	enum route route;
	const char *allow;
	const char *ref;       /* R_OFFER, R_EXCHANGE: borrowed from the URL (valid for the request) */
	ob_buf body;
	ob_buf grant, code, tx; /* the token form's fields */
	int have_tx, too_big, bad_form, refused, started;
	struct MHD_PostProcessor *pp;
};

static enum MHD_Result send_json(struct MHD_Connection *c, vci_answer *a)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	ob_buf b = OB_BUF_INIT;
	size_t len;
	char *data;

	if (!a->body || ob_json_write(&b, a->body, OB_JSON_PRETTY) < 0 || ob_buf_addc(&b, '\n') < 0 ||
	    !(data = ob_buf_detach(&b, &len))) {
		ob_buf_release(&b);
		vci_answer_release(a);
		return MHD_NO;
	}
	resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		vci_answer_release(a);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (a->www_auth)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, a->www_auth);
	ret = MHD_queue_response(c, a->status, resp);
	MHD_destroy_response(resp);
	vci_answer_release(a);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *code, const char *desc)
{
	vci_answer a = { status, json_pack("{s:s,s:s}", "error", code, "error_description", desc), NULL };

	return send_json(c, &a);
}

/* The path under the issuer identifier's path p, or NULL. */
static const char *under(const char *url, const char *p)
{
	size_t n = strlen(p);

	return strncmp(url, p, n) ? NULL : url + n;
}

static enum route route(const vci_server *s, const char *url, const char *method, struct vreq *r)
{
	int get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
	int post = !strcmp(method, MHD_HTTP_METHOD_POST);
	const char *rest, *wk;

	/* the well-known documents: the issuer's path after the suffix */
	if ((wk = under(url, "/.well-known/openid-credential-issuer")) && !strcmp(wk, s->path)) {
		r->allow = "GET, HEAD";
		return get ? R_META : R_BAD_METHOD;
	}
	if ((wk = under(url, "/.well-known/oauth-authorization-server")) && !strcmp(wk, s->path)) {
		r->allow = "GET, HEAD";
		return get ? R_AS_META : R_BAD_METHOD;
	}
	if (!(rest = under(url, s->path)))
		return R_NOT_FOUND;
	if (!strncmp(rest, "/offers/", 8) && rest[8] && !strchr(rest + 8, '/')) {
		r->allow = "GET, HEAD";
		r->ref = rest + 8;
		return get ? R_OFFER : R_BAD_METHOD;
	}
	r->allow = "POST";
	if (!strncmp(rest, "/exchanges/", 11) && rest[11] && !strchr(rest + 11, '/')) {
		r->ref = rest + 11;
		return post ? R_EXCHANGE : R_BAD_METHOD;
	}
	if (!strcmp(rest, "/token"))
		return post ? R_TOKEN : R_BAD_METHOD;
	if (!strcmp(rest, "/nonce"))
		return post ? R_NONCE : R_BAD_METHOD;
	if (!strcmp(rest, "/credential"))
		return post ? R_CREDENTIAL : R_BAD_METHOD;
	return R_NOT_FOUND;
}

static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				  const char *content_type, const char *transfer_encoding, const char *data,
				  uint64_t off, size_t size)
{
	struct vreq *r = cls;
	ob_buf *b;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	if (!key)
		return MHD_YES;
	if (!strcmp(key, "grant_type"))
		b = &r->grant;
	else if (!strcmp(key, "pre-authorized_code"))
		b = &r->code;
	else if (!strcmp(key, "tx_code")) {
		b = &r->tx;
		r->have_tx = 1;
	} else
		return MHD_YES;
	if (size > VCI_MAX_FIELD - b->len || memchr(data, '\0', size)) {
		r->bad_form = 1;
		return MHD_YES;
	}
	if (size && ob_buf_add(b, data, size) < 0)
		return MHD_NO;
	return MHD_YES;
}

struct framing {
	const char *cl;
	int ncl, cl_differ, nte, te_unknown;
};

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (!key || !value)
		return MHD_YES;
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		if (f->cl && strcmp(f->cl, value))
			f->cl_differ = 1;
		f->cl = value;
		f->ncl++;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		f->nte++;
		if (strcasecmp(value, "chunked"))
			f->te_unknown = 1;
	}
	return MHD_YES;
}

static enum MHD_Result first_call(struct MHD_Connection *c, vci_server *s, const char *url, const char *method,
				  void **con_cls)
{
	struct vreq *r = calloc(1, sizeof(*r));
	struct framing f = { 0 };
	unsigned long long n;
	const char *type;
	char *end;

	if (!r)
		return MHD_NO;
	*con_cls = r;
	r->started = 1;
	r->route = route(s, url, method, r);
	MHD_get_connection_values(c, MHD_HEADER_KIND, framing_header, &f);
	if (f.cl_differ || f.nte > 1 || (f.nte && f.ncl) || f.te_unknown) {
		r->refused = 1;
		return send_error(c, 400, "invalid_request", "the request's body framing is ambiguous");
	}
	if (f.cl) {
		errno = 0;
		n = strtoull(f.cl, &end, 10);
		if (errno || *end || n > VCI_MAX_BODY) {
			r->refused = 1;
			return send_error(c, 413, "invalid_request", "the request body is too large");
		}
	}
	if (r->route == R_TOKEN) {
		type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) ||
		    !(r->pp = MHD_create_post_processor(c, 4096, form_field, r)))
			r->bad_form = 1;
	}
	return MHD_YES;
}

static enum MHD_Result answer_request(struct MHD_Connection *c, vci_server *s, struct vreq *r)
{
	vci_answer a = { 0 };

	switch (r->route) {
	case R_META:
		vci_issuer_metadata(s, &a);
		break;
	case R_AS_META:
		vci_as_metadata(s, &a);
		break;
	case R_OFFER:
		vci_offer(s, r->ref, &a);
		break;
	case R_TOKEN:
		/* the last field of a urlencoded body is handed over when the
		 * post processor is destroyed */
		if (r->pp && MHD_destroy_post_processor(r->pp) != MHD_YES)
			r->bad_form = 1;
		r->pp = NULL;
		if (r->bad_form)
			return send_error(c, 400, "invalid_request",
					  "the token request must be a form (application/x-www-form-urlencoded) "
					  "with short fields");
		vci_token(s, r->grant.data, r->code.data, r->have_tx ? (r->tx.data ? r->tx.data : "") : NULL, &a);
		break;
	case R_NONCE:
		vci_nonce(s, &a);
		break;
	case R_EXCHANGE: {
		const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);

		if (!type || strncasecmp(type, "application/json", 16)) {
			a.status = 400;
			a.body = json_pack("{s:s,s:s,s:s}", "type", "urn:obkit:vcapi:bad-request", "title", "Bad request",
					   "detail", "the body must be application/json");
			break;
		}
		pthread_once(&suite_once, suite_key_make);
		pthread_setspecific(suite_key, (void *)1);
		vcapi_exchange(s, r->ref, r->body.data ? r->body.data : "", r->body.len, &a);
		break;
	}
	case R_CREDENTIAL: {
		const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);

		if (!type || strncasecmp(type, "application/json", 16))
			return send_error(c, 400, "invalid_credential_request", "the body must be application/json");
		pthread_once(&suite_once, suite_key_make);
		pthread_setspecific(suite_key, (void *)1);
		vci_credential(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
			       r->body.data ? r->body.data : "", r->body.len, &a);
		break;
	}
	case R_BAD_METHOD: {
		enum MHD_Result ret;
		struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);

		if (!resp)
			return MHD_NO;
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
		ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	default:
		return send_error(c, 404, "not_found", "no such endpoint");
	}
	return send_json(c, &a);
}

enum MHD_Result vci_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	vci_server *s = cls;
	struct vreq *r = *con_cls;

	(void)version;
	if (!r || !r->started)
		return first_call(c, s, url, method, con_cls);
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (r->refused || r->too_big)
			return MHD_YES;
		if (n > VCI_MAX_BODY - r->body.len) {
			r->too_big = 1;
			ob_buf_release(&r->body);
			return MHD_YES;
		}
		/* the body is kept for every route: its size is the budget */
		if (ob_buf_add(&r->body, upload, n) < 0)
			return MHD_NO;
		if (r->pp && !r->bad_form && MHD_post_process(r->pp, upload, n) != MHD_YES)
			r->bad_form = 1;
		return MHD_YES;
	}
	if (r->refused)
		return MHD_YES;
	if (r->too_big)
		return send_error(c, 413, "invalid_request", "the request body is too large");
	route(s, url, method, r); /* the offer's reference, from this call's url */
	return answer_request(c, s, r);
}

void vci_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct vreq *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	ob_buf_release(&r->body);
	ob_buf_release_secret(&r->grant);
	ob_buf_release_secret(&r->code);
	ob_buf_release_secret(&r->tx);
	free(r);
	*con_cls = NULL;
}
