/* oid4vci: ob-issuer's side of OpenID4VCI 1.0 (issue 16): offers
 * (offer.c), the endpoints' logic (oid4vci_flow.c) and the HTTP server
 * around them (oid4vci_http.c, started by cmd_serve.c).
 *
 * The flow, as a wallet sees it (exchange.md section 1):
 *
 *   GET  <offer uri>                              the offer (pre-authorized code, tx_code)
 *   GET  /.well-known/openid-credential-issuer    issuer metadata
 *   GET  /.well-known/oauth-authorization-server  AS metadata (the issuer is its own AS)
 *   POST /token       pre-authorized_code + tx_code -> access token (one-time offer)
 *   POST /nonce       -> c_nonce (one-time, expiring)
 *   POST /credential  Bearer token, {credential_configuration_id, proofs: {jwt: [proof]}}
 *                     -> {credentials: [{credential}]}, bound to the proof's did:key
 *
 * All state is in the issuer's database (db_offer.h), so a restart
 * forgets nothing and several server processes may share one home. */
#ifndef OB_ISSUER_OID4VCI_H
#define OB_ISSUER_OID4VCI_H

#include <pthread.h>
#include <time.h>
#include <jansson.h>
#include <microhttpd.h>

#include "base/buf.h"
#include "base/err.h"
#include "db_offer.h"
#include "issuer.h"

#define OFFER_DEFAULT_TTL (14L * 24 * 3600) /* offers live two weeks */
#define OFFER_PIN_DIGITS 6
#define OFFER_PIN_TRIES 5                   /* wrong PINs before the offer locks */
#define VCI_CONF_LDP "OpenBadgeCredential_ldp"
#define VCI_CONF_JWT "OpenBadgeCredential_jwt"

/* ---- offer.c: offers, for `offer create` and a roster run ---- */

typedef struct {
	const char *achievement; /* catalog id (must exist) */
	const char *recipient;   /* e-mail address or DID: whom it is for */
	const char *name;        /* the learner's name, or NULL */
	int pin;                 /* 1: a PIN (tx_code) is required */
	long ttl;                /* seconds; 0: OFFER_DEFAULT_TTL */
	int lcw;                 /* the VC-API exchange (the Learner Credential
				  * Wallet's way; it cannot type a PIN):
				  * 0 when the offer has no PIN, 1 always
				  * (offer create --lcw: the exchange's URL
				  * is then a bearer secret), -1 never */
} offer_params;

typedef struct {
	char *id;   /* the offer's id (heap) */
	char *ref;  /* the secret reference in its URI (heap) */
	char *pin;  /* the PIN to send by another channel (heap secret), or NULL */
	char *xref; /* the VC-API exchange's reference (heap), or NULL: none */
	time_t expires;
} offer_made;

/* Creates one offer in st's database (its own statement: call it inside
 * issuer_db_begin/commit to make many in one transaction, as a roster run
 * would, one per row). Fills *out (offer_made_release it). */
ob_code issuer_offer_create(issuer_state *st, const offer_params *p, offer_made *out, ob_error *err);
void offer_made_release(offer_made *m);
/* offer create --roster: one offer per row of roster (its name,
 * recipient and achievement columns; the rest as in defaults), in one
 * transaction, and the mail merge written to out (0600, never replaced):
 * name,recipient,achievement,offer_id,claim_url,pin,expires (and
 * lcw_link when the offers carry a VC-API exchange). Prints out's path. Returns the exit code. (offer_roster.c) */
int issuer_offer_roster(const char *roster, const offer_params *defaults, const char *server, const char *out);

/* The credential issuer identifier offers point at: server (an https URL
 * given with --server / --public-url) or else the issuer's own base URL
 * (issuer_base_url). Heap, no trailing slash; NULL with err. */
char *issuer_offer_server(issuer_state *st, const char *server, ob_error *err);
/* Appends the offer's URI (SERVER/offers/REF) and, when link is not
 * NULL, its openid-credential-offer:// link. */
ob_code issuer_offer_uri(const char *server, const char *ref, ob_buf *uri, ob_buf *link, ob_error *err);
/* Appends the VC-API exchange's URL, SERVER/exchanges/XREF. */
ob_code issuer_offer_exchange_url(const char *server, const char *xref, ob_buf *out, ob_error *err);
/* Appends the Learner Credential Wallet's deep link to the exchange
 * xref (exchange.md 3.1): https://lcw.app/request?request=<JSON,
 * percent-encoded> with the JSON {"credentialRequestOrigin": server's
 * origin, "protocols": {"vcapi": the exchange's URL, "OID4VCI":
 * oid4vci_link}} ("OID4VCI" left out when oid4vci_link is NULL: give it
 * only for an offer without a PIN, which LCW cannot type). */
ob_code issuer_offer_lcw_link(const char *server, const char *xref, const char *oid4vci_link, ob_buf *out,
			      ob_error *err);
/* 1 when pin (the digits the holder typed) is the one stored. */
int issuer_offer_pin_ok(const unsigned char stored[48], const char *pin);

/* ---- oid4vci_flow.c: the endpoints ---- */

typedef struct {
	issuer_state st;       /* the home, its database and signing key */
	pthread_mutex_t lock;  /* one request at a time in the database */
	char *issuer_url;      /* the credential issuer identifier (https) */
	const char *path;      /* its path ("" or "/x"), borrowed from issuer_url */
	long token_ttl, nonce_ttl;
	int no_status;         /* credentials without a status entry */
} vci_server;

/* An endpoint's answer: status, a JSON body (owned) and, for 401, the
 * WWW-Authenticate value. */
typedef struct {
	unsigned status;
	json_t *body;
	const char *www_auth;
} vci_answer;

void vci_answer_release(vci_answer *a);
void vci_issuer_metadata(vci_server *s, vci_answer *a);
void vci_as_metadata(vci_server *s, vci_answer *a);
/* GET of an offer by its reference. */
void vci_offer(vci_server *s, const char *ref, vci_answer *a);
/* The token endpoint's form fields (NULL when absent). */
void vci_token(vci_server *s, const char *grant_type, const char *code, const char *tx_code, vci_answer *a);
void vci_nonce(vci_server *s, vci_answer *a);
/* bearer: the Authorization header's value, or NULL. */
void vci_credential(vci_server *s, const char *bearer, const char *body, size_t len, vci_answer *a);

/* Why offer o cannot be used at now (revoked, locked, used, expired;
 * static text), or NULL when it is open. */
const char *vci_offer_refusal(const offer_rec *o, time_t now);
/* Builds, signs and logs the credential for offer o bound to holder
 * (credentialSubject.id), and marks the offer issued, in one
 * transaction: from redeemed (the OID4VCI token step), or with exchange
 * from open (the VC-API exchange, which has no token step). jwt: a
 * VC-JWT, else Data Integrity with the key's default suite. The signed
 * text into out; OB_EINVALID when the offer was no longer in that state
 * (another request used it first). */
ob_code vci_issue(vci_server *s, const offer_rec *o, const char *holder, int jwt, int exchange,
		  ob_buf *out, ob_error *err);
/* vci_issue with spend, when not NULL, called first inside its
 * transaction (s->lock held): it spends the request's one-time values
 * (a key proof, a nonce, a challenge), so they are taken only if the
 * credential is issued. Anything but OB_OK from it rolls back and is
 * returned, nothing signed. */
ob_code vci_issue_with(vci_server *s, const offer_rec *o, const char *holder, int jwt, int exchange,
		       ob_code (*spend)(vci_server *s, void *ctx, ob_error *err), void *ctx, ob_buf *out,
		       ob_error *err);

/* ---- vcapi_flow.c: the VC-API exchange (exchange.md 3.2) ---- */

#define VCAPI_CHALLENGE_TTL 600L /* a challenge lives ten minutes (never past its offer) */
#define VCAPI_MAX_CHALLENGE 256  /* the longest challenge a presentation may carry */

/* POST SERVER/exchanges/XREF with a JSON body: without
 * "verifiablePresentation" (LCW sends {}), a DIDAuthentication request
 * with a fresh challenge; with one, the DIDAuth presentation checked (the
 * holder a did:key whose key signed it for authentication, the challenge
 * one this exchange gave and not used, the domain ours when present) and
 * the offer's credential issued to the holder, in a presentation. */
void vcapi_exchange(vci_server *s, const char *xref, const char *body, size_t len, vci_answer *a);

/* ---- oid4vci_http.c: libmicrohttpd around them ---- */

#define VCI_MAX_BODY (64u * 1024) /* the largest request body */
#define VCI_MAX_FIELD 4096        /* the largest token form field */

enum MHD_Result vci_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			    const char *version, const char *upload, size_t *upload_size, void **con_cls);
void vci_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe);

int cmd_offer(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
