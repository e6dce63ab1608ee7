/* loader: the one way any outside document comes in (ARCHITECTURE.md
 * decision 1): first the URL -> file map (--doc), then the documents
 * shipped with obkit; nothing else yet (the network comes with a later
 * issue, behind an explicit policy). */
#ifndef OB_LOADER_H
#define OB_LOADER_H

#include <jansson.h>

#include "buf.h"
#include "err.h"

#include <stddef.h>

typedef struct ob_loader ob_loader;

/* The JSON-LD contexts compiled into obkit (shared/contexts_data.c,
 * generated from contexts/ by scripts/gen-contexts.sh). The table ends
 * with an entry whose url is NULL. */
struct ob_context_doc {
	const char *url;  /* context URL, no fragment */
	const char *file; /* name under contexts/ */
	const char *text; /* the document, byte for byte */
	size_t len;
};
extern const struct ob_context_doc ob_context_docs[];

/* The shipped document for url (fragment ignored), or NULL. */
const struct ob_context_doc *ob_loader_shipped(const char *url);

ob_loader *ob_loader_new(void);
void ob_loader_free(ob_loader *l);

/* Maps url to a local file (the file is read when first asked for).
 * "URL=FILE" form for command lines: ob_loader_add_spec. */
ob_code ob_loader_add(ob_loader *l, const char *url, const char *path, ob_error *err);
ob_code ob_loader_add_spec(ob_loader *l, const char *spec, ob_error *err);

/* Returns a borrowed, cached JSON document for url (fragment ignored):
 * first the --doc map, then the shipped contexts (ob_context_docs); else
 * NULL with err: OB_ENET "document not available offline: URL". */
const json_t *ob_loader_get(ob_loader *l, const char *url, ob_error *err);

/* Appends the raw bytes of the document at url to out (a credential given
 * as a URL may be JSON, a compact JWS or an image): the --doc map first,
 * then the shipped documents; same errors as ob_loader_get. */
ob_code ob_loader_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err);

#endif
