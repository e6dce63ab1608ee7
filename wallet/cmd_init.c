#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "wallet.h"

static void remove_db(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	char *p;
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		if (!(p = malloc(strlen(path) + 5)))
			return;
		sprintf(p, "%s%s", path, ext[i]);
		unlink(p);
		free(p);
	}
}

int cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_error err = { 0 };
	char *home = NULL, *path = NULL;
	ob_store *db = NULL;
	int c, fd, created = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h')
			return ob_cli_help();
		return wallet_bad_option(c, argv);
	}
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "init takes no arguments");
	if (!(home = wallet_home(&err)))
		goto out;
	if (ob_mkdir_p(home, &err))
		goto out;
	if (!(path = ob_path_join(home, WALLET_DB))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	/* O_EXCL: two inits at once cannot both think they created it */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			ob_fail(&err, OB_EIO, "wallet already exists at %s", path);
		else
			ob_fail(&err, OB_EIO, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	close(fd);
	created = 1;
	if (!(db = ob_store_open(path, wallet_migrations, wallet_nmigrations, &err)))
		goto out;
	fprintf(stderr, "%s: created wallet at %s\n", ob_cli_prog(), path);
out:
	ob_store_close(db);
	if (err.code && created)
		remove_db(path);
	free(home);
	free(path);
	return err.code ? ob_cli_fail(&err) : 0;
}
