/* test_opts: command option tables (cli/opts.h): the synopsis made from a
 * table (required, alternative, repeated, hidden options; operands before
 * and after), the parse synopsis with each option's other spelling, and
 * ob_cmd_getopt's answers (ids for long and short options, -h/--help,
 * bad options with their message, a table too large). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli/opts.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static const struct ob_cmd_opt opts[] = {
	{ "name", 0, "NAME", "a name", 'n', OB_OPT_REQUIRED },
	{ "url", 0, "URL", "a site", 'u', OB_OPT_REQUIRED },
	{ "did-web", 0, "HOST", "or a did:web", 'w', OB_OPT_REQUIRED | OB_OPT_OR },
	{ "json", 0, NULL, "JSON", 'j', 0 },
	{ "output", 'o', "FILE", "where", 'o', 0 },
	{ "doc", 0, "URL=FILE", "a document", 'D', OB_OPT_REPEAT },
	{ "no-status", 0, NULL, "none", 'N', 0 },
	{ "suspension", 0, NULL, "both", 'S', OB_OPT_OR },
	{ "quiet", 'q', NULL, "hush", 'q', 0 },
	{ "worker", 0, "FD", "internal", 'W', OB_OPT_HIDDEN },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

static const struct ob_cmd_spec spec = { "demo", run, "ID", opts, "FILE|-", "Does things.", NULL };

/* 'h' taken by an option: -h is that option, only --help is help */
static const struct ob_cmd_opt hopts[] = {
	{ "host", 'h', "HOST", "a host", 'H', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_spec hspec = { "hosty", run, NULL, hopts, NULL, NULL, NULL };

static const struct ob_cmd_spec literal = { "old", run, NULL, NULL, NULL, NULL, "old ID [--x Y]" };

/* getopt over a NULL-terminated word list; the ids in out, -1 ended */
static int parse(const struct ob_cmd_spec *s, const char *const *words, int *out, size_t max, const char **last_arg)
{
	char *argv[32];
	int argc = 0, c;
	size_t n = 0;

	while (words[argc] && argc < 31) {
		argv[argc] = (char *)words[argc];
		argc++;
	}
	argv[argc] = NULL;
	optind = 0;
	*last_arg = NULL;
	/* stop at a bad option, as a command does: the next call forgets it */
	while ((c = ob_cmd_getopt(s, argc, argv)) != -1 && n + 1 < max) {
		out[n++] = c;
		*last_arg = optarg;
		if (c == '?')
			break;
	}
	out[n] = -1;
	return optind;
}

int main(void)
{
	char *syn;
	int ids[16], end;
	const char *arg;
	const char *err;

	syn = ob_cmd_synopsis(&spec, 0);
	CHECK_STR(syn, "demo ID --name NAME --url URL|--did-web HOST [--json] [-o FILE] [--doc URL=FILE]... "
		       "[--no-status|--suspension] [-q] FILE|-");
	free(syn);
	syn = ob_cmd_synopsis(&spec, 1);
	CHECK(syn && strstr(syn, " FILE|- [--output FILE] [--worker FD]") != NULL);
	CHECK(syn && ob_opts_takes_value(syn, "--output") && ob_opts_takes_value(syn, "--worker") &&
	      ob_opts_takes_value(syn, "-o") && !ob_opts_takes_value(syn, "--json") &&
	      !ob_opts_takes_value(syn, "-q"));
	free(syn);
	syn = ob_cmd_synopsis(&literal, 1);
	CHECK_STR(syn, "old ID [--x Y]");
	free(syn);

	{
		char label[64];

		ob_cmd_opt_label(&opts[4], label, sizeof(label));
		CHECK_STR(label, "-o, --output FILE");
		ob_cmd_opt_label(&opts[3], label, sizeof(label));
		CHECK_STR(label, "--json");
	}

	{
		static const char *const w[] = { "demo", "--json", "-o", "x.json", "--output=y", "-q", "--doc",
						  "u=f", "--jso", "--worker", "3", "ID", "FILE", NULL };
		end = parse(&spec, w, ids, 16, &arg);
		CHECK(ids[0] == 'j' && ids[1] == 'o' && ids[2] == 'o' && ids[3] == 'q' && ids[4] == 'D' &&
		      ids[5] == 'j' && ids[6] == 'W' && ids[7] == -1);
		CHECK(end == 11);
		CHECK_STR(arg, "3");
		CHECK(ob_opts_take_error() == NULL);
	}
	{
		static const char *const w[] = { "demo", "--help", NULL };
		parse(&spec, w, ids, 16, &arg);
		CHECK(ids[0] == OB_OPT_HELP);
	}
	{
		static const char *const w[] = { "demo", "-h", NULL };
		parse(&spec, w, ids, 16, &arg);
		CHECK(ids[0] == OB_OPT_HELP);
	}
	{
		static const char *const w[] = { "hosty", "-h", "a", "--help", NULL };
		parse(&hspec, w, ids, 16, &arg);
		CHECK(ids[0] == 'H' && ids[1] == OB_OPT_HELP);
	}
	{
		static const char *const w[] = { "demo", "--frob", NULL };
		parse(&spec, w, ids, 16, &arg);
		CHECK(ids[0] == '?');
		err = ob_opts_take_error();
		CHECK_STR(err, "unknown option '--frob'");
	}
	{
		static const char *const w[] = { "demo", "--name", NULL };
		parse(&spec, w, ids, 16, &arg);
		CHECK(ids[0] == '?');
		CHECK_STR(ob_opts_take_error(), "option '--name' needs an argument");
	}
	{
		static const char *const w[] = { "demo", "-q=1", NULL };
		parse(&spec, w, ids, 16, &arg);
		CHECK(ids[0] == 'q' && ids[1] == '?');
		CHECK_STR(ob_opts_take_error(), "unknown option '-='");
	}
	{
		static const char *const w[] = { "demo", "--json=1", NULL };
		parse(&spec, w, ids, 16, &arg);
		CHECK(ids[0] == '?');
		CHECK_STR(ob_opts_take_error(), "option '--json' takes no argument");
	}
	CHECK(ob_opts_spec() == &spec);

	/* a table over OB_CMD_MAX_OPTS is refused, not overrun */
	{
		static struct ob_cmd_opt big[OB_CMD_MAX_OPTS + 2];
		static char names[OB_CMD_MAX_OPTS + 1][16];
		struct ob_cmd_spec bs = { "big", run, NULL, big, NULL, NULL, NULL };
		static const char *const w[] = { "big", "--o1", NULL };
		int i;

		for (i = 0; i <= OB_CMD_MAX_OPTS; i++) {
			snprintf(names[i], sizeof(names[i]), "o%d", i);
			big[i] = (struct ob_cmd_opt){ names[i], 0, NULL, "x", 'a', 0 };
		}
		parse(&bs, w, ids, 16, &arg);
		CHECK(ids[0] == '?');
		CHECK_STR(ob_opts_take_error(), "too many options in the table of 'big'");
	}
	return check_done("test_opts");
}
