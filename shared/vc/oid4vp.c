/* oid4vp: wallet links, request objects, DCQL and direct_post forms of
 * OpenID4VP 1.0 (oid4vp.h). */
#include "vc/oid4vp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/codec.h"
#include "base/json.h"
#include "base/text.h"
#include "canon/jcs.h"
#include "proof/did.h"
#include "vc/oid4vci.h"

#define VC_IRI "https://www.w3.org/2018/credentials#VerifiableCredential"
#define OB_IRI "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"

static json_t *query(const char *id, const char *format, const char *achievement, const char *issuer)
{
	json_t *q = json_pack("{s:s, s:s, s:{s:[[s,s]]}}", "id", id, "format", format, "meta", "type_values",
			      VC_IRI, OB_IRI);
	json_t *claims = json_array();

	if (!q || !claims)
		goto fail;
	/* DCQL 6.3: a claims path starts at the credential's root */
	if (achievement &&
	    json_array_append_new(claims, json_pack("{s:[s,s,s], s:[s]}", "path", "credentialSubject",
						    "achievement", "id", "values", achievement)))
		goto fail;
	if (issuer && json_array_append_new(claims, json_pack("{s:[s,s], s:[s]}", "path", "issuer", "id",
							      "values", issuer)))
		goto fail;
	if (json_array_size(claims) && json_object_set(q, "claims", claims))
		goto fail;
	json_decref(claims);
	return q;
fail:
	json_decref(claims);
	json_decref(q);
	return NULL;
}

json_t *ob_oid4vp_dcql(const char *achievement, const char *issuer)
{
	json_t *d = json_pack("{s:[o,o], s:[{s:[[s],[s]]}]}", "credentials",
			      query(OB_OID4VP_LDP_ID, "ldp_vc", achievement, issuer),
			      query(OB_OID4VP_JWT_ID, "jwt_vc_json", achievement, issuer), "credential_sets",
			      "options", OB_OID4VP_LDP_ID, OB_OID4VP_JWT_ID);
	return d;
}

/* The single value a claims entry requires at path p (two or three
 * names), or NULL. */
static const char *claim_value(const json_t *claims, const char *a, const char *b, const char *c)
{
	size_t i;
	const json_t *cl;

	json_array_foreach(claims, i, cl) {
		const json_t *path = json_object_get(cl, "path"), *vals = json_object_get(cl, "values");
		size_t n = c ? 3 : 2;

		if (json_array_size(path) != n || json_array_size(vals) != 1 ||
		    !json_is_string(json_array_get(vals, 0)))
			continue;
		if (strcmp(json_string_value(json_array_get(path, 0)) ? json_string_value(json_array_get(path, 0)) : "", a) ||
		    strcmp(json_string_value(json_array_get(path, 1)) ? json_string_value(json_array_get(path, 1)) : "", b) ||
		    (c && strcmp(json_string_value(json_array_get(path, 2)) ? json_string_value(json_array_get(path, 2)) : "", c)))
			continue;
		return json_string_value(json_array_get(vals, 0));
	}
	return NULL;
}

int ob_oid4vp_dcql_wants(const json_t *dcql, const char **achievement, const char **issuer)
{
	const json_t *creds = json_object_get(dcql, "credentials"), *q;
	size_t i;

	*achievement = *issuer = NULL;
	json_array_foreach(creds, i, q) {
		const char *f = ob_json_str(q, "format");
		const json_t *tv = json_object_get(json_object_get(q, "meta"), "type_values"), *alt;
		size_t k;
		int ob = 0;

		if (!f || (strcmp(f, "ldp_vc") && strcmp(f, "jwt_vc_json")))
			continue;
		json_array_foreach(tv, k, alt)
			if (ob_json_has_value(alt, OB_IRI))
				ob = 1;
		if (!ob)
			continue;
		*achievement = claim_value(json_object_get(q, "claims"), "credentialSubject", "achievement", "id");
		*issuer = claim_value(json_object_get(q, "claims"), "issuer", "id", NULL);
		return 0;
	}
	return -1;
}

const char *ob_oid4vp_dcql_id(const json_t *dcql, const char *format)
{
	const json_t *q;
	size_t i;

	json_array_foreach(json_object_get(dcql, "credentials"), i, q) {
		const char *f = ob_json_str(q, "format"), *id = ob_json_str(q, "id");
		const json_t *tv = json_object_get(json_object_get(q, "meta"), "type_values"), *alt;
		size_t k;

		if (!f || !id || strcmp(f, format) || !*id || strlen(id) > OB_OID4VP_MAX_ID)
			continue;
		json_array_foreach(tv, k, alt)
			if (ob_json_has_value(alt, OB_IRI))
				return id;
	}
	return NULL;
}

static int has_type(const json_t *t, const char *name)
{
	size_t i;
	const json_t *v;

	if (json_is_string(t))
		return !strcmp(json_string_value(t), name);
	json_array_foreach(t, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), name))
			return 1;
	return 0;
}

int ob_oid4vp_match(const json_t *vc, const char *achievement, const char *issuer, char *why, size_t n)
{
	const json_t *t = json_object_get(vc, "type"), *iss = json_object_get(vc, "issuer");
	const json_t *subj = json_object_get(vc, "credentialSubject");
	const char *iss_id = json_is_string(iss) ? json_string_value(iss) : ob_json_str(iss, "id");
	const char *ach_id = ob_json_str(json_object_get(subj, "achievement"), "id");

	/* OpenBadgeCredential and AchievementCredential expand to the same
	 * IRI in the OB 3.0 context (exchange.md 2.3) */
	if (!has_type(t, "OpenBadgeCredential") && !has_type(t, "AchievementCredential") && !has_type(t, OB_IRI)) {
		if (why)
			snprintf(why, n, "it is not an Open Badge credential");
		return 0;
	}
	if (achievement && (!ach_id || strcmp(ach_id, achievement))) {
		if (why)
			snprintf(why, n, "its achievement is %s, not %s", ach_id ? ach_id : "(none)", achievement);
		return 0;
	}
	if (issuer && (!iss_id || strcmp(iss_id, issuer))) {
		if (why)
			snprintf(why, n, "its issuer is %s, not %s", iss_id ? iss_id : "(none)", issuer);
		return 0;
	}
	return 1;
}

/* The decoded JSON of a JWT's part i (0 header, 1 payload), or NULL. */
static json_t *jwt_part(const char *text, size_t len, int i)
{
	const char *p = text, *end = text + len, *dot;
	ob_buf raw = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *j = NULL;

	for (; i > 0; i--) {
		if (!(dot = memchr(p, '.', (size_t)(end - p))))
			return NULL;
		p = dot + 1;
	}
	if (!(dot = memchr(p, '.', (size_t)(end - p))))
		return NULL;
	if (!ob_base64url_decode(&raw, p, (size_t)(dot - p), &err))
		j = ob_json_parse(raw.data ? raw.data : "", raw.len, &err);
	ob_buf_release(&raw);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

json_t *ob_oid4vp_vc_view(const char *text, size_t len)
{
	ob_error err = { 0 };
	json_t *p, *vc;

	while (len && (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t'))
		text++, len--;
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len && *text == '{')
		return ob_json_parse(text, len, &err);
	if (!(p = jwt_part(text, len, 1)))
		return NULL;
	/* VC-JWT 1.1 keeps the credential in vc; VC-JOSE-COSE is the payload */
	vc = json_object_get(p, "vc");
	if (json_is_object(vc)) {
		json_incref(vc);
		json_decref(p);
		return vc;
	}
	return p;
}

ob_code ob_oid4vp_link(const char *client_id, const char *request_uri, ob_buf *out, ob_error *err)
{
	if (ob_buf_adds(out, OB_OID4VP_SCHEME "?client_id=") < 0 || ob_oid4vci_urlencode(out, client_id) < 0 ||
	    ob_buf_adds(out, "&request_uri=") < 0 || ob_oid4vci_urlencode(out, request_uri) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* Appends the percent-decoded s[0..len) ('+' is a space). */
static ob_code urldecode(const char *s, size_t len, ob_buf *out, ob_error *err)
{
	switch (ob_url_decode(s, len, (size_t)-1, out)) {
	case 0:
		return OB_OK;
	case OB_URL_BAD_ESCAPE:
		return ob_fail(err, OB_EINVALID, "a bad %%-escape");
	case OB_URL_NUL:
		return ob_fail(err, OB_EINVALID, "a NUL byte in a parameter");
	default:
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
}

int ob_oid4vp_form_get(const char *body, size_t len, const char *name, ob_buf *out, ob_error *err)
{
	const char *p = body, *end = body + len;
	size_t nl = strlen(name);
	int found = 0;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));

		if (eq && (size_t)(eq - p) == nl && !memcmp(p, name, nl)) {
			if (found) {
				ob_fail(err, OB_EINVALID, "the parameter '%s' is given twice", name);
				return -1;
			}
			found = 1;
			if (urldecode(eq + 1, (size_t)(stop - eq - 1), out, err)) {
				ob_error e = *err;

				ob_error_clear(err);
				ob_fail(err, e.code, "%s: %s", name, e.msg);
				return -1;
			}
		}
		p = stop + 1;
	}
	return found;
}

int ob_oid4vp_form_add(ob_buf *out, const char *name, const char *value)
{
	if (out->len && ob_buf_addc(out, '&') < 0)
		return -1;
	if (ob_oid4vci_urlencode(out, name) < 0 || ob_buf_addc(out, '=') < 0 ||
	    ob_oid4vci_urlencode(out, value) < 0)
		return -1;
	return 0;
}

ob_code ob_oid4vp_parse_link(const char *link, char **client_id, char **request_uri, ob_error *err)
{
	const char *q = strchr(link, '?');
	ob_buf cid = OB_BUF_INIT, uri = OB_BUF_INIT, other = OB_BUF_INIT;
	size_t len;
	int a, b;

	*client_id = *request_uri = NULL;
	if (strlen(link) > OB_OID4VP_MAX_LINK)
		return ob_fail(err, OB_ELIMIT, "the request link is longer than %d bytes", OB_OID4VP_MAX_LINK);
	if (!q)
		return ob_fail(err, OB_EINVALID, "not an OpenID4VP request link (no client_id and request_uri)");
	q++;
	len = strcspn(q, "#");
	if ((a = ob_oid4vp_form_get(q, len, "client_id", &cid, err)) < 0 ||
	    (b = ob_oid4vp_form_get(q, len, "request_uri", &uri, err)) < 0)
		goto out;
	if (ob_oid4vp_form_get(q, len, "request", &other, err) != 0) {
		ob_error_clear(err);
		ob_fail(err, OB_EINVALID, "the request object is passed by value (request=); this wallet takes "
			"a request_uri, or plain parameters");
		goto out;
	}
	/* plain parameters (VP 5: an unsigned request by value): no request_uri */
	if (a && cid.len && !b && ob_oid4vp_form_get(q, len, "dcql_query", &other, err) == 1) {
		if ((*client_id = ob_buf_detach(&cid, NULL)) == NULL)
			ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	ob_error_clear(err);
	if (!a || !b || !cid.len || !uri.len) {
		ob_fail(err, OB_EINVALID, "the request link lacks %s", !a || !cid.len ? "client_id" : "request_uri (or dcql_query)");
		goto out;
	}
	*client_id = ob_buf_detach(&cid, NULL);
	*request_uri = ob_buf_detach(&uri, NULL);
	if (!*client_id || !*request_uri) {
		free(*client_id);
		free(*request_uri);
		*client_id = *request_uri = NULL;
		ob_fail(err, OB_ENOMEM, "out of memory");
	}
out:
	ob_buf_release(&cid);
	ob_buf_release(&uri);
	ob_buf_release(&other);
	return err->code;
}

ob_code ob_oid4vp_request_jwt(const json_t *req, ob_buf *out, ob_error *err)
{
	static const char hdr[] = "{\"alg\":\"none\",\"typ\":\"" OB_OID4VP_REQ_TYP "\"}";
	char *js = ob_json_dumps(req, 0);

	if (!js || ob_base64url_encode(out, (const unsigned char *)hdr, strlen(hdr)) < 0 ||
	    ob_buf_addc(out, '.') < 0 || ob_base64url_encode(out, (const unsigned char *)js, strlen(js)) < 0 ||
	    ob_buf_addc(out, '.') < 0) {
		free(js);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	free(js);
	return OB_OK;
}

ob_code ob_oid4vp_request_sign(const json_t *req, const ob_key *key, const char *kid, ob_buf *out, ob_error *err)
{
	const char *alg = key ? ob_key_jose_alg(key) : NULL;
	json_t *h = NULL;
	char *hs = NULL, *ps = NULL;
	unsigned char sig[OB_SIG_MAX];
	size_t siglen = 0, start = out->len;

	if (!alg || (strcmp(alg, "EdDSA") && strcmp(alg, "ES256") && strcmp(alg, "ES384")) ||
	    !ob_key_has_private(key))
		return ob_fail(err, OB_EUSAGE, "a request is signed with a private Ed25519, P-256 or P-384 key");
	if (!kid || strncmp(kid, "did:", 4) || !strchr(kid, '#'))
		return ob_fail(err, OB_EUSAGE, "the kid of a signed request is the DID URL of a verification method");
	if (!(h = json_pack("{s:s, s:s, s:s}", "alg", alg, "typ", OB_OID4VP_REQ_TYP, "kid", kid)) ||
	    !(hs = ob_json_dumps(h, 0)) || !(ps = ob_json_dumps(req, 0)) ||
	    ob_base64url_encode(out, (const unsigned char *)hs, strlen(hs)) < 0 || ob_buf_addc(out, '.') < 0 ||
	    ob_base64url_encode(out, (const unsigned char *)ps, strlen(ps)) < 0 || out->oom) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (ob_key_sign(key, (const unsigned char *)out->data + start, out->len - start, sig, &siglen, err))
		goto out;
	if (ob_buf_addc(out, '.') < 0 || ob_base64url_encode(out, sig, siglen) < 0)
		ob_fail(err, OB_ENOMEM, "out of memory");
out:
	if (err->code)
		ob_buf_truncate(out, start);
	json_decref(h);
	free(hs);
	free(ps);
	return err->code;
}

void ob_oid4vp_signer_release(ob_oid4vp_signer *s)
{
	if (!s)
		return;
	free(s->did);
	free(s->kid);
	s->did = s->kid = NULL;
}

/* RFC 7515 4.1.9: a typ is a media type, "application/" may be left out
 * and case does not matter. */
static int typ_is(const char *typ, const char *want)
{
	if (typ && !strncasecmp(typ, "application/", 12))
		typ += 12;
	return typ && !strcasecmp(typ, want);
}

/* The signed request of a decentralized_identifier: client (VP 5.9.3,
 * 5.10): header h of the JWT text, the DID in cid. The claims, or NULL
 * with err. */
static json_t *signed_claims(const char *text, size_t len, const json_t *h, const char *cid, ob_loader *loader,
			     time_t now, ob_oid4vp_signer *who, ob_error *err)
{
	const char *alg = ob_json_str(h, "alg"), *kid = ob_json_str(h, "kid");
	const char *did = cid + strlen(OB_OID4VP_DID_PREFIX), *sig = memrchr(text, '.', len);
	size_t dlen = strlen(did);
	ob_vm vm = { 0 };
	ob_buf raw = OB_BUF_INIT;
	ob_error e = { 0 };
	json_t *p = NULL, *exp;

	if (!alg || !strcmp(alg, "none") || sig == text + len - 1) {
		ob_fail(err, OB_EINVALID, "the request object is not signed (alg %s), and a " OB_OID4VP_DID_PREFIX
			" client's must be", alg ? alg : "missing");
		return NULL;
	}
	if (strcmp(alg, "EdDSA") && strcmp(alg, "ES256") && strcmp(alg, "ES384")) {
		ob_fail(err, OB_EINVALID, "the request object's alg %s is not one this wallet takes (EdDSA, ES256, "
			"ES384)", alg);
		return NULL;
	}
	if (json_object_get(h, "crit")) {
		ob_fail(err, OB_EINVALID, "the request object's header has crit, which this wallet does not support");
		return NULL;
	}
	if (strncmp(did, "did:", 4) || strchr(did, '#')) {
		ob_fail(err, OB_EINVALID, "the client_id %s does not name a DID", cid);
		return NULL;
	}
	if (!kid || strncmp(kid, did, dlen) || kid[dlen] != '#' || !kid[dlen + 1]) {
		ob_fail(err, OB_EINVALID, "the request object's kid %s is not a key of the verifier's DID %s",
			kid ? kid : "(none)", did);
		return NULL;
	}
	if (ob_did_resolve(kid, NULL, loader, &vm, &e)) {
		ob_fail(err, e.code == OB_ENET || e.code == OB_ENOMEM ? e.code : OB_EINVALID,
			"the verifier's key %s: %s", kid, e.msg);
		goto out;
	}
	if (!ob_vm_bound_to(&vm, did)) {
		ob_fail(err, OB_EINVALID, "the key %s is not controlled by the verifier's DID %s", kid, did);
		goto out;
	}
	if (strcmp(ob_key_jose_alg(vm.key), alg)) {
		ob_fail(err, OB_EINVALID, "the request object's alg %s does not match the key %s (%s)", alg, kid,
			ob_key_jose_alg(vm.key));
		goto out;
	}
	if (ob_base64url_decode(&raw, sig + 1, (size_t)(text + len - sig - 1), &e) ||
	    ob_key_verify(vm.key, (const unsigned char *)text, (size_t)(sig - text),
			  (const unsigned char *)(raw.data ? raw.data : ""), raw.len, &e)) {
		ob_fail(err, OB_EINVALID, "the request object's signature does not verify with the key %s", kid);
		goto out;
	}
	if (!(p = jwt_part(text, len, 1))) {
		ob_fail(err, OB_EINVALID, "the request object's claims are not a JSON object");
		goto out;
	}
	/* RFC 9101 10.2: a request object that has expired is refused */
	exp = json_object_get(p, "exp");
	if (exp && (!json_is_number(exp) || json_number_value(exp) <= (double)(now ? now : time(NULL)))) {
		ob_fail(err, OB_EINVALID, "the request object has expired (exp %s)", json_is_number(exp) ? "passed"
			: "is not a number");
		json_decref(p);
		p = NULL;
		goto out;
	}
	if (who && (!(who->did = strdup(did)) || !(who->kid = strdup(kid)))) {
		ob_oid4vp_signer_release(who);
		json_decref(p);
		p = NULL;
		ob_fail(err, OB_ENOMEM, "out of memory");
	}
out:
	ob_vm_release(&vm);
	ob_buf_release(&raw);
	return p;
}

static json_t *request_claims(const char *text, size_t len, const char *cid, ob_loader *loader, time_t now,
			      ob_oid4vp_signer *who, ob_error *err)
{
	json_t *h, *p;
	const char *alg, *typ;
	size_t dots = 0, i;
	int did = !strncmp(cid, OB_OID4VP_DID_PREFIX, strlen(OB_OID4VP_DID_PREFIX));

	if (len && *text == '{') {
		if (did) {
			ob_fail(err, OB_EINVALID, "the request of a " OB_OID4VP_DID_PREFIX " client must be a "
				"signed request object, not plain parameters or JSON");
			return NULL;
		}
		return ob_json_parse(text, len, err);
	}
	for (i = 0; i < len; i++)
		dots += text[i] == '.';
	if (dots != 2 || !(h = jwt_part(text, len, 0))) {
		ob_fail(err, OB_EINVALID, "the request object is neither JSON nor a JWT");
		return NULL;
	}
	alg = ob_json_str(h, "alg");
	typ = ob_json_str(h, "typ");
	if (!typ_is(typ, OB_OID4VP_REQ_TYP)) {
		ob_fail(err, OB_EINVALID, "the request object's typ is %s, not " OB_OID4VP_REQ_TYP, typ ? typ : "missing");
		json_decref(h);
		return NULL;
	}
	if (did) {
		p = signed_claims(text, len, h, cid, loader, now, who, err);
		json_decref(h);
		return p;
	}
	/* VP 5.9.3: a redirect_uri: client's request is never signed, and a
	 * signature by an unknown key would prove nothing */
	if (!alg || strcmp(alg, "none") || text[len - 1] != '.') {
		ob_fail(err, OB_EINVALID, "the request object is signed (alg %s), which a redirect_uri: client "
			"cannot do", alg ? alg : "missing");
		json_decref(h);
		return NULL;
	}
	json_decref(h);
	if (!(p = jwt_part(text, len, 1)))
		ob_fail(err, OB_EINVALID, "the request object's claims are not a JSON object");
	return p;
}

json_t *ob_oid4vp_request_read(const char *text, size_t len, const char *client_id, ob_error *err)
{
	return ob_oid4vp_request_check(text, len, client_id, NULL, 0, NULL, err);
}

json_t *ob_oid4vp_request_check(const char *text, size_t len, const char *client_id, ob_loader *loader,
				time_t now, ob_oid4vp_signer *who, ob_error *err)
{
	json_t *r;
	const char *cid, *ruri, *s;
	size_t pl = strlen(OB_OID4VP_PREFIX);

	if (who)
		who->did = who->kid = NULL;
	if (len > OB_OID4VP_MAX_REQUEST) {
		ob_fail(err, OB_ELIMIT, "the request object is larger than %d bytes", OB_OID4VP_MAX_REQUEST);
		return NULL;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	if (strncmp(client_id, OB_OID4VP_PREFIX, pl) &&
	    strncmp(client_id, OB_OID4VP_DID_PREFIX, strlen(OB_OID4VP_DID_PREFIX))) {
		ob_fail(err, OB_EINVALID, "the client_id %s has neither the " OB_OID4VP_PREFIX " nor the "
			OB_OID4VP_DID_PREFIX " prefix", client_id);
		return NULL;
	}
	if (!(r = request_claims(text, len, client_id, loader, now, who, err)))
		return NULL;
	cid = ob_json_str(r, "client_id");
	ruri = ob_json_str(r, "response_uri");
	if (!json_is_object(r))
		ob_fail(err, OB_EINVALID, "the request object is not a JSON object");
	else if (!cid || strcmp(cid, client_id))
		ob_fail(err, OB_EINVALID, "the request object's client_id %s is not the link's %s", cid ? cid : "(none)",
			client_id);
	else if (!strncmp(cid, OB_OID4VP_PREFIX, pl) && (!ruri || strcmp(ruri, cid + pl)))
		ob_fail(err, OB_EINVALID, "the response_uri %s is not the client_id's URL", ruri ? ruri : "(none)");
	else if (!ruri || strncmp(ruri, "https://", 8))
		ob_fail(err, OB_EINVALID, "the response_uri %s is not an https URL", ruri ? ruri : "(none)");
	else if (!(s = ob_json_str(r, "response_type")) || strcmp(s, "vp_token"))
		ob_fail(err, OB_EINVALID, "the response_type is %s, not vp_token", s ? s : "missing");
	else if (!(s = ob_json_str(r, "response_mode")) || strcmp(s, "direct_post"))
		ob_fail(err, OB_EINVALID, "the response_mode is %s, not direct_post", s ? s : "missing");
	else if (json_object_get(r, "redirect_uri"))
		ob_fail(err, OB_EINVALID, "the request has both response_uri and redirect_uri");
	else if (!(s = ob_json_str(r, "nonce")) || !*s || strlen(s) > OB_OID4VP_MAX_ID)
		ob_fail(err, OB_EINVALID, "the request has no usable nonce");
	else if ((s = ob_json_str(r, "state")) && strlen(s) > OB_OID4VP_MAX_ID)
		ob_fail(err, OB_EINVALID, "the request's state is longer than %d bytes", OB_OID4VP_MAX_ID);
	else if (!json_is_object(json_object_get(r, "dcql_query")))
		ob_fail(err, OB_EINVALID, "the request has no dcql_query (a scope is not understood)");
	else if (json_object_get(r, "transaction_data"))
		ob_fail(err, OB_EINVALID, "the request carries transaction_data, which this wallet does not support");
	if (err->code) {
		json_decref(r);
		ob_oid4vp_signer_release(who);
		return NULL;
	}
	return r;
}

ob_code ob_oid4vp_link_by_value(const json_t *req, ob_buf *out, ob_error *err)
{
	const char *key;
	json_t *v;
	ob_buf q = OB_BUF_INIT;

	json_object_foreach((json_t *)req, key, v) {
		char *js = NULL;
		int bad;

		if (!strcmp(key, "aud"))
			continue; /* a Request Object's, not a parameter */
		if (json_is_string(v))
			bad = ob_oid4vp_form_add(&q, key, json_string_value(v)) < 0;
		else
			bad = !(js = ob_json_dumps(v, 0)) || ob_oid4vp_form_add(&q, key, js) < 0;
		free(js);
		if (bad) {
			ob_buf_release(&q);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
	}
	if (ob_buf_adds(out, OB_OID4VP_SCHEME "?") < 0 || ob_buf_add(out, q.data, q.len) < 0)
		ob_fail(err, OB_ENOMEM, "out of memory");
	ob_buf_release(&q);
	return err->code;
}

json_t *ob_oid4vp_link_params(const char *link, ob_error *err)
{
	static const char *const names[] = { "client_id", "response_type", "response_mode", "response_uri",
					     "redirect_uri", "nonce", "state", "dcql_query", "client_metadata",
					     "scope", "transaction_data", "request_uri_method" };
	const char *q = strchr(link, '?');
	json_t *o = json_object();
	ob_buf v = OB_BUF_INIT;
	size_t i, len;

	if (!o || !q) {
		json_decref(o);
		ob_fail(err, q ? OB_ENOMEM : OB_EINVALID, q ? "out of memory" : "not a request link");
		return NULL;
	}
	q++;
	len = strcspn(q, "#");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int got;
		json_t *val;

		ob_buf_truncate(&v, 0);
		if ((got = ob_oid4vp_form_get(q, len, names[i], &v, err)) < 0)
			goto fail;
		if (!got)
			continue;
		/* DCQL, client metadata and transaction data are JSON (VP 5.1) */
		if (!strcmp(names[i], "dcql_query") || !strcmp(names[i], "client_metadata") ||
		    !strcmp(names[i], "transaction_data")) {
			if (!(val = ob_json_parse(v.data ? v.data : "", v.len, err)))
				goto fail;
		} else if (!(val = json_string(v.data ? v.data : ""))) {
			ob_fail(err, OB_EINVALID, "the parameter %s is not UTF-8", names[i]);
			goto fail;
		}
		if (json_object_set_new(o, names[i], val)) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			goto fail;
		}
	}
	ob_buf_release(&v);
	return o;
fail:
	ob_buf_release(&v);
	json_decref(o);
	return NULL;
}
