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
 * transaction. Prints its id. */
static ob_code add_one(wallet *w, const char *arg, ob_loader *loader, const ob_verify_opts *vo,
		       int force, ob_error *err)
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
	printf("%s\n", id);
out:
	ob_report_free(r);
	json_decref(rj);
	json_decref(sum);
	ob_buf_release(&in);
	ob_buf_release_secret(&text);
	ob_buf_release(&newid);
	return rc;
}

int cmd_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "now", required_argument, NULL, 'n' },
		OB_NETOPTS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_error err = { 0 }, first = { 0 };
	/* the holder's check: an ecdsa-sd-2023 base credential is kept */
	ob_verify_opts vo = { .holder = 1 };
	struct ob_netopts net;
	ob_registry *reg = NULL;
	wallet w = { 0 };
	int c, i, force = 0, rc = -1, nstdin = 0;

	if ((rc = ob_netopts_init(&net)))
		goto out;
	rc = -1;
	while (rc < 0 && (c = ob_opts_getopt(argc, argv, ":fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'n':
			if (ob_date_parse(optarg, &vo.now, NULL) < 0)
				rc = ob_cli_usage(ob_cli_current(), "--now wants a date-time such as "
						  "2026-01-01T00:00:00Z, got '%s'", optarg);
			break;
		case 'h':
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
	for (i = optind; i < argc; i++) {
		ob_error_clear(&err);
		if (add_one(&w, argv[i], net.loader, &vo, force, &err)) {
			if (argc - optind > 1)
				ob_cli_fail(&err);
			if (!first.code)
				first = err;
		}
		fflush(stdout);
	}
	if (argc - optind > 1) {
		if (first.code)
			rc = ob_exit_code(first.code);
		ob_error_clear(&err);
	} else
		err = first;
out:
	wallet_close(&w);
	ob_netopts_release(&net);
	ob_registry_free(reg);
	if (rc >= 0)
		return rc;
	return err.code ? ob_cli_fail(&err) : 0;
}
