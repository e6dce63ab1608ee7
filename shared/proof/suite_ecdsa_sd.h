/* suite_ecdsa_sd: ecdsa-sd-2023, Data Integrity selective disclosure with
 * P-256 (W3C Data Integrity ECDSA Cryptosuites v1.0, "ecdsa-sd-2023";
 * ../shared/spec/ecdsa.md 3). The issuer makes a base proof (one ES256
 * signature per non-mandatory N-Quad with a proof-scoped key, and one by
 * its own key over the proof configuration and the mandatory N-Quads);
 * the holder derives a proof that discloses what JSON pointers select
 * and always what the issuer's mandatory pointers select; a verifier
 * checks the derived proof.
 *
 * The model where the spec leaves room is the reference,
 * @digitalbazaar/ecdsa-sd-2023-cryptosuite 3.4.1 with di-sd-primitives
 * 3.3.0 (tests/interop-ecdsa). CBOR is libcbor's. */
#ifndef OB_SUITE_ECDSA_SD_H
#define OB_SUITE_ECDSA_SD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/doc.h"
#include "base/err.h"
#include "proof/keys.h"
#include "proof/suite.h"

/* Budgets of a proofValue (OB_ELIMIT past them): its text, the per-quad
 * signatures (one per disclosed statement; a large CLR has a few
 * thousand), the label map, the mandatory indexes and pointers. */
#define OB_SD_MAX_VALUE_CHARS (1024u * 1024)
#define OB_SD_MAX_SIGNATURES 16384u
#define OB_SD_MAX_LABELS 16384u
#define OB_SD_MAX_INDEXES 65536u
#define OB_SD_MAX_VALUE_POINTERS 256u

/* A decoded proofValue (ecdsa.md 3.1). */
typedef struct {
	int derived;                /* 0: base (0xd9 0x5d 0x00), 1: derived (0x01) */
	unsigned char base_sig[64]; /* the issuer's ES256 signature */
	unsigned char pub[35];      /* proof-scoped key: 0x80 0x24 + compressed point */
	unsigned char hmac_key[32]; /* base only */
	unsigned char (*sigs)[64];  /* per-quad signatures */
	size_t nsigs;
	char **pointers;            /* base: mandatory pointers */
	size_t npointers;
	uint32_t *label_n;          /* derived: label map, c14n<label_n[i]> -> */
	unsigned char (*label_hmac)[32]; /* "u" + base64url(label_hmac[i]) */
	size_t nlabels;
	uint32_t *mandatory;        /* derived: mandatory indexes */
	size_t nmandatory;
} ob_sd_value;

/* Decodes a proofValue ("u" + base64url-no-pad of header + CBOR). Any
 * deviation from the 5-member arrays of ecdsa.md 3.1 (tags, indefinite
 * lengths, wrong sizes, trailing bytes) is OB_EINVALID; over a budget
 * OB_ELIMIT. Release v with ob_sd_value_release, also after a failure. */
ob_code ob_sd_value_decode(const char *text, ob_sd_value *v, ob_error *err);
/* Appends the proofValue text of v to out. */
ob_code ob_sd_value_encode(const ob_sd_value *v, ob_buf *out, ob_error *err);
void ob_sd_value_release(ob_sd_value *v);

/* What the issuer's side computes (for create and the conformance
 * runner): the HMAC-labelled canonical N-Quads of doc, which of them the
 * mandatory pointers select, and the two hashes. */
typedef struct {
	char **nquads;          /* sorted, each ending "\n" */
	size_t n;
	unsigned char *mandatory; /* n flags */
	unsigned char proof_hash[32];
	unsigned char mandatory_hash[32];
} ob_sd_base_steps;

/* Fills st for doc (no proof member), proof (options, proofValue
 * ignored) and the HMAC key. Release with ob_sd_base_steps_release. */
ob_code ob_sd_base_steps_make(const json_t *doc, const json_t *proof, const unsigned char hmac_key[32],
			      const char *const *mandatory, size_t nmandatory, ob_loader *loader,
			      ob_sd_base_steps *st, ob_error *err);
void ob_sd_base_steps_release(ob_sd_base_steps *st);

/* Makes a base proof: fills proof (which holds the options) with its
 * proofValue. key is the issuer's P-256 key. hmac_key and proof_key may be
 * NULL (then fresh random ones, as always outside tests). */
ob_code ob_sd_create_base(const json_t *doc, json_t *proof, const ob_key *key,
			  const char *const *mandatory, size_t nmandatory,
			  const unsigned char *hmac_key, const ob_key *proof_key, ob_loader *loader,
			  ob_error *err);

/* The mandatory pointers the issuer uses for doc when none are given:
 * of /issuer, /validFrom, /validUntil, /issuanceDate, /expirationDate,
 * /name, /credentialStatus, /credentialSchema,
 * /credentialSubject/achievement and /credentialSubject/identifier those
 * doc has (so a disclosed Open Badge keeps what OB 3.0 requires). Fills
 * out (borrowed static strings) and returns how many. */
size_t ob_sd_default_mandatory(const json_t *doc, const char *out[16]);

/* Derives a disclosure from doc (a credential with one ecdsa-sd-2023 base
 * proof): a new document holding what the mandatory pointers and the
 * selective pointers select, with the derived proof. A pointer that does
 * not match is OB_EINVALID; doc without a base proof OB_EUSAGE. */
json_t *ob_sd_derive(const json_t *doc, const char *const *selective, size_t nselective,
		     ob_loader *loader, ob_error *err);

/* Verifies a derived proof over doc (no proof member) with the issuer's
 * key (ecdsa.md 3.4). OB_OK, OB_EINVALID with the reason, or another code
 * when it could not be decided. */
ob_code ob_sd_verify_derived(const json_t *doc, const json_t *proof, const ob_key *key,
			     ob_loader *loader, ob_error *err)
	__attribute__((warn_unused_result));

/* The holder's check of a base proof (the reference's "confirm"
 * cryptosuite): OB_OK when the issuer's signature and every per-quad
 * signature hold for doc. */
ob_code ob_sd_confirm_base(const json_t *doc, const json_t *proof, const ob_key *key,
			   ob_loader *loader, ob_error *err)
	__attribute__((warn_unused_result));

/* The suite (its line is in suite.c's table). */
extern const ob_suite ob_suite_ecdsa_sd;

#endif
