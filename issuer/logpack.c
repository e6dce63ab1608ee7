#include "logpack.h"

#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST /* next_in is const */
#include <zlib.h>

/* a credential never inflates past this: a bigger stream is damaged */
#define TEXT_MAX (16u << 20)

struct logpack {
	z_stream z;
	const unsigned char *dict;
	uInt dlen;
};

logpack *logpack_new(const void *dict, size_t dlen)
{
	logpack *p = calloc(1, sizeof(*p));

	if (!p || dlen > 32768)
		goto fail;
	p->dict = dict;
	p->dlen = (uInt)dlen;
	/* level 1: the dictionary does the work; higher levels cost twice
	 * the time for ~15% fewer bytes */
	if (deflateInit2(&p->z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		goto fail;
	return p;
fail:
	free(p);
	return NULL;
}

void logpack_free(logpack *p)
{
	if (!p)
		return;
	deflateEnd(&p->z);
	free(p);
}

ob_code logpack_pack(logpack *p, const void *text, size_t len, ob_buf *out, ob_error *err)
{
	size_t bound;
	int zr;

	if (len > TEXT_MAX)
		return ob_fail(err, OB_EUSAGE, "credential too large to log");
	if (deflateReset(&p->z) != Z_OK || deflateSetDictionary(&p->z, p->dict, p->dlen) != Z_OK)
		return ob_fail(err, OB_ENOMEM, "cannot compress the credential");
	/* deflateBound does not count the 4-byte dictionary id */
	bound = deflateBound(&p->z, (uLong)len) + 16;
	out->len = 0;
	if (ob_buf_grow(out, bound) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	p->z.next_in = (const Bytef *)text;
	p->z.avail_in = (uInt)len;
	p->z.next_out = (Bytef *)out->data;
	p->z.avail_out = (uInt)bound;
	zr = deflate(&p->z, Z_FINISH);
	if (zr != Z_STREAM_END)
		return ob_fail(err, OB_ENOMEM, "cannot compress the credential (zlib %d)", zr);
	out->len = bound - p->z.avail_out;
	return OB_OK;
}

ob_code logpack_unpack(const void *dict, size_t dlen, const void *z, size_t zlen, ob_buf *text,
		       ob_error *err)
{
	z_stream s;
	size_t start = text->len;
	int zr;
	ob_code rc = OB_OK;

	memset(&s, 0, sizeof(s));
	if (zlen > TEXT_MAX || dlen > 32768 || inflateInit(&s) != Z_OK)
		return ob_fail(err, OB_EIO, "cannot read a packed log entry");
	s.next_in = (const Bytef *)z;
	s.avail_in = (uInt)zlen;
	for (;;) {
		if (ob_buf_grow(text, 4096) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			break;
		}
		s.next_out = (Bytef *)text->data + text->len;
		s.avail_out = (uInt)(text->cap - text->len - 1);
		zr = inflate(&s, Z_NO_FLUSH);
		text->len = (size_t)((char *)s.next_out - text->data);
		if (zr == Z_NEED_DICT) {
			if (!dict || s.adler != adler32(adler32(0, NULL, 0), dict, (uInt)dlen) ||
			    inflateSetDictionary(&s, dict, (uInt)dlen) != Z_OK) {
				rc = ob_fail(err, OB_EIO, "packed log entry needs a dictionary the log lacks");
				break;
			}
			continue;
		}
		if (zr == Z_STREAM_END) {
			if (s.avail_in)
				rc = ob_fail(err, OB_EIO, "packed log entry has trailing bytes");
			break;
		}
		if (zr != Z_OK || text->len - start > TEXT_MAX) {
			rc = ob_fail(err, OB_EIO, "packed log entry is damaged");
			break;
		}
	}
	inflateEnd(&s);
	if (rc)
		ob_buf_truncate(text, start);
	else
		text->data[text->len] = '\0';
	return rc;
}

ob_code logpack_column(sqlite3_stmt *q, int col, ob_buf *text, ob_error *err)
{
	const void *v;
	size_t n;

	if (sqlite3_column_type(q, col) != SQLITE_BLOB) {
		v = sqlite3_column_text(q, col);
		n = (size_t)sqlite3_column_bytes(q, col);
		if (v && ob_buf_add(text, v, n) < 0)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		return OB_OK;
	}
	v = sqlite3_column_blob(q, col);
	n = (size_t)sqlite3_column_bytes(q, col);
	return logpack_unpack(sqlite3_column_blob(q, col + 1), (size_t)sqlite3_column_bytes(q, col + 1),
			      v, n, text, err);
}
