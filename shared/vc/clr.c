#include "vc/clr.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/dates.h"
#include "base/json.h"
#include "proof/jwt.h"
#include "vc/ob3.h"

int ob_clr_is_clr(const json_t *cred)
{
	return ob_json_has_value(json_object_get(cred, "type"), "ClrCredential");
}

/* Adds cred's achievement definition to list unless one with that id is
 * there already (a programme's courses share definitions). */
static int add_achievement(json_t *list, const json_t *cred)
{
	const json_t *subj = ob3_subject(cred), *ach, *a;
	const char *id;
	size_t i;

	ach = json_object_get(subj, "achievement");
	if (json_is_array(ach))
		ach = json_array_get(ach, 0);
	if (!json_is_object(ach) || !(id = ob_json_str(ach, "id")))
		return 0;
	json_array_foreach(list, i, a)
		if (!strcmp(ob_json_str(a, "id"), id))
			return 0;
	return json_array_append(list, (json_t *)ach);
}

/* Same for a credential that may be a VC-JWT: its achievement is read
 * from the decoded payload (the signature is the verifier's business). */
static int add_achievement_of(json_t *list, const json_t *c)
{
	ob_error e = { 0 };
	ob_jwt jwt;
	int rc;

	if (json_is_object(c))
		return add_achievement(list, c);
	if (!json_is_string(c) ||
	    ob_jwt_decode(json_string_value(c), json_string_length(c), &jwt, &e))
		return 0;
	rc = jwt.credential ? add_achievement(list, jwt.credential) : 0;
	ob_jwt_release(&jwt);
	return rc;
}

static json_t *nested_entry(const json_t *c, ob_error *err)
{
	ob_buf url = OB_BUF_INIT;
	json_t *o;

	if (json_is_object(c))
		return json_incref((json_t *)c);
	if (!json_is_string(c)) {
		ob_fail(err, OB_EUSAGE, "a nested credential must be a JSON object or a VC-JWT");
		return NULL;
	}
	/* VCDM 2.0 4.13: a secured-elsewhere credential travels enveloped */
	ob_buf_adds(&url, "data:application/vc+jwt,");
	ob_buf_adds(&url, json_string_value(c));
	o = url.oom ? NULL : json_pack("{s:[s], s:s, s:s}", "@context", OB3_CTX_VC2, "id", url.data,
					"type", "EnvelopedVerifiableCredential");
	ob_buf_release(&url);
	if (!o)
		ob_fail(err, OB_ENOMEM, "out of memory");
	return o;
}

json_t *ob_clr_build(const json_t *profile, const json_t *const *creds, size_t ncreds,
		     const ob_clr_opts *opts, ob_error *err)
{
	json_t *clr = NULL, *subj = NULL, *vcs = NULL, *achs = NULL, *e;
	ob_buf id = OB_BUF_INIT, name = OB_BUF_INIT;
	char now[32];
	time_t t;
	size_t i;

	if (!json_is_object(profile) || !ob_json_str(profile, "id")) {
		ob_fail(err, OB_EUSAGE, "issuer profile has no id");
		return NULL;
	}
	if (!opts->recipient || !*opts->recipient) {
		ob_fail(err, OB_EUSAGE, "no recipient");
		return NULL;
	}
	if (ncreds == 0) {
		ob_fail(err, OB_EUSAGE, "a CLR needs at least one credential (CLR 2.0: verifiableCredential 1..*)");
		return NULL;
	}
	if (opts->valid_from && ob_date_parse(opts->valid_from, &t, NULL) < 0) {
		ob_fail(err, OB_EUSAGE, "invalid valid-from '%s' (want e.g. 2025-06-01T00:00:00Z)",
			opts->valid_from);
		return NULL;
	}
	if (!(vcs = json_array()) || !(achs = json_array()))
		goto oom;
	for (i = 0; i < ncreds; i++) {
		if (!(e = nested_entry(creds[i], err)))
			goto fail;
		if (json_array_append_new(vcs, e) || add_achievement_of(achs, creds[i]))
			goto oom;
	}
	if (!(subj = json_pack("{s:s}", "type", "ClrSubject")))
		goto oom;
	if (ob3_is_email(opts->recipient)) {
		json_t *io = ob3_identity_object(opts->recipient, err);
		if (!io)
			goto fail;
		if (json_object_set_new(subj, "identifier", json_pack("[o]", io)))
			goto oom;
	} else if (json_object_set_new(subj, "id", json_string(opts->recipient))) {
		goto oom;
	}
	if (opts->learner && json_object_set_new(subj, "name", json_string(opts->learner)))
		goto oom;
	if (json_object_set(subj, "verifiableCredential", vcs) ||
	    (json_array_size(achs) && json_object_set(subj, "achievement", achs)))
		goto oom;
	if (ob3_new_uuid(&id, err))
		goto fail;
	if (opts->name)
		ob_buf_adds(&name, opts->name);
	else
		ob_buf_addf(&name, "Comprehensive Learner Record%s%s", opts->learner ? " of " : "",
			    opts->learner ? opts->learner : "");
	if (opts->valid_from)
		snprintf(now, sizeof(now), "%s", opts->valid_from);
	else
		ob_date_format(time(NULL), now);
	if (name.oom)
		goto oom;
	clr = json_pack("{s:[s,s,s], s:s, s:[s,s], s:O, s:s, s:s, s:O}",
			"@context", OB3_CTX_VC2, OB_CLR_CTX, OB3_CTX_OB,
			"id", id.data, "type", "VerifiableCredential", "ClrCredential",
			"issuer", profile, "validFrom", now, "name", name.data,
			"credentialSubject", subj);
	if (!clr)
		goto oom;
	if (opts->partial && json_object_set_new(clr, "partial", json_true()))
		goto oom;
	goto out;
oom:
	ob_fail(err, OB_ENOMEM, "out of memory");
fail:
	json_decref(clr);
	clr = NULL;
out:
	json_decref(subj);
	json_decref(vcs);
	json_decref(achs);
	ob_buf_release(&id);
	ob_buf_release(&name);
	return clr;
}

const json_t *ob_clr_credentials(const json_t *cred, size_t *n)
{
	const json_t *v = json_object_get(ob3_subject(cred), "verifiableCredential");

	*n = json_is_array(v) ? json_array_size(v) : v ? 1 : 0;
	return v;
}

static const char *const assoc_types[] = {
	"exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf", "isRelatedTo",
	"precedes", "replacedBy", NULL,
};

static ob_code check_associations(const json_t *subj, ob_error *err)
{
	const json_t *list = json_object_get(subj, "association"), *a;
	const char *t;
	size_t i;
	int k;

	if (!list)
		return OB_OK;
	if (!json_is_array(list))
		return ob_fail(err, OB_EINVALID, "credentialSubject.association must be an array");
	json_array_foreach(list, i, a) {
		if (!ob_json_has_value(json_object_get(a, "type"), "Association"))
			return ob_fail(err, OB_EINVALID, "credentialSubject.association[%zu] must have type Association", i);
		if (!ob_json_str(a, "sourceId") || !ob_json_str(a, "targetId"))
			return ob_fail(err, OB_EINVALID, "credentialSubject.association[%zu] needs sourceId and targetId", i);
		if (!(t = ob_json_str(a, "associationType")))
			return ob_fail(err, OB_EINVALID, "credentialSubject.association[%zu] needs an associationType", i);
		for (k = 0; assoc_types[k] && strcmp(assoc_types[k], t); k++)
			;
		if (!assoc_types[k])
			return ob_fail(err, OB_EINVALID, "credentialSubject.association[%zu]: unknown associationType '%s'", i, t);
	}
	return OB_OK;
}

ob_code ob_clr_check_required(const json_t *cred, ob_error *err)
{
	const json_t *subj = json_object_get(cred, "credentialSubject");
	size_t n;

	if (!ob_json_str(cred, "id"))
		return ob_fail(err, OB_EINVALID, "missing required field id");
	if (!json_object_get(cred, "name"))
		return ob_fail(err, OB_EINVALID, "missing required field name");
	if (!json_is_object(subj))
		return ob_fail(err, OB_EINVALID, "credentialSubject must be one ClrSubject object");
	if (!ob_json_has_value(json_object_get(subj, "type"), "ClrSubject"))
		return ob_fail(err, OB_EINVALID, "credentialSubject.type must include ClrSubject");
	if (!json_object_get(subj, "id") && !json_object_get(subj, "identifier"))
		return ob_fail(err, OB_EINVALID, "credentialSubject needs an id or an identifier");
	ob_clr_credentials(cred, &n);
	if (n == 0)
		return ob_fail(err, OB_EINVALID, "missing required field credentialSubject.verifiableCredential (1 or more)");
	return check_associations(subj, err);
}
