/* db: the issuer's storage, every statement behind a named function.
 *
 * The rest of ob-issuer never sees SQL: it asks for the profile, the keys,
 * the catalog, the issuance log, the status allocation and the revocation
 * state by intent. A second backend (PostgreSQL) implements this header
 * with the same meanings; db.c is the SQLite one. What the callers rely on:
 *
 *   - writes happen inside issuer_db_begin/commit (one transaction per
 *     change); a failed commit changes nothing;
 *   - the log is append-only: a row is never deleted, so a status slot
 *     or a credential id is never given twice;
 *   - the status allocation (issuer_db_status_save) is committed with the
 *     rows that use it, so a committed slot is never handed out again;
 *   - roster row keys are findable (issuer_db_log_find_row) once
 *     issuer_db_row_keys_merge has run: a roster run merges at its start
 *     and its end, so the pending ones are only this run's own, which it
 *     tracks itself.
 *
 * Callers pass text as NUL-terminated UTF-8; getters hand back heap
 * copies the caller frees, never borrowed statement memory. */
#ifndef OB_ISSUER_DB_H
#define OB_ISSUER_DB_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

typedef struct issuer_db issuer_db;

/* ---- opening and transactions ---- */

/* Opens the database where says: a file path (SQLite, created mode 0600
 * when missing) or a postgresql:// URI (PostgreSQL, the schema created
 * when missing), and brings its schema up to date. New handle
 * (issuer_db_close it), or NULL with err. */
issuer_db *issuer_db_open(const char *where, ob_error *err);
/* Closes, rolling back an open transaction. NULL is fine. */
void issuer_db_close(issuer_db *db);
/* Whether where names a PostgreSQL database (postgresql:// or postgres://). */
int issuer_db_is_url(const char *where);
/* "sqlite" or "postgresql". */
const char *issuer_db_backend(const issuer_db *db);
/* 1 when several processes may issue at once (PostgreSQL: status slots
 * come in blocks each process holds); 0: one at a time (SQLite). */
int issuer_db_concurrent(const issuer_db *db);

/* The connection, for db_offer.c (the offers' statements) only: NULL on
 * PostgreSQL, where offers are not kept yet. */
struct ob_store *issuer_db_store(issuer_db *db);

/* A write transaction: takes the write lock now (waiting for it). */
ob_code issuer_db_begin(issuer_db *db, ob_error *err);
/* Commits; on failure everything since begin is undone, err filled. */
ob_code issuer_db_commit(issuer_db *db, ob_error *err);
/* Undoes an open transaction; safe on any cleanup path. */
void issuer_db_rollback(issuer_db *db);
/* A read snapshot for a run of lookups (end it with issuer_db_read_end):
 * one lock for many reads instead of one each. */
ob_code issuer_db_read_begin(issuer_db *db, ob_error *err);
ob_code issuer_db_read_end(issuer_db *db, ob_error *err);
/* A consistent snapshot for a run of reads (publish: the lists, the
 * catalog and the keys as of one moment, whatever other nodes commit
 * meanwhile); end it with issuer_db_read_end. */
ob_code issuer_db_snapshot_begin(issuer_db *db, ob_error *err);
/* Settings for a long batch of writes by this process alone (a roster
 * run): the connection keeps its lock and checkpoints less often. Each
 * commit stays as durable as before. */
ob_code issuer_db_bulk(issuer_db *db, ob_error *err);

/* ---- profile and identity ---- */

/* init: the profile (JSON text) and key 1 (file keys/key-1.json, active),
 * in one transaction. */
ob_code issuer_db_create(issuer_db *db, const char *did, const char *profile_json, const char *vm,
			 const char *key_type, const char *created, ob_error *err);

/* Who the issuer is now: its DID, profile JSON, and the signing key's
 * verification method and file (relative to home). All heap. */
typedef struct {
	char *did, *profile, *vm, *key_file;
} issuer_identity;
/* OB_EIO when the database lacks a profile or a signing key. */
ob_code issuer_db_identity(issuer_db *db, issuer_identity *id, ob_error *err);
void issuer_identity_release(issuer_identity *id);

/* ---- keys metadata ---- */

typedef struct {
	long id;
	const char *file, *vm, *type, *created; /* borrowed for the call */
	int active, staged;
} issuer_key_info;
/* Calls fn for every key, oldest first; a non-zero return stops the walk
 * and is returned (fn fills err). */
ob_code issuer_db_keys_each(issuer_db *db, ob_code (*fn)(const issuer_key_info *k, void *ctx, ob_error *err),
			    void *ctx, ob_error *err);
/* The staged key (rotated, not yet published): *id 0 and *vm NULL when
 * there is none; *vm heap. */
ob_code issuer_db_key_staged(issuer_db *db, long *id, char **vm, ob_error *err);
/* The number the next key gets (keys are numbered from 1, never reused). */
ob_code issuer_db_key_next_id(issuer_db *db, long *id, ob_error *err);
/* Records key id as staged (inside a transaction). */
ob_code issuer_db_key_add_staged(issuer_db *db, long id, const char *file, const char *vm, const char *type,
				 const char *created, ob_error *err);
/* Makes staged key id the signing key and every other key inactive, in
 * its own transaction. *done 0: it was no longer staged (another publish
 * got there first), nothing changed. */
ob_code issuer_db_key_activate(issuer_db *db, long id, int *done, ob_error *err);

/* ---- the catalog ---- */

/* Adds achievement id. *dup 1 (and nothing added) when id exists. */
ob_code issuer_db_achievement_add(issuer_db *db, const char *id, const char *json, const char *created, int *dup,
				  ob_error *err);
/* The achievement's JSON text (heap), or *json NULL when there is none. */
ob_code issuer_db_achievement_get(issuer_db *db, const char *id, char **json, ob_error *err);
/* Calls fn for every achievement in id order (strcmp's); a non-zero
 * return stops the walk and is returned. */
ob_code issuer_db_achievements_each(issuer_db *db,
				    ob_code (*fn)(const char *id, const char *json, size_t len, void *ctx, ob_error *err),
				    void *ctx, ob_error *err);

/* ---- the issuance log ---- */

/* One row of the issuance log. */
typedef struct {
	const char *id, *achievement, *recipient, *suite, *issued_at;
	const char *credential; /* the signed text as written, or packed */
	size_t credential_len;
	long log_dict;          /* > 0: credential is packed against this
				 * dictionary (logpack.h) */
	long list, idx;         /* list 0: no status entry */
	int suspendable;
	const unsigned char *row_key; /* 32 bytes; NULL for a single issue */
} issued_row;
/* Appends r (inside a transaction). A row key goes to the pending keys
 * until the next issuer_db_row_keys_merge. */
ob_code issuer_db_log_add(issuer_db *db, const issued_row *r, ob_error *err);
/* Stores a dictionary the log's packed rows refer to (inside a
 * transaction); *id its number. */
ob_code issuer_db_log_dict_add(issuer_db *db, const void *dict, size_t len, long *id, ob_error *err);

/* The row logged under a roster row key, among the merged keys: *found
 * 0 when none; else *id (heap), the credential text (appended to text,
 * unpacked) and its status slot (list 0: none). */
ob_code issuer_db_log_find_row(issuer_db *db, const unsigned char key[32], int *found, char **id, ob_buf *text,
			       long *list, long *idx, ob_error *err);
/* Makes every pending row key findable, in its own transaction: they go
 * into the key index in key order, once, instead of one random page per
 * row per commit. Each key must be new (a duplicate is an error). */
ob_code issuer_db_row_keys_merge(issuer_db *db, ob_error *err);

/* Calls fn with the text of every credential issued to recipient, oldest
 * first, leaving out revoked ones and, unless with_suspended, suspended
 * ones. A non-zero return stops the walk and is returned. */
ob_code issuer_db_log_each_for(issuer_db *db, const char *recipient, int with_suspended,
			       ob_code (*fn)(const char *id, const char *text, size_t len, void *ctx, ob_error *err),
			       void *ctx, ob_error *err);

/* Which logged credentials a walk visits (NULL / 0: any). */
typedef struct {
	const char *id_prefix;   /* the id or its start, "urn:uuid:" optional */
	const char *recipient;   /* as logged; an e-mail address in any case */
	const char *achievement; /* the catalog id */
	const char *since, *before; /* issued at or after / before, each as
				     * "YYYY-MM-DDThh:mm:ssZ" (ob_date_format) */
	int state;               /* ISSUER_ANY, _ACTIVE, _REVOKED, _SUSPENDED */
} issuer_log_filter;
enum { ISSUER_ANY, ISSUER_ACTIVE, ISSUER_REVOKED, ISSUER_SUSPENDED };

/* One logged credential, borrowed for the call. */
typedef struct {
	const char *id, *achievement, *recipient, *suite, *issued_at;
	const char *reason, *changed_at; /* NULL when unset */
	long list, idx;
	int has_status, suspendable, revoked, suspended;
	const char *text;        /* the credential (with_text), unpacked; NULL
				  * for a row logged before the log kept text */
	size_t len;
} issuer_log_entry;
/* Calls fn for every logged credential f lets through, oldest first
 * (with its text when with_text); a non-zero return stops the walk and
 * is returned. */
ob_code issuer_db_log_walk(issuer_db *db, const issuer_log_filter *f, int with_text,
			   ob_code (*fn)(const issuer_log_entry *e, void *ctx, ob_error *err), void *ctx,
			   ob_error *err);

/* ---- revocations ---- */

/* A logged credential's state. Strings heap, NULL when unset. */
typedef struct {
	char *id;
	long list, idx;
	int has_status, suspendable, revoked, suspended;
	char *reason, *changed_at, *recipient, *achievement, *issued_at, *suite;
} issuer_logged;
/* Finds id (with or without "urn:uuid:"). OB_EINVALID when unknown. */
ob_code issuer_db_log_get(issuer_db *db, const char *id, issuer_logged *l, ob_error *err);
void issuer_logged_release(issuer_logged *l);

enum { ISSUER_REVOKE, ISSUER_SUSPEND, ISSUER_REINSTATE };
/* Sets the revoked or suspended flag of logged id (the full id, as
 * issuer_db_log_get gives it), with reason (may be NULL) and when
 * (inside a transaction). */
ob_code issuer_db_log_set_state(issuer_db *db, const char *id, int what, const char *reason, const char *when,
				ob_error *err);

/* ---- status allocation ---- */

/* The newest status list (1 when there is none) and its taken slots,
 * OB_STATUS_LIST_SIZE bits MSB first into used (OB_STATUS_LIST_SIZE / 8
 * bytes). */
ob_code issuer_db_status_current(issuer_db *db, long *list, unsigned char *used, ob_error *err);
/* The list to issue into once the current picture is full: *list and its
 * picture in used, as issuer_db_status_current gives them. */
ob_code issuer_db_status_next(issuer_db *db, long *list, unsigned char *used, ob_error *err);
/* Adds the slots set in used to list's taken slots (inside the
 * transaction that logs the rows using them; slots already taken stay
 * taken); suspendable 1 when any of them has a suspension entry. */
ob_code issuer_db_status_save(issuer_db *db, long list, const unsigned char *used, int suspendable,
			      ob_error *err);
/* Calls fn for every list that has slots taken, in order. */
ob_code issuer_db_status_lists_each(issuer_db *db, ob_code (*fn)(long list, int suspendable, void *ctx, ob_error *err),
				    void *ctx, ob_error *err);
/* The bits of list that are set for its purpose: revoked ones, or (with
 * suspension) suspended ones that carry a suspension entry. */
ob_code issuer_db_status_bits(issuer_db *db, long list, int suspension, unsigned char *bits, ob_error *err);

#endif
