/* ob-verifier request: asks a running `ob-verifier serve` (--server) for
 * a new OpenID4VP request and prints its wallet link, as text, a QR code
 * or JSON. The request lives in that server, which takes the answer and
 * shows the result on the request's page (oid4vp_serve.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "canon/jcs.h"
#include "cli/cli.h"
#include "cli/netopts.h"
#include "io/http_post.h"
#include "io/qr.h"
#include "oid4vp.h"
#include "vc/oid4vp.h"

static const struct ob_cmd_opt request_opts[] = {
	{ "server", 0, "URL", "the https URL of the ob-verifier serve that asks (required)", 's', OB_OPT_REQUIRED },
	{ "achievement", 0, "ID", "ask for a badge of this achievement only", 'a', 0 },
	{ "issuer", 0, "DID", "ask for a badge from this issuer only", 'i', 0 },
	{ "expires-in", 0, "SECONDS", "how long the request waits (1 to 3600, default 300)", 'e', 0 },
	{ "by-value", 0, NULL, "the link carries the request itself (plain parameters), not a request_uri", 'b', 0 },
	{ "json", 0, NULL, "print the request (id, link, link_by_value, request_uri, page) as JSON", 'j', 0 },
	{ "qr", 0, NULL, "draw the link as a QR code on the terminal", 'q', 0 },
	{ "png", 0, "OUT", "with --qr: write the QR code to a PNG file", 'p', 0 },
	{ "cacert", 0, "FILE", "CAs to trust besides the system's", OB_NETOPT_CACERT, 0 },
	{ "timeout", 0, "SECONDS", "for the call (more than 0, at most 600)", OB_NETOPT_TIMEOUT, 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec request_spec = {
	"request", cmd_request, NULL, request_opts, NULL,
	"Creates an OpenID4VP 1.0 presentation request on a running 'ob-verifier\n"
	"serve' and prints its openid4vp:// link for a wallet, and the page where\n"
	"the verified answer will show.",
	NULL,
};

static int show(const json_t *j, int as_json, int qrflag, const char *png, int by_value)
{
	ob_error err = { 0 };
	const char *link = ob_json_str(j, by_value ? "link_by_value" : "link");
	ob_qr *qr = NULL;
	char *js;
	int rc = 0;

	if (as_json) {
		if (!(js = ob_json_dumps(j, OB_JSON_PRETTY)))
			return ob_cli_errorf(3, "out of memory");
		printf("%s\n", js);
		free(js);
		return 0;
	}
	if (!link && by_value && ob_json_str(j, "client_id") &&
	    !strncmp(ob_json_str(j, "client_id"), OB_OID4VP_DID_PREFIX, strlen(OB_OID4VP_DID_PREFIX)))
		return ob_cli_errorf(3, "this verifier signs its requests (" OB_OID4VP_DID_PREFIX "), which go by "
				     "reference only: leave out --by-value");
	if (!link)
		return ob_cli_errorf(3, "the server gave no %s", by_value ? "link_by_value" : "link");
	if (!qrflag) {
		printf("link: %s\npage: %s\nid: %s\n", link, ob_json_str(j, "page"), ob_json_str(j, "id"));
		return 0;
	}
	if (!(qr = ob_qr_encode(link, 'M', OB_QR_MAX_VERSION, &err)))
		return ob_cli_fail(&err);
	if (png) {
		if (ob_qr_write_png(qr, png, 8, &err))
			rc = ob_cli_fail(&err);
		else
			fprintf(stderr, "%s: wrote the request's QR code to %s; the answer shows at %s\n", ob_cli_prog(),
				png, ob_json_str(j, "page"));
	} else {
		rc = ob_cli_qr_terminal(qr, stdout, "--png OUT");
	}
	ob_qr_free(qr);
	return rc;
}

int cmd_request(int argc, char **argv)
{
	const char *server = NULL, *ach = NULL, *iss = NULL, *png = NULL;
	long ttl = 0;
	int c, rc = -1, as_json = 0, qrflag = 0, by_value = 0;
	struct ob_netopts net;
	ob_error err = { 0 };
	ob_buf url = OB_BUF_INIT, out = OB_BUF_INIT;
	json_t *body = NULL, *ans = NULL;
	char *js = NULL, *end;
	long status = 0;

	if ((rc = ob_netopts_init(&net)))
		goto out;
	rc = -1;
	while (rc < 0 && (c = ob_cmd_getopt(&request_spec, argc, argv)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 'a': ach = optarg; break;
		case 'i': iss = optarg; break;
		case 'j': as_json = 1; break;
		case 'b': by_value = 1; break;
		case 'q': qrflag = 1; break;
		case 'p': png = optarg; break;
		case 'e':
			ttl = strtol(optarg, &end, 10);
			if (*end || end == optarg || ttl < 1 || ttl > OID4VP_MAX_TTL)
				rc = ob_cli_usage(ob_cli_current(), "invalid --expires-in '%s' (1 to %d seconds)", optarg,
						  OID4VP_MAX_TTL);
			break;
		case OB_OPT_HELP: rc = ob_cli_help(); break;
		default:
			if (!(rc = ob_netopts_option(&net, c, optarg)))
				rc = -1;
			else if (rc < 0)
				rc = ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (rc >= 0)
		goto out;
	if (optind < argc) {
		rc = ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!server || strncmp(server, "https://", 8)) {
		rc = ob_cli_usage(ob_cli_current(), "--server wants the https URL of a running 'ob-verifier serve' "
				  "(behind its TLS proxy)");
		goto out;
	}
	if (png && !qrflag) {
		rc = ob_cli_usage(ob_cli_current(), "--png goes with --qr");
		goto out;
	}
	if ((rc = ob_netopts_check(&net)))
		goto out;
	rc = 0;
	ob_buf_adds(&url, server);
	while (url.len && url.data[url.len - 1] == '/')
		url.data[--url.len] = '\0';
	body = json_pack("{s:s}", "public_url", url.data ? url.data : "");
	ob_buf_adds(&url, "/request");
	if (body && ach)
		json_object_set_new(body, "achievement", json_string(ach));
	if (body && iss)
		json_object_set_new(body, "issuer", json_string(iss));
	if (body && ttl)
		json_object_set_new(body, "expires_in", json_integer(ttl));
	if (!body || url.oom || !(js = ob_json_dumps(body, 0))) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	{
		ob_http_req req = { .method = "POST", .content_type = "application/json", .body = js, .len = strlen(js) };

		if (ob_http_send(url.data, &req, &net.http, &status, &out, NULL, &err)) {
			rc = ob_cli_fail(&err);
			goto out;
		}
	}
	ans = ob_json_parse(out.data ? out.data : "", out.len, &err);
	if (status != 201 || !ob_json_str(ans, "link") || !ob_json_str(ans, "page")) {
		const char *d = ob_json_str(ans, "error_description");

		rc = ob_cli_errorf(3, "%s answered %ld%s%s", url.data, status, d ? ": " : " (not a request)",
				   d ? d : "");
		goto out;
	}
	rc = show(ans, as_json, qrflag, png, by_value);
out:
	ob_netopts_release(&net);
	ob_buf_release(&url);
	ob_buf_release(&out);
	json_decref(body);
	json_decref(ans);
	free(js);
	return rc;
}
