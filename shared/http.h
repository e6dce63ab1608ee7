/* http: every network fetch obkit makes, through libcurl (ARCHITECTURE.md:
 * only the loader calls this; no other module opens a URL).
 *
 * Policy: https only (http:// refused, and never followed by a redirect),
 * certificate verification always on (extra CA file with cacert),
 * connect and total timeouts, a body cap, at most 3 redirects, no other
 * schemes. A disk cache (when cache_dir is set) honours Cache-Control
 * (max-age, no-store, no-cache) and revalidates with ETag /
 * If-None-Match; offline mode answers from the cache only. */
#ifndef OB_HTTP_H
#define OB_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define OB_HTTP_DEFAULT_TIMEOUT_MS 10000L
#define OB_HTTP_DEFAULT_MAX_BYTES (1024u * 1024u)
#define OB_HTTP_MAX_REDIRECTS 3

typedef struct {
	const char *cacert;     /* PEM file of extra trusted CAs, or NULL (system store) */
	long timeout_ms;        /* total; 0: OB_HTTP_DEFAULT_TIMEOUT_MS */
	long connect_timeout_ms;/* 0: timeout_ms */
	size_t max_bytes;       /* body cap; 0: OB_HTTP_DEFAULT_MAX_BYTES */
	const char *cache_dir;  /* disk cache directory (created 0700), or NULL: none */
	int offline;            /* 1: the cache only, never the network */
} ob_http_opts;

/* GETs url and appends the body to out. *content_type (when not NULL) gets
 * a heap copy of the Content-Type (or NULL). Errors, with err filled and
 * out unchanged: OB_EUSAGE for a URL that is not https, OB_ENET for any
 * transport failure ("fetching URL: timed out after 10 s", "...: HTTP 404",
 * "...: body larger than 1 MiB", "...: too many redirects", "...: redirect
 * to http refused", "...: not in the cache (offline)"). */
ob_code ob_http_get(const char *url, const ob_http_opts *opts, ob_buf *out,
		    char **content_type, ob_error *err);

#endif
