/* vp1: the DCC VP1- QR payload, uncompressed CBOR-LD (vp1.h). CBOR
 * through libcbor. */
#include "io/vp1.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <jansson.h>

#include "base/json.h"
#include "canon/contexts.h"
#include "canon/jcs.h"
#include "io/cborld.h"
#include "io/cborld_int.h"

#define MAX_DEPTH 100
static const unsigned char TAG_UNCOMPRESSED[3] = { 0xd9, 0x05, 0x00 };
static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int ob_vp1_sniff(const char *text, size_t len)
{
	return len >= 4 && !memcmp(text, OB_VP1_PREFIX, 4);
}

/* RFC 4648 section 6, upper case, no padding (multibase "B"). */
static int base32_encode(ob_buf *out, const unsigned char *in, size_t len)
{
	unsigned long acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			if (ob_buf_addc(out, B32[(acc >> bits) & 31]) < 0)
				return -1;
		}
		acc &= (1ul << bits) - 1;
	}
	if (bits && ob_buf_addc(out, B32[(acc << (5 - bits)) & 31]) < 0)
		return -1;
	return 0;
}

static ob_code base32_decode(const char *in, size_t len, ob_buf *out, ob_error *err)
{
	unsigned long acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		const char *p = in[i] ? strchr(B32, in[i]) : NULL;

		if (!p)
			return ob_fail(err, OB_EPARSE, "VP1- payload: '%c' is not a base32 character",
				       (in[i] > ' ' && in[i] < 127) ? in[i] : '?');
		acc = (acc << 5) | (unsigned long)(p - B32);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (ob_buf_addc(out, (char)((acc >> bits) & 0xff)) < 0)
				return ob_fail(err, OB_ENOMEM, "out of memory");
		}
		acc &= (1ul << bits) - 1;
	}
	/* RFC 4648 3.5: the left-over bits of the last character are zero */
	if (bits >= 5 || acc)
		return ob_fail(err, OB_EPARSE, "VP1- payload: base32 with a bad ending");
	return OB_OK;
}

/* ---- JSON to CBOR ---- */

static cbor_item_t *to_cbor(const json_t *j, int depth)
{
	cbor_item_t *it = NULL, *k, *v;
	const char *key;
	json_t *val;
	size_t i;

	if (depth > MAX_DEPTH)
		return NULL;
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		if (!(it = cbor_new_definite_map(json_object_size(j))))
			return NULL;
		json_object_foreach((json_t *)j, key, val) {
			k = cbor_build_stringn(key, strlen(key));
			v = to_cbor(val, depth + 1);
			if (!k || !v || !cbor_map_add(it, (struct cbor_pair){ .key = k, .value = v })) {
				if (k)
					cbor_decref(&k);
				if (v)
					cbor_decref(&v);
				cbor_decref(&it);
				return NULL;
			}
			cbor_decref(&k);
			cbor_decref(&v);
		}
		return it;
	case JSON_ARRAY:
		if (!(it = cbor_new_definite_array(json_array_size(j))))
			return NULL;
		json_array_foreach(j, i, val) {
			v = to_cbor(val, depth + 1);
			if (!v || !cbor_array_push(it, v)) {
				if (v)
					cbor_decref(&v);
				cbor_decref(&it);
				return NULL;
			}
			cbor_decref(&v);
		}
		return it;
	case JSON_STRING:
		return cbor_build_stringn(json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
	case JSON_REAL:
		/* as cborg writes numbers (obkit reads every JSON number as a
		 * double): an integer up to 2^53 as one, else the shortest float */
		return cbld_number(json_number_value(j));
	case JSON_TRUE:
		return cbor_build_bool(true);
	case JSON_FALSE:
		return cbor_build_bool(false);
	case JSON_NULL:
		return cbor_new_null();
	default:
		return NULL;
	}
}

ob_code ob_vp1_encode(const char *json, size_t len, ob_buf *out, ob_error *err)
{
	json_t *doc = ob_json_parse(json, len, err);
	cbor_item_t *it = NULL;
	unsigned char *bytes = NULL;
	size_t size = 0, n;
	ob_buf all = OB_BUF_INIT;

	if (!doc)
		return err->code;
	if (!json_is_object(doc)) {
		ob_fail(err, OB_EPARSE, "a VP1- payload holds a JSON object");
		goto out;
	}
	if (!(it = to_cbor(doc, 0))) {
		ob_fail(err, OB_EPARSE, "the document cannot go into CBOR (nested too deep)");
		goto out;
	}
	if (!(n = cbor_serialize_alloc(it, &bytes, &size))) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (ob_buf_add(&all, TAG_UNCOMPRESSED, sizeof(TAG_UNCOMPRESSED)) < 0 || ob_buf_add(&all, bytes, n) < 0 ||
	    ob_buf_adds(out, OB_VP1_PREFIX "B") < 0 || base32_encode(out, (unsigned char *)all.data, all.len) < 0)
		ob_fail(err, OB_ENOMEM, "out of memory");
out:
	free(bytes);
	if (it)
		cbor_decref(&it);
	ob_buf_release(&all);
	json_decref(doc);
	return err->code;
}

/* Whether bytes (tag included) decode back to doc: compared in JCS form,
 * where 6 and 6.0 are one number. */
static int decodes_back(const json_t *doc, const ob_buf *bytes, ob_loader *l)
{
	ob_buf a = OB_BUF_INIT, b = OB_BUF_INIT;
	ob_error e = { 0 };
	json_t *j = ob_cborld_decode((const unsigned char *)bytes->data + 3, bytes->len - 3, l, &e);
	int same = j && !ob_jcs_canonicalize(doc, &a, &e) && !ob_jcs_canonicalize(j, &b, &e) && a.len == b.len &&
		   !memcmp(a.data, b.data, a.len);

	json_decref(j);
	ob_buf_release(&a);
	ob_buf_release(&b);
	return same;
}

ob_code ob_vp1_encode_compressed(const char *json, size_t len, ob_buf *out, ob_error *err)
{
	json_t *doc = ob_json_parse(json, len, err);
	ob_loader *l = NULL;
	ob_buf bytes = OB_BUF_INIT;
	ob_error e = { 0 };

	if (!doc)
		return err->code;
	if (!(l = ob_contexts_loader_new())) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (json_is_object(doc) && !ob_cborld_encode(doc, l, &bytes, &e) && decodes_back(doc, &bytes, l)) {
		if (ob_buf_adds(out, OB_VP1_PREFIX "B") < 0 || base32_encode(out, (unsigned char *)bytes.data, bytes.len) < 0)
			ob_fail(err, OB_ENOMEM, "out of memory");
	} else if (e.code == OB_ENOMEM) {
		ob_fail(err, OB_ENOMEM, "out of memory");
	} else {
		ob_vp1_encode(json, len, out, err);
	}
out:
	ob_buf_release(&bytes);
	ob_loader_free(l);
	json_decref(doc);
	return err->code;
}

/* ---- CBOR to JSON ---- */

static json_t *to_json(cbor_item_t *it, int depth, const char **why)
{
	json_t *j = NULL, *v;
	size_t i, n;

	if (depth > MAX_DEPTH) {
		*why = "nested more than 100 deep";
		return NULL;
	}
	switch (cbor_typeof(it)) {
	case CBOR_TYPE_UINT:
		if (cbor_get_int(it) > (uint64_t)INT64_MAX) {
			*why = "an integer out of range";
			return NULL;
		}
		return json_integer((json_int_t)cbor_get_int(it));
	case CBOR_TYPE_NEGINT:
		if (cbor_get_int(it) > (uint64_t)INT64_MAX) {
			*why = "an integer out of range";
			return NULL;
		}
		return json_integer(-(json_int_t)cbor_get_int(it) - 1);
	case CBOR_TYPE_STRING:
		if (!cbor_string_is_definite(it)) {
			*why = "an indefinite-length string";
			return NULL;
		}
		n = cbor_string_length(it);
		if (memchr(cbor_string_handle(it), 0, n)) {
			*why = "a NUL in a string";
			return NULL;
		}
		if (!(j = json_stringn((const char *)cbor_string_handle(it), n)))
			*why = "a string that is not UTF-8";
		return j;
	case CBOR_TYPE_ARRAY:
		if (!cbor_array_is_definite(it) || !(j = json_array())) {
			*why = "an indefinite-length array";
			return NULL;
		}
		n = cbor_array_size(it);
		for (i = 0; i < n; i++) {
			cbor_item_t *e = cbor_array_handle(it)[i];

			if (!(v = to_json(e, depth + 1, why)) || json_array_append_new(j, v)) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	case CBOR_TYPE_MAP: {
		struct cbor_pair *p = cbor_map_handle(it);

		if (!cbor_map_is_definite(it) || !(j = json_object())) {
			*why = "an indefinite-length map";
			return NULL;
		}
		n = cbor_map_size(it);
		for (i = 0; i < n; i++) {
			char *key;
			size_t kl;

			if (!cbor_isa_string(p[i].key) || !cbor_string_is_definite(p[i].key)) {
				*why = "a map key that is not a text string";
				json_decref(j);
				return NULL;
			}
			kl = cbor_string_length(p[i].key);
			if (memchr(cbor_string_handle(p[i].key), 0, kl) || !(key = strndup((const char *)cbor_string_handle(p[i].key), kl))) {
				*why = "a bad map key";
				json_decref(j);
				return NULL;
			}
			if (json_object_get(j, key)) {
				*why = "a map key given twice";
				free(key);
				json_decref(j);
				return NULL;
			}
			v = to_json(p[i].value, depth + 1, why);
			if (!v || json_object_set_new(j, key, v)) {
				free(key);
				json_decref(j);
				return NULL;
			}
			free(key);
		}
		return j;
	}
	case CBOR_TYPE_FLOAT_CTRL:
		/* cbor_is_bool and cbor_is_null assert on a float */
		if (cbor_float_ctrl_is_ctrl(it) && cbor_is_bool(it))
			return json_boolean(cbor_get_bool(it));
		if (cbor_float_ctrl_is_ctrl(it) && cbor_is_null(it))
			return json_null();
		if (!cbor_float_ctrl_is_ctrl(it)) {
			double d = cbor_float_get_float(it);

			if (d == d && d - d == 0)
				return json_real(d);
			*why = "NaN or an infinite number";
			return NULL;
		}
		*why = "a simple value";
		return NULL;
	default:
		*why = "a tag or byte string";
		return NULL;
	}
}

/* Compressed CBOR-LD (io/cborld.h), with the contexts obkit ships: what
 * vpqr's toQrCode writes by default, so the Learner Credential Wallet's
 * QR codes. A context obkit does not ship, or a registry number it does
 * not know, cannot be decoded: OB_ENET, "not available offline", as a
 * missing context is elsewhere (could not check). */
static void compressed(ob_buf raw, ob_buf *out, ob_error *err)
{
	ob_loader *l = ob_contexts_loader_new();
	json_t *j = NULL;
	char *js = NULL;

	if (!l) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return;
	}
	j = ob_cborld_decode((const unsigned char *)raw.data + 3, raw.len - 3, l, err);
	if (!j) {
		char msg[sizeof(err->msg)];
		ob_code c = err->code == OB_EIO ? OB_ENET : err->code;

		snprintf(msg, sizeof(msg), "%s", err->msg);
		ob_error_clear(err);
		ob_fail(err, c, c == OB_ENET ? "VP1- payload: compressed CBOR-LD with a context obkit does not have (%s)"
					    : "VP1- payload: compressed CBOR-LD that does not decode (%s)", msg);
	} else if (!(js = ob_json_dumps(j, 0)) || ob_buf_adds(out, js) < 0) {
		ob_fail(err, OB_ENOMEM, "out of memory");
	}
	free(js);
	json_decref(j);
	ob_loader_free(l);
}

ob_code ob_vp1_decode(const char *payload, size_t len, ob_buf *out, ob_error *err)
{
	ob_buf raw = OB_BUF_INIT;
	struct cbor_load_result res;
	cbor_item_t *it = NULL;
	json_t *j = NULL;
	const char *why = NULL;
	char *js = NULL;

	while (len && (payload[len - 1] == '\n' || payload[len - 1] == '\r' || payload[len - 1] == ' '))
		len--;
	if (len > OB_VP1_MAX_PAYLOAD)
		return ob_fail(err, OB_ELIMIT, "the VP1- payload is longer than %d characters", OB_VP1_MAX_PAYLOAD);
	if (!ob_vp1_sniff(payload, len))
		return ob_fail(err, OB_EPARSE, "not a VP1- payload");
	/* vpqr: "Payload must be multibase base32" */
	if (len < 5 || payload[4] != 'B')
		return ob_fail(err, OB_EPARSE, "VP1- payload: not multibase base32 (no 'B' after VP1-)");
	if (base32_decode(payload + 5, len - 5, &raw, err))
		goto out;
	if (raw.len < 3 || (unsigned char)raw.data[0] != 0xd9 || raw.data[1] != 0x05) {
		ob_fail(err, OB_EPARSE, "VP1- payload: not CBOR-LD (no 0x05 tag)");
		goto out;
	}
	if (raw.data[2] == 0x01) {
		compressed(raw, out, err);
		goto out;
	}
	if (raw.data[2] != 0x00) {
		ob_fail(err, OB_EPARSE, "VP1- payload: unknown CBOR-LD compression mode");
		goto out;
	}
	if (!ob_cbor_shape_ok((const unsigned char *)raw.data + 3, raw.len - 3, 0)) {
		ob_fail(err, OB_EPARSE, "VP1- payload: the CBOR is not a JSON object (malformed, cut short, "
			"nested over 100, or holding tags, byte strings or indefinite items)");
		goto out;
	}
	it = cbor_load((cbor_data)raw.data + 3, raw.len - 3, &res);
	if (!it || res.error.code != CBOR_ERR_NONE || res.read != raw.len - 3) {
		ob_fail(err, OB_EPARSE, "VP1- payload: %s", it ? "bytes after the CBOR item" : "malformed CBOR");
		goto out;
	}
	if (!(j = to_json(it, 0, &why)) || !json_is_object(j)) {
		ob_fail(err, OB_EPARSE, "VP1- payload: the CBOR is not a JSON object (%s)", why ? why : "a bare value");
		goto out;
	}
	if (!(js = ob_json_dumps(j, 0)) || ob_buf_adds(out, js) < 0)
		ob_fail(err, OB_ENOMEM, "out of memory");
out:
	free(js);
	json_decref(j);
	if (it)
		cbor_decref(&it);
	ob_buf_release(&raw);
	return err->code;
}
