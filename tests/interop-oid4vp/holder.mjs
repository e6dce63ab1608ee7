// The OpenWallet Foundation's @openid4vc/openid4vp 0.4.6 (OpenID4VP 1.0) as the
// holder against `ob-verifier serve` (tests/cli/oid4vp_interop.sh):
//   node holder.mjs LINK
// parses obkit's openid4vp:// link, resolves the request (fetching the request
// object from request_uri, checking it as a 1.0 wallet does), has `ob-wallet
// present` ($OBW, with $OBW_ARGS before the command) sign the presentation
// with the request's nonce and client_id, builds the authorization response
// with the library and submits it (direct_post). Prints what it resolved and
// the verifier's answer as JSON. A signed request (a decentralized_identifier:
// client, `ob-verifier serve --client-id did`) is verified here, not by obkit:
// the kid's did:key is decoded (base58btc, multicodec ed01) and the JWS checked
// with node:crypto's Ed25519.
import {execFileSync} from 'node:child_process';
import {createHash, createPublicKey, randomBytes, verify} from 'node:crypto';
import {Openid4vpClient} from '@openid4vc/openid4vp';

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function b58decode(s) {
  let n = 0n;
  for (const c of s) {
    const i = B58.indexOf(c);
    if (i < 0) throw new Error('not base58: ' + s);
    n = n * 58n + BigInt(i);
  }
  const bytes = [];
  for (; n > 0n; n >>= 8n) bytes.unshift(Number(n & 255n));
  for (const c of s) { if (c !== '1') break; bytes.unshift(0); }
  return Buffer.from(bytes);
}
// did:key:z6Mk...#z6Mk... -> the Ed25519 public key as a JWK
function didKeyJwk(didUrl) {
  const m = /^did:key:(z[1-9A-HJ-NP-Za-km-z]+)#(z[1-9A-HJ-NP-Za-km-z]+)$/.exec(didUrl);
  if (!m || m[1] !== m[2]) throw new Error('not a did:key verification method: ' + didUrl);
  const raw = b58decode(m[1].slice(1));
  if (raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) throw new Error('not an Ed25519 did:key: ' + didUrl);
  return {kty: 'OKP', crv: 'Ed25519', x: raw.subarray(2).toString('base64url')};
}
async function verifyJwt(signer, {header, compact}) {
  if (signer.method !== 'did') throw new Error('only did signers here, not ' + signer.method);
  if (header.alg !== 'EdDSA') return {verified: false};
  const jwk = didKeyJwk(signer.didUrl);
  const [h, p, sig] = compact.split('.');
  const ok = verify(null, Buffer.from(h + '.' + p), createPublicKey({key: jwk, format: 'jwk'}),
                    Buffer.from(sig, 'base64url'));
  return ok ? {verified: true, signerJwk: jwk} : {verified: false, signerJwk: jwk};
}

const [link, credId] = process.argv.slice(2);
const callbacks = {
  fetch: (...a) => fetch(...a),
  hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
  generateRandom: n => randomBytes(n),
  verifyJwt,
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
  signer: resolved.jar ? {method: resolved.jar.signer.method, didUrl: resolved.jar.signer.didUrl,
                          alg: resolved.jar.signer.alg, typ: resolved.jar.jwt.header.typ} : null,
  response_mode: req.response_mode, nonce: req.nonce, state: req.state, query: resolved.dcql.query,
  status: sent.response.status, answer
}, null, 1) + '\n');
