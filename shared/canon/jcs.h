/* jcs: the project's one JSON writer, and JCS (RFC 8785) canonical form.
 *
 * Strings and numbers are always written as RFC 8785 says (minimal escapes,
 * ECMAScript Number::toString), so pretty output and canonical output agree
 * on every scalar; only member order and whitespace differ.
 */
#ifndef OB_JCS_H
#define OB_JCS_H

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

enum {
	OB_JSON_COMPACT = 0,
	OB_JSON_PRETTY = 1, /* two-space indent, members in insertion order */
	OB_JSON_SORTED = 2, /* members sorted by UTF-16 code units (RFC 8785 3.2.3) */
};

/* Appends v to b; flags may combine OB_JSON_PRETTY and OB_JSON_SORTED
 * (pretty output has no trailing newline). json_integer values are written
 * as the double they round to, as JavaScript would. Returns 0; -1 on out of
 * memory, a non-finite number, a NULL v or nesting deeper than 2048 levels,
 * leaving b as it was (with b->oom set after an allocation failure). */
int ob_json_write(ob_buf *b, const json_t *v, int flags);

/* ob_json_write into a new heap string the caller frees; NULL on failure. */
char *ob_json_dumps(const json_t *v, int flags);

/* Writes the ECMAScript Number::toString form of d (RFC 8785 3.2.2.3:
 * shortest round-trip digits, exponent form iff |d| >= 1e21 or < 1e-6,
 * -0 as "0") NUL-terminated into out (at least 32 bytes). Returns the
 * length, or -1 for NaN/Infinity. */
int ob_jcs_number(double d, char *out);

/* Appends the RFC 8785 canonical form of v to b (ob_json_write with
 * OB_JSON_SORTED). On failure b is left as it was and err says why:
 * OB_ENOMEM, OB_EPARSE (non-finite number, too deep) or OB_EUSAGE (NULL). */
ob_code ob_jcs_canonicalize(const json_t *v, ob_buf *b, ob_error *err);

#endif
