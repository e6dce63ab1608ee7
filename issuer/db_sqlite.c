/* db_sqlite: the SQLite implementation of db.h (the default backend; db.c
 * is the front, db_pg.c the PostgreSQL one), and with db_pg.c and
 * db_offer.c the only files of ob-issuer that hold SQL. Statements are prepared once per connection and kept
 * (sql[] below lists them all), so a roster run's thousands of inserts
 * and lookups parse nothing. */
#include "db_impl.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "io/store.h"
#include "logpack.h"
#include "vc/status.h"

/* Schema (user_version 7; offers and oid4vci_once: db_offer.c):
 *   profile(id = 1, did, json)          the issuer Profile object
 *   keys(id, file, vm, type, created, active, staged)
 *                                       key files under home/keys; the
 *                                       newest active row signs; old keys
 *                                       stay for the DID document. A
 *                                       staged row (active 0, at most one)
 *                                       is a rotated key not yet published:
 *                                       publish lists it, then activates it
 *   achievements(id, json, created)     the catalog
 *   issued(id, achievement, recipient, suite, issued_at,
 *          credential,                  the signed text exactly as written,
 *                                       or packed against log_dict
 *          status_list, status_index,   the BitstringStatusList slot (NULL
 *                                       with --no-status); rows are never
 *                                       deleted, so a revoked one is never
 *                                       reused
 *          suspendable,                 1 when it carries a suspension entry
 *                                       too (same list number and index)
 *          revoked, suspended, reason, changed_at,
 *          row_key,                     SHA-256 (a 32-byte BLOB) of a roster
 *                                       row's normalised fields (NULL for
 *                                       single issues): what makes a roster
 *                                       run idempotent
 *          log_dict)
 *   log_dicts(id, dict)                 logpack.h's dictionaries
 *   status_lists(list, used, suspendable)
 *                                       each list's taken slots (a bitmap,
 *                                       saved with the rows that take
 *                                       them: no slot is given twice;
 *                                       NULL: not yet derived from issued)
 *   row_keys(row_key, id)               the row key index (unique)
 *   row_keys_pending(row_key, id)       keys logged but not yet merged
 *                                       into row_keys (appended in log
 *                                       order; merged in key order)
 *
 * Version 5 (issue 13) replaced two random-keyed indexes of issued that
 * every roster commit rewrote a page of per row: UNIQUE(row_key) by
 * row_keys, filled in key order, and UNIQUE(status_list, status_index) by
 * the status_lists bitmaps; the revoked and suspended slots publish reads
 * keep small partial indexes. */
static const char *const migrations[] = {
	"CREATE TABLE profile(id INTEGER PRIMARY KEY CHECK (id = 1), did TEXT NOT NULL, json TEXT NOT NULL);"
	"CREATE TABLE keys(id INTEGER PRIMARY KEY, file TEXT NOT NULL, vm TEXT NOT NULL, type TEXT NOT NULL,"
	" created TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);"
	"CREATE TABLE achievements(id TEXT PRIMARY KEY, json TEXT NOT NULL, created TEXT NOT NULL);"
	"CREATE TABLE issued(id TEXT PRIMARY KEY, achievement TEXT NOT NULL, recipient TEXT NOT NULL,"
	" suite TEXT NOT NULL, issued_at TEXT NOT NULL);",
	"ALTER TABLE issued ADD COLUMN credential TEXT;"
	"ALTER TABLE issued ADD COLUMN status_list INTEGER;"
	"ALTER TABLE issued ADD COLUMN status_index INTEGER;"
	"ALTER TABLE issued ADD COLUMN suspendable INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE issued ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE issued ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE issued ADD COLUMN reason TEXT;"
	"ALTER TABLE issued ADD COLUMN changed_at TEXT;"
	"ALTER TABLE issued ADD COLUMN row_key TEXT;"
	"CREATE UNIQUE INDEX issued_status ON issued(status_list, status_index);"
	"CREATE UNIQUE INDEX issued_row_key ON issued(row_key);"
	"CREATE INDEX issued_recipient ON issued(recipient);",
	/* roster credentials are stored packed against a dictionary
	 * (logpack.h): credential is then a blob, log_dict its dictionary */
	"CREATE TABLE log_dicts(id INTEGER PRIMARY KEY, dict BLOB NOT NULL);"
	"ALTER TABLE issued ADD COLUMN log_dict INTEGER REFERENCES log_dicts(id);",
	/* key rotate stages a key; publish activates it once the DID document
	 * listing it is written (issue 11): existing keys keep their state */
	"ALTER TABLE keys ADD COLUMN staged INTEGER NOT NULL DEFAULT 0;"
	"CREATE UNIQUE INDEX keys_staged ON keys(staged) WHERE staged = 1;",
	/* issue 13: no random-keyed index on the log's append path. Existing
	 * lists get their bitmap from issued when next allocated from. */
	"CREATE TABLE status_lists(list INTEGER PRIMARY KEY, used BLOB,"
	" suspendable INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO status_lists(list, suspendable) SELECT status_list, max(suspendable) FROM issued"
	" WHERE status_list IS NOT NULL GROUP BY status_list;"
	"DROP INDEX issued_status;"
	"CREATE INDEX issued_revoked ON issued(status_list, status_index) WHERE revoked = 1;"
	"CREATE INDEX issued_suspended ON issued(status_list, status_index) WHERE suspended = 1;"
	"CREATE TABLE row_keys(row_key BLOB PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;"
	"INSERT INTO row_keys(row_key, id) SELECT row_key, id FROM issued WHERE row_key IS NOT NULL ORDER BY row_key;"
	"CREATE TABLE row_keys_pending(row_key BLOB NOT NULL, id TEXT NOT NULL);"
	"DROP INDEX issued_row_key;",
	/* issue 16: OID4VCI offers and the server's one-time values
	 * (db_offer.c holds their statements) */
	"CREATE TABLE offers(id TEXT PRIMARY KEY, ref TEXT NOT NULL UNIQUE, code TEXT NOT NULL UNIQUE,"
	" achievement TEXT NOT NULL, recipient TEXT NOT NULL, name TEXT, pin BLOB,"
	" pin_fails INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'open',"
	" created INTEGER NOT NULL, expires INTEGER NOT NULL, token BLOB UNIQUE, token_expires INTEGER,"
	" credential_id TEXT, holder TEXT, changed INTEGER);"
	"CREATE TABLE oid4vci_once(kind INTEGER NOT NULL, hash BLOB NOT NULL, expires INTEGER NOT NULL,"
	" PRIMARY KEY(kind, hash)) WITHOUT ROWID;",
	/* issue 16 item 2: an offer's VC-API exchange (its secret reference;
	 * NULL: none); its challenges are oid4vci_once rows (db_offer.c) */
	"ALTER TABLE offers ADD COLUMN xref TEXT;"
	"CREATE UNIQUE INDEX offers_xref ON offers(xref);",
};

enum {
	Q_IDENTITY, Q_PROFILE_ADD, Q_KEY1_ADD, Q_KEYS, Q_KEY_STAGED, Q_KEY_NEXT, Q_KEY_STAGE, Q_KEY_ACTIVATE,
	Q_KEY_RETIRE, Q_ACH_ADD, Q_ACH_GET, Q_ACH_ALL, Q_LOG_ADD, Q_PENDING_ADD, Q_PENDING_ANY, Q_MERGE,
	Q_PENDING_CLEAR, Q_DICT_ADD, Q_FIND_ROW, Q_FOR_RECIPIENT, Q_LOG_GET, Q_REVOKE, Q_SUSPEND, Q_REINSTATE,
	Q_STATUS_CUR, Q_STATUS_GET, Q_STATUS_SCAN, Q_STATUS_SAVE, Q_STATUS_LISTS, Q_BITS_REVOKED, Q_BITS_SUSPENDED, Q_N
};

static const char *const sql[Q_N] = {
	[Q_IDENTITY] = "SELECT p.did, p.json, k.vm, k.file FROM profile p, keys k"
		       " WHERE k.active = 1 AND k.staged = 0 ORDER BY k.id DESC LIMIT 1",
	[Q_PROFILE_ADD] = "INSERT INTO profile(id, did, json) VALUES (1, ?1, ?2)",
	[Q_KEY1_ADD] = "INSERT INTO keys(file, vm, type, created, active) VALUES ('keys/key-1.json', ?1, ?2, ?3, 1)",
	[Q_KEYS] = "SELECT id, file, vm, type, created, active, staged FROM keys ORDER BY id",
	[Q_KEY_STAGED] = "SELECT id, vm FROM keys WHERE staged = 1",
	[Q_KEY_NEXT] = "SELECT coalesce(max(id), 0) + 1 FROM keys",
	[Q_KEY_STAGE] = "INSERT INTO keys(id, file, vm, type, created, active, staged) VALUES (?1, ?2, ?3, ?4, ?5, 0, 1)",
	[Q_KEY_ACTIVATE] = "UPDATE keys SET active = 1, staged = 0 WHERE id = ?1 AND staged = 1",
	[Q_KEY_RETIRE] = "UPDATE keys SET active = 0 WHERE id <> ?1",
	[Q_ACH_ADD] = "INSERT INTO achievements(id, json, created) VALUES (?1, ?2, ?3)",
	[Q_ACH_GET] = "SELECT json FROM achievements WHERE id = ?1",
	[Q_ACH_ALL] = "SELECT id, json FROM achievements ORDER BY id",
	[Q_LOG_ADD] = "INSERT INTO issued(id, achievement, recipient, suite, issued_at, credential,"
		      " status_list, status_index, suspendable, row_key, log_dict)"
		      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[Q_PENDING_ADD] = "INSERT INTO row_keys_pending(row_key, id) VALUES (?1, ?2)",
	[Q_PENDING_ANY] = "SELECT EXISTS (SELECT 1 FROM row_keys_pending)",
	[Q_MERGE] = "INSERT INTO row_keys(row_key, id) SELECT row_key, id FROM row_keys_pending ORDER BY row_key",
	[Q_PENDING_CLEAR] = "DELETE FROM row_keys_pending",
	[Q_DICT_ADD] = "INSERT INTO log_dicts(dict) VALUES (?1)",
	[Q_FIND_ROW] = "SELECT i.id, i.credential, d.dict, coalesce(i.status_list, 0), coalesce(i.status_index, 0)"
		       " FROM row_keys k JOIN issued i ON i.id = k.id LEFT JOIN log_dicts d ON d.id = i.log_dict"
		       " WHERE k.row_key = ?1",
	[Q_FOR_RECIPIENT] = "SELECT i.id, i.credential, d.dict FROM issued i LEFT JOIN log_dicts d ON d.id = i.log_dict"
			    " WHERE i.recipient = ?1 AND i.credential IS NOT NULL AND i.revoked = 0"
			    " AND (?2 OR i.suspended = 0) ORDER BY i.issued_at, i.rowid",
	[Q_LOG_GET] = "SELECT id, status_list, status_index, suspendable, revoked, suspended,"
		      " reason, changed_at, recipient, achievement, issued_at, suite"
		      " FROM issued WHERE id = ?1 OR id = 'urn:uuid:' || ?1",
	[Q_REVOKE] = "UPDATE issued SET revoked = 1, reason = ?2, changed_at = ?3 WHERE id = ?1",
	[Q_SUSPEND] = "UPDATE issued SET suspended = 1, reason = ?2, changed_at = ?3 WHERE id = ?1",
	[Q_REINSTATE] = "UPDATE issued SET suspended = 0, reason = ?2, changed_at = ?3 WHERE id = ?1",
	[Q_STATUS_CUR] = "SELECT list, used FROM status_lists ORDER BY list DESC LIMIT 1",
	[Q_STATUS_GET] = "SELECT used FROM status_lists WHERE list = ?1",
	[Q_STATUS_SCAN] = "SELECT status_index FROM issued WHERE status_list = ?1",
	[Q_STATUS_SAVE] = "INSERT INTO status_lists(list, used, suspendable) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT(list) DO UPDATE SET used = excluded.used,"
			  " suspendable = max(suspendable, excluded.suspendable)",
	[Q_STATUS_LISTS] = "SELECT list, suspendable FROM status_lists ORDER BY list",
	[Q_BITS_REVOKED] = "SELECT status_index FROM issued WHERE status_list = ?1 AND revoked = 1",
	[Q_BITS_SUSPENDED] = "SELECT status_index FROM issued WHERE status_list = ?1 AND suspended = 1"
			     " AND suspendable = 1",
};

struct sq_db {
	struct issuer_db base;
	ob_store *s;
	sqlite3_stmt *q[Q_N]; /* prepared on first use */
};

static const struct issuer_db_ops sq_ops;

static struct sq_db *SQ(issuer_db *db)
{
	return (struct sq_db *)db;
}

/* Statement k, reset and unbound, or NULL with err. Hand it back with
 * done() so it holds no lock. */
static sqlite3_stmt *stmt(struct sq_db *db, int k, ob_error *err)
{
	sqlite3_stmt *q = db->q[k];

	if (!q)
		return db->q[k] = ob_store_prepare(db->s, sql[k], err);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return q;
}

static void done(sqlite3_stmt *q)
{
	if (q)
		sqlite3_reset(q);
}

static char *col_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);

	return t ? strdup((const char *)t) : NULL;
}

static void bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
}

/* Steps a statement that returns no rows; what names it in the error. */
static ob_code run(struct sq_db *db, sqlite3_stmt *q, const char *what, ob_error *err)
{
	ob_code rc = OB_OK;

	if (sqlite3_step(q) != SQLITE_DONE)
		rc = ob_store_fail(db->s, what, err);
	done(q);
	return rc;
}

issuer_db *issuer_db_sqlite_open(const char *path, ob_error *err)
{
	struct sq_db *db = calloc(1, sizeof(struct sq_db));

	if (!db) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	if (!(db->s = ob_store_open(path, migrations, (int)(sizeof(migrations) / sizeof(migrations[0])), err))) {
		free(db);
		return NULL;
	}
	db->base.ops = &sq_ops;
	return &db->base;
}

static void sq_close(issuer_db *db_)
{
	struct sq_db *db = SQ(db_);
	int i;

	if (!db)
		return;
	for (i = 0; i < Q_N; i++)
		sqlite3_finalize(db->q[i]);
	ob_store_close(db->s);
	free(db);
}

ob_store *issuer_db_sqlite_store(issuer_db *db_)
{
	struct sq_db *db = SQ(db_);
	return db->s;
}

static ob_code sq_begin(issuer_db *db_, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	return ob_store_begin(db->s, err);
}

static ob_code sq_commit(issuer_db *db_, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	return ob_store_commit(db->s, err);
}

static void sq_rollback(issuer_db *db_)
{
	struct sq_db *db = SQ(db_);
	ob_store_rollback(db->s);
}

static ob_code sq_read_begin(issuer_db *db_, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	return ob_store_exec(db->s, "BEGIN", err);
}

static ob_code sq_read_end(issuer_db *db_, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	return ob_store_commit(db->s, err);
}

static ob_code sq_bulk(issuer_db *db_, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	/* a checkpoint every 64 MiB of log instead of 4: fewer fsyncs while
	 * each commit stays durable (synchronous stays FULL). The append
	 * path touches no random-keyed index any more, so a small page cache
	 * does. secure_delete FAST: the merged pending row keys stay in
	 * row_keys and issued; zeroing their freed pages would only write
	 * them a second time. No exclusive locking mode: ob-issuer serve may
	 * have the database open (it then waits for the run at issue.lock
	 * to issue, and its other writes wait their turn). */
	return ob_store_exec(db->s, "PRAGMA wal_autocheckpoint = 16384; PRAGMA cache_size = -8192;"
			     " PRAGMA secure_delete = FAST", err);
}

/* ---- profile and identity ---- */

static ob_code sq_create(issuer_db *db_, const char *did, const char *profile_json, const char *vm,
			 const char *key_type, const char *created, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc;

	if ((rc = sq_begin(&db->base, err)))
		return rc;
	if (!(q = stmt(db, Q_PROFILE_ADD, err))) {
		rc = err->code;
		goto out;
	}
	bind_text(q, 1, did);
	bind_text(q, 2, profile_json);
	if ((rc = run(db, q, "cannot store the profile", err)))
		goto out;
	if (!(q = stmt(db, Q_KEY1_ADD, err))) {
		rc = err->code;
		goto out;
	}
	bind_text(q, 1, vm);
	bind_text(q, 2, key_type);
	bind_text(q, 3, created);
	if (!(rc = run(db, q, "cannot store the key record", err)))
		rc = sq_commit(&db->base, err);
out:
	if (rc)
		sq_rollback(&db->base);
	return rc;
}

static ob_code sq_identity(issuer_db *db_, issuer_identity *id, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;

	memset(id, 0, sizeof(*id));
	if (!(q = stmt(db, Q_IDENTITY, err)))
		return err->code;
	if (sqlite3_step(q) != SQLITE_ROW)
		rc = ob_store_fail(db->s, "the issuer database is incomplete", err);
	else if (!(id->did = col_dup(q, 0)) || !(id->profile = col_dup(q, 1)) || !(id->vm = col_dup(q, 2)) ||
		 !(id->key_file = col_dup(q, 3)))
		rc = ob_fail(err, OB_ENOMEM, "cannot read the issuer profile");
	done(q);
	if (rc)
		issuer_identity_release(id);
	return rc;
}

/* ---- keys metadata ---- */

static ob_code sq_keys_each(issuer_db *db_, ob_code (*fn)(const issuer_key_info *k, void *ctx, ob_error *err),
			    void *ctx, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	issuer_key_info k;
	ob_code rc = OB_OK;
	int s;

	if (!(q = stmt(db, Q_KEYS, err)))
		return err->code;
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		k.id = (long)sqlite3_column_int64(q, 0);
		k.file = (const char *)sqlite3_column_text(q, 1);
		k.vm = (const char *)sqlite3_column_text(q, 2);
		k.type = (const char *)sqlite3_column_text(q, 3);
		k.created = (const char *)sqlite3_column_text(q, 4);
		k.active = sqlite3_column_int(q, 5);
		k.staged = sqlite3_column_int(q, 6);
		if ((rc = fn(&k, ctx, err)))
			break;
	}
	if (!rc && s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "cannot read the keys", err);
	done(q);
	return rc;
}

static ob_code sq_key_staged(issuer_db *db_, long *id, char **vm, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	int s;

	*id = 0;
	*vm = NULL;
	if (!(q = stmt(db, Q_KEY_STAGED, err)))
		return err->code;
	if ((s = sqlite3_step(q)) == SQLITE_ROW) {
		*id = (long)sqlite3_column_int64(q, 0);
		if (!(*vm = col_dup(q, 1)))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	} else if (s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "cannot read the keys", err);
	done(q);
	return rc;
}

static ob_code sq_key_next_id(issuer_db *db_, long *id, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;

	if (!(q = stmt(db, Q_KEY_NEXT, err)))
		return err->code;
	if (sqlite3_step(q) != SQLITE_ROW)
		rc = ob_store_fail(db->s, "cannot read the keys", err);
	else
		*id = (long)sqlite3_column_int64(q, 0);
	done(q);
	return rc;
}

static ob_code sq_key_add_staged(issuer_db *db_, long id, const char *file, const char *vm, const char *type,
				 const char *created, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;

	if (!(q = stmt(db, Q_KEY_STAGE, err)))
		return err->code;
	sqlite3_bind_int64(q, 1, id);
	bind_text(q, 2, file);
	bind_text(q, 3, vm);
	bind_text(q, 4, type);
	bind_text(q, 5, created);
	return run(db, q, "cannot store the key record", err);
}

static ob_code sq_key_activate(issuer_db *db_, long id, int *done_, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc;

	*done_ = 0;
	if ((rc = sq_begin(&db->base, err)))
		return rc;
	if (!(q = stmt(db, Q_KEY_ACTIVATE, err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_int64(q, 1, id);
	if ((rc = run(db, q, "cannot activate the staged key", err)) ||
	    sqlite3_changes(ob_store_db(db->s)) != 1)
		goto out;
	if (!(q = stmt(db, Q_KEY_RETIRE, err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_int64(q, 1, id);
	if ((rc = run(db, q, "cannot activate the staged key", err)))
		goto out;
	if (!(rc = sq_commit(&db->base, err)))
		*done_ = 1;
out:
	/* a no-op after a commit; otherwise nothing changes */
	sq_rollback(&db->base);
	return rc;
}

/* ---- the catalog ---- */

static ob_code sq_achievement_add(issuer_db *db_, const char *id, const char *json, const char *created, int *dup,
				  ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	int s;

	*dup = 0;
	if (!(q = stmt(db, Q_ACH_ADD, err)))
		return err->code;
	bind_text(q, 1, id);
	bind_text(q, 2, json);
	bind_text(q, 3, created);
	s = sqlite3_step(q);
	if ((s & 0xff) == SQLITE_CONSTRAINT)
		*dup = 1;
	else if (s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "cannot store the achievement", err);
	done(q);
	return rc;
}

static ob_code sq_achievement_get(issuer_db *db_, const char *id, char **json, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	int s;

	*json = NULL;
	if (!(q = stmt(db, Q_ACH_GET, err)))
		return err->code;
	bind_text(q, 1, id);
	if ((s = sqlite3_step(q)) == SQLITE_ROW) {
		if (!(*json = col_dup(q, 0)))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	} else if (s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "cannot read the catalog", err);
	done(q);
	return rc;
}

static ob_code sq_achievements_each(issuer_db *db_,
				    ob_code (*fn)(const char *id, const char *json, size_t len, void *ctx, ob_error *err),
				    void *ctx, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	int s;

	if (!(q = stmt(db, Q_ACH_ALL, err)))
		return err->code;
	while ((s = sqlite3_step(q)) == SQLITE_ROW)
		if ((rc = fn((const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
			     (size_t)sqlite3_column_bytes(q, 1), ctx, err)))
			break;
	if (!rc && s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "cannot read the catalog", err);
	done(q);
	return rc;
}

/* ---- the issuance log ---- */

static ob_code sq_log_add(issuer_db *db_, const issued_row *r, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc;

	if (!(q = stmt(db, Q_LOG_ADD, err)))
		return err->code;
	bind_text(q, 1, r->id);
	bind_text(q, 2, r->achievement);
	bind_text(q, 3, r->recipient);
	bind_text(q, 4, r->suite);
	bind_text(q, 5, r->issued_at);
	if (r->log_dict > 0) {
		sqlite3_bind_blob(q, 6, r->credential, (int)r->credential_len, SQLITE_STATIC);
		sqlite3_bind_int64(q, 11, r->log_dict);
	} else {
		sqlite3_bind_text(q, 6, r->credential, (int)r->credential_len, SQLITE_STATIC);
	}
	if (r->list > 0) {
		sqlite3_bind_int64(q, 7, r->list);
		sqlite3_bind_int64(q, 8, r->idx);
	}
	sqlite3_bind_int(q, 9, r->suspendable);
	if (r->row_key)
		sqlite3_bind_blob(q, 10, r->row_key, 32, SQLITE_STATIC);
	if ((rc = run(db, q, "cannot log the credential", err)) || !r->row_key)
		return rc;
	if (!(q = stmt(db, Q_PENDING_ADD, err)))
		return err->code;
	sqlite3_bind_blob(q, 1, r->row_key, 32, SQLITE_STATIC);
	bind_text(q, 2, r->id);
	return run(db, q, "cannot log the credential", err);
}

static ob_code sq_log_dict_add(issuer_db *db_, const void *dict, size_t len, long *id, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc;

	if (!(q = stmt(db, Q_DICT_ADD, err)))
		return err->code;
	sqlite3_bind_blob(q, 1, dict, (int)len, SQLITE_STATIC);
	if (!(rc = run(db, q, "cannot log the dictionary", err)))
		*id = (long)sqlite3_last_insert_rowid(ob_store_db(db->s));
	return rc;
}

/* The credential text in column col (text, or a blob packed against the
 * dictionary in column col + 1), appended to text. */
static ob_code credential_column(sqlite3_stmt *q, int col, ob_buf *text, ob_error *err)
{
	const void *v;
	size_t n;

	if (sqlite3_column_type(q, col) != SQLITE_BLOB) {
		v = sqlite3_column_text(q, col);
		n = (size_t)sqlite3_column_bytes(q, col);
		if (v && ob_buf_add(text, v, n) < 0)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		return OB_OK;
	}
	v = sqlite3_column_blob(q, col);
	n = (size_t)sqlite3_column_bytes(q, col);
	return logpack_unpack(sqlite3_column_blob(q, col + 1), (size_t)sqlite3_column_bytes(q, col + 1),
			      v, n, text, err);
}

static ob_code sq_log_find_row(issuer_db *db_, const unsigned char key[32], int *found, char **id, ob_buf *text,
			       long *list, long *idx, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_error e = { 0 };
	ob_code rc = OB_OK;
	int s;

	*found = 0;
	*id = NULL;
	if (!(q = stmt(db, Q_FIND_ROW, err)))
		return err->code;
	sqlite3_bind_blob(q, 1, key, 32, SQLITE_STATIC);
	s = sqlite3_step(q);
	if (s == SQLITE_ROW) {
		*found = 1;
		*list = (long)sqlite3_column_int64(q, 3);
		*idx = (long)sqlite3_column_int64(q, 4);
		if (!(*id = col_dup(q, 0)))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
		else if (credential_column(q, 1, text, &e))
			rc = ob_fail(err, e.code, "issuance log entry %s: %s", *id, e.msg);
	} else if (s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "cannot read the log", err);
	done(q);
	return rc;
}

static ob_code sq_row_keys_merge(issuer_db *db_, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc;
	int any;

	if (!(q = stmt(db, Q_PENDING_ANY, err)))
		return err->code;
	any = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
	done(q);
	if (any < 0)
		return ob_store_fail(db->s, "cannot read the row keys", err);
	if (!any)
		return OB_OK;
	if ((rc = sq_begin(&db->base, err)))
		return rc;
	if (!(q = stmt(db, Q_MERGE, err)))
		rc = err->code;
	else if (!(rc = run(db, q, "cannot index the row keys", err))) {
		if (!(q = stmt(db, Q_PENDING_CLEAR, err)))
			rc = err->code;
		else if (!(rc = run(db, q, "cannot index the row keys", err)))
			rc = sq_commit(&db->base, err);
	}
	if (rc)
		sq_rollback(&db->base);
	return rc;
}

static ob_code sq_log_each_for(issuer_db *db_, const char *recipient, int with_suspended,
			       ob_code (*fn)(const char *id, const char *text, size_t len, void *ctx, ob_error *err),
			       void *ctx, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_buf buf = OB_BUF_INIT;
	ob_error e = { 0 };
	ob_code rc = OB_OK;
	int s;

	if (!(q = stmt(db, Q_FOR_RECIPIENT, err)))
		return err->code;
	bind_text(q, 1, recipient);
	sqlite3_bind_int(q, 2, with_suspended);
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(q, 0);
		ob_buf_truncate(&buf, 0);
		if (credential_column(q, 1, &buf, &e)) {
			rc = ob_fail(err, e.code, "issuance log entry %s is unreadable: %s", id, e.msg);
			break;
		}
		if ((rc = fn(id, buf.data ? buf.data : "", buf.len, ctx, err)))
			break;
	}
	if (!rc && s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "reading the issuance log", err);
	done(q);
	ob_buf_release(&buf);
	return rc;
}

/* ---- revocations ---- */

static ob_code sq_log_get(issuer_db *db_, const char *id, issuer_logged *l, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	int s;

	memset(l, 0, sizeof(*l));
	if (!(q = stmt(db, Q_LOG_GET, err)))
		return err->code;
	bind_text(q, 1, id);
	s = sqlite3_step(q);
	if (s == SQLITE_DONE)
		rc = ob_fail(err, OB_EINVALID, "no credential '%s' in the issuance log", id);
	else if (s != SQLITE_ROW)
		rc = ob_store_fail(db->s, "cannot read the log", err);
	else {
		l->id = col_dup(q, 0);
		l->has_status = sqlite3_column_type(q, 1) != SQLITE_NULL;
		l->list = (long)sqlite3_column_int64(q, 1);
		l->idx = (long)sqlite3_column_int64(q, 2);
		l->suspendable = sqlite3_column_int(q, 3);
		l->revoked = sqlite3_column_int(q, 4);
		l->suspended = sqlite3_column_int(q, 5);
		l->reason = col_dup(q, 6);
		l->changed_at = col_dup(q, 7);
		l->recipient = col_dup(q, 8);
		l->achievement = col_dup(q, 9);
		l->issued_at = col_dup(q, 10);
		l->suite = col_dup(q, 11);
		if (!l->id)
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	}
	done(q);
	if (rc)
		issuer_logged_release(l);
	return rc;
}

static ob_code sq_log_set_state(issuer_db *db_, const char *id, int what, const char *reason, const char *when,
				ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;

	if (!(q = stmt(db, what == ISSUER_REVOKE ? Q_REVOKE : what == ISSUER_SUSPEND ? Q_SUSPEND : Q_REINSTATE, err)))
		return err->code;
	bind_text(q, 1, id);
	bind_text(q, 2, reason);
	bind_text(q, 3, when);
	return run(db, q, "cannot update the log", err);
}

/* ---- status allocation ---- */

/* Sets in bits the status_index of every row q (bound) returns. */
static ob_code index_bits(struct sq_db *db, sqlite3_stmt *q, unsigned char *bits, const char *what, ob_error *err)
{
	ob_code rc = OB_OK;
	int s;

	memset(bits, 0, OB_STATUS_LIST_SIZE / 8);
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_int64 i = sqlite3_column_int64(q, 0);
		if (i >= 0 && i < OB_STATUS_LIST_SIZE)
			ob_status_set(bits, (size_t)i, 1);
	}
	if (s != SQLITE_DONE)
		rc = ob_store_fail(db->s, what, err);
	done(q);
	return rc;
}

static ob_code sq_status_current(issuer_db *db_, long *list, unsigned char *used, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	int s, derive = 0;

	memset(used, 0, OB_STATUS_LIST_SIZE / 8);
	*list = 1;
	if (!(q = stmt(db, Q_STATUS_CUR, err)))
		return err->code;
	if ((s = sqlite3_step(q)) == SQLITE_ROW) {
		*list = (long)sqlite3_column_int64(q, 0);
		if (sqlite3_column_type(q, 1) == SQLITE_NULL)
			derive = 1; /* from before version 5 */
		else if (sqlite3_column_bytes(q, 1) == OB_STATUS_LIST_SIZE / 8)
			memcpy(used, sqlite3_column_blob(q, 1), OB_STATUS_LIST_SIZE / 8);
		else
			s = SQLITE_CORRUPT;
	}
	done(q);
	if (s == SQLITE_CORRUPT)
		return ob_fail(err, OB_EIO, "status list %ld's allocation is damaged", *list);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return ob_store_fail(db->s, "cannot read the status allocation", err);
	if (!derive)
		return OB_OK;
	if (!(q = stmt(db, Q_STATUS_SCAN, err)))
		return err->code;
	sqlite3_bind_int64(q, 1, *list);
	return index_bits(db, q, used, "cannot read the status allocation", err);
}

static ob_code sq_status_next(issuer_db *db_, long *list, unsigned char *used, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	/* lists are filled in order: no later one holds slots yet */
	(void)db;
	(void)err;
	(*list)++;
	memset(used, 0, OB_STATUS_LIST_SIZE / 8);
	return OB_OK;
}

static ob_code sq_status_save(issuer_db *db_, long list, const unsigned char *used, int suspendable,
			      ob_error *err)
{
	struct sq_db *db = SQ(db_);
	unsigned char *all = malloc(OB_STATUS_LIST_SIZE / 8);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	size_t i;
	int s, derive;

	if (!all)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	/* the stored slots and the new ones (a list from before version 5
	 * has no bitmap yet: its slots come from issued) */
	memset(all, 0, OB_STATUS_LIST_SIZE / 8);
	if (!(q = stmt(db, Q_STATUS_GET, err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_int64(q, 1, list);
	s = sqlite3_step(q);
	derive = s == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_NULL;
	if (s == SQLITE_ROW && sqlite3_column_bytes(q, 0) == OB_STATUS_LIST_SIZE / 8)
		memcpy(all, sqlite3_column_blob(q, 0), OB_STATUS_LIST_SIZE / 8);
	done(q);
	if (s != SQLITE_ROW && s != SQLITE_DONE) {
		rc = ob_store_fail(db->s, "cannot read the status allocation", err);
		goto out;
	}
	if (derive) {
		if (!(q = stmt(db, Q_STATUS_SCAN, err))) {
			rc = err->code;
			goto out;
		}
		sqlite3_bind_int64(q, 1, list);
		if ((rc = index_bits(db, q, all, "cannot read the status allocation", err)))
			goto out;
	}
	for (i = 0; i < OB_STATUS_LIST_SIZE / 8; i++)
		all[i] |= used[i];
	if (!(q = stmt(db, Q_STATUS_SAVE, err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_int64(q, 1, list);
	sqlite3_bind_blob(q, 2, all, OB_STATUS_LIST_SIZE / 8, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, suspendable);
	rc = run(db, q, "cannot record the status allocation", err);
out:
	free(all);
	return rc;
}

static ob_code sq_status_lists_each(issuer_db *db_, ob_code (*fn)(long list, int suspendable, void *ctx, ob_error *err),
				    void *ctx, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	int s;

	if (!(q = stmt(db, Q_STATUS_LISTS, err)))
		return err->code;
	while ((s = sqlite3_step(q)) == SQLITE_ROW)
		if ((rc = fn((long)sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1), ctx, err)))
			break;
	if (!rc && s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "cannot read the log", err);
	done(q);
	return rc;
}

static ob_code sq_status_bits(issuer_db *db_, long list, int suspension, unsigned char *bits, ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;

	if (!(q = stmt(db, suspension ? Q_BITS_SUSPENDED : Q_BITS_REVOKED, err)))
		return err->code;
	sqlite3_bind_int64(q, 1, list);
	return index_bits(db, q, bits, "cannot read the log", err);
}

/* ---- records: list, show, export (issue 15) ---- */

static const char sql_log_walk[] =
	"SELECT i.id, i.achievement, i.recipient, i.suite, i.issued_at, i.reason, i.changed_at,"
	" i.status_list, i.status_index, i.suspendable, i.revoked, i.suspended,"
	" CASE WHEN ?7 THEN i.credential END, CASE WHEN ?7 THEN d.dict END"
	" FROM issued i LEFT JOIN log_dicts d ON d.id = i.log_dict"
	" WHERE (?1 IS NULL OR substr(i.id, 1, length(?1)) = ?1"
	"        OR (substr(i.id, 1, 9) = 'urn:uuid:' AND substr(i.id, 10, length(?1)) = ?1))"
	" AND (?2 IS NULL OR i.recipient = ?2 OR (instr(?2, '@') > 0 AND lower(i.recipient) = lower(?2)))"
	" AND (?3 IS NULL OR i.achievement = ?3)"
	" AND (?4 IS NULL OR i.issued_at >= ?4) AND (?5 IS NULL OR i.issued_at < ?5)"
	" AND (?6 = 0 OR (?6 = 1 AND i.revoked = 0 AND i.suspended = 0) OR (?6 = 2 AND i.revoked = 1)"
	"      OR (?6 = 3 AND i.revoked = 0 AND i.suspended = 1))"
	" ORDER BY i.issued_at, i.rowid";

static ob_code sq_log_walk(issuer_db *db_, const issuer_log_filter *f, int with_text,
			   ob_code (*fn)(const issuer_log_entry *e, void *ctx, ob_error *err), void *ctx,
			   ob_error *err)
{
	struct sq_db *db = SQ(db_);
	sqlite3_stmt *q;
	ob_buf buf = OB_BUF_INIT;
	ob_error e2 = { 0 };
	ob_code rc = OB_OK;
	int s;

	/* prepared per call: one walk per command */
	if (!(q = ob_store_prepare(db->s, sql_log_walk, err)))
		return err->code;
	bind_text(q, 1, f->id_prefix);
	bind_text(q, 2, f->recipient);
	bind_text(q, 3, f->achievement);
	bind_text(q, 4, f->since);
	bind_text(q, 5, f->before);
	sqlite3_bind_int(q, 6, f->state);
	sqlite3_bind_int(q, 7, with_text);
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		issuer_log_entry e = {
			.id = (const char *)sqlite3_column_text(q, 0),
			.achievement = (const char *)sqlite3_column_text(q, 1),
			.recipient = (const char *)sqlite3_column_text(q, 2),
			.suite = (const char *)sqlite3_column_text(q, 3),
			.issued_at = (const char *)sqlite3_column_text(q, 4),
			.reason = (const char *)sqlite3_column_text(q, 5),
			.changed_at = (const char *)sqlite3_column_text(q, 6),
			.has_status = sqlite3_column_type(q, 7) != SQLITE_NULL,
			.list = (long)sqlite3_column_int64(q, 7),
			.idx = (long)sqlite3_column_int64(q, 8),
			.suspendable = sqlite3_column_int(q, 9),
			.revoked = sqlite3_column_int(q, 10),
			.suspended = sqlite3_column_int(q, 11),
		};
		if (!e.id) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			break;
		}
		ob_buf_truncate(&buf, 0);
		if (with_text && sqlite3_column_type(q, 12) != SQLITE_NULL) {
			if (credential_column(q, 12, &buf, &e2)) {
				rc = ob_fail(err, e2.code == OB_ENOMEM ? OB_ENOMEM : OB_EIO,
					     "issuance log entry %s is unreadable: %s", e.id, e2.msg);
				break;
			}
			e.text = buf.data ? buf.data : "";
			e.len = buf.len;
		}
		if ((rc = fn(&e, ctx, err)))
			break;
	}
	if (!rc && s != SQLITE_DONE)
		rc = ob_store_fail(db->s, "cannot read the issuance log", err);
	sqlite3_finalize(q);
	ob_buf_release(&buf);
	return rc;
}

static const struct issuer_db_ops sq_ops = {
	.name = "sqlite",
	.concurrent = 0,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	/* a read transaction in WAL mode is a snapshot */
	.snapshot_begin = sq_read_begin,
	.bulk = sq_bulk,
	.create = sq_create,
	.identity = sq_identity,
	.keys_each = sq_keys_each,
	.key_staged = sq_key_staged,
	.key_next_id = sq_key_next_id,
	.key_add_staged = sq_key_add_staged,
	.key_activate = sq_key_activate,
	.achievement_add = sq_achievement_add,
	.achievement_get = sq_achievement_get,
	.achievements_each = sq_achievements_each,
	.log_add = sq_log_add,
	.log_dict_add = sq_log_dict_add,
	.log_find_row = sq_log_find_row,
	.row_keys_merge = sq_row_keys_merge,
	.log_each_for = sq_log_each_for,
	.log_walk = sq_log_walk,
	.log_get = sq_log_get,
	.log_set_state = sq_log_set_state,
	.status_current = sq_status_current,
	.status_next = sq_status_next,
	.status_save = sq_status_save,
	.status_lists_each = sq_status_lists_each,
	.status_bits = sq_status_bits,
};
