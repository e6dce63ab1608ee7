#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "canon/jcs.h"
#include "wallet.h"
#include "vc/clr.h"
#include "vc/registry.h"

/* Version 1 (unencrypted, refused by wallet_unlock) is kept so such a
 * database is recognised. Version 2: the vault (KDF parameters, the data
 * key wrapped by the passphrase's key, the holder's sealed key) and the
 * records, whose every column but the random record id, the order and
 * two keyed lookup tags (by credential id, by content) is sealed under
 * the data key (see records.c). Version 3: the census of the records,
 * so one deleted or added outside ob-wallet is noticed. */
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
	"CREATE TABLE vault("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" kdf TEXT NOT NULL CHECK (kdf = 'scrypt'),"
	" log2n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL,"
	" salt BLOB NOT NULL,"
	" wrapped BLOB NOT NULL,"
	" holder BLOB NOT NULL,"
	" created TEXT NOT NULL);"
	"CREATE TABLE records("
	" seq INTEGER PRIMARY KEY,"
	" rid TEXT NOT NULL UNIQUE,"
	" idx BLOB NOT NULL UNIQUE,"
	" dedup BLOB NOT NULL UNIQUE,"
	" summary BLOB NOT NULL,"
	" raw BLOB NOT NULL,"
	" report BLOB NOT NULL);",
	/* version 3: the census (records.c), sealed under the data key */
	"ALTER TABLE vault ADD COLUMN census BLOB;",
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

ob_code wallet_json_print(const json_t *o, ob_error *err)
{
	char *js = ob_json_dumps(o, OB_JSON_PRETTY);

	if (!js)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (printf("%s\n", js) < 0 || fflush(stdout) != 0) {
		free(js);
		return ob_fail(err, OB_EIO, "cannot write to standard output");
	}
	free(js);
	return OB_OK;
}

int wallet_bad_option(int c, char **argv)
{
	(void)c;
	(void)argv;
	/* getopt_long (ob_opts_getopt) kept what was wrong; this prints it */
	return ob_cli_usage(ob_cli_current(), "invalid option");
}

int wallet_id_arg(const struct ob_cmd_spec *spec, int argc, char **argv, const char **id)
{
	int c;

	while ((c = ob_cmd_getopt(spec, argc, argv)) != -1) {
		if (c == OB_OPT_HELP)
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

const char *wallet_reason(const ob_report *r)
{
	const ob_check *c = ob_report_first_problem(r);
	size_t i;

	if (c)
		return c->message;
	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].outcome == OB_NOT_CHECKED)
			return r->checks[i].message;
	return ob_verdict_name(r->verdict);
}

const char *wallet_warning(const ob_report *r)
{
	const ob_check *c;

	return ob_report_dimension(r, OB_DIM_CONFORMANT, &c) == OB_FAILED && c ? c->message : NULL;
}

static int set_or_del(json_t *o, const char *k, const char *v)
{
	if (!v)
		return json_object_del(o, k), 0;
	return json_object_set_new(o, k, json_string(v));
}

/* The CLR's name: a string or the first of a language map's values. */
static const char *clr_name(const json_t *cred)
{
	const json_t *v = json_object_get(cred, "name");

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		v = json_object_get(v, "@value");
	return json_string_value(v);
}

int wallet_summary_set(json_t *sum, const ob_report *r, const char *id, const char *checked,
		       int set_doc)
{
	int bad = 0;

	if (set_doc) {
		bad |= set_or_del(sum, "id", id);
		bad |= set_or_del(sum, "kind", r->kind);
		bad |= set_or_del(sum, "achievement", r->achievement_name);
		bad |= set_or_del(sum, "issuer", r->issuer_id);
		bad |= set_or_del(sum, "issuerName", r->issuer_name);
		bad |= set_or_del(sum, "learner", r->learner);
		bad |= set_or_del(sum, "validFrom", r->valid_from);
		bad |= set_or_del(sum, "validUntil", r->valid_until);
	}
	/* a CLR is named by its own name, not its first badge's: set on
	 * refresh too, so a record added before gets it */
	if (r->document && ob_clr_is_clr(r->document)) {
		bad |= set_or_del(sum, "clrName", clr_name(r->document));
		bad |= json_object_set_new(sum, "clrItems", json_integer((json_int_t)r->nnested));
	}
	bad |= set_or_del(sum, "verdict", ob_verdict_name(r->verdict));
	bad |= set_or_del(sum, "reason", r->verdict == OB_VALID ? NULL : wallet_reason(r));
	bad |= set_or_del(sum, "warning", wallet_warning(r));
	/* who vouches for the issuer: what `refresh` reports when it changes */
	bad |= set_or_del(sum, "issuerIdentity", strcmp(r->kind, "presentation") ? ob_identity_name(r->identity) : NULL);
	bad |= set_or_del(sum, "issuerIdentityBasis", r->identity == OB_IDENTITY_DOMAIN ? r->issuer_domain :
			  r->identity == OB_IDENTITY_REGISTRY ? r->registry_name : NULL);
	bad |= set_or_del(sum, "issuerRegisteredName", r->identity == OB_IDENTITY_REGISTRY ? r->registered_name : NULL);
	bad |= set_or_del(sum, "checkedAt", checked);
	return bad ? -1 : 0;
}

ob_code wallet_registries(ob_registry **out, ob_error *err)
{
	ob_registry *r = ob_registry_new();

	*out = NULL;
	if (!r)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (ob_registry_add_defaults(r, NULL, err)) {
		ob_registry_free(r);
		return err->code;
	}
	*out = r;
	return OB_OK;
}
