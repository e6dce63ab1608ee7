/* share: a credential as a QR code (the verifier's payloads: an
 * embedded "VC1-" credential or a link) or as an Add-to-LinkedIn-profile
 * link. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/json.h"
#include "io/qr.h"
#include "specs.h"
#include "wallet.h"

#define PNG_SCALE 8

ob_code wallet_share_vp1(wallet *w, const wallet_rec *r, ob_buf *out, ob_error *err); /* share_vp1.c */
#define WARN_VERSION 25
#define LINKEDIN "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"

/* RFC 3986 2.3: everything but the unreserved characters is escaped */
static void param(ob_buf *b, const char *name, const char *value)
{
	const unsigned char *p;

	if (!value)
		return;
	ob_buf_addf(b, "&%s=", name);
	for (p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			ob_buf_addc(b, (char)*p);
		else
			ob_buf_addf(b, "%%%02X", *p);
	}
}

/* "2026-01-..." -> year and month strings; 0 when not a date */
static int year_month(const char *date, char year[5], char month[3])
{
	int mm;

	if (!date || strlen(date) < 7 || date[4] != '-' || date[5] < '0' || date[5] > '1' ||
	    date[6] < '0' || date[6] > '9')
		return 0;
	mm = (date[5] - '0') * 10 + (date[6] - '0');
	if (mm < 1 || mm > 12)
		return 0;
	memcpy(year, date, 4);
	year[4] = '\0';
	/* LinkedIn wants the month as a number, 1..12 */
	month[0] = mm >= 10 ? '1' : (char)('0' + mm);
	month[1] = mm >= 10 ? (char)('0' + mm - 10) : '\0';
	month[2] = '\0';
	return 1;
}

static ob_code linkedin(const json_t *s, const char *url, ob_buf *out, ob_error *err)
{
	const char *id = ob_json_str(s, "id"), *name = ob_json_str(s, "achievement");
	const char *org = ob_json_str(s, "issuerName");
	char y[5], m[3];

	if (!name)
		return ob_fail(err, OB_EINVALID, "the credential has no achievement name to show");
	if (!org)
		org = ob_json_str(s, "issuer");
	if (!url && id && (!strncmp(id, "https://", 8) || !strncmp(id, "http://", 7)))
		url = id;
	ob_buf_adds(out, LINKEDIN);
	param(out, "name", name);
	param(out, "organizationName", org);
	if (year_month(ob_json_str(s, "validFrom"), y, m)) {
		param(out, "issueYear", y);
		param(out, "issueMonth", m);
	}
	if (year_month(ob_json_str(s, "validUntil"), y, m)) {
		param(out, "expirationYear", y);
		param(out, "expirationMonth", m);
	}
	param(out, "certUrl", url);
	param(out, "certId", id);
	ob_buf_addc(out, '\n');
	if (out->oom)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

static const struct ob_cmd_opt share_opts[] = {
	{ "qr", 0, NULL, "a QR code, on the terminal or in a PNG", 'q', OB_OPT_REQUIRED },
	{ "linkedin", 0, NULL, "LinkedIn's add-to-profile link", 'l', OB_OPT_REQUIRED | OB_OPT_OR },
	{ "png", 0, "OUT", "write the QR code to the PNG file OUT", 'p', 0 },
	{ "url", 0, "URL", "the code holds URL (small) instead of the credential", 'u', 0 },
	{ "vp1", 0, NULL, "the code holds a VP1- presentation (Learner Credential Wallet)", 'v', OB_OPT_OR },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec share_spec = {
	"share", cmd_share, "ID", share_opts, NULL,
	"Shows a credential as a QR code a verifier scans, or a LinkedIn link.", NULL,
};

int cmd_share(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	wallet_rec r = { 0 };
	ob_buf text = OB_BUF_INIT;
	ob_qr *qr = NULL;
	const char *png = NULL, *url = NULL;
	int c, rc = 0, want_qr = 0, want_li = 0, vp1 = 0;

	while ((c = ob_cmd_getopt(&share_spec, argc, argv)) != -1) {
		switch (c) {
		case 'q': want_qr = 1; break;
		case 'p': png = optarg; break;
		case 'u': url = optarg; break;
		case 'v': vp1 = 1; break;
		case 'l': want_li = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return wallet_bad_option(c, argv);
		}
	}
	if (argc - optind != 1)
		return ob_cli_usage(ob_cli_current(), argc - optind ? "one credential at a time" :
				    "which credential? (see 'ob-wallet list')");
	if (want_qr == want_li)
		return ob_cli_usage(ob_cli_current(), "choose --qr or --linkedin");
	if (vp1 && (!want_qr || url))
		return ob_cli_usage(ob_cli_current(), "--vp1 goes with --qr, instead of --url");
	if (png && !want_qr)
		return ob_cli_usage(ob_cli_current(), "--png goes with --qr");
	if (url && !ob_qr_url_ok(url))
		return ob_cli_usage(ob_cli_current(), "invalid --url '%s': empty or contains spaces", url);
	if (wallet_unlock(&w, &err) || wallet_rec_find(&w, argv[optind], WREC_RAW, &r, &err))
		goto out;
	if (want_li) {
		if (!linkedin(r.summary, url, &text, &err))
			fwrite(text.data, 1, text.len, stdout);
		goto out;
	}
	if (url) {
		qr = ob_qr_encode(url, 'M', OB_QR_MAX_VERSION, &err);
	} else if (vp1) {
		/* the DCC's VP1- (share_vp1.c): what the Learner Credential Wallet reads */
		if (!wallet_share_vp1(&w, &r, &text, &err))
			qr = ob_qr_encode(text.data, 'L', OB_QR_MAX_VERSION, &err);
	} else if (!ob_qr_payload_encode(r.raw.data ? r.raw.data : "", r.raw.len, &text, &err)) {
		qr = ob_qr_encode(text.data, 'L', OB_QR_MAX_VERSION, &err);
	}
	if (!qr)
		goto out;
	if (ob_qr_version(qr) > WARN_VERSION)
		fprintf(stderr, "%s: warning: QR version %d (%d modules wide) needs a large, sharp "
			"image to scan; --url makes a small code\n", ob_cli_prog(), ob_qr_version(qr),
			ob_qr_width(qr));
	if (png) {
		if (!ob_qr_write_png(qr, png, PNG_SCALE, &err))
			fprintf(stderr, "%s: wrote %s\n", ob_cli_prog(), png);
	} else {
		rc = ob_cli_qr_terminal(qr, stdout, "--png OUT");
	}
out:
	ob_qr_free(qr);
	ob_buf_release_secret(&text);
	wallet_rec_release(&r);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : rc;
}
