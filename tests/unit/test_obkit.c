/* test_obkit: the jansson arena (ob_arena_*) behind ob_init's allocator. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "base/obkit.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

/* After a reset, a block the arena gave out is wiped: zero bytes, or
 * under ASan poisoned (reading it would be reported). */
static int wiped(const void *p, size_t n)
{
#if defined(__SANITIZE_ADDRESS__)
	return __asan_region_is_poisoned((void *)p, n) != NULL;
#else
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
#endif
}

static void test_basic(void)
{
	ob_arena *a = ob_arena_new(), *prev;
	json_t *s, *t, *o, *u;
	const char *sv;
	uintptr_t first;

	CHECK(a != NULL);
	prev = ob_arena_use(a);
	CHECK(prev == NULL);
	s = json_string("not a secret, but wiped anyway");
	o = json_object();
	CHECK(s && o && json_object_set(o, "k", s) == 0);
	/* paused: ordinary malloc, which outlives the reset */
	ob_arena_pause();
	t = json_string("kept");
	ob_arena_resume();
	CHECK(t && json_object_set(o, "t", t) == 0);
	sv = json_string_value(s);
	first = (uintptr_t)s;
	json_decref(o);   /* frees the arena's blocks: nothing happens yet */
	json_decref(s);
	CHECK(strcmp(sv, "not a secret, but wiped anyway") == 0);
	CHECK(ob_arena_use(prev) == a);
	ob_arena_reset(a);
	CHECK(wiped(sv, 8));
	CHECK(strcmp(json_string_value(t), "kept") == 0);
	json_decref(t);   /* a malloc block, freed as usual */

	/* the blocks are handed out again from the start (the same
	 * allocations in the same order land at the same places) */
	prev = ob_arena_use(a);
	u = json_string("not a secret, but wiped anyway");
	CHECK(u && (uintptr_t)u == first);
	json_decref(u);
	ob_arena_use(prev);
	ob_arena_free(a);
}

/* More than the first chunk, then more than a reset keeps: every block
 * stays usable until the reset, and the arena works after each. */
static void test_growth(void)
{
	ob_arena *a = ob_arena_new(), *prev;
	json_t *arr;
	size_t i, n, k, ok;
	int round;

	CHECK(a != NULL);
	for (round = 0; round < 3; round++) {
		n = round == 1 ? 40000 : 3000; /* about 2 MB in round 1 */
		prev = ob_arena_use(a);
		arr = json_array();
		for (i = 0; arr && i < n; i++)
			if (json_array_append_new(arr, json_integer((json_int_t)i)))
				break;
		CHECK(arr && json_array_size(arr) == n);
		for (k = ok = 0; k < json_array_size(arr); k++)
			ok += json_integer_value(json_array_get(arr, k)) == (json_int_t)k;
		CHECK(ok == n);
		json_decref(arr);
		ob_arena_use(prev);
		ob_arena_reset(a);
	}
	ob_arena_free(a);
	ob_arena_free(NULL);
	ob_arena_reset(NULL);
}

int main(void)
{
	ob_init();
	test_basic();
	test_growth();
	return check_done("test_obkit");
}
