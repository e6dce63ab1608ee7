/* vp1: the DCC "VP1-" QR payload (digitalcredentials/vpqr 2.x, read by
 * the Learner Credential Wallet; ../shared/spec/exchange.md section 4):
 * "VP1-" + multibase prefix "B" + RFC 4648 base32 (upper case, no
 * padding) of CBOR-LD bytes of a Verifiable Presentation.
 *
 * obkit writes and reads the uncompressed CBOR-LD form: the 16-bit tag
 * 0x0500 (bytes d9 05 00), then the presentation as plain CBOR (maps
 * with text keys), which cborld 4.x encodes with compressionMode 0 and
 * every cborld decoder reads without context tables. The compressed
 * form (d9 05 01, terms and values replaced by numbers from the
 * contexts' tables) is refused: decoding it needs cborld's codec
 * tables, which obkit does not carry. */
#ifndef OB_VP1_H
#define OB_VP1_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define OB_VP1_PREFIX "VP1-"
/* Budget: a payload (a QR code holds at most 4,296 alphanumeric
 * characters; this leaves room for a pasted one). */
#define OB_VP1_MAX_PAYLOAD 65536

/* 1 when text starts with "VP1-". */
int ob_vp1_sniff(const char *text, size_t len);

/* Appends the VP1- payload of a JSON document (a presentation: JSON
 * text, parsed strictly; numbers other than integers are refused). */
ob_code ob_vp1_encode(const char *json, size_t len, ob_buf *out, ob_error *err);

/* Appends the JSON text of the document in a VP1- payload. OB_EPARSE for
 * a payload that is not VP1-B base32 of CBOR-LD, or whose CBOR is not a
 * JSON value (tags, byte strings, indefinite items, map keys that are
 * not text, nesting over 100, trailing bytes); OB_EIO ("could not
 * check") for compressed CBOR-LD; OB_ELIMIT over OB_VP1_MAX_PAYLOAD. */
ob_code ob_vp1_decode(const char *payload, size_t len, ob_buf *out, ob_error *err);

#endif
