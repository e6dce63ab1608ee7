/* rdf: RDF terms, datasets and N-Quads: the one term type JSON-LD toRdf
 * (jsonld.h) emits and RDFC-1.0 (rdfc.h) canonicalizes, and the one
 * canonical N-Quads writer (RDFC-1.0 App. A) both use.
 *
 * A dataset interns its terms (each distinct term is stored once, in an
 * arena, with its canonical N-Quads form precomputed) and is a set: adding
 * a quad that is already present does nothing. */
#ifndef OB_RDF_H
#define OB_RDF_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

typedef struct ob_rdf_dataset ob_rdf_dataset;

typedef enum {
	OB_RDF_IRI = 1,  /* value: the absolute IRI */
	OB_RDF_BLANK,    /* value: the label without "_:" */
	OB_RDF_LITERAL   /* value: the lexical form (may hold NUL bytes) */
} ob_rdf_kind;

/* A term as handed to ob_rdf_dataset_add; all strings are borrowed and
 * copied. For literals, datatype NULL means xsd:string, and a non-NULL lang
 * (a BCP 47 tag, kept as given) makes the datatype rdf:langString. */
typedef struct {
	ob_rdf_kind kind;
	const char *value;
	size_t len;
	const char *datatype;
	const char *lang;
} ob_rdf_term;

#define OB_RDF_XSD_STRING "http://www.w3.org/2001/XMLSchema#string"
#define OB_RDF_LANGSTRING "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

/* Cap on one dataset: quads and total term bytes. */
/* Budgets (OB_ELIMIT past them): a large CLR is tens of thousands of
 * quads; 200,000 and 32 MiB of term text keep a dataset near 64 MB. */
#define OB_RDF_MAX_QUADS 200000u
#define OB_RDF_MAX_BYTES (32u * 1024 * 1024)

/* Returns an empty dataset (free with ob_rdf_dataset_free), or NULL when
 * out of memory. */
ob_rdf_dataset *ob_rdf_dataset_new(void);
void ob_rdf_dataset_free(ob_rdf_dataset *ds);

/* Number of distinct quads. */
size_t ob_rdf_dataset_size(const ob_rdf_dataset *ds);

/* Adds the quad (s p o g); g NULL is the default graph. The subject must be
 * an IRI or blank node, the predicate an IRI, the graph an IRI or blank
 * node; IRIs must be absolute and language tags well formed (OB_EUSAGE).
 * Duplicates are ignored. */
ob_code ob_rdf_dataset_add(ob_rdf_dataset *ds, const ob_rdf_term *s,
			   const ob_rdf_term *p, const ob_rdf_term *o,
			   const ob_rdf_term *g, ob_error *err);

/* The same in two steps, for a producer that meets the same terms again
 * and again (toRdf): ob_rdf_dataset_term checks t as ob_rdf_dataset_add
 * checks a term in that role and interns it, returning its index in ds
 * (OB_RDF_NONE on failure, with err as ob_rdf_dataset_add fills it); an
 * index may be used again in any role ob_rdf_role_ok allows its kind.
 * ob_rdf_dataset_add_ids adds the quad of indexes (g OB_RDF_NONE: the
 * default graph). */
#define OB_RDF_NONE UINT32_MAX
typedef enum { OB_RDF_SUBJECT, OB_RDF_PREDICATE, OB_RDF_OBJECT, OB_RDF_GRAPH } ob_rdf_role;
uint32_t ob_rdf_dataset_term(ob_rdf_dataset *ds, const ob_rdf_term *t, ob_rdf_role role,
			     ob_error *err);
int ob_rdf_role_ok(ob_rdf_kind kind, ob_rdf_role role);
ob_code ob_rdf_dataset_add_ids(ob_rdf_dataset *ds, uint32_t s, uint32_t p, uint32_t o,
			       uint32_t g, ob_error *err);

/* Parses N-Quads (UTF-8) and adds every quad to ds. Strict: malformed input
 * fails with OB_EPARSE and a message "nquads line L column C: ..." (column
 * in bytes, 1-based); quads before the bad line stay added. */
ob_code ob_rdf_parse_nquads(ob_rdf_dataset *ds, const char *text, size_t len,
			    ob_error *err);

/* Appends the dataset in canonical N-Quads form, one line per quad in the
 * order added (blank nodes keep their labels). */
int ob_rdf_serialize_nquads(const ob_rdf_dataset *ds, ob_buf *out);

/* Appends one canonical N-Quads line (RDFC-1.0 App. A, ending " .\n")
 * for the quad (s p o g), g NULL for the default graph, to b. The terms
 * are written as given (no checks; ob_rdf_dataset_add checks). Returns 0,
 * or -1 when out of memory. */
int ob_rdf_write_nquad(ob_buf *b, const ob_rdf_term *s, const ob_rdf_term *p,
		       const ob_rdf_term *o, const ob_rdf_term *g);

#endif
