/* ecdsa-sd-2023 helpers: JSON pointers and selection (sd_select.h), the
 * proofValue codec and its budgets (suite_ecdsa_sd.h). The W3C vectors
 * are run by tests/conformance/run_ecdsa_sd.c. */
#include <string.h>

#include "check.h"
#include "base/codec.h"
#include "base/json.h"
#include "base/obkit.h"
#include "proof/keys.h"
#include "proof/sd_select.h"
#include "proof/suite_ecdsa_sd.h"

static json_t *parse(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);

	CHECK(j != NULL);
	return j;
}

/* ob_sd_select of pointers over doc, compared to want (JSON text). */
static void selects(const char *doc_text, const char *const *ptrs, size_t n, const char *want)
{
	json_t *doc = parse(doc_text), *sel = NULL, *w = want ? parse(want) : NULL;
	ob_error err = { 0 };

	CHECK(ob_sd_select(doc, ptrs, n, &sel, &err) == OB_OK);
	if (!want)
		CHECK(sel == NULL);
	else if (!json_equal(sel, w)) {
		char *got = sel ? json_dumps(sel, JSON_SORT_KEYS) : NULL;

		CHECK_STR(got, want);
		free(got);
	} else
		CHECK(1);
	json_decref(doc);
	json_decref(sel);
	json_decref(w);
}

static void pointers(void)
{
	static const char doc[] =
		"{\"@context\":[\"c\"],\"id\":\"urn:a\",\"type\":\"T\",\"x\":1,"
		"\"s\":{\"id\":\"_:b0\",\"type\":[\"S\"],\"a\":[10,{\"type\":\"E\",\"v\":2,\"w\":3},30],\"n\":null},"
		"\"k\":{\"a/b\":1,\"m~n\":2}}";
	const char *p1[] = { "/s/a/2", "/s/a/0" };
	const char *p2[] = { "/s/a/1/v" };
	const char *p3[] = { "/k/a~1b", "/k/m~0n" };
	const char *p4[] = { "/x", "" };
	const char *p5[] = { "/s/n" };
	const char *p6[] = { "/s/a/1/v", "/s/a/1" };
	const char *bad[] = { "/s/nope" };
	json_t *d = parse(doc), *sel = NULL;
	ob_error err = { 0 };

	CHECK(ob_sd_pointer_check("", &err) == OB_OK);
	CHECK(ob_sd_pointer_check("/a/~0~1", &err) == OB_OK);
	CHECK(ob_sd_pointer_check("a", &err) == OB_EUSAGE);
	ob_error_clear(&err);
	CHECK(ob_sd_pointer_check("/a~2", &err) == OB_EUSAGE);
	ob_error_clear(&err);
	CHECK(ob_sd_pointer_check("/a~", &err) == OB_EUSAGE);
	ob_error_clear(&err);
	{
		char deep[200] = "";
		int i;

		for (i = 0; i < 40; i++)
			strcat(deep, "/a");
		CHECK(ob_sd_pointer_check(deep, &err) == OB_ELIMIT);
		ob_error_clear(&err);
	}
	/* nothing selected: no document */
	selects(doc, NULL, 0, NULL);
	/* array elements keep document order; blank ids are not copied */
	selects(doc, p1, 2, "{\"@context\":[\"c\"],\"id\":\"urn:a\",\"type\":\"T\","
		"\"s\":{\"type\":[\"S\"],\"a\":[10,30]}}");
	/* ids and types along the path */
	selects(doc, p2, 1, "{\"@context\":[\"c\"],\"id\":\"urn:a\",\"type\":\"T\","
		"\"s\":{\"type\":[\"S\"],\"a\":[{\"type\":\"E\",\"v\":2}]}}");
	/* escapes (RFC 6901: ~1 is /, ~0 is ~) */
	selects(doc, p3, 2, "{\"@context\":[\"c\"],\"id\":\"urn:a\",\"type\":\"T\","
		"\"k\":{\"a/b\":1,\"m~n\":2}}");
	/* "" is the whole document */
	selects(doc, p4, 2, doc);
	/* null is a value */
	selects(doc, p5, 1, "{\"@context\":[\"c\"],\"id\":\"urn:a\",\"type\":\"T\","
		"\"s\":{\"type\":[\"S\"],\"n\":null}}");
	/* an object selected after its member: the whole object */
	selects(doc, p6, 2, "{\"@context\":[\"c\"],\"id\":\"urn:a\",\"type\":\"T\","
		"\"s\":{\"type\":[\"S\"],\"a\":[{\"type\":\"E\",\"v\":2,\"w\":3}]}}");
	CHECK(ob_sd_select(d, bad, 1, &sel, &err) == OB_EINVALID && sel == NULL &&
	      strstr(err.msg, "\"/s/nope\" does not match"));
	json_decref(d);
}

static void skolem(void)
{
	json_t *d = parse("{\"@context\":{\"@vocab\":\"x:\"},\"a\":{\"b\":{\"@value\":1},\"c\":[{\"id\":\"_:q\"}]},"
			  "\"l\":{\"@list\":[{\"z\":1}]}}");
	json_t *s = ob_sd_skolemize(d, "T");
	const char *root, *a, *c, *lz;

	CHECK(s != NULL);
	root = ob_json_str(s, "id");
	a = ob_json_str(json_object_get(s, "a"), "id");
	c = ob_json_str(json_array_get(json_object_get(json_object_get(s, "a"), "c"), 0), "id");
	lz = ob_json_str(json_array_get(json_object_get(json_object_get(s, "l"), "@list"), 0), "id");
	CHECK(root && !strncmp(root, "urn:bnid:_T_", 12));
	CHECK(a && !strncmp(a, "urn:bnid:_T_", 12) && strcmp(a, root));
	CHECK_STR(c, "urn:bnid:q");
	/* value objects, lists and contexts get no id; list members do */
	CHECK(!json_object_get(json_object_get(json_object_get(s, "a"), "b"), "id"));
	CHECK(!json_object_get(json_object_get(s, "l"), "id"));
	CHECK(lz != NULL);
	CHECK(!json_object_get(json_object_get(s, "@context"), "id"));
	json_decref(s);
	json_decref(d);
}

/* "u" + base64url(bytes) */
static char *text_of(const unsigned char *p, size_t n)
{
	ob_buf b = OB_BUF_INIT;

	ob_buf_addc(&b, 'u');
	ob_base64url_encode(&b, p, n);
	return ob_buf_detach(&b, NULL);
}

static ob_code decode_bytes(const unsigned char *p, size_t n, ob_sd_value *v, ob_error *err)
{
	char *t = text_of(p, n);
	ob_code rc = ob_sd_value_decode(t, v, err);

	free(t);
	return rc;
}

static void codec(void)
{
	ob_sd_value v = { 0 }, w = { 0 };
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	unsigned char sigs[2][64];
	uint32_t ln[2] = { 5, 1 }, mi[3] = { 0, 300, 70000 };
	unsigned char lh[2][32];
	char *ptrs[1] = { "/issuer" };

	/* a derived value round trip; label keys come out ascending */
	memset(&v, 0, sizeof(v));
	v.derived = 1;
	memset(v.base_sig, 1, 64);
	v.pub[0] = 0x80;
	v.pub[1] = 0x24;
	memset(v.pub + 2, 2, 33);
	memset(sigs, 3, sizeof(sigs));
	v.sigs = sigs;
	v.nsigs = 2;
	memset(lh[0], 4, 32);
	memset(lh[1], 5, 32);
	v.label_n = ln;
	v.label_hmac = lh;
	v.nlabels = 2;
	v.mandatory = mi;
	v.nmandatory = 3;
	CHECK(ob_sd_value_encode(&v, &out, &err) == OB_OK && !strncmp(out.data, "u2V0BhVhA", 9));
	CHECK(ob_sd_value_decode(out.data, &w, &err) == OB_OK && w.derived && w.nsigs == 2 &&
	      w.nlabels == 2 && w.label_n[0] == 1 && w.label_n[1] == 5 && w.label_hmac[0][0] == 5 &&
	      w.nmandatory == 3 && w.mandatory[1] == 300 && w.mandatory[2] == 70000);
	ob_sd_value_release(&w);
	ob_buf_release(&out);
	/* a base value */
	v.derived = 0;
	memset(v.hmac_key, 6, 32);
	v.pointers = ptrs;
	v.npointers = 1;
	CHECK(ob_sd_value_encode(&v, &out, &err) == OB_OK && !strncmp(out.data, "u2V0AhVhA", 9));
	CHECK(ob_sd_value_decode(out.data, &w, &err) == OB_OK && !w.derived && w.npointers == 1 &&
	      !strcmp(w.pointers[0], "/issuer") && w.hmac_key[31] == 6);
	ob_sd_value_release(&w);
	/* trailing bytes after the CBOR */
	{
		ob_buf raw = OB_BUF_INIT;

		CHECK(ob_base64url_decode(&raw, out.data + 1, out.len - 1, &err) == OB_OK);
		ob_buf_addc(&raw, 0x00);
		CHECK(decode_bytes((unsigned char *)raw.data, raw.len, &w, &err) == OB_EINVALID);
		ob_error_clear(&err);
		/* another header */
		raw.data[2] = 0x02;
		CHECK(decode_bytes((unsigned char *)raw.data, raw.len - 1, &w, &err) == OB_EINVALID &&
		      strstr(err.msg, "header"));
		ob_error_clear(&err);
		ob_buf_release(&raw);
	}
	ob_buf_release(&out);
	{
		/* malformed CBOR after a good header (test inputs, not an encoder) */
		static const unsigned char tagged[] = { 0xd9, 0x5d, 0x01, 0xc2, 0x40 };
		static const unsigned char indef[] = { 0xd9, 0x5d, 0x01, 0x9f, 0xff };
		static const unsigned char four[] = { 0xd9, 0x5d, 0x01, 0x84, 0x00, 0x00, 0x00, 0x00 };
		unsigned char deep[3 + 40];
		size_t i;

		CHECK(decode_bytes(tagged, sizeof(tagged), &w, &err) == OB_EINVALID);
		ob_error_clear(&err);
		CHECK(decode_bytes(indef, sizeof(indef), &w, &err) == OB_EINVALID);
		ob_error_clear(&err);
		CHECK(decode_bytes(four, sizeof(four), &w, &err) == OB_EINVALID);
		ob_error_clear(&err);
		/* 40 nested one-element arrays: refused before libcbor builds them */
		memcpy(deep, tagged, 3);
		for (i = 3; i < sizeof(deep) - 1; i++)
			deep[i] = 0x81;
		deep[sizeof(deep) - 1] = 0x00;
		CHECK(decode_bytes(deep, sizeof(deep), &w, &err) == OB_EINVALID);
		ob_error_clear(&err);
	}
	/* not base64url multibase */
	CHECK(ob_sd_value_decode("z2V0B", &w, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_sd_value_decode(NULL, &w, &err) == OB_EINVALID);
	ob_error_clear(&err);
	{
		/* over the text budget */
		char *big = malloc(OB_SD_MAX_VALUE_CHARS + 2);

		memset(big, 'A', OB_SD_MAX_VALUE_CHARS + 1);
		big[0] = 'u';
		big[OB_SD_MAX_VALUE_CHARS + 1] = '\0';
		CHECK(ob_sd_value_decode(big, &w, &err) == OB_ELIMIT);
		ob_error_clear(&err);
		free(big);
	}
}

/* Lists get blank nodes toRdf makes (a list cannot have an id): a
 * disclosure of the second of two lists must still verify. */
static void lists(void)
{
	static const char doc_text[] =
		"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
		"\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
		"\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],\"issuer\":\"did:example:i\","
		"\"credentialSubject\":{\"type\":[\"AchievementSubject\"],\"achievement\":{"
		"\"id\":\"urn:a\",\"type\":[\"Achievement\"],\"name\":\"N\",\"resultDescription\":["
		"{\"id\":\"urn:r1\",\"type\":[\"ResultDescription\"],\"name\":\"R1\",\"resultType\":\"LetterGrade\","
		"\"allowedValue\":[\"A\",\"B\"]},"
		"{\"type\":[\"ResultDescription\"],\"name\":\"R2\",\"resultType\":\"LetterGrade\","
		"\"allowedValue\":[\"C\",\"D\",\"E\"]}]}}}";
	const char *mandatory[] = { "/issuer" };
	const char *sel[][1] = { { "/credentialSubject/achievement/resultDescription/1" },
				 { "/credentialSubject/achievement/resultDescription/0" },
				 { "/credentialSubject/achievement/resultDescription/1/allowedValue" } };
	json_t *doc = parse(doc_text), *proof;
	ob_error err = { 0 };
	ob_key *key = ob_key_generate(OB_KEY_P256, &err);
	size_t i;

	proof = json_pack("{s:s, s:s, s:s, s:s}", "type", "DataIntegrityProof", "cryptosuite",
			  "ecdsa-sd-2023", "verificationMethod", "did:example:i#k", "proofPurpose",
			  "assertionMethod");
	CHECK(key && ob_sd_create_base(doc, proof, key, mandatory, 1, NULL, NULL, NULL, &err) == OB_OK);
	CHECK(ob_sd_confirm_base(doc, proof, key, NULL, &err) == OB_OK);
	json_object_set(doc, "proof", proof);
	for (i = 0; i < sizeof(sel) / sizeof(sel[0]); i++) {
		json_t *d = ob_sd_derive(doc, sel[i], 1, NULL, &err), *p;

		CHECK(d != NULL);
		if (!d) {
			fprintf(stderr, "  derive %s: %s\n", sel[i][0], err.msg);
			ob_error_clear(&err);
			continue;
		}
		p = json_incref(json_object_get(d, "proof"));
		json_object_del(d, "proof");
		CHECK(ob_sd_verify_derived(d, p, key, NULL, &err) == OB_OK);
		if (err.code)
			fprintf(stderr, "  verify %s: %s\n", sel[i][0], err.msg);
		ob_error_clear(&err);
		json_decref(p);
		json_decref(d);
	}
	json_decref(proof);
	json_decref(doc);
	ob_key_free(key);
}

int main(void)
{
	ob_init();
	pointers();
	skolem();
	codec();
	lists();
	return check_done("test_sd");
}
