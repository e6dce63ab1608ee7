/* ob-issuer serve: the OpenID4VCI issuing service (oid4vci.h) on
 * libmicrohttpd's thread pool, plain HTTP on loopback by default: TLS
 * comes from a reverse proxy in front (README "Delivering credentials"),
 * whose https address is the credential issuer identifier
 * (--public-url). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "cli/cli.h"
#include "oid4vci.h"
#include "specs.h"

#define DEFAULT_LISTEN "127.0.0.1:8090"
#define CONNECTION_LIMIT 1024
#define PER_IP_LIMIT 64
#define CONNECTION_TIMEOUT 15 /* seconds idle: slow clients are cut off */
#define DEFAULT_TOKEN_TTL 300
#define DEFAULT_NONCE_TTL 300

static int parse_listen(const char *spec, struct sockaddr_storage *ss)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = { 0 }, *ai = NULL;
	size_t n;

	if (!colon || colon == spec || (n = (size_t)(colon - spec)) >= sizeof(host) || !colon[1])
		return -1;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &ai) || !ai)
		return -1;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

static long seconds_arg(const char *opt, const char *v, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 1 || n > max)
		return -1 - ob_cli_usage(ob_cli_current(), "%s wants seconds from 1 to %ld, got '%s'", opt, max, v);
	return n;
}

static struct MHD_Daemon *start(vci_server *s, struct sockaddr_storage *ss, unsigned threads)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	in_port_t port = ss->ss_family == AF_INET6 ? ((struct sockaddr_in6 *)ss)->sin6_port
			 : ((struct sockaddr_in *)ss)->sin_port;

	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, ntohs(port), NULL, NULL, vci_handler, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)ss,
				MHD_OPTION_THREAD_POOL_SIZE, threads,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
				MHD_OPTION_NOTIFY_COMPLETED, vci_completed, NULL,
				MHD_OPTION_END);
}

/* Serves until SIGINT or SIGTERM. */
static int run(vci_server *s, struct sockaddr_storage *ss, unsigned threads, const char *listen,
	       const char *port_file)
{
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	ob_error err = { 0 };
	sigset_t sigs;
	char num[16];
	int sig = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!(d = start(s, ss, threads)))
		return ob_cli_errorf(3, "cannot listen on %s: %s", listen,
				     errno ? strerror(errno) : "libmicrohttpd refused to start");
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(num, sizeof(num), "%u\n", info ? (unsigned)info->port : 0);
	if (port_file && ob_write_file_atomic(port_file, num, strlen(num), 0644, 1, &err)) {
		MHD_stop_daemon(d);
		return ob_cli_fail(&err);
	}
	fprintf(stderr, "ob-issuer: serving OpenID4VCI for %s on port %u with %u threads (Ctrl-C stops)\n",
		s->issuer_url, info ? (unsigned)info->port : 0, threads);
	fflush(stderr);
	while (sigwait(&sigs, &sig) == EINTR)
		;
	fprintf(stderr, "ob-issuer: %s, stopping\n", sig == SIGINT ? "interrupted" : "terminated");
	MHD_stop_daemon(d);
	return 0;
}

static const struct ob_cmd_opt serve_opts[] = {
	{ "listen", 0, "ADDR:PORT", "where to listen, plain HTTP (default 127.0.0.1:8090)", 'l', 0 },
	{ "public-url", 0, "URL", "the https URL in front of it (default the issuer's base URL)", 'u', 0 },
	{ "threads", 0, "N", "worker threads (default 4, at most 64)", 't', 0 },
	{ "token-ttl", 0, "SECONDS", "how long an access token lasts (default 300)", 'T', 0 },
	{ "nonce-ttl", 0, "SECONDS", "how long a nonce lasts (default 300)", 'N', 0 },
	{ "no-status", 0, NULL, "issue without a status list entry", 'S', 0 },
	{ "port-file", 0, "FILE", "write the port it listens on to FILE", 'p', 0 },
	{ NULL, 0, NULL, NULL, 0, 0 },
};

const struct ob_cmd_spec serve_spec = {
	"serve", cmd_serve, NULL, serve_opts, NULL,
	"Runs the OpenID4VCI issuing service for the offers (behind a TLS proxy),\n"
	"until SIGINT or SIGTERM.", NULL,
};

int cmd_serve(int argc, char **argv)
{
	const char *listen = DEFAULT_LISTEN, *public_url = NULL, *port_file = NULL;
	struct sockaddr_storage ss;
	vci_server s = { .token_ttl = DEFAULT_TOKEN_TTL, .nonce_ttl = DEFAULT_NONCE_TTL };
	ob_error err = { 0 };
	long threads = 4;
	int c, rc = 0, opened = 0;
	const char *p;

	while ((c = ob_cmd_getopt(&serve_spec, argc, argv)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 'u': public_url = optarg; break;
		case 'p': port_file = optarg; break;
		case 'S': s.no_status = 1; break;
		case 't':
			if ((threads = seconds_arg("--threads", optarg, 64)) < 0)
				return (int)(-1 - threads);
			break;
		case 'T':
			if ((s.token_ttl = seconds_arg("--token-ttl", optarg, 86400)) < 0)
				return (int)(-1 - s.token_ttl);
			break;
		case 'N':
			if ((s.nonce_ttl = seconds_arg("--nonce-ttl", optarg, 86400)) < 0)
				return (int)(-1 - s.nonce_ttl);
			break;
		case OB_OPT_HELP: return ob_cli_help();
		default: return ob_cli_usage(ob_cli_current(), "invalid option");
		}
	}
	if (optind != argc)
		return ob_cli_usage(ob_cli_current(), "unexpected argument '%s'", argv[optind]);
	if (parse_listen(listen, &ss))
		return ob_cli_usage(ob_cli_current(), "invalid --listen '%s' (want HOST:PORT, e.g. 127.0.0.1:8090)",
				    listen);
	if (issuer_open(&s.st, 1, &err))
		goto fail;
	opened = 1;
	if (!(s.issuer_url = issuer_offer_server(&s.st, public_url, &err)))
		goto fail;
	p = s.issuer_url + 8;
	s.path = p + strcspn(p, "/");
	if (pthread_mutex_init(&s.lock, NULL)) {
		ob_fail(&err, OB_ENOMEM, "cannot make a lock");
		goto fail;
	}
	rc = run(&s, &ss, (unsigned)threads, listen, port_file);
	pthread_mutex_destroy(&s.lock);
	goto out;
fail:
	rc = ob_cli_fail(&err);
out:
	free(s.issuer_url);
	if (opened)
		issuer_close(&s.st);
	return rc;
}
