#include "cli/cli.h"
#include "cli/netopts.h"
#include "cmds.h"
#include "oid4vp.h"

static const struct ob_cmd_spec *const cmds[] = {
	&verify_spec, &canon_spec, &qr_spec, &scan_spec, &serve_spec, &request_spec,
};

static const struct ob_opt_global globals[] = {
	{ "json", 0, NULL, NULL, "the result as one JSON object (verify, scan)" },
	{ "quiet", 'q', NULL, NULL, "errors only (verify, scan)" },
	OB_NETOPTS_GLOBALS,
	{ NULL, 0, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	ob_cli_init("ob-verifier", 0);
	return ob_cli_main_specs(cmds, sizeof(cmds) / sizeof(cmds[0]), globals, argc, argv,
			   "check Open Badges 3.0 credentials");
}
