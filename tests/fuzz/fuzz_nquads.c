/* fuzz target "nquads": the strict N-Quads parser, canonical N-Quads
 * writing and RDFC-1.0 (rdfc.h). Properties: the serialized dataset
 * parses back to the same number of quads; canonicalizing the canonical
 * form gives the same bytes (RDFC-1.0 output is a fixed point). */
#include "fuzz.h"
#include "canon/rdfc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_rdf_dataset *ds = ob_rdf_dataset_new(), *ds2 = NULL, *ds3 = NULL;
	ob_error err = { 0 }, e2 = { 0 };
	ob_buf ser = OB_BUF_INIT, canon = OB_BUF_INIT, map = OB_BUF_INIT, canon2 = OB_BUF_INIT;
	ob_rdfc_opts ro = { OB_RDFC_SHA256, OB_RDFC_WORK_FACTOR, 0 };

	if (!ds)
		return 0;
	if (ob_rdf_parse_nquads(ds, (const char *)data, size, &err) != OB_OK)
		goto out;
	if (ob_rdf_serialize_nquads(ds, &ser) == 0 && (ds2 = ob_rdf_dataset_new())) {
		ob_code rc = ob_rdf_parse_nquads(ds2, ser.data ? ser.data : "", ser.len, &e2);

		FUZZ_ASSERT(rc == OB_OK, "serialized N-Quads do not parse again");
		FUZZ_ASSERT(ob_rdf_dataset_size(ds2) == ob_rdf_dataset_size(ds),
			    "N-Quads round trip changed the number of quads");
	}
	if (ob_rdfc_canonize_ex(ds, &ro, &canon, &map, &e2) == OB_OK && (ds3 = ob_rdf_dataset_new())) {
		ob_error e3 = { 0 };

		FUZZ_ASSERT(ob_rdf_parse_nquads(ds3, canon.data ? canon.data : "", canon.len, &e3) ==
			    OB_OK, "canonical N-Quads do not parse");
		/* the canonical form has c14n labels, so it canonizes within
		 * the same work limit as the input did */
		if (ob_rdfc_canonize_ex(ds3, &ro, &canon2, NULL, &e3) == OB_OK)
			FUZZ_ASSERT(canon2.len == canon.len &&
				    !memcmp(canon2.data ? canon2.data : "", canon.data ? canon.data : "",
					    canon.len),
				    "RDFC-1.0 output is not a fixed point");
	}
	/* the URDNA2015 variant and SHA-384 (ecdsa P-384) on the same data */
	{
		ob_rdfc_opts lo = { OB_RDFC_SHA384, OB_RDFC_WORK_FACTOR, 1 };
		ob_buf l = OB_BUF_INIT;
		ob_error e4 = { 0 };

		ob_rdfc_canonize_ex(ds, &lo, &l, NULL, &e4);
		ob_buf_release(&l);
	}
out:
	ob_rdf_dataset_free(ds);
	ob_rdf_dataset_free(ds2);
	ob_rdf_dataset_free(ds3);
	ob_buf_release(&ser);
	ob_buf_release(&canon);
	ob_buf_release(&canon2);
	ob_buf_release(&map);
	return 0;
}
