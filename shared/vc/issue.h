/* issue: signing a credential document in one of the supported formats. */
#ifndef OB_ISSUE_H
#define OB_ISSUE_H

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "proof/keys.h"

typedef struct {
	const char *suite;               /* a suite name or "vc-jwt"; NULL: the default */
	const char *verification_method; /* NULL: the key's did:key method */
	const char *created;             /* proof created time; NULL: now */
	const char *proof_purpose;       /* NULL: assertionMethod */
	const char *challenge;           /* presentations */
	const char *domain;
	/* 1 for credentials the issuer builds (issue, --roster): sign them in
	 * the form the 1EdTech OB 3.0 JSON Schema wants (a single
	 * credentialStatus entry as an object, proof as an array even of
	 * one) and refuse an achievementType it rejects. 0 (sign,
	 * presentations): the document is signed as given and a first proof
	 * is an object, as in the suites' vectors. */
	int schema_form;
} ob_sign_opts;

/* The default suite of `issue` and `sign` for key (NULL: an Ed25519 key):
 * eddsa-rdfc-2022 (what 1EdTech certification accepts) when this build has
 * it, else eddsa-jcs-2022; ecdsa-rdfc-2019 for a P-256 or P-384 key. */
const char *ob_issue_default_suite(const ob_key *key);

/* Signs doc (changed in place for embedded proofs) and appends the
 * result to out: pretty JSON with a trailing newline, or the compact JWS
 * and a newline for "vc-jwt". */
ob_code ob_issue_sign(json_t *doc, const ob_key *key, const ob_sign_opts *opts,
		      ob_buf *out, ob_error *err);

/* 1 when type is an achievementType the OB 3.0 JSON Schema accepts
 * ($defs.Achievement.achievementType): one of its 31 values (Badge,
 * Certificate, Course, ...) or "ext:" and a name of letters, digits,
 * '.', '-' and '_' starting with a letter or digit. */
int ob_issue_achievement_type_ok(const char *type);

/* Comma-separated list of the values `suite` accepts. */
const char *ob_issue_suites(void);
/* 1 when name is a suite this build can sign with. */
int ob_issue_suite_known(const char *name);

#endif
