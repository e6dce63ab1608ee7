/* vp1: the DCC "VP1-" QR payload (digitalcredentials/vpqr 2.x, read by
 * the Learner Credential Wallet; ../shared/spec/exchange.md section 4):
 * "VP1-" + multibase prefix "B" + RFC 4648 base32 (upper case, no
 * padding) of CBOR-LD bytes of a Verifiable Presentation.
 *
 * ob_vp1_encode writes the uncompressed CBOR-LD form: the 16-bit tag 0x0500
 * (bytes d9 05 00), then the presentation as plain CBOR (maps with text
 * keys), which cborld 4.x encodes with compressionMode 0 and every cborld
 * decoder reads without context tables; ob_vp1_encode_compressed the
 * compressed one. ob_vp1_decode reads both: the uncompressed form and the
 * compressed form (d9 05 01: terms and values replaced by numbers from
 * the contexts, io/cborld.h), which vpqr's toQrCode writes by default
 * and so the Learner Credential Wallet's own QR codes hold; the contexts
 * are the ones obkit ships (canon/contexts.h). */
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
 * text, parsed strictly; numbers as cborg writes them: integers up to
 * 2^53 as integers, others as the shortest exact float). */
ob_code ob_vp1_encode(const char *json, size_t len, ob_buf *out, ob_error *err);

/* Appends the VP1- payload of a JSON document in compressed CBOR-LD
 * (io/cborld.h, the shipped contexts), byte for byte what vpqr's toQrCode
 * writes by default. A document that does not compress (a term no shipped
 * context defines, a number that is not an integer, a context obkit does
 * not ship) or does not decode back to itself gets the uncompressed form
 * (ob_vp1_encode) instead. */
ob_code ob_vp1_encode_compressed(const char *json, size_t len, ob_buf *out, ob_error *err);

/* Appends the JSON text of the document in a VP1- payload. OB_EPARSE for
 * a payload that is not VP1-B base32 of CBOR-LD, whose uncompressed CBOR
 * is not a JSON value (tags, byte strings, indefinite items, NaN, map
 * keys that are not text, nesting over 100, trailing bytes), or whose
 * compressed CBOR-LD does not decode (io/cborld.h); OB_ENET ("could not
 * check": not available offline) for compressed CBOR-LD naming a context
 * obkit does not ship or a context number it does not know;
 * OB_ELIMIT over OB_VP1_MAX_PAYLOAD or a CBOR-LD budget. */
ob_code ob_vp1_decode(const char *payload, size_t len, ob_buf *out, ob_error *err);

#endif
