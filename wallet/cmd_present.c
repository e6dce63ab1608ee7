#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "vc/issue.h"
#include "proof/sd_select.h"
#include "vc/present.h"
#include "specs.h"
#include "wallet.h"

static const struct ob_cmd_opt present_opts[] = {
	{ "challenge", 0, "C", "the verifier's nonce (required)", 'c', OB_OPT_REQUIRED },
	{ "domain", 0, "D", "the verifier's domain", 'd', 0 },
	{ "suite", 0, "SUITE", "the presentation's proof suite", 's', 0 },
	{ "reveal", 0, "POINTER", "disclose only this JSON pointer (ecdsa-sd-2023)", 'r', OB_OPT_REPEAT },
	{ "output", 'o', "FILE", "write to FILE instead of standard output", 'o', 0 },
	{ "force", 0, NULL, "let -o replace an existing file", 'f', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec present_spec = {
	"present", cmd_present, "ID...", present_opts, NULL,
	"Signs a presentation of the credentials with the holder's key, for a verifier.", NULL,
};

int cmd_present(int argc, char **argv)
{
	ob_error err = { 0 };
	ob_present_opts po = { 0 };
	wallet w = { 0 };
	wallet_rec *recs = NULL;
	const char **texts = NULL;
	size_t *lens = NULL, i, n = 0;
	ob_key *key = NULL;
	ob_buf did = OB_BUF_INIT, out = OB_BUF_INIT, *derived = NULL;
	const char **reveal = NULL;
	size_t nreveal = 0;
	json_t *vp = NULL;
	const char *path = NULL;
	int c, force = 0;

	while ((c = ob_cmd_getopt(&present_spec, argc, argv)) != -1) {
		switch (c) {
		case 'c': po.challenge = optarg; break;
		case 'd': po.domain = optarg; break;
		case 's': po.suite = optarg; break;
		case 'r': {
			/* --reveal POINTER, repeatable: selective disclosure */
			const char **r = realloc(reveal, (nreveal + 1) * sizeof(*r));

			if (!r) {
				free(reveal);
				return ob_cli_errorf(3, "out of memory");
			}
			reveal = r;
			reveal[nreveal++] = optarg;
			break;
		}
		case 'o': path = optarg; break;
		case 'f': force = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: free(reveal); return wallet_bad_option(c, argv);
		}
	}
	if (optind >= argc) {
		free(reveal);
		return ob_cli_usage(ob_cli_current(), "which credentials? (see 'ob-wallet list')");
	}
	for (i = 0; i < nreveal; i++)
		if (ob_sd_pointer_check(reveal[i], &err)) {
			free(reveal);
			/* one line: the pointer is what is wrong, not the usage */
			return ob_cli_errorf(2, "--reveal: %s", err.msg);
		}
	if (!po.challenge || !*po.challenge) {
		free(reveal);
		return ob_cli_usage(ob_cli_current(), "--challenge is required: the verifier's nonce "
				    "makes the presentation good for that request only");
	}
	if (po.suite && strcmp(po.suite, "eddsa-rdfc-2022") && strcmp(po.suite, "eddsa-jcs-2022") &&
	    strcmp(po.suite, "vc-jwt")) {
		free(reveal);
		return ob_cli_usage(ob_cli_current(), "unknown suite '%s' (choose from eddsa-rdfc-2022, "
				    "eddsa-jcs-2022, vc-jwt)", po.suite);
	}
	if (po.suite && !ob_issue_suite_known(po.suite)) {
		free(reveal);
		return ob_cli_errorf(3, "suite '%s' is not available in this build", po.suite);
	}
	n = (size_t)(argc - optind);
	recs = calloc(n, sizeof(*recs));
	texts = calloc(n, sizeof(*texts));
	lens = calloc(n, sizeof(*lens));
	derived = calloc(n, sizeof(*derived));
	if (!recs || !texts || !lens || !derived) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (wallet_unlock(&w, &err))
		goto out;
	for (i = 0; i < n; i++) {
		if (wallet_rec_find(&w, argv[optind + (int)i], WREC_RAW, &recs[i], &err))
			goto out;
		texts[i] = recs[i].raw.data ? recs[i].raw.data : "";
		lens[i] = recs[i].raw.len;
		/* --reveal: each credential goes in as a derived disclosure */
		if (nreveal) {
			if (ob_present_reveal(texts[i], lens[i], reveal, nreveal, NULL, &derived[i], &err)) {
				ob_error e = err;

				ob_error_clear(&err);
				ob_fail(&err, e.code, "'%s': %s", argv[optind + (int)i], e.msg);
				goto out;
			}
			texts[i] = derived[i].data;
			lens[i] = derived[i].len;
		}
	}
	if (!(key = wallet_holder_key(&w, &err)) || ob_key_did(key, &did, NULL, &err))
		goto out;
	if (!(vp = ob_present_build(did.data, texts, lens, n, &err)))
		goto out;
	if (ob_present_sign(vp, key, &po, &out, &err))
		goto out;
	ob_cli_output(path, out.data, out.len, force, &err);
out:
	if (recs)
		for (i = 0; i < n; i++)
			wallet_rec_release(&recs[i]);
	free(recs);
	for (i = 0; derived && i < n; i++)
		ob_buf_release(&derived[i]);
	free(derived);
	free(reveal);
	free(texts);
	free(lens);
	json_decref(vp);
	ob_key_free(key);
	ob_buf_release(&did);
	ob_buf_release(&out);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
