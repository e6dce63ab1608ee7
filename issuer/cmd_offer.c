/* ob-issuer offer: OID4VCI credential offers (oid4vci.h), one-time and
 * expiring, served by ob-issuer serve.
 *
 *   offer create --achievement ID --recipient EMAIL|DID [--name NAME] [--pin] [--lcw]
 *                [--expires-in DURATION] [--server URL]
 *   offer create --roster FILE.csv -o OUT.csv [--pin] [--lcw] [--expires-in D] [--server URL]
 *   offer list
 *   offer revoke ID
 *   offer ID [--lcw] [--qr [--png FILE]] [--server URL]
 *
 * An offer without a PIN also gets a VC-API exchange, which the Learner
 * Credential Wallet (LCW) takes through its deep link (lcw_link); LCW
 * cannot type a PIN, so an offer with one gets the exchange only with
 * --lcw (its link is then a bearer secret like a PIN-less offer's). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/dates.h"
#include "base/text.h"
#include "canon/jcs.h"
#include "cli/cli.h"
#include "db_offer.h"
#include "io/qr.h"
#include "oid4vci.h"
#include "roster_offers.h"
#include "vc/ob3.h"

/* One table per subcommand (cli/opts.h), as key's: "offer create --help"
 * and the others say what their options do; main.c keeps offer's literal
 * synopsis, which has them all. */
static const struct ob_cmd_opt offer_create_opts[] = {
	{ "achievement", 0, "ID", "the catalog achievement the offer awards", 'a', 0 },
	{ "recipient", 0, "EMAIL|DID", "who it is for", 'r', 0 },
	{ "name", 0, "NAME", "the learner's name", 'n', 0 },
	{ "pin", 0, NULL, "ask for a PIN (tx_code), printed here for another channel", 'p', 0 },
	{ "lcw", 0, NULL, "a VC-API exchange for the Learner Credential Wallet even with --pin", 'w', 0 },
	{ "expires-in", 0, "DURATION", "how long the offer stays open (e.g. 14d, 12h)", 'e', 0 },
	{ "server", 0, "URL", "the public URL of ob-issuer serve", 's', 0 },
	{ "roster", 0, "FILE.csv", "one offer per roster row, in one transaction", 'L', 0 },
	{ "output", 'o', "OUT.csv", "--roster: the offers' links, PINs and expiry (0600)", 'o', 0 },
	{ "json", 0, NULL, "print the offer as JSON (one offer)", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt offer_list_opts[] = {
	{ "json", 0, NULL, "print one JSON array, an object per offer", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt offer_none_opts[] = {
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt offer_show_opts[] = {
	{ "lcw", 0, NULL, "the Learner Credential Wallet's link (the VC-API exchange) instead", 'w', 0 },
	{ "qr", 0, NULL, "draw the offer's link as a QR code", 'q', 0 },
	{ "png", 0, "FILE", "with --qr: write a PNG instead of the terminal drawing", 'P', 0 },
	{ "server", 0, "URL", "the public URL of ob-issuer serve", 's', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_spec offer_create_spec = {
	"offer", cmd_offer, "create", offer_create_opts, NULL,
	"Makes an OpenID4VCI credential offer (one, or one per roster row).", NULL,
};
static const struct ob_cmd_spec offer_list_spec = {
	"offer", cmd_offer, "list", offer_list_opts, NULL, "Lists the offers and their state.", NULL,
};
static const struct ob_cmd_spec offer_revoke_spec = {
	"offer", cmd_offer, "revoke", offer_none_opts, "ID", "Revokes an offer that was not used yet.", NULL,
};
static const struct ob_cmd_spec offer_show_spec = {
	"offer", cmd_offer, "ID", offer_show_opts, NULL, "Shows an offer, its link and (--qr) its QR code.", NULL,
};

static int offer_create(int argc, char **argv)
{
	const char *roster = NULL, *out_path = NULL;
	offer_params p = { 0 };
	offer_made m = { 0 };
	issuer_state st = { 0 };
	ob_error err = { 0 };
	ob_buf uri = OB_BUF_INIT, link = OB_BUF_INIT, lcw = OB_BUF_INIT;
	const char *server_opt = NULL;
	char *server = NULL, when[32];
	int c, rc = 0, opened = 0, json = 0;

	optind = 1;
	while ((c = ob_cmd_getopt(&offer_create_spec, argc, argv)) != -1) {
		switch (c) {
		case 'L': roster = optarg; break;
		case 'o': out_path = optarg; break;
		case 'a': p.achievement = optarg; break;
		case 'r': p.recipient = optarg; break;
		case 'n': p.name = optarg; break;
		case 'p': p.pin = 1; break;
		case 'w': p.lcw = 1; break;
		case 'j': json = 1; break;
		case 's': server_opt = optarg; break;
		case 'e':
			if ((p.ttl = issuer_offer_duration(optarg)) < 0)
				return ob_cli_usage(ob_cli_current(), "--expires-in wants a duration such as 3600, 90m, 36h "
						    "or 14d (at most 366d), got '%s'", optarg);
			break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (roster) {
		if (p.achievement || p.recipient || p.name)
			return ob_cli_usage(ob_cli_current(), "--roster takes the name, recipient and achievement "
					    "from the file's columns");
		if (!out_path)
			return ob_cli_usage(ob_cli_current(), "--roster needs -o OUT.csv (the links and PINs)");
		if (json)
			return ob_cli_usage(ob_cli_current(), "--json goes with one offer (--roster writes OUT.csv)");
		return issuer_offer_roster(roster, &p, server_opt, out_path);
	}
	if (out_path)
		return ob_cli_usage(ob_cli_current(), "-o goes with --roster");
	if (!p.achievement || !p.recipient)
		return ob_cli_usage(ob_cli_current(), "offer create needs --achievement and --recipient (or --roster FILE)");
	if (!ob3_is_email(p.recipient) && strncmp(p.recipient, "did:", 4))
		return ob_cli_usage(ob_cli_current(), "--recipient wants an e-mail address or a DID, got '%s'",
				    p.recipient);
	if (issuer_open(&st, 0, &err))
		goto fail;
	opened = 1;
	if (!(server = issuer_offer_server(&st, server_opt, &err)) || issuer_offer_create(&st, &p, &m, &err) ||
	    issuer_offer_uri(server, m.ref, &uri, &link, &err) ||
	    (m.xref && issuer_offer_lcw_link(server, m.xref, m.pin ? NULL : link.data, &lcw, &err)))
		goto fail;
	ob_date_format(m.expires, when);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "id", m.id, "link", link.data,
				      "achievement", p.achievement, "recipient", p.recipient, "expires", when,
				      "pin", m.pin, "lcw_link", lcw.data);
		char *js = o ? ob_json_dumps(o, OB_JSON_PRETTY) : NULL;
		json_decref(o);
		if (!js) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto fail;
		}
		printf("%s\n", js);
		free(js);
	} else {
		printf("id: %s\nlink: %s\n", m.id, link.data);
		if (m.pin)
			printf("pin: %s\n", m.pin);
		printf("expires: %s\n", when);
		if (lcw.data)
			printf("lcw_link: %s\n", lcw.data);
	}
	fprintf(stderr, "ob-issuer: offer %s for %s; send the link%s\n", m.id, p.recipient,
		m.pin ? " and, by another channel, the PIN" : "");
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	offer_made_release(&m);
	ob_buf_release(&uri);
	ob_buf_release(&link);
	ob_buf_release(&lcw);
	free(server);
	if (opened)
		issuer_close(&st);
	return rc;
}

/* The state as list shows it: an open offer past its time is "expired". */
static const char *shown_state(const offer_rec *o, time_t now)
{
	if (!strcmp(o->state, "open") && o->expires <= now)
		return "expired";
	if (!strcmp(o->state, "redeemed") && o->token_expires <= now)
		return "redeemed (not delivered)";
	return o->state;
}

static ob_code list_one(const offer_rec *o, void *ctx, ob_error *err)
{
	char when[32], *ach, *to;
	json_t *arr = ctx;
	ob_code rc = OB_OK;

	ob_date_format(o->expires, when);
	if (arr) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "id", o->id, "state", shown_state(o, time(NULL)),
				      "achievement", o->achievement, "recipient", o->recipient, "expires", when,
				      "credential", o->credential_id);
		return !j || json_array_append_new(arr, j) ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
	}
	ach = ob_text_safe(o->achievement);
	to = ob_text_safe(o->recipient);
	/* roster text reaches the terminal with its control characters escaped */
	if (!ach || !to)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		printf("%s  %-9s %s  %s  expires %s%s%s\n", o->id, shown_state(o, time(NULL)), ach, to, when,
		       o->credential_id ? "  " : "", o->credential_id ? o->credential_id : "");
	free(ach);
	free(to);
	return rc;
}

static int simple(int argc, char **argv, int want_id)
{
	issuer_state st = { 0 };
	ob_error err = { 0 };
	json_t *arr = NULL;
	int c, rc = 0, done = 0, json = 0;

	optind = 1;
	while ((c = ob_cmd_getopt(want_id ? &offer_revoke_spec : &offer_list_spec, argc, argv)) != -1) {
		if (c == OB_OPT_HELP)
			return ob_cli_help();
		if (c == 'j' && !want_id) {
			json = 1;
			continue;
		}
		return ob_cli_usage(ob_cli_current(), "invalid option");
	}
	if (argc - optind != want_id)
		return ob_cli_usage(ob_cli_current(), want_id ? "offer revoke wants one offer id"
				    : "offer list takes no arguments");
	if (issuer_open(&st, 0, &err))
		return ob_cli_fail(&err);
	if (!want_id) {
		if (json && !(arr = json_array()))
			rc = ob_cli_errorf(3, "out of memory");
		else if (offer_db_each(st.db, list_one, arr, &err))
			rc = ob_cli_fail(&err);
		else if (arr) {
			char *js = ob_json_dumps(arr, OB_JSON_PRETTY);
			if (js)
				printf("%s\n", js);
			else
				rc = ob_cli_errorf(3, "out of memory");
			free(js);
		}
		json_decref(arr);
	}
	else if (offer_db_revoke(st.db, argv[optind], time(NULL), &done, &err))
		rc = ob_cli_fail(&err);
	else if (!done)
		rc = ob_cli_errorf(1, "no open offer '%s' (list shows the offers and their states)", argv[optind]);
	else
		fprintf(stderr, "ob-issuer: offer %s revoked\n", argv[optind]);
	issuer_close(&st);
	return rc;
}

static int offer_show(int argc, char **argv)
{
	const char *png = NULL, *server_opt = NULL, *id = argv[0];
	issuer_state st = { 0 };
	offer_rec o = { 0 };
	ob_error err = { 0 };
	ob_buf uri = OB_BUF_INIT, link = OB_BUF_INIT, lcw = OB_BUF_INIT;
	ob_qr *qr = NULL;
	char *server = NULL;
	int c, qrflag = 0, rc = 0, opened = 0, found = 0, want_lcw = 0;

	optind = 1;
	while ((c = ob_cmd_getopt(&offer_show_spec, argc, argv)) != -1) {
		switch (c) {
		case 'q': qrflag = 1; break;
		case 'w': want_lcw = 1; break;
		case 'P': png = optarg; break;
		case 's': server_opt = optarg; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (png && !qrflag)
		return ob_cli_usage(ob_cli_current(), "--png goes with --qr");
	if (issuer_open(&st, 0, &err))
		goto fail;
	opened = 1;
	if (offer_db_find(st.db, "id", id, &o, &found, &err))
		goto fail;
	if (!found) {
		ob_fail(&err, OB_EUSAGE, "no offer '%s' (offer list shows them)", id);
		goto fail;
	}
	if (strcmp(shown_state(&o, time(NULL)), "open")) {
		ob_fail(&err, OB_EINVALID, "offer '%s' is %s: its link no longer works", id, shown_state(&o, time(NULL)));
		goto fail;
	}
	if (want_lcw && !o.xref) {
		ob_fail(&err, OB_EUSAGE, "offer '%s' has no VC-API exchange (an offer with a PIN gets one with "
			"offer create --lcw)", id);
		goto fail;
	}
	if (!(server = issuer_offer_server(&st, server_opt, &err)) || issuer_offer_uri(server, o.ref, &uri, &link, &err) ||
	    (want_lcw && issuer_offer_lcw_link(server, o.xref, o.has_pin ? NULL : link.data, &lcw, &err)))
		goto fail;
	if (!qrflag)
		printf("%s\n", want_lcw ? lcw.data : link.data);
	else {
		if (!(qr = ob_qr_encode(want_lcw ? lcw.data : link.data, 'M', OB_QR_MAX_VERSION, &err)))
			goto fail;
		if (!png) {
			/* drawn, and a warning when wider than the terminal */
			rc = ob_cli_qr_terminal(qr, stdout, "--png FILE");
			goto out;
		}
		if (ob_qr_write_png(qr, png, 8, &err))
			goto fail;
		fprintf(stderr, "ob-issuer: wrote the offer's QR code to %s\n", png);
	}
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	ob_qr_free(qr);
	offer_rec_release(&o);
	ob_buf_release(&uri);
	ob_buf_release(&link);
	ob_buf_release(&lcw);
	free(server);
	if (opened)
		issuer_close(&st);
	return rc;
}

int cmd_offer(int argc, char **argv)
{
	if (argc < 2)
		return ob_cli_usage(ob_cli_current(), "offer create|list|revoke ID|ID [--qr]");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return ob_cli_help();
	if (!strcmp(argv[1], "create"))
		return offer_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return simple(argc - 1, argv + 1, 0);
	if (!strcmp(argv[1], "revoke"))
		return simple(argc - 1, argv + 1, 1);
	if (argv[1][0] == '-')
		return ob_cli_usage(ob_cli_current(), "offer create|list|revoke ID|ID [--qr]");
	return offer_show(argc - 1, argv + 1);
}
