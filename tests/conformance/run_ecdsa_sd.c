/* The W3C ecdsa-sd-2023 vectors (../shared/conformance/vc-di-ecdsa/
 * ecdsa-sd-2023/{prc,employ}, ../shared/spec/ecdsa.md 3), two sets per
 * example:
 *   base:    the canonical document and proof configuration, the
 *            HMAC-labelled N-Quads, the mandatory / non-mandatory split,
 *            proofHash and mandatoryHash byte for byte; the published
 *            proofValue decodes to the published components and encodes
 *            back to the same text; its signatures verify (the holder's
 *            check); a verifier refuses it; a tampered document fails; a
 *            fresh base proof with the published HMAC and proof keys
 *            verifies and carries them.
 *   derived: deriving from the published base credential with the
 *            published selective pointers gives the published reveal
 *            document and derived proofValue byte for byte; the
 *            verifier's relabelled N-Quads are the published ones; the
 *            published derived credential verifies; tampering fails; a
 *            disclosure derived from a fresh base proof verifies. */
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "base/codec.h"
#include "base/fsutil.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/obkit.h"
#include "canon/rdfc.h"
#include "io/loader.h"
#include "proof/keys.h"
#include "proof/sd_canon.h"
#include "proof/suite.h"
#include "proof/suite_ecdsa_sd.h"

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

static char *slurp(const char *dir, const char *name)
{
	char path[8400], *data = NULL;
	ob_error err = { 0 };
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (ob_file_read(path, 1 << 20, &data, &n, &err))
		fprintf(stderr, "cannot read %s: %s\n", path, err.msg);
	return data;
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

static ob_key *key_of(const json_t *pair)
{
	char *text = json_dumps(pair, 0);
	ob_error err = { 0 };
	ob_key *k = text ? ob_key_parse(text, strlen(text), &err) : NULL;

	if (!k)
		fprintf(stderr, "  key: %s\n", err.msg);
	free(text);
	return k;
}

/* The strings of a JSON array, borrowed; *n gets the count. */
static const char **strings(const json_t *a, size_t *n)
{
	const char **v = calloc(json_array_size(a) + 1, sizeof(char *));
	size_t i;

	for (i = 0; v && i < json_array_size(a); i++)
		v[i] = json_string_value(json_array_get(a, i));
	*n = json_array_size(a);
	return v;
}

/* 1 when lines equals the published JSON array of strings. */
static int same_lines(char *const *lines, size_t n, const json_t *want)
{
	size_t i;

	if (!json_is_array(want) || json_array_size(want) != n) {
		fprintf(stderr, "  %zu lines made, %zu published\n", n, json_array_size(want));
		return 0;
	}
	for (i = 0; i < n; i++)
		if (strcmp(lines[i], json_string_value(json_array_get(want, i)) ?
			   json_string_value(json_array_get(want, i)) : "")) {
			fprintf(stderr, "  line %zu differs:\n  made %s  want %s", i, lines[i],
				json_string_value(json_array_get(want, i)));
			return 0;
		}
	return 1;
}

/* The published {"dataType":"Map","value":[[index, quad]...]} against
 * the lines whose flag is want. */
static int same_map(const ob_sd_base_steps *st, int want, const json_t *map)
{
	const json_t *v = json_object_get(map, "value");
	size_t i, k = 0;

	for (i = 0; i < st->n; i++) {
		const json_t *e;

		if (!st->mandatory[i] != !want)
			continue;
		e = json_array_get(v, k++);
		if ((size_t)(long long)json_number_value(json_array_get(e, 0)) != i ||
		    strcmp(json_string_value(json_array_get(e, 1)) ? json_string_value(json_array_get(e, 1)) : "",
			   st->nquads[i]))
			return 0;
	}
	return k == json_array_size(v);
}

struct keys {
	ob_key *base, *proof;
	unsigned char hmac[32];
};

/* The document the base proof signed: the published signed credential
 * without its proof. (prc's prCredUnsigned.json has another description
 * than the one signed and canonicalized in the vectors; employ's input is
 * the signed document's.) */
static json_t *signed_input(const char *dir, const char *input)
{
	json_t *s = load_json(dir, "addSignedSDBase.json"), *u = load_json(dir, input);

	if (s)
		json_object_del(s, "proof");
	if (s && u && !json_equal(s, u))
		fprintf(stderr, "  note: %s/%s is not the document signed in addSignedSDBase.json; "
			"using the signed one\n", dir, input);
	json_decref(u);
	return s;
}

static void base_set(const char *dir, const char *input, const struct keys *ks, ob_loader *l)
{
	json_t *doc = signed_input(dir, input), *config = load_json(dir, "addProofConfig.json");
	json_t *hd = load_json(dir, "addHashData.json"), *tr = load_json(dir, "addBaseTransform.json");
	json_t *signed_doc = load_json(dir, "addSignedSDBase.json"), *raw = load_json(dir, "addRawBaseSignatureInfo.json");
	json_t *canon = load_json(dir, "addBaseDocCanon.json"), *hcanon = load_json(dir, "addBaseDocHMACCanon.json");
	json_t *proof = NULL, *cfg = NULL, *fresh = NULL, *bad = NULL;
	char *cfg_canon = slurp(dir, "addProofConfigCanon.txt");
	const char **mp = NULL;
	size_t nmp = 0, i;
	ob_sd_base_steps st = { 0 };
	ob_sd_value v = { 0 }, fv = { 0 };
	ob_buf b = OB_BUF_INIT, pub = OB_BUF_INIT;
	ob_error err = { 0 };
	char h[2 * 64 + 1];

	CHECK(doc && config && hd && tr && signed_doc && raw && canon && hcanon && cfg_canon);
	if (!doc || !config || !hd || !tr || !signed_doc || !raw || !canon || !hcanon || !cfg_canon)
		goto out;
	mp = strings(json_object_get(tr, "mandatoryPointers"), &nmp);
	/* the canonical document (RDFC-1.0, c14n labels) */
	CHECK(ob_rdfc_canonize_json(doc, l, 0, 0, &b, &err) == OB_OK);
	{
		size_t n = 0;
		char *lines[512], *p = b.data;

		while (p && *p && n < 512) {
			char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

			lines[n] = strndup(p, len);
			n++;
			p += len;
		}
		CHECK(same_lines(lines, n, canon));
		for (i = 0; i < n; i++)
			free(lines[i]);
	}
	/* the canonical proof configuration */
	ob_buf_truncate(&b, 0);
	cfg = ob_proof_config(doc, config);
	CHECK(cfg && ob_rdfc_canonize_json(cfg, l, 0, 0, &b, &err) == OB_OK);
	CHECK(b.data && !strcmp(b.data, cfg_canon));
	/* HMAC labels, grouping, hashes */
	CHECK(ob_sd_base_steps_make(doc, config, ks->hmac, mp, nmp, l, &st, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "  %s: %s\n", dir, err.msg);
	CHECK(same_lines(st.nquads, st.n, hcanon));
	CHECK(st.n && same_map(&st, 1, json_object_get(tr, "mandatory")));
	CHECK(st.n && same_map(&st, 0, json_object_get(tr, "nonMandatory")));
	hex(st.proof_hash, 32, h);
	CHECK_STR(h, ob_json_str(hd, "proofHash"));
	hex(st.mandatory_hash, 32, h);
	CHECK_STR(h, ob_json_str(hd, "mandatoryHash"));
	/* the published proofValue: its parts, and encoding gives it back */
	proof = json_incref(json_object_get(signed_doc, "proof"));
	CHECK(ob_sd_value_decode(ob_json_str(proof, "proofValue"), &v, &err) == OB_OK && !v.derived);
	hex(v.base_sig, 64, h);
	CHECK_STR(h, ob_json_str(raw, "baseSignature"));
	CHECK(ob_multibase_encode(&pub, 'z', v.pub, 35) == 0);
	CHECK_STR(pub.data, ob_json_str(raw, "publicKey"));
	CHECK(v.nsigs == json_array_size(json_object_get(raw, "signatures")));
	for (i = 0; i < v.nsigs && i < 64; i++) {
		hex(v.sigs[i], 64, h);
		if (strcmp(h, json_string_value(json_array_get(json_object_get(raw, "signatures"), i))))
			break;
	}
	CHECK(i == v.nsigs);
	CHECK(!memcmp(v.hmac_key, ks->hmac, 32));
	CHECK(v.npointers == nmp && (!nmp || !strcmp(v.pointers[0], mp[0])));
	ob_buf_truncate(&b, 0);
	CHECK(ob_sd_value_encode(&v, &b, &err) == OB_OK && !strcmp(b.data, ob_json_str(proof, "proofValue")));
	/* its signatures hold for the holder; a verifier refuses a base proof */
	CHECK(ob_sd_confirm_base(doc, proof, ks->base, l, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "  confirm: %s\n", err.msg);
	ob_error_clear(&err);
	CHECK(ob_suite_ecdsa_sd.verify(doc, proof, ks->base, l, &err) == OB_EINVALID &&
	      strstr(err.msg, "base proof is for the holder"));
	ob_error_clear(&err);
	bad = json_deep_copy(doc);
	json_object_set_new(bad, "name", json_string("Tampered"));
	CHECK(ob_sd_confirm_base(bad, proof, ks->base, l, &err) == OB_EINVALID);
	ob_error_clear(&err);
	/* a fresh base proof with the published keys */
	fresh = json_deep_copy(config);
	json_object_del(fresh, "@context");
	CHECK(ob_sd_create_base(doc, fresh, ks->base, mp, nmp, ks->hmac, ks->proof, l, &err) == OB_OK);
	CHECK(ob_sd_confirm_base(doc, fresh, ks->base, l, &err) == OB_OK);
	CHECK(ob_sd_value_decode(ob_json_str(fresh, "proofValue"), &fv, &err) == OB_OK &&
	      !memcmp(fv.pub, v.pub, 35) && !memcmp(fv.hmac_key, v.hmac_key, 32) && fv.nsigs == v.nsigs);
out:
	ob_sd_base_steps_release(&st);
	ob_sd_value_release(&v);
	ob_sd_value_release(&fv);
	ob_buf_release(&b);
	ob_buf_release(&pub);
	free(mp);
	free(cfg_canon);
	json_decref(doc);
	json_decref(config);
	json_decref(hd);
	json_decref(tr);
	json_decref(signed_doc);
	json_decref(raw);
	json_decref(canon);
	json_decref(hcanon);
	json_decref(proof);
	json_decref(cfg);
	json_decref(fresh);
	json_decref(bad);
}

/* The verifier's relabelled N-Quads (3.4.3) for doc and labelMap. */
static int verify_nquads(const json_t *doc, const ob_sd_value *v, const json_t *want, ob_loader *l)
{
	sd_ld *ld = sd_ld_new(l);
	ob_error err = { 0 };
	sd_quads *q = ld ? sd_quads_from_json(ld, doc, 0, &err) : NULL;
	sd_labels cmap = { 0 }, rl = { 0 };
	sd_lines lines = { 0 };
	int ok = 0;
	size_t i, k;

	if (q && sd_quads_canon_map(q, &cmap, &err) == OB_OK) {
		for (i = 0; i < cmap.n; i++) {
			ob_buf hl = OB_BUF_INIT;
			unsigned long n = strtoul(cmap.v[i].to + 4, NULL, 10);

			for (k = 0; k < v->nlabels && v->label_n[k] != n; k++)
				;
			if (k < v->nlabels && ob_buf_addc(&hl, 'u') == 0 &&
			    ob_base64url_encode(&hl, v->label_hmac[k], 32) == 0)
				sd_labels_add(&rl, cmap.v[i].from, hl.data);
			ob_buf_release(&hl);
		}
		ok = sd_quads_lines(q, &rl, &lines, &err) == OB_OK && same_lines(lines.v, lines.n, want);
	}
	sd_lines_release(&lines);
	sd_labels_release(&cmap);
	sd_labels_release(&rl);
	sd_quads_free(q);
	sd_ld_free(ld);
	return ok;
}

static void derived_set(const char *dir, const char *input, const char *selfile, const struct keys *ks,
			ob_loader *l)
{
	char sdir[4700];
	json_t *base = load_json(dir, "addSignedSDBase.json"), *want = load_json(dir, "derivedRevealDocument.json");
	json_t *unsigned_reveal = load_json(dir, "derivedUnsignedReveal.json");
	json_t *adj = load_json(dir, "derivedAdjMandatoryIndexes.json"), *nq = load_json(dir, "verifyNQuads.json");
	json_t *doc = signed_input(dir, input), *sel = NULL, *made = NULL, *proof = NULL, *bad = NULL;
	json_t *mine = NULL, *mine_d = NULL, *tr = load_json(dir, "addBaseTransform.json");
	const char **sp = NULL, **mp = NULL;
	size_t nsp = 0, nmp = 0, i;
	ob_sd_value v = { 0 };
	ob_error err = { 0 };
	ob_proof_opts po = { 0 };

	snprintf(sdir, sizeof(sdir), "%s/../..", dir);
	sel = load_json(sdir, selfile);
	CHECK(base && want && unsigned_reveal && adj && nq && doc && sel && tr);
	if (!base || !want || !unsigned_reveal || !adj || !nq || !doc || !sel || !tr)
		goto out;
	sp = strings(sel, &nsp);
	mp = strings(json_object_get(tr, "mandatoryPointers"), &nmp);
	/* derive from the published base: the published result, byte for byte */
	made = ob_sd_derive(base, sp, nsp, l, &err);
	CHECK(made != NULL);
	if (!made) {
		fprintf(stderr, "  derive: %s\n", err.msg);
		goto out;
	}
	CHECK(json_equal(made, want));
	CHECK_STR(ob_json_str(json_object_get(made, "proof"), "proofValue"),
		  ob_json_str(json_object_get(want, "proof"), "proofValue"));
	proof = json_incref(json_object_get(want, "proof"));
	json_object_del(want, "proof");
	json_object_del(made, "proof");
	CHECK(json_equal(made, unsigned_reveal) && json_equal(want, unsigned_reveal));
	CHECK(ob_sd_value_decode(ob_json_str(proof, "proofValue"), &v, &err) == OB_OK && v.derived);
	CHECK(v.nmandatory == json_array_size(json_object_get(adj, "adjMandatoryIndexes")));
	for (i = 0; i < v.nmandatory; i++)
		if (v.mandatory[i] != (long long)json_number_value(json_array_get(json_object_get(adj, "adjMandatoryIndexes"), i)))
			break;
	CHECK(i == v.nmandatory);
	CHECK(verify_nquads(want, &v, nq, l));
	/* the published derived credential verifies, as a suite and directly */
	CHECK(ob_sd_verify_derived(want, proof, ks->base, l, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "  verify: %s\n", err.msg);
	ob_error_clear(&err);
	CHECK(ob_suite_ecdsa_sd.verify(want, proof, ks->base, l, &err) == OB_OK);
	ob_error_clear(&err);
	/* tampered: a changed value, a dropped statement, another key */
	bad = json_deep_copy(want);
	json_object_set_new(bad, "validUntil", json_string("2099-12-16T23:59:59Z"));
	CHECK(ob_sd_verify_derived(bad, proof, ks->base, l, &err) == OB_EINVALID);
	ob_error_clear(&err);
	json_decref(bad);
	bad = json_deep_copy(want);
	json_object_del(json_object_get(bad, "credentialSubject"), "birthCountry");
	CHECK(ob_sd_verify_derived(bad, proof, ks->base, l, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_sd_verify_derived(want, proof, ks->proof, l, &err) == OB_EINVALID);
	ob_error_clear(&err);
	/* a fresh base proof (ob_proof_add, as the issuer signs), derived
	 * and verified */
	mine = json_deep_copy(doc);
	po.verification_method = "did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP#zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP";
	po.loader = l;
	CHECK(ob_proof_add(mine, &ob_suite_ecdsa_sd, ks->base, &po, &err) == OB_OK);
	mine_d = ob_sd_derive(mine, sp, nsp, l, &err);
	CHECK(mine_d != NULL);
	if (mine_d) {
		json_t *p = json_incref(json_object_get(mine_d, "proof"));

		json_object_del(mine_d, "proof");
		CHECK(ob_sd_verify_derived(mine_d, p, ks->base, l, &err) == OB_OK);
		if (err.code)
			fprintf(stderr, "  fresh: %s\n", err.msg);
		json_decref(p);
	}
out:
	ob_sd_value_release(&v);
	free(sp);
	free(mp);
	json_decref(base);
	json_decref(want);
	json_decref(unsigned_reveal);
	json_decref(adj);
	json_decref(nq);
	json_decref(doc);
	json_decref(sel);
	json_decref(made);
	json_decref(proof);
	json_decref(bad);
	json_decref(mine);
	json_decref(mine_d);
	json_decref(tr);
}

int main(void)
{
	static const struct {
		const char *name, *dir, *input, *selective;
	} sets[] = {
		{ "prc", "prc", "../../prCredUnsigned.json", "prCredSelective.json" },
		{ "employ", "employ", "../../employmentAuth.json", "employSelective.json" },
	};
	int passed[4], failed[4];
	char root[4400], dir[4600];
	json_t *km;
	struct keys ks = { 0 };
	ob_loader *l;
	ob_buf hk = OB_BUF_INIT;
	ob_error err = { 0 };
	size_t i;

	ob_init();
	snprintf(root, sizeof(root), "%s/vc-di-ecdsa/ecdsa-sd-2023", conformance_dir());
	l = contexts_loader();
	km = load_json(root, "SDKeyMaterial.json");
	if (km) {
		ks.base = key_of(json_object_get(km, "baseKeyPair"));
		ks.proof = key_of(json_object_get(km, "proofKeyPair"));
		if (ob_json_str(km, "hmacKeyString") &&
		    ob_hex_decode(&hk, ob_json_str(km, "hmacKeyString"), 64, &err) == OB_OK && hk.len == 32)
			memcpy(ks.hmac, hk.data, 32);
	}
	CHECK(ks.base && ks.proof && hk.len == 32);
	for (i = 0; ks.base && ks.proof && i < 2; i++) {
		int p0 = check_passed, f0 = check_failed;

		snprintf(dir, sizeof(dir), "%s/%s", root, sets[i].dir);
		base_set(dir, sets[i].input, &ks, l);
		passed[2 * i] = check_passed - p0;
		failed[2 * i] = check_failed - f0;
		p0 = check_passed;
		f0 = check_failed;
		derived_set(dir, sets[i].input, sets[i].selective, &ks, l);
		passed[2 * i + 1] = check_passed - p0;
		failed[2 * i + 1] = check_failed - f0;
	}
	for (i = 0; ks.base && ks.proof && i < 2; i++) {
		printf("ecdsa-sd-2023 %s base: %d passed, %d failed\n", sets[i].name, passed[2 * i], failed[2 * i]);
		printf("ecdsa-sd-2023 %s derived: %d passed, %d failed\n", sets[i].name, passed[2 * i + 1],
		       failed[2 * i + 1]);
	}
	ob_key_free(ks.base);
	ob_key_free(ks.proof);
	ob_buf_release(&hk);
	json_decref(km);
	ob_loader_free(l);
	return check_done("run_ecdsa_sd");
}
