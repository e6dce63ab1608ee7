#include "base/rand.h"

#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* 512 bytes: about seventeen credentials' worth per refill */
#define POOL 512

static _Thread_local unsigned char pool[POOL];
static _Thread_local size_t avail; /* unread bytes: the last avail of pool */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* In a forked child only the forking thread exists: its pool is the one
 * the parent still holds, so it must not be drawn from again. */
static void drop_pool(void)
{
	OPENSSL_cleanse(pool, sizeof(pool));
	avail = 0;
}

static void register_fork(void)
{
	pthread_atfork(NULL, NULL, drop_pool);
}

ob_code ob_random(void *out, size_t n, ob_error *err)
{
	unsigned char *p;

	pthread_once(&once, register_fork);
	if (n > POOL / 4)
		return RAND_bytes(out, (int)n) == 1 ? OB_OK : ob_fail_ssl(err, "random bytes");
	if (avail < n) {
		/* what is left is too short: a fresh pool overwrites it */
		if (RAND_bytes(pool, POOL) != 1) {
			OPENSSL_cleanse(pool, POOL);
			avail = 0;
			return ob_fail_ssl(err, "random bytes");
		}
		avail = POOL;
	}
	p = pool + POOL - avail;
	memcpy(out, p, n);
	OPENSSL_cleanse(p, n);
	avail -= n;
	return OB_OK;
}
