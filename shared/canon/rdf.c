/* rdf: RDF terms and datasets (each distinct term interned once, with its
 * canonical N-Quads form), the canonical N-Quads writer (RDFC-1.0 App. A)
 * and a strict N-Quads parser. */
#include "canon/rdf.h"
#include "canon/rdf_int.h"

#include <stddef.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"

#define CHUNK_SIZE 16384
static const char OVER_BYTES[] = "over budget: more than 32 MiB of RDF terms";

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
	ds->term_mask = sizeof(ds->term_tab0) / sizeof(ds->term_tab0[0]) - 1;
	ds->quad_mask = sizeof(ds->quad_tab0) / sizeof(ds->quad_tab0[0]) - 1;
	ds->term_tab = ds->term_tab0;
	ds->quad_tab = ds->quad_tab0;
	ds->terms = ds->terms0;
	ds->terms_cap = sizeof(ds->terms0) / sizeof(ds->terms0[0]);
	ds->quads = ds->quads0;
	ds->quads_cap = sizeof(ds->quads0) / sizeof(ds->quads0[0]);
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

/* Appends a term's canonical N-Quads form (RDFC-1.0 App. A): the one
 * place it is written, for the dataset's interned forms and for
 * ob_rdf_write_nquad. A literal's datatype NULL (or xsd:string) is left
 * out; lang, when set, wins over the datatype. */
static void put_nt(ob_buf *b, int kind, const char *v, size_t len, const char *dt,
		   size_t dt_len, const char *lang, size_t lang_len)
{
	switch (kind) {
	case OB_RDF_IRI:
		nt_iri(b, v, len);
		break;
	case OB_RDF_BLANK:
		ob_buf_add(b, "_:", 2);
		ob_buf_add(b, v, len);
		break;
	case OB_RDF_LITERAL:
		nt_string(b, v, len);
		if (lang) {
			ob_buf_addc(b, '@');
			ob_buf_add(b, lang, lang_len);
		} else if (dt && !(dt_len == sizeof(OB_RDF_XSD_STRING) - 1 &&
				   !memcmp(dt, OB_RDF_XSD_STRING, dt_len))) {
			ob_buf_add(b, "^^", 2);
			nt_iri(b, dt, dt_len);
		}
		break;
	}
}

/* Why a term cannot be in a dataset, or NULL when it can. */
static const char *term_invalid(int kind, const char *v, size_t len, const char *dt,
				size_t dt_len, const char *lang, size_t lang_len)
{
	size_t i;

	switch (kind) {
	case OB_RDF_IRI:
		return is_absolute_iri(v, len) ? NULL : "IRI is not absolute";
	case OB_RDF_BLANK:
		for (i = 0; i < len && (unsigned char)v[i] > 0x20; i++)
			;
		return !len || i < len ? "bad blank node label" : NULL;
	case OB_RDF_LITERAL:
		if (lang)
			return !lang_len || langtag_len(lang, lang_len) != lang_len ?
				       "invalid language tag" : NULL;
		if (dt && !(dt_len == sizeof(OB_RDF_XSD_STRING) - 1 &&
			    !memcmp(dt, OB_RDF_XSD_STRING, dt_len)) && !is_absolute_iri(dt, dt_len))
			return "datatype IRI is not absolute";
		return NULL;
	}
	return "bad term kind";
}

/* Interns a term given by kind and value. Returns the index, NONE on
 * failure with *why set. */
static uint32_t term_of(ob_rdf_dataset *ds, int kind, const char *v, size_t len,
			const char *dt, size_t dt_len, const char *lang,
			size_t lang_len, const char **why)
{
	ob_buf *b = &ds->nt;
	uint32_t id;

	if ((*why = term_invalid(kind, v, len, dt, dt_len, lang, lang_len)))
		return NONE;
	b->len = 0;
	put_nt(b, kind, v, len, dt, dt_len, lang, lang_len);
	if (b->oom)
		return NONE;
	if (b->len > OB_RDF_MAX_BYTES || ds->bytes + b->len > OB_RDF_MAX_BYTES)
		*why = OVER_BYTES; /* unless intern finds it already there */
	id = intern(ds, kind, b->data, b->len);
	if (id != NONE)
		*why = NULL;
	return id;
}

static void put_term(ob_buf *b, const ob_rdf_term *t)
{
	put_nt(b, t->kind, t->value ? t->value : "", t->len, t->datatype,
	       t->datatype ? strlen(t->datatype) : 0, t->lang, t->lang ? strlen(t->lang) : 0);
}

int ob_rdf_write_nquad(ob_buf *b, const ob_rdf_term *s, const ob_rdf_term *p,
		       const ob_rdf_term *o, const ob_rdf_term *g)
{
	put_term(b, s);
	ob_buf_addc(b, ' ');
	put_term(b, p);
	ob_buf_addc(b, ' ');
	put_term(b, o);
	if (g) {
		ob_buf_addc(b, ' ');
		put_term(b, g);
	}
	ob_buf_add(b, " .\n", 3);
	return b->oom ? -1 : 0;
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

uint32_t ob_rdf_dataset_clean_iri(ob_rdf_dataset *ds, const char *v, size_t len, ob_error *err)
{
	uint32_t id, slot = recent_slot(OB_RDF_IRI, v, len);
	ob_buf *b = &ds->nt;

	if (ds->recent[slot] &&
	    recent_match(&ds->terms[ds->recent[slot] - 1], OB_RDF_IRI, v, len))
		return ds->recent[slot] - 1;
	b->len = 0;
	add_wrapped(b, '<', v, len, '>');
	if (b->oom) {
		ob_fail(err, OB_ENOMEM, "rdf quad: out of memory");
		return NONE;
	}
	id = intern(ds, OB_RDF_IRI, b->data, b->len);
	if (id != NONE)
		ds->recent[slot] = id + 1;
	else if (b->len > OB_RDF_MAX_BYTES || ds->bytes + b->len > OB_RDF_MAX_BYTES)
		ob_fail(err, OB_ELIMIT, "%s", OVER_BYTES);
	else
		ob_fail(err, OB_ENOMEM, "rdf quad: out of memory");
	return id;
}

static const unsigned role_kinds[] = {
	[OB_RDF_SUBJECT] = 1u << OB_RDF_IRI | 1u << OB_RDF_BLANK,
	[OB_RDF_PREDICATE] = 1u << OB_RDF_IRI,
	[OB_RDF_OBJECT] = 1u << OB_RDF_IRI | 1u << OB_RDF_BLANK | 1u << OB_RDF_LITERAL,
	[OB_RDF_GRAPH] = 1u << OB_RDF_IRI | 1u << OB_RDF_BLANK,
};
static const char *const role_names[] = { "subject", "predicate", "object", "graph" };

uint32_t ob_rdf_dataset_term(ob_rdf_dataset *ds, const ob_rdf_term *t, ob_rdf_role role,
			     ob_error *err)
{
	return api_term(ds, t, role_names[role], role_kinds[role], err);
}

int ob_rdf_role_ok(ob_rdf_kind kind, ob_rdf_role role)
{
	return (role_kinds[role] >> kind) & 1;
}

ob_code ob_rdf_dataset_add_ids(ob_rdf_dataset *ds, uint32_t s, uint32_t p, uint32_t o,
			       uint32_t g, ob_error *err)
{
	int r = add_quad(ds, s, p, o, g);

	if (r == -2)
		return ob_fail(err, OB_ELIMIT, "over budget: an RDF dataset of more than %u quads",
			       OB_RDF_MAX_QUADS);
	if (r)
		return ob_fail(err, OB_ENOMEM, "rdf quad: out of memory");
	return OB_OK;
}

ob_code ob_rdf_dataset_add(ob_rdf_dataset *ds, const ob_rdf_term *s,
			   const ob_rdf_term *p, const ob_rdf_term *o,
			   const ob_rdf_term *g, ob_error *err)
{
	uint32_t si, pi, oi, gi = NONE;

	if (!ds)
		return ob_fail(err, OB_EUSAGE, "rdf quad: no dataset");
	if ((si = ob_rdf_dataset_term(ds, s, OB_RDF_SUBJECT, err)) == NONE ||
	    (pi = ob_rdf_dataset_term(ds, p, OB_RDF_PREDICATE, err)) == NONE ||
	    (oi = ob_rdf_dataset_term(ds, o, OB_RDF_OBJECT, err)) == NONE ||
	    (g && (gi = ob_rdf_dataset_term(ds, g, OB_RDF_GRAPH, err)) == NONE))
		return err ? err->code : OB_EUSAGE;
	return ob_rdf_dataset_add_ids(ds, si, pi, oi, gi, err);
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
