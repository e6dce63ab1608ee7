/* loader: the --doc map. ob_loader_add_spec (the command-line form)
 * refuses a FILE that is not a readable regular file at once, with a
 * usage error; the file is still read only when first asked for.
 * ob_loader_add stays lazy. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "io/loader.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		CHECK(fclose(f) == 0);
	}
}

/* Adds "url=path" with a fresh error. */
static ob_code spec(ob_loader *l, const char *url, const char *path, ob_error *err)
{
	char s[PATH_MAX + 256];

	ob_error_clear(err);
	CHECK(snprintf(s, sizeof(s), "%s=%s", url, path) < (int)sizeof(s));
	return ob_loader_add_spec(l, s, err);
}

int main(void)
{
	char dir[] = "/tmp/obkit-test-loader.XXXXXX";
	char doc[PATH_MAX], fifo[PATH_MAX], want[PATH_MAX + 64];
	ob_loader *l = ob_loader_new();
	ob_error err = { 0 };
	const json_t *v;

	CHECK(l != NULL);
	CHECK(mkdtemp(dir) != NULL);
	CHECK(snprintf(doc, sizeof(doc), "%s/doc.json", dir) < (int)sizeof(doc));
	CHECK(snprintf(fifo, sizeof(fifo), "%s/fifo", dir) < (int)sizeof(fifo));

	/* malformed specs */
	CHECK(ob_loader_add_spec(l, "no-equals-sign", &err) == OB_EUSAGE);
	CHECK_STR(err.msg, "--doc wants URL=FILE, got 'no-equals-sign'");
	ob_error_clear(&err);
	CHECK(ob_loader_add_spec(l, "=x.json", &err) == OB_EUSAGE);
	ob_error_clear(&err);
	CHECK(ob_loader_add_spec(l, "https://x.example/doc=", &err) == OB_EUSAGE);

	/* a missing file: a usage error now, and no mapping left behind */
	CHECK(spec(l, "https://x.example/doc", "/nonexistent/doc.json", &err) == OB_EUSAGE);
	CHECK_STR(err.msg, "--doc: cannot read '/nonexistent/doc.json': No such file or directory");
	ob_error_clear(&err);
	CHECK(ob_loader_get(l, "https://x.example/doc", &err) == NULL);
	CHECK(err.code == OB_ENET && strstr(err.msg, "not available offline") != NULL);
	/* a directory, a FIFO (refused without waiting for a writer), stdin */
	CHECK(spec(l, "https://x.example/doc", dir, &err) == OB_EUSAGE);
	snprintf(want, sizeof(want), "--doc: cannot read '%s': is a directory", dir);
	CHECK_STR(err.msg, want);
	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK(spec(l, "https://x.example/doc", fifo, &err) == OB_EUSAGE);
	CHECK(strstr(err.msg, "not a regular file") != NULL);
	CHECK(spec(l, "https://x.example/doc", "-", &err) == OB_EUSAGE);
	CHECK(strstr(err.msg, "cannot read '-'") != NULL);
	if (geteuid() != 0) { /* root reads anything */
		write_file(doc, "{}");
		CHECK(chmod(doc, 0) == 0);
		CHECK(spec(l, "https://x.example/doc", doc, &err) == OB_EUSAGE);
		CHECK(strstr(err.msg, "Permission denied") != NULL);
		CHECK(chmod(doc, 0600) == 0);
	}

	/* a readable file: mapped, and read when first asked for */
	write_file(doc, "{\"v\": 1}");
	CHECK(spec(l, "https://x.example/doc#frag", doc, &err) == OB_OK);
	write_file(doc, "{\"v\": 2}");
	ob_error_clear(&err);
	v = ob_loader_get_remote(l, "https://x.example/doc#other", &err);
	CHECK(v != NULL && json_number_value(json_object_get(v, "v")) == 2);
	ob_error_clear(&err);
	CHECK(ob_loader_get(l, "https://x.example/doc#other", &err) == NULL);
	CHECK(err.code == OB_EINVALID);
	ob_error_clear(&err);
	v = ob_loader_get(l, "https://x.example/doc", &err);
	CHECK(v != NULL && json_number_value(json_object_get(v, "v")) == 2);
	ob_loader_free(l);

	/* ob_loader_add (library callers, test maps) does not look at the
	 * file: a missing one fails when it is asked for */
	l = ob_loader_new();
	ob_error_clear(&err);
	CHECK(ob_loader_add(l, "https://x.example/doc", "/nonexistent/doc.json", &err) == OB_OK);
	CHECK(ob_loader_get(l, "https://x.example/doc", &err) == NULL);
	CHECK(err.code == OB_EIO && strstr(err.msg, "cannot open") != NULL);
	ob_error_clear(&err);
	CHECK(ob_loader_add(l, "", doc, &err) == OB_EUSAGE);
	ob_loader_free(l);

	unlink(fifo);
	unlink(doc);
	CHECK(rmdir(dir) == 0);
	return check_done("test_loader");
}
