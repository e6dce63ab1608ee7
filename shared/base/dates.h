/* dates: XML Schema dateTime values as credentials use them. */
#ifndef OB_DATES_H
#define OB_DATES_H

#include <time.h>

/* Parses "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)". A value without a
 * zone is read as UTC (VCDM 2.0 4.9; the reference accepts it); *has_zone
 * tells which (may be NULL). Returns 0, or -1 when malformed. */
int ob_date_parse(const char *s, time_t *out, int *has_zone);

/* Writes t as "YYYY-MM-DDThh:mm:ssZ" into out (at least 21 bytes). */
void ob_date_format(time_t t, char out[32]);

/* The evaluation time: now if nonzero, else the clock. */
time_t ob_date_now(time_t now);

#endif
