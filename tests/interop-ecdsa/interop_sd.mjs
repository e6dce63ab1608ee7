// Digital Bazaar's ecdsa-sd-2023 cryptosuite, offline, for
// tests/cli/ecdsa_interop.sh. Contexts come from SHARED/contexts/index.json
// (the test contexts), did:key documents (P-256 zDn...) are built from the
// identifier; nothing is fetched.
//   node interop_sd.mjs sign   --contexts INDEX --key KEYPAIR.json
//                              [--mandatory JSON-ARRAY] [--issuer-did] FILE
//   node interop_sd.mjs derive --contexts INDEX [--selective JSON-ARRAY] FILE
//   node interop_sd.mjs verify --contexts INDEX FILE   (exit 0 when verified)
// sign writes a credential with a base proof, derive one with a derived
// proof, verify checks a derived proof (a base proof fails there, as the
// cryptosuite's verifier only accepts derived proofs).
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {
  createDiscloseCryptosuite, createSignCryptosuite, createVerifyCryptosuite
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import jsigs from 'jsonld-signatures';

const {purposes: {AssertionProofPurpose}} = jsigs;
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const DID_V1 = 'https://www.w3.org/ns/did/v1';

const args = process.argv.slice(2);
const cmd = args.shift();
const opt = {};
const files = [];
while(args.length) {
  const a = args.shift();
  if(a === '--issuer-did') {
    opt.issuerDid = true;
  } else if(a.startsWith('--')) {
    opt[a.slice(2)] = args.shift();
  } else {
    files.push(a);
  }
}

const contexts = new Map();
{
  const index = JSON.parse(readFileSync(opt.contexts, 'utf8'));
  for(const [url, file] of Object.entries(index)) {
    if(typeof file === 'string') {
      contexts.set(url, JSON.parse(
        readFileSync(join(dirname(opt.contexts), file), 'utf8')));
    }
  }
}

function didKeyDocument(url) {
  const [did, fragment] = url.split('#');
  const mb = did.slice('did:key:'.length);
  const vmId = `${did}#${mb}`;
  const vm = {id: vmId, type: 'Multikey', controller: did, publicKeyMultibase: mb};
  if(fragment !== undefined) {
    if(fragment !== mb) {
      throw new Error(`did:key fragment is not the key: ${url}`);
    }
    return {'@context': MULTIKEY_V1, ...vm};
  }
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [vm],
    assertionMethod: [vmId],
    authentication: [vmId]
  };
}

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:key:zDn')) {
    return {contextUrl: null, documentUrl: url, document: didKeyDocument(url)};
  }
  throw new Error(`document not available offline: ${url}`);
}

async function sign(file) {
  const kp = JSON.parse(readFileSync(opt.key, 'utf8'));
  const did = `did:key:${kp.publicKeyMultibase}`;
  const keyPair = await EcdsaMultikey.from({
    id: `${did}#${kp.publicKeyMultibase}`, controller: did,
    publicKeyMultibase: kp.publicKeyMultibase,
    secretKeyMultibase: kp.secretKeyMultibase
  });
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  delete doc.proof;
  if(opt.issuerDid) {
    // the key must belong to the issuer for a VALID verdict in obkit
    if(doc.issuer && typeof doc.issuer === 'object') {
      doc.issuer.id = did;
    } else {
      doc.issuer = did;
    }
  }
  const mandatoryPointers = opt.mandatory ? JSON.parse(opt.mandatory) : [];
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    cryptosuite: createSignCryptosuite({mandatoryPointers})
  });
  const signed = await jsigs.sign(doc, {
    suite, purpose: new AssertionProofPurpose(), documentLoader
  });
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
}

async function derive(file) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const selectivePointers = opt.selective ? JSON.parse(opt.selective) : [];
  const suite = new DataIntegrityProof({
    cryptosuite: createDiscloseCryptosuite({selectivePointers})
  });
  const derived = await jsigs.derive(doc, {
    suite, purpose: new AssertionProofPurpose(), documentLoader
  });
  process.stdout.write(JSON.stringify(derived, null, 2) + '\n');
}

async function verify(file) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
  const result = await jsigs.verify(doc, {
    suite, purpose: new AssertionProofPurpose(), documentLoader
  });
  const errors = [];
  if(result.error) {
    for(const e of [].concat(result.error.errors || result.error)) {
      errors.push(e && e.message ? e.message : String(e));
    }
  }
  process.stdout.write(JSON.stringify({verified: result.verified, errors}) + '\n');
  process.exit(result.verified ? 0 : 1);
}

try {
  if(cmd === 'sign') {
    await sign(files[0]);
  } else if(cmd === 'derive') {
    await derive(files[0]);
  } else if(cmd === 'verify') {
    await verify(files[0]);
  } else {
    throw new Error('usage: interop_sd.mjs sign|derive|verify --contexts INDEX [...] FILE');
  }
} catch(e) {
  process.stderr.write(`interop_sd: ${e.message}\n`);
  process.exit(2);
}
