#include "io/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canon/contexts.h"
#include "io/http.h"
#include "base/json.h"

struct entry {
	char *url;
	char *path; /* NULL for a shipped document */
	json_t *doc; /* parsed on first use */
	int remote;  /* fetched over the network: never a JSON-LD context */
	struct entry *next;
};

/* The io layer's loader: an ob_loader (base/doc.h) with a URL -> file map,
 * the shipped contexts and, with a policy, https. */
struct map_loader {
	ob_loader base;
	struct entry *head;
	int net;          /* ob_loader_set_http was called */
	ob_http_opts http;
	char *cacert, *cache_dir; /* owned copies behind http */
};

static const struct ob_loader_ops map_ops;

ob_loader *ob_loader_new(void)
{
	struct map_loader *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->base.ops = &map_ops;
	return &l->base;
}

/* The map loader behind l, or NULL (and err) for any other kind. */
static struct map_loader *as_map(ob_loader *l, ob_error *err)
{
	if (l && l->ops == &map_ops)
		return (struct map_loader *)l;
	ob_fail(err, OB_EUSAGE, "not a document map");
	return NULL;
}

static void map_free(ob_loader *base)
{
	struct map_loader *l = (struct map_loader *)base;
	struct entry *e, *n;

	for (e = l->head; e; e = n) {
		n = e->next;
		free(e->url);
		free(e->path);
		json_decref(e->doc);
		free(e);
	}
	free(l->cacert);
	free(l->cache_dir);
	free(l);
}

void ob_loader_forget_remote(ob_loader *base)
{
	struct map_loader *l = (struct map_loader *)base;
	struct entry **p, *e;

	if (!l || base->ops != &map_ops)
		return;
	for (p = &l->head; (e = *p);) {
		if (!e->remote) {
			p = &e->next;
			continue;
		}
		*p = e->next;
		free(e->url);
		free(e->path);
		json_decref(e->doc);
		free(e);
	}
}

ob_code ob_loader_set_http(ob_loader *base, const ob_http_opts *opts, ob_error *err)
{
	struct map_loader *l = as_map(base, err);
	char *ca = NULL, *dir = NULL;

	if (!l)
		return err->code;

	if ((opts->cacert && !(ca = strdup(opts->cacert))) ||
	    (opts->cache_dir && !(dir = strdup(opts->cache_dir)))) {
		free(ca);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	free(l->cacert);
	free(l->cache_dir);
	l->http = *opts;
	l->http.cacert = l->cacert = ca;
	l->http.cache_dir = l->cache_dir = dir;
	l->net = 1;
	return OB_OK;
}

/* URLs are compared without their fragment. */
static size_t url_len(const char *url)
{
	const char *h = strchr(url, '#');
	return h ? (size_t)(h - url) : strlen(url);
}

/* remote_ok: also documents fetched over the network (which must never
 * come back as a JSON-LD context). */
static struct entry *find(struct map_loader *l, const char *url, int remote_ok)
{
	size_t n = url_len(url);
	struct entry *e;

	for (e = l ? l->head : NULL; e; e = e->next)
		if ((remote_ok || !e->remote) && strlen(e->url) == n && memcmp(e->url, url, n) == 0)
			return e;
	return NULL;
}

ob_code ob_loader_add(ob_loader *base, const char *url, const char *path, ob_error *err)
{
	struct map_loader *l = as_map(base, err);
	struct entry *e;

	if (!l)
		return err->code;

	if (!*url || !*path)
		return ob_fail(err, OB_EUSAGE, "document mapping needs a URL and a file");
	e = calloc(1, sizeof(*e));
	if (!e)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	e->url = strndup(url, url_len(url));
	e->path = strdup(path);
	if (!e->url || !e->path) {
		free(e->url);
		free(e->path);
		free(e);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	/* later mappings win: put them first */
	e->next = l->head;
	l->head = e;
	return OB_OK;
}

/* A --doc file must be there now: a typo is a usage error at once, not
 * a document "not available" halfway through a verification. Opened
 * without blocking, so a FIFO is refused rather than waited on. */
static ob_code check_doc_file(const char *path, ob_error *err)
{
	struct stat st;
	int fd;
	ob_code rc = OB_OK;

	/* ob_file_read would take "-" as stdin: not a document to map */
	if (!strcmp(path, "-"))
		return ob_fail(err, OB_EUSAGE, "--doc: cannot read '-': give a file, not stdin (./- names a file called -)");
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return ob_fail(err, OB_EUSAGE, "--doc: cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		rc = ob_fail(err, OB_EUSAGE, "--doc: cannot read '%s': %s", path, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		rc = ob_fail(err, OB_EUSAGE, "--doc: cannot read '%s': is a directory", path);
	else if (!S_ISREG(st.st_mode))
		rc = ob_fail(err, OB_EUSAGE, "--doc: cannot read '%s': not a regular file", path);
	close(fd);
	return rc;
}

ob_code ob_loader_add_spec(ob_loader *base, const char *spec, ob_error *err)
{
	struct map_loader *l = as_map(base, err);
	const char *eq = strchr(spec, '=');
	char *url;
	ob_code rc;

	if (!l)
		return err->code;

	if (!eq || eq == spec || !eq[1])
		return ob_fail(err, OB_EUSAGE, "--doc wants URL=FILE, got '%s'", spec);
	if ((rc = check_doc_file(eq + 1, err)))
		return rc;
	url = strndup(spec, (size_t)(eq - spec));
	if (!url)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = ob_loader_add(base, url, eq + 1, err);
	free(url);
	return rc;
}

/* Appends an entry after the others (the --doc map keeps priority). */
static void append(struct map_loader *l, struct entry *e)
{
	struct entry **tail;

	for (tail = &l->head; *tail; tail = &(*tail)->next)
		;
	*tail = e;
}

/* Parses a shipped document into an entry appended after the --doc map,
 * so it is parsed once per loader and later --doc mappings still win. */
static struct entry *add_shipped(struct map_loader *l, const struct ob_context_doc *d,
				 ob_error *err)
{
	struct entry *e;

	e = calloc(1, sizeof(*e));
	if (!e || !(e->url = strdup(d->url))) {
		free(e);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	e->doc = ob_context_parse(d, err);
	if (!e->doc) {
		free(e->url);
		free(e);
		return NULL;
	}
	append(l, e);
	return e;
}

static const json_t *get(struct map_loader *l, const char *url, int remote_ok, ob_error *err)
{
	struct entry *e = find(l, url, remote_ok);
	const struct ob_context_doc *d;
	ob_error perr = { 0 };

	if (!e && l && (d = ob_context_shipped(url)) != NULL) {
		e = add_shipped(l, d, err);
		if (!e)
			return NULL;
	}
	if (!e) {
		ob_loader_unavailable(url, err);
		return NULL;
	}
	if (!e->doc) {
		e->doc = ob_json_load_file(e->path, &perr);
		if (!e->doc) {
			ob_fail(err, perr.code == OB_EPARSE ? OB_EPARSE : OB_EIO,
				"document for %s: %s", e->url, perr.msg);
			return NULL;
		}
	}
	return e->doc;
}

/* ob_loader_get has refused a URL with a fragment already */
static const json_t *map_get(ob_loader *l, const char *url, ob_error *err)
{
	return get((struct map_loader *)l, url, 0, err);
}

/* The URL without its fragment, as a heap string. */
static char *bare_url(const char *url)
{
	return strndup(url, url_len(url));
}

static const json_t *map_get_remote(ob_loader *base, const char *url, ob_error *err)
{
	struct map_loader *l = (struct map_loader *)base;
	ob_buf body = OB_BUF_INIT;
	ob_error e = { 0 };
	struct entry *n = NULL;
	char *type = NULL, *u = NULL;
	json_t *doc = NULL;

	if (!l || !l->net || find(l, url, 1) || ob_context_shipped(url))
		return get(l, url, 1, err);
	if (!(u = bare_url(url))) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	/* every failure here is the network's or the server's, not the
	 * credential's: OB_ENET, so the verdict stays open */
	if (ob_http_get(u, &l->http, &body, &type, &e)) {
		ob_fail(err, e.code == OB_ENOMEM ? OB_ENOMEM : OB_ENET, "%s", e.msg);
		goto out;
	}
	if (!ob_http_json_type(type)) {
		ob_fail(err, OB_ENET, "fetching %s: served as %.60s, not as JSON", u, type);
		goto out;
	}
	if (!(doc = ob_json_parse(body.data ? body.data : "", body.len, &e))) {
		ob_fail(err, e.code == OB_ENOMEM ? OB_ENOMEM : OB_ENET, "fetching %s: %s", u, e.msg);
		goto out;
	}
	if (!(n = calloc(1, sizeof(*n)))) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	n->url = u;
	n->doc = doc;
	n->remote = 1;
	u = NULL;
	doc = NULL;
	append(l, n);
out:
	ob_buf_release(&body);
	json_decref(doc);
	free(type);
	free(u);
	return n ? n->doc : NULL;
}

static ob_code map_fetch(ob_loader *base, const char *url, ob_buf *out, ob_error *err)
{
	struct map_loader *l = (struct map_loader *)base;
	struct entry *e = find(l, url, 0);
	const struct ob_context_doc *d;
	char *text;
	size_t n;

	if (e && e->path) {
		if (ob_file_read(e->path, 16u * 1024 * 1024, &text, &n, err))
			return err->code;
		if (ob_buf_add(out, text, n) < 0) {
			free(text);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
		free(text);
		return OB_OK;
	}
	if ((d = ob_context_shipped(url)) != NULL) {
		if (ob_buf_add(out, d->text, d->len) < 0)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		return OB_OK;
	}
	if (l && l->net) {
		char *u = bare_url(url);
		ob_code rc;

		if (!u)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		rc = ob_http_get(u, &l->http, out, NULL, err);
		free(u);
		return rc;
	}
	return ob_loader_unavailable(url, err);
}

static const struct ob_loader_ops map_ops = {
	.get = map_get,
	.get_remote = map_get_remote,
	.fetch = map_fetch,
	.free = map_free,
};
