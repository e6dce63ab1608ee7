/* inflate: zlib and gzip streams from strangers (a PNG iTXt chunk, a VC1-
 * QR payload, a status list), inflated within a budget. A few kilobytes
 * can inflate to gigabytes; the budget stops that early, whatever the
 * stream says. */
#ifndef OB_INFLATE_H
#define OB_INFLATE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* The largest credential obkit accepts from a compressed carrier: a
 * credential with an embedded image is well under this. */
#define OB_INFLATE_MAX (4u * 1024 * 1024)
/* Past the first OB_INFLATE_FREE bytes, output may be at most this many
 * times the input: JSON compresses 5-20x, a bomb 1000x. */
#define OB_INFLATE_RATIO 64
#define OB_INFLATE_FREE (64u * 1024)

/* What one stream may inflate to: at most max bytes and, past the first
 * OB_INFLATE_FREE, at most ratio times its input (0: no ratio; a status
 * list of zeros legitimately inflates 1000-fold); gzip: a gzip stream is
 * accepted as well as zlib. */
struct ob_inflate_budget {
	size_t max;
	unsigned ratio;
	int gzip;
};

/* Inflates the whole stream in (len bytes) onto out within budget b.
 * OB_ELIMIT past the budget; OB_EPARSE for a corrupt or truncated stream
 * or bytes after its end ("what: ..." names the carrier in messages). */
ob_code ob_inflate(const unsigned char *in, size_t len, ob_buf *out, const char *what,
		   const struct ob_inflate_budget *b, ob_error *err);

/* ob_inflate of a zlib stream within OB_INFLATE_MAX and OB_INFLATE_RATIO:
 * the budget for a credential in a compressed carrier. */
ob_code ob_inflate_capped(const unsigned char *in, size_t len, ob_buf *out, const char *what,
			  ob_error *err);

#endif
