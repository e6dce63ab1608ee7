/* run_jcs: RFC 8785 conformance. Every jcs/input/X.json must canonicalize
 * to exactly the bytes of jcs/output/X.json, and every line
 * "hexbits,expected" of jcs/es6numbers.txt must format as expected.
 * Each file and each line counts as one check. */
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "base/obkit.h"

#define MAX_SHOWN 20

static int shown;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	check_failed++;
	if (shown++ < MAX_SHOWN) {
		fprintf(stderr, "run_jcs: FAIL ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	} else if (shown == MAX_SHOWN + 1) {
		fprintf(stderr, "run_jcs: (further failures not shown)\n");
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_case(const char *dir, const char *name)
{
	char in_path[4096], out_path[4096];
	char *in = NULL, *want = NULL;
	size_t in_len, want_len;
	json_t *v = NULL;
	ob_buf got = OB_BUF_INIT;
	ob_error err = { 0 };

	snprintf(in_path, sizeof(in_path), "%s/jcs/input/%s", dir, name);
	snprintf(out_path, sizeof(out_path), "%s/jcs/output/%s", dir, name);
	if (ob_file_read(in_path, OB_JSON_MAX_SIZE, &in, &in_len, &err) ||
	    ob_file_read(out_path, OB_JSON_MAX_SIZE, &want, &want_len, &err)) {
		fail("%s: %s", name, err.msg);
		goto out;
	}
	v = ob_json_parse(in, in_len, &err);
	if (!v || ob_jcs_canonicalize(v, &got, &err)) {
		fail("%s: %s", name, err.msg);
		goto out;
	}
	if (got.len != want_len || memcmp(got.data, want, want_len) != 0) {
		fail("%s:\n  got:  %s\n  want: %s", name, got.data, want);
		goto out;
	}
	check_passed++;
out:
	ob_buf_release(&got);
	json_decref(v);
	free(in);
	free(want);
}

static void run_files(const char *dir)
{
	char path[4096];
	char **names = NULL, **p;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/jcs/input", dir);
	d = opendir(path);
	if (!d) {
		fail("cannot open '%s'", path);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			p = realloc(names, cap * sizeof(*names));
			if (!p)
				abort();
			names = p;
		}
		if (!(names[n++] = strdup(de->d_name)))
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		run_case(dir, names[i]);
		free(names[i]);
	}
	free(names);
	if (n == 0)
		fail("no cases in '%s'", path);
}

static void run_numbers(const char *dir)
{
	char path[4096], *text = NULL, *line, *next, *comma;
	size_t len, lineno = 0;
	ob_error err = { 0 };

	snprintf(path, sizeof(path), "%s/jcs/es6numbers.txt", dir);
	if (ob_file_read(path, 64u * 1024 * 1024, &text, &len, &err)) {
		fail("%s", err.msg);
		return;
	}
	for (line = text; *line; line = next) {
		char got[32], *end;
		uint64_t bits;
		double d;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (!*line)
			continue;
		comma = strchr(line, ',');
		if (!comma) {
			fail("es6numbers.txt:%zu: malformed line '%s'", lineno, line);
			continue;
		}
		*comma = '\0';
		bits = strtoull(line, &end, 16);
		if (end == line || end != comma) {
			fail("es6numbers.txt:%zu: malformed hex '%s'", lineno, line);
			continue;
		}
		memcpy(&d, &bits, sizeof(d));
		if (ob_jcs_number(d, got) < 0)
			strcpy(got, "(error)");
		if (strcmp(got, comma + 1) != 0) {
			fail("es6numbers.txt:%zu: %s: got %s, want %s", lineno, line, got,
			     comma + 1);
			continue;
		}
		check_passed++;
	}
	free(text);
}

int main(void)
{
	const char *dir = conformance_dir();

	ob_init();
	run_files(dir);
	run_numbers(dir);
	return check_done("run_jcs");
}
