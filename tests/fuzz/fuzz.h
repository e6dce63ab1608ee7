/* fuzz: what the libFuzzer targets share. Each fuzz_<target>.c defines
 * LLVMFuzzerTestOneInput; it is linked either with libFuzzer
 * (-fsanitize=fuzzer, `make fuzz`) or with replay.c (`make test`, which
 * runs every corpus and regression file through it once).
 *
 * A target must free everything it allocates (leaks are failures under
 * ASan) and must never touch the network: loaders are made with
 * ob_loader_new() and no ob_loader_set_http. */
#ifndef OB_FUZZ_H
#define OB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Evaluation time for everything date-dependent, so a run does not
 * depend on the clock: 2026-01-01T00:00:00Z (tests/cli/lib.sh's NOW). */
#define FUZZ_NOW ((time_t)1767225600)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property the library promises was broken: report it and abort, so
 * libFuzzer saves the input as a crash. */
#define FUZZ_ASSERT(cond, what)                                                          \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
				(what));                                                 \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* A NUL-terminated heap copy of the input (the library's string APIs),
 * or NULL when out of memory. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		if (size)
			memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
