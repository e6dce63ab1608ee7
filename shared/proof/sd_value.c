/* sd_value: the ecdsa-sd-2023 proofValue (ecdsa.md 3.1): "u" +
 * base64url-no-pad of a 3-byte header and a CBOR array of 5, through
 * libcbor. Encoding matches the reference's cborg: definite lengths,
 * shortest integer forms, no tags, label map keys ascending. */
#include "proof/suite_ecdsa_sd.h"

#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/crypto.h>

#include "base/codec.h"

static const unsigned char HDR_BASE[3] = { 0xd9, 0x5d, 0x00 };
static const unsigned char HDR_DERIVED[3] = { 0xd9, 0x5d, 0x01 };

void ob_sd_value_release(ob_sd_value *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->npointers; i++)
		free(v->pointers[i]);
	free(v->pointers);
	free(v->sigs);
	free(v->label_n);
	free(v->label_hmac);
	free(v->mandatory);
	OPENSSL_cleanse(v->hmac_key, sizeof(v->hmac_key));
	memset(v, 0, sizeof(*v));
}

/* ---- a shape check before libcbor builds the item tree: only definite
 * arrays and maps (at most 2 levels below the top array), byte and text
 * strings and unsigned integers, so the tree stays small and shallow
 * (cbor_decref recurses) ---- */

#define SHAPE_DEPTH 3

struct shape {
	size_t left[SHAPE_DEPTH + 1]; /* items still due at each open level */
	int depth, bad, seen_top;
	size_t items;
};

static void count(struct shape *s)
{
	s->items++;
	if (s->depth == 0) {
		/* a second top-level item is trailing data */
		if (s->seen_top)
			s->bad = 1;
		s->seen_top = 1;
		return;
	}
	s->left[s->depth]--;
}

/* closes the levels whose items are all there */
static void pop_done(struct shape *s)
{
	while (s->depth > 0 && s->left[s->depth] == 0)
		s->depth--;
}

static void consume(struct shape *s)
{
	count(s);
	pop_done(s);
}

static void open_level(struct shape *s, size_t n)
{
	count(s);
	if (n == 0) {
		pop_done(s);
		return;
	}
	if (s->depth >= SHAPE_DEPTH) {
		s->bad = 1;
		return;
	}
	s->left[++s->depth] = n;
}

static void on_uint8(void *c, uint8_t v) { (void)v; consume(c); }
static void on_uint16(void *c, uint16_t v) { (void)v; consume(c); }
static void on_uint32(void *c, uint32_t v) { (void)v; consume(c); }
static void on_uint64(void *c, uint64_t v) { (void)v; consume(c); }
static void on_string(void *c, cbor_data d, size_t n) { (void)d; (void)n; consume(c); }
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
static void on_bad32(void *c, uint32_t v) { (void)v; on_bad(c); }
static void on_bad16(void *c, uint16_t v) { (void)v; on_bad(c); }
static void on_bad8(void *c, uint8_t v) { (void)v; on_bad(c); }
static void on_badf(void *c, float v) { (void)v; on_bad(c); }
static void on_badd(void *c, double v) { (void)v; on_bad(c); }
static void on_badb(void *c, bool v) { (void)v; on_bad(c); }

static int shape_ok(const unsigned char *p, size_t len)
{
	static const struct cbor_callbacks cb = {
		.uint8 = on_uint8, .uint16 = on_uint16, .uint32 = on_uint32, .uint64 = on_uint64,
		.negint8 = on_bad8, .negint16 = on_bad16, .negint32 = on_bad32, .negint64 = on_bad64,
		.byte_string_start = on_bad, .byte_string = on_string,
		.string = on_string, .string_start = on_bad,
		.indef_array_start = on_bad, .array_start = on_array,
		.indef_map_start = on_bad, .map_start = on_map,
		.tag = on_bad64, .float2 = on_badf, .float4 = on_badf, .float8 = on_badd,
		.undefined = on_bad, .null = on_bad, .boolean = on_badb, .indef_break = on_bad,
	};
	struct shape s = { { 0 }, 0, 0, 0, 0 };
	size_t off = 0;

	while (off < len && !s.bad) {
		struct cbor_decoder_result r = cbor_stream_decode(p + off, len - off, &cb, &s);

		if (r.status != CBOR_DECODER_FINISHED || r.read == 0)
			return 0;
		off += r.read;
		if (s.items > 4u * OB_SD_MAX_SIGNATURES + 2u * OB_SD_MAX_LABELS + OB_SD_MAX_INDEXES)
			return 0;
	}
	return !s.bad && s.depth == 0 && s.items >= 1;
}

/* ---- decoding the tree ---- */

/* a[i], borrowed (libcbor 0.8 has no borrowing getter) */
static cbor_item_t *item_at(cbor_item_t *a, size_t i)
{
	return cbor_array_handle(a)[i];
}

static int bytes_of(cbor_item_t *it, unsigned char *out, size_t want)
{
	if (!cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it) ||
	    cbor_bytestring_length(it) != want)
		return -1;
	memcpy(out, cbor_bytestring_handle(it), want);
	return 0;
}

static ob_code get_sigs(cbor_item_t *it, ob_sd_value *v, ob_error *err)
{
	size_t i, n;

	if (!cbor_isa_array(it))
		return ob_fail(err, OB_EINVALID, "proofValue signatures are not an array");
	n = cbor_array_size(it);
	if (n > OB_SD_MAX_SIGNATURES)
		return ob_fail(err, OB_ELIMIT, "over budget: proofValue has more than %u signatures",
			       OB_SD_MAX_SIGNATURES);
	if (n && !(v->sigs = malloc(n * sizeof(*v->sigs))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (bytes_of(item_at(it, i), v->sigs[i], 64) < 0)
			return ob_fail(err, OB_EINVALID, "proofValue signature %zu is not 64 bytes", i);
	v->nsigs = n;
	return OB_OK;
}

static ob_code get_pointers(cbor_item_t *it, ob_sd_value *v, ob_error *err)
{
	size_t i, n;

	if (!cbor_isa_array(it))
		return ob_fail(err, OB_EINVALID, "proofValue mandatory pointers are not an array");
	n = cbor_array_size(it);
	if (n > OB_SD_MAX_VALUE_POINTERS)
		return ob_fail(err, OB_ELIMIT, "over budget: more than %u mandatory pointers",
			       OB_SD_MAX_VALUE_POINTERS);
	if (n && !(v->pointers = calloc(n, sizeof(char *))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		cbor_item_t *s = item_at(it, i);
		size_t len;

		if (!cbor_isa_string(s) || !cbor_string_is_definite(s))
			return ob_fail(err, OB_EINVALID, "mandatory pointer %zu is not a text string", i);
		len = cbor_string_length(s);
		if (len > 4096 || memchr(cbor_string_handle(s), 0, len))
			return ob_fail(err, OB_EINVALID, "mandatory pointer %zu is not a pointer", i);
		if (!(v->pointers[i] = malloc(len + 1)))
			return ob_fail(err, OB_ENOMEM, "out of memory");
		memcpy(v->pointers[i], cbor_string_handle(s), len);
		v->pointers[i][len] = '\0';
		v->npointers = i + 1;
	}
	return OB_OK;
}

static int uint_of(cbor_item_t *it, uint32_t *out)
{
	uint64_t x;

	if (!cbor_isa_uint(it))
		return -1;
	x = cbor_get_int(it);
	if (x > UINT32_MAX)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

static ob_code get_labels(cbor_item_t *it, ob_sd_value *v, ob_error *err)
{
	struct cbor_pair *pairs;
	size_t i, n;

	if (!cbor_isa_map(it))
		return ob_fail(err, OB_EINVALID, "proofValue label map is not a map");
	n = cbor_map_size(it);
	if (n > OB_SD_MAX_LABELS)
		return ob_fail(err, OB_ELIMIT, "over budget: label map has more than %u labels",
			       OB_SD_MAX_LABELS);
	if (n && (!(v->label_n = malloc(n * sizeof(*v->label_n))) ||
		  !(v->label_hmac = malloc(n * sizeof(*v->label_hmac)))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	pairs = cbor_map_handle(it);
	for (i = 0; i < n; i++) {
		size_t j;

		if (uint_of(pairs[i].key, &v->label_n[i]) < 0 ||
		    bytes_of(pairs[i].value, v->label_hmac[i], 32) < 0)
			return ob_fail(err, OB_EINVALID, "label map entry %zu is not integer -> 32 bytes", i);
		for (j = 0; j < i; j++)
			if (v->label_n[j] == v->label_n[i])
				return ob_fail(err, OB_EINVALID, "label map has c14n%u twice", v->label_n[i]);
		v->nlabels = i + 1;
	}
	return OB_OK;
}

static ob_code get_indexes(cbor_item_t *it, ob_sd_value *v, ob_error *err)
{
	size_t i, n;

	if (!cbor_isa_array(it))
		return ob_fail(err, OB_EINVALID, "proofValue mandatory indexes are not an array");
	n = cbor_array_size(it);
	if (n > OB_SD_MAX_INDEXES)
		return ob_fail(err, OB_ELIMIT, "over budget: more than %u mandatory indexes",
			       OB_SD_MAX_INDEXES);
	if (n && !(v->mandatory = malloc(n * sizeof(*v->mandatory))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (uint_of(item_at(it, i), &v->mandatory[i]) < 0)
			return ob_fail(err, OB_EINVALID, "mandatory index %zu is not an unsigned integer", i);
	v->nmandatory = n;
	return OB_OK;
}

static ob_code decode_tree(cbor_item_t *root, ob_sd_value *v, ob_error *err)
{
	cbor_item_t **a;
	ob_code rc;

	if (!cbor_isa_array(root) || !cbor_array_is_definite(root) || cbor_array_size(root) != 5)
		return ob_fail(err, OB_EINVALID, "proofValue is not a CBOR array of 5");
	a = cbor_array_handle(root);
	if (bytes_of(a[0], v->base_sig, 64) < 0)
		return ob_fail(err, OB_EINVALID, "proofValue base signature is not 64 bytes");
	if (bytes_of(a[1], v->pub, 35) < 0 || v->pub[0] != 0x80 || v->pub[1] != 0x24)
		return ob_fail(err, OB_EINVALID, "proofValue public key is not a 35-byte P-256 multikey");
	if (!v->derived) {
		if (bytes_of(a[2], v->hmac_key, 32) < 0)
			return ob_fail(err, OB_EINVALID, "proofValue HMAC key is not 32 bytes");
		if ((rc = get_sigs(a[3], v, err)))
			return rc;
		return get_pointers(a[4], v, err);
	}
	if ((rc = get_sigs(a[2], v, err)) || (rc = get_labels(a[3], v, err)))
		return rc;
	return get_indexes(a[4], v, err);
}

ob_code ob_sd_value_decode(const char *text, ob_sd_value *v, ob_error *err)
{
	ob_buf raw = OB_BUF_INIT;
	struct cbor_load_result res;
	cbor_item_t *root = NULL;
	ob_error derr = { 0 };
	const unsigned char *p;
	size_t len;
	ob_code rc = OB_OK;

	memset(v, 0, sizeof(*v));
	if (!text || text[0] != 'u')
		return ob_fail(err, OB_EINVALID, "proofValue missing or not base64url multibase ('u')");
	len = strlen(text);
	if (len > OB_SD_MAX_VALUE_CHARS)
		return ob_fail(err, OB_ELIMIT, "over budget: proofValue longer than %u characters",
			       OB_SD_MAX_VALUE_CHARS);
	if (ob_base64url_decode(&raw, text + 1, len - 1, &derr)) {
		rc = ob_fail(err, OB_EINVALID, "proofValue does not decode: %s", derr.msg);
		goto out;
	}
	p = (const unsigned char *)raw.data;
	if (raw.len < 4 || (memcmp(p, HDR_BASE, 3) && memcmp(p, HDR_DERIVED, 3))) {
		rc = ob_fail(err, OB_EINVALID, "proofValue header is not ecdsa-sd-2023's (0xd9 0x5d 0x00/0x01)");
		goto out;
	}
	v->derived = p[2] == 0x01;
	if (!shape_ok(p + 3, raw.len - 3)) {
		rc = ob_fail(err, OB_EINVALID, "proofValue is not the CBOR ecdsa-sd-2023 expects");
		goto out;
	}
	root = cbor_load(p + 3, raw.len - 3, &res);
	if (!root || res.error.code != CBOR_ERR_NONE || res.read != raw.len - 3) {
		rc = ob_fail(err, root || res.error.code != CBOR_ERR_MEMERROR ? OB_EINVALID : OB_ENOMEM,
			     "proofValue CBOR does not decode");
		goto out;
	}
	rc = decode_tree(root, v, err);
out:
	if (root)
		cbor_decref(&root);
	ob_buf_release(&raw);
	if (rc)
		ob_sd_value_release(v);
	return rc;
}

/* ---- encoding ---- */

static cbor_item_t *uint_item(uint32_t x)
{
	if (x <= UINT8_MAX)
		return cbor_build_uint8((uint8_t)x);
	if (x <= UINT16_MAX)
		return cbor_build_uint16((uint16_t)x);
	return cbor_build_uint32(x);
}

/* Pushes it (reference moved) onto arr; 0 or -1 (it freed). */
static int push(cbor_item_t *arr, cbor_item_t *it)
{
	bool ok;

	if (!it)
		return -1;
	ok = cbor_array_push(arr, it);
	cbor_decref(&it);
	return ok ? 0 : -1;
}

static cbor_item_t *sig_array(const ob_sd_value *v)
{
	cbor_item_t *a = cbor_new_definite_array(v->nsigs);
	size_t i;

	for (i = 0; a && i < v->nsigs; i++)
		if (push(a, cbor_build_bytestring(v->sigs[i], 64)) < 0)
			cbor_decref(&a);
	return a;
}

static cbor_item_t *label_map(const ob_sd_value *v)
{
	cbor_item_t *m = cbor_new_definite_map(v->nlabels);
	size_t *order = malloc((v->nlabels ? v->nlabels : 1) * sizeof(size_t));
	size_t i, j;

	if (!m || !order) {
		free(order);
		if (m)
			cbor_decref(&m);
		return NULL;
	}
	/* keys ascending, as cborg sorts integer keys */
	for (i = 0; i < v->nlabels; i++) {
		for (j = i; j > 0 && v->label_n[order[j - 1]] > v->label_n[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; m && i < v->nlabels; i++) {
		cbor_item_t *k = uint_item(v->label_n[order[i]]);
		cbor_item_t *val = cbor_build_bytestring(v->label_hmac[order[i]], 32);
		bool ok = k && val && cbor_map_add(m, (struct cbor_pair){ .key = k, .value = val });

		if (k)
			cbor_decref(&k);
		if (val)
			cbor_decref(&val);
		if (!ok)
			cbor_decref(&m);
	}
	free(order);
	return m;
}

static cbor_item_t *build(const ob_sd_value *v)
{
	cbor_item_t *root = cbor_new_definite_array(5), *a;
	size_t i;
	int bad = !root;

	bad = bad || push(root, cbor_build_bytestring(v->base_sig, 64)) < 0;
	bad = bad || push(root, cbor_build_bytestring(v->pub, 35)) < 0;
	if (!v->derived) {
		bad = bad || push(root, cbor_build_bytestring(v->hmac_key, 32)) < 0;
		bad = bad || push(root, sig_array(v)) < 0;
		a = bad ? NULL : cbor_new_definite_array(v->npointers);
		for (i = 0; a && i < v->npointers; i++)
			if (push(a, cbor_build_string(v->pointers[i])) < 0)
				cbor_decref(&a);
		bad = bad || push(root, a) < 0;
	} else {
		bad = bad || push(root, sig_array(v)) < 0;
		bad = bad || push(root, label_map(v)) < 0;
		a = bad ? NULL : cbor_new_definite_array(v->nmandatory);
		for (i = 0; a && i < v->nmandatory; i++)
			if (push(a, uint_item(v->mandatory[i])) < 0)
				cbor_decref(&a);
		bad = bad || push(root, a) < 0;
	}
	if (bad && root)
		cbor_decref(&root);
	return root;
}

ob_code ob_sd_value_encode(const ob_sd_value *v, ob_buf *out, ob_error *err)
{
	cbor_item_t *root = build(v);
	unsigned char *cb = NULL, *all = NULL;
	size_t cap = 0, n;
	ob_code rc = OB_OK;

	if (!root)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	n = cbor_serialize_alloc(root, &cb, &cap);
	cbor_decref(&root);
	if (!n || !(all = malloc(n + 3))) {
		free(cb);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	memcpy(all, v->derived ? HDR_DERIVED : HDR_BASE, 3);
	memcpy(all + 3, cb, n);
	if (ob_buf_addc(out, 'u') < 0 || ob_base64url_encode(out, all, n + 3) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	/* a base proof value carries the HMAC key */
	OPENSSL_cleanse(cb, n);
	OPENSSL_cleanse(all, n + 3);
	free(cb);
	free(all);
	return rc;
}
