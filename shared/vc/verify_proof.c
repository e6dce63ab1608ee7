/* verify_proof: Data Integrity proofs (VC-DI 4.4/4.5) and the keys that
 * made them. */
#include "vc/verify_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "canon/rdfc.h"
#include "proof/suite.h"

/* 1 when doc cannot be turned into RDF without losing data (safe mode). */
static int data_loss(const json_t *doc, const ob_suite *s, const ob_verify_opts *opts, ob_error *e)
{
	ob_buf canon = OB_BUF_INIT;
	ob_error ce = { 0 };
	ob_code rc = ob_rdfc_canonize_json(doc, opts->loader, s->rdf_legacy, 0, &canon, &ce);

	ob_buf_release(&canon);
	if (rc != OB_EINVALID && rc != OB_EPARSE)
		return 0;
	ob_error_clear(e);
	ob_fail(e, OB_EINVALID, "%s: %s", s->name, ce.msg);
	return 1;
}

/* Remembers the domain a resolved issuer key proved control of: the key
 * came from a document at the issuer's own origin (did:web, https). */
void ob_verify_note_domain(ob_report *r, const ob_vm *vm, const char *issuer)
{
	ob_buf d = OB_BUF_INIT;

	if (r->issuer_domain || !vm->fetched || !issuer)
		return;
	if (ob_did_domain(issuer, &d) == 0 && !d.oom)
		r->issuer_domain = strdup(d.data);
	ob_buf_release(&d);
}

/* ob_did_resolve, through the run's cache (ob_verify_cache) when there is
 * one: *vp is then the cache's (vm stays empty) or vm itself; release vm
 * either way. */
static ob_code resolve(const ob_verify_opts *opts, const char *url, const char *purpose, ob_vm *vm,
		       const ob_vm **vp, ob_error *e)
{
	ob_code rc;

	memset(vm, 0, sizeof(*vm));
	if ((*vp = ob_verify_cache_vm(opts->cache, url)))
		return OB_OK;
	if ((rc = ob_did_resolve(url, purpose, opts->loader, vm, e)))
		return rc;
	if (!(*vp = ob_verify_cache_take_vm(opts->cache, url, vm)))
		*vp = vm;
	return OB_OK;
}

/* Checks every proof of doc (VC-DI 4.4/4.5). expected_controller is the
 * issuer (credentials) or holder (presentations; NULL when absent). The
 * controller of the first key whose proof verifies goes to *signer
 * (owned; may stay NULL). */
void ob_verify_check_proofs(ob_report *r, const json_t *doc, const char *purpose,
			 const char *expected_controller, const ob_verify_opts *opts, char **signer)
{
	const json_t *proofs = json_object_get(doc, "proof");
	size_t n, i, passed = 0, failed = 0, first_open = r->nchecks;
	json_t *unsecured;

	if (!proofs) {
		ob_verify_add(r, "proof", OB_FAILED, 0, "no proof: the document is not signed");
		return;
	}
	n = json_is_array(proofs) ? json_array_size(proofs) : 1;
	if (n == 0) {
		ob_verify_add(r, "proof", OB_FAILED, 0, "no proof: the proof list is empty");
		return;
	}
	unsecured = json_copy((json_t *)doc);
	if (!unsecured) {
		ob_verify_add(r, "proof", OB_FAILED, 0, "out of memory");
		return;
	}
	json_object_del(unsecured, "proof");
	for (i = 0; i < n; i++) {
		const json_t *p = json_is_array(proofs) ? json_array_get(proofs, i) : proofs;
		const ob_suite *s;
		ob_error e = { 0 };
		const ob_vm *vp;
		ob_vm vm;
		char id[32], kid[32];

		snprintf(id, sizeof(id), n > 1 ? "proof[%zu]" : "proof", i);
		snprintf(kid, sizeof(kid), n > 1 ? "key[%zu]" : "key", i);
		if (!json_is_object(p)) {
			ob_verify_add(r, id, OB_FAILED, 0, "proof is not an object");
			failed++;
			continue;
		}
		s = ob_suite_for_proof(p);
		if (!s) {
			const char *t = ob_json_str(p, "type"), *cs = ob_json_str(p, "cryptosuite");
			ob_verify_add(r, id, OB_NOT_CHECKED, 1, "unknown proof type %s%s%s", t ? t : "(none)",
			    cs ? "/" : "", cs ? cs : "");
			continue;
		}
		if (!s->implemented) {
			ob_verify_add(r, id, OB_NOT_CHECKED, 1, "suite not supported: %s", s->name);
			continue;
		}
		if (ob_proof_check_options(p, purpose, opts->challenge, opts->domain, &e)) {
			ob_verify_add(r, id, OB_FAILED, 0, "%s", e.msg);
			failed++;
			continue;
		}
		if (resolve(opts, ob_json_str(p, "verificationMethod"), purpose, &vm, &vp, &e)) {
			if (e.code == OB_ENET || e.code == OB_EUNSUPPORTED) {
				ob_verify_add(r, kid, OB_NOT_CHECKED, 1, "could not resolve the key: %s", e.msg);
				/* without the key the signature stays unchecked, but a
				 * document that cannot be canonicalized (data loss) is
				 * broken whoever signed it */
				if (s->signs_rdf && data_loss(unsecured, s, opts, &e)) {
					ob_verify_add(r, id, OB_FAILED, 0, "%s", e.msg);
					failed++;
				}
			} else {
				ob_verify_add(r, kid, OB_FAILED, 0, "%s", e.msg);
				failed++;
			}
			continue;
		}
		ob_verify_add(r, kid, OB_PASSED, 0, "key %s resolved", vp->id);
		/* VC-DI 2.6: the method's controller must be the issuer/holder */
		if (expected_controller && !ob_vm_bound_to(vp, expected_controller)) {
			ob_verify_add(r, id, OB_FAILED, 0, "the signing key belongs to %s, not to %s %s",
			    vp->controller, strcmp(purpose, "authentication") ? "the issuer" : "the holder",
			    expected_controller);
			failed++;
		} else if ((opts->holder && s->confirm ? s->confirm : s->verify)(unsecured, p, vp->key, opts->loader,
										  &e)) {
			ob_verify_add(r, id, e.code == OB_EINVALID ? OB_FAILED : OB_NOT_CHECKED, 1,
			    "%s: %s", s->name, e.msg);
			if (e.code == OB_EINVALID)
				failed++;
		} else {
			ob_verify_add(r, id, OB_PASSED, 0, "%s signature verifies%s", s->name,
			    expected_controller ? (strcmp(purpose, "authentication") ?
						   ", made by the issuer's key" : ", made by the holder's key") : "");
			passed++;
			if (expected_controller && !strcmp(purpose, "assertionMethod"))
				ob_verify_note_domain(r, vp, expected_controller);
			if (signer && !*signer)
				*signer = strdup(expected_controller ? expected_controller : vp->controller);
		}
		ob_vm_release(&vm);
	}
	json_decref(unsecured);
	/* OB 3.0 8: with several proofs one valid proof suffices, as long
	 * as none is wrong; proofs we cannot check then do not block. */
	if (passed && !failed)
		for (i = first_open; i < r->nchecks; i++)
			r->checks[i].blocking = 0;
}
