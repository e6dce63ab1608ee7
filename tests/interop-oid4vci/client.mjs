// client.mjs OFFER_LINK PIN|- CONFIG_ID: the OpenID4VCI 1.0 wallet side of
// @openid4vc/openid4vci (OWF, oid4vc-ts) against ob-issuer serve: resolve
// the offer and the issuer metadata, pre-authorized code + tx_code for an
// access token, a nonce, a jwt key proof by a fresh Ed25519 did:key, the
// credential. Prints {"did": ..., "credentials": [...]} on stdout; on
// failure the library's error on stderr and exit 1. The test CA comes
// from NODE_EXTRA_CA_CERTS.
import crypto from 'node:crypto';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous } from '@openid4vc/oauth2';

const [link, pin, configId] = process.argv.slice(2);
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(buf) {
	let n = BigInt('0x' + buf.toString('hex')), s = '';
	while (n > 0n) { s = B58[Number(n % 58n)] + s; n /= 58n; }
	for (const b of buf) { if (b !== 0) break; s = '1' + s; }
	return s;
}
const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
const jwk = publicKey.export({ format: 'jwk' });
const did = 'did:key:z' + base58(Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(jwk.x, 'base64url')]));
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

const callbacks = {
	hash: (data, alg) => crypto.createHash(alg.replace('-', '')).update(data).digest(),
	generateRandom: (n) => crypto.randomBytes(n),
	clientAuthentication: clientAuthenticationAnonymous(),
	signJwt: async (signer, { header, payload }) => {
		const input = b64(header) + '.' + b64(payload);
		const sig = crypto.sign(null, Buffer.from(input), privateKey);
		return { jwt: input + '.' + sig.toString('base64url'), signerJwk: jwk };
	},
};

try {
	const client = new Openid4vciClient({ callbacks });
	const offer = await client.resolveCredentialOffer(link);
	const meta = await client.resolveIssuerMetadata(offer.credential_issuer);
	const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
		credentialOffer: offer, issuerMetadata: meta, txCode: pin === '-' ? undefined : pin,
	});
	const { c_nonce } = await client.requestNonce({ issuerMetadata: meta });
	const { jwt } = await client.createCredentialRequestJwtProof({
		issuerMetadata: meta, credentialConfigurationId: configId, nonce: c_nonce,
		signer: { method: 'did', didUrl: did + '#' + did.slice(8), alg: 'EdDSA' },
	});
	const res = await client.retrieveCredentials({
		issuerMetadata: meta, accessToken: accessTokenResponse.access_token,
		credentialConfigurationId: configId, proofs: { jwt: [jwt] },
	});
	if (!res.ok) {
		console.error('credential request failed:', JSON.stringify(res.credentialErrorResponseResult ?? res, null, 1).slice(0, 2000));
		process.exit(1);
	}
	console.log(JSON.stringify({ did, credentials: res.credentialResponse.credentials }));
} catch (e) {
	console.error(String(e?.message ?? e), e?.errorResponse ? JSON.stringify(e.errorResponse) : '',
		e?.zodError ? JSON.stringify(e.zodError).slice(0, 2000) : '');
	process.exit(1);
}
