/* test_json: strict parsing (duplicates, UTF-8, NUL, depth, size,
 * numbers), file reading and the small getters. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "base/json.h"
#include "base/obkit.h"

/* The message of the last refusal, "" when parsing succeeded. */
static char last_msg[256];
static ob_code last_code;

/* Parses len bytes; returns 1 when accepted. */
static int parses_n(const char *text, size_t len)
{
	ob_error err = { 0 };
	json_t *v = ob_json_parse(text, len, &err);

	last_code = err.code;
	snprintf(last_msg, sizeof(last_msg), "%s", err.msg);
	if (!v)
		return 0;
	json_decref(v);
	return 1;
}

static int parses(const char *text)
{
	return parses_n(text, strlen(text));
}

static int contains(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

/* depth nested arrays, with a 0 at the bottom (heap, caller frees). */
static char *nested(size_t depth, char open, char close)
{
	char *s = malloc(2 * depth + 2);
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < depth; i++)
		s[i] = open;
	s[depth] = '0';
	for (i = 0; i < depth; i++)
		s[depth + 1 + i] = close;
	s[2 * depth + 1] = '\0';
	return s;
}

static void test_strict(void)
{
	CHECK(parses("{\"a\": 1, \"b\": [true, false, null, \"x\"]}"));
	CHECK(parses("  [1, 2.5, -3e2]  \n"));
	CHECK(parses("[\"just a string\"]"));
	CHECK(parses("{}"));

	/* duplicate keys, at the top and nested */
	CHECK(!parses("{\"a\": 1, \"a\": 2}"));
	CHECK(contains(last_msg, "duplicate"));
	CHECK(last_code == OB_EPARSE);
	CHECK(contains(last_msg, "invalid JSON"));
	CHECK(contains(last_msg, "line 1"));
	CHECK(!parses("{\"x\": {\"k\": 1, \"j\": 2, \"k\": 3}}"));
	CHECK(contains(last_msg, "duplicate"));
	/* the same key in sibling objects is fine */
	CHECK(parses("[{\"a\": 1}, {\"a\": 2}]"));
	/* duplicates spelt with an escape are still duplicates */
	CHECK(!parses("{\"a\": 1, \"\\u0061\": 2}"));
	CHECK(contains(last_msg, "duplicate"));

	/* invalid UTF-8: a bare continuation byte, overlong, surrogate,
	 * truncated sequence, beyond U+10FFFF; in strings and in keys */
	CHECK(parses("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x93\"]"));
	CHECK(!parses("[\"\x80\"]"));
	CHECK(last_code == OB_EPARSE);
	CHECK(!parses("[\"\xc0\xaf\"]"));
	CHECK(!parses("[\"\xed\xa0\x80\"]"));
	CHECK(!parses("[\"\xe2\x82\"]"));
	CHECK(!parses("[\"\xf4\x90\x80\x80\"]"));
	CHECK(!parses("{\"\xff\": 1}"));
	CHECK(!parses("[\"\\ud800\"]"));   /* lone surrogate escape */

	/* NUL: escaped and raw */
	CHECK(!parses("[\"a\\u0000b\"]"));
	CHECK(last_code == OB_EPARSE);
	CHECK(!parses("{\"\\u0000\": 1}"));
	CHECK(!parses_n("[\"a\0b\"]", 7));
	CHECK(!parses_n("{}\0", 3));

	/* trailing garbage, several values, empty input */
	CHECK(!parses("{} x"));
	CHECK(!parses("{}{}"));
	CHECK(!parses("[1] ]"));
	CHECK(!parses("1 2"));
	CHECK(!parses(""));
	CHECK(!parses("   "));
	/* only len bytes are read: what follows does not count */
	CHECK(parses_n("[1]garbage", 3));

	/* other things strict JSON does not have */
	CHECK(!parses("[1, 2,]"));
	CHECK(!parses("{'a': 1}"));
	CHECK(!parses("[NaN]"));
	CHECK(!parses("[Infinity]"));
	CHECK(!parses("[01]"));
	CHECK(!parses("// c\n{}"));
}

static void test_depth(void)
{
	char *s;
	clock_t t0;

	s = nested(OB_JSON_MAX_DEPTH, '[', ']');
	CHECK(s && parses(s));
	free(s);
	s = nested(OB_JSON_MAX_DEPTH + 1, '[', ']');
	CHECK(s && !parses(s));
	CHECK(contains(last_msg, "nesting"));
	CHECK(last_code == OB_EPARSE);
	free(s);

	/* objects count the same as arrays */
	{
		char *o = malloc(8 * (OB_JSON_MAX_DEPTH + 1) + 8);
		size_t i, n = 0;
		int d;
		for (d = OB_JSON_MAX_DEPTH; d <= OB_JSON_MAX_DEPTH + 1; d++) {
			n = 0;
			for (i = 0; i < (size_t)d; i++) {
				memcpy(o + n, "{\"a\":", 5);
				n += 5;
			}
			o[n++] = '1';
			for (i = 0; i < (size_t)d; i++)
				o[n++] = '}';
			o[n] = '\0';
			CHECK(parses(o) == (d == OB_JSON_MAX_DEPTH));
		}
		free(o);
	}

	/* brackets inside strings are not nesting */
	s = nested(150, '[', ']');
	if (s) {
		size_t n = strlen(s);
		char *q = malloc(n + 5);
		memcpy(q, "[\"", 2);
		memcpy(q + 2, s, n);
		memcpy(q + n + 2, "\"]", 3);
		CHECK(parses(q));
		free(q);
		free(s);
	}
	/* an escaped quote does not end the string early */
	CHECK(parses("[\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"]"));
	CHECK(parses("[\"\\\\\", 1]"));

	/* 10,000 levels: refused, quickly, and without a deep recursion */
	s = nested(10000, '[', ']');
	t0 = clock();
	CHECK(s && !parses(s));
	CHECK(contains(last_msg, "nesting"));
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
	free(s);
	/* unbalanced openers, no closers */
	s = malloc(100001);
	memset(s, '[', 100000);
	s[100000] = '\0';
	t0 = clock();
	CHECK(!parses(s));
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
	free(s);
}

static void test_size(void)
{
	size_t max = OB_JSON_MAX_SIZE, i;
	char *s = malloc(max + 2);

	if (!s) {
		CHECK(!"out of memory");
		return;
	}
	/* exactly the limit: one string filling it */
	memcpy(s, "[\"", 2);
	memset(s + 2, 'a', max - 4);
	memcpy(s + max - 2, "\"]", 3);
	CHECK(parses_n(s, max));
	/* one byte more: still valid JSON, but refused before parsing */
	memcpy(s + max - 2, "a\"]", 4);
	CHECK(!parses_n(s, max + 1));
	CHECK(contains(last_msg, "larger"));
	CHECK(last_code == OB_EPARSE);
	/* an array of numbers over the limit */
	s[0] = '[';
	for (i = 1; i + 2 < max + 1; i += 2) {
		s[i] = '0';
		s[i + 1] = ',';
	}
	s[i] = '0';
	s[i + 1] = ']';
	CHECK(!parses_n(s, i + 2));
	CHECK(i + 2 > max);
	free(s);
}

/* every number is a double, as in JavaScript */
static void test_numbers(void)
{
	static const char nums[] = "[9007199254740993, 1, -0, 1.5, 1e2, 123456789012345678901234567890]";
	ob_error err = { 0 };
	json_t *v;

	v = ob_json_parse(nums, strlen(nums), &err);
	CHECK(v != NULL);
	if (v) {
		CHECK(json_is_real(json_array_get(v, 0)));
		CHECK(json_real_value(json_array_get(v, 0)) == 9007199254740992.0);
		CHECK(json_is_real(json_array_get(v, 1)));
		CHECK(json_real_value(json_array_get(v, 1)) == 1.0);
		CHECK(json_is_real(json_array_get(v, 2)));
		CHECK(json_is_real(json_array_get(v, 3)) && json_real_value(json_array_get(v, 3)) == 1.5);
		CHECK(json_real_value(json_array_get(v, 4)) == 100.0);
		CHECK(json_is_real(json_array_get(v, 5)) &&
		      json_real_value(json_array_get(v, 5)) == 123456789012345678901234567890.0);
		CHECK(!json_is_integer(json_array_get(v, 0)));
		json_decref(v);
	}
	/* out of the double range */
	CHECK(!parses("[1e400]"));
	CHECK(last_code == OB_EPARSE);
	CHECK(!parses("[-1e400]"));
	CHECK(parses("[1e-400]")); /* underflow rounds to 0, as in JavaScript */
	CHECK(parses("[1.7976931348623157e308]"));
}

static void test_file_read(void)
{
	static const char text[] = "{\"type\": [\"VerifiableCredential\", \"OpenBadgeCredential\"], \"name\": \"x\"}\n";
	char dir[] = "/tmp/test_json.XXXXXX", path[64], missing[64], big[64], empty[64];
	char *out = NULL;
	size_t len = 99;
	ob_error err = { 0 };
	json_t *v;
	FILE *f;

	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/doc.json", dir);
	snprintf(missing, sizeof(missing), "%s/missing.json", dir);
	snprintf(big, sizeof(big), "%s/big.json", dir);
	snprintf(empty, sizeof(empty), "%s/empty.json", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	f = fopen(big, "w");
	fputs("[1,2,3,4,5,6,7,8,9]", f); /* 19 bytes */
	fclose(f);
	f = fopen(empty, "w");
	fclose(f);

	CHECK(ob_file_read(path, 1024, &out, &len, &err) == OB_OK);
	CHECK(out && len == strlen(text) && memcmp(out, text, len + 1) == 0);
	free(out);

	/* missing file */
	out = (char *)1;
	CHECK(ob_file_read(missing, 1024, &out, &len, &err) == OB_EIO);
	CHECK(contains(err.msg, "cannot open"));
	CHECK(contains(err.msg, missing));
	CHECK(out == NULL && len == 0);
	ob_error_clear(&err);

	/* a directory */
	CHECK(ob_file_read(dir, 1024, &out, &len, &err) == OB_EIO);
	CHECK(contains(err.msg, "is a directory"));
	CHECK(out == NULL);
	ob_error_clear(&err);

	/* the size cap: at the limit ok, one under refused */
	CHECK(ob_file_read(big, 19, &out, &len, &err) == OB_OK && len == 19);
	free(out);
	out = NULL;
	CHECK(ob_file_read(big, 18, &out, &len, &err) != OB_OK);
	CHECK(contains(err.msg, "larger"));
	CHECK(out == NULL);
	ob_error_clear(&err);

	/* an empty file is an empty, terminated buffer */
	CHECK(ob_file_read(empty, 1024, &out, &len, &err) == OB_OK);
	CHECK(out && len == 0 && out[0] == '\0');
	free(out);

	/* load_file: parse errors and file errors come through */
	v = ob_json_load_file(path, &err);
	CHECK(v && json_is_object(v));
	CHECK_STR(ob_json_str(v, "name"), "x");
	CHECK(ob_json_str(v, "type") == NULL);
	CHECK(ob_json_str(v, "none") == NULL);
	json_decref(v);
	CHECK(ob_json_load_file(missing, &err) == NULL);
	CHECK(err.code == OB_EIO && contains(err.msg, "cannot open"));
	ob_error_clear(&err);
	CHECK(ob_json_load_file(empty, &err) == NULL);
	CHECK(err.code == OB_EPARSE);
	ob_error_clear(&err);

	unlink(path);
	unlink(big);
	unlink(empty);
	rmdir(dir);
}

static void test_has_value(void)
{
	static const char doc[] = "{\"s\": \"Profile\", \"a\": [1, \"VerifiableCredential\", \"Profile\"],"
				  " \"e\": [], \"o\": {\"Profile\": \"Profile\"}, \"n\": null}";
	ob_error err = { 0 };
	json_t *v = ob_json_parse(doc, strlen(doc), &err);

	CHECK(v != NULL);
	if (!v) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK(ob_json_has_value(json_object_get(v, "s"), "Profile") == 1);
	CHECK(ob_json_has_value(json_object_get(v, "s"), "Profil") == 0);
	CHECK(ob_json_has_value(json_object_get(v, "s"), "profile") == 0);
	CHECK(ob_json_has_value(json_object_get(v, "a"), "Profile") == 1);
	CHECK(ob_json_has_value(json_object_get(v, "a"), "VerifiableCredential") == 1);
	CHECK(ob_json_has_value(json_object_get(v, "a"), "1") == 0);
	CHECK(ob_json_has_value(json_object_get(v, "e"), "Profile") == 0);
	CHECK(ob_json_has_value(json_object_get(v, "o"), "Profile") == 0);
	CHECK(ob_json_has_value(json_object_get(v, "n"), "Profile") == 0);
	CHECK(ob_json_has_value(json_object_get(v, "missing"), "Profile") == 0);
	CHECK(ob_json_has_value(NULL, "Profile") == 0);
	json_decref(v);
}

int main(void)
{
	ob_init();
	test_strict();
	test_depth();
	test_size();
	test_numbers();
	test_file_read();
	test_has_value();
	return check_done("test_json");
}
