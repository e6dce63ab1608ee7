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
#include "specs.h"
#include "base/json.h"

static const struct ob_cmd_opt sign_opts[] = {
	{ "key", 0, "KEYFILE", "the private key file (Multikey JSON as init writes it, or a JWK)", 'k', OB_OPT_REQUIRED },
	{ "suite", 0, "eddsa-rdfc-2022|eddsa-jcs-2022|Ed25519Signature2020|vc-jwt", "the proof suite (default: the key's)", 's', 0 },
	{ "created", 0, "T", "the proof's creation time (default now)", 'c', 0 },
	{ "verification-method", 0, "URL", "the verification method the proof names", 'v', 0 },
	{ "purpose", 0, "P", "the proof purpose (default assertionMethod; authentication for a presentation)", 'p', 0 },
	{ "challenge", 0, "C", "the challenge a presentation's verifier asked for", 'C', 0 },
	{ "domain", 0, "D", "the domain a presentation's verifier asked for", 'd', 0 },
	{ "output", 'o', "FILE", "write to FILE (atomically) instead of standard output", 'o', 0 },
	{ "force", 0, NULL, "let -o replace an existing file", 'F', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec sign_spec = {
	"sign", cmd_sign, NULL, sign_opts, "FILE|-",
	"Signs a credential or presentation (JSON in FILE, - for standard input)\n"
	"with a key file: the signed document on standard output or in -o FILE.",
	NULL,
};
OB_CMD_REGISTER(sign_spec)

int cmd_sign(int argc, char **argv)
{
	const char *keyfile = NULL, *out_path = NULL;
	ob_sign_opts so = { 0 };
	ob_error err = { 0 };
	ob_key *key = NULL;
	json_t *doc = NULL;
	ob_buf out = OB_BUF_INIT;
	int c, rc = 0, force = 0;
	time_t t;

	while ((c = ob_cmd_getopt(&sign_spec, argc, argv)) != -1) {
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
		case OB_OPT_HELP: return ob_cli_help();
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
