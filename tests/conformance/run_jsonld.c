/* run_jsonld: the W3C JSON-LD 1.1 toRdf and expand suites
 * (json-ld-api/{toRdf,expand}-manifest.jsonld). Test ids are written
 * "toRdf/t0001", "expand/t0001".
 *
 * Expand tests compare JSON, arrays as multisets except @list values.
 * toRdf positive tests compare N-Quads as sets; with blank nodes, up to a
 * renaming found by backtracking (cases too large for it count as "needs
 * canon", not passed). Negative tests pass when toRdf fails with a message
 * that starts with the expected error code. Skipped: JSON-LD 1.0-only
 * tests, generalized RDF, HTML input, rdfDirection compound-literal.
 *
 * tests/conformance/jsonld-known-failures.txt (JSONLD_KNOWN_FAILURES
 * overrides) lists the test ids expected to fail, sorted, one per line with
 * a reason. The run fails on a failing test not in the list, and on a
 * listed test that passes (so the list shrinks as work goes on).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/json.h"
#include "base/obkit.h"
#include "canon/jsonld.h"

#define MAX_SHOWN 40
#define ISO_BUDGET 2000000L

static int shown, n_pass, n_fail, n_skip, n_known, n_canon, n_fixed;
static int expand_mode; /* running the expand manifest */
static char suite_dir[4096];
static const char *base_iri;
static json_t *docs; /* url -> parsed test document */
static char **known;
static size_t n_known_ids;

/* Resolves the suite's URLs to its files (there is no network). */
static const json_t *load(void *c, const char *url, ob_error *err)
{
	char path[4096];
	json_t *d = json_object_get(docs, url);
	size_t n = strlen(base_iri);

	(void)c;
	if (d)
		return d;
	if (strncmp(url, base_iri, n) != 0) {
		ob_fail(err, OB_ENET, "loading remote context failed: %s", url);
		return NULL;
	}
	if (snprintf(path, sizeof(path), "%s/%s", suite_dir, url + n) >= (int)sizeof(path))
		return NULL;
	d = ob_json_load_file(path, err);
	if (!d) {
		err->code = OB_ENET;
		return NULL;
	}
	json_object_set_new(docs, url, d);
	return d;
}

/* ---- N-Quads as sets of 4-term tuples ---------------------------------- */

struct quad {
	char *t[4]; /* graph "" for the default graph */
};

static size_t term_len(const char *p)
{
	const char *q = p;

	if (*q == '<') {
		q = strchr(q, '>');
		return q ? (size_t)(q - p) + 1 : strlen(p);
	}
	if (*q == '"') {
		for (q++; *q && *q != '"'; q++)
			if (*q == '\\' && q[1])
				q++;
		if (*q)
			q++;
		if (q[0] == '^' && q[1] == '^')
			return term_len(q + 2) + (size_t)(q + 2 - p);
		if (*q == '@')
			while (*q && *q != ' ' && *q != '\t')
				q++;
		return (size_t)(q - p);
	}
	while (*q && *q != ' ' && *q != '\t')
		q++;
	return (size_t)(q - p);
}

/* Parses N-Quads text into quads; returns the count or -1. */
static long parse_nq(const char *text, struct quad **out)
{
	long n = 0, cap = 16;
	const char *p = text;

	*out = calloc((size_t)cap, sizeof(**out));
	while (p && *p) {
		struct quad q = { { NULL, NULL, NULL, NULL } };
		int i;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		if (*p == '#') {
			p = strchr(p, '\n');
			continue;
		}
		for (i = 0; i < 4; i++) {
			size_t l;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '.' || !*p)
				break;
			l = term_len(p);
			q.t[i] = strndup(p, l);
			p += l;
		}
		if (i < 3)
			return -1;
		if (!q.t[3])
			q.t[3] = strdup("");
		p = strchr(p, '\n');
		if (n == cap)
			*out = realloc(*out, (size_t)(cap *= 2) * sizeof(**out));
		(*out)[n++] = q;
	}
	return n;
}

static void free_quads(struct quad *q, long n)
{
	long i;
	int j;

	for (i = 0; i < n; i++)
		for (j = 0; j < 4; j++)
			free(q[i].t[j]);
	free(q);
}

static int quad_cmp(const void *a, const void *b)
{
	const struct quad *x = a, *y = b;
	int i, c;

	for (i = 0; i < 4; i++)
		if ((c = strcmp(x->t[i], y->t[i])) != 0)
			return c;
	return 0;
}

static long dedupe(struct quad *q, long n)
{
	long i, k = 0;
	int j;

	qsort(q, (size_t)n, sizeof(*q), quad_cmp);
	for (i = 0; i < n; i++) {
		if (k && quad_cmp(&q[k - 1], &q[i]) == 0) {
			for (j = 0; j < 4; j++)
				free(q[i].t[j]);
			continue;
		}
		q[k++] = q[i];
	}
	return k;
}

/* Blank node renaming: pairs (a in got -> b in want), both directions. */
struct iso {
	struct quad *a, *b;
	long n;
	char **from, **to;
	int nmap;
	char *used;
	long budget;
};

static const char *mapped(struct iso *s, char **keys, char **vals, const char *k)
{
	int i;

	for (i = 0; i < s->nmap; i++)
		if (strcmp(keys[i], k) == 0)
			return vals[i];
	return NULL;
}

/* Tries to map a[i..] onto unused b's; returns 1 on success, -1 when out
 * of budget. */
static int iso_match(struct iso *s, long i)
{
	long j;
	int k, saved, r;

	if (i == s->n)
		return 1;
	for (j = 0; j < s->n; j++) {
		if (s->used[j])
			continue;
		if (--s->budget < 0)
			return -1;
		saved = s->nmap;
		for (k = 0; k < 4; k++) {
			const char *x = s->a[i].t[k], *y = s->b[j].t[k];

			if (strncmp(x, "_:", 2) == 0 && strncmp(y, "_:", 2) == 0) {
				const char *m = mapped(s, s->from, s->to, x);
				const char *mb = mapped(s, s->to, s->from, y);

				if (!m && !mb) {
					s->from[s->nmap] = (char *)x;
					s->to[s->nmap++] = (char *)y;
				} else if (!m || !mb || strcmp(m, y) || strcmp(mb, x)) {
					break;
				}
			} else if (strcmp(x, y) != 0) {
				break;
			}
		}
		if (k == 4) {
			s->used[j] = 1;
			r = iso_match(s, i + 1);
			if (r)
				return r;
			s->used[j] = 0;
		}
		s->nmap = saved;
	}
	return 0;
}

/* 1 equal, 0 different, -1 undecided (too many blank nodes). */
static int same_dataset(struct quad *a, long na, struct quad *b, long nb)
{
	struct iso s;
	int r;

	if (na != nb)
		return 0;
	s.a = a;
	s.b = b;
	s.n = na;
	s.from = calloc((size_t)na * 4 + 1, sizeof(char *));
	s.to = calloc((size_t)na * 4 + 1, sizeof(char *));
	s.used = calloc((size_t)na + 1, 1);
	s.nmap = 0;
	s.budget = ISO_BUDGET;
	r = iso_match(&s, 0);
	free(s.from);
	free(s.to);
	free(s.used);
	return r;
}

/* JSON-LD equality: arrays are unordered except the values of @list. */
static int ld_equal(const json_t *a, const json_t *b, int ordered)
{
	size_t i, j, n;
	const char *k;
	json_t *v;
	char *used;
	int ok = 1;

	if (json_is_object(a) && json_is_object(b)) {
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, v)
			if (!json_object_get(b, k) ||
			    !ld_equal(v, json_object_get(b, k), strcmp(k, "@list") == 0))
				return 0;
		return 1;
	}
	if (!json_is_array(a) || !json_is_array(b))
		return json_equal((json_t *)a, (json_t *)b);
	n = json_array_size(a);
	if (n != json_array_size(b))
		return 0;
	if (ordered) {
		for (i = 0; i < n; i++)
			if (!ld_equal(json_array_get(a, i), json_array_get(b, i), 0))
				return 0;
		return 1;
	}
	used = calloc(n + 1, 1);
	for (i = 0; i < n && ok; i++) {
		for (j = 0; j < n; j++)
			if (!used[j] && ld_equal(json_array_get(a, i), json_array_get(b, j), 0)) {
				used[j] = 1;
				break;
			}
		ok = j < n;
	}
	free(used);
	return ok;
}

/* ---- the manifest ------------------------------------------------------- */

static int is_known(const char *id)
{
	size_t lo = 0, hi = n_known_ids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(known[mid], id);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void load_known(void)
{
	const char *path = getenv("JSONLD_KNOWN_FAILURES");
	char *text = NULL, *p, *nl;
	size_t len, cap = 64;
	ob_error err = { 0 };

	if (!path)
		path = "tests/conformance/jsonld-known-failures.txt";
	known = malloc(cap * sizeof(*known));
	if (ob_file_read(path, OB_JSON_MAX_SIZE, &text, &len, &err)) {
		fprintf(stderr, "run_jsonld: %s (no known failures)\n", err.msg);
		return;
	}
	for (p = text; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p == '#' || !*p)
			continue;
		p[strcspn(p, " \t")] = '\0';
		if (n_known_ids && strcmp(known[n_known_ids - 1], p) >= 0)
			fprintf(stderr, "run_jsonld: known-failures list not sorted at %s\n", p);
		if (n_known_ids == cap)
			known = realloc(known, (cap *= 2) * sizeof(*known));
		known[n_known_ids++] = strdup(p);
	}
	free(text);
}

static void report(const char *id, int ok, const char *why, const char *detail)
{
	if (ok && is_known(id)) {
		n_fixed++;
		check_failed++;
		fprintf(stderr, "run_jsonld: FIXED %s now passes: remove it from the known failures\n", id);
	} else if (ok) {
		n_pass++;
		check_passed++;
	} else if (is_known(id)) {
		n_known++;
	} else {
		n_fail++;
		check_failed++;
		if (shown++ < MAX_SHOWN)
			fprintf(stderr, "run_jsonld: FAIL %s: %s%s%s\n", id, why, detail ? "\n" : "",
				detail ? detail : "");
	}
	if (getenv("JSONLD_VERBOSE"))
		printf("%s %s %s\n", id, ok ? "pass" : "fail", ok ? "" : why);
}

/* An expand test's result against the expected document at path. */
static void check_expansion(const char *id, const json_t *expanded, const char *path)
{
	ob_error err = { 0 };
	json_t *wantj = ob_json_load_file(path, &err);

	if (!wantj) {
		report(id, 0, err.msg, NULL);
	} else if (ld_equal(expanded, wantj, 0)) {
		report(id, 1, "", NULL);
	} else {
		char *g = json_dumps(expanded, JSON_INDENT(1)), *w = json_dumps(wantj, JSON_INDENT(1)), *d = NULL;

		if (asprintf(&d, "  got:\n%s\n  want:\n%s", g ? g : "", w ? w : "") < 0)
			d = NULL;
		report(id, 0, "different expansion", d);
		free(d);
		free(g);
		free(w);
	}
	json_decref(wantj);
}

static void run_test(const json_t *t)
{
	const char *id = json_string_value(json_object_get(t, "@id"));
	const char *input = json_string_value(json_object_get(t, "input"));
	const char *expect = json_string_value(json_object_get(t, "expect"));
	const char *code = json_string_value(json_object_get(t, "expectErrorCode"));
	const json_t *opt = json_object_get(t, "option"), *types = json_object_get(t, "@type");
	const char *v;
	char url[4096], path[4096], *want = NULL, msg[512], tid[256];
	json_t *expanded = NULL;
	size_t wlen;
	ob_jsonld *p = NULL;
	ob_jsonld_opts o;
	ob_buf got = OB_BUF_INIT;
	ob_error err = { 0 };
	const json_t *doc;
	struct quad *qa = NULL, *qb = NULL;
	long na = 0, nb = 0;
	ob_code rc;
	int negative = ob_json_has_value(types, "jld:NegativeEvaluationTest");
	int r;

	if (!id || !input)
		return;
	if (id[0] == '#')
		id++;
	snprintf(tid, sizeof(tid), "%s/%s", expand_mode ? "expand" : "toRdf", id);
	id = tid;
	if ((v = json_string_value(json_object_get(opt, "specVersion"))) && !strcmp(v, "json-ld-1.0")) {
		n_skip++;
		return;
	}
	if (json_is_true(json_object_get(opt, "produceGeneralizedRdf")) ||
	    strstr(input, ".html") ||
	    ((v = json_string_value(json_object_get(opt, "rdfDirection"))) && !strcmp(v, "compound-literal"))) {
		n_skip++;
		return;
	}
	ob_jsonld_opts_init(&o);
	o.safe = 0;
	o.rdf_direction = OB_JSONLD_DIR_NONE;
	if ((v = json_string_value(json_object_get(opt, "rdfDirection"))) && !strcmp(v, "i18n-datatype"))
		o.rdf_direction = OB_JSONLD_DIR_I18N;
	if ((v = json_string_value(json_object_get(opt, "processingMode"))) && !strcmp(v, "json-ld-1.0"))
		o.mode_10 = 1;
	if (snprintf(url, sizeof(url), "%s%s", base_iri, input) >= (int)sizeof(url))
		return;
	o.base = url;
	if ((v = json_string_value(json_object_get(opt, "base"))))
		o.base = v;
	p = ob_jsonld_new(NULL);
	ob_jsonld_set_loader(p, load, NULL);
	if ((v = json_string_value(json_object_get(opt, "expandContext")))) {
		char curl[4096];

		if (snprintf(curl, sizeof(curl), "%s%s", base_iri, v) >= (int)sizeof(curl))
			goto out;
		o.expand_context = load(NULL, curl, &err);
	}
	doc = load(NULL, url, &err);
	if (!doc) {
		rc = err.code;
	} else {
		ob_error_clear(&err);
		if (expand_mode) {
			expanded = ob_jsonld_expand(p, doc, &o, &err);
			rc = expanded ? OB_OK : err.code;
		} else {
			rc = ob_jsonld_to_rdf(p, doc, &o, ob_jsonld_nquads_fn, &got, &err);
		}
	}
	if (negative) {
		if (rc == OB_OK) {
			snprintf(msg, sizeof(msg), "expected error '%s', got success", code ? code : "?");
			report(id, 0, msg, got.data);
		} else if (code && strncmp(err.msg, code, strlen(code)) != 0) {
			snprintf(msg, sizeof(msg), "expected error '%s', got '%s'", code, err.msg);
			report(id, 0, msg, NULL);
		} else {
			report(id, 1, "", NULL);
		}
		goto out;
	}
	if (rc != OB_OK) {
		snprintf(msg, sizeof(msg), "error: %s", err.msg);
		report(id, 0, msg, NULL);
		goto out;
	}
	if (!expect) {
		report(id, 1, "", NULL);
		goto out;
	}
	if (snprintf(path, sizeof(path), "%s/%s", suite_dir, expect) >= (int)sizeof(path))
		goto out;
	if (expand_mode) {
		check_expansion(id, expanded, path);
		goto out;
	}
	if (ob_file_read(path, OB_JSON_MAX_SIZE, &want, &wlen, &err)) {
		report(id, 0, err.msg, NULL);
		goto out;
	}
	na = parse_nq(got.data ? got.data : "", &qa);
	nb = parse_nq(want, &qb);
	if (na < 0 || nb < 0) {
		report(id, 0, "cannot parse N-Quads", NULL);
		na = na < 0 ? 0 : na;
		nb = nb < 0 ? 0 : nb;
		goto out;
	}
	na = dedupe(qa, na);
	nb = dedupe(qb, nb);
	r = same_dataset(qa, na, qb, nb);
	if (r < 0) {
		n_canon++;
		if (getenv("JSONLD_VERBOSE"))
			printf("%s needs canon\n", id);
	} else {
		snprintf(msg, sizeof(msg), "different quads (%ld, want %ld)", na, nb);
		if (r)
			report(id, 1, "", NULL);
		else {
			char *d = NULL;

			if (asprintf(&d, "  got:\n%s  want:\n%s", got.data ? got.data : "", want) < 0)
				d = NULL;
			report(id, 0, msg, d);
			free(d);
		}
	}
out:
	json_decref(expanded);
	free_quads(qa, na);
	free_quads(qb, nb);
	free(want);
	ob_buf_release(&got);
	ob_jsonld_free(p);
}

static void run_manifest(const char *name, const char *type)
{
	char path[4096];
	ob_error err = { 0 };
	json_t *manifest;
	const json_t *t;
	size_t i;

	n_pass = n_fail = n_skip = n_known = n_canon = n_fixed = 0;
	if (snprintf(path, sizeof(path), "%s/%s", suite_dir, name) >= (int)sizeof(path))
		return;
	manifest = ob_json_load_file(path, &err);
	if (!manifest) {
		fprintf(stderr, "run_jsonld: %s\n", err.msg);
		check_failed++;
		return;
	}
	base_iri = json_string_value(json_object_get(manifest, "baseIri"));
	json_array_foreach(json_object_get(manifest, "sequence"), i, t)
		if (ob_json_has_value(json_object_get(t, "@type"), type))
			run_test(t);
	printf("run_jsonld: %s %d pass, %d fail, %d known failures, %d skip, %d needs canon, %d fixed\n",
	       expand_mode ? "expand" : "toRdf", n_pass, n_fail, n_known, n_skip, n_canon, n_fixed);
	json_decref(manifest);
}

int main(void)
{
	size_t i;

	/* the library's allocator, as the tools run it: toRdf's expansion
	 * then comes from the processor's arena */
	ob_init();
	if (snprintf(suite_dir, sizeof(suite_dir), "%s/json-ld-api", conformance_dir()) >= (int)sizeof(suite_dir))
		return 2;
	docs = json_object();
	load_known();
	run_manifest("toRdf-manifest.jsonld", "jld:ToRDFTest");
	expand_mode = 1;
	run_manifest("expand-manifest.jsonld", "jld:ExpandTest");
	for (i = 0; i < n_known_ids; i++)
		free(known[i]);
	free(known);
	json_decref(docs);
	return check_done("run_jsonld");
}
