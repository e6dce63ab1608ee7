/* fuzz target "jsonld": JSON-LD 1.1 toRdf and RDFC-1.0 over a parsed
 * document, with the shipped contexts only (no loader):
 *   - ob_rdfc_canonize_json, the path every eddsa-rdfc-2022 and
 *     Ed25519Signature2020 proof takes (per-thread processor and context
 *     cache, as in a verifier that checks many credentials);
 *   - expansion and toRdf on a fresh processor outside safe mode (the
 *     algorithms' own dropping of values), into N-Quads text, which the
 *     N-Quads parser must read back. */
#include "fuzz.h"
#include "base/json.h"
#include "canon/jsonld.h"
#include "canon/rdfc.h"
#include "proof/suite.h"

static void lax(const json_t *doc)
{
	ob_jsonld *p = ob_jsonld_new(NULL);
	ob_jsonld_opts o;
	ob_error err = { 0 }, perr = { 0 };
	ob_buf nq = OB_BUF_INIT;
	json_t *ex;
	ob_rdf_dataset *ds;

	if (!p)
		return;
	ob_jsonld_opts_init(&o);
	o.safe = 0;
	o.rdf_direction = OB_JSONLD_DIR_NONE;
	if ((ex = ob_jsonld_expand(p, doc, &o, &err))) {
		ob_error e2 = { 0 };

		ob_jsonld_expanded_to_rdf(ex, &o, ob_jsonld_nquads_fn, &nq, &e2);
		json_decref(ex);
	}
	if (nq.len && !nq.oom && (ds = ob_rdf_dataset_new())) {
		/* toRdf writes canonical N-Quads lines: the parser must take
		 * them, short of its own budgets */
		ob_code rc = ob_rdf_parse_nquads(ds, nq.data, nq.len, &perr);

		if (rc && rc != OB_ELIMIT && rc != OB_ENOMEM)
			fprintf(stderr, "toRdf line refused by the N-Quads parser: %s\n", perr.msg);
		ob_rdf_dataset_free(ds);
	}
	ob_buf_release(&nq);
	ob_jsonld_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_error err = { 0 };
	json_t *doc = ob_json_parse((const char *)data, size, &err);
	ob_buf canon = OB_BUF_INIT;
	int legacy;

	if (!doc)
		return 0;
	for (legacy = 0; legacy < 2; legacy++) {
		ob_error e = { 0 };

		ob_buf_truncate(&canon, 0);
		/* legacy: URDNA2015 escaping, no rdfDirection, SHA-384 labels */
		ob_rdfc_canonize_json(doc, NULL, legacy, legacy, &canon, &e);
	}
	lax(doc);
	ob_buf_release(&canon);
	json_decref(doc);
	return 0;
}
