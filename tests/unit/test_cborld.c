/* test_cborld: io/cborld.h (compressed CBOR-LD) against the bytes
 * @digitalcredentials/cborld 4.3.4 itself wrote (tests/data/cborld, which
 * tests/cli/vp1_interop.sh re-derives with the live package), what it
 * refuses, and io/vp1.h's compressed payloads.
 *
 * With arguments it is also the tool vp1_interop.sh uses to reach
 * obkit's encoder from a script:
 *   test_cborld vp1 FILE.json   prints ob_vp1_encode_compressed's payload
 *   test_cborld hex FILE.json   prints ob_cborld_encode's bytes in hex */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/json.h"
#include "canon/contexts.h"
#include "canon/jcs.h"
#include "io/cborld.h"
#include "io/vp1.h"

static char *slurp(const char *path, size_t *len)
{
	ob_error err = { 0 };
	char *t = NULL;

	if (ob_file_read(path, 1 << 20, &t, len, &err))
		return NULL;
	while (*len && (t[*len - 1] == '\n' || t[*len - 1] == ' '))
		t[--*len] = 0;
	return t;
}

/* 1 when a and b have one JCS form */
static int same_json(const json_t *a, const json_t *b)
{
	ob_buf x = OB_BUF_INIT, y = OB_BUF_INIT;
	ob_error err = { 0 };
	int same = a && b && !ob_jcs_canonicalize(a, &x, &err) && !ob_jcs_canonicalize(b, &y, &err) && x.len == y.len &&
		   !memcmp(x.data, y.data, x.len);

	ob_buf_release(&x);
	ob_buf_release(&y);
	return same;
}

/* Decodes hex (the tag d9 05 01 first); the code, *out set on success. */
static ob_code dec(ob_loader *l, const char *hex, json_t **out, ob_error *err)
{
	ob_buf raw = OB_BUF_INIT;

	*out = NULL;
	ob_error_clear(err);
	if (!ob_hex_decode(&raw, hex, strlen(hex), err))
		*out = ob_cborld_decode((const unsigned char *)raw.data + 3, raw.len - 3, l, err);
	ob_buf_release(&raw);
	return err->code;
}

static ob_code enc_text(ob_loader *l, const char *json, ob_buf *hex, ob_error *err)
{
	json_t *j;
	ob_buf out = OB_BUF_INIT;

	ob_error_clear(err);
	if (!(j = ob_json_parse(json, strlen(json), err)))
		return err->code;
	if (!ob_cborld_encode(j, l, &out, err))
		ob_hex_encode(hex, (unsigned char *)out.data, out.len);
	ob_buf_release(&out);
	json_decref(j);
	return err->code;
}

static void fixture(ob_loader *l, const char *name)
{
	char path[256];
	size_t jl = 0, hl = 0;
	char *text, *hex;
	json_t *doc = NULL, *back = NULL;
	ob_buf mine = OB_BUF_INIT;
	ob_error err = { 0 };

	snprintf(path, sizeof(path), "tests/data/cborld/%s.json", name);
	text = slurp(path, &jl);
	snprintf(path, sizeof(path), "tests/data/cborld/%s.hex", name);
	hex = slurp(path, &hl);
	CHECK(text && hex);
	if (!text || !hex)
		goto out;
	CHECK(enc_text(l, text, &mine, &err) == OB_OK);
	if (!mine.data || strcmp(mine.data, hex))
		fprintf(stderr, "%s: obkit's bytes differ from cborld's\n", name);
	CHECK_STR(mine.data, hex); /* byte for byte what cborld 4.3.4 wrote */
	doc = ob_json_parse(text, jl, &err);
	CHECK(dec(l, hex, &back, &err) == OB_OK);
	CHECK(same_json(doc, back)); /* cborld's bytes decode to the document */
out:
	json_decref(doc);
	json_decref(back);
	ob_buf_release(&mine);
	free(text);
	free(hex);
}

/* decodes hex: wants code, and (when want_json) that JSON */
static void dec_case(ob_loader *l, const char *hex, ob_code code, const char *want_json)
{
	ob_error err = { 0 };
	json_t *j = NULL, *w = want_json ? json_loads(want_json, 0, NULL) : NULL;
	ob_code got = dec(l, hex, &j, &err);

	if (got != code)
		fprintf(stderr, "decode %s: code %d (%s), want %d\n", hex, got, err.msg, code);
	CHECK(got == code);
	if (want_json)
		CHECK(same_json(j, w));
	CHECK(code == OB_OK ? j != NULL : j == NULL);
	json_decref(j);
	json_decref(w);
}

static void refusals(ob_loader *l)
{
	ob_buf deep = OB_BUF_INIT, big = OB_BUF_INIT;
	int i;

	dec_case(l, "d90501a0", OB_OK, "{}");
	dec_case(l, "d90501a10011", OB_OK, "{\"@context\":\"https://www.w3.org/2018/credentials/v1\"}");
	/* @id [2, "example.org/x"]: https:// */
	dec_case(l, "d90501a200110482026d6578616d706c652e6f72672f78", OB_OK,
		 "{\"@context\":\"https://www.w3.org/2018/credentials/v1\",\"@id\":\"https://example.org/x\"}");
	dec_case(l, "d90501a2", OB_EPARSE, NULL);                 /* cut short */
	dec_case(l, "d90501a10011ff", OB_EPARSE, NULL);           /* trailing bytes */
	dec_case(l, "d90501a100c111", OB_EPARSE, NULL);           /* a tag */
	dec_case(l, "d90501a100f93c00", OB_EPARSE, NULL);         /* a float as @context */
	dec_case(l, "d90501a1047f6161ff", OB_EPARSE, NULL);       /* an indefinite string */
	dec_case(l, "d90501a104f97e00", OB_EPARSE, NULL);         /* NaN */
	dec_case(l, "d90501a104f94000", OB_EPARSE, NULL);         /* 2.0 as a float: cborg writes 2 */
	dec_case(l, "d90501a104f93e00", OB_OK, "{\"@id\":1.5}"); /* @id 1.5 stays as it is, as in cborld */
	dec_case(l, "d90501bf0011ff", OB_EPARSE, NULL);           /* indefinite map */
	dec_case(l, "d9050181a0", OB_EPARSE, NULL);               /* several documents */
	dec_case(l, "d90501a10001", OB_EIO, NULL);                /* unregistered context id */
	/* a context URL obkit does not ship */
	dec_case(l, "d90501a1007568747470733a2f2f6578616d706c652e6f72672f63", OB_ENET, NULL);
	dec_case(l, "d90501a200111903e801", OB_EPARSE, NULL);     /* unknown term id */
	dec_case(l, "d90501a2001163666f6f01", OB_EPARSE, NULL);   /* a text key */
	dec_case(l, "d90501a3001102614103816142", OB_EPARSE, NULL); /* @type singular and plural */
	dec_case(l, "d90501a20011036141", OB_EPARSE, NULL);       /* plural @type, not an array */
	dec_case(l, "d90501a104f6", OB_EPARSE, NULL);             /* @id null */
	dec_case(l, "d90501a200110c01", OB_EPARSE, NULL);         /* keyword @included */
	dec_case(l, "d90501a2001104820350" "11111111111111111111111111111111", OB_EPARSE, NULL); /* not a UUID */
	dec_case(l, "d90501a2001104a0", OB_EPARSE, NULL);         /* @id a map */
	/* an inline context key with a NUL (the fuzzer's find: it was cut at the NUL) */
	dec_case(l, "d90501a100a16373006e6161", OB_EPARSE, NULL);
	dec_case(l, "d90501a100a163736e6e6161", OB_OK, "{\"@context\":{\"snn\":\"a\"}}");
	/* a did:key of 2,000 bytes: over the base58 budget */
	ob_buf_adds(&big, "d90501a20011048219040159" "07d0");
	for (i = 0; i < 2000; i++)
		ob_buf_adds(&big, "01");
	dec_case(l, big.data, OB_ELIMIT, NULL);
	/* maps nested 150 deep: refused before any tree is built */
	ob_buf_adds(&deep, "d90501");
	for (i = 0; i < 150; i++)
		ob_buf_adds(&deep, "a1190400");
	ob_buf_adds(&deep, "a0");
	dec_case(l, deep.data, OB_EPARSE, NULL);
	ob_buf_release(&deep);
	ob_buf_release(&big);
}

static void encoder(ob_loader *l)
{
	ob_buf hex = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *j = NULL, *back = NULL;
	const char *old = "{\"@context\":\"https://www.w3.org/2018/credentials/v1\",\"type\":\"VerifiableCredential\","
			  "\"issuanceDate\":\"1960-01-01T00:00:00Z\",\"expirationDate\":\"2030-01-01T00:00:00.000Z\"}";

	CHECK(enc_text(l, "{\"@context\":\"https://www.w3.org/2018/credentials/v1\",\"shoe\":1}", &hex, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "\"shoe\" is not defined") != NULL);
	CHECK(enc_text(l, "{\"@context\":[{\"n\":\"https://example.org/n\"}],\"n\":1.5}", &hex, &err) == OB_OK);
	CHECK(hex.data && strstr(hex.data, "f93e00") != NULL); /* 1.5 as a half float, as cborg */
	ob_buf_release(&hex);
	CHECK(enc_text(l, "{\"@context\":\"https://www.w3.org/2018/credentials/v1\",\"id\":\"did:key:z6Mk#a#b\"}", &hex,
		       &err) == OB_EPARSE);
	CHECK(enc_text(l, "{\"@context\":\"https://www.w3.org/2018/credentials/v1\",\"id\":\"urn:uuid:not-one\"}", &hex,
		       &err) == OB_EPARSE);
	CHECK(enc_text(l, "{\"@context\":\"https://example.org/unshipped\"}", &hex, &err) == OB_ENET);
	/* before 1970 a date stays text (cborld 4.3.4 would write an empty
	 * array for its negative seconds); ms precision as [seconds, ms] */
	ob_buf_release(&hex);
	CHECK(enc_text(l, old, &hex, &err) == OB_OK);
	CHECK(hex.data && strstr(hex.data, "74313936302d30312d30315430303a30303a30305a") != NULL);
	CHECK(hex.data && strstr(hex.data, "821a70dbd88000") != NULL);
	CHECK(dec(l, hex.data ? hex.data : "", &back, &err) == OB_OK);
	j = json_loads(old, 0, NULL);
	CHECK(same_json(j, back));
	json_decref(j);
	json_decref(back);
	ob_buf_release(&hex);
}

/* cborld 4.3.4 cannot decode what it writes for this document (found by
 * the fuzzer); obkit writes the same bytes and refuses them the same way,
 * and ob_vp1_encode_compressed falls back to the uncompressed form. */
static void upstream_asymmetry(ob_loader *l)
{
	const char *doc = "{\"@context\":[\"https://www.w3.org/2018/credentials/v1\","
			  "\"https://w3id.org/security/suites/ed25519-2020/v1\"],\"proof\":{\"type\":"
			  "\"Ed25519Signature2020\",\"verificationMethod\":\"did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT"
			  "#z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT\"},\"type\":[\"VerifiableCredential\","
			  "\"credentialSchema\"]}";
	/* what cborld 4.3.4 encode() gives (its decode() then fails: "Unknown
	 * term ID '170'") */
	const char *cborld = "d90501a3018211141872a21874187618aa831904015822ed01ec2d62a936f636ae059ba0471edeb79f416c35ad"
			     "3781294991677f8126f86d785822ed01ec2d62a936f636ae059ba0471edeb79f416c35ad3781294991677f8126f86d"
			     "78187582186c187c";
	ob_buf hex = OB_BUF_INIT, comp = OB_BUF_INIT, plain = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *j = NULL;

	CHECK(enc_text(l, doc, &hex, &err) == OB_OK);
	CHECK_STR(hex.data, cborld);
	CHECK(dec(l, cborld, &j, &err) == OB_EPARSE && strstr(err.msg, "unknown term id 170"));
	json_decref(j);
	ob_error_clear(&err);
	CHECK(ob_vp1_encode_compressed(doc, strlen(doc), &comp, &err) == OB_OK);
	CHECK(ob_vp1_encode(doc, strlen(doc), &plain, &err) == OB_OK);
	CHECK_STR(comp.data, plain.data);
	ob_buf_release(&hex);
	ob_buf_release(&comp);
	ob_buf_release(&plain);
}

static void vp1(void)
{
	size_t len = 0;
	char *text = slurp("tests/data/cborld/wallet-vp.json", &len);
	ob_buf comp = OB_BUF_INIT, plain = OB_BUF_INIT, back = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *a = NULL, *b = NULL;
	const char *odd = "{\"@context\":\"https://www.w3.org/2018/credentials/v1\",\"shoe\":\"x\"}";

	CHECK(text != NULL);
	if (!text)
		return;
	CHECK(ob_vp1_encode_compressed(text, len, &comp, &err) == OB_OK);
	CHECK(ob_vp1_encode(text, len, &plain, &err) == OB_OK);
	/* base32 of d9 05 01: "3ECQ", then C or D (of d9 05 00: A or B) */
	CHECK(comp.data && !strncmp(comp.data, "VP1-B3ECQ", 9) && (comp.data[9] == 'C' || comp.data[9] == 'D'));
	CHECK(comp.len < plain.len);
	CHECK(comp.data && ob_vp1_decode(comp.data, comp.len, &back, &err) == OB_OK);
	a = ob_json_parse(text, len, &err);
	b = back.data ? json_loads(back.data, 0, NULL) : NULL;
	CHECK(same_json(a, b));
	/* a document that does not compress: the uncompressed form */
	ob_buf_release(&comp);
	ob_buf_release(&plain);
	ob_error_clear(&err);
	CHECK(ob_vp1_encode_compressed(odd, strlen(odd), &comp, &err) == OB_OK);
	CHECK(ob_vp1_encode(odd, strlen(odd), &plain, &err) == OB_OK);
	CHECK_STR(comp.data, plain.data);
	/* an unregistered context id: could not check */
	ob_buf_release(&back);
	ob_error_clear(&err);
	CHECK(ob_vp1_decode("VP1-B3ECQDIIAAE", 15, &back, &err) == OB_ENET);
	CHECK(strstr(err.msg, "compressed CBOR-LD") != NULL);
	json_decref(a);
	json_decref(b);
	ob_buf_release(&comp);
	ob_buf_release(&plain);
	ob_buf_release(&back);
	free(text);
}

static int tool(const char *mode, const char *path)
{
	size_t len = 0;
	char *text = slurp(path, &len);
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_loader *l = ob_contexts_loader_new();
	int rc = 1;

	if (text && l && !strcmp(mode, "vp1"))
		rc = ob_vp1_encode_compressed(text, len, &out, &err) != OB_OK;
	else if (text && l && !strcmp(mode, "hex"))
		rc = enc_text(l, text, &out, &err) != OB_OK;
	if (rc)
		fprintf(stderr, "test_cborld: %s\n", err.msg[0] ? err.msg : "usage: test_cborld vp1|hex FILE.json");
	else
		printf("%s\n", out.data);
	ob_buf_release(&out);
	ob_loader_free(l);
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	static const char *const fixtures[] = {
		"codecs", "numbers", "ob3-v1-ed25519-2020", "ob3-v2", "status-list", "vp-v1", "vp-v2", "wallet-vp",
	};
	ob_loader *l;
	size_t i;

	if (argc == 3)
		return tool(argv[1], argv[2]);
	l = ob_contexts_loader_new();
	CHECK(l != NULL);
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		fixture(l, fixtures[i]);
	refusals(l);
	encoder(l);
	upstream_asymmetry(l);
	vp1();
	ob_loader_free(l);
	return check_done("test_cborld");
}
