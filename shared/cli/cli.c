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
static struct ob_cmd current_cmd;         /* current, for a command run from a spec */
static const struct ob_cmd_spec *current_spec;
static const struct ob_opt_global *globals;

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

int ob_cli_qr_terminal(const ob_qr *qr, FILE *out, const char *png_hint)
{
	ob_error err = { 0 };
	int need = ob_qr_terminal_columns(qr), have = ob_qr_terminal_width(out);

	if (ob_qr_render_terminal(qr, out, &err))
		return ob_cli_fail(&err);
	if (have > 0 && need > have)
		fprintf(stderr, "%s: warning: the QR code is %d columns wide and the terminal %d: "
			"it wraps and will not scan; write an image with %s (or widen the terminal)\n",
			prog, need, have, png_hint);
	return 0;
}

ob_code ob_cli_output(const char *path, const char *data, size_t len, int force, ob_error *err)
{
	if (path)
		return ob_write_file_atomic(path, data, len, 0644, force, err);
	if (fwrite(data, 1, len, stdout) != len)
		return ob_fail(err, OB_EIO, "cannot write to standard output");
	return OB_OK;
}

/* The option lines of a --help, in two columns. */
static void help_lines(const struct ob_cmd_opt *opts, const struct ob_opt_global *g)
{
	static const struct ob_cmd_opt help = { "help", 'h', NULL, "print this help", OB_OPT_HELP, 0 };
	const struct ob_cmd_opt *o;
	char label[96];
	int w = 0, h_taken = 0;

	for (o = opts; o->name; o++) {
		ob_cmd_opt_label(o, label, sizeof(label));
		if (!(o->flags & OB_OPT_HIDDEN) && (int)strlen(label) > w)
			w = (int)strlen(label);
		h_taken |= o->short_name == 'h';
	}
	w = w < 12 ? 12 : w > 30 ? 30 : w;
	printf("options:\n");
	for (o = opts; o->name; o++) {
		if (o->flags & OB_OPT_HIDDEN)
			continue;
		ob_cmd_opt_label(o, label, sizeof(label));
		printf("  %-*s  %s%s\n", w, label, o->help ? o->help : "",
		       o->flags & OB_OPT_REPEAT ? " (repeatable)" : "");
	}
	ob_cmd_opt_label(&help, label, sizeof(label));
	printf("  %-*s  %s\n", w, h_taken ? "--help" : label, help.help);
	for (; g && g->name; g++) {
		if (!g->value)
			continue; /* a command option: in the table above when it is one */
		snprintf(label, sizeof(label), "--%s%s%s", g->name, g->arg ? " " : "", g->arg ? g->arg : "");
		printf("  %-*s  %s (global)\n", w, label, g->help);
	}
}

int ob_cli_help(void)
{
	const struct ob_cmd_spec *s = ob_opts_spec();
	char *syn;

	if (!current)
		return 0;
	/* the table the command parsed with, else the one it was run from */
	if (!s || !s->opts || strcmp(s->name, current->name))
		s = current_spec && current_spec->opts ? current_spec : NULL;
	if (!s) {
		printf("usage: %s %s\n", prog, current->synopsis);
		return 0;
	}
	if (!(syn = ob_cmd_synopsis(s, 0)))
		return ob_cli_errorf(3, "out of memory");
	printf("usage: %s %s\n\n", prog, syn);
	free(syn);
	if (s->about)
		printf("%s\n\n", s->about);
	help_lines(s->opts, globals);
	return 0;
}

static void list(FILE *f, const struct ob_cmd_spec *const *cmds, size_t n, const char *summary,
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
	fprintf(f, "  %-24s %s\n\ncommands (%s help COMMAND, or COMMAND --help, for its options):\n",
		"--version", "print the version", prog);
	for (i = 0; i < n; i++) {
		char *syn = ob_cmd_synopsis(cmds[i], 0);

		fprintf(f, "  %s %s\n", prog, syn ? syn : cmds[i]->name);
		free(syn);
	}
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
static int run(const struct ob_cmd_spec *spec, const struct ob_opt_global *g, int argc, char **argv, int at)
{
	char msg[256], **cargv = NULL, *syn = NULL, *parse = NULL;
	int cargc, rc;

	if (!(syn = ob_cmd_synopsis(spec, 0)) || !(parse = ob_cmd_synopsis(spec, 1))) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	current_cmd = (struct ob_cmd){ spec->name, spec->run, syn };
	current = &current_cmd;
	current_spec = spec;
	if (!(cargv = ob_opts_after(g, parse, argc, argv, at, &cargc, msg, sizeof(msg)))) {
		rc = strcmp(msg, "out of memory") ? bad_option(current, msg) : ob_cli_errorf(3, "%s", msg);
		goto out;
	}
	optind = 1; /* getopt_long in the command sees argv[0] = name */
	rc = finish(spec->run(cargc, cargv));
out:
	free(cargv);
	free(parse);
	free(syn);
	return rc;
}

static const struct ob_cmd_spec *find(const struct ob_cmd_spec *const *cmds, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, cmds[i]->name))
			return cmds[i];
	return NULL;
}

int ob_cli_main_specs(const struct ob_cmd_spec *const *cmds, size_t n, const struct ob_opt_global *g,
		      int argc, char **argv, const char *summary)
{
	const struct ob_cmd_spec *spec;
	char msg[256], *hargv[3];
	const char *word;
	int at;

	globals = g;
	if ((at = ob_opts_before(g, argc, argv, msg, sizeof(msg))) < 0)
		return bad_option(NULL, msg);
	if (at >= argc) {
		list(stderr, cmds, n, summary, g);
		return 2;
	}
	word = argv[at];
	/* "help CMD" is "CMD --help" */
	if (!strcmp(word, "help") && at + 1 < argc) {
		if (!(spec = find(cmds, n, argv[at + 1]))) {
			fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n", prog, argv[at + 1], prog);
			return 2;
		}
		hargv[0] = argv[at + 1];
		hargv[1] = "--help";
		hargv[2] = NULL;
		return run(spec, g, 2, hargv, 0);
	}
	if (!strcmp(word, "--help") || !strcmp(word, "-h") || !strcmp(word, "help")) {
		list(stdout, cmds, n, summary, g);
		return finish(0);
	}
	if (!strcmp(word, "--version")) {
		printf("%s %s\n", prog, OB_VERSION);
		return finish(0);
	}
	if ((spec = find(cmds, n, word)))
		return run(spec, g, argc, argv, at);
	fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n", prog, word, prog);
	return 2;
}

static const struct ob_cmd_spec *registered[64];
static size_t nregistered;

void ob_cli_register(const struct ob_cmd_spec *s)
{
	if (nregistered < sizeof(registered) / sizeof(registered[0]))
		registered[nregistered++] = s;
}

static const struct ob_cmd_spec *registered_for(int (*fn)(int, char **))
{
	size_t i;

	for (i = 0; i < nregistered; i++)
		if (registered[i]->run == fn)
			return registered[i];
	return NULL;
}

int ob_cli_main(const struct ob_cmd *cmds, size_t n, const struct ob_opt_global *g, int argc,
		char **argv, const char *summary)
{
	struct ob_cmd_spec *specs = calloc(n ? n : 1, sizeof(*specs));
	const struct ob_cmd_spec **ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	size_t i;
	int rc;

	if (!specs || !ptrs) {
		free(specs);
		free(ptrs);
		return ob_cli_errorf(3, "out of memory");
	}
	for (i = 0; i < n; i++) {
		specs[i].name = cmds[i].name;
		specs[i].run = cmds[i].run;
		specs[i].synopsis = cmds[i].synopsis;
		ptrs[i] = registered_for(cmds[i].run) ? registered_for(cmds[i].run) : &specs[i];
	}
	rc = ob_cli_main_specs(ptrs, n, g, argc, argv, summary);
	free(specs);
	free(ptrs);
	return rc;
}
