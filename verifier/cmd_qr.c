/* ob-verifier qr: a credential (or a link to it) as a QR code, in the
 * terminal and as PNG/SVG files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "io/qr.h"

#include "cmds.h"

#define PNG_SCALE 8      /* pixels per module */
#define WARN_VERSION 25  /* above this, phones struggle (spec/qr.md 3) */

static const struct ob_cmd_opt qr_opts[] = {
	{ "png", 0, "OUT", "also write a PNG (8 pixels per module)", 'p', 0 },
	{ "svg", 0, "OUT", "also write an SVG", 's', 0 },
	{ "url", 0, "URL", "encode URL instead of a credential file", 'u', 0 },
	{ "ecc", 0, "L|M|Q|H", "error correction (default L for a credential, M for --url)", 'e', 0 },
	{ "no-terminal", 0, NULL, "do not draw the code on standard output", 'n', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec qr_spec = {
	"qr", cmd_qr, NULL, qr_opts, "[FILE|-]",
	"Puts a credential in a QR code: the \"VC1-\" payload (Base45 of the\n"
	"zlib-compressed JSON or JWT in FILE, '-' for stdin), or with --url a link.\n"
	"The terminal drawing uses half blocks, two rows of modules per line.",
	NULL,
};

int cmd_qr(int argc, char **argv)
{
	const char *png = NULL, *svg = NULL, *url = NULL, *file = NULL, *text;
	char ecc = 0, *doc = NULL;
	int terminal = 1, c, ret = 0;
	size_t len;
	ob_buf payload = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_qr *qr = NULL;

	optind = 0; /* glibc and musl: 0 restarts the scan */
	while ((c = ob_cmd_getopt(&qr_spec, argc, argv)) != -1) {
		switch (c) {
		case 'p': png = optarg; break;
		case 's': svg = optarg; break;
		case 'u': url = optarg; break;
		case 'n': terminal = 0; break;
		case 'e':
			if (strlen(optarg) != 1 || !strchr("LMQHlmqh", optarg[0]))
				return ob_cli_usage(ob_cli_current(), "invalid --ecc '%s' (use L, M, Q or H)", optarg);
			ecc = optarg[0];
			break;
		case OB_OPT_HELP:
			return ob_cli_help();
		default:
			return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (url && file)
		return ob_cli_usage(ob_cli_current(), "give either --url or FILE, not both (%s)", file);
	if (!url && !file)
		return ob_cli_usage(ob_cli_current(), "missing FILE (or --url URL)");

	if (url) {
		if (!ob_qr_url_ok(url))
			return ob_cli_usage(ob_cli_current(), "invalid --url '%s': empty or contains spaces", url);
		text = url;
		if (!ecc)
			ecc = 'M';
	} else {
		if (ob_file_read(file, OB_JSON_MAX_SIZE, &doc, &len, &err) ||
		    ob_qr_payload_encode(doc, len, &payload, &err))
			goto out;
		text = payload.data;
		if (!ecc)
			ecc = 'L';
	}
	qr = ob_qr_encode(text, ecc, OB_QR_MAX_VERSION, &err);
	if (!qr)
		goto out;
	if (ob_qr_version(qr) > WARN_VERSION)
		fprintf(stderr, "ob-verifier: warning: QR version %d (%d modules wide) needs a "
			"large, sharp image to scan; --url makes a small code\n",
			ob_qr_version(qr), ob_qr_width(qr));
	if (png && ob_qr_write_png(qr, png, PNG_SCALE, &err))
		goto out;
	if (svg && ob_qr_write_svg(qr, svg, &err))
		goto out;
	if (terminal)
		ret = ob_cli_qr_terminal(qr, stdout, "--png OUT");
out:
	if (err.code) {
		fprintf(stderr, "ob-verifier: %s\n", err.msg);
		ret = ob_exit_code(err.code);
	}
	ob_qr_free(qr);
	ob_buf_release(&payload);
	free(doc);
	return ret;
}
