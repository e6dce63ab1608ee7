/* csv_out: the CSV cells the issuer writes (roster mail merges, offer
 * lists, records --csv), one way for all of them. */
#ifndef ISSUER_CSV_OUT_H
#define ISSUER_CSV_OUT_H

#include "base/buf.h"

#define ISSUER_CSV_LAST 1         /* the row's last cell: CRLF after it, not ',' */
#define ISSUER_CSV_EDGES_AS_IS 2  /* a leading or trailing blank alone does not quote */

/* Appends the cell v to b (RFC 4180): quoted when it holds , " ; CR or LF
 * or starts or ends with a blank (unless ISSUER_CSV_EDGES_AS_IS), quotes
 * doubled; a leading = + - @ or tab gets a ' so a spreadsheet shows a
 * learner's name as text and never runs it as a formula. Then ',' or,
 * with ISSUER_CSV_LAST, CRLF. Out of memory is left in b->oom. */
void issuer_csv_cell(ob_buf *b, const char *v, int flags);

#endif
