/* test_clr: building, signing and verifying CLR 2.0 records from the
 * reference-signed vectors; tampering with one nested credential. */
#include <jansson.h>

#include "check.h"
#include "vc/clr.h"
#include "base/dates.h"
#include "vc/issue.h"
#include "base/json.h"
#include "proof/keys.h"
#include "base/obkit.h"
#include "vc/verify.h"

static char path[4096];

static const char *vec(const char *name)
{
	snprintf(path, sizeof(path), "%s/vectors/%s", shared_dir(), name);
	return path;
}

static json_t *load_json(const char *name)
{
	ob_error err = { 0 };
	json_t *j = ob_json_load_file(vec(name), &err);

	if (!j)
		fprintf(stderr, "%s: %s\n", name, err.msg);
	return j;
}

static json_t *load_jwt(const char *name)
{
	ob_error err = { 0 };
	char *text = NULL;
	size_t len = 0;
	json_t *s;

	if (ob_file_read(vec(name), 1 << 20, &text, &len, &err))
		return NULL;
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	s = json_stringn(text, len);
	free(text);
	return s;
}

static time_t eval_time(void)
{
	time_t t = 0;

	ob_date_parse("2026-01-01T00:00:00Z", &t, NULL);
	return t;
}

/* Signs clr with the vectors' issuer key in suite, verifies it, returns the report. */
static ob_report *sign_and_verify(json_t *clr, const ob_key *key, const char *suite)
{
	ob_sign_opts so = { 0 };
	ob_verify_opts vo = { 0 };
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_report *r;

	so.suite = suite;
	so.created = "2025-07-01T00:00:00Z";
	if (ob_issue_sign(clr, key, &so, &out, &err)) {
		fprintf(stderr, "sign %s: %s\n", suite, err.msg);
		ob_buf_release(&out);
		return NULL;
	}
	vo.now = eval_time();
	r = ob_verify_bytes(out.data, out.len, &vo, &err);
	ob_buf_release(&out);
	return r;
}

static json_t *profile_for(const ob_key *key)
{
	ob_buf did = OB_BUF_INIT, vm = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *p = NULL;

	if (!ob_key_did(key, &did, &vm, &err))
		p = json_pack("{s:s, s:s, s:s}", "id", did.data, "type", "Profile", "name", "Registrar of Example College");
	ob_buf_release(&did);
	ob_buf_release(&vm);
	return p;
}

static void test_round_trip(void)
{
	ob_error err = { 0 };
	ob_key *key = ob_key_load(vec("keys/issuer-ed25519.json"), &err);
	json_t *c1 = load_json("signed/01-ob3-v2-eddsa-rdfc-2022.json");
	json_t *c3 = load_json("signed/03-ob3-v2-eddsa-jcs-2022.json");
	json_t *c4 = load_jwt("signed/04-ob3-v2-vc-jwt-eddsa.jwt");
	json_t *profile = key ? profile_for(key) : NULL, *clr, *bad, *subj;
	const json_t *creds[3];
	ob_clr_opts co = { 0 };
	ob_report *r;
	static const char *const suites[] = { "eddsa-rdfc-2022", "eddsa-jcs-2022" };
	size_t i;

	CHECK(key && c1 && c3 && c4 && profile);
	if (!key || !c1 || !c3 || !c4 || !profile)
		goto out;
	creds[0] = c1;
	creds[1] = c3;
	creds[2] = c4;
	co.recipient = "did:example:learner";
	co.learner = "Ada Learner";
	co.valid_from = "2025-07-01T00:00:00Z";

	for (i = 0; i < 2; i++) {
		clr = ob_clr_build(profile, creds, 3, &co, &err);
		CHECK(clr != NULL);
		if (!clr)
			continue;
		CHECK(ob_clr_is_clr(clr));
		CHECK(ob_clr_check_required(clr, &err) == OB_OK);
		subj = json_object_get(clr, "credentialSubject");
		CHECK_STR(ob_json_str(subj, "id"), "did:example:learner");
		CHECK(json_array_size(json_object_get(subj, "verifiableCredential")) == 3);
		/* the JWT travels enveloped */
		CHECK_STR(ob_json_str(json_array_get(json_object_get(subj, "verifiableCredential"), 2), "type"),
			  "EnvelopedVerifiableCredential");
		r = sign_and_verify(clr, key, suites[i]);
		CHECK(r && r->verdict == OB_VALID);
		CHECK(r && !strcmp(r->kind, "clr"));
		CHECK(r && r->nnested == 3);
		if (r && r->verdict != OB_VALID) {
			ob_buf t = OB_BUF_INIT;
			ob_report_render_text(r, &t);
			fprintf(stderr, "%s\n", t.data);
			ob_buf_release(&t);
		}
		ob_report_free(r);
		json_decref(clr);
	}

	/* one nested credential changed after its issuer signed it, the CLR
	 * then signed over it: the outer proof holds, the record does not */
	bad = json_deep_copy(c3);
	json_object_set_new(bad, "name", json_string("Tampered Badge"));
	creds[1] = bad;
	clr = ob_clr_build(profile, creds, 3, &co, &err);
	CHECK(clr != NULL);
	r = clr ? sign_and_verify(clr, key, "eddsa-rdfc-2022") : NULL;
	CHECK(r && r->verdict == OB_INVALID);
	CHECK(r && r->nnested == 3 && r->nested[0]->verdict == OB_VALID &&
	      r->nested[1]->verdict == OB_INVALID && r->nested[2]->verdict == OB_VALID);
	ob_report_free(r);
	json_decref(clr);
	json_decref(bad);
	creds[1] = c3;

	/* tampered after the CLR was signed: the outer proof fails */
	clr = ob_clr_build(profile, creds, 3, &co, &err);
	if (clr) {
		ob_sign_opts so = { 0 };
		ob_verify_opts vo = { 0 };
		ob_buf out = OB_BUF_INIT;
		json_t *vc;

		so.created = "2025-07-01T00:00:00Z";
		CHECK(ob_issue_sign(clr, key, &so, &out, &err) == OB_OK);
		vc = json_array_get(json_object_get(json_object_get(clr, "credentialSubject"),
						    "verifiableCredential"), 0);
		json_object_set_new(vc, "validFrom", json_string("2001-01-01T00:00:00Z"));
		vo.now = eval_time();
		r = ob_verify_json(clr, &vo, &err);
		CHECK(r && r->verdict == OB_INVALID);
		ob_report_free(r);
		ob_buf_release(&out);
		json_decref(clr);
	}

	/* an e-mail learner is a salted hash, never the address */
	co.recipient = "Ada@Example.org";
	clr = ob_clr_build(profile, creds, 1, &co, &err);
	CHECK(clr != NULL);
	if (clr) {
		subj = json_object_get(clr, "credentialSubject");
		CHECK(json_object_get(subj, "id") == NULL);
		CHECK_STR(ob_json_str(json_array_get(json_object_get(subj, "identifier"), 0), "identityType"),
			  "emailAddress");
		{
			char *dump = json_dumps(subj, 0);
			CHECK(dump && !strcasestr(dump, "ada@example.org"));
			free(dump);
		}
		json_decref(clr);
	}
	/* no credential: refused */
	CHECK(ob_clr_build(profile, creds, 0, &co, &err) == NULL && err.code == OB_EUSAGE);
out:
	json_decref(c1);
	json_decref(c3);
	json_decref(c4);
	json_decref(profile);
	ob_key_free(key);
}

static void expect_shape(const char *json, const char *msg)
{
	ob_error err = { 0 }, perr = { 0 };
	json_t *j = ob_json_parse(json, strlen(json), &perr);

	CHECK(j != NULL);
	CHECK(ob_clr_check_required(j, &err) == OB_EINVALID);
	CHECK(strstr(err.msg, msg) != NULL);
	if (!strstr(err.msg, msg))
		fprintf(stderr, "  got '%s', want '%s'\n", err.msg, msg);
	json_decref(j);
}

static void test_shape(void)
{
	expect_shape("{\"type\":[\"VerifiableCredential\",\"ClrCredential\"],\"name\":\"x\","
		     "\"credentialSubject\":{\"type\":\"ClrSubject\",\"id\":\"did:x:1\",\"verifiableCredential\":[{}]}}",
		     "field id");
	expect_shape("{\"id\":\"urn:x\",\"credentialSubject\":{\"type\":\"ClrSubject\",\"id\":\"did:x:1\","
		     "\"verifiableCredential\":[{}]}}", "field name");
	expect_shape("{\"id\":\"urn:x\",\"name\":\"x\",\"credentialSubject\":{\"type\":\"AchievementSubject\","
		     "\"id\":\"did:x:1\",\"verifiableCredential\":[{}]}}", "ClrSubject");
	expect_shape("{\"id\":\"urn:x\",\"name\":\"x\",\"credentialSubject\":{\"type\":\"ClrSubject\","
		     "\"verifiableCredential\":[{}]}}", "id or an identifier");
	expect_shape("{\"id\":\"urn:x\",\"name\":\"x\",\"credentialSubject\":{\"type\":\"ClrSubject\","
		     "\"id\":\"did:x:1\",\"verifiableCredential\":[]}}", "verifiableCredential");
	expect_shape("{\"id\":\"urn:x\",\"name\":\"x\",\"credentialSubject\":{\"type\":\"ClrSubject\","
		     "\"id\":\"did:x:1\",\"verifiableCredential\":[{}],\"association\":[{\"type\":\"Association\","
		     "\"sourceId\":\"urn:a\",\"targetId\":\"urn:b\",\"associationType\":\"isCousinOf\"}]}}",
		     "unknown associationType");
	expect_shape("{\"id\":\"urn:x\",\"name\":\"x\",\"credentialSubject\":{\"type\":\"ClrSubject\","
		     "\"id\":\"did:x:1\",\"verifiableCredential\":[{}],\"association\":[{\"type\":\"Association\","
		     "\"sourceId\":\"urn:a\",\"associationType\":\"isPartOf\"}]}}", "sourceId and targetId");
}

int main(void)
{
	ob_init();
	test_round_trip();
	test_shape();
	return check_done("test_clr");
}
