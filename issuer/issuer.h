/* ob-issuer: the issuer's home (profile, keys, catalog, log in SQLite). */
#ifndef OB_ISSUER_H
#define OB_ISSUER_H

#include <jansson.h>

#include "base/err.h"
#include "proof/keys.h"
#include "db.h"

typedef struct {
	char *home;      /* owned */
	issuer_db *db;
	json_t *profile; /* the issuer Profile object */
	char *did;       /* the issuer's identifier */
	char *vm;        /* verification method id of the active key */
	ob_key *key;     /* the active key (loaded on demand) */
} issuer_state;

/* The --home given on the command line, or NULL. */
extern const char *issuer_home_opt;
/* --db: a postgresql:// URI, else $OBKIT_ISSUER_DB, else home/issuer.db */
extern const char *issuer_db_opt;

/* Opens the issuer's home. need_key loads the active signing key. */
ob_code issuer_open(issuer_state *st, int need_key, ob_error *err);
void issuer_close(issuer_state *st);
/* Path of the database inside home (caller frees). */
char *issuer_db_path(const char *home);
/* Where the issuer database is (--db, $OBKIT_ISSUER_DB, else
 * issuer_db_path(home)); heap. */
char *issuer_db_where(const char *home);
/* How to name it in a message: the path, or "the PostgreSQL database" (a
 * URI may hold a password). */
const char *issuer_db_shown(const char *where);

/* 1 when s may be an image a wallet or web page shows: an https URL with
 * a host, or a data: URI of a raster or SVG image; never javascript: or
 * anything else a page could run. */
int issuer_image_url_ok(const char *s);

/* The URL the issuer's published site lives under, no trailing slash
 * (heap): https://HOST[/PATH] for did:web, else the profile's url. */
char *issuer_base_url(const issuer_state *st, ob_error *err);
/* BASE/status/PURPOSE/LIST.json (heap; NULL on out of memory). */
char *issuer_status_url(const char *base, const char *purpose, long list);
/* Takes home/issue.lock (flock, waiting for another issuing process):
 * status slots are chosen from an in-memory picture of the current list,
 * so one process issues at a time. Returns the fd (close it to unlock)
 * or -1 with err. */
int issuer_lock(const issuer_state *st, ob_error *err);

/* The DID document of a did:web issuer: every key in the keys table as
 * a Multikey DID#key-N, listed under assertionMethod and authentication.
 * New reference, or NULL with err. */
json_t *issuer_did_document(issuer_state *st, ob_error *err);

/* The status slots of the current list: the picture slots are chosen
 * from (taken ones, and ones handed to rows not yet logged), and what
 * the log holds (committed), which status_alloc_save records. */
typedef struct {
	long list;                /* list number, from 1 */
	unsigned char *used;      /* OB_STATUS_LIST_SIZE bits, MSB first */
	size_t nused;
	long clist;               /* the list committed describes */
	unsigned char *committed; /* its slots taken by logged rows */
	int suspendable;          /* a logged row of clist has a suspension entry */
	issuer_db *db;            /* where the next picture comes from */
} status_alloc;
/* Loads the newest list's taken slots. */
ob_code status_alloc_load(issuer_state *st, status_alloc *a, ob_error *err);
/* A random unused slot (moving to the next list when this one is full);
 * marks it used in memory. It is taken for good once its row commits. */
ob_code status_alloc_next(status_alloc *a, long *list, long *idx, ob_error *err);
/* Inside the transaction that logs a row holding slot (list, idx): marks
 * it committed, recording a list the slot leaves behind. Rows come in the
 * order their slots were chosen. */
ob_code status_alloc_commit(issuer_state *st, status_alloc *a, long list, long idx, int suspendable,
			    ob_error *err);
/* Records the committed slots (inside the same transaction). */
ob_code status_alloc_save(issuer_state *st, status_alloc *a, ob_error *err);
void status_alloc_release(status_alloc *a);

/* credentialStatus for status slot (list, idx) under base: the revocation
 * entry, or (suspension) one entry of statusPurpose message, statusSize 2
 * (valid, revoked, suspended) in the message list. New reference, or NULL
 * on out of memory. */
json_t *issuer_status_json(const char *base, long list, long idx, int suspension);
/* The catalog entry id, or NULL with err (OB_EUSAGE when unknown). */
json_t *issuer_load_achievement(issuer_state *st, const char *id, ob_error *err);

int cmd_init(int argc, char **argv);
int cmd_achievement(int argc, char **argv);
int cmd_issue(int argc, char **argv);
int cmd_endorse(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_bake(int argc, char **argv);
int cmd_clr(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_suspend(int argc, char **argv);
int cmd_reinstate(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_publish(int argc, char **argv);

#endif
