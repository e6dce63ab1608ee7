/* certificate: one printable page per credential, drawn with cairo's
 * toy text API (fontconfig picks the faces) on a PDF or image surface,
 * rendered into memory and written atomically. Everything on the page
 * but the issuer's identity is the credential's own word; the identity
 * line says what the verifier found, as its headline does. */
#include "cli/certificate.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>

#include "base/codec.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "io/qr.h"

#define PT_PER_INCH 72.0
#define A4_W 595.276
#define A4_H 841.890
#define LETTER_W 612.0
#define LETTER_H 792.0

/* budgets: what a stranger's credential may make us draw */
#define MAX_IMAGE_SIDE 2048           /* pixels, either side */
#define MAX_IMAGE_URI (8u << 20)      /* bytes of a data: URI */
#define MAX_FIELD 2000                /* bytes of one text shown */
#define MAX_ITEMS 12                  /* a CLR's credentials listed */

#define SERIF "DejaVu Serif"
#define SANS "DejaVu Sans"

/* ---- text ---- */

/* s with control characters (C0, DEL, C1) made spaces and cut at max
 * bytes on a character boundary (then "..."), into out. */
static void clean(const char *s, size_t max, ob_buf *out)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0;

	out->len = 0;
	ob_buf_adds(out, "");
	for (; *p; p++, n++) {
		if (n >= max && (*p & 0xc0) != 0x80) {
			ob_buf_adds(out, "...");
			break;
		}
		if (*p < 0x20 || *p == 0x7f)
			ob_buf_addc(out, ' ');
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			ob_buf_addc(out, ' ');
			p++;
		} else
			ob_buf_addc(out, (char)*p);
	}
}

static void font(cairo_t *cr, const char *face, int bold, int italic, double size)
{
	cairo_select_font_face(cr, face, italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

/* The width of s[0..n). */
static double width_of(cairo_t *cr, const char *s, size_t n, ob_buf *tmp)
{
	cairo_text_extents_t e;

	tmp->len = 0;
	ob_buf_add(tmp, s, n);
	ob_buf_adds(tmp, "");
	if (tmp->oom)
		return 0;
	cairo_text_extents(cr, tmp->data, &e);
	return e.x_advance;
}

enum align { LEFT, CENTER };

static void show_at(cairo_t *cr, const char *s, double x, double y, double width, enum align a)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	cairo_move_to(cr, a == CENTER ? x + (width - e.x_advance) / 2 : x, y);
	cairo_show_text(cr, s);
}

/* The bytes of s that fit width: up to the last space that fits, else
 * (one long word, a DID or a URL) as many characters as fit, at least one. */
static size_t fit(cairo_t *cr, const char *s, double width, ob_buf *tmp)
{
	size_t i, best = 0, len = strlen(s);

	if (width_of(cr, s, len, tmp) <= width)
		return len;
	/* widths grow with the prefix: stop at the first space past the edge */
	for (i = 1; i < len; i++)
		if (s[i] == ' ') {
			if (width_of(cr, s, i, tmp) > width)
				break;
			best = i;
		}
	if (best)
		return best;
	for (i = 1; i <= len; i++) {
		if (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (width_of(cr, s, i, tmp) > width)
			break;
		best = i;
	}
	if (!best) /* not even one character: take it anyway */
		for (best = 1; best < len && ((unsigned char)s[best] & 0xc0) == 0x80; best++)
			;
	return best;
}

/* Draws text wrapped to width, at most max_lines (the last one ends in
 * "..." when the text goes on); the first baseline at y. Returns the
 * baseline after the last line. */
static double wrap(cairo_t *cr, const char *text, double x, double y, double width, double lh,
		   int max_lines, enum align a)
{
	ob_buf s = OB_BUF_INIT, line = OB_BUF_INIT, tmp = OB_BUF_INIT;
	const char *p;
	int n = 0;
	size_t k;

	clean(text, MAX_FIELD, &s);
	for (p = s.data; p && *p && n < max_lines; n++) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		k = fit(cr, p, width, &tmp);
		line.len = 0;
		ob_buf_add(&line, p, k);
		ob_buf_adds(&line, "");
		if (n == max_lines - 1 && p[k] && p[k + strspn(p + k, " ")]) {
			/* the last line: make room for "..." */
			while (line.len && width_of(cr, line.data, line.len, &tmp) +
			       width_of(cr, "...", 3, &tmp) > width) {
				line.len--;
				while (line.len && ((unsigned char)line.data[line.len] & 0xc0) == 0x80)
					line.len--;
			}
			ob_buf_truncate(&line, line.len);
			ob_buf_adds(&line, "...");
		}
		if (line.oom)
			break;
		show_at(cr, line.data, x, y, width, a);
		y += lh;
		p += k;
	}
	ob_buf_release(&s);
	ob_buf_release(&line);
	ob_buf_release(&tmp);
	return y;
}

/* "2026-01-01T00:00:00Z" -> "2026-01-01" */
static void date_of(const char *s, char out[32])
{
	ob_buf b = OB_BUF_INIT;

	clean(s, 25, &b);
	snprintf(out, 32, "%.*s", b.data && strlen(b.data) > 10 && b.data[10] == 'T' ? 10 : 25,
		 b.data ? b.data : "");
	ob_buf_release(&b);
}

/* ---- the badge image ---- */

struct reader {
	const unsigned char *p;
	size_t left;
};

static cairo_status_t read_png(void *ctx, unsigned char *data, unsigned int n)
{
	struct reader *r = ctx;

	if (n > r->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p, n);
	r->p += n;
	r->left -= n;
	return CAIRO_STATUS_SUCCESS;
}

/* A PNG from a data:image/png;base64 URI, within the budgets; NULL for
 * anything else. */
static cairo_surface_t *png_from_uri(const char *uri)
{
	static const char pfx[] = "data:image/png;base64,";
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	ob_buf b64 = OB_BUF_INIT, png = OB_BUF_INIT;
	cairo_surface_t *s = NULL;
	const unsigned char *u;
	struct reader r;
	ob_error e = { 0 };
	uint32_t w, h;
	const char *p;

	if (!uri || strncasecmp(uri, pfx, sizeof(pfx) - 1) || strlen(uri) > MAX_IMAGE_URI)
		return NULL;
	/* RFC 4648 base64 as base64url, without padding or whitespace */
	for (p = uri + sizeof(pfx) - 1; *p; p++)
		if (*p == '+')
			ob_buf_addc(&b64, '-');
		else if (*p == '/')
			ob_buf_addc(&b64, '_');
		else if (*p != '=' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			ob_buf_addc(&b64, *p);
	if (b64.oom || !b64.len || ob_base64url_decode(&png, b64.data, b64.len, &e) || png.len < 24)
		goto out;
	u = (const unsigned char *)png.data;
	/* the size IHDR gives, before libpng allocates anything for it */
	if (memcmp(u, sig, 8) || memcmp(u + 12, "IHDR", 4))
		goto out;
	w = (uint32_t)u[16] << 24 | (uint32_t)u[17] << 16 | (uint32_t)u[18] << 8 | u[19];
	h = (uint32_t)u[20] << 24 | (uint32_t)u[21] << 16 | (uint32_t)u[22] << 8 | u[23];
	if (!w || !h || w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE)
		goto out;
	r.p = u;
	r.left = png.len;
	s = cairo_image_surface_create_from_png_stream(read_png, &r);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		s = NULL;
	}
out:
	ob_buf_release(&b64);
	ob_buf_release(&png);
	return s;
}

/* The badge image in a box of side box at (x, y), or a placeholder saying
 * why there is none. */
static void draw_image(cairo_t *cr, const char *uri, double x, double y, double box)
{
	cairo_surface_t *img = png_from_uri(uri);
	const char *why;
	double w, h, k;

	if (img) {
		w = cairo_image_surface_get_width(img);
		h = cairo_image_surface_get_height(img);
		k = box / (w > h ? w : h);
		cairo_save(cr);
		cairo_translate(cr, x + (box - w * k) / 2, y + (box - h * k) / 2);
		cairo_scale(cr, k, k);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
		cairo_paint(cr);
		cairo_restore(cr);
		cairo_surface_destroy(img);
		return;
	}
	why = !uri ? "no image" : !strncmp(uri, "https://", 8) || !strncmp(uri, "http://", 7) ?
	      "image not fetched (a link)" : "image not shown";
	cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
	cairo_new_path(cr); /* not from where the last text ended */
	cairo_arc(cr, x + box / 2, y + box / 2, box / 2, 0, 6.2832);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
	font(cr, SANS, 0, 1, 9);
	wrap(cr, why, x + 10, y + box / 2, box - 20, 11, 2, CENTER);
}

/* ---- the QR code ---- */

static void draw_qr(cairo_t *cr, const ob_qr *qr, double x, double y, double side)
{
	int n = ob_qr_width(qr), i, j;
	double m = side / (n + 8);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, side, side);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (j = 0; j < n; j++)
		for (i = 0; i < n; i++)
			if (ob_qr_module(qr, i, j))
				cairo_rectangle(cr, x + (i + 4) * m, y + (j + 4) * m, m, m);
	/* one fill: neighbouring modules join without hairline seams */
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
	cairo_fill(cr);
}

/* Side of the code on the page: modules of at least 1.6 pt (over 3
 * pixels at 150 dpi), 110 pt at least, 250 pt at most. */
static double qr_side(const ob_qr *qr)
{
	double s = (ob_qr_width(qr) + 8) * 1.6;

	return s < 110 ? 110 : s > 250 ? 250 : s;
}

/* ---- the page ---- */

struct page {
	cairo_t *cr;
	double w, h, m;       /* paper size and margin, points */
	const json_t *cred, *rep, *sum;
	const ob_qr *qr;
	const char *qr_text;
};

/* "Issued by harbor.example.edu (domain verified)", as the verifier's
 * headline puts it; a name the issuer gives itself is marked as such. */
static void issuer_line(const json_t *rep, ob_buf *o)
{
	const json_t *sum = json_object_get(rep, "summary");
	const char *ident = ob_json_str(rep, "issuerIdentity");
	const char *name = ob_json_str(sum, "issuerName"), *id = ob_json_str(sum, "issuer");

	if (ident && !strcmp(ident, "domain") && ob_json_str(rep, "issuerIdentityBasis"))
		ob_buf_addf(o, "Issued by %s (domain verified)", ob_json_str(rep, "issuerIdentityBasis"));
	else if (ident && !strcmp(ident, "registry") && ob_json_str(rep, "issuerRegisteredName"))
		ob_buf_addf(o, "Issued by %s (listed in %s)", ob_json_str(rep, "issuerRegisteredName"),
			    ob_json_str(rep, "issuerIdentityBasis") ? ob_json_str(rep, "issuerIdentityBasis") :
			    "a trusted registry");
	else if (name)
		ob_buf_addf(o, "Issued by an issuer that calls itself '%s' (identity not verified)", name);
	else
		ob_buf_addf(o, "Issued by %s (identity not verified)", id ? id : "an unnamed issuer");
}

static const char *clr_name(const json_t *cred)
{
	const json_t *v = json_object_get(cred, "name");

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		v = json_object_get(v, "@value");
	return json_string_value(v);
}

/* The middle: learner, then the achievement and its description, or the
 * CLR's name and its credentials. Returns the y below. */
static double body(struct page *pg, double y)
{
	cairo_t *cr = pg->cr;
	const double x = pg->m, w = pg->w - 2 * pg->m;
	const int clr = !strcmp(ob_json_str(pg->rep, "kind") ? ob_json_str(pg->rep, "kind") : "", "clr");
	const char *learner = ob_json_str(pg->sum, "learner");
	const json_t *items = json_object_get(pg->rep, "credentials"), *c;
	size_t i;
	char line[64];

	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	font(cr, SERIF, 0, 1, 13);
	y = wrap(cr, clr ? "a record of the achievements of" : "This certifies that", x, y, w, 18, 1, CENTER);
	cairo_set_source_rgb(cr, 0, 0, 0);
	font(cr, SERIF, 1, 0, learner && strlen(learner) > 40 ? 13 : 24);
	y = wrap(cr, learner ? learner : "(the learner is not named)", x, y + 14, w, 28, 2, CENTER);
	cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
	font(cr, SANS, 0, 1, 8);
	y = wrap(cr, "(the learner as the credential names them)", x, y - 10, w, 10, 1, CENTER);
	if (clr) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		font(cr, SERIF, 1, 0, 17);
		snprintf(line, sizeof(line), "%zu credential%s:", json_array_size(items),
			 json_array_size(items) == 1 ? "" : "s");
		y = wrap(cr, line, x, y + 16, w, 20, 1, CENTER);
		font(cr, SANS, 0, 0, 10);
		json_array_foreach(items, i, c) {
			const json_t *cs = json_object_get(c, "summary");
			const char *v = ob_json_str(c, "verdict");
			ob_buf t = OB_BUF_INIT;

			if (i == MAX_ITEMS) {
				snprintf(line, sizeof(line), "... and %zu more", json_array_size(items) - i);
				y = wrap(cr, line, x + 40, y, w - 80, 13, 1, LEFT);
				break;
			}
			ob_buf_addf(&t, "%zu. %s (%s)", i + 1, ob_json_str(cs, "achievement") ?
				    ob_json_str(cs, "achievement") : "(unnamed)",
				    v && !strcmp(v, "valid") ? "valid" : v && !strcmp(v, "invalid") ?
				    "INVALID" : "not verified");
			y = wrap(cr, t.data ? t.data : "", x + 40, y, w - 80, 13, 1, LEFT);
			ob_buf_release(&t);
		}
		return y;
	}
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	font(cr, SERIF, 0, 1, 13);
	y = wrap(cr, "has earned", x, y + 14, w, 18, 1, CENTER);
	cairo_set_source_rgb(cr, 0, 0, 0);
	font(cr, SERIF, 1, 0, 20);
	y = wrap(cr, ob_json_str(pg->sum, "achievement") ? ob_json_str(pg->sum, "achievement") :
		 "(an unnamed achievement)", x, y + 10, w, 24, 2, CENTER);
	if (ob_json_str(pg->sum, "description")) {
		cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
		font(cr, SERIF, 0, 0, 11);
		y = wrap(cr, ob_json_str(pg->sum, "description"), x + 30, y + 4, w - 60, 14, 5, CENTER);
	}
	return y;
}

/* The bottom: issuer, dates and id on the left, the QR code on the right. */
static void footer(struct page *pg, double top)
{
	cairo_t *cr = pg->cr;
	const double side = pg->qr ? qr_side(pg->qr) : 0;
	const double qx = pg->w - pg->m - side, qy = pg->h - pg->m - side - 28;
	const double x = pg->m, w = pg->w - 2 * pg->m - side - (side ? 20 : 0);
	const char *until = ob_json_str(pg->sum, "validUntil");
	double y = top > qy ? top : qy;
	ob_buf t = OB_BUF_INIT;
	char d1[32], d2[32];

	if (top < qy && pg->h - pg->m - 28 - top > 150)
		y = top + (qy - top) / 2; /* text and code side by side, low on the page */
	y = y < top ? top : y;
	issuer_line(pg->rep, &t);
	cairo_set_source_rgb(cr, 0, 0, 0);
	font(cr, SANS, 1, 0, 11);
	y = wrap(cr, t.data ? t.data : "", x, y, w, 14, 3, LEFT);
	if (ob_json_str(pg->sum, "issuer")) {
		t.len = 0;
		ob_buf_addf(&t, "Issuer id: %s", ob_json_str(pg->sum, "issuer"));
		font(cr, SANS, 0, 0, 8);
		y = wrap(cr, t.data, x, y, w, 10, 3, LEFT);
	}
	date_of(ob_json_str(pg->sum, "validFrom"), d1);
	date_of(until, d2);
	t.len = 0;
	ob_buf_addf(&t, "Issued %s", *d1 ? d1 : "(no date)");
	font(cr, SANS, 0, 0, 11);
	y = wrap(cr, t.data, x, y + 10, w, 14, 1, LEFT);
	t.len = 0;
	ob_buf_addf(&t, until ? "Expires %s" : "No expiry date", d2);
	y = wrap(cr, t.data, x, y, w, 14, 1, LEFT);
	if (ob_json_str(pg->sum, "id")) {
		t.len = 0;
		ob_buf_addf(&t, "Credential id: %s", ob_json_str(pg->sum, "id"));
		font(cr, SANS, 0, 0, 8);
		y = wrap(cr, t.data, x, y + 6, w, 10, 3, LEFT);
	}
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	font(cr, SANS, 0, 1, 8);
	wrap(cr, pg->qr ? "This page is a picture of a signed credential: the signature is checked "
	     "from the credential (scan the code), never from the page." :
	     "No QR code: this page is a picture of a signed credential, whose signature is checked "
	     "from the credential file itself (ob-verifier verify FILE), never from the page.",
	     x, y + 8, w, 10, 3, LEFT);
	if (pg->qr) {
		draw_qr(cr, pg->qr, qx, qy, side);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		font(cr, SANS, 0, 0, 7);
		wrap(cr, strncmp(pg->qr_text, OB_QR_PREFIX, 4) ? pg->qr_text :
		     "Scan to verify: the code holds the signed credential", qx - 10, qy + side + 9,
		     side + 10, 9, 2, CENTER);
	}
	ob_buf_release(&t);
}

static void draw_page(struct page *pg)
{
	cairo_t *cr = pg->cr;
	const int clr = !strcmp(ob_json_str(pg->rep, "kind") ? ob_json_str(pg->rep, "kind") : "", "clr");
	/* a CLR's image would be its first achievement's: none is drawn */
	const double box = clr ? 0 : 130;
	double y;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	/* a double frame */
	cairo_set_source_rgb(cr, 0.16, 0.27, 0.42);
	cairo_set_line_width(cr, 2.5);
	cairo_rectangle(cr, 20, 20, pg->w - 40, pg->h - 40);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.8);
	cairo_rectangle(cr, 26, 26, pg->w - 52, pg->h - 52);
	cairo_stroke(cr);
	font(cr, SERIF, 1, 0, clr ? 22 : 26);
	y = wrap(cr, clr ? (clr_name(pg->cred) ? clr_name(pg->cred) : "Comprehensive Learner Record") :
		 "Certificate of Achievement", pg->m, pg->m + 30, pg->w - 2 * pg->m, 28, 2, CENTER);
	if (!json_is_true(json_object_get(pg->rep, "verified"))) {
		/* a credential kept unverified says so first */
		cairo_set_source_rgb(cr, 0.75, 0, 0);
		font(cr, SANS, 1, 0, 10);
		y = wrap(cr, ob_json_str(pg->rep, "headline") ? ob_json_str(pg->rep, "headline") :
			 "NOT VERIFIED", pg->m, y, pg->w - 2 * pg->m, 12, 2, CENTER);
	}
	if (!clr)
		draw_image(cr, ob_json_str(pg->sum, "image"), (pg->w - box) / 2, y, box);
	y = body(pg, y + box + 26);
	footer(pg, y + 18);
}

/* ---- output ---- */

static cairo_status_t to_buf(void *ctx, const unsigned char *data, unsigned int n)
{
	return ob_buf_add(ctx, data, n) < 0 ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

ob_code ob_certificate_render_json(const json_t *cred, const json_t *report,
				   const struct ob_cert_opts *o, const char *out_path, ob_error *err)
{
	const double w = o->paper == OB_CERT_LETTER ? LETTER_W : A4_W;
	const double h = o->paper == OB_CERT_LETTER ? LETTER_H : A4_H;
	const double k = OB_CERT_PNG_DPI / PT_PER_INCH;
	struct page pg;
	cairo_surface_t *s = NULL;
	ob_buf out = OB_BUF_INIT;
	ob_qr *qr = NULL;
	cairo_status_t st;
	ob_code rc = OB_OK;

	if (!json_is_object(report))
		return ob_fail(err, OB_EUSAGE, "no verification report to draw the certificate from");
	if (o->qr_text && !(qr = ob_qr_encode(o->qr_text, strncmp(o->qr_text, OB_QR_PREFIX, 4) ? 'M' : 'L',
					      OB_QR_MAX_VERSION, err)))
		return err->code;
	memset(&pg, 0, sizeof(pg));
	pg.w = w;
	pg.h = h;
	pg.m = 54;
	pg.cred = cred;
	pg.rep = report;
	pg.sum = json_object_get(report, "summary");
	pg.qr = qr;
	pg.qr_text = o->qr_text;
	if (o->format == OB_CERT_PNG)
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * k + 0.5), (int)(h * k + 0.5));
	else
		s = cairo_pdf_surface_create_for_stream(to_buf, &out, w, h);
	if (o->format != OB_CERT_PNG && cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "obkit " OB_VERSION);
		if (ob_json_str(pg.sum, "achievement"))
			cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
						       ob_json_str(pg.sum, "achievement"));
	}
	pg.cr = cairo_create(s);
	if (o->format == OB_CERT_PNG)
		cairo_scale(pg.cr, k, k);
	draw_page(&pg);
	cairo_show_page(pg.cr);
	st = cairo_status(pg.cr);
	cairo_destroy(pg.cr);
	if (st == CAIRO_STATUS_SUCCESS && o->format == OB_CERT_PNG)
		st = cairo_surface_write_to_png_stream(s, to_buf, &out);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS || out.oom)
		rc = ob_fail(err, out.oom || st == CAIRO_STATUS_NO_MEMORY ? OB_ENOMEM : OB_EIO,
			     "cannot draw the certificate: %s", cairo_status_to_string(st));
	else
		rc = ob_write_file_atomic(out_path, out.data, out.len, 0644, o->force, err);
	ob_buf_release(&out);
	ob_qr_free(qr);
	return rc;
}

ob_code ob_certificate_render(const json_t *cred, const ob_report *rep,
			      const struct ob_cert_opts *o, const char *out_path, ob_error *err)
{
	json_t *j = ob_report_to_json(rep);
	ob_code rc;

	if (!j)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	rc = ob_certificate_render_json(cred, j, o, out_path, err);
	json_decref(j);
	return rc;
}

void ob_certificate_cleanup(void)
{
	void (*fc_fini)(void);

	cairo_debug_reset_static_data();
	/* fontconfig comes with cairo and is not linked by us: its FcFini is
	 * found in the process, if cairo loaded it */
	*(void **)&fc_fini = dlsym(RTLD_DEFAULT, "FcFini");
	if (fc_fini)
		fc_fini();
}

/* RFC 3986 2.3: all but the unreserved characters escaped */
static void pct(ob_buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			ob_buf_addc(b, (char)*p);
		else
			ob_buf_addf(b, "%%%02X", *p);
}

ob_code ob_certificate_qr_text(const char *cred_id, const char *raw, size_t rawlen,
			       const char *verify_base, ob_buf *out, ob_error *err)
{
	const int hosted = cred_id && !strncmp(cred_id, "https://", 8) && ob_qr_url_ok(cred_id);
	size_t n, start = out->len;

	if (verify_base) {
		if (strncmp(verify_base, "https://", 8) && strncmp(verify_base, "http://", 7))
			return ob_fail(err, OB_EUSAGE, "the verification page '%s' is not an http(s) URL",
				       verify_base);
		if (!ob_qr_url_ok(verify_base))
			return ob_fail(err, OB_EUSAGE, "the verification page '%s' holds spaces or "
				       "control characters", verify_base);
		if (!hosted)
			return ob_fail(err, OB_EUSAGE, "a verification page can only fetch a credential "
				       "whose id is an https URL; '%s' is not (without --verify-url the "
				       "code holds the credential itself)", cred_id ? cred_id : "(no id)");
		n = strlen(verify_base);
		while (n > 8 && verify_base[n - 1] == '/')
			n--;
		ob_buf_add(out, verify_base, n);
		ob_buf_adds(out, "/verify?url=");
		pct(out, cred_id);
	} else if (hosted) {
		ob_buf_adds(out, cred_id);
	} else {
		return ob_qr_payload_encode(raw, rawlen, out, err);
	}
	if (out->oom) {
		ob_buf_truncate(out, start);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}
