/* key rotate | list: a did:web issuer's signing keys.
 *
 * Rotation stages a new key: it signs nothing until 'ob-issuer publish'
 * has written a DID document that lists it, and publish then makes it
 * the signing key (cmd_publish.c). Until then the active key signs, so
 * obkit never hands out a credential its published DID document cannot
 * verify. The old keys stay in the DID document, so what they signed
 * still verifies.
 *
 * A second rotate while a key is staged is refused rather than replacing
 * the staged key: a publish whose activation step failed or was killed
 * may already have put the staged key on the site, and a key once
 * published is never taken back; nor would a second key buy anything,
 * since neither signs before the next publish.
 *
 * The new key has the type of the key it replaces, or the one --key-type
 * names (ed25519 or p256): an issuer moves from Ed25519 to P-256 (its
 * credentials then carry ecdsa-rdfc-2019 proofs) or back by rotating. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "base/fsutil.h"
#include "issuer.h"
#include "canon/jcs.h"

struct key_lister {
	const issuer_state *st;
	json_t *arr; /* --json: the keys, else NULL */
};

static ob_code key_line(const issuer_key_info *k, void *ctx, ob_error *err)
{
	struct key_lister *l = ctx;
	const char *role = k->staged ? "staged" : !strcmp(k->vm, l->st->vm) ? "signing" : "retired";

	if (l->arr) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)k->id, "verificationMethod",
				      k->vm, "type", k->type, "created", k->created, "file", k->file, "role", role);
		if (!o || json_array_append_new(l->arr, o))
			return ob_fail(err, OB_ENOMEM, "out of memory");
		return OB_OK;
	}
	printf("%s  %s  %s  %s%s\n", k->vm, k->type, k->created, k->file,
	       k->staged ? "  (staged: published and used from the next 'ob-issuer publish')" :
	       !strcmp(k->vm, l->st->vm) ? "  (signing)" : "");
	return OB_OK;
}

static int key_list(issuer_state *st, int json)
{
	struct key_lister l = { st, json ? json_array() : NULL };
	ob_error err = { 0 };
	json_t *o = NULL;
	char *s = NULL;
	int rc = 0;

	if ((json && !l.arr) || issuer_db_keys_each(st->db, key_line, &l, &err))
		rc = ob_cli_fail(err.code ? &err : (ob_fail(&err, OB_ENOMEM, "out of memory"), &err));
	else if (json) {
		if (!(o = json_pack("{s:s, s:O}", "did", st->did, "keys", l.arr)) ||
		    !(s = ob_json_dumps(o, OB_JSON_PRETTY))) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			rc = ob_cli_fail(&err);
		} else
			printf("%s\n", s);
	}
	free(s);
	json_decref(o);
	json_decref(l.arr);
	return rc;
}

static int key_rotate(issuer_state *st, ob_key_type kt)
{
	ob_error err = { 0 };
	ob_key *key = NULL;
	ob_buf vm = OB_BUF_INIT, file = OB_BUF_INIT;
	char *path = NULL, *staged = NULL, now[32];
	long n, sid;
	int rc = 0, in_tx = 0;

	if (strncmp(st->did, "did:web:", 8) != 0) {
		ob_fail(&err, OB_EUSAGE, "%s cannot change keys: a did:key is its key (make a did:web issuer with 'init --did-web' to rotate keys)",
			st->did);
		goto fail;
	}
	if (issuer_db_begin(st->db, &err))
		goto fail;
	in_tx = 1;
	if (issuer_db_key_staged(st->db, &sid, &staged, &err))
		goto fail;
	if (staged) {
		ob_fail(&err, OB_EUSAGE, "a staged key is already waiting for 'ob-issuer publish': %s"
			" (publish, then rotate again)", staged);
		goto fail;
	}
	if (issuer_db_key_next_id(st->db, &n, &err))
		goto fail;
	ob_buf_addf(&vm, "%s#key-%ld", st->did, n);
	ob_buf_addf(&file, "keys/key-%ld.json", n);
	if (vm.oom || file.oom || !(path = ob_path_join(st->home, file.data))) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	/* same type as the key it replaces, unless --key-type says */
	if (!(key = ob_key_generate(kt ? kt : ob_key_get_type(st->key), &err)))
		goto fail;
	/* the key file first (never overwritten): a crash before the commit
	 * leaves an unused file, never a row without its key */
	if (ob_key_save(key, path, 0, &err))
		goto fail;
	ob_date_format(time(NULL), now);
	/* staged, not active: the active key goes on signing until publish */
	if (issuer_db_key_add_staged(st->db, n, file.data, vm.data, ob_key_type_name(ob_key_get_type(key)), now, &err))
		goto fail;
	if (issuer_db_commit(st->db, &err))
		goto fail;
	in_tx = 0;
	printf("%s\n", vm.data);
	fprintf(stderr, "ob-issuer: %s is staged: 'ob-issuer publish DIR' adds it to the DID document and makes it sign;"
		" %s signs until then\n", vm.data, st->vm);
	goto out;
fail:
	if (in_tx)
		issuer_db_rollback(st->db);
	rc = ob_cli_fail(&err);
out:
	ob_key_free(key);
	ob_buf_release(&vm);
	ob_buf_release(&file);
	free(path);
	free(staged);
	return rc;
}

/* One table per subcommand (cli/opts.h), each under the command's name
 * with the subcommand word as its lead, so "key rotate --help" and "key
 * list --help" say what their options do. main.c keeps key's literal
 * synopsis, which has both. */
static const struct ob_cmd_opt key_rotate_opts[] = {
	{ "key-type", 0, "ed25519|p256", "the new key's type (default the current key's)", 'k', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};
static const struct ob_cmd_opt key_list_opts[] = {
	{ "json", 0, NULL, "print one JSON array, an object per key", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

static const struct ob_cmd_spec key_rotate_spec = {
	"key", cmd_key, "rotate", key_rotate_opts, NULL,
	"(did:web issuers) Generates a new key, staged: the next publish puts it in\n"
	"the DID document and signs with it from then on.", NULL,
};
static const struct ob_cmd_spec key_list_spec = {
	"key", cmd_key, "list", key_list_opts, NULL,
	"Lists the issuer's keys, and which one signs or is staged for the next publish.", NULL,
};

/* key list's options: [--json]. -1 to go on, or the exit code (--help, a
 * usage error naming "key list" and the word it does not take). */
static int list_opts(int argc, char **argv, int *json)
{
	const char *bad;
	int c;

	optind = 1;
	while ((c = ob_cmd_getopt(&key_list_spec, argc, argv)) != -1) {
		if (c == 'j')
			*json = 1;
		else if (c == OB_OPT_HELP)
			return ob_cli_help();
		else
			return (bad = ob_opts_take_error()) ?
				ob_cli_usage(ob_cli_current(), "key list: %s", bad) :
				ob_cli_usage(ob_cli_current(), "key list: invalid option");
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "key list: unexpected argument '%s'", argv[optind]);
	return -1;
}

/* key rotate's options: [--key-type ed25519|p256]. -1 to go on, or the
 * exit code (--help, a usage error). */
static int rotate_opts(int argc, char **argv, ob_key_type *kt)
{
	int c;

	*kt = 0;
	optind = 1;
	while ((c = ob_cmd_getopt(&key_rotate_spec, argc, argv)) != -1) {
		switch (c) {
		case 'k':
			*kt = ob_key_type_parse(optarg);
			if (*kt != OB_KEY_ED25519 && *kt != OB_KEY_P256)
				return ob_cli_usage(ob_cli_current(), "unknown --key-type '%s' (ed25519 or p256)", optarg);
			break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	return -1;
}

int cmd_key(int argc, char **argv)
{
	issuer_state st;
	ob_error err = { 0 };
	ob_key_type kt = 0;
	int rc, json = 0;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return ob_cli_help();
	if (argc < 2)
		return ob_cli_usage(ob_cli_current(), "which key command? (rotate or list)");
	if (strcmp(argv[1], "rotate") && strcmp(argv[1], "list"))
		return ob_cli_usage(ob_cli_current(), "unknown key command '%s' (rotate or list)", argv[1]);
	if (!strcmp(argv[1], "list") && (rc = list_opts(argc - 1, argv + 1, &json)) >= 0)
		return rc;
	if (!strcmp(argv[1], "rotate") && (rc = rotate_opts(argc - 1, argv + 1, &kt)) >= 0)
		return rc;
	if (issuer_open(&st, !strcmp(argv[1], "rotate"), &err))
		return ob_cli_fail(&err);
	rc = !strcmp(argv[1], "rotate") ? key_rotate(&st, kt) : key_list(&st, json);
	issuer_close(&st);
	return rc;
}
