/* jsonld_tordf: Deserialize JSON-LD to RDF (JSON-LD 1.1 API §8). It walks
 * the expanded tree directly instead of building the node map (§7.2): it
 * yields the same set of quads (RDF merges subjects that the node map
 * would merge), with fewer copies. */
#include "canon/jsonld.h"
#include "base/obkit.h"
#include "canon/jsonld_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon/jcs.h"
#include "canon/rdf_int.h"

#define PSEEN_BITS 8
#define PSEEN (1u << PSEEN_BITS)

/* Storage for our blank node labels, which live as long as the walk. */
struct lchunk {
	struct lchunk *next;
	size_t used;
	char data[1024];
};

struct rdf {
	const ob_jsonld_opts *o;
	ob_error *err;
	ob_jsonld_quad_fn fn;  /* the quads go to fn, or */
	void *fn_ctx;
	ob_rdf_dataset *ds;    /* straight into ds */
	json_t *labels; /* document blank node label -> our label (made when needed) */
	int bare;       /* a bare scalar is a value object (struct st) */
	struct lchunk *pool; /* our labels; the first chunk is first */
	struct lchunk first;
	unsigned long counter;
	int depth;
	/* ds only: the IRIs and blank nodes lately interned, by the address
	 * of their text, which stays put and unchanged for the whole walk
	 * (the expanded tree, constants, our labels): a term met again skips
	 * the checks, strlen and the dataset's hashing of its text */
	struct pterm {
		const char *v;
		uint32_t id;
		unsigned char kind;
	} seen[PSEEN];
};

/* The slot of a term's text address in struct rdf's seen. */
static unsigned seen_slot(const char *v)
{
	return (unsigned)(((uintptr_t)v >> 3) * 0x9e3779b1u) >> (32 - PSEEN_BITS) & (PSEEN - 1);
}

/* A term plus the storage it points into. ok = 0: not well formed, so
 * every triple that uses it is dropped (§8.1 step 1.3.x). */
typedef struct {
	ob_rdf_term t;
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
	rc = jl_vloss(r->o->safe, r->err, fmt, ap);
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
	if (r->pool->used + 1 + (sizeof(digits) - n) + 1 > sizeof(r->pool->data)) {
		struct lchunk *c = malloc(sizeof(*c));

		if (!c)
			return NULL;
		c->next = r->pool;
		c->used = 0;
		r->pool = c;
	}
	d = r->pool->data + r->pool->used;
	d[0] = 'b'; /* the label without "_:", as ob_rdf_term has it */
	memcpy(d + 1, digits + n, sizeof(digits) - n);
	d[1 + sizeof(digits) - n] = '\0';
	r->pool->used += 1 + (sizeof(digits) - n) + 1;
	if (old && ((!r->labels && !(r->labels = json_object())) ||
		    json_object_set_new(r->labels, old, json_string(d))))
		return NULL;
	return d;
}

static ob_code iri_term(struct rdf *r, const char *iri, oterm *t, const char *what)
{
	memset(t, 0, sizeof(*t));
	if (is_bnode(iri)) {
		t->t.kind = OB_RDF_BLANK;
		t->t.value = bnode(r, iri);
		if (!t->t.value)
			return ob_fail(r->err, OB_ENOMEM, "out of memory");
		t->ok = 1;
		return OB_OK;
	}
	t->t.kind = OB_RDF_IRI;
	t->t.value = iri;
	if (r->ds && r->seen[seen_slot(iri)].v == iri && r->seen[seen_slot(iri)].kind == OB_RDF_IRI) {
		t->ok = 1; /* only well-formed terms are remembered */
		return OB_OK;
	}
	/* len set: checked (term_id's fast way into the dataset) */
	t->t.len = jl_abs_iri_len(iri);
	t->ok = t->t.len != 0;
	return t->ok ? OB_OK : rdf_loss(r, "relative %s IRI '%s'", what, iri);
}

/* A constant, absolute IRI (rdf:type, rdf:first...). */
static void const_iri(const char *iri, oterm *t)
{
	memset(t, 0, sizeof(*t));
	t->t.kind = OB_RDF_IRI;
	t->t.value = iri;
	t->t.len = strlen(iri);
	t->ok = 1;
}

/* t's index in r->ds for its role, through r->seen; OB_RDF_NONE on
 * failure (r->err filled). */
static uint32_t term_id(struct rdf *r, const ob_rdf_term *t, ob_rdf_role role)
{
	struct pterm *e = NULL;
	ob_rdf_term c;
	uint32_t id;

	if (t->kind != OB_RDF_LITERAL) {
		e = &r->seen[seen_slot(t->value)];
		if (e->v == t->value && e->kind == t->kind && ob_rdf_role_ok(t->kind, role))
			return e->id;
	}
	if (t->kind == OB_RDF_IRI && t->len) {
		/* checked by iri_term (or a constant) */
		id = ob_rdf_dataset_clean_iri(r->ds, t->value, t->len, r->err);
	} else {
		c = *t;
		c.len = strlen(c.value);
		id = ob_rdf_dataset_term(r->ds, &c, role, r->err);
	}
	if (e && id != OB_RDF_NONE) {
		e->v = t->value;
		e->id = id;
		e->kind = (unsigned char)t->kind;
	}
	return id;
}

static ob_code emit(struct rdf *r, const oterm *s, const oterm *p, const oterm *o, const oterm *g)
{
	ob_rdf_term ts, tp, to, tg;
	uint32_t si, pi, oi, gi = OB_RDF_NONE;

	if (!s->ok || !p->ok || !o->ok || (g && !g->ok))
		return OB_OK;
	if (r->ds) {
		if ((si = term_id(r, &s->t, OB_RDF_SUBJECT)) == OB_RDF_NONE ||
		    (pi = term_id(r, &p->t, OB_RDF_PREDICATE)) == OB_RDF_NONE ||
		    (oi = term_id(r, &o->t, OB_RDF_OBJECT)) == OB_RDF_NONE ||
		    (g && (gi = term_id(r, &g->t, OB_RDF_GRAPH)) == OB_RDF_NONE))
			return r->err ? r->err->code : OB_EUSAGE;
		return ob_rdf_dataset_add_ids(r->ds, si, pi, oi, gi, r->err);
	}
	ts = s->t;
	tp = p->t;
	to = o->t;
	ts.len = strlen(ts.value);
	tp.len = strlen(tp.value);
	to.len = strlen(to.value);
	if (g) {
		tg = g->t;
		tg.len = strlen(tg.value);
	}
	if (r->fn(r->fn_ctx, &ts, &tp, &to, g ? &tg : NULL))
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
	cur.t.kind = OB_RDF_BLANK;
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
			next.t.kind = OB_RDF_BLANK;
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
		switch (jl_kw_id(k)) {
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
	o->t.kind = OB_RDF_LITERAL;
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
	if (dt == type && !jl_is_abs_iri(dt)) {
		o->ok = 0;
		return rdf_loss(r, "relative datatype IRI '%s'", dt);
	}
	return OB_OK;
}

static ob_code props_to_rdf(struct rdf *r, const char **keys, size_t n, const json_t *types,
			    const oterm *subj, const oterm *g);

/* A typed string value as expansion wrote it for toRdf: JL_TYPED type
 * NUL lexical form (jsonld_int.h); as value_parts_to_rdf would make it. */
static ob_code typed_to_rdf(struct rdf *r, const char *enc, oterm *o)
{
	const char *type = enc + 1;

	memset(o, 0, sizeof(*o));
	o->t.kind = OB_RDF_LITERAL;
	o->t.value = type + strlen(type) + 1;
	o->t.datatype = type;
	o->ok = 1;
	if (!jl_is_abs_iri(type)) {
		o->ok = 0;
		return rdf_loss(r, "relative datatype IRI '%s'", type);
	}
	return OB_OK;
}

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
		/* a bare value: {"@value": node}, or a typed one */
		if (r->bare && json_is_string(node) && json_string_value(node)[0] == JL_TYPED)
			rc = typed_to_rdf(r, json_string_value(node), subj);
		else if (r->bare && (json_is_string(node) || json_is_number(node) || json_is_boolean(node)))
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
			switch (jl_kw_id(k)) {
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
		subj->t.kind = OB_RDF_IRI;
		subj->t.value = "";
		subj->ok = 0; /* its @id was ignored: drop its triples */
		rc = OB_OK;
	} else if (id) {
		rc = iri_term(r, id, subj, "subject");
	} else {
		subj->t.kind = OB_RDF_BLANK;
		subj->t.value = bnode(r, NULL);
		subj->ok = 1;
		rc = subj->t.value ? OB_OK : ob_fail(r->err, OB_ENOMEM, "out of memory");
	}
	if (!rc) {
		jl_sort_strs(keys, n);
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
	/* a bare tree may hold a single type as a string */
	nv = json_is_array(types) ? json_array_size(types) : (size_t)(r->bare && json_is_string(types));
	for (j = 0; j < nv; j++) {
		item = json_is_array(types) ? json_array_get(types, j) : types;
		if ((rc = iri_term(r, json_string_value(item), &obj, "type")) ||
		    (rc = emit(r, subj, &rdftype, &obj, g)))
			goto out;
	}
	for (i = 0; i < n && !rc; i++) {
		int kw = keys[i][0] == '@' ? jl_kw_id(keys[i]) : -1;

		v = jl_key_value(keys[i]);
		if (kw == K_GRAPH) {
			/* §7.2 step 6.9: the node names a graph */
			if (!subj->ok && (rc = rdf_loss(r, "graph name not well formed")))
				break;
			json_array_foreach(v, j, item) {
				if (!json_is_object(item) || jl_is_value_obj(item) || jl_is_list_obj(item))
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
			       ob_jsonld_quad_fn fn, void *fn_ctx, ob_rdf_dataset *ds,
			       ob_error *err)
{
	struct rdf r = { .o = o, .err = err, .fn = fn, .fn_ctx = fn_ctx, .ds = ds, .bare = bare };
	oterm subj = { 0 };
	const json_t *item;
	size_t i;
	ob_code rc = OB_OK;

	r.pool = &r.first;
	json_array_foreach(expanded, i, item) {
		if (!json_is_object(item) || jl_is_value_obj(item) || jl_is_list_obj(item))
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
	return expanded_to_rdf(expanded, o, 0, fn, fn_ctx, NULL, err);
}

static ob_code to_rdf(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
		      ob_jsonld_quad_fn fn, void *fn_ctx, ob_rdf_dataset *ds, ob_error *err)
{
	ob_arena *prev, *arena;
	json_t *x;
	ob_code rc;

	/* the expanded tree and everything toRdf makes are the document's
	 * derivatives, never key material (base/obkit.h) */
	ob_wipe_pause();
	if (!p->arena)
		p->arena = ob_arena_new();
	/* the expanded tree comes from p's arena, reset once it is freed;
	 * what it shares with longer-lived things (contexts, memos) is made
	 * outside it (jl_apply_ctx, jl_ctx_new, jl_ment_js). A toRdf that a
	 * callback starts on p while p's tree lives uses malloc. */
	prev = ob_arena_use(NULL);
	arena = prev == p->arena ? NULL : p->arena;
	ob_arena_use(arena);
	x = jl_expand_doc(p, doc, o, 1, err);
	/* toRdf's own allocations (and the callback's) are ordinary ones */
	ob_arena_pause();
	if (x)
		rc = expanded_to_rdf(x, o, 1, fn, fn_ctx, ds, err);
	else
		rc = err && err->code ? err->code : OB_EPARSE;
	json_decref(x);
	ob_arena_resume();
	ob_arena_use(prev);
	ob_arena_reset(arena);
	ob_wipe_resume();
	return rc;
}

ob_code ob_jsonld_to_rdf(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
			 ob_jsonld_quad_fn fn, void *fn_ctx, ob_error *err)
{
	return to_rdf(p, doc, o, fn, fn_ctx, NULL, err);
}

ob_code ob_jsonld_to_dataset(ob_jsonld *p, const json_t *doc, const ob_jsonld_opts *o,
			     ob_rdf_dataset *ds, ob_error *err)
{
	return to_rdf(p, doc, o, NULL, NULL, ds, err);
}

int ob_jsonld_nquads_fn(void *c, const ob_rdf_term *s, const ob_rdf_term *p,
			const ob_rdf_term *o, const ob_rdf_term *g)
{
	return ob_rdf_write_nquad(c, s, p, o, g);
}
