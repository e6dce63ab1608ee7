/* offer: OID4VCI offers made and stored (oid4vci.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "base/codec.h"
#include "base/hash.h"
#include "base/rand.h"
#include "canon/jcs.h"
#include "db_offer.h"
#include "oid4vci.h"
#include "vc/oid4vci.h"

void offer_made_release(offer_made *m)
{
	if (!m)
		return;
	free(m->id);
	free(m->ref);
	free(m->xref);
	if (m->pin) {
		OPENSSL_cleanse(m->pin, strlen(m->pin));
		free(m->pin);
	}
	memset(m, 0, sizeof(*m));
}

/* n random bytes as base64url (heap), or NULL with err. */
static char *random_text(size_t n, ob_error *err)
{
	unsigned char r[32];
	ob_buf b = OB_BUF_INIT;

	if (ob_random(r, n, err))
		return NULL;
	if (ob_base64url_encode(&b, r, n) < 0) {
		ob_buf_release(&b);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	return ob_buf_detach(&b, NULL);
}

/* OFFER_PIN_DIGITS uniform random digits (heap secret). */
static char *random_pin(ob_error *err)
{
	char *pin = malloc(OFFER_PIN_DIGITS + 1);
	int i = 0;

	if (!pin) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	while (i < OFFER_PIN_DIGITS) {
		unsigned char c;

		if (ob_random(&c, 1, err)) {
			free(pin);
			return NULL;
		}
		if (c < 250) /* 250 = 25 * 10: no digit more likely than another */
			pin[i++] = (char)('0' + c % 10);
	}
	pin[i] = '\0';
	return pin;
}

static void pin_hash(const unsigned char salt[16], const char *pin, unsigned char out[32])
{
	unsigned char buf[16 + 64];
	size_t n = strlen(pin);

	if (n > 64)
		n = 64;
	memcpy(buf, salt, 16);
	memcpy(buf + 16, pin, n);
	ob_sha256(buf, 16 + n, out);
	OPENSSL_cleanse(buf, sizeof(buf));
}

int issuer_offer_pin_ok(const unsigned char stored[OFFER_PIN_LEN], const char *pin)
{
	unsigned char h[32];
	int ok;

	if (strlen(pin) > 64)
		return 0;
	pin_hash(stored, pin, h);
	ok = CRYPTO_memcmp(h, stored + 16, 32) == 0;
	OPENSSL_cleanse(h, sizeof(h));
	return ok;
}

ob_code issuer_offer_create(issuer_state *st, const offer_params *p, offer_made *out, ob_error *err)
{
	offer_rec o = { 0 };
	char *achievement = NULL;
	unsigned char idb[8];
	ob_buf id = OB_BUF_INIT;
	ob_code rc;
	time_t now = time(NULL);

	memset(out, 0, sizeof(*out));
	if ((rc = issuer_db_achievement_get(st->db, p->achievement, &achievement, err)))
		return rc;
	if (!achievement)
		return ob_fail(err, OB_EUSAGE, "no achievement '%s' in the catalog", p->achievement);
	free(achievement);
	if ((rc = ob_random(idb, sizeof(idb), err)))
		goto fail;
	if (ob_hex_encode(&id, idb, sizeof(idb)) < 0) {
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	out->id = ob_buf_detach(&id, NULL);
	/* the reference and the code: 256 bits each, never guessed */
	if (!out->id || !(out->ref = random_text(32, err)) || !(o.code = random_text(32, err))) {
		rc = err->code ? err->code : ob_fail(err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if ((p->lcw > 0 || (p->lcw == 0 && !p->pin)) && !(out->xref = random_text(32, err))) {
		rc = err->code ? err->code : ob_fail(err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (p->pin) {
		if (!(out->pin = random_pin(err)) || (rc = ob_random(o.pin, 16, err))) {
			rc = err->code;
			goto fail;
		}
		pin_hash(o.pin, out->pin, o.pin + 16);
		o.has_pin = 1;
	}
	o.id = out->id;
	o.ref = out->ref;
	o.xref = out->xref;
	o.achievement = (char *)p->achievement;
	o.recipient = (char *)p->recipient;
	o.name = (char *)p->name;
	o.created = now;
	o.expires = out->expires = now + (p->ttl > 0 ? p->ttl : OFFER_DEFAULT_TTL);
	rc = offer_db_add(st->db, &o, err);
	OPENSSL_cleanse(o.pin, sizeof(o.pin));
	free(o.code);
	if (!rc)
		return OB_OK;
	offer_made_release(out);
	return rc;
fail:
	ob_buf_release(&id);
	free(o.code);
	offer_made_release(out);
	return rc;
}

char *issuer_offer_server(issuer_state *st, const char *server, ob_error *err)
{
	char *s;
	size_t n;

	if (!server)
		return issuer_base_url(st, err);
	if (strncmp(server, "https://", 8) || strlen(server) < 9 || strpbrk(server, "?# \t\r\n")) {
		ob_fail(err, OB_EUSAGE, "the server '%s' is not an https URL (a reverse proxy gives TLS)", server);
		return NULL;
	}
	if (!(s = strdup(server))) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	n = strlen(s);
	while (n > 8 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

ob_code issuer_offer_uri(const char *server, const char *ref, ob_buf *uri, ob_buf *link, ob_error *err)
{
	if (ob_buf_addf(uri, "%s/offers/%s", server, ref) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return link ? ob_oid4vci_offer_link(uri->data, link, err) : OB_OK;
}

ob_code issuer_offer_exchange_url(const char *server, const char *xref, ob_buf *out, ob_error *err)
{
	if (ob_buf_addf(out, "%s/exchanges/%s", server, xref) < 0)
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

ob_code issuer_offer_lcw_link(const char *server, const char *xref, const char *oid4vci_link, ob_buf *out,
			      ob_error *err)
{
	const char *host = strstr(server, "://"), *slash;
	ob_buf url = OB_BUF_INIT, js = OB_BUF_INIT;
	json_t *req = NULL;
	ob_code rc;

	if (!host)
		return ob_fail(err, OB_EUSAGE, "the server '%s' is not a URL", server);
	slash = strchr(host + 3, '/');
	if ((rc = issuer_offer_exchange_url(server, xref, &url, err)))
		goto out;
	req = json_pack("{s:s%,s:{s:s,s:s*}}", "credentialRequestOrigin", server,
			slash ? (size_t)(slash - server) : strlen(server), "protocols", "vcapi", url.data,
			"OID4VCI", oid4vci_link);
	if (!req || ob_json_write(&js, req, 0) < 0 || ob_buf_adds(out, "https://lcw.app/request?request=") < 0 ||
	    ob_oid4vci_urlencode(out, js.data) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
out:
	json_decref(req);
	ob_buf_release(&url);
	ob_buf_release(&js);
	return rc;
}
