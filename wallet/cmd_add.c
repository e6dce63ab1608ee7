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
#include "io/loader.h"
#include "vc/ob3.h"
#include "io/source.h"
#include "vc/verify.h"
#include "specs.h"
#include "wallet.h"

/* Refuses what the wallet must not keep. Only the verdict can be
 * overridden (--force); input that is not a credential at all cannot. */
static ob_code admit(const ob_report *r, const char *file, int force, ob_error *err)
{
	const char *why = wallet_reason(r);

	if (!r->document)
		return ob_fail(err, r->verdict == OB_UNDECIDED ? OB_EUNSUPPORTED : OB_EINVALID,
			       "cannot add '%s': %s", file, why);
	if (!strcmp(r->kind, "presentation"))
		return ob_fail(err, OB_EINVALID, "'%s' is a presentation: add the credentials "
			       "it holds one at a time", file);
	if (r->verdict == OB_VALID) {
		/* authentic and current: a shape flaw is the issuer's to fix,
		 * not a reason to refuse the learner's credential */
		if (wallet_warning(r))
			fprintf(stderr, "%s: warning: '%s' does not follow the Open Badges rules: %s\n",
				ob_cli_prog(), file, wallet_warning(r));
		return OB_OK;
	}
	if (!force)
		return ob_fail(err, r->verdict == OB_INVALID ? OB_EINVALID : OB_EIO,
			       "'%s' %s: %s (--force stores it unverified)", file,
			       r->verdict == OB_INVALID ? "is invalid" : "could not be verified", why);
	fprintf(stderr, "%s: warning: storing '%s' unverified (%s): %s\n", ob_cli_prog(), file,
		ob_verdict_name(r->verdict), why);
	return OB_OK;
}

/* The credential text without the whitespace around it: what identifies
 * an id-less credential's content. */
static void trimmed(const char *s, size_t len, const char **out, size_t *olen)
{
	while (len && strchr(" \t\r\n", *s)) {
		s++;
		len--;
	}
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	*out = s;
	*olen = len;
}

/* Reads, unwraps, verifies, encrypts and stores one credential, in one
 * transaction. Prints its id, or with row (--json) sets its verdict and
 * id there. */
static ob_code add_one(wallet *w, const char *arg, ob_loader *loader, const ob_verify_opts *vo,
		       int force, json_t *row, ob_error *err)
{
	ob_buf in = OB_BUF_INIT, text = OB_BUF_INIT, newid = OB_BUF_INIT;
	ob_report *r = NULL;
	json_t *rj = NULL, *sum = NULL;
	const char *how = NULL, *id, *body;
	unsigned char dedup[32];
	char checked[32], added[32];
	size_t blen;
	ob_code rc;

	if ((rc = ob_source_read(arg, loader, &in, err)))
		goto out;
	if ((rc = ob_source_unwrap(in.data ? in.data : "", in.len, loader, &text, &how, err))) {
		ob_error e = *err;
		ob_error_clear(err);
		rc = ob_fail(err, e.code == OB_ENOMEM || e.code == OB_ENET || e.code == OB_ELIMIT ? e.code : OB_EINVALID,
			     "cannot add '%s': %s", arg, e.msg);
		goto out;
	}
	if (!(r = ob_verify_bytes(text.data ? text.data : "", text.len, vo, err))) {
		rc = err->code;
		goto out;
	}
	if (row && r->document &&
	    json_object_set_new(row, "verdict", json_string(ob_verdict_name(r->verdict)))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = admit(r, arg, force, err)))
		goto out;
	trimmed(text.data, text.len, &body, &blen);
	id = r->credential_id;
	if (id)
		rc = wallet_id_tag(w, id, dedup, err);
	else {
		/* no id: the same bytes are the same credential */
		rc = ob_vault_tag(w->dk, "content", body, blen, dedup, err);
		if (!rc)
			rc = ob3_new_uuid(&newid, err);
		id = newid.data;
	}
	if (rc)
		goto out;
	ob_date_format(ob_date_now(vo->now), checked);
	ob_date_format(time(NULL), added);
	if (!(sum = json_object()) || wallet_summary_set(sum, r, id, checked, 1) ||
	    json_object_set_new(sum, "addedAt", json_string(added)) ||
	    (how && strcmp(how, "file") && json_object_set_new(sum, "source", json_string(how))) ||
	    !(rj = ob_report_to_json(r))) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = ob_store_begin(w->db, err)))
		goto out;
	if ((rc = wallet_rec_insert(w, sum, text.data, text.len, rj, dedup, err)) ||
	    (rc = wallet_census_update(w, err))) {
		ob_store_rollback(w->db);
		goto out;
	}
	if ((rc = ob_store_commit(w->db, err)))
		goto out;
	if (!row)
		printf("%s\n", id);
	else if (json_object_set_new(row, "id", json_string(id)))
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	ob_report_free(r);
	json_decref(rj);
	json_decref(sum);
	ob_buf_release(&in);
	ob_buf_release_secret(&text);
	ob_buf_release(&newid);
	return rc;
}

static const struct ob_cmd_opt add_opts[] = {
	{ "force", 0, NULL, "store it even when it does not verify", 'f', 0 },
	{ "json", 0, NULL, "print one JSON object: each input's id and verdict", 'j', 0 },
	{ "now", 0, "T", "check validity at date-time T instead of now", 'n', 0 },
	OB_NETOPTS_TABLE,
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec add_spec = {
	"add", cmd_add, NULL, add_opts, "FILE|-|URL...",
	"Verifies credentials (files, standard input, https URLs, baked badges, QR\n"
	"codes) and stores each, encrypted, printing its id.", NULL,
};

int cmd_add(int argc, char **argv)
{
	ob_error err = { 0 }, first = { 0 };
	/* the holder's check: an ecdsa-sd-2023 base credential is kept */
	ob_verify_opts vo = { .holder = 1 };
	struct ob_netopts net;
	ob_registry *reg = NULL;
	wallet w = { 0 };
	int c, i, force = 0, json = 0, rc = -1, nstdin = 0;
	json_t *out = NULL, *rows = NULL, *row;

	if ((rc = ob_netopts_init(&net)))
		goto out;
	rc = -1;
	while (rc < 0 && (c = ob_cmd_getopt(&add_spec, argc, argv)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'n':
			if (ob_date_parse(optarg, &vo.now, NULL) < 0)
				rc = ob_cli_usage(ob_cli_current(), "--now wants a date-time such as "
						  "2026-01-01T00:00:00Z, got '%s'", optarg);
			break;
		case OB_OPT_HELP:
			rc = ob_cli_help();
			break;
		default:
			if (!(rc = ob_netopts_option(&net, c, optarg)))
				rc = -1;
			else if (rc < 0)
				rc = wallet_bad_option(c, argv);
		}
	}
	if (rc >= 0)
		goto out;
	if (argc - optind < 1) {
		rc = ob_cli_usage(ob_cli_current(), "which file? ('-' reads standard input)");
		goto out;
	}
	for (i = optind; i < argc; i++)
		nstdin += !strcmp(argv[i], "-");
	if (nstdin > 1) {
		rc = ob_cli_usage(ob_cli_current(), "standard input ('-') can be read only once");
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
	if (wallet_unlock(&w, &err))
		goto out;
	/* one unlock, then one transaction per credential: a failure leaves
	 * the others added */
	if (json && (!(out = json_object()) || json_object_set_new(out, "credentials",
								      rows = json_array()) || !rows)) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = optind; i < argc; i++) {
		ob_error_clear(&err);
		row = NULL;
		if (json && (!(row = json_pack("{s:s}", "input", argv[i])) ||
			     json_array_append_new(rows, row))) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto out;
		}
		if (add_one(&w, argv[i], net.loader, &vo, force, row, &err)) {
			if (row && (json_object_set_new(row, "added", json_false()) ||
				    json_object_set_new(row, "error", json_string(err.msg)))) {
				ob_fail(&err, OB_ENOMEM, "out of memory");
				goto out;
			}
			if (argc - optind > 1)
				ob_cli_fail(&err);
			if (!first.code)
				first = err;
		}
		else if (row && json_object_set_new(row, "added", json_true())) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto out;
		}
		fflush(stdout);
	}
	if (json && wallet_json_print(out, &err))
		goto out;
	if (argc - optind > 1) {
		if (first.code)
			rc = ob_exit_code(first.code);
		ob_error_clear(&err);
	} else
		err = first;
out:
	json_decref(out);
	wallet_close(&w);
	ob_netopts_release(&net);
	ob_registry_free(reg);
	if (rc >= 0)
		return rc;
	return err.code ? ob_cli_fail(&err) : 0;
}
