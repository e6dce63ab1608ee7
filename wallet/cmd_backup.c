/* backup and restore: the whole wallet in one encrypted file
 * (shared/vault.h). The records go in as they are stored, still sealed
 * under the data key, so a restore gives back the identical wallet; the
 * file as a whole is sealed again with its header as associated data.
 *
 * Payload (big-endian; a "field" is a u32 length and that many bytes):
 *   "OBWP" | version u32 (1) | created field | holder field |
 *   record count u32 | per record: seq u64, then the fields rid, idx,
 *   dedup, summary, raw, report (the database columns, as stored). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "specs.h"
#include "wallet.h"

#define PAYLOAD_MAGIC "OBWP"
#define BACKUP_MAX (2048u * 1024u * 1024u)

static const char *const rec_cols[] = { "rid", "idx", "dedup", "summary", "raw", "report" };
#define NCOLS 6

static void put32(ob_buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	ob_buf_add(b, x, 4);
}

static void put_field(ob_buf *b, const void *data, int len)
{
	put32(b, len > 0 ? (uint32_t)len : 0);
	if (len > 0)
		ob_buf_add(b, data, (size_t)len);
}

/* The vault's metadata and every record, read in one transaction. */
static ob_code dump(wallet *w, ob_buf *out, size_t *count, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	ob_buf b = OB_BUF_INIT;
	size_t nat;
	int step, i;
	ob_code rc = OB_OK;

	*count = 0;
	if ((rc = ob_store_exec(w->db, "BEGIN", err)))
		return rc;
	if (!(q = ob_store_prepare(w->db, "SELECT holder, created FROM vault", err)))
		goto fail;
	if (sqlite3_step(q) != SQLITE_ROW) {
		ob_store_fail(w->db, "cannot read the wallet", err);
		goto fail;
	}
	ob_buf_adds(out, PAYLOAD_MAGIC);
	put32(out, 1);
	put_field(out, sqlite3_column_text(q, 1), sqlite3_column_bytes(q, 1));
	put_field(out, sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0));
	nat = out->len;
	put32(out, 0); /* the count, filled in below */
	sqlite3_finalize(q);
	q = ob_store_prepare(w->db, "SELECT seq, rid, idx, dedup, summary, raw, report FROM records"
			     " ORDER BY seq", err);
	if (!q)
		goto fail;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *rid = (const char *)sqlite3_column_text(q, 1);
		uint64_t seq = (uint64_t)sqlite3_column_int64(q, 0);

		/* back up only what decrypts: a damaged wallet is reported now */
		if (!rid) {
			ob_fail(err, OB_EINVALID, "a wallet record id is damaged");
			goto fail;
		}
		for (i = 3; i < NCOLS; i++) {
			if (wallet_unseal(w, rid, rec_cols[i], sqlite3_column_blob(q, i + 1),
					  (size_t)sqlite3_column_bytes(q, i + 1), &b, err))
				goto fail;
			ob_buf_release_secret(&b);
		}
		put32(out, (uint32_t)(seq >> 32));
		put32(out, (uint32_t)seq);
		for (i = 0; i < NCOLS; i++)
			put_field(out, sqlite3_column_blob(q, i + 1), sqlite3_column_bytes(q, i + 1));
		(*count)++;
	}
	if (step != SQLITE_DONE) {
		ob_store_fail(w->db, "cannot read the wallet", err);
		goto fail;
	}
	if (out->oom) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	out->data[nat] = (char)(*count >> 24);
	out->data[nat + 1] = (char)(*count >> 16);
	out->data[nat + 2] = (char)(*count >> 8);
	out->data[nat + 3] = (char)*count;
	sqlite3_finalize(q);
	ob_store_exec(w->db, "COMMIT", NULL);
	return OB_OK;
fail:
	ob_buf_release_secret(&b);
	sqlite3_finalize(q);
	ob_store_rollback(w->db);
	return err->code ? err->code : OB_EIO;
}

static const struct ob_cmd_opt backup_opts[] = {
	{ "force", 0, NULL, "replace FILE if it exists", 'f', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt restore_opts[] = {
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec backup_spec = {
	"backup", cmd_backup, NULL, backup_opts, "FILE",
	"Writes the whole wallet, still encrypted, to one file (mode 0600).", NULL,
};
const struct ob_cmd_spec restore_spec = {
	"restore", cmd_restore, NULL, restore_opts, "FILE",
	"Makes a new wallet from a backup file, under its passphrase.", NULL,
};

int cmd_backup(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	sqlite3_stmt *q = NULL;
	ob_buf payload = OB_BUF_INIT, file = OB_BUF_INIT;
	size_t n = 0;
	int c, force = 0;

	while ((c = ob_cmd_getopt(&backup_spec, argc, argv)) != -1) {
		if (c == 'f')
			force = 1;
		else if (c == OB_OPT_HELP)
			return ob_cli_help();
		else
			return wallet_bad_option(c, argv);
	}
	if (argc - optind != 1)
		return ob_cli_usage(ob_cli_current(), "backup writes one FILE");
	if (!force && access(argv[optind], F_OK) == 0)
		return ob_cli_errorf(3, "'%s' exists (use --force)", argv[optind]);
	if (wallet_unlock(&w, &err) || dump(&w, &payload, &n, &err))
		goto out;
	if (!(q = ob_store_prepare(w.db, "SELECT wrapped FROM vault", &err)))
		goto out;
	if (sqlite3_step(q) != SQLITE_ROW) {
		ob_store_fail(w.db, "cannot read the wallet", &err);
		goto out;
	}
	if (ob_vault_backup_seal(&w.kdf, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0),
				 w.dk, payload.data, payload.len, &file, &err))
		goto out;
	if (ob_write_file_atomic(argv[optind], file.data, file.len, 0600, force, &err))
		goto out;
	fprintf(stderr, "%s: wrote %zu credential%s to %s\n", ob_cli_prog(), n, n == 1 ? "" : "s",
		argv[optind]);
out:
	sqlite3_finalize(q);
	ob_buf_release(&payload);
	ob_buf_release(&file);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}

/* A reader over the decrypted payload; any overrun is a parse error. */
struct rd {
	const unsigned char *p;
	size_t left;
};

static int get32(struct rd *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

static int get_field(struct rd *r, const unsigned char **data, size_t *len)
{
	uint32_t n;

	if (get32(r, &n) < 0 || n > r->left)
		return -1;
	*data = r->p;
	*len = n;
	r->p += n;
	r->left -= n;
	return 0;
}

struct restore {
	wallet *w;
	const ob_vault_backup *b;
	const ob_buf *payload;
	size_t n;
};

static ob_code fill(ob_store *db, void *ctx, ob_error *err)
{
	struct restore *r = ctx;
	struct rd in = { (const unsigned char *)r->payload->data, r->payload->len };
	const unsigned char *created, *holder, *col[NCOLS];
	size_t clen, hlen, len[NCOLS];
	ob_buf plain = OB_BUF_INIT, rid = OB_BUF_INIT;
	sqlite3_stmt *q = NULL;
	uint32_t version, count, hi, lo, i;
	int k, legacy = 0;
	ob_code rc = OB_OK;

	if (in.left < 4 || memcmp(in.p, PAYLOAD_MAGIC, 4) != 0)
		return ob_fail(err, OB_EPARSE, "backup payload is not an ob-wallet backup");
	in.p += 4;
	in.left -= 4;
	if (get32(&in, &version) < 0 || version != 1)
		return ob_fail(err, OB_EPARSE, "backup payload version is not supported");
	if (get_field(&in, &created, &clen) < 0 || get_field(&in, &holder, &hlen) < 0 ||
	    get32(&in, &count) < 0)
		return ob_fail(err, OB_EPARSE, "backup payload is truncated");
	/* everything is checked before it is written */
	if ((rc = wallet_holder_unseal(r->w, holder, hlen, &plain, &legacy, err)))
		goto out;
	ob_buf_release_secret(&plain);
	if (!(q = ob_store_prepare(db, "INSERT INTO vault (one, kdf, log2n, r, p, salt, wrapped, holder,"
				   " created) VALUES (1, 'scrypt', ?1, ?2, ?3, ?4, ?5, ?6, ?7)", err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_int(q, 1, (int)r->b->kdf.log2n);
	sqlite3_bind_int(q, 2, (int)r->b->kdf.r);
	sqlite3_bind_int(q, 3, (int)r->b->kdf.p);
	sqlite3_bind_blob(q, 4, r->b->kdf.salt, OB_VAULT_SALT_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, r->b->wrapped, (int)r->b->wrapped_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 6, holder, (int)hlen, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, (const char *)created, (int)clen, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = ob_store_fail(db, "cannot write the wallet", err);
		goto out;
	}
	sqlite3_finalize(q);
	if (!(q = ob_store_prepare(db, "INSERT INTO records (seq, rid, idx, dedup, summary, raw, report)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", err))) {
		rc = err->code;
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (get32(&in, &hi) < 0 || get32(&in, &lo) < 0) {
			rc = ob_fail(err, OB_EPARSE, "backup payload is truncated");
			goto out;
		}
		for (k = 0; k < NCOLS; k++)
			if (get_field(&in, &col[k], &len[k]) < 0) {
				rc = ob_fail(err, OB_EPARSE, "backup payload is truncated");
				goto out;
			}
		ob_buf_truncate(&rid, 0);
		if (len[0] != 32 || ob_buf_add(&rid, col[0], len[0]) < 0) {
			rc = ob_fail(err, OB_EPARSE, "backup: record %u has a bad id", i + 1);
			goto out;
		}
		for (k = 3; k < NCOLS; k++) {
			if ((rc = wallet_unseal(r->w, rid.data, rec_cols[k], col[k], len[k], &plain, err)))
				goto out;
			ob_buf_release_secret(&plain);
		}
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, (sqlite3_int64)((uint64_t)hi << 32 | lo));
		sqlite3_bind_text(q, 2, rid.data, 32, SQLITE_STATIC);
		for (k = 1; k < NCOLS; k++)
			sqlite3_bind_blob(q, k + 2, len[k] ? (const void *)col[k] : "", (int)len[k],
					  SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE) {
			rc = ob_store_fail(db, "cannot write the wallet", err);
			goto out;
		}
		r->n++;
	}
	if (in.left) {
		rc = ob_fail(err, OB_EPARSE, "backup payload has trailing data");
		goto out;
	}
	/* the census of what was restored (a backup of a wallet made before
	 * the census gets one at its first unlock) */
	if (!legacy) {
		wallet into = *r->w;
		into.db = db;
		rc = wallet_census_update(&into, err);
		OPENSSL_cleanse(&into, sizeof(into));
	}
out:
	sqlite3_finalize(q);
	ob_buf_release(&rid);
	ob_buf_release_secret(&plain);
	return rc;
}

int cmd_restore(int argc, char **argv)
{
	ob_error err = { 0 };
	ob_vault_backup b;
	struct restore r = { 0 };
	wallet w;
	unsigned char kek[OB_VAULT_KEY_LEN];
	ob_buf payload = OB_BUF_INIT;
	char *data = NULL, *home = NULL, *path = NULL, *pass = NULL;
	const char *file;
	size_t len = 0, plen = 0;
	int rc;

	memset(&w, 0, sizeof(w));
	memset(kek, 0, sizeof(kek));
	if ((rc = wallet_id_arg(&restore_spec, argc, argv, &file)) >= 0)
		return rc;
	if (ob_file_read(file, BACKUP_MAX, &data, &len, &err))
		goto out;
	/* the file's scrypt cost is checked here, before the passphrase is
	 * asked for and scrypt allocates: a forged header fails at once */
	if (ob_vault_backup_parse(data, len, &b, &err))
		goto out;
	if (!(home = wallet_home(&err)) || ob_mkdir_p(home, &err))
		goto out;
	if (!(path = ob_path_join(home, WALLET_DB))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (access(path, F_OK) == 0) {
		ob_fail(&err, OB_EIO, "restore needs an empty home: a wallet already exists at %s", path);
		goto out;
	}
	if (wallet_passphrase(NULL, "Backup passphrase: ", 0, &pass, &plen, &err) ||
	    ob_vault_derive(&b.kdf, pass, plen, kek, &err) ||
	    ob_vault_unwrap(kek, &b.kdf, b.wrapped, b.wrapped_len, w.dk, &err))
		goto out;
	w.kdf = b.kdf;
	if (ob_vault_backup_open(data, len, &b, w.dk, &payload, &err))
		goto out;
	r.w = &w;
	r.b = &b;
	r.payload = &payload;
	if (wallet_create(home, fill, &r, &err))
		goto out;
	fprintf(stderr, "%s: restored %zu credential%s into %s\n", ob_cli_prog(), r.n,
		r.n == 1 ? "" : "s", path);
out:
	OPENSSL_cleanse(kek, sizeof(kek));
	OPENSSL_cleanse(&w, sizeof(w));
	wallet_pass_free(pass, plen);
	ob_buf_release_secret(&payload);
	free(data);
	free(home);
	free(path);
	return err.code ? ob_cli_fail(&err) : 0;
}
