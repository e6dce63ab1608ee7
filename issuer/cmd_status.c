/* revoke, suspend, reinstate, status: the status bits of a logged
 * credential. Each change is one transaction; the new bits reach
 * verifiers with the next `publish`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "issuer.h"
#include "canon/jcs.h"

enum { REVOKE, SUSPEND, REINSTATE };

struct logged {
	char *id;
	long list, idx;
	int has_status, suspendable, revoked, suspended;
	char *reason, *changed_at, *recipient, *achievement, *issued_at, *suite;
};

static void logged_release(struct logged *l)
{
	free(l->id);
	free(l->reason);
	free(l->changed_at);
	free(l->recipient);
	free(l->achievement);
	free(l->issued_at);
	free(l->suite);
	memset(l, 0, sizeof(*l));
}

static char *col_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);

	return t ? strdup((const char *)t) : NULL;
}

/* Finds id (with or without "urn:uuid:"). OB_EINVALID when unknown. */
static ob_code find_logged(issuer_state *st, const char *id, struct logged *l, ob_error *err)
{
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	int s;

	memset(l, 0, sizeof(*l));
	if (!(q = ob_store_prepare(st->db,
				   "SELECT id, status_list, status_index, suspendable, revoked, suspended,"
				   " reason, changed_at, recipient, achievement, issued_at, suite"
				   " FROM issued WHERE id = ?1 OR id = 'urn:uuid:' || ?1", err)))
		return err->code;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	s = sqlite3_step(q);
	if (s == SQLITE_DONE)
		rc = ob_fail(err, OB_EINVALID, "no credential '%s' in the issuance log", id);
	else if (s != SQLITE_ROW)
		rc = ob_store_fail(st->db, "cannot read the log", err);
	else {
		l->id = col_dup(q, 0);
		l->has_status = sqlite3_column_type(q, 1) != SQLITE_NULL;
		l->list = (long)sqlite3_column_int64(q, 1);
		l->idx = (long)sqlite3_column_int64(q, 2);
		l->suspendable = sqlite3_column_int(q, 3);
		l->revoked = sqlite3_column_int(q, 4);
		l->suspended = sqlite3_column_int(q, 5);
		l->reason = col_dup(q, 6);
		l->changed_at = col_dup(q, 7);
		l->recipient = col_dup(q, 8);
		l->achievement = col_dup(q, 9);
		l->issued_at = col_dup(q, 10);
		l->suite = col_dup(q, 11);
		if (!l->id)
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	}
	sqlite3_finalize(q);
	if (rc)
		logged_release(l);
	return rc;
}

static ob_code change(issuer_state *st, int what, const char *id, const char *reason, ob_error *err)
{
	struct logged l;
	sqlite3_stmt *q = NULL;
	char now[32];
	ob_code rc;

	if (ob_store_begin(st->db, err))
		return err->code;
	/* read and write under the same write lock */
	if ((rc = find_logged(st, id, &l, err)))
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
	q = ob_store_prepare(st->db,
			     what == REVOKE ? "UPDATE issued SET revoked = 1, reason = ?2, changed_at = ?3 WHERE id = ?1" :
			     what == SUSPEND ? "UPDATE issued SET suspended = 1, reason = ?2, changed_at = ?3 WHERE id = ?1" :
			     "UPDATE issued SET suspended = 0, reason = ?2, changed_at = ?3 WHERE id = ?1", err);
	if (!q) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_text(q, 1, l.id, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(q, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = ob_store_fail(st->db, "cannot update the log", err);
		goto out;
	}
	rc = ob_store_commit(st->db, err);
	if (!rc)
		fprintf(stderr, "ob-issuer: %s %s (status list %ld, index %ld); run 'ob-issuer publish DIR' to publish it\n",
			l.id, what == REVOKE ? "revoked" : what == SUSPEND ? "suspended" : "reinstated", l.list, l.idx);
out:
	if (rc)
		ob_store_rollback(st->db);
	sqlite3_finalize(q);
	logged_release(&l);
	return rc;
}

static int run_change(int what, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL;
	issuer_state st;
	ob_error err = { 0 };
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "h", what == REINSTATE ? opts + 1 : opts, NULL)) != -1) {
		switch (c) {
		case 'r': reason = optarg; break;
		case 'h': return ob_cli_help();
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

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	issuer_state st;
	struct logged l;
	ob_error err = { 0 };
	const char *state;
	json_t *o = NULL;
	char *s = NULL;
	int c, json = 0, rc = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind + 1 != argc)
		return ob_cli_usage(ob_cli_current(), optind == argc ? "which credential? (give its id)" :
				    "unexpected argument '%s'", argv[optind + 1]);
	if (issuer_open(&st, 0, &err))
		return ob_cli_fail(&err);
	if (find_logged(&st, argv[optind], &l, &err)) {
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
	logged_release(&l);
	issuer_close(&st);
	return rc;
}
