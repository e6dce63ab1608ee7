/* test_jsonld: context processing, expansion and toRdf, safe mode. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "base/json.h"
#include "base/obkit.h"
#include "canon/contexts.h"
#include "canon/jsonld.h"
#include "io/loader.h"

static ob_loader *loader;
static ob_jsonld *proc;

/* toRdf of text (JSON) in safe mode with base NULL: N-Quads lines in
 * *out (caller releases), the ob_code returned, err filled. */
static ob_code to_nq(const char *text, ob_buf *out, ob_error *err)
{
	ob_jsonld_opts o;
	json_t *doc;
	ob_code rc;

	ob_jsonld_opts_init(&o);
	doc = ob_json_parse(text, strlen(text), err);
	if (!doc)
		return err->code;
	rc = ob_jsonld_to_rdf(proc, doc, &o, ob_jsonld_nquads_fn, out, err);
	json_decref(doc);
	return rc;
}

/* Expects toRdf of text to fail with a message containing want. */
static void check_error(const char *text, ob_code code, const char *want, int line)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_code rc = to_nq(text, &b, &err);

	if (rc == code && strstr(err.msg, want)) {
		check_passed++;
	} else {
		check_failed++;
		fprintf(stderr, "%s:%d: want error %d '%s', got %d '%s'\n", __FILE__, line,
			code, want, rc, err.msg);
	}
	ob_buf_release(&b);
}

/* Expects toRdf of text to produce a line containing want. */
static void check_quad(const char *text, const char *want, int line)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_code rc = to_nq(text, &b, &err);

	if (!rc && b.data && strstr(b.data, want)) {
		check_passed++;
	} else {
		check_failed++;
		fprintf(stderr, "%s:%d: want quad '%s'\n  err: %s\n  got:\n%s", __FILE__, line,
			want, err.msg, b.data ? b.data : "(none)\n");
	}
	ob_buf_release(&b);
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits text into sorted, distinct lines (pointers into text). */
static size_t split_lines(char *text, char ***lines)
{
	size_t n = 0, cap = 16, i, k;
	char *p, *nl;

	*lines = malloc(cap * sizeof(char *));
	for (p = text; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (n == cap)
			*lines = realloc(*lines, (cap *= 2) * sizeof(char *));
		(*lines)[n++] = p;
	}
	qsort(*lines, n, sizeof(char *), line_cmp);
	for (i = k = 0; i < n; i++)
		if (k == 0 || strcmp((*lines)[k - 1], (*lines)[i]))
			(*lines)[k++] = (*lines)[i];
	return k;
}

static void test_ob3_vector(void)
{
	char path[4096], *text = NULL, *want = NULL, **got_l = NULL, **want_l = NULL;
	size_t len, wlen, ng, nw, i, j, nb_got = 0, nb_want = 0, same = 0;
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	size_t cached;

	snprintf(path, sizeof(path), "%s/vectors/unsigned/ob3-v2.json", shared_dir());
	CHECK(ob_file_read(path, OB_JSON_MAX_SIZE, &text, &len, &err) == OB_OK);
	snprintf(path, sizeof(path), "%s/vectors/debug/01-unsigned-document.nq", shared_dir());
	CHECK(ob_file_read(path, OB_JSON_MAX_SIZE, &want, &wlen, &err) == OB_OK);
	if (!text || !want)
		goto out;
	CHECK(to_nq(text, &b, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "ob3-v2 toRdf: %s\n", err.msg);
	ng = split_lines(b.data, &got_l);
	nw = split_lines(want, &want_l);
	CHECK(ng == nw);
	/* the quads without blank nodes must be identical */
	for (i = 0; i < ng; i++)
		if (!strstr(got_l[i], "_:"))
			nb_got++;
	for (j = 0; j < nw; j++) {
		if (strstr(want_l[j], "_:"))
			continue;
		nb_want++;
		for (i = 0; i < ng; i++)
			if (strcmp(got_l[i], want_l[j]) == 0) {
				same++;
				break;
			}
		if (i == ng)
			fprintf(stderr, "missing: %s\n", want_l[j]);
	}
	CHECK(nb_got == nb_want);
	CHECK(same == nb_want);
	CHECK(nb_want > 30);

	/* a second document on the same contexts reuses every processed one */
	cached = ob_jsonld_cache_size(proc);
	CHECK(cached > 0);
	ob_buf_release(&b);
	CHECK(to_nq(text, &b, &err) == OB_OK);
	CHECK(ob_jsonld_cache_size(proc) == cached);
out:
	free(got_l);
	free(want_l);
	ob_buf_release(&b);
	free(text);
	free(want);
}

#define V2 "\"@context\": [\"https://www.w3.org/ns/credentials/v2\"]"

static void test_safe_mode(void)
{
	check_error("{" V2 ", \"type\": [\"VerifiableCredential\"], \"foo\": \"bar\"}",
		    OB_EINVALID, "data loss: property 'foo'", __LINE__);
	check_error("{" V2 ", \"type\": [\"VerifiableCredential\", \"Foo\"]}",
		    OB_EINVALID, "data loss: relative @type 'Foo'", __LINE__);
	check_error("{" V2 ", \"id\": \"urn:x\", \"type\": \"VerifiableCredential\", \"issuer\": \"not-absolute\"}",
		    OB_EINVALID, "data loss: relative IRI 'not-absolute'", __LINE__);
	check_error("{\"@context\": [\"https://www.w3.org/ns/credentials/v2\", {\"name\": \"http://example.com/name\"}],"
		    " \"type\": \"VerifiableCredential\", \"name\": \"x\"}",
		    OB_EPARSE, "protected term redefinition: name", __LINE__);
	check_error("{\"@context\": [\"https://example.com/unknown/v1\"], \"a\": 1}",
		    OB_ENET, "context not allowed: https://example.com/unknown/v1", __LINE__);
	check_error("{\"@context\": {\"@vocab\": \"http://ex/\"}, \"a\": {\"@value\": \"x\", \"@direction\": \"rtl\"},"
		    " \"@id\": \"http://ex/s\", \"b\": {\"@value\": null}}",
		    OB_EINVALID, "data loss: value object with @value null", __LINE__);
	/* identical redefinition of a protected term is allowed (nested OB credentials) */
	check_quad("{\"@context\": [\"https://www.w3.org/ns/credentials/v2\", \"https://www.w3.org/ns/credentials/v2\"],"
		   " \"id\": \"urn:x\", \"type\": \"VerifiableCredential\", \"name\": \"n\"}",
		   "<urn:x> <https://schema.org/name> \"n\" .", __LINE__);
}

#define VOCAB "\"@context\": {\"@vocab\": \"http://ex/\"}, \"@id\": \"http://ex/s\""

static void test_literals(void)
{
	check_quad("{" VOCAB ", \"a\": 5.3}", "<http://ex/a> \"5.3E0\"^^<http://www.w3.org/2001/XMLSchema#double>", __LINE__);
	check_quad("{" VOCAB ", \"a\": 1.0}", "<http://ex/a> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>", __LINE__);
	check_quad("{" VOCAB ", \"a\": 1e21}", "\"1.0E21\"^^<http://www.w3.org/2001/XMLSchema#double>", __LINE__);
	check_quad("{" VOCAB ", \"a\": -1.2e-5}", "\"-1.2E-5\"^^", __LINE__);
	check_quad("{" VOCAB ", \"a\": 5.9604644775390625e-8}", "\"5.960464477539063E-8\"^^", __LINE__);
	check_quad("{" VOCAB ", \"a\": 0.30000000000000004}", "\"3.0E-1\"^^", __LINE__);
	check_quad("{" VOCAB ", \"a\": -1e-7}", "\"-0\"^^<http://www.w3.org/2001/XMLSchema#integer>", __LINE__);
	check_quad("{" VOCAB ", \"a\": true}", "\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>", __LINE__);
	check_quad("{" VOCAB ", \"a\": {\"@value\": \"x\", \"@language\": \"EN-us\"}}", "\"x\"@en-us .", __LINE__);
	check_quad("{" VOCAB ", \"a\": {\"@value\": \"x\", \"@language\": \"AR\", \"@direction\": \"rtl\"}}",
		   "\"x\"^^<https://www.w3.org/ns/i18n#ar_rtl>", __LINE__);
	check_quad("{" VOCAB ", \"a\": {\"@value\": \"x\", \"@direction\": \"ltr\"}}",
		   "\"x\"^^<https://www.w3.org/ns/i18n#_ltr>", __LINE__);
	check_quad("{\"@context\": {\"@vocab\": \"http://ex/\", \"j\": {\"@type\": \"@json\"}}, \"@id\": \"http://ex/s\","
		   " \"j\": {\"b\": 1, \"a\": [true, null]}}",
		   "\"{\\\"a\\\":[true,null],\\\"b\\\":1}\"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>", __LINE__);
	check_quad("{" VOCAB ", \"a\": \"tab\\there\"}", "\"tab\\there\" .", __LINE__);
	check_quad("{\"@context\": {\"@vocab\": \"http://ex/\", \"l\": {\"@container\": \"@list\"}},"
		   " \"@id\": \"http://ex/s\", \"l\": []}",
		   "<http://ex/s> <http://ex/l> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .", __LINE__);
}

/* toRdf of a file under the shared folder: its ob_code, err filled. */
static ob_code file_rc(const char *rel, ob_error *err)
{
	char path[4096], *text = NULL;
	size_t len;
	ob_buf b = OB_BUF_INIT;
	ob_code rc;

	snprintf(path, sizeof(path), "%s/%s", shared_dir(), rel);
	if ((rc = ob_file_read(path, OB_JSON_MAX_SIZE, &text, &len, err)))
		return rc;
	rc = to_nq(text, &b, err);
	ob_buf_release(&b);
	free(text);
	return rc;
}

static void test_samples(void)
{
	ob_error err = { 0 };

	CHECK(file_rc("conformance/1edtech-validator-samples/ob30/simple.json", &err) == OB_OK);
	ob_error_clear(&err);
	CHECK(file_rc("conformance/1edtech-validator-samples/ob30/simple_v1.json", &err) == OB_OK);
	ob_error_clear(&err);
	CHECK(file_rc("conformance/1edtech-validator-samples/ob30/simple-err-type.json", &err) == OB_EINVALID);
	CHECK(strncmp(err.msg, "data loss: ", 11) == 0);
	ob_error_clear(&err);
	CHECK(file_rc("conformance/1edtech-validator-samples/ob30/simple-err-context.json", &err) == OB_EINVALID);
	CHECK(strncmp(err.msg, "data loss: ", 11) == 0);
}

static void test_scoping(void)
{
	/* proof (@graph container): a named graph linked from the credential */
	check_quad("{" V2 ", \"id\": \"urn:x\", \"type\": \"VerifiableCredential\","
		   " \"proof\": {\"type\": \"DataIntegrityProof\", \"cryptosuite\": \"eddsa-rdfc-2022\","
		   " \"proofPurpose\": \"assertionMethod\"}}",
		   "<https://w3id.org/security#proofPurpose> <https://w3id.org/security#assertionMethod> _:b",
		   __LINE__);
	check_quad("{" V2 ", \"id\": \"urn:x\", \"type\": \"VerifiableCredential\","
		   " \"proof\": {\"type\": \"DataIntegrityProof\"}}",
		   "<urn:x> <https://w3id.org/security#proof> _:b", __LINE__);
	/* a type-scoped context does not reach nested nodes... */
	check_quad("{\"@context\": {\"@vocab\": \"http://ex/\", \"T\": {\"@id\": \"http://ex/T\","
		   " \"@context\": {\"p\": \"http://scoped/p\"}}}, \"@id\": \"urn:s\", \"@type\": \"T\","
		   " \"p\": \"a\", \"c\": {\"@id\": \"urn:c\", \"p\": \"b\"}}",
		   "<urn:s> <http://scoped/p> \"a\" .", __LINE__);
	check_quad("{\"@context\": {\"@vocab\": \"http://ex/\", \"T\": {\"@id\": \"http://ex/T\","
		   " \"@context\": {\"p\": \"http://scoped/p\"}}}, \"@id\": \"urn:s\", \"@type\": \"T\","
		   " \"p\": \"a\", \"c\": {\"@id\": \"urn:c\", \"p\": \"b\"}}",
		   "<urn:c> <http://ex/p> \"b\" .", __LINE__);
	/* ...a property-scoped one does */
	check_quad("{\"@context\": {\"@vocab\": \"http://ex/\", \"q\": {\"@id\": \"http://ex/q\","
		   " \"@context\": {\"p\": \"http://scoped/p\"}}}, \"@id\": \"urn:s\","
		   " \"q\": {\"@id\": \"urn:q\", \"c\": {\"@id\": \"urn:c\", \"p\": \"x\"}}}",
		   "<urn:c> <http://scoped/p> \"x\" .", __LINE__);
	/* VP: verifiableCredential resets the protected context (scoped "@context": null) */
	check_quad("{" V2 ", \"type\": \"VerifiablePresentation\", \"id\": \"urn:p\","
		   " \"verifiableCredential\": {" V2 ", \"id\": \"urn:c\", \"type\": \"VerifiableCredential\","
		   " \"name\": \"n\"}}",
		   "<urn:c> <https://schema.org/name> \"n\" _:b", __LINE__);
	/* a protected term defined out of order (through IRI expansion) stays protected */
	check_error("{\"@context\": [{\"@protected\": true, \"a\": \"p:x\", \"p\": \"http://p/\"},"
		    " {\"p\": \"http://other/\"}], \"a\": 1}",
		    OB_EPARSE, "protected term redefinition: p", __LINE__);
}

/* jansson allocations fail after `budget` of them (allocation-failure loop). */
static long alloc_budget = -1;

static void *failing_malloc(size_t n)
{
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return malloc(n);
}

static void test_alloc_failures(void)
{
	const char *text = "{" V2 ", \"id\": \"urn:x\", \"type\": \"VerifiableCredential\","
		" \"credentialSubject\": {\"id\": \"urn:s\", \"name\": {\"@value\": \"n\", \"@language\": \"en\"}},"
		" \"proof\": {\"type\": \"DataIntegrityProof\", \"proofPurpose\": \"assertionMethod\"}}";
	json_t *doc;
	long n;
	int ok = 0, failed = 0;

	for (n = 0; n < 100000 && !ok; n += (n < 2000 ? 1 : 97)) {
		ob_error err = { 0 };
		ob_jsonld_opts o;
		ob_buf b = OB_BUF_INIT;
		ob_loader *l;
		ob_jsonld *p;
		ob_code rc;

		doc = ob_json_parse(text, strlen(text), &err);
		l = ob_loader_new();
		p = ob_jsonld_new(l);
		if (!doc || !l || !p) {
			CHECK(0);
			break;
		}
		ob_jsonld_opts_init(&o);
		alloc_budget = n;
		json_set_alloc_funcs(failing_malloc, free);
		rc = ob_jsonld_to_rdf(p, doc, &o, ob_jsonld_nquads_fn, &b, &err);
		ob_init(); /* the usual allocator (and toRdf's arena) again */
		alloc_budget = -1;
		if (rc == OB_OK)
			ok = 1;
		else if (!err.code)
			failed++; /* an error must say what failed */
		ob_buf_release(&b);
		ob_jsonld_free(p);
		ob_loader_free(l);
		json_decref(doc);
	}
	CHECK(ok);
	CHECK(failed == 0);
}

/* toRdf's expansion comes from the processor's arena, reset after each
 * document (base/obkit.h): nothing the processor keeps (processed
 * contexts, memos) may come from it. Documents with embedded, scoped and
 * nested contexts, and one that fails halfway, run between two toRdf of
 * the vector, which must give the same bytes (under ASan a kept block
 * would be read after the reset poisoned it). */
static void test_arena_reuse(void)
{
	static const char *const docs[] = {
		"{\"@context\": {\"@vocab\": \"http://ex.org/\", \"T\": {\"@id\": \"http://ex.org/T\","
		" \"@context\": {\"p\": {\"@id\": \"http://ex.org/q\", \"@type\": \"@id\"}}}},"
		" \"@type\": \"T\", \"p\": \"urn:a\", \"n\": {\"@context\": {\"z\": \"http://ex.org/z\"},"
		" \"z\": [1, \"two\", {\"@value\": \"3\", \"@type\": \"http://ex.org/t\"}]}}",
		"{" V2 ", \"type\": \"VerifiableCredential\", \"credentialSubject\": {\"id\": \"urn:s\","
		" \"name\": {\"@value\": \"n\", \"@language\": \"en\"}}}",
		"{\"@context\": {\"@vocab\": \"http://ex.org/\"}, \"a\": {\"@value\": 1, \"@id\": \"x\"}}",
	};
	char path[4096], *text = NULL;
	size_t len, i;
	ob_buf first = OB_BUF_INIT, again = OB_BUF_INIT;
	ob_error err = { 0 };

	snprintf(path, sizeof(path), "%s/vectors/unsigned/ob3-v2.json", shared_dir());
	CHECK(ob_file_read(path, OB_JSON_MAX_SIZE, &text, &len, &err) == OB_OK);
	if (!text)
		return;
	CHECK(to_nq(text, &first, &err) == OB_OK);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		ob_buf b = OB_BUF_INIT;
		ob_error e = { 0 };
		ob_code rc = to_nq(docs[i], &b, &e);

		CHECK(i == 2 ? rc != OB_OK : rc == OB_OK && b.len > 0);
		ob_buf_release(&b);
	}
	CHECK(to_nq(text, &again, &err) == OB_OK);
	CHECK(first.len > 0 && first.len == again.len &&
	      memcmp(first.data, again.data, first.len) == 0);
	ob_buf_release(&first);
	ob_buf_release(&again);
	free(text);
}

/* A quad callback that runs toRdf of another document on the same
 * processor, once, while the outer document's tree lives. */
struct nest_cb {
	ob_buf *out, inner;
	int done;
	ob_code rc;
};

static int nested_fn(void *c, const ob_rdf_term *s, const ob_rdf_term *p,
		     const ob_rdf_term *o, const ob_rdf_term *g)
{
	struct nest_cb *n = c;

	if (!n->done) {
		ob_error err = { 0 };

		n->done = 1;
		n->rc = to_nq("{" V2 ", \"type\": \"VerifiableCredential\", \"name\": \"inner\"}",
			      &n->inner, &err);
	}
	return ob_jsonld_nquads_fn(n->out, s, p, o, g);
}

static void test_arena_nested(void)
{
	const char *text = "{" V2 ", \"type\": \"VerifiableCredential\", \"credentialSubject\":"
		" {\"id\": \"urn:s\", \"name\": \"outer\"}}";
	ob_buf plain = OB_BUF_INIT, nested = OB_BUF_INIT;
	struct nest_cb n = { &nested, OB_BUF_INIT, 0, OB_OK };
	ob_error err = { 0 };
	ob_jsonld_opts o;
	json_t *doc;

	CHECK(to_nq(text, &plain, &err) == OB_OK);
	ob_jsonld_opts_init(&o);
	doc = ob_json_parse(text, strlen(text), &err);
	CHECK(doc && ob_jsonld_to_rdf(proc, doc, &o, nested_fn, &n, &err) == OB_OK);
	CHECK(n.done && n.rc == OB_OK && n.inner.data && strstr(n.inner.data, "\"inner\""));
	CHECK(plain.len > 0 && plain.len == nested.len &&
	      memcmp(plain.data, nested.data, plain.len) == 0);
	json_decref(doc);
	ob_buf_release(&plain);
	ob_buf_release(&nested);
	ob_buf_release(&n.inner);
}

static void test_deep(void)
{
	json_t *doc = json_pack("{s:{s:s}}", "@context", "@vocab", "http://ex/");
	json_t *inner = json_string("leaf");
	ob_jsonld_opts o;
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	int i;

	for (i = 0; i < 10000; i++) {
		json_t *w = json_object();

		json_object_set_new(w, "p", inner);
		inner = w;
	}
	json_object_set_new(doc, "p", inner);
	ob_jsonld_opts_init(&o);
	CHECK(ob_jsonld_to_rdf(proc, doc, &o, ob_jsonld_nquads_fn, &b, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "nesting deeper than") != NULL);
	ob_buf_release(&b);
	json_decref(doc);
}

/* ---- issue 12: hostile contexts fail cleanly (OB_ELIMIT), fast, never
 * by exhausting the stack or the CPU ----------------------------------- */

/* Expands {"@context": ctx, ...extra} (both taken; "@id" added unless
 * given), not in safe mode: returns the code, with err filled on failure
 * and untouched on success. */
static ob_code expand_with(json_t *ctx, json_t *extra, ob_error *err)
{
	json_t *doc = extra ? extra : json_object(), *r;
	ob_jsonld_opts o;
	ob_code rc;

	json_object_set_new(doc, "@context", ctx);
	if (!json_object_get(doc, "@id"))
		json_object_set_new(doc, "@id", json_string("urn:x"));
	ob_jsonld_opts_init(&o);
	o.safe = 0;
	r = ob_jsonld_expand(proc, doc, &o, err);
	rc = r ? OB_OK : err->code;
	CHECK(r ? !err->code : err->code != OB_OK);
	json_decref(r);
	json_decref(doc);
	return rc;
}

/* "a00000": "a00001:x", ..., the last "https://example.org/": defining
 * the first term needs all n, one inside the other. via_type: through
 * each definition's @type instead of its @id. */
static json_t *term_chain(int n, int via_type)
{
	json_t *c = json_object();
	char k[16], v[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "a%05d", i);
		snprintf(v, sizeof(v), "a%05d:x", i + 1);
		if (i == n - 1)
			json_object_set_new(c, k, json_string("https://example.org/"));
		else if (via_type)
			json_object_set_new(c, k, json_pack("{s:s,s:s}", "@id", "https://example.org/t",
							    "@type", v));
		else
			json_object_set_new(c, k, json_string(v));
	}
	return c;
}

static int one_line(const char *msg)
{
	return msg[0] && !strchr(msg, '\n');
}

static void test_hostile_chain(void)
{
	ob_jsonld_opts o;
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *doc;

	/* the input: 12,000 terms, each defined through the next */
	CHECK(expand_with(term_chain(12000, 0), NULL, &err) == OB_ELIMIT);
	CHECK(strstr(err.msg, "over budget: JSON-LD context too deep: term 'a00064'") != NULL);
	CHECK(one_line(err.msg));
	ob_error_clear(&err);
	CHECK(expand_with(term_chain(12000, 1), NULL, &err) == OB_ELIMIT);
	CHECK(strstr(err.msg, "context too deep") != NULL);
	/* toRdf (what proofs canonicalize) fails the same way */
	ob_error_clear(&err);
	doc = json_pack("{s:o,s:s}", "@context", term_chain(12000, 0), "@id", "urn:x");
	ob_jsonld_opts_init(&o);
	CHECK(ob_jsonld_to_rdf(proc, doc, &o, ob_jsonld_nquads_fn, &b, &err) == OB_ELIMIT);
	CHECK(strstr(err.msg, "context too deep") != NULL);
	json_decref(doc);
	ob_buf_release(&b);
	/* the limit itself: a chain of OB_JSONLD_MAX_TERM_DEPTH terms is fine */
	ob_error_clear(&err);
	CHECK(expand_with(term_chain(OB_JSONLD_MAX_TERM_DEPTH, 0), NULL, &err) == OB_OK);
	CHECK(expand_with(term_chain(OB_JSONLD_MAX_TERM_DEPTH, 1), NULL, &err) == OB_OK);
	CHECK(expand_with(term_chain(OB_JSONLD_MAX_TERM_DEPTH + 1, 0), NULL, &err) == OB_ELIMIT);
	ob_error_clear(&err);
	/* the processor is still usable */
	check_quad("{\"@context\": {\"@vocab\": \"http://ex/\"}, \"@id\": \"urn:y\", \"p\": \"v\"}",
		   "<urn:y> <http://ex/p> \"v\" .", __LINE__);
}

/* n scoped contexts, each inside a term of the one before */
static json_t *scoped_chain(int n)
{
	json_t *c = json_pack("{s:s}", "leaf", "https://example.org/leaf");
	int i;

	for (i = 0; i < n; i++)
		c = json_pack("{s:{s:s,s:o}}", "s", "@id", "https://example.org/s", "@context", c);
	return c;
}

static void test_hostile_scoped(void)
{
	ob_error err = { 0 };

	CHECK(expand_with(scoped_chain(OB_JSONLD_MAX_SCOPED_DEPTH), NULL, &err) == OB_OK);
	CHECK(expand_with(scoped_chain(OB_JSONLD_MAX_SCOPED_DEPTH + 1), NULL, &err) == OB_ELIMIT);
	CHECK(strstr(err.msg, "over budget: JSON-LD scoped contexts nested more than 16 deep "
			      "(at term 's')") != NULL);
	ob_error_clear(&err);
	CHECK(expand_with(scoped_chain(5000), NULL, &err) == OB_ELIMIT);
	CHECK(one_line(err.msg));
}

static json_t *many_terms(int n)
{
	json_t *c = json_object();
	char k[16], v[48];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "t%d", i);
		snprintf(v, sizeof(v), "https://example.org/t%d", i);
		json_object_set_new(c, k, json_string(v));
	}
	return c;
}

static void test_hostile_size(void)
{
	ob_error err = { 0 };
	json_t *c, *items, *inner;
	int i, j;

	CHECK(expand_with(many_terms(OB_JSONLD_MAX_TERMS), NULL, &err) == OB_OK);
	CHECK(expand_with(many_terms(OB_JSONLD_MAX_TERMS + 1), NULL, &err) == OB_ELIMIT);
	CHECK_STR(err.msg, "over budget: JSON-LD context with more than 4096 terms (at term 't4096')");
	ob_error_clear(&err);
	/* a term name in a message is short and one line */
	c = many_terms(OB_JSONLD_MAX_TERMS);
	json_object_set_new(c, "x\nx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			    json_string("https://example.org/x"));
	CHECK(expand_with(c, NULL, &err) == OB_ELIMIT);
	CHECK(one_line(err.msg) && strstr(err.msg, "'x?x?xxx") && strstr(err.msg, "...')"));
	ob_error_clear(&err);
	/* many nodes of one type with a scoped context: each applies it to
	 * the document's context (1,000 terms), but once per document */
	c = many_terms(1000);
	json_object_set_new(c, "T", json_pack("{s:s,s:{s:s}}", "@id", "https://example.org/T",
					      "@context", "x", "https://example.org/x"));
	json_object_set_new(c, "items", json_string("https://example.org/items"));
	items = json_array();
	for (i = 0; i < 3000; i++)
		json_array_append_new(items, json_pack("{s:s}", "@type", "T"));
	CHECK(expand_with(c, json_pack("{s:o}", "items", items), &err) == OB_OK);
	/* distinct (context, type) pairs, so each application is new work:
	 * 40 types whose contexts propagate, each holding nodes of all 40 */
	c = many_terms(1000);
	for (i = 0; i < 40; i++) {
		char k[16], v[48];

		snprintf(k, sizeof(k), "T%d", i);
		snprintf(v, sizeof(v), "https://example.org/T%d", i);
		json_object_set_new(c, k, json_pack("{s:s,s:{s:s,s:b}}", "@id", v, "@context",
						      "x", "https://example.org/x", "@propagate", 1));
	}
	json_object_set_new(c, "items", json_string("https://example.org/items"));
	items = json_array();
	for (i = 0; i < 40; i++) {
		char k[16];

		inner = json_array();
		for (j = 0; j < 40; j++) {
			snprintf(k, sizeof(k), "T%d", j);
			json_array_append_new(inner, json_pack("{s:s}", "@type", k));
		}
		snprintf(k, sizeof(k), "T%d", i);
		json_array_append_new(items, json_pack("{s:s,s:o}", "@type", k, "items", inner));
	}
	CHECK(expand_with(c, json_pack("{s:o}", "items", items), &err) == OB_ELIMIT);
	CHECK_STR(err.msg, "over budget: JSON-LD contexts that define or copy more than 1000000 terms");
}

/* Expansion nests only OB_JSONLD_MAX_DEPTH deep, whatever nests: arrays,
 * objects that each bring a context, lists. (2,000 levels: jansson frees
 * recursively, so deeper test documents need a deeper stack to free.) */
static void test_hostile_nesting(void)
{
	static const char *const kinds[] = { "array", "context", "list" };
	ob_error err = { 0 };
	json_t *v;
	size_t k;
	int i;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		v = json_string("leaf");
		for (i = 0; i < 2000; i++) {
			if (k == 0)
				v = json_pack("[o]", v);
			else if (k == 1)
				v = json_pack("{s:{s:s},s:o}", "@context", "q", "http://ex/q", "p", v);
			else
				v = json_pack("{s:[o]}", "@list", v);
		}
		CHECK(expand_with(json_pack("{s:s}", "p", "http://ex/p"), json_pack("{s:o}", "p", v),
				  &err) == OB_EPARSE);
		CHECK(strstr(err.msg, "nesting deeper than") != NULL);
		ob_error_clear(&err);
	}
}

/* N-Quads of text by toRdf's own expansion (the compact tree of struct
 * st's rdf: bare values, single types, JL_TYPED strings) into *a, and by
 * the full expanded form then ob_jsonld_expanded_to_rdf into *b; the two
 * ob_codes in *ra, *rb and their messages in ea, eb. */
static void both_ways(const char *text, int safe, ob_buf *a, ob_buf *b, ob_code *ra,
		      ob_code *rb, ob_error *ea, ob_error *eb)
{
	ob_jsonld_opts o;
	json_t *doc, *x;

	ob_jsonld_opts_init(&o);
	o.safe = safe;
	doc = ob_json_parse(text, strlen(text), ea);
	CHECK(doc != NULL);
	*ra = ob_jsonld_to_rdf(proc, doc, &o, ob_jsonld_nquads_fn, a, ea);
	x = ob_jsonld_expand(proc, doc, &o, eb);
	*rb = x ? ob_jsonld_expanded_to_rdf(x, &o, ob_jsonld_nquads_fn, b, eb) : eb->code;
	json_decref(x);
	json_decref(doc);
}

/* toRdf's compact tree yields exactly the quads (and errors) of the
 * expanded form, for what it keeps differently: one-element @type arrays
 * as strings (and back for a value object), typed strings as JL_TYPED
 * strings (and input strings that start with that byte), one-element
 * property arrays, @type inside @nest. */
static void test_compact_tree(void)
{
	static const char *const docs[] = {
		"{\"@context\": {\"@vocab\": \"http://ex.org/\","
		" \"d\": {\"@id\": \"http://ex.org/d\", \"@type\": \"http://www.w3.org/2001/XMLSchema#date\"},"
		" \"u\": {\"@id\": \"http://ex.org/u\", \"@type\": \"@id\"},"
		" \"l\": {\"@id\": \"http://ex.org/l\", \"@container\": \"@list\"}},"
		" \"@id\": \"http://ex.org/s\", \"@type\": [\"T\"],"
		" \"d\": [\"2020-01-01\", \"\\u0001x\", \"\"], \"u\": [\"http://ex.org/o\"],"
		" \"p\": \"\\u0001plain\", \"q\": [\"one\"], \"r\": [[\"nested\"]],"
		" \"l\": [\"\\u0001a\", {\"@value\": \"b\", \"@type\": \"http://ex.org/t\"}, [\"c\"]],"
		" \"m\": [{\"@type\": [\"U\"], \"p\": [\"w\"]}]}",
		"{\"@context\": {\"@vocab\": \"http://ex.org/\"},"
		" \"p\": {\"@value\": \"x\", \"@type\": [\"http://ex.org/t\"]}}",
		"{\"@context\": {\"@vocab\": \"http://ex.org/\", \"n\": \"@nest\"},"
		" \"@id\": \"http://ex.org/s\", \"n\": {\"@type\": [\"T\"], \"p\": [\"v\"]}}",
		"{\"@context\": {\"@vocab\": \"http://ex.org/\", \"n\": \"@nest\"},"
		" \"p\": {\"@value\": \"x\", \"n\": {\"@type\": [\"http://ex.org/t\"]}}}",
		"{\"@context\": {\"@vocab\": \"http://ex.org/\","
		" \"g\": {\"@id\": \"http://ex.org/g\", \"@container\": \"@graph\"},"
		" \"i\": {\"@id\": \"http://ex.org/i\", \"@container\": \"@index\","
		" \"@type\": \"http://ex.org/t\"}},"
		" \"@id\": \"http://ex.org/s\", \"g\": [{\"@type\": [\"T\"], \"p\": [\"v\"]}],"
		" \"i\": {\"k\": [\"typed\"]}, \"@reverse\": {\"r\": [{\"@id\": \"http://ex.org/o\"}]}}",
		"{\"@context\": {\"@vocab\": \"http://ex.org/\","
		" \"t\": {\"@id\": \"http://ex.org/t\", \"@type\": \"http://ex.org/dt\"}},"
		" \"@type\": [\"undefined:x\"], \"t\": [\"a\", \"b\"], \"@id\": \"_:b\"}",
	};
	size_t i;
	int safe;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		for (safe = 0; safe < 2; safe++) {
			ob_buf a = OB_BUF_INIT, b = OB_BUF_INIT;
			ob_error ea = { 0 }, eb = { 0 };
			ob_code ra, rb;
			int same;

			both_ways(docs[i], safe, &a, &b, &ra, &rb, &ea, &eb);
			same = ra == rb && !strcmp(ea.msg, eb.msg) && a.len == b.len &&
			       (!a.len || !memcmp(a.data, b.data, a.len));
			if (!same)
				fprintf(stderr, "doc %zu safe %d:\n%d %s\n%s--\n%d %s\n%s", i, safe, ra,
					ea.msg, a.data ? a.data : "", rb, eb.msg, b.data ? b.data : "");
			CHECK(same);
			/* the first document has its quads in safe mode */
			if (i == 0 && safe)
				CHECK(ra == OB_OK && a.data && strstr(a.data, "\"\\u0001x\"^^"));
			ob_buf_release(&a);
			ob_buf_release(&b);
		}
}

int main(void)
{
	ob_init(); /* the library's allocator, whose arena toRdf uses */
	loader = ob_loader_new();
	proc = ob_jsonld_new(loader);
	CHECK(loader && proc);
	CHECK(ob_context_shipped("https://www.w3.org/ns/credentials/v2#frag") != NULL);
	CHECK(ob_context_shipped("https://example.com/") == NULL);
	test_ob3_vector();
	test_safe_mode();
	test_literals();
	test_samples();
	test_scoping();
	test_alloc_failures();
	test_arena_reuse();
	test_arena_nested();
	test_deep();
	test_hostile_chain();
	test_hostile_scoped();
	test_hostile_size();
	test_hostile_nesting();
	test_compact_tree();
	ob_jsonld_free(proc);
	ob_loader_free(loader);
	return check_done("test_jsonld");
}
