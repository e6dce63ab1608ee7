/* cli: what the three command-line tools share: the command table,
 * error printing with the program's prefix, exit codes. The library
 * proper never prints; only this module (used by the tools) does. */
#ifndef OB_CLI_H
#define OB_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "cli/opts.h"
#include "io/qr.h"

/* Every command parses its options with ob_opts_getopt (cli/opts.h), not
 * getopt_long: glibc's messages off, a bad option reported by
 * ob_cli_usage in the tools' one form (tests/cli/layers.sh checks). */

struct ob_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis; /* e.g. "verify [--json] FILE|-" */
};

/* Sets the prefix for messages ("ob-verifier"), and, when secret is set,
 * turns off core dumps (keys and wallet data live in memory). */
void ob_cli_init(const char *prog, int secret);
const char *ob_cli_prog(void);

/* "prog: message" on stderr; returns the exit code for e. */
int ob_cli_fail(const ob_error *e);
/* "prog: message" on stderr; returns code. */
int ob_cli_errorf(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Usage error for one command: message and synopsis, returns 2. Right
 * after getopt_long (ob_opts_getopt) met a bad option, the message is
 * that option's, "prog: cmd: unknown option '--frob'", whatever fmt. */
int ob_cli_usage(const struct ob_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Draws qr on out (ob_qr_render_terminal) and, when it is wider than
 * the terminal (ob_qr_terminal_width), says so on stderr, suggesting
 * png_hint ("--png OUT"). 0, or the exit code of a write error, reported. */
int ob_cli_qr_terminal(const ob_qr *qr, FILE *out, const char *png_hint);

/* Writes a result to path (atomically, mode 0644, replacing only with
 * force) or, when path is NULL, to stdout. */
ob_code ob_cli_output(const char *path, const char *data, size_t len, int force, ob_error *err);

/* Runs argv[1..] against the table: global --help/--version, the global
 * options (table ending in a NULL name, may be NULL; see cli/opts.h)
 * before or after the command name, then the command. Returns the exit
 * code, after checking that stdout was written out. */
int ob_cli_main(const struct ob_cmd *cmds, size_t ncmds, const struct ob_opt_global *globals,
		int argc, char **argv, const char *summary);

/* The same, for a table of command specs (cli/opts.h): each command's
 * synopsis comes from its option table (or its literal synopsis, while
 * it has none); "help CMD" runs "CMD --help". */
int ob_cli_main_specs(const struct ob_cmd_spec *const *cmds, size_t ncmds,
		      const struct ob_opt_global *globals, int argc, char **argv, const char *summary);

/* For a command converted to an option table while its tool's main.c
 * still gives a literal synopsis: ob_cli_main then takes the command's
 * synopsis from the spec registered for its run function. Registered
 * before main runs by OB_CMD_REGISTER(spec) in the command's file; once
 * main.c passes the specs (ob_cli_main_specs), the line can go. At most
 * 64 are kept. */
void ob_cli_register(const struct ob_cmd_spec *s);
#define OB_CMD_REGISTER(spec) \
	__attribute__((constructor)) static void register_##spec(void) { ob_cli_register(&spec); }

/* The table entry for name (set by ob_cli_main before calling run). */
const struct ob_cmd *ob_cli_current(void);

/* --help inside a command: on stdout, its usage line, and when it parses
 * with an option table (ob_cmd_getopt), what it does and one line per
 * option, the tool's own global options after them. Returns 0 (3 when
 * out of memory). */
int ob_cli_help(void);

#endif
