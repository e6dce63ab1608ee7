/* roster_offers: issue --roster FILE.csv -o DIR --offers (issue 16): one
 * OpenID4VCI offer per roster row instead of a signed file; the
 * credential is signed when the learner's wallet redeems the offer, bound
 * to the wallet's DID (roster_offers.c; offers themselves: oid4vci.h). */
#ifndef OB_ISSUER_ROSTER_OFFERS_H
#define OB_ISSUER_ROSTER_OFFERS_H

#include <stddef.h>
#include <time.h>

#include "base/err.h"
#include "db.h"
#include "roster.h"

typedef struct {
	int on;             /* --offers */
	long ttl;           /* --expires-in, seconds; 0: the offers' default */
	int no_pin;         /* --no-pin: links alone, no PIN (tx_code) */
	int lcw;            /* --lcw: a VC-API exchange (lcw_link) even with a
			     * PIN; without a PIN an offer always has one */
	const char *server; /* --server URL, or NULL: the issuer's base URL */
} roster_offer_opts;

/* "90" seconds, "30m", "36h", "14d" (at most 366 days): seconds, or -1
 * (offer create's --expires-in grammar). */
long issuer_offer_duration(const char *s);

/* The run: checks every row first (a bad row is named by its line and no
 * offer is made at all), then makes an offer for each row that has none
 * yet, a transaction per batch, with its PIN appended to DIR/pins.csv
 * (0600) and synced before the batch commits; writes DIR/manifest.jsonl
 * and o->mail_merge (claim_url filled). Prints the manifest's path (or,
 * with o->json, the summary). Returns the exit code: 0, 1 when some rows
 * were bad (nothing made), else ob_exit_code's. */
int issuer_roster_offers_run(const roster_opts *o, const roster_offer_opts *oo);

/* The offers a signing run must not award again: the row keys (name,
 * recipient and achievement, as a --offers run keys its rows) of every
 * offer still open and unexpired, or redeemed or issued. A revoked,
 * locked or expired-unclaimed offer does not count. */
typedef struct {
	struct roster_offered_row *rows;
	size_t n, cap;
	time_t now;
} roster_offered;

ob_code roster_offered_load(issuer_db *db, roster_offered *s, ob_error *err);
/* The offer id of the row key, or NULL. */
const char *roster_offered_find(const roster_offered *s, const unsigned char key[32]);
void roster_offered_free(roster_offered *s);

#endif
