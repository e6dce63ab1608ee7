/* loader: the one way any outside document comes in (ARCHITECTURE.md
 * decision 1): first the URL -> file map (--doc), then the documents
 * shipped with obkit, then, only when a network policy was set
 * (ob_loader_set_http) and only for DID documents, controller documents,
 * status lists and credentials given as URLs, https through the disk
 * cache (shared/http.c).
 *
 * JSON-LD contexts never come from the network (ob_loader_get, which
 * shared/jsonld.c uses, stays offline): a context decides what every
 * term of a signed document means, so a verifier that fetched contexts
 * would let whoever serves them change the meaning of a signature. Only
 * the shipped contexts and --doc are used.
 *
 * A loader is not thread-safe: one per thread or request. */
#ifndef OB_LOADER_H
#define OB_LOADER_H

#include <jansson.h>

#include "buf.h"
#include "err.h"
#include "http.h"

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

/* Maps url (fragment dropped) to a local file; later mappings win. The
 * file is not looked at until a document is first asked for (then a
 * missing file is that lookup's OB_EIO). OB_EUSAGE when url or path is
 * empty. */
ob_code ob_loader_add(ob_loader *l, const char *url, const char *path, ob_error *err);

/* The command-line form, spec "URL=FILE" (--doc): like ob_loader_add, but
 * FILE is checked at once and must be a readable regular file (not "-"):
 * a bad spec or file is OB_EUSAGE, e.g. "--doc: cannot read 'x.json': No
 * such file or directory". The file is still read only when needed. */
ob_code ob_loader_add_spec(ob_loader *l, const char *spec, ob_error *err);

/* Lets ob_loader_get_remote and ob_loader_fetch use https with opts
 * (copied; opts->offline: the disk cache only). Without it the loader
 * never touches the network. */
ob_code ob_loader_set_http(ob_loader *l, const ob_http_opts *opts, ob_error *err);

/* Returns a borrowed, cached JSON document for url (a URL with a fragment
 * is refused, OB_EINVALID: a context is a whole document):
 * first the --doc map, then the shipped contexts (ob_context_docs); else
 * NULL with err: OB_ENET "document not available offline: URL". Never the
 * network: this is what JSON-LD context loading uses. */
const json_t *ob_loader_get(ob_loader *l, const char *url, ob_error *err);

/* Like ob_loader_get, then (with a network policy) the network: for DID
 * and controller documents and status lists. The response must be JSON
 * (Content-Type application/json or application/...+json) of at most
 * 1 MiB; it is kept for the loader's life. Any failure to get or parse a
 * fetched document is OB_ENET (the network's fault, not the
 * credential's), with the reason in plain words. */
const json_t *ob_loader_get_remote(ob_loader *l, const char *url, ob_error *err);

/* Appends the raw bytes of the document at url to out (a credential given
 * as a URL may be JSON, a compact JWS or an image): the --doc map first,
 * then the shipped documents, then (with a network policy) https; same
 * errors as ob_loader_get, or ob_http_get's. */
ob_code ob_loader_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err);

#endif
