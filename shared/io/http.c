#include "io/http.h"
#include "io/http_int.h"
#include "base/hash.h"

#include <ifaddrs.h>

#include <curl/curl.h>
#include <openssl/sha.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/json.h"
#include "proof/keys.h"

/* Cache files start with this line; anything else is ignored (and
 * replaced on the next fetch). */
#define CACHE_MAGIC "obkit-http-cache 1\n"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURL *ob_http_easy_new(void)
{
	pthread_once(&global_once, global_init);
	return global_rc == CURLE_OK ? curl_easy_init() : NULL;
}

struct sink {
	ob_buf *buf;
	size_t max;
	int too_big;
	int refused; /* public_only turned an address down */
};

/* One of this machine's own addresses (any interface): connecting to it
 * reaches local services as surely as 127.0.0.1 does. */
static int own_address(const struct sockaddr *sa)
{
	struct ifaddrs *ifs, *i;
	int own = 0;

	if (getifaddrs(&ifs) < 0)
		return 1; /* cannot tell: refuse */
	for (i = ifs; i && !own; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != sa->sa_family)
			continue;
		if (sa->sa_family == AF_INET)
			own = !memcmp(&((const struct sockaddr_in *)sa)->sin_addr,
				      &((const struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		else if (sa->sa_family == AF_INET6)
			own = !memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr,
				      &((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
	}
	freeifaddrs(ifs);
	return own;
}

static int local_v4(const unsigned char *b)
{
	return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) ||
	       (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
	       (b[0] == 100 && (b[1] & 0xc0) == 64) || b[0] >= 224 ||
	       (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) ||  /* IETF, TEST-NET-1 */
	       (b[0] == 198 && (b[1] & 0xfe) == 18) ||                     /* benchmarking 198.18/15 */
	       (b[0] == 198 && b[1] == 51 && b[2] == 100) ||               /* TEST-NET-2 */
	       (b[0] == 203 && b[1] == 0 && b[2] == 113);                  /* TEST-NET-3 */
}

/* The addresses a public fetch must not reach: this host (its loopback
 * and its own interface addresses), its networks, reserved ranges, and
 * IPv6 addresses that carry an IPv4 one (mapped, compatible, NAT64
 * 64:ff9b::/96, 6to4 2002::/16: judged by the IPv4 address inside). */
static int local_address(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const unsigned char *b = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
		return local_v4(b) || own_address(sa);
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		const unsigned char *b = a->s6_addr;
		static const unsigned char nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
		if (IN6_IS_ADDR_V4MAPPED(a) || IN6_IS_ADDR_V4COMPAT(a) || !memcmp(b, nat64, 12)) {
			struct sockaddr_in v4 = { .sin_family = AF_INET };
			memcpy(&v4.sin_addr, b + 12, 4);
			return local_address((const struct sockaddr *)&v4);
		}
		if (b[0] == 0x20 && b[1] == 0x02) { /* 6to4: 2002:AABB:CCDD::/48 */
			struct sockaddr_in v4 = { .sin_family = AF_INET };
			memcpy(&v4.sin_addr, b + 2, 4);
			return local_address((const struct sockaddr *)&v4);
		}
		return IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
		       IN6_IS_ADDR_SITELOCAL(a) || IN6_IS_ADDR_MULTICAST(a) || (b[0] & 0xfe) == 0xfc ||
		       (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) || /* local NAT64 64:ff9b:1::/48 */
		       (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) || /* documentation */
		       (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) || /* Teredo */
		       (b[0] == 0x01 && !memcmp(b + 1, "\0\0\0\0\0\0", 7)) ||        /* discard 100::/64 */
		       own_address(sa);
	}
	return 1; /* anything else (unix sockets...) is not the internet */
}

static curl_socket_t open_public(void *c, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct sink *s = c;

	if (purpose != CURLSOCKTYPE_IPCXN || local_address(&a->addr)) {
		s->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* The body cap is enforced here as well as by CURLOPT_MAXFILESIZE_LARGE:
 * a server may send no Content-Length, or lie about it. */
static size_t on_body(char *p, size_t size, size_t n, void *c)
{
	struct sink *s = c;
	size_t len = size * n;

	if (len > s->max || s->buf->len > s->max - len) {
		s->too_big = 1;
		return 0;
	}
	if (ob_buf_add(s->buf, p, len) < 0)
		return 0;
	return len;
}

/* --cacert adds to the system store instead of replacing it, so a private
 * CA does not cut off every public issuer: libcurl gets one PEM blob, the
 * system bundle followed by the given file. */
ob_code ob_http_ca_blob(CURL *h, const char *cacert, ob_buf *pem, ob_error *err)
{
	ob_error e = { 0 };
	char *sys = NULL, *mine = NULL, *def = NULL;
	size_t ns = 0, nm = 0;
	ob_code rc;

	if ((rc = ob_file_read(cacert, 4u * 1024 * 1024, &mine, &nm, &e)))
		return ob_fail(err, OB_EUSAGE, "--cacert: %s", e.msg);
	if (!strstr(mine, "-----BEGIN CERTIFICATE-----")) {
		free(mine);
		return ob_fail(err, OB_EUSAGE, "--cacert: '%s' holds no PEM certificate", cacert);
	}
	curl_easy_getinfo(h, CURLINFO_CAINFO, &def);
	if (def && ob_file_read(def, 16u * 1024 * 1024, &sys, &ns, &e) == OB_OK) {
		ob_buf_add(pem, sys, ns);
		ob_buf_addc(pem, '\n');
	}
	ob_buf_add(pem, mine, nm);
	free(sys);
	free(mine);
	return pem->oom ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

/* ---- the disk cache ---- */

struct entry {
	char *etag;
	char *type;
	long long expires;
	char *data;   /* whole file (owned); body points into it */
	const char *body;
	size_t len;
};

static void entry_release(struct entry *e)
{
	free(e->etag);
	free(e->type);
	free(e->data);
	memset(e, 0, sizeof(*e));
}

static char *cache_path(const char *dir, const char *url)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char name[2 * SHA256_DIGEST_LENGTH + 1];
	size_t i;

	ob_sha256((const unsigned char *)url, strlen(url), md);
	for (i = 0; i < sizeof(md); i++)
		sprintf(name + 2 * i, "%02x", md[i]);
	return ob_path_join(dir, name);
}

static char *dup_line(const char *p, const char *end)
{
	return strndup(p, (size_t)(end - p));
}

/* Reads the entry for url; 0 when there is a usable one. A damaged or
 * foreign file counts as a miss (it is a cache, not a source of truth). */
static int cache_read(const char *path, const char *url, size_t max, struct entry *e)
{
	ob_error err = { 0 };
	char *p, *nl;
	size_t n;
	int url_ok = 0;

	memset(e, 0, sizeof(*e));
	if (ob_file_read(path, max + 64 * 1024, &e->data, &n, &err))
		return -1;
	if (strncmp(e->data, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0)
		goto bad;
	for (p = e->data + strlen(CACHE_MAGIC); (nl = memchr(p, '\n', n - (size_t)(p - e->data))); p = nl + 1) {
		if (nl == p) { /* blank line: the body follows */
			e->body = nl + 1;
			e->len = n - (size_t)(e->body - e->data);
			if (!url_ok)
				goto bad;
			return 0;
		}
		if (!strncmp(p, "url ", 4))
			url_ok = (size_t)(nl - p - 4) == strlen(url) && !memcmp(p + 4, url, strlen(url));
		else if (!strncmp(p, "etag ", 5) && !e->etag)
			e->etag = dup_line(p + 5, nl);
		else if (!strncmp(p, "type ", 5) && !e->type)
			e->type = dup_line(p + 5, nl);
		else if (!strncmp(p, "expires ", 8))
			e->expires = strtoll(p + 8, NULL, 10);
	}
bad:
	entry_release(e);
	return -1;
}

static int one_line(const char *s)
{
	return !s || !strpbrk(s, "\r\n");
}

/* Best effort: a cache that cannot be written only costs a refetch. */
static void cache_write(const char *dir, const char *path, const char *url, const char *etag,
			const char *type, long long expires, const char *body, size_t len)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };

	if (!one_line(url) || !one_line(etag) || !one_line(type) || ob_mkdir_p(dir, &err))
		return;
	ob_buf_adds(&b, CACHE_MAGIC);
	ob_buf_addf(&b, "url %s\n", url);
	if (etag)
		ob_buf_addf(&b, "etag %s\n", etag);
	if (type)
		ob_buf_addf(&b, "type %s\n", type);
	ob_buf_addf(&b, "expires %lld\n\n", expires);
	ob_buf_add(&b, body, len);
	if (!b.oom)
		ob_write_file_atomic(path, b.data, b.len, 0600, 1, &err);
	ob_buf_release(&b);
}

struct aged {
	char name[2 * SHA256_DIGEST_LENGTH + 1];
	long long mtime;
	size_t size;
};

static int aged_cmp(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;

	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

/* Keeps dir within max bytes: when over it, the oldest entries go until
 * it is at three quarters. Entries only (64 hex digits); several
 * processes may prune at once (a missing file is fine). */
static void cache_prune(const char *dir, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct aged *v = NULL, *nv;
	size_t n = 0, cap = 0, total = 0, i;
	struct stat sb;
	int fd;

	if (!d)
		return;
	fd = dirfd(d);
	while ((de = readdir(d))) {
		if (strlen(de->d_name) != 2 * SHA256_DIGEST_LENGTH ||
		    strspn(de->d_name, "0123456789abcdef") != 2 * SHA256_DIGEST_LENGTH ||
		    fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(sb.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if (!(nv = realloc(v, cap * sizeof(*v))))
				break;
			v = nv;
		}
		memcpy(v[n].name, de->d_name, sizeof(v[n].name));
		v[n].mtime = (long long)sb.st_mtime;
		v[n].size = (size_t)sb.st_size;
		total += v[n++].size;
	}
	if (total > max && v) {
		qsort(v, n, sizeof(*v), aged_cmp);
		for (i = 0; i < n && total > max / 4 * 3; i++)
			if (unlinkat(fd, v[i].name, 0) == 0 || errno == ENOENT)
				total -= v[i].size;
	}
	free(v);
	closedir(d);
}

/* Cache-Control (RFC 9111 5.2.2): no-store keeps nothing; no-cache and a
 * missing max-age keep the body for revalidation and offline use only. */
static void cache_control(const char *cc, int *store, long long *max_age)
{
	const char *p = cc;

	*store = 1;
	*max_age = 0;
	while (p && *p) {
		size_t n;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, ",");
		if (n >= 8 && !strncasecmp(p, "no-store", 8))
			*store = 0;
		else if (n > 8 && !strncasecmp(p, "max-age=", 8)) {
			long long v = strtoll(p + 8, NULL, 10);
			*max_age = v > 0 ? (v > 365LL * 86400 ? 365LL * 86400 : v) : 0;
		}
		p += n;
	}
}

/* ---- fetching ---- */

static const char *header(CURL *h, const char *name)
{
	struct curl_header *hh;

	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hh) != CURLHE_OK)
		return NULL;
	return hh->value;
}

static void seconds(char *buf, size_t n, long ms)
{
	if (ms % 1000)
		snprintf(buf, n, "%.1f s", ms / 1000.0);
	else
		snprintf(buf, n, "%ld s", ms / 1000);
}

/* Plain words for what went wrong on the wire. */
static ob_code net_error(ob_error *err, const char *url, CURLcode rc, CURL *h,
			 const char *errbuf, const struct sink *s, long timeout_ms)
{
	char t[32];
	char *redir = NULL, *eff = NULL;
	long nredir = 0;

	curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &nredir);
	curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &redir);
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
	/* a refused redirect leaves its target as the effective URL */
	if (!redir && eff && strcmp(eff, url) != 0)
		redir = eff;
	if (s->refused)
		return ob_fail(err, OB_ENET, "fetching %s: refused: the address is private or local", url);
	if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return ob_fail(err, OB_ENET, "fetching %s: body larger than %s", url,
			       s->max == OB_HTTP_DEFAULT_MAX_BYTES ? "1 MiB" : "the size limit");
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		seconds(t, sizeof(t), timeout_ms);
		return ob_fail(err, OB_ENET, "fetching %s: timed out after %s", url, t);
	case CURLE_TOO_MANY_REDIRECTS:
		return ob_fail(err, OB_ENET, "fetching %s: too many redirects (more than %d)", url,
			       OB_HTTP_MAX_REDIRECTS);
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (nredir > 0 || redir)
			return ob_fail(err, OB_ENET, "fetching %s: redirect to %s refused (https only)", url,
				       redir && !strncasecmp(redir, "http:", 5) ? "http" : "a non-https URL");
		return ob_fail(err, OB_ENET, "fetching %s: only https URLs are fetched", url);
	case CURLE_COULDNT_RESOLVE_HOST:
		return ob_fail(err, OB_ENET, "fetching %s: host not found", url);
	case CURLE_COULDNT_CONNECT:
		return ob_fail(err, OB_ENET, "fetching %s: could not connect to the server", url);
	case CURLE_PEER_FAILED_VERIFICATION:
		return ob_fail(err, OB_ENET, "fetching %s: the server's certificate is not trusted (%s)",
			       url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	case CURLE_SSL_CACERT_BADFILE:
		return ob_fail(err, OB_EUSAGE, "cannot load the CA certificates (%s)",
			       errbuf[0] ? errbuf : curl_easy_strerror(rc));
	case CURLE_GOT_NOTHING:
		return ob_fail(err, OB_ENET, "fetching %s: the server closed the connection without answering", url);
	default:
		return ob_fail(err, OB_ENET, "fetching %s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
}

ob_code ob_http_check_cacert(const char *path, ob_error *err)
{
	ob_error e = { 0 };
	char *pem = NULL;
	size_t n;
	int ok;

	if (ob_file_read(path, 4u * 1024 * 1024, &pem, &n, &e))
		return ob_fail(err, OB_EUSAGE, "--cacert: %s", e.msg);
	ok = strstr(pem, "-----BEGIN CERTIFICATE-----") != NULL;
	free(pem);
	return ok ? OB_OK : ob_fail(err, OB_EUSAGE, "--cacert: '%s' holds no PEM certificate", path);
}

static int is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8) && url[8];
}

/* Sets h up for one GET of url: https only (redirects too), verified TLS,
 * the time limits, the size cap and, with opts->public_only, public
 * addresses only; the CA bundle for opts->cacert goes into pem. */
static ob_code setup(CURL *h, const char *url, const ob_http_opts *opts, struct sink *s,
		     struct curl_slist *hdrs, char *errbuf, long timeout, long ctimeout, ob_buf *pem,
		     ob_error *err)
{
	ob_code rc;

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)OB_HTTP_MAX_REDIRECTS);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ctimeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "obkit/" OB_VERSION);
	if (opts->public_only) {
		curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_public);
		curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, s);
	}
	if (opts->cacert) {
		struct curl_blob blob;

		if ((rc = ob_http_ca_blob(h, opts->cacert, pem, err)))
			return rc;
		blob.data = pem->data;
		blob.len = pem->len;
		blob.flags = CURL_BLOB_NOCOPY;
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	return OB_OK;
}

ob_code ob_http_get(const char *url, const ob_http_opts *opts, ob_buf *out,
		    char **content_type, ob_error *err)
{
	static const ob_http_opts none = { 0 };
	struct entry ce = { 0 };
	struct curl_slist *hdrs = NULL;
	ob_buf body = OB_BUF_INIT, inm = OB_BUF_INIT, pem = OB_BUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *path = NULL, *etag = NULL, *type = NULL;
	const char *cc, *v;
	struct sink s;
	CURL *h = NULL;
	CURLcode crc;
	long status = 0, timeout, ctimeout;
	long long max_age, now = (long long)time(NULL);
	int have = 0, store;
	ob_code rc = OB_OK;

	if (content_type)
		*content_type = NULL;
	if (!opts)
		opts = &none;
	if (!is_https(url))
		return ob_fail(err, OB_EUSAGE, "refusing to fetch '%s': only https URLs are allowed", url);
	s.buf = &body;
	s.max = opts->max_bytes ? opts->max_bytes : OB_HTTP_DEFAULT_MAX_BYTES;
	s.too_big = 0;
	s.refused = 0;
	timeout = opts->timeout_ms > 0 ? opts->timeout_ms : OB_HTTP_DEFAULT_TIMEOUT_MS;
	ctimeout = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : timeout;

	if (opts->cache_dir) {
		if (!(path = cache_path(opts->cache_dir, url)))
			return ob_fail(err, OB_ENOMEM, "out of memory");
		have = cache_read(path, url, s.max, &ce) == 0;
	}
	if (have && (opts->offline || ce.expires > now)) {
		if (ob_buf_add(out, ce.body, ce.len) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		if (content_type && ce.type && !(*content_type = strdup(ce.type)))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (opts->offline) {
		rc = ob_fail(err, OB_ENET, "fetching %s: not in the cache (offline)", url);
		goto out;
	}

	if (!(h = ob_http_easy_new())) {
		rc = ob_fail(err, OB_ENOMEM, "cannot start libcurl");
		goto out;
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/ld+json, application/json;q=0.9, */*;q=0.1");
	if (have && ce.etag) {
		ob_buf_addf(&inm, "If-None-Match: %s", ce.etag);
		if (!inm.oom)
			hdrs = curl_slist_append(hdrs, inm.data);
	}
	if ((rc = setup(h, url, opts, &s, hdrs, errbuf, timeout, ctimeout, &pem, err)))
		goto out;
	crc = curl_easy_perform(h);
	if (crc != CURLE_OK) {
		rc = net_error(err, url, crc, h, errbuf, &s, timeout);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status == 304 && have) {
		/* still current: keep the body, take the new lifetime */
		cache_control(header(h, "Cache-Control"), &store, &max_age);
		if (store)
			cache_write(opts->cache_dir, path, url, ce.etag, ce.type, now + max_age, ce.body, ce.len);
		if (ob_buf_add(out, ce.body, ce.len) < 0 ||
		    (content_type && ce.type && !(*content_type = strdup(ce.type))))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (status >= 400) {
		rc = ob_fail(err, OB_ENET, "fetching %s: HTTP %ld%s", url, status,
			     status == 404 ? " (not found)" : status == 410 ? " (gone)" :
			     status >= 500 ? " (server error)" : "");
		goto out;
	}
	if (status != 200) {
		rc = ob_fail(err, OB_ENET, "fetching %s: unexpected HTTP %ld", url, status);
		goto out;
	}
	if (body.oom) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((v = header(h, "Content-Type")) && !(type = strdup(v))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((v = header(h, "ETag")) && !(etag = strdup(v))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	cc = header(h, "Cache-Control");
	cache_control(cc, &store, &max_age);
	if (opts->cache_dir && store) {
		cache_write(opts->cache_dir, path, url, etag, type, now + max_age,
			    body.data ? body.data : "", body.len);
		if (opts->cache_max_bytes)
			cache_prune(opts->cache_dir, opts->cache_max_bytes);
	}
	if (ob_buf_add(out, body.data ? body.data : "", body.len) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (content_type) {
		*content_type = type;
		type = NULL;
	}
out:
	if (h)
		curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	entry_release(&ce);
	ob_buf_release(&body);
	ob_buf_release(&inm);
	ob_buf_release(&pem);
	free(path);
	free(etag);
	free(type);
	return rc;
}

int ob_http_json_type(const char *type)
{
	size_t n;
	const char *semi;

	if (!type)
		return 1;
	while (*type == ' ')
		type++;
	semi = strchr(type, ';');
	n = semi ? (size_t)(semi - type) : strlen(type);
	while (n && isspace((unsigned char)type[n - 1]))
		n--;
	if (n == 16 && !strncasecmp(type, "application/json", 16))
		return 1;
	/* application/ld+json, did+json, did+ld+json, vc+ld+json, ... */
	return n > 17 && !strncasecmp(type, "application/", 12) && !strncasecmp(type + n - 5, "+json", 5);
}

char *ob_http_cache_dir(ob_error *err)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	ob_buf b = OB_BUF_INIT;

	/* XDG: a relative value is invalid and must be ignored */
	if (x && x[0] == '/')
		ob_buf_addf(&b, "%s/obkit/http", x);
	else if (home && *home)
		ob_buf_addf(&b, "%s/.cache/obkit/http", home);
	else {
		ob_fail(err, OB_EUSAGE, "no cache directory: set XDG_CACHE_HOME or HOME, or use --no-cache");
		return NULL;
	}
	if (b.oom) {
		ob_buf_release(&b);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	return b.data;
}
