/* registry: lists of known issuers, looked up by the issuer's identifier
 * (a DID or URL). A registry says who an issuer is; it never makes a
 * credential valid or invalid.
 *
 * Two file formats are read (JSON, at most 16 MiB):
 *
 *   obkit's own:
 *     {"name": "Example Registry", "url": "https://registry.example",
 *      "issuers": [{"id": "did:web:college.example", "name": "Riverbend College",
 *                   "url": "https://college.example", "location": "..."}]}
 *
 *   the Digital Credentials Consortium's known-issuer registry
 *   (issuer-registry-client's "dcc-legacy" registry.json):
 *     {"meta": {...}, "registry": {"did:...": {"name": ..., "location": ..., "url": ...}}}
 *   (older copies use "entries" for "registry"; "name" may be absent).
 *
 * A registry without a "name" is called by its file name. Registries are
 * searched in the order they were added: put the most authoritative first
 * (as the DCC client does). */
#ifndef OB_REGISTRY_H
#define OB_REGISTRY_H

#include <stddef.h>
#include <jansson.h>

#include "err.h"

typedef struct ob_registry ob_registry;

typedef struct {
	const char *name;     /* the issuer's name in the registry */
	const char *url;      /* or NULL */
	const char *location; /* or NULL */
	const char *registry; /* the registry's name */
} ob_registry_entry;

ob_registry *ob_registry_new(void);
void ob_registry_free(ob_registry *r);

/* Adds the registry in file path. OB_EIO when unreadable, OB_EPARSE when
 * it is in neither format (the message says what is wrong). */
ob_code ob_registry_add_file(ob_registry *r, const char *path, ob_error *err);

/* Adds a registry from a parsed document (borrowed); name is used when
 * the document has none. */
ob_code ob_registry_add_json(ob_registry *r, const json_t *doc, const char *name, ob_error *err);

/* Number of registries added. */
size_t ob_registry_count(const ob_registry *r);

/* Finds issuer (exact match) in the first registry that lists it; fills
 * *out with pointers borrowed from r. Returns 1 when found, else 0. */
int ob_registry_lookup(const ob_registry *r, const char *issuer, ob_registry_entry *out);

#endif
