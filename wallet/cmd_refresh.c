/* refresh: verifies every stored credential again (status lists,
 * expiry, keys) and stores the new results in one transaction. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/netopts.h"
#include "base/dates.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "specs.h"
#include "wallet.h"

struct all {
	wallet_rec *v;
	size_t n, cap;
};

static ob_code keep(wallet_rec *r, void *ctx, ob_error *err)
{
	struct all *a = ctx;

	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		wallet_rec *v = realloc(a->v, cap * sizeof(*v));
		if (!v)
			return ob_fail(err, OB_ENOMEM, "out of memory");
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *r;
	memset(r, 0, sizeof(*r)); /* now owned by the list */
	return OB_OK;
}

static const struct ob_cmd_opt refresh_opts[] = {
	{ "json", 0, NULL, "print one JSON object: every credential's id and verdict", 'j', 0 },
	{ "now", 0, "T", "check validity at date-time T instead of now", 'n', 0 },
	OB_NETOPTS_TABLE,
	{ NULL, 0, NULL, NULL, 0, 0 },
};

/* What changed, on stdout: a line per credential whose verdict or issuer
 * identity changed, or with json one object with every credential's id
 * and verdict (and the verdict it had, when that changed). was[i] is
 * "verdict/identity" before the check (cut at the slash here). */
static ob_code report(struct all *a, char **was, int json, size_t *changed, ob_error *err)
{
	json_t *o = NULL, *rows = NULL, *row;
	size_t i;
	int bad = 0;

	if (json && (!(o = json_object()) || json_object_set_new(o, "credentials", rows = json_array()) ||
		     !rows)) {
		json_decref(o);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	for (i = 0; i < a->n; i++) {
		const char *now = ob_json_str(a->v[i].summary, "verdict");
		const char *nid = ob_json_str(a->v[i].summary, "issuerIdentity");
		const char *why = ob_json_str(a->v[i].summary, "reason");
		char *slash = strchr(was[i], '/');
		int same_verdict, same_id;

		if (!now)
			continue;
		*slash = '\0';
		same_verdict = !strcmp(was[i], now);
		same_id = !slash[1] || !nid || !strcmp(slash + 1, nid);
		*changed += !(same_verdict && same_id);
		if (json) {
			row = json_pack("{s:s?, s:s, s:b}", "id", ob_json_str(a->v[i].summary, "id"),
					"verdict", now, "changed", !(same_verdict && same_id));
			bad |= !row || json_array_append_new(rows, row);
			if (!bad && !same_verdict)
				bad |= json_object_set_new(row, "was", json_string(was[i]));
			if (!bad && nid)
				bad |= json_object_set_new(row, "issuerIdentity", json_string(nid));
			if (!bad && why)
				bad |= json_object_set_new(row, "reason", json_string(why));
			continue;
		}
		if (same_verdict && same_id)
			continue;
		wallet_put(stdout, ob_json_str(a->v[i].summary, "id"));
		if (!same_verdict)
			printf(": %s -> %s", was[i], now);
		else
			printf(": %s", now);
		if (!same_id)
			printf(", issuer identity %s -> %s", slash + 1, nid);
		if (why) {
			printf(" (");
			wallet_put(stdout, why);
			putchar(')');
		}
		putchar('\n');
	}
	if (json && !bad)
		bad |= json_object_set_new(o, "checked", json_integer((json_int_t)a->n)) ||
		       json_object_set_new(o, "changed", json_integer((json_int_t)*changed));
	if (json && bad)
		ob_fail(err, OB_ENOMEM, "out of memory");
	else if (json)
		wallet_json_print(o, err);
	json_decref(o);
	return err->code;
}

const struct ob_cmd_spec refresh_spec = {
	"refresh", cmd_refresh, NULL, refresh_opts, NULL,
	"Verifies every stored credential again (status lists, dates, keys) and\n"
	"keeps the new verdicts.", NULL,
};

int cmd_refresh(int argc, char **argv)
{
	ob_error err = { 0 };
	ob_verify_opts vo = { .holder = 1 }; /* as add checks */
	struct ob_netopts net;
	ob_registry *reg = NULL;
	wallet w = { 0 };
	struct all a = { 0 };
	json_t **reports = NULL;
	char **was = NULL;
	char checked[32];
	size_t i, changed = 0;
	int c, rc, json = 0;

	if ((rc = ob_netopts_init(&net)))
		goto out;
	rc = -1;
	while (rc < 0 && (c = ob_cmd_getopt(&refresh_spec, argc, argv)) != -1) {
		switch (c) {
		case 'n':
			if (ob_date_parse(optarg, &vo.now, NULL) < 0)
				rc = ob_cli_usage(ob_cli_current(), "--now wants a date-time such as "
						  "2026-01-01T00:00:00Z, got '%s'", optarg);
			break;
		case 'j': json = 1; break;
		case OB_OPT_HELP: rc = ob_cli_help(); break;
		default:
			if (!(rc = ob_netopts_option(&net, c, optarg)))
				rc = -1;
			else if (rc < 0)
				rc = wallet_bad_option(c, argv);
		}
	}
	if (rc >= 0)
		goto out;
	if (optind < argc) {
		rc = ob_cli_usage(ob_cli_current(), "refresh takes no arguments");
		goto out;
	}
	if ((rc = ob_netopts_check(&net)))
		goto out;
	rc = -1;
	if (ob_netopts_connect(&net, 0, &err))
		goto out;
	vo.loader = net.loader;
	if (wallet_registries(&reg, &err))
		goto out;
	vo.registries = reg;
	if (wallet_unlock(&w, &err) || wallet_rec_each(&w, WREC_RAW, keep, &a, &err))
		goto out;
	ob_date_format(ob_date_now(vo.now), checked);
	if (a.n && (!(reports = calloc(a.n, sizeof(*reports))) || !(was = calloc(a.n, sizeof(*was))))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	/* verify everything first (this may fetch), then write it all in one
	 * transaction, so the write lock is never held across the network */
	for (i = 0; i < a.n; i++) {
		wallet_rec *r = &a.v[i];
		const char *old = ob_json_str(r->summary, "verdict");
		const char *oid = ob_json_str(r->summary, "issuerIdentity");
		ob_report *rep;

		/* "verdict/identity": a record stored before identities were
		 * kept has none, and gains one without counting as a change */
		was[i] = malloc(strlen(old ? old : "unknown") + strlen(oid ? oid : "") + 2);
		if (was[i])
			sprintf(was[i], "%s/%s", old ? old : "unknown", oid ? oid : "");
		rep = ob_verify_bytes(r->raw.data ? r->raw.data : "", r->raw.len, &vo, &err);
		if (rep && !(reports[i] = ob_report_to_json(rep)))
			ob_fail(&err, OB_ENOMEM, "out of memory");
		if (rep && !err.code && wallet_summary_set(r->summary, rep, NULL, checked, 0))
			ob_fail(&err, OB_ENOMEM, "out of memory");
		ob_report_free(rep);
		if (!was[i] && !err.code)
			ob_fail(&err, OB_ENOMEM, "out of memory");
		if (err.code)
			goto out;
	}
	if (ob_store_begin(w.db, &err))
		goto out;
	for (i = 0; i < a.n; i++)
		if (wallet_rec_update(&w, &a.v[i], reports[i], &err))
			goto out;
	if (ob_store_commit(w.db, &err))
		goto out;
	if (report(&a, was, json, &changed, &err))
		goto out;
	fprintf(stderr, "%s: checked %zu credential%s, %zu changed\n", ob_cli_prog(), a.n,
		a.n == 1 ? "" : "s", changed);
out:
	for (i = 0; i < a.n; i++) {
		wallet_rec_release(&a.v[i]);
		if (reports)
			json_decref(reports[i]);
		if (was)
			free(was[i]);
	}
	free(reports);
	free(was);
	free(a.v);
	if (w.db)
		ob_store_rollback(w.db);
	wallet_close(&w);
	ob_netopts_release(&net);
	ob_registry_free(reg);
	if (rc >= 0)
		return rc;
	return err.code ? ob_cli_fail(&err) : 0;
}
