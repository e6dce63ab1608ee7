/* http_post: requests of a protocol client (OpenID4VCI) through libcurl:
 * GET or POST, the answer's status and body handed back whatever the
 * status (an OAuth error is a JSON body on a 400), nothing cached.
 *
 * Policy as io/http.h's: https only, certificate verification always on
 * (opts->cacert adds a CA file to the system store), connect and total
 * timeouts, the body cap (opts->max_bytes, default 1 MiB), and no
 * redirects at all: a protocol endpoint that redirects is refused, so a
 * bearer token never follows one. opts->cache_dir and offline are not
 * used (offers and tokens must never come from a cache). */
#ifndef OB_HTTP_POST_H
#define OB_HTTP_POST_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "io/http.h"

typedef struct {
	const char *method;       /* "GET" or "POST" */
	const char *content_type; /* POST: the body's type */
	const char *body;         /* POST: the body (may be NULL: empty) */
	size_t len;
	const char *bearer;       /* an access token for Authorization: Bearer, or NULL (secret) */
} ob_http_req;

/* Sends r to url and appends the answer's body to out; *status gets the
 * HTTP status and *content_type (when not NULL) a heap copy of its
 * Content-Type (or NULL). OB_EUSAGE for a URL that is not https, OB_ENET
 * for a transport failure, a redirect or a body over the cap; any HTTP
 * status is OB_OK. */
ob_code ob_http_send(const char *url, const ob_http_req *r, const ob_http_opts *opts, long *status,
		     ob_buf *out, char **content_type, ob_error *err);

#endif
