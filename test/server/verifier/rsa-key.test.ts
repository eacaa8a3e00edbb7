/** src/server/verifier/rsa-key.ts: an RS256 publicKey read in every form SPEC §3 takes, and every other form named. */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_RSA_BITS, MIN_RSA_BITS, parseRsaPublicKey } from '../../../src/server/verifier/rsa-key.js';
import { rsaKey } from '../../helpers/sign.js';

const key = createPublicKey(rsaKey('rsa_key_main').publicKeyPem);
const spkiPem = key.export({ type: 'spki', format: 'pem' }).toString();
const pkcs1Pem = key.export({ type: 'pkcs1', format: 'pem' }).toString();
const jwk = key.export({ format: 'jwk' }) as Record<string, string>;

const message = (value: unknown): string => {
  const result = parseRsaPublicKey(value);
  if (result.ok) throw new Error('expected a refusal');
  return result.message;
};

describe('parseRsaPublicKey: accepted forms', () => {
  it('reads SPKI PEM, PKCS#1 PEM, a JWK object and a JWK as JSON text to the same numbers', () => {
    const results = [spkiPem, pkcs1Pem, jwk, JSON.stringify(jwk), `\n  ${spkiPem}\n`, { ...jwk, alg: 'RS256', use: 'sig', key_ops: ['verify'] }].map(parseRsaPublicKey);
    for (const result of results) expect(result).toMatchObject({ ok: true, bits: 2048 });
    const [first] = results;
    for (const result of results) expect(result.ok && first!.ok && result.numbers).toEqual(first!.ok && first!.numbers);
  });
});

describe('parseRsaPublicKey: refusals that say what to give', () => {
  it('refuses private keys in every form, before reading them', () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const privateJwk = pair.privateKey.export({ format: 'jwk' });
    for (const value of [privatePem, privateJwk, JSON.stringify(privateJwk), { keys: [privateJwk] }, pair.privateKey]) {
      expect(message(value)).toMatch(/^this is a private key, refused/);
    }
  });

  it('refuses keys below 2048 and above 16384 bits, and a bad exponent', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as Record<string, string>;
    expect(message(small)).toBe(`RSA keys must be at least ${MIN_RSA_BITS} bits, got 1024. Generate a 2048-bit (or larger) key.`);
    const huge = { ...jwk, n: Buffer.concat([Buffer.from([0x80]), Buffer.alloc(MAX_RSA_BITS / 8)]).toString('base64url') };
    expect(message(huge)).toBe(`RSA keys must be at most ${MAX_RSA_BITS} bits, got ${MAX_RSA_BITS + 8}.`);
    expect(message({ ...jwk, e: 'AQAA' })).toMatch(/^the RSA public exponent is not valid/);
    expect(message({ ...jwk, e: 'AQ' })).toMatch(/^the RSA public exponent is not valid/);
  });

  it('names an OpenSSH key and how to convert it', () => {
    expect(message('ssh-rsa AAAAB3NzaC1yc2E comment')).toContain('ssh-keygen -e -m PKCS8 -f key.pub');
    expect(message('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me@host')).toMatch(/^this is an OpenSSH ssh-ed25519 key; RS256 needs an RSA key/);
  });

  it('names what is wrong with the PEM: none, two, another label, headers, an EC key', () => {
    expect(message('hello')).toMatch(/^not a PEM block; expected an RSA public key as SPKI PEM/);
    expect(message(spkiPem + spkiPem)).toBe("expected exactly one PEM block, got 2; give the signing key's public key or certificate alone.");
    expect(message('-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----')).toMatch(/^PEM blocks labelled "EC PARAMETERS" are not supported/);
    expect(message('-----BEGIN RSA PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PUBLIC KEY-----')).toBe('PEM blocks with headers (encrypted keys) are not supported.');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(message(ec)).toMatch(/^the SPKI PEM \(BEGIN PUBLIC KEY\) could not be read as an RSA public key/);
  });

  it('holds a JWK to RS256 signing: kty, alg, use, key_ops, n and e', () => {
    expect(message({ ...jwk, kty: 'EC' })).toBe('only RSA JWKs are supported (kty "RSA"), got kty "EC".');
    expect(message({ ...jwk, alg: 'RS512' })).toBe('the JWK\'s alg, when set, must be "RS256".');
    expect(message({ ...jwk, use: 'enc' })).toBe('the JWK\'s use, when set, must be "sig".');
    expect(message({ ...jwk, key_ops: ['encrypt'] })).toBe('the JWK\'s key_ops, when set, must include "verify".');
    expect(message({ kty: 'RSA', e: 'AQAB' })).toBe('the JWK needs "n" and "e" as canonical base64url strings.');
    expect(message(JSON.parse('{"kty":"RSA","__proto__":{},"n":"x","e":"AQAB"}'))).toBe('the JWK has a forbidden member (__proto__, constructor or prototype).');
  });

  it('names a JWKS, invalid JSON text and values of other types', () => {
    expect(message({ keys: [jwk, jwk] })).toMatch(/^got a JWKS \(a set of 2 keys\)/);
    expect(message('{"kty": "RSA",')).toMatch(/^looks like JSON but is not valid JSON/);
    expect(message(null)).toMatch(/, got null\.$/);
    expect(message([jwk])).toMatch(/, got an array\.$/);
    expect(message(42)).toMatch(/, got number\.$/);
  });

  it('never quotes the key text in a message', () => {
    const body = spkiPem.split('\n')[1]!;
    const broken = spkiPem.replace(body, body.slice(0, 20));
    expect(message(broken)).not.toContain(body.slice(0, 20));
  });
});
