/* jsonld: JSON-LD 1.1 context processing, expansion and toRdf.
 *
 * Section numbers cite JSON-LD 1.1 Processing Algorithms and API (W3C
 * REC 2020-07-16). Context processing and expansion follow the spec's
 * algorithms step by step; toRdf walks the expanded tree directly instead
 * of building the node map (§7.2): it yields the same set of quads (RDF
 * merges subjects that the node map would merge), with fewer copies.
 *
 * Active contexts (struct ctx) are reference counted and copy-on-write:
 * a context with more than one reference is never changed, so the cache
 * can key on context pointers (it keeps a reference to every key).
 * A term definition is a json_t object with the spec's entries under
 * their keyword names ("@id", "@type", "@container" (array), "@language",
 * "@direction", "@context", "@index", "@nest") plus "prefix", "protected",
 * "reverse" (booleans) and "base" (the scoped context's base URL).
 */
#include "canon/jsonld.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon/contexts.h"
#include "canon/jcs.h"

#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD_NS "http://www.w3.org/2001/XMLSchema#"
#define MAX_REMOTE 32 /* remote contexts in one chain: "context overflow" */
#define CACHE_BUCKETS 256
#define CACHE_MAX 4096
#define DCACHE_MAX_TERMS 65536 /* per document: a few MB at most */

/* ---- active contexts ------------------------------------------------ */

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
} ctx;

/* A memo of IRI expansions (open addressing): cheaper than a json_t
 * object for the lookup every key of every node makes. */
struct ment {
	char *key; /* NULL: an empty slot */
	char *iri; /* NULL: the key expands to nothing */
	uint32_t hash, len;
};

struct memo {
	struct ment *tab;
	uint32_t mask, n;
};

#define MEMO_MAX 4096

/* FNV-1a style over 8-byte words: table hashing, not security. */
static uint32_t str_hash(const char *s, size_t *len)
{
	size_t n = strlen(s), i, j;
	uint64_t h = 14695981039346656037ull ^ n, w;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 1099511628211ull;
		h ^= h >> 29;
	}
	if (i < n) {
		/* the tail byte by byte: a short memcpy into w, then loading
		 * w, stalls on store forwarding */
		for (w = 0, j = n; j > i; j--)
			w = w << 8 | (unsigned char)s[j - 1];
		h = (h ^ w) * 1099511628211ull;
	}
	*len = n;
	h ^= h >> 32;
	return (uint32_t)h;
}

static const struct ment *memo_get(const struct memo *m, const char *key, uint32_t h,
				   size_t klen)
{
	uint32_t i;

	if (!m)
		return NULL;
	for (i = h & m->mask; m->tab[i].key; i = (i + 1) & m->mask)
		if (m->tab[i].hash == h && m->tab[i].len == klen && !memcmp(m->tab[i].key, key, klen))
			return &m->tab[i];
	return NULL;
}

/* Remembers key -> iri, taking iri; returns the entry, or NULL (when full
 * or out of memory: iri is then still the caller's). */
static const struct ment *memo_put(struct memo **mp, const char *key, uint32_t h, size_t klen,
				   char *iri)
{
	struct memo *m = *mp;
	struct ment *e;
	uint32_t i;

	if (!m) {
		if (!(m = calloc(1, sizeof(*m))) || !(m->tab = calloc(16, sizeof(*m->tab)))) {
			free(m);
			return NULL;
		}
		m->mask = 15;
		*mp = m;
	}
	if (m->n >= MEMO_MAX)
		return NULL;
	if ((m->n + 1) * 2 > m->mask) {
		uint32_t nmask = m->mask * 2 + 1, j;
		struct ment *nt = calloc((size_t)nmask + 1, sizeof(*nt));

		if (!nt)
			return NULL;
		for (j = 0; j <= m->mask; j++) {
			if (!m->tab[j].key)
				continue;
			for (i = m->tab[j].hash & nmask; nt[i].key; i = (i + 1) & nmask)
				;
			nt[i] = m->tab[j];
		}
		free(m->tab);
		m->tab = nt;
		m->mask = nmask;
	}
	for (i = h & m->mask; m->tab[i].key; i = (i + 1) & m->mask)
		;
	e = &m->tab[i];
	if (!(e->key = malloc(klen + 1)))
		return NULL;
	memcpy(e->key, key, klen + 1);
	e->iri = iri;
	e->hash = h;
	e->len = (uint32_t)klen;
	m->n++;
	return e;
}

static void memo_free(struct memo *m)
{
	uint32_t i;

	if (!m)
		return;
	for (i = 0; i <= m->mask; i++) {
		free(m->tab[i].key);
		free(m->tab[i].iri);
	}
	free(m->tab);
	free(m);
}

static ctx *ctx_new(const char *base)
{
	ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->refs = 1;
	c->terms = json_object();
	if (!c->terms || (base && !(c->base = strdup(base)))) {
		json_decref(c->terms);
		free(c);
		return NULL;
	}
	return c;
}

static ctx *ctx_ref(ctx *c)
{
	if (c)
		c->refs++;
	return c;
}

static void ctx_unref(ctx *c)
{
	while (c && --c->refs == 0) {
		ctx *prev = c->prev;

		json_decref(c->terms);
		memo_free(c->memo);
		memo_free(c->tmemo);
		free(c->base);
		free(c->vocab);
		free(c->lang);
		free(c->dir);
		free(c);
		c = prev;
	}
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	return src && !(*dst = strdup(src)) ? -1 : 0;
}

static ctx *ctx_copy(const ctx *c)
{
	ctx *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->refs = 1;
	n->terms = json_object();
	if (!n->terms || json_object_update(n->terms, c->terms) ||
	    dup_opt(&n->base, c->base) || dup_opt(&n->vocab, c->vocab) ||
	    dup_opt(&n->lang, c->lang) || dup_opt(&n->dir, c->dir)) {
		ctx_unref(n);
		return NULL;
	}
	n->prev = ctx_ref(c->prev);
	n->protected_terms = c->protected_terms;
	return n;
}

/* Makes *c safe to change: copies it when it is shared. */
static int ctx_mut(ctx **c)
{
	ctx *n;

	if ((*c)->refs == 1)
		return 0;
	n = ctx_copy(*c);
	if (!n)
		return -1;
	ctx_unref(*c);
	*c = n;
	return 0;
}

/* The keywords expansion and toRdf dispatch on, as small numbers: one
 * switch instead of a chain of strcmp. */
enum {
	K_OTHER = 0, K_CONTAINER, K_CONTEXT, K_DIRECTION, K_GRAPH, K_ID, K_INCLUDED,
	K_INDEX, K_JSON, K_LANGUAGE, K_LIST, K_NEST, K_NONE, K_REVERSE, K_SET, K_TYPE,
	K_VALUE, K_VOCAB
};

/* strcmp(a, b) == 0 for the short tails of keywords, without a call */
static int eq(const char *a, const char *b)
{
	for (; *a == *b; a++, b++)
		if (!*a)
			return 1;
	return 0;
}

static int kw_id(const char *k)
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

static const json_t *term_def(const ctx *c, const char *term)
{
	return c && term ? json_object_get(c->terms, term) : NULL;
}

static const char *def_str(const json_t *def, const char *key)
{
	return json_string_value(json_object_get(def, key));
}

static int def_container(const json_t *def, const char *what)
{
	const json_t *a = json_object_get(def, "@container");
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v), what) == 0)
			return 1;
	return 0;
}

enum { C_LIST = 1, C_SET = 2, C_GRAPH = 4, C_ID = 8, C_INDEX = 16, C_LANGUAGE = 32, C_TYPE = 64 };

/* A container mapping (an array) as C_* flags. */
static int container_flags(const json_t *a)
{
	size_t i;
	json_t *v;
	int f = 0;

	json_array_foreach(a, i, v) {
		switch (kw_id(json_string_value(v))) {
		case K_LIST: f |= C_LIST; break;
		case K_SET: f |= C_SET; break;
		case K_GRAPH: f |= C_GRAPH; break;
		case K_ID: f |= C_ID; break;
		case K_INDEX: f |= C_INDEX; break;
		case K_LANGUAGE: f |= C_LANGUAGE; break;
		case K_TYPE: f |= C_TYPE; break;
		}
	}
	return f;
}

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

static void dinfo_of(const json_t *def, struct dinfo *d)
{
	const char *k;
	json_t *v;

	memset(d, 0, sizeof(*d));
	d->def = def;
	json_object_foreach((json_t *)def, k, v) {
		switch (kw_id(k)) {
		case K_TYPE: d->type = json_string_value(v); break;
		case K_LANGUAGE: d->lang = v; break;
		case K_DIRECTION: d->dir = v; break;
		case K_CONTEXT: d->ctx = v; break;
		case K_CONTAINER: d->cf = container_flags(v); break;
		case K_OTHER:
			if (eq(k, "reverse"))
				d->reverse = json_is_true(v);
			else if (eq(k, "base"))
				d->base = json_string_value(v);
			break;
		}
	}
}

/* {k: v}, taking v; NULL when out of memory. */
static json_t *obj1(const char *k, json_t *v)
{
	json_t *o;

	if (!v)
		return NULL;
	if (!(o = json_object())) {
		json_decref(v);
		return NULL;
	}
	if (json_object_set_new_nocheck(o, k, v)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- the processor and its cache ------------------------------------ */

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
	/* the last document toRdf expanded, freed when the next one starts:
	 * its many small blocks then feed that expansion straight from
	 * malloc's per-size caches (no large allocation in between merges
	 * them) */
	json_t *last;
};

static const json_t *default_load(void *c, const char *url, ob_error *err)
{
	ob_jsonld *p = c;
	ob_error lerr = { 0 };
	const json_t *doc;

	if (p->loader)
		doc = ob_loader_get(p->loader, url, &lerr);
	else
		doc = NULL;
	if (!doc) {
		if (lerr.code && lerr.code != OB_ENET)
			ob_fail(err, lerr.code, "%s", lerr.msg);
		else
			ob_fail(err, OB_ENET, "context not allowed: %s", url);
	}
	return doc;
}

void ob_jsonld_opts_init(ob_jsonld_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->safe = 1;
	o->rdf_direction = OB_JSONLD_DIR_I18N;
}

ob_jsonld *ob_jsonld_new(ob_loader *loader)
{
	ob_jsonld *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (!loader)
		loader = p->own_loader = ob_contexts_loader_new();
	p->loader = loader;
	p->load = default_load;
	p->load_ctx = p;
	p->initial = ctx_new(NULL);
	if (p->initial)
		p->initial->cached = 1;
	if (!p->initial || !p->loader) {
		ctx_unref(p->initial);
		ob_loader_free(p->own_loader);
		free(p);
		return NULL;
	}
	return p;
}

void ob_jsonld_set_loader(ob_jsonld *p, ob_jsonld_load_fn fn, void *c)
{
	p->load = fn ? fn : default_load;
	p->load_ctx = fn ? c : p;
}

static void centry_free(struct centry *e)
{
	ctx_unref(e->parent);
	ctx_unref(e->result);
	free(e->url);
	free(e->base_url);
	json_decref(e->local);
	free(e);
}

static void cache_clear(struct centry **tab);

void ob_jsonld_free(ob_jsonld *p)
{
	if (!p)
		return;
	cache_clear(p->cache);
	ctx_unref(p->initial);
	ob_loader_free(p->own_loader);
	json_decref(p->last);
	free(p);
}

size_t ob_jsonld_cache_size(const ob_jsonld *p)
{
	return p->ncache;
}

static int str_eq_opt(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static size_t cache_hash(const ctx *parent, const char *url, const json_t *local, int flags)
{
	size_t h = (size_t)(uintptr_t)parent * 31u + (size_t)(uintptr_t)local * 17u + (size_t)flags;
	const char *s;

	for (s = url; s && *s; s++)
		h = h * 33u + (unsigned char)*s;
	return (h ^ (h >> 11)) % CACHE_BUCKETS;
}

static ctx *cache_find(struct centry *const *tab, const ctx *parent, const char *url,
		       const json_t *local, const char *base_url, int flags)
{
	struct centry *e;

	for (e = tab[cache_hash(parent, url, local, flags)]; e; e = e->next)
		if (e->parent == parent && e->local == local && e->flags == flags &&
		    str_eq_opt(e->url, url) && str_eq_opt(e->base_url, base_url))
			return ctx_ref(e->result);
	return NULL;
}

static int cache_add(struct centry **tab, ctx *parent, const char *url, const json_t *local,
		     const char *base_url, int flags, ctx *result)
{
	struct centry *e = calloc(1, sizeof(*e));
	size_t h;

	if (!e)
		return -1;
	if (dup_opt(&e->url, url) || dup_opt(&e->base_url, base_url)) {
		free(e->url);
		free(e);
		return -1;
	}
	e->parent = ctx_ref(parent);
	e->local = json_incref((json_t *)local);
	e->flags = flags;
	e->result = ctx_ref(result);
	h = cache_hash(parent, url, local, flags);
	e->next = tab[h];
	tab[h] = e;
	return 0;
}

static void cache_clear(struct centry **tab)
{
	struct centry *e, *n;
	size_t i;

	for (i = 0; i < CACHE_BUCKETS; i++) {
		for (e = tab[i]; e; e = n) {
			n = e->next;
			centry_free(e);
		}
		tab[i] = NULL;
	}
}

/* ---- per-call state ---------------------------------------------------- */

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

/* Safe mode: a value the algorithms would drop is an error. */
static ob_code vloss(int safe, ob_error *err, const char *fmt, va_list ap)
{
	char msg[200];

	if (!safe)
		return OB_OK;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return ob_fail(err, OB_EINVALID, "data loss: %s", msg);
}

static ob_code data_loss(struct st *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static ob_code data_loss(struct st *s, const char *fmt, ...)
{
	va_list ap;
	ob_code rc;

	va_start(ap, fmt);
	rc = vloss(s->o->safe, s->err, fmt, ap);
	va_end(ap);
	return rc;
}

static ob_code nomem(struct st *s)
{
	return ob_fail(s->err, OB_ENOMEM, "out of memory");
}

/* The processor's cache holds what derives from cached contexts (the
 * remote ones), so it cannot fill up with per-document entries; what
 * derives from the document's own contexts is kept for this call only,
 * up to DCACHE_MAX_TERMS terms in all. Failures to remember are harmless. */
static ctx *cache_get(struct st *s, const ctx *parent, const char *url, const json_t *local,
		      const char *base_url, int flags)
{
	return cache_find(parent->cached ? s->p->cache : s->dcache, parent, url, local, base_url,
			  flags);
}

static void cache_put(struct st *s, ctx *parent, const char *url, const json_t *local,
		      const char *base_url, int flags, ctx *result)
{
	size_t n = json_object_size(result->terms);

	if (parent->cached) {
		if (s->p->ncache < CACHE_MAX &&
		    !cache_add(s->p->cache, parent, url, local, base_url, flags, result)) {
			result->cached = 1;
			s->p->ncache++;
		}
	} else if (s->dcache_terms + n <= DCACHE_MAX_TERMS &&
		   !cache_add(s->dcache, parent, url, local, base_url, flags, result)) {
		s->dcache_terms += n;
	}
}

/* Context processing's work (OB_JSONLD_MAX_WORK), in terms copied: a
 * shared context is copied before it changes, and defining a term costs
 * about 16 times copying one (measured). */
#define DEFINE_COST 16

static ob_code charge(struct st *s, size_t n)
{
	s->work += n;
	if (s->work > OB_JSONLD_MAX_WORK)
		return ob_fail(s->err, OB_ELIMIT, "over budget: JSON-LD contexts that define or "
			       "copy more than %d terms", OB_JSONLD_MAX_WORK);
	return OB_OK;
}

static ob_code enter(struct st *s)
{
	if (++s->depth > OB_JSONLD_MAX_DEPTH)
		return ob_fail(s->err, OB_EPARSE, "JSON-LD nesting deeper than %d",
			       OB_JSONLD_MAX_DEPTH);
	return OB_OK;
}

/* ---- IRIs --------------------------------------------------------------- */

static const char *const keywords[] = {
	"@base", "@container", "@context", "@default", "@direction", "@embed",
	"@explicit", "@graph", "@id", "@import", "@included", "@index", "@json",
	"@language", "@list", "@nest", "@none", "@omitDefault", "@prefix",
	"@preserve", "@propagate", "@protected", "@requireAll", "@reverse",
	"@set", "@type", "@value", "@version", "@vocab", NULL
};

static int is_keyword(const char *s)
{
	const char *const *k;

	if (!s || s[0] != '@' || s[1] < 'b' || s[1] > 'v')
		return 0;
	if (kw_id(s) != K_OTHER)
		return 1;
	for (k = keywords; *k; k++)
		if ((*k)[1] == s[1] && strcmp(*k, s) == 0)
			return 1;
	return 0;
}

/* "@" followed by one or more ALPHA (§4.2 step 5, "has the form of a keyword"). */
static int keyword_form(const char *s)
{
	if (!s || s[0] != '@' || !s[1])
		return 0;
	for (s++; *s; s++)
		if (!isalpha((unsigned char)*s))
			return 0;
	return 1;
}

static int is_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

static int is_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

static size_t scheme_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	if (!is_alpha(u[0]))
		return 0;
	for (i = 1; is_alpha(u[i]) || is_digit(u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.'; i++)
		;
	return u[i] == ':' ? i : 0;
}

/* Characters RFC 3987 excludes from an IRI: controls, space, backslash
 * and <>"{}|^` */
static const unsigned char iri_bad_tab[256] = {
	[0 ... 0x20] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['{'] = 1, ['}'] = 1,
	['|'] = 1, ['^'] = 1, ['`'] = 1, ['\\'] = 1,
};

static int iri_bad(unsigned char c)
{
	return iri_bad_tab[c];
}

/* A well-formed absolute IRI: scheme ":" and none of the characters
 * RFC 3987 excludes (jsonld.js checks only whitespace; the W3C suite's
 * tests tli12 and twf* want the others dropped too). */
static int is_abs_iri(const char *s)
{
	const unsigned char *q;

	if (!s || !scheme_len(s))
		return 0;
	for (q = (const unsigned char *)s; *q; q++)
		if (iri_bad(*q))
			return 0;
	return 1;
}

static int is_bnode(const char *s)
{
	return s && s[0] == '_' && s[1] == ':';
}

static int is_gen_delim(char c)
{
	return c && strchr(":/?#[]@", c) != NULL;
}

/* RFC 3986 5.2.4, in place (the output never overtakes the input). */
static void remove_dots(char *path)
{
	char *in = path, *out = path;

	while (*in) {
		if (strncmp(in, "../", 3) == 0) {
			in += 3;
		} else if (strncmp(in, "./", 2) == 0) {
			in += 2;
		} else if (strncmp(in, "/./", 3) == 0) {
			in += 2;
		} else if (strcmp(in, "/.") == 0) {
			in[1] = '\0';
		} else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0) {
			if (in[3] == '/') {
				in += 3;
			} else {
				in += 2;
				*in = '/';
			}
			while (out > path && *--out != '/')
				;
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0) {
			in += strlen(in);
		} else {
			do
				*out++ = *in++;
			while (*in && *in != '/');
		}
	}
	*out = '\0';
}

struct iri_parts {
	const char *scheme, *auth, *path, *query, *frag;
	size_t scheme_n, auth_n, path_n, query_n, frag_n;
	int has_auth, has_query, has_frag;
};

static void iri_split(const char *s, struct iri_parts *p)
{
	size_t n;

	memset(p, 0, sizeof(*p));
	if ((n = scheme_len(s)) != 0) {
		p->scheme = s;
		p->scheme_n = n;
		s += n + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		s += 2;
		p->has_auth = 1;
		p->auth = s;
		p->auth_n = strcspn(s, "/?#");
		s += p->auth_n;
	}
	p->path = s;
	p->path_n = strcspn(s, "?#");
	s += p->path_n;
	if (*s == '?') {
		p->has_query = 1;
		p->query = ++s;
		p->query_n = strcspn(s, "#");
		s += p->query_n;
	}
	if (*s == '#') {
		p->has_frag = 1;
		p->frag = s + 1;
		p->frag_n = strlen(s + 1);
	}
}

/* Resolves ref against base (RFC 3986 5.2.2); a new string or NULL. */
static char *iri_resolve(const char *base, const char *ref)
{
	struct iri_parts b, r;
	ob_buf out = OB_BUF_INIT, path = OB_BUF_INIT;
	char *res;

	if (!base)
		return strdup(ref);
	iri_split(base, &b);
	iri_split(ref, &r);
	if (r.scheme) {
		ob_buf_add(&out, r.scheme, r.scheme_n + 1);
		if (r.has_auth) {
			ob_buf_adds(&out, "//");
			ob_buf_add(&out, r.auth, r.auth_n);
		}
		ob_buf_add(&path, r.path, r.path_n);
	} else {
		ob_buf_add(&out, b.scheme, b.scheme ? b.scheme_n + 1 : 0);
		if (r.has_auth) {
			ob_buf_adds(&out, "//");
			ob_buf_add(&out, r.auth, r.auth_n);
			ob_buf_add(&path, r.path, r.path_n);
		} else {
			if (b.has_auth) {
				ob_buf_adds(&out, "//");
				ob_buf_add(&out, b.auth, b.auth_n);
			}
			if (r.path_n == 0) {
				ob_buf_add(&path, b.path, b.path_n);
				if (!r.has_query && b.has_query) {
					r.has_query = 1;
					r.query = b.query;
					r.query_n = b.query_n;
				}
			} else if (r.path[0] == '/') {
				ob_buf_add(&path, r.path, r.path_n);
			} else {
				/* RFC 3986 5.2.3 merge */
				const char *slash = NULL, *q;

				for (q = b.path; q < b.path + b.path_n; q++)
					if (*q == '/')
						slash = q;
				if (b.has_auth && b.path_n == 0)
					ob_buf_addc(&path, '/');
				else if (slash)
					ob_buf_add(&path, b.path, (size_t)(slash - b.path) + 1);
				ob_buf_add(&path, r.path, r.path_n);
			}
		}
	}
	ob_buf_addc(&path, '\0');
	if (path.oom) {
		ob_buf_release(&out);
		ob_buf_release(&path);
		return NULL;
	}
	/* 5.2.2: a reference without a path keeps the base path as it is */
	if (r.scheme || r.has_auth || r.path_n)
		remove_dots(path.data);
	ob_buf_adds(&out, path.data);
	if (r.has_query) {
		ob_buf_addc(&out, '?');
		ob_buf_add(&out, r.query, r.query_n);
	}
	if (r.has_frag) {
		ob_buf_addc(&out, '#');
		ob_buf_add(&out, r.frag, r.frag_n);
	}
	ob_buf_release(&path);
	if (out.oom) {
		ob_buf_release(&out);
		return NULL;
	}
	res = ob_buf_detach(&out, NULL);
	return res;
}

/* ---- context processing (§4.1, §4.2) and IRI expansion (§4.3) ---------- */

static ob_code process_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
			   json_t *remote, int override_protected, int propagate, int validate);
static ob_code create_term(struct st *s, ctx **active, const json_t *local, const char *term,
			   json_t *defined, const char *base_url, int protected_default,
			   int override_protected, json_t *remote);

/* §4.3 IRI Expansion. *out gets a new string, or NULL when value maps to
 * null (an explicitly null term, or a keyword-like string). local and
 * defined are given during context processing only. */
static ob_code expand_iri(struct st *s, ctx **active, const char *value, int doc_rel,
			  int vocab, const json_t *local, json_t *defined, char **out)
{
	const json_t *def, *d;
	const char *colon, *iri;
	ob_code rc;

	*out = NULL;
	if (is_keyword(value))
		goto same;
	if (keyword_form(value))
		return OB_OK;
	/* step 3 */
	if (local && json_object_get(local, value) &&
	    !json_is_true(json_object_get(defined, value))) {
		rc = create_term(s, active, local, value, defined, s->ctx_base_url, s->ctx_protected,
				 s->ctx_override, s->ctx_remote);
		if (rc)
			return rc;
	}
	def = term_def(*active, value);
	if (def) {
		/* step 4/5 */
		iri = def_str(def, "@id");
		if (iri && is_keyword(iri)) {
			*out = strdup(iri);
			return *out ? OB_OK : nomem(s);
		}
		if (vocab) {
			if (!iri)
				return OB_OK;
			*out = strdup(iri);
			return *out ? OB_OK : nomem(s);
		}
	}
	/* step 6: compact IRI or absolute IRI */
	colon = value[0] ? strchr(value + 1, ':') : NULL;
	if (colon) {
		size_t plen = (size_t)(colon - value);
		char pbuf[64];
		char *prefix = plen < sizeof(pbuf) ? memcpy(pbuf, value, plen) : strndup(value, plen);

		if (!prefix)
			return nomem(s);
		if (prefix == pbuf)
			pbuf[plen] = '\0';
		if (strcmp(prefix, "_") == 0 || strncmp(colon + 1, "//", 2) == 0) {
			if (prefix != pbuf)
				free(prefix);
			goto same;
		}
		if (local && json_object_get(local, prefix) &&
		    !json_is_true(json_object_get(defined, prefix))) {
			rc = create_term(s, active, local, prefix, defined, s->ctx_base_url,
					 s->ctx_protected, s->ctx_override, s->ctx_remote);
			if (rc) {
				if (prefix != pbuf)
					free(prefix);
				return rc;
			}
		}
		d = term_def(*active, prefix);
		if (prefix != pbuf)
			free(prefix);
		if (d && def_str(d, "@id") && json_is_true(json_object_get(d, "prefix"))) {
			ob_buf b = OB_BUF_INIT;

			ob_buf_adds(&b, def_str(d, "@id"));
			ob_buf_adds(&b, colon + 1);
			if (b.oom) {
				ob_buf_release(&b);
				return nomem(s);
			}
			*out = ob_buf_detach(&b, NULL);
			return OB_OK;
		}
		if (scheme_len(value))
			goto same;
	}
	/* step 7 */
	if (vocab && (*active)->vocab) {
		ob_buf b = OB_BUF_INIT;

		ob_buf_adds(&b, (*active)->vocab);
		ob_buf_adds(&b, value);
		if (b.oom) {
			ob_buf_release(&b);
			return nomem(s);
		}
		*out = ob_buf_detach(&b, NULL);
		return OB_OK;
	}
	/* step 8 */
	if (doc_rel && (*active)->base) {
		*out = iri_resolve((*active)->base, value);
		return *out ? OB_OK : nomem(s);
	}
same:
	*out = strdup(value);
	return *out ? OB_OK : nomem(s);
}

static const char *const def_keys[] = {
	"@id", "@reverse", "@container", "@context", "@direction", "@index",
	"@language", "@nest", "@prefix", "@protected", "@type", NULL
};

/* Definitions equal apart from "protected" (§4.2 step 27.1). */
static int same_def(const json_t *a, const json_t *b)
{
	json_t *x = json_copy((json_t *)a), *y = json_copy((json_t *)b);
	int eq;

	if (!x || !y) {
		json_decref(x);
		json_decref(y);
		return 0;
	}
	json_object_del(x, "protected");
	json_object_del(y, "protected");
	eq = json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return eq;
}

static ob_code set_new(struct st *s, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v))
		return nomem(s);
	return OB_OK;
}

/* A term for a message: at most 40 bytes, control characters as '?', so
 * the message stays one short line whatever the context holds. */
static const char *term_name(const char *term, char buf[48])
{
	size_t i;

	for (i = 0; term[i] && i < 40; i++)
		buf[i] = (unsigned char)term[i] < 0x20 || term[i] == 0x7f ? '?' : term[i];
	if (term[i])
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

/* §4.2 Create Term Definition. */
static ob_code define_term(struct st *s, ctx **active, const json_t *local, const char *term,
			   json_t *defined, const char *base_url, int protected_default,
			   int override_protected, json_t *remote)
{
	json_t *value = json_object_get(local, term), *def = NULL, *d, *v;
	const json_t *prev;
	json_t *prev_copy = NULL;
	int simple = 0;
	const char *key, *colon;
	char *iri = NULL;
	ob_code rc = OB_OK;

	/* step 1, 2 */
	d = json_object_get(defined, term);
	if (d)
		return json_is_true(d) ? OB_OK : FAIL(s, "cyclic IRI mapping: %s", term);
	if (!*term)
		return FAIL(s, "invalid term definition: empty term");
	if (json_object_set_new(defined, term, json_false()))
		return nomem(s);
	/* step 4 */
	if (strcmp(term, "@type") == 0 && !s->mode_10 && json_is_object(value)) {
		const char *k;
		json_t *x;
		int ok = json_object_size(value) > 0;

		json_object_foreach(value, k, x) {
			if (strcmp(k, "@container") == 0 && json_is_string(x) &&
			    strcmp(json_string_value(x), "@set") == 0)
				continue;
			if (strcmp(k, "@protected") == 0)
				continue;
			ok = 0;
		}
		if (!ok)
			return FAIL(s, "keyword redefinition: %s", term);
	} else if (is_keyword(term)) {
		return FAIL(s, "keyword redefinition: %s", term);
	} else if (keyword_form(term)) {
		if (json_object_set_new(defined, term, json_true()))
			return nomem(s);
		return data_loss(s, "reserved term '%s' ignored", term);
	}
	/* step 5, 6 */
	prev = json_object_get((*active)->terms, term);
	if (!prev && json_object_size((*active)->terms) >= OB_JSONLD_MAX_TERMS) {
		char nb[48];

		return ob_fail(s->err, OB_ELIMIT, "over budget: JSON-LD context with more than %d "
			       "terms (at term '%s')", OB_JSONLD_MAX_TERMS, term_name(term, nb));
	}
	rc = charge(s, DEFINE_COST + ((*active)->refs > 1 ? json_object_size((*active)->terms) : 0));
	if (rc)
		return rc;
	if (prev && !(prev_copy = json_incref((json_t *)prev)))
		return nomem(s);
	if (ctx_mut(active)) {
		rc = nomem(s);
		goto out;
	}
	json_object_del((*active)->terms, term);
	def = json_object();
	if (!def) {
		rc = nomem(s);
		goto out;
	}
	/* step 7-9 */
	if (json_is_null(value)) {
		value = NULL;
		rc = set_new(s, def, "@id", json_null());
		if (!rc && protected_default) {
			rc = set_new(s, def, "protected", json_true());
			(*active)->protected_terms = 1;
		}
		if (rc)
			goto out;
		goto container_done; /* null mapping: nothing else applies */
	} else if (json_is_string(value)) {
		simple = 1;
	} else if (!json_is_object(value)) {
		rc = FAIL(s, "invalid term definition: %s", term);
		goto out;
	}
	/* step 11 */
	v = json_is_object(value) ? json_object_get(value, "@protected") : NULL;
	if (v && (!json_is_boolean(v) || s->mode_10)) {
		rc = FAIL(s, "invalid @protected value: %s", term);
		goto out;
	}
	if (v ? json_is_true(v) : protected_default) {
		if ((rc = set_new(s, def, "protected", json_true())))
			goto out;
		(*active)->protected_terms = 1;
	}
	if (json_is_object(value)) {
		json_object_foreach(value, key, v) {
			const char *const *k;

			for (k = def_keys; *k && strcmp(*k, key); k++)
				;
			if (!*k) {
				rc = FAIL(s, "invalid term definition: %s has %s", term, key);
				goto out;
			}
		}
	}
	/* step 12: @type */
	v = json_is_object(value) ? json_object_get(value, "@type") : NULL;
	if (v) {
		if (!json_is_string(v)) {
			rc = FAIL(s, "invalid type mapping: %s", term);
			goto out;
		}
		rc = expand_iri(s, active, json_string_value(v), 0, 1, local, defined, &iri);
		if (rc)
			goto out;
		if (!iri || (strcmp(iri, "@id") && strcmp(iri, "@vocab") &&
			     ((strcmp(iri, "@json") && strcmp(iri, "@none")) || s->mode_10) &&
			     (!is_abs_iri(iri)))) {
			rc = FAIL(s, "invalid type mapping: %s", term);
			goto out;
		}
		rc = set_new(s, def, "@type", json_string(iri));
		free(iri);
		iri = NULL;
		if (rc)
			goto out;
	}
	/* step 13: @reverse */
	v = json_is_object(value) ? json_object_get(value, "@reverse") : NULL;
	if (v) {
		if (json_object_get(value, "@id") || json_object_get(value, "@nest")) {
			rc = FAIL(s, "invalid reverse property: %s", term);
			goto out;
		}
		if (!json_is_string(v)) {
			rc = FAIL(s, "invalid IRI mapping: %s", term);
			goto out;
		}
		if (keyword_form(json_string_value(v))) {
			json_object_set_new(defined, term, json_true());
			goto out_ignore;
		}
		rc = expand_iri(s, active, json_string_value(v), 0, 1, local, defined, &iri);
		if (rc)
			goto out;
		if (!iri || !strchr(iri, ':')) {
			rc = FAIL(s, "invalid IRI mapping: %s", term);
			goto out;
		}
		if ((rc = set_new(s, def, "@id", json_string(iri))) ||
		    (rc = set_new(s, def, "reverse", json_true())))
			goto out;
		free(iri);
		iri = NULL;
		v = json_object_get(value, "@container");
		if (v && !json_is_null(v) &&
		    (!json_is_string(v) || (strcmp(json_string_value(v), "@set") &&
					    strcmp(json_string_value(v), "@index")))) {
			rc = FAIL(s, "invalid reverse property: %s", term);
			goto out;
		}
		goto id_done;
	}
	/* step 14: @id */
	v = simple ? value : json_object_get(value, "@id");
	if (v && !(json_is_string(v) && strcmp(json_string_value(v), term) == 0)) {
		if (json_is_null(v)) {
			if ((rc = set_new(s, def, "@id", json_null())))
				goto out;
			goto id_done;
		}
		if (!json_is_string(v)) {
			rc = FAIL(s, "invalid IRI mapping: %s", term);
			goto out;
		}
		if (!is_keyword(json_string_value(v)) && keyword_form(json_string_value(v))) {
			json_object_set_new(defined, term, json_true());
			goto out_ignore;
		}
		rc = expand_iri(s, active, json_string_value(v), 0, 1, local, defined, &iri);
		if (rc)
			goto out;
		if (!iri || (!is_keyword(iri) && !strchr(iri, ':'))) {
			rc = FAIL(s, "invalid IRI mapping: %s", term);
			goto out;
		}
		if (strcmp(iri, "@context") == 0) {
			rc = FAIL(s, "invalid keyword alias: %s", term);
			goto out;
		}
		/* step 14.2.4: a term that looks like an IRI must expand to itself */
		if (strchr(term + 1, ':') || strchr(term, '/')) {
			char *self = NULL;

			if (json_object_set_new(defined, term, json_true())) {
				rc = nomem(s);
				goto out;
			}
			rc = expand_iri(s, active, term, 0, 1, local, defined, &self);
			if (!rc && (!self || strcmp(self, iri)))
				rc = FAIL(s, "invalid IRI mapping: %s", term);
			free(self);
			if (rc)
				goto out;
		}
		/* step 14.2.5: the prefix flag */
		if (!strchr(term, ':') && !strchr(term, '/') && simple &&
		    (is_gen_delim(iri[strlen(iri) - 1]) || is_bnode(iri)))
			if ((rc = set_new(s, def, "prefix", json_true())))
				goto out;
		rc = set_new(s, def, "@id", json_string(iri));
		free(iri);
		iri = NULL;
		if (rc)
			goto out;
	} else if ((colon = strchr(term + 1, ':')) != NULL) {
		/* step 15: compact IRI or absolute IRI term */
		char *prefix = strndup(term, (size_t)(colon - term));
		const json_t *pd;

		if (!prefix) {
			rc = nomem(s);
			goto out;
		}
		if (json_object_get(local, prefix))
			rc = create_term(s, active, local, prefix, defined, base_url,
					 protected_default, override_protected, remote);
		pd = term_def(*active, prefix);
		free(prefix);
		if (rc)
			goto out;
		if (pd && def_str(pd, "@id")) {
			ob_buf b = OB_BUF_INIT;

			ob_buf_adds(&b, def_str(pd, "@id"));
			ob_buf_adds(&b, colon + 1);
			rc = b.oom ? nomem(s) : set_new(s, def, "@id", json_string(b.data));
			ob_buf_release(&b);
		} else {
			rc = set_new(s, def, "@id", json_string(term));
		}
		if (rc)
			goto out;
	} else if (strchr(term, '/')) {
		/* step 16: relative IRI term */
		rc = expand_iri(s, active, term, 0, 1, NULL, NULL, &iri);
		if (rc)
			goto out;
		if (!iri || !strchr(iri, ':')) {
			rc = FAIL(s, "invalid IRI mapping: %s", term);
			goto out;
		}
		rc = set_new(s, def, "@id", json_string(iri));
		free(iri);
		iri = NULL;
		if (rc)
			goto out;
	} else if (strcmp(term, "@type") == 0) {
		if ((rc = set_new(s, def, "@id", json_string("@type"))))
			goto out;
	} else if ((*active)->vocab) {
		ob_buf b = OB_BUF_INIT;

		ob_buf_adds(&b, (*active)->vocab);
		ob_buf_adds(&b, term);
		rc = b.oom ? nomem(s) : set_new(s, def, "@id", json_string(b.data));
		ob_buf_release(&b);
		if (rc)
			goto out;
	} else {
		rc = FAIL(s, "invalid IRI mapping: %s", term);
		goto out;
	}
id_done:
	/* step 19: @container */
	v = json_is_object(value) ? json_object_get(value, "@container") : NULL;
	if (v) {
		json_t *arr = json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
		size_t i, n;
		json_t *c;
		int has_graph = 0, has_set = 0, has_list = 0, has_other = 0, has_idx = 0;

		if (!arr) {
			rc = FAIL(s, "invalid container mapping: %s", term);
			goto out;
		}
		n = json_array_size(arr);
		json_array_foreach(arr, i, c) {
			const char *cs = json_string_value(c);

			if (!cs)
				break;
			if (strcmp(cs, "@graph") == 0)
				has_graph = 1;
			else if (strcmp(cs, "@set") == 0)
				has_set = 1;
			else if (strcmp(cs, "@list") == 0)
				has_list = 1;
			else if (strcmp(cs, "@id") == 0 || strcmp(cs, "@index") == 0)
				has_idx++;
			else if (strcmp(cs, "@language") == 0 || strcmp(cs, "@type") == 0)
				has_other++;
			else
				break;
		}
		if (i < n || n == 0 || (has_list && n > 1) ||
		    (s->mode_10 && (n > 1 || has_graph || json_is_array(v) ||
				    (n == 1 && (strcmp(json_string_value(json_array_get(arr, 0)), "@id") == 0 ||
						strcmp(json_string_value(json_array_get(arr, 0)), "@type") == 0)))) ||
		    (has_graph && (has_other || has_list)) || has_idx + has_other > 1 ||
		    (has_idx > 1)) {
			json_decref(arr);
			rc = FAIL(s, "invalid container mapping: %s", term);
			goto out;
		}
		(void)has_set;
		if ((rc = set_new(s, def, "@container", arr)))
			goto out;
		if (def_container(def, "@type")) {
			const char *t = def_str(def, "@type");

			if (!t) {
				if ((rc = set_new(s, def, "@type", json_string("@id"))))
					goto out;
			} else if (strcmp(t, "@id") && strcmp(t, "@vocab")) {
				rc = FAIL(s, "invalid type mapping: %s", term);
				goto out;
			}
		}
	}
	/* step 20: @index */
	v = json_is_object(value) ? json_object_get(value, "@index") : NULL;
	if (v) {
		if (s->mode_10 || !def_container(def, "@index") || !json_is_string(v) ||
		    json_string_value(v)[0] == '@') {
			rc = FAIL(s, "invalid term definition: %s", term);
			goto out;
		}
		if ((rc = set_new(s, def, "@index", json_incref(v))))
			goto out;
	}
	/* step 21: scoped context (validated when applied) */
	v = json_is_object(value) ? json_object_get(value, "@context") : NULL;
	if (v) {
		if (s->mode_10) {
			rc = FAIL(s, "invalid term definition: %s", term);
			goto out;
		}
		if (!json_is_null(v) && !json_is_object(v) && !json_is_array(v) && !json_is_string(v)) {
			rc = FAIL(s, "invalid scoped context: %s", term);
			goto out;
		}
		/* step 21.3: the scoped context must process (remote contexts
		 * already being processed are skipped) */
		{
			ob_error verr = { 0 }, *saved = s->err;
			json_t *rcopy;
			ctx *tmp;
			char nb[48];

			if (s->scoped_depth >= OB_JSONLD_MAX_SCOPED_DEPTH) {
				rc = ob_fail(s->err, OB_ELIMIT, "over budget: JSON-LD scoped contexts "
					     "nested more than %d deep (at term '%s')",
					     OB_JSONLD_MAX_SCOPED_DEPTH, term_name(term, nb));
				goto out;
			}
			rcopy = remote ? json_copy(remote) : json_array();
			tmp = ctx_ref(*active);
			s->err = &verr;
			s->scoped_depth++;
			rc = rcopy ? process_ctx(s, &tmp, v, base_url, rcopy, 1, 1, 0) : nomem(s);
			s->scoped_depth--;
			s->err = saved;
			ctx_unref(tmp);
			json_decref(rcopy);
			if (rc == OB_ENOMEM || rc == OB_ELIMIT) {
				rc = ob_fail(s->err, rc, "%s", rc == OB_ENOMEM ? "out of memory" : verr.msg);
				goto out;
			}
			if (rc) {
				rc = FAIL(s, "invalid scoped context: %s: %s", term, verr.msg);
				goto out;
			}
		}
		if ((rc = set_new(s, def, "@context", json_incref(v))) ||
		    (base_url && (rc = set_new(s, def, "base", json_string(base_url)))))
			goto out;
	}
	/* step 22, 23: @language, @direction */
	v = json_is_object(value) ? json_object_get(value, "@language") : NULL;
	if (v && !json_object_get(value, "@type")) {
		if (!json_is_null(v) && !json_is_string(v)) {
			rc = FAIL(s, "invalid language mapping: %s", term);
			goto out;
		}
		if ((rc = set_new(s, def, "@language", json_incref(v))))
			goto out;
	}
	v = json_is_object(value) ? json_object_get(value, "@direction") : NULL;
	if (v && !json_object_get(value, "@type")) {
		if (!json_is_null(v) && (!json_is_string(v) ||
					 (strcmp(json_string_value(v), "ltr") &&
					  strcmp(json_string_value(v), "rtl")))) {
			rc = FAIL(s, "invalid base direction: %s", term);
			goto out;
		}
		if ((rc = set_new(s, def, "@direction", json_incref(v))))
			goto out;
	}
	/* step 24: @nest */
	v = json_is_object(value) ? json_object_get(value, "@nest") : NULL;
	if (v) {
		if (s->mode_10 || !json_is_string(v) ||
		    (is_keyword(json_string_value(v)) && strcmp(json_string_value(v), "@nest"))) {
			rc = FAIL(s, "invalid @nest value: %s", term);
			goto out;
		}
		if ((rc = set_new(s, def, "@nest", json_incref(v))))
			goto out;
	}
	/* step 25: @prefix */
	v = json_is_object(value) ? json_object_get(value, "@prefix") : NULL;
	if (v) {
		if (s->mode_10 || strchr(term, ':') || strchr(term, '/')) {
			rc = FAIL(s, "invalid term definition: %s", term);
			goto out;
		}
		if (!json_is_boolean(v)) {
			rc = FAIL(s, "invalid @prefix value: %s", term);
			goto out;
		}
		if (json_is_true(v) && def_str(def, "@id") && is_keyword(def_str(def, "@id"))) {
			rc = FAIL(s, "invalid term definition: %s", term);
			goto out;
		}
		if ((rc = set_new(s, def, "prefix", json_incref(v))))
			goto out;
	}
container_done:
	/* step 27: protected terms may only be redefined identically */
	if (!override_protected && prev && json_is_true(json_object_get(prev, "protected"))) {
		if (!same_def(def, prev)) {
			rc = FAIL(s, "protected term redefinition: %s", term);
			goto out;
		}
		json_decref(def);
		def = json_incref(prev_copy);
	}
	if (json_object_set(( *active)->terms, term, def) ||
	    json_object_set_new(defined, term, json_true()))
		rc = nomem(s);
	goto out;
out_ignore:
	rc = data_loss(s, "term '%s' maps to a reserved keyword form", term);
out:
	free(iri);
	json_decref(def);
	json_decref(prev_copy);
	return rc;
}

/* Each term a definition needs (a compact IRI's prefix, its @type, the
 * terms of a scoped context) is defined first, recursively: the depth of
 * that recursion is bounded so a chain of terms cannot exhaust the stack. */
static ob_code create_term(struct st *s, ctx **active, const json_t *local, const char *term,
			   json_t *defined, const char *base_url, int protected_default,
			   int override_protected, json_t *remote)
{
	ob_code rc;
	char nb[48];

	if (s->term_depth >= OB_JSONLD_MAX_TERM_DEPTH)
		return ob_fail(s->err, OB_ELIMIT, "over budget: JSON-LD context too deep: term '%s' "
			       "needs a chain of more than %d term definitions",
			       term_name(term, nb), OB_JSONLD_MAX_TERM_DEPTH);
	s->term_depth++;
	rc = define_term(s, active, local, term, defined, base_url, protected_default,
			 override_protected, remote);
	s->term_depth--;
	return rc;
}

static int json_array_has_str(const json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* §4.1 step 5.2: a remote context, through the loader and the cache. */
static ob_code remote_ctx(struct st *s, ctx **result, const char *ref, const char *base_url,
			  json_t *remote, int validate)
{
	char *url = NULL;
	const json_t *doc, *lc;
	ctx *r = NULL;
	ob_code rc = OB_OK;

	url = base_url ? iri_resolve(base_url, ref) : strdup(ref);
	if (!url)
		return nomem(s);
	if (!validate && json_array_has_str(remote, url))
		goto out;
	if (json_array_size(remote) >= MAX_REMOTE) {
		rc = FAIL(s, "context overflow: %s", url);
		goto out;
	}
	if (json_array_append_new(remote, json_string(url))) {
		rc = nomem(s);
		goto out;
	}
	r = cache_get(s, *result, url, NULL, NULL, validate);
	if (r) {
		ctx_unref(*result);
		*result = r;
		goto out;
	}
	if (!is_abs_iri(url)) {
		rc = ob_fail(s->err, OB_ENET, "context not allowed: %s", url);
		goto out;
	}
	doc = s->p->load(s->p->load_ctx, url, s->err);
	if (!doc) {
		rc = s->err && s->err->code ? s->err->code : OB_ENET;
		goto out;
	}
	lc = json_object_get(doc, "@context");
	if (!json_is_object(doc) || !lc) {
		rc = FAIL(s, "invalid remote context: %s", url);
		goto out;
	}
	r = ctx_ref(*result);
	rc = process_ctx(s, &r, lc, url, remote, 0, 1, validate);
	if (rc) {
		ctx_unref(r);
		goto out;
	}
	cache_put(s, *result, url, NULL, NULL, validate, r);
	ctx_unref(*result);
	*result = r;
out:
	free(url);
	return rc;
}


/* §4.1 Context Processing. *active is replaced by the result (a new
 * reference); remote is the list of remote contexts being processed. */
static ob_code process_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
			   json_t *remote, int override_protected, int propagate, int validate)
{
	ctx *result = ctx_ref(*active);
	json_t *defined = NULL, *v, *merged = NULL;
	struct st saved = *s; /* the ctx_* fields, for nested calls */
	size_t i, n;
	ob_code rc;

	if ((rc = enter(s)))
		goto out;
	/* step 2 */
	if (json_is_object(local) && (v = json_object_get(local, "@propagate")) != NULL) {
		if (!json_is_boolean(v)) {
			rc = FAIL(s, "invalid @propagate value");
			goto out;
		}
		propagate = json_is_true(v);
	}
	/* step 3 */
	if (!propagate && !result->prev) {
		if (result->refs > 1 && (rc = charge(s, json_object_size(result->terms))))
			goto out;
		if (ctx_mut(&result)) {
			rc = nomem(s);
			goto out;
		}
		result->prev = ctx_ref(*active);
	}
	n = json_is_array(local) ? json_array_size(local) : 1;
	for (i = 0; i < n; i++) {
		const json_t *c = json_is_array(local) ? json_array_get(local, i) : local;
		const char *key;

		if (json_is_null(c)) {
			/* step 5.1 */
			ctx *fresh;

			if (!override_protected && result->protected_terms) {
				rc = FAIL(s, "invalid context nullification");
				goto out;
			}
			fresh = ctx_new(s->o->base);
			if (!fresh) {
				rc = nomem(s);
				goto out;
			}
			if (!propagate)
				fresh->prev = ctx_ref(result);
			ctx_unref(result);
			result = fresh;
			continue;
		}
		if (json_is_string(c)) {
			rc = remote_ctx(s, &result, json_string_value(c), base_url, remote, validate);
			if (rc)
				goto out;
			continue;
		}
		if (!json_is_object(c)) {
			rc = FAIL(s, "invalid local context");
			goto out;
		}
		if (result->refs > 1 && (rc = charge(s, json_object_size(result->terms))))
			goto out;
		if (ctx_mut(&result)) {
			rc = nomem(s);
			goto out;
		}
		/* step 5.5 @version */
		if ((v = json_object_get(c, "@version")) != NULL) {
			if (!json_is_number(v) || json_number_value(v) != 1.1) {
				rc = FAIL(s, "invalid @version value");
				goto out;
			}
			if (s->mode_10) {
				rc = FAIL(s, "processing mode conflict");
				goto out;
			}
		}
		/* step 5.6 @import: the imported context, overridden by c */
		if ((v = json_object_get(c, "@import")) != NULL) {
			const json_t *idoc, *ic;
			char *iurl;

			if (s->mode_10) {
				rc = FAIL(s, "invalid context entry: @import");
				goto out;
			}
			if (!json_is_string(v)) {
				rc = FAIL(s, "invalid @import value");
				goto out;
			}
			iurl = base_url ? iri_resolve(base_url, json_string_value(v))
					: strdup(json_string_value(v));
			if (!iurl) {
				rc = nomem(s);
				goto out;
			}
			idoc = s->p->load(s->p->load_ctx, iurl, s->err);
			free(iurl);
			if (!idoc) {
				rc = s->err && s->err->code ? s->err->code : OB_ENET;
				goto out;
			}
			ic = json_object_get(idoc, "@context");
			if (!json_is_object(ic)) {
				rc = FAIL(s, "invalid remote context: @import");
				goto out;
			}
			if (json_object_get(ic, "@import")) {
				rc = FAIL(s, "invalid context entry: @import in imported context");
				goto out;
			}
			json_decref(merged);
			merged = json_copy((json_t *)ic);
			if (!merged || json_object_update(merged, (json_t *)c)) {
				rc = nomem(s);
				goto out;
			}
			json_object_del(merged, "@import");
			c = merged;
		}
		/* step 5.7 @base: only outside remote contexts */
		if ((v = json_object_get(c, "@base")) != NULL && json_array_size(remote) == 0) {
			char *nb = NULL;

			if (json_is_null(v)) {
				nb = NULL;
			} else if (!json_is_string(v)) {
				rc = FAIL(s, "invalid base IRI");
				goto out;
			} else if (scheme_len(json_string_value(v))) {
				nb = strdup(json_string_value(v));
			} else if (result->base) {
				nb = iri_resolve(result->base, json_string_value(v));
			} else {
				rc = FAIL(s, "invalid base IRI: %s", json_string_value(v));
				goto out;
			}
			if (!json_is_null(v) && !nb) {
				rc = nomem(s);
				goto out;
			}
			free(result->base);
			result->base = nb;
		}
		/* step 5.8 @vocab */
		if ((v = json_object_get(c, "@vocab")) != NULL) {
			char *nv = NULL;

			if (json_is_string(v)) {
				rc = expand_iri(s, &result, json_string_value(v), 1, 1, NULL, NULL, &nv);
				if (rc)
					goto out;
				if (!nv || !strchr(nv, ':')) {
					free(nv);
					rc = FAIL(s, "invalid vocab mapping");
					goto out;
				}
			} else if (!json_is_null(v)) {
				rc = FAIL(s, "invalid vocab mapping");
				goto out;
			}
			free(result->vocab);
			result->vocab = nv;
		}
		/* step 5.9 @language */
		if ((v = json_object_get(c, "@language")) != NULL) {
			char *nl = NULL;

			if (json_is_string(v))
				nl = strdup(json_string_value(v));
			else if (!json_is_null(v)) {
				rc = FAIL(s, "invalid default language");
				goto out;
			}
			if (json_is_string(v) && !nl) {
				rc = nomem(s);
				goto out;
			}
			free(result->lang);
			result->lang = nl;
		}
		/* step 5.10 @direction */
		if ((v = json_object_get(c, "@direction")) != NULL) {
			char *nd = NULL;

			if (s->mode_10) {
				rc = FAIL(s, "invalid context entry: @direction");
				goto out;
			}
			if (json_is_string(v) && (!strcmp(json_string_value(v), "ltr") ||
						  !strcmp(json_string_value(v), "rtl"))) {
				if (!(nd = strdup(json_string_value(v)))) {
					rc = nomem(s);
					goto out;
				}
			} else if (!json_is_null(v)) {
				rc = FAIL(s, "invalid base direction");
				goto out;
			}
			free(result->dir);
			result->dir = nd;
		}
		if ((v = json_object_get(c, "@propagate")) != NULL && s->mode_10) {
			rc = FAIL(s, "invalid context entry: @propagate");
			goto out;
		}
		if ((v = json_object_get(c, "@protected")) != NULL && !json_is_boolean(v)) {
			rc = FAIL(s, "invalid @protected value");
			goto out;
		}
		/* step 5.11-5.13 */
		defined = json_object();
		if (!defined) {
			rc = nomem(s);
			goto out;
		}
		s->ctx_base_url = base_url;
		s->ctx_protected = json_is_true(json_object_get(c, "@protected"));
		s->ctx_override = override_protected;
		s->ctx_remote = remote;
		json_object_foreach((json_t *)c, key, v) {
			if (!strcmp(key, "@base") || !strcmp(key, "@direction") ||
			    !strcmp(key, "@import") || !strcmp(key, "@language") ||
			    !strcmp(key, "@propagate") || !strcmp(key, "@protected") ||
			    !strcmp(key, "@version") || !strcmp(key, "@vocab"))
				continue;
			rc = create_term(s, &result, c, key, defined, base_url,
					 json_is_true(json_object_get(c, "@protected")),
					 override_protected, remote);
			if (rc)
				goto out;
		}
		json_decref(defined);
		defined = NULL;
	}
	ctx_unref(*active);
	*active = result;
	result = NULL;
out:
	s->depth--;
	s->ctx_base_url = saved.ctx_base_url;
	s->ctx_protected = saved.ctx_protected;
	s->ctx_override = saved.ctx_override;
	s->ctx_remote = saved.ctx_remote;
	json_decref(merged);
	json_decref(defined);
	ctx_unref(result);
	return rc;
}

/* Applies a local context to *active. Scoped contexts (cache_local: the
 * json lives in a term definition of a cached context) go through the
 * cache: contexts are immutable, so (active, local, flags) always gives
 * the same result. A document's own @context is processed each time; the
 * remote contexts it names are cached by URL. */
static ob_code apply_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
			 int override_protected, int propagate, int cache_local)
{
	int flags = 2 * !!override_protected + 4 * !!propagate;
	ctx *r = cache_local ? cache_get(s, *active, NULL, local, base_url, flags) : NULL;
	json_t *remote;
	ob_code rc;

	if (r) {
		ctx_unref(*active);
		*active = r;
		return OB_OK;
	}
	remote = json_array();
	if (!remote)
		return nomem(s);
	r = ctx_ref(*active);
	rc = process_ctx(s, &r, local, base_url, remote, override_protected, propagate, 1);
	json_decref(remote);
	if (rc) {
		ctx_unref(r);
		return rc;
	}
	if (cache_local)
		cache_put(s, *active, NULL, local, base_url, flags, r);
	ctx_unref(*active);
	*active = r;
	return OB_OK;
}

/* ---- expansion (§5.1 - §5.3) ------------------------------------------- */

static ob_code expand(struct st *s, ctx *active, const char *prop, const json_t *elem,
		      const char *base_url, int from_map, json_t **out);
static ob_code expand_def(struct st *s, ctx *active, const char *prop, const struct dinfo *d,
			  const json_t *elem, const char *base_url, int from_map, json_t **out);

/* Appends v (an array's items, or v itself) to the array at obj[key],
 * taking v. */
static ob_code add_value(struct st *s, json_t *obj, const char *key, json_t *v)
{
	json_t *a = json_object_get(obj, key);

	/* an array only we hold becomes the entry itself */
	if (!a && json_is_array(v) && v->refcount == 1)
		return json_object_set_new_nocheck(obj, key, v) ? nomem(s) : OB_OK;
	if (a && !json_is_array(a)) {
		/* a single property value (add_prop_value) gets company */
		json_t *w = json_array();

		if (!w || json_array_append(w, a)) {
			json_decref(w);
			json_decref(v);
			return nomem(s);
		}
		if (json_object_set_new_nocheck(obj, key, w)) { /* takes w */
			json_decref(v);
			return nomem(s);
		}
		a = w;
	}
	if (!a) {
		a = json_array();
		if (!a || json_object_set_new_nocheck(obj, key, a)) {
			json_decref(v);
			return nomem(s);
		}
	}
	if (json_is_array(v)) {
		if (json_array_extend(a, v)) {
			json_decref(v);
			return nomem(s);
		}
		json_decref(v);
		return OB_OK;
	}
	return json_array_append_new(a, v) ? nomem(s) : OB_OK;
}

/* add_value for a node's property: for toRdf a single value stays
 * unwrapped (no array for it), which toRdf reads alike. Takes v. */
static ob_code add_prop_value(struct st *s, json_t *obj, const char *key, json_t *v)
{
	if (s->rdf && !s->no_bare && !json_is_array(v) && !json_object_get(obj, key))
		return json_object_set_new_nocheck(obj, key, v) ? nomem(s) : OB_OK;
	return add_value(s, obj, key, v);
}

static json_t *as_array(json_t *v) /* takes v */
{
	json_t *a;

	if (!v || json_is_array(v))
		return v;
	a = json_array();
	if (a && json_array_append_new(a, v) == 0)
		return a;
	json_decref(a);
	return NULL;
}

/* §5.3 Value Expansion; di describes the active property's definition. */
static ob_code expand_value_def(struct st *s, ctx *active, const struct dinfo *di,
				const json_t *value, json_t **out)
{
	const json_t *l = di->lang, *d = di->dir;
	const char *type = di->type;
	json_t *r = NULL;
	char *iri = NULL;
	int tk;
	ob_code rc;

	*out = NULL;
	tk = type ? kw_id(type) : K_OTHER;
	if (type && json_is_string(value) && (tk == K_ID || tk == K_VOCAB)) {
		rc = expand_iri(s, &active, json_string_value(value), 1, tk == K_VOCAB,
				NULL, NULL, &iri);
		if (rc)
			return rc;
		if (!iri)
			return data_loss(s, "value '%s' does not expand to an IRI", json_string_value(value));
		if (!is_abs_iri(iri) && !is_bnode(iri) && (rc = data_loss(s, "relative IRI '%s'", iri))) {
			free(iri);
			return rc;
		}
		r = obj1("@id", json_string_nocheck(iri));
		free(iri);
		goto out;
	}
	if (s->bare && !s->no_bare && !(type && tk != K_ID && tk != K_VOCAB && tk != K_NONE) &&
	    (!json_is_string(value) ||
	     (!(l ? json_is_string(l) : active->lang != NULL) &&
	      !(d ? json_is_string(d) : active->dir != NULL)))) {
		*out = json_incref((json_t *)value);
		return OB_OK;
	}
	r = obj1("@value", json_incref((json_t *)value));
	if (!r)
		return nomem(s);
	if (type && tk != K_ID && tk != K_VOCAB && tk != K_NONE) {
		if (json_object_set_new(r, "@type", json_string(type)))
			goto oom;
	} else if (json_is_string(value)) {
		if (l ? json_is_string(l) : active->lang != NULL) {
			if (json_object_set_new(r, "@language",
						l ? json_copy((json_t *)l) : json_string(active->lang)))
				goto oom;
		}
		if (d ? json_is_string(d) : active->dir != NULL) {
			if (json_object_set_new(r, "@direction",
						d ? json_copy((json_t *)d) : json_string(active->dir)))
				goto oom;
		}
	}
out:
	if (!r)
		return nomem(s);
	*out = r;
	return OB_OK;
oom:
	json_decref(r);
	return nomem(s);
}

/* The same, looking prop's definition up in active. */
static ob_code expand_value(struct st *s, ctx *active, const char *prop, const json_t *value,
			    json_t **out)
{
	struct dinfo d;

	dinfo_of(term_def(active, prop), &d);
	return expand_value_def(s, active, &d, value, out);
}

struct xobj {
	ctx *active;      /* borrowed */
	ctx *type_scoped; /* borrowed: the context for @type values (§5.1 step 11) */
	const char *prop;
	const char *base_url;
	const char *input_type;
	json_t *result;
};

/* strcmp, without the call when the first bytes differ */
static int str_cmp(const char *a, const char *b)
{
	if (*a != *b)
		return (unsigned char)*a - (unsigned char)*b;
	return strcmp(a, b);
}

static int cmp_str(const void *a, const void *b)
{
	return str_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts strings: insertion sort for the few keys of a typical object. */
static void sort_strs(const char **v, size_t n)
{
	size_t i, j;

	if (n > 16) {
		qsort(v, n, sizeof(*v), cmp_str);
		return;
	}
	for (i = 1; i < n; i++) {
		const char *t = v[i];

		for (j = i; j > 0 && str_cmp(v[j - 1], t) > 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/* The keys of obj, sorted (§5.1 step 13 walks them in order). */
#define KEYS_STACK 24

/* stack: room for KEYS_STACK keys, used when they fit; free the result
 * with keys_free. */
static const char **sorted_keys(const json_t *obj, size_t *n, const char **stack)
{
	size_t size = json_object_size(obj);
	const char **keys = size <= KEYS_STACK ? stack : malloc((size + 1) * sizeof(*keys));
	const char *k;
	json_t *v;
	size_t i = 0;

	if (!keys)
		return NULL;
	json_object_foreach((json_t *)obj, k, v)
		keys[i++] = k;
	sort_strs(keys, i);
	*n = i;
	return keys;
}

/* The value of a key that sorted_keys returned, without a lookup. */
static json_t *key_value(const char *key)
{
	return json_object_iter_value(json_object_key_to_iter(key));
}

static void keys_free(const char **keys, const char **stack)
{
	if (keys != stack)
		free(keys);
}

static int is_value_obj(const json_t *v)
{
	return json_is_object(v) && json_object_get(v, "@value");
}

static int is_list_obj(const json_t *v)
{
	return json_is_object(v) && json_object_get(v, "@list");
}

/* A key's expanded IRI, or NULL; *out owned by the caller. */
static ob_code key_iri(struct st *s, ctx *active, const char *key, char **out)
{
	return expand_iri(s, &active, key, 0, 1, NULL, NULL, out);
}

/* IRI expansion with vocab (a key, or with doc_rel a @type value), the
 * result borrowed: *out points into active's memo (cached contexts never
 * change, so a string always expands alike) or into *own, which the
 * caller frees. */
static ob_code vocab_iri_ref(struct st *s, ctx *active, const char *key, int doc_rel,
			     const char **out, char **own)
{
	struct memo **memo = doc_rel ? &active->tmemo : &active->memo;
	const struct ment *m;
	uint32_t h = 0;
	size_t klen = 0;
	ob_code rc;

	*own = NULL;
	if (active->cached) {
		h = str_hash(key, &klen);
		if ((m = memo_get(*memo, key, h, klen)) != NULL) {
			*out = m->iri;
			return OB_OK;
		}
	}
	if ((rc = expand_iri(s, &active, key, doc_rel, 1, NULL, NULL, own)))
		return rc;
	*out = *own;
	/* failing to remember is harmless */
	if (active->cached && memo_put(memo, key, h, klen, *own))
		*own = NULL;
	return OB_OK;
}

static ob_code key_iri_ref(struct st *s, ctx *active, const char *key, const char **out,
			   char **own)
{
	return vocab_iri_ref(s, active, key, 0, out, own);
}

static ob_code expand_lang_map(struct st *s, struct xobj *x, const json_t *def,
			       const json_t *value, json_t **out)
{
	const char *kbuf[KEYS_STACK];
	const char **keys = NULL;
	size_t i, j, n = 0;
	json_t *r = json_array(), *vals = NULL, *item, *v;
	const json_t *d = json_object_get(def, "@direction");
	const char *dir = d ? json_string_value(d) : x->active->dir;
	ob_code rc = OB_OK;

	if (!r || !(keys = sorted_keys(value, &n, kbuf))) {
		rc = nomem(s);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *li = NULL;

		vals = as_array(json_incref(json_object_get(value, keys[i])));
		if (!vals) {
			rc = nomem(s);
			goto out;
		}
		if ((rc = key_iri(s, x->active, keys[i], &li)))
			goto out;
		json_array_foreach(vals, j, item) {
			if (json_is_null(item))
				continue;
			if (!json_is_string(item)) {
				free(li);
				rc = FAIL(s, "invalid language map value: %s", keys[i]);
				goto out;
			}
			v = obj1("@value", json_incref(item));
			if (!v || (strcmp(keys[i], "@none") && !(li && !strcmp(li, "@none")) &&
				   json_object_set_new(v, "@language", json_string(keys[i]))) ||
			    (dir && json_object_set_new(v, "@direction", json_string(dir))) ||
			    json_array_append_new(r, v)) {
				free(li);
				rc = nomem(s);
				goto out;
			}
		}
		free(li);
		json_decref(vals);
		vals = NULL;
	}
	*out = r;
	r = NULL;
out:
	json_decref(vals);
	json_decref(r);
	keys_free(keys, kbuf);
	return rc;
}

static ob_code expand_keys(struct st *s, struct xobj *x, const json_t *elem,
			   const char **sorted, size_t nsorted);

/* §5.1 step 13.4: one entry whose key expands to the keyword kw. */
static ob_code expand_keyword(struct st *s, struct xobj *x, const char *key, const char *kw,
			      const json_t *value, json_t **nests)
{
	json_t *ev = NULL, *result = x->result;
	char *iri = NULL;
	int id = kw_id(kw);
	ob_code rc = OB_OK;
	size_t i;
	json_t *v;

	if (x->prop && !strcmp(x->prop, "@reverse"))
		return FAIL(s, "invalid reverse property map");
	if (json_object_get(result, kw) && id != K_INCLUDED && id != K_TYPE)
		return FAIL(s, "colliding keywords: %s", kw);
	if (id == K_ID) {
		if (!json_is_string(value))
			return FAIL(s, "invalid @id value: %s", key);
		if ((rc = expand_iri(s, &x->active, json_string_value(value), 1, 0, NULL, NULL, &iri)))
			return rc;
		if (!iri) {
			/* keep "@id": null so toRdf drops the node (§5.1 13.4.3) */
			if ((rc = data_loss(s, "@id '%s' ignored", json_string_value(value))))
				return rc;
			return json_object_set_new(result, "@id", json_null()) ? nomem(s) : OB_OK;
		}
		if (!is_abs_iri(iri) && !is_bnode(iri) && (rc = data_loss(s, "relative @id '%s'", iri)))
			goto out;
		ev = json_string_nocheck(iri);
	} else if (id == K_TYPE) {
		json_t *arr = NULL;

		if (!json_is_string(value) && !json_is_array(value))
			return FAIL(s, "invalid type value");
		if (json_is_string(value) && !json_object_get(result, "@type")) {
			/* the usual single type: no array to build and unwrap */
			const char *ti = NULL;

			rc = vocab_iri_ref(s, x->type_scoped, json_string_value(value), 1, &ti, &iri);
			if (!rc && !ti)
				rc = data_loss(s, "@type '%s' ignored", json_string_value(value));
			if (!rc && ti && !is_abs_iri(ti) && !is_bnode(ti))
				rc = data_loss(s, "relative @type '%s'", ti);
			if (rc || !ti)
				goto out;
			ev = json_string_nocheck(ti);
			free(iri);
			iri = NULL;
			if (!ev)
				return nomem(s);
			return json_object_set_new(result, kw, ev) ? nomem(s) : OB_OK;
		}
		arr = json_array();
		if (!arr)
			return nomem(s);
		for (i = 0; i < (json_is_array(value) ? json_array_size(value) : 1); i++) {
			const json_t *t = json_is_array(value) ? json_array_get(value, i) : value;
			const char *ti = NULL;

			if (!json_is_string(t)) {
				json_decref(arr);
				return FAIL(s, "invalid type value");
			}
			rc = vocab_iri_ref(s, x->type_scoped, json_string_value(t), 1, &ti, &iri);
			if (!rc && !ti)
				rc = data_loss(s, "@type '%s' ignored", json_string_value(t));
			if (!rc && ti && !is_abs_iri(ti) && !is_bnode(ti))
				rc = data_loss(s, "relative @type '%s'", ti);
			if (!rc && ti && json_array_append_new(arr, json_string_nocheck(ti)))
				rc = nomem(s);
			free(iri);
			iri = NULL;
			if (rc) {
				json_decref(arr);
				return rc;
			}
		}
		if (json_is_string(json_object_get(result, "@type")) &&
		    json_object_set_new(result, "@type", json_pack("[O]", json_object_get(result, "@type")))) {
			json_decref(arr);
			return nomem(s);
		}
		if (json_object_get(result, "@type") || json_is_array(value))
			return add_value(s, result, "@type", arr);
		ev = json_incref(json_array_get(arr, 0));
		json_decref(arr);
		if (!ev)
			return OB_OK;
	} else if (id == K_GRAPH) {
		if ((rc = expand(s, x->active, "@graph", value, x->base_url, 0, &ev)))
			return rc;
		ev = as_array(ev ? ev : json_array());
	} else if (id == K_INCLUDED) {
		if (s->mode_10)
			return OB_OK;
		for (i = 0; i < (json_is_array(value) ? json_array_size(value) : 1); i++)
			if (!json_is_object(json_is_array(value) ? json_array_get(value, i) : value))
				return FAIL(s, "invalid @included value");
		if ((rc = expand(s, x->active, NULL, value, x->base_url, 0, &ev)))
			return rc;
		ev = as_array(ev ? ev : json_array());
		if (json_array_size(ev) < (json_is_array(value) ? json_array_size(value) : 1)) {
			json_decref(ev);
			return FAIL(s, "invalid @included value");
		}
		json_array_foreach(ev, i, v)
			if (!json_is_object(v) || is_value_obj(v) || is_list_obj(v) ||
			    json_object_get(v, "@set")) {
				json_decref(ev);
				return FAIL(s, "invalid @included value");
			}
		return add_value(s, result, "@included", ev);
	} else if (id == K_VALUE) {
		if (x->input_type && !strcmp(x->input_type, "@json")) {
			if (s->mode_10)
				return FAIL(s, "invalid value object value");
		} else if (!json_is_null(value) && !json_is_string(value) && !json_is_number(value) &&
			   !json_is_boolean(value)) {
			return FAIL(s, "invalid value object value");
		}
		return json_object_set(result, "@value", (json_t *)value) ? nomem(s) : OB_OK;
	} else if (id == K_LANGUAGE) {
		if (!json_is_string(value))
			return FAIL(s, "invalid language-tagged string");
		ev = json_incref((json_t *)value);
	} else if (id == K_DIRECTION) {
		if (s->mode_10)
			return OB_OK;
		if (!json_is_string(value) || (strcmp(json_string_value(value), "ltr") &&
					       strcmp(json_string_value(value), "rtl")))
			return FAIL(s, "invalid base direction");
		ev = json_incref((json_t *)value);
	} else if (id == K_INDEX) {
		if (!json_is_string(value))
			return FAIL(s, "invalid @index value");
		ev = json_incref((json_t *)value);
	} else if (id == K_LIST) {
		if (!x->prop || !strcmp(x->prop, "@graph"))
			return data_loss(s, "free-floating list ignored");
		if ((rc = expand(s, x->active, x->prop, value, x->base_url, 0, &ev)))
			return rc;
		ev = as_array(ev ? ev : json_array());
	} else if (id == K_SET) {
		if ((rc = expand(s, x->active, x->prop, value, x->base_url, 0, &ev)))
			return rc;
		if (!ev)
			ev = json_array();
	} else if (id == K_REVERSE) {
		const char *k;
		json_t *rev;

		if (!json_is_object(value))
			return FAIL(s, "invalid @reverse value");
		s->no_bare++;
		rc = expand(s, x->active, "@reverse", value, x->base_url, 0, &ev);
		s->no_bare--;
		if (rc)
			return rc;
		if ((rev = json_object_get(ev, "@reverse")) != NULL)
			json_object_foreach(rev, k, v)
				if ((rc = add_value(s, result, k, json_incref(v))))
					goto out;
		json_object_foreach(ev, k, v) {
			json_t *rmap, *item;

			if (!strcmp(k, "@reverse"))
				continue;
			rmap = json_object_get(result, "@reverse");
			if (!rmap && (!(rmap = json_object()) ||
				      json_object_set_new(result, "@reverse", rmap))) {
				rc = nomem(s);
				goto out;
			}
			json_array_foreach(v, i, item)
				if (is_value_obj(item) || is_list_obj(item)) {
					rc = FAIL(s, "invalid reverse property value: %s", k);
					goto out;
				}
			if ((rc = add_value(s, rmap, k, json_incref(v))))
				goto out;
		}
		goto out;
	} else if (id == K_NEST) {
		if (!*nests && !(*nests = json_array()))
			return nomem(s);
		return json_array_append_new(*nests, json_string(key)) ? nomem(s) : OB_OK;
	} else {
		/* framing keywords and others: not part of expansion */
		return OB_OK;
	}
	if (!ev)
		return nomem(s);
	if (json_object_set_new(result, kw, ev))
		rc = nomem(s);
	ev = NULL;
out:
	json_decref(ev);
	free(iri);
	return rc;
}

/* §5.1 step 13.8: index, id and type maps. */
static ob_code expand_index_map(struct st *s, struct xobj *x, const char *key, const json_t *def,
				const json_t *value, json_t **out)
{
	const char *kbuf[KEYS_STACK];
	const char *index_key = def_str(def, "@index");
	int c_graph = def_container(def, "@graph"), c_id = def_container(def, "@id");
	int c_type = def_container(def, "@type"), c_index = def_container(def, "@index");
	const char **keys = NULL;
	json_t *r = json_array(), *iv = NULL, *item;
	char *xi = NULL, *xk = NULL;
	size_t i, j, n = 0;
	ctx *mc = NULL;
	ob_code rc = OB_OK;

	if (!index_key)
		index_key = "@index";
	if (!r || !(keys = sorted_keys(value, &n, kbuf))) {
		rc = nomem(s);
		goto out;
	}
	for (i = 0; i < n && !rc; i++) {
		const json_t *td;

		ctx_unref(mc);
		mc = ctx_ref((c_id || c_type) && x->active->prev ? x->active->prev : x->active);
		if (c_type && (td = term_def(mc, keys[i])) && json_object_get(td, "@context") &&
		    (rc = apply_ctx(s, &mc, json_object_get(td, "@context"), def_str(td, "base"), 0, 1, 1)))
			break;
		free(xi);
		if ((rc = key_iri(s, x->active, keys[i], &xi)))
			break;
		if ((rc = expand(s, mc, key, json_object_get(value, keys[i]), x->base_url, 1, &iv)))
			break;
		iv = as_array(iv ? iv : json_array());
		if (!iv) {
			rc = nomem(s);
			break;
		}
		json_array_foreach(iv, j, item) {
			int none = xi && !strcmp(xi, "@none");

			if (c_graph && !(json_object_get(item, "@graph") && !json_object_get(item, "@value"))) {
				json_t *g = json_pack("{s:[O]}", "@graph", item);

				if (!g || json_array_set_new(iv, j, g)) {
					rc = nomem(s);
					break;
				}
				item = g;
			}
			if (c_index && strcmp(index_key, "@index") && !none) {
				json_t *re = NULL, *vals, *kv;

				free(xk);
				xk = NULL;
				if ((rc = key_iri(s, x->active, index_key, &xk)))
					break;
				kv = json_string(keys[i]);
				rc = kv ? expand_value(s, x->active, index_key, kv, &re) : nomem(s);
				json_decref(kv);
				if (rc)
					break;
				if (!xk) {
					json_decref(re);
					rc = data_loss(s, "index key '%s' ignored", index_key);
					break;
				}
				if (is_value_obj(item)) {
					json_decref(re);
					rc = FAIL(s, "invalid value object");
					break;
				}
				vals = json_pack("[o]", re);
				if (!vals || (json_is_array(json_object_get(item, xk)) &&
					      json_array_extend(vals, json_object_get(item, xk))) ||
				    (json_object_get(item, xk) && !json_is_array(json_object_get(item, xk)) &&
				     json_array_append(vals, json_object_get(item, xk))) ||
				    json_object_set_new(item, xk, vals)) {
					rc = nomem(s);
					break;
				}
			} else if (c_index && !json_object_get(item, "@index") && !none) {
				if (json_object_set_new(item, "@index", json_string(keys[i]))) {
					rc = nomem(s);
					break;
				}
			} else if (c_id && !json_object_get(item, "@id") && !none) {
				char *id = NULL;

				if ((rc = expand_iri(s, &x->active, keys[i], 1, 0, NULL, NULL, &id)))
					break;
				if (!id || json_object_set_new(item, "@id", json_string(id))) {
					free(id);
					rc = id ? nomem(s) : data_loss(s, "map key '%s' ignored", keys[i]);
					break;
				}
				free(id);
			} else if (c_type && !none && xi) {
				json_t *types = json_pack("[s]", xi);
				const json_t *old = json_object_get(item, "@type");

				if (!types || (json_is_array(old) && json_array_extend(types, (json_t *)old)) ||
				    (json_is_string(old) && json_array_append(types, (json_t *)old)) ||
				    json_object_set_new(item, "@type", types)) {
					rc = nomem(s);
					break;
				}
			}
		}
		if (!rc && json_array_extend(r, iv))
			rc = nomem(s);
		json_decref(iv);
		iv = NULL;
	}
	if (!rc) {
		*out = r;
		r = NULL;
	}
out:
	ctx_unref(mc);
	json_decref(iv);
	json_decref(r);
	keys_free(keys, kbuf);
	free(xi);
	free(xk);
	return rc;
}

/* §5.1 step 13.5 onwards: an entry whose key is a property IRI. */
static ob_code expand_property(struct st *s, struct xobj *x, const char *key, const char *piri,
			       const json_t *value)
{
	const json_t *def = term_def(x->active, key);
	struct dinfo di;
	const char *type;
	int cf, reverse;
	json_t *ev = NULL, *item;
	size_t i;
	ob_code rc = OB_OK;

	dinfo_of(def, &di);
	type = di.type;
	cf = di.cf;
	reverse = di.reverse;

	if (type && kw_id(type) == K_JSON) {
		ev = json_pack("{s:O,s:s}", "@value", value, "@type", "@json");
		if (!ev)
			return nomem(s);
	} else if ((cf & C_LANGUAGE) && json_is_object(value)) {
		if ((rc = expand_lang_map(s, x, def, value, &ev)))
			return rc;
	} else if ((cf & (C_INDEX | C_TYPE | C_ID)) && json_is_object(value)) {
		if ((rc = expand_index_map(s, x, key, def, value, &ev)))
			return rc;
	} else {
		s->bare = s->rdf && !reverse;
		rc = expand_def(s, x->active, key, &di, value, x->base_url, 0, &ev);
		s->bare = 0;
		if (rc)
			return rc;
	}
	if (!ev)
		return OB_OK;
	if ((cf & C_LIST) && !is_list_obj(ev)) {
		json_t *l = obj1("@list", as_array(ev));

		if (!l)
			return nomem(s);
		ev = l;
	}
	if ((cf & C_GRAPH) && !(cf & (C_ID | C_INDEX))) {
		json_t *g = json_array();

		ev = as_array(ev);
		if (!g || !ev) {
			json_decref(g);
			json_decref(ev);
			return nomem(s);
		}
		json_array_foreach(ev, i, item)
			if (json_array_append_new(g, json_pack("{s:[O]}", "@graph", item))) {
				json_decref(g);
				json_decref(ev);
				return nomem(s);
			}
		json_decref(ev);
		ev = g;
	}
	if (reverse) {
		json_t *rmap = json_object_get(x->result, "@reverse");

		if (!rmap && (!(rmap = json_object()) ||
			      json_object_set_new(x->result, "@reverse", rmap))) {
			json_decref(ev);
			return nomem(s);
		}
		ev = as_array(ev);
		json_array_foreach(ev, i, item)
			if (is_value_obj(item) || is_list_obj(item)) {
				json_decref(ev);
				return FAIL(s, "invalid reverse property value: %s", key);
			}
		return add_value(s, rmap, piri, ev);
	}
	return add_prop_value(s, x->result, piri, ev);
}

/* sorted: elem's keys in order, when the caller has them (else NULL). */
static ob_code expand_keys(struct st *s, struct xobj *x, const json_t *elem,
			   const char **sorted, size_t nsorted)
{
	const char *kbuf[KEYS_STACK];
	const char **keys = NULL;
	size_t i, j, n = 0;
	json_t *nests = NULL, *nv;
	char *iri = NULL;
	ob_code rc = OB_OK;

	if (sorted) {
		keys = sorted;
		n = nsorted;
	} else if (!(keys = sorted_keys(elem, &n, kbuf))) {
		rc = nomem(s);
		goto out;
	}
	for (i = 0; i < n && !rc; i++) {
		const json_t *value;
		const char *kiri;
		int kw;

		if (keys[i][0] == '@' && eq(keys[i], "@context"))
			continue;
		if ((rc = key_iri_ref(s, x->active, keys[i], &kiri, &iri)))
			break;
		value = key_value(keys[i]);
		kw = kiri && is_keyword(kiri);
		if (!kiri || (!kw && !strchr(kiri, ':')))
			rc = data_loss(s, "property '%s' is not defined by the context", keys[i]);
		else if (kw)
			rc = expand_keyword(s, x, keys[i], kiri, value, &nests);
		else
			rc = expand_property(s, x, keys[i], kiri, value);
		free(iri);
		iri = NULL;
	}
	/* step 14: nested properties */
	for (i = 0; !rc && i < json_array_size(nests); i++) {
		const json_t *nval = json_object_get(elem, json_string_value(json_array_get(nests, i)));
		size_t cnt = json_is_array(nval) ? json_array_size(nval) : 1;

		for (j = 0; !rc && j < cnt; j++) {
			const char *k;
			json_t *kv;

			nv = json_is_array(nval) ? json_array_get(nval, j) : (json_t *)nval;
			if (!json_is_object(nv)) {
				rc = FAIL(s, "invalid @nest value");
				break;
			}
			json_object_foreach(nv, k, kv) {
				if ((rc = key_iri(s, x->active, k, &iri)))
					break;
				if (iri && !strcmp(iri, "@value"))
					rc = FAIL(s, "invalid @nest value");
				free(iri);
				iri = NULL;
				if (rc)
					break;
			}
			if (!rc) {
				/* step 14.2.2: repeat with the nesting key as active
				 * property, so its scoped context applies */
				const char *nk = json_string_value(json_array_get(nests, i));
				const json_t *nd = term_def(x->active, nk);
				struct xobj nx = *x;
				ctx *nc = ctx_ref(x->active);

				if (json_object_get(nd, "@context"))
					rc = apply_ctx(s, &nc, json_object_get(nd, "@context"),
						       def_str(nd, "base"), 1, 1, 1);
				nx.active = nc;
				if (!rc)
					rc = expand_keys(s, &nx, nv, NULL, 0);
				ctx_unref(nc);
			}
		}
	}
out:
	free(iri);
	if (keys != sorted)
		keys_free(keys, kbuf);
	json_decref(nests);
	return rc;
}

/* §5.1 step 7: whether a node object keeps the type-scoped context. */
static ob_code keeps_prev(struct st *s, ctx *active, const json_t *elem, int *keep)
{
	const char *k, *iri;
	json_t *v;
	char *own = NULL;
	int only_id = json_object_size(elem) == 1;
	ob_code rc;

	*keep = 0;
	json_object_foreach((json_t *)elem, k, v) {
		if ((rc = key_iri_ref(s, active, k, &iri, &own)))
			return rc;
		if (iri && iri[0] == '@' && (!strcmp(iri, "@value") || (only_id && !strcmp(iri, "@id"))))
			*keep = 1;
		free(own);
	}
	return OB_OK;
}

/* di: prop's definition in active. */
static ob_code expand_object(struct st *s, ctx *active, const char *prop, const struct dinfo *di,
			     const json_t *elem, const char *base_url, int from_map, json_t **out)
{
	const char *kbuf[KEYS_STACK];
	const json_t *pscoped = di->ctx;
	ctx *act = ctx_ref(active), *tsc = NULL;
	const char **keys = NULL, *input_type = NULL;
	json_t *result = NULL, *v;
	char *iri = NULL, *input_own = NULL;
	size_t i, n = 0, rn;
	struct xobj x;
	ob_code rc = OB_OK;
	unsigned has = 0;
	int keep, bare = s->bare;

	s->bare = 0; /* only a property's own scalars may be bare */
	/* the keys in order (step 13 walks them so), which also tell whether
	 * elem has a @context */
	if (!(keys = sorted_keys(elem, &n, kbuf))) {
		rc = nomem(s);
		goto out;
	}
	/* step 7: revert a non-propagated (type-scoped) context */
	if (act->prev && !from_map) {
		if ((rc = keeps_prev(s, act, elem, &keep)))
			goto out;
		if (!keep) {
			ctx *p = ctx_ref(act->prev);

			ctx_unref(act);
			act = p;
		}
	}
	/* step 8: property-scoped context */
	if (pscoped && (rc = apply_ctx(s, &act, pscoped, di->base, 1, 1, 1)))
		goto out;
	/* step 9 */
	for (i = 0; i < n; i++)
		if (keys[i][0] == '@' && eq(keys[i], "@context")) {
			if ((rc = apply_ctx(s, &act, key_value(keys[i]), base_url, 0, 1, 0)))
				goto out;
			break;
		}
	/* step 10, 11: type-scoped contexts, types in order */
	tsc = ctx_ref(act);
	for (i = 0; i < n; i++) {
		const json_t *tv;
		const char *tbuf[8], **types = tbuf, *kiri;
		size_t j, tn;
		int is_type;

		if ((rc = key_iri_ref(s, act, keys[i], &kiri, &iri)))
			goto out;
		is_type = kiri && kiri[0] == '@' && eq(kiri, "@type");
		free(iri);
		iri = NULL;
		if (!is_type)
			continue;
		tv = key_value(keys[i]);
		tn = json_is_array(tv) ? json_array_size(tv) : 1;
		if (tn > 8 && !(types = malloc(tn * sizeof(*types)))) {
			rc = nomem(s);
			goto out;
		}
		for (j = 0; j < tn; j++) {
			types[j] = json_string_value(json_is_array(tv) ? json_array_get(tv, j) : tv);
			if (!types[j])
				types[j] = "";
		}
		sort_strs(types, tn);
		for (j = 0; j < tn && !rc; j++) {
			const json_t *td = term_def(tsc, types[j]);
			const json_t *tctx = json_object_get(td, "@context");

			if (tctx)
				rc = apply_ctx(s, &act, tctx, def_str(td, "base"), 0, 0, 1);
		}
		/* step 12: input type, for @json values */
		if (!rc && tn) {
			free(input_own);
			input_own = NULL;
			rc = key_iri_ref(s, act, types[tn - 1], &input_type, &input_own);
		}
		if (types != tbuf)
			free(types);
		if (rc)
			goto out;
	}
	result = json_object();
	if (!result) {
		rc = nomem(s);
		goto out;
	}
	x.active = act;
	x.type_scoped = tsc;
	x.prop = prop;
	x.base_url = base_url;
	x.input_type = input_type;
	x.result = result;
	if ((rc = expand_keys(s, &x, elem, keys, n)))
		goto out;
	rn = json_object_size(result);
	/* which keywords result has, in one pass instead of a lookup each */
	{
		const char *k;

		json_object_foreach(result, k, v)
			if (k[0] == '@')
				has |= 1u << kw_id(k);
	}
	/* step 15: value objects */
	if (has & 1u << K_VALUE) {
		const char *k;
		const json_t *val = json_object_get(result, "@value");
		const json_t *typ = json_object_get(result, "@type");

		json_object_foreach(result, k, v)
			if (strcmp(k, "@direction") && strcmp(k, "@index") && strcmp(k, "@language") &&
			    strcmp(k, "@type") && strcmp(k, "@value")) {
				rc = FAIL(s, "invalid value object: %s", k);
				goto out;
			}
		if (typ && (has & (1u << K_LANGUAGE | 1u << K_DIRECTION))) {
			rc = FAIL(s, "invalid value object");
			goto out;
		}
		if (typ && json_is_string(typ) && !strcmp(json_string_value(typ), "@json"))
			goto done;
		if (json_is_null(val)) {
			rc = data_loss(s, "value object with @value null");
			json_decref(result);
			result = NULL;
			goto done;
		}
		if (!json_is_string(val) && (has & 1u << K_LANGUAGE)) {
			rc = FAIL(s, "invalid language-tagged value");
			goto out;
		}
		if (typ && (!json_is_string(typ) || !is_abs_iri(json_string_value(typ)))) {
			rc = FAIL(s, "invalid typed value");
			goto out;
		}
	} else if ((has & 1u << K_TYPE) && !json_is_array(v = json_object_get(result, "@type"))) {
		/* step 16 */
		json_t *a = json_array();

		if (!a || json_array_append(a, v)) {
			json_decref(a);
			rc = nomem(s);
			goto out;
		}
		if (json_object_set_new(result, "@type", a)) { /* takes a */
			rc = nomem(s);
			goto out;
		}
	} else if (has & (1u << K_SET | 1u << K_LIST)) {
		/* step 17 */
		if (rn > 2 || (rn == 2 && !(has & 1u << K_INDEX))) {
			rc = FAIL(s, "invalid set or list object");
			goto out;
		}
		if (has & 1u << K_SET) {
			json_t *setv = json_incref(json_object_get(result, "@set"));

			json_decref(result);
			result = setv;
			goto done;
		}
	}
	/* step 18 */
	if (rn == 1 && (has & 1u << K_LANGUAGE)) {
		rc = data_loss(s, "object with only @language");
		json_decref(result);
		result = NULL;
		goto done;
	}
	/* step 19: free-floating values at the top */
	if (!prop || !strcmp(prop, "@graph")) {
		if (rn == 0 || (has & (1u << K_VALUE | 1u << K_LIST))) {
			rc = data_loss(s, "free-floating value ignored");
			json_decref(result);
			result = NULL;
		} else if (rn == 1 && (has & 1u << K_ID)) {
			rc = data_loss(s, "node object with only @id ('%s') ignored",
				       json_string_value(json_object_get(result, "@id")));
			json_decref(result);
			result = NULL;
		}
	}
done:
	if (!rc) {
		*out = result;
		result = NULL;
	}
out:
	json_decref(result);
	keys_free(keys, kbuf);
	free(iri);
	free(input_own);
	ctx_unref(tsc);
	ctx_unref(act);
	s->bare = bare;
	return rc;
}

/* §5.1 Expansion Algorithm. *out: a new reference, or NULL for null. */
static ob_code expand(struct st *s, ctx *active, const char *prop, const json_t *elem,
		      const char *base_url, int from_map, json_t **out)
{
	struct dinfo d;

	dinfo_of(term_def(active, prop), &d);
	return expand_def(s, active, prop, &d, elem, base_url, from_map, out);
}

/* The same, given what prop's definition in active holds. */
static ob_code expand_def(struct st *s, ctx *active, const char *prop, const struct dinfo *d,
			  const json_t *elem, const char *base_url, int from_map, json_t **out)
{
	json_t *r = NULL, *ev, *item;
	size_t i;
	ob_code rc;

	*out = NULL;
	if (json_is_null(elem))
		return OB_OK;
	if ((rc = enter(s)))
		goto out;
	if (json_is_array(elem)) {
		/* step 5 */
		int is_list = d->cf & C_LIST;

		r = json_array();
		if (!r) {
			rc = nomem(s);
			goto out;
		}
		json_array_foreach(elem, i, item) {
			if ((rc = expand_def(s, active, prop, d, item, base_url, from_map, &ev)))
				goto out;
			if (ev && json_is_array(ev) && is_list) {
				json_t *l = obj1("@list", ev);

				if (!l) {
					rc = nomem(s);
					goto out;
				}
				ev = l;
			}
			if (ev && (rc = json_is_array(ev) ? (json_array_extend(r, ev) ? nomem(s) : OB_OK)
							   : (json_array_append(r, ev) ? nomem(s) : OB_OK))) {
				json_decref(ev);
				goto out;
			}
			json_decref(ev);
		}
		*out = r;
		r = NULL;
	} else if (json_is_object(elem)) {
		rc = expand_object(s, active, prop, d, elem, base_url, from_map, out);
	} else {
		/* step 4: scalars */
		if (!prop || !strcmp(prop, "@graph")) {
			rc = data_loss(s, "free-floating scalar ignored");
			goto out;
		}
		if (d->ctx) {
			ctx *act = ctx_ref(active);

			rc = apply_ctx(s, &act, d->ctx, d->base, 1, 1, 1);
			if (!rc)
				rc = expand_value(s, act, prop, elem, out);
			ctx_unref(act);
		} else {
			rc = expand_value_def(s, active, d, elem, out);
		}
	}
out:
	s->depth--;
	json_decref(r);
	return rc;
}

static ctx *initial_ctx(ob_jsonld *p, const ob_jsonld_opts *o)
{
	return o->base ? ctx_new(o->base) : ctx_ref(p->initial);
}

/* rdf: for toRdf, which reads bare values (struct st) */
static json_t *expand_doc(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o, int rdf,
			  ob_error *err)
{
	struct st s = { .p = p, .o = o, .err = err, .mode_10 = o->mode_10, .rdf = rdf };
	ctx *active = initial_ctx(p, o);
	json_t *r = NULL, *g;
	ob_code rc;

	if (!active) {
		nomem(&s);
		return NULL;
	}
	if (o->expand_context) {
		const json_t *ec = json_object_get(o->expand_context, "@context");

		rc = apply_ctx(&s, &active, ec ? ec : o->expand_context, o->base, 0, 1, 0);
		if (rc)
			goto out;
	}
	rc = expand(&s, active, NULL, doc, o->base, 0, &r);
	if (rc)
		goto out;
	/* §5.1.2 steps 2-4 of the API's expand() */
	if (json_is_object(r) && json_object_size(r) == 1 && (g = json_object_get(r, "@graph"))) {
		json_t *gg = json_incref(g);

		json_decref(r);
		r = gg;
	}
	if (!r)
		r = json_array();
	r = as_array(r);
	if (!r)
		nomem(&s);
out:
	cache_clear(s.dcache);
	ctx_unref(active);
	if (rc) {
		json_decref(r);
		r = NULL;
	}
	return r;
}

json_t *ob_jsonld_expand(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
			 ob_error *err)
{
	return expand_doc(p, doc, o, 0, err);
}

/* ---- deserialization to RDF (§8.1 - §8.5) ------------------------------ */

/* Storage for our blank node labels, which live as long as the walk. */
struct lchunk {
	struct lchunk *next;
	size_t used;
	char data[1024];
};

struct rdf {
	const ob_jsonld_opts *o;
	ob_error *err;
	ob_jsonld_quad_fn fn;
	void *fn_ctx;
	json_t *labels; /* document blank node label -> our label (made when needed) */
	int bare;       /* a bare scalar is a value object (struct st) */
	struct lchunk *pool; /* our labels; the first chunk is first */
	struct lchunk first;
	unsigned long counter;
	int depth;
};

/* A term plus the storage it points into. ok = 0: not well formed, so
 * every triple that uses it is dropped (§8.1 step 1.3.x). */
typedef struct {
	ob_jsonld_term t;
	char *own;      /* lexical form or IRI, when built here */
	char *own_dt;
	int ok;
} oterm;

static void oterm_release(oterm *t)
{
	free(t->own);
	free(t->own_dt);
	memset(t, 0, sizeof(*t));
}

static ob_code rdf_loss(struct rdf *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static ob_code rdf_loss(struct rdf *r, const char *fmt, ...)
{
	va_list ap;
	ob_code rc;

	va_start(ap, fmt);
	rc = vloss(r->o->safe, r->err, fmt, ap);
	va_end(ap);
	return rc;
}

/* Our label for a document label (NULL: a fresh one). Borrowed. */
static const char *bnode(struct rdf *r, const char *old)
{
	const char *l = old ? json_string_value(json_object_get(r->labels, old)) : NULL;
	char digits[24];
	size_t n = sizeof(digits);
	unsigned long k;
	char *d;

	if (l)
		return l;
	k = r->counter++;
	do
		digits[--n] = (char)('0' + k % 10);
	while (k /= 10);
	if (r->pool->used + 3 + (sizeof(digits) - n) + 1 > sizeof(r->pool->data)) {
		struct lchunk *c = malloc(sizeof(*c));

		if (!c)
			return NULL;
		c->next = r->pool;
		c->used = 0;
		r->pool = c;
	}
	d = r->pool->data + r->pool->used;
	memcpy(d, "_:b", 3);
	memcpy(d + 3, digits + n, sizeof(digits) - n);
	d[3 + sizeof(digits) - n] = '\0';
	r->pool->used += 3 + (sizeof(digits) - n) + 1;
	if (old && ((!r->labels && !(r->labels = json_object())) ||
		    json_object_set_new(r->labels, old, json_string(d))))
		return NULL;
	return d;
}

static ob_code iri_term(struct rdf *r, const char *iri, oterm *t, const char *what)
{
	memset(t, 0, sizeof(*t));
	if (is_bnode(iri)) {
		t->t.kind = OB_JSONLD_BNODE;
		t->t.value = bnode(r, iri);
		if (!t->t.value)
			return ob_fail(r->err, OB_ENOMEM, "out of memory");
		t->ok = 1;
		return OB_OK;
	}
	t->t.kind = OB_JSONLD_IRI;
	t->t.value = iri;
	t->ok = is_abs_iri(iri);
	return t->ok ? OB_OK : rdf_loss(r, "relative %s IRI '%s'", what, iri);
}

/* A constant, absolute IRI (rdf:type, rdf:first...). */
static void const_iri(const char *iri, oterm *t)
{
	memset(t, 0, sizeof(*t));
	t->t.kind = OB_JSONLD_IRI;
	t->t.value = iri;
	t->ok = 1;
}

static ob_code emit(struct rdf *r, const oterm *s, const oterm *p, const oterm *o, const oterm *g)
{
	if (!s->ok || !p->ok || !o->ok || (g && !g->ok))
		return OB_OK;
	if (r->fn(r->fn_ctx, &s->t, &p->t, &o->t, g ? &g->t : NULL))
		return ob_fail(r->err, OB_EUSAGE, "quad callback failed");
	return OB_OK;
}

static int lang_ok(const char *l)
{
	size_t n = 0;
	int first = 1;

	for (;; l++) {
		if (*l == '-' || !*l) {
			if (n < 1 || n > 8)
				return 0;
			if (!*l)
				return 1;
			n = 0;
			first = 0;
			continue;
		}
		if (!(first ? isalpha((unsigned char)*l) : isalnum((unsigned char)*l)))
			return 0;
		n++;
	}
}

/* xsd:double canonical form as jsonld.js writes it: toExponential(15)
 * (ties away from zero), trailing zeros dropped, "E", no "+". */
static void fmt_double(double d, char *out, size_t outsz)
{
	char digits[1100], mant[20];
	int exp, i, len;
	char *e;

	if (d == 0) {
		snprintf(out, outsz, "0.0E0");
		return;
	}
	snprintf(digits, sizeof(digits), "%.800e", fabs(d));
	e = strchr(digits, 'e');
	exp = atoi(e + 1);
	/* 16 significant digits, rounded on the 17th */
	mant[0] = digits[0];
	memcpy(mant + 1, digits + 2, 16);
	if (mant[16] >= '5') {
		for (i = 15; i >= 0; i--) {
			if (mant[i] < '9') {
				mant[i]++;
				break;
			}
			mant[i] = '0';
		}
		if (i < 0) {
			memmove(mant + 1, mant, 15);
			mant[0] = '1';
			exp++;
		}
	}
	for (len = 16; len > 2 && mant[len - 1] == '0'; len--)
		;
	snprintf(out, outsz, "%s%c.%.*sE%d", d < 0 ? "-" : "", mant[0], len - 1, mant + 1, exp);
}

static ob_code node_to_rdf(struct rdf *r, const json_t *node, const oterm *g, oterm *subj);

/* §8.4 List Conversion. */
static ob_code list_to_rdf(struct rdf *r, const json_t *list, const oterm *g, oterm *head)
{
	oterm first = { 0 }, rest = { 0 }, cur = { 0 }, next = { 0 }, obj = { 0 };
	size_t i, n = json_array_size(list);
	ob_code rc = OB_OK;

	memset(head, 0, sizeof(*head));
	if (n == 0) {
		const_iri(RDF_NS "nil", head);
		return OB_OK;
	}
	const_iri(RDF_NS "first", &first);
	const_iri(RDF_NS "rest", &rest);
	cur.t.kind = OB_JSONLD_BNODE;
	cur.ok = 1;
	cur.t.value = bnode(r, NULL);
	if (!cur.t.value)
		return ob_fail(r->err, OB_ENOMEM, "out of memory");
	*head = cur;
	for (i = 0; i < n && !rc; i++) {
		const json_t *item = json_array_get(list, i);

		rc = node_to_rdf(r, item, g, &obj);
		if (!rc)
			rc = emit(r, &cur, &first, &obj, g);
		oterm_release(&obj);
		if (rc)
			break;
		memset(&next, 0, sizeof(next));
		if (i + 1 < n) {
			next.t.kind = OB_JSONLD_BNODE;
			next.t.value = bnode(r, NULL);
			next.ok = 1;
			if (!next.t.value)
				return ob_fail(r->err, OB_ENOMEM, "out of memory");
		} else {
			const_iri(RDF_NS "nil", &next);
		}
		rc = emit(r, &cur, &rest, &next, g);
		cur = next;
	}
	return rc;
}

/* §8.5 Object to RDF for a value object. */
static ob_code value_parts_to_rdf(struct rdf *r, const json_t *val, const char *type,
				  const char *lang, const char *dir, oterm *o);

static ob_code value_to_rdf(struct rdf *r, const json_t *v, oterm *o)
{
	const json_t *val = NULL, *x;
	const char *type = NULL, *lang = NULL, *dir = NULL, *k;

	/* one pass over the few entries instead of a lookup for each */
	json_object_foreach((json_t *)v, k, x) {
		switch (kw_id(k)) {
		case K_VALUE: val = x; break;
		case K_TYPE: type = json_string_value(x); break;
		case K_LANGUAGE: lang = json_string_value(x); break;
		case K_DIRECTION: dir = json_string_value(x); break;
		}
	}
	return value_parts_to_rdf(r, val, type, lang, dir, o);
}

/* The same, given the value object's entries. */
static ob_code value_parts_to_rdf(struct rdf *r, const json_t *val, const char *type,
				  const char *lang, const char *dir, oterm *o)
{
	char num[64];
	const char *lex = NULL, *dt = type;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->t.kind = OB_JSONLD_LITERAL;
	o->ok = 1;
	if (type && !strcmp(type, "@json")) {
		ob_buf b = OB_BUF_INIT;
		ob_error e = { 0 };

		if (ob_jcs_canonicalize(val, &b, &e))
			return ob_fail(r->err, e.code, "@json value: %s", e.msg);
		o->own = ob_buf_detach(&b, NULL);
		if (!o->own)
			return ob_fail(r->err, OB_ENOMEM, "out of memory");
		o->t.value = o->own;
		o->t.datatype = RDF_NS "JSON";
		return OB_OK;
	}
	if (json_is_boolean(val)) {
		lex = json_is_true(val) ? "true" : "false";
		if (!dt)
			dt = XSD_NS "boolean";
	} else if (json_is_number(val)) {
		double d = json_number_value(val);
		char js[64];

		if (!isfinite(d))
			return ob_fail(r->err, OB_EPARSE, "number out of range");
		if (ob_jcs_number(d, js) < 0)
			js[0] = '\0';
		if (strchr(js, '.') || fabs(d) >= 1e21 || (dt && !strcmp(dt, XSD_NS "double"))) {
			fmt_double(d, num, sizeof(num));
			if (!dt)
				dt = XSD_NS "double";
		} else {
			if (d == 0)
				snprintf(num, sizeof(num), "0");
			else
				snprintf(num, sizeof(num), "%.0f", d);
			if (!dt)
				dt = XSD_NS "integer";
		}
		lex = num;
	} else if (json_is_string(val)) {
		lex = json_string_value(val);
		if (!dt)
			dt = lang ? RDF_NS "langString" : XSD_NS "string";
	} else {
		o->ok = 0;
		return rdf_loss(r, "value object without a scalar @value");
	}
	/* strings stay in the expanded tree, which outlives the quad */
	if (lex == num && !(lex = o->own = strdup(num)))
		return ob_fail(r->err, OB_ENOMEM, "out of memory");
	o->t.value = lex;
	if (lang && !lang_ok(lang)) {
		o->ok = 0;
		return rdf_loss(r, "invalid language tag '%s'", lang);
	}
	if (dir) {
		if (r->o->rdf_direction != OB_JSONLD_DIR_I18N) {
			if (rdf_loss(r, "@direction '%s' without rdfDirection", dir))
				return r->err->code;
			dir = NULL;
		}
	}
	if (dir) {
		if (asprintf(&o->own_dt, "https://www.w3.org/ns/i18n#%s_%s", lang ? lang : "", dir) < 0) {
			o->own_dt = NULL;
			return ob_fail(r->err, OB_ENOMEM, "out of memory");
		}
		for (i = 0; o->own_dt[i]; i++)
			o->own_dt[i] = (char)tolower((unsigned char)o->own_dt[i]);
		o->t.datatype = o->own_dt;
		return OB_OK;
	}
	if (lang) {
		if (!(o->own_dt = strdup(lang)))
			return ob_fail(r->err, OB_ENOMEM, "out of memory");
		for (i = 0; o->own_dt[i]; i++)
			o->own_dt[i] = (char)tolower((unsigned char)o->own_dt[i]);
		o->t.lang = o->own_dt;
		o->t.datatype = RDF_NS "langString";
		return OB_OK;
	}
	o->t.datatype = dt;
	/* the XSD datatypes chosen above are absolute */
	if (dt == type && !is_abs_iri(dt)) {
		o->ok = 0;
		return rdf_loss(r, "relative datatype IRI '%s'", dt);
	}
	return OB_OK;
}

static ob_code props_to_rdf(struct rdf *r, const char **keys, size_t n, const json_t *types,
			    const oterm *subj, const oterm *g);

/* Object to RDF for any expanded item; node objects also emit their own
 * triples (what the node map would hold). *subj is the item's term. */
static ob_code node_to_rdf(struct rdf *r, const json_t *node, const oterm *g, oterm *subj)
{
	const char *kbuf[KEYS_STACK];
	const char **keys = kbuf, *k;
	const json_t *v, *idv = NULL, *types = NULL, *list = NULL;
	const char *id;
	size_t n = 0, size;
	int value = 0;
	ob_code rc;

	memset(subj, 0, sizeof(*subj));
	if (++r->depth > OB_JSONLD_MAX_DEPTH) {
		rc = ob_fail(r->err, OB_EPARSE, "JSON-LD nesting deeper than %d", OB_JSONLD_MAX_DEPTH);
		goto out;
	}
	if (!json_is_object(node)) {
		/* a bare value: {"@value": node} */
		if (r->bare && (json_is_string(node) || json_is_number(node) || json_is_boolean(node)))
			rc = value_parts_to_rdf(r, node, NULL, NULL, NULL, subj);
		else
			rc = OB_OK;
		goto out;
	}
	/* one pass over the keys: the keywords that decide what node is, and
	 * the keys to sort (§8.1 walks the properties in order) */
	size = json_object_size(node);
	if (size > KEYS_STACK && !(keys = malloc(size * sizeof(*keys)))) {
		keys = kbuf;
		rc = ob_fail(r->err, OB_ENOMEM, "out of memory");
		goto out;
	}
	json_object_foreach((json_t *)node, k, v) {
		keys[n++] = k;
		if (k[0] == '@') {
			switch (kw_id(k)) {
			case K_VALUE: value = 1; break;
			case K_LIST: list = v; break;
			case K_ID: idv = v; break;
			case K_TYPE: types = v; break;
			}
		}
	}
	if (value) {
		rc = value_to_rdf(r, node, subj);
		goto out;
	}
	if (list) {
		rc = list_to_rdf(r, list, g, subj);
		goto out;
	}
	id = json_string_value(idv);
	if (json_is_null(idv)) {
		subj->t.kind = OB_JSONLD_IRI;
		subj->t.value = "";
		subj->ok = 0; /* its @id was ignored: drop its triples */
		rc = OB_OK;
	} else if (id) {
		rc = iri_term(r, id, subj, "subject");
	} else {
		subj->t.kind = OB_JSONLD_BNODE;
		subj->t.value = bnode(r, NULL);
		subj->ok = 1;
		rc = subj->t.value ? OB_OK : ob_fail(r->err, OB_ENOMEM, "out of memory");
	}
	if (!rc) {
		sort_strs(keys, n);
		rc = props_to_rdf(r, keys, n, types, subj, g);
	}
out:
	if (keys != kbuf)
		free(keys);
	r->depth--;
	return rc;
}

/* keys: the node's keys, sorted; types: its @type (or NULL). */
static ob_code props_to_rdf(struct rdf *r, const char **keys, size_t n, const json_t *types,
			    const oterm *subj, const oterm *g)
{
	const json_t *v, *item;
	oterm pred = { 0 }, obj = { 0 }, rdftype = { 0 };
	size_t i, j, nv;
	ob_code rc = OB_OK;

	const_iri(RDF_NS "type", &rdftype);
	json_array_foreach(types, j, item) {
		if ((rc = iri_term(r, json_string_value(item), &obj, "type")) ||
		    (rc = emit(r, subj, &rdftype, &obj, g)))
			goto out;
	}
	for (i = 0; i < n && !rc; i++) {
		int kw = keys[i][0] == '@' ? kw_id(keys[i]) : -1;

		v = key_value(keys[i]);
		if (kw == K_GRAPH) {
			/* §7.2 step 6.9: the node names a graph */
			if (!subj->ok && (rc = rdf_loss(r, "graph name not well formed")))
				break;
			json_array_foreach(v, j, item) {
				if (!json_is_object(item) || is_value_obj(item) || is_list_obj(item))
					continue;
				/* a graph name that is not well formed drops the graph */
				rc = node_to_rdf(r, item, subj, &obj);
				oterm_release(&obj);
				if (rc)
					break;
			}
			continue;
		}
		if (kw == K_INCLUDED) {
			json_array_foreach(v, j, item) {
				rc = node_to_rdf(r, item, g, &obj);
				oterm_release(&obj);
				if (rc)
					break;
			}
			continue;
		}
		if (kw == K_REVERSE) {
			const char *rk;
			const json_t *rv;

			json_object_foreach((json_t *)v, rk, rv) {
				if ((rc = iri_term(r, rk, &pred, "predicate")))
					break;
				json_array_foreach(rv, j, item) {
					rc = node_to_rdf(r, item, g, &obj);
					if (!rc)
						rc = emit(r, &obj, &pred, subj, g);
					oterm_release(&obj);
					if (rc)
						break;
				}
				if (rc)
					break;
			}
			continue;
		}
		if (kw >= 0)
			continue;
		if (is_bnode(keys[i])) {
			/* generalized RDF only */
			if ((rc = rdf_loss(r, "blank node predicate '%s'", keys[i])))
				break;
			memset(&pred, 0, sizeof(pred));
		} else if ((rc = iri_term(r, keys[i], &pred, "predicate"))) {
			break;
		}
		/* a single value may stand unwrapped (add_prop_value) */
		nv = json_is_array(v) ? json_array_size(v) : (size_t)!!r->bare;
		for (j = 0; j < nv; j++) {
			item = json_is_array(v) ? json_array_get(v, j) : v;
			rc = node_to_rdf(r, item, g, &obj);
			if (!rc)
				rc = emit(r, subj, &pred, &obj, g);
			oterm_release(&obj);
			if (rc)
				break;
		}
	}
out:
	oterm_release(&obj);
	return rc;
}

static ob_code expanded_to_rdf(const json_t *expanded, const ob_jsonld_opts *o, int bare,
			       ob_jsonld_quad_fn fn, void *fn_ctx, ob_error *err)
{
	struct rdf r = { .o = o, .err = err, .fn = fn, .fn_ctx = fn_ctx, .bare = bare };
	oterm subj = { 0 };
	const json_t *item;
	size_t i;
	ob_code rc = OB_OK;

	r.pool = &r.first;
	json_array_foreach(expanded, i, item) {
		if (!json_is_object(item) || is_value_obj(item) || is_list_obj(item))
			continue;
		rc = node_to_rdf(&r, item, NULL, &subj);
		oterm_release(&subj);
		if (rc)
			break;
	}
	json_decref(r.labels);
	while (r.pool != &r.first) {
		struct lchunk *next = r.pool->next;

		free(r.pool);
		r.pool = next;
	}
	return rc;
}

ob_code ob_jsonld_expanded_to_rdf(const json_t *expanded, const ob_jsonld_opts *o,
				  ob_jsonld_quad_fn fn, void *fn_ctx, ob_error *err)
{
	return expanded_to_rdf(expanded, o, 0, fn, fn_ctx, err);
}

ob_code ob_jsonld_to_rdf(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
			 ob_jsonld_quad_fn fn, void *fn_ctx, ob_error *err)
{
	json_t *x;
	ob_code rc;

	json_decref(p->last);
	p->last = NULL;
	if (!(x = expand_doc(p, doc, o, 1, err)))
		return err && err->code ? err->code : OB_EPARSE;
	rc = expanded_to_rdf(x, o, 1, fn, fn_ctx, err);
	p->last = x;
	return rc;
}

/* ---- canonical N-Quads (RDFC-1.0 App. A) ------------------------------- */

static void put_iri(ob_buf *b, const char *s)
{
	ob_buf_addc(b, '<');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || strchr("<>\"{}|^`\\", c))
			ob_buf_addf(b, "\\u%04X", c);
		else
			ob_buf_addc(b, (char)c);
	}
	ob_buf_addc(b, '>');
}

static void put_literal(ob_buf *b, const char *s)
{
	ob_buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '\b': ob_buf_adds(b, "\\b"); break;
		case '\t': ob_buf_adds(b, "\\t"); break;
		case '\n': ob_buf_adds(b, "\\n"); break;
		case '\f': ob_buf_adds(b, "\\f"); break;
		case '\r': ob_buf_adds(b, "\\r"); break;
		case '"': ob_buf_adds(b, "\\\""); break;
		case '\\': ob_buf_adds(b, "\\\\"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				ob_buf_addf(b, "\\u%04X", c);
			else
				ob_buf_addc(b, (char)c);
		}
	}
	ob_buf_addc(b, '"');
}

static void put_term(ob_buf *b, const ob_jsonld_term *t)
{
	switch (t->kind) {
	case OB_JSONLD_IRI:
		put_iri(b, t->value);
		break;
	case OB_JSONLD_BNODE:
		ob_buf_adds(b, t->value);
		break;
	case OB_JSONLD_LITERAL:
		put_literal(b, t->value);
		if (t->lang) {
			ob_buf_addc(b, '@');
			ob_buf_adds(b, t->lang);
		} else if (t->datatype && strcmp(t->datatype, XSD_NS "string")) {
			ob_buf_adds(b, "^^");
			put_iri(b, t->datatype);
		}
		break;
	}
}

int ob_jsonld_write_nquad(ob_buf *b, const ob_jsonld_term *s, const ob_jsonld_term *p,
			  const ob_jsonld_term *o, const ob_jsonld_term *g)
{
	put_term(b, s);
	ob_buf_addc(b, ' ');
	put_term(b, p);
	ob_buf_addc(b, ' ');
	put_term(b, o);
	if (g) {
		ob_buf_addc(b, ' ');
		put_term(b, g);
	}
	ob_buf_adds(b, " .\n");
	return b->oom ? -1 : 0;
}

int ob_jsonld_nquads_fn(void *c, const ob_jsonld_term *s, const ob_jsonld_term *p,
			const ob_jsonld_term *o, const ob_jsonld_term *g)
{
	return ob_jsonld_write_nquad(c, s, p, o, g);
}
