#include "io/qrscan.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <zbar.h>

/* A phone photo is 12-50 megapixels; past this the grey copy alone would
 * be 64 MiB, and a tiny file can claim a huge size. */
#define MAX_PIXELS (64ull * 1024 * 1024)

enum kind { NOT_IMAGE, PNG_IMAGE, JPEG_IMAGE };

static enum kind sniff(const char *data, size_t len)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (len >= 8 && !memcmp(data, png_sig, 8))
		return PNG_IMAGE;
	/* SOI followed by the first marker */
	if (len >= 3 && (unsigned char)data[0] == 0xff && (unsigned char)data[1] == 0xd8 &&
	    (unsigned char)data[2] == 0xff)
		return JPEG_IMAGE;
	return NOT_IMAGE;
}

int ob_qrscan_sniff(const char *data, size_t len)
{
	return sniff(data, len) != NOT_IMAGE;
}

static int too_big(unsigned long w, unsigned long h)
{
	return (unsigned long long)w * h > MAX_PIXELS;
}

/* libpng's simplified API converts palette, alpha (composited on white,
 * so a transparent background reads as paper) and 16-bit to 8-bit grey,
 * and reports errors in img.message instead of longjmp-ing through us. */
static ob_code decode_png(const char *data, size_t len, unsigned char **pix,
			  unsigned *w, unsigned *h, ob_error *err)
{
	png_image img;
	png_color white = { 255, 255, 255 };
	unsigned char *p = NULL;
	ob_code rc = OB_OK;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len)) {
		rc = ob_fail(err, OB_EPARSE, "cannot read PNG image: %s", img.message);
		goto out;
	}
	if (!img.width || !img.height || too_big(img.width, img.height)) {
		rc = ob_fail(err, OB_EPARSE, "PNG image of %ux%u pixels refused (limit %llu megapixels)",
			     (unsigned)img.width, (unsigned)img.height, MAX_PIXELS >> 20);
		goto out;
	}
	img.format = PNG_FORMAT_GRAY;
	p = malloc((size_t)img.width * img.height);
	if (!p) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (!png_image_finish_read(&img, &white, p, 0, NULL)) {
		rc = ob_fail(err, OB_EPARSE, "cannot read PNG image: %s", img.message);
		goto out;
	}
	*w = img.width;
	*h = img.height;
	*pix = p;
	p = NULL;
out:
	png_image_free(&img);
	free(p);
	return rc;
}

/* libjpeg's default error handler calls exit(); ours jumps back here with
 * the message. */
struct jpeg_err {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
};

static void jpeg_error_exit(j_common_ptr cinfo)
{
	struct jpeg_err *je = (struct jpeg_err *)cinfo->err;

	je->mgr.format_message(cinfo, je->msg);
	longjmp(je->jump, 1);
}

/* Warnings (e.g. "premature end of data") would go to stderr; the library
 * never prints. */
static void jpeg_quiet(j_common_ptr cinfo)
{
	(void)cinfo;
}

static ob_code decode_jpeg(const char *data, size_t len, unsigned char **pix,
			   unsigned *w, unsigned *h, ob_error *err)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_err je;
	/* volatile: modified between setjmp and longjmp */
	unsigned char *volatile p = NULL;
	volatile ob_code rc = OB_OK;

	memset(&cinfo, 0, sizeof(cinfo));
	cinfo.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jpeg_error_exit;
	je.mgr.output_message = jpeg_quiet;
	je.msg[0] = '\0';
	if (setjmp(je.jump)) {
		rc = ob_fail(err, OB_EPARSE, "cannot read JPEG image: %s", je.msg);
		goto out;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, (const unsigned char *)data, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	if (!cinfo.image_width || !cinfo.image_height ||
	    too_big(cinfo.image_width, cinfo.image_height)) {
		rc = ob_fail(err, OB_EPARSE, "JPEG image of %ux%u pixels refused (limit %llu megapixels)",
			     (unsigned)cinfo.image_width, (unsigned)cinfo.image_height,
			     MAX_PIXELS >> 20);
		goto out;
	}
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	p = malloc((size_t)cinfo.output_width * cinfo.output_height);
	if (!p) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = p + (size_t)cinfo.output_scanline * cinfo.output_width;
		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	*w = cinfo.output_width;
	*h = cinfo.output_height;
	*pix = p;
	p = NULL;
out:
	jpeg_destroy_decompress(&cinfo);
	free(p);
	return rc;
}

/* zbar, QR only; binary mode keeps byte-mode data as the bytes that were
 * encoded instead of guessing a character set and converting. */
static ob_code scan(unsigned char *pix, unsigned w, unsigned h, ob_buf *out, ob_error *err)
{
	zbar_image_scanner_t *sc = NULL;
	zbar_image_t *img = NULL;
	const zbar_symbol_t *sym;
	ob_code rc = OB_OK;
	int n;

	sc = zbar_image_scanner_create();
	img = zbar_image_create();
	if (!sc || !img) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, w, h);
	/* no cleanup handler: the pixels stay ours */
	zbar_image_set_data(img, pix, (unsigned long)w * h, NULL);
	n = zbar_scan_image(sc, img);
	if (n < 0) {
		rc = ob_fail(err, OB_EPARSE, "cannot scan the image for QR codes");
		goto out;
	}
	for (sym = zbar_image_first_symbol(img); sym; sym = zbar_symbol_next(sym))
		if (zbar_symbol_get_type(sym) == ZBAR_QRCODE)
			break;
	if (!sym) {
		rc = ob_fail(err, OB_EINVALID, "no QR code found in the image");
		goto out;
	}
	if (ob_buf_add(out, zbar_symbol_get_data(sym), zbar_symbol_get_data_length(sym)) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	if (img) {
		zbar_image_set_data(img, NULL, 0, NULL);
		zbar_image_destroy(img);
	}
	if (sc)
		zbar_image_scanner_destroy(sc);
	return rc;
}

ob_code ob_qrscan_image(const char *data, size_t len, ob_buf *out, ob_error *err)
{
	unsigned char *pix = NULL;
	unsigned w = 0, h = 0;
	size_t start = out->len;
	ob_code rc;

	switch (sniff(data, len)) {
	case PNG_IMAGE:
		rc = decode_png(data, len, &pix, &w, &h, err);
		break;
	case JPEG_IMAGE:
		rc = decode_jpeg(data, len, &pix, &w, &h, err);
		break;
	default:
		return ob_fail(err, OB_EPARSE, "not a PNG or JPEG image");
	}
	if (!rc)
		rc = scan(pix, w, h, out, err);
	if (rc)
		ob_buf_truncate(out, start);
	free(pix);
	return rc;
}
