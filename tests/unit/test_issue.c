/* test_issue: ob_issue_sign's schema form (issue 14 item 9): proof as an
 * array of one and a single credentialStatus entry as an object, with the
 * signatures unchanged; achievement types the OB 3.0 JSON Schema takes. */
#include <jansson.h>

#include "check.h"
#include "base/dates.h"
#include "base/json.h"
#include "base/obkit.h"
#include "proof/keys.h"
#include "vc/issue.h"
#include "vc/verify.h"

static char path[4096];

static const char *vec(const char *name)
{
	snprintf(path, sizeof(path), "%s/vectors/%s", shared_dir(), name);
	return path;
}

static json_t *unsigned_doc(void)
{
	ob_error err = { 0 };
	json_t *j = ob_json_load_file(vec("unsigned/ob3-v2.json"), &err);

	if (!j)
		fprintf(stderr, "unsigned/ob3-v2.json: %s\n", err.msg);
	return j;
}

/* Signs a copy of doc; returns the signed document (NULL on failure, the
 * error in *err) and the output text in out. */
static json_t *sign(const json_t *doc, const ob_key *key, const char *suite, int schema_form,
		    ob_buf *out, ob_error *err)
{
	ob_sign_opts so = { .suite = suite, .created = "2026-01-01T00:00:00Z", .schema_form = schema_form };
	json_t *d = json_deep_copy(doc);

	if (ob_issue_sign(d, key, &so, out, err)) {
		json_decref(d);
		return NULL;
	}
	return d;
}

static int verifies(const ob_buf *text)
{
	ob_verify_opts vo = { 0 };
	ob_error err = { 0 };
	ob_report *r;
	int ok;

	ob_date_parse("2026-06-01T00:00:00Z", &vo.now, NULL);
	r = ob_verify_bytes(text->data, text->len, &vo, &err);
	ok = r && ob_report_exit_code(r) == 0;
	ob_report_free(r);
	return ok;
}

static void test_types(void)
{
	CHECK(ob_issue_achievement_type_ok("Badge"));
	CHECK(ob_issue_achievement_type_ok("Achievement"));
	CHECK(ob_issue_achievement_type_ok("Certificate"));
	CHECK(ob_issue_achievement_type_ok("SecondarySchoolDiploma"));
	CHECK(ob_issue_achievement_type_ok("ext:ShopSteward"));
	CHECK(ob_issue_achievement_type_ok("ext:a-b.c_d9"));
	CHECK(!ob_issue_achievement_type_ok(NULL));
	CHECK(!ob_issue_achievement_type_ok(""));
	CHECK(!ob_issue_achievement_type_ok("Foo"));
	CHECK(!ob_issue_achievement_type_ok("badge"));
	CHECK(!ob_issue_achievement_type_ok("Badge "));
	CHECK(!ob_issue_achievement_type_ok("ext:"));
	CHECK(!ob_issue_achievement_type_ok("ext:-x"));
	CHECK(!ob_issue_achievement_type_ok("ext:a b"));
	CHECK(!ob_issue_achievement_type_ok("ext:a/b"));
	CHECK(!ob_issue_achievement_type_ok("Fooext:x"));
	CHECK(!ob_issue_achievement_type_ok("EXT:x"));
}

/* In each embedded suite: proof is an array of one, whose proof equals the
 * object signed the old way (Ed25519 is deterministic), and it verifies. */
static void test_proof_array(const json_t *doc, const ob_key *key)
{
	static const char *const suites[] = { "eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020" };
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(*suites); i++) {
		ob_buf a = OB_BUF_INIT, b = OB_BUF_INIT;
		ob_error err = { 0 };
		json_t *plain = sign(doc, key, suites[i], 0, &a, &err);
		json_t *form = sign(doc, key, suites[i], 1, &b, &err);
		const json_t *p = json_object_get(form, "proof");

		CHECK(plain && form);
		CHECK(json_is_object(json_object_get(plain, "proof")));
		CHECK(json_is_array(p) && json_array_size(p) == 1);
		CHECK(json_equal(json_array_get(p, 0), json_object_get(plain, "proof")));
		CHECK(verifies(&b));
		if (form)
			json_object_del(form, "proof");
		if (plain)
			json_object_del(plain, "proof");
		CHECK(json_equal(form, plain));
		json_decref(plain);
		json_decref(form);
		ob_buf_release(&a);
		ob_buf_release(&b);
	}
}

static json_t *status_entry(const char *purpose)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", "https://x.example/status/1.json#7",
			 "type", "BitstringStatusListEntry", "statusPurpose", purpose,
			 "statusListIndex", "7", "statusListCredential", "https://x.example/status/1.json");
}

static void test_status(const json_t *doc, const ob_key *key)
{
	json_t *one = json_deep_copy(doc), *two = json_deep_copy(doc), *s;
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };

	json_object_set_new(one, "credentialStatus", json_pack("[o]", status_entry("revocation")));
	json_object_set_new(two, "credentialStatus",
			    json_pack("[o, o]", status_entry("revocation"), status_entry("suspension")));
	/* one entry: an object, in every suite (a VC-JWT's payload too) */
	s = sign(one, key, "eddsa-rdfc-2022", 1, &out, &err);
	CHECK(s && json_is_object(json_object_get(s, "credentialStatus")));
	CHECK_STR(ob_json_str(json_object_get(s, "credentialStatus"), "statusPurpose"), "revocation");
	json_decref(s);
	ob_buf_truncate(&out, 0);
	s = sign(one, key, "vc-jwt", 1, &out, &err);
	CHECK(s && json_is_object(json_object_get(s, "credentialStatus")));
	CHECK(s && !json_object_get(s, "proof"));
	json_decref(s);
	ob_buf_truncate(&out, 0);
	/* without the schema form the document is signed as given */
	s = sign(one, key, "eddsa-rdfc-2022", 0, &out, &err);
	CHECK(s && json_is_array(json_object_get(s, "credentialStatus")));
	json_decref(s);
	ob_buf_truncate(&out, 0);
	/* two entries have no schema form: both kept, in order */
	s = sign(two, key, "eddsa-jcs-2022", 1, &out, &err);
	CHECK(s && json_array_size(json_object_get(s, "credentialStatus")) == 2);
	CHECK_STR(ob_json_str(json_array_get(json_object_get(s, "credentialStatus"), 1), "statusPurpose"),
		  "suspension");
	json_decref(s);
	ob_buf_release(&out);
	json_decref(one);
	json_decref(two);
}

static void test_refusals(const json_t *doc, const ob_key *key)
{
	json_t *d = json_deep_copy(doc), *s;
	ob_sign_opts so = { .suite = "eddsa-rdfc-2022", .schema_form = 1 };
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };

	/* an achievementType the schema rejects: refused, the document untouched */
	json_object_set_new(json_object_get(json_object_get(d, "credentialSubject"), "achievement"),
			    "achievementType", json_string("Foo"));
	s = json_deep_copy(d);
	CHECK(ob_issue_sign(d, key, &so, &out, &err) == OB_EINVALID);
	CHECK(strstr(err.msg, "achievementType 'Foo'") != NULL);
	CHECK(json_equal(d, s));
	CHECK(out.len == 0);
	json_decref(s);
	/* ... but signed as given without the schema form (ob-issuer sign) */
	so.schema_form = 0;
	memset(&err, 0, sizeof(err));
	CHECK(ob_issue_sign(d, key, &so, &out, &err) == OB_OK);
	json_decref(d);
	ob_buf_release(&out);
	/* a failed signature leaves no empty proof array behind */
	d = json_deep_copy(doc);
	so.schema_form = 1;
	so.created = "yesterday";
	memset(&err, 0, sizeof(err));
	CHECK(ob_issue_sign(d, key, &so, &out, &err) == OB_EUSAGE);
	CHECK(json_object_get(d, "proof") == NULL);
	json_decref(d);
	ob_buf_release(&out);
}

/* A document with a proof already: the new one joins it in the array. */
static void test_second_proof(const json_t *doc, const ob_key *key)
{
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *first = sign(doc, key, "eddsa-jcs-2022", 0, &out, &err), *both;

	ob_buf_truncate(&out, 0);
	both = first ? sign(first, key, "eddsa-rdfc-2022", 1, &out, &err) : NULL;
	CHECK(both && json_array_size(json_object_get(both, "proof")) == 2);
	CHECK(both && json_equal(json_array_get(json_object_get(both, "proof"), 0), json_object_get(first, "proof")));
	json_decref(first);
	json_decref(both);
	ob_buf_release(&out);
}

int main(void)
{
	ob_error err = { 0 };
	ob_key *key;
	json_t *doc;

	ob_init();
	test_types();
	key = ob_key_load(vec("keys/issuer-ed25519.json"), &err);
	doc = unsigned_doc();
	CHECK(key && doc);
	if (key && doc) {
		test_proof_array(doc, key);
		test_status(doc, key);
		test_refusals(doc, key);
		test_second_proof(doc, key);
	}
	json_decref(doc);
	ob_key_free(key);
	return check_done("test_issue");
}
