/* endorse: EndorsementCredentials (spec/endorsements.md): the shape
 * rules of one, and the verification of those embedded in a credential
 * (OB 3.0 9.1 last step and 9.2), each into a report of its own. */
#ifndef OB_ENDORSE_H
#define OB_ENDORSE_H

#include <stddef.h>
#include <jansson.h>

#include "vc/verify.h"

/* 1 when cred's type names an EndorsementCredential. */
int ob_endorse_is_endorsement(const json_t *cred);

/* Checks an EndorsementCredential's shape (endorsements.md 1: name,
 * credentialSubject an EndorsementSubject with id, issuer a Profile,
 * validFrom or issuanceDate, type with VerifiableCredential): adds the
 * conformance check "openbadges", passed or failed. */
void ob_endorse_check_shape(ob_report *r, const json_t *cred);

/* Verifies every EndorsementCredential embedded in cred (endorsement[]
 * and endorsementJwt[] at any depth, as the 1EdTech validator collects
 * them; not inside an endorsement, whose own verification finds its
 * endorsements) into r->display (which must be set), and adds one check
 * "endorsement[i]" each: passed when it is valid, else a non-blocking
 * warning with its verdict: an endorsement that fails says nothing
 * against the credential itself (its signature covers the endorsement
 * as data, not the endorser's word). depth: cred's nesting depth. */
void ob_endorse_verify_embedded(ob_report *r, const json_t *cred, const ob_verify_opts *opts,
				int depth);

/* Verifies a compact VC-JWT at a nesting depth (verify.c). */
ob_report *ob_verify_jwt_depth(const char *text, size_t len, const ob_verify_opts *opts, int depth);

#endif
