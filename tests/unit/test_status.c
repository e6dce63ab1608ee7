/* status: Bitstring Status List encoding against the shared vector (bit
 * 42 set, MSB first), round trips, bad input, and slot picking. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/codec.h"
#include "base/json.h"
#include "vc/status.h"

#include <zlib.h>

static void vector(void)
{
	char path[4096];
	ob_buf bits = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *v;
	size_t i, set = 0;

	snprintf(path, sizeof(path), "%s/vectors/signed/08-status-list-revocation.json", shared_dir());
	v = ob_json_load_file(path, &err);
	CHECK(v != NULL);
	if (!v)
		return;
	CHECK(ob_status_decode(ob_json_str(json_object_get(v, "credentialSubject"), "encodedList"), &bits, &err) == OB_OK);
	CHECK(bits.len == OB_STATUS_LIST_SIZE / 8);
	for (i = 0; i < bits.len * 8; i++)
		set += (size_t)ob_status_get((unsigned char *)bits.data, i);
	CHECK(set == 1);
	CHECK(ob_status_get((unsigned char *)bits.data, 42) == 1);
	/* MSB first: index 42 is byte 5, mask 0x20 */
	CHECK((unsigned char)bits.data[5] == 0x20);
	ob_buf_release(&bits);
	json_decref(v);
}

static void round_trip(void)
{
	unsigned char *b = calloc(1, OB_STATUS_LIST_SIZE / 8);
	ob_buf enc = OB_BUF_INIT, dec = OB_BUF_INIT;
	ob_error err = { 0 };

	ob_status_set(b, 0, 1);
	ob_status_set(b, 7, 1);
	ob_status_set(b, 131071, 1);
	CHECK(b[0] == 0x81 && b[OB_STATUS_LIST_SIZE / 8 - 1] == 0x01);
	CHECK(ob_status_encode(b, OB_STATUS_LIST_SIZE / 8, &enc, &err) == OB_OK);
	CHECK(enc.data && enc.data[0] == 'u' && !strchr(enc.data, '=') && !strchr(enc.data, '+'));
	/* gzip magic 1f 8b after the multibase prefix */
	CHECK(enc.data && !strncmp(enc.data, "uH4sI", 5));
	CHECK(ob_status_decode(enc.data, &dec, &err) == OB_OK);
	CHECK(dec.len == OB_STATUS_LIST_SIZE / 8 && !memcmp(dec.data, b, dec.len));
	ob_status_set(b, 7, 0);
	CHECK(b[0] == 0x80);
	ob_buf_release(&enc);
	ob_buf_release(&dec);
	free(b);
}

static void bad_input(void)
{
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };

	CHECK(ob_status_decode("u!!!", &out, &err) != OB_OK);
	ob_buf_release(&out);
	ob_error_clear(&err);
	/* valid base64url, not a gzip stream */
	CHECK(ob_status_decode("uAAAAAAAA", &out, &err) == OB_EPARSE);
	ob_buf_release(&out);
	ob_error_clear(&err);
	/* a gzip stream cut short */
	CHECK(ob_status_decode("uH4sIAAAAAAAAA-3BMQEAAAjAoEWxf0pt4QPUmQ", &out, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "truncated") || strstr(err.msg, "inflate"));
	ob_buf_release(&out);
}

static void entries(void)
{
	json_t *e = ob_status_entry("revocation", "https://x.example/status/revocation/1.json", 94567);
	ob_error err = { 0 };
	unsigned char bits[16] = { 0 };
	json_t *c;

	CHECK_STR(ob_json_str(e, "type"), "BitstringStatusListEntry");
	CHECK_STR(ob_json_str(e, "statusListIndex"), "94567");
	CHECK_STR(ob_json_str(e, "id"), "https://x.example/status/revocation/1.json#94567");
	json_decref(e);
	c = ob_status_list_credential("https://x.example/l/1.json", "did:example:i", "suspension",
				      "2026-01-01T00:00:00Z", bits, sizeof(bits), &err);
	CHECK(c != NULL);
	CHECK_STR(ob_json_str(json_object_get(c, "credentialSubject"), "statusPurpose"), "suspension");
	CHECK_STR(ob_json_str(json_object_get(c, "credentialSubject"), "type"), "BitstringStatusList");
	CHECK_STR(ob_json_str(c, "issuer"), "did:example:i");
	json_decref(c);
}

static void picking(void)
{
	unsigned char used[16] = { 0 }; /* 128 slots */
	ob_error err = { 0 };
	long i, n, seen_high = 0;

	/* fill a small list completely: every pick new, then full */
	for (n = 0; n < 128; n++) {
		i = ob_status_pick_unused(used, 128, &err);
		CHECK(i >= 0 && i < 128);
		if (i < 0)
			break;
		CHECK(!ob_status_get(used, (size_t)i));
		if (i >= 64)
			seen_high = 1;
		ob_status_set(used, (size_t)i, 1);
	}
	CHECK(seen_high);
	CHECK(ob_status_pick_unused(used, 128, &err) == -1);
	/* one hole left: found even though random draws mostly miss */
	ob_status_set(used, 77, 0);
	CHECK(ob_status_pick_unused(used, 128, &err) == 77);
}

/* budget: a list that inflates past OB_STATUS_MAX_BYTES is refused */
static void budget(void)
{
	size_t n = OB_STATUS_MAX_BYTES + 1;
	unsigned char *zeros = calloc(n, 1), *z;
	uLongf zlen = compressBound(n);
	ob_buf enc = OB_BUF_INIT, bits = OB_BUF_INIT;
	ob_error err = { 0 };

	z = malloc(zlen);
	CHECK(zeros && z);
	if (zeros && z && compress2(z, &zlen, zeros, n, 9) == Z_OK) {
		ob_buf_addc(&enc, 'u');
		ob_base64url_encode(&enc, z, zlen);
		ob_buf_addc(&enc, '\0');
		CHECK(ob_status_decode(enc.data, &bits, &err) != OB_OK);
		CHECK(err.code == OB_ELIMIT && strstr(err.msg, "more than") != NULL);
	}
	free(zeros);
	free(z);
	ob_buf_release(&enc);
	ob_buf_release(&bits);
}

int main(void)
{
	budget();
	vector();
	round_trip();
	bad_input();
	entries();
	picking();
	return check_done("test_status");
}
