/* sd_select: JSON Pointers, selectJsonLd and compact skolemization for
 * ecdsa-sd-2023 (see sd_select.h; the reference's select.js is the
 * model, step by step). */
#include "proof/sd_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A placeholder for an array slot not selected (JavaScript's sparse
 * array hole); removed when the selection is done. */
#define HOLE_KEY "\x01sd-hole"

ob_code ob_sd_pointer_check(const char *pointer, ob_error *err)
{
	size_t len, depth = 0, i;

	if (!pointer)
		return ob_fail(err, OB_EUSAGE, "invalid JSON pointer (none)");
	len = strlen(pointer);
	if (len > OB_SD_MAX_POINTER_LEN)
		return ob_fail(err, OB_ELIMIT, "over budget: JSON pointer longer than %d bytes",
			       OB_SD_MAX_POINTER_LEN);
	if (len && pointer[0] != '/')
		return ob_fail(err, OB_EUSAGE, "invalid JSON pointer \"%s\": it must start with '/'",
			       pointer);
	for (i = 0; i < len; i++) {
		if (pointer[i] == '/' && ++depth > OB_SD_MAX_POINTER_DEPTH)
			return ob_fail(err, OB_ELIMIT, "over budget: JSON pointer deeper than %d",
				       OB_SD_MAX_POINTER_DEPTH);
		if (pointer[i] == '~' && pointer[i + 1] != '0' && pointer[i + 1] != '1')
			return ob_fail(err, OB_EUSAGE, "invalid JSON pointer \"%s\": '~' must be "
				       "followed by 0 or 1", pointer);
	}
	return OB_OK;
}

/* The next reference token of *p (after its '/'), unescaped into tok
 * (RFC 6901 4: ~1 then ~0). Returns 0, or -1 when the token is too long. */
static int next_token(const char **p, char *tok, size_t cap)
{
	const char *s = *p + 1;
	size_t n = 0;

	while (*s && *s != '/') {
		char c = *s++;

		if (c == '~')
			c = *s++ == '1' ? '/' : '~';
		if (n + 1 >= cap)
			return -1;
		tok[n++] = c;
	}
	tok[n] = '\0';
	*p = s;
	return 0;
}

/* An array index token: digits only (the reference's parseInt accepts
 * more, which no well-formed pointer needs). */
static int index_of(const char *tok, size_t *idx)
{
	char *end;
	unsigned long v;

	if (!tok[0] || tok[strspn(tok, "0123456789")] != '\0' || strlen(tok) > 9)
		return 0;
	v = strtoul(tok, &end, 10);
	*idx = (size_t)v;
	return 1;
}

static int is_hole(const json_t *v)
{
	return json_is_object(v) && json_object_get(v, HOLE_KEY) != NULL;
}

/* _initSelection: the non-blank id and the type of source. */
static json_t *init_selection(json_t *sel, const json_t *source)
{
	const json_t *id = json_object_get(source, "id"), *type = json_object_get(source, "type");

	if (!sel)
		return NULL;
	if (json_is_string(id) && strncmp(json_string_value(id), "_:", 2) != 0 &&
	    json_object_set(sel, "id", (json_t *)id)) {
		json_decref(sel);
		return NULL;
	}
	if (type && json_object_set_new(sel, "type", json_deep_copy(type))) {
		json_decref(sel);
		return NULL;
	}
	return sel;
}

/* selected[idx] of a selection array, growing it with holes. Borrowed. */
static json_t *array_slot(json_t *arr, size_t idx, json_t *set)
{
	while (json_array_size(arr) <= idx)
		if (json_array_append_new(arr, json_pack("{s:b}", HOLE_KEY, 1)))
			return NULL;
	if (set && json_array_set_new(arr, idx, set))
		return NULL;
	return json_array_get(arr, idx);
}

/* child of a selection container under tok (object key or array index);
 * NULL when absent (a hole counts as absent). */
static json_t *sel_get(json_t *sel, const char *tok)
{
	size_t idx;
	json_t *v;

	if (json_is_array(sel)) {
		if (!index_of(tok, &idx))
			return NULL;
		v = json_array_get(sel, idx);
		return is_hole(v) ? NULL : v;
	}
	return json_object_get(sel, tok);
}

/* Sets child tok of sel to v (reference taken). 0 or -1. */
static int sel_set(json_t *sel, const char *tok, json_t *v)
{
	size_t idx;

	if (!v)
		return -1;
	if (json_is_array(sel)) {
		if (!index_of(tok, &idx)) {
			json_decref(v);
			return -1;
		}
		return array_slot(sel, idx, v) ? 0 : -1;
	}
	return json_object_set_new(sel, tok, v);
}

/* _selectPaths: one pointer into the selection. */
static ob_code select_paths(const json_t *doc, const char *pointer, json_t *selection, ob_error *err)
{
	const json_t *value = doc;
	json_t *sel_parent = selection, *sel_value = selection;
	const char *p = pointer;
	char tok[OB_SD_MAX_POINTER_LEN + 1], last[OB_SD_MAX_POINTER_LEN + 1];
	json_t *final;
	size_t idx;

	while (*p == '/') {
		if (next_token(&p, tok, sizeof(tok)) < 0)
			return ob_fail(err, OB_ELIMIT, "over budget: JSON pointer too long");
		sel_parent = sel_value;
		if (json_is_array(value))
			value = index_of(tok, &idx) ? json_array_get(value, idx) : NULL;
		else if (json_is_object(value))
			value = json_object_get(value, tok);
		else
			value = NULL;
		if (!value)
			return ob_fail(err, OB_EINVALID, "JSON pointer \"%s\" does not match the document",
				       pointer);
		if (!json_is_object(sel_parent) && !json_is_array(sel_parent))
			return ob_fail(err, OB_EINVALID, "JSON pointer \"%s\" does not match the document",
				       pointer);
		sel_value = sel_get(sel_parent, tok);
		if (!sel_value) {
			json_t *fresh = json_is_array(value) ? json_array() :
					json_is_object(value) ? init_selection(json_object(), value) :
					json_object();
			if (sel_set(sel_parent, tok, fresh) < 0)
				return ob_fail(err, OB_ENOMEM, "out of memory");
			sel_value = sel_get(sel_parent, tok);
		}
		memcpy(last, tok, strlen(tok) + 1);
	}
	/* the traversal is complete: the value selected */
	if (json_is_object(value)) {
		/* an object blends with the id / type already selected */
		json_t *copy = json_deep_copy(value);

		final = json_is_object(sel_value) ? json_deep_copy(sel_value) : json_object();
		if (!final || !copy || json_object_update(final, copy)) {
			json_decref(final);
			json_decref(copy);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
		json_decref(copy);
	} else {
		final = json_deep_copy(value);
	}
	if (sel_set(sel_parent, last, final) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* Removes the holes from every array of v ("make sparse arrays dense"). */
static void densify(json_t *v)
{
	size_t i;
	const char *k;
	json_t *c;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v);) {
			if (is_hole(json_array_get(v, i))) {
				json_array_remove(v, i);
				continue;
			}
			densify(json_array_get(v, i));
			i++;
		}
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, c)
			densify(c);
	}
}

ob_code ob_sd_select(const json_t *doc, const char *const *pointers, size_t n, json_t **out,
		     ob_error *err)
{
	json_t *sel;
	ob_code rc;
	size_t i;

	*out = NULL;
	if (!json_is_object(doc))
		return ob_fail(err, OB_EUSAGE, "the document to select from is not a JSON object");
	if (n > OB_SD_MAX_POINTERS)
		return ob_fail(err, OB_ELIMIT, "over budget: more than %d JSON pointers", OB_SD_MAX_POINTERS);
	for (i = 0; i < n; i++)
		if ((rc = ob_sd_pointer_check(pointers[i], err)))
			return rc;
	if (n == 0)
		return OB_OK;
	sel = json_object();
	if (sel && json_object_get(doc, "@context") &&
	    json_object_set_new(sel, "@context", json_deep_copy(json_object_get(doc, "@context"))))
		sel = (json_decref(sel), NULL);
	if (!(sel = init_selection(sel, doc)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (!pointers[i][0]) {
			/* "": the whole document */
			json_decref(sel);
			if (!(*out = json_deep_copy(doc)))
				return ob_fail(err, OB_ENOMEM, "out of memory");
			return OB_OK;
		}
		if ((rc = select_paths(doc, pointers[i], sel, err))) {
			json_decref(sel);
			return rc;
		}
	}
	densify(sel);
	*out = sel;
	return OB_OK;
}

/* Adds ids to the node objects of v (in place); see ob_sd_skolemize. */
static int skolemize(json_t *v, const char *tag, unsigned long *count, int depth)
{
	const char *k;
	json_t *c, *id;
	char buf[160];
	size_t i;

	if (depth > 256)
		return -1;
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (skolemize(json_array_get(v, i), tag, count, depth + 1) < 0)
				return -1;
		return 0;
	}
	if (!json_is_object(v) || json_object_get(v, "@value"))
		return 0;
	json_object_foreach(v, k, c) {
		if (!strcmp(k, "@context"))
			continue;
		if (skolemize(c, tag, count, depth + 1) < 0)
			return -1;
	}
	if (json_object_get(v, "@list") || json_object_get(v, "@set"))
		return 0;
	id = json_object_get(v, "id");
	if (!id)
		id = json_object_get(v, "@id");
	if (!id) {
		snprintf(buf, sizeof(buf), OB_SD_SKOLEM_PREFIX "_%s_%lu", tag, (*count)++);
		return json_object_set_new(v, "id", json_string(buf));
	}
	if (json_is_string(id) && !strncmp(json_string_value(id), "_:", 2)) {
		json_t *iri;
		char *s = malloc(strlen(json_string_value(id)) + sizeof(OB_SD_SKOLEM_PREFIX));

		if (!s)
			return -1;
		strcpy(s, OB_SD_SKOLEM_PREFIX);
		strcat(s, json_string_value(id) + 2);
		iri = json_string(s);
		free(s);
		return json_object_set_new(v, json_object_get(v, "id") ? "id" : "@id", iri);
	}
	return 0;
}

json_t *ob_sd_skolemize(const json_t *doc, const char *tag)
{
	json_t *copy = json_deep_copy(doc);
	unsigned long count = 0;

	if (copy && skolemize(copy, tag, &count, 0) < 0) {
		json_decref(copy);
		return NULL;
	}
	return copy;
}
