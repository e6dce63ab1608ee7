#include <stdio.h>

#include "cli.h"
#include "wallet.h"

int cmd_export(int argc, char **argv)
{
	ob_error err = { 0 };
	ob_store *db = NULL;
	sqlite3_stmt *q = NULL;
	const char *id;
	const void *raw;
	int rc, step, len;

	if ((rc = wallet_id_arg(argc, argv, &id)) >= 0)
		return rc;
	if (wallet_open(&db, &err))
		goto out;
	if (!(q = ob_store_prepare(db, "SELECT raw FROM credentials WHERE id = ?1", &err)))
		goto out;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	step = sqlite3_step(q);
	if (step == SQLITE_DONE) {
		wallet_not_found(id, &err);
		goto out;
	}
	raw = step == SQLITE_ROW ? sqlite3_column_blob(q, 0) : NULL;
	len = sqlite3_column_bytes(q, 0);
	if (step != SQLITE_ROW || (!raw && len)) {
		ob_store_fail(db, "cannot read the wallet", &err);
		goto out;
	}
	/* byte for byte what add was given: a signature covers these bytes */
	if (len && fwrite(raw, 1, (size_t)len, stdout) != (size_t)len)
		ob_fail(&err, OB_EIO, "cannot write output");
out:
	sqlite3_finalize(q);
	ob_store_close(db);
	return err.code ? ob_cli_fail(&err) : 0;
}
