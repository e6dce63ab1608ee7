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

/* A command's options, in one table from which its getopt_long array,
 * its synopsis and its --help are all made (ob_cmd_getopt, and
 * ob_cmd_synopsis here; ob_cli_help in cli/cli.h prints the help):
 *
 *   static const struct ob_cmd_opt opts[] = {
 *       { "json", 0, NULL, "the result as one JSON object", 'j', 0 },
 *       { "output", 'o', "FILE", "write it to FILE", 'o', 0 },
 *       { "doc", 0, "URL=FILE", "answer URL from FILE", 'D', OB_OPT_REPEAT },
 *       { NULL, 0, NULL, NULL, 0, 0 },
 *   };
 *   const struct ob_cmd_spec verify_spec = { "verify", cmd_verify, NULL, opts,
 *       "FILE|-", "Checks a credential." };
 *
 * gives "verify [--json] [-o FILE] [--doc URL=FILE]... FILE|-", and
 * "-h, --help" is added to every table. */

#define OB_OPT_REQUIRED 0x1u /* shown without brackets */
#define OB_OPT_REPEAT   0x2u /* may be given again: "[--doc URL=FILE]..." */
#define OB_OPT_OR       0x4u /* an alternative to the option before it, in its
			      * brackets: "[--no-status|--suspension]" */
#define OB_OPT_HIDDEN   0x8u /* internal: parsed, neither shown nor documented */

/* What ob_cmd_getopt returns for -h and --help; no table uses it. */
#define OB_OPT_HELP 0x10000

/* At most this many options in a table (with --help). */
#define OB_CMD_MAX_OPTS 48

struct ob_cmd_opt {
	const char *name;  /* long name, without "--"; NULL ends the table */
	char short_name;   /* e.g. 'o', or 0 */
	const char *arg;   /* its value's placeholder ("FILE"), or NULL: a flag */
	const char *help;  /* one line for --help */
	int id;            /* what ob_cmd_getopt returns for it (not -1, '?',
			    * ':' or OB_OPT_HELP); ids may repeat */
	unsigned flags;    /* OB_OPT_* */
};

struct ob_cmd_spec {
	const char *name;                  /* "verify" */
	int (*run)(int argc, char **argv); /* argv[0] is the name */
	const char *lead;                  /* operands before the options ("ID"), or NULL */
	const struct ob_cmd_opt *opts;     /* NULL: a command not converted yet */
	const char *operands;              /* operands after them ("FILE|-"), or NULL */
	const char *about;                 /* what it does, for --help; or NULL */
	const char *synopsis;              /* a literal synopsis: a command not
					    * converted yet (opts NULL), or one
					    * with several forms, whose --help
					    * still lists opts line by line;
					    * NULL: made from opts */
};

/* ob_opts_getopt over s's table: the option's id, -1 after the last
 * option (optind at the first operand), OB_OPT_HELP, or '?' for a bad
 * option (kept for ob_opts_take_error). Remembers s for ob_opts_spec. */
int ob_cmd_getopt(const struct ob_cmd_spec *s, int argc, char *const argv[]);

/* The spec ob_cmd_getopt last parsed with, or NULL. */
const struct ob_cmd_spec *ob_opts_spec(void);

/* s's synopsis ("verify [--json] FILE|-"), or s->synopsis when it has no
 * table; with all set, each option with a value is also given in its
 * other form ("[--output FILE]" after "[-o FILE]") for ob_opts_after.
 * A heap string (free it), or NULL when out of memory. */
char *ob_cmd_synopsis(const struct ob_cmd_spec *s, int all);

/* One --help line's option column for o: "-o, --output FILE". */
void ob_cmd_opt_label(const struct ob_cmd_opt *o, char *buf, size_t len);

#endif
