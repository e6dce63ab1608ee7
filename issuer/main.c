#include "cli/cli.h"
#include "issuer.h"
#include "oid4vci.h"
#include "records.h"

const char *issuer_home_opt;
const char *issuer_db_opt;


static const struct ob_cmd cmds[] = {
	{ "init", cmd_init, "init --name NAME --url URL|--did-web HOST[:PATH] [--email EMAIL] [--image URL] [--key-type ed25519|p256]" },
	{ "achievement", cmd_achievement,
	  "achievement add --id ID --name NAME --description TEXT --criteria TEXT [--image URL] [--type TYPE] [--alignment NAME|URL[|FRAMEWORK[|CODE]]]... | list [--json] | show ID" },
	{ "issue", cmd_issue,
	  "issue --achievement ID --recipient DID|EMAIL [--name NAME] [--valid-from T] [--valid-until T] [--evidence URL] [--result VALUE] [--suite eddsa-rdfc-2022|eddsa-jcs-2022|Ed25519Signature2020|vc-jwt] [--created T] [--no-status|--suspension] [--timezone ZONE] [-o FILE] | --roster FILE.csv -o DIR [--suite SUITE] [--no-status|--suspension] [--jobs N] [--delimiter ,|;|tab] [--timezone ZONE] [--mail-merge FILE.csv] [--shard K/N]" },
	{ "list", cmd_list,
	  "list [--recipient R] [--achievement ID] [--since T] [--before T] [--state active|revoked|suspended] [--roster FILE.csv] [--delimiter ,|;|tab] [--timezone ZONE] [--json|--csv]" },
	{ "show", cmd_show, "show ID [--json]" },
	{ "export", cmd_export,
	  "export [--pdf [--paper a4|letter] [--verify-url URL] [--no-qr] [--site DIR]] ID DIR | --all [--recipient R] [--achievement ID] [--since T] [--before T] [--state STATE] [--roster FILE.csv] [--delimiter ,|;|tab] [--timezone ZONE] DIR" },
	{ "revoke", cmd_revoke, "revoke ID --reason TEXT" },
	{ "suspend", cmd_suspend, "suspend ID [--reason TEXT]" },
	{ "reinstate", cmd_reinstate, "reinstate ID" },
	{ "status", cmd_status, "status ID [--json]" },
	{ "key", cmd_key, "key rotate [--key-type ed25519|p256] | list [--json]" },
	{ "publish", cmd_publish, "publish DIR [--base-url URL] [--json]" },
	{ "sign", cmd_sign,
	  "sign --key KEYFILE [--suite eddsa-rdfc-2022|eddsa-jcs-2022|Ed25519Signature2020|vc-jwt] [--created T] [--verification-method URL] [--purpose P] [--challenge C] [--domain D] [-o FILE] FILE|-" },
	{ "bake", cmd_bake, "bake --credential FILE --image badge.png|badge.svg -o OUT [--force]" },
	{ "endorse", cmd_endorse, "endorse --subject ID [--comment TEXT] [--name NAME] [--valid-from T] [--valid-until T] [--suite SUITE] [--created T] [-o FILE] [--force]" },
	{ "clr", cmd_clr,
	  "clr --recipient DID|EMAIL [--name NAME] [--learner NAME] [--valid-from T] [--partial] [--include-suspended] [--suite eddsa-rdfc-2022|eddsa-jcs-2022|Ed25519Signature2020|vc-jwt] [--created T] [-o FILE]" },
	{ "offer", cmd_offer,
	  "offer create --achievement ID --recipient EMAIL|DID [--name NAME] [--pin] [--expires-in DURATION] [--server URL] | create --roster FILE.csv -o OUT.csv [--pin] [--expires-in DURATION] [--server URL] | list | revoke ID | ID [--qr [--png FILE]] [--server URL]" },
	{ "serve", cmd_serve,
	  "serve [--listen ADDR:PORT] [--public-url URL] [--threads N] [--token-ttl SECONDS] [--nonce-ttl SECONDS] [--no-status] [--port-file FILE]" },
};

static const struct ob_opt_global globals[] = {
	{ "home", 0, "DIR", &issuer_home_opt,
	  "issuer state (default $OBKIT_ISSUER_HOME, else $XDG_DATA_HOME/obkit/issuer)" },
	{ "db", 0, "URI", &issuer_db_opt,
	  "the issuer database: a postgresql:// URI (default $OBKIT_ISSUER_DB, else HOME/issuer.db)" },
	{ "json", 0, NULL, NULL, "JSON output (achievement list, status, list, show, publish)" },
	{ NULL, 0, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	ob_cli_init("ob-issuer", 1);
	return ob_cli_main(cmds, sizeof(cmds) / sizeof(cmds[0]), globals, argc, argv,
			   "issue Open Badges 3.0 credentials");
}
