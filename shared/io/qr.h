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

#include "base/buf.h"
#include "base/err.h"

#define OB_QR_PREFIX "VC1-"
/* Largest QR version we produce for an embedded credential. 40 is the
 * largest QR code there is; spec/qr.md advises ~25 for phones, but a
 * minimal signed OB 3.0 badge already needs ~30 at ECC L, so the CLI
 * warns above 25 instead of refusing. Past the limit, suggest --url. */
#define OB_QR_MAX_VERSION 40

typedef struct ob_qr ob_qr;

/* Builds the offline payload for a credential or JWT (text as read from
 * the file, surrounding whitespace ignored). Text starting with '{' is
 * parsed strictly and minified (members and values as issued, not
 * canonicalised); anything else must be a compact JWS and goes in as is.
 * Appends to out; on failure (OB_EPARSE for input that is neither) out is
 * left as it was. */
ob_code ob_qr_payload_encode(const char *doc, size_t len, ob_buf *out, ob_error *err);

/* 1 when url can go into a code as is: not empty, and nothing a scanner
 * would mangle (spaces, control characters). */
int ob_qr_url_ok(const char *url);
/* Reverses ob_qr_payload_encode: appends the credential text to out (a
 * trailing CR/LF, as scanners print, is ignored). Text that does not
 * start with the prefix, bad Base45, corrupt or trailing zlib data, a NUL
 * in the text, or more than 16 MiB inflated are refused (OB_EPARSE) and
 * leave out as it was. */
ob_code ob_qr_payload_decode(const char *payload, size_t len, ob_buf *out, ob_error *err);

/* Encodes NUL-terminated text into the smallest QR symbol at
 * error-correction level ecc ('L', 'M', 'Q', 'H'; lower case accepted).
 * Returns an owned symbol (ob_qr_free), or NULL with err filled: OB_EINVALID
 * with a message suggesting --url when the text needs a version above
 * max_version (1..40), OB_EUSAGE for empty text or bad arguments. */
ob_qr *ob_qr_encode(const char *text, char ecc, int max_version, ob_error *err);
/* Frees a symbol; NULL does nothing. */
void ob_qr_free(ob_qr *qr);
/* Symbol version (1..40) and width in modules (17 + 4 * version), quiet
 * zone excluded. */
int ob_qr_version(const ob_qr *qr);
int ob_qr_width(const ob_qr *qr);
/* 1 when module (x, y) is dark; 0 outside the symbol (the quiet zone). */
int ob_qr_module(const ob_qr *qr, int x, int y);

/* Renders with Unicode half blocks (▀ ▄ █ and space), two module rows
 * per line, 4-module quiet zone: (width + 9) / 2 lines of width + 8
 * cells. The glyphs draw the light modules; when out is a tty (and
 * NO_COLOR is unset) each line is wrapped in bright-white-on-black escapes,
 * so the code is dark on light on any terminal theme; otherwise plain
 * glyphs, which read right on a dark terminal. OB_EIO on a write error. */
ob_code ob_qr_render_terminal(const ob_qr *qr, FILE *out, ob_error *err);
/* How many columns ob_qr_render_terminal draws: width + 8. */
int ob_qr_terminal_columns(const ob_qr *qr);
/* The width of the terminal f writes to (ioctl TIOCGWINSZ), else
 * $COLUMNS when it is a number, else 0: not known. */
int ob_qr_terminal_width(FILE *f);
/* Writes a PNG (8-bit grey, scale pixels per module, 4-module quiet
 * zone) or an SVG (white background, one black <path>, viewBox in
 * modules), atomically (temp file, fsync, rename), mode 0644, replacing
 * an existing file. */
ob_code ob_qr_write_png(const ob_qr *qr, const char *path, int scale, ob_error *err);
ob_code ob_qr_write_svg(const ob_qr *qr, const char *path, ob_error *err);

#endif
