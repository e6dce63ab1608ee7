/* http_int: what io/http.c lends io/http_post.c (the io layer's own; no
 * other module includes it). */
#ifndef OB_HTTP_INT_H
#define OB_HTTP_INT_H

#include <curl/curl.h>

#include "base/buf.h"
#include "base/err.h"

/* A new libcurl handle, libcurl's global state set up once per process;
 * NULL when libcurl cannot start. */
CURL *ob_http_easy_new(void);

/* --cacert adds to the system store: the system bundle followed by the
 * PEM file cacert, into pem for CURLOPT_CAINFO_BLOB. OB_EUSAGE for a file
 * that is not a PEM certificate. */
ob_code ob_http_ca_blob(CURL *h, const char *cacert, ob_buf *pem, ob_error *err);

#endif
