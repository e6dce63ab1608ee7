#include <getopt.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "specs.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "vc/issue.h"
#include "issuer.h"
#include "roster.h"
#include "roster_offers.h"
#include "io/roster.h"
#include "base/json.h"
#include "canon/jcs.h"
#include "vc/ob3.h"
#include "vc/status.h"

/* --json: what was issued, as one object on stdout (the credential is
 * in out_path). */
static ob_code print_issued(const json_t *cred, const char *ach_id, const char *recipient, const char *suite,
			    const char *issued_at, const char *out_path, long list, long idx, int suspendable,
			    ob_error *err)
{
	json_t *o = json_pack("{s:s?, s:s, s:s, s:s, s:s, s:s}", "id", ob_json_str(cred, "id"), "file", out_path,
			      "achievement", ach_id, "recipient", recipient, "suite", suite, "issuedAt", issued_at);
	char *js = NULL;

	if (o && list && (json_object_set_new(o, "statusList", json_integer(list)) ||
			  json_object_set_new(o, "statusListIndex", json_integer(idx)) ||
			  json_object_set_new(o, "suspendable", json_boolean(suspendable))))
		json_decref(o), o = NULL;
	if (!o || !(js = ob_json_dumps(o, OB_JSON_PRETTY))) {
		json_decref(o);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	json_decref(o);
	if (printf("%s\n", js) < 0 || fflush(stdout) != 0) {
		free(js);
		return ob_fail(err, OB_EIO, "cannot write to standard output");
	}
	free(js);
	return OB_OK;
}

/* One credential: its status slot is chosen and its row logged in one
 * transaction, and only then is it written out. */
static int issue_one(const char *ach_id, ob3_issue_opts *io, ob_sign_opts *so, const char *out_path, int force,
		     const roster_opts *ro, int json)
{
	issuer_state st = { 0 };
	status_alloc sa = { 0 };
	ob_error err = { 0 };
	json_t *ach = NULL, *cred = NULL;
	ob_buf out = OB_BUF_INIT;
	char *base = NULL, now[32];
	int rc = 0, opened = 0, in_tx = 0, lockfd = -1;
	long list = 0, idx = 0;
	struct stat sb;

	/* the lock before the database: a roster run holds that one */
	if ((lockfd = issuer_home_lock(&err)) == -1 || issuer_open(&st, 1, &err))
		goto fail;
	opened = 1;
	so->verification_method = st.vm;
	if (!(ach = issuer_load_achievement(&st, ach_id, &err)))
		goto fail;
	/* refuse before anything is logged: a credential goes to the log
	 * first and to its file after (see below) */
	if (out_path && !force && lstat(out_path, &sb) == 0) {
		ob_fail(&err, OB_EIO, "'%s' exists (use --force)", out_path);
		goto fail;
	}
	if (issuer_db_begin(st.db, &err))
		goto fail;
	in_tx = 1;
	if (!ro->no_status) {
		if (!(base = issuer_base_url(&st, &err)) || status_alloc_load(&st, &sa, &err) ||
		    status_alloc_next(&sa, &list, &idx, &err))
			goto fail;
		if (!(io->status = issuer_status_json(base, list, idx, ro->suspension))) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto fail;
		}
	}
	if (!(cred = ob3_build_credential(st.profile, ach, io, &err)))
		goto fail;
	if (ob_issue_sign(cred, st.key, so, &out, &err))
		goto fail;
	ob_date_format(time(NULL), now);
	{
		issued_row row = {
			.id = ob_json_str(cred, "id"), .achievement = ach_id, .recipient = io->recipient,
			.suite = so->suite ? so->suite : ob_issue_default_suite(st.key), .issued_at = now,
			.credential = out.data, .credential_len = out.len,
			.list = list, .idx = idx, .suspendable = ro->suspension,
		};
		if (issuer_db_log_add(st.db, &row, &err))
			goto fail;
	}
	if (list && (status_alloc_commit(&st, &sa, list, idx, ro->suspension, &err) ||
		     status_alloc_save(&st, &sa, &err)))
		goto fail;
	/* the status slot is taken for good with the log row; the file comes
	 * after, so no credential is ever out with a slot the log lacks (a
	 * lost file can be had again from the log) */
	if (issuer_db_commit(st.db, &err))
		goto fail;
	in_tx = 0;
	if (ob_cli_output(out_path, out.data, out.len, force, &err)) {
		fprintf(stderr, "ob-issuer: %s was logged but not written out\n", ob_json_str(cred, "id"));
		goto fail;
	}
	if (out_path)
		fprintf(stderr, "ob-issuer: issued %s to %s\n", ob_json_str(cred, "id"), out_path);
	if (json && print_issued(cred, ach_id, io->recipient, so->suite ? so->suite : ob_issue_default_suite(st.key),
				 now, out_path, list, idx, ro->suspension, &err))
		goto fail;
	goto out;
fail:
	if (in_tx)
		issuer_db_rollback(st.db);
	rc = ob_cli_fail(&err);
out:
	if (lockfd >= 0)
		close(lockfd);
	status_alloc_release(&sa);
	json_decref(io->status);
	io->status = NULL;
	json_decref(ach);
	json_decref(cred);
	ob_buf_release(&out);
	free(base);
	if (opened)
		issuer_close(&st);
	return rc;
}

static const struct ob_cmd_opt issue_opts[] = {
	{ "achievement", 0, "ID", "the catalog achievement to award (one credential)", 'a', 0 },
	{ "recipient", 0, "DID|EMAIL", "who earned it: a DID, or an e-mail address (hashed)", 'r', 0 },
	{ "name", 0, "NAME", "the learner's name as it should appear", 'n', 0 },
	{ "valid-from", 0, "T", "valid from T (a date-time, or a plain date in --timezone)", 'f', 0 },
	{ "valid-until", 0, "T", "valid until T (likewise)", 'u', 0 },
	{ "evidence", 0, "URL|NARRATIVE", "evidence: URL, URL|NARRATIVE or |NARRATIVE", 'e', OB_OPT_REPEAT },
	{ "result", 0, "VALUE|RD=VALUE", "a result against the achievement's result descriptions", 'R', OB_OPT_REPEAT },
	{ "awarded-date", 0, "T", "when it was awarded (awardedDate)", 'A', 0 },
	{ "credential-schema", 0, NULL, "name the 1EdTech JSON Schema the credential follows", 'C', 0 },
	{ "suite", 0, "SUITE", "the proof suite (default: the key's own)", 's', 0 },
	{ "created", 0, "T", "the proof's creation time (default now)", 'c', 0 },
	{ "output", 'o', "FILE", "write the credential to FILE (one); the directory for --roster", 'o', 0 },
	{ "force", 0, NULL, "replace an existing output file", 'F', 0 },
	{ "no-status", 0, NULL, "no status entry (cannot be revoked)", 'N', 0 },
	{ "suspension", 0, NULL, "a status entry that can say suspended as well as revoked", 'S', 0 },
	{ "roster", 0, "FILE.csv", "issue one credential per row of a spreadsheet export", 'L', 0 },
	{ "jobs", 'j', "N", "--roster: signing threads (default one per core)", 'j', 0 },
	{ "delimiter", 0, ",|;|tab", "--roster: the column separator (default: detected)", 'D', 0 },
	{ "timezone", 0, "ZONE", "plain dates mean the start of that day in ZONE (default UTC)", 'z', 0 },
	{ "mail-merge", 0, "FILE.csv", "--roster: also write a mail-merge CSV", 'M', 0 },
	{ "shard", 0, "K/N", "--roster: only shard K of N (for several issuing nodes)", 'K', 0 },
	{ "offers", 0, NULL, "--roster: an OpenID4VCI offer per row (signed when claimed), no files", 'O', 0 },
	{ "expires-in", 0, "DURATION", "--offers: how long each offer stays open (default 14d)", 'E', 0 },
	{ "server", 0, "URL", "--offers: the public https URL of ob-issuer serve", 'W', 0 },
	{ "no-pin", 0, NULL, "--offers: links alone (default: a PIN each, in DIR/pins.csv)", 'P', 0 },
	{ "lcw", 0, NULL, "--offers: a VC-API exchange (lcw_link) even with a PIN", 'X', 0 },
	{ "json", 0, NULL, "print what was issued as JSON (one credential with -o; a roster's summary)", 'J', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec issue_spec = {
	"issue", cmd_issue, NULL, issue_opts, NULL,
	"Issues a credential for an achievement of the catalog, or one per row of\n"
	"a roster (--roster, resumable: rows issued before are not issued again).",
	"issue --achievement ID --recipient DID|EMAIL [--name NAME] [--valid-from T] [--valid-until T] "
	"[--evidence URL|NARRATIVE]... [--result VALUE|RD=VALUE]... [--awarded-date T] [--credential-schema] "
	"[--suite SUITE] [--created T] [--no-status|--suspension] [--timezone ZONE] [-o FILE] [--force] [--json] "
	"| --roster FILE.csv -o DIR [--suite SUITE] [--no-status|--suspension] [--jobs N] [--delimiter ,|;|tab] "
	"[--timezone ZONE] [--mail-merge FILE.csv] [--shard K/N] [--credential-schema] "
	"[--offers [--expires-in DURATION] [--server URL] [--no-pin] [--lcw]]",
};

/* --roster --offers: the credential is signed when claimed (by ob-issuer
 * serve, with its own suite and status options), so what only signing
 * now would use is refused rather than ignored. */
static int roster_offers(roster_opts *ro, const roster_offer_opts *oo, const ob_sign_opts *so)
{
	const char *no = ro->shard_n ? "--shard (offers are made in one run; nothing is signed now)" :
			 ro->jobs ? "--jobs (nothing is signed now)" : so->suite ? "--suite" : so->created ? "--created" :
			 ro->no_status ? "--no-status" : ro->suspension ? "--suspension" :
			 ro->credential_schema ? "--credential-schema" : ro->tz ? "--timezone" : NULL;

	if (no)
		return ob_cli_usage(ob_cli_current(), "--offers does not take %s: ob-issuer serve signs each credential "
				    "when its offer is claimed", no);
	return issuer_roster_offers_run(ro, oo);
}

int cmd_issue(int argc, char **argv)
{
	const char *ach_id = NULL, *out_path = NULL;
	ob3_issue_opts io = { 0 };
	/* repeated --evidence and --result (one over the budget is refused
	 * by ob3_build_credential) */
	const char *ev[OB3_MAX_EVIDENCE + 1], *res[OB3_MAX_RESULTS + 1];
	ob_sign_opts so = { .schema_form = 1 };
	roster_opts ro = { 0 };
	roster_offer_opts oo = { 0 };
	char *end, vf[32], vu[32];
	int c, force = 0, json = 0;
	long jobs;
	time_t t;

	while ((c = ob_cmd_getopt(&issue_spec, argc, argv)) != -1) {
		switch (c) {
		case 'a': ach_id = optarg; break;
		case 'r': io.recipient = optarg; break;
		case 'n': io.name = optarg; break;
		case 'f': io.valid_from = optarg; break;
		case 'u': io.valid_until = optarg; break;
		case 'e':
			if (io.n_evidence <= OB3_MAX_EVIDENCE)
				ev[io.n_evidence++] = optarg;
			break;
		case 'R':
			if (io.n_result <= OB3_MAX_RESULTS)
				res[io.n_result++] = optarg;
			break;
		case 'A': io.awarded = optarg; break;
		case 'C': io.credential_schema = ro.credential_schema = 1; break;
		case 's': so.suite = optarg; break;
		case 'c': so.created = optarg; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case 'J': json = 1; break;
		case 'N': ro.no_status = 1; break;
		case 'S': ro.suspension = 1; break;
		case 'L': ro.roster = optarg; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256)
				return ob_cli_usage(ob_cli_current(), "--jobs wants a number from 1 to 256, got '%s'", optarg);
			ro.jobs = (int)jobs;
			break;
		case 'D':
			ro.delim = !strcmp(optarg, ",") ? ',' : !strcmp(optarg, ";") ? ';' :
				   !strcmp(optarg, "tab") || !strcmp(optarg, "\t") || !strcmp(optarg, "\\t") ? '\t' : 0;
			if (!ro.delim)
				return ob_cli_usage(ob_cli_current(), "unknown --delimiter '%s' (',' ';' or tab)", optarg);
			break;
		case 'z':
			if (!ob_roster_tz_ok(optarg))
				return ob_cli_usage(ob_cli_current(), "unknown --timezone '%s' (UTC, +02:00, or a name such as Europe/Berlin)", optarg);
			ro.tz = optarg;
			break;
		case 'M': ro.mail_merge = optarg; break;
		case 'K':
			/* K/N: this node issues shard K of N (issue 17) */
			if (sscanf(optarg, "%d/%d%c", &ro.shard_k, &ro.shard_n, &(char){ 0 }) != 2 || ro.shard_n < 1 ||
			    ro.shard_n > 4096 || ro.shard_k < 1 || ro.shard_k > ro.shard_n)
				return ob_cli_usage(ob_cli_current(), "--shard wants K/N with 1 <= K <= N <= 4096, got '%s'",
						    optarg);
			break;
		case 'O': oo.on = 1; break;
		case 'E':
			if ((oo.ttl = issuer_offer_duration(optarg)) < 0)
				return ob_cli_usage(ob_cli_current(), "--expires-in wants a duration such as 3600, 90m, 36h "
						    "or 14d (at most 366d), got '%s'", optarg);
			break;
		case 'W': oo.server = optarg; break;
		case 'P': oo.no_pin = 1; break;
		case 'X': oo.lcw = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (!oo.on && (oo.ttl || oo.server || oo.no_pin || oo.lcw))
		return ob_cli_usage(ob_cli_current(), "%s goes with --roster --offers",
				    oo.ttl ? "--expires-in" : oo.server ? "--server" : oo.no_pin ? "--no-pin" : "--lcw");
	/* plain dates: the start of that day in --timezone (UTC); the zone
	 * is set before the signing threads start */
	ob_roster_tz_use(ro.tz);
	if (io.valid_from && ob_roster_date(io.valid_from, ro.tz, vf) == 1)
		io.valid_from = vf;
	if (io.valid_until && ob_roster_date(io.valid_until, ro.tz, vu) == 1)
		io.valid_until = vu;
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (ro.no_status && ro.suspension)
		return ob_cli_usage(ob_cli_current(), "--suspension needs a status entry; drop --no-status");
	if (so.suite && !ob_issue_suite_known(so.suite))
		return ob_cli_usage(ob_cli_current(), "unknown --suite '%s' (choose from %s)", so.suite, ob_issue_suites());
	if (so.created && ob_date_parse(so.created, &t, NULL) < 0)
		return ob_cli_usage(ob_cli_current(), "invalid --created '%s' (want e.g. 2025-06-01T12:00:00Z)", so.created);
	if (ro.roster) {
		if (ach_id || io.recipient || io.name || io.valid_from || io.valid_until || io.n_evidence ||
		    io.n_result || io.awarded)
			return ob_cli_usage(ob_cli_current(), "--roster takes the award fields from the file's columns");
		if (!out_path)
			return ob_cli_usage(ob_cli_current(), "--roster needs -o DIR");
		ro.json = json;
		ro.outdir = out_path;
		ro.suite = so.suite;
		ro.created = so.created;
		if (oo.on)
			return roster_offers(&ro, &oo, &so);
		return issuer_roster_run(&ro);
	}
	if (ro.jobs || ro.shard_n || oo.on)
		return ob_cli_usage(ob_cli_current(), "%s goes with --roster",
				    ro.jobs ? "--jobs" : ro.shard_n ? "--shard" : "--offers");
	if (ro.delim || ro.mail_merge)
		return ob_cli_usage(ob_cli_current(), "%s goes with --roster", ro.delim ? "--delimiter" : "--mail-merge");
	if (!ach_id || !io.recipient)
		return ob_cli_usage(ob_cli_current(), "issue needs --achievement and --recipient (or --roster FILE)");
	if (json && !out_path)
		return ob_cli_usage(ob_cli_current(), "--json needs -o FILE (the credential goes there)");
	io.evidence_v = ev;
	io.result_v = res;
	return issue_one(ach_id, &io, &so, out_path, force, &ro, json);
}
