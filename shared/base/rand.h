/* rand: random bytes for public values: credential ids, identity-hash
 * salts, status-list slots. They come from a small per-thread pool that
 * OpenSSL's CSPRNG refills, because each RAND_bytes call costs a getpid()
 * system call and DRBG locking (about 2.5 us on a VM), and a roster draws
 * three such values per credential.
 *
 * Never use it for keys, nonces or anything secret: unused pool bytes sit
 * in memory until drawn (drawn bytes are wiped from the pool). Those take
 * RAND_bytes or RAND_priv_bytes directly. A forked child drops its copy
 * of the pool, so parent and child never draw the same bytes. */
#ifndef OB_RAND_H
#define OB_RAND_H

#include <stddef.h>

#include "base/err.h"

/* Fills out with n random bytes. OB_ECRYPTO when the CSPRNG fails. */
ob_code ob_random(void *out, size_t n, ob_error *err) __attribute__((warn_unused_result));

#endif
