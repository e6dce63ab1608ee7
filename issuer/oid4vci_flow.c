/* oid4vci_flow: what each OID4VCI endpoint of ob-issuer serve answers
 * (oid4vci.h). One request at a time holds the database (s->lock),
 * for its database steps only (a key proof is checked without it);
 * every one-time value is taken with a guarded UPDATE or DELETE, so a
 * code, token, nonce or proof is good once even across processes. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base/codec.h"
#include "base/dates.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/rand.h"
#include "db_offer.h"
#include "oid4vci.h"
#include "vc/issue.h"
#include "vc/oid4vci.h"
#include "vc/ob3.h"

void vci_answer_release(vci_answer *a)
{
	json_decref(a->body);
	memset(a, 0, sizeof(*a));
}

static void answer(vci_answer *a, unsigned status, json_t *body_take)
{
	a->status = body_take ? status : 500;
	a->body = body_take ? body_take : json_pack("{s:s}", "error", "server_error");
}

/* An OAuth error (RFC 6749 5.2 form, as VCI's endpoints use it). */
static void oauth_error(vci_answer *a, unsigned status, const char *code, const char *desc)
{
	answer(a, status, json_pack("{s:s,s:s}", "error", code, "error_description", desc));
}

static void server_error(vci_answer *a, const ob_error *e)
{
	fprintf(stderr, "ob-issuer: serve: %s\n", e->msg);
	oauth_error(a, 500, "server_error", "the issuer could not complete the request");
}

/* ---- metadata ---- */

/* One entry of credential_configurations_supported. credential_metadata
 * (display) is where VCI 1.0 puts what earlier drafts had at the top;
 * clients tell a 1.0 issuer by it (OWF's oid4vc-ts does). */
static json_t *configuration(const char *format, const char *sign_alg, const char *proof_algs_json,
			     const char *display)
{
	json_t *c = json_pack("{s:s,s:{s:[s,s],s:[s,s]},s:[s],s:[s],s:{s:{s:o}},s:{s:[{s:s,s:s}]}}",
			      "format", format,
			      "credential_definition",
			      "@context", "https://www.w3.org/ns/credentials/v2",
			      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
			      "type", "VerifiableCredential", "OpenBadgeCredential",
			      "cryptographic_binding_methods_supported", "did:key",
			      "credential_signing_alg_values_supported", sign_alg,
			      "proof_types_supported", "jwt", "proof_signing_alg_values_supported",
			      json_loads(proof_algs_json, 0, NULL),
			      "credential_metadata", "display", "name", display, "locale", "en");

	/* jwt_vc_json: no JSON-LD in its definition (VCI appendix) */
	if (c && !strcmp(format, "jwt_vc_json"))
		json_object_del(json_object_get(c, "credential_definition"), "@context");
	return c;
}

void vci_issuer_metadata(vci_server *s, vci_answer *a)
{
	const char *u = s->issuer_url, *name = ob_json_str(s->st.profile, "name");
	json_t *m = json_pack("{s:s,s:s+,s:s+,s:{s:o*,s:o*},s:[{s:s,s:s}]}",
			      "credential_issuer", u,
			      "credential_endpoint", u, "/credential",
			      "nonce_endpoint", u, "/nonce",
			      "credential_configurations_supported",
			      VCI_CONF_LDP, configuration("ldp_vc", ob_issue_default_suite(s->st.key), "[\"EdDSA\",\"ES256\"]",
						    "Open Badge (Data Integrity)"),
			      VCI_CONF_JWT, configuration("jwt_vc_json", ob_key_jose_alg(s->st.key), "[\"EdDSA\",\"ES256\"]",
						    "Open Badge (VC-JWT)"),
			      "display", "name", name ? name : "Open Badges issuer", "locale", "en");

	answer(a, 200, m);
}

void vci_as_metadata(vci_server *s, vci_answer *a)
{
	const char *u = s->issuer_url;

	answer(a, 200, json_pack("{s:s,s:s+,s:[s],s:b,s:[s]}",
				 "issuer", u, "token_endpoint", u, "/token",
				 "grant_types_supported", OB_OID4VCI_PREAUTH,
				 "pre-authorized_grant_anonymous_access_supported", 1,
				 "token_endpoint_auth_methods_supported", "none"));
}

/* ---- the offer ---- */

const char *vci_offer_refusal(const offer_rec *o, time_t now)
{
	if (!strcmp(o->state, "revoked"))
		return "the offer was revoked";
	if (!strcmp(o->state, "locked"))
		return "the offer is locked after too many wrong PINs";
	if (strcmp(o->state, "open"))
		return "the offer was already used";
	if (o->expires <= now)
		return "the offer has expired";
	return NULL;
}

void vci_offer(vci_server *s, const char *ref, vci_answer *a)
{
	offer_rec o = { 0 };
	ob_error err = { 0 };
	const char *why;
	json_t *grant, *off;
	int found = 0;

	pthread_mutex_lock(&s->lock);
	if (offer_db_find(s->st.db, "ref", ref, &o, &found, &err)) {
		server_error(a, &err);
		goto out;
	}
	if (!found) {
		oauth_error(a, 404, "not_found", "no such offer");
		goto out;
	}
	if ((why = vci_offer_refusal(&o, time(NULL)))) {
		oauth_error(a, 410, "invalid_grant", why);
		goto out;
	}
	grant = json_pack("{s:s}", "pre-authorized_code", o.code);
	if (grant && o.has_pin)
		json_object_set_new(grant, "tx_code",
				    json_pack("{s:s,s:i,s:s}", "input_mode", "numeric", "length", OFFER_PIN_DIGITS,
					      "description", "The PIN your issuer sent you separately"));
	off = json_pack("{s:s,s:[s,s],s:{s:o*}}", "credential_issuer", s->issuer_url,
			"credential_configuration_ids", VCI_CONF_LDP, VCI_CONF_JWT,
			"grants", OB_OID4VCI_PREAUTH, grant);
	answer(a, 200, off);
out:
	pthread_mutex_unlock(&s->lock);
	offer_rec_release(&o);
}

/* ---- token ---- */

/* 32 random bytes as base64url into text, their SHA-256 into hash. */
static ob_code new_secret(ob_buf *text, unsigned char hash[32], ob_error *err)
{
	unsigned char r[32];
	ob_code rc;

	if ((rc = ob_random(r, sizeof(r), err)))
		return rc;
	if (ob_base64url_encode(text, r, sizeof(r)) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	OPENSSL_cleanse(r, sizeof(r));
	if (!rc)
		ob_sha256(text->data, text->len, hash);
	return rc;
}

/* The PIN step: 0 to go on, else a has the refusal. */
static int check_pin(vci_server *s, const offer_rec *o, const char *tx_code, time_t now, vci_answer *a)
{
	ob_error err = { 0 };
	char msg[128];
	long fails;

	if (!o->has_pin) {
		if (tx_code) {
			oauth_error(a, 400, "invalid_request", "this offer takes no tx_code");
			return -1;
		}
		return 0;
	}
	if (!tx_code || !*tx_code) {
		oauth_error(a, 400, "invalid_request", "this offer needs its tx_code (the PIN sent separately)");
		return -1;
	}
	if (issuer_offer_pin_ok(o->pin, tx_code))
		return 0;
	if (offer_db_pin_fail(s->st.db, o->id, OFFER_PIN_TRIES, now, &fails, &err)) {
		server_error(a, &err);
		return -1;
	}
	if (fails >= OFFER_PIN_TRIES)
		snprintf(msg, sizeof(msg), "wrong tx_code; the offer is now locked");
	else
		snprintf(msg, sizeof(msg), "wrong tx_code (%ld tries left)", OFFER_PIN_TRIES - fails);
	oauth_error(a, 400, "invalid_grant", msg);
	return -1;
}

void vci_token(vci_server *s, const char *grant_type, const char *code, const char *tx_code, vci_answer *a)
{
	offer_rec o = { 0 };
	ob_error err = { 0 };
	ob_buf tok = OB_BUF_INIT;
	unsigned char hash[32];
	const char *why;
	time_t now = time(NULL);
	int found = 0, done = 0;

	if (!grant_type || strcmp(grant_type, OB_OID4VCI_PREAUTH)) {
		oauth_error(a, 400, "unsupported_grant_type", "only the pre-authorized code grant is supported");
		return;
	}
	if (!code || !*code) {
		oauth_error(a, 400, "invalid_request", "pre-authorized_code is missing");
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (offer_db_find(s->st.db, "code", code, &o, &found, &err)) {
		server_error(a, &err);
		goto out;
	}
	if (!found) {
		oauth_error(a, 400, "invalid_grant", "unknown pre-authorized_code");
		goto out;
	}
	if ((why = vci_offer_refusal(&o, now))) {
		oauth_error(a, 400, "invalid_grant", why);
		goto out;
	}
	if (check_pin(s, &o, tx_code, now, a))
		goto out;
	if (new_secret(&tok, hash, &err) ||
	    offer_db_redeem(s->st.db, o.id, hash, now + s->token_ttl, now, &done, &err)) {
		server_error(a, &err);
		goto out;
	}
	if (!done) {
		oauth_error(a, 400, "invalid_grant", "the offer was already used");
		goto out;
	}
	fprintf(stderr, "ob-issuer: serve: offer %s redeemed\n", o.id);
	answer(a, 200, json_pack("{s:s%,s:s,s:I}", "access_token", tok.data, tok.len, "token_type", "Bearer",
				 "expires_in", (json_int_t)s->token_ttl));
out:
	pthread_mutex_unlock(&s->lock);
	ob_buf_release_secret(&tok);
	offer_rec_release(&o);
}

void vci_nonce(vci_server *s, vci_answer *a)
{
	ob_error err = { 0 };
	ob_buf n = OB_BUF_INIT;
	unsigned char hash[32];
	time_t now = time(NULL);
	int dup = 0;

	pthread_mutex_lock(&s->lock);
	if (new_secret(&n, hash, &err) ||
	    offer_db_once_add(s->st.db, ONCE_NONCE, hash, now + s->nonce_ttl, now, &dup, &err))
		server_error(a, &err);
	else
		answer(a, 200, json_pack("{s:s%}", "c_nonce", n.data, n.len));
	pthread_mutex_unlock(&s->lock);
	ob_buf_release(&n);
}

/* ---- credential ---- */

ob_code vci_issue(vci_server *s, const offer_rec *o, const char *holder, int jwt, int exchange, ob_buf *out,
		  ob_error *err)
{
	return vci_issue_with(s, o, holder, jwt, exchange, NULL, NULL, out, err);
}

ob_code vci_issue_with(vci_server *s, const offer_rec *o, const char *holder, int jwt, int exchange,
		       ob_code (*spend)(vci_server *s, void *ctx, ob_error *err), void *ctx, ob_buf *out,
		       ob_error *err)
{
	issuer_state *st = &s->st;
	ob3_issue_opts io = { .recipient = holder, .name = o->name };
	ob_sign_opts so = { .schema_form = 1, .verification_method = st->vm, .suite = jwt ? "vc-jwt" : NULL };
	status_alloc sa = { 0 };
	json_t *ach = NULL, *cred = NULL, *ident;
	char *base = NULL, now[32];
	long list = 0, idx = 0;
	int lockfd = -1, in_tx = 0, done = 0;
	ob_code rc;

	if (!(ach = issuer_load_achievement(st, o->achievement, err)) || (lockfd = issuer_lock(st, err)) < 0 ||
	    issuer_db_begin(st->db, err))
		goto fail;
	in_tx = 1;
	/* the request's one-time values first: a refusal signs nothing, and
	 * they are spent only if the credential is */
	if (spend && spend(s, ctx, err))
		goto fail;
	if (!s->no_status) {
		if (!(base = issuer_base_url(st, err)) || status_alloc_load(st, &sa, err) ||
		    status_alloc_next(&sa, &list, &idx, err))
			goto fail;
		if (!(io.status = issuer_status_json(base, list, idx, 0))) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			goto fail;
		}
	}
	if (!(cred = ob3_build_credential(st->profile, ach, &io, err)))
		goto fail;
	/* the e-mail address the offer was made for stays in it, hashed */
	if (ob3_is_email(o->recipient)) {
		if (!(ident = ob3_identity_object(o->recipient, err)) ||
		    json_object_set_new((json_t *)ob3_subject(cred), "identifier", json_pack("[o]", ident)))
			goto fail;
	}
	if (ob_issue_sign(cred, st->key, &so, out, err))
		goto fail;
	ob_date_format(time(NULL), now);
	{
		issued_row row = {
			.id = ob_json_str(cred, "id"), .achievement = o->achievement, .recipient = o->recipient,
			.suite = jwt ? "vc-jwt" : ob_issue_default_suite(st->key), .issued_at = now,
			.credential = out->data, .credential_len = out->len, .list = list, .idx = idx,
		};
		if (issuer_db_log_add(st->db, &row, err))
			goto fail;
	}
	if (list && (status_alloc_commit(st, &sa, list, idx, 0, err) || status_alloc_save(st, &sa, err)))
		goto fail;
	if ((exchange ? offer_db_exchange_issued : offer_db_issued)(st->db, o->id, ob_json_str(cred, "id"), holder,
								       time(NULL), &done, err))
		goto fail;
	if (!done) {
		ob_fail(err, OB_EINVALID, "the offer was already used");
		goto fail;
	}
	if (issuer_db_commit(st->db, err))
		goto fail;
	in_tx = 0;
	fprintf(stderr, "ob-issuer: serve: offer %s: issued %s to %s\n", o->id, ob_json_str(cred, "id"), holder);
	rc = OB_OK;
	goto out;
fail:
	rc = err->code ? err->code : OB_EIO;
	if (in_tx)
		issuer_db_rollback(st->db);
	ob_buf_truncate(out, 0);
out:
	if (lockfd >= 0)
		close(lockfd);
	status_alloc_release(&sa);
	json_decref(io.status);
	json_decref(ach);
	json_decref(cred);
	free(base);
	return rc;
}

/* The request body's checks; *conf and *proof borrowed from req. 0 to go
 * on, else a has the refusal. */
static int read_request(const json_t *req, const char **conf, const char **proof, vci_answer *a)
{
	const json_t *proofs = json_object_get(req, "proofs"), *jwts;

	if (!json_is_object(req)) {
		oauth_error(a, 400, "invalid_credential_request", "the body is not a JSON object");
		return -1;
	}
	if (json_object_get(req, "credential_identifier")) {
		oauth_error(a, 400, "unknown_credential_identifier", "no credential identifiers were issued");
		return -1;
	}
	*conf = ob_json_str(req, "credential_configuration_id");
	if (!*conf || (strcmp(*conf, VCI_CONF_LDP) && strcmp(*conf, VCI_CONF_JWT))) {
		oauth_error(a, 400, "unknown_credential_configuration", "credential_configuration_id must be "
			    VCI_CONF_LDP " or " VCI_CONF_JWT);
		return -1;
	}
	if (json_object_get(req, "proof")) {
		oauth_error(a, 400, "invalid_credential_request", "'proof' is a draft parameter: send 'proofs'");
		return -1;
	}
	jwts = json_object_get(proofs, "jwt");
	if (!json_is_object(proofs) || json_object_size(proofs) != 1 || !json_is_array(jwts)) {
		oauth_error(a, 400, "invalid_proof", "proofs must be {\"jwt\": [one key proof]}");
		return -1;
	}
	if (json_array_size(jwts) != 1 || !json_is_string(json_array_get(jwts, 0))) {
		oauth_error(a, 400, "invalid_proof", "exactly one jwt key proof is taken (no batch issuance)");
		return -1;
	}
	*proof = json_string_value(json_array_get(jwts, 0));
	return 0;
}

/* The bearer token's offer, redeemed and its token current: 0, else a
 * has the refusal. */
static int token_offer(vci_server *s, const char *bearer, time_t now, offer_rec *o, vci_answer *a)
{
	unsigned char hash[32];
	ob_error err = { 0 };
	int found = 0;

	if (!bearer || strncmp(bearer, "Bearer ", 7) || !bearer[7]) {
		oauth_error(a, 401, "invalid_token", "an access token (Authorization: Bearer) is required");
		a->www_auth = "Bearer";
		return -1;
	}
	ob_sha256(bearer + 7, strlen(bearer + 7), hash);
	if (offer_db_find_token(s->st.db, hash, o, &found, &err)) {
		server_error(a, &err);
		return -1;
	}
	if (!found || strcmp(o->state, "redeemed") || o->token_expires <= now) {
		oauth_error(a, 401, "invalid_token", found && o->token_expires <= now ? "the access token has expired"
			    : "the access token is not valid");
		a->www_auth = "Bearer error=\"invalid_token\"";
		return -1;
	}
	return 0;
}

/* What the credential request spends, in the issuing transaction: its
 * key proof (recorded: a replay is refused) and its nonce (taken).
 * Refusals are OB_EINVALID with refusal set; nothing is kept then. */
struct spend_proof {
	const ob_oid4vci_proof *pr;
	time_t now;
	const char *code, *refusal;
};

static ob_code spend_proof(vci_server *s, void *ctx, ob_error *err)
{
	struct spend_proof *sp = ctx;
	unsigned char nh[32];
	int dup = 0, ok = 0;

	if (offer_db_once_add(s->st.db, ONCE_PROOF, sp->pr->digest, sp->now + 2 * OB_OID4VCI_IAT_WINDOW, sp->now,
			      &dup, err))
		return err->code;
	if (dup) {
		sp->code = "invalid_proof";
		sp->refusal = "this key proof was used before (a replay)";
		return ob_fail(err, OB_EINVALID, "%s", sp->refusal);
	}
	ob_sha256(sp->pr->nonce, strlen(sp->pr->nonce), nh);
	if (offer_db_once_take(s->st.db, ONCE_NONCE, nh, sp->now, &ok, err))
		return err->code;
	if (!ok) {
		sp->code = "invalid_nonce";
		sp->refusal = "the nonce is unknown, used or stale: get a new one";
		return ob_fail(err, OB_EINVALID, "%s", sp->refusal);
	}
	return OB_OK;
}

/* The token is looked up under the lock, the body and the key proof (a
 * signature check) are read without it, and the issuing transaction
 * spends the proof, the nonce and the offer together with logging the
 * credential: one synced commit, all or nothing. Another request racing
 * with the same token loses at the offer's guarded UPDATE. */
void vci_credential(vci_server *s, const char *bearer, const char *body, size_t len, vci_answer *a)
{
	offer_rec o = { 0 };
	ob_oid4vci_proof pr = { 0 };
	ob_error err = { 0 };
	ob_buf out = OB_BUF_INIT;
	json_t *req = NULL, *cred;
	const char *conf, *proof;
	time_t now = time(NULL);
	struct spend_proof sp = { .pr = &pr, .now = now };
	int bad;

	pthread_mutex_lock(&s->lock);
	bad = token_offer(s, bearer, now, &o, a);
	pthread_mutex_unlock(&s->lock);
	if (bad)
		goto out;
	if (!(req = ob_json_parse(body, len, &err))) {
		oauth_error(a, 400, "invalid_credential_request", err.msg);
		goto out;
	}
	if (read_request(req, &conf, &proof, a))
		goto out;
	if (ob_oid4vci_proof_check(proof, strlen(proof), s->issuer_url, now, &pr, &err)) {
		oauth_error(a, 400, "invalid_proof", err.msg);
		goto out;
	}
	if (!pr.nonce) {
		oauth_error(a, 400, "invalid_nonce", "the key proof has no nonce (get one from the nonce endpoint)");
		goto out;
	}
	pthread_mutex_lock(&s->lock);
	bad = vci_issue_with(s, &o, pr.holder, !strcmp(conf, VCI_CONF_JWT), 0, spend_proof, &sp, &out, &err) != OB_OK;
	pthread_mutex_unlock(&s->lock);
	if (bad) {
		if (sp.refusal)
			oauth_error(a, 400, sp.code, sp.refusal);
		else if (err.code == OB_EINVALID)
			oauth_error(a, 401, "invalid_token", err.msg);
		else
			server_error(a, &err);
		goto out;
	}
	if (!strcmp(conf, VCI_CONF_JWT)) {
		while (out.len && (out.data[out.len - 1] == '\n'))
			out.len--;
		cred = json_stringn(out.data, out.len);
	} else
		cred = ob_json_parse(out.data, out.len, &err);
	answer(a, 200, cred ? json_pack("{s:[{s:o}]}", "credentials", "credential", cred) : NULL);
out:
	json_decref(req);
	ob_oid4vci_proof_release(&pr);
	ob_buf_release(&out);
	offer_rec_release(&o);
}
