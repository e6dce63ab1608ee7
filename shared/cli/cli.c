#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A bad option, one form for every tool and command. */
static int bad_option(const struct ob_cmd *cmd, const char *msg)
{
	if (cmd)
		fprintf(stderr, "%s: %s: %s\nusage: %s %s\n", prog, cmd->name, msg, prog, cmd->synopsis);
	else
		fprintf(stderr, "%s: %s\nusage: %s [global options] <command> [options]\n", prog, msg, prog);
	return 2;
}

int ob_cli_usage(const struct ob_cmd *cmd, const char *fmt, ...)
{
	const char *bad = ob_opts_take_error();
	va_list ap;

	if (bad)
		return bad_option(cmd, bad);
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
		 const struct ob_opt_global *g)
{
	size_t i;

	fprintf(f, "%s %s: %s\n\nusage: %s [global options] <command> [options]\n\n", prog,
		OB_VERSION, summary, prog);
	fprintf(f, "global options (before or after the command name):\n");
	for (; g && g->name; g++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "%s%c%s--%s%s%s", g->short_name ? "-" : "",
			 g->short_name ? g->short_name : ' ', g->short_name ? ", " : "", g->name,
			 g->arg ? " " : "", g->arg ? g->arg : "");
		fprintf(f, "  %-24s %s\n", opt + !g->short_name, g->help);
	}
	fprintf(f, "  %-24s %s\n\ncommands:\n", "--version", "print the version");
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

/* The command at argv[at], its command line rearranged (cli/opts.h). */
static int run(const struct ob_cmd *cmd, const struct ob_opt_global *g, int argc, char **argv, int at)
{
	char msg[256], **cargv;
	int cargc, rc;

	current = cmd;
	if (!(cargv = ob_opts_after(g, cmd->synopsis, argc, argv, at, &cargc, msg, sizeof(msg))))
		return strcmp(msg, "out of memory") ? bad_option(cmd, msg) : ob_cli_errorf(3, "%s", msg);
	optind = 1; /* getopt_long in the command sees argv[0] = name */
	rc = cmd->run(cargc, cargv);
	free(cargv);
	return finish(rc);
}

int ob_cli_main(const struct ob_cmd *cmds, size_t n, const struct ob_opt_global *g, int argc,
		char **argv, const char *summary)
{
	char msg[256];
	const char *word;
	size_t i;
	int at;

	if ((at = ob_opts_before(g, argc, argv, msg, sizeof(msg))) < 0)
		return bad_option(NULL, msg);
	if (at >= argc) {
		list(stderr, cmds, n, summary, g);
		return 2;
	}
	word = argv[at];
	if (!strcmp(word, "--help") || !strcmp(word, "-h") || !strcmp(word, "help")) {
		list(stdout, cmds, n, summary, g);
		return finish(0);
	}
	if (!strcmp(word, "--version")) {
		printf("%s %s\n", prog, OB_VERSION);
		return finish(0);
	}
	for (i = 0; i < n; i++)
		if (!strcmp(word, cmds[i].name))
			return run(&cmds[i], g, argc, argv, at);
	fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n", prog, word, prog);
	return 2;
}
