#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/obkit.h"

static const char *prog = "obkit";
static const struct ob_cmd *current;

void ob_cli_init(const char *name, int secret)
{
	prog = name;
	ob_init();
	if (secret) {
		struct rlimit rl = { 0, 0 };
		setrlimit(RLIMIT_CORE, &rl);
	}
}

const char *ob_cli_prog(void)
{
	return prog;
}

const struct ob_cmd *ob_cli_current(void)
{
	return current;
}

int ob_cli_fail(const ob_error *e)
{
	fprintf(stderr, "%s: %s\n", prog, e->msg[0] ? e->msg : "error");
	return ob_exit_code(e->code ? e->code : OB_EIO);
}

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int ob_cli_errorf(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return code;
}

int ob_cli_usage(const struct ob_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "usage: %s %s\n", prog, cmd->synopsis);
	return 2;
}

ob_code ob_cli_output(const char *path, const char *data, size_t len, int force, ob_error *err)
{
	if (path)
		return ob_write_file_atomic(path, data, len, 0644, force, err);
	if (fwrite(data, 1, len, stdout) != len)
		return ob_fail(err, OB_EIO, "cannot write to standard output");
	return OB_OK;
}

int ob_cli_help(void)
{
	if (current)
		printf("usage: %s %s\n", prog, current->synopsis);
	return 0;
}

static void list(FILE *f, const struct ob_cmd *cmds, size_t n, const char *summary,
		 const char *opts_help)
{
	size_t i;

	fprintf(f, "%s %s: %s\n\nusage: %s [global options] <command> [options]\n\n", prog,
		OB_VERSION, summary, prog);
	if (opts_help)
		fprintf(f, "global options:\n%s\n", opts_help);
	fprintf(f, "commands:\n");
	for (i = 0; i < n; i++)
		fprintf(f, "  %s %s\n", prog, cmds[i].synopsis);
}

static int finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE)
			fprintf(stderr, "%s: cannot write output: %s\n", prog, strerror(errno));
		return rc ? rc : 3;
	}
	return rc;
}

int ob_cli_main(const struct ob_cmd *cmds, size_t n, int argc, char **argv,
		const char *summary, const char *opts_help)
{
	size_t i;

	if (argc < 2) {
		list(stderr, cmds, n, summary, opts_help);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		list(stdout, cmds, n, summary, opts_help);
		return finish(0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("%s %s\n", prog, OB_VERSION);
		return finish(0);
	}
	for (i = 0; i < n; i++) {
		if (!strcmp(argv[1], cmds[i].name)) {
			current = &cmds[i];
			optind = 1; /* getopt_long in the command sees argv[0] = name */
			return finish(cmds[i].run(argc - 1, argv + 1));
		}
	}
	fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n", prog, argv[1], prog);
	return 2;
}
