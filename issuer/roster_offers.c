/* issue --roster FILE.csv -o DIR --offers: an OpenID4VCI offer per row.
 *
 * A registrar's roster run with --offers makes offers, not files: each
 * credential is signed when the learner's wallet redeems its offer, so it
 * is bound to the wallet's DID (a file signed now could only name an
 * e-mail address). The run
 *
 *   1. reads the whole roster and checks every row (a bad row is named by
 *      its line; if there is one, nothing is made and the run exits 1, so
 *      a mail merge never goes out half made);
 *   2. reads it again and, BATCH rows per transaction, makes an offer for
 *      each row that has none yet. A row's earlier offer is found by the
 *      row key (io/roster.h) of its name, recipient and achievement, the
 *      only columns an offer carries; the newest one counts, and only one
 *      that expired unclaimed is made again. A row a signing run issued
 *      (its key in the log) gets no offer.
 *
 * PINs are never stored in clear (the database keeps a salted hash), so
 * each batch's PINs are appended to DIR/pins.csv (0600) and synced BEFORE
 * the batch commits: a crash between the two leaves PIN lines for offers
 * that were never made (offer list does not know their ids), never an
 * offer whose PIN is lost. A failed commit takes its lines back. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/dates.h"
#include "base/fsutil.h"
#include "base/text.h"
#include "canon/jcs.h"
#include "cli/cli.h"
#include "csv_out.h"
#include "db_offer.h"
#include "io/roster.h"
#include "oid4vci.h"
#include "roster.h"
#include "roster_offers.h"
#include "rowseen.h"
#include "vc/ob3.h"

#define BATCH 1000                 /* rows per transaction */
#define MAX_TTL (366L * 24 * 3600) /* as offer create's --expires-in */

long issuer_offer_duration(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10), mul = 1;

	if (end == s || n < 1 || (*end && end[1]))
		return -1;
	if (*end == 'm')
		mul = 60;
	else if (*end == 'h')
		mul = 3600;
	else if (*end == 'd')
		mul = 86400;
	else if (*end && *end != 's')
		return -1;
	if (n > MAX_TTL / mul)
		return -1;
	return n * mul;
}

/* An offer made before, under its row's key. */
struct known {
	unsigned char key[32];
	size_t seq;      /* offer_db_each's order: oldest first */
	char *id, *ref, *state, *credential, *xref;
	int has_pin;
	time_t expires;
};

struct orun {
	const roster_opts *o;
	const roster_offer_opts *oo;
	issuer_state st;
	int opened, lockfd, dirfd, pinfd;
	char **cat;         /* the catalog's ids, sorted */
	size_t ncat, catcap;
	struct known *kn;   /* sorted by key, one per key */
	size_t nkn, kncap;
	char *server;
	char *mtmp, *mpath, *mmtmp, *pins;
	FILE *manifest, *mm;
	time_t now;
	unsigned long rows, bad, offered, already, claimed, closed, issued;
	struct timespec t0;
};

/* A batch's output, kept until its transaction commits. */
struct obatch {
	ob_buf man, mm, pins; /* pins: secret */
	int in_tx;
};

/* ---- the catalog and the offers made before ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ob_code cat_add(const char *id, const char *json, size_t len, void *ctx, ob_error *err)
{
	struct orun *r = ctx;

	(void)json;
	(void)len;
	if (r->ncat == r->catcap) {
		size_t cap = r->catcap ? 2 * r->catcap : 16;
		char **n = realloc(r->cat, cap * sizeof(*n));
		if (!n)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		r->cat = n;
		r->catcap = cap;
	}
	if (!(r->cat[r->ncat] = strdup(id)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	r->ncat++;
	return OB_OK;
}

static int cat_has(const struct orun *r, const char *id)
{
	return r->ncat && bsearch(&id, r->cat, r->ncat, sizeof(*r->cat), cmp_str);
}

static void known_release(struct known *k)
{
	free(k->id);
	free(k->ref);
	free(k->state);
	free(k->credential);
	free(k->xref);
}

static ob_code known_add(const offer_rec *rec, void *ctx, ob_error *err)
{
	struct orun *r = ctx;
	ob_roster_row row = { 0 };
	struct known *k;

	if (r->nkn == r->kncap) {
		size_t cap = r->kncap ? 2 * r->kncap : 64;
		struct known *n = realloc(r->kn, cap * sizeof(*n));
		if (!n)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		r->kn = n;
		r->kncap = cap;
	}
	k = &r->kn[r->nkn];
	memset(k, 0, sizeof(*k));
	row.f[OB_ROSTER_NAME] = rec->name;
	row.f[OB_ROSTER_RECIPIENT] = rec->recipient;
	row.f[OB_ROSTER_ACHIEVEMENT] = rec->achievement;
	ob_roster_row_key(&row, k->key);
	k->seq = r->nkn++;
	k->expires = rec->expires;
	k->id = strdup(rec->id);
	k->ref = strdup(rec->ref);
	k->state = strdup(rec->state);
	k->credential = rec->credential_id ? strdup(rec->credential_id) : NULL;
	k->xref = rec->xref ? strdup(rec->xref) : NULL;
	k->has_pin = rec->has_pin;
	if (!k->id || !k->ref || !k->state || (rec->credential_id && !k->credential) || (rec->xref && !k->xref))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

static int cmp_known(const void *a, const void *b)
{
	const struct known *x = a, *y = b;
	int c = memcmp(x->key, y->key, 32);

	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every offer of the database, the newest per row key. */
static ob_code known_load(struct orun *r, ob_error *err)
{
	size_t i, n = 0;

	if (offer_db_each(r->st.db, known_add, r, err))
		return err->code;
	if (!r->nkn)
		return OB_OK;
	qsort(r->kn, r->nkn, sizeof(*r->kn), cmp_known);
	for (i = 0; i < r->nkn; i++) {
		if (i + 1 < r->nkn && !memcmp(r->kn[i].key, r->kn[i + 1].key, 32)) {
			known_release(&r->kn[i]);
			continue;
		}
		r->kn[n++] = r->kn[i];
	}
	r->nkn = n;
	return OB_OK;
}

static int cmp_key(const void *key, const void *b)
{
	return memcmp(key, ((const struct known *)b)->key, 32);
}

/* ---- checking the rows ---- */

/* The row's problem as "FILE:LINE: why" in msg (1), or 0 when it is fine. */
static int row_bad(const struct orun *r, const ob_roster_row *row, char *msg, size_t n)
{
	static const struct {
		int col;
		const char *name;
	} signed_only[] = {
		{ OB_ROSTER_RESULT, "result" }, { OB_ROSTER_EVIDENCE, "evidence" },
		{ OB_ROSTER_VALID_UNTIL, "valid_until" }, { OB_ROSTER_AWARDED_DATE, "awarded_date" },
	};
	const char *path = r->o->roster, *ach = row->f[OB_ROSTER_ACHIEVEMENT], *rcp = row->f[OB_ROSTER_RECIPIENT];
	size_t i;

	if (!ach || !*ach)
		snprintf(msg, n, "%s:%lu: no achievement", path, row->line);
	else if (!cat_has(r, ach))
		snprintf(msg, n, "%s:%lu: no achievement '%.100s' in the catalog", path, row->line, ach);
	else if (!rcp || !*rcp)
		snprintf(msg, n, "%s:%lu: no recipient", path, row->line);
	else if (!ob3_is_email(rcp) && strncmp(rcp, "did:", 4))
		snprintf(msg, n, "%s:%lu: recipient '%.100s' is neither an e-mail address nor a DID", path, row->line,
			 rcp);
	else {
		for (i = 0; i < sizeof(signed_only) / sizeof(signed_only[0]); i++)
			if (row->f[signed_only[i].col] && *row->f[signed_only[i].col]) {
				snprintf(msg, n, "%s:%lu: an offer carries name, recipient and achievement only; "
					 "%s needs a signed file (issue --roster without --offers)", path, row->line,
					 signed_only[i].name);
				return 1;
			}
		return 0;
	}
	return 1;
}

static void say(const char *msg)
{
	/* the message quotes the roster's bytes: no escape reaches a terminal */
	char *safe = ob_text_safe(msg);

	fprintf(stderr, "%s: %s\n", ob_cli_prog(), safe ? safe : "bad row");
	free(safe);
}

/* Pass 1: every row checked, every bad one said; r->rows and r->bad. */
static ob_code check_all(struct orun *r, ob_error *err)
{
	ob_roster *ros = ob_roster_open_delim(r->o->roster, r->o->delim, err);
	rowseen seen = { 0 };
	ob_roster_row row;
	ob_error e;
	unsigned char key[32];
	char msg[512];
	ob_code rc = OB_OK;
	long prev;
	int got;

	if (!ros)
		return err->code;
	for (;;) {
		memset(&e, 0, sizeof(e));
		if ((got = ob_roster_next(ros, &row, &e)) == 0)
			break;
		if (got == -2) {
			*err = e;
			rc = e.code;
			break;
		}
		r->rows++;
		if (got == -1 || row_bad(r, &row, msg, sizeof(msg))) {
			say(got == -1 ? e.msg : msg);
			r->bad++;
			continue;
		}
		ob_roster_row_key(&row, key);
		if ((prev = rowseen_add(&seen, key, row.line)) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			break;
		}
		if (prev > 0) {
			snprintf(msg, sizeof(msg), "%s:%lu: duplicate of line %ld", r->o->roster, row.line, prev);
			say(msg);
			r->bad++;
		}
	}
	ob_roster_close(ros);
	rowseen_release(&seen);
	return rc;
}

/* ---- the output ---- */

/* A manifest line: {line, state, recipient, achievement} and what add
 * names (pairs of key, value; NULL values left out), then the end. */
static ob_code man_line(struct obatch *b, const ob_roster_row *row, const char *state, const char *const *kv,
			ob_error *err)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "line", (json_int_t)row->line, "state", state, "recipient",
			      row->f[OB_ROSTER_RECIPIENT], "achievement", row->f[OB_ROSTER_ACHIEVEMENT]);
	char *s = NULL;

	for (; o && kv && kv[0]; kv += 2)
		if (kv[1] && json_object_set_new(o, kv[0], json_string(kv[1])))
			json_decref(o), o = NULL;
	if (!o || !(s = ob_json_dumps(o, OB_JSON_COMPACT)) || ob_buf_adds(&b->man, s) < 0 ||
	    ob_buf_addc(&b->man, '\n') < 0) {
		json_decref(o);
		free(s);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	json_decref(o);
	free(s);
	return OB_OK;
}

/* 1 when this run's offers carry a VC-API exchange (as offer create's:
 * always without a PIN, with one on --lcw); the mail merge then ends with
 * lcw_link. */
static int lcw_column(const struct orun *r)
{
	return r->oo->no_pin || r->oo->lcw;
}

/* The mail merge's row for an offer whose link works:
 * name,recipient,achievement,file,id,claim_url,offer_id,expires,state
 * (file and id, a signing run's credential, stay empty), and lcw_link. */
static void mm_line(const struct orun *r, struct obatch *b, const ob_roster_row *row, const char *link,
		    const char *offer_id, const char *expires, const char *state, const char *lcw)
{
	const char *name = row->f[OB_ROSTER_NAME];

	issuer_csv_cell(&b->mm, name ? name : "", 0);
	issuer_csv_cell(&b->mm, row->f[OB_ROSTER_RECIPIENT], 0);
	issuer_csv_cell(&b->mm, row->f[OB_ROSTER_ACHIEVEMENT], 0);
	issuer_csv_cell(&b->mm, "", 0);
	issuer_csv_cell(&b->mm, "", 0);
	issuer_csv_cell(&b->mm, link, 0);
	issuer_csv_cell(&b->mm, offer_id, 0);
	issuer_csv_cell(&b->mm, expires, 0);
	issuer_csv_cell(&b->mm, state, !lcw_column(r));
	if (lcw_column(r))
		issuer_csv_cell(&b->mm, lcw ? lcw : "", 1);
}

/* ---- pass 2: the offers ---- */

/* A row with an offer from before: what became of it. */
static ob_code row_known(struct orun *r, const ob_roster_row *row, const struct known *k, struct obatch *b,
			 ob_error *err)
{
	ob_buf uri = OB_BUF_INIT, link = OB_BUF_INIT, lcw = OB_BUF_INIT;
	char when[32];
	const char *state = k->state;
	ob_code rc;

	ob_date_format(k->expires, when);
	if (!strcmp(k->state, "open")) {
		if ((rc = issuer_offer_uri(r->server, k->ref, &uri, &link, err)) ||
		    (k->xref && (rc = issuer_offer_lcw_link(r->server, k->xref, k->has_pin ? NULL : link.data, &lcw, err))))
			goto out;
		state = "already offered";
		r->already++;
		if (r->mm)
			mm_line(r, b, row, link.data, k->id, when, state, lcw.data);
	} else if (!strcmp(k->state, "redeemed") || !strcmp(k->state, "issued"))
		r->claimed++;
	else
		r->closed++;
	{
		const char *kv[] = { "offer_id", k->id, "claim_url", link.len ? link.data : NULL, "expires", when,
				     "credential", k->credential, "lcw_link", lcw.len ? lcw.data : NULL, NULL };
		rc = man_line(b, row, state, kv, err);
	}
out:
	ob_buf_release(&uri);
	ob_buf_release(&link);
	ob_buf_release(&lcw);
	return rc;
}

/* A new offer for the row (inside the batch's transaction), its PIN to
 * the batch's pins.csv lines. */
static ob_code row_offer(struct orun *r, const ob_roster_row *row, struct obatch *b, ob_error *err)
{
	offer_params p = { 0 };
	offer_made m = { 0 };
	ob_buf uri = OB_BUF_INIT, link = OB_BUF_INIT, lcw = OB_BUF_INIT;
	ob_error e = { 0 };
	char when[32];
	ob_code rc;

	if (!b->in_tx) {
		if ((rc = issuer_db_begin(r->st.db, err)))
			return rc;
		b->in_tx = 1;
	}
	p.achievement = row->f[OB_ROSTER_ACHIEVEMENT];
	p.recipient = row->f[OB_ROSTER_RECIPIENT];
	p.name = row->f[OB_ROSTER_NAME] && *row->f[OB_ROSTER_NAME] ? row->f[OB_ROSTER_NAME] : NULL;
	p.pin = !r->oo->no_pin;
	p.ttl = r->oo->ttl;
	p.lcw = r->oo->lcw ? 1 : 0;
	if ((rc = issuer_offer_create(&r->st, &p, &m, &e))) {
		rc = ob_fail(err, rc, "%s:%lu: %s", r->o->roster, row->line, e.msg);
		goto out;
	}
	if ((rc = issuer_offer_uri(r->server, m.ref, &uri, &link, err)) ||
	    (m.xref && (rc = issuer_offer_lcw_link(r->server, m.xref, m.pin ? NULL : link.data, &lcw, err))))
		goto out;
	ob_date_format(m.expires, when);
	if (m.pin) {
		issuer_csv_cell(&b->pins, p.recipient, 0);
		issuer_csv_cell(&b->pins, m.id, 0);
		issuer_csv_cell(&b->pins, m.pin, 1);
	}
	if (r->mm)
		mm_line(r, b, row, link.data, m.id, when, "offered", lcw.data);
	{
		const char *kv[] = { "offer_id", m.id, "claim_url", link.data, "expires", when,
				     "lcw_link", lcw.len ? lcw.data : NULL, NULL };
		rc = man_line(b, row, "offered", kv, err);
	}
	r->offered++;
out:
	offer_made_release(&m);
	ob_buf_release(&uri);
	ob_buf_release(&link);
	ob_buf_release(&lcw);
	return rc;
}

/* One good row: its earlier offer, a signing run's credential, or a new
 * offer. */
static ob_code row_do(struct orun *r, const ob_roster_row *row, struct obatch *b, ob_error *err)
{
	unsigned char key[32];
	const struct known *k;
	ob_buf text = OB_BUF_INIT;
	char *id = NULL;
	long list, idx;
	int found = 0;
	ob_code rc;

	ob_roster_row_key(row, key);
	k = r->nkn ? bsearch(key, r->kn, r->nkn, sizeof(*r->kn), cmp_key) : NULL;
	/* an offer that expired unclaimed is made again */
	if (k && !(!strcmp(k->state, "open") && k->expires <= r->now))
		return row_known(r, row, k, b, err);
	if ((rc = issuer_db_log_find_row(r->st.db, key, &found, &id, &text, &list, &idx, err)))
		return rc;
	ob_buf_release(&text);
	if (found) {
		const char *kv[] = { "id", id, NULL };
		r->issued++;
		rc = man_line(b, row, "already issued", kv, err);
		free(id);
		return rc;
	}
	return row_offer(r, row, b, err);
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		if ((w = write(fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The batch's PINs on disk, then its commit, then its manifest and mail
 * merge lines. */
static ob_code batch_commit(struct orun *r, struct obatch *b, ob_error *err)
{
	off_t at = -1;

	if (b->in_tx) {
		if (b->pins.len && ((at = lseek(r->pinfd, 0, SEEK_END)) < 0 ||
				    write_all(r->pinfd, b->pins.data, b->pins.len) < 0 || fdatasync(r->pinfd) < 0)) {
			ob_fail(err, OB_EIO, "cannot write '%s': %s", r->pins, strerror(errno));
			goto fail;
		}
		if (issuer_db_commit(r->st.db, err))
			goto fail;
		b->in_tx = 0;
	}
	if (r->mm && b->mm.len && fwrite(b->mm.data, 1, b->mm.len, r->mm) != b->mm.len)
		return ob_fail(err, OB_EIO, "cannot write '%s': %s", r->mmtmp, strerror(errno));
	if (b->man.len && fwrite(b->man.data, 1, b->man.len, r->manifest) != b->man.len)
		return ob_fail(err, OB_EIO, "cannot write '%s': %s", r->mtmp, strerror(errno));
	ob_buf_release_secret(&b->pins);
	ob_buf_truncate(&b->man, 0);
	ob_buf_truncate(&b->mm, 0);
	return OB_OK;
fail:
	issuer_db_rollback(r->st.db);
	b->in_tx = 0;
	/* the PINs of offers never made go again */
	if (at >= 0 && ftruncate(r->pinfd, at) == 0)
		(void)fdatasync(r->pinfd);
	return err->code;
}

/* Pass 2: the offers, BATCH rows per transaction. */
static ob_code offer_all(struct orun *r, ob_error *err)
{
	ob_roster *ros = ob_roster_open_delim(r->o->roster, r->o->delim, err);
	struct obatch b = { OB_BUF_INIT, OB_BUF_INIT, OB_BUF_INIT, 0 };
	ob_roster_row row;
	ob_error e;
	char msg[512];
	ob_code rc = OB_OK;
	int got, n = 0;

	if (!ros)
		return err->code;
	for (;;) {
		memset(&e, 0, sizeof(e));
		if ((got = ob_roster_next(ros, &row, &e)) == 0)
			break;
		/* the file changed since pass 1 checked it */
		if (got < 0 || row_bad(r, &row, msg, sizeof(msg))) {
			rc = got < 0 ? ob_fail(err, e.code, "%s", e.msg) :
				       ob_fail(err, OB_EIO, "%s (did '%s' change during the run?)", msg, r->o->roster);
			break;
		}
		if ((rc = row_do(r, &row, &b, err)))
			break;
		if (b.man.oom || b.mm.oom || b.pins.oom) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			break;
		}
		if (++n == BATCH) {
			if ((rc = batch_commit(r, &b, err)))
				break;
			n = 0;
		}
	}
	if (!rc)
		rc = batch_commit(r, &b, err);
	if (b.in_tx)
		issuer_db_rollback(r->st.db);
	ob_roster_close(ros);
	ob_buf_release(&b.man);
	ob_buf_release(&b.mm);
	ob_buf_release_secret(&b.pins);
	return rc;
}

/* ---- opening and closing ---- */

/* A temporary file, 0600, as a stdio stream. */
static FILE *tmp_open(const char *path, ob_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		ob_fail(err, OB_EIO, "cannot create '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

/* DIR/pins.csv, appended to: made 0600 with its header, or an existing
 * one (a regular file, made 0600 again) whose PINs of earlier runs stay. */
static ob_code pins_open(struct orun *r, ob_error *err)
{
	static const char head[] = "recipient,offer_id,pin\r\n";
	struct stat sb;

	if (!(r->pins = issuer_path_join(r->o->outdir, "pins.csv")))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	r->pinfd = openat(r->dirfd, "pins.csv", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (r->pinfd < 0 || fstat(r->pinfd, &sb) < 0)
		return ob_fail(err, OB_EIO, "cannot open '%s': %s", r->pins, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return ob_fail(err, OB_EIO, "'%s' is not a regular file", r->pins);
	if ((sb.st_mode & 077) && fchmod(r->pinfd, 0600) < 0)
		return ob_fail(err, OB_EIO, "cannot make '%s' private: %s", r->pins, strerror(errno));
	if (!sb.st_size && (write_all(r->pinfd, head, sizeof(head) - 1) < 0 || fsync(r->pinfd) < 0 ||
			    fsync(r->dirfd) < 0))
		return ob_fail(err, OB_EIO, "cannot write '%s': %s", r->pins, strerror(errno));
	return OB_OK;
}

/* The output directory (locked: one run at a time writes into it), the
 * manifest's and mail merge's temporary files, pins.csv. */
static ob_code outputs_open(struct orun *r, ob_error *err)
{
	const roster_opts *o = r->o;

	if (ob_mkdir_p(o->outdir, err))
		return err->code;
	if ((r->dirfd = open(o->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ob_fail(err, OB_EIO, "cannot open '%s': %s", o->outdir, strerror(errno));
	if (flock(r->dirfd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "%s: waiting for another run writing to %s\n", ob_cli_prog(), o->outdir);
		if (flock(r->dirfd, LOCK_EX) < 0)
			return ob_fail(err, OB_EIO, "cannot lock '%s': %s", o->outdir, strerror(errno));
	}
	if (!(r->mtmp = issuer_path_join(o->outdir, ".manifest.jsonl.tmp")) ||
	    !(r->mpath = issuer_path_join(o->outdir, "manifest.jsonl")))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!(r->manifest = tmp_open(r->mtmp, err)))
		return err->code;
	if (o->mail_merge) {
		if (!(r->mmtmp = malloc(strlen(o->mail_merge) + 5)))
			return ob_fail(err, OB_ENOMEM, "out of memory");
		sprintf(r->mmtmp, "%s.tmp", o->mail_merge);
		if (!(r->mm = tmp_open(r->mmtmp, err)))
			return err->code;
		fputs(lcw_column(r) ? "name,recipient,achievement,file,id,claim_url,offer_id,expires,state,lcw_link\r\n" :
				      "name,recipient,achievement,file,id,claim_url,offer_id,expires,state\r\n", r->mm);
	}
	return r->oo->no_pin ? OB_OK : pins_open(r, err);
}

/* f's data on disk, f closed, tmp renamed to path. */
static ob_code file_finish(FILE **f, const char *tmp, const char *path, ob_error *err)
{
	int bad = fflush(*f) != 0 || fsync(fileno(*f)) < 0;

	bad |= fclose(*f) != 0;
	*f = NULL;
	if (bad || rename(tmp, path) < 0)
		return ob_fail(err, OB_EIO, "cannot write '%s': %s", path, strerror(errno));
	return OB_OK;
}

static ob_code run_open(struct orun *r, ob_error *err)
{
	if ((r->lockfd = issuer_home_lock(err)) == -1)
		return err->code;
	if (issuer_open(&r->st, 0, err))
		return err->code;
	r->opened = 1;
	if (issuer_db_achievements_each(r->st.db, cat_add, r, err))
		return err->code;
	if (r->ncat)
		qsort(r->cat, r->ncat, sizeof(*r->cat), cmp_str);
	if (!(r->server = issuer_offer_server(&r->st, r->oo->server, err)))
		return err->code;
	/* a killed signing run's row keys, so its rows are found */
	return issuer_db_row_keys_merge(r->st.db, err);
}

static void run_close(struct orun *r)
{
	size_t i;

	if (r->manifest) {
		fclose(r->manifest);
		unlink(r->mtmp);
	}
	if (r->mm) {
		fclose(r->mm);
		unlink(r->mmtmp); /* a failed run leaves the old mail merge */
	}
	if (r->pinfd >= 0)
		close(r->pinfd);
	if (r->dirfd >= 0)
		close(r->dirfd);
	if (r->lockfd >= 0)
		close(r->lockfd);
	for (i = 0; i < r->ncat; i++)
		free(r->cat[i]);
	free(r->cat);
	for (i = 0; i < r->nkn; i++)
		known_release(&r->kn[i]);
	free(r->kn);
	free(r->server);
	free(r->mtmp);
	free(r->mpath);
	free(r->mmtmp);
	free(r->pins);
	if (r->opened)
		issuer_close(&r->st);
}

static double elapsed(const struct orun *r)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

/* The summary: a line on stderr, and the manifest's path or (--json) one
 * object on stdout. */
static int summary(const struct orun *r)
{
	const roster_opts *o = r->o;
	double t = elapsed(r);
	json_t *j;
	char *s = NULL;

	fprintf(stderr, "%s: %lu rows: %lu offered, %lu already offered, %lu claimed, %lu revoked or locked, "
		"%lu already issued; %.2f s\n", ob_cli_prog(), r->rows, r->offered, r->already, r->claimed, r->closed,
		r->issued, t);
	if (r->offered && !r->oo->no_pin)
		fprintf(stderr, "%s: the new offers' PINs are in %s (mode 600): send each by another channel "
			"than its link\n", ob_cli_prog(), r->pins);
	if (o->mail_merge)
		fprintf(stderr, "%s: mail merge: %s (%lu rows)\n", ob_cli_prog(), o->mail_merge, r->offered + r->already);
	if (!o->json) {
		printf("%s\n", r->mpath);
		return 0;
	}
	j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "roster", o->roster, "manifest", r->mpath,
		      "rows", (json_int_t)r->rows, "offered", (json_int_t)r->offered, "alreadyOffered",
		      (json_int_t)r->already, "claimed", (json_int_t)r->claimed, "revokedOrLocked",
		      (json_int_t)r->closed, "alreadyIssued", (json_int_t)r->issued, "bad", (json_int_t)0, "seconds", t);
	if (j && r->pins)
		json_object_set_new(j, "pins", json_string(r->pins));
	if (j && o->mail_merge)
		json_object_set_new(j, "mailMerge", json_string(o->mail_merge));
	s = j ? ob_json_dumps(j, OB_JSON_PRETTY) : NULL;
	json_decref(j);
	if (!s)
		return ob_cli_errorf(3, "out of memory");
	printf("%s\n", s);
	free(s);
	return 0;
}

int issuer_roster_offers_run(const roster_opts *o, const roster_offer_opts *oo)
{
	struct orun r = { .o = o, .oo = oo, .lockfd = -1, .dirfd = -1, .pinfd = -1 };
	ob_error err = { 0 };
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	r.now = time(NULL);
	if (run_open(&r, &err) || check_all(&r, &err))
		goto fail;
	if (r.bad) {
		fprintf(stderr, "%s: %lu of %lu rows are bad: no offer made (correct them and run again)\n",
			ob_cli_prog(), r.bad, r.rows);
		rc = 1;
		goto out;
	}
	if (known_load(&r, &err) || outputs_open(&r, &err) || offer_all(&r, &err))
		goto fail;
	if (file_finish(&r.manifest, r.mtmp, r.mpath, &err) ||
	    (r.mm && file_finish(&r.mm, r.mmtmp, o->mail_merge, &err)))
		goto fail;
	if (fsync(r.dirfd) < 0) {
		ob_fail(&err, OB_EIO, "cannot sync '%s': %s", o->outdir, strerror(errno));
		goto fail;
	}
	rc = summary(&r);
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	run_close(&r);
	return rc;
}

/* ---- for a signing run: the rows offers already award ---- */

struct roster_offered_row {
	unsigned char key[32];
	char *id;
};

static ob_code offered_add(const offer_rec *o, void *ctx, ob_error *err)
{
	roster_offered *s = ctx;
	ob_roster_row row = { 0 };
	struct roster_offered_row *e;

	if (!strcmp(o->state, "open") ? o->expires <= s->now : strcmp(o->state, "redeemed") && strcmp(o->state, "issued"))
		return OB_OK;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct roster_offered_row *n = realloc(s->rows, cap * sizeof(*n));
		if (!n)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		s->rows = n;
		s->cap = cap;
	}
	e = &s->rows[s->n];
	row.f[OB_ROSTER_NAME] = o->name ? o->name : "";
	row.f[OB_ROSTER_RECIPIENT] = o->recipient;
	row.f[OB_ROSTER_ACHIEVEMENT] = o->achievement;
	ob_roster_row_key(&row, e->key);
	if (!(e->id = strdup(o->id)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	s->n++;
	return OB_OK;
}

static int cmp_offered(const void *a, const void *b)
{
	return memcmp(((const struct roster_offered_row *)a)->key, ((const struct roster_offered_row *)b)->key, 32);
}

ob_code roster_offered_load(issuer_db *db, roster_offered *s, ob_error *err)
{
	memset(s, 0, sizeof(*s));
	s->now = time(NULL);
	if (offer_db_each(db, offered_add, s, err))
		return err->code;
	if (s->n)
		qsort(s->rows, s->n, sizeof(*s->rows), cmp_offered);
	return OB_OK;
}

const char *roster_offered_find(const roster_offered *s, const unsigned char key[32])
{
	struct roster_offered_row k, *e;

	if (!s->n)
		return NULL;
	memcpy(k.key, key, 32);
	e = bsearch(&k, s->rows, s->n, sizeof(*s->rows), cmp_offered);
	return e ? e->id : NULL;
}

void roster_offered_free(roster_offered *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->rows[i].id);
	free(s->rows);
	memset(s, 0, sizeof(*s));
}
