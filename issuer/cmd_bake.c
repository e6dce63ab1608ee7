#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/bake.h"
#include "cli/cli.h"
#include "issuer.h"
#include "base/json.h"

/* Open Badges 3.0 5.3: the credential travels inside the badge image. */
int cmd_bake(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "credential", required_argument, NULL, 'c' },
		{ "image", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cred_path = NULL, *img_path = NULL, *out_path = NULL;
	char *cred = NULL, *img = NULL;
	size_t clen, ilen;
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	int c, rc = 0, force = 0;

	while ((c = ob_opts_getopt(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cred_path = optarg; break;
		case 'i': img_path = optarg; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case 'h': return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (!cred_path || !img_path || !out_path || optind != argc)
		return ob_cli_usage(ob_cli_current(), "bake needs --credential, --image and -o");
	if (ob_file_read(cred_path, OB_JSON_MAX_SIZE, &cred, &clen, &err) ||
	    ob_file_read(img_path, 64u * 1024 * 1024, &img, &ilen, &err))
		goto fail;
	if (ob_bake_sniff(img, ilen) == OB_IMAGE_NONE) {
		ob_fail(&err, OB_EUSAGE, "'%s' is not a PNG or SVG image", img_path);
		goto fail;
	}
	if (ob_bake(img, ilen, cred, clen, &out, &err))
		goto fail;
	if (ob_cli_output(out_path, out.data, out.len, force, &err))
		goto fail;
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	free(cred);
	free(img);
	ob_buf_release(&out);
	return rc;
}
