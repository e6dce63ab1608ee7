/* fuzz target "http": ob-verifier serve's request handling, fed raw HTTP
 * bytes through libmicrohttpd as the server runs it.
 *
 * serve parses nothing of HTTP itself: libmicrohttpd reads the request
 * line, headers and chunked bodies, and its MHD_PostProcessor splits the
 * form body (multipart/form-data and urlencoded). What is ours sits on
 * top: routing, the Content-Length and body budgets, post_field's
 * collection of the "credential", "file" and "recipient" fields and the
 * recipient checks, the link checks (as_link, page_target,
 * private_host), unwrapping and verification, and the HTML pages. Those
 * are static in verifier/cmd_serve.c, so this file includes it (the file
 * is not changed) and drives its handler on a daemon with no listening
 * socket: each input is written into one end of a socketpair whose other
 * end is handed to MHD_add_connection, and MHD_run turns until the answer
 * is out and the connection is closed.
 *
 * No network: links are fetched with an offline HTTP policy and no cache
 * (always "not in the cache"), and private_host's name lookups are
 * numeric only (getaddrinfo with AI_NUMERICHOST), so no DNS query leaves
 * the process. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"

static int numeric_getaddrinfo(const char *node, const char *service,
			       const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h = { 0 };

	if (hints)
		h = *hints;
	h.ai_flags |= AI_NUMERICHOST;
	return getaddrinfo(node, service, &h, res);
}

#define getaddrinfo numeric_getaddrinfo
#include "../../verifier/cmd_serve.c"
#undef getaddrinfo

static struct server srv;
static struct MHD_Daemon *daemon_;

static void stop(void)
{
	struct tloader *t;

	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	/* the main thread's loaders (a worker's go when it ends) */
	t = pthread_getspecific(loader_key);
	pthread_setspecific(loader_key, NULL);
	tloader_free(t);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	srv.now = FUZZ_NOW;
	/* small, so inputs reach the "too large" answers */
	srv.max_body = 16 * 1024;
	srv.http.offline = 1;
	srv.http.public_only = 1;
	if (pthread_key_create(&loader_key, tloader_free))
		abort();
	page_csp();
	/* external polling (MHD_run), no threads, no listening socket */
	daemon_ = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, handler, &srv,
				   MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				   MHD_OPTION_CONNECTION_LIMIT, (unsigned)4, MHD_OPTION_END);
	if (!daemon_) {
		fprintf(stderr, "fuzz_http: libmicrohttpd did not start\n");
		abort();
	}
	atexit(stop);
	return 0;
}

static unsigned connections(void)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

	return i ? i->num_connections : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in peer = { 0 };
	char sink[16384];
	size_t off = 0;
	int sv[2], i, shut = 0;

	if (!daemon_)
		LLVMFuzzerInitialize(NULL, NULL);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		return 0;
	/* a visitor from a documentation address */
	peer.sin_family = AF_INET;
	peer.sin_addr.s_addr = htonl(0xcb007101); /* 203.0.113.1 */
	if (MHD_add_connection(daemon_, sv[0], (struct sockaddr *)&peer, sizeof(peer)) != MHD_YES) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	/* the daemon owns sv[0] now */
	for (i = 0; i < 100000; i++) {
		ssize_t n;

		if (off < size) {
			n = write(sv[1], data + off, size - off);
			if (n > 0)
				off += (size_t)n;
			else if (n < 0 && errno != EAGAIN)
				off = size; /* the server closed on us */
		} else if (!shut) {
			shutdown(sv[1], SHUT_WR);
			shut = 1;
		}
		MHD_run(daemon_);
		while ((n = read(sv[1], sink, sizeof(sink))) > 0)
			;
		if (n == 0 || (n < 0 && errno != EAGAIN))
			break; /* answered and closed */
	}
	close(sv[1]);
	/* let MHD see the closed socket and release the connection */
	for (i = 0; i < 1000 && connections() > 0; i++)
		MHD_run(daemon_);
	FUZZ_ASSERT(connections() == 0, "a connection outlived its request");
	return 0;
}
