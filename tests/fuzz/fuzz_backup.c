/* fuzz target "backup": an ob-wallet backup file as ob-wallet restore
 * reads it before any passphrase: ob_vault_backup_parse (header and KDF
 * bounds), then ob_vault_backup_open with a fixed data key (a forged file
 * must fail to authenticate, never crash). Property: a header that
 * parsed, sealed again around the rest of the file with that key, parses
 * to the same header and opens to the same payload.
 *
 * Not reachable here: the decrypted payload's record parser (fill() in
 * wallet/cmd_backup.c) is static in the wallet and writes into SQLite; it
 * only sees authenticated plaintext. */
#include "fuzz.h"
#include "io/vault.h"

static const unsigned char dk[OB_VAULT_KEY_LEN] = "obkit fuzz data key, not secret";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ob_vault_backup b, b2;
	ob_buf payload = OB_BUF_INIT, file = OB_BUF_INIT, back = OB_BUF_INIT;
	ob_error err = { 0 }, e2 = { 0 };

	if (ob_vault_backup_parse(data, size, &b, &err) != OB_OK)
		return 0;
	FUZZ_ASSERT(b.header_len <= size, "backup header longer than the file");
	FUZZ_ASSERT(b.wrapped >= data && b.wrapped + b.wrapped_len <= data + b.header_len,
		    "wrapped key outside the header");
	FUZZ_ASSERT(ob_vault_kdf_check(&b.kdf, &e2) == OB_OK, "parsed KDF parameters out of bounds");
	/* a forged file fails to authenticate; the buffer is ours either way */
	if (ob_vault_backup_open(data, size, &b, dk, &payload, &e2) == OB_OK)
		FUZZ_ASSERT(payload.len + b.header_len + OB_VAULT_OVERHEAD == size,
			    "opened payload of the wrong length");
	ob_buf_release_secret(&payload);
	/* round trip: the rest of the file as a payload */
	if (ob_vault_backup_seal(&b.kdf, b.wrapped, b.wrapped_len, dk, data + b.header_len,
				 size - b.header_len, &file, &e2) == OB_OK) {
		ob_error e3 = { 0 };

		FUZZ_ASSERT(ob_vault_backup_parse(file.data, file.len, &b2, &e3) == OB_OK,
			    "a sealed backup does not parse");
		FUZZ_ASSERT(b2.kdf.log2n == b.kdf.log2n && b2.kdf.r == b.kdf.r && b2.kdf.p == b.kdf.p &&
			    !memcmp(b2.kdf.salt, b.kdf.salt, OB_VAULT_SALT_LEN) &&
			    b2.wrapped_len == b.wrapped_len &&
			    !memcmp(b2.wrapped, b.wrapped, b.wrapped_len) && b2.header_len == b.header_len,
			    "backup header changed over a round trip");
		FUZZ_ASSERT(ob_vault_backup_open(file.data, file.len, &b2, dk, &back, &e3) == OB_OK,
			    "a sealed backup does not open with its key");
		FUZZ_ASSERT(back.len == size - b.header_len &&
			    !memcmp(back.data ? back.data : "", data + b.header_len, back.len),
			    "backup payload changed over a round trip");
	}
	ob_buf_release_secret(&back);
	ob_buf_release(&file);
	return 0;
}
