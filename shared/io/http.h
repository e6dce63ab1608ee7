/* http: every network fetch obkit makes, through libcurl (ARCHITECTURE.md:
 * only the loader calls this; no other module opens a URL).
 *
 * Policy: https only (http:// refused, and never followed by a redirect),
 * certificate verification always on (extra CA file with cacert),
 * connect and total timeouts, a body cap, at most 3 redirects, no other
 * schemes. A disk cache (when cache_dir is set) honours Cache-Control
 * (max-age, no-store, no-cache) and revalidates with ETag /
 * If-None-Match; offline mode answers from the cache only (stale entries
 * included: offline is the user's explicit choice).
 *
 * Cache layout: one file per URL in cache_dir, named by the hex SHA-256 of
 * the URL, mode 0600, written atomically: a first line
 * "obkit-http-cache 1", then "url", "etag", "type" and "expires" (Unix
 * time) lines, a blank line and the body. */
#ifndef OB_HTTP_H
#define OB_HTTP_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define OB_HTTP_DEFAULT_TIMEOUT_MS 10000L
#define OB_HTTP_DEFAULT_MAX_BYTES (1024u * 1024u)
#define OB_HTTP_MAX_REDIRECTS 3

typedef struct {
	const char *cacert;     /* PEM file of CAs trusted in addition to the system store, or NULL */
	long timeout_ms;        /* total; 0: OB_HTTP_DEFAULT_TIMEOUT_MS */
	long connect_timeout_ms;/* 0: timeout_ms */
	size_t max_bytes;       /* body cap; 0: OB_HTTP_DEFAULT_MAX_BYTES */
	const char *cache_dir;  /* disk cache directory (created 0700), or NULL: none */
	size_t cache_max_bytes; /* the cache's budget: after a write that takes
				 * it over, the least recently written entries
				 * go until it is at three quarters (a server
				 * fetching for strangers); 0: no limit */
	int offline;            /* 1: the cache only, never the network */
	int public_only;        /* 1: never connect to a loopback, private,
				 * link-local, unique-local, multicast or
				 * unspecified address (a server fetching on
				 * behalf of strangers). Checked on the address
				 * actually connected to, redirects included,
				 * so DNS rebinding cannot get around it. */
} ob_http_opts;

/* GETs url and appends the body to out. *content_type (when not NULL) gets
 * a heap copy of the Content-Type (or NULL). Errors, with err filled and
 * out unchanged: OB_EUSAGE for a URL that is not https, OB_ENET for any
 * transport failure ("fetching URL: timed out after 10 s", "...: HTTP 404",
 * "...: body larger than 1 MiB", "...: too many redirects", "...: redirect
 * to http refused", "...: not in the cache (offline)"). */
ob_code ob_http_get(const char *url, const ob_http_opts *opts, ob_buf *out,
		    char **content_type, ob_error *err);

/* Checks early that a --cacert file can be read and holds a PEM
 * certificate (OB_EUSAGE with the reason otherwise), so a typo is a usage
 * error rather than every fetch failing. */
ob_code ob_http_check_cacert(const char *path, ob_error *err);

/* The default disk cache: $XDG_CACHE_HOME/obkit/http, else
 * ~/.cache/obkit/http. Heap string (caller frees); NULL with err when
 * neither variable is set or out of memory. The directory is created
 * (0700) on the first write. */
char *ob_http_cache_dir(ob_error *err);

/* 1 when a Content-Type names JSON: application/json or any
 * application/...+json (ld+json, did+json, vc+ld+json), parameters
 * ignored; also 1 for NULL (no header: many static hosts send none). */
int ob_http_json_type(const char *type);

#endif
