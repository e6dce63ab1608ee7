/* rowseen: the roster rows a run has met, for duplicate detection.
 *
 * A roster run must know, for every row, whether an identical row came
 * earlier in the same file (and on which line), before it signs anything.
 * The set keeps 12 bytes per row: 8 bytes of the row key (SHA-256, so
 * a false "duplicate" takes a 64-bit collision, as with io/roster.h's
 * ob_roster_seen) and the line, in 256 tables that grow one at a time
 * by half, so the whole set never doubles at once: a million rows cost
 * ~16 MB and never the 48 MB a single doubling table peaked at. */
#ifndef OB_ISSUER_ROWSEEN_H
#define OB_ISSUER_ROWSEEN_H

#include <stddef.h>
#include <stdint.h>

struct rowseen_part {
	uint64_t *fp;    /* 0: empty */
	uint32_t *line;
	size_t n, cap;
};

typedef struct {
	struct rowseen_part part[256];
} rowseen;

/* An empty set is all zeros (rowseen s = { 0 }). */
void rowseen_release(rowseen *s);

/* Remembers key (32 bytes) as seen on line. Returns the line of an
 * earlier row with the same key (nothing is stored then), 0 when it is
 * new, or -1 when out of memory. */
long rowseen_add(rowseen *s, const unsigned char key[32], unsigned long line);

#endif
