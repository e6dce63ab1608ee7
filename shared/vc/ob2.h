/* ob2: Open Badges 2.0 assertions (spec/ob2.md), verified into the same
 * report as a 3.0 credential (vc/verify.h) with the same dimensions.
 *
 * Hosted (ob2.md 3): the assertion's id is the source of truth and is
 * fetched again through the loader; its BadgeClass and issuer Profile
 * too; the assertion's URL must be in the issuer's verification scope
 * (startsWith, allowedOrigins, by default the issuer id's host).
 * Signed (ob2.md 4): a compact JWS whose key is a CryptographicKey linked
 * both ways with the issuer Profile (publicKey and owner), and the
 * issuer's revocationList.
 *
 * The documents are read as JSON in the terms of the OB 2.0 context (no
 * JSON-LD compaction): a document that renames the context's terms is not
 * understood. Budgets: at most OB2_MAX_KEYS keys are tried, every fetched
 * document is the loader's (1 MiB). */
#ifndef OB_OB2_H
#define OB_OB2_H

#include <stddef.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "proof/jwt.h"
#include "vc/verify.h"

#define OB2_CONTEXT "https://w3id.org/openbadges/v2"
#define OB2_MAX_KEYS 8
#define OB2_MAX_REVOKED 100000

/* 1 when doc is an Open Badges 2.0 document rather than a Verifiable
 * Credential: its @context names the OB 2.0 (or 1.x) context, or it has
 * the shape of an Assertion (type Assertion, recipient, badge) without a
 * VC context. */
int ob2_sniff(const json_t *doc);

/* Appends "<alg>$<hex>" = alg(identity || salt) (ob2.md 2.2) to out; alg
 * is "sha256" or "md5" (case-insensitive), else OB_EINVALID. salt may be
 * NULL (empty). */
ob_code ob2_identity_hash(const char *alg, const char *identity, const char *salt, ob_buf *out,
			  ob_error *err);

/* Whether an IdentityObject names email: 1 yes, 0 no (another address),
 * -1 not comparable (not an e-mail identity, or malformed; *why says so,
 * static). A hashed value compares case-insensitively on the hex; the
 * address is tried as given and lower-cased. */
int ob2_recipient_matches(const json_t *recipient, const char *email, const char **why);

/* The hosted scope rule (ob2.md 3.2): 1 when the assertion URL is within
 * the issuer's verification object (NULL: the default, the issuer id's
 * host), 0 when not, -1 when the issuer id is not an HTTP(S) URL and the
 * verification object gives no allowedOrigins or startsWith (nothing
 * binds the assertion to the issuer). why (n bytes) gets the reason in
 * plain words. */
int ob2_in_scope(const char *assertion_id, const char *issuer_id, const json_t *verification,
		 char *why, size_t n);

/* Verifies an OB 2.0 document (borrowed) into r: an Assertion hosted
 * (re-fetched at its id through opts->loader), or another class checked
 * for shape only (never valid: nothing is issued). */
void ob2_verify_doc(ob_report *r, const json_t *doc, const ob_verify_opts *opts);

/* Verifies a decoded compact JWS (borrowed) whose payload is an OB 2.0
 * Assertion (signed verification). */
void ob2_verify_jws(ob_report *r, const ob_jwt *jwt, const ob_verify_opts *opts);

/* Verifies the hosted assertion at url (a legacy baked PNG's tEXt link). */
void ob2_verify_url(ob_report *r, const char *url, const ob_verify_opts *opts);

#endif
