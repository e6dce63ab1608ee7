/* The W3C Data Integrity ECDSA vectors (../shared/conformance/vc-di-ecdsa,
 * ../shared/spec/ecdsa.md): for each set (ecdsa-rdfc-2019 and
 * ecdsa-jcs-2019, P-256 and P-384, with the rdfc sets' "employ" example)
 * the canonical document, the canonical proof configuration, both hashes
 * and hashData are reproduced byte for byte; the published signature
 * verifies with the published key (resolved from its did:key) and equals
 * sigHex; a tampered document, proof or signature fails; a fresh proof
 * (ECDSA is randomized: a new signature, the same hashData) verifies.
 * ecdsa-sd-2023 (the folder's third suite) is run by run_ecdsa_sd.c. */
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "base/codec.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "base/obkit.h"
#include "io/loader.h"
#include "proof/did.h"
#include "proof/keys.h"
#include "proof/suite.h"

struct set {
	const char *name, *dir, *tag, *keyfile;
	const ob_suite *suite;
	ob_key_type curve;
};

static char root[4400];

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[8400];
	ob_error err = { 0 };
	char *data = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (ob_file_read(path, 1 << 20, &data, &n, &err)) {
		fprintf(stderr, "cannot read %s: %s\n", path, err.msg);
		return NULL;
	}
	if (len)
		*len = n;
	return data;
}

static json_t *load_json(const char *dir, const char *name)
{
	char path[8400];
	ob_error err = { 0 };
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(j = ob_json_load_file(path, &err)))
		fprintf(stderr, "cannot load %s: %s\n", path, err.msg);
	return j;
}

/* The test-only contexts (../shared/contexts/index.json). */
static ob_loader *contexts_loader(void)
{
	char dir[4200], path[8400];
	ob_loader *l = ob_loader_new();
	ob_error err = { 0 };
	json_t *index, *v;
	const char *url;

	snprintf(dir, sizeof(dir), "%s/contexts", shared_dir());
	if (!l || !(index = load_json(dir, "index.json")))
		return l;
	json_object_foreach(index, url, v) {
		if (!json_is_string(v))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, json_string_value(v));
		ob_loader_add(l, url, path, &err);
	}
	json_decref(index);
	return l;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

/* 1 when file name in dir holds exactly len bytes equal to want. */
static int same_file(const char *dir, const char *name, const char *want, size_t len)
{
	size_t n = 0;
	char *data = slurp(dir, name, &n);
	int same = data && n == len && memcmp(data, want, len) == 0;

	if (data && !same)
		fprintf(stderr, "  %s/%s differs (%zu bytes published, %zu made)\n", dir, name, n, len);
	free(data);
	return same;
}

static ob_code verify_with(const struct set *s, const json_t *doc, const json_t *proof,
			   const ob_key *key, ob_loader *l)
{
	ob_error err = { 0 };
	ob_code rc = s->suite->verify(doc, proof, key, l, &err);

	if (rc && rc != OB_EINVALID)
		fprintf(stderr, "  %s: verify could not decide: %s\n", s->name, err.msg);
	return rc;
}

/* A fresh proof with the published options: a new signature over the
 * same hashData, which verifies. */
static void round_trip(const struct set *s, const json_t *doc, const json_t *config,
		       const ob_key *key, const char *combined, ob_loader *l)
{
	json_t *copy = json_deep_copy(doc), *proof;
	ob_proof_opts po = { 0 };
	ob_ecdsa_steps st = { 0 };
	ob_error err = { 0 };
	char h[2 * 96 + 1];
	ob_code rc;

	po.verification_method = ob_json_str(config, "verificationMethod");
	po.created = ob_json_str(config, "created");
	po.loader = l;
	rc = copy ? ob_proof_add(copy, s->suite, key, &po, &err) : OB_ENOMEM;
	CHECK(rc == OB_OK);
	if (rc) {
		fprintf(stderr, "  %s: sign: %s\n", s->name, err.msg);
		json_decref(copy);
		return;
	}
	proof = json_incref(json_object_get(copy, "proof"));
	json_object_del(copy, "proof");
	CHECK(verify_with(s, copy, proof, key, l) == OB_OK);
	CHECK(ob_ecdsa_steps_make(s->suite, copy, proof, s->curve, l, &st, &err) == OB_OK);
	hex(st.hash, st.hash_len, h);
	CHECK_STR(h, combined);
	ob_ecdsa_steps_release(&st);
	json_decref(proof);
	json_decref(copy);
}

/* Changes that must make the published signature fail. */
static void tampered(const struct set *s, const json_t *doc, const json_t *proof, const ob_key *key,
		     ob_loader *l)
{
	json_t *d = json_deep_copy(doc), *p = json_deep_copy(proof);
	char *pv;

	json_object_set_new(d, "name", json_string("Tampered Credential"));
	CHECK(verify_with(s, d, proof, key, l) == OB_EINVALID);
	json_decref(d);
	json_object_set_new(p, "created", json_string("2023-02-24T23:36:39Z"));
	CHECK(verify_with(s, doc, p, key, l) == OB_EINVALID);
	json_decref(p);
	/* one character of the signature changed ('2' <-> '3' stay base58) */
	p = json_deep_copy(proof);
	pv = strdup(ob_json_str(p, "proofValue"));
	pv[10] = pv[10] == '2' ? '3' : '2';
	json_object_set_new(p, "proofValue", json_string(pv));
	CHECK(verify_with(s, doc, p, key, l) == OB_EINVALID);
	free(pv);
	json_decref(p);
}

/* One folder: input doc, proofConfig, canonDoc, proofCanon, hashes, sig. */
static void run_case(const struct set *s, const char *dir, const char *input, const ob_key *priv,
		     ob_loader *l)
{
	char name[256], h[2 * 96 + 1], *sighex = NULL, *sig58 = NULL, *combined = NULL;
	json_t *doc = NULL, *config = NULL, *proof = NULL, *signed_doc;
	ob_ecdsa_steps st = { 0 };
	ob_buf raw = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_vm vm = { 0 };
	size_t half;

	doc = load_json(dir, input);
	snprintf(name, sizeof(name), "proofConfig%s.json", s->tag);
	config = load_json(dir, name);
	CHECK(doc && config);
	if (!doc || !config)
		goto out;
	/* the published key, as a verifier finds it: from the did:key */
	CHECK(ob_did_resolve(ob_json_str(config, "verificationMethod"), NULL, l, &vm, &err) == OB_OK);
	CHECK(vm.key && ob_key_get_type(vm.key) == s->curve && ob_key_equal_public(vm.key, priv));
	if (!vm.key)
		goto out;
	CHECK(ob_ecdsa_steps_make(s->suite, doc, config, s->curve, l, &st, &err) == OB_OK);
	if (err.code) {
		fprintf(stderr, "  %s: %s\n", dir, err.msg);
		goto out;
	}
	snprintf(name, sizeof(name), "canonDoc%s.txt", s->tag);
	CHECK(same_file(dir, name, st.doc.data, st.doc.len));
	snprintf(name, sizeof(name), "proofCanon%s.txt", s->tag);
	CHECK(same_file(dir, name, st.config.data, st.config.len));
	half = st.hash_len / 2;
	hex(st.hash, half, h);
	snprintf(name, sizeof(name), "proofHash%s.txt", s->tag);
	CHECK(same_file(dir, name, h, strlen(h)));
	hex(st.hash + half, half, h);
	snprintf(name, sizeof(name), "docHash%s.txt", s->tag);
	CHECK(same_file(dir, name, h, strlen(h)));
	hex(st.hash, st.hash_len, h);
	snprintf(name, sizeof(name), "combinedHash%s.txt", s->tag);
	CHECK(same_file(dir, name, h, strlen(h)));
	combined = strdup(h);
	/* sigBTC58 is the proofValue; base58btc-decoded it is sigHex (r || s) */
	snprintf(name, sizeof(name), "sigBTC58%s.txt", s->tag);
	sig58 = slurp(dir, name, NULL);
	snprintf(name, sizeof(name), "sigHex%s.txt", s->tag);
	sighex = slurp(dir, name, NULL);
	CHECK(sig58 && sighex);
	if (!sig58 || !sighex)
		goto out;
	sig58[strcspn(sig58, "\r\n")] = 0;
	CHECK(ob_multibase_decode(&raw, sig58, &err) == OB_OK && raw.len == st.hash_len);
	hex((const unsigned char *)raw.data, raw.len, h);
	CHECK_STR(h, sighex);
	proof = json_deep_copy(config);
	json_object_set_new(proof, "proofValue", json_string(sig58));
	CHECK(verify_with(s, doc, proof, vm.key, l) == OB_OK);
	tampered(s, doc, proof, vm.key, l);
	/* the published signed document, where the folder has it */
	snprintf(name, sizeof(name), "signed%s.json", s->tag);
	{
		char path[8400];
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (access(path, R_OK) == 0 && (signed_doc = load_json(dir, name))) {
			json_t *sp = json_incref(json_object_get(signed_doc, "proof"));

			json_object_del(signed_doc, "proof");
			CHECK(json_equal(signed_doc, doc));
			CHECK_STR(ob_json_str(sp, "proofValue"), sig58);
			CHECK(verify_with(s, signed_doc, sp, vm.key, l) == OB_OK);
			json_decref(sp);
			json_decref(signed_doc);
		}
	}
	round_trip(s, doc, config, priv, combined, l);
out:
	ob_ecdsa_steps_release(&st);
	ob_buf_release(&raw);
	ob_vm_release(&vm);
	json_decref(doc);
	json_decref(config);
	json_decref(proof);
	free(sighex);
	free(sig58);
	free(combined);
}

int main(void)
{
	static const struct set sets[] = {
		{ "ecdsa-rdfc-2019-p256", "ecdsa-rdfc-2019-p256", "ECDSAP256", "p256KeyPair.json",
		  &ob_suite_ecdsa_rdfc_2019, OB_KEY_P256 },
		{ "ecdsa-rdfc-2019-p384", "ecdsa-rdfc-2019-p384", "ECDSAP384", "p384KeyPair.json",
		  &ob_suite_ecdsa_rdfc_2019, OB_KEY_P384 },
		{ "ecdsa-jcs-2019-p256", "ecdsa-jcs-2019-p256", "JCSECDSAP256", "p256KeyPair.json",
		  &ob_suite_ecdsa_jcs_2019, OB_KEY_P256 },
		{ "ecdsa-jcs-2019-p384", "ecdsa-jcs-2019-p384", "JCSECDSAP384", "p384KeyPair.json",
		  &ob_suite_ecdsa_jcs_2019, OB_KEY_P384 },
	};
	int passed[4], failed[4];
	ob_loader *l;
	size_t i;

	ob_init();
	snprintf(root, sizeof(root), "%s/vc-di-ecdsa", conformance_dir());
	l = contexts_loader();
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		const struct set *s = &sets[i];
		char dir[8400], path[8400];
		int p0 = check_passed, f0 = check_failed;
		ob_error err = { 0 };
		ob_key *key;

		snprintf(path, sizeof(path), "%s/%s", root, s->keyfile);
		key = ob_key_load(path, &err);
		CHECK(key && ob_key_get_type(key) == s->curve && ob_key_has_private(key));
		if (key) {
			snprintf(dir, sizeof(dir), "%s/%s", root, s->dir);
			run_case(s, dir, "../unsigned.json", key, l);
			snprintf(dir, sizeof(dir), "%s/%s/employ", root, s->dir);
			if (access(dir, R_OK) == 0)
				run_case(s, dir, "../../employmentAuth.json", key, l);
		} else {
			fprintf(stderr, "  %s: %s\n", s->name, err.msg);
		}
		ob_key_free(key);
		passed[i] = check_passed - p0;
		failed[i] = check_failed - f0;
	}
	ob_loader_free(l);
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		printf("%s: %d passed, %d failed\n", sets[i].name, passed[i], failed[i]);
	return check_done("run_ecdsa");
}
