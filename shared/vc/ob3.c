#include "vc/ob3.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "base/codec.h"
#include "base/hash.h"
#include "base/dates.h"
#include "base/json.h"
#include "proof/keys.h"
#include "base/rand.h"

/* Appends "urn:uuid:" and u in the 8-4-4-4-12 form (RFC 9562 4). */
static ob_code uuid_urn(ob_buf *out, const unsigned char u[16], ob_error *err)
{
	static const int dash[] = { 4, 6, 8, 10 };
	int i, d = 0;

	ob_buf_adds(out, "urn:uuid:");
	for (i = 0; i < 16; i++) {
		if (d < 4 && i == dash[d]) {
			ob_buf_addc(out, '-');
			d++;
		}
		ob_hex_encode(out, u + i, 1);
	}
	return out->oom ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

ob_code ob3_new_uuid(ob_buf *out, ob_error *err)
{
	unsigned char u[16];

	if (ob_random(u, sizeof(u), err))
		return err->code;
	u[6] = (u[6] & 0x0f) | 0x40; /* RFC 9562 version 4 */
	u[8] = (u[8] & 0x3f) | 0x80; /* variant */
	return uuid_urn(out, u, err);
}

ob_code ob3_new_uuid7(ob_buf *out, ob_error *err)
{
	unsigned char u[16];
	struct timespec ts;
	uint64_t ms;
	int i;

	if (ob_random(u + 6, 10, err))
		return err->code;
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (i = 0; i < 6; i++) /* RFC 9562 5.7: 48-bit Unix time in ms, big-endian */
		u[i] = (unsigned char)(ms >> (8 * (5 - i)));
	u[6] = (u[6] & 0x0f) | 0x70; /* version 7 */
	u[8] = (u[8] & 0x3f) | 0x80; /* variant */
	return uuid_urn(out, u, err);
}

ob_code ob3_identity_hash(const char *identity, const char *salt, ob_buf *out, ob_error *err)
{
	ob_buf in = OB_BUF_INIT;
	unsigned char h[32];

	/* identityHash = hash(identifier || salt), no separator (ob3.md 1) */
	ob_buf_adds(&in, identity);
	if (salt)
		ob_buf_adds(&in, salt);
	if (in.oom) {
		ob_buf_release(&in);
		return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	ob_sha256((const unsigned char *)in.data, in.len, h);
	ob_buf_release(&in);
	ob_buf_adds(out, "sha256$");
	ob_hex_encode(out, h, sizeof(h));
	return out->oom ? ob_fail(err, OB_ENOMEM, "out of memory") : OB_OK;
}

int ob3_is_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at && at != s && at[1] && !strchr(s, ':') && !strchr(at + 1, '@');
}

json_t *ob3_identity_object(const char *email, ob_error *err)
{
	unsigned char salt[8];
	ob_buf hex = OB_BUF_INIT, hash = OB_BUF_INIT;
	char *lower = strdup(email), *p;
	json_t *o = NULL;

	if (!lower) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	/* Addresses are lower-cased before hashing (common practice; the
	 * spec leaves normalisation open). */
	for (p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (ob_random(salt, sizeof(salt), err))
		goto out;
	ob_hex_encode(&hex, salt, sizeof(salt));
	if (hex.oom || ob3_identity_hash(lower, hex.data, &hash, err))
		goto out;
	o = json_pack("{s:s, s:b, s:s, s:s, s:s}", "type", "IdentityObject", "hashed", 1,
		      "identityHash", hash.data, "identityType", "emailAddress", "salt", hex.data);
	if (!o)
		ob_fail(err, OB_ENOMEM, "out of memory");
out:
	free(lower);
	ob_buf_release(&hex);
	ob_buf_release(&hash);
	return o;
}

json_t *ob3_build_credential(const json_t *profile, const json_t *achievement,
			     const ob3_issue_opts *opts, ob_error *err)
{
	json_t *cred = NULL, *subject = NULL;
	ob_buf id = OB_BUF_INIT;
	char now[32];
	time_t t;

	if (!json_is_object(profile) || !ob_json_str(profile, "id")) {
		ob_fail(err, OB_EUSAGE, "issuer profile has no id");
		return NULL;
	}
	if (!json_is_object(achievement) || !ob_json_str(achievement, "name")) {
		ob_fail(err, OB_EUSAGE, "achievement has no name");
		return NULL;
	}
	if (!opts->recipient || !*opts->recipient) {
		ob_fail(err, OB_EUSAGE, "no recipient");
		return NULL;
	}
	if (opts->valid_from && ob_date_parse(opts->valid_from, &t, NULL) < 0) {
		ob_fail(err, OB_EUSAGE, "invalid --valid-from '%s' (want e.g. 2025-06-01T00:00:00Z)", opts->valid_from);
		return NULL;
	}
	if (opts->valid_until && ob_date_parse(opts->valid_until, &t, NULL) < 0) {
		ob_fail(err, OB_EUSAGE, "invalid --valid-until '%s' (want e.g. 2030-06-01T00:00:00Z)", opts->valid_until);
		return NULL;
	}
	if (!opts->id && ob3_new_uuid(&id, err))
		return NULL;
	ob_date_format(time(NULL), now);

	subject = json_pack("{s:[s]}", "type", "AchievementSubject");
	if (!subject)
		goto oom;
	if (ob3_is_email(opts->recipient)) {
		json_t *io = ob3_identity_object(opts->recipient, err);
		if (!io || json_object_set_new(subject, "identifier", json_pack("[o]", io)))
			goto fail;
	} else if (strchr(opts->recipient, ':')) {
		if (json_object_set_new(subject, "id", json_string(opts->recipient)))
			goto oom;
	} else {
		ob_fail(err, OB_EUSAGE, "recipient '%s' is neither an e-mail address nor a DID/URI",
			opts->recipient);
		goto fail;
	}
	if (opts->name && json_object_set_new(subject, "name", json_string(opts->name)))
		goto oom;
	if (json_object_set_new(subject, "achievement", json_deep_copy(achievement)))
		goto oom;
	/* OB 3.0 Result: the learner's outcome (ob3.md, AchievementSubject) */
	if (opts->result && *opts->result &&
	    json_object_set_new(subject, "result", json_pack("[{s:[s], s:s}]", "type", "Result",
							     "value", opts->result)))
		goto oom;

	cred = json_pack("{s:[s,s], s:s, s:[s,s], s:O, s:O, s:s}",
			 "@context", OB3_CTX_VC2, OB3_CTX_OB,
			 "id", opts->id ? opts->id : id.data,
			 "type", "VerifiableCredential", "OpenBadgeCredential",
			 "name", json_object_get(achievement, "name"),
			 "issuer", profile,
			 "validFrom", opts->valid_from ? opts->valid_from : now);
	if (!cred)
		goto oom;
	if (opts->valid_until && json_object_set_new(cred, "validUntil", json_string(opts->valid_until)))
		goto oom;
	if (json_object_set(cred, "credentialSubject", subject))
		goto oom;
	if (opts->evidence &&
	    json_object_set_new(cred, "evidence", json_pack("[{s:s, s:[s]}]", "id", opts->evidence,
							    "type", "Evidence")))
		goto oom;
	if (opts->status && json_object_set(cred, "credentialStatus", opts->status))
		goto oom;
	json_decref(subject);
	ob_buf_release(&id);
	return cred;
oom:
	ob_fail(err, OB_ENOMEM, "out of memory");
fail:
	json_decref(subject);
	json_decref(cred);
	ob_buf_release(&id);
	return NULL;
}

int ob3_is_openbadge(const json_t *cred)
{
	const json_t *t = json_object_get(cred, "type");

	return ob_json_has_value(t, "OpenBadgeCredential") ||
	       ob_json_has_value(t, "AchievementCredential");
}

const char *ob3_issuer_id(const json_t *cred)
{
	const json_t *iss = json_object_get(cred, "issuer");

	return json_is_string(iss) ? json_string_value(iss) : ob_json_str(iss, "id");
}

const json_t *ob3_subject(const json_t *cred)
{
	const json_t *s = json_object_get(cred, "credentialSubject");

	return json_is_array(s) ? json_array_get(s, 0) : s;
}

static ob_code missing(ob_error *err, const char *path)
{
	return ob_fail(err, OB_EINVALID, "missing required field %s", path);
}

/* Every element of v (object or array of objects) must have each field. */
static ob_code require_in(const json_t *v, const char *path, const char *const *fields,
			  const char *type, ob_error *err)
{
	char where[160];
	size_t i, n = json_is_array(v) ? json_array_size(v) : 1;
	const char *const *f;

	for (i = 0; i < n; i++) {
		const json_t *o = json_is_array(v) ? json_array_get(v, i) : v;
		if (json_is_array(v))
			snprintf(where, sizeof(where), "%s[%zu]", path, i);
		else
			snprintf(where, sizeof(where), "%s", path);
		if (!json_is_object(o))
			return ob_fail(err, OB_EINVALID, "%s must be an object", where);
		for (f = fields; *f; f++)
			if (!json_object_get(o, *f))
				return ob_fail(err, OB_EINVALID, "missing required field %s.%s", where, *f);
		if (type && !ob_json_has_value(json_object_get(o, "type"), type))
			return ob_fail(err, OB_EINVALID, "%s.type must include %s", where, type);
	}
	return OB_OK;
}

ob_code ob3_check_required(const json_t *cred, ob_error *err)
{
	static const char *const top[] = { "@context", "id", "type", "issuer", "credentialSubject", NULL };
	static const char *const ach[] = { "id", "type", "name", "description", "criteria", NULL };
	static const char *const prof[] = { "id", "type", NULL };
	static const char *const typed[] = { "type", NULL };
	static const char *const align[] = { "type", "targetName", "targetUrl", NULL };
	const char *const *f;
	const json_t *subj, *a, *iss, *v;
	ob_code rc;

	for (f = top; *f; f++)
		if (!json_object_get(cred, *f))
			return missing(err, *f);
	/* VC 1.1-era badges carry issuanceDate instead (ob3.md 1) */
	if (!json_object_get(cred, "validFrom") && !json_object_get(cred, "issuanceDate"))
		return missing(err, "validFrom");
	if (!ob3_is_openbadge(cred))
		return ob_fail(err, OB_EINVALID, "type must include OpenBadgeCredential or AchievementCredential");
	iss = json_object_get(cred, "issuer");
	if (json_is_object(iss) && (rc = require_in(iss, "issuer", prof, "Profile", err)))
		return rc;
	if (!json_is_object(iss) && !json_is_string(iss))
		return ob_fail(err, OB_EINVALID, "issuer must be a Profile object or a URI");
	subj = json_object_get(cred, "credentialSubject");
	if ((rc = require_in(subj, "credentialSubject", typed, "AchievementSubject", err)))
		return rc;
	subj = ob3_subject(cred);
	/* 9.1 step 1: id and/or identifier */
	if (!json_object_get(subj, "id") && !json_object_get(subj, "identifier"))
		return ob_fail(err, OB_EINVALID, "credentialSubject needs an id or an identifier");
	a = json_object_get(subj, "achievement");
	if (!a)
		return missing(err, "credentialSubject.achievement");
	if ((rc = require_in(a, "credentialSubject.achievement", ach, "Achievement", err)))
		return rc;
	if ((v = json_object_get(a, "alignment")) &&
	    (rc = require_in(v, "credentialSubject.achievement.alignment", align, "Alignment", err)))
		return rc;
	if ((v = json_object_get(subj, "result")) &&
	    (rc = require_in(v, "credentialSubject.result", typed, "Result", err)))
		return rc;
	if ((v = json_object_get(cred, "evidence")) &&
	    (rc = require_in(v, "evidence", typed, "Evidence", err)))
		return rc;
	return OB_OK;
}
