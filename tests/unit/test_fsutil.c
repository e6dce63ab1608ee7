/* fsutil: atomic writes never clobber unless asked, keep the mode, and
 * leave no temp files; home directory selection. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "base/obkit.h"

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/obkit-test-fs.XXXXXX";
	char *p, *q, *h, *text;
	size_t len;
	struct stat st;
	ob_error e = { 0 };

	ob_init();
	CHECK(mkdtemp(dir) != NULL);
	p = ob_path_join(dir, "secret.json");
	CHECK(ob_write_file_atomic(p, "one", 3, 0600, 0, &e) == OB_OK);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(ob_write_file_atomic(p, "two", 3, 0600, 0, &e) == OB_EIO);
	CHECK(strstr(e.msg, "exists") != NULL);
	CHECK(ob_file_read(p, 100, &text, &len, &e) == OB_OK);
	CHECK(len == 3 && memcmp(text, "one", 3) == 0);
	free(text);
	ob_error_clear(&e);
	CHECK(ob_write_file_atomic(p, "three", 5, 0644, 1, &e) == OB_OK);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK(ob_file_read(p, 100, &text, &len, &e) == OB_OK);
	CHECK(len == 5 && memcmp(text, "three", 5) == 0);
	free(text);
	CHECK(count_entries(dir) == 1); /* no temp files left */
	/* a directory in the way is refused even with overwrite */
	ob_error_clear(&e);
	CHECK(ob_write_file_atomic(dir, "x", 1, 0600, 1, &e) == OB_EIO);
	/* into a missing directory */
	ob_error_clear(&e);
	q = ob_path_join(dir, "missing/x");
	CHECK(ob_write_file_atomic(q, "x", 1, 0600, 0, &e) == OB_EIO);
	free(q);
	/* mkdir -p with 0700 */
	q = ob_path_join(dir, "a/b/c");
	ob_error_clear(&e);
	CHECK(ob_mkdir_p(q, &e) == OB_OK);
	CHECK(stat(q, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK(ob_mkdir_p(q, &e) == OB_OK);
	CHECK(ob_mkdir_p(p, &e) == OB_EIO); /* a file is not a directory */
	rmdir(q);
	free(q);
	q = ob_path_join(dir, "a/b");
	rmdir(q);
	free(q);
	q = ob_path_join(dir, "a");
	rmdir(q);
	free(q);

	/* home: option, then env, then XDG */
	ob_error_clear(&e);
	h = ob_home_dir("/opt/x", "OBKIT_TEST_HOME", "issuer", &e);
	CHECK_STR(h, "/opt/x");
	free(h);
	setenv("OBKIT_TEST_HOME", "/env/home", 1);
	h = ob_home_dir(NULL, "OBKIT_TEST_HOME", "issuer", &e);
	CHECK_STR(h, "/env/home");
	free(h);
	unsetenv("OBKIT_TEST_HOME");
	setenv("XDG_DATA_HOME", "/xdg", 1);
	h = ob_home_dir(NULL, "OBKIT_TEST_HOME", "wallet", &e);
	CHECK_STR(h, "/xdg/obkit/wallet");
	free(h);

	unlink(p);
	free(p);
	rmdir(dir);
	return check_done("test_fsutil");
}
