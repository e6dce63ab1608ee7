/* bake: Open Badges 3.0 baked PNG and SVG images (OB 3.0 §5.3). */
#include <stdint.h>
#include <string.h>

#include <zlib.h>

#include "io/bake.h"
#include "base/text.h"
#include "base/inflate.h"
#include "proof/jwt.h"

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

#define PNG_MAX_CHUNK 0x7fffffffu /* PNG 5.3: length < 2^31 */
#define XML_MAX_NAME 256

/* Offset of needle in d[from, len), or len when absent. */
static size_t find(const char *d, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	while (from < len && len - from >= n) {
		if (memcmp(d + from, needle, n) == 0)
			return from;
		from++;
	}
	return len;
}

static int has_prefix(const char *d, size_t len, size_t pos, const char *p)
{
	size_t n = strlen(p);

	return pos <= len && len - pos >= n && memcmp(d + pos, p, n) == 0;
}

/* ---- PNG ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

struct chunk {
	size_t off;              /* of the length field */
	size_t size;             /* whole chunk: 12 + len */
	uint32_t len;
	const unsigned char *type;
	const unsigned char *data;
};

/* Reads the chunk at *pos, checks bounds and CRC, advances *pos. */
static ob_code png_next(const unsigned char *d, size_t len, size_t *pos,
			struct chunk *c, ob_error *err)
{
	size_t p = *pos;
	uLong crc;

	if (len - p < 12)
		return ob_fail(err, OB_EPARSE, "truncated PNG");
	c->off = p;
	c->len = be32(d + p);
	if (c->len > PNG_MAX_CHUNK)
		return ob_fail(err, OB_EPARSE, "PNG chunk too long");
	if (len - p - 12 < c->len)
		return ob_fail(err, OB_EPARSE, "truncated PNG");
	c->type = d + p + 4;
	c->data = d + p + 8;
	c->size = (size_t)c->len + 12;
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, c->type, 4 + c->len);
	if (be32(c->data + c->len) != (uint32_t)crc)
		return ob_fail(err, OB_EPARSE, "PNG chunk CRC mismatch");
	*pos = p + c->size;
	return OB_OK;
}

/* Returns 1 when c is a chunk of that type with that keyword. */
static int is_kw_chunk(const struct chunk *c, const char *type, const char *kw)
{
	size_t n = strlen(kw) + 1; /* keyword and its NUL */

	return memcmp(c->type, type, 4) == 0 && c->len >= n && memcmp(c->data, kw, n) == 0;
}

/* Returns 1 when c is an iTXt chunk with our keyword. */
static int is_badge_chunk(const struct chunk *c)
{
	return is_kw_chunk(c, "iTXt", OB_BAKE_KEYWORD);
}

/* iTXt: keyword NUL flag method lang NUL tkeyword NUL text; kwlen
 * counts the keyword's NUL. */
static ob_code itxt_text(const struct chunk *c, size_t kwlen, ob_buf *out, ob_error *err)
{
	const unsigned char *d = c->data;
	size_t n = c->len, p = kwlen, i, nul;
	int flag, method;

	if (n - p < 2)
		return ob_fail(err, OB_EPARSE, "malformed PNG iTXt chunk");
	flag = d[p];
	method = d[p + 1];
	p += 2;
	for (i = 0; i < 2; i++) {
		const unsigned char *z = memchr(d + p, 0, n - p);

		if (!z)
			return ob_fail(err, OB_EPARSE, "malformed PNG iTXt chunk");
		nul = (size_t)(z - d);
		p = nul + 1;
	}
	if (flag == 0) {
		if (ob_buf_add(out, d + p, n - p) < 0)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		return OB_OK;
	}
	if (flag != 1 || method != 0)
		return ob_fail(err, OB_EPARSE, "unsupported PNG iTXt compression %d/%d",
			       flag, method);
	return ob_inflate_capped(d + p, n - p, out, "PNG iTXt chunk", err);
}

/* The first OB 3.0 chunk wins; without one, an Open Badges 2.0 bake
 * (Baking 1.0, ob2.md 5.1): the first iTXt "openbadges" (assertion JSON
 * or JWS), else a legacy tEXt "openbadges" (the assertion's URL). */
static ob_code png_extract(const unsigned char *d, size_t len, ob_buf *out, ob_error *err)
{
	size_t pos = sizeof(png_sig);
	struct chunk c, found[3];
	int have[3] = { 0, 0, 0 }, nchunks, k;
	ob_code rc;

	for (nchunks = 0;; nchunks++) {
		if (nchunks >= OB_BAKE_MAX_CHUNKS)
			return ob_fail(err, OB_ELIMIT, "over budget: PNG with more than %d chunks", OB_BAKE_MAX_CHUNKS);
		if ((rc = png_next(d, len, &pos, &c, err)))
			return rc;
		k = is_badge_chunk(&c) ? 0 : is_kw_chunk(&c, "iTXt", OB_BAKE_KEYWORD2) ? 1 :
		    is_kw_chunk(&c, "tEXt", OB_BAKE_KEYWORD2) ? 2 : -1;
		if (k >= 0 && !have[k]) {
			found[k] = c;
			have[k] = 1;
		}
		if (memcmp(c.type, "IEND", 4) == 0)
			break;
	}
	if (have[0])
		return itxt_text(&found[0], sizeof(OB_BAKE_KEYWORD), out, err);
	if (have[1])
		return itxt_text(&found[1], sizeof(OB_BAKE_KEYWORD2), out, err);
	if (have[2]) {
		if (ob_buf_add(out, found[2].data + sizeof(OB_BAKE_KEYWORD2), found[2].len - sizeof(OB_BAKE_KEYWORD2)) < 0)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		return OB_OK;
	}
	return ob_fail(err, OB_EPARSE, "no Open Badges credential in this PNG");
}

static ob_code png_bake(const unsigned char *d, size_t len, const char *cred, size_t clen,
			ob_buf *out, ob_error *err)
{
	static const char head[] = OB_BAKE_KEYWORD "\0\0\0\0"; /* kw NUL flag method lang NUL tkw NUL */
	size_t pos = sizeof(png_sig), hlen = sizeof(head); /* includes the final NUL */
	struct chunk c;
	unsigned char b[4];
	uLong crc;
	ob_code rc;

	if (clen > PNG_MAX_CHUNK - hlen)
		return ob_fail(err, OB_EUSAGE, "credential too large for a PNG chunk");
	ob_buf_add(out, png_sig, sizeof(png_sig));
	for (;;) {
		if ((rc = png_next(d, len, &pos, &c, err)))
			return rc;
		if (memcmp(c.type, "IEND", 4) == 0)
			break;
		if (!is_badge_chunk(&c))
			ob_buf_add(out, d + c.off, c.size);
	}
	put_be32(b, (uint32_t)(hlen + clen));
	ob_buf_add(out, b, 4);
	ob_buf_add(out, "iTXt", 4);
	ob_buf_add(out, head, hlen);
	ob_buf_add(out, cred, clen);
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, (const Bytef *)"iTXt", 4);
	crc = crc32(crc, (const Bytef *)head, (uInt)hlen);
	/* crc32 takes uInt lengths: feed big credentials in pieces. */
	for (pos = 0; pos < clen;) {
		size_t n = clen - pos > 0x40000000u ? 0x40000000u : clen - pos;

		crc = crc32(crc, (const Bytef *)cred + pos, (uInt)n);
		pos += n;
	}
	put_be32(b, (uint32_t)crc);
	ob_buf_add(out, b, 4);
	ob_buf_add(out, d + c.off, c.size);
	if (out->oom)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* ---- SVG: a bounded scanner for markup items ---- */

enum item_kind { IT_TEXT, IT_TAG, IT_END, IT_COMMENT, IT_CDATA, IT_PI, IT_DECL };

struct item {
	enum item_kind kind;
	size_t start, end;       /* [start, end) of the whole item */
	size_t name, name_len;   /* tags */
	int self_closing;
};

static int is_name_end(char c)
{
	return ob_is_space(c) || c == '>' || c == '/' || c == '=' || c == '<';
}

/* Scans the item at pos (< len). Returns 0, or -1 when malformed. */
static int scan_item(const char *d, size_t len, size_t pos, struct item *it)
{
	size_t p, e;

	memset(it, 0, sizeof(*it));
	it->start = pos;
	if (d[pos] != '<') {
		it->kind = IT_TEXT;
		p = pos;
		while (p < len && d[p] != '<')
			p++;
		it->end = p;
		return 0;
	}
	if (has_prefix(d, len, pos, "<!--")) {
		e = find(d, len, pos + 4, "-->");
		if (e == len)
			return -1;
		it->kind = IT_COMMENT;
		it->end = e + 3;
		return 0;
	}
	if (has_prefix(d, len, pos, "<![CDATA[")) {
		e = find(d, len, pos + 9, "]]>");
		if (e == len)
			return -1;
		it->kind = IT_CDATA;
		it->end = e + 3;
		return 0;
	}
	if (has_prefix(d, len, pos, "<?")) {
		e = find(d, len, pos + 2, "?>");
		if (e == len)
			return -1;
		it->kind = IT_PI;
		it->end = e + 2;
		return 0;
	}
	if (has_prefix(d, len, pos, "<!")) {
		/* DOCTYPE: quoted literals and an internal subset may hold '>'. */
		int depth = 0;
		char q = 0;

		for (p = pos + 2; p < len; p++) {
			char ch = d[p];

			if (q) {
				if (ch == q)
					q = 0;
			} else if (ch == '"' || ch == '\'')
				q = ch;
			else if (ch == '[')
				depth++;
			else if (ch == ']' && depth > 0)
				depth--;
			else if (ch == '>' && depth == 0)
				break;
		}
		if (p == len)
			return -1;
		it->kind = IT_DECL;
		it->end = p + 1;
		return 0;
	}
	p = pos + 1;
	it->kind = IT_TAG;
	if (p < len && d[p] == '/') {
		it->kind = IT_END;
		p++;
	}
	it->name = p;
	while (p < len && !is_name_end(d[p]))
		p++;
	it->name_len = p - it->name;
	if (it->name_len == 0 || it->name_len > XML_MAX_NAME)
		return -1;
	for (;;) {
		while (p < len && ob_is_space(d[p]))
			p++;
		if (p >= len)
			return -1;
		if (d[p] == '>') {
			it->end = p + 1;
			return 0;
		}
		if (it->kind == IT_END)
			return -1;
		if (d[p] == '/') {
			if (p + 1 >= len || d[p + 1] != '>')
				return -1;
			it->self_closing = 1;
			it->end = p + 2;
			return 0;
		}
		/* attribute: name = "value" */
		e = p;
		while (p < len && !is_name_end(d[p]))
			p++;
		if (p == e)
			return -1;
		while (p < len && ob_is_space(d[p]))
			p++;
		if (p >= len || d[p] != '=')
			return -1;
		p++;
		while (p < len && ob_is_space(d[p]))
			p++;
		if (p >= len || (d[p] != '"' && d[p] != '\''))
			return -1;
		e = p + 1;
		while (e < len && d[e] != d[p] && d[e] != '<')
			e++;
		if (e >= len || d[e] != d[p])
			return -1;
		p = e + 1;
	}
}

static int name_is(const char *d, const struct item *it, const char *name)
{
	size_t n = strlen(name);

	return it->name_len == n && memcmp(d + it->name, name, n) == 0;
}

/* Finds attribute `name` in a scanned start tag: sets its value span and
 * returns 1, or returns 0. The tag was validated by scan_item. */
static int tag_attr(const char *d, const struct item *it, const char *name,
		    size_t *val, size_t *vlen)
{
	size_t p = it->name + it->name_len, n = strlen(name), a, e;

	for (;;) {
		while (p < it->end && ob_is_space(d[p]))
			p++;
		if (p >= it->end || d[p] == '>' || d[p] == '/')
			return 0;
		a = p;
		while (!is_name_end(d[p]))
			p++;
		e = p;
		while (d[p] != '"' && d[p] != '\'')
			p++;
		*val = p + 1;
		p++;
		while (d[p] != d[*val - 1])
			p++;
		*vlen = p - *val;
		p++;
		if (e - a == n && memcmp(d + a, name, n) == 0)
			return 1;
	}
}

/* Finds the root start tag after the prolog. Returns 0, or -1 when the
 * document does not start with markup and an <svg> root. */
static int svg_root(const char *d, size_t len, struct item *root)
{
	size_t pos = 0;

	if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		if (scan_item(d, len, pos, root) < 0)
			return -1;
		switch (root->kind) {
		case IT_TEXT:
			for (; pos < root->end; pos++)
				if (!ob_is_space(d[pos]))
					return -1;
			break;
		case IT_COMMENT:
		case IT_PI:
		case IT_DECL:
			break;
		case IT_TAG:
			return name_is(d, root, "svg") ? 0 : -1;
		default:
			return -1;
		}
		pos = root->end;
	}
	return -1;
}

#define CRED_TAG "openbadges:credential"
#define ASSERTION_TAG "openbadges:assertion" /* OB 2.0 (ob2.md 5.2) */

/* Finds the next <openbadges:credential> at or after pos: *el is its start
 * tag, *end the offset just past its end tag. Returns 1 found, 0 none,
 * -1 malformed. */
/* -1 malformed, -2 over the item budget, 0 none, 1 found. */
static int find_cred(const char *d, size_t len, size_t pos, const char *tag, struct item *el, size_t *end)
{
	struct item it;
	long items = 0;

	while (pos < len) {
		if (++items > OB_BAKE_MAX_SVG_ITEMS)
			return -2;
		if (scan_item(d, len, pos, el) < 0)
			return -1;
		pos = el->end;
		if (el->kind != IT_TAG || !name_is(d, el, tag))
			continue;
		if (el->self_closing) {
			*end = el->end;
			return 1;
		}
		while (pos < len) {
			if (++items > OB_BAKE_MAX_SVG_ITEMS)
				return -2;
			if (scan_item(d, len, pos, &it) < 0)
				return -1;
			pos = it.end;
			if (it.kind == IT_END && name_is(d, &it, tag)) {
				*end = it.end;
				return 1;
			}
		}
		return -1;
	}
	return 0;
}

static void put_utf8(ob_buf *out, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	ob_buf_add(out, u, n);
}

/* Appends s[0, n) with XML entities decoded. Returns 0, or -1 on a bad
 * entity. */
static int xml_unescape(const char *s, size_t n, ob_buf *out)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	size_t i = 0, k;

	while (i < n) {
		if (s[i] != '&') {
			ob_buf_addc(out, s[i++]);
			continue;
		}
		i++;
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
			if (has_prefix(s, n, i, ents[k].name))
				break;
		if (k < sizeof(ents) / sizeof(ents[0])) {
			ob_buf_addc(out, ents[k].c);
			i += strlen(ents[k].name);
		} else if (i < n && s[i] == '#') {
			unsigned long cp = 0;
			int hex = 0, digits = 0;

			i++;
			if (i < n && s[i] == 'x') {
				hex = 1;
				i++;
			}
			for (; i < n && s[i] != ';'; i++, digits++) {
				char c = s[i];
				int v;

				if (c >= '0' && c <= '9')
					v = c - '0';
				else if (hex && c >= 'a' && c <= 'f')
					v = c - 'a' + 10;
				else if (hex && c >= 'A' && c <= 'F')
					v = c - 'A' + 10;
				else
					return -1;
				cp = cp * (hex ? 16 : 10) + (unsigned long)v;
				if (cp > 0x10FFFF)
					return -1;
			}
			if (i >= n || digits == 0 || cp == 0 ||
			    (cp >= 0xD800 && cp <= 0xDFFF))
				return -1;
			i++;
			put_utf8(out, cp);
		} else
			return -1;
	}
	return 0;
}

/* Appends el's content: its CDATA sections concatenated, else its text
 * (entities decoded, surrounding whitespace dropped). */
static ob_code svg_body(const char *d, size_t len, const struct item *el, size_t end, ob_buf *out,
			ob_error *err)
{
	struct item it;
	size_t pos, start = out->len;
	int cdata = 0;

	for (pos = el->end; !el->self_closing && pos < end; pos = it.end) {
		if (scan_item(d, len, pos, &it) < 0)
			return ob_fail(err, OB_EPARSE, "malformed SVG markup");
		if (it.kind == IT_CDATA) {
			if (!cdata)
				ob_buf_truncate(out, start);
			cdata = 1;
			ob_buf_add(out, d + it.start + 9, it.end - it.start - 12);
		} else if (it.kind == IT_TEXT && !cdata) {
			if (xml_unescape(d + it.start, it.end - it.start, out) < 0) {
				ob_buf_truncate(out, start);
				return ob_fail(err, OB_EPARSE, "bad XML entity in SVG credential");
			}
		}
	}
	if (!cdata && out->data) {
		/* Plain text: whitespace around it is layout. */
		size_t a = start, b = out->len;

		while (a < b && ob_is_space(out->data[a]))
			a++;
		while (b > a && ob_is_space(out->data[b - 1]))
			b--;
		memmove(out->data + start, out->data + a, b - a);
		ob_buf_truncate(out, start + (b - a));
	}
	return OB_OK;
}

/* The OB 3.0 element: its verify attribute, else its content. Without
 * one, an OB 2.0 <openbadges:assertion> (Baking 1.0, ob2.md 5.2): its
 * content (a hosted assertion's JSON), else its verify attribute (a
 * signed one's JWS). */
static ob_code svg_extract(const char *d, size_t len, ob_buf *out, ob_error *err)
{
	struct item root, el;
	size_t end, val, vlen, start = out->len;
	int r, ob2 = 0;
	ob_code rc;

	if (svg_root(d, len, &root) < 0)
		return ob_fail(err, OB_EPARSE, "not an SVG document");
	r = find_cred(d, len, root.end, CRED_TAG, &el, &end);
	if (r == 0) {
		r = find_cred(d, len, root.end, ASSERTION_TAG, &el, &end);
		ob2 = 1;
	}
	if (r == -2)
		return ob_fail(err, OB_ELIMIT, "over budget: SVG with more than %d elements and texts",
			       OB_BAKE_MAX_SVG_ITEMS);
	if (r < 0)
		return ob_fail(err, OB_EPARSE, "malformed SVG markup");
	if (r == 0)
		return ob_fail(err, OB_EPARSE, "no Open Badges credential in this SVG");
	if (ob2) {
		if ((rc = svg_body(d, len, &el, end, out, err)))
			return rc;
		if (out->len > start)
			goto done;
	}
	if (tag_attr(d, &el, "verify", &val, &vlen)) {
		if (xml_unescape(d + val, vlen, out) < 0)
			return ob_fail(err, OB_EPARSE, "bad XML entity in SVG verify attribute");
		goto done;
	}
	if (!ob2 && (rc = svg_body(d, len, &el, end, out, err)))
		return rc;
done:
	if (out->oom)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (out->len == start)
		return ob_fail(err, OB_EPARSE, "empty Open Badges credential in this SVG");
	return OB_OK;
}

static void xml_escape_attr(const char *s, size_t n, ob_buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': ob_buf_adds(out, "&amp;"); break;
		case '<': ob_buf_adds(out, "&lt;"); break;
		case '>': ob_buf_adds(out, "&gt;"); break;
		case '"': ob_buf_adds(out, "&quot;"); break;
		case '\'': ob_buf_adds(out, "&apos;"); break;
		/* attribute-value normalisation would turn these into spaces */
		case '\n': ob_buf_adds(out, "&#10;"); break;
		case '\r': ob_buf_adds(out, "&#13;"); break;
		case '\t': ob_buf_adds(out, "&#9;"); break;
		default: ob_buf_addc(out, s[i]);
		}
	}
}

static void cred_element(const char *cred, size_t clen, ob_buf *out)
{
	size_t i, from = 0;

	if (ob_jwt_sniff(cred, clen)) {
		ob_buf_adds(out, "<" CRED_TAG " verify=\"");
		xml_escape_attr(cred, clen, out);
		ob_buf_adds(out, "\"></" CRED_TAG ">");
		return;
	}
	ob_buf_adds(out, "<" CRED_TAG "><![CDATA[");
	for (i = 0; i + 3 <= clen; i++) {
		if (memcmp(cred + i, "]]>", 3) == 0) {
			/* end the section between "]]" and ">" */
			ob_buf_add(out, cred + from, i + 2 - from);
			ob_buf_adds(out, "]]><![CDATA[");
			from = i + 2;
		}
	}
	ob_buf_add(out, cred + from, clen - from);
	ob_buf_adds(out, "]]></" CRED_TAG ">");
}

static ob_code svg_bake(const char *d, size_t len, const char *cred, size_t clen,
			ob_buf *out, ob_error *err)
{
	struct item root, el;
	size_t val, vlen, pos, end;
	int r;

	if (memchr(cred, '\0', clen))
		return ob_fail(err, OB_EUSAGE, "credential contains a NUL byte");
	if (svg_root(d, len, &root) < 0)
		return ob_fail(err, OB_EPARSE, "not an SVG document");
	pos = root.name + root.name_len;
	ob_buf_add(out, d, pos);
	if (!tag_attr(d, &root, "xmlns:openbadges", &val, &vlen))
		ob_buf_adds(out, " xmlns:openbadges=\"" OB_BAKE_SVG_NS "\"");
	if (root.self_closing) {
		ob_buf_add(out, d + pos, root.end - 2 - pos);
		ob_buf_addc(out, '>');
		cred_element(cred, clen, out);
		ob_buf_adds(out, "</svg>");
	} else {
		ob_buf_add(out, d + pos, root.end - pos);
		cred_element(cred, clen, out);
	}
	/* Copy the rest, dropping every old credential element. */
	pos = root.end;
	while ((r = find_cred(d, len, pos, CRED_TAG, &el, &end)) == 1) {
		ob_buf_add(out, d + pos, el.start - pos);
		pos = end;
	}
	if (r == -2)
		return ob_fail(err, OB_ELIMIT, "over budget: SVG with more than %d elements and texts",
			       OB_BAKE_MAX_SVG_ITEMS);
	if (r < 0)
		return ob_fail(err, OB_EPARSE, "malformed SVG markup");
	ob_buf_add(out, d + pos, len - pos);
	if (out->oom)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* ---- public ---- */

ob_image_kind ob_bake_sniff(const char *data, size_t len)
{
	struct item root;

	if (!data)
		return OB_IMAGE_NONE;
	if (len >= sizeof(png_sig) && memcmp(data, png_sig, sizeof(png_sig)) == 0)
		return OB_IMAGE_PNG;
	if (svg_root(data, len, &root) == 0)
		return OB_IMAGE_SVG;
	return OB_IMAGE_NONE;
}

ob_code ob_bake_extract(const char *data, size_t len, ob_buf *out, ob_error *err)
{
	size_t start;
	ob_code rc;

	if (!out || (!data && len))
		return ob_fail(err, OB_EUSAGE, "no image given");
	start = out->len;
	switch (ob_bake_sniff(data, len)) {
	case OB_IMAGE_PNG:
		rc = png_extract((const unsigned char *)data, len, out, err);
		break;
	case OB_IMAGE_SVG:
		rc = svg_extract(data, len, out, err);
		break;
	default:
		rc = ob_fail(err, OB_EPARSE, "not a PNG or SVG image");
	}
	if (!rc && out->oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	if (rc)
		ob_buf_truncate(out, start);
	return rc;
}

ob_code ob_bake(const char *image, size_t len, const char *credential, size_t clen,
		ob_buf *out, ob_error *err)
{
	size_t start;
	ob_code rc;

	if (!out || (!image && len) || !credential || !clen)
		return ob_fail(err, OB_EUSAGE, "no image or credential given");
	start = out->len;
	switch (ob_bake_sniff(image, len)) {
	case OB_IMAGE_PNG:
		rc = png_bake((const unsigned char *)image, len, credential, clen, out, err);
		break;
	case OB_IMAGE_SVG:
		rc = svg_bake(image, len, credential, clen, out, err);
		break;
	default:
		rc = ob_fail(err, OB_EPARSE, "not a PNG or SVG image");
	}
	if (rc)
		ob_buf_truncate(out, start);
	return rc;
}
