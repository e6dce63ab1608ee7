#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/bake.h"
#include "cli/cli.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "wallet.h"

/* --json: the whole record, {"id", "summary", "credential" (the bytes as
 * given, as a string), "report"}, so two wallets can be compared. */
static ob_code record_json(const wallet_rec *r, ob_buf *out, ob_error *err)
{
	json_t *o = json_object();
	int bad = !o;

	if (!bad) {
		bad |= json_object_set(o, "id", json_object_get(r->summary, "id"));
		bad |= json_object_set(o, "summary", r->summary);
		bad |= json_object_set_new(o, "credential", json_stringn(r->raw.data ? r->raw.data : "",
									  r->raw.len));
		bad |= json_object_set(o, "report", r->report);
	}
	if (bad || ob_json_write(out, o, OB_JSON_PRETTY) < 0 || ob_buf_addc(out, '\n') < 0) {
		json_decref(o);
		return ob_fail(err, OB_ENOMEM, "cannot write the record as JSON");
	}
	json_decref(o);
	return OB_OK;
}

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "baked", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ob_error err = { 0 };
	wallet w = { 0 };
	wallet_rec r = { 0 };
	ob_buf out = OB_BUF_INIT;
	const char *image = NULL, *path = NULL, *id;
	char *img = NULL;
	size_t ilen = 0;
	int c, json = 0, force = 0;

	while ((c = ob_opts_getopt(argc, argv, ":o:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'b': image = optarg; break;
		case 'o': path = optarg; break;
		case 'f': force = 1; break;
		case 'h': return ob_cli_help();
		default: return wallet_bad_option(c, argv);
		}
	}
	if (argc - optind != 1)
		return ob_cli_usage(ob_cli_current(), argc - optind ? "one credential at a time" :
				    "which credential? (see 'ob-wallet list')");
	if (json && image)
		return ob_cli_usage(ob_cli_current(), "--json and --baked do not go together");
	if (image && !path)
		return ob_cli_usage(ob_cli_current(), "--baked needs -o OUT for the baked image");
	id = argv[optind];
	if (image && ob_file_read(image, 64u << 20, &img, &ilen, &err))
		goto out;
	if (wallet_unlock(&w, &err) ||
	    wallet_rec_find(&w, id, WREC_RAW | (json ? WREC_REPORT : 0), &r, &err))
		goto out;
	if (json) {
		if (record_json(&r, &out, &err))
			goto out;
	} else if (image) {
		if (ob_bake(img, ilen, r.raw.data ? r.raw.data : "", r.raw.len, &out, &err))
			goto out;
	} else if (ob_buf_add(&out, r.raw.data ? r.raw.data : "", r.raw.len) < 0) {
		/* byte for byte what add was given: a signature covers these bytes */
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto out;
	}
	ob_cli_output(path, out.data ? out.data : "", out.len, force, &err);
	if (!err.code && image)
		fprintf(stderr, "%s: baked %s into %s\n", ob_cli_prog(), id, path);
out:
	free(img);
	ob_buf_release_secret(&out);
	wallet_rec_release(&r);
	wallet_close(&w);
	return err.code ? ob_cli_fail(&err) : 0;
}
