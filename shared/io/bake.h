/* bake: Open Badges 3.0 baked images (spec ob3.md §5, OB 3.0 §5.3).
 *
 * PNG: one iTXt chunk, keyword "openbadgecredential", uncompressed,
 * just before IEND. SVG: one <openbadges:credential> element directly
 * inside the root <svg>, holding a compact JWS in verify="..." or the
 * credential JSON in CDATA. No XML library: a bounded scanner reads only
 * the prolog, the root start tag and our own element.
 */
#ifndef OB_BAKE_H
#define OB_BAKE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define OB_BAKE_KEYWORD "openbadgecredential"
#define OB_BAKE_SVG_NS "https://purl.imsglobal.org/ob/v3p0"
/* Open Badges 2.0 (Baking 1.0): PNG keyword, read only (ob_bake_extract) */
#define OB_BAKE_KEYWORD2 "openbadges"

/* Budgets (OB_ELIMIT past them): a badge image has a few dozen chunks
 * and a few thousand SVG items. */
#define OB_BAKE_MAX_CHUNKS 65536
#define OB_BAKE_MAX_SVG_ITEMS 500000

typedef enum { OB_IMAGE_NONE = 0, OB_IMAGE_PNG, OB_IMAGE_SVG } ob_image_kind;

/* Sniffs bytes: the PNG signature, or text whose first element is <svg
 * (after an optional UTF-8 BOM, XML declaration, comments, doctype and
 * whitespace). Returns OB_IMAGE_NONE for anything else. Reads at most len
 * bytes; data need not be NUL-terminated. */
ob_image_kind ob_bake_sniff(const char *data, size_t len);

/* Extracts the embedded credential text (JSON or compact JWS) from a baked
 * PNG or SVG and appends it to out (owned by the caller; release with
 * ob_buf_release). PNG: every chunk CRC is checked, the first iTXt with
 * keyword "openbadgecredential" wins; a compressed one is inflated up to
 * OB_INFLATE_MAX (inflate.h; or the ratio, OB_ELIMIT). SVG: the first <openbadges:credential>: its verify
 * attribute, else its CDATA sections concatenated, else its text, with XML
 * entities decoded. Without those, an Open Badges 2.0 bake (Baking 1.0):
 * PNG, the first iTXt "openbadges" (uncompressed text as stored, or
 * inflated), else the first tEXt "openbadges" (a legacy assertion URL);
 * SVG, the first <openbadges:assertion>: its CDATA/text, else its verify
 * attribute. Returns 0, or OB_EPARSE / OB_ENOMEM with err filled;
 * on failure out is left as it was. */
ob_code ob_bake_extract(const char *data, size_t len, ob_buf *out, ob_error *err);

/* Bakes credential text (JSON or compact JWS) into a PNG or SVG image and
 * appends the new image to out (owned by the caller). An existing
 * openbadgecredential chunk or openbadges:credential element is replaced,
 * never duplicated. Neither input is modified. Returns 0, or OB_EPARSE /
 * OB_EUSAGE / OB_ENOMEM with err filled; on failure out is left as it was. */
ob_code ob_bake(const char *image, size_t len, const char *credential, size_t clen,
		ob_buf *out, ob_error *err);

#endif
