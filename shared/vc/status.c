#include "vc/status.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/codec.h"
#include "base/inflate.h"
#include "base/rand.h"

const char *const ob_status_messages[1u << OB_STATUS_MSG_SIZE] = {
	[OB_STATUS_MSG_VALID] = "valid",
	[OB_STATUS_MSG_REVOKED] = "revoked",
	[OB_STATUS_MSG_SUSPENDED] = "suspended",
	[OB_STATUS_MSG_UNUSED] = "undefined",
};

ob_code ob_status_encode(const unsigned char *bits, size_t nbytes, ob_buf *out, ob_error *err)
{
	z_stream z;
	ob_buf gz = OB_BUF_INIT;
	unsigned char chunk[16384];
	int zrc;
	ob_code rc = OB_OK;

	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip stream (spec 3.3 "GZIP compression") */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return ob_fail(err, OB_ENOMEM, "cannot start zlib");
	z.next_in = (unsigned char *)bits;
	z.avail_in = (uInt)nbytes;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = deflate(&z, Z_FINISH);
		if (zrc == Z_STREAM_ERROR) {
			rc = ob_fail(err, OB_ENOMEM, "cannot compress the status list");
			goto out;
		}
		ob_buf_add(&gz, chunk, sizeof(chunk) - z.avail_out);
	} while (zrc != Z_STREAM_END);
	if (ob_buf_addc(out, 'u') < 0 || ob_base64url_encode(out, (unsigned char *)gz.data, gz.len) < 0 ||
	    gz.oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	deflateEnd(&z);
	ob_buf_release(&gz);
	return rc;
}

ob_code ob_status_decode(const char *enc, ob_buf *bits, ob_error *err)
{
	static const struct ob_inflate_budget b = { OB_STATUS_MAX_BYTES, 0, 1 };
	ob_buf gz = OB_BUF_INIT, norm = OB_BUF_INIT;
	const char *b64 = enc[0] == 'u' ? enc + 1 : enc;
	size_t n = strlen(b64), i;
	ob_code rc;

	/* multibase base64url ("u"), or the bare form of StatusList2021 and
	 * RevocationList2020, whose wording (base64 or base64url, padded or
	 * not) is loose: that one is read in either alphabet, with or without
	 * padding (status-legacy.md 2.4) */
	if (b64 == enc) {
		while (n && b64[n - 1] == '=')
			n--;
		for (i = 0; i < n; i++)
			ob_buf_addc(&norm, b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i]);
		if (norm.oom) {
			ob_buf_release(&norm);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
		b64 = norm.data ? norm.data : "";
	}
	if (!(rc = ob_base64url_decode(&gz, b64, n, err)))
		rc = ob_inflate((const unsigned char *)gz.data, gz.len, bits, "encodedList", &b, err);
	ob_buf_release(&gz);
	ob_buf_release(&norm);
	return rc;
}

int ob_status_get(const unsigned char *bits, size_t i)
{
	return (bits[i / 8] >> (7 - i % 8)) & 1;
}

void ob_status_set(unsigned char *bits, size_t i, int on)
{
	unsigned char m = (unsigned char)(0x80u >> (i % 8));

	if (on)
		bits[i / 8] |= m;
	else
		bits[i / 8] &= (unsigned char)~m;
}

unsigned ob_status_get_n(const unsigned char *bits, size_t i, unsigned size)
{
	unsigned v = 0, k;

	for (k = 0; k < size; k++)
		v = v << 1 | (unsigned)ob_status_get(bits, i * size + k);
	return v;
}

void ob_status_set_n(unsigned char *bits, size_t i, unsigned size, unsigned value)
{
	unsigned k;

	for (k = 0; k < size; k++)
		ob_status_set(bits, i * size + k, (int)(value >> (size - 1 - k) & 1));
}

json_t *ob_status_entry(const char *purpose, const char *list_url, unsigned long index)
{
	char idx[24], *id;
	json_t *e;
	size_t n = strlen(list_url) + sizeof(idx) + 2;

	snprintf(idx, sizeof(idx), "%lu", index);
	if (!(id = malloc(n)))
		return NULL;
	snprintf(id, n, "%s#%s", list_url, idx);
	/* statusListIndex is a string of a base-10 integer (spec 2.1) */
	e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type", "BitstringStatusListEntry",
		      "statusPurpose", purpose, "statusListIndex", idx, "statusListCredential", list_url);
	free(id);
	return e;
}

json_t *ob_status_message_entry(const char *list_url, unsigned long index, unsigned size,
				const char *const *messages)
{
	json_t *e = ob_status_entry("message", list_url, index), *msgs = json_array();
	unsigned k;
	char hex[16];

	if (!e || !msgs || size < 1 || size > OB_STATUS_MAX_SIZE)
		goto fail;
	for (k = 0; k < 1u << size; k++) {
		/* "a string representing the hexadecimal value of the status
		 * prefixed with 0x" (spec 2.1), lowercase, no leading zeros as
		 * the spec's examples write it */
		snprintf(hex, sizeof(hex), "0x%x", k);
		if (json_array_append_new(msgs, json_pack("{s:s, s:s}", "status", hex, "message", messages[k])))
			goto fail;
	}
	/* after the members ob_status_entry gives, in the spec's example
	 * order; json_object_set_new takes msgs even when it fails */
	if (json_object_set_new(e, "statusSize", json_integer(size)))
		goto fail;
	if (json_object_set_new(e, "statusMessage", msgs)) {
		json_decref(e);
		return NULL;
	}
	return e;
fail:
	json_decref(msgs);
	json_decref(e);
	return NULL;
}

json_t *ob_status_list_credential(const char *list_url, const char *issuer_id,
				  const char *purpose, const char *valid_from,
				  const unsigned char *bits, size_t nbytes, ob_error *err)
{
	ob_buf enc = OB_BUF_INIT, sid = OB_BUF_INIT;
	json_t *c = NULL;

	if (ob_status_encode(bits, nbytes, &enc, err))
		goto out;
	ob_buf_addf(&sid, "%s#list", list_url);
	if (!sid.oom)
		c = json_pack("{s:[s], s:s, s:[s,s], s:s, s:s, s:{s:s, s:s, s:s, s:s}}",
			      "@context", "https://www.w3.org/ns/credentials/v2",
			      "id", list_url,
			      "type", "VerifiableCredential", "BitstringStatusListCredential",
			      "issuer", issuer_id,
			      "validFrom", valid_from,
			      "credentialSubject",
			      "id", sid.data, "type", "BitstringStatusList",
			      "statusPurpose", purpose, "encodedList", enc.data);
	if (!c)
		ob_fail(err, OB_ENOMEM, "out of memory");
out:
	ob_buf_release(&enc);
	ob_buf_release(&sid);
	return c;
}

long ob_status_pick_unused(const unsigned char *used, size_t size, ob_error *err)
{
	uint32_t r;
	size_t i, n;
	int tries;

	if (size == 0)
		return -1;
	for (tries = 0; tries < 32; tries++) {
		if (ob_random(&r, sizeof(r), err))
			return -2;
		/* size is a power of two in practice; the modulo bias of a
		 * 32-bit draw over 2^17 is nil then and negligible otherwise */
		i = r % size;
		if (!ob_status_get(used, i))
			return (long)i;
	}
	/* crowded: walk on from the last random point */
	for (n = 0; n < size; n++, i = (i + 1) % size)
		if (!ob_status_get(used, i))
			return (long)i;
	return -1;
}
