#include "vc/registry.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fsutil.h"
#include "base/json.h"

struct one {
	char *name;
	json_t *issuers; /* object: issuer id -> entry object (owned) */
	struct one *next;
};

struct ob_registry {
	struct one *head, *tail;
	size_t n;
};

/* How a file is read: by its first character, or as one format. */
enum kind { SNIFF, JSON, LIST };

ob_registry *ob_registry_new(void)
{
	return calloc(1, sizeof(ob_registry));
}

static void one_free(struct one *o)
{
	if (!o)
		return;
	free(o->name);
	json_decref(o->issuers);
	free(o);
}

static struct one *one_new(const char *name)
{
	struct one *o = calloc(1, sizeof(*o));

	if (o && (!(o->issuers = json_object()) || !(o->name = strdup(name)))) {
		one_free(o);
		o = NULL;
	}
	return o;
}

static void link_one(ob_registry *r, struct one *o)
{
	if (r->tail)
		r->tail->next = o;
	else
		r->head = o;
	r->tail = o;
	r->n++;
}

/* Frees the registries added after tail (NULL: all), leaving n. */
static void drop_after(ob_registry *r, struct one *tail, size_t n)
{
	struct one *o = tail ? tail->next : r->head, *next;

	for (; o; o = next) {
		next = o->next;
		one_free(o);
	}
	if (tail)
		tail->next = NULL;
	else
		r->head = NULL;
	r->tail = tail;
	r->n = n;
}

void ob_registry_free(ob_registry *r)
{
	if (!r)
		return;
	drop_after(r, NULL, 0);
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
	struct one *o = NULL;
	ob_code rc;

	if (!map)
		map = json_object_get(doc, "entries");
	if (!json_is_object(doc) || !(json_is_array(list) || json_is_object(map)))
		return ob_fail(err, OB_EPARSE,
			       "not an issuer registry: expected an \"issuers\" array or a DCC \"registry\" object");
	if (!(o = one_new(own && *own ? own : name ? name : "registry"))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	rc = json_is_array(list) ? from_list(o->issuers, list, err) : from_map(o->issuers, map, err);
	if (rc)
		goto out;
	link_one(r, o);
	o = NULL;
out:
	one_free(o);
	return rc;
}

/* ---- trusted-issuer lists ---- */

/* Length of the UTF-8 sequence at s (n bytes left), its code point in
 * *cp; 0 when invalid: overlong, a surrogate, beyond U+10FFFF, cut. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	return len;
}

/* Refused anywhere in a line: C0 controls but tab, DEL, C1 controls, and
 * what would reorder or break a name where it is shown (the Bidi_Control
 * characters, U+2028 and U+2029). */
static int refused(unsigned cp)
{
	return (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* did:METHOD:ID (DID Core 3.1: METHOD is [a-z0-9]+) or https://HOST... */
static int id_ok(const char *s, size_t n)
{
	size_t i = 4;

	if (n > 8 && memcmp(s, "https://", 8) == 0)
		return !strchr("/?#", s[8]);
	if (n < 4 || memcmp(s, "did:", 4) != 0)
		return 0;
	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	return i > 4 && i + 1 < n && s[i] == ':';
}

/* Bytes of s to quote in a message: at most max, whole characters. */
static int clip(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return (int)n;
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

/* One "IDENTIFIER [NAME...]" line, already trimmed and checked for
 * UTF-8 and controls, into map. */
static ob_code list_entry(json_t *map, const char *p, const char *e, const char *where,
			  size_t line, ob_error *err)
{
	const char *q = p, *name;
	size_t idn, namen;
	char *id = NULL;
	json_t *v = NULL;
	ob_code rc = OB_OK;

	while (q < e && !blank(*q))
		q++;
	idn = (size_t)(q - p);
	while (q < e && blank(*q))
		q++;
	name = q;
	namen = (size_t)(e - q);
	if (!id_ok(p, idn)) {
		rc = ob_fail(err, OB_EPARSE, "%s:%zu: '%.*s' is not a DID or https URL", where, line,
			     clip(p, idn, 80), p);
		goto out;
	}
	if (memchr(name, '\t', namen)) {
		rc = ob_fail(err, OB_EPARSE, "%s:%zu: tab inside the issuer's name", where, line);
		goto out;
	}
	if (!(id = strndup(p, idn)))
		goto oom;
	if (json_object_get(map, id)) /* the first line for an id wins */
		goto out;
	if (!namen) {
		name = p;
		namen = idn;
	}
	if (!(v = json_object()) || json_object_set_new(v, "name", json_stringn(name, namen)) ||
	    json_object_set(map, id, v))
		goto oom;
	goto out;
oom:
	rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	json_decref(v);
	free(id);
	return rc;
}

/* The text format (registry.h); where names the input in messages. */
static ob_code parse_list(json_t *map, const char *text, size_t len, const char *where,
			  ob_error *err)
{
	const char *p = text, *end = text + len;
	size_t line = 0;
	ob_code rc;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *e = eol ? eol : end, *q;
		unsigned cp;
		size_t n;

		line++;
		if (e > p && e[-1] == '\r')
			e--;
		for (q = p; q < e; q += n) {
			if (!(n = utf8_seq((const unsigned char *)q, (size_t)(e - q), &cp)))
				return ob_fail(err, OB_EPARSE, "%s:%zu: invalid UTF-8", where, line);
			if (refused(cp))
				return ob_fail(err, OB_EPARSE, "%s:%zu: control character U+%04X", where,
					       line, cp);
		}
		while (p < e && blank(*p))
			p++;
		while (e > p && blank(e[-1]))
			e--;
		if (p < e && *p != '#' && (rc = list_entry(map, p, e, where, line, err)))
			return rc;
		p = eol ? eol + 1 : end;
	}
	return OB_OK;
}

static ob_code add_list(ob_registry *r, const char *text, size_t len, const char *name,
			const char *where, ob_error *err)
{
	struct one *o = one_new(name);
	ob_code rc;

	if (!o) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = parse_list(o->issuers, text, len, where, err)))
		goto out;
	link_one(r, o);
	o = NULL;
out:
	one_free(o);
	return rc;
}

ob_code ob_registry_add_list(ob_registry *r, const char *text, size_t len, const char *name,
			     ob_error *err)
{
	return add_list(r, text, len, name, name, err);
}

/* ---- files ---- */

/* JSON starts with '{' or '[' (after blanks and a byte order mark); an
 * identifier in a list never does. */
static int looks_json(const char *s, size_t n)
{
	size_t i = n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

	while (i < n && s[i] && strchr(" \t\r\n", s[i]))
		i++;
	return i < n && (s[i] == '{' || s[i] == '[');
}

static ob_code add_path(ob_registry *r, const char *path, enum kind kind, ob_error *err)
{
	ob_error e = { 0 };
	const char *base = strrchr(path, '/');
	char *text = NULL;
	json_t *doc = NULL;
	size_t len;
	ob_code rc;

	base = base ? base + 1 : path;
	if ((rc = ob_file_read(path, OB_JSON_MAX_SIZE, &text, &len, &e))) {
		ob_fail(err, rc, "registry '%s': %s", path, e.msg);
		goto out;
	}
	if (kind == SNIFF)
		kind = looks_json(text, len) ? JSON : LIST;
	if (kind == LIST) {
		rc = add_list(r, text, len, base, path, err);
		goto out;
	}
	if (!(doc = ob_json_parse(text, len, &e)) || ob_registry_add_json(r, doc, base, &e))
		rc = ob_fail(err, e.code ? e.code : OB_EPARSE, "registry '%s': %s", path, e.msg);
out:
	json_decref(doc);
	free(text);
	return rc;
}

ob_code ob_registry_add_file(ob_registry *r, const char *path, ob_error *err)
{
	return add_path(r, path, SNIFF, err);
}

ob_code ob_registry_add_list_file(ob_registry *r, const char *path, ob_error *err)
{
	return add_path(r, path, LIST, err);
}

/* ---- the user's own registries ---- */

/* $XDG_CONFIG_HOME/obkit, or $HOME/.config/obkit (XDG Base Directory:
 * a relative value is invalid and ignored); *dir NULL when neither. */
static ob_code config_dir(char **dir, ob_error *err)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	*dir = NULL;
	if (x && x[0] == '/')
		*dir = ob_path_join(x, "obkit");
	else if (home && home[0] == '/')
		*dir = ob_path_join(home, ".config/obkit");
	else
		return OB_OK;
	return *dir ? OB_OK : ob_fail(err, OB_ENOMEM, "out of memory");
}

/* *present: path is a regular file (0 when missing); anything else that
 * is there is an error. */
static ob_code regular_file(const char *path, int *present, ob_error *err)
{
	struct stat st;

	*present = 0;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? OB_OK
				       : ob_fail(err, OB_EIO, "registry '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ob_fail(err, OB_EIO, "registry '%s': not a regular file", path);
	*present = 1;
	return OB_OK;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of dir's visible *.json entries, sorted; none when dir is
 * missing. */
static ob_code json_names(const char *dir, char ***names, size_t *n, ob_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0, len;
	char **p;
	ob_code rc = OB_OK;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? OB_OK
				       : ob_fail(err, OB_EIO, "cannot open folder '%s': %s", dir, strerror(errno));
	for (;;) {
		errno = 0;
		if (!(de = readdir(d))) {
			if (errno)
				rc = ob_fail(err, OB_EIO, "cannot read folder '%s': %s", dir, strerror(errno));
			break;
		}
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if (!(p = realloc(*names, cap * sizeof(*p)))) {
				rc = ob_fail(err, OB_ENOMEM, "out of memory");
				break;
			}
			*names = p;
		}
		if (!((*names)[*n] = strdup(de->d_name))) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), by_name);
	return rc;
}

ob_code ob_registry_add_defaults(ob_registry *r, size_t *nadded, ob_error *err)
{
	struct one *tail = r->tail;
	size_t n0 = r->n, nnames = 0, i;
	char *dir = NULL, *regdir = NULL, *path = NULL, **names = NULL;
	int present;
	ob_code rc;

	if (nadded)
		*nadded = 0;
	if ((rc = config_dir(&dir, err)) || !dir)
		goto out;
	if (!(path = ob_path_join(dir, "trusted-issuers")) || !(regdir = ob_path_join(dir, "registries"))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = regular_file(path, &present, err)) || (present && (rc = add_path(r, path, LIST, err))))
		goto out;
	if ((rc = json_names(regdir, &names, &nnames, err)))
		goto out;
	for (i = 0; i < nnames; i++) {
		free(path);
		if (!(path = ob_path_join(regdir, names[i]))) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = regular_file(path, &present, err)) || (present && (rc = add_path(r, path, JSON, err))))
			goto out;
	}
out:
	if (rc)
		drop_after(r, tail, n0);
	else if (nadded)
		*nadded = r->n - n0;
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	free(regdir);
	free(dir);
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
