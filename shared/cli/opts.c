#include "cli/opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static char error_msg[192];
static int have_error;

/* The long option a word names ("--jso" abbreviates --json), or NULL. */
static const struct option *long_named(const struct option *lo, const char *name, size_t n)
{
	const struct option *hit = NULL;

	for (; lo && lo->name; lo++) {
		if (strncmp(lo->name, name, n))
			continue;
		if (strlen(lo->name) == n)
			return lo;
		hit = hit ? hit : lo;
	}
	return hit;
}

static size_t prefixes(const struct option *lo, const char *name, size_t n)
{
	size_t k = 0;

	for (; lo && lo->name; lo++)
		k += !strncmp(lo->name, name, n);
	return k;
}

/* Words what went wrong, from what glibc leaves behind: for a long option
 * the word is argv[optind - 1] and optopt is 0 (unknown, ambiguous) or
 * the option's val (no value, or one it does not take); for a short one
 * optopt is the letter. */
static void describe(int c, int argc, char *const argv[], const struct option *lo)
{
	const char *a = optind >= 1 && optind <= argc ? argv[optind - 1] : NULL;
	const struct option *o;
	size_t n;

	have_error = 1;
	if (a && a[0] == '-' && a[1] == '-' && a[2]) {
		n = strcspn(a, "=");
		o = long_named(lo, a + 2, n - 2);
		if (!optopt || (o && o->val == optopt && !o->flag)) {
			if (c == ':')
				snprintf(error_msg, sizeof(error_msg), "option '%.*s' needs an argument", (int)n, a);
			else if (optopt)
				snprintf(error_msg, sizeof(error_msg), "option '%.*s' takes no argument", (int)n, a);
			else if (prefixes(lo, a + 2, n - 2) > 1)
				snprintf(error_msg, sizeof(error_msg), "option '%.*s' is ambiguous", (int)n, a);
			else
				snprintf(error_msg, sizeof(error_msg), "unknown option '%.*s'", (int)n, a);
			return;
		}
	}
	if (c == ':')
		snprintf(error_msg, sizeof(error_msg), "option '-%c' needs an argument", optopt);
	else
		snprintf(error_msg, sizeof(error_msg), "unknown option '-%c'", optopt);
}

int ob_opts_getopt(int argc, char *const argv[], const char *optstring,
		   const struct option *longopts, int *longindex)
{
	char spec[128];
	const char *s = optstring;
	size_t p = 0;
	int colon = 0, c;

	/* a leading ':' makes glibc tell a missing value (':') from an
	 * unknown option ('?'); the caller gets what it asked for */
	if (*s == '+' || *s == '-')
		spec[p++] = *s++;
	if (*s == ':') {
		colon = 1;
		s++;
	}
	spec[p++] = ':';
	snprintf(spec + p, sizeof(spec) - p, "%s", s);
	have_error = 0;
	opterr = 0;
	c = getopt_long(argc, argv, spec, longopts, longindex);
	if (c != '?' && c != ':')
		return c;
	describe(c, argc, argv, longopts);
	return c == ':' && !colon ? '?' : c;
}

const char *ob_opts_take_error(void)
{
	if (!have_error)
		return NULL;
	have_error = 0;
	return error_msg;
}

/* 1 when the option word w (n bytes) stands in syn followed by a value:
 * "--doc URL=FILE", "-o FILE", "--x=Y"; not "[--json]", "--qr [--png".
 * A long word that is no option of syn but begins one is taken for it
 * (getopt_long takes abbreviations). */
static int syn_value(const char *syn, const char *w, size_t n, int abbrev)
{
	const char *p, *hit = NULL, *part = NULL, *e;

	for (p = syn; (p = strstr(p, w)); p++) {
		if (p > syn && !strchr(" [(|", p[-1]))
			continue;
		if (!p[n] || strchr(" ])|=", p[n])) {
			hit = p;
			break;
		}
		if (abbrev && !part)
			part = p;
	}
	if (!hit && !part)
		return 0;
	e = hit ? hit + n : part + strcspn(part, " ])|=");
	if (*e == '=')
		return 1;
	return *e == ' ' && e[1] && !strchr("[(|-", e[1]);
}

int ob_opts_takes_value(const char *synopsis, const char *arg)
{
	const char *p;

	if (!synopsis || arg[0] != '-' || !arg[1])
		return 0;
	if (arg[1] == '-')
		return arg[2] && !strchr(arg, '=') && syn_value(synopsis, arg, strlen(arg), 1);
	/* a cluster: -qo FILE, or -oFILE with the value attached */
	for (p = arg + 1; *p; p++) {
		char o[3] = { '-', *p, '\0' };

		if (syn_value(synopsis, o, 2, 0))
			return p[1] == '\0';
	}
	return 0;
}

/* Whether argv[i] is a global option: the number of words it takes (1 or
 * 2) with *o and *val set; 0: not one; -1: its value is missing; -2: a
 * flag given a value. */
static int global_at(const struct ob_opt_global *g, int argc, char **argv, int i,
		     const struct ob_opt_global **o, const char **val)
{
	const char *a = argv[i], *eq;
	size_t n;

	*o = NULL;
	*val = NULL;
	if (a[0] != '-' || !g)
		return 0;
	if (a[1] != '-') {
		for (; g->name; g++)
			if (g->short_name && a[1] == g->short_name && !a[2] && !g->arg) {
				*o = g;
				return 1;
			}
		return 0;
	}
	n = strcspn(a + 2, "=");
	eq = a[2 + n] ? a + 3 + n : NULL;
	for (; g->name; g++) {
		if (strlen(g->name) != n || strncmp(g->name, a + 2, n))
			continue;
		*o = g;
		if (!g->arg)
			return eq ? -2 : 1;
		if (eq) {
			*val = eq;
			return 1;
		}
		if (i + 1 >= argc)
			return -1;
		*val = argv[i + 1];
		return 2;
	}
	return 0;
}

static void bad_global(int k, const char *a, const struct ob_opt_global *o, char *msg, size_t len)
{
	if (k == -1)
		snprintf(msg, len, "option '--%s' needs an argument", o->name);
	else if (k == -2)
		snprintf(msg, len, "option '--%s' takes no argument", o->name);
	else
		snprintf(msg, len, "unknown option '%.*s'", (int)strcspn(a, "="), a);
}

int ob_opts_before(const struct ob_opt_global *g, int argc, char **argv, char *msg, size_t msglen)
{
	const struct ob_opt_global *o;
	const char *val;
	int i = 1, k;

	while (i < argc) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1] || !strcmp(a, "--") || !strcmp(a, "--help") ||
		    !strcmp(a, "-h") || !strcmp(a, "--version"))
			break;
		if ((k = global_at(g, argc, argv, i, &o, &val)) <= 0) {
			bad_global(k, a, o, msg, msglen);
			return -1;
		}
		if (o->value)
			*o->value = val ? val : "";
		i += k;
	}
	return i;
}

/* Appends the command options given before the command name. */
static int moved(const struct ob_opt_global *g, int argc, char **argv, int cmd, char **out, int n)
{
	const struct ob_opt_global *o;
	const char *val;
	int i, k;

	for (i = 1; i < cmd; i += k) {
		k = global_at(g, argc, argv, i, &o, &val);
		if (k <= 0)
			return n; /* ob_opts_before let none through */
		if (!o->value) {
			out[n++] = argv[i];
			if (k == 2)
				out[n++] = argv[i + 1];
		}
	}
	return n;
}

char **ob_opts_after(const struct ob_opt_global *g, const char *synopsis, int argc, char **argv,
		     int cmd, int *out_argc, char *msg, size_t msglen)
{
	const struct ob_opt_global *o;
	const char *val;
	char **out = calloc((size_t)argc + 1, sizeof(*out));
	int n = 0, i, k;

	if (!out) {
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	out[n++] = argv[cmd];
	for (i = cmd + 1; i < argc && strcmp(argv[i], "--"); i++) {
		k = global_at(g, argc, argv, i, &o, &val);
		if (k != 0 && o->value) {
			if (k < 0) {
				bad_global(k, argv[i], o, msg, msglen);
				free(out);
				return NULL;
			}
			*o->value = val ? val : "";
			i += k - 1;
			continue;
		}
		out[n++] = argv[i];
		if (k == 2 || (k == 0 && ob_opts_takes_value(synopsis, argv[i]) && i + 1 < argc))
			out[n++] = argv[++i];
	}
	n = moved(g, argc, argv, cmd, out, n);
	while (i < argc)
		out[n++] = argv[i++];
	out[n] = NULL;
	*out_argc = n;
	return out;
}

/* --- command tables ------------------------------------------------- */

static const struct ob_cmd_spec *last_spec;

const struct ob_cmd_spec *ob_opts_spec(void)
{
	return last_spec;
}

/* getopt_long's arrays for s: long option i answers OPT_BASE + i, a short
 * one its letter; both are mapped back to the table's ids. */
#define OPT_BASE 0x20000
static struct option built_long[OB_CMD_MAX_OPTS + 2];
static char built_short[3 * OB_CMD_MAX_OPTS + 4];
static const struct ob_cmd_spec *built_for;

static int build(const struct ob_cmd_spec *s)
{
	const struct ob_cmd_opt *o;
	size_t i = 0, p = 0;
	int h_taken = 0;

	for (o = s->opts; o && o->name; o++, i++) {
		if (i >= OB_CMD_MAX_OPTS)
			return -1;
		built_long[i].name = o->name;
		built_long[i].has_arg = o->arg ? required_argument : no_argument;
		built_long[i].flag = NULL;
		built_long[i].val = OPT_BASE + (int)i;
		if (o->short_name) {
			h_taken |= o->short_name == 'h';
			built_short[p++] = o->short_name;
			if (o->arg)
				built_short[p++] = ':';
		}
	}
	built_long[i] = (struct option){ "help", no_argument, NULL, OB_OPT_HELP };
	built_long[i + 1] = (struct option){ NULL, 0, NULL, 0 };
	if (!h_taken)
		built_short[p++] = 'h';
	built_short[p] = '\0';
	built_for = s;
	return 0;
}

int ob_cmd_getopt(const struct ob_cmd_spec *s, int argc, char *const argv[])
{
	const struct ob_cmd_opt *o;
	int c;

	last_spec = s;
	if (built_for != s && build(s) < 0) {
		have_error = 1;
		snprintf(error_msg, sizeof(error_msg), "too many options in the table of '%s'", s->name);
		return '?';
	}
	c = ob_opts_getopt(argc, argv, built_short, built_long, NULL);
	if (c == -1 || c == '?' || c == OB_OPT_HELP)
		return c;
	if (c >= OPT_BASE)
		return s->opts[c - OPT_BASE].id;
	for (o = s->opts; o->name; o++)
		if (o->short_name == c)
			return o->id;
	/* -h is help unless an option of the table has the letter */
	return c == 'h' ? OB_OPT_HELP : '?';
}

static int add_word(ob_buf *b, const struct ob_cmd_opt *o, int use_long)
{
	if (o->short_name && !use_long)
		return ob_buf_addf(b, "-%c%s%s", o->short_name, o->arg ? " " : "", o->arg ? o->arg : "");
	return ob_buf_addf(b, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

/* Closes the group that began at first: its bracket, its "...". */
static int close_group(ob_buf *b, const struct ob_cmd_opt *first, unsigned flags)
{
	if (!first)
		return 0;
	if (!(first->flags & OB_OPT_REQUIRED) && ob_buf_addc(b, ']') < 0)
		return -1;
	return flags & OB_OPT_REPEAT ? ob_buf_adds(b, "...") : 0;
}

static int synopsis(ob_buf *b, const struct ob_cmd_spec *s, int all)
{
	const struct ob_cmd_opt *o, *first = NULL;
	unsigned flags = 0;

	if (ob_buf_adds(b, s->name) < 0 || (s->lead && ob_buf_addf(b, " %s", s->lead) < 0))
		return -1;
	for (o = s->opts; o->name; o++) {
		if (o->flags & OB_OPT_HIDDEN)
			continue;
		if (first && (o->flags & OB_OPT_OR)) {
			if (ob_buf_addc(b, '|') < 0 || add_word(b, o, 0) < 0)
				return -1;
			flags |= o->flags;
			continue;
		}
		if (close_group(b, first, flags) < 0)
			return -1;
		first = o;
		flags = o->flags;
		if (ob_buf_adds(b, o->flags & OB_OPT_REQUIRED ? " " : " [") < 0 || add_word(b, o, 0) < 0)
			return -1;
	}
	if (close_group(b, first, flags) < 0 || (s->operands && ob_buf_addf(b, " %s", s->operands) < 0))
		return -1;
	/* the other spelling of each option with a value, and the hidden
	 * ones, so that ob_opts_after knows they take one */
	for (o = s->opts; all && o->name; o++) {
		if (!o->arg || !(o->short_name || (o->flags & OB_OPT_HIDDEN)))
			continue;
		if (ob_buf_adds(b, " [") < 0 || add_word(b, o, 1) < 0 || ob_buf_addc(b, ']') < 0)
			return -1;
		if ((o->flags & OB_OPT_HIDDEN) && o->short_name &&
		    (ob_buf_adds(b, " [") < 0 || add_word(b, o, 0) < 0 || ob_buf_addc(b, ']') < 0))
			return -1;
	}
	return 0;
}

char *ob_cmd_synopsis(const struct ob_cmd_spec *s, int all)
{
	ob_buf b = OB_BUF_INIT;

	if (!s->opts || s->synopsis)
		return strdup(s->synopsis ? s->synopsis : s->name);
	if (synopsis(&b, s, all) < 0) {
		ob_buf_release(&b);
		return NULL;
	}
	return ob_buf_detach(&b, NULL);
}

void ob_cmd_opt_label(const struct ob_cmd_opt *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s%c%s--%s%s%s", o->short_name ? "-" : "", o->short_name ? o->short_name : ' ',
		 o->short_name ? ", " : "", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	if (!o->short_name)
		memmove(buf, buf + 1, strlen(buf));
}
