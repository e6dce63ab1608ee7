#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "wallet.h"

enum { C_ID, C_KIND, C_ACH, C_ISS, C_ISSNAME, C_LEARNER, C_FROM, C_UNTIL, C_VERDICT,
       C_REASON, C_CHECKED, C_ADDED };

static const char *col(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

static void line(const char *label, const char *value)
{
	if (!value)
		return;
	printf("%-13s", label);
	wallet_put(stdout, value);
	putchar('\n');
}

static void print_record(sqlite3_stmt *q)
{
	const char *name = col(q, C_ISSNAME), *iss = col(q, C_ISS);

	printf("%-13s", "Achievement:");
	wallet_put(stdout, col(q, C_ACH));
	printf("\n%-13s", "Issuer:");
	wallet_put(stdout, name ? name : iss);
	if (name && iss) {
		printf(" (");
		wallet_put(stdout, iss);
		putchar(')');
	}
	putchar('\n');
	line("Learner:", col(q, C_LEARNER));
	line("Valid from:", col(q, C_FROM));
	line("Valid until:", col(q, C_UNTIL));
	line("Id:", col(q, C_ID));
	line("Format:", !strcmp(col(q, C_KIND), "vc-jwt") ? "VC-JWT (compact JWS)" :
			"JSON with embedded proof");
	printf("%-13s%s, checked %s\n", "Status:", wallet_status(col(q, C_VERDICT), col(q, C_UNTIL)),
	       col(q, C_CHECKED));
	line("Reason:", col(q, C_REASON));
	line("Added:", col(q, C_ADDED));
}

int cmd_show(int argc, char **argv)
{
	ob_error err = { 0 };
	ob_store *db = NULL;
	sqlite3_stmt *q = NULL;
	const char *id;
	int rc, step;

	if ((rc = wallet_id_arg(argc, argv, &id)) >= 0)
		return rc;
	if (wallet_open(&db, &err))
		goto out;
	q = ob_store_prepare(db, "SELECT id, kind, achievement, issuer_id, issuer_name, learner,"
			     " valid_from, valid_until, verdict, reason, checked_at, added_at"
			     " FROM credentials WHERE id = ?1", &err);
	if (!q)
		goto out;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	step = sqlite3_step(q);
	if (step == SQLITE_ROW)
		print_record(q);
	else if (step == SQLITE_DONE)
		wallet_not_found(id, &err);
	else
		ob_store_fail(db, "cannot read the wallet", &err);
out:
	sqlite3_finalize(q);
	ob_store_close(db);
	return err.code ? ob_cli_fail(&err) : 0;
}
