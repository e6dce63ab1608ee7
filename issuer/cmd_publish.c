/* publish DIR [--base-url URL]: the static site verifiers read.
 *
 * Every file has a URL; it is written at DIR/<the URL less the site's
 * base URL>. The base is --base-url, else the origin (https://HOST[:PORT]/)
 * of the issuer's URL, so DIR is the web server's document root:
 *   did:web DID document  https://HOST/.well-known/did.json or
 *                         https://HOST/PATH/did.json
 *   status lists          BASE/status/revocation/N.json,
 *                         BASE/status/suspension/N.json,
 *                         BASE/status/message/N.json (signed)
 *   issuer profile        BASE/issuer.json
 *   achievements          at the achievement's own id (URL/achievements/ID,
 *                         no extension, so the id a credential names
 *                         resolves), and at BASE/achievements/ID.json as
 *                         before (links made to it keep working)
 * (BASE: https://HOST[/PATH] for did:web, else the profile url). Each line
 * of stdout is URL=FILE, ready for `ob-verifier verify --doc`; stderr ends
 * with the content types and cache lifetimes the web server should give
 * each kind of file (--json: one object with all of it). Files are
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
#include "specs.h"
#include "roster.h"
#include "canon/jcs.h"
#include "base/json.h"
#include "vc/status.h"

/* What a web server must send with each kind of file: verifiers fetch
 * them through JSON-LD document loaders, from other origins (a browser
 * wallet, the employer's page), so every file also needs CORS. */
enum { K_DID, K_STATUS, K_PROFILE, K_ACH, K_NKINDS };
static const struct {
	const char *what, *type, *cache;
} kinds[K_NKINDS] = {
	/* DID Core 6.3: the JSON-LD representation (it has an @context) */
	[K_DID] = { "DID document", "application/did+ld+json", "public, max-age=3600" },
	/* VCDM 2.0 6.3: a credential secured with an embedded proof; short:
	 * a revocation reaches verifiers within five minutes */
	[K_STATUS] = { "status lists", "application/vc", "public, max-age=300" },
	[K_PROFILE] = { "issuer profile", "application/json", "public, max-age=86400" },
	[K_ACH] = { "achievements", "application/json", "public, max-age=86400" },
};

struct site {
	const char *dir, *root; /* root: the URL DIR stands for, ends in '/' */
	int nfiles;
	int json;               /* --json: files go to `files`, not stdout */
	json_t *files;
	char *example[K_NKINDS]; /* a path of each kind, relative to DIR */
	int count[K_NKINDS];
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

static ob_code put(struct site *s, int kind, const char *url, const char *text, size_t len, ob_error *err)
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
	if (!(path = issuer_path_join(s->dir, rel)))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	if (!(rc = mkdirs(path, err)))
		sweep_temps(path);
	if (!rc && !(rc = ob_write_file_atomic(path, text, len, 0644, 1, err))) {
		if (s->json) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "url", url, "file", path, "contentType",
					      kinds[kind].type, "cacheControl", kinds[kind].cache);
			if (!o || json_array_append_new(s->files, o))
				rc = ob_fail(err, OB_ENOMEM, "out of memory");
		} else
			printf("%s=%s\n", url, path);
		s->nfiles++;
		s->count[kind]++;
		if (!s->example[kind] && !(s->example[kind] = strdup(rel)))
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	}
	free(path);
	return rc;
}

static ob_code put_json(struct site *s, int kind, const char *url, const json_t *doc, ob_error *err)
{
	ob_buf b = OB_BUF_INIT;
	ob_code rc;

	if (ob_json_write(&b, doc, OB_JSON_PRETTY) < 0 || ob_buf_addc(&b, '\n') < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		rc = put(s, kind, url, b.data, b.len, err);
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
		rc = put(s, K_STATUS, url, out.data, out.len, err);
	else if (!rc)
		rc = err->code;
	json_decref(c);
	ob_buf_release(&out);
	free(url);
	return rc;
}

/* The message list of list number list (what issue --suspension's one
 * entry names): 2 bits per slot, OB_STATUS_MSG_* of its credential, from
 * the two bitsets the revocation and suspension lists are made of (a
 * revoked credential stays revoked, suspended or not). */
static ob_code publish_message_list(struct site *s, issuer_state *st, const char *base, long list,
				    unsigned char *bits, ob_error *err)
{
	const size_t n = OB_STATUS_LIST_SIZE / 8;
	char *url = issuer_status_url(base, "message", list), now[32];
	unsigned char *sus = malloc(n), *msg = calloc(OB_STATUS_MSG_SIZE, n);
	ob_sign_opts so = { 0 };
	json_t *c = NULL;
	ob_buf out = OB_BUF_INIT;
	size_t i;
	ob_code rc;

	if (!url || !sus || !msg) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = issuer_db_status_bits(st->db, list, 0, bits, err)) ||
	    (rc = issuer_db_status_bits(st->db, list, 1, sus, err)))
		goto out;
	for (i = 0; i < OB_STATUS_LIST_SIZE; i++)
		if (ob_status_get(bits, i) || ob_status_get(sus, i))
			ob_status_set_n(msg, i, OB_STATUS_MSG_SIZE,
					ob_status_get(bits, i) ? OB_STATUS_MSG_REVOKED : OB_STATUS_MSG_SUSPENDED);
	ob_date_format(time(NULL), now);
	so.verification_method = st->vm;
	/* no statusSize in the list's subject: the VC 2.0 context defines
	 * none there (only on the entry, which says 2), and a term the
	 * context does not define cannot be signed */
	if (!(c = ob_status_list_credential(url, st->did, "message", now, msg, OB_STATUS_MSG_SIZE * n, err)) ||
	    (rc = ob_issue_sign(c, st->key, &so, &out, err)))
		rc = err->code;
	else
		rc = put(s, K_STATUS, url, out.data, out.len, err);
out:
	json_decref(c);
	ob_buf_release(&out);
	free(url);
	free(sus);
	free(msg);
	return rc;
}

struct lists {
	struct site *s;
	issuer_state *st;
	const char *base;
	unsigned char *bits;
};

/* A list with suspendable slots has three files: the message list its
 * credentials issued with --suspension name now, and the revocation and
 * suspension lists the pair of entries that --suspension gave before
 * names; those credentials are out there and must keep verifying. */
static ob_code publish_list_pair(long list, int suspendable, void *ctx, ob_error *err)
{
	struct lists *l = ctx;
	ob_code rc = publish_list(l->s, l->st, l->base, list, 0, l->bits, err);

	if (!rc && suspendable)
		rc = publish_list(l->s, l->st, l->base, list, 1, l->bits, err);
	if (!rc && suspendable)
		rc = publish_message_list(l->s, l->st, l->base, list, l->bits, err);
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

	const char *aid;

	ob_buf_truncate(&c->url, 0);
	ob_buf_addf(&c->url, "%s/achievements/%s.json", c->base, id);
	if (!a)
		rc = err->code;
	else if (c->url.oom)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else
		rc = put_json(c->s, K_ACH, c->url.data, a, err);
	/* the id credentials carry (URL/achievements/ID) resolves to the
	 * same document; an id elsewhere (another site, a urn:) is not ours
	 * to publish */
	aid = ob_json_str(a, "id");
	if (!rc && aid && strcmp(aid, c->url.data) && !strncmp(aid, c->s->root, strlen(c->s->root))) {
		ob_error e = { 0 };
		if (put_json(c->s, K_ACH, aid, a, &e)) {
			if (e.code == OB_ENOMEM)
				rc = ob_fail(err, e.code, "%s", e.msg);
			else
				fprintf(stderr, "ob-issuer: warning: achievement %s is not published at its id: %s\n", id, e.msg);
		}
	}
	json_decref(a);
	return rc;
}

/* The table a web server's configuration follows (stderr), or the same
 * in the --json object. */
static void serving_table(const struct site *s)
{
	int k;

	fprintf(stderr, "ob-issuer: serve these files with (and every one with 'Access-Control-Allow-Origin: *'):\n");
	fprintf(stderr, "  %-36s  %-24s  %s\n", "FILE (under DIR)", "Content-Type", "Cache-Control");
	for (k = 0; k < K_NKINDS; k++) {
		char pat[300];
		if (!s->example[k])
			continue;
		/* the kind's files by one pattern: status/revocation/1.json
		 * stands for status/<purpose>/<N>.json */
		if (k == K_STATUS) {
			const char *p = strstr(s->example[k], "status/");
			snprintf(pat, sizeof(pat), "%.*sstatus/*/*.json", p ? (int)(p - s->example[k]) : 0, s->example[k]);
		} else if (k == K_ACH) {
			const char *p = strstr(s->example[k], "achievements/");
			snprintf(pat, sizeof(pat), "%.*sachievements/*", p ? (int)(p - s->example[k]) : 0, s->example[k]);
		} else
			snprintf(pat, sizeof(pat), "%s", s->example[k]);
		fprintf(stderr, "  %-36s  %-24s  %s\n", pat, kinds[k].type, kinds[k].cache);
	}
	if (s->example[K_ACH])
		fprintf(stderr, "  (achievements/ID has no extension: give that directory %s; see README, \"Hosting the site\")\n",
			kinds[K_ACH].type);
}

static json_t *serving_json(const struct site *s)
{
	json_t *arr = json_array();
	int k;

	for (k = 0; arr && k < K_NKINDS; k++)
		if (s->count[k])
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:i}", "kind", kinds[k].what,
							     "example", s->example[k], "contentType", kinds[k].type,
							     "cacheControl", kinds[k].cache, "files", s->count[k]));
	return json_pack("{s:s, s:s, s:i, s:o, s:o, s:{s:s}}", "dir", s->dir, "root", s->root, "published", s->nfiles,
			 "files", json_incref(s->files), "contentTypes", arr, "headers",
			 "Access-Control-Allow-Origin", "*");
}

static ob_code publish_catalog(struct site *s, issuer_state *st, const char *base, ob_error *err)
{
	struct catalog_site c = { s, base, OB_BUF_INIT };
	ob_code rc = issuer_db_achievements_each(st->db, publish_achievement, &c, err);

	ob_buf_release(&c.url);
	return rc;
}

static const struct ob_cmd_opt publish_opts[] = {
	{ "base-url", 0, "URL", "the URL DIR will be served at (default the issuer's)", 'b', 0 },
	{ "json", 0, NULL, "print one JSON object: the files written and their URLs", 'j', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec publish_spec = {
	"publish", cmd_publish, "DIR", publish_opts, NULL,
	"Writes the site verifiers fetch into DIR: status lists, the DID or issuer\n"
	"document, the achievements and keys.", NULL,
};

int cmd_publish(int argc, char **argv)
{
	const char *base_opt = NULL, *p;
	issuer_state st;
	struct site site = { 0 };
	ob_error err = { 0 };
	ob_buf root = OB_BUF_INIT, url = OB_BUF_INIT;
	json_t *doc = NULL;
	char *base = NULL, *staged_vm = NULL;
	long staged_id = 0;
	int c, rc = 0, opened = 0, activated, in_snap = 0;

	while ((c = ob_cmd_getopt(&publish_spec, argc, argv)) != -1) {
		switch (c) {
		case 'b': base_opt = optarg; break;
		case 'j': site.json = 1; break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind + 1 != argc)
		return ob_cli_usage(ob_cli_current(), optind == argc ? "publish needs a directory" :
				    "unexpected argument '%s'", argv[optind + 1]);
	if (base_opt && strncmp(base_opt, "https://", 8) && strncmp(base_opt, "http://", 7))
		return ob_cli_usage(ob_cli_current(), "--base-url must be an http(s) URL, got '%s'", base_opt);
	if (site.json && !(site.files = json_array())) {
		ob_fail(&err, OB_ENOMEM, "out of memory");
		goto fail;
	}
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
	/* one snapshot: with several issuing nodes the lists, the catalog and
	 * the keys are those of one moment */
	if (issuer_db_snapshot_begin(st.db, &err))
		goto fail;
	in_snap = 1;
	if (!strncmp(st.did, "did:web:", 8)) {
		if (issuer_db_key_staged(st.db, &staged_id, &staged_vm, &err) || ob_did_web_url(st.did, &url, &err) ||
		    !(doc = issuer_did_document(&st, &err)) || put_json(&site, K_DID, url.data, doc, &err))
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
	if (put_json(&site, K_PROFILE, url.data, st.profile, &err) || publish_catalog(&site, &st, base, &err))
		goto fail;
	in_snap = 0;
	if (issuer_db_read_end(st.db, &err))
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
	if (site.json) {
		json_t *o = serving_json(&site);
		char *s = o ? ob_json_dumps(o, OB_JSON_PRETTY) : NULL;
		json_decref(o);
		if (!s) {
			ob_fail(&err, OB_ENOMEM, "out of memory");
			goto fail;
		}
		printf("%s\n", s);
		free(s);
	} else
		serving_table(&site);
	goto out;
fail:
	if (in_snap)
		issuer_db_rollback(st.db);
	rc = ob_cli_fail(&err);
out:
	for (c = 0; c < K_NKINDS; c++)
		free(site.example[c]);
	json_decref(site.files);
	json_decref(doc);
	ob_buf_release(&root);
	ob_buf_release(&url);
	free(base);
	free(staged_vm);
	if (opened)
		issuer_close(&st);
	return rc;
}
