// The Learner Credential Wallet's side of a VC-API exchange, with the
// libraries LCW itself uses (@digitalcredentials/vc, Ed25519Signature2020
// over an Ed25519VerificationKey2020 did:key, the DCC security document
// loader), for tests/cli/vcapi_exchange.sh. As LCW's exchanges.ts does:
// POST {} to the exchange, read the verifiablePresentationRequest (a
// DIDAuthentication query), sign a DIDAuth presentation (holder = the
// wallet's did:key, proofPurpose authentication, the request's challenge
// and domain) and POST {"verifiablePresentation": VP} to
// interact.service[0].serviceEndpoint; the answer's presentation carries
// the credential, whose credentialSubject.id must be the wallet's DID.
//
//   node lcw-client.mjs run EXCHANGE_URL [--suite ed2020|rdfc] [--v2] [--no-domain] [--out VC.json]
//       the whole exchange; prints {"did", "vc"} on success, exit 1 otherwise
//   node lcw-client.mjs sign --challenge C [--domain D] [--suite ed2020|rdfc] [--v2]
//                            [--other-key] [--out-did FILE]
//       prints the body {"verifiablePresentation": VP} for a hand-made POST;
//       --other-key: the proof is made by another key than the holder's
import * as vc from '@digitalcredentials/vc';
import {Ed25519Signature2020} from '@digitalcredentials/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalcredentials/ed25519-verification-key-2020';
import {DataIntegrityProof} from '@digitalcredentials/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalcredentials/ed25519-multikey';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import {writeFileSync} from 'node:fs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const flag = (name) => args.includes(name);
const documentLoader = securityLoader().build();

// A wallet key as LCW makes one (did:key of an Ed25519 key): for
// Ed25519Signature2020 an Ed25519VerificationKey2020, for eddsa-rdfc-2022
// a Multikey. The suite to sign with.
async function walletKey(kind) {
  const key = kind === 'rdfc' ? await Ed25519Multikey.generate() : await Ed25519VerificationKey2020.generate();
  const fp = kind === 'rdfc' ? key.publicKeyMultibase : key.fingerprint();
  const did = `did:key:${fp}`;
  key.id = `${did}#${fp}`;
  key.controller = did;
  return {did, key};
}

function suiteFor(kind, key) {
  return kind === 'rdfc' ? new DataIntegrityProof({signer: key.signer(), cryptosuite: eddsaRdfc2022})
    : new Ed25519Signature2020({key});
}

async function didAuth({kind, challenge, domain, otherKey}) {
  const holder = await walletKey(kind);
  const signer = otherKey ? await walletKey(kind) : holder;
  // the VC 1.1 context, as the DIDAuth presentation LCW sends (exchange.md
  // 3.1); --v2: the VC 2.0 one
  const presentation = vc.createPresentation({holder: holder.did, version: flag('--v2') ? 2.0 : 1.0});
  const vp = await vc.signPresentation({
    presentation, suite: suiteFor(kind, signer.key), documentLoader, challenge,
    ...(domain ? {domain} : {})
  });
  return {did: holder.did, vp};
}

async function post(url, body) {
  const res = await fetch(url, {
    method: 'POST', headers: {'Content-Type': 'application/json', Accept: 'application/json'},
    body: JSON.stringify(body)
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`POST ${url}: HTTP ${res.status}: ${text.slice(0, 400)}`);
  return JSON.parse(text);
}

async function run(url) {
  const kind = opt('--suite') || 'ed2020';
  const first = await post(url, {});
  const vpr = first.verifiablePresentationRequest;
  if (!vpr)
    throw new Error('no verifiablePresentationRequest: ' + JSON.stringify(first).slice(0, 300));
  const q = [].concat(vpr.query || []);
  if (!q.some((x) => x.type === 'DIDAuthentication' || x.type === 'DIDAuth'))
    throw new Error('the request asks for no DID authentication');
  const {did, vp} = await didAuth({kind, challenge: vpr.challenge,
    domain: flag('--no-domain') ? undefined : vpr.domain});
  const endpoint = vpr.interact?.service?.[0]?.serviceEndpoint || url;
  const second = await post(endpoint, {verifiablePresentation: vp});
  const vcs = [].concat(second.verifiablePresentation?.verifiableCredential || []);
  if (vcs.length !== 1)
    throw new Error('the answer holds ' + vcs.length + ' credentials');
  const cred = vcs[0];
  const subject = [].concat(cred.credentialSubject)[0];
  if (subject?.id !== did)
    throw new Error(`the credential's subject is ${subject?.id}, not the wallet's DID ${did}`);
  if (opt('--out'))
    writeFileSync(opt('--out'), JSON.stringify(cred, null, 2) + '\n');
  console.log(JSON.stringify({did, vc: cred.id, proof: [].concat(cred.proof)[0]?.type,
    vpProof: vp.proof.type + (vp.proof.cryptosuite ? '/' + vp.proof.cryptosuite : '')}));
}

async function sign() {
  const {did, vp} = await didAuth({kind: opt('--suite') || 'ed2020', challenge: opt('--challenge'),
    domain: opt('--domain'), otherKey: flag('--other-key')});
  if (opt('--out-did'))
    writeFileSync(opt('--out-did'), did + '\n');
  console.log(JSON.stringify({verifiablePresentation: vp}));
}

try {
  if (args[0] === 'run')
    await run(args[1]);
  else if (args[0] === 'sign')
    await sign();
  else
    throw new Error('usage: lcw-client.mjs run URL | sign --challenge C ...');
} catch (e) {
  console.error('lcw-client: ' + (e.stack || e.message));
  process.exit(1);
}
