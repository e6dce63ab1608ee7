/* trust: what `verify` and `scan` share before they verify anything: the
 * evaluation time, the network options (cli/netopts.h: --doc, --offline,
 * --cacert, --timeout, --no-cache, through the disk cache), the
 * registries, the verification policy and an out-of-band --jwk. */
#ifndef OB_VERIFIER_TRUST_H
#define OB_VERIFIER_TRUST_H

#include "cli/netopts.h"
#include "proof/keys.h"
#include "io/loader.h"
#include "vc/registry.h"
#include "vc/verify.h"

struct trust {
	ob_verify_opts vo;  /* ready for ob_verify_* after trust_ready */
	struct ob_netopts net;
	ob_loader *loader;  /* net.loader */
	ob_registry *reg;
	ob_key *jwk;
	const char *jwk_path;
	int no_default_registries;
};

/* 0, or the exit code (out of memory). trust_release it either way. */
int trust_init(struct trust *t);
/* Takes getopt's answer c for the shared options (the network ones of
 * cli/netopts.h, and n now, k jwk, r registry, R no-default-registries,
 * S strict, Y require-trusted-issuer, E recipient); TRUST_LONGOPTS lists
 * them for getopt_long. -1: not one of them; 0: taken; else the exit
 * code of a usage error, already reported. */
int trust_option(struct trust *t, int c, const char *arg);
/* After the options: checks --cacert, loads --jwk, opens the disk cache
 * (unless --no-cache) and connects the loader to the network. 0 or the
 * exit code, reported. */
int trust_ready(struct trust *t);
void trust_release(struct trust *t);

#define TRUST_LONGOPTS \
	OB_NETOPTS_LONGOPTS, \
	{ "now", required_argument, NULL, 'n' }, \
	{ "jwk", required_argument, NULL, 'k' }, \
	{ "registry", required_argument, NULL, 'r' }, \
	{ "no-default-registries", no_argument, NULL, 'R' }, \
	{ "strict", no_argument, NULL, 'S' }, \
	{ "require-trusted-issuer", no_argument, NULL, 'Y' }, \
	{ "recipient", required_argument, NULL, 'E' }

#endif
