/* verify: every check a verifier runs, producing one report
 * (ARCHITECTURE.md decision 2). Text, --json, the wallet's stored result
 * and later the web page are renderers of ob_report. */
#ifndef OB_VERIFY_H
#define OB_VERIFY_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "proof/keys.h"
#include "io/loader.h"
#include "vc/registry.h"

typedef enum { OB_PASSED, OB_FAILED, OB_NOT_CHECKED } ob_outcome;
typedef enum { OB_VALID, OB_INVALID, OB_UNDECIDED } ob_verdict;

/* The separate questions an employer asks (README "What a verdict
 * means"). Every check answers one of them, or none ("registry",
 * "image", "credentials"). */
typedef enum {
	OB_DIM_NONE,
	OB_DIM_AUTHENTIC,   /* signed with a key bound to the issuer's identifier */
	OB_DIM_CURRENT,     /* dates and status */
	OB_DIM_CONFORMANT,  /* Open Badges 3.0 / CLR 2.0 shape: warnings unless --strict */
	OB_DIM_HOLDER,      /* presentations: the signer is each credential's subject;
			     * --recipient: the hashed e-mail is that address */
} ob_dim;
#define OB_NDIMS 5

/* What, besides the credential's own word, says who the issuer is. */
typedef enum {
	OB_IDENTITY_SELF,     /* nothing: the name is the issuer's own claim */
	OB_IDENTITY_DOMAIN,   /* a did:web or https issuer proved control of its domain */
	OB_IDENTITY_REGISTRY, /* a trusted registry or list names the issuer */
} ob_identity;

typedef struct {
	char *id;      /* "structure", "proof[0]", "key[0]", "issuer", "dates", ... */
	ob_outcome outcome;
	char *message; /* plain words */
	int blocking;  /* not checked, and that leaves the verdict open */
	ob_dim dim;    /* the question it answers */
} ob_check;

typedef struct ob_report ob_report;
typedef struct ob_display ob_display; /* vc/display.h */

struct ob_report {
	ob_verdict verdict;
	const char *kind;   /* "credential", "clr", "presentation", "vc-jwt" or
			     * "ob2" (an Open Badges 2.0 document, vc/ob2.h) (static) */
	json_t *document;   /* the credential or presentation as parsed (owned) */
	char *jwt;          /* compact JWS when the input was one (owned) */
	/* summary, all owned, NULL when unknown: what the document says */
	char *credential_id;
	char *issuer_id;
	char *issuer_name;  /* the issuer's own claim, never a fact */
	char *achievement_name;
	char *learner;      /* subject id, name or hashed identifier kind */
	char *valid_from;
	char *valid_until;
	/* who the issuer is (credentials), set when authentic */
	ob_identity identity;
	char *issuer_domain;   /* domain whose control the key proved, owned */
	char *registry_name;   /* registry listing the issuer, owned */
	char *registered_name; /* the name that registry gives, owned */
	int strict;            /* conformance errors decided the verdict too */
	ob_check *checks;
	size_t nchecks;
	/* a presentation's embedded credentials, each verified on its own */
	ob_report **nested;
	size_t nnested;
	/* what a Displayer shows besides the summary (image, description,
	 * criteria, evidence, ...) and the embedded endorsements, each
	 * verified on its own; owned, NULL when not filled */
	ob_display *display;
};

/* What a run (ob-verifier verify DIR) verifies once: status lists, keys;
 * shared by threads. */
typedef struct ob_verify_cache ob_verify_cache;

typedef struct {
	time_t now;             /* evaluation time (0: the clock) */
	const char *challenge;  /* expected presentation challenge, or NULL */
	const char *domain;     /* expected presentation domain, or NULL */
	ob_loader *loader;      /* documents by URL; NULL: shipped ones only */
	const ob_key *jwt_key;  /* out-of-band key for a VC-JWT (--jwk), or NULL */
	const ob_registry *registries; /* known issuers (--registry), or NULL: no registry check */
	const char *recipient;  /* e-mail address the learner says is theirs
				 * (--recipient), checked against hashed
				 * identifiers; or NULL */
	int strict;             /* conformance errors make the verdict invalid */
	int require_trusted;    /* a self-asserted issuer leaves the verdict
				 * undecided (--require-trusted-issuer) */
	int holder;             /* the holder's own check (ob-wallet add):
				 * proofs only a holder keeps (an
				 * ecdsa-sd-2023 base proof) are confirmed,
				 * not refused */
	ob_verify_cache *cache; /* what this run verified already, or
				 * NULL: each status entry fetches and
				 * verifies its list, each key is decoded */
} ob_verify_opts;

/* A new, empty cache for one run (ob-verifier verify DIR), or NULL when
 * out of memory. It keeps what the credentials of a run share: each status
 * list, fetched and verified once per URL (and nesting depth, challenge
 * and domain), and each did:key key, decoded once. Every report says what
 * it says without the cache. Only answers that cannot change within the
 * run are kept: a list that verified or was shown not to; a fetch that
 * failed or a list left undecided is tried again for the next credential,
 * as without the cache (a network failure may pass; the loader does not
 * keep failures either). The verdict on a list is that of its first use:
 * a list that expires during a run still counts as current for the rest
 * of it. Several threads may share one cache (with a loader each, or one
 * made safe to share); the loader's documents must outlive it. */
ob_verify_cache *ob_verify_cache_new(void);
void ob_verify_cache_free(ob_verify_cache *c);

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
 * check (looking into nested credentials too; a conformance error only
 * under --strict), else the first blocking "not checked" one; NULL for a
 * valid report. Borrowed from r. */
const ob_check *ob_report_first_problem(const ob_report *r);
const char *ob_verdict_name(ob_verdict v);   /* "valid", "invalid", "undecided" */
const char *ob_outcome_name(ob_outcome o);   /* "passed", "failed", "not checked" */

/* The outcome of one dimension (OB_DIM_CONFORMANT looks into nested
 * credentials too) and the check that explains it (borrowed, may be
 * NULL). OB_NOT_CHECKED when nothing answered it. */
ob_outcome ob_report_dimension(const ob_report *r, ob_dim d, const ob_check **why);
const char *ob_dim_name(ob_dim d);           /* "authentic", "current", ... */
const char *ob_identity_name(ob_identity i); /* "domain", "registry", "self-asserted" */

/* The one line an employer acts on, without a newline, e.g.
 * "VALID: issued by harbor.example.edu (domain verified)" or
 * "VALID signature; the issuer's identity is not verified: it calls
 * itself 'Harvard University'". Appends to out; -1 when out of memory. */
int ob_report_headline(const ob_report *r, ob_buf *out);

/* Readable multi-line report. */
int ob_report_render_text(const ob_report *r, ob_buf *out);
/* New JSON object: {"verified": bool, "verdict", "kind", "headline",
 * "authentic", "current", "conformant", "holder": {"outcome", "reason"},
 * "issuerIdentity": "domain" | "registry" | "self-asserted",
 * "issuerIdentityBasis", "summary": {...},
 * "checks": [{"id","outcome","message","dimension"}],
 * "credentials": [...nested],
 * "endorsements": [...each embedded endorsement's own report, with
 * "endorsed": where it sits]}. The summary also carries the Displayer's
 * fields when present (vc/display.h): "description", "image",
 * "imageDisplay" ("inline", "link", "none"), "criteria": {"narrative",
 * "id"}, "awardedDate", "evidence", "results", "alignments" (plain-words
 * strings), and an endorsement's "endorsement": {"name", "endorses",
 * "comment"}. */
json_t *ob_report_to_json(const ob_report *r);

#endif
