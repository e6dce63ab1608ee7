/* jsonld_expand: the Expansion Algorithm (JSON-LD 1.1 API §5.1) and Value
 * Expansion (§5.3), into jansson values (the spec's data model). */
#include "canon/jsonld_int.h"

#include <stdlib.h>
#include <string.h>

static ob_code expand_def(struct st *s, ctx *active, const char *prop, const struct dinfo *d,
			  const json_t *elem, const char *base_url, int from_map, json_t **out);

/* Appends v (an array's items, or v itself) to the array at obj[key],
 * taking v. */
static ob_code add_value(struct st *s, json_t *obj, const char *key, json_t *v)
{
	json_t *a = json_object_get(obj, key);

	/* an array only we hold becomes the entry itself */
	if (!a && json_is_array(v) && v->refcount == 1)
		return json_object_set_new_nocheck(obj, key, v) ? jl_nomem(s) : OB_OK;
	if (a && !json_is_array(a)) {
		/* a single property value (add_prop_value) gets company */
		json_t *w = json_array();

		if (!w || json_array_append(w, a)) {
			json_decref(w);
			json_decref(v);
			return jl_nomem(s);
		}
		if (json_object_set_new_nocheck(obj, key, w)) { /* takes w */
			json_decref(v);
			return jl_nomem(s);
		}
		a = w;
	}
	if (!a) {
		a = json_array();
		if (!a || json_object_set_new_nocheck(obj, key, a)) {
			json_decref(v);
			return jl_nomem(s);
		}
	}
	if (json_is_array(v)) {
		if (json_array_extend(a, v)) {
			json_decref(v);
			return jl_nomem(s);
		}
		json_decref(v);
		return OB_OK;
	}
	return json_array_append_new(a, v) ? jl_nomem(s) : OB_OK;
}

/* add_value for a node's property: for toRdf a single value stays
 * unwrapped (no array for it), which toRdf reads alike. Takes v. */
static ob_code add_prop_value(struct st *s, json_t *obj, const char *key, json_t *v)
{
	if (s->rdf && !s->no_bare && !json_is_array(v) && !json_object_get(obj, key))
		return json_object_set_new_nocheck(obj, key, v) ? jl_nomem(s) : OB_OK;
	return add_value(s, obj, key, v);
}

/* For toRdf, a typed string value {"@value": v, "@type": type} as one
 * string, JL_TYPED type NUL v (jsonld_int.h): no object. */
static ob_code typed_value(struct st *s, const char *type, const json_t *value, json_t **out)
{
	size_t tl = strlen(type), vl = json_string_length(value), n = tl + vl + 2;
	char buf[256], *b = n <= sizeof(buf) ? buf : malloc(n);

	if (!b)
		return jl_nomem(s);
	b[0] = JL_TYPED;
	memcpy(b + 1, type, tl + 1);
	memcpy(b + tl + 2, json_string_value(value), vl);
	*out = json_stringn_nocheck(b, n);
	if (b != buf)
		free(b);
	return *out ? OB_OK : jl_nomem(s);
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
	tk = type ? jl_kw_id(type) : K_OTHER;
	if (type && json_is_string(value) && (tk == K_ID || tk == K_VOCAB)) {
		rc = jl_expand_iri(s, &active, json_string_value(value), 1, tk == K_VOCAB,
				NULL, NULL, &iri);
		if (rc)
			return rc;
		if (!iri)
			return jl_data_loss(s, "value '%s' does not expand to an IRI", json_string_value(value));
		if (!jl_is_abs_iri(iri) && !is_bnode(iri) && (rc = jl_data_loss(s, "relative IRI '%s'", iri))) {
			free(iri);
			return rc;
		}
		/* for toRdf an IRI that expands to itself shares the input's
		 * string */
		r = jl_obj1("@id", s->rdf && !strcmp(iri, json_string_value(value))
					   ? json_incref((json_t *)value) : json_string_nocheck(iri));
		free(iri);
		goto out;
	}
	if (s->bare && !s->no_bare && type && tk != K_ID && tk != K_VOCAB && tk != K_NONE &&
	    tk != K_JSON && json_is_string(value))
		return typed_value(s, type, value, out);
	if (s->bare && !s->no_bare && !(type && tk != K_ID && tk != K_VOCAB && tk != K_NONE) &&
	    (!json_is_string(value) ||
	     (json_string_value(value)[0] != JL_TYPED &&
	      !(l ? json_is_string(l) : active->lang != NULL) &&
	      !(d ? json_is_string(d) : active->dir != NULL)))) {
		*out = json_incref((json_t *)value);
		return OB_OK;
	}
	r = jl_obj1("@value", json_incref((json_t *)value));
	if (!r)
		return jl_nomem(s);
	if (type && tk != K_ID && tk != K_VOCAB && tk != K_NONE) {
		/* for toRdf the definition's string is shared (di->type is
		 * its @type's text) */
		json_t *dt = json_object_get(di->def, "@type");

		if (json_object_set_new(r, "@type", s->rdf && json_string_value(dt) == type
							  ? json_incref(dt) : json_string(type)))
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
		return jl_nomem(s);
	*out = r;
	return OB_OK;
oom:
	json_decref(r);
	return jl_nomem(s);
}

/* The same, looking prop's definition up in active. */
static ob_code expand_value(struct st *s, ctx *active, const char *prop, const json_t *value,
			    json_t **out)
{
	struct dinfo d;

	jl_dinfo_of(term_def(active, prop), &d);
	return expand_value_def(s, active, &d, value, out);
}

#define PK_MAX 16

struct xobj {
	ctx *active;      /* borrowed */
	ctx *type_scoped; /* borrowed: the context for @type values (§5.1 step 11) */
	const char *prop;
	const char *base_url;
	const char *input_type;
	json_t *result;
	/* toRdf: @type is a one-element array kept as its string, which a
	 * value object must not have (obj_result puts the array back) */
	int type1;
	/* toRdf: hash and length of each property IRI result has, so that
	 * a new one needs no lookup; npk > PK_MAX: not known (too many, or
	 * added otherwise: @reverse, @nest) */
	uint32_t pkh[PK_MAX], pklen[PK_MAX];
	int npk;
};

/* x->result[key] gets v (taking v) as add_prop_value does; for toRdf,
 * when x->pkh shows key is new, without looking it up first. */
static ob_code prop_value(struct st *s, struct xobj *x, const char *key, json_t *v)
{
	size_t len;
	uint32_t h;
	int i;

	if (!s->rdf || s->no_bare || x->npk >= PK_MAX ||
	    (json_is_array(v) && v->refcount != 1))
		goto slow;
	h = jl_str_hash(key, &len);
	/* the same hash and length: maybe the same key (look it up) */
	for (i = 0; i < x->npk; i++)
		if (x->pkh[i] == h && x->pklen[i] == len)
			goto slow;
	/* a new key: the value (or the array only we hold) is the entry, as
	 * add_prop_value and add_value would make it */
	if (json_object_setn_new_nocheck(x->result, key, len, v))
		return jl_nomem(s);
	x->pkh[x->npk] = h;
	x->pklen[x->npk++] = (uint32_t)len;
	return OB_OK;
slow:
	x->npk = PK_MAX + 1;
	return add_prop_value(s, x->result, key, v);
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

	if (!r || !(keys = jl_sorted_keys(value, &n, kbuf))) {
		rc = jl_nomem(s);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *li = NULL;

		vals = jl_as_array(json_incref(json_object_get(value, keys[i])));
		if (!vals) {
			rc = jl_nomem(s);
			goto out;
		}
		if ((rc = jl_key_iri(s, x->active, keys[i], &li)))
			goto out;
		json_array_foreach(vals, j, item) {
			if (json_is_null(item))
				continue;
			if (!json_is_string(item)) {
				free(li);
				rc = FAIL(s, "invalid language map value: %s", keys[i]);
				goto out;
			}
			v = jl_obj1("@value", json_incref(item));
			if (!v || (strcmp(keys[i], "@none") && !(li && !strcmp(li, "@none")) &&
				   json_object_set_new(v, "@language", json_string(keys[i]))) ||
			    (dir && json_object_set_new(v, "@direction", json_string(dir))) ||
			    json_array_append_new(r, v)) {
				free(li);
				rc = jl_nomem(s);
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
	jl_keys_free(keys, kbuf);
	return rc;
}

static ob_code expand_keys(struct st *s, struct xobj *x, const json_t *elem,
			   const char **sorted, size_t nsorted);

/* One @type value t expanded (§5.1 step 13.4.4): *ti borrowed from the
 * context's memo or *own (freed by the caller); NULL when it maps to
 * nothing (data loss). */
static ob_code type_iri(struct st *s, struct xobj *x, const json_t *t, const char **ti, char **own,
			json_t **js)
{
	ob_code rc;
	int abs;

	*ti = NULL;
	*js = NULL;
	if (!json_is_string(t))
		return FAIL(s, "invalid type value");
	rc = jl_vocab_iri_js(s, x->type_scoped, json_string_value(t), 1, ti, own, &abs, js);
	if (!rc && !*ti)
		rc = jl_data_loss(s, "@type '%s' ignored", json_string_value(t));
	if (!rc && *ti && !abs && !is_bnode(*ti))
		rc = jl_data_loss(s, "relative @type '%s'", *ti);
	return rc;
}

/* The expanded type ti as a new reference: for toRdf the memo's string
 * (js, when there is one) is shared, else a copy. */
static json_t *type_value(const struct st *s, const char *ti, json_t *js)
{
	return s->rdf && js ? json_incref(js) : json_string_nocheck(ti);
}

/* §5.1 step 13.4.4: @type. */
static ob_code kw_type(struct st *s, struct xobj *x, const char *kw, const json_t *value)
{
	json_t *result = x->result, *arr, *ev, *js;
	const char *ti = NULL;
	char *own = NULL;
	size_t i;
	ob_code rc;

	if (!json_is_string(value) && !json_is_array(value))
		return FAIL(s, "invalid type value");
	if (json_is_string(value) && !json_object_get(result, "@type")) {
		/* the usual single type: no array to build and unwrap */
		rc = type_iri(s, x, value, &ti, &own, &js);
		if (rc || !ti) {
			free(own);
			return rc;
		}
		ev = type_value(s, ti, js);
		free(own);
		if (!ev)
			return jl_nomem(s);
		return json_object_set_new(result, kw, ev) ? jl_nomem(s) : OB_OK;
	}
	if (s->rdf && json_array_size(value) == 1 && !json_object_get(result, "@type")) {
		/* toRdf reads a single type alike as a string: no array */
		rc = type_iri(s, x, json_array_get(value, 0), &ti, &own, &js);
		if (rc || ti) {
			ev = rc ? NULL : type_value(s, ti, js);
			free(own);
			if (rc)
				return rc;
			x->type1 = 1;
			return !ev || json_object_set_new(result, kw, ev) ? jl_nomem(s) : OB_OK;
		}
		free(own);
		own = NULL;
	}
	if (!(arr = json_array()))
		return jl_nomem(s);
	for (i = 0; i < (json_is_array(value) ? json_array_size(value) : 1); i++) {
		rc = type_iri(s, x, json_is_array(value) ? json_array_get(value, i) : value, &ti, &own,
			      &js);
		if (!rc && ti && json_array_append_new(arr, type_value(s, ti, js)))
			rc = jl_nomem(s);
		free(own);
		own = NULL;
		if (rc) {
			json_decref(arr);
			return rc;
		}
	}
	if (json_is_string(json_object_get(result, "@type")) &&
	    json_object_set_new(result, "@type", json_pack("[O]", json_object_get(result, "@type")))) {
		json_decref(arr);
		return jl_nomem(s);
	}
	if (json_object_get(result, "@type") || json_is_array(value))
		return add_value(s, result, "@type", arr);
	ev = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	if (!ev)
		return OB_OK;
	return json_object_set_new(result, kw, ev) ? jl_nomem(s) : OB_OK;
}

/* §5.1 step 13.4.6: @included. */
static ob_code kw_included(struct st *s, struct xobj *x, const json_t *value)
{
	json_t *ev = NULL, *v;
	size_t i, n = json_is_array(value) ? json_array_size(value) : 1;
	ob_code rc;

	if (s->mode_10)
		return OB_OK;
	for (i = 0; i < n; i++)
		if (!json_is_object(json_is_array(value) ? json_array_get(value, i) : value))
			return FAIL(s, "invalid @included value");
	if ((rc = jl_expand(s, x->active, NULL, value, x->base_url, 0, &ev)))
		return rc;
	ev = jl_as_array(ev ? ev : json_array());
	if (json_array_size(ev) < n) {
		json_decref(ev);
		return FAIL(s, "invalid @included value");
	}
	json_array_foreach(ev, i, v)
		if (!json_is_object(v) || jl_is_value_obj(v) || jl_is_list_obj(v) ||
		    json_object_get(v, "@set")) {
			json_decref(ev);
			return FAIL(s, "invalid @included value");
		}
	return add_value(s, x->result, "@included", ev);
}

/* §5.1 step 13.4.13: @reverse. */
static ob_code kw_reverse(struct st *s, struct xobj *x, const json_t *value)
{
	json_t *ev = NULL, *rev, *v, *result = x->result;
	const char *k;
	size_t i;
	ob_code rc;

	if (!json_is_object(value))
		return FAIL(s, "invalid @reverse value");
	s->no_bare++;
	rc = jl_expand(s, x->active, "@reverse", value, x->base_url, 0, &ev);
	s->no_bare--;
	if (rc)
		return rc;
	if ((rev = json_object_get(ev, "@reverse")) != NULL) {
		x->npk = PK_MAX + 1; /* x->pkh is no longer complete */
		json_object_foreach(rev, k, v)
			if ((rc = add_value(s, result, k, json_incref(v))))
				goto out;
	}
	json_object_foreach(ev, k, v) {
		json_t *rmap, *item;

		if (!strcmp(k, "@reverse"))
			continue;
		rmap = json_object_get(result, "@reverse");
		if (!rmap && (!(rmap = json_object()) ||
			      json_object_set_new(result, "@reverse", rmap))) {
			rc = jl_nomem(s);
			goto out;
		}
		json_array_foreach(v, i, item)
			if (jl_is_value_obj(item) || jl_is_list_obj(item)) {
				rc = FAIL(s, "invalid reverse property value: %s", k);
				goto out;
			}
		if ((rc = add_value(s, rmap, k, json_incref(v))))
			goto out;
	}
out:
	json_decref(ev);
	return rc;
}

/* §5.1 step 13.4.3: @id. */
static ob_code kw_at_id(struct st *s, struct xobj *x, const char *key, const json_t *value,
			json_t **ev)
{
	char *iri = NULL;
	ob_code rc;

	if (!json_is_string(value))
		return FAIL(s, "invalid @id value: %s", key);
	if ((rc = jl_expand_iri(s, &x->active, json_string_value(value), 1, 0, NULL, NULL, &iri)))
		return rc;
	if (!iri) {
		/* keep "@id": null so toRdf drops the node (§5.1 13.4.3) */
		if ((rc = jl_data_loss(s, "@id '%s' ignored", json_string_value(value))))
			return rc;
		return json_object_set_new(x->result, "@id", json_null()) ? jl_nomem(s) : OB_OK;
	}
	if (!jl_is_abs_iri(iri) && !is_bnode(iri) && (rc = jl_data_loss(s, "relative @id '%s'", iri))) {
		free(iri);
		return rc;
	}
	/* for toRdf an IRI that expands to itself (the usual absolute @id)
	 * shares the input's string */
	*ev = s->rdf && !strcmp(iri, json_string_value(value)) ? json_incref((json_t *)value)
							      : json_string_nocheck(iri);
	free(iri);
	return *ev ? OB_OK : jl_nomem(s);
}

/* §5.1 step 13.4: one entry whose key expands to the keyword kw. */
static ob_code expand_keyword(struct st *s, struct xobj *x, const char *key, const char *kw,
			      const json_t *value, json_t **nests)
{
	json_t *ev = NULL, *result = x->result;
	int id = jl_kw_id(kw);
	ob_code rc = OB_OK;

	if (x->prop && !strcmp(x->prop, "@reverse"))
		return FAIL(s, "invalid reverse property map");
	if (json_object_get(result, kw) && id != K_INCLUDED && id != K_TYPE)
		return FAIL(s, "colliding keywords: %s", kw);
	switch (id) {
	case K_ID:
		if ((rc = kw_at_id(s, x, key, value, &ev)) || !ev)
			return rc;
		break;
	case K_TYPE:
		return kw_type(s, x, kw, value);
	case K_GRAPH:
		if ((rc = jl_expand(s, x->active, "@graph", value, x->base_url, 0, &ev)))
			return rc;
		ev = jl_as_array(ev ? ev : json_array());
		break;
	case K_INCLUDED:
		return kw_included(s, x, value);
	case K_VALUE:
		if (x->input_type && !strcmp(x->input_type, "@json")) {
			if (s->mode_10)
				return FAIL(s, "invalid value object value");
		} else if (!json_is_null(value) && !json_is_string(value) && !json_is_number(value) &&
			   !json_is_boolean(value)) {
			return FAIL(s, "invalid value object value");
		}
		return json_object_set(result, "@value", (json_t *)value) ? jl_nomem(s) : OB_OK;
	case K_LANGUAGE:
		if (!json_is_string(value))
			return FAIL(s, "invalid language-tagged string");
		ev = json_incref((json_t *)value);
		break;
	case K_DIRECTION:
		if (s->mode_10)
			return OB_OK;
		if (!json_is_string(value) || (strcmp(json_string_value(value), "ltr") &&
					       strcmp(json_string_value(value), "rtl")))
			return FAIL(s, "invalid base direction");
		ev = json_incref((json_t *)value);
		break;
	case K_INDEX:
		if (!json_is_string(value))
			return FAIL(s, "invalid @index value");
		ev = json_incref((json_t *)value);
		break;
	case K_LIST:
		if (!x->prop || !strcmp(x->prop, "@graph"))
			return jl_data_loss(s, "free-floating list ignored");
		if ((rc = jl_expand(s, x->active, x->prop, value, x->base_url, 0, &ev)))
			return rc;
		ev = jl_as_array(ev ? ev : json_array());
		break;
	case K_SET:
		if ((rc = jl_expand(s, x->active, x->prop, value, x->base_url, 0, &ev)))
			return rc;
		if (!ev)
			ev = json_array();
		break;
	case K_REVERSE:
		return kw_reverse(s, x, value);
	case K_NEST:
		if (!*nests && !(*nests = json_array()))
			return jl_nomem(s);
		return json_array_append_new(*nests, json_string(key)) ? jl_nomem(s) : OB_OK;
	default:
		/* framing keywords and others: not part of expansion */
		return OB_OK;
	}
	if (!ev)
		return jl_nomem(s);
	return json_object_set_new(result, kw, ev) ? jl_nomem(s) : OB_OK;
}

/* §5.1 step 13.8: index, id and type maps. */
static ob_code expand_index_map(struct st *s, struct xobj *x, const char *key, const json_t *def,
				const json_t *value, json_t **out)
{
	const char *kbuf[KEYS_STACK];
	const char *index_key = def_str(def, "@index");
	int c_graph = jl_def_container(def, "@graph"), c_id = jl_def_container(def, "@id");
	int c_type = jl_def_container(def, "@type"), c_index = jl_def_container(def, "@index");
	const char **keys = NULL;
	json_t *r = json_array(), *iv = NULL, *item;
	char *xi = NULL, *xk = NULL;
	size_t i, j, n = 0;
	ctx *mc = NULL;
	ob_code rc = OB_OK;

	if (!index_key)
		index_key = "@index";
	if (!r || !(keys = jl_sorted_keys(value, &n, kbuf))) {
		rc = jl_nomem(s);
		goto out;
	}
	for (i = 0; i < n && !rc; i++) {
		const json_t *td;

		jl_ctx_unref(mc);
		mc = jl_ctx_ref((c_id || c_type) && x->active->prev ? x->active->prev : x->active);
		if (c_type && (td = term_def(mc, keys[i])) && json_object_get(td, "@context") &&
		    (rc = jl_apply_ctx(s, &mc, json_object_get(td, "@context"), def_str(td, "base"), 0, 1, 1)))
			break;
		free(xi);
		if ((rc = jl_key_iri(s, x->active, keys[i], &xi)))
			break;
		if ((rc = jl_expand(s, mc, key, json_object_get(value, keys[i]), x->base_url, 1, &iv)))
			break;
		iv = jl_as_array(iv ? iv : json_array());
		if (!iv) {
			rc = jl_nomem(s);
			break;
		}
		json_array_foreach(iv, j, item) {
			int none = xi && !strcmp(xi, "@none");

			if (c_graph && !(json_object_get(item, "@graph") && !json_object_get(item, "@value"))) {
				json_t *g = json_pack("{s:[O]}", "@graph", item);

				if (!g || json_array_set_new(iv, j, g)) {
					rc = jl_nomem(s);
					break;
				}
				item = g;
			}
			if (c_index && strcmp(index_key, "@index") && !none) {
				json_t *re = NULL, *vals, *kv;

				free(xk);
				xk = NULL;
				if ((rc = jl_key_iri(s, x->active, index_key, &xk)))
					break;
				kv = json_string(keys[i]);
				rc = kv ? expand_value(s, x->active, index_key, kv, &re) : jl_nomem(s);
				json_decref(kv);
				if (rc)
					break;
				if (!xk) {
					json_decref(re);
					rc = jl_data_loss(s, "index key '%s' ignored", index_key);
					break;
				}
				if (jl_is_value_obj(item)) {
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
					rc = jl_nomem(s);
					break;
				}
			} else if (c_index && !json_object_get(item, "@index") && !none) {
				if (json_object_set_new(item, "@index", json_string(keys[i]))) {
					rc = jl_nomem(s);
					break;
				}
			} else if (c_id && !json_object_get(item, "@id") && !none) {
				char *id = NULL;

				if ((rc = jl_expand_iri(s, &x->active, keys[i], 1, 0, NULL, NULL, &id)))
					break;
				if (!id || json_object_set_new(item, "@id", json_string(id))) {
					free(id);
					rc = id ? jl_nomem(s) : jl_data_loss(s, "map key '%s' ignored", keys[i]);
					break;
				}
				free(id);
			} else if (c_type && !none && xi) {
				json_t *types = json_pack("[s]", xi);
				const json_t *old = json_object_get(item, "@type");

				if (!types || (json_is_array(old) && json_array_extend(types, (json_t *)old)) ||
				    (json_is_string(old) && json_array_append(types, (json_t *)old)) ||
				    json_object_set_new(item, "@type", types)) {
					rc = jl_nomem(s);
					break;
				}
			}
		}
		if (!rc && json_array_extend(r, iv))
			rc = jl_nomem(s);
		json_decref(iv);
		iv = NULL;
	}
	if (!rc) {
		*out = r;
		r = NULL;
	}
out:
	jl_ctx_unref(mc);
	json_decref(iv);
	json_decref(r);
	jl_keys_free(keys, kbuf);
	free(xi);
	free(xk);
	return rc;
}

/* §5.1 step 13.5 onwards: an entry whose key is a property IRI; di: the
 * key's definition in x->active. */
static ob_code expand_property(struct st *s, struct xobj *x, const char *key, const char *piri,
			       const struct dinfo *di, const json_t *value)
{
	const json_t *def = di->def;
	const char *type = di->type;
	int cf = di->cf, reverse = di->reverse;
	json_t *ev = NULL, *item;
	size_t i;
	ob_code rc = OB_OK;

	if (type && jl_kw_id(type) == K_JSON) {
		ev = json_pack("{s:O,s:s}", "@value", value, "@type", "@json");
		if (!ev)
			return jl_nomem(s);
	} else if ((cf & C_LANGUAGE) && json_is_object(value)) {
		if ((rc = expand_lang_map(s, x, def, value, &ev)))
			return rc;
	} else if ((cf & (C_INDEX | C_TYPE | C_ID)) && json_is_object(value)) {
		if ((rc = expand_index_map(s, x, key, def, value, &ev)))
			return rc;
	} else {
		s->bare = s->rdf && !reverse;
		rc = expand_def(s, x->active, key, di, value, x->base_url, 0, &ev);
		s->bare = 0;
		if (rc)
			return rc;
	}
	if (!ev)
		return OB_OK;
	if ((cf & C_LIST) && !jl_is_list_obj(ev)) {
		json_t *l = jl_obj1("@list", jl_as_array(ev));

		if (!l)
			return jl_nomem(s);
		ev = l;
	}
	if ((cf & C_GRAPH) && !(cf & (C_ID | C_INDEX))) {
		json_t *g = json_array();

		ev = jl_as_array(ev);
		if (!g || !ev) {
			json_decref(g);
			json_decref(ev);
			return jl_nomem(s);
		}
		json_array_foreach(ev, i, item)
			if (json_array_append_new(g, json_pack("{s:[O]}", "@graph", item))) {
				json_decref(g);
				json_decref(ev);
				return jl_nomem(s);
			}
		json_decref(ev);
		ev = g;
	}
	if (reverse) {
		json_t *rmap = json_object_get(x->result, "@reverse");

		if (!rmap && (!(rmap = json_object()) ||
			      json_object_set_new(x->result, "@reverse", rmap))) {
			json_decref(ev);
			return jl_nomem(s);
		}
		ev = jl_as_array(ev);
		json_array_foreach(ev, i, item)
			if (jl_is_value_obj(item) || jl_is_list_obj(item)) {
				json_decref(ev);
				return FAIL(s, "invalid reverse property value: %s", key);
			}
		return add_value(s, rmap, piri, ev);
	}
	return prop_value(s, x, piri, ev);
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
	} else if (!(keys = jl_sorted_keys(elem, &n, kbuf))) {
		rc = jl_nomem(s);
		goto out;
	}
	for (i = 0; i < n && !rc; i++) {
		const json_t *value;
		const struct dinfo *di;
		struct dinfo dbuf;
		const char *kiri;
		int kw;

		if (keys[i][0] == '@' && eq(keys[i], "@context"))
			continue;
		if ((rc = jl_key_info(s, x->active, keys[i], &kiri, &iri, &di, &dbuf)))
			break;
		value = jl_key_value(keys[i]);
		kw = kiri && jl_is_keyword(kiri);
		if (!kiri || (!kw && !strchr(kiri, ':')))
			rc = jl_data_loss(s, "property '%s' is not defined by the context", keys[i]);
		else if (kw)
			rc = expand_keyword(s, x, keys[i], kiri, value, &nests);
		else
			rc = expand_property(s, x, keys[i], kiri, di, value);
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
				if ((rc = jl_key_iri(s, x->active, k, &iri)))
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
				ctx *nc = jl_ctx_ref(x->active);

				if (json_object_get(nd, "@context"))
					rc = jl_apply_ctx(s, &nc, json_object_get(nd, "@context"),
						       def_str(nd, "base"), 1, 1, 1);
				nx.active = nc;
				if (!rc)
					rc = expand_keys(s, &nx, nv, NULL, 0);
				x->type1 |= nx.type1;
				x->npk = PK_MAX + 1;
				jl_ctx_unref(nc);
			}
		}
	}
out:
	free(iri);
	if (keys != sorted)
		jl_keys_free(keys, kbuf);
	json_decref(nests);
	return rc;
}

/* Gathers c's aliases of @id, @type and @value (struct ctx). */
static void gather_aliases(ctx *c)
{
	static const char *const kws[] = { [AL_ID] = "@id", [AL_TYPE] = "@type",
					   [AL_VALUE] = "@value" };
	size_t n[3] = { 0, 0, 0 };
	const char *k, *id;
	json_t *def;
	int kw;

	c->aliases = 1;
	json_object_foreach(c->terms, k, def) {
		if (!(id = def_str(def, "@id")) || id[0] != '@')
			continue;
		for (kw = 0; kw < 3; kw++)
			if (!strcmp(id, kws[kw])) {
				if (n[kw] == AL_MAX)
					c->aliases = -1;
				else
					c->alias[kw][n[kw]++] = k;
			}
	}
}

/* Whether key expands (IRI Expansion, vocab) to the keyword kw (AL_*) in
 * active, without expanding it: 1 or 0, or -1 when only expansion can
 * tell (a context that is not cached). In a cached context a key is that
 * keyword only as itself or as a term whose @id it is: a compact IRI, a
 * vocab-relative or an absolute IRI is never a keyword. */
static int is_alias(ctx *active, const char *key, int kw)
{
	static const char *const kws[] = { [AL_ID] = "@id", [AL_TYPE] = "@type",
					   [AL_VALUE] = "@value" };
	const char *const *a;

	if (!active->cached)
		return -1;
	if (!active->aliases)
		gather_aliases(active);
	if (active->aliases < 0)
		return -1;
	if (jl_is_keyword(key))
		return !strcmp(key, kws[kw]);
	if (jl_keyword_form(key))
		return 0;
	for (a = active->alias[kw]; *a; a++)
		if (!strcmp(*a, key))
			return 1;
	return 0;
}

/* §5.1 step 7: whether a node object keeps the type-scoped context. */
static ob_code keeps_prev(struct st *s, ctx *active, const json_t *elem, int *keep)
{
	const char *k, *iri;
	json_t *v;
	char *own = NULL;
	int only_id = json_object_size(elem) == 1, a, b;
	ob_code rc;

	*keep = 0;
	json_object_foreach((json_t *)elem, k, v) {
		a = is_alias(active, k, AL_VALUE);
		b = only_id ? is_alias(active, k, AL_ID) : 0;
		if (a >= 0 && b >= 0) {
			*keep |= a || b;
			continue;
		}
		if ((rc = jl_key_iri_ref(s, active, k, &iri, &own)))
			return rc;
		if (iri && iri[0] == '@' && (!strcmp(iri, "@value") || (only_id && !strcmp(iri, "@id"))))
			*keep = 1;
		free(own);
	}
	return OB_OK;
}

/* §5.1 steps 10-12 for one key: when it expands to @type, the types'
 * scoped contexts apply to *act in order, and *input_type (borrowed, or
 * in *input_own) becomes the last type expanded. */
static ob_code obj_types(struct st *s, ctx **act, ctx *tsc, const char *key,
			 const char **input_type, char **input_own)
{
	const json_t *tv;
	const char *tbuf[8], **types = tbuf, *kiri;
	char *iri = NULL;
	size_t j, tn;
	int is_type;
	ob_code rc;

	if ((is_type = is_alias(*act, key, AL_TYPE)) < 0) {
		if ((rc = jl_key_iri_ref(s, *act, key, &kiri, &iri)))
			return rc;
		is_type = kiri && kiri[0] == '@' && eq(kiri, "@type");
		free(iri);
	}
	if (!is_type)
		return OB_OK;
	tv = jl_key_value(key);
	tn = json_is_array(tv) ? json_array_size(tv) : 1;
	if (tn > 8 && !(types = malloc(tn * sizeof(*types))))
		return jl_nomem(s);
	for (j = 0; j < tn; j++) {
		types[j] = json_string_value(json_is_array(tv) ? json_array_get(tv, j) : tv);
		if (!types[j])
			types[j] = "";
	}
	jl_sort_strs(types, tn);
	for (j = 0; j < tn && !rc; j++) {
		const json_t *td = term_def(tsc, types[j]);
		const json_t *tctx = json_object_get(td, "@context");

		if (tctx)
			rc = jl_apply_ctx(s, act, tctx, def_str(td, "base"), 0, 0, 1);
	}
	/* step 12: input type, for @json values */
	if (!rc && tn) {
		free(*input_own);
		*input_own = NULL;
		rc = jl_key_iri_ref(s, *act, types[tn - 1], input_type, input_own);
	}
	if (types != tbuf)
		free(types);
	return rc;
}

/* §5.1 steps 7-9: the context a node object expands in. */
static ob_code obj_context(struct st *s, ctx **act, const struct dinfo *di, const json_t *elem,
			   const char **keys, size_t n, const char *base_url, int from_map)
{
	size_t i;
	int keep;
	ob_code rc;

	/* step 7: revert a non-propagated (type-scoped) context */
	if ((*act)->prev && !from_map) {
		if ((rc = keeps_prev(s, *act, elem, &keep)))
			return rc;
		if (!keep) {
			ctx *p = jl_ctx_ref((*act)->prev);

			jl_ctx_unref(*act);
			*act = p;
		}
	}
	/* step 8: property-scoped context */
	if (di->ctx && (rc = jl_apply_ctx(s, act, di->ctx, di->base, 1, 1, 1)))
		return rc;
	/* step 9 */
	for (i = 0; i < n; i++)
		if (keys[i][0] == '@' && eq(keys[i], "@context"))
			return jl_apply_ctx(s, act, jl_key_value(keys[i]), base_url, 0, 1, 0);
	return OB_OK;
}

/* §5.1 step 15: a value object's checks. *drop: it goes (@value null). */
static ob_code obj_value(struct st *s, const json_t *result, unsigned has, int *drop)
{
	const char *k;
	json_t *v;
	const json_t *val = json_object_get(result, "@value");
	const json_t *typ = json_object_get(result, "@type");

	*drop = 0;
	json_object_foreach((json_t *)result, k, v)
		if (strcmp(k, "@direction") && strcmp(k, "@index") && strcmp(k, "@language") &&
		    strcmp(k, "@type") && strcmp(k, "@value"))
			return FAIL(s, "invalid value object: %s", k);
	if (typ && (has & (1u << K_LANGUAGE | 1u << K_DIRECTION)))
		return FAIL(s, "invalid value object");
	if (typ && json_is_string(typ) && !strcmp(json_string_value(typ), "@json"))
		return OB_OK;
	if (json_is_null(val)) {
		*drop = 1;
		return jl_data_loss(s, "value object with @value null");
	}
	if (!json_is_string(val) && (has & 1u << K_LANGUAGE))
		return FAIL(s, "invalid language-tagged value");
	if (typ && (!json_is_string(typ) || !jl_is_abs_iri(json_string_value(typ))))
		return FAIL(s, "invalid typed value");
	return OB_OK;
}

/* §5.1 step 16: result's single @type v becomes an array. */
static ob_code wrap_type(struct st *s, json_t *result, json_t *v)
{
	json_t *a = json_array();

	if (!a || json_array_append(a, v)) {
		json_decref(a);
		return jl_nomem(s);
	}
	return json_object_set_new(result, "@type", a) ? jl_nomem(s) : OB_OK; /* takes a */
}

/* §5.1 steps 15-19 on the expanded object *result, which may become
 * another value (a @set's) or NULL (dropped). */
static ob_code obj_result(struct st *s, const char *prop, int type1, json_t **result)
{
	size_t rn = json_object_size(*result);
	unsigned has = 0;
	const char *k;
	json_t *v;
	int drop = 0;
	ob_code rc = OB_OK;

	/* which keywords result has, in one pass instead of a lookup each */
	json_object_foreach(*result, k, v)
		if (k[0] == '@')
			has |= 1u << jl_kw_id(k);
	if (has & 1u << K_VALUE) {
		if (type1 && json_is_string(v = json_object_get(*result, "@type")) &&
		    (rc = wrap_type(s, *result, v)))
			return rc;
		if ((rc = obj_value(s, *result, has, &drop)) || drop ||
		    ((v = json_object_get(*result, "@type")) && json_is_string(v) &&
		     !strcmp(json_string_value(v), "@json")))
			goto out;
	} else if ((has & 1u << K_TYPE) && !json_is_array(v = json_object_get(*result, "@type"))) {
		/* step 16; for toRdf a single type may stay a string, which it
		 * reads alike (struct st's bare) */
		if (!s->rdf && (rc = wrap_type(s, *result, v)))
			return rc;
	} else if (has & (1u << K_SET | 1u << K_LIST)) {
		/* step 17 */
		if (rn > 2 || (rn == 2 && !(has & 1u << K_INDEX)))
			return FAIL(s, "invalid set or list object");
		if (has & 1u << K_SET) {
			json_t *setv = json_incref(json_object_get(*result, "@set"));

			json_decref(*result);
			*result = setv;
			return OB_OK;
		}
	}
	/* step 18 */
	if (rn == 1 && (has & 1u << K_LANGUAGE)) {
		drop = 1;
		rc = jl_data_loss(s, "object with only @language");
		goto out;
	}
	/* step 19: free-floating values at the top */
	if (!prop || !strcmp(prop, "@graph")) {
		if (rn == 0 || (has & (1u << K_VALUE | 1u << K_LIST))) {
			drop = 1;
			rc = jl_data_loss(s, "free-floating value ignored");
		} else if (rn == 1 && (has & 1u << K_ID)) {
			drop = 1;
			rc = jl_data_loss(s, "node object with only @id ('%s') ignored",
					  json_string_value(json_object_get(*result, "@id")));
		}
	}
out:
	if (drop) {
		json_decref(*result);
		*result = NULL;
	}
	return rc;
}

/* §5.1 steps 7-19 for a map; di: prop's definition in active. */
static ob_code expand_object(struct st *s, ctx *active, const char *prop, const struct dinfo *di,
			     const json_t *elem, const char *base_url, int from_map, json_t **out)
{
	const char *kbuf[KEYS_STACK];
	ctx *act = jl_ctx_ref(active), *tsc = NULL;
	const char **keys = NULL, *input_type = NULL;
	json_t *result = NULL;
	char *input_own = NULL;
	size_t i, n = 0;
	struct xobj x;
	ob_code rc = OB_OK;
	int bare = s->bare;

	s->bare = 0; /* only a property's own scalars may be bare */
	/* the keys in order (step 13 walks them so), which also tell whether
	 * elem has a @context */
	if (!(keys = jl_sorted_keys(elem, &n, kbuf))) {
		rc = jl_nomem(s);
		goto out;
	}
	if ((rc = obj_context(s, &act, di, elem, keys, n, base_url, from_map)))
		goto out;
	/* step 10, 11: type-scoped contexts, types in order */
	tsc = jl_ctx_ref(act);
	for (i = 0; i < n && !rc; i++)
		rc = obj_types(s, &act, tsc, keys[i], &input_type, &input_own);
	if (rc)
		goto out;
	if (!(result = json_object())) {
		rc = jl_nomem(s);
		goto out;
	}
	x.active = act;
	x.type_scoped = tsc;
	x.prop = prop;
	x.base_url = base_url;
	x.input_type = input_type;
	x.result = result;
	x.type1 = 0;
	x.npk = 0;
	if ((rc = expand_keys(s, &x, elem, keys, n)) ||
	    (rc = obj_result(s, prop, x.type1, &result)))
		goto out;
	*out = result;
	result = NULL;
out:
	json_decref(result);
	jl_keys_free(keys, kbuf);
	free(input_own);
	jl_ctx_unref(tsc);
	jl_ctx_unref(act);
	s->bare = bare;
	return rc;
}

/* §5.1 Expansion Algorithm. *out: a new reference, or NULL for null. */
ob_code jl_expand(struct st *s, ctx *active, const char *prop, const json_t *elem,
		  const char *base_url, int from_map, json_t **out)
{
	struct dinfo d;

	jl_dinfo_of(term_def(active, prop), &d);
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
	if ((rc = jl_enter(s)))
		goto out;
	if (json_is_array(elem)) {
		/* step 5 */
		int is_list = d->cf & C_LIST;

		if (s->bare && !s->no_bare && !is_list && json_array_size(elem) == 1) {
			/* toRdf reads a property's single value alike with or
			 * without its array (add_prop_value): none is made */
			rc = expand_def(s, active, prop, d, json_array_get(elem, 0), base_url,
					from_map, out);
			goto out;
		}
		r = json_array();
		if (!r) {
			rc = jl_nomem(s);
			goto out;
		}
		json_array_foreach(elem, i, item) {
			if ((rc = expand_def(s, active, prop, d, item, base_url, from_map, &ev)))
				goto out;
			if (ev && json_is_array(ev) && is_list) {
				json_t *l = jl_obj1("@list", ev);

				if (!l) {
					rc = jl_nomem(s);
					goto out;
				}
				ev = l;
			}
			if (ev && (rc = json_is_array(ev) ? (json_array_extend(r, ev) ? jl_nomem(s) : OB_OK)
							   : (json_array_append(r, ev) ? jl_nomem(s) : OB_OK))) {
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
			rc = jl_data_loss(s, "free-floating scalar ignored");
			goto out;
		}
		if (d->ctx) {
			ctx *act = jl_ctx_ref(active);

			rc = jl_apply_ctx(s, &act, d->ctx, d->base, 1, 1, 1);
			if (!rc)
				rc = expand_value(s, act, prop, elem, out);
			jl_ctx_unref(act);
		} else {
			rc = expand_value_def(s, active, d, elem, out);
		}
	}
out:
	s->depth--;
	json_decref(r);
	return rc;
}
