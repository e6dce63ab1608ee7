/* serve_http: the requests as libmicrohttpd hands them over: routes,
 * body budgets, the form's fields, the recipient address, and the
 * answers sent back. Verifying is left to serve_answer.c, in a worker
 * (serve_pool.c) or, without a pool, right here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "base/json.h"
#include "base/text.h"
#include "canon/jcs.h"
#include "oid4vp.h"
#include "page.h"
#include "serve.h"

#define POST_BUFFER 16384

/* ---- responses ---- */

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *type,
				ob_buf *b)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = 0;
	char *data;

	if (b->oom) {
		ob_buf_release(b);
		return MHD_NO;
	}
	data = ob_buf_detach(b, &len);
	if (!data)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "Content-Security-Policy", page_csp());
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

#define HTML "text/html; charset=utf-8"
#define JSON "application/json"

static enum MHD_Result send_error_page(struct MHD_Connection *c, unsigned status,
				       const char *title, const char *msg)
{
	ob_buf b = OB_BUF_INIT;

	page_error(&b, title, msg);
	return send_buf(c, status, HTML, &b);
}

static enum MHD_Result send_json_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	ob_buf b = OB_BUF_INIT;
	json_t *j = json_pack("{s:s}", "error", msg);
	char *s = j ? ob_json_dumps(j, OB_JSON_PRETTY) : NULL;

	json_decref(j);
	if (!s)
		return MHD_NO;
	ob_buf_adds(&b, s);
	ob_buf_addc(&b, '\n');
	free(s);
	return send_buf(c, status, JSON, &b);
}

static enum MHD_Result send_too_big(struct MHD_Connection *c, const struct request *r,
				    const struct server *s)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "the request is larger than %zu bytes", s->max_body);
	if (r->route == R_API)
		return send_json_error(c, MHD_HTTP_CONTENT_TOO_LARGE, msg);
	return send_error_page(c, MHD_HTTP_CONTENT_TOO_LARGE, "Too large", msg);
}

static enum MHD_Result send_405(struct MHD_Connection *c, const char *allow)
{
	ob_buf b = OB_BUF_INIT;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *data;

	page_error(&b, "Method not allowed", "This address does not take that kind of request.");
	if (b.oom || !(data = ob_buf_detach(&b, &len)))
		return MHD_NO;
	resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, HTML);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	MHD_add_response_header(resp, "Content-Security-Policy", page_csp());
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
	MHD_destroy_response(resp);
	return ret;
}

#define BAD_RECIPIENT "the recipient is not an e-mail address (like name@example.com)"

/* ?recipient= of this request: NULL when absent or empty, bad set when
 * it is not an address. */
static const char *query_recipient(struct MHD_Connection *c, int *bad)
{
	const char *e = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "recipient");

	*bad = 0;
	if (!e || !*e)
		return NULL;
	if (!serve_good_recipient(e))
		*bad = 1;
	return e;
}

#define BAD_CHALLENGE "a challenge or domain is 1 to 256 printable characters, without blanks"

/* ?challenge= and ?domain= into j: 0, or -1 when one is not acceptable. */
static int query_challenge(struct MHD_Connection *c, struct job *j)
{
	const char *ch = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "challenge");
	const char *dom = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "domain");

	j->challenge = ch && *ch ? ch : NULL;
	j->domain = dom && *dom ? dom : NULL;
	if ((j->challenge && !serve_good_challenge(j->challenge)) ||
	    (j->domain && !serve_good_challenge(j->domain)))
		return -1;
	return 0;
}

/* A form field, blanks around it dropped, NUL-terminated in place: NULL
 * when empty, bad set when it holds a NUL or fails good(). */
static const char *form_value(ob_buf *b, int (*good)(const char *), int *bad)
{
	char *e, *end;

	if (!b->len)
		return NULL;
	e = b->data;
	end = e + b->len;
	while (e < end && ob_is_space(*e))
		e++;
	while (end > e && ob_is_space(end[-1]))
		end--;
	*end = '\0';
	if (*e && (memchr(e, '\0', (size_t)(end - e)) || !good(e)))
		*bad = 1;
	return *e ? e : NULL;
}

static enum MHD_Result send_answer(struct MHD_Connection *c, struct answer *a)
{
	return send_buf(c, a->status, a->json ? JSON : HTML, &a->body);
}

/* Runs r's job: in a worker, with the connection suspended meanwhile,
 * or here when there is no pool. */
static enum MHD_Result dispatch(struct MHD_Connection *c, const struct server *s, struct request *r)
{
	if (!s->pool) {
		serve_run_job(s, &r->job, &r->ans);
		return send_answer(c, &r->ans);
	}
	if (serve_pool_queue(s->pool, c, r))
		return MHD_YES;
	serve_answer_unavailable(&r->ans, &r->job, "the server is stopping");
	return send_answer(c, &r->ans);
}

/* ---- requests, checked here and verified by a worker ---- */

static enum MHD_Result ask_api(struct MHD_Connection *c, const struct server *s, struct request *r)
{
	int bad;
	const char *to = query_recipient(c, &bad);

	if (bad)
		return send_json_error(c, MHD_HTTP_BAD_REQUEST, BAD_RECIPIENT);
	if (query_challenge(c, &r->job))
		return send_json_error(c, MHD_HTTP_BAD_REQUEST, BAD_CHALLENGE);
	r->job.kind = J_API;
	r->job.data = r->body.data ? r->body.data : "";
	r->job.len = r->body.len;
	r->job.to = to;
	return dispatch(c, s, r);
}

static enum MHD_Result ask_link(struct MHD_Connection *c, const struct server *s, struct request *r)
{
	const char *url = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "url");
	int bad;
	const char *to = query_recipient(c, &bad);

	if (!url || !*url)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "No link given",
				       "Add ?url= and the address of the credential.");
	if (bad)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not an e-mail address", BAD_RECIPIENT);
	if (query_challenge(c, &r->job))
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not a challenge", BAD_CHALLENGE);
	r->job.kind = J_LINK;
	r->job.data = url;
	r->job.len = strlen(url);
	r->job.to = to;
	return dispatch(c, s, r);
}

static enum MHD_Result ask_form(struct MHD_Connection *c, const struct server *s, struct request *r)
{
	const char *d, *to = NULL;
	size_t n;
	int bad;

	if (r->bad_form)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Unreadable form",
				       "The form data could not be read; please try again.");
	if (r->bad_recipient)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not an e-mail address", BAD_RECIPIENT);
	/* the address, blanks around it dropped; empty: none given */
	bad = 0;
	to = form_value(&r->recipient, serve_good_recipient, &bad);
	if (bad)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not an e-mail address", BAD_RECIPIENT);
	r->job.challenge = form_value(&r->challenge, serve_good_challenge, &bad);
	r->job.domain = form_value(&r->domain, serve_good_challenge, &bad);
	if (bad || r->bad_challenge)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not a challenge", BAD_CHALLENGE);
	d = r->file.len ? r->file.data : r->credential.data;
	n = r->file.len ? r->file.len : r->credential.len;
	while (n && ob_is_space(*d))
		d++, n--;
	if (!n)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Nothing to verify",
				       "Paste a credential or choose a file, then press Verify.");
	r->job.kind = J_FORM;
	r->job.file = r->file.len != 0;
	r->job.data = d;
	r->job.len = n;
	r->job.to = to;
	return dispatch(c, s, r);
}

/* GET /challenge[?domain=D]: the form with a fresh challenge (128
 * random bits, hex) filled in, and what to send the candidate. Never
 * cached: each load is a new challenge. */
static enum MHD_Result send_challenge(struct MHD_Connection *c)
{
	const char *dom = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "domain");
	unsigned char raw[16];
	char hex[2 * sizeof(raw) + 1];
	ob_buf b = OB_BUF_INIT;
	size_t i;

	if (dom && *dom && !serve_good_challenge(dom))
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not a domain", BAD_CHALLENGE);
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return send_error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error",
				       "no random challenge could be made");
	for (i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	page_form(&b, hex, dom && *dom ? dom : NULL);
	return send_buf(c, MHD_HTTP_OK, HTML, &b);
}

/* ---- request plumbing ---- */

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *filename, const char *content_type,
				  const char *transfer_encoding, const char *data, uint64_t off,
				  size_t size)
{
	struct request *r = cls;
	ob_buf *b;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	/* a multipart part without a name: libmicrohttpd passes NULL (the
	 * fuzzer's finding, tests/fuzz/regress/http) */
	if (!key)
		return MHD_YES;
	if (!strcmp(key, "file"))
		b = &r->file;
	else if (!strcmp(key, "credential"))
		b = &r->credential;
	else if (!strcmp(key, "recipient"))
		b = &r->recipient;
	else if (!strcmp(key, "challenge"))
		b = &r->challenge;
	else if (!strcmp(key, "domain"))
		b = &r->domain;
	else
		return MHD_YES; /* ignore other fields */
	if ((b == &r->challenge || b == &r->domain) && (r->bad_challenge || size > MAX_CHALLENGE - b->len)) {
		r->bad_challenge = 1;
		return MHD_YES;
	}
	/* an address is short: a longer field is refused whole, not cut */
	if (b == &r->recipient && (r->bad_recipient || size > MAX_EMAIL - b->len)) {
		r->bad_recipient = 1;
		return MHD_YES;
	}
	if (size && ob_buf_add(b, data, size) < 0)
		return MHD_NO;
	return MHD_YES;
}

static enum route route(const char *url, const char *method, const char **allow)
{
	int get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
	int post = !strcmp(method, MHD_HTTP_METHOD_POST);

	if (!strcmp(url, "/")) {
		*allow = "GET, HEAD";
		return get ? R_FORM : R_BAD_METHOD;
	}
	if (!strcmp(url, "/challenge")) {
		*allow = "GET, HEAD";
		return get ? R_CHALLENGE : R_BAD_METHOD;
	}
	if (!strcmp(url, "/verify")) {
		*allow = "GET, HEAD, POST";
		return get ? R_VERIFY_GET : post ? R_VERIFY_POST : R_BAD_METHOD;
	}
	if (!strcmp(url, "/api/verify")) {
		*allow = "POST";
		return post ? R_API : R_BAD_METHOD;
	}
	return R_NOT_FOUND;
}

/* MHD_OPTION_URI_LOG_CALLBACK: sees the target as sent, before
 * libmicrohttpd unescapes it (and a %00 cuts it short). The request
 * object made here is the handler's. */
void *serve_uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct request *r = calloc(1, sizeof(*r));

	(void)cls;
	(void)c;
	if (r)
		r->nul = strstr(uri, "%00") != NULL;
	return r;
}

/* How the request says its body is framed: RFC 9112 6.3. */
struct framing {
	const char *cl;
	int ncl, cl_differ, nte, te_unknown;
};

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (!key || !value)
		return MHD_YES;
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		if (f->cl && strcmp(f->cl, value) != 0)
			f->cl_differ = 1;
		f->cl = value;
		f->ncl++;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		f->nte++;
		if (strcasecmp(value, "chunked") != 0)
			f->te_unknown = 1;
	}
	return MHD_YES;
}

static enum MHD_Result send_refused(struct MHD_Connection *c, const struct request *r, unsigned status,
				    const char *msg)
{
	if (r->route == R_API)
		return send_json_error(c, status, msg);
	return send_error_page(c, status, status == MHD_HTTP_NOT_IMPLEMENTED ? "Not implemented"
			       : "Bad request", msg);
}

static enum MHD_Result first_call(struct MHD_Connection *c, const struct server *s,
				  const char *url, const char *method, void **con_cls)
{
	struct request *r = *con_cls ? *con_cls : calloc(1, sizeof(struct request));
	struct framing f = { 0 };
	const char *cl;
	char *end;
	unsigned long long n;

	if (!r)
		return MHD_NO;
	*con_cls = r;
	r->started = 1;
	r->route = route(url, method, &r->allow);
	/* answered at once, before any body (MHD then closes): a NUL would
	 * cut the target short, and a body whose length the request gives
	 * two ways is a way to smuggle a second request past a proxy */
	MHD_get_connection_values(c, MHD_HEADER_KIND, framing_header, &f);
	r->refused = r->nul || f.cl_differ || f.nte > 1 || (f.nte && f.ncl) || f.te_unknown;
	if (r->nul)
		return send_refused(c, r, MHD_HTTP_BAD_REQUEST, "the address contains a NUL byte (%00)");
	if (f.cl_differ)
		return send_refused(c, r, MHD_HTTP_BAD_REQUEST, "conflicting Content-Length headers");
	if (f.nte && f.ncl)
		return send_refused(c, r, MHD_HTTP_BAD_REQUEST, "both Transfer-Encoding and Content-Length");
	if (f.te_unknown || f.nte > 1)
		return send_refused(c, r, MHD_HTTP_NOT_IMPLEMENTED,
				    "only the chunked transfer coding is understood");
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl) {
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno || *end || n > s->max_body) {
			/* answered before the body is read; MHD then closes */
			r->too_big = 1;
			return send_too_big(c, r, s);
		}
	}
	if (r->route == R_VERIFY_POST && !r->too_big) {
		r->pp = MHD_create_post_processor(c, POST_BUFFER, post_field, r);
		/* neither multipart/form-data nor urlencoded */
		if (!r->pp)
			r->bad_form = 1;
	}
	return MHD_YES;
}

enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	const struct server *s = cls;
	struct request *r = *con_cls;

	(void)version;
	if (!r || !r->started)
		return first_call(c, s, url, method, con_cls);
	/* the OpenID4VP routes (oid4vp_serve.c): body and answer there */
	if (!r->too_big && !r->refused && oid4vp_route(url))
		return oid4vp_handler(s, c, url, method, upload, upload_size, r);
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (r->too_big || r->refused || r->route == R_NOT_FOUND || r->route == R_BAD_METHOD)
			return MHD_YES; /* discarded; answered at the end */
		if (n > s->max_body - r->received) {
			r->too_big = 1;
			ob_buf_release(&r->body);
			ob_buf_release(&r->file);
			ob_buf_release(&r->credential);
			ob_buf_release(&r->recipient);
			ob_buf_release(&r->challenge);
			ob_buf_release(&r->domain);
			return MHD_YES;
		}
		r->received += n;
		if (r->route == R_API) {
			if (ob_buf_add(&r->body, upload, n) < 0)
				return MHD_NO;
		} else if (r->pp && !r->bad_form) {
			if (MHD_post_process(r->pp, upload, n) != MHD_YES)
				r->bad_form = 1;
		}
		return MHD_YES;
	}
	/* the whole request is in */
	if (r->state == ANSWERED)
		return send_answer(c, &r->ans);
	if (r->state == QUEUED)
		return MHD_YES; /* not resumed yet */
	if (r->too_big)
		return send_too_big(c, r, s);
	switch (r->route) {
	case R_FORM: {
		ob_buf b = OB_BUF_INIT;
		page_form(&b, NULL, NULL);
		return send_buf(c, MHD_HTTP_OK, HTML, &b);
	}
	case R_CHALLENGE:
		return send_challenge(c);
	case R_VERIFY_GET:
		return ask_link(c, s, r);
	case R_VERIFY_POST:
		return ask_form(c, s, r);
	case R_API:
		return ask_api(c, s, r);
	case R_BAD_METHOD:
		return send_405(c, r->allow);
	default:
		return send_error_page(c, MHD_HTTP_NOT_FOUND, "Not found", "There is no page at this address.");
	}
}

void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	ob_buf_release(&r->body);
	ob_buf_release(&r->credential);
	ob_buf_release(&r->file);
	ob_buf_release(&r->recipient);
	ob_buf_release(&r->challenge);
	ob_buf_release(&r->domain);
	ob_buf_release(&r->ans.body);
	free(r);
	*con_cls = NULL;
}


/* tests/fuzz/fuzz_http.c builds the server from its sources (through
 * cmd_serve.c): the OpenID4VP routes come with this file */
#ifdef FUZZ_NOW
#include "oid4vp_serve.c"
#endif
