/* key_2018: the public key of a VC 1.1-era verification method,
 * Ed25519VerificationKey2018 with publicKeyBase58 (the raw 32-byte
 * Ed25519 key in base58btc, no multibase prefix and no multicodec
 * header), as DID documents of Ed25519Signature2018 issuers list them. */
#ifndef OB_KEY_2018_H
#define OB_KEY_2018_H

#include <jansson.h>

#include "base/err.h"
#include "proof/keys.h"

/* Public key of vm, a verification method object with publicKeyBase58
 * (and type Ed25519VerificationKey2018 when it says a type; Ed25519 is
 * the only key a base58 method can hold here). OB_EPARSE for a missing or
 * malformed key (bad base58, not 32 bytes, not a point), OB_EUNSUPPORTED
 * for another type. New key, or NULL with err. */
ob_key *ob_key_from_base58_vm(const json_t *vm, ob_error *err);

#endif
