// The DCC's vpqr 2.2.1 and cborld 4.3.4 (what the Learner Credential Wallet
// uses) against obkit's VP1- payloads (tests/cli/vp1_interop.sh).
//   node vpqr.mjs read PAYLOAD-FILE   -> the presentation vpqr's fromQrCode decodes, as JSON
//   node vpqr.mjs write VP-FILE       -> a VP1- payload made by cborld (uncompressed) and
//                                        base32-encode, as vpqr's toQrCode builds its text
//   node vpqr.mjs qr VP-FILE          -> vpqr's toQrCode payload with its defaults: compressed
//                                        CBOR-LD, what LCW's own QR codes hold
//   node vpqr.mjs cbor VP-FILE        -> cborld.encode's bytes (compressed), in hex
//   node vpqr.mjs uncbor HEX-FILE     -> cborld.decode of those bytes, as JSON
// The document loader serves the JSON-LD contexts under $OBKIT_CONTEXTS (obkit's
// contexts/ folder: byte copies of the published documents, index.json maps URLs to
// files) and nothing else; without it, no contexts (the uncompressed form needs none).
import {readFileSync} from 'node:fs';
import {fromQrCode, toQrCode} from '@digitalcredentials/vpqr';
import * as cborld from '@digitalcredentials/cborld';
import base32Encode from 'base32-encode';

const dir = process.env.OBKIT_CONTEXTS;
const index = dir ? JSON.parse(readFileSync(dir + '/index.json', 'utf8')) : {};
const documentLoader = async url => {
  const file = index[url];
  if(!file) {
    throw new Error(`no document loader entry in this test: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: JSON.parse(readFileSync(dir + '/' + file, 'utf8'))};
};
const [mode, file] = process.argv.slice(2);
if(mode === 'read') {
  const text = readFileSync(file, 'utf8').trim();
  const {vp} = await fromQrCode({text, documentLoader});
  process.stdout.write(JSON.stringify(vp) + '\n');
} else if(mode === 'write') {
  const vp = JSON.parse(readFileSync(file, 'utf8'));
  const bytes = await cborld.encode({jsonldDocument: vp, documentLoader, compressionMode: 0});
  process.stdout.write('VP1-B' + base32Encode(bytes, 'RFC4648', {padding: false}) + '\n');
} else if(mode === 'qr') {
  const vp = JSON.parse(readFileSync(file, 'utf8'));
  const {payload} = await toQrCode({vp, documentLoader});
  process.stdout.write(payload + '\n');
} else if(mode === 'cbor') {
  const vp = JSON.parse(readFileSync(file, 'utf8'));
  const bytes = await cborld.encode({jsonldDocument: vp, documentLoader});
  process.stdout.write(Buffer.from(bytes).toString('hex') + '\n');
} else if(mode === 'uncbor') {
  const hex = readFileSync(file, 'utf8').trim();
  const doc = await cborld.decode({cborldBytes: new Uint8Array(Buffer.from(hex, 'hex')), documentLoader});
  process.stdout.write(JSON.stringify(doc) + '\n');
} else {
  console.error('usage: node vpqr.mjs read|write|qr|cbor|uncbor FILE');
  process.exit(2);
}
