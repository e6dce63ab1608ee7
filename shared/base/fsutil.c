#include "base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *ob_path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

ob_code ob_mkdir_p(const char *dir, ob_error *err)
{
	char *p = strdup(dir), *s;
	ob_code rc = OB_OK;

	if (!p)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				rc = ob_fail(err, OB_EIO, "cannot create '%s': %s", p, strerror(errno));
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	if (!rc) {
		struct stat st;
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
			rc = ob_fail(err, OB_EIO, "'%s' is not a directory", dir);
	}
	free(p);
	return rc;
}

ob_code ob_write_file_atomic_fn(const char *path, int mode, int overwrite,
				int (*fill)(int fd, void *ctx), void *ctx, ob_error *err)
{
	char *tmp = NULL, *dcopy = NULL;
	int fd = -1, dfd;
	ob_code rc = OB_OK;
	struct stat st;

	if (!overwrite && lstat(path, &st) == 0)
		return ob_fail(err, OB_EIO, "'%s' exists (use --force to replace it)", path);
	if (overwrite && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return ob_fail(err, OB_EIO, "'%s' is a directory", path);
	tmp = malloc(strlen(path) + 16);
	if (!tmp)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	sprintf(tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = ob_fail(err, OB_EIO, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, (mode_t)mode) < 0) {
		rc = ob_fail(err, OB_EIO, "cannot chmod '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (fill(fd, ctx) < 0) {
		rc = ob_fail(err, OB_EIO, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		rc = ob_fail(err, OB_EIO, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (!overwrite) {
		/* link() fails if path appeared meanwhile: never clobber */
		if (link(tmp, path) < 0) {
			rc = ob_fail(err, OB_EIO, errno == EEXIST ?
				     "'%s' exists (use --force to replace it)" : "cannot write '%s'", path);
			goto out;
		}
		unlink(tmp);
	} else if (rename(tmp, path) < 0) {
		rc = ob_fail(err, OB_EIO, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	dcopy = strdup(path);
	if (dcopy && (dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dcopy);
	return rc;
}

struct bytes {
	const char *p;
	size_t len;
};

static int fill_bytes(int fd, void *ctx)
{
	struct bytes *b = ctx;

	while (b->len) {
		ssize_t w = write(fd, b->p, b->len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b->p += w;
		b->len -= (size_t)w;
	}
	return 0;
}

ob_code ob_write_file_atomic(const char *path, const void *data, size_t len,
			     int mode, int overwrite, ob_error *err)
{
	struct bytes b = { data, len };

	return ob_write_file_atomic_fn(path, mode, overwrite, fill_bytes, &b, err);
}

char *ob_home_dir(const char *opt, const char *env, const char *app, ob_error *err)
{
	const char *v;
	char *r = NULL;

	if (opt && *opt)
		r = strdup(opt);
	else if (env && (v = getenv(env)) && *v)
		r = strdup(v);
	else if ((v = getenv("XDG_DATA_HOME")) && *v) {
		r = malloc(strlen(v) + strlen(app) + 16);
		if (r)
			sprintf(r, "%s/obkit/%s", v, app);
	} else if ((v = getenv("HOME")) && *v) {
		r = malloc(strlen(v) + strlen(app) + 32);
		if (r)
			sprintf(r, "%s/.local/share/obkit/%s", v, app);
	} else {
		ob_fail(err, OB_EUSAGE, "no home directory: use --home or set %s", env);
		return NULL;
	}
	if (!r)
		ob_fail(err, OB_ENOMEM, "out of memory");
	return r;
}
