/* contexts: the JSON-LD context documents compiled into obkit
 * (canon/contexts_data.c, generated from contexts/ by
 * scripts/gen-contexts.sh), and a loader that knows only them. */
#ifndef OB_CONTEXTS_H
#define OB_CONTEXTS_H

#include <stddef.h>

#include "base/doc.h"

struct ob_context_doc {
	const char *url;  /* context URL, no fragment */
	const char *file; /* name under contexts/ */
	const char *text; /* the document, byte for byte */
	size_t len;
};
/* The table ends with an entry whose url is NULL. */
extern const struct ob_context_doc ob_context_docs[];

/* The shipped document for url (fragment ignored), or NULL. */
const struct ob_context_doc *ob_context_shipped(const char *url);

/* 1 when ctx (an @context value: a URL or an array of URLs) names only
 * shipped contexts, so its meaning cannot depend on a caller's loader. */
int ob_contexts_all_shipped(const json_t *ctx);

/* Parses a shipped document (OB_EPARSE names it if it does not parse). */
json_t *ob_context_parse(const struct ob_context_doc *d, ob_error *err);

/* A loader that serves the shipped contexts and nothing else (each parsed
 * once per loader); NULL when out of memory. Free with ob_loader_free. */
ob_loader *ob_contexts_loader_new(void);

#endif
