/* The passphrase, unlocking, the holder key and creating a wallet file. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "base/codec.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "wallet.h"

#define PASS_MAX 1024

void wallet_pass_free(char *pass, size_t len)
{
	(void)len;
	if (pass)
		OPENSSL_clear_free(pass, strlen(pass) + 1);
}

static ob_code pass_from_file(const char *file, char **out, size_t *len, ob_error *err)
{
	char *data = NULL, *nl;
	size_t n = 0;
	ob_error e = { 0 };

	if (ob_file_read(file, PASS_MAX, &data, &n, &e))
		return ob_fail(err, e.code, "cannot read the passphrase file: %s", e.msg);
	/* the first line is the passphrase */
	if ((nl = memchr(data, '\n', n)))
		n = (size_t)(nl - data);
	if (n && data[n - 1] == '\r')
		n--;
	OPENSSL_cleanse(data + n, strlen(data + n));
	data[n] = '\0';
	if (memchr(data, '\0', n)) {
		OPENSSL_clear_free(data, n + 1);
		return ob_fail(err, OB_EUSAGE, "the passphrase file holds a NUL byte");
	}
	*out = data;
	*len = n;
	return OB_OK;
}

/* Ctrl-C at the prompt must not leave the terminal without echo: the
 * handler puts the old settings back, then dies of the same signal. */
static struct termios saved_tty;
static volatile sig_atomic_t saved_fd = -1;

static void restore_tty(int sig)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line from the terminal with echo off. */
static ob_code pass_from_tty(int fd, const char *prompt, char *buf, size_t *len, ob_error *err)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };
	struct sigaction sa, old_sa[sizeof(sigs) / sizeof(sigs[0])];
	struct termios old, quiet;
	size_t n = 0, i;
	ssize_t got;
	char c;
	int restore = 0;
	ob_code rc = OB_OK;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return ob_fail(err, OB_EIO, "cannot write to the terminal: %s", strerror(errno));
	if (tcgetattr(fd, &old) == 0) {
		saved_tty = old;
		saved_fd = fd;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = restore_tty;
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaction(sigs[i], &sa, &old_sa[i]);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	for (;;) {
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 >= PASS_MAX) {
			rc = ob_fail(err, OB_EUSAGE, "passphrase longer than %d bytes", PASS_MAX - 1);
			break;
		}
		buf[n++] = c;
	}
	c = 0;
	buf[n] = '\0';
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (saved_fd >= 0) {
		saved_fd = -1;
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaction(sigs[i], &old_sa[i], NULL);
	}
	if (write(fd, "\n", 1) < 0) {
		/* nothing to do: the prompt line just stays open */
	}
	*len = n;
	return rc;
}

ob_code wallet_passphrase(const char *file, const char *prompt, int confirm, char **out,
			  size_t *len, ob_error *err)
{
	const char *env = getenv("OBKIT_WALLET_PASSPHRASE_FILE");
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int fd = -1;
	ob_code rc = OB_OK;

	*out = NULL;
	*len = 0;
	if (!file)
		file = wallet_passfile_opt ? wallet_passfile_opt : env && *env ? env : NULL;
	if (file) {
		if ((rc = pass_from_file(file, &a, &na, err)))
			return rc;
	} else {
		fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return ob_fail(err, OB_EUSAGE, "no terminal to ask for the passphrase "
				       "(use --passphrase-file FILE)");
		a = OPENSSL_zalloc(PASS_MAX);
		b = confirm ? OPENSSL_zalloc(PASS_MAX) : NULL;
		if (!a || (confirm && !b)) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = pass_from_tty(fd, prompt, a, &na, err)))
			goto out;
		if (confirm) {
			if ((rc = pass_from_tty(fd, "Repeat it: ", b, &nb, err)))
				goto out;
			if (na != nb || CRYPTO_memcmp(a, b, na) != 0) {
				rc = ob_fail(err, OB_EUSAGE, "the passphrases do not match");
				goto out;
			}
		}
	}
	if (!na)
		rc = ob_fail(err, OB_EUSAGE, "the passphrase is empty");
out:
	if (fd >= 0)
		close(fd);
	if (b)
		OPENSSL_clear_free(b, PASS_MAX);
	if (rc) {
		wallet_pass_free(a, na);
		return rc;
	}
	*out = a;
	*len = na;
	return OB_OK;
}

void wallet_close(wallet *w)
{
	ob_store_close(w->db);
	OPENSSL_cleanse(w, sizeof(*w));
}

/* A wallet made before the census gets one now, and its holder seed is
 * sealed again under the label that says so, in one transaction: from
 * then on a missing census is tampering, not age. Otherwise the census
 * must match the records, read in one snapshot. */
static ob_code settle_census(wallet *w, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	ob_buf seed = OB_BUF_INIT, sealed = OB_BUF_INIT;
	int legacy = 0;
	ob_code rc;

	if ((rc = ob_store_exec(w->db, "BEGIN", err)))
		return rc;
	if (!(q = ob_store_prepare(w->db, "SELECT holder FROM vault", err))) {
		rc = err->code;
		goto out;
	}
	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = ob_store_fail(w->db, "cannot read the wallet", err);
		goto out;
	}
	if ((rc = wallet_holder_unseal(w, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0),
				       &seed, &legacy, err)))
		goto out;
	sqlite3_finalize(q);
	q = NULL;
	if (!legacy) {
		rc = wallet_census_check(w, err);
		goto out;
	}
	ob_store_exec(w->db, "COMMIT", NULL);
	if ((rc = ob_store_begin(w->db, err)))
		goto out;
	if ((rc = wallet_census_update(w, err)) ||
	    (rc = wallet_seal(w, WALLET_HOLDER_SEAL, "holder", seed.data, seed.len, &sealed, err)))
		goto out;
	if (!(q = ob_store_prepare(w->db, "UPDATE vault SET holder = ?1", err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_blob(q, 1, sealed.data, (int)sealed.len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = ob_store_fail(w->db, "cannot write the wallet", err);
	sqlite3_finalize(q);
	q = NULL;
	if (!rc)
		rc = ob_store_commit(w->db, err);
out:
	sqlite3_finalize(q);
	if (rc)
		ob_store_rollback(w->db);
	else
		ob_store_exec(w->db, "COMMIT", NULL);
	ob_buf_release_secret(&seed);
	ob_buf_release(&sealed);
	return rc;
}

ob_code wallet_unlock(wallet *w, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	unsigned char kek[OB_VAULT_KEY_LEN];
	char *pass = NULL;
	size_t plen = 0;
	int step;
	ob_code rc;

	memset(w, 0, sizeof(*w));
	if ((rc = wallet_open(&w->db, err)))
		return rc;
	if (!(q = ob_store_prepare(w->db, "SELECT log2n, r, p, salt, wrapped FROM vault", err)))
		return err->code;
	step = sqlite3_step(q);
	if (step == SQLITE_DONE) {
		rc = ob_fail(err, OB_EIO, "this wallet is not encrypted (made by an older ob-wallet): "
			     "export its credentials with that version, then 'ob-wallet init' a "
			     "new wallet and add them");
		goto out;
	}
	if (step != SQLITE_ROW) {
		rc = ob_store_fail(w->db, "cannot read the wallet", err);
		goto out;
	}
	w->kdf.log2n = (unsigned)sqlite3_column_int(q, 0);
	w->kdf.r = (unsigned)sqlite3_column_int(q, 1);
	w->kdf.p = (unsigned)sqlite3_column_int(q, 2);
	if (sqlite3_column_bytes(q, 3) != OB_VAULT_SALT_LEN) {
		rc = ob_fail(err, OB_EINVALID, "the wallet's key derivation salt is damaged");
		goto out;
	}
	memcpy(w->kdf.salt, sqlite3_column_blob(q, 3), OB_VAULT_SALT_LEN);
	if ((rc = ob_vault_kdf_check(&w->kdf, err)))
		goto out;
	if ((rc = wallet_passphrase(NULL, "Wallet passphrase: ", 0, &pass, &plen, err)))
		goto out;
	if ((rc = ob_vault_derive(&w->kdf, pass, plen, kek, err)))
		goto out;
	rc = ob_vault_unwrap(kek, &w->kdf, sqlite3_column_blob(q, 4),
			     (size_t)sqlite3_column_bytes(q, 4), w->dk, err);
	sqlite3_finalize(q);
	q = NULL;
	if (!rc)
		rc = settle_census(w, err);
	if (!rc)
		w->unlocked = 1;
out:
	OPENSSL_cleanse(kek, sizeof(kek));
	wallet_pass_free(pass, plen);
	sqlite3_finalize(q);
	return rc;
}

ob_key *wallet_key_from_seed(const unsigned char seed[32], ob_error *err)
{
	unsigned char mc[34] = { 0x80, 0x26 };
	ob_buf text = OB_BUF_INIT;
	ob_key *key = NULL;

	memcpy(mc + 2, seed, 32);
	ob_buf_adds(&text, "{\"type\":\"Multikey\",\"keyType\":\"Ed25519\",\"secretKeyMultibase\":\"");
	ob_multibase_encode(&text, 'z', mc, sizeof(mc));
	ob_buf_adds(&text, "\"}");
	OPENSSL_cleanse(mc, sizeof(mc));
	if (text.oom)
		ob_fail(err, OB_ENOMEM, "out of memory");
	else
		key = ob_key_parse(text.data, text.len, err);
	ob_buf_release_secret(&text);
	return key;
}

ob_key *wallet_holder_key(wallet *w, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	ob_buf seed = OB_BUF_INIT;
	ob_key *key = NULL;
	int legacy;

	if (!(q = ob_store_prepare(w->db, "SELECT holder FROM vault", err)))
		return NULL;
	if (sqlite3_step(q) != SQLITE_ROW) {
		ob_store_fail(w->db, "cannot read the wallet", err);
		goto out;
	}
	if (wallet_holder_unseal(w, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0),
				 &seed, &legacy, err))
		goto out;
	if (seed.len != 32) {
		ob_fail(err, OB_EINVALID, "the holder key in the wallet is damaged");
		goto out;
	}
	key = wallet_key_from_seed((const unsigned char *)seed.data, err);
out:
	ob_buf_release_secret(&seed);
	sqlite3_finalize(q);
	return key;
}

ob_code wallet_create(const char *home, ob_code (*fill)(ob_store *db, void *ctx, ob_error *err),
		      void *ctx, ob_error *err)
{
	char *path = NULL, *tmp = NULL;
	ob_store *db = NULL;
	ob_code rc = OB_OK;
	int fd, dfd;

	if (!(path = ob_path_join(home, WALLET_DB)) ||
	    !(tmp = ob_path_join(home, WALLET_DB ".new-XXXXXX"))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (access(path, F_OK) == 0) {
		rc = ob_fail(err, OB_EIO, "wallet already exists at %s", path);
		goto out;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		rc = ob_fail(err, OB_EIO, "cannot create a file in '%s': %s", home, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	fchmod(fd, 0600);
	close(fd);
	if (!(db = ob_store_open(tmp, wallet_migrations, wallet_nmigrations, err))) {
		rc = err->code;
		goto out;
	}
	if ((rc = ob_store_begin(db, err)))
		goto out;
	if ((rc = fill(db, ctx, err))) {
		ob_store_rollback(db);
		goto out;
	}
	if ((rc = ob_store_commit(db, err)))
		goto out;
	/* back to a single file: the rename must carry the whole database */
	if ((rc = ob_store_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;",
				err)))
		goto out;
	ob_store_close(db);
	db = NULL;
	/* link refuses to replace: two restores or inits cannot both win */
	if (link(tmp, path) < 0) {
		rc = errno == EEXIST ? ob_fail(err, OB_EIO, "wallet already exists at %s", path) :
				       ob_fail(err, OB_EIO, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	if ((dfd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	ob_store_close(db);
	if (tmp) {
		char *side = malloc(strlen(tmp) + 5);
		unlink(tmp);
		if (side) {
			sprintf(side, "%s-wal", tmp);
			unlink(side);
			sprintf(side, "%s-shm", tmp);
			unlink(side);
			free(side);
		}
	}
	free(tmp);
	free(path);
	return rc;
}
