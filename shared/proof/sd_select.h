/* sd_select: the JSON side of selective disclosure (ecdsa-sd-2023,
 * ../shared/spec/ecdsa.md 3): JSON Pointers (RFC 6901), selecting the
 * parts of a compact JSON-LD document that pointers name (VC-DI-ECDSA
 * "selectJsonLd"), and skolemizing a compact document so that its
 * blank nodes keep their identity in every selection
 * ("skolemizeCompactJsonLd").
 *
 * Behaviour follows the reference, @digitalbazaar/di-sd-primitives 3.3.0
 * (select.js, pointer.js, skolemize.js): a selection keeps the root's
 * @context, and every object on a pointer's path keeps its non-blank
 * "id" and its "type"; arrays keep their selected elements in document
 * order; the pointer "" selects the whole document. */
#ifndef OB_SD_SELECT_H
#define OB_SD_SELECT_H

#include <stddef.h>
#include <jansson.h>

#include "base/err.h"

/* Budgets (OB_ELIMIT past them): pointers per request, bytes per pointer,
 * tokens per pointer. */
#define OB_SD_MAX_POINTERS 256
#define OB_SD_MAX_POINTER_LEN 1024
#define OB_SD_MAX_POINTER_DEPTH 32

/* The prefix of the IRIs a skolemized document names its blank nodes
 * with (the reference's "urn:bnid:"); toRdf turns them back into blank
 * nodes (sd_canon.h). */
#define OB_SD_SKOLEM_PREFIX "urn:bnid:"

/* Checks that pointer is a JSON Pointer: "" or "/"-separated tokens
 * whose "~" is followed by 0 or 1. OB_EUSAGE "invalid JSON pointer ..."
 * otherwise, OB_ELIMIT past the budgets. */
ob_code ob_sd_pointer_check(const char *pointer, ob_error *err);

/* Selects what pointers[0..n) name in doc (a JSON object). *out gets a
 * new document, or NULL when n is 0 (nothing selected). A pointer that
 * names nothing in doc is OB_EINVALID "JSON pointer \"P\" does not match
 * the document"; a malformed one OB_EUSAGE. */
ob_code ob_sd_select(const json_t *doc, const char *const *pointers, size_t n, json_t **out,
		     ob_error *err);

/* A copy of doc (compact JSON-LD) in which every node object has an id:
 * one without gets "id": OB_SD_SKOLEM_PREFIX "_<tag>_<n>", and a blank
 * node id "_:x" becomes OB_SD_SKOLEM_PREFIX "x". tag is a random string
 * the caller chooses. Value objects (@value), lists and sets, and
 * @context values are left alone. Returns a new reference or NULL (out
 * of memory). */
json_t *ob_sd_skolemize(const json_t *doc, const char *tag);

#endif
