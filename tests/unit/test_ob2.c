/* test_ob2: Open Badges 2.0 (vc/ob2.h): the recipient hash, the hosted
 * scope rules, sniffing, and the OB 2.0 bakes ob_bake_extract reads. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/json.h"
#include "base/obkit.h"
#include "check.h"
#include "io/bake.h"
#include "vc/ob2.h"

static json_t *parse(const char *s)
{
	ob_error e = { 0 };
	json_t *j = ob_json_parse(s, strlen(s), &e);

	if (!j)
		fprintf(stderr, "test_ob2: %s\n", e.msg);
	return j;
}

static void test_identity_hash(void)
{
	ob_buf b = OB_BUF_INIT;
	ob_error e = { 0 };

	/* ob2.md 2.2: the spec's own example, sha256("mayze") */
	CHECK(!ob2_identity_hash("sha256", "mayze", NULL, &b, &e));
	CHECK(b.data && !strncmp(b.data, "sha256$7a1a1b3f", 15) && !strcmp(b.data + b.len - 4, "60c6"));
	ob_buf_release(&b);
	/* the conformance samples: salt appended, no separator */
	CHECK(!ob2_identity_hash("SHA256", "nobody@example.org", "deadsea", &b, &e));
	CHECK_STR(b.data, "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942");
	ob_buf_release(&b);
	/* md5("a") */
	CHECK(!ob2_identity_hash("md5", "a", "", &b, &e));
	CHECK_STR(b.data, "md5$0cc175b9c0f1b6a831c399e269772661");
	ob_buf_release(&b);
	CHECK(ob2_identity_hash("sha1", "a", NULL, &b, &e) == OB_EINVALID);
	CHECK(b.len == 0);
	ob_buf_release(&b);
}

static void test_recipient(void)
{
	json_t *h = parse("{\"type\":\"email\",\"hashed\":true,\"salt\":\"deadsea\",\"identity\":"
			  "\"sha256$ECF5409F3F4B91AB60CC5EF4C02AEF7032354375E70CF4D8E43F6A1D29891942\"}");
	json_t *p = parse("{\"type\":\"email\",\"hashed\":false,\"identity\":\"Nobody@example.org\"}");
	json_t *u = parse("{\"type\":\"url\",\"hashed\":false,\"identity\":\"https://x.example\"}");
	json_t *bad = parse("{\"type\":\"email\",\"hashed\":true,\"identity\":\"sha256$xyz\"}");
	json_t *nosalt = parse("{\"type\":\"email\",\"hashed\":true,\"identity\":"
			       "\"md5$0cc175b9c0f1b6a831c399e269772661\"}");
	const char *why;

	CHECK(ob2_recipient_matches(h, "nobody@example.org", &why) == 1);    /* hex case ignored */
	CHECK(ob2_recipient_matches(h, "NOBODY@example.org", &why) == 1);    /* tried lower-cased */
	CHECK(ob2_recipient_matches(h, "somebody@example.org", &why) == 0);
	CHECK(ob2_recipient_matches(h, "nobody@example.orgdeadsea", &why) == 0);
	CHECK(ob2_recipient_matches(p, "nobody@example.org", &why) == 1);
	CHECK(ob2_recipient_matches(p, "other@example.org", &why) == 0);
	CHECK(ob2_recipient_matches(u, "nobody@example.org", &why) == -1 && why);
	CHECK(ob2_recipient_matches(bad, "nobody@example.org", &why) == -1 && why);
	CHECK(ob2_recipient_matches(nosalt, "a", &why) == 1);
	CHECK(ob2_recipient_matches(NULL, "a", &why) == -1);
	json_decref(h);
	json_decref(p);
	json_decref(u);
	json_decref(bad);
	json_decref(nosalt);
}

static void test_scope(void)
{
	json_t *sw = parse("{\"startsWith\":\"https://example.org/badges/\"}");
	json_t *sws = parse("{\"startsWith\":[\"https://example.org/NOT\",\"https://example.org/b\"]}");
	json_t *ao = parse("{\"allowedOrigins\":[\"example.com\",\"Example.ORG\"]}");
	json_t *ao1 = parse("{\"allowedOrigins\":\"badges.example.net\"}");
	const char *iss = "https://example.org/issuer.json";
	char why[512];

	/* default: the issuer id's host */
	CHECK(ob2_in_scope("https://example.org/a/1.json", iss, NULL, why, sizeof(why)) == 1);
	CHECK(ob2_in_scope("https://EXAMPLE.org/1.json", iss, NULL, why, sizeof(why)) == 1);
	CHECK(ob2_in_scope("https://example.org:8443/1.json", iss, NULL, why, sizeof(why)) == 0);
	CHECK(ob2_in_scope("https://evil.example/1.json", iss, NULL, why, sizeof(why)) == 0);
	CHECK(ob2_in_scope("https://example.org.evil.example/1", iss, NULL, why, sizeof(why)) == 0);
	CHECK(ob2_in_scope("urn:uuid:1", iss, NULL, why, sizeof(why)) == 0);
	CHECK(ob2_in_scope(NULL, iss, NULL, why, sizeof(why)) == 0);
	/* startsWith, one value or several; allowedOrigins still the host's */
	CHECK(ob2_in_scope("https://example.org/badges/1", iss, sw, why, sizeof(why)) == 1);
	CHECK(ob2_in_scope("https://example.org/other/1", iss, sw, why, sizeof(why)) == 0);
	CHECK(ob2_in_scope("https://example.org/b/1", iss, sws, why, sizeof(why)) == 1);
	CHECK(ob2_in_scope("https://example.org/c/1", iss, sws, why, sizeof(why)) == 0);
	/* allowedOrigins replaces the default, case-insensitively */
	CHECK(ob2_in_scope("https://example.com/1", iss, ao, why, sizeof(why)) == 1);
	CHECK(ob2_in_scope("http://example.org/1", iss, ao, why, sizeof(why)) == 1);
	CHECK(ob2_in_scope("https://example.net/1", iss, ao, why, sizeof(why)) == 0);
	CHECK(ob2_in_scope("https://badges.example.net/1", iss, ao1, why, sizeof(why)) == 1);
	CHECK(ob2_in_scope("https://example.org/1", iss, ao1, why, sizeof(why)) == 0);
	/* trust: an issuer whose id is no HTTP(S) URL binds nothing */
	CHECK(ob2_in_scope("https://example.org/1", "urn:uuid:2d391246", NULL, why, sizeof(why)) == -1);
	CHECK(ob2_in_scope("https://example.org/1", "urn:uuid:2d391246", ao, why, sizeof(why)) == -1);
	CHECK(ob2_in_scope("https://example.org/1", NULL, NULL, why, sizeof(why)) == -1);
	json_decref(sw);
	json_decref(sws);
	json_decref(ao);
	json_decref(ao1);
}

static void test_sniff(void)
{
	static const char *const yes[] = {
		"{\"@context\":\"https://w3id.org/openbadges/v2\",\"type\":\"BadgeClass\"}",
		"{\"@context\":[\"https://w3id.org/openbadges/v2\",\"https://example.org/ext\"]}",
		"{\"@context\":\"https://w3id.org/openbadges/v1\",\"type\":\"Assertion\"}",
		"{\"@context\":\"https://w3id.org/openbadges/invalid\",\"type\":\"Assertion\",\"recipient\":{},\"badge\":\"x\"}",
		"{\"@context\":{\"obi\":\"https://w3id.org/openbadges#\"},\"type\":\"Issuer\"}",
	};
	static const char *const no[] = {
		"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\",\"https://w3id.org/openbadges/v2\"],\"type\":\"Assertion\"}",
		"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":[\"VerifiableCredential\"]}",
		"{\"type\":\"Assertion\"}",
		"[]",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		json_t *j = parse(yes[i]);
		CHECK(ob2_sniff(j) == 1);
		json_decref(j);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		json_t *j = parse(no[i]);
		CHECK(ob2_sniff(j) == 0);
		json_decref(j);
	}
	CHECK(ob2_sniff(NULL) == 0);
}

static void test_svg(void)
{
	static const char hosted[] = "<svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion "
				     "verify=\"https://example.org/a.json\"><![CDATA[{\"id\":1}]]></openbadges:assertion></svg>";
	static const char signed_[] = "<svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion "
				      "verify=\"aaa.bbb.ccc\"/></svg>";
	static const char both[] = "<svg><openbadges:assertion verify=\"x.y.z\"></openbadges:assertion>"
				   "<openbadges:credential verify=\"a.b.c\"></openbadges:credential></svg>";
	static const char none[] = "<svg><openbadges:assertions verify=\"x.y.z\"/></svg>";
	ob_buf b = OB_BUF_INIT;
	ob_error e = { 0 };

	CHECK(!ob_bake_extract(hosted, strlen(hosted), &b, &e));
	CHECK_STR(b.data, "{\"id\":1}");
	ob_buf_release(&b);
	CHECK(!ob_bake_extract(signed_, strlen(signed_), &b, &e));
	CHECK_STR(b.data, "aaa.bbb.ccc");
	ob_buf_release(&b);
	/* OB 3.0 first */
	CHECK(!ob_bake_extract(both, strlen(both), &b, &e));
	CHECK_STR(b.data, "a.b.c");
	ob_buf_release(&b);
	CHECK(ob_bake_extract(none, strlen(none), &b, &e) == OB_EPARSE);
	CHECK(b.len == 0);
	ob_buf_release(&b);
}

int main(void)
{
	ob_init();
	test_identity_hash();
	test_recipient();
	test_scope();
	test_sniff();
	test_svg();
	return check_done("test_ob2");
}
