/* text: printing strings taken from credentials where a person reads
 * them (terminals, CSV, logs). A credential is written by a stranger: a
 * name holding escape sequences could repaint a terminal line as a green
 * "VALID", and a newline could forge a report line. */
#ifndef OB_TEXT_H
#define OB_TEXT_H

#include <stddef.h>

#include "base/buf.h"

/* JSON's whitespace (RFC 8259): space, tab, CR, LF. */
int ob_is_space(char c);

/* Narrows s/len past leading and trailing JSON whitespace. */
void ob_trim(const char **s, size_t *len);

/* Appends s with every control character escaped: C0 (tab and newline too),
 * DEL and C1 as "\xNN" / "\u{NN}", the Unicode bidirectional overrides and
 * isolates (U+202A-202E, U+2066-2069) as "\u{NNNN}", and bytes that are
 * not UTF-8 as "\xNN". Printable text, including non-ASCII letters, is
 * kept. NULL appends nothing. -1 when out of memory. */
int ob_text_add_safe(ob_buf *out, const char *s);

/* Same, into a new string (free it); NULL when out of memory. */
char *ob_text_safe(const char *s);

/* ob_url_decode's refusals (0 is success). */
enum {
	OB_URL_BAD_ESCAPE = -1, /* a '%' not followed by two hex digits */
	OB_URL_NUL = -2,        /* an escape that decodes to a NUL byte */
	OB_URL_TOO_LONG = -3,   /* len is over the caller's budget */
	OB_URL_NOMEM = -4
};

/* Appends the percent-decoded s[0..len) to out, '+' read as a space (as
 * URLSearchParams and HTML forms read a query). len over max is refused
 * before anything is appended; on the other refusals out keeps what was
 * decoded before the fault. The caller words the error. */
int ob_url_decode(const char *s, size_t len, size_t max, ob_buf *out);

#endif
