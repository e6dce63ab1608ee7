/* run_rdfc: the W3C RDF Dataset Canonicalization suite (rdf-canon).
 * Every manifest entry is one check: eval tests compare canonical N-Quads
 * byte for byte, map tests the issued identifiers map, and the negative
 * (poison graph) test must fail with the work-limit error within a second.
 * The suite runs with work factor 3 (the reference's O(n^3)), the lowest
 * that accepts every positive test; hashAlgorithm SHA384 is honoured.
 * RDFC_KNOWN_FAILURES names a sorted file of test ids expected to fail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "check.h"
#include "base/json.h"
#include "base/obkit.h"
#include "canon/rdfc.h"

#define MAX_SHOWN 20
#define MAX_FILE (16u * 1024 * 1024)
#ifndef SUITE_WORK_FACTOR
#define SUITE_WORK_FACTOR 3
#endif

static int shown, skipped;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	check_failed++;
	if (shown++ < MAX_SHOWN) {
		fprintf(stderr, "run_rdfc: FAIL ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	} else if (shown == MAX_SHOWN + 1) {
		fprintf(stderr, "run_rdfc: (further failures not shown)\n");
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Compares our "label c14nN" lines with the expected JSON object. */
static int map_equal(const char *lines, const json_t *want, char *why, size_t n)
{
	const char *p = lines, *nl, *sp;
	size_t count = 0;

	while (*p) {
		const json_t *v;
		char key[256];

		nl = strchr(p, '\n');
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (!nl || !sp || (size_t)(sp - p) >= sizeof(key)) {
			snprintf(why, n, "malformed map line");
			return 0;
		}
		memcpy(key, p, (size_t)(sp - p));
		key[sp - p] = '\0';
		v = json_object_get(want, key);
		if (!json_is_string(v) || strlen(json_string_value(v)) != (size_t)(nl - sp - 1) ||
		    memcmp(json_string_value(v), sp + 1, (size_t)(nl - sp - 1))) {
			snprintf(why, n, "'%s' -> '%.*s', want '%s'", key, (int)(nl - sp - 1),
				 sp + 1, json_is_string(v) ? json_string_value(v) : "(none)");
			return 0;
		}
		count++;
		p = nl + 1;
	}
	if (count != json_object_size(want)) {
		snprintf(why, n, "%zu entries, want %zu", count, json_object_size(want));
		return 0;
	}
	return 1;
}

/* dir/rdf-canon/rel into path; 0, or -1 when too long. */
static int suite_path(char *path, size_t n, const char *dir, const char *rel)
{
	int r = snprintf(path, n, "%s/rdf-canon/%s", dir, rel);

	return r < 0 || (size_t)r >= n ? -1 : 0;
}

static int known_failure(char **known, size_t nknown, const char *id)
{
	size_t i;

	for (i = 0; i < nknown; i++)
		if (!strcmp(known[i], id))
			return 1;
	return 0;
}

static void run_entry(const char *dir, const json_t *e, char **known, size_t nknown)
{
	const char *id = json_string_value(json_object_get(e, "id"));
	const char *type = json_string_value(json_object_get(e, "type"));
	const char *action = json_string_value(json_object_get(e, "action"));
	const char *result = json_string_value(json_object_get(e, "result"));
	const char *alg = json_string_value(json_object_get(e, "hashAlgorithm"));
	char path[4096], why[512] = "";
	char *in = NULL, *want = NULL;
	size_t in_len, want_len;
	ob_rdf_dataset *ds = NULL;
	ob_buf got = OB_BUF_INIT, map = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *want_map = NULL;
	int negative, is_map, ok = 0;
	ob_rdfc_hash hash = alg && !strcmp(alg, "SHA384") ? OB_RDFC_SHA384 : OB_RDFC_SHA256;
	double t0;
	ob_code rc;

	if (!id || !type || !action) {
		fail("manifest entry without id, type or action");
		return;
	}
	if (*id == '#')
		id++;
	negative = strstr(type, "NegativeEvalTest") != NULL;
	is_map = strstr(type, "MapTest") != NULL;
	if (!negative && !is_map && !strstr(type, "EvalTest")) {
		skipped++;
		return;
	}
	if (alg && strcmp(alg, "SHA384") && strcmp(alg, "SHA256")) {
		snprintf(why, sizeof(why), "unknown hashAlgorithm '%s'", alg);
		goto out;
	}
	if (suite_path(path, sizeof(path), dir, action) ||
	    ob_file_read(path, MAX_FILE, &in, &in_len, &err)) {
		snprintf(why, sizeof(why), "%s", err.msg);
		goto out;
	}
	if (!negative) {
		if (!result) {
			snprintf(why, sizeof(why), "no result");
			goto out;
		}
		if (suite_path(path, sizeof(path), dir, result) ||
		    ob_file_read(path, MAX_FILE, &want, &want_len, &err)) {
			snprintf(why, sizeof(why), "%s", err.msg);
			goto out;
		}
	}
	if (!(ds = ob_rdf_dataset_new()))
		abort();
	if (ob_rdf_parse_nquads(ds, in, in_len, &err)) {
		snprintf(why, sizeof(why), "%s", err.msg);
		goto out;
	}
	t0 = now();
	rc = ob_rdfc_canonize(ds, hash, SUITE_WORK_FACTOR, &got, &map, &err);
	if (negative) {
		double dt = now() - t0;

		if (rc != OB_EINVALID || !strstr(err.msg, "work limit exceeded"))
			snprintf(why, sizeof(why), "want the work-limit error, got %d '%s'",
				 rc, err.msg);
		else if (dt > 1.0)
			snprintf(why, sizeof(why), "took %.2f s to fail", dt);
		else
			ok = 1;
		goto out;
	}
	if (rc) {
		snprintf(why, sizeof(why), "%s", err.msg);
		goto out;
	}
	if (is_map) {
		json_error_t je;

		want_map = json_loadb(want, want_len, 0, &je);
		if (!json_is_object(want_map))
			snprintf(why, sizeof(why), "bad map file: %s", je.text);
		else
			ok = map_equal(map.data ? map.data : "", want_map, why, sizeof(why));
	} else if (got.len != want_len || memcmp(got.data, want, want_len)) {
		snprintf(why, sizeof(why), "output differs:\n  got:\n%s  want:\n%s",
			 got.data ? got.data : "", want);
	} else {
		ok = 1;
	}
out:
	if (ok && known_failure(known, nknown, id)) {
		fail("%s: passes but is listed as a known failure", id);
	} else if (ok) {
		check_passed++;
	} else if (known_failure(known, nknown, id)) {
		skipped++;
	} else {
		fail("%s (%s): %s", id, action, why);
	}
	json_decref(want_map);
	ob_buf_release(&got);
	ob_buf_release(&map);
	ob_rdf_dataset_free(ds);
	free(in);
	free(want);
}

int main(void)
{
	const char *dir = conformance_dir(), *kf = getenv("RDFC_KNOWN_FAILURES");
	char path[4096], *text = NULL, *kt = NULL, *known[256], *p;
	size_t len, nknown = 0, i;
	json_t *manifest = NULL, *entries;
	ob_error err = { 0 };

	ob_init();
	if (kf && *kf && !ob_file_read(kf, MAX_FILE, &kt, &len, &err))
		for (p = strtok(kt, "\n"); p && nknown < 256; p = strtok(NULL, "\n"))
			if (*p && *p != '#')
				known[nknown++] = p;
	if (suite_path(path, sizeof(path), dir, "manifest.jsonld") ||
	    ob_file_read(path, MAX_FILE, &text, &len, &err) ||
	    !(manifest = ob_json_parse(text, len, &err))) {
		fail("%s", err.msg);
		goto out;
	}
	entries = json_object_get(manifest, "entries");
	if (!json_array_size(entries))
		fail("no entries in '%s'", path);
	for (i = 0; i < json_array_size(entries); i++)
		run_entry(dir, json_array_get(entries, i), known, nknown);
	printf("run_rdfc: %d tests passed, %d failed, %d skipped\n", check_passed,
	       check_failed, skipped);
out:
	json_decref(manifest);
	free(text);
	free(kt);
	return check_done("run_rdfc");
}
