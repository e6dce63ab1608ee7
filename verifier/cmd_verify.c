#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/bake.h"
#include "cli/cli.h"
#include "cmds.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "io/http.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "proof/keys.h"
#include "io/loader.h"
#include "io/qr.h"
#include "io/qrscan.h"
#include "vc/registry.h"
#include "io/source.h"
#include "base/text.h"
#include "trust.h"
#include "vc/verify.h"

/* A directory holds at most this many files to verify. */
#define MAX_FILES 100000

/* One verified input: what a report row needs. */
struct row {
	char *name;      /* as shown: the file name, or the argument */
	ob_report *r;    /* NULL when the input could not be read */
	ob_error err;    /* why not */
};

static void rows_free(struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].name);
		ob_report_free(rows[i].r);
	}
	free(rows);
}

static const char *row_verdict(const struct row *w)
{
	return w->r ? ob_verdict_name(w->r->verdict) : "undecided";
}

static int row_exit(const struct row *w)
{
	return w->r ? ob_report_exit_code(w->r) : 3;
}

/* "id: message" of the check that decided the verdict, or "". */
static void row_problem(const struct row *w, char *buf, size_t n)
{
	const ob_check *c;

	buf[0] = '\0';
	if (!w->r)
		snprintf(buf, n, "input: %s", w->err.msg);
	else if ((c = ob_report_first_problem(w->r)))
		snprintf(buf, n, "%s: %s", c->id ? c->id : "", c->message ? c->message : "");
}

/* RFC 4180 field. A field a spreadsheet would run as a formula (= + - @,
 * or a leading tab or CR) gets a leading apostrophe (OWASP CSV
 * injection): the report is meant to be opened in one. */
static void csv_field(ob_buf *o, const char *s, int last)
{
	const char *p;
	char *safe;

	if (!s)
		s = "";
	ob_buf_addc(o, '"');
	if (strchr("=+-@\t\r", s[0]) && s[0])
		ob_buf_addc(o, '\'');
	/* control characters escaped: a name cannot break a row or a line */
	if (!(safe = ob_text_safe(s))) {
		o->oom = 1;
		return;
	}
	for (p = safe; *p; p++) {
		if (*p == '"')
			ob_buf_addc(o, '"');
		ob_buf_addc(o, *p);
	}
	free(safe);
	ob_buf_adds(o, last ? "\"\r\n" : "\",");
}

static int render_csv(const struct row *rows, size_t n, ob_buf *o)
{
	char why[600];
	size_t i;

	ob_buf_adds(o, "file,verdict,kind,issuer,issuer_name,achievement,learner,first_failing_check\r\n");
	for (i = 0; i < n; i++) {
		const ob_report *r = rows[i].r;
		row_problem(&rows[i], why, sizeof(why));
		csv_field(o, rows[i].name, 0);
		csv_field(o, row_verdict(&rows[i]), 0);
		csv_field(o, r ? r->kind : "", 0);
		csv_field(o, r ? r->issuer_id : NULL, 0);
		csv_field(o, r ? r->issuer_name : NULL, 0);
		csv_field(o, r ? r->achievement_name : NULL, 0);
		csv_field(o, r ? r->learner : NULL, 0);
		csv_field(o, why, 1);
	}
	return o->oom ? -1 : 0;
}

static int set_opt(json_t *o, const char *k, const char *v)
{
	return v ? json_object_set_new(o, k, json_string(v)) : 0;
}

static json_t *render_json(const struct row *rows, size_t n)
{
	json_t *top = json_object(), *list = json_array();
	size_t i, counts[3] = { 0, 0, 0 };
	char why[600];
	int bad = !top || !list;

	for (i = 0; !bad && i < n; i++) {
		const ob_report *r = rows[i].r;
		json_t *o = json_object();

		counts[r ? r->verdict : OB_UNDECIDED]++;
		row_problem(&rows[i], why, sizeof(why));
		bad |= !o;
		bad |= set_opt(o, "file", rows[i].name);
		bad |= set_opt(o, "verdict", row_verdict(&rows[i]));
		if (r) {
			bad |= set_opt(o, "kind", r->kind);
			bad |= set_opt(o, "issuer", r->issuer_id);
			bad |= set_opt(o, "issuerName", r->issuer_name);
			bad |= set_opt(o, "achievement", r->achievement_name);
			bad |= set_opt(o, "learner", r->learner);
		}
		bad |= set_opt(o, "firstFailingCheck", why[0] ? why : NULL);
		if (r)
			bad |= json_object_set_new(o, "result", ob_report_to_json(r));
		bad |= json_array_append_new(list, o);
	}
	bad |= json_object_set_new(top, "files", json_integer((json_int_t)n));
	bad |= json_object_set_new(top, "valid", json_integer((json_int_t)counts[OB_VALID]));
	bad |= json_object_set_new(top, "invalid", json_integer((json_int_t)counts[OB_INVALID]));
	bad |= json_object_set_new(top, "undecided", json_integer((json_int_t)counts[OB_UNDECIDED]));
	bad |= json_object_set(top, "results", list);
	json_decref(list);
	if (bad) {
		json_decref(top);
		return NULL;
	}
	return top;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* Writes the report (CSV or JSON by the file's extension) atomically. */
static int write_report(const char *path, const struct row *rows, size_t n)
{
	ob_buf o = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *j = NULL;
	char *s = NULL;
	int rc = 0;

	if (ends_with(path, ".json")) {
		if (!(j = render_json(rows, n)) || !(s = ob_json_dumps(j, OB_JSON_PRETTY)) ||
		    ob_buf_adds(&o, s) < 0 || ob_buf_addc(&o, '\n') < 0)
			rc = ob_cli_errorf(3, "out of memory");
	} else if (render_csv(rows, n, &o) < 0)
		rc = ob_cli_errorf(3, "out of memory");
	if (!rc && ob_write_file_atomic(path, o.data, o.len, 0644, 1, &err))
		rc = ob_cli_fail(&err);
	json_decref(j);
	free(s);
	ob_buf_release(&o);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir (hidden ones skipped), sorted by name. */
static int list_dir(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, *path;
	size_t cap = 0;
	struct stat st;

	*n = 0;
	if (!d)
		return ob_cli_errorf(3, "cannot open directory '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!(path = ob_path_join(dir, de->d_name)))
			goto oom;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		free(path);
		if (*n >= MAX_FILES) {
			closedir(d);
			*names = v;
			return ob_cli_errorf(2, "'%s' holds more than %d files", dir, MAX_FILES);
		}
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));
			if (!nv)
				goto oom;
			v = nv;
		}
		if (!(v[*n] = strdup(de->d_name)))
			goto oom;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	*names = v;
	return 0;
oom:
	closedir(d);
	*names = v;
	return ob_cli_errorf(3, "out of memory");
}

/* Only an image, a QR payload or a link carries a credential to unwrap;
 * JSON and JWT text, the usual input, go straight to the verifier. */
static int carrier(const char *d, size_t n)
{
	while (n && isspace((unsigned char)*d)) {
		d++;
		n--;
	}
	return ob_qrscan_sniff(d, n) || ob_bake_sniff(d, n) != OB_IMAGE_NONE ||
	       (n >= 4 && !memcmp(d, OB_QR_PREFIX, 4)) || (n > 8 && !strncmp(d, "https://", 8)) ||
	       (n > 7 && !strncmp(d, "http://", 7));
}

/* A QR code photo, a VC1- payload or a link is unwrapped to the
 * credential it carries (source.c); a baked badge and plain text go to
 * the verifier as they are, so the report says how the credential came
 * (its "image" check) and input that is nothing at all is reported as
 * such. */
static ob_report *verify_carried(const ob_buf *data, const ob_verify_opts *vo, ob_error *uerr,
				 ob_error *err)
{
	const char *bytes = data->data ? data->data : "", *how = NULL;
	ob_buf text = OB_BUF_INIT;
	ob_report *r;

	if (!carrier(bytes, data->len))
		return ob_verify_bytes(bytes, data->len, vo, err);
	if (ob_source_unwrap(bytes, data->len, vo->loader, &text, &how, uerr) == OB_ENET ||
	    uerr->code == OB_ELIMIT) {
		/* a QR code's link that cannot be fetched, or a payload over
		 * its budget: undecided, not "not a credential" */
		ob_buf_release(&text);
		return NULL;
	}
	if (uerr->code || !how ||
	    !strcmp(how, "file") || !strncmp(how, "baked", 5)) {
		ob_buf_release(&text);
		return ob_verify_bytes(bytes, data->len, vo, err);
	}
	r = ob_verify_bytes(text.data ? text.data : "", text.len, vo, err);
	ob_buf_release(&text);
	return r;
}

static int verify_input(const char *arg, const char *name, const ob_verify_opts *vo,
			struct row *w)
{
	ob_buf data = OB_BUF_INIT;
	ob_error err = { 0 };

	memset(w, 0, sizeof(*w));
	if (!(w->name = strdup(name)))
		return ob_cli_errorf(3, "out of memory");
	if (ob_source_read(arg, vo->loader, &data, &w->err)) {
		ob_buf_release(&data);
		return w->err.code == OB_ENOMEM ? ob_cli_fail(&w->err) : 0;
	}
	w->r = verify_carried(&data, vo, &w->err, &err);
	ob_buf_release(&data);
	if (!w->r && (w->err.code == OB_ENET || w->err.code == OB_ELIMIT))
		return 0;
	memset(&w->err, 0, sizeof(w->err));
	return w->r ? 0 : ob_cli_fail(&err);
}

/* Exit code of a batch: invalid (1) outranks undecided (3): a credential
 * shown to be bad is the finding a batch must not hide. */
static int worst(const struct row *rows, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		int c = row_exit(&rows[i]);
		if (c == 1)
			return 1;
		if (c)
			rc = c;
	}
	return rc;
}

static int verify_dir(const char *dir, const ob_verify_opts *vo, const char *report,
		      int as_json, int quiet)
{
	struct row *rows = NULL;
	char **names = NULL, *path, why[600];
	size_t n = 0, i, done = 0;
	int rc;

	if ((rc = list_dir(dir, &names, &n)))
		goto out;
	if (!(rows = calloc(n ? n : 1, sizeof(*rows)))) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!(path = ob_path_join(dir, names[i]))) {
			rc = ob_cli_errorf(3, "out of memory");
			goto out;
		}
		rc = verify_input(path, names[i], vo, &rows[i]);
		free(path);
		done = i + 1;
		if (rc)
			goto out;
	}
	if (report && (rc = write_report(report, rows, n)))
		goto out;
	if (as_json) {
		json_t *j = render_json(rows, n);
		char *s = j ? ob_json_dumps(j, OB_JSON_PRETTY) : NULL;
		if (s)
			printf("%s\n", s);
		else
			rc = ob_cli_errorf(3, "out of memory");
		free(s);
		json_decref(j);
		if (rc)
			goto out;
	} else if (!quiet) {
		for (i = 0; i < n; i++) {
			char *name = ob_text_safe(rows[i].name), *reason;
			row_problem(&rows[i], why, sizeof(why));
			reason = ob_text_safe(why);
			printf("%-9s %s%s%s\n", row_verdict(&rows[i]), name ? name : "?",
			       why[0] ? "  " : "", reason ? reason : "");
			free(name);
			free(reason);
		}
	}
	if (!quiet && report)
		fprintf(stderr, "%s: %zu file%s verified, report in %s\n", ob_cli_prog(), n,
			n == 1 ? "" : "s", report);
	rc = worst(rows, n);
out:
	rows_free(rows, done);
	for (i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* --json promises one JSON object on stdout, also when the input could
 * not be read or fetched: then the verdict is undecided. */
static void print_input_error(const char *arg, const ob_error *e)
{
	json_t *o = json_pack("{s:b, s:s, s:n, s:s+, s:s, s:s}", "verified", 0, "verdict", "undecided",
			      "kind", "headline", "UNDECIDED: could not read the input: ", e->msg,
			      "input", arg, "error", e->msg);
	char *js = o ? ob_json_dumps(o, OB_JSON_PRETTY) : NULL;

	if (js)
		printf("%s\n", js);
	free(js);
	json_decref(o);
}

static int verify_file(const char *arg, const ob_verify_opts *vo, const char *report,
		       int as_json, int quiet)
{
	struct row w;
	ob_buf text = OB_BUF_INIT;
	json_t *j = NULL;
	char *js = NULL;
	int rc;

	if ((rc = verify_input(arg, arg, vo, &w)))
		goto out;
	if (!w.r) {
		if (as_json)
			print_input_error(arg, &w.err);
		rc = ob_cli_fail(&w.err);
		goto out;
	}
	if (report && (rc = write_report(report, &w, 1)))
		goto out;
	if (as_json) {
		if (!(j = ob_report_to_json(w.r)) || !(js = ob_json_dumps(j, OB_JSON_PRETTY))) {
			rc = ob_cli_errorf(3, "out of memory");
			goto out;
		}
		printf("%s\n", js);
	} else if (!quiet || w.r->verdict != OB_VALID) {
		if (ob_report_render_text(w.r, &text) < 0) {
			rc = ob_cli_errorf(3, "out of memory");
			goto out;
		}
		fwrite(text.data, 1, text.len, stdout);
	}
	rc = ob_report_exit_code(w.r);
out:
	free(w.name);
	ob_report_free(w.r);
	ob_buf_release(&text);
	json_decref(j);
	free(js);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "challenge", required_argument, NULL, 'c' },
		{ "domain", required_argument, NULL, 'd' },
		{ "report", required_argument, NULL, 'P' },
		TRUST_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trust t;
	const char *report = NULL, *arg;
	struct stat st;
	int c, rc, as_json = 0, quiet = 0;

	if ((rc = trust_init(&t)))
		goto out;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((rc = trust_option(&t, c, optarg)) >= 0) {
			if (rc)
				goto out;
			continue;
		}
		rc = 0;
		switch (c) {
		case 'j': as_json = 1; break;
		case 'q': quiet = 1; break;
		case 'c': t.vo.challenge = optarg; break;
		case 'd': t.vo.domain = optarg; break;
		case 'P':
			if (!ends_with(optarg, ".csv") && !ends_with(optarg, ".json")) {
				rc = ob_cli_usage(ob_cli_current(), "--report wants a file ending in .csv or .json, got '%s'", optarg);
				goto out;
			}
			report = optarg;
			break;
		case 'h': rc = ob_cli_help(); goto out;
		default: rc = ob_cli_usage(ob_cli_current(), "invalid option"); goto out;
		}
	}
	if (argc - optind != 1) {
		rc = ob_cli_usage(ob_cli_current(), "verify needs one FILE, URL or DIR (or - for standard input)");
		goto out;
	}
	arg = argv[optind];
	if ((rc = trust_ready(&t)))
		goto out;
	if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		rc = verify_dir(arg, &t.vo, report, as_json, quiet);
	else
		rc = verify_file(arg, &t.vo, report, as_json, quiet);
out:
	trust_release(&t);
	return rc;
}
