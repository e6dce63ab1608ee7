#include <getopt.h>
#include <string.h>
#include <stdio.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "specs.h"
#include "wallet.h"

static const struct ob_cmd_opt whoami_opts[] = {
	{ "json", 0, NULL, "print one JSON object: {\"did\": ...}", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt passwd_opts[] = {
	{ "new-passphrase-file", 0, "FILE", "read the new passphrase from FILE's first line", 'n', 0 },
	{ "weak-passphrase-ok", 0, NULL, "accept a weak passphrase without asking", 'W', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec whoami_spec = {
	"whoami", cmd_whoami, NULL, whoami_opts, NULL,
	"Prints the wallet's holder identifier (a did:key).", NULL,
};
const struct ob_cmd_spec passwd_spec = {
	"passwd", cmd_passwd, NULL, passwd_opts, NULL,
	"Changes the wallet's passphrase; no record is re-encrypted.", NULL,
};

int cmd_whoami(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	ob_key *key = NULL;
	ob_buf did = OB_BUF_INIT;
	json_t *o = NULL;
	int c, json = 0;

	while ((c = ob_cmd_getopt(&whoami_spec, argc, argv)) != -1) {
		if (c != 'j')
			return c == OB_OPT_HELP ? ob_cli_help() : wallet_bad_option(c, argv);
		json = 1;
	}
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "whoami takes no arguments");
	if (wallet_unlock(&w, &err) || !(key = wallet_holder_key(&w, &err)) ||
	    ob_key_did(key, &did, NULL, &err))
		goto out;
	if (!json)
		printf("%s\n", did.data);
	else if (!(o = json_pack("{s:s}", "did", did.data)))
		ob_fail(&err, OB_ENOMEM, "out of memory");
	else
		wallet_json_print(o, &err);
out:
	json_decref(o);
	ob_buf_release(&did);
	ob_key_free(key);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}

int cmd_passwd(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	ob_vault_kdf k;
	unsigned char kek[OB_VAULT_KEY_LEN];
	ob_buf wrapped = OB_BUF_INIT;
	sqlite3_stmt *q = NULL;
	const char *newfile = NULL;
	char *pass = NULL;
	size_t plen = 0;
	int c, weak_ok = 0;

	while ((c = ob_cmd_getopt(&passwd_spec, argc, argv)) != -1) {
		if (c == OB_OPT_HELP)
			return ob_cli_help();
		if (c == 'W')
			weak_ok = 1;
		else if (c == 'n')
			newfile = optarg;
		else
			return wallet_bad_option(c, argv);
	}
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "passwd takes no arguments");
	if (wallet_unlock(&w, &err))
		goto out;
	if (wallet_new_passphrase(newfile, "New passphrase: ", weak_ok, &pass, &plen, &err))
		goto out;
	/* a new salt, the cost the wallet had (at least the default unless it
	 * is a test wallet), the same data key: no record is re-encrypted */
	if (ob_vault_kdf_new(&k, w.kdf.log2n, &err) ||
	    ob_vault_derive(&k, pass, plen, kek, &err) ||
	    ob_vault_wrap(kek, &k, w.dk, &wrapped, &err) || ob_store_begin(w.db, &err))
		goto out;
	if (!(q = ob_store_prepare(w.db, "UPDATE vault SET log2n = ?1, r = ?2, p = ?3, salt = ?4,"
				   " wrapped = ?5", &err)))
		goto out;
	sqlite3_bind_int(q, 1, (int)k.log2n);
	sqlite3_bind_int(q, 2, (int)k.r);
	sqlite3_bind_int(q, 3, (int)k.p);
	sqlite3_bind_blob(q, 4, k.salt, sizeof(k.salt), SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, wrapped.data, (int)wrapped.len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		ob_store_fail(w.db, "cannot update the wallet", &err);
	else if (!ob_store_commit(w.db, &err))
		fprintf(stderr, "%s: passphrase changed\n", ob_cli_prog());
out:
	sqlite3_finalize(q);
	if (w.db)
		ob_store_rollback(w.db);
	OPENSSL_cleanse(kek, sizeof(kek));
	ob_buf_release(&wrapped);
	wallet_pass_free(pass, plen);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
