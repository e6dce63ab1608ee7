#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bake.h"
#include "cli.h"
#include "dates.h"
#include "jcs.h"
#include "json.h"
#include "loader.h"
#include "ob3.h"
#include "verify.h"
#include "wallet.h"

/* Why the report is not "valid": the first failed check, else the first
 * check that could not be made. */
static const char *reason(const ob_report *r)
{
	const ob_check *open = NULL, *skipped = NULL;
	size_t i;

	for (i = 0; i < r->nchecks; i++) {
		const ob_check *c = &r->checks[i];
		if (c->outcome == OB_FAILED)
			return c->message;
		if (c->blocking && !open)
			open = c;
		if (c->outcome == OB_NOT_CHECKED && !skipped)
			skipped = c;
	}
	if (open)
		return open->message;
	if (skipped)
		return skipped->message;
	return ob_verdict_name(r->verdict);
}

/* Refuses what the wallet must not keep. Only the verdict can be
 * overridden (--force); input that is not a credential at all cannot. */
static ob_code admit(const ob_report *r, const char *file, int force, ob_error *err)
{
	const char *why = reason(r);

	if (!r->document)
		return ob_fail(err, r->verdict == OB_UNDECIDED ? OB_EUNSUPPORTED : OB_EINVALID,
			       "cannot add '%s': %s", file, why);
	if (!strcmp(r->kind, "presentation"))
		return ob_fail(err, OB_EINVALID, "'%s' is a presentation: add the credentials "
			       "it holds one at a time", file);
	if (r->verdict == OB_VALID)
		return OB_OK;
	if (!force)
		return ob_fail(err, r->verdict == OB_INVALID ? OB_EINVALID : OB_EIO,
			       "'%s' %s: %s (--force stores it unverified)", file,
			       r->verdict == OB_INVALID ? "is invalid" : "could not be verified", why);
	fprintf(stderr, "%s: warning: storing '%s' unverified (%s): %s\n", ob_cli_prog(), file,
		ob_verdict_name(r->verdict), why);
	return OB_OK;
}

static ob_code store(ob_store *db, const char *id, const ob_report *r, const char *raw,
		     size_t len, const char *report, time_t now, ob_error *err)
{
	sqlite3_stmt *q = NULL;
	char checked[32], added[32];
	ob_code rc;
	int step;

	ob_date_format(ob_date_now(now), checked);
	ob_date_format(time(NULL), added);
	if ((rc = ob_store_begin(db, err)))
		return rc;
	if (!(q = ob_store_prepare(db, "SELECT 1 FROM credentials WHERE id = ?1", err)))
		goto fail;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		ob_fail(err, OB_EINVALID, "already in the wallet: %s", id);
		goto fail;
	}
	if (step != SQLITE_DONE) {
		ob_store_fail(db, "cannot read the wallet", err);
		goto fail;
	}
	sqlite3_finalize(q);
	q = ob_store_prepare(db, "INSERT INTO credentials (id, kind, raw, issuer_id, issuer_name,"
			     " achievement, learner, valid_from, valid_until, verdict, reason,"
			     " checked_at, added_at, report)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", err);
	if (!q)
		goto fail;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, raw, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, r->issuer_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, r->issuer_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, r->achievement_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, r->learner, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 8, r->valid_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 9, r->valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 10, ob_verdict_name(r->verdict), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 11, r->verdict == OB_VALID ? NULL : reason(r), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 12, checked, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 13, added, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 14, report, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		ob_store_fail(db, "cannot add the credential", err);
		goto fail;
	}
	sqlite3_finalize(q);
	return ob_store_commit(db, err);
fail:
	sqlite3_finalize(q);
	ob_store_rollback(db);
	return err->code;
}

int cmd_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "now", required_argument, NULL, 'n' },
		{ "doc", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_error err = { 0 };
	ob_verify_opts vo = { 0 };
	ob_loader *loader = NULL;
	ob_store *db = NULL;
	ob_report *r = NULL;
	json_t *rj = NULL;
	ob_buf newid = OB_BUF_INIT;
	char *data = NULL, *report = NULL;
	const char *file, *id;
	size_t len;
	int c, force = 0, rc = -1;

	if (!(loader = ob_loader_new())) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, ":fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'n':
			if (ob_date_parse(optarg, &vo.now, NULL) < 0)
				rc = ob_cli_usage(ob_cli_current(), "--now wants a date-time such as "
						  "2026-01-01T00:00:00Z, got '%s'", optarg);
			break;
		case 'd':
			if (ob_loader_add_spec(loader, optarg, &err))
				rc = err.code == OB_EUSAGE ? ob_cli_usage(ob_cli_current(), "%s", err.msg) :
							     ob_cli_fail(&err);
			break;
		case 'h':
			rc = ob_cli_help();
			break;
		default:
			rc = wallet_bad_option(c, argv);
		}
	}
	if (rc >= 0)
		goto out;
	if (argc - optind != 1) {
		rc = ob_cli_usage(ob_cli_current(), argc - optind ? "one file at a time" :
				  "which file? ('-' reads standard input)");
		goto out;
	}
	file = argv[optind];
	if (wallet_open(&db, &err))
		goto out;
	if (ob_file_read(file, OB_JSON_MAX_SIZE, &data, &len, &err))
		goto out;
	/* a baked badge: keep the credential it carries, not the picture */
	if (ob_bake_sniff(data, len) != OB_IMAGE_NONE) {
		ob_buf text = OB_BUF_INIT;
		if (ob_bake_extract(data, len, &text, &err)) {
			ob_buf_release(&text);
			err.code = OB_EINVALID;
			goto out;
		}
		free(data);
		data = ob_buf_detach(&text, &len);
		if (!data) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto out;
		}
	}
	vo.loader = loader;
	if (!(r = ob_verify_bytes(data, len, &vo, &err)))
		goto out;
	if (admit(r, file, force, &err))
		goto out;
	id = r->credential_id;
	if (!id) {
		if (ob3_new_uuid(&newid, &err))
			goto out;
		id = newid.data;
	}
	if (!(rj = ob_report_to_json(r)) || !(report = ob_json_dumps(rj, OB_JSON_COMPACT))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if (store(db, id, r, data, len, report, vo.now, &err))
		goto out;
	printf("%s\n", id);
out:
	ob_store_close(db);
	ob_loader_free(loader);
	ob_report_free(r);
	json_decref(rj);
	ob_buf_release(&newid);
	free(data);
	free(report);
	if (rc >= 0)
		return rc;
	return err.code ? ob_cli_fail(&err) : 0;
}
