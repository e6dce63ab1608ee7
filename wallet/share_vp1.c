/* share_vp1: the DCC "VP1-" QR payload of a stored credential for
 * `ob-wallet share --qr --vp1` (io/vp1.h): a presentation of the
 * credential by the wallet's holder, signed with its key for proof
 * purpose authentication. No verifier asked for it, so its challenge is
 * a fresh random one that no verifier expects: it shows who holds the
 * credential, not that this is the holder speaking now. */
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/rand.h"
#include "io/vp1.h"
#include "vc/present.h"
#include "wallet.h"

ob_code wallet_share_vp1(wallet *w, const wallet_rec *r, ob_buf *out, ob_error *err);

ob_code wallet_share_vp1(wallet *w, const wallet_rec *r, ob_buf *out, ob_error *err)
{
	const char *text = r->raw.data ? r->raw.data : "";
	size_t len = r->raw.len;
	unsigned char nonce[16];
	ob_buf did = OB_BUF_INIT, hex = OB_BUF_INIT, vp = OB_BUF_INIT;
	ob_present_opts po = { 0 };
	ob_key *key = NULL;
	json_t *doc = NULL;

	if (ob_random(nonce, sizeof(nonce), err))
		return err->code;
	if (ob_hex_encode(&hex, nonce, sizeof(nonce)) < 0) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto out;
	}
	po.suite = "eddsa-rdfc-2022";
	po.challenge = hex.data;
	if (!(key = wallet_holder_key(w, err)) || ob_key_did(key, &did, NULL, err) ||
	    !(doc = ob_present_build(did.data, &text, &len, 1, err)) || ob_present_sign(doc, key, &po, &vp, err))
		goto out;
	ob_vp1_encode_compressed(vp.data, vp.len, out, err);
out:
	ob_key_free(key);
	json_decref(doc);
	ob_buf_release(&did);
	ob_buf_release(&hex);
	ob_buf_release(&vp);
	return err->code;
}
