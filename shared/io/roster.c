#include "io/roster.h"
#include "base/hash.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/dates.h"
#include "proof/keys.h"

#define MAX_FIELDS 64

static const char *const col_names[OB_ROSTER_NCOLS] = {
	"name", "recipient", "achievement", "result", "evidence", "valid_until", "awarded_date",
};

struct ob_roster {
	FILE *f;
	char *path;
	char delim;               /* ',', ';' or '\t' */
	unsigned long line;       /* current physical line, 1-based */
	uint64_t off, size;
	ob_buf rec;               /* the record's fields, each NUL-terminated */
	size_t fstart[MAX_FIELDS];
	int nf;
	int col_of[OB_ROSTER_NCOLS]; /* field number of each column, or -1 */
	int ncols;                   /* fields in the header */
	/* duplicate detection: open addressing, key 0 = empty */
	uint64_t *seen_key;
	unsigned long *seen_line;
	size_t seen_cap, seen_n;
};

int ob_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	while (s < end) {
		unsigned c = *s;
		size_t n, i;
		unsigned cp;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return 0;
		if ((size_t)(end - s) <= n)
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

static int end_field(ob_roster *r, int quoted)
{
	char *start;
	size_t n;

	if (r->nf >= MAX_FIELDS)
		return -1;
	/* unquoted fields lose trailing blanks; quoted ones keep theirs */
	start = r->rec.data ? r->rec.data + r->fstart[r->nf] : NULL;
	n = r->rec.len - r->fstart[r->nf];
	while (!quoted && n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
		n--;
	ob_buf_truncate(&r->rec, r->fstart[r->nf] + n);
	ob_buf_addc(&r->rec, '\0');
	r->nf++;
	if (r->nf < MAX_FIELDS)
		r->fstart[r->nf] = r->rec.len;
	return 0;
}

/* Reads one record. 1: a record, 0: end of file, -1: a bad record (err),
 * -2: read error. */
static int read_record(ob_roster *r, unsigned long *start_line, ob_error *err)
{
	enum { START, PLAIN, QUOTED, AFTER_QUOTE } st = START;
	int c, any = 0, toolong = 0, nul = 0, stray = 0, toomany = 0;

	ob_buf_truncate(&r->rec, 0);
	r->nf = 0;
	r->fstart[0] = 0;
	*start_line = r->line;
	for (;;) {
		c = getc_unlocked(r->f);
		if (c == EOF) {
			if (ferror(r->f)) {
				ob_fail(err, OB_EIO, "%s: read error: %s", r->path, strerror(errno));
				return -2;
			}
			if (!any)
				return 0;
			if (st == QUOTED) {
				ob_fail(err, OB_EPARSE, "%s:%lu: a quoted field is not closed", r->path, *start_line);
				return -1;
			}
			break;
		}
		r->off++;
		any = 1;
		if (c == '\n')
			r->line++;
		if (toolong) {
			/* skip the rest of the physical line, holding nothing */
			if (c == '\n')
				break;
			continue;
		}
		if (c == '\0')
			nul = 1;
		if (st == QUOTED) {
			if (c == '"') {
				int d = getc_unlocked(r->f);
				if (d == '"') {
					r->off++;
					ob_buf_addc(&r->rec, '"');
				} else {
					if (d != EOF)
						ungetc(d, r->f);
					st = AFTER_QUOTE;
				}
			} else
				ob_buf_addc(&r->rec, (char)c);
		} else if (c == '\r') {
			int d = getc_unlocked(r->f);
			if (d != '\n' && st != START)
				ob_buf_addc(&r->rec, '\r');
			if (d != EOF)
				ungetc(d, r->f);
		} else if (c == '\n') {
			break;
		} else if (c == r->delim) {
			if (end_field(r, st == AFTER_QUOTE) < 0)
				toomany = 1;
			st = START;
		} else if (st == START && (c == ' ' || c == '\t')) {
			continue; /* (a tab delimiter is matched above) */
		} else if (st == START && c == '"') {
			st = QUOTED;
		} else if (st == AFTER_QUOTE) {
			if (c != ' ' && c != '\t')
				stray = 1;
		} else {
			st = PLAIN;
			ob_buf_addc(&r->rec, (char)c);
		}
		if (r->rec.len > OB_ROSTER_MAX_RECORD) {
			toolong = 1;
			ob_buf_release(&r->rec);
		}
	}
	if (toolong) {
		ob_fail(err, OB_EPARSE, "%s:%lu: row longer than %u bytes, skipped", r->path, *start_line,
			OB_ROSTER_MAX_RECORD);
		return -1;
	}
	if (end_field(r, st == AFTER_QUOTE) < 0)
		toomany = 1;
	if (r->rec.oom) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return -2;
	}
	if (nul)
		return ob_fail(err, OB_EPARSE, "%s:%lu: row contains a NUL byte", r->path, *start_line), -1;
	if (stray)
		return ob_fail(err, OB_EPARSE, "%s:%lu: text after a closing quote", r->path, *start_line), -1;
	if (toomany)
		return ob_fail(err, OB_EPARSE, "%s:%lu: more than %d fields", r->path, *start_line, MAX_FIELDS), -1;
	if (!ob_utf8_valid(r->rec.data, r->rec.len))
		return ob_fail(err, OB_EPARSE, "%s:%lu: not valid UTF-8 (save the file as UTF-8, not Latin-1)",
			       r->path, *start_line), -1;
	return 1;
}

static const char *field(const ob_roster *r, int i)
{
	return r->rec.data + r->fstart[i];
}

/* An empty line, or one of empty fields only (",,,": the rows a
 * spreadsheet writes below the data) */
static int blank_record(const ob_roster *r)
{
	int i;

	for (i = 0; i < r->nf; i++)
		if (field(r, i)[0])
			return 0;
	return 1;
}

/* The delimiter of the first non-blank line: whichever of ',', ';' and
 * tab it has most of outside quotes (',' on a tie or none). The file is
 * read back from where it was: a pipe cannot be, and gets ','. */
static char detect_delim(ob_roster *r)
{
	size_t n[3] = { 0, 0, 0 }, seen = 0;
	int c, quoted = 0, any = 0;
	off_t at = ftello(r->f);

	if (at < 0)
		return ',';
	while ((c = getc(r->f)) != EOF && seen++ < OB_ROSTER_MAX_RECORD) {
		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == '\n' && any)
			break;
		else if (c == ',')
			n[0]++;
		else if (c == ';')
			n[1]++;
		else if (c == '\t')
			n[2]++;
		if (c != '\n' && c != '\r' && c != ' ')
			any = 1;
	}
	if (fseeko(r->f, at, SEEK_SET) < 0)
		return 0;
	if (n[1] > n[0] && n[1] >= n[2])
		return ';';
	if (n[2] > n[0] && n[2] > n[1])
		return '\t';
	return ',';
}

static ob_code read_header(ob_roster *r, ob_error *err)
{
	unsigned long line;
	int rc, i, c;

	/* a UTF-8 byte order mark, as spreadsheet programs write */
	if ((c = getc(r->f)) == 0xef) {
		if (getc(r->f) != 0xbb || getc(r->f) != 0xbf)
			return ob_fail(err, OB_EPARSE, "%s:1: not valid UTF-8 (save the file as UTF-8)", r->path);
		r->off += 3;
	} else if (c != EOF)
		ungetc(c, r->f);
	if (!r->delim && !(r->delim = detect_delim(r)))
		return ob_fail(err, OB_EIO, "%s: cannot read the file again: %s", r->path, strerror(errno));
	do
		rc = read_record(r, &line, err);
	while (rc == 1 && blank_record(r));
	if (rc == 0)
		return ob_fail(err, OB_EPARSE, "%s: empty file (want a header row: name,recipient,achievement)", r->path);
	if (rc < 0)
		return err->code;
	for (i = 0; i < OB_ROSTER_NCOLS; i++)
		r->col_of[i] = -1;
	r->ncols = r->nf;
	for (i = 0; i < r->nf; i++) {
		const char *h = field(r, i);
		int k;
		for (k = 0; k < OB_ROSTER_NCOLS; k++)
			if (!strcasecmp(h, col_names[k]))
				break;
		if (k == OB_ROSTER_NCOLS)
			return ob_fail(err, OB_EPARSE, "%s:%lu: unknown column '%.40s' (want name, recipient, achievement, result, evidence, valid_until, awarded_date%s)",
				       r->path, line, h, strpbrk(h, ",;\t") ? "; is the delimiter right? see --delimiter" : "");
		if (r->col_of[k] >= 0)
			return ob_fail(err, OB_EPARSE, "%s:%lu: column '%s' appears twice", r->path, line, col_names[k]);
		r->col_of[k] = i;
	}
	for (i = 0; i <= OB_ROSTER_ACHIEVEMENT; i++)
		if (r->col_of[i] < 0)
			return ob_fail(err, OB_EPARSE, "%s:%lu: the header has no '%s' column (needs name, recipient, achievement)",
				       r->path, line, col_names[i]);
	return OB_OK;
}

ob_roster *ob_roster_open(const char *path, ob_error *err)
{
	return ob_roster_open_delim(path, 0, err);
}

ob_roster *ob_roster_open_delim(const char *path, char delim, ob_error *err)
{
	ob_roster *r;
	struct stat sb;

	if (delim && delim != ',' && delim != ';' && delim != '\t') {
		ob_fail(err, OB_EUSAGE, "unknown delimiter '%c' (',' ';' or tab)", delim);
		return NULL;
	}
	if (!(r = calloc(1, sizeof(*r))) || !(r->path = strdup(path))) {
		free(r);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	r->delim = delim;
	r->line = 1;
	if (!(r->f = fopen(path, "rb"))) {
		ob_fail(err, OB_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fileno(r->f), &sb) == 0 && S_ISREG(sb.st_mode))
		r->size = (uint64_t)sb.st_size;
	if (read_header(r, err))
		goto fail;
	return r;
fail:
	ob_roster_close(r);
	return NULL;
}

void ob_roster_close(ob_roster *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	ob_buf_release(&r->rec);
	free(r->path);
	free(r->seen_key);
	free(r->seen_line);
	free(r);
}

int ob_roster_next(ob_roster *r, ob_roster_row *row, ob_error *err)
{
	int rc, i;

	memset(row, 0, sizeof(*row));
	do
		rc = read_record(r, &row->line, err);
	while (rc == 1 && blank_record(r));
	if (rc != 1)
		return rc;
	if (r->nf != r->ncols) {
		ob_fail(err, OB_EPARSE, "%s:%lu: %d field%s, the header has %d", r->path, row->line, r->nf,
			r->nf == 1 ? "" : "s", r->ncols);
		return -1;
	}
	for (i = 0; i < OB_ROSTER_NCOLS; i++)
		row->f[i] = r->col_of[i] >= 0 ? field(r, r->col_of[i]) : NULL;
	return 1;
}

uint64_t ob_roster_offset(const ob_roster *r)
{
	return r->off;
}

uint64_t ob_roster_size(const ob_roster *r)
{
	return r->size;
}

void ob_roster_row_key(const ob_roster_row *row, unsigned char key[32])
{
	static const int order[] = { OB_ROSTER_ACHIEVEMENT, OB_ROSTER_RECIPIENT, OB_ROSTER_NAME,
		OB_ROSTER_RESULT, OB_ROSTER_EVIDENCE, OB_ROSTER_VALID_UNTIL, OB_ROSTER_AWARDED_DATE };
	unsigned char stackbuf[1024], *m = stackbuf;
	/* awarded_date counts only when given: rows of rosters without it
	 * keep the keys earlier runs logged */
	size_t norder = sizeof(order) / sizeof(order[0]) -
			(row->f[OB_ROSTER_AWARDED_DATE] && *row->f[OB_ROSTER_AWARDED_DATE] ? 0 : 1);
	size_t i, k, n = 0;

	for (i = 0; i < norder; i++)
		n += (row->f[order[i]] ? strlen(row->f[order[i]]) : 0) + 1;
	if (n > sizeof(stackbuf) && !(m = malloc(n))) {
		/* cannot normalise: a key no other row shares */
		memset(key, 0, 32);
		key[0] = 1;
		return;
	}
	n = 0;
	for (i = 0; i < norder; i++) {
		const char *v = row->f[order[i]] ? row->f[order[i]] : "";
		/* e-mail addresses are compared as the credential hashes them */
		int lower = order[i] == OB_ROSTER_RECIPIENT && strchr(v, '@') && !strchr(v, ':');
		for (k = 0; v[k]; k++)
			m[n++] = lower ? (unsigned char)tolower((unsigned char)v[k]) : (unsigned char)v[k];
		m[n++] = 0;
	}
	ob_sha256(m, n, key);
	if (m != stackbuf)
		free(m);
}

static int seen_grow(ob_roster *r)
{
	size_t cap = r->seen_cap ? r->seen_cap * 2 : 1024, i, j;
	uint64_t *k = calloc(cap, sizeof(*k));
	unsigned long *l = calloc(cap, sizeof(*l));

	if (!k || !l) {
		free(k);
		free(l);
		return -1;
	}
	for (i = 0; i < r->seen_cap; i++) {
		if (!r->seen_key[i])
			continue;
		for (j = r->seen_key[i] & (cap - 1); k[j]; j = (j + 1) & (cap - 1))
			;
		k[j] = r->seen_key[i];
		l[j] = r->seen_line[i];
	}
	free(r->seen_key);
	free(r->seen_line);
	r->seen_key = k;
	r->seen_line = l;
	r->seen_cap = cap;
	return 0;
}

long ob_roster_seen(ob_roster *r, const unsigned char key[32], unsigned long line)
{
	uint64_t h;
	size_t j;

	memcpy(&h, key, sizeof(h));
	if (!h)
		h = 1;
	if ((r->seen_n + 1) * 2 > r->seen_cap && seen_grow(r) < 0)
		return -1;
	for (j = h & (r->seen_cap - 1); r->seen_key[j]; j = (j + 1) & (r->seen_cap - 1))
		if (r->seen_key[j] == h)
			return (long)r->seen_line[j];
	r->seen_key[j] = h;
	r->seen_line[j] = line;
	r->seen_n++;
	return 0;
}

/* ---- dates ---- */

static int digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "+hh:mm" / "-hh:mm" into seconds east of UTC; -1 when tz is not one */
static int offset_of(const char *tz, long *secs)
{
	long h, m;

	if ((tz[0] != '+' && tz[0] != '-') || strlen(tz) != 6 || !digits(tz + 1, 2) || tz[3] != ':' ||
	    !digits(tz + 4, 2))
		return -1;
	h = (tz[1] - '0') * 10 + (tz[2] - '0');
	m = (tz[4] - '0') * 10 + (tz[5] - '0');
	if (h > 14 || m > 59)
		return -1;
	*secs = (tz[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return 0;
}

static int is_utc(const char *tz)
{
	return !tz || !strcmp(tz, "UTC") || !strcmp(tz, "Z") || !strcmp(tz, "Etc/UTC");
}

int ob_roster_tz_ok(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat sb;
	long secs;
	size_t i;

	if (is_utc(tz) || offset_of(tz, &secs) == 0)
		return 1;
	/* a name in the tz database: no way out of its directory */
	if (!*tz || tz[0] == '/' || strstr(tz, "..") || strlen(tz) > 100)
		return 0;
	for (i = 0; tz[i]; i++)
		if (!isalnum((unsigned char)tz[i]) && !strchr("/_+-", tz[i]))
			return 0;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Midnight starting the day tm (year, month, day set) in the tz database
 * zone tz: mktime under TZ=tz, the caller's TZ put back after. */
static int midnight_in(const char *tz, struct tm *tm, time_t *t)
{
	const char *cur = getenv("TZ");
	char *old;
	int had = cur != NULL;

	/* set already (ob_roster_tz_use): no change to the environment, so
	 * other threads may go on reading it */
	if (cur && !strcmp(cur, tz)) {
		tm->tm_isdst = -1;
		*t = mktime(tm);
		return *t == (time_t)-1 ? -1 : 0;
	}
	if (had && !(old = strdup(cur)))
		return -1;
	if (!had)
		old = NULL;
	setenv("TZ", tz, 1);
	tzset();
	tm->tm_isdst = -1;
	*t = mktime(tm);
	if (had)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
	return *t == (time_t)-1 ? -1 : 0;
}

void ob_roster_tz_use(const char *tz)
{
	long secs;

	if (tz && !is_utc(tz) && offset_of(tz, &secs) < 0 && ob_roster_tz_ok(tz)) {
		setenv("TZ", tz, 1);
		tzset();
	}
}

int ob_roster_date(const char *s, const char *tz, char out[32])
{
	/* a roster's rows mostly share one date: remember the last answer */
	static _Thread_local char last_s[11], last_tz[101], last_out[32];
	struct tm tm;
	time_t t;
	long secs = 0;

	if (ob_date_parse(s, &t, NULL) == 0)
		return 0;
	if (strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || !ob_roster_tz_ok(tz) || strlen(tz ? tz : "") > 100)
		return -1;
	if (last_out[0] && !strcmp(last_s, s) && !strcmp(last_tz, tz ? tz : "")) {
		memcpy(out, last_out, 32);
		return 1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return -1;
	{
		/* 2027-02-30 is no day: timegm would roll it into March */
		struct tm chk = tm;
		time_t u = timegm(&chk);
		if (u == (time_t)-1 || chk.tm_mday != tm.tm_mday || chk.tm_mon != tm.tm_mon)
			return -1;
		if (is_utc(tz) || offset_of(tz, &secs) == 0)
			t = u - secs;
		else if (midnight_in(tz, &tm, &t) < 0)
			return -1;
	}
	ob_date_format(t, out);
	snprintf(last_s, sizeof(last_s), "%s", s);
	snprintf(last_tz, sizeof(last_tz), "%s", tz ? tz : "");
	memcpy(last_out, out, 32);
	return 1;
}
