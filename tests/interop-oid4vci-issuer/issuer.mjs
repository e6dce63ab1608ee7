// issuer.mjs CERT KEY PORT_FILE: an OpenID4VCI 1.0 credential issuer
// (with its own OAuth 2.0 authorization server) built on the OpenWallet
// Foundation's @openid4vc/openid4vci and @openid4vc/oauth2, serving HTTPS
// on 127.0.0.1 (an ephemeral port, written to PORT_FILE), for
// tests/cli/oid4vci_issuer_interop.sh: ob-wallet receive takes credentials
// from it.
//
// The library builds and checks the protocol messages: issuer and
// authorization-server metadata, the offer (pre-authorized code, tx_code),
// the token request (code and PIN checked by
// verifyPreAuthorizedCodeAccessTokenRequest) and its JWT access token, the
// nonce response, the bearer check on the credential endpoint
// (Oauth2ResourceServer, against our jwks_uri), the credential request and
// its `jwt` key proof (aud, nonce, iat, signature), the credential
// response. What it leaves to the application is here: storage (one-time
// codes, nonces, tokens), keys and the signing of the credential itself:
// an Open Badges 3.0 credential whose issuer is this process's Ed25519
// did:key, as a VC-JWT (jwt_vc_json; header kid = the did:key's key, so
// the key is bound to the issuer id) or with an eddsa-jcs-2022 Data
// Integrity proof (ldp_vc; JCS by the `canonicalize` package, RFC 8785).
//
// Test control (not OpenID4VCI; loopback only): POST /admin/offer with
// {"configs": [ID...], "pin": bool, "bind": "holder"|"other", "byValue": bool,
// "rar": bool}; "rar" makes the token answer carry authorization_details
// with credential_identifiers, which the wallet must then use.
// answers {"link", "pin"}; "bind": "other" makes this issuer put another
// DID than the proof's in credentialSubject.id (a misbehaving issuer).
// GET /admin/log answers what happened (issued, refused), one line each.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { Openid4vciIssuer } from '@openid4vc/openid4vci';
import { Oauth2AuthorizationServer, Oauth2ResourceServer, Oauth2ServerErrorResponseError,
	Oauth2ResourceUnauthorizedError, clientAuthenticationNone, preAuthorizedCodeGrantIdentifier } from '@openid4vc/oauth2';
import canonicalize from 'canonicalize';

const [certFile, keyFile, portFile] = process.argv.slice(2);
const CODE_TTL = 300, NONCE_TTL = 300, TOKEN_TTL = 300, IAT_WINDOW = 300, MAX_PIN_TRIES = 3, MAX_BODY = 64 * 1024;

// ---- did:key (Ed25519 0xed01, P-256 0x8024) ----
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function b58enc(buf) {
	let n = BigInt('0x' + (buf.toString('hex') || '0')), s = '';
	while (n > 0n) { s = B58[Number(n % 58n)] + s; n /= 58n; }
	for (const b of buf) { if (b !== 0) break; s = '1' + s; }
	return s;
}
function b58dec(s) {
	let n = 0n;
	for (const c of s) {
		const i = B58.indexOf(c);
		if (i < 0) throw new Error('bad base58');
		n = n * 58n + BigInt(i);
	}
	let hex = n.toString(16);
	if (hex.length % 2) hex = '0' + hex;
	const lead = s.match(/^1*/)[0].length;
	return Buffer.concat([Buffer.alloc(lead), Buffer.from(n ? hex : '', 'hex')]);
}
function edDid(jwk) {
	return 'did:key:z' + b58enc(Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(jwk.x, 'base64url')]));
}
// the public key a did:key DID URL names, as a node KeyObject
function didKeyObject(didUrl) {
	const m = /^did:key:z([1-9A-HJ-NP-Za-km-z]+)(#z\1)?$/.exec(didUrl);
	if (!m) throw new Error(`not a did:key DID URL: ${didUrl}`);
	const raw = b58dec(m[1]);
	if (raw[0] === 0xed && raw[1] === 0x01 && raw.length === 34)
		return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(2).toString('base64url') }, format: 'jwk' });
	if (raw[0] === 0x80 && raw[1] === 0x24 && raw.length === 35) {
		const spki = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), raw.subarray(2)]);
		return crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
	}
	throw new Error(`unsupported did:key key type in ${didUrl}`);
}

// ---- keys: the issuer's (credentials) and the authorization server's (access tokens) ----
const issuerKeys = crypto.generateKeyPairSync('ed25519');
const issuerJwk = issuerKeys.publicKey.export({ format: 'jwk' });
const issuerDid = edDid(issuerJwk);
const issuerVm = issuerDid + '#' + issuerDid.slice(8);
const asKeys = crypto.generateKeyPairSync('ed25519');
const asJwk = { ...asKeys.publicKey.export({ format: 'jwk' }), kid: 'as-1', use: 'sig', alg: 'EdDSA' };
const otherDid = edDid(crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }));

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
function signCompact(header, payload, privateKey) {
	const input = b64(header) + '.' + b64(payload);
	return input + '.' + crypto.sign(null, Buffer.from(input), privateKey).toString('base64url');
}

const callbacks = {
	hash: (data, alg) => crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
	generateRandom: (n) => crypto.randomBytes(n),
	clientAuthentication: clientAuthenticationNone({ clientId: 'unused' }),
	signJwt: async (signer, { header, payload }) => {
		if (signer.method !== 'jwk' || signer.publicJwk.kid !== asJwk.kid)
			throw new Error('this issuer signs access tokens only');
		return { jwt: signCompact(header, payload, asKeys.privateKey), signerJwk: asJwk };
	},
	// the library hands us the key it found (jwk, or a did:key URL in kid)
	verifyJwt: async (signer, { header, compact }) => {
		let key, jwk;
		try {
			if (signer.method === 'jwk') {
				jwk = signer.publicJwk;
				key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
			} else if (signer.method === 'did') {
				key = didKeyObject(signer.didUrl);
				jwk = key.export({ format: 'jwk' });
			} else
				return { verified: false };
			const [h, p, s] = compact.split('.');
			const data = Buffer.from(h + '.' + p), sig = Buffer.from(s, 'base64url');
			let ok;
			if (header.alg === 'EdDSA' && jwk.crv === 'Ed25519')
				ok = crypto.verify(null, data, key, sig);
			else if (header.alg === 'ES256' && jwk.crv === 'P-256')
				ok = crypto.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
			else
				ok = false;
			return ok ? { verified: true, signerJwk: jwk } : { verified: false, signerJwk: jwk };
		} catch {
			return { verified: false };
		}
	},
	fetch: (url, init) => fetch(url, init),
};

const vci = new Openid4vciIssuer({ callbacks });
const as = new Oauth2AuthorizationServer({ callbacks });
const rs = new Oauth2ResourceServer({ callbacks });

// ---- state (in memory: this issuer lives for one test) ----
const offers = new Map();   // pre-authorized code -> {configs, txCode, expiresAt, used, tries, bind}
const byHandle = new Map(); // the access token's sub -> the offer
const offerDocs = new Map(); // offer id -> the offer object (credential_offer_uri)
const nonces = new Map();   // c_nonce -> expiry (ms)
const spentTokens = new Set(); // access token jti, one credential each
const log = [];

let base, issuerMetadata, asMetadata, metadataResult;
function metadata() {
	const ctx = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
	const type = ['VerifiableCredential', 'OpenBadgeCredential'];
	const common = {
		cryptographic_binding_methods_supported: ['did:key'],
		proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA', 'ES256'] } },
		credential_metadata: { display: [{ name: 'Open Badge (OpenID4VCI issuer library)', locale: 'en' }] },
	};
	issuerMetadata = vci.createCredentialIssuerMetadata({
		credential_issuer: base,
		credential_endpoint: base + '/credential',
		nonce_endpoint: base + '/nonce',
		display: [{ name: 'Lakeside Academy (oid4vc-ts)', locale: 'en' }],
		credential_configurations_supported: {
			OpenBadge_jwt: { format: 'jwt_vc_json', scope: 'openbadge_jwt', credential_signing_alg_values_supported: ['EdDSA'],
				credential_definition: { type }, ...common },
			OpenBadge_ldp: { format: 'ldp_vc', scope: 'openbadge_ldp', credential_signing_alg_values_supported: ['eddsa-jcs-2022'],
				credential_definition: { '@context': ctx, type }, ...common },
			// not bound to a holder key (no binding methods, no proof types)
			OpenBadge_unbound: { format: 'ldp_vc', credential_signing_alg_values_supported: ['eddsa-jcs-2022'],
				credential_definition: { '@context': ctx, type },
				credential_metadata: common.credential_metadata },
		},
	});
	asMetadata = as.createAuthorizationServerMetadata({
		issuer: base,
		token_endpoint: base + '/token',
		jwks_uri: base + '/jwks',
		grant_types_supported: [preAuthorizedCodeGrantIdentifier],
		'pre-authorized_grant_anonymous_access_supported': true,
	});
	metadataResult = {
		originalDraftVersion: 'V1', credentialIssuer: issuerMetadata, authorizationServers: [asMetadata],
		knownCredentialConfigurations: vci.getKnownCredentialConfigurationsSupported(issuerMetadata),
	};
}

// ---- the credential: OB 3.0, issuer = our did:key, signed here ----
function openBadge(subject, id) {
	return {
		'@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
		id, type: ['VerifiableCredential', 'OpenBadgeCredential'],
		name: 'Boat Handling',
		issuer: { id: issuerDid, type: ['Profile'], name: 'Lakeside Academy', url: 'https://lakeside.example.org' },
		validFrom: new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z'),
		credentialSubject: {
			type: ['AchievementSubject'], id: subject,
			achievement: {
				id: 'https://lakeside.example.org/achievements/boat-101', type: ['Achievement'], achievementType: 'Badge',
				name: 'Boat Handling', description: 'Handles a small boat safely', criteria: { narrative: 'Pass the water test' },
			},
		},
	};
}
// VC-JWT as OB 3.0 8.2 profiles it: the credential's members at top level, iss/jti/sub/nbf
function vcJwt(cred) {
	const payload = { ...cred, iss: issuerDid, jti: cred.id, sub: cred.credentialSubject.id,
		nbf: Math.floor(Date.parse(cred.validFrom) / 1000) };
	return signCompact({ alg: 'EdDSA', typ: 'JWT', kid: issuerVm }, payload, issuerKeys.privateKey);
}
// Data Integrity eddsa-jcs-2022 (VC DI EdDSA 1.0 section 3.3): sign
// sha256(JCS(proof config)) || sha256(JCS(document))
function dataIntegrity(cred) {
	const proof = { type: 'DataIntegrityProof', cryptosuite: 'eddsa-jcs-2022',
		created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), verificationMethod: issuerVm,
		proofPurpose: 'assertionMethod', '@context': cred['@context'] };
	const h = (o) => crypto.createHash('sha256').update(canonicalize(o)).digest();
	const sig = crypto.sign(null, Buffer.concat([h(proof), h(cred)]), issuerKeys.privateKey);
	return { ...cred, proof: { ...proof, proofValue: 'z' + b58enc(sig) } };
}

// ---- HTTP ----
function send(res, status, body, extra = {}) {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...extra });
	res.end(text);
}
function oauthError(res, e, status = 400) {
	if (e instanceof Oauth2ServerErrorResponseError)
		return send(res, status, e.errorResponse);
	if (e instanceof Oauth2ResourceUnauthorizedError)
		return send(res, 401, { error: 'invalid_token', error_description: e.message },
			{ 'WWW-Authenticate': e.toHeaderValue?.() ?? 'Bearer error="invalid_token"' });
	return send(res, status, { error: 'invalid_request', error_description: String(e?.message ?? e).slice(0, 300) });
}
function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let n = 0;
		req.on('data', (c) => { n += c.length; if (n > MAX_BODY) { reject(new Error('body too large')); req.destroy(); } else chunks.push(c); });
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}
const requestLike = (req) => ({ method: req.method, url: base + req.url, headers: new Headers(req.headers) });

async function adminOffer(res, body) {
	const o = JSON.parse(body || '{}');
	const code = crypto.randomBytes(18).toString('base64url');
	const txCode = o.pin ? String(crypto.randomInt(0, 1000000)).padStart(6, '0') : undefined;
	const grants = { [preAuthorizedCodeGrantIdentifier]: { 'pre-authorized_code': code } };
	if (txCode)
		grants[preAuthorizedCodeGrantIdentifier].tx_code = { input_mode: 'numeric', length: 6, description: 'the PIN in your e-mail' };
	const id = crypto.randomBytes(12).toString('base64url');
	const { credentialOffer, credentialOfferObject } = await vci.createCredentialOffer({
		issuerMetadata: metadataResult, credentialConfigurationIds: o.configs, grants,
		credentialOfferUri: o.byValue ? undefined : `${base}/offers/${id}`,
	});
	const offer = { configs: o.configs, txCode, expiresAt: Date.now() + CODE_TTL * 1000, used: false, tries: 0,
		bind: o.bind ?? 'holder', handle: crypto.randomUUID(), rar: !!o.rar, idents: {} };
	offers.set(code, offer);
	byHandle.set(offer.handle, offer);
	offerDocs.set(id, credentialOfferObject);
	send(res, 200, { link: credentialOffer, pin: txCode ?? null });
}

async function token(req, res, body) {
	const reqLike = requestLike(req);
	const parsed = as.parseAccessTokenRequest({ request: reqLike, accessTokenRequest: Object.fromEntries(new URLSearchParams(body)) });
	if (parsed.grant.grantType !== preAuthorizedCodeGrantIdentifier)
		return send(res, 400, { error: 'unsupported_grant_type' });
	const code = parsed.grant.preAuthorizedCode;
	const offer = offers.get(code);
	// one-time codes are the application's to keep: a spent, unknown or
	// locked code is not given to the library as expected, so its check
	// refuses the request (invalid_grant)
	const live = offer && !offer.used && offer.tries < MAX_PIN_TRIES;
	try {
		await as.verifyPreAuthorizedCodeAccessTokenRequest({
			authorizationServerMetadata: asMetadata, grant: parsed.grant, accessTokenRequest: parsed.accessTokenRequest,
			request: reqLike, expectedPreAuthorizedCode: live ? code : crypto.randomUUID(),
			expectedTxCode: offer?.txCode, preAuthorizedCodeExpiresAt: offer ? new Date(offer.expiresAt) : undefined,
		});
	} catch (e) {
		if (live && e?.errorResponse?.error === 'invalid_grant')
			offer.tries++;
		log.push(`token refused: ${e?.errorResponse?.error_description ?? e?.message}`);
		throw e;
	}
	offer.used = true;
	log.push(`token issued for ${offer.configs.join(',')}`);
	// RAR (VCI 1.0 Token Response): one credential identifier per configuration
	const details = offer.rar ? offer.configs.map((c) => {
		const ident = 'cred-' + crypto.randomBytes(9).toString('base64url');
		offer.idents[ident] = c;
		return { type: 'openid_credential', credential_configuration_id: c, credential_identifiers: [ident] };
	}) : undefined;
	const tr = await as.createAccessTokenResponse({
		additionalAccessTokenResponsePayload: details ? { authorization_details: details } : undefined,
		authorizationServer: base, audience: base, subject: offer.handle, expiresInSeconds: TOKEN_TTL,
		signer: { method: 'jwk', alg: 'EdDSA', publicJwk: asJwk },
	});
	send(res, 200, tr);
}

async function credential(req, res, body) {
	const { tokenPayload } = await rs.verifyResourceRequest({
		request: requestLike(req), resourceServer: base, authorizationServers: [asMetadata], allowedAuthenticationSchemes: ['Bearer'],
	});
	if (spentTokens.has(tokenPayload.jti))
		return send(res, 401, { error: 'invalid_token', error_description: 'this access token was used already' });
	const offer = byHandle.get(tokenPayload.sub);
	const parsed = vci.parseCredentialRequest({ issuerMetadata: metadataResult, credentialRequest: JSON.parse(body) });
	let config;
	if (parsed.credentialIdentifier) {
		config = offer?.idents[parsed.credentialIdentifier];
		if (!config)
			return send(res, 400, { error: 'unknown_credential_identifier', error_description: 'not an identifier we gave' });
	} else if (offer?.rar) {
		// VCI 1.0: identifiers were given, so they must be used
		return send(res, 400, { error: 'invalid_credential_request', error_description: 'use credential_identifier' });
	} else if (offer?.configs.includes(parsed.credentialConfigurationId))
		config = parsed.credentialConfigurationId;
	else
		return send(res, 400, { error: 'unknown_credential_configuration', error_description: 'not the configuration offered' });
	const jwts = parsed.proofs?.jwt;
	if (!jwts || jwts.length !== 1)
		return send(res, 400, { error: 'invalid_proof', error_description: 'one jwt key proof is needed' });
	// the nonce the proof claims must be one we gave and not yet used
	let claimed;
	try {
		claimed = JSON.parse(Buffer.from(jwts[0].split('.')[1], 'base64url')).nonce;
	} catch {
		return send(res, 400, { error: 'invalid_proof', error_description: 'the proof is not a JWT' });
	}
	const nonceExp = typeof claimed === 'string' ? nonces.get(claimed) : undefined;
	if (!nonceExp)
		return send(res, 400, { error: 'invalid_nonce', error_description: 'unknown or used c_nonce' });
	nonces.delete(claimed);
	let proof;
	try {
		proof = await vci.verifyCredentialRequestJwtProof({
			jwt: jwts[0], expectedNonce: claimed, nonceExpiresAt: new Date(nonceExp), issuerMetadata: metadataResult,
		});
	} catch (e) {
		log.push(`proof refused: ${e?.errorResponse?.error_description ?? e?.message}`);
		throw e;
	}
	// the library wants an iat but checks only exp/nbf: the window is ours
	if (Math.abs(proof.payload.iat - Date.now() / 1000) > IAT_WINDOW)
		return send(res, 400, { error: 'invalid_proof', error_description: 'the proof iat is out of range' });
	if (proof.signer.method !== 'did' || !proof.signer.didUrl.startsWith('did:key:'))
		return send(res, 400, { error: 'invalid_proof', error_description: 'bind with a did:key kid' });
	spentTokens.add(tokenPayload.jti);
	const holder = proof.signer.didUrl.split('#')[0];
	const cred = openBadge(offer.bind === 'other' ? otherDid : holder, 'urn:uuid:' + crypto.randomUUID());
	const fmt = issuerMetadata.credential_configurations_supported[config].format;
	const out = fmt === 'jwt_vc_json' ? vcJwt(cred) : dataIntegrity(cred);
	log.push(`issued ${cred.id} (${fmt}${parsed.credentialIdentifier ? ', by credential_identifier' : ''}) to ${cred.credentialSubject.id}`);
	send(res, 200, vci.createCredentialResponse({ credentialRequest: parsed, credentials: [{ credential: out }] }));
}

async function route(req, res) {
	const url = new URL(req.url, base);
	const body = req.method === 'POST' ? await readBody(req) : '';
	const p = url.pathname;
	if (req.method === 'GET' && p === '/.well-known/openid-credential-issuer')
		return send(res, 200, issuerMetadata);
	if (req.method === 'GET' && p === '/.well-known/oauth-authorization-server')
		return send(res, 200, asMetadata);
	if (req.method === 'GET' && p === '/jwks')
		return send(res, 200, { keys: [asJwk] });
	if (req.method === 'GET' && p.startsWith('/offers/') && offerDocs.has(p.slice(8)))
		return send(res, 200, offerDocs.get(p.slice(8)));
	if (req.method === 'POST' && p === '/token')
		return token(req, res, body);
	if (req.method === 'POST' && p === '/nonce') {
		const n = crypto.randomBytes(16).toString('base64url');
		nonces.set(n, Date.now() + NONCE_TTL * 1000);
		return send(res, 200, vci.createNonceResponse({ cNonce: n, cNonceExpiresIn: NONCE_TTL }));
	}
	if (req.method === 'POST' && p === '/credential')
		return credential(req, res, body);
	if (req.method === 'POST' && p === '/admin/offer')
		return adminOffer(res, body);
	if (req.method === 'GET' && p === '/admin/log')
		return send(res, 200, log.join('\n') + '\n', { 'Content-Type': 'text/plain' });
	send(res, 404, { error: 'not_found' });
}

const server = https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, (req, res) => {
	route(req, res).catch((e) => {
		if (!res.headersSent)
			oauthError(res, e);
	});
});
server.listen(0, '127.0.0.1', () => {
	base = `https://127.0.0.1:${server.address().port}`;
	metadata();
	fs.writeFileSync(portFile + '.tmp', String(server.address().port));
	fs.renameSync(portFile + '.tmp', portFile);
	console.error(`oid4vci issuer library at ${base}, issuer ${issuerDid}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
