/* serve: what the files of `ob-verifier serve` share. The server is the
 * verification web page and a JSON API, on libmicrohttpd's thread pool:
 *
 *   GET  /                 the form (paste a credential, upload an image)
 *   POST /verify           the form's target (multipart or urlencoded)
 *   GET  /verify?url=URL   the QR-link flow: fetch URL, verify, show
 *   POST /api/verify       body = credential, presentation or VC-JWT;
 *                          answer = the `verify --json` object
 *
 *   GET  /challenge        the form with a fresh challenge filled in
 *
 * The form's "recipient" field, and ?recipient= on the other two, give
 * the e-mail address the learner claims (verify --recipient); its
 * "challenge" and "domain" fields (?challenge=, ?domain=) what a
 * presentation must answer (verify --challenge, --domain).
 *
 * What a visitor sends is parsed and checked in serve_http.c (routes,
 * sizes, forms, the recipient address), but never verified there:
 * unwrapping, QR scanning, fetching and verifying (serve_answer.c) run in
 * a pool of worker processes (serve_pool.c), one per --threads, each
 * `ob-verifier serve ... --worker` started with posix_spawn (an exec, so
 * no fork of a threaded process) and talking over a socketpair on its fd
 * 3. A worker runs under setrlimit limits (no core, WORKER_MEM of address
 * space, WORKER_CPU seconds of CPU per request) and the server gives it
 * WORKER_WALL seconds; one that crashes, runs over a limit or over time
 * is killed, its request answered 503, and a new one started. One request
 * can then end only itself, whatever bug it finds. While a worker runs,
 * the connection is suspended, so the page and other requests keep being
 * served. cmd_serve.c reads the options and starts it all.
 *
 * Each worker (a process, or the handler's thread when there is no
 * pool, as in the fuzz target) keeps its own loaders: created on first
 * use, replaced after LOADER_TTL seconds so fetched status lists and DID
 * documents neither go stale nor pile up. */
#ifndef OB_VERIFIER_SERVE_H
#define OB_VERIFIER_SERVE_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <microhttpd.h>

#include "base/buf.h"
#include "base/err.h"
#include "io/http.h"
#include "page.h"
#include "vc/registry.h"

#define MAX_EMAIL 254         /* RFC 5321's longest forward path, less the brackets */
#define MAX_CHALLENGE MAX_PAGE_CHALLENGE /* a challenge or a domain */
#define WORKER_FD 3           /* the worker's end of its socketpair */

struct pool;

struct server {
	const char **docs;    /* --doc URL=FILE specs (borrowed from argv) */
	size_t ndocs;
	ob_http_opts http;
	const ob_registry *registries;
	time_t now;
	size_t max_body;
	int strict;           /* --strict: conformance errors make it invalid */
	int require_trusted;  /* --require-trusted-issuer */
	struct pool *pool;    /* NULL: verify in the handler's thread */
};

/* A verification to run: the API body, the form's text or file, or the
 * link of GET /verify?url= (NUL-terminated). to: the checked recipient
 * address or NULL; challenge, domain: what a presentation must answer,
 * or NULL. */
enum job_kind { J_API = 1, J_FORM, J_LINK };

struct job {
	enum job_kind kind;
	int file;             /* J_FORM: data is an uploaded file */
	const char *data;
	size_t len;
	const char *to;
	const char *challenge, *domain;
};

/* Its answer: a page or a JSON object. */
struct answer {
	unsigned status;
	int json;
	ob_buf body;
};

enum route { R_FORM, R_CHALLENGE, R_VERIFY_POST, R_VERIFY_GET, R_API, R_NOT_FOUND, R_BAD_METHOD };

struct request {
	enum route route;
	const char *allow;    /* for 405 */
	ob_buf body;          /* API body */
	ob_buf credential;    /* form: pasted text */
	ob_buf file;          /* form: uploaded file */
	ob_buf recipient;     /* form: the learner's e-mail address */
	ob_buf challenge;     /* form: what a presentation must answer */
	ob_buf domain;
	size_t received;
	int too_big, bad_form, bad_recipient, bad_challenge;
	int started;          /* first_call ran */
	int refused;          /* answered there: the body is discarded */
	int nul;              /* the target has %00 */
	struct MHD_PostProcessor *pp;
	struct job job;       /* what the worker is asked */
	struct answer ans;    /* and what it answered */
	int state;            /* IDLE, QUEUED (suspended), ANSWERED */
	struct MHD_Connection *conn;
	struct request *next; /* in the pool's queue */
};

enum { IDLE, QUEUED, ANSWERED };

/* ---- serve_answer.c: a job verified, wherever it runs ----
 * (loader_key, tloader_free, handler and completed keep the names
 * tests/fuzz/fuzz_http.c uses) */

/* This thread's loaders (struct tloader), freed by tloader_free. */
extern pthread_key_t loader_key;
void tloader_free(void *p);
/* An e-mail address as verify --recipient takes it, of sane length,
 * printable ASCII only and none of RFC 5322's specials. */
int serve_good_recipient(const char *e);
/* A challenge or domain as the page takes it: 1 to MAX_CHALLENGE
 * printable ASCII characters, no blanks. */
int serve_good_challenge(const char *c);
/* Runs one verification into a. */
void serve_run_job(const struct server *s, const struct job *j, struct answer *a);
/* a becomes an error page. */
void serve_answer_error(struct answer *a, unsigned status, const char *title, const char *msg);
/* a becomes a 503: a verification that was stopped, or never ran. */
void serve_answer_unavailable(struct answer *a, const struct job *j, const char *why);

/* ---- serve_http.c: requests, checked and answered ---- */

/* libmicrohttpd's callbacks; cls is the struct server. */
enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			const char *version, const char *upload, size_t *upload_size, void **con_cls);
void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe);
void *serve_uri_seen(void *cls, const char *uri, struct MHD_Connection *c);

/* ---- serve_pool.c: the worker processes ---- */

/* n workers, each running argv (borrowed strings; the array is owned). */
struct pool *serve_pool_new(size_t n, char **argv_take, ob_error *err);
/* Stops the threads (answering what waits with 503) and the processes. */
void serve_pool_free(struct pool *p);
/* Queues r for a worker, suspending c until it is answered; 0 when the
 * pool is stopping (r not queued). */
int serve_pool_queue(struct pool *p, struct MHD_Connection *c, struct request *r);
/* `serve --worker`: answers the requests that come on WORKER_FD, one at
 * a time, until EOF. */
int serve_worker_main(const struct server *s);

#endif
