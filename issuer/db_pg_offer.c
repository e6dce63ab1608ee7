/* db_pg_offer: db_offer.h's statements on PostgreSQL (issue 17: the
 * offers of issue 16 in the storage interface too). db_offer.c calls
 * these for a PostgreSQL handle; the meanings are SQLite's, statement for
 * statement: one-time codes and values are taken by the database
 * (UPDATE ... WHERE state = 'open', DELETE ... RETURNING), so two issuing
 * nodes serving one offer cannot both redeem it. */
#include "db_pg_offer.h"

#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db_impl.h"

#define COLS "id, ref, code, achievement, recipient, name, pin, pin_fails::int8, state, created::int8," \
	" expires::int8, coalesce(token_expires, 0)::int8, credential_id, holder, coalesce(changed, 0)::int8, xref"

static long long col_ll(const PGresult *r, int row, int col)
{
	uint64_t v;

	if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 8)
		return 0;
	memcpy(&v, PQgetvalue(r, row, col), 8);
	return (long long)(int64_t)be64toh(v);
}

static char *col_dup(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : strndup(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

static const char *num(char buf[24], long long v)
{
	snprintf(buf, 24, "%lld", v);
	return buf;
}

static ob_code read_row(const PGresult *r, int row, offer_rec *o, ob_error *err)
{
	memset(o, 0, sizeof(*o));
	o->id = col_dup(r, row, 0);
	o->ref = col_dup(r, row, 1);
	o->code = col_dup(r, row, 2);
	o->achievement = col_dup(r, row, 3);
	o->recipient = col_dup(r, row, 4);
	o->name = col_dup(r, row, 5);
	if (!PQgetisnull(r, row, 6) && PQgetlength(r, row, 6) == OFFER_PIN_LEN) {
		memcpy(o->pin, PQgetvalue(r, row, 6), OFFER_PIN_LEN);
		o->has_pin = 1;
	}
	o->pin_fails = (long)col_ll(r, row, 7);
	o->state = col_dup(r, row, 8);
	o->created = (time_t)col_ll(r, row, 9);
	o->expires = (time_t)col_ll(r, row, 10);
	o->token_expires = (time_t)col_ll(r, row, 11);
	o->credential_id = col_dup(r, row, 12);
	o->holder = col_dup(r, row, 13);
	o->changed = (time_t)col_ll(r, row, 14);
	o->xref = col_dup(r, row, 15);
	if (!o->id || !o->ref || !o->code || !o->achievement || !o->recipient || !o->state) {
		offer_rec_release(o);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

/* Runs sql; *changed (when not NULL) the rows it changed. */
static ob_code change(issuer_db *db, const char *sql, int n, const char *const *vals, const int *lens,
		      const int *fmts, const char *what, int *changed, ob_error *err)
{
	PGresult *r = issuer_db_pg_query(db, sql, n, vals, lens, fmts, what, err);

	if (!r)
		return err->code;
	if (changed)
		*changed = atoi(PQcmdTuples(r));
	PQclear(r);
	return OB_OK;
}

ob_code pg_offer_add(issuer_db *db, const offer_rec *o, ob_error *err)
{
	char c[24], e[24];
	const char *v[] = { o->id, o->ref, o->code, o->achievement, o->recipient, o->name,
			    o->has_pin ? (const char *)o->pin : NULL, num(c, (long long)o->created),
			    num(e, (long long)o->expires), o->xref };
	int lens[10] = { 0 }, fmts[10] = { 0 };

	lens[6] = OFFER_PIN_LEN;
	fmts[6] = 1;
	return change(db, "INSERT INTO offers(id, ref, code, achievement, recipient, name, pin, created, expires, xref)"
		      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 10, v, lens, fmts, "storing the offer", NULL, err);
}

static ob_code find(issuer_db *db, const char *sql, const char *val, int len, offer_rec *o, int *found,
		    ob_error *err)
{
	const char *v[] = { val };
	int lens[] = { len }, fmts[] = { len > 0 };
	PGresult *r = issuer_db_pg_query(db, sql, 1, v, lens, fmts, "reading the offer", err);
	ob_code rc = OB_OK;

	*found = 0;
	if (!r)
		return err->code;
	if (PQntuples(r) > 0 && !(rc = read_row(r, 0, o, err)))
		*found = 1;
	PQclear(r);
	return rc;
}

ob_code pg_offer_find(issuer_db *db, const char *by, const char *value, offer_rec *o, int *found, ob_error *err)
{
	const char *sql = !strcmp(by, "ref") ? "SELECT " COLS " FROM offers WHERE ref = $1"
			  : !strcmp(by, "code") ? "SELECT " COLS " FROM offers WHERE code = $1"
			  : !strcmp(by, "xref") ? "SELECT " COLS " FROM offers WHERE xref = $1"
			  : "SELECT " COLS " FROM offers WHERE id = $1";

	return find(db, sql, value, 0, o, found, err);
}

ob_code pg_offer_find_token(issuer_db *db, const unsigned char hash[32], offer_rec *o, int *found, ob_error *err)
{
	return find(db, "SELECT " COLS " FROM offers WHERE token = $1", (const char *)hash, 32, o, found, err);
}

ob_code pg_offer_each(issuer_db *db, ob_code (*fn)(const offer_rec *o, void *ctx, ob_error *err), void *ctx,
		      ob_error *err)
{
	PGresult *r = issuer_db_pg_query(db, "SELECT " COLS " FROM offers ORDER BY created, seq", 0, NULL, NULL,
					 NULL, "listing the offers", err);
	ob_code rc = OB_OK;
	offer_rec o;
	int i;

	if (!r)
		return err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		if ((rc = read_row(r, i, &o, err)))
			break;
		rc = fn(&o, ctx, err);
		offer_rec_release(&o);
	}
	PQclear(r);
	return rc;
}

ob_code pg_offer_revoke(issuer_db *db, const char *id, time_t now, int *done, ob_error *err)
{
	char t[24];
	const char *v[] = { id, num(t, (long long)now) };

	return change(db, "UPDATE offers SET state = 'revoked', token = NULL, changed = $2"
		      " WHERE id = $1 AND state IN ('open', 'redeemed')", 2, v, NULL, NULL, "revoking the offer", done,
		      err);
}

ob_code pg_offer_pin_fail(issuer_db *db, const char *id, long max, time_t now, long *fails, ob_error *err)
{
	char m[24], t[24];
	const char *v[] = { id, num(m, max), num(t, (long long)now) };
	PGresult *r = issuer_db_pg_query(db, "UPDATE offers SET pin_fails = pin_fails + 1, changed = $3,"
					 " state = CASE WHEN pin_fails + 1 >= $2::int8 THEN 'locked' ELSE state END"
					 " WHERE id = $1 AND state = 'open' RETURNING pin_fails::int8",
					 3, v, NULL, NULL, "counting a wrong PIN", err);

	*fails = max;
	if (!r)
		return err->code;
	if (PQntuples(r) > 0)
		*fails = (long)col_ll(r, 0, 0);
	PQclear(r);
	return OB_OK;
}

ob_code pg_offer_redeem(issuer_db *db, const char *id, const unsigned char token[32], time_t token_expires,
			time_t now, int *done, ob_error *err)
{
	char te[24], t[24];
	const char *v[] = { id, (const char *)token, num(te, (long long)token_expires), num(t, (long long)now) };
	int lens[] = { 0, 32, 0, 0 }, fmts[] = { 0, 1, 0, 0 };

	return change(db, "UPDATE offers SET state = 'redeemed', token = $2, token_expires = $3, changed = $4"
		      " WHERE id = $1 AND state = 'open' AND expires > $4::int8", 4, v, lens, fmts,
		      "redeeming the offer", done, err);
}

ob_code pg_offer_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder, time_t now,
			int *done, ob_error *err)
{
	char t[24];
	const char *v[] = { id, credential_id, holder, num(t, (long long)now) };

	return change(db, "UPDATE offers SET state = 'issued', token = NULL, credential_id = $2, holder = $3,"
		      " changed = $4 WHERE id = $1 AND state = 'redeemed'", 4, v, NULL, NULL,
		      "recording the delivery", done, err);
}

ob_code pg_offer_exchange_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder,
				 time_t now, int *done, ob_error *err)
{
	char t[24];
	const char *v[] = { id, credential_id, holder, num(t, (long long)now) };

	return change(db, "UPDATE offers SET state = 'issued', token = NULL, credential_id = $2, holder = $3,"
		      " changed = $4 WHERE id = $1 AND state = 'open' AND expires > $4::int8 AND xref IS NOT NULL",
		      4, v, NULL, NULL, "recording the delivery", done, err);
}

ob_code pg_offer_once_add(issuer_db *db, int kind, const unsigned char hash[32], time_t expires, time_t now,
			  int *dup, ob_error *err)
{
	char k[24], e[24], t[24];
	const char *purge[] = { num(t, (long long)now) };
	const char *v[] = { num(k, kind), (const char *)hash, num(e, (long long)expires) };
	int lens[] = { 0, 32, 0 }, fmts[] = { 0, 1, 0 }, n = 0;
	ob_code rc;

	/* a nonce: db_offer.c runs this in a transaction of its own, which
	 * need not wait for the disk (a lost nonce was never used) */
	if (kind == ONCE_NONCE &&
	    (rc = change(db, "SET LOCAL synchronous_commit = off", 0, NULL, NULL, NULL, "recording a nonce", NULL, err)))
		return rc;
	if ((rc = change(db, "DELETE FROM oid4vci_once WHERE expires <= $1", 1, purge, NULL, NULL,
			 "purging used values", NULL, err)))
		return rc;
	rc = change(db, "INSERT INTO oid4vci_once(kind, hash, expires) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		    3, v, lens, fmts, "recording a one-time value", &n, err);
	*dup = !rc && n == 0;
	return rc;
}

ob_code pg_offer_once_take(issuer_db *db, int kind, const unsigned char hash[32], time_t now, int *ok,
			   ob_error *err)
{
	char k[24], t[24];
	const char *v[] = { num(k, kind), (const char *)hash, num(t, (long long)now) };
	int lens[] = { 0, 32, 0 }, fmts[] = { 0, 1, 0 }, n = 0;
	ob_code rc;

	*ok = 0;
	rc = change(db, "DELETE FROM oid4vci_once WHERE kind = $1 AND hash = $2 AND expires > $3::int8", 3, v, lens,
		    fmts, "taking a one-time value", &n, err);
	*ok = !rc && n == 1;
	return rc;
}
