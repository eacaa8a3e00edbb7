/**
 * Compares two strings in time that does not depend on where they differ: no
 * early exit, no `===` on a value derived from a secret. Only the length may
 * show, so give it strings whose length is public — a MAC in a fixed-length
 * encoding (every HS256 signature is 43 base64url characters), or the hashes
 * of two secrets (which also hides the secret's length).
 *
 * Pure JavaScript rather than node:crypto's timingSafeEqual: it runs on every
 * runtime, and on the verifier's hot path it avoids a Buffer and a native call
 * (numbers in src/server/verifier/crypto/node.ts).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
