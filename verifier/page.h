/* page: the HTML pages `ob-verifier serve` answers with. The result page
 * is one more renderer of ob_report (ARCHITECTURE.md decision 2), next to
 * the text report and --json. Pages need no JavaScript and load nothing:
 * one inline <style>, allowed by its hash in the Content-Security-Policy.
 * Every string that came from a credential is HTML-escaped. */
#ifndef OB_VERIFIER_PAGE_H
#define OB_VERIFIER_PAGE_H

#include "base/buf.h"
#include "vc/verify.h"

/* Appends s with & < > " ' escaped. Returns 0, or -1 when out of memory. */
int page_escape(ob_buf *out, const char *s);

/* The Content-Security-Policy header value for these pages (static):
 * nothing but the inline style, no framing, forms post to this origin. */
const char *page_csp(void);

/* The start page: a form to paste a credential or upload an image, with
 * an optional recipient e-mail address. */
int page_form(ob_buf *out);

/* The result page for r. how describes what the credential came in
 * ("baked PNG badge", "QR code", ...; NULL: pasted text). The headline
 * says what ob_report_headline says, in plain words: the issuer's
 * identity level for a credential (a self-asserted issuer in amber, not
 * green), the holder check for a presentation. Under it one line per
 * dimension, then the details: claims, labelled so, unless valid. */
int page_report(ob_buf *out, const ob_report *r, const char *how);

/* A page explaining why nothing could be verified (title and message
 * are escaped). */
int page_error(ob_buf *out, const char *title, const char *msg);

#endif
