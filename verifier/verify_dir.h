/* verify_dir: `verify DIR` on every core, its results streamed out in file
 * name order, and the report rows (text, CSV, JSON) that `verify FILE
 * --report` shares. */
#ifndef OB_VERIFIER_VERIFY_DIR_H
#define OB_VERIFIER_VERIFY_DIR_H

#include "base/buf.h"
#include "base/err.h"
#include "vc/verify.h"

/* One verified input: what a report row needs. */
struct vrow {
	char *name;      /* as shown: the file name, or the argument */
	ob_report *r;    /* NULL when the input could not be read */
	ob_error err;    /* why not */
};

/* cmd_verify.c: reads and verifies arg (a file, a URL or -) into w, shown
 * as name. OB_OK, also when the input could not be read (w->r NULL,
 * w->err says why); else a failure that stops everything (out of memory)
 * in *fatal. Thread-safe when vo's loader is. vrow_release w either way. */
ob_code vrow_verify(const char *arg, const char *name, const ob_verify_opts *vo, struct vrow *w,
		    ob_error *fatal);
void vrow_release(struct vrow *w);

/* Writes the --report file (CSV or JSON by its extension) of one input,
 * atomically. 0 or the exit code, reported. */
int vdir_report_one(const char *path, const struct vrow *w);

/* Verifies the regular files of dir (hidden ones skipped), sorted by name,
 * on every core (OBKIT_VERIFY_JOBS threads when set), printing the rows as
 * they are decided, in order; --json and the report are assembled from
 * spools on disk, so memory does not grow with the number of files.
 * Returns the batch's exit code: invalid (1) outranks undecided (3). */
int vdir_verify(const char *dir, const ob_verify_opts *vo, const char *report, int as_json, int quiet);

#endif
