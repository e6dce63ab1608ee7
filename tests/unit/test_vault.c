/* test_vault: key derivation, record sealing, key wrapping, lookup tags
 * and the backup format. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "base/obkit.h"
#include "io/vault.h"

static void test_seal(void)
{
	unsigned char k[OB_VAULT_KEY_LEN], k2[OB_VAULT_KEY_LEN];
	ob_buf a = OB_BUF_INIT, b = OB_BUF_INIT, pt = OB_BUF_INIT;
	ob_error err = { 0 };
	static const char msg[] = "Welding Fundamentals";

	CHECK(ob_vault_random(k, sizeof(k), &err) == OB_OK);
	CHECK(ob_vault_random(k2, sizeof(k2), &err) == OB_OK);
	CHECK(memcmp(k, k2, sizeof(k)) != 0);
	CHECK(ob_vault_seal(k, "rid-1", 5, msg, strlen(msg), &a, &err) == OB_OK);
	CHECK(a.len == strlen(msg) + OB_VAULT_OVERHEAD);
	CHECK(!memmem(a.data, a.len, "Welding", 7));
	/* a fresh nonce each time: the same plaintext seals differently */
	CHECK(ob_vault_seal(k, "rid-1", 5, msg, strlen(msg), &b, &err) == OB_OK);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) != 0);
	CHECK(ob_vault_open(k, "rid-1", 5, a.data, a.len, "x", &pt, &err) == OB_OK);
	CHECK(pt.len == strlen(msg) && !memcmp(pt.data, msg, pt.len));
	ob_buf_release(&pt);
	/* other associated data (another record), another key, a flipped bit,
	 * a truncated blob: all refused, out left empty */
	CHECK(ob_vault_open(k, "rid-2", 5, a.data, a.len, "the record", &pt, &err) == OB_EINVALID);
	CHECK(pt.len == 0);
	CHECK(strstr(err.msg, "cannot decrypt the record") != NULL);
	ob_error_clear(&err);
	CHECK(ob_vault_open(k2, "rid-1", 5, a.data, a.len, "x", &pt, &err) == OB_EINVALID);
	ob_error_clear(&err);
	a.data[OB_VAULT_NONCE_LEN + 3] ^= 1;
	CHECK(ob_vault_open(k, "rid-1", 5, a.data, a.len, "x", &pt, &err) == OB_EINVALID);
	a.data[OB_VAULT_NONCE_LEN + 3] ^= 1;
	a.data[a.len - 1] ^= 0x80; /* the tag */
	ob_error_clear(&err);
	CHECK(ob_vault_open(k, "rid-1", 5, a.data, a.len, "x", &pt, &err) == OB_EINVALID);
	ob_error_clear(&err);
	CHECK(ob_vault_open(k, "rid-1", 5, a.data, 10, "x", &pt, &err) == OB_EINVALID);
	CHECK(pt.len == 0);
	/* empty plaintext round-trips */
	ob_buf_release(&b);
	ob_error_clear(&err);
	CHECK(ob_vault_seal(k, NULL, 0, "", 0, &b, &err) == OB_OK);
	CHECK(ob_vault_open(k, NULL, 0, b.data, b.len, "x", &pt, &err) == OB_OK && pt.len == 0);
	ob_buf_release(&a);
	ob_buf_release(&b);
	ob_buf_release(&pt);
}

static void test_kdf_wrap(void)
{
	ob_vault_kdf k, k2;
	unsigned char kek[32], kek2[32], dk[32], out[32];
	ob_buf w = OB_BUF_INIT;
	ob_error err = { 0 };

	CHECK(ob_vault_kdf_new(&k, OB_VAULT_LOG2N_TEST, &err) == OB_OK);
	CHECK(k.r == 8 && k.p == 1 && k.log2n == OB_VAULT_LOG2N_TEST);
	CHECK(ob_vault_derive(&k, "pw", 2, kek, &err) == OB_OK);
	CHECK(ob_vault_derive(&k, "pw", 2, kek2, &err) == OB_OK);
	CHECK(!memcmp(kek, kek2, 32)); /* deterministic */
	CHECK(ob_vault_derive(&k, "pW", 2, kek2, &err) == OB_OK);
	CHECK(memcmp(kek, kek2, 32) != 0);
	k2 = k;
	k2.salt[0] ^= 1;
	CHECK(ob_vault_derive(&k2, "pw", 2, kek2, &err) == OB_OK);
	CHECK(memcmp(kek, kek2, 32) != 0); /* the salt matters */
	CHECK(ob_vault_random(dk, 32, &err) == OB_OK);
	CHECK(ob_vault_wrap(kek, &k, dk, &w, &err) == OB_OK);
	CHECK(ob_vault_unwrap(kek, &k, w.data, w.len, out, &err) == OB_OK);
	CHECK(!memcmp(dk, out, 32));
	CHECK(ob_vault_unwrap(kek2, &k, w.data, w.len, out, &err) == OB_EINVALID);
	CHECK_STR(err.msg, "wrong passphrase");
	/* the parameters are bound to the wrapped key */
	ob_error_clear(&err);
	k2 = k;
	k2.log2n++;
	CHECK(ob_vault_unwrap(kek, &k2, w.data, w.len, out, &err) == OB_EINVALID);
	/* out-of-range costs are refused before any work */
	ob_error_clear(&err);
	k2.log2n = 40;
	CHECK(ob_vault_derive(&k2, "pw", 2, kek2, &err) == OB_EPARSE);
	ob_error_clear(&err);
	k2.log2n = 12;
	k2.r = 0;
	CHECK(ob_vault_kdf_check(&k2, &err) == OB_EPARSE);
	CHECK(OB_VAULT_LOG2N_DEFAULT >= 15);
	ob_buf_release(&w);
}

static void test_tag(void)
{
	unsigned char dk[32], dk2[32], a[32], b[32];
	ob_error err = { 0 };

	memset(dk, 7, 32);
	memset(dk2, 8, 32);
	CHECK(ob_vault_tag(dk, "id", "urn:x", 5, a, &err) == OB_OK);
	CHECK(ob_vault_tag(dk, "id", "urn:x", 5, b, &err) == OB_OK);
	CHECK(!memcmp(a, b, 32));
	CHECK(ob_vault_tag(dk, "content", "urn:x", 5, b, &err) == OB_OK);
	CHECK(memcmp(a, b, 32) != 0); /* labels separate the uses */
	CHECK(ob_vault_tag(dk2, "id", "urn:x", 5, b, &err) == OB_OK);
	CHECK(memcmp(a, b, 32) != 0); /* keyed */
}

static void test_backup(void)
{
	ob_vault_kdf k;
	ob_vault_backup bk;
	unsigned char kek[32], dk[32], dk2[32];
	ob_buf w = OB_BUF_INIT, file = OB_BUF_INIT, pl = OB_BUF_INIT;
	ob_error err = { 0 };
	static const char payload[] = "{\"records\":[]}";

	CHECK(ob_vault_kdf_new(&k, OB_VAULT_LOG2N_TEST, &err) == OB_OK);
	CHECK(ob_vault_derive(&k, "pw", 2, kek, &err) == OB_OK);
	CHECK(ob_vault_random(dk, 32, &err) == OB_OK);
	CHECK(ob_vault_wrap(kek, &k, dk, &w, &err) == OB_OK);
	CHECK(ob_vault_backup_seal(&k, w.data, w.len, dk, payload, strlen(payload), &file, &err) == OB_OK);
	CHECK(file.len > 8 && !memcmp(file.data, "OBWALLET", 8));
	CHECK(ob_vault_backup_parse(file.data, file.len, &bk, &err) == OB_OK);
	CHECK(bk.kdf.log2n == k.log2n && bk.kdf.r == 8 && bk.kdf.p == 1);
	CHECK(!memcmp(bk.kdf.salt, k.salt, sizeof(k.salt)));
	CHECK(bk.wrapped_len == w.len);
	CHECK(ob_vault_unwrap(kek, &bk.kdf, bk.wrapped, bk.wrapped_len, dk2, &err) == OB_OK);
	CHECK(ob_vault_backup_open(file.data, file.len, &bk, dk2, &pl, &err) == OB_OK);
	CHECK_STR(pl.data, payload);
	ob_buf_release(&pl);
	/* the header is covered: a changed salt still parses but the payload
	 * no longer opens, even with the right data key */
	file.data[12 + 8] ^= 1;
	CHECK(ob_vault_backup_parse(file.data, file.len, &bk, &err) == OB_OK);
	CHECK(ob_vault_backup_open(file.data, file.len, &bk, dk, &pl, &err) == OB_EINVALID);
	file.data[12 + 8] ^= 1;
	ob_error_clear(&err);
	CHECK(ob_vault_backup_parse(file.data, 20, &bk, &err) == OB_EPARSE);
	ob_error_clear(&err);
	CHECK(ob_vault_backup_parse("OBWALLEX", 8, &bk, &err) == OB_EPARSE);
	CHECK_STR(err.msg, "not an ob-wallet backup");
	ob_error_clear(&err);
	file.data[8] = 9; /* version */
	CHECK(ob_vault_backup_parse(file.data, file.len, &bk, &err) == OB_EPARSE);
	ob_buf_release(&w);
	ob_buf_release(&file);
	ob_buf_release(&pl);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put_be32(char *p, unsigned v)
{
	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
}

/* A backup header chooses its scrypt cost before the passphrase is
 * checked: costs beyond what obkit writes are refused at once, before
 * scrypt runs (N = 2^20 is 1 GiB and seconds; r 32, p 16 with N 2^22
 * would be 16 GiB). The costs obkit writes still round-trip. */
static void test_backup_cost(void)
{
	static const struct { unsigned log2n, r, p; } bad[] = {
		{ 20, 8, 1 }, { 18, 8, 1 }, { 22, 32, 16 }, { 16, 32, 1 }, { 16, 8, 16 },
		{ 16, 0xffffffffu, 1 }, { 16, 8, 0xffffffffu }, { 255, 8, 1 }, { 9, 8, 1 },
		{ 16, 7, 1 }, { 16, 8, 0 },
	};
	static const unsigned good[] = { OB_VAULT_LOG2N_TEST, OB_VAULT_LOG2N_DEFAULT,
					 OB_VAULT_LOG2N_MAX };
	ob_vault_kdf k;
	ob_vault_backup bk;
	unsigned char kek[32], dk[32];
	ob_buf w = OB_BUF_INIT, file = OB_BUF_INIT;
	ob_error err = { 0 };
	size_t i;
	double t;

	/* the costs obkit writes are accepted and written back unchanged */
	CHECK(ob_vault_random(dk, 32, &err) == OB_OK);
	CHECK(OB_VAULT_LOG2N_MIN <= OB_VAULT_LOG2N_TEST && OB_VAULT_LOG2N_DEFAULT <= OB_VAULT_LOG2N_MAX);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(ob_vault_kdf_new(&k, good[i], &err) == OB_OK);
		CHECK(ob_vault_kdf_check(&k, &err) == OB_OK);
		ob_buf_truncate(&file, 0);
		CHECK(ob_vault_backup_seal(&k, "wrapped", 7, dk, "x", 1, &file, &err) == OB_OK);
		CHECK(ob_vault_backup_parse(file.data, file.len, &bk, &err) == OB_OK);
		CHECK(bk.kdf.log2n == good[i] && bk.kdf.r == 8 && bk.kdf.p == 1);
	}
	CHECK(err.code == OB_OK);
	/* a real wallet's backup at the test cost restores its key */
	CHECK(ob_vault_kdf_new(&k, OB_VAULT_LOG2N_TEST, &err) == OB_OK);
	CHECK(ob_vault_derive(&k, "pw", 2, kek, &err) == OB_OK);
	CHECK(ob_vault_wrap(kek, &k, dk, &w, &err) == OB_OK);
	ob_buf_truncate(&file, 0);
	CHECK(ob_vault_backup_seal(&k, w.data, w.len, dk, "x", 1, &file, &err) == OB_OK);
	CHECK(ob_vault_backup_parse(file.data, file.len, &bk, &err) == OB_OK);
	CHECK(ob_vault_derive(&bk.kdf, "pw", 2, kek, &err) == OB_OK);
	CHECK(ob_vault_unwrap(kek, &bk.kdf, bk.wrapped, bk.wrapped_len, dk, &err) == OB_OK);
	/* forged headers (log2 N at byte 10, r and p big-endian after it) */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		file.data[10] = (char)bad[i].log2n;
		put_be32(file.data + 11, bad[i].r);
		put_be32(file.data + 15, bad[i].p);
		ob_error_clear(&err);
		t = now();
		CHECK(ob_vault_backup_parse(file.data, file.len, &bk, &err) == OB_EPARSE);
		CHECK(strncmp(err.msg, "unsupported scrypt parameters", 29) == 0);
		CHECK(!strchr(err.msg, '\n'));
		/* and derive refuses them too, should a caller skip the parse */
		k.log2n = bad[i].log2n;
		k.r = bad[i].r;
		k.p = bad[i].p;
		ob_error_clear(&err);
		CHECK(ob_vault_derive(&k, "pw", 2, kek, &err) == OB_EPARSE);
		CHECK(now() - t < 0.5);
	}
	file.data[10] = 20;
	put_be32(file.data + 11, 8);
	put_be32(file.data + 15, 1);
	ob_error_clear(&err);
	CHECK(ob_vault_backup_parse(file.data, file.len, &bk, &err) == OB_EPARSE);
	CHECK_STR(err.msg, "unsupported scrypt parameters (N=2^20 r=8 p=1): "
		  "obkit accepts N=2^10 to 2^17 with r=8 p=1");
	ob_buf_release(&w);
	ob_buf_release(&file);
}

int main(void)
{
	ob_init();
	test_seal();
	test_kdf_wrap();
	test_tag();
	test_backup();
	test_backup_cost();
	return check_done("test_vault");
}
