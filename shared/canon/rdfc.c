/* rdfc: RDF Dataset Canonicalization of a dataset (rdf.h). Section and
 * step numbers refer to the W3C Recommendation "RDF Dataset
 * Canonicalization" (RDFC-1.0, 2024). Where the spec leaves room,
 * we follow rdf-canonize (the eddsa-rdfc-2022 reference): its permutation
 * order, its sort by UTF-16 code units, and its work limit. */
#include "canon/rdfc.h"
#include "canon/rdf_int.h"

#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/codec.h"

#define MAX_HASH 48

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

/* RDFC-1.0 4.8.3 steps 1-3: the hash to related blank nodes map of b,
 * as *rel (nrel entries, sorted by hash: step 5's order; the caller frees
 * it). */
static ob_code related_map(struct canon *c, uint32_t b, const struct issuer *io,
			   struct related **relp, size_t *nrelp)
{
	size_t cap = 3 * (size_t)(c->qoff[b + 1] - c->qoff[b]), nrel = 0;
	struct related *rel = malloc((cap ? cap : 1) * sizeof(*rel));
	uint32_t qi;
	ob_code rc;

	*relp = rel;
	*nrelp = 0;
	if (!rel)
		return fail_oom(c);
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
				return rc;
			rel[nrel].node = r;
			rel[nrel].seq = (uint32_t)nrel;
			rel[nrel].hlen = c->hlen;
			nrel++;
		}
	}
	/* RDFC-1.0 4.8.3 step 5: related hashes in order */
	qsort(rel, nrel, sizeof(*rel), cmp_related);
	*nrelp = nrel;
	return OB_OK;
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
	size_t nrel = 0, i, g, ge;
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
	if ((rc = related_map(c, b, io, &rel, &nrel)))
		goto out;
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

/* RDFC-1.0 4.4.3 step 2: the blank node to quads map, nodes numbered by
 * first appearance (subject, object, graph), and the working arrays, in
 * one block (*blk, freed by the caller; c->bn_of_term too). */
static ob_code canon_index(struct canon *c, void **blk, struct line **lines, uint32_t **order)
{
	const ob_rdf_dataset *ds = c->ds;
	uint32_t nt = ds->nterms, qi, b, *pos;

	if (!(c->bn_of_term = malloc((nt ? 2 * (size_t)nt : 1) * sizeof(uint32_t))))
		return fail_oom(c);
	c->bn_term = c->bn_of_term + nt;
	memset(c->bn_of_term, 0xff, nt * sizeof(uint32_t));
	for (qi = 0; qi < ds->nquads; qi++) {
		const struct quad *q = &ds->quads[qi];
		const uint32_t comp[3] = { q->s, q->o, q->g };
		int k;

		for (k = 0; k < 3; k++)
			if (comp[k] != NONE && ds->terms[comp[k]].kind == OB_RDF_BLANK &&
			    c->bn_of_term[comp[k]] == NONE) {
				c->bn_of_term[comp[k]] = c->nb;
				c->bn_term[c->nb++] = comp[k];
			}
	}
	/* one block for the per-node and per-quad arrays: lines first (the
	 * widest alignment), then the uint32_t arrays, then the bytes; a quad
	 * lists at most 3 blank nodes */
	{
		size_t nb1 = (size_t)c->nb + 1, nq1 = (size_t)ds->nquads + 1;
		size_t n32 = (nb1 + 1) + nb1 + (3 * (size_t)ds->nquads + 1) + 4 * nb1;
		uint32_t *u;

		if (!(*blk = malloc(nq1 * sizeof(**lines) + n32 * sizeof(uint32_t) +
				    nb1 * c->hlen + nb1 * (2 * c->hlen + 1))))
			return fail_oom(c);
		*lines = *blk;
		u = (uint32_t *)(*lines + nq1);
		c->qoff = u;
		u += nb1 + 1;
		pos = u;
		u += nb1;
		c->qlist = u;
		u += 3 * (size_t)ds->nquads + 1;
		c->canon = u;
		u += nb1;
		c->canon_order = u;
		u += nb1;
		c->rank = u;
		u += nb1;
		*order = u;
		u += nb1;
		c->fd = (unsigned char *)u;
		c->fdhex = (char *)(c->fd + nb1 * c->hlen);
	}
	memset(c->qoff, 0, ((size_t)c->nb + 2) * sizeof(uint32_t));
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			for (b = 0; b < c->nb; b++)
				c->qoff[b + 1] += c->qoff[b];
			memcpy(pos, c->qoff, ((size_t)c->nb + 1) * sizeof(uint32_t));
		}
		for (qi = 0; qi < ds->nquads; qi++) {
			const struct quad *q = &ds->quads[qi];
			const uint32_t comp[3] = { q->s, q->o, q->g };
			uint32_t seen[3];
			int k, j, ns = 0;

			for (k = 0; k < 3; k++) {
				if (comp[k] == NONE || (b = c->bn_of_term[comp[k]]) == NONE)
					continue;
				for (j = 0; j < ns && seen[j] != b; j++)
					;
				if (j < ns)
					continue;
				seen[ns++] = b;
				if (pass)
					c->qlist[pos[b]++] = qi;
				else
					c->qoff[b + 1]++;
			}
		}
	}
	memset(c->canon, 0xff, (size_t)c->nb * sizeof(uint32_t));
	/* the serialization is the largest use of the scratch text: size it
	 * once */
	{
		size_t room = 0;

		for (qi = 0; qi < ds->nquads; qi++)
			room += quad_room(c, &ds->quads[qi]);
		if (ob_buf_grow(&c->text, room))
			return fail_oom(c);
	}
	return OB_OK;
}

/* RDFC-1.0 4.4.3 step 5: the nodes that share a first-degree hash, group
 * by group in hash order (order); res has room for all of them. */
static ob_code canon_shared(struct canon *c, const uint32_t *order, struct result *res)
{
	size_t nres, i, g, ge;
	uint32_t b, qi;
	ob_code rc;

	for (g = 0; g < c->nb; g = ge) {
		for (ge = g + 1; ge < c->nb &&
		     !memcmp(c->fd + (size_t)order[g] * c->hlen,
			     c->fd + (size_t)order[ge] * c->hlen, c->hlen); ge++)
			;
		if (ge - g == 1)
			continue;
		/* 4.4.3 step 5.2 */
		nres = 0;
		for (i = g; i < ge; i++) {
			struct result *r = &res[nres];

			b = order[i];
			if (c->canon[b] != NONE) /* 4.4.3 step 5.2.1 */
				continue;
			/* 4.4.3 steps 5.2.2-5.2.4 */
			r->is.n = 0;
			if (iss_issue(&r->is, b) < 0)
				return fail_oom(c);
			r->seq = (uint32_t)nres;
			r->hlen = c->hlen;
			nres++;
			if ((rc = hash_ndegree(c, b, &r->is, r->hash)))
				return rc;
		}
		/* 4.4.3 step 5.3: by hash; ties keep their order */
		qsort(res, nres, sizeof(*res), cmp_result);
		for (i = 0; i < nres; i++)
			for (qi = 0; qi < res[i].is.n; qi++)
				issue_canonical(c, res[i].is.ids[qi]); /* 4.4.3 step 5.3.1 */
	}
	return OB_OK;
}

/* RDFC-1.0 4.4.3 steps 6-7: relabel, serialize, sort, drop duplicates;
 * and the issued identifiers map when map is not NULL. */
static ob_code canon_output(struct canon *c, struct line *lines, ob_buf *out, ob_buf *map)
{
	const ob_rdf_dataset *ds = c->ds;
	uint32_t qi;
	size_t i;

	c->text.len = 0;
	for (qi = 0; qi < ds->nquads; qi++) {
		lines[qi].off = c->text.len;
		put_quad(c, &c->text, &ds->quads[qi], NONE - 1);
		lines[qi].len = (uint32_t)(c->text.len - lines[qi].off);
		lines[qi].ascii = quad_ascii(c, &ds->quads[qi]);
	}
	if (c->text.oom)
		return fail_oom(c);
	sort_lines(c->text.data, lines, ds->nquads);
	if (ob_buf_grow(out, c->text.len))
		return fail_oom(c);
	for (qi = 0; qi < ds->nquads; qi++) {
		if (qi && lines[qi].len == lines[qi - 1].len &&
		    !memcmp(c->text.data + lines[qi].off,
			    c->text.data + lines[qi - 1].off, lines[qi].len))
			continue;
		ob_buf_add(out, c->text.data + lines[qi].off, lines[qi].len);
	}
	if (map) {
		for (i = 0; i < c->ncanon; i++)
			ob_buf_addf(map, "%s c14n%zu\n", label(c, c->canon_order[i]), i);
		if (map->oom)
			return fail_oom(c);
	}
	return OB_OK;
}

/* RDFC-1.0 4.4.3 steps 4 and 5's budget: a node with a unique
 * first-degree hash gets its canonical id, in hash order (*order); the
 * others count (*nonunique) towards the work limit. */
static void canon_unique(struct canon *c, uint32_t *order, int work_factor, size_t *nonunique)
{
	size_t g, ge;
	uint32_t b;

	for (b = 0; b < c->nb; b++)
		order[b] = b;
	tl_canon = c;
	qsort(order, c->nb, sizeof(*order), cmp_fd);
	*nonunique = 0;
	for (g = 0; g < c->nb; g = ge) {
		for (ge = g + 1; ge < c->nb &&
		     !memcmp(c->fd + (size_t)order[g] * c->hlen,
			     c->fd + (size_t)order[ge] * c->hlen, c->hlen); ge++)
			;
		if (ge - g == 1)
			issue_canonical(c, order[g]); /* 4.4.3 step 4.2 */
		else
			*nonunique += ge - g;
	}
	c->limited = work_factor >= 0;
	c->max_calls = work_limit(*nonunique, work_factor);
	if (c->max_calls == ULLONG_MAX)
		c->limited = 0;
	c->calls_left = c->max_calls;
	c->perms_left = c->max_calls > ULLONG_MAX / OB_RDFC_PERM_BUDGET ? ULLONG_MAX
			: c->max_calls * OB_RDFC_PERM_BUDGET;
	if (c->perms_left < OB_RDFC_PERM_MIN)
		c->perms_left = OB_RDFC_PERM_MIN;
}

ob_code ob_rdfc_canonize_ex(const ob_rdf_dataset *ds, const ob_rdfc_opts *opts,
			    ob_buf *out, ob_buf *map, ob_error *err)
{
	struct canon c = { 0 };
	ob_rdfc_hash hash = opts ? opts->hash : OB_RDFC_SHA256;
	int work_factor = opts ? opts->work_factor : OB_RDFC_WORK_FACTOR;
	struct line *lines = NULL;
	uint32_t *order = NULL;
	struct result *res = NULL;
	void *blk = NULL;
	size_t out_len0 = out ? out->len : 0, map_len0 = map ? map->len : 0;
	size_t i, nonunique = 0;
	uint32_t b;
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
	if (!(c.ctx = EVP_MD_CTX_new())) {
		rc = fail_oom(&c);
		goto out;
	}
	if ((rc = canon_index(&c, &blk, &lines, &order)))
		goto out;
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
	canon_unique(&c, order, work_factor, &nonunique);
	if (nonunique && !(res = calloc(nonunique, sizeof(*res)))) {
		rc = fail_oom(&c);
		goto out;
	}
	if (!(rc = canon_shared(&c, order, res)))
		rc = canon_output(&c, lines, out, map);
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
