/* ob-wallet: the learner's wallet, one SQLite database (wallet.db) in the
 * wallet's home holding each credential exactly as it was given, with the
 * summary and verification result taken when it was added. */
#ifndef OB_WALLET_H
#define OB_WALLET_H

#include <stdio.h>

#include "err.h"
#include "store.h"

#define WALLET_DB "wallet.db"

/* The --home given on the command line, or NULL. */
extern const char *wallet_home_opt;

extern const char *const wallet_migrations[];
extern const int wallet_nmigrations;

/* The wallet's home directory (--home, $OBKIT_WALLET_HOME, XDG), heap
 * string the caller frees; NULL with err. */
char *wallet_home(ob_error *err);

/* Opens an existing wallet; OB_EIO "no wallet at DIR (run 'ob-wallet
 * init')" when there is none. *out is owned by the caller. */
ob_code wallet_open(ob_store **out, ob_error *err);

/* Reports a usage error getopt_long found (c is its '?' or ':', with
 * opterr = 0 and ':' leading the short options); returns 2. */
int wallet_bad_option(int c, char **argv);

/* Parses "COMMAND [--help] ID": returns -1 with *id set (borrowed from
 * argv), else the exit code (0 after --help, 2 for a usage error). */
int wallet_id_arg(int argc, char **argv, const char **id);

/* Writes s to f with control characters (C0, DEL, C1) replaced by '?':
 * credential fields are untrusted and must not drive the terminal.
 * NULL prints "-". Returns the number of columns; f NULL only counts. */
size_t wallet_put(FILE *f, const char *s);

/* What list and show call a record: "verified", "expired" (verified,
 * but validUntil has passed since), "unverified (invalid)" or
 * "unverified (undecided)" (stored with --force). Static string. */
const char *wallet_status(const char *verdict, const char *valid_until);

/* "no credential 'ID' in the wallet" (OB_EINVALID). */
ob_code wallet_not_found(const char *id, ob_error *err);

int cmd_init(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_remove(int argc, char **argv);

#endif
