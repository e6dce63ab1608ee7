#include "base/codec.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static const char B58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
static const char B64U[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char B45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
static const char HEX[] = "0123456789abcdef";

/* Repeated division of the big-endian number by 58^5, one 32-bit limb
 * at a time: five digits per pass instead of one (proofValue encoding is
 * on the signing hot path). */
#define B58_POW5 656356768u /* 58^5 */

int ob_base58_encode(ob_buf *out, const unsigned char *in, size_t len)
{
	size_t zeros = 0, n, nw, i, start = 0, cap, pos;
	uint32_t *w;
	char *dig;
	int rc = 0;

	while (zeros < len && in[zeros] == 0)
		zeros++;
	n = len - zeros;
	nw = (n + 3) / 4;
	cap = n * 138 / 100 + 6;
	w = calloc(nw ? nw : 1, sizeof(*w));
	dig = malloc(cap);
	if (!w || !dig) {
		free(w);
		free(dig);
		return -1;
	}
	/* big-endian limbs; the first holds the n % 4 leading bytes */
	for (i = 0; i < n; i++) {
		size_t k = (i + (nw * 4 - n)) / 4;
		w[k] = (w[k] << 8) | in[zeros + i];
	}
	pos = cap;
	while (start < nw) {
		uint64_t rem = 0;
		int d;
		for (i = start; i < nw; i++) {
			uint64_t cur = (rem << 32) | w[i];
			w[i] = (uint32_t)(cur / B58_POW5);
			rem = cur % B58_POW5;
		}
		while (start < nw && w[start] == 0)
			start++;
		for (d = 0; d < 5; d++) {
			dig[--pos] = B58[rem % 58];
			rem /= 58;
		}
	}
	/* the last pass pads with zero digits ('1'); they are not part of
	 * the number */
	while (pos < cap && dig[pos] == '1')
		pos++;
	if (ob_buf_grow(out, zeros + cap - pos) < 0)
		rc = -1;
	else {
		memset(out->data + out->len, '1', zeros);
		memcpy(out->data + out->len + zeros, dig + pos, cap - pos);
		out->len += zeros + cap - pos;
		out->data[out->len] = '\0';
	}
	/* may hold key bytes */
	OPENSSL_cleanse(w, (nw ? nw : 1) * sizeof(*w));
	OPENSSL_cleanse(dig, cap);
	free(w);
	free(dig);
	return rc;
}

ob_code ob_base58_decode(ob_buf *out, const char *in, size_t len, ob_error *err)
{
	size_t zeros = 0, size, i, j;
	unsigned char *tmp;

	/* the conversion is quadratic: keys and signatures are < 200
	 * characters, so refuse anything far longer rather than spin */
	if (len > OB_BASE58_MAX)
		return ob_fail(err, OB_EPARSE, "base58 value too long (%zu characters)", len);
	while (zeros < len && in[zeros] == '1')
		zeros++;
	size = (len - zeros) * 733 / 1000 + 1; /* log(58)/log(256) */
	tmp = calloc(size, 1);
	if (!tmp)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = zeros; i < len; i++) {
		const char *p = in[i] ? strchr(B58, in[i]) : NULL;
		unsigned carry;
		if (!p) {
			OPENSSL_cleanse(tmp, size);
			free(tmp);
			return ob_fail(err, OB_EPARSE, "invalid base58 character '%c'",
				       in[i] >= 32 && in[i] < 127 ? in[i] : '?');
		}
		carry = (unsigned)(p - B58);
		for (j = size; j > 0; j--) {
			carry += 58u * tmp[j - 1];
			tmp[j - 1] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
	}
	for (j = 0; j < size && tmp[j] == 0; j++)
		;
	for (i = 0; i < zeros; i++)
		ob_buf_addc(out, 0);
	ob_buf_add(out, tmp + j, size - j);
	OPENSSL_cleanse(tmp, size);
	free(tmp);
	return out->oom ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

int ob_base64url_encode(ob_buf *out, const unsigned char *in, size_t len)
{
	size_t i;

	if (ob_buf_grow(out, (len + 2) / 3 * 4) < 0)
		return -1;
	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		char q[4] = { B64U[v >> 18], B64U[(v >> 12) & 63], B64U[(v >> 6) & 63], B64U[v & 63] };
		ob_buf_add(out, q, 4);
	}
	if (len - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		char q[2] = { B64U[v >> 18], B64U[(v >> 12) & 63] };
		ob_buf_add(out, q, 2);
	} else if (len - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		char q[3] = { B64U[v >> 18], B64U[(v >> 12) & 63], B64U[(v >> 6) & 63] };
		ob_buf_add(out, q, 3);
	}
	return out->oom ? -1 : 0;
}

/* base64url alphabet value of each byte, -1 outside it */
static const signed char B64U_VAL[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

ob_code ob_base64url_decode(ob_buf *out, const char *in, size_t len, ob_error *err)
{
	size_t i;
	unsigned acc = 0;
	int bits = 0;

	if (len % 4 == 1)
		return ob_fail(err, OB_EPARSE, "invalid base64url length");
	if (ob_buf_grow(out, len / 4 * 3 + 2) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < len; i++) {
		int v = B64U_VAL[(unsigned char)in[i]];
		if (v < 0) {
			out->data[out->len] = '\0';
			return ob_fail(err, OB_EPARSE, "invalid base64url character '%c'",
				       in[i] >= 32 && in[i] < 127 ? in[i] : '?');
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->data[out->len++] = (char)((acc >> bits) & 0xff);
		}
	}
	out->data[out->len] = '\0';
	/* RFC 4648 3.5: the unused low bits must be zero */
	if (bits && (acc & ((1u << bits) - 1)))
		return ob_fail(err, OB_EPARSE, "invalid base64url: non-zero trailing bits");
	return out->oom ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

int ob_base45_encode(ob_buf *out, const unsigned char *in, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		unsigned n = 256u * in[i] + in[i + 1];
		char t[3] = { B45[n % 45], B45[(n / 45) % 45], B45[n / 2025] };
		ob_buf_add(out, t, 3);
	}
	if (i < len) {
		char t[2] = { B45[in[i] % 45], B45[in[i] / 45] };
		ob_buf_add(out, t, 2);
	}
	return out->oom ? -1 : 0;
}

static int b45_val(char c)
{
	const char *p = c ? strchr(B45, c) : NULL;
	return p ? (int)(p - B45) : -1;
}

ob_code ob_base45_decode(ob_buf *out, const char *in, size_t len, ob_error *err)
{
	size_t i;

	if (len % 3 == 1)
		return ob_fail(err, OB_EPARSE, "invalid base45 length");
	for (i = 0; i < len; i += 3) {
		int a = b45_val(in[i]), b = b45_val(in[i + 1]);
		unsigned long n;
		if (a < 0 || b < 0)
			return ob_fail(err, OB_EPARSE, "invalid base45 character");
		n = (unsigned long)a + 45ul * (unsigned long)b;
		if (i + 2 < len) {
			int c = b45_val(in[i + 2]);
			if (c < 0)
				return ob_fail(err, OB_EPARSE, "invalid base45 character");
			n += 2025ul * (unsigned long)c;
			if (n > 0xffff)
				return ob_fail(err, OB_EPARSE, "invalid base45 triple");
			ob_buf_addc(out, (char)(n >> 8));
			ob_buf_addc(out, (char)(n & 0xff));
		} else {
			if (n > 0xff)
				return ob_fail(err, OB_EPARSE, "invalid base45 pair");
			ob_buf_addc(out, (char)n);
		}
	}
	return out->oom ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

int ob_hex_encode(ob_buf *out, const unsigned char *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char t[2] = { HEX[in[i] >> 4], HEX[in[i] & 15] };
		ob_buf_add(out, t, 2);
	}
	return out->oom ? -1 : 0;
}

int ob_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ob_code ob_hex_decode(ob_buf *out, const char *in, size_t len, ob_error *err)
{
	size_t i;

	if (len % 2)
		return ob_fail(err, OB_EPARSE, "invalid hex: odd length");
	for (i = 0; i < len; i += 2) {
		int a = ob_hex_digit(in[i]), b = ob_hex_digit(in[i + 1]);
		if (a < 0 || b < 0)
			return ob_fail(err, OB_EPARSE, "invalid hex character");
		ob_buf_addc(out, (char)(a << 4 | b));
	}
	return out->oom ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

int ob_multibase_encode(ob_buf *out, char base, const unsigned char *in, size_t len)
{
	if (ob_buf_addc(out, base) < 0)
		return -1;
	if (base == 'z')
		return ob_base58_encode(out, in, len);
	if (base == 'u')
		return ob_base64url_encode(out, in, len);
	return -1;
}

ob_code ob_multibase_decode(ob_buf *out, const char *in, ob_error *err)
{
	if (!in || !*in)
		return ob_fail(err, OB_EPARSE, "empty multibase value");
	if (in[0] == 'z')
		return ob_base58_decode(out, in + 1, strlen(in + 1), err);
	if (in[0] == 'u')
		return ob_base64url_decode(out, in + 1, strlen(in + 1), err);
	return ob_fail(err, OB_EPARSE, "unsupported multibase prefix '%c'",
		       in[0] >= 32 && in[0] < 127 ? in[0] : '?');
}

size_t ob_varint_encode(uint64_t v, unsigned char *out)
{
	size_t n = 0;

	do {
		unsigned char b = v & 0x7f;
		v >>= 7;
		out[n++] = v ? (b | 0x80) : b;
	} while (v);
	return n;
}

size_t ob_varint_decode(const unsigned char *in, size_t len, uint64_t *v)
{
	uint64_t r = 0;
	size_t i;

	/* multiformats caps varints at 9 bytes (63 bits) */
	for (i = 0; i < len && i < 9; i++) {
		r |= (uint64_t)(in[i] & 0x7f) << (7 * i);
		if (!(in[i] & 0x80)) {
			if (i > 0 && in[i] == 0)
				return 0; /* not minimal */
			*v = r;
			return i + 1;
		}
	}
	return 0;
}
