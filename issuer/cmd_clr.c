/* clr: a Comprehensive Learner Record 2.0 of everything this issuer
 * awarded one learner, read back from the issuance log. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "vc/clr.h"
#include "base/dates.h"
#include "vc/issue.h"
#include "issuer.h"
#include "specs.h"
#include "base/json.h"

/* One logged credential into the list: an object, or a JWT string. */
static ob_code add_credential(const char *id, const char *text, size_t len, void *ctx, ob_error *err)
{
	json_t *list = ctx, *c;
	ob_error perr = { 0 };

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	if (len && text[0] == '{')
		c = ob_json_parse(text, len, &perr);
	else
		c = json_stringn(text, len);
	if (!c)
		return ob_fail(err, OB_EIO, "issuance log entry %s is unreadable: %s", id,
			       perr.msg[0] ? perr.msg : "bad text");
	if (json_array_append_new(list, c))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* The learner's credentials as issued (objects, or JWT strings), oldest
 * first. Revoked ones stay out: a record must not vouch for them;
 * suspended ones too unless asked (a suspension is meant to be seen). */
static json_t *load_credentials(issuer_state *st, const char *recipient, int with_suspended,
				ob_error *err)
{
	json_t *list = json_array();

	if (!list) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	if (issuer_db_log_each_for(st->db, recipient, with_suspended, add_credential, list, err)) {
		json_decref(list);
		return NULL;
	}
	return list;
}

static const struct ob_cmd_opt clr_opts[] = {
	{ "recipient", 0, "DID|EMAIL", "the learner, as given to issue (a DID or an e-mail address)", 'r', OB_OPT_REQUIRED },
	{ "name", 0, "NAME", "the record's name", 'n', 0 },
	{ "learner", 0, "NAME", "the learner's name, as the record shows it", 'l', 0 },
	{ "valid-from", 0, "T", "when the record becomes valid (default now)", 'f', 0 },
	{ "partial", 0, NULL, "mark the record as deliberately incomplete", 'p', 0 },
	{ "include-suspended", 0, NULL, "keep suspended credentials (revoked ones never)", 'S', 0 },
	{ "suite", 0, "eddsa-rdfc-2022|eddsa-jcs-2022|Ed25519Signature2020|vc-jwt", "the proof suite (default: the key's)", 's', 0 },
	{ "created", 0, "T", "the proof's creation time (default now)", 'c', 0 },
	{ "output", 'o', "FILE", "write to FILE (atomically) instead of standard output", 'o', 0 },
	{ "force", 0, NULL, "let -o replace an existing file", 'F', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec clr_spec = {
	"clr", cmd_clr, NULL, clr_opts, NULL,
	"Bundles every credential this issuer gave the recipient (read back from\n"
	"the issuance log) into one signed Comprehensive Learner Record 2.0.",
	NULL,
};
OB_CMD_REGISTER(clr_spec)

int cmd_clr(int argc, char **argv)
{
	const char *out_path = NULL;
	ob_clr_opts co = { 0 };
	ob_sign_opts so = { 0 };
	issuer_state st = { 0 };
	ob_error err = { 0 };
	json_t *list = NULL, *clr = NULL;
	const json_t **creds = NULL;
	ob_buf out = OB_BUF_INIT;
	int c, rc = 0, force = 0, opened = 0, with_suspended = 0;
	size_t i, n;
	time_t t;

	while ((c = ob_cmd_getopt(&clr_spec, argc, argv)) != -1) {
		switch (c) {
		case 'r': co.recipient = optarg; break;
		case 'n': co.name = optarg; break;
		case 'l': co.learner = optarg; break;
		case 'f': co.valid_from = optarg; break;
		case 's': so.suite = optarg; break;
		case 'c': so.created = optarg; break;
		case 'p': co.partial = 1; break;
		case 'S': with_suspended = 1; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (!co.recipient || !*co.recipient)
		return ob_cli_usage(ob_cli_current(), "clr needs --recipient DID|EMAIL");
	if (so.suite && !ob_issue_suite_known(so.suite))
		return ob_cli_usage(ob_cli_current(), "unknown --suite '%s' (choose from %s)", so.suite, ob_issue_suites());
	if (so.created && ob_date_parse(so.created, &t, NULL) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --created '%s' (want e.g. 2025-06-01T12:00:00Z)", so.created);
	if (issuer_open(&st, 1, &err))
		goto fail;
	opened = 1;
	so.verification_method = st.vm;
	if (!(list = load_credentials(&st, co.recipient, with_suspended, &err)))
		goto fail;
	n = json_array_size(list);
	if (n == 0) {
		ob_fail(&err, OB_EUSAGE, "no credential issued to %s to put in a record (revoked ones are left out)",
			co.recipient);
		goto fail;
	}
	if (!(creds = calloc(n, sizeof(*creds)))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++)
		creds[i] = json_array_get(list, i);
	if (!(clr = ob_clr_build(st.profile, creds, n, &co, &err)))
		goto fail;
	if (ob_issue_sign(clr, st.key, &so, &out, &err))
		goto fail;
	if (ob_cli_output(out_path, out.data, out.len, force, &err))
		goto fail;
	if (out_path)
		fprintf(stderr, "ob-issuer: CLR %s of %zu credential%s to %s\n", ob_json_str(clr, "id"), n,
			n == 1 ? "" : "s", out_path);
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	free(creds);
	json_decref(list);
	json_decref(clr);
	ob_buf_release(&out);
	if (opened)
		issuer_close(&st);
	return rc;
}
