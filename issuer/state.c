#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "fsutil.h"
#include "issuer.h"
#include "json.h"

const char *const issuer_migrations[] = {
	"CREATE TABLE profile(id INTEGER PRIMARY KEY CHECK (id = 1), did TEXT NOT NULL, json TEXT NOT NULL);"
	"CREATE TABLE keys(id INTEGER PRIMARY KEY, file TEXT NOT NULL, vm TEXT NOT NULL, type TEXT NOT NULL,"
	" created TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);"
	"CREATE TABLE achievements(id TEXT PRIMARY KEY, json TEXT NOT NULL, created TEXT NOT NULL);"
	"CREATE TABLE issued(id TEXT PRIMARY KEY, achievement TEXT NOT NULL, recipient TEXT NOT NULL,"
	" suite TEXT NOT NULL, issued_at TEXT NOT NULL);",
};
const int issuer_nmigrations = 1;

char *issuer_db_path(const char *home)
{
	return ob_path_join(home, "issuer.db");
}

void issuer_close(issuer_state *st)
{
	ob_store_close(st->db);
	json_decref(st->profile);
	ob_key_free(st->key);
	free(st->home);
	free(st->did);
	free(st->vm);
	memset(st, 0, sizeof(*st));
}

ob_code issuer_open(issuer_state *st, int need_key, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	char *db = NULL, *keyfile = NULL;
	struct stat sb;
	ob_code rc = OB_OK;

	memset(st, 0, sizeof(*st));
	st->home = ob_home_dir(issuer_home_opt, "OBKIT_ISSUER_HOME", "issuer", err);
	if (!st->home)
		return err->code;
	db = issuer_db_path(st->home);
	if (!db)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (stat(db, &sb) < 0) {
		rc = ob_fail(err, OB_EIO, "no issuer at %s (run 'ob-issuer init')", st->home);
		goto out;
	}
	if (!(st->db = ob_store_open(db, issuer_migrations, issuer_nmigrations, err))) {
		rc = err->code;
		goto out;
	}
	if (sqlite3_prepare_v2(ob_store_db(st->db),
			       "SELECT p.did, p.json, k.vm, k.file FROM profile p, keys k"
			       " WHERE k.active = 1 ORDER BY k.id DESC LIMIT 1", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		rc = ob_fail(err, OB_EIO, "issuer database %s is incomplete: %s", db,
			     sqlite3_errmsg(ob_store_db(st->db)));
		goto out;
	}
	st->did = strdup((const char *)sqlite3_column_text(q, 0));
	st->profile = ob_json_parse((const char *)sqlite3_column_text(q, 1),
				    (size_t)sqlite3_column_bytes(q, 1), err);
	st->vm = strdup((const char *)sqlite3_column_text(q, 2));
	keyfile = ob_path_join(st->home, (const char *)sqlite3_column_text(q, 3));
	if (!st->did || !st->profile || !st->vm || !keyfile) {
		rc = ob_fail(err, OB_ENOMEM, "cannot read the issuer profile");
		goto out;
	}
	if (need_key && !(st->key = ob_key_load(keyfile, err)))
		rc = err->code;
out:
	sqlite3_finalize(q);
	free(db);
	free(keyfile);
	if (rc)
		issuer_close(st);
	return rc;
}
