/* did + loader: did:key, did:web URL mapping, https controller documents
 * through the --doc map, and the proof-purpose authorisation check. */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "proof/did.h"
#include "base/fsutil.h"
#include "io/loader.h"
#include "base/obkit.h"

static void web_url(const char *did, const char *want)
{
	ob_buf b = OB_BUF_INIT;
	ob_error e = { 0 };

	if (want) {
		CHECK(ob_did_web_url(did, &b, &e) == OB_OK);
		CHECK_STR(b.data, want);
	} else
		CHECK(ob_did_web_url(did, &b, &e) == OB_EPARSE);
	ob_buf_release(&b);
}

static void write_doc(const char *path, const char *text)
{
	ob_error e = { 0 };

	CHECK(ob_write_file_atomic(path, text, strlen(text), 0644, 1, &e) == OB_OK);
}

int main(void)
{
	char dir[] = "/tmp/obkit-test-did.XXXXXX", path[4400], kat[4096];
	ob_loader *l;
	ob_error e = { 0 };
	ob_vm vm;
	const char *issuer_vm = "did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT#z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT";

	ob_init();
	CHECK(mkdtemp(dir) != NULL);

	/* did:key */
	CHECK(ob_did_resolve(issuer_vm, "assertionMethod", NULL, &vm, &e) == OB_OK);
	CHECK_STR(vm.controller, "did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT");
	CHECK_STR(vm.id, issuer_vm);
	CHECK(vm.key != NULL);
	ob_vm_release(&vm);
	/* a bare did:key names its key */
	ob_error_clear(&e);
	CHECK(ob_did_resolve("did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT", NULL, NULL, &vm, &e) == OB_OK);
	ob_vm_release(&vm);
	/* fragment that is not the key */
	ob_error_clear(&e);
	CHECK(ob_did_resolve("did:key:z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT#key-1", NULL, NULL, &vm, &e) == OB_EINVALID);
	/* P-256 "zDn" and P-384 "z82" Multikeys (the W3C ECDSA vectors' keys) */
	{
		static const char *const ec[] = {
			"zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP",
			"z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ",
		};
		char url[400];
		int i;

		for (i = 0; i < 2; i++) {
			ob_buf mb = OB_BUF_INIT;

			snprintf(url, sizeof(url), "did:key:%s#%s", ec[i], ec[i]);
			ob_error_clear(&e);
			CHECK(ob_did_resolve(url, "assertionMethod", NULL, &vm, &e) == OB_OK);
			CHECK(ob_key_get_type(vm.key) == (i ? OB_KEY_P384 : OB_KEY_P256));
			CHECK_STR(vm.id, url);
			/* and back to the same Multikey */
			CHECK(vm.key && ob_key_multikey(vm.key, &mb, &e) == OB_OK);
			CHECK_STR(mb.data, ec[i]);
			ob_buf_release(&mb);
			ob_vm_release(&vm);
		}
		/* a P-384 key cut short is broken, not unsupported */
		ob_error_clear(&e);
		CHECK(ob_did_resolve("did:key:z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kuj",
				     NULL, NULL, &vm, &e) == OB_EINVALID);
	}
	/* broken and unsupported keys */
	ob_error_clear(&e);
	CHECK(ob_did_resolve("did:key:z6MkvMCQDyJBzWRVKz", NULL, NULL, &vm, &e) == OB_EINVALID);
	CHECK(strstr(e.msg, "invalid did:key") != NULL);
	ob_error_clear(&e);
	CHECK(ob_did_resolve("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", NULL, NULL, &vm, &e) == OB_EUNSUPPORTED);
	ob_error_clear(&e);
	CHECK(ob_did_resolve("", NULL, NULL, &vm, &e) == OB_EINVALID);
	ob_error_clear(&e);
	CHECK(ob_did_resolve("did:example:123#k", NULL, NULL, &vm, &e) == OB_EUNSUPPORTED);

	/* did:web mapping (did.md) */
	web_url("did:web:example.com", "https://example.com/.well-known/did.json");
	web_url("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json");
	web_url("did:web:", NULL);
	web_url("did:web:example.com:..:x", NULL);
	web_url("did:web:example.com/evil", NULL);
	web_url("did:web:a::b", NULL);

	/* https controller document through the map (vector 10's issuer) */
	l = ob_loader_new();
	snprintf(kat, sizeof(kat), "%s/vectors/docs/1edtech-kat-issuer-controller.json", shared_dir());
	ob_error_clear(&e);
	CHECK(ob_did_resolve("https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
			     "assertionMethod", l, &vm, &e) == OB_ENET);
	CHECK(strstr(e.msg, "not available offline: https://example.edu/issuers/565049") != NULL);
	ob_error_clear(&e);
	CHECK(ob_loader_add_spec(l, "no-equals-sign", &e) == OB_EUSAGE);
	ob_error_clear(&e);
	snprintf(path, sizeof(path), "https://example.edu/issuers/565049=%s", kat);
	CHECK(ob_loader_add_spec(l, path, &e) == OB_OK);
	CHECK(ob_did_resolve("https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
			     "assertionMethod", l, &vm, &e) == OB_OK);
	CHECK_STR(vm.controller, "https://example.edu/issuers/565049");
	ob_vm_release(&vm);
	/* the document lists the key for assertions only */
	ob_error_clear(&e);
	CHECK(ob_did_resolve("https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
			     "authentication", l, &vm, &e) == OB_EINVALID);
	CHECK(strstr(e.msg, "not listed under authentication") != NULL);
	ob_error_clear(&e);
	CHECK(ob_did_resolve("https://example.edu/issuers/565049#nope", "assertionMethod", l, &vm, &e) == OB_EINVALID);

	/* did:web document: id must match, relative references accepted */
	snprintf(path, sizeof(path), "%s/did.json", dir);
	write_doc(path, "{\"id\": \"did:web:college.example\", \"verificationMethod\": [{\"id\": \"#key-1\","
		  " \"type\": \"Multikey\", \"controller\": \"did:web:college.example\","
		  " \"publicKeyMultibase\": \"z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT\"}],"
		  " \"assertionMethod\": [\"#key-1\"]}");
	ob_error_clear(&e);
	CHECK(ob_loader_add(l, "https://college.example/.well-known/did.json", path, &e) == OB_OK);
	CHECK(ob_did_resolve("did:web:college.example#key-1", "assertionMethod", l, &vm, &e) == OB_OK);
	CHECK_STR(vm.id, "did:web:college.example#key-1");
	ob_vm_release(&vm);
	ob_error_clear(&e);
	CHECK(ob_did_resolve("did:web:college.example#key-1", "authentication", l, &vm, &e) == OB_EINVALID);
	/* the same with an absolute method id */
	write_doc(path, "{\"id\": \"did:web:college.example\", \"verificationMethod\": [{\"id\": \"did:web:college.example#key-1\","
		  " \"type\": \"Multikey\", \"controller\": \"did:web:college.example\","
		  " \"publicKeyMultibase\": \"z6MkvMCQDyJBzWRVKzsAyCBPs1LzKsvPFjHVevgWaFeGVmkT\"}],"
		  " \"assertionMethod\": [\"#key-1\"]}");
	ob_loader_free(l);
	l = ob_loader_new();
	ob_error_clear(&e);
	CHECK(ob_loader_add(l, "https://college.example/.well-known/did.json", path, &e) == OB_OK);
	CHECK(ob_did_resolve("did:web:college.example#key-1", "assertionMethod", l, &vm, &e) == OB_OK);
	CHECK_STR(vm.controller, "did:web:college.example");
	ob_vm_release(&vm);
	write_doc(path, "{\"id\": \"did:web:other.example\"}");
	ob_loader_free(l);
	l = ob_loader_new();
	ob_error_clear(&e);
	CHECK(ob_loader_add(l, "https://college.example/.well-known/did.json", path, &e) == OB_OK);
	CHECK(ob_did_resolve("did:web:college.example#key-1", "assertionMethod", l, &vm, &e) == OB_EINVALID);
	CHECK(strstr(e.msg, "does not match") != NULL);
	/* unreadable mapped file */
	ob_loader_free(l);
	l = ob_loader_new();
	ob_error_clear(&e);
	CHECK(ob_loader_add(l, "https://x.example/doc", "/nonexistent/file.json", &e) == OB_OK);
	CHECK(ob_loader_get_remote(l, "https://x.example/doc#frag", &e) == NULL);
	CHECK(strstr(e.msg, "cannot open") != NULL);
	/* a context URL with a fragment is refused outright */
	ob_error_clear(&e);
	CHECK(ob_loader_get(l, "https://x.example/doc#frag", &e) == NULL);
	CHECK(e.code == OB_EINVALID && strstr(e.msg, "fragment") != NULL);
	ob_loader_free(l);

	unlink(path);
	rmdir(dir);
	return check_done("test_did");
}
