/* registry: obkit's format and the DCC known-issuer format, lookup
 * order across registries, and malformed files refused with a reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "json.h"
#include "registry.h"

static ob_code add(ob_registry *r, const char *text, const char *name, ob_error *err)
{
	ob_error perr = { 0 };
	json_t *doc = ob_json_parse(text, strlen(text), &perr);
	ob_code rc;

	if (!doc)
		return ob_fail(err, perr.code, "%s", perr.msg);
	rc = ob_registry_add_json(r, doc, name, err);
	json_decref(doc);
	return rc;
}

int main(void)
{
	ob_registry *r = ob_registry_new();
	ob_registry_entry e;
	ob_error err = { 0 };
	char path[] = "/tmp/obkit-test-reg.XXXXXX";
	FILE *f;
	int fd;

	CHECK(r != NULL);
	CHECK(ob_registry_count(r) == 0);
	CHECK(!ob_registry_lookup(r, "did:web:a.example", &e));
	CHECK(!ob_registry_lookup(NULL, "did:web:a.example", &e));

	/* obkit's own format */
	CHECK(add(r, "{\"name\": \"Ours\", \"url\": \"https://reg.example\", \"issuers\": ["
		  "{\"id\": \"did:web:a.example\", \"name\": \"A College\", \"url\": \"https://a.example\"}]}",
		  "ours.json", &err) == OB_OK);
	CHECK(ob_registry_lookup(r, "did:web:a.example", &e));
	CHECK_STR(e.name, "A College");
	CHECK_STR(e.url, "https://a.example");
	CHECK_STR(e.registry, "Ours");
	CHECK(e.location == NULL);
	CHECK(!ob_registry_lookup(r, "did:web:a.exampl", &e)); /* exact match only */
	CHECK(!ob_registry_lookup(r, "did:web:A.example", &e));

	/* DCC: keyed by DID, no name: called by its file name; "entries"
	 * in older copies */
	CHECK(add(r, "{\"meta\": {\"created\": \"2022-10-27T17:57:31+00:00\"}, \"registry\": {"
		  "\"did:web:a.example\": {\"name\": \"A (DCC)\", \"location\": \"Cambridge, MA, USA\"},"
		  "\"did:key:z6Mkb\": {\"name\": \"B University\", \"location\": \"Hamilton, ON, Canada\", \"url\": \"https://b.example\"}}}",
		  "dcc.json", &err) == OB_OK);
	CHECK(add(r, "{\"meta\": {}, \"entries\": {\"did:key:z6Mkc\": {\"name\": \"C\"}}}", "old.json", &err) == OB_OK);
	CHECK(ob_registry_count(r) == 3);
	/* the first registry that lists an issuer names it */
	CHECK(ob_registry_lookup(r, "did:web:a.example", &e));
	CHECK_STR(e.registry, "Ours");
	CHECK(ob_registry_lookup(r, "did:key:z6Mkb", &e));
	CHECK_STR(e.name, "B University");
	CHECK_STR(e.location, "Hamilton, ON, Canada");
	CHECK_STR(e.registry, "dcc.json");
	CHECK(ob_registry_lookup(r, "did:key:z6Mkc", &e));
	CHECK_STR(e.registry, "old.json");

	/* malformed: refused with a reason, nothing added */
	CHECK(add(r, "[]", "x", &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "not an issuer registry") != NULL);
	ob_error_clear(&err);
	CHECK(add(r, "{\"issuers\": [{\"id\": \"did:x\"}]}", "x", &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "needs an \"id\" and a \"name\"") != NULL);
	ob_error_clear(&err);
	CHECK(add(r, "{\"issuers\": [{\"name\": \"no id\"}]}", "x", &err) == OB_EPARSE);
	ob_error_clear(&err);
	CHECK(add(r, "{\"registry\": {\"did:x\": \"just a string\"}}", "x", &err) == OB_EPARSE);
	ob_error_clear(&err);
	CHECK(add(r, "{\"registry\": {\"did:x\": {\"name\": \"\"}}}", "x", &err) == OB_EPARSE);
	ob_error_clear(&err);
	CHECK(ob_registry_count(r) == 3);

	/* files */
	CHECK(ob_registry_add_file(r, "/nonexistent/reg.json", &err) != OB_OK);
	CHECK(strstr(err.msg, "registry '/nonexistent/reg.json'") != NULL);
	ob_error_clear(&err);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fputs("{\"issuers\": [{\"id\": \"did:web:d.example\", \"name\": \"D\"}]}", f);
	fclose(f);
	CHECK(ob_registry_add_file(r, path, &err) == OB_OK);
	CHECK(ob_registry_lookup(r, "did:web:d.example", &e));
	CHECK_STR(e.registry, strrchr(path, '/') + 1);
	unlink(path);

	ob_registry_free(r);
	ob_registry_free(NULL);
	return check_done("test_registry");
}
