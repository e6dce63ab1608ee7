#include "proof/jwt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "base/codec.h"
#include "base/dates.h"
#include "canon/jcs.h"
#include "base/json.h"

#define ES256_SIG_LEN 64
#define ES384_SIG_LEN 96

/* JWK members only a private key has (RFC 7518 6.2.2, 6.3.2, 6.4). */
static const char *const private_members[] = { "d", "p", "q", "dp", "dq", "qi", "oth", "k" };

static int b64u_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* A .jwt file usually ends with a newline; surrounding whitespace is not
 * part of the token. */

int ob_jwt_sniff(const char *text, size_t len)
{
	size_t i, dots = 0, seg = 0;

	if (!text)
		return 0;
	ob_trim(&text, &len);
	for (i = 0; i < len; i++) {
		if (text[i] == '.') {
			if (!seg || ++dots > 2)
				return 0;
			seg = 0;
		} else if (b64u_char((unsigned char)text[i])) {
			seg++;
		} else {
			return 0;
		}
	}
	/* the signature may be empty (alg none): decode then says why */
	return dots == 2;
}

void ob_jwt_release(ob_jwt *jwt)
{
	if (!jwt)
		return;
	json_decref(jwt->header);
	json_decref(jwt->payload);
	free(jwt->signing_input);
	free(jwt->sig);
	memset(jwt, 0, sizeof(*jwt));
}

/* Decodes one base64url part into a strict JSON object. */
static json_t *decode_part(const char *p, size_t n, const char *what, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	ob_error e = { OB_OK, "" };
	json_t *v = NULL;

	if (!n) {
		ob_fail(err, OB_EPARSE, "JWS %s is empty", what);
		goto out;
	}
	if (ob_base64url_decode(&b, p, n, &e)) {
		ob_fail(err, e.code, "JWS %s: %s", what, e.msg);
		goto out;
	}
	if (!(v = ob_json_parse(b.data ? b.data : "", b.len, &e))) {
		ob_fail(err, e.code, "JWS %s: %s", what, e.msg);
		goto out;
	}
	if (!json_is_object(v)) {
		ob_fail(err, OB_EPARSE, "JWS %s is not a JSON object", what);
		json_decref(v);
		v = NULL;
	}
out:
	ob_buf_release(&b);
	return v;
}

/* OB 3.0 8.2 / RFC 7515 4.1: the header rules this profile keeps. */
static ob_code check_header(ob_jwt *jwt, ob_error *err)
{
	const json_t *h = jwt->header, *v;
	size_t i;

	v = json_object_get(h, "alg");
	if (!json_is_string(v))
		return ob_fail(err, OB_EINVALID, "JWS header has no alg");
	jwt->alg = json_string_value(v);
	/* RFC 8725 3.1/3.2: never let the token pick "no signature" or a
	 * shared-secret MAC keyed with a public key */
	if (!strcasecmp(jwt->alg, "none"))
		return ob_fail(err, OB_EINVALID, "alg '%s' is not allowed", jwt->alg);
	if (!strncasecmp(jwt->alg, "HS", 2))
		return ob_fail(err, OB_EINVALID, "HMAC algorithm '%s' is not allowed", jwt->alg);
	if (strcmp(jwt->alg, "EdDSA") && strcmp(jwt->alg, "ES256") && strcmp(jwt->alg, "ES384") &&
	    strcmp(jwt->alg, "RS256"))
		return ob_fail(err, OB_EINVALID, "unsupported alg '%s' (want EdDSA, ES256, ES384 or RS256)",
			       jwt->alg);
	/* RFC 7515 4.1.9: a media type, so case-insensitive and the
	 * "application/" prefix may be present */
	if ((v = json_object_get(h, "typ")) &&
	    (!json_is_string(v) || (strcasecmp(json_string_value(v), "JWT") != 0 &&
				    strcasecmp(json_string_value(v), "application/jwt") != 0)))
		return ob_fail(err, OB_EINVALID, "typ '%s' is not allowed (want 'JWT')",
			       json_is_string(v) ? json_string_value(v) : "(not a string)");
	/* RFC 7515 4.1.11: extensions we do not understand must fail */
	if (json_object_get(h, "crit"))
		return ob_fail(err, OB_EINVALID, "crit header parameter is not supported");
	if ((v = json_object_get(h, "kid"))) {
		if (!json_is_string(v))
			return ob_fail(err, OB_EINVALID, "JWS header kid is not a string");
		jwt->kid = json_string_value(v);
	}
	if ((v = json_object_get(h, "jwk"))) {
		if (!json_is_object(v))
			return ob_fail(err, OB_EINVALID, "JWS header jwk is not an object");
		for (i = 0; i < sizeof(private_members) / sizeof(private_members[0]); i++)
			if (json_object_get(v, private_members[i]))
				return ob_fail(err, OB_EINVALID,
					       "JWS header jwk contains private key member '%s'",
					       private_members[i]);
		jwt->jwk = v;
	}
	/* neither kid nor jwk is fine here: the key may come out of band */
	return OB_OK;
}

ob_code ob_jwt_decode(const char *text, size_t len, ob_jwt *out, ob_error *err)
{
	const char *dot1, *dot2, *end;
	ob_buf sig = OB_BUF_INIT;
	ob_error e = { OB_OK, "" };
	const json_t *vc;
	size_t i, parts = 1;
	ob_code rc = OB_OK;

	memset(out, 0, sizeof(*out));
	if (!text)
		return ob_fail(err, OB_EUSAGE, "no token");
	ob_trim(&text, &len);
	for (i = 0; i < len; i++)
		parts += text[i] == '.';
	if (parts != 3)
		return ob_fail(err, OB_EPARSE, "not a compact JWS: %zu part%s, want 3", parts,
			       parts == 1 ? "" : "s");
	end = text + len;
	dot1 = memchr(text, '.', len);
	dot2 = memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1));

	if (!(out->header = decode_part(text, (size_t)(dot1 - text), "header", err))) {
		rc = err && err->code ? err->code : OB_EPARSE;
		goto out;
	}
	if ((rc = check_header(out, err)))
		goto out;
	if (!(out->payload = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), "payload", err))) {
		rc = err && err->code ? err->code : OB_EPARSE;
		goto out;
	}
	/* VC 1.1-era tokens wrap the credential in `vc`; OB 3.0 8.2 puts its
	 * members at the top level, next to the JWT claims */
	vc = json_object_get(out->payload, "vc");
	if (vc) {
		if (!json_is_object(vc)) {
			rc = ob_fail(err, OB_EINVALID, "JWT vc claim is not an object");
			goto out;
		}
		out->credential = (json_t *)vc;
	} else if ((vc = json_object_get(out->payload, "vp"))) {
		/* a VP-JWT: the caller checks it as a presentation */
		if (!json_is_object(vc)) {
			rc = ob_fail(err, OB_EINVALID, "JWT vp claim is not an object");
			goto out;
		}
		out->credential = out->presentation = (json_t *)vc;
	} else if (json_object_get(out->payload, "@context") &&
		   json_object_get(out->payload, "type")) {
		out->credential = out->payload;
	} else {
		rc = ob_fail(err, OB_EINVALID,
			     "JWT payload has neither a vc claim nor credential members");
		goto out;
	}
	if (dot2 + 1 == end) {
		rc = ob_fail(err, OB_EINVALID, "JWS has no signature");
		goto out;
	}
	if (ob_buf_grow(&sig, (size_t)(end - dot2)) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (ob_base64url_decode(&sig, dot2 + 1, (size_t)(end - dot2 - 1), &e)) {
		rc = ob_fail(err, e.code, "JWS signature: %s", e.msg);
		goto out;
	}
	out->siglen = sig.len;
	out->sig = (unsigned char *)ob_buf_detach(&sig, NULL);
	out->signing_input = strndup(text, (size_t)(dot2 - text));
	if (!out->sig || !out->signing_input)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	ob_buf_release(&sig);
	if (rc)
		ob_jwt_release(out);
	return rc;
}

/* The JOSE alg of key (RFC 7518 3.1). */
static const char *jose_alg(const ob_key *key)
{
	return ob_key_jose_alg(key);
}

ob_code ob_jwt_verify_signature(const ob_jwt *jwt, const ob_key *key, ob_error *err)
{
	ob_error e = { OB_OK, "" };
	const char *want;

	if (!jwt || !jwt->alg || !jwt->signing_input)
		return ob_fail(err, OB_EUSAGE, "no decoded token");
	if (!key)
		return ob_fail(err, OB_EUSAGE, "no key to verify the JWS with");
	/* the key decides the algorithm, never the token (RFC 8725 3.1) */
	want = jose_alg(key);
	if (!want || strcmp(jwt->alg, want) != 0)
		return ob_fail(err, OB_EINVALID, "alg '%s' does not match the key (%s)", jwt->alg,
			       ob_key_type_name(ob_key_get_type(key)));
	/* RFC 7518 3.4: ES256 is the fixed 64-byte R || S, never DER */
	if (!strcmp(jwt->alg, "ES256") && jwt->siglen != ES256_SIG_LEN)
		return ob_fail(err, OB_EINVALID, "ES256 signature is %zu bytes, want %d",
			       jwt->siglen, ES256_SIG_LEN);
	if (!strcmp(jwt->alg, "ES384") && jwt->siglen != ES384_SIG_LEN)
		return ob_fail(err, OB_EINVALID, "ES384 signature is %zu bytes, want %d",
			       jwt->siglen, ES384_SIG_LEN);
	if (ob_key_verify(key, (const unsigned char *)jwt->signing_input,
			  strlen(jwt->signing_input), jwt->sig, jwt->siglen, &e))
		return ob_fail(err, e.code, "invalid JWS signature: %s", e.msg);
	return OB_OK;
}

/* issuer as a string or as an object with an id */
static const char *issuer_id(const json_t *cred)
{
	const json_t *iss = json_object_get(cred, "issuer");

	return json_is_string(iss) ? json_string_value(iss) : ob_json_str(iss, "id");
}

/* Reads a NumericDate claim. Returns 1 present, 0 absent, -1 malformed. */
static int numeric_date(const json_t *payload, const char *name, double *v, ob_error *err)
{
	const json_t *n = json_object_get(payload, name);

	if (!n)
		return 0;
	*v = json_number_value(n);
	/* beyond 1e12 s (year 33658) is no date: keeps time_t casts defined */
	if (!json_is_number(n) || !isfinite(*v) || fabs(*v) > 1e12) {
		ob_fail(err, OB_EINVALID, "JWT %s claim is not a NumericDate", name);
		return -1;
	}
	return 1;
}

/* The credential date (VCDM 2.0 name, else the VC 1.1 one) a claim must
 * equal. Returns 0 when equal or absent. */
static ob_code same_date(const json_t *cred, const char *claim, double v, const char *name2,
			 const char *name1, ob_error *err)
{
	const char *name = name2, *s = ob_json_str(cred, name2);
	time_t t;

	if (!s) {
		name = name1;
		s = ob_json_str(cred, name1);
	}
	if (!s)
		return OB_OK;
	if (ob_date_parse(s, &t, NULL) < 0)
		return ob_fail(err, OB_EINVALID, "%s '%s' is not a valid date-time", name, s);
	/* NumericDate drops the fraction of a second, as jose does */
	if ((time_t)floor(v) != t)
		return ob_fail(err, OB_EINVALID, "%s %.0f does not match %s '%s'", claim, floor(v),
			       name, s);
	return OB_OK;
}

static int subject_has_id(const json_t *subj, const char *id, const char **first)
{
	const json_t *e;
	const char *s;
	size_t i;

	if (json_is_object(subj)) {
		s = ob_json_str(subj, "id");
		*first = s;
		return s && !strcmp(s, id);
	}
	json_array_foreach(subj, i, e) {
		s = ob_json_str(e, "id");
		if (s && !*first)
			*first = s;
		if (s && !strcmp(s, id))
			return 1;
	}
	return 0;
}

ob_code ob_jwt_check_claims(const ob_jwt *jwt, time_t now, ob_error *err)
{
	const json_t *cred, *pl;
	const char *iss, *jti, *sub, *want, *first = NULL;
	char when[32];
	double nbf = 0, exp = 0;
	int has_nbf, has_exp;
	ob_code rc;

	if (!jwt || !jwt->payload || !jwt->credential)
		return ob_fail(err, OB_EUSAGE, "no decoded token");
	cred = jwt->credential;
	pl = jwt->payload;
	now = ob_date_now(now);

	/* OB 3.0 8.2.4: iss = issuer.id (required) */
	if (json_object_get(pl, "iss") && !json_is_string(json_object_get(pl, "iss")))
		return ob_fail(err, OB_EINVALID, "JWT iss claim is not a string");
	iss = ob_json_str(pl, "iss");
	want = issuer_id(cred);
	if (!iss)
		return ob_fail(err, OB_EINVALID, "JWT has no iss claim");
	if (want && strcmp(iss, want) != 0)
		return ob_fail(err, OB_EINVALID, "iss '%s' does not match issuer id '%s'", iss, want);

	/* jti = credential id (required when the credential has one) */
	if (json_object_get(pl, "jti") && !json_is_string(json_object_get(pl, "jti")))
		return ob_fail(err, OB_EINVALID, "JWT jti claim is not a string");
	jti = ob_json_str(pl, "jti");
	want = ob_json_str(cred, "id");
	if (want && !jti)
		return ob_fail(err, OB_EINVALID, "JWT has no jti claim (credential id '%s')", want);
	if (want && strcmp(jti, want) != 0)
		return ob_fail(err, OB_EINVALID, "jti '%s' does not match credential id '%s'", jti,
			       want);

	/* sub = credentialSubject.id, checked only when both are there: the
	 * 1EdTech validator's own samples (simple-jwt) carry aud and no sub,
	 * and the validator accepts them */
	if (json_object_get(pl, "sub") && !json_is_string(json_object_get(pl, "sub")))
		return ob_fail(err, OB_EINVALID, "JWT sub claim is not a string");
	sub = ob_json_str(pl, "sub");
	if (sub && !subject_has_id(json_object_get(cred, "credentialSubject"), sub, &first) &&
	    first)
		return ob_fail(err, OB_EINVALID, "sub '%s' does not match credentialSubject.id '%s'",
			       sub, first);

	/* nbf = validFrom, exp = validUntil (issuanceDate / expirationDate on
	 * VC 1.1), and both against now */
	if ((has_nbf = numeric_date(pl, "nbf", &nbf, err)) < 0 ||
	    (has_exp = numeric_date(pl, "exp", &exp, err)) < 0)
		return OB_EINVALID;
	if (has_nbf && (rc = same_date(cred, "nbf", nbf, "validFrom", "issuanceDate", err)))
		return rc;
	if (has_exp && (rc = same_date(cred, "exp", exp, "validUntil", "expirationDate", err)))
		return rc;
	if (has_nbf && nbf > (double)now) {
		ob_date_format((time_t)nbf, when);
		return ob_fail(err, OB_EINVALID, "not yet valid (nbf %s)", when);
	}
	if (has_exp && exp <= (double)now) {
		ob_date_format((time_t)exp, when);
		return ob_fail(err, OB_EINVALID, "expired (exp %s)", when);
	}
	return OB_OK;
}

/* Adds a NumericDate claim from a credential date, if present. */
static ob_code date_claim(json_t *payload, const json_t *cred, const char *claim,
			  const char *name2, const char *name1, int required, ob_error *err)
{
	const char *name = name2, *s = ob_json_str(cred, name2);
	time_t t;

	if (!s) {
		name = name1;
		s = ob_json_str(cred, name1);
	}
	if (!s)
		return required ? ob_fail(err, OB_EINVALID, "credential has no %s (needed for %s)",
					  name2, claim) : OB_OK;
	if (ob_date_parse(s, &t, NULL) < 0)
		return ob_fail(err, OB_EINVALID, "%s '%s' is not a valid date-time", name, s);
	if (json_object_set_new(payload, claim, json_integer((json_int_t)t)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

static ob_code add_b64_json(ob_buf *out, const json_t *v, ob_error *err)
{
	ob_buf tmp = OB_BUF_INIT;
	ob_code rc = OB_OK;

	if (ob_json_write(&tmp, v, OB_JSON_COMPACT) < 0 || !tmp.data ||
	    ob_base64url_encode(out, (const unsigned char *)tmp.data, tmp.len) < 0)
		rc = ob_fail(err, OB_ENOMEM, "cannot serialise JWT part");
	ob_buf_release(&tmp);
	return rc;
}

/* header.payload.signature, each part base64url, appended to out. */
static ob_code compact_jws(const json_t *header, const json_t *payload, const ob_key *key,
			   ob_buf *out, ob_error *err)
{
	ob_buf tok = OB_BUF_INIT;
	unsigned char sig[OB_SIG_MAX];
	size_t siglen;
	ob_code rc;

	if ((rc = add_b64_json(&tok, header, err)))
		goto out;
	if (ob_buf_addc(&tok, '.') < 0)
		goto nomem;
	if ((rc = add_b64_json(&tok, payload, err)))
		goto out;
	if ((rc = ob_key_sign(key, (const unsigned char *)tok.data, tok.len, sig, &siglen, err)))
		goto out;
	if (ob_buf_addc(&tok, '.') < 0 || ob_base64url_encode(&tok, sig, siglen) < 0 ||
	    ob_buf_add(out, tok.data, tok.len) < 0)
		goto nomem;
	goto out;
nomem:
	rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	ob_buf_release(&tok);
	return rc;
}

ob_code ob_jwt_sign(const json_t *credential, const ob_key *key, const char *kid,
		    ob_buf *out, ob_error *err)
{
	json_t *header = NULL, *payload = NULL, *v;
	const char *alg = jose_alg(key), *s;
	const json_t *subj;
	void *it;
	int bad = 0;
	ob_code rc = OB_OK;

	if (!json_is_object(credential))
		return ob_fail(err, OB_EUSAGE, "credential is not a JSON object");
	if (!alg || !ob_key_has_private(key))
		return ob_fail(err, OB_EUSAGE, "signing a VC-JWT needs a private key");

	/* header {alg, typ, kid}; without a kid the public key goes inline */
	header = json_object();
	payload = json_object();
	if (!header || !payload)
		goto nomem;
	bad |= json_object_set_new(header, "alg", json_string(alg));
	bad |= json_object_set_new(header, "typ", json_string("JWT"));
	if (kid) {
		bad |= json_object_set_new(header, "kid", json_string(kid));
	} else {
		if (!(v = ob_key_public_jwk(key, err))) {
			rc = err && err->code ? err->code : OB_ECRYPTO;
			goto out;
		}
		bad |= json_object_set_new(header, "jwk", v);
	}

	/* OB 3.0 8.2: the credential's members at the top level, then the
	 * claims (which replace any same-named member) */
	for (it = json_object_iter((json_t *)credential); it;
	     it = json_object_iter_next((json_t *)credential, it))
		bad |= json_object_set(payload, json_object_iter_key(it), json_object_iter_value(it));
	if (bad)
		goto nomem;
	if (!(s = issuer_id(credential))) {
		rc = ob_fail(err, OB_EINVALID, "credential has no issuer id (needed for iss)");
		goto out;
	}
	bad |= json_object_set_new(payload, "iss", json_string(s));
	if (!(s = ob_json_str(credential, "id"))) {
		rc = ob_fail(err, OB_EINVALID, "credential has no id (needed for jti)");
		goto out;
	}
	bad |= json_object_set_new(payload, "jti", json_string(s));
	subj = json_object_get(credential, "credentialSubject");
	if ((s = ob_json_str(json_is_array(subj) ? json_array_get(subj, 0) : subj, "id")))
		bad |= json_object_set_new(payload, "sub", json_string(s));
	if (bad)
		goto nomem;
	if ((rc = date_claim(payload, credential, "nbf", "validFrom", "issuanceDate", 1, err)) ||
	    (rc = date_claim(payload, credential, "exp", "validUntil", "expirationDate", 0, err)))
		goto out;

	rc = compact_jws(header, payload, key, out, err);
	goto out;
nomem:
	rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	json_decref(header);
	json_decref(payload);
	return rc;
}

ob_code ob_jwt_sign_vp(const json_t *vp, const ob_key *key, const char *kid, const char *nonce,
		       const char *aud, time_t iat, ob_buf *out, ob_error *err)
{
	json_t *header = NULL, *payload = NULL;
	const char *alg = jose_alg(key), *holder, *s;
	int bad = 0;
	ob_code rc = OB_OK;

	if (!json_is_object(vp))
		return ob_fail(err, OB_EUSAGE, "presentation is not a JSON object");
	if (!alg || !ob_key_has_private(key))
		return ob_fail(err, OB_EUSAGE, "signing a VP-JWT needs a private key");
	holder = json_is_string(json_object_get(vp, "holder")) ?
		 json_string_value(json_object_get(vp, "holder")) :
		 ob_json_str(json_object_get(vp, "holder"), "id");
	if (!holder)
		return ob_fail(err, OB_EINVALID, "presentation has no holder (needed for iss)");
	if (!(header = json_object()) || !(payload = json_object()))
		goto nomem;
	bad |= json_object_set_new(header, "alg", json_string(alg));
	bad |= json_object_set_new(header, "typ", json_string("JWT"));
	if (kid)
		bad |= json_object_set_new(header, "kid", json_string(kid));
	bad |= json_object_set_new(payload, "iss", json_string(holder));
	if ((s = ob_json_str(vp, "id")))
		bad |= json_object_set_new(payload, "jti", json_string(s));
	if (aud)
		bad |= json_object_set_new(payload, "aud", json_string(aud));
	if (nonce)
		bad |= json_object_set_new(payload, "nonce", json_string(nonce));
	bad |= json_object_set_new(payload, "iat", json_integer((json_int_t)iat));
	bad |= json_object_set(payload, "vp", (json_t *)vp);
	if (bad)
		goto nomem;
	rc = compact_jws(header, payload, key, out, err);
	goto out;
nomem:
	rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	json_decref(header);
	json_decref(payload);
	return rc;
}
