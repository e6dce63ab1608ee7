/* obkit: library-wide set-up. */
#ifndef OB_OBKIT_H
#define OB_OBKIT_H

/* Call once at program start, before any other ob_ function: installs a
 * jansson allocator that wipes memory on free (key files and wallet
 * records pass through json_t), and initialises OpenSSL. */
void ob_init(void);

#endif
