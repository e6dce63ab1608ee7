// The OpenWallet Foundation's @openid4vc/openid4vp 0.4.6 (OpenID4VP 1.0) as the
// VERIFIER, answered by `ob-wallet respond` (tests/cli/oid4vp_interop.sh):
//   node verifier.mjs CERT.pem KEY.pem OUTDIR [MODE]
// makes its own Ed25519 key and did:key, creates a SIGNED request with the
// library's Openid4vpVerifier.createOpenId4vpAuthorizationRequest (client_id
// decentralized_identifier:<did:key>, a JAR signer of method did, typ
// oauth-authz-req+jwt, direct_post, a DCQL query for an Open Badge), serves the
// request object at its request_uri and takes the wallet's answer at its
// response_uri over TLS (CERT/KEY, on 127.0.0.1), where the library parses and
// validates the authorization response against the request; the presentation's
// holder binding (proof challenge = nonce, domain = the full client_id) is
// checked here too. Writes OUTDIR/link (the openid4vp:// link) once listening,
// and OUTDIR/result.json after each answer. MODE "otherkid": the request is
// signed by a second did:key while its client_id names the first (a wallet
// must refuse it).
import {createHash, generateKeyPairSync, randomBytes, sign} from 'node:crypto';
import {readFileSync, renameSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:https';
import {Openid4vpVerifier} from '@openid4vc/openid4vp';

const [certFile, keyFile, out, mode] = process.argv.slice(2);
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function b58encode(buf) {
  let n = BigInt('0x' + (buf.toString('hex') || '0')), s = '';
  for (; n > 0n; n /= 58n) s = B58[Number(n % 58n)] + s;
  for (const b of buf) { if (b !== 0) break; s = '1' + s; }
  return s;
}
function didKey() {
  const {privateKey, publicKey} = generateKeyPairSync('ed25519');
  const x = Buffer.from(publicKey.export({format: 'jwk'}).x, 'base64url');
  const mb = 'z' + b58encode(Buffer.concat([Buffer.from([0xed, 0x01]), x]));
  return {privateKey, jwk: publicKey.export({format: 'jwk'}), did: 'did:key:' + mb, kid: 'did:key:' + mb + '#' + mb};
}
const a = didKey(), b = didKey();
const signerKey = mode === 'otherkid' ? b : a;
const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url');
const callbacks = {
  hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
  signJwt: async (signer, {header, payload}) => {
    if (signer.method !== 'did' || signer.didUrl !== signerKey.kid) throw new Error('unexpected signer');
    const input = b64(header) + '.' + b64(payload);
    const sig = sign(null, Buffer.from(input), signerKey.privateKey).toString('base64url');
    return {jwt: input + '.' + sig, signerJwk: signerKey.jwk};
  },
  verifyJwt: async () => { throw new Error('no JWT to verify in a direct_post answer'); },
  decryptJwe: async () => { throw new Error('no JWE here'); },
  encryptJwe: async () => { throw new Error('no JWE here'); },
  fetch: (...x) => fetch(...x),
};
const verifier = new Openid4vpVerifier({callbacks});
const OB = [['https://www.w3.org/2018/credentials#VerifiableCredential',
             'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential']];

const server = createServer({cert: readFileSync(certFile), key: readFileSync(keyFile)});
let request = null;
server.on('request', (req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', async () => {
    if (req.method === 'GET' && req.url === '/request') {
      res.writeHead(200, {'Content-Type': 'application/oauth-authz-req+jwt'});
      res.end(request.jar.authorizationRequestJwt);
      return;
    }
    if (req.method !== 'POST' || req.url !== '/response') {
      res.writeHead(404);
      res.end();
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
    const want = request.authorizationRequestPayload;
    const result = {client_id: want.client_id, nonce: want.nonce, signer: signerKey.did};
    try {
      const parsed = await verifier.parseOpenid4vpAuthorizationResponse({
        authorizationResponse: form, authorizationRequestPayload: want, callbacks
      });
      const [id] = Object.keys(parsed.dcql.presentations);
      const vp = parsed.dcql.presentations[id][0];
      result.query_id = id;
      if (!want.dcql_query.credentials.some(c => c.id === id)) throw new Error('vp_token answers no query of the request: ' + id);
      result.state = parsed.authorizationResponsePayload.state;
      result.holder = vp.holder;
      result.proof = {challenge: vp.proof?.challenge, domain: vp.proof?.domain, purpose: vp.proof?.proofPurpose,
                      cryptosuite: vp.proof?.cryptosuite};
      if (vp.proof?.challenge !== want.nonce) throw new Error('the proof challenge is not the nonce');
      if (vp.proof?.domain !== want.client_id) throw new Error('the proof domain is not the full client_id');
      if (result.state !== want.state) throw new Error('the state is not the request\'s');
      result.accepted = true;
      res.writeHead(200, {'Content-Type': 'application/json'});
      res.end('{}');
    } catch (e) {
      result.accepted = false;
      result.error = String(e?.message ?? e);
      res.writeHead(400, {'Content-Type': 'application/json'});
      res.end(JSON.stringify({error: 'invalid_request', error_description: result.error}));
    }
    writeFileSync(out + '/result.json.tmp', JSON.stringify(result, null, 1) + '\n');
    renameSync(out + '/result.json.tmp', out + '/result.json');
  });
});
server.listen(0, '127.0.0.1', async () => {
  const base = 'https://127.0.0.1:' + server.address().port;
  request = await verifier.createOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: {
      client_id: 'decentralized_identifier:' + a.did,
      response_type: 'vp_token',
      response_mode: 'direct_post',
      response_uri: base + '/response',
      nonce: randomBytes(32).toString('base64url'),
      state: randomBytes(16).toString('base64url'),
      dcql_query: {credentials: [{id: 'badge', format: 'ldp_vc', meta: {type_values: OB}}]},
      client_metadata: {client_name: 'library verifier',
                        vp_formats_supported: {ldp_vc: {proof_type_values: ['DataIntegrityProof'],
                                                        cryptosuite_values: ['eddsa-rdfc-2022']}}},
    },
    jar: {requestUri: base + '/request', jwtSigner: {method: 'did', didUrl: signerKey.kid, alg: 'EdDSA'},
          expiresInSeconds: 300},
  });
  writeFileSync(out + '/request.json', JSON.stringify({did: a.did, other: b.did,
    payload: request.authorizationRequestPayload, jwt: request.jar.authorizationRequestJwt}, null, 1) + '\n');
  writeFileSync(out + '/link.tmp', request.authorizationRequest + '\n');
  renameSync(out + '/link.tmp', out + '/link');
});
