/* http: the policy checks that need no server (https only, Content-Type,
 * the cache directory), the disk cache read back offline, and the
 * loader's rule that fetched documents never serve as JSON-LD contexts.
 * The network itself is tested against a real HTTPS server in
 * tests/cli/verifier_net.sh. */
#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include "check.h"
#include "base/fsutil.h"
#include "io/http.h"
#include "io/loader.h"

/* Writes a cache entry as http.c does (its documented layout). */
static void put(const char *dir, const char *url, const char *type, long long expires,
		const char *body)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char name[2 * SHA256_DIGEST_LENGTH + 1], *path;
	ob_error err = { 0 };
	FILE *f;
	size_t i;

	SHA256((const unsigned char *)url, strlen(url), md);
	for (i = 0; i < sizeof(md); i++)
		sprintf(name + 2 * i, "%02x", md[i]);
	path = ob_path_join(dir, name);
	CHECK(ob_mkdir_p(dir, &err) == OB_OK);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fprintf(f, "obkit-http-cache 1\nurl %s\n", url);
		if (type)
			fprintf(f, "type %s\n", type);
		fprintf(f, "etag \"1\"\nexpires %lld\n\n%s", expires, body);
		fclose(f);
	}
	free(path);
}

/* Writes, under url's cache name, an entry claiming to be for claimed
 * (or, when claimed is NULL, raw bytes). */
static void put_as(const char *dir, const char *url, const char *claimed, const char *raw)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char name[2 * SHA256_DIGEST_LENGTH + 1], *path;
	FILE *f;
	size_t i;

	SHA256((const unsigned char *)url, strlen(url), md);
	for (i = 0; i < sizeof(md); i++)
		sprintf(name + 2 * i, "%02x", md[i]);
	path = ob_path_join(dir, name);
	if ((f = fopen(path, "w"))) {
		if (claimed)
			fprintf(f, "obkit-http-cache 1\nurl %s\nexpires 1\n\n", claimed);
		fputs(raw, f);
		fclose(f);
	}
	free(path);
}

/* public_only: the address connected to decides, not the URL's text;
 * nothing listens on these ports, so without the rule the answer is a
 * connection failure instead. */
static void test_public_only(void)
{
	static const char *const urls[] = {
		"https://127.0.0.1:9/x", "https://localhost:9/x", "https://[::1]:9/x",
		"https://10.1.2.3:9/x", "https://192.168.0.1:9/x", "https://169.254.169.254:9/x",
		"https://[::ffff:127.0.0.1]:9/x", "https://0.0.0.0:9/x",
		/* benchmarking, documentation, NAT64 and 6to4 of 10.0.0.1 */
		"https://198.18.0.1:9/x", "https://198.19.255.1:9/x", "https://192.0.2.1:9/x",
		"https://[64:ff9b::a00:1]:9/x", "https://[2002:a00:1::1]:9/x", "https://[2001:db8::1]:9/x",
	};
	char own[80] = "";
	struct ifaddrs *ifs, *ifa;
	ob_http_opts o = { 0 };
	ob_buf b = OB_BUF_INIT;
	size_t i;

	o.timeout_ms = 2000;
	o.public_only = 1;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		ob_error err = { 0 };
		CHECK(ob_http_get(urls[i], &o, &b, NULL, &err) == OB_ENET);
		CHECK(strstr(err.msg, "private or local") != NULL);
		if (!strstr(err.msg, "private or local"))
			fprintf(stderr, "  %s: %s\n", urls[i], err.msg);
	}
	/* this machine's own non-loopback address reaches its services too */
	if (getifaddrs(&ifs) == 0) {
		for (ifa = ifs; ifa && !own[0]; ifa = ifa->ifa_next) {
			char ip[INET_ADDRSTRLEN];
			if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET)
				continue;
			inet_ntop(AF_INET, &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr, ip, sizeof(ip));
			if (strncmp(ip, "127.", 4))
				snprintf(own, sizeof(own), "https://%s:9/x", ip);
		}
		freeifaddrs(ifs);
	}
	if (own[0]) {
		ob_error err = { 0 };
		CHECK(ob_http_get(own, &o, &b, NULL, &err) == OB_ENET);
		CHECK(strstr(err.msg, "private or local") != NULL);
	} else
		fprintf(stderr, "note: no non-loopback IPv4 address to test\n");
	o.public_only = 0;
	{
		ob_error err = { 0 };
		CHECK(ob_http_get("https://127.0.0.1:9/x", &o, &b, NULL, &err) == OB_ENET);
		CHECK(strstr(err.msg, "private or local") == NULL);
	}
	CHECK(b.len == 0);
	ob_buf_release(&b);
}

int main(void)
{
	char dir[] = "/tmp/obkit-test-http.XXXXXX";
	ob_http_opts o = { 0 };
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };
	ob_loader *l;
	const json_t *doc;
	char *type = NULL, *cd;

	test_public_only();

	/* Content-Type */
	CHECK(ob_http_json_type("application/json"));
	CHECK(ob_http_json_type("application/json; charset=utf-8"));
	CHECK(ob_http_json_type("Application/LD+JSON"));
	CHECK(ob_http_json_type("application/did+json"));
	CHECK(ob_http_json_type("application/did+ld+json"));
	CHECK(ob_http_json_type("application/vc+ld+json;profile=x"));
	CHECK(ob_http_json_type(NULL));
	CHECK(!ob_http_json_type("text/html"));
	CHECK(!ob_http_json_type("text/html; charset=utf-8"));
	CHECK(!ob_http_json_type("application/+json"));
	CHECK(!ob_http_json_type("application/jsonx"));
	CHECK(!ob_http_json_type("text/json+html"));

	/* https only, before any I/O */
	CHECK(ob_http_get("http://example.com/x", &o, &b, NULL, &err) == OB_EUSAGE);
	CHECK(strstr(err.msg, "only https") != NULL);
	ob_error_clear(&err);
	CHECK(ob_http_get("file:///etc/passwd", &o, &b, NULL, &err) == OB_EUSAGE);
	ob_error_clear(&err);
	CHECK(ob_http_get("https://", &o, &b, NULL, &err) == OB_EUSAGE);
	ob_error_clear(&err);
	CHECK(b.len == 0);

	/* the cache directory */
	setenv("XDG_CACHE_HOME", "/xdg", 1);
	cd = ob_http_cache_dir(&err);
	CHECK_STR(cd, "/xdg/obkit/http");
	free(cd);
	setenv("XDG_CACHE_HOME", "relative", 1); /* XDG: ignored */
	setenv("HOME", "/home/u", 1);
	cd = ob_http_cache_dir(&err);
	CHECK_STR(cd, "/home/u/.cache/obkit/http");
	free(cd);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	CHECK(ob_http_cache_dir(&err) == NULL && err.code == OB_EUSAGE);
	ob_error_clear(&err);

	/* offline: the cache only, stale entries included */
	CHECK(mkdtemp(dir) != NULL);
	o.cache_dir = dir;
	o.offline = 1;
	CHECK(ob_http_get("https://a.example/none", &o, &b, NULL, &err) == OB_ENET);
	CHECK(strstr(err.msg, "not in the cache (offline)") != NULL);
	ob_error_clear(&err);
	put(dir, "https://a.example/doc", "application/json", 1, "{\"id\": \"x\"}");
	CHECK(ob_http_get("https://a.example/doc", &o, &b, &type, &err) == OB_OK);
	CHECK_STR(b.data, "{\"id\": \"x\"}");
	CHECK_STR(type, "application/json");
	free(type);
	ob_buf_release(&b);
	/* an entry whose url line does not match is a miss (a hash
	 * collision or a planted file must not answer for another URL) */
	put_as(dir, "https://a.example/doc2", "https://a.example/other", "{}");
	CHECK(ob_http_get("https://a.example/doc2", &o, &b, NULL, &err) == OB_ENET);
	ob_error_clear(&err);
	/* a damaged entry is a miss */
	put_as(dir, "https://a.example/bad", NULL, "garbage");
	CHECK(ob_http_get("https://a.example/bad", &o, &b, NULL, &err) == OB_ENET);
	ob_error_clear(&err);
	CHECK(b.len == 0);

	/* the loader: fetched documents are for DIDs and status lists, never
	 * JSON-LD contexts */
	l = ob_loader_new();
	CHECK(ob_loader_get_remote(l, "https://a.example/doc", &err) == NULL); /* no policy: offline */
	CHECK(strstr(err.msg, "not available offline") != NULL);
	ob_error_clear(&err);
	CHECK(ob_loader_set_http(l, &o, &err) == OB_OK);
	doc = ob_loader_get_remote(l, "https://a.example/doc#frag", &err);
	CHECK(doc != NULL && json_is_object(doc));
	CHECK(ob_loader_get_remote(l, "https://a.example/doc", &err) == doc); /* kept */
	CHECK(ob_loader_get(l, "https://a.example/doc", &err) == NULL);
	CHECK(err.code == OB_ENET);
	ob_error_clear(&err);
	put(dir, "https://a.example/page", "text/html; charset=utf-8", 1, "{}");
	CHECK(ob_loader_get_remote(l, "https://a.example/page", &err) == NULL);
	CHECK(err.code == OB_ENET && strstr(err.msg, "served as text/html") != NULL);
	ob_error_clear(&err);
	put(dir, "https://a.example/notjson", "application/json", 1, "<html>");
	CHECK(ob_loader_get_remote(l, "https://a.example/notjson", &err) == NULL);
	CHECK(err.code == OB_ENET && strstr(err.msg, "invalid JSON") != NULL);
	ob_error_clear(&err);
	/* shipped contexts still come first, and raw fetches use the cache */
	CHECK(ob_loader_get_remote(l, "https://www.w3.org/ns/credentials/v2", &err) != NULL);
	CHECK(ob_loader_fetch(l, "https://a.example/doc", &b, &err) == OB_OK);
	CHECK_STR(b.data, "{\"id\": \"x\"}");
	ob_buf_release(&b);
	ob_loader_free(l);

	{
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK(system(cmd) == 0);
	}
	return check_done("test_http");
}
