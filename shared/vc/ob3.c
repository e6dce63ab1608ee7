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

static ob_code date_opt(const char *what, const char *example, const char *v, char out[64], ob_error *err);
static ob_code award_parts(const json_t *achievement, const ob3_issue_opts *opts, json_t **evidence,
			   json_t **results, ob_error *err);

json_t *ob3_build_credential(const json_t *profile, const json_t *achievement,
			     const ob3_issue_opts *opts, ob_error *err)
{
	json_t *cred = NULL, *subject = NULL, *evidence = NULL, *results = NULL;
	ob_buf id = OB_BUF_INIT;
	char now[32], vf[64], vu[64], aw[64];

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
	if ((opts->valid_from && date_opt("--valid-from", "2025-06-01T00:00:00Z", opts->valid_from, vf, err)) ||
	    (opts->valid_until && date_opt("--valid-until", "2030-06-01T00:00:00Z", opts->valid_until, vu, err)) ||
	    (opts->awarded && date_opt("--awarded-date", "2025-05-30T00:00:00Z", opts->awarded, aw, err)))
		return NULL;
	if (award_parts(achievement, opts, &evidence, &results, err))
		return NULL;
	if (!opts->id && ob3_new_uuid(&id, err))
		goto fail;
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
	if (results && json_object_set(subject, "result", results))
		goto oom;

	cred = json_pack("{s:[s,s], s:s, s:[s,s], s:O, s:O, s:s}",
			 "@context", OB3_CTX_VC2, OB3_CTX_OB,
			 "id", opts->id ? opts->id : id.data,
			 "type", "VerifiableCredential", "OpenBadgeCredential",
			 "name", json_object_get(achievement, "name"),
			 "issuer", profile,
			 "validFrom", opts->valid_from ? vf : now);
	if (!cred)
		goto oom;
	/* 1EdTechJsonSchemaValidator2019 is a term of the extensions
	 * context only (ob3.md 4) */
	if (opts->credential_schema &&
	    (json_array_append_new(json_object_get(cred, "@context"), json_string(OB3_CTX_OB_EXT)) ||
	     json_object_set_new(cred, "credentialSchema",
				 json_pack("[{s:s, s:s}]", "id", OB3_SCHEMA_URL, "type", "1EdTechJsonSchemaValidator2019"))))
		goto oom;
	if (opts->valid_until && json_object_set_new(cred, "validUntil", json_string(vu)))
		goto oom;
	if (opts->awarded && json_object_set_new(cred, "awardedDate", json_string(aw)))
		goto oom;
	if (json_object_set(cred, "credentialSubject", subject))
		goto oom;
	if (evidence && json_object_set(cred, "evidence", evidence))
		goto oom;
	if (opts->status && json_object_set(cred, "credentialStatus", opts->status))
		goto oom;
	json_decref(subject);
	json_decref(evidence);
	json_decref(results);
	ob_buf_release(&id);
	return cred;
oom:
	ob_fail(err, OB_ENOMEM, "out of memory");
fail:
	json_decref(subject);
	json_decref(cred);
	json_decref(evidence);
	json_decref(results);
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

/* ---- richer awards: evidence, results, result descriptions ---- */

static int url_ok(const char *s)
{
	const char *p, *host;

	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' ||
		    *p == '\\' || *p == '`' || *p == '{' || *p == '}' || *p == '|' || *p == '^')
			return 0;
	if (!strncmp(s, "data:", 5))
		return strchr(s + 5, ',') != NULL;
	if (!strncmp(s, "https://", 8))
		host = s + 8;
	else if (!strncmp(s, "http://", 7))
		host = s + 7;
	else
		return 0;
	return *host && *host != '/' && *host != '?' && *host != '#' && *host != ':';
}

json_t *ob3_evidence_entry(const char *spec, ob_error *err)
{
	const char *bar = strchr(spec, '|');
	size_t ulen = bar ? (size_t)(bar - spec) : strlen(spec);
	char *url = strndup(spec, ulen);
	const char *narr = bar ? bar + 1 : NULL;
	json_t *e = NULL;

	if (!url) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	if (!*url && (!narr || !*narr))
		ob_fail(err, OB_EUSAGE, "evidence '%.100s' is empty (want URL, URL|NARRATIVE or |NARRATIVE)", spec);
	else if (*url && !url_ok(url))
		ob_fail(err, OB_EUSAGE, "evidence '%.100s' is not a URL (want https://... or a data: URI)", url);
	else if (!(e = json_pack("{s:[s]}", "type", "Evidence")) ||
		 (*url && json_object_set_new(e, "id", json_string(url))) ||
		 (narr && *narr && json_object_set_new(e, "narrative", json_string(narr)))) {
		json_decref(e);
		e = NULL;
		ob_fail(err, OB_ENOMEM, "out of memory");
	}
	free(url);
	return e;
}

/* 1 when id names the object whose id is full: equal, or full's last
 * part after sep (one of seps) */
static int names(const char *full, const char *id, const char *seps)
{
	size_t fl, il;

	if (!full || !*id)
		return 0;
	if (!strcmp(full, id))
		return 1;
	fl = strlen(full);
	il = strlen(id);
	return fl > il && !strcmp(full + fl - il, id) && strchr(seps, full[fl - il - 1]);
}

/* The ids of list's objects (or their names when idkey is "name"),
 * comma-separated, for an error message. */
static void list_ids(const json_t *list, ob_buf *out)
{
	const json_t *v;
	const char *id, *p;
	size_t i;

	json_array_foreach(list, i, v) {
		if (!(id = ob_json_str(v, "id")))
			continue;
		/* the short form: after the last '#', '/' or '.' */
		for (p = id + strlen(id); p > id && !strchr("#/.", p[-1]); p--)
			;
		if (out->len)
			ob_buf_adds(out, ", ");
		ob_buf_add(out, p, strlen(p) > 40 ? 40 : strlen(p));
	}
	if (!out->len)
		ob_buf_adds(out, "none");
}

static const char *const result_status[] = {
	"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew",
};

static int in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static int number(const char *s, double *d)
{
	char *end;

	if (!s || !*s)
		return 0;
	*d = strtod(s, &end);
	return !*end;
}

/* VALUE against a description that is not a rubric: its allowedValue[]
 * and valueMin..valueMax. NULL when it fits, else why. */
static const char *value_misfits(const json_t *rd, const char *value)
{
	const json_t *allowed = json_object_get(rd, "allowedValue"), *v;
	double x, lo, hi;
	size_t i;

	if (json_array_size(allowed)) {
		json_array_foreach(allowed, i, v)
			if (json_is_string(v) && !strcmp(json_string_value(v), value))
				return NULL;
		return "is not one of its allowed values";
	}
	if (number(ob_json_str(rd, "valueMin"), &lo) && number(ob_json_str(rd, "valueMax"), &hi)) {
		if (!number(value, &x))
			return "is not a number";
		if (x < lo || x > hi)
			return "is outside its valueMin..valueMax";
	}
	return NULL;
}

static const json_t *find_level(const json_t *rd, const char *v)
{
	const json_t *lv;
	size_t i;

	json_array_foreach(json_object_get(rd, "rubricCriterionLevel"), i, lv)
		if (names(ob_json_str(lv, "id"), v, ".#/") ||
		    (ob_json_str(lv, "name") && !strcmp(ob_json_str(lv, "name"), v)))
			return lv;
	return NULL;
}

json_t *ob3_result_entry(const json_t *achievement, const char *spec, ob_error *err)
{
	const char *eq = strchr(spec, '='), *value = spec, *rdid, *rtype;
	const json_t *rds = json_object_get(achievement, "resultDescription"), *rd = NULL, *v, *lv;
	const char *why;
	ob_buf ids = OB_BUF_INIT;
	char *name = NULL;
	json_t *r;
	size_t i;

	if (!*spec) {
		ob_fail(err, OB_EUSAGE, "empty result");
		return NULL;
	}
	if (!(r = json_pack("{s:[s]}", "type", "Result")))
		goto oom;
	if (!eq) {
		if (json_object_set_new(r, "value", json_string(spec)))
			goto oom;
		return r;
	}
	if (!(name = strndup(spec, (size_t)(eq - spec))))
		goto oom;
	value = eq + 1;
	json_array_foreach(rds, i, v)
		if (names(ob_json_str(v, "id"), name, "#/")) {
			rd = v;
			break;
		}
	if (!rd) {
		list_ids(rds, &ids);
		ob_fail(err, OB_EUSAGE, "result '%.100s': the achievement has no result description '%.60s' (it has: %s)",
			spec, name, ids.oom ? "?" : ids.data);
		goto fail;
	}
	if (!*value) {
		ob_fail(err, OB_EUSAGE, "result '%.100s' has no value", spec);
		goto fail;
	}
	rdid = ob_json_str(rd, "id");
	rtype = ob_json_str(rd, "resultType");
	if (json_object_set_new(r, "resultDescription", json_string(rdid)))
		goto oom;
	if ((rtype && !strcmp(rtype, "RubricCriterionLevel")) || json_object_get(rd, "rubricCriterionLevel")) {
		if (!(lv = find_level(rd, value)) || !ob_json_str(lv, "id")) {
			list_ids(json_object_get(rd, "rubricCriterionLevel"), &ids);
			ob_fail(err, OB_EUSAGE, "result '%.100s': '%.60s' is not a level of result description '%.60s' (levels: %s)",
				spec, value, name, ids.oom ? "?" : ids.data);
			goto fail;
		}
		if (json_object_set_new(r, "achievedLevel", json_string(ob_json_str(lv, "id"))))
			goto oom;
	} else if (rtype && !strcmp(rtype, "Status")) {
		if (!in_list(value, result_status, sizeof(result_status) / sizeof(*result_status))) {
			ob_fail(err, OB_EUSAGE, "result '%.100s': a status is Completed, Enrolled, Failed, InProgress, "
				"OnHold, Provisional or Withdrew", spec);
			goto fail;
		}
		if (json_object_set_new(r, "status", json_string(value)))
			goto oom;
	} else {
		if ((why = value_misfits(rd, value))) {
			ob_fail(err, OB_EUSAGE, "result '%.100s': '%.60s' %s of result description '%.60s'", spec, value,
				why, name);
			goto fail;
		}
		if (json_object_set_new(r, "value", json_string(value)))
			goto oom;
	}
	free(name);
	ob_buf_release(&ids);
	return r;
oom:
	ob_fail(err, OB_ENOMEM, "out of memory");
fail:
	free(name);
	ob_buf_release(&ids);
	json_decref(r);
	return NULL;
}

/* Calls fn for each line-feed-separated entry of list (a CR before the
 * line feed dropped, blank lines skipped), then for each of v[n]. */
static ob_code each_entry(const char *list, const char *const *v, size_t n, size_t max, const char *what,
			  ob_code (*fn)(const char *entry, void *ctx, ob_error *err), void *ctx, ob_error *err)
{
	const char *p = list, *nl;
	size_t count = 0, len, i;
	char *e;
	ob_code rc;

	while (p && *p) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len) {
			if (++count > max)
				return ob_fail(err, OB_EUSAGE, "more than %zu %s entries", max, what);
			if (!(e = strndup(p, len)))
				return ob_fail(err, OB_ENOMEM, "out of memory");
			rc = fn(e, ctx, err);
			free(e);
			if (rc)
				return rc;
		}
		p = nl ? nl + 1 : NULL;
	}
	for (i = 0; i < n; i++) {
		if (++count > max)
			return ob_fail(err, OB_EUSAGE, "more than %zu %s entries", max, what);
		if ((rc = fn(v[i], ctx, err)))
			return rc;
	}
	return OB_OK;
}

struct collect {
	json_t *arr;
	const json_t *achievement;
};

static ob_code add_evidence(const char *entry, void *ctx, ob_error *err)
{
	struct collect *c = ctx;
	json_t *e = ob3_evidence_entry(entry, err);

	if (!e)
		return err->code;
	if (json_array_append_new(c->arr, e))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

static ob_code add_result(const char *entry, void *ctx, ob_error *err)
{
	struct collect *c = ctx;
	json_t *e = ob3_result_entry(c->achievement, entry, err);

	if (!e)
		return err->code;
	if (json_array_append_new(c->arr, e))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	return OB_OK;
}

/* The evidence[] and result[] of opts (each NULL when there is none). */
static ob_code award_parts(const json_t *achievement, const ob3_issue_opts *opts, json_t **evidence,
			   json_t **results, ob_error *err)
{
	struct collect ev = { json_array(), achievement }, rs = { json_array(), achievement };
	ob_code rc;

	*evidence = *results = NULL;
	if (!ev.arr || !rs.arr)
		rc = ob_fail(err, OB_ENOMEM, "out of memory");
	else if (!(rc = each_entry(opts->evidence, opts->evidence_v, opts->n_evidence, OB3_MAX_EVIDENCE,
				   "evidence", add_evidence, &ev, err)))
		rc = each_entry(opts->result, opts->result_v, opts->n_result, OB3_MAX_RESULTS, "result",
				add_result, &rs, err);
	if (rc || !json_array_size(ev.arr)) {
		json_decref(ev.arr);
		ev.arr = NULL;
	}
	if (rc || !json_array_size(rs.arr)) {
		json_decref(rs.arr);
		rs.arr = NULL;
	}
	*evidence = ev.arr;
	*results = rs.arr;
	return rc;
}

/* A date option: "YYYY-MM-DDThh:mm:ss[.frac]" with a zone, or without one
 * (read as UTC, VCDM 2.0 4.9) given a "Z", the form the OB 3.0 JSON
 * Schema wants (DateTimeZ). */
static ob_code date_opt(const char *what, const char *example, const char *v, char out[64], ob_error *err)
{
	time_t t;
	int zone = 0;

	if (strlen(v) > 40 || ob_date_parse(v, &t, &zone) < 0)
		return ob_fail(err, OB_EUSAGE, "invalid %s '%.60s' (want e.g. %s)", what, v, example);
	snprintf(out, 64, "%s%s", v, zone ? "" : "Z");
	return OB_OK;
}

ob_code ob3_check_award(const json_t *achievement, const ob3_issue_opts *opts, ob_error *err)
{
	json_t *ev = NULL, *rs = NULL;
	char d[64];
	ob_code rc;

	if ((opts->valid_from && (rc = date_opt("--valid-from", "2025-06-01T00:00:00Z", opts->valid_from, d, err))) ||
	    (opts->valid_until && (rc = date_opt("--valid-until", "2030-06-01T00:00:00Z", opts->valid_until, d, err))) ||
	    (opts->awarded && (rc = date_opt("--awarded-date", "2025-05-30T00:00:00Z", opts->awarded, d, err))))
		return rc;
	rc = award_parts(achievement, opts, &ev, &rs, err);
	json_decref(ev);
	json_decref(rs);
	return rc;
}

static int short_id_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

static const char *const result_types[] = {
	"GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore", "RawScore",
	"Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore", "ScaledScore", "Status",
};

/* "ext:" and a name, as issue.c holds achievement types to */
static int ext_ok(const char *t)
{
	const char *p;

	if (strncmp(t, "ext:", 4) || !isalnum((unsigned char)t[4]))
		return 0;
	for (p = t + 5; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_", *p))
			return 0;
	return 1;
}

/* Splits s at sep into at most max fields (in place); the count. */
static int split(char *s, char sep, char **f, int max)
{
	int n = 0;

	f[n++] = s;
	while (n <= max && (s = strchr(s, sep))) {
		*s++ = '\0';
		f[n++] = s;
	}
	return n;
}

/* The rubric levels "L1=Name;L2;..." of description rd (its id rdid). */
static ob_code add_levels(json_t *rd, const char *rdid, char *values, ob_error *err)
{
	char *lv[OB3_MAX_LEVELS + 1], *eq;
	json_t *arr = json_array(), *o;
	int n, i, k;

	if (!arr || json_object_set_new(rd, "rubricCriterionLevel", arr))
		return ob_fail(err, OB_ENOMEM, "out of memory");
	n = split(values, ';', lv, OB3_MAX_LEVELS);
	if (n > OB3_MAX_LEVELS)
		return ob_fail(err, OB_EUSAGE, "more than %d rubric levels", OB3_MAX_LEVELS);
	for (i = 0; i < n; i++) {
		const char *name;
		if ((eq = strchr(lv[i], '=')))
			*eq = '\0';
		name = eq && eq[1] ? eq + 1 : lv[i];
		if (!short_id_ok(lv[i], strlen(lv[i])))
			return ob_fail(err, OB_EUSAGE, "rubric level '%.60s' is not an id (letters, digits, - and _)", lv[i]);
		for (k = 0; k < i; k++)
			if (!strcmp(lv[k], lv[i]))
				return ob_fail(err, OB_EUSAGE, "rubric level '%s' appears twice", lv[i]);
		o = json_pack("{s:s++, s:[s], s:s}", "id", rdid, ".", lv[i], "type", "RubricCriterionLevel", "name", name);
		if (!o || json_array_append_new(arr, o))
			return ob_fail(err, OB_ENOMEM, "out of memory");
	}
	return OB_OK;
}

json_t *ob3_result_description(const char *spec, const char *achievement_id, ob_error *err)
{
	char *s = strdup(spec), *f[6], *vals[OB3_MAX_LEVELS + 1];
	json_t *rd = NULL, *arr;
	ob_buf id = OB_BUF_INIT;
	int n, nv, i, rubric;

	if (!s) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		return NULL;
	}
	n = split(s, '|', f, 5);
	if (n < 3 || n > 5) {
		ob_fail(err, OB_EUSAGE, "--result-description wants ID|NAME|TYPE[|VALUES[|REQUIRED]], got '%.100s'", spec);
		goto fail;
	}
	if (!short_id_ok(f[0], strlen(f[0]))) {
		ob_fail(err, OB_EUSAGE, "result description id '%.60s' is not an id (letters, digits, - and _)", f[0]);
		goto fail;
	}
	if (!*f[1]) {
		ob_fail(err, OB_EUSAGE, "result description '%s' has no name", f[0]);
		goto fail;
	}
	if (!in_list(f[2], result_types, sizeof(result_types) / sizeof(*result_types)) && !ext_ok(f[2])) {
		ob_fail(err, OB_EUSAGE, "unknown result type '%.60s' (LetterGrade, Percent, RubricCriterionLevel, "
			"Status, ... or ext:NAME)", f[2]);
		goto fail;
	}
	rubric = !strcmp(f[2], "RubricCriterionLevel");
	ob_buf_adds(&id, achievement_id);
	ob_buf_addc(&id, '#');
	ob_buf_adds(&id, f[0]);
	if (id.oom || !(rd = json_pack("{s:s, s:[s], s:s, s:s}", "id", id.data, "type", "ResultDescription", "name",
				    f[1], "resultType", f[2]))) {
		ob_fail(err, OB_ENOMEM, "out of memory");
		goto fail;
	}
	if (rubric && (n < 4 || !*f[3])) {
		ob_fail(err, OB_EUSAGE, "result description '%s' (RubricCriterionLevel) needs its levels: "
			"ID|NAME|RubricCriterionLevel|L1=Name;L2=Name", f[0]);
		goto fail;
	}
	if (!rubric && n >= 4 && *f[3] && !strcmp(f[2], "Status")) {
		ob_fail(err, OB_EUSAGE, "result description '%s' (Status) takes no values: its results are "
			"Completed, Enrolled, ...", f[0]);
		goto fail;
	}
	if (rubric && add_levels(rd, id.data, f[3], err))
		goto fail;
	if (!rubric && n >= 4 && *f[3]) {
		nv = split(f[3], ';', vals, OB3_MAX_LEVELS);
		if (nv > OB3_MAX_LEVELS) {
			ob_fail(err, OB_EUSAGE, "more than %d allowed values", OB3_MAX_LEVELS);
			goto fail;
		}
		if (!(arr = json_array()) || json_object_set_new(rd, "allowedValue", arr)) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			goto fail;
		}
		for (i = 0; i < nv; i++)
			if (json_array_append_new(arr, json_string(vals[i]))) {
				ob_fail(err, OB_ENOMEM, "out of memory");
				goto fail;
			}
	}
	if (n == 5 && *f[4]) {
		const json_t *lv = rubric ? find_level(rd, f[4]) : NULL;
		const char *why = rubric ? (lv ? NULL : "is not one of its levels") : value_misfits(rd, f[4]);
		if (why) {
			ob_fail(err, OB_EUSAGE, "required '%.60s' of result description '%s' %s", f[4], f[0], why);
			goto fail;
		}
		if (json_object_set_new(rd, rubric ? "requiredLevel" : "requiredValue",
					json_string(rubric ? ob_json_str(lv, "id") : f[4]))) {
			ob_fail(err, OB_ENOMEM, "out of memory");
			goto fail;
		}
	}
	free(s);
	ob_buf_release(&id);
	return rd;
fail:
	free(s);
	ob_buf_release(&id);
	json_decref(rd);
	return NULL;
}

int ob3_language_ok(const char *lang)
{
	/* ^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$ */
	const char *p = lang;
	int n;

	for (n = 0; *p >= 'a' && *p <= 'z'; p++)
		n++;
	if (n < 2 || n > 4)
		return 0;
	if (p[0] == '-' && isupper((unsigned char)p[1]) && islower((unsigned char)p[2]) &&
	    islower((unsigned char)p[3]) && islower((unsigned char)p[4]))
		p += 5;
	if (p[0] == '-' && isupper((unsigned char)p[1]) && isupper((unsigned char)p[2]) && !p[3])
		return 1;
	if (p[0] == '-' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	    isdigit((unsigned char)p[3]) && !p[4])
		return 1;
	return !*p;
}
