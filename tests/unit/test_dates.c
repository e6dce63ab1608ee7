/* test_dates: XML Schema dateTime parsing and formatting. */
#include <string.h>
#include <time.h>

#include "check.h"
#include "base/dates.h"
#include "base/obkit.h"

/* 2025-06-01T00:00:00Z */
#define JUNE1 ((time_t)1748736000)

/* Parses s; returns 1 when accepted with time want and zone flag zone. */
static int parses_to(const char *s, time_t want, int zone)
{
	time_t t = 0;
	int z = -1;

	if (ob_date_parse(s, &t, &z) != 0) {
		fprintf(stderr, "  '%s' refused\n", s);
		return 0;
	}
	if (t != want || z != zone)
		fprintf(stderr, "  '%s': got %lld zone %d, want %lld zone %d\n", s, (long long)t, z,
			(long long)want, zone);
	return t == want && z == zone;
}

static int refused(const char *s)
{
	time_t t = 12345;
	int z = 7;

	return ob_date_parse(s, &t, &z) == -1;
}

static const char *fmt(time_t t)
{
	static char out[32];

	memset(out, 'x', sizeof(out));
	ob_date_format(t, out);
	return out;
}

static void test_parse(void)
{
	time_t t = 0;

	CHECK(parses_to("2025-06-01T00:00:00Z", JUNE1, 1));
	CHECK(parses_to("1970-01-01T00:00:00Z", 0, 1));
	CHECK(parses_to("2025-06-01T12:34:56Z", JUNE1 + 12 * 3600 + 34 * 60 + 56, 1));
	/* offsets: local time minus the offset is UTC */
	CHECK(parses_to("2025-06-01T02:00:00+02:00", JUNE1, 1));
	CHECK(parses_to("2025-05-31T19:30:00-04:30", JUNE1, 1));
	CHECK(parses_to("2025-06-01T00:00:00+00:00", JUNE1, 1));
	CHECK(parses_to("2025-06-01T00:00:00-00:00", JUNE1, 1));
	CHECK(parses_to("2025-06-01T05:45:00+05:45", JUNE1, 1));
	/* fractional seconds are accepted and dropped */
	CHECK(parses_to("2025-06-01T00:00:00.5Z", JUNE1, 1));
	CHECK(parses_to("2025-06-01T00:00:00.123456789Z", JUNE1, 1));
	CHECK(parses_to("2025-06-01T00:00:00.999+00:00", JUNE1, 1));
	CHECK(parses_to("2025-06-01T00:00:59.999Z", JUNE1 + 59, 1));
	/* no zone: read as UTC, has_zone 0 */
	CHECK(parses_to("2025-06-01T00:00:00", JUNE1, 0));
	CHECK(parses_to("2025-06-01T00:00:00.250", JUNE1, 0));
	/* has_zone may be NULL */
	CHECK(ob_date_parse("2025-06-01T00:00:00Z", &t, NULL) == 0 && t == JUNE1);
	/* before 1970 */
	CHECK(parses_to("1969-12-31T23:59:59Z", -1, 1));

	/* leap days */
	CHECK(parses_to("2024-02-29T12:34:56Z", 1709210096, 1));
	CHECK(parses_to("2024-03-01T00:00:00Z", 1709251200, 1));
	CHECK(parses_to("2000-02-29T00:00:00Z", 951782400, 1));
	CHECK(refused("2025-02-29T00:00:00Z"));
	CHECK(refused("1900-02-29T00:00:00Z"));
	CHECK(refused("2100-02-29T00:00:00Z"));
	CHECK(refused("2024-02-30T00:00:00Z"));
	CHECK(refused("2025-04-31T00:00:00Z"));
	CHECK(parses_to("2025-12-31T23:59:59Z", 1767225599, 1));

	/* garbage and near misses */
	CHECK(refused(""));
	CHECK(refused(NULL));
	CHECK(refused("yesterday"));
	CHECK(refused("2025-06-01"));
	CHECK(refused("2025-06-01T00:00Z"));
	CHECK(refused("2025-06-01 00:00:00Z"));
	CHECK(refused("2025/06/01T00:00:00Z"));
	CHECK(refused("25-06-01T00:00:00Z"));
	CHECK(refused("2025-6-01T00:00:00Z"));
	CHECK(refused("2025-00-01T00:00:00Z"));
	CHECK(refused("2025-13-01T00:00:00Z"));
	CHECK(refused("2025-06-00T00:00:00Z"));
	CHECK(refused("2025-06-32T00:00:00Z"));
	CHECK(refused("2025-06-01T24:00:00Z"));
	CHECK(refused("2025-06-01T00:60:00Z"));
	CHECK(refused("2025-06-01T00:00:61Z"));
	CHECK(refused("2025-06-01T00:00:00ZZ"));
	CHECK(refused("2025-06-01T00:00:00Z "));
	CHECK(refused(" 2025-06-01T00:00:00Z"));
	CHECK(refused("2025-06-01T00:00:00.Z"));
	CHECK(refused("2025-06-01T00:00:00.1.2Z"));
	CHECK(refused("2025-06-01T00:00:00+02"));
	CHECK(refused("2025-06-01T00:00:00+0200"));
	CHECK(refused("2025-06-01T00:00:00+2:00"));
	CHECK(refused("2025-06-01T00:00:00+24:00"));
	CHECK(refused("2025-06-01T00:00:00+02:60"));
	CHECK(refused("2025-06-01T00:00:00+02:00:00"));
	CHECK(refused("2025-06-01T00:00:00UTC"));
	CHECK(refused("2025-06-01T00:00:00 Z"));
	CHECK(refused("+2025-06-01T00:00:00Z"));
	CHECK(refused("2025-06-01T0a:00:00Z"));
	CHECK(refused("2025-06-01T00:00:00\nZ"));
}

static void test_format(void)
{
	static const char *const round[] = {
		"2025-06-01T00:00:00Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z",
		"1999-12-31T23:59:59Z", "2038-01-19T03:14:08Z", "2099-07-04T12:00:01Z",
	};
	size_t i;
	time_t t;

	CHECK_STR(fmt(JUNE1), "2025-06-01T00:00:00Z");
	CHECK_STR(fmt(0), "1970-01-01T00:00:00Z");
	CHECK(strlen(fmt(JUNE1)) == 20);
	/* an offset or fraction comes back as UTC to the second */
	CHECK(ob_date_parse("2025-06-01T08:15:30.75+05:30", &t, NULL) == 0);
	CHECK_STR(fmt(t), "2025-06-01T02:45:30Z");
	CHECK(ob_date_parse("2024-12-31T22:00:00-03:00", &t, NULL) == 0);
	CHECK_STR(fmt(t), "2025-01-01T01:00:00Z");
	for (i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		int zone = 0;
		CHECK(ob_date_parse(round[i], &t, &zone) == 0 && zone == 1);
		CHECK_STR(fmt(t), round[i]);
	}
	/* and time -> text -> time */
	for (t = -86400 * 400; t < (time_t)4102444800; t += 86400 * 97 + 3671) {
		time_t back = 0;
		if (ob_date_parse(fmt(t), &back, NULL) != 0 || back != t) {
			CHECK(!"format/parse round trip");
			fprintf(stderr, "  t=%lld text=%s back=%lld\n", (long long)t, fmt(t), (long long)back);
			break;
		}
	}
	CHECK(t >= (time_t)4102444800);
}

static void test_now(void)
{
	time_t before = time(NULL), n = ob_date_now(0);

	CHECK(ob_date_now(JUNE1) == JUNE1);
	CHECK(n >= before && n <= time(NULL));
}

int main(void)
{
	ob_init();
	test_parse();
	test_format();
	test_now();
	return check_done("test_dates");
}
