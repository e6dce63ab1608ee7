/* status_msg: entries wider than one bit (Bitstring Status List 1.0
 * statusSize, statusMessage) and obkit's "message" entry for credentials
 * that can be revoked and suspended: the bit layout, the entry, and the
 * verifier's reading of signed credentials against signed lists made
 * here with a fresh key (valid, revoked, suspended, and every way an
 * entry or list can leave the status open). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "base/json.h"
#include "io/loader.h"
#include "vc/issue.h"
#include "vc/status.h"
#include "vc/verify.h"

#define LIST_URL "https://u.example/status/message/1.json"
#define IDX 1001

static void layout(void)
{
	unsigned char b[4] = { 0 };

	/* 2 bits an entry, the first the most significant: entry 0 is the
	 * two left-most bits of byte 0 */
	ob_status_set_n(b, 0, 2, 2);
	CHECK(b[0] == 0x80);
	ob_status_set_n(b, 3, 2, 1);
	CHECK(b[0] == 0x81);
	ob_status_set_n(b, 1, 2, 3);
	CHECK(b[0] == 0xb1);
	CHECK(ob_status_get_n(b, 0, 2) == 2 && ob_status_get_n(b, 1, 2) == 3 && ob_status_get_n(b, 2, 2) == 0 &&
	      ob_status_get_n(b, 3, 2) == 1);
	ob_status_set_n(b, 1, 2, 0);
	CHECK(b[0] == 0x81);
	/* an entry across a byte boundary: 3 bits at index 2 are bits 6..8 */
	memset(b, 0, sizeof(b));
	ob_status_set_n(b, 2, 3, 5);
	CHECK(b[0] == 0x02 && b[1] == 0x80 && ob_status_get_n(b, 2, 3) == 5);
	/* 8 bits: a byte */
	ob_status_set_n(b, 3, 8, 0xa5);
	CHECK(b[3] == 0xa5 && ob_status_get_n(b, 3, 8) == 0xa5);
	/* size 1 is the 1-bit list */
	memset(b, 0, sizeof(b));
	ob_status_set_n(b, 9, 1, 1);
	CHECK(ob_status_get(b, 9) == 1 && b[1] == 0x40);
}

static void entry(void)
{
	json_t *e = ob_status_message_entry(LIST_URL, 94567, OB_STATUS_MSG_SIZE, ob_status_messages), *m;
	const char *words[] = { "valid", "revoked", "suspended", "undefined" };
	char hex[8];
	size_t i;

	CHECK(e != NULL);
	if (!e)
		return;
	CHECK_STR(ob_json_str(e, "type"), "BitstringStatusListEntry");
	CHECK_STR(ob_json_str(e, "statusPurpose"), "message");
	CHECK_STR(ob_json_str(e, "statusListIndex"), "94567");
	CHECK_STR(ob_json_str(e, "statusListCredential"), LIST_URL);
	CHECK_STR(ob_json_str(e, "id"), LIST_URL "#94567");
	CHECK(json_integer_value(json_object_get(e, "statusSize")) == 2);
	m = json_object_get(e, "statusMessage");
	CHECK(json_array_size(m) == 4);
	for (i = 0; i < 4; i++) {
		snprintf(hex, sizeof(hex), "0x%zu", i);
		CHECK_STR(ob_json_str(json_array_get(m, i), "status"), hex);
		CHECK_STR(ob_json_str(json_array_get(m, i), "message"), words[i]);
		CHECK_STR(ob_status_messages[i], words[i]);
	}
	json_decref(e);
	/* past the 8 bits a verifier reads: none */
	CHECK(ob_status_message_entry(LIST_URL, 1, 9, ob_status_messages) == NULL);
}

struct fixture {
	ob_key *key;
	char did[128], vm[256], dir[64], list[128];
};

static char *sign_doc(struct fixture *f, json_t *doc)
{
	ob_sign_opts so = { 0 };
	ob_buf out = OB_BUF_INIT;
	ob_error err = { 0 };

	so.verification_method = f->vm;
	so.created = "2026-01-01T00:00:00Z";
	if (ob_issue_sign(doc, f->key, &so, &out, &err)) {
		fprintf(stderr, "sign: %s\n", err.msg);
		ob_buf_release(&out);
		return NULL;
	}
	return ob_buf_detach(&out, NULL);
}

/* Writes the signed list (purpose, value at IDX in 2-bit entries of
 * nbytes bytes) to f->list. */
static int make_list(struct fixture *f, const char *purpose, unsigned value, size_t nbytes)
{
	unsigned char *bits = calloc(1, nbytes);
	ob_error err = { 0 };
	json_t *c;
	char *text = NULL;
	FILE *fp;
	int ok = 0;

	if (!bits)
		return 0;
	if ((size_t)IDX * 2 / 8 < nbytes)
		ob_status_set_n(bits, IDX, 2, value);
	c = ob_status_list_credential(LIST_URL, f->did, purpose, "2026-01-01T00:00:00Z", bits, nbytes, &err);
	if (c && (text = sign_doc(f, c)) && (fp = fopen(f->list, "w"))) {
		ok = fputs(text, fp) >= 0;
		ok &= fclose(fp) == 0;
	}
	json_decref(c);
	free(text);
	free(bits);
	return ok;
}

/* The verdict of a credential carrying entry e (taken), signed by f's
 * key, against f's list; the status check's message in msg. */
static ob_verdict verdict(struct fixture *f, json_t *e, char *msg, size_t len)
{
	ob_error err = { 0 };
	ob_loader *l = ob_loader_new();
	ob_verify_opts o = { 0 };
	ob_report *r = NULL;
	ob_verdict v = OB_INVALID;
	json_t *c = json_pack("{s:[s], s:s, s:[s], s:s, s:s, s:{s:s}, s:o}",
			      "@context", "https://www.w3.org/ns/credentials/v2",
			      "id", "urn:uuid:6b1c1f9e-1b1f-4a57-9a4c-0d7f1f3c2a11",
			      "type", "VerifiableCredential", "issuer", f->did,
			      "validFrom", "2026-01-01T00:00:00Z",
			      "credentialSubject", "id", "did:example:learner",
			      "credentialStatus", e);
	char *text = NULL;
	size_t i;

	msg[0] = '\0';
	CHECK(l && c);
	if (!l || !c || !(text = sign_doc(f, c)) || ob_loader_add(l, LIST_URL, f->list, &err)) {
		CHECK(!"credential signed, list mapped");
		goto out;
	}
	o.now = 1780000000; /* 2026-05-28 */
	o.loader = l;
	if (!(r = ob_verify_json(c, &o, &err)))
		goto out;
	v = r->verdict;
	for (i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].id, "status"))
			snprintf(msg, len, "%s", r->checks[i].message);
out:
	ob_report_free(r);
	ob_loader_free(l);
	json_decref(c);
	free(text);
	return v;
}

static json_t *msg_entry(void)
{
	return ob_status_message_entry(LIST_URL, IDX, OB_STATUS_MSG_SIZE, ob_status_messages);
}

static void verdicts(void)
{
	struct fixture f = { 0 };
	ob_buf did = OB_BUF_INIT, vm = OB_BUF_INIT;
	ob_error err = { 0 };
	char m[512];
	json_t *e;

	snprintf(f.dir, sizeof(f.dir), "/tmp/obkit-status-msg-XXXXXX");
	CHECK(mkdtemp(f.dir) != NULL);
	snprintf(f.list, sizeof(f.list), "%s/list.json", f.dir);
	f.key = ob_key_generate(ob_key_type_parse("ed25519"), &err);
	CHECK(f.key && !ob_key_did(f.key, &did, &vm, &err));
	if (!f.key || !did.data || !vm.data)
		goto out;
	snprintf(f.did, sizeof(f.did), "%s", did.data);
	snprintf(f.vm, sizeof(f.vm), "%s", vm.data);

	/* each value of obkit's messages */
	CHECK(make_list(&f, "message", OB_STATUS_MSG_VALID, 2 * OB_STATUS_LIST_SIZE / 8));
	CHECK(verdict(&f, msg_entry(), m, sizeof(m)) == OB_VALID);
	CHECK(strstr(m, "not revoked, not suspended: status 0x0 \"valid\" (" LIST_URL ", index 1001)") != NULL);
	CHECK(make_list(&f, "message", OB_STATUS_MSG_REVOKED, 2 * OB_STATUS_LIST_SIZE / 8));
	CHECK(verdict(&f, msg_entry(), m, sizeof(m)) == OB_INVALID);
	CHECK(!strncmp(m, "revoked: the issuer has revoked this credential (" LIST_URL ", index 1001, status 0x1", 80));
	CHECK(make_list(&f, "message", OB_STATUS_MSG_SUSPENDED, 2 * OB_STATUS_LIST_SIZE / 8));
	CHECK(verdict(&f, msg_entry(), m, sizeof(m)) == OB_INVALID);
	CHECK(strstr(m, "suspended: the issuer has suspended this credential (") == m);
	CHECK(make_list(&f, "message", OB_STATUS_MSG_UNUSED, 2 * OB_STATUS_LIST_SIZE / 8));
	CHECK(verdict(&f, msg_entry(), m, sizeof(m)) == OB_UNDECIDED);
	CHECK(strstr(m, "the status 0x3 \"undefined\", not one obkit can judge") != NULL);

	/* the value's item missing from statusMessage (0x2 renamed 0x7) */
	CHECK(make_list(&f, "message", OB_STATUS_MSG_SUSPENDED, 2 * OB_STATUS_LIST_SIZE / 8));
	e = msg_entry();
	json_object_set_new(json_array_get(json_object_get(e, "statusMessage"), 2), "status", json_string("0x7"));
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_UNDECIDED);
	CHECK(strstr(m, "status 0x2 of index 1001 in " LIST_URL " has no message in the entry's statusMessage") != NULL);
	/* messages of someone else's: "pending_review" is no verdict */
	e = msg_entry();
	json_object_set_new(json_array_get(json_object_get(e, "statusMessage"), 2), "message", json_string("pending_review"));
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_UNDECIDED);

	/* malformed entries: statusSize 0 or not an integer, a statusMessage
	 * of the wrong length, statusSize 2 without statusMessage */
	e = msg_entry();
	json_object_set_new(e, "statusSize", json_integer(0));
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_INVALID);
	CHECK(strstr(m, "malformed BitstringStatusListEntry: statusSize must be an integer greater than zero") != NULL);
	e = msg_entry();
	json_object_set_new(e, "statusSize", json_real(1.5));
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_INVALID);
	e = msg_entry();
	json_array_remove(json_object_get(e, "statusMessage"), 3);
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_INVALID);
	CHECK(strstr(m, "statusSize 2 needs a statusMessage of 4 items") != NULL);
	e = msg_entry();
	json_object_del(e, "statusMessage");
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_INVALID);
	/* wider than obkit reads: open */
	e = msg_entry();
	json_object_set_new(e, "statusSize", json_integer(9));
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_UNDECIDED);
	CHECK(strstr(m, "statusSize 9 is more than obkit reads (at most 8 bits)") != NULL);
	/* 1-bit wide but read as 2: the same list, with an entry of size 1
	 * (and 2 messages) sees another slot: still a message read, whose
	 * meaning is checked, never a silent pass of the wrong bits */
	e = msg_entry();
	json_object_set_new(e, "statusSize", json_integer(1));
	json_array_remove(json_object_get(e, "statusMessage"), 3);
	json_array_remove(json_object_get(e, "statusMessage"), 2);
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_VALID);
	CHECK(strstr(m, "status 0x0 \"valid\"") != NULL);

	/* a list too short for the index, a list of another purpose */
	CHECK(make_list(&f, "message", OB_STATUS_MSG_VALID, 64));
	CHECK(verdict(&f, msg_entry(), m, sizeof(m)) == OB_UNDECIDED);
	CHECK(strstr(m, "could not check status: index 1001 is outside the status list " LIST_URL " (256 entries of 2 bits)") != NULL);
	CHECK(make_list(&f, "revocation", OB_STATUS_MSG_VALID, 2 * OB_STATUS_LIST_SIZE / 8));
	CHECK(verdict(&f, msg_entry(), m, sizeof(m)) == OB_UNDECIDED);
	CHECK(strstr(m, "is not for message") != NULL);

	/* purpose message, 1 bit, no statusMessage: the spec's "unset" is
	 * current, "set" says nothing obkit can judge */
	CHECK(make_list(&f, "message", 0, 2 * OB_STATUS_LIST_SIZE / 8));
	CHECK(verdict(&f, ob_status_entry("message", LIST_URL, IDX), m, sizeof(m)) == OB_VALID);
	CHECK(strstr(m, "status 0x0 \"unset\"") != NULL);
	CHECK(make_list(&f, "message", 2, 2 * OB_STATUS_LIST_SIZE / 8));
	/* value 2 at 2-bit entry 1001 sets bit 2002, 1-bit entry 2002 */
	e = ob_status_entry("message", LIST_URL, 2 * IDX);
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_UNDECIDED);
	CHECK(strstr(m, "the status 0x1 \"set\"") != NULL);
	/* a revocation entry of 2 bits: any value but 0 revokes */
	CHECK(make_list(&f, "revocation", 2, 2 * OB_STATUS_LIST_SIZE / 8));
	e = msg_entry();
	json_object_set_new(e, "statusPurpose", json_string("revocation"));
	CHECK(verdict(&f, e, m, sizeof(m)) == OB_INVALID);
	CHECK(strstr(m, "revoked: the issuer has revoked this credential (" LIST_URL ", index 1001, status 0x2)") != NULL);
out:
	unlink(f.list);
	rmdir(f.dir);
	ob_key_free(f.key);
	ob_buf_release(&did);
	ob_buf_release(&vm);
}

int main(void)
{
	layout();
	entry();
	verdicts();
	return check_done("test_status_msg");
}
