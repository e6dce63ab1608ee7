#include "cli/netopts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int ob_netopts_init(struct ob_netopts *n)
{
	memset(n, 0, sizeof(*n));
	return (n->loader = ob_loader_new()) ? 0 : ob_cli_errorf(3, "out of memory");
}

static int parse_timeout(const char *s, long *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 600)
		return -1;
	*ms = (long)(v * 1000 + 0.5);
	return *ms > 0 ? 0 : -1;
}

static int add_doc(struct ob_netopts *n, const char *spec)
{
	ob_error err = { 0 };
	const char **d;

	if (ob_loader_add_spec(n->loader, spec, &err))
		return err.code == OB_EUSAGE ? ob_cli_usage(ob_cli_current(), "%s", err.msg) : ob_cli_fail(&err);
	if (!(d = realloc(n->docs, (n->ndocs + 1) * sizeof(*d))))
		return ob_cli_errorf(3, "out of memory");
	n->docs = d;
	n->docs[n->ndocs++] = spec;
	return 0;
}

int ob_netopts_option(struct ob_netopts *n, int c, const char *arg)
{
	switch (c) {
	case OB_NETOPT_DOC: return add_doc(n, arg);
	case OB_NETOPT_OFFLINE: n->http.offline = 1; return 0;
	case OB_NETOPT_CACERT: n->http.cacert = arg; return 0;
	case OB_NETOPT_TIMEOUT:
		if (parse_timeout(arg, &n->http.timeout_ms) < 0)
			return ob_cli_usage(ob_cli_current(), "invalid --timeout '%s' (seconds, more than 0, at most 600)", arg);
		return 0;
	case OB_NETOPT_NO_CACHE: n->no_cache = 1; return 0;
	default: return -1;
	}
}

int ob_netopts_check(struct ob_netopts *n)
{
	ob_error err = { 0 };

	if (n->http.cacert && ob_http_check_cacert(n->http.cacert, &err))
		return ob_cli_usage(ob_cli_current(), "%s", err.msg);
	return 0;
}

ob_code ob_netopts_connect(struct ob_netopts *n, int cache, ob_error *err)
{
	if (!cache) {
		if (n->http.offline)
			return OB_OK;
		return ob_loader_set_http(n->loader, &n->http, err);
	}
	if (!n->no_cache && !n->cache && !(n->cache = ob_http_cache_dir(err)))
		return err->code;
	n->http.cache_dir = n->cache;
	return ob_loader_set_http(n->loader, &n->http, err);
}

void ob_netopts_release(struct ob_netopts *n)
{
	ob_loader_free(n->loader);
	free(n->docs);
	free(n->cache);
	memset(n, 0, sizeof(*n));
}
