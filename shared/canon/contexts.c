#include "canon/contexts.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"

const struct ob_context_doc *ob_context_shipped(const char *url)
{
	const char *h = strchr(url, '#');
	size_t n = h ? (size_t)(h - url) : strlen(url);
	const struct ob_context_doc *d;

	for (d = ob_context_docs; d->url; d++)
		if (strlen(d->url) == n && memcmp(d->url, url, n) == 0)
			return d;
	return NULL;
}

int ob_contexts_all_shipped(const json_t *ctx)
{
	const json_t *c;
	size_t i;

	if (json_is_string(ctx))
		return ob_context_shipped(json_string_value(ctx)) != NULL;
	if (!json_is_array(ctx))
		return 0;
	json_array_foreach(ctx, i, c)
		if (!json_is_string(c) || !ob_context_shipped(json_string_value(c)))
			return 0;
	return 1;
}

json_t *ob_context_parse(const struct ob_context_doc *d, ob_error *err)
{
	ob_error perr = { 0 };
	json_t *doc = ob_json_parse(d->text, d->len, &perr);

	if (!doc)
		ob_fail(err, OB_EPARSE, "shipped document %s: %s", d->url, perr.msg);
	return doc;
}

/* One parsed document per shipped context, by its index in the table. */
struct contexts_loader {
	ob_loader base;
	size_t n;
	json_t **docs;
};

static const json_t *contexts_get(ob_loader *l, const char *url, ob_error *err)
{
	struct contexts_loader *c = (struct contexts_loader *)l;
	const struct ob_context_doc *d = ob_context_shipped(url);
	size_t i;

	if (!d) {
		ob_loader_unavailable(url, err);
		return NULL;
	}
	i = (size_t)(d - ob_context_docs);
	if (!c->docs[i])
		c->docs[i] = ob_context_parse(d, err);
	return c->docs[i];
}

static ob_code contexts_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err)
{
	const struct ob_context_doc *d = ob_context_shipped(url);

	(void)l;
	if (!d)
		return ob_loader_unavailable(url, err);
	if (ob_buf_add(out, d->text, d->len) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

static void contexts_free(ob_loader *l)
{
	struct contexts_loader *c = (struct contexts_loader *)l;
	size_t i;

	for (i = 0; i < c->n; i++)
		json_decref(c->docs[i]);
	free(c->docs);
	free(c);
}

static const struct ob_loader_ops contexts_ops = {
	.get = contexts_get,
	.get_remote = contexts_get,
	.fetch = contexts_fetch,
	.free = contexts_free,
};

ob_loader *ob_contexts_loader_new(void)
{
	struct contexts_loader *c = calloc(1, sizeof(*c));
	const struct ob_context_doc *d;

	if (!c)
		return NULL;
	for (d = ob_context_docs; d->url; d++)
		c->n++;
	if (!(c->docs = calloc(c->n ? c->n : 1, sizeof(*c->docs)))) {
		free(c);
		return NULL;
	}
	c->base.ops = &contexts_ops;
	return &c->base;
}
