#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "dates.h"
#include "fsutil.h"
#include "wallet.h"

/* raw is a BLOB: the credential's bytes exactly as given, so export
 * returns them unchanged. verdict is the one ob_verify_bytes reached at
 * checked_at; anything but 'valid' was stored with --force. */
const char *const wallet_migrations[] = {
	"CREATE TABLE credentials("
	" seq INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" kind TEXT NOT NULL,"
	" raw BLOB NOT NULL,"
	" issuer_id TEXT, issuer_name TEXT, achievement TEXT, learner TEXT,"
	" valid_from TEXT, valid_until TEXT,"
	" verdict TEXT NOT NULL CHECK (verdict IN ('valid', 'invalid', 'undecided')),"
	" reason TEXT,"
	" checked_at TEXT NOT NULL,"
	" added_at TEXT NOT NULL,"
	" report TEXT NOT NULL);",
};
const int wallet_nmigrations = sizeof(wallet_migrations) / sizeof(wallet_migrations[0]);

char *wallet_home(ob_error *err)
{
	return ob_home_dir(wallet_home_opt, "OBKIT_WALLET_HOME", "wallet", err);
}

ob_code wallet_open(ob_store **out, ob_error *err)
{
	char *home = NULL, *path = NULL;
	struct stat st;
	ob_code rc = OB_OK;

	*out = NULL;
	if (!(home = wallet_home(err)))
		return err->code;
	if (!(path = ob_path_join(home, WALLET_DB))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			rc = ob_fail(err, OB_EIO, "no wallet at %s (run 'ob-wallet init')", home);
		else
			rc = ob_fail(err, OB_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!(*out = ob_store_open(path, wallet_migrations, wallet_nmigrations, err)))
		rc = err->code;
out:
	free(home);
	free(path);
	return rc;
}

int wallet_bad_option(int c, char **argv)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':')
		return ob_cli_usage(ob_cli_current(), "option '%s' needs a value", opt);
	if (optopt)
		return ob_cli_usage(ob_cli_current(), "unknown option '-%c'", optopt);
	return ob_cli_usage(ob_cli_current(), "unknown option '%s'", opt);
}

int wallet_id_arg(int argc, char **argv, const char **id)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h')
			return ob_cli_help();
		return wallet_bad_option(c, argv);
	}
	if (argc - optind != 1)
		return ob_cli_usage(ob_cli_current(), argc - optind ? "too many arguments" :
				    "which credential? (see 'ob-wallet list')");
	*id = argv[optind];
	return -1;
}

ob_code wallet_not_found(const char *id, ob_error *err)
{
	return ob_fail(err, OB_EINVALID, "no credential '%s' in the wallet", id);
}

const char *wallet_status(const char *verdict, const char *valid_until)
{
	time_t until;

	if (!verdict || strcmp(verdict, "valid") != 0)
		return verdict && !strcmp(verdict, "undecided") ? "unverified (undecided)" :
								   "unverified (invalid)";
	if (valid_until && ob_date_parse(valid_until, &until, NULL) == 0 && until < time(NULL))
		return "expired";
	return "verified";
}

size_t wallet_put(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");
	size_t cols = 0;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			if (f)
				fputc('?', f);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			if (f)
				fputc('?', f); /* U+0080..U+009F, the C1 controls */
			p++;
		} else {
			if (f)
				fputc(*p, f);
			if ((*p & 0xc0) == 0x80)
				continue; /* a continuation byte takes no column */
		}
		cols++;
	}
	return cols;
}
