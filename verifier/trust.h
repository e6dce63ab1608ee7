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
 * S strict, Y require-trusted-issuer, E recipient); TRUST_POLICY_TABLE
 * and TRUST_SOURCES_TABLE list them for an option table. -1: not one of them; 0: taken; else the exit
 * code of a usage error, already reported. */
int trust_option(struct trust *t, int c, const char *arg);
/* After the options: checks --cacert, loads --jwk, opens the disk cache
 * (unless --no-cache) and connects the loader to the network. 0 or the
 * exit code, reported. */
int trust_ready(struct trust *t);
void trust_release(struct trust *t);

/* The shared options as option-table entries (cli/opts.h), in the order
 * the synopses show them: the policy, then where keys and documents come
 * from. */
#define TRUST_POLICY_TABLE \
	{ "strict", 0, NULL, "a conformance error makes the verdict invalid, not a warning", 'S', 0 }, \
	{ "require-trusted-issuer", 0, NULL, "a self-asserted issuer identity leaves the verdict undecided", 'Y', 0 }, \
	{ "recipient", 0, "EMAIL", "the learner's e-mail address, checked against a hashed one", 'E', 0 }, \
	{ "now", 0, "T", "check as of time T (e.g. 2026-01-01T00:00:00Z)", 'n', 0 }

#define TRUST_SOURCES_TABLE \
	{ "doc", 0, "URL=FILE", "answer URL from FILE, never fetching it", OB_NETOPT_DOC, OB_OPT_REPEAT }, \
	{ "jwk", 0, "FILE", "the issuer's public key for a VC-JWT, out of band", 'k', 0 }, \
	{ "offline", 0, NULL, "no network: --doc files, shipped contexts and the disk cache", OB_NETOPT_OFFLINE, 0 }, \
	{ "cacert", 0, "FILE", "CAs to trust besides the system's", OB_NETOPT_CACERT, 0 }, \
	{ "timeout", 0, "SECONDS", "per fetch (more than 0, at most 600)", OB_NETOPT_TIMEOUT, 0 }, \
	{ "no-cache", 0, NULL, "leave the disk cache alone", OB_NETOPT_NO_CACHE, 0 }, \
	{ "registry", 0, "FILE", "an issuer registry or trusted-issuer list", 'r', OB_OPT_REPEAT }, \
	{ "no-default-registries", 0, NULL, "skip the user's own registries (XDG config)", 'R', 0 }

#endif
