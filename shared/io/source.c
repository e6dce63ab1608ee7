#include "io/source.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/text.h"
#include "io/bake.h"
#include "base/codec.h"
#include "base/json.h"
#include "io/qr.h"
#include "io/qrscan.h"
#include "io/vp1.h"

#define MAX_LAYERS 3

static int is_url(const char *s, size_t n)
{
	return (n > 8 && !strncmp(s, "https://", 8)) || (n > 7 && !strncmp(s, "http://", 7));
}

ob_code ob_source_read(const char *arg, ob_loader *l, ob_buf *out, ob_error *err)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	ob_code rc;

	if (is_url(arg, strlen(arg))) {
		if (!l)
			return ob_fail(err, OB_EUSAGE, "URLs need network access: %s", arg);
		return ob_loader_fetch(l, arg, out, err);
	}
	/* say so plainly; a directory is not a file to verify */
	if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return ob_fail(err, OB_EUSAGE, "'%s' is a directory", arg);
	rc = ob_file_read(arg, OB_SOURCE_MAX_BYTES, &data, &len, err);
	if (!rc && ob_buf_add(out, data, len) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	free(data);
	return rc;
}

/* ---- carriers ---- */

enum carrier { TEXT, BAKED_PNG, BAKED_SVG, QR_IMAGE, QR_PAYLOAD, LINK };

/* Drops a UTF-8 BOM and surrounding whitespace. */
/* a UTF-8 byte order mark, then whitespace */
static void trim(const char **d, size_t *n)
{
	if (*n >= 3 && !memcmp(*d, "\xef\xbb\xbf", 3)) {
		*d += 3;
		*n -= 3;
	}
	ob_trim(d, n);
}

/* A link is one token of printable ASCII: a scanner's URL, not prose that
 * happens to start with one. */
static int is_link(const char *s, size_t n)
{
	size_t i;

	if (!is_url(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

static enum carrier classify(const char *data, size_t len)
{
	const char *t = data;
	size_t n = len;

	switch (ob_bake_sniff(data, len)) {
	case OB_IMAGE_PNG: return BAKED_PNG;
	case OB_IMAGE_SVG: return BAKED_SVG;
	default: break;
	}
	if (ob_qrscan_sniff(data, len))
		return QR_IMAGE;
	trim(&t, &n);
	if ((n >= strlen(OB_QR_PREFIX) && !memcmp(t, OB_QR_PREFIX, strlen(OB_QR_PREFIX))) || ob_vp1_sniff(t, n))
		return QR_PAYLOAD;
	if (is_link(t, n))
		return LINK;
	return TEXT;
}

/* Query-string decoding as browsers and libmicrohttpd do it: %XX and '+'
 * for a space. Returns a heap string, or NULL for bad escapes or a NUL. */
static char *url_decode(const char *s, size_t n)
{
	char *o = malloc(n + 1), *p = o;
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < n ? ob_hex_digit(s[i + 1]) : -1;
			int lo = i + 2 < n ? ob_hex_digit(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(o);
				return NULL;
			}
			*p++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*p++ = s[i] == '+' ? ' ' : s[i];
		}
	}
	*p = '\0';
	return o;
}

/* The verifier page's own link, https://HOST/verify?url=ENCODED (what
 * `ob-verifier qr --url` is given for a printed badge, and what `serve`
 * answers): the credential is at the url parameter, so fetch that
 * directly instead of asking the page. Returns the URL to fetch (heap),
 * NULL with err filled on a malformed link. */
static char *link_target(const char *link, size_t n, ob_error *err)
{
	const char *scheme_end = link + (link[4] == 's' ? 8 : 7); /* is_link checked it */
	const char *path = memchr(scheme_end, '/', n - (size_t)(scheme_end - link));
	const char *end = link + n, *q, *hash;
	char *url;

	hash = memchr(link, '#', n);
	if (hash)
		end = hash;
	if (!path || path >= end || (size_t)(end - path) < 8 || memcmp(path, "/verify?", 8) != 0)
		goto as_is;
	for (q = path + 8; q < end; ) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *stop = amp ? amp : end;
		if (stop - q > 4 && !memcmp(q, "url=", 4)) {
			url = url_decode(q + 4, (size_t)(stop - q - 4));
			if (!url)
				ob_fail(err, OB_EPARSE, "malformed verifier link: bad %%-escape in url");
			return url;
		}
		q = amp ? amp + 1 : end;
	}
as_is:
	url = strndup(link, n);
	if (!url)
		ob_fail(err, OB_ENOMEM, "out of memory");
	return url;
}

static ob_code fetch_link(const char *d, size_t n, ob_loader *l, ob_buf *out, ob_error *err)
{
	char *url;
	ob_code rc;

	trim(&d, &n);
	if (!(url = link_target(d, n, err)))
		return err->code;
	if (!l)
		rc = ob_fail(err, OB_EUSAGE, "URLs need network access: %s", url);
	else
		rc = ob_loader_fetch(l, url, out, err);
	free(url);
	return rc;
}

/* A PNG is either a baked badge or a picture of a QR code; try the
 * baked chunk first, it is cheap and exact. */
static ob_code peel_png(const char *d, size_t n, ob_buf *out, enum carrier *c, ob_error *err)
{
	ob_error be = { 0 }, qe = { 0 };

	if (!ob_bake_extract(d, n, out, &be))
		return OB_OK;
	/* a damaged baked chunk is the answer (the badge was tampered
	 * with or cut short), not a reason to look for a QR code */
	if (strncmp(be.msg, "no Open Badges credential", 25))
		return ob_fail(err, be.code == OB_ENOMEM ? OB_ENOMEM : OB_EPARSE, "%s", be.msg);
	if (!ob_qrscan_image(d, n, out, &qe)) {
		*c = QR_IMAGE;
		return OB_OK;
	}
	if (qe.code == OB_EINVALID)
		return ob_fail(err, OB_EINVALID, "no Open Badges credential or QR code in this PNG image");
	if (be.code == OB_ENOMEM || qe.code == OB_ENOMEM)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return ob_fail(err, OB_EPARSE, "%s", be.msg);
}

static ob_code peel(enum carrier *c, const char *d, size_t n, ob_loader *l, ob_buf *out,
		    ob_error *err)
{
	const char *t = d;
	size_t tn = n;

	switch (*c) {
	case BAKED_PNG:
		return peel_png(d, n, out, c, err);
	case BAKED_SVG:
		return ob_bake_extract(d, n, out, err);
	case QR_IMAGE:
		return ob_qrscan_image(d, n, out, err);
	case QR_PAYLOAD:
		trim(&t, &tn);
		/* the DCC's VP1- (io/vp1.h), or our VC1- */
		if (ob_vp1_sniff(t, tn))
			return ob_vp1_decode(t, tn, out, err);
		return ob_qr_payload_decode(t, tn, out, err);
	case LINK:
		return fetch_link(d, n, l, out, err);
	default:
		return ob_fail(err, OB_EUSAGE, "nothing to unwrap");
	}
}

/* The outermost carrier names the input, except that a QR code holding a
 * link is a "QR code link". */
static const char *describe(enum carrier first, enum carrier second)
{
	switch (first) {
	case BAKED_PNG: return "baked PNG badge";
	case BAKED_SVG: return "baked SVG badge";
	case QR_IMAGE: return second == LINK ? "QR code link" : "QR code";
	case QR_PAYLOAD: return "QR payload";
	case LINK: return "link";
	default: return "file";
	}
}

ob_code ob_source_unwrap(const char *data, size_t len, ob_loader *l, ob_buf *out,
			 const char **how, ob_error *err)
{
	ob_buf cur = OB_BUF_INIT, next = OB_BUF_INIT;
	enum carrier seen[MAX_LAYERS] = { TEXT, TEXT, TEXT }, c;
	const char *d = data;
	size_t n = len, layer;
	ob_code rc = OB_OK;

	for (layer = 0; (c = classify(d, n)) != TEXT; layer++) {
		if (layer == MAX_LAYERS) {
			rc = ob_fail(err, OB_EPARSE, "more than %d layers of carriers (image, QR code, link)",
				     MAX_LAYERS);
			goto out;
		}
		if ((rc = peel(&c, d, n, l, &next, err)) != OB_OK)
			goto out;
		if (next.oom) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		seen[layer] = c;
		ob_buf_release(&cur);
		cur = next;
		ob_buf_init(&next);
		d = cur.data ? cur.data : "";
		n = cur.len;
	}
	if (n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3)) {
		d += 3;
		n -= 3;
	}
	if (ob_buf_add(out, d, n) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (how)
		*how = describe(seen[0], layer > 1 ? seen[1] : TEXT);
out:
	ob_buf_release(&cur);
	ob_buf_release(&next);
	return rc;
}
