#include <getopt.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "vc/issue.h"
#include "issuer.h"
#include "base/json.h"
#include "vc/ob3.h"
#include "vc/status.h"

json_t *issuer_load_achievement(issuer_state *st, const char *id, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	json_t *a = NULL;

	if (sqlite3_prepare_v2(ob_store_db(st->db), "SELECT json FROM achievements WHERE id = ?1", -1, &q, NULL) ||
	    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC))
		ob_fail(err, OB_EIO, "cannot read the catalog: %s", sqlite3_errmsg(ob_store_db(st->db)));
	else if (sqlite3_step(q) != SQLITE_ROW)
		ob_fail(err, OB_EUSAGE, "no achievement '%s' in the catalog (see 'ob-issuer achievement list')", id);
	else
		a = ob_json_parse((const char *)sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0), err);
	sqlite3_finalize(q);
	return a;
}

/* credentialStatus for slot (list, idx): a revocation entry, and a
 * suspension entry at the same index of the suspension list when asked.
 * New reference, or NULL on out of memory. */
json_t *issuer_status_json(const char *base, long list, long idx, int suspension)
{
	char *rev = issuer_status_url(base, "revocation", list);
	char *sus = suspension ? issuer_status_url(base, "suspension", list) : NULL;
	json_t *st = NULL;

	if (rev && (!suspension || sus)) {
		if (!suspension)
			st = ob_status_entry("revocation", rev, (unsigned long)idx);
		else
			st = json_pack("[o,o]", ob_status_entry("revocation", rev, (unsigned long)idx),
				       ob_status_entry("suspension", sus, (unsigned long)idx));
	}
	free(rev);
	free(sus);
	return st;
}

int cmd_issue(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "achievement", required_argument, NULL, 'a' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "valid-from", required_argument, NULL, 'f' },
		{ "valid-until", required_argument, NULL, 'u' },
		{ "evidence", required_argument, NULL, 'e' },
		{ "result", required_argument, NULL, 'R' },
		{ "suite", required_argument, NULL, 's' },
		{ "created", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "no-status", no_argument, NULL, 'N' },
		{ "suspension", no_argument, NULL, 'S' },
		{ "roster", required_argument, NULL, 'L' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ach_id = NULL, *out_path = NULL;
	ob3_issue_opts io = { 0 };
	ob_sign_opts so = { 0 };
	roster_opts ro = { 0 };
	issuer_state st = { 0 };
	status_alloc sa = { 0 };
	ob_error err = { 0 };
	json_t *ach = NULL, *cred = NULL;
	sqlite3_stmt *ins = NULL;
	ob_buf out = OB_BUF_INIT;
	char *base = NULL, *end, now[32];
	int c, rc = 0, force = 0, opened = 0, in_tx = 0, lockfd = -1;
	long list = 0, idx = 0, jobs;
	time_t t;
	struct stat sb;

	while ((c = getopt_long(argc, argv, "o:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': ach_id = optarg; break;
		case 'r': io.recipient = optarg; break;
		case 'n': io.name = optarg; break;
		case 'f': io.valid_from = optarg; break;
		case 'u': io.valid_until = optarg; break;
		case 'e': io.evidence = optarg; break;
		case 'R': io.result = optarg; break;
		case 's': so.suite = optarg; break;
		case 'c': so.created = optarg; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case 'N': ro.no_status = 1; break;
		case 'S': ro.suspension = 1; break;
		case 'L': ro.roster = optarg; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256)
				return ob_cli_usage(ob_cli_current(), "--jobs wants a number from 1 to 256, got '%s'", optarg);
			ro.jobs = (int)jobs;
			break;
		case 'h': return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (ro.no_status && ro.suspension)
		return ob_cli_usage(ob_cli_current(), "--suspension needs a status entry; drop --no-status");
	if (so.suite && !ob_issue_suite_known(so.suite))
		return ob_cli_usage(ob_cli_current(), "unknown --suite '%s' (choose from %s)", so.suite, ob_issue_suites());
	if (so.created && ob_date_parse(so.created, &t, NULL) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --created '%s' (want e.g. 2025-06-01T12:00:00Z)", so.created);
	if (ro.roster) {
		if (ach_id || io.recipient || io.name || io.valid_from || io.valid_until || io.evidence || io.result)
			return ob_cli_usage(ob_cli_current(), "--roster takes the award fields from the file's columns");
		if (!out_path)
			return ob_cli_usage(ob_cli_current(), "--roster needs -o DIR");
		ro.outdir = out_path;
		ro.suite = so.suite;
		ro.created = so.created;
		return issuer_roster_run(&ro);
	}
	if (ro.jobs)
		return ob_cli_usage(ob_cli_current(), "--jobs goes with --roster");
	if (!ach_id || !io.recipient)
		return ob_cli_usage(ob_cli_current(), "issue needs --achievement and --recipient (or --roster FILE)");
	if (issuer_open(&st, 1, &err))
		goto fail;
	opened = 1;
	so.verification_method = st.vm;
	if (!(ach = issuer_load_achievement(&st, ach_id, &err)))
		goto fail;
	/* refuse before anything is logged: a credential goes to the log
	 * first and to its file after (see below) */
	if (out_path && !force && lstat(out_path, &sb) == 0) {
		ob_fail(&err, OB_EIO, "'%s' exists (use --force)", out_path);
		goto fail;
	}
	if ((lockfd = issuer_lock(&st, &err)) < 0)
		goto fail;
	if (ob_store_begin(st.db, &err))
		goto fail;
	in_tx = 1;
	if (!ro.no_status) {
		if (!(base = issuer_base_url(&st, &err)) || status_alloc_load(&st, &sa, &err) ||
		    status_alloc_next(&sa, &list, &idx, &err))
			goto fail;
		if (!(io.status = issuer_status_json(base, list, idx, ro.suspension))) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto fail;
		}
	}
	if (!(cred = ob3_build_credential(st.profile, ach, &io, &err)))
		goto fail;
	if (ob_issue_sign(cred, st.key, &so, &out, &err))
		goto fail;
	ob_date_format(time(NULL), now);
	{
		issued_row row = {
			.id = ob_json_str(cred, "id"), .achievement = ach_id, .recipient = io.recipient,
			.suite = so.suite ? so.suite : ob_issue_default_suite(), .issued_at = now,
			.credential = out.data, .credential_len = out.len,
			.list = list, .idx = idx, .suspendable = ro.suspension,
		};
		if (!(ins = issued_insert_prepare(&st, &err)) || issued_insert(&st, ins, &row, &err))
			goto fail;
	}
	/* the status slot is taken for good with the log row; the file comes
	 * after, so no credential is ever out with a slot the log lacks (a
	 * lost file can be had again from the log) */
	if (ob_store_commit(st.db, &err))
		goto fail;
	in_tx = 0;
	if (ob_cli_output(out_path, out.data, out.len, force, &err)) {
		fprintf(stderr, "ob-issuer: %s was logged but not written out\n", ob_json_str(cred, "id"));
		goto fail;
	}
	if (out_path)
		fprintf(stderr, "ob-issuer: issued %s to %s\n", ob_json_str(cred, "id"), out_path);
	goto out;
fail:
	if (in_tx)
		ob_store_rollback(st.db);
	rc = ob_cli_fail(&err);
out:
	sqlite3_finalize(ins);
	if (lockfd >= 0)
		close(lockfd);
	status_alloc_release(&sa);
	json_decref(io.status);
	json_decref(ach);
	json_decref(cred);
	ob_buf_release(&out);
	free(base);
	if (opened)
		issuer_close(&st);
	return rc;
}
