#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/bake.h"
#include "io/qr.h"
#include "cli/certificate.h"
#include "cli/cli.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "specs.h"
#include "wallet.h"

/* --json: the whole record, {"id", "summary", "credential" (the bytes as
 * given, as a string), "report"}, so two wallets can be compared. */
static ob_code record_json(const wallet_rec *r, ob_buf *out, ob_error *err)
{
	json_t *o = json_object();
	int bad = !o;

	if (!bad) {
		bad |= json_object_set(o, "id", json_object_get(r->summary, "id"));
		bad |= json_object_set(o, "summary", r->summary);
		bad |= json_object_set_new(o, "credential", json_stringn(r->raw.data ? r->raw.data : "",
									  r->raw.len));
		bad |= json_object_set(o, "report", r->report);
	}
	if (bad || ob_json_write(out, o, OB_JSON_PRETTY) < 0 || ob_buf_addc(out, '\n') < 0) {
		json_decref(o);
		return ob_fail(err, OB_ENOMEM, "cannot write the record as JSON");
	}
	json_decref(o);
	return OB_OK;
}

/* certificate-01a23adc.pdf: the id's last part (a UUID's first group),
 * only [A-Za-z0-9._-]. */
static void default_name(const char *id, const char *ext, char out[64])
{
	const char *p = id ? id : "";
	size_t n = 0;

	if (strrchr(p, ':'))
		p = strrchr(p, ':') + 1;
	if (strrchr(p, '/'))
		p = strrchr(p, '/') + 1;
	/* up to a '-': a UUID's first group, the short id list shows */
	n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (n > 36)
		n = 36;
	if (n)
		snprintf(out, 64, "certificate-%.*s.%s", (int)n, p, ext);
	else
		snprintf(out, 64, "certificate.%s", ext);
}

/* --pdf/--png: a printable page (cli/certificate.h) from the record and
 * the report kept with it. */
static ob_code certificate(const wallet_rec *r, struct ob_cert_opts *o, const char *verify,
			   int no_qr, const char *path, ob_error *err)
{
	const char *id = ob_json_str(r->summary, "id");
	ob_buf qr = OB_BUF_INIT;
	json_t *cred = NULL;
	char name[64];
	ob_code rc;

	if (!path) {
		default_name(id, o->format == OB_CERT_PNG ? "png" : "pdf", name);
		path = name;
	}
	if (!no_qr && (rc = ob_certificate_qr_text(id, r->raw.data ? r->raw.data : "", r->raw.len,
						   verify, &qr, err)))
		goto out;
	if (r->raw.len && r->raw.data[strspn(r->raw.data, " \t\r\n")] == '{')
		cred = json_loadb(r->raw.data, r->raw.len, 0, NULL);
	o->qr_text = qr.data;
	rc = ob_certificate_render_json(cred, r->report, o, path, err);
	ob_certificate_cleanup();
	if (rc) {
		if (rc == OB_EINVALID && qr.data && !strncmp(qr.data, OB_QR_PREFIX, 4)) {
			ob_error_clear(err);
			rc = ob_fail(err, OB_EINVALID, "'%s' is too large to fit in a QR code; --no-qr "
				     "prints the page without one", id);
		}
		goto out;
	}
	if (qr.data)
		fprintf(stderr, "%s: wrote %s (the QR code holds %s)\n", ob_cli_prog(), path,
			strncmp(qr.data, OB_QR_PREFIX, 4) ? qr.data : "the signed credential itself");
	else
		fprintf(stderr, "%s: wrote %s (without a QR code)\n", ob_cli_prog(), path);
out:
	json_decref(cred);
	ob_buf_release_secret(&qr);
	return rc;
}

static const struct ob_cmd_opt export_opts[] = {
	{ "json", 0, NULL, "the whole record as one JSON object", 'j', 0 },
	{ "baked", 0, "IMAGE", "bake it into the PNG or SVG IMAGE (with -o OUT)", 'b', 0 },
	{ "output", 'o', "FILE", "write to FILE instead of standard output", 'o', 0 },
	{ "pdf", 0, NULL, "a printable certificate, one PDF page", 'P', 0 },
	{ "png", 0, NULL, "the certificate as a PNG image (150 dpi)", 'G', OB_OPT_OR },
	{ "paper", 0, "a4|letter", "the certificate's paper (default a4)", 'p', 0 },
	{ "verify-url", 0, "BASE", "the QR code links to BASE/verify?url=ID", 'v', 0 },
	{ "no-qr", 0, NULL, "the certificate without a QR code", 'N', OB_OPT_OR },
	{ "force", 0, NULL, "let -o replace an existing file", 'f', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec export_spec = {
	"export", cmd_export, "ID", export_opts, NULL,
	"Writes a credential byte for byte as it was added, the whole record (--json),\n"
	"a baked badge (--baked) or a printable certificate (--pdf, --png).", NULL,
};

int cmd_export(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	wallet_rec r = { 0 };
	ob_buf out = OB_BUF_INIT;
	const char *image = NULL, *path = NULL, *id, *verify = NULL, *paper = NULL;
	struct ob_cert_opts co = { OB_CERT_A4, OB_CERT_PDF, NULL, 0 };
	char *img = NULL;
	size_t ilen = 0;
	int c, json = 0, force = 0, cert = 0, no_qr = 0;

	while ((c = ob_cmd_getopt(&export_spec, argc, argv)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'b': image = optarg; break;
		case 'o': path = optarg; break;
		case 'f': force = 1; break;
		case 'P': cert |= 1; break;
		case 'G': cert |= 2; co.format = OB_CERT_PNG; break;
		case 'p': paper = optarg; break;
		case 'v': verify = optarg; break;
		case 'N': no_qr = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return wallet_bad_option(c, argv);
		}
	}
	if (argc - optind != 1)
		return ob_cli_usage(ob_cli_current(), argc - optind ? "one credential at a time" :
				    "which credential? (see 'ob-wallet list')");
	if (json && image)
		return ob_cli_usage(ob_cli_current(), "--json and --baked do not go together");
	if (image && !path)
		return ob_cli_usage(ob_cli_current(), "--baked needs -o OUT for the baked image");
	if (cert == 3)
		return ob_cli_usage(ob_cli_current(), "--pdf or --png, not both");
	if (cert && (json || image))
		return ob_cli_usage(ob_cli_current(), "--%s goes without --json and --baked",
				    cert == 1 ? "pdf" : "png");
	if ((paper || verify || no_qr) && !cert)
		return ob_cli_usage(ob_cli_current(), "--%s goes with --pdf or --png",
				    paper ? "paper" : verify ? "verify-url" : "no-qr");
	if (verify && no_qr)
		return ob_cli_usage(ob_cli_current(), "--verify-url or --no-qr, not both");
	if (paper && !strcmp(paper, "letter"))
		co.paper = OB_CERT_LETTER;
	else if (paper && strcmp(paper, "a4"))
		return ob_cli_usage(ob_cli_current(), "--paper is 'a4' or 'letter', not '%s'", paper);
	co.force = force;
	id = argv[optind];
	if (image && ob_file_read(image, 64u << 20, &img, &ilen, &err))
		goto out;
	if (wallet_unlock(&w, &err) ||
	    wallet_rec_find(&w, id, WREC_RAW | (json || cert ? WREC_REPORT : 0), &r, &err))
		goto out;
	if (cert) {
		certificate(&r, &co, verify, no_qr, path, &err);
		goto out;
	}
	if (json) {
		if (record_json(&r, &out, &err))
			goto out;
	} else if (image) {
		if (ob_bake(img, ilen, r.raw.data ? r.raw.data : "", r.raw.len, &out, &err))
			goto out;
	} else if (ob_buf_add(&out, r.raw.data ? r.raw.data : "", r.raw.len) < 0) {
		/* byte for byte what add was given: a signature covers these bytes */
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	ob_cli_output(path, out.data ? out.data : "", out.len, force, &err);
	if (!err.code && image)
		fprintf(stderr, "%s: baked %s into %s\n", ob_cli_prog(),
			ob_json_str(r.summary, "id"), path);
out:
	free(img);
	ob_buf_release_secret(&out);
	wallet_rec_release(&r);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
