#include "base/obkit.h"

#include <malloc.h>
#include <stdlib.h>

#include <jansson.h>
#include <openssl/crypto.h>

static void *zalloc_malloc(size_t n)
{
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
