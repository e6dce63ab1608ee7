/* logpack: the issuance log's compressed credentials.
 *
 * A roster's credentials differ from each other in a few hundred bytes
 * (id, name, salted hash, status slot, proof value); stored as text each
 * took a 4 KiB database page, and writing 400 MB of log for 100,000
 * credentials was a fifth of a run. The run therefore stores one
 * dictionary (a credential like the ones it signs) in log_dicts and each
 * credential as a zstd frame compressed against it: ~260 bytes instead of
 * ~2 KB, in ~4 us (zstd digests the dictionary once; zlib re-reads it
 * for every credential and took 10 us). Frames carry their content size
 * and a checksum, so a damaged row or a wrong dictionary is reported,
 * never read as a different credential.
 */
#ifndef OB_LOGPACK_H
#define OB_LOGPACK_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* Per thread: the compressor and its digested dictionary. */
typedef struct logpack logpack;

/* The dictionary stays the caller's and must outlive the packer. */
logpack *logpack_new(const void *dict, size_t dlen);
void logpack_free(logpack *p);
/* Replaces out with text compressed against the dictionary. */
ob_code logpack_pack(logpack *p, const void *text, size_t len, ob_buf *out, ob_error *err);

/* Decompresses z (packed against dict) into text (appended). OB_EIO when the
 * stream is damaged or was packed against another dictionary. */
ob_code logpack_unpack(const void *dict, size_t dlen, const void *z, size_t zlen, ob_buf *text,
		       ob_error *err);

#endif
