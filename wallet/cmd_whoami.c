#include <getopt.h>
#include <string.h>
#include <stdio.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "wallet.h"

int cmd_whoami(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_error err = { 0 };
	wallet w = { 0 };
	ob_key *key = NULL;
	ob_buf did = OB_BUF_INIT;
	int c;

	while ((c = ob_opts_getopt(argc, argv, ":h", longopts, NULL)) != -1)
		return c == 'h' ? ob_cli_help() : wallet_bad_option(c, argv);
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "whoami takes no arguments");
	if (wallet_unlock(&w, &err) || !(key = wallet_holder_key(&w, &err)) ||
	    ob_key_did(key, &did, NULL, &err))
		goto out;
	printf("%s\n", did.data);
out:
	ob_buf_release(&did);
	ob_key_free(key);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}

int cmd_passwd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "new-passphrase-file", required_argument, NULL, 'n' },
		{ "weak-passphrase-ok", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
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

	while ((c = ob_opts_getopt(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h')
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
