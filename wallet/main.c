#include "cli/cli.h"
#include "cli/netopts.h"
#include "specs.h"
#include "wallet.h"

const char *wallet_home_opt;
const char *wallet_passfile_opt;

int cmd_receive(int argc, char **argv); /* cmd_receive.c */

/* each command's synopsis and --help come from its option table (specs.h) */
static const struct ob_cmd_spec *const cmds[] = {
	&init_spec, &add_spec, &list_spec, &show_spec, &export_spec, &receive_spec, &remove_spec,
	&whoami_spec, &present_spec, &respond_spec, &refresh_spec, &share_spec, &backup_spec,
	&restore_spec, &passwd_spec,
};

static const struct ob_opt_global globals[] = {
	{ "home", 0, "DIR", &wallet_home_opt,
	  "wallet directory (default $OBKIT_WALLET_HOME, else $XDG_DATA_HOME/obkit/wallet)" },
	{ "passphrase-file", 0, "FILE", &wallet_passfile_opt,
	  "read the passphrase from FILE's first line (default $OBKIT_WALLET_PASSPHRASE_FILE, else the terminal)" },
	{ "json", 0, NULL, NULL, "JSON output (init, add, list, show, export, receive, remove, whoami, refresh)" },
	OB_NETOPTS_GLOBALS,
	{ NULL, 0, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	ob_cli_init("ob-wallet", 1);
	return ob_cli_main_specs(cmds, sizeof(cmds) / sizeof(cmds[0]), globals, argc, argv,
			   "keep your Open Badges 3.0 credentials");
}
