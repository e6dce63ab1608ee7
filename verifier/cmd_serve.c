/* ob-verifier serve: the verification web page and a JSON API, on
 * libmicrohttpd's thread pool.
 *
 *   GET  /                 the form (paste a credential, upload an image)
 *   POST /verify           the form's target (multipart or urlencoded)
 *   GET  /verify?url=URL   the QR-link flow: fetch URL, verify, show
 *   POST /api/verify       body = credential, presentation or VC-JWT;
 *                          answer = the `verify --json` object
 *
 * The form's "recipient" field, and ?recipient= on the other two, give
 * the e-mail address the learner claims (verify --recipient).
 *
 * Each worker thread keeps its own loader (the loader is not thread-safe
 * and caches what it fetches): created on first use, replaced after
 * LOADER_TTL seconds so fetched status lists and DID documents neither
 * go stale nor pile up. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"
#include "cmds.h"
#include "bake.h"
#include "dates.h"
#include "http.h"
#include "jcs.h"
#include "json.h"
#include "loader.h"
#include "ob3.h"
#include "page.h"
#include "qrscan.h"
#include "registry.h"
#include "source.h"
#include "suite.h"
#include "verify.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_MAX_BODY (4u * 1024 * 1024)
#define MAX_THREADS 256
#define CONNECTION_LIMIT 1024
#define PER_IP_LIMIT 128      /* one client cannot take every slot */
#define CONNECTION_TIMEOUT 15 /* seconds idle: slowloris clients are cut off */
#ifndef LOADER_TTL
#define LOADER_TTL 60         /* seconds; -DLOADER_TTL=0: a loader per request */
#endif
#define POST_BUFFER 16384
#define MAX_EMAIL 254         /* RFC 5321's longest forward path, less the brackets */

struct server {
	char **docs;          /* --doc URL=FILE specs (borrowed from argv) */
	size_t ndocs;
	ob_http_opts http;
	const ob_registry *registries;
	time_t now;
	size_t max_body;
	int strict;           /* --strict: conformance errors make it invalid */
	int require_trusted;  /* --require-trusted-issuer */
};

enum route { R_FORM, R_VERIFY_POST, R_VERIFY_GET, R_API, R_NOT_FOUND, R_BAD_METHOD };

struct request {
	enum route route;
	const char *allow;    /* for 405 */
	ob_buf body;          /* API body */
	ob_buf credential;    /* form: pasted text */
	ob_buf file;          /* form: uploaded file */
	ob_buf recipient;     /* form: the learner's e-mail address */
	size_t received;
	int too_big, bad_form, bad_recipient;
	struct MHD_PostProcessor *pp;
};

/* ---- per-thread loaders ----
 *
 * Two per thread: "net" (the --doc map, then https) for verifying, and
 * "local" (the map only) for unwrapping what a visitor sends. Links in an
 * upload or a QR code are then never fetched behind the visitor's back;
 * they go through answer_url, which checks where they point first. */

struct tloader {
	ob_loader *net, *local;
	time_t born;
};

static pthread_key_t loader_key;

/* Runs in each worker as it exits (MHD_stop_daemon joins them). */
static void tloader_free(void *p)
{
	struct tloader *t = p;

	if (t) {
		ob_loader_free(t->net);
		ob_loader_free(t->local);
		free(t);
	}
	/* the proof suites' per-thread JSON-LD processor (suite_rdfc.c) */
	ob_suite_thread_release();
}

static ob_loader *new_loader(const struct server *s, int net, ob_error *err)
{
	ob_loader *l = ob_loader_new();
	size_t i;

	if (!l) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < s->ndocs; i++)
		if (ob_loader_add_spec(l, s->docs[i], err))
			goto fail;
	if (net && ob_loader_set_http(l, &s->http, err))
		goto fail;
	return l;
fail:
	ob_loader_free(l);
	return NULL;
}

/* This thread's loaders, renewed after LOADER_TTL; NULL on failure. */
static struct tloader *thread_loaders(const struct server *s, ob_error *err)
{
	struct tloader *t = pthread_getspecific(loader_key);
	time_t now = time(NULL);

	if (t && t->net && t->local && now - t->born < LOADER_TTL)
		return t;
	if (!t) {
		if (!(t = calloc(1, sizeof(*t)))) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			return NULL;
		}
		if (pthread_setspecific(loader_key, t)) {
			free(t);
			ob_fail(err, OB_ENOMEM, "out of memory");
			return NULL;
		}
	}
	ob_loader_free(t->net);
	ob_loader_free(t->local);
	t->born = now;
	t->net = new_loader(s, 1, err);
	t->local = t->net ? new_loader(s, 0, err) : NULL;
	return t->net && t->local ? t : NULL;
}

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

/* ---- verification ---- */

/* recipient: the e-mail address a visitor gave (checked), or NULL. */
static ob_report *verify(const struct server *s, ob_loader *l, const char *data, size_t len,
			 const char *recipient, ob_error *err)
{
	ob_verify_opts vo = { 0 };

	vo.now = s->now;
	vo.loader = l;
	vo.registries = s->registries;
	vo.recipient = recipient;
	vo.strict = s->strict;
	vo.require_trusted = s->require_trusted;
	return ob_verify_bytes(data, len, &vo, err);
}

/* An e-mail address as verify --recipient takes it, of sane length,
 * printable ASCII only and none of RFC 5322's specials (it is echoed in
 * reports; quoted local parts are not worth their trouble here). */
static int good_recipient(const char *e)
{
	size_t i, n = strlen(e);

	if (n > MAX_EMAIL || !ob3_is_email(e) || strpbrk(e, "<>()[]\\,;:\""))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)e[i] <= ' ' || (unsigned char)e[i] >= 0x7f)
			return 0;
	return 1;
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
	if (!good_recipient(e))
		*bad = 1;
	return e;
}

static enum MHD_Result answer_api(struct MHD_Connection *c, const struct server *s,
				  struct request *r)
{
	ob_error err = { 0 };
	int bad;
	const char *to = query_recipient(c, &bad);
	struct tloader *t = bad ? NULL : thread_loaders(s, &err);
	ob_report *rep = t ? verify(s, t->net, r->body.data ? r->body.data : "", r->body.len, to, &err) : NULL;
	json_t *j = rep ? ob_report_to_json(rep) : NULL;
	char *js = j ? ob_json_dumps(j, OB_JSON_PRETTY) : NULL;
	ob_buf b = OB_BUF_INIT;
	enum MHD_Result ret;

	if (bad) {
		ret = send_json_error(c, MHD_HTTP_BAD_REQUEST, BAD_RECIPIENT);
	} else if (js) {
		ob_buf_adds(&b, js);
		ob_buf_addc(&b, '\n');
		ret = send_buf(c, MHD_HTTP_OK, JSON, &b);
	} else {
		ret = send_json_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				      err.code ? err.msg : "out of memory");
	}
	free(js);
	json_decref(j);
	ob_report_free(rep);
	return ret;
}

/* Unwraps data with the local loader (no network: a link inside an upload
 * is not followed from here), verifies with the net one and answers with
 * the result page. how names the carrier when unwrapping finds none
 * worth naming, or always when force is set; to is the checked
 * recipient address or NULL. */
static enum MHD_Result answer_page(struct MHD_Connection *c, const struct server *s,
				   const char *data, size_t len, const char *how, int force,
				   const char *to)
{
	ob_error err = { 0 };
	struct tloader *t = thread_loaders(s, &err);
	ob_buf text = OB_BUF_INIT, b = OB_BUF_INIT;
	const char *found = NULL;
	ob_report *rep = NULL;
	enum MHD_Result ret;

	if (!t)
		return send_error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
	if (ob_source_unwrap(data, len, t->local, &text, &found, &err)) {
		ret = send_error_page(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "Nothing could be verified",
				      err.msg);
		goto out;
	}
	if (!(rep = verify(s, t->net, text.data ? text.data : "", text.len, to, &err))) {
		ret = send_error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
		goto out;
	}
	if (!force && strcmp(found, "file") != 0)
		how = found;
	page_report(&b, rep, how);
	ret = send_buf(c, MHD_HTTP_OK, HTML, &b);
out:
	ob_report_free(rep);
	ob_buf_release(&text);
	return ret;
}

/* Refuses links into the server's own neighbourhood (loopback, private,
 * link-local, unique-local): the page must not become a way to read
 * internal services. A name that does not resolve is left to the loader
 * (it may be mapped with --doc). */
static int private_host(const char *url, char *why, size_t whylen)
{
	const char *h = url + 8, *end;
	char host[256];
	struct addrinfo hints = { 0 }, *res = NULL, *a;
	int bad = 0;
	size_t n;

	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h))) {
		snprintf(why, whylen, "links with user names are not followed");
		return 1;
	}
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));
		n = rb ? (size_t)(rb - h - 1) : sizeof(host);
		h++;
	} else {
		n = strcspn(h, ":/?#");
	}
	if (n == 0 || n >= sizeof(host)) {
		snprintf(why, whylen, "malformed link");
		return 1;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res))
		return 0;
	for (a = res; a && !bad; a = a->ai_next) {
		if (a->ai_family == AF_INET) {
			uint32_t ip = ntohl(((struct sockaddr_in *)a->ai_addr)->sin_addr.s_addr);
			bad = (ip >> 24) == 0 || (ip >> 24) == 10 || (ip >> 24) == 127 ||
			      (ip >> 16) == 0xa9fe || (ip >> 20) == 0xac1 || (ip >> 16) == 0xc0a8 ||
			      (ip >> 22) == (100u << 2 | 1) || ip >= 0xe0000000u;
		} else if (a->ai_family == AF_INET6) {
			const struct in6_addr *ip6 = &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
			bad = IN6_IS_ADDR_LOOPBACK(ip6) || IN6_IS_ADDR_UNSPECIFIED(ip6) ||
			      IN6_IS_ADDR_LINKLOCAL(ip6) || IN6_IS_ADDR_V4MAPPED(ip6) ||
			      IN6_IS_ADDR_MULTICAST(ip6) || (ip6->s6_addr[0] & 0xfe) == 0xfc;
		}
	}
	freeaddrinfo(res);
	if (bad)
		snprintf(why, whylen, "%s is a private or local address; links there are not followed",
			 host);
	return bad;
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Text that is one http(s) URL and nothing else (as a QR code holds it). */
static char *as_link(const char *d, size_t n)
{
	size_t i;

	while (n && is_space(*d))
		d++, n--;
	while (n && is_space(d[n - 1]))
		n--;
	if (!((n > 8 && !strncmp(d, "https://", 8)) || (n > 7 && !strncmp(d, "http://", 7))))
		return NULL;
	for (i = 0; i < n; i++)
		if ((unsigned char)d[i] <= ' ' || (unsigned char)d[i] >= 0x7f)
			return NULL;
	return strndup(d, n);
}

/* A verification page's link, https://HOST/verify?url=X (this server's
 * own, or another's): the credential is at X. Returns X decoded (heap),
 * or NULL when url is not such a link. */
static char *page_target(const char *url)
{
	const char *path = strchr(url + 8, '/'), *q, *end;
	char *x;
	size_t n;

	if (!path || strncmp(path, "/verify?", 8) != 0)
		return NULL;
	end = path + strcspn(path, "#");
	for (q = path + 8; q < end; q += n + 1) {
		n = strcspn(q, "&#");
		if (n > 4 && !strncmp(q, "url=", 4)) {
			if (!(x = strndup(q + 4, n - 4)))
				return NULL;
			for (char *p = x; *p; p++)
				if (*p == '+')
					*p = ' ';
			x[MHD_http_unescape(x)] = '\0';
			return x;
		}
		if (!q[n] || q[n] == '#')
			break;
	}
	return NULL;
}

/* A link a visitor gave (?url=, pasted, or in a QR code): fetched only
 * over https and only from a public address, one page link deep. */
static enum MHD_Result answer_url(struct MHD_Connection *c, const struct server *s,
				  const char *link, const char *how, const char *to)
{
	char *inner = NULL, *again = NULL, why[320];
	const char *url = link;
	ob_buf body = OB_BUF_INIT;
	ob_error err = { 0 };
	struct tloader *t;
	enum MHD_Result ret;

	if (!strncmp(url, "https://", 8) && (inner = page_target(url)))
		url = inner;
	if (strncmp(url, "https://", 8) != 0) {
		ret = send_error_page(c, MHD_HTTP_BAD_REQUEST, "Link refused", "Only https links are followed.");
		goto out;
	}
	if (private_host(url, why, sizeof(why))) {
		ret = send_error_page(c, MHD_HTTP_FORBIDDEN, "Link refused", why);
		goto out;
	}
	if (!(t = thread_loaders(s, &err))) {
		ret = send_error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
		goto out;
	}
	if (ob_loader_fetch(t->net, url, &body, &err)) {
		ret = send_error_page(c, MHD_HTTP_BAD_GATEWAY, "Could not fetch the credential", err.msg);
		goto out;
	}
	if ((again = as_link(body.data ? body.data : "", body.len))) {
		ret = send_error_page(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "Link refused",
				      "The link leads to another link, which is not followed.");
		goto out;
	}
	ret = answer_page(c, s, body.data ? body.data : "", body.len, how, 1, to);
out:
	ob_buf_release(&body);
	free(inner);
	free(again);
	return ret;
}

static enum MHD_Result answer_link(struct MHD_Connection *c, const struct server *s)
{
	const char *url = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "url");
	int bad;
	const char *to = query_recipient(c, &bad);

	if (!url || !*url)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "No link given",
				       "Add ?url= and the address of the credential.");
	if (bad)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not an e-mail address", BAD_RECIPIENT);
	return answer_url(c, s, url, "link", to);
}

/* A PNG that carries a baked credential (it may show a QR code too: the
 * credential in the file wins, as for ob_source_unwrap). */
static int baked(const char *d, size_t n)
{
	ob_buf scratch = OB_BUF_INIT;
	ob_error e = { 0 };
	int yes = ob_bake_sniff(d, n) == OB_IMAGE_PNG && !ob_bake_extract(d, n, &scratch, &e);

	ob_buf_release(&scratch);
	return yes;
}

static enum MHD_Result answer_form(struct MHD_Connection *c, const struct server *s,
				   struct request *r)
{
	ob_buf payload = OB_BUF_INIT;
	ob_error err = { 0 };
	const char *d, *how = NULL, *to = NULL;
	char *link = NULL;
	enum MHD_Result ret;
	size_t n;

	if (r->bad_form)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Unreadable form",
				       "The form data could not be read; please try again.");
	if (r->bad_recipient)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not an e-mail address", BAD_RECIPIENT);
	/* the address, blanks around it dropped; empty: none given */
	if (r->recipient.len) {
		char *e = r->recipient.data, *end = e + r->recipient.len;

		while (e < end && is_space(*e))
			e++;
		while (end > e && is_space(end[-1]))
			end--;
		*end = '\0';
		if (*e && (memchr(e, '\0', (size_t)(end - e)) || !good_recipient(e)))
			return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not an e-mail address", BAD_RECIPIENT);
		to = *e ? e : NULL;
	}
	d = r->file.len ? r->file.data : r->credential.data;
	n = r->file.len ? r->file.len : r->credential.len;
	while (n && is_space(*d))
		d++, n--;
	if (!n)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Nothing to verify",
				       "Paste a credential or choose a file, then press Verify.");
	if (r->file.len)
		how = "uploaded file";
	/* a photo of a QR code: read it here, so that a link in it goes
	 * through answer_url's checks */
	if (ob_qrscan_sniff(d, n) && !baked(d, n)) {
		if (ob_qrscan_image(d, n, &payload, &err)) {
			ret = send_error_page(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "Nothing could be verified",
					      err.code == OB_EINVALID
					      ? "no Open Badges credential or QR code in this image" : err.msg);
			goto out;
		}
		d = payload.data ? payload.data : "";
		n = payload.len;
		how = "QR code";
	}
	if ((link = as_link(d, n)))
		ret = answer_url(c, s, link, how && !strcmp(how, "QR code") ? "QR code link" : "link", to);
	else
		ret = answer_page(c, s, d, n, how, how && !strcmp(how, "QR code"), to);
out:
	ob_buf_release(&payload);
	free(link);
	return ret;
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
	else
		return MHD_YES; /* ignore other fields */
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

static enum MHD_Result first_call(struct MHD_Connection *c, const struct server *s,
				  const char *url, const char *method, void **con_cls)
{
	struct request *r = calloc(1, sizeof(*r));
	const char *cl;
	char *end;
	unsigned long long n;

	if (!r)
		return MHD_NO;
	*con_cls = r;
	r->route = route(url, method, &r->allow);
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

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	const struct server *s = cls;
	struct request *r = *con_cls;

	(void)version;
	if (!r)
		return first_call(c, s, url, method, con_cls);
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (r->too_big || r->route == R_NOT_FOUND || r->route == R_BAD_METHOD)
			return MHD_YES; /* discarded; answered at the end */
		if (n > s->max_body - r->received) {
			r->too_big = 1;
			ob_buf_release(&r->body);
			ob_buf_release(&r->file);
			ob_buf_release(&r->credential);
			ob_buf_release(&r->recipient);
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
	if (r->too_big)
		return send_too_big(c, r, s);
	switch (r->route) {
	case R_FORM: {
		ob_buf b = OB_BUF_INIT;
		page_form(&b);
		return send_buf(c, MHD_HTTP_OK, HTML, &b);
	}
	case R_VERIFY_GET:
		return answer_link(c, s);
	case R_VERIFY_POST:
		return answer_form(c, s, r);
	case R_API:
		return answer_api(c, s, r);
	case R_BAD_METHOD:
		return send_405(c, r->allow);
	default:
		return send_error_page(c, MHD_HTTP_NOT_FOUND, "Not found", "There is no page at this address.");
	}
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
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
	free(r);
	*con_cls = NULL;
}

/* MHD's own messages; quiet until the server runs, since a failed start
 * gets our one-line error instead. */
static volatile sig_atomic_t running;

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	if (!running)
		return;
	fprintf(stderr, "%s: ", ob_cli_prog());
	vfprintf(stderr, fmt, ap);
}

/* ---- startup ---- */

/* "HOST:PORT" or "[V6]:PORT" to a socket address. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen)
{
	char host[256];
	const char *colon, *port;
	struct addrinfo hints = { 0 }, *res = NULL;
	size_t n;

	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');
		if (!rb || rb[1] != ':')
			return -1;
		n = (size_t)(rb - spec - 1);
		if (n >= sizeof(host))
			return -1;
		memcpy(host, spec + 1, n);
		port = rb + 2;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return -1;
		n = (size_t)(colon - spec);
		if (n >= sizeof(host))
			return -1;
		memcpy(host, spec, n);
		port = colon + 1;
	}
	host[n] = '\0';
	if (!*host || !*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		return -1;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) || !res)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1024 * 1024, end++;
	if (*end || v == 0 || v > (1ull << 30))
		return -1;
	*out = (size_t)v;
	return 0;
}

/* A --doc file that cannot be read fails at startup, not on the first
 * request that needs it. */
static int check_doc(const char *spec, ob_error *err)
{
	const char *eq = strchr(spec, '=');

	if (!eq || eq == spec || !eq[1])
		return ob_fail(err, OB_EUSAGE, "--doc wants URL=FILE, got '%s'", spec);
	if (access(eq + 1, R_OK))
		return ob_fail(err, OB_EUSAGE, "--doc %s: %s", eq + 1, strerror(errno));
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-body", required_argument, NULL, 'm' },
		{ "now", required_argument, NULL, 'n' },
		{ "offline", no_argument, NULL, 'o' },
		{ "cacert", required_argument, NULL, 'C' },
		{ "allow-private", no_argument, NULL, 'P' },
		{ "registry", required_argument, NULL, 'r' },
		{ "doc", required_argument, NULL, 'D' },
		{ "strict", no_argument, NULL, 'S' },
		{ "require-trusted-issuer", no_argument, NULL, 'Y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct server s = { 0 };
	ob_registry *reg = ob_registry_new();
	ob_error err = { 0 };
	const char *listen = DEFAULT_LISTEN;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	char addr[INET6_ADDRSTRLEN];
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	sigset_t sigs;
	int c, rc = 0, sig = 0, key = 0, allow_private = 0;
	unsigned flags;

	s.max_body = DEFAULT_MAX_BODY;
	s.docs = calloc((size_t)argc, sizeof(char *));
	if (!reg || !s.docs) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 't': {
			char *end;
			threads = strtol(optarg, &end, 10);
			if (*end || end == optarg || threads < 1 || threads > MAX_THREADS) {
				rc = ob_cli_usage(ob_cli_current(), "invalid --threads '%s' (1 to %d)", optarg, MAX_THREADS);
				goto out;
			}
			break;
		}
		case 'm':
			if (parse_size(optarg, &s.max_body)) {
				rc = ob_cli_usage(ob_cli_current(), "invalid --max-body '%s' (bytes, K or M; at most 1 GiB)", optarg);
				goto out;
			}
			break;
		case 'n':
			if (ob_date_parse(optarg, &s.now, NULL) < 0) {
				rc = ob_cli_usage(ob_cli_current(), "invalid --now '%s' (want e.g. 2026-01-01T00:00:00Z)", optarg);
				goto out;
			}
			break;
		case 'o': s.http.offline = 1; break;
		case 'C': s.http.cacert = optarg; break;
		case 'P': allow_private = 1; break;
		case 'S': s.strict = 1; break;
		case 'Y': s.require_trusted = 1; break;
		case 'r':
			if (ob_registry_add_file(reg, optarg, &err)) {
				rc = ob_cli_fail(&err);
				goto out;
			}
			break;
		case 'D':
			if (check_doc(optarg, &err)) {
				rc = ob_cli_usage(ob_cli_current(), "%s", err.msg);
				goto out;
			}
			s.docs[s.ndocs++] = optarg;
			break;
		case 'h': rc = ob_cli_help(); goto out;
		default: rc = ob_cli_usage(ob_cli_current(), "invalid option"); goto out;
		}
	}
	if (optind < argc) {
		rc = ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	/* the page fetches what strangers point it at (links, did:web,
	 * status lists): never into this host's own networks, checked where
	 * the connection is made, unless an intranet deployment asks */
	s.http.public_only = !allow_private;
	if (s.http.cacert && ob_http_check_cacert(s.http.cacert, &err)) {
		rc = ob_cli_usage(ob_cli_current(), "%s", err.msg);
		goto out;
	}
	if (parse_listen(listen, &ss, &sslen)) {
		rc = ob_cli_usage(ob_cli_current(), "invalid --listen '%s' (want HOST:PORT, e.g. 127.0.0.1:8080)", listen);
		goto out;
	}
	if (threads < 1)
		threads = 1;
	s.registries = ob_registry_count(reg) ? reg : NULL;
	if (pthread_key_create(&loader_key, tloader_free)) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	key = 1;
	page_csp(); /* computed once, before the threads start */

	/* SIGINT and SIGTERM are taken by sigwait below; the workers
	 * inherit the blocked mask and never see them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the port is in ss; passing it too only makes MHD's messages right */
	d = MHD_start_daemon(flags, ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							   : ((struct sockaddr_in *)&ss)->sin_port),
			     NULL, NULL, handler, &s,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			     MHD_OPTION_END);
	if (!d) {
		rc = ob_cli_errorf(3, "cannot listen on %s: %s", listen,
				   errno ? strerror(errno) : "libmicrohttpd refused to start");
		goto out;
	}
	running = 1;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof(addr));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof(addr));
	fprintf(stderr, "%s: serving on http://%s%s%s:%u/ with %ld threads (Ctrl-C stops)\n",
		ob_cli_prog(), ss.ss_family == AF_INET6 ? "[" : "", addr,
		ss.ss_family == AF_INET6 ? "]" : "", info ? (unsigned)info->port : 0, threads);
	fflush(stderr);

	while (sigwait(&sigs, &sig) == EINTR)
		;
	fprintf(stderr, "%s: %s, stopping\n", ob_cli_prog(), sig == SIGINT ? "interrupted" : "terminated");
out:
	if (d)
		MHD_stop_daemon(d); /* joins the workers; their loaders go with them */
	if (key)
		pthread_key_delete(loader_key);
	ob_registry_free(reg);
	free(s.docs);
	return rc;
}
