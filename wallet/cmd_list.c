#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "wallet.h"

/* The members of a summary list --json prints, in this order. */
static const char *const json_keys[] = {
	"id", "kind", "achievement", "issuer", "issuerName", "learner", "validFrom",
	"validUntil", "verdict", "checkedAt", "addedAt",
};

static const char *get(const json_t *o, const char *k)
{
	return ob_json_str(o, k);
}

/* The table shows the date of validFrom; show gives the whole value. */
static void date_part(const char *from, char out[16])
{
	if (!from)
		snprintf(out, 16, "-");
	else if (strlen(from) > 10 && from[10] == 'T')
		snprintf(out, 16, "%.10s", from);
	else
		snprintf(out, 16, "%.15s", from);
}

#define NTABLE 5
static const char *const heads[NTABLE] = { "ID", "ACHIEVEMENT", "ISSUER", "VALID FROM", "STATUS" };

static void row_cells(const json_t *o, const char *cell[NTABLE], char from[16])
{
	date_part(get(o, "validFrom"), from);
	cell[0] = get(o, "id");
	cell[1] = get(o, "achievement");
	cell[2] = get(o, "issuerName") ? get(o, "issuerName") : get(o, "issuer");
	cell[3] = from;
	cell[4] = wallet_status(get(o, "verdict"), get(o, "validUntil"));
}

/* Two passes over the rows: widths, then the table. */
static void print_table(const json_t *all)
{
	const char *cell[NTABLE];
	size_t width[NTABLE], w, r;
	const json_t *o;
	char from[16];
	int i;

	if (!json_array_size(all)) {
		fprintf(stderr, "%s: the wallet is empty\n", ob_cli_prog());
		return;
	}
	for (i = 0; i < NTABLE; i++)
		width[i] = strlen(heads[i]);
	json_array_foreach(all, r, o) {
		row_cells(o, cell, from);
		for (i = 0; i < NTABLE; i++)
			if ((w = wallet_put(NULL, cell[i])) > width[i])
				width[i] = w;
	}
	for (i = 0; i < NTABLE - 1; i++)
		printf("%-*s  ", (int)width[i], heads[i]);
	printf("%s\n", heads[NTABLE - 1]);
	json_array_foreach(all, r, o) {
		row_cells(o, cell, from);
		for (i = 0; i < NTABLE; i++) {
			w = wallet_put(stdout, cell[i]);
			if (i < NTABLE - 1)
				printf("%*s", (int)(width[i] - w + 2), "");
		}
		putchar('\n');
	}
}

static ob_code print_json(const json_t *all, ob_error *err)
{
	json_t *out = json_array(), *o;
	const json_t *s;
	char *text = NULL;
	size_t r, i;
	int bad = !out;

	json_array_foreach(all, r, s) {
		if (bad || !(o = json_object()) || json_array_append_new(out, o)) {
			bad = 1;
			break;
		}
		for (i = 0; i < sizeof(json_keys) / sizeof(json_keys[0]); i++)
			if (get(s, json_keys[i]))
				bad |= json_object_set_new(o, json_keys[i], json_string(get(s, json_keys[i])));
		bad |= json_object_set_new(o, "status", json_string(wallet_status(
			get(s, "verdict"), get(s, "validUntil"))));
	}
	if (bad || !(text = ob_json_dumps(out, OB_JSON_PRETTY))) {
		json_decref(out);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	printf("%s\n", text);
	free(text);
	json_decref(out);
	return OB_OK;
}

static ob_code collect(wallet_rec *r, void *ctx, ob_error *err)
{
	if (json_array_append(ctx, r->summary))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_error err = { 0 };
	wallet w = { 0 };
	json_t *all = NULL;
	int c, json = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'h')
			return ob_cli_help();
		else
			return wallet_bad_option(c, argv);
	}
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "list takes no arguments");
	if (wallet_unlock(&w, &err))
		goto out;
	if (!(all = json_array())) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (wallet_rec_each(&w, 0, collect, all, &err))
		goto out;
	if (json)
		print_json(all, &err);
	else
		print_table(all);
out:
	json_decref(all);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
