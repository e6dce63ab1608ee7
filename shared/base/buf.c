#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

void ob_buf_init(ob_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

void ob_buf_release(ob_buf *b)
{
	free(b->data);
	ob_buf_init(b);
}

void ob_buf_release_secret(ob_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	ob_buf_release(b);
}

void ob_buf_truncate(ob_buf *b, size_t start)
{
	if (b->data && b->len > start) {
		b->len = start;
		b->data[start] = '\0';
	}
}

int ob_buf_grow(ob_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (b->oom)
		return -1;
	if (extra > (size_t)-1 / 2 - b->len)
		goto fail;
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	/* keep the promise that data is NUL-terminated even if nothing is
	 * appended after growing */
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = cap;
	b->data[b->len] = '\0';
	return 0;
fail:
	b->oom = 1;
	return -1;
}

int ob_buf_add(ob_buf *b, const void *data, size_t len)
{
	if (ob_buf_grow(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int ob_buf_adds(ob_buf *b, const char *s)
{
	return ob_buf_add(b, s, strlen(s));
}

int ob_buf_addc(ob_buf *b, char c)
{
	return ob_buf_add(b, &c, 1);
}

int ob_buf_addf(ob_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ob_buf_grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *ob_buf_detach(ob_buf *b, size_t *len)
{
	char *p;

	if (b->oom) {
		ob_buf_release(b);
		return NULL;
	}
	if (!b->data && ob_buf_grow(b, 0) < 0)
		return NULL;
	if (!b->data)
		return NULL;
	b->data[b->len] = '\0';
	p = b->data;
	if (len)
		*len = b->len;
	ob_buf_init(b);
	return p;
}

void ob_buf_shrink(ob_buf *b)
{
	char *p;

	if (!b->data || b->cap <= b->len + 1)
		return;
	if ((p = realloc(b->data, b->len + 1))) {
		b->data = p;
		b->cap = b->len + 1;
	}
}
