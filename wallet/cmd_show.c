#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "specs.h"
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
static void print_achievement(const json_t *sum, int fact)
{
	const json_t *crit = json_object_get(sum, "criteria");
	const char *img = ob_json_str(sum, "image"), *shown = ob_json_str(sum, "imageDisplay");

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
}

static void print_display(const json_t *report, int clr)
{
	const json_t *sum = json_object_get(report, "summary"), *v;
	const int fact = json_is_true(json_object_get(report, "verified"));
	size_t i;

	/* a CLR's are its first achievement's: its credentials say more */
	if (!clr)
		print_achievement(sum, fact);
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

/* How the issuer is known, as the verifier says it: the registry's or the
 * domain's word, else the issuer's own name marked as its claim. who
 * holds the identity members (issuerIdentity, ...), s the summary. */
static void print_issuer(const json_t *who, const json_t *s)
{
	const char *name = ob_json_str(s, "issuerName"), *iss = ob_json_str(s, "issuer");
	const char *ident = ob_json_str(who, "issuerIdentity");

	if (ident && !strcmp(ident, "registry") && ob_json_str(who, "issuerRegisteredName")) {
		wallet_put(stdout, ob_json_str(who, "issuerRegisteredName"));
		printf(" (listed in ");
		wallet_put(stdout, ob_json_str(who, "issuerIdentityBasis"));
		printf(")");
	} else if (ident && !strcmp(ident, "domain")) {
		wallet_put(stdout, ob_json_str(who, "issuerIdentityBasis"));
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
}

/* A CLR's credentials, one line each, with the verdict each got. */
static void print_items(const json_t *report)
{
	const json_t *items = json_object_get(report, "credentials"), *c;
	size_t i;

	printf("%-13s%zu\n", "Credentials:", json_array_size(items));
	json_array_foreach(items, i, c) {
		const json_t *cs = json_object_get(c, "summary");
		const char *verdict = ob_json_str(c, "verdict");

		printf("  %zu. ", i + 1);
		wallet_put(stdout, ob_json_str(cs, "achievement"));
		printf(" [%s]\n     issuer: ", verdict && !strcmp(verdict, "valid") ? "VALID" :
		       verdict && !strcmp(verdict, "invalid") ? "INVALID" : "UNDECIDED");
		print_issuer(c, cs);
		if (ob_json_str(cs, "id")) {
			printf("\n     id: ");
			wallet_put(stdout, ob_json_str(cs, "id"));
		}
		putchar('\n');
	}
}

static void print_record(const json_t *s, const json_t *report)
{
	const char *kind = ob_json_str(s, "kind");
	const int clr = wallet_rec_is_clr(s);

	if (clr) {
		line("Record:", wallet_rec_title(s));
		line("Kind:", "CLR (Comprehensive Learner Record)");
	} else {
		line("Achievement:", ob_json_str(s, "achievement"));
	}
	printf("%-13s", "Issuer:");
	print_issuer(s, s);
	putchar('\n');
	print_display(report, clr);
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
	if (clr)
		print_items(report);
}

/* Copies member k of from into to, when there is one; -1 when out of memory. */
static int copy(json_t *to, const char *k, const json_t *from)
{
	json_t *v = json_object_get(from, k);

	return v ? json_object_set(to, k, v) : 0;
}

/* --json: the summary's members, with "name", "status" and the
 * description; a CLR's credentials as "credentials": [{id, achievement,
 * issuer, issuerName, issuerIdentity, verdict}]. */
static ob_code record_json(const json_t *s, const json_t *report, ob_error *err)
{
	json_t *o = json_deep_copy(s), *items = NULL, *c;
	const json_t *sum = json_object_get(report, "summary");
	ob_buf text = OB_BUF_INIT;
	size_t i;
	int bad = !o;

	if (!bad && json_is_number(json_object_get(s, "clrItems")))
		bad |= json_object_set_new(o, "clrItems", json_integer(
			(json_int_t)json_number_value(json_object_get(s, "clrItems"))));
	if (!bad && wallet_rec_title(s))
		bad |= json_object_set_new(o, "name", json_string(wallet_rec_title(s)));
	bad |= bad || json_object_set_new(o, "status", json_string(wallet_status(
		ob_json_str(s, "verdict"), ob_json_str(s, "validUntil"))));
	if (!bad && ob_json_str(sum, "description") && !wallet_rec_is_clr(s))
		bad |= json_object_set(o, "description", json_object_get(sum, "description"));
	if (!bad && wallet_rec_is_clr(s)) {
		bad |= !(items = json_array());
		json_array_foreach(json_object_get(report, "credentials"), i, c) {
			const json_t *cs = json_object_get(c, "summary");
			json_t *item = json_object();

			bad |= !item || json_array_append_new(items, item);
			if (bad)
				break;
			bad |= copy(item, "id", cs) || copy(item, "achievement", cs) ||
			       copy(item, "issuer", cs) || copy(item, "issuerName", cs) ||
			       copy(item, "issuerIdentity", c) || copy(item, "verdict", c);
		}
		bad |= bad || json_object_set_new(o, "credentials", items);
		items = NULL;
	}
	bad |= bad || ob_json_write(&text, o, OB_JSON_PRETTY) < 0 || ob_buf_addc(&text, '\n') < 0;
	if (!bad)
		fwrite(text.data, 1, text.len, stdout);
	json_decref(items);
	json_decref(o);
	ob_buf_release(&text);
	return bad ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

static const struct ob_cmd_opt show_opts[] = {
	{ "json", 0, NULL, "print the summary as one JSON object", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec show_spec = {
	"show", cmd_show, NULL, show_opts, "ID",
	"Prints one credential in words (ID: its id or a unique prefix).", NULL,
};

int cmd_show(int argc, char **argv)
{
	ob_error err = { 0 };
	wallet w = { 0 };
	wallet_rec r = { 0 };
	int c, json = 0;

	while ((c = ob_cmd_getopt(&show_spec, argc, argv)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == OB_OPT_HELP)
			return ob_cli_help();
		else
			return wallet_bad_option(c, argv);
	}
	if (argc - optind != 1)
		return ob_cli_usage(ob_cli_current(), argc - optind ? "too many arguments" :
				    "which credential? (see 'ob-wallet list')");
	if (wallet_unlock(&w, &err) || wallet_rec_find(&w, argv[optind], WREC_REPORT, &r, &err))
		goto out;
	if (json)
		record_json(r.summary, r.report, &err);
	else
		print_record(r.summary, r.report);
out:
	wallet_rec_release(&r);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
