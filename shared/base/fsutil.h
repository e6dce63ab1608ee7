/* fsutil: atomic file writes and the per-tool home directory. */
#ifndef OB_FSUTIL_H
#define OB_FSUTIL_H

#include <stddef.h>

#include "base/err.h"

/* Writes data to path atomically: a temp file in the same directory,
 * fsync, rename, fsync of the directory. mode is the new file's mode
 * (0600 for anything secret). An existing path is replaced only when
 * overwrite is set; otherwise OB_EIO "'path' exists (use --force)". */
ob_code ob_write_file_atomic(const char *path, const void *data, size_t len,
			     int mode, int overwrite, ob_error *err);

/* The same, with the content written by fill(fd, ctx): 0, or -1 with errno
 * set ("cannot write 'path': reason"). For content that is not in memory
 * in one piece (a report spooled to a temp file). */
ob_code ob_write_file_atomic_fn(const char *path, int mode, int overwrite,
				int (*fill)(int fd, void *ctx), void *ctx, ob_error *err);

/* Creates dir (and parents) with mode 0700 if missing. */
ob_code ob_mkdir_p(const char *dir, ob_error *err);

/* Picks the home directory of a tool: opt (--home) if set, else the
 * environment variable env, else $XDG_DATA_HOME/obkit/<app>, else
 * ~/.local/share/obkit/<app>. Returns a heap string (caller frees). */
char *ob_home_dir(const char *opt, const char *env, const char *app, ob_error *err);

/* Heap "dir/name"; NULL on out of memory. */
char *ob_path_join(const char *dir, const char *name);

#endif
