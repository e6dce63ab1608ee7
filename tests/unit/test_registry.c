/* registry: obkit's format and the DCC known-issuer format, lookup
 * order across registries, and malformed files refused with a reason;
 * trusted-issuer lists (text), file sniffing, and the registries under
 * $XDG_CONFIG_HOME/obkit (tests/data/registry/config is one). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "base/json.h"
#include "vc/ob3.h"
#include "vc/registry.h"

#define KEY_ISSUER "did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT"

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

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		CHECK(fclose(f) == 0);
	}
}

/* out = "a/b" */
static void join(char *out, size_t n, const char *a, const char *b)
{
	CHECK(snprintf(out, n, "%s/%s", a, b) < (int)n);
}

static ob_code list(ob_registry *r, const char *text, ob_error *err)
{
	ob_error_clear(err);
	return ob_registry_add_list(r, text, strlen(text), "list.txt", err);
}

/* The text format: names, comments, blanks, CRLF, a BOM; bad lines. */
static void test_list(void)
{
	ob_registry *r = ob_registry_new();
	ob_registry_entry e;
	ob_error err = { 0 };
	static const char nul[] = "did:web:a.example A\0B\n";

	CHECK(list(r, "\xef\xbb\xbf# employer list\r\n"
		   "\r\n"
		   "   \t\n"
		   "did:web:college.example   Riverbend  Technical College  \r\n"
		   "\t# indented comment\n"
		   "  https://badges.example/issuer\tBadges, Inc. #1 \n"
		   "did:key:z6Mkb\n"
		   "did:web:college.example Second Entry Loses\n"
		   "did:web:caf\xc3\xa9.example Caf\xc3\xa9 \xe2\x80\x94 \xe5\xad\xa6\xe6\xa0\xa1", &err) == OB_OK);
	CHECK(ob_registry_count(r) == 1);
	CHECK(ob_registry_lookup(r, "did:web:college.example", &e));
	CHECK_STR(e.name, "Riverbend  Technical College"); /* inner blanks kept */
	CHECK_STR(e.registry, "list.txt");
	CHECK(e.url == NULL && e.location == NULL);
	CHECK(ob_registry_lookup(r, "https://badges.example/issuer", &e));
	CHECK_STR(e.name, "Badges, Inc. #1"); /* '#' only starts a line's comment */
	CHECK(ob_registry_lookup(r, "did:key:z6Mkb", &e));
	CHECK_STR(e.name, "did:key:z6Mkb"); /* no name: the identifier */
	CHECK(ob_registry_lookup(r, "did:web:caf\xc3\xa9.example", &e));
	CHECK_STR(e.name, "Caf\xc3\xa9 \xe2\x80\x94 \xe5\xad\xa6\xe6\xa0\xa1");
	CHECK(!ob_registry_lookup(r, "# employer list", &e));
	/* exact match: no case folding, trailing slash or fragment dropped */
	CHECK(!ob_registry_lookup(r, "did:web:College.example", &e));
	CHECK(!ob_registry_lookup(r, "https://badges.example/issuer/", &e));
	CHECK(!ob_registry_lookup(r, "https://Badges.example/issuer", &e));
	CHECK(!ob_registry_lookup(r, "did:web:college.example#key-1", &e));
	CHECK(!ob_registry_lookup(r, " did:web:college.example", &e));

	/* empty and comment-only lists are lists with no issuers */
	CHECK(list(r, "", &err) == OB_OK);
	CHECK(list(r, "# nobody yet\n\n", &err) == OB_OK);
	CHECK(ob_registry_count(r) == 3);

	/* bad lines: FILE:LINE: reason, and nothing added */
	CHECK(list(r, "did:web:ok.example OK\n# c\nRiverbend College\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:3: 'Riverbend' is not a DID or https URL");
	CHECK(list(r, "http://insecure.example Plain HTTP\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:1: 'http://insecure.example' is not a DID or https URL");
	CHECK(list(r, "\n\nhttps:// Nothing\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:3: 'https://' is not a DID or https URL");
	CHECK(list(r, "https:///path No host\n", &err) == OB_EPARSE);
	CHECK(list(r, "did:Web:x.example Upper-case method\n", &err) == OB_EPARSE);
	CHECK(list(r, "did:web: Empty id\n", &err) == OB_EPARSE);
	CHECK(list(r, "did::x Empty method\n", &err) == OB_EPARSE);
	CHECK(list(r, "{\"issuers\": []}\n", &err) == OB_EPARSE); /* JSON is not a list */
	CHECK(strstr(err.msg, "list.txt:1: '{\"issuers\":' is not a DID") != NULL);
	/* control characters, anywhere */
	CHECK(list(r, "did:web:a.example A\n\ndid:web:b.example B\x01" "ell\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:3: control character U+0001");
	CHECK(list(r, "did:web:a.example Esc \x1b[31mred\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:1: control character U+001B");
	CHECK(list(r, "did:web:a.example Del\x7f\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:1: control character U+007F");
	CHECK(list(r, "did:web:a.example C1 \xc2\x85 next line\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:1: control character U+0085");
	CHECK(list(r, "did:web:a.example \xe2\x80\xae" "egelloC\n", &err) == OB_EPARSE); /* RLO */
	CHECK_STR(err.msg, "list.txt:1: control character U+202E");
	CHECK(list(r, "did:web:a.example A\rB\n", &err) == OB_EPARSE); /* CR inside */
	CHECK_STR(err.msg, "list.txt:1: control character U+000D");
	CHECK(list(r, "did:web:a.example Tab\tinside\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:1: tab inside the issuer's name");
	CHECK(list(r, "did:web:a\x02.example A\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:1: control character U+0002");
	ob_error_clear(&err);
	CHECK(ob_registry_add_list(r, nul, sizeof(nul) - 1, "list.txt", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:1: control character U+0000");
	/* strict UTF-8: stray byte, overlong, surrogate, beyond U+10FFFF, cut */
	CHECK(list(r, "# ok\ndid:web:a.example \xff\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:2: invalid UTF-8");
	CHECK(list(r, "did:web:a.example \xc0\xaf\n", &err) == OB_EPARSE);
	CHECK(list(r, "did:web:a.example \xe0\x80\xaf\n", &err) == OB_EPARSE);
	CHECK(list(r, "did:web:a.example \xed\xa0\x80\n", &err) == OB_EPARSE);
	CHECK(list(r, "did:web:a.example \xf4\x90\x80\x80\n", &err) == OB_EPARSE);
	CHECK(list(r, "did:web:a.example \xe5\xad", &err) == OB_EPARSE);
	CHECK(list(r, "# a comment is checked too \xff\n", &err) == OB_EPARSE);
	CHECK_STR(err.msg, "list.txt:1: invalid UTF-8");
	CHECK(ob_registry_count(r) == 3);
	CHECK(!ob_registry_lookup(r, "did:web:ok.example", &e));
	ob_registry_free(r);
}

static int alloc_budget = -1;

static void *failing_malloc(size_t n)
{
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return malloc(n);
}

/* Every jansson allocation in a list's parse failing in turn: out of
 * memory, nothing added, nothing leaked (ASan), until it succeeds. */
static void test_list_nomem(void)
{
	static const char text[] = "# c\ndid:web:a.example A\nhttps://b.example/i B\ndid:key:z6Mkc\n";
	ob_registry_entry e;
	int n, ok = 0;

	for (n = 0; n < 200 && !ok; n++) {
		ob_registry *r = ob_registry_new();
		ob_error err = { 0 };
		ob_code rc;

		alloc_budget = n;
		json_set_alloc_funcs(failing_malloc, free);
		rc = ob_registry_add_list(r, text, sizeof(text) - 1, "l", &err);
		json_set_alloc_funcs(malloc, free);
		alloc_budget = -1;
		if (rc == OB_OK) {
			ok = 1;
			CHECK(ob_registry_count(r) == 1 && ob_registry_lookup(r, "did:key:z6Mkc", &e));
		} else {
			CHECK(rc == OB_ENOMEM && ob_registry_count(r) == 0);
		}
		ob_registry_free(r);
	}
	CHECK(ok && n > 1);
}

/* ob_registry_add_file sniffs; ob_registry_add_list_file does not. */
static void test_files(const char *dir)
{
	ob_registry *r = ob_registry_new();
	ob_registry_entry e;
	ob_error err = { 0 };
	char path[PATH_MAX], json[PATH_MAX];

	join(path, sizeof(path), dir, "employer.txt");
	write_file(path, "# ours\ndid:web:a.example   A College\n");
	join(json, sizeof(json), dir, "bom.json");
	write_file(json, "\n  {\"issuers\": [{\"id\": \"did:web:b.example\", \"name\": \"B\"}]}");
	CHECK(ob_registry_add_file(r, path, &err) == OB_OK);
	CHECK(ob_registry_add_file(r, json, &err) == OB_OK);
	CHECK(ob_registry_add_list_file(r, path, &err) == OB_OK);
	CHECK(ob_registry_count(r) == 3);
	CHECK(ob_registry_lookup(r, "did:web:a.example", &e));
	CHECK_STR(e.name, "A College");
	CHECK_STR(e.registry, "employer.txt");
	CHECK(ob_registry_lookup(r, "did:web:b.example", &e));
	CHECK_STR(e.registry, "bom.json");

	/* a JSON file given as a list is a bad line 2 (line 1 is blank) */
	ob_error_clear(&err);
	CHECK(ob_registry_add_list_file(r, json, &err) == OB_EPARSE);
	CHECK(strncmp(err.msg, json, strlen(json)) == 0 && strstr(err.msg, ":2: '{\"issuers\":") != NULL);
	/* a bad line names the file and the line */
	write_file(path, "did:web:a.example A\n\nnot-an-issuer Name\n");
	ob_error_clear(&err);
	CHECK(ob_registry_add_file(r, path, &err) == OB_EPARSE);
	CHECK(strncmp(err.msg, path, strlen(path)) == 0);
	CHECK(strstr(err.msg, ":3: 'not-an-issuer' is not a DID or https URL") != NULL);
	/* malformed JSON stays a JSON error */
	write_file(json, "{\"issuers\": [}");
	ob_error_clear(&err);
	CHECK(ob_registry_add_file(r, json, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "invalid JSON") != NULL);
	write_file(json, "[]");
	ob_error_clear(&err);
	CHECK(ob_registry_add_file(r, json, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "not an issuer registry") != NULL);
	ob_error_clear(&err);
	CHECK(ob_registry_add_list_file(r, "/nonexistent/trusted-issuers", &err) == OB_EIO);
	CHECK(strstr(err.msg, "registry '/nonexistent/trusted-issuers': cannot open") != NULL);
	ob_error_clear(&err);
	CHECK(ob_registry_add_list_file(r, dir, &err) == OB_EIO);
	CHECK(strstr(err.msg, "is a directory") != NULL);
	CHECK(ob_registry_count(r) == 3);
	unlink(path);
	unlink(json);
	ob_registry_free(r);
}

static ob_code defaults(ob_registry *r, size_t *n, ob_error *err)
{
	ob_error_clear(err);
	*n = 99;
	return ob_registry_add_defaults(r, n, err);
}

/* $XDG_CONFIG_HOME/obkit/{trusted-issuers,registries/NAME.json} */
static void test_defaults(const char *dir)
{
	ob_registry *r = ob_registry_new();
	ob_registry_entry e;
	ob_error err = { 0 };
	char cfg[PATH_MAX], obkit[PATH_MAX], regs[PATH_MAX], list_path[PATH_MAX];
	char a[PATH_MAX], b[PATH_MAX], hidden[PATH_MAX], other[PATH_MAX], home[PATH_MAX];
	size_t n;

	join(cfg, sizeof(cfg), dir, "config");
	join(obkit, sizeof(obkit), cfg, "obkit");
	join(regs, sizeof(regs), obkit, "registries");
	join(list_path, sizeof(list_path), obkit, "trusted-issuers");
	join(a, sizeof(a), regs, "a.json");
	join(b, sizeof(b), regs, "B.json");
	join(hidden, sizeof(hidden), regs, ".old.json");
	setenv("XDG_CONFIG_HOME", cfg, 1);

	/* nothing there: nothing added, no error */
	CHECK(defaults(r, &n, &err) == OB_OK && n == 0);
	CHECK(mkdir(cfg, 0700) == 0);
	CHECK(defaults(r, &n, &err) == OB_OK && n == 0);
	CHECK(mkdir(obkit, 0700) == 0);
	CHECK(defaults(r, &n, &err) == OB_OK && n == 0);
	CHECK(ob_registry_count(r) == 0);
	CHECK(ob_registry_add_defaults(r, NULL, &err) == OB_OK);

	/* the list only, then the registries folder too */
	write_file(list_path, "did:web:x.example  X (our list)\n");
	CHECK(defaults(r, &n, &err) == OB_OK && n == 1);
	CHECK(ob_registry_lookup(r, "did:web:x.example", &e));
	CHECK_STR(e.registry, "trusted-issuers");
	ob_registry_free(r);
	r = ob_registry_new();
	CHECK(mkdir(regs, 0700) == 0);
	CHECK(defaults(r, &n, &err) == OB_OK && n == 1);
	write_file(a, "{\"name\": \"A\", \"issuers\": [{\"id\": \"did:web:x.example\", \"name\": \"X (A)\"},"
		   "{\"id\": \"did:web:y.example\", \"name\": \"Y (A)\"}]}");
	/* byte order: "B.json" sorts before "a.json" */
	write_file(b, "{\"registry\": {\"did:web:y.example\": {\"name\": \"Y (B)\"}}}");
	write_file(hidden, "not JSON: hidden files are skipped");
	join(other, sizeof(other), regs, "notes.txt");
	write_file(other, "not .json: skipped");
	ob_registry_free(r);
	r = ob_registry_new();
	CHECK(defaults(r, &n, &err) == OB_OK && n == 3);
	CHECK(ob_registry_count(r) == 3);
	CHECK(ob_registry_lookup(r, "did:web:x.example", &e));
	CHECK_STR(e.name, "X (our list)"); /* the list comes first */
	CHECK(ob_registry_lookup(r, "did:web:y.example", &e));
	CHECK_STR(e.name, "Y (B)");
	CHECK_STR(e.registry, "B.json");
	unlink(other);

	/* added after what is there already */
	CHECK(defaults(r, &n, &err) == OB_OK && n == 3);
	CHECK(ob_registry_count(r) == 6);

	/* malformed: an error naming the file, and nothing added */
	write_file(b, "{\"registry\": [}");
	CHECK(defaults(r, &n, &err) == OB_EPARSE && n == 0);
	CHECK(strstr(err.msg, b) != NULL);
	CHECK(strstr(err.msg, "invalid JSON") != NULL);
	CHECK(ob_registry_count(r) == 6);
	/* a .json file in registries/ is read as JSON, never as a list */
	write_file(b, "did:web:y.example Y\n");
	CHECK(defaults(r, &n, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, b) != NULL);
	unlink(b);
	write_file(list_path, "did:web:x.example X\nRiverbend\n");
	CHECK(defaults(r, &n, &err) == OB_EPARSE && n == 0);
	CHECK(strstr(err.msg, list_path) != NULL && strstr(err.msg, ":2: 'Riverbend'") != NULL);
	CHECK(ob_registry_count(r) == 6);
	/* the list, even when it starts like JSON */
	write_file(list_path, "{\"issuers\": []}\n");
	CHECK(defaults(r, &n, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, ":1: '{\"issuers\":' is not a DID") != NULL);
	/* something there that is not a regular file */
	unlink(list_path);
	CHECK(mkdir(list_path, 0700) == 0);
	CHECK(defaults(r, &n, &err) == OB_EIO && n == 0);
	CHECK(strncmp(err.msg, "registry '", 10) == 0 && strstr(err.msg, list_path) != NULL);
	CHECK(strstr(err.msg, "': not a regular file") != NULL);
	rmdir(list_path);
	if (geteuid() != 0) { /* root reads anything */
		write_file(list_path, "did:web:x.example X\n");
		CHECK(chmod(list_path, 0) == 0);
		CHECK(defaults(r, &n, &err) == OB_EIO && strstr(err.msg, list_path) != NULL);
		CHECK(chmod(regs, 0) == 0 && chmod(list_path, 0600) == 0);
		CHECK(defaults(r, &n, &err) == OB_EIO && strstr(err.msg, regs) != NULL);
		CHECK(chmod(regs, 0700) == 0);
		unlink(list_path);
	}
	CHECK(ob_registry_count(r) == 6);
	unlink(a);
	unlink(hidden);
	CHECK(defaults(r, &n, &err) == OB_OK && n == 0);
	rmdir(regs);
	rmdir(obkit);
	rmdir(cfg);
	ob_registry_free(r);

	/* XDG_CONFIG_HOME unset, empty or relative: $HOME/.config */
	r = ob_registry_new();
	join(home, sizeof(home), dir, "home");
	join(cfg, sizeof(cfg), home, ".config");
	join(obkit, sizeof(obkit), cfg, "obkit");
	join(list_path, sizeof(list_path), obkit, "trusted-issuers");
	CHECK(mkdir(home, 0700) == 0 && mkdir(cfg, 0700) == 0 && mkdir(obkit, 0700) == 0);
	write_file(list_path, "https://home.example/issuer Home\n");
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	CHECK(defaults(r, &n, &err) == OB_OK && n == 1);
	setenv("XDG_CONFIG_HOME", "", 1);
	CHECK(defaults(r, &n, &err) == OB_OK && n == 1);
	setenv("XDG_CONFIG_HOME", "relative/config", 1);
	CHECK(defaults(r, &n, &err) == OB_OK && n == 1);
	CHECK(ob_registry_lookup(r, "https://home.example/issuer", &e));
	CHECK_STR(e.name, "Home");
	/* no usable home: nothing to read, not an error */
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "relative-home", 1);
	CHECK(defaults(r, &n, &err) == OB_OK && n == 0);
	unsetenv("HOME");
	CHECK(defaults(r, &n, &err) == OB_OK && n == 0);
	CHECK(ob_registry_count(r) == 3);
	unlink(list_path);
	rmdir(obkit);
	rmdir(cfg);
	rmdir(home);
	ob_registry_free(r);
}

/* The shipped fixture folder as $XDG_CONFIG_HOME, and the issuer of
 * signed vector 01 (a did:key) found in it. */
static void test_fixture(void)
{
	ob_registry *r = ob_registry_new();
	ob_registry_entry e;
	ob_error err = { 0 };
	char cfg[PATH_MAX], vec[PATH_MAX];
	json_t *cred;
	size_t n = 0;

	CHECK(realpath("tests/data/registry/config", cfg) != NULL);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	CHECK(ob_registry_add_defaults(r, &n, &err) == OB_OK);
	CHECK(n == 3); /* trusted-issuers, 10-dcc.json, 20-own.json */
	snprintf(vec, sizeof(vec), "%s/vectors/signed/01-ob3-v2-eddsa-rdfc-2022.json", shared_dir());
	cred = ob_json_load_file(vec, &err);
	CHECK(cred != NULL);
	CHECK_STR(ob3_issuer_id(cred), KEY_ISSUER);
	CHECK(ob_registry_lookup(r, ob3_issuer_id(cred), &e));
	CHECK_STR(e.name, "Riverbend Technical College");
	CHECK_STR(e.registry, "trusted-issuers");
	json_decref(cred);
	CHECK(ob_registry_lookup(r, "https://example.edu/issuers/565049", &e));
	CHECK_STR(e.name, "Example University (1EdTech KAT)");
	CHECK(ob_registry_lookup(r, "did:web:nameless.example", &e));
	CHECK_STR(e.name, "did:web:nameless.example");
	CHECK(ob_registry_lookup(r, "did:web:dcc.example", &e));
	CHECK_STR(e.name, "DCC Listed College");
	CHECK_STR(e.url, "https://dcc.example");
	CHECK_STR(e.registry, "10-dcc.json");
	CHECK(ob_registry_lookup(r, "did:web:own.example", &e));
	CHECK_STR(e.location, "Harbor");
	CHECK_STR(e.registry, "Test Consortium");
	/* a did:key matches only whole: not with a key fragment, nor cut */
	CHECK(!ob_registry_lookup(r, KEY_ISSUER "#z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT", &e));
	CHECK(!ob_registry_lookup(r, "did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeG", &e));
	/* the same file, sniffed, is a list */
	ob_registry_free(r);
	r = ob_registry_new();
	CHECK(ob_registry_add_file(r, "tests/data/registry/config/obkit/trusted-issuers", &err) == OB_OK);
	CHECK(ob_registry_lookup(r, KEY_ISSUER, &e));
	ob_registry_free(r);
}

int main(void)
{
	ob_registry *r = ob_registry_new();
	ob_registry_entry e;
	ob_error err = { 0 };
	char path[] = "/tmp/obkit-test-reg.XXXXXX";
	char dir[] = "/tmp/obkit-test-regdir.XXXXXX";
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

	test_list();
	test_list_nomem();
	CHECK(mkdtemp(dir) != NULL);
	test_files(dir);
	test_defaults(dir);
	CHECK(rmdir(dir) == 0);
	test_fixture();
	return check_done("test_registry");
}
