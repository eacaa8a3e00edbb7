/** src/server/verifier/crypto/node.ts: the node:crypto backend — HS256 (two paths) and RS256 checks prepared once per key. */
import { createHmac, createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../../../../src/server/verifier/crypto/node.js';
import { rsaKey, rsaSignature } from '../../../helpers/sign.js';

const backend = nodeBackend()!;
const SECRET = new TextEncoder().encode('0123456789abcdef01234567');
const INPUT = 'eyJhbGciOiJIUzI1NiJ9.eyJ1dWlkIjoidSJ9';
const mac = (input: string, key: Uint8Array = SECRET) => createHmac('sha256', key).update(input).digest();
const rsa = rsaKey('node_backend');
const spki = new Uint8Array(createPublicKey(rsa.publicKeyPem).export({ type: 'spki', format: 'der' }));

describe('nodeBackend', () => {
  it('is there on Node, with a native JWT decoder', () => {
    expect(backend.name).toBe('node');
    expect(backend.jwtDecoder).toBeDefined();
  });
});

describe('hmacSha256', () => {
  const check = backend.hmacSha256(SECRET);

  it('accepts the MAC of the input and nothing else, on bytes and on the base64url part', () => {
    expect(check(INPUT, new Uint8Array(mac(INPUT)))).toBe(true);
    expect(check.encoded!(INPUT, mac(INPUT).toString('base64url'))).toBe(true);
    expect(check(`${INPUT}.`, new Uint8Array(mac(INPUT)))).toBe(false);
    expect(check.encoded!(INPUT, mac(`${INPUT}x`).toString('base64url'))).toBe(false);
    expect(check.encoded!(INPUT, mac(INPUT, new Uint8Array(24)).toString('base64url'))).toBe(false);
  });

  it('refuses a signature of any other length without comparing', () => {
    const full = new Uint8Array(mac(INPUT));
    expect(check(INPUT, full.subarray(0, 31))).toBe(false);
    expect(check(INPUT, Uint8Array.of(...full, 0))).toBe(false);
    expect(check.encoded!(INPUT, mac(INPUT).toString('base64url').slice(0, 42))).toBe(false);
  });

  it('gives the two paths the same answers on random inputs and keys (one-shot digests against createHmac)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 96 }), fc.string({ maxLength: 300 }), fc.boolean(), (key, text, tamper) => {
        const input = Buffer.from(text, 'latin1').toString('latin1');
        const prepared = backend.hmacSha256(key);
        const signature = mac(input, key);
        if (tamper) signature[0]! ^= 1;
        const bytes = prepared(input, new Uint8Array(signature));
        return bytes === !tamper && prepared.encoded!(input, signature.toString('base64url')) === bytes;
      }),
      { numRuns: 300 },
    );
  });

  it('cannot have its fast path swapped out', () => {
    expect(Object.isFrozen(check)).toBe(true);
  });
});

describe('rsaSha256', () => {
  const check = backend.rsaSha256(spki, 256);
  const signature = new Uint8Array(Buffer.from(rsaSignature(INPUT, rsa.privateKey), 'base64url'));

  it('accepts the RS256 signature of the input and refuses it for other input or another key', () => {
    expect(check(INPUT, signature)).toBe(true);
    expect(check(`${INPUT}x`, signature)).toBe(false);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(check(INPUT, new Uint8Array(Buffer.from(rsaSignature(INPUT, other.privateKey), 'base64url')))).toBe(false);
  });

  it('refuses a signature whose length is not the modulus length', () => {
    expect(check(INPUT, signature.subarray(1))).toBe(false);
    expect(check(INPUT, Uint8Array.of(0, ...signature))).toBe(false);
  });

  it('takes a WebCrypto key too (what the JWKS source gets), and refuses a key that is not RSA', async () => {
    const cryptoKey = await webcrypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
    expect(backend.rsaSha256FromCryptoKey(cryptoKey as CryptoKey, 256)(INPUT, signature)).toBe(true);
    const ec = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }));
    expect(() => backend.rsaSha256(ec, 256)).toThrow('not an RSA key');
  });
});
