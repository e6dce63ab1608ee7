/* sd_canon: deskolemized quads, RDFC-1.0 with its label map, relabelled
 * canonical N-Quads (see sd_canon.h; the reference's skolemize.js and
 * canonicalize.js are the model). */
#include "proof/sd_canon.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "canon/contexts.h"
#include "canon/jsonld.h"
#include "canon/rdfc.h"
#include "proof/sd_select.h"

typedef struct {
	ob_rdf_kind kind; /* 0: none (default graph) */
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
	ob_rdf_term r[4];
	ob_error e = { 0 };
	sd_quad *qd;
	int k;

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
	for (k = 0; k < 4; k++)
		as_rdf(&qd->t[k], &r[k]);
	return ob_rdf_dataset_add(q->ds, &r[0], &r[1], &r[2], g ? &r[3] : NULL, &e) != OB_OK;
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
	if (q->oom && !rc)
		rc = ob_fail(&first, OB_ENOMEM, "out of memory");
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
