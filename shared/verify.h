/* verify: every check a verifier runs, producing one report
 * (ARCHITECTURE.md decision 2). Text, --json, the wallet's stored result
 * and later the web page are renderers of ob_report. */
#ifndef OB_VERIFY_H
#define OB_VERIFY_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "buf.h"
#include "err.h"
#include "keys.h"
#include "loader.h"
#include "registry.h"

typedef enum { OB_PASSED, OB_FAILED, OB_NOT_CHECKED } ob_outcome;
typedef enum { OB_VALID, OB_INVALID, OB_UNDECIDED } ob_verdict;

typedef struct {
	char *id;      /* "structure", "proof[0]", "key[0]", "issuer", "dates", ... */
	ob_outcome outcome;
	char *message; /* plain words */
	int blocking;  /* not checked, and that leaves the verdict open */
} ob_check;

typedef struct ob_report ob_report;

struct ob_report {
	ob_verdict verdict;
	const char *kind;   /* "credential", "clr", "presentation" or "vc-jwt" (static) */
	json_t *document;   /* the credential or presentation as parsed (owned) */
	char *jwt;          /* compact JWS when the input was one (owned) */
	/* summary, all owned, NULL when unknown */
	char *credential_id;
	char *issuer_id;
	char *issuer_name;
	char *achievement_name;
	char *learner;      /* subject id, name or hashed identifier kind */
	char *valid_from;
	char *valid_until;
	ob_check *checks;
	size_t nchecks;
	/* a presentation's embedded credentials, each verified on its own */
	ob_report **nested;
	size_t nnested;
};

typedef struct {
	time_t now;             /* evaluation time (0: the clock) */
	const char *challenge;  /* expected presentation challenge, or NULL */
	const char *domain;     /* expected presentation domain, or NULL */
	ob_loader *loader;      /* documents by URL; NULL: shipped ones only */
	const ob_key *jwt_key;  /* out-of-band key for a VC-JWT (--jwk), or NULL */
	const ob_registry *registries; /* known issuers (--registry), or NULL: no registry check */
} ob_verify_opts;

/* Verifies a credential, a presentation or a compact VC-JWT given as
 * bytes (sniffed). Never fails for a bad credential: that is the report's
 * verdict. Returns NULL (err filled) only when out of memory. */
ob_report *ob_verify_bytes(const char *data, size_t len, const ob_verify_opts *opts,
			   ob_error *err);
/* Same for an already parsed document (borrowed). */
ob_report *ob_verify_json(const json_t *doc, const ob_verify_opts *opts, ob_error *err);
void ob_report_free(ob_report *r);

/* 0 valid, 1 invalid, 3 undecided. */
int ob_report_exit_code(const ob_report *r);

/* The check that decided a verdict other than valid: the first failed
 * check (looking into nested credentials too), else the first blocking
 * "not checked" one; NULL for a valid report. Borrowed from r. */
const ob_check *ob_report_first_problem(const ob_report *r);
const char *ob_verdict_name(ob_verdict v);   /* "valid", "invalid", "undecided" */
const char *ob_outcome_name(ob_outcome o);   /* "passed", "failed", "not checked" */

/* Readable multi-line report. */
int ob_report_render_text(const ob_report *r, ob_buf *out);
/* New JSON object: {"verified": bool, "verdict", "kind", "summary": {...},
 * "checks": [{"id","outcome","message"}], "credentials": [...nested]}. */
json_t *ob_report_to_json(const ob_report *r);

#endif
