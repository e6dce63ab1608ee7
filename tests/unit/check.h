/* check.h: the whole unit-test framework. CHECK prints file:line on
 * failure; each test binary ends with "N passed, N failed". */
#ifndef OB_CHECK_H
#define OB_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
	if (cond) check_passed++; \
	else { check_failed++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *ca_ = (a), *cb_ = (b); \
	if (ca_ && cb_ && strcmp(ca_, cb_) == 0) check_passed++; \
	else { check_failed++; fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:  %s\n  want: %s\n", \
		__FILE__, __LINE__, #a, ca_ ? ca_ : "(null)", cb_ ? cb_ : "(null)"); } \
} while (0)

/* Test data folders: CONFORMANCE_DIR overrides ../shared/conformance,
 * SHARED_DIR overrides ../shared. */
static inline const char *shared_dir(void)
{
	const char *d = getenv("SHARED_DIR");
	return d && *d ? d : "../shared";
}

static inline const char *conformance_dir(void)
{
	static char buf[4096];
	const char *d = getenv("CONFORMANCE_DIR");
	if (d && *d)
		return d;
	snprintf(buf, sizeof(buf), "%s/conformance", shared_dir());
	return buf;
}

static inline int check_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
