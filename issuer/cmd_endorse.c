/* ob-issuer endorse: an EndorsementCredential (OB 3.0, spec/endorsements.md
 * 1) from this issuer about a credential, an achievement or a profile,
 * named by its id, signed with the issuer's active key. Nothing is
 * logged and no status entry is given: an endorsement is a statement
 * the issuer can publish or embed (endorsement[] of a credential,
 * achievement or profile), not an award. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "base/json.h"
#include "canon/jcs.h"
#include "vc/issue.h"
#include "vc/ob3.h"
#include "issuer.h"
#include "specs.h"

int cmd_endorse(int argc, char **argv);

typedef struct {
	const char *subject, *comment, *name, *valid_from, *valid_until;
} endorse_opts;

/* The unsigned EndorsementCredential, or NULL with err. */
static json_t *build(const issuer_state *st, const endorse_opts *eo, ob_error *err)
{
	ob_buf id = OB_BUF_INIT;
	json_t *e = NULL, *subj;
	char now[32];

	if (ob3_new_uuid(&id, err))
		return NULL;
	ob_date_format(time(NULL), now);
	subj = json_pack("{s:s, s:[s]}", "id", eo->subject, "type", "EndorsementSubject");
	if (!subj || (eo->comment && json_object_set_new(subj, "endorsementComment", json_string(eo->comment))))
		goto oom;
	/* json_pack takes subj ("o"), on failure too */
	e = json_pack("{s:[s,s], s:s, s:[s,s], s:s, s:O, s:s, s:o}",
		      "@context", OB3_CTX_VC2, OB3_CTX_OB,
		      "id", id.data,
		      "type", "VerifiableCredential", "EndorsementCredential",
		      "name", eo->name,
		      "issuer", st->profile,
		      "validFrom", eo->valid_from ? eo->valid_from : now,
		      "credentialSubject", subj);
	subj = NULL;
	if (!e || (eo->valid_until && json_object_set_new(e, "validUntil", json_string(eo->valid_until))))
		goto oom;
	ob_buf_release(&id);
	return e;
oom:
	json_decref(subj);
	json_decref(e);
	ob_buf_release(&id);
	ob_fail(err, OB_ENOMEM, "out of memory");
	return NULL;
}

static const struct ob_cmd_opt endorse_table[] = {
	{ "subject", 0, "ID", "the id of what is endorsed: a credential, achievement or profile", 'S', OB_OPT_REQUIRED },
	{ "comment", 0, "TEXT", "the endorsement's comment", 'C', 0 },
	{ "name", 0, "NAME", "the endorsement's name (default Endorsement)", 'n', 0 },
	{ "valid-from", 0, "T", "when it becomes valid (default now)", 'f', 0 },
	{ "valid-until", 0, "T", "when it expires", 'u', 0 },
	{ "suite", 0, "SUITE", "the proof suite (default: the key's)", 's', 0 },
	{ "created", 0, "T", "the proof's creation time (default now)", 'c', 0 },
	{ "output", 'o', "FILE", "write to FILE instead of standard output", 'o', 0 },
	{ "force", 0, NULL, "let -o replace an existing file", 'F', 0 },
	{ "json", 0, NULL, "with -o: print one JSON object, the endorsement's id, file and subject", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec endorse_spec = {
	"endorse", cmd_endorse, NULL, endorse_table, NULL,
	"Signs an EndorsementCredential about a credential, an achievement or a\n"
	"profile with the issuer's active key; nothing is logged.", NULL,
};

int cmd_endorse(int argc, char **argv)
{
	endorse_opts eo = { .name = "Endorsement" };
	ob_sign_opts so = { .schema_form = 1 };
	issuer_state st = { 0 };
	ob_error err = { 0 };
	const char *out_path = NULL;
	json_t *e = NULL;
	ob_buf out = OB_BUF_INIT;
	int c, rc = 0, force = 0, opened = 0, json = 0;
	json_t *o = NULL;
	char *js = NULL;
	time_t t, t2;

	while ((c = ob_cmd_getopt(&endorse_spec, argc, argv)) != -1) {
		switch (c) {
		case 'S': eo.subject = optarg; break;
		case 'C': eo.comment = optarg; break;
		case 'n': eo.name = optarg; break;
		case 'f': eo.valid_from = optarg; break;
		case 'u': eo.valid_until = optarg; break;
		case 's': so.suite = optarg; break;
		case 'c': so.created = optarg; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case 'j': json = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (json && !out_path)
		return ob_cli_usage(ob_cli_current(), "--json needs -o FILE (the endorsement goes there)");
	if (!eo.subject)
		return ob_cli_usage(ob_cli_current(), "endorse needs --subject ID (the credential, achievement or profile endorsed)");
	/* EndorsementSubject.id is a URI (endorsements.md 1) */
	if (!strchr(eo.subject, ':') || strpbrk(eo.subject, " \t\r\n"))
		return ob_cli_usage(ob_cli_current(), "--subject wants the id (a URI) of what is endorsed, got '%s'", eo.subject);
	if (!*eo.name)
		return ob_cli_usage(ob_cli_current(), "--name must not be empty");
	if (eo.valid_from && ob_date_parse(eo.valid_from, &t, NULL) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --valid-from '%s' (want e.g. 2025-06-01T12:00:00Z)", eo.valid_from);
	if (eo.valid_until && ob_date_parse(eo.valid_until, &t2, NULL) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --valid-until '%s' (want e.g. 2025-06-01T12:00:00Z)", eo.valid_until);
	if (so.suite && !ob_issue_suite_known(so.suite))
		return ob_cli_usage(ob_cli_current(), "unknown --suite '%s' (choose from %s)", so.suite, ob_issue_suites());
	if (so.created && ob_date_parse(so.created, &t, NULL) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --created '%s' (want e.g. 2025-06-01T12:00:00Z)", so.created);
	if (issuer_open(&st, 1, &err))
		goto fail;
	opened = 1;
	so.verification_method = st.vm;
	if (!(e = build(&st, &eo, &err)) || ob_issue_sign(e, st.key, &so, &out, &err) ||
	    ob_cli_output(out_path, out.data, out.len, force, &err))
		goto fail;
	if (out_path)
		fprintf(stderr, "ob-issuer: endorsement %s written to %s\n", ob_json_str(e, "id"), out_path);
	if (json) {
		if (!(o = json_pack("{s:s?, s:s, s:s, s:s}", "id", ob_json_str(e, "id"), "file", out_path,
				    "subject", eo.subject, "name", eo.name)) ||
		    !(js = ob_json_dumps(o, OB_JSON_PRETTY))) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto fail;
		}
		if (printf("%s\n", js) < 0 || fflush(stdout) != 0) {
			ob_fail(&err, OB_EIO, "cannot write to standard output");
			goto fail;
		}
	}
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	free(js);
	json_decref(o);
	json_decref(e);
	ob_buf_release(&out);
	if (opened)
		issuer_close(&st);
	return rc;
}
