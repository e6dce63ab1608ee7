#include "cli/cli.h"
#include "cli/netopts.h"
#include "cmds.h"

static const struct ob_cmd cmds[] = {
	{ "verify", cmd_verify,
	  "verify [--json] [-q] [--strict] [--require-trusted-issuer] [--recipient EMAIL] [--now T] [--challenge C] [--domain D] [--doc URL=FILE]... [--jwk FILE] [--offline] [--cacert FILE] [--timeout SECONDS] [--no-cache] [--registry FILE]... [--no-default-registries] [--report OUT.csv|OUT.json] FILE|URL|DIR|-" },
	{ "canon", cmd_canon, "canon [--nquads] [--steps] [--hash sha256|sha384] [--work-factor N] [--doc URL=FILE]... FILE|-" },
	{ "qr", cmd_qr, "qr [--png OUT] [--svg OUT] [--url URL] [--ecc L|M|Q|H] [--no-terminal] [FILE|-]" },
	{ "scan", cmd_scan,
	  "scan [--json] [-q] [--strict] [--require-trusted-issuer] [--recipient EMAIL] [--now T] [--offline] [--cacert FILE] [--timeout SECONDS] [--no-cache] [--registry FILE]... [--no-default-registries] [--doc URL=FILE]... [--jwk FILE] IMAGE|-" },
	{ "serve", cmd_serve,
	  "serve [--listen ADDR:PORT] [--threads N] [--max-body BYTES] [--now T] [--offline] [--cacert FILE] [--timeout SECONDS] [--no-cache] [--allow-private] [--strict] [--require-trusted-issuer] [--registry FILE]... [--doc URL=FILE]..." },
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
	return ob_cli_main(cmds, sizeof(cmds) / sizeof(cmds[0]), globals, argc, argv,
			   "check Open Badges 3.0 credentials");
}
