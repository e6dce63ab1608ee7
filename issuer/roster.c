/* issue --roster: batch issuance from a CSV file.
 *
 * The main thread reads the roster in batches, checks each row, chooses
 * its status slot and hands the batch to a pool of signing threads; while
 * they sign the next batches it logs the oldest in ONE transaction, and
 * only then does a writer thread write its files (no fsync each: each
 * file's write-out is started as it is closed, and the run ends with one
 * syncfs). A crash therefore loses at most files whose rows are logged; a
 * re-run finds every logged row by its row key, rewrites a missing file from the
 * stored text and issues only what was never logged, so each row ends with
 * exactly one credential and no status index is ever given twice. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "vc/issue.h"
#include "issuer.h"
#include "roster.h"
#include "rowseen.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "logpack.h"
#include "vc/ob3.h"
#include "io/roster.h"
#include "vc/status.h"
#include "proof/suite.h"
#include "base/text.h"
#include "csv_out.h"
#include "roster_offers.h"

/* Rows per transaction, and batches in flight: while this thread waits
 * for a commit's fsync the signing threads still have INFLIGHT-1 batches
 * to sign. A commit appends its rows (the log has no random-keyed index
 * on this path since schema 5, see db.c), so its cost is one fsync;
 * 3 x 2048 rows of ~2.5 KiB stay well under 100 MB. */
#define BATCH 2048
#define INFLIGHT 3

enum { IT_NEW, IT_OLD, IT_BAD };

struct item {
	unsigned long line;
	int kind;
	char *fields;              /* the row's fields, NUL-separated (owned) */
	const char *f[OB_ROSTER_NCOLS];
	int ach;                   /* catalog index */
	long list, idx;            /* status slot; list 0: none */
	unsigned char key[32];     /* row key (SHA-256) */
	char *msg;                 /* IT_BAD: "FILE:LINE: why" */
	char *id;                  /* credential id */
	ob_buf out;                /* the signed text (new or from the log) */
	ob_buf packed;             /* IT_NEW: out packed for the log */
	ob_error err;              /* signing failure */
};

struct batch {
	struct item it[BATCH];
	int n, next, done;
	/* the writer's part: set by it, read by the main thread once the
	 * batch is written (under the writer's mutex) */
	int queued, written;
	unsigned long issued, already, bad;
	ob_error werr;
};

/* One thread writes the credential files and the manifest, in batch
 * order, while the main thread logs the next batch: files made by several
 * threads at once fight over the directory lock, and doing it on the main
 * thread left the signers idle. */
struct writer {
	pthread_mutex_t mu;
	pthread_cond_t work, fin;
	struct batch *q[INFLIGHT];
	int nq, stop;
	pthread_t th;
	struct run *r;
};

struct catalog {
	char **ids;   /* sorted */
	json_t **obj;
	size_t n, cap;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, fin;
	struct batch *q[INFLIGHT];
	int nq, stop, parked;
	/* read-only while the workers run */
	const roster_opts *o;
	const ob_key *key;
	const char *vm, *base;
};

struct worker {
	struct pool *p;
	pthread_t th;
	json_t *profile;  /* this thread's copies: jansson refcounts are */
	json_t **ach;     /* not shared across threads */
	size_t nach;
	logpack *pack;
	ob_buf scratch;
};

static const char *file_name(const char *id, const ob_buf *text, char *buf, size_t n)
{
	if (!strncmp(id, "urn:uuid:", 9))
		id += 9;
	snprintf(buf, n, "%s.%s", id, text->len && text->data[0] == '{' ? "json" : "jwt");
	return buf;
}

/* dir's length without trailing slashes, for "dir/name" in messages */
static int dir_len(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return (int)n;
}

/* Writes text to dirfd/name, no fsync: the log holds the text, and the
 * run ends with one syncfs. The write-out starts now, though: left
 * alone, the kernel keeps a run's files in memory for 30 s and the
 * closing syncfs wrote ~450 MB while the cores idled. (A syncfs after
 * each batch did that too, but it also wrote the directory's blocks
 * again each time, and a directory of N files has N / 60 of them, so
 * the bytes written per credential grew with the run: 3.8 KB more each
 * at 1,000,000.) */
static ob_code write_at(int dirfd, const char *dir, const char *name, const ob_buf *text, ob_error *err)
{
	size_t off = 0;
	ssize_t w;
	int fd;

	/* learner data: readable by the issuer's account only */
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return ob_fail(err, OB_EIO, "cannot create '%.*s/%s': %s", dir_len(dir), dir, name, strerror(errno));
	while (off < text->len) {
		w = write(fd, text->data + off, text->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlinkat(dirfd, name, 0);
			return ob_fail(err, OB_EIO, "cannot write '%.*s/%s': %s", dir_len(dir), dir, name, strerror(errno));
		}
		off += (size_t)w;
	}
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (close(fd) < 0) {
		unlinkat(dirfd, name, 0);
		return ob_fail(err, OB_EIO, "cannot write '%.*s/%s': %s", dir_len(dir), dir, name, strerror(errno));
	}
	return OB_OK;
}

/* ---- the signing threads ---- */

/* Builds and signs one credential for the row fields f with the pool's
 * options; status slot (list, idx), list 0 for none. */
static ob_code sign_row(const struct pool *p, json_t *profile, json_t *ach, const char *const *f,
			long list, long idx, ob_buf *out, char **idp, ob_error *err)
{
	ob3_issue_opts io = { 0 };
	ob_sign_opts so = { 0 };
	ob_buf id = OB_BUF_INIT;
	json_t *cred = NULL;
	ob_code rc;

	io.recipient = f[OB_ROSTER_RECIPIENT];
	io.name = *f[OB_ROSTER_NAME] ? f[OB_ROSTER_NAME] : NULL;
	io.result = f[OB_ROSTER_RESULT] && *f[OB_ROSTER_RESULT] ? f[OB_ROSTER_RESULT] : NULL;
	io.evidence = f[OB_ROSTER_EVIDENCE] && *f[OB_ROSTER_EVIDENCE] ? f[OB_ROSTER_EVIDENCE] : NULL;
	io.valid_until = f[OB_ROSTER_VALID_UNTIL] && *f[OB_ROSTER_VALID_UNTIL] ? f[OB_ROSTER_VALID_UNTIL] : NULL;
	io.awarded = f[OB_ROSTER_AWARDED_DATE] && *f[OB_ROSTER_AWARDED_DATE] ? f[OB_ROSTER_AWARDED_DATE] : NULL;
	io.credential_schema = p->o->credential_schema;
	if (list && !(io.status = issuer_status_json(p->base, list, idx, p->o->suspension))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	/* time-ordered ids: the log's id index is appended to, not churned */
	if ((rc = ob3_new_uuid7(&id, err)))
		goto out;
	io.id = id.data;
	so.suite = p->o->suite;
	so.created = p->o->created;
	so.verification_method = p->vm;
	so.schema_form = 1;
	if (!(cred = ob3_build_credential(profile, ach, &io, err))) {
		rc = err->code;
		goto out;
	}
	if ((rc = ob_issue_sign(cred, p->key, &so, out, err)))
		goto out;
	if (idp && !(*idp = strdup(ob_json_str(cred, "id"))))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	ob_buf_release(&id);
	json_decref(io.status);
	json_decref(cred);
	return rc;
}

static void sign_item(struct worker *w, struct item *it)
{
	if (sign_row(w->p, w->profile, w->ach[it->ach], it->f, it->list, it->idx, &it->out, &it->id, &it->err))
		return;
	ob_buf_shrink(&it->out); /* INFLIGHT x BATCH of them wait for the writer */
	/* packed into the thread's scratch buffer (sized for the worst
	 * case), then copied at its real size: four batches of worst-case
	 * buffers would be 16 MB */
	if (w->pack && !logpack_pack(w->pack, it->out.data, it->out.len, &w->scratch, &it->err) &&
	    ob_buf_add(&it->packed, w->scratch.data, w->scratch.len) < 0)
		ob_fail(&it->err, OB_ENOMEM, "out of memory");
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->p;
	struct batch *b;
	int i;

	pthread_setname_np(pthread_self(), "ob-sign");
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->nq && p->q[0]->next >= p->q[0]->n) {
			memmove(p->q, p->q + 1, (size_t)(p->nq - 1) * sizeof(p->q[0]));
			p->nq--;
		}
		if (!p->nq) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->work, &p->mu);
			continue;
		}
		b = p->q[0];
		i = b->next++;
		pthread_mutex_unlock(&p->mu);
		if (b->it[i].kind == IT_NEW)
			sign_item(w, &b->it[i]);
		pthread_mutex_lock(&p->mu);
		if (++b->done == b->n)
			pthread_cond_broadcast(&p->fin);
	}
	p->parked++;
	pthread_cond_broadcast(&p->fin);
	pthread_mutex_unlock(&p->mu);
	/* the rdfc suite's per-thread JSON-LD processor */
	ob_suite_thread_release();
	return NULL;
}

static void post(struct pool *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	p->q[p->nq++] = b;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

static void wait_done(struct pool *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	while (b->done < b->n)
		pthread_cond_wait(&p->fin, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* ---- the catalog ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void catalog_free(struct catalog *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->ids[i]);
		json_decref(c->obj[i]);
	}
	free(c->ids);
	free(c->obj);
	memset(c, 0, sizeof(*c));
}

static ob_code catalog_add(const char *id, const char *json, size_t len, void *ctx, ob_error *err)
{
	struct catalog *c = ctx;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		char **ids = realloc(c->ids, cap * sizeof(*ids));
		json_t **obj;
		if (ids)
			c->ids = ids;
		obj = ids ? realloc(c->obj, cap * sizeof(*obj)) : NULL;
		if (!obj)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		c->obj = obj;
		c->cap = cap;
	}
	c->ids[c->n] = strdup(id);
	c->obj[c->n] = ob_json_parse(json, len, err);
	c->n++;
	if (!c->ids[c->n - 1] || !c->obj[c->n - 1])
		return err->code ? err->code : ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

static ob_code catalog_load(issuer_state *st, struct catalog *c, ob_error *err)
{
	size_t i, j;

	memset(c, 0, sizeof(*c));
	if (issuer_db_achievements_each(st->db, catalog_add, c, err)) {
		catalog_free(c);
		return err->code;
	}
	/* the walk is in strcmp's order already, but sort anyway so bsearch
	 * never depends on the backend's collation */
	for (i = 1; i < c->n; i++)
		for (j = i; j > 0 && cmp_str(&c->ids[j - 1], &c->ids[j]) > 0; j--) {
			char *t = c->ids[j];
			json_t *o = c->obj[j];
			c->ids[j] = c->ids[j - 1];
			c->obj[j] = c->obj[j - 1];
			c->ids[j - 1] = t;
			c->obj[j - 1] = o;
		}
	return OB_OK;
}

static int catalog_find(const struct catalog *c, const char *id)
{
	char **hit = bsearch(&id, c->ids, c->n, sizeof(*c->ids), cmp_str);

	return hit ? (int)(hit - c->ids) : -1;
}

/* ---- the run ---- */

/* The whole run: everything a roster run holds, in one place. The main
 * thread owns it; the signing threads read pool's fields, the writer
 * thread reads o, dirfd and manifest and sets werr_seen. */
struct run {
	const roster_opts *o;
	issuer_state st;
	int opened;
	int lockfd;
	struct catalog cat;
	status_alloc sa;
	ob_roster *ros;
	rowseen seen;         /* this run's rows so far, for duplicates */
	roster_offered offered; /* rows an --offers run already offered */
	const char *suite;
	int dirfd;
	char *mtmp, *mpath;   /* the manifest while written, and its name */
	FILE *manifest;
	char *mmtmp;          /* the mail merge while written (o->mail_merge) */
	FILE *mm;
	unsigned long mmrows;
	char *base;
	ob_buf dict;          /* the log's dictionary (logpack.h) */
	long dict_id;         /* its log_dicts row, once logged */
	unsigned long issued, already, bad, rows;
	struct timespec t0;
	int tty, eof;
	volatile int werr_seen; /* the writer failed: it writes no more */
	/* the threads: the mutexes and conditions are made before any
	 * thread starts (sync_init) and destroyed after all have stopped */
	int sync_ready;
	struct pool pool;
	struct worker *w;
	int nw, started;
	struct writer wr;
	int writer_started;
	/* batches in flight, a ring: bt[head] is the oldest */
	struct batch bt[INFLIGHT];
	int head, inflight;
};

static double elapsed(const struct run *r)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

static void item_release(struct item *it)
{
	free(it->fields);
	free(it->msg);
	free(it->id);
	ob_buf_release(&it->out);
	ob_buf_release(&it->packed);
	memset(it, 0, sizeof(*it));
}

static void item_bad(struct item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void item_bad(struct item *it, const char *fmt, ...)
{
	va_list ap;
	char msg[512], *safe;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	it->kind = IT_BAD;
	it->msg = strdup(msg);
	/* the message quotes the roster's bytes: no escape reaches a terminal */
	safe = ob_text_safe(msg);
	fprintf(stderr, "%s: %s\n", ob_cli_prog(), safe ? safe : "bad row");
	free(safe);
}

/* Copies the row's fields into one allocation the item owns. */
static int item_take_fields(struct item *it, const ob_roster_row *row)
{
	size_t len[OB_ROSTER_NCOLS], total = 0, off = 0;
	int i;

	for (i = 0; i < OB_ROSTER_NCOLS; i++) {
		len[i] = row->f[i] ? strlen(row->f[i]) + 1 : 0;
		total += len[i];
	}
	if (!(it->fields = malloc(total ? total : 1)))
		return -1;
	for (i = 0; i < OB_ROSTER_NCOLS; i++) {
		it->f[i] = NULL;
		if (!row->f[i])
			continue;
		memcpy(it->fields + off, row->f[i], len[i]);
		it->f[i] = it->fields + off;
		off += len[i];
	}
	return 0;
}

char *issuer_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir), k = strlen(name);
	char *p;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (!(p = malloc(n + k + 2)))
		return NULL;
	memcpy(p, dir, n);
	if (!(n == 1 && dir[0] == '/'))
		p[n++] = '/';
	memcpy(p + n, name, k + 1);
	return p;
}

int issuer_roster_row_normalize(ob_roster_row *row, const char *tz, char buf[32])
{
	const char *vu = row->f[OB_ROSTER_VALID_UNTIL];
	int rc;

	if (!vu || !*vu)
		return 0;
	if ((rc = ob_roster_date(vu, tz, buf)) < 0)
		return -1;
	if (rc == 1)
		row->f[OB_ROSTER_VALID_UNTIL] = buf;
	return 0;
}

/* The row's checks that need the catalog or the log. 0: fine (or the row
 * was marked bad), 1: a row of another --shard, -1: a fatal error in err. */
static int check_row(struct run *r, struct item *it, const ob_roster_row *raw, ob_error *err)
{
	const char *path = r->o->roster;
	ob_roster_row nrow = *raw, *row = &nrow;
	const char *rcp = row->f[OB_ROSTER_RECIPIENT], *vu = row->f[OB_ROSTER_VALID_UNTIL];
	const char *ev = row->f[OB_ROSTER_EVIDENCE], *aw = row->f[OB_ROSTER_AWARDED_DATE];
	unsigned char key[32];
	char vbuf[32], abuf[32];
	int ak = 0;
	long prev;
	int found;
	const char *offer;

	if (!*row->f[OB_ROSTER_ACHIEVEMENT])
		return item_bad(it, "%s:%lu: no achievement", path, it->line), 0;
	if ((it->ach = catalog_find(&r->cat, row->f[OB_ROSTER_ACHIEVEMENT])) < 0)
		return item_bad(it, "%s:%lu: no achievement '%.100s' in the catalog", path, it->line,
				row->f[OB_ROSTER_ACHIEVEMENT]), 0;
	if (!*rcp)
		return item_bad(it, "%s:%lu: no recipient", path, it->line), 0;
	if (!ob3_is_email(rcp) && (!strchr(rcp, ':') || strchr(rcp, '@') || strchr(rcp, ' ')))
		return item_bad(it, "%s:%lu: recipient '%.100s' is neither an e-mail address nor a DID/URI",
				path, it->line, rcp), 0;
	if (issuer_roster_row_normalize(row, r->o->tz, vbuf) < 0)
		return item_bad(it, "%s:%lu: invalid valid_until '%.60s' (want 2030-06-01 or 2030-06-01T00:00:00Z)",
				path, it->line, vu), 0;
	if (aw && *aw && (ak = ob_roster_date(aw, r->o->tz, abuf)) < 0)
		return item_bad(it, "%s:%lu: invalid awarded_date '%.60s' (want 2026-05-30 or 2026-05-30T00:00:00Z)",
				path, it->line, aw), 0;
	if (ak == 1)
		row->f[OB_ROSTER_AWARDED_DATE] = abuf;
	{
		/* evidence and results against the achievement (ob3.h) */
		ob3_issue_opts io = { 0 };
		ob_error e = { 0 };
		const char *vu2 = row->f[OB_ROSTER_VALID_UNTIL];
		io.valid_until = vu2 && *vu2 ? vu2 : NULL;
		io.evidence = ev;
		io.result = row->f[OB_ROSTER_RESULT];
		if (ob3_check_award(r->cat.obj[it->ach], &io, &e))
			return item_bad(it, "%s:%lu: %s", path, it->line, e.msg), 0;
	}
	ob_roster_row_key(row, key);
	/* --shard K/N: another node's row (a duplicate has the same key, so
	 * it lands in the same shard and is caught there) */
	if (r->o->shard_n && ((unsigned long)key[0] << 24 | (unsigned long)key[1] << 16 | (unsigned long)key[2] << 8 |
			      key[3]) % (unsigned long)r->o->shard_n != (unsigned long)(r->o->shard_k - 1))
		return 1;
	if ((prev = rowseen_add(&r->seen, key, it->line)) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory"), -1;
	if (prev > 0)
		return item_bad(it, "%s:%lu: duplicate of line %ld, skipped", path, it->line, prev), 0;
	memcpy(it->key, key, sizeof(key));
	/* an --offers run's row: the learner claims it, a file would award it twice */
	if ((offer = roster_offered_find(&r->offered, key)))
		return item_bad(it, "%s:%lu: already offered (offer %s), not signed; revoke the offer to sign a file",
				path, it->line, offer), 0;
	/* already issued by an earlier run: take it from the log */
	if (issuer_db_log_find_row(r->st.db, it->key, &found, &it->id, &it->out, &it->list, &it->idx, err))
		return -1;
	/* an earlier run's row keeps its fields too: the manifest and the
	 * mail merge name its recipient again */
	if (item_take_fields(it, row) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory"), -1;
	if (found) {
		it->kind = IT_OLD;
		return 0;
	}
	it->kind = IT_NEW;
	if (!r->o->no_status && status_alloc_next(&r->sa, &it->list, &it->idx, err))
		return -1;
	return 0;
}

static int fill_rows(struct run *r, struct batch *b, ob_error *err);

/* Reads up to BATCH rows into b. 0, or -1 with err (fatal). The rows'
 * log lookups share one read transaction: on its own each lookup would
 * take and drop the WAL read lock and stat the database. */
static int fill(struct run *r, struct batch *b, ob_error *err)
{
	int rc;

	if (issuer_db_read_begin(r->st.db, err))
		return -1;
	rc = fill_rows(r, b, err);
	if (rc < 0)
		issuer_db_rollback(r->st.db);
	else if (issuer_db_read_end(r->st.db, err))
		rc = -1;
	return rc;
}

static int fill_rows(struct run *r, struct batch *b, ob_error *err)
{
	ob_roster_row row;
	ob_error e;
	int rc;

	b->n = b->next = b->done = 0;
	while (b->n < BATCH && !r->eof) {
		struct item *it;
		memset(&e, 0, sizeof(e));
		rc = ob_roster_next(r->ros, &row, &e);
		if (rc == 0) {
			r->eof = 1;
			break;
		}
		if (rc == -2) {
			*err = e;
			return -1;
		}
		it = &b->it[b->n++];
		memset(it, 0, sizeof(*it));
		it->line = row.line;
		r->rows++;
		if (rc == -1)
			item_bad(it, "%s", e.msg);
		else if ((rc = check_row(r, it, &row, err)) < 0)
			return -1;
		/* --shard: a row of another shard is not this run's; a bad
		 * one (no key) is reported by the shard its line falls in */
		if (r->o->shard_n && (rc == 1 || (it->kind == IT_BAD &&
						  (long)(it->line % (unsigned long)r->o->shard_n) !=
							  r->o->shard_k - 1))) {
			item_release(it);
			b->n--;
			r->rows--;
		}
	}
	return 0;
}

static int manifest_line(struct run *r, const struct item *it, const char *file)
{
	json_t *o;
	char *s;
	int rc = -1;

	if (it->kind == IT_BAD || (it->kind == IT_NEW && it->err.code))
		o = json_pack("{s:I, s:s}", "line", (json_int_t)it->line, "error",
			      it->kind == IT_BAD ? it->msg : it->err.msg);
	else {
		o = json_pack("{s:I, s:s, s:s, s:s}", "line", (json_int_t)it->line, "id", it->id,
			      "file", file, "state", it->kind == IT_NEW ? "issued" : "already issued");
		if (o && it->f[OB_ROSTER_RECIPIENT])
			json_object_set_new(o, "recipient", json_string(it->f[OB_ROSTER_RECIPIENT]));
		if (o && it->f[OB_ROSTER_ACHIEVEMENT])
			json_object_set_new(o, "achievement", json_string(it->f[OB_ROSTER_ACHIEVEMENT]));
		if (o && it->list > 0) {
			json_object_set_new(o, "statusList", json_integer(it->list));
			json_object_set_new(o, "statusListIndex", json_integer(it->idx));
		}
	}
	if (o && (s = ob_json_dumps(o, OB_JSON_COMPACT))) {
		if (fprintf(r->manifest, "%s\n", s) >= 0)
			rc = 0;
		free(s);
	}
	json_decref(o);
	return rc;
}

/* name, recipient, achievement, file, id, claim_url (empty until badge
 * delivery fills it) for a row that has its credential. */
static int mail_merge_line(struct run *r, const struct item *it, const char *file)
{
	char *path = issuer_path_join(r->o->outdir, file);
	const char *const *f = it->f;
	ob_buf b = OB_BUF_INIT;
	int rc = -1;

	if (!path)
		return -1;
	issuer_csv_cell(&b, f[OB_ROSTER_NAME] ? f[OB_ROSTER_NAME] : "", 0);
	issuer_csv_cell(&b, f[OB_ROSTER_RECIPIENT] ? f[OB_ROSTER_RECIPIENT] : "", 0);
	issuer_csv_cell(&b, f[OB_ROSTER_ACHIEVEMENT] ? f[OB_ROSTER_ACHIEVEMENT] : "", 0);
	issuer_csv_cell(&b, path, 0);
	issuer_csv_cell(&b, it->id, 0);
	issuer_csv_cell(&b, "", ISSUER_CSV_LAST);
	free(path);
	if (!b.oom && fwrite(b.data, 1, b.len, r->mm) == b.len && !ferror(r->mm))
		rc = 0;
	ob_buf_release(&b);
	r->mmrows++;
	return rc;
}

static void progress(struct run *r, int last)
{
	double t = elapsed(r), done = (double)(r->issued + r->already + r->bad), total, frac, rate;
	uint64_t size = ob_roster_size(r->ros), off = ob_roster_offset(r->ros);
	char bar[31];
	int i, n;

	if (!r->tty)
		return;
	/* rows in the whole file, estimated from the share of bytes read */
	total = (double)r->rows;
	if (!r->eof && size && off)
		total = (double)r->rows * (double)size / (double)off;
	frac = total > 0 ? done / total : 1;
	if (frac > 1)
		frac = 1;
	n = (int)(frac * 30);
	for (i = 0; i < 30; i++)
		bar[i] = i < n ? '#' : '.';
	bar[30] = 0;
	rate = t > 0 ? done / t : 0;
	fprintf(stderr, "\r[%s] %.0f/%.0f rows  %.0f/s  ETA %.0fs ", bar, done, total, rate,
		rate > 0 ? (total - done) / rate : 0.0);
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The log's dictionary: a credential signed the way the run signs, for
 * a made-up learner, after the compact text of the catalog's other
 * achievements (zlib reads the dictionary's end best, and each extra
 * byte costs every row time: 4 KiB at most). Left empty when it cannot
 * be made (an empty catalog): rows are then stored as text. */
static void make_dict(struct run *r, const struct pool *p)
{
	static const char *const f[OB_ROSTER_NCOLS] = {
		[OB_ROSTER_NAME] = "Learner Name", [OB_ROSTER_RECIPIENT] = "learner@example.edu",
		[OB_ROSTER_RESULT] = "100",
	};
	ob_buf cred = OB_BUF_INIT;
	ob_error e = { 0 };
	size_t k;
	char *s;

	if (!r->cat.n || sign_row(p, r->st.profile, r->cat.obj[0], f, r->o->no_status ? 0 : 1, 0, &cred,
				  NULL, &e))
		goto out;
	for (k = 1; k < r->cat.n; k++) {
		if (!(s = ob_json_dumps(r->cat.obj[k], OB_JSON_COMPACT)))
			break;
		if (r->dict.len + strlen(s) + cred.len <= 4096)
			ob_buf_adds(&r->dict, s);
		free(s);
	}
	if (cred.len > 4096)
		ob_buf_truncate(&cred, 4096);
	ob_buf_add(&r->dict, cred.data, cred.len);
	if (r->dict.oom)
		ob_buf_release(&r->dict);
out:
	ob_buf_release(&cred);
}

/* Logs the batch's new credentials and the status slots they take in
 * one transaction (main thread). */
static int finalize_db(struct run *r, struct batch *b, ob_error *err)
{
	char now[32];
	int i, in_tx = 0, rc = -1;

	ob_date_format(time(NULL), now);
	for (i = 0; i < b->n; i++)
		if (b->it[i].kind == IT_NEW && !b->it[i].err.code)
			break;
	if (i < b->n) {
		if (issuer_db_begin(r->st.db, err))
			goto out;
		in_tx = 1;
		/* the dictionary goes with the first rows packed against it */
		if (r->dict.len && !r->dict_id && issuer_db_log_dict_add(r->st.db, r->dict.data, r->dict.len,
									  &r->dict_id, err))
			goto out;
		for (; i < b->n; i++) {
			struct item *it = &b->it[i];
			issued_row row = {
				.id = it->id, .achievement = it->f[OB_ROSTER_ACHIEVEMENT],
				.recipient = it->f[OB_ROSTER_RECIPIENT], .suite = r->suite, .issued_at = now,
				.credential = it->out.data, .credential_len = it->out.len,
				.log_dict = r->dict.len ? r->dict_id : 0,
				.list = it->list, .idx = it->idx, .suspendable = r->o->suspension,
				.row_key = it->key,
			};
			if (it->kind != IT_NEW || it->err.code)
				continue;
			if (row.log_dict) {
				row.credential = it->packed.data;
				row.credential_len = it->packed.len;
			}
			if (issuer_db_log_add(r->st.db, &row, err) ||
			    (it->list && status_alloc_commit(&r->st, &r->sa, it->list, it->idx, r->o->suspension, err)))
				goto out;
		}
		if ((!r->o->no_status && status_alloc_save(&r->st, &r->sa, err)) || issuer_db_commit(r->st.db, err))
			goto out;
		in_tx = 0;
	}
	rc = 0;
out:
	if (in_tx) {
		issuer_db_rollback(r->st.db);
		r->dict_id = 0;
	}
	return rc;
}

/* Writes a logged batch's files and manifest lines (writer thread). */
static int write_batch(struct run *r, struct batch *b, ob_error *err)
{
	char name[256];
	struct stat sb;
	int i;

	for (i = 0; i < b->n; i++) {
		struct item *it = &b->it[i];
		const char *file = NULL;
		if (it->kind == IT_NEW && it->err.code) {
			char *safe = ob_text_safe(it->err.msg);
			fprintf(stderr, "%s: %s:%lu: %s\n", ob_cli_prog(), r->o->roster, it->line,
				safe ? safe : "cannot issue");
			free(safe);
			b->bad++;
		} else if (it->kind == IT_BAD) {
			b->bad++;
		} else {
			file = file_name(it->id, &it->out, name, sizeof(name));
			if (it->kind == IT_NEW) {
				/* Written only once its row has committed, under its
				 * own name. A crash mid-write leaves a short file,
				 * which the next run finds (size differs from the log)
				 * and writes again from the log. */
				if (write_at(r->dirfd, r->o->outdir, file, &it->out, err))
					return -1;
			} else if (fstatat(r->dirfd, file, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(sb.st_mode) ||
				   (size_t)sb.st_size != it->out.len) {
				/* an earlier run's file is missing or was cut short by
				 * a crash: write it again from the log, atomically */
				char tmp[300];
				snprintf(tmp, sizeof(tmp), ".tmp-%s", file);
				if (write_at(r->dirfd, r->o->outdir, tmp, &it->out, err))
					return -1;
				if (renameat(r->dirfd, tmp, r->dirfd, file) < 0) {
					unlinkat(r->dirfd, tmp, 0);
					return ob_fail(err, OB_EIO, "cannot rename '%.*s/%s': %s", dir_len(r->o->outdir), r->o->outdir, tmp,
						       strerror(errno)), -1;
				}
			}
			if (it->kind == IT_NEW)
				b->issued++;
			else
				b->already++;
		}
		if (manifest_line(r, it, file) < 0)
			return ob_fail(err, OB_EIO, "cannot write the manifest: %s", strerror(errno)), -1;
		if (r->mm && file && mail_merge_line(r, it, file) < 0)
			return ob_fail(err, OB_EIO, "cannot write '%s': %s", r->mmtmp, strerror(errno)), -1;
	}
	return 0;
}

static void *writer_main(void *arg)
{
	struct writer *wr = arg;
	struct batch *b;

	pthread_setname_np(pthread_self(), "ob-write"); /* for top -H, perf */
	pthread_mutex_lock(&wr->mu);
	for (;;) {
		if (!wr->nq) {
			if (wr->stop)
				break;
			pthread_cond_wait(&wr->work, &wr->mu);
			continue;
		}
		b = wr->q[0];
		pthread_mutex_unlock(&wr->mu);
		/* after a failure, later batches are not written: their rows
		 * are logged, and the next run writes them from the log */
		if (!wr->r->werr_seen && write_batch(wr->r, b, &b->werr) < 0)
			wr->r->werr_seen = 1;
		pthread_mutex_lock(&wr->mu);
		memmove(wr->q, wr->q + 1, (size_t)(wr->nq - 1) * sizeof(wr->q[0]));
		wr->nq--;
		b->written = 1;
		pthread_cond_broadcast(&wr->fin);
	}
	pthread_mutex_unlock(&wr->mu);
	return NULL;
}

static void writer_post(struct writer *wr, struct batch *b)
{
	pthread_mutex_lock(&wr->mu);
	b->queued = 1;
	b->written = 0;
	wr->q[wr->nq++] = b;
	pthread_cond_broadcast(&wr->work);
	pthread_mutex_unlock(&wr->mu);
}

/* Waits until the writer is done with b, takes its counts and frees its
 * rows. -1 with err when the writer failed on it. */
static int writer_reap(struct writer *wr, struct run *r, struct batch *b, ob_error *err)
{
	int i, rc = 0;

	if (!b->queued)
		return 0;
	pthread_mutex_lock(&wr->mu);
	while (!b->written)
		pthread_cond_wait(&wr->fin, &wr->mu);
	pthread_mutex_unlock(&wr->mu);
	r->issued += b->issued;
	r->already += b->already;
	r->bad += b->bad;
	if (b->werr.code) {
		*err = b->werr;
		rc = -1;
	}
	for (i = 0; i < b->n; i++)
		item_release(&b->it[i]);
	b->n = 0;
	b->queued = b->written = 0;
	b->issued = b->already = b->bad = 0;
	memset(&b->werr, 0, sizeof(b->werr));
	progress(r, 0);
	return rc;
}

static ob_code finish_files(struct run *r, const char *mtmp, const char *mpath, ob_error *err)
{
	if (fflush(r->manifest) != 0 || fsync(fileno(r->manifest)) < 0)
		return ob_fail(err, OB_EIO, "cannot write '%s': %s", mtmp, strerror(errno));
	if (fclose(r->manifest) != 0) {
		r->manifest = NULL;
		return ob_fail(err, OB_EIO, "cannot write '%s': %s", mtmp, strerror(errno));
	}
	r->manifest = NULL;
	if (rename(mtmp, mpath) < 0)
		return ob_fail(err, OB_EIO, "cannot rename '%s': %s", mtmp, strerror(errno));
	if (r->mm) {
		int bad = fflush(r->mm) != 0 || fsync(fileno(r->mm)) < 0;
		bad |= fclose(r->mm) != 0;
		r->mm = NULL;
		if (bad || rename(r->mmtmp, r->o->mail_merge) < 0)
			return ob_fail(err, OB_EIO, "cannot write '%s': %s", r->o->mail_merge, strerror(errno));
		free(r->mmtmp);
		r->mmtmp = NULL;
	}
	/* one flush for every credential file written without fsync */
	if (syncfs(r->dirfd) < 0 || fsync(r->dirfd) < 0)
		return ob_fail(err, OB_EIO, "cannot sync '%s': %s", r->o->outdir, strerror(errno));
	return OB_OK;
}

/* Temp files a killed run left: their rows never committed (a committed
 * row's file is rewritten from the log), so they are no credentials. */
static ob_code remove_stale(int dirfd, const char *dir, ob_error *err)
{
	int fd = dup(dirfd);
	DIR *d;
	struct dirent *e;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return ob_fail(err, OB_EIO, "cannot read '%s': %s", dir, strerror(errno));
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, ".tmp-", 5))
			unlinkat(dirfd, e->d_name, 0);
	closedir(d);
	return OB_OK;
}

/* Opens the issuer, the roster and the output directory; takes the lock
 * and indexes row keys a killed run left pending, so every earlier row is
 * found. */
/* home/issue.lock, taken before the database is opened: a run holds the
 * database's lock from its first batch to its end (issuer_db_bulk), so a
 * second run that opened it first failed with "database is locked"
 * instead of waiting its turn. No lock when there is no issuer there:
 * issuer_open then says so. */
int issuer_home_lock(ob_error *err)
{
	issuer_state tmp = { 0 };
	struct stat sb;
	char *db;
	int fd = -2;

	if (!(tmp.home = ob_home_dir(issuer_home_opt, "OBKIT_ISSUER_HOME", "issuer", err)))
		return -1;
	if (!(db = issuer_db_where(tmp.home))) {
		free(tmp.home);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return -1;
	}
	/* PostgreSQL: processes issue side by side, each in its own blocks */
	if (!issuer_db_is_url(db) && stat(db, &sb) == 0)
		fd = issuer_lock(&tmp, err);
	free(db);
	free(tmp.home);
	return fd;
}

static ob_code lock_home(struct run *r, ob_error *err)
{
	if ((r->lockfd = issuer_home_lock(err)) == -1)
		return err->code;
	if (r->lockfd < 0)
		r->lockfd = -1;
	return OB_OK;
}

static ob_code mail_merge_open(struct run *r, ob_error *err)
{
	int fd;

	if (!(r->mmtmp = malloc(strlen(r->o->mail_merge) + 5)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	sprintf(r->mmtmp, "%s.tmp", r->o->mail_merge);
	if ((fd = open(r->mmtmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 ||
	    !(r->mm = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		ob_fail(err, OB_EIO, "cannot create '%s': %s", r->mmtmp, strerror(errno));
		free(r->mmtmp);
		r->mmtmp = NULL;
		return OB_EIO;
	}
	fputs("name,recipient,achievement,file,id,claim_url\r\n", r->mm);
	return OB_OK;
}

static ob_code run_open(struct run *r, ob_error *err)
{
	const roster_opts *o = r->o;
	char mname[64] = "manifest.jsonl", mtmpname[72];
	int mfd;

	if (lock_home(r, err) || issuer_open(&r->st, 1, err))
		return err->code;
	r->opened = 1;
	r->suite = o->suite ? o->suite : ob_issue_default_suite(r->st.key);
	if (!(r->ros = ob_roster_open_delim(o->roster, o->delim, err)) || issuer_db_bulk(r->st.db, err))
		return err->code;
	if (issuer_db_row_keys_merge(r->st.db, err) || catalog_load(&r->st, &r->cat, err) ||
	    roster_offered_load(r->st.db, &r->offered, err))
		return err->code;
	if (!o->no_status && (!(r->base = issuer_base_url(&r->st, err)) || status_alloc_load(&r->st, &r->sa, err)))
		return err->code;
	if (ob_mkdir_p(o->outdir, err))
		return err->code;
	if ((r->dirfd = open(o->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ob_fail(err, OB_EIO, "cannot open '%s': %s", o->outdir, strerror(errno));
	/* one run at a time writes into a directory (its stale temporary
	 * files are removed next, and the manifest is rewritten) */
	if (flock(r->dirfd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "%s: waiting for another run writing to %s\n", ob_cli_prog(), o->outdir);
		if (flock(r->dirfd, LOCK_EX) < 0)
			return ob_fail(err, OB_EIO, "cannot lock '%s': %s", o->outdir, strerror(errno));
	}
	if (remove_stale(r->dirfd, o->outdir, err))
		return err->code;
	/* --shard K/N: manifest-K-of-N.jsonl, so the shards' manifests can
	 * share a directory */
	if (o->shard_n)
		snprintf(mname, sizeof(mname), "manifest-%d-of-%d.jsonl", o->shard_k, o->shard_n);
	snprintf(mtmpname, sizeof(mtmpname), ".%s.tmp", mname);
	if (!(r->mtmp = issuer_path_join(o->outdir, mtmpname)) || !(r->mpath = issuer_path_join(o->outdir, mname)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if ((mfd = open(r->mtmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 ||
	    !(r->manifest = fdopen(mfd, "w"))) {
		if (mfd >= 0)
			close(mfd);
		return ob_fail(err, OB_EIO, "cannot create '%s': %s", r->mtmp, strerror(errno));
	}
	if (o->mail_merge && mail_merge_open(r, err))
		return err->code;
	r->tty = isatty(2);
	return OB_OK;
}

/* Every mutex and condition the threads share, before any thread runs. */
static void sync_init(struct run *r)
{
	pthread_mutex_init(&r->pool.mu, NULL);
	pthread_cond_init(&r->pool.work, NULL);
	pthread_cond_init(&r->pool.fin, NULL);
	pthread_mutex_init(&r->wr.mu, NULL);
	pthread_cond_init(&r->wr.work, NULL);
	pthread_cond_init(&r->wr.fin, NULL);
	r->sync_ready = 1;
}

/* The signing threads' own copies of what they read (jansson refcounts
 * are not shared across threads) and their packers. */
static ob_code workers_make(struct run *r, ob_error *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k;
	int i;

	r->nw = r->o->jobs ? r->o->jobs : (ncpu > 0 ? (int)(ncpu > 64 ? 64 : ncpu) : 1);
	if (!(r->w = calloc((size_t)r->nw, sizeof(*r->w))))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < r->nw; i++) {
		struct worker *w = &r->w[i];
		w->p = &r->pool;
		w->profile = json_deep_copy(r->st.profile);
		w->ach = calloc(r->cat.n ? r->cat.n : 1, sizeof(json_t *));
		if (!w->profile || !w->ach)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		w->nach = r->cat.n;
		if (r->dict.len && !(w->pack = logpack_new(r->dict.data, r->dict.len)))
			return ob_fail(err, OB_ENOMEM, "out of memory");
		for (k = 0; k < r->cat.n; k++)
			if (!(w->ach[k] = json_deep_copy(r->cat.obj[k])))
				return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

static ob_code threads_start(struct run *r, ob_error *err)
{
	int i;

	r->pool.o = r->o;
	r->pool.key = r->st.key;
	r->pool.vm = r->st.vm;
	r->pool.base = r->base;
	r->wr.r = r;
	sync_init(r);
	make_dict(r, &r->pool);
	if (workers_make(r, err))
		return err->code;
	for (i = 0; i < r->nw; i++, r->started++)
		if (pthread_create(&r->w[i].th, NULL, worker_main, &r->w[i]) != 0)
			return ob_fail(err, OB_ENOMEM, "cannot start a signing thread");
	if (pthread_create(&r->wr.th, NULL, writer_main, &r->wr) != 0)
		return ob_fail(err, OB_ENOMEM, "cannot start the writing thread");
	r->writer_started = 1;
	return OB_OK;
}

static void batch_clear(struct batch *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		item_release(&b->it[i]);
	b->n = 0;
}

/* Up to INFLIGHT batches: the threads sign the newer ones while this
 * thread logs the oldest and the writer writes out the ones logged. */
static ob_code pipeline(struct run *r, ob_error *err)
{
	struct batch *b;

	for (;;) {
		while (!r->eof && r->inflight < INFLIGHT) {
			b = &r->bt[(r->head + r->inflight) % INFLIGHT];
			if (writer_reap(&r->wr, r, b, err) < 0)
				return err->code;
			if (fill(r, b, err) < 0) {
				batch_clear(b);
				return err->code;
			}
			if (!b->n)
				break;
			post(&r->pool, b);
			r->inflight++;
		}
		if (!r->inflight)
			return OB_OK;
		b = &r->bt[r->head];
		wait_done(&r->pool, b);
		r->head = (r->head + 1) % INFLIGHT;
		r->inflight--;
		if (finalize_db(r, b, err) < 0) {
			batch_clear(b);
			return err->code;
		}
		writer_post(&r->wr, b);
	}
}

/* After the last batch: every file written, the run's row keys indexed,
 * the manifest in place, all of it on disk. */
static ob_code run_finish(struct run *r, ob_error *err)
{
	int i;

	for (i = 0; i < INFLIGHT; i++)
		if (writer_reap(&r->wr, r, &r->bt[i], err) < 0)
			return err->code;
	if (issuer_db_row_keys_merge(r->st.db, err))
		return err->code;
	progress(r, 1);
	return finish_files(r, r->mtmp, r->mpath, err);
}

/* Stops the threads: what was logged is written (or left for the next
 * run), what is being signed is finished and dropped. */
static void threads_stop(struct run *r)
{
	ob_error e2 = { 0 };
	int i;

	if (r->writer_started) {
		for (i = 0; i < INFLIGHT; i++)
			writer_reap(&r->wr, r, &r->bt[i], &e2);
		pthread_mutex_lock(&r->wr.mu);
		r->wr.stop = 1;
		pthread_cond_broadcast(&r->wr.work);
		pthread_mutex_unlock(&r->wr.mu);
		pthread_join(r->wr.th, NULL);
	}
	if (!r->sync_ready)
		return;
	for (i = 0; i < r->inflight; i++)
		wait_done(&r->pool, &r->bt[(r->head + i) % INFLIGHT]);
	pthread_mutex_lock(&r->pool.mu);
	r->pool.stop = 1;
	pthread_cond_broadcast(&r->pool.work);
	while (r->pool.parked < r->started)
		pthread_cond_wait(&r->pool.fin, &r->pool.mu);
	pthread_mutex_unlock(&r->pool.mu);
	for (i = 0; i < r->started; i++)
		pthread_join(r->w[i].th, NULL);
	for (i = 0; i < r->inflight; i++)
		batch_clear(&r->bt[(r->head + i) % INFLIGHT]);
	pthread_mutex_destroy(&r->pool.mu);
	pthread_cond_destroy(&r->pool.work);
	pthread_cond_destroy(&r->pool.fin);
	pthread_mutex_destroy(&r->wr.mu);
	pthread_cond_destroy(&r->wr.work);
	pthread_cond_destroy(&r->wr.fin);
}

static void run_close(struct run *r)
{
	size_t k;
	int i;

	for (i = 0; r->w && i < r->nw; i++) {
		json_decref(r->w[i].profile);
		for (k = 0; r->w[i].ach && k < r->w[i].nach; k++)
			json_decref(r->w[i].ach[k]);
		free(r->w[i].ach);
		logpack_free(r->w[i].pack);
		ob_buf_release(&r->w[i].scratch);
	}
	free(r->w);
	if (r->manifest)
		fclose(r->manifest);
	if (r->mm)
		fclose(r->mm);
	if (r->mmtmp) /* a failed run leaves the old mail merge as it was */
		unlink(r->mmtmp);
	free(r->mmtmp);
	if (r->dirfd >= 0)
		close(r->dirfd);
	if (r->lockfd >= 0)
		close(r->lockfd);
	status_alloc_release(&r->sa);
	catalog_free(&r->cat);
	roster_offered_free(&r->offered);
	ob_roster_close(r->ros);
	rowseen_release(&r->seen);
	free(r->base);
	ob_buf_release(&r->dict);
	free(r->mtmp);
	free(r->mpath);
	if (r->opened)
		issuer_close(&r->st);
	free(r);
}

/* --json: the run's summary as one object on stdout. */
static void summary_json(const struct run *r, double secs)
{
	const roster_opts *o = r->o;
	json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:f}", "roster", o->roster, "manifest", r->mpath,
			      "rows", (json_int_t)r->rows, "issued", (json_int_t)r->issued, "alreadyIssued",
			      (json_int_t)r->already, "bad", (json_int_t)r->bad, "seconds", secs);
	char *s = NULL;

	if (j && o->mail_merge)
		json_object_set_new(j, "mailMerge", json_string(o->mail_merge));
	if (j && o->shard_n)
		json_object_set_new(j, "shard", json_pack("{s:i, s:i}", "k", o->shard_k, "n", o->shard_n));
	if (j && (s = ob_json_dumps(j, OB_JSON_PRETTY)))
		printf("%s\n", s);
	else
		fprintf(stderr, "%s: out of memory\n", ob_cli_prog());
	free(s);
	json_decref(j);
}

int issuer_roster_run(const roster_opts *o)
{
	struct run *r = calloc(1, sizeof(*r));
	ob_error err = { 0 };
	double t;
	int rc;

	if (!r) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		return ob_cli_fail(&err);
	}
	r->o = o;
	r->dirfd = r->lockfd = -1;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	if (run_open(r, &err) || threads_start(r, &err) || pipeline(r, &err) || run_finish(r, &err)) {
		if (r->tty && r->rows)
			fputc('\n', stderr);
		rc = ob_cli_fail(&err);
	} else {
		t = elapsed(r);
		fprintf(stderr, "%s: %lu rows: %lu issued, %lu already issued, %lu bad; %.2f s, %.0f credentials/s\n",
			ob_cli_prog(), r->rows, r->issued, r->already, r->bad, t, t > 0 ? (double)r->issued / t : 0.0);
		if (o->shard_n)
			fprintf(stderr, "%s: those are shard %d/%d's rows of %s\n", ob_cli_prog(), o->shard_k,
				o->shard_n, o->roster);
		if (o->mail_merge)
			fprintf(stderr, "%s: mail merge: %s (%lu rows)\n", ob_cli_prog(), o->mail_merge, r->mmrows);
		if (o->json)
			summary_json(r, t);
		else
			printf("%s\n", r->mpath);
		rc = r->bad ? 1 : 0;
	}
	threads_stop(r);
	run_close(r);
	return rc;
}
