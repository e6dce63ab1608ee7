/* jsonld: JSON-LD 1.1 context processing, expansion and deserialization
 * to RDF (JSON-LD 1.1 Processing Algorithms and API, W3C REC 2020:
 * §4.1-4.3 context processing, §5.1-5.3 expansion, §8 toRdf).
 *
 * A processor (ob_jsonld) owns the context cache: every processed context
 * is immutable and remembered under (parent context, URL or local context
 * object, flags), so a batch of credentials on the same @context processes
 * each context document once. Remote contexts come only from a loader
 * callback (default: ob_loader_get, i.e. the --doc map and the contexts
 * compiled into obkit); anything else is "context not allowed: URL".
 *
 * Expanded form is a jansson json_t (the spec's data model). toRdf walks
 * it and emits RDF terms (ob_rdf_term, rdf.h): straight into a dataset for
 * RDFC-1.0 (ob_jsonld_to_dataset), or to a callback (ob_jsonld_quad_fn),
 * e.g. ob_jsonld_nquads_fn, which writes canonical N-Quads lines.
 *
 * Safe mode (VC-DI 1.0 §2.4.3 "data loss"): everything the algorithms
 * would silently drop is an OB_EINVALID error whose message starts with
 * "data loss: " and names the term or value.
 */
#ifndef OB_JSONLD_H
#define OB_JSONLD_H

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/doc.h"
#include "canon/rdf.h"

/* Nesting (expansion, toRdf, scoped and remote contexts) is refused past
 * this depth with OB_EPARSE "JSON-LD nesting deeper than N". */
#define OB_JSONLD_MAX_DEPTH 256

/* Budgets of context processing (OB_ELIMIT "over budget: ..." past them),
 * so a hostile @context fails cleanly instead of exhausting the stack:
 * - a term whose definition needs other terms (a compact IRI's prefix,
 *   its @type or @reverse, the terms of its scoped context) has them
 *   defined first, recursively: at most MAX_TERM_DEPTH definitions deep.
 *   The shipped contexts need 3, the W3C expand and toRdf suites 4;
 * - scoped contexts inside term definitions (checked when the term is
 *   defined, §4.2 step 21.3) nest at most MAX_SCOPED_DEPTH deep: shipped
 *   contexts 2, the W3C suites 3;
 * - an active context holds at most MAX_TERMS terms: the shipped
 *   contexts make at most 74 (every test and vector), the W3C suites 11;
 * - one expansion defines and copies at most MAX_WORK terms (a definition
 *   counts 16): every node whose type or property has a scoped context
 *   processes it again (once per document for each context it starts
 *   from), so this, not the input's size, bounds the time: under 0.3 s on
 *   the 2-core build machine. A verification uses at most 16,000. */
#define OB_JSONLD_MAX_TERM_DEPTH 64
#define OB_JSONLD_MAX_SCOPED_DEPTH 16
#define OB_JSONLD_MAX_TERMS 4096
#define OB_JSONLD_MAX_WORK 1000000

typedef struct ob_jsonld ob_jsonld;

/* Fetches a remote document: returns a borrowed JSON document that stays
 * valid while the processor lives, or NULL with err filled. */
typedef const json_t *(*ob_jsonld_load_fn)(void *ctx, const char *url, ob_error *err);

enum {
	OB_JSONLD_DIR_NONE = 0, /* @direction is data loss in safe mode, else dropped */
	OB_JSONLD_DIR_I18N,     /* rdfDirection i18n-datatype (eddsa-rdfc-2022) */
};

typedef struct {
	const char *base;   /* document base IRI; NULL for Data Integrity */
	int safe;           /* 1: data loss is an error (VC-DI); 0: drop as the spec does */
	int rdf_direction;  /* OB_JSONLD_DIR_* */
	int mode_10;        /* processingMode json-ld-1.0 */
	const json_t *expand_context; /* optional context applied first (tests) */
} ob_jsonld_opts;

/* Default options for credentials: base NULL, safe mode, i18n-datatype. */
void ob_jsonld_opts_init(ob_jsonld_opts *o);

/* New processor resolving remote contexts through loader (borrowed; may
 * be NULL: then only the compiled-in contexts). Free with ob_jsonld_free.
 * Returns NULL on out of memory. */
ob_jsonld *ob_jsonld_new(ob_loader *loader);

/* Replaces the document loader (test suites map their URLs to files). */
void ob_jsonld_set_loader(ob_jsonld *p, ob_jsonld_load_fn fn, void *ctx);

void ob_jsonld_free(ob_jsonld *p);

/* Number of processed contexts in the cache (for tests). */
size_t ob_jsonld_cache_size(const ob_jsonld *p);

/* Expands doc (API §5.1). Returns a new reference to the expanded array,
 * or NULL with err: OB_EPARSE for JSON-LD errors (message starts with the
 * spec's error code, e.g. "invalid IRI mapping: ..."), OB_EINVALID for
 * "data loss: ..." in safe mode, OB_ENET for "context not allowed: URL",
 * OB_ELIMIT "over budget: ..." for contexts past the budgets above,
 * OB_EUNSUPPORTED for features not implemented yet. */
json_t *ob_jsonld_expand(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
			 ob_error *err);

/* Receives one quad; g is NULL for the default graph. The terms are only
 * valid during the call. Return 0 to go on, nonzero to stop toRdf (it
 * then fails with OB_EUSAGE "quad callback failed" unless err is set). */
typedef int (*ob_jsonld_quad_fn)(void *ctx, const ob_rdf_term *s, const ob_rdf_term *p,
				 const ob_rdf_term *o, const ob_rdf_term *g);

/* Deserializes doc to RDF (API §8): expands it, then emits every quad
 * through fn (duplicates possible; a dataset should ignore them). Blank
 * nodes are labelled _:b0, _:b1... in document order. Errors as for
 * ob_jsonld_expand; in safe mode also a triple that would be dropped. */
ob_code ob_jsonld_to_rdf(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
			 ob_jsonld_quad_fn fn, void *fn_ctx, ob_error *err);

/* The same, adding every quad to ds (ob_rdf_dataset_add, whose errors
 * it returns), as RDFC-1.0 wants its input. */
ob_code ob_jsonld_to_dataset(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
			     ob_rdf_dataset *ds, ob_error *err);

/* Same, from an already expanded document. */
ob_code ob_jsonld_expanded_to_rdf(const json_t *expanded, const ob_jsonld_opts *o,
				  ob_jsonld_quad_fn fn, void *fn_ctx, ob_error *err);

/* An ob_jsonld_quad_fn whose ctx is an ob_buf *: appends the quad as a
 * canonical N-Quads line (ob_rdf_write_nquad). */
int ob_jsonld_nquads_fn(void *ctx, const ob_rdf_term *s, const ob_rdf_term *p,
			const ob_rdf_term *o, const ob_rdf_term *g);

#endif
