/* fuzz target "ecdsa_sd": the ecdsa-sd-2023 proofValue decoder
 * (ob_sd_value_decode: base64url, the 3-byte header, libCBOR with the
 * shape check and the budgets) and the JSON pointer checker. The first
 * byte picks what the rest of the input is:
 *   0 a base proof's CBOR (the header 0xd9 0x5d 0x00 is put in front)
 *   1 a derived proof's CBOR (header 0xd9 0x5d 0x01)
 *   2 a proofValue text as it appears in a proof ("u...")
 *   3 one JSON pointer per line (ob_sd_pointer_check), then ob_sd_select
 *     of them over a small fixed credential
 * Property: what decodes encodes (ob_sd_value_encode) to a text that
 * decodes to the same value, and encoding that again gives the same text. */
#include <jansson.h>

#include "base/codec.h"
#include "fuzz.h"
#include "proof/sd_select.h"
#include "proof/suite_ecdsa_sd.h"

static int same_value(const ob_sd_value *a, const ob_sd_value *b)
{
	size_t i;

	if (a->derived != b->derived || memcmp(a->base_sig, b->base_sig, 64) ||
	    memcmp(a->pub, b->pub, 35) || a->nsigs != b->nsigs || a->npointers != b->npointers ||
	    a->nlabels != b->nlabels || a->nmandatory != b->nmandatory)
		return 0;
	if (!a->derived && memcmp(a->hmac_key, b->hmac_key, 32))
		return 0;
	if (a->nsigs && memcmp(a->sigs, b->sigs, a->nsigs * 64))
		return 0;
	for (i = 0; i < a->npointers; i++)
		if (strcmp(a->pointers[i], b->pointers[i]))
			return 0;
	/* the label map is written with its keys ascending: compare as sets */
	for (i = 0; i < a->nlabels; i++) {
		size_t j;

		for (j = 0; j < b->nlabels && b->label_n[j] != a->label_n[i]; j++)
			;
		if (j == b->nlabels || memcmp(a->label_hmac[i], b->label_hmac[j], 32))
			return 0;
	}
	return a->nmandatory == 0 || !memcmp(a->mandatory, b->mandatory, a->nmandatory * sizeof(uint32_t));
}

static void round_trip(const char *text)
{
	ob_sd_value v, w;
	ob_buf e1 = OB_BUF_INIT, e2 = OB_BUF_INIT;
	ob_error err = { 0 };

	if (ob_sd_value_decode(text, &v, &err) != OB_OK)
		return;
	FUZZ_ASSERT(ob_sd_value_encode(&v, &e1, &err) == OB_OK, "a decoded value encodes");
	FUZZ_ASSERT(ob_sd_value_decode(e1.data, &w, &err) == OB_OK, "an encoded value decodes");
	FUZZ_ASSERT(same_value(&v, &w), "decode(encode(v)) == v");
	FUZZ_ASSERT(ob_sd_value_encode(&w, &e2, &err) == OB_OK && !strcmp(e1.data, e2.data),
		    "encoding is a fixed point");
	ob_sd_value_release(&v);
	ob_sd_value_release(&w);
	ob_buf_release(&e1);
	ob_buf_release(&e2);
}

static void pointers(const char *s)
{
	static const char doc_text[] =
		"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"id\":\"urn:x\","
		"\"type\":[\"VerifiableCredential\"],\"issuer\":{\"id\":\"did:example:1\",\"name\":\"I\"},"
		"\"credentialSubject\":{\"type\":[\"A\"],\"list\":[1,{\"a\":[2,3]},\"x\"],\"o\":{\"~/\":4}}}";
	const char *ptrs[16];
	char *copy = strdup(s), *p, *save = NULL;
	json_t *doc = json_loads(doc_text, 0, NULL), *sel = NULL;
	ob_error err = { 0 };
	size_t n = 0;

	for (p = copy ? strtok_r(copy, "\n", &save) : NULL; p && n < 16; p = strtok_r(NULL, "\n", &save)) {
		ob_error_clear(&err);
		if (ob_sd_pointer_check(p, &err) == OB_OK)
			ptrs[n++] = p;
	}
	if (doc && ob_sd_select(doc, ptrs, n, &sel, &err) == OB_OK && sel)
		FUZZ_ASSERT(json_is_object(sel), "a selection is an object");
	json_decref(sel);
	json_decref(doc);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char hdr[2][3] = { { 0xd9, 0x5d, 0x00 }, { 0xd9, 0x5d, 0x01 } };
	char *text;

	if (size < 1 || size > (1u << 20))
		return 0;
	switch (data[0] % 4) {
	case 0:
	case 1: {
		unsigned char *raw = malloc(size + 2);
		ob_buf b = OB_BUF_INIT;

		if (!raw)
			return 0;
		memcpy(raw, hdr[data[0] % 4], 3);
		memcpy(raw + 3, data + 1, size - 1);
		if (ob_buf_addc(&b, 'u') == 0 && ob_base64url_encode(&b, raw, size + 2) == 0)
			round_trip(b.data);
		ob_buf_release(&b);
		free(raw);
		break;
	}
	case 2:
		if ((text = fuzz_strndup(data + 1, size - 1))) {
			round_trip(text);
			free(text);
		}
		break;
	default:
		if ((text = fuzz_strndup(data + 1, size - 1))) {
			pointers(text);
			free(text);
		}
	}
	return 0;
}
