#include "base/text.h"

#include <stdlib.h>
#include <string.h>

#include "base/codec.h"

/* Length of the UTF-8 sequence at p (1-4) and its code point, or 0 when
 * it is not well formed (overlong, surrogate, past U+10FFFF, cut short). */
static size_t utf8_seq(const unsigned char *p, unsigned long *cp)
{
	size_t n, i;
	unsigned long c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static int unsafe(unsigned long c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

int ob_text_add_safe(ob_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c;
	size_t n;

	if (!s)
		return 0;
	while (*p) {
		n = utf8_seq(p, &c);
		if (n == 0) {
			ob_buf_addf(out, "\\x%02x", *p);
			p++;
		} else if (unsafe(c)) {
			if (c < 0x80)
				ob_buf_addf(out, "\\x%02lx", c);
			else
				ob_buf_addf(out, "\\u{%04lx}", c);
			p += n;
		} else {
			ob_buf_add(out, p, n);
			p += n;
		}
	}
	return out->oom ? -1 : 0;
}

char *ob_text_safe(const char *s)
{
	ob_buf b = OB_BUF_INIT;
	char *r;

	if (ob_text_add_safe(&b, s ? s : "") < 0 || ob_buf_addc(&b, '\0') < 0) {
		ob_buf_release(&b);
		return NULL;
	}
	r = strdup(b.data);
	ob_buf_release(&b);
	return r;
}

int ob_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void ob_trim(const char **s, size_t *len)
{
	while (*len && ob_is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && ob_is_space((*s)[*len - 1]))
		(*len)--;
}

int ob_url_decode(const char *s, size_t len, size_t max, ob_buf *out)
{
	size_t i;

	if (len > max)
		return OB_URL_TOO_LONG;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi = i + 2 < len ? ob_hex_digit(s[i + 1]) : -1;
			int lo = hi >= 0 ? ob_hex_digit(s[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return OB_URL_BAD_ESCAPE;
			c = (char)(hi << 4 | lo);
			i += 2;
			if (!c)
				return OB_URL_NUL;
		} else if (c == '+')
			c = ' ';
		if (ob_buf_addc(out, c) < 0)
			return OB_URL_NOMEM;
	}
	return 0;
}
