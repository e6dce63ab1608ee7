/* display: what a Displayer shows of a credential beyond the verdict
 * (1EdTech OB 3.0 displayer certification, spec/endorsements.md 5):
 * image, description, criteria, awarded date, evidence, results and
 * alignments, and the credential's embedded endorsements (verified by
 * vc/endorse.h). Filled while a credential is verified; the renderers
 * (text, --json, the page, the wallet's show) read it. Everything here is
 * the document's own word: a claim unless the report is valid. */
#ifndef OB_DISPLAY_H
#define OB_DISPLAY_H

#include <stddef.h>
#include <jansson.h>

#include "base/buf.h"
#include "vc/verify.h"

/* Where an embedded endorsement sits. */
typedef enum {
	OB_ENDORSED_CREDENTIAL,  /* the credential's own endorsement[] */
	OB_ENDORSED_ISSUER,      /* the issuer Profile's */
	OB_ENDORSED_ACHIEVEMENT, /* credentialSubject.achievement's */
	OB_ENDORSED_CREATOR,     /* achievement.creator's */
	OB_ENDORSED_OTHER,       /* anywhere else ($..endorsement) */
} ob_endorsed;

struct ob_display {
	/* all owned, NULL when the document has none */
	char *description;  /* the achievement's, else the credential's */
	char *image;        /* achievement image id, else the credential's:
			     * a data: URI or a URL, as written */
	char *criteria;     /* achievement.criteria.narrative */
	char *criteria_url; /* achievement.criteria.id */
	char *awarded;      /* awardedDate */
	int endorsement;    /* the credential is an EndorsementCredential */
	char *name;         /* an endorsement's own name */
	char *endorses;     /* an endorsement's credentialSubject.id */
	char *comment;      /* its endorsementComment */
	json_t *evidence;   /* evidence[] (a reference into the document) */
	json_t *results;    /* credentialSubject.result[] */
	json_t *alignments; /* achievement.alignment[] */
	json_t *result_descriptions; /* achievement.resultDescription[], which
				      * results[] refer to */
	/* embedded endorsements, each verified on its own (owned) */
	ob_report **endorsements;
	ob_endorsed *where;
	size_t nendorsements;
};

/* A new display for cred (borrowed), or NULL when out of memory. */
ob_display *ob_display_new(const json_t *cred);

/* The same view of an Open Badges 2.0 assertion (spec/ob2.md) and its
 * BadgeClass, either NULL (a BadgeClass alone: assertion NULL): the
 * BadgeClass's description, criteria (a URL or a Criteria object) and
 * alignments, its image (else the assertion's), the assertion's evidence
 * (URLs or Evidence objects). NULL when out of memory. */
ob_display *ob_display_new_ob2(const json_t *assertion, const json_t *badge);

/* The view of an Open Badges 2.0 Endorsement (spec/endorsements.md 7):
 * what it endorses (claim.id) and its comment. NULL when out of memory. */
ob_display *ob_display_new_ob2_endorsement(const json_t *endorsement);
void ob_display_free(ob_display *d);

/* "credential", "issuer", "achievement", "achievement creator", "other" */
const char *ob_endorsed_name(ob_endorsed w);

/* How a page may show an image without fetching anything: inline for a
 * data:image/(png|jpeg|gif|webp|svg+xml) URI (base64 or not), as a link
 * for an https URL, not at all otherwise. */
typedef enum { OB_IMAGE_SHOW_NONE, OB_IMAGE_SHOW_INLINE, OB_IMAGE_SHOW_LINK } ob_image_show;
ob_image_show ob_display_image_kind(const char *image);

/* A short text for one item of evidence[], results[] or alignments[]
 * (e.g. "Capstone project: https://...", "achieved level Mastery",
 * "CCSS.ELA: https://..."), into out; -1 when out of memory. */
int ob_display_evidence(const json_t *ev, ob_buf *out);
int ob_display_result(const ob_display *d, const json_t *res, ob_buf *out);
int ob_display_alignment(const json_t *al, ob_buf *out);

#endif
