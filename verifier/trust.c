#include "trust.h"

#include <string.h>

#include "cli/cli.h"
#include "base/dates.h"
#include "vc/ob3.h"

int trust_init(struct trust *t)
{
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = ob_netopts_init(&t->net)))
		return rc;
	t->loader = t->net.loader;
	t->reg = ob_registry_new();
	return t->reg ? 0 : ob_cli_errorf(3, "out of memory");
}

int trust_option(struct trust *t, int c, const char *arg)
{
	ob_error err = { 0 };
	int rc;

	if ((rc = ob_netopts_option(&t->net, c, arg)) >= 0)
		return rc;
	switch (c) {
	case 'n':
		if (ob_date_parse(arg, &t->vo.now, NULL) < 0)
			return ob_cli_usage(ob_cli_current(), "invalid --now '%s' (want e.g. 2026-01-01T00:00:00Z)", arg);
		return 0;
	case 'k': t->jwk_path = arg; return 0;
	case 'r':
		/* a registry or list that cannot be read is a usage error */
		if (ob_registry_add_file(t->reg, arg, &err))
			return ob_cli_errorf(err.code == OB_ENOMEM ? 3 : 2, "%s", err.msg);
		return 0;
	case 'R': t->no_default_registries = 1; return 0;
	case 'S': t->vo.strict = 1; return 0;
	case 'Y': t->vo.require_trusted = 1; return 0;
	case 'E':
		if (!ob3_is_email(arg))
			return ob_cli_usage(ob_cli_current(), "--recipient wants an e-mail address, got '%s'", arg);
		t->vo.recipient = arg;
		return 0;
	default: return -1;
	}
}

int trust_ready(struct trust *t)
{
	ob_error err = { 0 };
	int rc;

	/* the user's own registries and trusted-issuer list (XDG config)
	 * come after those named with --registry */
	if (!t->no_default_registries && ob_registry_add_defaults(t->reg, NULL, &err))
		return ob_cli_errorf(err.code == OB_ENOMEM ? 3 : 2, "%s", err.msg);
	if ((rc = ob_netopts_check(&t->net)))
		return rc;
	if (t->jwk_path) {
		if (!(t->jwk = ob_key_load(t->jwk_path, &err)))
			return ob_cli_fail(&err);
		t->vo.jwt_key = t->jwk;
	}
	/* network by default, through the disk cache; --offline: the cache
	 * and --doc only */
	if (ob_netopts_connect(&t->net, 1, &err))
		return ob_cli_fail(&err);
	t->vo.loader = t->loader;
	t->vo.registries = ob_registry_count(t->reg) ? t->reg : NULL;
	return 0;
}

void trust_release(struct trust *t)
{
	ob_netopts_release(&t->net);
	ob_registry_free(t->reg);
	ob_key_free(t->jwk);
	memset(t, 0, sizeof(*t));
}
