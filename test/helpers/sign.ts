/**
 * An independent JWT signer for tests: node:crypto by hand, no jose, so the
 * verifier is never tested against the library it is built on. Gives full
 * control over header, payload and signature so tests can build hostile tokens.
 */
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function b64url(input: string | Uint8Array | object): string {
  if (typeof input === 'string') return Buffer.from(input, 'utf8').toString('base64url');
  if (input instanceof Uint8Array) return Buffer.from(input).toString('base64url');
  return Buffer.from(JSON.stringify(input), 'utf8').toString('base64url');
}

export interface HsKey {
  kid: string;
  secret: string;
}

export interface RsKey {
  kid: string;
  privateKey: KeyObject;
  /** SPKI PEM, what a community is configured with. */
  publicKeyPem: string;
}

/** Signs `header.payload` (already encoded parts) with HMAC-SHA256 over the secret string's bytes. */
export function hmacSignature(signingInput: string, secret: string | Uint8Array): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

export function rsaSignature(signingInput: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(signingInput).sign(privateKey).toString('base64url');
}

export function signHS256(payload: object, key: HsKey, header: object = {}): string {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: key.kid, ...header })}.${b64url(payload)}`;
  return `${input}.${hmacSignature(input, key.secret)}`;
}

export function signRS256(payload: object, key: RsKey, header: object = {}): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header })}.${b64url(payload)}`;
  return `${input}.${rsaSignature(input, key.privateKey)}`;
}

const rsaCache = new Map<string, RsKey>();

/** A 2048-bit RSA key pair, generated once per kid per test process. */
export function rsaKey(kid = 'rsa_main', modulusLength = 2048): RsKey {
  const cacheKey = `${kid}:${modulusLength}`;
  let key = rsaCache.get(cacheKey);
  if (!key) {
    const pair = generateKeyPairSync('rsa', { modulusLength });
    key = {
      kid,
      privateKey: pair.privateKey,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    rsaCache.set(cacheKey, key);
  }
  return key;
}

/** A payload valid for `lifetime` seconds (default two hours: above the one-hour minimum). */
export function validPayload(extra: object = {}, lifetime = 7200): Record<string, unknown> {
  return { uuid: 'user-42', exp: nowSeconds() + lifetime, iat: nowSeconds(), ...extra };
}

export const HS_KEY: HsKey = { kid: 'site_2026', secret: '0123456789abcdef01234567' };
export const HS_KEY_256: HsKey = {
  kid: 'site_2027',
  secret: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
};
