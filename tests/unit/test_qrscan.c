/* qrscan: QR codes read back from PNG and JPEG images.
 *
 * Also a tiny converter for the CLI tests, which need a JPEG photo of a
 * QR code and have no image tool on a fresh Debian:
 *   test_qrscan --jpeg IN.png OUT.jpg */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include "check.h"
#include "base/json.h"
#include "io/qr.h"
#include "io/qrscan.h"

#define SCALE 6
#define QUIET 4

/* Grey pixels of a symbol: 0 dark, 255 light, 4-module quiet zone. */
static unsigned char *render(const ob_qr *qr, int *side)
{
	int w = ob_qr_width(qr), x, y;
	unsigned char *pix;

	*side = (w + 2 * QUIET) * SCALE;
	pix = malloc((size_t)*side * *side);
	if (!pix)
		return NULL;
	for (y = 0; y < *side; y++)
		for (x = 0; x < *side; x++)
			pix[(size_t)y * *side + x] =
				ob_qr_module(qr, x / SCALE - QUIET, y / SCALE - QUIET) ? 0 : 255;
	return pix;
}

/* PNG in memory from a buffer in img.format. */
static unsigned char *png_encode(png_image *img, const void *pix, const void *colormap, size_t *len)
{
	png_alloc_size_t n = 0;
	unsigned char *out;

	if (!png_image_write_to_memory(img, NULL, &n, 0, pix, 0, colormap))
		return NULL;
	out = malloc(n);
	if (out && !png_image_write_to_memory(img, out, &n, 0, pix, 0, colormap)) {
		free(out);
		return NULL;
	}
	*len = n;
	return out;
}

static unsigned char *png_grey(const unsigned char *pix, int side, size_t *len)
{
	png_image img;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_GRAY;
	return png_encode(&img, pix, NULL, len);
}

static unsigned char *jpeg_encode(const unsigned char *pix, int w, int h, int quality, size_t *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL;
	unsigned long n = 0;
	JSAMPROW row;

	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &n);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = (JSAMPROW)(pix + (size_t)c.next_scanline * w);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	*len = n;
	return out;
}

static int convert(const char *in, const char *out)
{
	png_image img;
	unsigned char *pix, *jpg;
	size_t n;
	FILE *f;
	int ok;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, in)) {
		fprintf(stderr, "test_qrscan: %s: %s\n", in, img.message);
		return 1;
	}
	img.format = PNG_FORMAT_GRAY;
	pix = malloc(PNG_IMAGE_SIZE(img));
	if (!pix || !png_image_finish_read(&img, NULL, pix, 0, NULL)) {
		fprintf(stderr, "test_qrscan: %s: %s\n", in, img.message);
		free(pix);
		return 1;
	}
	jpg = jpeg_encode(pix, (int)img.width, (int)img.height, 85, &n);
	f = fopen(out, "wb");
	ok = f && fwrite(jpg, 1, n, f) == n;
	if (f && fclose(f))
		ok = 0;
	free(jpg);
	free(pix);
	if (!ok)
		fprintf(stderr, "test_qrscan: cannot write %s\n", out);
	return !ok;
}

static void store32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A PNG signature and IHDR (valid CRC) claiming w x h pixels, then an
 * empty IDAT and IEND: all a reader sees before it allocates. */
static size_t huge_png(unsigned char *p, unsigned long w, unsigned long h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

	memcpy(p, sig, 8);
	store32(p + 8, 13);
	memcpy(p + 12, "IHDR", 4);
	store32(p + 16, w);
	store32(p + 20, h);
	p[24] = 8; p[25] = 0; p[26] = 0; p[27] = 0; p[28] = 0;
	store32(p + 29, crc32(0, p + 12, 17));
	store32(p + 33, 0);
	memcpy(p + 37, "IDAT", 4);
	store32(p + 41, crc32(0, p + 37, 4));
	memcpy(p + 45, iend, 12);
	return 57;
}

/* Patches the frame size in a JPEG's first SOF0 marker. */
static int patch_sof(unsigned char *j, size_t n, unsigned w, unsigned h)
{
	size_t i;

	for (i = 2; i + 9 < n; i++)
		if (j[i] == 0xff && j[i + 1] == 0xc0) {
			j[i + 5] = (unsigned char)(h >> 8);
			j[i + 6] = (unsigned char)h;
			j[i + 7] = (unsigned char)(w >> 8);
			j[i + 8] = (unsigned char)w;
			return 1;
		}
	return 0;
}

static int scans_to(const void *img, size_t len, const char *want)
{
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	int ok;

	ok = ob_qrscan_image(img, len, &out, &err) == OB_OK && out.data &&
	     out.len == strlen(want) && !memcmp(out.data, want, out.len);
	if (!ok)
		fprintf(stderr, "  scan: %s (%zu bytes)\n", err.code ? err.msg : "wrong text", out.len);
	ob_buf_release(&out);
	return ok;
}

static ob_code scan_error(const void *img, size_t len, ob_error *err)
{
	ob_buf out = OB_BUF_INIT;
	ob_code rc;

	ob_buf_adds(&out, "keep");
	rc = ob_qrscan_image(img, len, &out, err);
	/* a failure leaves the caller's buffer as it was */
	CHECK(out.len == 4 && !strcmp(out.data, "keep"));
	ob_buf_release(&out);
	return rc;
}

/* a URL in byte mode comes back exact (binary mode, no charset guess),
 * also as a palette image */
static void url_codes(void)
{
	const char *url = "https://verifier.example/verify?url=https%3A%2F%2Fissuer.example%2Fc%2F1.json";
	ob_error err = { 0 };
	ob_qr *url_qr;
	png_image img;
	int i;

	url_qr = ob_qr_encode(url, 'M', 40, &err);
	CHECK(url_qr != NULL);
	if (url_qr) {
		unsigned char *up = NULL, *upng = NULL, *cm = NULL;
		static const unsigned char colormap[6] = { 0, 0, 96, 250, 250, 235 };
		int us;
		size_t un;

		up = render(url_qr, &us);
		upng = png_grey(up, us, &un);
		CHECK(scans_to(upng, un, url));
		free(upng);

		/* palette image: dark navy on cream */
		memset(&img, 0, sizeof(img));
		img.version = PNG_IMAGE_VERSION;
		img.width = img.height = (png_uint_32)us;
		img.format = PNG_FORMAT_RGB_COLORMAP;
		img.colormap_entries = 2;
		cm = malloc((size_t)us * us);
		for (i = 0; cm && i < us * us; i++)
			cm[i] = up[i] ? 1 : 0;
		upng = cm ? png_encode(&img, cm, colormap, &un) : NULL;
		CHECK(upng != NULL);
		if (upng)
			CHECK(scans_to(upng, un, url));
		free(upng);
		free(cm);
		free(up);
	}
	ob_qr_free(url_qr);
}

int main(int argc, char **argv)
{
	char path[4096];
	char *doc = NULL;
	size_t doclen = 0, n, jn;
	ob_buf payload = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_qr *qr = NULL;
	unsigned char *pix = NULL, *png = NULL, *jpg = NULL, *ga = NULL, *p16 = NULL;
	unsigned char huge[64];
	int side, i;
	png_image img;

	if (argc == 4 && !strcmp(argv[1], "--jpeg"))
		return convert(argv[2], argv[3]);

	/* sniffing */
	CHECK(ob_qrscan_sniff("\x89PNG\r\n\x1a\n", 8));
	CHECK(ob_qrscan_sniff("\xff\xd8\xff\xe0", 4));
	CHECK(!ob_qrscan_sniff("\xff\xd8", 2));
	CHECK(!ob_qrscan_sniff("{\"a\":1}", 7));
	CHECK(!ob_qrscan_sniff("", 0));

	/* a real credential payload, as `ob-verifier qr` makes it */
	snprintf(path, sizeof(path), "%s/vectors/signed/01-ob3-v2-eddsa-rdfc-2022.json", shared_dir());
	CHECK(ob_file_read(path, OB_JSON_MAX_SIZE, &doc, &doclen, &err) == OB_OK);
	CHECK(ob_qr_payload_encode(doc ? doc : "", doclen, &payload, &err) == OB_OK);
	qr = ob_qr_encode(payload.data ? payload.data : "x", 'L', 40, &err);
	CHECK(qr != NULL);
	if (!qr)
		goto out;
	pix = render(qr, &side);
	png = png_grey(pix, side, &n);
	CHECK(png != NULL);
	CHECK(scans_to(png, n, payload.data));

	/* JPEG from the same pixels: lossy, still reads */
	jpg = jpeg_encode(pix, side, side, 80, &jn);
	CHECK(jpg != NULL);
	CHECK(ob_qrscan_sniff((char *)jpg, jn));
	CHECK(scans_to(jpg, jn, payload.data));

	url_codes();

	/* grey + alpha: dark modules on a transparent background, which
	 * must read as paper, not as black */
	ga = malloc((size_t)side * side * 2);
	for (i = 0; ga && i < side * side; i++) {
		ga[2 * i] = 0;
		ga[2 * i + 1] = pix[i] ? 0 : 255;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_GA;
	free(png);
	png = ga ? png_encode(&img, ga, NULL, &n) : NULL;
	CHECK(png != NULL);
	if (png)
		CHECK(scans_to(png, n, payload.data));

	/* 16-bit grey */
	p16 = malloc((size_t)side * side * 2);
	for (i = 0; p16 && i < side * side; i++)
		((png_uint_16 *)p16)[i] = pix[i] ? 65535 : 0;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_LINEAR_Y;
	free(png);
	png = p16 ? png_encode(&img, p16, NULL, &n) : NULL;
	CHECK(png != NULL);
	if (png)
		CHECK(scans_to(png, n, payload.data));

	/* a blank page: decodes, but holds no code */
	memset(pix, 255, (size_t)side * side);
	free(png);
	png = png_grey(pix, side, &n);
	ob_error_clear(&err);
	CHECK(scan_error(png, n, &err) == OB_EINVALID);
	CHECK_STR(err.msg, "no QR code found in the image");

	/* damage: truncated PNG, JPEG header then garbage, not an image */
	ob_error_clear(&err);
	CHECK(scan_error(png, n / 2, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "PNG") != NULL);
	{
		unsigned char bad[600];
		memcpy(bad, jpg, 200);
		memset(bad + 200, 0x5a, sizeof(bad) - 200);
		memcpy(bad + 20, "\xff\xc9\x00\x03\x00", 5); /* an arithmetic SOF mid-header */
		ob_error_clear(&err);
		CHECK(scan_error(bad, sizeof(bad), &err) == OB_EPARSE);
		CHECK(strstr(err.msg, "JPEG") != NULL);
		ob_error_clear(&err);
		CHECK(scan_error("\xff\xd8\xff", 3, &err) == OB_EPARSE);
	}
	ob_error_clear(&err);
	CHECK(scan_error("hello", 5, &err) == OB_EPARSE);
	CHECK_STR(err.msg, "not a PNG or JPEG image");

	/* decompression bombs are refused from the header */
	n = huge_png(huge, 20000, 20000);
	ob_error_clear(&err);
	CHECK(scan_error(huge, n, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "refused") != NULL);
	CHECK(patch_sof(jpg, jn, 65000, 65000));
	ob_error_clear(&err);
	CHECK(scan_error(jpg, jn, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "refused") != NULL);
out:
	ob_qr_free(qr);
	ob_buf_release(&payload);
	free(doc);
	free(pix);
	free(png);
	free(jpg);
	free(ga);
	free(p16);
	printf("test_qrscan: %d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
