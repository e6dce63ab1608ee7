#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "specs.h"
#include "wallet.h"

/* The members of a summary list --json prints, in this order ("name"
 * and a CLR's "items" follow "kind"). */
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

#define NTABLE 6
static const char *const heads[NTABLE] = { "ID", "KIND", "NAME", "ISSUER", "VALID FROM", "STATUS" };

/* A CLR is listed by its own name ("CLR"), a badge by its achievement's. */
static void row_cells(const json_t *o, const char *cell[NTABLE], char from[16])
{
	date_part(get(o, "validFrom"), from);
	cell[0] = get(o, "id");
	cell[1] = wallet_rec_is_clr(o) ? "CLR" : "badge";
	cell[2] = wallet_rec_title(o);
	cell[3] = get(o, "issuerName") ? get(o, "issuerName") : get(o, "issuer");
	cell[4] = from;
	cell[5] = wallet_status(get(o, "verdict"), get(o, "validUntil"));
}

/* Both modes go over the records twice in one read transaction, holding
 * one record at a time (a list of 50,000 held them all: 244 MB): the
 * table measures its columns, then prints; --json makes sure every
 * record opens, then prints, so a damaged record still leaves stdout
 * empty. */
struct pass {
	int json, print;
	size_t n, width[NTABLE];
	ob_buf text;  /* --json: the record's object */
};

static ob_code table_row(struct pass *p, const json_t *o)
{
	const char *cell[NTABLE];
	char from[16];
	size_t w;
	int i;

	row_cells(o, cell, from);
	for (i = 0; i < NTABLE; i++) {
		if (!p->print) {
			if ((w = wallet_put(NULL, cell[i])) > p->width[i])
				p->width[i] = w;
			continue;
		}
		w = wallet_put(stdout, cell[i]);
		if (i < NTABLE - 1)
			printf("%*s", (int)(p->width[i] - w + 2), "");
	}
	if (p->print)
		putchar('\n');
	return OB_OK;
}

/* One member of the array, where the pretty writer puts it: "[" or ","
 * and a new line indented one level, then the object. */
static ob_code json_row(struct pass *p, const json_t *s, ob_error *err)
{
	json_t *o = json_object();
	size_t i;
	int bad = !o;

	for (i = 0; !bad && i < sizeof(json_keys) / sizeof(json_keys[0]); i++) {
		if (get(s, json_keys[i]))
			bad |= json_object_set_new(o, json_keys[i], json_string(get(s, json_keys[i])));
		if (i == 1 && wallet_rec_title(s))
			bad |= json_object_set_new(o, "name", json_string(wallet_rec_title(s)));
		/* stored JSON numbers come back as reals (strict parsing) */
		if (i == 1 && json_is_number(json_object_get(s, "clrItems")))
			bad |= json_object_set_new(o, "items", json_integer(
				(json_int_t)json_number_value(json_object_get(s, "clrItems"))));
	}
	bad |= bad || json_object_set_new(o, "status", json_string(wallet_status(
		get(s, "verdict"), get(s, "validUntil"))));
	p->text.len = 0;
	bad |= bad || ob_json_write(&p->text, o, OB_JSON_PRETTY) < 0;
	json_decref(o);
	if (bad)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	fputs(p->n ? ",\n  " : "[\n  ", stdout);
	/* strings escape their newlines: every one here is layout */
	for (i = 0; i < p->text.len; i++)
		if (p->text.data[i] == '\n')
			fputs("\n  ", stdout);
		else
			putchar(p->text.data[i]);
	return OB_OK;
}

static ob_code each(wallet_rec *r, void *ctx, ob_error *err)
{
	struct pass *p = ctx;
	ob_code rc = OB_OK;

	if (p->print)
		rc = p->json ? json_row(p, r->summary, err) : table_row(p, r->summary);
	else if (!p->json)
		rc = table_row(p, r->summary);
	p->n++;
	return rc;
}

static ob_code list(wallet *w, int json, ob_error *err)
{
	struct pass p;
	ob_code rc;
	int i;

	memset(&p, 0, sizeof(p));
	p.json = json;
	for (i = 0; i < NTABLE; i++)
		p.width[i] = strlen(heads[i]);
	if ((rc = ob_store_exec(w->db, "BEGIN", err)))
		return rc;
	if ((rc = wallet_rec_each(w, 0, each, &p, err)))
		goto out;
	if (!p.n) {
		if (json)
			printf("[]\n");
		else
			fprintf(stderr, "%s: the wallet is empty\n", ob_cli_prog());
		goto out;
	}
	if (!json) {
		for (i = 0; i < NTABLE - 1; i++)
			printf("%-*s  ", (int)p.width[i], heads[i]);
		printf("%s\n", heads[NTABLE - 1]);
	}
	p.print = 1;
	p.n = 0;
	if ((rc = wallet_rec_each(w, 0, each, &p, err)))
		goto out;
	if (json)
		printf("\n]\n");
out:
	ob_buf_release(&p.text);
	ob_store_exec(w->db, "COMMIT", NULL);
	return rc;
}

static const struct ob_cmd_opt list_opts[] = {
	{ "json", 0, NULL, "print one JSON array, an object per credential", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec list_spec = {
	"list", cmd_list, NULL, list_opts, NULL,
	"Lists the credentials in the order they were added, with their status.", NULL,
};

int cmd_list(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	int c, json = 0;

	opterr = 0;
	while ((c = ob_cmd_getopt(&list_spec, argc, argv)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == OB_OPT_HELP)
			return ob_cli_help();
		else
			return wallet_bad_option(c, argv);
	}
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "list takes no arguments");
	if (!wallet_unlock(&w, &err))
		list(&w, json, &err);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
