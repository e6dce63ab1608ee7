#include "loader.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

struct entry {
	char *url;
	char *path; /* NULL for a shipped document */
	json_t *doc; /* parsed on first use */
	struct entry *next;
};

struct ob_loader {
	struct entry *head;
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
	free(l);
}

/* URLs are compared without their fragment. */
static size_t url_len(const char *url)
{
	const char *h = strchr(url, '#');
	return h ? (size_t)(h - url) : strlen(url);
}

static struct entry *find(ob_loader *l, const char *url)
{
	size_t n = url_len(url);
	struct entry *e;

	for (e = l ? l->head : NULL; e; e = e->next)
		if (strlen(e->url) == n && memcmp(e->url, url, n) == 0)
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

ob_code ob_loader_add_spec(ob_loader *l, const char *spec, ob_error *err)
{
	const char *eq = strchr(spec, '=');
	char *url;
	ob_code rc;

	if (!eq || eq == spec || !eq[1])
		return ob_fail(err, OB_EUSAGE, "--doc wants URL=FILE, got '%s'", spec);
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

/* Parses a shipped document into an entry appended after the --doc map,
 * so it is parsed once per loader and later --doc mappings still win. */
static struct entry *add_shipped(ob_loader *l, const struct ob_context_doc *d,
				 ob_error *err)
{
	struct entry *e, **tail;
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
	for (tail = &l->head; *tail; tail = &(*tail)->next)
		;
	*tail = e;
	return e;
}

const json_t *ob_loader_get(ob_loader *l, const char *url, ob_error *err)
{
	struct entry *e = find(l, url);
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

ob_code ob_loader_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err)
{
	struct entry *e = find(l, url);
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
	return ob_fail(err, OB_ENET, "document not available offline: %.*s (give it with --doc URL=FILE)",
		       (int)url_len(url), url);
}
