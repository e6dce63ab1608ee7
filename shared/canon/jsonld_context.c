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
		return jl_nomem(s);
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
	} else if (jl_is_keyword(term)) {
		return FAIL(s, "keyword redefinition: %s", term);
	} else if (jl_keyword_form(term)) {
		if (json_object_set_new(defined, term, json_true()))
			return jl_nomem(s);
		return jl_data_loss(s, "reserved term '%s' ignored", term);
	}
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
	def = json_object();
	if (!def) {
		rc = jl_nomem(s);
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
		rc = jl_expand_iri(s, active, json_string_value(v), 0, 1, local, defined, &iri);
		if (rc)
			goto out;
		if (!iri || (strcmp(iri, "@id") && strcmp(iri, "@vocab") &&
			     ((strcmp(iri, "@json") && strcmp(iri, "@none")) || s->mode_10) &&
			     (!jl_is_abs_iri(iri)))) {
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
		if (jl_keyword_form(json_string_value(v))) {
			json_object_set_new(defined, term, json_true());
			goto out_ignore;
		}
		rc = jl_expand_iri(s, active, json_string_value(v), 0, 1, local, defined, &iri);
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
		if (!jl_is_keyword(json_string_value(v)) && jl_keyword_form(json_string_value(v))) {
			json_object_set_new(defined, term, json_true());
			goto out_ignore;
		}
		rc = jl_expand_iri(s, active, json_string_value(v), 0, 1, local, defined, &iri);
		if (rc)
			goto out;
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

			if (json_object_set_new(defined, term, json_true())) {
				rc = jl_nomem(s);
				goto out;
			}
			rc = jl_expand_iri(s, active, term, 0, 1, local, defined, &self);
			if (!rc && (!self || strcmp(self, iri)))
				rc = FAIL(s, "invalid IRI mapping: %s", term);
			free(self);
			if (rc)
				goto out;
		}
		/* step 14.2.5: the prefix flag */
		if (!strchr(term, ':') && !strchr(term, '/') && simple &&
		    (jl_is_gen_delim(iri[strlen(iri) - 1]) || is_bnode(iri)))
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
			rc = jl_nomem(s);
			goto out;
		}
		if (json_object_get(local, prefix))
			rc = jl_create_term(s, active, local, prefix, defined, base_url,
					 protected_default, override_protected, remote);
		pd = term_def(*active, prefix);
		free(prefix);
		if (rc)
			goto out;
		if (pd && def_str(pd, "@id")) {
			ob_buf b = OB_BUF_INIT;

			ob_buf_adds(&b, def_str(pd, "@id"));
			ob_buf_adds(&b, colon + 1);
			rc = b.oom ? jl_nomem(s) : set_new(s, def, "@id", json_string(b.data));
			ob_buf_release(&b);
		} else {
			rc = set_new(s, def, "@id", json_string(term));
		}
		if (rc)
			goto out;
	} else if (strchr(term, '/')) {
		/* step 16: relative IRI term */
		rc = jl_expand_iri(s, active, term, 0, 1, NULL, NULL, &iri);
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
		rc = b.oom ? jl_nomem(s) : set_new(s, def, "@id", json_string(b.data));
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
		if (jl_def_container(def, "@type")) {
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
		if (s->mode_10 || !jl_def_container(def, "@index") || !json_is_string(v) ||
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
			tmp = jl_ctx_ref(*active);
			s->err = &verr;
			s->scoped_depth++;
			rc = rcopy ? process_ctx(s, &tmp, v, base_url, rcopy, 1, 1, 0) : jl_nomem(s);
			s->scoped_depth--;
			s->err = saved;
			jl_ctx_unref(tmp);
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
		    (jl_is_keyword(json_string_value(v)) && strcmp(json_string_value(v), "@nest"))) {
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
		if (json_is_true(v) && def_str(def, "@id") && jl_is_keyword(def_str(def, "@id"))) {
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
		rc = jl_nomem(s);
	goto out;
out_ignore:
	rc = jl_data_loss(s, "term '%s' maps to a reserved keyword form", term);
out:
	free(iri);
	json_decref(def);
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

/* §4.1 Context Processing. *active is replaced by the result (a new
 * reference); remote is the list of remote contexts being processed. */
static ob_code process_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
			   json_t *remote, int override_protected, int propagate, int validate)
{
	ctx *result = jl_ctx_ref(*active);
	json_t *defined = NULL, *v, *merged = NULL;
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
		const char *key;

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
		if (result->refs > 1 && (rc = jl_charge(s, json_object_size(result->terms))))
			goto out;
		if (jl_ctx_mut(&result)) {
			rc = jl_nomem(s);
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
			iurl = base_url ? jl_iri_resolve(base_url, json_string_value(v))
					: strdup(json_string_value(v));
			if (!iurl) {
				rc = jl_nomem(s);
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
				rc = jl_nomem(s);
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
			} else if (jl_scheme_len(json_string_value(v))) {
				nb = strdup(json_string_value(v));
			} else if (result->base) {
				nb = jl_iri_resolve(result->base, json_string_value(v));
			} else {
				rc = FAIL(s, "invalid base IRI: %s", json_string_value(v));
				goto out;
			}
			if (!json_is_null(v) && !nb) {
				rc = jl_nomem(s);
				goto out;
			}
			free(result->base);
			result->base = nb;
		}
		/* step 5.8 @vocab */
		if ((v = json_object_get(c, "@vocab")) != NULL) {
			char *nv = NULL;

			if (json_is_string(v)) {
				rc = jl_expand_iri(s, &result, json_string_value(v), 1, 1, NULL, NULL, &nv);
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
				rc = jl_nomem(s);
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
					rc = jl_nomem(s);
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
			rc = jl_nomem(s);
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
			rc = jl_create_term(s, &result, c, key, defined, base_url,
					 json_is_true(json_object_get(c, "@protected")),
					 override_protected, remote);
			if (rc)
				goto out;
		}
		json_decref(defined);
		defined = NULL;
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
	json_decref(defined);
	jl_ctx_unref(result);
	return rc;
}

/* Applies a local context to *active. Scoped contexts (cache_local: the
 * json lives in a term definition of a cached context) go through the
 * cache: contexts are immutable, so (active, local, flags) always gives
 * the same result. A document's own @context is processed each time; the
 * remote contexts it names are cached by URL. */
ob_code jl_apply_ctx(struct st *s, ctx **active, const json_t *local, const char *base_url,
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
