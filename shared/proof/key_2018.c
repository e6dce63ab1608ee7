#include "proof/key_2018.h"

#include <string.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/json.h"

ob_key *ob_key_from_base58_vm(const json_t *vm, ob_error *err)
{
	static const unsigned char ed25519_pub[2] = { 0xed, 0x01 }; /* multicodec */
	const char *type = ob_json_str(vm, "type"), *b58 = ob_json_str(vm, "publicKeyBase58");
	ob_buf raw = OB_BUF_INIT, mb = OB_BUF_INIT;
	ob_error e = { 0 };
	ob_key *key = NULL;

	if (type && strcmp(type, "Ed25519VerificationKey2018") != 0) {
		ob_fail(err, OB_EUNSUPPORTED, "unsupported publicKeyBase58 key type: %s", type);
		goto out;
	}
	if (!b58 || !*b58 || ob_base58_decode(&raw, b58, strlen(b58), &e) || raw.len != 32) {
		ob_fail(err, e.code == OB_ENOMEM ? OB_ENOMEM : OB_EPARSE,
			"publicKeyBase58 is not a base58 Ed25519 public key%s%s", e.msg[0] ? ": " : "", e.msg);
		goto out;
	}
	/* the same key as a Multikey, which the key module reads */
	ob_buf_add(&mb, ed25519_pub, sizeof(ed25519_pub));
	ob_buf_add(&mb, raw.data, raw.len);
	ob_buf_release(&raw);
	if (mb.oom || ob_multibase_encode(&raw, 'z', (const unsigned char *)mb.data, mb.len) < 0 || raw.oom) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	key = ob_key_from_multikey(raw.data, err);
out:
	ob_buf_release(&raw);
	ob_buf_release(&mb);
	return key;
}
