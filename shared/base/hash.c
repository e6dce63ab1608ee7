#include "base/hash.h"

#include <pthread.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

void ob_sha256(const void *data, size_t len, unsigned char out[32])
{
	pthread_once(&sha256_once, sha256_fetch);
	if (!sha256_md || !EVP_Digest(data, len, out, NULL, sha256_md, NULL))
		SHA256(data, len, out);
}
