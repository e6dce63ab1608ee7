#include "canon/jcs.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deeper values (or a cycle built with json_object_set) are refused rather
 * than overflowing the stack (jansson's parser stops at the same depth). */
#define MAX_DEPTH 2048

enum { W_OK = 0, W_NOMEM = -1, W_NONFINITE = -2, W_DEEP = -3, W_BADARG = -4 };

/* ---- numbers: ECMAScript Number::toString (RFC 8785 3.2.2.3) ----------
 *
 * Shortest digits come from Burger and Dybvig's free-format algorithm
 * ("Printing Floating-Point Numbers Quickly and Accurately", 1996) on exact
 * big integers: v = r/s, and the rounding interval of v is
 * [(r - m-)/s, (r + m+)/s], closed when the significand is even because
 * reading a decimal back rounds half to even. It yields the fewest digits
 * that read back as v and, of those, the ones closest to v, which is what
 * ECMA-262 Number::toString step 5 (with its note 2) asks for.
 */

/* 40 limbs = 1280 bits. The largest value held is s < 2^1085 (2^1076 for
 * the smallest subnormal, times 10 twice in the fixup), and r < 10 s. */
#define BIG_LIMBS 40

typedef struct {
	int n;                    /* limbs in use; 0 means zero */
	uint32_t d[BIG_LIMBS];    /* little endian, base 2^32 */
} big;

static void big_set(big *a, uint64_t v)
{
	a->n = 0;
	while (v) {
		a->d[a->n++] = (uint32_t)v;
		v >>= 32;
	}
}

static void big_shl(big *a, int bits)
{
	int words = bits / 32, sh = bits % 32, i;

	if (a->n == 0)
		return;
	if (sh) {
		uint32_t carry = 0;
		for (i = 0; i < a->n; i++) {
			uint32_t x = a->d[i];
			a->d[i] = x << sh | carry;
			carry = x >> (32 - sh);
		}
		if (carry)
			a->d[a->n++] = carry;
	}
	if (words) {
		memmove(a->d + words, a->d, (size_t)a->n * sizeof(a->d[0]));
		memset(a->d, 0, (size_t)words * sizeof(a->d[0]));
		a->n += words;
	}
}

static void big_mul_small(big *a, uint32_t m)
{
	uint64_t carry = 0;
	int i;

	for (i = 0; i < a->n; i++) {
		uint64_t x = (uint64_t)a->d[i] * m + carry;
		a->d[i] = (uint32_t)x;
		carry = x >> 32;
	}
	if (carry)
		a->d[a->n++] = (uint32_t)carry;
}

/* a *= 10^k as 5^k (in 5^13 steps, the largest power below 2^32) and 2^k */
static void big_mul_pow10(big *a, int k)
{
	static const uint32_t pow5[14] = {
		1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125,
		9765625, 48828125, 244140625, 1220703125,
	};
	int left = k;

	while (left >= 13) {
		big_mul_small(a, pow5[13]);
		left -= 13;
	}
	if (left)
		big_mul_small(a, pow5[left]);
	big_shl(a, k);
}

static int big_cmp(const big *a, const big *b)
{
	int i;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n - 1; i >= 0; i--)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

/* Compares a + b with c without storing the sum. */
static int big_add_cmp(const big *a, const big *b, const big *c)
{
	big t;
	uint64_t carry = 0;
	int i, n = a->n > b->n ? a->n : b->n;

	if (n + 1 < c->n)
		return -1;
	if (n > c->n)
		return 1;
	for (i = 0; i < n; i++) {
		uint64_t x = carry;
		if (i < a->n)
			x += a->d[i];
		if (i < b->n)
			x += b->d[i];
		t.d[i] = (uint32_t)x;
		carry = x >> 32;
	}
	t.n = n;
	if (carry)
		t.d[t.n++] = (uint32_t)carry;
	return big_cmp(&t, c);
}

static void big_trim(big *a)
{
	while (a->n > 0 && a->d[a->n - 1] == 0)
		a->n--;
}

/* a -= q * b, where the result is known to be >= 0 */
static void big_sub_mul(big *a, const big *b, uint32_t q)
{
	uint64_t mul_carry = 0;
	int64_t borrow = 0;
	int i;

	for (i = 0; i < a->n; i++) {
		uint64_t p = mul_carry;
		int64_t x;
		if (i < b->n)
			p += (uint64_t)b->d[i] * q;
		mul_carry = p >> 32;
		x = (int64_t)a->d[i] - (int64_t)(uint32_t)p + borrow;
		a->d[i] = (uint32_t)x;
		borrow = x < 0 ? -1 : 0;
	}
	big_trim(a);
}

/* For r < 10 s: returns floor(r / s) and leaves the remainder in r. s is
 * normalised (top bit of its top limb set), so the estimate from the top
 * limbs is at most one or two short. */
static int big_divmod(big *r, const big *s)
{
	uint64_t top;
	uint32_t q;
	int n = s->n;

	if (r->n < n)
		return 0;
	top = r->d[n - 1];
	if (r->n > n)
		top |= (uint64_t)r->d[n] << 32;
	q = (uint32_t)(top / ((uint64_t)s->d[n - 1] + 1));
	if (q)
		big_sub_mul(r, s, q);
	while (big_cmp(r, s) >= 0) {
		big_sub_mul(r, s, 1);
		q++;
	}
	return (int)q;
}

static int clz32(uint32_t x)
{
	int n = 0;

	while (!(x & 0x80000000u)) {
		x <<= 1;
		n++;
	}
	return n;
}

/* Shortest round-trip digits of v > 0 (finite). Writes digit values (not
 * characters) to dig and returns their count; *point is the exponent n of
 * ECMA-262 Number::toString, so that v = 0.dig × 10^n. */
static int shortest_digits(double v, unsigned char dig[24], int *point)
{
	big r, s, mm, mp_store, *mp = &mm;
	uint64_t bits, f;
	int be, e, k, nd = 0, bl, sh, inclusive, c;

	memcpy(&bits, &v, sizeof(bits));
	be = (int)(bits >> 52 & 0x7ff);
	f = bits & ((UINT64_C(1) << 52) - 1);
	if (be) {
		/* the gap below 2^52·2^e is half the gap above */
		int unequal = f == 0 && be > 1;
		f |= UINT64_C(1) << 52;
		e = be - 1075;
		if (e >= 0) {
			big_set(&r, f);
			big_shl(&r, e + 1 + unequal);
			big_set(&s, 2u << unequal);
			big_set(&mm, 1);
			big_shl(&mm, e);
		} else {
			big_set(&r, f << (1 + unequal));
			big_set(&s, 1);
			big_shl(&s, 1 + unequal - e);
			big_set(&mm, 1);
		}
		if (unequal) {
			mp_store = mm;
			big_shl(&mp_store, 1);
			mp = &mp_store;
		}
	} else {
		e = -1074;
		big_set(&r, f << 1);
		big_set(&s, 1);
		big_shl(&s, 1 - e);
		big_set(&mm, 1);
	}
	inclusive = (f & 1) == 0;

	/* k = ceil(log10 v), estimated from floor(log2 v); at most two low */
	bl = 64;
	while (!(f >> (bl - 1)))
		bl--;
	k = (int)ceil((e + bl - 1) * 0.30102999566398119521 - 1e-10);
	if (k >= 0) {
		big_mul_pow10(&s, k);
	} else {
		big_mul_pow10(&r, -k);
		big_mul_pow10(&mm, -k);
		if (mp != &mm)
			big_mul_pow10(mp, -k);
	}
	for (;;) {
		c = big_add_cmp(&r, mp, &s);
		if (inclusive ? c < 0 : c <= 0)
			break;
		big_mul_small(&s, 10);
		k++;
	}

	sh = clz32(s.d[s.n - 1]);
	big_shl(&r, sh);
	big_shl(&s, sh);
	big_shl(&mm, sh);
	if (mp != &mm)
		big_shl(mp, sh);

	for (;;) {
		int d, low, high;

		big_mul_small(&r, 10);
		big_mul_small(&mm, 10);
		if (mp != &mm)
			big_mul_small(mp, 10);
		d = big_divmod(&r, &s);
		c = big_cmp(&r, &mm);
		low = inclusive ? c <= 0 : c < 0;
		c = big_add_cmp(&r, mp, &s);
		high = inclusive ? c >= 0 : c > 0;
		if (!low && !high && nd < 20) {
			dig[nd++] = (unsigned char)d;
			continue;
		}
		if (low && high) {
			/* both d and d+1 read back as v: take the closer, and
			 * the even one on a tie (ECMA-262 note 2) */
			c = big_add_cmp(&r, &r, &s);
			if (c > 0 || (c == 0 && (d & 1)))
				d++;
		} else if (high) {
			d++;
		}
		dig[nd++] = (unsigned char)d;
		break;
	}

	/* the algorithm never rounds a 9 up, but keep the digits valid */
	while (nd > 1 && dig[nd - 1] == 10) {
		dig[--nd - 1]++;
	}
	if (dig[0] == 10) {
		dig[0] = 1;
		nd = 1;
		k++;
	}
	while (nd > 1 && dig[nd - 1] == 0)
		nd--;
	*point = k;
	return nd;
}

#if FLT_EVAL_METHOD == 0
/* Most numbers in credentials are short decimals (4.5, 0.25, 87.125). While
 * v·10^j < 2^53, s / 10^j is correctly rounded for an integer s (both are
 * exact doubles: Clinger's fast path), so it tells exactly whether s·10^-j
 * reads back as v; and every s that does lies within 1.5 of the computed
 * v·10^j. The first j with exactly one such s gives the shortest digits; a
 * choice between two (to make by closeness) is left to the exact path.
 * Returns 1 with the digits in dig, their count in *nd and *point as
 * shortest_digits sets it; 0 when the exact path must decide. */
static int short_decimal(double v, unsigned char dig[24], int *nd, int *point)
{
	static const double p10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
	};
	char tmp[24];
	int j, n, i;

	for (j = 0; j < (int)(sizeof(p10) / sizeof(p10[0])); j++) {
		double x = v * p10[j];
		uint64_t f, c, found = 0;
		int count = 0;

		if (x >= 9007199254740990.0)
			return 0;
		f = (uint64_t)x;
		for (c = f ? f - 1 : 1; c <= f + 2; c++) {
			if ((double)c / p10[j] == v) {
				found = c;
				count++;
			}
		}
		if (count > 1)
			return 0;
		if (count == 0)
			continue;
		/* no trailing zero: found/10 would have matched at j - 1 */
		n = 0;
		do {
			tmp[n++] = (char)(found % 10);
			found /= 10;
		} while (found);
		for (i = 0; i < n; i++)
			dig[i] = (unsigned char)tmp[n - 1 - i];
		*nd = n;
		*point = n - j;
		return 1;
	}
	return 0;
}
#endif

static int put_uint(char *out, uint64_t u)
{
	char tmp[24];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

int ob_jcs_number(double d, char *out)
{
	unsigned char dig[24];
	int len = 0, k, n, i;

	if (!isfinite(d))
		return -1;
	if (d == 0) {
		/* -0 as well (ECMA-262 Number::toString step 2) */
		out[0] = '0';
		out[1] = '\0';
		return 1;
	}
	if (d < 0) {
		out[len++] = '-';
		d = -d;
	}
	/* Below 2^53 an integer's shortest form is its own digits. */
	if (d < 9007199254740992.0 && d == (double)(uint64_t)d) {
		len += put_uint(out + len, (uint64_t)d);
		out[len] = '\0';
		return len;
	}

#if FLT_EVAL_METHOD == 0
	if (!(d >= 1e-7 && short_decimal(d, dig, &k, &n)))
#endif
		k = shortest_digits(d, dig, &n);
	if (k <= n && n <= 21) {
		/* step 7: digits then n - k zeros */
		for (i = 0; i < k; i++)
			out[len++] = (char)('0' + dig[i]);
		for (; i < n; i++)
			out[len++] = '0';
	} else if (0 < n && n <= 21) {
		/* step 8 */
		for (i = 0; i < k; i++) {
			if (i == n)
				out[len++] = '.';
			out[len++] = (char)('0' + dig[i]);
		}
	} else if (-6 < n && n <= 0) {
		/* step 9 */
		out[len++] = '0';
		out[len++] = '.';
		for (i = n; i < 0; i++)
			out[len++] = '0';
		for (i = 0; i < k; i++)
			out[len++] = (char)('0' + dig[i]);
	} else {
		/* steps 10-11: exponent form, e.g. 1e+21, 1.5e-7 */
		int x = n - 1;
		out[len++] = (char)('0' + dig[0]);
		if (k > 1) {
			out[len++] = '.';
			for (i = 1; i < k; i++)
				out[len++] = (char)('0' + dig[i]);
		}
		out[len++] = 'e';
		out[len++] = x < 0 ? '-' : '+';
		len += put_uint(out + len, (uint64_t)(x < 0 ? -x : x));
	}
	out[len] = '\0';
	return len;
}

/* ---- the writer ------------------------------------------------------- */

struct member {
	const char *key;
	size_t len;
	json_t *val;
};

struct writer {
	ob_buf *b;
	int flags;
	/* members of every sorted object now open, innermost last: one
	 * allocation for the whole document instead of one per object */
	struct member *stack;
	size_t top, cap;
};

/* The writer appends straight into b->data and NUL-terminates once, at the
 * end (write_json). ob_buf_grow keeps one byte spare for that NUL. */
static int reserve(ob_buf *b, size_t n)
{
	if (b->cap - b->len > n)
		return W_OK;
	return ob_buf_grow(b, n) < 0 ? W_NOMEM : W_OK;
}

static int put(ob_buf *b, const char *s, size_t n)
{
	if (reserve(b, n))
		return W_NOMEM;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return W_OK;
}

static int putc1(ob_buf *b, char c)
{
	if (reserve(b, 1))
		return W_NOMEM;
	b->data[b->len++] = c;
	return W_OK;
}

/* RFC 8785 3.2.2.2: the two-letter escapes, \u00xx (lowercase) for other
 * controls, everything else (U+007F included) as raw UTF-8. */
static const char ESC[256] = {
	['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	['"'] = '"', ['\\'] = '\\',
	[0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u',
	[0x05] = 'u', [0x06] = 'u', [0x07] = 'u', [0x0b] = 'u', [0x0e] = 'u',
	[0x0f] = 'u', [0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u',
	[0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u', [0x18] = 'u',
	[0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u', [0x1d] = 'u',
	[0x1e] = 'u', [0x1f] = 'u',
};

/* Length of the prefix of s that needs no escape, eight bytes at a time:
 * a word passes when none of its bytes is below 0x20, '"' or '\\'
 * (the "has less" and "has zero" tests of Bit Twiddling Hacks). */
static size_t plain_prefix(const char *s, size_t len)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t high = UINT64_C(0x8080808080808080);
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w, q, bs;
		memcpy(&w, s + i, 8);
		q = w ^ (ones * '"');
		bs = w ^ (ones * '\\');
		if (((w - ones * 0x20) | (q - ones) | (bs - ones)) & ~w & high)
			break;
	}
	while (i < len && !ESC[(unsigned char)s[i]])
		i++;
	return i;
}

static int write_string(ob_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = plain_prefix(s, len);

	if (reserve(b, len + 2))
		return W_NOMEM;
	b->data[b->len++] = '"';
	memcpy(b->data + b->len, s, i);
	b->len += i;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		char e = ESC[c], *p;
		size_t run;

		/* room for the escape and for the rest unescaped */
		if (reserve(b, 6 + (len - i) + 1))
			return W_NOMEM;
		p = b->data + b->len;
		if (!e) {
			run = plain_prefix(s + i, len - i);
			memcpy(p, s + i, run);
			b->len += run;
			i += run;
			continue;
		}
		p[0] = '\\';
		p[1] = e;
		if (e == 'u') {
			p[2] = '0';
			p[3] = '0';
			p[4] = hex[c >> 4];
			p[5] = hex[c & 15];
			b->len += 6;
		} else {
			b->len += 2;
		}
		i++;
	}
	b->data[b->len++] = '"';
	return W_OK;
}

static int write_number(ob_buf *b, double d)
{
	char num[32];
	int n = ob_jcs_number(d, num);

	if (n < 0)
		return W_NONFINITE;
	return put(b, num, (size_t)n);
}

/* RFC 8785 3.2.3: keys compare as arrays of UTF-16 code units. UTF-8 byte
 * order is code point order, which agrees except that a character above
 * U+FFFF (a surrogate pair, lead byte F0-F4) sorts before U+E000-U+FFFF
 * (lead byte EE or EF). Keys that differ first in a continuation byte share
 * their lead byte, so only lead bytes need the check. */
static int key_cmp(const struct member *a, const struct member *b)
{
	size_t n = a->len < b->len ? a->len : b->len, i;
	const unsigned char *x = (const unsigned char *)a->key;
	const unsigned char *y = (const unsigned char *)b->key;

	for (i = 0; i < n; i++) {
		if (x[i] == y[i])
			continue;
		if (x[i] >= 0xf0 && (y[i] == 0xee || y[i] == 0xef))
			return -1;
		if (y[i] >= 0xf0 && (x[i] == 0xee || x[i] == 0xef))
			return 1;
		return x[i] < y[i] ? -1 : 1;
	}
	return a->len < b->len ? -1 : a->len > b->len;
}

static int key_qcmp(const void *a, const void *b)
{
	return key_cmp(a, b);
}

/* Objects are small, so insertion sort; qsort past a handful. Keys are
 * unique, so stability does not matter. */
static void sort_members(struct member *m, size_t n)
{
	size_t i, j;

	if (n > 16) {
		qsort(m, n, sizeof(*m), key_qcmp);
		return;
	}
	for (i = 1; i < n; i++) {
		struct member t = m[i];
		for (j = i; j > 0 && key_cmp(&t, &m[j - 1]) < 0; j--)
			m[j] = m[j - 1];
		m[j] = t;
	}
}

/* OB_JSON_PRETTY: newline and two spaces per level, as
 * JSON.stringify(v, null, 2) */
static int newline(ob_buf *b, int level)
{
	size_t n = (size_t)level * 2 + 1;

	if (reserve(b, n))
		return W_NOMEM;
	b->data[b->len] = '\n';
	memset(b->data + b->len + 1, ' ', n - 1);
	b->len += n;
	return W_OK;
}

static int write_value(struct writer *w, const json_t *v, int level);

static int write_member(struct writer *w, const char *key, size_t len,
			const json_t *val, int first, int level)
{
	int rc;

	if (!first && (rc = putc1(w->b, ',')))
		return rc;
	if ((w->flags & OB_JSON_PRETTY) && (rc = newline(w->b, level + 1)))
		return rc;
	if ((rc = write_string(w->b, key, len)))
		return rc;
	if ((rc = put(w->b, ": ", (w->flags & OB_JSON_PRETTY) ? 2 : 1)))
		return rc;
	return write_value(w, val, level + 1);
}

static size_t iter_key_len(void *it, const char *key)
{
#if JANSSON_VERSION_HEX >= 0x020e00
	(void)key;
	return json_object_iter_key_len(it);
#else
	(void)it;
	return strlen(key);
#endif
}

static int write_object(struct writer *w, json_t *o, int level)
{
	size_t n = json_object_size(o), base = w->top, i;
	void *it;
	int rc = W_OK;

	if (n == 0)
		return put(w->b, "{}", 2);
	if ((rc = putc1(w->b, '{')))
		return rc;
	if (!(w->flags & OB_JSON_SORTED)) {
		/* jansson (2.13 on) iterates in insertion order */
		for (it = json_object_iter(o), i = 0; it && !rc;
		     it = json_object_iter_next(o, it), i++) {
			const char *key = json_object_iter_key(it);
			rc = write_member(w, key, iter_key_len(it, key),
					  json_object_iter_value(it), i == 0, level);
		}
		goto close;
	}

	if (n > w->cap - w->top) {
		size_t cap = w->cap ? w->cap : 64;
		struct member *p;
		while (cap - w->top < n)
			cap *= 2;
		p = realloc(w->stack, cap * sizeof(*p));
		if (!p)
			return W_NOMEM;
		w->stack = p;
		w->cap = cap;
	}
	for (it = json_object_iter(o), i = 0; it && i < n;
	     it = json_object_iter_next(o, it), i++) {
		struct member *m = &w->stack[base + i];
		m->key = json_object_iter_key(it);
		m->len = iter_key_len(it, m->key);
		m->val = json_object_iter_value(it);
	}
	n = i;
	w->top = base + n;
	/* RFC 8785 3.2.3 */
	sort_members(w->stack + base, n);
	for (i = 0; i < n && !rc; i++) {
		/* copy: a nested object may move the stack */
		struct member m = w->stack[base + i];
		rc = write_member(w, m.key, m.len, m.val, i == 0, level);
	}
	w->top = base;
close:
	if (rc)
		return rc;
	if ((w->flags & OB_JSON_PRETTY) && (rc = newline(w->b, level)))
		return rc;
	return putc1(w->b, '}');
}

static int write_array(struct writer *w, json_t *a, int level)
{
	size_t n = json_array_size(a), i;
	int rc;

	if (n == 0)
		return put(w->b, "[]", 2);
	if ((rc = putc1(w->b, '[')))
		return rc;
	for (i = 0; i < n; i++) {
		if (i > 0 && (rc = putc1(w->b, ',')))
			return rc;
		if ((w->flags & OB_JSON_PRETTY) && (rc = newline(w->b, level + 1)))
			return rc;
		if ((rc = write_value(w, json_array_get(a, i), level + 1)))
			return rc;
	}
	if ((w->flags & OB_JSON_PRETTY) && (rc = newline(w->b, level)))
		return rc;
	return putc1(w->b, ']');
}

static int write_value(struct writer *w, const json_t *v, int level)
{
	/* jansson's getters take non-const pointers; nothing here writes */
	json_t *x = (json_t *)v;

	if (!v)
		return W_BADARG;
	if (level >= MAX_DEPTH)
		return W_DEEP;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return write_object(w, x, level);
	case JSON_ARRAY:
		return write_array(w, x, level);
	case JSON_STRING:
		return write_string(w->b, json_string_value(x), json_string_length(x));
	case JSON_INTEGER:
		/* one number type, as in JavaScript: 2^53 + 1 becomes 2^53 */
		return write_number(w->b, (double)json_integer_value(x));
	case JSON_REAL:
		return write_number(w->b, json_real_value(x));
	case JSON_TRUE:
		return put(w->b, "true", 4);
	case JSON_FALSE:
		return put(w->b, "false", 5);
	case JSON_NULL:
		return put(w->b, "null", 4);
	default:
		return W_BADARG;
	}
}

/* Writes v; on failure b is put back as it was (b->oom stays set after an
 * allocation failure). */
static int write_json(ob_buf *b, const json_t *v, int flags)
{
	struct writer w = { b, flags, NULL, 0, 0 };
	size_t start = b->len;
	int rc;

	if (b->oom)
		return W_NOMEM;
	rc = write_value(&w, v, 0);
	if (rc != W_OK)
		b->len = start;
	if (b->data)
		b->data[b->len] = '\0';
	free(w.stack);
	return rc;
}

int ob_json_write(ob_buf *b, const json_t *v, int flags)
{
	return write_json(b, v, flags) == W_OK ? 0 : -1;
}

char *ob_json_dumps(const json_t *v, int flags)
{
	ob_buf b = OB_BUF_INIT;

	if (write_json(&b, v, flags) != W_OK) {
		ob_buf_release(&b);
		return NULL;
	}
	return ob_buf_detach(&b, NULL);
}

ob_code ob_jcs_canonicalize(const json_t *v, ob_buf *b, ob_error *err)
{
	switch (write_json(b, v, OB_JSON_SORTED)) {
	case W_OK:
		return OB_OK;
	case W_NOMEM:
		return ob_fail(err, OB_ENOMEM, "out of memory");
	case W_NONFINITE:
		return ob_fail(err, OB_EPARSE,
			       "cannot canonicalize JSON: number is not finite");
	case W_DEEP:
		return ob_fail(err, OB_EPARSE,
			       "cannot canonicalize JSON: nesting deeper than %d levels",
			       MAX_DEPTH);
	default:
		return ob_fail(err, OB_EUSAGE, "cannot canonicalize JSON: no value");
	}
}
