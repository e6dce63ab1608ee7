#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/json.h"
#include "wallet.h"

static void line(const char *label, const char *value)
{
	if (!value)
		return;
	printf("%-13s", label);
	wallet_put(stdout, value);
	putchar('\n');
}

/* Each string of a list member of the summary, one line each. */
static void lines(const char *label, const json_t *list)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		line(label, json_string_value(v));
}

/* The Displayer's fields from the stored report (credentials added or
 * refreshed before these fields existed have none); claims, marked so,
 * unless the stored verdict was valid. */
static void print_display(const json_t *report)
{
	const json_t *sum = json_object_get(report, "summary"), *v;
	const json_t *crit = json_object_get(sum, "criteria");
	const char *img = ob_json_str(sum, "image"), *shown = ob_json_str(sum, "imageDisplay");
	const int fact = json_is_true(json_object_get(report, "verified"));
	size_t i;

	line(fact ? "Description:" : "Description?", ob_json_str(sum, "description"));
	line(fact ? "Criteria:" : "Criteria?", ob_json_str(crit, "narrative"));
	line(fact ? "Criteria at:" : "Criteria at?", ob_json_str(crit, "id"));
	if (img && shown && !strcmp(shown, "inline")) {
		const char *comma = strchr(img, ',');
		char type[48];
		snprintf(type, sizeof(type), "%.*s", comma && comma - img < 40 ? (int)(comma - img) : 10, img);
		printf("%-13s", fact ? "Image:" : "Image?");
		wallet_put(stdout, type);
		printf(" (embedded, %zu bytes)\n", comma ? strlen(comma + 1) : (size_t)0);
	} else {
		line(fact ? "Image:" : "Image?", img);
	}
	line(fact ? "Awarded:" : "Awarded?", ob_json_str(sum, "awardedDate"));
	lines(fact ? "Evidence:" : "Evidence?", json_object_get(sum, "evidence"));
	lines(fact ? "Result:" : "Result?", json_object_get(sum, "results"));
	lines(fact ? "Aligned to:" : "Aligned to?", json_object_get(sum, "alignments"));
	json_array_foreach(json_object_get(report, "endorsements"), i, v) {
		const json_t *es = json_object_get(v, "summary");
		const char *verdict = ob_json_str(v, "verdict");
		printf("%-13s", "Endorsement:");
		wallet_put(stdout, verdict && !strcmp(verdict, "valid") ? "VALID" :
				   verdict && !strcmp(verdict, "invalid") ? "INVALID" : "UNDECIDED");
		printf(", of the ");
		wallet_put(stdout, ob_json_str(v, "endorsed"));
		printf(", by ");
		wallet_put(stdout, ob_json_str(es, "issuer"));
		if (ob_json_str(es, "issuerName")) {
			printf(" (calls itself '");
			wallet_put(stdout, ob_json_str(es, "issuerName"));
			printf("')");
		}
		if (ob_json_str(json_object_get(es, "endorsement"), "comment")) {
			printf(": ");
			wallet_put(stdout, ob_json_str(json_object_get(es, "endorsement"), "comment"));
		}
		putchar('\n');
	}
}

static void print_record(const json_t *s, const json_t *report)
{
	const char *name = ob_json_str(s, "issuerName"), *iss = ob_json_str(s, "issuer");
	const char *kind = ob_json_str(s, "kind");

	const char *ident = ob_json_str(s, "issuerIdentity");

	printf("%-13s", "Achievement:");
	wallet_put(stdout, ob_json_str(s, "achievement"));
	printf("\n%-13s", "Issuer:");
	if (ident && !strcmp(ident, "registry") && ob_json_str(s, "issuerRegisteredName")) {
		wallet_put(stdout, ob_json_str(s, "issuerRegisteredName"));
		printf(" (listed in ");
		wallet_put(stdout, ob_json_str(s, "issuerIdentityBasis"));
		printf(")");
	} else if (ident && !strcmp(ident, "domain")) {
		wallet_put(stdout, ob_json_str(s, "issuerIdentityBasis"));
		printf(" (domain verified)");
	} else if (name) {
		/* the issuer's own word, never shown as fact */
		printf("calls itself '");
		wallet_put(stdout, name);
		printf("' (not verified)");
	} else {
		wallet_put(stdout, iss);
	}
	if (iss && (name || (ident && strcmp(ident, "self-asserted")))) {
		printf(" (");
		wallet_put(stdout, iss);
		putchar(')');
	}
	putchar('\n');
	print_display(report);
	line("Learner:", ob_json_str(s, "learner"));
	line("Valid from:", ob_json_str(s, "validFrom"));
	line("Valid until:", ob_json_str(s, "validUntil"));
	line("Id:", ob_json_str(s, "id"));
	line("Format:", kind && !strcmp(kind, "vc-jwt") ? "VC-JWT (compact JWS)" :
			kind && !strcmp(kind, "ob2") ? "Open Badges 2.0 assertion (hosted or signed)" :
			"JSON with embedded proof");
	printf("%-13s%s, checked ", "Status:",
	       wallet_status(ob_json_str(s, "verdict"), ob_json_str(s, "validUntil")));
	wallet_put(stdout, ob_json_str(s, "checkedAt"));
	putchar('\n');
	line("Reason:", ob_json_str(s, "reason"));
	line("Warning:", ob_json_str(s, "warning"));
	line("Added:", ob_json_str(s, "addedAt"));
}

int cmd_show(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	wallet_rec r = { 0 };
	const char *id;
	int rc;

	if ((rc = wallet_id_arg(argc, argv, &id)) >= 0)
		return rc;
	if (wallet_unlock(&w, &err) || wallet_rec_find(&w, id, WREC_REPORT, &r, &err))
		goto out;
	print_record(r.summary, r.report);
out:
	wallet_rec_release(&r);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
