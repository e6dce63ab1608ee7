/* present: a Verifiable Presentation of stored credentials for a holder
 * (VCDM 2.0 4.13), signed with the holder's key for proof purpose
 * authentication with the verifier's challenge and domain (vc-di.md 6),
 * or as a VP-JWT. */
#ifndef OB_PRESENT_H
#define OB_PRESENT_H

#include <stddef.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/doc.h"
#include "base/err.h"
#include "proof/keys.h"

typedef struct {
	const char *suite;     /* eddsa-rdfc-2022, eddsa-jcs-2022, vc-jwt; NULL: the default */
	const char *challenge; /* required: the verifier's nonce */
	const char *domain;    /* the verifier's origin, or NULL */
	const char *created;   /* proof created; NULL: now */
} ob_present_opts;

/* Builds an unsigned presentation: @context [VCDM 2.0], type
 * VerifiablePresentation, holder, and verifiableCredential with each
 * credential text (JSON with an embedded proof, taken member for member as
 * issued; or a compact VC-JWT, which goes in as an
 * EnvelopedVerifiableCredential "data:application/vc+jwt," URL). Returns
 * a new object, or NULL with err (OB_EPARSE for a text that is neither). */
json_t *ob_present_build(const char *holder, const char *const *creds, const size_t *lens,
			 size_t n, ob_error *err);

/* Signs vp with key and appends the result to out: the presentation JSON
 * with its proof, or for "vc-jwt" a compact VP-JWT (iss = holder,
 * nonce = challenge, aud = domain; see ob_jwt_sign_vp) and a newline.
 * A missing challenge is OB_EUSAGE. */
ob_code ob_present_sign(json_t *vp, const ob_key *key, const ob_present_opts *o, ob_buf *out,
			ob_error *err);

/* Selective disclosure (ecdsa-sd-2023): derives from a credential text
 * with an ecdsa-sd-2023 base proof a credential that discloses what the
 * JSON pointers name, and always what the issuer's mandatory pointers
 * name, with a derived proof; appends its JSON to out. A credential
 * without a base proof is OB_EUSAGE; a malformed pointer OB_EUSAGE; a
 * pointer the credential lacks OB_EUSAGE "JSON pointer ... does not match
 * the document". loader supplies contexts beyond the shipped ones (may be
 * NULL). */
ob_code ob_present_reveal(const char *cred, size_t len, const char *const *pointers, size_t n,
			  ob_loader *loader, ob_buf *out, ob_error *err);

#endif
