#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "vc/issue.h"
#include "issuer.h"
#include "base/json.h"

int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "suite", required_argument, NULL, 's' },
		{ "created", required_argument, NULL, 'c' },
		{ "verification-method", required_argument, NULL, 'v' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "challenge", required_argument, NULL, 'C' },
		{ "domain", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keyfile = NULL, *out_path = NULL;
	ob_sign_opts so = { 0 };
	ob_error err = { 0 };
	ob_key *key = NULL;
	json_t *doc = NULL;
	ob_buf out = OB_BUF_INIT;
	int c, rc = 0, force = 0;
	time_t t;

	while ((c = ob_opts_getopt(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 's': so.suite = optarg; break;
		case 'c': so.created = optarg; break;
		case 'v': so.verification_method = optarg; break;
		case 'p': so.proof_purpose = optarg; break;
		case 'C': so.challenge = optarg; break;
		case 'd': so.domain = optarg; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case 'h': return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (!keyfile)
		return ob_cli_usage(ob_cli_current(), "sign needs --key KEYFILE");
	if (argc - optind != 1)
		return ob_cli_usage(ob_cli_current(), "sign needs one FILE (or - for standard input)");
	if (so.suite && !ob_issue_suite_known(so.suite))
		return ob_cli_usage(ob_cli_current(), "unknown --suite '%s' (choose from %s)", so.suite, ob_issue_suites());
	if (so.created && ob_date_parse(so.created, &t, NULL) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --created '%s' (want e.g. 2025-06-01T12:00:00Z)", so.created);
	if (!(key = ob_key_load(keyfile, &err)))
		goto fail;
	if (!(doc = ob_json_load_file(argv[optind], &err)))
		goto fail;
	if (ob_issue_sign(doc, key, &so, &out, &err))
		goto fail;
	if (ob_cli_output(out_path, out.data, out.len, force, &err))
		goto fail;
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	ob_key_free(key);
	json_decref(doc);
	ob_buf_release(&out);
	return rc;
}
