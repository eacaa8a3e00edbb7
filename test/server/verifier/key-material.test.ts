/** src/server/verifier/key-material.ts: key material given in a form chatq does not take, named with what to give instead. */
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jwksProblem, keyObjectMistake } from '../../../src/server/verifier/key-material.js';

const rsaPair = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('keyObjectMistake', () => {
  it('names bytes given where a string belongs, per field, with the fix', () => {
    expect(keyObjectMistake(Buffer.from('abc'), 'secret')).toMatch(/^got a Buffer; give the secret as a string \(read from a file: readFileSync\(path, 'utf8'\)\.trim\(\)\)/);
    expect(keyObjectMistake(new Uint8Array(3), 'publicKey')).toMatch(/^got a Uint8Array; give the key as a PEM string/);
    expect(keyObjectMistake(new ArrayBuffer(4), 'secret')).toMatch(/^got an ArrayBuffer;/);
    expect(keyObjectMistake(new Int32Array(1), 'secret')).toMatch(/^got an Int32Array;/);
  });

  it('names a node:crypto KeyObject: the secret string itself, or the public PEM, and refuses a private key', () => {
    expect(keyObjectMistake(createSecretKey(Buffer.from('0'.repeat(24))), 'secret')).toContain('give the secret string itself');
    expect(keyObjectMistake(rsaPair.publicKey, 'publicKey')).toContain("key.export({ type: 'spki', format: 'pem' })");
    const privateMessage = keyObjectMistake(rsaPair.privateKey, 'publicKey')!;
    expect(privateMessage).toMatch(/^this is a private key, refused/);
    expect(privateMessage).toContain('createPublicKey(key).export');
  });

  it('names a WebCrypto CryptoKey, public or private', async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    expect(keyObjectMistake(pair.publicKey, 'publicKey')).toContain("exportKey('jwk', key)");
    expect(keyObjectMistake(pair.privateKey, 'publicKey')).toMatch(/^this is a private key, refused/);
    expect(keyObjectMistake(pair.publicKey, 'secret')).toContain('got a CryptoKey (WebCrypto); give the secret string itself');
  });

  it('leaves strings, plain objects and nothing alone for the other checks, and never quotes the key', () => {
    expect(keyObjectMistake('0123456789abcdef01234567', 'secret')).toBeUndefined();
    expect(keyObjectMistake({ kty: 'RSA' }, 'publicKey')).toBeUndefined();
    expect(keyObjectMistake(null, 'secret')).toBeUndefined();
    expect(keyObjectMistake(Buffer.from('my-very-secret-bytes'), 'secret')).not.toContain('my-very-secret');
  });
});

describe('jwksProblem', () => {
  it('recognizes a whole JWK Set where one JWK belongs, and counts its keys', () => {
    expect(jwksProblem({ keys: [{ kty: 'RSA' }] })).toMatch(/^got a JWKS \(a set of 1 key\); give the single RSA JWK .* createJwksKeySource\(url\)/);
    expect(jwksProblem({ keys: [{}, {}] })).toContain('a set of 2 keys');
  });

  it('is not fooled by a JWK that happens to have a keys member', () => {
    expect(jwksProblem({ kty: 'RSA', keys: [] })).toBeUndefined();
    expect(jwksProblem({ keys: 'x' })).toBeUndefined();
    expect(jwksProblem({ n: 'abc', e: 'AQAB' })).toBeUndefined();
  });
});
