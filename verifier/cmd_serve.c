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
 * What a visitor sends is parsed and checked here (routes, sizes, forms,
 * the recipient address), but never verified here: unwrapping, QR
 * scanning, fetching and verifying run in a pool of worker processes,
 * one per --threads, each `ob-verifier serve ... --worker` started with
 * posix_spawn (an exec, so no fork of a threaded process) and talking
 * over a socketpair on its fd 3. A worker runs under setrlimit limits
 * (no core, WORKER_MEM of address space, WORKER_CPU seconds of CPU per
 * request) and the server gives it WORKER_WALL seconds; one that
 * crashes, runs over a limit or over time is killed, its request
 * answered 503, and a new one started. One request can then end only
 * itself, whatever bug it finds. While a worker runs, the connection is
 * suspended, so the page and other requests keep being served.
 *
 * Each worker (a process, or the handler's thread when there is no
 * pool, as in the fuzz target) keeps its own loaders: created on first
 * use, replaced after LOADER_TTL seconds so fetched status lists and DID
 * documents neither go stale nor pile up. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli/cli.h"
#include "base/text.h"
#include "cmds.h"
#include "io/bake.h"
#include "base/dates.h"
#include "io/http.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "io/loader.h"
#include "vc/ob3.h"
#include "page.h"
#include "io/qrscan.h"
#include "vc/registry.h"
#include "io/source.h"
#include "proof/suite.h"
#include "vc/verify.h"

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
#define WORKER_FD 3           /* the worker's end of its socketpair */
#define WORKER_MEM (512u << 20) /* address space, plus 8 x --max-body */
#define WORKER_CPU 10         /* seconds of CPU per request (SIGXCPU) */
#define WORKER_WALL 30        /* seconds per request, fetches included */
#define WORKER_START 10       /* seconds for a new worker to be ready */
#define REFUSED_EVERY 10      /* seconds between "refused" summaries */

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

struct pool;

struct server {
	char **docs;          /* --doc URL=FILE specs (borrowed from argv) */
	size_t ndocs;
	ob_http_opts http;
	const ob_registry *registries;
	time_t now;
	size_t max_body;
	int strict;           /* --strict: conformance errors make it invalid */
	int require_trusted;  /* --require-trusted-issuer */
	struct pool *pool;    /* NULL: verify in the handler's thread */
};

/* A verification to run: the API body, the form's text or file, or the
 * link of GET /verify?url= (NUL-terminated). to: the checked recipient
 * address or NULL. */
enum job_kind { J_API = 1, J_FORM, J_LINK };

struct job {
	enum job_kind kind;
	int file;             /* J_FORM: data is an uploaded file */
	const char *data;
	size_t len;
	const char *to;
};

/* Its answer: a page or a JSON object. */
struct answer {
	unsigned status;
	int json;
	ob_buf body;
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
	int started;          /* first_call ran */
	int refused;          /* answered there: the body is discarded */
	int nul;              /* the target has %00 */
	struct MHD_PostProcessor *pp;
	struct job job;       /* what the worker is asked */
	struct answer ans;    /* and what it answered */
	int state;            /* IDLE, QUEUED (suspended), ANSWERED */
	struct MHD_Connection *conn;
	struct request *next; /* in the pool's queue */
};

enum { IDLE, QUEUED, ANSWERED };

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

/* ---- answers ----
 *
 * Built where the verification runs (a worker process, or this thread
 * without a pool) and sent from the handler. */

static void answer_page_error(struct answer *a, unsigned status, const char *title, const char *msg)
{
	ob_buf_release(&a->body);
	a->status = status;
	a->json = 0;
	page_error(&a->body, title, msg);
}

/* A JSON answer from o (taken: freed here). */
static void answer_json(struct answer *a, unsigned status, json_t *o)
{
	char *js = o ? ob_json_dumps(o, OB_JSON_PRETTY) : NULL;

	json_decref(o);
	ob_buf_release(&a->body);
	a->status = status;
	a->json = 1;
	if (!js) {
		a->body.oom = 1;
		return;
	}
	ob_buf_adds(&a->body, js);
	ob_buf_addc(&a->body, '\n');
	free(js);
}

static void answer_json_error(struct answer *a, unsigned status, const char *msg)
{
	answer_json(a, status, json_pack("{s:s}", "error", msg));
}

/* A verification that was stopped, or never ran: 503, and for the API
 * the verdict it would have had, undecided. */
static void answer_unavailable(struct answer *a, const struct job *j, const char *why)
{
	if (j->kind != J_API) {
		answer_page_error(a, MHD_HTTP_SERVICE_UNAVAILABLE, "Not verified", why);
		return;
	}
	answer_json(a, MHD_HTTP_SERVICE_UNAVAILABLE,
		    json_pack("{s:b, s:s, s:s}", "verified", 0, "verdict", "undecided", "error", why));
}

static enum MHD_Result send_answer(struct MHD_Connection *c, struct answer *a)
{
	return send_buf(c, a->status, a->json ? JSON : HTML, &a->body);
}

static void verify_api(const struct server *s, const struct job *jb, struct answer *a)
{
	ob_error err = { 0 };
	struct tloader *t = thread_loaders(s, &err);
	ob_report *rep = t ? verify(s, t->net, jb->data ? jb->data : "", jb->len, jb->to, &err) : NULL;
	json_t *j = rep ? ob_report_to_json(rep) : NULL;
	char *js = j ? ob_json_dumps(j, OB_JSON_PRETTY) : NULL;

	if (js) {
		a->status = MHD_HTTP_OK;
		a->json = 1;
		ob_buf_adds(&a->body, js);
		ob_buf_addc(&a->body, '\n');
	} else {
		answer_json_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, err.code ? err.msg : "out of memory");
	}
	free(js);
	json_decref(j);
	ob_report_free(rep);
}

/* Unwraps data with the local loader (no network: a link inside an upload
 * is not followed from here), verifies with the net one and answers with
 * the result page. how names the carrier when unwrapping finds none
 * worth naming, or always when force is set; to is the checked
 * recipient address or NULL. */
static void verify_page(const struct server *s, const char *data, size_t len, const char *how,
			int force, const char *to, struct answer *a)
{
	ob_error err = { 0 };
	struct tloader *t = thread_loaders(s, &err);
	ob_buf text = OB_BUF_INIT;
	const char *found = NULL;
	ob_report *rep = NULL;

	if (!t) {
		answer_page_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
		return;
	}
	if (ob_source_unwrap(data, len, t->local, &text, &found, &err)) {
		answer_page_error(a, MHD_HTTP_UNPROCESSABLE_CONTENT, "Nothing could be verified", err.msg);
		goto out;
	}
	if (!(rep = verify(s, t->net, text.data ? text.data : "", text.len, to, &err))) {
		answer_page_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
		goto out;
	}
	if (!force && strcmp(found, "file") != 0)
		how = found;
	a->status = MHD_HTTP_OK;
	a->json = 0;
	page_report(&a->body, rep, how);
out:
	ob_report_free(rep);
	ob_buf_release(&text);
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

/* Text that is one http(s) URL and nothing else (as a QR code holds it). */
static char *as_link(const char *d, size_t n)
{
	size_t i;

	ob_trim(&d, &n);
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
static void verify_url(const struct server *s, const char *link, const char *how, const char *to,
		       struct answer *a)
{
	char *inner = NULL, *again = NULL, why[320];
	const char *url = link;
	ob_buf body = OB_BUF_INIT;
	ob_error err = { 0 };
	struct tloader *t;

	if (!strncmp(url, "https://", 8) && (inner = page_target(url)))
		url = inner;
	if (strncmp(url, "https://", 8) != 0) {
		answer_page_error(a, MHD_HTTP_BAD_REQUEST, "Link refused", "Only https links are followed.");
		goto out;
	}
	if (private_host(url, why, sizeof(why))) {
		answer_page_error(a, MHD_HTTP_FORBIDDEN, "Link refused", why);
		goto out;
	}
	if (!(t = thread_loaders(s, &err))) {
		answer_page_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
		goto out;
	}
	if (ob_loader_fetch(t->net, url, &body, &err)) {
		answer_page_error(a, MHD_HTTP_BAD_GATEWAY, "Could not fetch the credential", err.msg);
		goto out;
	}
	if ((again = as_link(body.data ? body.data : "", body.len))) {
		answer_page_error(a, MHD_HTTP_UNPROCESSABLE_CONTENT, "Link refused",
				  "The link leads to another link, which is not followed.");
		goto out;
	}
	verify_page(s, body.data ? body.data : "", body.len, how, 1, to, a);
out:
	ob_buf_release(&body);
	free(inner);
	free(again);
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

/* The form's text or file (d, n: blanks in front already dropped). */
static void verify_form(const struct server *s, const struct job *jb, struct answer *a)
{
	ob_buf payload = OB_BUF_INIT;
	ob_error err = { 0 };
	const char *d = jb->data, *how = jb->file ? "uploaded file" : NULL;
	char *link = NULL;
	size_t n = jb->len;

	/* a photo of a QR code: read it here, so that a link in it goes
	 * through verify_url's checks */
	if (ob_qrscan_sniff(d, n) && !baked(d, n)) {
		if (ob_qrscan_image(d, n, &payload, &err)) {
			answer_page_error(a, MHD_HTTP_UNPROCESSABLE_CONTENT, "Nothing could be verified",
					  err.code == OB_EINVALID
					  ? "no Open Badges credential or QR code in this image" : err.msg);
			goto out;
		}
		d = payload.data ? payload.data : "";
		n = payload.len;
		how = "QR code";
	}
	if ((link = as_link(d, n)))
		verify_url(s, link, how && !strcmp(how, "QR code") ? "QR code link" : "link", jb->to, a);
	else
		verify_page(s, d, n, how, how && !strcmp(how, "QR code"), jb->to, a);
out:
	ob_buf_release(&payload);
	free(link);
}

/* Runs one verification, wherever it is run. */
static void run_job(const struct server *s, const struct job *j, struct answer *a)
{
	switch (j->kind) {
	case J_API: verify_api(s, j, a); break;
	case J_FORM: verify_form(s, j, a); break;
	case J_LINK: verify_url(s, j->data, "link", j->to, a); break;
	default: answer_page_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", "unknown request");
	}
}

/* ---- the worker pool ---- */

struct worker {
	struct pool *pool;
	pthread_t thread;
	int started;          /* the thread */
	int id;
	pid_t pid;            /* 0: none running */
	int fd;               /* -1: none */
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct request *head, *tail; /* waiting for a worker */
	int stopping;
	char **argv;          /* a worker's command line */
	struct worker *w;
	size_t n;
};

static int write_all(int fd, const void *p, size_t n)
{
	const char *b = p;

	while (n) {
		ssize_t k = send(fd, b, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads n bytes by the deadline (a CLOCK_MONOTONIC second; 0: none).
 * Returns 0, or -1 on EOF or error, -2 on time out, -3 when the pool
 * stops meanwhile. */
static int read_all(int fd, void *p, size_t n, time_t deadline, const struct pool *pl)
{
	char *b = p;

	while (n) {
		ssize_t k;

		if (deadline || pl) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			struct timespec now;
			int r;

			clock_gettime(CLOCK_MONOTONIC, &now);
			if (deadline && now.tv_sec >= deadline)
				return -2;
			if (pl && __atomic_load_n(&pl->stopping, __ATOMIC_RELAXED))
				return -3;
			r = poll(&pfd, 1, 250);
			if (r < 0 && errno != EINTR)
				return -1;
			if (r <= 0)
				continue;
		}
		k = read(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static time_t deadline_in(int secs)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec + secs;
}

/* Starts w's process and waits for its "ready" byte; 0 or -1. */
static int worker_spawn(struct worker *w)
{
	extern char **environ;
	posix_spawn_file_actions_t fa;
	int sv[2], child, rc;
	char ready = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	/* dup2 onto itself would keep close-on-exec */
	child = sv[1];
	if (child == WORKER_FD) {
		child = fcntl(sv[1], F_DUPFD_CLOEXEC, WORKER_FD + 1);
		close(sv[1]);
		if (child < 0) {
			close(sv[0]);
			return -1;
		}
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, child, WORKER_FD);
	rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, w->pool->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(child);
	if (rc) {
		close(sv[0]);
		fprintf(stderr, "%s: cannot start a verification worker: %s\n", ob_cli_prog(), strerror(rc));
		return -1;
	}
	w->pid = pid;
	w->fd = sv[0];
	if (read_all(w->fd, &ready, 1, deadline_in(WORKER_START), NULL) || ready != 'R') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(w->fd);
		w->pid = 0;
		w->fd = -1;
		fprintf(stderr, "%s: a verification worker did not start\n", ob_cli_prog());
		return -1;
	}
	return 0;
}

/* Ends w's process: why says what went wrong (logged, with whether a
 * request failed with it), or NULL for a clean stop, which gives it a
 * moment to exit by itself. */
static void worker_end(struct worker *w, const char *why, int failed)
{
	int st = 0, i;

	if (!w->pid)
		return;
	close(w->fd); /* EOF: an idle worker exits */
	w->fd = -1;
	for (i = 0; !why && i < 200 && waitpid(w->pid, &st, WNOHANG) == 0; i++)
		usleep(10000);
	if (why || i == 200) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, &st, 0);
	}
	if (why) {
		char how[96];

		/* its own end tells more than our SIGKILL */
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
			snprintf(how, sizeof(how), "died of signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
		else if (WIFEXITED(st))
			snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(st));
		else
			snprintf(how, sizeof(how), "%s", why);
		fprintf(stderr, "%s: verification worker %d (pid %ld) %s%s; starting another\n",
			ob_cli_prog(), w->id, (long)w->pid, how,
			failed ? "; its request was answered 503" : " between requests");
	}
	w->pid = 0;
}

/* One request through w's process: the answer, or 503 when the process
 * fails it (and is replaced). */
static void worker_run(struct worker *w, struct request *r)
{
	const struct job *j = &r->job;
	uint32_t hdr[2] = { (uint32_t)j->kind, (uint32_t)j->file };
	uint64_t lens[2] = { j->len, j->to ? strlen(j->to) : 0 };
	uint32_t rhdr[2];
	uint64_t rlen;
	const char *why = NULL;
	time_t deadline = deadline_in(WORKER_WALL);
	char *body = NULL;
	int rc = 0;

	/* an idle worker says nothing: readable means it is gone */
	if (w->pid) {
		struct pollfd pfd = { .fd = w->fd, .events = POLLIN };

		if (poll(&pfd, 1, 0) != 0)
			worker_end(w, "died", 0);
	}
	if (!w->pid && worker_spawn(w)) {
		answer_unavailable(&r->ans, j, "no verification worker could be started; please try again");
		return;
	}
	if (write_all(w->fd, hdr, sizeof(hdr)) || write_all(w->fd, lens, sizeof(lens)) ||
	    (lens[0] && write_all(w->fd, j->data, lens[0])) || (lens[1] && write_all(w->fd, j->to, lens[1]))) {
		why = "stopped reading";
		goto fail;
	}
	rc = read_all(w->fd, rhdr, sizeof(rhdr), deadline, w->pool);
	if (!rc)
		rc = read_all(w->fd, &rlen, sizeof(rlen), deadline, w->pool);
	if (!rc && (rlen > (1ull << 31) || rhdr[0] < 200 || rhdr[0] > 599)) {
		why = "sent a malformed answer";
		goto fail;
	}
	if (!rc && !(body = malloc(rlen ? rlen : 1))) {
		why = "out of memory";
		goto fail;
	}
	if (!rc)
		rc = read_all(w->fd, body, rlen, deadline, w->pool);
	if (rc) {
		why = rc == -2 ? "ran past its time limit and was killed"
		    : rc == -3 ? "was stopped with the server" : "died";
		goto fail;
	}
	r->ans.status = rhdr[0];
	r->ans.json = rhdr[1] != 0;
	ob_buf_release(&r->ans.body);
	ob_buf_add(&r->ans.body, body, rlen);
	free(body);
	return;
fail:
	free(body);
	worker_end(w, why, 1);
	answer_unavailable(&r->ans, j, rc == -3 ? "the server is stopping"
			   : "the verification crashed or ran over its limits and was stopped");
	if (!__atomic_load_n(&w->pool->stopping, __ATOMIC_RELAXED))
		worker_spawn(w); /* ready for the next one; else retried then */
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	for (;;) {
		struct request *r;
		int stopping;

		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		if ((r = p->head) && !(p->head = r->next))
			p->tail = NULL;
		stopping = p->stopping;
		pthread_mutex_unlock(&p->lock);
		if (!r)
			break;
		if (stopping)
			answer_unavailable(&r->ans, &r->job, "the server is stopping");
		else
			worker_run(w, r);
		r->state = ANSWERED;
		MHD_resume_connection(r->conn);
	}
	worker_end(w, NULL, 0);
	return NULL;
}

/* Stops the threads (answering what waits with 503) and the processes. */
static void pool_free(struct pool *p)
{
	size_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->stopping, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n; i++) {
		if (p->w[i].started)
			pthread_join(p->w[i].thread, NULL);
		else
			worker_end(&p->w[i], NULL, 0);
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->w);
	free(p->argv);
	free(p);
}

/* n workers, each running argv (borrowed strings; the array is owned). */
static struct pool *pool_new(size_t n, char **argv_take, ob_error *err)
{
	struct pool *p = calloc(1, sizeof(*p));
	size_t i;

	if (!p || !(p->w = calloc(n, sizeof(*p->w)))) {
		free(p);
		free(argv_take);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	p->argv = argv_take;
	p->n = n;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (i = 0; i < n; i++) {
		p->w[i].pool = p;
		p->w[i].id = (int)i + 1;
		p->w[i].fd = -1;
	}
	for (i = 0; i < n; i++)
		if (worker_spawn(&p->w[i]))
			goto fail;
	for (i = 0; i < n; i++) {
		if (pthread_create(&p->w[i].thread, NULL, worker_thread, &p->w[i]))
			goto fail;
		p->w[i].started = 1;
	}
	return p;
fail:
	pool_free(p);
	ob_fail(err, OB_EIO, "cannot start the verification workers");
	return NULL;
}

/* Runs r's job: in a worker, with the connection suspended meanwhile,
 * or here when there is no pool. */
static enum MHD_Result dispatch(struct MHD_Connection *c, const struct server *s, struct request *r)
{
	struct pool *p = s->pool;

	if (!p) {
		run_job(s, &r->job, &r->ans);
		return send_answer(c, &r->ans);
	}
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		pthread_mutex_unlock(&p->lock);
		answer_unavailable(&r->ans, &r->job, "the server is stopping");
		return send_answer(c, &r->ans);
	}
	/* suspended before a worker can resume it */
	MHD_suspend_connection(c);
	r->conn = c;
	r->state = QUEUED;
	if (p->tail)
		p->tail->next = r;
	else
		p->head = r;
	p->tail = r;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return MHD_YES;
}

/* ---- the worker process ---- */

static void limit(int what, rlim_t soft)
{
	struct rlimit rl;

	if (getrlimit(what, &rl))
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && soft > rl.rlim_max ? rl.rlim_max : soft;
	setrlimit(what, &rl);
}

/* The CPU this process has used, plus WORKER_CPU: past it, SIGXCPU. */
static void cpu_budget(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return;
	limit(RLIMIT_CPU, (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + WORKER_CPU + 1));
}

/* `serve --worker`: answers the requests that come on WORKER_FD, one at
 * a time, until EOF. */
static int worker_main(const struct server *s)
{
	int fd = WORKER_FD, rc = 0;
	struct tloader *t;

	limit(RLIMIT_CORE, 0);
#ifndef UNDER_ASAN /* ASan reserves terabytes of address space */
	limit(RLIMIT_AS, (rlim_t)WORKER_MEM + 8 * (rlim_t)s->max_body);
#endif
#ifdef PR_SET_PDEATHSIG
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (pthread_key_create(&loader_key, tloader_free))
		return ob_cli_errorf(3, "out of memory");
	if (write_all(fd, "R", 1))
		rc = 3;
	while (!rc) {
		uint32_t hdr[2], rhdr[2];
		uint64_t lens[2], rlen;
		struct job j = { 0 };
		struct answer a = { 0 };
		char *data = NULL, *to = NULL;

		if (read_all(fd, hdr, sizeof(hdr), 0, NULL))
			break; /* EOF: the server is done with us */
		if (read_all(fd, lens, sizeof(lens), 0, NULL) || lens[0] > s->max_body + (1u << 20) ||
		    lens[1] > MAX_EMAIL || !(data = malloc(lens[0] + 1)) || !(to = malloc(lens[1] + 1)) ||
		    read_all(fd, data, lens[0], 0, NULL) || read_all(fd, to, lens[1], 0, NULL)) {
			free(data);
			free(to);
			rc = 3;
			break;
		}
		data[lens[0]] = to[lens[1]] = '\0';
		j.kind = (enum job_kind)hdr[0];
		j.file = hdr[1] != 0;
		j.data = data;
		j.len = lens[0];
		j.to = lens[1] ? to : NULL;
		cpu_budget();
		run_job(s, &j, &a);
		if (a.body.oom)
			answer_page_error(&a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", "out of memory");
		rhdr[0] = a.status;
		rhdr[1] = (uint32_t)a.json;
		rlen = a.body.len;
		if (write_all(fd, rhdr, sizeof(rhdr)) || write_all(fd, &rlen, sizeof(rlen)) ||
		    (rlen && write_all(fd, a.body.data, rlen)))
			rc = 3;
		ob_buf_release(&a.body);
		free(data);
		free(to);
	}
	t = pthread_getspecific(loader_key);
	pthread_setspecific(loader_key, NULL);
	tloader_free(t);
	pthread_key_delete(loader_key);
	return rc;
}

/* ---- requests, checked here and verified by a worker ---- */

static enum MHD_Result ask_api(struct MHD_Connection *c, const struct server *s, struct request *r)
{
	int bad;
	const char *to = query_recipient(c, &bad);

	if (bad)
		return send_json_error(c, MHD_HTTP_BAD_REQUEST, BAD_RECIPIENT);
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

	if (r->bad_form)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Unreadable form",
				       "The form data could not be read; please try again.");
	if (r->bad_recipient)
		return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not an e-mail address", BAD_RECIPIENT);
	/* the address, blanks around it dropped; empty: none given */
	if (r->recipient.len) {
		char *e = r->recipient.data, *end = e + r->recipient.len;

		while (e < end && ob_is_space(*e))
			e++;
		while (end > e && ob_is_space(end[-1]))
			end--;
		*end = '\0';
		if (*e && (memchr(e, '\0', (size_t)(end - e)) || !good_recipient(e)))
			return send_error_page(c, MHD_HTTP_BAD_REQUEST, "Not an e-mail address", BAD_RECIPIENT);
		to = *e ? e : NULL;
	}
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

/* MHD_OPTION_URI_LOG_CALLBACK: sees the target as sent, before
 * libmicrohttpd unescapes it (and a %00 cuts it short). The request
 * object made here is the handler's. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
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

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	const struct server *s = cls;
	struct request *r = *con_cls;

	(void)version;
	if (!r || !r->started)
		return first_call(c, s, url, method, con_cls);
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
		page_form(&b);
		return send_buf(c, MHD_HTTP_OK, HTML, &b);
	}
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
	ob_buf_release(&r->ans.body);
	free(r);
	*con_cls = NULL;
}

/* MHD's own messages; quiet until the server runs, since a failed start
 * gets our one-line error instead. */
static volatile sig_atomic_t running;

/* Connections refused at the connection limits are counted and told
 * in one line per REFUSED_EVERY seconds, not one each (a flood would
 * otherwise be a flood of lines). */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long refused;
static time_t refused_told;

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	time_t now;

	(void)cls;
	if (!running)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!strstr(msg, "connection limit")) {
		fprintf(stderr, "%s: %s", ob_cli_prog(), msg);
		return;
	}
	now = time(NULL);
	pthread_mutex_lock(&log_lock);
	refused++;
	if (now - refused_told >= REFUSED_EVERY) {
		char since[48] = "";

		if (refused_told)
			snprintf(since, sizeof(since), " in the last %ld s", (long)(now - refused_told));
		fprintf(stderr, "%s: %lu connection%s refused at the connection limits (%u in all, %u per "
			"address)%s; the next count in %d s\n", ob_cli_prog(), refused, refused == 1 ? "" : "s",
			(unsigned)CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT, since, REFUSED_EVERY);
		refused = 0;
		refused_told = now;
	}
	pthread_mutex_unlock(&log_lock);
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
		{ "worker", no_argument, NULL, 'W' }, /* internal: see worker_main */
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
	int c, rc = 0, sig = 0, allow_private = 0, worker = 0;
	unsigned flags;
	char **wargv = calloc((size_t)argc + 3, sizeof(char *));

	s.max_body = DEFAULT_MAX_BODY;
	s.docs = calloc((size_t)argc, sizeof(char *));
	if (!reg || !s.docs || !wargv) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	/* a worker's command line: ours (before getopt_long permutes it) */
	wargv[0] = (char *)ob_cli_prog();
	memcpy(wargv + 1, argv, (size_t)argc * sizeof(char *));
	wargv[argc + 1] = "--worker";
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
		case 'W': worker = 1; break;
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
	if (worker) {
		struct stat st;

		if (fstat(WORKER_FD, &st) || !S_ISSOCK(st.st_mode)) {
			rc = ob_cli_usage(ob_cli_current(), "--worker is for serve's own use");
			goto out;
		}
		rc = worker_main(&s);
		goto out;
	}
	page_csp(); /* computed once, before the threads start */

	/* SIGINT and SIGTERM are taken by sigwait below; the workers
	 * inherit the blocked mask and never see them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* the workers inherit the mask too: Ctrl-C in a terminal stops the
	 * server, which then stops them */
	if (!(s.pool = pool_new((size_t)threads, wargv, &err))) {
		wargv = NULL;
		rc = ob_cli_fail(&err);
		goto out;
	}
	wargv = NULL;

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
		MHD_ALLOW_SUSPEND_RESUME;
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
			     MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
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
	/* the pool first: it answers and resumes every suspended connection */
	pool_free(s.pool);
	if (d)
		MHD_stop_daemon(d);
	ob_registry_free(reg);
	free(s.docs);
	free(wargv);
	return rc;
}
