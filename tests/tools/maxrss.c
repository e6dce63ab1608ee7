/* maxrss: runs a command and writes its peak resident size in KiB
 * (getrusage's ru_maxrss) to a file; exits with the command's status.
 * Used by tests/cli/verifier_net.sh to show that a 50 MB answer costs no
 * memory (so the tests need no GNU time).
 *
 *   maxrss [-w WRITEFILE] OUTFILE CMD [ARG...]
 *
 * -w also writes the bytes the command wrote to storage (ru_oublock, in
 * 512-byte units: what the kernel's I/O accounting charged it, the
 * write_bytes of /proc/PID/io) to WRITEFILE, for scripts/bench-roster.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int put(const char *path, long long v)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%lld\n", v) < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) != 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *wfile = NULL;
	struct rusage ru;
	pid_t pid;
	int st;

	if (argc >= 3 && !strcmp(argv[1], "-w")) {
		wfile = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: maxrss [-w WRITEFILE] OUTFILE CMD [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return 3;
	if (put(argv[1], ru.ru_maxrss) < 0 || (wfile && put(wfile, (long long)ru.ru_oublock * 512) < 0))
		return 3;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
