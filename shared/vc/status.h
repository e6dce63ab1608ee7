/* status: Bitstring Status List v1.0 (W3C): the list's encoding, the
 * entry a credential carries and the unsigned list credential an issuer
 * publishes. Bit i is bit (7 - i % 8) of byte i / 8: index 0 is the most
 * significant bit of the first byte (spec 3.2, "left-most bit"). */
#ifndef OB_STATUS_H
#define OB_STATUS_H

#include <stddef.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

/* Entries per list: the spec's minimum size (131,072 bits = 16 KiB), so a
 * credential hides among many (herd privacy, spec 6.1). */
#define OB_STATUS_LIST_SIZE 131072u
/* Largest decoded list accepted (16 MiB). */
#define OB_STATUS_MAX_BYTES (16u * 1024 * 1024)

/* encodedList of nbytes of bits: "u" + base64url(gzip(bits)), no padding
 * (spec 3.3 step 1-3, multibase base64url). Appends to out. */
ob_code ob_status_encode(const unsigned char *bits, size_t nbytes, ob_buf *out, ob_error *err);

/* Decodes an encodedList ("u"-prefixed multibase, or the bare form of
 * StatusList2021 and RevocationList2020: base64url or base64, padding
 * optional) into bits (appended). gzip and zlib streams are
 * accepted. OB_EPARSE for bad base64url or a stream that does not
 * inflate or is truncated; OB_ELIMIT past OB_STATUS_MAX_BYTES. */
ob_code ob_status_decode(const char *enc, ob_buf *bits, ob_error *err);

/* Reads / sets / clears bit i (MSB first) of bits. */
int ob_status_get(const unsigned char *bits, size_t i);
void ob_status_set(unsigned char *bits, size_t i, int on);

/* A new BitstringStatusListEntry: {id: list_url#index, type, statusPurpose,
 * statusListIndex: "index", statusListCredential: list_url}. NULL on OOM. */
json_t *ob_status_entry(const char *purpose, const char *list_url, unsigned long index);

/* Bits per entry a verifier reads (statusSize): the spec sets no upper
 * bound; past 8 an entry would need more than 256 statusMessage items. */
#define OB_STATUS_MAX_SIZE 8u

/* Reads / writes the size-bit value of entry i (bits [i * size, i * size
 * + size), the first the most significant: spec 3.3 "statusListIndex
 * times the statusSize"). size is 1..OB_STATUS_MAX_SIZE; the caller
 * checks i against the list's length. Size 1 is ob_status_get/set. */
unsigned ob_status_get_n(const unsigned char *bits, size_t i, unsigned size);
void ob_status_set_n(unsigned char *bits, size_t i, unsigned size, unsigned value);

/* obkit's one status entry for a credential that can be revoked and
 * suspended (ob-issuer issue --suspension): statusPurpose "message",
 * statusSize 2, a value per credential in a list of 2-bit entries. */
enum { OB_STATUS_MSG_VALID, OB_STATUS_MSG_REVOKED, OB_STATUS_MSG_SUSPENDED, OB_STATUS_MSG_UNUSED };
#define OB_STATUS_MSG_SIZE 2u
/* The statusMessage of those entries, by value: "valid", "revoked",
 * "suspended", and "undefined" for 0x3, which obkit never sets (the
 * spec's word for a status "not defined ... but may be defined in the
 * future"; a verifier reading it cannot decide). */
extern const char *const ob_status_messages[1u << OB_STATUS_MSG_SIZE];

/* A new BitstringStatusListEntry with statusPurpose "message" (spec 2.1):
 * ob_status_entry's members and statusSize size with a statusMessage of
 * 2^size items {status: "0x<k>", message: messages[k]}. NULL on OOM. */
json_t *ob_status_message_entry(const char *list_url, unsigned long index, unsigned size,
				const char *const *messages);

/* A new unsigned BitstringStatusListCredential (VC 2.0 context) with id
 * list_url, issuer issuer_id, validFrom valid_from and a subject of type
 * BitstringStatusList with the purpose and the encoded bits. NULL with err. */
json_t *ob_status_list_credential(const char *list_url, const char *issuer_id,
				  const char *purpose, const char *valid_from,
				  const unsigned char *bits, size_t nbytes, ob_error *err);

/* A random index in [0, size) whose bit in used (size bits) is clear, from
 * RAND_bytes; collisions are retried, and past a few misses the search
 * walks on from a random start so a nearly full list still ends. Returns
 * the index, or -1 when the list is full (err untouched) or -2 with err
 * when the RNG fails. */
long ob_status_pick_unused(const unsigned char *used, size_t size, ob_error *err);

#endif
