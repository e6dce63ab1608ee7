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

#define MAX_PAGE_EMAIL 254       /* as serve.h's MAX_EMAIL */
#define MAX_PAGE_CHALLENGE 256   /* a challenge or domain the form takes */

/* The start page: a form to paste a credential or presentation, or upload
 * an image or file, with an optional recipient e-mail address and, for a
 * presentation, the challenge and domain it must answer. challenge and
 * domain (may be NULL) are filled in; with a challenge the page first
 * says what to send the candidate (GET /challenge). */
int page_form(ob_buf *out, const char *challenge, const char *domain);

/* What a result page was asked: how the credential came ("baked PNG
 * badge", "QR code", ...; NULL: pasted text), and the challenge, domain
 * and recipient address given (NULL: none). ignored: a challenge or
 * domain was given for a document that is no presentation, and was left
 * out of its verification. */
struct page_ask {
	const char *how;
	const char *challenge, *domain, *recipient;
	int ignored;
};

/* The result page for r, checked as ask says (which it repeats). The headline
 * says what ob_report_headline says, in plain words: the issuer's
 * identity level for a credential (a self-asserted issuer in amber, not
 * green), the holder check for a presentation. Under it one line per
 * dimension, then the details: claims, labelled so, unless valid. */
int page_report(ob_buf *out, const ob_report *r, const struct page_ask *ask);

/* The page for something that is not a credential at all (an image with
 * no badge, a web page, JSON of another kind): what it is (may be NULL),
 * and how it came (may be NULL). */
int page_not_credential(ob_buf *out, const char *what, const char *how);

/* A page explaining why nothing could be verified (title and message
 * are escaped). */
int page_error(ob_buf *out, const char *title, const char *msg);

#endif
