/* rand: the per-thread pool gives distinct bytes across refills, large
 * draws bypass it, threads draw different bytes, and a forked child
 * never repeats what its parent draws next. */
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "base/rand.h"

/* 2,000 draws of 16 bytes cross many refills of the 512-byte pool: all
 * distinct, and roughly half the bits set */
static void distinct(void)
{
	static unsigned char v[2000][16];
	ob_error err = { 0 };
	size_t i, j, ones = 0, dup = 0;
	int ok = 1;

	for (i = 0; i < 2000; i++)
		ok &= ob_random(v[i], 16, &err) == OB_OK;
	CHECK(ok);
	for (i = 0; i < 2000; i++)
		for (j = 0; j < 16; j++)
			ones += (size_t)__builtin_popcount(v[i][j]);
	for (i = 0; i < 2000; i++)
		for (j = i + 1; j < 2000; j++)
			dup += !memcmp(v[i], v[j], 16);
	CHECK(dup == 0);
	/* 256,000 bits: mean 128,000, sd ~253 */
	CHECK(ones > 126000 && ones < 130000);
}

static void sizes(void)
{
	unsigned char a[4096], b[4096], z[4096];
	ob_error err = { 0 };

	memset(z, 0, sizeof(z));
	CHECK(ob_random(a, 0, &err) == OB_OK);
	/* larger than the pool's share: straight from the CSPRNG */
	CHECK(ob_random(a, sizeof(a), &err) == OB_OK);
	CHECK(ob_random(b, sizeof(b), &err) == OB_OK);
	CHECK(memcmp(a, b, sizeof(a)) != 0 && memcmp(a, z, sizeof(a)) != 0);
	/* odd sizes around the refill point */
	CHECK(ob_random(a, 127, &err) == OB_OK && ob_random(b, 127, &err) == OB_OK);
	CHECK(memcmp(a, b, 127) != 0);
}

static void *draw(void *arg)
{
	ob_error err = { 0 };

	return ob_random(arg, 16, &err) == OB_OK ? arg : NULL;
}

static void threads(void)
{
	unsigned char a[16], b[16];
	pthread_t t1, t2;
	void *r1 = NULL, *r2 = NULL;

	CHECK(pthread_create(&t1, NULL, draw, a) == 0 && pthread_create(&t2, NULL, draw, b) == 0);
	pthread_join(t1, &r1);
	pthread_join(t2, &r2);
	CHECK(r1 == a && r2 == b);
	CHECK(memcmp(a, b, 16) != 0);
}

/* the parent has a part-used pool; the child's next draw must differ
 * from the parent's next draw */
static void fork_safe(void)
{
	unsigned char mine[16], theirs[16] = { 0 }, x[16];
	ob_error err = { 0 };
	int fd[2], st = 0;
	pid_t pid;

	CHECK(ob_random(x, 16, &err) == OB_OK);
	CHECK(pipe(fd) == 0);
	pid = fork();
	if (pid == 0) {
		unsigned char c[16];
		ssize_t w;
		close(fd[0]);
		if (ob_random(c, 16, &err) != OB_OK)
			_exit(2);
		w = write(fd[1], c, 16);
		_exit(w == 16 ? 0 : 3);
	}
	CHECK(pid > 0);
	close(fd[1]);
	CHECK(read(fd[0], theirs, 16) == 16);
	close(fd[0]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(ob_random(mine, 16, &err) == OB_OK);
	CHECK(memcmp(mine, theirs, 16) != 0);
}

int main(void)
{
	distinct();
	sizes();
	threads();
	fork_safe();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
