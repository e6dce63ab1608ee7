/* cborld_ctx: what cborld's decoder and encoder share (cborld_int.h):
 * cborld 4.3.4's keyword ids and context registry, term ids, loaded
 * contexts, the active-context stack, and Date's ISO text. */
#include "io/cborld.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/cborld_int.h"

/* keywords.js: fixed ids, in this order, step 2 */
static const char *const KEYWORDS[] = {
	"@context", "@type", "@id", "@value", "@direction", "@graph", "@included", "@index", "@json",
	"@language", "@list", "@nest", "@reverse", "@base", "@container", "@default", "@embed",
	"@explicit", "@none", "@omitDefault", "@prefix", "@preserve", "@protected", "@requireAll",
	"@set", "@version", "@vocab",
};
#define NKEYWORDS (sizeof(KEYWORDS) / sizeof(KEYWORDS[0]))

/* codecs/registeredContexts.js */
static const struct {
	uint64_t id;
	const char *url;
} REGISTRY[] = {
	{ 0x10, "https://www.w3.org/ns/activitystreams" },
	{ 0x11, "https://www.w3.org/2018/credentials/v1" },
	{ 0x12, "https://www.w3.org/ns/did/v1" },
	{ 0x13, "https://w3id.org/security/suites/ed25519-2018/v1" },
	{ 0x14, "https://w3id.org/security/suites/ed25519-2020/v1" },
	{ 0x15, "https://w3id.org/cit/v1" },
	{ 0x16, "https://w3id.org/age/v1" },
	{ 0x17, "https://w3id.org/security/suites/x25519-2020/v1" },
	{ 0x18, "https://w3id.org/veres-one/v1" },
	{ 0x19, "https://w3id.org/webkms/v1" },
	{ 0x1A, "https://w3id.org/zcap/v1" },
	{ 0x1B, "https://w3id.org/security/suites/hmac-2019/v1" },
	{ 0x1C, "https://w3id.org/security/suites/aes-2019/v1" },
	{ 0x1D, "https://w3id.org/vaccination/v1" },
	{ 0x1E, "https://w3id.org/vc-revocation-list-2020/v1" },
	{ 0x1F, "https://w3id.org/dcc/v1" },
	{ 0x20, "https://w3id.org/vc/status-list/v1" },
	{ 0x30, "https://w3id.org/security/data-integrity/v1" },
	{ 0x31, "https://w3id.org/security/multikey/v1" },
	{ 0x32, "https://purl.imsglobal.org/spec/ob/v3p0/context.json" },
};

const char *cbld_registry_url(uint64_t id)
{
	size_t i;

	for (i = 0; i < sizeof(REGISTRY) / sizeof(REGISTRY[0]); i++)
		if (REGISTRY[i].id == id)
			return REGISTRY[i].url;
	return NULL;
}

uint64_t cbld_registry_id(const char *url)
{
	size_t i;

	for (i = 0; i < sizeof(REGISTRY) / sizeof(REGISTRY[0]); i++)
		if (!strcmp(REGISTRY[i].url, url))
			return REGISTRY[i].id;
	return 0;
}

/* ---- small helpers ---- */

int cbld_truthy(const json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0; /* NaN is not JSON */
	default:
		return 1;
	}
}

/* The next UTF-16 code unit of a UTF-8 string (jansson's, so valid);
 * *pend holds a pending low surrogate. 0 at the end. */
static unsigned next_unit(const unsigned char **p, unsigned *pend)
{
	const unsigned char *s = *p;
	unsigned cp;

	if (*pend) {
		cp = *pend;
		*pend = 0;
		return cp;
	}
	if (!*s)
		return 0;
	if (s[0] < 0x80) {
		cp = s[0];
		*p = s + 1;
	} else if ((s[0] & 0xe0) == 0xc0 && s[1]) {
		cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
		*p = s + 2;
	} else if ((s[0] & 0xf0) == 0xe0 && s[1] && s[2]) {
		cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
		*p = s + 3;
	} else if (s[1] && s[2] && s[3]) {
		cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) | (s[3] & 0x3fu);
		*p = s + 4;
	} else {
		cp = s[0];
		*p = s + 1;
	}
	if (cp >= 0x10000) {
		cp -= 0x10000;
		*pend = 0xdc00 + (cp & 0x3ff);
		return 0xd800 + (cp >> 10);
	}
	return cp;
}

int cbld_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	unsigned pa = 0, pb = 0;

	for (;;) {
		unsigned x = next_unit(&p, &pa), y = next_unit(&q, &pb);

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			return 0;
	}
}

static int cmp_ptr(const void *a, const void *b)
{
	return cbld_cmp(*(const char *const *)a, *(const char *const *)b);
}

void cbld_sort(const char **v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_ptr);
}

int cbld_is_keyword(const char *t)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++)
		if (!strcmp(KEYWORDS[i], t))
			return 1;
	return 0;
}

/* ---- term ids ---- */

int cbld_init(struct cbld *s, ob_loader *loader, ob_error *err)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->loader = loader;
	s->err = err;
	if (!(s->term_ids = json_object()) || !(s->owned = json_array()))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < NKEYWORDS; i++)
		if (json_object_set_new(s->term_ids, KEYWORDS[i], json_integer((json_int_t)(2 * i))))
			return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

void cbld_release(struct cbld *s)
{
	size_t i;

	while (s->nodes) {
		struct cbld_node *n = s->nodes->next;

		free(s->nodes);
		s->nodes = n;
	}
	while (s->entries) {
		struct cbld_entry *e = s->entries->next;

		json_decref(s->entries->ctx);
		json_decref(s->entries->terms);
		json_decref(s->entries->scoped);
		json_decref(s->entries->id_alias);
		json_decref(s->entries->type_alias);
		free(s->entries);
		s->entries = e;
	}
	for (i = 0; i < s->ncache; i++)
		free(s->cache[i].url);
	for (i = 0; i < s->nterms; i++)
		free(s->terms[i]);
	free(s->terms);
	json_decref(s->term_ids);
	json_decref(s->owned);
}

long cbld_term_id(const struct cbld *s, const char *term)
{
	json_t *v = json_object_get(s->term_ids, term);

	return v ? (long)json_integer_value(v) : -1;
}

const char *cbld_id_term(const struct cbld *s, uint64_t id)
{
	if (id & 1)
		return NULL;
	if (id < 2 * NKEYWORDS)
		return KEYWORDS[id / 2];
	if (id < CBLD_FIRST_TERM_ID || (id - CBLD_FIRST_TERM_ID) / 2 >= s->nterms)
		return NULL;
	return s->terms[(id - CBLD_FIRST_TERM_ID) / 2];
}

static ob_code new_term(struct cbld *s, const char *term)
{
	if (json_object_get(s->term_ids, term))
		return OB_OK;
	if (s->nterms >= OB_CBORLD_MAX_TERMS)
		return ob_fail(s->err, OB_ELIMIT, "CBOR-LD: the contexts define more than %d terms", OB_CBORLD_MAX_TERMS);
	if (s->nterms == s->cap_terms) {
		size_t cap = s->cap_terms ? 2 * s->cap_terms : 256;
		char **v = realloc(s->terms, cap * sizeof(*v));

		if (!v)
			return ob_fail(s->err, OB_ENOMEM, "out of memory");
		s->terms = v;
		s->cap_terms = cap;
	}
	if (!(s->terms[s->nterms] = strdup(term)) ||
	    json_object_set_new(s->term_ids, term, json_integer((json_int_t)(CBLD_FIRST_TERM_ID + 2 * s->nterms)))) {
		free(s->terms[s->nterms]);
		return ob_fail(s->err, OB_ENOMEM, "out of memory");
	}
	s->nterms++;
	return OB_OK;
}

/* ---- contexts ---- */

static struct cbld_entry *add_context(struct cbld *s, const json_t *ctx, int depth);

/* The context object a URL names (its document's @context). */
static const json_t *fetch_context(struct cbld *s, const char *url)
{
	const json_t *doc = ob_loader_get(s->loader, url, s->err), *c;

	if (!doc)
		return NULL;
	c = json_object_get(doc, "@context");
	if (!json_is_object(c)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: context '%s' has no @context object", url);
		return NULL;
	}
	return c;
}

static struct cbld_entry *cached(struct cbld *s, const json_t *c)
{
	size_t i;

	for (i = 0; i < s->ncache; i++)
		if (json_is_string(c) ? (s->cache[i].url && !strcmp(s->cache[i].url, json_string_value(c)))
				      : s->cache[i].key == c)
			return s->cache[i].e;
	return NULL;
}

static void remember(struct cbld *s, const json_t *c, struct cbld_entry *e)
{
	struct cbld_cache *k;

	if (s->ncache == sizeof(s->cache) / sizeof(s->cache[0]))
		return;
	k = &s->cache[s->ncache];
	if (json_is_string(c)) {
		if (!(k->url = strdup(json_string_value(c))))
			return;
	} else {
		k->key = c;
	}
	k->e = e;
	s->ncache++;
}

/* The entry of one context as pushed (a URL or an object), loaded once. */
static struct cbld_entry *context_entry(struct cbld *s, const json_t *c, int depth)
{
	struct cbld_entry *e = cached(s, c);
	const json_t *ctx = c;

	if (e)
		return e;
	if (json_is_string(c)) {
		if (!(ctx = fetch_context(s, json_string_value(c))))
			return NULL;
	} else if (!json_is_object(c)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a context that is neither a URL nor an object");
		return NULL;
	}
	if ((e = add_context(s, ctx, depth)))
		remember(s, c, e);
	return e;
}

/* @import: the imported context's members under this one's. */
static json_t *with_import(struct cbld *s, const json_t *ctx, int depth)
{
	const json_t *imp = json_object_get(ctx, "@import");
	struct cbld_entry *ie;
	json_t *merged;

	if (depth > 4) {
		ob_fail(s->err, OB_ELIMIT, "CBOR-LD: @import nested too deep");
		return NULL;
	}
	if (!json_is_string(imp)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: @import is not a URL");
		return NULL;
	}
	if (!(ie = context_entry(s, imp, depth + 1)))
		return NULL;
	if (!(merged = json_copy(ie->ctx)) || json_object_update(merged, (json_t *)ctx)) {
		json_decref(merged);
		ob_fail(s->err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	return merged;
}

static int alias_of(const json_t *def, const char *kw)
{
	const json_t *id = json_is_object(def) ? json_object_get(def, "id") : def;

	return json_is_string(id) && !strcmp(json_string_value(id), kw);
}

/* Transformer._addContext: terms in sorted order get ids; definitions,
 * scoped contexts and @id/@type aliases are recorded. */
static struct cbld_entry *add_context(struct cbld *s, const json_t *ctx, int depth)
{
	struct cbld_entry *e = NULL;
	const char **keys = NULL;
	const char *key;
	json_t *def, *merged = NULL;
	size_t n = 0, i;

	if (++s->loads > 4 * OB_CBORLD_MAX_CONTEXTS) {
		ob_fail(s->err, OB_ELIMIT, "CBOR-LD: more than %d context loads", 4 * OB_CBORLD_MAX_CONTEXTS);
		return NULL;
	}
	if (cbld_truthy(json_object_get(ctx, "@import"))) {
		if (!(merged = with_import(s, ctx, depth)))
			return NULL;
		ctx = merged;
	}
	if (!(e = calloc(1, sizeof(*e))))
		goto oom;
	e->next = s->entries;
	s->entries = e;
	if (!(keys = malloc((json_object_size(ctx) + 1) * sizeof(*keys))))
		goto oom;
	e->ctx = merged ? merged : json_incref((json_t *)ctx);
	merged = NULL;
	if (!(e->terms = json_object()) || !(e->scoped = json_object()) || !(e->id_alias = json_object()) ||
	    !(e->type_alias = json_object()))
		goto oom;
	json_object_foreach((json_t *)ctx, key, def)
		keys[n++] = key;
	cbld_sort(keys, n);
	for (i = 0; i < n; i++) {
		const json_t *sc;

		def = json_object_get(ctx, keys[i]);
		if (!cbld_truthy(def))
			continue;
		if (alias_of(def, "@id") && json_object_set_new(e->id_alias, keys[i], json_true()))
			goto oom;
		if (!alias_of(def, "@id") && alias_of(def, "@type") && json_object_set_new(e->type_alias, keys[i], json_true()))
			goto oom;
		if (cbld_is_keyword(keys[i]))
			continue;
		if (new_term(s, keys[i]) || json_object_set(e->terms, keys[i], def))
			goto fail;
		sc = json_is_object(def) ? json_object_get(def, "@context") : NULL;
		if (cbld_truthy(sc) && json_object_set(e->scoped, keys[i], (json_t *)sc))
			goto oom;
	}
	free(keys);
	return e;
oom:
	ob_fail(s->err, OB_ENOMEM, "out of memory");
fail:
	json_decref(merged);
	free(keys);
	return NULL; /* e stays on s->entries, freed with s */
}

int cbld_stack_copy(struct cbld *s, struct cbld_stack *dst, const struct cbld_stack *src)
{
	dst->n = dst->cap = 0;
	dst->v = NULL;
	if (!src->n)
		return 0;
	if (!(dst->v = malloc(src->n * sizeof(*dst->v))))
		return ob_fail(s->err, OB_ENOMEM, "out of memory");
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = dst->cap = src->n;
	return 0;
}

void cbld_stack_free(struct cbld_stack *st)
{
	free(st->v);
	st->v = NULL;
	st->n = st->cap = 0;
}

struct cbld_node *cbld_top(const struct cbld_stack *st)
{
	return st->n ? st->v[st->n - 1] : NULL;
}

static ob_code push_one(struct cbld *s, struct cbld_stack *st, const json_t *c)
{
	struct cbld_entry *e;
	struct cbld_node *n;

	if (++s->pushes > OB_CBORLD_MAX_PUSHES)
		return ob_fail(s->err, OB_ELIMIT, "CBOR-LD: more than %d context activations", OB_CBORLD_MAX_PUSHES);
	if (st->n >= CBLD_MAX_STACK)
		return ob_fail(s->err, OB_ELIMIT, "CBOR-LD: more than %d active contexts", CBLD_MAX_STACK);
	if (!(e = context_entry(s, c, 0)))
		return s->err->code;
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 8;
		struct cbld_node **v = realloc(st->v, cap * sizeof(*v));

		if (!v)
			return ob_fail(s->err, OB_ENOMEM, "out of memory");
		st->v = v;
		st->cap = cap;
	}
	if (!(n = calloc(1, sizeof(*n))))
		return ob_fail(s->err, OB_ENOMEM, "out of memory");
	n->e = e;
	n->raw = c;
	json_array_append(s->owned, (json_t *)c); /* raw stays valid as long as s */
	n->parent = cbld_top(st);
	n->next = s->nodes;
	s->nodes = n;
	st->v[st->n++] = n;
	return OB_OK;
}

ob_code cbld_push(struct cbld *s, struct cbld_stack *st, const json_t *contexts)
{
	size_t i;

	if (!cbld_truthy(contexts))
		return OB_OK;
	if (!json_is_array(contexts))
		return push_one(s, st, contexts);
	for (i = 0; i < json_array_size(contexts); i++)
		if (push_one(s, st, json_array_get(contexts, i)))
			return s->err->code;
	return OB_OK;
}

/* Transformer._applyTypeScopedContexts: each distinct type, sorted, that
 * names a scoped context pushes it. */
ob_code cbld_push_types(struct cbld *s, struct cbld_stack *stack, const json_t *types)
{
	const char **v = malloc((json_array_size(types) + 1) * sizeof(*v));
	size_t i, n = json_array_size(types);

	if (!v)
		return ob_fail(s->err, OB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(types, i));
	cbld_sort(v, n);
	for (i = 0; i < n; i++) {
		const json_t *sc;

		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		if ((sc = cbld_scoped(cbld_top(stack), v[i])) && cbld_push(s, stack, sc))
			break;
	}
	free(v);
	return s->err->code;
}

/* `context[key] === null` in the context as pushed */
static int nulled(const struct cbld_node *n, const char *term)
{
	return json_is_object(n->raw) && json_is_null(json_object_get(n->raw, term));
}

const json_t *cbld_def(const struct cbld_node *n, const char *term)
{
	for (; n; n = n->parent) {
		const json_t *d = json_object_get(n->e->terms, term);

		if (d)
			return d;
		if (nulled(n, term))
			return NULL;
	}
	return NULL;
}

const json_t *cbld_scoped(const struct cbld_node *n, const char *term)
{
	for (; n; n = n->parent) {
		const json_t *d = json_object_get(n->e->scoped, term);

		if (d)
			return d;
		if (nulled(n, term))
			return NULL;
	}
	return NULL;
}

int cbld_is_alias(const struct cbld_node *n, const char *term, int which)
{
	for (; n; n = n->parent) {
		if (json_object_get(which == CBLD_ALIAS_ID ? n->e->id_alias : n->e->type_alias, term))
			return 1;
		if (json_object_get(n->e->terms, term) || nulled(n, term))
			return 0;
	}
	return 0;
}

json_t *cbld_type_terms(const struct cbld_node *top)
{
	json_t *v = json_array(), *seen = json_object();
	const struct cbld_node *n;
	const char *t;
	json_t *x;

	if (!v || !seen || json_array_append_new(v, json_string("@type")))
		goto oom;
	for (n = top; n; n = n->parent)
		json_object_foreach(n->e->type_alias, t, x) {
			if (json_object_get(seen, t) || !cbld_is_alias(top, t, CBLD_ALIAS_TYPE))
				continue;
			if (json_object_set_new(seen, t, json_true()) || json_array_append_new(v, json_string(t)))
				goto oom;
		}
	json_decref(seen);
	return v;
oom:
	json_decref(seen);
	json_decref(v);
	return NULL;
}

int cbld_term_type(struct cbld *s, const struct cbld_node *n, const json_t *def, ob_buf *out)
{
	const json_t *t = json_is_object(def) ? json_object_get(def, "@type") : NULL, *p;
	const char *type, *colon;
	char *prefix;

	if (!cbld_truthy(t))
		return 0;
	if (!json_is_string(t)) {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a term's @type is not a string");
		return -1;
	}
	type = json_string_value(t);
	colon = strchr(type, ':');
	if (!(prefix = strndup(type, colon ? (size_t)(colon - type) : strlen(type)))) {
		ob_fail(s->err, OB_ENOMEM, "out of memory");
		return -1;
	}
	p = cbld_def(n, prefix);
	free(prefix);
	if (!p)
		ob_buf_adds(out, type);
	else if (json_is_string(p))
		ob_buf_addf(out, "%s%s", json_string_value(p), colon ? colon + 1 : "");
	else if (json_is_object(p) && json_is_string(json_object_get(p, "@id")))
		ob_buf_addf(out, "%s%s", json_string_value(json_object_get(p, "@id")), colon ? colon + 1 : "");
	else {
		ob_fail(s->err, OB_EPARSE, "CBOR-LD: a term definition that is neither a string nor has an @id");
		return -1;
	}
	if (out->oom) {
		ob_fail(s->err, OB_ENOMEM, "out of memory");
		return -1;
	}
	return 1;
}

/* ---- dates: Date.prototype.toISOString ---- */

/* days since 1970-01-01 to a civil date (proleptic Gregorian) */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int cbld_iso(int64_t ms, char out[32])
{
	int64_t days, rem, y;
	unsigned mo, d;

	if (ms > 8640000000000000LL || ms < -8640000000000000LL)
		return -1;
	days = ms / 86400000;
	rem = ms % 86400000;
	if (rem < 0) {
		rem += 86400000;
		days--;
	}
	civil(days, &y, &mo, &d);
	if (y >= 0 && y <= 9999)
		snprintf(out, 32, "%04d", (int)y);
	else
		snprintf(out, 32, "%c%06lld", y < 0 ? '-' : '+', (long long)(y < 0 ? -y : y));
	snprintf(out + strlen(out), 32 - strlen(out), "-%02u-%02uT%02d:%02d:%02d.%03dZ", mo, d, (int)(rem / 3600000),
		 (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
	return 0;
}

