#include "cli/cli.h"
#include "issuer.h"
#include "oid4vci.h"
#include "records.h"
#include "specs.h"

const char *issuer_home_opt;
const char *issuer_db_opt;


/* literal synopses of the commands not converted to an option table yet */
static const struct ob_cmd_spec achievement_lit = {
	"achievement", cmd_achievement, NULL, NULL, NULL, NULL,
	"achievement add --id ID --name NAME --description TEXT --criteria TEXT [--image URL] [--type TYPE] [--alignment NAME|URL[|FRAMEWORK[|CODE]]]... | list [--json] | show ID",
};
static const struct ob_cmd_spec key_lit = {
	"key", cmd_key, NULL, NULL, NULL, NULL,
	"key rotate [--key-type ed25519|p256] | list [--json]",
};
static const struct ob_cmd_spec offer_lit = {
	"offer", cmd_offer, NULL, NULL, NULL, NULL,
	"offer create --achievement ID --recipient EMAIL|DID [--name NAME] [--pin] [--lcw] [--expires-in DURATION] [--server URL] [--json] | create --roster FILE.csv -o OUT.csv [--pin] [--lcw] [--expires-in DURATION] [--server URL] | list [--json] | revoke ID | ID [--lcw] [--qr [--png FILE]] [--server URL]",
};

/* each converted command's synopsis and --help come from its table (specs.h) */
static const struct ob_cmd_spec *const cmds[] = {
	&init_spec, &achievement_lit, &issue_spec, &list_spec, &show_spec, &export_spec, &revoke_spec,
	&suspend_spec, &reinstate_spec, &status_spec, &key_lit, &publish_spec, &sign_spec, &bake_spec,
	&endorse_spec, &clr_spec, &offer_lit, &serve_spec,
};

static const struct ob_opt_global globals[] = {
	{ "home", 0, "DIR", &issuer_home_opt,
	  "issuer state (default $OBKIT_ISSUER_HOME, else $XDG_DATA_HOME/obkit/issuer)" },
	{ "db", 0, "URI", &issuer_db_opt,
	  "the issuer database: a postgresql:// URI (default $OBKIT_ISSUER_DB, else HOME/issuer.db)" },
	{ "json", 0, NULL, NULL, "JSON output (achievement list, issue, status, revoke, suspend, reinstate, list, show, key list, publish)" },
	{ NULL, 0, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	ob_cli_init("ob-issuer", 1);
	return ob_cli_main_specs(cmds, sizeof(cmds) / sizeof(cmds[0]), globals, argc, argv,
			   "issue Open Badges 3.0 credentials");
}
