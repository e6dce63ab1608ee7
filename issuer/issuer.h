/* ob-issuer: the issuer's home (profile, keys, catalog, log in SQLite). */
#ifndef OB_ISSUER_H
#define OB_ISSUER_H

#include <jansson.h>

#include "err.h"
#include "keys.h"
#include "store.h"

typedef struct {
	char *home;      /* owned */
	ob_store *db;
	json_t *profile; /* the issuer Profile object */
	char *did;       /* the issuer's identifier */
	char *vm;        /* verification method id of the active key */
	ob_key *key;     /* the active key (loaded on demand) */
} issuer_state;

/* The --home given on the command line, or NULL. */
extern const char *issuer_home_opt;

/* Opens the issuer's home. need_key loads the active signing key. */
ob_code issuer_open(issuer_state *st, int need_key, ob_error *err);
void issuer_close(issuer_state *st);
/* Path of the database inside home (caller frees). */
char *issuer_db_path(const char *home);

extern const char *const issuer_migrations[];
extern const int issuer_nmigrations;

int cmd_init(int argc, char **argv);
int cmd_achievement(int argc, char **argv);
int cmd_issue(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_bake(int argc, char **argv);
int cmd_clr(int argc, char **argv);

#endif
