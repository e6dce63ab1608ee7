/* publish DIR [--base-url URL]: the static site verifiers read.
 *
 * Every file has a URL; it is written at DIR/<the URL less the site's
 * base URL>. The base is --base-url, else the origin (https://HOST[:PORT]/)
 * of the issuer's URL, so DIR is the web server's document root:
 *   did:web DID document  https://HOST/.well-known/did.json or
 *                         https://HOST/PATH/did.json
 *   status lists          BASE/status/revocation/N.json,
 *                         BASE/status/suspension/N.json (signed)
 *   issuer profile        BASE/issuer.json
 *   achievements          BASE/achievements/ID.json
 * (BASE: https://HOST[/PATH] for did:web, else the profile url). Each line
 * of stdout is URL=FILE, ready for `ob-verifier verify --doc`. Files are
 * written atomically (temp, fsync, rename).
 *
 * The DID document lists every key, the one 'key rotate' staged too; only
 * once the whole site is written does that key become the signing key
 * (the old one stays listed). A publish that fails or is killed before
 * that leaves it staged, so nothing is signed by a key the site lacks. */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "proof/did.h"
#include "base/fsutil.h"
#include "vc/issue.h"
#include "issuer.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "vc/status.h"

struct site {
	const char *dir, *root; /* root: the URL DIR stands for, ends in '/' */
	int nfiles;
};

/* mkdir -p with 0755: a site is for the world to read */
static ob_code mkdirs(const char *path, ob_error *err)
{
	char *p = strdup(path), *s;

	if (!p)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			ob_fail(err, OB_EIO, "cannot create '%s': %s", p, strerror(errno));
			free(p);
			return OB_EIO;
		}
		*s = '/';
	}
	free(p);
	return OB_OK;
}

/* A publish killed mid-write leaves "FILE.tmp.XXXXXX" (ob_write_file_atomic)
 * beside FILE; the next publish of FILE sweeps them away, so the web root
 * never keeps them. Only names of exactly that shape are removed. */
static void sweep_temps(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
	size_t n = strlen(base);
	struct dirent *de;
	DIR *d;

	if (!dir || !(d = opendir(dir))) {
		free(dir);
		return;
	}
	while ((de = readdir(d)))
		if (strlen(de->d_name) == n + 11 && !strncmp(de->d_name, base, n) &&
		    !strncmp(de->d_name + n, ".tmp.", 5))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	free(dir);
}

static ob_code put(struct site *s, const char *url, const char *text, size_t len, ob_error *err)
{
	size_t n = strlen(s->root);
	const char *rel;
	char *path = NULL;
	ob_code rc;

	if (strncmp(url, s->root, n) != 0)
		return ob_fail(err, OB_EUSAGE, "%s is outside the site %s (see --base-url)", url, s->root);
	rel = url + n;
	/* the URL's path must stay inside DIR */
	if (!*rel || strstr(rel, "..") || strchr(rel, '?') || strchr(rel, '#') || strchr(rel, '\\'))
		return ob_fail(err, OB_EUSAGE, "cannot publish %s: unsafe path", url);
	if (!(path = ob_path_join(s->dir, rel)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!(rc = mkdirs(path, err)))
		sweep_temps(path);
	if (!rc && !(rc = ob_write_file_atomic(path, text, len, 0644, 1, err))) {
		printf("%s=%s\n", url, path);
		s->nfiles++;
	}
	free(path);
	return rc;
}

static ob_code put_json(struct site *s, const char *url, const json_t *doc, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	ob_code rc;

	if (ob_json_write(&b, doc, OB_JSON_PRETTY) < 0 || ob_buf_addc(&b, '\n') < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		rc = put(s, url, b.data, b.len, err);
	ob_buf_release(&b);
	return rc;
}

static ob_code publish_list(struct site *s, issuer_state *st, const char *base, long list,
			    int suspension, unsigned char *bits, ob_error *err)
{
	const char *purpose = suspension ? "suspension" : "revocation";
	char *url = issuer_status_url(base, purpose, list), now[32];
	ob_sign_opts so = { 0 };
	json_t *c = NULL;
	ob_buf out = OB_BUF_INIT;
	ob_code rc;

	if (!url)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	ob_date_format(time(NULL), now);
	so.verification_method = st->vm;
	if (!(rc = issuer_db_status_bits(st->db, list, suspension, bits, err)) &&
	    (c = ob_status_list_credential(url, st->did, purpose, now, bits, OB_STATUS_LIST_SIZE / 8, err)) &&
	    !(rc = ob_issue_sign(c, st->key, &so, &out, err)))
		rc = put(s, url, out.data, out.len, err);
	else if (!rc)
		rc = err->code;
	json_decref(c);
	ob_buf_release(&out);
	free(url);
	return rc;
}

struct lists {
	struct site *s;
	issuer_state *st;
	const char *base;
	unsigned char *bits;
};

static ob_code publish_list_pair(long list, int suspendable, void *ctx, ob_error *err)
{
	struct lists *l = ctx;
	ob_code rc = publish_list(l->s, l->st, l->base, list, 0, l->bits, err);

	if (!rc && suspendable)
		rc = publish_list(l->s, l->st, l->base, list, 1, l->bits, err);
	return rc;
}

static ob_code publish_lists(struct site *s, issuer_state *st, const char *base, ob_error *err)
{
	struct lists l = { s, st, base, malloc(OB_STATUS_LIST_SIZE / 8) };
	ob_code rc;

	if (!l.bits)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = issuer_db_status_lists_each(st->db, publish_list_pair, &l, err);
	free(l.bits);
	return rc;
}

struct catalog_site {
	struct site *s;
	const char *base;
	ob_buf url;
};

static ob_code publish_achievement(const char *id, const char *text, size_t len, void *ctx, ob_error *err)
{
	struct catalog_site *c = ctx;
	json_t *a = ob_json_parse(text, len, err);
	ob_code rc;

	ob_buf_truncate(&c->url, 0);
	ob_buf_addf(&c->url, "%s/achievements/%s.json", c->base, id);
	if (!a)
		rc = err->code;
	else if (c->url.oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		rc = put_json(c->s, c->url.data, a, err);
	json_decref(a);
	return rc;
}

static ob_code publish_catalog(struct site *s, issuer_state *st, const char *base, ob_error *err)
{
	struct catalog_site c = { s, base, OB_BUF_INIT };
	ob_code rc = issuer_db_achievements_each(st->db, publish_achievement, &c, err);

	ob_buf_release(&c.url);
	return rc;
}

int cmd_publish(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base-url", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base_opt = NULL, *p;
	issuer_state st;
	struct site site = { 0 };
	ob_error err = { 0 };
	ob_buf root = OB_BUF_INIT, url = OB_BUF_INIT;
	json_t *doc = NULL;
	char *base = NULL, *staged_vm = NULL;
	long staged_id = 0;
	int c, rc = 0, opened = 0, activated;

	while ((c = ob_opts_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': base_opt = optarg; break;
		case 'h': return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind + 1 != argc)
		return ob_cli_usage(ob_cli_current(), optind == argc ? "publish needs a directory" :
				    "unexpected argument '%s'", argv[optind + 1]);
	if (base_opt && strncmp(base_opt, "https://", 8) && strncmp(base_opt, "http://", 7))
		return ob_cli_usage(ob_cli_current(), "--base-url must be an http(s) URL, got '%s'", base_opt);
	if (issuer_open(&st, 1, &err))
		goto fail;
	opened = 1;
	if (!(base = issuer_base_url(&st, &err)))
		goto fail;
	if (base_opt)
		ob_buf_adds(&root, base_opt);
	else {
		/* the origin: scheme://authority */
		p = strchr(strstr(base, "://") + 3, '/');
		ob_buf_add(&root, base, p ? (size_t)(p - base) : strlen(base));
	}
	if (!root.len || root.data[root.len - 1] != '/')
		ob_buf_addc(&root, '/');
	if (root.oom || ob_mkdir_p(argv[optind], &err)) {
		if (!err.code)
			ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	site.dir = argv[optind];
	site.root = root.data;
	if (!strncmp(st.did, "did:web:", 8)) {
		if (issuer_db_key_staged(st.db, &staged_id, &staged_vm, &err) || ob_did_web_url(st.did, &url, &err) ||
		    !(doc = issuer_did_document(&st, &err)) || put_json(&site, url.data, doc, &err))
			goto fail;
	}
	if (publish_lists(&site, &st, base, &err))
		goto fail;
	ob_buf_truncate(&url, 0);
	ob_buf_addf(&url, "%s/issuer.json", base);
	if (url.oom) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (put_json(&site, url.data, st.profile, &err) || publish_catalog(&site, &st, base, &err))
		goto fail;
	fprintf(stderr, "ob-issuer: published %d files in %s for %s\n", site.nfiles, site.dir, site.root);
	/* the whole site is on disk: the staged key may sign from now on */
	if (staged_id) {
		if (issuer_db_key_activate(st.db, staged_id, &activated, &err))
			goto fail;
		if (activated)
			fprintf(stderr, "ob-issuer: %s signs from now on (%s stays in the DID document);"
				" put the site online before issuing again\n", staged_vm, st.vm);
	}
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	json_decref(doc);
	ob_buf_release(&root);
	ob_buf_release(&url);
	free(base);
	free(staged_vm);
	if (opened)
		issuer_close(&st);
	return rc;
}
