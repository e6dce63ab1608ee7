/* db_pg: the PostgreSQL implementation of db.h (issue 17), through libpq.
 *
 * Any number of ob-issuer processes, on any machines, issue against one
 * database. What keeps them apart is the database, not luck:
 *
 *   - credential ids are random UUIDs, and issued.id is the primary key;
 *   - a roster row is issued once: issued.row_key is UNIQUE, so a second
 *     node that tries the same row fails its transaction instead of
 *     logging it twice;
 *   - status slots: a list (OB_STATUS_LIST_SIZE slots) is cut into blocks
 *     of PG_BLOCK slots. A process issues only into blocks it holds. A new
 *     block's number comes from a sequence (never handed out twice); a
 *     block left with free slots (its process ended) is taken over under
 *     a session advisory lock, which PostgreSQL drops when the holder's
 *     connection ends, killed or not. Only its holder writes a block's
 *     taken slots, in the transaction that logs the rows using them, and
 *     UNIQUE(status_list, status_index) on issued backs it all;
 *   - migrations run under a transaction-scoped advisory lock, so nodes
 *     starting together do not race.
 *
 * The log's rows are sent in batches: issuer_db_log_add queues a row,
 * and the queue goes as one multi-row INSERT before the next statement
 * or the commit (a roster batch costs a few round trips, not one per
 * row); a failed insert fails the commit, and nothing of it stays.
 *
 * Statements are prepared once per connection. Parameters are sent as
 * text, bytea as binary; results come back binary (ints as 8-byte big
 * endian), so credentials are never escaped. The schema is SQLite's
 * version 5 in PostgreSQL's types (bytea, bit strings); later versions
 * are appended to both backends alike. */
#include "db_impl.h"

#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "logpack.h"
#include "vc/status.h"

#define PG_BLOCK 8192u                                /* slots per block */
#define PG_BLOCKS (OB_STATUS_LIST_SIZE / PG_BLOCK)    /* blocks per list */
#define PG_MAX_HELD 4096                              /* blocks held at once */

static const char *const pg_migrations[] = {
	"CREATE TABLE profile(id int PRIMARY KEY CHECK (id = 1), did text NOT NULL, json text NOT NULL);"
	"CREATE TABLE keys(id bigint PRIMARY KEY, file text NOT NULL, vm text NOT NULL, type text NOT NULL,"
	" created text NOT NULL, active int NOT NULL DEFAULT 1, staged int NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX keys_staged ON keys(staged) WHERE staged = 1;"
	"CREATE TABLE achievements(id text PRIMARY KEY, json text NOT NULL, created text NOT NULL);"
	"CREATE TABLE log_dicts(id bigserial PRIMARY KEY, dict bytea NOT NULL);"
	"CREATE TABLE issued(seq bigserial, id text PRIMARY KEY, achievement text NOT NULL,"
	" recipient text NOT NULL, suite text NOT NULL, issued_at text NOT NULL,"
	" credential bytea, log_dict bigint REFERENCES log_dicts(id),"
	" status_list bigint, status_index bigint, suspendable int NOT NULL DEFAULT 0,"
	" revoked int NOT NULL DEFAULT 0, suspended int NOT NULL DEFAULT 0, reason text, changed_at text,"
	" row_key bytea UNIQUE, UNIQUE (status_list, status_index));"
	"CREATE INDEX issued_recipient ON issued(recipient);"
	"CREATE INDEX issued_revoked ON issued(status_list, status_index) WHERE revoked = 1;"
	"CREATE INDEX issued_suspended ON issued(status_list, status_index) WHERE suspended = 1;"
	"CREATE TABLE status_blocks(list bigint NOT NULL, block int NOT NULL, used bytea NOT NULL,"
	" suspendable int NOT NULL DEFAULT 0, PRIMARY KEY (list, block));"
	"CREATE SEQUENCE status_block_seq MINVALUE 0 START 0;",
	/* SQLite's version 6 (issue 16): OID4VCI offers and the server's
	 * one-time values (db_pg_offer.c) */
	"CREATE TABLE offers(seq bigserial, id text PRIMARY KEY, ref text NOT NULL UNIQUE, code text NOT NULL UNIQUE,"
	" achievement text NOT NULL, recipient text NOT NULL, name text, pin bytea,"
	" pin_fails bigint NOT NULL DEFAULT 0, state text NOT NULL DEFAULT 'open',"
	" created bigint NOT NULL, expires bigint NOT NULL, token bytea UNIQUE, token_expires bigint,"
	" credential_id text, holder text, changed bigint);"
	"CREATE TABLE oid4vci_once(kind int NOT NULL, hash bytea NOT NULL, expires bigint NOT NULL,"
	" PRIMARY KEY (kind, hash));",
	/* SQLite's version 7 (issue 16 item 2): an offer's VC-API exchange */
	"ALTER TABLE offers ADD COLUMN xref text UNIQUE;",
};

enum {
	P_IDENTITY, P_PROFILE_ADD, P_KEY1_ADD, P_KEYS, P_KEY_STAGED, P_KEY_NEXT, P_KEY_STAGE, P_KEY_ACTIVATE,
	P_KEY_RETIRE, P_ACH_ADD, P_ACH_GET, P_ACH_ALL, P_DICT_ADD, P_FIND_ROW, P_FOR_RECIPIENT,
	P_LOG_GET, P_REVOKE, P_SUSPEND, P_REINSTATE, P_BLOCKS_OPEN, P_BLOCK_LOCK, P_BLOCK_NEW, P_BLOCK_ADD,
	P_BLOCK_USED, P_BLOCK_SAVE, P_STATUS_LISTS, P_BITS_REVOKED, P_BITS_SUSPENDED, P_N
};

static const struct {
	const char *sql;
	int n; /* parameters */
} pq[P_N] = {
	[P_IDENTITY] = { "SELECT p.did, p.json, k.vm, k.file FROM profile p, keys k"
			 " WHERE k.active = 1 AND k.staged = 0 ORDER BY k.id DESC LIMIT 1", 0 },
	[P_PROFILE_ADD] = { "INSERT INTO profile(id, did, json) VALUES (1, $1, $2)", 2 },
	[P_KEY1_ADD] = { "INSERT INTO keys(id, file, vm, type, created, active)"
			 " VALUES (1, 'keys/key-1.json', $1, $2, $3, 1)", 3 },
	[P_KEYS] = { "SELECT id::int8, file, vm, type, created, active::int8, staged::int8 FROM keys ORDER BY id", 0 },
	[P_KEY_STAGED] = { "SELECT id::int8, vm FROM keys WHERE staged = 1", 0 },
	[P_KEY_NEXT] = { "SELECT (coalesce(max(id), 0) + 1)::int8 FROM keys", 0 },
	[P_KEY_STAGE] = { "INSERT INTO keys(id, file, vm, type, created, active, staged)"
			  " VALUES ($1, $2, $3, $4, $5, 0, 1)", 5 },
	[P_KEY_ACTIVATE] = { "UPDATE keys SET active = 1, staged = 0 WHERE id = $1 AND staged = 1", 1 },
	[P_KEY_RETIRE] = { "UPDATE keys SET active = 0 WHERE id <> $1", 1 },
	[P_ACH_ADD] = { "INSERT INTO achievements(id, json, created) VALUES ($1, $2, $3)"
			" ON CONFLICT (id) DO NOTHING", 3 },
	[P_ACH_GET] = { "SELECT json FROM achievements WHERE id = $1", 1 },
	[P_ACH_ALL] = { "SELECT id, json FROM achievements ORDER BY id COLLATE \"C\"", 0 },
	[P_DICT_ADD] = { "INSERT INTO log_dicts(dict) VALUES ($1) RETURNING id::int8", 1 },
	[P_FIND_ROW] = { "SELECT i.id, i.credential, d.dict, coalesce(i.status_list, 0)::int8,"
			 " coalesce(i.status_index, 0)::int8, (i.log_dict IS NOT NULL)::int::int8"
			 " FROM issued i LEFT JOIN log_dicts d ON d.id = i.log_dict WHERE i.row_key = $1", 1 },
	[P_FOR_RECIPIENT] = { "SELECT i.id, i.credential, d.dict, (i.log_dict IS NOT NULL)::int::int8"
			      " FROM issued i LEFT JOIN log_dicts d ON d.id = i.log_dict"
			      " WHERE i.recipient = $1 AND i.credential IS NOT NULL AND i.revoked = 0"
			      " AND ($2::int = 1 OR i.suspended = 0) ORDER BY i.issued_at COLLATE \"C\", i.seq", 2 },
	[P_LOG_GET] = { "SELECT id, status_list::int8, status_index::int8, suspendable::int8, revoked::int8,"
			" suspended::int8, reason, changed_at, recipient, achievement, issued_at, suite,"
			" (status_list IS NOT NULL)::int::int8"
			" FROM issued WHERE id = $1 OR id = 'urn:uuid:' || $1", 1 },
	[P_REVOKE] = { "UPDATE issued SET revoked = 1, reason = $2, changed_at = $3 WHERE id = $1", 3 },
	[P_SUSPEND] = { "UPDATE issued SET suspended = 1, reason = $2, changed_at = $3 WHERE id = $1", 3 },
	[P_REINSTATE] = { "UPDATE issued SET suspended = 0, reason = $2, changed_at = $3 WHERE id = $1", 3 },
	/* blocks with free slots, oldest first */
	[P_BLOCKS_OPEN] = { "SELECT list::int8, block::int8 FROM status_blocks"
			    " WHERE bit_count(used) < 8192 ORDER BY list, block LIMIT 64", 0 },
	/* key space 2844 (0x0b1c) is obkit's; the second key the block's number */
	[P_BLOCK_LOCK] = { "SELECT pg_try_advisory_lock(2844, $1::int)::int::int8", 1 },
	[P_BLOCK_NEW] = { "SELECT nextval('status_block_seq')::int8", 0 },
	[P_BLOCK_ADD] = { "INSERT INTO status_blocks(list, block, used) VALUES ($1, $2, decode(repeat('00', 1024), 'hex'))", 2 },
	[P_BLOCK_USED] = { "SELECT used FROM status_blocks WHERE list = $1 AND block = $2", 2 },
	[P_BLOCK_SAVE] = { "UPDATE status_blocks SET used = $3,"
			   " suspendable = greatest(suspendable, $4::int) WHERE list = $1 AND block = $2", 4 },
	[P_STATUS_LISTS] = { "SELECT list::int8, max(suspendable)::int8 FROM status_blocks"
			     " WHERE bit_count(used) > 0 GROUP BY list ORDER BY list", 0 },
	[P_BITS_REVOKED] = { "SELECT status_index::int8 FROM issued WHERE status_list = $1 AND revoked = 1", 1 },
	[P_BITS_SUSPENDED] = { "SELECT status_index::int8 FROM issued WHERE status_list = $1 AND suspended = 1"
			       " AND suspendable = 1", 1 },
};

struct held {
	long list, block;
	unsigned char bits[PG_BLOCK / 8]; /* its taken slots: stored ones and
					   * the ones this run saved */
};

#define PG_QUEUE 512 /* log rows per INSERT (11 parameters each) */

struct queued {
	char *text[6];       /* id, achievement, recipient, suite, issued_at, credential */
	size_t len;          /* the credential's */
	char num[4][24];     /* list, index, suspendable, dictionary */
	int has_list, has_dict, has_key;
	unsigned char key[32];
};

struct pg_db {
	struct issuer_db base;
	PGconn *c;
	struct queued *q;    /* log rows not sent yet */
	size_t nq;
	unsigned char prepared[P_N];
	long cur_list, cur_block; /* the block now issued into (list 0: none) */
	struct held *held;        /* every block this connection holds */
	size_t nheld, capheld;
};

static const struct issuer_db_ops pg_ops;

static struct pg_db *P(issuer_db *db)
{
	return (struct pg_db *)db;
}

/* The first line of libpq's message. */
static ob_code pg_fail(PGconn *c, const PGresult *r, const char *what, ob_error *err)
{
	const char *m = r ? PQresultErrorMessage(r) : NULL;
	size_t n;

	if (!m || !*m)
		m = PQerrorMessage(c);
	if (!m || !*m)
		m = "unknown error";
	n = strcspn(m, "\n");
	if (PQstatus(c) != CONNECTION_OK)
		return ob_fail(err, OB_EIO, "%s: the issuer database is unreachable: %.*s", what, (int)n, m);
	return ob_fail(err, OB_EIO, "%s: %.*s", what, (int)n, m);
}

static ob_code exec(struct pg_db *db, const char *sql, const char *what, ob_error *err)
{
	PGresult *r = PQexec(db->c, sql);
	ob_code rc = OB_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pg_fail(db->c, r, what, err);
	PQclear(r);
	return rc;
}

static void queue_clear(struct pg_db *db)
{
	size_t i;
	int k;

	for (i = 0; i < db->nq; i++)
		for (k = 0; k < 6; k++)
			free(db->q[i].text[k]);
	db->nq = 0;
}

/* Sends the queued log rows as one INSERT. */
static ob_code flush(struct pg_db *db, ob_error *err)
{
	ob_buf sql = OB_BUF_INIT;
	const char **vals = NULL;
	int *lens = NULL, *fmts = NULL;
	PGresult *r = NULL;
	ob_code rc = OB_OK;
	size_t i, n = db->nq * 11;

	if (!db->nq)
		return OB_OK;
	vals = calloc(n, sizeof(*vals));
	lens = calloc(n, sizeof(*lens));
	fmts = calloc(n, sizeof(*fmts));
	ob_buf_adds(&sql, "INSERT INTO issued(id, achievement, recipient, suite, issued_at, credential,"
		    " status_list, status_index, suspendable, log_dict, row_key) VALUES ");
	for (i = 0; i < db->nq && vals && lens && fmts; i++) {
		struct queued *e = &db->q[i];
		size_t b = i * 11;
		int k;
		ob_buf_addf(&sql, "%s($%zu, $%zu, $%zu, $%zu, $%zu, $%zu, $%zu::int8, $%zu::int8, $%zu::int, $%zu::int8,"
			    " $%zu)", i ? ", " : "", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9,
			    b + 10, b + 11);
		for (k = 0; k < 6; k++)
			vals[b + k] = e->text[k];
		lens[b + 5] = (int)e->len;
		fmts[b + 5] = 1;
		vals[b + 6] = e->has_list ? e->num[0] : NULL;
		vals[b + 7] = e->has_list ? e->num[1] : NULL;
		vals[b + 8] = e->num[2];
		vals[b + 9] = e->has_dict ? e->num[3] : NULL;
		vals[b + 10] = e->has_key ? (const char *)e->key : NULL;
		lens[b + 10] = 32;
		fmts[b + 10] = 1;
	}
	if (!vals || !lens || !fmts || sql.oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else {
		r = PQexecParams(db->c, sql.data, (int)n, NULL, vals, lens, fmts, 1);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_fail(db->c, r, "cannot log the credentials", err);
		PQclear(r);
	}
	queue_clear(db);
	ob_buf_release(&sql);
	free(vals);
	free(lens);
	free(fmts);
	return rc;
}

/* Runs statement k with n parameters (vals/lens/fmts; NULL vals are SQL
 * NULL). The result (binary) on success, to PQclear; NULL with err. */
static PGresult *run(struct pg_db *db, int k, const char *const *vals, const int *lens, const int *fmts,
		     const char *what, ob_error *err)
{
	char name[16];
	PGresult *r;
	ExecStatusType s;

	if (db->nq && flush(db, err))
		return NULL;
	snprintf(name, sizeof(name), "ob%d", k);
	if (!db->prepared[k]) {
		r = PQprepare(db->c, name, pq[k].sql, pq[k].n, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			pg_fail(db->c, r, what, err);
			PQclear(r);
			return NULL;
		}
		PQclear(r);
		db->prepared[k] = 1;
	}
	r = PQexecPrepared(db->c, name, pq[k].n, vals, lens, fmts, 1);
	s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		pg_fail(db->c, r, what, err);
		PQclear(r);
		return NULL;
	}
	return r;
}

PGresult *issuer_db_pg_query(issuer_db *db_, const char *sql, int n, const char *const *vals, const int *lens,
			     const int *fmts, const char *what, ob_error *err)
{
	struct pg_db *db = P(db_);
	PGresult *r;
	ExecStatusType s;

	if (db->nq && flush(db, err))
		return NULL;
	r = PQexecParams(db->c, sql, n, NULL, vals, lens, fmts, 1);
	s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		pg_fail(db->c, r, what, err);
		PQclear(r);
		return NULL;
	}
	return r;
}

int issuer_db_is_pg(const issuer_db *db)
{
	return db->ops == &pg_ops;
}

/* Runs k, discarding its result. */
static ob_code run0(struct pg_db *db, int k, const char *const *vals, const int *lens, const int *fmts,
		    const char *what, ob_error *err)
{
	PGresult *r = run(db, k, vals, lens, fmts, what, err);

	if (!r)
		return err->code;
	PQclear(r);
	return OB_OK;
}

static long col_long(const PGresult *r, int row, int col)
{
	uint64_t v;

	if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 8)
		return 0;
	memcpy(&v, PQgetvalue(r, row, col), 8);
	return (long)(int64_t)be64toh(v);
}

static char *col_dup(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : strndup(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

/* Decimal text of v in buf (a statement parameter). */
static const char *num(char buf[24], long v)
{
	snprintf(buf, 24, "%ld", v);
	return buf;
}

/* ---- opening and transactions ---- */

static ob_code migrate(struct pg_db *db, ob_error *err)
{
	int n = (int)(sizeof(pg_migrations) / sizeof(pg_migrations[0])), v = 0;
	char sql[96];
	PGresult *r;
	ob_code rc;

	if ((rc = exec(db, "BEGIN", "cannot start the schema update", err)))
		return rc;
	/* nodes that start together take turns */
	if ((rc = exec(db, "SELECT pg_advisory_xact_lock(2844, -1)", "cannot lock the schema", err)) ||
	    (rc = exec(db, "CREATE TABLE IF NOT EXISTS obkit_schema(version int NOT NULL)",
		       "cannot create the schema table", err)))
		goto out;
	r = PQexec(db->c, "SELECT version FROM obkit_schema");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = pg_fail(db->c, r, "cannot read the schema version", err);
		PQclear(r);
		goto out;
	}
	if (PQntuples(r) > 0)
		v = atoi(PQgetvalue(r, 0, 0));
	else if ((rc = exec(db, "INSERT INTO obkit_schema(version) VALUES (0)", "cannot set the schema version",
			    err))) {
		PQclear(r);
		goto out;
	}
	PQclear(r);
	if (v > n) {
		rc = ob_fail(err, OB_EIO, "the issuer database has schema version %d, newer than this program knows (%d)",
			     v, n);
		goto out;
	}
	for (; v < n; v++) {
		snprintf(sql, sizeof(sql), "UPDATE obkit_schema SET version = %d", v + 1);
		if ((rc = exec(db, pg_migrations[v], "cannot update the schema", err)) ||
		    (rc = exec(db, sql, "cannot update the schema", err)))
			goto out;
	}
	return exec(db, "COMMIT", "cannot update the schema", err);
out:
	exec(db, "ROLLBACK", "rollback", &(ob_error){ 0 });
	return rc;
}

issuer_db *issuer_db_pg_open(const char *conninfo, ob_error *err)
{
	struct pg_db *db = calloc(1, sizeof(*db));

	if (!db) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	db->base.ops = &pg_ops;
	db->c = PQconnectdb(conninfo);
	if (!db->c || PQstatus(db->c) != CONNECTION_OK) {
		const char *m = db->c ? PQerrorMessage(db->c) : "out of memory";
		ob_fail(err, OB_EIO, "cannot connect to the issuer database: %.*s", (int)strcspn(m, "\n"), m);
		PQfinish(db->c);
		free(db);
		return NULL;
	}
	if (exec(db, "SET client_min_messages = warning", "cannot set up the connection", err) ||
	    migrate(db, err)) {
		PQfinish(db->c);
		free(db);
		return NULL;
	}
	return &db->base;
}

static void pg_close(issuer_db *db_)
{
	struct pg_db *db = P(db_);

	/* the session's advisory locks go with the connection */
	PQfinish(db->c);
	queue_clear(db);
	free(db->q);
	free(db->held);
	free(db);
}

static ob_code pg_begin(issuer_db *db, ob_error *err)
{
	return exec(P(db), "BEGIN", "cannot start a transaction", err);
}

static ob_code pg_commit(issuer_db *db, ob_error *err)
{
	ob_code rc = flush(P(db), err);

	if (!rc)
		rc = exec(P(db), "COMMIT", "cannot commit", err);

	if (rc)
		exec(P(db), "ROLLBACK", "rollback", &(ob_error){ 0 });
	return rc;
}

static void pg_rollback(issuer_db *db)
{
	queue_clear(P(db));
	if (PQtransactionStatus(P(db)->c) != PQTRANS_IDLE)
		exec(P(db), "ROLLBACK", "rollback", &(ob_error){ 0 });
}

static ob_code pg_read_begin(issuer_db *db, ob_error *err)
{
	/* read committed: a block taken over is read after its last holder's
	 * commits; a new block may be recorded meanwhile */
	return exec(P(db), "BEGIN", "cannot start a transaction", err);
}

static ob_code pg_snapshot_begin(issuer_db *db, ob_error *err)
{
	return exec(P(db), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "cannot start a transaction", err);
}

static ob_code pg_read_end(issuer_db *db, ob_error *err)
{
	return pg_commit(db, err);
}

static ob_code pg_bulk(issuer_db *db, ob_error *err)
{
	(void)db;
	(void)err;
	return OB_OK;
}

/* ---- profile and identity ---- */

static ob_code pg_create(issuer_db *db_, const char *did, const char *profile_json, const char *vm,
			 const char *key_type, const char *created, ob_error *err)
{
	struct pg_db *db = P(db_);
	const char *p1[] = { did, profile_json }, *p2[] = { vm, key_type, created };
	ob_code rc;

	if ((rc = pg_begin(db_, err)))
		return rc;
	if (!(rc = run0(db, P_PROFILE_ADD, p1, NULL, NULL, "cannot store the profile", err)) &&
	    !(rc = run0(db, P_KEY1_ADD, p2, NULL, NULL, "cannot store the key record", err)))
		rc = pg_commit(db_, err);
	pg_rollback(db_);
	return rc;
}

static ob_code pg_identity(issuer_db *db, issuer_identity *id, ob_error *err)
{
	PGresult *r = run(P(db), P_IDENTITY, NULL, NULL, NULL, "cannot read the issuer profile", err);
	ob_code rc = OB_OK;

	memset(id, 0, sizeof(*id));
	if (!r)
		return err->code;
	if (PQntuples(r) < 1)
		rc = ob_fail(err, OB_EIO, "the issuer database is incomplete");
	else if (!(id->did = col_dup(r, 0, 0)) || !(id->profile = col_dup(r, 0, 1)) || !(id->vm = col_dup(r, 0, 2)) ||
		 !(id->key_file = col_dup(r, 0, 3)))
		rc = ob_fail(err, OB_ENOMEM, "cannot read the issuer profile");
	PQclear(r);
	if (rc)
		issuer_identity_release(id);
	return rc;
}

/* ---- keys metadata ---- */

static ob_code pg_keys_each(issuer_db *db, ob_code (*fn)(const issuer_key_info *k, void *ctx, ob_error *err),
			    void *ctx, ob_error *err)
{
	PGresult *r = run(P(db), P_KEYS, NULL, NULL, NULL, "cannot read the keys", err);
	ob_code rc = OB_OK;
	int i;

	if (!r)
		return err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		issuer_key_info k = {
			.id = col_long(r, i, 0), .file = PQgetvalue(r, i, 1), .vm = PQgetvalue(r, i, 2),
			.type = PQgetvalue(r, i, 3), .created = PQgetvalue(r, i, 4),
			.active = (int)col_long(r, i, 5), .staged = (int)col_long(r, i, 6),
		};
		rc = fn(&k, ctx, err);
	}
	PQclear(r);
	return rc;
}

static ob_code pg_key_staged(issuer_db *db, long *id, char **vm, ob_error *err)
{
	PGresult *r = run(P(db), P_KEY_STAGED, NULL, NULL, NULL, "cannot read the keys", err);
	ob_code rc = OB_OK;

	*id = 0;
	*vm = NULL;
	if (!r)
		return err->code;
	if (PQntuples(r) > 0) {
		*id = col_long(r, 0, 0);
		if (!(*vm = col_dup(r, 0, 1)))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	}
	PQclear(r);
	return rc;
}

static ob_code pg_key_next_id(issuer_db *db, long *id, ob_error *err)
{
	PGresult *r = run(P(db), P_KEY_NEXT, NULL, NULL, NULL, "cannot read the keys", err);

	if (!r)
		return err->code;
	*id = col_long(r, 0, 0);
	PQclear(r);
	return OB_OK;
}

static ob_code pg_key_add_staged(issuer_db *db, long id, const char *file, const char *vm, const char *type,
				 const char *created, ob_error *err)
{
	char b[24];
	const char *p[] = { num(b, id), file, vm, type, created };

	return run0(P(db), P_KEY_STAGE, p, NULL, NULL, "cannot store the key record", err);
}

static ob_code pg_key_activate(issuer_db *db, long id, int *done, ob_error *err)
{
	char b[24];
	const char *p[] = { num(b, id) };
	PGresult *r;
	ob_code rc;

	*done = 0;
	if ((rc = pg_begin(db, err)))
		return rc;
	if (!(r = run(P(db), P_KEY_ACTIVATE, p, NULL, NULL, "cannot activate the staged key", err))) {
		rc = err->code;
		goto out;
	}
	if (strcmp(PQcmdTuples(r), "1") != 0) {
		PQclear(r);
		goto out;
	}
	PQclear(r);
	if ((rc = run0(P(db), P_KEY_RETIRE, p, NULL, NULL, "cannot activate the staged key", err)))
		goto out;
	if (!(rc = pg_commit(db, err)))
		*done = 1;
out:
	pg_rollback(db);
	return rc;
}

/* ---- the catalog ---- */

static ob_code pg_achievement_add(issuer_db *db, const char *id, const char *json, const char *created, int *dup,
				  ob_error *err)
{
	const char *p[] = { id, json, created };
	PGresult *r = run(P(db), P_ACH_ADD, p, NULL, NULL, "cannot store the achievement", err);

	*dup = 0;
	if (!r)
		return err->code;
	*dup = strcmp(PQcmdTuples(r), "0") == 0;
	PQclear(r);
	return OB_OK;
}

static ob_code pg_achievement_get(issuer_db *db, const char *id, char **json, ob_error *err)
{
	const char *p[] = { id };
	PGresult *r = run(P(db), P_ACH_GET, p, NULL, NULL, "cannot read the catalog", err);
	ob_code rc = OB_OK;

	*json = NULL;
	if (!r)
		return err->code;
	if (PQntuples(r) > 0 && !(*json = col_dup(r, 0, 0)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	PQclear(r);
	return rc;
}

static ob_code pg_achievements_each(issuer_db *db,
				    ob_code (*fn)(const char *id, const char *json, size_t len, void *ctx, ob_error *err),
				    void *ctx, ob_error *err)
{
	PGresult *r = run(P(db), P_ACH_ALL, NULL, NULL, NULL, "cannot read the catalog", err);
	ob_code rc = OB_OK;
	int i;

	if (!r)
		return err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++)
		rc = fn(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1), ctx, err);
	PQclear(r);
	return rc;
}

/* ---- the issuance log ---- */

static ob_code pg_log_add(issuer_db *db_, const issued_row *row, ob_error *err)
{
	struct pg_db *db = P(db_);
	const char *t[5] = { row->id, row->achievement, row->recipient, row->suite, row->issued_at };
	struct queued *e;
	int k;

	if (db->nq == PG_QUEUE && flush(db, err))
		return err->code;
	if (!db->q && !(db->q = calloc(PG_QUEUE, sizeof(*db->q))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	e = &db->q[db->nq];
	memset(e, 0, sizeof(*e));
	for (k = 0; k < 5; k++)
		if (t[k] && !(e->text[k] = strdup(t[k])))
			break;
	if (k == 5 && !(e->text[5] = malloc(row->credential_len ? row->credential_len : 1)))
		k = 0;
	if (k < 5) {
		for (k = 0; k < 6; k++)
			free(e->text[k]);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	memcpy(e->text[5], row->credential, row->credential_len);
	e->len = row->credential_len;
	e->has_list = row->list > 0;
	num(e->num[0], row->list);
	num(e->num[1], row->idx);
	num(e->num[2], row->suspendable);
	e->has_dict = row->log_dict > 0;
	num(e->num[3], row->log_dict);
	if ((e->has_key = row->row_key != NULL))
		memcpy(e->key, row->row_key, 32);
	db->nq++;
	return OB_OK;
}

static ob_code pg_log_dict_add(issuer_db *db, const void *dict, size_t len, long *id, ob_error *err)
{
	const char *p[] = { dict };
	int lens[] = { (int)len }, fmts[] = { 1 };
	PGresult *r = run(P(db), P_DICT_ADD, p, lens, fmts, "cannot log the dictionary", err);

	if (!r)
		return err->code;
	*id = col_long(r, 0, 0);
	PQclear(r);
	return OB_OK;
}

/* The credential in column col (packed against the dictionary in col + 1
 * when packed), appended to text. */
static ob_code credential_column(const PGresult *r, int row, int col, int packed, ob_buf *text, ob_error *err)
{
	const char *v = PQgetvalue(r, row, col);
	size_t n = (size_t)PQgetlength(r, row, col);

	if (!packed) {
		if (n && ob_buf_add(text, v, n) < 0)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		return OB_OK;
	}
	return logpack_unpack(PQgetvalue(r, row, col + 1), (size_t)PQgetlength(r, row, col + 1), v, n, text, err);
}

static ob_code pg_log_find_row(issuer_db *db, const unsigned char key[32], int *found, char **id, ob_buf *text,
			       long *list, long *idx, ob_error *err)
{
	const char *p[] = { (const char *)key };
	int lens[] = { 32 }, fmts[] = { 1 };
	PGresult *r = run(P(db), P_FIND_ROW, p, lens, fmts, "cannot read the log", err);
	ob_error e = { 0 };
	ob_code rc = OB_OK;

	*found = 0;
	*id = NULL;
	if (!r)
		return err->code;
	if (PQntuples(r) > 0) {
		*found = 1;
		*list = col_long(r, 0, 3);
		*idx = col_long(r, 0, 4);
		if (!(*id = col_dup(r, 0, 0)))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
		else if (credential_column(r, 0, 1, (int)col_long(r, 0, 5), text, &e))
			rc = ob_fail(err, e.code, "issuance log entry %s: %s", *id, e.msg);
	}
	PQclear(r);
	return rc;
}

static ob_code pg_row_keys_merge(issuer_db *db, ob_error *err)
{
	/* row keys are indexed as they are logged */
	(void)db;
	(void)err;
	return OB_OK;
}

static ob_code pg_log_each_for(issuer_db *db, const char *recipient, int with_suspended,
			       ob_code (*fn)(const char *id, const char *text, size_t len, void *ctx, ob_error *err),
			       void *ctx, ob_error *err)
{
	const char *p[] = { recipient, with_suspended ? "1" : "0" };
	PGresult *r = run(P(db), P_FOR_RECIPIENT, p, NULL, NULL, "reading the issuance log", err);
	ob_buf buf = OB_BUF_INIT;
	ob_error e = { 0 };
	ob_code rc = OB_OK;
	int i;

	if (!r)
		return err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const char *id = PQgetvalue(r, i, 0);
		ob_buf_truncate(&buf, 0);
		if (credential_column(r, i, 1, (int)col_long(r, i, 3), &buf, &e))
			rc = ob_fail(err, e.code, "issuance log entry %s is unreadable: %s", id, e.msg);
		else
			rc = fn(id, buf.data ? buf.data : "", buf.len, ctx, err);
	}
	PQclear(r);
	ob_buf_release(&buf);
	return rc;
}

/* Every logged credential the filter lets through (issuer_db_log_walk),
 * streamed row by row: an export of a million rows holds one at a time. */
static const char sql_log_walk[] =
	"SELECT i.id, i.achievement, i.recipient, i.suite, i.issued_at, i.reason, i.changed_at,"
	" i.status_list::int8, i.status_index::int8, i.suspendable::int8, i.revoked::int8, i.suspended::int8,"
	" CASE WHEN $7::int = 1 THEN i.credential END, CASE WHEN $7::int = 1 THEN d.dict END,"
	" (i.status_list IS NOT NULL)::int::int8, (i.log_dict IS NOT NULL)::int::int8"
	" FROM issued i LEFT JOIN log_dicts d ON d.id = i.log_dict"
	" WHERE ($1::text IS NULL OR starts_with(i.id, $1)"
	"        OR (starts_with(i.id, 'urn:uuid:') AND starts_with(substr(i.id, 10), $1)))"
	" AND ($2::text IS NULL OR i.recipient = $2 OR (strpos($2, '@') > 0 AND lower(i.recipient) = lower($2)))"
	" AND ($3::text IS NULL OR i.achievement = $3)"
	" AND ($4::text IS NULL OR i.issued_at >= $4 COLLATE \"C\")"
	" AND ($5::text IS NULL OR i.issued_at < $5 COLLATE \"C\")"
	" AND ($6::int = 0 OR ($6 = 1 AND i.revoked = 0 AND i.suspended = 0) OR ($6 = 2 AND i.revoked = 1)"
	"      OR ($6 = 3 AND i.revoked = 0 AND i.suspended = 1))"
	" ORDER BY i.issued_at COLLATE \"C\", i.seq";

static ob_code walk_row(const PGresult *r, int with_text, ob_buf *buf,
			ob_code (*fn)(const issuer_log_entry *e, void *ctx, ob_error *err), void *ctx, ob_error *err)
{
	issuer_log_entry e = {
		.id = PQgetvalue(r, 0, 0), .achievement = PQgetvalue(r, 0, 1), .recipient = PQgetvalue(r, 0, 2),
		.suite = PQgetvalue(r, 0, 3), .issued_at = PQgetvalue(r, 0, 4),
		.reason = PQgetisnull(r, 0, 5) ? NULL : PQgetvalue(r, 0, 5),
		.changed_at = PQgetisnull(r, 0, 6) ? NULL : PQgetvalue(r, 0, 6),
		.list = col_long(r, 0, 7), .idx = col_long(r, 0, 8), .suspendable = (int)col_long(r, 0, 9),
		.revoked = (int)col_long(r, 0, 10), .suspended = (int)col_long(r, 0, 11),
		.has_status = (int)col_long(r, 0, 14),
	};
	ob_error e2 = { 0 };

	ob_buf_truncate(buf, 0);
	if (with_text && !PQgetisnull(r, 0, 12)) {
		if (credential_column(r, 0, 12, (int)col_long(r, 0, 15), buf, &e2))
			return ob_fail(err, e2.code == OB_ENOMEM ? OB_ENOMEM : OB_EIO,
				       "issuance log entry %s is unreadable: %s", e.id, e2.msg);
		e.text = buf->data ? buf->data : "";
		e.len = buf->len;
	}
	return fn(&e, ctx, err);
}

static ob_code pg_log_walk(issuer_db *db_, const issuer_log_filter *f, int with_text,
			   ob_code (*fn)(const issuer_log_entry *e, void *ctx, ob_error *err), void *ctx,
			   ob_error *err)
{
	struct pg_db *db = P(db_);
	char st[24], wt[24];
	const char *p[7] = { f->id_prefix, f->recipient, f->achievement, f->since, f->before, num(st, f->state),
			     num(wt, with_text) };
	ob_buf buf = OB_BUF_INIT;
	ob_code rc = OB_OK;
	PGresult *r;

	if (db->nq && (rc = flush(db, err)))
		return rc;
	if (!PQsendQueryParams(db->c, sql_log_walk, 7, NULL, p, NULL, NULL, 1) || !PQsetSingleRowMode(db->c))
		return pg_fail(db->c, NULL, "cannot read the issuance log", err);
	/* every result is read, even after a stop, so the connection is
	 * ready for the next statement */
	while ((r = PQgetResult(db->c))) {
		ExecStatusType s = PQresultStatus(r);
		if (s == PGRES_SINGLE_TUPLE && !rc)
			rc = walk_row(r, with_text, &buf, fn, ctx, err);
		else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && !rc)
			rc = pg_fail(db->c, r, "cannot read the issuance log", err);
		PQclear(r);
	}
	ob_buf_release(&buf);
	return rc;
}

/* ---- revocations ---- */

static ob_code pg_log_get(issuer_db *db, const char *id, issuer_logged *l, ob_error *err)
{
	const char *p[] = { id };
	PGresult *r = run(P(db), P_LOG_GET, p, NULL, NULL, "cannot read the log", err);
	ob_code rc = OB_OK;

	memset(l, 0, sizeof(*l));
	if (!r)
		return err->code;
	if (PQntuples(r) < 1)
		rc = ob_fail(err, OB_EINVALID, "no credential '%s' in the issuance log", id);
	else {
		l->id = col_dup(r, 0, 0);
		l->list = col_long(r, 0, 1);
		l->idx = col_long(r, 0, 2);
		l->suspendable = (int)col_long(r, 0, 3);
		l->revoked = (int)col_long(r, 0, 4);
		l->suspended = (int)col_long(r, 0, 5);
		l->reason = col_dup(r, 0, 6);
		l->changed_at = col_dup(r, 0, 7);
		l->recipient = col_dup(r, 0, 8);
		l->achievement = col_dup(r, 0, 9);
		l->issued_at = col_dup(r, 0, 10);
		l->suite = col_dup(r, 0, 11);
		l->has_status = (int)col_long(r, 0, 12);
		if (!l->id)
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	}
	PQclear(r);
	if (rc)
		issuer_logged_release(l);
	return rc;
}

static ob_code pg_log_set_state(issuer_db *db, const char *id, int what, const char *reason, const char *when,
				ob_error *err)
{
	const char *p[] = { id, reason, when };

	return run0(P(db), what == ISSUER_REVOKE ? P_REVOKE : what == ISSUER_SUSPEND ? P_SUSPEND : P_REINSTATE, p,
		    NULL, NULL, "cannot update the log", err);
}

/* ---- status allocation ---- */

static ob_code hold(struct pg_db *db, long list, long block, ob_error *err)
{
	if (db->nheld == db->capheld) {
		size_t cap = db->capheld ? db->capheld * 2 : 8;
		struct held *h;
		if (cap > PG_MAX_HELD || !(h = realloc(db->held, cap * sizeof(*h))))
			return ob_fail(err, OB_ENOMEM, "too many status blocks held by one run");
		db->held = h;
		db->capheld = cap;
	}
	memset(&db->held[db->nheld], 0, sizeof(db->held[0]));
	db->held[db->nheld].list = list;
	db->held[db->nheld++].block = block;
	db->cur_list = list;
	db->cur_block = block;
	return OB_OK;
}

/* Tries to take block (list, block) for this connection: *got 1 when it
 * is ours now (or was already). */
static ob_code try_lock(struct pg_db *db, long list, long block, int *got, ob_error *err)
{
	char b[24];
	const char *p[] = { num(b, (list - 1) * (long)PG_BLOCKS + block) };
	PGresult *r;
	size_t i;

	*got = 0;
	for (i = 0; i < db->nheld; i++)
		if (db->held[i].list == list && db->held[i].block == block)
			return OB_OK; /* full or in use by this run already */
	if (!(r = run(db, P_BLOCK_LOCK, p, NULL, NULL, "cannot take a status block", err)))
		return err->code;
	*got = col_long(r, 0, 0) == 1;
	PQclear(r);
	return *got ? hold(db, list, block, err) : OB_OK;
}

/* The picture status_alloc chooses from: every slot outside the block
 * held is marked taken, the block's own taken slots as they are stored. */
static ob_code block_picture(struct pg_db *db, unsigned char *used, ob_error *err)
{
	char b1[24], b2[24];
	const char *p[] = { num(b1, db->cur_list), num(b2, db->cur_block) };
	PGresult *r = run(db, P_BLOCK_USED, p, NULL, NULL, "cannot read the status allocation", err);
	ob_code rc = OB_OK;

	if (!r)
		return err->code;
	memset(used, 0xff, OB_STATUS_LIST_SIZE / 8);
	if (PQntuples(r) < 1 || PQgetlength(r, 0, 0) != PG_BLOCK / 8)
		rc = ob_fail(err, OB_EIO, "status list %ld's block %ld is damaged", db->cur_list, db->cur_block);
	else {
		/* the newest held entry is the current block */
		memcpy(db->held[db->nheld - 1].bits, PQgetvalue(r, 0, 0), PG_BLOCK / 8);
		memcpy(used + (size_t)db->cur_block * (PG_BLOCK / 8), PQgetvalue(r, 0, 0), PG_BLOCK / 8);
	}
	PQclear(r);
	return rc;
}

/* Takes a block with free slots for this connection: an open one nobody
 * holds, else a new one. Outside any transaction of the caller's, so a
 * new block is on record before a slot of it is handed out. */
static ob_code claim(struct pg_db *db, ob_error *err)
{
	PGresult *r;
	ob_code rc = OB_OK;
	long g, list, block;
	int i, got = 0;
	char b1[24], b2[24];
	const char *p[2];

	if (!(r = run(db, P_BLOCKS_OPEN, NULL, NULL, NULL, "cannot read the status allocation", err)))
		return err->code;
	for (i = 0; i < PQntuples(r) && !got && !rc; i++)
		rc = try_lock(db, col_long(r, i, 0), col_long(r, i, 1), &got, err);
	PQclear(r);
	if (rc || got)
		return rc;
	/* a new block: the sequence hands each number out once */
	if (!(r = run(db, P_BLOCK_NEW, NULL, NULL, NULL, "cannot take a status block", err)))
		return err->code;
	g = col_long(r, 0, 0);
	PQclear(r);
	list = g / (long)PG_BLOCKS + 1;
	block = g % (long)PG_BLOCKS;
	p[0] = num(b1, list);
	p[1] = num(b2, block);
	if ((rc = run0(db, P_BLOCK_ADD, p, NULL, NULL, "cannot take a status block", err)) ||
	    (rc = try_lock(db, list, block, &got, err)))
		return rc;
	if (!got)
		return ob_fail(err, OB_EIO, "status block %ld/%ld is held by another process", list, block);
	return OB_OK;
}

static ob_code pg_status_current(issuer_db *db_, long *list, unsigned char *used, ob_error *err)
{
	struct pg_db *db = P(db_);
	ob_code rc;

	if (!db->cur_list && (rc = claim(db, err)))
		return rc;
	*list = db->cur_list;
	return block_picture(db, used, err);
}

static ob_code pg_status_next(issuer_db *db_, long *list, unsigned char *used, ob_error *err)
{
	struct pg_db *db = P(db_);
	ob_code rc;

	/* the full block stays held until the run ends: its last slots may
	 * not be saved yet */
	if ((rc = claim(db, err)))
		return rc;
	*list = db->cur_list;
	return block_picture(db, used, err);
}

static ob_code pg_status_save(issuer_db *db_, long list, const unsigned char *used, int suspendable,
			      ob_error *err)
{
	struct pg_db *db = P(db_);
	char b1[24], b2[24], b4[24];
	ob_code rc = OB_OK;
	size_t i;

	/* used holds the slots this run logged; a block is written by its
	 * holder only, so the stored slots and these are the block's */
	for (i = 0; i < db->nheld && !rc; i++) {
		struct held *h = &db->held[i];
		const unsigned char *u = used + (size_t)h->block * (PG_BLOCK / 8);
		const char *p[4];
		int lens[4] = { 0, 0, PG_BLOCK / 8, 0 }, fmts[4] = { 0, 0, 1, 0 };
		size_t k, any = 0;
		if (h->list != list)
			continue;
		/* written whenever the run logged a slot of it (a retried batch
		 * after a rollback writes its slots again) */
		for (k = 0; k < PG_BLOCK / 8; k++) {
			any |= u[k];
			h->bits[k] |= u[k];
		}
		if (!any)
			continue;
		p[0] = num(b1, list);
		p[1] = num(b2, h->block);
		p[2] = (const char *)h->bits;
		p[3] = num(b4, suspendable);
		rc = run0(db, P_BLOCK_SAVE, p, lens, fmts, "cannot record the status allocation", err);
	}
	return rc;
}

static ob_code pg_status_lists_each(issuer_db *db, ob_code (*fn)(long list, int suspendable, void *ctx, ob_error *err),
				    void *ctx, ob_error *err)
{
	PGresult *r = run(P(db), P_STATUS_LISTS, NULL, NULL, NULL, "cannot read the log", err);
	ob_code rc = OB_OK;
	int i;

	if (!r)
		return err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++)
		rc = fn(col_long(r, i, 0), (int)col_long(r, i, 1), ctx, err);
	PQclear(r);
	return rc;
}

static ob_code pg_status_bits(issuer_db *db, long list, int suspension, unsigned char *bits, ob_error *err)
{
	char b[24];
	const char *p[] = { num(b, list) };
	PGresult *r = run(P(db), suspension ? P_BITS_SUSPENDED : P_BITS_REVOKED, p, NULL, NULL,
			  "cannot read the log", err);
	int i;

	if (!r)
		return err->code;
	memset(bits, 0, OB_STATUS_LIST_SIZE / 8);
	for (i = 0; i < PQntuples(r); i++) {
		long v = col_long(r, i, 0);
		if (v >= 0 && v < (long)OB_STATUS_LIST_SIZE)
			ob_status_set(bits, (size_t)v, 1);
	}
	PQclear(r);
	return OB_OK;
}

static const struct issuer_db_ops pg_ops = {
	.name = "postgresql",
	.concurrent = 1,
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.read_begin = pg_read_begin,
	.read_end = pg_read_end,
	.snapshot_begin = pg_snapshot_begin,
	.bulk = pg_bulk,
	.create = pg_create,
	.identity = pg_identity,
	.keys_each = pg_keys_each,
	.key_staged = pg_key_staged,
	.key_next_id = pg_key_next_id,
	.key_add_staged = pg_key_add_staged,
	.key_activate = pg_key_activate,
	.achievement_add = pg_achievement_add,
	.achievement_get = pg_achievement_get,
	.achievements_each = pg_achievements_each,
	.log_add = pg_log_add,
	.log_dict_add = pg_log_dict_add,
	.log_find_row = pg_log_find_row,
	.row_keys_merge = pg_row_keys_merge,
	.log_each_for = pg_log_each_for,
	.log_walk = pg_log_walk,
	.log_get = pg_log_get,
	.log_set_state = pg_log_set_state,
	.status_current = pg_status_current,
	.status_next = pg_status_next,
	.status_save = pg_status_save,
	.status_lists_each = pg_status_lists_each,
	.status_bits = pg_status_bits,
};
