/* fuzz target "codec": the strict decoders of codec.h and identifiers
 * that decode to keys (did.h, keys.h). The first byte picks what the
 * rest of the input is:
 *   0 base58btc  1 base64url  2 base45  3 hex  4 multibase  5 varint
 *   6 "did:key:" + rest  7 "did:jwk:" + rest  8 any verification method
 *   URL (did:web, https: no loader, so nothing is fetched)
 *   9 a Multikey value (ob_key_from_multikey)
 * and every selector also runs its text through the others' cheap checks.
 * Property: the decoders are strict (canonical input only), so
 * encode(decode(x)) == x for every x they accept. */
#include <ctype.h>

#include "base/codec.h"
#include "proof/did.h"
#include "fuzz.h"
#include "proof/keys.h"

static void same(const ob_buf *enc, const char *in, size_t len, int nocase, const char *what)
{
	size_t i;

	FUZZ_ASSERT(!enc->oom, what);
	FUZZ_ASSERT(enc->len == len, what);
	for (i = 0; i < len; i++)
		FUZZ_ASSERT(nocase ? tolower((unsigned char)enc->data[i]) == tolower((unsigned char)in[i])
				   : enc->data[i] == in[i],
			    what);
}

static void decoders(int sel, const char *s, size_t n)
{
	ob_buf dec = OB_BUF_INIT, enc = OB_BUF_INIT;
	ob_error err = { 0 };

	switch (sel) {
	case 0:
		if (ob_base58_decode(&dec, s, n, &err) == OB_OK) {
			ob_base58_encode(&enc, (unsigned char *)dec.data, dec.len);
			same(&enc, s, n, 0, "base58 round trip");
		}
		break;
	case 1:
		if (ob_base64url_decode(&dec, s, n, &err) == OB_OK) {
			ob_base64url_encode(&enc, (unsigned char *)dec.data, dec.len);
			same(&enc, s, n, 0, "base64url round trip");
		}
		break;
	case 2:
		if (ob_base45_decode(&dec, s, n, &err) == OB_OK) {
			ob_base45_encode(&enc, (unsigned char *)dec.data, dec.len);
			same(&enc, s, n, 0, "base45 round trip");
		}
		break;
	case 3:
		if (ob_hex_decode(&dec, s, n, &err) == OB_OK) {
			ob_hex_encode(&enc, (unsigned char *)dec.data, dec.len);
			same(&enc, s, n, 1, "hex round trip");
		}
		break;
	case 4:
		/* a C string: the decoder stops at the first NUL */
		if (ob_multibase_decode(&dec, s, &err) == OB_OK) {
			ob_multibase_encode(&enc, s[0], (unsigned char *)dec.data, dec.len);
			same(&enc, s, strlen(s), 0, "multibase round trip");
		}
		break;
	case 5: {
		uint64_t v;
		unsigned char b[10];
		size_t used = ob_varint_decode((const unsigned char *)s, n, &v);

		if (used) {
			FUZZ_ASSERT(used <= n, "varint read past its input");
			FUZZ_ASSERT(ob_varint_encode(v, b) == used && !memcmp(b, s, used),
				    "varint round trip");
		}
		break;
	}
	}
	ob_buf_release(&dec);
	ob_buf_release(&enc);
}

static void identifier(const char *prefix, const char *s, size_t n)
{
	size_t pl = strlen(prefix);
	char *url = malloc(pl + n + 1);
	ob_vm vm;
	ob_error err = { 0 }, e2 = { 0 };
	ob_buf b = OB_BUF_INIT;

	if (!url)
		return;
	memcpy(url, prefix, pl);
	memcpy(url + pl, s, n);
	url[pl + n] = '\0';
	if (ob_did_resolve(url, "assertionMethod", NULL, &vm, &err) == OB_OK) {
		ob_buf mk = OB_BUF_INIT;
		ob_error e3 = { 0 };

		FUZZ_ASSERT(vm.key && vm.id && vm.controller, "resolved method lacks key, id or controller");
		(void)ob_vm_bound_to(&vm, vm.controller);
		ob_key_multikey(vm.key, &mk, &e3);
		ob_buf_release(&mk);
		ob_vm_release(&vm);
	}
	ob_did_domain(url, &b);
	ob_buf_truncate(&b, 0);
	ob_did_web_url(url, &b, &e2);
	ob_buf_release(&b);
	free(url);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	size_t n;
	int sel;

	if (size < 1)
		return 0;
	sel = data[0] % 10;
	n = size - 1;
	if (!(s = fuzz_strndup(data + 1, n)))
		return 0;
	if (sel <= 5) {
		decoders(sel, s, n);
	} else if (sel == 6) {
		identifier("did:key:", s, n);
	} else if (sel == 7) {
		identifier("did:jwk:", s, n);
	} else if (sel == 8) {
		identifier("", s, n);
	} else {
		ob_error err = { 0 };
		ob_key *k = ob_key_from_multikey(s, &err);

		if (k) {
			ob_buf mk = OB_BUF_INIT;
			ob_error e2 = { 0 };

			/* a key that decoded encodes to the same Multikey */
			if (ob_key_multikey(k, &mk, &e2) == OB_OK)
				FUZZ_ASSERT(!strcmp(mk.data, s), "Multikey round trip");
			ob_buf_release(&mk);
			ob_key_free(k);
		}
	}
	free(s);
	return 0;
}
