/* ob-wallet receive: the OpenID4VCI 1.0 client (pre-authorized code
 * flow, exchange.md section 1). From an offer link, its URI or a QR
 * image of it: the offer, the issuer's and authorization server's
 * metadata, the token (with the PIN when the offer asks for one), a
 * nonce, a `jwt` key proof signed with the wallet's holder key, the
 * credential; then it is verified and stored as `add` stores a file.
 *
 * The wallet is unlocked before the one-time code is spent, so a wrong
 * passphrase never burns an offer. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base/dates.h"
#include "base/json.h"
#include "canon/jcs.h"
#include "cli/cli.h"
#include "cli/netopts.h"
#include "io/http_post.h"
#include "io/qrscan.h"
#include "vc/ob3.h"
#include "vc/oid4vci.h"
#include "vc/verify.h"
#include "specs.h"
#include "wallet.h"

#define MAX_PIN 64
#define MAX_OFFER_INPUT (16u * 1024 * 1024)

struct recv {
	const char *pin_file;
	const char *format;      /* "ldp_vc" (default) or "jwt_vc_json" */
	ob_http_opts http;
	json_t *offer, *meta, *as;
	const char *issuer, *code;
	int tx_code;
	char *pin;               /* secret */
	ob_buf token;            /* secret */
	char *nonce;
	json_t *authz;           /* the token answer's authorization_details */
	int json;                /* --json: one object on stdout */
};

/* ---- the PIN ---- */

static ob_code pin_from_tty(char *buf, size_t max, ob_error *err)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), echo_off = 0;
	size_t n = 0;
	ob_code rc = OB_OK;
	char c;

	if (fd < 0)
		return ob_fail(err, OB_EUSAGE, "the offer needs a PIN: give --pin-file (no terminal to ask on)");
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, "PIN (sent to you separately): ", 30) < 0) {
		rc = ob_fail(err, OB_EIO, "cannot ask for the PIN: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 >= max) {
			rc = ob_fail(err, OB_EUSAGE, "the PIN is too long");
			break;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (write(fd, "\n", 1) < 0)
		(void)0;
out:
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	OPENSSL_cleanse(&c, sizeof(c));
	return rc;
}

static ob_code read_pin(struct recv *r, ob_error *err)
{
	char buf[MAX_PIN + 2];
	ob_code rc;
	size_t n;

	if (r->pin_file) {
		char *text = NULL;
		size_t len = 0;

		if ((rc = ob_file_read(r->pin_file, 4096, &text, &len, err)))
			return rc;
		n = strcspn(text, "\r\n");
		if (n > MAX_PIN) {
			OPENSSL_clear_free(text, len);
			return ob_fail(err, OB_EUSAGE, "--pin-file: the PIN is longer than %d characters", MAX_PIN);
		}
		memcpy(buf, text, n);
		buf[n] = '\0';
		OPENSSL_clear_free(text, len);
	} else if ((rc = pin_from_tty(buf, sizeof(buf), err)))
		goto out;
	if (!buf[0]) {
		rc = ob_fail(err, OB_EUSAGE, "no PIN given (the offer needs the one your issuer sent)");
		goto out;
	}
	if (!(r->pin = strdup(buf)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		rc = OB_OK;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

/* ---- HTTP and JSON ---- */

/* A JSON object from url (GET, or POST of body); status other than 200
 * is an error naming the OAuth error the body gives. */
static json_t *call(struct recv *r, const char *what, const char *url, const ob_http_req *req, ob_error *err)
{
	ob_buf body = OB_BUF_INIT;
	json_t *j = NULL;
	ob_error e = { 0 };
	long status = 0;

	if (ob_http_send(url, req, &r->http, &status, &body, NULL, err))
		goto out;
	j = ob_json_parse(body.data ? body.data : "", body.len, &e);
	if (status != 200) {
		const char *code = j ? ob_json_str(j, "error") : NULL, *desc = j ? ob_json_str(j, "error_description") : NULL;

		ob_fail(err, status >= 500 ? OB_ENET : OB_EINVALID, "%s: the issuer said %ld%s%s%s%s", what, status,
			code ? " " : "", code ? code : "", desc ? ": " : "", desc ? desc : "");
		json_decref(j);
		j = NULL;
	} else if (!j || !json_is_object(j)) {
		ob_fail(err, OB_EINVALID, "%s: the answer is not a JSON object%s%s", what, e.msg[0] ? ": " : "", e.msg);
		json_decref(j);
		j = NULL;
	}
out:
	ob_buf_release_secret(&body);
	return j;
}

static json_t *get(struct recv *r, const char *what, const char *url, ob_error *err)
{
	ob_http_req req = { .method = "GET" };

	return call(r, what, url, &req, err);
}

/* An https endpoint named in a metadata document (borrowed). */
static const char *endpoint(const json_t *doc, const char *key, int required, ob_error *err)
{
	const char *u = ob_json_str(doc, key);

	if (!u && !required)
		return NULL;
	if (!u || strncmp(u, "https://", 8)) {
		ob_fail(err, OB_EINVALID, "the issuer's metadata has no https %s", key);
		return NULL;
	}
	return u;
}

/* ---- the steps ---- */

/* The offer link, URI or image arg names: into r->offer. */
static ob_code read_offer(struct recv *r, const char *arg, ob_error *err)
{
	ob_buf text = OB_BUF_INIT, val = OB_BUF_INIT;
	char *data = NULL;
	size_t len = 0;
	int by_value = 0;
	ob_code rc;
	const char *s;
	size_t n;

	if (access(arg, F_OK) == 0) {
		if ((rc = ob_file_read(arg, MAX_OFFER_INPUT, &data, &len, err)))
			goto out;
		if (ob_qrscan_sniff(data, len)) {
			if ((rc = ob_qrscan_image(data, len, &text, err)))
				goto out;
		} else if (ob_buf_add(&text, data, len) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
	} else if (ob_buf_adds(&text, arg) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	/* the link without the blanks around it */
	s = text.data ? text.data : "";
	n = text.len;
	while (n && strchr(" \t\r\n", *s))
		s++, n--;
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	ob_buf_truncate(&val, 0);
	if (n > OB_OID4VCI_MAX_LINK || memchr(s, '\0', n)) {
		rc = ob_fail(err, OB_EINVALID, "'%s' is not an offer link", arg);
		goto out;
	}
	{
		char *link = strndup(s, n);

		if (!link) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		if (!strncmp(link, "http://", 7)) {
			free(link);
			rc = ob_fail(err, OB_EUSAGE, "refusing '%s': only https offers are fetched", arg);
			goto out;
		}
		if (!strncmp(link, "https://", 8) && !strstr(link, "credential_offer"))
			rc = ob_buf_adds(&val, link) < 0 ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
		else
			rc = ob_oid4vci_offer_parse_link(link, &by_value, &val, err);
		free(link);
		if (rc)
			goto out;
	}
	if (by_value)
		rc = (r->offer = ob_json_parse(val.data, val.len, err)) ? OB_OK : err->code;
	else
		rc = (r->offer = get(r, "the offer", val.data, err)) ? OB_OK : err->code;
	if (!rc)
		rc = ob_oid4vci_offer_check(r->offer, &r->issuer, &r->code, &r->tx_code, err);
out:
	free(data);
	ob_buf_release(&text);
	ob_buf_release(&val);
	return rc;
}

/* The issuer's metadata and its authorization server's: the chosen
 * configuration id into *conf (borrowed from the offer). */
static ob_code read_metadata(struct recv *r, const char **conf, const char **token_url, ob_error *err)
{
	ob_buf url = OB_BUF_INIT;
	const json_t *ids = json_object_get(r->offer, "credential_configuration_ids"), *confs, *as;
	const char *as_id = r->issuer, *fmt;
	ob_code rc = OB_OK;
	size_t i;
	int pass;

	*conf = NULL;
	if ((rc = ob_oid4vci_wellknown(r->issuer, "openid-credential-issuer", &url, err)) ||
	    !(r->meta = get(r, "the issuer metadata", url.data, err))) {
		rc = err->code;
		goto out;
	}
	if (!ob_json_str(r->meta, "credential_issuer") || strcmp(ob_json_str(r->meta, "credential_issuer"), r->issuer)) {
		rc = ob_fail(err, OB_EINVALID, "the issuer metadata names another issuer than the offer");
		goto out;
	}
	if (!endpoint(r->meta, "credential_endpoint", 1, err) ||
	    (json_object_get(r->meta, "nonce_endpoint") && !endpoint(r->meta, "nonce_endpoint", 1, err))) {
		rc = err->code;
		goto out;
	}
	confs = json_object_get(r->meta, "credential_configurations_supported");
	/* the offered configuration in the wanted format, else any we take */
	for (pass = 0; pass < 2 && !*conf; pass++)
		for (i = 0; i < json_array_size(ids) && !*conf; i++) {
			const char *id = json_string_value(json_array_get(ids, i));

			fmt = ob_json_str(json_object_get(confs, id), "format");
			if (fmt && (pass ? !strcmp(fmt, "ldp_vc") || !strcmp(fmt, "jwt_vc_json") : !strcmp(fmt, r->format)))
				*conf = id;
		}
	if (!*conf) {
		rc = ob_fail(err, OB_EUNSUPPORTED, "the offer has no credential in a format this wallet takes "
			     "(ldp_vc, jwt_vc_json)");
		goto out;
	}
	/* bound to the holder by a jwt key proof (VCI 1.0: proof_types_supported
	 * is there iff the credential is bound); else it is refused before the
	 * one-time code is spent */
	if (!json_object_get(json_object_get(json_object_get(confs, *conf), "proof_types_supported"), "jwt")) {
		rc = ob_fail(err, OB_EUNSUPPORTED, "the issuer would not bind %s to this wallet's key "
			     "(no jwt key proof in its proof_types_supported)", *conf);
		goto out;
	}
	as = json_object_get(r->meta, "authorization_servers");
	if (json_is_array(as) && json_array_size(as))
		as_id = json_string_value(json_array_get(as, 0));
	if (!as_id || strncmp(as_id, "https://", 8)) {
		rc = ob_fail(err, OB_EINVALID, "the issuer's authorization server is not an https URL");
		goto out;
	}
	ob_buf_truncate(&url, 0);
	if ((rc = ob_oid4vci_wellknown(as_id, "oauth-authorization-server", &url, err)) ||
	    !(r->as = get(r, "the authorization server metadata", url.data, err))) {
		rc = err->code;
		goto out;
	}
	if (!ob_json_str(r->as, "issuer") || strcmp(ob_json_str(r->as, "issuer"), as_id)) {
		rc = ob_fail(err, OB_EINVALID, "the authorization server metadata names another server");
		goto out;
	}
	if (!(*token_url = endpoint(r->as, "token_endpoint", 1, err)))
		rc = err->code;
out:
	ob_buf_release(&url);
	return rc;
}

static ob_code get_token(struct recv *r, const char *token_url, ob_error *err)
{
	ob_buf form = OB_BUF_INIT;
	ob_http_req req = { .method = "POST", .content_type = "application/x-www-form-urlencoded" };
	json_t *t = NULL;
	const char *tok;
	ob_code rc = OB_OK;

	ob_buf_adds(&form, "grant_type=");
	ob_oid4vci_urlencode(&form, OB_OID4VCI_PREAUTH);
	ob_buf_adds(&form, "&pre-authorized_code=");
	ob_oid4vci_urlencode(&form, r->code);
	if (r->pin) {
		ob_buf_adds(&form, "&tx_code=");
		ob_oid4vci_urlencode(&form, r->pin);
	}
	if (form.oom) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	req.body = form.data;
	req.len = form.len;
	if (!(t = call(r, "the token request", token_url, &req, err))) {
		rc = err->code;
		goto out;
	}
	if (!(tok = ob_json_str(t, "access_token")) || !*tok) {
		rc = ob_fail(err, OB_EINVALID, "the token answer has no access_token");
		goto out;
	}
	/* RFC 6749 5.1: token_type is required (case-insensitive); this
	 * wallet presents Bearer tokens only (no DPoP key) */
	if (!ob_json_str(t, "token_type") || strcasecmp(ob_json_str(t, "token_type"), "Bearer")) {
		rc = ob_fail(err, OB_EUNSUPPORTED, "the token answer's token_type is %s, not Bearer (the only kind this "
			     "wallet uses)", ob_json_str(t, "token_type") ? ob_json_str(t, "token_type") : "missing");
		goto out;
	}
	if (ob_buf_adds(&r->token, tok) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	r->authz = json_incref(json_object_get(t, "authorization_details"));
out:
	json_decref(t);
	ob_buf_release_secret(&form);
	return rc;
}

static ob_code get_nonce(struct recv *r, ob_error *err)
{
	const char *url = ob_json_str(r->meta, "nonce_endpoint");
	ob_http_req req = { .method = "POST", .content_type = "application/x-www-form-urlencoded" };
	json_t *n;
	const char *v;

	if (!url)
		return OB_OK; /* the issuer takes proofs without a nonce */
	if (!(n = call(r, "the nonce request", url, &req, err)))
		return err->code;
	v = ob_json_str(n, "c_nonce");
	if (!v || !*v || !(r->nonce = strdup(v))) {
		json_decref(n);
		return v ? ob_fail(err, OB_ENOMEM, "out of memory") : ob_fail(err, OB_EINVALID, "the nonce answer has no c_nonce");
	}
	json_decref(n);
	return OB_OK;
}

/* The first credential_identifiers entry that authorization_details (VCI
 * 1.0 Token Response, RAR) gives for the configuration conf, or NULL. */
static const char *credential_identifier(const json_t *authz, const char *conf)
{
	size_t i;

	for (i = 0; i < json_array_size(authz); i++) {
		const json_t *d = json_array_get(authz, i);
		const char *type = ob_json_str(d, "type"), *id = ob_json_str(d, "credential_configuration_id");

		if (type && !strcmp(type, "openid_credential") && id && !strcmp(id, conf))
			return json_string_value(json_array_get(json_object_get(d, "credential_identifiers"), 0));
	}
	return NULL;
}

/* The credential request: the credential's text into out. */
static ob_code get_credential(struct recv *r, const char *conf, const ob_key *key, const char *kid, ob_buf *out,
			      ob_error *err)
{
	ob_buf proof = OB_BUF_INIT, body = OB_BUF_INIT;
	ob_http_req req = { .method = "POST", .content_type = "application/json" };
	json_t *q = NULL, *a = NULL;
	const json_t *cred;
	const char *ident;
	ob_code rc;

	if ((rc = ob_oid4vci_proof_sign(key, kid, r->issuer, r->nonce, time(NULL), &proof, err)))
		goto out;
	/* VCI 1.0 Credential Request: credential_identifier when the token
	 * answer gave identifiers for this configuration, else its id */
	q = (ident = credential_identifier(r->authz, conf))
		    ? json_pack("{s:s,s:{s:[s]}}", "credential_identifier", ident, "proofs", "jwt", proof.data)
		    : json_pack("{s:s,s:{s:[s]}}", "credential_configuration_id", conf, "proofs", "jwt", proof.data);
	if (!q || ob_json_write(&body, q, 0) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	req.body = body.data;
	req.len = body.len;
	req.bearer = r->token.data;
	if (!(a = call(r, "the credential request", ob_json_str(r->meta, "credential_endpoint"), &req, err))) {
		rc = err->code;
		goto out;
	}
	cred = json_object_get(json_array_get(json_object_get(a, "credentials"), 0), "credential");
	if (json_is_string(cred))
		rc = ob_buf_adds(out, json_string_value(cred)) < 0 ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
	else if (json_is_object(cred))
		rc = ob_json_write(out, cred, OB_JSON_PRETTY) < 0 || ob_buf_addc(out, '\n') < 0
			     ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
	else if (json_object_get(a, "transaction_id"))
		rc = ob_fail(err, OB_EUNSUPPORTED, "the issuer deferred the credential (not supported yet)");
	else
		rc = ob_fail(err, OB_EINVALID, "the credential answer has no credentials[0].credential");
out:
	json_decref(q);
	json_decref(a);
	ob_buf_release(&proof);
	ob_buf_release(&body);
	return rc;
}

/* Verifies and stores text as `add` does; prints its id, or with row
 * (--json) sets its verdict and id there. */
static ob_code store(wallet *w, const char *text, size_t len, const char *holder, const char *source,
		     const ob_verify_opts *vo, json_t *row, ob_error *err)
{
	ob_report *rep = NULL;
	json_t *sum = NULL, *rj = NULL;
	ob_buf newid = OB_BUF_INIT;
	unsigned char dedup[32];
	char checked[32], added[32];
	const char *id, *subject;
	ob_code rc;

	if (!(rep = ob_verify_bytes(text, len, vo, err)))
		return err->code;
	if (!rep->document || strcmp(rep->kind, "presentation") == 0) {
		rc = ob_fail(err, OB_EINVALID, "the issuer sent something that is not a credential: %s", wallet_reason(rep));
		goto out;
	}
	if (row && json_object_set_new(row, "verdict", json_string(ob_verdict_name(rep->verdict)))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (rep->verdict != OB_VALID) {
		rc = ob_fail(err, rep->verdict == OB_INVALID ? OB_EINVALID : OB_EIO, "the credential received %s: %s",
			     rep->verdict == OB_INVALID ? "is invalid" : "could not be verified", wallet_reason(rep));
		goto out;
	}
	subject = ob_json_str(ob3_subject(rep->document), "id");
	/* VCI 1.0 binds the credential to the key of the proof: one bound
	 * to someone else could never be presented as ours */
	if (!subject || strcmp(subject, holder)) {
		rc = ob_fail(err, OB_EINVALID, "the issuer bound the credential to %s, not to this wallet's %s",
			     subject ? subject : "no one", holder);
		goto out;
	}
	if (wallet_warning(rep))
		fprintf(stderr, "%s: warning: the credential does not follow the Open Badges rules: %s\n", ob_cli_prog(),
			wallet_warning(rep));
	if ((id = rep->credential_id))
		rc = wallet_id_tag(w, id, dedup, err);
	else if (!(rc = ob_vault_tag(w->dk, "content", text, len, dedup, err)) && !(rc = ob3_new_uuid(&newid, err)))
		id = newid.data;
	if (rc)
		goto out;
	ob_date_format(ob_date_now(vo->now), checked);
	ob_date_format(time(NULL), added);
	if (!(sum = json_object()) || wallet_summary_set(sum, rep, id, checked, 1) ||
	    json_object_set_new(sum, "addedAt", json_string(added)) ||
	    json_object_set_new(sum, "source", json_string(source)) || !(rj = ob_report_to_json(rep))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = ob_store_begin(w->db, err)))
		goto out;
	if ((rc = wallet_rec_insert(w, sum, text, len, rj, dedup, err)) || (rc = wallet_census_update(w, err))) {
		ob_store_rollback(w->db);
		goto out;
	}
	if ((rc = ob_store_commit(w->db, err)))
		goto out;
	if (!row)
		printf("%s\n", id);
	else if (json_object_set_new(row, "id", json_string(id)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	ob_report_free(rep);
	json_decref(sum);
	json_decref(rj);
	ob_buf_release(&newid);
	return rc;
}

static void recv_release(struct recv *r)
{
	json_decref(r->offer);
	json_decref(r->meta);
	json_decref(r->as);
	if (r->pin) {
		OPENSSL_cleanse(r->pin, strlen(r->pin));
		free(r->pin);
	}
	ob_buf_release_secret(&r->token);
	free(r->nonce);
	json_decref(r->authz);
}

/* --json: {"credentials": [row]}, row with "added" and, when it was not,
 * the "error" (err, kept). */
static void print_row(json_t *row, ob_error *err)
{
	json_t *o = json_pack("{s:[O]}", "credentials", row);
	ob_error e = { 0 };

	if (!o || json_object_set_new(row, "added", json_boolean(!err->code)) ||
	    (err->code && json_object_set_new(row, "error", json_string(err->msg))))
		ob_fail(&e, OB_ENOMEM, "out of memory");
	else
		wallet_json_print(o, &e);
	json_decref(o);
	if (e.code && !err->code)
		*err = e;
}

/* The whole exchange, after the options. */
static ob_code receive(struct recv *r, const char *arg, struct ob_netopts *net, ob_verify_opts *vo, ob_error *err)
{
	wallet w = { 0 };
	ob_key *key = NULL;
	ob_buf did = OB_BUF_INIT, kid = OB_BUF_INIT, cred = OB_BUF_INIT, src = OB_BUF_INIT;
	const char *conf = NULL, *token_url = NULL;
	json_t *row = NULL;
	char *lcw_offer = NULL; /* an LCW link's OpenID4VCI offer */
	int done = 0;
	ob_code rc;

	r->http = net->http;
	r->http.cache_dir = NULL;
	r->http.offline = 0;
	/* an LCW link: the VC-API exchange (receive_vcapi.c) */
	if ((rc = wallet_vcapi_receive(arg, &r->http, vo, r->json, &done, &lcw_offer, err)) || done)
		goto out;
	if ((rc = read_offer(r, lcw_offer ? lcw_offer : arg, err)) || (rc = read_metadata(r, &conf, &token_url, err)))
		goto out;
	if ((rc = wallet_unlock(&w, err)))
		goto out;
	if (!(key = wallet_holder_key(&w, err))) {
		rc = err->code;
		goto out;
	}
	if ((rc = ob_key_did(key, &did, &kid, err)))
		goto out;
	if (r->tx_code && (rc = read_pin(r, err)))
		goto out;
	if ((rc = get_token(r, token_url, err)) || (rc = get_nonce(r, err)) ||
	    (rc = get_credential(r, conf, key, kid.data, &cred, err)))
		goto out;
	fprintf(stderr, "%s: received a credential from %s\n", ob_cli_prog(), r->issuer);
	ob_buf_addf(&src, "OpenID4VCI %s", r->issuer);
	if (src.oom) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (r->json && !(row = json_pack("{s:s}", "issuer", r->issuer))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = store(&w, cred.data, cred.len, did.data, src.data, vo, row, err)) && err->code != OB_ENOMEM) {
		/* spent: the offer cannot be had again, so say where it is */
		fprintf(stderr, "%s: the credential was not stored; here it is:\n", ob_cli_prog());
		fwrite(cred.data, 1, cred.len, stderr);
		if (cred.len && cred.data[cred.len - 1] != '\n')
			fputc('\n', stderr); /* a VC-JWT has none: the error goes on a line of its own */
	}
	if (row && err->code != OB_ENOMEM)
		print_row(row, err);
out:
	free(lcw_offer);
	json_decref(row);
	ob_key_free(key);
	wallet_close(&w);
	ob_buf_release(&did);
	ob_buf_release(&kid);
	ob_buf_release_secret(&cred);
	ob_buf_release(&src);
	return rc;
}

int cmd_receive(int argc, char **argv);

static const struct ob_cmd_opt receive_opts[] = {
	{ "pin-file", 0, "FILE", "read the offer's PIN from FILE's first line", 'p', 0 },
	{ "json", 0, NULL, "print one JSON object: the credential's id and verdict", 'j', 0 },
	{ "format", 0, "ldp_vc|jwt_vc_json", "the format to ask for when the offer has both", 'F', 0 },
	{ "now", 0, "T", "check validity at date-time T instead of now", 'n', 0 },
	OB_NETOPTS_TABLE,
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec receive_spec = {
	"receive", cmd_receive, NULL, receive_opts, "OFFER|URL|QR-IMAGE",
	"Claims a credential offered over OpenID4VCI (pre-authorized code) or a\n"
	"VC-API exchange (a Learner Credential Wallet link), bound to the holder's\n"
	"DID, and stores it as add does.", NULL,
};

int cmd_receive(int argc, char **argv)
{
	struct recv r = { .format = "ldp_vc" };
	ob_verify_opts vo = { .holder = 1 }; /* as add checks */
	struct ob_netopts net;
	ob_registry *reg = NULL;
	ob_error err = { 0 };
	int c, rc;

	if ((rc = ob_netopts_init(&net)))
		goto out;
	rc = -1;
	optind = 1;
	while (rc < 0 && (c = ob_cmd_getopt(&receive_spec, argc, argv)) != -1) {
		switch (c) {
		case 'p':
			r.pin_file = optarg;
			break;
		case 'j':
			r.json = 1;
			break;
		case 'F':
			if (strcmp(optarg, "ldp_vc") && strcmp(optarg, "jwt_vc_json"))
				rc = ob_cli_usage(ob_cli_current(), "--format wants ldp_vc or jwt_vc_json, got '%s'", optarg);
			r.format = optarg;
			break;
		case 'n':
			if (ob_date_parse(optarg, &vo.now, NULL) < 0)
				rc = ob_cli_usage(ob_cli_current(), "--now wants a date-time such as "
						  "2026-01-01T00:00:00Z, got '%s'", optarg);
			break;
		case OB_OPT_HELP:
			rc = ob_cli_help();
			break;
		default:
			if (!(rc = ob_netopts_option(&net, c, optarg)))
				rc = -1;
			else if (rc < 0)
				rc = wallet_bad_option(c, argv);
		}
	}
	if (rc >= 0)
		goto out;
	if (argc - optind != 1) {
		rc = ob_cli_usage(ob_cli_current(), "receive wants one offer: a link, its https URI or a QR image");
		goto out;
	}
	if ((rc = ob_netopts_check(&net)))
		goto out;
	rc = -1;
	if (ob_netopts_connect(&net, 0, &err) || wallet_registries(&reg, &err))
		goto out;
	vo.loader = net.loader;
	vo.registries = reg;
	receive(&r, argv[optind], &net, &vo, &err);
out:
	recv_release(&r);
	ob_netopts_release(&net);
	ob_registry_free(reg);
	if (rc >= 0)
		return rc;
	return err.code ? ob_cli_fail(&err) : 0;
}
