// The DCC's vpqr 2.2.1 and cborld 4.3.4 (what the Learner Credential Wallet
// uses) against obkit's VP1- payloads (tests/cli/vp1_interop.sh).
//   node vpqr.mjs read PAYLOAD-FILE   -> the presentation vpqr's fromQrCode decodes, as JSON
//   node vpqr.mjs write VP-FILE       -> a VP1- payload made by cborld (uncompressed) and
//                                        base32-encode, as vpqr's toQrCode builds its text
import {readFileSync} from 'node:fs';
import {fromQrCode} from '@digitalcredentials/vpqr';
import * as cborld from '@digitalcredentials/cborld';
import base32Encode from 'base32-encode';

const [mode, file] = process.argv.slice(2);
const documentLoader = async url => {
  throw new Error(`no document loader in this test: ${url}`);
};
if(mode === 'read') {
  const text = readFileSync(file, 'utf8').trim();
  const {vp} = await fromQrCode({text, documentLoader});
  process.stdout.write(JSON.stringify(vp) + '\n');
} else if(mode === 'write') {
  const vp = JSON.parse(readFileSync(file, 'utf8'));
  const bytes = await cborld.encode({jsonldDocument: vp, documentLoader, compressionMode: 0});
  process.stdout.write('VP1-B' + base32Encode(bytes, 'RFC4648', {padding: false}) + '\n');
} else {
  console.error('usage: node vpqr.mjs read|write FILE');
  process.exit(2);
}
