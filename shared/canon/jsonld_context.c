/* jsonld_context: Context Processing (JSON-LD 1.1 API §4.1) and Create
 * Term Definition (§4.2). A term definition is a json_t object with the
 * spec's entries under their keyword names ("@id", "@type", "@container"
 * (array), "@language", "@direction", "@context", "@index", "@nest") plus
 * "prefix", "protected", "reverse" (booleans) and "base" (the scoped
 * context's base URL). */
#include "canon/jsonld_int.h"

#include <stdlib.h>
#include <string.h>

static ob_code process_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
			   json_t *remote, int override_protected, int propagate, int validate);

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
		return jl_nomem(s);
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

/* What Create Term Definition (§4.2) works on, handed from step to step. */
struct tdef {
	struct st *s;
	ctx **active;
	const json_t *local;
	const char *term;
	json_t *defined;
	const char *base_url;
	int protected_default, override_protected;
	json_t *remote;
	json_t *value;  /* local[term] */
	json_t *def;    /* the definition being built */
	int simple;     /* value is a string */
	int ignore;     /* a step found the term maps to a keyword form */
};

/* value's entry k, when value is an object */
static json_t *tval(const struct tdef *t, const char *k)
{
	return json_is_object(t->value) ? json_object_get(t->value, k) : NULL;
}

/* Steps 1-4: cycles, the empty term, keywords. *done: define_term
 * returns rc now. */
static ob_code td_check(struct tdef *t, int *done)
{
	struct st *s = t->s;
	const char *term = t->term;
	json_t *d = json_object_get(t->defined, term);

	*done = 1;
	/* step 1, 2 */
	if (d)
		return json_is_true(d) ? OB_OK : FAIL(s, "cyclic IRI mapping: %s", term);
	if (!*term)
		return FAIL(s, "invalid term definition: empty term");
	if (json_object_set_new(t->defined, term, json_false()))
		return jl_nomem(s);
	/* step 4 */
	if (strcmp(term, "@type") == 0 && !s->mode_10 && json_is_object(t->value)) {
		const char *k;
		json_t *x;
		int ok = json_object_size(t->value) > 0;

		json_object_foreach(t->value, k, x) {
			if (strcmp(k, "@container") == 0 && json_is_string(x) &&
			    strcmp(json_string_value(x), "@set") == 0)
				continue;
			if (strcmp(k, "@protected") == 0)
				continue;
			ok = 0;
		}
		if (!ok)
			return FAIL(s, "keyword redefinition: %s", term);
	} else if (jl_is_keyword(term)) {
		return FAIL(s, "keyword redefinition: %s", term);
	} else if (jl_keyword_form(term)) {
		if (json_object_set_new(t->defined, term, json_true()))
			return jl_nomem(s);
		return jl_data_loss(s, "reserved term '%s' ignored", term);
	}
	*done = 0;
	return OB_OK;
}

/* Step 11: @protected, and the entries a definition may have. */
static ob_code td_protected(struct tdef *t)
{
	struct st *s = t->s;
	json_t *v = tval(t, "@protected");
	const char *key;
	ob_code rc;

	if (v && (!json_is_boolean(v) || s->mode_10))
		return FAIL(s, "invalid @protected value: %s", t->term);
	if (v ? json_is_true(v) : t->protected_default) {
		if ((rc = set_new(s, t->def, "protected", json_true())))
			return rc;
		(*t->active)->protected_terms = 1;
	}
	if (json_is_object(t->value)) {
		json_object_foreach(t->value, key, v) {
			const char *const *k;

			for (k = def_keys; *k && strcmp(*k, key); k++)
				;
			if (!*k)
				return FAIL(s, "invalid term definition: %s has %s", t->term, key);
		}
	}
	return OB_OK;
}

/* Step 12: @type. */
static ob_code td_type(struct tdef *t)
{
	struct st *s = t->s;
	json_t *v = tval(t, "@type");
	char *iri = NULL;
	ob_code rc;

	if (!v)
		return OB_OK;
	if (!json_is_string(v))
		return FAIL(s, "invalid type mapping: %s", t->term);
	rc = jl_expand_iri(s, t->active, json_string_value(v), 0, 1, t->local, t->defined, &iri);
	if (rc)
		return rc;
	if (!iri || (strcmp(iri, "@id") && strcmp(iri, "@vocab") &&
		     ((strcmp(iri, "@json") && strcmp(iri, "@none")) || s->mode_10) &&
		     (!jl_is_abs_iri(iri)))) {
		free(iri);
		return FAIL(s, "invalid type mapping: %s", t->term);
	}
	rc = set_new(s, t->def, "@type", json_string(iri));
	free(iri);
	return rc;
}

/* Step 13: @reverse. *done: the IRI mapping is made (steps 14-18 are
 * skipped). */
static ob_code td_reverse(struct tdef *t, int *done)
{
	struct st *s = t->s;
	json_t *v = tval(t, "@reverse");
	char *iri = NULL;
	ob_code rc;

	*done = 0;
	if (!v)
		return OB_OK;
	*done = 1;
	if (json_object_get(t->value, "@id") || json_object_get(t->value, "@nest"))
		return FAIL(s, "invalid reverse property: %s", t->term);
	if (!json_is_string(v))
		return FAIL(s, "invalid IRI mapping: %s", t->term);
	if (jl_keyword_form(json_string_value(v))) {
		json_object_set_new(t->defined, t->term, json_true());
		t->ignore = 1;
		return OB_OK;
	}
	rc = jl_expand_iri(s, t->active, json_string_value(v), 0, 1, t->local, t->defined, &iri);
	if (rc)
		return rc;
	if (!iri || !strchr(iri, ':')) {
		free(iri);
		return FAIL(s, "invalid IRI mapping: %s", t->term);
	}
	rc = set_new(s, t->def, "@id", json_string(iri));
	free(iri);
	if (rc || (rc = set_new(s, t->def, "reverse", json_true())))
		return rc;
	v = json_object_get(t->value, "@container");
	if (v && !json_is_null(v) &&
	    (!json_is_string(v) || (strcmp(json_string_value(v), "@set") &&
				    strcmp(json_string_value(v), "@index"))))
		return FAIL(s, "invalid reverse property: %s", t->term);
	return OB_OK;
}

/* Step 14: an explicit @id (v) that is not the term itself. */
static ob_code td_explicit_id(struct tdef *t, json_t *v)
{
	struct st *s = t->s;
	const char *term = t->term;
	char *iri = NULL;
	ob_code rc;

	if (json_is_null(v))
		return set_new(s, t->def, "@id", json_null());
	if (!json_is_string(v))
		return FAIL(s, "invalid IRI mapping: %s", term);
	if (!jl_is_keyword(json_string_value(v)) && jl_keyword_form(json_string_value(v))) {
		json_object_set_new(t->defined, term, json_true());
		t->ignore = 1;
		return OB_OK;
	}
	rc = jl_expand_iri(s, t->active, json_string_value(v), 0, 1, t->local, t->defined, &iri);
	if (rc)
		return rc;
	if (!iri || (!jl_is_keyword(iri) && !strchr(iri, ':'))) {
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

		if (json_object_set_new(t->defined, term, json_true())) {
			rc = jl_nomem(s);
			goto out;
		}
		rc = jl_expand_iri(s, t->active, term, 0, 1, t->local, t->defined, &self);
		if (!rc && (!self || strcmp(self, iri)))
			rc = FAIL(s, "invalid IRI mapping: %s", term);
		free(self);
		if (rc)
			goto out;
	}
	/* step 14.2.5: the prefix flag */
	if (!strchr(term, ':') && !strchr(term, '/') && t->simple &&
	    (jl_is_gen_delim(iri[strlen(iri) - 1]) || is_bnode(iri)))
		if ((rc = set_new(s, t->def, "prefix", json_true())))
			goto out;
	rc = set_new(s, t->def, "@id", json_string(iri));
out:
	free(iri);
	return rc;
}

/* Step 15: a compact IRI or absolute IRI term (colon: its first ':'). */
static ob_code td_compact_id(struct tdef *t, const char *colon)
{
	struct st *s = t->s;
	char *prefix = strndup(t->term, (size_t)(colon - t->term));
	const json_t *pd;
	ob_code rc = OB_OK;

	if (!prefix)
		return jl_nomem(s);
	if (json_object_get(t->local, prefix))
		rc = jl_create_term(s, t->active, t->local, prefix, t->defined, t->base_url,
				    t->protected_default, t->override_protected, t->remote);
	pd = term_def(*t->active, prefix);
	free(prefix);
	if (rc)
		return rc;
	if (pd && def_str(pd, "@id")) {
		ob_buf b = OB_BUF_INIT;

		ob_buf_adds(&b, def_str(pd, "@id"));
		ob_buf_adds(&b, colon + 1);
		rc = b.oom ? jl_nomem(s) : set_new(s, t->def, "@id", json_string(b.data));
		ob_buf_release(&b);
		return rc;
	}
	return set_new(s, t->def, "@id", json_string(t->term));
}

/* Steps 14-18: the IRI mapping. */
static ob_code td_id(struct tdef *t)
{
	struct st *s = t->s;
	const char *term = t->term, *colon;
	json_t *v = t->simple ? t->value : json_object_get(t->value, "@id");
	char *iri = NULL;
	ob_code rc;

	if (v && !(json_is_string(v) && strcmp(json_string_value(v), term) == 0))
		return td_explicit_id(t, v);
	if ((colon = strchr(term + 1, ':')) != NULL)
		return td_compact_id(t, colon);
	if (strchr(term, '/')) {
		/* step 16: relative IRI term */
		rc = jl_expand_iri(s, t->active, term, 0, 1, NULL, NULL, &iri);
		if (rc)
			return rc;
		if (!iri || !strchr(iri, ':')) {
			free(iri);
			return FAIL(s, "invalid IRI mapping: %s", term);
		}
		rc = set_new(s, t->def, "@id", json_string(iri));
		free(iri);
		return rc;
	}
	if (strcmp(term, "@type") == 0)
		return set_new(s, t->def, "@id", json_string("@type"));
	if ((*t->active)->vocab) {
		ob_buf b = OB_BUF_INIT;

		ob_buf_adds(&b, (*t->active)->vocab);
		ob_buf_adds(&b, term);
		rc = b.oom ? jl_nomem(s) : set_new(s, t->def, "@id", json_string(b.data));
		ob_buf_release(&b);
		return rc;
	}
	return FAIL(s, "invalid IRI mapping: %s", term);
}

/* Step 19: @container. */
static ob_code td_container(struct tdef *t)
{
	struct st *s = t->s;
	json_t *v = tval(t, "@container"), *arr, *c;
	size_t i, n;
	int has_graph = 0, has_list = 0, has_other = 0, has_idx = 0;
	ob_code rc;

	if (!v)
		return OB_OK;
	arr = json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
	if (!arr)
		return FAIL(s, "invalid container mapping: %s", t->term);
	n = json_array_size(arr);
	json_array_foreach(arr, i, c) {
		const char *cs = json_string_value(c);

		if (!cs)
			break;
		if (strcmp(cs, "@graph") == 0)
			has_graph = 1;
		else if (strcmp(cs, "@set") == 0)
			; /* goes with anything */
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
		return FAIL(s, "invalid container mapping: %s", t->term);
	}
	if ((rc = set_new(s, t->def, "@container", arr)))
		return rc;
	if (jl_def_container(t->def, "@type")) {
		const char *ty = def_str(t->def, "@type");

		if (!ty)
			return set_new(s, t->def, "@type", json_string("@id"));
		if (strcmp(ty, "@id") && strcmp(ty, "@vocab"))
			return FAIL(s, "invalid type mapping: %s", t->term);
	}
	return OB_OK;
}

/* Step 20: @index. */
static ob_code td_index(struct tdef *t)
{
	struct st *s = t->s;
	json_t *v = tval(t, "@index");

	if (!v)
		return OB_OK;
	if (s->mode_10 || !jl_def_container(t->def, "@index") || !json_is_string(v) ||
	    json_string_value(v)[0] == '@')
		return FAIL(s, "invalid term definition: %s", t->term);
	return set_new(s, t->def, "@index", json_incref(v));
}

/* Step 21: a scoped context, which must process (step 21.3; remote
 * contexts already being processed are skipped). */
static ob_code td_scoped(struct tdef *t)
{
	struct st *s = t->s;
	json_t *v = tval(t, "@context"), *rcopy;
	ob_error verr = { 0 }, *saved = s->err;
	ctx *tmp;
	char nb[48];
	ob_code rc;

	if (!v)
		return OB_OK;
	if (s->mode_10)
		return FAIL(s, "invalid term definition: %s", t->term);
	if (!json_is_null(v) && !json_is_object(v) && !json_is_array(v) && !json_is_string(v))
		return FAIL(s, "invalid scoped context: %s", t->term);
	if (s->scoped_depth >= OB_JSONLD_MAX_SCOPED_DEPTH)
		return ob_fail(s->err, OB_ELIMIT, "over budget: JSON-LD scoped contexts "
			       "nested more than %d deep (at term '%s')",
			       OB_JSONLD_MAX_SCOPED_DEPTH, term_name(t->term, nb));
	rcopy = t->remote ? json_copy(t->remote) : json_array();
	tmp = jl_ctx_ref(*t->active);
	s->err = &verr;
	s->scoped_depth++;
	rc = rcopy ? process_ctx(s, &tmp, v, t->base_url, rcopy, 1, 1, 0) : jl_nomem(s);
	s->scoped_depth--;
	s->err = saved;
	jl_ctx_unref(tmp);
	json_decref(rcopy);
	if (rc == OB_ENOMEM || rc == OB_ELIMIT)
		return ob_fail(s->err, rc, "%s", rc == OB_ENOMEM ? "out of memory" : verr.msg);
	if (rc)
		return FAIL(s, "invalid scoped context: %s: %s", t->term, verr.msg);
	if ((rc = set_new(s, t->def, "@context", json_incref(v))) ||
	    (t->base_url && (rc = set_new(s, t->def, "base", json_string(t->base_url)))))
		return rc;
	return OB_OK;
}

/* Steps 22-24: @language, @direction, @nest. */
static ob_code td_lang_dir_nest(struct tdef *t)
{
	struct st *s = t->s;
	json_t *v = tval(t, "@language");
	ob_code rc;

	if (v && !json_object_get(t->value, "@type")) {
		if (!json_is_null(v) && !json_is_string(v))
			return FAIL(s, "invalid language mapping: %s", t->term);
		if ((rc = set_new(s, t->def, "@language", json_incref(v))))
			return rc;
	}
	v = tval(t, "@direction");
	if (v && !json_object_get(t->value, "@type")) {
		if (!json_is_null(v) && (!json_is_string(v) ||
					 (strcmp(json_string_value(v), "ltr") &&
					  strcmp(json_string_value(v), "rtl"))))
			return FAIL(s, "invalid base direction: %s", t->term);
		if ((rc = set_new(s, t->def, "@direction", json_incref(v))))
			return rc;
	}
	v = tval(t, "@nest");
	if (v) {
		if (s->mode_10 || !json_is_string(v) ||
		    (jl_is_keyword(json_string_value(v)) && strcmp(json_string_value(v), "@nest")))
			return FAIL(s, "invalid @nest value: %s", t->term);
		if ((rc = set_new(s, t->def, "@nest", json_incref(v))))
			return rc;
	}
	return OB_OK;
}

/* Step 25: @prefix. */
static ob_code td_prefix(struct tdef *t)
{
	struct st *s = t->s;
	json_t *v = tval(t, "@prefix");

	if (!v)
		return OB_OK;
	if (s->mode_10 || strchr(t->term, ':') || strchr(t->term, '/'))
		return FAIL(s, "invalid term definition: %s", t->term);
	if (!json_is_boolean(v))
		return FAIL(s, "invalid @prefix value: %s", t->term);
	if (json_is_true(v) && def_str(t->def, "@id") && jl_is_keyword(def_str(t->def, "@id")))
		return FAIL(s, "invalid term definition: %s", t->term);
	return set_new(s, t->def, "prefix", json_incref(v));
}

/* Step 27: protected terms may only be redefined identically; then the
 * definition goes into the active context. */
static ob_code td_finish(struct tdef *t, const json_t *prev, json_t *prev_copy)
{
	if (!t->override_protected && prev && json_is_true(json_object_get(prev, "protected"))) {
		if (!same_def(t->def, prev))
			return FAIL(t->s, "protected term redefinition: %s", t->term);
		json_decref(t->def);
		t->def = json_incref(prev_copy);
	}
	if (json_object_set((*t->active)->terms, t->term, t->def) ||
	    json_object_set_new(t->defined, t->term, json_true()))
		return jl_nomem(t->s);
	return OB_OK;
}

/* Steps 7-25 for a string or object value: the definition's entries. */
static ob_code td_entries(struct tdef *t)
{
	int done;
	ob_code rc;

	if ((rc = td_protected(t)) || (rc = td_type(t)) || (rc = td_reverse(t, &done)) || t->ignore)
		return rc;
	if (!done && ((rc = td_id(t)) || t->ignore))
		return rc;
	if ((rc = td_container(t)) || (rc = td_index(t)) || (rc = td_scoped(t)) ||
	    (rc = td_lang_dir_nest(t)) || (rc = td_prefix(t)))
		return rc;
	return OB_OK;
}

/* §4.2 Create Term Definition. */
static ob_code define_term(struct st *s, ctx **active, const json_t *local, const char *term,
			   json_t *defined, const char *base_url, int protected_default,
			   int override_protected, json_t *remote)
{
	struct tdef t = { s, active, local, term, defined, base_url, protected_default,
			  override_protected, remote, json_object_get(local, term), NULL, 0, 0 };
	const json_t *prev;
	json_t *prev_copy = NULL;
	int done;
	ob_code rc;

	if ((rc = td_check(&t, &done)) || done)
		return rc;
	/* step 5, 6 */
	prev = json_object_get((*active)->terms, term);
	if (!prev && json_object_size((*active)->terms) >= OB_JSONLD_MAX_TERMS) {
		char nb[48];

		return ob_fail(s->err, OB_ELIMIT, "over budget: JSON-LD context with more than %d "
			       "terms (at term '%s')", OB_JSONLD_MAX_TERMS, term_name(term, nb));
	}
	rc = jl_charge(s, DEFINE_COST + ((*active)->refs > 1 ? json_object_size((*active)->terms) : 0));
	if (rc)
		return rc;
	if (prev && !(prev_copy = json_incref((json_t *)prev)))
		return jl_nomem(s);
	if (jl_ctx_mut(active)) {
		rc = jl_nomem(s);
		goto out;
	}
	json_object_del((*active)->terms, term);
	if (!(t.def = json_object())) {
		rc = jl_nomem(s);
		goto out;
	}
	/* step 7-9 */
	if (json_is_null(t.value)) {
		/* a null mapping: nothing else applies */
		rc = set_new(s, t.def, "@id", json_null());
		if (!rc && protected_default) {
			rc = set_new(s, t.def, "protected", json_true());
			(*active)->protected_terms = 1;
		}
	} else if (json_is_string(t.value)) {
		t.simple = 1;
		rc = td_entries(&t);
	} else if (!json_is_object(t.value)) {
		rc = FAIL(s, "invalid term definition: %s", term);
	} else {
		rc = td_entries(&t);
	}
	if (!rc && t.ignore)
		rc = jl_data_loss(s, "term '%s' maps to a reserved keyword form", term);
	else if (!rc)
		rc = td_finish(&t, prev, prev_copy);
out:
	json_decref(t.def);
	json_decref(prev_copy);
	return rc;
}

/* Each term a definition needs (a compact IRI's prefix, its @type, the
 * terms of a scoped context) is defined first, recursively: the depth of
 * that recursion is bounded so a chain of terms cannot exhaust the stack. */
ob_code jl_create_term(struct st *s, ctx **active, const json_t *local, const char *term,
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

	url = base_url ? jl_iri_resolve(base_url, ref) : strdup(ref);
	if (!url)
		return jl_nomem(s);
	if (!validate && json_array_has_str(remote, url))
		goto out;
	if (json_array_size(remote) >= MAX_REMOTE) {
		rc = FAIL(s, "context overflow: %s", url);
		goto out;
	}
	if (json_array_append_new(remote, json_string(url))) {
		rc = jl_nomem(s);
		goto out;
	}
	r = jl_cache_get(s, *result, url, NULL, NULL, validate);
	if (r) {
		jl_ctx_unref(*result);
		*result = r;
		goto out;
	}
	if (!jl_is_abs_iri(url)) {
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
	r = jl_ctx_ref(*result);
	rc = process_ctx(s, &r, lc, url, remote, 0, 1, validate);
	if (rc) {
		jl_ctx_unref(r);
		goto out;
	}
	jl_cache_put(s, *result, url, NULL, NULL, validate, r);
	jl_ctx_unref(*result);
	*result = r;
out:
	free(url);
	return rc;
}

/* §4.1 step 5.6 @import: *c becomes the imported context overridden by
 * *c, held in *merged (the caller frees it). */
static ob_code ctx_import(struct st *s, const json_t **c, const json_t *v, const char *base_url,
			  json_t **merged)
{
	const json_t *idoc, *ic;
	char *iurl;

	if (s->mode_10)
		return FAIL(s, "invalid context entry: @import");
	if (!json_is_string(v))
		return FAIL(s, "invalid @import value");
	iurl = base_url ? jl_iri_resolve(base_url, json_string_value(v))
			: strdup(json_string_value(v));
	if (!iurl)
		return jl_nomem(s);
	idoc = s->p->load(s->p->load_ctx, iurl, s->err);
	free(iurl);
	if (!idoc)
		return s->err && s->err->code ? s->err->code : OB_ENET;
	ic = json_object_get(idoc, "@context");
	if (!json_is_object(ic))
		return FAIL(s, "invalid remote context: @import");
	if (json_object_get(ic, "@import"))
		return FAIL(s, "invalid context entry: @import in imported context");
	json_decref(*merged);
	*merged = json_copy((json_t *)ic);
	if (!*merged || json_object_update(*merged, (json_t *)*c))
		return jl_nomem(s);
	json_object_del(*merged, "@import");
	*c = *merged;
	return OB_OK;
}

/* §4.1 steps 5.7 @base (only outside remote contexts) and 5.8 @vocab. */
static ob_code ctx_base_vocab(struct st *s, ctx **result, const json_t *c, const json_t *remote)
{
	const json_t *v;
	ob_code rc;

	if ((v = json_object_get(c, "@base")) != NULL && json_array_size(remote) == 0) {
		char *nb = NULL;

		if (json_is_null(v))
			nb = NULL;
		else if (!json_is_string(v))
			return FAIL(s, "invalid base IRI");
		else if (jl_scheme_len(json_string_value(v)))
			nb = strdup(json_string_value(v));
		else if ((*result)->base)
			nb = jl_iri_resolve((*result)->base, json_string_value(v));
		else
			return FAIL(s, "invalid base IRI: %s", json_string_value(v));
		if (!json_is_null(v) && !nb)
			return jl_nomem(s);
		free((*result)->base);
		(*result)->base = nb;
	}
	if ((v = json_object_get(c, "@vocab")) != NULL) {
		char *nv = NULL;

		if (json_is_string(v)) {
			rc = jl_expand_iri(s, result, json_string_value(v), 1, 1, NULL, NULL, &nv);
			if (rc)
				return rc;
			if (!nv || !strchr(nv, ':')) {
				free(nv);
				return FAIL(s, "invalid vocab mapping");
			}
		} else if (!json_is_null(v)) {
			return FAIL(s, "invalid vocab mapping");
		}
		free((*result)->vocab);
		(*result)->vocab = nv;
	}
	return OB_OK;
}

/* §4.1 steps 5.9 @language and 5.10 @direction, and the @propagate and
 * @protected entries' checks. */
static ob_code ctx_lang_dir(struct st *s, ctx *result, const json_t *c)
{
	const json_t *v;

	if ((v = json_object_get(c, "@language")) != NULL) {
		char *nl = NULL;

		if (json_is_string(v))
			nl = strdup(json_string_value(v));
		else if (!json_is_null(v))
			return FAIL(s, "invalid default language");
		if (json_is_string(v) && !nl)
			return jl_nomem(s);
		free(result->lang);
		result->lang = nl;
	}
	if ((v = json_object_get(c, "@direction")) != NULL) {
		char *nd = NULL;

		if (s->mode_10)
			return FAIL(s, "invalid context entry: @direction");
		if (json_is_string(v) && (!strcmp(json_string_value(v), "ltr") ||
					  !strcmp(json_string_value(v), "rtl"))) {
			if (!(nd = strdup(json_string_value(v))))
				return jl_nomem(s);
		} else if (!json_is_null(v)) {
			return FAIL(s, "invalid base direction");
		}
		free(result->dir);
		result->dir = nd;
	}
	if ((v = json_object_get(c, "@propagate")) != NULL && s->mode_10)
		return FAIL(s, "invalid context entry: @propagate");
	if ((v = json_object_get(c, "@protected")) != NULL && !json_is_boolean(v))
		return FAIL(s, "invalid @protected value");
	return OB_OK;
}

/* §4.1 steps 5.11-5.13: a term definition for each other entry of c. */
static ob_code ctx_terms(struct st *s, ctx **result, const json_t *c, const char *base_url,
			 json_t *remote, int override_protected)
{
	json_t *defined = json_object(), *v;
	const char *key;
	ob_code rc = OB_OK;

	if (!defined)
		return jl_nomem(s);
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
		rc = jl_create_term(s, result, c, key, defined, base_url,
				    json_is_true(json_object_get(c, "@protected")),
				    override_protected, remote);
		if (rc)
			break;
	}
	json_decref(defined);
	return rc;
}

/* §4.1 steps 5.5-5.13: a local context object c. */
static ob_code ctx_object(struct st *s, ctx **result, const json_t *c, const char *base_url,
			  json_t *remote, int override_protected, json_t **merged)
{
	const json_t *v;
	ob_code rc;

	if ((*result)->refs > 1 && (rc = jl_charge(s, json_object_size((*result)->terms))))
		return rc;
	if (jl_ctx_mut(result))
		return jl_nomem(s);
	/* step 5.5 @version */
	if ((v = json_object_get(c, "@version")) != NULL) {
		if (!json_is_number(v) || json_number_value(v) != 1.1)
			return FAIL(s, "invalid @version value");
		if (s->mode_10)
			return FAIL(s, "processing mode conflict");
	}
	if ((v = json_object_get(c, "@import")) != NULL &&
	    (rc = ctx_import(s, &c, v, base_url, merged)))
		return rc;
	if ((rc = ctx_base_vocab(s, result, c, remote)) || (rc = ctx_lang_dir(s, *result, c)))
		return rc;
	return ctx_terms(s, result, c, base_url, remote, override_protected);
}

/* §4.1 Context Processing. *active is replaced by the result (a new
 * reference); remote is the list of remote contexts being processed. */
static ob_code process_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
			   json_t *remote, int override_protected, int propagate, int validate)
{
	ctx *result = jl_ctx_ref(*active);
	json_t *v, *merged = NULL;
	struct st saved = *s; /* the ctx_* fields, for nested calls */
	size_t i, n;
	ob_code rc;

	if ((rc = jl_enter(s)))
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
		if (result->refs > 1 && (rc = jl_charge(s, json_object_size(result->terms))))
			goto out;
		if (jl_ctx_mut(&result)) {
			rc = jl_nomem(s);
			goto out;
		}
		result->prev = jl_ctx_ref(*active);
	}
	n = json_is_array(local) ? json_array_size(local) : 1;
	for (i = 0; i < n; i++) {
		const json_t *c = json_is_array(local) ? json_array_get(local, i) : local;

		if (json_is_null(c)) {
			/* step 5.1 */
			ctx *fresh;

			if (!override_protected && result->protected_terms) {
				rc = FAIL(s, "invalid context nullification");
				goto out;
			}
			fresh = jl_ctx_new(s->o->base);
			if (!fresh) {
				rc = jl_nomem(s);
				goto out;
			}
			if (!propagate)
				fresh->prev = jl_ctx_ref(result);
			jl_ctx_unref(result);
			result = fresh;
			continue;
		}
		if (json_is_string(c))
			rc = remote_ctx(s, &result, json_string_value(c), base_url, remote, validate);
		else if (!json_is_object(c))
			rc = FAIL(s, "invalid local context");
		else
			rc = ctx_object(s, &result, c, base_url, remote, override_protected, &merged);
		if (rc)
			goto out;
	}
	jl_ctx_unref(*active);
	*active = result;
	result = NULL;
out:
	s->depth--;
	s->ctx_base_url = saved.ctx_base_url;
	s->ctx_protected = saved.ctx_protected;
	s->ctx_override = saved.ctx_override;
	s->ctx_remote = saved.ctx_remote;
	json_decref(merged);
	jl_ctx_unref(result);
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
	ctx *r = cache_local ? jl_cache_get(s, *active, NULL, local, base_url, flags) : NULL;
	json_t *remote;
	ob_code rc;

	if (r) {
		jl_ctx_unref(*active);
		*active = r;
		return OB_OK;
	}
	remote = json_array();
	if (!remote)
		return jl_nomem(s);
	r = jl_ctx_ref(*active);
	rc = process_ctx(s, &r, local, base_url, remote, override_protected, propagate, 1);
	json_decref(remote);
	if (rc) {
		jl_ctx_unref(r);
		return rc;
	}
	if (cache_local)
		jl_cache_put(s, *active, NULL, local, base_url, flags, r);
	jl_ctx_unref(*active);
	*active = r;
	return OB_OK;
}

ob_code jl_apply_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
		     int override_protected, int propagate, int cache_local)
{
	ob_code rc;

	/* contexts (and the documents loaded for them) are cached beyond
	 * this document: never from toRdf's arena */
	ob_arena_pause();
	rc = apply_ctx(s, active, local, base_url, override_protected, propagate, cache_local);
	ob_arena_resume();
	return rc;
}
