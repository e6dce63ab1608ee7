/* oid4vp: the parts of OpenID for Verifiable Presentations 1.0
 * (../shared/spec/exchange.md section 2) that the verifier and the
 * wallet share: the wallet link, the request object (an unsigned JWT
 * for a "redirect_uri:" client, which cannot sign, VP 5.9; a JWT signed
 * by the verifier's DID key for a "decentralized_identifier:" client,
 * JAR / RFC 9101), the DCQL query for an Open Badge and the match of a
 * credential against it, and the form fields of a direct_post answer.
 * No network here but what a loader given to ob_oid4vp_request_check
 * does (did:web). */
#ifndef OB_OID4VP_H
#define OB_OID4VP_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/doc.h"
#include "base/err.h"
#include "proof/keys.h"

#define OB_OID4VP_SCHEME "openid4vp://"
#define OB_OID4VP_PREFIX "redirect_uri:"
#define OB_OID4VP_DID_PREFIX "decentralized_identifier:"
#define OB_OID4VP_REQ_TYP "oauth-authz-req+jwt"
/* The DCQL credential query ids: one per format, either answers. */
#define OB_OID4VP_LDP_ID "openbadge_ldp"
#define OB_OID4VP_JWT_ID "openbadge_jwt"
/* Budgets: a link, a request object, a vp_token, a DCQL query's items. */
#define OB_OID4VP_MAX_LINK 4096
#define OB_OID4VP_MAX_REQUEST 65536
#define OB_OID4VP_MAX_TOKEN (1024 * 1024)
#define OB_OID4VP_MAX_ID 256

/* The DCQL query for an Open Badge credential (ldp_vc or jwt_vc_json,
 * credential_sets: either), optionally of the achievement whose id is
 * achievement and of the issuer whose id is issuer (claims with values;
 * both may be NULL). A new object, or NULL when out of memory. */
json_t *ob_oid4vp_dcql(const char *achievement, const char *issuer);

/* What a DCQL query asks (borrowed from it): the achievement and issuer
 * ids its claims require, or NULL. 0, or -1 when the query is not one
 * this toolkit answers (no Open Badge credential query). */
int ob_oid4vp_dcql_wants(const json_t *dcql, const char **achievement, const char **issuer);

/* The id of the query in dcql for an Open Badge credential in format
 * ("ldp_vc" or "jwt_vc_json"; borrowed), which keys the answer in
 * vp_token, or NULL when it asks for none in that format. */
const char *ob_oid4vp_dcql_id(const json_t *dcql, const char *format);

/* Whether a credential (the VC JSON, or a VC-JWT's vc claim / payload)
 * is an Open Badge of the wanted achievement and issuer (NULL: any).
 * 1 matches, 0 not; why (may be NULL, n bytes) says what differs. */
int ob_oid4vp_match(const json_t *vc, const char *achievement, const char *issuer, char *why, size_t n);

/* The credential JSON of a credential text: parsed JSON, or a compact
 * VC-JWT's payload (its vc claim when it has one), signature NOT
 * checked: for matching only. New reference or NULL. */
json_t *ob_oid4vp_vc_view(const char *text, size_t len);

/* Appends the wallet link: openid4vp://?client_id=<enc>&request_uri=<enc>. */
ob_code ob_oid4vp_link(const char *client_id, const char *request_uri, ob_buf *out, ob_error *err);

/* Reads a wallet link (any scheme; the query parameters client_id and
 * request_uri, percent-decoded, into heap strings *client_id and
 * *request_uri). A link with plain parameters (a dcql_query and no
 * request_uri) gives *request_uri NULL: read it with
 * ob_oid4vp_link_params. OB_EINVALID when one is missing or given twice,
 * or a Request Object is passed by value (request=); OB_ELIMIT over
 * OB_OID4VP_MAX_LINK. */
ob_code ob_oid4vp_parse_link(const char *link, char **client_id, char **request_uri, ob_error *err);

/* Appends the wallet link of an unsigned request passed by value (VP
 * 5: plain parameters; JSON-valued ones as compact JSON):
 * openid4vp://?client_id=...&response_type=...&dcql_query=... ("aud" is
 * left out: it belongs to a Request Object). What wallets that take a
 * redirect_uri: client's request only by value (never as an unsigned
 * Request Object) read. */
ob_code ob_oid4vp_link_by_value(const json_t *req, ob_buf *out, ob_error *err);

/* The request parameters of a link passed by value, as an object (the
 * JSON-valued dcql_query, client_metadata and transaction_data parsed),
 * for ob_oid4vp_request_read. New reference, or NULL with err. */
json_t *ob_oid4vp_link_params(const char *link, ob_error *err);

/* Appends the request object as an unsecured JWT (header {"alg":"none",
 * "typ":"oauth-authz-req+jwt"}, VP 5.9: a redirect_uri: client cannot
 * sign) of the claims object req. */
ob_code ob_oid4vp_request_jwt(const json_t *req, ob_buf *out, ob_error *err);

/* Appends the request object of a decentralized_identifier: client as a
 * signed JWT (JAR, RFC 9101; VP 5.9.3): header {"alg", "typ":
 * "oauth-authz-req+jwt", "kid": kid, the DID URL of key's verification
 * method}, payload the claims object req. key: a private Ed25519 (EdDSA),
 * P-256 (ES256) or P-384 (ES384) key, else OB_EUSAGE. */
ob_code ob_oid4vp_request_sign(const json_t *req, const ob_key *key, const char *kid, ob_buf *out, ob_error *err);

/* Who signed a request object that ob_oid4vp_request_check verified:
 * the DID of a decentralized_identifier: client and the kid (DID URL)
 * whose key checked the signature; both NULL for a redirect_uri: client
 * (whose request is never signed). Heap strings. */
typedef struct {
	char *did;
	char *kid;
} ob_oid4vp_signer;
void ob_oid4vp_signer_release(ob_oid4vp_signer *s);

/* Reads a request object as the wallet receives it and checks it against
 * the link's client_id (VP 5.10). By the client_id's prefix:
 *  - redirect_uri: JSON, or an unsecured JWT (alg none) with typ
 *    oauth-authz-req+jwt; a signed one is refused (no key to check it
 *    with); the response_uri must equal the client id's URL;
 *  - decentralized_identifier: a JWT with typ oauth-authz-req+jwt, alg
 *    EdDSA, ES256 or ES384 (never none), no crit, a kid that is a DID URL
 *    of the client's own DID, resolved (did:key from itself, did:web
 *    through loader, which may be NULL: then did:web is OB_ENET) to a key
 *    of that DID which verifies the signature; not expired (exp, when
 *    present, after now; now 0 is the clock). Unsigned, JSON or by value:
 *    refused.
 * Then, for both: client_id equal, an https response_uri, response_type
 * vp_token, response_mode direct_post, a nonce, a dcql_query object, no
 * transaction_data. Returns the claims object (new reference) and fills
 * *who (may be NULL; release it) or NULL with err (OB_EINVALID, the first
 * failure named; OB_ENET when a did:web document could not be had). */
json_t *ob_oid4vp_request_check(const char *text, size_t len, const char *client_id, ob_loader *loader,
				time_t now, ob_oid4vp_signer *who, ob_error *err);

/* ob_oid4vp_request_check with no loader, the clock and no signer out. */
json_t *ob_oid4vp_request_read(const char *text, size_t len, const char *client_id, ob_error *err);

/* Appends a form field "name=value" (URL-encoded; '&' first when out is
 * not empty). */
int ob_oid4vp_form_add(ob_buf *out, const char *name, const char *value);

/* Finds field name in an application/x-www-form-urlencoded body and
 * appends its decoded value to out. 1 found, 0 absent, -1 with err (a
 * bad escape, a NUL, the field twice, out of memory). */
int ob_oid4vp_form_get(const char *body, size_t len, const char *name, ob_buf *out, ob_error *err);

#endif
