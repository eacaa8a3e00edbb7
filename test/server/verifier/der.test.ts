/** src/server/verifier/der.ts: the ASN.1 DER that reads and builds RSA public keys (SPKI, PKCS#1, X.509). */
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modulusBits, readCertificateRsaKey, readPkcs1, readRsaSpki, rsaSpki } from '../../../src/server/verifier/der.js';
import { rsaKey } from '../../helpers/sign.js';

const key = createPublicKey(rsaKey('der_main').publicKeyPem);
const spki = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
const pkcs1 = new Uint8Array(key.export({ type: 'pkcs1', format: 'der' }));
const jwk = key.export({ format: 'jwk' });
const expected = { n: new Uint8Array(Buffer.from(jwk.n!, 'base64url')), e: new Uint8Array(Buffer.from(jwk.e!, 'base64url')) };

describe('readRsaSpki and readPkcs1', () => {
  it('read the modulus and exponent node:crypto wrote, without leading zeros', () => {
    expect(readRsaSpki(spki)).toEqual(expected);
    expect(readPkcs1(pkcs1)).toEqual(expected);
    expect(expected.e).toEqual(Uint8Array.of(1, 0, 1));
  });

  it('refuse trailing bytes, a cut key and a key of another algorithm', () => {
    expect(readRsaSpki(Uint8Array.of(...spki, 0))).toBeUndefined();
    expect(readRsaSpki(spki.subarray(0, spki.length - 1))).toBeUndefined();
    expect(readPkcs1(Uint8Array.of(...pkcs1, 0))).toBeUndefined();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(readRsaSpki(new Uint8Array(ec))).toBeUndefined();
    expect(readRsaSpki(pkcs1)).toBeUndefined();
  });

  it('refuse a negative modulus (high bit set, no 0x00 before it)', () => {
    // SEQUENCE { INTEGER 0x80 0x01, INTEGER 3 }
    expect(readPkcs1(Uint8Array.of(0x30, 0x07, 0x02, 0x02, 0x80, 0x01, 0x02, 0x01, 0x03))).toBeUndefined();
    expect(readPkcs1(Uint8Array.of(0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x03))).toEqual({ n: Uint8Array.of(0x80, 0x01), e: Uint8Array.of(3) });
  });

  it('refuse lengths that claim more than the input, or that use more than three length bytes', () => {
    expect(readPkcs1(Uint8Array.of(0x30, 0x82, 0xff, 0xff))).toBeUndefined();
    expect(readPkcs1(Uint8Array.of(0x30, 0x84, 0, 0, 0, 1, 0))).toBeUndefined();
    expect(readPkcs1(Uint8Array.of(0x30, 0x80))).toBeUndefined();
    expect(readPkcs1(new Uint8Array(0))).toBeUndefined();
  });
});

describe('readCertificateRsaKey', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatq-der-'));
    const file = (name: string) => join(dir, name);
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file('key.pem')], { stdio: 'pipe' });
    execFileSync('openssl', ['req', '-x509', '-new', '-key', file('key.pem'), '-subj', '/CN=chatq der', '-days', '2', '-sha256', '-outform', 'DER', '-out', file('cert.der')], { stdio: 'pipe' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the certificate's RSA key, the same numbers node:crypto reads from it", () => {
    const der = new Uint8Array(readFileSync(join(dir, 'cert.der')));
    const certJwk = new X509Certificate(der).publicKey.export({ format: 'jwk' });
    expect(readCertificateRsaKey(der)).toEqual({ n: new Uint8Array(Buffer.from(certJwk.n!, 'base64url')), e: new Uint8Array(Buffer.from(certJwk.e!, 'base64url')) });
  });

  it('refuses a certificate with bytes after it, and a bare SPKI', () => {
    const der = new Uint8Array(readFileSync(join(dir, 'cert.der')));
    expect(readCertificateRsaKey(Uint8Array.of(...der, 0))).toBeUndefined();
    expect(readCertificateRsaKey(spki)).toBeUndefined();
  });
});

describe('rsaSpki', () => {
  it('builds the same SPKI DER node:crypto exports, so both backends import it', () => {
    expect(rsaSpki(expected)).toEqual(spki);
    expect(readRsaSpki(rsaSpki(expected))).toEqual(expected);
  });

  it('puts a 0x00 before a number whose high bit is set, and no more', () => {
    const built = rsaSpki({ n: Uint8Array.of(0x80, 0x01), e: Uint8Array.of(3) });
    expect(readRsaSpki(built)).toEqual({ n: Uint8Array.of(0x80, 0x01), e: Uint8Array.of(3) });
    // …BIT STRING { 0, SEQUENCE { INTEGER 00 80 01, INTEGER 03 } }
    expect([...built.subarray(-10)]).toEqual([0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x03]);
  });
});

describe('modulusBits', () => {
  it('counts bits from the first set bit of the first byte', () => {
    expect(modulusBits(expected.n)).toBe(2048);
    expect(modulusBits(Uint8Array.of(0x01, 0xff))).toBe(9);
    expect(modulusBits(Uint8Array.of(0x7f))).toBe(7);
  });

  it('answers 0 for an empty or zero-led number (never a key size)', () => {
    expect(modulusBits(new Uint8Array(0))).toBe(0);
    expect(modulusBits(Uint8Array.of(0, 0xff))).toBe(0);
  });
});
