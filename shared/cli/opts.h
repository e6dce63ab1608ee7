/* opts: the option grammar the three tools share.
 *
 * A tool declares its global options in a table. Its own ones (--home)
 * are taken out of the command line wherever they stand before "--";
 * the others are command options (--json, --offline, ...) that may also
 * stand before the command name, and are moved behind it, so the
 * command parses them as its own (one that does not take them says so).
 *
 * Every command calls ob_opts_getopt where it would call getopt_long,
 * which turns glibc's messages off and keeps what went wrong; cli.h's
 * ob_cli_usage then prints it in one form for every tool and command:
 *
 *   ob-wallet: add: unknown option '--frob'
 *   ob-verifier: verify: option '--doc' needs an argument
 *   ob-issuer: status: option '--json' takes no argument
 *
 * followed by the command's usage line (exit 2). */
#ifndef OB_OPTS_H
#define OB_OPTS_H

#include <getopt.h>
#include <stddef.h>

struct ob_opt_global {
	const char *name;   /* long name, without "--" */
	char short_name;    /* e.g. 'q', or 0 */
	const char *arg;    /* its value's placeholder ("DIR"), or NULL: a flag */
	const char **value; /* the tool's own option: its value goes here;
			     * NULL: a command option, moved behind the name */
	const char *help;   /* one line for --help */
};

/* getopt_long with the same arguments and answers, except that nothing
 * is printed: a bad option is kept for ob_opts_take_error. */
int ob_opts_getopt(int argc, char *const argv[], const char *optstring,
		   const struct option *longopts, int *longindex);

/* The last bad option ob_opts_getopt met, as a message ("unknown option
 * '--frob'"), or NULL. Taking it clears it. */
const char *ob_opts_take_error(void);

/* Reads the global options before the command name in argv[1..] (values
 * of the tool's own ones are stored). Returns the index of the first
 * other word (argc when there is none), or -1 with a message in msg.
 * "--help", "-h", "help" and "--version" are left where they are, as the
 * word at the returned index. */
int ob_opts_before(const struct ob_opt_global *g, int argc, char **argv, char *msg, size_t msglen);

/* The command's command line: argv[cmd..] with the tool's own global
 * options taken out (up to "--"), and the command options given before
 * the command name put back at its end (before any "--"). Which of the
 * command's own options take a value is read from its synopsis, so a
 * value is never taken for an option ("--name --home" names something
 * "--home"). Returns a heap array (free it; the strings are argv's) with
 * *out_argc set, or NULL with a message in msg (out of memory: "out of
 * memory"). */
char **ob_opts_after(const struct ob_opt_global *g, const char *synopsis, int argc, char **argv,
		     int cmd, int *out_argc, char *msg, size_t msglen);

/* Whether the option word arg ("--doc", "-o", "-qo") takes a value, by
 * the synopsis ("[--doc URL=FILE]..." takes one, "[--json]" not). */
int ob_opts_takes_value(const char *synopsis, const char *arg);

#endif
