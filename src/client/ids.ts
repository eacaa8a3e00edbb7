import { encodeBase64url } from '../identity/index.js';

/**
 * A random base64url id of `bytes` random bytes (16 → 128 bits, 22 chars).
 * Used for the automated uuid (SPEC §2: random, unguessable, it is what
 * proves ownership of an anonymous conversation) and for message client ids.
 */
export function randomId(bytes = 16): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}
