#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "proof/did.h"
#include "base/fsutil.h"
#include "issuer.h"
#include "base/json.h"
#include "vc/status.h"

/* Schema (user_version 4):
 *   profile(id = 1, did, json)          the issuer Profile object
 *   keys(id, file, vm, type, created, active, staged)
 *                                       key files under home/keys; the
 *                                       newest active row signs; old keys
 *                                       stay for the DID document. A
 *                                       staged row (active 0, at most one)
 *                                       is a rotated key not yet published:
 *                                       publish lists it, then activates it
 *   achievements(id, json, created)     the catalog
 *   issued(id, achievement, recipient, suite, issued_at,
 *          credential,                  the signed text exactly as written
 *          status_list, status_index,   the BitstringStatusList slot (NULL
 *                                       with --no-status); UNIQUE together,
 *                                       so an index is never given twice,
 *                                       and rows are never deleted, so a
 *                                       revoked one is never reused
 *          suspendable,                 1 when it carries a suspension entry
 *                                       too (same list number and index)
 *          revoked, suspended, reason, changed_at,
 *          row_key)                     SHA-256 (a 32-byte BLOB) of a roster
 *                                       row's normalised fields (UNIQUE,
 *                                       NULL for single issues): what makes
 *                                       a roster run idempotent
 * The status slot is chosen and the row inserted in one transaction. */
const char *const issuer_migrations[] = {
	"CREATE TABLE profile(id INTEGER PRIMARY KEY CHECK (id = 1), did TEXT NOT NULL, json TEXT NOT NULL);"
	"CREATE TABLE keys(id INTEGER PRIMARY KEY, file TEXT NOT NULL, vm TEXT NOT NULL, type TEXT NOT NULL,"
	" created TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);"
	"CREATE TABLE achievements(id TEXT PRIMARY KEY, json TEXT NOT NULL, created TEXT NOT NULL);"
	"CREATE TABLE issued(id TEXT PRIMARY KEY, achievement TEXT NOT NULL, recipient TEXT NOT NULL,"
	" suite TEXT NOT NULL, issued_at TEXT NOT NULL);",
	"ALTER TABLE issued ADD COLUMN credential TEXT;"
	"ALTER TABLE issued ADD COLUMN status_list INTEGER;"
	"ALTER TABLE issued ADD COLUMN status_index INTEGER;"
	"ALTER TABLE issued ADD COLUMN suspendable INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE issued ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE issued ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE issued ADD COLUMN reason TEXT;"
	"ALTER TABLE issued ADD COLUMN changed_at TEXT;"
	"ALTER TABLE issued ADD COLUMN row_key TEXT;"
	"CREATE UNIQUE INDEX issued_status ON issued(status_list, status_index);"
	"CREATE UNIQUE INDEX issued_row_key ON issued(row_key);"
	"CREATE INDEX issued_recipient ON issued(recipient);",
	/* roster credentials are stored packed against a dictionary
	 * (logpack.h): credential is then a blob, log_dict its dictionary */
	"CREATE TABLE log_dicts(id INTEGER PRIMARY KEY, dict BLOB NOT NULL);"
	"ALTER TABLE issued ADD COLUMN log_dict INTEGER REFERENCES log_dicts(id);",
	/* key rotate stages a key; publish activates it once the DID document
	 * listing it is written (issue 11): existing keys keep their state */
	"ALTER TABLE keys ADD COLUMN staged INTEGER NOT NULL DEFAULT 0;"
	"CREATE UNIQUE INDEX keys_staged ON keys(staged) WHERE staged = 1;",
};
const int issuer_nmigrations = 4;

int issuer_image_url_ok(const char *s)
{
	static const char *const data[] = { "data:image/png", "data:image/jpeg", "data:image/gif",
		"data:image/webp", "data:image/svg+xml" };
	size_t i, n;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == '"' || s[i] == '<' || s[i] == '>')
			return 0;
	if (!strncmp(s, "https://", 8))
		return s[8] && s[8] != '/' && s[8] != '@';
	for (i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		n = strlen(data[i]);
		if (!strncmp(s, data[i], n) && (s[n] == ';' || s[n] == ',') && strchr(s + n, ','))
			return 1;
	}
	return 0;
}

char *issuer_db_path(const char *home)
{
	return ob_path_join(home, "issuer.db");
}

void issuer_close(issuer_state *st)
{
	ob_store_close(st->db);
	json_decref(st->profile);
	ob_key_free(st->key);
	free(st->home);
	free(st->did);
	free(st->vm);
	memset(st, 0, sizeof(*st));
}

ob_code issuer_open(issuer_state *st, int need_key, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	char *db = NULL, *keyfile = NULL;
	struct stat sb;
	ob_code rc = OB_OK;

	memset(st, 0, sizeof(*st));
	st->home = ob_home_dir(issuer_home_opt, "OBKIT_ISSUER_HOME", "issuer", err);
	if (!st->home)
		return err->code;
	db = issuer_db_path(st->home);
	if (!db)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (stat(db, &sb) < 0) {
		rc = ob_fail(err, OB_EIO, "no issuer at %s (run 'ob-issuer init')", st->home);
		goto out;
	}
	if (!(st->db = ob_store_open(db, issuer_migrations, issuer_nmigrations, err))) {
		rc = err->code;
		goto out;
	}
	if (sqlite3_prepare_v2(ob_store_db(st->db),
			       "SELECT p.did, p.json, k.vm, k.file FROM profile p, keys k"
			       " WHERE k.active = 1 AND k.staged = 0 ORDER BY k.id DESC LIMIT 1", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		rc = ob_fail(err, OB_EIO, "issuer database %s is incomplete: %s", db,
			     sqlite3_errmsg(ob_store_db(st->db)));
		goto out;
	}
	st->did = strdup((const char *)sqlite3_column_text(q, 0));
	st->profile = ob_json_parse((const char *)sqlite3_column_text(q, 1),
				    (size_t)sqlite3_column_bytes(q, 1), err);
	st->vm = strdup((const char *)sqlite3_column_text(q, 2));
	keyfile = ob_path_join(st->home, (const char *)sqlite3_column_text(q, 3));
	if (!st->did || !st->profile || !st->vm || !keyfile) {
		rc = ob_fail(err, OB_ENOMEM, "cannot read the issuer profile");
		goto out;
	}
	if (need_key && !(st->key = ob_key_load(keyfile, err)))
		rc = err->code;
out:
	sqlite3_finalize(q);
	free(db);
	free(keyfile);
	if (rc)
		issuer_close(st);
	return rc;
}

char *issuer_base_url(const issuer_state *st, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	const char *url;
	size_t n;

	if (!strncmp(st->did, "did:web:", 8)) {
		/* https://HOST[/PATH]: where the DID document lives, less its name */
		if (ob_did_web_url(st->did, &b, err))
			goto fail;
		n = b.len - strlen("/did.json");
		if (n >= strlen("/.well-known") && !strcmp(b.data + n - strlen("/.well-known"), "/.well-known/did.json"))
			n -= strlen("/.well-known");
		ob_buf_truncate(&b, n);
	} else {
		if (!(url = ob_json_str(st->profile, "url"))) {
			ob_fail(err, OB_EUSAGE, "the issuer profile has no url to publish status lists under");
			goto fail;
		}
		ob_buf_adds(&b, url);
		while (b.len > 0 && b.data[b.len - 1] == '/')
			ob_buf_truncate(&b, b.len - 1);
	}
	if (b.oom) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	return ob_buf_detach(&b, NULL);
fail:
	ob_buf_release(&b);
	return NULL;
}

char *issuer_status_url(const char *base, const char *purpose, long list)
{
	ob_buf b = OB_BUF_INIT;

	ob_buf_addf(&b, "%s/status/%s/%ld.json", base, purpose, list);
	if (b.oom) {
		ob_buf_release(&b);
		return NULL;
	}
	return ob_buf_detach(&b, NULL);
}

int issuer_lock(const issuer_state *st, ob_error *err)
{
	char *path = ob_path_join(st->home, "issue.lock");
	int fd;

	if (!path) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		ob_fail(err, OB_EIO, "cannot open '%s': %s", path, strerror(errno));
	else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "ob-issuer: waiting for another issue run to finish\n");
		if (flock(fd, LOCK_EX) < 0) {
			ob_fail(err, OB_EIO, "cannot lock '%s': %s", path, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	free(path);
	return fd;
}

void status_alloc_release(status_alloc *a)
{
	free(a->used);
	memset(a, 0, sizeof(*a));
}

static ob_code alloc_fill(issuer_state *st, status_alloc *a, ob_error *err)
{
	sqlite3_stmt *q;
	ob_code rc = OB_OK;
	int s;

	memset(a->used, 0, OB_STATUS_LIST_SIZE / 8);
	a->nused = 0;
	if (!(q = ob_store_prepare(st->db, "SELECT status_index FROM issued WHERE status_list = ?1", err)))
		return err->code;
	sqlite3_bind_int64(q, 1, a->list);
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_int64 i = sqlite3_column_int64(q, 0);
		if (i >= 0 && i < OB_STATUS_LIST_SIZE && !ob_status_get(a->used, (size_t)i)) {
			ob_status_set(a->used, (size_t)i, 1);
			a->nused++;
		}
	}
	if (s != SQLITE_DONE)
		rc = ob_store_fail(st->db, "cannot read the status allocation", err);
	sqlite3_finalize(q);
	return rc;
}

ob_code status_alloc_load(issuer_state *st, status_alloc *a, ob_error *err)
{
	sqlite3_stmt *q;
	ob_code rc = OB_OK;

	memset(a, 0, sizeof(*a));
	if (!(a->used = malloc(OB_STATUS_LIST_SIZE / 8)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!(q = ob_store_prepare(st->db, "SELECT coalesce(max(status_list), 1) FROM issued", err))) {
		rc = err->code;
		goto out;
	}
	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = ob_store_fail(st->db, "cannot read the status allocation", err);
		goto out;
	}
	a->list = (long)sqlite3_column_int64(q, 0);
	rc = alloc_fill(st, a, err);
out:
	sqlite3_finalize(q);
	if (rc)
		status_alloc_release(a);
	return rc;
}

ob_code status_alloc_next(status_alloc *a, long *list, long *idx, ob_error *err)
{
	long i;

	/* a full list: the next number starts empty (lists are filled in
	 * order, so no later one holds entries yet) */
	if (a->nused >= OB_STATUS_LIST_SIZE) {
		a->list++;
		memset(a->used, 0, OB_STATUS_LIST_SIZE / 8);
		a->nused = 0;
	}
	i = ob_status_pick_unused(a->used, OB_STATUS_LIST_SIZE, err);
	if (i < 0)
		return i == -1 ? ob_fail(err, OB_EIO, "status list %ld is full", a->list) : err->code;
	ob_status_set(a->used, (size_t)i, 1);
	a->nused++;
	*list = a->list;
	*idx = i;
	return OB_OK;
}

sqlite3_stmt *issued_insert_prepare(issuer_state *st, ob_error *err)
{
	return ob_store_prepare(st->db,
				"INSERT INTO issued(id, achievement, recipient, suite, issued_at, credential,"
				" status_list, status_index, suspendable, row_key, log_dict)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", err);
}

ob_code issued_insert(issuer_state *st, sqlite3_stmt *q, const issued_row *r, ob_error *err)
{
	ob_code rc = OB_OK;

	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	sqlite3_bind_text(q, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, r->achievement, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, r->suite, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, r->issued_at, -1, SQLITE_STATIC);
	if (r->log_dict > 0) {
		sqlite3_bind_blob(q, 6, r->credential, (int)r->credential_len, SQLITE_STATIC);
		sqlite3_bind_int64(q, 11, r->log_dict);
	} else {
		sqlite3_bind_text(q, 6, r->credential, (int)r->credential_len, SQLITE_STATIC);
	}
	if (r->list > 0) {
		sqlite3_bind_int64(q, 7, r->list);
		sqlite3_bind_int64(q, 8, r->idx);
	}
	sqlite3_bind_int(q, 9, r->suspendable);
	if (r->row_key)
		sqlite3_bind_blob(q, 10, r->row_key, 32, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = ob_store_fail(st->db, "cannot log the credential", err);
	sqlite3_reset(q);
	return rc;
}

json_t *issuer_did_document(issuer_state *st, ob_error *err)
{
	sqlite3_stmt *q;
	json_t *doc = NULL, *vms, *am, *au;
	ob_buf mb = OB_BUF_INIT;
	ob_key *k = NULL;
	char *path = NULL;
	int s;

	doc = json_pack("{s:[s,s], s:s, s:[], s:[], s:[]}",
			"@context", "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
			"id", st->did, "verificationMethod", "assertionMethod", "authentication");
	if (!doc) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	vms = json_object_get(doc, "verificationMethod");
	am = json_object_get(doc, "assertionMethod");
	au = json_object_get(doc, "authentication");
	/* every key stays listed: credentials signed by a rotated key must
	 * keep verifying; a staged key is listed before it signs anything */
	if (!(q = ob_store_prepare(st->db, "SELECT file, vm FROM keys ORDER BY id", err)))
		goto fail;
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		const char *vm = (const char *)sqlite3_column_text(q, 1);
		free(path);
		ob_key_free(k);
		k = NULL;
		ob_buf_truncate(&mb, 0);
		if (!(path = ob_path_join(st->home, (const char *)sqlite3_column_text(q, 0)))) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			goto fail;
		}
		if (!(k = ob_key_load(path, err)) || ob_key_multikey(k, &mb, err))
			goto fail;
		if (json_array_append_new(vms, json_pack("{s:s, s:s, s:s, s:s}", "id", vm, "type", "Multikey",
							 "controller", st->did, "publicKeyMultibase", mb.data)) ||
		    json_array_append_new(am, json_string(vm)) || json_array_append_new(au, json_string(vm))) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			goto fail;
		}
	}
	if (s != SQLITE_DONE) {
		ob_store_fail(st->db, "cannot read the keys", err);
		goto fail;
	}
	sqlite3_finalize(q);
	ob_key_free(k);
	free(path);
	ob_buf_release(&mb);
	return doc;
fail:
	sqlite3_finalize(q);
	ob_key_free(k);
	free(path);
	ob_buf_release(&mb);
	json_decref(doc);
	return NULL;
}
