/* qrscan: reading QR codes out of images (zbar), the reverse of qr.c.
 * Accepts PNG (libpng) and JPEG (libjpeg) images. */
#ifndef OB_QRSCAN_H
#define OB_QRSCAN_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* 1 when data looks like a PNG or JPEG image (by magic bytes). */
int ob_qrscan_sniff(const char *data, size_t len);

/* Decodes the image and appends the data of the first QR symbol found to
 * out (the raw payload: a URL or a "VC1-..." string). OB_EPARSE for an
 * image that cannot be decoded, OB_EINVALID "no QR code found in the
 * image"; images over 64 megapixels are refused. out unchanged on error. */
ob_code ob_qrscan_image(const char *data, size_t len, ob_buf *out, ob_error *err);

#endif
