/* rdfc: datasets of interned terms, strict N-Quads, canonical N-Quads and
 * RDFC-1.0. Section and step numbers refer to the W3C Recommendation "RDF
 * Dataset Canonicalization" (RDFC-1.0, 2024). Where the spec leaves room,
 * we follow rdf-canonize (the eddsa-rdfc-2022 reference): its permutation
 * order, its sort by UTF-16 code units, and its work limit. */
#include "canon/rdfc.h"

#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/codec.h"

#define NONE UINT32_MAX
#define CHUNK_SIZE 16384
#define MAX_HASH 48
static const char OVER_BYTES[] = "over budget: more than 32 MiB of RDF terms";
#define RECENT 128 /* direct-mapped cache of terms given to ob_rdf_dataset_add */

/* ---- dataset ---------------------------------------------------------- */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct term {
	const char *nt;    /* canonical N-Quads form, NUL-terminated */
	uint32_t nt_len;
	uint32_t hash;
	unsigned char kind;
	unsigned char ascii; /* nt has no byte >= 0x80 */
};

struct quad {
	uint32_t s, p, o, g; /* term indexes; g is NONE for the default graph */
};

struct ob_rdf_dataset {
	struct chunk *arena;
	size_t bytes;
	struct term *terms;
	uint32_t nterms, terms_cap;
	uint32_t *term_tab;  /* open addressing: term index + 1, 0 is empty */
	uint32_t term_mask;
	struct quad *quads;
	uint32_t nquads, quads_cap;
	uint32_t *quad_tab;  /* same for quads */
	uint32_t quad_mask;
	uint32_t recent[RECENT]; /* IRIs and blank nodes lately added: term index + 1 */
	ob_buf nt;           /* scratch for building a term's form */
	ob_buf val;          /* scratch for the parser's decoded values */
	ob_buf aux;
	/* first storage, in the same allocation: a credential's dataset
	 * needs no other */
	uint32_t term_tab0[256], quad_tab0[256];
	struct term terms0[64];
	struct quad quads0[64];
	size_t arena0_used;
	char arena0[4096];
};

/* FNV-1a style over 8-byte words, two lanes: table hashing, not
 * security. */
static uint32_t fnv(const void *p, size_t len, uint32_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ull ^ seed, g = 0x9e3779b97f4a7c15ull ^ len, w, x;

	for (; len >= 16; s += 16, len -= 16) {
		memcpy(&w, s, 8);
		memcpy(&x, s + 8, 8);
		h = (h ^ w) * 1099511628211ull;
		g = (g ^ x) * 1099511628211ull;
		h ^= h >> 29;
		g ^= g >> 29;
	}
	if (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 1099511628211ull;
		h ^= h >> 29;
		s += 8;
		len -= 8;
	}
	if (len) {
		/* byte by byte: a short memcpy into w, then loading w, stalls
		 * on store forwarding */
		for (w = 0; len; len--)
			w = w << 8 | s[len - 1];
		g = (g ^ w) * 1099511628211ull;
	}
	h = (h ^ g) * 1099511628211ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static uint32_t quad_hash(const struct quad *q)
{
	return fnv(q, sizeof(*q), 2166136261u);
}

static char *arena_dup(ob_rdf_dataset *ds, const char *s, size_t len)
{
	struct chunk *c = ds->arena;
	char *r;

	if (sizeof(ds->arena0) - ds->arena0_used >= len + 1) {
		r = ds->arena0 + ds->arena0_used;
		memcpy(r, s, len);
		r[len] = '\0';
		ds->arena0_used += len + 1;
		return r;
	}
	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > CHUNK_SIZE ? len + 1 : CHUNK_SIZE;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		/* a big one-off goes behind the current chunk, which keeps its room */
		if (ds->arena && cap > CHUNK_SIZE) {
			c->next = ds->arena->next;
			ds->arena->next = c;
		} else {
			c->next = ds->arena;
			ds->arena = c;
		}
	}
	r = c->data + c->used;
	memcpy(r, s, len);
	r[len] = '\0';
	c->used += len + 1;
	return r;
}

ob_rdf_dataset *ob_rdf_dataset_new(void)
{
	/* only the header and the tables need zeroes */
	ob_rdf_dataset *ds = malloc(sizeof(*ds));

	if (!ds)
		return NULL;
	memset(ds, 0, offsetof(ob_rdf_dataset, terms0));
	ds->term_mask = 255;
	ds->quad_mask = 255;
	ds->term_tab = ds->term_tab0;
	ds->quad_tab = ds->quad_tab0;
	ds->terms = ds->terms0;
	ds->terms_cap = 64;
	ds->quads = ds->quads0;
	ds->quads_cap = 64;
	ds->arena0_used = 0;
	return ds;
}

void ob_rdf_dataset_free(ob_rdf_dataset *ds)
{
	struct chunk *c, *next;

	if (!ds)
		return;
	for (c = ds->arena; c; c = next) {
		next = c->next;
		free(c);
	}
	if (ds->terms != ds->terms0)
		free(ds->terms);
	if (ds->term_tab != ds->term_tab0)
		free(ds->term_tab);
	if (ds->quads != ds->quads0)
		free(ds->quads);
	if (ds->quad_tab != ds->quad_tab0)
		free(ds->quad_tab);
	ob_buf_release(&ds->nt);
	ob_buf_release(&ds->val);
	ob_buf_release(&ds->aux);
	free(ds);
}

size_t ob_rdf_dataset_size(const ob_rdf_dataset *ds)
{
	return ds ? ds->nquads : 0;
}

/* Doubles an open-addressing table of quads (quads) or terms. */
static int rehash(uint32_t **tab, uint32_t *mask, ob_rdf_dataset *ds,
		  int quads)
{
	uint32_t nmask = *mask * 2 + 1, i, j, h;
	uint32_t *nt = calloc((size_t)nmask + 1, sizeof(uint32_t));

	if (!nt)
		return -1;
	for (i = 0; i <= *mask; i++) {
		if (!(*tab)[i])
			continue;
		h = quads ? quad_hash(&ds->quads[(*tab)[i] - 1])
			  : ds->terms[(*tab)[i] - 1].hash;
		for (j = h & nmask; nt[j]; j = (j + 1) & nmask)
			;
		nt[j] = (*tab)[i];
	}
	if (*tab != ds->term_tab0 && *tab != ds->quad_tab0)
		free(*tab);
	*tab = nt;
	*mask = nmask;
	return 0;
}

static int is_ascii(const char *s, size_t len)
{
	uint64_t w, high = 0;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		high |= w;
	}
	for (; i < len; i++)
		high |= (unsigned char)s[i];
	return !(high & 0x8080808080808080ull);
}

/* Interns the term whose canonical form is nt; returns its index or NONE
 * when out of memory or over the size cap. */
static uint32_t intern(ob_rdf_dataset *ds, int kind, const char *nt, size_t len)
{
	uint32_t h = fnv(nt, len, 2166136261u) ^ (uint32_t)kind, i;
	struct term *t;

	for (i = h & ds->term_mask; ds->term_tab[i]; i = (i + 1) & ds->term_mask) {
		t = &ds->terms[ds->term_tab[i] - 1];
		if (t->hash == h && t->kind == kind && t->nt_len == len &&
		    !memcmp(t->nt, nt, len))
			return ds->term_tab[i] - 1;
	}
	if (len > OB_RDF_MAX_BYTES || ds->bytes + len > OB_RDF_MAX_BYTES)
		return NONE;
	if (ds->nterms == ds->terms_cap) {
		uint32_t cap = ds->terms_cap * 2;
		struct term *nts = realloc(ds->terms == ds->terms0 ? NULL : ds->terms,
					   cap * sizeof(*nts));

		if (!nts)
			return NONE;
		if (ds->terms == ds->terms0)
			memcpy(nts, ds->terms0, sizeof(ds->terms0));
		ds->terms = nts;
		ds->terms_cap = cap;
	}
	t = &ds->terms[ds->nterms];
	if (!(t->nt = arena_dup(ds, nt, len)))
		return NONE;
	t->ascii = is_ascii(nt, len);
	ds->bytes += len;
	t->nt_len = (uint32_t)len;
	t->hash = h;
	t->kind = (unsigned char)kind;
	ds->term_tab[i] = ++ds->nterms;
	if (ds->nterms * 2 > ds->term_mask &&
	    rehash(&ds->term_tab, &ds->term_mask, ds, 0))
		return NONE; /* the term stays interned; the caller fails anyway */
	return ds->nterms - 1;
}

/* Adds a quad of interned terms unless present. */
static int add_quad(ob_rdf_dataset *ds, uint32_t s, uint32_t p, uint32_t o,
		    uint32_t g)
{
	struct quad q = { s, p, o, g };
	uint32_t h = quad_hash(&q), i;

	for (i = h & ds->quad_mask; ds->quad_tab[i]; i = (i + 1) & ds->quad_mask)
		if (!memcmp(&ds->quads[ds->quad_tab[i] - 1], &q, sizeof(q)))
			return 0;
	if (ds->nquads >= OB_RDF_MAX_QUADS)
		return -2;
	if (ds->nquads == ds->quads_cap) {
		uint32_t cap = ds->quads_cap * 2;
		struct quad *nq = realloc(ds->quads == ds->quads0 ? NULL : ds->quads,
					  cap * sizeof(*nq));

		if (!nq)
			return -1;
		if (ds->quads == ds->quads0)
			memcpy(nq, ds->quads0, sizeof(ds->quads0));
		ds->quads = nq;
		ds->quads_cap = cap;
	}
	ds->quads[ds->nquads] = q;
	ds->quad_tab[i] = ++ds->nquads;
	if (ds->nquads * 2 > ds->quad_mask &&
	    rehash(&ds->quad_tab, &ds->quad_mask, ds, 1))
		return -1;
	return 0;
}

/* ---- canonical N-Quads forms (RDFC-1.0 App. A) ------------------------ */

static const char hexu[] = "0123456789ABCDEF";

static void add_uchar4(ob_buf *b, unsigned c)
{
	char u[6] = { '\\', 'u', hexu[(c >> 12) & 15], hexu[(c >> 8) & 15],
		      hexu[(c >> 4) & 15], hexu[c & 15] };

	ob_buf_add(b, u, 6);
}

/* Characters IRIREF forbids. */
static const unsigned char iri_esc[256] = {
	[0 ... 0x20] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['{'] = 1, ['}'] = 1,
	['|'] = 1, ['^'] = 1, ['`'] = 1, ['\\'] = 1,
};

/* Bytes a canonical literal escapes. */
static const unsigned char lit_esc[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};

/* IRIs go out unchanged; like rdf-canonize we \u-escape the characters
 * IRIREF forbids, which only a \u escape in the input can produce. */
/* open + s + close in one step: the common case of a term that needs no
 * escape */
static void add_wrapped(ob_buf *b, char open, const char *s, size_t len, char close)
{
	if (ob_buf_grow(b, len + 2))
		return;
	b->data[b->len] = open;
	memcpy(b->data + b->len + 1, s, len);
	b->data[b->len + 1 + len] = close;
	b->len += len + 2;
	b->data[b->len] = '\0';
}

static void nt_iri(ob_buf *b, const char *s, size_t len)
{
	size_t i, run = 0;

	/* the usual IRI needs no escape: one copy */
	for (i = 0; i < len && !iri_esc[(unsigned char)s[i]]; i++)
		;
	if (i == len) {
		add_wrapped(b, '<', s, len, '>');
		return;
	}
	ob_buf_addc(b, '<');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (iri_esc[c]) {
			ob_buf_add(b, s + run, i - run);
			add_uchar4(b, c);
			run = i + 1;
		}
	}
	ob_buf_add(b, s + run, len - run);
	ob_buf_addc(b, '>');
}

/* Canonical literal escapes: ECHAR for \b \t \n \f \r \" \\, UCHAR for the
 * other C0 controls and DEL, everything else as raw UTF-8. */
static void nt_string(ob_buf *b, const char *s, size_t len)
{
	size_t i, run = 0;

	for (i = 0; i < len && !lit_esc[(unsigned char)s[i]]; i++)
		;
	if (i == len) {
		add_wrapped(b, '"', s, len, '"');
		return;
	}
	ob_buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;

		if (!lit_esc[c])
			continue;
		ob_buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '\b': e = "\\b"; break;
		case '\t': e = "\\t"; break;
		case '\n': e = "\\n"; break;
		case '\f': e = "\\f"; break;
		case '\r': e = "\\r"; break;
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		}
		if (e)
			ob_buf_add(b, e, 2);
		else
			add_uchar4(b, c);
	}
	ob_buf_add(b, s + run, len - run);
	ob_buf_addc(b, '"');
}

static int is_absolute_iri(const char *s, size_t len)
{
	size_t i;

	if (!len || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return 0;
	for (i = 1; i < len; i++) {
		char c = s[i];

		if (c == ':')
			return 1;
		if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') &&
		    !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

/* BCP 47 shape as N-Quads' LANGTAG: [a-zA-Z]+ ('-' [a-zA-Z0-9]+)* */
static size_t langtag_len(const char *s, size_t len)
{
	size_t i = 0, start;

	while (i < len && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
		i++;
	if (i == 0)
		return 0;
	while (i < len && s[i] == '-') {
		start = ++i;
		while (i < len && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
				   (s[i] >= '0' && s[i] <= '9')))
			i++;
		if (i == start)
			return 0;
	}
	return i;
}

/* Interns a term given by kind and value. Returns the index, NONE on
 * failure with *why set. */
static uint32_t term_of(ob_rdf_dataset *ds, int kind, const char *v, size_t len,
			const char *dt, size_t dt_len, const char *lang,
			size_t lang_len, const char **why)
{
	ob_buf *b = &ds->nt;
	size_t i;

	b->len = 0;
	switch (kind) {
	case OB_RDF_IRI:
		if (!is_absolute_iri(v, len)) {
			*why = "IRI is not absolute";
			return NONE;
		}
		nt_iri(b, v, len);
		break;
	case OB_RDF_BLANK:
		for (i = 0; i < len && (unsigned char)v[i] > 0x20; i++)
			;
		if (!len || i < len) {
			*why = "bad blank node label";
			return NONE;
		}
		ob_buf_add(b, "_:", 2);
		ob_buf_add(b, v, len);
		break;
	case OB_RDF_LITERAL:
		nt_string(b, v, len);
		if (lang) {
			if (!lang_len || langtag_len(lang, lang_len) != lang_len) {
				*why = "invalid language tag";
				return NONE;
			}
			ob_buf_addc(b, '@');
			ob_buf_add(b, lang, lang_len);
		} else if (dt && !(dt_len == sizeof(OB_RDF_XSD_STRING) - 1 &&
				   !memcmp(dt, OB_RDF_XSD_STRING, dt_len))) {
			if (!is_absolute_iri(dt, dt_len)) {
				*why = "datatype IRI is not absolute";
				return NONE;
			}
			ob_buf_add(b, "^^", 2);
			nt_iri(b, dt, dt_len);
		}
		break;
	default:
		*why = "bad term kind";
		return NONE;
	}
	if (b->oom) {
		*why = NULL;
		return NONE;
	}
	*why = NULL;
	if (b->len > OB_RDF_MAX_BYTES || ds->bytes + b->len > OB_RDF_MAX_BYTES)
		*why = OVER_BYTES; /* unless intern finds it already there */
	{
		uint32_t id = intern(ds, kind, b->data, b->len);
		if (id != NONE)
			*why = NULL;
		return id;
	}
}

/* The slot of an IRI or blank node in ds->recent. */
static uint32_t recent_slot(int kind, const char *v, size_t len)
{
	const unsigned char *u = (const unsigned char *)v;

	return (uint32_t)(len * 31u + u[len - 1] * 7u + u[len / 2] * 13u + u[len - len / 4 - 1] +
			  (unsigned)kind) % RECENT;
}

/* Whether term t is the IRI or blank node v: its canonical form is "<v>"
 * or "_:v" (an IRI needing escapes has a longer form, so never matches). */
static int recent_match(const struct term *t, int kind, const char *v, size_t len)
{
	return t->kind == kind && t->nt_len == len + 2 &&
	       !memcmp(t->nt + (kind == OB_RDF_IRI ? 1 : 2), v, len);
}

static uint32_t api_term(ob_rdf_dataset *ds, const ob_rdf_term *t,
			 const char *role, unsigned kinds, ob_error *err)
{
	const char *why = "out of memory";
	uint32_t id, slot = 0;
	int cache;

	if (!t || !(kinds & (1u << t->kind)) || (!t->value && t->len)) {
		ob_fail(err, OB_EUSAGE, "rdf quad: bad %s kind", role);
		return NONE;
	}
	cache = t->kind != OB_RDF_LITERAL && t->len > 0;
	if (cache) {
		slot = recent_slot(t->kind, t->value, t->len);
		if (ds->recent[slot] &&
		    recent_match(&ds->terms[ds->recent[slot] - 1], t->kind, t->value, t->len))
			return ds->recent[slot] - 1;
	}
	id = term_of(ds, t->kind, t->value ? t->value : "", t->len, t->datatype,
		     t->datatype ? strlen(t->datatype) : 0, t->lang,
		     t->lang ? strlen(t->lang) : 0, &why);
	if (cache && id != NONE)
		ds->recent[slot] = id + 1;
	if (id == NONE) {
		if (why == OVER_BYTES)
			ob_fail(err, OB_ELIMIT, "%s", why);
		else if (why)
			ob_fail(err, OB_EUSAGE, "rdf quad: %s: %s", role, why);
		else
			ob_fail(err, OB_ENOMEM, "rdf quad: out of memory");
	}
	return id;
}

ob_code ob_rdf_dataset_add(ob_rdf_dataset *ds, const ob_rdf_term *s,
			   const ob_rdf_term *p, const ob_rdf_term *o,
			   const ob_rdf_term *g, ob_error *err)
{
	const unsigned node = 1u << OB_RDF_IRI | 1u << OB_RDF_BLANK;
	uint32_t si, pi, oi, gi = NONE;
	int r;

	if (!ds)
		return ob_fail(err, OB_EUSAGE, "rdf quad: no dataset");
	if ((si = api_term(ds, s, "subject", node, err)) == NONE ||
	    (pi = api_term(ds, p, "predicate", 1u << OB_RDF_IRI, err)) == NONE ||
	    (oi = api_term(ds, o, "object", node | 1u << OB_RDF_LITERAL, err)) == NONE ||
	    (g && (gi = api_term(ds, g, "graph", node, err)) == NONE))
		return err ? err->code : OB_EUSAGE;
	r = add_quad(ds, si, pi, oi, gi);
	if (r == -2)
		return ob_fail(err, OB_ELIMIT, "over budget: an RDF dataset of more than %u quads",
			       OB_RDF_MAX_QUADS);
	if (r)
		return ob_fail(err, OB_ENOMEM, "rdf quad: out of memory");
	return OB_OK;
}

/* ---- N-Quads parser --------------------------------------------------- */

struct parser {
	ob_rdf_dataset *ds;
	const char *p, *end, *line_start;
	size_t line;
	ob_error *err;
};

static ob_code perr(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static ob_code perr(struct parser *ps, const char *at, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ob_fail(ps->err, OB_EPARSE, "nquads line %zu column %zu: %s",
		       ps->line, (size_t)(at - ps->line_start) + 1, msg);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

static void add_utf8(ob_buf *b, unsigned long c)
{
	char u[4];

	if (c < 0x80) {
		u[0] = (char)c;
		ob_buf_add(b, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		ob_buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		ob_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		ob_buf_add(b, u, 4);
	}
}

/* Length of the valid UTF-8 sequence at s (non-ASCII lead), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned long c;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

/* \uXXXX or \UXXXXXXXX at ps->p (on the backslash); appends the UTF-8. */
static ob_code uchar(struct parser *ps, ob_buf *out)
{
	const char *at = ps->p;
	size_t n = ps->p + 1 < ps->end && ps->p[1] == 'u' ? 4 :
		   ps->p + 1 < ps->end && ps->p[1] == 'U' ? 8 : 0;
	unsigned long c = 0;
	size_t i;

	if (!n || (size_t)(ps->end - ps->p) < n + 2)
		return perr(ps, at, "bad escape");
	for (i = 0; i < n; i++) {
		int h = ob_hex_digit(ps->p[2 + i]);

		if (h < 0)
			return perr(ps, at, "bad escape: '%.*s' is not hex",
				    (int)n, ps->p + 2);
		c = c << 4 | (unsigned)h;
	}
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return perr(ps, at, "bad escape: U+%04lX is not a character", c);
	add_utf8(out, c);
	ps->p += n + 2;
	return OB_OK;
}

/* Non-ASCII byte sequence at ps->p: copies a valid one into out. */
static ob_code utf8(struct parser *ps, ob_buf *out)
{
	size_t n = utf8_len((const unsigned char *)ps->p,
			    (const unsigned char *)ps->end);

	if (!n)
		return perr(ps, ps->p, "invalid UTF-8");
	ob_buf_add(out, ps->p, n);
	ps->p += n;
	return OB_OK;
}

/* ASCII bytes copied as they are: inside an IRIREF, inside a literal. */
static unsigned char iri_plain[256], lit_plain[256];
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;

static void plain_init(void)
{
	int c;

	for (c = 0; c < 0x80; c++) {
		iri_plain[c] = c > 0x20 && !strchr("<>\"{}|^`\\", c);
		lit_plain[c] = c != '"' && c != '\\' && c != '\n' && c != '\r';
	}
}

/* IRIREF at '<'; the decoded IRI goes to out. */
static ob_code iriref(struct parser *ps, ob_buf *out)
{
	const char *start = ps->p++;
	ob_code rc;

	out->len = 0;
	for (;;) {
		unsigned char c;

		if (ps->p >= ps->end || *ps->p == '\n' || *ps->p == '\r')
			return perr(ps, start, "bad IRI: missing '>'");
		c = (unsigned char)*ps->p;
		if (c == '>')
			break;
		if (c == '\\') {
			if ((rc = uchar(ps, out)))
				return rc;
		} else if (c >= 0x80) {
			if ((rc = utf8(ps, out)))
				return rc;
		} else if (c <= 0x20 || strchr("<\"{}|^`", c)) {
			return perr(ps, ps->p, c <= 0x20 ?
				    "bad IRI: character U+%04X not allowed" :
				    "bad IRI: character '%c' not allowed", c);
		} else {
			const char *run = ps->p;

			while (ps->p < ps->end && iri_plain[(unsigned char)*ps->p])
				ps->p++;
			ob_buf_add(out, run, (size_t)(ps->p - run));
		}
	}
	ps->p++;
	if (!is_absolute_iri(out->data ? out->data : "", out->len))
		return perr(ps, start, "bad IRI '%.*s': not absolute",
			    (int)(out->len > 60 ? 60 : out->len),
			    out->data ? out->data : "");
	return OB_OK;
}

static int pn_chars_ascii(char c, int first)
{
	if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || c == ':' ||
	    (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '-' || c == '.');
}

/* BLANK_NODE_LABEL at '_'; the label (without "_:") goes to out. */
static ob_code blank(struct parser *ps, ob_buf *out)
{
	const char *start = ps->p;
	ob_code rc;

	out->len = 0;
	if (ps->end - ps->p < 3 || ps->p[1] != ':')
		return perr(ps, start, "bad blank node label");
	ps->p += 2;
	while (ps->p < ps->end) {
		unsigned char c = (unsigned char)*ps->p;

		if (c >= 0x80) {
			if ((rc = utf8(ps, out)))
				return rc;
		} else if (pn_chars_ascii((char)c, out->len == 0)) {
			ob_buf_addc(out, (char)c);
			ps->p++;
		} else {
			break;
		}
	}
	/* a label cannot end with '.': that is the statement's dot */
	while (out->len && out->data[out->len - 1] == '.') {
		out->len--;
		ps->p--;
	}
	if (!out->len)
		return perr(ps, start, "bad blank node label");
	return OB_OK;
}

/* A term at ps->p (IRI, blank node, or literal if literal_ok), interned. */
static ob_code term(struct parser *ps, const char *role, int literal_ok,
		    uint32_t *id)
{
	ob_rdf_dataset *ds = ps->ds;
	const char *start = ps->p, *why = NULL, *lang = NULL, *dt = NULL;
	size_t lang_len = 0, dt_len = 0;
	int kind;
	ob_code rc;

	if (ps->p >= ps->end)
		return perr(ps, ps->p, "missing %s", role);
	if (*ps->p == '<') {
		kind = OB_RDF_IRI;
		if ((rc = iriref(ps, &ds->val)))
			return rc;
	} else if (*ps->p == '_') {
		kind = OB_RDF_BLANK;
		if ((rc = blank(ps, &ds->val)))
			return rc;
	} else if (*ps->p == '"' && literal_ok) {
		kind = OB_RDF_LITERAL;
		ds->val.len = 0;
		ps->p++;
		for (;;) {
			unsigned char c;

			if (ps->p >= ps->end || *ps->p == '\n' || *ps->p == '\r')
				return perr(ps, start, "unterminated literal");
			c = (unsigned char)*ps->p;
			if (c == '"')
				break;
			if (c == '\\') {
				const char *e = ps->p + 1 < ps->end ?
					strchr("tbnrf\"'\\", ps->p[1]) : NULL;

				if (e && ps->p[1]) {
					ob_buf_addc(&ds->val, "\t\b\n\r\f\"'\\"
						    [e - "tbnrf\"'\\"]);
					ps->p += 2;
				} else if ((rc = uchar(ps, &ds->val))) {
					return rc;
				}
			} else if (c >= 0x80) {
				if ((rc = utf8(ps, &ds->val)))
					return rc;
			} else {
				const char *run = ps->p;

				while (ps->p < ps->end && lit_plain[(unsigned char)*ps->p])
					ps->p++;
				ob_buf_add(&ds->val, run, (size_t)(ps->p - run));
			}
		}
		ps->p++;
		if (ps->p < ps->end && *ps->p == '@') {
			lang = ++ps->p;
			lang_len = langtag_len(lang, (size_t)(ps->end - lang));
			ps->p += lang_len;
			if (!lang_len || (ps->p < ps->end &&
					  ((unsigned char)*ps->p >= 0x80 ||
					   (*ps->p != '.' && pn_chars_ascii(*ps->p, 0)))))
				return perr(ps, lang - 1, "invalid language tag");
		} else if (ps->p < ps->end && *ps->p == '^') {
			if (ps->end - ps->p < 3 || ps->p[1] != '^' || ps->p[2] != '<')
				return perr(ps, ps->p, "bad datatype: expected '^^<'");
			ps->p += 2;
			if ((rc = iriref(ps, &ds->aux)))
				return rc;
			dt = ds->aux.data;
			dt_len = ds->aux.len;
		}
	} else {
		return perr(ps, ps->p, "expected %s", role);
	}
	if (ds->val.oom || ds->aux.oom)
		return ob_fail(ps->err, OB_ENOMEM, "nquads: out of memory");
	*id = term_of(ds, kind, ds->val.data ? ds->val.data : "", ds->val.len,
		      dt, dt_len, lang, lang_len, &why);
	if (*id == NONE)
		return why == OVER_BYTES ? ob_fail(ps->err, OB_ELIMIT, "%s", why) :
		       why ? perr(ps, start, "%s", why)
			   : ob_fail(ps->err, OB_ENOMEM, "nquads: out of memory");
	return OB_OK;
}

static ob_code statement(struct parser *ps)
{
	uint32_t s, p, o, g = NONE;
	ob_code rc;
	int r;

	if (*ps->p == '"')
		return perr(ps, ps->p, "expected subject, got a literal");
	if ((rc = term(ps, "subject", 0, &s)))
		return rc;
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != '<')
		return perr(ps, ps->p, "expected predicate IRI");
	if ((rc = term(ps, "predicate", 0, &p)))
		return rc;
	skip_ws(ps);
	if ((rc = term(ps, "object", 1, &o)))
		return rc;
	skip_ws(ps);
	if (ps->p < ps->end && (*ps->p == '<' || *ps->p == '_')) {
		if ((rc = term(ps, "graph name", 0, &g)))
			return rc;
		skip_ws(ps);
	}
	if (ps->p >= ps->end || *ps->p != '.')
		return perr(ps, ps->p, "missing '.' at end of statement");
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '#')
		while (ps->p < ps->end && *ps->p != '\n' && *ps->p != '\r')
			ps->p++;
	if (ps->p < ps->end && *ps->p != '\n' && *ps->p != '\r')
		return perr(ps, ps->p, "unexpected text after '.'");
	r = add_quad(ps->ds, s, p, o, g);
	if (r == -2)
		return ob_fail(ps->err, OB_ELIMIT, "over budget: N-Quads of more than %u quads",
			       OB_RDF_MAX_QUADS);
	if (r)
		return ob_fail(ps->err, OB_ENOMEM, "nquads: out of memory");
	return OB_OK;
}

ob_code ob_rdf_parse_nquads(ob_rdf_dataset *ds, const char *text, size_t len,
			    ob_error *err)
{
	struct parser ps = { ds, text, text + len, text, 1, err };
	ob_code rc;

	if (!ds || (!text && len))
		return ob_fail(err, OB_EUSAGE, "nquads: no dataset or text");
	pthread_once(&plain_once, plain_init);
	while (ps.p < ps.end) {
		skip_ws(&ps);
		if (ps.p < ps.end && *ps.p == '#')
			while (ps.p < ps.end && *ps.p != '\n' && *ps.p != '\r')
				ps.p++;
		if (ps.p < ps.end && *ps.p != '\n' && *ps.p != '\r' &&
		    (rc = statement(&ps)))
			return rc;
		if (ps.p < ps.end) { /* at an end of line */
			if (*ps.p == '\r' && ps.p + 1 < ps.end && ps.p[1] == '\n')
				ps.p++;
			ps.p++;
			ps.line++;
			ps.line_start = ps.p;
		}
	}
	return OB_OK;
}

int ob_rdf_serialize_nquads(const ob_rdf_dataset *ds, ob_buf *out)
{
	uint32_t i;

	for (i = 0; ds && i < ds->nquads; i++) {
		const struct quad *q = &ds->quads[i];

		ob_buf_add(out, ds->terms[q->s].nt, ds->terms[q->s].nt_len);
		ob_buf_addc(out, ' ');
		ob_buf_add(out, ds->terms[q->p].nt, ds->terms[q->p].nt_len);
		ob_buf_addc(out, ' ');
		ob_buf_add(out, ds->terms[q->o].nt, ds->terms[q->o].nt_len);
		if (q->g != NONE) {
			ob_buf_addc(out, ' ');
			ob_buf_add(out, ds->terms[q->g].nt, ds->terms[q->g].nt_len);
		}
		ob_buf_add(out, " .\n", 3);
	}
	return out->oom ? -1 : 0;
}

/* ---- RDFC-1.0 ---------------------------------------------------------- */

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_sha256, *md_sha384;

static void md_fetch(void)
{
	md_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	md_sha384 = EVP_MD_fetch(NULL, "SHA2-384", NULL);
}

/* A line of N-Quads inside a scratch buffer. */
struct line {
	size_t off;
	uint32_t len;
	unsigned char ascii; /* no byte >= 0x80: sorts as bytes */
};

/* Identifier issuer (§4.5): ids[k] received the identifier b<k>. Lookups
 * are linear: the issuers that get copied hold few nodes. */
struct issuer {
	uint32_t *ids;
	uint32_t n, cap;
};

struct canon {
	const ob_rdf_dataset *ds;
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
	size_t hlen;
	uint32_t nb;          /* blank nodes, numbered by first appearance */
	uint32_t *bn_of_term; /* term -> blank node, NONE if not blank */
	uint32_t *bn_term;    /* blank node -> term */
	uint32_t *qoff;       /* blank node -> its quads: qlist[qoff[b]..qoff[b+1]] */
	uint32_t *qlist;
	unsigned char *fd;    /* first-degree hashes, hlen bytes each */
	char *fdhex;          /* the same in hex, 2*hlen+1 each */
	uint32_t *canon;      /* canonical number, NONE until issued */
	uint32_t *canon_order;
	uint32_t ncanon;
	uint32_t *rank;       /* order of the labels, for the permuter */
	int limited;
	int legacy;           /* URDNA2015 literal escapes */
	unsigned long long max_calls, calls_left, perms_left;
	ob_buf text;          /* scratch */
	ob_error *err;
};

static const char *label(const struct canon *c, uint32_t b)
{
	return c->ds->terms[c->bn_term[b]].nt + 2;
}

static int digest(struct canon *c, const void *data, size_t len,
		  unsigned char *out)
{
	return EVP_DigestInit_ex2(c->ctx, c->md, NULL) &&
	       EVP_DigestUpdate(c->ctx, data, len) &&
	       EVP_DigestFinal_ex(c->ctx, out, NULL);
}

static void add_hex(ob_buf *b, const unsigned char *h, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	if (ob_buf_grow(b, 2 * n))
		return;
	for (i = 0; i < n; i++) {
		b->data[b->len++] = hx[h[i] >> 4];
		b->data[b->len++] = hx[h[i] & 15];
	}
	b->data[b->len] = '\0';
}

/* Code point at s (valid UTF-8 assumed, bounded by end), ranked as
 * rdf-canonize sorts: by UTF-16 code units, so U+E000..U+FFFF come after
 * the supplementary characters. */
static unsigned long u16rank(const unsigned char *s, const unsigned char *end)
{
	unsigned long c = s[0];
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4, i;

	if (n > 1)
		c &= 0x3f >> (n - 1);
	for (i = 1; i < n && s + i < end; i++)
		c = c << 6 | (s[i] & 0x3f);
	return c >= 0xe000 && c <= 0xffff ? c + 0x110000 : c;
}

static int cmp_text(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl, i = 0, k;
	const unsigned char *ua = (const unsigned char *)a,
			    *ub = (const unsigned char *)b;
	unsigned long ra, rb;
	uint64_t wa, wb;

	for (; i + 8 <= n; i += 8) {
		memcpy(&wa, ua + i, 8);
		memcpy(&wb, ub + i, 8);
		if (wa != wb) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			i += (size_t)__builtin_ctzll(wa ^ wb) / 8;
#endif
			break;
		}
	}
	while (i < n && ua[i] == ub[i])
		i++;
	if (i == n)
		return al < bl ? -1 : al > bl;
	if (ua[i] < 0x80 && ub[i] < 0x80)
		return ua[i] < ub[i] ? -1 : 1;
	for (k = i; k > 0 && (ua[k] & 0xc0) == 0x80; k--)
		;
	ra = u16rank(ua + k, ua + al);
	rb = u16rank(ub + k, ub + bl);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return ua[i] < ub[i] ? -1 : 1;
}

/* Sorts lines in place: insertion sort for the few lines of one node,
 * qsort with a thread-local base for the rest. */
static _Thread_local const char *tl_base;

/* cmp_text for lines; ASCII lines compare as bytes, so memcmp */
static int cmp_line(const char *base, const struct line *a, const struct line *b)
{
	if (a->ascii && b->ascii) {
		int r = memcmp(base + a->off, base + b->off, a->len < b->len ? a->len : b->len);

		return r ? r : (a->len > b->len) - (a->len < b->len);
	}
	return cmp_text(base + a->off, a->len, base + b->off, b->len);
}

static int cmp_line_tl(const void *x, const void *y)
{
	return cmp_line(tl_base, x, y);
}

static int line_le(const char *base, const struct line *a, const struct line *b)
{
	return cmp_line(base, a, b) <= 0;
}

/* Merge sort of l[0..n) with tmp (room for n / 2 + 1 lines). */
static void merge_lines(const char *base, struct line *l, struct line *tmp, size_t n)
{
	size_t h = n / 2, i, j, k;

	if (n <= 16) {
		for (i = 1; i < n; i++) {
			struct line t = l[i];

			for (j = i; j > 0 && !line_le(base, &l[j - 1], &t); j--)
				l[j] = l[j - 1];
			l[j] = t;
		}
		return;
	}
	merge_lines(base, l, tmp, h);
	merge_lines(base, l + h, tmp, n - h);
	if (line_le(base, &l[h - 1], &l[h]))
		return;
	memcpy(tmp, l, h * sizeof(*l));
	for (i = 0, j = h, k = 0; i < h && j < n; k++)
		l[k] = line_le(base, &tmp[i], &l[j]) ? tmp[i++] : l[j++];
	while (i < h)
		l[k++] = tmp[i++];
}

static void sort_lines(const char *base, struct line *l, size_t n)
{
	size_t i, j;
	struct line *tmp;

	if (n > 16 && (tmp = malloc((n / 2 + 1) * sizeof(*tmp))) != NULL) {
		merge_lines(base, l, tmp, n);
		free(tmp);
		return;
	}
	if (n <= 16) {
		for (i = 1; i < n; i++) {
			struct line t = l[i];

			for (j = i; j > 0 && cmp_line(base, &l[j - 1], &t) > 0; j--)
				l[j] = l[j - 1];
			l[j] = t;
		}
		return;
	}
	tl_base = base;
	qsort(l, n, sizeof(*l), cmp_line_tl);
}

/* URDNA2015 (RDFC-1.0 App. B, as rdf-canonize 3.x writes it) escapes only
 * \" \\ \n \r in literals: rewrite our canonical form's other escapes
 * (\t \b \f and the \u00XX of controls and DEL) as raw bytes. Only the
 * quoted part changes; a datatype IRI keeps its escapes. Writes at most
 * len bytes at d; returns the end. */
static char *put_legacy_literal(char *d, const char *nt, size_t len)
{
	size_t i = 1, run = 0;

	while (i < len && nt[i] != '"') {
		char raw;

		if (nt[i] != '\\') {
			i++;
			continue;
		}
		switch (nt[i + 1]) {
		case 't': raw = '\t'; break;
		case 'b': raw = '\b'; break;
		case 'f': raw = '\f'; break;
		case 'u':
			raw = (char)(ob_hex_digit(nt[i + 4]) << 4 | ob_hex_digit(nt[i + 5]));
			memcpy(d, nt + run, i - run);
			d += i - run;
			*d++ = raw;
			i += 6;
			run = i;
			continue;
		default:
			i += 2;
			continue;
		}
		memcpy(d, nt + run, i - run);
		d += i - run;
		*d++ = raw;
		i += 2;
		run = i;
	}
	memcpy(d, nt + run, len - run);
	return d + len - run;
}

/* "_:c14n<n>" at d (at most C14N_MAX bytes); returns the end. */
#define C14N_MAX 16
static char *put_c14n(char *d, uint32_t n)
{
	char digits[10];
	size_t i = sizeof(digits);

	do
		digits[--i] = (char)('0' + n % 10);
	while (n /= 10);
	memcpy(d, "_:c14n", 6);
	memcpy(d + 6, digits + i, sizeof(digits) - i);
	return d + 6 + sizeof(digits) - i;
}

static void add_c14n(ob_buf *b, uint32_t n)
{
	if (ob_buf_grow(b, C14N_MAX))
		return;
	b->len = (size_t)(put_c14n(b->data + b->len, n) - b->data);
	b->data[b->len] = '\0';
}

/* Writes the term at d (room for max(nt_len, C14N_MAX) bytes); blank
 * nodes get canonical labels when self is NONE - 1, else _:a (self) or
 * _:z. Returns the end. */
static char *put_term(const struct canon *c, char *d, uint32_t t, uint32_t self)
{
	const struct term *tm = &c->ds->terms[t];

	if (tm->kind == OB_RDF_BLANK) {
		if (self == NONE - 1) /* canonical labels */
			return put_c14n(d, c->canon[c->bn_of_term[t]]);
		/* RDFC-1.0 4.6.3 step 3.1.1: _:a for the reference node, _:z for
		 * the others (canonical ids are not used here, as in every
		 * implementation) */
		memcpy(d, c->bn_of_term[t] == self ? "_:a" : "_:z", 3);
		return d + 3;
	}
	if (tm->kind == OB_RDF_LITERAL && c->legacy && memchr(tm->nt, '\\', tm->nt_len))
		return put_legacy_literal(d, tm->nt, tm->nt_len);
	memcpy(d, tm->nt, tm->nt_len);
	return d + tm->nt_len;
}

static size_t term_room(const struct canon *c, uint32_t t)
{
	uint32_t n = c->ds->terms[t].nt_len;

	return n > C14N_MAX ? n : C14N_MAX;
}

/* Whether put_quad writes only ASCII for q (blank node labels we write
 * are ASCII). */
static int quad_ascii(const struct canon *c, const struct quad *q)
{
	const struct term *t = c->ds->terms;

	return (t[q->s].ascii || t[q->s].kind == OB_RDF_BLANK) && t[q->p].ascii &&
	       (t[q->o].ascii || t[q->o].kind == OB_RDF_BLANK) &&
	       (q->g == NONE || t[q->g].ascii || t[q->g].kind == OB_RDF_BLANK);
}

/* Bytes put_quad may write for q. */
static size_t quad_room(const struct canon *c, const struct quad *q)
{
	return term_room(c, q->s) + term_room(c, q->p) + term_room(c, q->o) +
	       (q->g != NONE ? term_room(c, q->g) + 1 : 0) + 5;
}

static void put_quad(struct canon *c, ob_buf *b, const struct quad *q,
		     uint32_t self)
{
	char *d;

	if (ob_buf_grow(b, quad_room(c, q)))
		return;
	d = b->data + b->len;
	d = put_term(c, d, q->s, self);
	*d++ = ' ';
	d = put_term(c, d, q->p, self);
	*d++ = ' ';
	d = put_term(c, d, q->o, self);
	if (q->g != NONE) {
		*d++ = ' ';
		d = put_term(c, d, q->g, self);
	}
	memcpy(d, " .\n", 3);
	d += 3;
	b->len = (size_t)(d - b->data);
	b->data[b->len] = '\0';
}

static ob_code fail_oom(struct canon *c)
{
	return ob_fail(c->err, OB_ENOMEM, "canonicalization: out of memory");
}

static ob_code fail_md(struct canon *c)
{
	return ob_fail_ssl(c->err, "canonicalization hash");
}

/* RDFC-1.0 4.6 Hash First Degree Quads */
static ob_code hash_first_degree(struct canon *c, uint32_t b,
				 struct line *lines)
{
	uint32_t i, n = c->qoff[b + 1] - c->qoff[b];
	unsigned char *out = c->fd + (size_t)b * c->hlen;
	char *hex = c->fdhex + (size_t)b * (2 * c->hlen + 1);
	size_t end;

	c->text.len = 0;
	/* RDFC-1.0 4.6.3 step 3: each quad in N-Quads, _:a for b, _:z for others */
	for (i = 0; i < n; i++) {
		const struct quad *q = &c->ds->quads[c->qlist[c->qoff[b] + i]];

		lines[i].off = c->text.len;
		put_quad(c, &c->text, q, b);
		lines[i].len = (uint32_t)(c->text.len - lines[i].off);
		lines[i].ascii = quad_ascii(c, q);
	}
	if (c->text.oom)
		return fail_oom(c);
	/* 4.6.3 step 4: sort; step 5: hash the joined lines, joined after
	 * them in the scratch text (one digest call, not one per line) */
	sort_lines(c->text.data, lines, n);
	end = c->text.len;
	if (ob_buf_grow(&c->text, end))
		return fail_oom(c);
	for (i = 0; i < n; i++) {
		memcpy(c->text.data + c->text.len, c->text.data + lines[i].off, lines[i].len);
		c->text.len += lines[i].len;
	}
	if (!digest(c, c->text.data + end, c->text.len - end, out))
		return fail_md(c);
	for (i = 0; i < c->hlen; i++) {
		hex[2 * i] = "0123456789abcdef"[out[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[out[i] & 15];
	}
	hex[2 * c->hlen] = '\0';
	return OB_OK;
}

static int iss_find(const struct issuer *is, uint32_t b)
{
	uint32_t i;

	for (i = 0; i < is->n; i++)
		if (is->ids[i] == b)
			return (int)i;
	return -1;
}

/* RDFC-1.0 4.5 Issue Identifier: returns the number issued, -1 on OOM */
static int iss_issue(struct issuer *is, uint32_t b)
{
	int k = iss_find(is, b);

	if (k >= 0)
		return k;
	if (is->n == is->cap) {
		uint32_t cap = is->cap ? is->cap * 2 : 8;
		uint32_t *n = realloc(is->ids, cap * sizeof(*n));

		if (!n)
			return -1;
		is->ids = n;
		is->cap = cap;
	}
	is->ids[is->n] = b;
	return (int)is->n++;
}

static int iss_copy(struct issuer *dst, const struct issuer *src)
{
	if (dst->cap < src->n) {
		uint32_t *n = realloc(dst->ids, src->cap * sizeof(*n));

		if (!n)
			return -1;
		dst->ids = n;
		dst->cap = src->cap;
	}
	if (src->n)
		memcpy(dst->ids, src->ids, src->n * sizeof(*dst->ids));
	dst->n = src->n;
	return 0;
}

static void iss_swap(struct issuer *a, struct issuer *b)
{
	struct issuer t = *a;

	*a = *b;
	*b = t;
}

struct related {
	unsigned char hash[MAX_HASH];
	uint32_t node, seq;
	size_t hlen;
};

static int cmp_related(const void *x, const void *y)
{
	const struct related *a = x, *b = y;
	int r = memcmp(a->hash, b->hash, a->hlen);

	return r ? r : (a->seq > b->seq) - (a->seq < b->seq);
}

/* RDFC-1.0 4.7 Hash Related Blank Node */
static ob_code hash_related(struct canon *c, uint32_t related,
			    const struct quad *q, const struct issuer *is,
			    char pos, unsigned char *out)
{
	ob_buf *b = &c->text;
	int k;

	b->len = 0;
	/* RDFC-1.0 4.7.3 steps 1-2: position, then the predicate unless g */
	ob_buf_addc(b, pos);
	if (pos != 'g')
		ob_buf_add(b, c->ds->terms[q->p].nt, c->ds->terms[q->p].nt_len);
	/* 4.7.3 steps 3-4: canonical id, else issuer's id, else first-degree
	 * hash */
	if (c->canon[related] != NONE)
		add_c14n(b, c->canon[related]);
	else if ((k = iss_find(is, related)) >= 0)
		ob_buf_addf(b, "_:b%d", k);
	else
		ob_buf_add(b, c->fdhex + (size_t)related * (2 * c->hlen + 1),
			   2 * c->hlen);
	if (b->oom)
		return fail_oom(c);
	/* 4.7.3 step 5 */
	return digest(c, b->data, b->len, out) ? OB_OK : fail_md(c);
}

static void add_id(ob_buf *b, const struct canon *c, uint32_t node, int k)
{
	if (c->canon[node] != NONE)
		add_c14n(b, c->canon[node]);
	else
		ob_buf_addf(b, "_:b%d", k);
}

/* rdf-canonize's permuter (Steinhaus-Johnson-Trotter from the list sorted
 * by label): the order decides ties between equal paths, which the map
 * tests observe. dir is keyed by element, duplicates share it. */
static int permute_next(const struct canon *c, uint32_t *cur, size_t n,
			const uint32_t *elem, unsigned char *dir, size_t nelem)
{
	size_t i, j, pos = 0, swap;
	uint32_t k = NONE;

	for (i = 0; i < n; i++) {
		uint32_t e = cur[i];
		int left = 0;

		for (j = 0; j < nelem; j++)
			if (elem[j] == e)
				left = !dir[j];
		if ((k == NONE || c->rank[e] > c->rank[k]) &&
		    ((left && i > 0 && c->rank[e] > c->rank[cur[i - 1]]) ||
		     (!left && i + 1 < n && c->rank[e] > c->rank[cur[i + 1]]))) {
			k = e;
			pos = i;
		}
	}
	if (k == NONE)
		return 0;
	for (j = 0; j < nelem && elem[j] != k; j++)
		;
	swap = !dir[j] ? pos - 1 : pos + 1;
	cur[pos] = cur[swap];
	cur[swap] = k;
	for (i = 0; i < n; i++)
		if (c->rank[cur[i]] > c->rank[k])
			for (j = 0; j < nelem; j++)
				if (elem[j] == cur[i])
					dir[j] ^= 1;
	return 1;
}

static void sort_by_rank(const struct canon *c, uint32_t *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t t = v[i];

		for (j = i; j > 0 && c->rank[v[j - 1]] > c->rank[t]; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

static int path_cmp(const ob_buf *a, const ob_buf *b)
{
	return cmp_text(a->data, a->len, b->data, b->len);
}

/* RDFC-1.0 4.8 Hash N-Degree Quads: hashes node b into out; io is the
 * issuer passed in and, on return, the chosen issuer (step 6). */
static ob_code hash_ndegree(struct canon *c, uint32_t b, struct issuer *io,
			    unsigned char *out)
{
	struct related *rel = NULL;
	uint32_t *cur = NULL, *elem = NULL, *recur = NULL;
	unsigned char *dir = NULL;
	struct issuer copy = { 0 }, chosen = { 0 };
	ob_buf data = OB_BUF_INIT, path = OB_BUF_INIT, best = OB_BUF_INIT;
	size_t nrel = 0, cap, i, g, ge;
	uint32_t qi;
	ob_code rc = OB_OK;

	/* work limit (§4.4.3 note, rdf-canonize's maxDeepIterations) */
	if (c->limited) {
		if (c->calls_left == 0) {
			rc = ob_fail(c->err, OB_EINVALID,
				     "canonicalization work limit exceeded (%llu)",
				     c->max_calls);
			goto out;
		}
		c->calls_left--;
	}
	/* RDFC-1.0 4.8.3 steps 1-3: hash to related blank nodes map */
	cap = 3 * (size_t)(c->qoff[b + 1] - c->qoff[b]);
	if (!(rel = malloc((cap ? cap : 1) * sizeof(*rel))))
		goto oom;
	for (qi = c->qoff[b]; qi < c->qoff[b + 1]; qi++) {
		const struct quad *q = &c->ds->quads[c->qlist[qi]];
		const uint32_t comp[3] = { q->s, q->o, q->g };
		static const char posc[3] = { 's', 'o', 'g' };
		int k;

		for (k = 0; k < 3; k++) {
			uint32_t r;

			/* 4.8.3 step 3.1: blank components other than b */
			if (comp[k] == NONE || (r = c->bn_of_term[comp[k]]) == NONE ||
			    r == b)
				continue;
			/* 4.8.3 step 3.1.1 */
			if ((rc = hash_related(c, r, q, io, posc[k], rel[nrel].hash)))
				goto out;
			rel[nrel].node = r;
			rel[nrel].seq = (uint32_t)nrel;
			rel[nrel].hlen = c->hlen;
			nrel++;
		}
	}
	/* RDFC-1.0 4.8.3 step 5: related hashes in order */
	qsort(rel, nrel, sizeof(*rel), cmp_related);
	if (nrel && (!(cur = malloc(nrel * sizeof(*cur))) ||
		     !(elem = malloc(nrel * sizeof(*elem))) ||
		     !(recur = malloc(nrel * sizeof(*recur))) ||
		     !(dir = malloc(nrel))))
		goto oom;
	for (g = 0; g < nrel; g = ge) {
		size_t n = 0, nelem = 0, nrecur;
		int have = 0;

		for (ge = g + 1; ge < nrel &&
		     !memcmp(rel[ge].hash, rel[g].hash, c->hlen); ge++)
			;
		/* 4.8.3 step 5.1 */
		add_hex(&data, rel[g].hash, c->hlen);
		for (i = g; i < ge; i++)
			cur[n++] = rel[i].node;
		sort_by_rank(c, cur, n);
		for (i = 0; i < n; i++)
			if (!nelem || elem[nelem - 1] != cur[i])
				elem[nelem++] = cur[i];
		memset(dir, 0, nelem);
		best.len = 0;
		/* 4.8.3 step 5.4: each permutation */
		do {
			int skip = 0;

			if (c->limited) {
				if (c->perms_left == 0) {
					rc = ob_fail(c->err, OB_EINVALID,
						     "canonicalization work limit exceeded (%llu)",
						     c->max_calls);
					goto out;
				}
				c->perms_left--;
			}
			/* 4.8.3 steps 5.4.1-5.4.3 */
			if (iss_copy(&copy, io))
				goto oom;
			path.len = 0;
			nrecur = 0;
			/* 4.8.3 step 5.4.4 */
			for (i = 0; i < n && !skip; i++) {
				uint32_t r = cur[i];
				int k = 0;

				if (c->canon[r] == NONE) {
					if (iss_find(&copy, r) < 0)
						recur[nrecur++] = r;
					if ((k = iss_issue(&copy, r)) < 0)
						goto oom;
				}
				add_id(&path, c, r, k);
				/* 4.8.3 step 5.4.4.3 (rdf-canonize compares only
				 * lexicographically, which prunes the same paths
				 * earlier) */
				if (have && path_cmp(&path, &best) > 0)
					skip = 1;
			}
			/* 4.8.3 step 5.4.5 */
			for (i = 0; i < nrecur && !skip; i++) {
				unsigned char h[MAX_HASH];
				int k;

				if ((rc = hash_ndegree(c, recur[i], &copy, h)))
					goto out;
				if ((k = iss_issue(&copy, recur[i])) < 0)
					goto oom;
				ob_buf_addf(&path, "_:b%d<", k);
				add_hex(&path, h, c->hlen);
				ob_buf_addc(&path, '>');
				if (have && path_cmp(&path, &best) > 0)
					skip = 1;
			}
			if (path.oom)
				goto oom;
			/* 4.8.3 step 5.4.6 */
			if (!skip && (!have || path_cmp(&path, &best) < 0)) {
				best.len = 0;
				ob_buf_add(&best, path.data, path.len);
				if (best.oom)
					goto oom;
				iss_swap(&chosen, &copy);
				have = 1;
			}
		} while (permute_next(c, cur, n, elem, dir, nelem));
		/* 4.8.3 steps 5.5, 5.6 */
		ob_buf_add(&data, best.data, best.len);
		if (iss_copy(io, &chosen))
			goto oom;
	}
	if (data.oom)
		goto oom;
	/* RDFC-1.0 4.8.3 step 6 */
	if (!digest(c, data.data ? data.data : "", data.len, out))
		rc = fail_md(c);
	goto out;
oom:
	rc = fail_oom(c);
out:
	free(rel);
	free(cur);
	free(elem);
	free(recur);
	free(dir);
	free(copy.ids);
	free(chosen.ids);
	ob_buf_release(&data);
	ob_buf_release(&path);
	ob_buf_release(&best);
	return rc;
}

static _Thread_local const struct canon *tl_canon;

static int cmp_label(const void *x, const void *y)
{
	const struct term *a = &tl_canon->ds->terms[tl_canon->bn_term[*(const uint32_t *)x]],
			  *b = &tl_canon->ds->terms[tl_canon->bn_term[*(const uint32_t *)y]];

	/* the label follows "_:" */
	return cmp_text(a->nt + 2, a->nt_len - 2, b->nt + 2, b->nt_len - 2);
}

static int cmp_fd(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	int r = memcmp(tl_canon->fd + (size_t)a * tl_canon->hlen,
		       tl_canon->fd + (size_t)b * tl_canon->hlen, tl_canon->hlen);

	return r ? r : (a > b) - (a < b);
}

struct result {
	unsigned char hash[MAX_HASH];
	struct issuer is;
	uint32_t seq;
	size_t hlen;
};

static int cmp_result(const void *x, const void *y)
{
	const struct result *a = x, *b = y;
	int r = memcmp(a->hash, b->hash, a->hlen);

	return r ? r : (a->seq > b->seq) - (a->seq < b->seq);
}

static void issue_canonical(struct canon *c, uint32_t b)
{
	if (c->canon[b] == NONE) {
		c->canon[b] = c->ncanon;
		c->canon_order[c->ncanon++] = b;
	}
}

/* k^w saturating, 0 for w == 0 as rdf-canonize; UINT64 max for "none". */
static unsigned long long work_limit(unsigned long long k, int w)
{
	unsigned long long r = 1;
	int i;

	if (w == 0)
		return 0;
	for (i = 0; i < w; i++) {
		if (k && r > (1ull << 53) / k)
			return ULLONG_MAX;
		r *= k;
	}
	return r;
}

ob_code ob_rdfc_canonize(const ob_rdf_dataset *ds, ob_rdfc_hash hash,
			 int work_factor, ob_buf *out, ob_buf *map,
			 ob_error *err)
{
	ob_rdfc_opts o = { hash, work_factor, 0 };

	return ob_rdfc_canonize_ex(ds, &o, out, map, err);
}

ob_code ob_rdfc_canonize_ex(const ob_rdf_dataset *ds, const ob_rdfc_opts *opts,
			    ob_buf *out, ob_buf *map, ob_error *err)
{
	struct canon c = { 0 };
	ob_rdfc_hash hash = opts ? opts->hash : OB_RDFC_SHA256;
	int work_factor = opts ? opts->work_factor : OB_RDFC_WORK_FACTOR;
	struct line *lines = NULL;
	uint32_t *order = NULL, *pos = NULL;
	struct result *res = NULL;
	void *blk = NULL;
	size_t out_len0 = out ? out->len : 0, map_len0 = map ? map->len : 0;
	size_t nres = 0, i, g, ge, nonunique = 0;
	uint32_t b, nt, qi;
	ob_code rc = OB_OK;

	if (!ds || !out)
		return ob_fail(err, OB_EUSAGE, "canonicalization: no dataset or output");
	c.ds = ds;
	c.err = err;
	c.legacy = opts && opts->urdna2015;
	pthread_once(&md_once, md_fetch);
	c.md = hash == OB_RDFC_SHA384 ? md_sha384 : md_sha256;
	if (!c.md) {
		rc = ob_fail_ssl(err, "cannot fetch the canonicalization hash");
		goto out;
	}
	c.hlen = (size_t)EVP_MD_get_size(c.md);
	if (!(c.ctx = EVP_MD_CTX_new()))
		goto oom;
	nt = ds->nterms;
	/* RDFC-1.0 4.4.3 step 2: blank node to quads map, nodes numbered by
	 * first appearance (subject, object, graph) */
	if (!(c.bn_of_term = malloc((nt ? 2 * (size_t)nt : 1) * sizeof(uint32_t))))
		goto oom;
	c.bn_term = c.bn_of_term + nt;
	memset(c.bn_of_term, 0xff, nt * sizeof(uint32_t));
	for (qi = 0; qi < ds->nquads; qi++) {
		const struct quad *q = &ds->quads[qi];
		const uint32_t comp[3] = { q->s, q->o, q->g };
		int k;

		for (k = 0; k < 3; k++)
			if (comp[k] != NONE && ds->terms[comp[k]].kind == OB_RDF_BLANK &&
			    c.bn_of_term[comp[k]] == NONE) {
				c.bn_of_term[comp[k]] = c.nb;
				c.bn_term[c.nb++] = comp[k];
			}
	}
	/* one block for the per-node and per-quad arrays: lines first (the
	 * widest alignment), then the uint32_t arrays, then the bytes; a quad
	 * lists at most 3 blank nodes */
	{
		size_t nb1 = (size_t)c.nb + 1, nq1 = (size_t)ds->nquads + 1;
		size_t n32 = (nb1 + 1) + nb1 + (3 * (size_t)ds->nquads + 1) + 4 * nb1;
		uint32_t *u;

		if (!(blk = malloc(nq1 * sizeof(*lines) + n32 * sizeof(uint32_t) +
				   nb1 * c.hlen + nb1 * (2 * c.hlen + 1))))
			goto oom;
		lines = blk;
		u = (uint32_t *)(lines + nq1);
		c.qoff = u;
		u += nb1 + 1;
		pos = u;
		u += nb1;
		c.qlist = u;
		u += 3 * (size_t)ds->nquads + 1;
		c.canon = u;
		u += nb1;
		c.canon_order = u;
		u += nb1;
		c.rank = u;
		u += nb1;
		order = u;
		u += nb1;
		c.fd = (unsigned char *)u;
		c.fdhex = (char *)(c.fd + nb1 * c.hlen);
	}
	memset(c.qoff, 0, ((size_t)c.nb + 2) * sizeof(uint32_t));
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			for (b = 0; b < c.nb; b++)
				c.qoff[b + 1] += c.qoff[b];
			memcpy(pos, c.qoff, ((size_t)c.nb + 1) * sizeof(uint32_t));
		}
		for (qi = 0; qi < ds->nquads; qi++) {
			const struct quad *q = &ds->quads[qi];
			const uint32_t comp[3] = { q->s, q->o, q->g };
			uint32_t seen[3];
			int k, j, ns = 0;

			for (k = 0; k < 3; k++) {
				if (comp[k] == NONE || (b = c.bn_of_term[comp[k]]) == NONE)
					continue;
				for (j = 0; j < ns && seen[j] != b; j++)
					;
				if (j < ns)
					continue;
				seen[ns++] = b;
				if (pass)
					c.qlist[pos[b]++] = qi;
				else
					c.qoff[b + 1]++;
			}
		}
	}
	memset(c.canon, 0xff, (size_t)c.nb * sizeof(uint32_t));
	/* the serialization below is the largest use of the scratch text:
	 * size it once */
	{
		size_t room = 0;

		for (qi = 0; qi < ds->nquads; qi++)
			room += quad_room(&c, &ds->quads[qi]);
		if (ob_buf_grow(&c.text, room))
			goto oom;
	}
	tl_canon = &c;
	/* labels ranked as rdf-canonize's permuter sorts them */
	for (b = 0; b < c.nb; b++)
		order[b] = b;
	qsort(order, c.nb, sizeof(*order), cmp_label);
	for (b = 0; b < c.nb; b++)
		c.rank[order[b]] = b;
	/* RDFC-1.0 4.4.3 step 3: first-degree hashes */
	for (b = 0; b < c.nb; b++)
		if ((rc = hash_first_degree(&c, b, lines)))
			goto out;
	/* RDFC-1.0 4.4.3 step 4: in hash order, a node with a unique hash gets
	 * its canonical id */
	for (b = 0; b < c.nb; b++)
		order[b] = b;
	tl_canon = &c;
	qsort(order, c.nb, sizeof(*order), cmp_fd);
	for (g = 0; g < c.nb; g = ge) {
		for (ge = g + 1; ge < c.nb &&
		     !memcmp(c.fd + (size_t)order[g] * c.hlen,
			     c.fd + (size_t)order[ge] * c.hlen, c.hlen); ge++)
			;
		if (ge - g == 1)
			issue_canonical(&c, order[g]); /* 4.4.3 step 4.2 */
		else
			nonunique += ge - g;
	}
	c.limited = work_factor >= 0;
	c.max_calls = work_limit(nonunique, work_factor);
	if (c.max_calls == ULLONG_MAX)
		c.limited = 0;
	c.calls_left = c.max_calls;
	c.perms_left = c.max_calls > ULLONG_MAX / OB_RDFC_PERM_BUDGET ? ULLONG_MAX
		       : c.max_calls * OB_RDFC_PERM_BUDGET;
	if (c.perms_left < OB_RDFC_PERM_MIN)
		c.perms_left = OB_RDFC_PERM_MIN;
	/* RDFC-1.0 4.4.3 step 5: the shared hashes, in hash order */
	if (nonunique && !(res = calloc(nonunique, sizeof(*res))))
		goto oom;
	for (g = 0; g < c.nb; g = ge) {
		for (ge = g + 1; ge < c.nb &&
		     !memcmp(c.fd + (size_t)order[g] * c.hlen,
			     c.fd + (size_t)order[ge] * c.hlen, c.hlen); ge++)
			;
		if (ge - g == 1)
			continue;
		/* 4.4.3 step 5.2 */
		nres = 0;
		for (i = g; i < ge; i++) {
			struct result *r = &res[nres];

			b = order[i];
			if (c.canon[b] != NONE) /* 4.4.3 step 5.2.1 */
				continue;
			/* 4.4.3 steps 5.2.2-5.2.4 */
			r->is.n = 0;
			if (iss_issue(&r->is, b) < 0)
				goto oom;
			r->seq = (uint32_t)nres;
			r->hlen = c.hlen;
			nres++;
			if ((rc = hash_ndegree(&c, b, &r->is, r->hash)))
				goto out;
		}
		/* 4.4.3 step 5.3: by hash; ties keep their order */
		qsort(res, nres, sizeof(*res), cmp_result);
		for (i = 0; i < nres; i++)
			for (qi = 0; qi < res[i].is.n; qi++)
				issue_canonical(&c, res[i].is.ids[qi]); /* 4.4.3 step 5.3.1 */
	}
	/* RDFC-1.0 4.4.3 steps 6-7: relabel, serialize, sort, drop duplicates */
	c.text.len = 0;
	for (qi = 0; qi < ds->nquads; qi++) {
		lines[qi].off = c.text.len;
		put_quad(&c, &c.text, &ds->quads[qi], NONE - 1);
		lines[qi].len = (uint32_t)(c.text.len - lines[qi].off);
		lines[qi].ascii = quad_ascii(&c, &ds->quads[qi]);
	}
	if (c.text.oom)
		goto oom;
	sort_lines(c.text.data, lines, ds->nquads);
	if (ob_buf_grow(out, c.text.len))
		goto oom;
	for (qi = 0; qi < ds->nquads; qi++) {
		if (qi && lines[qi].len == lines[qi - 1].len &&
		    !memcmp(c.text.data + lines[qi].off,
			    c.text.data + lines[qi - 1].off, lines[qi].len))
			continue;
		ob_buf_add(out, c.text.data + lines[qi].off, lines[qi].len);
	}
	if (map) {
		for (i = 0; i < c.ncanon; i++)
			ob_buf_addf(map, "%s c14n%zu\n", label(&c, c.canon_order[i]), i);
		if (map->oom)
			goto oom;
	}
	goto out;
oom:
	rc = ob_fail(err, OB_ENOMEM, "canonicalization: out of memory");
out:
	if (rc) {
		if (out && !out->oom && out->data) {
			out->len = out_len0;
			out->data[out_len0] = '\0';
		}
		if (map && !map->oom && map->data) {
			map->len = map_len0;
			map->data[map_len0] = '\0';
		}
	}
	if (res)
		for (i = 0; i < nonunique; i++)
			free(res[i].is.ids);
	free(res);
	free(blk);
	free(c.bn_of_term);
	ob_buf_release(&c.text);
	EVP_MD_CTX_free(c.ctx);
	tl_canon = NULL;
	return rc;
}
