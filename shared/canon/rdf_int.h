/* rdf_int: the dataset's storage, shared by the RDF module (rdf.c) and the
 * canonicalizer (rdfc.c), and a fast way in for toRdf (jsonld_tordf.c);
 * not a public interface. */
#ifndef OB_RDF_INT_H
#define OB_RDF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "canon/rdf.h"

#define NONE UINT32_MAX
#define RECENT 128 /* direct-mapped cache of terms given to ob_rdf_dataset_add */

/* ---- dataset ---------------------------------------------------------- */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct term {
	const char *nt;    /* canonical N-Quads form, NUL-terminated */
	uint32_t nt_len;
	uint32_t hash;
	unsigned char kind;
	unsigned char ascii; /* nt has no byte >= 0x80 */
};

struct quad {
	uint32_t s, p, o, g; /* term indexes; g is NONE for the default graph */
};

struct ob_rdf_dataset {
	struct chunk *arena;
	size_t bytes;
	struct term *terms;
	uint32_t nterms, terms_cap;
	uint32_t *term_tab;  /* open addressing: term index + 1, 0 is empty */
	uint32_t term_mask;
	struct quad *quads;
	uint32_t nquads, quads_cap;
	uint32_t *quad_tab;  /* same for quads */
	uint32_t quad_mask;
	uint32_t recent[RECENT]; /* IRIs and blank nodes lately added: term index + 1 */
	ob_buf nt;           /* scratch for building a term's form */
	ob_buf val;          /* scratch for the parser's decoded values */
	ob_buf aux;
	/* first storage, in the same allocation: a credential's dataset (an
	 * Open Badge is about 100 quads, 150 terms and 12 KB of term text)
	 * needs no other */
	uint32_t term_tab0[512], quad_tab0[256];
	struct term terms0[256];
	struct quad quads0[128];
	size_t arena0_used;
	char arena0[16384];
};

/* ob_rdf_dataset_term for an IRI of len bytes (len > 0) that the caller
 * has checked is absolute and holds none of the bytes N-Quads escapes in
 * an IRI (jl_abs_iri_len tests exactly that): no checks and no escape
 * scan. An IRI may take any role. */
uint32_t ob_rdf_dataset_clean_iri(ob_rdf_dataset *ds, const char *v, size_t len, ob_error *err);

#endif
