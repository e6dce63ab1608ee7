/* test_jcs: the JSON writer (compact, pretty, sorted) and RFC 8785. */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "base/obkit.h"

/* Parses text with the project's parser and writes it with flags; the
 * result lives until the next call. out(NULL, 0) frees it. */
static const char *out(const char *text, int flags)
{
	static char *last;
	ob_error err = { 0 };
	json_t *v;

	free(last);
	last = NULL;
	if (!text)
		return NULL;
	v = ob_json_parse(text, strlen(text), &err);
	if (!v) {
		fprintf(stderr, "parse failed: %s\n", err.msg);
		return NULL;
	}
	last = ob_json_dumps(v, flags);
	json_decref(v);
	return last;
}

/* RFC 8785 canonical form of text, through ob_jcs_canonicalize; lives
 * until the next call. canon(NULL) frees it. */
static const char *canon(const char *text)
{
	static ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *v;

	ob_buf_release(&b);
	if (!text)
		return NULL;
	v = ob_json_parse(text, strlen(text), &err);
	if (!v)
		return NULL;
	if (ob_jcs_canonicalize(v, &b, &err) != OB_OK) {
		json_decref(v);
		return NULL;
	}
	json_decref(v);
	return b.data;
}

static const char *num(double d)
{
	static char buf[32];

	if (ob_jcs_number(d, buf) < 0)
		return NULL;
	return buf;
}

static void test_layouts(void)
{
	const char *doc = "{\"b\":1,\"a\":[1,2,{\"c\":null}],\"s\":\"x\","
			  "\"e\":{},\"f\":[],\"t\":true,\"u\":false}";

	CHECK_STR(out(doc, OB_JSON_COMPACT),
		  "{\"b\":1,\"a\":[1,2,{\"c\":null}],\"s\":\"x\",\"e\":{},\"f\":[],"
		  "\"t\":true,\"u\":false}");
	/* JSON.stringify(v, null, 2): no trailing newline */
	CHECK_STR(out(doc, OB_JSON_PRETTY),
		  "{\n"
		  "  \"b\": 1,\n"
		  "  \"a\": [\n"
		  "    1,\n"
		  "    2,\n"
		  "    {\n"
		  "      \"c\": null\n"
		  "    }\n"
		  "  ],\n"
		  "  \"s\": \"x\",\n"
		  "  \"e\": {},\n"
		  "  \"f\": [],\n"
		  "  \"t\": true,\n"
		  "  \"u\": false\n"
		  "}");
	CHECK_STR(out(doc, OB_JSON_SORTED),
		  "{\"a\":[1,2,{\"c\":null}],\"b\":1,\"e\":{},\"f\":[],\"s\":\"x\","
		  "\"t\":true,\"u\":false}");
	CHECK_STR(out("{\"z\":{\"y\":1,\"x\":[]},\"a\":0}", OB_JSON_PRETTY | OB_JSON_SORTED),
		  "{\n  \"a\": 0,\n  \"z\": {\n    \"x\": [],\n    \"y\": 1\n  }\n}");
	CHECK_STR(out("[]", OB_JSON_PRETTY), "[]");
	CHECK_STR(out("{}", OB_JSON_PRETTY), "{}");
	CHECK_STR(out("[\"s\"]", OB_JSON_PRETTY), "[\n  \"s\"\n]");
	CHECK_STR(out("[[[]]]", OB_JSON_PRETTY), "[\n  [\n    []\n  ]\n]");
	/* whitespace in the input never survives */
	CHECK_STR(canon(" { \"a\" : [ 1 , 2 ] } "), "{\"a\":[1,2]}");
}

static void test_strings(void)
{
	json_t *s;
	char *p;

	/* RFC 8785 3.2.2.2 */
	CHECK_STR(canon("[\"\\\"\\\\\\b\\f\\n\\r\\t\\/\"]"), "[\"\\\"\\\\\\b\\f\\n\\r\\t/\"]");
	CHECK_STR(canon("[\"\\u0001\\u001f\\u000B\\u007f\\u0080\"]"),
		  "[\"\\u0001\\u001f\\u000b\x7f\xc2\x80\"]");
	CHECK_STR(canon("[\"\\u20ac \\ud83d\\ude00 <\\/script>\"]"),
		  "[\"\xe2\x82\xac \xf0\x9f\x98\x80 </script>\"]");
	/* keys are escaped as values are */
	CHECK_STR(canon("{\"a\\nb\":1}"), "{\"a\\nb\":1}");

	/* a NUL inside a string (never from our parser) is escaped */
	s = json_stringn("a\0b", 3);
	p = ob_json_dumps(s, OB_JSON_COMPACT);
	CHECK_STR(p, "\"a\\u0000b\"");
	free(p);
	json_decref(s);
}

static void test_order(void)
{
	/* RFC 8785 3.2.3: UTF-16 code units, not UTF-8 bytes or code points:
	 * U+1F600 (D83D DE00) sorts before U+E000 and U+FB33. */
	CHECK_STR(canon("{\"\\ufb33\":5,\"\\ue000\":4,\"\\ud83d\\ude00\":3,"
			"\"\\u20ac\":2,\"a\":1,\"\\u00f6\":6}"),
		  "{\"a\":1,\"\xc3\xb6\":6,\"\xe2\x82\xac\":2,\"\xf0\x9f\x98\x80\":3,"
		  "\"\xee\x80\x80\":4,\"\xef\xac\xb3\":5}");
	/* prefixes first, then by code unit; no locale */
	CHECK_STR(canon("{\"ab\":1,\"a\":2,\"B\":3,\"\":4,\"10\":5,\"1\":6}"),
		  "{\"\":4,\"1\":6,\"10\":5,\"B\":3,\"a\":2,\"ab\":1}");
	/* nested objects sort on their own; arrays keep their order */
	CHECK_STR(canon("{\"b\":[{\"d\":1,\"c\":2},3],\"a\":{\"f\":{},\"e\":[]}}"),
		  "{\"a\":{\"e\":[],\"f\":{}},\"b\":[{\"c\":2,\"d\":1},3]}");
	/* more members than the insertion-sort cut-off */
	CHECK_STR(canon("{\"t\":0,\"s\":0,\"r\":0,\"q\":0,\"p\":0,\"o\":0,\"n\":0,"
			"\"m\":0,\"l\":0,\"k\":0,\"j\":0,\"i\":0,\"h\":0,\"g\":0,"
			"\"f\":0,\"e\":0,\"d\":0,\"c\":0,\"b\":0,\"\\ud800\\udc00\":0,"
			"\"\\uffff\":0,\"a\":0}"),
		  "{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,"
		  "\"i\":0,\"j\":0,\"k\":0,\"l\":0,\"m\":0,\"n\":0,\"o\":0,\"p\":0,"
		  "\"q\":0,\"r\":0,\"s\":0,\"t\":0,\"\xf0\x90\x80\x80\":0,"
		  "\"\xef\xbf\xbf\":0}");
	/* insertion order is kept when not sorting */
	CHECK_STR(out("{\"\\ue000\":1,\"\\ud83d\\ude00\":2,\"b\":3,\"a\":4}", OB_JSON_COMPACT),
		  "{\"\xee\x80\x80\":1,\"\xf0\x9f\x98\x80\":2,\"b\":3,\"a\":4}");
}

static void test_numbers(void)
{
	json_t *v;
	char *p;

	/* RFC 8785 3.2.2.3 / ECMAScript Number::toString */
	CHECK_STR(num(0.0), "0");
	CHECK_STR(num(-0.0), "0");
	CHECK_STR(num(1), "1");
	CHECK_STR(num(-1.5), "-1.5");
	CHECK_STR(num(0.1), "0.1");
	CHECK_STR(num(0.1 + 0.2), "0.30000000000000004");
	CHECK_STR(num(1e21), "1e+21");
	CHECK_STR(num(1e20), "100000000000000000000");
	CHECK_STR(num(123456789012345680000.0), "123456789012345680000");
	CHECK_STR(num(1e-7), "1e-7");
	CHECK_STR(num(1.5e-7), "1.5e-7");
	CHECK_STR(num(0.000001), "0.000001");
	CHECK_STR(num(9.999999999999997e-7), "9.999999999999997e-7");
	CHECK_STR(num(333333333.33333329), "333333333.3333333");
	CHECK_STR(num(5e-324), "5e-324");
	CHECK_STR(num(-1.7976931348623157e308), "-1.7976931348623157e+308");
	CHECK_STR(num(2.2250738585072014e-308), "2.2250738585072014e-308");
	CHECK_STR(num(9007199254740991.0), "9007199254740991");
	CHECK_STR(num(295147905179352830000.0), "295147905179352830000");
	CHECK_STR(num(1e23), "1e+23");
	CHECK_STR(num(4.35), "4.35");

	/* non-finite values have no JSON form */
	CHECK(ob_jcs_number(NAN, (char[32]){ 0 }) == -1);
	CHECK(ob_jcs_number(INFINITY, (char[32]){ 0 }) == -1);
	CHECK(ob_jcs_number(-INFINITY, (char[32]){ 0 }) == -1);
	CHECK(canon("[1e400]") == NULL);
	CHECK(canon("[-1e400]") == NULL);

	/* every number is a double, as in the reference */
	CHECK_STR(canon("[9007199254740993]"), "[9007199254740992]");
	CHECK_STR(canon("[-0, -0.0, 0e10]"), "[0,0,0]");
	CHECK_STR(canon("[1E30, 4.50, 2e-3, 0.000000000000000000000000001, 56.0]"),
		  "[1e+30,4.5,0.002,1e-27,56]");
	CHECK_STR(canon("[1e21, 1e-7, 999999999999999999999]"), "[1e+21,1e-7,1e+21]");
	CHECK_STR(out("{\"n\":-0.0}", OB_JSON_PRETTY), "{\n  \"n\": 0\n}");

	/* json_integer values (built in code, not parsed) are doubles too */
	v = json_pack("[I,I,i]", (json_int_t)9007199254740993LL,
		      (json_int_t)-9223372036854775807LL - 1, 42);
	p = ob_json_dumps(v, OB_JSON_SORTED);
	CHECK_STR(p, "[9007199254740992,-9223372036854776000,42]");
	free(p);
	json_decref(v);
}

static void test_buffers(void)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *v, *inner;
	int i;

	/* writes append */
	ob_buf_adds(&b, "x=");
	v = json_pack("{s:i,s:s}", "b", 1, "a", "q");
	CHECK(ob_json_write(&b, v, OB_JSON_SORTED) == 0);
	CHECK_STR(b.data, "x={\"a\":\"q\",\"b\":1}");
	CHECK(ob_jcs_canonicalize(v, &b, &err) == OB_OK);
	CHECK_STR(b.data, "x={\"a\":\"q\",\"b\":1}{\"a\":\"q\",\"b\":1}");
	json_decref(v);

	/* too deep: fails, fills err, and leaves the buffer as it was */
	v = json_array();
	inner = v;
	for (i = 0; i < 3000; i++) {
		json_t *a = json_array();
		json_array_append_new(inner, a);
		inner = a;
	}
	ob_buf_release(&b);
	ob_buf_adds(&b, "keep");
	CHECK(ob_json_write(&b, v, OB_JSON_COMPACT) == -1);
	CHECK_STR(b.data, "keep");
	CHECK(ob_jcs_canonicalize(v, &b, &err) == OB_EPARSE);
	CHECK(err.code == OB_EPARSE && strstr(err.msg, "nesting") != NULL);
	CHECK_STR(b.data, "keep");
	CHECK(ob_json_dumps(v, OB_JSON_PRETTY) == NULL);
	json_decref(v);

	/* a buffer that already ran out of memory takes nothing more */
	ob_buf_release(&b);
	b.oom = 1;
	ob_error_clear(&err);
	v = json_pack("[i]", 1);
	CHECK(ob_json_write(&b, v, OB_JSON_COMPACT) == -1);
	CHECK(ob_jcs_canonicalize(v, &b, &err) == OB_ENOMEM);
	CHECK(b.len == 0);
	json_decref(v);
	ob_buf_release(&b);

	/* no value */
	ob_error_clear(&err);
	CHECK(ob_jcs_canonicalize(NULL, &b, &err) != OB_OK);
	CHECK(err.code != OB_OK && err.msg[0] != '\0');
	CHECK(ob_json_dumps(NULL, OB_JSON_COMPACT) == NULL);
	ob_buf_release(&b);
}

int main(void)
{
	ob_init();
	test_layouts();
	test_strings();
	test_order();
	test_numbers();
	test_buffers();
	out(NULL, 0);
	canon(NULL);
	return check_done("test_jcs");
}
