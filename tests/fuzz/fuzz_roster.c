/* fuzz target "roster": the batch-issuance CSV reader (roster.h), over
 * an in-memory file (memfd), every record read to the end, each row keyed
 * and checked for duplicates as ob-issuer issue --roster does. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "io/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	ob_error err = { 0 };
	ob_roster *r;
	ob_roster_row row;
	unsigned char key[32];
	size_t off = 0;
	int fd = memfd_create("roster", MFD_CLOEXEC), rc, n = 0;

	if (fd < 0)
		return 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			goto out;
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!(r = ob_roster_open(path, &err)))
		goto out;
	/* at most one record per input byte, and one more for the end */
	while (n++ <= (int)size + 1) {
		ob_error e = { 0 };

		rc = ob_roster_next(r, &row, &e);
		if (rc == 0 || rc == -2)
			break;
		if (rc == 1) {
			int i;

			for (i = 0; i < OB_ROSTER_NCOLS; i++)
				if (row.f[i])
					FUZZ_ASSERT(ob_utf8_valid(row.f[i], strlen(row.f[i])),
						    "roster row field is not valid UTF-8");
			ob_roster_row_key(&row, key);
			FUZZ_ASSERT(ob_roster_seen(r, key, row.line) >= 0, "ob_roster_seen failed");
		}
		(void)ob_roster_offset(r);
	}
	FUZZ_ASSERT(n <= (int)size + 2, "roster reader does not reach the end");
	(void)ob_roster_size(r);
	ob_roster_close(r);
out:
	close(fd);
	return 0;
}
