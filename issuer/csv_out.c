#include "csv_out.h"

#include <string.h>

void issuer_csv_cell(ob_buf *b, const char *v, int flags)
{
	int quote = strpbrk(v, ",\"\r\n;") != NULL;
	const char *p;

	if (!(flags & ISSUER_CSV_EDGES_AS_IS) && (v[0] == ' ' || (*v && v[strlen(v) - 1] == ' ')))
		quote = 1;
	if (quote)
		ob_buf_addc(b, '"');
	if (*v && strchr("=+-@\t", v[0]))
		ob_buf_addc(b, '\'');
	for (p = v; *p; p++) {
		if (*p == '"')
			ob_buf_addc(b, '"');
		ob_buf_addc(b, *p);
	}
	if (quote)
		ob_buf_addc(b, '"');
	ob_buf_adds(b, flags & ISSUER_CSV_LAST ? "\r\n" : ",");
}
