/* roster: issue --roster, batch issuance from a CSV file (roster.c). A
 * module cmd_issue calls; it uses the issuer's state (issuer.h) and
 * storage (db.h) and nothing of the commands. */
#ifndef OB_ISSUER_ROSTER_H
#define OB_ISSUER_ROSTER_H

typedef struct {
	const char *roster, *outdir; /* the CSV file, the output directory */
	const char *suite, *created; /* NULL: the defaults */
	int no_status, suspension;   /* status entries as for a single issue */
	int jobs;                    /* signing threads; 0: one per core */
} roster_opts;

/* Issues a credential for every good row of o->roster not issued before,
 * writes o->outdir/ID.json (or .jwt) for every row issued now or before
 * and o->outdir/manifest.jsonl, prints the manifest's path on stdout and
 * a summary on stderr. Returns the exit code: 0, 1 when some rows were
 * bad, else ob_exit_code's. */
int issuer_roster_run(const roster_opts *o);

#endif
