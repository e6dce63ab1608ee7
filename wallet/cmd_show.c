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

static void print_record(const json_t *s)
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
	line("Learner:", ob_json_str(s, "learner"));
	line("Valid from:", ob_json_str(s, "validFrom"));
	line("Valid until:", ob_json_str(s, "validUntil"));
	line("Id:", ob_json_str(s, "id"));
	line("Format:", kind && !strcmp(kind, "vc-jwt") ? "VC-JWT (compact JWS)" :
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
	if (wallet_unlock(&w, &err) || wallet_rec_find(&w, id, 0, &r, &err))
		goto out;
	print_record(r.summary);
out:
	wallet_rec_release(&r);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
