/* suite: Data Integrity proof suites behind one interface
 * (ARCHITECTURE.md decision 3). A suite hashes a document and a proof
 * configuration its own way; everything around it (options, proof
 * purpose, challenge/domain, key resolution, proof sets) is shared. */
#ifndef OB_SUITE_H
#define OB_SUITE_H

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "proof/keys.h"
#include "base/doc.h"

typedef struct {
	const char *verification_method; /* required */
	const char *proof_purpose;       /* NULL: "assertionMethod" */
	const char *created;             /* NULL: now, to the second */
	const char *challenge;           /* optional */
	const char *domain;              /* optional */
	ob_loader *loader;               /* documents beyond the shipped ones */
} ob_proof_opts;

typedef struct ob_suite {
	const char *name;        /* "eddsa-jcs-2022", ... */
	const char *proof_type;  /* "DataIntegrityProof" or the legacy type */
	const char *cryptosuite; /* NULL for legacy types */
	const char *context;     /* a context the suite adds to the document, or NULL */
	/* 1 when this suite handles proof (by type / cryptosuite). */
	int (*matches)(const json_t *proof);
	/* Fills proof (which already holds type, cryptosuite, created,
	 * verificationMethod, proofPurpose, challenge, domain) with whatever
	 * else the suite needs and its proofValue. doc has no proof member
	 * and is not changed. */
	ob_code (*create)(const json_t *doc, json_t *proof, const ob_key *key,
			  ob_loader *loader, ob_error *err);
	/* OB_OK when proof is a valid signature over doc (which has no proof
	 * member) by key; OB_EINVALID when not; other codes when it could not
	 * be decided (a context that cannot be had: OB_ENET). loader supplies
	 * documents (JSON-LD contexts) beyond those shipped; may be NULL. */
	ob_code (*verify)(const json_t *doc, const json_t *proof, const ob_key *key,
			  ob_loader *loader, ob_error *err);
	/* The holder's check, where it differs from a verifier's (NULL: the
	 * same as verify): ecdsa-sd-2023 confirms a base proof, which only
	 * its holder may keep (ob_verify_opts.holder). */
	ob_code (*confirm)(const json_t *doc, const json_t *proof, const ob_key *key,
			   ob_loader *loader, ob_error *err);
	int implemented; /* 0: recognised but not supported yet */
	/* 1: the suite signs the document's canonical RDF (JSON-LD toRdf, then
	 * RDFC-1.0), so a document that loses data on the way to RDF cannot
	 * be what it signed; 0: it signs the JSON itself (JCS). */
	int signs_rdf;
	/* 1: toRdf as the VC 1.1 suites did (no rdfDirection); see
	 * ob_rdfc_canonize_json's legacy. */
	int rdf_legacy;
} ob_suite;

/* The suite that handles proof, or NULL when none recognises it. */
const ob_suite *ob_suite_for_proof(const json_t *proof);
/* The suite named name ("eddsa-jcs-2022"), or NULL. */
const ob_suite *ob_suite_by_name(const char *name);
/* Comma-separated names of the suites that can sign. */
const char *ob_suite_names(void);

/* Signs doc in place: adds a proof by suite (appending to an existing
 * proof, making a proof set). A VC 1.1 document first gains the Data
 * Integrity context (VC-DI 2.4.2), as the reference does. */
ob_code ob_proof_add(json_t *doc, const ob_suite *suite, const ob_key *key,
		     const ob_proof_opts *opts, ob_error *err);

/* Checks the options a verifier expects of one proof (VC-DI 4.4 steps):
 * type, verificationMethod and proofPurpose present; purpose equal to
 * expected_purpose; challenge and domain equal when expected ones are
 * given. OB_EINVALID with the reason. */
ob_code ob_proof_check_options(const json_t *proof, const char *expected_purpose,
			       const char *challenge, const char *domain, ob_error *err)
	__attribute__((warn_unused_result));

/* Decodes proof.proofValue ("z" + base58btc of a 64-byte Ed25519
 * signature) into sig. OB_EINVALID with the reason. */
ob_code ob_proof_value_decode(const json_t *proof, unsigned char sig[64], ob_error *err);
/* Sets proof.proofValue to "z" + base58btc(sig). */
ob_code ob_proof_value_set(json_t *proof, const unsigned char *sig, size_t len, ob_error *err);

/* Frees what the linked-data suites keep per thread (the JSON-LD
 * processor and its context cache, reused across documents for speed).
 * A worker thread calls it before it ends; the main thread need not. */
void ob_suite_thread_release(void);

/* JSON-LD toRdf (safe mode, base null; rdfDirection i18n-datatype unless
 * legacy) then RDFC-1.0 (SHA-256, or SHA-384 for blank-node labelling):
 * appends the canonical N-Quads of doc to canon. Contexts: the shipped
 * ones, then loader's (may be NULL). */
ob_code ob_rdfc_canonize_json(const json_t *doc, ob_loader *loader, int legacy, int sha384,
			      ob_buf *canon, ob_error *err);
/* Same with RDFC-1.0's work factor given (canon/rdfc.h): the proof suites
 * use OB_RDFC_WORK_FACTOR; `ob-verifier canon`, a general tool, lets the
 * user choose (OB_RDFC_GENERAL_WORK_FACTOR by default). */
ob_code ob_rdfc_canonize_json_wf(const json_t *doc, ob_loader *loader, int legacy, int sha384,
				 int work_factor, ob_buf *canon, ob_error *err);

/* The proof configuration a suite hashes: proof without proofValue, with
 * the document's @context (DI-EdDSA 3.2.5). New reference. */
json_t *ob_proof_config(const json_t *doc, const json_t *proof);

/* The suites (defined in suite_*.c). */
extern const ob_suite ob_suite_eddsa_jcs_2022;
extern const ob_suite ob_suite_eddsa_rdfc_2022;
extern const ob_suite ob_suite_ed25519_2020;
extern const ob_suite ob_suite_ecdsa_rdfc_2019; /* suite_ecdsa.c */
extern const ob_suite ob_suite_ecdsa_jcs_2019;

/* What an ECDSA suite (ecdsa-rdfc-2019, ecdsa-jcs-2019) hashes, step by
 * step (ecdsa.md 2), for its own create/verify, the conformance runner
 * and `canon --steps`: the canonical document and proof configuration
 * (RDFC-1.0 N-Quads or JCS) and hashData = H(config) || H(document), H
 * being SHA-256 for P-256 and SHA-384 for P-384 (also RDFC's hash). */
typedef struct {
	ob_buf doc;
	ob_buf config;
	unsigned char hash[96];
	size_t hash_len; /* 64 or 96 */
} ob_ecdsa_steps;

/* Fills st for doc (no proof member) and proof (its proofValue ignored;
 * for ecdsa-jcs-2019 its own @context is kept, for ecdsa-rdfc-2019 it gets
 * the document's). curve is OB_KEY_P256 or OB_KEY_P384. Release st with
 * ob_ecdsa_steps_release, also after a failure. */
ob_code ob_ecdsa_steps_make(const ob_suite *suite, const json_t *doc, const json_t *proof,
			    ob_key_type curve, ob_loader *loader, ob_ecdsa_steps *st, ob_error *err);
void ob_ecdsa_steps_release(ob_ecdsa_steps *st);

#endif
