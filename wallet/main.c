#include <string.h>

#include "cli.h"
#include "wallet.h"

const char *wallet_home_opt;

static const struct ob_cmd cmds[] = {
	{ "init", cmd_init, "init" },
	{ "add", cmd_add, "add [--force] [--now T] [--doc URL=FILE]... FILE|-" },
	{ "list", cmd_list, "list [--json]" },
	{ "show", cmd_show, "show ID" },
	{ "export", cmd_export, "export ID" },
	{ "remove", cmd_remove, "remove ID" },
};

/* --home DIR (or --home=DIR) is taken out of argv before the command
 * name, so every command sees only its own options. */
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
	if (take_home(&argc, argv) < 0)
		return ob_cli_errorf(2, "--home needs a directory");
	return ob_cli_main(cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv,
			   "keep your Open Badges 3.0 credentials",
			   "  --home DIR   wallet directory (default $OBKIT_WALLET_HOME, else $XDG_DATA_HOME/obkit/wallet)\n"
			   "  --version    print the version\n");
}
