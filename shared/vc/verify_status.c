/* verify_status: a credential's status entries (Bitstring Status List
 * 1.0, StatusList2021), each list fetched and verified as a credential. */
#include "vc/verify_impl.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "vc/ob3.h"
#include "vc/status.h"

/* Bitstring Status List 1.0 3.2: fetch the list credential, verify it,
 * check issuer and purpose, read bit i (MSB first: index 0 is the high bit
 * of byte 0). Anything that stops the check leaves the verdict open; only
 * a set bit makes the credential invalid. */
static void check_status_entry(ob_report *r, const json_t *cred, const json_t *st,
			       const ob_verify_opts *opts, int depth)
{
	const char *type = ob_json_str(st, "type");
	const char *url = ob_json_str(st, "statusListCredential");
	const char *purpose = ob_json_str(st, "statusPurpose");
	const json_t *idx = json_object_get(st, "statusListIndex"), *list, *subj;
	const char *list_issuer, *enc;
	const int legacy = type && !strcmp(type, "StatusList2021Entry");
	const char *want_cred = legacy ? "StatusList2021Credential" : "BitstringStatusListCredential";
	const char *want_subj = legacy ? "StatusList2021" : "BitstringStatusList";
	ob_verify_opts inner;
	ob_report *lr = NULL;
	ob_buf bits = OB_BUF_INIT;
	ob_error e = { 0 };
	long long i = -1;
	char *end;
	int bit;

	if (!type || (strcmp(type, "BitstringStatusListEntry") && strcmp(type, "StatusList2021Entry"))) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s is not supported",
		    type ? type : "a status entry without a type");
		return;
	}
	/* the index is a base-10 string; the 1EdTech sample has a number */
	if (json_is_string(idx)) {
		const char *v = json_string_value(idx);
		if (*v >= '0' && *v <= '9') {
			i = strtoll(v, &end, 10);
			if (*end)
				i = -1;
		}
	} else if (json_is_number(idx) && json_number_value(idx) >= 0 &&
		   json_number_value(idx) == (double)(long long)json_number_value(idx))
		i = (long long)json_number_value(idx);
	if (!url || !purpose || i < 0) {
		ob_verify_add(r, "status", OB_FAILED, 0, "malformed %s: needs statusListCredential, statusPurpose and a statusListIndex", type);
		return;
	}
	if (depth >= MAX_NESTING) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: status lists nested too deep");
		return;
	}
	if (!(list = ob_loader_get_remote(opts->loader, url, &e))) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s", e.msg);
		return;
	}
	/* the list is checked for what it is, not by the employer's policy
	 * for badges: no recipient, no strictness, no registry demand */
	inner = *opts;
	inner.recipient = NULL;
	inner.strict = inner.require_trusted = 0;
	lr = ob_verify_doc(list, &inner, depth + 1);
	if (!lr || lr->verdict != OB_VALID) {
		const ob_check *why = lr ? ob_report_first_problem(lr) : NULL;
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s does not verify%s%s%s%s%s",
		    url, why ? " (" : "", why ? why->id : "", why ? ": " : "", why ? why->message : "", why ? ")" : "");
		goto out;
	}
	list_issuer = ob3_issuer_id(list);
	if (!list_issuer || !ob3_issuer_id(cred) || strcmp(list_issuer, ob3_issuer_id(cred)) != 0) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s was issued by %s, not by the credential's issuer",
		    url, list_issuer ? list_issuer : "(nobody)");
		goto out;
	}
	subj = ob3_subject(list);
	/* Bitstring Status List 1.0 2.2: the list credential and its
	 * subject say what they are; anything else is not a status list,
	 * whatever bits it carries */
	if (!ob_json_has_value(json_object_get(list, "type"), want_cred)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s is not a %s", url, want_cred);
		goto out;
	}
	if (!ob_json_has_value(json_object_get(subj, "type"), want_subj)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the subject of %s is not a %s",
		    url, want_subj);
		goto out;
	}
	if (!ob_json_has_value(json_object_get(subj, "statusPurpose"), purpose)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: the status list %s is not for %s", url, purpose);
		goto out;
	}
	if (!(enc = ob_json_str(subj, "encodedList")) || ob_status_decode(enc, &bits, &e)) {
		ob_verify_add(r, "status", OB_NOT_CHECKED, 1, "could not check status: %s", e.msg[0] ? e.msg : "no encodedList");
		goto out;
	}
	if ((unsigned long long)i / 8 >= bits.len) {
		ob_verify_add(r, "status", OB_FAILED, 0, "status index %lld is outside the status list (%zu entries)", i, bits.len * 8);
		goto out;
	}
	bit = ((unsigned char)bits.data[i / 8] >> (7 - i % 8)) & 1;
	if (bit)
		ob_verify_add(r, "status", OB_FAILED, 0, "%s: the issuer has %s this credential (%s, index %lld)",
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : purpose,
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : "flagged",
		    url, i);
	else
		ob_verify_add(r, "status", OB_PASSED, 0, "not %s (%s, index %lld)",
		    !strcmp(purpose, "suspension") ? "suspended" : !strcmp(purpose, "revocation") ? "revoked" : purpose,
		    url, i);
out:
	ob_report_free(lr);
	ob_buf_release(&bits);
}

void ob_verify_check_status(ob_report *r, const json_t *cred, const ob_verify_opts *opts, int depth)
{
	const json_t *st = json_object_get(cred, "credentialStatus"), *e;
	size_t i;

	if (!st) {
		ob_verify_add(r, "status", OB_PASSED, 0, "no status entry: the issuer cannot revoke this credential");
		return;
	}
	if (!json_is_array(st)) {
		check_status_entry(r, cred, st, opts, depth);
		return;
	}
	json_array_foreach(st, i, e)
		check_status_entry(r, cred, e, opts, depth);
}
