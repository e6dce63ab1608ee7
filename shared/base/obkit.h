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

/* An arena for the jansson blocks of a short-lived tree, as toRdf's
 * expansion makes (one malloc and free each would otherwise cost about
 * a tenth of a signature). While ob_arena_use(a) is in force on a thread,
 * jansson's allocations on that thread come from a's chunks (unless
 * paused), and freeing one of a's blocks does nothing. ob_arena_reset
 * then wipes every block a handed out (the wipe-on-free guarantee holds
 * at the reset) and makes them available again. The rule for callers:
 * every block from a is freed before the reset, on the thread that used
 * a; anything that must outlive it (a cache, a memo) is made inside
 * ob_arena_pause / ob_arena_resume. ASan builds poison the free parts. */
typedef struct ob_arena ob_arena;

/* A new empty arena (it takes memory on first use); NULL when out of
 * memory. Free with ob_arena_free (which resets it first). */
ob_arena *ob_arena_new(void);
void ob_arena_free(ob_arena *a);

/* Wipes and recycles every block a gave out (see above); keeps one chunk
 * of up to 256 KiB for the next use. */
void ob_arena_reset(ob_arena *a);

/* Makes a (NULL: none) the calling thread's arena; returns the previous
 * one, to be restored with another call. */
ob_arena *ob_arena_use(ob_arena *a);

/* Between these (nestable), the thread's arena gives out nothing: jansson
 * allocates with malloc as usual. Freeing the arena's blocks still does
 * nothing. */
void ob_arena_pause(void);
void ob_arena_resume(void);

#endif
