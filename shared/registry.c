#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

struct one {
	char *name;
	json_t *issuers; /* object: issuer id -> entry object (owned) */
	struct one *next;
};

struct ob_registry {
	struct one *head, *tail;
	size_t n;
};

ob_registry *ob_registry_new(void)
{
	return calloc(1, sizeof(ob_registry));
}

void ob_registry_free(ob_registry *r)
{
	struct one *o, *n;

	if (!r)
		return;
	for (o = r->head; o; o = n) {
		n = o->next;
		free(o->name);
		json_decref(o->issuers);
		free(o);
	}
	free(r);
}

size_t ob_registry_count(const ob_registry *r)
{
	return r ? r->n : 0;
}

/* An entry needs a name to be worth reporting. */
static int entry_ok(const json_t *e)
{
	const char *n = ob_json_str(e, "name");
	return n && *n;
}

/* obkit's format: "issuers" is an array of {"id", "name", ...}. */
static ob_code from_list(json_t *map, const json_t *list, ob_error *err)
{
	const json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *id = ob_json_str(e, "id");
		if (!id || !*id || !entry_ok(e))
			return ob_fail(err, OB_EPARSE, "registry issuer %zu needs an \"id\" and a \"name\"", i);
		/* the first entry for an id wins, as across registries */
		if (!json_object_get(map, id) && json_object_set(map, id, (json_t *)e))
			return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

/* The DCC format: an object keyed by DID. */
static ob_code from_map(json_t *map, const json_t *obj, ob_error *err)
{
	const char *id;
	json_t *e;

	json_object_foreach((json_t *)obj, id, e) {
		if (!json_is_object(e) || !entry_ok(e))
			return ob_fail(err, OB_EPARSE, "registry entry '%.80s' needs a \"name\"", id);
		if (json_object_set(map, id, e))
			return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

ob_code ob_registry_add_json(ob_registry *r, const json_t *doc, const char *name, ob_error *err)
{
	const json_t *list = json_object_get(doc, "issuers");
	const json_t *map = json_object_get(doc, "registry");
	const char *own = ob_json_str(doc, "name");
	struct one *o;
	ob_code rc;

	if (!map)
		map = json_object_get(doc, "entries");
	if (!json_is_object(doc) || !(json_is_array(list) || json_is_object(map)))
		return ob_fail(err, OB_EPARSE,
			       "not an issuer registry: expected an \"issuers\" array or a DCC \"registry\" object");
	if (!(o = calloc(1, sizeof(*o))) || !(o->issuers = json_object()) ||
	    !(o->name = strdup(own && *own ? own : name ? name : "registry"))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto bad;
	}
	rc = json_is_array(list) ? from_list(o->issuers, list, err) : from_map(o->issuers, map, err);
	if (rc)
		goto bad;
	if (r->tail)
		r->tail->next = o;
	else
		r->head = o;
	r->tail = o;
	r->n++;
	return OB_OK;
bad:
	if (o) {
		json_decref(o->issuers);
		free(o->name);
		free(o);
	}
	return rc;
}

ob_code ob_registry_add_file(ob_registry *r, const char *path, ob_error *err)
{
	ob_error e = { 0 };
	const char *base = strrchr(path, '/');
	json_t *doc = ob_json_load_file(path, &e);
	ob_code rc;

	if (!doc)
		return ob_fail(err, e.code ? e.code : OB_EIO, "registry '%s': %s", path, e.msg);
	rc = ob_registry_add_json(r, doc, base ? base + 1 : path, &e);
	if (rc)
		ob_fail(err, rc, "registry '%s': %s", path, e.msg);
	json_decref(doc);
	return rc;
}

int ob_registry_lookup(const ob_registry *r, const char *issuer, ob_registry_entry *out)
{
	const struct one *o;
	const json_t *e;

	memset(out, 0, sizeof(*out));
	if (!r || !issuer)
		return 0;
	for (o = r->head; o; o = o->next) {
		if (!(e = json_object_get(o->issuers, issuer)))
			continue;
		out->name = ob_json_str(e, "name");
		out->url = ob_json_str(e, "url");
		out->location = ob_json_str(e, "location");
		out->registry = o->name;
		return 1;
	}
	return 0;
}
