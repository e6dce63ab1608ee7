/* cborld: compressed CBOR-LD as the Digital Credentials Consortium's
 * @digitalcredentials/cborld 4.3.4 writes it (compressionMode 1, the tag
 * d9 05 01), which vpqr 2.2.1's toQrCode uses by default and so the
 * Learner Credential Wallet's VP1- QR codes hold (io/vp1.h).
 *
 * The algorithm, read from that package's lib/ (Transformer, Compressor,
 * Decompressor and the codecs), not copied:
 * - Keys are term ids. The JSON-LD keywords have fixed ids (@context 0,
 *   @type 2, @id 4, @value 6, then the others alphabetically, step 2);
 *   every other term gets the next id from 100, step 2, the first time a
 *   context defining it is loaded, a context's terms in sorted order. An
 *   odd id (id + 1) marks an array value ("plural").
 * - Contexts load in document order: an object's embedded @context, then
 *   the type-scoped contexts of its types (sorted), then, walking its
 *   terms in sorted order, each term's property-scoped context. Term ids
 *   therefore depend on the contexts, which must be obkit's (the loader's).
 * - Values are compressed by the term's @type: @id (and @type values):
 *   http/https URLs [1|2, rest], urn:uuid [3, 16 bytes], did:key and
 *   did:v1:nym [1025|1024, base58 bytes, fragment bytes]; @vocab and type
 *   values: a term's id; xsd:dateTime seconds (or [seconds, ms]), xsd:date
 *   seconds; sec:multibase 'z'/'M' values as bytes; context URLs of its
 *   registry by number (0x10..0x20, 0x30..0x32).
 * - Maps are written with keys in ascending order (cborg's default).
 *
 * cborld 4.3.4's decoder cannot read everything its encoder writes (a
 * type naming a term that carries a scoped context, e.g. "type":
 * ["VerifiableCredential", "credentialSchema"], loads that context at
 * different points on the two sides); obkit does as it does, so check a
 * payload by decoding it (ob_vp1_encode_compressed does).
 *
 * Where cborld 4.3.4 would lose data or produce something that is not JSON
 * (a Map or byte string where a string belongs, an unknown type id, both
 * the singular and plural id of one term in one map, a plural id over a
 * non-array), obkit refuses instead. Budgets: OB_CBORLD_* below. */
#ifndef OB_CBORLD_H
#define OB_CBORLD_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/doc.h"
#include "base/err.h"

/* Nesting of maps and arrays. */
#define OB_CBORLD_MAX_DEPTH 100
/* A walk over CBOR bytes with libcbor's streaming decoder, before
 * cbor_load builds a tree (it allocates what a header claims, so a few
 * bytes could ask for terabytes): 1 when they hold one definite item of
 * what JSON has (integers, floats, text strings, arrays, maps, true, false,
 * null; byte strings too when bytes_ok), at most OB_CBORLD_MAX_DEPTH deep,
 * every claimed item present and nothing after it. The tree then holds no
 * more items than there are bytes. Shared by cborld and vp1. */
int ob_cbor_shape_ok(const unsigned char *p, size_t len, int bytes_ok);

/* Term ids handed out (terms of all loaded contexts). */
#define OB_CBORLD_MAX_TERMS 20000
/* Distinct contexts loaded, and context activations (pushes) in one run. */
#define OB_CBORLD_MAX_CONTEXTS 64
#define OB_CBORLD_MAX_PUSHES 4096
/* Bytes of strings and keys in the decoded document. */
#define OB_CBORLD_MAX_OUTPUT (1024 * 1024)
/* Bytes in one base58 value (the conversion is quadratic). */
#define OB_CBORLD_MAX_B58 1024

/* Decodes compressed CBOR-LD: cbor are the bytes after the tag d9 05 01
 * (one CBOR map). Contexts come from loader (never the network:
 * ob_loader_get). Returns a new JSON object, or NULL with err: OB_EPARSE
 * for bytes that are not compressed CBOR-LD, OB_ENET/OB_EIO when a context
 * is not available, OB_ELIMIT over a budget. */
json_t *ob_cborld_decode(const unsigned char *cbor, size_t len, ob_loader *loader, ob_error *err);

/* Encodes a JSON-LD document (an object) as compressed CBOR-LD, as
 * cborld 4.3.4's encode() with compressionMode 1 does: appends the tag
 * d9 05 01 and the CBOR to out. OB_EPARSE for a document it cannot
 * compress (a term no context defines, a keyword other than @context,
 * @id and @type, a non-integer number). */
ob_code ob_cborld_encode(const json_t *doc, ob_loader *loader, ob_buf *out, ob_error *err);

#endif
