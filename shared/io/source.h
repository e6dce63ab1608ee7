/* source: turning what a user hands a tool into credential text.
 *
 * ob_source_read gets the bytes of a command-line argument: a file, "-"
 * (stdin), or an https URL (through the loader, so --doc, the cache and
 * --offline apply). ob_source_unwrap peels carriers off: a baked PNG/SVG
 * badge gives its embedded credential, a PNG/JPEG with a QR code gives the
 * QR payload, a "VC1-" payload gives the credential inside, a payload that
 * is an https URL is fetched through the loader; JSON and compact JWS
 * text come out as they are. Used by ob-verifier (verify, scan) and
 * ob-wallet (add). */
#ifndef OB_SOURCE_H
#define OB_SOURCE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "io/loader.h"

#define OB_SOURCE_MAX_BYTES (16u * 1024u * 1024u)

/* Appends the bytes behind arg to out. A URL needs a loader (NULL: refused
 * with OB_EUSAGE "URLs need network access"). Files over
 * OB_SOURCE_MAX_BYTES are refused. */
ob_code ob_source_read(const char *arg, ob_loader *l, ob_buf *out, ob_error *err);

/* Appends the credential text carried by data to out and sets *how to a
 * static description ("file", "baked PNG badge", "baked SVG badge",
 * "QR code", "QR code link", ...). At most 3 layers are peeled. */
ob_code ob_source_unwrap(const char *data, size_t len, ob_loader *l, ob_buf *out,
			 const char **how, ob_error *err);

#endif
