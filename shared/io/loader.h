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

#include "base/buf.h"
#include "base/doc.h"
#include "base/err.h"
#include "io/http.h"

#include <stddef.h>

/* A new, empty map (an ob_loader: base/doc.h has ob_loader_get,
 * ob_loader_get_remote, ob_loader_fetch and ob_loader_free). */
ob_loader *ob_loader_new(void);

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

/* Drops the documents fetched over the network (a long-lived loader
 * between two requests of a server: its disk cache then decides, as HTTP
 * caching says, what may be reused). The --doc map and the shipped
 * contexts stay. */
void ob_loader_forget_remote(ob_loader *l);

/* Through base/doc.h: ob_loader_get answers from the --doc map, then the
 * shipped contexts (canon/contexts.h), never the network; get_remote and
 * fetch use https too when a policy was set. Fetched documents must be JSON
 * (Content-Type application/json or application/...+json) of at most
 * 1 MiB and are kept for the loader's life. */

#endif
