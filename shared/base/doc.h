/* doc: where outside documents come from, as an interface (ARCHITECTURE.md
 * decision 1). JSON-LD processing, DID resolution and the proof suites ask
 * an ob_loader for documents and never know how they are had: the io layer's
 * loader (io/loader.h) reads the --doc map, the shipped contexts, the disk
 * cache and, where policy allows, https; canon/contexts.h has one that only
 * knows the shipped contexts. So canonicalization never links HTTP.
 *
 * An implementation embeds struct ob_loader as its first member and points
 * ops at its functions. A loader is not thread-safe: one per thread or
 * request. Documents it returns are borrowed and live as long as it. */
#ifndef OB_DOC_H
#define OB_DOC_H

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

typedef struct ob_loader ob_loader;

struct ob_loader_ops {
	/* A JSON-LD context: never the network. */
	const json_t *(*get)(ob_loader *l, const char *url, ob_error *err);
	/* A DID or controller document, a status list: may use the network
	 * when the implementation's policy allows. */
	const json_t *(*get_remote)(ob_loader *l, const char *url, ob_error *err);
	/* The raw bytes of the document at url, appended to out. */
	ob_code (*fetch)(ob_loader *l, const char *url, ob_buf *out, ob_error *err);
	void (*free)(ob_loader *l);
};

struct ob_loader {
	const struct ob_loader_ops *ops;
};

/* Returns a borrowed JSON document for url, or NULL with err: OB_ENET
 * "document not available offline: URL" when the loader has none (a NULL
 * loader has none), OB_EINVALID for a context URL with a fragment (a
 * context is a whole document), OB_EPARSE/OB_EIO for a bad mapped file.
 * Never the network: this is what JSON-LD context loading uses. */
const json_t *ob_loader_get(ob_loader *l, const char *url, ob_error *err);

/* Like ob_loader_get, then (when the loader has a network policy) the
 * network: for DID and controller documents and status lists. Any failure
 * to get or parse a fetched document is OB_ENET (the network's fault, not
 * the credential's), with the reason in plain words. */
const json_t *ob_loader_get_remote(ob_loader *l, const char *url, ob_error *err);

/* Appends the raw bytes of the document at url to out (a credential given
 * as a URL may be JSON, a compact JWS or an image). */
ob_code ob_loader_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err);

/* Frees any loader; NULL is fine. */
void ob_loader_free(ob_loader *l);

/* The "not available offline" failure every implementation reports. */
ob_code ob_loader_unavailable(const char *url, ob_error *err);

#endif
