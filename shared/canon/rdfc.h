/* rdfc: RDF datasets, strict N-Quads parsing, canonical N-Quads, and RDF
 * Dataset Canonicalization (RDFC-1.0, W3C REC 2024).
 *
 * A dataset interns its terms (each distinct term is stored once, in an
 * arena, with its canonical N-Quads form precomputed) and is a set: adding
 * a quad that is already present does nothing. */
#ifndef OB_RDFC_H
#define OB_RDFC_H

#include <stddef.h>

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

/* Parses N-Quads (UTF-8) and adds every quad to ds. Strict: malformed input
 * fails with OB_EPARSE and a message "nquads line L column C: ..." (column
 * in bytes, 1-based); quads before the bad line stay added. */
ob_code ob_rdf_parse_nquads(ob_rdf_dataset *ds, const char *text, size_t len,
			    ob_error *err);

/* Appends the dataset in canonical N-Quads form, one line per quad in the
 * order added (blank nodes keep their labels). */
int ob_rdf_serialize_nquads(const ob_rdf_dataset *ds, ob_buf *out);

typedef enum { OB_RDFC_SHA256 = 0, OB_RDFC_SHA384 } ob_rdfc_hash;

/* Work limit: Hash N-Degree Quads may run k^w times, k being the number of
 * blank nodes without a unique first-degree hash (rdf-canonize's
 * maxWorkFactor). 1 matches the eddsa-rdfc-2022 reference (rdf-canonize
 * 4.x); 3 accepts the whole W3C suite; OB_RDFC_UNLIMITED lifts the limit.
 * Permutations are budgeted too (OB_RDFC_PERM_BUDGET per allowed call, at
 * least OB_RDFC_PERM_MIN), so a poison graph fails in bounded time. */
#define OB_RDFC_WORK_FACTOR 1
#define OB_RDFC_UNLIMITED (-1)
#define OB_RDFC_PERM_BUDGET 1000u
#define OB_RDFC_PERM_MIN 100000u

/* Canonicalizes ds (RDFC-1.0 §4.4) with the given hash and work factor and
 * appends the canonical N-Quads document to out (sorted lines, each ending
 * "\n"). If map is not NULL, appends the issued identifiers map, one line
 * "label c14nN\n" per blank node in canonical order (labels without "_:").
 * Fails with OB_EINVALID "canonicalization work limit exceeded (N)" past the
 * work limit, OB_ENOMEM, or OB_ECRYPTO. out and map are left unchanged on
 * failure. */
ob_code ob_rdfc_canonize(const ob_rdf_dataset *ds, ob_rdfc_hash hash,
			 int work_factor, ob_buf *out, ob_buf *map,
			 ob_error *err);

/* ob_rdfc_canonize with every option: */
typedef struct {
	ob_rdfc_hash hash;
	int work_factor;
	int urdna2015; /* URDNA2015 output (Ed25519Signature2020): literals escape
			* only \" \\ \n \r, as rdf-canonize 3.x; that reference
			* has no work limit (OB_RDFC_UNLIMITED) */
} ob_rdfc_opts;

ob_code ob_rdfc_canonize_ex(const ob_rdf_dataset *ds, const ob_rdfc_opts *opts,
			    ob_buf *out, ob_buf *map, ob_error *err);

#endif
