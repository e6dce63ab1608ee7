#include "base/inflate.h"

#include <stdint.h>
#include <string.h>
#include <zlib.h>

ob_code ob_inflate_capped(const unsigned char *in, size_t len, ob_buf *out, const char *what,
			  ob_error *err)
{
	static const struct ob_inflate_budget b = { OB_INFLATE_MAX, OB_INFLATE_RATIO, 0 };

	return ob_inflate(in, len, out, what, &b, err);
}

ob_code ob_inflate(const unsigned char *in, size_t len, ob_buf *out, const char *what,
		   const struct ob_inflate_budget *b, ob_error *err)
{
	z_stream zs;
	unsigned char chunk[16384];
	size_t total = 0, n;
	int zr;
	ob_code rc = OB_OK;

	if (len > UINT32_MAX)
		return ob_fail(err, OB_ELIMIT, "over budget: %s is too long", what);
	memset(&zs, 0, sizeof(zs));
	/* windowBits 15 + 32: zlib or gzip, told apart by the header */
	if ((b->gzip ? inflateInit2(&zs, 15 + 32) : inflateInit(&zs)) != Z_OK)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr == Z_MEM_ERROR) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		if (zr != Z_OK && zr != Z_STREAM_END) {
			/* Z_BUF_ERROR here means the stream was cut short */
			rc = ob_fail(err, OB_EPARSE, "%s: corrupt zlib data (%s)", what,
				     zs.msg ? zs.msg : "truncated");
			goto out;
		}
		n = sizeof(chunk) - zs.avail_out;
		total += n;
		if (total > b->max) {
			rc = ob_fail(err, OB_ELIMIT, "over budget: %s inflates to more than %zu bytes",
				     what, b->max);
			goto out;
		}
		if (b->ratio && total > OB_INFLATE_FREE && total / b->ratio > len) {
			rc = ob_fail(err, OB_ELIMIT, "over budget: %s inflates more than %u times its size",
				     what, b->ratio);
			goto out;
		}
		if (ob_buf_add(out, chunk, n) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		if (zr == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
			rc = ob_fail(err, OB_EPARSE, "%s: truncated zlib stream", what);
			goto out;
		}
	} while (zr != Z_STREAM_END);
	if (zs.avail_in)
		rc = ob_fail(err, OB_EPARSE, "%s: data after the zlib stream", what);
out:
	inflateEnd(&zs);
	return rc;
}
