#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "check.h"
#include "base/codec.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "base/obkit.h"
#include "base/inflate.h"
#include "io/qr.h"

static char tmpdir[] = "/tmp/test_qr.XXXXXX";

static char *read_vector(const char *name, size_t *len)
{
	char path[4096];
	char *data = NULL;
	ob_error err = { 0 };

	snprintf(path, sizeof(path), "%s/vectors/signed/%s", shared_dir(), name);
	if (ob_file_read(path, OB_JSON_MAX_SIZE, &data, len, &err)) {
		fprintf(stderr, "test_qr: %s\n", err.msg);
		return NULL;
	}
	return data;
}

static int in_alnum_set(const char *s, size_t len)
{
	static const char set[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	size_t i;

	for (i = 0; i < len; i++)
		if (!s[i] || !strchr(set, s[i]))
			return 0;
	return 1;
}

/* Decodes an image with zbarimg; returns its output (heap) or NULL. */
static char *zbar(const char *path)
{
	char cmd[4200];
	ob_buf out = OB_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		ob_buf_add(&out, chunk, n);
	if (pclose(p) != 0) {
		ob_buf_release(&out);
		return NULL;
	}
	while (out.len && out.data[out.len - 1] == '\n')
		out.data[--out.len] = '\0';
	return ob_buf_detach(&out, NULL);
}

static int have_zbarimg(void)
{
	return system("command -v zbarimg >/dev/null 2>&1") == 0;
}

/* Paints the SVG path's runs ("Mx yhNv1h-Nz") and compares with the
 * modules: every dark module once, nothing in the quiet zone. */
static int svg_matches(const ob_qr *qr, const char *svg)
{
	int w = ob_qr_width(qr), x, y, run, n, i, ok = 1;
	unsigned char *m = calloc((size_t)w * w, 1);
	const char *p = strstr(svg, " d=\"");

	if (!m || !p) {
		free(m);
		return 0;
	}
	for (p += 4; *p == 'M'; p += n) {
		if (sscanf(p, "M%d %dh%dv1h-%*dz%n", &x, &y, &run, &n) != 3) {
			ok = 0;
			break;
		}
		x -= 4;
		y -= 4;
		for (i = 0; i < run; i++) {
			if (x + i < 0 || x + i >= w || y < 0 || y >= w || m[y * w + x + i])
				ok = 0;
			else
				m[y * w + x + i] = 1;
		}
	}
	if (*p != '"')
		ok = 0;
	for (y = 0; ok && y < w; y++)
		for (x = 0; x < w; x++)
			if (m[y * w + x] != ob_qr_module(qr, x, y))
				ok = 0;
	free(m);
	return ok;
}

static void test_json_round_trip(void)
{
	ob_buf payload = OB_BUF_INIT, back = OB_BUF_INIT, compact = OB_BUF_INIT;
	ob_error err = { 0 };
	size_t len;
	char *doc = read_vector("03-ob3-v2-eddsa-jcs-2022.json", &len);
	json_t *orig = NULL, *dec = NULL;
	ob_qr *qr = NULL;

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK(ob_qr_payload_encode(doc, len, &payload, &err) == OB_OK);
	CHECK(strncmp(payload.data, "VC1-", 4) == 0);
	CHECK(in_alnum_set(payload.data, payload.len));
	CHECK(ob_qr_payload_decode(payload.data, payload.len, &back, &err) == OB_OK);
	orig = ob_json_parse(doc, len, &err);
	CHECK(orig != NULL);
	CHECK(ob_json_write(&compact, orig, OB_JSON_COMPACT) == 0);
	CHECK_STR(back.data, compact.data);
	dec = ob_json_parse(back.data, back.len, &err);
	CHECK(dec != NULL);
	CHECK(json_equal(orig, dec));

	/* a trailing newline (as scanners print) is accepted */
	ob_buf_addc(&payload, '\n');
	ob_buf_release(&back);
	CHECK(ob_qr_payload_decode(payload.data, payload.len, &back, &err) == OB_OK);
	CHECK_STR(back.data, compact.data);
	payload.data[--payload.len] = '\0';

	qr = ob_qr_encode(payload.data, 'L', OB_QR_MAX_VERSION, &err);
	CHECK(qr != NULL);
	if (qr) {
		CHECK(ob_qr_width(qr) == 17 + 4 * ob_qr_version(qr));
		printf("test_qr: vector 03: %zu bytes -> %zu compact -> payload %zu chars, "
		       "QR version %d (ECC L)\n", len, compact.len, payload.len, ob_qr_version(qr));
	}
	CHECK(err.code == OB_OK);

	ob_qr_free(qr);
	json_decref(orig);
	json_decref(dec);
	ob_buf_release(&payload);
	ob_buf_release(&back);
	ob_buf_release(&compact);
	free(doc);
}

static void test_jwt_round_trip(void)
{
	ob_buf payload = OB_BUF_INIT, back = OB_BUF_INIT;
	ob_error err = { 0 };
	size_t len;
	char *jwt = read_vector("04-ob3-v2-vc-jwt-eddsa.jwt", &len);

	CHECK(jwt != NULL);
	if (!jwt)
		return;
	CHECK(ob_qr_payload_encode(jwt, len, &payload, &err) == OB_OK);
	CHECK(in_alnum_set(payload.data, payload.len));
	CHECK(ob_qr_payload_decode(payload.data, payload.len, &back, &err) == OB_OK);
	while (len && (jwt[len - 1] == '\n' || jwt[len - 1] == '\r' || jwt[len - 1] == ' '))
		jwt[--len] = '\0';
	CHECK(back.len == len);
	CHECK_STR(back.data, jwt);
	CHECK(err.code == OB_OK);
	ob_buf_release(&payload);
	ob_buf_release(&back);
	free(jwt);
}

static void test_encode_refuses(void)
{
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };

	ob_buf_adds(&out, "keep");
	CHECK(ob_qr_payload_encode("hello world", 11, &out, &err) == OB_EPARSE);
	CHECK_STR(out.data, "keep");
	ob_error_clear(&err);
	CHECK(ob_qr_payload_encode("{\"a\":1,\"a\":2}", 13, &out, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "invalid JSON") != NULL);
	ob_error_clear(&err);
	CHECK(ob_qr_payload_encode("", 0, &out, &err) == OB_EPARSE);
	ob_error_clear(&err);
	CHECK(ob_qr_payload_encode("a..c", 4, &out, &err) == OB_EPARSE);
	CHECK_STR(out.data, "keep");
	ob_buf_release(&out);
}

static void test_decode_refuses(void)
{
	ob_buf out = OB_BUF_INIT, bomb = OB_BUF_INIT;
	ob_error err = { 0 };
	unsigned char *zeros = NULL, *z = NULL;
	uLongf zlen;
	size_t big = OB_INFLATE_MAX + 1;
	const char *good = NULL;
	ob_buf payload = OB_BUF_INIT;

	ob_buf_adds(&out, "keep");
	CHECK(ob_qr_payload_decode("HC1:6BFOXN", 10, &out, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "VC1-") != NULL);
	ob_error_clear(&err);
	CHECK(ob_qr_payload_decode("VC1", 3, &out, &err) == OB_EPARSE);
	ob_error_clear(&err);
	/* lower case is outside base45 */
	CHECK(ob_qr_payload_decode("VC1-abc", 7, &out, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "base45") != NULL);
	ob_error_clear(&err);
	CHECK(ob_qr_payload_decode("VC1-ABCD", 8, &out, &err) == OB_EPARSE);
	ob_error_clear(&err);
	/* valid base45, not zlib */
	CHECK(ob_qr_payload_encode("{\"a\":\"b\"}", 9, &payload, &err) == OB_OK);
	good = payload.data;
	CHECK(ob_qr_payload_decode("VC1-%69 VD92EX0", 15, &out, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "zlib") != NULL);
	ob_error_clear(&err);
	/* truncated stream: keep whole base45 triples, drop the last one */
	CHECK(payload.len > 10);
	CHECK(ob_qr_payload_decode(good, 4 + ((payload.len - 4) / 3 - 1) * 3, &out, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "zlib") != NULL);
	ob_error_clear(&err);
	/* a flipped byte in the middle breaks the stream or its Adler-32 */
	payload.data[8] = payload.data[8] == '0' ? '1' : '0';
	CHECK(ob_qr_payload_decode(good, payload.len, &out, &err) == OB_EPARSE);
	ob_error_clear(&err);
	CHECK_STR(out.data, "keep");

	/* zip bomb: all zeros stop at the ratio budget long before the cap */
	zeros = calloc(big, 1);
	zlen = compressBound(big);
	z = malloc(zlen);
	CHECK(zeros && z);
	if (zeros && z) {
		CHECK(compress2(z, &zlen, zeros, big, 9) == Z_OK);
		ob_buf_adds(&bomb, "VC1-");
		CHECK(ob_base45_encode(&bomb, z, zlen) == 0);
		CHECK(ob_qr_payload_decode(bomb.data, bomb.len, &out, &err) == OB_ELIMIT);
		CHECK(strstr(err.msg, "times its size") != NULL);
		ob_error_clear(&err);
		CHECK_STR(out.data, "keep");
		/* bytes that do not compress: one byte over the absolute cap */
		for (size_t i = 0; i < big; i++)
			zeros[i] = (unsigned char)(1 + (i * 2654435761u >> 13) % 255);
		ob_buf_release(&bomb);
		zlen = compressBound(big);
		CHECK(compress2(z, &zlen, zeros, big, 0) == Z_OK);
		ob_buf_adds(&bomb, "VC1-");
		ob_base45_encode(&bomb, z, zlen);
		CHECK(ob_qr_payload_decode(bomb.data, bomb.len, &out, &err) == OB_ELIMIT);
		CHECK(strstr(err.msg, "more than") != NULL);
		ob_error_clear(&err);
		CHECK_STR(out.data, "keep");
		/* exactly at the cap inflates */
		ob_buf_release(&bomb);
		zlen = compressBound(big - 1);
		CHECK(compress2(z, &zlen, zeros, big - 1, 0) == Z_OK);
		ob_buf_adds(&bomb, "VC1-");
		ob_base45_encode(&bomb, z, zlen);
		ob_buf_release(&out);
		CHECK(ob_qr_payload_decode(bomb.data, bomb.len, &out, &err) == OB_OK);
		CHECK(out.len == big - 1);
	}
	free(zeros);
	free(z);
	ob_buf_release(&bomb);
	ob_buf_release(&payload);
	ob_buf_release(&out);
}

static void test_url_and_outputs(void)
{
	const char *url = "https://wallet.example.org/c/5f7c1a52-3d1e-4b8f-9a3e-0c2b6d1e4a03";
	ob_error err = { 0 };
	ob_qr *qr = ob_qr_encode(url, 'M', OB_QR_MAX_VERSION, &err);
	char png[4200], svg[4200];
	char *got, *text = NULL;
	size_t len;

	CHECK(qr != NULL);
	if (!qr)
		return;
	CHECK(ob_qr_version(qr) >= 1 && ob_qr_version(qr) <= 5);
	CHECK(ob_qr_width(qr) == 17 + 4 * ob_qr_version(qr));
	CHECK(ob_qr_module(qr, 0, 0) == 1);     /* finder pattern corner */
	CHECK(ob_qr_module(qr, -1, 0) == 0);    /* quiet zone */
	CHECK(ob_qr_module(qr, 0, ob_qr_width(qr)) == 0);

	snprintf(png, sizeof(png), "%s/url.png", tmpdir);
	snprintf(svg, sizeof(svg), "%s/url.svg", tmpdir);
	CHECK(ob_qr_write_png(qr, png, 4, &err) == OB_OK);
	CHECK(ob_qr_write_png(qr, png, 4, &err) == OB_OK); /* overwrite */
	CHECK(ob_qr_write_png(qr, png, 0, &err) == OB_EUSAGE);
	ob_error_clear(&err);
	CHECK(access(png, R_OK) == 0);
	if (!have_zbarimg()) {
		fprintf(stderr, "test_qr: zbarimg not found (install zbar-tools: make deps)\n");
		CHECK(!"zbarimg available");
	} else {
		got = zbar(png);
		CHECK_STR(got, url);
		free(got);
	}

	CHECK(ob_qr_write_svg(qr, svg, &err) == OB_OK);
	if (ob_file_read(svg, 1 << 20, &text, &len, &err) == OB_OK) {
		CHECK(strncmp(text, "<?xml", 5) == 0 || strncmp(text, "<svg", 4) == 0);
		CHECK(strstr(text, "viewBox=\"0 0 ") != NULL);
		CHECK(strstr(text, "<path") != NULL);
		CHECK(strstr(text, "fill=\"#fff\"") != NULL);
		CHECK(len > 7 && strcmp(text + len - 7, "</svg>\n") == 0);
		CHECK(svg_matches(qr, text));
	} else
		CHECK(!"svg readable");
	free(text);
	CHECK(ob_qr_write_svg(qr, "/nonexistent-dir/x.svg", &err) == OB_EIO);
	ob_qr_free(qr);
}

/* The offline payload of vector 03, written as PNG, reads back exactly. */
static void test_payload_png(void)
{
	ob_buf payload = OB_BUF_INIT;
	ob_error err = { 0 };
	size_t len;
	char *doc = read_vector("03-ob3-v2-eddsa-jcs-2022.json", &len);
	char png[4200];
	ob_qr *qr = NULL;
	char *got;

	if (!doc || ob_qr_payload_encode(doc, len, &payload, &err) != OB_OK) {
		CHECK(!"payload of vector 03");
		goto out;
	}
	qr = ob_qr_encode(payload.data, 'L', OB_QR_MAX_VERSION, &err);
	CHECK(qr != NULL);
	if (!qr)
		goto out;
	snprintf(png, sizeof(png), "%s/vc.png", tmpdir);
	CHECK(ob_qr_write_png(qr, png, 6, &err) == OB_OK);
	if (!have_zbarimg()) {
		CHECK(!"zbarimg available");
		goto out;
	}
	got = zbar(png);
	CHECK_STR(got, payload.data);
	free(got);
out:
	ob_qr_free(qr);
	ob_buf_release(&payload);
	free(doc);
}

static void test_too_large(void)
{
	ob_buf doc = OB_BUF_INIT, payload = OB_BUF_INIT;
	ob_error err = { 0 };
	unsigned x = 12345;
	int i;
	ob_qr *qr;

	/* pseudo-random hex barely compresses */
	ob_buf_adds(&doc, "{\"noise\":\"");
	for (i = 0; i < 8000; i++) {
		x = x * 1103515245u + 12345u;
		ob_buf_addc(&doc, "0123456789abcdef"[(x >> 16) & 15]);
	}
	ob_buf_adds(&doc, "\"}");
	CHECK(ob_qr_payload_encode(doc.data, doc.len, &payload, &err) == OB_OK);
	qr = ob_qr_encode(payload.data, 'L', OB_QR_MAX_VERSION, &err);
	CHECK(qr == NULL);
	CHECK(err.code == OB_EINVALID);
	CHECK(strstr(err.msg, "too large") != NULL);
	CHECK(strstr(err.msg, "--url") != NULL);
	ob_qr_free(qr);
	ob_buf_release(&payload);
	ob_error_clear(&err);

	/* fits QR, but not a low limit: the message names both versions */
	qr = ob_qr_encode("VC1-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
			  'H', 2, &err);
	CHECK(qr == NULL);
	CHECK(err.code == OB_EINVALID);
	CHECK(strstr(err.msg, "limit 2") != NULL);
	CHECK(strstr(err.msg, "--url") != NULL);
	ob_error_clear(&err);

	CHECK(ob_qr_encode("x", 'X', 40, &err) == NULL);
	CHECK(err.code == OB_EUSAGE);
	ob_error_clear(&err);
	CHECK(ob_qr_encode("x", 'L', 41, &err) == NULL);
	CHECK(err.code == OB_EUSAGE);
	ob_error_clear(&err);
	CHECK(ob_qr_encode("", 'L', 40, &err) == NULL);
	CHECK(err.code == OB_EUSAGE);
	ob_buf_release(&doc);
}

static void test_terminal(void)
{
	ob_error err = { 0 };
	ob_qr *qr = ob_qr_encode("https://example.org/b/1", 'M', 40, &err);
	FILE *f = tmpfile();
	char line[4096];
	int lines = 0, good_width = 1, same = 1, w, x, y;

	CHECK(qr && f);
	if (!qr || !f)
		goto out;
	w = ob_qr_width(qr);
	CHECK(ob_qr_render_terminal(qr, f, &err) == OB_OK);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line), i, cells = 0;
		for (i = 0; i < n; i++)
			if ((unsigned char)line[i] == 0x1b)
				good_width = 0; /* no escapes outside a tty */
		for (i = 0; i + 1 < n; ) {
			if (line[i] == ' ')
				i++;
			else if ((unsigned char)line[i] == 0xe2)
				i += 3;
			else
				break;
			cells++;
		}
		if (cells != (size_t)w + 8 || line[n - 1] != '\n')
			good_width = 0;
		lines++;
	}
	CHECK(lines == (w + 8 + 1) / 2);
	CHECK(good_width);

	/* read the glyphs back into modules: they draw the light ones */
	rewind(f);
	for (y = -4; good_width && fgets(line, sizeof(line), f); y += 2) {
		const char *p = line;
		for (x = -4; x < w + 4; x++) {
			int top = 1, bottom = 1;
			if (*p == ' ')
				p++;
			else {
				top = strncmp(p, "\xe2\x96\x84", 3) == 0;    /* ▄: top dark */
				bottom = strncmp(p, "\xe2\x96\x80", 3) == 0; /* ▀: bottom dark */
				if (strncmp(p, "\xe2\x96\x88", 3) == 0)       /* █ */
					top = bottom = 0;
				p += 3;
			}
			if (top != ob_qr_module(qr, x, y) || bottom != ob_qr_module(qr, x, y + 1))
				same = 0;
		}
	}
	CHECK(same);
out:
	if (f)
		fclose(f);
	ob_qr_free(qr);
}

int main(void)
{
	char cmd[64];

	ob_init();
	if (!mkdtemp(tmpdir)) {
		perror("test_qr: mkdtemp");
		return 1;
	}
	test_json_round_trip();
	test_jwt_round_trip();
	test_encode_refuses();
	test_decode_refuses();
	test_url_and_outputs();
	test_payload_png();
	test_too_large();
	test_terminal();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_qr: cannot remove %s\n", tmpdir);
	return check_done("test_qr");
}
