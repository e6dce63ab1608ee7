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
	/* evidence and result: each a list of entries separated by line
	 * feeds (a roster field), in the grammar of ob3_evidence_entry and
	 * ob3_result_entry; optional */
	const char *evidence;
	const char *id;          /* credential id; NULL: a new urn:uuid */
	const char *result;
	json_t *status;          /* credentialStatus (entry or array of
				  * entries), borrowed; NULL: none */
	/* more entries, one each (the CLI's repeated options; a narrative
	 * may hold line feeds here) */
	const char *const *evidence_v;
	size_t n_evidence;
	const char *const *result_v;
	size_t n_result;
	const char *awarded;     /* awardedDate, optional */
	int credential_schema;   /* 1: credentialSchema names the 1EdTech
				  * OB 3.0 JSON Schema (and @context gains
				  * the OB extensions context) */
} ob3_issue_opts;

/* Budgets: evidence and result entries per credential. */
#define OB3_MAX_EVIDENCE 64
#define OB3_MAX_RESULTS 64
/* Budget: result descriptions per achievement, levels per description. */
#define OB3_MAX_RESULT_DESCRIPTIONS 32
#define OB3_MAX_LEVELS 32

#define OB3_CTX_OB_EXT "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
#define OB3_SCHEMA_URL \
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

/* One Evidence object from "URL", "URL|NARRATIVE" or "|NARRATIVE" (split
 * at the first '|'; the narrative may hold '|' and line feeds). The URL
 * is an http(s) URL with a host or a data: URI. New object, or NULL
 * with err (OB_EUSAGE naming the entry). */
json_t *ob3_evidence_entry(const char *spec, ob_error *err);

/* One Result from "VALUE" (a plain value, no '=') or "RD=VALUE": RD names
 * one of achievement's resultDescription[] (its id, or the id's last part
 * after '#' or '/'). For a RubricCriterionLevel description VALUE names a
 * level (its id, the part after the description id and '.', or its name)
 * and becomes achievedLevel; for a Status description VALUE is a
 * ResultStatusType (Completed, ...) and becomes status; otherwise it is
 * the value, one of allowedValue[] when the description lists them and
 * within valueMin..valueMax when both are numbers. New object, or NULL
 * with err (OB_EUSAGE). */
json_t *ob3_result_entry(const json_t *achievement, const char *spec, ob_error *err);

/* Checks what ob3_build_credential would refuse in opts against
 * achievement (dates, evidence, results), without building anything. */
ob_code ob3_check_award(const json_t *achievement, const ob3_issue_opts *opts, ob_error *err);

/* A ResultDescription for the catalog from
 * "ID|NAME|TYPE[|VALUES[|REQUIRED]]": ID letters, digits, '-' and '_'
 * (its id becomes achievement_id#ID); TYPE a ResultType (LetterGrade,
 * Percent, RubricCriterionLevel, Status, ... or ext:NAME); VALUES, ';'
 * separated: for RubricCriterionLevel the levels, each LEVEL or
 * LEVEL=NAME (ids achievement_id#ID.LEVEL), for other types the allowed
 * values from low to high (none for Status); REQUIRED the level or value
 * needed to pass. New object, or NULL with err (OB_EUSAGE). */
json_t *ob3_result_description(const char *spec, const char *achievement_id, ob_error *err);

/* 1 when lang is a language code the OB 3.0 JSON Schema takes for
 * inLanguage (en, es, pt-BR, zh-Hant-TW, es-419). */
int ob3_language_ok(const char *lang);

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
