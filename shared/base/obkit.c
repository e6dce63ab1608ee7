#include "base/obkit.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ARENA_REDZONE 16 /* poisoned gap after each block, so overruns show */
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ARENA_REDZONE 0
#endif

#define ARENA_FIRST (32 * 1024)  /* the first chunk */
#define ARENA_KEEP (256 * 1024)  /* a reset keeps at most this much */
#define ARENA_ALIGN 16           /* as malloc's */

struct achunk {
	struct achunk *next;
	size_t size, used;       /* bytes of data[] */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct ob_arena {
	struct achunk *chunks;   /* newest first; allocation uses the first */
	size_t total;            /* bytes of all chunks' data */
	unsigned paused;
};

/* the arena jansson allocates from on this thread (ob_arena_use) */
static _Thread_local ob_arena *cur_arena;

static struct achunk *chunk_new(size_t size)
{
	struct achunk *c = malloc(sizeof(*c) + size);

	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	ASAN_POISON_MEMORY_REGION(c->data, size);
	return c;
}

static void *arena_alloc(ob_arena *a, size_t n)
{
	size_t need = ((n ? n : 1) + ARENA_REDZONE + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct achunk *c = a->chunks;
	void *p;

	if (need < n)
		return NULL;
	if (!c || c->size - c->used < need) {
		size_t size = c ? 2 * c->size : ARENA_FIRST;

		if (size < need)
			size = need;
		if (!(c = chunk_new(size)))
			return NULL;
		c->next = a->chunks;
		a->chunks = c;
		a->total += size;
	}
	p = c->data + c->used;
	c->used += need;
	ASAN_UNPOISON_MEMORY_REGION(p, n);
	return p;
}

static int in_arena(const ob_arena *a, const void *p)
{
	const struct achunk *c;
	uintptr_t u = (uintptr_t)p;

	for (c = a->chunks; c; c = c->next)
		if (u >= (uintptr_t)c->data && u < (uintptr_t)c->data + c->size)
			return 1;
	return 0;
}

ob_arena *ob_arena_new(void)
{
	return calloc(1, sizeof(ob_arena));
}

static void wipe_chunks(ob_arena *a)
{
	struct achunk *c;

	for (c = a->chunks; c; c = c->next) {
		ASAN_UNPOISON_MEMORY_REGION(c->data, c->used);
		/* glibc's vector memset, not OPENSSL_cleanse's byte loop:
		 * every toRdf wipes its whole expanded tree here */
		explicit_bzero(c->data, c->used);
		c->used = 0;
		ASAN_POISON_MEMORY_REGION(c->data, c->size);
	}
}

void ob_arena_reset(ob_arena *a)
{
	struct achunk *c, *next;
	size_t total;

	if (!a)
		return;
	wipe_chunks(a);
	if (!a->chunks || (!a->chunks->next && a->total <= ARENA_KEEP))
		return;
	/* one chunk as large as all were (up to ARENA_KEEP) serves the next
	 * document without a second */
	total = a->total;
	for (c = a->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	a->chunks = NULL;
	a->total = 0;
	if (total <= ARENA_KEEP && (a->chunks = chunk_new(total)) != NULL)
		a->total = total;
}

void ob_arena_free(ob_arena *a)
{
	struct achunk *c, *next;

	if (!a)
		return;
	wipe_chunks(a);
	for (c = a->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

ob_arena *ob_arena_use(ob_arena *a)
{
	ob_arena *prev = cur_arena;

	cur_arena = a;
	return prev;
}

void ob_arena_pause(void)
{
	if (cur_arena)
		cur_arena->paused++;
}

void ob_arena_resume(void)
{
	if (cur_arena && cur_arena->paused)
		cur_arena->paused--;
}

static void *zalloc_malloc(size_t n)
{
	ob_arena *a = cur_arena;

	if (a && !a->paused)
		return arena_alloc(a, n);
	return malloc(n);
}

/* ob_wipe_pause's depth on this thread */
static _Thread_local unsigned wipe_paused;

/* jansson does not wipe what it frees; secrets (JWK "d", key file
 * contents) pass through json_t, so every jansson buffer is cleansed,
 * except inside a pause. */
static void zalloc_free(void *p)
{
	if (!p)
		return;
	/* an arena's blocks go (wiped) when it is reset */
	if (cur_arena && in_arena(cur_arena, p))
		return;
	if (!wipe_paused)
		OPENSSL_cleanse(p, malloc_usable_size(p));
	free(p);
}

void ob_wipe_pause(void)
{
	wipe_paused++;
}

void ob_wipe_resume(void)
{
	if (wipe_paused)
		wipe_paused--;
}

void ob_init(void)
{
	json_set_alloc_funcs(zalloc_malloc, zalloc_free);
	OPENSSL_init_crypto(0, NULL);
}
