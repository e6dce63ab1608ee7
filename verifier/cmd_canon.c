#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "cli/cli.h"
#include "base/hash.h"
#include "cmds.h"
#include "base/codec.h"
#include "proof/did.h"
#include "base/json.h"
#include "proof/keys.h"
#include "io/loader.h"
#include "canon/rdfc.h"
#include "proof/suite.h"

static void print_hash(const char *label, const ob_buf *canon, unsigned char out[32])
{
	ob_buf hex = OB_BUF_INIT;

	ob_sha256((const unsigned char *)canon->data, canon->len, out);
	ob_hex_encode(&hex, out, 32);
	printf("%s %s\n", label, hex.data ? hex.data : "");
	ob_buf_release(&hex);
}

/* --steps: what each linked-data proof hashes, so a user can see why a
 * credential from another system fails (the same breakdown as the
 * reference's canon.js --steps). */
static int steps(const json_t *doc, ob_loader *loader)
{
	const json_t *proofs = json_object_get(doc, "proof");
	size_t i, n = json_is_array(proofs) ? json_array_size(proofs) : proofs ? 1 : 0;
	json_t *unsecured = json_copy((json_t *)doc);
	int rc = 0;

	if (!unsecured)
		return ob_cli_errorf(3, "out of memory");
	json_object_del(unsecured, "proof");
	if (n == 0)
		rc = ob_cli_errorf(1, "the document has no proof");
	for (i = 0; i < n; i++) {
		const json_t *p = json_is_array(proofs) ? json_array_get(proofs, i) : proofs;
		const ob_suite *s = ob_suite_for_proof(p);
		ob_buf cd = OB_BUF_INIT, cp = OB_BUF_INIT;
		unsigned char hash[64], sig[64];
		ob_error e = { 0 };
		json_t *config = NULL;
		ob_vm vm = { 0 };
		int legacy;

		printf("== proof %zu: %s\n", i, s ? s->name : "unknown proof type");
		if (!s || !s->signs_rdf) {
			printf("(not an RDF-canonicalized proof: nothing to show)\n");
			continue;
		}
		/* the steps below are the Ed25519 Data Integrity ones */
		if (strcmp(s->name, "eddsa-rdfc-2022") && strcmp(s->name, "Ed25519Signature2020")) {
			printf("(steps are shown for eddsa-rdfc-2022 and Ed25519Signature2020 proofs)\n");
			continue;
		}
		legacy = s->rdf_legacy;
		if (!(config = ob_proof_config(unsecured, p))) {
			rc = ob_cli_errorf(3, "out of memory");
			break;
		}
		if (ob_rdfc_canonize_json(unsecured, loader, legacy, 0, &cd, &e) ||
		    ob_rdfc_canonize_json(config, loader, legacy, 0, &cp, &e)) {
			printf("canonicalization failed: %s\n", e.msg);
			rc = ob_exit_code(e.code);
		} else {
			printf("-- canonical document (%zu bytes)\n%s", cd.len, cd.data ? cd.data : "");
			printf("-- canonical proof configuration (%zu bytes)\n%s", cp.len, cp.data ? cp.data : "");
			print_hash("-- SHA-256(proof configuration)", &cp, hash);
			print_hash("-- SHA-256(document)            ", &cd, hash + 32);
			if (ob_proof_value_decode(p, sig, &e))
				printf("-- signature: %s\n", e.msg);
			else if (ob_did_resolve(ob_json_str(p, "verificationMethod"), NULL, loader, &vm, &e))
				printf("-- signature: key not resolved: %s\n", e.msg);
			else if (ob_key_verify(vm.key, hash, sizeof(hash), sig, sizeof(sig), &e))
				printf("-- signature: does NOT verify with %s over proofHash || documentHash\n", vm.id);
			else
				printf("-- signature: verifies with %s\n", vm.id);
		}
		ob_vm_release(&vm);
		json_decref(config);
		ob_buf_release(&cd);
		ob_buf_release(&cp);
	}
	json_decref(unsecured);
	return rc;
}

static const struct ob_cmd_opt canon_opts[] = {
	{ "nquads", 0, NULL, "the input is N-Quads; canonicalize it as it is", 'n', 0 },
	{ "steps", 0, NULL, "show what each proof hashes, step by step", 's', 0 },
	{ "hash", 0, "sha256|sha384", "the hash that labels blank nodes (default sha256)", 'H', 0 },
	{ "work-factor", 0, "N", "how much work blank nodes may take (0 to the maximum)", 'W', 0 },
	{ "doc", 0, "URL=FILE", "answer URL from FILE, never fetching it", 'D', OB_OPT_REPEAT },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec canon_spec = {
	"canon", cmd_canon, NULL, canon_opts, "FILE|-",
	"Prints the RDFC-1.0 canonical N-Quads of a JSON-LD document.",
	NULL,
};

int cmd_canon(int argc, char **argv)
{
	ob_loader *loader = ob_loader_new();
	ob_rdf_dataset *ds = NULL;
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *doc = NULL;
	char *data = NULL;
	size_t len;
	int c, rc = 0, nquads = 0, show_steps = 0, sha384 = 0;
	int wf = OB_RDFC_GENERAL_WORK_FACTOR;
	char *end;
	long v;

	if (!loader)
		return ob_cli_errorf(3, "out of memory");
	while ((c = ob_cmd_getopt(&canon_spec, argc, argv)) != -1) {
		switch (c) {
		case 'n': nquads = 1; break;
		case 's': show_steps = 1; break;
		case 'H':
			if (!strcmp(optarg, "sha384"))
				sha384 = 1;
			else if (strcmp(optarg, "sha256")) {
				rc = ob_cli_usage(ob_cli_current(), "--hash is sha256 or sha384, not '%s'", optarg);
				goto out;
			}
			break;
		case 'D':
			if (ob_loader_add_spec(loader, optarg, &err)) {
				rc = ob_cli_usage(ob_cli_current(), "%s", err.msg);
				goto out;
			}
			break;
		case 'W':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 0 || v > OB_RDFC_MAX_WORK_FACTOR) {
				rc = ob_cli_usage(ob_cli_current(), "--work-factor is a number from 0 to %d, not '%s'",
						  OB_RDFC_MAX_WORK_FACTOR, optarg);
				goto out;
			}
			wf = (int)v;
			break;
		case OB_OPT_HELP: rc = ob_cli_help(); goto out;
		default: rc = ob_cli_usage(ob_cli_current(), "invalid option"); goto out;
		}
	}
	if (argc - optind != 1) {
		rc = ob_cli_usage(ob_cli_current(), "canon needs one FILE (or - for standard input)");
		goto out;
	}
	if (nquads && show_steps) {
		rc = ob_cli_usage(ob_cli_current(), "--steps needs a JSON-LD document, not N-Quads");
		goto out;
	}
	if (ob_file_read(argv[optind], OB_JSON_MAX_SIZE, &data, &len, &err)) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	if (nquads) {
		ob_rdfc_opts ro = { sha384 ? OB_RDFC_SHA384 : OB_RDFC_SHA256, wf, 0 };
		if (!(ds = ob_rdf_dataset_new())) {
			rc = ob_cli_errorf(3, "out of memory");
			goto out;
		}
		if (ob_rdf_parse_nquads(ds, data, len, &err) ||
		    ob_rdfc_canonize_ex(ds, &ro, &out, NULL, &err)) {
			rc = ob_cli_fail(&err);
			goto out;
		}
	} else {
		if (!(doc = ob_json_parse(data, len, &err))) {
			rc = ob_cli_fail(&err);
			goto out;
		}
		if (show_steps) {
			rc = steps(doc, loader);
			goto out;
		}
		if (ob_rdfc_canonize_json_wf(doc, loader, 0, sha384, wf, &out, &err)) {
			rc = ob_cli_fail(&err);
			goto out;
		}
	}
	if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = ob_cli_errorf(3, "cannot write to standard output");
out:
	ob_rdf_dataset_free(ds);
	ob_loader_free(loader);
	ob_buf_release(&out);
	json_decref(doc);
	free(data);
	return rc;
}
