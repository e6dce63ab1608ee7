/* jwt: VC-JWT as Open Badges 3.0 section 8.2 profiles it (compact JWS).
 *
 * Verification is split so the caller can resolve the key between steps:
 * ob_jwt_decode (strict parse, header rules), then find the key (from
 * `jwk`, `kid` or out of band), then ob_jwt_verify_signature and
 * ob_jwt_check_claims.
 */
#ifndef OB_JWT_H
#define OB_JWT_H

#include <time.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "proof/keys.h"

typedef struct {
	json_t *header;     /* owned */
	json_t *payload;    /* owned */
	json_t *credential; /* borrowed from payload: the `vc` claim, or the
			     * payload itself (flat OB 3.0 form) */
	char *signing_input;   /* "b64(header).b64(payload)", owned */
	unsigned char *sig;    /* owned */
	size_t siglen;
	const char *alg;    /* borrowed from header */
	const char *kid;    /* borrowed; NULL when absent */
	const json_t *jwk;  /* borrowed; NULL when absent */
	json_t *presentation; /* borrowed from payload: the `vp` claim of a
			       * VP-JWT (then credential points to it too),
			       * else NULL */
} ob_jwt;

/* Returns 1 when text looks like a compact JWS (three base64url parts;
 * surrounding whitespace, such as a .jwt file's newline, is ignored). */
int ob_jwt_sniff(const char *text, size_t len);

/* Parses a compact JWS (surrounding whitespace ignored). Refuses: not
 * three parts, bad base64url (padding included), header or payload not a
 * strict JSON object (OB_EPARSE); alg "none", HMAC algs (HS*), algs other
 * than EdDSA/ES256/ES384/RS256, a typ other than "JWT" (case-insensitive, RFC
 * 7515 4.1.9), a crit header, a jwk with "d" or other private members,
 * neither vc claim nor a flat credential (a payload with @context and
 * type) nor a vp claim (a VP-JWT: then presentation is set), an empty
 * signature (OB_EINVALID). Neither kid nor jwk is needed:
 * the key may come out of band. Fills *out (release with ob_jwt_release;
 * on failure *out is already released) and returns OB_OK. */
ob_code ob_jwt_decode(const char *text, size_t len, ob_jwt *out, ob_error *err);
void ob_jwt_release(ob_jwt *jwt);

/* Checks the signature with key. The header alg must match the key type
 * (EdDSA/Ed25519, ES256/P-256, ES384/P-384, RS256/RSA), else OB_EINVALID "alg X does not
 * match the key". Returns OB_OK or OB_EINVALID. */
ob_code ob_jwt_verify_signature(const ob_jwt *jwt, const ob_key *key, ob_error *err)
	__attribute__((warn_unused_result));

/* OB 3.0 8.2.4: iss = issuer id (iss required), jti = credential id
 * (required when the credential has an id), sub = credentialSubject.id
 * (when both present: the 1EdTech samples have no sub), nbf/exp (when
 * present) equal to validFrom/validUntil (issuanceDate/expirationDate on
 * VC 1.1) and checked against now: nbf > now "not yet valid (nbf ...)",
 * exp <= now "expired (exp ...)". now 0 means the clock. OB_EINVALID with
 * the first failing claim named. */
ob_code ob_jwt_check_claims(const ob_jwt *jwt, time_t now, ob_error *err)
	__attribute__((warn_unused_result));

/* Signs credential as a VC-JWT: header {alg, typ:"JWT", kid} (compact, in
 * that order; with kid NULL the public key goes in a "jwk" member instead),
 * payload = the credential's members at top level plus iss, jti, sub (when
 * credentialSubject has an id), nbf (from validFrom) and exp (from
 * validUntil when present). Appends the compact JWS to out. key must be a
 * private Ed25519, P-256, P-384 or RSA key (EdDSA / ES256 / ES384 / RS256), else
 * OB_EUSAGE; a credential without issuer id, id or validFrom is
 * OB_EINVALID. */
ob_code ob_jwt_sign(const json_t *credential, const ob_key *key, const char *kid,
		    ob_buf *out, ob_error *err);

/* Signs a presentation as a VP-JWT (VC Data Model 1.1 6.3.1 form, as
 * ob-wallet present --suite vc-jwt makes it): header {alg, typ:"JWT",
 * kid}, payload {iss: the holder (vp.holder), jti (vp.id, when present),
 * aud: domain (when not NULL), nonce: challenge, iat, vp: the
 * presentation}. Appends the compact JWS to out. */
ob_code ob_jwt_sign_vp(const json_t *vp, const ob_key *key, const char *kid, const char *nonce,
		       const char *aud, time_t iat, ob_buf *out, ob_error *err);

#endif
