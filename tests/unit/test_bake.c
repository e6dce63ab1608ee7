#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "io/bake.h"
#include "check.h"
#include "base/json.h"
#include "base/obkit.h"

static char *read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	char *data = NULL;
	ob_error err = { 0 };

	snprintf(path, sizeof(path), "%s/%s/%s", shared_dir(), dir, name);
	if (ob_file_read(path, 64u * 1024 * 1024, &data, len, &err)) {
		fprintf(stderr, "test_bake: %s\n", err.msg);
		return NULL;
	}
	return data;
}

#define SAMPLES "conformance/1edtech-validator-samples/ob30"
#define VECTORS "vectors/signed"

static size_t count(const char *d, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, c = 0;

	for (i = 0; i + n <= len; i++)
		if (memcmp(d + i, needle, n) == 0)
			c++;
	return c;
}

static size_t dots(const char *s, size_t len)
{
	return count(s, len, ".");
}

/* Extracts from a sample; checks JSON with "id" or a three-part JWT. */
static void check_sample(const char *name, int want_json)
{
	size_t len = 0;
	char *img = read_file(SAMPLES, name, &len);
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };

	CHECK(img != NULL);
	if (!img)
		return;
	CHECK(ob_bake_extract(img, len, &out, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "  %s: %s\n", name, err.msg);
	CHECK(out.len > 0);
	if (want_json) {
		ob_error jerr = { 0 };
		json_t *v = out.data ? ob_json_parse(out.data, out.len, &jerr) : NULL;

		CHECK(v != NULL);
		CHECK(v && ob_json_str(v, "id") != NULL);
		json_decref(v);
	} else {
		CHECK(out.data && dots(out.data, out.len) == 2);
	}
	ob_buf_release(&out);
	free(img);
}

/* Bakes cred into img, checks the round trip, re-bakes and checks there
 * is still one credential, the new one. */
static void check_round_trip(const char *img, size_t len, const char *cred, size_t clen,
			     const char *marker)
{
	ob_buf baked = OB_BUF_INIT, again = OB_BUF_INIT, got = OB_BUF_INIT;
	ob_error err = { 0 };
	static const char other[] = "{\"id\":\"urn:uuid:other\"}";

	CHECK(ob_bake(img, len, cred, clen, &baked, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "  bake: %s\n", err.msg);
	CHECK(ob_bake_sniff(baked.data, baked.len) == ob_bake_sniff(img, len));
	CHECK(ob_bake_extract(baked.data, baked.len, &got, &err) == OB_OK);
	CHECK(got.len == clen && got.data && memcmp(got.data, cred, clen) == 0);
	CHECK(count(baked.data, baked.len, marker) == 1);
	ob_buf_release(&got);

	/* re-bake the same: replaced, not added */
	CHECK(ob_bake(baked.data, baked.len, cred, clen, &again, &err) == OB_OK);
	CHECK(again.len == baked.len && memcmp(again.data, baked.data, baked.len) == 0);
	ob_buf_release(&again);

	CHECK(ob_bake(baked.data, baked.len, other, sizeof(other) - 1, &again, &err) == OB_OK);
	CHECK(count(again.data, again.len, marker) == 1);
	CHECK(ob_bake_extract(again.data, again.len, &got, &err) == OB_OK);
	CHECK_STR(got.data, other);
	CHECK(err.code == OB_OK);
	ob_buf_release(&got);
	ob_buf_release(&again);
	ob_buf_release(&baked);
}

static void add_chunk(ob_buf *b, const char *type, const void *data, size_t len)
{
	unsigned char n[4];
	uLong crc = crc32(0L, Z_NULL, 0);

	n[0] = (unsigned char)(len >> 24);
	n[1] = (unsigned char)(len >> 16);
	n[2] = (unsigned char)(len >> 8);
	n[3] = (unsigned char)len;
	ob_buf_add(b, n, 4);
	ob_buf_add(b, type, 4);
	ob_buf_add(b, data, len);
	crc = crc32(crc, (const Bytef *)type, 4);
	crc = crc32(crc, data, (uInt)len);
	n[0] = (unsigned char)(crc >> 24);
	n[1] = (unsigned char)(crc >> 16);
	n[2] = (unsigned char)(crc >> 8);
	n[3] = (unsigned char)crc;
	ob_buf_add(b, n, 4);
}

/* A 1x1 grey PNG, with an optional iTXt chunk before IDAT. */
static void tiny_png(ob_buf *b, const void *itxt, size_t itxt_len)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0 };
	static const unsigned char raw[2] = { 0, 0x80 };
	unsigned char z[64];
	uLongf zlen = sizeof(z);

	ob_buf_add(b, "\x89PNG\r\n\x1a\n", 8);
	add_chunk(b, "IHDR", ihdr, sizeof(ihdr));
	if (itxt)
		add_chunk(b, "iTXt", itxt, itxt_len);
	compress(z, &zlen, raw, sizeof(raw));
	add_chunk(b, "IDAT", z, zlen);
	add_chunk(b, "IEND", "", 0);
}

static void test_tiny_png(const char *cred, size_t clen)
{
	ob_buf png = OB_BUF_INIT, baked = OB_BUF_INIT, got = OB_BUF_INIT, it = OB_BUF_INIT;
	ob_error err = { 0 };
	unsigned char z[256];
	uLongf zlen = sizeof(z);
	static const char text[] = "{\"id\":\"urn:uuid:compressed\"}";

	tiny_png(&png, NULL, 0);
	CHECK(ob_bake_sniff(png.data, png.len) == OB_IMAGE_PNG);
	CHECK(ob_bake_extract(png.data, png.len, &got, &err) == OB_EPARSE);
	CHECK_STR(err.msg, "no Open Badges credential in this PNG");
	CHECK(got.len == 0);
	check_round_trip(png.data, png.len, cred, clen, OB_BAKE_KEYWORD);

	/* baked chunk sits just before IEND */
	CHECK(ob_bake(png.data, png.len, cred, clen, &baked, &err) == OB_OK);
	CHECK(baked.len == png.len + 12 + 24 + clen);
	CHECK(memcmp(baked.data + png.len - 12 + 4, "iTXt", 4) == 0);
	CHECK(memcmp(baked.data + baked.len - 8, "IEND", 4) == 0);
	ob_buf_release(&baked);

	/* a compressed iTXt chunk (flag 1, method 0) is inflated */
	compress(z, &zlen, (const Bytef *)text, sizeof(text) - 1);
	ob_buf_add(&it, OB_BAKE_KEYWORD "\0\1\0en\0\0", sizeof(OB_BAKE_KEYWORD) + 6);
	ob_buf_add(&it, z, zlen);
	ob_buf_release(&png);
	tiny_png(&png, it.data, it.len);
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake_extract(png.data, png.len, &got, &err) == OB_OK);
	CHECK_STR(got.data, text);
	ob_buf_release(&got);
	/* re-baking drops it: one chunk, uncompressed */
	CHECK(ob_bake(png.data, png.len, cred, clen, &baked, &err) == OB_OK);
	CHECK(count(baked.data, baked.len, OB_BAKE_KEYWORD) == 1);
	CHECK(ob_bake_extract(baked.data, baked.len, &got, &err) == OB_OK);
	CHECK(got.len == clen && memcmp(got.data, cred, clen) == 0);
	ob_buf_release(&got);
	ob_buf_release(&baked);

	/* bad zlib in a compressed chunk */
	it.len = sizeof(OB_BAKE_KEYWORD) + 6;
	ob_buf_add(&it, "garbage", 7);
	ob_buf_release(&png);
	tiny_png(&png, it.data, it.len);
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake_extract(png.data, png.len, &got, &err) == OB_EPARSE);
	CHECK(got.len == 0);

	/* unknown compression flag */
	ob_buf_release(&it);
	ob_buf_add(&it, OB_BAKE_KEYWORD "\0\2\0\0\0x", sizeof(OB_BAKE_KEYWORD) + 5);
	ob_buf_release(&png);
	tiny_png(&png, it.data, it.len);
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake_extract(png.data, png.len, &got, &err) == OB_EPARSE);

	/* iTXt cut short after the keyword */
	ob_buf_release(&png);
	tiny_png(&png, OB_BAKE_KEYWORD "\0\0", sizeof(OB_BAKE_KEYWORD) + 1);
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake_extract(png.data, png.len, &got, &err) == OB_EPARSE);
	ob_buf_release(&png);
	tiny_png(&png, OB_BAKE_KEYWORD "\0\0\0lang", sizeof(OB_BAKE_KEYWORD) + 6);
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake_extract(png.data, png.len, &got, &err) == OB_EPARSE);

	/* a chunk length past the end */
	ob_buf_release(&png);
	tiny_png(&png, NULL, 0);
	png.data[8] = 0x7f;
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake_extract(png.data, png.len, &got, &err) == OB_EPARSE);
	png.data[8] = (char)0xff;
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake(png.data, png.len, cred, clen, &baked, &err) == OB_EPARSE);
	CHECK(baked.len == 0);
	ob_buf_release(&baked);
	ob_buf_release(&got);
	ob_buf_release(&it);
	ob_buf_release(&png);
}

/* Exact-size heap copy, so ASan sees any read past the end. */
static char *dup_exact(const char *d, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (p && len)
		memcpy(p, d, len);
	return p;
}

static void test_png_samples(const char *cred, size_t clen, const char *jwt, size_t jlen)
{
	size_t len = 0, cut;
	char *img = read_file(SAMPLES, "simple-json.png", &len);
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	char *bad;

	CHECK(img != NULL);
	if (!img)
		return;
	CHECK(ob_bake_sniff(img, len) == OB_IMAGE_PNG);
	check_round_trip(img, len, cred, clen, OB_BAKE_KEYWORD);
	check_round_trip(img, len, jwt, jlen, OB_BAKE_KEYWORD);

	/* corrupt CRC: flip a byte inside IHDR's data */
	bad = dup_exact(img, len);
	bad[16] ^= 1;
	CHECK(ob_bake_extract(bad, len, &out, &err) == OB_EPARSE);
	CHECK_STR(err.msg, "PNG chunk CRC mismatch");
	CHECK(out.len == 0);
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake(bad, len, cred, clen, &out, &err) == OB_EPARSE);
	CHECK_STR(err.msg, "PNG chunk CRC mismatch");
	CHECK(out.len == 0);
	free(bad);

	/* truncated files, at many lengths */
	{
		int all_refused = 1;

		for (cut = 8; cut < len; cut += (cut < 200 || cut > len - 40) ? 1 : 997) {
			ob_error e = { 0 };

			bad = dup_exact(img, cut);
			if (ob_bake_extract(bad, cut, &out, &e) != OB_EPARSE || out.len)
				all_refused = 0;
			memset(&e, 0, sizeof(e));
			if (ob_bake(bad, cut, cred, clen, &out, &e) != OB_EPARSE || out.len)
				all_refused = 0;
			free(bad);
		}
		CHECK(all_refused);
	}
	memset(&err, 0, sizeof(err));
	CHECK(ob_bake_extract(img, len - 1, &out, &err) == OB_EPARSE);
	CHECK_STR(err.msg, "truncated PNG");
	ob_buf_release(&out);
	free(img);
}

static void test_svg(const char *cred, size_t clen, const char *jwt, size_t jlen)
{
	size_t len = 0, cut;
	char *img = read_file(SAMPLES, "simple-json.svg", &len);
	ob_buf out = OB_BUF_INIT, got = OB_BUF_INIT;
	ob_error err = { 0 };
	static const char plain[] =
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\"><rect/></svg>";
	static const char tricky[] = "{\"id\":\"urn:x\",\"name\":\"a]]>b]]>\",\"q\":\"<&'\\\"\"}";

	CHECK(img != NULL);
	if (!img)
		return;
	check_round_trip(img, len, cred, clen, "<openbadges:credential");
	check_round_trip(img, len, jwt, jlen, "<openbadges:credential");
	check_round_trip(img, len, tricky, sizeof(tricky) - 1, "<openbadges:credential");
	check_round_trip(plain, sizeof(plain) - 1, cred, clen, "<openbadges:credential");
	check_round_trip(plain, sizeof(plain) - 1, jwt, jlen, "<openbadges:credential");

	/* JSON goes in CDATA, split at "]]>"; a JWS in verify="..." */
	CHECK(ob_bake(plain, sizeof(plain) - 1, tricky, sizeof(tricky) - 1, &out, &err) == OB_OK);
	CHECK(strstr(out.data, "xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"") != NULL);
	CHECK(strstr(out.data, "width=\"1\"><openbadges:credential><![CDATA[{") != NULL);
	CHECK(strstr(out.data, "a]]]]><![CDATA[>b]]]]><![CDATA[>") != NULL);
	{
		json_t *v = NULL;

		CHECK(ob_bake_extract(out.data, out.len, &got, &err) == OB_OK);
		v = ob_json_parse(got.data, got.len, &err);
		CHECK(v && strcmp(ob_json_str(v, "name"), "a]]>b]]>") == 0);
		json_decref(v);
		ob_buf_release(&got);
	}
	ob_buf_release(&out);
	CHECK(ob_bake(plain, sizeof(plain) - 1, jwt, jlen, &out, &err) == OB_OK);
	CHECK(strstr(out.data, "<openbadges:credential verify=\"ey") != NULL);
	CHECK(strstr(out.data, "\"></openbadges:credential><rect/>") != NULL);
	CHECK(count(out.data, out.len, "xmlns:openbadges=") == 1);
	ob_buf_release(&out);
	/* namespace already declared: not added twice */
	CHECK(ob_bake(img, len, jwt, jlen, &out, &err) == OB_OK);
	CHECK(count(out.data, out.len, "xmlns:openbadges=") == 1);
	ob_buf_release(&out);

	/* self-closing root */
	{
		static const char empty[] = "<?xml version=\"1.0\"?><svg/>";

		CHECK(ob_bake(empty, sizeof(empty) - 1, cred, clen, &out, &err) == OB_OK);
		CHECK(ob_bake_sniff(out.data, out.len) == OB_IMAGE_SVG);
		CHECK(out.len > 6 && memcmp(out.data + out.len - 6, "</svg>", 6) == 0);
		CHECK(ob_bake_extract(out.data, out.len, &got, &err) == OB_OK);
		CHECK(got.len == clen && memcmp(got.data, cred, clen) == 0);
		ob_buf_release(&got);
		ob_buf_release(&out);
	}

	/* plain text content and entities, in a verify attribute and text */
	{
		static const char t1[] = "<svg><openbadges:credential verify=\"a.b&amp;&lt;&gt;&quot;&apos;&#65;&#x42;.c\"/></svg>";
		static const char t2[] = "<svg><!-- <openbadges:credential>no</openbadges:credential> -->"
					 "<g><openbadges:credential>\n  {&quot;id&quot;:1} </openbadges:credential></g></svg>";
		static const char t3[] = "<svg><openbadges:credential>&bogus;</openbadges:credential></svg>";
		static const char t4[] = "<svg><openbadges:credential></openbadges:credential></svg>";

		CHECK(ob_bake_extract(t1, sizeof(t1) - 1, &got, &err) == OB_OK);
		CHECK_STR(got.data, "a.b&<>\"'AB.c");
		ob_buf_release(&got);
		CHECK(ob_bake_extract(t2, sizeof(t2) - 1, &got, &err) == OB_OK);
		CHECK_STR(got.data, "{\"id\":1}");
		ob_buf_release(&got);
		CHECK(ob_bake_extract(t3, sizeof(t3) - 1, &got, &err) == OB_EPARSE);
		CHECK(got.len == 0);
		memset(&err, 0, sizeof(err));
		CHECK(ob_bake_extract(t4, sizeof(t4) - 1, &got, &err) == OB_EPARSE);
		memset(&err, 0, sizeof(err));
	}

	/* no credential */
	CHECK(ob_bake_extract(plain, sizeof(plain) - 1, &got, &err) == OB_EPARSE);
	CHECK_STR(err.msg, "no Open Badges credential in this SVG");
	CHECK(got.len == 0);

	/* every truncation of a baked SVG: no crash, no out-of-bounds read */
	{
		int kept = 1;

		for (cut = 0; cut < len; cut++) {
			char *p = dup_exact(img, cut);
			ob_error e = { 0 };
			ob_code rc = ob_bake_extract(p, cut, &got, &e);

			if (rc != OB_OK && got.len)
				kept = 0;
			ob_buf_release(&got);
			memset(&e, 0, sizeof(e));
			rc = ob_bake(p, cut, jwt, jlen, &out, &e);
			if (rc != OB_OK && out.len)
				kept = 0;
			ob_buf_release(&out);
			free(p);
		}
		/* failures leave out as it was */
		CHECK(kept);
	}
	ob_buf_release(&got);
	ob_buf_release(&out);
	free(img);
}

static void test_sniff(const char *json, size_t jlen)
{
	static const char bom_svg[] = "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c > -->\n"
		"<!DOCTYPE svg [ <!ENTITY x \"<>\"> ]>\n  <svg width=\"1\">";

	CHECK(ob_bake_sniff(json, jlen) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff(bom_svg, sizeof(bom_svg) - 1) == OB_IMAGE_SVG);
	CHECK(ob_bake_sniff("<svg>", 5) == OB_IMAGE_SVG);
	CHECK(ob_bake_sniff("<svg/>", 6) == OB_IMAGE_SVG);
	CHECK(ob_bake_sniff("<svgx>", 6) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff("<svg", 4) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff("<html><svg>", 11) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff("x<svg>", 6) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff("<!-- <svg>", 10) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff("\x89PNG\r\n\x1a\n", 8) == OB_IMAGE_PNG);
	CHECK(ob_bake_sniff("\x89PNG\r\n\x1a", 7) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff("\x01\x02garbage\xff", 10) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff("", 0) == OB_IMAGE_NONE);
	CHECK(ob_bake_sniff(NULL, 0) == OB_IMAGE_NONE);
	{
		size_t len = 0;
		char *p = read_file(SAMPLES, "simple-json.svg", &len);

		CHECK(p && ob_bake_sniff(p, len) == OB_IMAGE_SVG);
		free(p);
		p = read_file(SAMPLES, "simple-jwt.png", &len);
		CHECK(p && ob_bake_sniff(p, len) == OB_IMAGE_PNG);
		free(p);
	}
	{
		ob_buf out = OB_BUF_INIT;
		ob_error err = { 0 };

		CHECK(ob_bake_extract(json, jlen, &out, &err) == OB_EPARSE);
		CHECK_STR(err.msg, "not a PNG or SVG image");
		memset(&err, 0, sizeof(err));
		CHECK(ob_bake(json, jlen, json, jlen, &out, &err) == OB_EPARSE);
		memset(&err, 0, sizeof(err));
		CHECK(ob_bake("<svg/>", 6, "", 0, &out, &err) == OB_EUSAGE);
		CHECK(out.len == 0);
		ob_buf_release(&out);
	}
}

/* Budgets: a PNG of 65,537 empty chunks, an SVG of 500,001 items before
 * the credential: OB_ELIMIT, not a long walk. */
static void test_budgets(void)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0 };
	ob_buf b = OB_BUF_INIT, out = OB_BUF_INIT;
	ob_error err = { 0 };
	int i;

	ob_buf_add(&b, "\x89PNG\r\n\x1a\n", 8);
	add_chunk(&b, "IHDR", ihdr, sizeof(ihdr));
	for (i = 0; i < OB_BAKE_MAX_CHUNKS; i++)
		add_chunk(&b, "tEXt", "a\0b", 3);
	add_chunk(&b, "IEND", "", 0);
	CHECK(ob_bake_extract(b.data, b.len, &out, &err) == OB_ELIMIT);
	CHECK(strstr(err.msg, "over budget: PNG with more than") != NULL);
	ob_buf_release(&b);
	ob_error_clear(&err);
	ob_buf_adds(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\">");
	for (i = 0; i < OB_BAKE_MAX_SVG_ITEMS / 2 + 1; i++)
		ob_buf_adds(&b, "<g/>x");
	ob_buf_adds(&b, "</svg>");
	CHECK(ob_bake_extract(b.data, b.len, &out, &err) == OB_ELIMIT);
	CHECK(strstr(err.msg, "over budget: SVG") != NULL);
	CHECK(out.len == 0);
	ob_buf_release(&b);
	ob_buf_release(&out);
}

int main(void)
{
	size_t clen = 0, jlen = 0;
	char *cred, *jwt;

	ob_init();
	check_sample("simple-json.png", 1);
	check_sample("simple-json.svg", 1);
	check_sample("simple-jwt.png", 0);
	check_sample("simple-jwt.svg", 0);
	check_sample("simple-jwt_v1.png", 0);

	cred = read_file(VECTORS, "01-ob3-v2-eddsa-rdfc-2022.json", &clen);
	jwt = read_file(VECTORS, "04-ob3-v2-vc-jwt-eddsa.jwt", &jlen);
	CHECK(cred && jwt);
	if (cred && jwt) {
		test_tiny_png(cred, clen);
		test_png_samples(cred, clen, jwt, jlen);
		test_svg(cred, clen, jwt, jlen);
		test_sniff(cred, clen);
	}
	test_budgets();
	free(cred);
	free(jwt);
	return check_done("test_bake");
}
