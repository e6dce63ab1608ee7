/* verify_status: a credential's status entries (Bitstring Status List
 * 1.0, StatusList2021, RevocationList2020, and the OB 3.0 spec's
 * 1EdTechRevocationList), each list fetched and verified as a credential,
 * and the cache that lets a run (ob-verifier verify DIR) verify each list
 * once and decode each did:key once. */
#include "vc/verify_impl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "vc/ob3.h"
#include "vc/status.h"

/* A run keeps at most this many lists, holding at most this many decoded
 * bytes; past either, a list is verified for each credential as without
 * a cache (same report, more work). */
#define CACHE_MAX_LISTS 1024
#define CACHE_MAX_BYTES (64u * 1024 * 1024)
/* and at most this many did:key keys */
#define CACHE_MAX_KEYS 4096

/* One status list as the credentials that point at it see it: whatever
 * does not depend on the credential (its issuer, its purpose, its index).
 * The key is everything the list's verification depends on that can
 * differ within a run: the URL, the nesting depth (MAX_NESTING) and the
 * challenge and domain (ob_verify_opts; nested credentials drop them). */
struct slist {
	char *url, *challenge, *domain;
	int depth;
	int revlist;        /* a 1EdTechRevocationList (a list of ids, no
			     * bits), else a bitstring list */
	int ready;          /* in a cache: filled in, never changed again */
	char *fetch_err;    /* the loader's failure (never cached) */
	json_t *list;       /* the list credential (a reference, read only) */
	char *bad;          /* NULL: the list verified; else the " (id: message)"
			     * of why it did not ("" when there is no why) */
	ob_buf bits;        /* the decoded list, when it verified */
	char *bits_err;     /* else why it cannot be decoded */
	int oom;            /* out of memory on the way: none of the above */
	struct slist *next;
};

/* A did:key verification method: its key is the identifier itself, so
 * what it resolves to never changes (did:web and https keys come through
 * the loader, which keeps their documents). */
struct skey {
	char *url;
	ob_vm vm;
	struct skey *next;
};

struct ob_verify_cache {
	pthread_mutex_t mu;
	pthread_cond_t filled;
	struct slist *head;
	size_t n, bytes;
	struct skey *keys;
	size_t nkeys;
};

static void slist_free(struct slist *l)
{
	if (!l)
		return;
	free(l->url);
	free(l->challenge);
	free(l->domain);
	free(l->fetch_err);
	json_decref(l->list);
	free(l->bad);
	ob_buf_release(&l->bits);
	free(l->bits_err);
	free(l);
}

ob_verify_cache *ob_verify_cache_new(void)
{
	ob_verify_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (pthread_mutex_init(&c->mu, NULL)) {
		free(c);
		return NULL;
	}
	if (pthread_cond_init(&c->filled, NULL)) {
		pthread_mutex_destroy(&c->mu);
		free(c);
		return NULL;
	}
	return c;
}

void ob_verify_cache_free(ob_verify_cache *c)
{
	struct slist *l, *n;
	struct skey *k, *kn;

	if (!c)
		return;
	for (l = c->head; l; l = n) {
		n = l->next;
		slist_free(l);
	}
	for (k = c->keys; k; k = kn) {
		kn = k->next;
		free(k->url);
		ob_vm_release(&k->vm);
		free(k);
	}
	pthread_cond_destroy(&c->filled);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static const ob_vm *key_find(ob_verify_cache *c, const char *url)
{
	struct skey *k;

	for (k = c->keys; k; k = k->next)
		if (!strcmp(k->url, url))
			return &k->vm;
	return NULL;
}

const ob_vm *ob_verify_cache_vm(ob_verify_cache *c, const char *url)
{
	const ob_vm *vm;

	if (!c || !url || strncmp(url, "did:key:", 8))
		return NULL;
	pthread_mutex_lock(&c->mu);
	vm = key_find(c, url);
	pthread_mutex_unlock(&c->mu);
	return vm;
}

const ob_vm *ob_verify_cache_take_vm(ob_verify_cache *c, const char *url, ob_vm *vm)
{
	const ob_vm *have = NULL;
	struct skey *k;

	if (!c || !url || strncmp(url, "did:key:", 8))
		return NULL;
	pthread_mutex_lock(&c->mu);
	if (!(have = key_find(c, url)) && c->nkeys < CACHE_MAX_KEYS && (k = calloc(1, sizeof(*k)))) {
		if ((k->url = strdup(url))) {
			k->vm = *vm;
			k->next = c->keys;
			c->keys = k;
			c->nkeys++;
			memset(vm, 0, sizeof(*vm));
			have = &k->vm;
		} else {
			free(k);
		}
	}
	pthread_mutex_unlock(&c->mu);
	return have;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static struct slist *find(ob_verify_cache *c, const char *url, int depth, int revlist,
			  const ob_verify_opts *opts)
{
	struct slist *l;

	for (l = c->head; l; l = l->next)
		if (l->depth == depth && l->revlist == revlist && !strcmp(l->url, url) &&
		    same(l->challenge, opts->challenge) && same(l->domain, opts->domain))
			return l;
	return NULL;
}

/* " (id: message)" of the check that kept lr from verifying, "" without
 * one; NULL when out of memory. */
static char *why_not(const ob_report *lr)
{
	const ob_check *why = lr ? ob_report_first_problem(lr) : NULL;
	int n = snprintf(NULL, 0, "%s%s%s%s%s", why ? " (" : "", why ? why->id : "", why ? ": " : "",
			 why ? why->message : "", why ? ")" : "");
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;

	if (s)
		snprintf(s, (size_t)n + 1, "%s%s%s%s%s", why ? " (" : "", why ? why->id : "",
			 why ? ": " : "", why ? why->message : "", why ? ")" : "");
	return s;
}

/* Fetches and verifies the list at l->url into l. Returns 1 when what it
 * found may be kept for the rest of the run: a list that verified or was
 * shown not to (the same document and keys give the same answer), never
 * a fetch that failed or a list left undecided (a network failure the
 * next credential's attempt may not meet: the loader does not keep
 * failures either), nor anything cut short by memory. */
static int fill(struct slist *l, const ob_verify_opts *opts)
{
	ob_verify_opts inner;
	ob_report *lr = NULL;
	ob_error e = { 0 };
	const json_t *list;
	const char *enc;
	int keep = 0;

	if (!(list = ob_loader_get_remote(opts->loader, l->url, &e))) {
		l->oom = !(l->fetch_err = strdup(e.msg));
		return 0;
	}
	l->list = json_incref((json_t *)list);
	/* a 1EdTech revocation list is a plain JSON document (VCRL 1.0; the
	 * 1EdTech validator reads it unsigned): served at the URL the signed
	 * credential names, that URL's origin vouches for it. One that does
	 * carry a proof must verify like any list credential. */
	if (l->revlist && !json_object_get(list, "proof"))
		return 1;
	/* the list is checked for what it is, not by the employer's policy
	 * for badges: no recipient, no strictness, no registry demand */
	inner = *opts;
	inner.recipient = NULL;
	inner.strict = inner.require_trusted = 0;
	lr = ob_verify_doc(list, &inner, l->depth + 1);
	if (!lr || lr->verdict != OB_VALID) {
		keep = lr && lr->verdict == OB_INVALID;
		if (!lr || !(l->bad = why_not(lr)))
			keep = 0, l->oom = 1;
		goto out;
	}
	if (l->revlist) {
		keep = 1;
		goto out;
	}
	enc = ob_json_str(ob3_subject(list), "encodedList");
	if (!enc || ob_status_decode(enc, &l->bits, &e)) {
		ob_buf_release(&l->bits);
		l->oom = !(l->bits_err = strdup(e.msg[0] ? e.msg : "no encodedList"));
		keep = !l->oom && e.code != OB_ENOMEM;
		goto out;
	}
	keep = 1;
out:
	ob_report_free(lr);
	return keep;
}

/* The list at url as this run has it: from the cache (borrowed, *owned
 * 0), or found now (*owned 1: slist_free it). NULL when out of memory.
 * A thread that finds another one filling the same list waits for it;
 * the lists it waits on are always one level deeper than its own, so no
 * two threads wait on each other. */
static struct slist *list_get(const ob_verify_opts *opts, const char *url, int depth, int revlist,
			      int *owned)
{
	ob_verify_cache *c = opts->cache;
	struct slist *l = NULL, *mine;
	int keep;

	*owned = 1;
	if (!(mine = calloc(1, sizeof(*mine))))
		return NULL;
	mine->depth = depth;
	mine->revlist = revlist;
	if (!(mine->url = strdup(url)) || (opts->challenge && !(mine->challenge = strdup(opts->challenge))) ||
	    (opts->domain && !(mine->domain = strdup(opts->domain)))) {
		slist_free(mine);
		return NULL;
	}
	if (c) {
		pthread_mutex_lock(&c->mu);
		while ((l = find(c, url, depth, revlist, opts)) && !l->ready)
			pthread_cond_wait(&c->filled, &c->mu);
		if (l) {
			pthread_mutex_unlock(&c->mu);
			slist_free(mine);
			*owned = 0;
			return l;
		}
		if (c->n < CACHE_MAX_LISTS && c->bytes < CACHE_MAX_BYTES) {
			/* others wanting it wait for this thread */
			mine->next = c->head;
			c->head = mine;
			c->n++;
			*owned = 0;
		}
		pthread_mutex_unlock(&c->mu);
	}
	keep = fill(mine, opts);
	if (*owned)
		return mine;
	pthread_mutex_lock(&c->mu);
	if (keep) {
		mine->ready = 1;
		c->bytes += mine->bits.len;
	} else {
		struct slist **p;
		for (p = &c->head; *p != mine; p = &(*p)->next)
			;
		*p = mine->next;
		mine->next = NULL;
		c->n--;
		*owned = 1;
	}
	pthread_cond_broadcast(&c->filled);
	pthread_mutex_unlock(&c->mu);
	return mine;
}

/* The bitstring status methods: an entry type, what its list credential
 * and the list's subject are, and where the entry keeps the list's URL,
 * its index and purpose (RevocationList2020 has no purpose: it only
 * revokes). */
struct method {
	const char *entry, *cred, *subj, *url_key, *index_key;
	int has_purpose;
};

static const struct method methods[] = {
	{ "BitstringStatusListEntry", "BitstringStatusListCredential", "BitstringStatusList",
	  "statusListCredential", "statusListIndex", 1 },
	/* VC 1.1 (status-legacy.md 2) */
	{ "StatusList2021Entry", "StatusList2021Credential", "StatusList2021",
	  "statusListCredential", "statusListIndex", 1 },
	/* W3C CCG Revocation List 2020 (context vc-revocation-list-2020) */
	{ "RevocationList2020Status", "RevocationList2020Credential", "RevocationList2020",
	  "revocationListCredential", "revocationListIndex", 0 },
};

/* A JSON number that is a whole number within int range (ob_json_parse
 * reads every number as a double), into *n; 0 when it is not one. */
static int whole_number(const json_t *v, long *n)
{
	double d = json_number_value(v);

	if (!json_is_number(v) || d != d || d < -2147483648.0 || d > 2147483647.0 || d != (double)(long)d)
		return 0;
	*n = (long)d;
	return 1;
}

/* The status string of a statusMessage item: "0x" and hex digits (spec
 * 2.1), as a value; -1 when it is not one. */
static long status_hex(const json_t *item)
{
	const char *v = ob_json_str(item, "status");
	unsigned long n = 0;
	size_t k;

	if (!v || v[0] != '0' || (v[1] != 'x' && v[1] != 'X') || !v[2] || strlen(v + 2) > 8)
		return -1;
	for (k = 2; v[k]; k++) {
		int c = v[k], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				  c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		n = n << 4 | (unsigned long)d;
	}
	return n > 0x7fffffffUL ? -1 : (long)n;
}

/* What obkit makes of a status message (the spec leaves its meaning to
 * those who define it): the words of our own message lists (vc/status.h)
 * and the spec's defaults for a 1-bit list without statusMessage ("unset"
 * and "set"); 0 current, 1 revoked, 2 suspended, -1 not known. */
static int message_kind(const char *msg)
{
	static const struct {
		const char *word;
		int kind;
	} words[] = {
		{ "valid", 0 }, { "active", 0 }, { "unset", 0 },
		{ "revoked", 1 }, { "suspended", 2 },
	};
	size_t k;

	for (k = 0; msg && k < sizeof(words) / sizeof(words[0]); k++)
		if (!strcasecmp(msg, words[k].word))
			return words[k].kind;
	return -1;
}

/* An entry of size bits (or of statusPurpose "message"): the value at
 * index i, its message from the entry's statusMessage (committed to at
 * issuance, spec 2.1), and a verdict only for a message obkit knows:
 * anything it cannot read or judge leaves the status open, never
 * current. Other purposes than "message" keep their meaning, as in a
 * 1-bit list: 0 is not revoked (suspended), any other value is. */
static void check_value(ob_report *r, const struct slist *l, const char *purpose, long long i, unsigned size,
			const json_t *msgs)
{
	unsigned long long entries = (unsigned long long)l->bits.len * 8 / size;
	const char *msg = NULL, *what;
	const json_t *item;
	unsigned v;
	size_t k;
	int kind;

	if ((unsigned long long)i >= entries) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: index %lld is outside the status list %s (%llu entries of %u bits)",
		    i, l->url, entries, size);
		return;
	}
	v = ob_status_get_n((const unsigned char *)l->bits.data, (size_t)i, size);
	if (strcmp(purpose, "message")) {
		what = !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : NULL;
		if (v)
			ob_verify_add(r, "status", OB_FAILED, 0, "%s: the issuer has %s this credential (%s, index %lld, status 0x%x)",
			    what ? what : purpose, what ? what : "flagged", l->url, i, v);
		else
			ob_verify_add(r, "status", OB_PASSED, 0, "not %s (%s, index %lld)", what ? what : purpose, l->url, i);
		return;
	}
	if (!msgs)
		msg = v ? "set" : "unset";
	json_array_foreach(msgs, k, item)
		if (status_hex(item) == (long)v) {
			msg = ob_json_str(item, "message");
			break;
		}
	if (!msg) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: status 0x%x of index %lld in %s has no message in the entry's statusMessage",
		    v, i, l->url);
		return;
	}
	kind = message_kind(msg);
	if (kind == 0)
		ob_verify_add(r, "status", OB_PASSED, 0, "not revoked, not suspended: status 0x%x \"%s\" (%s, index %lld)",
		    v, msg, l->url, i);
	else if (kind > 0)
		ob_verify_add(r, "status", OB_FAILED, 0, "%s: the issuer has %s this credential (%s, index %lld, status 0x%x \"%s\")",
		    kind == 1 ? "revoked" : "suspended", kind == 1 ? "revoked" : "suspended", l->url, i, v, msg);
	else
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s gives index %lld the status 0x%x \"%.80s\", not one obkit can judge (it knows valid, revoked and suspended)",
		    l->url, i, v, msg);
}

/* Bitstring Status List 1.0 3.2: fetch the list credential, verify it,
 * check issuer and purpose, read bit i (MSB first: index 0 is the high bit
 * of byte 0), or entry i of statusSize bits and a "message" entry's value
 * (check_value). Anything that stops the check leaves the verdict open;
 * only a set bit (a value that says revoked or suspended) makes the
 * credential invalid. */
static void check_list(ob_report *r, const json_t *cred, const struct slist *l, const struct method *m,
		       const char *purpose, long long i, unsigned size, const json_t *msgs)
{
	const char *want_cred = m->cred;
	const char *want_subj = m->subj;
	const char *url = l->url, *list_issuer;
	const json_t *subj, *lsize;
	long lsz = 0;
	int bit;

	if (l->fetch_err) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s", l->fetch_err);
		return;
	}
	if (l->bad) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s does not verify%s",
		    url, l->bad);
		return;
	}
	list_issuer = ob3_issuer_id(l->list);
	if (!list_issuer || !ob3_issuer_id(cred) || strcmp(list_issuer, ob3_issuer_id(cred)) != 0) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s was issued by %s, not by the credential's issuer",
		    url, list_issuer ? list_issuer : "(nobody)");
		return;
	}
	subj = ob3_subject(l->list);
	/* Bitstring Status List 1.0 2.2: the list credential and its
	 * subject say what they are; anything else is not a status list,
	 * whatever bits it carries */
	if (!ob_json_has_value(json_object_get(l->list, "type"), want_cred)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s is not a %s", url, want_cred);
		return;
	}
	if (!ob_json_has_value(json_object_get(subj, "type"), want_subj)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the subject of %s is not a %s",
		    url, want_subj);
		return;
	}
	if (m->has_purpose && !ob_json_has_value(json_object_get(subj, "statusPurpose"), purpose)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s is not for %s", url, purpose);
		return;
	}
	if (l->bits_err) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s", l->bits_err);
		return;
	}
	/* entries of statusSize bits. Bitstring Status List 1.0 2.2 still
	 * asks a "message" list for credentialSubject.statusSize, but the
	 * VC 2.0 context defines statusSize on the entry only (where the
	 * issuer commits to it at issuance, spec 2.1), so a list may well
	 * not say it; one that does must say the entry's, or the value read
	 * would be made of other credentials' bits */
	lsize = json_object_get(subj, "statusSize");
	if (lsize && (!whole_number(lsize, &lsz) || lsz != (long)size)) {
		char have[40] = "a statusSize that is no integer";
		if (whole_number(lsize, &lsz))
			snprintf(have, sizeof(have), "statusSize %ld", lsz);
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s has %s, the entry statusSize %u",
		    url, have, size);
		return;
	}
	if (size > 1 || !strcmp(purpose, "message")) {
		check_value(r, l, purpose, i, size, msgs);
		return;
	}
	if ((unsigned long long)i / 8 >= l->bits.len) {
		ob_verify_add(r, "status", OB_FAILED, 0, "status index %lld is outside the status list (%zu entries)", i, l->bits.len * 8);
		return;
	}
	bit = ((unsigned char)l->bits.data[i / 8] >> (7 - i % 8)) & 1;
	if (bit)
		ob_verify_add(r, "status", OB_FAILED, 0, "%s: the issuer has %s this credential (%s, index %lld)",
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : purpose,
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : "flagged",
		    url, i);
	else
		ob_verify_add(r, "status", OB_PASSED, 0, "not %s (%s, index %lld)",
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : purpose,
		    url, i);
}

/* An entry of a 1EdTech revocation list names the credential when its id
 * is the credential's (OB 3.0 10: ids compare after trimming white
 * space), and revokes it when "revoked" is absent or true (VCRL 1.0, as
 * the 1EdTech validator's RevocationListProbe reads it: a JSON boolean,
 * or what Jackson's asBoolean takes for true). */
static int names(const json_t *item, const char *cred_id, int *revoked)
{
	const char *id = ob_json_str(item, "id");
	const json_t *rv = json_object_get(item, "revoked");
	size_t n;

	if (!id)
		return 0;
	while (*id == ' ' || *id == '\t' || *id == '\n' || *id == '\r')
		id++;
	n = strlen(id);
	while (n && (id[n - 1] == ' ' || id[n - 1] == '\t' || id[n - 1] == '\n' || id[n - 1] == '\r'))
		n--;
	if (n != strlen(cred_id) || strncmp(id, cred_id, n) != 0)
		return 0;
	*revoked = !rv || json_is_true(rv) || (json_is_string(rv) && !strcmp(json_string_value(rv), "true")) ||
		   (json_is_number(rv) && json_number_value(rv) != 0);
	return 1;
}

/* 1EdTechRevocationList (status-legacy.md 1): the list at the entry's id
 * lists revoked credential ids ("revokedCredentials"; the validator has
 * read "revokedCredential" too). A list that names another issuer, or
 * carries a proof that does not verify, is no answer; only a listed id
 * makes the credential invalid. */
static void check_revocation_list(ob_report *r, const json_t *cred, const struct slist *l)
{
	const char *cred_id = ob_json_str(cred, "id"), *list_issuer, *why = NULL;
	const json_t *items, *item;
	size_t k;
	int revoked = 0, found = 0;

	if (l->fetch_err) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s", l->fetch_err);
		return;
	}
	if (l->bad) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the revocation list %s does not verify%s",
		    l->url, l->bad);
		return;
	}
	items = json_object_get(l->list, "revokedCredentials");
	if (!items)
		items = json_object_get(l->list, "revokedCredential");
	if (!json_is_object(l->list) || !json_is_array(items)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s is not a 1EdTech revocation list (no revokedCredentials)",
		    l->url);
		return;
	}
	/* a list may say whose it is; then it must be the issuer's, as a
	 * status list credential must */
	list_issuer = ob3_issuer_id(l->list);
	if ((json_object_get(l->list, "issuer") || json_object_get(l->list, "proof")) &&
	    (!list_issuer || !ob3_issuer_id(cred) || strcmp(list_issuer, ob3_issuer_id(cred)) != 0)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the revocation list %s was issued by %s, not by the credential's issuer",
		    l->url, list_issuer ? list_issuer : "(nobody)");
		return;
	}
	if (!cred_id) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the credential has no id to look up in the revocation list %s",
		    l->url);
		return;
	}
	json_array_foreach(items, k, item) {
		int rv = 0;
		if (names(item, cred_id, &rv)) {
			found = 1;
			if (rv && !revoked) {
				revoked = 1;
				why = ob_json_str(item, "revocationReason");
			}
		}
	}
	if (revoked)
		ob_verify_add(r, "status", OB_FAILED, 0, "revoked: the issuer has revoked this credential (%s%s%s)",
		    l->url, why ? ": " : "", why ? why : "");
	else
		ob_verify_add(r, "status", OB_PASSED, 0, "not revoked (%s%s)", l->url,
		    found ? ", listed as not revoked" : "");
}

/* The entry's list index: a base-10 string; the 1EdTech sample has a
 * number. -1 when it is neither. */
static long long entry_index(const json_t *idx)
{
	long long i = -1;
	char *end;

	if (json_is_string(idx)) {
		const char *v = json_string_value(idx);
		if (*v >= '0' && *v <= '9') {
			i = strtoll(v, &end, 10);
			if (*end)
				i = -1;
		}
	} else if (json_is_number(idx) && json_number_value(idx) >= 0 &&
		   json_number_value(idx) == (double)(long long)json_number_value(idx))
		i = (long long)json_number_value(idx);
	return i;
}

/* A BitstringStatusListEntry's statusSize (1 when absent) and
 * statusMessage (spec 2.1: an integer above zero; more than one bit
 * needs a statusMessage, of one item per value). The legacy methods have
 * neither. Returns 0 when the entry can be read, else 1 with the check
 * added: a malformed entry fails as the other malformed entries do, a
 * width past OB_STATUS_MAX_SIZE (the spec sets no bound) is not read. */
static int entry_size(ob_report *r, const json_t *st, const struct method *m, unsigned *size, const json_t **msgs)
{
	const json_t *sz = json_object_get(st, "statusSize");
	long n = 1;

	*size = 1;
	*msgs = NULL;
	if (m != &methods[0])
		return 0;
	if (sz && (!whole_number(sz, &n) || n < 1)) {
		ob_verify_add(r, "status", OB_FAILED, 0, "malformed BitstringStatusListEntry: statusSize must be an integer greater than zero");
		return 1;
	}
	if (n > (long)OB_STATUS_MAX_SIZE) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: statusSize %ld is more than obkit reads (at most %u bits)",
		    n, OB_STATUS_MAX_SIZE);
		return 1;
	}
	*size = (unsigned)n;
	*msgs = json_object_get(st, "statusMessage");
	if ((*size > 1 && !*msgs) || (*msgs && (!json_is_array(*msgs) || json_array_size(*msgs) != (size_t)1 << *size))) {
		ob_verify_add(r, "status", OB_FAILED, 0, "malformed BitstringStatusListEntry: statusSize %u needs a statusMessage of %u items",
		    *size, 1u << *size);
		return 1;
	}
	return 0;
}

/* One status entry: its shape, then its list (check_list). */
static void check_status_entry(ob_report *r, const json_t *cred, const json_t *st,
			       const ob_verify_opts *opts, int depth)
{
	const char *type = ob_json_str(st, "type");
	const struct method *m = NULL;
	const char *url, *purpose;
	struct slist *l;
	const json_t *msgs = NULL;
	long long i;
	size_t k;
	unsigned size = 1;
	int owned, revlist = type && !strcmp(type, "1EdTechRevocationList");

	for (k = 0; type && k < sizeof(methods) / sizeof(methods[0]); k++)
		if (!strcmp(type, methods[k].entry))
			m = &methods[k];
	if (!m && !revlist) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s is not supported",
		    type ? type : "a status entry without a type");
		return;
	}
	url = ob_json_str(st, revlist ? "id" : m->url_key);
	purpose = revlist || !m->has_purpose ? "revocation" : ob_json_str(st, "statusPurpose");
	i = revlist ? 0 : entry_index(json_object_get(st, m->index_key));
	if (revlist && !url) {
		ob_verify_add(r, "status", OB_FAILED, 0, "malformed 1EdTechRevocationList: needs the id of the list");
		return;
	}
	if (!url || !purpose || i < 0) {
		if (m->has_purpose)
			ob_verify_add(r, "status", OB_FAILED, 0, "malformed %s: needs statusListCredential, statusPurpose and a statusListIndex", type);
		else
			ob_verify_add(r, "status", OB_FAILED, 0, "malformed %s: needs %s and a %s", type, m->url_key, m->index_key);
		return;
	}
	if (!revlist && entry_size(r, st, m, &size, &msgs))
		return;
	if (depth >= MAX_NESTING) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: status lists nested too deep");
		return;
	}
	if (!(l = list_get(opts, url, depth, revlist, &owned)) || l->oom)
		/* as when the list's report could not be made */
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s does not verify", url);
	else if (revlist)
		check_revocation_list(r, cred, l);
	else
		check_list(r, cred, l, m, purpose, i, size, msgs);
	if (owned)
		slist_free(l);
}

void ob_verify_check_status(ob_report *r, const json_t *cred, const ob_verify_opts *opts, int depth)
{
	const json_t *st = json_object_get(cred, "credentialStatus"), *e;
	size_t i;

	if (!st) {
		ob_verify_add(r, "status", OB_PASSED, 0, "no status entry: the issuer cannot revoke this credential");
		return;
	}
	if (!json_is_array(st)) {
		check_status_entry(r, cred, st, opts, depth);
		return;
	}
	json_array_foreach(st, i, e)
		check_status_entry(r, cred, e, opts, depth);
}
