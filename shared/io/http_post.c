/* http_post: ob_http_send (http_post.h). */
#include "io/http_post.h"
#include "io/http_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "base/json.h"

struct sink {
	ob_buf *buf;
	size_t max;
	int too_big;
};

static size_t on_body(char *p, size_t size, size_t n, void *c)
{
	struct sink *s = c;
	size_t len = size * n;

	if (len > s->max || s->buf->len > s->max - len) {
		s->too_big = 1;
		return 0;
	}
	return ob_buf_add(s->buf, p, len) < 0 ? 0 : len;
}

static ob_code wire_error(const char *url, CURLcode rc, const char *errbuf, const struct sink *s, long timeout,
			  ob_error *err)
{
	if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return ob_fail(err, OB_ENET, "%s: the answer is larger than %zu bytes", url, s->max);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return ob_fail(err, OB_ENET, "%s: timed out after %ld ms", url, timeout);
	case CURLE_COULDNT_RESOLVE_HOST:
		return ob_fail(err, OB_ENET, "%s: host not found", url);
	case CURLE_COULDNT_CONNECT:
		return ob_fail(err, OB_ENET, "%s: could not connect to the server", url);
	case CURLE_PEER_FAILED_VERIFICATION:
		return ob_fail(err, OB_ENET, "%s: the server's certificate is not trusted (%s)", url,
			       errbuf[0] ? errbuf : curl_easy_strerror(rc));
	default:
		return ob_fail(err, OB_ENET, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
}

ob_code ob_http_send(const char *url, const ob_http_req *r, const ob_http_opts *opts, long *status,
		     ob_buf *out, char **content_type, ob_error *err)
{
	static const ob_http_opts none = { 0 };
	struct curl_slist *hdrs = NULL, *h2;
	ob_buf body = OB_BUF_INIT, pem = OB_BUF_INIT, line = OB_BUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink s = { 0 };
	const char *type = NULL;
	CURL *h = NULL;
	CURLcode crc;
	long timeout, ctimeout;
	ob_code rc = OB_OK;
	int post = !strcmp(r->method, "POST");

	*status = 0;
	if (content_type)
		*content_type = NULL;
	if (!opts)
		opts = &none;
	if (strncasecmp(url, "https://", 8))
		return ob_fail(err, OB_EUSAGE, "refusing '%s': only https URLs are allowed", url);
	s.buf = &body;
	s.max = opts->max_bytes ? opts->max_bytes : OB_HTTP_DEFAULT_MAX_BYTES;
	timeout = opts->timeout_ms > 0 ? opts->timeout_ms : OB_HTTP_DEFAULT_TIMEOUT_MS;
	ctimeout = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : timeout;
	if (!(h = ob_http_easy_new()))
		return ob_fail(err, OB_ENOMEM, "cannot start libcurl");
	if (!(hdrs = curl_slist_append(NULL, "Accept: application/json")))
		goto oom;
	if (post) {
		ob_buf_addf(&line, "Content-Type: %s", r->content_type ? r->content_type : "application/json");
		if (line.oom || !(h2 = curl_slist_append(hdrs, line.data)))
			goto oom;
		hdrs = h2;
	}
	if (r->bearer) {
		ob_buf_truncate(&line, 0);
		ob_buf_addf(&line, "Authorization: Bearer %s", r->bearer);
		if (line.oom || !(h2 = curl_slist_append(hdrs, line.data)))
			goto oom;
		hdrs = h2;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ctimeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s.max);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "obkit/" OB_VERSION);
	if (post) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(r->body ? r->len : 0));
	}
	if (opts->cacert) {
		struct curl_blob blob;

		if ((rc = ob_http_ca_blob(h, opts->cacert, &pem, err)))
			goto out;
		blob.data = pem.data;
		blob.len = pem.len;
		blob.flags = CURL_BLOB_NOCOPY;
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if ((crc = curl_easy_perform(h)) != CURLE_OK) {
		rc = wire_error(url, crc, errbuf, &s, timeout, err);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	if (*status >= 300 && *status < 400) {
		rc = ob_fail(err, OB_ENET, "%s: redirect refused (HTTP %ld)", url, *status);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
	if (content_type && type && !(*content_type = strdup(type)))
		goto oom;
	if (ob_buf_add(out, body.data ? body.data : "", body.len) < 0)
		goto oom;
	goto out;
oom:
	rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	if (rc && content_type) {
		free(*content_type);
		*content_type = NULL;
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	ob_buf_release(&body);
	ob_buf_release(&pem);
	ob_buf_release_secret(&line);
	return rc;
}
