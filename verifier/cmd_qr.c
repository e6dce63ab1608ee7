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

#define SYNOPSIS "qr [--png OUT] [--svg OUT] [--url URL] [--ecc L|M|Q|H] [--no-terminal] [FILE|-]"
#define PNG_SCALE 8      /* pixels per module */
#define WARN_VERSION 25  /* above this, phones struggle (spec/qr.md 3) */

static void help(void)
{
	fputs("usage: ob-verifier " SYNOPSIS "\n"
	      "\n"
	      "Puts a credential in a QR code: the \"VC1-\" payload (Base45 of the\n"
	      "zlib-compressed JSON or JWT in FILE, '-' for stdin), or with --url a link.\n"
	      "\n"
	      "  --png OUT       also write a PNG (8 pixels per module)\n"
	      "  --svg OUT       also write an SVG\n"
	      "  --url URL       encode URL instead of a credential file\n"
	      "  --ecc L|M|Q|H   error correction (default L for a credential, M for --url)\n"
	      "  --no-terminal   do not draw the code on stdout\n", stdout);
}

int cmd_qr(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "png", required_argument, NULL, 'p' },
		{ "svg", required_argument, NULL, 's' },
		{ "url", required_argument, NULL, 'u' },
		{ "ecc", required_argument, NULL, 'e' },
		{ "no-terminal", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *png = NULL, *svg = NULL, *url = NULL, *file = NULL, *text;
	char ecc = 0, *doc = NULL;
	int terminal = 1, c, ret = 0;
	size_t len;
	ob_buf payload = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_qr *qr = NULL;

	optind = 0; /* glibc and musl: 0 restarts the scan */
	while ((c = ob_opts_getopt(argc, argv, ":h", opts, NULL)) != -1) {
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
		case 'h':
			help();
			return 0;
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
		ob_qr_render_terminal(qr, stdout, &err);
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
