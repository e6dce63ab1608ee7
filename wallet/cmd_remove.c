#include <stdio.h>

#include "cli/cli.h"
#include "base/json.h"
#include "wallet.h"

int cmd_remove(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	wallet_rec r = { 0 };
	sqlite3_stmt *q = NULL;
	const char *id;
	int rc;

	if ((rc = wallet_id_arg(argc, argv, &id)) >= 0)
		return rc;
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
	}
out:
	sqlite3_finalize(q);
	wallet_rec_release(&r);
	if (w.db)
		ob_store_rollback(w.db);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
