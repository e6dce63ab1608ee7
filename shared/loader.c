#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "json.h"

struct entry {
	char *url;
	char *path; /* NULL for a shipped document */
	json_t *doc; /* parsed on first use */
	int remote;  /* fetched over the network: never a JSON-LD context */
	struct entry *next;
};

struct ob_loader {
	struct entry *head;
	int net;          /* ob_loader_set_http was called */
	ob_http_opts http;
	char *cacert, *cache_dir; /* owned copies behind http */
};

ob_loader *ob_loader_new(void)
{
	return calloc(1, sizeof(ob_loader));
}

void ob_loader_free(ob_loader *l)
{
	struct entry *e, *n;

	if (!l)
		return;
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

ob_code ob_loader_set_http(ob_loader *l, const ob_http_opts *opts, ob_error *err)
{
	char *ca = NULL, *dir = NULL;

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
static struct entry *find(ob_loader *l, const char *url, int remote_ok)
{
	size_t n = url_len(url);
	struct entry *e;

	for (e = l ? l->head : NULL; e; e = e->next)
		if ((remote_ok || !e->remote) && strlen(e->url) == n && memcmp(e->url, url, n) == 0)
			return e;
	return NULL;
}

ob_code ob_loader_add(ob_loader *l, const char *url, const char *path, ob_error *err)
{
	struct entry *e;

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

ob_code ob_loader_add_spec(ob_loader *l, const char *spec, ob_error *err)
{
	const char *eq = strchr(spec, '=');
	char *url;
	ob_code rc;

	if (!eq || eq == spec || !eq[1])
		return ob_fail(err, OB_EUSAGE, "--doc wants URL=FILE, got '%s'", spec);
	if ((rc = check_doc_file(eq + 1, err)))
		return rc;
	url = strndup(spec, (size_t)(eq - spec));
	if (!url)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = ob_loader_add(l, url, eq + 1, err);
	free(url);
	return rc;
}

const struct ob_context_doc *ob_loader_shipped(const char *url)
{
	size_t n = url_len(url);
	const struct ob_context_doc *d;

	for (d = ob_context_docs; d->url; d++)
		if (strlen(d->url) == n && memcmp(d->url, url, n) == 0)
			return d;
	return NULL;
}

/* Appends an entry after the others (the --doc map keeps priority). */
static void append(ob_loader *l, struct entry *e)
{
	struct entry **tail;

	for (tail = &l->head; *tail; tail = &(*tail)->next)
		;
	*tail = e;
}

/* Parses a shipped document into an entry appended after the --doc map,
 * so it is parsed once per loader and later --doc mappings still win. */
static struct entry *add_shipped(ob_loader *l, const struct ob_context_doc *d,
				 ob_error *err)
{
	struct entry *e;
	ob_error perr = { 0 };

	e = calloc(1, sizeof(*e));
	if (!e || !(e->url = strdup(d->url))) {
		free(e);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	e->doc = ob_json_parse(d->text, d->len, &perr);
	if (!e->doc) {
		ob_fail(err, OB_EPARSE, "shipped document %s: %s", d->url, perr.msg);
		free(e->url);
		free(e);
		return NULL;
	}
	append(l, e);
	return e;
}

static const json_t *get(ob_loader *l, const char *url, int remote_ok, ob_error *err)
{
	struct entry *e = find(l, url, remote_ok);
	const struct ob_context_doc *d;
	ob_error perr = { 0 };

	if (!e && l && (d = ob_loader_shipped(url)) != NULL) {
		e = add_shipped(l, d, err);
		if (!e)
			return NULL;
	}
	if (!e) {
		ob_fail(err, OB_ENET, "document not available offline: %.*s (give it with --doc URL=FILE)",
			(int)url_len(url), url);
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

const json_t *ob_loader_get(ob_loader *l, const char *url, ob_error *err)
{
	/* a context is a whole document: "CONTEXT#x" is not the shipped
	 * CONTEXT, whatever a lenient loader would make of it (the reference
	 * stack cannot load it either) */
	if (strchr(url, '#')) {
		ob_fail(err, OB_EINVALID, "context URL with a fragment: %s", url);
		return NULL;
	}
	return get(l, url, 0, err);
}

/* The URL without its fragment, as a heap string. */
static char *bare_url(const char *url)
{
	return strndup(url, url_len(url));
}

const json_t *ob_loader_get_remote(ob_loader *l, const char *url, ob_error *err)
{
	ob_buf body = OB_BUF_INIT;
	ob_error e = { 0 };
	struct entry *n = NULL;
	char *type = NULL, *u = NULL;
	json_t *doc = NULL;

	if (!l || !l->net || find(l, url, 1) || ob_loader_shipped(url))
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

ob_code ob_loader_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err)
{
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
	if ((d = ob_loader_shipped(url)) != NULL) {
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
	return ob_fail(err, OB_ENET, "document not available offline: %.*s (give it with --doc URL=FILE)",
		       (int)url_len(url), url);
}
