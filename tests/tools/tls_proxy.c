/* tls_proxy: the TLS-terminating reverse proxy of the delivery tests
 * (tests/cli/delivery.sh), standing where nginx or Caddy stands in front
 * of `ob-issuer serve` in a deployment: HTTPS on loopback outside, plain
 * HTTP to the backend on 127.0.0.1 inside, bytes copied both ways.
 *
 *   tls_proxy --cert PEM --key PEM --port-file FILE --backend-port-file FILE
 *
 * Listens on 127.0.0.1 on a free port, written to --port-file once ready.
 * The backend's port is read from --backend-port-file at each connection
 * (the backend may start later, or restart on another port). One forked
 * child per connection; children die with the proxy (PR_SET_PDEATHSIG)
 * and after 60 s. */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *backend_file;

static void die(const char *what)
{
	fprintf(stderr, "tls_proxy: %s: %s\n", what, strerror(errno));
	ERR_print_errors_fp(stderr);
	exit(1);
}

static int backend(void)
{
	struct sockaddr_in a = { 0 };
	FILE *f = fopen(backend_file, "r");
	int port = 0, fd;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &port) != 1)
		port = 0;
	fclose(f);
	if (port <= 0 || port > 65535)
		return -1;
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Copies between the TLS client and the backend until either side ends. */
static void relay(SSL *ssl, int cfd, int bfd)
{
	char buf[16384];
	int upstream = 1; /* 0 once the backend stopped taking bytes: the
			   * rest of the request is dropped, its answer still
			   * relayed (a 413 sent before the body was read) */

	for (;;) {
		struct pollfd p[2] = { { cfd, POLLIN, 0 }, { bfd, POLLIN, 0 } };
		int n;

		if (SSL_pending(ssl) == 0 && poll(p, 2, 30000) <= 0)
			return;
		if (SSL_pending(ssl) || (p[0].revents & (POLLIN | POLLHUP))) {
			n = SSL_read(ssl, buf, sizeof(buf));
			if (n <= 0)
				return;
			if (upstream && write(bfd, buf, (size_t)n) != n)
				upstream = 0;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			n = (int)read(bfd, buf, sizeof(buf));
			if (n <= 0)
				return;
			if (SSL_write(ssl, buf, n) != n)
				return;
		}
	}
}

int main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *port_file = NULL;
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	SSL_CTX *ctx;
	FILE *f;
	int i, lfd, one = 1;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--cert"))
			cert = argv[i + 1];
		else if (!strcmp(argv[i], "--key"))
			key = argv[i + 1];
		else if (!strcmp(argv[i], "--port-file"))
			port_file = argv[i + 1];
		else if (!strcmp(argv[i], "--backend-port-file"))
			backend_file = argv[i + 1];
	}
	if (!cert || !key || !port_file || !backend_file) {
		fprintf(stderr, "usage: tls_proxy --cert PEM --key PEM --port-file FILE --backend-port-file FILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);
	if (!(ctx = SSL_CTX_new(TLS_server_method())) || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		die("loading the certificate");
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 64) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) < 0)
		die("listen");
	if (!(f = fopen(port_file, "w")) || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0)
		die("port file");
	for (;;) {
		int cfd = accept(lfd, NULL, NULL);
		pid_t pid;

		if (cfd < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		if ((pid = fork()) == 0) {
			SSL *ssl = SSL_new(ctx);
			int bfd;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			alarm(60);
			close(lfd);
			SSL_set_fd(ssl, cfd);
			if (SSL_accept(ssl) == 1 && (bfd = backend()) >= 0) {
				relay(ssl, cfd, bfd);
				close(bfd);
			}
			SSL_shutdown(ssl);
			SSL_free(ssl);
			close(cfd);
			_exit(0);
		}
		close(cfd);
	}
}
