/* db_offer: the storage of OID4VCI offers and of the issuing server's
 * one-time values, behind named functions (db_offer.c holds the SQL;
 * the tables come from db.c's migration 6).
 *
 * An offer is one credential for one learner: its id (what the registrar
 * types), the reference in its credential_offer_uri and its
 * pre-authorized code (random, unguessable), the achievement and
 * recipient it was made for, an optional PIN (stored as a salted SHA-256:
 * salt 16 bytes then digest), its state and its expiry. States:
 *
 *   open      made; the code may be redeemed at the token endpoint
 *   redeemed  the code was exchanged for an access token (stored hashed)
 *   issued    the credential was delivered (credential_id, holder)
 *   revoked   offer revoke
 *   locked    too many wrong PINs
 *
 * Every change of state is one UPDATE guarded by the state it leaves, so
 * two servers or threads racing for one offer cannot both win (the loser
 * sees *done 0). Times are Unix seconds.
 *
 * An offer may also carry a VC-API exchange (issue 16 item 2, the
 * Learner Credential Wallet's way): xref, another random secret, is the
 * last part of its URL. Delivering through it takes the offer from open
 * straight to issued (offer_db_exchange_issued), so the two ways share
 * the one use. Its challenges are one-time values (ONCE_CHALLENGE). */
#ifndef OB_ISSUER_DB_OFFER_H
#define OB_ISSUER_DB_OFFER_H

#include <time.h>

#include "base/err.h"
#include "db.h"

#define OFFER_PIN_LEN 48 /* salt 16 + SHA-256 32 */

typedef struct {
	char *id, *ref, *code, *achievement, *recipient, *name, *state, *credential_id, *holder;
	char *xref; /* the VC-API exchange's reference, or NULL: none */
	unsigned char pin[OFFER_PIN_LEN];
	int has_pin;
	long pin_fails;
	time_t created, expires, token_expires, changed;
} offer_rec;

void offer_rec_release(offer_rec *o);

/* Stores a new open offer (its own statement; call inside a transaction
 * to group several). */
ob_code offer_db_add(issuer_db *db, const offer_rec *o, ob_error *err);

/* Finds an offer by its id ("id"), its reference ("ref"), its
 * pre-authorized code ("code") or its exchange's reference ("xref").
 * *found 0 when none. */
ob_code offer_db_find(issuer_db *db, const char *by, const char *value, offer_rec *o, int *found,
		      ob_error *err);
/* The offer an access token (its SHA-256) was given for. */
ob_code offer_db_find_token(issuer_db *db, const unsigned char hash[32], offer_rec *o, int *found,
			    ob_error *err);

/* Calls fn for every offer, oldest first. */
ob_code offer_db_each(issuer_db *db, ob_code (*fn)(const offer_rec *o, void *ctx, ob_error *err), void *ctx,
		      ob_error *err);

/* open or redeemed -> revoked. *done 0 when the offer was in neither. */
ob_code offer_db_revoke(issuer_db *db, const char *id, time_t now, int *done, ob_error *err);
/* Counts a wrong PIN on an open offer; at max it becomes locked.
 * *fails gets the new count. */
ob_code offer_db_pin_fail(issuer_db *db, const char *id, long max, time_t now, long *fails, ob_error *err);
/* open (and not expired at now) -> redeemed, with the token's hash and
 * expiry. *done 0 when another request got there first. */
ob_code offer_db_redeem(issuer_db *db, const char *id, const unsigned char token[32], time_t token_expires,
			time_t now, int *done, ob_error *err);
/* redeemed -> issued. *done 0 when it was no longer redeemed. */
ob_code offer_db_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder,
			time_t now, int *done, ob_error *err);

/* open (and not expired at now) -> issued, for a delivery through the
 * VC-API exchange (no token step). *done 0 when it was no longer open. */
ob_code offer_db_exchange_issued(issuer_db *db, const char *id, const char *credential_id, const char *holder,
				 time_t now, int *done, ob_error *err);

/* One-time values of the server: kinds of oid4vci_once rows
 * (ONCE_CHALLENGE: a VC-API exchange's challenge, hashed with the
 * exchange's reference so it answers that exchange only). */
enum { ONCE_NONCE = 1, ONCE_PROOF = 2, ONCE_CHALLENGE = 3 };
/* Records a value (its SHA-256) valid until expires; *dup 1 when it was
 * recorded before (then nothing changes). Expired rows are purged. */
ob_code offer_db_once_add(issuer_db *db, int kind, const unsigned char hash[32], time_t expires, time_t now,
			  int *dup, ob_error *err);
/* Takes a value: deletes it and sets *ok 1 when it was there and not
 * expired at now; *ok 0 otherwise (unknown, used or stale). */
ob_code offer_db_once_take(issuer_db *db, int kind, const unsigned char hash[32], time_t now, int *ok,
			   ob_error *err);

#endif
