#include "base/doc.h"

#include <string.h>

ob_code ob_loader_unavailable(const char *url, ob_error *err)
{
	const char *h = strchr(url, '#');
	int n = h ? (int)(h - url) : (int)strlen(url);

	return ob_fail(err, OB_ENET, "document not available offline: %.*s (give it with --doc URL=FILE)",
		       n, url);
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
	if (l)
		return l->ops->get(l, url, err);
	ob_loader_unavailable(url, err);
	return NULL;
}

const json_t *ob_loader_get_remote(ob_loader *l, const char *url, ob_error *err)
{
	if (l)
		return l->ops->get_remote(l, url, err);
	ob_loader_unavailable(url, err);
	return NULL;
}

ob_code ob_loader_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err)
{
	if (l)
		return l->ops->fetch(l, url, out, err);
	return ob_loader_unavailable(url, err);
}

void ob_loader_free(ob_loader *l)
{
	if (l)
		l->ops->free(l);
}
