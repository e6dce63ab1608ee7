/* qr: QR payloads for credentials and their rendering (libqrencode).
 *
 * Payload formats (documented in README.md):
 *   - a URL, as given (`--url`), encoded as is;
 *   - "VC1-" + Base45(zlib(compact JSON or compact JWS)), the offline form:
 *     every character is in QR alphanumeric mode.
 */
#ifndef OB_QR_H
#define OB_QR_H

#include <stdio.h>

#include "buf.h"
#include "err.h"

#define OB_QR_PREFIX "VC1-"
/* Largest QR version we produce for an embedded credential: beyond it
 * phones cannot read a code reliably; the caller should suggest --url. */
#define OB_QR_MAX_VERSION 40

typedef struct ob_qr ob_qr;

/* Builds the offline payload for a credential or JWT (text as read from
 * the file; JSON is minified first). Appends to out. */
ob_code ob_qr_payload_encode(const char *doc, size_t len, ob_buf *out, ob_error *err);
/* Reverses ob_qr_payload_encode: appends the credential text to out. Text
 * that does not start with the prefix is refused (OB_EPARSE); the
 * inflated size is capped at 16 MiB. */
ob_code ob_qr_payload_decode(const char *payload, size_t len, ob_buf *out, ob_error *err);

/* Encodes text into a QR symbol at error-correction level ecc ('L', 'M',
 * 'Q', 'H'). Fails with a message that suggests --url when the text does
 * not fit version max_version. */
ob_qr *ob_qr_encode(const char *text, char ecc, int max_version, ob_error *err);
void ob_qr_free(ob_qr *qr);
int ob_qr_version(const ob_qr *qr);
int ob_qr_width(const ob_qr *qr);
/* 1 when module (x, y) is dark. */
int ob_qr_module(const ob_qr *qr, int x, int y);

/* Renders with Unicode half blocks, two rows per line, 4-module quiet
 * zone, dark modules as dark on a light background. */
ob_code ob_qr_render_terminal(const ob_qr *qr, FILE *out, ob_error *err);
/* Writes a PNG (scale pixels per module, 4-module quiet zone) or an SVG,
 * atomically (temp file, fsync, rename). */
ob_code ob_qr_write_png(const ob_qr *qr, const char *path, int scale, ob_error *err);
ob_code ob_qr_write_svg(const ob_qr *qr, const char *path, ob_error *err);

#endif
