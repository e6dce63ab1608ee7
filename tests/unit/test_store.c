#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "io/store.h"

static const char *const migrations[] = {
	"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);",
	"ALTER TABLE t ADD COLUMN note TEXT;"
	" CREATE TABLE u (t_id INTEGER NOT NULL REFERENCES t(id));",
};

static char tmpdir[] = "/tmp/test_store.XXXXXX";
static char path[256];

static int count_rows(ob_store *s, const char *name)
{
	sqlite3_stmt *st;
	ob_error err = { 0 };
	int n = -1;

	st = ob_store_prepare(s, "SELECT count(*) FROM t WHERE name = ?1", &err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int pragma_int(ob_store *s, const char *sql)
{
	sqlite3_stmt *st = ob_store_prepare(s, sql, NULL);
	int v = -1;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_open_migrate(void)
{
	ob_error err = { 0 };
	ob_store *s;
	struct stat st;
	char wal[300];
	sqlite3_stmt *q;

	s = ob_store_open(path, migrations, 2, &err);
	CHECK(s != NULL);
	if (!s) {
		fprintf(stderr, "test_store: %s\n", err.msg);
		return;
	}
	CHECK(pragma_int(s, "PRAGMA user_version") == 2);
	CHECK(pragma_int(s, "PRAGMA foreign_keys") == 1);
	q = ob_store_prepare(s, "PRAGMA journal_mode", &err);
	CHECK(q && sqlite3_step(q) == SQLITE_ROW);
	CHECK_STR(q ? (const char *)sqlite3_column_text(q, 0) : NULL, "wal");
	sqlite3_finalize(q);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	CHECK(stat(wal, &st) == 0 && (st.st_mode & 0777) == 0600);
	/* foreign keys are enforced */
	CHECK(ob_store_exec(s, "INSERT INTO u VALUES (42)", &err) == OB_EIO);
	CHECK(strstr(err.msg, "FOREIGN KEY") != NULL);
	ob_store_close(s);

	/* again: nothing left to migrate, the schema is untouched */
	ob_error_clear(&err);
	s = ob_store_open(path, migrations, 2, &err);
	CHECK(s != NULL);
	CHECK(s && pragma_int(s, "PRAGMA user_version") == 2);
	ob_store_close(s);

	/* an older program refuses a newer database */
	ob_error_clear(&err);
	s = ob_store_open(path, migrations, 1, &err);
	CHECK(s == NULL);
	CHECK(err.code == OB_EIO && strstr(err.msg, "newer") != NULL);
	ob_store_close(s);
}

static void test_failed_migration(void)
{
	static const char *const bad[] = {
		"CREATE TABLE a (x);",
		"CREATE TABLE b (y); THIS IS NOT SQL;",
	};
	char p2[300];
	ob_error err = { 0 };
	ob_store *s;

	snprintf(p2, sizeof(p2), "%s/bad.db", tmpdir);
	s = ob_store_open(p2, bad, 2, &err);
	CHECK(s == NULL);
	CHECK(err.code == OB_EIO && strstr(err.msg, "syntax error") != NULL);
	/* the first migration stayed, the failed second one left nothing */
	ob_error_clear(&err);
	s = ob_store_open(p2, bad, 1, &err);
	CHECK(s != NULL);
	if (s) {
		CHECK(pragma_int(s, "PRAGMA user_version") == 1);
		CHECK(pragma_int(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'b'") == 0);
	}
	ob_store_close(s);
}

static void test_transactions(void)
{
	ob_error err = { 0 };
	ob_store *s;

	s = ob_store_open(path, migrations, 2, &err);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(ob_store_begin(s, &err) == OB_OK);
	CHECK(ob_store_exec(s, "INSERT INTO t (name) VALUES ('gone')", &err) == OB_OK);
	CHECK(count_rows(s, "gone") == 1);
	ob_store_rollback(s);
	CHECK(count_rows(s, "gone") == 0);
	ob_store_rollback(s); /* no transaction: does nothing */

	CHECK(ob_store_begin(s, &err) == OB_OK);
	CHECK(ob_store_exec(s, "INSERT INTO t (name) VALUES ('kept')", &err) == OB_OK);
	CHECK(ob_store_commit(s, &err) == OB_OK);

	/* a failing statement reports sqlite's message */
	CHECK(ob_store_exec(s, "INSERT INTO t (name) VALUES ('kept')", &err) == OB_EIO);
	CHECK(strstr(err.msg, "UNIQUE constraint failed") != NULL);
	ob_error_clear(&err);
	CHECK(ob_store_prepare(s, "SELECT x FROM nowhere", &err) == NULL);
	CHECK(strstr(err.msg, "no such table") != NULL);
	ob_error_clear(&err);
	CHECK(ob_store_commit(s, &err) == OB_EIO); /* nothing to commit */
	CHECK(ob_store_fail(s, "what", NULL) == OB_EIO);
	ob_store_close(s);

	s = ob_store_open(path, migrations, 2, &err);
	CHECK(s != NULL);
	CHECK(s && count_rows(s, "kept") == 1);
	CHECK(s && count_rows(s, "gone") == 0);
	/* closing with an open transaction rolls it back */
	CHECK(s && ob_store_begin(s, &err) == OB_OK);
	CHECK(s && ob_store_exec(s, "DELETE FROM t", &err) == OB_OK);
	ob_store_close(s);
	s = ob_store_open(path, migrations, 2, &err);
	CHECK(s && count_rows(s, "kept") == 1);
	ob_store_close(s);
}

/* Processes opening a new database together: each one succeeds and the
 * migrations run once (a second run of migration 0 would fail). */
static void test_concurrent_open(void)
{
	enum { N = 6 };
	char p2[300];
	pid_t pid[N];
	ob_error err = { 0 };
	ob_store *s;
	int i, status, ok = 0;

	snprintf(p2, sizeof(p2), "%s/many.db", tmpdir);
	for (i = 0; i < N; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			s = ob_store_open(p2, migrations, 2, &err);
			if (!s)
				fprintf(stderr, "test_store: child: %s\n", err.msg);
			ob_store_close(s);
			_exit(s ? 0 : 1);
		}
	}
	for (i = 0; i < N; i++)
		if (pid[i] > 0 && waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	CHECK(ok == N);
	s = ob_store_open(p2, migrations, 2, &err);
	CHECK(s && pragma_int(s, "PRAGMA user_version") == 2);
	ob_store_close(s);
}

static void test_open_errors(void)
{
	ob_error err = { 0 };
	char p2[300];

	snprintf(p2, sizeof(p2), "%s/missing/dir/x.db", tmpdir);
	CHECK(ob_store_open(p2, migrations, 2, &err) == NULL);
	CHECK(err.code == OB_EIO && strstr(err.msg, "cannot open") != NULL);
	ob_store_close(NULL);
}

static void cleanup(void)
{
	static const char *const names[] = { "t.db", "t.db-wal", "t.db-shm", "bad.db",
					     "bad.db-wal", "bad.db-shm", "many.db", "many.db-wal",
					     "many.db-shm" };
	char p[300];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(tmpdir);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	test_open_migrate();
	test_transactions();
	test_failed_migration();
	test_concurrent_open();
	test_open_errors();
	cleanup();
	return check_done("test_store");
}
