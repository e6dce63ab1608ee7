/* maxrss: runs a command and writes its peak resident size in KiB
 * (getrusage's ru_maxrss) to a file; exits with the command's status.
 * Used by tests/cli/verifier_net.sh to show that a 50 MB answer costs no
 * memory (so the tests need no GNU time).
 *
 *   maxrss OUTFILE CMD [ARG...] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int st;

	if (argc < 3) {
		fprintf(stderr, "usage: maxrss OUTFILE CMD [ARG...]\n");
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
	if (!(f = fopen(argv[1], "w")) || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f) != 0)
		return 3;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
