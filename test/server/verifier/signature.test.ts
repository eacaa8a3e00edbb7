/**
 * SPEC §4 step 4: the signature, with node:crypto and with the WebCrypto
 * backend → ERR_JWT_SIGNATURE.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import { createPublicKey, sign as rawSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStaticKeySource, createVerifier, defineCommunity, type VerificationKey } from '../../../src/server/verifier/index.js';
import { webCryptoBackend } from '../../../src/server/verifier/crypto/webcrypto.js';
import { b64url, hmacSignature, HS_KEY, HS_KEY_256, signHS256, signRS256 } from '../../helpers/sign.js';
import { attackVerifier, codeOf, enc, forge, HS_HEADER, hs, keys, NOW, OTHER_RSA, otherRsa, payload, rejects, RS_HEADER, rs, rsa, T, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

describe('4. signature → ERR_JWT_SIGNATURE', () => {
  it('a wrong secret', async () => {
    expect(await codeOf({ jwt: signHS256(payload(), { kid: HS_KEY.kid, secret: HS_KEY_256.secret }) })).toBe('ERR_JWT_SIGNATURE');
  });

  it('an altered payload', async () => {
    const [header, , signature] = signHS256(payload(), HS_KEY).split('.');
    expect(await codeOf({ jwt: `${header}.${b64url(payload({ uuid: 'admin' }))}.${signature}` })).toBe('ERR_JWT_SIGNATURE');
  });

  it('a truncated signature', async () => {
    const jwt = signHS256(payload(), HS_KEY);
    expect(await codeOf({ jwt: jwt.slice(0, -3) })).toBe('ERR_JWT_SIGNATURE');
  });

  it('an RSA token signed by another key', async () => {
    expect(await codeOf({ jwt: signRS256(payload(), { ...otherRsa, kid: rsa.kid }) })).toBe('ERR_JWT_SIGNATURE');
  });

  it('a key whose check throws', async () => {
    const throwing: VerificationKey = { id: 'k', alg: 'HS256', verify: () => { throw new Error('boom'); } };
    const community = defineCommunity({ jwtKeys: keys });
    const verifier = createVerifier(community, { keySource: createStaticKeySource([throwing]), now: () => NOW * 1000 });
    expect(await codeOf({ jwt: signHS256(payload(), { kid: 'k', secret: HS_KEY.secret }) }, verifier)).toBe('ERR_JWT_SIGNATURE');
  });
});

describe('signature (step 4) → ERR_JWT_SIGNATURE', () => {
  it('signed by another HMAC secret or another RSA key', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload(), (i) => hmacSignature(i, '76543210fedcba9876543210')) }, 'ERR_JWT_SIGNATURE');
    const other = (i: string) => rawSign('sha256', Buffer.from(i), OTHER_RSA.privateKey).toString('base64url');
    await rejects({ jwt: forge(RS_HEADER, payload(), other) }, 'ERR_JWT_SIGNATURE');
  });
  it('altered payload or header with the original signature', async () => {
    for (const [header, sign] of [[HS_HEADER, hs], [RS_HEADER, rs]] as const) {
      const [h, , s] = forge(header, payload(), sign).split('.');
      await rejects({ jwt: `${h}.${enc(payload({ uuid: 'admin' }))}.${s}` }, 'ERR_JWT_SIGNATURE');
      await rejects({ jwt: `${enc({ ...header, x: 1 })}.${enc(payload())}.${s}` }, 'ERR_JWT_SIGNATURE');
    }
  });
  it('truncated, extended, zeroed or swapped signatures', async () => {
    const [h, p, s] = forge(HS_HEADER).split('.') as [string, string, string];
    const bytes = Buffer.from(s, 'base64url');
    for (const sig of [bytes.subarray(0, 31), bytes.subarray(0, 1), Buffer.concat([bytes, Buffer.from([0])]), Buffer.alloc(32), Buffer.alloc(256)]) {
      await rejects({ jwt: `${h}.${p}.${sig.toString('base64url')}` }, 'ERR_JWT_SIGNATURE');
    }
    const [rh, rp, rsig] = forge(RS_HEADER, payload(), rs).split('.') as [string, string, string];
    const rbytes = Buffer.from(rsig, 'base64url');
    for (const sig of [rbytes.subarray(1), Buffer.concat([Buffer.from([0]), rbytes]), Buffer.alloc(256), bytes]) {
      await rejects({ jwt: `${rh}.${rp}.${sig.toString('base64url')}` }, 'ERR_JWT_SIGNATURE');
    }
    // Parts of two valid tokens spliced together.
    const [, otherPayload] = forge(HS_HEADER, payload({ jti: 'other' })).split('.');
    await rejects({ jwt: `${h}.${otherPayload}.${s}` }, 'ERR_JWT_SIGNATURE');
  });
  it('a verified token in the cache does not vouch for another signature or another verifier', async () => {
    const verifier = attackVerifier();
    const token = forge(HS_HEADER);
    await verifier.verify({ jwt: token });
    const [h, p] = token.split('.');
    await rejects({ jwt: `${h}.${p}.${hmacSignature(`${h}.${p}`, 'f'.repeat(24))}` }, 'ERR_JWT_SIGNATURE', verifier);
    const otherSecret = createVerifier(defineCommunity({ jwtKeys: [{ id: HS_KEY.kid, secret: 'a'.repeat(24) }] }), { now: () => T * 1000 });
    await rejects({ jwt: token }, 'ERR_JWT_SIGNATURE', otherSecret);
  });
});

describe('the WebCrypto backend (runtimes without node:crypto)', () => {
  const backend = webCryptoBackend();
  const encoder = new TextEncoder();
  const decode = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

  it('verifies HS256 and refuses a bad signature', async () => {
    const check = backend.hmacSha256(encoder.encode(HS_KEY.secret));
    const [header, body, signature] = signHS256(payload(), HS_KEY).split('.') as [string, string, string];
    expect(await check(`${header}.${body}`, decode(signature))).toBe(true);
    expect(await check(`${header}.${body}x`, decode(signature))).toBe(false);
  });

  it('verifies RS256 and refuses a bad signature', async () => {
    const spki = new Uint8Array(createPublicKey(rsa.publicKeyPem).export({ type: 'spki', format: 'der' }));
    const check = backend.rsaSha256(spki, 256);
    const [header, body, signature] = signRS256(payload(), rsa).split('.') as [string, string, string];
    expect(await check(`${header}.${body}`, decode(signature))).toBe(true);
    expect(await check(`${header}.${body}x`, decode(signature))).toBe(false);
  });
});
