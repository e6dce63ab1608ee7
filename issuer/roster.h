/* roster: issue --roster, batch issuance from a CSV file (roster.c). A
 * module cmd_issue calls; it uses the issuer's state (issuer.h) and
 * storage (db.h) and nothing of the commands. */
#ifndef OB_ISSUER_ROSTER_H
#define OB_ISSUER_ROSTER_H

#include "io/roster.h"

typedef struct {
	const char *roster, *outdir; /* the CSV file, the output directory */
	const char *suite, *created; /* NULL: the defaults */
	int no_status, suspension;   /* status entries as for a single issue */
	int jobs;                    /* signing threads; 0: one per core */
	char delim;                  /* ',', ';', '\t'; 0: detected */
	const char *tz;              /* plain dates' zone (NULL: UTC) */
	const char *mail_merge;      /* a mail-merge CSV to write, or NULL */
	int json;                    /* --json: the summary as one object on
				      * stdout (instead of the manifest's path) */
	int shard_k, shard_n;        /* --shard K/N: only rows of shard K
				      * (by row key; bad rows by line); 0:
				      * every row */
	int credential_schema;       /* issue --credential-schema */
} roster_opts;

/* Issues a credential for every good row of o->roster not issued before,
 * writes o->outdir/ID.json (or .jwt) for every row issued now or before
 * and o->outdir/manifest.jsonl (and o->mail_merge), prints the manifest's
 * path on stdout and a summary on stderr. A second run on the same home
 * waits for the first to finish (home/issue.lock) before it opens the
 * database. Returns the exit code: 0, 1 when some rows were bad, else
 * ob_exit_code's. */
int issuer_roster_run(const roster_opts *o);

/* Takes home/issue.lock before the caller opens the database (a roster
 * run holds the database's own lock from its first batch to its end, so
 * waiting for it there ends in "database is locked"); says on stderr that
 * it waits. The fd (close it to unlock), -2 when there is no issuer at
 * home (no lock; issuer_open then says so), or -1 with err. */
int issuer_home_lock(ob_error *err);

/* The row as a run logs it: a plain-date valid_until becomes the start
 * of that day in tz (ob_roster_date; buf holds it), so the row key and the
 * credential agree. -1 when valid_until is not a date. */
int issuer_roster_row_normalize(ob_roster_row *row, const char *tz, char buf[32]);

/* "dir/name" with dir's trailing slashes dropped (heap; NULL on out of
 * memory): "out/" gives "out/manifest.jsonl", not "out//manifest.jsonl". */
char *issuer_path_join(const char *dir, const char *name);

#endif
