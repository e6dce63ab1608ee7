/* certificate: a printable one-page certificate of a credential, drawn
 * with cairo (PDF or PNG): the badge image, learner, achievement and its
 * description, the issuer with how its identity is bound (as the
 * verifier's report says it: a name the issuer gives itself is labelled
 * as its claim), the dates, and a QR code that leads to verification.
 * For a CLR, the record's name and the credentials it holds. The wallet
 * (ob-wallet export --pdf) and the issuer use it. */
#ifndef OB_CERTIFICATE_H
#define OB_CERTIFICATE_H

#include <stddef.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "vc/verify.h"

typedef enum { OB_CERT_A4, OB_CERT_LETTER } ob_cert_paper;
typedef enum { OB_CERT_PDF, OB_CERT_PNG } ob_cert_format;

/* PNG pages are drawn at this resolution (dots per inch). */
#define OB_CERT_PNG_DPI 150

struct ob_cert_opts {
	ob_cert_paper paper;    /* OB_CERT_A4 (0) or OB_CERT_LETTER */
	ob_cert_format format;  /* OB_CERT_PDF (0) or OB_CERT_PNG */
	const char *qr_text;    /* what the QR code holds (see
				 * ob_certificate_qr_text); NULL: no code */
	int force;              /* replace an existing file at out_path */
};

/* What the certificate's QR code should hold (appended to out), by these
 * rules, in order:
 *   - verify_base set: BASE/verify?url=ID (ID percent-encoded), the page
 *     `ob-verifier serve` answers, which fetches the credential from its
 *     id; OB_EUSAGE when the credential's id (cred_id) is not an https URL
 *     (a verifier page cannot fetch it);
 *   - else, cred_id an https URL: the id itself (the hosted credential;
 *     `ob-verifier scan` and `ob-wallet add` follow it);
 *   - else the offline payload "VC1-..." of raw (the credential text as
 *     issued, as `ob-wallet share --qr` makes it; io/qr.h).
 * cred_id may be NULL. */
ob_code ob_certificate_qr_text(const char *cred_id, const char *raw, size_t rawlen,
			       const char *verify_base, ob_buf *out, ob_error *err);

/* Renders one page for cred (the credential as parsed, borrowed; may be
 * NULL, it only adds a CLR's own name) from its verification report, and
 * writes it to out_path atomically (temp file, fsync, rename, mode 0644;
 * an existing file only with o->force): on any failure nothing is
 * written. An image is drawn only from a data:image/png URI (at most
 * 2048x2048 pixels); any other image (an https link is never fetched)
 * gets a placeholder. OB_EINVALID when the QR text does not fit a code;
 * OB_EIO when the file cannot be written. */
ob_code ob_certificate_render(const json_t *cred, const ob_report *rep,
			      const struct ob_cert_opts *o, const char *out_path, ob_error *err);

/* The same from the report's JSON form (ob_report_to_json, as the wallet
 * keeps it; borrowed). */
ob_code ob_certificate_render_json(const json_t *cred, const json_t *report,
				   const struct ob_cert_opts *o, const char *out_path,
				   ob_error *err);

/* Releases what cairo and fontconfig keep for the whole process after
 * drawing text (font caches, fontconfig's configuration), so a leak
 * checker sees nothing left. Call once, after the last certificate, when
 * no cairo object is alive (the tools call it before exiting). */
void ob_certificate_cleanup(void);

#endif
