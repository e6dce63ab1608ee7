/* test_codec: base58btc, base64url, base45, hex, multibase and varints. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "base/codec.h"
#include "base/obkit.h"
#include "base/text.h"

typedef int (*encoder)(ob_buf *, const unsigned char *, size_t);
typedef ob_code (*decoder)(ob_buf *, const char *, size_t, ob_error *);

/* Encodes len bytes; the result lives until the next call. */
static const char *enc(encoder f, const void *in, size_t len)
{
	static ob_buf b = OB_BUF_INIT;

	ob_buf_release(&b);
	if (!in)
		return NULL;
	if (f(&b, in, len) < 0)
		return NULL;
	/* buf.h promises a NUL-terminated buffer; look within cap only */
	if (b.data && b.data[b.len] != '\0') {
		fprintf(stderr, "  encoding %zu bytes: output not NUL-terminated\n", len);
		return NULL;
	}
	return b.data ? b.data : "";
}

/* 1 when text decodes to exactly the len bytes of want. */
static int dec_is(decoder f, const char *text, const void *want, size_t len)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	int ok;

	ok = f(&b, text, strlen(text), &err) == OB_OK && b.len == len &&
	     (len == 0 || memcmp(b.data, want, len) == 0);
	if (!ok)
		fprintf(stderr, "  decoding '%s': %s (got %zu bytes)\n", text, err.msg, b.len);
	ob_buf_release(&b);
	return ok;
}

/* Decodes text expecting a refusal; returns the message (static). */
static const char *dec_err(decoder f, const char *text, size_t len)
{
	static ob_error err;
	ob_buf b = OB_BUF_INIT;
	ob_code rc;

	memset(&err, 0, sizeof(err));
	rc = f(&b, text, len, &err);
	ob_buf_release(&b);
	if (rc == OB_OK)
		return NULL;
	return err.code == OB_EPARSE ? err.msg : "(wrong code)";
}

static int contains(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

static void test_base58(void)
{
	static const unsigned char v1[] = { 0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd };
	static const unsigned char zeros[10] = { 0 };
	static const unsigned char v2[] = { 0x00, 0xeb, 0x15, 0x23, 0x1d, 0xfc, 0xeb, 0x60, 0x92,
					    0x58, 0x86, 0xb6, 0x7d, 0x06, 0x52, 0x99, 0x92, 0x59,
					    0x15, 0xae, 0xb1, 0x72, 0xc0, 0x66, 0x47 };
	static const unsigned char v3[] = { 0xec, 0xac, 0x89, 0xca, 0xd9, 0x39, 0x23, 0xc0, 0x23, 0x21 };
	static const unsigned char one0[] = { 0x00 }, two[] = { 0x00, 0x00, 0x01 };
	unsigned char all[256];
	ob_buf b = OB_BUF_INIT, d = OB_BUF_INIT;
	ob_error err = { 0 };
	const char *m;
	int i;

	CHECK_STR(enc(ob_base58_encode, "Hello World!", 12), "2NEpo7TZRRrLZSi2U");
	CHECK(dec_is(ob_base58_decode, "2NEpo7TZRRrLZSi2U", "Hello World!", 12));
	CHECK_STR(enc(ob_base58_encode, "", 0), "");
	CHECK(dec_is(ob_base58_decode, "", "", 0));
	CHECK_STR(enc(ob_base58_encode, "a", 1), "2g");
	CHECK_STR(enc(ob_base58_encode, "bbb", 3), "a3gV");
	CHECK_STR(enc(ob_base58_encode, v3, sizeof(v3)), "EJDM8drfXA6uyA");
	CHECK(dec_is(ob_base58_decode, "EJDM8drfXA6uyA", v3, sizeof(v3)));

	/* each leading zero byte is one leading '1', both ways */
	CHECK_STR(enc(ob_base58_encode, one0, 1), "1");
	CHECK(dec_is(ob_base58_decode, "1", one0, 1));
	CHECK_STR(enc(ob_base58_encode, two, 3), "112");
	CHECK(dec_is(ob_base58_decode, "112", two, 3));
	CHECK_STR(enc(ob_base58_encode, v1, sizeof(v1)), "11233QC4");
	CHECK(dec_is(ob_base58_decode, "11233QC4", v1, sizeof(v1)));
	CHECK_STR(enc(ob_base58_encode, zeros, sizeof(zeros)), "1111111111");
	CHECK(dec_is(ob_base58_decode, "1111111111", zeros, sizeof(zeros)));
	CHECK_STR(enc(ob_base58_encode, v2, sizeof(v2)), "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L");
	CHECK(dec_is(ob_base58_decode, "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L", v2, sizeof(v2)));

	/* round trip of every byte value, and of prefixes of it */
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (i = 0; i <= 256; i += 37) {
		ob_buf_release(&b);
		ob_buf_release(&d);
		CHECK(ob_base58_encode(&b, all, (size_t)i) == 0);
		CHECK(ob_base58_decode(&d, b.data ? b.data : "", b.len, &err) == OB_OK);
		CHECK(d.len == (size_t)i && (i == 0 || memcmp(d.data, all, (size_t)i) == 0));
	}
	ob_buf_release(&b);
	ob_buf_release(&d);

	/* encoders append */
	ob_buf_adds(&b, "x:");
	CHECK(ob_base58_encode(&b, (const unsigned char *)"a", 1) == 0);
	CHECK_STR(b.data, "x:2g");
	ob_buf_release(&b);

	/* characters outside the alphabet: 0 O I l, and others */
	m = dec_err(ob_base58_decode, "2NEpo70", 7);
	CHECK(contains(m, "base58"));
	m = dec_err(ob_base58_decode, "O2NEpo7", 7);
	CHECK(contains(m, "base58"));
	m = dec_err(ob_base58_decode, "2NIpo7", 6);
	CHECK(contains(m, "base58"));
	m = dec_err(ob_base58_decode, "2Nlpo7", 6);
	CHECK(contains(m, "base58"));
	CHECK(contains(dec_err(ob_base58_decode, "2NE po7", 7), "base58"));
	CHECK(contains(dec_err(ob_base58_decode, "2NE+", 4), "base58"));
	CHECK(contains(dec_err(ob_base58_decode, "11\xc3\xa9", 4), "base58"));
	/* an embedded NUL inside len is a bad character, not the end */
	CHECK(contains(dec_err(ob_base58_decode, "2g\0" "2", 4), "base58"));
}

static void test_base64url(void)
{
	static const unsigned char fb[] = { 0xfb, 0xff, 0xfe };
	unsigned char all[256];
	ob_buf b = OB_BUF_INIT, d = OB_BUF_INIT;
	ob_error err = { 0 };
	int i;

	/* RFC 4648 10 vectors, padding removed */
	CHECK_STR(enc(ob_base64url_encode, "", 0), "");
	CHECK_STR(enc(ob_base64url_encode, "f", 1), "Zg");
	CHECK_STR(enc(ob_base64url_encode, "fo", 2), "Zm8");
	CHECK_STR(enc(ob_base64url_encode, "foo", 3), "Zm9v");
	CHECK_STR(enc(ob_base64url_encode, "foob", 4), "Zm9vYg");
	CHECK_STR(enc(ob_base64url_encode, "fooba", 5), "Zm9vYmE");
	CHECK_STR(enc(ob_base64url_encode, "foobar", 6), "Zm9vYmFy");
	/* the URL-safe alphabet: - and _ instead of + and / */
	CHECK_STR(enc(ob_base64url_encode, fb, 3), "-__-");
	CHECK(dec_is(ob_base64url_decode, "-__-", fb, 3));
	CHECK(dec_is(ob_base64url_decode, "", "", 0));
	CHECK(dec_is(ob_base64url_decode, "Zg", "f", 1));
	CHECK(dec_is(ob_base64url_decode, "Zm8", "fo", 2));
	CHECK(dec_is(ob_base64url_decode, "Zm9vYmE", "fooba", 5));
	CHECK(dec_is(ob_base64url_decode, "Zm9vYmFy", "foobar", 6));

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (i = 0; i <= 256; i += 17) {
		ob_buf_release(&b);
		ob_buf_release(&d);
		CHECK(ob_base64url_encode(&b, all, (size_t)i) == 0);
		CHECK(b.len == ((size_t)i * 4 + 2) / 3);
		CHECK(!b.data || !memchr(b.data, '=', b.len));
		CHECK(ob_base64url_decode(&d, b.data ? b.data : "", b.len, &err) == OB_OK);
		CHECK(d.len == (size_t)i && (i == 0 || memcmp(d.data, all, (size_t)i) == 0));
	}
	ob_buf_release(&b);
	ob_buf_release(&d);

	/* padding and the standard alphabet are refused */
	CHECK(dec_err(ob_base64url_decode, "Zg==", 4) != NULL);
	CHECK(dec_err(ob_base64url_decode, "Zm8=", 4) != NULL);
	CHECK(dec_err(ob_base64url_decode, "+//+", 4) != NULL);
	CHECK(dec_err(ob_base64url_decode, "-_/-", 4) != NULL);
	CHECK(dec_err(ob_base64url_decode, "-_+-", 4) != NULL);
	CHECK(dec_err(ob_base64url_decode, "Zm9v Yg", 7) != NULL);
	CHECK(dec_err(ob_base64url_decode, "Zm9v\nYg", 7) != NULL);
	/* non-zero unused bits: "Zh" and "Zm9" are not canonical */
	CHECK(contains(dec_err(ob_base64url_decode, "Zh", 2), "trailing bits"));
	CHECK(contains(dec_err(ob_base64url_decode, "Zm9", 3), "trailing bits"));
	CHECK(dec_err(ob_base64url_decode, "Zg", 2) == NULL);
	/* a length of 4n+1 cannot come from any byte string */
	CHECK(contains(dec_err(ob_base64url_decode, "Z", 1), "length"));
	CHECK(contains(dec_err(ob_base64url_decode, "Zm9vY", 5), "length"));
	CHECK(dec_err(ob_base64url_decode, "Zm9vYmFyZ", 9) != NULL);
}

static void test_base45(void)
{
	static const unsigned char ff[] = { 0xff, 0xff }, z2[] = { 0, 0 };
	unsigned char all[256];
	ob_buf b = OB_BUF_INIT, d = OB_BUF_INIT;
	ob_error err = { 0 };
	int i;

	/* RFC 9285 4.3 and 4.4 examples */
	CHECK_STR(enc(ob_base45_encode, "AB", 2), "BB8");
	CHECK_STR(enc(ob_base45_encode, "Hello!!", 7), "%69 VD92EX0");
	CHECK_STR(enc(ob_base45_encode, "base-45", 7), "UJCLQE7W581");
	CHECK_STR(enc(ob_base45_encode, "ietf!", 5), "QED8WEX0");
	CHECK(dec_is(ob_base45_decode, "BB8", "AB", 2));
	CHECK(dec_is(ob_base45_decode, "%69 VD92EX0", "Hello!!", 7));
	CHECK(dec_is(ob_base45_decode, "UJCLQE7W581", "base-45", 7));
	CHECK(dec_is(ob_base45_decode, "QED8WEX0", "ietf!", 5));
	CHECK_STR(enc(ob_base45_encode, "", 0), "");
	CHECK(dec_is(ob_base45_decode, "", "", 0));
	/* the extremes: 0x0000 is "000", 0xffff is "FGW" */
	CHECK_STR(enc(ob_base45_encode, z2, 2), "000");
	CHECK_STR(enc(ob_base45_encode, ff, 2), "FGW");
	CHECK(dec_is(ob_base45_decode, "FGW", ff, 2));
	CHECK_STR(enc(ob_base45_encode, ff, 1), "U5");
	CHECK(dec_is(ob_base45_decode, "U5", ff, 1));

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)(255 - i);
	for (i = 0; i <= 256; i += 19) {
		ob_buf_release(&b);
		ob_buf_release(&d);
		CHECK(ob_base45_encode(&b, all, (size_t)i) == 0);
		CHECK(ob_base45_decode(&d, b.data ? b.data : "", b.len, &err) == OB_OK);
		CHECK(d.len == (size_t)i && (i == 0 || memcmp(d.data, all, (size_t)i) == 0));
	}
	ob_buf_release(&b);
	ob_buf_release(&d);

	/* RFC 9285 4.4: "GGW" is 65536, too large; pairs above 255 too */
	CHECK(dec_err(ob_base45_decode, "GGW", 3) != NULL);
	CHECK(dec_err(ob_base45_decode, ":::", 3) != NULL);
	CHECK(dec_err(ob_base45_decode, "V5", 2) != NULL);
	CHECK(dec_err(ob_base45_decode, "::", 2) != NULL);
	/* lower case, other characters, and 3n+1 lengths */
	CHECK(dec_err(ob_base45_decode, "bb8", 3) != NULL);
	CHECK(dec_err(ob_base45_decode, "BB=", 3) != NULL);
	CHECK(dec_err(ob_base45_decode, "B\0" "8", 3) != NULL);
	CHECK(dec_err(ob_base45_decode, "B", 1) != NULL);
	CHECK(dec_err(ob_base45_decode, "BB8B", 4) != NULL);
	CHECK(contains(dec_err(ob_base45_decode, "BB8B", 4), "base45"));
}

static void test_hex(void)
{
	static const unsigned char v[] = { 0x00, 0x01, 0xab, 0xcd, 0xef, 0xff };

	CHECK_STR(enc(ob_hex_encode, v, sizeof(v)), "0001abcdefff");
	CHECK_STR(enc(ob_hex_encode, "", 0), "");
	CHECK(dec_is(ob_hex_decode, "0001abcdefff", v, sizeof(v)));
	CHECK(dec_is(ob_hex_decode, "0001ABCDEFFF", v, sizeof(v)));
	CHECK(dec_is(ob_hex_decode, "", "", 0));
	CHECK(contains(dec_err(ob_hex_decode, "abc", 3), "odd"));
	CHECK(dec_err(ob_hex_decode, "0g", 2) != NULL);
	CHECK(dec_err(ob_hex_decode, " 0", 2) != NULL);
	CHECK(dec_err(ob_hex_decode, "0x00", 4) != NULL);
}

static void test_multibase(void)
{
	static const unsigned char key[] = { 0xed, 0x01, 0x00, 0x10, 0x20, 0xff };
	ob_buf b = OB_BUF_INIT, d = OB_BUF_INIT;
	ob_error err = { 0 };

	CHECK(ob_multibase_encode(&b, 'z', (const unsigned char *)"Hello World!", 12) == 0);
	CHECK_STR(b.data, "z2NEpo7TZRRrLZSi2U");
	CHECK(ob_multibase_decode(&d, b.data, &err) == OB_OK);
	CHECK(d.len == 12 && memcmp(d.data, "Hello World!", 12) == 0);
	ob_buf_release(&b);
	ob_buf_release(&d);

	CHECK(ob_multibase_encode(&b, 'u', (const unsigned char *)"foobar", 6) == 0);
	CHECK_STR(b.data, "uZm9vYmFy");
	CHECK(ob_multibase_decode(&d, "uZm9vYmFy", &err) == OB_OK);
	CHECK(d.len == 6 && memcmp(d.data, "foobar", 6) == 0);
	ob_buf_release(&b);
	ob_buf_release(&d);

	CHECK(ob_multibase_encode(&b, 'z', key, sizeof(key)) == 0);
	CHECK(ob_multibase_decode(&d, b.data, &err) == OB_OK);
	CHECK(d.len == sizeof(key) && memcmp(d.data, key, sizeof(key)) == 0);
	ob_buf_release(&b);
	ob_buf_release(&d);

	/* unknown bases: 'f' (hex) and 'm' (padded base64) are not ours */
	CHECK(ob_multibase_encode(&b, 'f', key, sizeof(key)) < 0);
	ob_buf_release(&b);
	err.code = OB_OK;
	err.msg[0] = 0;
	CHECK(ob_multibase_decode(&d, "f00ff", &err) == OB_EPARSE);
	CHECK(contains(err.msg, "multibase"));
	ob_error_clear(&err);
	CHECK(ob_multibase_decode(&d, "mZm9v", &err) == OB_EPARSE);
	ob_error_clear(&err);
	CHECK(ob_multibase_decode(&d, "", &err) == OB_EPARSE);
	ob_error_clear(&err);
	CHECK(ob_multibase_decode(&d, NULL, &err) == OB_EPARSE);
	ob_error_clear(&err);
	/* the payload is checked by the base's own rules */
	CHECK(ob_multibase_decode(&d, "z2NEpo70", &err) == OB_EPARSE);
	CHECK(contains(err.msg, "base58"));
	ob_error_clear(&err);
	CHECK(ob_multibase_decode(&d, "uZg==", &err) == OB_EPARSE);
	ob_buf_release(&d);
}

/* 1 when v encodes to exactly the n bytes given and decodes back. */
static int varint_is(uint64_t v, const unsigned char *want, size_t n)
{
	unsigned char b[10];
	uint64_t back = ~v;
	size_t len = ob_varint_encode(v, b);

	return len == n && memcmp(b, want, n) == 0 && ob_varint_decode(b, len, &back) == n &&
	       back == v;
}

static void test_varint(void)
{
	static const unsigned char v0[] = { 0x00 }, v127[] = { 0x7f }, v128[] = { 0x80, 0x01 };
	static const unsigned char ed[] = { 0xed, 0x01 }, p256[] = { 0x80, 0x24 };
	static const unsigned char v300[] = { 0xac, 0x02 }, v16384[] = { 0x80, 0x80, 0x01 };
	static const unsigned char max63[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
	static const unsigned char nonmin1[] = { 0x80, 0x00 }, nonmin2[] = { 0xff, 0x80, 0x00 };
	static const unsigned char nonmin3[] = { 0x81, 0x00 };
	static const unsigned char trunc1[] = { 0x80 }, trunc2[] = { 0xed, 0x81 };
	static const unsigned char ten[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
	static const unsigned char key[] = { 0xed, 0x01, 0xaa, 0xbb };
	unsigned char b[10];
	uint64_t v = 12345;

	CHECK(varint_is(0, v0, 1));
	CHECK(varint_is(127, v127, 1));
	CHECK(varint_is(128, v128, 2));
	/* multicodec: ed25519-pub 0xed and p256-pub 0x1200 */
	CHECK(varint_is(0xed, ed, 2));
	CHECK(varint_is(0x1200, p256, 2));
	CHECK(varint_is(300, v300, 2));
	CHECK(varint_is(16384, v16384, 3));
	CHECK(varint_is(((uint64_t)1 << 63) - 1, max63, 9));

	/* decode reads only the varint and reports its length */
	CHECK(ob_varint_decode(key, sizeof(key), &v) == 2 && v == 0xed);

	/* not minimal, truncated, empty, over nine bytes */
	v = 12345;
	CHECK(ob_varint_decode(nonmin1, sizeof(nonmin1), &v) == 0);
	CHECK(ob_varint_decode(nonmin2, sizeof(nonmin2), &v) == 0);
	CHECK(ob_varint_decode(nonmin3, sizeof(nonmin3), &v) == 0);
	CHECK(ob_varint_decode(trunc1, sizeof(trunc1), &v) == 0);
	CHECK(ob_varint_decode(trunc2, sizeof(trunc2), &v) == 0);
	CHECK(ob_varint_decode(ed, 1, &v) == 0);
	CHECK(ob_varint_decode(ed, 0, &v) == 0);
	CHECK(ob_varint_decode(ten, sizeof(ten), &v) == 0);
	CHECK(v == 12345); /* untouched on failure */

	/* 2^63 needs ten bytes: encodable, beyond what decode takes */
	CHECK(ob_varint_encode((uint64_t)1 << 63, b) == 10);
	CHECK(ob_varint_encode(UINT64_MAX, b) == 10);
	CHECK(ob_varint_decode(b, 10, &v) == 0);
}

/* base58 round trip over many lengths and leading-zero counts, against a
 * plain byte-at-a-time reference encoder */
static void ref_b58(const unsigned char *in, size_t n, char *out)
{
	static const char A[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	unsigned char tmp[256] = { 0 };
	size_t z = 0, i, j, size = n * 138 / 100 + 1, k = 0;

	while (z < n && in[z] == 0)
		z++;
	for (i = z; i < n; i++) {
		unsigned carry = in[i];
		for (j = size; j > 0; j--) {
			carry += 256u * tmp[j - 1];
			tmp[j - 1] = (unsigned char)(carry % 58);
			carry /= 58;
		}
	}
	for (j = 0; j < size && tmp[j] == 0; j++)
		;
	for (i = 0; i < z; i++)
		out[k++] = '1';
	for (; j < size; j++)
		out[k++] = A[tmp[j]];
	out[k] = '\0';
}

static void test_base58_roundtrip(void)
{
	unsigned char in[100];
	char want[256];
	unsigned seed = 12345;
	int t, bad = 0;

	for (t = 0; t < 3000; t++) {
		size_t n = (size_t)(t % 100), i;
		ob_buf e = OB_BUF_INIT, d = OB_BUF_INIT;
		ob_error err = { 0 };
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (unsigned char)(seed >> 16);
		}
		for (i = 0; i < n && i < (size_t)(t % 7); i++)
			in[i] = 0;
		ref_b58(in, n, want);
		ob_base58_encode(&e, in, n);
		ob_base58_decode(&d, e.data ? e.data : "", e.len, &err);
		if (strcmp(e.data ? e.data : "", want) != 0 || d.len != n || (n && memcmp(d.data, in, n)))
			bad++;
		ob_buf_release(&e);
		ob_buf_release(&d);
	}
	CHECK(bad == 0);
}

/* ob_url_decode (base/text.h): the answer and what out holds after it. */
static void url_case(const char *in, size_t max, int want, const char *out)
{
	ob_buf b = OB_BUF_INIT;
	int rc = ob_url_decode(in, strlen(in), max, &b);

	CHECK(rc == want);
	CHECK(b.len == strlen(out) && (!b.len || !memcmp(b.data, out, b.len)));
	ob_buf_release(&b);
}

static void test_url_decode(void)
{
	ob_buf b = OB_BUF_INIT;

	url_case("", 10, 0, "");
	url_case("a+b%20c%2Bd", 100, 0, "a b c+d");
	url_case("%41%4a%4A%7e", 100, 0, "AJJ~");
	url_case("%e2%82%ac", 100, 0, "\xe2\x82\xac");
	url_case("https%3A%2F%2Fx.example%2Fo%3Fa%3D1%26b", 100, 0, "https://x.example/o?a=1&b");
	/* a bad escape: what came before it stays */
	url_case("ab%", 100, OB_URL_BAD_ESCAPE, "ab");
	url_case("ab%4", 100, OB_URL_BAD_ESCAPE, "ab");
	url_case("%g1", 100, OB_URL_BAD_ESCAPE, "");
	url_case("%1g", 100, OB_URL_BAD_ESCAPE, "");
	url_case("x%%41", 100, OB_URL_BAD_ESCAPE, "x");
	/* a NUL byte: refused, not cut at */
	url_case("a%00b", 100, OB_URL_NUL, "a");
	/* the budget is on the encoded length, checked first */
	url_case("abcd", 4, 0, "abcd");
	url_case("abcd", 3, OB_URL_TOO_LONG, "");
	url_case("%00", 2, OB_URL_TOO_LONG, "");
	/* len bounds the input: an escape cut by len is bad */
	CHECK(ob_url_decode("a%41", 3, 100, &b) == OB_URL_BAD_ESCAPE && b.len == 1);
	ob_buf_release(&b);
	b.oom = 1;
	CHECK(ob_url_decode("a", 1, 100, &b) == OB_URL_NOMEM);
	ob_buf_release(&b);
}

int main(void)
{
	ob_init();
	test_base58();
	test_base64url();
	test_base45();
	test_hex();
	test_multibase();
	test_varint();
	enc(ob_hex_encode, NULL, 0); /* frees the static buffer */
	test_base58_roundtrip();
	test_url_decode();
	return check_done("test_codec");
}
