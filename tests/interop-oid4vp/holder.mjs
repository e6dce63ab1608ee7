// The OpenWallet Foundation's @openid4vc/openid4vp 0.4.6 (OpenID4VP 1.0) as the
// holder against `ob-verifier serve` (tests/cli/oid4vp_interop.sh):
//   node holder.mjs LINK
// parses obkit's openid4vp:// link, resolves the request (fetching the request
// object from request_uri, checking it as a 1.0 wallet does), has `ob-wallet
// present` ($OBW, with $OBW_ARGS before the command) sign the presentation
// with the request's nonce and client_id, builds the authorization response
// with the library and submits it (direct_post). Prints what it resolved and
// the verifier's answer as JSON.
import {execFileSync} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {Openid4vpClient} from '@openid4vc/openid4vp';

const [link, credId] = process.argv.slice(2);
const callbacks = {
  fetch: (...a) => fetch(...a),
  hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
  generateRandom: n => randomBytes(n),
  verifyJwt: async () => { throw new Error('no signed request expected from a redirect_uri: client'); },
  getX509CertificateMetadata: () => { throw new Error('no x509 here'); },
  decryptJwe: async () => { throw new Error('no JWE here'); },
  encryptJwe: async () => { throw new Error('no JWE here'); },
};
const client = new Openid4vpClient({callbacks});
const parsed = client.parseOpenid4vpAuthorizationRequest({authorizationRequest: link});
const resolved = await client.resolveOpenId4vpAuthorizationRequest({
  authorizationRequestPayload: parsed.params
});
const req = resolved.authorizationRequestPayload;
const vpText = execFileSync(process.env.OBW, [
  ...JSON.parse(process.env.OBW_ARGS), 'present', credId,
  '--challenge', req.nonce, '--domain', req.client_id
], {encoding: 'utf8'});
const queryId = resolved.dcql.query.credentials[0].id;
const {authorizationResponsePayload} = await client.createOpenid4vpAuthorizationResponse({
  authorizationRequestPayload: req,
  authorizationResponsePayload: {vp_token: {[queryId]: [JSON.parse(vpText)]}}
});
const sent = await client.submitOpenid4vpAuthorizationResponse({
  authorizationRequestPayload: req, authorizationResponsePayload
});
const answer = await sent.response.json();
process.stdout.write(JSON.stringify({
  client: resolved.client, version: resolved.version, jar: !!resolved.jar,
  response_mode: req.response_mode, nonce: req.nonce, state: req.state, query: resolved.dcql.query,
  status: sent.response.status, answer
}, null, 1) + '\n');
