/* serve_answer: a verification job (the API body, the form's text or
 * file, a link) turned into its answer, a page or a JSON object: in a
 * worker process, or in the handler's thread when there is no pool. */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/json.h"
#include "base/text.h"
#include "canon/jcs.h"
#include "io/bake.h"
#include "io/loader.h"
#include "io/qrscan.h"
#include "io/source.h"
#include "page.h"
#include "proof/suite.h"
#include "serve.h"
#include "vc/ob3.h"
#include "vc/verify.h"

#ifndef LOADER_TTL
#define LOADER_TTL 60         /* seconds; -DLOADER_TTL=0: a loader per request */
#endif

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

pthread_key_t loader_key;

/* Runs in each worker as it exits (MHD_stop_daemon joins them). */
void tloader_free(void *p)
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

	if (t && t->net && t->local && now - t->born < LOADER_TTL) {
		/* with a fetch cache, what was fetched for an earlier request is
		 * reused only as HTTP caching allows (a no-cache status list is
		 * revalidated, so a revocation shows at once) */
		if (s->http.cache_dir)
			ob_loader_forget_remote(t->net);
		return t;
	}
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

/* ---- verification ---- */

/* j: the recipient address, challenge and domain a visitor gave
 * (checked), or NULL; with ignore, no challenge and domain. */
static ob_report *verify(const struct server *s, ob_loader *l, const char *data, size_t len,
			 const struct job *j, int ignore, ob_error *err)
{
	ob_verify_opts vo = { 0 };

	vo.now = s->now;
	vo.loader = l;
	vo.registries = s->registries;
	vo.recipient = j->to;
	vo.challenge = ignore ? NULL : j->challenge;
	vo.domain = ignore ? NULL : j->domain;
	vo.strict = s->strict;
	vo.require_trusted = s->require_trusted;
	return ob_verify_bytes(data, len, &vo, err);
}

int serve_good_challenge(const char *c)
{
	size_t i, n = strlen(c);

	if (n == 0 || n > MAX_CHALLENGE)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)c[i] <= ' ' || (unsigned char)c[i] >= 0x7f)
			return 0;
	return 1;
}

/* An e-mail address as verify --recipient takes it, of sane length,
 * printable ASCII only and none of RFC 5322's specials (it is echoed in
 * reports; quoted local parts are not worth their trouble here). */
int serve_good_recipient(const char *e)
{
	size_t i, n = strlen(e);

	if (n > MAX_EMAIL || !ob3_is_email(e) || strpbrk(e, "<>()[]\\,;:\""))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)e[i] <= ' ' || (unsigned char)e[i] >= 0x7f)
			return 0;
	return 1;
}

/* ---- answers ----
 *
 * Built where the verification runs (a worker process, or this thread
 * without a pool) and sent from the handler. */

void serve_answer_error(struct answer *a, unsigned status, const char *title, const char *msg)
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
void serve_answer_unavailable(struct answer *a, const struct job *j, const char *why)
{
	if (j->kind != J_API) {
		serve_answer_error(a, MHD_HTTP_SERVICE_UNAVAILABLE, "Not verified", why);
		return;
	}
	answer_json(a, MHD_HTTP_SERVICE_UNAVAILABLE,
		    json_pack("{s:b, s:s, s:s}", "verified", 0, "verdict", "undecided", "error", why));
}

static void verify_api(const struct server *s, const struct job *jb, struct answer *a)
{
	ob_error err = { 0 };
	struct tloader *t = thread_loaders(s, &err);
	ob_report *rep = t ? verify(s, t->net, jb->data ? jb->data : "", jb->len, jb, 0, &err) : NULL;
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

/* ---- what is clearly not a credential ---- */

static int starts_nocase(const char *d, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && !strncasecmp(d, w, k);
}

/* What an image is, by its first bytes, or NULL. */
static const char *image_kind(const char *d, size_t n)
{
	const unsigned char *u = (const unsigned char *)d;

	switch (ob_bake_sniff(d, n)) {
	case OB_IMAGE_PNG: return "a PNG image";
	case OB_IMAGE_SVG: return "an SVG image";
	default: break;
	}
	if (n >= 3 && u[0] == 0xff && u[1] == 0xd8 && u[2] == 0xff)
		return "a JPEG image";
	if (n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
		return "a GIF image";
	if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return "a WebP image";
	return NULL;
}

/* Whether JSON text is something else than a credential: no @context,
 * and no type, proof or OB 2.0 "badge" of one. */
static int other_json(const char *d, size_t n)
{
	ob_error e = { 0 };
	json_t *j = ob_json_parse(d, n, &e);
	int other = j && (!json_is_object(j) ||
			  (!json_object_get(j, "@context") && !json_object_get(j, "type") &&
			   !json_object_get(j, "proof") && !json_object_get(j, "badge") &&
			   !json_object_get(j, "verifiableCredential")));

	json_decref(j);
	return other;
}

/* When what was sent (d, n: the bytes verified) is clearly no credential
 * at all: what it is, in words for "It is ...", written to buf. NULL
 * when it may be one, however broken (its report then says why). */
static const char *not_credential(const char *d, size_t n, const ob_report *r, char *buf, size_t len)
{
	const ob_check *st = NULL;
	const char *img;
	size_t i;

	if (r) {
		if (r->verdict != OB_INVALID || !strcmp(r->kind, "ob2"))
			return NULL;
		for (i = 0; i < r->nchecks; i++)
			if (!strcmp(r->checks[i].id, "structure"))
				st = &r->checks[i];
		if (!st || st->outcome != OB_FAILED)
			return NULL;
	}
	ob_trim(&d, &n);
	if (n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3))
		d += 3, n -= 3;
	if ((img = image_kind(d, n))) {
		snprintf(buf, len, "%s with no badge baked into it%s", img,
			 !strcmp(img, "a PNG image") || !strcmp(img, "a JPEG image") ? " and no QR code" : "");
		return buf;
	}
	if (n >= 5 && !memcmp(d, "%PDF-", 5))
		return "a PDF document";
	if (starts_nocase(d, n, "<!doctype html") || starts_nocase(d, n, "<html") ||
	    starts_nocase(d, n, "<head") || starts_nocase(d, n, "<body"))
		return "a web page (HTML)";
	if (n && (*d == '{' || *d == '['))
		return other_json(d, n) ? "JSON data, but not a credential: it has no @context, type or proof of one" : NULL;
	if (!r)
		return NULL;
	/* neither JSON nor a VC-JWT: the verifier said so */
	if (st->message && !strncmp(st->message, "not a credential", 16))
		return memchr(d, '\0', n) ? "a file of a kind this page does not know (not text)"
					  : "text that is neither JSON nor a VC-JWT";
	return NULL;
}

/* Unwraps data with the local loader (no network: a link inside an upload
 * is not followed from here), verifies with the net one and answers with
 * the result page. how names the carrier when unwrapping finds none
 * worth naming, or always when force is set; j gives the checked
 * recipient address, challenge and domain. A challenge or domain given
 * for a document that turns out to be no presentation is left out (a
 * credential carries neither), and the page says so. */
static void verify_page(const struct server *s, const char *data, size_t len, const char *how,
			int force, const struct job *j, struct answer *a)
{
	ob_error err = { 0 };
	struct tloader *t = thread_loaders(s, &err);
	ob_buf text = OB_BUF_INIT;
	const char *found = NULL, *what;
	struct page_ask ask = { 0 };
	ob_report *rep = NULL;
	char words[160];

	if (!t) {
		serve_answer_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
		return;
	}
	if (ob_source_unwrap(data, len, t->local, &text, &found, &err)) {
		/* an image with nothing baked in, not even a broken attempt */
		if ((err.code == OB_EINVALID || err.code == OB_EPARSE) && !memmem(data, len, "openbadges", 10) &&
		    (what = not_credential(data, len, NULL, words, sizeof(words)))) {
			a->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
			a->json = 0;
			page_not_credential(&a->body, what, how);
		} else {
			serve_answer_error(a, MHD_HTTP_UNPROCESSABLE_CONTENT, "Nothing could be verified", err.msg);
		}
		goto out;
	}
	if (!(rep = verify(s, t->net, text.data ? text.data : "", text.len, j, 0, &err))) {
		serve_answer_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
		goto out;
	}
	if (!force && strcmp(found, "file") != 0)
		how = found;
	if ((what = not_credential(text.data ? text.data : "", text.len, rep, words, sizeof(words)))) {
		a->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		a->json = 0;
		page_not_credential(&a->body, what, how);
		goto out;
	}
	if ((j->challenge || j->domain) && strcmp(rep->kind, "presentation") != 0) {
		ob_report_free(rep);
		if (!(rep = verify(s, t->net, text.data ? text.data : "", text.len, j, 1, &err))) {
			serve_answer_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
			goto out;
		}
		ask.ignored = 1;
	}
	ask.how = how;
	ask.challenge = j->challenge;
	ask.domain = j->domain;
	ask.recipient = j->to;
	a->status = MHD_HTTP_OK;
	a->json = 0;
	page_report(&a->body, rep, &ask);
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
static void verify_url(const struct server *s, const char *link, const char *how, const struct job *j,
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
		serve_answer_error(a, MHD_HTTP_BAD_REQUEST, "Link refused", "Only https links are followed.");
		goto out;
	}
	if (private_host(url, why, sizeof(why))) {
		serve_answer_error(a, MHD_HTTP_FORBIDDEN, "Link refused", why);
		goto out;
	}
	if (!(t = thread_loaders(s, &err))) {
		serve_answer_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", err.msg);
		goto out;
	}
	if (ob_loader_fetch(t->net, url, &body, &err)) {
		serve_answer_error(a, MHD_HTTP_BAD_GATEWAY, "Could not fetch the credential", err.msg);
		goto out;
	}
	if ((again = as_link(body.data ? body.data : "", body.len))) {
		serve_answer_error(a, MHD_HTTP_UNPROCESSABLE_CONTENT, "Link refused",
				  "The link leads to another link, which is not followed.");
		goto out;
	}
	verify_page(s, body.data ? body.data : "", body.len, how, 1, j, a);
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
			char words[160];
			const char *what = err.code == OB_EINVALID ? not_credential(d, n, NULL, words, sizeof(words)) : NULL;

			if (what) {
				a->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
				a->json = 0;
				page_not_credential(&a->body, what, how);
			} else {
				serve_answer_error(a, MHD_HTTP_UNPROCESSABLE_CONTENT, "Nothing could be verified",
						  err.code == OB_EINVALID
						  ? "no Open Badges credential or QR code in this image" : err.msg);
			}
			goto out;
		}
		d = payload.data ? payload.data : "";
		n = payload.len;
		how = "QR code";
	}
	if ((link = as_link(d, n)))
		verify_url(s, link, how && !strcmp(how, "QR code") ? "QR code link" : "link", jb, a);
	else
		verify_page(s, d, n, how, how && !strcmp(how, "QR code"), jb, a);
out:
	ob_buf_release(&payload);
	free(link);
}

/* Runs one verification, wherever it is run. */
void serve_run_job(const struct server *s, const struct job *j, struct answer *a)
{
	switch (j->kind) {
	case J_API: verify_api(s, j, a); break;
	case J_FORM: verify_form(s, j, a); break;
	case J_LINK: verify_url(s, j->data, "link", j, a); break;
	default: serve_answer_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", "unknown request");
	}
}

