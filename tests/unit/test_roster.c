/* roster: RFC 4180 reading (quotes, CRLF, BOM, any column order), bad
 * rows reported with their line and skipped, over-long rows not held,
 * duplicate detection, UTF-8 checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "io/roster.h"

static char dir[] = "/tmp/obkit-test-roster.XXXXXX";

static const char *put(const char *name, const char *text, size_t len)
{
	static char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	fwrite(text, 1, len, f);
	fclose(f);
	return path;
}

static void basics(void)
{
	static const char csv[] =
		"\xef\xbb\xbf" "Achievement, recipient ,name,result\r\n"
		"weld-101,ana@example.com,\"Lima, Ana\",92\r\n"
		"\r\n"
		"weld-101,did:example:bob,\"Bob \"\"the builder\"\"\",\r\n"
		"weld-101,carol@example.com,\"Carol\nSmith\",A\n"
		"weld-101,dave@example.com,Dave\n"
		"weld-101,erin@example.com,Erin,B";
	ob_error err = { 0 };
	ob_roster *r = ob_roster_open(put("a.csv", csv, sizeof(csv) - 1), &err);
	ob_roster_row row;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(ob_roster_next(r, &row, &err) == 1);
	CHECK(row.line == 2);
	CHECK_STR(row.f[OB_ROSTER_NAME], "Lima, Ana");
	CHECK_STR(row.f[OB_ROSTER_RECIPIENT], "ana@example.com");
	CHECK_STR(row.f[OB_ROSTER_RESULT], "92");
	CHECK(row.f[OB_ROSTER_EVIDENCE] == NULL);
	CHECK(ob_roster_next(r, &row, &err) == 1);
	CHECK(row.line == 4);
	CHECK_STR(row.f[OB_ROSTER_NAME], "Bob \"the builder\"");
	CHECK_STR(row.f[OB_ROSTER_RESULT], "");
	CHECK(ob_roster_next(r, &row, &err) == 1);
	CHECK(row.line == 5);
	CHECK_STR(row.f[OB_ROSTER_NAME], "Carol\nSmith");
	/* wrong field count: reported with the line, then reading goes on */
	CHECK(ob_roster_next(r, &row, &err) == -1);
	CHECK(row.line == 7);
	CHECK(strstr(err.msg, "a.csv:7: 3 fields, the header has 4") != NULL);
	ob_error_clear(&err);
	CHECK(ob_roster_next(r, &row, &err) == 1);
	CHECK(row.line == 8);
	CHECK_STR(row.f[OB_ROSTER_RESULT], "B");
	CHECK(ob_roster_next(r, &row, &err) == 0);
	CHECK(ob_roster_offset(r) == ob_roster_size(r));
	ob_roster_close(r);
}

static void headers(void)
{
	ob_error err = { 0 };

	CHECK(ob_roster_open(put("h1.csv", "name,recipient\nx,y\n", 19), &err) == NULL);
	CHECK(strstr(err.msg, "h1.csv:1: the header has no 'achievement' column") != NULL);
	ob_error_clear(&err);
	CHECK(ob_roster_open(put("h2.csv", "name,recipient,achievement,colour\n", 34), &err) == NULL);
	CHECK(strstr(err.msg, "unknown column 'colour'") != NULL);
	ob_error_clear(&err);
	CHECK(ob_roster_open(put("h3.csv", "name,name,recipient,achievement\n", 32), &err) == NULL);
	CHECK(strstr(err.msg, "appears twice") != NULL);
	ob_error_clear(&err);
	CHECK(ob_roster_open(put("h4.csv", "", 0), &err) == NULL);
	CHECK(strstr(err.msg, "empty file") != NULL);
	ob_error_clear(&err);
	CHECK(ob_roster_open("/nonexistent/r.csv", &err) == NULL && err.code == OB_EIO);
}

static void bad_rows(void)
{
	size_t big = 200 * 1024, n;
	char *csv = malloc(big + 200);
	ob_error err = { 0 };
	ob_roster *r;
	ob_roster_row row;

	n = (size_t)sprintf(csv, "name,recipient,achievement\nJos\xe9,jose@example.com,a\n");
	n += (size_t)sprintf(csv + n, "Long,");
	memset(csv + n, 'x', big);
	n += big;
	n += (size_t)sprintf(csv + n, ",a\n\"open,b@example.com,a\nok,ok@example.com,a\n");
	r = ob_roster_open(put("b.csv", csv, n), &err);
	CHECK(r != NULL);
	if (r) {
		CHECK(ob_roster_next(r, &row, &err) == -1);
		CHECK(strstr(err.msg, "b.csv:2: not valid UTF-8") != NULL);
		ob_error_clear(&err);
		CHECK(ob_roster_next(r, &row, &err) == -1);
		CHECK(strstr(err.msg, "b.csv:3: row longer than") != NULL);
		ob_error_clear(&err);
		/* an unclosed quote swallows the rest: one bad row, no crash */
		CHECK(ob_roster_next(r, &row, &err) == -1);
		CHECK(row.line == 4);
		ob_error_clear(&err);
		CHECK(ob_roster_next(r, &row, &err) == 0);
		ob_roster_close(r);
	}
	free(csv);
}

static void dups(void)
{
	static const char csv[] = "name,recipient,achievement\nAna,Ana@Example.com,a\nAna,ana@example.com,a\nAna,ana@example.com,b\n";
	unsigned char k1[32], k2[32], k3[32];
	ob_error err = { 0 };
	ob_roster *r = ob_roster_open(put("d.csv", csv, sizeof(csv) - 1), &err);
	ob_roster_row row;
	int i;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(ob_roster_next(r, &row, &err) == 1);
	ob_roster_row_key(&row, k1);
	CHECK(ob_roster_seen(r, k1, row.line) == 0);
	CHECK(ob_roster_next(r, &row, &err) == 1);
	ob_roster_row_key(&row, k2);
	/* e-mail case does not make a new award */
	CHECK(!memcmp(k1, k2, 32));
	CHECK(ob_roster_seen(r, k2, row.line) == 2);
	CHECK(ob_roster_next(r, &row, &err) == 1);
	ob_roster_row_key(&row, k3);
	CHECK(memcmp(k1, k3, 32) != 0);
	CHECK(ob_roster_seen(r, k3, row.line) == 0);
	/* the table grows past its first size */
	for (i = 1; i <= 5000; i++) {
		unsigned char k[32] = { 0 };
		memcpy(k, &i, sizeof(i));
		k[31] = 7;
		if (ob_roster_seen(r, k, (unsigned long)i + 10) != 0)
			break;
	}
	CHECK(i == 5001);
	ob_roster_close(r);
}

static void utf8(void)
{
	CHECK(ob_utf8_valid("plain", 5));
	CHECK(ob_utf8_valid("Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x93", 14));
	CHECK(!ob_utf8_valid("\xc0\xaf", 2));         /* overlong */
	CHECK(!ob_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	CHECK(!ob_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	CHECK(!ob_utf8_valid("\xe2\x82", 2));         /* cut short */
	CHECK(!ob_utf8_valid("\xe9t\xe9", 3));        /* Latin-1 */
}

int main(void)
{
	char cmd[200];

	if (!mkdtemp(dir))
		return 1;
	basics();
	headers();
	bad_rows();
	dups();
	utf8();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done("test_roster");
}
