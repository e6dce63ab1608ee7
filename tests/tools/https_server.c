/* https_server: a small HTTPS server on loopback for the network tests
 * (tests/cli/verifier_net.sh). It serves files from a directory and a few
 * hostile behaviours chosen by path; one forked child per connection, so a
 * hanging request does not hold up the others.
 *
 *   https_server --cert PEM --key PEM --root DIR --port-file FILE [--log FILE]
 *                [--mute-port-file FILE]
 *
 * Listens on 127.0.0.1 on a free port, written to --port-file once ready.
 * With --mute-port-file, a second port accepts connections and never says
 * a word (not even the TLS handshake).
 * Paths:
 *   /hang/...        accepts the request and never answers
 *   /drip            a JSON body, one byte every 0.2 s, never ending
 *   /big             50 MB body with a Content-Length
 *   /bigchunked      50 MB body without a Content-Length
 *   /loop/N          302 to /loop/N+1, forever
 *   /tohttp/REST     302 to http://127.0.0.1:PORT/REST
 *   /redirect/REST   302 to /REST
 *   /code/NNN        an empty answer with status NNN
 *   /html/FILE       FILE served as text/html
 *   /fresh/FILE      FILE with Cache-Control: max-age=3600
 *   /nostore/FILE    FILE with Cache-Control: no-store
 *   /FILE            FILE (Content-Type by extension), Cache-Control:
 *                    no-cache and an ETag; If-None-Match gives 304
 * Every request is logged as "METHOD PATH STATUS inm=ETAG" to --log.
 * Children die with the server (PR_SET_PDEATHSIG) and after 30 s. */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIG (50u * 1024 * 1024)

static const char *root, *logpath;
static int port;

static void die(const char *what)
{
	fprintf(stderr, "https_server: %s: %s\n", what, strerror(errno));
	ERR_print_errors_fp(stderr);
	exit(1);
}

static void logf_(const char *method, const char *path, int status, const char *inm)
{
	char line[1200];
	int fd, n;

	if (!logpath)
		return;
	n = snprintf(line, sizeof(line), "%s %s %d inm=%s\n", method, path, status, inm ? inm : "-");
	if ((fd = open(logpath, O_WRONLY | O_APPEND | O_CREAT, 0600)) >= 0) {
		ssize_t w = write(fd, line, (size_t)n); /* best effort */
		(void)w;
		close(fd);
	}
}

static int send_all(SSL *s, const void *p, size_t n)
{
	while (n) {
		int w = SSL_write(s, p, n > 65536 ? 65536 : (int)n);
		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

static void reply(SSL *s, int status, const char *reason, const char *type, const char *extra,
		  const void *body, size_t len)
{
	char h[2048];
	int n = snprintf(h, sizeof(h), "HTTP/1.1 %d %s\r\n%s%s%sContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
			 status, reason, type ? "Content-Type: " : "", type ? type : "", type ? "\r\n" : "",
			 len, extra ? extra : "");
	send_all(s, h, (size_t)n);
	if (len)
		send_all(s, body, len);
}

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".json"))
		return "application/json";
	if (!strcmp(dot, ".jsonld"))
		return "application/ld+json";
	if (!strcmp(dot, ".png"))
		return "image/png";
	if (!strcmp(dot, ".jwt"))
		return "application/vc+jwt";
	return "application/octet-stream";
}

static char *read_file(const char *rel, size_t *len)
{
	char path[2048];
	struct stat st;
	char *buf;
	FILE *f;

	if (strstr(rel, "..") || snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		return NULL;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(f = fopen(path, "rb")))
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

/* FNV-1a of the content: a strong enough validator for a test. */
static unsigned long long fnv(const char *p, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	while (n--)
		h = (h ^ (unsigned char)*p++) * 1099511628211ULL;
	return h;
}

static void serve_file(SSL *s, const char *method, const char *path, const char *rel,
		       const char *type, const char *cc, const char *inm)
{
	char etag[64], extra[256];
	size_t len = 0;
	char *body = read_file(rel, &len);

	if (!body) {
		reply(s, 404, "Not Found", "text/plain", NULL, "not found\n", 10);
		logf_(method, path, 404, inm);
		return;
	}
	snprintf(etag, sizeof(etag), "\"%016llx\"", fnv(body, len));
	snprintf(extra, sizeof(extra), "ETag: %s\r\nCache-Control: %s\r\n", etag, cc);
	if (inm && !strcmp(inm, etag)) {
		reply(s, 304, "Not Modified", NULL, extra, NULL, 0);
		logf_(method, path, 304, inm);
	} else {
		reply(s, 200, "OK", type ? type : type_of(rel), extra, body, len);
		logf_(method, path, 200, inm);
	}
	free(body);
}

static void stream_big(SSL *s, int with_length)
{
	static char chunk[65536];
	char h[256];
	size_t sent = 0;
	int n;

	memset(chunk, ' ', sizeof(chunk));
	n = snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
	if (with_length)
		n += snprintf(h + n, sizeof(h) - (size_t)n, "Content-Length: %u\r\n", BIG);
	n += snprintf(h + n, sizeof(h) - (size_t)n, "Connection: close\r\n\r\n");
	if (send_all(s, h, (size_t)n) < 0)
		return;
	while (sent < BIG && send_all(s, chunk, sizeof(chunk)) == 0)
		sent += sizeof(chunk);
}

static void handle(SSL *s)
{
	char req[16384], method[16], path[1024], extra[1200];
	char *inm = NULL, *p;
	size_t got = 0;
	int n;

	while (got < sizeof(req) - 1) {
		n = SSL_read(s, req + got, (int)(sizeof(req) - 1 - got));
		if (n <= 0)
			return;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	if (sscanf(req, "%15s %1023s", method, path) != 2)
		return;
	if ((p = strcasestr(req, "\r\nIf-None-Match: "))) {
		inm = p + 17;
		inm[strcspn(inm, "\r\n")] = '\0';
	}
	if (!strncmp(path, "/hang/", 6)) {
		logf_(method, path, 0, inm);
		/* until the client gives up (or alarm) */
		while (SSL_read(s, req, sizeof(req)) > 0)
			;
		return;
	}
	if (!strcmp(path, "/drip")) {
		static const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[";
		logf_(method, path, 200, inm);
		if (send_all(s, h, sizeof(h) - 1) < 0)
			return;
		while (send_all(s, " ", 1) == 0)
			usleep(200000);
		return;
	}
	if (!strcmp(path, "/big") || !strcmp(path, "/bigchunked")) {
		logf_(method, path, 200, inm);
		stream_big(s, !strcmp(path, "/big"));
		return;
	}
	if (!strncmp(path, "/loop/", 6)) {
		snprintf(extra, sizeof(extra), "Location: /loop/%d\r\n", atoi(path + 6) + 1);
		reply(s, 302, "Found", "text/plain", extra, NULL, 0);
		logf_(method, path, 302, inm);
		return;
	}
	if (!strncmp(path, "/tohttp/", 8)) {
		snprintf(extra, sizeof(extra), "Location: http://127.0.0.1:%d/%s\r\n", port, path + 8);
		reply(s, 302, "Found", "text/plain", extra, NULL, 0);
		logf_(method, path, 302, inm);
		return;
	}
	if (!strncmp(path, "/redirect/", 10)) {
		snprintf(extra, sizeof(extra), "Location: /%s\r\n", path + 10);
		reply(s, 302, "Found", "text/plain", extra, NULL, 0);
		logf_(method, path, 302, inm);
		return;
	}
	if (!strncmp(path, "/code/", 6)) {
		n = atoi(path + 6);
		reply(s, n, "Test", "text/plain", NULL, NULL, 0);
		logf_(method, path, n, inm);
		return;
	}
	if (!strncmp(path, "/html/", 6))
		serve_file(s, method, path, path + 6, "text/html; charset=utf-8", "no-cache", inm);
	else if (!strncmp(path, "/fresh/", 7))
		serve_file(s, method, path, path + 7, NULL, "max-age=3600", inm);
	else if (!strncmp(path, "/nostore/", 9))
		serve_file(s, method, path, path + 9, NULL, "no-store", inm);
	else
		serve_file(s, method, path, path + 1, NULL, "no-cache", inm);
}

/* Listens on a free loopback port and writes it to portfile. */
static int listen_on(const char *portfile, int *p)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	char tmp[4096];
	FILE *f;
	int ls, one = 1;

	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 64) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &alen) < 0)
		die("listen");
	*p = ntohs(a.sin_port);
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if (!(f = fopen(tmp, "w")) || fprintf(f, "%d\n", *p) < 0 || fclose(f) != 0 ||
	    rename(tmp, portfile) < 0)
		die("port file");
	return ls;
}

int main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *portfile = NULL, *mutefile = NULL;
	struct pollfd pf[2];
	int muted[64], nmuted = 0;
	SSL_CTX *ctx;
	int i, ls, ms = -1, mport;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--cert")) cert = argv[i + 1];
		else if (!strcmp(argv[i], "--key")) key = argv[i + 1];
		else if (!strcmp(argv[i], "--root")) root = argv[i + 1];
		else if (!strcmp(argv[i], "--port-file")) portfile = argv[i + 1];
		else if (!strcmp(argv[i], "--log")) logpath = argv[i + 1];
		else if (!strcmp(argv[i], "--mute-port-file")) mutefile = argv[i + 1];
	}
	if (!cert || !key || !root || !portfile) {
		fprintf(stderr, "usage: https_server --cert PEM --key PEM --root DIR --port-file FILE [--log FILE]\n");
		return 2;
	}
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (!(ctx = SSL_CTX_new(TLS_server_method())) ||
	    SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		die("TLS setup");
	if (mutefile)
		ms = listen_on(mutefile, &mport);
	ls = listen_on(portfile, &port);
	pf[0].fd = ls;
	pf[1].fd = ms;
	pf[0].events = pf[1].events = POLLIN;
	for (;;) {
		int c;
		pid_t pid;

		if (poll(pf, ms >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (ms >= 0 && (pf[1].revents & POLLIN) && (c = accept(ms, NULL, NULL)) >= 0) {
			/* keep it open and silent; the oldest goes when full */
			if (nmuted == 64) {
				close(muted[0]);
				memmove(muted, muted + 1, 63 * sizeof(*muted));
				nmuted--;
			}
			muted[nmuted++] = c;
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		c = accept(ls, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		pid = fork();
		if (pid == 0) {
			SSL *s;
			close(ls);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			alarm(30);
			s = SSL_new(ctx);
			SSL_set_fd(s, c);
			if (SSL_accept(s) == 1)
				handle(s);
			SSL_shutdown(s);
			SSL_free(s);
			close(c);
			_exit(0);
		}
		close(c);
	}
}
