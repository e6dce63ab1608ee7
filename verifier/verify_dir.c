/* `verify DIR`: a pool of threads verifies the files, a window of slots
 * puts their rows back in name order, and the main thread writes each row
 * as soon as it and those before it are done. Nothing about a file is
 * kept once its row is out but the counts the summary needs. The status
 * lists the credentials point at are verified once for the run
 * (ob_verify_cache); the loader, which is not thread-safe, is shared
 * behind a mutex (it is asked little: did:key needs no document and the
 * contexts are the shipped ones, kept per thread by the suites).
 *
 * Output is byte for byte what one thread produced: text rows go to
 * stdout as they come (after the report when there is one: a report that
 * cannot be written still leaves stdout empty); the JSON summary starts
 * with the counts, so its rows wait in an unlinked temporary file until
 * the end, as do the report's. */
#include "verify_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/doc.h"
#include "base/fsutil.h"
#include "base/text.h"
#include "canon/jcs.h"
#include "cli/cli.h"
#include "proof/suite.h"

/* A directory holds at most this many files to verify. */
#define MAX_FILES 100000
#define MAX_JOBS 256
/* files a thread takes at a time; the window holds four batches a thread */
#define BATCH 8

/* ---- the rows ---- */

static const char *row_verdict(const struct vrow *w)
{
	return w->r ? ob_verdict_name(w->r->verdict) : "undecided";
}

static int row_exit(const struct vrow *w)
{
	return w->r ? ob_report_exit_code(w->r) : 3;
}

/* "id: message" of the check that decided the verdict, or "". */
static void row_problem(const struct vrow *w, char *buf, size_t n)
{
	const ob_check *c;

	buf[0] = '\0';
	if (!w->r)
		snprintf(buf, n, "input: %s", w->err.msg);
	else if ((c = ob_report_first_problem(w->r)))
		snprintf(buf, n, "%s: %s", c->id ? c->id : "", c->message ? c->message : "");
}

/* "verdict   name  why" and a newline. -1 when out of memory. */
static int row_text(const struct vrow *w, ob_buf *o)
{
	char why[600], *name = ob_text_safe(w->name), *reason;

	row_problem(w, why, sizeof(why));
	reason = ob_text_safe(why);
	ob_buf_addf(o, "%-9s %s%s%s\n", row_verdict(w), name ? name : "?", why[0] ? "  " : "",
		    reason ? reason : "");
	free(name);
	free(reason);
	return o->oom ? -1 : 0;
}

/* RFC 4180 field. A field a spreadsheet would run as a formula (= + - @,
 * or a leading tab or CR) gets a leading apostrophe (OWASP CSV
 * injection): the report is meant to be opened in one. */
static void csv_field(ob_buf *o, const char *s, int last)
{
	const char *p;
	char *safe;

	if (!s)
		s = "";
	ob_buf_addc(o, '"');
	if (strchr("=+-@\t\r", s[0]) && s[0])
		ob_buf_addc(o, '\'');
	/* control characters escaped: a name cannot break a row or a line */
	if (!(safe = ob_text_safe(s))) {
		o->oom = 1;
		return;
	}
	for (p = safe; *p; p++) {
		if (*p == '"')
			ob_buf_addc(o, '"');
		ob_buf_addc(o, *p);
	}
	free(safe);
	ob_buf_adds(o, last ? "\"\r\n" : "\",");
}

#define CSV_HEAD "file,verdict,kind,issuer,issuer_name,achievement,learner,first_failing_check\r\n"

static int row_csv(const struct vrow *w, ob_buf *o)
{
	const ob_report *r = w->r;
	char why[600];

	row_problem(w, why, sizeof(why));
	csv_field(o, w->name, 0);
	csv_field(o, row_verdict(w), 0);
	csv_field(o, r ? r->kind : "", 0);
	csv_field(o, r ? r->issuer_id : NULL, 0);
	csv_field(o, r ? r->issuer_name : NULL, 0);
	csv_field(o, r ? r->achievement_name : NULL, 0);
	csv_field(o, r ? r->learner : NULL, 0);
	csv_field(o, why, 1);
	return o->oom ? -1 : 0;
}

static int set_opt(json_t *o, const char *k, const char *v)
{
	return v ? json_object_set_new(o, k, json_string(v)) : 0;
}

/* The row's member of the summary's "results", pretty-printed where it
 * sits (two levels deep), without the separator before it. */
static int row_json(const struct vrow *w, ob_buf *o)
{
	const ob_report *r = w->r;
	json_t *j = json_object();
	ob_buf t = OB_BUF_INIT;
	char why[600];
	size_t i;
	int bad = !j;

	row_problem(w, why, sizeof(why));
	bad |= set_opt(j, "file", w->name);
	bad |= set_opt(j, "verdict", row_verdict(w));
	if (r) {
		bad |= set_opt(j, "kind", r->kind);
		bad |= set_opt(j, "issuer", r->issuer_id);
		bad |= set_opt(j, "issuerName", r->issuer_name);
		bad |= set_opt(j, "achievement", r->achievement_name);
		bad |= set_opt(j, "learner", r->learner);
	}
	bad |= set_opt(j, "firstFailingCheck", why[0] ? why : NULL);
	if (r)
		bad |= json_object_set_new(j, "result", ob_report_to_json(r));
	bad |= bad || ob_json_write(&t, j, OB_JSON_PRETTY) < 0;
	/* strings escape their newlines: every one here is layout */
	for (i = 0; !bad && i < t.len; i++)
		if (t.data[i] == '\n')
			ob_buf_adds(o, "\n    ");
		else
			ob_buf_addc(o, t.data[i]);
	json_decref(j);
	ob_buf_release(&t);
	return bad || o->oom ? -1 : 0;
}

/* The summary object up to its "results" array, as the pretty writer
 * puts {"files", "valid", "invalid", "undecided", "results"}. */
static void json_head(ob_buf *o, size_t files, const size_t counts[3])
{
	ob_buf_addf(o, "{\n  \"files\": %zu,\n  \"valid\": %zu,\n  \"invalid\": %zu,\n"
		    "  \"undecided\": %zu,\n  \"results\": %s", files, counts[OB_VALID],
		    counts[OB_INVALID], counts[OB_UNDECIDED], files ? "[" : "[]");
}

static void json_tail(ob_buf *o, size_t files)
{
	ob_buf_adds(o, files ? "\n  ]\n}\n" : "\n}\n");
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* ---- spools: what must wait for the end, on disk ---- */

static int spool_put(FILE *f, const ob_buf *b)
{
	return b->len && fwrite(b->data, 1, b->len, f) != b->len ? -1 : 0;
}

/* Copies the spool to fd or to out (fd < 0). -1 with errno. */
static int spool_copy(FILE *f, int fd, FILE *out)
{
	char buf[65536];
	size_t n, off;
	ssize_t w;

	if (fflush(f) || fseek(f, 0, SEEK_SET))
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (fd < 0) {
			if (fwrite(buf, 1, n, out) != n)
				return -1;
			continue;
		}
		for (off = 0; off < n; off += (size_t)w)
			if ((w = write(fd, buf + off, n - off)) < 0) {
				if (errno != EINTR)
					return -1;
				w = 0;
			}
	}
	return ferror(f) ? -1 : 0;
}

static int write_all(int fd, const ob_buf *b)
{
	size_t off = 0;
	ssize_t w;

	while (off < b->len)
		if ((w = write(fd, b->data + off, b->len - off)) >= 0)
			off += (size_t)w;
		else if (errno != EINTR)
			return -1;
	return 0;
}

struct report_parts {
	const ob_buf *head, *tail;
	FILE *spool;
};

static int fill_report(int fd, void *ctx)
{
	const struct report_parts *r = ctx;

	if (write_all(fd, r->head) < 0 || (r->spool && spool_copy(r->spool, fd, NULL) < 0) ||
	    write_all(fd, r->tail) < 0)
		return -1;
	return 0;
}

/* head, the spool and tail written atomically (mode 0644, replacing): the
 * report is written as a whole or not at all. */
static ob_code write_report_file(const char *path, const ob_buf *head, FILE *spool,
				 const ob_buf *tail, ob_error *err)
{
	struct report_parts r = { head, tail, spool };

	return ob_write_file_atomic_fn(path, 0644, 1, fill_report, &r, err);
}

int vdir_report_one(const char *path, const struct vrow *w)
{
	ob_buf head = OB_BUF_INIT, tail = OB_BUF_INIT;
	ob_error err = { 0 };
	size_t counts[3] = { 0, 0, 0 };
	int rc = 0;

	counts[w->r ? w->r->verdict : OB_UNDECIDED]++;
	if (ends_with(path, ".json")) {
		json_head(&head, 1, counts);
		ob_buf_adds(&head, "\n    ");
		if (row_json(w, &head) < 0)
			head.oom = 1;
		json_tail(&tail, 1);
	} else {
		ob_buf_adds(&head, CSV_HEAD);
		if (row_csv(w, &head) < 0)
			head.oom = 1;
	}
	if (head.oom || tail.oom)
		rc = ob_cli_errorf(3, "out of memory");
	else if (write_report_file(path, &head, NULL, &tail, &err))
		rc = ob_cli_fail(&err);
	ob_buf_release(&head);
	ob_buf_release(&tail);
	return rc;
}

/* ---- the loader, shared ---- */

struct locked_loader {
	ob_loader base;
	ob_loader *inner;
	pthread_mutex_t mu;
};

static const json_t *locked_get(ob_loader *l, const char *url, ob_error *err)
{
	struct locked_loader *k = (struct locked_loader *)l;
	const json_t *d;

	pthread_mutex_lock(&k->mu);
	d = k->inner->ops->get(k->inner, url, err);
	pthread_mutex_unlock(&k->mu);
	return d;
}

static const json_t *locked_get_remote(ob_loader *l, const char *url, ob_error *err)
{
	struct locked_loader *k = (struct locked_loader *)l;
	const json_t *d;

	pthread_mutex_lock(&k->mu);
	d = k->inner->ops->get_remote(k->inner, url, err);
	pthread_mutex_unlock(&k->mu);
	return d;
}

static ob_code locked_fetch(ob_loader *l, const char *url, ob_buf *out, ob_error *err)
{
	struct locked_loader *k = (struct locked_loader *)l;
	ob_code rc;

	pthread_mutex_lock(&k->mu);
	rc = k->inner->ops->fetch(k->inner, url, out, err);
	pthread_mutex_unlock(&k->mu);
	return rc;
}

/* The inner loader is the caller's; this only stops sharing it. */
static void locked_free(ob_loader *l)
{
	(void)l;
}

static const struct ob_loader_ops locked_ops = {
	.get = locked_get,
	.get_remote = locked_get_remote,
	.fetch = locked_fetch,
	.free = locked_free,
};

/* ---- the files ---- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir (hidden ones skipped), sorted by name. */
static int list_dir(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, *path;
	size_t cap = 0;
	struct stat st;

	*n = 0;
	if (!d)
		return ob_cli_errorf(3, "cannot open directory '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!(path = ob_path_join(dir, de->d_name)))
			goto oom;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		free(path);
		if (*n >= MAX_FILES) {
			closedir(d);
			*names = v;
			return ob_cli_errorf(2, "'%s' holds more than %d files", dir, MAX_FILES);
		}
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));
			if (!nv)
				goto oom;
			v = nv;
		}
		if (!(v[*n] = strdup(de->d_name)))
			goto oom;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	*names = v;
	return 0;
oom:
	closedir(d);
	*names = v;
	return ob_cli_errorf(3, "out of memory");
}

/* ---- the pool ---- */

/* One file's row, rendered by the thread that verified it. */
struct slot {
	int done;
	ob_error fatal;     /* code set: stop here */
	int verdict, exit;
	ob_buf text, csv, json;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t done, room;
	struct slot *win;   /* file i waits in win[i % nwin] */
	size_t nwin, next, out, n;
	int stop, waiting, main_waits;
	/* read-only while the threads run */
	const char *dir;
	char **names;
	ob_verify_opts vo;
	int want_text, want_csv, want_json;
};

static void slot_fill(struct pool *p, size_t i, struct slot *s)
{
	struct vrow w;
	char *path = ob_path_join(p->dir, p->names[i]);

	memset(&w, 0, sizeof(w));
	if (!path) {
		ob_fail(&s->fatal, OB_ENOMEM, "out of memory");
		return;
	}
	if (!vrow_verify(path, p->names[i], &p->vo, &w, &s->fatal)) {
		s->verdict = w.r ? (int)w.r->verdict : OB_UNDECIDED;
		s->exit = row_exit(&w);
		if ((p->want_text && row_text(&w, &s->text) < 0) ||
		    (p->want_csv && row_csv(&w, &s->csv) < 0) ||
		    (p->want_json && row_json(&w, &s->json) < 0))
			ob_fail(&s->fatal, OB_ENOMEM, "out of memory");
	}
	vrow_release(&w);
	free(path);
}

/* Whether a thread may take the next files: a batch of them fits in the
 * window (or what is left does). */
static int room_for_batch(const struct pool *p)
{
	size_t want = p->n - p->next < BATCH ? p->n - p->next : BATCH;

	return p->next + want <= p->out + p->nwin;
}

/* Takes files BATCH at a time and says so once a batch: a wake-up per
 * file cost as much as a tenth of the run. */
static void *worker_main(void *arg)
{
	struct pool *p = arg;
	size_t i, first, last;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->next < p->n && !room_for_batch(p)) {
			p->waiting++;
			pthread_cond_wait(&p->room, &p->mu);
			p->waiting--;
		}
		if (p->stop || p->next >= p->n)
			break;
		first = p->next;
		last = p->n - first < BATCH ? p->n : first + BATCH;
		p->next = last;
		pthread_mutex_unlock(&p->mu);
		for (i = first; i < last; i++)
			slot_fill(p, i, &p->win[i % p->nwin]);
		pthread_mutex_lock(&p->mu);
		for (i = first; i < last; i++)
			p->win[i % p->nwin].done = 1;
		if (p->main_waits)
			pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	/* the rdfc suite's per-thread JSON-LD processor */
	ob_suite_thread_release();
	return NULL;
}

/* OBKIT_VERIFY_JOBS, else the cores (at most 64); never more than files. */
static int jobs(size_t n, int *nw)
{
	const char *env = getenv("OBKIT_VERIFY_JOBS");
	long v = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;

	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (errno || *end || v < 1 || v > MAX_JOBS)
			return ob_cli_usage(ob_cli_current(), "OBKIT_VERIFY_JOBS wants a number from 1 to %d, got '%s'",
					    MAX_JOBS, env);
	} else if (v < 1) {
		v = 1;
	} else if (v > 64) {
		v = 64;
	}
	*nw = (size_t)v > n ? (int)(n ? n : 1) : (int)v;
	return 0;
}

/* What the main thread keeps while rows go out. */
struct sink {
	const char *report;
	int as_json, quiet, report_json;
	FILE *text, *csv, *json;  /* spools, NULL when not wanted */
	size_t counts[3];
	int any_invalid, any_undecided;
};

/* Writes one row where it goes. 0, or -1 with errno (a spool). */
static int sink_row(struct sink *k, const struct slot *s, size_t i)
{
	k->counts[s->verdict]++;
	k->any_invalid |= s->exit == 1;
	k->any_undecided |= s->exit != 0 && s->exit != 1;
	if (k->json && (fputs(i ? ",\n    " : "\n    ", k->json) < 0 || spool_put(k->json, &s->json) < 0))
		return -1;
	if (k->csv && spool_put(k->csv, &s->csv) < 0)
		return -1;
	if (k->text)
		return spool_put(k->text, &s->text);
	if (s->text.len)
		fwrite(s->text.data, 1, s->text.len, stdout);
	return 0;
}

static void slot_clear(struct slot *s)
{
	ob_buf_release(&s->text);
	ob_buf_release(&s->csv);
	ob_buf_release(&s->json);
	memset(s, 0, sizeof(*s));
}

/* Starts the threads, takes the rows in order into k, stops the threads.
 * 0 or the exit code, reported. */
static int run_pool(struct pool *p, int nw, struct sink *k)
{
	pthread_t *th = calloc((size_t)nw, sizeof(*th));
	ob_error fatal = { 0 };
	int started = 0, rc = 0, i;
	size_t f;

	if (!th)
		return ob_cli_errorf(3, "out of memory");
	for (i = 0; i < nw; i++, started++)
		if (pthread_create(&th[i], NULL, worker_main, p)) {
			ob_fail(&fatal, OB_ENOMEM, "cannot start a verifying thread");
			break;
		}
	for (f = 0; !fatal.code && started && f < p->n; f++) {
		struct slot *s = &p->win[f % p->nwin];
		pthread_mutex_lock(&p->mu);
		while (!s->done) {
			p->main_waits = 1;
			pthread_cond_wait(&p->done, &p->mu);
		}
		p->main_waits = 0;
		pthread_mutex_unlock(&p->mu);
		if (s->fatal.code)
			fatal = s->fatal;
		else if (sink_row(k, s, f) < 0)
			ob_fail(&fatal, OB_EIO, "cannot write a temporary file: %s", strerror(errno));
		slot_clear(s);
		free(p->names[f]);
		p->names[f] = NULL;
		pthread_mutex_lock(&p->mu);
		p->out++;
		if (p->waiting)
			pthread_cond_broadcast(&p->room);
		pthread_mutex_unlock(&p->mu);
	}
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	if (fatal.code)
		rc = ob_cli_fail(&fatal);
	return rc;
}

/* The report, then stdout, then the note on stderr. */
static int finish(struct sink *k, size_t n)
{
	ob_buf head = OB_BUF_INIT, tail = OB_BUF_INIT, none = OB_BUF_INIT, csv_head = OB_BUF_INIT;
	ob_error err = { 0 };
	int rc = 0;

	if (k->report_json || k->as_json) {
		json_head(&head, n, k->counts);
		json_tail(&tail, n);
	}
	ob_buf_adds(&csv_head, CSV_HEAD);
	if (head.oom || tail.oom || csv_head.oom) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	if (k->report && (k->report_json ? write_report_file(k->report, &head, k->json, &tail, &err) :
			  write_report_file(k->report, &csv_head, k->csv, &none, &err))) {
		rc = ob_cli_fail(&err);
		goto out;
	}
	if (k->as_json) {
		fwrite(head.data, 1, head.len, stdout);
		if (spool_copy(k->json, -1, stdout) < 0) {
			rc = ob_cli_errorf(3, "cannot read a temporary file: %s", strerror(errno));
			goto out;
		}
		fwrite(tail.data, 1, tail.len, stdout);
	} else if (k->text && spool_copy(k->text, -1, stdout) < 0) {
		rc = ob_cli_errorf(3, "cannot read a temporary file: %s", strerror(errno));
		goto out;
	}
	if (!k->quiet && k->report)
		fprintf(stderr, "%s: %zu file%s verified, report in %s\n", ob_cli_prog(), n,
			n == 1 ? "" : "s", k->report);
	rc = k->any_invalid ? 1 : k->any_undecided ? 3 : 0;
out:
	ob_buf_release(&head);
	ob_buf_release(&tail);
	ob_buf_release(&csv_head);
	return rc;
}

/* The spools this run needs: JSON rows for --json or a JSON report, CSV
 * rows for a CSV report, text rows when a report must go out first. */
static int open_spools(struct sink *k)
{
	if (((k->as_json || k->report_json) && !(k->json = tmpfile())) ||
	    (k->report && !k->report_json && !(k->csv = tmpfile())) ||
	    (k->report && !k->as_json && !k->quiet && !(k->text = tmpfile())))
		return ob_cli_errorf(3, "cannot create a temporary file: %s", strerror(errno));
	return 0;
}

int vdir_verify(const char *dir, const ob_verify_opts *vo, const char *report, int as_json, int quiet)
{
	struct locked_loader shared = { .base = { &locked_ops } };
	struct sink k;
	struct pool p;
	size_t i;
	int rc, nw = 1, mu = 0;

	memset(&k, 0, sizeof(k));
	memset(&p, 0, sizeof(p));
	k.report = report;
	k.as_json = as_json;
	k.quiet = quiet;
	k.report_json = report && ends_with(report, ".json");
	if ((rc = list_dir(dir, &p.names, &p.n)) || (rc = jobs(p.n, &nw)) || (rc = open_spools(&k)))
		goto out;
	p.dir = dir;
	p.vo = *vo;
	p.want_text = !as_json && !quiet;
	p.want_csv = k.csv != NULL;
	p.want_json = k.json != NULL;
	p.nwin = (size_t)nw * BATCH * 4;
	if (!(p.win = calloc(p.nwin, sizeof(*p.win))) || !(p.vo.cache = ob_verify_cache_new())) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	if (vo->loader) {
		shared.inner = vo->loader;
		p.vo.loader = &shared.base;
	}
	pthread_mutex_init(&shared.mu, NULL);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.done, NULL);
	pthread_cond_init(&p.room, NULL);
	mu = 1;
	if (!(rc = run_pool(&p, nw, &k)))
		rc = finish(&k, p.n);
out:
	if (mu) {
		pthread_cond_destroy(&p.room);
		pthread_cond_destroy(&p.done);
		pthread_mutex_destroy(&p.mu);
		pthread_mutex_destroy(&shared.mu);
	}
	ob_verify_cache_free(p.vo.cache);
	for (i = 0; p.win && i < p.nwin; i++)
		slot_clear(&p.win[i]);
	free(p.win);
	for (i = 0; p.names && i < p.n; i++)
		free(p.names[i]);
	free(p.names);
	if (k.text)
		fclose(k.text);
	if (k.csv)
		fclose(k.csv);
	if (k.json)
		fclose(k.json);
	return rc;
}
