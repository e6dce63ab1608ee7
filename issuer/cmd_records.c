/* list, show, export: the registrar's records, read from the issuance log.
 *
 * Every credential the issuer signed is in the log with its text (a
 * roster's packed against the run's dictionary, logpack.h), so a lost
 * file is never lost: `export` writes it again, byte for byte as issued.
 * An id may be given by any unique start of it, with or without
 * "urn:uuid:" (as git takes a commit); an ambiguous one lists the
 * candidates. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/certificate.h"
#include "cli/cli.h"
#include "io/loader.h"
#include "io/qr.h"
#include "proof/did.h"
#include "vc/verify.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "canon/jcs.h"
#include "csv_out.h"
#include "io/roster.h"
#include "issuer.h"
#include "roster.h"
#include "records.h"
#include "specs.h"

#define CANDIDATES 10 /* ambiguous ids listed at most */

/* What list and export --all are asked for. */
struct query {
	issuer_log_filter f;
	const char *roster, *tz;
	char delim;
	char since[32], before[32];
	const char *since_arg, *before_arg;
	char **ids; /* --roster: its rows' credential ids, sorted */
	size_t nids;
};

/* Opens the issuer's home for reading, after any issue run: a roster run
 * keeps the database locked from its first batch to its end, so a reader
 * would fail with "database is locked"; this one waits its turn
 * (home/issue.lock, saying so) and holds the lock while it reads. *lockfd
 * is closed by records_close. */
static ob_code records_open(issuer_state *st, int *lockfd, ob_error *err)
{
	if ((*lockfd = issuer_home_lock(err)) == -1)
		return err->code;
	return issuer_open(st, 0, err);
}

static void records_close(issuer_state *st, int lockfd)
{
	issuer_close(st);
	if (lockfd >= 0)
		close(lockfd);
}

static const char *state_of(const issuer_log_entry *e)
{
	return e->revoked ? "revoked" : e->suspended ? "suspended" : "active";
}

/* The name a credential file gets, as issue --roster names it. */
static void file_name(const char *id, const char *text, char *buf, size_t n)
{
	if (!strncmp(id, "urn:uuid:", 9))
		id += 9;
	snprintf(buf, n, "%s.%s", id, text && text[0] != '{' ? "jwt" : "json");
}

/* ---- options the record commands share ---- */

enum { O_RECIPIENT = 1000, O_ACH, O_SINCE, O_BEFORE, O_STATE, O_ROSTER, O_DELIM, O_TZ };

#define FILTER_OPTS \
	{ "recipient", 0, "R", "only those issued to R (a DID or e-mail)", O_RECIPIENT, 0 }, \
	{ "achievement", 0, "ID", "only those of achievement ID", O_ACH, 0 }, \
	{ "since", 0, "T", "only those issued at T or later", O_SINCE, 0 }, \
	{ "before", 0, "T", "only those issued before T", O_BEFORE, 0 }, \
	{ "state", 0, "active|revoked|suspended", "only those in this state", O_STATE, 0 }, \
	{ "roster", 0, "FILE.csv", "only those issued from this roster's rows", O_ROSTER, 0 }, \
	{ "delimiter", 0, ",|;|tab", "the roster's delimiter (default: detected)", O_DELIM, 0 }, \
	{ "timezone", 0, "ZONE", "plain dates are midnight in ZONE (default UTC)", O_TZ, 0 }

/* Takes filter option c. 1: taken, 0: not a filter option, or the exit
 * code (2) of a usage error as -2. */
static int filter_opt(struct query *q, int c, const char *arg)
{
	switch (c) {
	case O_RECIPIENT: q->f.recipient = arg; return 1;
	case O_ACH: q->f.achievement = arg; return 1;
	case O_SINCE: q->since_arg = arg; return 1;
	case O_BEFORE: q->before_arg = arg; return 1;
	case O_ROSTER: q->roster = arg; return 1;
	case O_STATE:
		q->f.state = !strcmp(arg, "active") ? ISSUER_ACTIVE : !strcmp(arg, "revoked") ? ISSUER_REVOKED :
			     !strcmp(arg, "suspended") ? ISSUER_SUSPENDED : -1;
		if (q->f.state < 0)
			return ob_cli_usage(ob_cli_current(), "unknown --state '%s' (active, revoked or suspended)", arg), -2;
		return 1;
	case O_DELIM:
		q->delim = !strcmp(arg, ",") ? ',' : !strcmp(arg, ";") ? ';' :
			   !strcmp(arg, "tab") || !strcmp(arg, "\t") || !strcmp(arg, "\\t") ? '\t' : 0;
		if (!q->delim)
			return ob_cli_usage(ob_cli_current(), "unknown --delimiter '%s' (',' ';' or tab)", arg), -2;
		return 1;
	case O_TZ:
		if (!ob_roster_tz_ok(arg))
			return ob_cli_usage(ob_cli_current(), "unknown --timezone '%s' (UTC, +02:00, or a name such as Europe/Berlin)",
					    arg), -2;
		q->tz = arg;
		return 1;
	}
	return 0;
}

/* A --since/--before value as the log writes times; -1 when not a date. */
static int bound(const char *arg, const char *tz, char out[32])
{
	time_t t;
	int rc = ob_roster_date(arg, tz, out);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (ob_date_parse(arg, &t, NULL) < 0)
			return -1;
		ob_date_format(t, out);
	}
	return 0;
}

/* After the options: the date bounds (in --timezone, read after all the
 * options). 0, or the usage exit code. */
static int filter_finish(struct query *q)
{
	if (q->since_arg && bound(q->since_arg, q->tz, q->since) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --since '%s' (want 2026-06-01 or 2026-06-01T12:00:00Z)",
				    q->since_arg);
	if (q->before_arg && bound(q->before_arg, q->tz, q->before) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --before '%s' (want 2026-06-01 or 2026-06-01T12:00:00Z)",
				    q->before_arg);
	ob_roster_tz_use(q->tz);
	if (q->since_arg)
		q->f.since = q->since;
	if (q->before_arg)
		q->f.before = q->before;
	if ((q->delim || q->tz) && !q->roster && !q->since_arg && !q->before_arg)
		return ob_cli_usage(ob_cli_current(), "%s goes with --roster%s", q->delim ? "--delimiter" : "--timezone",
				    q->delim ? "" : ", --since or --before");
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void query_release(struct query *q)
{
	size_t i;

	for (i = 0; i < q->nids; i++)
		free(q->ids[i]);
	free(q->ids);
	q->ids = NULL;
	q->nids = 0;
}

/* --roster: the credential ids of the roster's rows, found by their row
 * keys as issue --roster logged them (a row never issued, or bad, has
 * none). */
static ob_code roster_ids(issuer_state *st, struct query *q, ob_error *err)
{
	ob_roster *ros = ob_roster_open_delim(q->roster, q->delim, err);
	ob_roster_row row;
	ob_buf text = OB_BUF_INIT;
	ob_error e;
	unsigned char key[32];
	char vbuf[32], *id;
	size_t cap = 0;
	long list, idx;
	int rc, found;
	ob_code code = OB_OK;

	if (!ros)
		return err->code;
	for (;;) {
		memset(&e, 0, sizeof(e));
		if ((rc = ob_roster_next(ros, &row, &e)) == 0)
			break;
		if (rc == -2) {
			code = ob_fail(err, e.code, "%s", e.msg);
			break;
		}
		if (rc < 0 || issuer_roster_row_normalize(&row, q->tz, vbuf) < 0)
			continue;
		ob_roster_row_key(&row, key);
		ob_buf_truncate(&text, 0);
		if ((code = issuer_db_log_find_row(st->db, key, &found, &id, &text, &list, &idx, err)))
			break;
		if (!found)
			continue;
		if (q->nids == cap) {
			char **n = realloc(q->ids, (cap ? cap * 2 : 64) * sizeof(*n));
			if (!n) {
				free(id);
				code = ob_fail(err, OB_ENOMEM, "out of memory");
				break;
			}
			q->ids = n;
			cap = cap ? cap * 2 : 64;
		}
		q->ids[q->nids++] = id;
	}
	ob_buf_release(&text);
	ob_roster_close(ros);
	if (!code)
		qsort(q->ids, q->nids, sizeof(*q->ids), cmp_str);
	return code;
}

static int query_wants(const struct query *q, const issuer_log_entry *e)
{
	return !q->roster || bsearch(&e->id, q->ids, q->nids, sizeof(*q->ids), cmp_str);
}

/* The exit code for a failure, printing it unless resolve_id did (the
 * candidates of an ambiguous id). */
static int fail_code(const ob_error *err)
{
	return err->msg[0] ? ob_cli_fail(err) : 2;
}

/* ---- list ---- */

enum { FMT_TEXT, FMT_JSON, FMT_CSV };

struct lister {
	const struct query *q;
	int fmt;
	unsigned long n;
	json_t *arr;
};

static json_t *entry_json(const issuer_log_entry *e)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", e->id, "state", state_of(e), "recipient",
			      e->recipient ? e->recipient : "", "achievement", e->achievement ? e->achievement : "",
			      "issuedAt", e->issued_at ? e->issued_at : "", "suite", e->suite ? e->suite : "");

	if (o && e->has_status) {
		json_object_set_new(o, "statusList", json_integer(e->list));
		json_object_set_new(o, "statusListIndex", json_integer(e->idx));
		json_object_set_new(o, "suspendable", json_boolean(e->suspendable));
	}
	if (o && e->reason)
		json_object_set_new(o, "reason", json_string(e->reason));
	if (o && e->changed_at)
		json_object_set_new(o, "changedAt", json_string(e->changed_at));
	return o;
}

static ob_code list_one(const issuer_log_entry *e, void *ctx, ob_error *err)
{
	struct lister *l = ctx;
	char num[64];

	if (!query_wants(l->q, e))
		return OB_OK;
	l->n++;
	if (l->fmt == FMT_JSON) {
		json_t *o = entry_json(e);
		if (!o || json_array_append_new(l->arr, o))
			return ob_fail(err, OB_ENOMEM, "out of memory");
	} else if (l->fmt == FMT_CSV) {
		/* edge blanks unquoted, as records --csv has always written them */
		const int k = ISSUER_CSV_EDGES_AS_IS;
		ob_buf b = OB_BUF_INIT;

		issuer_csv_cell(&b, e->id, k);
		issuer_csv_cell(&b, state_of(e), k);
		issuer_csv_cell(&b, e->recipient ? e->recipient : "", k);
		issuer_csv_cell(&b, e->achievement ? e->achievement : "", k);
		issuer_csv_cell(&b, e->issued_at ? e->issued_at : "", k);
		issuer_csv_cell(&b, e->suite ? e->suite : "", k);
		snprintf(num, sizeof(num), "%ld", e->list);
		issuer_csv_cell(&b, e->has_status ? num : "", k);
		snprintf(num, sizeof(num), "%ld", e->idx);
		issuer_csv_cell(&b, e->has_status ? num : "", k);
		issuer_csv_cell(&b, e->reason ? e->reason : "", k | ISSUER_CSV_LAST);
		if (b.oom) {
			ob_buf_release(&b);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
		fwrite(b.data, 1, b.len, stdout);
		ob_buf_release(&b);
	} else {
		printf("%s  %-9s  %s  %s  %s\n", e->id, state_of(e), e->issued_at ? e->issued_at : "-",
		       e->achievement ? e->achievement : "-", e->recipient ? e->recipient : "-");
	}
	return OB_OK;
}

static int print_json(json_t *o)
{
	char *s = o ? ob_json_dumps(o, OB_JSON_PRETTY) : NULL;
	ob_error err = { 0 };

	if (!s) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		return ob_cli_fail(&err);
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

static const struct ob_cmd_opt list_opts[] = {
	FILTER_OPTS,
	{ "json", 0, NULL, "print one JSON array, an object per credential", 'j', 0 },
	{ "csv", 0, NULL, "print CSV with a header line", 'c', OB_OPT_OR },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec list_spec = {
	"list", cmd_list, NULL, list_opts, NULL,
	"Lists the logged credentials, oldest first, with their recipient,\n"
	"achievement, date and state.", NULL,
};

int cmd_list(int argc, char **argv)
{
	struct query q = { 0 };
	struct lister l = { &q, FMT_TEXT, 0, NULL };
	issuer_state st;
	int lockfd = -1;
	ob_error err = { 0 };
	int c, rc = 0, k;

	while ((c = ob_cmd_getopt(&list_spec, argc, argv)) != -1) {
		if ((k = filter_opt(&q, c, optarg)) == -2)
			return 2;
		if (k)
			continue;
		switch (c) {
		case 'j': l.fmt = FMT_JSON; break;
		case 'c': l.fmt = FMT_CSV; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if ((rc = filter_finish(&q)))
		return rc;
	if (records_open(&st, &lockfd, &err)) {
		if (lockfd >= 0)
			close(lockfd);
		return ob_cli_fail(&err);
	}
	if (l.fmt == FMT_JSON && !(l.arr = json_array())) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (q.roster && roster_ids(&st, &q, &err))
		goto fail;
	if (l.fmt == FMT_CSV)
		fputs("id,state,recipient,achievement,issued_at,suite,status_list,status_index,reason\r\n", stdout);
	if (issuer_db_log_walk(st.db, &q.f, 0, list_one, &l, &err))
		goto fail;
	if (l.fmt == FMT_JSON) {
		json_t *o = json_pack("{s:I, s:O}", "count", (json_int_t)l.n, "credentials", l.arr);
		rc = print_json(o);
		json_decref(o);
	}
	else if (l.fmt == FMT_TEXT)
		fprintf(stderr, "%s: %lu credential%s\n", ob_cli_prog(), l.n, l.n == 1 ? "" : "s");
	goto out;
fail:
	rc = fail_code(&err);
out:
	json_decref(l.arr);
	query_release(&q);
	records_close(&st, lockfd);
	return rc;
}

/* ---- finding one credential by a prefix of its id ---- */

struct finder {
	char *ids[CANDIDATES + 1];
	int n;
	unsigned long total;
};

static ob_code find_one(const issuer_log_entry *e, void *ctx, ob_error *err)
{
	struct finder *f = ctx;

	f->total++;
	if (f->n < CANDIDATES + 1 && !(f->ids[f->n++] = strdup(e->id)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* The full id of the one credential whose id starts with prefix (heap),
 * or NULL with err: OB_EINVALID when none does, OB_EUSAGE when several
 * do (the message lists them). */
static char *resolve_id(issuer_state *st, const char *prefix, ob_error *err)
{
	issuer_log_filter f = { .id_prefix = prefix };
	struct finder fd = { { 0 }, 0, 0 };
	char *id = NULL;
	int i;

	if (!*prefix) {
		ob_fail(err, OB_EUSAGE, "which credential? (give its id)");
		return NULL;
	}
	if (issuer_db_log_walk(st->db, &f, 0, find_one, &fd, err))
		goto out;
	/* a full id that is also the start of a longer one is that one */
	for (i = 0; i < fd.n; i++)
		if (!strcmp(fd.ids[i], prefix) || (!strncmp(fd.ids[i], "urn:uuid:", 9) && !strcmp(fd.ids[i] + 9, prefix)))
			break;
	if (i < fd.n || fd.total == 1) {
		id = fd.ids[i < fd.n ? i : 0];
		fd.ids[i < fd.n ? i : 0] = NULL;
	} else if (!fd.total)
		ob_fail(err, OB_EINVALID, "no credential '%s' in the issuance log", prefix);
	else {
		/* the candidates go under the error line: more than an
		 * ob_error holds */
		ob_cli_errorf(2, "ambiguous id '%s': %lu credentials start with it:", prefix, fd.total);
		for (i = 0; i < fd.n && i < CANDIDATES; i++)
			fprintf(stderr, "  %s\n", fd.ids[i]);
		if (fd.total > CANDIDATES)
			fprintf(stderr, "  ... and %lu more\n", fd.total - CANDIDATES);
		err->code = OB_EUSAGE; /* reported: the caller prints nothing more */
	}
out:
	for (i = 0; i < fd.n; i++)
		free(fd.ids[i]);
	return id;
}


/* ---- show ---- */

struct shower {
	int json;
	int rc;
};

static const char *subject_str(const json_t *cred, const char *a, const char *b)
{
	json_t *s = json_object_get(cred, "credentialSubject");

	if (json_is_array(s))
		s = json_array_get(s, 0);
	if (b)
		s = json_object_get(s, a), a = b;
	return json_string_value(json_object_get(s, a));
}

static ob_code show_one(const issuer_log_entry *e, void *ctx, ob_error *err)
{
	struct shower *sh = ctx;
	json_t *cred = NULL, *o = NULL;
	const char *name = NULL, *aname = NULL, *vf = NULL, *vu = NULL;
	char file[128];

	if (e->text && e->text[0] == '{')
		cred = json_loadb(e->text, e->len, 0, NULL);
	if (cred) {
		name = subject_str(cred, "name", NULL);
		aname = subject_str(cred, "achievement", "name");
		vf = json_string_value(json_object_get(cred, "validFrom"));
		vu = json_string_value(json_object_get(cred, "validUntil"));
	}
	file_name(e->id, e->text, file, sizeof(file));
	if (sh->json) {
		if (!(o = entry_json(e))) {
			json_decref(cred);
			return ob_fail(err, OB_ENOMEM, "out of memory");
		}
		if (name)
			json_object_set_new(o, "name", json_string(name));
		if (aname)
			json_object_set_new(o, "achievementName", json_string(aname));
		if (vf)
			json_object_set_new(o, "validFrom", json_string(vf));
		if (vu)
			json_object_set_new(o, "validUntil", json_string(vu));
		json_object_set_new(o, "file", json_string(file));
		if (cred)
			json_object_set(o, "credential", cred);
		else if (e->text)
			json_object_set_new(o, "credential", json_stringn(e->text, e->len));
		sh->rc = print_json(o);
		json_decref(o);
	} else {
		printf("id:          %s\n", e->id);
		printf("state:       %s", state_of(e));
		if (e->reason && (e->revoked || e->suspended))
			printf(" (%s)", e->reason);
		if (e->changed_at && (e->revoked || e->suspended))
			printf(" since %s", e->changed_at);
		printf("\nrecipient:   %s%s%s%s\n", e->recipient ? e->recipient : "-", name ? " (" : "",
		       name ? name : "", name ? ")" : "");
		printf("achievement: %s%s%s%s\n", e->achievement ? e->achievement : "-", aname ? " (" : "",
		       aname ? aname : "", aname ? ")" : "");
		printf("issued:      %s\n", e->issued_at ? e->issued_at : "-");
		if (vf)
			printf("valid from:  %s\n", vf);
		if (vu)
			printf("valid until: %s\n", vu);
		printf("suite:       %s\n", e->suite ? e->suite : "-");
		if (e->has_status)
			printf("status:      list %ld, index %ld%s\n", e->list, e->idx, e->suspendable ? ", suspendable" : "");
		else
			printf("status:      no status entry\n");
		printf("file:        %s%s\n", file, e->text ? "" : " (the log has no text of it: it predates the stored text)");
	}
	json_decref(cred);
	return OB_OK;
}

static const struct ob_cmd_opt show_opts[] = {
	{ "json", 0, NULL, "print one JSON object", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec show_spec = {
	"show", cmd_show, "ID", show_opts, NULL,
	"Prints one logged credential (ID: its id or a unique start of it) and its state.", NULL,
};

int cmd_show(int argc, char **argv)
{
	struct shower sh = { 0, 0 };
	issuer_log_filter f = { 0 };
	issuer_state st;
	int lockfd = -1;
	ob_error err = { 0 };
	char *id = NULL;
	int c, rc = 0;

	while ((c = ob_cmd_getopt(&show_spec, argc, argv)) != -1) {
		switch (c) {
		case 'j': sh.json = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind + 1 != argc)
		return ob_cli_usage(ob_cli_current(), optind == argc ? "which credential? (give its id or a unique start of it)" :
				    "unexpected argument '%s'", argv[optind + 1]);
	if (records_open(&st, &lockfd, &err)) {
		if (lockfd >= 0)
			close(lockfd);
		return ob_cli_fail(&err);
	}
	if (!(id = resolve_id(&st, argv[optind], &err)))
		goto fail;
	f.id_prefix = id;
	if (issuer_db_log_walk(st.db, &f, 1, show_one, &sh, &err))
		goto fail;
	rc = sh.rc;
	goto out;
fail:
	rc = fail_code(&err);
out:
	free(id);
	records_close(&st, lockfd);
	return rc;
}

/* ---- export ---- */

struct exporter {
	const struct query *q;
	const char *dir;
	unsigned long written, missing;
	/* --pdf: a printable certificate beside each file */
	int pdf, no_qr;
	struct ob_cert_opts co;
	const char *verify_url;
	const char *site;       /* --site: a published site to check against */
	ob_loader *loader;      /* the issuer's own documents, no network */
	char didtmp[64];        /* its DID document, for the loader */
	int didtmp_made;
	json_t *arr;            /* --json: an object per credential, else NULL */
};

/* --json: the row export_one added last, or NULL. */
static json_t *last_row(const struct exporter *x)
{
	return x->arr && json_array_size(x->arr) ? json_array_get(x->arr, json_array_size(x->arr) - 1) : NULL;
}

struct site_map {
	ob_loader *l;
	const char *site, *base, *root; /* root: the origin, as publish's default */
};

/* url -> SITE/(url less the origin), as publish wrote it */
static ob_code site_add(struct site_map *m, const char *url, ob_error *err)
{
	size_t n = strlen(m->root);
	char *path;
	ob_code rc;

	if (!url)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (strncmp(url, m->root, n))
		return OB_OK;
	if (!(path = issuer_path_join(m->site, url + n)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = ob_loader_add(m->l, url, path, err);
	free(path);
	return rc;
}

static ob_code site_lists(long list, int suspendable, void *ctx, ob_error *err)
{
	struct site_map *m = ctx;
	char *u = issuer_status_url(m->base, "revocation", list);
	ob_code rc = site_add(m, u, err);

	free(u);
	/* a suspendable list has the message list (issue --suspension's one
	 * entry) and the suspension list (the pair it gave before) */
	if (!rc && suspendable) {
		u = issuer_status_url(m->base, "suspension", list);
		rc = site_add(m, u, err);
		free(u);
	}
	if (!rc && suspendable) {
		u = issuer_status_url(m->base, "message", list);
		rc = site_add(m, u, err);
		free(u);
	}
	return rc;
}

/* --site DIR: the status lists and DID document as publish wrote them
 * under DIR (its default layout: DIR is the origin's document root). */
static ob_code site_loader(issuer_state *st, struct exporter *x, ob_error *err)
{
	struct site_map m = { x->loader, x->site, NULL, NULL };
	ob_buf root = OB_BUF_INIT, url = OB_BUF_INIT;
	char *base = issuer_base_url(st, err);
	const char *p;
	ob_code rc;

	if (!base)
		return err->code;
	p = strchr(strstr(base, "://") + 3, '/');
	ob_buf_add(&root, base, p ? (size_t)(p - base) : strlen(base));
	ob_buf_addc(&root, '/');
	m.base = base;
	m.root = root.data;
	if (root.oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else if (!(rc = issuer_db_status_lists_each(st->db, site_lists, &m, err)) && !strncmp(st->did, "did:web:", 8) &&
		 !(rc = ob_did_web_url(st->did, &url, err)))
		rc = site_add(&m, url.data, err);
	ob_buf_release(&root);
	ob_buf_release(&url);
	free(base);
	return rc;
}

/* The issuer checks its own credential for the certificate's issuer
 * line, never over the network: against the site --site names (status
 * lists, DID document, as a verifier would see them once online), else
 * with its DID document (did:web) from the database and the status left
 * unchecked (the page then says so); the QR code leads to a live
 * verification either way. */
static ob_code pdf_loader(issuer_state *st, struct exporter *x, ob_error *err)
{
	ob_buf url = OB_BUF_INIT, text = OB_BUF_INIT;
	json_t *doc = NULL;
	ob_code rc = OB_OK;
	int fd;

	if (!(x->loader = ob_loader_new()))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (x->site)
		return site_loader(st, x, err);
	if (strncmp(st->did, "did:web:", 8))
		return OB_OK;
	snprintf(x->didtmp, sizeof(x->didtmp), "%s/ob-issuer-did-XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") &&
		 strlen(getenv("TMPDIR")) < 40 ? getenv("TMPDIR") : "/tmp");
	if ((rc = ob_did_web_url(st->did, &url, err)))
		goto out;
	if (!(doc = issuer_did_document(st, err))) {
		rc = err->code;
		goto out;
	}
	if (ob_json_write(&text, doc, OB_JSON_COMPACT) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((fd = mkstemp(x->didtmp)) < 0) {
		rc = ob_fail(err, OB_EIO, "cannot create a temporary file: %s", strerror(errno));
		goto out;
	}
	x->didtmp_made = 1;
	if (write(fd, text.data, text.len) != (ssize_t)text.len) {
		close(fd);
		rc = ob_fail(err, OB_EIO, "cannot write '%s': %s", x->didtmp, strerror(errno));
		goto out;
	}
	close(fd);
	rc = ob_loader_add(x->loader, url.data, x->didtmp, err);
out:
	json_decref(doc);
	ob_buf_release(&url);
	ob_buf_release(&text);
	return rc;
}

/* DIR/UUID.pdf for one credential (cli/certificate.h). */
static ob_code export_pdf(struct exporter *x, const issuer_log_entry *e, const char *name, ob_error *err)
{
	ob_verify_opts vo = { .loader = x->loader };
	ob_report *rep = NULL;
	ob_buf qr = OB_BUF_INIT;
	json_t *cred = NULL;
	char pname[128], *path = NULL;
	ob_code rc;

	snprintf(pname, sizeof(pname), "%.*s.pdf", (int)(strrchr(name, '.') - name), name);
	if (!(path = issuer_path_join(x->dir, pname)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!(rep = ob_verify_bytes(e->text, e->len, &vo, err))) {
		rc = err->code;
		goto out;
	}
	if (!x->no_qr && (rc = ob_certificate_qr_text(e->id, e->text, e->len, x->verify_url, &qr, err)))
		goto out;
	if (e->text[0] == '{')
		cred = json_loadb(e->text, e->len, 0, NULL);
	x->co.qr_text = qr.data;
	x->co.force = 1; /* as the credential file: rewritten */
	if ((rc = ob_certificate_render(cred, rep, &x->co, path, err))) {
		if (rc == OB_EINVALID && qr.data && !strncmp(qr.data, OB_QR_PREFIX, 4)) {
			ob_error_clear(err);
			rc = ob_fail(err, OB_EINVALID, "'%s' is too large to fit in a QR code; --no-qr "
				     "prints the page without one, --verify-url URL with a code to a verifier page",
				     e->id);
		}
		goto out;
	}
	if (!x->arr)
		printf("%s\n", path);
	else if (!last_row(x) || json_object_set_new(last_row(x), "pdf", json_string(path)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	json_decref(cred);
	ob_report_free(rep);
	ob_buf_release(&qr);
	free(path);
	return rc;
}

static ob_code export_one(const issuer_log_entry *e, void *ctx, ob_error *err)
{
	struct exporter *x = ctx;
	char name[128], *path;
	ob_code rc;

	if (x->q && !query_wants(x->q, e))
		return OB_OK;
	if (!e->text) {
		fprintf(stderr, "%s: %s: the log has no text of it (issued before the log kept credentials)\n",
			ob_cli_prog(), e->id);
		x->missing++;
		if (x->arr && json_array_append_new(x->arr, json_pack("{s:s, s:b}", "id", e->id, "missing", 1)))
			return ob_fail(err, OB_ENOMEM, "out of memory");
		return OB_OK;
	}
	file_name(e->id, e->text, name, sizeof(name));
	if (!(path = issuer_path_join(x->dir, name)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	/* learner data: the issuer's account only, as issue --roster writes it */
	rc = ob_write_file_atomic(path, e->text, e->len, 0600, 1, err);
	if (!rc && x->arr && json_array_append_new(x->arr, json_pack("{s:s, s:s}", "id", e->id, "file", path)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else if (!rc && !x->arr)
		printf("%s\n", path);
	if (!rc)
		x->written++;
	free(path);
	if (!rc && x->pdf)
		rc = export_pdf(x, e, name, err);
	return rc;
}

/* --json: {"dir", "exported", "missing", "credentials": [...]} on stdout. */
static ob_code print_exported(const struct exporter *x, ob_error *err)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:O}", "dir", x->dir, "exported", (json_int_t)x->written,
			      "missing", (json_int_t)x->missing, "credentials", x->arr);
	char *js = o ? ob_json_dumps(o, OB_JSON_PRETTY) : NULL;
	ob_code rc = OB_OK;

	if (!js)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else if (printf("%s\n", js) < 0 || fflush(stdout) != 0)
		rc = ob_fail(err, OB_EIO, "cannot write to standard output");
	free(js);
	json_decref(o);
	return rc;
}

static const struct ob_cmd_opt export_opts[] = {
	{ "all", 0, NULL, "every logged credential (or those the filters pick), not ID", 'a', 0 },
	FILTER_OPTS,
	{ "pdf", 0, NULL, "also a printable certificate per credential", 'P', 0 },
	{ "paper", 0, "a4|letter", "the certificate's paper (default a4)", 'p', 0 },
	{ "verify-url", 0, "URL", "the certificate's QR code links to URL/verify?url=ID", 'v', 0 },
	{ "no-qr", 0, NULL, "the certificate without a QR code", 'N', 0 },
	{ "site", 0, "DIR", "check the certificate against the site publish wrote in DIR", 'S', 0 },
	{ "json", 0, NULL, "print one JSON object: each credential's id and files", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec export_spec = {
	"export", cmd_export, NULL, export_opts, "[ID] DIR",
	"Writes credentials again from the log into DIR: one by ID, or with --all\n"
	"every one the filters pick (the filters go with --all only).", NULL,
};

int cmd_export(int argc, char **argv)
{
	struct query q = { 0 };
	struct exporter x = { 0 };
	issuer_log_filter one = { 0 };
	issuer_state st;
	int lockfd = -1;
	ob_error err = { 0 };
	char *id = NULL;
	int c, rc = 0, all = 0, k, filtered, paper = 0, json = 0;

	while ((c = ob_cmd_getopt(&export_spec, argc, argv)) != -1) {
		if ((k = filter_opt(&q, c, optarg)) == -2)
			return 2;
		if (k)
			continue;
		switch (c) {
		case 'a': all = 1; break;
		case 'P': x.pdf = 1; break;
		case 'N': x.no_qr = 1; break;
		case 'v': x.verify_url = optarg; break;
		case 'S': x.site = optarg; break;
		case 'j': json = 1; break;
		case 'p':
			if (!strcmp(optarg, "a4"))
				x.co.paper = OB_CERT_A4;
			else if (!strcmp(optarg, "letter"))
				x.co.paper = OB_CERT_LETTER;
			else
				return ob_cli_usage(ob_cli_current(), "unknown --paper '%s' (a4 or letter)", optarg);
			paper = 1;
			break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	filtered = q.f.recipient || q.f.achievement || q.since_arg || q.before_arg || q.f.state || q.roster;
	if (argc - optind != (all ? 1 : 2))
		return ob_cli_usage(ob_cli_current(), all ? "export --all needs a directory" :
				    argc - optind < 2 ? "export needs a credential id (or --all) and a directory" :
				    "unexpected argument '%s'", argv[optind + 2]);
	if (filtered && !all)
		return ob_cli_usage(ob_cli_current(), "the filters (--recipient, --state, ...) go with --all");
	if ((paper || x.no_qr || x.verify_url || x.site) && !x.pdf)
		return ob_cli_usage(ob_cli_current(), "%s goes with --pdf", paper ? "--paper" : x.no_qr ? "--no-qr" :
				    x.site ? "--site" : "--verify-url");
	if (x.verify_url && strncmp(x.verify_url, "https://", 8) && strncmp(x.verify_url, "http://", 7))
		return ob_cli_usage(ob_cli_current(), "--verify-url must be an http(s) URL, got '%s'", x.verify_url);
	if ((rc = filter_finish(&q)))
		return rc;
	x.dir = argv[argc - 1];
	if (json && !(x.arr = json_array()))
		return ob_cli_errorf(3, "out of memory");
	if (records_open(&st, &lockfd, &err)) {
		if (lockfd >= 0)
			close(lockfd);
		json_decref(x.arr);
		return ob_cli_fail(&err);
	}
	if (ob_mkdir_p(x.dir, &err) || (x.pdf && pdf_loader(&st, &x, &err)))
		goto fail;
	if (all) {
		x.q = &q;
		if ((q.roster && roster_ids(&st, &q, &err)) || issuer_db_log_walk(st.db, &q.f, 1, export_one, &x, &err))
			goto fail;
	} else {
		if (!(id = resolve_id(&st, argv[optind], &err)))
			goto fail;
		one.id_prefix = id;
		if (issuer_db_log_walk(st.db, &one, 1, export_one, &x, &err))
			goto fail;
	}
	fprintf(stderr, "%s: exported %lu credential%s to %s%s\n", ob_cli_prog(), x.written, x.written == 1 ? "" : "s",
		x.dir, x.missing ? " (some have no text in the log; see above)" : "");
	if (x.arr && print_exported(&x, &err))
		goto fail;
	rc = x.missing ? 1 : 0;
	goto out;
fail:
	rc = fail_code(&err);
out:
	if (x.didtmp_made)
		unlink(x.didtmp);
	if (x.pdf)
		ob_certificate_cleanup(); /* cairo's and fontconfig's caches */
	ob_loader_free(x.loader);
	json_decref(x.arr);
	free(id);
	query_release(&q);
	records_close(&st, lockfd);
	return rc;
}
