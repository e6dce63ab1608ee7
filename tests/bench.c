/* bench: microseconds per operation for the signing and verification
 * paths, so the cost of each layer (raw Ed25519, JCS, the proof suite, the
 * whole verifier, VC-JWT) shows next to the others.
 *
 * Usage: bench [ITERATIONS]   (at least 1000; default 2000)
 * Inputs come from $SHARED_DIR (default ../shared): the unsigned
 * credential vectors/unsigned/ob3-v2.json and vectors/keys/issuer-ed25519.json
 * (issuer-p256.json for the ECDSA rows).
 *
 * Every iteration is timed on its own with CLOCK_MONOTONIC; the table gives
 * the median and p90. The rows run interleaved, a slice of each per round,
 * so a busy neighbour (a build on the other hyperthread) slows them all
 * alike and the ratios stay fair. Work that is only set-up (the deep copy a
 * sign starts from, freeing the signed copy) runs untimed. Every result is
 * checked, and outputs are folded into a volatile sink so the compiler
 * cannot drop the work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "base/err.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "proof/jwt.h"
#include "proof/keys.h"
#include "base/obkit.h"
#include "proof/suite.h"
#include "proof/suite_ecdsa_sd.h"
#include "vc/verify.h"

#define DEFAULT_ITERS 2000
#define MIN_ITERS 1000
#define ROUNDS 50 /* every row runs a slice per round, so load shifts hit all alike */
#define WARMUP 10 /* untimed iterations before each slice */
/* Deep copies jcs-sign starts from, made untimed per batch. One, made just
 * before each sign, leaves the copy in cache as the issuer has it (parse,
 * then sign); -DBATCH=64 makes them colder and jcs-sign 10-60% slower. */
#ifndef BATCH
#define BATCH 1
#endif
/* A fixed proof time and evaluation time keep every run's work the same
 * (the credential is valid from 2025-06-01 to 2035-06-01). */
#define CREATED "2025-06-01T00:00:00Z"
#define NOW ((time_t)1893456000) /* 2030-01-01T00:00:00Z */

static volatile uint64_t sink;

struct ctx {
	EVP_PKEY *raw_key;       /* the same Ed25519 key, for the raw rows */
	EVP_PKEY *raw_pub;
	const ob_key *key;       /* private */
	const ob_key *pub;       /* public only, from the Multikey */
	const char *vm;          /* did:key verification method */
	const json_t *unsigned_doc;
	const json_t *signed_doc;
	const json_t *doc_no_proof;
	const json_t *proof;
	const char *jwt;
	size_t jwt_len;
	unsigned char msg[64];
	unsigned char sig[OB_SIG_MAX];
	size_t siglen;
	unsigned char raw_sig[64];  /* c->msg signed by raw_key */
	json_t *copies[BATCH];   /* fresh copies for jcs-sign and rdfc-sign */
	const json_t *rdfc_signed;
	const json_t *rdfc_no_proof;
	const json_t *rdfc_proof;
	const json_t *v1_no_proof;   /* Ed25519Signature2020 over the VC 1.1 form */
	const json_t *v1_proof;
	EVP_PKEY *p256_raw;          /* a P-256 key for raw-p256-* */
	unsigned char p256_raw_sig[80]; /* c->msg signed by p256_raw (DER) */
	size_t p256_raw_siglen;
	const ob_key *p256_key, *p256_pub;
	const char *p256_vm;
	const json_t *ecdsa_no_proof; /* ecdsa-rdfc-2019 (P-256) */
	const json_t *ecdsa_proof;
};

struct bench {
	const char *name;
	/* untimed, around each batch of n timed runs (may be NULL) */
	void (*prepare)(struct ctx *c, size_t n);
	void (*finish)(struct ctx *c, size_t n);
	void (*run)(struct ctx *c, size_t i);
};

struct result {
	const char *name;
	size_t iters;
	double median, p90, min; /* microseconds */
};

static void die(const char *what, const ob_error *err)
{
	fprintf(stderr, "bench: %s failed: %s\n", what, err && err->msg[0] ? err->msg : "(no message)");
	exit(3);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fold(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = sink;

	/* first, last and length: enough that the output must exist */
	if (len)
		h = h * 31 + b[0] + ((uint64_t)b[len - 1] << 8);
	sink = h + len;
}

/* --- the operations -------------------------------------------------- */

/* raw-ed25519-sign / -verify: the denominators of the ratios. Plain
 * OpenSSL, as any caller would write it (a fresh EVP_MD_CTX per message,
 * EVP_DigestSign over a 64-byte message, the length of the SHA-256 pair an
 * eddsa-*-2022 proof signs), not ob_key_sign, so a faster ob_key_sign
 * cannot hide in the denominator. */
static void run_raw_sign(struct ctx *c, size_t i)
{
	unsigned char msg[64], sig[64];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	memcpy(msg, c->msg, sizeof(msg));
	msg[0] = (unsigned char)i;
	if (!md || EVP_DigestSignInit(md, NULL, NULL, NULL, c->raw_key) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, msg, sizeof(msg)) != 1 || siglen != 64)
		die("raw ed25519 sign", NULL);
	EVP_MD_CTX_free(md);
	fold(sig, siglen);
}

static void run_raw_verify(struct ctx *c, size_t i)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	(void)i;
	if (!md || EVP_DigestVerifyInit(md, NULL, NULL, NULL, c->raw_pub) != 1 ||
	    EVP_DigestVerify(md, c->raw_sig, sizeof(c->raw_sig), c->msg, sizeof(c->msg)) != 1)
		die("raw ed25519 verify", NULL);
	EVP_MD_CTX_free(md);
	fold(c->sig, 1);
}

/* raw-p256-sign / -verify: plain OpenSSL ECDSA P-256 with SHA-256 over the
 * same 64-byte message (an ecdsa-rdfc-2019 P-256 proof signs 64 bytes of
 * hashes), DER signatures, a fresh EVP_MD_CTX per message. */
static void run_raw_p256_sign(struct ctx *c, size_t i)
{
	unsigned char msg[64], sig[80];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	memcpy(msg, c->msg, sizeof(msg));
	msg[0] = (unsigned char)i;
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, c->p256_raw) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, msg, sizeof(msg)) != 1)
		die("raw p256 sign", NULL);
	EVP_MD_CTX_free(md);
	fold(sig, siglen);
}

static void run_raw_p256_verify(struct ctx *c, size_t i)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	(void)i;
	if (!md || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, c->p256_raw) != 1 ||
	    EVP_DigestVerify(md, c->p256_raw_sig, c->p256_raw_siglen, c->msg, sizeof(c->msg)) != 1)
		die("raw p256 verify", NULL);
	EVP_MD_CTX_free(md);
	fold(c->p256_raw_sig, 1);
}

/* ed25519-sign / -verify: the same through ob_key_sign / ob_key_verify,
 * which the suites call. */
static void run_ed_sign(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	unsigned char msg[64], sig[OB_SIG_MAX];
	size_t siglen;

	memcpy(msg, c->msg, sizeof(msg));
	msg[0] = (unsigned char)i; /* a different message each time */
	if (ob_key_sign(c->key, msg, sizeof(msg), sig, &siglen, &err) || siglen != 64)
		die("ed25519 sign", &err);
	fold(sig, siglen);
}

static void run_ed_verify(struct ctx *c, size_t i)
{
	ob_error err = { 0 };

	(void)i;
	if (ob_key_verify(c->pub, c->msg, sizeof(c->msg), c->sig, c->siglen, &err))
		die("ed25519 verify", &err);
	fold(c->sig, 1);
}

static void run_jcs(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_buf b = OB_BUF_INIT;

	(void)i;
	if (ob_jcs_canonicalize(c->unsigned_doc, &b, &err) || b.oom || !b.len)
		die("jcs canonicalize", &err);
	fold(b.data, b.len);
	ob_buf_release(&b);
}

static void prepare_copies(struct ctx *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(c->copies[i] = json_deep_copy(c->unsigned_doc)))
			die("json_deep_copy", NULL);
}

static void free_copies(struct ctx *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		json_decref(c->copies[i]);
		c->copies[i] = NULL;
	}
}

static void run_jcs_sign(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_proof_opts opts = { .verification_method = c->vm, .created = CREATED };
	const json_t *proof;
	const char *pv;

	if (ob_proof_add(c->copies[i], &ob_suite_eddsa_jcs_2022, c->key, &opts, &err))
		die("eddsa-jcs-2022 sign", &err);
	proof = json_object_get(c->copies[i], "proof");
	if (!(pv = ob_json_str(proof, "proofValue")))
		die("eddsa-jcs-2022 sign (no proofValue)", NULL);
	fold(pv, strlen(pv));
}

static void run_jcs_verify_suite(struct ctx *c, size_t i)
{
	ob_error err = { 0 };

	(void)i;
	if (ob_suite_eddsa_jcs_2022.verify(c->doc_no_proof, c->proof, c->pub, NULL, &err))
		die("eddsa-jcs-2022 verify", &err);
	fold(&i, 1);
}

static void run_jcs_verify_full(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_verify_opts opts = { .now = NOW };
	ob_report *r = ob_verify_json(c->signed_doc, &opts, &err);

	(void)i;
	if (!r)
		die("ob_verify_json", &err);
	if (r->verdict != OB_VALID) {
		size_t k;

		for (k = 0; k < r->nchecks; k++)
			fprintf(stderr, "bench:   %s: %s: %s\n", r->checks[k].id,
				ob_outcome_name(r->checks[k].outcome),
				r->checks[k].message ? r->checks[k].message : "");
		fprintf(stderr, "bench: full verification gave '%s', not 'valid'\n",
			ob_verdict_name(r->verdict));
		exit(3);
	}
	fold(&r->nchecks, sizeof(r->nchecks));
	ob_report_free(r);
}

static void run_rdfc_canon(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_buf b = OB_BUF_INIT;

	(void)i;
	if (ob_rdfc_canonize_json(c->unsigned_doc, NULL, 0, 0, &b, &err) || !b.len)
		die("rdfc canonicalize", &err);
	fold(b.data, b.len);
	ob_buf_release(&b);
}

static void run_rdfc_sign(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_proof_opts opts = { .verification_method = c->vm, .created = CREATED };
	const char *pv;

	if (ob_proof_add(c->copies[i], &ob_suite_eddsa_rdfc_2022, c->key, &opts, &err))
		die("eddsa-rdfc-2022 sign", &err);
	if (!(pv = ob_json_str(json_object_get(c->copies[i], "proof"), "proofValue")))
		die("eddsa-rdfc-2022 sign (no proofValue)", NULL);
	fold(pv, strlen(pv));
}

static void run_rdfc_verify_suite(struct ctx *c, size_t i)
{
	ob_error err = { 0 };

	if (ob_suite_eddsa_rdfc_2022.verify(c->rdfc_no_proof, c->rdfc_proof, c->pub, NULL, &err))
		die("eddsa-rdfc-2022 verify", &err);
	fold(&i, 1);
}

static void run_ecdsa_rdfc_sign(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_proof_opts opts = { .verification_method = c->p256_vm, .created = CREATED };
	const char *pv;

	if (ob_proof_add(c->copies[i], &ob_suite_ecdsa_rdfc_2019, c->p256_key, &opts, &err))
		die("ecdsa-rdfc-2019 sign", &err);
	if (!(pv = ob_json_str(json_object_get(c->copies[i], "proof"), "proofValue")))
		die("ecdsa-rdfc-2019 sign (no proofValue)", NULL);
	fold(pv, strlen(pv));
}

static void run_ecdsa_rdfc_verify(struct ctx *c, size_t i)
{
	ob_error err = { 0 };

	if (ob_suite_ecdsa_rdfc_2019.verify(c->ecdsa_no_proof, c->ecdsa_proof, c->p256_pub, NULL, &err))
		die("ecdsa-rdfc-2019 verify", &err);
	fold(&i, 1);
}

static void run_rdfc_verify_full(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_verify_opts opts = { .now = NOW };
	ob_report *r = ob_verify_json(c->rdfc_signed, &opts, &err);

	(void)i;
	if (!r || r->verdict != OB_VALID)
		die("eddsa-rdfc-2022 full verification", &err);
	fold(&r->nchecks, sizeof(r->nchecks));
	ob_report_free(r);
}

static void run_ed2020_verify(struct ctx *c, size_t i)
{
	ob_error err = { 0 };

	if (ob_suite_ed25519_2020.verify(c->v1_no_proof, c->v1_proof, c->pub, NULL, &err))
		die("Ed25519Signature2020 verify", &err);
	fold(&i, 1);
}

static void run_jwt_sign(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_buf out = OB_BUF_INIT;

	(void)i;
	if (ob_jwt_sign(c->unsigned_doc, c->key, c->vm, &out, &err) || out.oom || !out.len)
		die("vc-jwt sign", &err);
	fold(out.data, out.len);
	ob_buf_release(&out);
}

static void run_jwt_verify(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_jwt jwt;

	(void)i;
	memset(&jwt, 0, sizeof(jwt));
	if (ob_jwt_decode(c->jwt, c->jwt_len, &jwt, &err))
		die("vc-jwt decode", &err);
	if (ob_jwt_verify_signature(&jwt, c->pub, &err))
		die("vc-jwt verify signature", &err);
	if (ob_jwt_check_claims(&jwt, NOW, &err))
		die("vc-jwt check claims", &err);
	fold(jwt.sig, jwt.siglen);
	ob_jwt_release(&jwt);
}

/* --- timing ---------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Runs n iterations in batches; stores each one's time in ns if t. */
static void run_batches(const struct bench *b, struct ctx *c, size_t n, uint64_t *t)
{
	size_t done = 0, i, m;
	uint64_t t0;

	while (done < n) {
		m = n - done < BATCH ? n - done : BATCH;
		if (b->prepare)
			b->prepare(c, m);
		for (i = 0; i < m; i++) {
			t0 = now_ns();
			b->run(c, i);
			if (t)
				t[done + i] = now_ns() - t0;
		}
		if (b->finish)
			b->finish(c, m);
		done += m;
	}
}

/* Sorts one row's samples into its result. */
static struct result summarize(const char *name, uint64_t *t, size_t iters)
{
	struct result r = { name, iters, 0, 0, 0 };

	qsort(t, iters, sizeof(*t), cmp_u64);
	/* nearest-rank percentiles */
	r.median = t[(iters - 1) / 2] / 1e3;
	r.p90 = t[(iters * 9 + 9) / 10 - 1] / 1e3;
	r.min = t[0] / 1e3;
	return r;
}

static const struct result *find(const struct result *rs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(rs[i].name, name))
			return &rs[i];
	return NULL;
}

/* Prints a/b of the medians, and of the minimums, which a busy machine
 * disturbs least. */
static void ratio(const struct result *rs, size_t n, const char *a, const char *b,
		  double target)
{
	const struct result *x = find(rs, n, a), *y = find(rs, n, b);
	double q = x->median / y->median;

	printf("  %-24s / %-16s = %5.2f   (min/min %5.2f)", a, b, q, x->min / y->min);
	if (target > 0)
		printf("  target <= %.1f%s", target, q <= target ? ": met" : ": MISSED");
	putchar('\n');
}

/* --- set-up ---------------------------------------------------------- */

static char *path_in(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	if (!p)
		die("malloc", NULL);
	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

/* What the set-up owns, freed at the end. */
struct fixture {
	char *key_path, *doc_path, *v1_path, *p256_path;
	ob_key *p256, *p256_pub;
	EVP_PKEY *p256_raw;
	json_t *ecdsa_signed, *ecdsa_no_proof;
	ob_buf p256_did, p256_vm;
	ob_key *key, *pub;
	EVP_PKEY *raw;
	json_t *unsigned_doc, *signed_doc, *doc_no_proof;
	json_t *rdfc_signed, *rdfc_no_proof, *v1, *v1_no_proof;
	ob_buf mk, did, vm, canon, jwt;
};

static json_t *without_proof(const json_t *doc)
{
	json_t *d = json_deep_copy(doc);

	if (!d || json_object_del(d, "proof"))
		die("copy without proof", NULL);
	return d;
}

/* The keys and the message the signature rows start from. */
static void setup_keys(struct fixture *f, struct ctx *c)
{
	ob_error err = { 0 };
	size_t i, n = 64;

	if (!(f->key = ob_key_load(f->key_path, &err)))
		die("loading the key", &err);
	if (ob_key_get_type(f->key) != OB_KEY_ED25519 || !ob_key_has_private(f->key))
		die("key is not a private Ed25519 key", NULL);
	if (ob_key_multikey(f->key, &f->mk, &err) || !(f->pub = ob_key_from_multikey(f->mk.data, &err)))
		die("public key", &err);
	if (ob_key_did(f->key, &f->did, &f->vm, &err))
		die("did:key", &err);
	/* the raw rows' own key: Ed25519 costs the same for every key */
	if (!(f->raw = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")))
		die("raw ed25519 keygen", NULL);
	c->key = f->key;
	c->pub = f->pub;
	c->vm = f->vm.data;
	c->raw_key = c->raw_pub = f->raw;
	for (i = 0; i < sizeof(c->msg); i++)
		c->msg[i] = (unsigned char)(i * 7 + 1);
	if (ob_key_sign(f->key, c->msg, sizeof(c->msg), c->sig, &c->siglen, &err))
		die("ed25519 sign", &err);
	{
		EVP_MD_CTX *md = EVP_MD_CTX_new();

		if (!md || EVP_DigestSignInit(md, NULL, NULL, NULL, f->raw) != 1 ||
		    EVP_DigestSign(md, c->raw_sig, &n, c->msg, sizeof(c->msg)) != 1)
			die("raw ed25519 sign", NULL);
		EVP_MD_CTX_free(md);
	}
}

/* One signed credential per suite, and its parts, for the verify rows. */
static void setup_docs(struct fixture *f, struct ctx *c)
{
	ob_error err = { 0 };
	ob_proof_opts popts;

	if (!(f->unsigned_doc = ob_json_load_file(f->doc_path, &err)))
		die("loading the credential", &err);
	if (ob_jcs_canonicalize(f->unsigned_doc, &f->canon, &err))
		die("jcs canonicalize", &err);
	c->unsigned_doc = f->unsigned_doc;
	memset(&popts, 0, sizeof(popts));
	popts.verification_method = f->vm.data;
	popts.created = CREATED;
	if (!(f->signed_doc = json_deep_copy(f->unsigned_doc)) ||
	    ob_proof_add(f->signed_doc, &ob_suite_eddsa_jcs_2022, f->key, &popts, &err))
		die("eddsa-jcs-2022 sign", &err);
	f->doc_no_proof = without_proof(f->signed_doc);
	c->signed_doc = f->signed_doc;
	c->doc_no_proof = f->doc_no_proof;
	c->proof = json_object_get(f->signed_doc, "proof");
	if (ob_jwt_sign(f->unsigned_doc, f->key, f->vm.data, &f->jwt, &err))
		die("vc-jwt sign", &err);
	c->jwt = f->jwt.data;
	c->jwt_len = f->jwt.len;
	if (!(f->rdfc_signed = json_deep_copy(f->unsigned_doc)) ||
	    ob_proof_add(f->rdfc_signed, &ob_suite_eddsa_rdfc_2022, f->key, &popts, &err))
		die("eddsa-rdfc-2022 sign", &err);
	f->rdfc_no_proof = without_proof(f->rdfc_signed);
	c->rdfc_signed = f->rdfc_signed;
	c->rdfc_no_proof = f->rdfc_no_proof;
	c->rdfc_proof = json_object_get(f->rdfc_signed, "proof");
	if (!(f->v1 = ob_json_load_file(f->v1_path, &err)) ||
	    ob_proof_add(f->v1, &ob_suite_ed25519_2020, f->key, &popts, &err))
		die("Ed25519Signature2020 sign", &err);
	f->v1_no_proof = without_proof(f->v1);
	c->v1_no_proof = f->v1_no_proof;
	c->v1_proof = json_object_get(f->v1, "proof");
	popts.verification_method = f->p256_vm.data;
	if (!(f->ecdsa_signed = json_deep_copy(f->unsigned_doc)) ||
	    ob_proof_add(f->ecdsa_signed, &ob_suite_ecdsa_rdfc_2019, f->p256, &popts, &err))
		die("ecdsa-rdfc-2019 sign", &err);
	f->ecdsa_no_proof = without_proof(f->ecdsa_signed);
	c->ecdsa_no_proof = f->ecdsa_no_proof;
	c->ecdsa_proof = json_object_get(f->ecdsa_signed, "proof");
}

/* The P-256 key of the ECDSA rows, and a plain OpenSSL one for raw-p256-*. */
static void setup_p256(struct fixture *f, struct ctx *c)
{
	ob_error err = { 0 };
	ob_buf mk = OB_BUF_INIT;
	EVP_MD_CTX *md;

	if (!(f->p256 = ob_key_load(f->p256_path, &err)) || ob_key_get_type(f->p256) != OB_KEY_P256)
		die("loading the P-256 key", &err);
	if (ob_key_multikey(f->p256, &mk, &err) || !(f->p256_pub = ob_key_from_multikey(mk.data, &err)) ||
	    ob_key_did(f->p256, &f->p256_did, &f->p256_vm, &err))
		die("P-256 public key", &err);
	ob_buf_release(&mk);
	if (!(f->p256_raw = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")))
		die("raw p256 keygen", NULL);
	c->p256_key = f->p256;
	c->p256_pub = f->p256_pub;
	c->p256_vm = f->p256_vm.data;
	c->p256_raw = f->p256_raw;
	c->p256_raw_siglen = sizeof(c->p256_raw_sig);
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, f->p256_raw) != 1 ||
	    EVP_DigestSign(md, c->p256_raw_sig, &c->p256_raw_siglen, c->msg, sizeof(c->msg)) != 1)
		die("raw p256 sign", NULL);
	EVP_MD_CTX_free(md);
}

static void teardown(struct fixture *f)
{
	ob_buf_release(&f->jwt);
	json_decref(f->rdfc_signed);
	json_decref(f->rdfc_no_proof);
	json_decref(f->v1);
	json_decref(f->v1_no_proof);
	json_decref(f->ecdsa_signed);
	json_decref(f->ecdsa_no_proof);
	ob_buf_release(&f->p256_did);
	ob_buf_release(&f->p256_vm);
	ob_key_free(f->p256);
	ob_key_free(f->p256_pub);
	EVP_PKEY_free(f->p256_raw);
	free(f->p256_path);
	json_decref(f->doc_no_proof);
	json_decref(f->signed_doc);
	json_decref(f->unsigned_doc);
	ob_buf_release(&f->canon);
	ob_buf_release(&f->vm);
	ob_buf_release(&f->did);
	ob_buf_release(&f->mk);
	ob_key_free(f->pub);
	ob_key_free(f->key);
	EVP_PKEY_free(f->raw);
	free(f->v1_path);
	free(f->doc_path);
	free(f->key_path);
}

/* --- ecdsa-sd-2023 (helper "sd"): base sign, derive, derived verify --- */

/* What the sd rows share, set up once from the P-256 key and the
 * credential: a base-signed copy, the pointers a holder reveals, and a
 * derived credential split into document and proof. */
static struct {
	json_t *base, *derived, *derived_no_proof;
	const json_t *derived_proof;
	size_t base_sigs, derived_sigs; /* per-statement signatures in each */
} sd_fx;
static const char *const sd_reveal[] = { "/credentialSubject" };

static void sd_setup(struct ctx *c)
{
	ob_proof_opts po = { .verification_method = c->p256_vm, .created = CREATED };
	ob_error err = { 0 };

	if (!(sd_fx.base = json_deep_copy(c->unsigned_doc)) ||
	    ob_proof_add(sd_fx.base, &ob_suite_ecdsa_sd, c->p256_key, &po, &err))
		die("ecdsa-sd-2023 base sign", &err);
	if (!(sd_fx.derived = ob_sd_derive(sd_fx.base, sd_reveal, 1, NULL, &err)))
		die("ecdsa-sd-2023 derive", &err);
	sd_fx.derived_no_proof = without_proof(sd_fx.derived);
	sd_fx.derived_proof = json_object_get(sd_fx.derived, "proof");
	{
		const json_t *p = json_object_get(sd_fx.base, "proof");
		ob_sd_value v;

		if (ob_sd_value_decode(ob_json_str(json_is_array(p) ? json_array_get(p, 0) : p, "proofValue"),
				       &v, &err))
			die("ecdsa-sd-2023 base proofValue", &err);
		sd_fx.base_sigs = v.nsigs;
		ob_sd_value_release(&v);
		if (ob_sd_value_decode(ob_json_str(sd_fx.derived_proof, "proofValue"), &v, &err))
			die("ecdsa-sd-2023 derived proofValue", &err);
		sd_fx.derived_sigs = v.nsigs;
		ob_sd_value_release(&v);
	}
}

static void sd_teardown(void)
{
	json_decref(sd_fx.base);
	json_decref(sd_fx.derived);
	json_decref(sd_fx.derived_no_proof);
	memset(&sd_fx, 0, sizeof(sd_fx));
}

static void run_ecdsa_sd_sign(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	ob_proof_opts opts = { .verification_method = c->p256_vm, .created = CREATED };
	const json_t *p;
	const char *pv;

	if (ob_proof_add(c->copies[i], &ob_suite_ecdsa_sd, c->p256_key, &opts, &err))
		die("ecdsa-sd-2023 base sign", &err);
	p = json_object_get(c->copies[i], "proof");
	if (!(pv = ob_json_str(json_is_array(p) ? json_array_get(p, 0) : p, "proofValue")))
		die("ecdsa-sd-2023 sign (no proofValue)", NULL);
	fold(pv, strlen(pv));
}

static void run_ecdsa_sd_derive(struct ctx *c, size_t i)
{
	ob_error err = { 0 };
	json_t *d = ob_sd_derive(sd_fx.base, sd_reveal, 1, NULL, &err);

	(void)c;
	(void)i;
	if (!d)
		die("ecdsa-sd-2023 derive", &err);
	fold(ob_json_str(json_object_get(d, "proof"), "proofValue"), 16);
	json_decref(d);
}

static void run_ecdsa_sd_verify(struct ctx *c, size_t i)
{
	ob_error err = { 0 };

	if (ob_suite_ecdsa_sd.verify(sd_fx.derived_no_proof, sd_fx.derived_proof, c->p256_pub, NULL, &err))
		die("ecdsa-sd-2023 verify (derived)", &err);
	fold(&i, 1);
}

/* --- end of ecdsa-sd-2023 --- */

static const struct bench benches[] = {
	{ "raw-ed25519-sign", NULL, NULL, run_raw_sign },
	{ "raw-ed25519-verify", NULL, NULL, run_raw_verify },
	{ "ed25519-sign", NULL, NULL, run_ed_sign },
	{ "ed25519-verify", NULL, NULL, run_ed_verify },
	{ "jcs-canonicalize", NULL, NULL, run_jcs },
	{ "jcs-sign", prepare_copies, free_copies, run_jcs_sign },
	{ "jcs-verify (suite)", NULL, NULL, run_jcs_verify_suite },
	{ "jcs-verify (full report)", NULL, NULL, run_jcs_verify_full },
	{ "jwt-sign", NULL, NULL, run_jwt_sign },
	{ "jwt-verify", NULL, NULL, run_jwt_verify },
	{ "rdfc-canonicalize", NULL, NULL, run_rdfc_canon },
	{ "rdfc-sign", prepare_copies, free_copies, run_rdfc_sign },
	{ "rdfc-verify (suite)", NULL, NULL, run_rdfc_verify_suite },
	{ "rdfc-verify (full report)", NULL, NULL, run_rdfc_verify_full },
	{ "ed2020-verify (suite)", NULL, NULL, run_ed2020_verify },
	{ "raw-p256-sign", NULL, NULL, run_raw_p256_sign },
	{ "raw-p256-verify", NULL, NULL, run_raw_p256_verify },
	{ "ecdsa-rdfc-sign", prepare_copies, free_copies, run_ecdsa_rdfc_sign },
	{ "ecdsa-rdfc-verify (suite)", NULL, NULL, run_ecdsa_rdfc_verify },
	{ "ecdsa-sd-sign (base)", prepare_copies, free_copies, run_ecdsa_sd_sign },
	{ "ecdsa-sd-derive", NULL, NULL, run_ecdsa_sd_derive },
	{ "ecdsa-sd-verify (derived)", NULL, NULL, run_ecdsa_sd_verify },
};
enum { NB = sizeof(benches) / sizeof(benches[0]) };

/* BENCH_ROWS=PREFIX,...: only the rows whose names start with one of the
 * prefixes run (the others print zeros), for quick A/B runs of one path. */
static int row_wanted(const char *name)
{
	const char *s = getenv("BENCH_ROWS"), *e;

	if (!s || !*s)
		return 1;
	for (; *s; s = *e ? e + 1 : e) {
		e = strchr(s, ',');
		if (!e)
			e = s + strlen(s);
		if (e > s && strncmp(name, s, (size_t)(e - s)) == 0)
			return 1;
	}
	return 0;
}

/* Runs every row iters times, interleaved; returns the peak RSS (KiB)
 * after a fifth of the rounds. */
static long run_all(struct ctx *c, size_t iters, struct result *rs)
{
	uint64_t *samples[NB];
	struct rusage ru;
	long rss_first = 0;
	size_t i, r;

	/* the sample arrays are touched up front, so they do not
	 * show up as growth in the memory figure */
	for (i = 0; i < NB; i++) {
		if (!(samples[i] = malloc(iters * sizeof(**samples))))
			die("malloc", NULL);
		memset(samples[i], 0, iters * sizeof(**samples));
	}
	for (r = 0; r < ROUNDS; r++) {
		/* rounds split iters as evenly as they can */
		size_t from = iters * r / ROUNDS, to = iters * (r + 1) / ROUNDS;
		for (i = 0; i < NB; i++) {
			if (!row_wanted(benches[i].name))
				continue;
			run_batches(&benches[i], c, WARMUP, NULL);
			run_batches(&benches[i], c, to - from, samples[i] + from);
		}
		/* warm state: every row has run a fifth of its iterations */
		if (r == ROUNDS / 5 && getrusage(RUSAGE_SELF, &ru) == 0)
			rss_first = ru.ru_maxrss;
	}
	for (i = 0; i < NB; i++) {
		rs[i] = summarize(benches[i].name, samples[i], iters);
		free(samples[i]);
	}
	return rss_first;
}

static void print_results(const struct result *rs)
{
	size_t i;

	printf("\n  %-26s %10s %10s %10s %10s\n", "operation", "median us", "p90 us",
	       "min us", "ops/s");
	printf("  %-26s %10s %10s %10s %10s\n", "--------------------------", "---------",
	       "------", "------", "-----");
	for (i = 0; i < NB; i++)
		printf("  %-26s %10.2f %10.2f %10.2f %10.0f\n", rs[i].name, rs[i].median,
		       rs[i].p90, rs[i].min, 1e6 / rs[i].median);

	/* the proof rows against plain OpenSSL Ed25519 (raw-*), so each ratio
	 * is what the suite costs over the signature itself */
	printf("\nratios of medians (raw-* = plain OpenSSL EVP Ed25519 on a 64-byte message):\n");
	ratio(rs, NB, "ed25519-sign", "raw-ed25519-sign", 0);
	ratio(rs, NB, "ed25519-verify", "raw-ed25519-verify", 0);
	ratio(rs, NB, "jcs-sign", "raw-ed25519-sign", 1.5);
	ratio(rs, NB, "jcs-verify (suite)", "raw-ed25519-verify", 0);
	ratio(rs, NB, "jcs-verify (full report)", "raw-ed25519-verify", 0);
	ratio(rs, NB, "jwt-sign", "raw-ed25519-sign", 0);
	ratio(rs, NB, "jwt-verify", "raw-ed25519-verify", 0);
	ratio(rs, NB, "jcs-canonicalize", "raw-ed25519-sign", 0);
	ratio(rs, NB, "rdfc-sign", "raw-ed25519-sign", 3.0);
	ratio(rs, NB, "rdfc-verify (suite)", "raw-ed25519-verify", 0);
	printf("ECDSA (raw-p256-* = plain OpenSSL EVP ECDSA P-256/SHA-256 on a 64-byte message):\n");
	ratio(rs, NB, "ecdsa-rdfc-sign", "raw-p256-sign", 0);
	ratio(rs, NB, "ecdsa-rdfc-verify (suite)", "raw-p256-verify", 0);
	ratio(rs, NB, "ecdsa-sd-sign (base)", "raw-p256-sign", 0);
	ratio(rs, NB, "ecdsa-sd-derive", "raw-p256-sign", 0);
	ratio(rs, NB, "ecdsa-sd-verify (derived)", "raw-p256-verify", 0);
	printf("  (ecdsa-sd: one ES256 signature per non-mandatory statement: the base proof signs %zu, "
	       "the derived one, revealing /credentialSubject, carries %zu)\n", sd_fx.base_sigs,
	       sd_fx.derived_sigs);
	printf("targets on a 2-core machine: rdfc-sign <= 150 us, rdfc-verify <= 250 us "
	       "(reference JavaScript: about 3,600 and 3,400 us)\n");
}

int main(int argc, char **argv)
{
	struct result rs[NB];
	const char *shared = getenv("SHARED_DIR");
	struct fixture f;
	struct ctx c;
	struct rusage ru;
	double load[1], load0 = -1;
	size_t iters = DEFAULT_ITERS;
	long rss_first;

	if (argc > 2 || (argc == 2 && (iters = strtoul(argv[1], NULL, 10)) < MIN_ITERS)) {
		fprintf(stderr, "usage: bench [ITERATIONS >= %d]\n", MIN_ITERS);
		return 2;
	}
	if (getloadavg(load, 1) == 1)
		load0 = load[0];
	ob_init();
	if (!shared || !*shared)
		shared = "../shared";
	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	f.key_path = path_in(shared, "vectors/keys/issuer-ed25519.json");
	f.doc_path = path_in(shared, "vectors/unsigned/ob3-v2.json");
	f.v1_path = path_in(shared, "vectors/unsigned/ob3-v1.json");
	f.p256_path = path_in(shared, "vectors/keys/issuer-p256.json");
	setup_keys(&f, &c);
	setup_p256(&f, &c);
	setup_docs(&f, &c);
	sd_setup(&c);

	printf("obkit bench: %zu timed iterations per row, interleaved in %d rounds "
	       "(%d warm-up each), CLOCK_MONOTONIC per iteration\n", iters, ROUNDS, WARMUP);
	printf("credential: %s (%zu bytes canonical)\n", f.doc_path, f.canon.len);
	printf("key:        %s (%s)\n", f.key_path, ob_key_type_name(ob_key_get_type(f.key)));
	fflush(stdout);
	rss_first = run_all(&c, iters, rs);
	print_results(rs);

	/* every row ran iters times: memory must not grow after round one */
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("\npeak RSS:   %ld KiB after a fifth of the iterations, %ld KiB after all %zu of "
		       "each row (%s)\n", rss_first, ru.ru_maxrss, iters,
		       ru.ru_maxrss <= rss_first + rss_first / 20 ? "no growth" : "GREW");
	printf("machine:    %ld online CPUs (nproc), load average %.2f at start, %s, jansson %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), load0, OpenSSL_version(OPENSSL_VERSION),
	       JANSSON_VERSION);
	printf("sink:       %016llx\n", (unsigned long long)sink);
	sd_teardown();
	teardown(&f);
	if (fclose(stdout)) {
		perror("bench: stdout");
		return 3;
	}
	return 0;
}
