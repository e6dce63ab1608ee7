#include "vc/present.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/text.h"
#include "vc/issue.h"
#include "base/json.h"
#include "canon/jcs.h"
#include "proof/jwt.h"
#include "proof/suite_ecdsa_sd.h"
#include "vc/ob3.h"

#define ENVELOPED_PREFIX "data:application/vc+jwt,"

/* VCDM 2.0 4.13.1: a JWT-secured credential inside a presentation */
static json_t *enveloped(const char *jws, size_t len)
{
	json_t *o = json_object();
	char *id = malloc(sizeof(ENVELOPED_PREFIX) + len);
	int bad = !o || !id;

	if (!bad) {
		memcpy(id, ENVELOPED_PREFIX, sizeof(ENVELOPED_PREFIX) - 1);
		memcpy(id + sizeof(ENVELOPED_PREFIX) - 1, jws, len);
		id[sizeof(ENVELOPED_PREFIX) - 1 + len] = '\0';
		bad |= json_object_set_new(o, "@context", json_string(OB3_CTX_VC2));
		bad |= json_object_set_new(o, "id", json_string(id));
		bad |= json_object_set_new(o, "type", json_string("EnvelopedVerifiableCredential"));
	}
	free(id);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ob_present_build(const char *holder, const char *const *creds, const size_t *lens,
			 size_t n, ob_error *err)
{
	json_t *vp = json_object(), *ctx = json_array(), *type = json_array(), *vcs = json_array();
	json_t *v;
	size_t i;
	int bad = !vp || !ctx || !type || !vcs;

	if (!bad) {
		bad |= json_array_append_new(ctx, json_string(OB3_CTX_VC2));
		bad |= json_array_append_new(type, json_string("VerifiablePresentation"));
		bad |= json_object_set(vp, "@context", ctx);
		bad |= json_object_set(vp, "type", type);
		if (holder)
			bad |= json_object_set_new(vp, "holder", json_string(holder));
		bad |= json_object_set(vp, "verifiableCredential", vcs);
	}
	for (i = 0; !bad && i < n; i++) {
		const char *t = creds[i];
		size_t len = lens[i];

		ob_trim(&t, &len);
		if (len && t[0] == '{') {
			if (!(v = ob_json_parse(t, len, err)))
				goto fail;
			if (!json_is_object(v)) {
				json_decref(v);
				ob_fail(err, OB_EPARSE, "credential %zu is not a JSON object", i + 1);
				goto fail;
			}
		} else if (ob_jwt_sniff(t, len)) {
			v = enveloped(t, len);
		} else {
			ob_fail(err, OB_EPARSE, "credential %zu is neither JSON nor a compact JWS", i + 1);
			goto fail;
		}
		if (!v || json_array_append_new(vcs, v))
			bad = 1;
	}
	json_decref(ctx);
	json_decref(type);
	json_decref(vcs);
	if (bad) {
		json_decref(vp);
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	return vp;
fail:
	json_decref(ctx);
	json_decref(type);
	json_decref(vcs);
	json_decref(vp);
	return NULL;
}

ob_code ob_present_sign(json_t *vp, const ob_key *key, const ob_present_opts *o, ob_buf *out,
			ob_error *err)
{
	ob_buf did = OB_BUF_INIT, vm = OB_BUF_INIT;
	ob_code rc;

	if (!o->challenge || !*o->challenge)
		return ob_fail(err, OB_EUSAGE, "a presentation needs the verifier's challenge");
	if (o->suite && !strcmp(o->suite, "vc-jwt")) {
		if ((rc = ob_key_did(key, &did, &vm, err)))
			goto out;
		if ((rc = ob_jwt_sign_vp(vp, key, vm.data, o->challenge, o->domain, time(NULL), out, err)))
			goto out;
		if (ob_buf_addc(out, '\n') < 0)
			rc = ob_fail(err, OB_ENOMEM, "out of memory");
	} else {
		ob_sign_opts so = {
			.suite = o->suite,
			.created = o->created,
			.proof_purpose = "authentication",
			.challenge = o->challenge,
			.domain = o->domain,
		};
		rc = ob_issue_sign(vp, key, &so, out, err);
	}
out:
	ob_buf_release(&did);
	ob_buf_release(&vm);
	return rc;
}

ob_code ob_present_reveal(const char *cred, size_t len, const char *const *pointers, size_t n,
			  ob_loader *loader, ob_buf *out, ob_error *err)
{
	json_t *doc, *derived;
	ob_error e = { 0 };
	ob_code rc = OB_OK;

	ob_trim(&cred, &len);
	if (!len || cred[0] != '{')
		return ob_fail(err, OB_EUSAGE, "--reveal needs a JSON credential with an "
			       "ecdsa-sd-2023 base proof");
	if (!(doc = ob_json_parse(cred, len, err)))
		return err->code;
	derived = ob_sd_derive(doc, pointers, n, loader, &e);
	json_decref(doc);
	if (!derived)
		/* a pointer the credential lacks is the caller's mistake */
		return ob_fail(err, e.code == OB_EINVALID && strstr(e.msg, "JSON pointer") ? OB_EUSAGE : e.code,
			       "%s", e.msg);
	if (ob_json_write(out, derived, 0) < 0)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	json_decref(derived);
	return rc;
}
