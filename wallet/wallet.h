/* ob-wallet: the learner's wallet, one SQLite database (wallet.db) in the
 * wallet's home holding each credential exactly as it was given, with the
 * summary and verification result taken when it was added, all encrypted
 * (shared/vault.h) under a data key the passphrase unwraps, and the
 * holder's Ed25519 key. */
#ifndef OB_WALLET_H
#define OB_WALLET_H

#include <stdio.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "proof/keys.h"
#include "io/http.h"
#include "io/store.h"
#include "io/vault.h"
#include "vc/verify.h"
#include "vc/registry.h"

#define WALLET_DB "wallet.db"

/* The --home and --passphrase-file given on the command line, or NULL. */
extern const char *wallet_home_opt;
extern const char *wallet_passfile_opt;

/* An open, unlocked wallet. */
typedef struct {
	ob_store *db;
	ob_vault_kdf kdf;
	unsigned char dk[OB_VAULT_KEY_LEN]; /* the data key: secret */
	int unlocked;
} wallet;

/* One credential record, decrypted. */
typedef struct {
	char rid[33];     /* random record id (hex), the AEAD associated data */
	long long seq;
	json_t *summary;  /* {id, kind, achievement, issuer, issuerName, learner,
			   * validFrom, validUntil, verdict, reason, checkedAt, addedAt;
			   * a CLR's clrName and clrItems (its credentials)} */
	ob_buf raw;       /* the credential bytes as given (WREC_RAW) */
	json_t *report;   /* the stored verification report (WREC_REPORT) */
} wallet_rec;

#define WREC_RAW 1
#define WREC_REPORT 2

/* Reads a passphrase: from file (or --passphrase-file, or
 * $OBKIT_WALLET_PASSPHRASE_FILE) when file is NULL and one is set, else
 * from /dev/tty with echo off (twice when confirm). *out is a heap secret:
 * wallet_pass_free it. */
ob_code wallet_passphrase(const char *file, const char *prompt, int confirm, char **out,
			  size_t *len, ob_error *err);
void wallet_pass_free(char *pass, size_t len);

/* NULL when a new passphrase is strong enough; else why it is weak
 * ("it is only 3 characters long"), written into why (n bytes). An
 * estimate: a list of very common passwords, length, kinds of
 * characters, runs ("aaaa", "abcd") counted once; 60 bits wanted. */
const char *wallet_pass_weakness(const char *pass, size_t len, char *why, size_t n);
/* Reads a new passphrase as wallet_passphrase does (confirmed on the
 * terminal) and checks it: a weak one gets a warning saying why, then,
 * on the terminal, the question "Use it anyway?"; from a file it is
 * refused (OB_EUSAGE) unless weak_ok (--weak-passphrase-ok). */
ob_code wallet_new_passphrase(const char *file, const char *prompt, int weak_ok, char **out,
			      size_t *len, ob_error *err);

/* Opens the wallet and unlocks it with the passphrase. */
ob_code wallet_unlock(wallet *w, ob_error *err);
/* Closes it, wiping the keys. Safe on a zeroed or failed wallet. */
void wallet_close(wallet *w);

/* The holder's key (decrypted from the wallet) and its did:key. */
ob_key *wallet_holder_key(wallet *w, ob_error *err);
/* Holder key from its 32-byte seed. */
ob_key *wallet_key_from_seed(const unsigned char seed[32], ob_error *err);

/* Creates a database at a temp name in home, runs fill on it (inside one
 * transaction), closes it and links it to wallet.db, refusing to replace
 * an existing wallet: a wallet appears whole or not at all. */
ob_code wallet_create(const char *home, ob_code (*fill)(ob_store *db, void *ctx, ob_error *err),
		      void *ctx, ob_error *err);

/* Finds a record by what the learner typed: a credential's full id, or
 * a unique prefix of it, with or without its "urn:uuid:" (case is
 * ignored; git's short ids). OB_EINVALID "no credential..." when nothing
 * matches; OB_EUSAGE "ambiguous id ..." when several do, after listing
 * them (id and name, at most 20) on stderr. Every command that takes an
 * ID finds it here. want: WREC_RAW | WREC_REPORT. Release with
 * wallet_rec_release. */
ob_code wallet_rec_find(wallet *w, const char *id, int want, wallet_rec *out, ob_error *err);
/* What list and show call a record: a CLR's own name, else its
 * achievement's (borrowed from summary, may be NULL). */
const char *wallet_rec_title(const json_t *summary);
/* 1 when the record is a Comprehensive Learner Record. */
int wallet_rec_is_clr(const json_t *summary);
/* Calls fn for every record in the order added (fn's nonzero return stops
 * and is returned). */
ob_code wallet_rec_each(wallet *w, int want, ob_code (*fn)(wallet_rec *r, void *ctx, ob_error *err),
			void *ctx, ob_error *err);
void wallet_rec_release(wallet_rec *r);
/* Seals one column of a record: AAD = column name and rid. */
ob_code wallet_seal(wallet *w, const char *rid, const char *column, const void *data, size_t len,
		    ob_buf *out, ob_error *err);
ob_code wallet_unseal(wallet *w, const char *rid, const char *column, const void *blob,
		      size_t len, ob_buf *out, ob_error *err) __attribute__((warn_unused_result));
/* The lookup tags of a credential id and of a credential's content. */
ob_code wallet_id_tag(wallet *w, const char *id, unsigned char tag[32], ob_error *err);
/* Stores a new record (inside the caller's transaction). The dedup tag is
 * UNIQUE: OB_EINVALID "already in the wallet: ID" when taken. */
ob_code wallet_rec_insert(wallet *w, const json_t *summary, const char *raw, size_t rawlen,
			  const json_t *report, const unsigned char dedup[32], ob_error *err);
/* Replaces a record's summary and report (refresh). */
ob_code wallet_rec_update(wallet *w, const wallet_rec *r, const json_t *report, ob_error *err);

/* The holder key's seed is sealed under the label WALLET_HOLDER_SEAL in
 * a wallet that keeps a census, under "holder" in one made before. */
#define WALLET_HOLDER_SEAL "holder+census"

/* The census: how many records there are and which (a digest of their
 * sorted record ids), sealed under the data key in the vault. Written
 * in the transaction of every change to the records (call it after the
 * change, before the commit); checked by wallet_unlock, so a record
 * deleted or added outside ob-wallet is noticed ("the wallet's records
 * were changed outside ob-wallet"). */
ob_code wallet_census_update(wallet *w, ob_error *err);
ob_code wallet_census_check(wallet *w, ob_error *err);

/* Opens the sealed holder seed (either label); *legacy is set when it
 * was sealed before the census existed. */
ob_code wallet_holder_unseal(wallet *w, const void *blob, size_t len, ob_buf *seed, int *legacy,
			     ob_error *err);


extern const char *const wallet_migrations[];
extern const int wallet_nmigrations;

/* The wallet's home directory (--home, $OBKIT_WALLET_HOME, XDG), heap
 * string the caller frees; NULL with err. */
char *wallet_home(ob_error *err);

/* Opens an existing wallet (without unlocking it); OB_EIO "no wallet at
 * DIR (run 'ob-wallet init')" when there is none. *out is owned by the
 * caller. */
ob_code wallet_open(ob_store **out, ob_error *err);

/* Prints o on standard output as one indented JSON object and a newline
 * (--json). */
ob_code wallet_json_print(const json_t *o, ob_error *err);

/* Reports the bad option getopt_long just met (c is its '?' or ':'), in
 * the tools' one form (cli/opts.h); returns 2. */
int wallet_bad_option(int c, char **argv);

/* Parses "COMMAND [--help] ID" with spec's table (cli/opts.h; options
 * other than --help are refused): returns -1 with *id set (borrowed from
 * argv), else the exit code (0 after --help, 2 for a usage error). */
struct ob_cmd_spec;
int wallet_id_arg(const struct ob_cmd_spec *spec, int argc, char **argv, const char **id);

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
int cmd_whoami(int argc, char **argv);
int cmd_passwd(int argc, char **argv);
int cmd_present(int argc, char **argv);
int cmd_refresh(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_share(int argc, char **argv);

/* Why a report is not "valid": its first failed check, else the first
 * that could not be made (borrowed). */
const char *wallet_reason(const ob_report *r);
/* The conformance error of an authentic credential (a warning, kept with
 * the record), or NULL (borrowed). */
const char *wallet_warning(const ob_report *r);
/* Sets the verification members of a summary (verdict, reason, checkedAt)
 * and, when set_doc, the credential's (id, kind, achievement, ...).
 * Returns 0, -1 when out of memory. */
int wallet_summary_set(json_t *sum, const ob_report *r, const char *id, const char *checked,
		       int set_doc);

/* ob-wallet receive's VC-API client (receive_vcapi.c): reads arg (a link,
 * a file holding it, or a QR code image of it). An LCW link
 * (lcw.app/request?request=, request.html, dccrequest://,
 * org.dcconsortium://, or the legacy issuer=&vc_request_url=&challenge=
 * form; exchange.md 3.1) naming a VC-API exchange is run to the end:
 * DID authentication with the wallet's holder key, then each delivered
 * credential verified as add does, bound to the wallet's DID, and all
 * stored in one transaction (ids or, with json, receive's JSON on
 * stdout); *done is set. One naming only an OpenID4VCI offer sets
 * *oid4vci to that offer link (heap) for the OpenID4VCI client. Any
 * other input leaves both unset. */
ob_code wallet_vcapi_receive(const char *arg, const ob_http_opts *http, const ob_verify_opts *vo, int json,
			     int *done, char **oid4vci, ob_error *err);

/* The learner's own registries and trusted-issuer list (the verifier's
 * defaults under XDG config), so the wallet shows who vouches for an
 * issuer. New registry set (possibly empty) in *out. */
ob_code wallet_registries(ob_registry **out, ob_error *err);

#endif
