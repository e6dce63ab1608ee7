#include "base/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* jansson's own limit is 2048; ours is lower, so scan before parsing.
 * Strings are skipped so brackets inside them do not count. The same
 * pass counts values (the root, each array element, each member's
 * value), so a document of millions of tiny values is refused before
 * jansson spends some 200 bytes on each. Returns 0, or 1 too deep, 2 too
 * many values. */
static int over_budget(const char *s, size_t len)
{
	char stack[OB_JSON_MAX_DEPTH + 1];
	size_t i, values = 1;
	int depth = 0, in_str = 0, fresh = 0; /* fresh: an array just opened */

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (fresh && c != ']')
			values++; /* an array's first element */
		fresh = 0;
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[') {
			if (++depth > OB_JSON_MAX_DEPTH)
				return 1;
			stack[depth] = c;
			fresh = c == '[';
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
		} else if ((c == ',' && depth > 0 && stack[depth] == '[') || c == ':') {
			values++;
		}
		if (values > OB_JSON_MAX_VALUES)
			return 2;
	}
	return 0;
}

json_t *ob_json_parse(const char *text, size_t len, ob_error *err)
{
	json_error_t je;
	json_t *v;

	if (len > OB_JSON_MAX_SIZE) {
		ob_fail(err, OB_EPARSE, "invalid JSON: document larger than %u bytes",
			OB_JSON_MAX_SIZE);
		return NULL;
	}
	switch (over_budget(text, len)) {
	case 1:
		ob_fail(err, OB_EPARSE, "invalid JSON: nesting deeper than %d levels",
			OB_JSON_MAX_DEPTH);
		return NULL;
	case 2:
		ob_fail(err, OB_ELIMIT, "over budget: JSON with more than %d values", OB_JSON_MAX_VALUES);
		return NULL;
	}
	v = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
	if (!v) {
		ob_fail(err, OB_EPARSE, "invalid JSON: %s at line %d column %d",
			je.text, je.line, je.column);
		return NULL;
	}
	return v;
}

ob_code ob_file_read(const char *path, size_t max, char **out, size_t *len,
		     ob_error *err)
{
	int fd = 0, close_fd = 0;
	char *data = NULL, *p;
	size_t n = 0, cap = 0;
	struct stat st;
	ob_code rc = OB_OK;

	*out = NULL;
	*len = 0;
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return ob_fail(err, OB_EIO, "cannot open '%s': %s", path, strerror(errno));
		close_fd = 1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = ob_fail(err, OB_EIO, "cannot read '%s': is a directory", path);
		goto out;
	}
	for (;;) {
		ssize_t r;
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 2)
				cap = max + 2;
			p = realloc(data, cap);
			if (!p) {
				rc = ob_fail(err, OB_ENOMEM, "out of memory reading '%s'", path);
				goto out;
			}
			data = p;
		}
		r = read(fd, data + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = ob_fail(err, OB_EIO, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			rc = ob_fail(err, OB_EPARSE, "'%s' is larger than %zu bytes", path, max);
			goto out;
		}
	}
	if (!data && !(data = malloc(1))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	data[n] = '\0';
	*out = data;
	*len = n;
	data = NULL;
out:
	free(data);
	if (close_fd)
		close(fd);
	return rc;
}

json_t *ob_json_load_file(const char *path, ob_error *err)
{
	char *text;
	size_t len;
	json_t *v;

	if (ob_file_read(path, OB_JSON_MAX_SIZE, &text, &len, err))
		return NULL;
	v = ob_json_parse(text, len, err);
	free(text);
	return v;
}

const char *ob_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int ob_json_has_value(const json_t *v, const char *s)
{
	size_t i;
	json_t *e;

	if (json_is_string(v))
		return strcmp(json_string_value(v), s) == 0;
	json_array_foreach(v, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
			return 1;
	return 0;
}
