/* inflate: zlib streams from strangers (a PNG iTXt chunk, a VC1- QR
 * payload), inflated within a budget. A few kilobytes can inflate to
 * gigabytes; the budget stops that early, whatever the stream says. */
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

/* Inflates the whole zlib stream in (len bytes) onto out. OB_ELIMIT
 * when the output would pass OB_INFLATE_MAX or the ratio; OB_EPARSE for
 * a corrupt or truncated stream or bytes after its end ("what: ..."
 * names the carrier in messages). */
ob_code ob_inflate_capped(const unsigned char *in, size_t len, ob_buf *out, const char *what,
			  ob_error *err);

#endif
