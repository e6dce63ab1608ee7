/* jsonld_int: what the parts of the JSON-LD processor share (jsonld.c,
 * jsonld_iri.c, jsonld_context.c, jsonld_expand.c, jsonld_tordf.c); not a
 * public interface. Functions shared between the parts are jl_<name>. */
#ifndef OB_JSONLD_INT_H
#define OB_JSONLD_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/obkit.h"
#include "canon/jsonld.h"

#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD_NS "http://www.w3.org/2001/XMLSchema#"
#define MAX_REMOTE 32 /* remote contexts in one chain: "context overflow" */
#define CACHE_BUCKETS 256
#define CACHE_MAX 4096
#define DCACHE_MAX_TERMS 65536 /* per document: a few MB at most */

enum { AL_ID, AL_TYPE, AL_VALUE };
#define AL_MAX 8

typedef struct ctx {
	int refs;
	json_t *terms;    /* term -> definition */
	char *base;       /* NULL: no base IRI */
	char *vocab;
	char *lang;       /* default language */
	char *dir;        /* default base direction */
	struct ctx *prev; /* previous context (type-scoped, non-propagated) */
	int protected_terms; /* some term is protected */
	int cached;       /* derived from cached contexts only: may key the cache */
	struct memo *memo;  /* cached contexts: key -> expanded IRI (or none) */
	struct memo *tmemo; /* the same for @type values (document-relative) */
	/* cached contexts: the terms that alias @id, @type and @value (AL_*),
	 * gathered when first asked (aliases 1; -1: too many to keep) */
	int aliases;
	const char *alias[3][AL_MAX + 1];
} ctx;

/* A memo of IRI expansions (open addressing): cheaper than a json_t
 * object for the lookup every key of every node makes. */
/* What expansion reads from a term definition, gathered in one pass. */
struct dinfo {
	const json_t *def;    /* NULL: no definition */
	const char *type;     /* "@type" */
	const json_t *lang;   /* "@language" (may be null) */
	const json_t *dir;    /* "@direction" (may be null) */
	const json_t *ctx;    /* "@context": the scoped context */
	const char *base;     /* "base": the scoped context's base URL */
	int cf;               /* "@container" as C_* flags */
	int reverse;          /* "reverse" */
};

struct ment {
	char *key; /* NULL: an empty slot */
	char *iri; /* NULL: the key expands to nothing */
	uint32_t hash, len;
	int abs;   /* iri is an absolute IRI */
	/* a key's definition as expansion reads it (jl_key_info), made when
	 * first asked; its own block, so it stays put when the table grows */
	struct dinfo *di;
	/* iri as a jansson string, made when first asked (jl_ment_js): the
	 * trees toRdf expands share it instead of copying the IRI */
	json_t *js;
};

struct memo {
	struct ment *tab;
	uint32_t mask, n;
};

#define MEMO_MAX 4096

/* toRdf's expansion writes a typed string value {"@value": v, "@type": T}
 * as the string JL_TYPED T NUL v, which toRdf reads as that literal; a
 * bare string (struct st) never starts with JL_TYPED (such a value keeps
 * its object). */
#define JL_TYPED '\x01'

/* The keywords expansion and toRdf dispatch on, as small numbers: one
 * switch instead of a chain of strcmp. */
enum {
	K_OTHER = 0, K_CONTAINER, K_CONTEXT, K_DIRECTION, K_GRAPH, K_ID, K_INCLUDED,
	K_INDEX, K_JSON, K_LANGUAGE, K_LIST, K_NEST, K_NONE, K_REVERSE, K_SET, K_TYPE,
	K_VALUE, K_VOCAB
};

/* strcmp(a, b) == 0 for the short tails of keywords, without a call */
static inline int eq(const char *a, const char *b)
{
	for (; *a == *b; a++, b++)
		if (!*a)
			return 1;
	return 0;
}

static inline int jl_kw_id(const char *k)
{
	if (k[0] != '@')
		return K_OTHER;
	switch (k[1]) {
	case 'c':
		return eq(k + 2, "ontainer") ? K_CONTAINER : eq(k + 2, "ontext") ? K_CONTEXT : K_OTHER;
	case 'd':
		return eq(k + 2, "irection") ? K_DIRECTION : K_OTHER;
	case 'g':
		return eq(k + 2, "raph") ? K_GRAPH : K_OTHER;
	case 'i':
		if (eq(k + 2, "d"))
			return K_ID;
		return eq(k + 2, "ncluded") ? K_INCLUDED : eq(k + 2, "ndex") ? K_INDEX : K_OTHER;
	case 'j':
		return eq(k + 2, "son") ? K_JSON : K_OTHER;
	case 'l':
		return eq(k + 2, "anguage") ? K_LANGUAGE : eq(k + 2, "ist") ? K_LIST : K_OTHER;
	case 'n':
		return eq(k + 2, "est") ? K_NEST : eq(k + 2, "one") ? K_NONE : K_OTHER;
	case 'r':
		return eq(k + 2, "everse") ? K_REVERSE : K_OTHER;
	case 's':
		return eq(k + 2, "et") ? K_SET : K_OTHER;
	case 't':
		return eq(k + 2, "ype") ? K_TYPE : K_OTHER;
	case 'v':
		return eq(k + 2, "alue") ? K_VALUE : eq(k + 2, "ocab") ? K_VOCAB : K_OTHER;
	}
	return K_OTHER;
}

static inline const json_t *term_def(const ctx *c, const char *term)
{
	return c && term ? json_object_get(c->terms, term) : NULL;
}

static inline const char *def_str(const json_t *def, const char *key)
{
	return json_string_value(json_object_get(def, key));
}

enum { C_LIST = 1, C_SET = 2, C_GRAPH = 4, C_ID = 8, C_INDEX = 16, C_LANGUAGE = 32, C_TYPE = 64 };

struct centry {
	ctx *parent;
	char *url;          /* remote context, or */
	json_t *local;      /* a local context (reference kept) */
	char *base_url;
	int flags;
	ctx *result;
	struct centry *next;
};

struct ob_jsonld {
	ob_loader *loader;
	ob_loader *own_loader; /* when none was given: the shipped contexts only */
	ob_jsonld_load_fn load;
	void *load_ctx;
	ctx *initial;       /* empty context for base NULL, shared by documents */
	struct centry *cache[CACHE_BUCKETS];
	size_t ncache;
	/* toRdf's expansion allocates its tree here (base/obkit.h); NULL
	 * until the first toRdf, or when out of memory (then malloc) */
	ob_arena *arena;
};

struct st {
	ob_jsonld *p;
	const ob_jsonld_opts *o;
	ob_error *err;
	int depth;
	int term_depth;   /* create_term calls under way (each needs another) */
	int scoped_depth; /* scoped contexts checked inside term definitions */
	size_t work;      /* terms defined and copied so far (the budget) */
	/* contexts derived from this document's own (which the processor
	 * does not keep): a type used by many nodes scopes its context once */
	struct centry *dcache[CACHE_BUCKETS];
	size_t dcache_terms;
	int mode_10;
	/* the local context being processed, for terms that IRI expansion
	 * defines out of order (§4.3 step 4 / 6.3) */
	const char *ctx_base_url;
	int ctx_protected;
	int ctx_override;
	json_t *ctx_remote;
	/* toRdf only: a node's property value {"@value": v} with no other
	 * entry may be v itself (bare), which toRdf reads alike; saves an
	 * object per literal. bare: the value now expanding may be bare;
	 * no_bare: inside @reverse, whose values are checked for value
	 * objects. */
	int rdf, bare, no_bare;
};

#define FAIL(s, ...) ob_fail((s)->err, OB_EPARSE, __VA_ARGS__)

/* Context processing's work (OB_JSONLD_MAX_WORK), in terms copied: a
 * shared context is copied before it changes, and defining a term costs
 * about 16 times copying one (measured). */
#define DEFINE_COST 16

static inline int is_bnode(const char *s)
{
	return s && s[0] == '_' && s[1] == ':';
}

/* The keys of obj, sorted (§5.1 step 13 walks them in order). */
#define KEYS_STACK 24

/* jsonld.c */
uint32_t jl_str_hash(const char *s, size_t *len);
const struct ment *jl_memo_get(const struct memo *m, const char *key, uint32_t h,
			       size_t klen);
const struct ment *jl_memo_put(struct memo **mp, const char *key, uint32_t h, size_t klen,
			       char *iri);
json_t *jl_ment_js(struct ment *m);
ctx *jl_ctx_new(const char *base);
ctx *jl_ctx_ref(ctx *c);
void jl_ctx_unref(ctx *c);
int jl_ctx_mut(ctx **c);
int jl_def_container(const json_t *def, const char *what);
void jl_dinfo_of(const json_t *def, struct dinfo *d);
json_t *jl_obj1(const char *k, json_t *v);
ob_code jl_vloss(int safe, ob_error *err, const char *fmt, va_list ap);
ob_code jl_data_loss(struct st *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
ob_code jl_nomem(struct st *s);
ctx *jl_cache_get(struct st *s, const ctx *parent, const char *url, const json_t *local,
		  const char *base_url, int flags);
void jl_cache_put(struct st *s, ctx *parent, const char *url, const json_t *local,
		  const char *base_url, int flags, ctx *result);
ob_code jl_charge(struct st *s, size_t n);
ob_code jl_enter(struct st *s);
json_t *jl_as_array(json_t *v); /* takes v */
void jl_sort_strs(const char **v, size_t n);
const char **jl_sorted_keys(const json_t *obj, size_t *n, const char **stack);
json_t *jl_key_value(const char *key);
void jl_keys_free(const char **keys, const char **stack);
int jl_is_value_obj(const json_t *v);
int jl_is_list_obj(const json_t *v);
json_t *jl_expand_doc(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o, int rdf,
		      ob_error *err);

/* jsonld_iri.c */
int jl_is_keyword(const char *s);
int jl_keyword_form(const char *s);
size_t jl_scheme_len(const char *s);
int jl_is_abs_iri(const char *s);
size_t jl_abs_iri_len(const char *s);
int jl_is_gen_delim(char c);
char *jl_iri_resolve(const char *base, const char *ref);
ob_code jl_expand_iri(struct st *s, ctx **active, const char *value, int doc_rel,
		      int vocab, const json_t *local, json_t *defined, char **out);
ob_code jl_key_iri(struct st *s, ctx *active, const char *key, char **out);
ob_code jl_vocab_iri_ref(struct st *s, ctx *active, const char *key, int doc_rel,
			 const char **out, char **own, int *abs);
ob_code jl_vocab_iri_js(struct st *s, ctx *active, const char *key, int doc_rel,
			const char **out, char **own, int *abs, json_t **js);
ob_code jl_key_info(struct st *s, ctx *active, const char *key, const char **out, char **own,
		    const struct dinfo **d, struct dinfo *buf);
ob_code jl_key_iri_ref(struct st *s, ctx *active, const char *key, const char **out,
		       char **own);

/* jsonld_context.c */
ob_code jl_create_term(struct st *s, ctx **active, const json_t *local, const char *term,
		       json_t *defined, const char *base_url, int protected_default,
		       int override_protected, json_t *remote);
ob_code jl_apply_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
		     int override_protected, int propagate, int cache_local);

/* jsonld_expand.c */
ob_code jl_expand(struct st *s, ctx *active, const char *prop, const json_t *elem,
		  const char *base_url, int from_map, json_t **out);

#endif
