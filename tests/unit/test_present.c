/* test_present: presentations built from stored credentials, signed by a
 * holder key in each suite and checked with ob_verify_bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/json.h"
#include "proof/keys.h"
#include "base/obkit.h"
#include "vc/present.h"
#include "vc/verify.h"

#define NOW ((time_t)1767225600) /* 2026-01-01T00:00:00Z */

static char *read_vec(const char *rel, size_t *len)
{
	char path[4096];
	ob_error err = { 0 };
	char *text = NULL;

	snprintf(path, sizeof(path), "%s/vectors/%s", shared_dir(), rel);
	if (ob_file_read(path, 1 << 20, &text, len, &err))
		fprintf(stderr, "%s: %s\n", rel, err.msg);
	return text;
}

static int verdict(const ob_buf *vp, const char *challenge, const char *domain)
{
	ob_verify_opts vo = { 0 };
	ob_error err = { 0 };
	ob_report *r;
	int v;

	vo.now = NOW;
	vo.challenge = challenge;
	vo.domain = domain;
	if (!(r = ob_verify_bytes(vp->data, vp->len, &vo, &err)))
		return -1;
	v = (int)r->verdict;
	if (r->nnested != 2 || strcmp(r->kind, "presentation") != 0)
		v = -2;
	ob_report_free(r);
	return v;
}

int main(void)
{
	const char *suites[] = { "eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt" };
	char *jcs, *jwt, *keytext;
	size_t len[2], klen;
	const char *texts[2];
	ob_key *holder, *other;
	ob_buf did = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *vp;
	size_t i;

	ob_init();
	jcs = read_vec("signed/03-ob3-v2-eddsa-jcs-2022.json", &len[0]);
	jwt = read_vec("signed/04-ob3-v2-vc-jwt-eddsa.jwt", &len[1]);
	keytext = read_vec("keys/holder-ed25519.json", &klen);
	CHECK(jcs && jwt && keytext);
	if (!jcs || !jwt || !keytext)
		return check_done("test_present");
	texts[0] = jcs;
	texts[1] = jwt;
	holder = ob_key_parse(keytext, klen, &err);
	other = ob_key_generate(OB_KEY_ED25519, &err);
	CHECK(holder && other);
	CHECK(ob_key_did(holder, &did, NULL, &err) == OB_OK);

	vp = ob_present_build(did.data, texts, len, 2, &err);
	CHECK(vp != NULL);
	CHECK_STR(ob_json_str(vp, "holder"), did.data);
	CHECK(json_array_size(json_object_get(vp, "verifiableCredential")) == 2);
	CHECK_STR(ob_json_str(json_array_get(json_object_get(vp, "verifiableCredential"), 1), "type"),
		  "EnvelopedVerifiableCredential");
	CHECK(!strncmp(ob_json_str(json_array_get(json_object_get(vp, "verifiableCredential"), 1), "id"),
		       "data:application/vc+jwt,eyJ", 27));
	json_decref(vp);
	{
		const char *junk[1] = { "hello" };
		size_t jl[1] = { 5 };
		ob_error_clear(&err);
		CHECK(ob_present_build(did.data, junk, jl, 1, &err) == NULL && err.code == OB_EPARSE);
	}

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		ob_present_opts po = { suites[i], "c-123", "hiring.example.com", NULL };
		ob_buf out = OB_BUF_INIT, forged = OB_BUF_INIT;

		ob_error_clear(&err);
		vp = ob_present_build(did.data, texts, len, 2, &err);
		CHECK(vp && ob_present_sign(vp, holder, &po, &out, &err) == OB_OK);
		json_decref(vp);
		CHECK(verdict(&out, "c-123", "hiring.example.com") == OB_VALID);
		CHECK(verdict(&out, "c-124", "hiring.example.com") == OB_INVALID);
		CHECK(verdict(&out, "c-123", "evil.example.com") == OB_INVALID);
		/* another key for the same holder */
		vp = ob_present_build(did.data, texts, len, 2, &err);
		CHECK(vp && ob_present_sign(vp, other, &po, &forged, &err) == OB_OK);
		json_decref(vp);
		CHECK(verdict(&forged, "c-123", "hiring.example.com") == OB_INVALID);
		ob_buf_release(&out);
		ob_buf_release(&forged);
	}
	{
		ob_present_opts po = { "eddsa-jcs-2022", NULL, NULL, NULL };
		ob_buf out = OB_BUF_INIT;
		vp = ob_present_build(did.data, texts, len, 2, &err);
		ob_error_clear(&err);
		CHECK(ob_present_sign(vp, holder, &po, &out, &err) == OB_EUSAGE);
		json_decref(vp);
		ob_buf_release(&out);
	}
	ob_key_free(holder);
	ob_key_free(other);
	ob_buf_release(&did);
	free(jcs);
	free(jwt);
	free(keytext);
	return check_done("test_present");
}
