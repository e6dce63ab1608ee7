#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/bake.h"
#include "cli/cli.h"
#include "issuer.h"
#include "specs.h"
#include "base/json.h"

static const struct ob_cmd_opt bake_opts[] = {
	{ "credential", 0, "FILE", "the signed credential to bake in", 'c', OB_OPT_REQUIRED },
	{ "image", 0, "badge.png|badge.svg", "the badge image", 'i', OB_OPT_REQUIRED },
	{ "output", 'o', "OUT", "the baked image to write", 'o', OB_OPT_REQUIRED },
	{ "force", 0, NULL, "replace OUT if it exists", 'F', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec bake_spec = {
	"bake", cmd_bake, NULL, bake_opts, NULL,
	"Bakes a credential into a PNG or SVG badge image (Open Badges 3.0 5.3).",
	NULL,
};
OB_CMD_REGISTER(bake_spec)

/* Open Badges 3.0 5.3: the credential travels inside the badge image. */
int cmd_bake(int argc, char **argv)
{
	const char *cred_path = NULL, *img_path = NULL, *out_path = NULL;
	char *cred = NULL, *img = NULL;
	size_t clen, ilen;
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };
	int c, rc = 0, force = 0;

	while ((c = ob_cmd_getopt(&bake_spec, argc, argv)) != -1) {
		switch (c) {
		case 'c': cred_path = optarg; break;
		case 'i': img_path = optarg; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
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
