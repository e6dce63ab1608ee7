/* test_rdfc: N-Quads parser errors, canonical N-Quads escapes, the term
 * API, RDFC-1.0 on small graphs (SHA-256 and SHA-384, the identifier map,
 * the work limit) and the debug vector 01-document.nq. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "check.h"
#include "base/codec.h"
#include "base/json.h"
#include "base/obkit.h"
#include "canon/rdfc.h"

/* Parses text; returns the error code, with the message in msg. */
static ob_code parse(const char *text, char *msg, size_t n)
{
	ob_rdf_dataset *ds = ob_rdf_dataset_new();
	ob_error err = { 0 };
	ob_code rc;

	if (!ds)
		abort();
	rc = ob_rdf_parse_nquads(ds, text, strlen(text), &err);
	snprintf(msg, n, "%s", err.msg);
	ob_rdf_dataset_free(ds);
	return rc;
}

#define PARSE_ERR(text, want) do { \
	char m_[256]; \
	CHECK(parse(text, m_, sizeof(m_)) == OB_EPARSE); \
	if (!strstr(m_, want)) \
		fprintf(stderr, "  message: %s\n  want: %s\n", m_, want); \
	CHECK(strstr(m_, want) != NULL); \
} while (0)

static void test_parse_errors(void)
{
	char m[256];

	CHECK(parse("", m, sizeof(m)) == OB_OK);
	CHECK(parse("# only a comment\n\n  \r\n", m, sizeof(m)) == OB_OK);
	CHECK(parse("<a:s> <a:p> <a:o> .", m, sizeof(m)) == OB_OK); /* no final EOL */
	CHECK(parse("<a:s><a:p>\"x\"@en.\n_:b.1 <a:p> _:c. # c\n", m, sizeof(m)) == OB_OK);

	PARSE_ERR("<a:s> <a:p> <a:o> .\n<s> <a:p> <a:o> .\n",
		  "nquads line 2 column 1: bad IRI 's': not absolute");
	PARSE_ERR("<a:s> <a:p> <a:o b> .\n", "line 1 column 17: bad IRI: character U+0020 not allowed");
	PARSE_ERR("<a:s> <a:p> <a:o\n", "line 1 column 13: bad IRI: missing '>'");
	PARSE_ERR("<a:s> <a:p> <a:{o}> .\n", "bad IRI: character '{' not allowed");
	PARSE_ERR("<a:s> <a:p> \"abc .\n", "line 1 column 13: unterminated literal");
	PARSE_ERR("<a:s> <a:p> \"a\nb\" .\n", "line 1 column 13: unterminated literal");
	PARSE_ERR("<a:s> <a:p> \"a\"@ .\n", "line 1 column 16: invalid language tag");
	PARSE_ERR("<a:s> <a:p> \"a\"@en- .\n", "invalid language tag");
	PARSE_ERR("<a:s> <a:p> \"a\"@en_US .\n", "invalid language tag");
	PARSE_ERR("<a:s> <a:p> \"a\\q\" .\n", "line 1 column 15: bad escape");
	PARSE_ERR("<a:s> <a:p> \"\\u12G4\" .\n", "bad escape: '12G4' is not hex");
	PARSE_ERR("<a:s> <a:p> \"\\uD800\" .\n", "bad escape: U+D800 is not a character");
	PARSE_ERR("<a:\\n> <a:p> <a:o> .\n", "bad escape");
	PARSE_ERR("<a:s> <a:p> <a:o>\n", "line 1 column 18: missing '.'");
	PARSE_ERR("<a:s> <a:p> <a:o> <a:g>\n", "missing '.'");
	PARSE_ERR("<a:s> <a:p> <a:o> . x\n", "unexpected text after '.'");
	PARSE_ERR("\"s\" <a:p> <a:o> .\n", "expected subject");
	PARSE_ERR("<a:s> _:p <a:o> .\n", "expected predicate IRI");
	PARSE_ERR("<a:s> <a:p> .\n", "expected object");
	PARSE_ERR("<a:s> <a:p> <a:o> \"g\" .\n", "missing '.'");
	PARSE_ERR("_: <a:p> <a:o> .\n", "bad blank node label");
	PARSE_ERR("<a:s> <a:p> \"x\"^<a:t> .\n", "bad datatype");
	PARSE_ERR("<a:s> <a:p> \"\xff\" .\n", "invalid UTF-8");
	PARSE_ERR("<a:s> <a:p> \"\xc0\xaf\" .\n", "invalid UTF-8");
	PARSE_ERR("<a:s>\t<a:p>\t<a:o> .\r\n<a:s> <a:p> <a:o>", "line 2 column 18: missing '.'");
}

/* Parses text and returns its serialization. */
static char *roundtrip(const char *text)
{
	ob_rdf_dataset *ds = ob_rdf_dataset_new();
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	char *r;

	if (!ds || ob_rdf_parse_nquads(ds, text, strlen(text), &err)) {
		fprintf(stderr, "roundtrip: %s\n", err.msg);
		ob_rdf_dataset_free(ds);
		return NULL;
	}
	ob_rdf_serialize_nquads(ds, &out);
	ob_rdf_dataset_free(ds);
	r = ob_buf_detach(&out, NULL);
	return r;
}

static void check_roundtrip(const char *in, const char *want)
{
	char *got = roundtrip(in);

	CHECK_STR(got, want);
	free(got);
}

static void test_serialize(void)
{
	/* ECHAR for \b \t \n \f \r \" \\, UCHAR for other controls and DEL,
	 * UTF-8 and \' as themselves */
	check_roundtrip("<a:s> <a:p> \"\\t\\b\\n\\r\\f\\\"\\'\\\\\" .\n",
			"<a:s> <a:p> \"\\t\\b\\n\\r\\f\\\"'\\\\\" .\n");
	check_roundtrip("<a:s> <a:p> \"\\u0000\\u0001\\u000b\\u001F\\u007f\\u00E9\\U0001F600\" .\n",
			"<a:s> <a:p> \"\\u0000\\u0001\\u000B\\u001F\\u007F\xc3\xa9\xf0\x9f\x98\x80\" .\n");
	check_roundtrip("<a:s> <a:p> \"\x01\t\x7f\" .\n",
			"<a:s> <a:p> \"\\u0001\\t\\u007F\" .\n");
	/* xsd:string is dropped, other datatypes and language tags stay */
	check_roundtrip("<a:s> <a:p> \"x\"^^<http://www.w3.org/2001/XMLSchema#string> <a:g> .\n"
			"<a:s> <a:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
			"<a:s> <a:p> \"x\"@en-GB .\n",
			"<a:s> <a:p> \"x\" <a:g> .\n"
			"<a:s> <a:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
			"<a:s> <a:p> \"x\"@en-GB .\n");
	/* IRIs: \u escapes decoded, forbidden characters re-escaped */
	check_roundtrip("<a:\\u0073> <a:p> <a:\\u0020\\u00e9> .\n",
			"<a:s> <a:p> <a:\\u0020\xc3\xa9> .\n");
	/* duplicates collapse (a dataset is a set); "x" == "x"^^xsd:string */
	check_roundtrip("_:b <a:p> \"x\" .\n_:b <a:p> \"x\"^^<http://www.w3.org/2001/XMLSchema#string> .\n",
			"_:b <a:p> \"x\" .\n");
}

static void test_api(void)
{
	ob_rdf_dataset *ds = ob_rdf_dataset_new();
	ob_rdf_term s = { OB_RDF_BLANK, "b0", 2, NULL, NULL };
	ob_rdf_term p = { OB_RDF_IRI, "http://e/p", 10, NULL, NULL };
	ob_rdf_term o = { OB_RDF_LITERAL, "a\0b", 3, NULL, "en" };
	ob_rdf_term o2 = { OB_RDF_LITERAL, "5", 1, "http://www.w3.org/2001/XMLSchema#integer", NULL };
	ob_rdf_term g = { OB_RDF_IRI, "urn:g", 5, NULL, NULL };
	ob_rdf_term bad = { OB_RDF_IRI, "relative", 8, NULL, NULL };
	ob_rdf_term badlang = { OB_RDF_LITERAL, "x", 1, NULL, "en us" };
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };

	CHECK(ds != NULL);
	CHECK(ob_rdf_dataset_add(ds, &s, &p, &o, NULL, &err) == OB_OK);
	CHECK(ob_rdf_dataset_add(ds, &s, &p, &o2, &g, &err) == OB_OK);
	CHECK(ob_rdf_dataset_add(ds, &s, &p, &o, NULL, &err) == OB_OK);
	CHECK(ob_rdf_dataset_size(ds) == 2);
	CHECK(ob_rdf_dataset_add(ds, &o, &p, &o, NULL, &err) == OB_EUSAGE);
	CHECK_STR(err.msg, "rdf quad: bad subject kind");
	ob_error_clear(&err);
	CHECK(ob_rdf_dataset_add(ds, &s, &bad, &o, NULL, &err) == OB_EUSAGE);
	CHECK_STR(err.msg, "rdf quad: predicate: IRI is not absolute");
	ob_error_clear(&err);
	CHECK(ob_rdf_dataset_add(ds, &s, &p, &badlang, NULL, &err) == OB_EUSAGE);
	CHECK_STR(err.msg, "rdf quad: object: invalid language tag");
	ob_error_clear(&err);
	s.value = "b 0";
	s.len = 3;
	CHECK(ob_rdf_dataset_add(ds, &s, &p, &o, NULL, &err) == OB_EUSAGE);
	CHECK_STR(err.msg, "rdf quad: subject: bad blank node label");
	s.value = "b0";
	s.len = 2;
	CHECK(ob_rdf_dataset_size(ds) == 2);
	CHECK(ob_rdfc_canonize(ds, OB_RDFC_SHA256, OB_RDFC_WORK_FACTOR, &out, NULL, &err) == OB_OK);
	CHECK_STR(out.data, "_:c14n0 <http://e/p> \"5\"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g> .\n"
			    "_:c14n0 <http://e/p> \"a\\u0000b\"@en .\n");
	ob_buf_release(&out);
	ob_rdf_dataset_free(ds);
	ob_rdf_dataset_free(NULL);
}

/* Canonicalizes text; returns the code, output and map in the buffers. */
static ob_code canon(const char *text, ob_rdfc_hash h, int w, ob_buf *out, ob_buf *map,
		     ob_error *err)
{
	ob_rdf_dataset *ds = ob_rdf_dataset_new();
	ob_code rc;

	if (!ds)
		abort();
	rc = ob_rdf_parse_nquads(ds, text, strlen(text), err);
	if (!rc)
		rc = ob_rdfc_canonize(ds, h, w, out, map, err);
	ob_rdf_dataset_free(ds);
	return rc;
}

static const char diamond[] =
	"<http://example.org/vocab#test> <http://example.org/vocab#A> _:e0 .\n"
	"<http://example.org/vocab#test> <http://example.org/vocab#B> _:e1 .\n"
	"_:e0 <http://example.org/vocab#next> _:e2 .\n"
	"_:e1 <http://example.org/vocab#next> _:e2 .\n";

static void test_canonize(void)
{
	ob_buf out = OB_BUF_INIT, map = OB_BUF_INIT;
	ob_error err = { 0 };
	char clique[8192];
	size_t n = 0;
	int i, j;

	/* W3C test020 (SHA-256) and test075 (SHA-384) */
	CHECK(canon(diamond, OB_RDFC_SHA256, 1, &out, &map, &err) == OB_OK);
	CHECK_STR(out.data,
		  "<http://example.org/vocab#test> <http://example.org/vocab#A> _:c14n2 .\n"
		  "<http://example.org/vocab#test> <http://example.org/vocab#B> _:c14n0 .\n"
		  "_:c14n0 <http://example.org/vocab#next> _:c14n1 .\n"
		  "_:c14n2 <http://example.org/vocab#next> _:c14n1 .\n");
	CHECK_STR(map.data, "e1 c14n0\ne2 c14n1\ne0 c14n2\n");
	ob_buf_release(&out);
	ob_buf_release(&map);
	CHECK(canon(diamond, OB_RDFC_SHA384, 1, &out, &map, &err) == OB_OK);
	CHECK_STR(out.data,
		  "<http://example.org/vocab#test> <http://example.org/vocab#A> _:c14n0 .\n"
		  "<http://example.org/vocab#test> <http://example.org/vocab#B> _:c14n2 .\n"
		  "_:c14n0 <http://example.org/vocab#next> _:c14n1 .\n"
		  "_:c14n2 <http://example.org/vocab#next> _:c14n1 .\n");
	CHECK_STR(map.data, "e0 c14n0\ne2 c14n1\ne1 c14n2\n");
	ob_buf_release(&out);
	ob_buf_release(&map);

	/* W3C test021: a 2-cycle needs Hash N-Degree Quads */
	CHECK(canon("_:e0 <http://example.org/vocab#next> _:e1 .\n"
		    "_:e1 <http://example.org/vocab#next> _:e0 .\n",
		    OB_RDFC_SHA256, 2, &out, NULL, &err) == OB_OK);
	CHECK_STR(out.data, "_:c14n0 <http://example.org/vocab#next> _:c14n1 .\n"
			    "_:c14n1 <http://example.org/vocab#next> _:c14n0 .\n");
	ob_buf_release(&out);
	/* ... and so is refused at work factor 0 */
	CHECK(canon("_:e0 <http://example.org/vocab#next> _:e1 .\n"
		    "_:e1 <http://example.org/vocab#next> _:e0 .\n",
		    OB_RDFC_SHA256, 0, &out, NULL, &err) == OB_EINVALID);
	CHECK_STR(err.msg, "canonicalization work limit exceeded (0)");
	ob_error_clear(&err);

	/* no blank nodes: sorted lines; empty dataset: empty output */
	CHECK(canon("<b:s> <a:p> \"z\" .\n<a:s> <a:p> \"\xee\x80\x80\" .\n<a:s> <a:p> \"\xf0\x9f\x98\x80\" .\n",
		    OB_RDFC_SHA256, 1, &out, NULL, &err) == OB_OK);
	/* UTF-16 order, as the reference: U+1F600 before U+E000 */
	CHECK_STR(out.data, "<a:s> <a:p> \"\xf0\x9f\x98\x80\" .\n<a:s> <a:p> \"\xee\x80\x80\" .\n"
			    "<b:s> <a:p> \"z\" .\n");
	ob_buf_release(&out);
	CHECK(canon("", OB_RDFC_SHA256, 1, &out, NULL, &err) == OB_OK);
	CHECK(out.len == 0);
	ob_buf_release(&out);

	/* URDNA2015 escapes only \" \\ \n \r in literals */
	{
		ob_rdf_dataset *ds = ob_rdf_dataset_new();
		ob_rdfc_opts o = { OB_RDFC_SHA256, OB_RDFC_UNLIMITED, 1 };
		static const char in[] =
			"_:x <a:p> \"t\\tb\\bf\\fu\\u0001\\u007F q\\\"\\\\\\n\\r\"^^<a:\\u0020> .\n";

		CHECK(ds && !ob_rdf_parse_nquads(ds, in, strlen(in), &err));
		CHECK(ob_rdfc_canonize_ex(ds, &o, &out, NULL, &err) == OB_OK);
		CHECK_STR(out.data, "_:c14n0 <a:p> \"t\tb\bf\fu\x01\x7f q\\\"\\\\\\n\\r\"^^<a:\\u0020> .\n");
		ob_buf_release(&out);
		o.urdna2015 = 0;
		CHECK(ob_rdfc_canonize_ex(ds, &o, &out, NULL, &err) == OB_OK);
		CHECK_STR(out.data, "_:c14n0 <a:p> \"t\\tb\\bf\\fu\\u0001\\u007F q\\\"\\\\\\n\\r\"^^<a:\\u0020> .\n");
		ob_buf_release(&out);
		ob_rdf_dataset_free(ds);
	}

	/* the poison graph (W3C test074): a 10-clique fails fast, leaving out as
	 * it was */
	for (i = 0; i < 10; i++)
		for (j = 0; j < 10; j++)
			n += (size_t)snprintf(clique + n, sizeof(clique) - n,
					      "_:e%d <http:/example.com/p> _:e%d .\n", i, j);
	ob_buf_adds(&out, "kept");
	CHECK(canon(clique, OB_RDFC_SHA256, OB_RDFC_WORK_FACTOR, &out, NULL, &err) == OB_EINVALID);
	CHECK_STR(err.msg, "canonicalization work limit exceeded (10)");
	CHECK_STR(out.data, "kept");
	ob_error_clear(&err);
	CHECK(canon(clique, OB_RDFC_SHA256, 3, &out, NULL, &err) == OB_EINVALID);
	CHECK(strstr(err.msg, "work limit exceeded") != NULL);
	ob_buf_release(&out);
}

static void test_document(void)
{
	static const char want[] = "bda86727de5c38c37257f734c0f6422b07535ba569362f3a411c73eb093c6731";
	char path[4096], *text = NULL;
	size_t len = 0;
	unsigned char md[32];
	ob_rdf_dataset *ds = ob_rdf_dataset_new();
	ob_buf out = OB_BUF_INIT, hex = OB_BUF_INIT;
	ob_error err = { 0 };
	int r = snprintf(path, sizeof(path), "%s/vectors/debug/01-document.nq", shared_dir());

	CHECK(r > 0 && (size_t)r < sizeof(path));
	CHECK(ob_file_read(path, 1u << 24, &text, &len, &err) == OB_OK);
	CHECK(ds && ob_rdf_parse_nquads(ds, text ? text : "", len, &err) == OB_OK);
	CHECK(ob_rdf_dataset_size(ds) == 95);
	CHECK(ob_rdfc_canonize(ds, OB_RDFC_SHA256, OB_RDFC_WORK_FACTOR, &out, NULL, &err) == OB_OK);
	CHECK(out.len == len && text && out.data && !memcmp(out.data, text, len));
	CHECK(EVP_Digest(out.data ? out.data : "", out.len, md, NULL, EVP_sha256(), NULL) == 1);
	ob_hex_encode(&hex, md, sizeof(md));
	CHECK_STR(hex.data, want);
	/* relabelled and in reverse line order, it canonicalizes the same */
	if (text && out.data) {
		ob_buf shuffled = OB_BUF_INIT, again = OB_BUF_INIT;
		ob_rdf_dataset *ds2 = ob_rdf_dataset_new();
		char *end = text + len, *line;

		while (end > text) {
			for (line = end - 1; line > text && line[-1] != '\n'; line--)
				;
			for (const char *q = line; q < end; q++) {
				if (!strncmp(q, "_:c14n", 6)) {
					ob_buf_adds(&shuffled, "_:n");
					q += 5;
				} else {
					ob_buf_addc(&shuffled, *q);
				}
			}
			end = line;
		}
		CHECK(strstr(shuffled.data, "c14n") == NULL);
		CHECK(ds2 && ob_rdf_parse_nquads(ds2, shuffled.data, shuffled.len, &err) == OB_OK);
		CHECK(ob_rdfc_canonize(ds2, OB_RDFC_SHA256, OB_RDFC_WORK_FACTOR, &again, NULL, &err) == OB_OK);
		CHECK(again.len == out.len && !memcmp(again.data, out.data, out.len));
		ob_buf_release(&shuffled);
		ob_buf_release(&again);
		ob_rdf_dataset_free(ds2);
	}
	if (err.code)
		fprintf(stderr, "test_document: %s\n", err.msg);
	ob_buf_release(&out);
	ob_buf_release(&hex);
	ob_rdf_dataset_free(ds);
	free(text);
}

int main(void)
{
	ob_init();
	test_parse_errors();
	test_serialize();
	test_api();
	test_canonize();
	test_document();
	return check_done("test_rdfc");
}
