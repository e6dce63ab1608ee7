/* roster: the CSV file a batch issuance reads (RFC 4180). The header row
 * names the columns, in any order: name, recipient, achievement (needed)
 * and result, evidence, valid_until, awarded_date (optional). Quoted fields (with ""
 * and line breaks inside), a UTF-8 byte order mark and CRLF line ends are
 * read; fields are trimmed of surrounding blanks.
 *
 * The file is streamed: one record in memory at a time, at most
 * OB_ROSTER_MAX_RECORD bytes; a longer one is reported and skipped
 * without being held. A bad row (wrong field count, invalid UTF-8, a NUL
 * byte, too long) is reported with its line and the reader goes on, so
 * one bad row loses no good one. */
#ifndef OB_ROSTER_H
#define OB_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define OB_ROSTER_MAX_RECORD (64u * 1024)

enum {
	OB_ROSTER_NAME,
	OB_ROSTER_RECIPIENT,
	OB_ROSTER_ACHIEVEMENT,
	OB_ROSTER_RESULT,
	OB_ROSTER_EVIDENCE,
	OB_ROSTER_VALID_UNTIL,
	OB_ROSTER_AWARDED_DATE,
	OB_ROSTER_NCOLS
};

typedef struct ob_roster ob_roster;

typedef struct {
	unsigned long line;             /* physical line the record starts on */
	const char *f[OB_ROSTER_NCOLS]; /* borrowed until the next call; NULL
					 * for an absent optional column, ""
					 * for an empty field */
} ob_roster_row;

/* Opens path and reads its header. OB_EIO when it cannot be read,
 * OB_EPARSE "FILE:LINE: ..." for a header that lacks a needed column,
 * repeats one, or names one we do not know. The delimiter is detected
 * from the header line: ',', ';' (a spreadsheet in a locale whose decimal
 * mark is a comma) or a tab, whichever it has most of outside quotes. */
ob_roster *ob_roster_open(const char *path, ob_error *err);
/* The same with the delimiter given (',', ';' or '\t'; 0: detected). */
ob_roster *ob_roster_open_delim(const char *path, char delim, ob_error *err);
void ob_roster_close(ob_roster *r);

/* Reads the next record into row. Returns 1 for a row, 0 at the end of
 * the file, -1 for a bad row (err: "FILE:LINE: why", row->line set; call
 * again for the next one) and -2 for a read error (err filled). */
int ob_roster_next(ob_roster *r, ob_roster_row *row, ob_error *err);

/* Bytes consumed so far and the file's size (0 when not a regular file),
 * for a progress estimate. */
uint64_t ob_roster_offset(const ob_roster *r);
uint64_t ob_roster_size(const ob_roster *r);

/* SHA-256 of the row's normalised content (achievement, recipient with an
 * e-mail address lower-cased, name, result, evidence, valid_until, each
 * NUL-terminated): two rows with the same key award the same thing. */
void ob_roster_row_key(const ob_roster_row *row, unsigned char key[32]);

/* Remembers a row key for duplicate detection. Returns the line of an
 * earlier row with the same key (nothing is stored then), 0 when it is
 * new, or -1 when out of memory. 8 bytes of the key are kept per row. */
long ob_roster_seen(ob_roster *r, const unsigned char key[32], unsigned long line);

/* A date as a roster or a spreadsheet user writes it. A full dateTime
 * ("2027-06-01T00:00:00Z", as ob_date_parse reads it) returns 0 and is
 * used as it stands. A plain "YYYY-MM-DD" is the start of that day in
 * time zone tz (NULL, "UTC" or "Z": UTC; "+02:00" / "-05:30": that
 * offset; else a tz database name such as "Europe/Berlin"): it returns 1
 * with that instant in out as "YYYY-MM-DDThh:mm:ssZ". -1: not a date (or
 * tz is unusable). Not thread-safe for tz database names (it sets TZ for
 * the call). */
int ob_roster_date(const char *s, const char *tz, char out[32]);
/* Makes tz (a tz database name) the process's TZ, once, before any
 * thread starts: ob_roster_date then reads it without touching the
 * environment, which other threads may be reading (getenv). Offsets and
 * UTC need nothing. */
void ob_roster_tz_use(const char *tz);
/* 1 when tz is a zone ob_roster_date takes: UTC, an offset, or a name the
 * system's tz database (TZDIR, else /usr/share/zoneinfo) has. */
int ob_roster_tz_ok(const char *tz);

/* 1 when s is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int ob_utf8_valid(const char *s, size_t len);

#endif
