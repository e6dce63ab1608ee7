/* oid4vci: the parts of OpenID for Verifiable Credential Issuance 1.0
 * (../shared/spec/exchange.md section 1) that both ends need: the offer
 * link, the well-known metadata addresses, and the `jwt` key proof
 * (made by the wallet, checked by the issuer). No network here: the
 * wallet fetches through io/http.h and io/http_post.h, the issuer's
 * server is ob-issuer serve. */
#ifndef OB_OID4VCI_H
#define OB_OID4VCI_H

#include <time.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "proof/keys.h"

#define OB_OID4VCI_SCHEME "openid-credential-offer://"
#define OB_OID4VCI_PROOF_TYP "openid4vci-proof+jwt"
#define OB_OID4VCI_PREAUTH "urn:ietf:params:oauth:grant-type:pre-authorized_code"
/* Budgets: a key proof, an offer link. */
#define OB_OID4VCI_MAX_PROOF 8192
#define OB_OID4VCI_MAX_LINK 8192
/* How far a proof's iat may be from the issuer's clock (seconds). */
#define OB_OID4VCI_IAT_WINDOW 300

/* Appends s percent-encoded for a URL query (RFC 3986 unreserved kept). */
int ob_oid4vci_urlencode(ob_buf *out, const char *s);

/* Appends the offer link for an offer served at uri:
 * openid-credential-offer://?credential_offer_uri=<uri, percent-encoded>. */
ob_code ob_oid4vci_offer_link(const char *uri, ob_buf *out, ob_error *err);

/* Reads an offer link (openid-credential-offer:// or any URL with the
 * query parameter, VCI "Credential Offer"): exactly one of
 * credential_offer (then *by_value 1 and out gets the offer JSON) and
 * credential_offer_uri (*by_value 0, out gets the URI) must be there,
 * else OB_EINVALID. Percent-decoded; a NUL or a link over
 * OB_OID4VCI_MAX_LINK is refused. */
ob_code ob_oid4vci_offer_parse_link(const char *link, int *by_value, ob_buf *out, ob_error *err);

/* Checks an offer object (VCI "Credential Offer Parameters"):
 * credential_issuer an https URL, credential_configuration_ids a
 * non-empty array of strings, a pre-authorized_code grant. Fills the
 * borrowed pointers: the issuer, the code, and *tx_code 1 when the grant
 * has a tx_code object (even {}: a PIN is then required). */
ob_code ob_oid4vci_offer_check(const json_t *offer, const char **issuer, const char **code, int *tx_code,
			       ob_error *err);

/* Appends the well-known URL of issuer (an https URL, perhaps with a
 * path): https://host/.well-known/<name>/path (VCI "Credential Issuer
 * Metadata": the suffix goes between host and path). */
ob_code ob_oid4vci_wellknown(const char *issuer, const char *name, ob_buf *out, ob_error *err);

/* Signs a key proof: header {alg, typ: openid4vci-proof+jwt, kid}, payload
 * {aud, iat, nonce} (VCI "jwt Proof Type"; no iss: anonymous pre-auth).
 * Appends the compact JWS to out. */
ob_code ob_oid4vci_proof_sign(const ob_key *key, const char *kid, const char *aud, const char *nonce,
			      time_t iat, ob_buf *out, ob_error *err);

/* A checked key proof. */
typedef struct {
	char *holder;  /* the DID the kid names (heap) */
	char *nonce;   /* the nonce claim (heap), NULL when absent */
	unsigned char digest[32]; /* SHA-256 of the proof text: what replays are told by */
} ob_oid4vci_proof;

/* Checks a key proof against the issuer identifier aud at now: compact
 * form within OB_OID4VCI_MAX_PROOF, typ openid4vci-proof+jwt, alg EdDSA
 * or ES256 (never none or HS*), a kid that is a did:key DID URL (the only
 * binding method offered; jwk and x5c are refused), no crit, aud equal to
 * aud (or an array holding it), iat a number within
 * OB_OID4VCI_IAT_WINDOW of now, and the signature by the did:key's key.
 * OB_EINVALID with the first failure named; fills *out (release with
 * ob_oid4vci_proof_release). The nonce is the caller's to check. */
ob_code ob_oid4vci_proof_check(const char *text, size_t len, const char *aud, time_t now,
			       ob_oid4vci_proof *out, ob_error *err) __attribute__((warn_unused_result));
void ob_oid4vci_proof_release(ob_oid4vci_proof *p);

#endif
