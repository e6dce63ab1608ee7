#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "base/json.h"
#include "proof/did.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "issuer.h"
#include "specs.h"
#include "canon/jcs.h"

static json_t *build_profile(const char *did, const char *name, const char *url,
			     const char *email, const char *image)
{
	json_t *p = json_pack("{s:s, s:[s], s:s, s:s}", "id", did, "type", "Profile",
			      "name", name, "url", url);

	if (p && email && json_object_set_new(p, "email", json_string(email)))
		goto fail;
	if (p && image && json_object_set_new(p, "image", json_pack("{s:s, s:s}", "id", image, "type", "Image")))
		goto fail;
	return p;
fail:
	json_decref(p);
	return NULL;
}

/* Checks HOST[:PATH] (did:web method-specific id, a port as %3A) and
 * appends https://HOST[/PATH] to out. 0, or the usage exit code. */
static int web_url(const char *web, ob_buf *out)
{
	ob_buf did = OB_BUF_INIT;
	ob_error err = { 0 };
	const char *p;
	int rc = 0;

	for (p = web; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("-._:%", *p)))
			break;
	ob_buf_addf(&did, "did:web:%s", web);
	if (*p || !*web || web[0] == ':' || ob_did_web_url(did.data, out, &err)) {
		rc = ob_cli_usage(ob_cli_current(), "invalid --did-web '%s' (want HOST or HOST:PATH:..., e.g. example.edu:issuers:cs; a port as %%3A)",
				  web);
	} else {
		/* the DID document's URL less its name is the site's base */
		size_t n = out->len - strlen("/did.json");
		if (n >= strlen("/.well-known") && !strcmp(out->data + n - strlen("/.well-known"), "/.well-known/did.json"))
			n -= strlen("/.well-known");
		ob_buf_truncate(out, n);
	}
	ob_buf_release(&did);
	return rc;
}

static const struct ob_cmd_opt init_opts[] = {
	{ "name", 0, "NAME", "the issuer's name, as credentials show it", 'n', OB_OPT_REQUIRED },
	{ "url", 0, "URL", "the issuer's web site, http or https", 'u', OB_OPT_REQUIRED },
	{ "did-web", 0, "HOST[:PATH]", "make the issuer a did:web at HOST (instead of --url)", 'w',
	  OB_OPT_REQUIRED | OB_OPT_OR },
	{ "email", 0, "EMAIL", "the issuer's contact address", 'e', 0 },
	{ "image", 0, "URL", "the issuer's logo", 'i', 0 },
	{ "key-type", 0, "ed25519|p256", "the signing key's type (default ed25519)", 'k', 0 },
	{ "json", 0, NULL, "print the new issuer as JSON (DID, key, home, database)", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec init_spec = {
	"init", cmd_init, NULL, init_opts, NULL,
	"Creates the issuer: its home directory, signing key (mode 0600), profile\n"
	"and issue log.",
	NULL,
};
OB_CMD_REGISTER(init_spec)

int cmd_init(int argc, char **argv)
{
	const char *name = NULL, *url = NULL, *email = NULL, *image = NULL, *ktype = "ed25519", *web = NULL;
	ob_buf weburl = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_key *key = NULL;
	issuer_db *db = NULL;
	ob_buf did = OB_BUF_INIT, vm = OB_BUF_INIT;
	json_t *profile = NULL;
	char *home = NULL, *dbpath = NULL, *keydir = NULL, *keypath = NULL, *pjson = NULL;
	struct stat st;
	char now[32];
	int c, rc = 0, json = 0;
	ob_key_type kt;

	while ((c = ob_cmd_getopt(&init_spec, argc, argv)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'u': url = optarg; break;
		case 'e': email = optarg; break;
		case 'i': image = optarg; break;
		case 'k': ktype = optarg; break;
		case 'j': json = 1; break;
		case 'w': web = optarg; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (web && (rc = web_url(web, &weburl)) != 0)
		return rc;
	if (web && !url)
		url = weburl.data; /* the site the DID names */
	if (!name || !*name || !url || !*url) {
		ob_buf_release(&weburl);
		return ob_cli_usage(ob_cli_current(), "init needs --name and --url (or --did-web HOST[:PATH])");
	}
	if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) {
		rc = ob_cli_usage(ob_cli_current(), "--url must be an http(s) URL, got '%s'", url);
		ob_buf_release(&weburl);
		return rc;
	}
	if (image && !issuer_image_url_ok(image)) {
		ob_buf_release(&weburl);
		return ob_cli_usage(ob_cli_current(), "--image must be an https URL or a data:image/... URI");
	}
	if (!(kt = ob_key_type_parse(ktype)) || (kt != OB_KEY_ED25519 && kt != OB_KEY_P256)) {
		ob_buf_release(&weburl);
		return ob_cli_usage(ob_cli_current(), "unknown --key-type '%s' (ed25519 or p256)", ktype);
	}
	if (kt != OB_KEY_ED25519)
		fprintf(stderr, "ob-issuer: note: a P-256 issuer signs ecdsa-rdfc-2019 proofs (also --suite"
			" ecdsa-jcs-2019 or vc-jwt); the eddsa-* suites need Ed25519\n");

	if (!(home = ob_home_dir(issuer_home_opt, "OBKIT_ISSUER_HOME", "issuer", &err)))
		goto fail;
	if (!(dbpath = issuer_db_where(home)) || !(keydir = ob_path_join(home, "keys")) ||
	    !(keypath = ob_path_join(keydir, "key-1.json"))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (issuer_db_is_url(dbpath)) {
		/* PostgreSQL: one issuer per database; its nodes share it */
		issuer_identity id = { 0 };
		ob_error e = { 0 };
		if (!(db = issuer_db_open(dbpath, &err)))
			goto fail;
		if (!issuer_db_identity(db, &id, &e)) {
			issuer_identity_release(&id);
			ob_fail(&err, OB_EIO, "an issuer already exists in the PostgreSQL database (a new node"
				" needs only a copy of its keys/ directory)");
			goto fail;
		}
	} else if (stat(dbpath, &st) == 0) {
		ob_fail(&err, OB_EIO, "an issuer already exists at %s", home);
		goto fail;
	}
	if (ob_mkdir_p(keydir, &err))
		goto fail;
	if (!(key = ob_key_generate(kt, &err)))
		goto fail;
	if (web) {
		/* did:web: the key is DID#key-1 in the DID document `publish` writes */
		ob_buf_addf(&did, "did:web:%s", web);
		ob_buf_addf(&vm, "did:web:%s#key-1", web);
		if (did.oom || vm.oom) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto fail;
		}
	} else if (ob_key_did(key, &did, &vm, &err))
		goto fail;
	if (!(profile = build_profile(did.data, name, url, email, image)) ||
	    !(pjson = ob_json_dumps(profile, OB_JSON_COMPACT))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	/* the key file first (0600, never overwritten), then the database in
	 * one transaction: a crash leaves either no issuer or a whole one */
	if (ob_key_save(key, keypath, 0, &err))
		goto fail;
	if (!db && !(db = issuer_db_open(dbpath, &err)))
		goto fail;
	ob_date_format(time(NULL), now);
	if (issuer_db_create(db, did.data, pjson, vm.data, ob_key_type_name(kt), now, &err))
		goto fail;
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "did", did.data, "verificationMethod", vm.data,
				      "keyType", ob_key_type_name(kt), "home", home, "database", issuer_db_backend(db));
		char *s = o ? ob_json_dumps(o, OB_JSON_PRETTY) : NULL;
		json_decref(o);
		if (!s) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto fail;
		}
		printf("%s\n", s);
		free(s);
	} else
		printf("%s\n", did.data);
	fprintf(stderr, "ob-issuer: issuer '%s' created in %s\n", name, home);
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	issuer_db_close(db);
	ob_key_free(key);
	json_decref(profile);
	ob_buf_release(&did);
	ob_buf_release(&vm);
	ob_buf_release(&weburl);
	free(pjson);
	free(home);
	free(dbpath);
	free(keydir);
	free(keypath);
	return rc;
}
