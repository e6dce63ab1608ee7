/* registry: lists of known issuers, looked up by the issuer's identifier
 * (a DID or URL). A registry says who an issuer is; it never makes a
 * credential valid or invalid.
 *
 * Three file formats are read (at most 16 MiB):
 *
 *   obkit's own (JSON):
 *     {"name": "Example Registry", "url": "https://registry.example",
 *      "issuers": [{"id": "did:web:college.example", "name": "Riverbend College",
 *                   "url": "https://college.example", "location": "..."}]}
 *
 *   the Digital Credentials Consortium's known-issuer registry (JSON;
 *   issuer-registry-client's "dcc-legacy" registry.json):
 *     {"meta": {...}, "registry": {"did:...": {"name": ..., "location": ..., "url": ...}}}
 *   (older copies use "entries" for "registry"; "name" may be absent).
 *
 *   a trusted-issuer list (plain text, strict UTF-8), one issuer a line:
 *     # issuers our hiring team accepts
 *     did:web:college.example        Riverbend College
 *     https://badges.example/issuer  Example Badges, Inc.
 *     did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT
 *   The identifier (a DID or an https URL) runs to the first space or tab;
 *   the rest of the line, trimmed, is the issuer's name (the identifier
 *   itself when there is none). Lines whose first non-blank character is
 *   '#' are comments; blank lines, surrounding blanks, CRLF line ends and
 *   a leading byte order mark are allowed. A bad line (not a DID or https
 *   URL, invalid UTF-8, a control character anywhere, a tab inside the
 *   name) refuses the whole file with "FILE:LINE: reason".
 *
 * A registry without a "name" (and every trusted-issuer list) is called by
 * its file name. Within a registry the first entry for an identifier
 * wins. Registries are searched in the order they were added: put the
 * most authoritative first (as the DCC client does). Identifiers match
 * byte for byte: no case folding, no trailing-slash or fragment
 * stripping, so did:web:College.example and https://college.example/
 * are not did:web:college.example and https://college.example. */
#ifndef OB_REGISTRY_H
#define OB_REGISTRY_H

#include <stddef.h>
#include <jansson.h>

#include "base/err.h"

typedef struct ob_registry ob_registry;

typedef struct {
	const char *name;     /* the issuer's name in the registry */
	const char *url;      /* or NULL */
	const char *location; /* or NULL */
	const char *registry; /* the registry's name */
} ob_registry_entry;

/* A new, empty set of registries (NULL when out of memory); free with
 * ob_registry_free, which accepts NULL. */
ob_registry *ob_registry_new(void);
void ob_registry_free(ob_registry *r);

/* Adds the registry in file path, either format: JSON when its first
 * character (after blanks and a byte order mark) is '{' or '[', else a
 * trusted-issuer list. OB_EIO when unreadable, OB_EPARSE when malformed
 * (the message names the file and says what is wrong). On failure
 * nothing is added. */
ob_code ob_registry_add_file(ob_registry *r, const char *path, ob_error *err);

/* Adds the trusted-issuer list in file path (the text format, whatever
 * the file starts with); errors as ob_registry_add_file. */
ob_code ob_registry_add_list_file(ob_registry *r, const char *path, ob_error *err);

/* Adds a trusted-issuer list from len bytes of text (copied), called
 * name; a bad line is OB_EPARSE "NAME:LINE: reason" and adds nothing. */
ob_code ob_registry_add_list(ob_registry *r, const char *text, size_t len, const char *name,
			     ob_error *err);

/* Adds a registry from a parsed document (borrowed); name is used when
 * the document has none. */
ob_code ob_registry_add_json(ob_registry *r, const json_t *doc, const char *name, ob_error *err);

/* Adds the user's own registries, each only when present, in this order:
 *   $XDG_CONFIG_HOME/obkit/trusted-issuers          a trusted-issuer list
 *   $XDG_CONFIG_HOME/obkit/registries/NAME.json     JSON registries, in byte
 *                                                   order of NAME; hidden
 *                                                   files are skipped
 * ($HOME/.config for $XDG_CONFIG_HOME when that is unset, empty or not
 * absolute). A missing file or folder, or no HOME, is not an error. An
 * unreadable or malformed one is (OB_EIO / OB_EPARSE naming the file),
 * and then nothing is added. *nadded (when not NULL) is set to the number
 * of registries added, 0 on failure. */
ob_code ob_registry_add_defaults(ob_registry *r, size_t *nadded, ob_error *err);

/* Number of registries added. */
size_t ob_registry_count(const ob_registry *r);

/* Finds issuer (exact, byte-for-byte match) in the first registry that
 * lists it; fills *out with pointers borrowed from r. Returns 1 when
 * found, else 0. */
int ob_registry_lookup(const ob_registry *r, const char *issuer, ob_registry_entry *out);

#endif
