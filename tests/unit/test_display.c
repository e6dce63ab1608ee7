/* test_display: the Displayer's fields (vc/display.h) and the endorsement
 * shape rules and walk (vc/endorse.h). */
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/obkit.h"
#include "check.h"
#include "vc/display.h"
#include "vc/endorse.h"
#include "vc/verify.h"

static json_t *parse(const char *text)
{
	ob_error err = { 0 };
	json_t *v = ob_json_parse(text, strlen(text), &err);

	if (!v)
		fprintf(stderr, "  parse: %s\n", err.msg);
	return v;
}

static void test_image_kind(void)
{
	CHECK(ob_display_image_kind("data:image/png;base64,iVBORw0KGgo=") == OB_IMAGE_SHOW_INLINE);
	CHECK(ob_display_image_kind("data:image/svg+xml;base64,PHN2Zy8+") == OB_IMAGE_SHOW_INLINE);
	CHECK(ob_display_image_kind("data:image/svg+xml,<svg/>") == OB_IMAGE_SHOW_INLINE);
	CHECK(ob_display_image_kind("DATA:IMAGE/JPEG;base64,/9j/") == OB_IMAGE_SHOW_INLINE);
	CHECK(ob_display_image_kind("data:image/gif;base64,R0lG") == OB_IMAGE_SHOW_INLINE);
	CHECK(ob_display_image_kind("data:image/webp;base64,UklG") == OB_IMAGE_SHOW_INLINE);
	/* other media types, look-alikes and no data at all are not shown */
	CHECK(ob_display_image_kind("data:text/html;base64,PHNjcmlwdD4=") == OB_IMAGE_SHOW_NONE);
	CHECK(ob_display_image_kind("data:image/pngx;base64,AAAA") == OB_IMAGE_SHOW_NONE);
	CHECK(ob_display_image_kind("data:image/svg+xmlfoo,<svg/>") == OB_IMAGE_SHOW_NONE);
	CHECK(ob_display_image_kind("data:image/png;base64") == OB_IMAGE_SHOW_NONE);
	CHECK(ob_display_image_kind("data:image/x-icon;base64,AAAB") == OB_IMAGE_SHOW_NONE);
	/* https is a link; nothing else is */
	CHECK(ob_display_image_kind("https://example.org/badge.png") == OB_IMAGE_SHOW_LINK);
	CHECK(ob_display_image_kind("HTTPS://example.org/badge.png") == OB_IMAGE_SHOW_LINK);
	CHECK(ob_display_image_kind("https://") == OB_IMAGE_SHOW_NONE);
	CHECK(ob_display_image_kind("http://example.org/badge.png") == OB_IMAGE_SHOW_NONE);
	CHECK(ob_display_image_kind("javascript:alert(1)") == OB_IMAGE_SHOW_NONE);
	CHECK(ob_display_image_kind("//example.org/badge.png") == OB_IMAGE_SHOW_NONE);
	CHECK(ob_display_image_kind(NULL) == OB_IMAGE_SHOW_NONE);
}

static const char CRED[] =
	"{\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"],"
	"\"description\":\"the credential's\",\"awardedDate\":\"2025-06-02T00:00:00Z\","
	"\"evidence\":{\"id\":\"https://e.example/1\",\"name\":\"Portfolio\",\"narrative\":\"Three welds\"},"
	"\"credentialSubject\":{\"result\":[{\"resultDescription\":\"urn:rd\",\"achievedLevel\":\"urn:l2\"},"
	"{\"value\":\"92\",\"status\":\"Completed\"}],"
	"\"achievement\":{\"description\":[{\"@value\":\"Welding\",\"@language\":\"en\"}],"
	"\"image\":\"data:image/png;base64,AAAA\",\"criteria\":{\"id\":\"https://c.example\",\"narrative\":\"Do it\"},"
	"\"alignment\":[{\"targetName\":\"Fillet\",\"targetCode\":\"W-3\",\"targetUrl\":\"https://f.example\"}],"
	"\"resultDescription\":[{\"id\":\"urn:rd\",\"name\":\"Quality\",\"rubricCriterionLevel\":"
	"[{\"id\":\"urn:l1\",\"name\":\"Novice\"},{\"id\":\"urn:l2\",\"name\":\"Mastery\"}]}]}}}";

static void test_fill(void)
{
	json_t *cred = parse(CRED);
	ob_display *d = cred ? ob_display_new(cred) : NULL;
	ob_buf b = OB_BUF_INIT;

	CHECK(d != NULL);
	if (!d)
		goto out;
	CHECK_STR(d->description, "Welding"); /* the achievement's, from a language map */
	CHECK_STR(d->image, "data:image/png;base64,AAAA");
	CHECK_STR(d->criteria, "Do it");
	CHECK_STR(d->criteria_url, "https://c.example");
	CHECK_STR(d->awarded, "2025-06-02T00:00:00Z");
	CHECK(!d->endorsement && !d->name);
	/* a single evidence object reads as a list of one */
	CHECK(json_array_size(d->evidence) == 1);
	CHECK(!ob_display_evidence(json_array_get(d->evidence, 0), &b));
	CHECK_STR(b.data, "Portfolio - Three welds - https://e.example/1");
	ob_buf_truncate(&b, 0);
	CHECK(json_array_size(d->results) == 2);
	CHECK(!ob_display_result(d, json_array_get(d->results, 0), &b));
	CHECK_STR(b.data, "Quality: level Mastery");
	ob_buf_truncate(&b, 0);
	CHECK(!ob_display_result(d, json_array_get(d->results, 1), &b));
	CHECK_STR(b.data, "result: 92 (Completed)");
	ob_buf_truncate(&b, 0);
	CHECK(!ob_display_alignment(json_array_get(d->alignments, 0), &b));
	CHECK_STR(b.data, "Fillet - W-3 - https://f.example");
out:
	ob_buf_release(&b);
	ob_display_free(d);
	json_decref(cred);
}

static const char ENDORSEMENT[] =
	"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"id\":\"urn:e\","
	"\"type\":[\"VerifiableCredential\",\"EndorsementCredential\"],\"name\":\"E\","
	"\"issuer\":{\"id\":\"did:example:e\",\"type\":[\"Profile\"]},\"validFrom\":\"2020-01-01T00:00:00Z\","
	"\"credentialSubject\":{\"id\":\"urn:a\",\"type\":[\"EndorsementSubject\"],\"endorsementComment\":\"good\"}}";

/* The outcome of the shape check after mutate (a Python-free edit). */
static ob_outcome shape(const char *drop, const char *subj_drop)
{
	json_t *e = parse(ENDORSEMENT);
	ob_verify_opts none = { 0 };
	ob_report *r;
	ob_outcome o = OB_NOT_CHECKED;
	size_t i;

	if (!e)
		return o;
	if (drop)
		json_object_del(e, drop);
	if (subj_drop)
		json_object_del(json_object_get(e, "credentialSubject"), subj_drop);
	r = ob_verify_json(e, &none, NULL);
	for (i = 0; r && i < r->nchecks; i++)
		if (!strcmp(r->checks[i].id, "openbadges"))
			o = r->checks[i].outcome;
	if (r && !drop && !subj_drop) {
		CHECK(r->display && r->display->endorsement);
		CHECK(r->achievement_name == NULL);
		CHECK_STR(r->display ? r->display->comment : NULL, "good");
		CHECK_STR(r->display ? r->display->endorses : NULL, "urn:a");
	}
	ob_report_free(r);
	json_decref(e);
	return o;
}

static void test_shape(void)
{
	json_t *e = parse(ENDORSEMENT);

	CHECK(e && ob_endorse_is_endorsement(e));
	json_decref(e);
	CHECK(shape(NULL, NULL) == OB_PASSED);
	CHECK(shape("name", NULL) == OB_FAILED);
	CHECK(shape(NULL, "id") == OB_FAILED);
	CHECK(shape(NULL, "type") == OB_FAILED);
	CHECK(shape("validFrom", NULL) == OB_FAILED);
}

/* Endorsements anywhere in the credential are each verified and named by
 * where they sit; an unsigned one is invalid, a warning only. */
static void test_walk(void)
{
	json_t *e = parse(ENDORSEMENT), *cred = parse(CRED);
	ob_verify_opts none = { 0 };
	ob_report *r = NULL;
	json_t *ach;
	size_t i, warned = 0;

	CHECK(e && cred);
	if (!e || !cred)
		goto out;
	ach = json_object_get(json_object_get(cred, "credentialSubject"), "achievement");
	json_object_set_new(cred, "endorsement", json_pack("[O]", e));
	json_object_set_new(ach, "endorsement", json_pack("[O,O]", e, e));
	json_object_set_new(ach, "creator", json_pack("{s:[O]}", "endorsement", e));
	json_object_set_new(cred, "@context", json_pack("[s]", "https://www.w3.org/ns/credentials/v2"));
	json_object_set_new(cred, "issuer", json_string("did:example:i"));
	r = ob_verify_json(cred, &none, NULL);
	CHECK(r && r->display && r->display->nendorsements == 4);
	if (!r || !r->display || r->display->nendorsements != 4)
		goto out;
	CHECK(r->display->where[0] == OB_ENDORSED_CREDENTIAL || r->display->where[0] == OB_ENDORSED_ACHIEVEMENT);
	for (i = 0; i < 4; i++)
		CHECK(r->display->endorsements[i]->verdict == OB_INVALID);
	for (i = 0; i < r->nchecks; i++)
		if (!strncmp(r->checks[i].id, "endorsement[", 12)) {
			warned++;
			CHECK(r->checks[i].outcome == OB_NOT_CHECKED && !r->checks[i].blocking);
			CHECK(strstr(r->checks[i].message, "is INVALID: no proof") != NULL);
		}
	CHECK(warned == 4);
	CHECK(!strcmp(ob_endorsed_name(OB_ENDORSED_CREATOR), "achievement creator"));
out:
	ob_report_free(r);
	json_decref(e);
	json_decref(cred);
}

/* At most 16 endorsements are verified; the rest are named in a warning,
 * never dropped silently. */
static void test_budget(void)
{
	json_t *e = parse(ENDORSEMENT), *cred = parse(CRED), *list = json_array();
	ob_verify_opts none = { 0 };
	ob_report *r = NULL;
	size_t i;
	int said = 0;

	CHECK(e && cred && list);
	if (!e || !cred || !list)
		goto out;
	for (i = 0; i < 20; i++)
		json_array_append(list, e);
	json_object_set(cred, "endorsement", list);
	json_object_set_new(cred, "@context", json_pack("[s]", "https://www.w3.org/ns/credentials/v2"));
	json_object_set_new(cred, "issuer", json_string("did:example:i"));
	r = ob_verify_json(cred, &none, NULL);
	CHECK(r && r->display && r->display->nendorsements == 16);
	for (i = 0; r && i < r->nchecks; i++)
		if (!strcmp(r->checks[i].id, "endorsement") && strstr(r->checks[i].message, "4 more endorsements not verified"))
			said = 1;
	CHECK(said);
out:
	ob_report_free(r);
	json_decref(list);
	json_decref(e);
	json_decref(cred);
}

int main(void)
{
	ob_init();
	test_image_kind();
	test_fill();
	test_shape();
	test_walk();
	test_budget();
	return check_done("test_display");
}
