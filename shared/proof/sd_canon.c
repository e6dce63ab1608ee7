/* sd_canon: deskolemized quads, RDFC-1.0 with its label map, relabelled
 * canonical N-Quads (see sd_canon.h; the reference's skolemize.js and
 * canonicalize.js are the model). */
#include "proof/sd_canon.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "canon/contexts.h"
#include "canon/jsonld.h"
#include "canon/rdfc.h"
#include "proof/sd_select.h"

typedef struct {
	ob_rdf_kind kind; /* 0: none (default graph) */
	int gen;          /* a blank node toRdf made (not from a skolem IRI) */
	char *value;
	size_t len;
	char *datatype;
	char *lang;
} sd_term;

typedef struct {
	sd_term t[4]; /* s p o g */
} sd_quad;

struct sd_quads {
	sd_quad *v;
	size_t n, cap;
	ob_rdf_dataset *ds;
	int oom;
	int limit; /* more than OB_RDF_MAX_QUADS */
	int deskolemize;
};

struct sd_ld {
	ob_loader *shipped;
	ob_jsonld *proc;
	ob_jsonld *own; /* for the caller's loader, made on demand */
	ob_loader *loader;
};

void sd_labels_release(sd_labels *m)
{
	size_t i;

	for (i = 0; m && i < m->n; i++) {
		free(m->v[i].from);
		free(m->v[i].to);
	}
	if (m) {
		free(m->v);
		m->v = NULL;
		m->n = 0;
	}
}

const char *sd_labels_get(const sd_labels *m, const char *from)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].from, from))
			return m->v[i].to;
	return NULL;
}

int sd_labels_add(sd_labels *m, const char *from, const char *to)
{
	sd_label *v = realloc(m->v, (m->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	m->v = v;
	v[m->n].from = strdup(from);
	v[m->n].to = strdup(to);
	if (!v[m->n].from || !v[m->n].to) {
		free(v[m->n].from);
		free(v[m->n].to);
		return -1;
	}
	m->n++;
	return 0;
}

void sd_lines_release(sd_lines *l)
{
	size_t i;

	for (i = 0; l && i < l->n; i++)
		free(l->v[i]);
	if (l) {
		free(l->v);
		l->v = NULL;
		l->n = 0;
	}
}

long sd_lines_find(const sd_lines *l, const char *line)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->v[mid], line);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Processors for the shipped contexts, kept between operations: parsing
 * and processing the credential contexts costs more than the rest of a
 * derive. A small pool (a processor is used by one thread at a time)
 * reachable from here, so nothing is tied to a thread's life. */
#define LD_POOL 4
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static sd_ld *pool[LD_POOL];
static size_t npool;

static void ld_destroy(sd_ld *ld)
{
	if (!ld)
		return;
	ob_jsonld_free(ld->proc);
	ob_jsonld_free(ld->own);
	ob_loader_free(ld->shipped);
	free(ld);
}

sd_ld *sd_ld_new(ob_loader *loader)
{
	sd_ld *ld = NULL;

	pthread_mutex_lock(&pool_lock);
	if (npool)
		ld = pool[--npool];
	pthread_mutex_unlock(&pool_lock);
	if (!ld) {
		if (!(ld = calloc(1, sizeof(*ld))))
			return NULL;
		if (!(ld->shipped = ob_contexts_loader_new()) || !(ld->proc = ob_jsonld_new(ld->shipped))) {
			ld_destroy(ld);
			return NULL;
		}
	}
	ld->loader = loader;
	return ld;
}

void sd_ld_free(sd_ld *ld)
{
	if (!ld)
		return;
	/* the caller's documents are the caller's: that processor goes */
	ob_jsonld_free(ld->own);
	ld->own = NULL;
	ld->loader = NULL;
	pthread_mutex_lock(&pool_lock);
	if (npool < LD_POOL) {
		pool[npool++] = ld;
		ld = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	ld_destroy(ld);
}

void sd_quads_free(sd_quads *q)
{
	size_t i;
	int k;

	if (!q)
		return;
	for (i = 0; i < q->n; i++)
		for (k = 0; k < 4; k++) {
			free(q->v[i].t[k].value);
			free(q->v[i].t[k].datatype);
			free(q->v[i].t[k].lang);
		}
	free(q->v);
	ob_rdf_dataset_free(q->ds);
	free(q);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Copies t into out, a skolem IRI becoming a blank node (deskolemize). */
static int copy_term(sd_term *out, const ob_rdf_term *t, int deskolemize)
{
	static const size_t plen = sizeof(OB_SD_SKOLEM_PREFIX) - 1;

	memset(out, 0, sizeof(*out));
	if (!t)
		return 0;
	out->kind = t->kind;
	if (deskolemize && t->kind == OB_RDF_IRI && t->len > plen && !memcmp(t->value, OB_SD_SKOLEM_PREFIX, plen)) {
		out->kind = OB_RDF_BLANK;
		out->value = dup_n(t->value + plen, t->len - plen);
		out->len = t->len - plen;
	} else {
		out->value = dup_n(t->value, t->len);
		out->len = t->len;
		out->gen = deskolemize && t->kind == OB_RDF_BLANK;
	}
	if (t->datatype && !(out->datatype = strdup(t->datatype)))
		return -1;
	if (t->lang && !(out->lang = strdup(t->lang)))
		return -1;
	return out->value ? 0 : -1;
}

static void as_rdf(const sd_term *t, ob_rdf_term *r)
{
	r->kind = t->kind;
	r->value = t->value;
	r->len = t->len;
	r->datatype = t->datatype;
	r->lang = t->lang;
}

static int on_quad(void *ctx, const ob_rdf_term *s, const ob_rdf_term *p, const ob_rdf_term *o,
		   const ob_rdf_term *g)
{
	sd_quads *q = ctx;
	const ob_rdf_term *in[4] = { s, p, o, g };
	sd_quad *qd;
	int k;

	if (q->n >= OB_RDF_MAX_QUADS)
		return q->limit = 1;
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 64;
		sd_quad *v = realloc(q->v, cap * sizeof(*v));

		if (!v)
			return q->oom = 1;
		q->v = v;
		q->cap = cap;
	}
	qd = &q->v[q->n++];
	memset(qd, 0, sizeof(*qd));
	for (k = 0; k < 4; k++)
		if (copy_term(&qd->t[k], in[k], q->deskolemize) < 0)
			return q->oom = 1;
	return 0;
}

/* ---- toRdf's own blank nodes ----
 * The skolemized document gives every node object an id, but the nodes of
 * a JSON-LD list cannot have one: toRdf labels them b0, b1... in the order
 * it meets them, which differs between a document and a selection of it.
 * So they are renamed after where they hang: a list's head after its
 * subject, predicate and rank among that pair's lists, each further node
 * after the node whose rdf:rest it is. The same list then has the same
 * labels in the whole document and in every selection holding it. Blank
 * nodes that hang from nothing named (a graph name) keep toRdf's label. */

#define RDF_REST "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
#define NAME_PASSES 128 /* lists inside lists, this deep */

struct gen {
	const char *label; /* borrowed from a quad */
	char *name;
	long rest;         /* the node this one's rdf:rest names, or -1 */
};

static int cmp_gen(const void *a, const void *b)
{
	return strcmp(((const struct gen *)a)->label, ((const struct gen *)b)->label);
}

static long gen_find(const struct gen *g, size_t n, const char *label)
{
	struct gen key = { label, NULL, -1 };
	const struct gen *f = n ? bsearch(&key, g, n, sizeof(*g), cmp_gen) : NULL;

	return f ? (long)(f - g) : -1;
}

/* The name of a list head: "l" + 32 hex digits of SHA-256(subject kind,
 * subject, predicate, rank). */
static char *head_name(int kind, const char *subject, const char *pred, size_t rank)
{
	ob_buf b = OB_BUF_INIT;
	unsigned char h[32];
	char *name = malloc(34);
	size_t i;

	if (!name || ob_buf_addf(&b, "%d\n%s\n%s\n%zu", kind, subject, pred, rank) < 0) {
		free(name);
		ob_buf_release(&b);
		return NULL;
	}
	ob_sha256(b.data, b.len, h);
	name[0] = 'l';
	for (i = 0; i < 16; i++)
		snprintf(name + 1 + 2 * i, 3, "%02x", h[i]);
	ob_buf_release(&b);
	return name;
}

/* One naming pass over q; *named counts the names given. */
static int name_pass(sd_quads *q, struct gen *g, size_t ng, size_t *heads, size_t *nheads,
		     size_t *named)
{
	size_t i, j;

	for (i = 0; i < q->n; i++) {
		const sd_term *st = &q->v[i].t[0], *pt = &q->v[i].t[1], *ot = &q->v[i].t[2];
		const char *sname;
		long x, s = -1;
		size_t rank = 0, n = 1;

		if (!ot->gen || !strcmp(pt->value, RDF_REST))
			continue;
		x = gen_find(g, ng, ot->value);
		if (x < 0 || g[x].name)
			continue;
		if (st->gen && ((s = gen_find(g, ng, st->value)) < 0 || !g[s].name))
			continue;
		sname = s >= 0 ? g[s].name : st->value;
		for (j = 0; j < *nheads; j++) {
			const sd_quad *h = &q->v[heads[j]];
			long hs = h->t[0].gen ? gen_find(g, ng, h->t[0].value) : -1;
			const char *hname = hs >= 0 ? g[hs].name : h->t[0].value;

			rank += h->t[0].gen == st->gen && !strcmp(hname, sname) &&
				!strcmp(h->t[1].value, pt->value);
		}
		if (!(g[x].name = head_name(st->gen ? 0 : (int)st->kind, sname, pt->value, rank)))
			return -1;
		heads[(*nheads)++] = i;
		(*named)++;
		/* the rest of the list, node by node */
		while (g[x].rest >= 0 && !g[g[x].rest].name) {
			long nx = g[x].rest;
			char *nm = malloc(strlen(g[x].name) + 24);

			if (!nm)
				return -1;
			snprintf(nm, strlen(g[x].name) + 24, "%.33s_%zu", g[x].name, n++);
			g[nx].name = nm;
			(*named)++;
			x = nx;
		}
	}
	return 0;
}

static ob_code name_generated(sd_quads *q, ob_error *err)
{
	struct gen *g = NULL;
	char **newv = NULL;
	size_t *heads = NULL, ng = 0, nheads = 0, i, j, named = 1;
	ob_code rc = OB_OK;
	int k, pass;

	for (i = 0; i < q->n; i++)
		for (k = 0; k < 4; k++)
			ng += q->v[i].t[k].gen;
	if (!ng)
		return OB_OK;
	if (!(g = calloc(ng, sizeof(*g))) || !(heads = calloc(q->n, sizeof(*heads)))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = ng = 0; i < q->n; i++)
		for (k = 0; k < 4; k++)
			if (q->v[i].t[k].gen)
				g[ng++].label = q->v[i].t[k].value;
	qsort(g, ng, sizeof(*g), cmp_gen);
	for (i = j = 0; i < ng; i++)
		if (!j || strcmp(g[j - 1].label, g[i].label))
			g[j++] = g[i];
	ng = j;
	for (i = 0; i < ng; i++)
		g[i].rest = -1;
	for (i = 0; i < q->n; i++) {
		const sd_quad *qd = &q->v[i];

		if (qd->t[0].gen && qd->t[2].gen && !strcmp(qd->t[1].value, RDF_REST))
			g[gen_find(g, ng, qd->t[0].value)].rest = gen_find(g, ng, qd->t[2].value);
	}
	for (pass = 0; pass < NAME_PASSES && named; pass++) {
		named = 0;
		if (name_pass(q, g, ng, heads, &nheads, &named) < 0) {
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
			goto out;
		}
	}
	/* the quads take the names (their old labels are what g borrows,
	 * so all names are made before any label is freed) */
	if (!(newv = calloc(q->n * 4, sizeof(*newv)))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < q->n; i++)
		for (k = 0; k < 4; k++) {
			const sd_term *t = &q->v[i].t[k];
			long x = t->gen ? gen_find(g, ng, t->value) : -1;

			if (x >= 0 && g[x].name && !(newv[4 * i + k] = strdup(g[x].name))) {
				rc = ob_fail(err, OB_ENOMEM, "out of memory");
				goto out;
			}
		}
	for (i = 0; i < q->n; i++)
		for (k = 0; k < 4; k++) {
			sd_term *t = &q->v[i].t[k];

			if (!newv[4 * i + k])
				continue;
			free(t->value);
			t->value = newv[4 * i + k];
			t->len = strlen(t->value);
			newv[4 * i + k] = NULL;
		}
out:
	if (newv)
		for (i = 0; i < 4 * q->n; i++)
			free(newv[i]);
	free(newv);
	if (g)
		for (i = 0; i < ng; i++)
			free(g[i].name);
	free(g);
	free(heads);
	return rc;
}

/* The dataset RDFC-1.0 reads, from the (renamed) quads. */
static ob_code fill_dataset(sd_quads *q, ob_error *err)
{
	size_t i;
	int k;

	for (i = 0; i < q->n; i++) {
		ob_rdf_term r[4];
		ob_code rc;

		for (k = 0; k < 4; k++)
			as_rdf(&q->v[i].t[k], &r[k]);
		if ((rc = ob_rdf_dataset_add(q->ds, &r[0], &r[1], &r[2], q->v[i].t[3].kind ? &r[3] : NULL,
					     err)))
			return rc;
	}
	return OB_OK;
}

static ob_code to_rdf(ob_jsonld *proc, const json_t *doc, sd_quads *q, ob_error *err)
{
	ob_jsonld_opts o;

	ob_jsonld_opts_init(&o);
	return ob_jsonld_to_rdf(proc, doc, &o, on_quad, q, err);
}

sd_quads *sd_quads_from_json(sd_ld *ld, const json_t *doc, int deskolemize, ob_error *err)
{
	sd_quads *q = calloc(1, sizeof(*q));
	ob_error first = { 0 };
	ob_code rc;

	if (!q || !(q->ds = ob_rdf_dataset_new())) {
		sd_quads_free(q);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	q->deskolemize = deskolemize;
	if (!doc)
		return q;
	rc = to_rdf(ld->proc, doc, q, &first);
	if (rc == OB_ENET && ld->loader) {
		/* a context outside the shipped set: the caller's documents */
		sd_quads_free(q);
		if (!(q = calloc(1, sizeof(*q))) || !(q->ds = ob_rdf_dataset_new()) ||
		    (!ld->own && !(ld->own = ob_jsonld_new(ld->loader)))) {
			sd_quads_free(q);
			ob_fail(err, OB_ENOMEM, "out of memory");
			return NULL;
		}
		q->deskolemize = deskolemize;
		ob_error_clear(&first);
		rc = to_rdf(ld->own, doc, q, &first);
	}
	if (q->oom || q->limit) {
		/* the callback stopped toRdf: say why */
		ob_error_clear(&first);
		rc = q->oom ? ob_fail(&first, OB_ENOMEM, "out of memory") :
			      ob_fail(&first, OB_ELIMIT, "over budget: more than %u quads", OB_RDF_MAX_QUADS);
	}
	if (!rc && (rc = name_generated(q, &first)) == OB_OK)
		rc = fill_dataset(q, &first);
	if (rc) {
		ob_fail(err, rc, "%s", first.msg);
		sd_quads_free(q);
		return NULL;
	}
	return q;
}

ob_code sd_quads_canon_map(const sd_quads *q, sd_labels *map, ob_error *err)
{
	ob_buf canon = OB_BUF_INIT, m = OB_BUF_INIT;
	ob_code rc;
	char *line, *next;

	rc = ob_rdfc_canonize(q->ds, OB_RDFC_SHA256, OB_RDFC_WORK_FACTOR, &canon, &m, err);
	/* "label c14nN\n" per blank node, canonical order */
	for (line = m.data; !rc && line && *line; line = next) {
		char *sp = strchr(line, ' '), *nl;

		if (!sp || !(nl = strchr(sp, '\n')))
			break;
		*sp = *nl = '\0';
		next = nl + 1;
		if (sd_labels_add(map, line, sp + 1) < 0)
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	}
	ob_buf_release(&canon);
	ob_buf_release(&m);
	return rc;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

ob_code sd_quads_lines(const sd_quads *q, const sd_labels *map, sd_lines *out, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	ob_code rc = OB_OK;
	size_t i, j;
	int k;

	out->v = calloc(q->n ? q->n : 1, sizeof(char *));
	out->n = 0;
	if (!out->v)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (i = 0; i < q->n && !rc; i++) {
		ob_rdf_term r[4];

		for (k = 0; k < 4; k++) {
			as_rdf(&q->v[i].t[k], &r[k]);
			if (r[k].kind == OB_RDF_BLANK) {
				const char *to = sd_labels_get(map, r[k].value);

				if (!to) {
					rc = ob_fail(err, OB_EINVALID, "no label for blank node _:%s", r[k].value);
					break;
				}
				r[k].value = to;
				r[k].len = strlen(to);
			}
		}
		if (rc)
			break;
		ob_buf_truncate(&b, 0);
		if (ob_rdf_write_nquad(&b, &r[0], &r[1], &r[2], q->v[i].t[3].kind ? &r[3] : NULL) < 0 ||
		    !(out->v[out->n] = dup_n(b.data, b.len)))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
		else
			out->n++;
	}
	ob_buf_release(&b);
	if (rc) {
		sd_lines_release(out);
		return rc;
	}
	/* sorted by code point (UTF-8 bytes), duplicates dropped */
	qsort(out->v, out->n, sizeof(char *), cmp_line);
	for (i = j = 0; i < out->n; i++) {
		if (j && !strcmp(out->v[j - 1], out->v[i])) {
			free(out->v[i]);
			continue;
		}
		out->v[j++] = out->v[i];
	}
	out->n = j;
	return OB_OK;
}
