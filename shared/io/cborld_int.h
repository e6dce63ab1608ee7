/* cborld_int: what the CBOR-LD decoder (cborld.c) and encoder
 * (cborld_enc.c) share: term ids, loaded contexts and the stack of active
 * contexts, kept as cborld 4.3.4's Transformer keeps them (cborld.h). */
#ifndef OB_CBORLD_INT_H
#define OB_CBORLD_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cbor.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/doc.h"
#include "base/err.h"

#define CBLD_FIRST_TERM_ID 100
/* Number.MAX_SAFE_INTEGER: cborg writes integers up to it as integers */
#define CBLD_SAFE_MAX 9007199254740991.0
/* Active contexts on one stack (each lookup walks it). */
#define CBLD_MAX_STACK 128

/* One loaded context (Transformer._addContext): its terms' definitions,
 * the scoped contexts they carry, and the terms aliasing @id and @type. */
struct cbld_entry {
	json_t *ctx;
	json_t *terms, *scoped, *id_alias, *type_alias;
	struct cbld_entry *next; /* every entry, for freeing */
};

/* An active context: an entry on top of the one below. cborld copies the
 * lower context's terms into the new one unless the new context defines
 * the term or sets it to null; looking down the chain is the same. */
struct cbld_node {
	struct cbld_entry *e;
	const json_t *raw; /* the context as pushed: a URL (string) or an object */
	struct cbld_node *parent;
	struct cbld_node *next; /* every node, for freeing */
};

struct cbld_stack {
	struct cbld_node **v;
	size_t n, cap;
};

struct cbld_cache {
	const json_t *key; /* an object context, by identity */
	char *url;         /* or a context URL */
	struct cbld_entry *e;
};

struct cbld {
	ob_loader *loader;
	ob_error *err;
	json_t *term_ids; /* term -> id */
	char **terms;     /* (id - 100) / 2 -> term (borrowed from term_ids' keys' copies) */
	size_t nterms, cap_terms;
	struct cbld_cache cache[64];
	size_t ncache, loads, pushes;
	size_t out_bytes;
	struct cbld_entry *entries;
	struct cbld_node *nodes;
	json_t *owned; /* documents made here that nodes point into */
};

enum { CBLD_ALIAS_ID, CBLD_ALIAS_TYPE };

int cbld_init(struct cbld *s, ob_loader *loader, ob_error *err);
void cbld_release(struct cbld *s);

/* JavaScript's truthiness of a JSON value (null, false, 0, "" are false). */
int cbld_truthy(const json_t *v);
/* Compares two UTF-8 strings in UTF-16 code-unit order (Array.sort). */
int cbld_cmp(const char *a, const char *b);
/* Sorts an array of strings in place with cbld_cmp. */
void cbld_sort(const char **v, size_t n);
/* 1 for a JSON-LD keyword cborld knows (keywords.js). */
int cbld_is_keyword(const char *t);

/* The id of term, or -1. The term of an (even) id, or NULL. */
long cbld_term_id(const struct cbld *s, const char *term);
const char *cbld_id_term(const struct cbld *s, uint64_t id);

/* Stack operations. copy: a new stack holding the same nodes. */
int cbld_stack_copy(struct cbld *s, struct cbld_stack *dst, const struct cbld_stack *src);
void cbld_stack_free(struct cbld_stack *st);
struct cbld_node *cbld_top(const struct cbld_stack *st);
/* Pushes each context of contexts (a URL, an object, or an array of them;
 * nothing when it is JavaScript-false), loading it the first time. */
ob_code cbld_push(struct cbld *s, struct cbld_stack *st, const json_t *contexts);
/* Transformer._applyTypeScopedContexts: types is an array of strings. */
ob_code cbld_push_types(struct cbld *s, struct cbld_stack *st, const json_t *types);

/* Lookups in an active context (NULL: the empty one). */
const json_t *cbld_def(const struct cbld_node *n, const char *term);
const json_t *cbld_scoped(const struct cbld_node *n, const char *term);
int cbld_is_alias(const struct cbld_node *n, const char *term, int which);
/* The terms aliasing @type in n, "@type" first: a new array. */
json_t *cbld_type_terms(const struct cbld_node *n);
/* The expanded @type of a term definition (Transformer._getTermType),
 * written to out; 0 when there is none, 1 when there is, -1 on error. */
int cbld_term_type(struct cbld *s, const struct cbld_node *n, const json_t *def, ob_buf *out);

/* The context URL cborld's registry gives id, or NULL; and the reverse
 * (0 when url is not registered). */
const char *cbld_registry_url(uint64_t id);
uint64_t cbld_registry_id(const char *url);

/* Date codecs: the ISO 8601 text JavaScript's Date.toISOString gives for
 * ms since the epoch (0, or -1 out of Date's range). */
int cbld_iso(int64_t ms, char out[32]);

/* A JSON number as cborg writes it: a safe integer as the shortest
 * integer, any other number as the shortest float that holds it exactly.
 * A new item, or NULL when out of memory. */
cbor_item_t *cbld_number(double d);

#define CBLD_MULTIBASE "https://w3id.org/security#multibase"
#define CBLD_XSD_DATE "http://www.w3.org/2001/XMLSchema#date"
#define CBLD_XSD_DATETIME "http://www.w3.org/2001/XMLSchema#dateTime"

#endif
