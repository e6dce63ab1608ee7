/* verify_impl: what the parts of the verify module share (verify.c runs
 * the checks, verify_proof.c the proofs and keys, verify_status.c the
 * status lists, verify_report.c builds and renders the report). Internal
 * to shared/vc/verify*.c: callers use vc/verify.h. */
#ifndef OB_VERIFY_IMPL_H
#define OB_VERIFY_IMPL_H

#include <jansson.h>

#include "proof/did.h"
#include "vc/verify.h"

/* Nested presentations and credentials deeper than this are refused. */
#define MAX_NESTING 4

/* Appends a check. Allocation failure drops the message but never the
 * outcome: a failed check must not vanish, so it is kept as oom. */
void ob_verify_add(ob_report *r, const char *id, ob_outcome o, int blocking, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A new, empty report (verdict valid until a check says otherwise);
 * NULL when out of memory. */
ob_report *ob_verify_new_report(void);

/* The verdict from the checks (and the nested reports): a failed check
 * (conformance only under --strict) or a bad nested credential is
 * invalid; a blocking "not checked" one leaves it undecided; VALID needs
 * a signature that verified. */
void ob_verify_settle(ob_report *r);

/* Verifies a parsed credential or presentation (borrowed) at nesting
 * depth; NULL when out of memory. */
ob_report *ob_verify_doc(const json_t *doc, const ob_verify_opts *opts, int depth);

/* Checks every proof of doc; see verify_proof.c. */
void ob_verify_check_proofs(ob_report *r, const json_t *doc, const char *purpose,
			    const char *expected_controller, const ob_verify_opts *opts, char **signer);

/* Remembers the domain a resolved issuer key proved control of. */
void ob_verify_note_domain(ob_report *r, const ob_vm *vm, const char *issuer);

/* The run's resolution of a did:key verification method url (borrowed
 * from c, shared by threads: read only), or NULL when c has none (or no
 * c, or not a did:key). */
const ob_vm *ob_verify_cache_vm(ob_verify_cache *c, const char *url);
/* Offers c the resolved vm of url: returns the one c keeps (vm's content
 * taken and *vm zeroed, or an equal one resolved first by another
 * thread, vm left to the caller), or NULL when c keeps none. */
const ob_vm *ob_verify_cache_take_vm(ob_verify_cache *c, const char *url, ob_vm *vm);

/* Checks the credential's status entries (Bitstring Status List). */
void ob_verify_check_status(ob_report *r, const json_t *cred, const ob_verify_opts *opts, int depth);

#endif
