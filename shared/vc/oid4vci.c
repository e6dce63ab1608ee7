/* oid4vci: offer links, well-known addresses and the `jwt` key proof of
 * OpenID4VCI 1.0 (oid4vci.h). */
#include "vc/oid4vci.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/codec.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/text.h"
#include "canon/jcs.h"
#include "proof/did.h"

int ob_oid4vci_urlencode(ob_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			if (ob_buf_addc(out, (char)c) < 0)
				return -1;
		} else if (ob_buf_addc(out, '%') < 0 || ob_buf_addc(out, hex[c >> 4]) < 0 ||
			   ob_buf_addc(out, hex[c & 15]) < 0)
			return -1;
	}
	return 0;
}

ob_code ob_oid4vci_offer_link(const char *uri, ob_buf *out, ob_error *err)
{
	if (ob_buf_adds(out, OB_OID4VCI_SCHEME "?credential_offer_uri=") < 0 || ob_oid4vci_urlencode(out, uri) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* Appends the percent-decoded s[0..len) ('+' is a space, as in forms). */
static ob_code urldecode(const char *s, size_t len, ob_buf *out, ob_error *err)
{
	switch (ob_url_decode(s, len, (size_t)-1, out)) {
	case 0:
		return OB_OK;
	case OB_URL_BAD_ESCAPE:
		return ob_fail(err, OB_EINVALID, "the offer link has a bad %%-escape");
	case OB_URL_NUL:
		return ob_fail(err, OB_EINVALID, "the offer link holds a NUL byte");
	default:
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
}

ob_code ob_oid4vci_offer_parse_link(const char *link, int *by_value, ob_buf *out, ob_error *err)
{
	const char *q = strchr(link, '?'), *p, *end;
	const char *val = NULL, *uri = NULL;
	size_t vlen = 0, ulen = 0;

	if (strlen(link) > OB_OID4VCI_MAX_LINK)
		return ob_fail(err, OB_ELIMIT, "the offer link is longer than %d bytes", OB_OID4VCI_MAX_LINK);
	if (!q)
		return ob_fail(err, OB_EINVALID, "not an offer link (no credential_offer parameter)");
	for (p = q + 1; *p; p = *end ? end + 1 : end) {
		const char *eq;

		end = p + strcspn(p, "&#");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq && eq - p == 16 && !strncmp(p, "credential_offer", 16)) {
			if (val)
				return ob_fail(err, OB_EINVALID, "the offer link has credential_offer twice");
			val = eq + 1;
			vlen = (size_t)(end - val);
		} else if (eq && eq - p == 20 && !strncmp(p, "credential_offer_uri", 20)) {
			if (uri)
				return ob_fail(err, OB_EINVALID, "the offer link has credential_offer_uri twice");
			uri = eq + 1;
			ulen = (size_t)(end - uri);
		}
		if (*end == '#')
			break;
	}
	if (val && uri)
		return ob_fail(err, OB_EINVALID, "the offer link has both credential_offer and credential_offer_uri");
	if (!val && !uri)
		return ob_fail(err, OB_EINVALID, "not an offer link (no credential_offer parameter)");
	*by_value = val != NULL;
	return val ? urldecode(val, vlen, out, err) : urldecode(uri, ulen, out, err);
}

ob_code ob_oid4vci_offer_check(const json_t *offer, const char **issuer, const char **code, int *tx_code,
			       ob_error *err)
{
	const json_t *ids = json_object_get(offer, "credential_configuration_ids"), *g, *tx;
	size_t i;

	*issuer = *code = NULL;
	*tx_code = 0;
	if (!json_is_object(offer))
		return ob_fail(err, OB_EINVALID, "the offer is not a JSON object");
	*issuer = ob_json_str(offer, "credential_issuer");
	if (!*issuer || strncmp(*issuer, "https://", 8))
		return ob_fail(err, OB_EINVALID, "the offer's credential_issuer is not an https URL");
	if (!json_is_array(ids) || !json_array_size(ids))
		return ob_fail(err, OB_EINVALID, "the offer has no credential_configuration_ids");
	for (i = 0; i < json_array_size(ids); i++)
		if (!json_is_string(json_array_get(ids, i)))
			return ob_fail(err, OB_EINVALID, "the offer's credential_configuration_ids are not strings");
	g = json_object_get(json_object_get(offer, "grants"), OB_OID4VCI_PREAUTH);
	if (!json_is_object(g))
		return ob_fail(err, OB_EUNSUPPORTED, "the offer has no pre-authorized code grant "
			       "(only the pre-authorized code flow is supported)");
	*code = ob_json_str(g, "pre-authorized_code");
	if (!*code || !**code)
		return ob_fail(err, OB_EINVALID, "the offer's pre-authorized_code is missing");
	tx = json_object_get(g, "tx_code");
	if (tx && !json_is_object(tx))
		return ob_fail(err, OB_EINVALID, "the offer's tx_code is not an object");
	*tx_code = tx != NULL;
	return OB_OK;
}

ob_code ob_oid4vci_wellknown(const char *issuer, const char *name, ob_buf *out, ob_error *err)
{
	const char *host, *path;

	if (strncmp(issuer, "https://", 8))
		return ob_fail(err, OB_EINVALID, "the credential issuer '%s' is not an https URL", issuer);
	host = issuer + 8;
	path = host + strcspn(host, "/?#");
	if (path == host || (*path && *path != '/'))
		return ob_fail(err, OB_EINVALID, "the credential issuer '%s' is not a plain https URL", issuer);
	if (ob_buf_add(out, issuer, (size_t)(path - issuer)) < 0 || ob_buf_addf(out, "/.well-known/%s", name) < 0 ||
	    (strcmp(path, "/") && ob_buf_adds(out, path) < 0))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

static int add_b64_json(ob_buf *out, const json_t *v)
{
	ob_buf t = OB_BUF_INIT;
	int rc = ob_json_write(&t, v, 0) < 0 || ob_base64url_encode(out, (const unsigned char *)t.data, t.len) < 0;

	ob_buf_release(&t);
	return rc ? -1 : 0;
}

ob_code ob_oid4vci_proof_sign(const ob_key *key, const char *kid, const char *aud, const char *nonce,
			      time_t iat, ob_buf *out, ob_error *err)
{
	const char *alg = ob_key_jose_alg(key);
	json_t *h = NULL, *p = NULL;
	ob_buf tok = OB_BUF_INIT;
	unsigned char sig[OB_SIG_MAX];
	size_t siglen = 0;
	ob_code rc;

	if (!alg || !strcmp(alg, "RS256"))
		return ob_fail(err, OB_EUSAGE, "the holder key cannot sign a key proof (EdDSA or ES256 only)");
	h = json_pack("{s:s,s:s,s:s}", "alg", alg, "typ", OB_OID4VCI_PROOF_TYP, "kid", kid);
	p = json_pack("{s:s,s:I}", "aud", aud, "iat", (json_int_t)iat);
	if (!h || !p || (nonce && json_object_set_new(p, "nonce", json_string(nonce))) ||
	    add_b64_json(&tok, h) < 0 || ob_buf_addc(&tok, '.') < 0 || add_b64_json(&tok, p) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = ob_key_sign(key, (const unsigned char *)tok.data, tok.len, sig, &siglen, err)))
		goto out;
	if (ob_buf_addc(&tok, '.') < 0 || ob_base64url_encode(&tok, sig, siglen) < 0 ||
	    ob_buf_add(out, tok.data, tok.len) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	OPENSSL_cleanse(sig, sizeof(sig));
	json_decref(h);
	json_decref(p);
	ob_buf_release(&tok);
	return rc;
}

void ob_oid4vci_proof_release(ob_oid4vci_proof *p)
{
	if (!p)
		return;
	free(p->holder);
	free(p->nonce);
	memset(p, 0, sizeof(*p));
}

/* Decodes one base64url part into a strict JSON object. */
static json_t *part_json(const char *s, size_t len, const char *what, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	json_t *j = NULL;
	ob_error e = { 0 };

	if (ob_base64url_decode(&b, s, len, &e) || !(j = ob_json_parse(b.data ? b.data : "", b.len, &e)) ||
	    !json_is_object(j)) {
		json_decref(j);
		j = NULL;
		ob_fail(err, OB_EINVALID, "the key proof's %s is not base64url JSON%s%s", what,
			e.msg[0] ? ": " : "", e.msg);
	}
	ob_buf_release(&b);
	return j;
}

static int aud_ok(const json_t *a, const char *aud)
{
	size_t i;

	if (json_is_string(a))
		return !strcmp(json_string_value(a), aud);
	if (!json_is_array(a))
		return 0;
	for (i = 0; i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)) && !strcmp(json_string_value(json_array_get(a, i)), aud))
			return 1;
	return 0;
}

/* The header rules (VCI "jwt Proof Type"): *kid borrowed. */
static ob_code check_header(const json_t *h, const char **kid, ob_error *err)
{
	const char *alg = ob_json_str(h, "alg"), *typ = ob_json_str(h, "typ");

	*kid = ob_json_str(h, "kid");
	if (!typ || strcmp(typ, OB_OID4VCI_PROOF_TYP))
		return ob_fail(err, OB_EINVALID, "the key proof's typ is not " OB_OID4VCI_PROOF_TYP);
	if (!alg || (strcmp(alg, "EdDSA") && strcmp(alg, "ES256")))
		return ob_fail(err, OB_EINVALID, "the key proof's alg must be EdDSA or ES256");
	if (json_object_get(h, "crit"))
		return ob_fail(err, OB_EINVALID, "the key proof has a crit header");
	if (json_object_get(h, "jwk") || json_object_get(h, "x5c"))
		return ob_fail(err, OB_EINVALID, "the key proof must name its key by kid (did:key), not jwk or x5c");
	if (!*kid || strncmp(*kid, "did:key:", 8) || !strchr(*kid, '#'))
		return ob_fail(err, OB_EINVALID, "the key proof's kid is not a did:key DID URL");
	return OB_OK;
}

ob_code ob_oid4vci_proof_check(const char *text, size_t len, const char *aud, time_t now,
			       ob_oid4vci_proof *out, ob_error *err)
{
	const char *d1, *d2, *kid, *nonce;
	json_t *h = NULL, *p = NULL;
	ob_buf sig = OB_BUF_INIT;
	const json_t *iat;
	ob_vm vm = { 0 };
	ob_error e = { 0 };
	ob_code rc = OB_EINVALID;
	double t;

	memset(out, 0, sizeof(*out));
	if (len > OB_OID4VCI_MAX_PROOF)
		return ob_fail(err, OB_ELIMIT, "the key proof is longer than %d bytes", OB_OID4VCI_MAX_PROOF);
	if (memchr(text, '\0', len) || !(d1 = memchr(text, '.', len)) ||
	    !(d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - text))) ||
	    memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - text)))
		return ob_fail(err, OB_EINVALID, "the key proof is not a compact JWS");
	if (!(h = part_json(text, (size_t)(d1 - text), "header", err)) ||
	    !(p = part_json(d1 + 1, (size_t)(d2 - d1 - 1), "payload", err)))
		goto out;
	if (check_header(h, &kid, err))
		goto out;
	if (!aud_ok(json_object_get(p, "aud"), aud)) {
		ob_fail(err, OB_EINVALID, "the key proof's aud is not this issuer (%s)", aud);
		goto out;
	}
	iat = json_object_get(p, "iat");
	if (!json_is_number(iat)) {
		ob_fail(err, OB_EINVALID, "the key proof has no iat");
		goto out;
	}
	t = json_number_value(iat);
	if (t < (double)now - OB_OID4VCI_IAT_WINDOW || t > (double)now + OB_OID4VCI_IAT_WINDOW) {
		ob_fail(err, OB_EINVALID, "the key proof's iat is not within %d seconds of now", OB_OID4VCI_IAT_WINDOW);
		goto out;
	}
	nonce = json_object_get(p, "nonce") ? ob_json_str(p, "nonce") : NULL;
	if (json_object_get(p, "nonce") && !nonce) {
		ob_fail(err, OB_EINVALID, "the key proof's nonce is not a string");
		goto out;
	}
	if (ob_did_resolve(kid, NULL, NULL, &vm, &e)) {
		ob_fail(err, OB_EINVALID, "the key proof's kid: %s", e.msg);
		goto out;
	}
	if (ob_base64url_decode(&sig, d2 + 1, len - (size_t)(d2 + 1 - text), &e) || !sig.len) {
		ob_fail(err, OB_EINVALID, "the key proof's signature is not base64url");
		goto out;
	}
	if (strcmp(ob_json_str(h, "alg"), ob_key_jose_alg(vm.key) ? ob_key_jose_alg(vm.key) : "")) {
		ob_fail(err, OB_EINVALID, "the key proof's alg does not match the key of its kid");
		goto out;
	}
	if (ob_key_verify(vm.key, (const unsigned char *)text, (size_t)(d2 - text), (const unsigned char *)sig.data,
			  sig.len, &e)) {
		ob_fail(err, OB_EINVALID, "the key proof's signature does not verify with the key of %s", kid);
		goto out;
	}
	out->holder = strdup(vm.controller);
	out->nonce = nonce ? strdup(nonce) : NULL;
	if (!out->holder || (nonce && !out->nonce)) {
		ob_oid4vci_proof_release(out);
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	ob_sha256(text, len, out->digest);
	rc = OB_OK;
out:
	json_decref(h);
	json_decref(p);
	ob_buf_release(&sig);
	ob_vm_release(&vm);
	return rc;
}
