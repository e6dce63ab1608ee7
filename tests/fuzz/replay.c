/* replay: a main() for a fuzz target without libFuzzer. Runs
 * LLVMFuzzerTestOneInput once over every file named on the command line,
 * or every regular file in a directory named there (not recursively;
 * files starting with '.' and README* are skipped). Files listed in an
 * exclusion file (-x FILE, one path per line, '#' comments) are skipped
 * and counted apart: they are the open findings (tests/fuzz/README.md).
 *
 * Built with the unit tests' flags, so under ASan+UBSan in build-asan:
 * a crash, leak or sanitizer report ends the process with a nonzero
 * status, and tests/fuzz/replay.sh counts the target as failed. Prints
 * "replay TARGET: N inputs (N skipped)". */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "proof/suite.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static char **skip;
static size_t nskip;

static void load_skip(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, **n;
		size_t len;

		while (*s == ' ' || *s == '\t')
			s++;
		len = strcspn(s, "\r\n");
		s[len] = '\0';
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			s[--len] = '\0';
		if (!len || *s == '#')
			continue;
		if (!(n = realloc(skip, (nskip + 1) * sizeof(*skip))))
			break;
		skip = n;
		if (!(skip[nskip] = strdup(s)))
			break;
		nskip++;
	}
	fclose(f);
}

/* Listed paths are relative to the top of the tree; match on the tail. */
static int skipped(const char *path)
{
	size_t i, pl = strlen(path);

	for (i = 0; i < nskip; i++) {
		size_t sl = strlen(skip[i]);

		if (pl >= sl && !strcmp(path + pl - sl, skip[i]) &&
		    (pl == sl || path[pl - sl - 1] == '/'))
			return 1;
	}
	return 0;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL, *n;
	size_t len = 0, cap = 0, got;

	if (!f) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (!(n = realloc(data, cap))) {
				free(data);
				fclose(f);
				fprintf(stderr, "%s: out of memory\n", path);
				return -1;
			}
			data = n;
		}
		got = fread(data + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		perror(path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (getenv("FUZZ_REPLAY_VERBOSE"))
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	/* a copy of exactly len bytes, so ASan sees any read past the end */
	n = malloc(len ? len : 1);
	if (!n) {
		free(data);
		return -1;
	}
	if (len)
		memcpy(n, data, len);
	free(data);
	LLVMFuzzerTestOneInput(n, len);
	free(n);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *target = "target";
	size_t runs = 0, skips = 0, i;
	int a, bad = 0;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		target = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc > 2 && !strcmp(argv[1], "-x")) {
		load_skip(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (a = 1; a < argc; a++) {
		struct stat st;
		DIR *d;
		struct dirent *e;
		char **names = NULL, **nn;
		size_t nnames = 0;

		if (stat(argv[a], &st)) {
			continue; /* a regression folder a target does not have yet */
		}
		if (!S_ISDIR(st.st_mode)) {
			if (skipped(argv[a]))
				skips++;
			else if (run_file(argv[a]) < 0)
				bad = 1;
			else
				runs++;
			continue;
		}
		if (!(d = opendir(argv[a]))) {
			perror(argv[a]);
			bad = 1;
			continue;
		}
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6))
				continue;
			if (!(nn = realloc(names, (nnames + 1) * sizeof(*names))) ||
			    !(nn[nnames] = malloc(strlen(argv[a]) + strlen(e->d_name) + 2))) {
				fprintf(stderr, "out of memory\n");
				names = nn ? nn : names;
				bad = 1;
				break;
			}
			names = nn;
			sprintf(names[nnames++], "%s/%s", argv[a], e->d_name);
		}
		closedir(d);
		if (nnames > 1)
			qsort(names, nnames, sizeof(*names), cmp);
		for (i = 0; i < nnames; i++) {
			if (!stat(names[i], &st) && S_ISREG(st.st_mode)) {
				if (skipped(names[i]))
					skips++;
				else if (run_file(names[i]) < 0)
					bad = 1;
				else
					runs++;
			}
			free(names[i]);
		}
		free(names);
	}
	/* what the linked-data suites keep per thread */
	ob_suite_thread_release();
	for (i = 0; i < nskip; i++)
		free(skip[i]);
	free(skip);
	printf("replay %s: %zu inputs (%zu skipped)\n", target, runs, skips);
	return bad;
}
