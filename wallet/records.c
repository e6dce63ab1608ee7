/* Credential records: every column but the random record id, the order
 * and two keyed lookup tags is sealed under the data key with the column
 * name and the record id as associated data, so a sealed value cannot be
 * moved to another record or column unnoticed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "base/codec.h"
#include "base/hash.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "cli/cli.h"
#include "wallet.h"

#define AAD_PREFIX "obkit wallet v2|"

static ob_code aad(const char *rid, const char *column, char out[128], size_t *len, ob_error *err)
{
	int n = snprintf(out, 128, AAD_PREFIX "%s|%s", column, rid);

	if (n < 0 || n >= 128)
		return ob_fail(err, OB_EUSAGE, "record id too long");
	*len = (size_t)n;
	return OB_OK;
}

ob_code wallet_seal(wallet *w, const char *rid, const char *column, const void *data, size_t len,
		    ob_buf *out, ob_error *err)
{
	char a[128];
	size_t alen = 0;

	if (aad(rid, column, a, &alen, err))
		return err->code;
	return ob_vault_seal(w->dk, a, alen, data, len, out, err);
}

ob_code wallet_unseal(wallet *w, const char *rid, const char *column, const void *blob,
		      size_t len, ob_buf *out, ob_error *err)
{
	char a[128], what[96];
	size_t alen = 0;

	if (aad(rid, column, a, &alen, err))
		return err->code;
	snprintf(what, sizeof(what), "the wallet's %s record", column);
	return ob_vault_open(w->dk, a, alen, blob, len, what, out, err);
}

ob_code wallet_id_tag(wallet *w, const char *id, unsigned char tag[32], ob_error *err)
{
	return ob_vault_tag(w->dk, "id", id, strlen(id), tag, err);
}

void wallet_rec_release(wallet_rec *r)
{
	json_decref(r->summary);
	json_decref(r->report);
	ob_buf_release_secret(&r->raw);
	memset(r, 0, sizeof(*r));
}

static json_t *unseal_json(wallet *w, const char *rid, const char *column, sqlite3_stmt *q, int i,
			   ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	json_t *v = NULL;

	if (!wallet_unseal(w, rid, column, sqlite3_column_blob(q, i),
			   (size_t)sqlite3_column_bytes(q, i), &b, err)) {
		v = ob_json_parse(b.data ? b.data : "", b.len, err);
		if (v && !json_is_object(v)) {
			json_decref(v);
			v = NULL;
			ob_fail(err, OB_EINVALID, "the wallet's %s record is not an object", column);
		}
	}
	ob_buf_release_secret(&b);
	return v;
}

/* q: seq, rid, summary, raw, report */
static ob_code load(wallet *w, sqlite3_stmt *q, int want, wallet_rec *r, ob_error *err)
{
	const char *rid = (const char *)sqlite3_column_text(q, 1);

	memset(r, 0, sizeof(*r));
	r->seq = sqlite3_column_int64(q, 0);
	if (!rid || strlen(rid) != 32)
		return ob_fail(err, OB_EINVALID, "a wallet record id is damaged");
	memcpy(r->rid, rid, 33);
	if (!(r->summary = unseal_json(w, rid, "summary", q, 2, err)))
		goto fail;
	if (!json_is_string(json_object_get(r->summary, "id"))) {
		ob_fail(err, OB_EINVALID, "a wallet record has no id");
		goto fail;
	}
	if ((want & WREC_RAW) && wallet_unseal(w, rid, "raw", sqlite3_column_blob(q, 3),
					       (size_t)sqlite3_column_bytes(q, 3), &r->raw, err))
		goto fail;
	if ((want & WREC_REPORT) && !(r->report = unseal_json(w, rid, "report", q, 4, err)))
		goto fail;
	return OB_OK;
fail:
	wallet_rec_release(r);
	return err->code;
}

#define COLS "seq, rid, summary, raw, report"

/* The record whose id is exactly id; *absent set (err untouched) when
 * no record has it. */
static ob_code find_exact(wallet *w, const char *id, int want, wallet_rec *out, int *absent,
			  ob_error *err)
{
	unsigned char tag[32];
	sqlite3_stmt *q = NULL;
	const char *got;
	int step;
	ob_code rc;

	*absent = 0;
	memset(out, 0, sizeof(*out));
	if ((rc = wallet_id_tag(w, id, tag, err)))
		return rc;
	if (!(q = ob_store_prepare(w->db, "SELECT " COLS " FROM records WHERE idx = ?1", err)))
		return err->code;
	sqlite3_bind_blob(q, 1, tag, sizeof(tag), SQLITE_TRANSIENT);
	step = sqlite3_step(q);
	if (step == SQLITE_DONE)
		*absent = 1;
	else if (step != SQLITE_ROW)
		rc = ob_store_fail(w->db, "cannot read the wallet", err);
	else if (!(rc = load(w, q, want, out, err))) {
		/* the tag could have been copied from another row */
		got = json_string_value(json_object_get(out->summary, "id"));
		if (strcmp(got, id) != 0) {
			wallet_rec_release(out);
			rc = ob_fail(err, OB_EINVALID, "the wallet's index was modified: record for "
				     "'%s' holds another credential", id);
		}
	}
	sqlite3_finalize(q);
	return rc;
}

const char *wallet_rec_title(const json_t *summary)
{
	const char *clr = ob_json_str(summary, "clrName");

	return clr ? clr : ob_json_str(summary, "achievement");
}

int wallet_rec_is_clr(const json_t *summary)
{
	const char *kind = ob_json_str(summary, "kind");

	return ob_json_str(summary, "clrName") || (kind && !strcmp(kind, "clr"));
}

/* A prefix search: the ids that start with what the learner typed, with
 * or without their "urn:uuid:", ignoring case (git's short ids). */
#define SHOW_CANDIDATES 20
#define MIN_PREFIX 4
struct prefix {
	const char *arg;
	size_t alen, n;
	char *first;  /* the one match's full id (heap) */
	json_t *list; /* the first SHOW_CANDIDATES matches: [id, title, clr] */
};

static int prefix_of(const char *id, const char *arg, size_t alen)
{
	return !strncasecmp(id, arg, alen) ||
	       (!strncasecmp(id, "urn:uuid:", 9) && !strncasecmp(id + 9, arg, alen));
}

static ob_code prefix_each(wallet_rec *r, void *ctx, ob_error *err)
{
	struct prefix *p = ctx;
	const char *id = ob_json_str(r->summary, "id"), *title = wallet_rec_title(r->summary);

	if (!id || !prefix_of(id, p->arg, p->alen))
		return OB_OK;
	if (!p->n++ && !(p->first = strdup(id)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (p->n > SHOW_CANDIDATES)
		return OB_OK;
	if (json_array_append_new(p->list, json_pack("[ssb]", id, title ? title : "-",
						     wallet_rec_is_clr(r->summary))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* "'01a' could be:" and a line per candidate, on stderr: the error line
 * that follows says what to do */
static void print_candidates(const char *arg, const struct prefix *p)
{
	const json_t *c;
	size_t i;

	fprintf(stderr, "%s: '", ob_cli_prog());
	wallet_put(stderr, arg);
	fprintf(stderr, "' could be:\n");
	json_array_foreach(p->list, i, c) {
		/* ids and names are the issuers' words: wallet_put keeps them harmless */
		fputs("  ", stderr);
		wallet_put(stderr, json_string_value(json_array_get(c, 0)));
		fputs("  ", stderr);
		wallet_put(stderr, json_string_value(json_array_get(c, 1)));
		fputs(json_is_true(json_array_get(c, 2)) ? " (CLR)\n" : "\n", stderr);
	}
	if (p->n > SHOW_CANDIDATES)
		fprintf(stderr, "  ... and %zu more\n", p->n - SHOW_CANDIDATES);
}

ob_code wallet_rec_find(wallet *w, const char *id, int want, wallet_rec *out, ob_error *err)
{
	struct prefix p;
	int absent;
	ob_code rc;

	if ((rc = find_exact(w, id, want, out, &absent, err)) || !absent)
		return rc;
	memset(&p, 0, sizeof(p));
	p.arg = id;
	p.alen = strlen(id);
	/* git's rule: at least 4 characters, not counting "urn:uuid:", so
	 * "u" cannot stand for the only credential (remove takes prefixes) */
	if (strlen(strncasecmp(id, "urn:uuid:", 9) ? id : id + 9) < MIN_PREFIX)
		return strchr(id, ':') ? wallet_not_found(id, err) :
		       ob_fail(err, OB_EINVALID, "no credential '%s' in the wallet (a short id "
			       "needs at least %d characters)", id, MIN_PREFIX);
	if (!(p.list = json_array()))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if ((rc = wallet_rec_each(w, 0, prefix_each, &p, err)))
		goto out;
	if (!p.n) {
		rc = wallet_not_found(id, err);
	} else if (p.n == 1) {
		if (!(rc = find_exact(w, p.first, want, out, &absent, err)) && absent)
			rc = wallet_not_found(id, err);
	} else {
		print_candidates(id, &p);
		rc = ob_fail(err, OB_EUSAGE, "ambiguous id '%s': %zu credentials start with it "
			     "(give more of the id)", id, p.n);
	}
out:
	free(p.first);
	json_decref(p.list);
	return rc;
}

ob_code wallet_rec_each(wallet *w, int want, ob_code (*fn)(wallet_rec *r, void *ctx, ob_error *err),
			void *ctx, ob_error *err)
{
	sqlite3_stmt *q;
	wallet_rec r;
	int step;
	ob_code rc = OB_OK;

	/* the columns not wanted are not read: a list of 50,000 would read
	 * (and page through) every credential and report too */
	q = ob_store_prepare(w->db, (want & (WREC_RAW | WREC_REPORT)) == (WREC_RAW | WREC_REPORT) ?
			     "SELECT " COLS " FROM records ORDER BY seq" :
			     want & WREC_RAW ? "SELECT seq, rid, summary, raw, NULL FROM records ORDER BY seq" :
			     want & WREC_REPORT ? "SELECT seq, rid, summary, NULL, report FROM records ORDER BY seq" :
			     "SELECT seq, rid, summary, NULL, NULL FROM records ORDER BY seq", err);
	if (!q)
		return err->code;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if ((rc = load(w, q, want, &r, err)))
			break;
		rc = fn(&r, ctx, err);
		wallet_rec_release(&r);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = ob_store_fail(w->db, "cannot read the wallet", err);
	sqlite3_finalize(q);
	return rc;
}

static ob_code seal_json(wallet *w, const char *rid, const char *column, const json_t *v,
			 ob_buf *out, ob_error *err)
{
	ob_buf text = OB_BUF_INIT;
	ob_code rc;

	if (ob_json_write(&text, v, OB_JSON_COMPACT) < 0 || !text.data)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		rc = wallet_seal(w, rid, column, text.data, text.len, out, err);
	ob_buf_release_secret(&text);
	return rc;
}

/* The id of the record holding a dedup tag, for the duplicate message. */
static void dup_id(wallet *w, const unsigned char dedup[32], char *out, size_t n)
{
	sqlite3_stmt *q = ob_store_prepare(w->db, "SELECT " COLS " FROM records WHERE dedup = ?1", NULL);
	wallet_rec r;
	ob_error e = { 0 };

	snprintf(out, n, "(a record already there)");
	if (!q)
		return;
	sqlite3_bind_blob(q, 1, dedup, 32, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW && !load(w, q, 0, &r, &e)) {
		snprintf(out, n, "%s", json_string_value(json_object_get(r.summary, "id")));
		wallet_rec_release(&r);
	}
	sqlite3_finalize(q);
}

ob_code wallet_rec_insert(wallet *w, const json_t *summary, const char *raw, size_t rawlen,
			  const json_t *report, const unsigned char dedup[32], ob_error *err)
{
	const char *id = json_string_value(json_object_get(summary, "id"));
	unsigned char rnd[16], idx[32];
	ob_buf rid = OB_BUF_INIT, s = OB_BUF_INIT, c = OB_BUF_INIT, rep = OB_BUF_INIT;
	sqlite3_stmt *q = NULL;
	char other[300];
	int step;
	ob_code rc;

	if (!id)
		return ob_fail(err, OB_EUSAGE, "record without an id");
	if ((rc = ob_vault_random(rnd, sizeof(rnd), err)) || (rc = wallet_id_tag(w, id, idx, err)))
		return rc;
	if (ob_hex_encode(&rid, rnd, sizeof(rnd)) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = seal_json(w, rid.data, "summary", summary, &s, err)) ||
	    (rc = wallet_seal(w, rid.data, "raw", raw, rawlen, &c, err)) ||
	    (rc = seal_json(w, rid.data, "report", report, &rep, err)))
		goto out;
	/* duplicates: the same id, or the same content */
	if (!(q = ob_store_prepare(w->db, "SELECT 1 FROM records WHERE idx = ?1 OR dedup = ?2", err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_blob(q, 1, idx, 32, SQLITE_TRANSIENT);
	sqlite3_bind_blob(q, 2, dedup, 32, SQLITE_TRANSIENT);
	step = sqlite3_step(q);
	sqlite3_finalize(q);
	q = NULL;
	if (step == SQLITE_ROW) {
		unsigned char t[32];
		ob_error e = { 0 };
		/* the same id: name it; else the content matched another record */
		if (!wallet_id_tag(w, id, t, &e) && !memcmp(t, dedup, 32))
			snprintf(other, sizeof(other), "%s", id);
		else
			dup_id(w, dedup, other, sizeof(other));
		rc = ob_fail(err, OB_EINVALID, "already in the wallet: %s", other);
		goto out;
	}
	if (step != SQLITE_DONE) {
		rc = ob_store_fail(w->db, "cannot read the wallet", err);
		goto out;
	}
	q = ob_store_prepare(w->db, "INSERT INTO records (rid, idx, dedup, summary, raw, report)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err);
	if (!q) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_text(q, 1, rid.data, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, idx, 32, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, dedup, 32, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, s.data, (int)s.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, c.data, (int)c.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 6, rep.data, (int)rep.len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = ob_store_fail(w->db, "cannot add the credential", err);
out:
	sqlite3_finalize(q);
	ob_buf_release(&rid);
	ob_buf_release(&s);
	ob_buf_release(&c);
	ob_buf_release(&rep);
	return rc;
}

ob_code wallet_rec_update(wallet *w, const wallet_rec *r, const json_t *report, ob_error *err)
{
	ob_buf s = OB_BUF_INIT, rep = OB_BUF_INIT;
	sqlite3_stmt *q = NULL;
	ob_code rc;

	if ((rc = seal_json(w, r->rid, "summary", r->summary, &s, err)) ||
	    (rc = seal_json(w, r->rid, "report", report, &rep, err)))
		goto out;
	if (!(q = ob_store_prepare(w->db, "UPDATE records SET summary = ?1, report = ?2 WHERE rid = ?3",
				   err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_blob(q, 1, s.data, (int)s.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, rep.data, (int)rep.len, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->rid, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = ob_store_fail(w->db, "cannot update the wallet", err);
out:
	sqlite3_finalize(q);
	ob_buf_release(&s);
	ob_buf_release(&rep);
	return rc;
}

/* "N:" + hex(SHA-256(rid "\n" ...)) over the records in rid order. */
static ob_code census_text(wallet *w, ob_buf *out, ob_error *err)
{
	sqlite3_stmt *q = ob_store_prepare(w->db, "SELECT rid FROM records ORDER BY rid", err);
	ob_buf all = OB_BUF_INIT;
	unsigned char h[32];
	long long n = 0;
	int step;

	if (!q)
		return err->code;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		ob_buf_add(&all, sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0));
		ob_buf_addc(&all, '\n');
		n++;
	}
	sqlite3_finalize(q);
	if (step != SQLITE_DONE) {
		ob_buf_release(&all);
		return ob_store_fail(w->db, "cannot read the wallet", err);
	}
	ob_sha256(all.data ? all.data : "", all.len, h);
	ob_buf_addf(out, "%lld:", n);
	ob_hex_encode(out, h, sizeof(h));
	if (all.oom || out->oom) {
		ob_buf_release(&all);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	ob_buf_release(&all);
	return OB_OK;
}

ob_code wallet_census_update(wallet *w, ob_error *err)
{
	ob_buf text = OB_BUF_INIT, sealed = OB_BUF_INIT;
	sqlite3_stmt *q = NULL;
	ob_code rc;

	if ((rc = census_text(w, &text, err)) ||
	    (rc = wallet_seal(w, "vault", "census", text.data, text.len, &sealed, err)))
		goto out;
	if (!(q = ob_store_prepare(w->db, "UPDATE vault SET census = ?1", err))) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_blob(q, 1, sealed.data, (int)sealed.len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = ob_store_fail(w->db, "cannot write the wallet", err);
out:
	sqlite3_finalize(q);
	ob_buf_release(&text);
	ob_buf_release(&sealed);
	return rc;
}

ob_code wallet_census_check(wallet *w, ob_error *err)
{
	ob_buf want = OB_BUF_INIT, have = OB_BUF_INIT;
	sqlite3_stmt *q = NULL;
	ob_code rc;

	if (!(q = ob_store_prepare(w->db, "SELECT census FROM vault", err)))
		return err->code;
	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = ob_store_fail(w->db, "cannot read the wallet", err);
		goto out;
	}
	if (sqlite3_column_type(q, 0) != SQLITE_BLOB) {
		rc = ob_fail(err, OB_EINVALID, "the wallet's census of its records is missing: "
			     "the wallet was changed outside ob-wallet");
		goto out;
	}
	if ((rc = wallet_unseal(w, "vault", "census", sqlite3_column_blob(q, 0),
				(size_t)sqlite3_column_bytes(q, 0), &want, err)) ||
	    (rc = census_text(w, &have, err)))
		goto out;
	if (want.len != have.len || CRYPTO_memcmp(want.data, have.data, have.len)) {
		char a[24] = "", b[24] = "";
		long long n, m;

		memcpy(a, want.data ? want.data : "", want.len < sizeof(a) - 1 ? want.len : sizeof(a) - 1);
		memcpy(b, have.data, have.len < sizeof(b) - 1 ? have.len : sizeof(b) - 1);
		n = strtoll(a, NULL, 10);
		m = strtoll(b, NULL, 10);
		rc = n != m ? ob_fail(err, OB_EINVALID, "the wallet's records were changed outside ob-wallet: "
				      "it should hold %lld credential%s, it holds %lld", n, n == 1 ? "" : "s", m) :
			      ob_fail(err, OB_EINVALID, "the wallet's records were changed outside ob-wallet: "
				      "a record was replaced");
	}
out:
	sqlite3_finalize(q);
	ob_buf_release(&want);
	ob_buf_release(&have);
	return rc;
}

ob_code wallet_holder_unseal(wallet *w, const void *blob, size_t len, ob_buf *seed, int *legacy,
			     ob_error *err)
{
	ob_error e = { 0 };

	*legacy = 0;
	if (!wallet_unseal(w, WALLET_HOLDER_SEAL, "holder", blob, len, seed, &e))
		return OB_OK;
	ob_buf_release_secret(seed);
	*legacy = 1;
	return wallet_unseal(w, "holder", "holder", blob, len, seed, err);
}
