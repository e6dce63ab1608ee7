/* netopts: the network options ob-verifier and ob-wallet share, parsed
 * the same way by every command that fetches:
 *
 *   --doc URL=FILE     answer URL from FILE, never fetching it (repeatable)
 *   --offline          no network: the --doc files, the shipped contexts
 *                      and, for the verifier, its disk cache
 *   --cacert FILE      CAs to trust besides the system's
 *   --timeout SECONDS  per fetch (more than 0, at most 600)
 *   --no-cache         leave the disk cache alone (the wallet and serve
 *                      keep none) */
#ifndef OB_NETOPTS_H
#define OB_NETOPTS_H

#include <stddef.h>

#include "base/err.h"
#include "cli/opts.h"
#include "io/http.h"
#include "io/loader.h"

/* getopt_long values, clear of every command's letters */
enum { OB_NETOPT_DOC = 0x100, OB_NETOPT_OFFLINE, OB_NETOPT_CACERT, OB_NETOPT_TIMEOUT,
       OB_NETOPT_NO_CACHE };

#define OB_NETOPTS_LONGOPTS \
	{ "doc", required_argument, NULL, OB_NETOPT_DOC }, \
	{ "offline", no_argument, NULL, OB_NETOPT_OFFLINE }, \
	{ "cacert", required_argument, NULL, OB_NETOPT_CACERT }, \
	{ "timeout", required_argument, NULL, OB_NETOPT_TIMEOUT }, \
	{ "no-cache", no_argument, NULL, OB_NETOPT_NO_CACHE }

/* The same, as entries of a command's option table (cli/opts.h). */
#define OB_NETOPTS_TABLE \
	{ "doc", 0, "URL=FILE", "answer URL from FILE, never fetching it", OB_NETOPT_DOC, OB_OPT_REPEAT }, \
	{ "offline", 0, NULL, "no network", OB_NETOPT_OFFLINE, 0 }, \
	{ "cacert", 0, "FILE", "CAs to trust besides the system's", OB_NETOPT_CACERT, 0 }, \
	{ "timeout", 0, "SECONDS", "per fetch (more than 0, at most 600)", OB_NETOPT_TIMEOUT, 0 }, \
	{ "no-cache", 0, NULL, "leave the disk cache alone", OB_NETOPT_NO_CACHE, 0 }

/* The same, as global options (cli/opts.h) of a tool. */
#define OB_NETOPTS_GLOBALS \
	{ "doc", 0, "URL=FILE", NULL, "answer URL from FILE, never fetching it" }, \
	{ "offline", 0, NULL, NULL, "no network" }, \
	{ "cacert", 0, "FILE", NULL, "CAs to trust besides the system's" }, \
	{ "timeout", 0, "SECONDS", NULL, "per fetch (more than 0, at most 600)" }, \
	{ "no-cache", 0, NULL, NULL, "leave the disk cache alone" }

struct ob_netopts {
	ob_http_opts http;  /* --offline, --cacert, --timeout */
	ob_loader *loader;  /* the --doc map (owned); ob_netopts_connect adds HTTP */
	const char **docs;  /* the --doc specs in order (strings borrowed from argv) */
	size_t ndocs;
	int no_cache;
	char *cache;        /* the disk cache directory in use, or NULL */
};

/* 0, or the exit code (out of memory), reported. ob_netopts_release it
 * either way. */
int ob_netopts_init(struct ob_netopts *n);
/* Takes getopt_long's answer c with its optarg: -1 when c is not one of
 * OB_NETOPTS_LONGOPTS, 0 when taken, else the exit code of a usage error,
 * reported. A --doc file is checked here. */
int ob_netopts_option(struct ob_netopts *n, int c, const char *arg);
/* After the options: checks --cacert. 0 or the exit code, reported. */
int ob_netopts_check(struct ob_netopts *n);
/* Connects n->loader to the network. With cache: through the disk cache
 * (unless --no-cache), --offline keeping to the cache; without: no cache,
 * and --offline means no HTTP at all (a wallet must not leave credentials
 * in clear in ~/.cache). */
ob_code ob_netopts_connect(struct ob_netopts *n, int cache, ob_error *err);
void ob_netopts_release(struct ob_netopts *n);

#endif
