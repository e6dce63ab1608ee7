/* cborld_enc: the compressed CBOR-LD encoder (cborld.h), cborld 4.3.4's
 * Compressor and encoders, with the contexts of cborld_ctx.c. CBOR items
 * through libcbor, integers at their shortest and map keys in ascending
 * order, as cborg writes them. */
#include "io/cborld.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/evp.h>

#include "base/codec.h"
#include "io/cborld_int.h"


static cbor_item_t *uint_item(uint64_t v)
{
	if (v <= 0xff)
		return cbor_build_uint8((uint8_t)v);
	if (v <= 0xffff)
		return cbor_build_uint16((uint16_t)v);
	if (v <= 0xffffffffu)
		return cbor_build_uint32((uint32_t)v);
	return cbor_build_uint64(v);
}

static cbor_item_t *int_item(int64_t v)
{
	cbor_item_t *it;
	uint64_t u;

	if (v >= 0)
		return uint_item((uint64_t)v);
	u = (uint64_t)(-(v + 1));
	if (!(it = uint_item(u)))
		return NULL;
	cbor_mark_negint(it);
	return it;
}

static cbor_item_t *oom(struct cbld *s)
{
	ob_fail(s->err, OB_ENOMEM, "out of memory");
	return NULL;
}

/* An array of the given items (each reference taken over). */
static cbor_item_t *array_of(struct cbld *s, cbor_item_t **v, size_t n)
{
	cbor_item_t *a = cbor_new_definite_array(n);
	size_t i;

	for (i = 0; i < n; i++) {
		if (!v[i] || !a || !cbor_array_push(a, v[i])) {
			for (; i < n; i++)
				if (v[i])
					cbor_decref(&v[i]);
			if (a)
				cbor_decref(&a);
			return s->err->code ? NULL : oom(s);
		}
		cbor_decref(&v[i]);
	}
	return a;
}

/* Whether cborg writes d as a half float: it converts d to single
 * precision, then to half as libcbor's encoder does (subnormal halves as
 * one bit, so only powers of two), and keeps the half when it reads back
 * as d. */
static int half_exact(double d)
{
	float f = (float)d;
	uint32_t u;
	int be, exp;

	memcpy(&u, &f, sizeof(u));
	be = (int)((u >> 23) & 0xff);
	exp = be - 127;
	if ((double)f != d || be == 0 || be == 0xff || exp < -24 || exp > 15)
		return 0;
	if (exp < -14)
		return (u & 0x7fffff) == 0;
	return (u & 0x1fff) == 0;
}

cbor_item_t *cbld_number(double d)
{
	if (d >= -CBLD_SAFE_MAX && d <= CBLD_SAFE_MAX && d == (double)(int64_t)d)
		return int_item((int64_t)d); /* -0 too: cborg writes 0 */
	if (half_exact(d))
		return cbor_build_float2((float)d);
	if ((double)(float)d == d)
		return cbor_build_float4((float)d);
	return cbor_build_float8(d);
}

/* A JSON number as cborg writes it (cbld_number). */
static cbor_item_t *number_item(struct cbld *s, const json_t *j)
{
	cbor_item_t *it = cbld_number(json_number_value(j));

	return it ? it : oom(s);
}

static int cmp_cbor_key(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);

	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

/* A JSON value as cborg writes it (inline contexts, raw values): maps'
 * text keys sorted by length, then bytes. */
static cbor_item_t *plain(struct cbld *s, const json_t *j, int depth)
{
	cbor_item_t *it = NULL, *v;
	const char **keys;
	const char *k;
	json_t *x;
	size_t n = 0, i;

	if (depth > OB_CBORLD_MAX_DEPTH) {
		ob_fail(s->err, OB_ELIMIT, "CBOR-LD: nested more than %d deep", OB_CBORLD_MAX_DEPTH);
		return NULL;
	}
	switch (json_typeof(j)) {
	case JSON_STRING:
		return cbor_build_stringn(json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
	case JSON_REAL:
		return number_item(s, j);
	case JSON_TRUE:
	case JSON_FALSE:
		return cbor_build_bool(json_is_true(j));
	case JSON_NULL:
		return cbor_new_null();
	case JSON_ARRAY:
		if (!(it = cbor_new_definite_array(json_array_size(j))))
			return oom(s);
		json_array_foreach(j, i, x) {
			if (!(v = plain(s, x, depth + 1)) || !cbor_array_push(it, cbor_move(v)))
				goto fail;
		}
		return it;
	default:
		break;
	}
	if (!(keys = malloc((json_object_size(j) + 1) * sizeof(*keys))) || !(it = cbor_new_definite_map(json_object_size(j)))) {
		free(keys);
		return oom(s);
	}
	json_object_foreach((json_t *)j, k, x)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_cbor_key);
	for (i = 0; i < n; i++) {
		cbor_item_t *key = cbor_build_string(keys[i]);

		v = plain(s, json_object_get(j, keys[i]), depth + 1);
		if (!key || !v || !cbor_map_add(it, (struct cbor_pair){ .key = cbor_move(key), .value = cbor_move(v) })) {
			free(keys);
			goto fail;
		}
	}
	free(keys);
	return it;
fail:
	cbor_decref(&it);
	return s->err->code ? NULL : oom(s);
}

/* ---- value encoders ---- */

/* _multibase58ToToken: bytes when str is 'z' and base58, else text. */
static cbor_item_t *b58_token(const char *str, size_t n)
{
	ob_buf b = OB_BUF_INIT, back = OB_BUF_INIT;
	ob_error e = { 0 };
	cbor_item_t *it = NULL;

	if (n >= 1 && str[0] == 'z' && !ob_base58_decode(&b, str + 1, n - 1, &e) &&
	    !ob_base58_encode(&back, (unsigned char *)(b.data ? b.data : ""), b.len) && back.len == n - 1 &&
	    !memcmp(back.data ? back.data : "", str + 1, n - 1))
		it = cbor_build_bytestring((cbor_data)(b.data ? b.data : ""), b.len);
	else
		it = cbor_build_stringn(str, n);
	ob_buf_release(&b);
	ob_buf_release(&back);
	return it;
}

/* uuid 8.3.2's parse (its validate regex) */
static int uuid_bytes(const char *u, unsigned char out[16])
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t i, k = 0;

	if (strlen(u) != 36)
		return -1;
	for (i = 0; i < 4; i++)
		if (u[dash[i]] != '-')
			return -1;
	for (i = 0; i < 36; i++) {
		int hi, lo;

		if (u[i] == '-')
			continue;
		if ((hi = ob_hex_digit(u[i])) < 0 || (lo = ob_hex_digit(u[i + 1])) < 0 || u[i + 1] == '-')
			return -1;
		out[k++] = (unsigned char)(hi << 4 | lo);
		i++;
	}
	if (k != 16)
		return -1;
	if (!strcmp(u, "00000000-0000-0000-0000-000000000000"))
		return 0;
	return (u[14] >= '1' && u[14] <= '5' && strchr("89abAB", u[19])) ? 0 : -1;
}

/* Whether WHATWG's URL parser takes an http(s) URL with no port (the only
 * ones cborld's scheme rule lets through): a host, ASCII, with no
 * forbidden code point, and a dotted-quad when it ends in a number. A
 * percent sign or non-ASCII in the host is taken as not parsing (the
 * WHATWG parser may decode or IDNA-map it); this only keeps such a URL
 * as text. */
static int http_parses(const char *v, size_t skip)
{
	const char *h = v + skip, *end, *at, *p, *dot;
	int labels = 0;

	while (*h == '/' || *h == '\\')
		h++;
	end = h + strcspn(h, "/\\?#");
	for (at = NULL, p = h; p < end; p++)
		if (*p == '@')
			at = p;
	if (at)
		h = at + 1;
	if (h == end)
		return 0;
	for (p = h; p < end; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("#%/:<>?@[\\]^|", *p))
			return 0;
	dot = end;
	if (end[-1] == '.' && end - 1 > h)
		dot = end - 1;
	for (p = dot; p > h && p[-1] != '.'; p--)
		;
	/* WHATWG "ends in a number": digits, or 0x and hex digits */
	if (p == dot || (strspn(p, "0123456789") < (size_t)(dot - p) &&
			 !(dot - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
			   strspn(p + 2, "0123456789abcdefABCDEF") >= (size_t)(dot - p - 2))))
		return 1; /* a domain */
	/* ends in a number: a plain dotted quad only */
	for (p = h; p < end; labels++) {
		const char *q = p + strspn(p, "0123456789");
		long n = strtol(p, NULL, 10);

		if (q == p || q - p > 3 || (q - p > 1 && *p == '0') || n > 255 || (q < end && *q != '.'))
			return 0;
		p = q < end ? q + 1 : q;
	}
	return labels == 4 && end[-1] != '.';
}

/* UriEncoder: the scheme is all before the last ':'. NULL without error
 * when the value stays text. */
static cbor_item_t *enc_uri(struct cbld *s, const char *v)
{
	const char *last = strrchr(v, ':'), *hash;
	size_t sl = last ? (size_t)(last - v) : 0;
	cbor_item_t *parts[3] = { NULL, NULL, NULL };
	unsigned char u[16];

	if (!last)
		return NULL;
	if ((sl == 5 && !strncmp(v, "https", 5)) || (sl == 4 && !strncmp(v, "http", 4))) {
		size_t skip = !strncmp(v, "https://", 8) ? 8 : !strncmp(v, "http://", 7) ? 7 : 0;

		if (!skip || !http_parses(v, skip))
			return NULL;
		parts[0] = uint_item(skip == 8 ? 2 : 1);
		parts[1] = cbor_build_string(v + skip);
		return array_of(s, parts, 2);
	}
	if (sl == 8 && !strncmp(v, "urn:uuid", 8)) {
		const char *rest = v + 9;
		int lower = !rest[strcspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")];

		if (lower && uuid_bytes(rest, u)) {
			ob_fail(s->err, OB_EPARSE, "CBOR-LD: '%.80s' is not a UUID (cborld cannot encode it)", v);
			return NULL;
		}
		parts[0] = uint_item(3);
		parts[1] = lower ? cbor_build_bytestring(u, 16) : cbor_build_string(rest);
		return array_of(s, parts, 2);
	}
	if ((sl == 10 && !strncmp(v, "did:v1:nym", 10)) || (sl == 7 && !strncmp(v, "did:key", 7))) {
		const char *a = v + sl + 1;

		if ((hash = strchr(a, '#')) && strchr(hash + 1, '#')) {
			ob_fail(s->err, OB_EPARSE, "CBOR-LD: '%.80s' has two '#' (cborld would drop the second part)", v);
			return NULL;
		}
		parts[0] = uint_item(sl == 7 ? 1025 : 1024);
		parts[1] = b58_token(a, hash ? (size_t)(hash - a) : strlen(a));
		if (hash)
			parts[2] = b58_token(hash + 1, strlen(hash + 1));
		return array_of(s, parts, hash ? 3 : 2);
	}
	return NULL;
}

/* VocabTermEncoder: a term's id, else a URI, else NULL (text) */
static cbor_item_t *enc_vocab(struct cbld *s, const char *v)
{
	long id = cbld_term_id(s, v);

	return id >= 0 ? uint_item((uint64_t)id) : enc_uri(s, v);
}

static cbor_item_t *enc_multibase(struct cbld *s, const char *v)
{
	ob_buf b = OB_BUF_INIT, back = OB_BUF_INIT;
	ob_error e = { 0 };
	cbor_item_t *it = NULL;
	size_t n = strlen(v);

	ob_buf_addc(&b, v[0]);
	if (v[0] == 'z') {
		if (ob_base58_decode(&b, v + 1, n - 1, &e) || ob_base58_encode(&back, (unsigned char *)b.data + 1, b.len - 1) ||
		    strcmp(back.data ? back.data : "", v + 1))
			ob_fail(s->err, OB_EPARSE, "CBOR-LD: a multibase value that is not base58");
	} else if (n % 4 != 1 || ob_buf_grow(&b, n)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a multibase 'M' value that is not padded base64");
	} else {
		int k = EVP_DecodeBlock((unsigned char *)b.data + 1, (const unsigned char *)v + 1, (int)(n - 1));

		b.len = k < 0 ? 0 : 1 + (size_t)k - (v[n - 1] == '=') - (n > 2 && v[n - 2] == '=');
		if (k < 0 || ob_buf_grow(&back, n + 4) ||
		    EVP_EncodeBlock((unsigned char *)back.data, (unsigned char *)b.data + 1, (int)(b.len - 1)) != (int)(n - 1) ||
		    memcmp(back.data, v + 1, n - 1))
			ob_fail(s->err, OB_EPARSE, "CBOR-LD: a multibase 'M' value that is not padded base64");
	}
	if (!s->err->code)
		it = cbor_build_bytestring((cbor_data)b.data, b.len);
	ob_buf_release(&b);
	ob_buf_release(&back);
	return it;
}

/* days from 1970-01-01 of a civil date */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + (yoe * 365 + yoe / 4 - yoe / 100 + doy) - 719468;
}

static int digits(const char *p, int n, long *out)
{
	int i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*out = *out * 10 + (p[i] - '0');
	}
	return 0;
}

/* The milliseconds of an ISO date or date-time as toISOString writes it
 * (the caller compares the text back); -1 when it is not that shape. */
static int iso_ms(const char *v, int with_time, int64_t *ms)
{
	long y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
	int yl = (v[0] == '+' || v[0] == '-') ? 7 : 4;
	const char *p = v + yl;

	if (digits(v + (yl == 7), yl == 7 ? 6 : 4, &y) || p[0] != '-' || digits(p + 1, 2, &mo) || p[3] != '-' ||
	    digits(p + 4, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (v[0] == '-')
		y = -y;
	p += 6;
	if (with_time) {
		if (p[0] != 'T' || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi) || p[6] != ':' ||
		    digits(p + 7, 2, &sec))
			return -1;
		p += 9;
		if (p[0] == '.' && !digits(p + 1, 3, &frac))
			p += 4;
		if (strcmp(p, "Z"))
			return -1;
	} else if (*p) {
		return -1;
	}
	*ms = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + frac;
	return 0;
}

/* XsdDateEncoder / XsdDateTimeEncoder: seconds, or [seconds, ms], when
 * the text is exactly what Date would write back; else NULL (text). A
 * date before 1970 stays text (cborg cannot write its negative "uint"). */
static cbor_item_t *enc_date(struct cbld *s, const char *v, int with_time)
{
	const char *dot = strchr(v, '.');
	char iso[32];
	int64_t ms;
	size_t n;

	if ((strchr(v, 'T') != NULL) != with_time || iso_ms(v, with_time, &ms) || ms < 0 || cbld_iso(ms, iso))
		return NULL;
	n = strlen(iso);
	if (!with_time) {
		if (strlen(v) != (size_t)(strchr(iso, 'T') - iso) || strncmp(iso, v, strlen(v)) || ms % 1000)
			return NULL;
		return uint_item((uint64_t)(ms / 1000));
	}
	if (!dot) {
		if (strlen(v) != n - 4 || strcmp(iso + n - 5, ".000Z") || strncmp(iso, v, n - 5) || strcmp(v + n - 5, "Z"))
			return NULL;
		return uint_item((uint64_t)(ms / 1000));
	}
	if (strcmp(iso, v))
		return NULL;
	{
		cbor_item_t *parts[2] = { uint_item((uint64_t)(ms / 1000)), uint_item((uint64_t)(ms % 1000)) };

		return array_of(s, parts, 2);
	}
}

/* Compressor._transformTypedValue: 1 with *out, 0 for none, -1 error */
static int enc_typed(struct cbld *s, const char *type, const json_t *j, cbor_item_t **out)
{
	int date = 0;
	const char *v;

	if (!type)
		return 0;
	if (!strcmp(type, CBLD_XSD_DATE))
		date = 1;
	else if (!strcmp(type, CBLD_XSD_DATETIME))
		date = 2;
	else if (strcmp(type, "@id") && strcmp(type, "@vocab") && strcmp(type, CBLD_MULTIBASE))
		return 0;
	if (!json_is_string(j)) {
		if (!date)
			return 0;
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a date that is not text (cborld cannot encode it)");
		return -1;
	}
	v = json_string_value(j);
	if (date)
		*out = enc_date(s, v, date == 2);
	else if (!strcmp(type, "@id"))
		*out = enc_uri(s, v);
	else if (!strcmp(type, "@vocab"))
		*out = enc_vocab(s, v);
	else if (v[0] == 'z' || v[0] == 'M')
		*out = enc_multibase(s, v);
	else
		return 0;
	if (s->err->code)
		return -1;
	return *out ? 1 : 0;
}

/* ---- objects ---- */

struct epair {
	uint64_t key;
	cbor_item_t *v;
};

static int cmp_epair(const void *a, const void *b)
{
	uint64_t x = ((const struct epair *)a)->key, y = ((const struct epair *)b)->key;

	return x < y ? -1 : x > y;
}

static cbor_item_t *enc_object(struct cbld *s, const json_t *obj, struct cbld_stack *stack, int depth);

/* ContextEncoder: a registered URL by number, another URL as text, an
 * inline context as it is. */
static cbor_item_t *enc_context(struct cbld *s, const json_t *c)
{
	uint64_t id;

	if (json_is_string(c) && (id = cbld_registry_id(json_string_value(c))))
		return uint_item(id);
	return plain(s, c, 0);
}

/* A value written as it is (raw): text, integers, true, false, null, or
 * an array of such; an object here would come back as a Map. */
static cbor_item_t *raw(struct cbld *s, const json_t *j, const char *what)
{
	size_t i;

	if (json_is_object(j) || (json_is_null(j) && !strcmp(what, "@id")))
		goto bad;
	if (json_is_array(j))
		for (i = 0; i < json_array_size(j); i++)
			if (json_is_object(json_array_get(j, i)) || json_is_array(json_array_get(j, i)))
				goto bad;
	return plain(s, j, 0);
bad:
	ob_fail(s->err, OB_EPARSE, "CBOR-LD: a value of %s cborld cannot give back", what);
	return NULL;
}

/* @type values (Compressor._transformObjectType) */
static cbor_item_t *enc_type(struct cbld *s, const json_t *v)
{
	cbor_item_t *it;

	if (json_is_string(v) && (it = enc_vocab(s, json_string_value(v))))
		return it;
	return s->err->code ? NULL : raw(s, v, "@type");
}

static cbor_item_t *enc_value(struct cbld *s, const json_t *v, const char *type, struct cbld_stack *st, int depth)
{
	cbor_item_t *it = NULL, **items;
	size_t i, n;
	int r;

	if (json_is_null(v))
		return cbor_new_null();
	if ((r = enc_typed(s, type, v, &it)))
		return r > 0 ? it : NULL;
	if (json_is_object(v))
		return enc_object(s, v, st, depth + 1);
	if (!json_is_array(v))
		return plain(s, v, 0);
	/* Compressor._transformArray: an array in an array, of objects */
	n = json_array_size(v);
	if (!(items = calloc(n + 1, sizeof(*items))))
		return oom(s);
	for (i = 0; i < n && !s->err->code; i++) {
		if (!json_is_object(json_array_get(v, i)))
			ob_fail(s->err, OB_EPARSE, "CBOR-LD: an array in an array that holds something other than objects");
		else
			items[i] = enc_object(s, json_array_get(v, i), st, depth + 1);
	}
	it = s->err->code ? NULL : array_of(s, items, n);
	if (s->err->code)
		for (i = 0; i < n; i++)
			if (items[i])
				cbor_decref(&items[i]);
	free(items);
	return it;
}

/* A term other than @id and @type, with its property-scoped context. */
static cbor_item_t *enc_property(struct cbld *s, const char *key, const json_t *def, const json_t *v,
				 const struct cbld_node *active, struct cbld_stack *stack, struct cbld_stack *child,
				 int depth)
{
	const json_t *sc = cbld_scoped(active, key);
	struct cbld_stack pcopy = { 0 }, *prop = child;
	cbor_item_t *it = NULL, **items = NULL;
	size_t save = stack->n, i, n = json_is_array(v) ? json_array_size(v) : 1;
	ob_buf type = OB_BUF_INIT;
	int r;

	if (!def) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: keyword %s cannot be encoded", key);
		return NULL;
	}
	if (sc) {
		if (cbld_push(s, stack, sc) || cbld_stack_copy(s, &pcopy, stack))
			goto out;
		active = cbld_top(stack);
		prop = &pcopy;
	}
	if ((r = cbld_term_type(s, active, def, &type)) < 0)
		goto out;
	if (!json_is_array(v)) {
		it = enc_value(s, v, r ? type.data : NULL, prop, depth);
		goto out;
	}
	if (!(items = calloc(n + 1, sizeof(*items)))) {
		oom(s);
		goto out;
	}
	for (i = 0; i < n && !s->err->code; i++)
		items[i] = enc_value(s, json_array_get(v, i), r ? type.data : NULL, prop, depth);
	if (!s->err->code)
		it = array_of(s, items, n);
	else
		for (i = 0; i < n; i++)
			if (items[i])
				cbor_decref(&items[i]);
out:
	free(items);
	stack->n = save;
	cbld_stack_free(&pcopy);
	ob_buf_release(&type);
	return it;
}

/* The text types that pick type-scoped contexts (obj[term] for @type and
 * its aliases). */
static ob_code text_types(struct cbld *s, const json_t *obj, const json_t *tterms, json_t *types)
{
	size_t i, k;

	for (i = 0; i < json_array_size(tterms); i++) {
		const json_t *v = json_object_get(obj, json_string_value(json_array_get(tterms, i)));

		for (k = 0; k < (json_is_array(v) ? json_array_size(v) : 1); k++) {
			const json_t *t = json_is_array(v) ? json_array_get(v, k) : v;

			if (json_is_string(t) && json_array_append((json_t *)types, (json_t *)t))
				return ob_fail(s->err, OB_ENOMEM, "out of memory");
		}
	}
	return OB_OK;
}

/* One entry of an object: its term id (plural for an array) and value. */
static ob_code enc_entry(struct cbld *s, const json_t *obj, const char *key, const struct cbld_node *active,
			 struct cbld_stack *stack, struct cbld_stack *child, int depth, struct epair *out)
{
	const json_t *def = cbld_def(active, key), *v = json_object_get(obj, key);
	int plural = json_is_array(v);
	long id = cbld_term_id(s, key);
	size_t i;

	if ((!def && !cbld_is_keyword(key)) || id < 0)
		return ob_fail(s->err, OB_EPARSE, "CBOR-LD: term \"%s\" is not defined by the document's contexts", key);
	out->key = (uint64_t)id + (uint64_t)plural;
	if (!strcmp(key, "@id") || cbld_is_alias(active, key, CBLD_ALIAS_ID)) {
		if (!json_is_string(v) || !(out->v = enc_uri(s, json_string_value(v))))
			out->v = s->err->code ? NULL : raw(s, v, "@id");
	} else if (!strcmp(key, "@type") || cbld_is_alias(active, key, CBLD_ALIAS_TYPE)) {
		cbor_item_t **items;

		if (!plural)
			out->v = enc_type(s, v);
		else if ((items = calloc(json_array_size(v) + 1, sizeof(*items)))) {
			for (i = 0; i < json_array_size(v); i++)
				items[i] = enc_type(s, json_array_get(v, i));
			out->v = array_of(s, items, json_array_size(v));
			free(items);
		}
	} else {
		out->v = enc_property(s, key, def, v, active, stack, child, depth);
	}
	return out->v ? OB_OK : (s->err->code ? s->err->code : ob_fail(s->err, OB_ENOMEM, "out of memory"));
}

/* Transformer._transform, compressing one object into one map. */
static cbor_item_t *enc_object(struct cbld *s, const json_t *obj, struct cbld_stack *stack, int depth)
{
	const json_t *ctx = json_object_get(obj, "@context");
	struct cbld_stack child = { 0 };
	struct epair *pairs = NULL;
	const char **keys = NULL;
	const char *k;
	json_t *x, *tterms = NULL, *types = json_array();
	cbor_item_t *map = NULL;
	size_t n = 0, np = 0, i, embedded;

	if (depth > OB_CBORLD_MAX_DEPTH) {
		ob_fail(s->err, OB_ELIMIT, "CBOR-LD: nested more than %d deep", OB_CBORLD_MAX_DEPTH);
		goto out;
	}
	if (!types || !(keys = malloc((json_object_size(obj) + 1) * sizeof(*keys))) ||
	    !(pairs = calloc(json_object_size(obj) + 1, sizeof(*pairs)))) {
		oom(s);
		goto out;
	}
	if (cbld_push(s, stack, ctx))
		goto out;
	if (cbld_truthy(ctx)) {
		cbor_item_t **items = NULL;

		pairs[np].key = json_is_array(ctx);
		if (!json_is_array(ctx))
			pairs[np].v = enc_context(s, ctx);
		else if ((items = calloc(json_array_size(ctx) + 1, sizeof(*items)))) {
			for (i = 0; i < json_array_size(ctx); i++)
				items[i] = enc_context(s, json_array_get(ctx, i));
			pairs[np].v = array_of(s, items, json_array_size(ctx));
			free(items);
		}
		if (!pairs[np++].v) {
			if (!s->err->code)
				oom(s);
			goto out;
		}
	}
	embedded = stack->n;
	if (cbld_stack_copy(s, &child, stack) || !(tterms = cbld_type_terms(cbld_top(stack))) ||
	    text_types(s, obj, tterms, types) || cbld_push_types(s, stack, types)) {
		if (!s->err->code)
			oom(s);
		goto out;
	}
	json_object_foreach((json_t *)obj, k, x)
		if (strcmp(k, "@context"))
			keys[n++] = k;
	cbld_sort(keys, n);
	for (i = 0; i < n; i++)
		if (enc_entry(s, obj, keys[i], cbld_top(stack), stack, &child, depth, &pairs[np++]))
			goto out;
	stack->n = embedded;
	qsort(pairs, np, sizeof(*pairs), cmp_epair);
	if (!(map = cbor_new_definite_map(np))) {
		oom(s);
		goto out;
	}
	for (i = 0; i < np; i++) {
		cbor_item_t *key = uint_item(pairs[i].key);

		if (!key || !cbor_map_add(map, (struct cbor_pair){ .key = cbor_move(key), .value = pairs[i].v })) {
			cbor_decref(&map);
			oom(s);
			goto out;
		}
	}
out:
	for (i = 0; i < np; i++)
		if (pairs[i].v)
			cbor_decref(&pairs[i].v);
	free(pairs);
	free(keys);
	json_decref(tterms);
	json_decref(types);
	cbld_stack_free(&child);
	return s->err->code ? NULL : map;
}

ob_code ob_cborld_encode(const json_t *doc, ob_loader *loader, ob_buf *out, ob_error *err)
{
	static const unsigned char tag[3] = { 0xd9, 0x05, 0x01 };
	struct cbld_stack st = { 0 };
	unsigned char *bytes = NULL;
	cbor_item_t *it = NULL;
	size_t size = 0, n = 0;
	struct cbld s;

	if (!json_is_object(doc))
		return ob_fail(err, OB_EPARSE, "CBOR-LD: the document is not a JSON object");
	if (!cbld_init(&s, loader, err))
		it = enc_object(&s, doc, &st, 0);
	cbld_release(&s);
	cbld_stack_free(&st);
	if (it && !(n = cbor_serialize_alloc(it, &bytes, &size)))
		ob_fail(err, OB_ENOMEM, "out of memory");
	if (n && (ob_buf_add(out, tag, sizeof(tag)) < 0 || ob_buf_add(out, bytes, n) < 0))
		ob_fail(err, OB_ENOMEM, "out of memory");
	free(bytes);
	if (it)
		cbor_decref(&it);
	return err->code;
}
