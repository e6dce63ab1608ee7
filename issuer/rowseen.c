#include "rowseen.h"

#include <stdlib.h>
#include <string.h>

/* the slot of fingerprint h in a table of cap slots: the high bits of
 * h * cap ("fastrange"), so cap needs not be a power of two */
static size_t slot(uint64_t h, size_t cap)
{
	return (size_t)(((unsigned __int128)(h << 8) * cap) >> 64);
}

/* Grows p by half (linear probing stays short up to 7/8 full). */
static int grow(struct rowseen_part *p)
{
	size_t cap = p->cap ? p->cap + p->cap / 2 : 64, i, j;
	uint64_t *fp = calloc(cap, sizeof(*fp));
	uint32_t *line = malloc(cap * sizeof(*line));

	if (!fp || !line) {
		free(fp);
		free(line);
		return -1;
	}
	for (i = 0; i < p->cap; i++) {
		if (!p->fp[i])
			continue;
		for (j = slot(p->fp[i], cap); fp[j]; j = j + 1 < cap ? j + 1 : 0)
			;
		fp[j] = p->fp[i];
		line[j] = p->line[i];
	}
	free(p->fp);
	free(p->line);
	p->fp = fp;
	p->line = line;
	p->cap = cap;
	return 0;
}

long rowseen_add(rowseen *s, const unsigned char key[32], unsigned long line)
{
	struct rowseen_part *p = &s->part[key[0]];
	uint64_t h = 0;
	size_t j;
	int i;

	for (i = 0; i < 8; i++)
		h = h << 8 | key[i];
	if (!h)
		h = 1;
	if ((p->n + 1) * 8 > p->cap * 7 && grow(p) < 0)
		return -1;
	for (j = slot(h, p->cap); p->fp[j]; j = j + 1 < p->cap ? j + 1 : 0)
		if (p->fp[j] == h)
			return p->line[j] ? (long)p->line[j] : 1;
	p->fp[j] = h;
	/* a roster past 4 billion lines would name line 1; none is that long */
	p->line[j] = line > UINT32_MAX ? 1 : (uint32_t)line;
	p->n++;
	return 0;
}

void rowseen_release(rowseen *s)
{
	int i;

	for (i = 0; i < 256; i++) {
		free(s->part[i].fp);
		free(s->part[i].line);
	}
	memset(s, 0, sizeof(*s));
}
