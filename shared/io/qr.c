#include "io/qr.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <png.h>
#include <qrencode.h>
#include <zlib.h>

#include "base/codec.h"
#include "base/fsutil.h"
#include "base/inflate.h"
#include "base/text.h"
#include "proof/jwt.h"
#include "canon/jcs.h"
#include "base/json.h"

#define QUIET 4                         /* ISO/IEC 18004 quiet zone, modules */
#define MAX_PNG_SIDE 16384              /* pixels */

struct ob_qr {
	QRcode *code;
};

int ob_qr_url_ok(const char *url)
{
	const unsigned char *p;

	if (!*url)
		return 0;
	for (p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

ob_code ob_qr_payload_encode(const char *doc, size_t len, ob_buf *out, ob_error *err)
{
	ob_buf text = OB_BUF_INIT;
	json_t *v = NULL;
	unsigned char *z = NULL;
	uLongf zlen;
	size_t start = out->len;
	ob_code rc = OB_OK;

	ob_trim(&doc, &len);
	if (len && doc[0] == '{') {
		/* Minified, not canonicalised: member order and every value stay
		 * as issued, and JCS proofs re-canonicalise anyway. */
		v = ob_json_parse(doc, len, err);
		if (!v) {
			rc = OB_EPARSE;
			goto out;
		}
		if (ob_json_write(&text, v, OB_JSON_COMPACT) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		doc = text.data;
		len = text.len;
	} else if (!ob_jwt_sniff(doc, len)) {
		rc = ob_fail(err, OB_EPARSE, "not a JSON credential or a compact JWT");
		goto out;
	}
	zlen = compressBound((uLong)len);
	z = malloc(zlen);
	if (!z) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (compress2(z, &zlen, (const Bytef *)doc, (uLong)len, Z_BEST_COMPRESSION) != Z_OK) {
		rc = ob_fail(err, OB_ENOMEM, "cannot compress credential");
		goto out;
	}
	ob_buf_adds(out, OB_QR_PREFIX);
	if (ob_base45_encode(out, z, zlen) < 0 || out->oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	if (rc)
		ob_buf_truncate(out, start);
	json_decref(v);
	ob_buf_release(&text);
	free(z);
	return rc;
}

ob_code ob_qr_payload_decode(const char *payload, size_t len, ob_buf *out, ob_error *err)
{
	ob_buf z = OB_BUF_INIT;
	size_t plen = strlen(OB_QR_PREFIX), start = out->len;
	ob_code rc;

	/* Scanners end their output with a newline; space is base45, so only
	 * CR and LF are trimmed. */
	while (len && (payload[len - 1] == '\n' || payload[len - 1] == '\r'))
		len--;
	if (len < plen || memcmp(payload, OB_QR_PREFIX, plen) != 0)
		return ob_fail(err, OB_EPARSE, "not a QR credential payload (no '%s' prefix)",
			       OB_QR_PREFIX);
	rc = ob_base45_decode(&z, payload + plen, len - plen, err);
	if (rc)
		goto out;
	rc = ob_inflate_capped((const unsigned char *)z.data, z.len, out, "QR payload", err);
	if (rc)
		goto out;
	if (memchr(out->data + start, '\0', out->len - start))
		rc = ob_fail(err, OB_EPARSE, "invalid QR payload: credential text contains NUL");
out:
	if (rc)
		ob_buf_truncate(out, start);
	ob_buf_release(&z);
	return rc;
}

ob_qr *ob_qr_encode(const char *text, char ecc, int max_version, ob_error *err)
{
	QRecLevel level;
	QRcode *code = NULL;
	ob_qr *qr = NULL;

	switch (ecc) {
	case 'L': case 'l': level = QR_ECLEVEL_L; break;
	case 'M': case 'm': level = QR_ECLEVEL_M; break;
	case 'Q': case 'q': level = QR_ECLEVEL_Q; break;
	case 'H': case 'h': level = QR_ECLEVEL_H; break;
	default:
		ob_fail(err, OB_EUSAGE, "invalid error correction level '%c' (use L, M, Q or H)", ecc);
		goto out;
	}
	if (max_version < 1 || max_version > 40) {
		ob_fail(err, OB_EUSAGE, "invalid QR version limit %d (1 to 40)", max_version);
		goto out;
	}
	if (!*text) {
		ob_fail(err, OB_EUSAGE, "nothing to put in the QR code");
		goto out;
	}
	/* Version 0 lets libqrencode pick the smallest that fits; it splits
	 * the text into numeric, alphanumeric and byte segments itself. */
	errno = 0;
	code = QRcode_encodeString(text, 0, level, QR_MODE_8, 1);
	if (!code) {
		if (errno == ERANGE)
			ob_fail(err, OB_EINVALID, "credential too large for one QR code "
				"(needs more than version 40): use --url to encode a link instead");
		else if (errno == ENOMEM)
			ob_fail(err, OB_ENOMEM, "out of memory");
		else
			ob_fail(err, OB_EUSAGE, "cannot encode QR code: %s",
				strerror(errno ? errno : EINVAL));
		goto out;
	}
	if (code->version > max_version) {
		ob_fail(err, OB_EINVALID, "credential too large for one QR code "
			"(needs version %d, limit %d): use --url to encode a link instead",
			code->version, max_version);
		goto out;
	}
	qr = malloc(sizeof(*qr));
	if (!qr) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	qr->code = code;
	code = NULL;
out:
	if (code)
		QRcode_free(code);
	return qr;
}

void ob_qr_free(ob_qr *qr)
{
	if (!qr)
		return;
	QRcode_free(qr->code);
	free(qr);
}

int ob_qr_version(const ob_qr *qr)
{
	return qr->code->version;
}

int ob_qr_width(const ob_qr *qr)
{
	return qr->code->width;
}

int ob_qr_module(const ob_qr *qr, int x, int y)
{
	int w = qr->code->width;

	if (x < 0 || y < 0 || x >= w || y >= w)
		return 0;
	return qr->code->data[y * w + x] & 1;
}

/* Terminal: each cell holds two module rows. The glyph draws the LIGHT
 * modules (as qrencode -t ANSIUTF8 does): a tty gets bright white on
 * black around each line, so the code is dark-on-light on any terminal
 * theme; without colours (a pipe, a file, NO_COLOR) the default light
 * text on a dark terminal still reads right. */
ob_code ob_qr_render_terminal(const ob_qr *qr, FILE *out, ob_error *err)
{
	static const char *const glyph[4] = {
		/* index: top light | bottom light << 1 */
		" ", "\xe2\x96\x80" /* ▀ */, "\xe2\x96\x84" /* ▄ */, "\xe2\x96\x88" /* █ */
	};
	const char *nc = getenv("NO_COLOR");
	int colour = isatty(fileno(out)) && !(nc && *nc);
	int w = ob_qr_width(qr), x, y;

	for (y = -QUIET; y < w + QUIET; y += 2) {
		if (colour)
			fputs("\x1b[97;40m", out);
		for (x = -QUIET; x < w + QUIET; x++) {
			/* the row below the last is outside the code: light */
			int top = !ob_qr_module(qr, x, y);
			int bottom = !ob_qr_module(qr, x, y + 1);
			fputs(glyph[top | bottom << 1], out);
		}
		if (colour)
			fputs("\x1b[0m", out);
		fputc('\n', out);
	}
	if (fflush(out) != 0 || ferror(out))
		return ob_fail(err, OB_EIO, "cannot write QR code: %s", strerror(errno));
	return OB_OK;
}

int ob_qr_terminal_columns(const ob_qr *qr)
{
	return ob_qr_width(qr) + 2 * QUIET;
}

int ob_qr_terminal_width(FILE *f)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	char *end;
	long n;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (!c || !*c)
		return 0;
	n = strtol(c, &end, 10);
	return *end || n <= 0 || n > 100000 ? 0 : (int)n;
}

ob_code ob_qr_write_png(const ob_qr *qr, const char *path, int scale, ob_error *err)
{
	png_image img;
	unsigned char *pix = NULL, *png = NULL;
	png_alloc_size_t png_len = 0;
	int w = ob_qr_width(qr), side, x, y;
	ob_code rc = OB_OK;

	if (scale < 1 || (w + 2 * QUIET) * scale > MAX_PNG_SIDE)
		return ob_fail(err, OB_EUSAGE, "invalid PNG scale %d", scale);
	side = (w + 2 * QUIET) * scale;
	pix = malloc((size_t)side * (size_t)side);
	if (!pix)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++)
			pix[(size_t)y * side + x] =
				ob_qr_module(qr, x / scale - QUIET, y / scale - QUIET) ? 0 : 255;

	/* libpng's simplified API: no setjmp, errors land in img.message */
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)side;
	img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_GRAY;
	/* first call sizes the image, second writes it */
	if (!png_image_write_to_memory(&img, NULL, &png_len, 0, pix, 0, NULL) ||
	    !(png = malloc(png_len)) ||
	    !png_image_write_to_memory(&img, png, &png_len, 0, pix, 0, NULL)) {
		rc = ob_fail(err, OB_EIO, "cannot encode PNG '%s': %s", path,
			     img.message[0] ? img.message : "out of memory");
		goto out;
	}
	rc = ob_write_file_atomic(path, png, png_len, 0644, 1, err);
out:
	png_image_free(&img);
	free(png);
	free(pix);
	return rc;
}

ob_code ob_qr_write_svg(const ob_qr *qr, const char *path, ob_error *err)
{
	ob_buf svg = OB_BUF_INIT;
	int w = ob_qr_width(qr), side = w + 2 * QUIET, x, y;
	ob_code rc;

	ob_buf_addf(&svg,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n"
		    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
		    "<path fill=\"#000\" d=\"",
		    side * 4, side * 4, side, side, side, side);
	/* one rectangle per horizontal run of dark modules */
	for (y = 0; y < w; y++) {
		for (x = 0; x < w; ) {
			int run = 0;
			while (x + run < w && ob_qr_module(qr, x + run, y))
				run++;
			if (run) {
				ob_buf_addf(&svg, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
				x += run;
			} else
				x++;
		}
	}
	ob_buf_adds(&svg, "\"/>\n</svg>\n");
	if (svg.oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		rc = ob_write_file_atomic(path, svg.data, svg.len, 0644, 1, err);
	ob_buf_release(&svg);
	return rc;
}
