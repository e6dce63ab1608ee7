#include "io/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ob_store {
	sqlite3 *db;
	char *path;
};

static ob_code fail_what(sqlite3 *db, const char *what, ob_error *err)
{
	if (!db || (sqlite3_errcode(db) & 0xff) == SQLITE_NOMEM)
		return ob_fail(err, OB_ENOMEM, "%s: out of memory", what);
	return ob_fail(err, OB_EIO, "%s: %s", what, sqlite3_errmsg(db));
}

/* "database 'PATH': <sqlite3_errmsg>" */
static ob_code db_fail(sqlite3 *db, const char *path, ob_error *err)
{
	char what[300];

	snprintf(what, sizeof(what), "database '%s'", path);
	return fail_what(db, what, err);
}

ob_code ob_store_fail(ob_store *s, const char *what, ob_error *err)
{
	return fail_what(s ? s->db : NULL, what, err);
}

sqlite3 *ob_store_db(ob_store *s)
{
	return s->db;
}

ob_code ob_store_exec(ob_store *s, const char *sql, ob_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s->db, s->path, err);
	return OB_OK;
}

sqlite3_stmt *ob_store_prepare(ob_store *s, const char *sql, ob_error *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(s->db, s->path, err);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

ob_code ob_store_begin(ob_store *s, ob_error *err)
{
	return ob_store_exec(s, "BEGIN IMMEDIATE", err);
}

ob_code ob_store_commit(ob_store *s, ob_error *err)
{
	ob_code rc;

	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return OB_OK;
	rc = db_fail(s->db, s->path, err);
	ob_store_rollback(s);
	return rc;
}

void ob_store_rollback(ob_store *s)
{
	if (s && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static ob_code user_version(ob_store *s, int *v, ob_error *err)
{
	sqlite3_stmt *st = NULL;
	ob_code rc = OB_OK;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = db_fail(s->db, s->path, err);
	else
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

/* The version is read again inside each write transaction: a second
 * process that waited for the lock sees the first one's work. */
static ob_code migrate(ob_store *s, const char *const *migrations, int n, ob_error *err)
{
	char sql[64];
	ob_code rc;
	int v;

	/* the usual case, up to date: no write lock for a reader */
	if ((rc = user_version(s, &v, err)))
		return rc;
	if (v == n)
		return OB_OK;
	for (;;) {
		if ((rc = ob_store_begin(s, err)))
			return rc;
		if ((rc = user_version(s, &v, err)))
			break;
		if (v > n) {
			rc = ob_fail(err, OB_EIO, "'%s' has schema version %d, newer than "
				     "this program knows (%d)", s->path, v, n);
			break;
		}
		if (v == n)
			break;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((rc = ob_store_exec(s, migrations[v], err)) ||
		    (rc = ob_store_exec(s, sql, err)))
			break;
		if ((rc = ob_store_commit(s, err)))
			return rc;
	}
	ob_store_rollback(s);
	return rc;
}

/* Switching a new database to WAL can fail with SQLITE_BUSY without the
 * busy handler being called (another process is opening it too), so this
 * one statement waits by itself, as long as the busy timeout. */
static ob_code set_wal(ob_store *s, ob_error *err)
{
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	int i, rc;

	for (i = 0; i < 500; i++) {
		rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY)
			break;
		nanosleep(&ms10, NULL);
	}
	return rc == SQLITE_OK ? OB_OK : db_fail(s->db, s->path, err);
}

ob_store *ob_store_open(const char *path, const char *const *migrations,
			int nmigrations, ob_error *err)
{
	ob_store *s = NULL;
	int fd;

	/* SQLite would create the file with 0644; it gives the -wal and
	 * -shm files the mode of the database, so this covers them too. */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ob_fail(err, OB_EIO, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
			    NULL) != SQLITE_OK) {
		db_fail(s->db, path, err);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	if (set_wal(s, err))
		goto fail;
	/* secure_delete: a removed record is overwritten, not left in free
	 * pages (wallet records are personal data) */
	if (ob_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON", err))
		goto fail;
	if (migrate(s, migrations, nmigrations, err))
		goto fail;
	return s;
fail:
	ob_store_close(s);
	return NULL;
}

void ob_store_close(ob_store *s)
{
	if (!s)
		return;
	if (s->db) {
		ob_store_rollback(s);
		sqlite3_close(s->db);
	}
	free(s->path);
	free(s);
}
