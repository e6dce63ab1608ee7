#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/vp1.h"
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
#include "verify_dir.h"

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
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
	       (n >= 4 && !memcmp(d, OB_QR_PREFIX, 4)) || ob_vp1_sniff(d, n) || (n > 8 && !strncmp(d, "https://", 8)) ||
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

ob_code vrow_verify(const char *arg, const char *name, const ob_verify_opts *vo, struct vrow *w,
		    ob_error *fatal)
{
	ob_buf data = OB_BUF_INIT;
	ob_error err = { 0 };

	memset(w, 0, sizeof(*w));
	if (!(w->name = strdup(name)))
		return ob_fail(fatal, OB_ENOMEM, "out of memory");
	if (ob_source_read(arg, vo->loader, &data, &w->err)) {
		ob_buf_release(&data);
		return w->err.code == OB_ENOMEM ? ob_fail(fatal, OB_ENOMEM, "%s", w->err.msg) : OB_OK;
	}
	w->r = verify_carried(&data, vo, &w->err, &err);
	ob_buf_release(&data);
	if (!w->r && (w->err.code == OB_ENET || w->err.code == OB_ELIMIT))
		return OB_OK;
	memset(&w->err, 0, sizeof(w->err));
	if (w->r)
		return OB_OK;
	*fatal = err;
	return err.code ? err.code : OB_EIO;
}

void vrow_release(struct vrow *w)
{
	free(w->name);
	ob_report_free(w->r);
	memset(w, 0, sizeof(*w));
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
	struct vrow w;
	ob_buf text = OB_BUF_INIT;
	ob_error fatal = { 0 };
	json_t *j = NULL;
	char *js = NULL;
	int rc;

	if (vrow_verify(arg, arg, vo, &w, &fatal)) {
		rc = ob_cli_fail(&fatal);
		goto out;
	}
	if (!w.r) {
		if (as_json)
			print_input_error(arg, &w.err);
		rc = ob_cli_fail(&w.err);
		goto out;
	}
	if (report && (rc = vdir_report_one(report, &w)))
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
	vrow_release(&w);
	ob_buf_release(&text);
	json_decref(j);
	free(js);
	return rc;
}

static const struct ob_cmd_opt verify_opts[] = {
	{ "json", 0, NULL, "print one JSON object instead of the text report", 'j', 0 },
	{ "quiet", 'q', NULL, "print nothing when the credential is valid", 'q', 0 },
	TRUST_POLICY_TABLE,
	{ "challenge", 0, "C", "a presentation's proof must carry this challenge", 'c', 0 },
	{ "domain", 0, "D", "a presentation's proof must carry this domain", 'd', 0 },
	TRUST_SOURCES_TABLE,
	{ "report", 0, "OUT.csv|OUT.json", "also write one row per input to a CSV or JSON file", 'P', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec verify_spec = {
	"verify", cmd_verify, NULL, verify_opts, "FILE|URL|DIR|-",
	"Verifies a credential, a presentation or a compact VC-JWT (a file, a URL,\n"
	"a baked badge, a QR code photo, or - for standard input), or every file\n"
	"in DIR. Exit 0 valid, 1 invalid, 3 undecided.",
	NULL,
};

int cmd_verify(int argc, char **argv)
{
	struct trust t;
	const char *report = NULL, *arg;
	struct stat st;
	int c, rc, as_json = 0, quiet = 0;

	if ((rc = trust_init(&t)))
		goto out;
	while ((c = ob_cmd_getopt(&verify_spec, argc, argv)) != -1) {
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
		case OB_OPT_HELP: rc = ob_cli_help(); goto out;
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
		rc = vdir_verify(arg, &t.vo, report, as_json, quiet);
	else
		rc = verify_file(arg, &t.vo, report, as_json, quiet);
out:
	trust_release(&t);
	return rc;
}
