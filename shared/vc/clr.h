/* clr: the Comprehensive Learner Record 2.0 (spec/clr2.md): bundling a
 * learner's signed credentials into one ClrCredential the CLR issuer
 * signs, and the CLR-specific shape checks the verifier runs. */
#ifndef OB_CLR_H
#define OB_CLR_H

#include <jansson.h>

#include "base/err.h"

#define OB_CLR_CTX "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

typedef struct {
	const char *recipient;  /* the learner: a DID/URI, or an e-mail address */
	const char *name;       /* the record's display name; NULL: made up */
	const char *learner;    /* the learner's name, optional */
	const char *valid_from; /* NULL: now */
	int partial;            /* 1: deliberately incomplete record */
} ob_clr_opts;

/* 1 when type names a ClrCredential. */
int ob_clr_is_clr(const json_t *cred);

/* Builds an unsigned ClrCredential issued by profile (object with id,
 * type, name) whose ClrSubject holds creds (borrowed; each a complete
 * signed credential: an object, or a compact VC-JWT string that goes in
 * as an EnvelopedVerifiableCredential) and the Achievement definitions
 * found in them. An e-mail recipient becomes a hashed IdentityObject, as
 * in OB 3.0. Returns a new object, or NULL with err. */
json_t *ob_clr_build(const json_t *profile, const json_t *const *creds, size_t ncreds,
		     const ob_clr_opts *opts, ob_error *err);

/* Checks the fields CLR 2.0 requires of a ClrCredential (name,
 * credentialSubject of type ClrSubject with 1..* verifiableCredential,
 * id or identifier, well-formed associations). OB_EINVALID naming the
 * first problem. */
ob_code ob_clr_check_required(const json_t *cred, ob_error *err);

/* The nested credentials (credentialSubject.verifiableCredential as an
 * array; a single object is wrapped), borrowed from cred, or NULL. *n
 * gets the count. */
const json_t *ob_clr_credentials(const json_t *cred, size_t *n);

#endif
