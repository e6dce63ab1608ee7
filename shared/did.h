/* did: resolving a verification method URL to a public key and its
 * controller: did:key locally, did:web and https controller documents
 * through the loader. */
#ifndef OB_DID_H
#define OB_DID_H

#include "buf.h"
#include "err.h"
#include "keys.h"
#include "loader.h"

typedef struct {
	ob_key *key;      /* owned */
	char *id;         /* the verification method's id, owned */
	char *controller; /* its controller (DID or URL), owned */
} ob_vm;

/* Resolves vm_url. purpose ("assertionMethod", "authentication", or NULL
 * to skip the check) must list the method in the controller document.
 * OB_ENET when a document cannot be had, OB_EINVALID when the document
 * does not authorise the key, OB_EPARSE for a malformed DID or key. */
ob_code ob_did_resolve(const char *vm_url, const char *purpose, ob_loader *loader,
		       ob_vm *out, ob_error *err);
void ob_vm_release(ob_vm *vm);

/* Appends the https URL of a did:web DID's document (did.md). */
ob_code ob_did_web_url(const char *did, ob_buf *out, ob_error *err);

#endif
