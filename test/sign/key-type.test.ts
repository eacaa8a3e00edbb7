/** sign/key-type.ts: the kind of a private key, read from its PKCS#8 DER before WebCrypto is asked (SPEC §3: RS256 only). */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyTypeName, notRsa, pkcs8KeyType, RS256_ONLY } from '../../src/sign/key-type.js';

type KeyKind = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'x25519' | 'dsa';
/** A real private key of that kind, as PKCS#8 PEM (node:crypto, the openssl under it). */
const pem = (type: KeyKind, options: object = {}): string =>
  (generateKeyPairSync as (type: KeyKind, options: object) => { privateKey: string })(type, {
    ...options,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;

/** The PEM of `der`, as openssl writes it. */
const toPem = (der: Buffer): string => `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
const derOf = (text: string): Buffer => Buffer.from(text.replace(/-----[^-]+-----|\s/g, ''), 'base64');

describe('pkcs8KeyType', () => {
  it.each([
    ['RSA', () => pem('rsa', { modulusLength: 2048 })],
    ['RSA-PSS', () => pem('rsa-pss', { modulusLength: 2048 })],
    ['EC', () => pem('ec', { namedCurve: 'P-256' })],
    ['EC', () => pem('ec', { namedCurve: 'secp256k1' })],
    ['Ed25519', () => pem('ed25519')],
    ['Ed448', () => pem('ed448')],
    ['X25519', () => pem('x25519')],
    ['DSA', () => pem('dsa', { modulusLength: 2048, divisorLength: 256 })],
  ])('names a real %s key as openssl does', (name, make) => {
    expect(pkcs8KeyType(make())).toBe(name);
  });

  it('gives an algorithm it has no name for as its dotted OID', () => {
    const der = derOf(pem('ed25519'));
    const at = der.indexOf(Buffer.from([0x06, 0x03, 0x2b, 0x65, 0x70]));
    expect(at).toBeGreaterThan(0);
    der[at + 4] = 0x72; // 1.3.101.114: no key type chatq knows
    expect(pkcs8KeyType(toPem(der))).toBe('OID 1.3.101.114');
  });

  it('answers undefined for what is not PKCS#8: cut short, trailing bytes, not base64, another structure', () => {
    const der = derOf(pem('ec', { namedCurve: 'P-256' }));
    expect(pkcs8KeyType(toPem(der.subarray(0, der.length - 1)))).toBeUndefined();
    expect(pkcs8KeyType(toPem(Buffer.concat([der, Buffer.from([0])])))).toBeUndefined();
    expect(pkcs8KeyType('-----BEGIN PRIVATE KEY-----\n%%%\n-----END PRIVATE KEY-----')).toBeUndefined();
    expect(pkcs8KeyType(toPem(Buffer.from([0x30, 0x03, 0x04, 0x01, 0x00])))).toBeUndefined(); // no version INTEGER
    expect(pkcs8KeyType(toPem(Buffer.from([0x30, 0x85, 1, 0, 0, 0, 0])))).toBeUndefined(); // a length of five bytes
    expect(pkcs8KeyType('')).toBeUndefined();
  });
});

describe('notRsa and keyTypeName', () => {
  it('word the refusal with the key named, and what to give instead', () => {
    expect(notRsa('EC')).toBeInstanceOf(TypeError);
    expect(notRsa('EC').message).toBe(`privateKey is an EC key; ${RS256_ONLY}.`);
    expect(notRsa('Ed25519').message).toBe(`privateKey is an Ed25519 key; ${RS256_ONLY}.`);
    expect(notRsa('DSA').message).toBe(`privateKey is a DSA key; ${RS256_ONLY}.`);
    expect(notRsa('OID 1.3.101.114').message).toBe(`privateKey is a key of another algorithm (OID 1.3.101.114); ${RS256_ONLY}.`);
    expect(RS256_ONLY).toMatch(/RS256/);
  });

  it("spell node:crypto's, WebCrypto's and a JWK's names one way, and keep names they do not know", () => {
    expect(['ec', 'ECDSA', 'ecdh'].map(keyTypeName)).toEqual(['EC', 'EC', 'EC']);
    expect(['ed25519', 'X448', 'rsa-pss', 'OKP'].map(keyTypeName)).toEqual(['Ed25519', 'X448', 'RSA-PSS', 'OKP']);
    expect(keyTypeName('ML-DSA-44')).toBe('ML-DSA-44');
  });
});
