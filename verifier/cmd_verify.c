#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "dates.h"
#include "jcs.h"
#include "json.h"
#include "keys.h"
#include "loader.h"
#include "verify.h"

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "now", required_argument, NULL, 'n' },
		{ "challenge", required_argument, NULL, 'c' },
		{ "domain", required_argument, NULL, 'd' },
		{ "doc", required_argument, NULL, 'D' },
		{ "jwk", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_verify_opts vo = { 0 };
	ob_loader *loader = ob_loader_new();
	ob_key *jwk = NULL;
	ob_report *r = NULL;
	ob_error err = { 0 };
	ob_buf text = OB_BUF_INIT;
	char *data = NULL, *js = NULL;
	const char *jwk_path = NULL;
	size_t len;
	json_t *j = NULL;
	int c, rc = 0, as_json = 0, quiet = 0;

	if (!loader)
		return ob_cli_errorf(3, "out of memory");
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
		case 'c': vo.challenge = optarg; break;
		case 'd': vo.domain = optarg; break;
		case 'D':
			if (ob_loader_add_spec(loader, optarg, &err)) {
				rc = ob_cli_usage(ob_cli_current(), "%s", err.msg);
				goto out;
			}
			break;
		case 'k': jwk_path = optarg; break;
		case 'h': rc = ob_cli_help(); goto out;
		default: rc = ob_cli_usage(ob_cli_current(), "invalid option"); goto out;
		}
	}
	if (argc - optind != 1) {
		rc = ob_cli_usage(ob_cli_current(), "verify needs one FILE (or - for standard input)");
		goto out;
	}
	if (jwk_path) {
		if (!(jwk = ob_key_load(jwk_path, &err))) {
			rc = ob_cli_fail(&err);
			goto out;
		}
		vo.jwt_key = jwk;
	}
	vo.loader = loader;
	if (ob_file_read(argv[optind], OB_JSON_MAX_SIZE, &data, &len, &err)) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	if (!(r = ob_verify_bytes(data, len, &vo, &err))) {
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
		if (ob_report_render_text(r, &text) < 0) {
			rc = ob_cli_errorf(3, "out of memory");
			goto out;
		}
		fwrite(text.data, 1, text.len, stdout);
	}
	rc = ob_report_exit_code(r);
out:
	ob_report_free(r);
	ob_loader_free(loader);
	ob_key_free(jwk);
	ob_buf_release(&text);
	json_decref(j);
	free(js);
	free(data);
	return rc;
}
