#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "base/json.h"
#include "specs.h"
#include "wallet.h"

static const struct ob_cmd_opt remove_opts[] = {
	{ "json", 0, NULL, "print one JSON object: the id and name removed", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec remove_spec = {
	"remove", cmd_remove, NULL, remove_opts, "ID",
	"Removes a credential from the wallet (ID: its id or a unique prefix).", NULL,
};

int cmd_remove(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	wallet_rec r = { 0 };
	sqlite3_stmt *q = NULL;
	const char *id;
	json_t *o = NULL;
	int c, json = 0;

	while ((c = ob_cmd_getopt(&remove_spec, argc, argv)) != -1) {
		if (c != 'j')
			return c == OB_OPT_HELP ? ob_cli_help() : wallet_bad_option(c, argv);
		json = 1;
	}
	if (argc - optind != 1)
		return ob_cli_usage(ob_cli_current(), argc - optind ? "too many arguments" :
				    "which credential? (see 'ob-wallet list')");
	id = argv[optind];
	if (wallet_unlock(&w, &err) || ob_store_begin(w.db, &err))
		goto out;
	/* found and decrypted first: a tampered index must not delete another */
	if (wallet_rec_find(&w, id, 0, &r, &err))
		goto out;
	if (!(q = ob_store_prepare(w.db, "DELETE FROM records WHERE rid = ?1", &err)))
		goto out;
	sqlite3_bind_text(q, 1, r.rid, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		ob_store_fail(w.db, "cannot remove the credential", &err);
	sqlite3_finalize(q);
	q = NULL;
	if (!err.code && !wallet_census_update(&w, &err) && !ob_store_commit(w.db, &err)) {
		/* the id may have been a prefix: say which credential went */
		fprintf(stderr, "%s: removed ", ob_cli_prog());
		wallet_put(stderr, ob_json_str(r.summary, "id"));
		if (wallet_rec_title(r.summary)) {
			fputs(" (", stderr);
			wallet_put(stderr, wallet_rec_title(r.summary));
			fputc(')', stderr);
		}
		fputc('\n', stderr);
		if (json && !(o = json_pack("{s:s, s:s?, s:b}", "id", ob_json_str(r.summary, "id"),
					    "name", wallet_rec_title(r.summary), "removed", 1)))
			ob_fail(&err, OB_ENOMEM, "out of memory");
		else if (json)
			wallet_json_print(o, &err);
	}
out:
	json_decref(o);
	sqlite3_finalize(q);
	wallet_rec_release(&r);
	if (w.db)
		ob_store_rollback(w.db);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
