/* status: Bitstring Status List encoding against the shared vector (bit
 * 42 set, MSB first), round trips, bad input, and slot picking; the
 * legacy methods (StatusList2021, RevocationList2020, 1EdTechRevocationList)
 * through ob_verify_json on the samples in tests/data/legacy (run from
 * the repository root). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/codec.h"
#include "base/json.h"
#include "vc/status.h"
#include "vc/verify.h"
#include "io/loader.h"

#include <stdarg.h>
#include <zlib.h>

static void vector(void)
{
	char path[4096];
	ob_buf bits = OB_BUF_INIT;
	ob_error err = { 0 };
	json_t *v;
	size_t i, set = 0;

	snprintf(path, sizeof(path), "%s/vectors/signed/08-status-list-revocation.json", shared_dir());
	v = ob_json_load_file(path, &err);
	CHECK(v != NULL);
	if (!v)
		return;
	CHECK(ob_status_decode(ob_json_str(json_object_get(v, "credentialSubject"), "encodedList"), &bits, &err) == OB_OK);
	CHECK(bits.len == OB_STATUS_LIST_SIZE / 8);
	for (i = 0; i < bits.len * 8; i++)
		set += (size_t)ob_status_get((unsigned char *)bits.data, i);
	CHECK(set == 1);
	CHECK(ob_status_get((unsigned char *)bits.data, 42) == 1);
	/* MSB first: index 42 is byte 5, mask 0x20 */
	CHECK((unsigned char)bits.data[5] == 0x20);
	ob_buf_release(&bits);
	json_decref(v);
}

static void round_trip(void)
{
	unsigned char *b = calloc(1, OB_STATUS_LIST_SIZE / 8);
	ob_buf enc = OB_BUF_INIT, dec = OB_BUF_INIT;
	ob_error err = { 0 };

	ob_status_set(b, 0, 1);
	ob_status_set(b, 7, 1);
	ob_status_set(b, 131071, 1);
	CHECK(b[0] == 0x81 && b[OB_STATUS_LIST_SIZE / 8 - 1] == 0x01);
	CHECK(ob_status_encode(b, OB_STATUS_LIST_SIZE / 8, &enc, &err) == OB_OK);
	CHECK(enc.data && enc.data[0] == 'u' && !strchr(enc.data, '=') && !strchr(enc.data, '+'));
	/* gzip magic 1f 8b after the multibase prefix */
	CHECK(enc.data && !strncmp(enc.data, "uH4sI", 5));
	CHECK(ob_status_decode(enc.data, &dec, &err) == OB_OK);
	CHECK(dec.len == OB_STATUS_LIST_SIZE / 8 && !memcmp(dec.data, b, dec.len));
	ob_status_set(b, 7, 0);
	CHECK(b[0] == 0x80);
	ob_buf_release(&enc);
	ob_buf_release(&dec);
	free(b);
}

static void bad_input(void)
{
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };

	CHECK(ob_status_decode("u!!!", &out, &err) != OB_OK);
	ob_buf_release(&out);
	ob_error_clear(&err);
	/* valid base64url, not a gzip stream */
	CHECK(ob_status_decode("uAAAAAAAA", &out, &err) == OB_EPARSE);
	ob_buf_release(&out);
	ob_error_clear(&err);
	/* a gzip stream cut short */
	CHECK(ob_status_decode("uH4sIAAAAAAAAA-3BMQEAAAjAoEWxf0pt4QPUmQ", &out, &err) == OB_EPARSE);
	CHECK(strstr(err.msg, "truncated") || strstr(err.msg, "inflate"));
	ob_buf_release(&out);
}

static void entries(void)
{
	json_t *e = ob_status_entry("revocation", "https://x.example/status/revocation/1.json", 94567);
	ob_error err = { 0 };
	unsigned char bits[16] = { 0 };
	json_t *c;

	CHECK_STR(ob_json_str(e, "type"), "BitstringStatusListEntry");
	CHECK_STR(ob_json_str(e, "statusListIndex"), "94567");
	CHECK_STR(ob_json_str(e, "id"), "https://x.example/status/revocation/1.json#94567");
	json_decref(e);
	c = ob_status_list_credential("https://x.example/l/1.json", "did:example:i", "suspension",
				      "2026-01-01T00:00:00Z", bits, sizeof(bits), &err);
	CHECK(c != NULL);
	CHECK_STR(ob_json_str(json_object_get(c, "credentialSubject"), "statusPurpose"), "suspension");
	CHECK_STR(ob_json_str(json_object_get(c, "credentialSubject"), "type"), "BitstringStatusList");
	CHECK_STR(ob_json_str(c, "issuer"), "did:example:i");
	json_decref(c);
}

static void picking(void)
{
	unsigned char used[16] = { 0 }; /* 128 slots */
	ob_error err = { 0 };
	long i, n, seen_high = 0;

	/* fill a small list completely: every pick new, then full */
	for (n = 0; n < 128; n++) {
		i = ob_status_pick_unused(used, 128, &err);
		CHECK(i >= 0 && i < 128);
		if (i < 0)
			break;
		CHECK(!ob_status_get(used, (size_t)i));
		if (i >= 64)
			seen_high = 1;
		ob_status_set(used, (size_t)i, 1);
	}
	CHECK(seen_high);
	CHECK(ob_status_pick_unused(used, 128, &err) == -1);
	/* one hole left: found even though random draws mostly miss */
	ob_status_set(used, 77, 0);
	CHECK(ob_status_pick_unused(used, 128, &err) == 77);
}

/* budget: a list that inflates past OB_STATUS_MAX_BYTES is refused */
static void budget(void)
{
	size_t n = OB_STATUS_MAX_BYTES + 1;
	unsigned char *zeros = calloc(n, 1), *z;
	uLongf zlen = compressBound(n);
	ob_buf enc = OB_BUF_INIT, bits = OB_BUF_INIT;
	ob_error err = { 0 };

	z = malloc(zlen);
	CHECK(zeros && z);
	if (zeros && z && compress2(z, &zlen, zeros, n, 9) == Z_OK) {
		ob_buf_addc(&enc, 'u');
		ob_base64url_encode(&enc, z, zlen);
		ob_buf_addc(&enc, '\0');
		CHECK(ob_status_decode(enc.data, &bits, &err) != OB_OK);
		CHECK(err.code == OB_ELIMIT && strstr(err.msg, "more than") != NULL);
	}
	free(zeros);
	free(z);
	ob_buf_release(&enc);
	ob_buf_release(&bits);
}

/* The StatusList2021 bare form: base64url without "u", and the same
 * bytes as padded standard base64. */
static void bare_forms(void)
{
	ob_error err = { 0 };
	json_t *l = ob_json_load_file("tests/data/legacy/statuslist2021-list.json", &err);
	const char *enc = l ? ob_json_str(json_object_get(l, "credentialSubject"), "encodedList") : NULL;
	ob_buf bits = OB_BUF_INIT, raw = OB_BUF_INIT, b64 = OB_BUF_INIT;
	static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	CHECK(enc != NULL);
	if (!enc)
		goto out;
	CHECK(enc[0] == 'H');
	CHECK(ob_status_decode(enc, &bits, &err) == OB_OK);
	CHECK(bits.len == OB_STATUS_LIST_SIZE / 8 && ob_status_get((unsigned char *)bits.data, 7) &&
	      !ob_status_get((unsigned char *)bits.data, 3));
	ob_buf_release(&bits);
	/* re-encode the gzip bytes as padded standard base64 */
	CHECK(ob_base64url_decode(&raw, enc, strlen(enc), &err) == OB_OK);
	for (i = 0; i + 2 < raw.len + 2; i += 3) {
		unsigned char a = (unsigned char)raw.data[i];
		unsigned char b = i + 1 < raw.len ? (unsigned char)raw.data[i + 1] : 0;
		unsigned char c = i + 2 < raw.len ? (unsigned char)raw.data[i + 2] : 0;
		ob_buf_addc(&b64, std[a >> 2]);
		ob_buf_addc(&b64, std[((a & 3) << 4) | (b >> 4)]);
		ob_buf_addc(&b64, i + 1 < raw.len ? std[((b & 15) << 2) | (c >> 6)] : '=');
		ob_buf_addc(&b64, i + 2 < raw.len ? std[c & 63] : '=');
	}
	ob_buf_addc(&b64, '\0');
	CHECK(ob_status_decode(b64.data, &bits, &err) == OB_OK);
	CHECK(bits.len == OB_STATUS_LIST_SIZE / 8 && ob_status_get((unsigned char *)bits.data, 7));
out:
	ob_buf_release(&bits);
	ob_buf_release(&raw);
	ob_buf_release(&b64);
	json_decref(l);
}

#define LEG "tests/data/legacy/"
#define SL "https://riverbend.example.edu/status/2021/1"
#define RL "https://riverbend.example.edu/status/rl2020/1"
#define ED_DID "https://dc.1edtech.org/wellspring2022/wellspring-portal/org/da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json"
#define ED_RL "https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c"

/* The verdict of file with the documents (URL, path pairs, NULL-ended)
 * mapped; the status check's message goes to msg. */
static ob_verdict verdict_of(const char *file, ob_verify_cache *cache, char *msg, size_t msglen, ...)
{
	ob_error err = { 0 };
	ob_loader *l = ob_loader_new();
	json_t *doc = ob_json_load_file(file, &err);
	ob_verify_opts o = { 0 };
	ob_report *r = NULL;
	ob_verdict v = OB_UNDECIDED;
	const char *url;
	va_list ap;
	size_t i;

	msg[0] = '\0';
	CHECK(l && doc);
	if (!l || !doc)
		goto out;
	va_start(ap, msglen);
	while ((url = va_arg(ap, const char *)))
		CHECK(ob_loader_add(l, url, va_arg(ap, const char *), &err) == OB_OK);
	va_end(ap);
	o.now = 1767225600; /* 2026-01-01 */
	o.loader = l;
	o.cache = cache;
	r = ob_verify_json(doc, &o, &err);
	CHECK(r != NULL);
	if (!r)
		goto out;
	v = r->verdict;
	for (i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].id, "status"))
			snprintf(msg, msglen, "%s", r->checks[i].message);
out:
	ob_report_free(r);
	json_decref(doc);
	ob_loader_free(l);
	return v;
}

static void legacy_lists(ob_verify_cache *c)
{
	char m[512];
	char ed[4200];
	int n = snprintf(ed, sizeof(ed), "%.4000s/1edtech-validator-samples/ob30/credential-status-revoked.json",
			 conformance_dir());

	CHECK(n > 0 && (size_t)n < sizeof(ed));
	/* StatusList2021, lists and credentials signed Ed25519Signature2018 */
	CHECK(verdict_of(LEG "statuslist2021-current.json", c, m, sizeof(m), SL, LEG "statuslist2021-list.json", NULL) == OB_VALID);
	CHECK(strstr(m, "not revoked (" SL ", index 3)") != NULL);
	CHECK(verdict_of(LEG "statuslist2021-revoked.json", c, m, sizeof(m), SL, LEG "statuslist2021-list.json", NULL) == OB_INVALID);
	CHECK(strstr(m, "revoked: the issuer has revoked this credential (" SL ", index 7)") != NULL);
	/* RevocationList2020 */
	CHECK(verdict_of(LEG "revocationlist2020-current.json", c, m, sizeof(m), RL, LEG "revocationlist2020-list.json", NULL) == OB_VALID);
	CHECK(strstr(m, "not revoked (" RL ", index 4)") != NULL);
	CHECK(verdict_of(LEG "revocationlist2020-revoked.json", c, m, sizeof(m), RL, LEG "revocationlist2020-list.json", NULL) == OB_INVALID);
	/* 1EdTechRevocationList: the 1EdTech Displayer test's revoked badge */
	CHECK(verdict_of(ed, c, m, sizeof(m), ED_DID, LEG "1edtech-issuer-did.json", ED_RL, LEG "1edtech-revocations-revoked.json", NULL) == OB_INVALID);
	CHECK(strstr(m, "revoked: the issuer has revoked this credential (" ED_RL ": Issued in error)") != NULL);
	if (c)
		return; /* a cache holds one document per URL for the run */
	CHECK(verdict_of(LEG "revocationlist2020-revoked.json", c, m, sizeof(m), NULL) == OB_UNDECIDED);
	/* a StatusList2021 entry pointed at a RevocationList2020 list: not its type */
	CHECK(verdict_of(LEG "statuslist2021-revoked.json", c, m, sizeof(m), SL, LEG "revocationlist2020-list.json", NULL) == OB_UNDECIDED);
	CHECK(strstr(m, "not a StatusList2021Credential") != NULL);
	CHECK(verdict_of(ed, c, m, sizeof(m), ED_DID, LEG "1edtech-issuer-did.json", ED_RL, LEG "1edtech-revocations-none.json", NULL) == OB_VALID);
	CHECK(strstr(m, "not revoked (" ED_RL ", listed as not revoked)") != NULL);
	CHECK(verdict_of(ed, c, m, sizeof(m), ED_DID, LEG "1edtech-issuer-did.json", NULL) == OB_UNDECIDED);
	CHECK(strstr(m, "could not check status") != NULL);
	/* a document that is no revocation list, and a list signed by
	 * someone else (a status list credential of another issuer) */
	CHECK(verdict_of(ed, c, m, sizeof(m), ED_DID, LEG "1edtech-issuer-did.json", ED_RL, LEG "1edtech-issuer-did.json", NULL) == OB_UNDECIDED);
	CHECK(strstr(m, "is not a 1EdTech revocation list") != NULL);
	CHECK(verdict_of(ed, c, m, sizeof(m), ED_DID, LEG "1edtech-issuer-did.json", ED_RL, LEG "statuslist2021-list.json", NULL) == OB_UNDECIDED);
}

int main(void)
{
	ob_verify_cache *c;

	bare_forms();
	legacy_lists(NULL);
	/* the run-wide cache gives the same answers, twice */
	c = ob_verify_cache_new();
	CHECK(c != NULL);
	legacy_lists(c);
	legacy_lists(c);
	ob_verify_cache_free(c);
	budget();
	vector();
	round_trip();
	bad_input();
	entries();
	picking();
	return check_done("test_status");
}
