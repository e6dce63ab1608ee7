/* cborld: compressed CBOR-LD (cborld.h), the decoder. Term ids, contexts
 * and the active-context stack are cborld_ctx.c's (cborld_int.h); the
 * encoder is cborld_enc.c. CBOR through libcbor. */
#include "io/cborld.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/evp.h>

#include "base/codec.h"
#include "io/cborld_int.h"

/* ---- decoding ---- */

/* Before cbor_load builds a tree: only definite items of the kinds JSON
 * and cborld use (integers, floats, text and byte strings, arrays, maps,
 * true, false, null), at most OB_CBORLD_MAX_DEPTH deep, every item present and
 * one top item; then the tree holds no more items than there are bytes
 * (cbor_load would allocate what a header claims). */
struct shape {
	size_t left[OB_CBORLD_MAX_DEPTH + 2];
	int depth, bad, top;
	int no_bytes; /* byte strings refused too (plain JSON in CBOR) */
};

static void count(struct shape *s)
{
	if (s->depth == 0) {
		if (s->top)
			s->bad = 1;
		s->top = 1;
	} else {
		s->left[s->depth]--;
	}
}

static void pop_done(struct shape *s)
{
	while (s->depth > 0 && s->left[s->depth] == 0)
		s->depth--;
}

static void consume(void *c)
{
	count(c);
	pop_done(c);
}

static void open_level(struct shape *s, size_t n)
{
	count(s);
	if (!n) {
		pop_done(s);
		return;
	}
	if (s->depth > OB_CBORLD_MAX_DEPTH) {
		s->bad = 1;
		return;
	}
	s->left[++s->depth] = n;
}

static void on_u8(void *c, uint8_t v) { (void)v; consume(c); }
static void on_u16(void *c, uint16_t v) { (void)v; consume(c); }
static void on_u32(void *c, uint32_t v) { (void)v; consume(c); }
static void on_u64(void *c, uint64_t v) { (void)v; consume(c); }
static void on_str(void *c, cbor_data d, size_t n) { (void)d; (void)n; consume(c); }
static void on_bytes(void *c, cbor_data d, size_t n)
{
	(void)d;
	(void)n;
	if (((struct shape *)c)->no_bytes)
		((struct shape *)c)->bad = 1;
	else
		consume(c);
}
static void on_bool(void *c, bool v) { (void)v; consume(c); }
static void on_array(void *c, size_t n) { open_level(c, n); }
static void on_map(void *c, size_t n)
{
	if (n > SIZE_MAX / 2)
		((struct shape *)c)->bad = 1;
	else
		open_level(c, 2 * n);
}
static void on_bad(void *c) { ((struct shape *)c)->bad = 1; }
static void on_bad64(void *c, uint64_t v) { (void)v; on_bad(c); }
static void on_f(void *c, float v) { (void)v; consume(c); }
static void on_d(void *c, double v) { (void)v; consume(c); }

int ob_cbor_shape_ok(const unsigned char *p, size_t len, int bytes_ok)
{
	static const struct cbor_callbacks cb = {
		.uint8 = on_u8, .uint16 = on_u16, .uint32 = on_u32, .uint64 = on_u64,
		.negint8 = on_u8, .negint16 = on_u16, .negint32 = on_u32, .negint64 = on_u64,
		.byte_string_start = on_bad, .byte_string = on_bytes,
		.string = on_str, .string_start = on_bad,
		.indef_array_start = on_bad, .array_start = on_array,
		.indef_map_start = on_bad, .map_start = on_map,
		.tag = on_bad64, .float2 = on_f, .float4 = on_f, .float8 = on_d,
		.undefined = on_bad, .null = consume, .boolean = on_bool, .indef_break = on_bad,
	};
	struct shape s;
	size_t off = 0;

	memset(&s, 0, sizeof(s));
	s.no_bytes = !bytes_ok;
	while (off < len && !s.bad) {
		struct cbor_decoder_result r = cbor_stream_decode(p + off, len - off, &cb, &s);

		if (r.status != CBOR_DECODER_FINISHED || r.read == 0)
			return 0;
		off += r.read;
	}
	return !s.bad && s.depth == 0 && s.top;
}

/* A map with unsigned integer keys, sorted, for lookups by term id. */
struct dmap {
	struct cbor_pair *p;
	size_t n;
};

static int cmp_pair(const void *a, const void *b)
{
	uint64_t x = cbor_get_int(((const struct cbor_pair *)a)->key), y = cbor_get_int(((const struct cbor_pair *)b)->key);

	return x < y ? -1 : x > y;
}

static ob_code dmap_load(struct cbld *s, cbor_item_t *it, struct dmap *m)
{
	size_t i;

	m->n = cbor_map_size(it);
	if (!(m->p = malloc((m->n + 1) * sizeof(*m->p))))
		return ob_fail(s->err, OB_ENOMEM, "out of memory");
	memcpy(m->p, cbor_map_handle(it), m->n * sizeof(*m->p));
	for (i = 0; i < m->n; i++)
		if (!cbor_isa_uint(m->p[i].key))
			return ob_fail(s->err, OB_EPARSE, "CBOR-LD: a map key that is not a term id");
	qsort(m->p, m->n, sizeof(*m->p), cmp_pair);
	for (i = 1; i < m->n; i++)
		if (cbor_get_int(m->p[i].key) == cbor_get_int(m->p[i - 1].key))
			return ob_fail(s->err, OB_EPARSE, "CBOR-LD: a term id given twice in one map");
	return OB_OK;
}

static cbor_item_t *dmap_get(const struct dmap *m, uint64_t k)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t x = cbor_get_int(m->p[mid].key);

		if (x == k)
			return m->p[mid].value;
		if (x < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* a simple value (false, true, null), not a float: libcbor's
 * cbor_is_null and cbor_is_bool assert that */
static int is_ctrl(cbor_item_t *v)
{
	return cbor_isa_float_ctrl(v) && cbor_float_ctrl_is_ctrl(v);
}

/* cborg's JavaScript truthiness of a decoded item */
static int ctruthy(cbor_item_t *v)
{
	if (!v)
		return 0;
	if (cbor_isa_uint(v))
		return cbor_get_int(v) != 0;
	if (cbor_isa_string(v))
		return cbor_string_length(v) > 0;
	if (is_ctrl(v))
		return cbor_is_bool(v) && cbor_get_bool(v);
	if (cbor_isa_float_ctrl(v))
		return cbor_float_get_float(v) != 0; /* NaN is refused later */
	return 1;
}

static json_t *out_str(struct cbld *s, const char *p, size_t n)
{
	json_t *j;

	s->out_bytes += n + 2;
	if (s->out_bytes > OB_CBORLD_MAX_OUTPUT) {
		ob_fail(s->err, OB_ELIMIT, "CBOR-LD: the decoded document is over %d bytes", OB_CBORLD_MAX_OUTPUT);
		return NULL;
	}
	if (memchr(p, 0, n)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a NUL in a string");
		return NULL;
	}
	if (!(j = json_stringn(p, n)))
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a string that is not UTF-8");
	return j;
}

static json_t *out_buf(struct cbld *s, ob_buf *b)
{
	json_t *j = NULL;

	if (b->oom)
		ob_fail(s->err, OB_ENOMEM, "out of memory");
	else
		j = out_str(s, b->data ? b->data : "", b->len);
	ob_buf_release(b);
	return j;
}

/* An integer JavaScript holds exactly (cborg gives BigInt beyond). */
static int safe_int(cbor_item_t *v, int64_t *out)
{
	uint64_t u;

	if (!cbor_isa_uint(v) && !cbor_isa_negint(v))
		return 0;
	u = cbor_get_int(v);
	if (u > 9007199254740991ULL)
		return 0;
	*out = cbor_isa_uint(v) ? (int64_t)u : -(int64_t)u - 1;
	return 1;
}

/* A scalar passed through as it is: text, a safe integer, true, false,
 * null. NULL (no error set) for anything else. */
static json_t *scalar(struct cbld *s, cbor_item_t *v)
{
	int64_t n;

	if (cbor_isa_string(v))
		return out_str(s, (const char *)cbor_string_handle(v), cbor_string_length(v));
	if (safe_int(v, &n))
		return json_integer((json_int_t)n);
	if (is_ctrl(v) && cbor_is_bool(v))
		return json_boolean(cbor_get_bool(v));
	if (is_ctrl(v) && cbor_is_null(v))
		return json_null();
	if (cbor_isa_float_ctrl(v) && !cbor_float_ctrl_is_ctrl(v)) {
		double d = cbor_float_get_float(v);

		/* cborg writes an integer up to 2^53 as one, never as a float */
		if (d != d || d - d != 0 || (d >= -CBLD_SAFE_MAX && d <= CBLD_SAFE_MAX && d == (double)(int64_t)d)) {
			ob_fail(s->err, OB_EPARSE, "CBOR-LD: a float cborg would not write (NaN, infinite or integral)");
			return NULL;
		}
		return json_real(d);
	}
	return NULL;
}

static int b58_part(struct cbld *s, ob_buf *b, cbor_item_t *v)
{
	if (cbor_isa_string(v))
		return ob_buf_add(b, cbor_string_handle(v), cbor_string_length(v));
	if (!cbor_isa_bytestring(v) || cbor_bytestring_length(v) > OB_CBORLD_MAX_B58) {
		ob_fail(s->err, cbor_isa_bytestring(v) ? OB_ELIMIT : OB_EPARSE, "CBOR-LD: a bad DID URL part");
		return -1;
	}
	return ob_buf_addc(b, 'z') < 0 ? -1 : ob_base58_encode(b, cbor_bytestring_handle(v), cbor_bytestring_length(v));
}

/* uuid 8.3.2's stringify: 16 bytes that make a valid UUID (versions 1-5,
 * variant 10), or the nil UUID. */
static int uuid_text(struct cbld *s, ob_buf *b, cbor_item_t *v)
{
	const unsigned char *u = cbor_bytestring_handle(v);
	static const unsigned char nil[16];
	int i;

	if (cbor_bytestring_length(v) != 16 ||
	    (memcmp(u, nil, 16) && ((u[6] >> 4) < 1 || (u[6] >> 4) > 5 || (u[8] >> 6) != 2))) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a urn:uuid value that is not a UUID");
		return -1;
	}
	for (i = 0; i < 16; i++)
		ob_buf_addf(b, "%s%02x", (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", u[i]);
	return 0;
}

/* codecs/UriDecoder.js and the decoders it picks: 1 with *out set, 0 when
 * none applies, -1 on error. */
static int dec_uri(struct cbld *s, cbor_item_t *v, json_t **out)
{
	ob_buf b = OB_BUF_INIT;
	cbor_item_t **a;
	size_t n;
	uint64_t scheme;

	if (!cbor_isa_array(v) || (n = cbor_array_size(v)) < 1 || !cbor_isa_uint((a = cbor_array_handle(v))[0]))
		return 0;
	scheme = cbor_get_int(a[0]);
	if (scheme == 1 || scheme == 2) {
		if (n != 2 || !cbor_isa_string(a[1]))
			return 0;
		ob_buf_adds(&b, scheme == 2 ? "https://" : "http://");
		ob_buf_add(&b, cbor_string_handle(a[1]), cbor_string_length(a[1]));
	} else if (scheme == 3) {
		if (n != 2 || (!cbor_isa_string(a[1]) && !cbor_isa_bytestring(a[1])))
			return 0;
		ob_buf_adds(&b, "urn:uuid:");
		if (cbor_isa_string(a[1]))
			ob_buf_add(&b, cbor_string_handle(a[1]), cbor_string_length(a[1]));
		else if (uuid_text(s, &b, a[1]))
			goto fail;
	} else if (scheme == 1024 || scheme == 1025) {
		if (n < 2 || n > 3)
			return 0;
		ob_buf_adds(&b, scheme == 1025 ? "did:key:" : "did:v1:nym:");
		if (b58_part(s, &b, a[1]) < 0 || (n == 3 && (ob_buf_addc(&b, '#') < 0 || b58_part(s, &b, a[2]) < 0)))
			goto fail;
	} else {
		return 0;
	}
	return (*out = out_buf(s, &b)) ? 1 : -1;
fail:
	if (!s->err->code)
		ob_fail(s->err, OB_ENOMEM, "out of memory");
	ob_buf_release(&b);
	return -1;
}

/* VocabTermDecoder: a term id, or a URI as UriDecoder has it */
static int dec_vocab(struct cbld *s, cbor_item_t *v, json_t **out)
{
	const char *t;

	if (cbor_isa_array(v))
		return dec_uri(s, v, out);
	if (!cbor_isa_uint(v) || !(t = cbld_id_term(s, cbor_get_int(v))))
		return 0;
	return (*out = out_str(s, t, strlen(t))) ? 1 : -1;
}

static int dec_multibase(struct cbld *s, cbor_item_t *v, json_t **out)
{
	const unsigned char *p;
	ob_buf b = OB_BUF_INIT;
	size_t n;

	if (!cbor_isa_bytestring(v) || (n = cbor_bytestring_length(v)) < 1)
		return 0;
	p = cbor_bytestring_handle(v);
	if (p[0] == 'z') {
		if (n - 1 > OB_CBORLD_MAX_B58) {
			ob_fail(s->err, OB_ELIMIT, "CBOR-LD: a base58 value over %d bytes", OB_CBORLD_MAX_B58);
			return -1;
		}
		ob_buf_addc(&b, 'z');
		ob_base58_encode(&b, p + 1, n - 1);
	} else if (p[0] == 'M') {
		ob_buf_addc(&b, 'M');
		if (!ob_buf_grow(&b, 4 * (n / 3) + 8)) {
			int k = EVP_EncodeBlock((unsigned char *)b.data + 1, p + 1, (int)(n - 1));

			b.len = 1 + (size_t)k;
			b.data[b.len] = 0;
		}
	} else {
		return 0;
	}
	return (*out = out_buf(s, &b)) ? 1 : -1;
}

/* a number as JavaScript holds it (a safe integer or a float) */
static int js_number(cbor_item_t *v, double *out)
{
	int64_t n;

	if (safe_int(v, &n)) {
		*out = (double)n;
		return 1;
	}
	if (cbor_isa_float_ctrl(v) && !cbor_float_ctrl_is_ctrl(v)) {
		*out = cbor_float_get_float(v);
		return *out == *out && *out - *out == 0;
	}
	return 0;
}

/* XsdDateDecoder, XsdDateTimeDecoder: new Date(ms).toISOString(), with
 * JavaScript's double arithmetic and TimeClip (truncation). */
static int dec_date(struct cbld *s, cbor_item_t *v, int with_time, json_t **out)
{
	double sec, ms = 0, t;
	char iso[32];
	size_t n;
	int arr = with_time && cbor_isa_array(v) && cbor_array_size(v) == 2;

	if (!arr && !js_number(v, &sec))
		return 0;
	if (arr && (!js_number(cbor_array_handle(v)[0], &sec) || !js_number(cbor_array_handle(v)[1], &ms))) {
		if (!cbor_isa_uint(cbor_array_handle(v)[0]) && !cbor_isa_negint(cbor_array_handle(v)[0]) &&
		    !cbor_isa_uint(cbor_array_handle(v)[1]) && !cbor_isa_negint(cbor_array_handle(v)[1]))
			return 0; /* neither is a number: not a date for cborld either */
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a dateTime that is not [seconds, milliseconds]");
		return -1;
	}
	t = sec * 1000 + ms;
	if (!(t >= -8.64e15 && t <= 8.64e15) || cbld_iso((int64_t)t, iso)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a date out of range");
		return -1;
	}
	n = strlen(iso);
	if (!with_time)
		n = (size_t)(strchr(iso, 'T') - iso);
	else if (!arr && n > 5 && !strcmp(iso + n - 5, ".000Z"))
		strcpy(iso + n - 5, "Z"), n -= 4;
	return (*out = out_str(s, iso, n)) ? 1 : -1;
}

/* Decompressor._transformTypedValue */
static int dec_typed(struct cbld *s, const char *type, cbor_item_t *v, json_t **out)
{
	if (!type)
		return 0;
	if (!strcmp(type, "@id"))
		return dec_uri(s, v, out);
	if (!strcmp(type, "@vocab"))
		return dec_vocab(s, v, out);
	if (!strcmp(type, CBLD_MULTIBASE))
		return dec_multibase(s, v, out);
	if (!strcmp(type, CBLD_XSD_DATE))
		return dec_date(s, v, 0, out);
	if (!strcmp(type, CBLD_XSD_DATETIME))
		return dec_date(s, v, 1, out);
	return 0;
}

/* ContextDecoder's _mapToObject: an inline context as plain JSON */
static json_t *plain(struct cbld *s, cbor_item_t *v, int depth)
{
	json_t *j = NULL, *x;
	size_t i;

	if (depth > OB_CBORLD_MAX_DEPTH) {
		ob_fail(s->err, OB_ELIMIT, "CBOR-LD: nested too deep");
		return NULL;
	}
	if (cbor_isa_array(v) || cbor_isa_map(v)) {
		if (!(j = cbor_isa_array(v) ? json_array() : json_object())) {
			ob_fail(s->err, OB_ENOMEM, "out of memory");
			return NULL;
		}
		for (i = 0; i < (cbor_isa_array(v) ? cbor_array_size(v) : cbor_map_size(v)); i++) {
			struct cbor_pair *p = cbor_isa_map(v) ? &cbor_map_handle(v)[i] : NULL;
			char *k = NULL;

			if (p && (!cbor_isa_string(p->key) ||
				  memchr(cbor_string_handle(p->key), 0, cbor_string_length(p->key)) ||
				  !(k = strndup((const char *)cbor_string_handle(p->key), cbor_string_length(p->key))))) {
				ob_fail(s->err, OB_EPARSE, "CBOR-LD: an inline context with a key that is not text "
					"(or holds a NUL)");
				goto fail;
			}
			if (!(x = plain(s, p ? p->value : cbor_array_handle(v)[i], depth + 1)) ||
			    (p ? json_object_set_new(j, k, x) : json_array_append_new(j, x))) {
				free(k);
				goto fail;
			}
			s->out_bytes += k ? strlen(k) + 4 : 1;
			free(k);
		}
		return j;
	}
	if ((j = scalar(s, v)))
		return j;
	if (!s->err->code)
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: an inline context holding bytes");
	return NULL;
fail:
	if (!s->err->code)
		ob_fail(s->err, OB_ENOMEM, "out of memory");
	json_decref(j);
	return NULL;
}

/* One encoded context: a registry number, a URL or an inline object. */
static json_t *dec_context(struct cbld *s, cbor_item_t *v)
{
	const char *url;

	if (cbor_isa_uint(v)) {
		if (!(url = cbld_registry_url(cbor_get_int(v)))) {
			/* a later cborld may register more: could not check */
			ob_fail(s->err, OB_EIO, "CBOR-LD: undefined compressed context %llu",
				(unsigned long long)cbor_get_int(v));
			return NULL;
		}
		return out_str(s, url, strlen(url));
	}
	if (cbor_isa_string(v) || cbor_isa_map(v))
		return plain(s, v, 0);
	ob_fail(s->err, OB_EPARSE, "CBOR-LD: an @context that is not a URL, a number or an object");
	return NULL;
}

/* Decompressor._beforeObjectContexts */
static ob_code dec_contexts(struct cbld *s, const struct dmap *m, json_t *obj)
{
	cbor_item_t *one = dmap_get(m, 0), *many = dmap_get(m, 1);
	json_t *c;
	size_t i;

	if (ctruthy(one)) {
		if (!(c = dec_context(s, one)) || json_object_set_new(obj, "@context", c))
			return s->err->code ? s->err->code : ob_fail(s->err, OB_ENOMEM, "out of memory");
	}
	if (!ctruthy(many))
		return OB_OK;
	if (ctruthy(one))
		return ob_fail(s->err, OB_EPARSE, "CBOR-LD: both the singular and the plural @context");
	if (!cbor_isa_array(many))
		return ob_fail(s->err, OB_EPARSE, "CBOR-LD: a plural @context that is not an array");
	if (!(c = json_array()) || json_object_set_new(obj, "@context", c))
		return ob_fail(s->err, OB_ENOMEM, "out of memory");
	for (i = 0; i < cbor_array_size(many); i++) {
		json_t *x = dec_context(s, cbor_array_handle(many)[i]);

		if (!x || json_array_append_new(c, x))
			return s->err->code ? s->err->code : ob_fail(s->err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

/* A value of @type (VocabTermDecoder, else the value as it is). */
static json_t *dec_type_value(struct cbld *s, cbor_item_t *v)
{
	json_t *j = NULL;
	int r = dec_vocab(s, v, &j);

	if (r)
		return r > 0 ? j : NULL;
	if ((j = scalar(s, v)))
		return j;
	if (!s->err->code)
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a type that is neither a term id, a URI nor text");
	return NULL;
}

static json_t *dec_types(struct cbld *s, cbor_item_t *v, int plural)
{
	json_t *a;
	size_t i;

	if (!plural)
		return dec_type_value(s, v);
	if (!cbor_isa_array(v)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a plural term id over a value that is not an array");
		return NULL;
	}
	if (!(a = json_array())) {
		ob_fail(s->err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < cbor_array_size(v); i++) {
		json_t *x = dec_type_value(s, cbor_array_handle(v)[i]);

		if (!x || json_array_append_new(a, x)) {
			json_decref(a);
			if (!s->err->code)
				ob_fail(s->err, OB_ENOMEM, "out of memory");
			return NULL;
		}
	}
	return a;
}

/* The value of @id (or an alias): UriDecoder, else the value as it is
 * (text, a number, or an array of such). */
static json_t *dec_id(struct cbld *s, cbor_item_t *v)
{
	json_t *j = NULL;
	size_t i;
	int r = dec_uri(s, v, &j);

	if (r)
		return r > 0 ? j : NULL;
	if (!(is_ctrl(v) && cbor_is_null(v)) && (j = scalar(s, v)))
		return j;
	if (cbor_isa_array(v) && (j = json_array())) {
		for (i = 0; i < cbor_array_size(v); i++) {
			json_t *x = scalar(s, cbor_array_handle(v)[i]);

			if (!x || json_array_append_new(j, x)) {
				json_decref(j);
				j = NULL;
				break;
			}
		}
		if (j)
			return j;
	}
	if (!s->err->code)
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: an @id that is not a URI or text");
	return NULL;
}

struct dentry {
	const char *term;
	const json_t *def;
	cbor_item_t *v;
	int plural;
};

static int cmp_dentry(const void *a, const void *b)
{
	return cbld_cmp(((const struct dentry *)a)->term, ((const struct dentry *)b)->term);
}

static json_t *dec_object(struct cbld *s, cbor_item_t *it, struct cbld_stack *stack, int depth);

/* One value of a term: null, a typed value, a scalar, an object, or an
 * array of objects (Decompressor._transformArray). */
static json_t *dec_value(struct cbld *s, cbor_item_t *v, const char *type, struct cbld_stack *st, int depth)
{
	json_t *j = NULL, *x;
	size_t i;
	int r;

	if (is_ctrl(v) && cbor_is_null(v))
		return json_null();
	if ((r = dec_typed(s, type, v, &j)))
		return r > 0 ? j : NULL;
	if (cbor_isa_map(v))
		return dec_object(s, v, st, depth + 1);
	if (cbor_isa_array(v)) {
		if (!(j = json_array())) {
			ob_fail(s->err, OB_ENOMEM, "out of memory");
			return NULL;
		}
		for (i = 0; i < cbor_array_size(v); i++)
			if (!(x = dec_object(s, cbor_array_handle(v)[i], st, depth + 1)) || json_array_append_new(j, x)) {
				json_decref(j);
				if (!s->err->code)
					ob_fail(s->err, OB_ENOMEM, "out of memory");
				return NULL;
			}
		return j;
	}
	if ((j = scalar(s, v)))
		return j;
	if (!s->err->code)
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a value cborld cannot have written (bytes or a huge integer)");
	return NULL;
}

/* A term that is not @id or @type: its property-scoped context, its
 * type's decoder, each value (Transformer._transform's loop body). */
static json_t *dec_property(struct cbld *s, const struct dentry *e, const struct cbld_node *active,
			    struct cbld_stack *stack, struct cbld_stack *child, int depth)
{
	const json_t *sc = cbld_scoped(active, e->term);
	struct cbld_stack pcopy = { 0 }, *prop = child;
	size_t save = stack->n, i;
	ob_buf type = OB_BUF_INIT;
	json_t *out = NULL, *x;
	int r;

	if (!e->def) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: keyword %s cannot be decoded", e->term);
		return NULL;
	}
	if (sc) {
		if (cbld_push(s, stack, sc) || cbld_stack_copy(s, &pcopy, stack))
			goto out;
		active = cbld_top(stack);
		prop = &pcopy;
	}
	if ((r = cbld_term_type(s, active, e->def, &type)) < 0)
		goto out;
	if (!e->plural) {
		out = dec_value(s, e->v, r ? type.data : NULL, prop, depth);
		goto out;
	}
	if (!cbor_isa_array(e->v)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a plural term id over a value that is not an array");
		goto out;
	}
	if (!(out = json_array())) {
		ob_fail(s->err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < cbor_array_size(e->v); i++)
		if (!(x = dec_value(s, cbor_array_handle(e->v)[i], r ? type.data : NULL, prop, depth)) ||
		    json_array_append_new(out, x)) {
			if (!s->err->code)
				ob_fail(s->err, OB_ENOMEM, "out of memory");
			json_decref(out);
			out = NULL;
			break;
		}
out:
	stack->n = save;
	cbld_stack_free(&pcopy);
	ob_buf_release(&type);
	return out;
}

/* The types that pick type-scoped contexts, as
 * Decompressor._beforeTypeScopedContexts decodes them: text only, each
 * element of an array value on its own. */
static ob_code scope_types(struct cbld *s, const struct dmap *m, const json_t *tterms, json_t *types)
{
	size_t i, k;

	for (i = 0; i < json_array_size(tterms); i++) {
		long id = cbld_term_id(s, json_string_value(json_array_get(tterms, i)));
		cbor_item_t *v, *one;

		if (id < 0)
			continue;
		if (!(v = dmap_get(m, (uint64_t)id)) && !(v = dmap_get(m, (uint64_t)id + 1)))
			continue;
		for (k = 0; k < (cbor_isa_array(v) ? cbor_array_size(v) : 1); k++) {
			json_t *x = NULL;
			int r;

			one = cbor_isa_array(v) ? cbor_array_handle(v)[k] : v;
			if ((r = dec_vocab(s, one, &x)) < 0)
				return s->err->code;
			if (!r && cbor_isa_string(one) && !(x = out_str(s, (const char *)cbor_string_handle(one),
									cbor_string_length(one))))
				return s->err->code;
			if (x && json_array_append_new(types, x))
				return ob_fail(s->err, OB_ENOMEM, "out of memory");
		}
	}
	return OB_OK;
}

/* The term entries of a map (contexts aside), sorted by term. */
static ob_code dentries(struct cbld *s, const struct dmap *m, const struct cbld_node *active, struct dentry *ents,
			size_t *n)
{
	size_t i;

	*n = 0;
	for (i = 0; i < m->n; i++) {
		uint64_t k = cbor_get_int(m->p[i].key);
		struct dentry *e = &ents[*n];

		if (k == 0 || k == 1)
			continue;
		e->plural = (int)(k & 1);
		if (!(e->term = cbld_id_term(s, k - (uint64_t)e->plural)))
			return ob_fail(s->err, OB_EPARSE, "CBOR-LD: unknown term id %llu", (unsigned long long)k);
		e->def = cbld_def(active, e->term);
		if (!e->def && !cbld_is_keyword(e->term))
			return ob_fail(s->err, OB_EPARSE, "CBOR-LD: term \"%s\" is not defined here", e->term);
		e->v = m->p[i].value;
		(*n)++;
	}
	qsort(ents, *n, sizeof(*ents), cmp_dentry);
	for (i = 1; i < *n; i++)
		if (!strcmp(ents[i].term, ents[i - 1].term))
			return ob_fail(s->err, OB_EPARSE, "CBOR-LD: term \"%s\" given both singular and plural",
				       ents[i].term);
	return OB_OK;
}

/* Transformer._transform, decompressing one map into one object. */
static json_t *dec_object(struct cbld *s, cbor_item_t *it, struct cbld_stack *stack, int depth)
{
	struct cbld_stack child = { 0 };
	struct dmap m = { NULL, 0 };
	struct dentry *ents = NULL;
	json_t *obj = NULL, *tterms = NULL, *types = NULL, *x;
	const struct cbld_node *active;
	size_t embedded, i, n;

	if (depth > OB_CBORLD_MAX_DEPTH) {
		ob_fail(s->err, OB_ELIMIT, "CBOR-LD: nested more than %d deep", OB_CBORLD_MAX_DEPTH);
		return NULL;
	}
	if (!cbor_isa_map(it)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: an object that is not a map");
		return NULL;
	}
	if (!(obj = json_object()) || !(types = json_array())) {
		ob_fail(s->err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (dmap_load(s, it, &m) || dec_contexts(s, &m, obj) || cbld_push(s, stack, json_object_get(obj, "@context")))
		goto fail;
	embedded = stack->n;
	if (cbld_stack_copy(s, &child, stack))
		goto fail;
	if (!(tterms = cbld_type_terms(cbld_top(stack)))) {
		ob_fail(s->err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (scope_types(s, &m, tterms, types) || cbld_push_types(s, stack, types))
		goto fail;
	active = cbld_top(stack);
	if (!(ents = malloc((m.n + 1) * sizeof(*ents)))) {
		ob_fail(s->err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (dentries(s, &m, active, ents, &n))
		goto fail;
	for (i = 0; i < n; i++) {
		const struct dentry *e = &ents[i];

		if (!strcmp(e->term, "@id") || cbld_is_alias(active, e->term, CBLD_ALIAS_ID))
			x = dec_id(s, e->v);
		else if (!strcmp(e->term, "@type") || cbld_is_alias(active, e->term, CBLD_ALIAS_TYPE))
			x = dec_types(s, e->v, e->plural);
		else
			x = dec_property(s, e, active, stack, &child, depth);
		s->out_bytes += strlen(e->term) + 4;
		if (!x || json_object_set_new(obj, e->term, x)) {
			if (!s->err->code)
				ob_fail(s->err, OB_ENOMEM, "out of memory");
			goto fail;
		}
	}
	stack->n = embedded;
	goto out;
fail:
	json_decref(obj);
	obj = NULL;
out:
	free(ents);
	free(m.p);
	json_decref(tterms);
	json_decref(types);
	cbld_stack_free(&child);
	return obj;
}

json_t *ob_cborld_decode(const unsigned char *cbor, size_t len, ob_loader *loader, ob_error *err)
{
	struct cbor_load_result res;
	struct cbld_stack st = { 0 };
	cbor_item_t *it = NULL;
	json_t *j = NULL;
	struct cbld s;

	if (!ob_cbor_shape_ok(cbor, len, 1)) {
		ob_fail(err, OB_EPARSE, "CBOR-LD: malformed CBOR (cut short, trailing bytes, nested over %d, "
			"or holding tags, undefined or indefinite items)", OB_CBORLD_MAX_DEPTH);
		return NULL;
	}
	it = cbor_load(cbor, len, &res);
	if (!it || res.error.code != CBOR_ERR_NONE || res.read != len)
		ob_fail(err, OB_EPARSE, "CBOR-LD: malformed CBOR");
	else if (!cbor_isa_map(it))
		ob_fail(err, OB_EPARSE, "CBOR-LD: not one document (a map)");
	else if (!cbld_init(&s, loader, err)) {
		j = dec_object(&s, it, &st, 0);
		cbld_release(&s);
	} else {
		cbld_release(&s);
	}
	cbld_stack_free(&st);
	if (it)
		cbor_decref(&it);
	return j;
}
