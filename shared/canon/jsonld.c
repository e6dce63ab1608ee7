/* jsonld: the JSON-LD processor (its context cache) and the helpers the
 * algorithms share: active contexts, reference counted and copy-on-write
 * (a context with more than one reference is never changed, so the cache
 * can key on context pointers), keyword dispatch, term definitions as read
 * by expansion, and the per-call state (errors, budgets).
 *
 * Section numbers cite JSON-LD 1.1 Processing Algorithms and API (W3C
 * REC 2020-07-16). The algorithms live in jsonld_context.c (§4.1, §4.2),
 * jsonld_iri.c (§4.3 and RFC 3986), jsonld_expand.c (§5) and
 * jsonld_tordf.c (§8); jsonld_int.h is what they share.
 */
#include "canon/jsonld.h"
#include "canon/jsonld_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon/contexts.h"

/* FNV-1a style over 8-byte words: table hashing, not security. */
uint32_t jl_str_hash(const char *s, size_t *len)
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

const struct ment *jl_memo_get(const struct memo *m, const char *key, uint32_t h,
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
const struct ment *jl_memo_put(struct memo **mp, const char *key, uint32_t h, size_t klen,
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
	e->abs = iri && jl_is_abs_iri(iri);
	e->di = NULL;
	e->js = NULL;
	e->hash = h;
	e->len = (uint32_t)klen;
	m->n++;
	return e;
}

/* m's IRI as a jansson string, borrowed from m (which keeps a reference
 * for as long as its context lives); NULL when the key expands to nothing
 * or out of memory. Only for the thread that owns m's processor. */
json_t *jl_ment_js(struct ment *m)
{
	if (!m->js && m->iri) {
		ob_arena_pause(); /* outlives the document */
		m->js = json_string_nocheck(m->iri);
		ob_arena_resume();
	}
	return m->js;
}

static void memo_free(struct memo *m)
{
	uint32_t i;

	if (!m)
		return;
	for (i = 0; i <= m->mask; i++) {
		free(m->tab[i].key);
		free(m->tab[i].iri);
		free(m->tab[i].di);
		json_decref(m->tab[i].js);
	}
	free(m->tab);
	free(m);
}

ctx *jl_ctx_new(const char *base)
{
	ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->refs = 1;
	ob_arena_pause(); /* contexts may outlive the document (caches) */
	c->terms = json_object();
	ob_arena_resume();
	if (!c->terms || (base && !(c->base = strdup(base)))) {
		json_decref(c->terms);
		free(c);
		return NULL;
	}
	return c;
}

ctx *jl_ctx_ref(ctx *c)
{
	if (c)
		c->refs++;
	return c;
}

void jl_ctx_unref(ctx *c)
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
		jl_ctx_unref(n);
		return NULL;
	}
	n->prev = jl_ctx_ref(c->prev);
	n->protected_terms = c->protected_terms;
	return n;
}

/* Makes *c safe to change: copies it when it is shared. */
int jl_ctx_mut(ctx **c)
{
	ctx *n;

	if ((*c)->refs == 1)
		return 0;
	n = ctx_copy(*c);
	if (!n)
		return -1;
	jl_ctx_unref(*c);
	*c = n;
	return 0;
}

int jl_def_container(const json_t *def, const char *what)
{
	const json_t *a = json_object_get(def, "@container");
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v), what) == 0)
			return 1;
	return 0;
}

/* A container mapping (an array) as C_* flags. */
static int container_flags(const json_t *a)
{
	size_t i;
	json_t *v;
	int f = 0;

	json_array_foreach(a, i, v) {
		switch (jl_kw_id(json_string_value(v))) {
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

void jl_dinfo_of(const json_t *def, struct dinfo *d)
{
	const char *k;
	json_t *v;

	memset(d, 0, sizeof(*d));
	d->def = def;
	json_object_foreach((json_t *)def, k, v) {
		switch (jl_kw_id(k)) {
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
json_t *jl_obj1(const char *k, json_t *v)
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
	p->initial = jl_ctx_new(NULL);
	if (p->initial)
		p->initial->cached = 1;
	if (!p->initial || !p->loader) {
		jl_ctx_unref(p->initial);
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
	jl_ctx_unref(e->parent);
	jl_ctx_unref(e->result);
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
	jl_ctx_unref(p->initial);
	ob_loader_free(p->own_loader);
	ob_arena_free(p->arena);
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
			return jl_ctx_ref(e->result);
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
	e->parent = jl_ctx_ref(parent);
	e->local = json_incref((json_t *)local);
	e->flags = flags;
	e->result = jl_ctx_ref(result);
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

/* Safe mode: a value the algorithms would drop is an error. */
ob_code jl_vloss(int safe, ob_error *err, const char *fmt, va_list ap)
{
	char msg[200];

	if (!safe)
		return OB_OK;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return ob_fail(err, OB_EINVALID, "data loss: %s", msg);
}

ob_code jl_data_loss(struct st *s, const char *fmt, ...)
{
	va_list ap;
	ob_code rc;

	va_start(ap, fmt);
	rc = jl_vloss(s->o->safe, s->err, fmt, ap);
	va_end(ap);
	return rc;
}

ob_code jl_nomem(struct st *s)
{
	return ob_fail(s->err, OB_ENOMEM, "out of memory");
}

/* The processor's cache holds what derives from cached contexts (the
 * remote ones), so it cannot fill up with per-document entries; what
 * derives from the document's own contexts is kept for this call only,
 * up to DCACHE_MAX_TERMS terms in all. Failures to remember are harmless. */
ctx *jl_cache_get(struct st *s, const ctx *parent, const char *url, const json_t *local,
		  const char *base_url, int flags)
{
	return cache_find(parent->cached ? s->p->cache : s->dcache, parent, url, local, base_url,
			  flags);
}

void jl_cache_put(struct st *s, ctx *parent, const char *url, const json_t *local,
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

ob_code jl_charge(struct st *s, size_t n)
{
	s->work += n;
	if (s->work > OB_JSONLD_MAX_WORK)
		return ob_fail(s->err, OB_ELIMIT, "over budget: JSON-LD contexts that define or "
			       "copy more than %d terms", OB_JSONLD_MAX_WORK);
	return OB_OK;
}

ob_code jl_enter(struct st *s)
{
	if (++s->depth > OB_JSONLD_MAX_DEPTH)
		return ob_fail(s->err, OB_EPARSE, "JSON-LD nesting deeper than %d",
			       OB_JSONLD_MAX_DEPTH);
	return OB_OK;
}

json_t *jl_as_array(json_t *v) /* takes v */
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
void jl_sort_strs(const char **v, size_t n)
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

/* stack: room for KEYS_STACK keys, used when they fit; free the result
 * with keys_free. */
const char **jl_sorted_keys(const json_t *obj, size_t *n, const char **stack)
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
	jl_sort_strs(keys, i);
	*n = i;
	return keys;
}

/* The value of a key that sorted_keys returned, without a lookup. */
json_t *jl_key_value(const char *key)
{
	return json_object_iter_value(json_object_key_to_iter(key));
}

void jl_keys_free(const char **keys, const char **stack)
{
	if (keys != stack)
		free(keys);
}

int jl_is_value_obj(const json_t *v)
{
	return json_is_object(v) && json_object_get(v, "@value");
}

int jl_is_list_obj(const json_t *v)
{
	return json_is_object(v) && json_object_get(v, "@list");
}

static ctx *initial_ctx(ob_jsonld *p, const ob_jsonld_opts *o)
{
	return o->base ? jl_ctx_new(o->base) : jl_ctx_ref(p->initial);
}

/* rdf: for toRdf, which reads bare values (struct st) */
json_t *jl_expand_doc(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o, int rdf,
		      ob_error *err)
{
	struct st s = { .p = p, .o = o, .err = err, .mode_10 = o->mode_10, .rdf = rdf };
	ctx *active = initial_ctx(p, o);
	json_t *r = NULL, *g;
	ob_code rc;

	if (!active) {
		jl_nomem(&s);
		return NULL;
	}
	if (o->expand_context) {
		const json_t *ec = json_object_get(o->expand_context, "@context");

		rc = jl_apply_ctx(&s, &active, ec ? ec : o->expand_context, o->base, 0, 1, 0);
		if (rc)
			goto out;
	}
	rc = jl_expand(&s, active, NULL, doc, o->base, 0, &r);
	if (rc)
		goto out;
	/* §5.1.2 steps 2-4 of the API's jl_expand() */
	if (json_is_object(r) && json_object_size(r) == 1 && (g = json_object_get(r, "@graph"))) {
		json_t *gg = json_incref(g);

		json_decref(r);
		r = gg;
	}
	if (!r)
		r = json_array();
	r = jl_as_array(r);
	if (!r)
		jl_nomem(&s);
out:
	cache_clear(s.dcache);
	jl_ctx_unref(active);
	if (rc) {
		json_decref(r);
		r = NULL;
	}
	return r;
}

json_t *ob_jsonld_expand(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
			 ob_error *err)
{
	return jl_expand_doc(p, doc, o, 0, err);
}
