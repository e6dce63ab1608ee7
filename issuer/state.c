#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proof/did.h"
#include "base/fsutil.h"
#include "issuer.h"
#include "base/json.h"
#include "vc/status.h"

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
	issuer_db_close(st->db);
	json_decref(st->profile);
	ob_key_free(st->key);
	free(st->home);
	free(st->did);
	free(st->vm);
	memset(st, 0, sizeof(*st));
}

char *issuer_db_where(const char *home)
{
	const char *w = issuer_db_opt && *issuer_db_opt ? issuer_db_opt : getenv("OBKIT_ISSUER_DB");

	return w && *w ? strdup(w) : issuer_db_path(home);
}

const char *issuer_db_shown(const char *where)
{
	return issuer_db_is_url(where) ? "the PostgreSQL database" : where;
}

ob_code issuer_open(issuer_state *st, int need_key, ob_error *err)
{
	issuer_identity id = { 0 };
	char *db = NULL, *keyfile = NULL;
	struct stat sb;
	ob_error e = { 0 };
	ob_code rc = OB_OK;

	memset(st, 0, sizeof(*st));
	st->home = ob_home_dir(issuer_home_opt, "OBKIT_ISSUER_HOME", "issuer", err);
	if (!st->home)
		return err->code;
	db = issuer_db_where(st->home);
	if (!db)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!issuer_db_is_url(db) && stat(db, &sb) < 0) {
		rc = ob_fail(err, OB_EIO, "no issuer at %s (run 'ob-issuer init')", st->home);
		goto out;
	}
	if (!(st->db = issuer_db_open(db, err))) {
		rc = err->code;
		goto out;
	}
	if (issuer_db_identity(st->db, &id, &e)) {
		/* PostgreSQL: the database is there, the issuer may not be */
		if (issuer_db_is_url(db) && !strcmp(e.msg, "the issuer database is incomplete"))
			rc = ob_fail(err, OB_EIO, "no issuer at %s: the PostgreSQL database holds none (run 'ob-issuer"
				     " init')", st->home);
		else
			rc = e.code == OB_ENOMEM ? ob_fail(err, e.code, "%s", e.msg) :
			     ob_fail(err, OB_EIO, "issuer database %s is incomplete: %s", issuer_db_shown(db), e.msg);
		goto out;
	}
	st->did = id.did;
	st->vm = id.vm;
	id.did = id.vm = NULL;
	st->profile = ob_json_parse(id.profile, strlen(id.profile), err);
	keyfile = ob_path_join(st->home, id.key_file);
	if (!st->profile || !keyfile) {
		rc = ob_fail(err, OB_ENOMEM, "cannot read the issuer profile");
		goto out;
	}
	if (need_key && issuer_db_concurrent(st->db) && access(keyfile, F_OK) < 0)
		rc = ob_fail(err, OB_EIO, "no key file %s: every issuing node needs a copy of the first node's keys/"
			     " directory", keyfile);
	else if (need_key && !(st->key = ob_key_load(keyfile, err)))
		rc = err->code;
out:
	issuer_identity_release(&id);
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
	else if (!(st->db && issuer_db_concurrent(st->db)) && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		/* SQLite: one issuing process at a time on a home (PostgreSQL
		 * hands each process its own status blocks) */
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
	free(a->committed);
	memset(a, 0, sizeof(*a));
}

/* The taken slots of a list's bitmap: a population count, eight bytes
 * at a time (bit by bit it was an eighth of a server's credential). */
static size_t count_used(const unsigned char *used)
{
	size_t i, n = 0;
	uint64_t w;

	for (i = 0; i < OB_STATUS_LIST_SIZE / 8; i += 8) {
		memcpy(&w, used + i, 8);
		n += (size_t)__builtin_popcountll(w);
	}
	return n;
}

ob_code status_alloc_load(issuer_state *st, status_alloc *a, ob_error *err)
{
	memset(a, 0, sizeof(*a));
	if (!(a->used = malloc(OB_STATUS_LIST_SIZE / 8)) || !(a->committed = malloc(OB_STATUS_LIST_SIZE / 8))) {
		status_alloc_release(a);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	if (issuer_db_status_current(st->db, &a->list, a->used, err)) {
		status_alloc_release(a);
		return err->code;
	}
	a->nused = count_used(a->used);
	a->clist = a->list;
	/* only this run's slots: status_save adds them to the stored ones */
	memset(a->committed, 0, OB_STATUS_LIST_SIZE / 8);
	a->db = st->db;
	return OB_OK;
}

ob_code status_alloc_next(status_alloc *a, long *list, long *idx, ob_error *err)
{
	long i;

	/* a full picture: the storage says where to go on (SQLite: the next
	 * list, empty; PostgreSQL: another block this process holds) */
	if (a->nused >= OB_STATUS_LIST_SIZE) {
		if (issuer_db_status_next(a->db, &a->list, a->used, err))
			return err->code;
		a->nused = count_used(a->used);
		if (a->nused >= OB_STATUS_LIST_SIZE)
			return ob_fail(err, OB_EIO, "status list %ld is full", a->list);
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

ob_code status_alloc_commit(issuer_state *st, status_alloc *a, long list, long idx, int suspendable,
			    ob_error *err)
{
	ob_code rc;

	if (list != a->clist) {
		/* the committed list is full: record it, start the next */
		if ((rc = status_alloc_save(st, a, err)))
			return rc;
		a->clist = list;
		a->suspendable = 0;
		memset(a->committed, 0, OB_STATUS_LIST_SIZE / 8);
	}
	ob_status_set(a->committed, (size_t)idx, 1);
	a->suspendable |= suspendable;
	return OB_OK;
}

ob_code status_alloc_save(issuer_state *st, status_alloc *a, ob_error *err)
{
	return issuer_db_status_save(st->db, a->clist, a->committed, a->suspendable, err);
}

/* credentialStatus for slot (list, idx): a revocation entry; with
 * suspension, one entry that says both (statusPurpose "message",
 * statusSize 2: valid, revoked or suspended) at the same index of the
 * message list, a single object as the OB 3.0 JSON Schema's
 * CredentialStatus wants. Before, suspension gave a [revocation,
 * suspension] pair; publish keeps writing those lists for the
 * credentials that carry it. */
json_t *issuer_status_json(const char *base, long list, long idx, int suspension)
{
	char *url = issuer_status_url(base, suspension ? "message" : "revocation", list);
	json_t *js = NULL;

	if (url)
		js = suspension ? ob_status_message_entry(url, (unsigned long)idx, OB_STATUS_MSG_SIZE, ob_status_messages)
				: ob_status_entry("revocation", url, (unsigned long)idx);
	free(url);
	return js;
}

json_t *issuer_load_achievement(issuer_state *st, const char *id, ob_error *err)
{
	json_t *a = NULL;
	char *text = NULL;

	if (issuer_db_achievement_get(st->db, id, &text, err))
		return NULL;
	if (!text)
		ob_fail(err, OB_EUSAGE, "no achievement '%s' in the catalog (see 'ob-issuer achievement list')", id);
	else
		a = ob_json_parse(text, strlen(text), err);
	free(text);
	return a;
}

struct did_doc {
	issuer_state *st;
	json_t *vms, *am, *au;
};

static ob_code did_doc_key(const issuer_key_info *k, void *ctx, ob_error *err)
{
	struct did_doc *d = ctx;
	ob_buf mb = OB_BUF_INIT;
	ob_key *key = NULL;
	char *path = ob_path_join(d->st->home, k->file);
	ob_code rc = OB_OK;

	if (!path)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else if (!(key = ob_key_load(path, err)) || ob_key_multikey(key, &mb, err))
		rc = err->code;
	else if (json_array_append_new(d->vms, json_pack("{s:s, s:s, s:s, s:s}", "id", k->vm, "type", "Multikey",
							 "controller", d->st->did, "publicKeyMultibase", mb.data)) ||
		 json_array_append_new(d->am, json_string(k->vm)) || json_array_append_new(d->au, json_string(k->vm)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	ob_key_free(key);
	free(path);
	ob_buf_release(&mb);
	return rc;
}

json_t *issuer_did_document(issuer_state *st, ob_error *err)
{
	struct did_doc d = { st, NULL, NULL, NULL };
	json_t *doc;

	doc = json_pack("{s:[s,s], s:s, s:[], s:[], s:[]}",
			"@context", "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
			"id", st->did, "verificationMethod", "assertionMethod", "authentication");
	if (!doc) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	d.vms = json_object_get(doc, "verificationMethod");
	d.am = json_object_get(doc, "assertionMethod");
	d.au = json_object_get(doc, "authentication");
	/* every key stays listed: credentials signed by a rotated key must
	 * keep verifying; a staged key is listed before it signs anything */
	if (issuer_db_keys_each(st->db, did_doc_key, &d, err)) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}
