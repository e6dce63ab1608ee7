/* test_ob3: identity hashes, building credentials, required fields. */
#include <ctype.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "check.h"
#include "base/dates.h"
#include "base/json.h"
#include "vc/ob3.h"
#include "base/obkit.h"

static int contains(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

static json_t *parse(const char *text)
{
	ob_error err = { 0 };
	json_t *v = ob_json_parse(text, strlen(text), &err);

	if (!v)
		fprintf(stderr, "  parse: %s\n", err.msg);
	return v;
}

/* 1 when s is "urn:uuid:" and a lower-case RFC 9562 version 4 UUID. */
static int is_uuid_v4(const char *s)
{
	size_t i;

	if (!s || strncmp(s, "urn:uuid:", 9) != 0 || strlen(s) != 9 + 36)
		return 0;
	s += 9;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	}
	return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static void test_identity_hash(void)
{
	ob_buf b = OB_BUF_INIT;
	ob_error err = { 0 };

	/* the worked value of ob3.md 1 */
	CHECK(ob3_identity_hash("a@example.com", "Kosher", &b, &err) == OB_OK);
	CHECK_STR(b.data, "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399");
	ob_buf_release(&b);
	/* no salt: the identifier alone (sha256 of "a@example.com") */
	CHECK(ob3_identity_hash("a@example.com", NULL, &b, &err) == OB_OK);
	CHECK(b.len == 7 + 64 && !strncmp(b.data, "sha256$", 7));
	{
		ob_buf c = OB_BUF_INIT;
		/* salt appended without a separator: "a@example.co" + "m" */
		CHECK(ob3_identity_hash("a@example.co", "m", &c, &err) == OB_OK);
		CHECK_STR(c.data, b.data);
		ob_buf_release(&c);
		CHECK(ob3_identity_hash("a@example.com", "", &c, &err) == OB_OK);
		CHECK_STR(c.data, b.data);
		ob_buf_release(&c);
	}
	ob_buf_release(&b);
	/* SHA-256 of the empty string */
	CHECK(ob3_identity_hash("", "", &b, &err) == OB_OK);
	CHECK_STR(b.data, "sha256$e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ob_buf_release(&b);
	/* appends */
	ob_buf_adds(&b, "x ");
	CHECK(ob3_identity_hash("a@example.com", "Kosher", &b, &err) == OB_OK);
	CHECK(contains(b.data, "x sha256$b5809d8a"));
	ob_buf_release(&b);
}

static void test_uuid(void)
{
	ob_buf a = OB_BUF_INIT, b = OB_BUF_INIT;
	ob_error err = { 0 };
	int i, ok = 1;

	CHECK(ob3_new_uuid(&a, &err) == OB_OK);
	CHECK(ob3_new_uuid(&b, &err) == OB_OK);
	CHECK(is_uuid_v4(a.data));
	CHECK(is_uuid_v4(b.data));
	CHECK(a.data && b.data && strcmp(a.data, b.data) != 0);
	for (i = 0; i < 200 && ok; i++) {
		ob_buf_release(&a);
		ok = ob3_new_uuid(&a, &err) == OB_OK && is_uuid_v4(a.data);
	}
	CHECK(ok);
	ob_buf_release(&a);
	ob_buf_release(&b);
}

static const char PROFILE[] =
	"{\"id\": \"did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT\","
	" \"type\": [\"Profile\"], \"name\": \"Riverbend Technical College\","
	" \"url\": \"https://riverbend.example.edu\"}";
static const char ACHIEVEMENT[] =
	"{\"id\": \"https://riverbend.example.edu/achievements/welding-101\","
	" \"type\": [\"Achievement\"], \"achievementType\": \"Badge\","
	" \"name\": \"Welding 101\", \"description\": \"Safe MIG welding.\","
	" \"criteria\": {\"narrative\": \"Pass the practical.\"}}";

static void test_build_did(const json_t *profile, const json_t *ach)
{
	ob3_issue_opts o = { 0 };
	ob_error err = { 0 };
	const json_t *subj, *ctx, *type;
	json_t *cred;
	time_t t, before = time(NULL);
	int zone = 0;

	o.recipient = "did:key:z6MkvMBWdrZ6zyz4Y27WmuBCWL46aqMTKvY1yBnLjej9ByvP";
	o.name = "Alex Learner";
	cred = ob3_build_credential(profile, ach, &o, &err);
	CHECK(cred != NULL);
	if (!cred) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	ctx = json_object_get(cred, "@context");
	CHECK(json_array_size(ctx) == 2);
	CHECK_STR(json_string_value(json_array_get(ctx, 0)), OB3_CTX_VC2);
	CHECK_STR(json_string_value(json_array_get(ctx, 1)), OB3_CTX_OB);
	type = json_object_get(cred, "type");
	CHECK(ob_json_has_value(type, "VerifiableCredential"));
	CHECK(ob_json_has_value(type, "OpenBadgeCredential"));
	CHECK(ob3_is_openbadge(cred));
	CHECK(is_uuid_v4(ob_json_str(cred, "id")));
	CHECK_STR(ob_json_str(cred, "name"), "Welding 101");
	CHECK(json_equal(json_object_get(cred, "issuer"), (json_t *)profile));
	CHECK_STR(ob3_issuer_id(cred), "did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT");
	/* validFrom defaults to now, with a zone */
	CHECK(ob_date_parse(ob_json_str(cred, "validFrom"), &t, &zone) == 0 && zone == 1);
	CHECK(t >= before - 1 && t <= time(NULL) + 1);
	CHECK(json_object_get(cred, "validUntil") == NULL);
	CHECK(json_object_get(cred, "evidence") == NULL);
	CHECK(json_object_get(cred, "proof") == NULL);

	subj = json_object_get(cred, "credentialSubject");
	CHECK(json_is_object(subj));
	CHECK(subj == ob3_subject(cred));
	CHECK_STR(ob_json_str(subj, "id"), o.recipient);
	CHECK(json_object_get(subj, "identifier") == NULL);
	CHECK(ob_json_has_value(json_object_get(subj, "type"), "AchievementSubject"));
	CHECK_STR(ob_json_str(subj, "name"), "Alex Learner");
	CHECK(json_equal(json_object_get(subj, "achievement"), (json_t *)ach));
	/* a copy, not the caller's object */
	CHECK(json_object_get(subj, "achievement") != ach);

	CHECK(ob3_check_required(cred, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "  %s\n", err.msg);
	json_decref(cred);

	/* given id, dates and evidence are used as is */
	o.recipient = "https://learner.example/alex";
	o.name = NULL;
	o.id = "urn:uuid:11111111-2222-4333-8444-555555555555";
	o.valid_from = "2025-06-01T00:00:00Z";
	o.valid_until = "2030-06-01T00:00:00+02:00";
	o.evidence = "https://riverbend.example.edu/portfolio/7";
	cred = ob3_build_credential(profile, ach, &o, &err);
	CHECK(cred != NULL);
	if (!cred)
		return;
	CHECK_STR(ob_json_str(cred, "id"), "urn:uuid:11111111-2222-4333-8444-555555555555");
	CHECK_STR(ob_json_str(cred, "validFrom"), "2025-06-01T00:00:00Z");
	CHECK_STR(ob_json_str(cred, "validUntil"), "2030-06-01T00:00:00+02:00");
	subj = ob3_subject(cred);
	CHECK_STR(ob_json_str(subj, "id"), "https://learner.example/alex");
	CHECK(json_object_get(subj, "name") == NULL);
	{
		const json_t *ev = json_array_get(json_object_get(cred, "evidence"), 0);
		CHECK_STR(ob_json_str(ev, "id"), "https://riverbend.example.edu/portfolio/7");
		CHECK(ob_json_has_value(json_object_get(ev, "type"), "Evidence"));
	}
	CHECK(ob3_check_required(cred, &err) == OB_OK);
	json_decref(cred);
}

static void test_build_email(const json_t *profile, const json_t *ach)
{
	ob3_issue_opts o = { 0 };
	ob_error err = { 0 };
	ob_buf again = OB_BUF_INIT;
	const json_t *subj, *ids, *io;
	const char *salt, *hash, *salt2;
	json_t *cred, *cred2;

	o.recipient = "Alex.Learner@Example.COM";
	cred = ob3_build_credential(profile, ach, &o, &err);
	CHECK(cred != NULL);
	if (!cred) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	subj = ob3_subject(cred);
	CHECK(json_object_get(subj, "id") == NULL);
	ids = json_object_get(subj, "identifier");
	CHECK(json_is_array(ids) && json_array_size(ids) == 1);
	io = json_array_get(ids, 0);
	CHECK_STR(ob_json_str(io, "type"), "IdentityObject");
	CHECK(json_is_true(json_object_get(io, "hashed")));
	CHECK_STR(ob_json_str(io, "identityType"), "emailAddress");
	salt = ob_json_str(io, "salt");
	hash = ob_json_str(io, "identityHash");
	CHECK(salt && strlen(salt) >= 8);
	CHECK(hash && !strncmp(hash, "sha256$", 7) && strlen(hash) == 7 + 64);
	/* the plain address appears nowhere */
	{
		char *text = json_dumps(cred, JSON_COMPACT);
		CHECK(text && !contains(text, "Learner@") && !contains(text, "learner@"));
		free(text);
	}
	/* the hash recomputes from the lower-cased address and the salt */
	CHECK(ob3_identity_hash("alex.learner@example.com", salt, &again, &err) == OB_OK);
	CHECK_STR(hash, again.data);
	ob_buf_release(&again);
	CHECK(ob3_identity_hash("Alex.Learner@Example.COM", salt, &again, &err) == OB_OK);
	CHECK(hash && again.data && strcmp(hash, again.data) != 0);
	ob_buf_release(&again);
	CHECK(ob3_check_required(cred, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "  %s\n", err.msg);

	/* a fresh salt per credential */
	cred2 = ob3_build_credential(profile, ach, &o, &err);
	CHECK(cred2 != NULL);
	if (cred2) {
		const json_t *io2 = json_array_get(json_object_get(ob3_subject(cred2), "identifier"), 0);
		salt2 = ob_json_str(io2, "salt");
		CHECK(salt && salt2 && strcmp(salt, salt2) != 0);
		CHECK(strcmp(ob_json_str(cred, "id"), ob_json_str(cred2, "id")) != 0);
		json_decref(cred2);
	}
	json_decref(cred);
}

static void test_build_errors(const json_t *profile, const json_t *ach)
{
	ob3_issue_opts o = { 0 };
	ob_error err = { 0 };
	json_t *no_id = parse("{\"type\": \"Profile\", \"name\": \"x\"}");
	json_t *no_name = parse("{\"id\": \"urn:x\", \"type\": [\"Achievement\"]}");

	o.recipient = "alex";
	CHECK(ob3_build_credential(profile, ach, &o, &err) == NULL);
	CHECK(err.code == OB_EUSAGE && contains(err.msg, "alex"));
	ob_error_clear(&err);
	o.recipient = "";
	CHECK(ob3_build_credential(profile, ach, &o, &err) == NULL);
	CHECK(err.code == OB_EUSAGE);
	ob_error_clear(&err);
	o.recipient = NULL;
	CHECK(ob3_build_credential(profile, ach, &o, &err) == NULL);
	ob_error_clear(&err);

	o.recipient = "did:example:123";
	o.valid_from = "2025-02-29T00:00:00Z";
	CHECK(ob3_build_credential(profile, ach, &o, &err) == NULL);
	CHECK(err.code == OB_EUSAGE && contains(err.msg, "valid-from"));
	ob_error_clear(&err);
	o.valid_from = NULL;
	o.valid_until = "soon";
	CHECK(ob3_build_credential(profile, ach, &o, &err) == NULL);
	CHECK(err.code == OB_EUSAGE && contains(err.msg, "valid-until"));
	ob_error_clear(&err);
	o.valid_until = NULL;

	CHECK(ob3_build_credential(no_id, ach, &o, &err) == NULL);
	CHECK(err.code == OB_EUSAGE && contains(err.msg, "profile"));
	ob_error_clear(&err);
	CHECK(ob3_build_credential(profile, no_name, &o, &err) == NULL);
	CHECK(err.code == OB_EUSAGE && contains(err.msg, "name"));
	ob_error_clear(&err);
	json_decref(no_id);
	json_decref(no_name);
}

/* Loads the vector, deletes the member at path (dot-separated), and
 * returns ob3_check_required's message ("" when it passed). */
static const char *required_without(const char *path)
{
	static char msg[320];
	char file[4096], key[128];
	ob_error err = { 0 };
	json_t *cred, *o;
	const char *p, *dot;

	snprintf(file, sizeof(file), "%s/vectors/unsigned/ob3-v2.json", shared_dir());
	cred = ob_json_load_file(file, &err);
	if (!cred) {
		snprintf(msg, sizeof(msg), "(cannot load: %s)", err.msg);
		return msg;
	}
	o = cred;
	for (p = path; (dot = strchr(p, '.')); p = dot + 1) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - p), p);
		o = json_object_get(o, key);
	}
	if (*path && json_object_del(o, p) != 0) {
		json_decref(cred);
		snprintf(msg, sizeof(msg), "(no member %s)", path);
		return msg;
	}
	msg[0] = '\0';
	if (ob3_check_required(cred, &err) != OB_OK)
		snprintf(msg, sizeof(msg), "%s", err.code == OB_EINVALID ? err.msg : "(wrong code)");
	json_decref(cred);
	return msg;
}

static void test_required(void)
{
	ob_error err = { 0 };
	json_t *v;

	CHECK_STR(required_without(""), "");
	if (!strncmp(required_without(""), "(cannot load", 12))
		return; /* SHARED_DIR is wrong: one failure is enough */
	CHECK_STR(required_without("issuer"), "missing required field issuer");
	CHECK_STR(required_without("credentialSubject.achievement"),
		  "missing required field credentialSubject.achievement");
	CHECK_STR(required_without("credentialSubject.achievement.name"),
		  "missing required field credentialSubject.achievement.name");
	CHECK_STR(required_without("credentialSubject.achievement.criteria"),
		  "missing required field credentialSubject.achievement.criteria");
	CHECK_STR(required_without("validFrom"), "missing required field validFrom");
	CHECK_STR(required_without("@context"), "missing required field @context");
	CHECK_STR(required_without("id"), "missing required field id");
	CHECK_STR(required_without("type"), "missing required field type");
	CHECK_STR(required_without("credentialSubject"), "missing required field credentialSubject");
	CHECK_STR(required_without("issuer.id"), "missing required field issuer.id");
	CHECK_STR(required_without("credentialSubject.achievement.description"),
		  "missing required field credentialSubject.achievement.description");
	CHECK_STR(required_without("credentialSubject.achievement.id"),
		  "missing required field credentialSubject.achievement.id");
	CHECK(contains(required_without("credentialSubject.type"), "credentialSubject.type"));
	/* id or identifier is enough; neither is not */
	CHECK_STR(required_without("credentialSubject.id"), "");
	CHECK_STR(required_without("credentialSubject.identifier"), "");
	/* optional members */
	CHECK_STR(required_without("validUntil"), "");
	CHECK_STR(required_without("evidence"), "");
	CHECK_STR(required_without("name"), "");

	/* a VC 1.1 badge has issuanceDate instead of validFrom */
	v = parse("{\"@context\": [\"" OB3_CTX_VC1 "\"], \"id\": \"urn:x\","
		  " \"type\": [\"VerifiableCredential\", \"AchievementCredential\"],"
		  " \"issuer\": \"https://example.edu/issuer\", \"issuanceDate\": \"2020-01-01T00:00:00Z\","
		  " \"credentialSubject\": {\"type\": \"AchievementSubject\", \"identifier\": [],"
		  "  \"achievement\": {\"id\": \"urn:a\", \"type\": \"Achievement\", \"name\": \"n\","
		  "   \"description\": \"d\", \"criteria\": {}}}}");
	CHECK(v && ob3_check_required(v, &err) == OB_OK);
	if (err.code)
		fprintf(stderr, "  %s\n", err.msg);
	ob_error_clear(&err);
	CHECK(v && ob3_is_openbadge(v));
	CHECK_STR(ob3_issuer_id(v), "https://example.edu/issuer");
	if (v) {
		/* neither id nor identifier */
		json_object_del(json_object_get(v, "credentialSubject"), "identifier");
		CHECK(ob3_check_required(v, &err) == OB_EINVALID);
		CHECK(contains(err.msg, "identifier"));
		ob_error_clear(&err);
		/* not an Open Badge */
		json_object_set_new(v, "type", json_string("VerifiableCredential"));
		CHECK(!ob3_is_openbadge(v));
		CHECK(ob3_check_required(v, &err) == OB_EINVALID);
		CHECK(contains(err.msg, "OpenBadgeCredential"));
		ob_error_clear(&err);
	}
	json_decref(v);
	CHECK(ob3_issuer_id(NULL) == NULL);
}

int main(void)
{
	json_t *profile, *ach;

	ob_init();
	test_identity_hash();
	test_uuid();
	profile = parse(PROFILE);
	ach = parse(ACHIEVEMENT);
	CHECK(profile && ach);
	if (profile && ach) {
		test_build_did(profile, ach);
		test_build_email(profile, ach);
		test_build_errors(profile, ach);
	}
	json_decref(profile);
	json_decref(ach);
	test_required();
	return check_done("test_ob3");
}
