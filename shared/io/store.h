/* store: the small SQLite helpers every database of obkit goes through
 * (ARCHITECTURE.md decision 4): open with WAL, migrate by user_version,
 * one transaction per change, busy waits instead of failures. */
#ifndef OB_STORE_H
#define OB_STORE_H

#include <sqlite3.h>

#include "base/err.h"

typedef struct ob_store ob_store;

/* Opens (creating it with mode 0600 if missing) the database at path, in
 * WAL mode, with foreign keys on and a 5 s busy timeout, then brings it
 * up to date: migrations[i] is the SQL that takes PRAGMA user_version i
 * to i+1, each run in its own IMMEDIATE transaction, so two processes
 * opening at once migrate once. A database newer than nmigrations is
 * refused. Returns a new store (ob_store_close it), or NULL with err. */
ob_store *ob_store_open(const char *path, const char *const *migrations,
			int nmigrations, ob_error *err);

/* Closes the connection, rolling back an open transaction. NULL is fine. */
void ob_store_close(ob_store *s);

/* The connection, borrowed, for prepared statements. */
sqlite3 *ob_store_db(ob_store *s);

/* BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy
 * timeout), so a transaction never fails half way for a lock. */
ob_code ob_store_begin(ob_store *s, ob_error *err);

/* COMMIT. On failure the transaction is rolled back and err filled. */
ob_code ob_store_commit(ob_store *s, ob_error *err);

/* ROLLBACK if a transaction is open; safe to call on any cleanup path. */
void ob_store_rollback(ob_store *s);

/* Runs one or more SQL statements that return no rows we need. */
ob_code ob_store_exec(ob_store *s, const char *sql, ob_error *err);

/* Prepares one statement. Returns it (sqlite3_finalize it), or NULL
 * with err. */
sqlite3_stmt *ob_store_prepare(ob_store *s, const char *sql, ob_error *err);

/* Converts the connection's last error into err: "what: <sqlite3_errmsg>",
 * OB_ENOMEM for SQLITE_NOMEM, else OB_EIO. Returns the code. */
ob_code ob_store_fail(ob_store *s, const char *what, ob_error *err);

#endif
