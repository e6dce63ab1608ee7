/* revoke, suspend, reinstate, status: the status bits of a logged
 * credential. Each change is one transaction; the new bits reach
 * verifiers with the next `publish`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "issuer.h"
#include "specs.h"
#include "canon/jcs.h"

enum { REVOKE = ISSUER_REVOKE, SUSPEND = ISSUER_SUSPEND, REINSTATE = ISSUER_REINSTATE };

static ob_code change(issuer_state *st, int what, const char *id, const char *reason, ob_error *err)
{
	issuer_logged l = { 0 };
	char now[32];
	ob_code rc;

	if (issuer_db_begin(st->db, err))
		return err->code;
	/* read and write under the same write lock */
	if ((rc = issuer_db_log_get(st->db, id, &l, err)))
		goto out;
	if (!l.has_status)
		rc = ob_fail(err, OB_EINVALID, "%s was issued without a status entry (--no-status): it cannot be %s",
			     l.id, what == REVOKE ? "revoked" : what == SUSPEND ? "suspended" : "reinstated");
	else if (l.revoked)
		rc = ob_fail(err, OB_EINVALID, "%s is revoked%s%s%s; revocation is final", l.id,
			     l.reason ? " (" : "", l.reason ? l.reason : "", l.reason ? ")" : "");
	else if (what == SUSPEND && !l.suspendable)
		rc = ob_fail(err, OB_EINVALID, "%s has no suspension entry (issue with --suspension); revoke it instead", l.id);
	else if (what == SUSPEND && l.suspended)
		rc = ob_fail(err, OB_EINVALID, "%s is already suspended", l.id);
	else if (what == REINSTATE && !l.suspended)
		rc = ob_fail(err, OB_EINVALID, "%s is not suspended", l.id);
	if (rc)
		goto out;
	ob_date_format(time(NULL), now);
	if ((rc = issuer_db_log_set_state(st->db, l.id, what, reason, now, err)))
		goto out;
	rc = issuer_db_commit(st->db, err);
	if (!rc)
		fprintf(stderr, "ob-issuer: %s %s (status list %ld, index %ld); run 'ob-issuer publish DIR' to publish it\n",
			l.id, what == REVOKE ? "revoked" : what == SUSPEND ? "suspended" : "reinstated", l.list, l.idx);
out:
	if (rc)
		issuer_db_rollback(st->db);
	issuer_logged_release(&l);
	return rc;
}

static const struct ob_cmd_opt revoke_opts[] = {
	{ "reason", 0, "TEXT", "why (required: revocation is final)", 'r', OB_OPT_REQUIRED },
	{ "json", 0, NULL, "print the new state as status --json does", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt suspend_opts[] = {
	{ "reason", 0, "TEXT", "why, kept in the log", 'r', 0 },
	{ "json", 0, NULL, "print the new state as status --json does", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt reinstate_opts[] = {
	{ "json", 0, NULL, "print the new state as status --json does", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt status_opts[] = {
	{ "json", 0, NULL, "print one JSON object", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec revoke_spec = {
	"revoke", cmd_revoke, "ID", revoke_opts, NULL,
	"Revokes a logged credential, for good; verifiers see it with the next publish.", NULL,
};
const struct ob_cmd_spec suspend_spec = {
	"suspend", cmd_suspend, "ID", suspend_opts, NULL,
	"Suspends a credential issued with --suspension, until reinstate.", NULL,
};
const struct ob_cmd_spec reinstate_spec = {
	"reinstate", cmd_reinstate, "ID", reinstate_opts, NULL,
	"Lifts a suspension.", NULL,
};
const struct ob_cmd_spec status_spec = {
	"status", cmd_status, "ID", status_opts, NULL,
	"Prints a logged credential's state (active, revoked or suspended) and its\n"
	"status list entry.",
	NULL,
};
OB_CMD_REGISTER(revoke_spec)
OB_CMD_REGISTER(suspend_spec)
OB_CMD_REGISTER(reinstate_spec)
OB_CMD_REGISTER(status_spec)

static int print_status(issuer_state *st, const char *id, int json);

static int run_change(int what, int argc, char **argv)
{
	const struct ob_cmd_spec *spec = what == REVOKE ? &revoke_spec : what == SUSPEND ? &suspend_spec
			: &reinstate_spec;
	const char *reason = NULL;
	issuer_state st;
	ob_error err = { 0 };
	int c, rc = 0, json = 0;

	while ((c = ob_cmd_getopt(spec, argc, argv)) != -1) {
		switch (c) {
		case 'r': reason = optarg; break;
		case 'j': json = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind + 1 != argc)
		return ob_cli_usage(ob_cli_current(), optind == argc ? "which credential? (give its id)" :
				    "unexpected argument '%s'", argv[optind + 1]);
	if (what == REVOKE && (!reason || !*reason))
		return ob_cli_usage(ob_cli_current(), "revoke needs --reason TEXT (it is final)");
	if (issuer_open(&st, 0, &err))
		return ob_cli_fail(&err);
	if (change(&st, what, argv[optind], reason, &err))
		rc = ob_cli_fail(&err);
	else if (json)
		rc = print_status(&st, argv[optind], 1);
	issuer_close(&st);
	return rc;
}

int cmd_revoke(int argc, char **argv)
{
	return run_change(REVOKE, argc, argv);
}

int cmd_suspend(int argc, char **argv)
{
	return run_change(SUSPEND, argc, argv);
}

int cmd_reinstate(int argc, char **argv)
{
	return run_change(REINSTATE, argc, argv);
}

/* A logged credential's state on stdout: one line, or with json the
 * object status --json prints. 0 or the exit code, reported. */
static int print_status(issuer_state *st, const char *id, int json)
{
	issuer_logged l = { 0 };
	ob_error err = { 0 };
	const char *state;
	json_t *o = NULL;
	char *s = NULL;
	int rc = 0;

	if (issuer_db_log_get(st->db, id, &l, &err)) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	state = l.revoked ? "revoked" : l.suspended ? "suspended" : "active";
	if (json) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", l.id, "state", state,
			      "recipient", l.recipient ? l.recipient : "", "achievement",
			      l.achievement ? l.achievement : "", "issuedAt", l.issued_at ? l.issued_at : "",
			      "suite", l.suite ? l.suite : "");
		if (o && l.has_status) {
			json_object_set_new(o, "statusList", json_integer(l.list));
			json_object_set_new(o, "statusListIndex", json_integer(l.idx));
			json_object_set_new(o, "suspendable", json_boolean(l.suspendable));
		}
		if (o && l.reason)
			json_object_set_new(o, "reason", json_string(l.reason));
		if (o && l.changed_at)
			json_object_set_new(o, "changedAt", json_string(l.changed_at));
		if (!o || !(s = ob_json_dumps(o, OB_JSON_PRETTY))) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			rc = ob_cli_fail(&err);
			goto out;
		}
		printf("%s\n", s);
	} else {
		printf("%s %s", l.id, state);
		if (l.reason && (l.revoked || l.suspended))
			printf(" (%s)", l.reason);
		if (l.changed_at && (l.revoked || l.suspended))
			printf(" since %s", l.changed_at);
		if (l.has_status)
			printf("; status list %ld, index %ld%s\n", l.list, l.idx,
			       l.suspendable ? ", suspendable" : "");
		else
			printf("; no status entry\n");
	}
out:
	free(s);
	json_decref(o);
	issuer_logged_release(&l);
	return rc;
}

int cmd_status(int argc, char **argv)
{
	issuer_state st;
	ob_error err = { 0 };
	int c, json = 0, rc;

	while ((c = ob_cmd_getopt(&status_spec, argc, argv)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind + 1 != argc)
		return ob_cli_usage(ob_cli_current(), optind == argc ? "which credential? (give its id)" :
				    "unexpected argument '%s'", argv[optind + 1]);
	if (issuer_open(&st, 0, &err))
		return ob_cli_fail(&err);
	rc = print_status(&st, argv[optind], json);
	issuer_close(&st);
	return rc;
}
