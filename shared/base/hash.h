/* hash: digests the layers above share. */
#ifndef OB_HASH_H
#define OB_HASH_H

#include <stddef.h>

/* SHA-256 of data into out. Like OpenSSL's SHA256() but with the digest
 * fetched once per process: SHA256() looks the algorithm up in the
 * provider store (locks, a hash walk) on every call, which a roster
 * calls three times per credential. */
void ob_sha256(const void *data, size_t len, unsigned char out[32]);

#endif
