/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the
 * signature of a delivery is `v1,` + base64 HMAC-SHA256, keyed with the
 * base64-decoded part of the `whsec_` secret, over `id.timestamp.body`.
 * Web Crypto only, so the handler's core stays runtime-neutral.
 */
import { decodeBase64 } from '../../identity/index.js';

const encoder = new TextEncoder();
const SECRET_PREFIX = 'whsec_';
/** The spec's range for a secret's random bytes. */
export const SECRET_BYTES = { min: 24, max: 64 } as const;

/** The raw key of a `whsec_` secret, or a sentence saying what is wrong with it. */
export function secretKeyBytes(secret: string): Uint8Array | string {
  if (!secret.startsWith(SECRET_PREFIX)) return 'must start with whsec_ (the Standard Webhooks form: whsec_ + base64 of 24–64 random bytes)';
  const bytes = decodeBase64(secret.slice(SECRET_PREFIX.length));
  if (!bytes) return 'after whsec_ must come standard base64 (A–Z a–z 0–9 + / and = padding)';
  if (bytes.length < SECRET_BYTES.min || bytes.length > SECRET_BYTES.max) {
    return `must hold ${SECRET_BYTES.min}–${SECRET_BYTES.max} random bytes, got ${bytes.length} (make one with \`npx chatq webhook secret\`)`;
  }
  return bytes;
}

export async function importSecret(bytes: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** `v1,<base64>`: one entry of the `webhook-signature` header. */
export async function sign(key: CryptoKey, id: string, timestamp: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${encodeBase64(new Uint8Array(mac))}`;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
