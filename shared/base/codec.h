/* codec: base58btc, base64url (no padding), base45, hex, multibase and
 * multicodec unsigned varints. Decoders are strict: any character outside
 * the alphabet, padding, or non-canonical trailing bits is refused. */
#ifndef OB_CODEC_H
#define OB_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Longest base58 text the decoder accepts. */
#define OB_BASE58_MAX 2048

/* Encoders append text to out; return 0 or -1 on out of memory. */
int ob_base58_encode(ob_buf *out, const unsigned char *in, size_t len);
int ob_base64url_encode(ob_buf *out, const unsigned char *in, size_t len);
int ob_base45_encode(ob_buf *out, const unsigned char *in, size_t len);
int ob_hex_encode(ob_buf *out, const unsigned char *in, size_t len);
/* The value of one hex digit (either case), or -1. */
int ob_hex_digit(char c);

/* Decoders append bytes to out (an ob_buf used as a byte array). */
ob_code ob_base58_decode(ob_buf *out, const char *in, size_t len, ob_error *err);
ob_code ob_base64url_decode(ob_buf *out, const char *in, size_t len, ob_error *err);
ob_code ob_base45_decode(ob_buf *out, const char *in, size_t len, ob_error *err);
ob_code ob_hex_decode(ob_buf *out, const char *in, size_t len, ob_error *err);

/* Multibase: 'z' base58btc or 'u' base64url. encode writes the prefix. */
int ob_multibase_encode(ob_buf *out, char base, const unsigned char *in, size_t len);
ob_code ob_multibase_decode(ob_buf *out, const char *in, ob_error *err);

/* Unsigned LEB128 varint (multiformats). encode writes at most 10 bytes
 * into out and returns the count. decode returns the bytes consumed, or 0
 * when the input is truncated, over-long or not minimally encoded. */
size_t ob_varint_encode(uint64_t v, unsigned char *out);
size_t ob_varint_decode(const unsigned char *in, size_t len, uint64_t *v);

#endif
