/* buf: a growable byte buffer, always NUL-terminated (git's strbuf). */
#ifndef OB_BUF_H
#define OB_BUF_H

#include <stddef.h>

typedef struct {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	int oom;    /* set once an allocation failed; appends then do nothing */
} ob_buf;

#define OB_BUF_INIT { NULL, 0, 0, 0 }

void ob_buf_init(ob_buf *b);
/* Frees the storage (wiping it first if `secret`) and resets to empty. */
void ob_buf_release(ob_buf *b);
void ob_buf_release_secret(ob_buf *b);
/* Appends; return 0, or -1 when out of memory (b->oom stays set). */
int ob_buf_add(ob_buf *b, const void *data, size_t len);
int ob_buf_adds(ob_buf *b, const char *s);
int ob_buf_addc(ob_buf *b, char c);
int ob_buf_addf(ob_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drops what was appended since length `start`, so a failed call can
 * leave its caller's buffer as it was. */
void ob_buf_truncate(ob_buf *b, size_t start);
/* Makes room for `extra` more bytes. */
int ob_buf_grow(ob_buf *b, size_t extra);
/* Gives back the room beyond the contents (for buffers kept by the
 * thousand). */
void ob_buf_shrink(ob_buf *b);
/* Hands the storage to the caller (free() it); b becomes empty. Returns an
 * empty heap string for an empty buffer; NULL only when out of memory. */
char *ob_buf_detach(ob_buf *b, size_t *len);

#endif
