// make-samples.mjs: the signed samples of obkit's tests/data/legacy, made with
// the reference stack (jsonld-signatures 11 + @digitalbazaar/ed25519-signature-2018 4).
// Run from a copy of ../shared/interop after `npm ci` and
// `npm install --no-save @digitalbazaar/ed25519-signature-2018@4 @digitalbazaar/ed25519-verification-key-2018@4`:
//   node make-samples.mjs OBKIT_DIR OUT_DIR   (OBKIT_DIR: this repository, beside ../shared)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import jsigs from 'jsonld-signatures';
import {Ed25519Signature2018} from '@digitalbazaar/ed25519-signature-2018';
import {Ed25519VerificationKey2018} from '@digitalbazaar/ed25519-verification-key-2018';
import * as base58btc from 'base58-universal';
import {documentLoader, addDocumentIndex} from './lib/loader.js';

const [obkit, out] = process.argv.slice(2);
addDocumentIndex(path.join(obkit, 'contexts/index.json'));
const shared = path.join(obkit, '../shared');
const keyJson = JSON.parse(fs.readFileSync(path.join(shared, 'vectors/keys/issuer-ed25519.json')));
const seed = Buffer.from(keyJson.seedHex, 'hex');
const pub = Buffer.from(keyJson.publicKeyHex, 'hex');
const did = keyJson.controller;
const key = await Ed25519VerificationKey2018.from({
  id: keyJson.id, controller: did, type: 'Ed25519VerificationKey2018',
  publicKeyBase58: base58btc.encode(pub),
  privateKeyBase58: base58btc.encode(Buffer.concat([seed, pub]))
});
const {AssertionProofPurpose} = jsigs.purposes;
// did:key as the 2018 suite reads it: an Ed25519VerificationKey2018 method
const vm2018 = {'@context': 'https://w3id.org/security/suites/ed25519-2018/v1', id: keyJson.id,
  type: 'Ed25519VerificationKey2018', controller: did, publicKeyBase58: base58btc.encode(pub)};
const WEB = 'did:web:riverbend.example.edu';
const webDoc = {'@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/ed25519-2018/v1'],
  id: WEB, verificationMethod: [{id: WEB + '#key-2018', type: 'Ed25519VerificationKey2018', controller: WEB,
    publicKeyBase58: base58btc.encode(pub)}], assertionMethod: [WEB + '#key-2018']};
async function loader2018(url) {
  if(url === WEB) return {contextUrl: null, documentUrl: url, document: webDoc};
  if(url === WEB + '#key-2018') return {contextUrl: null, documentUrl: url,
    document: {'@context': webDoc['@context'], ...webDoc.verificationMethod[0]}};
  if(url === keyJson.id) return {contextUrl: null, documentUrl: url, document: vm2018};
  if(url === did) return {contextUrl: null, documentUrl: url, document: {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/ed25519-2018/v1'],
    id: did, verificationMethod: [vm2018], assertionMethod: [keyJson.id]}};
  return documentLoader(url);
}

async function sign(doc, k = key) {
  const suite = new Ed25519Signature2018({key: k, date: '2025-06-01T00:00:00Z'});
  const signed = await jsigs.sign(structuredClone(doc), {suite, purpose: new AssertionProofPurpose(), documentLoader});
  const v = await jsigs.verify(signed, {suite: new Ed25519Signature2018(), purpose: new AssertionProofPurpose(), documentLoader: loader2018});
  if(!v.verified) throw new Error('reference does not verify its own sample: ' + JSON.stringify(v.error || v.results));
  return signed;
}

function bits(set) {
  const b = Buffer.alloc(131072 / 8);
  for(const i of set) b[i >> 3] |= 0x80 >> (i & 7);
  return zlib.gzipSync(b);
}

function credential({id, name, status}) {
  const t = JSON.parse(fs.readFileSync('templates/ob3-achievement-v1.json', 'utf8').replaceAll('{{ISSUER_DID}}', did)
    .replaceAll('{{SUBJECT_ID}}', 'did:example:learner-4471')
    .replaceAll('{{IDENTITY_HASH}}', 'sha256$0000000000000000000000000000000000000000000000000000000000000000')
    .replaceAll('{{IDENTITY_SALT}}', 'salt'));
  t.id = id;
  if(name) t.name = name;
  if(status) {
    t['@context'].push(status.ctx);
    t.credentialStatus = status.entry;
  }
  return t;
}

const write = (f, d) => fs.writeFileSync(path.join(out, f), JSON.stringify(d, null, 2) + '\n');

// 1. a plain VC 1.1 Open Badge, Ed25519Signature2018, did:key issuer
write('vc11-ed25519-2018.json', await sign(credential({id: 'urn:uuid:0f7f3a52-2018-4b8f-9a3e-0c2b6d1e4a01'})));

// 2. StatusList2021: a list with bit 7 set; two credentials (index 3, index 7)
const SL = 'https://riverbend.example.edu/status/2021/1';
write('statuslist2021-list.json', await sign({
  '@context': ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/vc/status-list/2021/v1'],
  id: SL, type: ['VerifiableCredential', 'StatusList2021Credential'], issuer: did,
  issuanceDate: '2025-06-01T00:00:00Z',
  credentialSubject: {id: SL + '#list', type: 'StatusList2021', statusPurpose: 'revocation',
    encodedList: bits([7]).toString('base64url')}
}));
for(const [f, idx] of [['statuslist2021-current.json', '3'], ['statuslist2021-revoked.json', '7']]) {
  write(f, await sign(credential({id: 'urn:uuid:0f7f3a52-2021-4b8f-9a3e-0c2b6d1e4a0' + idx, status: {
    ctx: 'https://w3id.org/vc/status-list/2021/v1',
    entry: {id: `${SL}#${idx}`, type: 'StatusList2021Entry', statusPurpose: 'revocation',
      statusListIndex: idx, statusListCredential: SL}}})));
}

// 3. RevocationList2020: a list with bit 5 set; credentials at index 4 and 5
const RL = 'https://riverbend.example.edu/status/rl2020/1';
write('revocationlist2020-list.json', await sign({
  '@context': ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/vc-revocation-list-2020/v1'],
  id: RL, type: ['VerifiableCredential', 'RevocationList2020Credential'], issuer: did,
  issuanceDate: '2025-06-01T00:00:00Z',
  credentialSubject: {id: RL + '#list', type: 'RevocationList2020', encodedList: bits([5]).toString('base64url')}
}));
for(const [f, idx] of [['revocationlist2020-current.json', '4'], ['revocationlist2020-revoked.json', '5']]) {
  write(f, await sign(credential({id: 'urn:uuid:0f7f3a52-2020-4b8f-9a3e-0c2b6d1e4a0' + idx, status: {
    ctx: 'https://w3id.org/vc-revocation-list-2020/v1',
    entry: {id: `${RL}#${idx}`, type: 'RevocationList2020Status', revocationListIndex: idx,
      revocationListCredential: RL}}})));
}
// 4. a did:web issuer whose DID document lists an Ed25519VerificationKey2018
// (publicKeyBase58), the form VC 1.1-era issuers published
const webKey = await Ed25519VerificationKey2018.from({
  id: WEB + '#key-2018', controller: WEB, type: 'Ed25519VerificationKey2018',
  publicKeyBase58: base58btc.encode(pub),
  privateKeyBase58: base58btc.encode(Buffer.concat([seed, pub]))
});
const webCred = credential({id: 'urn:uuid:0f7f3a52-2018-4b8f-9a3e-0c2b6d1e4a09'});
webCred.issuer.id = WEB;
write('vc11-ed25519-2018-didweb.json', await sign(webCred, webKey));
write('didweb-riverbend-2018.json', webDoc);
// 5. a name with a tab and a control character: jsonld-signatures 11 canonizes
// with rdf-canonize 5, which escapes them as RDFC-1.0 does (\t, \u0001),
// where rdf-canonize 3.x (URDNA2015) wrote them raw
const escapes = credential({id: 'urn:uuid:0f7f3a52-2018-4b8f-9a3e-0c2b6d1e4a10'});
escapes.name = 'Welding\tFundamentals \u0001 Certificate';
write('vc11-ed25519-2018-rdfc-escapes.json', await sign(escapes));
console.log('ok');
