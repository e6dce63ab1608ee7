/* source: arguments to bytes, carriers peeled down to credential text. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <png.h>

#include "check.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "io/loader.h"
#include "io/qr.h"
#include "io/source.h"

static char tmpdir[] = "/tmp/test_source.XXXXXX";

#define VEC "vectors/signed/01-ob3-v2-eddsa-rdfc-2022.json"
#define JWT "vectors/signed/04-ob3-v2-vc-jwt-eddsa.jwt"
#define SAMPLES "conformance/1edtech-validator-samples/ob30"

static char *shared_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", shared_dir(), name);
	return path;
}

static char *tmp_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static char *slurp(const char *path, size_t *len)
{
	char *d = NULL;
	ob_error err = { 0 };

	if (ob_file_read(path, 64u * 1024 * 1024, &d, len, &err))
		fprintf(stderr, "test_source: %s\n", err.msg);
	return d;
}

static int put(const char *path, const char *text)
{
	ob_error err = { 0 };

	return ob_write_file_atomic(path, text, strlen(text), 0644, 1, &err) == OB_OK;
}

/* Unwraps data; returns the text (heap) or NULL, sets *how and *code. */
static char *unwrap(const char *data, size_t len, ob_loader *l, const char **how, ob_code *code,
		    ob_error *err)
{
	ob_buf out = OB_BUF_INIT;

	ob_error_clear(err);
	*how = NULL;
	*code = ob_source_unwrap(data, len, l, &out, how, err);
	if (*code) {
		/* failure leaves out untouched */
		CHECK(out.len == 0);
		ob_buf_release(&out);
		return NULL;
	}
	return ob_buf_detach(&out, NULL);
}

/* Both texts parse to equal JSON. */
static int same_json(const char *a, const char *b)
{
	ob_error err = { 0 };
	json_t *x = a ? ob_json_parse(a, strlen(a), &err) : NULL;
	json_t *y = b ? ob_json_parse(b, strlen(b), &err) : NULL;
	int eq = x && y && json_equal(x, y);

	json_decref(x);
	json_decref(y);
	return eq;
}

static int qr_png(const char *text, const char *path)
{
	ob_error err = { 0 };
	ob_qr *qr = ob_qr_encode(text, 'L', 40, &err);
	int ok = qr && ob_qr_write_png(qr, path, 4, &err) == OB_OK;

	ob_qr_free(qr);
	return ok;
}

/* a PNG with neither a baked credential nor a QR code, and a broken one */
static void plain_png(ob_loader *l)
{
	const char *how;
	ob_code code;
	ob_error err = { 0 };
	char *got;
	/* a plain white page */
	unsigned char white[64 * 64], *png = NULL;
	png_alloc_size_t pn = 0;
	png_image pi;

	memset(white, 255, sizeof(white));
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = pi.height = 64;
	pi.format = PNG_FORMAT_GRAY;
	if (png_image_write_to_memory(&pi, NULL, &pn, 0, white, 0, NULL))
		png = malloc(pn);
	CHECK(png && png_image_write_to_memory(&pi, png, &pn, 0, white, 0, NULL));
	if (png) {
		got = unwrap((const char *)png, pn, l, &how, &code, &err);
		CHECK(!got && code == OB_EINVALID);
		CHECK_STR(err.msg, "no Open Badges credential or QR code in this PNG image");
		png[30] ^= 1; /* IHDR CRC */
		got = unwrap((const char *)png, pn, l, &how, &code, &err);
		CHECK(!got && code == OB_EPARSE);
		CHECK(strstr(err.msg, "CRC") != NULL);
	}
	free(png);
	ob_error_clear(&err);
}

int main(void)
{
	ob_loader *l = ob_loader_new();
	ob_buf b = OB_BUF_INIT, payload = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_code code;
	const char *how;
	char *doc = NULL, *jwt = NULL, *img = NULL, *got = NULL;
	size_t doclen = 0, jwtlen = 0, n;
	char text[8192];

	if (!mkdtemp(tmpdir) || !l)
		return 1;
	doc = slurp(shared_path(VEC), &doclen);
	jwt = slurp(shared_path(JWT), &jwtlen);
	CHECK(doc && jwt);
	if (!doc || !jwt)
		goto out;

	/* ---- ob_source_read ---- */
	CHECK(ob_source_read(shared_path(VEC), NULL, &b, &err) == OB_OK);
	CHECK(b.len == doclen && !memcmp(b.data, doc, doclen));
	ob_buf_release(&b);
	ob_error_clear(&err);
	CHECK(ob_source_read(tmpdir, NULL, &b, &err) == OB_EUSAGE);
	CHECK(strstr(err.msg, "is a directory") != NULL);
	ob_error_clear(&err);
	CHECK(ob_source_read(tmp_path("missing.json"), NULL, &b, &err) == OB_EIO);
	CHECK(b.len == 0);
	ob_error_clear(&err);
	CHECK(ob_source_read("https://issuer.example/c/1.json", NULL, &b, &err) == OB_EUSAGE);
	CHECK(strstr(err.msg, "URLs need network access") != NULL);
	CHECK(ob_loader_add(l, "https://issuer.example/c/1.json", shared_path(VEC), &err) == OB_OK);
	ob_error_clear(&err);
	CHECK(ob_source_read("https://issuer.example/c/1.json", l, &b, &err) == OB_OK);
	CHECK(b.len == doclen && !memcmp(b.data, doc, doclen));
	ob_buf_release(&b);

	/* ---- plain text passes through ---- */
	got = unwrap(doc, doclen, l, &how, &code, &err);
	CHECK(got && !strcmp(got, doc));
	CHECK_STR(how, "file");
	free(got);
	snprintf(text, sizeof(text), "\xef\xbb\xbf%s", jwt);
	got = unwrap(text, strlen(text), l, &how, &code, &err);
	CHECK(got && !strcmp(got, jwt)); /* BOM dropped */
	free(got);

	/* ---- VC1- payload, bare and inside a QR image ---- */
	CHECK(ob_qr_payload_encode(doc, doclen, &payload, &err) == OB_OK);
	got = unwrap(payload.data, payload.len, l, &how, &code, &err);
	CHECK(same_json(got, doc));
	CHECK_STR(how, "QR payload");
	free(got);
	CHECK(qr_png(payload.data, tmp_path("qr.png")));
	img = slurp(tmp_path("qr.png"), &n);
	got = img ? unwrap(img, n, l, &how, &code, &err) : NULL;
	CHECK(same_json(got, doc));
	CHECK_STR(how, "QR code");
	free(got);
	free(img);

	/* ---- links: the verifier page's ?url= and a direct one ---- */
	CHECK(qr_png("https://verify.example:8443/verify?lang=en&url=https%3A%2F%2Fissuer.example%2Fc%2F1.json#x",
		     tmp_path("link.png")));
	img = slurp(tmp_path("link.png"), &n);
	got = img ? unwrap(img, n, l, &how, &code, &err) : NULL;
	CHECK(got && !strcmp(got, doc));
	CHECK_STR(how, "QR code link");
	free(got);
	free(img);
	got = unwrap("https://issuer.example/c/1.json\n", 32, l, &how, &code, &err);
	CHECK(got && !strcmp(got, doc));
	CHECK_STR(how, "link");
	free(got);
	got = unwrap("https://v.example/verify?url=https://issuer.example/c/%ZZ", 57, l, &how, &code, &err);
	CHECK(!got && code == OB_EPARSE);
	CHECK(strstr(err.msg, "malformed verifier link") != NULL);
	got = unwrap("https://issuer.example/c/1.json", 31, NULL, &how, &code, &err);
	CHECK(!got && code == OB_EUSAGE);
	got = unwrap("https://issuer.example/c/2.json", 31, l, &how, &code, &err);
	CHECK(!got && code == OB_ENET);
	CHECK(strstr(err.msg, "https://issuer.example/c/2.json") != NULL);

	/* ---- baked badges ---- */
	img = slurp(shared_path(SAMPLES "/simple-json.png"), &n);
	got = img ? unwrap(img, n, l, &how, &code, &err) : NULL;
	CHECK(got && got[0] == '{');
	CHECK_STR(how, "baked PNG badge");
	free(got);
	free(img);
	img = slurp(shared_path(SAMPLES "/simple-jwt.svg"), &n);
	got = img ? unwrap(img, n, l, &how, &code, &err) : NULL;
	CHECK(got && !strchr(got, '{') && strchr(got, '.'));
	CHECK_STR(how, "baked SVG badge");
	free(got);
	free(img);

	plain_png(l);

	/* ---- layers: three links deep is fine, four is refused ---- */
	CHECK(put(tmp_path("l1"), "https://issuer.example/c/1.json"));
	CHECK(put(tmp_path("l2"), "https://h.example/l1"));
	CHECK(put(tmp_path("l3"), "https://h.example/l2"));
	CHECK(ob_loader_add(l, "https://h.example/l1", tmp_path("l1"), &err) == OB_OK);
	CHECK(ob_loader_add(l, "https://h.example/l2", tmp_path("l2"), &err) == OB_OK);
	CHECK(ob_loader_add(l, "https://h.example/l3", tmp_path("l3"), &err) == OB_OK);
	got = unwrap("https://h.example/l2", 20, l, &how, &code, &err);
	CHECK(got && !strcmp(got, doc));
	free(got);
	got = unwrap("https://h.example/l3", 20, l, &how, &code, &err);
	CHECK(!got && code == OB_EPARSE);
	CHECK(strstr(err.msg, "more than 3 layers") != NULL);

	/* prose that merely starts like a link is text, for verify to judge */
	got = unwrap("https://a.example/ is where it lives", 36, l, &how, &code, &err);
	CHECK(got && !strcmp(got, "https://a.example/ is where it lives"));
	free(got);
out:
	unlink(tmp_path("qr.png"));
	unlink(tmp_path("link.png"));
	unlink(tmp_path("l1"));
	unlink(tmp_path("l2"));
	unlink(tmp_path("l3"));
	rmdir(tmpdir);
	ob_loader_free(l);
	ob_buf_release(&b);
	ob_buf_release(&payload);
	free(doc);
	free(jwt);
	printf("test_source: %d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
