/* ob-verifier serve: its options and its start. The server itself is in
 * serve_http.c (requests), serve_answer.c (verifying) and serve_pool.c
 * (the worker processes); serve.h tells the whole story. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dates.h"
#include "cli/cli.h"
#include "cli/netopts.h"
#include "cmds.h"
#include "oid4vp.h"
#include "page.h"
#include "serve.h"
#include "vc/oid4vp.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_MAX_BODY (4u * 1024 * 1024)
#define DEFAULT_CACHE_MAX (64u * 1024 * 1024)
#define MAX_THREADS 256
#define CONNECTION_LIMIT 1024
#define PER_IP_LIMIT 128      /* one client cannot take every slot */
#define CONNECTION_TIMEOUT 15 /* seconds idle: slowloris clients are cut off */
#define REFUSED_EVERY 10      /* seconds between "refused" summaries */

/* MHD's own messages; quiet until the server runs, since a failed start
 * gets our one-line error instead. */
static volatile sig_atomic_t running;

/* Connections refused at the connection limits are counted and told
 * in one line per REFUSED_EVERY seconds, not one each (a flood would
 * otherwise be a flood of lines). */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long refused;
static time_t refused_told;

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	time_t now;

	(void)cls;
	if (!running)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!strstr(msg, "connection limit")) {
		fprintf(stderr, "%s: %s", ob_cli_prog(), msg);
		return;
	}
	now = time(NULL);
	pthread_mutex_lock(&log_lock);
	refused++;
	if (now - refused_told >= REFUSED_EVERY) {
		char since[48] = "";

		if (refused_told)
			snprintf(since, sizeof(since), " in the last %ld s", (long)(now - refused_told));
		fprintf(stderr, "%s: %lu connection%s refused at the connection limits (%u in all, %u per "
			"address)%s; the next count in %d s\n", ob_cli_prog(), refused, refused == 1 ? "" : "s",
			(unsigned)CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT, since, REFUSED_EVERY);
		refused = 0;
		refused_told = now;
	}
	pthread_mutex_unlock(&log_lock);
}

/* ---- startup ---- */

/* "HOST:PORT" or "[V6]:PORT" to a socket address. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen)
{
	char host[256];
	const char *colon, *port;
	struct addrinfo hints = { 0 }, *res = NULL;
	size_t n;

	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');
		if (!rb || rb[1] != ':')
			return -1;
		n = (size_t)(rb - spec - 1);
		if (n >= sizeof(host))
			return -1;
		memcpy(host, spec + 1, n);
		port = rb + 2;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return -1;
		n = (size_t)(colon - spec);
		if (n >= sizeof(host))
			return -1;
		memcpy(host, spec, n);
		port = colon + 1;
	}
	host[n] = '\0';
	if (!*host || !*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		return -1;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) || !res)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1024 * 1024, end++;
	if (*end || v == 0 || v > (1ull << 30))
		return -1;
	*out = (size_t)v;
	return 0;
}

/* What the options set besides struct server. */
struct start {
	const char *listen;
	struct sockaddr_storage ss;
	socklen_t sslen;
	long threads;
	int allow_private;
	int worker;           /* --worker: this is a worker process */
	const char *cache_dir; /* --cache-dir, or NULL: the user's cache */
	size_t cache_max;     /* --cache-max */
	int client_did;       /* --client-id did: signed OpenID4VP requests */
	const char *client_key; /* --client-key FILE */
};

/* One option (getopt_long's c, with optarg). 0, or the exit code of a
 * usage error, reported. */
static int option(int c, struct server *s, struct start *st, ob_registry *reg)
{
	ob_error err = { 0 };
	char *end;

	switch (c) {
	case 'l': st->listen = optarg; return 0;
	case 't':
		st->threads = strtol(optarg, &end, 10);
		if (*end || end == optarg || st->threads < 1 || st->threads > MAX_THREADS)
			return ob_cli_usage(ob_cli_current(), "invalid --threads '%s' (1 to %d)", optarg, MAX_THREADS);
		return 0;
	case 'm':
		if (parse_size(optarg, &s->max_body))
			return ob_cli_usage(ob_cli_current(), "invalid --max-body '%s' (bytes, K or M; at most 1 GiB)", optarg);
		return 0;
	case 'n':
		if (ob_date_parse(optarg, &s->now, NULL) < 0)
			return ob_cli_usage(ob_cli_current(), "invalid --now '%s' (want e.g. 2026-01-01T00:00:00Z)", optarg);
		return 0;
	case 'P': st->allow_private = 1; return 0;
	case 'C': st->cache_dir = optarg; return 0;
	case 'X':
		if (parse_size(optarg, &st->cache_max))
			return ob_cli_usage(ob_cli_current(), "invalid --cache-max '%s' (bytes, K or M; at most 1 GiB)", optarg);
		return 0;
	case 'S': s->strict = 1; return 0;
	case 'Y': s->require_trusted = 1; return 0;
	case 'W': st->worker = 1; return 0;
	case 'I':
		if (strcmp(optarg, "did") && strcmp(optarg, "redirect_uri"))
			return ob_cli_usage(ob_cli_current(), "invalid --client-id '%s' (redirect_uri or did)", optarg);
		st->client_did = !strcmp(optarg, "did");
		return 0;
	case 'K': st->client_key = optarg; return 0;
	case 'r':
		if (ob_registry_add_file(reg, optarg, &err))
			return ob_cli_fail(&err);
		return 0;
	default: return ob_cli_usage(ob_cli_current(), "invalid option");
	}
}

static const struct ob_cmd_opt serve_opts[] = {
	{ "listen", 0, "ADDR:PORT", "where to listen (default 127.0.0.1:8080; port 0 picks one)", 'l', 0 },
	{ "threads", 0, "N", "connection threads and worker processes (default: processors)", 't', 0 },
	{ "max-body", 0, "BYTES", "largest request body (default 4M; K or M suffix)", 'm', 0 },
	{ "now", 0, "T", "check as of time T (e.g. 2026-01-01T00:00:00Z)", 'n', 0 },
	{ "offline", 0, NULL, "no network: --doc files and shipped contexts only", OB_NETOPT_OFFLINE, 0 },
	{ "cacert", 0, "FILE", "CAs to trust besides the system's", OB_NETOPT_CACERT, 0 },
	{ "timeout", 0, "SECONDS", "per fetch (more than 0, at most 600)", OB_NETOPT_TIMEOUT, 0 },
	{ "cache-dir", 0, "DIR", "this instance's fetch cache (default $XDG_CACHE_HOME/obkit/http)", 'C', 0 },
	{ "cache-max", 0, "BYTES", "the fetch cache's budget, oldest entries pruned (default 64M)", 'X', 0 },
	{ "no-cache", 0, NULL, "no fetch cache: every status list and DID document is fetched", OB_NETOPT_NO_CACHE, 0 },
	{ "allow-private", 0, NULL, "let links and DIDs reach loopback and private addresses", 'P', 0 },
	{ "strict", 0, NULL, "a conformance error makes the verdict invalid, not a warning", 'S', 0 },
	{ "require-trusted-issuer", 0, NULL, "a self-asserted issuer identity leaves the verdict undecided", 'Y', 0 },
	{ "registry", 0, "FILE", "an issuer registry or trusted-issuer list", 'r', OB_OPT_REPEAT },
	{ "doc", 0, "URL=FILE", "answer URL from FILE, never fetching it", OB_NETOPT_DOC, OB_OPT_REPEAT },
	{ "client-id", 0, "KIND", "how OpenID4VP requests name this verifier: redirect_uri (unsigned, the default) "
	  "or did (signed by --client-key's did:key)", 'I', 0 },
	{ "client-key", 0, "FILE", "with --client-id did: the signing key (made, 0600, when missing; default "
	  "$XDG_DATA_HOME/obkit/verifier/client-key.json)", 'K', 0 },
	{ "worker", 0, NULL, "internal: see serve_worker_main", 'W', OB_OPT_HIDDEN },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec serve_spec = {
	"serve", cmd_serve, NULL, serve_opts, NULL,
	"Runs the verification web page (GET /, POST /verify, GET /verify?url=)\n"
	"and the JSON API (POST /api/verify) until SIGINT or SIGTERM.",
	NULL,
};

/* The command line into s, st and net. -1 to go on, else the exit code
 * (reported; 0 after --help). */
static int options(int argc, char **argv, struct server *s, struct start *st, struct ob_netopts *net,
		   ob_registry *reg)
{
	int c, rc;

	while ((c = ob_cmd_getopt(&serve_spec, argc, argv)) != -1) {
		if (c == OB_OPT_HELP)
			return ob_cli_help();
		if ((rc = ob_netopts_option(net, c, optarg)) < 0)
			rc = option(c, s, st, reg);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	/* the page fetches what strangers point it at (links, did:web,
	 * status lists): never into this host's own networks, checked where
	 * the connection is made, unless an intranet deployment asks */
	s->http = net->http;
	s->http.public_only = !st->allow_private;
	/* the instance's fetch cache (HTTP caching: max-age, no-store, ETag
	 * revalidation), within its budget: several instances behind a load
	 * balancer each keep their own */
	if (!net->no_cache) {
		ob_error e = { 0 };
		if (!st->cache_dir && !(st->cache_dir = net->cache = ob_http_cache_dir(&e)))
			return ob_cli_usage(ob_cli_current(), "%s", e.msg);
		s->http.cache_dir = st->cache_dir;
		s->http.cache_max_bytes = st->cache_max ? st->cache_max : DEFAULT_CACHE_MAX;
	}
	s->docs = net->docs;
	s->ndocs = net->ndocs;
	if ((rc = ob_netopts_check(net)))
		return rc;
	if (parse_listen(st->listen, &st->ss, &st->sslen))
		return ob_cli_usage(ob_cli_current(), "invalid --listen '%s' (want HOST:PORT, e.g. 127.0.0.1:8080)",
				    st->listen);
	if (st->threads < 1)
		st->threads = 1;
	s->registries = ob_registry_count(reg) ? reg : NULL;
	return -1;
}

static struct MHD_Daemon *start_daemon(struct server *s, struct start *st)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	struct sockaddr_storage *ss = &st->ss;

	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the port is in ss; passing it too only makes MHD's messages right */
	return MHD_start_daemon(flags, ntohs(ss->ss_family == AF_INET6 ? ((struct sockaddr_in6 *)ss)->sin6_port
							: ((struct sockaddr_in *)ss)->sin_port),
				NULL, NULL, handler, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)st->threads,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
				MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				MHD_OPTION_URI_LOG_CALLBACK, serve_uri_seen, NULL,
				MHD_OPTION_END);
}

/* Starts the workers (each running wargv, taken) and the daemon, and
 * serves until SIGINT or SIGTERM. Returns the exit code. */
static int serve(struct server *s, struct start *st, char **wargv)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage *ss = &st->ss;
	struct MHD_Daemon *d = NULL;
	char addr[INET6_ADDRSTRLEN];
	ob_error err = { 0 };
	sigset_t sigs;
	int rc = 0, sig = 0;

	page_csp(); /* computed once, before the threads start */

	/* SIGINT and SIGTERM are taken by sigwait below; the workers
	 * inherit the blocked mask and never see them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* the workers inherit the mask too: Ctrl-C in a terminal stops the
	 * server, which then stops them */
	if (!(s->pool = serve_pool_new((size_t)st->threads, wargv, &err)))
		return ob_cli_fail(&err);
	if (!(d = start_daemon(s, st))) {
		rc = ob_cli_errorf(3, "cannot listen on %s: %s", st->listen,
				   errno ? strerror(errno) : "libmicrohttpd refused to start");
		goto out;
	}
	running = 1;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ss)->sin6_addr, addr, sizeof(addr));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr, addr, sizeof(addr));
	fprintf(stderr, "%s: serving on http://%s%s%s:%u/ with %ld threads (Ctrl-C stops)\n",
		ob_cli_prog(), ss->ss_family == AF_INET6 ? "[" : "", addr,
		ss->ss_family == AF_INET6 ? "]" : "", info ? (unsigned)info->port : 0, st->threads);
	fflush(stderr);

	while (sigwait(&sigs, &sig) == EINTR)
		;
	fprintf(stderr, "%s: %s, stopping\n", ob_cli_prog(), sig == SIGINT ? "interrupted" : "terminated");
out:
	/* the pool first: it answers and resumes every suspended connection */
	serve_pool_free(s->pool);
	s->pool = NULL;
	if (d)
		MHD_stop_daemon(d);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	struct server s = { 0 };
	struct start st = { 0 };
	struct ob_netopts net;
	ob_registry *reg = ob_registry_new();
	char **wargv = calloc((size_t)argc + 3, sizeof(char *));
	struct stat sb;
	int rc;

	s.max_body = DEFAULT_MAX_BODY;
	st.listen = DEFAULT_LISTEN;
	st.threads = sysconf(_SC_NPROCESSORS_ONLN);
	if ((rc = ob_netopts_init(&net)))
		goto out;
	if (!reg || !wargv) {
		rc = ob_cli_errorf(3, "out of memory");
		goto out;
	}
	/* a worker's command line: ours (before getopt_long permutes it) */
	wargv[0] = (char *)ob_cli_prog();
	memcpy(wargv + 1, argv, (size_t)argc * sizeof(char *));
	wargv[argc + 1] = "--worker";
	if ((rc = options(argc, argv, &s, &st, &net, reg)) >= 0)
		goto out;
	if (st.worker) {
		if (fstat(WORKER_FD, &sb) || !S_ISSOCK(sb.st_mode))
			rc = ob_cli_usage(ob_cli_current(), "--worker is for serve's own use");
		else
			rc = serve_worker_main(&s);
		goto out;
	}
	if (st.client_key && !st.client_did) {
		rc = ob_cli_usage(ob_cli_current(), "--client-key goes with --client-id did");
		goto out;
	}
	if (st.client_did) {
		ob_error e = { 0 };

		if (oid4vp_signer_init(st.client_key, &e)) {
			rc = ob_cli_fail(&e);
			goto out;
		}
		fprintf(stderr, "%s: OpenID4VP requests are signed as " OB_OID4VP_DID_PREFIX "%s\n", ob_cli_prog(),
			oid4vp_signer_did());
	}
	rc = serve(&s, &st, wargv);
	oid4vp_signer_free();
	wargv = NULL;
out:
	ob_netopts_release(&net);
	ob_registry_free(reg);
	free(wargv);
	return rc;
}

/* tests/fuzz/fuzz_http.c compiles this file alone (with page.o) to drive
 * handler() with no listening socket: it gets the rest of the server
 * here, until its Makefile rule links the serve_*.o objects instead.
 * (FUZZ_NOW is tests/fuzz/fuzz.h's.) */
#ifdef FUZZ_NOW
#include "serve_answer.c"
#include "serve_http.c"
#include "serve_pool.c"
#endif
