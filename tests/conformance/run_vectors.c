/* Runs every row of ../shared/vectors/manifest.json through the verifier
 * and compares the verdict with the manifest's: true = valid (exit 0),
 * false = invalid (1), "undecided" = could not establish validity (3),
 * which is where we are stricter on trust than the reference stack (a
 * key nothing ties to the issuer). A row whose suite this build does not
 * implement must come out undecided (exit 3) when the reference says
 * valid, and never valid when it says invalid (an expired one is invalid
 * whatever its proof). */
#include <string.h>

#include "check.h"
#include "base/dates.h"
#include "base/json.h"
#include "proof/keys.h"
#include "io/loader.h"
#include "base/obkit.h"
#include "proof/suite.h"
#include "vc/verify.h"

static int unsupported(const char *name)
{
	const ob_suite *s = ob_suite_by_name(name);

	return s && !s->implemented;
}

int main(void)
{
	char dir[4096], path[4200];
	ob_error err = { 0 };
	json_t *man, *entries, *e;
	size_t i;

	ob_init();
	snprintf(dir, sizeof(dir), "%s/vectors", shared_dir());
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	man = ob_json_load_file(path, &err);
	if (!man) {
		fprintf(stderr, "run_vectors: %s\n", err.msg);
		check_failed++;
		return check_done("run_vectors");
	}
	entries = json_object_get(man, "entries");
	CHECK(json_array_size(entries) == 20);
	json_array_foreach(entries, i, e) {
		const char *file = ob_json_str(e, "file"), *suite = ob_json_str(e, "suite");
		const json_t *exp = json_object_get(e, "expected");
		/* 0 valid, 1 invalid, 3 undecided: the exit code wanted */
		int want = json_is_true(exp) ? 0 : json_is_false(exp) ? 1 :
			   json_is_string(exp) && !strcmp(json_string_value(exp), "undecided") ? 3 : -2;
		const json_t *args = json_object_get(e, "verify_args"), *docs, *v;
		const char *url;
		ob_verify_opts vo = { 0 };
		ob_loader *l = ob_loader_new();
		ob_key *jwk = NULL;
		ob_report *r = NULL;
		char *data = NULL;
		size_t len;
		int got, ok;

		ob_error_clear(&err);
		ob_date_parse("2026-01-01T00:00:00Z", &vo.now, NULL);
		vo.challenge = ob_json_str(args, "challenge");
		vo.domain = ob_json_str(args, "domain");
		vo.loader = l;
		docs = json_object_get(args, "docs");
		json_object_foreach((json_t *)docs, url, v) {
			snprintf(path, sizeof(path), "%s/%s", dir, json_string_value(v));
			ob_loader_add(l, url, path, &err);
		}
		if (ob_json_str(args, "jwk")) {
			snprintf(path, sizeof(path), "%s/%s", dir, ob_json_str(args, "jwk"));
			jwk = ob_key_load(path, &err);
			vo.jwt_key = jwk;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (ob_file_read(path, OB_JSON_MAX_SIZE, &data, &len, &err) == OB_OK)
			r = ob_verify_bytes(data, len, &vo, &err);
		got = r ? ob_report_exit_code(r) : -1;
		if (want == -2)
			ok = 0; /* a manifest value this runner does not know */
		else if (unsupported(suite))
			ok = want == 1 ? (got == 3 || got == 1) : got == 3;
		else
			ok = got == want;
		if (ok)
			check_passed++;
		else {
			size_t k;
			check_failed++;
			fprintf(stderr, "FAIL %s (%s): expected exit %d, got %d\n", file, suite, want, got);
			for (k = 0; r && k < r->nchecks; k++)
				fprintf(stderr, "    %s %s: %s\n", ob_outcome_name(r->checks[k].outcome),
					r->checks[k].id, r->checks[k].message);
		}
		ob_report_free(r);
		ob_key_free(jwk);
		ob_loader_free(l);
		free(data);
	}
	json_decref(man);
	return check_done("run_vectors");
}
