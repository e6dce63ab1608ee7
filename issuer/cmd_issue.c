#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "cli.h"
#include "dates.h"
#include "fsutil.h"
#include "issue.h"
#include "issuer.h"
#include "json.h"
#include "ob3.h"

static json_t *load_achievement(issuer_state *st, const char *id, ob_error *err)
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

static ob_code log_issue(issuer_state *st, const char *id, const char *ach, const char *recipient,
			 const char *suite, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	char now[32];
	ob_code rc = OB_OK;

	ob_date_format(time(NULL), now);
	if (sqlite3_prepare_v2(ob_store_db(st->db),
			       "INSERT INTO issued(id, achievement, recipient, suite, issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
			       -1, &q, NULL) ||
	    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC) || sqlite3_bind_text(q, 2, ach, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(q, 3, recipient, -1, SQLITE_STATIC) || sqlite3_bind_text(q, 4, suite, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(q, 5, now, -1, SQLITE_STATIC) || sqlite3_step(q) != SQLITE_DONE)
		rc = ob_fail(err, OB_EIO, "cannot log the credential: %s", sqlite3_errmsg(ob_store_db(st->db)));
	sqlite3_finalize(q);
	return rc;
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
		{ "suite", required_argument, NULL, 's' },
		{ "created", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ach_id = NULL, *out_path = NULL;
	ob3_issue_opts io = { 0 };
	ob_sign_opts so = { 0 };
	issuer_state st = { 0 };
	ob_error err = { 0 };
	json_t *ach = NULL, *cred = NULL;
	ob_buf out = OB_BUF_INIT;
	int c, rc = 0, force = 0, opened = 0, in_tx = 0;
	time_t t;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': ach_id = optarg; break;
		case 'r': io.recipient = optarg; break;
		case 'n': io.name = optarg; break;
		case 'f': io.valid_from = optarg; break;
		case 'u': io.valid_until = optarg; break;
		case 'e': io.evidence = optarg; break;
		case 's': so.suite = optarg; break;
		case 'c': so.created = optarg; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case 'h': return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (!ach_id || !io.recipient)
		return ob_cli_usage(ob_cli_current(), "issue needs --achievement and --recipient");
	if (so.suite && !ob_issue_suite_known(so.suite))
		return ob_cli_usage(ob_cli_current(), "unknown --suite '%s' (choose from %s)", so.suite, ob_issue_suites());
	if (so.created && ob_date_parse(so.created, &t, NULL) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --created '%s' (want e.g. 2025-06-01T12:00:00Z)", so.created);
	if (issuer_open(&st, 1, &err))
		goto fail;
	opened = 1;
	so.verification_method = st.vm;
	if (!(ach = load_achievement(&st, ach_id, &err)))
		goto fail;
	if (!(cred = ob3_build_credential(st.profile, ach, &io, &err)))
		goto fail;
	if (ob_issue_sign(cred, st.key, &so, &out, &err))
		goto fail;
	/* log and output together: the row commits only once the file is
	 * written, so the log never names a credential that was lost */
	if (ob_store_begin(st.db, &err))
		goto fail;
	in_tx = 1;
	if (log_issue(&st, ob_json_str(cred, "id"), ach_id, io.recipient,
		      so.suite ? so.suite : ob_issue_default_suite(), &err))
		goto fail;
	if (ob_cli_output(out_path, out.data, out.len, force, &err))
		goto fail;
	if (ob_store_commit(st.db, &err))
		goto fail;
	in_tx = 0;
	if (out_path)
		fprintf(stderr, "ob-issuer: issued %s to %s\n", ob_json_str(cred, "id"), out_path);
	goto out;
fail:
	if (in_tx)
		ob_store_rollback(st.db);
	rc = ob_cli_fail(&err);
out:
	json_decref(ach);
	json_decref(cred);
	ob_buf_release(&out);
	if (opened)
		issuer_close(&st);
	return rc;
}
