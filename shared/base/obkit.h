/* obkit: library-wide set-up. */
#ifndef OB_OBKIT_H
#define OB_OBKIT_H

/* Call once at program start, before any other ob_ function: installs a
 * jansson allocator that wipes memory on free (key files and wallet
 * records pass through json_t), and initialises OpenSSL. */
void ob_init(void);

/* Between ob_wipe_pause and ob_wipe_resume (nestable, per thread), jansson
 * blocks freed on this thread are not wiped. Only for work that never
 * holds key material and frees only what it made itself: JSON-LD
 * expansion and toRdf of a document (the intermediate trees a signature
 * builds and drops), where wiping cost about 5% of an eddsa-rdfc-2022
 * signature. Anything made inside and freed after the pause is still
 * wiped. */
void ob_wipe_pause(void);
void ob_wipe_resume(void);

#endif
