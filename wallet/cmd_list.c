#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "jcs.h"
#include "wallet.h"

enum { C_ID, C_KIND, C_ACH, C_ISS, C_ISSNAME, C_LEARNER, C_FROM, C_UNTIL, C_VERDICT,
       C_CHECKED, C_ADDED, NCOLS };

static const char *const json_keys[NCOLS] = {
	"id", "kind", "achievement", "issuer", "issuerName", "learner", "validFrom",
	"validUntil", "verdict", "checkedAt", "addedAt",
};

static const char *col(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

/* The table shows the date of validFrom; show gives the whole value. */
static void date_part(const char *from, char out[16])
{
	if (!from)
		snprintf(out, 16, "-");
	else if (strlen(from) > 10 && from[10] == 'T')
		snprintf(out, 16, "%.10s", from);
	else
		snprintf(out, 16, "%.15s", from);
}

#define NTABLE 5
static const char *const heads[NTABLE] = { "ID", "ACHIEVEMENT", "ISSUER", "VALID FROM", "STATUS" };

static void row_cells(sqlite3_stmt *q, const char *cell[NTABLE], char from[16])
{
	date_part(col(q, C_FROM), from);
	cell[0] = col(q, C_ID);
	cell[1] = col(q, C_ACH);
	cell[2] = col(q, C_ISSNAME) ? col(q, C_ISSNAME) : col(q, C_ISS);
	cell[3] = from;
	cell[4] = wallet_status(col(q, C_VERDICT), col(q, C_UNTIL));
}

/* Two passes over the rows: widths, then the table. */
static ob_code print_table(ob_store *db, sqlite3_stmt *q, ob_error *err)
{
	const char *cell[NTABLE];
	size_t width[NTABLE], w;
	char from[16];
	int i, step, rows = 0;

	for (i = 0; i < NTABLE; i++)
		width[i] = strlen(heads[i]);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		row_cells(q, cell, from);
		for (i = 0; i < NTABLE; i++)
			if ((w = wallet_put(NULL, cell[i])) > width[i])
				width[i] = w;
		rows++;
	}
	if (step != SQLITE_DONE)
		return ob_store_fail(db, "cannot read the wallet", err);
	if (!rows) {
		fprintf(stderr, "%s: the wallet is empty\n", ob_cli_prog());
		return OB_OK;
	}
	for (i = 0; i < NTABLE - 1; i++)
		printf("%-*s  ", (int)width[i], heads[i]);
	printf("%s\n", heads[NTABLE - 1]);
	sqlite3_reset(q);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		row_cells(q, cell, from);
		for (i = 0; i < NTABLE; i++) {
			w = wallet_put(stdout, cell[i]);
			if (i < NTABLE - 1)
				printf("%*s", (int)(width[i] - w + 2), "");
		}
		putchar('\n');
	}
	if (step != SQLITE_DONE)
		return ob_store_fail(db, "cannot read the wallet", err);
	return OB_OK;
}

static ob_code print_json(ob_store *db, sqlite3_stmt *q, ob_error *err)
{
	json_t *all = json_array(), *o;
	char *text = NULL;
	int i, step = SQLITE_DONE, bad = !all;

	while (!bad && (step = sqlite3_step(q)) == SQLITE_ROW) {
		if (!(o = json_object()) || json_array_append_new(all, o)) {
			bad = 1;
			break;
		}
		for (i = 0; i < NCOLS; i++)
			if (col(q, i))
				bad |= json_object_set_new(o, json_keys[i], json_string(col(q, i)));
		bad |= json_object_set_new(o, "status", json_string(wallet_status(
			col(q, C_VERDICT), col(q, C_UNTIL))));
	}
	if (!bad && step != SQLITE_DONE) {
		json_decref(all);
		return ob_store_fail(db, "cannot read the wallet", err);
	}
	if (bad || !(text = ob_json_dumps(all, OB_JSON_PRETTY))) {
		json_decref(all);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	printf("%s\n", text);
	free(text);
	json_decref(all);
	return OB_OK;
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_error err = { 0 };
	ob_store *db = NULL;
	sqlite3_stmt *q = NULL;
	int c, json = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'h')
			return ob_cli_help();
		else
			return wallet_bad_option(c, argv);
	}
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "list takes no arguments");
	if (wallet_open(&db, &err))
		goto out;
	q = ob_store_prepare(db, "SELECT id, kind, achievement, issuer_id, issuer_name, learner,"
			     " valid_from, valid_until, verdict, checked_at, added_at"
			     " FROM credentials ORDER BY seq", &err);
	if (!q)
		goto out;
	if (json)
		print_json(db, q, &err);
	else
		print_table(db, q, &err);
out:
	sqlite3_finalize(q);
	ob_store_close(db);
	return err.code ? ob_cli_fail(&err) : 0;
}
