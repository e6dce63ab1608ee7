/* ob-verifier scan: reads the QR code in a picture (PNG or JPEG), gets the
 * credential it carries (the "VC1-" payload, or the link through the
 * loader) and verifies it as `verify` does. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cmds.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "io/qrscan.h"
#include "vc/registry.h"
#include "io/source.h"
#include "trust.h"
#include "vc/verify.h"

static const struct ob_cmd_opt scan_opts[] = {
	{ "json", 0, NULL, "print one JSON object instead of the text report", 'j', 0 },
	{ "quiet", 'q', NULL, "print nothing when the credential is valid", 'q', 0 },
	TRUST_POLICY_TABLE,
	TRUST_SOURCES_TABLE,
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec scan_spec = {
	"scan", cmd_scan, NULL, scan_opts, "IMAGE|-",
	"Reads the QR code in a PNG or JPEG picture and verifies the credential\n"
	"it carries (inside, or behind its link) as verify does.",
	NULL,
};

int cmd_scan(int argc, char **argv)
{
	struct trust t;
	ob_report *r = NULL;
	ob_error err = { 0 };
	ob_buf image = OB_BUF_INIT, payload = OB_BUF_INIT, text = OB_BUF_INIT, out = OB_BUF_INIT;
	const char *how = NULL, *path;
	char *js = NULL;
	json_t *j = NULL;
	int c, rc, as_json = 0, quiet = 0;

	if ((rc = trust_init(&t)))
		goto out;
	while ((c = ob_cmd_getopt(&scan_spec, argc, argv)) != -1) {
		if ((rc = trust_option(&t, c, optarg)) >= 0) {
			if (rc)
				goto out;
			continue;
		}
		rc = 0;
		switch (c) {
		case 'j': as_json = 1; break;
		case 'q': quiet = 1; break;
		case OB_OPT_HELP: rc = ob_cli_help(); goto out;
		default: rc = ob_cli_usage(ob_cli_current(), "invalid option"); goto out;
		}
	}
	if (argc - optind != 1) {
		rc = ob_cli_usage(ob_cli_current(), "scan needs one IMAGE (PNG or JPEG, or - for standard input)");
		goto out;
	}
	path = argv[optind];
	/* a QR link needs the network unless --doc maps it; as for verify,
	 * through the disk cache, and --offline keeps to the cache and the map */
	if ((rc = trust_ready(&t)))
		goto out;

	if (ob_source_read(path, t.loader, &image, &err)) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	if (!ob_qrscan_sniff(image.data ? image.data : "", image.len)) {
		rc = ob_cli_errorf(1, "'%s' is not a PNG or JPEG image", path);
		goto out;
	}
	/* the QR code, even in a baked badge: that is what a phone would read */
	if (ob_qrscan_image(image.data, image.len, &payload, &err)) {
		if (err.code == OB_EINVALID)
			rc = ob_cli_errorf(1, "no QR code found in '%s'", path);
		else
			rc = ob_cli_fail(&err);
		goto out;
	}
	if (ob_source_unwrap(payload.data ? payload.data : "", payload.len, t.loader, &text, &how, &err)) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	if (!quiet && !as_json)
		fprintf(stderr, "%s: '%s': QR code with %s\n", ob_cli_prog(), path,
			!strcmp(how, "link") ? "a link to the credential" : "the credential inside");
	if (!(r = ob_verify_bytes(text.data ? text.data : "", text.len, &t.vo, &err))) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	if (as_json) {
		if (!(j = ob_report_to_json(r)) || !(js = ob_json_dumps(j, OB_JSON_PRETTY))) {
			rc = ob_cli_errorf(3, "out of memory");
			goto out;
		}
		printf("%s\n", js);
	} else if (!quiet || r->verdict != OB_VALID) {
		if (ob_report_render_text(r, &out) < 0) {
			rc = ob_cli_errorf(3, "out of memory");
			goto out;
		}
		fwrite(out.data, 1, out.len, stdout);
	}
	rc = ob_report_exit_code(r);
out:
	ob_report_free(r);
	trust_release(&t);
	ob_buf_release(&image);
	ob_buf_release(&payload);
	ob_buf_release(&text);
	ob_buf_release(&out);
	json_decref(j);
	free(js);
	return rc;
}
