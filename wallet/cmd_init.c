#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "specs.h"
#include "wallet.h"

struct setup {
	const char *pass;
	size_t plen;
	unsigned log2n;
	ob_buf did; /* the holder's DID, once made */
};

/* The new wallet's vault: KDF parameters, a fresh data key wrapped by
 * the passphrase, a fresh holder key sealed under the data key. */
static ob_code fill(ob_store *db, void *ctx, ob_error *err)
{
	struct setup *s = ctx;
	ob_key *key = NULL;
	wallet w;
	unsigned char kek[OB_VAULT_KEY_LEN], seed[32];
	ob_buf wrapped = OB_BUF_INIT, holder = OB_BUF_INIT;
	sqlite3_stmt *q = NULL;
	char created[32];
	ob_code rc;

	memset(&w, 0, sizeof(w));
	if ((rc = ob_vault_kdf_new(&w.kdf, s->log2n, err)) ||
	    (rc = ob_vault_derive(&w.kdf, s->pass, s->plen, kek, err)) ||
	    (rc = ob_vault_random(w.dk, sizeof(w.dk), err)) ||
	    (rc = ob_vault_random(seed, sizeof(seed), err)) ||
	    (rc = ob_vault_wrap(kek, &w.kdf, w.dk, &wrapped, err)) ||
	    (rc = wallet_seal(&w, WALLET_HOLDER_SEAL, "holder", seed, sizeof(seed), &holder, err)))
		goto out;
	if (!(key = wallet_key_from_seed(seed, err)) || ob_key_did(key, &s->did, NULL, err)) {
		rc = err->code;
		goto out;
	}
	ob_date_format(time(NULL), created);
	if (!(q = ob_store_prepare(db, "INSERT INTO vault (one, kdf, log2n, r, p, salt, wrapped, holder,"
				   " created) VALUES (1, 'scrypt', ?1, ?2, ?3, ?4, ?5, ?6, ?7)", err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_int(q, 1, (int)w.kdf.log2n);
	sqlite3_bind_int(q, 2, (int)w.kdf.r);
	sqlite3_bind_int(q, 3, (int)w.kdf.p);
	sqlite3_bind_blob(q, 4, w.kdf.salt, sizeof(w.kdf.salt), SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, wrapped.data, (int)wrapped.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 6, holder.data, (int)holder.len, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, created, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = ob_store_fail(db, "cannot write the wallet", err);
	/* an empty census: nothing may be added but through ob-wallet */
	w.db = db;
	if (!rc)
		rc = wallet_census_update(&w, err);
out:
	ob_key_free(key);
	sqlite3_finalize(q);
	OPENSSL_cleanse(kek, sizeof(kek));
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(&w, sizeof(w));
	ob_buf_release(&wrapped);
	ob_buf_release(&holder);
	return rc;
}

static const struct ob_cmd_opt init_opts[] = {
	{ "kdf-cost", 0, "default|test", "scrypt's cost; test (N = 2^10) is for test suites only", 'k', 0 },
	{ "weak-passphrase-ok", 0, NULL, "accept a weak passphrase without asking", 'W', 0 },
	{ "json", 0, NULL, "print one JSON object: the wallet's file and the holder's DID", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec init_spec = {
	"init", cmd_init, NULL, init_opts, NULL,
	"Creates a new wallet, under a new passphrase, with the holder's key.", NULL,
};

int cmd_init(int argc, char **argv)
{
	ob_error err = { 0 };
	struct setup s = { NULL, 0, OB_VAULT_LOG2N_DEFAULT, OB_BUF_INIT };
	json_t *o = NULL;
	char *home = NULL, *path = NULL, *pass = NULL;
	size_t plen = 0;
	int c, weak_ok = 0, json = 0;

	while ((c = ob_cmd_getopt(&init_spec, argc, argv)) != -1) {
		if (c == OB_OPT_HELP)
			return ob_cli_help();
		if (c == 'W' || c == 'j') {
			*(c == 'W' ? &weak_ok : &json) = 1;
			continue;
		}
		if (c != 'k')
			return wallet_bad_option(c, argv);
		if (!strcmp(optarg, "test"))
			s.log2n = OB_VAULT_LOG2N_TEST;
		else if (strcmp(optarg, "default") != 0)
			return ob_cli_usage(ob_cli_current(), "--kdf-cost is 'default' or 'test', "
					    "not '%s'", optarg);
	}
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "init takes no arguments");
	if (!(home = wallet_home(&err)) || ob_mkdir_p(home, &err))
		goto out;
	if (!(path = ob_path_join(home, WALLET_DB))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (access(path, F_OK) == 0) {
		ob_fail(&err, OB_EIO, "wallet already exists at %s", path);
		goto out;
	}
	if (wallet_new_passphrase(NULL, "New wallet passphrase: ", weak_ok, &pass, &plen, &err))
		goto out;
	s.pass = pass;
	s.plen = plen;
	if (wallet_create(home, fill, &s, &err))
		goto out;
	fprintf(stderr, "%s: created wallet at %s\n", ob_cli_prog(), path);
	if (s.log2n == OB_VAULT_LOG2N_TEST)
		fprintf(stderr, "%s: warning: test key derivation cost (scrypt N=2^%d): not for "
			"real credentials\n", ob_cli_prog(), OB_VAULT_LOG2N_TEST);
	if (json && !(o = json_pack("{s:s, s:s, s:b}", "wallet", path, "did", s.did.data,
				      "testKdf", s.log2n == OB_VAULT_LOG2N_TEST)))
		ob_fail(&err, OB_ENOMEM, "out of memory");
	else if (json)
		wallet_json_print(o, &err);
out:
	json_decref(o);
	ob_buf_release(&s.did);
	wallet_pass_free(pass, plen);
	free(home);
	free(path);
	return err.code ? ob_cli_fail(&err) : 0;
}
