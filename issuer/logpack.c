#include "logpack.h"

#include <stdlib.h>
#include <string.h>

#include <zstd.h>

/* a credential never grows past this: a bigger frame is damaged */
#define TEXT_MAX (16u << 20)

struct logpack {
	ZSTD_CCtx *cc;
	ZSTD_CDict *cd;
};

logpack *logpack_new(const void *dict, size_t dlen)
{
	logpack *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	/* level 1: the dictionary does the work; level 5 is twice the time
	 * for 2% fewer bytes */
	p->cd = ZSTD_createCDict(dict, dlen, 1);
	p->cc = ZSTD_createCCtx();
	if (!p->cd || !p->cc ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(p->cc, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(p->cc, ZSTD_c_contentSizeFlag, 1))) {
		logpack_free(p);
		return NULL;
	}
	return p;
}

void logpack_free(logpack *p)
{
	if (!p)
		return;
	ZSTD_freeCCtx(p->cc);
	ZSTD_freeCDict(p->cd);
	free(p);
}

ob_code logpack_pack(logpack *p, const void *text, size_t len, ob_buf *out, ob_error *err)
{
	size_t bound = ZSTD_compressBound(len), n;

	if (len > TEXT_MAX)
		return ob_fail(err, OB_EUSAGE, "credential too large to log");
	out->len = 0;
	if (ob_buf_grow(out, bound) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	/* the dictionary is referenced again for each frame; the checksum
	 * and content-size flags stay set across the reset */
	if (ZSTD_isError(ZSTD_CCtx_reset(p->cc, ZSTD_reset_session_only)) ||
	    ZSTD_isError(ZSTD_CCtx_refCDict(p->cc, p->cd)))
		return ob_fail(err, OB_ENOMEM, "cannot compress the credential");
	n = ZSTD_compress2(p->cc, out->data, bound, text, len);
	if (ZSTD_isError(n))
		return ob_fail(err, OB_ENOMEM, "cannot compress the credential: %s", ZSTD_getErrorName(n));
	out->len = n;
	return OB_OK;
}

ob_code logpack_unpack(const void *dict, size_t dlen, const void *z, size_t zlen, ob_buf *text,
		       ob_error *err)
{
	unsigned long long size = ZSTD_getFrameContentSize(z, zlen);
	ZSTD_DCtx *dc;
	size_t n;

	if (!dict)
		return ob_fail(err, OB_EIO, "packed log entry needs a dictionary the log lacks");
	if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > TEXT_MAX)
		return ob_fail(err, OB_EIO, "packed log entry is damaged");
	if (ob_buf_grow(text, (size_t)size) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!(dc = ZSTD_createDCtx()))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	n = ZSTD_decompress_usingDict(dc, text->data + text->len, (size_t)size, z, zlen, dict, dlen);
	ZSTD_freeDCtx(dc);
	/* a wrong dictionary fails the checksum, a cut frame its size */
	if (ZSTD_isError(n) || n != size) {
		text->data[text->len] = '\0';
		return ob_fail(err, OB_EIO, "packed log entry is damaged");
	}
	text->len += n;
	text->data[text->len] = '\0';
	return OB_OK;
}
