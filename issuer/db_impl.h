/* db_impl: what a storage backend of db.h provides (issue 17).
 *
 * db.c is the front: issuer_db_open picks a backend by the address it is
 * given (a file path: SQLite, db_sqlite.c; postgresql://...: PostgreSQL,
 * db_pg.c) and every issuer_db_* function calls the backend's entry of
 * the same name. A backend's handle starts with a struct issuer_db (its
 * ops), so the front needs nothing else. Only db*.c include this file. */
#ifndef OB_ISSUER_DB_IMPL_H
#define OB_ISSUER_DB_IMPL_H

#include "db.h"

struct issuer_db_ops {
	const char *name; /* "sqlite", "postgresql" */
	int concurrent;   /* several processes may issue at once */
	void (*close)(issuer_db *db);
	ob_code (*begin)(issuer_db *db, ob_error *err);
	ob_code (*commit)(issuer_db *db, ob_error *err);
	void (*rollback)(issuer_db *db);
	ob_code (*read_begin)(issuer_db *db, ob_error *err);
	ob_code (*read_end)(issuer_db *db, ob_error *err);
	ob_code (*snapshot_begin)(issuer_db *db, ob_error *err);
	ob_code (*bulk)(issuer_db *db, ob_error *err);
	ob_code (*create)(issuer_db *db, const char *did, const char *profile_json, const char *vm,
			  const char *key_type, const char *created, ob_error *err);
	ob_code (*identity)(issuer_db *db, issuer_identity *id, ob_error *err);
	ob_code (*keys_each)(issuer_db *db, ob_code (*fn)(const issuer_key_info *k, void *ctx, ob_error *err),
			     void *ctx, ob_error *err);
	ob_code (*key_staged)(issuer_db *db, long *id, char **vm, ob_error *err);
	ob_code (*key_next_id)(issuer_db *db, long *id, ob_error *err);
	ob_code (*key_add_staged)(issuer_db *db, long id, const char *file, const char *vm, const char *type,
				  const char *created, ob_error *err);
	ob_code (*key_activate)(issuer_db *db, long id, int *done, ob_error *err);
	ob_code (*achievement_add)(issuer_db *db, const char *id, const char *json, const char *created, int *dup,
				   ob_error *err);
	ob_code (*achievement_get)(issuer_db *db, const char *id, char **json, ob_error *err);
	ob_code (*achievements_each)(issuer_db *db,
				     ob_code (*fn)(const char *id, const char *json, size_t len, void *ctx,
						   ob_error *err),
				     void *ctx, ob_error *err);
	ob_code (*log_add)(issuer_db *db, const issued_row *r, ob_error *err);
	ob_code (*log_dict_add)(issuer_db *db, const void *dict, size_t len, long *id, ob_error *err);
	ob_code (*log_find_row)(issuer_db *db, const unsigned char key[32], int *found, char **id, ob_buf *text,
				long *list, long *idx, ob_error *err);
	ob_code (*row_keys_merge)(issuer_db *db, ob_error *err);
	ob_code (*log_each_for)(issuer_db *db, const char *recipient, int with_suspended,
				ob_code (*fn)(const char *id, const char *text, size_t len, void *ctx, ob_error *err),
				void *ctx, ob_error *err);
	ob_code (*log_walk)(issuer_db *db, const issuer_log_filter *f, int with_text,
			    ob_code (*fn)(const issuer_log_entry *e, void *ctx, ob_error *err), void *ctx,
			    ob_error *err);
	ob_code (*log_get)(issuer_db *db, const char *id, issuer_logged *l, ob_error *err);
	ob_code (*log_set_state)(issuer_db *db, const char *id, int what, const char *reason, const char *when,
				 ob_error *err);
	ob_code (*status_current)(issuer_db *db, long *list, unsigned char *used, ob_error *err);
	ob_code (*status_next)(issuer_db *db, long *list, unsigned char *used, ob_error *err);
	ob_code (*status_save)(issuer_db *db, long list, const unsigned char *used, int suspendable,
			       ob_error *err);
	ob_code (*status_lists_each)(issuer_db *db, ob_code (*fn)(long list, int suspendable, void *ctx, ob_error *err),
				     void *ctx, ob_error *err);
	ob_code (*status_bits)(issuer_db *db, long list, int suspension, unsigned char *bits, ob_error *err);
};

struct issuer_db {
	const struct issuer_db_ops *ops;
};

/* The backends' openers: a new handle with its schema up to date, or
 * NULL with err. */
issuer_db *issuer_db_sqlite_open(const char *path, ob_error *err);
/* A SQLite handle's connection (db_offer.c's statements). */
struct ob_store *issuer_db_sqlite_store(issuer_db *db);
issuer_db *issuer_db_pg_open(const char *conninfo, ob_error *err);

/* PostgreSQL's own (db_pg_offer.c): whether db is a PostgreSQL handle,
 * and one statement with parameters (text, or binary where fmts says),
 * results binary; the result (PQclear it), or NULL with err. */
struct pg_result;
int issuer_db_is_pg(const issuer_db *db);
struct pg_result *issuer_db_pg_query(issuer_db *db, const char *sql, int n, const char *const *vals,
				     const int *lens, const int *fmts, const char *what, ob_error *err);

#endif
