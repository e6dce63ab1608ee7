/* sd_canon: the RDF side of selective disclosure (ecdsa-sd-2023,
 * ../shared/spec/ecdsa.md 3): a document's quads with skolem IRIs turned
 * back into blank nodes ("toDeskolemizedNQuads"), RDFC-1.0 over them with
 * the issued-identifier map, and canonical N-Quads whose blank nodes are
 * relabelled through a label map ("labelReplacementCanonicalize*"),
 * sorted. The relabelling is done on the quads' terms, after RDFC-1.0,
 * in this file (canon/ is not changed): the N-Quads text is never
 * rewritten. */
#ifndef OB_SD_CANON_H
#define OB_SD_CANON_H

#include <stddef.h>
#include <jansson.h>

#include "base/doc.h"
#include "base/err.h"

typedef struct sd_quads sd_quads;

/* Blank-node labels paired: from (a label in the quads) -> to. */
typedef struct {
	char *from;
	char *to;
} sd_label;

typedef struct {
	sd_label *v;
	size_t n;
} sd_labels;

void sd_labels_release(sd_labels *m);
/* to of from, or NULL. */
const char *sd_labels_get(const sd_labels *m, const char *from);
/* Appends (from, to), both copied. 0 or -1. */
int sd_labels_add(sd_labels *m, const char *from, const char *to);

/* Sorted, distinct N-Quads lines (each ending "\n"). */
typedef struct {
	char **v;
	size_t n;
} sd_lines;

void sd_lines_release(sd_lines *l);
/* Index of line in l (binary search), or -1. */
long sd_lines_find(const sd_lines *l, const char *line);

/* A JSON-LD processor for one operation: contexts come from the shipped
 * set, then loader (may be NULL, borrowed until sd_ld_free). The
 * shipped-context processor is reused from a small pool (thread-safe);
 * sd_ld_free gives it back. NULL when out of memory. */
typedef struct sd_ld sd_ld;
sd_ld *sd_ld_new(ob_loader *loader);
void sd_ld_free(sd_ld *ld);

/* toRdf of doc (safe mode, base null, rdfDirection i18n-datatype); with
 * deskolemize, IRIs starting OB_SD_SKOLEM_PREFIX become blank nodes (the
 * holder's and issuer's side; a verifier takes the document as it is).
 * doc NULL gives no quads. Returns a new sd_quads or NULL with err. */
sd_quads *sd_quads_from_json(sd_ld *ld, const json_t *doc, int deskolemize, ob_error *err);
void sd_quads_free(sd_quads *q);

/* RDFC-1.0 (SHA-256, the proof suites' work limit) of q: fills map with
 * input label -> canonical label ("c14nN"), in canonical order. */
ob_code sd_quads_canon_map(const sd_quads *q, sd_labels *map, ob_error *err);

/* q's N-Quads with each blank label relabelled through map (a label the
 * map lacks is an OB_EINVALID error naming it), sorted, duplicates
 * dropped. */
ob_code sd_quads_lines(const sd_quads *q, const sd_labels *map, sd_lines *out, ob_error *err);

#endif
