/* ob-wallet respond: answers an OpenID4VP 1.0 presentation request
 * (exchange.md section 2): reads the openid4vp:// link (or the QR code
 * photo holding it), fetches the request object, shows the learner who
 * asks and for what, lets them choose among the matching credentials,
 * and posts the presentation, signed by the wallet's holder key with the
 * request's nonce as challenge and its client_id as domain, to the
 * response_uri (direct_post). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "canon/jcs.h"
#include "cli/cli.h"
#include "cli/netopts.h"
#include "io/http_post.h"
#include "io/qrscan.h"
#include "vc/oid4vp.h"
#include "vc/present.h"
#include "wallet.h"

#define MAX_INPUT (8u * 1024 * 1024) /* a QR code photo */
#define MAX_PICKS 16

int cmd_respond(int argc, char **argv);

static const struct ob_cmd_opt respond_opts[] = {
	{ "pick", 0, "ID", "send this credential; no question asked", 'p', OB_OPT_REPEAT },
	{ "yes", 'y', NULL, "send the only matching credential without asking", 'y', 0 },
	{ "json", 0, NULL, "print what was sent and the verifier's answer as JSON", 'j', 0 },
	{ "cacert", 0, "FILE", "CAs to trust besides the system's", OB_NETOPT_CACERT, 0 },
	{ "timeout", 0, "SECONDS", "per call (more than 0, at most 600)", OB_NETOPT_TIMEOUT, 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec respond_spec = {
	"respond", cmd_respond, NULL, respond_opts, "REQUEST|QR-IMAGE",
	"Answers a verifier's OpenID4VP request (an openid4vp:// link, or a photo\n"
	"of its QR code): shows who asks and for what, and sends the chosen\n"
	"credential in a presentation signed by this wallet's key.",
	NULL,
};
OB_CMD_REGISTER(respond_spec)

struct ask {
	char *client_id, *request_uri;
	json_t *req;            /* the checked request object */
	const char *ach, *iss;  /* what its DCQL query wants (borrowed) */
	ob_oid4vp_signer who;   /* a signed request's verified DID, or none */
	ob_loader *loader;      /* resolves a did:web verifier's key */
	ob_http_opts http;
	int json;               /* --json: the outcome on stdout */
};

/* The link in arg: the text, or a file holding it or its QR code. */
static ob_code read_link(const char *arg, ob_buf *link, ob_error *err)
{
	char *data = NULL;
	size_t len = 0, n;
	const char *s;
	ob_buf text = OB_BUF_INIT;
	ob_code rc = OB_OK;

	if (!strchr(arg, '?') && access(arg, F_OK) == 0) {
		if ((rc = ob_file_read(arg, MAX_INPUT, &data, &len, err)))
			goto out;
		if (ob_qrscan_sniff(data, len))
			rc = ob_qrscan_image(data, len, &text, err);
		else if (ob_buf_add(&text, data, len) < 0)
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	} else if (ob_buf_adds(&text, arg) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	}
	if (rc)
		goto out;
	s = text.data ? text.data : "";
	n = text.len;
	while (n && strchr(" \t\r\n", *s))
		s++, n--;
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	if (n > OB_OID4VP_MAX_LINK || memchr(s, '\0', n) || !memchr(s, '?', n)) {
		rc = ob_fail(err, OB_EINVALID, "'%s' is not an OpenID4VP request link", arg);
		goto out;
	}
	if (ob_buf_add(link, s, n) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	free(data);
	ob_buf_release(&text);
	return rc;
}

static ob_code fetch_request(struct ask *a, const char *arg, ob_error *err)
{
	ob_buf link = OB_BUF_INIT, body = OB_BUF_INIT;
	ob_http_req req = { .method = "GET" };
	ob_http_opts http = a->http;
	long status = 0;
	ob_code rc;

	if ((rc = read_link(arg, &link, err)) || (rc = ob_oid4vp_parse_link(link.data, &a->client_id, &a->request_uri, err)))
		goto out;
	http.max_bytes = OB_OID4VP_MAX_REQUEST;
	if (!a->request_uri) {
		/* plain parameters: the request is the link itself */
		json_t *p = ob_oid4vp_link_params(link.data, err);
		char *js = p ? ob_json_dumps(p, 0) : NULL;

		json_decref(p);
		if (!js) {
			rc = err->code ? err->code : ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		a->req = ob_oid4vp_request_read(js, strlen(js), a->client_id, err);
		free(js);
		if (!a->req) {
			rc = err->code;
			goto out;
		}
		goto wants;
	}
	if ((rc = ob_http_send(a->request_uri, &req, &http, &status, &body, NULL, err)))
		goto out;
	if (status != 200) {
		json_t *e = ob_json_parse(body.data ? body.data : "", body.len, &(ob_error){ 0 });
		const char *d = ob_json_str(e, "error_description");

		rc = ob_fail(err, OB_EINVALID, "the verifier's request is not available (HTTP %ld%s%s)", status,
			     d ? ": " : "", d ? d : "");
		json_decref(e);
		goto out;
	}
	if (!(a->req = ob_oid4vp_request_check(body.data ? body.data : "", body.len, a->client_id, a->loader, 0,
					       &a->who, err))) {
		rc = err->code;
		goto out;
	}
wants:
	if (ob_oid4vp_dcql_wants(json_object_get(a->req, "dcql_query"), &a->ach, &a->iss))
		rc = ob_fail(err, OB_EINVALID, "the verifier asks for no Open Badge credential (ldp_vc or jwt_vc_json)");
out:
	ob_buf_release(&link);
	ob_buf_release(&body);
	return rc;
}

/* Who asks: the DID whose key signed the request, else (a redirect_uri:
 * client, unsigned) where the answer goes. */
static const char *asker(const struct ask *a)
{
	return a->who.did ? a->who.did : a->client_id + strlen(OB_OID4VP_PREFIX);
}

/* Who asks and for what, on stderr (credential fields and the request are
 * untrusted: wallet_put keeps control characters off the terminal). */
static void tell(const struct ask *a)
{
	const char *name = ob_json_str(json_object_get(a->req, "client_metadata"), "client_name");

	fputs("A verifier asks for a presentation.\n  who:  ", stderr);
	if (a->who.did)
		fputs("asked by ", stderr);
	wallet_put(stderr, asker(a));
	if (a->who.did)
		fputs(" (signature verified)", stderr);
	if (name) {
		fputs(" (calls itself \"", stderr);
		wallet_put(stderr, name);
		fputs("\")", stderr);
	}
	if (a->who.did) {
		fputs("\n  to:   ", stderr);
		wallet_put(stderr, ob_json_str(a->req, "response_uri"));
	}
	fputs("\n  what: an Open Badge", stderr);
	if (a->ach) {
		fputs(" for the achievement ", stderr);
		wallet_put(stderr, a->ach);
	}
	if (a->iss) {
		fputs(" from the issuer ", stderr);
		wallet_put(stderr, a->iss);
	}
	fputs("\n", stderr);
}

struct cand {
	char id[512];
	char title[256];
	int jwt;
};

struct scan {
	const struct ask *a;
	const char *holder;
	struct cand *c;
	size_t n, cap, unbound;
};

static ob_code scan_one(wallet_rec *r, void *ctx, ob_error *err)
{
	struct scan *s = ctx;
	json_t *vc = ob_oid4vp_vc_view(r->raw.data ? r->raw.data : "", r->raw.len);
	const char *subj = vc ? ob_json_str(json_object_get(vc, "credentialSubject"), "id") : NULL;
	const char *id = ob_json_str(r->summary, "id"), *title = wallet_rec_title(r->summary);

	if (vc && id && ob_oid4vp_match(vc, s->a->ach, s->a->iss, NULL, 0)) {
		if (!subj || strcmp(subj, s->holder)) {
			s->unbound++;
		} else if (s->n < s->cap) {
			snprintf(s->c[s->n].id, sizeof(s->c[s->n].id), "%s", id);
			snprintf(s->c[s->n].title, sizeof(s->c[s->n].title), "%s", title ? title : "");
			s->c[s->n].jwt = r->raw.len && r->raw.data[0] != '{' && r->raw.data[strspn(r->raw.data, " \t\r\n")] != '{';
			s->n++;
		}
	}
	json_decref(vc);
	(void)err;
	return OB_OK;
}

/* Reads a line from the terminal; -1 when there is none. */
static int ask_tty(const char *prompt, char *buf, size_t n)
{
	FILE *tty = fopen("/dev/tty", "r+");

	if (!tty)
		return -1;
	fputs(prompt, tty);
	fflush(tty);
	if (!fgets(buf, (int)n, tty)) {
		fclose(tty);
		return -1;
	}
	fclose(tty);
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* The chosen credentials' ids into picks (npicks): --pick, else the one
 * match with --yes, else the learner's choice on the terminal. */
static ob_code choose(const struct scan *s, const char **picks, size_t *npicks, int yes, ob_error *err)
{
	char line[32];
	size_t i;
	long k;
	char *end;

	if (!s->n)
		return ob_fail(err, OB_EINVALID, "no credential in this wallet answers the request%s",
			       s->unbound ? " (some match but are not bound to this wallet's DID)" : "");
	fprintf(stderr, "Matching credentials:\n");
	for (i = 0; i < s->n; i++) {
		fprintf(stderr, "  %zu. ", i + 1);
		wallet_put(stderr, s->c[i].title);
		fputs("  ", stderr);
		wallet_put(stderr, s->c[i].id);
		fputs("\n", stderr);
	}
	if (*npicks)
		return OB_OK;
	if (yes) {
		if (s->n > 1)
			return ob_fail(err, OB_EUSAGE, "%zu credentials match: choose with --pick ID", s->n);
		picks[(*npicks)++] = s->c[0].id;
		return OB_OK;
	}
	if (ask_tty(s->n == 1 ? "Send it? Type 1 to send, anything else cancels: "
		    : "Which one to send? (its number; anything else cancels): ", line, sizeof(line)))
		return ob_fail(err, OB_EUSAGE, "no terminal to ask on: give --pick ID or --yes");
	k = strtol(line, &end, 10);
	if (*end || end == line || k < 1 || (size_t)k > s->n)
		return ob_fail(err, OB_EUSAGE, "cancelled: nothing was sent");
	picks[(*npicks)++] = s->c[k - 1].id;
	return OB_OK;
}

/* Signs the presentation of the picked records and posts it. */
static ob_code send_answer(wallet *w, const struct ask *a, wallet_rec *recs, size_t n, int *verdict_rc, ob_error *err)
{
	const char **texts = calloc(n, sizeof(*texts));
	size_t *lens = calloc(n, sizeof(*lens)), i;
	ob_key *key = NULL;
	ob_buf did = OB_BUF_INIT, vpbuf = OB_BUF_INIT, form = OB_BUF_INIT, ans = OB_BUF_INIT;
	ob_present_opts po = { 0 };
	json_t *vp = NULL, *tok = NULL, *reply = NULL;
	const char *ruri = ob_json_str(a->req, "response_uri"), *state = ob_json_str(a->req, "state"), *v, *qid;
	ob_http_req req = { .method = "POST", .content_type = "application/x-www-form-urlencoded" };
	char *tokjs = NULL;
	int jwt = 1;
	long status = 0;

	if (!texts || !lens) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		texts[i] = recs[i].raw.data ? recs[i].raw.data : "";
		lens[i] = recs[i].raw.len;
		if (texts[i][strspn(texts[i], " \t\r\n")] == '{')
			jwt = 0;
	}
	/* VP 8.1 and its W3C appendix: a Data Integrity VP for ldp_vc (its
	 * proof's challenge the nonce, domain the client_id), a VP-JWT for
	 * jwt_vc_json (nonce and aud) */
	po.suite = jwt ? "vc-jwt" : "eddsa-rdfc-2022";
	/* VP 8.1: vp_token is keyed by the id of the query it answers */
	if (!(qid = ob_oid4vp_dcql_id(json_object_get(a->req, "dcql_query"), jwt ? "jwt_vc_json" : "ldp_vc"))) {
		ob_fail(err, OB_EINVALID, "the verifier does not ask for %s credentials", jwt ? "jwt_vc_json" : "ldp_vc");
		goto out;
	}
	po.challenge = ob_json_str(a->req, "nonce");
	po.domain = a->client_id;
	if (!(key = wallet_holder_key(w, err)) || ob_key_did(key, &did, NULL, err) ||
	    !(vp = ob_present_build(did.data, texts, lens, n, err)) || ob_present_sign(vp, key, &po, &vpbuf, err))
		goto out;
	while (vpbuf.len && vpbuf.data[vpbuf.len - 1] == '\n')
		vpbuf.data[--vpbuf.len] = '\0';
	{
		json_t *one = jwt ? json_string(vpbuf.data) : ob_json_parse(vpbuf.data, vpbuf.len, err);

		tok = one ? json_pack("{s:[o]}", qid, one) : NULL;
	}
	if (!tok || !(tokjs = ob_json_dumps(tok, 0)) || ob_oid4vp_form_add(&form, "vp_token", tokjs) < 0 ||
	    (state && ob_oid4vp_form_add(&form, "state", state) < 0)) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	req.body = form.data;
	req.len = form.len;
	if (ob_http_send(ruri, &req, &a->http, &status, &ans, NULL, err))
		goto out;
	reply = ob_json_parse(ans.data ? ans.data : "", ans.len, &(ob_error){ 0 });
	if (status != 200) {
		const char *d = ob_json_str(reply, "error_description");

		ob_fail(err, OB_EINVALID, "the verifier refused the answer (HTTP %ld%s%s)", status, d ? ": " : "",
			d ? d : "");
		goto out;
	}
	v = ob_json_str(reply, "verdict");
	fprintf(stderr, "%s: sent %zu credential%s to %s", ob_cli_prog(), n, n == 1 ? "" : "s",
		asker(a));
	if (v) {
		fputs("; the verifier says: ", stderr);
		wallet_put(stderr, v);
	}
	fputs("\n", stderr);
	if (a->json) {
		json_t *o = json_pack("{s:s, s:b, s:I, s:s?}", "verifier", asker(a), "signed", a->who.did != NULL,
				      "sent", (json_int_t)n, "verdict", v);
		char *js = o ? ob_json_dumps(o, OB_JSON_PRETTY) : NULL;
		json_decref(o);
		if (!js) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		printf("%s\n", js);
		free(js);
	}
	*verdict_rc = v && strcmp(v, "valid") ? 1 : 0;
out:
	free(texts);
	free(lens);
	ob_key_free(key);
	ob_buf_release(&did);
	ob_buf_release(&vpbuf);
	ob_buf_release(&form);
	ob_buf_release(&ans);
	json_decref(vp);
	json_decref(tok);
	json_decref(reply);
	free(tokjs);
	return err->code;
}

static ob_code respond(struct ask *a, const char *arg, const char **picks, size_t npicks, int yes, int *vrc,
		       ob_error *err)
{
	wallet w = { 0 };
	ob_key *key = NULL;
	ob_buf did = OB_BUF_INIT;
	struct cand cands[64];
	struct scan s = { a, NULL, cands, 0, 64, 0 };
	wallet_rec recs[MAX_PICKS];
	size_t i, k, nrec = 0;

	memset(recs, 0, sizeof(recs));
	if (fetch_request(a, arg, err))
		goto out;
	tell(a);
	if (wallet_unlock(&w, err) || !(key = wallet_holder_key(&w, err)) || ob_key_did(key, &did, NULL, err))
		goto out;
	s.holder = did.data;
	if (wallet_rec_each(&w, WREC_RAW, scan_one, &s, err) || choose(&s, picks, &npicks, yes, err))
		goto out;
	for (i = 0; i < npicks; i++) {
		if (wallet_rec_find(&w, picks[i], WREC_RAW, &recs[nrec], err))
			goto out;
		nrec++;
		for (k = 0; k < s.n; k++)
			if (!strcmp(s.c[k].id, ob_json_str(recs[nrec - 1].summary, "id")))
				break;
		if (k == s.n) {
			ob_fail(err, OB_EINVALID, "'%s' does not answer this request (not an Open Badge of what is asked, "
				"or not bound to this wallet)", picks[i]);
			goto out;
		}
	}
	send_answer(&w, a, recs, nrec, vrc, err);
out:
	for (i = 0; i < nrec; i++)
		wallet_rec_release(&recs[i]);
	ob_key_free(key);
	ob_buf_release(&did);
	wallet_close(&w);
	return err->code;
}

int cmd_respond(int argc, char **argv)
{
	struct ask a = { 0 };
	struct ob_netopts net;
	ob_error err = { 0 };
	const char *picks[MAX_PICKS];
	size_t npicks = 0;
	int c, rc, yes = 0, vrc = 0;

	if ((rc = ob_netopts_init(&net)))
		goto out;
	rc = -1;
	while (rc < 0 && (c = ob_cmd_getopt(&respond_spec, argc, argv)) != -1) {
		switch (c) {
		case 'p':
			if (npicks == MAX_PICKS)
				rc = ob_cli_usage(ob_cli_current(), "at most %d --pick", MAX_PICKS);
			else
				picks[npicks++] = optarg;
			break;
		case 'y': yes = 1; break;
		case 'j': a.json = 1; break;
		case OB_OPT_HELP: rc = ob_cli_help(); break;
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
		rc = ob_cli_usage(ob_cli_current(), "respond wants one request: its openid4vp:// link or a QR image");
		goto out;
	}
	if ((rc = ob_netopts_check(&net)))
		goto out;
	a.http = net.http;
	a.http.cache_dir = NULL;
	a.http.offline = 0;
	/* a did:web verifier's document: fetched, never cached */
	if (ob_netopts_connect(&net, 0, &err)) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	a.loader = net.loader;
	rc = respond(&a, argv[optind], picks, npicks, yes, &vrc, &err) ? ob_cli_fail(&err) : vrc;
out:
	free(a.client_id);
	free(a.request_uri);
	json_decref(a.req);
	ob_oid4vp_signer_release(&a.who);
	ob_netopts_release(&net);
	return rc;
}
