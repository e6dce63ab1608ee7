/* ob-verifier scan: reads the QR code in a picture (PNG or JPEG), gets the
 * credential it carries (the "VC1-" payload, or the link through the
 * loader) and verifies it as `verify` does. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "dates.h"
#include "http.h"
#include "jcs.h"
#include "json.h"
#include "keys.h"
#include "loader.h"
#include "qrscan.h"
#include "registry.h"
#include "source.h"
#include "verify.h"

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "now", required_argument, NULL, 'n' },
		{ "doc", required_argument, NULL, 'D' },
		{ "jwk", required_argument, NULL, 'k' },
		{ "offline", no_argument, NULL, 'o' },
		{ "cacert", required_argument, NULL, 'C' },
		{ "registry", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_verify_opts vo = { 0 };
	ob_http_opts ho = { 0 };
	ob_loader *loader = ob_loader_new();
	ob_registry *reg = ob_registry_new();
	ob_key *jwk = NULL;
	ob_report *r = NULL;
	ob_error err = { 0 };
	ob_buf image = OB_BUF_INIT, payload = OB_BUF_INIT, text = OB_BUF_INIT, out = OB_BUF_INIT;
	const char *jwk_path = NULL, *how = NULL, *path;
	char *js = NULL, *cache = NULL;
	json_t *j = NULL;
	int c, rc = 0, as_json = 0, quiet = 0;

	if (!loader || !reg) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': as_json = 1; break;
		case 'q': quiet = 1; break;
		case 'n':
			if (ob_date_parse(optarg, &vo.now, NULL) < 0) {
				rc = ob_cli_usage(ob_cli_current(), "invalid --now '%s' (want e.g. 2026-01-01T00:00:00Z)", optarg);
				goto out;
			}
			break;
		case 'D':
			if (ob_loader_add_spec(loader, optarg, &err)) {
				rc = ob_cli_usage(ob_cli_current(), "%s", err.msg);
				goto out;
			}
			break;
		case 'k': jwk_path = optarg; break;
		case 'o': ho.offline = 1; break;
		case 'C': ho.cacert = optarg; break;
		case 'r':
			if (ob_registry_add_file(reg, optarg, &err)) {
				rc = ob_cli_fail(&err);
				goto out;
			}
			break;
		case 'h': rc = ob_cli_help(); goto out;
		default: rc = ob_cli_usage(ob_cli_current(), "invalid option"); goto out;
		}
	}
	if (argc - optind != 1) {
		rc = ob_cli_usage(ob_cli_current(), "scan needs one IMAGE (PNG or JPEG, or - for standard input)");
		goto out;
	}
	path = argv[optind];
	if (ho.cacert && ob_http_check_cacert(ho.cacert, &err)) {
		rc = ob_cli_usage(ob_cli_current(), "%s", err.msg);
		goto out;
	}
	if (jwk_path) {
		if (!(jwk = ob_key_load(jwk_path, &err))) {
			rc = ob_cli_fail(&err);
			goto out;
		}
		vo.jwt_key = jwk;
	}
	/* a QR link needs the network unless --doc maps it; as for verify,
	 * through the disk cache, and --offline keeps to the cache and the map */
	if (!(cache = ob_http_cache_dir(&err))) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	ho.cache_dir = cache;
	if (ob_loader_set_http(loader, &ho, &err)) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	vo.loader = loader;
	vo.registries = ob_registry_count(reg) ? reg : NULL;

	if (ob_source_read(path, loader, &image, &err)) {
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
	if (ob_source_unwrap(payload.data ? payload.data : "", payload.len, loader, &text, &how, &err)) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	if (!quiet && !as_json)
		fprintf(stderr, "%s: '%s': QR code with %s\n", ob_cli_prog(), path,
			!strcmp(how, "link") ? "a link to the credential" : "the credential inside");
	if (!(r = ob_verify_bytes(text.data ? text.data : "", text.len, &vo, &err))) {
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
	ob_loader_free(loader);
	ob_registry_free(reg);
	ob_key_free(jwk);
	ob_buf_release(&image);
	ob_buf_release(&payload);
	ob_buf_release(&text);
	ob_buf_release(&out);
	json_decref(j);
	free(js);
	free(cache);
	return rc;
}
