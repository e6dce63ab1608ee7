/* ob3: the Open Badges 3.0 data model: building an AchievementCredential
 * and checking the fields the specification requires (ob3.md 1). */
#ifndef OB_OB3_H
#define OB_OB3_H

#include <time.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

#define OB3_CTX_VC2 "https://www.w3.org/ns/credentials/v2"
#define OB3_CTX_VC1 "https://www.w3.org/2018/credentials/v1"
#define OB3_CTX_OB "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

typedef struct {
	const char *recipient;   /* a DID/URI, or an e-mail address */
	const char *name;        /* the learner's name, optional */
	const char *valid_from;  /* NULL: now */
	const char *valid_until; /* optional */
	const char *evidence;    /* an evidence URL, optional */
	const char *id;          /* credential id; NULL: a new urn:uuid */
	const char *result;      /* a Result value ("A", "92"), optional */
	json_t *status;          /* credentialStatus (entry or array of
				  * entries), borrowed; NULL: none */
} ob3_issue_opts;

/* Builds an unsigned AchievementCredential from the issuer profile
 * (object with id, type, name, ...), an Achievement object and opts. An
 * e-mail recipient becomes a hashed IdentityObject: sha256 of the
 * lower-cased address followed by a fresh random salt. Returns a new
 * object, or NULL with err. */
json_t *ob3_build_credential(const json_t *profile, const json_t *achievement,
			     const ob3_issue_opts *opts, ob_error *err);

/* 1 when s looks like an e-mail address (local@domain, no ':'): such a
 * recipient becomes a hashed IdentityObject; anything else must be a
 * DID or URI (contain ':'). */
int ob3_is_email(const char *s);

/* A hashed e-mail IdentityObject (ob3.md 1): the lower-cased address and
 * a fresh random salt, never the address itself. New object, or NULL
 * with err. */
json_t *ob3_identity_object(const char *email, ob_error *err);

/* Appends a new random "urn:uuid:..." (UUID v4). */
ob_code ob3_new_uuid(ob_buf *out, ob_error *err);

/* Appends a new "urn:uuid:..." UUID v7 (RFC 9562: milliseconds since
 * the epoch, then 74 random bits): ids made in one run sort by time, so
 * a log indexed by id grows at its end instead of everywhere. */
ob_code ob3_new_uuid7(ob_buf *out, ob_error *err);

/* "sha256$" + hex(SHA-256(identity || salt)) into out. */
ob_code ob3_identity_hash(const char *identity, const char *salt, ob_buf *out, ob_error *err);

/* 1 when type (string or array) names an Open Badges credential. */
int ob3_is_openbadge(const json_t *cred);

/* Checks the fields OB 3.0 requires (schema `required`, AchievementSubject
 * and Achievement required members, id or identifier). OB_EINVALID naming
 * the first missing or wrong field, e.g. "missing required field
 * credentialSubject.achievement.name". */
ob_code ob3_check_required(const json_t *cred, ob_error *err);

/* The issuer's id (issuer string or issuer.id), borrowed; NULL if none. */
const char *ob3_issuer_id(const json_t *cred);
/* The first credentialSubject object, borrowed. */
const json_t *ob3_subject(const json_t *cred);

#endif
