/* did: resolving a verification method URL to a public key and its
 * controller: did:key locally, did:web and https controller documents
 * through the loader. */
#ifndef OB_DID_H
#define OB_DID_H

#include "base/buf.h"
#include "base/err.h"
#include "proof/keys.h"
#include "base/doc.h"

typedef struct {
	ob_key *key;      /* owned */
	char *id;         /* the verification method's id, owned */
	char *controller; /* its controller (DID or URL), owned; for a bare
			   * JWK the origin it was served from */
	int bare_jwk;     /* the URL dereferenced to a bare JWK (OB 3.0
			   * 8.2.4.1): it has no controller document, only the
			   * origin that serves it vouches for it */
	int fetched;      /* the key came from a document at the DID's or
			   * URL's own origin (did:web, https), not from the
			   * identifier itself (did:key, did:jwk) */
} ob_vm;

/* Resolves vm_url: did:key and did:jwk from the identifier itself,
 * did:web and https URLs from the controller document they name, or an
 * https URL that serves a bare JWK (then bare_jwk is set). purpose ("assertionMethod", "authentication", or NULL
 * to skip the check) must list the method in the controller document.
 * OB_ENET when a document cannot be had, OB_EINVALID when the document
 * does not authorise the key, OB_EPARSE for a malformed DID or key. */
ob_code ob_did_resolve(const char *vm_url, const char *purpose, ob_loader *loader,
		       ob_vm *out, ob_error *err);
void ob_vm_release(ob_vm *vm);

/* 1 when the key vm resolved to belongs to issuer (a DID or URL): its
 * controller is issuer, or it is a bare JWK served from issuer's own
 * https origin (did:web issuers: the origin of their DID document). */
int ob_vm_bound_to(const ob_vm *vm, const char *issuer);

/* Appends the host (with port, if any) of a did:web DID or an https URL:
 * the domain whose control a resolved key proves. -1 when id is
 * neither. */
int ob_did_domain(const char *id, ob_buf *out);

/* Appends the https URL of a did:web DID's document (did.md). */
ob_code ob_did_web_url(const char *did, ob_buf *out, ob_error *err);

#endif
