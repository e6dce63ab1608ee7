/* ecdsa-sd-2023 (ecdsa.md 3): base proofs, derived proofs, their
 * verification, and the suite entry. See suite_ecdsa_sd.h. */
#include "proof/suite_ecdsa_sd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/codec.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/rand.h"
#include "proof/sd_canon.h"
#include "proof/sd_select.h"

#define CS "ecdsa-sd-2023"
#define VERIFY_DATA_LEN (32 + 35 + 32)

/* ---- canonicalizeAndGroup (VC-DI-ECDSA 3.4.x; di-sd-primitives group.js) ---- */

enum { G_MAX = 3 };

typedef struct {
	sd_lines nquads;         /* HMAC-labelled canonical N-Quads, sorted */
	sd_labels hmac_map;      /* input (skolem) label -> "u" + HMAC label */
	unsigned char *match[G_MAX];
	sd_quads *last;          /* the last group's deskolemized quads */
} groups;

static void groups_release(groups *g)
{
	int i;

	sd_lines_release(&g->nquads);
	sd_labels_release(&g->hmac_map);
	for (i = 0; i < G_MAX; i++)
		free(g->match[i]);
	sd_quads_free(g->last);
	memset(g, 0, sizeof(*g));
}

/* createHmacIdLabelMapFunction: "u" + base64url(HMAC-SHA-256(key, c14nN)). */
static ob_code hmac_label(const unsigned char key[32], const char *c14n, ob_buf *out, ob_error *err)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	ob_buf_truncate(out, 0);
	if (!HMAC(EVP_sha256(), key, 32, (const unsigned char *)c14n, strlen(c14n), mac, &len) ||
	    len != 32)
		return ob_fail_ssl(err, "HMAC-SHA-256");
	if (ob_buf_addc(out, 'u') < 0 || ob_base64url_encode(out, mac, len) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* Skolemizes doc, canonicalizes it with HMAC labels, and marks for each
 * group of pointers which N-Quads its selection holds. */
static ob_code canon_group(sd_ld *ld, const json_t *doc, const unsigned char key[32],
			   const char *const *const ptrs[], const size_t np[], int ng, groups *g,
			   ob_error *err)
{
	unsigned char rnd[16];
	char tag[33];
	json_t *skol = NULL, *sel = NULL;
	sd_quads *full = NULL, *q = NULL;
	sd_labels cmap = { 0 };
	sd_lines lines = { 0 };
	ob_buf hl = OB_BUF_INIT;
	ob_code rc;
	size_t i, j;
	int k;

	memset(g, 0, sizeof(*g));
	if ((rc = ob_random(rnd, sizeof(rnd), err)))
		return rc;
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(tag + 2 * i, 3, "%02x", rnd[i]);
	if (!(skol = ob_sd_skolemize(doc, tag))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (!(full = sd_quads_from_json(ld, skol, 1, err))) {
		rc = err->code;
		goto out;
	}
	if ((rc = sd_quads_canon_map(full, &cmap, err)))
		goto out;
	for (i = 0; i < cmap.n; i++) {
		if ((rc = hmac_label(key, cmap.v[i].to, &hl, err)))
			goto out;
		if (sd_labels_add(&g->hmac_map, cmap.v[i].from, hl.data) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((rc = sd_quads_lines(full, &g->hmac_map, &g->nquads, err)))
		goto out;
	for (k = 0; k < ng; k++) {
		if ((rc = ob_sd_select(skol, ptrs[k], np[k], &sel, err)))
			goto out;
		if (!(q = sd_quads_from_json(ld, sel, 1, err))) {
			rc = err->code;
			goto out;
		}
		json_decref(sel);
		sel = NULL;
		if ((rc = sd_quads_lines(q, &g->hmac_map, &lines, err)))
			goto out;
		if (!(g->match[k] = calloc(g->nquads.n + 1, 1))) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		for (j = 0; j < g->nquads.n; j++)
			g->match[k][j] = sd_lines_find(&lines, g->nquads.v[j]) >= 0;
		sd_lines_release(&lines);
		sd_quads_free(g->last);
		g->last = q;
		q = NULL;
	}
out:
	json_decref(skol);
	json_decref(sel);
	sd_quads_free(full);
	sd_quads_free(q);
	sd_labels_release(&cmap);
	sd_lines_release(&lines);
	ob_buf_release(&hl);
	if (rc)
		groups_release(g);
	return rc;
}

/* SHA-256 of the RDFC-1.0 proof configuration (@context = the document's). */
static ob_code proof_hash(const json_t *doc, const json_t *proof, ob_loader *loader,
			  unsigned char out[32], ob_error *err)
{
	json_t *config = ob_proof_config(doc, proof);
	ob_buf c = OB_BUF_INIT;
	ob_code rc;

	if (!config)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = ob_rdfc_canonize_json(config, loader, 0, 0, &c, err);
	if (!rc)
		ob_sha256(c.data ? c.data : "", c.len, out);
	json_decref(config);
	ob_buf_release(&c);
	return rc;
}

/* hashMandatory: SHA-256 of the joined lines whose flag is want. */
static ob_code hash_lines(char *const *lines, size_t n, const unsigned char *flags, int want,
			  unsigned char out[32], ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if (!flags[i] == !want && ob_buf_add(&b, lines[i], strlen(lines[i])) < 0) {
			ob_buf_release(&b);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
	ob_sha256(b.data ? b.data : "", b.len, out);
	ob_buf_release(&b);
	return OB_OK;
}

/* serializeSignData: proofHash || publicKey || mandatoryHash. */
static void verify_data(const unsigned char ph[32], const unsigned char pub[35],
			const unsigned char mh[32], unsigned char out[VERIFY_DATA_LEN])
{
	memcpy(out, ph, 32);
	memcpy(out + 32, pub, 35);
	memcpy(out + 67, mh, 32);
}

void ob_sd_base_steps_release(ob_sd_base_steps *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->n; i++)
		free(st->nquads[i]);
	free(st->nquads);
	free(st->mandatory);
	memset(st, 0, sizeof(*st));
}

ob_code ob_sd_base_steps_make(const json_t *doc, const json_t *proof, const unsigned char hmac_key[32],
			      const char *const *mandatory, size_t nmandatory, ob_loader *loader,
			      ob_sd_base_steps *st, ob_error *err)
{
	const char *const *ptrs[1] = { mandatory };
	size_t np[1] = { nmandatory };
	sd_ld *ld = NULL;
	groups g;
	ob_code rc;

	memset(st, 0, sizeof(*st));
	if ((rc = proof_hash(doc, proof, loader, st->proof_hash, err)))
		return rc;
	if (!(ld = sd_ld_new(loader)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = canon_group(ld, doc, hmac_key, ptrs, np, 1, &g, err);
	sd_ld_free(ld);
	if (rc)
		return rc;
	st->nquads = g.nquads.v;
	st->n = g.nquads.n;
	st->mandatory = g.match[0];
	g.nquads.v = NULL;
	g.nquads.n = 0;
	g.match[0] = NULL;
	groups_release(&g);
	return hash_lines(st->nquads, st->n, st->mandatory, 1, st->mandatory_hash, err);
}

/* The 35-byte multikey of a P-256 key (0x80 0x24 + compressed point). */
static ob_code pub_bytes(const ob_key *k, unsigned char out[35], ob_error *err)
{
	ob_buf mb = OB_BUF_INIT, raw = OB_BUF_INIT;
	ob_code rc;

	if (!(rc = ob_key_multikey(k, &mb, err)) && !(rc = ob_multibase_decode(&raw, mb.data, err))) {
		if (raw.len != 35)
			rc = ob_fail(err, OB_ECRYPTO, "proof key is not a P-256 multikey");
		else
			memcpy(out, raw.data, 35);
	}
	ob_buf_release(&mb);
	ob_buf_release(&raw);
	return rc;
}

ob_code ob_sd_create_base(const json_t *doc, json_t *proof, const ob_key *key,
			  const char *const *mandatory, size_t nmandatory,
			  const unsigned char *hmac_key, const ob_key *proof_key, ob_loader *loader,
			  ob_error *err)
{
	unsigned char hk[32], vd[VERIFY_DATA_LEN], sig[OB_SIG_MAX];
	ob_sd_base_steps st = { 0 };
	ob_sd_value v = { 0 };
	ob_key *own = NULL;
	ob_buf pv = OB_BUF_INIT;
	size_t i, j, siglen;
	ob_code rc;

	if (ob_key_get_type(key) != OB_KEY_P256)
		return ob_fail(err, OB_EUSAGE, CS " needs a P-256 key");
	if (nmandatory > OB_SD_MAX_VALUE_POINTERS)
		return ob_fail(err, OB_ELIMIT, "over budget: more than %u mandatory pointers",
			       OB_SD_MAX_VALUE_POINTERS);
	/* a fresh, random HMAC key per credential (3.2.2) */
	if (hmac_key)
		memcpy(hk, hmac_key, 32);
	else if ((rc = ob_random(hk, 32, err)))
		return rc;
	if ((rc = ob_sd_base_steps_make(doc, proof, hk, mandatory, nmandatory, loader, &st, err)))
		goto out;
	/* a proof-scoped P-256 key signs each non-mandatory N-Quad (3.2.5) */
	if (!proof_key && !(proof_key = own = ob_key_generate(OB_KEY_P256, err))) {
		rc = err->code;
		goto out;
	}
	if ((rc = pub_bytes(proof_key, v.pub, err)))
		goto out;
	for (i = j = 0; i < st.n; i++)
		j += !st.mandatory[i];
	if (j > OB_SD_MAX_SIGNATURES) {
		rc = ob_fail(err, OB_ELIMIT, "over budget: more than %u statements to sign", OB_SD_MAX_SIGNATURES);
		goto out;
	}
	if (j && !(v.sigs = malloc(j * sizeof(*v.sigs)))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < st.n; i++) {
		if (st.mandatory[i])
			continue;
		if ((rc = ob_key_sign(proof_key, (const unsigned char *)st.nquads[i], strlen(st.nquads[i]),
				      sig, &siglen, err)))
			goto out;
		memcpy(v.sigs[v.nsigs++], sig, 64);
	}
	/* the issuer signs proofHash || publicKey || mandatoryHash (3.2.6) */
	verify_data(st.proof_hash, v.pub, st.mandatory_hash, vd);
	if ((rc = ob_key_sign(key, vd, sizeof(vd), sig, &siglen, err)))
		goto out;
	memcpy(v.base_sig, sig, 64);
	memcpy(v.hmac_key, hk, 32);
	v.pointers = (char **)mandatory;
	v.npointers = nmandatory;
	rc = ob_sd_value_encode(&v, &pv, err);
	v.pointers = NULL;
	v.npointers = 0;
	if (!rc && json_object_set_new(proof, "proofValue", json_string(pv.data)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	OPENSSL_cleanse(hk, sizeof(hk));
	ob_buf_release_secret(&pv);
	ob_sd_value_release(&v);
	ob_sd_base_steps_release(&st);
	ob_key_free(own);
	return rc;
}

size_t ob_sd_default_mandatory(const json_t *doc, const char *out[16])
{
	static const char *const top[] = { "issuer", "validFrom", "validUntil", "issuanceDate",
					   "expirationDate", "name", "credentialStatus", "credentialSchema" };
	static const char *const sub[] = { "achievement", "identifier" };
	static const char *const ptop[] = { "/issuer", "/validFrom", "/validUntil", "/issuanceDate",
					    "/expirationDate", "/name", "/credentialStatus",
					    "/credentialSchema" };
	static const char *const psub[] = { "/credentialSubject/achievement",
					    "/credentialSubject/identifier" };
	const json_t *cs = json_object_get(doc, "credentialSubject");
	size_t i, n = 0;

	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (json_object_get(doc, top[i]))
			out[n++] = ptop[i];
	for (i = 0; json_is_object(cs) && i < sizeof(sub) / sizeof(sub[0]); i++)
		if (json_object_get(cs, sub[i]))
			out[n++] = psub[i];
	return n;
}

/* ---- verifying: the per-quad signatures and the issuer's ---- */

/* The proof-scoped key of v. */
static ob_key *proof_key_of(const ob_sd_value *v, ob_error *err)
{
	ob_buf mb = OB_BUF_INIT;
	ob_key *k = NULL;
	ob_error e = { 0 };

	if (ob_multibase_encode(&mb, 'z', v->pub, 35) < 0)
		ob_fail(err, OB_ENOMEM, "out of memory");
	else if (!(k = ob_key_from_multikey(mb.data, &e)))
		ob_fail(err, e.code == OB_ENOMEM ? OB_ENOMEM : OB_EINVALID,
			"proofValue public key: %s", e.msg);
	ob_buf_release(&mb);
	return k;
}

/* _multiverify: every non-mandatory line (flag 0) against v's signatures
 * in order, then the issuer's signature over proofHash || publicKey ||
 * mandatoryHash. */
static ob_code multiverify(const ob_sd_value *v, char *const *lines, size_t n,
			   const unsigned char *flags, const unsigned char ph[32], const ob_key *key,
			   ob_error *err)
{
	unsigned char mh[32], vd[VERIFY_DATA_LEN];
	ob_key *pk = NULL;
	ob_error e = { 0 };
	size_t i, j, nonm = 0;
	ob_code rc;

	for (i = 0; i < n; i++)
		nonm += !flags[i];
	if (nonm != v->nsigs)
		return ob_fail(err, OB_EINVALID, "signature count (%zu) does not match the "
			       "non-mandatory statement count (%zu)", v->nsigs, nonm);
	if (!(pk = proof_key_of(v, err)))
		return err->code;
	for (i = j = 0; i < n; i++) {
		if (flags[i])
			continue;
		rc = ob_key_verify(pk, (const unsigned char *)lines[i], strlen(lines[i]), v->sigs[j], 64, &e);
		if (rc) {
			ob_key_free(pk);
			return ob_fail(err, rc, rc == OB_EINVALID ? "the signature of statement %zu does "
				       "not verify" : "statement %zu: %s", j, e.msg);
		}
		j++;
	}
	ob_key_free(pk);
	if ((rc = hash_lines(lines, n, flags, 1, mh, err)))
		return rc;
	verify_data(ph, v->pub, mh, vd);
	rc = ob_key_verify(key, vd, sizeof(vd), v->base_sig, 64, &e);
	if (rc == OB_EINVALID)
		return ob_fail(err, OB_EINVALID, "the issuer's base signature does not verify");
	return rc ? ob_fail(err, rc, "%s", e.msg) : OB_OK;
}

ob_code ob_sd_verify_derived(const json_t *doc, const json_t *proof, const ob_key *key,
			     ob_loader *loader, ob_error *err)
{
	unsigned char ph[32], *flags = NULL;
	ob_sd_value v = { 0 };
	sd_labels cmap = { 0 }, relabel = { 0 };
	sd_lines lines = { 0 };
	ob_buf hl = OB_BUF_INIT;
	sd_quads *q = NULL;
	sd_ld *ld = NULL;
	ob_code rc;
	size_t i, k;

	if (ob_key_get_type(key) != OB_KEY_P256)
		return ob_fail(err, OB_EINVALID, CS " needs a P-256 key, the key is %s",
			       ob_key_type_name(ob_key_get_type(key)));
	if ((rc = ob_sd_value_decode(ob_json_str(proof, "proofValue"), &v, err)))
		return rc;
	if (!v.derived) {
		rc = ob_fail(err, OB_EINVALID, "not a derived proof");
		goto out;
	}
	if ((rc = proof_hash(doc, proof, loader, ph, err)))
		goto out;
	/* 3.4.3: the document's canonical labels, replaced through labelMap */
	if (!(ld = sd_ld_new(loader))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (!(q = sd_quads_from_json(ld, doc, 0, err))) {
		rc = err->code;
		goto out;
	}
	if ((rc = sd_quads_canon_map(q, &cmap, err)))
		goto out;
	for (i = 0; i < cmap.n; i++) {
		unsigned long n = strtoul(cmap.v[i].to + 4, NULL, 10);

		for (k = 0; k < v.nlabels && v.label_n[k] != n; k++)
			;
		if (k == v.nlabels) {
			rc = ob_fail(err, OB_EINVALID, "the label map has no label for %s", cmap.v[i].to);
			goto out;
		}
		ob_buf_truncate(&hl, 0);
		if (ob_buf_addc(&hl, 'u') < 0 || ob_base64url_encode(&hl, v.label_hmac[k], 32) < 0 ||
		    sd_labels_add(&relabel, cmap.v[i].from, hl.data) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((rc = sd_quads_lines(q, &relabel, &lines, err)))
		goto out;
	/* 3.4.4: mandatory by index, the rest non-mandatory */
	if (!(flags = calloc(lines.n + 1, 1))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < v.nmandatory; i++)
		if (v.mandatory[i] < lines.n)
			flags[v.mandatory[i]] = 1;
	rc = multiverify(&v, lines.v, lines.n, flags, ph, key, err);
out:
	free(flags);
	sd_lines_release(&lines);
	sd_labels_release(&cmap);
	sd_labels_release(&relabel);
	ob_buf_release(&hl);
	sd_quads_free(q);
	sd_ld_free(ld);
	ob_sd_value_release(&v);
	return rc;
}

ob_code ob_sd_confirm_base(const json_t *doc, const json_t *proof, const ob_key *key,
			   ob_loader *loader, ob_error *err)
{
	ob_sd_base_steps st = { 0 };
	ob_sd_value v = { 0 };
	ob_code rc;

	if (ob_key_get_type(key) != OB_KEY_P256)
		return ob_fail(err, OB_EINVALID, CS " needs a P-256 key, the key is %s",
			       ob_key_type_name(ob_key_get_type(key)));
	if ((rc = ob_sd_value_decode(ob_json_str(proof, "proofValue"), &v, err)))
		return rc;
	if (v.derived)
		rc = ob_fail(err, OB_EINVALID, "not a base proof");
	else if (!(rc = ob_sd_base_steps_make(doc, proof, v.hmac_key, (const char *const *)v.pointers,
					      v.npointers, loader, &st, err)))
		rc = multiverify(&v, st.nquads, st.n, st.mandatory, st.proof_hash, key, err);
	ob_sd_base_steps_release(&st);
	ob_sd_value_release(&v);
	return rc;
}

/* ---- deriving (3.3, the reference's disclose.js) ---- */

static int is_sd(const json_t *proof)
{
	const char *t = ob_json_str(proof, "type"), *cs = ob_json_str(proof, "cryptosuite");

	return t && cs && !strcmp(t, "DataIntegrityProof") && !strcmp(cs, CS);
}

/* The one ecdsa-sd-2023 base proof of doc (borrowed), or NULL with err. */
static const json_t *find_base(const json_t *doc, ob_error *err)
{
	const json_t *proofs = json_object_get(doc, "proof"), *found = NULL;
	size_t i, n = json_is_array(proofs) ? json_array_size(proofs) : proofs ? 1 : 0;

	for (i = 0; i < n; i++) {
		const json_t *p = json_is_array(proofs) ? json_array_get(proofs, i) : proofs;
		const char *pv = ob_json_str(p, "proofValue");

		if (!is_sd(p) || !pv || strncmp(pv, "u2V0A", 5))
			continue;
		if (found) {
			ob_fail(err, OB_EUSAGE, "the credential has several " CS " base proofs");
			return NULL;
		}
		found = p;
	}
	if (!found)
		ob_fail(err, OB_EUSAGE, "the credential has no " CS " base proof to disclose from");
	return found;
}

/* 3.3.4: verifier label c14nN -> the HMAC label's 32 bytes. */
static ob_code fill_label_map(const groups *g, ob_sd_value *d, ob_error *err)
{
	sd_labels cmap = { 0 };
	ob_buf raw = OB_BUF_INIT;
	ob_code rc;
	size_t i;

	if ((rc = sd_quads_canon_map(g->last, &cmap, err)))
		return rc;
	if (cmap.n > OB_SD_MAX_LABELS) {
		rc = ob_fail(err, OB_ELIMIT, "over budget: more than %u blank nodes", OB_SD_MAX_LABELS);
		goto out;
	}
	if (cmap.n && (!(d->label_n = malloc(cmap.n * sizeof(*d->label_n))) ||
		       !(d->label_hmac = malloc(cmap.n * sizeof(*d->label_hmac))))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < cmap.n; i++) {
		const char *h = sd_labels_get(&g->hmac_map, cmap.v[i].from);

		ob_buf_truncate(&raw, 0);
		if (!h || (rc = ob_base64url_decode(&raw, h + 1, strlen(h + 1), err)) || raw.len != 32) {
			rc = ob_fail(err, OB_EINVALID, "no HMAC label for blank node _:%s", cmap.v[i].from);
			goto out;
		}
		d->label_n[i] = (uint32_t)strtoul(cmap.v[i].to + 4, NULL, 10);
		memcpy(d->label_hmac[i], raw.data, 32);
		d->nlabels = i + 1;
	}
out:
	sd_labels_release(&cmap);
	ob_buf_release(&raw);
	return rc;
}

/* 3.3.2-3.3.3: the mandatory indexes relative to the disclosed
 * statements, and the signatures of the disclosed non-mandatory ones. */
static ob_code pick(const groups *g, const ob_sd_value *base, ob_sd_value *d, ob_error *err)
{
	const unsigned char *man = g->match[0], *selm = g->match[1], *comb = g->match[2];
	size_t i, rel = 0, nonm = 0, n = g->nquads.n;

	for (i = 0; i < n; i++)
		nonm += !man[i];
	if (nonm != base->nsigs)
		return ob_fail(err, OB_EINVALID, "the base proof does not match the credential "
			       "(%zu signatures for %zu statements)", base->nsigs, nonm);
	if (!(d->mandatory = malloc((n + 1) * sizeof(*d->mandatory))) ||
	    !(d->sigs = malloc((base->nsigs + 1) * sizeof(*d->sigs))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (!comb[i])
			continue;
		if (man[i])
			d->mandatory[d->nmandatory++] = (uint32_t)rel;
		rel++;
	}
	for (i = 0, nonm = 0; i < n; i++) {
		if (man[i])
			continue;
		if (selm[i])
			memcpy(d->sigs[d->nsigs++], base->sigs[nonm], 64);
		nonm++;
	}
	return OB_OK;
}

json_t *ob_sd_derive(const json_t *doc, const char *const *selective, size_t nselective,
		     ob_loader *loader, ob_error *err)
{
	const json_t *bp;
	json_t *unsecured = NULL, *reveal = NULL, *proof = NULL;
	const char **comb = NULL;
	const char *const *ptrs[G_MAX];
	size_t np[G_MAX], i;
	ob_sd_value base = { 0 }, d = { 0 };
	ob_buf pv = OB_BUF_INIT;
	sd_ld *ld = NULL;
	groups g = { 0 };
	ob_code rc;

	if (!json_is_object(doc)) {
		ob_fail(err, OB_EUSAGE, "the credential is not a JSON object");
		return NULL;
	}
	if (!(bp = find_base(doc, err)))
		return NULL;
	if ((rc = ob_sd_value_decode(ob_json_str(bp, "proofValue"), &base, err)))
		goto out;
	if (nselective > OB_SD_MAX_POINTERS) {
		rc = ob_fail(err, OB_ELIMIT, "over budget: more than %d JSON pointers", OB_SD_MAX_POINTERS);
		goto out;
	}
	for (i = 0; i < nselective; i++)
		if ((rc = ob_sd_pointer_check(selective[i], err)))
			goto out;
	if (base.npointers + nselective == 0) {
		rc = ob_fail(err, OB_EUSAGE, "nothing selected for disclosure");
		goto out;
	}
	if (!(comb = malloc((base.npointers + nselective) * sizeof(*comb))) ||
	    !(unsecured = json_copy((json_t *)doc)) || !(ld = sd_ld_new(loader))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	json_object_del(unsecured, "proof");
	for (i = 0; i < base.npointers; i++)
		comb[i] = base.pointers[i];
	for (i = 0; i < nselective; i++)
		comb[base.npointers + i] = selective[i];
	ptrs[0] = (const char *const *)base.pointers;
	np[0] = base.npointers;
	ptrs[1] = selective;
	np[1] = nselective;
	ptrs[2] = comb;
	np[2] = base.npointers + nselective;
	if ((rc = canon_group(ld, unsecured, base.hmac_key, ptrs, np, G_MAX, &g, err)))
		goto out;
	d.derived = 1;
	memcpy(d.base_sig, base.base_sig, 64);
	memcpy(d.pub, base.pub, 35);
	if ((rc = pick(&g, &base, &d, err)) || (rc = fill_label_map(&g, &d, err)))
		goto out;
	if ((rc = ob_sd_select(unsecured, comb, np[2], &reveal, err)))
		goto out;
	if ((rc = ob_sd_value_encode(&d, &pv, err)))
		goto out;
	/* the new proof: the base proof's options with the derived value,
	 * attached without @context (disclose.js _derive) */
	if ((proof = json_deep_copy(bp)))
		json_object_del(proof, "@context");
	if (!proof || json_object_set_new(proof, "proofValue", json_string(pv.data)) ||
	    json_object_set_new(reveal, "proof", proof)) {
		proof = NULL;
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
out:
	if (rc) {
		json_decref(reveal);
		reveal = NULL;
	}
	free(comb);
	json_decref(unsecured);
	groups_release(&g);
	sd_ld_free(ld);
	ob_buf_release(&pv);
	ob_sd_value_release(&base);
	ob_sd_value_release(&d);
	return reveal;
}

/* ---- the suite ---- */

static ob_code sd_create(const json_t *doc, json_t *proof, const ob_key *key, ob_loader *loader,
			 ob_error *err)
{
	const char *mandatory[16];
	size_t n = ob_sd_default_mandatory(doc, mandatory);

	return ob_sd_create_base(doc, proof, key, mandatory, n, NULL, NULL, loader, err);
}

/* A verifier accepts derived proofs only (ecdsa.md 3, "verifyProof ... =
 * Verify Derived Proof"). Shown a base proof, the reference
 * (@digitalbazaar/ecdsa-sd-2023-cryptosuite 3.4.1, createVerifyCryptosuite)
 * fails to parse it as a derived proof and reports verified: false; so
 * do we: INVALID (OB_EINVALID). We still check the base proof as its
 * holder would (the reference's confirm cryptosuite) and say whether the
 * issuer's signatures hold, so the message tells a holder what to do. */
static ob_code sd_verify(const json_t *doc, const json_t *proof, const ob_key *key, ob_loader *loader,
			 ob_error *err)
{
	const char *pv = ob_json_str(proof, "proofValue");
	ob_error e = { 0 };
	ob_code rc;

	if (!pv || strncmp(pv, "u2V0A", 5))
		return ob_sd_verify_derived(doc, proof, key, loader, err);
	rc = ob_sd_confirm_base(doc, proof, key, loader, &e);
	if (rc == OB_OK)
		return ob_fail(err, OB_EINVALID, "a base proof is for the holder, not for verifiers "
			       "(its signatures hold; disclose with 'ob-wallet present --reveal')");
	if (rc == OB_EINVALID)
		return ob_fail(err, OB_EINVALID, "a base proof is for the holder, not for verifiers, "
			       "and this one does not verify: %s", e.msg);
	return ob_fail(err, rc, "%s", e.msg);
}

/* The holder's check: a base proof is confirmed (its issuer signature and
 * every per-statement signature hold), a derived one verified. */
static ob_code sd_confirm(const json_t *doc, const json_t *proof, const ob_key *key, ob_loader *loader,
			  ob_error *err)
{
	const char *pv = ob_json_str(proof, "proofValue");

	if (!pv || strncmp(pv, "u2V0A", 5))
		return ob_sd_verify_derived(doc, proof, key, loader, err);
	return ob_sd_confirm_base(doc, proof, key, loader, err);
}

const ob_suite ob_suite_ecdsa_sd = {
	.name = CS,
	.proof_type = "DataIntegrityProof",
	.cryptosuite = CS,
	.matches = is_sd,
	.create = sd_create,
	.verify = sd_verify,
	.confirm = sd_confirm,
	.implemented = 1,
	.signs_rdf = 1,
};
