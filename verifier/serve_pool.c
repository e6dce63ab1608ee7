/* serve_pool: the worker processes, both sides of their socketpair: the
 * server's threads that hand each one a request and read its answer
 * (killing and replacing one that fails), and `serve --worker`, the
 * process that verifies them under its limits. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "serve.h"

#define WORKER_MEM (512u << 20) /* address space, plus 8 x --max-body */
#define WORKER_CPU 10         /* seconds of CPU per request (SIGXCPU) */
#define WORKER_WALL 30        /* seconds per request, fetches included */
#define WORKER_START 10       /* seconds for a new worker to be ready */

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

struct worker {
	struct pool *pool;
	pthread_t thread;
	int started;          /* the thread */
	int id;
	pid_t pid;            /* 0: none running */
	int fd;               /* -1: none */
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct request *head, *tail; /* waiting for a worker */
	int stopping;
	char **argv;          /* a worker's command line */
	struct worker *w;
	size_t n;
};

static int write_all(int fd, const void *p, size_t n)
{
	const char *b = p;

	while (n) {
		ssize_t k = send(fd, b, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads n bytes by the deadline (a CLOCK_MONOTONIC second; 0: none).
 * Returns 0, or -1 on EOF or error, -2 on time out, -3 when the pool
 * stops meanwhile. */
static int read_all(int fd, void *p, size_t n, time_t deadline, const struct pool *pl)
{
	char *b = p;

	while (n) {
		ssize_t k;

		if (deadline || pl) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			struct timespec now;
			int r;

			clock_gettime(CLOCK_MONOTONIC, &now);
			if (deadline && now.tv_sec >= deadline)
				return -2;
			if (pl && __atomic_load_n(&pl->stopping, __ATOMIC_RELAXED))
				return -3;
			r = poll(&pfd, 1, 250);
			if (r < 0 && errno != EINTR)
				return -1;
			if (r <= 0)
				continue;
		}
		k = read(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static time_t deadline_in(int secs)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec + secs;
}

/* Starts w's process and waits for its "ready" byte; 0 or -1. */
static int worker_spawn(struct worker *w)
{
	extern char **environ;
	posix_spawn_file_actions_t fa;
	int sv[2], child, rc;
	char ready = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	/* dup2 onto itself would keep close-on-exec */
	child = sv[1];
	if (child == WORKER_FD) {
		child = fcntl(sv[1], F_DUPFD_CLOEXEC, WORKER_FD + 1);
		close(sv[1]);
		if (child < 0) {
			close(sv[0]);
			return -1;
		}
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, child, WORKER_FD);
	rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, w->pool->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(child);
	if (rc) {
		close(sv[0]);
		fprintf(stderr, "%s: cannot start a verification worker: %s\n", ob_cli_prog(), strerror(rc));
		return -1;
	}
	w->pid = pid;
	w->fd = sv[0];
	if (read_all(w->fd, &ready, 1, deadline_in(WORKER_START), NULL) || ready != 'R') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(w->fd);
		w->pid = 0;
		w->fd = -1;
		fprintf(stderr, "%s: a verification worker did not start\n", ob_cli_prog());
		return -1;
	}
	return 0;
}

/* Ends w's process: why says what went wrong (logged, with whether a
 * request failed with it), or NULL for a clean stop, which gives it a
 * moment to exit by itself. */
static void worker_end(struct worker *w, const char *why, int failed)
{
	int st = 0, i;

	if (!w->pid)
		return;
	close(w->fd); /* EOF: an idle worker exits */
	w->fd = -1;
	for (i = 0; !why && i < 200 && waitpid(w->pid, &st, WNOHANG) == 0; i++)
		usleep(10000);
	if (why || i == 200) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, &st, 0);
	}
	if (why) {
		char how[96];

		/* its own end tells more than our SIGKILL */
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
			snprintf(how, sizeof(how), "died of signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
		else if (WIFEXITED(st))
			snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(st));
		else
			snprintf(how, sizeof(how), "%s", why);
		fprintf(stderr, "%s: verification worker %d (pid %ld) %s%s; starting another\n",
			ob_cli_prog(), w->id, (long)w->pid, how,
			failed ? "; its request was answered 503" : " between requests");
	}
	w->pid = 0;
}

/* One request through w's process: the answer, or 503 when the process
 * fails it (and is replaced). */
static void worker_run(struct worker *w, struct request *r)
{
	const struct job *j = &r->job;
	uint32_t hdr[2] = { (uint32_t)j->kind, (uint32_t)j->file };
	uint64_t lens[4] = { j->len, j->to ? strlen(j->to) : 0, j->challenge ? strlen(j->challenge) : 0,
			     j->domain ? strlen(j->domain) : 0 };
	uint32_t rhdr[2];
	uint64_t rlen;
	const char *why = NULL;
	time_t deadline = deadline_in(WORKER_WALL);
	char *body = NULL;
	int rc = 0;

	/* an idle worker says nothing: readable means it is gone */
	if (w->pid) {
		struct pollfd pfd = { .fd = w->fd, .events = POLLIN };

		if (poll(&pfd, 1, 0) != 0)
			worker_end(w, "died", 0);
	}
	if (!w->pid && worker_spawn(w)) {
		serve_answer_unavailable(&r->ans, j, "no verification worker could be started; please try again");
		return;
	}
	if (write_all(w->fd, hdr, sizeof(hdr)) || write_all(w->fd, lens, sizeof(lens)) ||
	    (lens[0] && write_all(w->fd, j->data, lens[0])) || (lens[1] && write_all(w->fd, j->to, lens[1])) ||
	    (lens[2] && write_all(w->fd, j->challenge, lens[2])) || (lens[3] && write_all(w->fd, j->domain, lens[3]))) {
		why = "stopped reading";
		goto fail;
	}
	rc = read_all(w->fd, rhdr, sizeof(rhdr), deadline, w->pool);
	if (!rc)
		rc = read_all(w->fd, &rlen, sizeof(rlen), deadline, w->pool);
	if (!rc && (rlen > (1ull << 31) || rhdr[0] < 200 || rhdr[0] > 599)) {
		why = "sent a malformed answer";
		goto fail;
	}
	if (!rc && !(body = malloc(rlen ? rlen : 1))) {
		why = "out of memory";
		goto fail;
	}
	if (!rc)
		rc = read_all(w->fd, body, rlen, deadline, w->pool);
	if (rc) {
		why = rc == -2 ? "ran past its time limit and was killed"
		    : rc == -3 ? "was stopped with the server" : "died";
		goto fail;
	}
	r->ans.status = rhdr[0];
	r->ans.json = rhdr[1] != 0;
	ob_buf_release(&r->ans.body);
	ob_buf_add(&r->ans.body, body, rlen);
	free(body);
	return;
fail:
	free(body);
	worker_end(w, why, 1);
	serve_answer_unavailable(&r->ans, j, rc == -3 ? "the server is stopping"
			   : "the verification crashed or ran over its limits and was stopped");
	if (!__atomic_load_n(&w->pool->stopping, __ATOMIC_RELAXED))
		worker_spawn(w); /* ready for the next one; else retried then */
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	for (;;) {
		struct request *r;
		int stopping;

		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		if ((r = p->head) && !(p->head = r->next))
			p->tail = NULL;
		stopping = p->stopping;
		pthread_mutex_unlock(&p->lock);
		if (!r)
			break;
		if (stopping)
			serve_answer_unavailable(&r->ans, &r->job, "the server is stopping");
		else
			worker_run(w, r);
		r->state = ANSWERED;
		MHD_resume_connection(r->conn);
	}
	worker_end(w, NULL, 0);
	return NULL;
}

/* Stops the threads (answering what waits with 503) and the processes. */
void serve_pool_free(struct pool *p)
{
	size_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->stopping, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n; i++) {
		if (p->w[i].started)
			pthread_join(p->w[i].thread, NULL);
		else
			worker_end(&p->w[i], NULL, 0);
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->w);
	free(p->argv);
	free(p);
}

/* n workers, each running argv (borrowed strings; the array is owned). */
struct pool *serve_pool_new(size_t n, char **argv_take, ob_error *err)
{
	struct pool *p = calloc(1, sizeof(*p));
	size_t i;

	if (!p || !(p->w = calloc(n, sizeof(*p->w)))) {
		free(p);
		free(argv_take);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	p->argv = argv_take;
	p->n = n;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (i = 0; i < n; i++) {
		p->w[i].pool = p;
		p->w[i].id = (int)i + 1;
		p->w[i].fd = -1;
	}
	for (i = 0; i < n; i++)
		if (worker_spawn(&p->w[i]))
			goto fail;
	for (i = 0; i < n; i++) {
		if (pthread_create(&p->w[i].thread, NULL, worker_thread, &p->w[i]))
			goto fail;
		p->w[i].started = 1;
	}
	return p;
fail:
	serve_pool_free(p);
	ob_fail(err, OB_EIO, "cannot start the verification workers");
	return NULL;
}

/* Queues r for a worker, the connection suspended meanwhile. */
int serve_pool_queue(struct pool *p, struct MHD_Connection *c, struct request *r)
{
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	/* suspended before a worker can resume it */
	MHD_suspend_connection(c);
	r->conn = c;
	r->state = QUEUED;
	if (p->tail)
		p->tail->next = r;
	else
		p->head = r;
	p->tail = r;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return 1;
}

/* ---- the worker process ---- */

static void limit(int what, rlim_t soft)
{
	struct rlimit rl;

	if (getrlimit(what, &rl))
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && soft > rl.rlim_max ? rl.rlim_max : soft;
	setrlimit(what, &rl);
}

/* The CPU this process has used, plus WORKER_CPU: past it, SIGXCPU. */
static void cpu_budget(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return;
	limit(RLIMIT_CPU, (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + WORKER_CPU + 1));
}

/* `serve --worker`: answers the requests that come on WORKER_FD, one at
 * a time, until EOF. */
int serve_worker_main(const struct server *s)
{
	int fd = WORKER_FD, rc = 0;
	struct tloader *t;

	limit(RLIMIT_CORE, 0);
#ifndef UNDER_ASAN /* ASan reserves terabytes of address space */
	limit(RLIMIT_AS, (rlim_t)WORKER_MEM + 8 * (rlim_t)s->max_body);
#endif
#ifdef PR_SET_PDEATHSIG
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (pthread_key_create(&loader_key, tloader_free))
		return ob_cli_errorf(3, "out of memory");
	if (write_all(fd, "R", 1))
		rc = 3;
	while (!rc) {
		uint32_t hdr[2], rhdr[2];
		uint64_t lens[4], rlen;
		struct job j = { 0 };
		struct answer a = { 0 };
		char *data = NULL, *to = NULL, *ch = NULL, *dom = NULL;

		if (read_all(fd, hdr, sizeof(hdr), 0, NULL))
			break; /* EOF: the server is done with us */
		if (read_all(fd, lens, sizeof(lens), 0, NULL) || lens[0] > s->max_body + (1u << 20) ||
		    lens[1] > MAX_EMAIL || lens[2] > MAX_CHALLENGE || lens[3] > MAX_CHALLENGE ||
		    !(data = malloc(lens[0] + 1)) || !(to = malloc(lens[1] + 1)) ||
		    !(ch = malloc(lens[2] + 1)) || !(dom = malloc(lens[3] + 1)) ||
		    read_all(fd, data, lens[0], 0, NULL) || read_all(fd, to, lens[1], 0, NULL) ||
		    read_all(fd, ch, lens[2], 0, NULL) || read_all(fd, dom, lens[3], 0, NULL)) {
			free(data);
			free(to);
			free(ch);
			free(dom);
			rc = 3;
			break;
		}
		data[lens[0]] = to[lens[1]] = ch[lens[2]] = dom[lens[3]] = '\0';
		j.kind = (enum job_kind)hdr[0];
		j.file = hdr[1] != 0;
		j.data = data;
		j.len = lens[0];
		j.to = lens[1] ? to : NULL;
		j.challenge = lens[2] ? ch : NULL;
		j.domain = lens[3] ? dom : NULL;
		cpu_budget();
		serve_run_job(s, &j, &a);
		if (a.body.oom)
			serve_answer_error(&a, MHD_HTTP_INTERNAL_SERVER_ERROR, "Server error", "out of memory");
		rhdr[0] = a.status;
		rhdr[1] = (uint32_t)a.json;
		rlen = a.body.len;
		if (write_all(fd, rhdr, sizeof(rhdr)) || write_all(fd, &rlen, sizeof(rlen)) ||
		    (rlen && write_all(fd, a.body.data, rlen)))
			rc = 3;
		ob_buf_release(&a.body);
		free(data);
		free(to);
		free(ch);
		free(dom);
	}
	t = pthread_getspecific(loader_key);
	pthread_setspecific(loader_key, NULL);
	tloader_free(t);
	pthread_key_delete(loader_key);
	return rc;
}

