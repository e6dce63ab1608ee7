/* db_offer: the SQLite statements of db_offer.h. Prepared per call: the
 * server makes a handful per request, not thousands. */
#include "db_offer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db_impl.h"
#include "db_pg_offer.h"
#include "io/store.h"

#define COLS "id, ref, code, achievement, recipient, name, pin, pin_fails, state, created, expires," \
	" token_expires, credential_id, holder, changed, xref"

/* A statement on the issuer's SQLite connection (the public functions at
 * the end send a PostgreSQL handle to db_pg_offer.c instead). */
static sqlite3_stmt *prep(issuer_db *db, const char *sql, ob_error *err)
{
	ob_store *s = issuer_db_store(db);

	if (!s) {
		ob_fail(err, OB_EUNSUPPORTED, "offers are kept in SQLite issuer homes only (not yet in PostgreSQL)");
		return NULL;
	}
	return ob_store_prepare(s, sql, err);
}

static char *col_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);

	return t ? strdup((const char *)t) : NULL;
}

void offer_rec_release(offer_rec *o)
{
	if (!o)
		return;
	free(o->id);
	free(o->ref);
	free(o->code);
	free(o->achievement);
	free(o->recipient);
	free(o->name);
	free(o->state);
	free(o->credential_id);
	free(o->holder);
	free(o->xref);
	memset(o, 0, sizeof(*o));
}

static ob_code read_row(sqlite3_stmt *q, offer_rec *o, ob_error *err)
{
	const void *pin = sqlite3_column_blob(q, 6);

	memset(o, 0, sizeof(*o));
	o->id = col_dup(q, 0);
	o->ref = col_dup(q, 1);
	o->code = col_dup(q, 2);
	o->achievement = col_dup(q, 3);
	o->recipient = col_dup(q, 4);
	o->name = col_dup(q, 5);
	if (pin && sqlite3_column_bytes(q, 6) == OFFER_PIN_LEN) {
		memcpy(o->pin, pin, OFFER_PIN_LEN);
		o->has_pin = 1;
	}
	o->pin_fails = (long)sqlite3_column_int64(q, 7);
	o->state = col_dup(q, 8);
	o->created = (time_t)sqlite3_column_int64(q, 9);
	o->expires = (time_t)sqlite3_column_int64(q, 10);
	o->token_expires = (time_t)sqlite3_column_int64(q, 11);
	o->credential_id = col_dup(q, 12);
	o->holder = col_dup(q, 13);
	o->changed = (time_t)sqlite3_column_int64(q, 14);
	o->xref = col_dup(q, 15);
	if (!o->id || !o->ref || !o->code || !o->achievement || !o->recipient || !o->state) {
		offer_rec_release(o);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

static void bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
}

/* Runs q (no rows wanted); *changes gets the rows it changed. */
static ob_code run(issuer_db *db, sqlite3_stmt *q, const char *what, int *changes, ob_error *err)
{
	ob_store *s = issuer_db_store(db);
	ob_code rc = OB_OK;

	if (sqlite3_step(q) != SQLITE_DONE)
		rc = ob_store_fail(s, what, err);
	else if (changes)
		*changes = sqlite3_changes(ob_store_db(s));
	sqlite3_finalize(q);
	return rc;
}

static ob_code sq_offer_add(issuer_db *db, const offer_rec *o, ob_error *err)
{
	sqlite3_stmt *q = prep(db,
		"INSERT INTO offers(id, ref, code, achievement, recipient, name, pin, created, expires, xref)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", err);

	if (!q)
		return err->code;
	bind_text(q, 1, o->id);
	bind_text(q, 2, o->ref);
	bind_text(q, 3, o->code);
	bind_text(q, 4, o->achievement);
	bind_text(q, 5, o->recipient);
	bind_text(q, 6, o->name);
	if (o->has_pin)
		sqlite3_bind_blob(q, 7, o->pin, OFFER_PIN_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 8, (sqlite3_int64)o->created);
	sqlite3_bind_int64(q, 9, (sqlite3_int64)o->expires);
	bind_text(q, 10, o->xref);
	return run(db, q, "storing the offer", NULL, err);
}

static ob_code find(issuer_db *db, sqlite3_stmt *q, offer_rec *o, int *found, ob_error *err)
{
	ob_code rc = OB_OK;
	int step = sqlite3_step(q);

	*found = 0;
	if (step == SQLITE_ROW) {
		if (!(rc = read_row(q, o, err)))
			*found = 1;
	} else if (step != SQLITE_DONE)
		rc = ob_store_fail(issuer_db_store(db), "reading the offer", err);
	sqlite3_finalize(q);
	return rc;
}

static ob_code sq_offer_find(issuer_db *db, const char *by, const char *value, offer_rec *o, int *found,
		      ob_error *err)
{
	const char *sql = !strcmp(by, "ref") ? "SELECT " COLS " FROM offers WHERE ref = ?1"
			  : !strcmp(by, "code") ? "SELECT " COLS " FROM offers WHERE code = ?1"
			  : !strcmp(by, "xref") ? "SELECT " COLS " FROM offers WHERE xref = ?1"
			  : "SELECT " COLS " FROM offers WHERE id = ?1";
	sqlite3_stmt *q = prep(db, sql, err);

	*found = 0;
	if (!q)
		return err->code;
	bind_text(q, 1, value);
	return find(db, q, o, found, err);
}

static ob_code sq_offer_find_token(issuer_db *db, const unsigned char hash[32], offer_rec *o, int *found,
			    ob_error *err)
{
	sqlite3_stmt *q = prep(db, "SELECT " COLS " FROM offers WHERE token = ?1", err);

	*found = 0;
	if (!q)
		return err->code;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	return find(db, q, o, found, err);
}

static ob_code sq_offer_each(issuer_db *db, ob_code (*fn)(const offer_rec *o, void *ctx, ob_error *err), void *ctx,
		      ob_error *err)
{
	sqlite3_stmt *q = prep(db,
					   "SELECT " COLS " FROM offers ORDER BY created, rowid", err);
	ob_code rc = OB_OK;
	offer_rec o;
	int step;

	if (!q)
		return err->code;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if ((rc = read_row(q, &o, err)))
			break;
		rc = fn(&o, ctx, err);
		offer_rec_release(&o);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = ob_store_fail(issuer_db_store(db), "listing the offers", err);
	sqlite3_finalize(q);
	return rc;
}

static ob_code sq_offer_revoke(issuer_db *db, const char *id, time_t now, int *done, ob_error *err)
{
	sqlite3_stmt *q = prep(db,
		"UPDATE offers SET state = 'revoked', token = NULL, changed = ?2"
		" WHERE id = ?1 AND state IN ('open', 'redeemed')", err);

	if (!q)
		return err->code;
	bind_text(q, 1, id);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)now);
	return run(db, q, "revoking the offer", done, err);
}

static ob_code sq_offer_pin_fail(issuer_db *db, const char *id, long max, time_t now, long *fails, ob_error *err)
{
	sqlite3_stmt *q = prep(db,
		"UPDATE offers SET pin_fails = pin_fails + 1, changed = ?3,"
		" state = CASE WHEN pin_fails + 1 >= ?2 THEN 'locked' ELSE state END"
		" WHERE id = ?1 AND state = 'open' RETURNING pin_fails", err);
	ob_code rc = OB_OK;
	int step;

	*fails = max;
	if (!q)
		return err->code;
	bind_text(q, 1, id);
	sqlite3_bind_int64(q, 2, max);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)now);
	step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		*fails = (long)sqlite3_column_int64(q, 0);
		step = sqlite3_step(q);
	}
	if (step != SQLITE_DONE)
		rc = ob_store_fail(issuer_db_store(db), "counting a wrong PIN", err);
	sqlite3_finalize(q);
	return rc;
}

static ob_code sq_offer_redeem(issuer_db *db, const char *id, const unsigned char token[32], time_t token_expires,
			time_t now, int *done, ob_error *err)
{
	sqlite3_stmt *q = prep(db,
		"UPDATE offers SET state = 'redeemed', token = ?2, token_expires = ?3, changed = ?4"
		" WHERE id = ?1 AND state = 'open' AND expires > ?4", err);

	if (!q)
		return err->code;
	bind_text(q, 1, id);
	sqlite3_bind_blob(q, 2, token, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)token_expires);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)now);
	return run(db, q, "redeeming the offer", done, err);
}

static ob_code sq_offer_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder,
			time_t now, int *done, ob_error *err)
{
	sqlite3_stmt *q = prep(db,
		"UPDATE offers SET state = 'issued', token = NULL, credential_id = ?2, holder = ?3, changed = ?4"
		" WHERE id = ?1 AND state = 'redeemed'", err);

	if (!q)
		return err->code;
	bind_text(q, 1, id);
	bind_text(q, 2, credential_id);
	bind_text(q, 3, holder);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)now);
	return run(db, q, "recording the delivery", done, err);
}

static ob_code sq_offer_exchange_issued(issuer_db *db, const char *id, const char *credential_id,
					const char *holder, time_t now, int *done, ob_error *err)
{
	sqlite3_stmt *q = prep(db,
		"UPDATE offers SET state = 'issued', token = NULL, credential_id = ?2, holder = ?3, changed = ?4"
		" WHERE id = ?1 AND state = 'open' AND expires > ?4 AND xref IS NOT NULL", err);

	if (!q)
		return err->code;
	bind_text(q, 1, id);
	bind_text(q, 2, credential_id);
	bind_text(q, 3, holder);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)now);
	return run(db, q, "recording the delivery", done, err);
}

static ob_code sq_offer_once_add(issuer_db *db, int kind, const unsigned char hash[32], time_t expires, time_t now,
			  int *dup, ob_error *err)
{
	sqlite3_stmt *q;
	ob_code rc;
	int n = 0;

	if (!(q = prep(db, "DELETE FROM oid4vci_once WHERE expires <= ?1", err)))
		return err->code;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)now);
	if ((rc = run(db, q, "purging used values", NULL, err)))
		return rc;
	if (!(q = prep(db,
				   "INSERT OR IGNORE INTO oid4vci_once(kind, hash, expires) VALUES (?1, ?2, ?3)", err)))
		return err->code;
	sqlite3_bind_int(q, 1, kind);
	sqlite3_bind_blob(q, 2, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)expires);
	rc = run(db, q, "recording a one-time value", &n, err);
	*dup = !rc && n == 0;
	return rc;
}

static ob_code sq_offer_once_take(issuer_db *db, int kind, const unsigned char hash[32], time_t now, int *ok,
			   ob_error *err)
{
	sqlite3_stmt *q = prep(db,
		"DELETE FROM oid4vci_once WHERE kind = ?1 AND hash = ?2 AND expires > ?3", err);
	int n = 0;
	ob_code rc;

	*ok = 0;
	if (!q)
		return err->code;
	sqlite3_bind_int(q, 1, kind);
	sqlite3_bind_blob(q, 2, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)now);
	rc = run(db, q, "taking a one-time value", &n, err);
	*ok = !rc && n == 1;
	return rc;
}

/* ---- the public functions: SQLite here, PostgreSQL in db_pg_offer.c ---- */

ob_code offer_db_add(issuer_db *db, const offer_rec *o, ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_add(db, o, err) :
	       sq_offer_add(db, o, err);
}

ob_code offer_db_find(issuer_db *db, const char *by, const char *value, offer_rec *o, int *found,
		ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_find(db, by, value, o, found, err) :
	       sq_offer_find(db, by, value, o, found, err);
}

ob_code offer_db_find_token(issuer_db *db, const unsigned char hash[32], offer_rec *o, int *found,
		ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_find_token(db, hash, o, found, err) :
	       sq_offer_find_token(db, hash, o, found, err);
}

ob_code offer_db_each(issuer_db *db, ob_code (*fn)(const offer_rec *o, void *ctx, ob_error *err), void *ctx,
		ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_each(db, fn, ctx, err) :
	       sq_offer_each(db, fn, ctx, err);
}

ob_code offer_db_revoke(issuer_db *db, const char *id, time_t now, int *done, ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_revoke(db, id, now, done, err) :
	       sq_offer_revoke(db, id, now, done, err);
}

ob_code offer_db_pin_fail(issuer_db *db, const char *id, long max, time_t now, long *fails, ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_pin_fail(db, id, max, now, fails, err) :
	       sq_offer_pin_fail(db, id, max, now, fails, err);
}

ob_code offer_db_redeem(issuer_db *db, const char *id, const unsigned char token[32], time_t token_expires,
		time_t now, int *done, ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_redeem(db, id, token, token_expires, now, done, err) :
	       sq_offer_redeem(db, id, token, token_expires, now, done, err);
}

ob_code offer_db_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder,
		time_t now, int *done, ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_issued(db, id, credential_id, holder, now, done, err) :
	       sq_offer_issued(db, id, credential_id, holder, now, done, err);
}

ob_code offer_db_exchange_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder,
				 time_t now, int *done, ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_exchange_issued(db, id, credential_id, holder, now, done, err) :
	       sq_offer_exchange_issued(db, id, credential_id, holder, now, done, err);
}

/* A nonce (ONCE_NONCE) is committed in its own transaction without
 * waiting for the disk: SQLite's synchronous NORMAL for that one
 * transaction (in WAL mode the commit survives the process; only a
 * power loss may forget it, and the next synced commit takes it along),
 * PostgreSQL's synchronous_commit off. A nonce lost that way is
 * harmless (the wallet asks for another: it was never used), and the
 * server's busiest write no longer waits for fsync. Everything else is
 * spent in synced commits. */
static ob_code once_add_unsynced(issuer_db *db, int kind, const unsigned char hash[32], time_t expires,
				 time_t now, int *dup, ob_error *err)
{
	ob_store *s = issuer_db_is_pg(db) ? NULL : issuer_db_store(db);
	sqlite3_stmt *q;
	ob_error e = { 0 };
	char restore[48] = "";
	ob_code rc;

	if (s && sqlite3_get_autocommit(ob_store_db(s))) {
		/* the connection's own setting comes back after */
		if (!(q = prep(db, "PRAGMA synchronous", err)))
			return err->code;
		if (sqlite3_step(q) == SQLITE_ROW)
			snprintf(restore, sizeof(restore), "PRAGMA synchronous = %d", sqlite3_column_int(q, 0));
		sqlite3_finalize(q);
		if (!*restore)
			return ob_store_fail(s, "reading the synchronous setting", err);
		if ((rc = ob_store_exec(s, "PRAGMA synchronous = NORMAL", err)))
			return rc;
		if (!(rc = issuer_db_begin(db, err))) {
			if (!(rc = sq_offer_once_add(db, kind, hash, expires, now, dup, err)))
				rc = issuer_db_commit(db, err);
			else
				issuer_db_rollback(db);
		}
		if (ob_store_exec(s, restore, &e) && !rc)
			rc = ob_fail(err, e.code, "%s", e.msg);
		return rc;
	}
	if (issuer_db_is_pg(db)) {
		/* its own transaction, in which pg_offer_once_add sets
		 * synchronous_commit off for a nonce */
		if ((rc = issuer_db_begin(db, err)))
			return rc;
		if (!(rc = pg_offer_once_add(db, kind, hash, expires, now, dup, err)))
			rc = issuer_db_commit(db, err);
		else
			issuer_db_rollback(db);
		return rc;
	}
	return sq_offer_once_add(db, kind, hash, expires, now, dup, err);
}

ob_code offer_db_once_add(issuer_db *db, int kind, const unsigned char hash[32], time_t expires, time_t now,
		int *dup, ob_error *err)
{
	if (kind == ONCE_NONCE)
		return once_add_unsynced(db, kind, hash, expires, now, dup, err);
	return issuer_db_is_pg(db) ? pg_offer_once_add(db, kind, hash, expires, now, dup, err) :
	       sq_offer_once_add(db, kind, hash, expires, now, dup, err);
}

ob_code offer_db_once_take(issuer_db *db, int kind, const unsigned char hash[32], time_t now, int *ok,
		ob_error *err)
{
	return issuer_db_is_pg(db) ? pg_offer_once_take(db, kind, hash, now, ok, err) :
	       sq_offer_once_take(db, kind, hash, now, ok, err);
}
