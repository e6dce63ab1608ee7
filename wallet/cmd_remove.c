#include "cli.h"
#include "wallet.h"

int cmd_remove(int argc, char **argv)
{
	ob_error err = { 0 };
	ob_store *db = NULL;
	sqlite3_stmt *q = NULL;
	const char *id;
	int rc;

	if ((rc = wallet_id_arg(argc, argv, &id)) >= 0)
		return rc;
	if (wallet_open(&db, &err) || ob_store_begin(db, &err))
		goto out;
	if (!(q = ob_store_prepare(db, "DELETE FROM credentials WHERE id = ?1", &err)))
		goto out;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		ob_store_fail(db, "cannot remove the credential", &err);
	else if (sqlite3_changes(ob_store_db(db)) == 0)
		wallet_not_found(id, &err);
	sqlite3_finalize(q);
	q = NULL;
	if (!err.code)
		ob_store_commit(db, &err);
out:
	sqlite3_finalize(q);
	ob_store_rollback(db);
	ob_store_close(db);
	return err.code ? ob_cli_fail(&err) : 0;
}
