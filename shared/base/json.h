/* json: strict JSON input and our one JSON writer.
 *
 * Input is refused when it has duplicate keys, invalid UTF-8, a NUL escape,
 * nesting deeper than OB_JSON_MAX_DEPTH, more than OB_JSON_MAX_VALUES
 * values or more than OB_JSON_MAX_SIZE bytes.
 * Every number is read as a double (as the JavaScript reference does), so
 * integers beyond 2^53 round exactly as there and JCS sees one number type.
 */
#ifndef OB_JSON_H
#define OB_JSON_H

#include <stddef.h>
#include <jansson.h>

#include "base/err.h"

#define OB_JSON_MAX_DEPTH 100
#define OB_JSON_MAX_SIZE (16u * 1024 * 1024)
/* Values in one document (objects, arrays, strings, numbers, literals):
 * a large CLR has tens of thousands; 200,000 costs jansson about 45 MB. */
#define OB_JSON_MAX_VALUES 200000

/* Parses len bytes. Returns a new reference, or NULL with err filled
 * (OB_EPARSE, message "invalid JSON: ... at line L column C"). */
json_t *ob_json_parse(const char *text, size_t len, ob_error *err);

/* Reads a whole file ("-" is stdin) into a heap buffer capped at `max`
 * bytes. Returns 0, or an ob_code with err filled. *out is NUL-terminated
 * and owned by the caller. */
ob_code ob_file_read(const char *path, size_t max, char **out, size_t *len,
		     ob_error *err);

/* Reads and parses a JSON file ("-" is stdin). */
json_t *ob_json_load_file(const char *path, ob_error *err);

/* Borrowed string member, or NULL when absent or not a string. */
const char *ob_json_str(const json_t *obj, const char *key);

/* Returns 1 when v is the string s or an array containing it. */
int ob_json_has_value(const json_t *v, const char *s);

#endif
