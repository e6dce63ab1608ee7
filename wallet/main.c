#include "cli/cli.h"
#include "cli/netopts.h"
#include "wallet.h"

const char *wallet_home_opt;
const char *wallet_passfile_opt;

int cmd_receive(int argc, char **argv); /* cmd_receive.c */
int cmd_respond(int argc, char **argv); /* cmd_respond.c */

static const struct ob_cmd cmds[] = {
	{ "init", cmd_init, "init [--kdf-cost default|test] [--weak-passphrase-ok]" },
	{ "add", cmd_add, "add [--force] [--now T] [--doc URL=FILE]... [--offline] [--cacert FILE] [--timeout SECONDS] [--no-cache] FILE|-|URL..." },
	{ "list", cmd_list, "list [--json]" },
	{ "show", cmd_show, "show [--json] ID" },
	{ "export", cmd_export, "export ID [--json] [--baked IMAGE -o OUT] [--pdf|--png] [-o FILE] [--paper a4|letter] [--verify-url BASE|--no-qr] [--force]" },
	{ "receive", cmd_receive, "receive [--pin-file FILE] [--format ldp_vc|jwt_vc_json] [--now T] [--doc URL=FILE]... [--cacert FILE] [--timeout SECONDS] OFFER|URL|QR-IMAGE" },
	{ "remove", cmd_remove, "remove ID" },
	{ "whoami", cmd_whoami, "whoami" },
	{ "present", cmd_present, "present ID... --challenge C [--domain D] [--suite SUITE] [--reveal POINTER]... [-o FILE]" },
	{ "respond", cmd_respond, "respond [--pick ID]... [-y] [--cacert FILE] [--timeout SECONDS] REQUEST|QR-IMAGE" },
	{ "refresh", cmd_refresh, "refresh [--now T] [--doc URL=FILE]... [--offline] [--cacert FILE] [--timeout SECONDS] [--no-cache]" },
	{ "share", cmd_share, "share ID (--qr [--png OUT] [--url URL|--vp1] | --linkedin)" },
	{ "backup", cmd_backup, "backup [--force] FILE" },
	{ "restore", cmd_restore, "restore FILE" },
	{ "passwd", cmd_passwd, "passwd [--new-passphrase-file FILE] [--weak-passphrase-ok]" },
};

static const struct ob_opt_global globals[] = {
	{ "home", 0, "DIR", &wallet_home_opt,
	  "wallet directory (default $OBKIT_WALLET_HOME, else $XDG_DATA_HOME/obkit/wallet)" },
	{ "passphrase-file", 0, "FILE", &wallet_passfile_opt,
	  "read the passphrase from FILE's first line (default $OBKIT_WALLET_PASSPHRASE_FILE, else the terminal)" },
	{ "json", 0, NULL, NULL, "JSON output (list, show, export)" },
	OB_NETOPTS_GLOBALS,
	{ NULL, 0, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	ob_cli_init("ob-wallet", 1);
	return ob_cli_main(cmds, sizeof(cmds) / sizeof(cmds[0]), globals, argc, argv,
			   "keep your Open Badges 3.0 credentials");
}
