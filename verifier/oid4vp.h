/* oid4vp: presentations on request (OpenID4VP 1.0, exchange.md section
 * 2) in ob-verifier: `ob-verifier request` (oid4vp_cmd.c) and the routes
 * of `ob-verifier serve` (oid4vp_serve.c):
 *
 *   GET  /request                 the employer's form: ask a wallet
 *   POST /request                 creates a request (JSON: achievement,
 *                                 issuer, expires_in, public_url; or the
 *                                 form) -> JSON, or 303 to its page
 *   GET  /request/ID              the waiting page: the QR code and
 *                                 "scan this with your wallet", then
 *                                 the verified result (meta refresh)
 *   GET  /request/ID.json         its state and result as JSON
 *   GET  /oid4vp/request/ID       the request object (request_uri)
 *   POST /oid4vp/response         the wallet's direct_post (vp_token,
 *                                 state)
 *
 * A request names the verifier "redirect_uri:<its response URL>" and its
 * object is an unsecured JWT, unless serve --client-id did: then the
 * verifier is "decentralized_identifier:<did:key>" and the object is a
 * JWT signed by that key (kid: its DID URL), so a wallet can tell who
 * asks (oid4vp_signer_init).
 *
 * Requests live in the memory of the process that made them, expire
 * (default OID4VP_TTL seconds) and take one answer: a fleet must send a
 * request's answer back to the instance that made it. */
#ifndef OB_VERIFIER_OID4VP_H
#define OB_VERIFIER_OID4VP_H

#include "cli/opts.h"
#include "serve.h"

#define OID4VP_TTL 300        /* seconds a request waits for its answer */
#define OID4VP_MAX_TTL 3600
#define OID4VP_MAX_PENDING 1024
#define OID4VP_MAX_CREATE 4096 /* the body of POST /request */

/* 1 when url is one of the routes above. */
int oid4vp_route(const char *url);
/* Takes every call of handler() for such a url after first_call (body,
 * then the answer); r is the connection's request. */
enum MHD_Result oid4vp_handler(const struct server *s, struct MHD_Connection *c, const char *url,
			       const char *method, const char *upload, size_t *upload_size,
			       struct request *r);

/* serve --client-id did: loads the key file at path (NULL: client-key.json
 * in $OBKIT_VERIFIER_HOME, else $XDG_DATA_HOME/obkit/verifier), or makes
 * an Ed25519 key there (0600, its directory 0700) when there is none.
 * From then on requests are signed with it. Call before the server's
 * threads start. OB_OK, or an error with err. */
ob_code oid4vp_signer_init(const char *path, ob_error *err);
/* The signing verifier's DID, or NULL (requests are unsigned). */
const char *oid4vp_signer_did(void);
void oid4vp_signer_free(void);

int cmd_request(int argc, char **argv);
extern const struct ob_cmd_spec request_spec;

#endif
