#include <string.h>

#include "cli/cli.h"
#include "wallet.h"

const char *wallet_home_opt;
const char *wallet_passfile_opt;

static const struct ob_cmd cmds[] = {
	{ "init", cmd_init, "init [--kdf-cost default|test]" },
	{ "add", cmd_add, "add [--force] [--now T] [--doc URL=FILE]... [--offline] [--cacert FILE] FILE|-|URL..." },
	{ "list", cmd_list, "list [--json]" },
	{ "show", cmd_show, "show ID" },
	{ "export", cmd_export, "export ID [--json] [--baked IMAGE -o OUT]" },
	{ "remove", cmd_remove, "remove ID" },
	{ "whoami", cmd_whoami, "whoami" },
	{ "present", cmd_present, "present ID... --challenge C [--domain D] [--suite SUITE] [-o FILE]" },
	{ "refresh", cmd_refresh, "refresh [--now T] [--doc URL=FILE]... [--offline] [--cacert FILE]" },
	{ "share", cmd_share, "share ID (--qr [--png OUT] [--url URL] | --linkedin)" },
	{ "backup", cmd_backup, "backup [--force] FILE" },
	{ "restore", cmd_restore, "restore FILE" },
	{ "passwd", cmd_passwd, "passwd [--new-passphrase-file FILE]" },
};

/* --home DIR and --passphrase-file FILE (or --opt=VALUE) are taken out
 * of argv before the command name, so every command sees only its own
 * options. Returns -1 (home) or -2 (passphrase file) for a missing value. */
static int take_home(int *argc, char **argv)
{
	int n = 0;

	while (1 + n < *argc) {
		const char *a = argv[1 + n];

		if (!strcmp(a, "--home")) {
			if (2 + n >= *argc)
				return -1;
			wallet_home_opt = argv[2 + n];
			n += 2;
		} else if (!strncmp(a, "--home=", 7)) {
			wallet_home_opt = a + 7;
			n += 1;
		} else if (!strcmp(a, "--passphrase-file")) {
			if (2 + n >= *argc)
				return -2;
			wallet_passfile_opt = argv[2 + n];
			n += 2;
		} else if (!strncmp(a, "--passphrase-file=", 18)) {
			wallet_passfile_opt = a + 18;
			n += 1;
		} else
			break;
	}
	if (n) {
		memmove(argv + 1, argv + 1 + n, (size_t)(*argc - 1 - n + 1) * sizeof(*argv));
		*argc -= n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	ob_cli_init("ob-wallet", 1);
	switch (take_home(&argc, argv)) {
	case -1:
		return ob_cli_errorf(2, "--home needs a directory");
	case -2:
		return ob_cli_errorf(2, "--passphrase-file needs a file");
	}
	return ob_cli_main(cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv,
			   "keep your Open Badges 3.0 credentials",
			   "  --home DIR   wallet directory (default $OBKIT_WALLET_HOME, else $XDG_DATA_HOME/obkit/wallet)\n"
			   "  --passphrase-file FILE  read the passphrase from FILE's first line\n"
			   "               (default $OBKIT_WALLET_PASSPHRASE_FILE, else the terminal)\n"
			   "  --version    print the version\n");
}
